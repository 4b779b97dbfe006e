/*
 * Fuzz target: the key line herd register takes from herdd's `lab` answer
 * (authkeys_lab_line_ok).  A line it accepts is one line of our exact
 * form: it starts with from=" and holds ",restrict " once, has no quote
 * after that, no control byte, and ends with the marker; and the
 * authorized_keys edit takes it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "util.h"

#define MARK "herd-lab:test"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = xstrndup((const char *)data, size);
	if (authkeys_lab_line_ok(line, MARK)) {
		const char *r = strstr(line, "\",restrict ");
		size_t n = strlen(line);
		if (strncmp(line, "from=\"", 6) != 0 || r == NULL || strchr(r + 2, '"') != NULL ||
		    strstr(r + 1, "\",restrict ") != NULL || n < sizeof MARK ||
		    strcmp(line + n - (sizeof MARK - 1), MARK) != 0)
			abort();
		for (const char *p = line; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
		struct buf b;
		buf_init(&b, AUTHKEYS_MAX + 4096);
		if (authkeys_edit("", 0, MARK, line, &b) != 0)
			abort();
		buf_clear(&b);
	}
	free(line);
	return 0;
}

/*
 * Fuzz target: the key line herd register takes from herdd's `lab` answer
 * (authkeys_lab_line_ok).  A line it accepts is one line of our exact
 * form: it starts with from=", its options after the from= list are
 * AUTHKEYS_LAB_OPTS (answer 2) or AUTHKEYS_LAB_OPTS_OLD (answer 1) and a
 * space, with no quote after them, no control byte, and it ends with the
 * marker; and the authorized_keys edit takes it.
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
	int form = authkeys_lab_line_ok(line, MARK);
	if (form != 0) {
		const char *opts = form == 2 ? "\"," AUTHKEYS_LAB_OPTS " " : "\"," AUTHKEYS_LAB_OPTS_OLD " ";
		const char *r = strchr(line + 6, '"');
		size_t n = strlen(line);
		if (form != 1 && form != 2)
			abort();
		if (strncmp(line, "from=\"", 6) != 0 || r == NULL ||
		    strncmp(r, opts, strlen(opts)) != 0 || strchr(r + strlen(opts), '"') != NULL ||
		    n < sizeof MARK || strcmp(line + n - (sizeof MARK - 1), MARK) != 0)
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

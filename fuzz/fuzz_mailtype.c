/*
 * Fuzz target: the first line of the input as a --mail-type and as a
 * --mail-user.  A type that parses must format to a canonical text that
 * parses back to the same set and fits its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailtype.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[1024], why[HERD_ERRLEN], canon[MAILTYPE_TEXT_MAX];
	size_t n = strnlen((const char *)data, size < 1023 ? size : 1023);
	unsigned m, back;

	memcpy(line, data, n);
	line[n] = '\0';
	if (mailtype_parse(line, &m, why, sizeof why) == 0) {
		mailtype_format(m, canon, sizeof canon);
		if (strlen(canon) >= sizeof canon - 1)
			abort();
		if (m != 0 && (mailtype_parse(canon, &back, why, sizeof why) != 0 || back != m))
			abort();
	}
	(void)mailuser_check(line, why, sizeof why);
	return 0;
}

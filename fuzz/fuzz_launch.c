/* Fuzz target: the parsers of node answer lines and event lines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct launch_reply r;
	int64_t id;
	int attempt;
	char *line = malloc(size + 1);
	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	char *copy = strdup(line);
	if (launch_parse_reply(line, &r) == 0 && r.kind == 'O' && strcmp(r.word, "data") == 0) {
		/* herd logs' data line: its hex must decode as the parser promised. */
		unsigned char b[LAUNCH_HEX_MAX / 2];
		if (launch_hex_decode(r.rest, b, sizeof b) <= 0)
			abort();
	}
	(void)launch_parse_event(copy, &r);
	(void)launch_key_parse((const char *)copy, "test.abcd", &id, &attempt);
	free(copy);
	free(line);
	return 0;
}

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
	(void)launch_parse_reply(line, &r);
	(void)launch_parse_event(copy, &r);
	(void)launch_key_parse((const char *)copy, "test.abcd", &id, &attempt);
	free(copy);
	free(line);
	return 0;
}

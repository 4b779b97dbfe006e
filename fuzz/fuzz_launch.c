/* Fuzz target: the parsers of node answer lines and event lines (an end
 * event's " oom N" too: oomkill.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "oomkill.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct be_reply r;
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
		if (r.data == NULL || r.ndata <= 0 || r.ndata > LAUNCH_HEX_MAX / 2)
			abort();
	}
	if (launch_parse_event(copy, &r) == 0 && strcmp(r.word, "end") == 0) {
		int64_t kills = oomkill_parse_end(r.rest);
		if (kills < -1 || kills > 1000000000 || (kills > 0) != oomkill_failed(1, kills))
			abort();
	}
	struct job_key k;
	if (job_key_parse(&k, copy, "test.abcd", &id, &attempt) == 0 &&
	    (id <= 0 || attempt < 0 || strcmp(job_key_str(&k), copy) != 0))
		abort();	/* a key is only ever the exact text job_key_make makes */
	free(copy);
	free(line);
	return 0;
}

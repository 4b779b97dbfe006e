/*
 * Fuzz target: the input as one SWF line (and as a header line).  A line
 * that parses must give numbers within SWF_NUM_MAX; a refusal must say why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "swf.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct swf_job j;
	char why[128] = "";
	int r = swf_parse_line((const char *)data, size, &j, why, sizeof why);

	if (r == 1 && (j.submit > SWF_NUM_MAX || j.submit < -SWF_NUM_MAX ||
	    j.run > SWF_NUM_MAX || j.size > SWF_NUM_MAX || j.req_time > SWF_NUM_MAX))
		abort();
	if (r < 0 && why[0] == '\0')
		abort();
	if (swf_header_value((const char *)data, size, "MaxProcs") < 0)
		abort();
	return 0;
}

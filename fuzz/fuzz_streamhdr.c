/*
 * fuzz_streamhdr.c — a stream script's first line as a node printed it
 * (stream_node_parse_header): taken only as "herd-stream PID" with a pid
 * above 1, and then exactly what printf would print for that pid.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream_node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int pid = -7;
	char again[64];
	if (stream_node_parse_header((const char *)data, size, &pid) != 0) {
		if (pid != -7)
			abort();
		return 0;
	}
	if (pid <= 1)
		abort();
	int n = snprintf(again, sizeof again, "herd-stream %d", pid);
	if ((size_t)n != size || memcmp(again, data, size) != 0)
		abort();
	return 0;
}

/*
 * oomkill.c — reading a node's word on an out-of-memory kill.
 *
 * Theory of operation: the word comes from the node's event file, which
 * anything running as the node's account may write to; so it is parsed
 * strictly ("oom" and a bounded decimal count, nothing after) and what is
 * not that is no kill.  Only a failed end counts: the OOM killer kills one
 * process of the cgroup, and a job whose other processes carried on to a
 * clean exit did not fail for it.
 */
#include <string.h>

#include "oomkill.h"

#define OOMKILL_COUNT_MAX 1000000000LL

int64_t oomkill_parse_end(const char *rest)
{
	int64_t n = 0;
	const char *p;
	if (rest == NULL)
		return 0;
	while (*rest == ' ')
		rest++;
	if (*rest == '\0')
		return 0;
	if (strncmp(rest, "oom ", 4) != 0)
		return -1;
	p = rest + 4;
	if (*p < '1' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > OOMKILL_COUNT_MAX)
			return -1;
	}
	while (*p == ' ')
		p++;
	return *p == '\0' ? n : -1;
}

int oomkill_failed(int64_t status, int64_t kills)
{
	return status != 0 && kills > 0;
}

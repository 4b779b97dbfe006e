/*
 * cmd_util.c — what the subcommands share: one request, a stream of
 * answers, argument helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

int cmd_stream(const struct msg *req, int (*each)(void *arg, const struct msg *m), void *arg)
{
	struct hclient c;
	struct msg m;
	int rc = 1;

	if (hclient_connect(&c) != 0)
		return 1;
	if (hclient_send(&c, req) != 0)
		goto out;
	while (hclient_next(&c, &m) == 1) {
		if (hclient_is_error(&m) || strcmp(m.type, "end") == 0) {
			rc = strcmp(m.type, "end") == 0 ? 0 : 1;
			msg_clear(&m);
			break;
		}
		int stop = each(arg, &m);
		msg_clear(&m);
		if (stop) {
			rc = 0;
			break;
		}
	}
out:
	hclient_close(&c);
	return rc;
}

long long cmd_job_id(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v <= 0) {
		fprintf(stderr, "herd: \"%s\" is not a job id\n", s);
		return -1;
	}
	return v;
}

int cmd_flag(const char *arg, const char *longname, const char *shortname)
{
	return (longname && strcmp(arg, longname) == 0) || (shortname && strcmp(arg, shortname) == 0);
}

/*
 * cmd_history.c — herd history: ended jobs, newest first, like sacct.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"
#include "jobopt.h"

static void row(struct table *t, const struct msg *m)
{
	char id[32], ec[24], el[32] = "-", end[64];
	int64_t s = msg_geti(m, "start_time", 0), e = msg_geti(m, "end_time", 0);
	snprintf(id, sizeof id, "%" PRId64, msg_geti(m, "id", 0));
	int64_t code = msg_geti(m, "exit_code", -1);
	if (code >= 0)
		snprintf(ec, sizeof ec, "%" PRId64, code);
	else
		snprintf(ec, sizeof ec, "-");	/* never ran, or no status came back */
	if (s > 0 && e >= s)
		format_duration(e - s, el, sizeof el);
	fmt_time(end, sizeof end, e);
	const char *node = msg_get(m, "node", NULL);
	const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), ec, el, node ? node : "", end };
	table_add(t, cells);
}

int cmd_history(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "NAME", "USER", "STATE", "EXIT", "ELAPSED", "NODE", "END" };
	static const struct list_fmt fmt = { 8, hdr, row, json_job };
	struct msg req;
	int all = 0, json = 0;
	long limit = 50;

	for (int i = 1; i < argc; i++) {
		if (cmd_flag(argv[i], "--json", NULL))
			json = 1;
		else if (cmd_flag(argv[i], "--all", "-a"))
			all = 1;
		else if (cmd_flag(argv[i], NULL, "-n") && i + 1 < argc) {
			char *end;
			limit = strtol(argv[++i], &end, 10);
			if (*argv[i] == '\0' || *end != '\0' || limit < 1 || limit > 100000) {
				fprintf(stderr, "herd: -n takes a number of jobs, 1 to 100000\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: herd history [--all] [-n N] [--json]\n");
			return 2;
		}
	}
	msg_init(&req, "history");
	msg_addi(&req, "all", all);
	msg_addi(&req, "limit", limit);
	int rc = cmd_list(&req, json, &fmt);
	msg_clear(&req);
	return rc;
}

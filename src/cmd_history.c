/*
 * cmd_history.c — herd history: ended jobs, newest first, like sacct.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"
#include "job.h"

const struct cmd_entry cmd_history_entry = {
	"history", "history [-a] [-n COUNT] [--json]",
	"list ended jobs, newest first, like sacct",
	"options:\n"
	"  -a, --all                 jobs of every user, not only yours\n"
	"  -n, --count COUNT         at most COUNT jobs, 1 to 100000 (default 50)\n"
	"      --json                a JSON array of jobs\n"
	"  -h, --help                this help\n"
	"\ncolumns: JOBID NAME USER STATE EXIT (sacct's EXIT:SIGNAL: 0:9 is killed by\n"
	"SIGKILL) ELAPSED ([D-]HH:MM:SS) NODE END; a requeued job's earlier attempts\n"
	"follow its row as ID(ATTEMPT)\n",
	cmd_history
};

/* The earlier attempts of a requeued job, newest first, under its own row. */
static void attempt_rows(struct table *t, const struct msg *m)
{
	struct attempt_rec r;
	size_t n = 0;
	while (msg_get_nth(m, "attempt_rec", n, NULL) != NULL)
		n++;
	while (n-- > 0 && attempt_rec_get(m, n, &r) == 0) {
		char id[48], ec[24], el[32] = "-", end[64];
		snprintf(id, sizeof id, "%" PRId64 "(%d)", msg_geti(m, "id", 0), r.attempt);
		job_exit_format((int32_t)r.exit_code, ec, sizeof ec);
		if (r.start_time > 0 && r.end_time >= r.start_time)
			fmt_dhms(el, sizeof el, r.end_time - r.start_time);
		fmt_time(end, sizeof end, r.end_time);
		const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
		    r.state, ec, el, r.node, end };
		table_add(t, cells);
	}
}

static void row(struct table *t, const struct msg *m)
{
	char id[32], ec[24], el[32] = "-", end[64];
	int64_t s = msg_geti(m, "start_time", 0), e = msg_geti(m, "end_time", 0);
	snprintf(id, sizeof id, "%" PRId64, msg_geti(m, "id", 0));
	job_exit_format((int32_t)msg_geti(m, "exit_code", -1), ec, sizeof ec);	/* "-": never ran, or no status */
	if (s > 0 && e >= s)
		fmt_dhms(el, sizeof el, e - s);
	fmt_time(end, sizeof end, e);
	const char *node = msg_get(m, "node", NULL);
	const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), ec, el, node ? node : "", end };
	table_add(t, cells);
	attempt_rows(t, m);
}

int cmd_history(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "NAME", "USER", "STATE", "EXIT", "ELAPSED", "NODE", "END" };
	static const struct list_fmt fmt = { 8, hdr, row, json_job_attempts };
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_history_entry;
	struct list_opts o = { 0 };
	struct msg req;
	int all = 0, ch;
	long limit = 50;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "an:h", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 'a':
			all = 1;
			break;
		case 'n':
			if (cmd_number(ce, "-n", optarg, 1, 100000, "jobs", &limit) != 0)
				return 2;
			break;
		case 'J':
			o.json = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return cmd_usage_error(ce, "unexpected argument \"%s\"", argv[optind]);
	msg_init(&req, "history");
	msg_addi(&req, "all", all);
	msg_addi(&req, "limit", limit);
	int rc = cmd_list(&req, &o, &fmt);
	msg_clear(&req);
	return rc;
}

/*
 * cmd_audit.c — herd audit: what admins (and root) did to other users'
 * jobs, newest first, from herdd's audit table.  Admins and root only;
 * herdd refuses everyone else.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_audit_entry = {
	"audit", "audit [-n COUNT] [--json]",
	"list admins' actions on other users' jobs and nodes, newest first (admins only)",
	"options:\n"
	"  -n, --count COUNT         at most COUNT records, 1 to 10000 (default 50)\n"
	"      --json                a JSON array of records\n"
	"  -h, --help                this help\n"
	"\ncolumns: TIME ACTOR ACTION JOB OWNER DETAIL; ACTION is cancel, hold, release,\n"
	"requeue, update, read_script, read_env or read_output, or drain or resume of\n"
	"a node (JOB and OWNER \"-\", DETAIL \"NODE: REASON\")\n",
	cmd_audit
};

/* A record of no job (herd drain, resume: the node is in DETAIL) has JOB and OWNER "-". */
static void row(struct table *t, const struct msg *m)
{
	char when[64], job[32] = "-";
	int64_t id = msg_geti(m, "job_id", 0);
	fmt_time(when, sizeof when, msg_geti(m, "time", 0));
	if (id > 0)
		snprintf(job, sizeof job, "%" PRId64, id);
	const char *detail = msg_get(m, "detail", NULL), *owner = msg_get(m, "owner", NULL);
	const char *cells[] = { when, msg_get(m, "actor", NULL), msg_get(m, "action", NULL), job,
	    id > 0 && owner != NULL && owner[0] != '\0' ? owner : "-", detail ? detail : "" };
	table_add(t, cells);
}

static void json(FILE *f, const struct msg *m)
{
	char when[64];
	fmt_time(when, sizeof when, msg_geti(m, "time", 0));
	fprintf(f, "{\"id\":%" PRId64 ",\"time\":", msg_geti(m, "id", 0));
	json_str(f, when);
	fprintf(f, ",\"actor_uid\":%" PRId64 ",\"actor\":", msg_geti(m, "actor_uid", 0));
	json_str(f, msg_get(m, "actor", NULL));
	fputs(",\"action\":", f);
	json_str(f, msg_get(m, "action", NULL));
	if (msg_geti(m, "job_id", 0) > 0) {
		fprintf(f, ",\"job_id\":%" PRId64 ",\"owner_uid\":%" PRId64 ",\"owner\":",
		    msg_geti(m, "job_id", 0), msg_geti(m, "owner_uid", 0));
		json_str(f, msg_get(m, "owner", NULL));
	} else
		fputs(",\"job_id\":null,\"owner_uid\":null,\"owner\":null", f);
	fputs(",\"detail\":", f);
	if (msg_get(m, "detail", NULL) != NULL)
		json_str(f, msg_get(m, "detail", NULL));
	else
		fputs("null", f);
	putc('}', f);
}

int cmd_audit(int argc, char **argv)
{
	static const char *hdr[] = { "TIME", "ACTOR", "ACTION", "JOB", "OWNER", "DETAIL" };
	static const struct list_fmt fmt = { 6, hdr, row, json };
	static const struct option lo[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_audit_entry;
	struct list_opts o = { 0 };
	struct msg req;
	long limit = 50;
	int ch;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "n:h", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 'n':
			if (cmd_number(ce, "-n", optarg, 1, 10000, "records", &limit) != 0)
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
	msg_init(&req, "audit");
	msg_addi(&req, "limit", limit);
	int rc = cmd_list(&req, &o, &fmt);
	msg_clear(&req);
	return rc;
}

/*
 * cmd_priority.c — herd priority [ID...]: each pending job's priority and
 * the weighted factors it is made of, highest first, as Slurm's sprio.
 * herdd computes them (rpc_share.c) with the function its passes use.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"
#include "util.h"

const struct cmd_entry cmd_priority_entry = {
	"priority", "priority [--json] [ID...]",
	"pending jobs' priority and its factors, highest first (as sprio)",
	"options:\n"
	"      --json                a JSON array of objects\n"
	"  -h, --help                this help\n"
	"\ncolumns: JOB USER ACCOUNT PRIORITY AGE FAIRSHARE JOBSIZE PARTITION QOS XFACTOR\n"
	"NICE; each factor is its weight in [priority] (hosts.ini(5)) times a value in\n"
	"[0,1]; PRIORITY is their sum less NICE\n",
	cmd_priority
};

static const char *get(const struct msg *m, const char *key, const char *def)
{
	const char *v = msg_get(m, key, NULL);
	return v != NULL ? v : def;
}

static const char *const keys[] = { "priority", "age", "fairshare", "jobsize", "partition", "qos",
	"xfactor" };

static void row(struct table *t, const struct msg *m)
{
	char id[32], num[7][32], nice[32];
	const char *cells[11];
	snprintf(id, sizeof id, "%" PRId64, msg_geti(m, "id", 0));
	snprintf(nice, sizeof nice, "%" PRId64, msg_geti(m, "nice", 0));
	cells[0] = id;
	cells[1] = get(m, "user", "");
	cells[2] = get(m, "account", "");
	for (int i = 0; i < 7; i++) {
		snprintf(num[i], sizeof num[i], "%.0f", strtod(get(m, keys[i], "0"), NULL));
		cells[3 + i] = num[i];
	}
	cells[10] = nice;
	table_add(t, cells);
}

static void json(FILE *f, const struct msg *m)
{
	fprintf(f, "{\"id\":%" PRId64 ",\"user\":", msg_geti(m, "id", 0));
	json_str(f, get(m, "user", ""));
	fputs(",\"account\":", f);
	json_str(f, get(m, "account", ""));
	for (int i = 0; i < 7; i++)
		fprintf(f, ",\"%s\":%.6f", keys[i], strtod(get(m, keys[i], "0"), NULL));
	fprintf(f, ",\"nice\":%" PRId64 "}", msg_geti(m, "nice", 0));
}

int cmd_priority(int argc, char **argv)
{
	static const char *hdr[] = { "JOB", "USER", "ACCOUNT", "PRIORITY", "AGE", "FAIRSHARE",
		"JOBSIZE", "PARTITION", "QOS", "XFACTOR", "NICE" };
	static const struct list_fmt fmt = { 11, hdr, row, json };
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' }, CMD_HELP_OPTION, { NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_priority_entry;
	struct list_opts o = { 0 };
	struct buf ids;
	struct msg req;
	int ch;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'h' || ch == CMD_OPT_HELP) {
			if (ch == 'h')
				cmd_help(ce, stdout);
			return 0;
		}
		if (ch != 'J')
			return 2;
		o.json = 1;
	}
	buf_init(&ids, 1 << 16);
	for (int i = optind; i < argc; i++) {
		long v;
		if (cmd_number(ce, "ID", argv[i], 1, 2000000000L, "a job id", &v) != 0) {
			buf_clear(&ids);
			return 2;
		}
		if (buf_printf(&ids, "%s%ld", ids.len ? "," : "", v) != 0) {
			buf_clear(&ids);
			return cmd_usage_error(ce, "too many job ids");
		}
	}
	msg_init(&req, "priority");
	if (ids.len > 0) {
		buf_addc(&ids, '\0');
		msg_adds(&req, "ids", ids.data);
	}
	int rc = cmd_list(&req, &o, &fmt);
	msg_clear(&req);
	buf_clear(&ids);
	return rc;
}

/*
 * cmd_usage.c — herd usage [--all]: the account tree with shares, raw and
 * effective usage and the fair-share factor, as Slurm's sshare.  Without
 * --all, only your own associations under the accounts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_usage_entry = {
	"usage", "usage [--all] [--json]",
	"fair share: accounts, shares, usage and the fair-share factor (as sshare)",
	"options:\n"
	"  -a, --all                 every user's line (default: yours)\n"
	"      --json                a JSON array of objects\n"
	"  -h, --help                this help\n"
	"\ncolumns: ACCOUNT USER SHARES NORM_SHARES RAW_USAGE NORM_USAGE EFF_USAGE\n"
	"FAIRSHARE.  RAW_USAGE is GPU-hours x billing (CPU-hours for jobs without\n"
	"GPUs), halved every half_life ([priority] in hosts.ini(5)); an account's\n"
	"is all of its users' and sub-accounts'\n",
	cmd_usage
};

static const char *get(const struct msg *m, const char *key, const char *def)
{
	const char *v = msg_get(m, key, NULL);
	return v != NULL ? v : def;
}

static const char *const keys[] = { "shares", "norm_shares", "raw_usage", "norm_usage",
	"eff_usage", "fairshare" };

static void row(struct table *t, const struct msg *m)
{
	char num[6][32];
	const char *cells[8];
	cells[0] = get(m, "account", "");
	cells[1] = get(m, "user", "");
	for (int i = 0; i < 6; i++) {
		double v = strtod(get(m, keys[i], "0"), NULL);
		snprintf(num[i], sizeof num[i], i == 0 ? "%.0f" : i == 2 ? "%.2f" : "%.4f", v);
		cells[2 + i] = num[i];
	}
	table_add(t, cells);
}

static void json(FILE *f, const struct msg *m)
{
	fputs("{\"account\":", f);
	json_str(f, get(m, "account", ""));
	fputs(",\"user\":", f);
	if (get(m, "user", NULL) != NULL)
		json_str(f, get(m, "user", NULL));
	else
		fputs("null", f);
	fputs(",\"parent\":", f);
	if (get(m, "parent", NULL) != NULL)
		json_str(f, get(m, "parent", NULL));
	else
		fputs("null", f);
	for (int i = 0; i < 6; i++)
		fprintf(f, ",\"%s\":%.6f", keys[i], strtod(get(m, keys[i], "0"), NULL));
	putc('}', f);
}

int cmd_usage(int argc, char **argv)
{
	static const char *hdr[] = { "ACCOUNT", "USER", "SHARES", "NORM_SHARES", "RAW_USAGE",
		"NORM_USAGE", "EFF_USAGE", "FAIRSHARE" };
	static const struct list_fmt fmt = { 8, hdr, row, json };
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' }, { "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION, { NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_usage_entry;
	struct list_opts o = { 0 };
	struct msg req;
	int ch, all = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "ah", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 'a': all = 1; break;
		case 'J': o.json = 1; break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return cmd_usage_error(ce, "unexpected argument \"%s\"", argv[optind]);
	msg_init(&req, "usage");
	msg_addi(&req, "all", all);
	int rc = cmd_list(&req, &o, &fmt);
	msg_clear(&req);
	return rc;
}

/*
 * cmd_usage.c — herd usage [--all] [-S FROM [-E TO]]: the account tree with
 * shares, raw and effective usage and the fair-share factor, as Slurm's
 * sshare, and with a period the GPU- and CPU-hours allocated in it (as
 * sreport's cluster utilisation by account and user).  Without --all, only
 * your own associations under the accounts.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_usage_entry = {
	"usage", "usage [--all] [-S FROM [-E TO]] [--json]",
	"fair share: accounts, shares, usage and the fair-share factor (as sshare)",
	"options:\n"
	"  -a, --all                 every user's line (default: yours)\n"
	"  -S, --start FROM          add GPU_HOURS and CPU_HOURS allocated from FROM\n"
	"                            (now-30days, 2026-11-01, 2026-11-01T08:00)\n"
	"  -E, --end TO              ... up to TO (default now; same forms)\n"
	"      --json                a JSON array of objects\n"
	"  -h, --help                this help\n"
	"\ncolumns: ACCOUNT USER SHARES NORM_SHARES RAW_USAGE NORM_USAGE EFF_USAGE\n"
	"FAIRSHARE.  RAW_USAGE is GPU-hours x billing (CPU-hours for jobs without\n"
	"GPUs), halved every half_life ([priority] in hosts.ini(5)); an account's\n"
	"is all of its users' and sub-accounts'.  GPU_HOURS (-S): GPUs held x\n"
	"hours inside the period, every attempt, not decayed nor billed\n",
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
	char num[8][32];
	const char *cells[10];
	cells[0] = get(m, "account", "");
	cells[1] = get(m, "user", "");
	for (int i = 0; i < 6; i++) {
		double v = strtod(get(m, keys[i], "0"), NULL);
		snprintf(num[i], sizeof num[i], i == 0 ? "%.0f" : i == 2 ? "%.2f" : "%.4f", v);
		cells[2 + i] = num[i];
	}
	for (int i = 0; i < 2; i++) {
		snprintf(num[6 + i], sizeof num[6 + i], "%.2f",
		    strtod(get(m, i ? "cpu_hours" : "gpu_hours", "0"), NULL));
		cells[8 + i] = num[6 + i];
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
	if (get(m, "gpu_hours", NULL) != NULL)
		fprintf(f, ",\"gpu_hours\":%.6f,\"cpu_hours\":%.6f",
		    strtod(get(m, "gpu_hours", "0"), NULL), strtod(get(m, "cpu_hours", "0"), NULL));
	putc('}', f);
}

int cmd_usage(int argc, char **argv)
{
	static const char *hdr[] = { "ACCOUNT", "USER", "SHARES", "NORM_SHARES", "RAW_USAGE",
		"NORM_USAGE", "EFF_USAGE", "FAIRSHARE", "GPU_HOURS", "CPU_HOURS" };
	/* The period's two columns only with -S: the first 8 cells otherwise. */
	static const struct list_fmt fmt = { 8, hdr, row, json };
	static const struct list_fmt fmt_period = { 10, hdr, row, json };
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' }, { "json", no_argument, NULL, 'J' },
		{ "start", required_argument, NULL, 'S' }, { "end", required_argument, NULL, 'E' },
		CMD_HELP_OPTION, { NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_usage_entry;
	struct list_opts o = { 0 };
	struct msg req;
	const char *from = NULL, *to = NULL;
	int ch, all = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "ahS:E:", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 'a': all = 1; break;
		case 'J': o.json = 1; break;
		case 'S': from = optarg; break;
		case 'E': to = optarg; break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		return cmd_usage_error(ce, "unexpected argument \"%s\"", argv[optind]);
	msg_init(&req, "usage");
	msg_addi(&req, "all", all);
	if (to != NULL && from == NULL) {
		msg_clear(&req);
		return cmd_usage_error(ce, "-E needs -S (the period's start)");
	}
	if (from != NULL)
		msg_adds(&req, "start", from);
	if (to != NULL)
		msg_adds(&req, "end", to);
	int rc = cmd_list(&req, &o, from != NULL ? &fmt_period : &fmt);
	msg_clear(&req);
	return rc;
}

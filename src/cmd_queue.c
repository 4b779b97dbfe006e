/*
 * cmd_queue.c — herd queue: pending and running jobs, like squeue.  The
 * filters (-u, -j, -t) are applied here to herdd's listing; --me asks
 * herdd for the caller's jobs only, as --mine always did.  --start, as
 * squeue --start, lists the pending jobs with their planned start (the
 * reservations of herdd's last pass; N/A where none) and node.  --format
 * (named columns) and -o (squeue's %-letters) print the columns asked
 * (jobcols.h); a --format text that starts with '%' is squeue's, as
 * scripts write `squeue --format="%.18i %j"`.
 */
#include <inttypes.h>
#include <stdio.h>

#include "job.h"

#include "client.h"
#include "cmd.h"
#include "jobcols.h"
#include "util.h"

const struct cmd_entry cmd_queue_entry = {
	"queue", "queue [-u USER[,USER]] [--me] [-j ID[,ID]] [-t STATE[,STATE]] [--start] [-h] "
	"[--format COLS | -o FORMAT] [--json]",
	"list pending and running jobs, like squeue",
	"options:\n"
	"  -u, --user USER[,USER]    only jobs of these users (names or uids)\n"
	"      --me, -m, --mine      only your own jobs\n"
	"  -j, --jobs ID[,ID]        only these jobs\n"
	"  -t, --states STATE[,...]  only jobs in these states, any case: PENDING (PD),\n"
	"                            LAUNCHING (CF), RUNNING (R), or all\n"
	"  -p, --partition P[,P]     only jobs in these partitions\n"
	"      --start               pending jobs with their planned start and node (as\n"
	"                            squeue --start): START_TIME is N/A where none is planned\n"
	"  -O, --format COL[,COL]    these columns, named (COL%WIDTH cuts to WIDTH): id,\n"
	"                            partition, name, user, uid, account, state, st,\n"
	"                            time, elapsed, timelimit, nodes, node, reason,\n"
	"                            nodelist_reason, gpus, tres_per_node, cpus, mem,\n"
	"                            submit, start, end, exitcode, gpuhours, attempt,\n"
	"                            qos, comment, dependency, workdir, arrayjobid,\n"
	"                            arraytaskid, kind (batch or service)\n"
	"  -o FORMAT                 squeue's fields: \"%.18i %.9P %.8j %.8u %.2t %.10M\n"
	"                            %.6D %R\" (%[.][WIDTH]LETTER; '.' right-justifies;\n"
	"                            %% a percent sign); letters i P j u U a T t M l D N\n"
	"                            r R b C m V S e q k E Z F K as squeue's; a\n"
	"                            --format that starts with % is read so too\n"
	"  -h, --noheader            no header line (as squeue; --help is the help)\n"
	"      --json                a JSON array of jobs\n"
	"      --help                this help\n"
	"\ncolumns: JOBID PARTITION NAME USER STATE KIND (batch or service) TIME (since start,\n"
	"[D-]HH:MM:SS) GPUS NODE REASON\n"
	"--start: JOBID PARTITION NAME USER STATE START_TIME GPUS SCHEDNODES NODELIST(REASON)\n",
	cmd_queue
};

static void row(struct table *t, const struct msg *m)
{
	char id[96], elapsed[32] = "00:00:00", gpus[32];
	int64_t start = msg_geti(m, "start_time", 0);
	job_display_id(id, sizeof id, m);
	if (start > 0)
		fmt_dhms(elapsed, sizeof elapsed, wall_s() > start ? wall_s() - start : 0);
	snprintf(gpus, sizeof gpus, "%" PRId64, msg_geti(m, "ngpus", 0));
	const char *node = msg_get(m, "node", NULL);
	const char *reason = msg_get(m, "reason", NULL);
	const char *part = msg_get(m, "partition", NULL);
	const char *cells[] = { id, part ? part : "", msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), job_kind(m), elapsed, gpus, node ? node : "",
	    reason ? reason : "" };
	table_add(t, cells);
}

/* --start: when and where the job is planned to start, as squeue --start. */
static void row_start(struct table *t, const struct msg *m)
{
	char id[96], start[64] = "N/A", gpus[32], why[128];
	job_display_id(id, sizeof id, m);
	if (msg_geti(m, "planned_start", 0) > 0)
		fmt_time(start, sizeof start, msg_geti(m, "planned_start", 0));
	snprintf(gpus, sizeof gpus, "%" PRId64, msg_geti(m, "ngpus", 0));
	const char *node = msg_get(m, "planned_node", NULL);
	const char *reason = msg_get(m, "reason", NULL);
	const char *part = msg_get(m, "partition", NULL);
	snprintf(why, sizeof why, "(%s)", reason ? reason : "None");
	const char *cells[] = { id, part ? part : "", msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), start, gpus, node ? node : "(null)", why };
	table_add(t, cells);
}

int cmd_queue(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "PARTITION", "NAME", "USER", "STATE", "KIND", "TIME",
	    "GPUS", "NODE", "REASON" };
	static const struct list_fmt fmt = { 10, hdr, row, json_job };
	static const char *shdr[] = { "JOBID", "PARTITION", "NAME", "USER", "STATE", "START_TIME",
	    "GPUS", "SCHEDNODES", "NODELIST(REASON)" };
	static const struct list_fmt sfmt = { 9, shdr, row_start, json_job };
	static const struct option lo[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "me", no_argument, NULL, 'm' },
		{ "mine", no_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "states", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 't' },
		{ "partition", required_argument, NULL, 'p' },
		{ "noheader", no_argument, NULL, 'h' },
		{ "start", no_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'O' },
		{ "Format", required_argument, NULL, 'O' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_queue_entry;
	struct job_filter f = { 0 };
	struct list_opts o = { 0 };
	struct msg req;
	char err[HERD_ERRLEN];
	const char *what = NULL;
	static struct listfmt cols;	/* 40 KB: not on the stack */
	int mine = 0, start = 0, ch, rc = 2, bad = 0, fmt_kind = 0;	/* 'O' named, 'o' letters */

	cmd_getopt_start();
	while (!bad && (ch = cmd_getopt(ce, argc, argv, "u:mj:t:p:hO:o:", lo)) != -1) {
		switch (ch) {
		case CMD_OPT_HELP:
			rc = 0;
			bad = 1;
			break;
		case 'm':
			mine = 1;
			break;
		case 'u': case 'j': case 't':
			bad = job_filter_option(&f, ch, optarg, &what, err, sizeof err);
			break;
		case 'p':
			what = "--partition";
			bad = job_filter_add_parts(&f, optarg, err, sizeof err);
			break;
		case 'h':
			o.noheader = 1;
			break;
		case 'J':
			o.json = 1;
			break;
		case 'S':
			start = 1;
			break;
		case 'O': case 'o':
			fmt_kind = ch == 'o' || optarg[0] == '%' ? 'o' : 'O';
			what = ch == 'o' ? "-o" : "--format";
			bad = (fmt_kind == 'o' ? listfmt_parse_letters : listfmt_parse_names)(optarg,
			    jobcols, njobcols, &cols, err, sizeof err);
			break;
		default:
			bad = 1;
			break;
		}
		if (bad < 0)
			cmd_usage_error(ce, "invalid %s \"%s\": %s", what, optarg, err);
	}
	if (bad)
		goto out;
	if (optind < argc) {
		rc = cmd_usage_error(ce, "unexpected argument \"%s\" (job ids go in -j)", argv[optind]);
		goto out;
	}
	if (fmt_kind && (o.json || start)) {
		rc = cmd_usage_error(ce, "%s prints its own columns: not with %s", what,
		    o.json ? "--json" : "--start");
		goto out;
	}
	if (start)	/* pending jobs only, within any -t */
		f.states = f.states ? f.states & (1u << JOB_PENDING) : 1u << JOB_PENDING;
	if (start && f.states == 0) {
		rc = cmd_usage_error(ce, "--start lists pending jobs: -t leaves none");
		goto out;
	}
	o.filter = &f;
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	if (fmt_kind)
		rc = jobcols_list(&req, &cols, fmt_kind == 'O', o.noheader, &f);
	else
		rc = cmd_list(&req, &o, start ? &sfmt : &fmt);
	msg_clear(&req);
out:
	job_filter_clear(&f);
	return rc;
}

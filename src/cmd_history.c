/*
 * cmd_history.c — herd history: ended jobs, newest first, like sacct; or,
 * with --swf, the same jobs as a Standard Workload Format trace that herd
 * sim replays.
 *
 * The trace is made here, from the frames herdd sends (it answers with
 * data; formats are the client's): the jobs are collected, sorted by
 * submit time as SWF wants, and written by swf_format() (swf.h) with names
 * turned into numbers (user: the uid; group: the account, numbered in
 * order of first submit; partition: likewise) that the header lists.  A
 * second request ("nodes") gives the header's MaxNodes and MaxProcs (the
 * GPUs herdd knows of), so herd sim needs no --pool.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "begintime.h"
#include "client.h"
#include "cmd.h"
#include "job.h"
#include "jobcols.h"
#include "proto.h"
#include "swf.h"
#include "util.h"
#include "version.h"

#define HISTORY_ARGS " [-a] [-n COUNT] [-u USER] [-A ACCOUNT] [-p PARTITION] " \
	"[-s STATE] [-N NODE] [--name NAME] [-S TIME] [-E TIME] [--format COLS] [--json | --swf]"
#define HISTORY_HELP \
	"options:\n" \
	"  -a, --all                 jobs of every user, not only yours\n" \
	"  -n, --count COUNT         at most COUNT jobs that match, 1 to 100000 (default\n" \
	"                            50; with --swf 100000)\n" \
	"  -u, --user USER[,USER]    only these users' jobs (names or uids; implies -a)\n" \
	"  -A, --account A[,A]       only jobs of these accounts (implies -a)\n" \
	"  -p, -r, --partition P[,P] only jobs submitted to these partitions\n" \
	"  -s, --state STATE[,...]   only jobs that ended so, any case: COMPLETED (CD),\n" \
	"                            FAILED (F), CANCELLED (CA), TIMEOUT (TO), NODE_FAIL\n" \
	"                            (NF), REQUEUED (RQ)\n" \
	"  -N, --nodelist NODE[,...] only jobs whose last attempt ran on these nodes\n" \
	"      --name NAME[,NAME]    only jobs of these names\n" \
	"  -S, --starttime TIME      only jobs that ended at or after TIME\n" \
	"  -E, --endtime TIME        only jobs submitted at or before TIME; TIME as\n" \
	"                            today, now, now-2hours, now-7days,\n" \
	"                            YYYY-MM-DD[THH:MM[:SS]]\n" \
	"  -o, --format COL[,COL]    these columns (COL%WIDTH cuts to WIDTH): " \
	"id, name,\n" \
	"                            user, account, partition, state, st, elapsed,\n" \
	"                            gpuhours, exitcode, attempt, reason, node, submit,\n" \
	"                            start, end, gpus, kind, ... (herd help queue lists\n" \
	"                            all)\n" \
	"      --json                a JSON array of jobs\n" \
	"      --swf                 a Standard Workload Format trace for herd sim:\n" \
	"                            processors are GPUs, user the uid, group the\n" \
	"                            account, oldest submit first\n" \
	"  -h, --help                this help\n" \
	"\ncolumns: JOBID NAME USER STATE EXIT (sacct's EXIT:SIGNAL: 0:9 is killed by\n" \
	"SIGKILL) ELAPSED ([D-]HH:MM:SS) GPUH (GPU-hours) ATTEMPT KIND (batch or service)\n" \
	"NODE END REASON; a\n" \
	"requeued job's earlier attempts follow its row as ID(ATTEMPT)\n"

const struct cmd_entry cmd_history_entry = {
	"history", "history" HISTORY_ARGS, "list ended jobs, newest first, like sacct", HISTORY_HELP,
	cmd_history
};

/* herd acct: the same command under sacct's short name. */
const struct cmd_entry cmd_acct_entry = {
	"acct", "acct" HISTORY_ARGS, "the same as herd history", HISTORY_HELP, cmd_history
};

/* GPU-hours of gpus for start..end ("0.00" never started). */
static void gpu_hours(char *buf, size_t size, int64_t gpus, int64_t start, int64_t end)
{
	double h = start > 0 && end >= start ? (double)(end - start) / 3600.0 : 0.0;
	snprintf(buf, size, "%.2f", (double)gpus * h);
}

/* The earlier attempts of a requeued job, newest first, under its own row. */
static void attempt_rows(struct table *t, const struct msg *m)
{
	struct attempt_rec r;
	size_t n = 0;
	while (msg_get_nth(m, "attempt_rec", n, NULL) != NULL)
		n++;
	while (n-- > 0 && attempt_rec_get(m, n, &r) == 0) {
		char id[48], ec[24], el[32] = "-", end[64], gh[32], at[16];
		snprintf(id, sizeof id, "%" PRId64 "(%d)", msg_geti(m, "id", 0), r.attempt);
		job_exit_format((int32_t)r.exit_code, ec, sizeof ec);
		if (r.start_time > 0 && r.end_time >= r.start_time)
			fmt_dhms(el, sizeof el, r.end_time - r.start_time);
		fmt_time(end, sizeof end, r.end_time);
		gpu_hours(gh, sizeof gh, msg_geti(m, "ngpus", 0), r.start_time, r.end_time);
		snprintf(at, sizeof at, "%d", r.attempt);
		const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
		    r.state, ec, el, gh, at, job_kind(m), r.node, end, r.reason };
		table_add(t, cells);
	}
}

static void row(struct table *t, const struct msg *m)
{
	char id[32], ec[24], el[32] = "-", end[64], gh[32], at[16];
	int64_t s = msg_geti(m, "start_time", 0), e = msg_geti(m, "end_time", 0);
	snprintf(id, sizeof id, "%" PRId64, msg_geti(m, "id", 0));
	job_exit_format((int32_t)msg_geti(m, "exit_code", -1), ec, sizeof ec);	/* "-": never ran, or no status */
	if (s > 0 && e >= s)
		fmt_dhms(el, sizeof el, e - s);
	fmt_time(end, sizeof end, e);
	gpu_hours(gh, sizeof gh, msg_geti(m, "ngpus", 0), s, e);
	snprintf(at, sizeof at, "%" PRId64, msg_geti(m, "attempt", 1));
	const char *node = msg_get(m, "node", NULL), *why = msg_get(m, "reason", NULL);
	const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), ec, el, gh, at, job_kind(m), node ? node : "", end,
	    why ? why : "" };
	table_add(t, cells);
	attempt_rows(t, m);
}

/* ---- --swf ---- */

#define SWF_NAMES_MAX 4096	/* accounts or partitions numbered; more: -1 */

struct names {
	char *v[SWF_NAMES_MAX];
	size_t n;
};

/* name's number (1-based, added if new); -1 for none or past the table. */
static int64_t name_number(struct names *t, const char *name)
{
	if (name == NULL || *name == '\0')
		return -1;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i], name) == 0)
			return (int64_t)i + 1;
	if (t->n == SWF_NAMES_MAX)
		return -1;
	t->v[t->n++] = xstrdup(name);
	return (int64_t)t->n;
}

struct swf_rec {
	struct swf_hist h;
	char *acct, *part;	/* numbered once sorted */
};

struct swf_ctx {
	struct swf_rec *v;
	size_t n, cap;
	int64_t nodes, gpus;	/* from "nodes" */
};

static int swf_each(void *arg, const struct msg *m)
{
	struct swf_ctx *x = arg;
	const char *a = msg_get(m, "account", NULL), *p = msg_get(m, "partition", NULL);
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 256;
		x->v = xreallocarray(x->v, x->cap, sizeof *x->v);
	}
	x->v[x->n++] = (struct swf_rec){ { .id = msg_geti(m, "id", 0),
	    .submit = msg_geti(m, "submit_time", 0), .start = msg_geti(m, "start_time", 0),
	    .end = msg_geti(m, "end_time", 0), .gpus = msg_geti(m, "ngpus", 0),
	    .limit = msg_geti(m, "time_limit", 0), .status = swf_status(msg_get(m, "state", NULL)),
	    .user = msg_geti(m, "uid", -1), .group = -1, .partition = -1 },
	    a != NULL ? xstrdup(a) : NULL, p != NULL ? xstrdup(p) : NULL };
	return 0;
}

static int swf_nodes_each(void *arg, const struct msg *m)
{
	struct swf_ctx *x = arg;
	x->nodes++;
	for (size_t g = 0; msg_get_nth(m, "gpu", g, NULL) != NULL; g++)
		x->gpus++;
	return 0;
}

/* Oldest submit first; then by id. */
static int by_submit(const void *a, const void *b)
{
	const struct swf_hist *x = &((const struct swf_rec *)a)->h;
	const struct swf_hist *y = &((const struct swf_rec *)b)->h;
	if (x->submit != y->submit)
		return x->submit < y->submit ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void swf_names_header(const char *what, const char *key, const struct names *t)
{
	if (t->n > 0)
		printf("; Max%ss: %zu\n", key, t->n);
	for (size_t i = 0; i < t->n; i++) {
		char vis[256];
		str_vis(vis, sizeof vis, t->v[i]);
		printf("; %s: %zu %s\n", what, i + 1, vis);
	}
}

static void swf_print(struct swf_ctx *x)
{
	static struct names accts, parts;
	char line[SWF_LINE_MAX];
	int64_t t0;
	qsort(x->v, x->n, sizeof *x->v, by_submit);
	t0 = x->n > 0 ? x->v[0].h.submit : 0;
	for (size_t i = 0; i < x->n; i++) {
		x->v[i].h.group = name_number(&accts, x->v[i].acct);
		x->v[i].h.partition = name_number(&parts, x->v[i].part);
	}
	printf("; Version: 2.2\n; Computer: herd\n"
	    "; Conversion: herd history --swf (herd %s)\n"
	    "; Note: processors are GPUs (a job without GPUs has 0); user is the uid,\n"
	    ";       group the account; job numbers are herd's job ids\n"
	    "; UnixStartTime: %" PRId64 "\n; MaxJobs: %zu\n; MaxRecords: %zu\n",
	    HERD_VERSION, t0, x->n, x->n);
	if (x->nodes > 0)
		printf("; MaxNodes: %" PRId64 "\n", x->nodes);
	if (x->gpus > 0)
		printf("; MaxProcs: %" PRId64 "\n", x->gpus);
	swf_names_header("Partition", "Partition", &parts);
	for (size_t i = 0; i < accts.n; i++) {
		char vis[256];
		str_vis(vis, sizeof vis, accts.v[i]);
		printf("; Note: group %zu is account %s\n", i + 1, vis);
	}
	for (size_t i = 0; i < x->n; i++)
		if (swf_format(&x->v[i].h, t0, line, sizeof line) > 0)
			printf("%s\n", line);
	for (size_t i = 0; i < accts.n; i++)
		free(accts.v[i]);
	for (size_t i = 0; i < parts.n; i++)
		free(parts.v[i]);
}

/* herd history --swf: the history request's jobs, then the nodes. */
static int history_swf(const struct msg *req)
{
	struct swf_ctx x = { 0 };
	struct msg nreq;
	int rc = cmd_stream(req, swf_each, &x);
	if (rc == 0) {
		msg_init(&nreq, "nodes");
		rc = cmd_stream(&nreq, swf_nodes_each, &x);
		msg_clear(&nreq);
	}
	if (rc == 0)
		swf_print(&x);
	for (size_t i = 0; i < x.n; i++) {
		free(x.v[i].acct);
		free(x.v[i].part);
	}
	free(x.v);
	return rc;
}

/* The filter options, each list checked here and sent as repeated fields
 * for herdd to match (histfilter.h); -1 with the message printed. */
struct hist_opts {
	struct msg *req;
	unsigned states;
	int widen;		/* -u or -A: other users' jobs */
	int64_t since, until;
};

static int add_list(const struct cmd_entry *ce, struct msg *req, const char *key,
    const char *opt, const char *list)
{
	struct job_filter f = { 0 };	/* its name list: the parser of comma lists */
	char err[HERD_ERRLEN];
	int rc = job_filter_add_names(&f, list, err, sizeof err);
	for (size_t i = 0; rc == 0 && i < f.nnames; i++)
		msg_adds(req, key, f.names[i]);
	job_filter_clear(&f);
	if (rc != 0)
		cmd_usage_error(ce, "invalid %s \"%s\": %s", opt, list, err);
	return rc;
}

static int hist_option(const struct cmd_entry *ce, struct hist_opts *h, int ch, const char *arg)
{
	struct job_filter f = { 0 };
	char err[HERD_ERRLEN];
	int rc = 0;
	switch (ch) {
	case 'u': h->widen = 1; return add_list(ce, h->req, "user", "--user", arg);
	case 'A': h->widen = 1; return add_list(ce, h->req, "account", "--account", arg);
	case 'p': return add_list(ce, h->req, "partition", "--partition", arg);
	case 'N': return add_list(ce, h->req, "node", "--nodelist", arg);
	case 'M': return add_list(ce, h->req, "name", "--name", arg);
	case 's':
		if ((rc = job_filter_add_states(&f, arg, err, sizeof err)) == 0)
			h->states |= f.states;
		else
			cmd_usage_error(ce, "invalid --state \"%s\": %s", arg, err);
		job_filter_clear(&f);
		return rc;
	case 'S': case 'E': {
		time_t t;
		if (begin_parse_past(arg, ch == 'S' ? "-S" : "-E", (time_t)wall_s(), &t, err,
		    sizeof err) != 0)
			return cmd_usage_error(ce, "%s", err), -1;
		*(ch == 'S' ? &h->since : &h->until) = t > 0 ? (int64_t)t : 1;
		return 0;
	}
	}
	return 1;
}

/* --format: the named columns, or -1 with the message printed. */
static int history_format(const struct cmd_entry *ce, const char *arg, struct listfmt *f)
{
	char err[HERD_ERRLEN];
	if (listfmt_parse_names(arg, jobcols, njobcols, f, err, sizeof err) == 0)
		return 0;
	cmd_usage_error(ce, "invalid --format \"%.200s\": %s", arg, err);
	return -1;
}

int cmd_history(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "NAME", "USER", "STATE", "EXIT", "ELAPSED", "GPUH",
	    "ATTEMPT", "KIND", "NODE", "END", "REASON" };
	static const struct list_fmt fmt = { 12, hdr, row, json_job_attempts };
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "account", required_argument, NULL, 'A' },
		{ "accounts", required_argument, NULL, 'A' },
		{ "partition", required_argument, NULL, 'p' },
		{ "state", required_argument, NULL, 's' },
		{ "states", required_argument, NULL, 's' },
		{ "nodelist", required_argument, NULL, 'N' },
		{ "name", required_argument, NULL, 'M' },
		{ "starttime", required_argument, NULL, 'S' },
		{ "endtime", required_argument, NULL, 'E' },
		{ "format", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'J' },
		{ "swf", no_argument, NULL, 'W' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	/* Messages name the command as typed. */
	const struct cmd_entry *ce = argc > 0 && strcmp(argv[0], "acct") == 0 ? &cmd_acct_entry :
	    &cmd_history_entry;
	static struct listfmt cols;	/* 40 KB: not on the stack */
	struct list_opts o = { 0 };
	struct msg req;
	struct hist_opts h = { &req, 0, 0, 0, 0 };
	int all = 0, ch, swf = 0, counted = 0, named = 0, rc = 2;
	long limit = 50;

	msg_init(&req, "history");
	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "an:hu:A:p:r:s:N:S:E:o:", lo)) != -1) {
		int r;
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			rc = 0;
			goto out;
		case CMD_OPT_HELP:
			rc = 0;
			goto out;
		case 'a':
			all = 1;
			break;
		case 'n':
			if (cmd_number(ce, "-n", optarg, 1, 100000, "jobs", &limit) != 0)
				goto out;
			counted = 1;
			break;
		case 'W':
			swf = 1;
			break;
		case 'J':
			o.json = 1;
			break;
		case 'o':
			if (history_format(ce, optarg, &cols) != 0)
				goto out;
			named = 1;
			break;
		default:
			if ((r = hist_option(ce, &h, ch == 'r' ? 'p' : ch, optarg)) != 0)
				goto out;	/* 1: not an option here, cmd_getopt said so */
		}
	}
	if (optind < argc) {
		rc = cmd_usage_error(ce, "unexpected argument \"%s\"", argv[optind]);
		goto out;
	}
	if (swf + o.json + named > 1) {
		rc = cmd_usage_error(ce, "--json, --swf or --format, not both");
		goto out;
	}
	if (h.since && h.until && h.since > h.until) {
		rc = cmd_usage_error(ce, "-S is after -E: no job can match");
		goto out;
	}
	msg_addi(&req, "all", all || h.widen);
	msg_addi(&req, "limit", swf && !counted ? 100000 : limit);
	if (h.states)
		msg_addi(&req, "states", h.states);
	if (h.since)
		msg_addi(&req, "since", h.since);
	if (h.until)
		msg_addi(&req, "until", h.until);
	if (swf)
		rc = history_swf(&req);
	else if (named)
		rc = jobcols_list(&req, &cols, 1, 0, NULL);
	else
		rc = cmd_list(&req, &o, &fmt);
out:
	msg_clear(&req);
	return rc;
}

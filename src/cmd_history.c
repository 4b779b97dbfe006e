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

#include "client.h"
#include "cmd.h"
#include "job.h"
#include "swf.h"
#include "util.h"
#include "version.h"

const struct cmd_entry cmd_history_entry = {
	"history", "history [-a] [-n COUNT] [--json | --swf]",
	"list ended jobs, newest first, like sacct",
	"options:\n"
	"  -a, --all                 jobs of every user, not only yours\n"
	"  -n, --count COUNT         at most COUNT jobs, 1 to 100000 (default 50;\n"
	"                            with --swf 100000)\n"
	"      --json                a JSON array of jobs\n"
	"      --swf                 a Standard Workload Format trace for herd sim:\n"
	"                            processors are GPUs, user the uid, group the\n"
	"                            account, oldest submit first\n"
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

int cmd_history(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "NAME", "USER", "STATE", "EXIT", "ELAPSED", "NODE", "END" };
	static const struct list_fmt fmt = { 8, hdr, row, json_job_attempts };
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "count", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		{ "swf", no_argument, NULL, 'S' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_history_entry;
	struct list_opts o = { 0 };
	struct msg req;
	int all = 0, ch, swf = 0, counted = 0;
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
			counted = 1;
			break;
		case 'S':
			swf = 1;
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
	if (swf && o.json)
		return cmd_usage_error(ce, "--json or --swf, not both");
	msg_init(&req, "history");
	msg_addi(&req, "all", all);
	msg_addi(&req, "limit", swf && !counted ? 100000 : limit);
	int rc = swf ? history_swf(&req) : cmd_list(&req, &o, &fmt);
	msg_clear(&req);
	return rc;
}

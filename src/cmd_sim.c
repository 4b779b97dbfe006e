/*
 * cmd_sim.c — herd sim: replay a workload trace (SWF, plain or gzip)
 * through herd's scheduling pass with a simulated clock, locally; herdd is
 * not asked.  The only user of zlib (gzopen reads plain files as they are).
 *
 * Theory of operation: read every line through swf_parse_line (a bad line
 * stops the run with FILE:LINE), turn each job into a sim_job (size, limit
 * from field 9 or run × --estimate, never below the run), drop what cannot
 * be replayed and count it, then run sim_run once per window (each on an
 * empty machine) and print the mean of the windows' figures, which is how
 * the published RLScheduler tables were made.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "acct.h"
#include "cmd.h"
#include "config.h"
#include "sched.h"
#include "sim.h"
#include "swf.h"
#include "util.h"

#define SIM_WINDOWS_MAX 64

const struct cmd_entry cmd_sim_entry = {
	"sim", "sim [options] TRACE",
	"replay a workload trace (SWF) through the scheduler, without herdd",
	"options:\n"
	"  -p, --policy POLICY       fcfs (default), easy (EASY backfill), greedy\n"
	"                            (RLScheduler's \"FCFS with backfilling\") or\n"
	"                            multifactor (herd's: priority, then EASY)\n"
	"  -c, --config FILE         multifactor's weights: FILE's [priority] (a\n"
	"                            hosts.ini; default: the built-in weights)\n"
	"      --pool N              N interchangeable processors (default: the\n"
	"                            trace's MaxProcs or MaxNodes header)\n"
	"      --nodes N             instead, N nodes of --gpus-per-node G GPUs\n"
	"      --gpus-per-node G     (1 to 64; a job fits on one node)\n"
	"  -w, --window START:COUNT  COUNT jobs from index START (0-based, among the\n"
	"                            jobs kept) on an empty machine; repeat it for\n"
	"                            several windows (the mean of their figures)\n"
	"  -e, --estimate FACTOR     limit = run x FACTOR where field 9 is -1 (default 1:\n"
	"                            perfect estimates); never less than the run\n"
	"      --util-span end|start utilisation to the last end (default) or to the\n"
	"                            last start, as RLScheduler's published figures\n"
	"      --json                one object: jobs, mean_wait_s, mean_bsld,\n"
	"                            utilization, makespan_s\n"
	"  -h, --help                this help\n"
	"\nTRACE is a Standard Workload Format file, plain or gzip.  A job needs field 8\n"
	"processors (field 5 where 8 is -1); jobs with run <= 0, no processors or more\n"
	"than the machine are dropped and counted.  bsld = max(1, (wait+run)/max(run,10)).\n",
	cmd_sim
};

struct trace {
	struct swf_job *v;
	size_t n, cap;
	int64_t max_procs;
};

static void trace_add(struct trace *t, const struct swf_job *j)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
	}
	t->v[t->n++] = *j;
}

/* Every job line of path; -1 and the message printed on the first bad one. */
static int trace_read(const char *path, struct trace *t)
{
	char line[SWF_LINE_MAX + 2], why[128];
	size_t lineno = 0;
	int rc = 0;
	gzFile f = gzopen(path, "rb");

	if (f == NULL) {
		fprintf(stderr, "herd sim: %s: %s\n", path, errno ? strerror(errno) : "cannot open");
		return -1;
	}
	while (gzgets(f, line, sizeof line) != NULL) {
		size_t len = strlen(line);
		struct swf_job j;
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		else if (!gzeof(f)) {
			fprintf(stderr, "herd sim: %s:%zu: line longer than %d bytes\n", path, lineno,
			    SWF_LINE_MAX);
			rc = -1;
			break;
		}
		int64_t mp = swf_header_value(line, len, "MaxProcs");
		if (mp == 0 && t->max_procs == 0)
			mp = swf_header_value(line, len, "MaxNodes");
		if (mp > 0)
			t->max_procs = mp;
		int r = swf_parse_line(line, len, &j, why, sizeof why);
		if (r < 0) {
			fprintf(stderr, "herd sim: %s:%zu: %s\n", path, lineno, why);
			rc = -1;
			break;
		}
		if (r == 1)
			trace_add(t, &j);
	}
	int err;
	const char *msg = gzerror(f, &err);
	if (rc == 0 && err != Z_OK && err != Z_STREAM_END) {
		fprintf(stderr, "herd sim: %s: %s\n", path, err == Z_ERRNO ? strerror(errno) : msg);
		rc = -1;
	}
	gzclose(f);
	return rc;
}

struct dropped {
	size_t run, size, big;
};

/* The jobs that can be replayed on a machine holding `cap`, as sim_jobs. */
static size_t keep_jobs(const struct trace *t, int cap, double estimate, struct sim_job *out,
    struct dropped *d)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct swf_job *j = &t->v[i];
		if (j->run <= 0) {
			d->run++;
			continue;
		}
		if (j->size <= 0) {
			d->size++;
			continue;
		}
		if (j->size > cap) {
			d->big++;
			continue;
		}
		double want = j->req_time > 0 ? (double)j->req_time : ceil((double)j->run * estimate);
		int64_t limit = want > 1e15 ? (int64_t)1e15 : (int64_t)want;
		out[n++] = (struct sim_job){ j->submit, j->run, limit < j->run ? j->run : limit,
		    (int)j->size, j->user };
	}
	return n;
}

struct sim_args {
	int policy, util_to_start, json;
	int multifactor;		/* policy is SCHED_EASY, ordered by prio */
	const char *config;
	struct prio_conf prio;
	struct sim_machine m;
	double estimate;
	size_t nwin;
	long win[SIM_WINDOWS_MAX][2];
};

static int parse_window(const struct cmd_entry *ce, const char *arg, struct sim_args *a)
{
	char *end;
	if (a->nwin == SIM_WINDOWS_MAX)
		return cmd_usage_error(ce, "at most %d windows", SIM_WINDOWS_MAX);
	errno = 0;
	long s = strtol(arg, &end, 10), c;
	if (*arg < '0' || *arg > '9' || *end != ':' || errno != 0)
		return cmd_usage_error(ce, "invalid --window \"%s\": START:COUNT", arg);
	const char *p = end + 1;
	c = strtol(p, &end, 10);
	if (*p < '0' || *p > '9' || *end != '\0' || errno != 0 || c < 1)
		return cmd_usage_error(ce, "invalid --window \"%s\": START:COUNT, COUNT at least 1",
		    arg);
	a->win[a->nwin][0] = s;
	a->win[a->nwin++][1] = c;
	return 0;
}

static int parse_policy(const struct cmd_entry *ce, const char *arg, struct sim_args *a)
{
	a->multifactor = strcmp(arg, "multifactor") == 0;
	a->policy = a->multifactor ? SCHED_EASY : sched_policy_parse(arg);
	if (a->policy < 0)
		return cmd_usage_error(ce, "invalid --policy \"%s\": fcfs, easy, greedy or "
		    "multifactor", arg);
	return 0;
}

static int parse_estimate(const struct cmd_entry *ce, const char *arg, struct sim_args *a)
{
	char *end;
	a->estimate = strtod(arg, &end);
	if (*arg < '0' || *arg > '9' || *end != '\0' || !(a->estimate >= 1) || a->estimate > 1000)
		return cmd_usage_error(ce, "invalid --estimate \"%s\": a factor from 1 to 1000", arg);
	return 0;
}

static int parse_args(const struct cmd_entry *ce, int argc, char **argv, struct sim_args *a)
{
	static const struct option lo[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "pool", required_argument, NULL, 'P' },
		{ "nodes", required_argument, NULL, 'N' },
		{ "gpus-per-node", required_argument, NULL, 'G' },
		{ "window", required_argument, NULL, 'w' },
		{ "estimate", required_argument, NULL, 'e' },
		{ "util-span", required_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		CMD_HELP_OPTION, { NULL, 0, NULL, 0 }
	};
	long v;
	int ch;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "p:w:e:c:", lo)) != -1) {
		int rc = 0;
		switch (ch) {
		case CMD_OPT_HELP:
			return -1;
		case 'p': rc = parse_policy(ce, optarg, a); break;
		case 'w': rc = parse_window(ce, optarg, a); break;
		case 'e': rc = parse_estimate(ce, optarg, a); break;
		case 'j': a->json = 1; break;
		case 'P':
			rc = cmd_number(ce, "--pool", optarg, 1, 1000000000, "processors", &v);
			a->m.pool = (int)v;
			break;
		case 'N':
			rc = cmd_number(ce, "--nodes", optarg, 1, 100000, "nodes", &v);
			a->m.nodes = (int)v;
			break;
		case 'G':
			rc = cmd_number(ce, "--gpus-per-node", optarg, 1, 64, "GPUs", &v);
			a->m.gpus_per_node = (int)v;
			break;
		case 'U':
			if (strcmp(optarg, "start") != 0 && strcmp(optarg, "end") != 0)
				return cmd_usage_error(ce, "invalid --util-span \"%s\": end or start",
				    optarg);
			a->util_to_start = strcmp(optarg, "start") == 0;
			break;
		case 'c':
			a->config = optarg;
			break;
		default:
			return 2;
		}
		if (rc != 0)
			return rc;
	}
	if (optind != argc - 1)
		return cmd_usage_error(ce, "one TRACE file, please");
	if (a->m.pool > 0 && (a->m.nodes > 0 || a->m.gpus_per_node > 0))
		return cmd_usage_error(ce, "--pool or --nodes with --gpus-per-node, not both");
	if ((a->m.nodes > 0) != (a->m.gpus_per_node > 0))
		return cmd_usage_error(ce, "--nodes and --gpus-per-node go together");
	if (a->config != NULL && !a->multifactor)
		return cmd_usage_error(ce, "--config is read only by --policy multifactor (the "
		    "other policies have no weights)");
	return 0;
}

/* multifactor's weights: --config's [priority], else the defaults. */
static int load_weights(struct sim_args *a)
{
	struct config c;
	char err[HERD_ERRLEN];
	prio_conf_defaults(&a->prio);
	if (a->config == NULL)
		return 0;
	if (config_load(a->config, &c, err, sizeof err) != 0) {
		fprintf(stderr, "herd sim: %s\n", err);
		return -1;
	}
	a->prio = c.acct.prio;
	config_clear(&c);
	return 0;
}

static void print_result(const struct sim_args *a, const struct sim_result *r,
    const struct dropped *d, const char *path)
{
	if (a->json) {
		printf("{\"jobs\":%zu,\"mean_wait_s\":%.6f,\"mean_bsld\":%.6f,\"utilization\":%.6f,"
		    "\"makespan_s\":%lld}\n", r->jobs, r->mean_wait_s, r->mean_bsld, r->utilization,
		    (long long)r->makespan_s);
		return;
	}
	static const char *const names[] = { "fcfs", "easy", "greedy" };
	const char *policy = a->multifactor ? "multifactor" : names[a->policy];
	printf("trace         %s\n", path);
	if (a->m.pool > 0)
		printf("machine       pool of %d processors\n", a->m.pool);
	else
		printf("machine       %d nodes x %d GPUs\n", a->m.nodes, a->m.gpus_per_node);
	printf("policy        %s%s\n", policy, a->nwin > 1 ? ", mean of the windows" : "");
	printf("jobs          %zu (dropped: %zu with run <= 0, %zu without processors, "
	    "%zu larger than the machine)\n", r->jobs, d->run, d->size, d->big);
	printf("mean_wait_s   %.1f\n", r->mean_wait_s);
	printf("mean_bsld     %.2f\n", r->mean_bsld);
	printf("utilization   %.3f%s\n", r->utilization, a->util_to_start ? " (to the last start)" : "");
	printf("makespan_s    %lld\n", (long long)r->makespan_s);
}

/* Each window (or the whole trace) replayed; the mean of their figures. */
static int run_windows(const struct sim_args *a, const struct sim_job *jobs, size_t n,
    struct sim_result *sum)
{
	char why[128];
	size_t nw = a->nwin ? a->nwin : 1;
	memset(sum, 0, sizeof *sum);
	for (size_t w = 0; w < nw; w++) {
		size_t s = a->nwin ? (size_t)a->win[w][0] : 0, c = a->nwin ? (size_t)a->win[w][1] : n;
		struct sim_result r;
		if (s >= n || c > n - s) {
			fprintf(stderr, "herd sim: window %zu:%zu is past the %zu jobs kept\n", s, c, n);
			return 1;
		}
		int rc = a->multifactor ?
		    sim_run_multifactor(jobs + s, c, &a->m, &a->prio, a->util_to_start, &r, why,
		    sizeof why) :
		    sim_run(jobs + s, c, &a->m, a->policy, a->util_to_start, &r, why, sizeof why);
		if (rc != 0) {
			fprintf(stderr, "herd sim: %s\n", why);
			return 1;
		}
		sum->jobs += r.jobs;
		sum->mean_wait_s += r.mean_wait_s / (double)nw;
		sum->mean_bsld += r.mean_bsld / (double)nw;
		sum->utilization += r.utilization / (double)nw;
		sum->makespan_s += r.makespan_s;
	}
	sum->makespan_s /= (int64_t)nw;
	return 0;
}

int cmd_sim(int argc, char **argv)
{
	const struct cmd_entry *ce = &cmd_sim_entry;
	struct sim_args a = { .policy = SCHED_FCFS, .estimate = 1.0 };
	struct trace t = { 0 };
	struct dropped d = { 0 };
	struct sim_result r;
	int rc = parse_args(ce, argc, argv, &a);

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (load_weights(&a) != 0)
		return 1;
	const char *path = argv[optind];
	if (trace_read(path, &t) != 0) {
		free(t.v);
		return 1;
	}
	if (a.m.pool == 0 && a.m.nodes == 0) {
		if (t.max_procs <= 0 || t.max_procs > 1000000000) {
			fprintf(stderr, "herd sim: %s has no MaxProcs or MaxNodes header: give --pool N "
			    "or --nodes N --gpus-per-node G\n", path);
			free(t.v);
			return 2;
		}
		a.m.pool = (int)t.max_procs;
	}
	struct sim_job *jobs = xcalloc(t.n ? t.n : 1, sizeof *jobs);
	size_t n = keep_jobs(&t, sim_capacity(&a.m), a.estimate, jobs, &d);
	free(t.v);
	rc = run_windows(&a, jobs, n, &r);
	if (rc == 0)
		print_result(&a, &r, &d, path);
	free(jobs);
	return rc;
}

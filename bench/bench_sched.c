/*
 * bench_sched.c — the pure scheduler, timed alone on synthetic snapshots.
 *
 *   bench_sched [RUNS] [NJOBS...]      defaults: 100 runs, 10000 and 100000 jobs
 *
 * Theory of operation: each run draws a snapshot from a fixed seed — 4 to
 * 20 nodes (the first always with 8 GPUs, the rest with 8, 4, 2 or no GPUs,
 * 32-128 CPUs, 256-1024 GB) and NJOBS pending jobs with mixed requests (half
 * without GPUs, the rest 1, 2, 4 or 8; 1-8 CPUs; 1-64 GB) — and times one
 * sched_pass() over it, exactly as ctl_schedule() calls it (decision array
 * as long as the job list).  Case A starts with every node free, so the pass
 * hands out resources until the first job that does not fit; case B starts
 * with every node full, so the pass stops at the first job.  Case C is the
 * pass that decides most: free nodes and 1-CPU jobs without GPUs, so it
 * starts as many jobs as there are CPUs (up to 2,560).  Case D is case A
 * with eight users, one job in ten --exclusive and one in ten
 * --exclusive=user: the cost of deciding who may share a node.  Only the call is
 * timed; drawing and copying the snapshot are not.  herdd's own pass also
 * builds the snapshot from its job table: scripts/bench measures that
 * separately through "ping".
 *
 * Case E is the EASY backfill pass herd plans with: 20 nodes x 8 GPUs
 * (64 CPUs, 512 GB each), 200 running jobs (10 a node, 1 GPU and 2 CPUs
 * each with expected ends up to a day away, so 2 GPUs a node stay free),
 * NJOBS pending of 30 users with 1-8 GPUs and limits up to a day: the head
 * gets a reservation and the rest is a backfill scan.  Case R is the same
 * pass with reservations = 8 (hosts.ini's `reservations`): the first
 * eight jobs that cannot start are planned, and the backfill scan checks
 * each candidate against the reservations of its node.  Case S times
 * sim_run(), herd sim's replay, over a synthetic 10,000-job trace (a
 * 256-processor pool at an offered load near 1, sizes 1-256, runs up to a
 * day), with EASY.
 *
 * Output, one line per case and size:
 *   case=A jobs=N runs=R med_us= p99_us= decisions=(median)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sched.h"
#include "sim.h"
#include "util.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: reproducible without touching libc's rand state. */
static uint32_t draw(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545f4914f6cdd1dULL) >> 32) % n;
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static size_t draw_nodes(struct sched_node *nodes, int full)
{
	static const int gpus[] = { 8, 4, 2, 0 };
	size_t n = 4 + draw(17);
	for (size_t k = 0; k < n; k++) {
		int g = k == 0 ? 8 : gpus[draw(4)];
		memset(&nodes[k], 0, sizeof nodes[k]);	/* nobody runs there */
		nodes[k].up = 1;
		nodes[k].cpus_free = full ? 0 : 32 << draw(3);
		nodes[k].mem_free_mb = full ? 0 : (int64_t)(256 + draw(769)) * 1024;
		nodes[k].gpu_free = full || g == 0 ? 0 : (1ULL << g) - 1;
	}
	return n;
}

/* excl: one job in ten asks for a whole node, one in ten for =user. */
static void draw_jobs(struct sched_job *jobs, size_t n, int tiny, int excl)
{
	static const int gpus[] = { 0, 0, 0, 0, 1, 1, 2, 4, 8, 0 };
	for (size_t i = 0; i < n; i++) {
		uint32_t e = excl ? draw(10) : 9;
		jobs[i].gpus = tiny ? 0 : gpus[draw(10)];
		jobs[i].cpus = tiny ? 1 : 1 + (int)draw(8);
		jobs[i].mem_mb = tiny ? 0 : (int64_t)(1 + draw(64)) * 1024;
		jobs[i].excl = e == 0 ? SCHED_EXCL_NODE : e == 1 ? SCHED_EXCL_USER :
		    SCHED_SHARED;
		jobs[i].uid = excl ? 1000 + draw(8) : 1000;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest rank. */
static size_t rank(size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);
	return k == 0 ? 0 : k > n ? n - 1 : k - 1;
}

/* kind: 'A' nodes free, 'B' nodes full, 'C' nodes free and 1-CPU jobs,
 * 'D' as A with eight users and --exclusive jobs among them. */
static void run_case(int kind, size_t njobs, int runs)
{
	struct sched_job *jobs = xcalloc(njobs, sizeof *jobs);
	struct sched_decision *out = xcalloc(njobs, sizeof *out);
	struct sched_node nodes[20];
	double *us = xcalloc((size_t)runs, sizeof *us);
	size_t *dec = xcalloc((size_t)runs, sizeof *dec);

	for (int r = 0; r < runs; r++) {
		size_t nn = draw_nodes(nodes, kind == 'B');
		draw_jobs(jobs, njobs, kind == 'C', kind == 'D');
		double t0 = now_ns();
		struct sched_result res = sched_pass(jobs, njobs, nodes, nn, out, njobs);
		us[r] = (now_ns() - t0) / 1e3;
		dec[r] = res.ndecisions;
	}
	qsort(us, (size_t)runs, sizeof *us, cmp_double);
	qsort(dec, (size_t)runs, sizeof *dec, cmp_size);
	printf("case=%c jobs=%zu runs=%d med_us=%.1f p99_us=%.1f decisions=%zu\n",
	    kind, njobs, runs, us[rank((size_t)runs, 0.5)],
	    us[rank((size_t)runs, 0.99)], dec[rank((size_t)runs, 0.5)]);
	free(jobs);
	free(out);
	free(us);
	free(dec);
}

/* Case E: an EASY pass over a busy 20 x 8-GPU cluster.  Case L: the same
 * with limits (limit.h): 4 accounts of max_gpus 40, each of the 30 users at
 * most 6 running jobs, every job's reason asked for.  Case R: 8 reservations. */
static void run_easy(size_t njobs, int runs, int lim, int nresv)
{
	struct sched_job *jobs = xcalloc(njobs, sizeof *jobs);
	struct sched_decision *out = xcalloc(njobs, sizeof *out);
	struct sched_node nodes[20];
	struct sched_run running[200];
	double *us = xcalloc((size_t)runs, sizeof *us);
	size_t *dec = xcalloc((size_t)runs, sizeof *dec);
	static const int gpus[] = { 1, 2, 4, 8, 8, 4, 3, 1 };

	for (int r = 0; r < runs; r++) {
		for (int k = 0; k < 20; k++)
			nodes[k] = (struct sched_node){ .up = 1, .cpus_free = 64 - 20,
			    .mem_free_mb = 512 * 1024, .gpu_free = 0xc0 };
		for (int i = 0; i < 200; i++)
			running[i] = (struct sched_run){ .node = i % 20, .gpus = i % 10 < 6,
			    .cpus = 2, .uid = 1000 + draw(30), .end = 1000000 + draw(86400) };
		for (size_t i = 0; i < njobs; i++)
			jobs[i] = (struct sched_job){ .gpus = gpus[draw(8)], .cpus = 1 + (int)draw(8),
			    .mem_mb = (int64_t)(1 + draw(64)) * 1024, .uid = 1000 + draw(30),
			    .limit = 60 + draw(86400), .id = (int64_t)i };
		struct limits L = { 0 };
		uint8_t *why = lim ? xcalloc(njobs, 1) : NULL;
		if (lim) {
			struct limit_conf lc;
			limit_conf_init(&lc);
			lc.max_gpus = 40;
			lc.max_jobs_per_user = 6;
			for (int a = 0; a < 4; a++)
				limits_group(&L, &lc, LIM_ACCT);		/* 1..4 */
			for (int u = 0; u < 30; u++)
				limits_group(&L, &lc, LIM_ACCT_USER);	/* 5..34 */
			for (int i = 0; i < 200; i++) {
				int u = (int)running[i].uid - 1000;
				int32_t sl[LIMIT_SLOTS] = { 1 + u % 4, 5 + u };
				limits_take(&L, sl, running[i].gpus);
			}
			for (size_t i = 0; i < njobs; i++) {
				int u = (int)jobs[i].uid - 1000;
				jobs[i].lim[LIM_ACCT] = 1 + u % 4;
				jobs[i].lim[LIM_ACCT_USER] = 5 + u;
			}
		}
		struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1000000, .nodes = nodes,
		    .nnodes = 20, .running = running, .nrunning = 200, .jobs = jobs, .njobs = njobs,
		    .pin_job = -1, .limits = lim ? &L : NULL, .reservations = nresv };
		struct sched_plan p = { .out = out, .cap = njobs, .reason = why };
		double t0 = now_ns();
		sched_plan(&s, &p);
		us[r] = (now_ns() - t0) / 1e3;
		limits_clear(&L);
		free(why);
		dec[r] = p.ndecisions;
	}
	qsort(us, (size_t)runs, sizeof *us, cmp_double);
	qsort(dec, (size_t)runs, sizeof *dec, cmp_size);
	printf("case=%c jobs=%zu runs=%d med_us=%.1f p99_us=%.1f decisions=%zu\n",
	    lim ? 'L' : nresv > 1 ? 'R' : 'E', njobs, runs,
	    us[rank((size_t)runs, 0.5)], us[rank((size_t)runs, 0.99)], dec[rank((size_t)runs, 0.5)]);
	free(jobs);
	free(out);
	free(us);
	free(dec);
}

/* Case S: herd sim's replay of a 10,000-job synthetic trace. */
static void run_sim(int runs)
{
	enum { N = 10000 };
	struct sim_job *jobs = xcalloc(N, sizeof *jobs);
	struct sim_machine m = { .pool = 256 };
	double *us = xcalloc((size_t)runs, sizeof *us);
	char why[128];

	for (int r = 0; r < runs; r++) {
		int64_t t = 0;
		for (size_t i = 0; i < N; i++) {
			int size = 1 << draw(9);
			int64_t run = 1 + draw(86400);
			/* arrivals spaced for an offered load near 1 on average */
			t += (int64_t)draw(2 * 86400 * 64 / 256);
			jobs[i] = (struct sim_job){ t, run, run + draw(3600), size > 256 ? 256 : size, -1 };
		}
		struct sim_result res;
		double t0 = now_ns();
		if (sim_run(jobs, N, &m, SCHED_EASY, 0, &res, why, sizeof why) != 0) {
			fprintf(stderr, "bench_sched: sim: %s\n", why);
			exit(1);
		}
		us[r] = (now_ns() - t0) / 1e3;
	}
	qsort(us, (size_t)runs, sizeof *us, cmp_double);
	printf("case=S jobs=%d runs=%d med_us=%.1f p99_us=%.1f decisions=%d\n", N, runs,
	    us[rank((size_t)runs, 0.5)], us[rank((size_t)runs, 0.99)], N);
	free(jobs);
	free(us);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 100;
	if (runs < 1) {
		fprintf(stderr, "usage: bench_sched [RUNS] [NJOBS...]\n");
		return 2;
	}
	for (int kind = 'A'; kind <= 'D'; kind++) {
		if (argc <= 2) {
			run_case(kind, 10000, runs);
			run_case(kind, 100000, runs);
		}
		for (int i = 2; i < argc; i++)
			run_case(kind, (size_t)strtoul(argv[i], NULL, 10), runs);
	}
	run_easy(argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000, runs, 0, 1);
	run_easy(argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000, runs, 1, 1);
	run_easy(argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000, runs, 0, 8);
	run_sim(runs > 10 ? 10 : runs);
	return 0;
}

/*
 * bench_turn.c — what cancelling a 1,000-task array costs in commits and
 * time, with the loop turn's one transaction (ctl_batch.c) and without it.
 *
 *   bench_turn DIR N REPS
 *
 * Theory of operation: the real controller (ctl_init) on DIR/herd.db, with
 * herdd's pragmas (synchronous=FULL), and a node that is never connected:
 * its answers are fed through ctl_on_results as the main loop would, and
 * what it would be sent is taken from its queue and dropped (as
 * tests/unit/test_ctl.c does).  Each repetition submits an array of N
 * CPU-only tasks, places them all, starts them, and times ctl_cancel of
 * the whole array: once inside ctl_turn_begin/ctl_turn_end (herdd now),
 * once with no turn open, where every change commits on its own (herdd
 * before).  The figure depends on the disk under DIR.
 *
 * Output, one line: n= reps= turn_commits= turn_med_ms= each_commits=
 * each_med_ms=.  Exit 1 on any error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arrayspec.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "jobkey.h"
#include "launch.h"
#include "log.h"
#include "node.h"
#include "util.h"

#include "bench_ctl.h"

/* An array of n tasks, all started; its id, or -1. */
static int64_t array_running(struct ctl *c, unsigned n)
{
	struct submit_req r = { 0 };
	struct arrayspec a;
	char err[HERD_ERRLEN], spec[32], line[256];
	struct job_key key;
	int64_t id;
	snprintf(spec, sizeof spec, "0-%u", n - 1);
	arrayspec_init(&a);
	if (arrayspec_parse(&a, spec, 1000000, err, sizeof err) != 0)
		return -1;
	job_row_init(&r.job);
	r.job.user = "bench";
	r.job.name = "sweep";
	r.job.workdir = "/tmp";
	r.job.cpus = 1;
	r.job.mem_mb = 1;
	r.array = &a;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	int rc = ctl_submit(c, &r, 1000, &id, err, sizeof err);
	arrayspec_clear(&a);
	if (rc != 0)
		return -1;
	for (int pass = 0; pass < 1000 && ctl_array_active(c, id) < n; pass++) {
		ctl_schedule(c);
		bench_drop_sent(c);
	}
	ctl_turn_begin(c);
	for (const struct job *j = ctl_job_next(c, 0); j != NULL; j = ctl_job_next(c, j->id + 1))
		if (j->array_job_id == id && j->state == JOB_LAUNCHING) {
			if (job_key_make(&key, c->key_prefix, j->id, j->attempt) != 0)
				return -1;
			snprintf(line, sizeof line, "start %s %" PRId64, key.s, 1000 + j->id);
			bench_feed(c, RES_EVENT, line);
		}
	ctl_turn_end(c);
	bench_drop_sent(c);
	return ctl_array_active(c, id) == n ? id : -1;
}

/* Cancel the array; its time in ms, the commits it made in *commits. */
static double cancel(struct ctl *c, struct db *db, int64_t id, int turn,
    unsigned long long *commits)
{
	char err[HERD_ERRLEN];
	unsigned long long before = db_commits(db);
	double t0 = bench_now_us() / 1e3;
	if (turn)
		ctl_turn_begin(c);
	if (ctl_cancel(c, id, 1000, err, sizeof err) != 0) {
		fprintf(stderr, "bench_turn: %s\n", err);
		exit(1);
	}
	if (turn)
		ctl_turn_end(c);
	double t = bench_now_us() / 1e3 - t0;
	*commits = db_commits(db) - before;
	bench_drop_sent(c);
	/* The kills confirmed: the tasks' resources back for the next round. */
	ctl_turn_begin(c);
	for (const struct job *j = ctl_job_next(c, 0); j != NULL; j = ctl_job_next(c, j->id + 1))
		if (j->array_job_id == id && j->held) {
			struct job_key key;
			char line[256];
			if (job_key_make(&key, c->key_prefix, j->id, j->attempt) != 0)
				continue;
			snprintf(line, sizeof line, "end %s 143", key.s);
			bench_feed(c, RES_EVENT, line);
		}
	ctl_turn_end(c);
	bench_drop_sent(c);
	return t;
}

int main(int argc, char **argv)
{
	char path[4096], err[HERD_ERRLEN];
	struct config cfg;
	struct db *db;
	struct ctl c;
	if (argc != 4 || atoi(argv[2]) <= 0 || atoi(argv[3]) <= 0) {
		fprintf(stderr, "usage: bench_turn DIR N REPS\n");
		return 2;
	}
	unsigned n = (unsigned)atoi(argv[2]);
	int reps = atoi(argv[3]);
	log_init("bench_turn", LOG_ERROR + 1, 2);
	if (bench_ctl_open(argv[1], "", &cfg, &db, &c, NULL, err, sizeof err) != 0)
		goto fail;
	bench_feed(&c, RES_SHELL_UP, "");
	bench_drop_sent(&c);
	snprintf(path, sizeof path, "hostname n1\ncpus %u\nmem_kb 1073741824\nboot_id b1\n"
	    "cgroup v2\ngpu_rc 0\ngpus\napps\nend\n", n + 16);
	bench_feed(&c, RES_PROBE, path);
	bench_feed(&c, RES_LINES, "S - done");
	bench_drop_sent(&c);

	double *tt = xmalloc((size_t)reps * sizeof *tt), *te = xmalloc((size_t)reps * sizeof *te);
	unsigned long long ct = 0, ce = 0;
	for (int i = 0; i < reps; i++) {
		int64_t a = array_running(&c, n), b;
		if (a < 0 || (tt[i] = cancel(&c, db, a, 1, &ct), (b = array_running(&c, n)) < 0)) {
			snprintf(err, sizeof err, "the array did not start");
			goto fail;
		}
		te[i] = cancel(&c, db, b, 0, &ce);
	}
	qsort(tt, (size_t)reps, sizeof *tt, bench_cmp_double);
	qsort(te, (size_t)reps, sizeof *te, bench_cmp_double);
	printf("n=%u reps=%d turn_commits=%llu turn_med_ms=%.1f each_commits=%llu "
	    "each_med_ms=%.1f\n", n, reps, ct, tt[reps / 2], ce, te[reps / 2]);
	free(tt);
	free(te);
	ctl_clear(&c);
	db_close(db);
	config_clear(&cfg);
	return 0;
fail:
	fprintf(stderr, "bench_turn: %s\n", err);
	return 1;
}

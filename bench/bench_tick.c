/*
 * bench_tick.c — what one ctl_tick costs with 10,000 running jobs of which
 * few are due.
 *
 *   bench_tick DIR N TICKS
 *
 * Theory of operation: the real controller (ctl_init) on DIR/herd.db and a
 * node that is never connected, as bench_turn.c does: its answers are fed
 * through ctl_on_results, what it would be sent is dropped.  N CPU-only
 * tasks of one array run with a day's limit (nothing of theirs is due),
 * and 10 more jobs are cancelled and never confirmed gone, so the kill
 * escalation visits each every 5 s: a few due jobs among many.  The
 * controller's clock is injected (struct ctl_clock) and moved 1 s per
 * tick, so TICKS ticks take no waiting; each is timed alone.  Built on a
 * checkout before ctl_deadline.c, the same program times the scan of
 * every job (herdd before).
 *
 * Output, one line: n= ticks= med_us= p99_us=.  Exit 1 on any error.
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

#define KILLED 10

/* Submit: an array of n tasks (n > 1) or one job; its id, or -1. */
static int64_t submit(struct ctl *c, unsigned n, int64_t limit)
{
	struct submit_req r = { 0 };
	struct arrayspec a;
	char err[HERD_ERRLEN], spec[32];
	int64_t id;
	arrayspec_init(&a);
	snprintf(spec, sizeof spec, "0-%u", n - 1);
	if (n > 1 && arrayspec_parse(&a, spec, 1000000, err, sizeof err) != 0)
		return -1;
	job_row_init(&r.job);
	r.job.user = "bench";
	r.job.name = "sweep";
	r.job.workdir = "/tmp";
	r.job.cpus = 1;
	r.job.mem_mb = 1;
	r.job.time_limit_s = limit;
	r.array = n > 1 ? &a : NULL;
	r.data = (struct job_data){ .script = "#!/bin/sh\ntrue\n", .script_len = 15, .ntasks = 1 };
	int rc = ctl_submit(c, &r, 1000, &id, err, sizeof err);
	arrayspec_clear(&a);
	return rc == 0 ? id : -1;
}

/* Place everything pending and start what was placed; how many run. */
static size_t start_all(struct ctl *c)
{
	struct job_key key;
	char line[256];
	size_t running = 0;
	for (int pass = 0; pass < 1000; pass++) {
		size_t before = running;
		ctl_schedule(c);
		bench_drop_sent(c);
		ctl_turn_begin(c);
		running = 0;
		for (const struct job *j = ctl_job_next(c, 0); j != NULL; j = ctl_job_next(c, j->id + 1)) {
			if (j->state == JOB_LAUNCHING &&
			    job_key_make(&key, c->key_prefix, j->id, j->attempt) == 0) {
				snprintf(line, sizeof line, "start %s %" PRId64, key.s, 1000 + j->id);
				bench_feed(c, RES_EVENT, line);
			}
			running += j->state == JOB_RUNNING;
		}
		ctl_turn_end(c);
		bench_drop_sent(c);
		if (running == before && pass > 0)
			break;
	}
	return running;
}

int main(int argc, char **argv)
{
	char path[4096], err[HERD_ERRLEN];
	struct config cfg;
	struct db *db;
	struct ctl c;
	struct ctl_clock clk = { 1000000, 1700000000 };
	int64_t killed[KILLED];
	if (argc != 4 || atoi(argv[2]) <= 1 || atoi(argv[3]) <= 0) {
		fprintf(stderr, "usage: bench_tick DIR N TICKS\n");
		return 2;
	}
	unsigned n = (unsigned)atoi(argv[2]);
	int ticks = atoi(argv[3]);
	log_init("bench_tick", LOG_ERROR + 1, 2);
	if (bench_ctl_open(argv[1], "kill_grace = 1\n", &cfg, &db, &c, &clk, err, sizeof err) != 0)
		goto fail;
	bench_feed(&c, RES_SHELL_UP, "");
	bench_drop_sent(&c);
	snprintf(path, sizeof path, "hostname n1\ncpus %u\nmem_kb 1073741824\nboot_id b1\n"
	    "cgroup v2\ngpu_rc 0\ngpus\napps\nend\n", n + KILLED + 16);
	bench_feed(&c, RES_PROBE, path);
	bench_feed(&c, RES_LINES, "S - done");
	bench_drop_sent(&c);
	snprintf(err, sizeof err, "submit failed");
	if (submit(&c, n, 86400) < 0)
		goto fail;
	for (int i = 0; i < KILLED; i++)
		if ((killed[i] = submit(&c, 1, 86400)) < 0)
			goto fail;
	if (start_all(&c) != n + KILLED) {
		snprintf(err, sizeof err, "not every job started");
		goto fail;
	}
	for (int i = 0; i < KILLED; i++)	/* never confirmed: killed again every 5 s */
		if (ctl_cancel(&c, killed[i], 1000, err, sizeof err) != 0)
			goto fail;
	bench_drop_sent(&c);

	double *t = xmalloc((size_t)ticks * sizeof *t);
	for (int i = 0; i < ticks; i++) {
		clk.mono_ms += 1000;
		clk.wall_s += 1;
		ctl_turn_begin(&c);
		double t0 = bench_now_us();
		ctl_tick(&c);
		t[i] = bench_now_us() - t0;
		ctl_turn_end(&c);
		bench_drop_sent(&c);
	}
	qsort(t, (size_t)ticks, sizeof *t, bench_cmp_double);
	printf("n=%u ticks=%d med_us=%.2f p99_us=%.2f\n", n + KILLED, ticks, t[ticks / 2],
	    t[(size_t)ticks * 99 / 100]);
	free(t);
	ctl_clear(&c);
	db_close(db);
	config_clear(&cfg);
	return 0;
fail:
	fprintf(stderr, "bench_tick: %s\n", err);
	return 1;
}

/*
 * bench_db.c — what one state change costs in herd.db, for scripts/bench.
 *
 *   bench_db DIR N
 *
 * Theory of operation: opens DIR/herd.db through db.c, so with herdd's own
 * pragmas (WAL, synchronous=FULL), and times N submits as ctl_submit writes
 * them (begin, insert of the job and its script, commit), then N state
 * changes as ctl_commit_job writes them (begin, update, commit).  Each is
 * one transaction, so one fsync of the WAL: the figure depends on the disk
 * under DIR, which is why the script runs it where herdd's state would be.
 *
 * Output, one line: n= submit_med_us= submit_p99_us= update_med_us=
 * update_p99_us=.  Exit 1 on any database error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "db.h"
#include "job.h"
#include "util.h"

static double now_us_f(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static double pct(const double *v, int n, double p)
{
	int i = (int)(p * n + 0.999999) - 1;
	return v[i < 0 ? 0 : i];
}

int main(int argc, char **argv)
{
	char path[4096], err[HERD_ERRLEN];
	struct db *db;
	if (argc != 3 || atoi(argv[2]) <= 0) {
		fprintf(stderr, "usage: bench_db DIR N\n");
		return 2;
	}
	int n = atoi(argv[2]);
	snprintf(path, sizeof path, "%s/herd.db", argv[1]);
	if (db_open(&db, path, err, sizeof err) != 0) {
		fprintf(stderr, "bench_db: %s\n", err);
		return 1;
	}
	double *sub = xmalloc((size_t)n * sizeof *sub), *upd = xmalloc((size_t)n * sizeof *upd);
	struct job_row r;
	struct job_data d = { .script = "#!/bin/sh\ntrue\n", .script_len = 15 };
	job_row_init(&r);
	r.uid = 1000;
	r.user = "bench";
	r.name = "bench";
	r.cpus = 1;
	r.workdir = "/tmp";
	r.submit_time = 1;
	for (int i = 0; i < n; i++) {
		double t0 = now_us_f();
		if (db_begin(db) != 0 || db_job_insert(db, &r, &d) != 0 || db_commit(db) != 0)
			goto fail;
		sub[i] = now_us_f() - t0;
	}
	for (int i = 0; i < n; i++) {
		r.state = i % 2 ? JOB_RUNNING : JOB_LAUNCHING;
		double t0 = now_us_f();
		if (db_begin(db) != 0 || db_job_update(db, &r) != 0 || db_commit(db) != 0)
			goto fail;
		upd[i] = now_us_f() - t0;
	}
	qsort(sub, (size_t)n, sizeof *sub, cmp_double);
	qsort(upd, (size_t)n, sizeof *upd, cmp_double);
	printf("n=%d submit_med_us=%.0f submit_p99_us=%.0f update_med_us=%.0f update_p99_us=%.0f\n",
	    n, pct(sub, n, 0.5), pct(sub, n, 0.99), pct(upd, n, 0.5), pct(upd, n, 0.99));
	db_close(db);
	free(sub);
	free(upd);
	return 0;
fail:
	fprintf(stderr, "bench_db: %s\n", db_errmsg(db));
	db_close(db);
	return 1;
}

/*
 * bench_ctl.h — what the benchmarks that drive a real controller share
 * (bench_turn.c, bench_tick.c): a clock, a sort order for medians, and a
 * node that is never connected (bench_ctl_open), its answers fed as the main loop would
 * (ctl_on_results) and what it would be sent dropped.  Header-only: each
 * bench is one program built from its own file (scripts/bench).
 */
#ifndef HERD_BENCH_CTL_H
#define HERD_BENCH_CTL_H

#include <stdio.h>
#include <time.h>

#include "config.h"
#include "ctl.h"
#include "db.h"
#include "node.h"
#include "util.h"

static inline double bench_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* An answer of node slot 0, as its workers would post it. */
static inline void bench_feed(struct ctl *c, enum res_kind kind, const char *text)
{
	struct node_result *r = xcalloc(1, sizeof *r);
	r->node = 0;
	r->gen = c->nodes[0].gen;
	r->kind = kind;
	r->text = xstrdup(text);
	ctl_on_results(c, r);
	node_result_free(r);
}

static inline void bench_drop_sent(struct ctl *c)
{
	node_req_free(node_requests_take(&c->nodes[0]));
}

/*
 * The controller on DIR/herd.db with DIR/hosts.ini written for it: one
 * node n1 that is never connected, `extra` lines added to [controller],
 * the clock clk (NULL: the system's).  0, or -1 with err.
 */
static inline int bench_ctl_open(const char *dir, const char *extra, struct config *cfg,
    struct db **db, struct ctl *c, const struct ctl_clock *clk, char *err, size_t errsz)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/hosts.ini", dir);
	FILE *fp = fopen(path, "w");
	if (fp == NULL) {
		snprintf(err, errsz, "%.200s/hosts.ini: cannot write", dir);
		return -1;
	}
	fprintf(fp, "[controller]\ncluster = b\nstate_dir = %s\n%s\n"
	    "[node n1]\nhost = 127.0.0.1\nport = 1\n", dir, extra);
	fclose(fp);
	if (config_load(path, cfg, err, errsz) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/herd.db", dir);
	return db_open(db, path, err, errsz) != 0 ||
	    ctl_init(c, cfg, *db, clk, err, errsz) != 0 ? -1 : 0;
}

#endif

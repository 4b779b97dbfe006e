/*
 * bench_ctl.h — what the benchmarks that drive a real controller share
 * (bench_turn.c, bench_tick.c): a clock, a sort order for medians, and a
 * node that is never connected, its answers fed as the main loop would
 * (ctl_on_results) and what it would be sent dropped.  Header-only: each
 * bench is one program built from its own file (scripts/bench).
 */
#ifndef HERD_BENCH_CTL_H
#define HERD_BENCH_CTL_H

#include <time.h>

#include "ctl.h"
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

#endif

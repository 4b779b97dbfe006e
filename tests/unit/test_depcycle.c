/*
 * Unit tests for depcycle.c: a job's new dependency that would make it
 * wait for itself, directly or through other jobs, and the path reported.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "depcycle.h"

/* A small graph: edges[i] = { job, waits-for }. */
struct graph {
	const int64_t (*e)[2];
	size_t n;
};

static size_t next(void *arg, int64_t id, int64_t *out, size_t cap)
{
	const struct graph *g = arg;
	size_t m = 0;
	for (size_t i = 0; i < g->n; i++)
		if (g->e[i][0] == id) {
			if (m < cap)
				out[m] = g->e[i][1];
			m++;
		}
	return m;
}

static void direct_and_through(void **state)
{
	(void)state;
	static const int64_t e[][2] = { { 13, 12 }, { 14, 13 }, { 15, 20 } };
	struct graph g = { e, 3 };
	char msg[128];
	int64_t d1[] = { 13 };
	assert_int_equal(depcycle_find(12, d1, 1, next, &g, msg, sizeof msg), 1);
	assert_string_equal(msg, "12 -> 13 -> 12");
	int64_t d2[] = { 11, 14 };
	assert_int_equal(depcycle_find(12, d2, 2, next, &g, msg, sizeof msg), 1);
	assert_string_equal(msg, "12 -> 14 -> 13 -> 12");
	int64_t d3[] = { 12 };	/* on itself */
	assert_int_equal(depcycle_find(12, d3, 1, next, &g, msg, sizeof msg), 1);
	assert_string_equal(msg, "12 -> 12");
	int64_t d4[] = { 15, 11 };	/* 15 waits for 20, which waits for nothing */
	assert_int_equal(depcycle_find(12, d4, 2, next, &g, msg, sizeof msg), 0);
	assert_int_equal(depcycle_find(12, NULL, 0, next, &g, msg, sizeof msg), 0);
}

/* A cycle among other jobs is not this job's (and must not loop forever). */
static void others_cycle(void **state)
{
	(void)state;
	static const int64_t e[][2] = { { 20, 21 }, { 21, 20 }, { 21, 22 } };
	struct graph g = { e, 3 };
	char msg[64];
	int64_t d[] = { 20 };
	assert_int_equal(depcycle_find(12, d, 1, next, &g, msg, sizeof msg), 0);
}

/* A long chain, past the finder's first buffers: the shortest path wins. */
static size_t chain(void *arg, int64_t id, int64_t *out, size_t cap)
{
	(void)arg;
	size_t m = 0;
	if (id >= 2 && id <= 5000) {
		if (m < cap)
			out[m] = id - 1;	/* 5000 -> 4999 -> ... -> 1 */
		m++;
	}
	if (id == 3000) {
		for (int64_t k = 0; k < 100; k++, m++)
			if (m < cap)
				out[m] = 10000 + k;	/* a wide fan, none leading back */
	}
	return m;
}

static void long_chain(void **state)
{
	(void)state;
	char msg[64];
	int64_t d[] = { 5000 };
	assert_int_equal(depcycle_find(1, d, 1, chain, NULL, msg, sizeof msg), 1);
	assert_true(strncmp(msg, "1 -> 5000 -> 4999", 17) == 0);	/* cut to fit */
	assert_int_equal(depcycle_find(6000, d, 1, chain, NULL, msg, sizeof msg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(direct_and_through),
		cmocka_unit_test(others_cycle),
		cmocka_unit_test(long_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

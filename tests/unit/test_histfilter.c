/*
 * Unit tests for herd history's filters (histfilter.c) over job rows:
 * each filter alone, together, the time window's edges, and hostile rows
 * (no name, no node, no partition, a state out of range).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "db.h"
#include "histfilter.h"
#include "job.h"

static struct job_row row(void)
{
	struct job_row r;
	memset(&r, 0, sizeof r);
	r.id = 7;
	r.uid = 1001;
	r.user = "alice";
	r.name = "train";
	r.account = "bio";
	r.partition = "gpu,debug";
	r.node = "node1";
	r.state = JOB_FAILED;
	r.submit_time = 1000;
	r.start_time = 1100;
	r.end_time = 2000;
	return r;
}

static void one(struct hist_list *l, const char *v)
{
	l->v[l->n++] = v;
}

static void none_set(void **state)
{
	struct hist_filter f = { 0 };
	struct job_row r = row();
	(void)state;
	assert_false(hist_filter_active(&f));
	assert_true(hist_filter_match(&f, &r, "alice"));
}

static void each_filter(void **state)
{
	struct job_row r = row();
	(void)state;
	{ struct hist_filter f = { 0 }; one(&f.users, "bob"); assert_false(hist_filter_match(&f, &r, "alice"));
	  one(&f.users, "1001"); assert_true(hist_filter_match(&f, &r, "alice")); }
	{ struct hist_filter f = { 0 }; one(&f.users, "alice"); assert_true(hist_filter_match(&f, &r, "alice"));
	  assert_false(hist_filter_match(&f, &r, NULL)); }
	{ struct hist_filter f = { 0 }; one(&f.accounts, "chem"); assert_false(hist_filter_match(&f, &r, "alice"));
	  one(&f.accounts, "bio"); assert_true(hist_filter_match(&f, &r, "alice")); }
	{ struct hist_filter f = { 0 }; one(&f.parts, "debug"); assert_true(hist_filter_match(&f, &r, "alice")); }
	{ struct hist_filter f = { 0 }; one(&f.parts, "gpu,debug"); assert_false(hist_filter_match(&f, &r, "a")); }
	{ struct hist_filter f = { 0 }; one(&f.parts, "gp"); assert_false(hist_filter_match(&f, &r, "alice")); }
	{ struct hist_filter f = { 0 }; one(&f.names, "train"); assert_true(hist_filter_match(&f, &r, "alice"));
	  r.name = NULL; assert_false(hist_filter_match(&f, &r, "alice")); r.name = "train"; }
	{ struct hist_filter f = { 0 }; one(&f.nodes, "node2"); assert_false(hist_filter_match(&f, &r, "alice"));
	  r.node = NULL; assert_false(hist_filter_match(&f, &r, "alice")); r.node = "node1"; }
	{ struct hist_filter f = { .states = 1u << JOB_COMPLETED };
	  assert_true(hist_filter_active(&f));
	  assert_false(hist_filter_match(&f, &r, "alice"));
	  f.states |= 1u << JOB_FAILED; assert_true(hist_filter_match(&f, &r, "alice"));
	  r.state = 40; assert_false(hist_filter_match(&f, &r, "alice"));
	  r.state = -1; assert_false(hist_filter_match(&f, &r, "alice")); }
}

/* In the system during [since, until]: ended at or after since, submitted
 * at or before until; the edges count. */
static void window(void **state)
{
	struct job_row r = row();
	(void)state;
	struct hist_filter f = { .since = 2000 };
	assert_true(hist_filter_match(&f, &r, "alice"));
	f.since = 2001;
	assert_false(hist_filter_match(&f, &r, "alice"));
	f = (struct hist_filter){ .until = 1000 };
	assert_true(hist_filter_match(&f, &r, "alice"));
	f.until = 999;
	assert_false(hist_filter_match(&f, &r, "alice"));
	f = (struct hist_filter){ .since = 1500, .until = 1600 };	/* ran across it */
	assert_true(hist_filter_match(&f, &r, "alice"));
	r.partition = NULL;	/* no partitions: only an unfiltered one passes */
	one(&f.parts, "gpu");
	assert_false(hist_filter_match(&f, &r, "alice"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(none_set),
		cmocka_unit_test(each_filter),
		cmocka_unit_test(window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_fairshare.c — decay, the classic fair-share factor over a tree, and
 * the multifactor priority built on it: orders after usage decays, ties,
 * bounds.  No sockets, no clock: every instant is given.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "acct.h"
#include "fairshare.h"
#include "priority.h"

#define DAY 86400
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_decay(void **state)
{
	(void)state;
	NEAR(fs_decay(8, 0, 7 * DAY, 7 * DAY), 4);
	NEAR(fs_decay(8, 0, 14 * DAY, 7 * DAY), 2);
	NEAR(fs_decay(8, 100, 50, 7 * DAY), 8);		/* backwards: as it is */
	/* Decayed in steps or at once: the same. */
	double u = 5;
	for (int i = 0; i < 10; i++)
		u = fs_decay(u, i * 1000, (i + 1) * 1000, 3600);
	NEAR(u, fs_decay(5, 0, 10000, 3600));
	/* Accrued in pieces and decayed = accrued at once. */
	double a = 0;
	for (int i = 0; i < 4; i++)
		a = fs_decay(a, i * 900, (i + 1) * 900, 3600) + fs_accrue(2, i * 900, (i + 1) * 900, 3600);
	assert_true(fabs(a - fs_accrue(2, 0, 3600, 3600)) < 1e-9);
	/* Without decay, two GPUs for an hour are 2 GPU-hours; with it, less. */
	NEAR(fs_accrue(2, 0, 3600, 0), 2);
	assert_true(fs_accrue(2, 0, 3600, 3600) < 2 && fs_accrue(2, 0, 3600, 3600) > 1.4);
	NEAR(fs_accrue(2, 10, 10, 3600), 0);
	NEAR(fs_accrue(-1, 0, 10, 3600), 0);
}

static void test_flat_factor(void **state)
{
	(void)state;
	/* Two accounts of equal shares, one user each (indices 2, 3). */
	struct fs_node n[4] = {
		{ .parent = -1, .shares = 1 }, { .parent = -1, .shares = 1 },
		{ .parent = 0, .shares = 1 }, { .parent = 1, .shares = 1 },
	};
	fs_compute(n, 4);
	NEAR(n[2].factor, 1);		/* nobody used anything */
	NEAR(n[3].factor, 1);
	n[2].usage = 10;
	fs_compute(n, 4);
	NEAR(n[0].norm_shares, 0.5);
	NEAR(n[0].norm_usage, 1);
	NEAR(n[0].factor, exp2(-1 / 0.5));
	NEAR(n[1].factor, 1);
	assert_true(n[2].factor < n[3].factor);
	/* Equal usage relative to shares: equal factors (0.5). */
	n[3].usage = 10;
	fs_compute(n, 4);
	NEAR(n[0].factor, 0.5);
	NEAR(n[2].factor, n[3].factor);
	/* Shares 3:1 and usage 3:1: still equal. */
	n[0].shares = 3;
	n[2].usage = 30;
	fs_compute(n, 4);
	NEAR(n[0].factor, n[1].factor);
	NEAR(n[0].factor, 0.5);
}

static void test_tree_factor(void **state)
{
	(void)state;
	/* root ─ science(2) ─ bio(1) ─ alice, bob;  root ─ chem(2) ─ carol */
	struct fs_node n[6] = {
		{ .parent = -1, .shares = 2 },			/* 0 science */
		{ .parent = 0, .shares = 1 },			/* 1 bio */
		{ .parent = -1, .shares = 2 },			/* 2 chem */
		{ .parent = 1, .shares = 1, .usage = 6 },	/* 3 alice */
		{ .parent = 1, .shares = 1, .usage = 0 },	/* 4 bob */
		{ .parent = 2, .shares = 1, .usage = 2 },	/* 5 carol */
	};
	fs_compute(n, 6);
	NEAR(n[0].subtree, 6);
	NEAR(n[3].norm_shares, 0.25);
	NEAR(n[0].norm_usage, 0.75);
	/* bob used nothing but his account did: below 1, above alice, and
	 * below carol's, whose account used less than its share. */
	assert_true(n[4].factor < 1);
	assert_true(n[3].factor < n[4].factor);
	assert_true(n[5].factor > n[3].factor);
	/* Every factor in [0,1]; no shares: 0. */
	for (int i = 0; i < 6; i++)
		assert_true(n[i].factor >= 0 && n[i].factor <= 1);
	n[4].shares = 0;
	fs_compute(n, 6);
	NEAR(n[4].factor, 0);
}

/* A's and B's jobs after A used the GPUs: B first; once A's usage has
 * decayed for many half-lives and B's has grown, A first. */
static void test_order_after_decay(void **state)
{
	(void)state;
	struct prio_conf c;
	prio_conf_defaults(&c);
	int64_t hl = c.half_life_s, t0 = 1000000;
	double ua = fs_accrue(8, t0 - 3600, t0, hl), ub = 0;
	struct fs_node n[3] = { { .parent = -1, .shares = 1 }, { .parent = 0, .shares = 1 },
		{ .parent = 0, .shares = 1 } };
	n[1].usage = ua;
	n[2].usage = ub;
	fs_compute(n, 3);
	struct prio_job a = { .eligible = t0 - 60, .size = 1, .cluster_size = 8, .fairshare = n[1].factor };
	struct prio_job b = { .eligible = t0, .size = 1, .cluster_size = 8, .fairshare = n[2].factor };
	struct prio_factors fa, fb;
	prio_compute(&c, &a, t0, &fa);
	prio_compute(&c, &b, t0, &fb);
	assert_true(fb.total > fa.total);		/* B's later job first */
	assert_true(fa.age > fb.age);
	/* Six half-lives on, B has used 1 GPU-hour just now: A's turn. */
	int64_t t1 = t0 + 6 * hl;
	n[1].usage = fs_decay(ua, t0, t1, hl);
	n[2].usage = fs_accrue(1, t1 - 3600, t1, hl);
	fs_compute(n, 3);
	a.fairshare = n[1].factor;
	b.fairshare = n[2].factor;
	a.eligible = b.eligible = t1;
	prio_compute(&c, &a, t1, &fa);
	prio_compute(&c, &b, t1, &fb);
	assert_true(fa.total > fb.total);
}

static void test_factors(void **state)
{
	(void)state;
	struct prio_conf c;
	prio_conf_defaults(&c);
	c.weight_jobsize = 100;
	c.weight_xfactor = 100;
	struct prio_factors f;
	/* Equal jobs: equal totals (the caller breaks ties by submission). */
	struct prio_job j = { .eligible = 100, .limit_s = 600, .size = 2, .cluster_size = 8,
		.fairshare = 0.5 };
	struct prio_factors g;
	prio_compute(&c, &j, 700, &f);
	prio_compute(&c, &j, 700, &g);
	assert_true(f.total == g.total);
	NEAR(f.jobsize, 0.25);
	NEAR(f.xfactor, 0.5);			/* waited its limit: x = 1 */
	NEAR(f.partition, 0);			/* no partitions yet */
	NEAR(f.qos, 0);
	NEAR(f.total, 1000 * (600.0 / c.max_age_s) + 10000 * 0.5 + 25 + 50);
	/* nice is subtracted. */
	j.nice = 100;
	prio_compute(&c, &j, 700, &g);
	NEAR(f.total - g.total, 100);
	/* Age caps at max_age; the future is age 0; bounds everywhere. */
	prio_compute(&c, &j, 100 + 10 * c.max_age_s, &f);
	NEAR(f.age, 1);
	prio_compute(&c, &j, 50, &f);
	NEAR(f.age, 0);
	NEAR(f.xfactor, 0);
	j.size = 100;
	j.fairshare = 7;
	j.limit_s = 0;
	prio_compute(&c, &j, 700, &f);
	NEAR(f.jobsize, 1);
	NEAR(f.fairshare, 1);
	NEAR(f.xfactor, 0);			/* no limit: unknown */
	/* A short job that waited rises above a long one that waited as long. */
	struct prio_job s = { .eligible = 0, .limit_s = 60, .size = 1, .cluster_size = 8 };
	struct prio_job l = { .eligible = 0, .limit_s = 86400, .size = 1, .cluster_size = 8 };
	prio_compute(&c, &s, 600, &f);
	prio_compute(&c, &l, 600, &g);
	assert_true(f.total > g.total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decay),
		cmocka_unit_test(test_flat_factor),
		cmocka_unit_test(test_tree_factor),
		cmocka_unit_test(test_order_after_decay),
		cmocka_unit_test(test_factors),
	};
	return cmocka_run_group_tests_name("fairshare", tests, NULL, NULL);
}

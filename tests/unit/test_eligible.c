/*
 * test_eligible.c — the pure rules of when a pending job may start: its
 * pending reason, who may hold and release it, and nice ordering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "depend.h"
#include "eligible.h"
#include "util.h"

static void reason_order(void **state)
{
	(void)state;
	int64_t now = 1000;
	assert_null(elig_reason(JOB_HOLD_NONE, DEP_SATISFIED, 0, now));
	assert_null(elig_reason(JOB_HOLD_NONE, DEP_SATISFIED, now, now));
	assert_string_equal(elig_reason(JOB_HOLD_NONE, DEP_SATISFIED, now + 1, now), "BeginTime");
	assert_string_equal(elig_reason(JOB_HOLD_NONE, DEP_WAIT, now + 1, now), "Dependency");
	assert_string_equal(elig_reason(JOB_HOLD_NONE, DEP_NEVER, 0, now),
	    "DependencyNeverSatisfied");
	assert_string_equal(elig_reason(JOB_HOLD_USER, DEP_WAIT, now + 1, now), "JobHeldUser");
	assert_string_equal(elig_reason(JOB_HOLD_ADMIN, DEP_NEVER, 0, now), "JobHeldAdmin");
}

static void hold_rules(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(elig_hold_kind(0, 0, 0), JOB_HOLD_ADMIN);
	assert_int_equal(elig_hold_kind(0, 0, 1), JOB_HOLD_USER);	/* sbatch --hold */
	assert_int_equal(elig_hold_kind(1000, 0, 0), JOB_HOLD_USER);
	assert_int_equal(elig_hold_kind(1000, 1, 0), JOB_HOLD_ADMIN);	/* an admin, another's job */
	assert_int_equal(elig_hold_kind(1000, 1, 1), JOB_HOLD_USER);
	/* The owner holds and releases their own hold (may act, no admin). */
	assert_int_equal(elig_may_hold(1, 0, JOB_HOLD_NONE, 1, err, sizeof err), 0);
	assert_int_equal(elig_may_hold(1, 0, JOB_HOLD_USER, 0, err, sizeof err), 0);
	/* Another user does neither. */
	assert_int_equal(elig_may_hold(0, 0, JOB_HOLD_NONE, 1, err, sizeof err), -1);
	assert_string_equal(err, "not yours");
	assert_int_equal(elig_may_hold(0, 0, JOB_HOLD_USER, 0, err, sizeof err), -1);
	/* An admin's hold: only an admin releases it; the owner may still hold it again. */
	assert_int_equal(elig_may_hold(1, 0, JOB_HOLD_ADMIN, 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "only an admin or root may release it"));
	assert_int_equal(elig_may_hold(1, 0, JOB_HOLD_ADMIN, 1, err, sizeof err), 0);
	assert_int_equal(elig_may_hold(1, 1, JOB_HOLD_ADMIN, 0, err, sizeof err), 0);
	assert_int_equal(elig_may_hold(1, 1, JOB_HOLD_USER, 0, err, sizeof err), 0);
}

static void nice_within_user(void **state)
{
	(void)state;
	/* FCFS: a1 b1 a2 a3 b2; a3 is nicer (lower) than a1 and a2; b2 below b1. */
	const struct elig_key k[] = {
		{ 10, 0, 1 }, { 20, 50, 2 }, { 10, 5, 3 }, { 10, -5, 4 }, { 20, 0, 5 },
	};
	size_t order[5];
	elig_nice_order(k, 5, order);
	/* Places of user 10: 0, 2, 3 get ids 4, 1, 3; user 20's places 1, 4 get 5, 2. */
	int64_t want[] = { 4, 5, 1, 3, 2 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(k[order[i]].id, want[i]);
}

static void nice_equal_is_fcfs(void **state)
{
	(void)state;
	struct elig_key k[64];
	size_t order[64];
	for (size_t i = 0; i < 64; i++)
		k[i] = (struct elig_key){ (uint32_t)(i % 3), 7, (int64_t)i + 1 };
	elig_nice_order(k, 64, order);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(order[i], i);
	elig_nice_order(k, 0, order);	/* nothing to do, nothing touched */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reason_order),
		cmocka_unit_test(hold_rules),
		cmocka_unit_test(nice_within_user),
		cmocka_unit_test(nice_equal_is_fcfs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

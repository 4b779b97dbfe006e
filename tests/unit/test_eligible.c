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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reason_order),
		cmocka_unit_test(hold_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

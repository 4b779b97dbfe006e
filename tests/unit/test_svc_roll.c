/*
 * Unit tests for herd service --replicas and the rolling restart: the
 * --replicas value (svc.c), good and hostile; the replicas against the
 * array a client sent (svc_check_replicas); which replica serves
 * (svc_replica_up, svc_replica_ready); and svc_roll_next(), the step a
 * roll takes from the replicas' states: at most one down, drained before
 * it stops, waited for until RUNNING and HEALTHY, ended replicas skipped,
 * a restarted replica that ended stops the roll.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arrayspec.h"
#include "job.h"
#include "svc.h"
#include "svc_health.h"
#include "svc_roll.h"
#include "util.h"

static void replicas_values(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	int n = -1;
	assert_int_equal(svc_parse_replicas("1", &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(svc_parse_replicas("16", &n, err, sizeof err), 0);
	assert_int_equal(n, 16);
	assert_int_equal(svc_parse_replicas("02", &n, err, sizeof err), 0);	/* as --max-restarts */
	assert_int_equal(n, 2);
	static const char *const bad[] = { "", "0", "17", "-1", "+2", " 2", "2 ", "2x", "0x2",
		"00", "1e1", "99999999999999999999", "18446744073709551618", "2\n", "١" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = 42;
		assert_int_equal(svc_parse_replicas(bad[i], &n, err, sizeof err), -1);
		assert_int_equal(n, 42);
		assert_non_null(strstr(err, "--replicas takes a whole number from 1 to 16"));
	}
	assert_int_equal(svc_parse_replicas(NULL, &n, err, sizeof err), -1);
}

/* svc_check_replicas of spec (NULL: no array) with `replicas`. */
static int check(int replicas, const char *spec)
{
	char err[HERD_ERRLEN];
	struct arrayspec a;
	arrayspec_init(&a);
	if (spec != NULL)
		assert_int_equal(arrayspec_parse(&a, spec, 100000, err, sizeof err), 0);
	int rc = svc_check_replicas(replicas, spec != NULL ? &a : NULL, err, sizeof err);
	arrayspec_clear(&a);
	return rc;
}

static void replicas_against_array(void **state)
{
	(void)state;
	assert_int_equal(check(1, NULL), 0);
	assert_int_equal(check(2, "0-1"), 0);
	assert_int_equal(check(16, "0-15"), 0);
	assert_int_equal(check(3, "0,1,2"), 0);
	/* What a hostile client could send instead. */
	assert_int_equal(check(0, NULL), -1);
	assert_int_equal(check(17, "0-16"), -1);
	assert_int_equal(check(-1, NULL), -1);
	assert_int_equal(check(1, "0"), -1);	/* one replica is no array */
	assert_int_equal(check(2, NULL), -1);
	assert_int_equal(check(2, "1-2"), -1);
	assert_int_equal(check(2, "0,2"), -1);
	assert_int_equal(check(2, "0-2"), -1);
	assert_int_equal(check(2, "0-1%1"), -1);	/* a throttle would hold one back */
	assert_int_equal(check(3, "0-4:2"), -1);
}

static void ready(void **state)
{
	(void)state;
	assert_true(svc_replica_up(JOB_RUNNING, SVC_HEALTH_NONE));
	assert_true(svc_replica_up(JOB_RUNNING, SVC_HEALTH_HEALTHY));
	assert_false(svc_replica_up(JOB_RUNNING, SVC_HEALTH_STARTING));
	assert_false(svc_replica_up(JOB_RUNNING, SVC_HEALTH_UNHEALTHY));
	assert_false(svc_replica_up(JOB_PENDING, SVC_HEALTH_NONE));
	assert_false(svc_replica_up(JOB_LAUNCHING, SVC_HEALTH_HEALTHY));
	assert_false(svc_replica_up(JOB_REQUEUED, SVC_HEALTH_HEALTHY));
	assert_true(svc_replica_ready(JOB_RUNNING, SVC_HEALTH_HEALTHY, SVC_ROLL_NONE));
	assert_true(svc_replica_ready(JOB_RUNNING, SVC_HEALTH_HEALTHY, SVC_ROLL_WAITING));
	assert_false(svc_replica_ready(JOB_RUNNING, SVC_HEALTH_HEALTHY, SVC_ROLL_DRAINING));
	assert_false(svc_replica_ready(JOB_RUNNING, SVC_HEALTH_HEALTHY, SVC_ROLL_RESTARTED));
	assert_false(svc_replica_ready(JOB_RUNNING, SVC_HEALTH_STARTING, SVC_ROLL_NONE));
}

#define UP(roll) { JOB_RUNNING, SVC_HEALTH_HEALTHY, roll, 0 }

static void step_is(const struct svc_replica *r, size_t n, int64_t now, enum svc_roll_act act,
    size_t index)
{
	struct svc_roll_step st;
	svc_roll_next(r, n, now, &st);
	assert_int_equal(st.act, act);
	if (act != SVC_ROLL_IDLE && act != SVC_ROLL_WAIT)
		assert_int_equal(st.index, index);
}

/* A whole roll of three replicas, one step at a time, as ctl_roll.c
 * applies them; at no step are two replicas down. */
static void roll_whole(void **state)
{
	(void)state;
	struct svc_replica r[3] = { UP(SVC_ROLL_WAITING), UP(SVC_ROLL_WAITING),
		UP(SVC_ROLL_WAITING) };
	for (size_t k = 0; k < 3; k++) {
		step_is(r, 3, 1000, SVC_ROLL_DRAIN, k);
		r[k].roll = SVC_ROLL_DRAINING;
		r[k].drain_until_ms = 1000 + SVC_ROLL_DRAIN_MS;
		step_is(r, 3, 1000 + SVC_ROLL_DRAIN_MS - 1, SVC_ROLL_WAIT, 0);
		step_is(r, 3, 1000 + SVC_ROLL_DRAIN_MS, SVC_ROLL_STOP, k);
		r[k].roll = SVC_ROLL_RESTARTED;
		r[k].state = JOB_REQUEUED;
		step_is(r, 3, 5000, SVC_ROLL_WAIT, 0);
		r[k].state = JOB_PENDING;
		step_is(r, 3, 5000, SVC_ROLL_WAIT, 0);
		r[k].state = JOB_RUNNING;
		r[k].health = SVC_HEALTH_STARTING;	/* running is not up yet */
		step_is(r, 3, 5000, SVC_ROLL_WAIT, 0);
		r[k].health = SVC_HEALTH_HEALTHY;
		step_is(r, 3, 5000, SVC_ROLL_CLEAR, k);
		r[k].roll = SVC_ROLL_NONE;
	}
	step_is(r, 3, 9000, SVC_ROLL_IDLE, 0);
}

static void roll_waits_for_others(void **state)
{
	(void)state;
	/* Replica 1 crashed (pending its backoff): 0 is not taken down. */
	struct svc_replica r[2] = { UP(SVC_ROLL_WAITING), UP(SVC_ROLL_WAITING) };
	r[1].state = JOB_PENDING;
	step_is(r, 2, 0, SVC_ROLL_WAIT, 0);
	/* ... nor when the one down is not in the roll, or unhealthy. */
	r[1] = (struct svc_replica)UP(SVC_ROLL_NONE);
	r[1].health = SVC_HEALTH_UNHEALTHY;
	step_is(r, 2, 0, SVC_ROLL_WAIT, 0);
	r[1].health = SVC_HEALTH_HEALTHY;
	step_is(r, 2, 0, SVC_ROLL_DRAIN, 0);
	/* Without a check, RUNNING is up. */
	r[0].health = r[1].health = SVC_HEALTH_NONE;
	step_is(r, 2, 0, SVC_ROLL_DRAIN, 0);
	/* An array's record standing for replicas not started: down. */
	struct svc_replica p[3] = { UP(SVC_ROLL_WAITING), UP(SVC_ROLL_WAITING),
		{ JOB_PENDING, SVC_HEALTH_NONE, SVC_ROLL_NONE, 0 } };
	step_is(p, 3, 0, SVC_ROLL_WAIT, 0);
}

static void roll_one_replica(void **state)
{
	(void)state;
	/* One replica: restarted all the same (down briefly). */
	struct svc_replica r[1] = { UP(SVC_ROLL_WAITING) };
	step_is(r, 1, 0, SVC_ROLL_DRAIN, 0);
	r[0].roll = SVC_ROLL_DRAINING;	/* drain_until 0: after a restart, at once */
	step_is(r, 1, 0, SVC_ROLL_STOP, 0);
	/* A lone replica still coming up is waited for, then restarted. */
	r[0] = (struct svc_replica)UP(SVC_ROLL_WAITING);
	r[0].state = JOB_LAUNCHING;
	step_is(r, 1, 0, SVC_ROLL_WAIT, 0);
}

static void roll_ended(void **state)
{
	(void)state;
	/* An ended replica waiting its turn is skipped (its mark cleared). */
	struct svc_replica r[2] = { UP(SVC_ROLL_WAITING), UP(SVC_ROLL_WAITING) };
	r[0].state = JOB_FAILED;
	step_is(r, 2, 0, SVC_ROLL_CLEAR, 0);
	/* An ended replica outside the roll does not hold it up. */
	r[0].roll = SVC_ROLL_NONE;
	step_is(r, 2, 0, SVC_ROLL_DRAIN, 1);
	/* The restarted one ended for good: the roll stops. */
	r[1].roll = SVC_ROLL_RESTARTED;
	r[1].state = JOB_CANCELLED;
	r[0] = (struct svc_replica)UP(SVC_ROLL_WAITING);
	step_is(r, 2, 0, SVC_ROLL_ABORT, 1);
	/* No marks at all: nothing to do; nothing at all: nothing either. */
	struct svc_replica q[2] = { UP(SVC_ROLL_NONE), UP(SVC_ROLL_NONE) };
	q[1].state = JOB_PENDING;
	step_is(q, 2, 0, SVC_ROLL_IDLE, 0);
	step_is(q, 0, 0, SVC_ROLL_IDLE, 0);
}

/* Every mix of states, health and marks of three replicas: a step never
 * takes a second replica down, never stops one not drained, and names a
 * replica in range. */
static void roll_never_two_down(void **state)
{
	(void)state;
	static const int states[] = { JOB_PENDING, JOB_LAUNCHING, JOB_RUNNING, JOB_REQUEUED,
		JOB_FAILED };
	struct svc_replica r[3];
	for (int code = 0; code < 5 * 4 * 4 * 5 * 4 * 4 * 5 * 4 * 4; code++) {
		int c = code, down = 0, restarted = 0, draining = 0;
		for (int i = 0; i < 3; i++) {
			r[i].state = states[c % 5];
			c /= 5;
			r[i].health = c % 4;
			c /= 4;
			r[i].roll = c % 4;
			c /= 4;
			r[i].drain_until_ms = 0;
			down += !job_state_is_final(r[i].state) &&
			    !svc_replica_up(r[i].state, r[i].health);
			restarted += r[i].roll == SVC_ROLL_RESTARTED;
			draining += r[i].roll == SVC_ROLL_DRAINING;
		}
		struct svc_roll_step st;
		svc_roll_next(r, 3, 0, &st);
		if (st.act == SVC_ROLL_DRAIN) {
			assert_int_equal(down, 0);
			assert_int_equal(restarted + draining, 0);
			assert_int_equal(r[st.index].roll, SVC_ROLL_WAITING);
		}
		if (st.act == SVC_ROLL_STOP)
			assert_int_equal(r[st.index].roll, SVC_ROLL_DRAINING);
		if (st.act != SVC_ROLL_IDLE && st.act != SVC_ROLL_WAIT)
			assert_true(st.index < 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replicas_values),
		cmocka_unit_test(replicas_against_array),
		cmocka_unit_test(ready),
		cmocka_unit_test(roll_whole),
		cmocka_unit_test(roll_waits_for_others),
		cmocka_unit_test(roll_one_replica),
		cmocka_unit_test(roll_ended),
		cmocka_unit_test(roll_never_two_down),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

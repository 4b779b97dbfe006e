/*
 * Unit tests for lifecycle.c: the transition table, row by row, and the
 * rules every row must keep whatever rows are added later.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "lifecycle.h"

static void expect(enum job_state from, enum job_event ev, int status, enum job_state to,
    const char *reason, unsigned actions)
{
	struct job_step st;
	assert_int_equal(lifecycle_step(from, ev, status, &st), 0);
	assert_int_equal(st.to, to);
	if (reason == NULL)
		assert_null(st.reason);
	else
		assert_string_equal(st.reason, reason);
	assert_int_equal(st.actions, actions);
}

static void refused(enum job_state from, enum job_event ev)
{
	struct job_step st;
	assert_int_equal(lifecycle_step(from, ev, 0, &st), -1);
}

static void rows(void **state)
{
	(void)state;
	expect(JOB_PENDING, EV_PLACE, 0, JOB_LAUNCHING, NULL, ACT_COMMIT | ACT_LAUNCH);
	expect(JOB_PENDING, EV_CANCEL, 0, JOB_CANCELLED, "cancelled", ACT_COMMIT | ACT_NOTIFY);
	expect(JOB_PENDING, EV_NEVER, 0, JOB_CANCELLED, "DependencyNeverSatisfied",
	    ACT_COMMIT | ACT_NOTIFY);
	expect(JOB_LAUNCHING, EV_START, 0, JOB_RUNNING, NULL, ACT_COMMIT);
	expect(JOB_RUNNING, EV_EXIT, 0, JOB_COMPLETED, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	expect(JOB_RUNNING, EV_EXIT, 3, JOB_FAILED, "NonZeroExitCode",
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	expect(JOB_LAUNCHING, EV_EXIT, 137, JOB_FAILED, "NonZeroExitCode",
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	expect(JOB_LAUNCHING, EV_LAUNCH_FAIL, 1, JOB_FAILED, "launch failed",
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	expect(JOB_LAUNCHING, EV_LAUNCH_LOST, 0, JOB_FAILED, "launch interrupted",
	    ACT_COMMIT | ACT_KILL);
	expect(JOB_RUNNING, EV_CANCEL, 0, JOB_CANCELLED, "cancelled", ACT_COMMIT | ACT_KILL);
	expect(JOB_RUNNING, EV_TIMEOUT, 0, JOB_TIMEOUT, "time limit reached",
	    ACT_COMMIT | ACT_KILL);
	expect(JOB_RUNNING, EV_NODE_LOST, 0, JOB_NODE_FAIL, "node failure",
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	/* Ended by the controller, confirmed gone: the state stays. */
	expect(JOB_CANCELLED, EV_EXIT, 137, JOB_CANCELLED, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	expect(JOB_TIMEOUT, EV_GONE, 0, JOB_TIMEOUT, NULL, ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	expect(JOB_FAILED, EV_NODE_LOST, 0, JOB_FAILED, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	/* Requeue: the running attempt is stopped first, pending once gone. */
	expect(JOB_RUNNING, EV_REQUEUE, 0, JOB_REQUEUED, "requeued", ACT_COMMIT | ACT_KILL);
	expect(JOB_LAUNCHING, EV_REQUEUE, 0, JOB_REQUEUED, "requeued", ACT_COMMIT | ACT_KILL);
	expect(JOB_REQUEUED, EV_GONE, 0, JOB_PENDING, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE);
	expect(JOB_REQUEUED, EV_EXIT, 143, JOB_PENDING, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE);
	expect(JOB_REQUEUED, EV_LAUNCH_FAIL, 1, JOB_PENDING, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE);
	expect(JOB_REQUEUED, EV_NODE_LOST, 0, JOB_PENDING, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE);
	expect(JOB_REQUEUED, EV_CANCEL, 0, JOB_CANCELLED, "cancelled", ACT_COMMIT | ACT_KILL);
	expect(JOB_RUNNING, EV_NODE_REQUEUE, 0, JOB_PENDING, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE);
	expect(JOB_COMPLETED, EV_REQUEUE, 0, JOB_PENDING, NULL, ACT_COMMIT | ACT_REQUEUE);
	expect(JOB_NODE_FAIL, EV_REQUEUE, 0, JOB_PENDING, NULL, ACT_COMMIT | ACT_REQUEUE);
	expect(JOB_CANCELLED, EV_NODE_REQUEUE, 0, JOB_CANCELLED, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY);
	/* Hold and release: pending stays pending, the hold is stored first. */
	expect(JOB_PENDING, EV_HOLD, 0, JOB_PENDING, "JobHeldUser", ACT_COMMIT | ACT_HOLD);
	expect(JOB_PENDING, EV_RELEASE, 0, JOB_PENDING, NULL, ACT_COMMIT | ACT_UNHOLD);
	refused(JOB_RUNNING, EV_HOLD);		/* started: too late to hold */
	refused(JOB_LAUNCHING, EV_HOLD);
	refused(JOB_REQUEUED, EV_HOLD);
	refused(JOB_COMPLETED, EV_HOLD);
	refused(JOB_RUNNING, EV_RELEASE);
	refused(JOB_CANCELLED, EV_RELEASE);
	refused(JOB_PENDING, EV_REQUEUE);	/* nothing to requeue */
	refused(JOB_REQUEUED, EV_REQUEUE);	/* already under way */
	refused(JOB_REQUEUED, EV_START);	/* a late start of the old attempt */
	refused(JOB_REQUEUED, EV_TIMEOUT);
	refused(JOB_REQUEUED, EV_PLACE);	/* not before the old attempt is gone */
	/* Late answers change nothing. */
	refused(JOB_PENDING, EV_EXIT);
	refused(JOB_PENDING, EV_START);
	refused(JOB_PENDING, EV_TIMEOUT);
	refused(JOB_RUNNING, EV_START);
	refused(JOB_RUNNING, EV_PLACE);
	refused(JOB_LAUNCHING, EV_TIMEOUT);	/* the limit counts from the start */
	refused(JOB_COMPLETED, EV_START);
	refused(JOB_COMPLETED, EV_CANCEL);
	refused(JOB_CANCELLED, EV_TIMEOUT);
	refused(JOB_NODE_FAIL, EV_PLACE);
}

/* What every row must keep: the commit first, a launch only from PENDING,
 * a kill never with a release (the node must confirm first), waiters told
 * only of a final state, and final states never left. */
static void invariants(void **state)
{
	(void)state;
	for (int s = 0; s < JOB_NSTATES; s++) {
		for (int e = 0; e < EV_NEVENTS; e++) {
			for (int status = 0; status < 2; status++) {
				struct job_step st;
				if (lifecycle_step((enum job_state)s, (enum job_event)e, status, &st) != 0)
					continue;
				assert_true(st.actions & ACT_COMMIT);
				if (st.actions & ACT_LAUNCH)
					assert_int_equal(s, JOB_PENDING);
				assert_false((st.actions & ACT_KILL) && (st.actions & ACT_RELEASE));
				if (st.actions & ACT_NOTIFY)
					assert_true(job_state_is_final(st.to));
				/* A kill ends the job or stops it for a requeue. */
				if (st.actions & ACT_KILL)
					assert_true(job_state_is_final(st.to) ||
					    st.to == JOB_REQUEUED);
				/* A new attempt: only pending, only with the old one
				 * released (or never held), never notified. */
				if (st.actions & ACT_REQUEUE) {
					assert_int_equal(st.to, JOB_PENDING);
					assert_false(st.actions & (ACT_NOTIFY | ACT_KILL | ACT_LAUNCH));
				}
				if (st.to == JOB_PENDING && s != JOB_PENDING)
					assert_true(st.actions & ACT_REQUEUE);
				/* A hold changes only a pending job, and only its hold. */
				if (st.actions & (ACT_HOLD | ACT_UNHOLD)) {
					assert_int_equal(s, JOB_PENDING);
					assert_int_equal(st.to, JOB_PENDING);
					assert_false(st.actions & ~(ACT_COMMIT | ACT_HOLD | ACT_UNHOLD));
				}
				/* Final states are left only by a requeue. */
				if (job_state_is_final((enum job_state)s) && e != EV_REQUEUE)
					assert_int_equal(st.to, s);
				/* Only the node's word ends a REQUEUED job's attempt. */
				if (s == JOB_REQUEUED && st.to == JOB_PENDING)
					assert_true(e == EV_GONE || e == EV_EXIT || e == EV_LAUNCH_FAIL ||
					    e == EV_NODE_LOST || e == EV_NODE_REQUEUE);
				assert_string_not_equal(job_event_name((enum job_event)e), "unknown");
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows),
		cmocka_unit_test(invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

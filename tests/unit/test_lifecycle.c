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

/* A set of states, so that one pin says what a row of the table does in
 * every state it covers. */
#define S(x)		(1u << (x))
#define ACTIVE		(S(JOB_LAUNCHING) | S(JOB_RUNNING))
#define FINAL		(S(JOB_COMPLETED) | S(JOB_FAILED) | S(JOB_CANCELLED) | \
			 S(JOB_TIMEOUT) | S(JOB_NODE_FAIL))
#define SAME		JOB_NSTATES		/* the state it was in */
#define BY_EXIT		(JOB_NSTATES + 1)	/* COMPLETED on 0, else FAILED */
#define C		ACT_COMMIT
#define L		ACT_LAUNCH
#define K		ACT_KILL
#define R		ACT_RELEASE
#define N		ACT_NOTIFY
#define Q		ACT_REQUEUE
#define T		ACT_TAKE
#define RC		ACT_RECONCILE
#define ST		ACT_STAMP_START
#define E		ACT_STAMP_END

/*
 * Every (state, event) that has a step, written out: the resulting state,
 * the reason and the actions.  A pair not listed must be refused (a late or
 * repeated answer changes nothing).  Dropping an action from a row, adding
 * a row or widening one breaks this table.
 */
static const struct pin {
	unsigned from;		/* S() set */
	enum job_event ev;
	int to;			/* a state, SAME or BY_EXIT */
	const char *reason;
	unsigned actions;
} pins[] = {
	/* Placed by a pass, or found launched by a node's scan: its node's
	 * resources taken, committed, then launched or asked about. */
	{ S(JOB_PENDING), EV_PLACE, JOB_LAUNCHING, NULL, C | T | L },
	{ S(JOB_PENDING), EV_ADOPT, JOB_LAUNCHING, NULL, C | T | RC },
	/* The pass's commit failed: back as the database has it, no commit. */
	{ S(JOB_LAUNCHING), EV_UNPLACE, JOB_PENDING, NULL, R },
	{ S(JOB_PENDING), EV_CANCEL, JOB_CANCELLED, "cancelled", C | E | N },
	{ S(JOB_PENDING), EV_NEVER, JOB_CANCELLED, "DependencyNeverSatisfied", C | E | N },
	/* Hold and release: pending stays pending, the hold is stored first. */
	{ S(JOB_PENDING), EV_HOLD, JOB_PENDING, "JobHeldUser", C | ACT_HOLD },
	{ S(JOB_PENDING), EV_RELEASE, JOB_PENDING, NULL, C | ACT_UNHOLD },
	{ S(JOB_LAUNCHING), EV_START, JOB_RUNNING, NULL, C | ST },
	/* The node's word ends an active job at once (an exit is its start
	 * too when that was never heard). */
	{ ACTIVE, EV_EXIT, BY_EXIT, NULL, C | ST | E | R | N },
	{ ACTIVE, EV_LAUNCH_FAIL, JOB_FAILED, "launch failed", C | E | R | N },
	{ ACTIVE, EV_NODE_LOST, JOB_NODE_FAIL, "node failure", C | E | R | N },
	{ ACTIVE, EV_NODE_REQUEUE, JOB_PENDING, NULL, C | R | Q },
	/* A service's exit its policy restarts (svc.h): a new attempt. */
	{ ACTIVE, EV_RESTART, JOB_PENDING, "BackOff", C | R | Q },
	/* The controller's end: final at once, resources kept until gone. */
	{ ACTIVE, EV_LAUNCH_LOST, JOB_FAILED, "launch interrupted", C | E | K },
	{ ACTIVE, EV_CANCEL, JOB_CANCELLED, "cancelled", C | E | K },
	{ S(JOB_RUNNING), EV_TIMEOUT, JOB_TIMEOUT, "time limit reached", C | E | K },
	/* Requeue: the running attempt is stopped first, pending once gone. */
	{ ACTIVE, EV_REQUEUE, JOB_REQUEUED, "requeued", C | K },
	{ S(JOB_REQUEUED), EV_EXIT, JOB_PENDING, NULL, C | R | Q },
	{ S(JOB_REQUEUED), EV_LAUNCH_FAIL, JOB_PENDING, NULL, C | R | Q },
	{ S(JOB_REQUEUED), EV_GONE, JOB_PENDING, NULL, C | R | Q },
	{ S(JOB_REQUEUED), EV_NODE_LOST, JOB_PENDING, NULL, C | R | Q },
	{ S(JOB_REQUEUED), EV_CANCEL, JOB_CANCELLED, "cancelled", C | E | K },
	/* An ended job whose processes are gone: pending again at once. */
	{ FINAL, EV_REQUEUE, JOB_PENDING, NULL, C | Q },
	/* Ended by the controller, now confirmed gone: the state stays. */
	{ FINAL, EV_EXIT, SAME, NULL, C | R | N },
	{ FINAL, EV_LAUNCH_FAIL, SAME, NULL, C | R | N },
	{ FINAL, EV_GONE, SAME, NULL, C | R | N },
	{ FINAL, EV_NODE_LOST, SAME, NULL, C | R | N },
};

/* The one pin for (s, e), or NULL; two pins for one pair is a test bug. */
static const struct pin *pin_for(enum job_state s, enum job_event e)
{
	const struct pin *found = NULL;

	for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++) {
		if (pins[i].ev != e || !(pins[i].from & S(s)))
			continue;
		assert_null(found);
		found = &pins[i];
	}
	return found;
}

static void every_row_pinned(void **state)
{
	int used[sizeof pins / sizeof pins[0]] = { 0 };

	(void)state;
	for (int s = 0; s < JOB_NSTATES; s++) {
		for (int e = 0; e < EV_NEVENTS; e++) {
			for (int status = 0; status <= 137; status += 137) {
				const struct pin *p = pin_for((enum job_state)s, (enum job_event)e);
				struct job_step st;
				int rc = lifecycle_step((enum job_state)s, (enum job_event)e,
				    status, &st);
				if (p == NULL) {
					if (rc != -1)
						fail_msg("%d on %s: a step, none pinned", s,
						    job_event_name((enum job_event)e));
					continue;
				}
				used[p - pins]++;
				if (rc != 0)
					fail_msg("%d on %s: refused, pinned", s,
					    job_event_name((enum job_event)e));
				int to = p->to == SAME ? s : p->to == BY_EXIT ?
				    (status == 0 ? JOB_COMPLETED : JOB_FAILED) : p->to;
				const char *why = p->to == BY_EXIT && status != 0 ?
				    "NonZeroExitCode" : p->reason;
				if ((int)st.to != to || st.actions != p->actions)
					fail_msg("%d on %s (status %d): to %d actions %#x, "
					    "pinned to %d actions %#x", s,
					    job_event_name((enum job_event)e), status,
					    st.to, st.actions, to, p->actions);
				if (why == NULL)
					assert_null(st.reason);
				else
					assert_string_equal(st.reason, why);
			}
		}
	}
	for (size_t i = 0; i < sizeof pins / sizeof pins[0]; i++)
		assert_true(used[i] > 0);
}

/* A few rows by name, as they read in the table's comment. */
static void rows(void **state)
{
	struct job_step st;

	(void)state;
	/* Cancelled while launching, then the launch failed: over, released. */
	assert_int_equal(lifecycle_step(JOB_LAUNCHING, EV_CANCEL, 0, &st), 0);
	assert_int_equal(st.to, JOB_CANCELLED);
	assert_int_equal(st.actions, C | E | K);
	assert_int_equal(lifecycle_step(st.to, EV_LAUNCH_FAIL, 1, &st), 0);
	assert_int_equal(st.to, JOB_CANCELLED);
	assert_int_equal(st.actions, C | R | N);
	/* EV_NODE_REQUEUE is sent only for an active job (ctl_node.c
	 * node_lost): a stopping or ended one gets EV_NODE_LOST, so the table
	 * has no other row for it. */
	assert_int_equal(lifecycle_step(JOB_REQUEUED, EV_NODE_REQUEUE, 0, &st), -1);
	assert_int_equal(lifecycle_step(JOB_CANCELLED, EV_NODE_REQUEUE, 0, &st), -1);
	/* Adoption and the undoing of a placement: only where they make sense
	 * (a job found launched while RUNNING is no news; an undone placement
	 * of a running job would run it twice). */
	assert_int_equal(lifecycle_step(JOB_RUNNING, EV_ADOPT, 0, &st), -1);
	assert_int_equal(lifecycle_step(JOB_RUNNING, EV_UNPLACE, 0, &st), -1);
	assert_int_equal(lifecycle_step(JOB_PENDING, EV_UNPLACE, 0, &st), -1);
}

/*
 * Whatever rows are added later: an event that means the node has answered
 * for the job (its exit, a launch failure, "gone", the node lost) on a job
 * the controller is stopping (final, or REQUEUED) releases its resources,
 * or they stay held until a restart.  On an active job the same answers
 * other than "gone" (which is asked only of a stopping job) release too.
 */
static void node_answer_releases(void **state)
{
	static const enum job_event answers[] = {
		EV_EXIT, EV_LAUNCH_FAIL, EV_GONE, EV_NODE_LOST,
	};

	(void)state;
	for (int s = 0; s < JOB_NSTATES; s++) {
		int stopping = job_state_is_final((enum job_state)s) || s == JOB_REQUEUED;
		int active = s == JOB_LAUNCHING || s == JOB_RUNNING;
		if (!stopping && !active)
			continue;
		for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
			struct job_step st;
			if (active && answers[i] == EV_GONE)
				continue;
			for (int status = 0; status < 2; status++) {
				if (lifecycle_step((enum job_state)s, answers[i], status,
				    &st) != 0)
					fail_msg("state %d: %s has no row", s,
					    job_event_name(answers[i]));
				if (!(st.actions & ACT_RELEASE))
					fail_msg("state %d: %s keeps its resources", s,
					    job_event_name(answers[i]));
				assert_false(st.actions & ACT_KILL);
			}
		}
	}
}

/* What every row must keep: the commit first, a launch only from PENDING,
 * a kill never with a release (the node must confirm first), waiters told
 * only of a final state, final states never left, times stamped and
 * resources taken and given back on the right edges. */
static void invariants(void **state)
{
	(void)state;
	for (int s = 0; s < JOB_NSTATES; s++) {
		for (int e = 0; e < EV_NEVENTS; e++) {
			for (int status = 0; status < 2; status++) {
				struct job_step st;
				if (lifecycle_step((enum job_state)s, (enum job_event)e, status, &st) != 0)
					continue;
				int final_from = job_state_is_final((enum job_state)s);
				int final_to = job_state_is_final(st.to);
				/* Every step is committed but the undoing of a placement
				 * the database never took. */
				if (e == EV_UNPLACE)
					assert_int_equal(st.actions, ACT_RELEASE);
				else
					assert_true(st.actions & ACT_COMMIT);
				/* Its end is stamped exactly when it becomes final. */
				assert_int_equal(!!(st.actions & ACT_STAMP_END),
				    !final_from && final_to);
				/* Its start: only when the node says (or shows, by an
				 * exit) that the attempt ran. */
				if (st.actions & ACT_STAMP_START)
					assert_true(s == JOB_LAUNCHING || s == JOB_RUNNING);
				/* Resources are taken exactly on the way into LAUNCHING,
				 * from PENDING, and given back on any way out to PENDING
				 * from a state that holds them. */
				assert_int_equal(!!(st.actions & ACT_TAKE),
				    st.to == JOB_LAUNCHING && s != JOB_LAUNCHING);
				if (st.actions & ACT_TAKE) {
					assert_int_equal(s, JOB_PENDING);
					assert_false(st.actions & (ACT_RELEASE | ACT_KILL));
					/* Sent its launch, or asked about the one it has. */
					assert_int_equal(!!(st.actions & ACT_LAUNCH),
					    !(st.actions & ACT_RECONCILE));
				}
				if (st.actions & (ACT_LAUNCH | ACT_RECONCILE))
					assert_true(st.actions & ACT_TAKE);
				if (st.to == JOB_PENDING && !final_from && s != JOB_PENDING)
					assert_true(st.actions & ACT_RELEASE);
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
					assert_false(st.actions & (ACT_NOTIFY | ACT_KILL | ACT_LAUNCH |
					    ACT_STAMP_START | ACT_STAMP_END));
				}
				/* Back to pending: a new attempt, or a placement undone
				 * (the same attempt, never launched). */
				if (st.to == JOB_PENDING && s != JOB_PENDING)
					assert_true((st.actions & ACT_REQUEUE) || e == EV_UNPLACE);
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
					    e == EV_NODE_LOST);
				assert_string_not_equal(job_event_name((enum job_event)e), "unknown");
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_row_pinned),
		cmocka_unit_test(rows),
		cmocka_unit_test(node_answer_releases),
		cmocka_unit_test(invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

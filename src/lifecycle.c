/*
 * lifecycle.c — the transition table.
 *
 * Theory of operation: a job is PENDING, then LAUNCHING once placed (the
 * commit that says so precedes the launch), RUNNING once the node reports
 * its process, and then final.  An end the controller decides (cancel,
 * time limit, an interrupted launch) may leave processes on the node: the
 * job is final at once but keeps its resources, and ACT_KILL asks the
 * caller to signal it until the node confirms it is gone (EV_GONE, or its
 * exit, which carries the status).  Only then is it over (ACT_NOTIFY):
 * waiters hear of it with its real exit status.  An end the node reports
 * (exit, launch failure) or that the node cannot contradict (a reboot) is
 * over at once.
 *
 * A requeue (herd requeue, or a node failure of a job that allows it)
 * makes a new attempt of the same job.  The running attempt is stopped
 * first: the job is REQUEUED, keeps its resources and is killed, and only
 * the node's word that it is gone (EV_GONE, its exit, or the node's reboot)
 * makes it PENDING again (ACT_REQUEUE: the old attempt is recorded in the
 * same commit), so two attempts never run side by side.  A node that
 * rebooted or lost the job's files has nothing left to stop.
 *
 * A placement is committed in one batch with the others of its pass; if
 * that commit fails, EV_UNPLACE puts each job back as the database still
 * has it (pending, holding nothing), with no commit of its own.  A job the
 * database knows as pending but a node has launched (the commits that said
 * so were lost with the state disk) is adopted (EV_ADOPT): LAUNCHING on
 * that node, which is asked about it instead of sent it again.
 *
 * Times: a job's start is stamped when the node says it runs, or when it
 * exits without that having been heard; its end when it becomes final.
 * A new attempt (ACT_REQUEUE) starts with neither.
 *
 * EV_NODE_REQUEUE is sent only for a LAUNCHING or RUNNING job (a job
 * being stopped, or ended, gets EV_NODE_LOST): it has no row elsewhere.
 *
 * Rows are matched in order; FROM_ACTIVE and FROM_FINAL stand for several
 * states.  An event with no row in a state is a late or repeated answer
 * and changes nothing.
 */
#include <stddef.h>

#include "lifecycle.h"

enum { FROM_ACTIVE = JOB_NSTATES, FROM_FINAL, FROM_ANY };
#define TO_SAME		JOB_NSTATES	/* the job keeps its state */
#define TO_BY_EXIT	(JOB_NSTATES + 1)	/* COMPLETED or FAILED by the status */

static const struct row {
	int from;
	enum job_event event;
	int to;
	const char *reason;
	unsigned actions;
} table[] = {
	{ JOB_PENDING, EV_PLACE, JOB_LAUNCHING, NULL, ACT_COMMIT | ACT_TAKE | ACT_LAUNCH },
	{ JOB_PENDING, EV_ADOPT, JOB_LAUNCHING, NULL, ACT_COMMIT | ACT_TAKE | ACT_RECONCILE },
	{ JOB_LAUNCHING, EV_UNPLACE, JOB_PENDING, NULL, ACT_RELEASE },
	{ JOB_PENDING, EV_CANCEL, JOB_CANCELLED, "cancelled",
	    ACT_COMMIT | ACT_STAMP_END | ACT_NOTIFY },
	{ JOB_PENDING, EV_NEVER, JOB_CANCELLED, "DependencyNeverSatisfied",
	    ACT_COMMIT | ACT_STAMP_END | ACT_NOTIFY },
	/* A hold only keeps a pending job from starting: its state stays,
	 * its reason is the hold's (the caller says whose: JobHeldAdmin). */
	{ JOB_PENDING, EV_HOLD, JOB_PENDING, "JobHeldUser", ACT_COMMIT | ACT_HOLD },
	{ JOB_PENDING, EV_RELEASE, JOB_PENDING, NULL, ACT_COMMIT | ACT_UNHOLD },
	{ JOB_LAUNCHING, EV_START, JOB_RUNNING, NULL, ACT_COMMIT | ACT_STAMP_START },
	/* An exit whose start was never heard of: it started then too. */
	{ FROM_ACTIVE, EV_EXIT, TO_BY_EXIT, NULL,
	    ACT_COMMIT | ACT_STAMP_START | ACT_STAMP_END | ACT_RELEASE | ACT_NOTIFY },
	{ FROM_ACTIVE, EV_LAUNCH_FAIL, JOB_FAILED, "launch failed",
	    ACT_COMMIT | ACT_STAMP_END | ACT_RELEASE | ACT_NOTIFY },
	{ FROM_ACTIVE, EV_LAUNCH_LOST, JOB_FAILED, "launch interrupted",
	    ACT_COMMIT | ACT_STAMP_END | ACT_KILL },
	{ FROM_ACTIVE, EV_CANCEL, JOB_CANCELLED, "cancelled",
	    ACT_COMMIT | ACT_STAMP_END | ACT_KILL },
	{ JOB_RUNNING, EV_TIMEOUT, JOB_TIMEOUT, "time limit reached",
	    ACT_COMMIT | ACT_STAMP_END | ACT_KILL },
	{ FROM_ACTIVE, EV_NODE_LOST, JOB_NODE_FAIL, "node failure",
	    ACT_COMMIT | ACT_STAMP_END | ACT_RELEASE | ACT_NOTIFY },
	/* A new attempt: never beside the old one (see above). */
	{ FROM_ACTIVE, EV_REQUEUE, JOB_REQUEUED, "requeued", ACT_COMMIT | ACT_KILL },
	{ FROM_ACTIVE, EV_NODE_REQUEUE, JOB_PENDING, NULL,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE },
	/* A service's attempt ended and its policy starts another (svc.h):
	 * its processes are gone, it waits out its backoff.  Not final, so no
	 * time is stamped: the attempt's record takes its start as heard and
	 * the event's time as its end, as a node failure's requeue does. */
	{ FROM_ACTIVE, EV_RESTART, JOB_PENDING, "BackOff",
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE },
	{ JOB_REQUEUED, EV_EXIT, JOB_PENDING, NULL, ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE },
	{ JOB_REQUEUED, EV_LAUNCH_FAIL, JOB_PENDING, NULL, ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE },
	{ JOB_REQUEUED, EV_GONE, JOB_PENDING, NULL, ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE },
	{ JOB_REQUEUED, EV_NODE_LOST, JOB_PENDING, NULL, ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE },
	{ JOB_REQUEUED, EV_CANCEL, JOB_CANCELLED, "cancelled",
	    ACT_COMMIT | ACT_STAMP_END | ACT_KILL },
	/* An ended job whose processes are gone (the caller checks it holds
	 * nothing): pending again at once. */
	{ FROM_FINAL, EV_REQUEUE, JOB_PENDING, NULL, ACT_COMMIT | ACT_REQUEUE },
	/* Ended by the controller, now confirmed gone on its node (or its node
	 * is gone: herdd restarted without it in hosts.ini). */
	{ FROM_FINAL, EV_EXIT, TO_SAME, NULL, ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY },
	{ FROM_FINAL, EV_LAUNCH_FAIL, TO_SAME, NULL, ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY },
	{ FROM_FINAL, EV_GONE, TO_SAME, NULL, ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY },
	{ FROM_FINAL, EV_NODE_LOST, TO_SAME, NULL, ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY },
};

static const char *event_names[EV_NEVENTS] = {
	"place", "start", "exit", "launch-fail", "launch-lost", "cancel", "timeout",
	"node-lost", "gone", "never", "requeue", "node-requeue", "hold", "release",
	"adopt", "unplace", "restart",
};

const char *job_event_name(enum job_event e)
{
	return (unsigned)e < EV_NEVENTS ? event_names[e] : "unknown";
}

static int from_matches(int from, enum job_state s)
{
	switch (from) {
	case FROM_ACTIVE: return s == JOB_LAUNCHING || s == JOB_RUNNING;
	case FROM_FINAL: return job_state_is_final(s);
	case FROM_ANY: return 1;
	default: return from == (int)s;
	}
}

int lifecycle_step(enum job_state from, enum job_event event, int exit_status,
    struct job_step *out)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct row *r = &table[i];
		if (r->event != event || !from_matches(r->from, from))
			continue;
		if (r->to == TO_SAME)
			out->to = from;
		else if (r->to == TO_BY_EXIT)
			out->to = exit_status == 0 ? JOB_COMPLETED : JOB_FAILED;
		else
			out->to = (enum job_state)r->to;
		out->reason = r->to == TO_BY_EXIT && exit_status != 0 ? "NonZeroExitCode" : r->reason;
		out->actions = r->actions;
		return 0;
	}
	return -1;
}

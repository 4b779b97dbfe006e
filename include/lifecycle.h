/*
 * lifecycle.h — the one table of a job's transitions: (state, event) ->
 * (new state, reason, actions).  The controller, the database restore and
 * the tests all go through lifecycle_step(); a new state, event or reason
 * is a row here, not an edit in four places.
 *
 * Pure: it decides, the caller acts.  Actions come in the order the caller
 * must take them: the commit always before anything that leaves the
 * controller (a launch, a kill), so a crash in between is recovered from
 * the database.  The one step without a commit is EV_UNPLACE: it undoes in
 * memory a placement the database never took.
 *
 * Every change of a job's state, its start and end times and the resources
 * it holds is a row here; nothing else in the controller sets them.
 */
#ifndef HERD_LIFECYCLE_H
#define HERD_LIFECYCLE_H

#include "job.h"

enum job_event {
	EV_PLACE,		/* the scheduler gave it a node */
	EV_START,		/* the node says its process runs */
	EV_EXIT,		/* the node says it exited (status in the job) */
	EV_LAUNCH_FAIL,		/* it could not start (directory, output file) */
	EV_LAUNCH_LOST,		/* its launch was interrupted and cannot be resumed */
	EV_CANCEL,		/* a user cancelled it */
	EV_TIMEOUT,		/* over its time limit */
	EV_NODE_LOST,		/* its node rebooted, or its files vanished */
	EV_GONE,		/* the node confirms nothing of it runs any more */
	EV_NEVER,		/* its dependency can never be satisfied */
	EV_REQUEUE,		/* a user asked for a new attempt (herd requeue) */
	EV_NODE_REQUEUE,	/* as EV_NODE_LOST, for an active job that allows a requeue */
	EV_HOLD,		/* herd hold: it may not start until released */
	EV_RELEASE,		/* herd release */
	EV_ADOPT,		/* a node has it launched, the database had it pending (lost commits) */
	EV_UNPLACE,		/* its placement's commit failed: back to what the database says */
	EV_RESTART,		/* a service's attempt exited and its policy restarts it */
	EV_NEVENTS
};

enum {
	ACT_COMMIT = 1 << 0,	/* write the job to the database */
	ACT_LAUNCH = 1 << 1,	/* send the launch program (after the commit) */
	ACT_KILL = 1 << 2,	/* signal its processes; keep its resources until EV_GONE */
	ACT_RELEASE = 1 << 3,	/* give its node resources back */
	ACT_NOTIFY = 1 << 4,	/* it is over: tell waiters, log its end */
	ACT_REQUEUE = 1 << 5,	/* its attempt is over and gone: record the attempt, and
				 * the job is PENDING as the next one (in the commit) */
	ACT_HOLD = 1 << 6,	/* mark it held (by its owner, or by root: JobHeldAdmin) */
	ACT_UNHOLD = 1 << 7,	/* take its hold off */
	ACT_TAKE = 1 << 8,	/* take the node resources the event names; its launch wait
				 * starts now */
	ACT_RECONCILE = 1 << 9,	/* ask its node what became of it (after the commit) */
	ACT_STAMP_START = 1 << 10,	/* its start time is the event's, unless known */
	ACT_STAMP_END = 1 << 11,	/* its end time is the event's (never before its start) */
};

struct job_step {
	enum job_state to;
	const char *reason;	/* NULL: none (or computed by the caller, e.g. a launch failure) */
	unsigned actions;	/* ACT_* */
};

/*
 * The step for `event` on a job in state `from`; `exit_status` matters for
 * EV_EXIT (0: COMPLETED, else FAILED).  -1 when the event does not apply
 * in that state (a late answer for a job that already ended): the caller
 * then changes nothing.
 */
int lifecycle_step(enum job_state from, enum job_event event, int exit_status,
    struct job_step *out);

const char *job_event_name(enum job_event e);

#endif

/*
 * ctl_event.c — applying the lifecycle table's steps to the controller's
 * jobs: the one place a job's state, its start and end times and the node
 * resources it holds change.
 *
 * Theory of operation: lifecycle_step() (lifecycle.c) decides, for a job's
 * state and an event, the new state and the actions; this file takes them,
 * in the table's order.  A step is three parts: what it changes in memory
 * (apply: times, resources, state, a new attempt), its commit (alone, with
 * the old attempt's record, or in the caller's batch), and what it then
 * sends out (a launch, a kill, a question to the node, the job's end to its
 * waiters).  ctl_event() takes all three at once; a scheduling pass applies
 * every placement, commits them in one transaction and only then acts
 * (ctl_place_apply, ctl_place_act), or undoes them when the commit fails
 * (EV_UNPLACE).  In a turn of the main loop the commit joins the turn's
 * transaction and the sending out waits for its commit (ctl_batch.c).
 *
 * The rules that are not the table's: an ended job holding nothing takes
 * only a requeue (anything else is a late answer), and a kill of a job
 * that holds nothing is needless: it is over at once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "ctl_place.h"
#include "eligible.h"
#include "lifecycle.h"
#include "log.h"
#include "svc_health.h"
#include "util.h"

/* What comes with an event besides its kind. */
struct ev_arg {
	int status;		/* EV_EXIT, EV_LAUNCH_FAIL: the node's exit status */
	const char *reason;	/* NULL: the table's */
	int64_t when;		/* wall seconds it happened; 0 (or in the future): now */
	int node;		/* ACT_TAKE: where */
	uint64_t gpu_mask;	/* ACT_TAKE: which GPUs, by position in the node's list */
};

/* ---- resources ---- */

static void take(struct ctl *c, struct job *j, int node, uint64_t mask)
{
	struct node *n = &c->nodes[node];
	char uuids[PROBE_MAX_GPUS * GPU_UUID_MAX];
	j->node = (int16_t)node;
	j->gpu_mask = mask;
	j->held = 1;
	/* What the GPUs are known by from now on (gpu.h). */
	intern_release(j->gpu_uuids);
	j->gpu_uuids = NULL;
	if (mask != 0 && gpu_mask_uuids(n->probe.gpus, n->probe.ngpus, mask, uuids,
	    sizeof uuids) == 0 && uuids[0] != '\0')
		j->gpu_uuids = intern(uuids);
	j->pid = 0;	/* this launch's: from its start event */
	ctl_place_take(n, j);	/* --hint=nomultithread, --mem=0: this node's figures */
	n->cpus_used += j->cpus;
	n->mem_used_mb += (int64_t)j->mem_mb;
	n->gpu_used |= mask;
}

/* A job restored on a node hosts.ini no longer has holds nothing to give back. */
static void release_resources(struct ctl *c, struct job *j)
{
	if (!j->held)
		return;
	if (j->node >= 0) {
		struct node *n = &c->nodes[j->node];
		n->cpus_used -= j->cpus;
		n->mem_used_mb -= (int64_t)j->mem_mb;
		n->gpu_used &= ~j->gpu_mask;
		if (j->gpu_share)
			ctl_gpushare_release(c, n, j);
	}
	j->held = 0;
	j->kill_stage = 0;
	c->sched_needed = 1;
}

/* ---- the step ---- */

/* The step `ev` takes on j, or -1: none (a late or repeated answer). */
static int decide(const struct job *j, enum job_event ev, int status, struct job_step *st)
{
	if (lifecycle_step((enum job_state)j->state, ev, status, st) != 0 ||
	    (job_state_is_final((enum job_state)j->state) && !j->held && ev != EV_REQUEUE))
		return -1;
	if ((st->actions & ACT_KILL) && !j->held)
		st->actions = (st->actions & ~ACT_KILL) | ACT_RELEASE | ACT_NOTIFY;
	return 0;
}

/* The attempt ACT_REQUEUE ends, as its record is written with the next one. */
struct old_attempt {
	struct attempt_row row;
	char gl[512];		/* its GPU list */
};

/*
 * How it ended: a requeued attempt REQUEUED, one lost with its node
 * NODE_FAIL, an ended job's requeue its final state, a restarted
 * service's by its exit status; when, if it never
 * became final: the event's time.
 */
static void record_attempt(struct ctl *c, const struct job *j, enum job_event ev,
    const char *reason, int64_t when, struct old_attempt *o)
{
	enum job_state from = (enum job_state)j->state;
	struct attempt_row *a = &o->row;
	ctl_gpu_list(c, j, o->gl, sizeof o->gl);
	memset(a, 0, sizeof *a);
	a->job_id = j->id;
	a->attempt = j->attempt;
	a->node = j->node >= 0 ? (char *)c->nodes[j->node].conf->name : NULL;
	a->gpu_list = o->gl[0] != '\0' ? o->gl : NULL;
	a->start_time = j->start_time;
	a->end_time = j->end_time != 0 ? j->end_time : when;
	a->state = from == JOB_LAUNCHING || from == JOB_RUNNING ? JOB_NODE_FAIL : (int)from;
	if (ev == EV_RESTART)	/* a service's attempt, ended by its own exit */
		a->state = j->exit_code == 0 ? JOB_COMPLETED : JOB_FAILED;
	a->exit_code = j->exit_code;
	a->reason = (char *)reason;
	log_info("job %" PRId64 ": attempt %d ended %s%s%s; attempt %d pending", j->id, j->attempt,
	    job_state_name((enum job_state)a->state), a->node ? " on " : "", a->node ? a->node : "",
	    j->attempt + 1);
}

/* The next attempt: pending, nothing of the old one about it. */
static void new_attempt(struct job *j)
{
	j->reason = NULL;
	j->attempt++;
	j->start_time = j->end_time = 0;
	j->exit_code = -1;
	j->kill_stage = 0;
	j->doubted = 0;
	j->check_at_ms = 0;
	j->svc_port = 0;	/* herd service --port: each attempt picks its own */
	/* Not up until its check passes again (a rolling restart waits for
	 * that); UNHEALTHY stays, ls shows why it restarted. */
	if (j->svc_health == SVC_HEALTH_HEALTHY)
		j->svc_health = SVC_HEALTH_STARTING;
}

/*
 * What a step changes in memory, in the order its commit must see it;
 * with ACT_REQUEUE the old attempt's record is filled in `old`.
 */
static void apply(struct ctl *c, struct job *j, enum job_event ev, const struct job_step *st,
    const struct ev_arg *a, struct old_attempt *old)
{
	int64_t now = ctl_now_wall(c), when = a->when > 0 && a->when < now ? a->when : now;

	if ((ev == EV_EXIT || ev == EV_LAUNCH_FAIL || ev == EV_RESTART) &&
	    (!job_state_is_final((enum job_state)j->state) || j->exit_code == -1))
		j->exit_code = a->status;
	if ((st->actions & ACT_STAMP_START) && j->start_time == 0)
		j->start_time = when;
	if (st->actions & ACT_STAMP_END)
		j->end_time = when < j->start_time ? j->start_time : when;
	if (st->actions & ACT_REQUEUE) {
		record_attempt(c, j, ev, a->reason != NULL ? a->reason : j->reason, when, old);
		/* The attempt's GPU time is the user's, as a job's is at its end
		 * (one already over was charged then). */
		if (!job_state_is_final((enum job_state)j->state))
			ctl_share_charge(c, j, j->start_time, old->row.end_time);
	}
	if (st->actions & ACT_TAKE) {
		take(c, j, a->node, a->gpu_mask);
		j->check_at_ms = 0;
		j->launch_since_ms = ctl_now_ms(c);
	}
	if (st->actions & ACT_RELEASE)
		release_resources(c, j);
	if (st->to != j->state) {
		c->changes++;
		j->state = (uint8_t)st->to;
		j->reason = a->reason != NULL ? a->reason : st->reason;
	}
	if (st->actions & ACT_REQUEUE)
		new_attempt(j);
	if (j->state == JOB_PENDING) {	/* on no node */
		ctl_place_unplace(j);	/* its request, for wherever it goes next */
		j->node = -1;
		j->gpu_mask = 0;
		j->gpus_by_index = 0;
		intern_release(j->gpu_uuids);
		j->gpu_uuids = NULL;
		j->pid = 0;
	}
	ctl_arm(c, j);	/* its state, start, node or kill moved its deadline */
}

/*
 * A job is over once it is final and holds nothing: its exit status is
 * whatever the node said, or never will be known.  Waiters hear of it now,
 * not at the cancel or time limit that ended it.
 */
static void job_over(struct ctl *c, const struct job *j)
{
	char ec[32];
	job_exit_format(j->exit_code, ec, sizeof ec);
	log_info("job %" PRId64 " ended %s%s%s, exit %s%s%s", j->id, job_state_name(j->state),
	    j->node >= 0 ? " on " : "", j->node >= 0 ? c->nodes[j->node].conf->name : "", ec,
	    j->reason ? ", " : "", j->reason ? j->reason : "");
	ctl_share_job_end(c, j);	/* its usage, for fair share */
	if (c->on_job_end != NULL)
		c->on_job_end(c->on_job_end_arg, j);
}

/* An end the controller decided: final now, its resources kept until the
 * node confirms the processes gone (a restart goes on killing it). */
static void start_killing(struct ctl *c, struct job *j)
{
	j->kill_stage = 1;
	j->kill_at_ms = ctl_now_ms(c) + c->cfg->kill_grace_s * 1000LL;
	ctl_arm(c, j);
	ctl_send_kill(c, j, "TERM");
}

void ctl_launch(struct ctl *c, struct job *j)
{
	if (ctl_launch_send(c, j) != 0)
		ctl_event(c, j, EV_LAUNCH_FAIL, 1, "launch failed: the launch program could not be built");
}

void ctl_act(struct ctl *c, struct job *j, unsigned actions)
{
	if (actions & ACT_LAUNCH)
		ctl_launch(c, j);
	if (actions & ACT_RECONCILE)
		ctl_reconcile_job(c, j);
	if (actions & ACT_KILL)
		start_killing(c, j);
	if (actions & ACT_NOTIFY)
		job_over(c, j);
}

/* What a committed step sends out: now, or in a loop turn once the turn's
 * transaction is committed (ctl_batch.c). */
static void act(struct ctl *c, struct job *j, const struct job_step *st)
{
	unsigned out = st->actions & (ACT_LAUNCH | ACT_RECONCILE | ACT_KILL | ACT_NOTIFY);
	if (out != 0 && !ctl_defer(c, j, out))
		ctl_act(c, j, out);
}

/*
 * ACT_HOLD, ACT_UNHOLD: a user's answer, so acknowledged only once stored
 * (durable now, not at the end of the loop's turn).
 * A failed commit puts the hold back (-2): the job is what the database
 * says, and the user hears the hold did not happen.  The reason says whose
 * hold it is (JobHeldAdmin: root's, which only root releases).
 */
static int apply_hold(struct ctl *c, struct job *j, const struct job_step *st, const char *reason)
{
	const char *why = reason != NULL ? reason : st->reason;
	uint8_t old = j->hold;
	if (st->actions & ACT_UNHOLD)
		j->hold = JOB_HOLD_NONE;
	else
		j->hold = why != NULL && strcmp(why, "JobHeldAdmin") == 0 ? JOB_HOLD_ADMIN :
		    JOB_HOLD_USER;
	if (j->hold == old)
		return 0;
	if (ctl_commit_job_now(c, j) != 0) {
		j->hold = old;
		return -2;
	}
	c->sched_needed = 1;
	return 0;
}

/* A service's exit: its restart policy may make it a restart (ctl_svc.c). */
static enum job_event service_exit(struct ctl *c, struct job *j, enum job_event ev,
    struct ev_arg *a, int *crashloop)
{
	const char *why = NULL;
	if (ev != EV_EXIT || j->svc_name == NULL ||
	    (j->state != JOB_LAUNCHING && j->state != JOB_RUNNING))
		return ev;
	ev = ctl_svc_exit(c, j, a->status, &why);
	if (why != NULL) {
		a->reason = why;
		*crashloop = 1;
	}
	return ev;
}

static int event(struct ctl *c, struct job *j, enum job_event ev, const struct ev_arg *arg)
{
	struct job_step st;
	struct old_attempt old;
	enum job_state from = (enum job_state)j->state;
	struct ev_arg a0 = *arg, *a = &a0;
	int crashloop = 0;

	ev = service_exit(c, j, ev, a, &crashloop);
	if (decide(j, ev, a->status, &st) != 0)
		return -1;
	if (crashloop)
		st.to = JOB_FAILED;	/* even after an exit 0 (--restart always) */
	if (st.actions & (ACT_HOLD | ACT_UNHOLD))
		return apply_hold(c, j, &st, a->reason);
	apply(c, j, ev, &st, a, &old);
	c->evict_due = 1;	/* it may have ended or let go of its node */
	if (st.to != from)
		c->deps_dirty = c->sched_needed = 1;	/* a dependency on it may change */
	if (st.actions & ACT_REQUEUE) {
		/* One commit: a restart sees the old attempt or the new one. */
		if (ctl_commit_attempt(c, j, &old.row) != 0)
			log_error("job %" PRId64 ": attempt %d not recorded: %s", j->id,
			    old.row.attempt, c->db_error);
		c->sched_needed = 1;
	} else if ((st.actions & ACT_COMMIT) && ctl_commit_job(c, j) != 0)
		log_error("job %" PRId64 ": state %s not recorded yet; written again later",
		    j->id, job_state_name(j->state));
	ctl_notify_step(c, j, ev, from, st.actions);	/* sent after the turn's commit */
	act(c, j, &st);
	return 0;
}

int ctl_event(struct ctl *c, struct job *j, enum job_event ev, int exit_status,
    const char *reason)
{
	struct ev_arg a = { .status = exit_status, .reason = reason, .node = -1 };
	return event(c, j, ev, &a);
}

int ctl_event_at(struct ctl *c, struct job *j, enum job_event ev, int exit_status,
    const char *reason, int64_t when)
{
	struct ev_arg a = { .status = exit_status, .reason = reason, .when = when, .node = -1 };
	return event(c, j, ev, &a);
}

/*
 * A node has files of a job that the database knows as pending: its
 * launch was committed, acted on and then lost (a power cut of the state
 * disk).  It is taken back on that node with the GPUs its runner recorded
 * (by UUID; a runner of an older release: by nvidia-smi index), as
 * LAUNCHING, and the node is asked about it.
 */
void ctl_adopt(struct ctl *c, struct job *j, struct node *n, const char *gpu_indices,
    const char *gpu_uuids)
{
	struct ev_arg a = { .node = n->idx };
	a.gpu_mask = ctl_gpu_mask_of(n, gpu_uuids, gpu_indices);
	if (event(c, j, EV_ADOPT, &a) == 0)
		log_warn("job %" PRId64 " was launched on %s but the database had lost it; adopted",
		    j->id, n->conf->name);
}

/* ---- a scheduling pass's placements, committed together ---- */

int ctl_place_apply(struct ctl *c, struct job *j, int node, uint64_t gpu_mask,
    struct job_step *st)
{
	struct ev_arg a = { .node = node, .gpu_mask = gpu_mask };
	if (decide(j, EV_PLACE, 0, st) != 0) {
		log_error("job %" PRId64 ": placed while %s; left as it is", j->id,
		    job_state_name((enum job_state)j->state));
		return -1;
	}
	apply(c, j, EV_PLACE, st, &a, NULL);
	return 0;
}

void ctl_place_act(struct ctl *c, struct job *j, const struct job_step *st)
{
	act(c, j, st);
}

void ctl_place_undo(struct ctl *c, struct job *j)
{
	struct job_step st;
	struct ev_arg a = { .node = -1 };
	if (decide(j, EV_UNPLACE, 0, &st) == 0)
		apply(c, j, EV_UNPLACE, &st, &a, NULL);
}

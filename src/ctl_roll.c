/*
 * ctl_roll.c — the controller's side of `herd service restart NAME`: a
 * rolling restart of a service's replicas, one at a time.
 *
 * Theory of operation: the request marks each of the service's active
 * replicas WAITING (svc_roll, stored with the job in one commit before
 * the answer), so a controller restart finds the roll and goes on.  Then
 * every tick (ctl_tick, once a second) and once at the request, each
 * service with a mark gathers its replicas and asks svc_roll_next()
 * (svc_roll.c, pure) for one step: choose the next replica and drain it
 * (herd port-forward stops sending it new connections), stop it as a
 * requeue once its drain is over (EV_REQUEUE: the attempt is in herd
 * history, the restart policy's window is not touched, it is PENDING as
 * its next attempt once its node confirms it gone, and the scheduler
 * starts it again), wait until it is up (RUNNING, and HEALTHY with a
 * check), clear its mark, go on.  A roll is refused while one goes on
 * (one roll at a time per service: simple to reason about, and asking
 * again is no way to speed one up).
 *
 * What is only in memory: each drain's deadline (a restart stops a
 * DRAINING replica at once) and whether any roll is stored at all, which
 * the first tick learns by scanning the jobs; after that, ticks cost
 * nothing while no roll goes on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"
#include "log.h"
#include "svc.h"
#include "svc_roll.h"
#include "util.h"

struct drain {
	int64_t job, until_ms;
};

struct ctl_rolls {
	int scanned;		/* start-up's scan for stored rolls done */
	int active;		/* a replica has a mark: ticks look */
	struct drain *d;
	size_t nd, capd;
};

static struct ctl_rolls *state(struct ctl *c)
{
	if (c->rolls == NULL)
		c->rolls = xcalloc(1, sizeof *c->rolls);
	return c->rolls;
}

void ctl_roll_free(struct ctl *c)
{
	if (c->rolls == NULL)
		return;
	free(c->rolls->d);
	free(c->rolls);
	c->rolls = NULL;
}

static int64_t drain_until(struct ctl_rolls *r, int64_t job)
{
	for (size_t i = 0; i < r->nd; i++)
		if (r->d[i].job == job)
			return r->d[i].until_ms;
	return 0;	/* not known (a restart): at once */
}

static void drain_set(struct ctl_rolls *r, int64_t job, int64_t until_ms)
{
	for (size_t i = 0; i < r->nd; i++)
		if (r->d[i].job == job) {
			r->d[i].until_ms = until_ms;
			return;
		}
	if (r->nd == r->capd) {
		r->capd = r->capd ? r->capd * 2 : 4;
		r->d = xreallocarray(r->d, r->capd, sizeof *r->d);
	}
	r->d[r->nd++] = (struct drain){ job, until_ms };
}

static void drain_forget(struct ctl_rolls *r, int64_t job)
{
	for (size_t i = 0; i < r->nd; i++)
		if (r->d[i].job == job) {
			r->d[i] = r->d[--r->nd];
			return;
		}
}

/* ---- a service's replicas ---- */

/* One of uid's service name's jobs still to be counted: active, or ended
 * but still being stopped. */
static int member(const struct job *j, uid_t uid, const char *name)
{
	return j->svc_name != NULL && j->uid == uid && strcmp(j->svc_name, name) == 0 &&
	    (!job_state_is_final((enum job_state)j->state) || j->held);
}

static int replica_no(const struct job *j)
{
	return j->array_task_id >= 0 ? j->array_task_id : 0;
}

/* Its jobs in replica order (an array's record with tasks not started
 * yet last: it stands for them, pending); how many, at most max. */
static size_t gather(struct ctl *c, uid_t uid, const char *name, struct job **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->njobs && n < max; i++)
		if (member(c->jobs[i], uid, name))
			out[n++] = c->jobs[i];
	for (size_t i = 1; i < n; i++)	/* insertion sort: at most 17 */
		for (size_t k = i; k > 0; k--) {
			struct job *a = out[k - 1], *b = out[k];
			int ka = ctl_array_pending(a) && a->array_task_id < 0 ? 1 << 20 : replica_no(a);
			int kb = ctl_array_pending(b) && b->array_task_id < 0 ? 1 << 20 : replica_no(b);
			if (ka <= kb)
				break;
			out[k - 1] = b;
			out[k] = a;
		}
	return n;
}

#define ROLL_MEMBERS_MAX (SVC_REPLICAS_MAX + 1)

/* ---- the request ---- */

int ctl_svc_restart(struct ctl *c, uid_t uid, const char *name, int *replicas, char *err,
    size_t errsz)
{
	struct job *m[ROLL_MEMBERS_MAX];
	size_t n = gather(c, uid, name, m, ROLL_MEMBERS_MAX), marked = 0;
	char vis[SVC_NAME_MAX * 4 + 1];
	str_vis(vis, sizeof vis, name);
	for (size_t i = 0; i < n; i++)
		if (m[i]->svc_roll != SVC_ROLL_NONE) {
			snprintf(err, errsz, "service %s is being restarted already (replica %d is "
			    "%s); a new restart is refused until that one is over", vis,
			    replica_no(m[i]), m[i]->svc_roll == SVC_ROLL_WAITING ? "waiting its turn" :
			    "restarting");
			return -1;
		}
	for (size_t i = 0; i < n; i++)
		if (!job_state_is_final((enum job_state)m[i]->state) &&
		    !(ctl_array_pending(m[i]) && m[i]->array_task_id < 0)) {
			m[i]->svc_roll = SVC_ROLL_WAITING;
			ctl_commit_job(c, m[i]);
			marked++;
		}
	if (marked == 0) {
		snprintf(err, errsz, "you have no running service named %s", vis);
		return -1;
	}
	if (ctl_batch_commit(c) != 0) {
		for (size_t i = 0; i < n; i++)
			m[i]->svc_roll = SVC_ROLL_NONE;
		snprintf(err, errsz, "cannot store the restart: %s", db_errmsg(c->db));
		return -1;
	}
	*replicas = (int)m[0]->svc_replicas > 0 ? (int)m[0]->svc_replicas : 1;
	log_info("service %s of uid %u: rolling restart of %zu replicas", vis, (unsigned)uid,
	    marked);
	state(c)->active = 1;
	ctl_roll_tick(c);
	return 0;
}

/* ---- the steps ---- */

static void apply(struct ctl *c, struct job **m, const struct svc_roll_step *st, size_t n)
{
	struct ctl_rolls *r = state(c);
	struct job *j = m[st->index];
	switch (st->act) {
	case SVC_ROLL_DRAIN:
		j->svc_roll = SVC_ROLL_DRAINING;
		drain_set(r, j->id, ctl_now_ms(c) + SVC_ROLL_DRAIN_MS);
		ctl_commit_job(c, j);
		log_info("service %s: replica %d (job %" PRId64 ") drained for its restart",
		    j->svc_name, replica_no(j), j->id);
		break;
	case SVC_ROLL_STOP:
		drain_forget(r, j->id);
		j->svc_roll = SVC_ROLL_RESTARTED;	/* committed with the requeue */
		if (ctl_event(c, j, EV_REQUEUE, 0, "restart") != 0) {
			j->svc_roll = SVC_ROLL_NONE;	/* not running now: nothing to restart */
			ctl_commit_job(c, j);
		} else
			log_info("service %s: replica %d (job %" PRId64 ") restarted (attempt %d)",
			    j->svc_name, replica_no(j), j->id, j->attempt);
		break;
	case SVC_ROLL_CLEAR:
		j->svc_roll = SVC_ROLL_NONE;
		ctl_commit_job(c, j);
		break;
	case SVC_ROLL_ABORT:
		log_warn("service %s: replica %d (job %" PRId64 ") ended (%s) in its restart; the "
		    "rolling restart stops", j->svc_name, replica_no(j), j->id,
		    job_state_name((enum job_state)j->state));
		for (size_t i = 0; i < n; i++)
			if (m[i]->svc_roll != SVC_ROLL_NONE) {
				drain_forget(r, m[i]->id);
				m[i]->svc_roll = SVC_ROLL_NONE;
				ctl_commit_job(c, m[i]);
			}
		break;
	default:
		break;
	}
}

/* Service j's roll: steps while they change something; 1 still going on. */
static int roll_one(struct ctl *c, const struct job *j)
{
	struct job *m[ROLL_MEMBERS_MAX];
	struct svc_replica rep[ROLL_MEMBERS_MAX];
	struct svc_roll_step st;
	uid_t uid = j->uid;
	const char *name = j->svc_name;
	for (int guard = 0; guard < 4 * ROLL_MEMBERS_MAX; guard++) {
		size_t n = gather(c, uid, name, m, ROLL_MEMBERS_MAX);
		for (size_t i = 0; i < n; i++)
			rep[i] = (struct svc_replica){ m[i]->state, m[i]->svc_health, m[i]->svc_roll,
				drain_until(c->rolls, m[i]->id) };
		svc_roll_next(rep, n, ctl_now_ms(c), &st);
		if (st.act == SVC_ROLL_IDLE)
			return 0;
		if (st.act == SVC_ROLL_WAIT)
			return 1;
		apply(c, m, &st, n);
		if (st.act == SVC_ROLL_DRAIN || st.act == SVC_ROLL_STOP)
			return 1;	/* the next step waits for the clock or the node */
	}
	return 1;
}

void ctl_roll_tick(struct ctl *c)
{
	struct ctl_rolls *r = state(c);
	if (r->scanned && !r->active)
		return;
	r->scanned = 1;
	r->active = 0;
	/* Each service once: at its lowest job with a mark. */
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j->svc_roll == SVC_ROLL_NONE || j->svc_name == NULL)
			continue;
		int first = 1;
		for (size_t k = 0; k < i && first; k++)
			first = !(c->jobs[k]->svc_roll != SVC_ROLL_NONE && c->jobs[k]->uid == j->uid &&
			    c->jobs[k]->svc_name != NULL && strcmp(c->jobs[k]->svc_name, j->svc_name) == 0);
		if (first && roll_one(c, j))
			r->active = 1;
	}
}

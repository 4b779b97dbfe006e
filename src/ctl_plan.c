/*
 * ctl_plan.c — what the last scheduling pass said about the pending jobs:
 * each job's reason, and where and when the jobs it planned are expected
 * to start (`herd queue --start`, `herd show`).
 *
 * Theory of operation: the pass (sched.c) returns a reason for every job
 * it looked at and up to hosts.ini's `reservations` reservations.  Both
 * are kept in memory only: a reason is one byte in struct job (100,000
 * pending jobs cost 100 kB, and no write), the reservations a small table
 * in struct ctl, replaced by every pass.  The pass runs after every change
 * that can move the plan (a submit, an end, a node's answer, a reload), so
 * what it said stays current; a restart's first pass says it again.  A
 * job the pass did not reach keeps reason 0 and reads as Priority.  What
 * keeps a job from being a candidate at all (held, begin time, dependency,
 * partition, array throttle) is not stored here: ctl_pending_reason asks
 * for it first, and its own state says it.
 */
#include "ctl_internal.h"

void ctl_plan_record(struct ctl *c, struct job **cand, size_t nc, struct job **pend, size_t np,
    const uint8_t *why, const struct sched_plan *p)
{
	for (size_t i = 0; i < nc; i++)
		cand[i]->sched_why = SCHED_R_NONE;
	/* An array's record has an entry per task: the first one left waiting
	 * says why the record still waits. */
	for (size_t i = 0; i < np; i++)
		if (pend[i]->sched_why == SCHED_R_NONE)
			pend[i]->sched_why = why[i];
	c->nresv = 0;
	for (int r = 0; r < p->nresv && r < SCHED_RESV_MAX; r++) {
		const struct sched_reservation *v = &p->resv[r];
		c->resv[c->nresv++] = (struct ctl_resv){ pend[v->job]->id, v->node, v->start,
		    v->after };
	}
}

const struct ctl_resv *ctl_planned(const struct ctl *c, const struct job *j)
{
	if (j->state != JOB_PENDING || j->sched_why != SCHED_R_RESOURCES)
		return NULL;	/* only a job given a slot has a reservation */
	for (int r = 0; r < c->nresv; r++)
		if (c->resv[r].job == j->id)
			return &c->resv[r];
	return NULL;
}

/*
 * svc_roll.c — which replica of a service serves, and which one a rolling
 * restart stops next (see svc_roll.h).
 *
 * Theory of operation: `herd service restart NAME` marks every replica
 * WAITING; from then on the controller asks svc_roll_next() each tick
 * (and at once after the request) and applies the one step it returns.
 * The rule is Kubernetes' maxUnavailable = 1 with maxSurge = 0 (a lab has
 * no spare GPUs to start a new copy beside the old one): a replica is
 * chosen only when every other one that has not ended is up, it is first
 * drained (left out of new connections for SVC_ROLL_DRAIN_MS, so a
 * forward that asked just before does not land on a stopping process),
 * then requeued, and the next is chosen only once it is RUNNING again and,
 * with a health check, HEALTHY.  Ended replicas are skipped; a restarted
 * replica that ends for good (its attempt failed to start and crash-
 * looped) stops the roll rather than take a second one down.  The marks
 * are stored in each replica's job, so a controller restart goes on where
 * it was (a drain's clock is not stored: a replica found DRAINING stops
 * at once).
 */
#include <string.h>

#include <stdio.h>

#include "arrayspec.h"
#include "job.h"
#include "svc.h"
#include "svc_health.h"
#include "svc_roll.h"

int svc_check_replicas(int replicas, const struct arrayspec *a, char *err, size_t errsz)
{
	uint32_t lo, hi;
	if (replicas < 1 || replicas > SVC_REPLICAS_MAX) {
		snprintf(err, errsz, "replicas: 1 to %d", SVC_REPLICAS_MAX);
		return -1;
	}
	if (replicas == 1 && a == NULL)
		return 0;
	if (replicas == 1 || a == NULL || a->throttle != 0 ||
	    arrayspec_count(a) != (uint64_t)replicas || arrayspec_min(a, &lo) != 0 ||
	    arrayspec_max(a, &hi) != 0 || lo != 0 || hi != (uint32_t)replicas - 1) {
		snprintf(err, errsz, "a service's copies are --replicas N (its tasks 0 to N-1), "
		    "not an --array");
		return -1;
	}
	return 0;
}

int svc_replica_up(int state, int health)
{
	return state == JOB_RUNNING &&
	    (health == SVC_HEALTH_NONE || health == SVC_HEALTH_HEALTHY);
}

int svc_replica_ready(int state, int health, int roll)
{
	return svc_replica_up(state, health) && roll != SVC_ROLL_DRAINING &&
	    roll != SVC_ROLL_RESTARTED;
}

static int ended(const struct svc_replica *r)
{
	return job_state_is_final((enum job_state)r->state);
}

static void step(struct svc_roll_step *out, enum svc_roll_act act, size_t i)
{
	out->act = act;
	out->index = i;
}

void svc_roll_next(const struct svc_replica *r, size_t n, int64_t now_ms,
    struct svc_roll_step *out)
{
	size_t waiting = n, down = 0;
	int any = 0;
	step(out, SVC_ROLL_IDLE, 0);
	for (size_t i = 0; i < n; i++) {
		if (r[i].roll == SVC_ROLL_NONE) {
			down += !ended(&r[i]) && !svc_replica_up(r[i].state, r[i].health);
			continue;
		}
		any = 1;
		if (r[i].roll == SVC_ROLL_RESTARTED) {
			if (svc_replica_up(r[i].state, r[i].health))
				step(out, SVC_ROLL_CLEAR, i);
			else if (ended(&r[i]))
				step(out, SVC_ROLL_ABORT, i);
			else
				step(out, SVC_ROLL_WAIT, i);
			return;
		}
		if (r[i].roll == SVC_ROLL_DRAINING) {
			step(out, now_ms >= r[i].drain_until_ms ? SVC_ROLL_STOP : SVC_ROLL_WAIT, i);
			return;
		}
		if (ended(&r[i])) {
			step(out, SVC_ROLL_CLEAR, i);	/* nothing of it to restart */
			return;
		}
		down += !svc_replica_up(r[i].state, r[i].health);
		if (waiting == n)
			waiting = i;
	}
	if (!any)
		return;
	if (down > 0 || waiting == n)
		step(out, SVC_ROLL_WAIT, 0);
	else
		step(out, SVC_ROLL_DRAIN, waiting);
}

/*
 * ctl_idle.c — idle_timeout: an interactive allocation (herd alloc's or
 * herd run's holder, j->interactive) that nothing uses for its
 * partition's idle_timeout is released, so a forgotten `herd alloc` (its
 * terminal closed while herdd kept the job, or a ssh-config allocation no
 * one connects to) gives its GPUs back.
 *
 * Theory of operation: "in use" is what herdd can see without asking the
 * node anything new: a stream attached to the job (streamwatch.h: herd
 * alloc's shell, herd ssh, an ssh-proxy), or a process on one of the
 * node's GPUs that the last probe ties to the job (foreign_owner: its
 * session, process group, ancestry or HERD_JOB_ID).  Each tick notes when
 * the job was last seen in use (memory only: a restarted herdd starts the
 * clock again, never sooner); after idle_timeout without, the job ends
 * TIMEOUT with a reason that says why, through the lifecycle as the time
 * limit's own end does.  The decision is idle_due(), pure.
 */
#include <inttypes.h>
#include <stdio.h>

#include "config.h"
#include "ctl_internal.h"
#include "foreign.h"
#include "log.h"
#include "partition.h"
#include "streamwatch.h"

int idle_due(int64_t timeout_s, int64_t now, int64_t start, int busy, uint32_t *since)
{
	if (timeout_s <= 0)
		return 0;
	if (*since == 0)	/* first look: idle since it started */
		*since = (uint32_t)(start > 0 && start <= now ? start : now);
	if (busy || now < (int64_t)*since) {
		*since = (uint32_t)now;
		return 0;
	}
	return now - (int64_t)*since >= timeout_s;
}

/* A process on one of the node's GPUs that is the job's, by the last probe. */
static int gpu_busy(const struct node *n, const struct job *j)
{
	struct foreign_job fj = { j->id, j->pid, j->gpu_mask, j->user };
	for (size_t i = 0; i < n->probe.nprocs; i++)
		if (foreign_owner(&n->probe.procs[i], &fj, 1) == 0)
			return 1;
	return 0;
}

void ctl_idle_tick(struct ctl *c, struct job *j, int64_t wall)
{
	char why[160], dur[32];
	if (!j->interactive || j->state != JOB_RUNNING || j->node < 0 || j->kill_stage != 0)
		return;
	const struct node *n = &c->nodes[j->node];
	if (!n->have_probe)
		return;		/* its GPU processes unknown yet (herdd just started) */
	int64_t t = part_idle_timeout(c->cfg, j->partition, n->conf->name);
	int busy = t > 0 && (streamwatch_count(j->id) > 0 || gpu_busy(n, j));
	if (!idle_due(t, wall, j->start_time, busy, &j->idle_since))
		return;
	snprintf(dur, sizeof dur, "%" PRId64 "%s", t % 3600 == 0 ? t / 3600 : t % 60 == 0 ? t / 60 : t,
	    t % 3600 == 0 ? "h" : t % 60 == 0 ? "m" : "s");
	snprintf(why, sizeof why, "idle: no terminal attached and no GPU process for %s "
	    "(idle_timeout)", dur);
	log_info("job %" PRId64 " on %s: %s", j->id, n->conf->name, why);
	ctl_event(c, j, EV_TIMEOUT, 0, intern(why));
}

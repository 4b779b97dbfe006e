/*
 * ctl_idle.c — idle_timeout: an interactive allocation (herd alloc's or
 * herd run's holder, j->interactive) that nothing uses for its
 * partition's idle_timeout is released, so a forgotten `herd alloc` (its
 * terminal closed while herdd kept the job, or a ssh-config allocation no
 * one connects to) gives its GPUs back.
 *
 * Theory of operation: "in use" is what herdd can see without asking the
 * node anything new: bytes either way on a stream into the job
 * (streamwatch.h: herd alloc's shell, herd ssh, an ssh-proxy's session:
 * something typed or printed), or a process on one of the node's GPUs
 * that the last probe ties to the job (foreign_owner: its session, process
 * group, ancestry or HERD_JOB_ID).  A terminal left attached at a silent
 * prompt is not use.  Each tick notes when the job was last seen in use
 * (memory only: a restarted herdd starts the clock again, never sooner);
 * the attached terminals are warned idle_warn_lead() before (a minute, or
 * a tenth of the timeout when that is less), and after idle_timeout
 * without use the job ends TIMEOUT with a reason that says why, through
 * the lifecycle as the time limit's own end does.  The decisions are
 * idle_due() and idle_warn_lead(), pure.
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

int idle_warn_lead(int64_t timeout_s)
{
	int64_t tenth = timeout_s / 10;
	return (int)(tenth < 60 ? (tenth > 0 ? tenth : 1) : 60);
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

static void fmt_dur(char *buf, size_t size, int64_t t)
{
	snprintf(buf, size, "%" PRId64 "%s", t % 3600 == 0 ? t / 3600 : t % 60 == 0 ? t / 60 : t,
	    t % 3600 == 0 ? "h" : t % 60 == 0 ? "m" : "s");
}

/* Its terminals told, once per idle spell, before the release. */
static void warn(struct job *j, int64_t t, int64_t wall, int attached)
{
	char text[STREAMWATCH_WARN_MAX], dur[32];
	int64_t left = (int64_t)j->idle_since + t - wall;
	if (!attached || j->idle_warned || left > idle_warn_lead(t) || left <= 0)
		return;
	fmt_dur(dur, sizeof dur, t);
	snprintf(text, sizeof text, "\r\nherd: job %" PRId64 " is idle (nothing typed or printed, no "
	    "GPU process): released in %" PRId64 " s unless used (idle_timeout %s)\r\n", j->id, left,
	    dur);
	streamwatch_warn(j->id, text);
	j->idle_warned = 1;
}

void ctl_idle_tick(struct ctl *c, struct job *j, int64_t wall)
{
	char why[160], dur[32];
	int used = 0;
	if (!j->interactive || j->state != JOB_RUNNING || j->node < 0 || j->kill_stage != 0)
		return;
	const struct node *n = &c->nodes[j->node];
	if (!n->have_probe)
		return;		/* its GPU processes unknown yet (herdd just started) */
	int64_t t = part_idle_timeout(c->cfg, j->partition, n->conf->name);
	if (t <= 0)
		return;
	int attached = streamwatch_poll(j->id, &used);
	int busy = used || gpu_busy(n, j);
	if (busy)
		j->idle_warned = 0;
	if (!idle_due(t, wall, j->start_time, busy, &j->idle_since)) {
		warn(j, t, wall, attached);
		return;
	}
	fmt_dur(dur, sizeof dur, t);
	snprintf(why, sizeof why, "idle: nothing typed or printed on a terminal and no GPU "
	    "process for %s (idle_timeout)", dur);
	log_info("job %" PRId64 " on %s: %s", j->id, n->conf->name, why);
	ctl_event(c, j, EV_TIMEOUT, 0, intern(why));
}

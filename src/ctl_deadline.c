/*
 * ctl_deadline.c — each active job's next deadline, so that the tick
 * visits only the jobs whose time has come.
 *
 * Theory of operation: what a tick does to a job (ctl_node.c's tick_job:
 * kill escalation, the time limit, the --signal warning, TIME_LIMIT_%
 * notifications, the launch and reconcile checks, a service's restart
 * after its backoff and its health checks) depends on a few of its
 * fields and the clock.  ctl_job_due() says, from those fields alone, the
 * earliest monotonic millisecond at which a visit could do something; the
 * job is kept in a deadline heap (deadheap.c) under that time.  ctl_tick
 * takes out the jobs that are due, visits them and arms them again: a
 * tick costs O(due log n), not O(n), with 10,000 running jobs of which
 * none is due it touches none of them.
 *
 * The rule that keeps it right: a deadline may be early (a visit that does
 * nothing re-arms the job), never late.  So every place that changes a
 * field ctl_job_due() reads arms the job again (ctl_arm): a step of the
 * lifecycle (ctl_event.c's apply, kills), a job added to the table (submit,
 * restore, array tasks), herd update's time limit (ctl_job.c), a check the
 * node's answer asks for (ctl_node.c); an evicted job is taken out.
 *
 * Time limits, --signal and TIME_LIMIT_% marks are wall-clock times; the
 * heap is monotonic.  A wall time is converted with the clocks' offset of
 * the moment, and when the wall clock jumps against the monotonic one
 * (a settime, the test harness moving one clock alone) every job is armed
 * again: a jump forward makes limits due at once, as the old scan did.
 * Wall seconds are whole: a wall deadline is met up to a second late,
 * as it was with the scan of every job each second.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "config.h"
#include "ctl_internal.h"
#include "deadheap.h"
#include "log.h"
#include "mailtype.h"
#include "partition.h"
#include "sigspec.h"

struct ctl_deadlines {
	struct deadheap heap;
	int64_t offset_ms;	/* wall * 1000 - mono when the heap was last armed */
	int64_t since_wall;	/* herdd's start: marks before it are not told */
	int64_t *due;		/* ids taken out by the tick under way */
	size_t ndue, duecap;
	uint64_t visits;	/* jobs visited by ticks, for tests and the bench */
};

static struct ctl_deadlines *state(struct ctl *c)
{
	if (c->deadlines == NULL) {
		c->deadlines = xcalloc(1, sizeof *c->deadlines);
		deadheap_init(&c->deadlines->heap);
		c->deadlines->since_wall = ctl_now_wall(c);
		c->deadlines->offset_ms = ctl_now_wall(c) * 1000 - ctl_now_ms(c);
	}
	return c->deadlines;
}

static int64_t min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* Wall second w on the monotonic clock: now when it has come. */
static int64_t at_wall(const struct job_due_in *in, int64_t w)
{
	return w <= in->wall ? in->now_ms : in->now_ms + (w - in->wall) * 1000;
}

int64_t ctl_job_due(const struct job *j, const struct job_due_in *in)
{
	int64_t due = CTL_DUE_NONE;
	if (j->kill_stage >= 1)
		due = min64(due, j->kill_at_ms);
	if (j->state == JOB_RUNNING && j->time_limit_s > 0) {
		int64_t end = (int64_t)j->start_time + j->time_limit_s;
		due = min64(due, at_wall(in, end));
		if (j->warn_sig != 0 && j->warn_sent != j->attempt && j->node >= 0 &&
		    sigspec_name(j->warn_sig) != NULL)
			due = min64(due, at_wall(in, end - j->warn_time));
		int64_t mark = in->mail_mask == 0 ? 0 :
		    mailtype_next_mark(in->mail_mask, j->start_time, j->time_limit_s, in->looked_wall);
		if (mark > 0)
			due = min64(due, at_wall(in, mark));
	}
	/* A service waiting out its restart backoff (ctl_svc.c): its visit asks
	 * for a scheduling pass the moment its begin time comes. */
	if (j->state == JOB_PENDING && j->svc_name != NULL && (int64_t)j->begin_time > in->wall)
		due = min64(due, at_wall(in, j->begin_time));
	/* A service's next health check (ctl_health.c). */
	int64_t check = ctl_health_due(j);
	if (check != 0)
		due = min64(due, at_wall(in, check));
	/* idle_timeout: use is seen only by looking (streams, the last probe),
	 * so an interactive allocation is looked at every second. */
	if (j->state == JOB_RUNNING && j->interactive && in->idle_timeout_s > 0 && j->node >= 0)
		due = min64(due, in->now_ms + 1000);
	/* --idle-stop: a service's GPUs, by the last probe, every second. */
	if (j->state == JOB_RUNNING && j->svc_idle_stop_s > 0 && j->node >= 0)
		due = min64(due, in->now_ms + 1000);
	if ((j->state == JOB_LAUNCHING || j->state == JOB_RUNNING) && j->node >= 0) {
		if (j->check_at_ms == 0 && j->state == JOB_LAUNCHING)
			due = min64(due, in->now_ms);	/* its check is set by a visit */
		else if (j->check_at_ms != 0)
			due = min64(due, j->check_at_ms);
	}
	return due;
}

int64_t ctl_job_looked(struct ctl *c, const struct job *j)
{
	return j->looked_wall != 0 ? (int64_t)j->looked_wall : state(c)->since_wall;
}

static int64_t due_of(struct ctl *c, const struct job *j)
{
	struct job_due_in in = {
		.now_ms = ctl_now_ms(c), .wall = ctl_now_wall(c), .looked_wall = ctl_job_looked(c, j),
		.mail_mask = ctl_notify_time_mask(c, j),
		.idle_timeout_s = j->interactive && j->node >= 0 ?
		    part_idle_timeout(c->cfg, j->partition, c->nodes[j->node].conf->name) : 0,
	};
	return ctl_job_due(j, &in);
}

static void set(struct ctl *c, const struct job *j, int64_t due)
{
	struct ctl_deadlines *d = state(c);
	if (due == CTL_DUE_NONE)
		(void)deadheap_remove(&d->heap, j->id);
	else if (deadheap_set(&d->heap, j->id, due) != 0)
		log_error("job %" PRId64 ": no room for its deadline", j->id);	/* 16M jobs */
}

void ctl_arm(struct ctl *c, struct job *j)
{
	set(c, j, due_of(c, j));
}

void ctl_disarm(struct ctl *c, const struct job *j)
{
	if (c->deadlines != NULL)
		(void)deadheap_remove(&c->deadlines->heap, j->id);
}

/* The wall clock moved against the monotonic one: every wall deadline anew. */
static void clock_jumped(struct ctl *c, struct ctl_deadlines *d, int64_t offset)
{
	d->offset_ms = offset;
	for (size_t i = 0; i < c->njobs; i++)
		ctl_arm(c, c->jobs[i]);
}

size_t ctl_due_take(struct ctl *c, int64_t now, int64_t wall, const int64_t **ids)
{
	struct ctl_deadlines *d = state(c);
	int64_t offset = wall * 1000 - now, due, id;
	/* Whole wall seconds against milliseconds: up to a second apart is no jump. */
	if (offset - d->offset_ms > 1500 || d->offset_ms - offset > 1500)
		clock_jumped(c, d, offset);
	d->ndue = 0;
	while (deadheap_peek(&d->heap, &due, &id) && due <= now) {
		(void)deadheap_pop(&d->heap, NULL, NULL);
		if (d->ndue == d->duecap) {
			d->duecap = d->duecap ? d->duecap * 2 : 64;
			d->due = xreallocarray(d->due, d->duecap, sizeof *d->due);
		}
		d->due[d->ndue++] = id;
	}
	d->visits += d->ndue;
	*ids = d->due;
	return d->ndue;
}

void ctl_rearm_visited(struct ctl *c, struct job *j, int64_t now, int64_t wall)
{
	j->looked_wall = (uint32_t)wall;
	int64_t due = due_of(c, j);
	/* What is still due was not done this visit (one step per tick, or a
	 * refused event): again in a second, as the scan did, not at once. */
	set(c, j, due != CTL_DUE_NONE && due <= now ? now + 1000 : due);
}

int64_t ctl_next_due_ms(struct ctl *c)
{
	int64_t due;
	if (c->deadlines == NULL || !deadheap_peek(&c->deadlines->heap, &due, NULL))
		return CTL_DUE_NONE;
	return due;
}

uint64_t ctl_tick_visits(const struct ctl *c)
{
	return c->deadlines != NULL ? c->deadlines->visits : 0;
}

size_t ctl_deadlines_armed(const struct ctl *c)
{
	return c->deadlines != NULL ? deadheap_len(&c->deadlines->heap) : 0;
}

void ctl_deadlines_free(struct ctl *c)
{
	if (c->deadlines == NULL)
		return;
	deadheap_clear(&c->deadlines->heap);
	free(c->deadlines->due);
	free(c->deadlines);
	c->deadlines = NULL;
}

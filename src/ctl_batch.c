/*
 * ctl_batch.c — one loop turn's state changes in one transaction, and the
 * side effects they allow held until it is committed.
 *
 * Theory of operation: with synchronous=FULL every commit waits for the
 * disk, so a commit per state change made a cancel of 1,000 running tasks
 * 1,000 fsyncs.  The main loop now opens a turn (ctl_turn_begin) before it
 * handles node answers, requests and the tick, and closes it
 * (ctl_turn_end) after.  While a turn is open:
 *
 *  - the first job write opens one transaction (db_batch_open) that every
 *    later write of the turn joins, each caller's unit as a savepoint, and
 *    the job is marked unsaved = 2: written but not durable (not evicted,
 *    read from memory);
 *  - what a committed step sends out (act: a launch, a kill, a question to
 *    the node, its end to waiters; a --signal warning) is appended to a
 *    list instead of being done;
 *  - answers to clients wait in their output buffers: the server writes
 *    only at the start of its pass, before it runs requests, so an answer
 *    made in this turn leaves in the next one, after ctl_turn_end.
 *
 * ctl_turn_end commits, then does the listed side effects in order.  A
 * writer whose caller must hear of a failure (a submit, a hold, an update,
 * a drain, a pass's placements) commits the batch first, or with its own
 * change (ctl_batch_commit, ctl_commit_job_now), so its answer and undo
 * stay what they were.
 *
 * A failed batch commit: the database is as it was at the turn's start;
 * memory keeps the changes and the jobs become unsaved (1), written again
 * by ctl_tick, as a single failed commit did before.  The side effects
 * still go out, as they did then: memory is what the controller acts on
 * (a cancelled job must be killed, or it holds its GPUs for ever; a job
 * that ended must be heard of by `herd wait`), and a restart before the
 * retry reconciles each job with its node.  Launches are never in the
 * list unless their LAUNCHING was committed by a pass (commit_decisions
 * commits on its own and undoes its placements on failure).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"
#include "db.h"
#include "lifecycle.h"
#include "log.h"
#include "util.h"

struct deferred {
	struct job *j;
	unsigned actions;	/* ACT_* (lifecycle.h), or CTL_DEFER_WARN */
	int attempt;		/* whose: moot once the job has moved on to another */
};

struct ctl_batch {
	int turn;		/* the loop's turn is open */
	struct job **jobs;	/* written in the open transaction (unsaved 2) */
	size_t njobs, cap;
	struct deferred *acts;	/* side effects waiting for the commit */
	size_t nacts, acap;
	/* Attempt records written in the open transaction, and those a failed
	 * commit lost (written again with the unsaved jobs): owned copies. */
	struct attempt_row *att, *lost;
	size_t natt, attcap, nlost, lostcap;
};

static void attempt_copy(struct attempt_row *to, const struct attempt_row *a)
{
	*to = *a;
	to->node = a->node ? xstrdup(a->node) : NULL;
	to->gpu_list = a->gpu_list ? xstrdup(a->gpu_list) : NULL;
	to->reason = a->reason ? xstrdup(a->reason) : NULL;
}

static void attempt_free(struct attempt_row *a)
{
	free(a->node);
	free(a->gpu_list);
	free(a->reason);
}

static void attempts_push(struct attempt_row **v, size_t *n, size_t *cap,
    const struct attempt_row *a)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof **v);
	}
	attempt_copy(&(*v)[(*n)++], a);
}

static struct ctl_batch *batch(struct ctl *c)
{
	if (c->batch == NULL)
		c->batch = xcalloc(1, sizeof *c->batch);
	return c->batch;
}

void ctl_turn_begin(struct ctl *c)
{
	batch(c)->turn = 1;
}

int ctl_turn_open(const struct ctl *c)
{
	return c->batch != NULL && c->batch->turn;
}

int ctl_batch_tx(struct ctl *c)
{
	return ctl_turn_open(c) ? db_batch_open(c->db) : 0;
}

void ctl_batch_attempt(struct ctl *c, const struct attempt_row *a)
{
	struct ctl_batch *b = batch(c);
	attempts_push(&b->att, &b->natt, &b->attcap, a);
}

int ctl_batch_rewrite_lost(struct ctl *c)
{
	struct ctl_batch *b = c->batch;
	if (b == NULL || b->nlost == 0)
		return 0;
	int rc = db_begin(c->db);
	for (size_t i = 0; rc == 0 && i < b->nlost; i++)
		rc = db_attempt_insert(c->db, &b->lost[i]);
	if (rc != 0 || db_commit(c->db) != 0) {
		db_rollback(c->db);
		return -1;
	}
	for (size_t i = 0; i < b->nlost; i++)
		attempt_free(&b->lost[i]);
	b->nlost = 0;
	return 0;
}

void ctl_batch_wrote(struct ctl *c, struct job *j)
{
	struct ctl_batch *b = batch(c);
	if (j->unsaved == 2)
		return;		/* listed already */
	if (b->njobs == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->jobs = xreallocarray(b->jobs, b->cap, sizeof *b->jobs);
	}
	b->jobs[b->njobs++] = j;
	j->unsaved = 2;
}

int ctl_batch_commit(struct ctl *c)
{
	struct ctl_batch *b = c->batch;
	if (!db_batch_is_open(c->db))
		return 0;
	int rc = db_batch_commit(c->db);
	if (rc != 0)
		ctl_db_write_failed(c);
	size_t logged = 0;
	for (size_t i = 0; b != NULL && i < b->njobs; i++) {
		struct job *j = b->jobs[i];
		if (rc == 0) {
			if (j->unsaved == 2)
				j->unsaved = 0;
			c->evict_due = 1;	/* saved now: ctl_evict may drop it */
			continue;
		}
		j->unsaved = 1;
		c->unsaved_jobs = 1;	/* ctl_save_unsaved writes it again */
		if (logged++ < 8)
			log_error("job %" PRId64 ": state %s not recorded yet; written again later",
			    j->id, job_state_name((enum job_state)j->state));
	}
	if (rc != 0 && logged > 8)
		log_error("%zu more jobs' changes not recorded yet; written again later",
		    logged - 8);
	for (size_t i = 0; b != NULL && i < b->natt; i++) {
		if (rc != 0)	/* kept for ctl_save_unsaved, with the jobs */
			attempts_push(&b->lost, &b->nlost, &b->lostcap, &b->att[i]);
		attempt_free(&b->att[i]);
	}
	if (b != NULL)
		b->natt = 0;
	if (rc == 0)
		ctl_db_write_worked(c);
	if (b != NULL)
		b->njobs = 0;
	return rc;
}

int ctl_flush(struct ctl *c)
{
	return ctl_batch_commit(c);
}

int ctl_defer(struct ctl *c, struct job *j, unsigned actions)
{
	if (!ctl_turn_open(c))
		return 0;
	struct ctl_batch *b = c->batch;
	if (b->nacts == b->acap) {
		b->acap = b->acap ? b->acap * 2 : 64;
		b->acts = xreallocarray(b->acts, b->acap, sizeof *b->acts);
	}
	b->acts[b->nacts++] = (struct deferred){ j, actions, j->attempt };
	return 1;
}

int ctl_batch_busy(const struct ctl *c)
{
	return c->batch != NULL && (c->batch->nacts > 0 || c->batch->njobs > 0);
}

/* The listed side effects, in order, with the turn closed: what they
 * cause (a launch that cannot be built fails the job) commits at once. */
static void run_deferred(struct ctl *c)
{
	struct ctl_batch *b = c->batch;
	while (b->nacts > 0) {
		struct deferred *list = b->acts;
		size_t n = b->nacts;
		b->acts = NULL;
		b->nacts = b->acap = 0;
		for (size_t i = 0; i < n; i++) {
			/* A later event of the same turn ended that attempt (a
			 * requeue's kill, then the node's word that it is gone). */
			if (list[i].j->attempt != list[i].attempt)
				continue;
			if (list[i].actions & CTL_DEFER_WARN)
				ctl_warn_send(c, list[i].j);
			else
				ctl_act(c, list[i].j, list[i].actions);
		}
		free(list);
	}
}

void ctl_batch_settle(struct ctl *c)
{
	if (c->batch == NULL)
		return;
	int turn = c->batch->turn;
	ctl_batch_commit(c);
	c->batch->turn = 0;
	run_deferred(c);
	c->batch->turn = turn;
}

void ctl_turn_end(struct ctl *c)
{
	if (c->batch == NULL)
		return;
	ctl_batch_commit(c);
	c->batch->turn = 0;
	run_deferred(c);
	ctl_evict(c);	/* what waited for its side effects */
}

void ctl_batch_free(struct ctl *c)
{
	if (c->batch == NULL)
		return;
	free(c->batch->jobs);
	free(c->batch->acts);
	for (size_t i = 0; i < c->batch->natt; i++)
		attempt_free(&c->batch->att[i]);
	for (size_t i = 0; i < c->batch->nlost; i++)
		attempt_free(&c->batch->lost[i]);
	free(c->batch->att);
	free(c->batch->lost);
	free(c->batch);
	c->batch = NULL;
}

/*
 * ctl_spread.c — a service's replicas on different nodes where they fit:
 * the snapshot's part of the scheduler's soft spread (sched.h's
 * sched_job.spread).
 *
 * Theory of operation: one node's failure (or drain) should not take
 * every replica of a service down, so a pass prefers, for a replica, a
 * node where no other replica of its service runs.  The preference is
 * soft: it only outweighs the best fit between nodes that can take the
 * replica, never a node's being able to take it, so two replicas share a
 * node rather than wait.  Per pass, each service with replicas pending
 * gets one row of nodes (CTL_MASK_WORDS words, as a partition's), the
 * nodes where its replicas hold resources; the pass adds the nodes where
 * it places one (sched.c), so replicas started together spread too.  A
 * service is its array: replicas are its tasks (ctl_array.c).
 */
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"
#include "util.h"

struct ctl_spread {
	int64_t *key;		/* the service's array id, per row */
	uint64_t *rows;		/* CTL_MASK_WORDS words per row */
	size_t n, cap;
};

int32_t ctl_spread_row(struct ctl *c, struct ctl_spread **spp, const struct job *j)
{
	if (j->svc_name == NULL || j->svc_replicas <= 1)
		return 0;
	int64_t key = j->array_job_id > 0 ? j->array_job_id : j->id;
	struct ctl_spread *sp = *spp != NULL ? *spp : (*spp = xcalloc(1, sizeof **spp));
	for (size_t r = 0; r < sp->n; r++)
		if (sp->key[r] == key)
			return (int32_t)r + 1;
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 4;
		sp->key = xreallocarray(sp->key, sp->cap, sizeof *sp->key);
		sp->rows = xreallocarray(sp->rows, sp->cap * CTL_MASK_WORDS, sizeof *sp->rows);
	}
	uint64_t *row = sp->rows + sp->n * CTL_MASK_WORDS;
	memset(row, 0, CTL_MASK_WORDS * sizeof *row);
	/* Its replicas: its array's record and tasks, whose ids follow it. */
	for (size_t i = ctl_lower_bound(c, key); i < c->njobs; i++) {
		const struct job *t = c->jobs[i];
		if ((t->id == key || t->array_job_id == key) && t->held && t->node >= 0 &&
		    (size_t)t->node < CTL_MASK_WORDS * 64)
			row[t->node / 64] |= 1ULL << (t->node % 64);
	}
	sp->key[sp->n] = key;
	return (int32_t)++sp->n;
}

uint64_t *ctl_spread_rows(struct ctl_spread *sp)
{
	return sp != NULL ? sp->rows : NULL;
}

void ctl_spread_free(struct ctl_spread *sp)
{
	if (sp == NULL)
		return;
	free(sp->key);
	free(sp->rows);
	free(sp);
}

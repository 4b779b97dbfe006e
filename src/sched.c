/*
 * sched.c — one scheduling pass over a snapshot.  See sched.h for the
 * policies and the interface.
 *
 * Theory of operation.  The pass walks the pending jobs in the caller's
 * order and places each on the cheapest node where it fits now (node_cost:
 * best fit by free GPUs; a CPU-only job spares the CPUs free GPUs need; a
 * node of cost 0 ends the search, so the common case stays first fit).  The first job
 * that fits nowhere is the head.  FCFS stops there, so 100,000 waiting jobs
 * cost no more than a full cluster.  EASY and GREEDY plan the head instead:
 * for every node, the running jobs there (and those this pass just started)
 * are released in order of expected end until the head fits; the earliest
 * such time over all nodes is its reservation.  Only counts matter in the
 * future (any free GPU will do then), and who may share the node is one
 * number per node: the last end of a job the head may not sit beside.  The
 * rest of the queue is then a backfill scan that ends as soon as no node
 * has a free CPU, since every job needs one: with a full cluster the scan
 * costs nothing.  A job asking more GPUs or CPUs than any one node has free
 * is passed over in O(1) (the maxima are kept after each placement); the
 * others cost O(nodes).  Limits (limit.h) are checked before a job is
 * placed, in O(1): a job held by one is passed over as if it were not in
 * the queue, so it never becomes the head.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"
#include "util.h"

static uint64_t take_gpus(uint64_t free, int n)
{
	uint64_t mask = 0;
	for (int i = 0; i < 64 && n > 0; i++) {
		if (free & (1ULL << i)) {
			mask |= 1ULL << i;
			n--;
		}
	}
	return n == 0 ? mask : 0;
}

/* Whether the jobs on n let j join them, and j lets them stay. */
static int shares(const struct sched_job *j, const struct sched_node *n)
{
	if (n->njobs == 0)
		return 1;
	if (n->excl == SCHED_EXCL_NODE || j->excl == SCHED_EXCL_NODE)
		return 0;
	if (n->excl == SCHED_EXCL_USER || j->excl == SCHED_EXCL_USER)
		return !n->mixed && n->uid == j->uid;
	return 1;
}

static int fits(const struct sched_job *j, const struct sched_node *n)
{
	if (!n->up || n->cpus_free < j->cpus || n->mem_free_mb < j->mem_mb ||
	    __builtin_popcountll(n->gpu_free) < j->gpus)
		return 0;
	return shares(j, n);
}

/* Whether j's partitions include node k. */
static int allowed(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	return j->part <= 0 ||
	    (s->masks[(size_t)(j->part - 1) * s->mask_words + k / 64] >> (k % 64) & 1);
}

/*
 * What placing j on n costs later jobs; lower is better, 0 a perfect fit.
 * A GPU job: the free GPUs it leaves there (best fit: a 1-GPU job goes to a
 * partly used box rather than break up an idle 8-GPU one).  A CPU-only job:
 * first whether it eats into the CPUs the node's free GPUs need
 * (cpus_per_gpu for each, so a GPU job can still start there), then the
 * free GPUs it sits beside (a node without GPUs first).
 */
static unsigned node_cost(const struct sched_job *j, const struct sched_node *n)
{
	int g = __builtin_popcountll(n->gpu_free);
	if (j->gpus > 0)
		return (unsigned)(g - j->gpus);
	int starves = n->cpus_free - j->cpus < (int64_t)g * n->cpus_per_gpu;
	return (unsigned)(starves * 65 + g);
}

/* Whether j may take node k now (fits, in its partitions). */
static int usable(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	return fits(j, &s->nodes[k]) && allowed(s, j, k);
}

/* The cheapest node where j fits now (ties: configuration order); -1: none. */
static int best_fit(const struct sched_snapshot *s, const struct sched_job *j)
{
	int best = -1;
	unsigned cost = UINT_MAX;
	for (size_t k = 0; k < s->nnodes && cost > 0; k++) {
		unsigned c;
		if (usable(s, j, k) && (c = node_cost(j, &s->nodes[k])) < cost) {
			best = (int)k;
			cost = c;
		}
	}
	return best;
}

void sched_node_add_job(struct sched_node *n, int excl, uint32_t uid)
{
	if (n->njobs == 0)
		n->uid = uid;
	else if (n->uid != uid)
		n->mixed = 1;
	n->njobs++;
	if (excl > n->excl)
		n->excl = excl;
}

/* The pass's working state beside the caller's snapshot and plan. */
struct pass {
	const struct sched_snapshot *s;
	struct sched_plan *p;
	size_t nfree;		/* up nodes with a free CPU: 0 ends a backfill scan */
	int maxg, maxc;		/* the most free GPUs, CPUs on one up node */
	struct sched_run *runs;	/* running + started by this pass (EASY, GREEDY) */
	size_t nruns, runcap;
	/* The head's reservation and what its node keeps over at that time. */
	int rnode;
	int64_t rstart;
	int extra_ok, extra_gpus, extra_cpus;
	int64_t extra_mem;
};

static int node_free(const struct sched_node *n)
{
	return n->up && n->cpus_free > 0;
}

/* The most any one node has free: a later job asking more is skipped in O(1). */
static void free_max(struct pass *w)
{
	w->maxg = w->maxc = 0;
	for (size_t k = 0; k < w->s->nnodes; k++) {
		const struct sched_node *n = &w->s->nodes[k];
		int g = __builtin_popcountll(n->gpu_free);
		if (!n->up)
			continue;
		if (g > w->maxg)
			w->maxg = g;
		if (n->cpus_free > w->maxc)
			w->maxc = n->cpus_free;
	}
}

/* Hand j (index i) the resources of node k, and record it. */
static void place(struct pass *w, size_t i, int k)
{
	const struct sched_job *j = &w->s->jobs[i];
	struct sched_node *n = &w->s->nodes[k];
	int was_free = node_free(n);
	uint64_t mask = j->gpus ? take_gpus(n->gpu_free, j->gpus) : 0;
	int cpus = j->cpus;
	int64_t mem = j->mem_mb;

	if (j->excl == SCHED_EXCL_NODE) {
		mask = n->gpu_free;	/* all of it: the node is empty */
		cpus = n->cpus_free;
		mem = n->mem_free_mb;
	}
	n->cpus_free -= cpus;
	n->mem_free_mb -= mem;
	n->gpu_free &= ~mask;
	sched_node_add_job(n, j->excl, j->uid);
	limits_take(w->s->limits, j->lim, __builtin_popcountll(mask));
	if (was_free && !node_free(n))
		w->nfree--;
	free_max(w);
	w->p->out[w->p->ndecisions++] = (struct sched_decision){ i, k, mask };
	if (w->s->policy == SCHED_FCFS)
		return;
	if (w->nruns == w->runcap) {
		w->runcap = w->runcap ? 2 * w->runcap : 64;
		w->runs = xreallocarray(w->runs, w->runcap, sizeof *w->runs);
	}
	int64_t end = j->limit > 0 && j->limit < SCHED_NEVER - w->s->now ?
	    w->s->now + j->limit : SCHED_NEVER;
	w->runs[w->nruns++] = (struct sched_run){ k, __builtin_popcountll(mask), cpus, mem,
	    j->excl, j->uid, end };
}

/* Whether job j may not run beside r (exclusivity, either way). */
static int conflicts(const struct sched_job *j, const struct sched_run *r)
{
	if (j->excl == SCHED_EXCL_NODE || r->excl == SCHED_EXCL_NODE)
		return 1;
	if (j->excl == SCHED_EXCL_USER || r->excl == SCHED_EXCL_USER)
		return r->uid != j->uid;
	return 0;
}

static const struct sched_run *sort_runs;

/* By expected end; ties in the caller's order (launch order). */
static int by_end(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t ex = sort_runs[x].end, ey = sort_runs[y].end;
	if (ex != ey)
		return ex < ey ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The earliest time j fits on node k as its jobs reach their expected
 * ends, or -1 if never (the node is down or too small).  *left: what the
 * node keeps free beyond j then.  idx: scratch for w->nruns entries.
 */
static int64_t earliest_on(struct pass *w, const struct sched_job *j, int k, size_t *idx,
    struct sched_node *left, int *left_gpus)
{
	const struct sched_node *n = &w->s->nodes[k];
	int64_t barrier = w->s->now;	/* the last end of a job j may not sit beside */
	size_t m = 0;

	if (!n->up || !allowed(w->s, j, (size_t)k))
		return -1;
	for (size_t r = 0; r < w->nruns; r++) {
		if (w->runs[r].node != k)
			continue;
		idx[m++] = r;
		if (conflicts(j, &w->runs[r]) && w->runs[r].end > barrier)
			barrier = w->runs[r].end;
	}
	sort_runs = w->runs;
	qsort(idx, m, sizeof *idx, by_end);
	struct sched_node at = *n;
	int gpus = __builtin_popcountll(n->gpu_free);
	int64_t t = w->s->now;
	for (size_t p = 0;;) {
		if (t >= barrier && at.cpus_free >= j->cpus && at.mem_free_mb >= j->mem_mb &&
		    gpus >= j->gpus) {
			*left = at;
			left->cpus_free -= j->cpus;
			left->mem_free_mb -= j->mem_mb;
			*left_gpus = gpus - j->gpus;
			return t;
		}
		if (p == m)
			return -1;
		t = w->runs[idx[p]].end;
		for (; p < m && w->runs[idx[p]].end == t; p++) {
			at.cpus_free += w->runs[idx[p]].cpus;
			at.mem_free_mb += w->runs[idx[p]].mem_mb;
			gpus += w->runs[idx[p]].gpus;
		}
	}
}

/* The head's reservation: the earliest node and time it fits (ties: the
 * first node); none where it fits on no node ever. */
static void plan_head(struct pass *w, size_t i)
{
	const struct sched_job *j = &w->s->jobs[i];
	size_t *idx = xmalloc((w->nruns ? w->nruns : 1) * sizeof *idx);
	struct sched_node left, best = { 0 };
	int left_gpus = 0, best_gpus = 0;

	w->rnode = -1;
	w->rstart = SCHED_NEVER;
	for (size_t k = 0; k < w->s->nnodes; k++) {
		int64_t t = earliest_on(w, j, (int)k, idx, &left, &left_gpus);
		if (t >= 0 && (w->rnode < 0 || t < w->rstart)) {
			w->rnode = (int)k;
			w->rstart = t;
			best = left;
			best_gpus = left_gpus;
		}
	}
	free(idx);
	if (w->rnode < 0)
		return;
	if (w->s->policy == SCHED_GREEDY && w->s->pin_job >= 0 && w->s->pin_job == j->id)
		w->rstart = w->s->pin_until;	/* kept from when it first blocked */
	w->extra_ok = j->excl == SCHED_SHARED;
	w->extra_gpus = best_gpus;
	w->extra_cpus = best.cpus_free;
	w->extra_mem = best.mem_free_mb;
	w->p->nresv = 1;
	w->p->resv = (struct sched_reservation){ i, w->rnode, w->rstart };
}

/* Whether j, started now, ends by t (strictly before, if strict). */
static int ends_by(const struct sched_job *j, int64_t now, int64_t t, int strict)
{
	if (j->limit <= 0 || t == SCHED_NEVER)
		return j->limit > 0 && !strict;
	return strict ? j->limit < t - now : j->limit <= t - now;
}

/* Where a later job may start now without delaying the head; -1: nowhere. */
static int backfill_node(struct pass *w, const struct sched_job *j)
{
	const struct sched_snapshot *s = w->s;

	if (j->gpus > w->maxg || j->cpus > w->maxc)
		return -1;	/* fits on no node now */
	if (s->policy == SCHED_GREEDY) {
		if (w->rnode >= 0 && !ends_by(j, s->now, w->rstart, 1))
			return -1;
		return best_fit(s, j);
	}
	/* On the reserved node: only if it ends in time or takes the extra. */
	int in_time = ends_by(j, s->now, w->rstart, 0);
	int extra = w->extra_ok && j->excl == SCHED_SHARED && j->gpus <= w->extra_gpus &&
	    j->cpus <= w->extra_cpus && j->mem_mb <= w->extra_mem;
	int best = -1;
	unsigned cost = UINT_MAX;
	for (size_t k = 0; k < s->nnodes && cost > 0; k++) {
		unsigned c;
		if (!usable(s, j, k) || ((int)k == w->rnode && !in_time && !extra))
			continue;
		if ((c = node_cost(j, &s->nodes[k])) < cost) {
			best = (int)k;
			cost = c;
		}
	}
	if (best >= 0 && best == w->rnode && !in_time) {
		w->extra_gpus -= j->gpus;
		w->extra_cpus -= j->cpus;
		w->extra_mem -= j->mem_mb;
	}
	return best;
}

static void set_reason(struct sched_plan *p, size_t i, int r)
{
	if (p->reason != NULL)
		p->reason[i] = (uint8_t)r;
}

static const struct sched_job *sort_jobs;

/* Higher tier first; within a tier, the caller's order. */
static int by_tier(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int32_t tx = sort_jobs[x].tier, ty = sort_jobs[y].tier;
	if (tx != ty)
		return tx > ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* The order to look at the jobs in; NULL: as given (no tiers differ). */
static size_t *tier_order(const struct sched_snapshot *s)
{
	size_t i, *order;
	if (!s->tiers)
		return NULL;
	for (i = 1; i < s->njobs && s->jobs[i].tier == s->jobs[0].tier; i++)
		;
	if (i >= s->njobs)
		return NULL;
	order = xreallocarray(NULL, s->njobs, sizeof *order);
	for (i = 0; i < s->njobs; i++)
		order[i] = i;
	sort_jobs = s->jobs;
	qsort(order, s->njobs, sizeof *order, by_tier);
	return order;
}

void sched_plan(const struct sched_snapshot *s, struct sched_plan *p)
{
	struct pass w = { .s = s, .p = p, .rnode = -1, .rstart = SCHED_NEVER };
	size_t *order = tier_order(s);
	int head = 0;
	size_t pos;

	p->ndecisions = 0;
	p->nresv = 0;
	p->blocked = s->njobs;
	for (size_t k = 0; k < s->nnodes; k++)
		w.nfree += node_free(&s->nodes[k]) ? 1 : 0;
	free_max(&w);
	if (s->policy != SCHED_FCFS && s->nrunning > 0) {
		w.runcap = s->nrunning + 64;
		w.runs = xreallocarray(NULL, w.runcap, sizeof *w.runs);
		memcpy(w.runs, s->running, s->nrunning * sizeof *w.runs);
		w.nruns = s->nrunning;
	}
	for (pos = 0; pos < s->njobs && p->ndecisions < p->cap; pos++) {
		size_t i = order != NULL ? order[pos] : pos;
		const struct sched_job *j = &s->jobs[i];
		int k;
		if (head && w.nfree == 0)
			break;	/* nothing free anywhere: no later job can start */
		int lr = limits_block(s->limits, j->lim, j->gpus);
		if (lr != LIM_R_NONE) {
			set_reason(p, i, SCHED_R_LIMIT + lr);
			continue;	/* waits for its limit, not for the queue */
		}
		k = head ? backfill_node(&w, j) : best_fit(s, j);
		if (k >= 0) {
			place(&w, i, k);
			set_reason(p, i, SCHED_R_NONE);
			continue;
		}
		set_reason(p, i, head ? SCHED_R_PRIORITY : SCHED_R_RESOURCES);
		if (head)
			continue;
		p->blocked = i;
		if (s->policy == SCHED_FCFS) {
			pos++;
			break;
		}
		head = 1;
		plan_head(&w, i);
	}
	p->looked = pos;
	if (s->limits != NULL && p->reason != NULL) {
		/* The rest: held by a limit, or behind the jobs ahead. */
		for (; pos < s->njobs; pos++) {
			size_t i = order != NULL ? order[pos] : pos;
			int lr = limits_block(s->limits, s->jobs[i].lim, s->jobs[i].gpus);
			set_reason(p, i, lr != LIM_R_NONE ? SCHED_R_LIMIT + lr : SCHED_R_PRIORITY);
		}
		p->looked = s->njobs;
	}
	free(w.runs);
	free(order);
}

size_t sched_depth(int policy, const struct sched_node *nodes, size_t nnodes)
{
	if (policy != SCHED_FCFS)
		return SIZE_MAX;
	size_t want = 1;
	for (size_t k = 0; k < nnodes; k++)
		if (nodes[k].up && nodes[k].cpus_free > 0)
			want += (size_t)nodes[k].cpus_free;
	return want;
}

const char *sched_reason_name(int reason)
{
	switch (reason) {
	case SCHED_R_PRIORITY:
		return "Priority";
	case SCHED_R_RESOURCES:
		return "Resources";
	default:
		return reason > SCHED_R_LIMIT ? limit_reason_name(reason - SCHED_R_LIMIT) : NULL;
	}
}

int sched_policy_parse(const char *name)
{
	static const char *const names[] = { "fcfs", "easy", "greedy" };
	for (int i = 0; i < 3; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	return -1;
}

struct sched_result sched_pass(const struct sched_job *jobs, size_t njobs,
    struct sched_node *nodes, size_t nnodes, struct sched_decision *out, size_t cap)
{
	struct sched_snapshot s = { .policy = SCHED_FCFS, .nodes = nodes, .nnodes = nnodes,
	    .jobs = jobs, .njobs = njobs, .pin_job = -1 };
	struct sched_plan p = { .out = out, .cap = cap };
	sched_plan(&s, &p);
	/* The cap stops the pass too: the first job not placed. */
	struct sched_result r = { p.ndecisions, p.blocked < p.looked ? p.blocked : p.looked };
	return r;
}

int sched_fits_capacity(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus)
{
	return j->cpus <= cpus && j->mem_mb <= mem_mb && j->gpus <= ngpus;
}

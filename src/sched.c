/*
 * sched.c — one scheduling pass over a snapshot.  See sched.h for the
 * policies and the interface.
 *
 * Theory of operation.  The pass walks the pending jobs in the caller's
 * order and places each on the cheapest node where it fits now (node_cost:
 * best fit by free GPUs; a CPU-only job spares the CPUs free GPUs need; a
 * node of cost 0 ends the search, so the common case stays first fit; a
 * replica of a service avoids the nodes of its other replicas, a soft
 * preference above any fit: spread_cost).  The first job
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

/* The GPUs of node k that j's class may take (all: no class). */
static uint64_t gpu_ok(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	return j->gclass > 0 && s->gpu_ok != NULL ?
	    s->gpu_ok[(size_t)(j->gclass - 1) * s->nnodes + k] : ~0ULL;
}

/* A sharing job's candidates on node k: free or shared GPUs of its class
 * with share_mb of shareable memory left. */
static uint64_t share_room(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	const struct sched_node *n = &s->nodes[k];
	uint64_t cand = (n->gpu_free | n->gpu_shared) & gpu_ok(s, j, k), room = 0;
	for (int i = 0; s->share_mb != NULL && i < SCHED_GPUS; i++)
		if ((cand >> i & 1) && s->share_mb[k * SCHED_GPUS + (size_t)i] >= j->share_mb)
			room |= 1ULL << i;
	return room;
}

/* The free GPUs of node k that j may take (a sharing job: those it may join). */
static uint64_t gpu_free_for(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	if (j->share_mb > 0)
		return share_room(s, j, k);
	return s->nodes[k].gpu_free & gpu_ok(s, j, k);
}

/* The GPU a sharing job takes of room: a shared one before a free one
 * (whole GPUs stay whole), then the least memory left (packing). */
static uint64_t take_share(const struct sched_snapshot *s, size_t k, uint64_t room)
{
	int best = -1, best_shared = 0;
	int64_t best_left = 0;
	for (int i = 0; i < SCHED_GPUS; i++) {
		if (!(room >> i & 1))
			continue;
		int shared = (int)(s->nodes[k].gpu_shared >> i & 1);
		int64_t left = s->share_mb[k * SCHED_GPUS + (size_t)i];
		if (best < 0 || shared > best_shared || (shared == best_shared && left < best_left)) {
			best = i;
			best_shared = shared;
			best_left = left;
		}
	}
	return best < 0 ? 0 : 1ULL << best;
}

/*
 * What j needs of node n: --hint=nomultithread counts whole cores (its
 * CPUs times the node's threads per core), --mem=0 all of the node's
 * memory.  A per-node figure, so it is decided here, where the node is
 * chosen, and not at submit (see sched.h).
 */
static int need_cpus(const struct sched_job *j, const struct sched_node *n)
{
	return j->nomt && n->tpc > 1 ? j->cpus * n->tpc : j->cpus;
}

static int64_t need_mem(const struct sched_job *j, const struct sched_node *n)
{
	if (!j->mem_all)
		return j->mem_mb;
	return n->mem_total_mb > 0 ? n->mem_total_mb : INT64_MAX;	/* unknown: fits nowhere */
}

void sched_need(const struct sched_job *j, const struct sched_node *n, int *cpus, int64_t *mem_mb)
{
	*cpus = need_cpus(j, n);
	*mem_mb = need_mem(j, n);
}

static int fits(const struct sched_job *j, const struct sched_node *n, uint64_t gfree)
{
	if (!n->up || n->cpus_free < need_cpus(j, n) || n->mem_free_mb < need_mem(j, n) ||
	    __builtin_popcountll(gfree) < j->gpus)
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
static unsigned node_cost(const struct sched_job *j, const struct sched_node *n, uint64_t gfree)
{
	int g = __builtin_popcountll(j->gpus > 0 ? gfree : n->gpu_free);
	if (j->gpus > 0)
		return (unsigned)(g - j->gpus);
	int starves = n->cpus_free - need_cpus(j, n) < (int64_t)g * n->cpus_per_gpu;
	return (unsigned)(starves * 65 + g);
}

/* A replica's node where another replica of its service runs: dearer
 * than any fit elsewhere (node_cost stays below it), so replicas spread
 * over the nodes that can take them, and share one only when no other can. */
#define SPREAD_COST (1u << 20)

static unsigned spread_cost(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	if (j->spread <= 0 || s->spread == NULL)
		return 0;
	const uint64_t *row = s->spread + (size_t)(j->spread - 1) * s->mask_words;
	return row[k / 64] >> (k % 64) & 1 ? SPREAD_COST : 0;
}

/* What placing j on node k costs: its fit, and its spread. */
static unsigned cost_on(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	return node_cost(j, &s->nodes[k], gpu_free_for(s, j, k)) + spread_cost(s, j, k);
}

/* Whether j may take node k now (fits, in its partitions). */
static int usable(const struct sched_snapshot *s, const struct sched_job *j, size_t k)
{
	return allowed(s, j, k) && fits(j, &s->nodes[k], gpu_free_for(s, j, k));
}

/* The cheapest node where j fits now (ties: configuration order); -1: none. */
static int best_fit(const struct sched_snapshot *s, const struct sched_job *j)
{
	int best = -1;
	unsigned cost = UINT_MAX;
	for (size_t k = 0; k < s->nnodes && cost > 0; k++) {
		unsigned c;
		if (usable(s, j, k) && (c = cost_on(s, j, k)) < cost) {
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

/* A reservation as later jobs must respect it. */
struct resv {
	int node;
	int64_t start, end;	/* end: start + limit, SCHED_NEVER without one */
	int gpus, cpus;
	int64_t mem;
	int excl;
	uint32_t uid;
	/* What its node has left at start, beyond every reservation active
	 * then and every job still running then: a later job that would run
	 * at that instant must fit in it. */
	int fg, fc;
	int64_t fm;
	const int32_t *lim;	/* its job's limit groups (limit.h) */
};

/* The pass's working state beside the caller's snapshot and plan. */
struct pass {
	const struct sched_snapshot *s;
	struct sched_plan *p;
	size_t nfree;		/* up nodes with a free CPU: 0 ends a backfill scan */
	int maxg, maxc;		/* the most free GPUs, CPUs on one up node */
	struct sched_run *runs;	/* running + started by this pass (EASY, GREEDY) */
	size_t nruns, runcap;
	int slots;		/* blocked jobs that may still get a reservation */
	struct resv rv[SCHED_RESV_MAX];
	int nrv;
	int *node_rv;		/* reservations on each node; NULL until the first */
	int any_foreign;	/* some node has GPUs in use outside herd */
};

/* Whether j would fit now on a node it may use, were the GPUs in use
 * outside herd free: then that use is what it waits for. */
static int foreign_blocks(const struct sched_snapshot *s, const struct sched_job *j)
{
	if (j->gpus <= 0)
		return 0;
	for (size_t k = 0; k < s->nnodes; k++) {
		if (s->nodes[k].gpu_foreign == 0)
			continue;	/* (before the copy: a pass asks this of every job it skips) */
		struct sched_node n = s->nodes[k];
		n.gpu_free |= n.gpu_foreign;
		if (fits(j, &n, n.gpu_free & gpu_ok(s, j, k)) && allowed(s, j, k))
			return 1;
	}
	return 0;
}

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

/* The expected end of a job of this limit started at t. */
static int64_t end_of(int64_t t, int64_t limit)
{
	return limit > 0 && t != SCHED_NEVER && limit < SCHED_NEVER - t ? t + limit : SCHED_NEVER;
}

/* Whether [t, e) meets r's time (an open end meets a reservation at NEVER). */
static int meets(int64_t t, int64_t e, const struct resv *r)
{
	return (r->start < e || e == SCHED_NEVER) && (t < r->end || r->end == SCHED_NEVER);
}

/* Whether two jobs may not share a node (exclusivity, either way). */
static int clash(int xa, uint32_t ua, int xb, uint32_t ub)
{
	if (xa == SCHED_EXCL_NODE || xb == SCHED_EXCL_NODE)
		return 1;
	if (xa == SCHED_EXCL_USER || xb == SCHED_EXCL_USER)
		return ua != ub;
	return 0;
}

/*
 * The GPUs of node k that the reservations there j would still be running
 * at ask by type or memory (their GPU class): a reservation counts GPUs,
 * so a job started now beside it must leave it those very ones, or the
 * count it was promised holds GPUs it cannot use.  0: none such.
 */
static uint64_t resv_avoid(struct pass *w, const struct sched_job *j, int k)
{
	int64_t e = end_of(w->s->now, j->limit);
	uint64_t avoid = 0;
	for (int r = 0; r < w->nrv; r++) {
		const struct resv *v = &w->rv[r];
		const struct sched_job *rj = &w->s->jobs[w->p->resv[r].job];
		if (v->node == k && rj->gclass > 0 && meets(w->s->now, e, v))
			avoid |= gpu_ok(w->s, rj, (size_t)k);
	}
	return avoid;
}

/* The free GPUs of node k j may take now: those no typed reservation it
 * overlaps needs, where that leaves it enough (spares_resv saw to it for
 * a job started beside a reservation). */
static uint64_t gpu_take_for(struct pass *w, const struct sched_job *j, int k)
{
	uint64_t free = gpu_free_for(w->s, j, (size_t)k), avoid = resv_avoid(w, j, k);
	return __builtin_popcountll(free & ~avoid) >= j->gpus ? free & ~avoid : free;
}

/* Hand j (index i) the resources of node k, and record it. */
static void place(struct pass *w, size_t i, int k)
{
	const struct sched_job *j = &w->s->jobs[i];
	struct sched_node *n = &w->s->nodes[k];
	int was_free = node_free(n);
	uint64_t mask = j->share_mb > 0 ? take_share(w->s, (size_t)k, gpu_free_for(w->s, j,
	    (size_t)k)) : j->gpus ? take_gpus(gpu_take_for(w, j, k), j->gpus) : 0;
	int cpus = need_cpus(j, n);
	int64_t mem = need_mem(j, n);

	if (j->excl == SCHED_EXCL_NODE) {
		mask = n->gpu_free;	/* all of it: the node is empty */
		cpus = n->cpus_free;
		mem = n->mem_free_mb;
	}
	/* whole GPUs it takes from the plan: a sharing job, only one it opens */
	int gpus = __builtin_popcountll(mask & ~n->gpu_shared);
	n->cpus_free -= cpus;
	n->mem_free_mb -= mem;
	n->gpu_free &= ~mask;
	if (j->share_mb > 0 && mask != 0) {
		n->gpu_shared |= mask;
		w->s->share_mb[(size_t)k * SCHED_GPUS + (size_t)__builtin_ctzll(mask)] -= j->share_mb;
	}
	sched_node_add_job(n, j->excl, j->uid);
	if (j->spread > 0 && w->s->spread != NULL)	/* its service's next replica: elsewhere */
		w->s->spread[(size_t)(j->spread - 1) * w->s->mask_words + (size_t)k / 64] |=
		    1ULL << (k % 64);
	limits_take(w->s->limits, j->lim, __builtin_popcountll(mask));
	if (j->svc)
		limits_svc_take(w->s->limits, j->lim, __builtin_popcountll(mask));
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
	int64_t end = end_of(w->s->now, j->limit);
	/* A sharing job's GPU may still be shared at its end: none comes back. */
	w->runs[w->nruns++] = (struct sched_run){ k, j->share_mb > 0 ? 0 : gpus, cpus, mem,
	    j->excl, j->uid, end, j->id };
	/* Still running when a reservation of its node begins: it takes from
	 * what that reservation leaves over (backfill_node checked it fits). */
	for (int r = 0; w->node_rv != NULL && w->node_rv[k] > 0 && r < w->nrv; r++) {
		struct resv *v = &w->rv[r];
		if (v->node == k && meets(w->s->now, end, v)) {
			v->fg -= gpus;
			v->fc -= cpus;
			v->fm -= mem;
		}
	}
}

/* One change of a node's resources in the future (earliest_on). */
struct ev {
	int64_t t;
	int g, c;		/* + given back, - taken (a reservation's start) */
	int64_t m;
	int64_t id;		/* whose end gives it back */
	int point;		/* a reservation begins: a job running then must fit */
};

static int by_time(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->point - y->point;	/* given back first; the order within is kept below */
}

/* What node k's future holds for j: the ends of its jobs, the starts and
 * ends of its reservations, in time order; *barrier: the last end of a
 * running job j may not sit beside.  Returns the count. */
static size_t node_events(struct pass *w, const struct sched_job *j, int k, struct ev *ev,
    int64_t *barrier)
{
	size_t m = 0;
	*barrier = w->s->now;
	for (size_t r = 0; r < w->nruns; r++) {
		const struct sched_run *x = &w->runs[r];
		if (x->node != k)
			continue;
		ev[m++] = (struct ev){ x->end, x->gpus, x->cpus, x->mem_mb, x->id, 0 };
		if (clash(j->excl, j->uid, x->excl, x->uid) && x->end > *barrier)
			*barrier = x->end;
	}
	for (int r = 0; r < w->nrv; r++) {
		const struct resv *v = &w->rv[r];
		if (v->node != k)
			continue;
		ev[m++] = (struct ev){ v->start, -v->gpus, -v->cpus, -v->mem,
		    w->s->jobs[w->p->resv[r].job].id, 1 };
		if (v->end != SCHED_NEVER)	/* one at NEVER holds even then */
			ev[m++] = (struct ev){ v->end, v->gpus, v->cpus, v->mem,
			    w->s->jobs[w->p->resv[r].job].id, 0 };
	}
	qsort(ev, m, sizeof *ev, by_time);
	return m;
}

/* Whether j, running over [t, e) on node k from ev[p] on (everything up to
 * t applied in g, c, mem), always fits and meets no reservation it may
 * not share the node with. */
static int holds_during(struct pass *w, const struct sched_job *j, int k, const struct ev *ev,
    size_t p, size_t m, int64_t t, int g, int c, int64_t mem)
{
	int64_t e = end_of(t, j->limit);
	int jc = need_cpus(j, &w->s->nodes[k]);
	int64_t jm = need_mem(j, &w->s->nodes[k]);
	for (int r = 0; r < w->nrv; r++)
		if (w->rv[r].node == k && meets(t, e, &w->rv[r]) &&
		    clash(j->excl, j->uid, w->rv[r].excl, w->rv[r].uid))
			return 0;
	while (p < m && (ev[p].t < e || e == SCHED_NEVER)) {
		int64_t at = ev[p].t;
		int point = 0;
		for (; p < m && ev[p].t == at; p++) {
			g += ev[p].g;
			c += ev[p].c;
			mem += ev[p].m;
			point |= ev[p].point;
		}
		if (point && (g < j->gpus || c < jc || mem < jm))
			return 0;
	}
	return 1;
}

/*
 * The earliest time j fits on node k as its jobs reach their expected
 * ends and for as long as its limit, around the reservations there; -1
 * if never (the node is down or too small).  *after: whose end it waits
 * for.  ev: scratch for the node's events.
 */
static int64_t earliest_on(struct pass *w, const struct sched_job *j, int k, struct ev *ev,
    int64_t *after)
{
	const struct sched_node *n = &w->s->nodes[k];
	int64_t barrier, t = w->s->now;

	if (!n->up || !allowed(w->s, j, (size_t)k) ||
	    __builtin_popcountll(gpu_ok(w->s, j, (size_t)k)) < j->gpus)
		return -1;
	size_t m = node_events(w, j, k, ev, &barrier), p = 0;
	int g = __builtin_popcountll(gpu_free_for(w->s, j, (size_t)k)), c = n->cpus_free;
	int64_t mem = n->mem_free_mb;
	for (;;) {
		/* Everything up to t; the first of the latest ends is "after". */
		int64_t at = INT64_MIN;
		*after = -1;
		for (; p < m && ev[p].t <= t; p++) {
			g += ev[p].g;
			c += ev[p].c;
			mem += ev[p].m;
			if (!ev[p].point && ev[p].t > at) {
				at = ev[p].t;
				*after = ev[p].id;
			}
		}
		if (t >= barrier && g >= j->gpus && c >= need_cpus(j, n) && mem >= need_mem(j, n) &&
		    holds_during(w, j, k, ev, p, m, t, g, c, mem))
			return t;
		while (p < m && ev[p].point)
			p++;	/* only a job's end makes room */
		if (p == m)
			return -1;
		t = ev[p].t;
	}
}

/* What node k has left at time t beyond every job and reservation there. */
static void left_at(struct pass *w, int k, int64_t t, int *g, int *c, int64_t *mem)
{
	const struct sched_node *n = &w->s->nodes[k];
	*g = __builtin_popcountll(n->gpu_free);
	*c = n->cpus_free;
	*mem = n->mem_free_mb;
	for (size_t r = 0; r < w->nruns; r++) {
		const struct sched_run *x = &w->runs[r];
		if (x->node == k && x->end <= t) {
			*g += x->gpus;
			*c += x->cpus;
			*mem += x->mem_mb;
		}
	}
	for (int r = 0; r < w->nrv; r++) {
		const struct resv *v = &w->rv[r];
		if (v->node == k && v->start <= t && (t < v->end || v->end == SCHED_NEVER)) {
			*g -= v->gpus;
			*c -= v->cpus;
			*mem -= v->mem;
		}
	}
}

/* Record j's reservation on node k at t; the reservations of k it overlaps
 * keep less over. */
static void reserve(struct pass *w, size_t i, int k, int64_t t, int64_t after)
{
	const struct sched_job *j = &w->s->jobs[i];
	struct resv *v = &w->rv[w->nrv];

	*v = (struct resv){ k, t, end_of(t, j->limit), j->gpus, need_cpus(j, &w->s->nodes[k]),
	    need_mem(j, &w->s->nodes[k]), j->excl,
	    j->uid, 0, 0, 0, j->lim };
	for (int r = 0; r < w->nrv; r++) {
		struct resv *o = &w->rv[r];
		if (o->node == k && v->start <= o->start &&
		    (o->start < v->end || v->end == SCHED_NEVER)) {
			o->fg -= v->gpus;
			o->fc -= v->cpus;
			o->fm -= v->mem;
		}
	}
	w->nrv++;
	left_at(w, k, t, &v->fg, &v->fc, &v->fm);
	if (w->node_rv == NULL)
		w->node_rv = xcalloc(w->s->nnodes, sizeof *w->node_rv);
	w->node_rv[k]++;
	w->p->resv[w->p->nresv++] = (struct sched_reservation){ i, k, t, after };
}

/* A reservation for job i: the earliest node and time it fits (ties: the
 * first node); none where it fits on no node ever. */
static void plan_job(struct pass *w, size_t i)
{
	const struct sched_job *j = &w->s->jobs[i];
	struct ev *ev = xreallocarray(NULL, w->nruns + 2 * (size_t)w->nrv + 1, sizeof *ev);
	int64_t best = SCHED_NEVER, best_after = -1, after;
	int node = -1;

	for (size_t k = 0; k < w->s->nnodes; k++) {
		int64_t t = earliest_on(w, j, (int)k, ev, &after);
		if (t >= 0 && (node < 0 || t < best)) {
			node = (int)k;
			best = t;
			best_after = after;
		}
	}
	free(ev);
	if (node < 0 || w->nrv == SCHED_RESV_MAX)
		return;
	if (w->s->policy == SCHED_GREEDY && w->s->pin_job >= 0 && w->s->pin_job == j->id)
		best = w->s->pin_until;	/* kept from when it first blocked */
	reserve(w, i, node, best, best_after);
}

/* Whether j, started now, ends by t (strictly before, if strict). */
static int ends_by(const struct sched_job *j, int64_t now, int64_t t, int strict)
{
	if (j->limit <= 0 || t == SCHED_NEVER)
		return j->limit > 0 && !strict;
	return strict ? j->limit < t - now : j->limit <= t - now;
}

/* Whether j, started now on node k, leaves each reservation there room:
 * it ends before the reservation begins, or fits in what it leaves over
 * and may share the node with it. */
static int spares_resv(struct pass *w, const struct sched_job *j, int k)
{
	int64_t e = end_of(w->s->now, j->limit);
	for (int r = 0; r < w->nrv; r++) {
		const struct resv *v = &w->rv[r];
		if (v->node != k || !meets(w->s->now, e, v))
			continue;
		if (clash(j->excl, j->uid, v->excl, v->uid) || j->gpus > v->fg ||
		    need_cpus(j, &w->s->nodes[k]) > v->fc || need_mem(j, &w->s->nodes[k]) > v->fm)
			return 0;
	}
	/* ... and leaves a typed reservation the GPUs of its type. */
	uint64_t avoid = resv_avoid(w, j, k);
	if (avoid != 0 && j->gpus > 0 && (j->share_mb > 0 ||
	    __builtin_popcountll(gpu_free_for(w->s, j, (size_t)k) & ~avoid) < j->gpus))
		return 0;
	return 1;
}

/*
 * j, still running when a reservation begins, leaves its job room under
 * every limit they share (on any node: a limit is the account's, not the
 * node's).  Counted against the groups as they are now, so it errs on
 * the side of the reservation.
 */
static int limits_spare(struct pass *w, const struct sched_job *j)
{
	int64_t e = end_of(w->s->now, j->limit);
	for (int r = 0; w->s->limits != NULL && r < w->nrv; r++) {
		const struct resv *v = &w->rv[r];
		if (meets(w->s->now, e, v) &&
		    limits_block_after(w->s->limits, j->lim, j->gpus, v->lim, v->gpus) != LIM_R_NONE)
			return 0;
	}
	return 1;
}

/* Where j may start now without delaying a reservation; -1: nowhere. */
static int backfill_node(struct pass *w, const struct sched_job *j)
{
	const struct sched_snapshot *s = w->s;

	if ((j->share_mb == 0 && j->gpus > w->maxg) || j->cpus > w->maxc)
		return -1;	/* fits on no node now (a sharing job may join a shared GPU) */
	if (w->nrv == 0)
		return best_fit(s, j);
	if (s->policy == SCHED_GREEDY)
		return ends_by(j, s->now, w->rv[0].start, 1) ? best_fit(s, j) : -1;
	if (!limits_spare(w, j))
		return -1;
	/* The cheapest node where it delays no reservation (see best_fit). */
	int best = -1;
	unsigned cost = UINT_MAX;
	for (size_t k = 0; k < s->nnodes && cost > 0; k++) {
		unsigned c;
		if (!usable(s, j, k) || (w->node_rv[k] != 0 && !spares_resv(w, j, (int)k)))
			continue;
		if ((c = cost_on(s, j, k)) < cost) {
			best = (int)k;
			cost = c;
		}
	}
	return best;
}

/* BadConstraints where none of j's nodes could ever take it (its filter
 * leaves none, or none has enough of its GPU class), ReqNodeNotAvail
 * where those that could are all down; else none. */
static int nodes_reason(const struct sched_snapshot *s, const struct sched_job *j)
{
	int any = 0;
	for (size_t k = 0; k < s->nnodes; k++) {
		if (!allowed(s, j, k) || __builtin_popcountll(gpu_ok(s, j, k)) < j->gpus)
			continue;
		if (s->nodes[k].up)
			return SCHED_R_NONE;
		any = 1;
	}
	if (any)	/* down: only a job that named its nodes says so */
		return j->where ? SCHED_R_REQNODENOTAVAIL : SCHED_R_NONE;
	return SCHED_R_BADCONSTRAINTS;
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

/* How many blocked jobs the policy plans a reservation for. */
/* The limit a job would pass by starting now; a service's own too. */
static int job_limit(const struct sched_snapshot *s, const struct sched_job *j)
{
	int lr = limits_block(s->limits, j->lim, j->gpus);
	return lr != LIM_R_NONE || !j->svc ? lr : limits_svc_block(s->limits, j->lim, j->gpus);
}

static int resv_slots(const struct sched_snapshot *s)
{
	if (s->policy == SCHED_FCFS)
		return 0;
	if (s->policy == SCHED_GREEDY || s->reservations <= 1)
		return 1;
	return s->reservations < SCHED_RESV_MAX ? s->reservations : SCHED_RESV_MAX;
}

void sched_plan(const struct sched_snapshot *s, struct sched_plan *p)
{
	struct pass w = { .s = s, .p = p, .slots = resv_slots(s) };
	size_t *order = tier_order(s);
	int head = 0;
	size_t pos;

	p->ndecisions = 0;
	p->nresv = 0;
	p->blocked = s->njobs;
	for (size_t k = 0; k < s->nnodes; k++) {
		w.nfree += node_free(&s->nodes[k]) ? 1 : 0;
		w.any_foreign |= s->nodes[k].gpu_foreign != 0;
	}
	free_max(&w);
	if (s->policy != SCHED_FCFS && s->nrunning > 0) {
		w.runcap = s->nrunning + 64;
		w.runs = xreallocarray(NULL, w.runcap, sizeof *w.runs);
		memcpy(w.runs, s->running, s->nrunning * sizeof *w.runs);
		w.nruns = s->nrunning;
	}
	for (pos = 0; pos < s->njobs && p->ndecisions < p->cap; pos++) {
		size_t i = order != NULL ? order[pos] : pos;
		int k;
		if (head && w.nfree == 0 && w.slots == 0)
			break;	/* nothing free anywhere: no later job can start */
		const struct sched_job *j = &s->jobs[i];
		int lr = job_limit(s, j), nr;
		if (lr != LIM_R_NONE) {
			set_reason(p, i, SCHED_R_LIMIT + lr);
			continue;	/* waits for its limit, not for the queue */
		}
		if ((j->where || j->gclass > 0) && (nr = nodes_reason(s, j)) != SCHED_R_NONE) {
			set_reason(p, i, nr);
			continue;	/* waits for its nodes, not for the queue */
		}
		k = backfill_node(&w, j);
		if (k >= 0) {
			place(&w, i, k);
			set_reason(p, i, SCHED_R_NONE);
			continue;
		}
		set_reason(p, i, w.any_foreign && foreign_blocks(s, j) ? SCHED_R_FOREIGN :
		    head && w.slots == 0 ? SCHED_R_PRIORITY : SCHED_R_RESOURCES);
		if (!head) {
			p->blocked = i;
			head = 1;
			if (s->policy == SCHED_FCFS) {
				pos++;
				break;
			}
		}
		if (w.slots > 0) {
			w.slots--;
			plan_job(&w, i);
		}
	}
	p->looked = pos;
	if (s->limits != NULL && p->reason != NULL) {
		/* The rest: held by a limit, or behind the jobs ahead. */
		for (; pos < s->njobs; pos++) {
			size_t i = order != NULL ? order[pos] : pos;
			int lr = job_limit(s, &s->jobs[i]);
			set_reason(p, i, lr != LIM_R_NONE ? SCHED_R_LIMIT + lr : SCHED_R_PRIORITY);
		}
		p->looked = s->njobs;
	}
	free(w.runs);
	free(w.node_rv);
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
	case SCHED_R_FOREIGN:
		return "GpusInUseOutsideHerd";
	case SCHED_R_BADCONSTRAINTS:
		return "BadConstraints";
	case SCHED_R_REQNODENOTAVAIL:
		return "ReqNodeNotAvail";
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
	return sched_fits_node(j, cpus, mem_mb, ngpus, 1);
}

int sched_fits_node(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus, int tpc)
{
	struct sched_node n = { .tpc = tpc, .mem_total_mb = mem_mb };
	return need_cpus(j, &n) <= cpus && need_mem(j, &n) <= mem_mb && j->gpus <= ngpus;
}

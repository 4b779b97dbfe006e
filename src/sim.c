/*
 * sim.c — herd sim's replay: a simulated clock around sched_plan().  See
 * sim.h for the event order and the figures.
 *
 * Theory of operation.  The pending jobs are kept as one array of
 * sched_job in arrival order (the snapshot the pass reads, compacted after
 * each pass that starts something), the running ones as an array of
 * sched_run (the pass's view of expected ends, start + limit) and a binary
 * heap of actual ends (start + run) keyed by (end, launch sequence).  The
 * machine is the pass's own node array, updated in place by the pass and
 * given back to at each completion.  Each event costs one pass; the pass
 * stops as soon as nothing is free, so a long queue on a full machine costs
 * little.  GREEDY's reservation time is fed back to the next pass (pin_job,
 * pin_until) while its head stays blocked, as RLScheduler keeps it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "fairshare.h"
#include "priority.h"
#include "sched.h"
#include "sim.h"
#include "util.h"

struct ev {
	int64_t end;
	uint64_t seq;
	size_t job;
};

struct sim {
	const struct sim_job *jobs;
	struct sched_node *nodes;
	size_t nnodes;
	struct sched_job *pj;	/* pending, arrival order */
	size_t np;
	struct sched_run *runs;	/* running: the pass's view */
	size_t *rjob;		/* runs[i] is job rjob[i] */
	uint64_t *rmask;	/* its GPUs */
	size_t *slot;		/* job → its index in runs */
	size_t nr;
	struct ev *heap;
	size_t nh;
	uint64_t seq;
	int64_t *start;
	/* multifactor: users 0..nu-1 (the last: unknown), their usage */
	const struct prio_conf *prio;
	size_t nu;
	size_t *uidx;		/* job → its user's index */
	double *usage;		/* decayed to uat */
	int64_t *uat;
	struct fs_node *fs;
	double *pr;		/* scratch: priorities of the pending jobs */
};

static int ev_less(const struct ev *a, const struct ev *b)
{
	return a->end < b->end || (a->end == b->end && a->seq < b->seq);
}

static void heap_push(struct sim *s, struct ev e)
{
	size_t i = s->nh++;
	while (i > 0 && ev_less(&e, &s->heap[(i - 1) / 2])) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = e;
}

static struct ev heap_pop(struct sim *s)
{
	struct ev top = s->heap[0], last = s->heap[--s->nh];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= s->nh)
			break;
		if (c + 1 < s->nh && ev_less(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!ev_less(&s->heap[c], &last))
			break;
		s->heap[i] = s->heap[c];
		i = c;
	}
	if (s->nh > 0)
		s->heap[i] = last;
	return top;
}

int sim_capacity(const struct sim_machine *m)
{
	return m->pool > 0 ? m->pool : m->gpus_per_node;
}

static void machine_init(struct sim *s, const struct sim_machine *m)
{
	s->nnodes = m->pool > 0 ? 1 : (size_t)m->nodes;
	s->nodes = xcalloc(s->nnodes, sizeof *s->nodes);
	for (size_t k = 0; k < s->nnodes; k++) {
		s->nodes[k].up = 1;
		if (m->pool > 0) {
			s->nodes[k].cpus_free = m->pool;
		} else {
			s->nodes[k].cpus_free = m->gpus_per_node;
			s->nodes[k].cpus_per_gpu = 1;
			s->nodes[k].gpu_free = m->gpus_per_node == 64 ? ~0ULL :
			    (1ULL << m->gpus_per_node) - 1;
		}
	}
}

static void arrive(struct sim *s, const struct sim_machine *m, size_t i)
{
	const struct sim_job *j = &s->jobs[i];
	s->pj[s->np++] = (struct sched_job){ .gpus = m->pool > 0 ? 0 : j->size, .cpus = j->size,
	    .limit = j->limit, .id = (int64_t)i, .priority = -(double)j->submit };
}

/* A job's usage, charged to its user when it ends (multifactor). */
static void charge(struct sim *s, size_t job, int64_t end)
{
	size_t u = s->uidx[job];
	int64_t hl = s->prio->half_life_s;
	s->usage[u] = fs_decay(s->usage[u], s->uat[u], end, hl) +
	    fs_accrue(s->jobs[job].size, s->start[job], end, hl);
	s->uat[u] = end;
}

static int by_prio_desc(const void *a, const void *b, void *arg)
{
	const struct sim *s = arg;
	const struct sched_job *x = a, *y = b;
	double px = s->pr[x->id], py = s->pr[y->id];
	if (px != py)
		return px > py ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Order the pending jobs by priority at t: fair share over the users'
 * usage (running jobs accrued to t), age, size, xfactor. */
static void order(struct sim *s, int64_t t, double cluster)
{
	int64_t hl = s->prio->half_life_s;
	for (size_t u = 0; u < s->nu; u++)
		s->fs[u] = (struct fs_node){ .parent = -1, .shares = 1,
		    .usage = fs_decay(s->usage[u], s->uat[u], t, hl) };
	for (size_t k = 0; k < s->nr; k++) {
		size_t job = s->rjob[k];
		s->fs[s->uidx[job]].usage += fs_accrue(s->jobs[job].size, s->start[job], t, hl);
	}
	fs_compute(s->fs, s->nu);
	for (size_t i = 0; i < s->np; i++) {
		size_t job = (size_t)s->pj[i].id;
		const struct sim_job *j = &s->jobs[job];
		struct prio_job pj = { .eligible = j->submit, .limit_s = j->limit, .size = j->size,
		    .cluster_size = cluster, .fairshare = s->fs[s->uidx[job]].factor };
		struct prio_factors f;
		prio_compute(s->prio, &pj, t, &f);
		s->pr[job] = f.total;
	}
	qsort_r(s->pj, s->np, sizeof *s->pj, by_prio_desc, s);
}

/* Users of the window as indices 0..nu-1; the last one is "unknown". */
static void users_init(struct sim *s, size_t n)
{
	int64_t max = -1;
	for (size_t i = 0; i < n; i++)
		if (s->jobs[i].user >= 0 && s->jobs[i].user < 1000000 && s->jobs[i].user > max)
			max = s->jobs[i].user;
	s->nu = (size_t)(max + 2);
	s->uidx = xcalloc(n, sizeof *s->uidx);
	for (size_t i = 0; i < n; i++) {
		int64_t u = s->jobs[i].user;
		s->uidx[i] = u >= 0 && u <= max ? (size_t)u : s->nu - 1;
	}
	s->usage = xcalloc(s->nu, sizeof *s->usage);
	s->uat = xcalloc(s->nu, sizeof *s->uat);
	s->fs = xcalloc(s->nu, sizeof *s->fs);
	s->pr = xcalloc(n, sizeof *s->pr);
}

static void complete(struct sim *s, size_t job)
{
	size_t k = s->slot[job];
	struct sched_node *n = &s->nodes[s->runs[k].node];
	n->cpus_free += s->runs[k].cpus;
	n->gpu_free |= s->rmask[k];
	n->njobs--;
	s->nr--;
	s->runs[k] = s->runs[s->nr];
	s->rmask[k] = s->rmask[s->nr];
	s->rjob[k] = s->rjob[s->nr];
	s->slot[s->rjob[k]] = k;
}

/* Start what the pass decided at time t; drop them from the pending array. */
static void start_decided(struct sim *s, const struct sched_plan *p, int64_t t)
{
	for (size_t d = 0; d < p->ndecisions; d++) {
		const struct sched_decision *dc = &p->out[d];
		struct sched_job *pj = &s->pj[dc->job];
		size_t job = (size_t)pj->id;
		const struct sim_job *j = &s->jobs[job];
		s->start[job] = t;
		s->runs[s->nr] = (struct sched_run){ dc->node, pj->gpus, pj->cpus, 0,
		    SCHED_SHARED, 0, t + j->limit, (int64_t)job };
		s->rmask[s->nr] = dc->gpu_mask;
		s->rjob[s->nr] = job;
		s->slot[job] = s->nr++;
		heap_push(s, (struct ev){ t + j->run, s->seq++, job });
		pj->id = -1;	/* started: compacted away below */
	}
	if (p->ndecisions == 0)
		return;
	size_t w = 0;
	for (size_t i = 0; i < s->np; i++)
		if (s->pj[i].id >= 0)
			s->pj[w++] = s->pj[i];
	s->np = w;
}

static void figures(const struct sim *s, size_t n, int util_to_start, int capacity,
    struct sim_result *r)
{
	double wait = 0, bsld = 0, work = 0;
	int64_t first = s->jobs[0].submit, last_start = 0, last_end = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sim_job *j = &s->jobs[i];
		int64_t w = s->start[i] - j->submit, e = s->start[i] + j->run;
		double b = (double)(w + j->run) / (double)(j->run > 10 ? j->run : 10);
		wait += (double)w;
		bsld += b > 1 ? b : 1;
		work += (double)j->run * j->size;
		if (j->submit < first)
			first = j->submit;
		if (s->start[i] > last_start)
			last_start = s->start[i];
		if (e > last_end)
			last_end = e;
	}
	int64_t span = (util_to_start ? last_start : last_end) - first;
	r->jobs = n;
	r->mean_wait_s = wait / (double)n;
	r->mean_bsld = bsld / (double)n;
	r->utilization = span > 0 ? work / ((double)capacity * (double)s->nnodes * (double)span) : 0;
	r->makespan_s = last_end - first;
}

static void sim_free(struct sim *s)
{
	free(s->nodes);
	free(s->pj);
	free(s->runs);
	free(s->rjob);
	free(s->rmask);
	free(s->slot);
	free(s->heap);
	free(s->start);
	free(s->uidx);
	free(s->usage);
	free(s->uat);
	free(s->fs);
	free(s->pr);
}

static int run(const struct sim_job *jobs, size_t n, const struct sim_machine *m, int policy,
    const struct prio_conf *prio, int util_to_start, struct sim_result *r, char *why,
    size_t errlen)
{
	struct sim s = { .jobs = jobs, .prio = prio };
	struct sched_decision *dec;
	size_t next = 0;
	int64_t t = 0, pin_job = -1, pin_until = 0;
	int rc = 0;

	memset(r, 0, sizeof *r);
	if (n == 0) {
		snprintf(why, errlen, "no jobs to replay");
		return -1;
	}
	machine_init(&s, m);
	s.pj = xcalloc(n, sizeof *s.pj);
	s.runs = xcalloc(n, sizeof *s.runs);
	s.rjob = xcalloc(n, sizeof *s.rjob);
	s.rmask = xcalloc(n, sizeof *s.rmask);
	s.slot = xcalloc(n, sizeof *s.slot);
	s.heap = xcalloc(n, sizeof *s.heap);
	s.start = xcalloc(n, sizeof *s.start);
	dec = xcalloc(n, sizeof *dec);
	if (prio != NULL)
		users_init(&s, n);
	double cluster = (double)sim_capacity(m) * (double)s.nnodes;
	while (next < n || s.nh > 0) {
		if (next < n && (s.nh == 0 || jobs[next].submit <= s.heap[0].end)) {
			if (jobs[next].submit > t)
				t = jobs[next].submit;
			arrive(&s, m, next++);
		} else {
			struct ev e = heap_pop(&s);
			if (e.end > t)
				t = e.end;
			complete(&s, e.job);
			if (prio != NULL)
				charge(&s, e.job, e.end);
		}
		if (prio != NULL)
			order(&s, t, cluster);
		struct sched_snapshot snap = { .policy = policy, .now = t, .nodes = s.nodes,
		    .nnodes = s.nnodes, .running = s.runs, .nrunning = s.nr, .jobs = s.pj,
		    .njobs = s.np, .pin_job = pin_job, .pin_until = pin_until };
		struct sched_plan p = { .out = dec, .cap = n };
		sched_plan(&snap, &p);
		pin_job = p.nresv ? s.pj[p.resv[0].job].id : -1;
		pin_until = p.nresv ? p.resv[0].start : 0;
		start_decided(&s, &p, t);
	}
	if (s.np > 0) {
		snprintf(why, errlen, "%zu jobs never fit the machine", s.np);
		rc = -1;
	} else {
		figures(&s, n, util_to_start, sim_capacity(m), r);
	}
	free(dec);
	sim_free(&s);
	return rc;
}

int sim_run(const struct sim_job *jobs, size_t n, const struct sim_machine *m, int policy,
    int util_to_start, struct sim_result *r, char *why, size_t errlen)
{
	return run(jobs, n, m, policy, NULL, util_to_start, r, why, errlen);
}

int sim_run_multifactor(const struct sim_job *jobs, size_t n, const struct sim_machine *m,
    const struct prio_conf *p, int util_to_start, struct sim_result *r, char *why,
    size_t errlen)
{
	return run(jobs, n, m, SCHED_EASY, p, util_to_start, r, why, errlen);
}

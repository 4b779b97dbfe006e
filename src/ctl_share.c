/*
 * ctl_share.c — the controller's fair share and multifactor priority: the
 * usage of each association (a user in an account) kept in memory and in
 * the database's usage table, the fair-share tree made from it for a pass,
 * and the pending jobs ordered by priority (priority.h) for sched_plan().
 *
 * Theory of operation.  Usage is written only when a job is over: what it
 * accrued from start to end (fs_accrue), added to its association's row
 * decayed to that end (fairshare.h: decay is continuous, so writing late or
 * seldom changes nothing).  A running job's share is not stored: each
 * computation adds what it has accrued so far from its start time, which
 * the database keeps, so a restart loses nothing and counts nothing twice.
 * (A job whose end was committed but whose usage write failed is the one
 * loss; the error is logged.)
 *
 * The tree for a computation: the accounts of hosts.ini (acct.h), then one
 * node per association that has usage or an active job.  A job stored
 * without an account (older releases) counts under its user's default; an
 * account removed from hosts.ini by a reconfigure counts as "default".
 * The pass orders its candidates by total priority, highest first, ties in
 * submission (id) order: the sort is stable over the id-ordered snapshot.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "begintime.h"
#include "config.h"
#include "ctl.h"
#include "db.h"
#include "fairshare.h"
#include "job.h"
#include "log.h"
#include "node.h"
#include "partition.h"
#include "priority.h"
#include "util.h"

struct ctl_usage {
	char *user, *account;
	double usage;		/* billed hours, decayed to `at` */
	int64_t at;
};

struct ctl_share {
	struct ctl_usage *u;
	size_t n, cap;
};

static struct ctl_usage *usage_find(struct ctl_share *s, const char *user, const char *account,
    int add)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->u[i].user, user) == 0 && strcmp(s->u[i].account, account) == 0)
			return &s->u[i];
	if (!add)
		return NULL;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->u = xreallocarray(s->u, s->cap, sizeof *s->u);
	}
	s->u[s->n] = (struct ctl_usage){ xstrdup(user), xstrdup(account), 0, 0 };
	return &s->u[s->n++];
}

static int load_one(void *arg, const char *user, const char *account, double usage, int64_t at)
{
	struct ctl_usage *u = usage_find(arg, user, account, 1);
	u->usage = usage;
	u->at = at;
	return 0;
}

int ctl_share_load(struct ctl *c, char *err, size_t errsz)
{
	c->share = xcalloc(1, sizeof *c->share);
	if (db_usage_each(c->db, load_one, c->share) != 0) {
		snprintf(err, errsz, "loading usage: %s", db_errmsg(c->db));
		return -1;
	}
	return 0;
}

void ctl_share_free(struct ctl *c)
{
	if (c->share == NULL)
		return;
	for (size_t i = 0; i < c->share->n; i++) {
		free(c->share->u[i].user);
		free(c->share->u[i].account);
	}
	free(c->share->u);
	free(c->share);
	c->share = NULL;
}

/* The account a job counts under, as hosts.ini says now. */
const char *ctl_job_account(struct ctl *c, const struct job *j)
{
	const struct acct_conf *a = &c->cfg->acct;
	char err[64];
	if (j->account != NULL && acct_find(a, j->account) >= 0)
		return j->account;
	if (j->account == NULL) {
		const char *d = acct_for_user(a, j->user ? j->user : "", NULL, err, sizeof err);
		if (d != NULL)
			return d;
	}
	return ACCT_DEFAULT;
}

/* Billed units per hour: GPUs × the billing of the node's GPU type, or CPUs. */
double ctl_job_rate(struct ctl *c, const struct job *j)
{
	int gpus, cpus;
	ctl_job_billed(c, j, &gpus, &cpus);
	if (gpus == 0)
		return cpus;
	const char *type = NULL;
	if (j->node >= 0 && (size_t)j->node < c->nnodes) {
		const struct node *n = &c->nodes[j->node];
		if (n->have_probe && n->probe.ngpus > 0)
			type = n->probe.gpus[0].name;
	}
	return gpus * acct_billing(&c->cfg->acct.prio, type);
}

void ctl_share_job_end(struct ctl *c, const struct job *j)
{
	ctl_share_charge(c, j, j->start_time, j->end_time);
}

void ctl_share_charge(struct ctl *c, const struct job *j, int64_t start, int64_t end)
{
	c->jobs_over++;	/* limits' GPU-hours are read again (ctl_limit.c) */
	if (c->share == NULL || start <= 0)
		return;
	if (end < start)
		end = start;
	int64_t hl = c->cfg->acct.prio.half_life_s;
	struct ctl_usage *u = usage_find(c->share, j->user ? j->user : "", ctl_job_account(c, j), 1);
	double add = fs_accrue(ctl_job_rate(c, j), start, end, hl);
	/* Both decayed to the later of the row's instant and this end. */
	if (end >= u->at) {
		u->usage = fs_decay(u->usage, u->at, end, hl) + add;
		u->at = end;
	} else {
		u->usage += fs_decay(add, end, u->at, hl);
	}
	if (db_usage_put(c->db, u->user, u->account, u->usage, u->at) != 0)
		log_error("job %" PRId64 ": usage not recorded: %s", j->id, db_errmsg(c->db));
}

/* A job that accrues now: started and not over. */
static int accruing(const struct job *j)
{
	return j->start_time > 0 && (j->state == JOB_RUNNING || j->state == JOB_LAUNCHING);
}

/* The tree at `now`: accounts, then associations (user/account names in v). */
void ctl_share_tree(struct ctl *c, int64_t now, struct share_tree *t)
{
	const struct acct_conf *a = &c->cfg->acct;
	struct ctl_share *s = c->share;
	int64_t hl = a->prio.half_life_s;
	size_t na = a->naccts;

	/* Every association with usage or an active job. */
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j != NULL && !job_state_is_final(j->state))
			(void)usage_find(s, j->user ? j->user : "", ctl_job_account(c, j), 1);
	}
	t->naccts = na;
	t->n = na + s->n;
	t->nodes = xcalloc(t->n ? t->n : 1, sizeof *t->nodes);
	t->raw = xcalloc(t->n ? t->n : 1, sizeof *t->raw);
	for (size_t i = 0; i < na; i++)
		t->nodes[i] = (struct fs_node){ .parent = a->accts[i].parent,
		    .shares = a->accts[i].shares };
	for (size_t k = 0; k < s->n; k++) {
		int p = acct_find(a, s->u[k].account);
		if (p < 0)
			p = acct_find(a, ACCT_DEFAULT);
		t->nodes[na + k] = (struct fs_node){ .parent = p, .shares = 1,
		    .usage = fs_decay(s->u[k].usage, s->u[k].at, now, hl) };
	}
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j == NULL || !accruing(j))
			continue;
		struct ctl_usage *u = usage_find(s, j->user ? j->user : "", ctl_job_account(c, j), 0);
		if (u != NULL)
			t->nodes[na + (size_t)(u - s->u)].usage +=
			    fs_accrue(ctl_job_rate(c, j), j->start_time, now, hl);
	}
	for (size_t k = 0; k < t->n; k++)
		t->raw[k] = t->nodes[k].usage;
	fs_compute(t->nodes, t->n);
}

void ctl_share_tree_free(struct share_tree *t)
{
	free(t->nodes);
	free(t->raw);
	memset(t, 0, sizeof *t);
}

struct period_arg {
	struct ctl *c;
	struct share_period *p;
};

static int period_one(void *arg, const char *user, const char *account, double gpu_s,
    double cpu_s)
{
	struct period_arg *pa = arg;
	struct ctl_share *s = pa->c->share;
	struct share_period *p = pa->p;
	/* An association seen only in the period's jobs joins the tree (with no
	 * usage), so that the period's hours have a line. */
	struct ctl_usage *u = usage_find(s, user, account[0] ? account : ACCT_DEFAULT, 1);
	size_t k = (size_t)(u - s->u);
	if (k >= p->n) {
		size_t n = s->n;
		p->gpu_h = xreallocarray(p->gpu_h, n, sizeof *p->gpu_h);
		p->cpu_h = xreallocarray(p->cpu_h, n, sizeof *p->cpu_h);
		for (size_t i = p->n; i < n; i++)
			p->gpu_h[i] = p->cpu_h[i] = 0;
		p->n = n;
	}
	p->gpu_h[k] += gpu_s / 3600.0;
	p->cpu_h[k] += cpu_s / 3600.0;
	return 0;
}

int ctl_share_period(struct ctl *c, const char *from, const char *to,
    struct share_period *p, char *err, size_t errsz)
{
	time_t now = (time_t)ctl_now_wall(c), f, t = now;
	memset(p, 0, sizeof *p);
	if (begin_parse_past(from, "-S", now, &f, err, errsz) != 0 ||
	    (to != NULL && begin_parse_past(to, "-E", now, &t, err, errsz) != 0))
		return -1;
	if (t <= f) {
		snprintf(err, errsz, "the period is empty: -E is not after -S");
		return -1;
	}
	p->from = f;
	p->to = t;
	struct period_arg pa = { c, p };
	if (db_period_each(c->db, f, t, now, period_one, &pa) != 0) {
		snprintf(err, errsz, "cannot read the period's jobs: %s", db_errmsg(c->db));
		ctl_share_period_clear(p);
		return -1;
	}
	return 0;
}

void ctl_share_period_clear(struct share_period *p)
{
	free(p->gpu_h);
	free(p->cpu_h);
	memset(p, 0, sizeof *p);
}

const char *ctl_share_user(struct ctl *c, size_t k)
{
	return c->share->u[k].user;
}

const char *ctl_share_account(struct ctl *c, size_t k)
{
	return c->share->u[k].account;
}

/* The cluster's GPUs and CPUs, for the job-size factor. */
static void cluster_size(struct ctl *c, double *gpus, double *cpus)
{
	*gpus = *cpus = 0;
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct node *n = &c->nodes[k];
		if (n->life != NODE_LIVE || !n->have_probe)
			continue;
		*gpus += (double)n->probe.ngpus;
		*cpus += n->probe.cpus;
	}
}

double ctl_job_priority(struct ctl *c, const struct share_tree *t, const struct job *j,
    int64_t now, struct prio_factors *f)
{
	struct prio_factors tmp;
	double cg, cc;
	if (f == NULL)
		f = &tmp;
	cluster_size(c, &cg, &cc);
	struct ctl_usage *u = usage_find(c->share, j->user ? j->user : "", ctl_job_account(c, j), 0);
	struct prio_job pj = {
		.eligible = j->begin_time > j->submit_time ? j->begin_time : j->submit_time,
		.limit_s = j->time_limit_s, .size = j->gpus > 0 ? j->gpus : j->cpus,
		.cluster_size = j->gpus > 0 ? cg : cc, .nice = j->nice,
		.fairshare = u != NULL && t->naccts + (size_t)(u - c->share->u) < t->n ?
		    t->nodes[t->naccts + (size_t)(u - c->share->u)].factor : 1,
		.partition = part_prio_factor(c->cfg, j->partition, j->user, j->account,
		    j->time_limit_s),
		.qos = qos_prio_factor(c->cfg, j->qos),
	};
	prio_compute(&c->cfg->acct.prio, &pj, now, f);
	return f->total;
}

struct keyed {
	struct job *j;
	double prio;
	size_t pos;
};

static int by_priority(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	if (a->prio != b->prio)
		return a->prio > b->prio ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void ctl_share_order(struct ctl *c, struct job **pend, size_t n, double *prio)
{
	struct share_tree t;
	int64_t now = ctl_now_wall(c);
	struct keyed *k = xcalloc(n ? n : 1, sizeof *k);
	ctl_share_tree(c, now, &t);
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed){ pend[i], ctl_job_priority(c, &t, pend[i], now, NULL), i };
	qsort(k, n, sizeof *k, by_priority);
	for (size_t i = 0; i < n; i++) {
		pend[i] = k[i].j;
		if (prio != NULL)
			prio[i] = k[i].prio;
	}
	free(k);
	ctl_share_tree_free(&t);
}

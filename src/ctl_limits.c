/*
 * ctl_limit.c — the controller's side of account and QoS limits
 * (limit.h): the counter groups of one scheduling pass, a job's groups,
 * and the checks at submit.
 *
 * Theory of operation.  hosts.ini's limits hold over what runs now, so a
 * pass builds its groups from the jobs holding resources (ctl_limits_new)
 * and the pure pass counts what it starts on top (limits_take).  Groups
 * exist only where a limit is set: an account's (max_gpus,
 * max_running_jobs, max_gpu_hours), one per user seen in such an account
 * (the _per_user keys), the same for QoS.  A job's groups are found
 * through small memos keyed by its interned strings and a hash of (kind,
 * section, uid), so 100,000 pending jobs cost a few probes each.
 *
 * max_gpu_hours counts the GPU time of jobs that ended within the period
 * (from the jobs table: the part inside the window) plus what running jobs
 * have used so far.  The table is read once per distinct period and kept
 * while no job has ended (c->jobs_over, counted by ctl_share_job_end) and
 * for at most CACHE_S, so the window's start lags by that at most.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "arrayspec.h"
#include "config.h"
#include "ctl.h"
#include "ctl_internal.h"
#include "db.h"
#include "job.h"
#include "limit.h"
#include "log.h"
#include "partition.h"
#include "util.h"

#define CACHE_S 60
#define MEMO 256

/* One row of the jobs table's GPU time since a period's start. */
struct gpu_row {
	char *user, *account, *qos;
	double gpu_s;
};

struct ctl_limits_cache {
	struct period {
		int64_t period_s, at;
		unsigned over;		/* c->jobs_over when read */
		struct gpu_row *rows;
		size_t n;
	} *p;
	size_t n;
};

struct ctl_limits {
	struct ctl *c;
	struct limits l;
	int32_t *acct, *qos;	/* the group of each account, QoS; 0 none */
	struct ukey {
		uint32_t uid;
		int32_t kind, sect, grp;	/* grp 0: empty slot */
	} *map;
	size_t mapcap, mapn;
	struct { const void *a, *b; int32_t idx; int used; } am[MEMO], qm[MEMO];
};

static void rows_free(struct period *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->rows[i].user);
		free(p->rows[i].account);
		free(p->rows[i].qos);
	}
	free(p->rows);
	p->rows = NULL;
	p->n = 0;
}

void ctl_limits_cache_free(struct ctl *c)
{
	struct ctl_limits_cache *k = c->limcache;
	if (k == NULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		rows_free(&k->p[i]);
	free(k->p);
	free(k);
	c->limcache = NULL;
}

static int add_row(void *arg, const char *user, const char *account, const char *qos,
    double gpu_s)
{
	struct period *p = arg;
	p->rows = xreallocarray(p->rows, p->n + 1, sizeof *p->rows);
	p->rows[p->n++] = (struct gpu_row){ user ? xstrdup(user) : NULL,
	    account ? xstrdup(account) : NULL, qos ? xstrdup(qos) : NULL, gpu_s };
	return 0;
}

/* The ended jobs' GPU time within the last period_s (cached, see above). */
static const struct period *period_rows(struct ctl *c, int64_t period_s, int64_t now)
{
	struct ctl_limits_cache *k = c->limcache;
	struct period *p = NULL;
	if (k == NULL)
		k = c->limcache = xcalloc(1, sizeof *k);
	for (size_t i = 0; i < k->n && p == NULL; i++)
		if (k->p[i].period_s == period_s)
			p = &k->p[i];
	if (p == NULL) {
		k->p = xreallocarray(k->p, k->n + 1, sizeof *k->p);
		p = &k->p[k->n++];
		*p = (struct period){ .period_s = period_s, .at = -1 };
	}
	if (p->at >= 0 && p->over == c->jobs_over && now >= p->at && now - p->at < CACHE_S)
		return p;
	rows_free(p);
	p->at = now;
	p->over = c->jobs_over;
	if (db_gpu_seconds_since(c->db, now - period_s, add_row, p) != 0) {
		log_error("limits: %s", db_errmsg(c->db));
		p->at = -1;	/* read again next pass; what was read counts */
	}
	return p;
}

/* The group of (kind, section, uid), made on first sight; 0: no limit there. */
static int32_t user_group(struct ctl_limits *L, const struct limit_conf *lc, int kind,
    int32_t sect, uint32_t uid)
{
	if (L->mapn * 2 >= L->mapcap) {
		struct ukey *old = L->map;
		size_t oldcap = L->mapcap;
		L->mapcap = oldcap ? 2 * oldcap : 64;
		L->map = xcalloc(L->mapcap, sizeof *L->map);
		L->mapn = 0;
		for (size_t i = 0; i < oldcap; i++) {
			if (old[i].grp == 0)
				continue;
			size_t h = (old[i].uid * 2654435761u + (uint32_t)old[i].sect * 40503u +
			    (uint32_t)old[i].kind) & (L->mapcap - 1);
			while (L->map[h].grp != 0)
				h = (h + 1) & (L->mapcap - 1);
			L->map[h] = old[i];
			L->mapn++;
		}
		free(old);
	}
	size_t h = (uid * 2654435761u + (uint32_t)sect * 40503u + (uint32_t)kind) &
	    (L->mapcap - 1);
	for (; L->map[h].grp != 0; h = (h + 1) & (L->mapcap - 1))
		if (L->map[h].uid == uid && L->map[h].kind == kind && L->map[h].sect == sect)
			return L->map[h].grp;
	int32_t g = limits_group(&L->l, lc, kind);
	if (g == 0)
		return 0;	/* never stored: the section has no per-user limit */
	L->map[h] = (struct ukey){ uid, kind, sect, g };
	L->mapn++;
	return g;
}

/* j's account index (hosts.ini's), -1 none; memo by its interned strings. */
static int32_t job_acct(struct ctl_limits *L, const struct job *j)
{
	size_t h = (((uintptr_t)j->account >> 4) ^ ((uintptr_t)j->user >> 3)) % MEMO;
	if (!L->am[h].used || L->am[h].a != j->account || L->am[h].b != j->user) {
		L->am[h].used = 1;
		L->am[h].a = j->account;
		L->am[h].b = j->user;
		L->am[h].idx = acct_find(&L->c->cfg->acct, ctl_job_account(L->c, j));
	}
	return L->am[h].idx;
}

static int32_t job_qos(struct ctl_limits *L, const struct job *j)
{
	size_t h = ((uintptr_t)j->qos >> 4) % MEMO;
	if (j->qos == NULL)
		return -1;
	if (!L->qm[h].used || L->qm[h].a != j->qos) {
		const struct qos_conf *q = qos_find(L->c->cfg, j->qos);
		L->qm[h].used = 1;
		L->qm[h].a = j->qos;
		L->qm[h].idx = q != NULL ? (int32_t)(q - L->c->cfg->qos) : -1;
	}
	return L->qm[h].idx;
}

void ctl_limits_job(struct ctl_limits *L, const struct job *j, int32_t *slots)
{
	memset(slots, 0, LIMIT_SLOTS * sizeof *slots);
	if (L == NULL)
		return;
	const struct config *cfg = L->c->cfg;
	int32_t a = job_acct(L, j), q = job_qos(L, j);
	if (a >= 0) {
		slots[LIM_ACCT] = L->acct[a];
		slots[LIM_ACCT_USER] = user_group(L, &cfg->acct.accts[a].lim, LIM_ACCT_USER, a,
		    j->uid);
		/* The accounts above: their limits count the whole subtree. */
		int p = cfg->acct.accts[a].parent;
		for (int d = 0; d < LIMIT_UP_DEPTH && p >= 0; d++, p = cfg->acct.accts[p].parent) {
			slots[LIM_UP + 2 * d] = L->acct[p];
			slots[LIM_UP + 2 * d + 1] = user_group(L, &cfg->acct.accts[p].lim,
			    LIM_ACCT_USER, p, j->uid);
		}
	}
	if (q >= 0) {
		slots[LIM_QOS] = L->qos[q];
		slots[LIM_QOS_USER] = user_group(L, &cfg->qos[q].lim, LIM_QOS_USER, q, j->uid);
	}
}

/* Whether a job row of that account / QoS name counts for section a / q. */
static int same(const char *x, const char *y)
{
	return x != NULL && y != NULL && strcmp(x, y) == 0;
}

/* Whether account `name` is hosts.ini's account `a` or one below it. */
static int within(const struct acct_conf *ac, const char *name, int a)
{
	int k = name != NULL ? acct_find(ac, name) : -1;
	for (int d = 0; k >= 0 && d <= LIMIT_UP_DEPTH; d++, k = ac->accts[k].parent)
		if (k == a)
			return 1;
	return 0;
}

/* Add the period's ended GPU time to the groups with max_gpu_hours. */
static void add_ended(struct ctl_limits *L, int64_t now)
{
	const struct config *cfg = L->c->cfg;
	char err[64];
	for (size_t a = 0; a < cfg->acct.naccts; a++) {
		const struct acct *ac = &cfg->acct.accts[a];
		if (L->acct[a] == 0 || ac->lim.max_gpu_s < 0)
			continue;
		const struct period *p = period_rows(L->c, ac->lim.period_s, now);
		for (size_t i = 0; i < p->n; i++) {
			const char *name = p->rows[i].account;
			if (name == NULL)	/* stored before accounts: the user's default */
				name = acct_for_user(&cfg->acct, p->rows[i].user ? p->rows[i].user :
				    "", NULL, err, sizeof err);
			if (within(&cfg->acct, name, (int)a))
				L->l.g[L->acct[a] - 1].gpu_s += p->rows[i].gpu_s;
		}
	}
	for (size_t q = 0; q < cfg->nqos; q++) {
		if (L->qos[q] == 0 || cfg->qos[q].lim.max_gpu_s < 0)
			continue;
		const struct period *p = period_rows(L->c, cfg->qos[q].lim.period_s, now);
		for (size_t i = 0; i < p->n; i++)
			if (same(p->rows[i].qos, cfg->qos[q].name))
				L->l.g[L->qos[q] - 1].gpu_s += p->rows[i].gpu_s;
	}
}

/* Whether hosts.ini sets any limit a pass checks. */
static int any_limit(const struct config *cfg)
{
	for (size_t a = 0; a < cfg->acct.naccts; a++)
		if (limit_conf_any(&cfg->acct.accts[a].lim))
			return 1;
	for (size_t q = 0; q < cfg->nqos; q++)
		if (limit_conf_any(&cfg->qos[q].lim))
			return 1;
	return 0;
}

struct ctl_limits *ctl_limits_new(struct ctl *c, int64_t now)
{
	const struct config *cfg = c->cfg;
	if (!any_limit(cfg))
		return NULL;
	struct ctl_limits *L = xcalloc(1, sizeof *L);
	L->c = c;
	L->acct = xcalloc(cfg->acct.naccts + 1, sizeof *L->acct);
	L->qos = xcalloc(cfg->nqos + 1, sizeof *L->qos);
	for (size_t a = 0; a < cfg->acct.naccts; a++)
		L->acct[a] = limits_group(&L->l, &cfg->acct.accts[a].lim, LIM_ACCT);
	for (size_t q = 0; q < cfg->nqos; q++)
		L->qos[q] = limits_group(&L->l, &cfg->qos[q].lim, LIM_QOS);
	add_ended(L, now);
	/* What holds resources now, and the GPU time running jobs have used. */
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		int32_t slots[LIMIT_SLOTS];
		if (j == NULL || !j->held)
			continue;
		ctl_limits_job(L, j, slots);
		limits_take(&L->l, slots, __builtin_popcountll(j->gpu_mask));
		if (j->svc_name != NULL)
			limits_svc_take(&L->l, slots, __builtin_popcountll(j->gpu_mask));
		if (job_state_is_final(j->state) || j->start_time <= 0 || now <= j->start_time)
			continue;	/* an ended one is in the table already */
		double used = (double)__builtin_popcountll(j->gpu_mask) * (double)(now - j->start_time);
		static const int whole[] = { LIM_ACCT, LIM_QOS, LIM_UP, LIM_UP + 2, LIM_UP + 4 };
		_Static_assert(LIM_UP + 4 == LIMIT_SLOTS - 2, "an account level left out");
		for (size_t k = 0; k < sizeof whole / sizeof whole[0]; k++)
			if (slots[whole[k]] > 0)
				L->l.g[slots[whole[k]] - 1].gpu_s += used;
	}
	return L;
}

struct limits *ctl_limits_groups(struct ctl_limits *L)
{
	return L != NULL ? &L->l : NULL;
}

void ctl_limits_free(struct ctl_limits *L)
{
	if (L == NULL)
		return;
	limits_clear(&L->l);
	free(L->acct);
	free(L->qos);
	free(L->map);
	free(L);
}

/* ---- submit ---- */

/* Jobs pending or running in each slot of a job of that account (index
 * a, -1 none), QoS and uid: the account's counts are its subtree's. */
#define MEMO_ACCTS 16
static void queued(struct ctl *c, int a, const char *qos, uint32_t uid, uint64_t *n)
{
	const struct acct_conf *ac = &c->cfg->acct;
	struct { const char *name; unsigned in; } memo[MEMO_ACCTS];
	size_t nmemo = 0;
	memset(n, 0, LIMIT_SLOTS * sizeof *n);
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j == NULL || job_state_is_final(j->state))
			continue;
		uint64_t k = ctl_array_pending(j) ? arrayspec_count(&j->array->pending) : 1;
		/* Which levels j counts in, remembered by its (interned) account
		 * name: 100,000 jobs of a few accounts cost a few lookups. */
		const char *name = ctl_job_account(c, j);
		size_t m = 0;
		while (m < nmemo && memo[m].name != name)
			m++;
		if (m == nmemo) {
			m = nmemo < MEMO_ACCTS ? nmemo++ : (size_t)(i % MEMO_ACCTS);
			memo[m].name = name;
			memo[m].in = 0;
			int p = a;
			for (int d = 0; p >= 0 && d <= LIMIT_UP_DEPTH; d++, p = ac->accts[p].parent)
				memo[m].in |= within(ac, name, p) << d;
		}
		for (int d = 0; d <= LIMIT_UP_DEPTH; d++) {
			int slot = d == 0 ? LIM_ACCT : LIM_UP + 2 * (d - 1);
			if (memo[m].in & (1u << d)) {
				n[slot] += k;
				n[slot + 1] += j->uid == uid ? k : 0;
			}
		}
		if (same(j->qos, qos)) {
			n[LIM_QOS] += k;
			n[LIM_QOS_USER] += j->uid == uid ? k : 0;
		}
	}
}

/* Whether l sets anything a submit checks. */
static int submit_checks(const struct limit_conf *l)
{
	return l != NULL && (limit_conf_any(l) || l->max_submit >= 0 || l->max_submit_per_user >= 0);
}

/* The refusal's words for a limit `what` of section `sect` `name`, counted n. */
static void refusal(char *err, size_t errsz, const struct job_row *r, uint64_t tasks, int why,
    const char *sect, const char *name, const char *what, int64_t max, const uint64_t *n)
{
	int user = strstr(what, "per_user") != NULL;
	if (strncmp(what, "max_submit", 10) == 0)
		snprintf(err, errsz, "%s%s%s %s already has %" PRIu64 " job%s pending or running; "
		    "%" PRIu64 " more would pass its %s = %" PRId64 " (%s)", user ? r->user : "",
		    user ? " in " : "", sect, name, n[user], n[user] == 1 ? "" : "s", tasks, what,
		    max, limit_reason_name(why));
	else if (strncmp(what, "max_gpus", 8) == 0)
		snprintf(err, errsz, "%d GPU%s is more than %s %s's %s = %" PRId64 ": it could "
		    "never start (%s)", r->gpus, r->gpus == 1 ? "" : "s", sect, name, what, max,
		    limit_reason_name(why));
	else
		snprintf(err, errsz, "%s %s's %s is 0: no job of it may run (%s)", sect, name, what,
		    limit_reason_name(why));
}

/* A service of more GPUs than a max_service_gpus over it could never start. */
static int svc_too_big(const struct job_row *r, const struct limit_conf *l, int qos,
    const char *name, char *err, size_t errsz)
{
	if (l == NULL || l->max_svc_gpus < 0 || r->gpus <= l->max_svc_gpus)
		return 0;
	snprintf(err, errsz, "%d GPU%s is more than %s %s's max_service_gpus = %d: this service "
	    "could never start (%s)", r->gpus, r->gpus == 1 ? "" : "s", qos ? "QoS" : "account",
	    name, (int)l->max_svc_gpus, limit_reason_name(qos ? LIM_R_QOS_SVC_GPUS :
	    LIM_R_ASSOC_SVC_GPUS));
	return -1;
}

static int svc_submit(const struct acct_conf *ac, int a, const struct qos_conf *q,
    const struct job_row *r, char *err, size_t errsz)
{
	if (r->svc_name == NULL)
		return 0;
	if ((a >= 0 && svc_too_big(r, &ac->accts[a].lim, 0, ac->accts[a].name, err, errsz) != 0) ||
	    (q != NULL && svc_too_big(r, &q->lim, 1, q->name, err, errsz) != 0))
		return -1;
	int p = a >= 0 ? ac->accts[a].parent : -1;
	for (int d = 0; p >= 0 && d < LIMIT_UP_DEPTH; d++, p = ac->accts[p].parent)
		if (svc_too_big(r, &ac->accts[p].lim, 0, ac->accts[p].name, err, errsz) != 0)
			return -1;
	return 0;
}

int ctl_limits_submit(struct ctl *c, const struct job_row *r, uint64_t tasks, char *err,
    size_t errsz)
{
	const struct acct_conf *ac = &c->cfg->acct;
	int a = r->account != NULL ? acct_find(ac, r->account) : -1;
	const struct qos_conf *q = r->qos != NULL ? qos_find(c->cfg, r->qos) : NULL;
	const struct limit_conf *al = a >= 0 ? &ac->accts[a].lim : NULL;
	const struct limit_conf *ql = q != NULL ? &q->lim : NULL;
	uint64_t n[LIMIT_SLOTS];
	const char *what = "";
	int64_t max = 0;
	int any = submit_checks(al) || submit_checks(ql);
	for (int p = a >= 0 ? ac->accts[a].parent : -1, d = 0; p >= 0 && d < LIMIT_UP_DEPTH;
	    d++, p = ac->accts[p].parent)
		any |= submit_checks(&ac->accts[p].lim);
	if (!any)
		return 0;
	queued(c, a, r->qos, r->uid, n);
	int why = limits_submit(al, ql, r->gpus, tasks, n, &what, &max);
	if (why != LIM_R_NONE) {
		int isq = why >= LIM_R_QOS_GRP_GRES;
		refusal(err, errsz, r, tasks, why, isq ? "QoS" : "account", isq ? q->name :
		    r->account, what, max, &n[isq ? LIM_QOS : LIM_ACCT]);
		return -1;
	}
	int p = a >= 0 ? ac->accts[a].parent : -1;
	for (int d = 0; p >= 0 && d < LIMIT_UP_DEPTH; d++, p = ac->accts[p].parent) {
		why = limits_submit_up(&ac->accts[p].lim, LIM_UP + 2 * d, r->gpus, tasks, n, &what,
		    &max);
		if (why != LIM_R_NONE) {
			refusal(err, errsz, r, tasks, why, "account", ac->accts[p].name, what, max,
			    &n[LIM_UP + 2 * d]);
			return -1;
		}
	}
	return svc_submit(ac, a, q, r, err, errsz);
}

/*
 * limit.c — account and QoS limits: the keys, the counter groups a pass
 * checks, the checks at submit.  See limit.h for the keys and Slurm's
 * names.
 *
 * Theory of operation.  A limit holds over a group of jobs: an account's,
 * one user's within an account, a QoS's, one user's within a QoS.  The
 * controller builds the groups once per pass from the jobs holding
 * resources (limits_take for each) and gives every pending job the 1-based
 * indices of its groups, so the check inside the pass is a few
 * comparisons and a started job is counted at once: with 100,000 pending
 * jobs a pass costs no lookup per job.  A group carries its limits
 * flattened (the slot says which keys apply: max_gpus to the account,
 * max_gpus_per_user to the user in it) and the reason each gives, so the
 * pass needs no configuration.  Keys are one table, read by both sections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobopt.h"
#include "limit.h"
#include "util.h"

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))

enum lkind { L_COUNT, L_HOURS, L_PERIOD };

static const struct lkey {
	const char *name;
	enum lkind kind;
	size_t off;
} keys[] = {
	{ "max_gpus", L_COUNT, offsetof(struct limit_conf, max_gpus) },
	{ "max_gpus_per_user", L_COUNT, offsetof(struct limit_conf, max_gpus_per_user) },
	{ "max_running_jobs", L_COUNT, offsetof(struct limit_conf, max_jobs) },
	{ "max_running_jobs_per_user", L_COUNT, offsetof(struct limit_conf, max_jobs_per_user) },
	{ "max_submit_jobs", L_COUNT, offsetof(struct limit_conf, max_submit) },
	{ "max_submit_jobs_per_user", L_COUNT, offsetof(struct limit_conf, max_submit_per_user) },
	{ "max_gpu_hours", L_HOURS, offsetof(struct limit_conf, max_gpu_s) },
	{ "period", L_PERIOD, offsetof(struct limit_conf, period_s) },
	{ "max_service_gpus", L_COUNT, offsetof(struct limit_conf, max_svc_gpus) },
};
_Static_assert(NITEMS(keys) <= NITEMS(((struct limit_conf *)0)->line), "line too small");

/* Slurm's names (src/common/job_state_reason.c), by enum limit_reason. */
static const char *const names[LIM_R_COUNT] = {
	[LIM_R_ASSOC_GRP_GRES] = "AssocGrpGRES",
	[LIM_R_ASSOC_GRP_JOBS] = "AssocGrpJobsLimit",
	[LIM_R_ASSOC_MAX_JOBS] = "AssocMaxJobsLimit",
	[LIM_R_ASSOC_GRP_SUBMIT] = "AssocGrpSubmitJobsLimit",
	[LIM_R_ASSOC_MAX_SUBMIT] = "AssocMaxSubmitJobLimit",
	[LIM_R_ASSOC_GRP_GRES_MIN] = "AssocGrpGRESMinutes",
	[LIM_R_QOS_GRP_GRES] = "QOSGrpGRES",
	[LIM_R_QOS_MAX_GRES_PER_USER] = "QOSMaxGRESPerUser",
	[LIM_R_QOS_GRP_JOBS] = "QOSGrpJobsLimit",
	[LIM_R_QOS_MAX_JOBS_PER_USER] = "QOSMaxJobsPerUserLimit",
	[LIM_R_QOS_GRP_SUBMIT] = "QOSGrpSubmitJobsLimit",
	[LIM_R_QOS_MAX_SUBMIT_PER_USER] = "QOSMaxSubmitJobPerUserLimit",
	[LIM_R_QOS_GRP_GRES_MIN] = "QOSGrpGRESMinutes",
	/* herd's own: Slurm runs no services */
	[LIM_R_ASSOC_SVC_GPUS] = "AccountServiceGPULimit",
	[LIM_R_QOS_SVC_GPUS] = "QOSServiceGPULimit",
};

const char *limit_reason_name(int r)
{
	return r > 0 && r < LIM_R_COUNT ? names[r] : NULL;
}

void limit_conf_init(struct limit_conf *l)
{
	memset(l, 0, sizeof *l);
	l->max_gpus = l->max_gpus_per_user = l->max_jobs = l->max_jobs_per_user = -1;
	l->max_submit = l->max_submit_per_user = -1;
	l->max_svc_gpus = -1;
	l->max_gpu_s = -1;
}

int limit_conf_pair(struct limit_conf *l, const char *key, const char *value, int line,
    char *err, size_t errsz)
{
	size_t i;
	long long n;
	int64_t secs;
	char tmp[HERD_ERRLEN];
	for (i = 0; i < NITEMS(keys) && strcmp(keys[i].name, key) != 0; i++)
		;
	if (i == NITEMS(keys))
		return 1;
	if (l->line[i] != 0) {
		snprintf(err, errsz, "duplicate key \"%s\" (first on line %d)", key, l->line[i]);
		return -1;
	}
	char *dst = (char *)l + keys[i].off;
	switch (keys[i].kind) {
	case L_COUNT:
		if (parse_whole(key, value, 0, 1000000, &n, err, errsz) != 0)
			return -1;
		*(int32_t *)dst = (int32_t)n;
		break;
	case L_HOURS:
		if (parse_whole(key, value, 0, 100000000, &n, err, errsz) != 0)
			return -1;
		*(double *)dst = (double)n * 3600;
		break;
	case L_PERIOD:
		if (parse_duration_s(value, &secs, tmp, sizeof tmp) != 0) {
			snprintf(err, errsz, "%s: %s", key, tmp);
			return -1;
		}
		if (secs <= 0) {
			snprintf(err, errsz, "%s: must be longer than 0 (as --time: MINUTES, "
			    "D-HH:MM:SS, ...)", key);
			return -1;
		}
		*(int64_t *)dst = secs;
		break;
	}
	l->line[i] = line;
	return 0;
}

int limit_conf_finish(const struct limit_conf *l, int *line, char *err, size_t errsz)
{
	int hours = l->max_gpu_s >= 0, period = l->period_s > 0;
	if (hours == period)
		return 0;
	*line = hours ? l->line[6] : l->line[7];
	snprintf(err, errsz, hours ? "max_gpu_hours needs period = DURATION (the window the hours "
	    "are counted over, such as 30-0 for 30 days)" : "period needs max_gpu_hours (the "
	    "GPU-hours allowed within it)");
	return -1;
}

int limit_conf_any(const struct limit_conf *l)
{
	return l->max_gpus >= 0 || l->max_gpus_per_user >= 0 || l->max_jobs >= 0 ||
	    l->max_jobs_per_user >= 0 || l->max_gpu_s >= 0 || l->max_svc_gpus >= 0;
}

int limit_conf_same(const struct limit_conf *a, const struct limit_conf *b)
{
	return a->max_gpus == b->max_gpus && a->max_gpus_per_user == b->max_gpus_per_user &&
	    a->max_jobs == b->max_jobs && a->max_jobs_per_user == b->max_jobs_per_user &&
	    a->max_submit == b->max_submit && a->max_submit_per_user == b->max_submit_per_user &&
	    a->max_gpu_s == b->max_gpu_s && a->period_s == b->period_s &&
	    a->max_svc_gpus == b->max_svc_gpus;
}

int32_t limits_group(struct limits *s, const struct limit_conf *l, int kind)
{
	int qos = kind >= LIM_QOS, user = kind == LIM_ACCT_USER || kind == LIM_QOS_USER;
	struct limit_group g = { .max_gpus = user ? l->max_gpus_per_user : l->max_gpus,
		.max_jobs = user ? l->max_jobs_per_user : l->max_jobs,
		.max_gpu_s = user ? -1 : l->max_gpu_s,
		.max_svc_gpus = user ? -1 : l->max_svc_gpus };
	if (g.max_gpus < 0 && g.max_jobs < 0 && g.max_gpu_s < 0 && g.max_svc_gpus < 0)
		return 0;
	g.r_svc = qos ? LIM_R_QOS_SVC_GPUS : LIM_R_ASSOC_SVC_GPUS;
	g.r_gpus = qos ? (user ? LIM_R_QOS_MAX_GRES_PER_USER : LIM_R_QOS_GRP_GRES) :
	    LIM_R_ASSOC_GRP_GRES;
	g.r_jobs = qos ? (user ? LIM_R_QOS_MAX_JOBS_PER_USER : LIM_R_QOS_GRP_JOBS) :
	    (user ? LIM_R_ASSOC_MAX_JOBS : LIM_R_ASSOC_GRP_JOBS);
	g.r_gpu_s = qos ? LIM_R_QOS_GRP_GRES_MIN : LIM_R_ASSOC_GRP_GRES_MIN;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->g = xreallocarray(s->g, s->cap, sizeof *s->g);
	}
	s->g[s->n++] = g;
	return (int32_t)s->n;
}

void limits_clear(struct limits *s)
{
	free(s->g);
	memset(s, 0, sizeof *s);
}

int limits_block(const struct limits *s, const int32_t *slots, int gpus)
{
	if (s == NULL)
		return LIM_R_NONE;
	for (int k = 0; k < LIMIT_SLOTS; k++) {
		if (slots[k] <= 0 || (size_t)slots[k] > s->n)
			continue;
		const struct limit_group *g = &s->g[slots[k] - 1];
		if (g->max_gpus >= 0 && gpus > 0 && g->gpus + gpus > g->max_gpus)
			return g->r_gpus;
		if (g->max_jobs >= 0 && g->jobs + 1 > g->max_jobs)
			return g->r_jobs;
		if (g->max_gpu_s >= 0 && gpus > 0 && g->gpu_s >= g->max_gpu_s)
			return g->r_gpu_s;
	}
	return LIM_R_NONE;
}

int limits_block_after(const struct limits *s, const int32_t *a, int ga, const int32_t *b,
    int gb)
{
	if (s == NULL || a == NULL || b == NULL)
		return LIM_R_NONE;
	for (int k = 0; k < LIMIT_SLOTS; k++) {
		int shared = 0;
		if (b[k] <= 0 || (size_t)b[k] > s->n)
			continue;
		for (int m = 0; m < LIMIT_SLOTS; m++)
			shared |= a[m] == b[k];
		if (!shared)
			continue;
		const struct limit_group *g = &s->g[b[k] - 1];
		if (g->max_gpus >= 0 && gb > 0 && g->gpus + ga + gb > g->max_gpus)
			return g->r_gpus;
		if (g->max_jobs >= 0 && g->jobs + 2 > g->max_jobs)
			return g->r_jobs;
	}
	return LIM_R_NONE;
}

void limits_take(struct limits *s, const int32_t *slots, int gpus)
{
	if (s == NULL)
		return;
	for (int k = 0; k < LIMIT_SLOTS; k++) {
		if (slots[k] <= 0 || (size_t)slots[k] > s->n)
			continue;
		s->g[slots[k] - 1].gpus += gpus;
		s->g[slots[k] - 1].jobs++;
	}
}

int limits_svc_block(const struct limits *s, const int32_t *slots, int gpus)
{
	if (s == NULL || gpus <= 0)
		return LIM_R_NONE;
	for (int k = 0; k < LIMIT_SLOTS; k++) {
		if (slots[k] <= 0 || (size_t)slots[k] > s->n)
			continue;
		const struct limit_group *g = &s->g[slots[k] - 1];
		if (g->max_svc_gpus >= 0 && g->svc_gpus + gpus > g->max_svc_gpus)
			return g->r_svc;
	}
	return LIM_R_NONE;
}

void limits_svc_take(struct limits *s, const int32_t *slots, int gpus)
{
	if (s == NULL)
		return;
	for (int k = 0; k < LIMIT_SLOTS; k++)
		if (slots[k] > 0 && (size_t)slots[k] <= s->n)
			s->g[slots[k] - 1].svc_gpus += gpus;
}

/* One section's submit checks; slot0: its LIM_ACCT or LIM_QOS. */
static int submit_one(const struct limit_conf *l, int qos, int gpus, uint64_t tasks,
    const uint64_t *queued, int slot0, const char **what, int64_t *max)
{
	if (l == NULL)
		return LIM_R_NONE;
	*what = "max_gpus";
	*max = l->max_gpus;
	if (l->max_gpus >= 0 && gpus > l->max_gpus)
		return qos ? LIM_R_QOS_GRP_GRES : LIM_R_ASSOC_GRP_GRES;
	*what = "max_gpus_per_user";
	*max = l->max_gpus_per_user;
	if (l->max_gpus_per_user >= 0 && gpus > l->max_gpus_per_user)
		return qos ? LIM_R_QOS_MAX_GRES_PER_USER : LIM_R_ASSOC_GRP_GRES;
	*what = "max_running_jobs";
	*max = 0;
	if (l->max_jobs == 0)
		return qos ? LIM_R_QOS_GRP_JOBS : LIM_R_ASSOC_GRP_JOBS;
	*what = "max_running_jobs_per_user";
	if (l->max_jobs_per_user == 0)
		return qos ? LIM_R_QOS_MAX_JOBS_PER_USER : LIM_R_ASSOC_MAX_JOBS;
	*what = "max_gpu_hours";
	if (gpus > 0 && l->max_gpu_s == 0)
		return qos ? LIM_R_QOS_GRP_GRES_MIN : LIM_R_ASSOC_GRP_GRES_MIN;
	*what = "max_submit_jobs";
	*max = l->max_submit;
	if (l->max_submit >= 0 && (queued ? queued[slot0] : 0) + tasks > (uint64_t)l->max_submit)
		return qos ? LIM_R_QOS_GRP_SUBMIT : LIM_R_ASSOC_GRP_SUBMIT;
	*what = "max_submit_jobs_per_user";
	*max = l->max_submit_per_user;
	if (l->max_submit_per_user >= 0 &&
	    (queued ? queued[slot0 + 1] : 0) + tasks > (uint64_t)l->max_submit_per_user)
		return qos ? LIM_R_QOS_MAX_SUBMIT_PER_USER : LIM_R_ASSOC_MAX_SUBMIT;
	return LIM_R_NONE;
}

int limits_submit_up(const struct limit_conf *up, int slot, int gpus, uint64_t tasks,
    const uint64_t *queued, const char **what, int64_t *max)
{
	return submit_one(up, 0, gpus, tasks, queued, slot, what, max);
}

int limits_submit(const struct limit_conf *acct, const struct limit_conf *qos, int gpus,
    uint64_t tasks, const uint64_t *queued, const char **what, int64_t *max)
{
	int r = submit_one(acct, 0, gpus, tasks, queued, LIM_ACCT, what, max);
	return r != LIM_R_NONE ? r : submit_one(qos, 1, gpus, tasks, queued, LIM_QOS, what, max);
}

/*
 * limit.h — per-account and per-QoS limits (Slurm's association and QoS
 * limits): their keys in hosts.ini, and the counters a scheduling pass
 * checks them against.  Pure: no I/O, no clock.
 *
 * Keys, the same in [account NAME] and [qos NAME] (none set: no limit):
 *
 *   max_gpus = N                  GPUs held by the running jobs of the
 *                                 account (QoS) together (Slurm's GrpTRES
 *                                 gres/gpu: AssocGrpGRES, QOSGrpGRES)
 *   max_gpus_per_user = N         the same for each user in it (AssocGrpGRES:
 *                                 Slurm limits a user in an account on the
 *                                 user's association, which it names so;
 *                                 QOSMaxGRESPerUser)
 *   max_running_jobs = N          running jobs of it together (GrpJobs:
 *                                 AssocGrpJobsLimit, QOSGrpJobsLimit)
 *   max_running_jobs_per_user = N the same per user (MaxJobs:
 *                                 AssocMaxJobsLimit, QOSMaxJobsPerUserLimit)
 *   max_submit_jobs = N           pending + running jobs of it together, at
 *                                 submit (GrpSubmitJobs:
 *                                 AssocGrpSubmitJobsLimit, QOSGrpSubmitJobsLimit)
 *   max_submit_jobs_per_user = N  the same per user (MaxSubmitJobs:
 *                                 AssocMaxSubmitJobLimit,
 *                                 QOSMaxSubmitJobPerUserLimit)
 *   max_gpu_hours = H             GPU-hours used within the last `period`
 *   period = DURATION             (both or neither): the GPU time of jobs
 *                                 that ended within the period (the part
 *                                 inside it) plus what running jobs have
 *                                 used so far.  A job starts only while
 *                                 that is under H (GrpTRESMins gres/gpu, a
 *                                 budget of used minutes: AssocGrpGRESMinutes,
 *                                 QOSGrpGRESMinutes; not ...RunMinutes,
 *                                 which counts what running jobs have left)
 *   max_service_gpus = N          GPUs held by the running services (herd
 *                                 service) of the account (QoS) together;
 *                                 batch jobs are not counted nor held by it
 *                                 (herd's own reason, Slurm has none:
 *                                 AccountServiceGPULimit, QOSServiceGPULimit)
 *
 * The pass: each job names up to LIMIT_SLOTS counter groups (its account,
 * itself in its account, its QoS, itself in its QoS, then each account
 * above its own and itself in it, up to LIMIT_UP_DEPTH levels: a parent's
 * limits hold over all of its sub-accounts' jobs together, as Slurm's Grp
 * limits hold over an association's subtree), 1-based, 0 none.
 * limits_block() is O(1) per job; limits_take() counts a job the pass
 * starts, so the next job in the same pass sees it.
 *
 * Ownership: struct limits is zeroed to start, grown by limits_group(),
 * released by limits_clear().
 */
#ifndef HERD_LIMIT_H
#define HERD_LIMIT_H

#include <stddef.h>
#include <stdint.h>

/* One section's limits; -1 (max_gpu_s < 0): not set. */
struct limit_conf {
	int32_t max_gpus, max_gpus_per_user;
	int32_t max_jobs, max_jobs_per_user;
	int32_t max_submit, max_submit_per_user;
	double max_gpu_s;	/* max_gpu_hours × 3600 */
	int64_t period_s;
	int32_t max_svc_gpus;	/* max_service_gpus */
	int line[9];		/* the line that set each key: duplicates, finish */
};

/* Why a job waits (or is refused), Slurm's names (limit_reason_name). */
enum limit_reason {
	LIM_R_NONE = 0,
	LIM_R_ASSOC_GRP_GRES, LIM_R_ASSOC_GRP_JOBS, LIM_R_ASSOC_MAX_JOBS,
	LIM_R_ASSOC_GRP_SUBMIT, LIM_R_ASSOC_MAX_SUBMIT, LIM_R_ASSOC_GRP_GRES_MIN,
	LIM_R_QOS_GRP_GRES, LIM_R_QOS_MAX_GRES_PER_USER, LIM_R_QOS_GRP_JOBS,
	LIM_R_QOS_MAX_JOBS_PER_USER, LIM_R_QOS_GRP_SUBMIT, LIM_R_QOS_MAX_SUBMIT_PER_USER,
	LIM_R_QOS_GRP_GRES_MIN,
	LIM_R_ASSOC_SVC_GPUS, LIM_R_QOS_SVC_GPUS,
	LIM_R_COUNT
};

/* Which group a slot is: the account's, a user's in it, the QoS's, a user's
 * in it; then the accounts above (LIM_UP + 2d: d + 1 levels up; + 1: the
 * user in it).  A limit on an account further above a job's own than
 * LIMIT_UP_DEPTH is refused by the configuration (acct_conf_finish). */
#define LIMIT_UP_DEPTH 3
enum { LIM_ACCT = 0, LIM_ACCT_USER = 1, LIM_QOS = 2, LIM_QOS_USER = 3, LIM_UP = 4,
	LIMIT_SLOTS = LIM_UP + 2 * LIMIT_UP_DEPTH };

/* One set of counters and the limits that hold over them. */
struct limit_group {
	int32_t max_gpus, max_jobs;	/* -1: none */
	double max_gpu_s;		/* < 0: none */
	uint8_t r_gpus, r_jobs, r_gpu_s;	/* enum limit_reason of each */
	int32_t gpus, jobs;		/* held by running jobs, and those the pass starts */
	double gpu_s;			/* GPU-seconds used in the period */
	int32_t max_svc_gpus, svc_gpus;	/* services' GPUs: the limit (-1 none), held */
	uint8_t r_svc;
};

struct limits {
	struct limit_group *g;
	size_t n, cap;
};

/* A limit_conf with nothing set. */
void limit_conf_init(struct limit_conf *l);
/*
 * key = value in a section (what: "account" or "qos", for messages).
 * 1: not a limit key (the caller's); 0 set; -1 with *err (no FILE:LINE).
 */
int limit_conf_pair(struct limit_conf *l, const char *key, const char *value, int line,
    char *err, size_t errsz);
/* After the section: max_gpu_hours and period come together.  -1 with *err and *line. */
int limit_conf_finish(const struct limit_conf *l, int *line, char *err, size_t errsz);
/* Whether any limit is set (the pass needs counters). */
int limit_conf_any(const struct limit_conf *l);
/* Whether two say the same (line numbers aside). */
int limit_conf_same(const struct limit_conf *a, const struct limit_conf *b);

/*
 * A new group for slot kind (LIM_*) from l, counters zero; returns its
 * 1-based index, or 0 where l sets nothing that slot checks.
 */
int32_t limits_group(struct limits *s, const struct limit_conf *l, int kind);
void limits_clear(struct limits *s);

/* The first limit a job of `gpus` GPUs in these groups would break by
 * starting now (enum limit_reason), LIM_R_NONE: none.  s NULL: none. */
int limits_block(const struct limits *s, const int32_t *slots, int gpus);
/* Count a job started (or running) in its groups. */
void limits_take(struct limits *s, const int32_t *slots, int gpus);
/* A service's own limit (max_service_gpus), checked and counted besides
 * the above: its reason, LIM_R_NONE none; a service's GPUs taken. */
int limits_svc_block(const struct limits *s, const int32_t *slots, int gpus);
void limits_svc_take(struct limits *s, const int32_t *slots, int gpus);
/* The reason b (gb GPUs), started while a (ga GPUs) runs, would pass a
 * limit of a group they share, as the groups count now; LIM_R_NONE if none.
 * (A backfilled job must not delay a reservation through a limit.) */
int limits_block_after(const struct limits *s, const int32_t *a, int ga, const int32_t *b,
    int gb);

/*
 * Submit: why a job of `gpus` GPUs and `tasks` jobs (an array: its tasks)
 * can never start or may not be queued, given `queued` jobs already
 * pending or running in each slot (NULL: not counted); LIM_R_NONE: it may.
 * *what: the key broken, for the message.
 */
int limits_submit(const struct limit_conf *acct, const struct limit_conf *qos, int gpus,
    uint64_t tasks, const uint64_t *queued, const char **what, int64_t *max);
/* The same for one account above the job's own, whose counts are
 * queued[slot] and queued[slot + 1] (its LIM_UP + 2d). */
int limits_submit_up(const struct limit_conf *up, int slot, int gpus, uint64_t tasks,
    const uint64_t *queued, const char **what, int64_t *max);

/* Slurm's name ("AssocGrpGRES"), NULL for LIM_R_NONE or unknown. */
const char *limit_reason_name(int r);

#endif

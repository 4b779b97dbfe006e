/*
 * db.h — the queue's SQLite file.  Nothing else in herd writes SQL.
 *
 * WAL mode, synchronous=FULL: db_commit returns only once the WAL is
 * fsynced, so a commit survives a controller crash, an OS crash and a
 * power cut alike.  An acknowledged submit is a promise that the job is
 * on stable storage; NORMAL (sync at checkpoints only) lost acknowledged
 * jobs to a power cut.  The cost is one fsync per commit (`make bench`,
 * "commit with synchronous=FULL"), which is why the controller commits a
 * loop turn's changes together (db_batch_open, ctl_batch.c).  The schema is versioned with PRAGMA
 * user_version and migrated forward on open.
 *
 * The database and its -wal and -shm files are created mode 0600.  The
 * environment variable HERD_FAULT_DB (herdd(8)) injects failures into
 * inserts, updates, begins and commits, for tests.
 *
 * Ownership: db_open/db_close.  struct job_row is job_row_init/job_row_clear;
 * it owns its strings.  Every function returns 0 or -1 (message in the
 * db's last error, db_errmsg()).
 */
#ifndef HERD_DB_H
#define HERD_DB_H

#include <stddef.h>
#include <stdint.h>

#include "jobfield.h"

struct db;

/*
 * One job as stored, sent and submitted: everything `herd show` and the
 * history need.  Its members are JOB_FIELDS (jobfield.h), in that order.
 */
#define JOB_ROW_S(m, ...)		char *m;
#define JOB_ROW_N(m, name, col, kind, flags, rtype, ...)	rtype m;
struct job_row {
	JOB_FIELDS(JOB_ROW_S, JOB_ROW_N, JOB_ROW_N, JOB_ROW_N, JOB_ROW_N, JOB_ROW_N)
};

/*
 * One earlier attempt of a job, ended by a requeue or a node failure: the
 * job's own row always describes its latest attempt, the `attempts` table
 * every one before it.
 */
struct attempt_row {
	int64_t job_id;
	int32_t attempt;
	char *node;		/* NULL: never placed */
	char *gpu_list;		/* "0,3", NULL: none */
	int64_t start_time, end_time;	/* 0: unknown */
	int state;		/* how it ended: REQUEUED, NODE_FAIL, or a final state */
	int32_t exit_code;	/* -1 unknown */
	char *reason;
};

/* What a launch and `herd show` need beyond the row: stored once at submit. */
struct job_data {
	char *script;
	size_t script_len;
	char *argv;		/* NUL-separated */
	size_t argv_len;
	char *env;		/* NUL-separated KEY=VALUE */
	size_t env_len;
	char *command;		/* the script's path or the wrapped command; NULL: unknown */
	char *submit_dir;	/* where `herd submit` ran; NULL: unknown (older jobs) */
	char *submit_host;	/* NULL: unknown */
	int ntasks;		/* sbatch -n on one node: CPUs are ntasks x per task */
};

void job_row_init(struct job_row *r);
void job_row_clear(struct job_row *r);
/* A deep copy: `to` owns its strings (a borrowing view made owning). */
void job_row_copy(struct job_row *to, const struct job_row *from);
void job_data_clear(struct job_data *d);

int db_open(struct db **out, const char *path, char *err, size_t errsz);
void db_close(struct db *db);
const char *db_errmsg(struct db *db);

int db_begin(struct db *db);
int db_commit(struct db *db);
void db_rollback(struct db *db);
/*
 * A batch: one transaction for many callers' writes (the controller's loop
 * turn).  While it is open, db_begin/db_commit/db_rollback are a savepoint
 * and its release or undo, and plain writes join it; nothing is durable
 * until db_batch_commit, which on failure rolls the whole batch back.
 * db_batch_open inside a caller's own transaction does nothing.
 */
int db_batch_open(struct db *db);
int db_batch_commit(struct db *db);
int db_batch_is_open(const struct db *db);
/* Durable commits made since db_open (tests and make bench count them). */
unsigned long long db_commits(const struct db *db);

/* Insert a new PENDING job; r->id is set.  Inside the caller's transaction.
 * d NULL: an array's task, whose submission is stored with the array's record. */
int db_job_insert(struct db *db, struct job_row *r, const struct job_data *d);
/* Write state, reason, exit code, node, GPUs, times and attempt of a job. */
int db_job_update(struct db *db, const struct job_row *r);
/* Fetch one job; 1 found, 0 not found, -1 error. */
int db_job_get(struct db *db, int64_t id, struct job_row *r);
int db_job_get_data(struct db *db, int64_t id, struct job_data *d);
/* Every job not final (job_state_is_final), or final and still holding
 * resources on its node, in id order. */
int db_jobs_active(struct db *db, int (*cb)(void *arg, const struct job_row *r), void *arg);
/* Final jobs, newest first, at most `limit`; uid (uint32_t)-1 for all users. */
int db_jobs_history(struct db *db, uint32_t uid, int limit,
    int (*cb)(void *arg, const struct job_row *r), void *arg);

/* The started task `task` of array `array_id`: 1 found, 0 not, -1 error. */
int db_array_task_get(struct db *db, int64_t array_id, uint32_t task, struct job_row *r);
/* Every started task of an array (its own record too, once it is the last
 * task), by task id. */
int db_array_tasks(struct db *db, int64_t array_id,
    int (*cb)(void *arg, const struct job_row *r), void *arg);
/* Record an attempt that ended (a repeat replaces it); in the caller's transaction. */
int db_attempt_insert(struct db *db, const struct attempt_row *a);
/* A job's recorded attempts, oldest first; the row passed borrows its strings. */
int db_attempts(struct db *db, int64_t job_id,
    int (*cb)(void *arg, const struct attempt_row *a), void *arg);

/* The highest job id issued or seen on a node (0: none). */
int db_max_job_id(struct db *db, int64_t *out);
/* No id up to `id` is issued again (a node has seen it); only ever rises. */
int db_raise_id_floor(struct db *db, int64_t id);

/* This database's random instance id (hex), made when it was created. */
int db_instance(struct db *db, char *out, size_t size);

/* Node bookkeeping across restarts (boot id). */
int db_node_get_boot(struct db *db, const char *name, char *boot, size_t size);
int db_node_set_boot(struct db *db, const char *name, const char *boot);
/* herd drain / resume, by node name (in the caller's transaction, or autocommit);
 * reason is stored as given.  db_node_drains: every drained node, by name; the
 * strings passed are borrowed for the call. */
int db_node_drain(struct db *db, const char *name, const char *reason, int64_t when);
int db_node_resume(struct db *db, const char *name, int64_t when);
int db_node_drains(struct db *db,
    int (*cb)(void *arg, const char *name, const char *reason, int64_t since), void *arg);

/*
 * Fair share's usage per association (user, account): the value decayed to
 * decayed_to (fairshare.h).  db_usage_put writes one (in the caller's
 * transaction, or autocommit); db_usage_each reads all, strings borrowed
 * for the call; a callback's nonzero stops it.
 */
int db_usage_put(struct db *db, const char *user, const char *account, double usage,
    int64_t decayed_to);
int db_usage_each(struct db *db,
    int (*cb)(void *arg, const char *user, const char *account, double usage, int64_t at),
    void *arg);

/*
 * Limits' max_gpu_hours (limit.h): per (user, account, qos) (each may be
 * NULL), the GPU-seconds of the jobs that ended after `since`, counting
 * only their part after it.  Strings borrowed for the call.
 */
int db_gpu_seconds_since(struct db *db, int64_t since,
    int (*cb)(void *arg, const char *user, const char *account, const char *qos, double gpu_s),
    void *arg);

/*
 * herd usage -S/-E: per (user, account), the GPU- and CPU-seconds allocated
 * inside [from, to), every attempt counted (one still running up to now),
 * undecayed.  Strings borrowed for the call; account "" when none stored.
 */
int db_period_each(struct db *db, int64_t from, int64_t to, int64_t now,
    int (*cb)(void *arg, const char *user, const char *account, double gpu_s, double cpu_s),
    void *arg);

/*
 * Add `note` to the reason of ended job `id`'s attempt on `node` (and of
 * `user`, where not NULL), unless its reason holds `once` already: what a
 * node tells of a job after the controller let go of it.
 */
int db_job_note(struct db *db, int64_t id, int attempt, const char *node, const char *user,
    const char *note, const char *once);

/* Lab mode's registered users (herd register): 0 / -1; registered: 1, 0 or -1. */
int db_user_register(struct db *db, uint32_t uid, const char *name, int64_t when);
int db_user_unregister(struct db *db, uint32_t uid);
int db_user_registered(struct db *db, uint32_t uid);

/* One action an admin (or root) took on another user's job (herd audit). */
struct audit_row {
	int64_t id;		/* set by the database */
	int64_t time;		/* wall seconds */
	uint32_t actor_uid;
	char *actor;		/* user name */
	char *action;		/* authz_action_name(): "cancel", "read_env", ... */
	int64_t job_id;		/* 0: none */
	uint32_t owner_uid;
	char *owner;
	char *detail;		/* NULL: none */
};
/* Record one (autocommit, or inside the caller's transaction). */
int db_audit_insert(struct db *db, const struct audit_row *a);
/* The newest `limit` records, newest first; the row passed borrows its strings. */
int db_audit_list(struct db *db, int limit,
    int (*cb)(void *arg, const struct audit_row *a), void *arg);

/*
 * herd doctor: lab mode's registered users, read from the database at
 * `path` without db_open (no migration, no write, not created when
 * missing), so that it works beside a running herdd or without one.
 * cb per user (strings borrowed for the call; non-zero stops).  0, or -1
 * with *err.
 */
int db_lab_users_read(const char *path, int (*cb)(void *arg, uint32_t uid, const char *name),
    void *arg, char *err, size_t errsz);

/*
 * What of a node herd keeps across its own restarts (ctl_nodekeep.c): its
 * own drain (sick "" none, and since when), the most GPUs the node has
 * shown, and the outage clock (lost_since: wall seconds of the last
 * contact, 0 reachable, with why).  get: 1 found, 0 no row (all zero),
 * -1 error.  put: the row of that name (autocommit, or inside the
 * caller's transaction); the admin's drain (db_node_drain) is untouched.
 */
#define DB_NODE_TEXT 1024
struct node_kept {
	char sick[DB_NODE_TEXT];
	int64_t sick_since;
	int64_t gpus_max;
	int64_t lost_since;
	char lost_why[DB_NODE_TEXT];
};
int db_node_kept_get(struct db *db, const char *name, struct node_kept *k);
int db_node_kept_put(struct db *db, const char *name, const struct node_kept *k);
/*
 * Keys of NODE_FAIL'd attempts still to be killed on `node` when it
 * answers (with the job's uid and user: lab mode kills through that
 * user's session).  put replaces, del forgets; db_orphans lists a node's,
 * strings borrowed for the call, a callback's nonzero stops.
 */
int db_orphan_put(struct db *db, const char *node, const char *key, uint32_t uid,
    const char *user);
int db_orphan_del(struct db *db, const char *node, const char *key);
int db_orphans(struct db *db, const char *node,
    int (*cb)(void *arg, const char *key, uint32_t uid, const char *user), void *arg);
/*
 * Lab mode's housekeeping: each (uid, user) with an attempt that ended on
 * `node` in (from, to], once; user borrowed for the call.
 */
int db_lab_ended_users(struct db *db, const char *node, int64_t from, int64_t to,
    int (*cb)(void *arg, uint32_t uid, const char *user), void *arg);

#endif

/*
 * ctl.h — the controller's state and its transitions: the in-memory queue
 * of active jobs, the nodes, scheduling passes, and what happens when a node
 * answers.  Only the main thread calls these.  What only ctl*.c share among
 * themselves (events, commits, the job table, arrays' passes) is in
 * ctl_internal.h.
 *
 * Every transition commits to the database before the side effect it
 * allows (a launch request leaves only after LAUNCHING is committed).
 */
#ifndef HERD_CTL_H
#define HERD_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arrayspec.h"
#include "authz.h"
#include "db.h"
#include "depend.h"
#include "job.h"
#include "lifecycle.h"
#include "node.h"
#include "sched.h"
#include "util.h"

struct config;
struct node_result;
struct logs_answer;
struct be_reply;

/*
 * The controller's clock.  ctl*.c read the time only through ctl_now_ms()
 * and ctl_now_wall(): the system's clocks, or, where ctl_init() was given
 * one, a clock its caller sets and advances (tests/unit/test_ctl.c), so
 * time limits, kill escalation, probe intervals and start-up deadlines run
 * in milliseconds without waiting.  Waits for threads (ctl_clear, a
 * reload's joins) and the pass's duration stay on the system's clocks.
 */
struct ctl_clock {
	int64_t mono_ms;	/* monotonic milliseconds: deadlines and intervals */
	int64_t wall_s;		/* wall-clock seconds: records, limits, begin times */
};

struct ctl {
	const struct ctl_clock *clock;	/* NULL: the system's (see above) */
	struct config *cfg;
	struct db *db;
	struct node *nodes;
	size_t nnodes;
	struct job **jobs;	/* active jobs, ascending id */
	size_t njobs, cap;
	int evict_due;		/* a job may have ended for good since ctl_evict last
				 * scanned (added, written, or its batch committed):
				 * each loop turn would otherwise walk every job */
	char key_prefix[96];	/* CLUSTER.INSTANCE: names job directories on nodes */
	int sched_needed;
	int64_t scan_deadline_ms;	/* start-up: no pass before every node's job files
					 * were read, or this (monotonic) passed; 0 once over */
	/* What the last pass planned (ctl_plan.c): reservations in order. */
	struct ctl_resv {
		int64_t job;	/* the job (an array's record for one of its tasks) */
		int node;
		int64_t start;	/* wall seconds; SCHED_NEVER: after jobs without a limit */
		int64_t after;	/* whose expected end makes room; -1 none */
	} resv[SCHED_RESV_MAX];
	int nresv;
	int64_t last_sched_us;	/* duration of the last pass, for the log */
	int64_t db_failing_since;	/* wall seconds of the first failed write, 0: writes work */
	char db_error[HERD_ERRLEN];	/* the last write's error while failing */
	void (*on_job_end)(void *arg, const struct job *j);
	void *on_job_end_arg;
	/* Jobs submitted or changing state, nodes changing state or GPU
	 * readings, so far: the loop tells herd top's watchers after a turn
	 * that moved it (rpc_watch.c). */
	uint64_t changes;
	/* Eligibility (ctl_elig.c). */
	int deps_dirty;		/* a job started or ended: dependencies are evaluated again */
	int64_t wake_at;	/* wall seconds a begin time or after+MINUTES runs out, 0 none */
	size_t nexcl;		/* jobs in memory with --exclusive: passes count who
				 * runs on each node (sched.h) */
	/* Lab mode's per-(node, user) sessions (ctl_lane.c). */
	struct lane **lanes;
	size_t nlanes, lanes_cap;
	unsigned lane_gen;
	int64_t loaded_ms;	/* monotonic ms the database's jobs were loaded (ctl_init) */
	/* Authorization (ctl_authz.c): [controller] admins, resolved at start. */
	uid_t *admins;
	size_t nadmins;
	/* herd logs (ctl_logs.c): reads of output files waiting for their
	 * node; each answer goes to on_logs (the request layer's). */
	struct ctl_logs *logs;
	void (*on_logs)(void *arg, const struct logs_answer *a);
	void *on_logs_arg;
	/* Drained nodes, by name (ctl_drain.c). */
	struct ctl_drain *drains;
	size_t ndrains;
	/* Fair share's usage per association (ctl_share.c). */
	struct ctl_share *share;
	/* The loop turn's transaction and held side effects (ctl_batch.c). */
	struct ctl_batch *batch;
	/* Limits (ctl_limit.c): jobs over so far, and the GPU-hours of ended
	 * jobs per period read from the database while that count holds. */
	unsigned jobs_over;
	struct ctl_limits_cache *limcache;
	/* Being told (ctl_notify.c): notify_command's runs; NULL until one. */
	struct ctl_notify *notify;
	int unsaved_jobs;	/* a job's write failed since ctl_save_unsaved last ran */
	/* Each active job's next deadline (ctl_deadline.c). */
	struct ctl_deadlines *deadlines;
	/* Services' rolling restarts (ctl_roll.c): drains' clocks; NULL
	 * until one, or a scan at start-up finds one stored. */
	struct ctl_rolls *rolls;
};

/*
 * A submit with --test-only: the job as it would be stored (a copy the
 * caller job_row_clear()s; id: the one it would get now) and where it
 * would start now, or why it would wait.  Nothing is stored.
 */
struct submit_test {
	struct job_row row;
	int node;		/* the node slot that would take it now; -1: it would wait */
	const char *reason;	/* node -1: Resources, Priority, ... (static) */
	char why[256];		/* node -1: the detail */
};

/*
 * What a client asks for in a submit: the record as asked (its strings
 * borrowed; uid, user, state, attempt and submit time are the
 * controller's to set) and what is stored beside it.
 */
struct submit_req {
	struct job_row job;	/* dependency: canonical (ctl_dep_check); warn_signal: sigspec.h's */
	struct job_data data;	/* borrowed */
	struct submit_test *test;	/* non-NULL: --test-only, filled instead of queuing */
	const struct arrayspec *array;	/* borrowed; NULL: not an array */
};

/* Node slots: a reload adds nodes while removed ones drain (see node.h). */
#define CTL_NODE_SLOTS 512
/* Words of a set of node slots (a partition's, a service's spread). */
#define CTL_MASK_WORDS ((CTL_NODE_SLOTS + 63) / 64)
/* A worker index at or above this is a lab-mode lane's (ctl_lane.c). */
#define CTL_LANE_BASE CTL_NODE_SLOTS
/*
 * What `herd update` changes: a bit of `set` per field given (UPD_*).
 * Strings are borrowed.  A pending job takes any of them; a running one
 * only the time limit (raised only by root).
 */
enum {
	UPD_NAME = 1 << 0, UPD_TIME = 1 << 1, UPD_GPUS = 1 << 2, UPD_CPUS = 1 << 3,
	UPD_MEM = 1 << 4, UPD_OUT = 1 << 5, UPD_ERR = 1 << 6,
	UPD_BEGIN = 1 << 7, UPD_DEP = 1 << 8, UPD_NICE = 1 << 9,
};
struct job_update {
	unsigned set;
	const char *name, *out_tmpl, *err_tmpl;
	int gpus, cpus;
	int64_t mem_mb, time_limit_s;
	const char *begin;	/* --begin text, parsed by rpc.c into begin_time */
	int64_t begin_time;	/* wall seconds, 0: at once */
	const char *dependency;	/* --dependency text as given, "" clears it */
	int nice;
};

/*
 * What a job holds: what it asked for, but for an --exclusive job on its
 * node, the whole node (its CPUs and memory as probed, every GPU it was
 * given).  The database keeps the request: a requeued job asks again.
 * ctl_alloc_view() puts that into a view of the job (ctl_job_view) for
 * `herd show` and `herd queue`.
 */
void ctl_job_alloc(struct ctl *c, const struct job *j, int *gpus, int *cpus, int64_t *mem_mb);
void ctl_alloc_view(struct ctl *c, const struct job *j, struct job_row *r);
/* Whether an --exclusive job (the whole-node kind) holds n now. */
int ctl_node_exclusive(struct ctl *c, const struct node *n);

/* clock: NULL for the system's; else borrowed, read at every decision. */
int ctl_init(struct ctl *c, struct config *cfg, struct db *db, const struct ctl_clock *clock,
    char *err, size_t errsz);
/* The controller's now: monotonic milliseconds, wall-clock seconds. */
int64_t ctl_now_ms(const struct ctl *c);
int64_t ctl_now_wall(const struct ctl *c);
void ctl_start_nodes(struct ctl *c);
/* Stop the node workers and free everything; -1 if a worker did not stop in time. */
int ctl_clear(struct ctl *c);

int ctl_submit(struct ctl *c, const struct submit_req *r, uid_t uid, int64_t *id,
    char *err, size_t errsz);
/* 0 done, -1 with *err (not found, not yours, already ended). */
int ctl_cancel(struct ctl *c, int64_t id, uid_t uid, char *err, size_t errsz);

/*
 * A new attempt of a running or ended job (herd requeue): a running one is
 * stopped first and pending once its node confirms it gone.  0 done, -1
 * with *err (not found, not yours, pending, already being requeued).
 */
int ctl_requeue(struct ctl *c, int64_t id, uid_t uid, char *err, size_t errsz);
/* herd service restart NAME (ctl_roll.c): uid's service NAME's replicas
 * restarted one at a time; *replicas how many.  0, or -1 with err (no
 * such service, a roll already going on, a failed commit). */
int ctl_svc_restart(struct ctl *c, uid_t uid, const char *name, int *replicas, char *err,
    size_t errsz);
/* Apply `u` to a job, all of it or nothing; 0, or -1 with *err. */
int ctl_update(struct ctl *c, int64_t id, uid_t uid, const struct job_update *u,
    char *err, size_t errsz);

struct job *ctl_find(struct ctl *c, int64_t id);
/* Index of the first active job with id >= `id` (for resumable listings). */
size_t ctl_lower_bound(struct ctl *c, int64_t id);
/* The job as it is now: from memory when active or unsaved, else stored.
 * 1 found (r filled; job_row_clear() it), 0 none, -1 database error. */
int ctl_job_get(struct ctl *c, int64_t id, struct job_row *r);

/*
 * What the request layer asks about jobs and nodes (ctl_query.c), rather
 * than walking the controller's tables itself.
 */
/* The job in memory with the lowest id >= id, NULL none (listings resume by id). */
const struct job *ctl_job_next(struct ctl *c, int64_t id);
/* How many of uid's jobs in memory have not ended. */
size_t ctl_user_jobs_active(const struct ctl *c, uint32_t uid);
/* The job holding GPU g (position in n's probe) of node n, 0 none. */
int64_t ctl_gpu_holder(const struct ctl *c, const struct node *n, size_t g);
/* For a job waiting with GpusInUseOutsideHerd: which GPUs of which nodes
 * are in use outside herd and whose ("gpu1 GPU 0 (bob, pid 4242)"); the
 * text's length, 0 for another job (ctl_foreign.c). */
size_t ctl_foreign_text(const struct ctl *c, const struct job *j, char *buf, size_t size);
/* Node slot k's name ("" for none). */
const char *ctl_node_name(const struct ctl *c, int k);

/*
 * Being told (ctl_notify.c).  submit: --mail-type and --mail-user of a
 * submit checked, the type's canonical text into canon ("" none); kept
 * with a warning into *warn ("" none) where no one will be told (no
 * notify_command; an array without ARRAY_TASKS); 0, or -1 with *err.  pump: start queued notify_command runs, kill those
 * past notify_timeout (after each loop turn and each tick).  reaped: a
 * child the loop reaped; 1 when it was a notify_command's.
 */
int ctl_notify_submit(struct ctl *c, const char *type, const char *user, int array,
    char *canon, size_t size, char *warn, size_t warnsz, char *err, size_t errsz);
void ctl_notify_pump(struct ctl *c);
int ctl_notify_reaped(struct ctl *c, pid_t pid, int status);

/*
 * A job as a database row, for the database and for answers alike.  The
 * row borrows the job's strings and `gl` (the GPU list, 512 bytes is
 * plenty): never job_row_clear() it; it lives as long as they do.
 */
void ctl_job_view(struct ctl *c, const struct job *j, struct job_row *r, char *gl, size_t glsize);
/* "0,1" for a job's GPUs, by the node's nvidia-smi index. */
void ctl_gpu_list(struct ctl *c, const struct job *j, char *buf, size_t size);

void ctl_schedule(struct ctl *c);
void ctl_on_results(struct ctl *c, struct node_result *list);
/*
 * A turn of the main loop: every state change between begin and end goes
 * in one transaction, committed by ctl_turn_end before the side effects
 * they allow (launches, kills, signals, waiters told) are done.  Answers
 * made during the turn must not be written before ctl_turn_end returns.
 * Without a turn open (tests, start-up) each change commits on its own.
 */
void ctl_turn_begin(struct ctl *c);
void ctl_turn_end(struct ctl *c);
/* Commit what the turn changed so far (0: done, or nothing to commit), so
 * that a write whose answer says it is stored is durable on its own. */
int ctl_flush(struct ctl *c);
/* Timers: probes, kill escalation, time limits.  Returns ms until the next
 * tick for the nodes' timers (1000); the jobs' own are ctl_next_due_ms(). */
int64_t ctl_tick(struct ctl *c);
/* The monotonic ms of the earliest job deadline (INT64_MAX none): the main
 * loop sleeps until it, or the nodes' tick, whichever comes first. */
int64_t ctl_next_due_ms(struct ctl *c);
/* Jobs the ticks visited so far, and jobs waiting for a deadline now. */
uint64_t ctl_tick_visits(const struct ctl *c);
size_t ctl_deadlines_armed(const struct ctl *c);
/* Why a pending job waits, in Slurm's words: held, its begin time or dependency,
 * its partition, then the last pass's reason (Resources, Priority, ...). */
const char *ctl_pending_reason(struct ctl *c, const struct job *j);
/* A pending job's reservation in the last pass (herd queue --start), NULL
 * if it has none (ctl_plan.c). */
const struct ctl_resv *ctl_planned(const struct ctl *c, const struct job *j);

/* A pending task whose dependency can never be met (aftercorr on a task
 * that failed): out of the pending set, stored; the record ends CANCELLED
 * (DependencyNeverSatisfied) if nothing of it is left. */
void ctl_array_task_never(struct ctl *c, struct job *p, uint32_t task);
/* Tasks of array `array_id` that run or still hold their node. */
uint64_t ctl_array_active(struct ctl *c, int64_t array_id);
/* Cancel a whole array by its id: 0 done, -1 *err, 1 not an array. */
int ctl_array_cancel(struct ctl *c, int64_t id, uid_t uid, char *err, size_t errsz);
/* Cancel "123", "123_7" or "123_[1-5]": 0 done, -1 with *err. */
int ctl_cancel_ref(struct ctl *c, const struct jobref *ref, uid_t uid, char *err,
    size_t errsz);
/* The job id that tells about task `task` of an array (the array's record
 * while the task is pending): 1 found, 0 none, -1 database error. */
int ctl_array_task_job(struct ctl *c, int64_t array_id, uint32_t task, int64_t *id);
/* SLURM_ARRAY_* of a task's launch, from its array as submitted; -1 when
 * the array's spec could not be read (the task's own id is used). */
struct launch_spec;
int ctl_array_launch_vars(struct ctl *c, const struct job *j, struct launch_spec *s);

/*
 * Who may do what (ctl_authz.c; the rules are authz.c's).
 */
/* Resolve [controller] admins to uids (unknown names: a warning); again on a reload. */
void ctl_admins_load(struct ctl *c);
/* What the controller knows of a requester: admin, herdd's own user. */
struct authz_who ctl_who(const struct ctl *c, uid_t uid);
/* authz_decide() for uid; owner AUTHZ_NO_OWNER for actions on no job. */
enum authz_verdict ctl_authz(const struct ctl *c, uid_t uid, enum authz_action a,
    uint32_t owner);
/* "job N is not yours: it belongs to USER" in err; returns -1. */
int ctl_not_yours(int64_t id, const char *owner, char *err, size_t errsz);
/*
 * Why job `id` (r, as ctl_job_get() found it: found 1) cannot take action
 * a, in the one order of every job-changing request: "no job N", then "job
 * N is not yours" (before anything about its state, which is its owner's
 * business), then "job N WHY".  Returns -1.
 */
int ctl_refuse(struct ctl *c, enum authz_action a, const struct job_row *r, int found,
    int64_t id, uid_t uid, const char *why, char *err, size_t errsz);
/* 1 when job id exists and uid may not take action a on it, else 0. */
int ctl_job_denied(struct ctl *c, enum authz_action a, int64_t id, uid_t uid);
/* Record an admin's action on another's job (an AUTHZ_ADMIN verdict that
 * succeeded); a failed write is logged and the action stands. */
void ctl_audit(struct ctl *c, uid_t actor, enum authz_action a, int64_t job_id,
    uint32_t owner_uid, const char *owner, const char *detail);

/*
 * Reload (ctl_reload.c).  ctl_reconfigure() re-reads c->cfg->path: new
 * nodes get workers, removed ones take no new jobs and leave once their
 * jobs end, a node whose settings changed reconnects with them (not while
 * it runs jobs when its host, port, user or herd_dir changed), probe_interval
 * and kill_grace apply at once; cluster, state_dir, socket and log_file only
 * at herdd's next start.  0 applied, with one line per change in `report`
 * (also logged); -1 nothing changed, *err = "FILE:LINE: ..." or why.
 */
int ctl_reconfigure(struct ctl *c, struct buf *report, char *err, size_t errsz);
/* From ctl_tick: stop the workers of removed nodes once idle, and join,
 * restart or retire stopped ones. */
void ctl_nodes_tick(struct ctl *c);

/*
 * Lab mode (ctl_lane.c): the worker that runs a job's programs and follows
 * its events is its owner's lane on its node (opened on demand); in
 * personal mode, the node's own.  A result's worker index names either.
 */
struct node *ctl_job_worker(struct ctl *c, const struct job *j);
/* The lane of (node slot, uid), opened if none is (user: the login name,
 * checked against uid; what: whose it is, for the log). */
/* A copy of job j's node settings logged in as its owner, as the job's own
 * session is (lab mode: the lab key and the owner's name); caller frees. */
struct node_conf *ctl_job_login_conf(struct ctl *c, const struct job *j);
struct node *ctl_lane_for(struct ctl *c, int node, uint32_t uid, const char *user,
    const char *what);
struct node *ctl_worker(struct ctl *c, int idx);	/* NULL: none (a freed lane) */
struct node *ctl_worker_node(struct ctl *c, struct node *w);	/* the node a worker reaches */
const char *ctl_worker_user(const struct ctl *c, const struct node *w);	/* NULL: the node's */
int ctl_job_on_worker(const struct ctl *c, const struct job *j, const struct node *w);
void ctl_reconcile_job(struct ctl *c, struct job *j);
void ctl_lane_shell(struct ctl *c, struct node *w, int up, const char *why);
void ctl_lanes_tick(struct ctl *c);
size_t ctl_lanes_open(const struct ctl *c, int node);	/* node -1: all */
/* fn for each open lane of node slot `node` (housekeeping of users' files). */
void ctl_lanes_each(struct ctl *c, int node, void (*fn)(struct ctl *, struct node *, void *),
    void *arg);
void ctl_lanes_stop(struct ctl *c);
int ctl_lanes_join(struct ctl *c, int64_t deadline);
int ctl_check_registered(struct ctl *c, uid_t uid, const char *user, char *err, size_t errsz);
/* Whether a slot has worker threads not joined yet. */
int ctl_node_has_workers(const struct node *n);
/* Whether `herd nodes` lists it: in hosts.ini, or removed and still running jobs. */
int ctl_node_listed(const struct node *n);
/* What herd nodes shows of a node (ctl_outage.c): its state by Slurm's
 * names, the reason (borrowed) and since when (wall seconds). */
void ctl_node_view(struct ctl *c, const struct node *n, char *state, size_t size,
    const char **reason, int64_t *since);
/* Held jobs (LAUNCHING, RUNNING, ending) on node slot k. */
size_t ctl_node_jobs(const struct ctl *c, int k);

/*
 * herd logs (ctl_logs.c): the last bytes of a job's output (or error) file,
 * read on its node through its worker (in lab mode as its owner).  A read
 * is started here and answered later, once, through c->on_logs: with the
 * bytes, or with why not (the file cannot be read, the node did not answer
 * in time).  At most LOGS_PENDING_MAX reads wait at once.
 */
#define LOGS_BYTES_DEFAULT 65536
#define LOGS_BYTES_MAX (1 << 20)
#define LOGS_PENDING_MAX 64
#define LOGS_PER_USER_MAX 8
struct logs_answer {
	uint64_t serial;	/* the client that asked */
	int64_t id;
	const char *data;	/* error NULL: the bytes (len of them) */
	size_t len;
	const char *error;	/* non-NULL: why there are none */
	int state;		/* the job's state and exit code when the read */
	int32_t exit_code;	/* was asked (herd logs -f ends by them) */
	int32_t attempt;	/* and its attempt (a new one starts the file anew) */
};
/* 0: started (answered later, for client `serial`); -1: refused now, *err.
 * offset -1: the last `bytes` bytes; offset >= 0 (herd logs -f): at most
 * `bytes` from there, and 1 (nothing started, nothing answered) while the
 * job has not started. */
int ctl_logs_start(struct ctl *c, int64_t id, uid_t uid, int err_file, int64_t offset,
    int64_t bytes, uint64_t serial, char *err, size_t errsz);
/* An "O" answer line of worker w (ctl_node.c). */
void ctl_logs_line(struct ctl *c, struct node *w, const struct be_reply *r);
/* Answer the reads whose node did not answer in time (from the loop's tick). */
void ctl_logs_tick(struct ctl *c);
/* Whether a read waits on worker w (its lane is not idle meanwhile). */
int ctl_logs_pending_on(const struct ctl *c, const struct node *w);
/* The client `serial` left: its read is dropped, its answer never sent. */
void ctl_logs_forget(struct ctl *c, uint64_t serial);
void ctl_logs_clear(struct ctl *c);

/*
 * When pending jobs may start (ctl_elig.c): begin times, holds,
 * dependencies and nice.  The dependency of each job is parsed once (at
 * submit or load) and its verdict kept in the job; it is evaluated again
 * only after some job started or ended (deps_dirty).
 */
/* Parse a job's stored dependency text into j->dep; -1 (logged) if it does not parse. */
int ctl_dep_attach(struct job *j, const char *text);
void ctl_dep_free(struct job *j);
/* Whether its dependency has a singleton item (one per name and user starts at a time). */
int ctl_dep_singleton(const struct job *j);
/* The text stored for a job's dependency (no states), NULL none. */
const char *ctl_dep_stored(const struct job *j);
/*
 * A submit's --dependency: parsed, every job it names must exist and be
 * the submitter's (root: anyone's).  *canon receives the text to store
 * (malloc'd; NULL for none).  0, or -1 with *err.
 */
int ctl_dep_check(struct ctl *c, const char *text, uid_t uid, char **canon,
    char *err, size_t errsz);
/*
 * How many of a job's tasks are pending, running, ended ok or not: a
 * dependency's view of it.  Every job is a one-task array until arrays
 * exist; `task` >= 0 names one task of an array.  st->exists 0: no such job.
 */
int ctl_job_tasks(struct ctl *c, int64_t id, int64_t task, struct dep_status *st);
/*
 * Whether task `task` of array j may start by its aftercorr items (task i
 * waits for task i of the other array to end ok): 1 yes (also when it has
 * none), 0 not yet, -1 never (its counterpart failed or does not exist).
 */
int ctl_dep_task(struct ctl *c, const struct job *j, uint32_t task);
/* A pass looks at most this many waiting tasks of one array past the first. */
#define ARRAY_DEP_LOOKAHEAD	256
/* Evaluate the dependencies again if something started or ended. */
void ctl_deps_refresh(struct ctl *c);
/* Whether a pending job may go into this pass's snapshot (not held, begun, dependency met). */
int ctl_eligible(struct ctl *c, const struct job *j, int64_t now);
/* This pass's candidates, in queue order, at most cap: eligible, one singleton per name and user. */
size_t ctl_snapshot_jobs(struct ctl *c, struct job **pend, size_t cap);
/* The dependency with each item's state, for answers ("afterok:12(unfulfilled)"). */
void ctl_dep_text(struct ctl *c, const struct job *j, char *buf, size_t size);
/* herd hold / herd release of one job by uid; 0, or -1 with *err. */
int ctl_hold(struct ctl *c, int64_t id, uid_t uid, int hold, char *err, size_t errsz);
/* The jobs a job's dependency names (not singleton), at most cap; returns how many there are. */
size_t ctl_dep_jobs(const struct job *j, int64_t *out, size_t cap);
/* Its dependency's verdict now (enum dep_verdict), for a job not in the table (--test-only). */
int ctl_dep_verdict(struct ctl *c, struct job *j);


/*
 * Drain and resume (ctl_drain.c): a drained node takes no new jobs, its
 * running ones run on to their end.  A drain belongs to the node's name
 * and is kept in the database, so a restart, or a node removed from
 * hosts.ini and added back, keeps it.  Admins and root only; audited.
 */
#define DRAIN_REASON_MAX 200	/* bytes of a --reason */
struct ctl_drain {
	char *name;
	char *reason;		/* as shown: "TEXT [user@2024-05-01T10:00:00]" */
	int64_t since;		/* wall seconds */
};
/* At start (after the nodes): the drains the database holds. */
int ctl_drains_load(struct ctl *c, char *err, size_t errsz);
void ctl_drains_clear(struct ctl *c);
/* Node n's drain, NULL when it is not drained. */
const struct ctl_drain *ctl_node_drain(const struct ctl *c, const struct node *n);
/*
 * Drain (drain 1, with reason; NULL or "" none) or resume the nodes
 * names[0..n) for uid: every name checked first, then all of them or
 * none; a line per node in `report`.  0, or -1 with *err ("no node X",
 * "only admins may drain or resume nodes").
 */
int ctl_drain(struct ctl *c, uid_t uid, int drain, const char *const *names, size_t n,
    const char *reason, struct buf *report, char *err, size_t errsz);
/*
 * herd drain --move-services (ctl_svcmove.c): ctl_drain's drain, then each
 * running (or launching) service on those nodes requeued: stopped there,
 * pending again as a new attempt that only another node can take (not a
 * restart: its restart window is not charged).  A line per service moved
 * in `report`, an audit row each.  0, or -1 with *err as ctl_drain's.
 */
int ctl_drain_move(struct ctl *c, uid_t uid, const char *const *names, size_t n,
    const char *reason, struct buf *report, char *err, size_t errsz);
/* Whether job j is a service that a --move-services drain of its node moves. */
int ctl_svc_movable(const struct job *j);
/* The state herd nodes shows for the listed node `name` ("DRAINED", "IDLE"...);
 * "" when hosts.ini lists none of that name (herd drain --json). */
void ctl_node_state_named(struct ctl *c, const char *name, char *state, size_t size);
/* Whether names[i] was named before it (a node named twice changes once). */
int named_before(const char *const *names, size_t i);
/* Whether pending job j fits (by size) only drained nodes (of mask, NULL: any),
 * herd's own drains counted: it waits for a resume. */
int ctl_drain_blocks(struct ctl *c, const struct job *j, const uint64_t *mask);
/* Pure: whether a --reason is acceptable (printable UTF-8, one line, bounded). */
int drain_reason_check(const char *reason, char *err, size_t errsz);
/* Pure but for the time zone: "TEXT [user@YYYY-MM-DDTHH:MM:SS]" (no TEXT: "[user@...]"). */
void drain_text(char *buf, size_t size, const char *reason, const char *user, int64_t when);

/*
 * Fair share and multifactor priority (ctl_share.c).  Usage is loaded at
 * start, written when a job is over, and a running job's accrual is added
 * live.  ctl_share_order sorts a pass's candidates by priority, highest
 * first, ties in their given (id) order; prio (may be NULL) gets each total.
 * A share_tree: nodes[0..naccts) are hosts.ini's accounts (acct.h order),
 * nodes[naccts + k] association k (ctl_share_user/_account); raw[] the
 * usage before fs_compute normalised it.
 */
struct fs_node;
struct prio_factors;
struct share_tree {
	struct fs_node *nodes;
	double *raw;
	size_t n, naccts;
};
int ctl_share_load(struct ctl *c, char *err, size_t errsz);
void ctl_share_free(struct ctl *c);
void ctl_share_job_end(struct ctl *c, const struct job *j);
void ctl_share_order(struct ctl *c, struct job **pend, size_t n, double *prio);
void ctl_share_tree(struct ctl *c, int64_t now, struct share_tree *t);
void ctl_share_tree_free(struct share_tree *t);
const char *ctl_share_user(struct ctl *c, size_t k);
/*
 * herd usage -S FROM [-E TO]: the GPU- and CPU-hours allocated in the period
 * (undecayed, every attempt), per association k; k past n had none.  Call it
 * before ctl_share_tree: an association seen only in the period joins the
 * tree.  0, or -1 with err (a bad or empty period).
 */
struct share_period {
	double *gpu_h, *cpu_h;
	size_t n;
	int64_t from, to;
};
int ctl_share_period(struct ctl *c, const char *from, const char *to,
    struct share_period *p, char *err, size_t errsz);
void ctl_share_period_clear(struct share_period *p);
const char *ctl_share_account(struct ctl *c, size_t k);
const char *ctl_job_account(struct ctl *c, const struct job *j);
double ctl_job_rate(struct ctl *c, const struct job *j);
/* What j is billed for: an exclusive job's whole node, also once released. */
void ctl_job_billed(struct ctl *c, const struct job *j, int *gpus, int *cpus);
/* Charge j's usage from start to end (an attempt, or the whole job). */
void ctl_share_charge(struct ctl *c, const struct job *j, int64_t start, int64_t end);
double ctl_job_priority(struct ctl *c, const struct share_tree *t, const struct job *j,
    int64_t now, struct prio_factors *f);

/*
 * Account and QoS limits (ctl_limit.c, limit.h).  ctl_limits_new builds
 * one pass's counter groups from the jobs holding resources and the
 * GPU-hours of the period (NULL when hosts.ini sets no limit);
 * ctl_limits_job gives a job its groups (sched_job.lim), creating a user's
 * on first sight.  ctl_limits_submit refuses, naming the limit, a job that
 * can never start under them or would pass a max_submit_jobs (tasks: an
 * array's count); 0 / -1 with *err.
 */
struct ctl_limits;
struct limits;
struct ctl_limits *ctl_limits_new(struct ctl *c, int64_t now);
void ctl_limits_free(struct ctl_limits *L);
struct limits *ctl_limits_groups(struct ctl_limits *L);
void ctl_limits_job(struct ctl_limits *L, const struct job *j, int32_t *slots);
int ctl_limits_submit(struct ctl *c, const struct job_row *r, uint64_t tasks, char *err,
    size_t errsz);
void ctl_limits_cache_free(struct ctl *c);

#endif

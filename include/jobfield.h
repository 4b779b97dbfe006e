/*
 * jobfield.h — the job record, declared once.
 *
 * JOB_FIELDS below is the only list of a job's fields.  From it come:
 * struct job_row (db.h: the record as stored, as sent, as submitted), the
 * record's members of struct job (job.h: the controller's compact copy in
 * memory), and jobfields[] (jobfield.c), the table through which db.c
 * builds its statements, binds and reads, rpc.c builds "job" frames, the
 * client's JSON and `herd show` print, and the controller copies a job
 * between memory and row (jobfield_load, jobfield_view, jobfield_release).
 * Adding a field is one line here, a migration in db.c, and the option
 * that sets it; tests/unit/test_jobfield.c carries every field through
 * row, database, memory and frame and fails on one left behind.
 *
 * Each line is one of
 *   S(member, name, col, flags)
 *	a string: char * in the row, interned (const char *) in memory;
 *   N8/N4/N2/N1(member, name, col, kind, flags, row type, memory type)
 *	a number (kind JF_INT, JF_STATE, JF_TIME, ...) whose memory type is
 *	that many bytes wide: struct job lays its members out widest first,
 *	so 100,000 jobs carry no padding;
 *   D(member, name, col, kind, flags, row type)
 *	derived: only the row has it; the controller makes it from state of
 *	its own (the node's name from its index, the GPU list from a mask,
 *	an array's pending set, a parsed dependency or --signal) in
 *	ctl_job_view() and takes it back in ctl_restore()/its load.
 * name is the frame and JSON key, col the column in the jobs table.  The
 * order of lines is the order of columns in statements, of keys in frames
 * and JSON, and of lines in `herd show`.  "id" is first: the insert
 * computes it (never below the id floor) and the update uses it as its
 * key.  What `herd update` may change is written by every update.
 */
#ifndef HERD_JOBFIELD_H
#define HERD_JOBFIELD_H

#include <stddef.h>
#include <stdint.h>

enum jf_kind {
	JF_INT,		/* a signed or unsigned integer of 1 to 8 bytes */
	JF_STR,		/* char *, NULL stored as NULL, left out of a frame, null in JSON */
	JF_TIME,	/* int64_t wall seconds; 0 stored as NULL, null in JSON */
	JF_SECS,	/* int64_t duration; 0 means none: null in JSON */
	JF_STATE,	/* int job_state: its name in frames and JSON */
	JF_LIST,	/* char * "0,3": a JSON array of numbers */
	JF_MODE,	/* int file mode bits, -1 none: "0077" in show and JSON */
};

enum {
	JF_INSERT = 1 << 0,	/* written at submit */
	JF_UPDATE = 1 << 1,	/* written on every change of the job */
	JF_FRAME = 1 << 2,	/* sent in "job" frames (and so in --json) */
	JF_SHOW = 1 << 3,	/* printed by `herd show` */
	JF_UNSIGNED = 1 << 4,	/* a 32-bit row integer without sign (a uid) */
	JF_SIGNED = 1 << 5,	/* JF_INT whose negative values are values (nice), not "unknown" */
	JF_PRIVATE = 1 << 6,	/* JF_FRAME only to whom may read its script (a path) */
	JF_KEEP = 1 << 7,	/* a string memory never releases (reasons: static or kept) */
	JF_NAMES = 1 << 8,	/* a JF_STR "bob,carol": a JSON array of strings */
};

#define JF_IU	(JF_INSERT | JF_UPDATE)
#define JF_IUFS	(JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW)
#define JF_IFS	(JF_INSERT | JF_FRAME | JF_SHOW)

#define JOB_FIELDS(S, N8, N4, N2, N1, D) \
	N8(id, "id", "id", JF_INT, JF_FRAME | JF_SHOW, int64_t, int64_t) \
	N4(attempt, "attempt", "attempt", JF_INT, JF_IUFS, int32_t, int32_t) \
	/* the submitter, from the uid at submit */ \
	N4(uid, "uid", "uid", JF_INT, JF_INSERT | JF_FRAME | JF_UNSIGNED, uint32_t, uint32_t) \
	S(user, "user", "user", JF_IFS) \
	S(name, "name", "name", JF_IUFS) \
	N1(state, "state", "state", JF_STATE, JF_IUFS, int, uint8_t) \
	/* memory: a static string or, once restored, interned (kept for good) */ \
	S(reason, "reason", "reason", JF_IUFS | JF_KEEP) \
	N4(exit_code, "exit_code", "exit_code", JF_INT, JF_IUFS, int32_t, int32_t) \
	/* the last ended attempt was killed for lack of memory (oomkill.h) */ \
	N1(last_oom, "last_oom", "last_oom", JF_INT, JF_IUFS, int, uint8_t) \
	/* memory: an index into the node table, struct job's node */ \
	D(node, "node", "node", JF_STR, JF_IUFS, char *) \
	N2(gpus, "ngpus", "gpus", JF_INT, JF_IUFS, int, uint16_t) \
	/* "0,3", node-local GPU indices as the last probe numbers them; \
	 * memory: gpu_mask, rebuilt from gpu_uuids at every probe */ \
	D(gpu_list, "gpus", "gpu_list", JF_LIST, JF_IUFS, char *) \
	/* the same GPUs by UUID ("GPU-…,MIG-…"; gpu.h), what they are known \
	 * by across probes and restarts; memory: interned, set at placement */ \
	S(gpu_uuids, "gpu_uuids", "gpu_uuids", JF_IUFS) \
	N2(cpus, "cpus", "cpus", JF_INT, JF_IUFS, int, uint16_t) \
	/* memory: 4 bytes where the value is bounded (submit and update check \
	 * it) or herdd's own clock (wall seconds, unsigned: until 2106); \
	 * --begin, up to 100 years ahead, keeps 8 */ \
	N4(mem_mb, "mem_mb", "mem_mb", JF_INT, JF_IUFS, int64_t, uint32_t) /* <= MEM_MAX_MB */ \
	N4(time_limit_s, "time_limit", "time_limit", JF_SECS, JF_IUFS, int64_t, int32_t) /* <= TIME_MAX_S */ \
	N4(submit_time, "submit_time", "submit_time", JF_TIME, JF_IFS, int64_t, uint32_t) \
	N4(start_time, "start_time", "start_time", JF_TIME, JF_IUFS, int64_t, uint32_t) \
	N4(end_time, "end_time", "end_time", JF_TIME, JF_IUFS, int64_t, uint32_t) \
	/* where it runs names its owner's projects: sent as its script is */ \
	S(workdir, "workdir", "workdir", JF_IFS | JF_PRIVATE) \
	S(out_tmpl, "out_tmpl", "out_tmpl", JF_IU) /* NULL: herd-%j.out */ \
	S(err_tmpl, "err_tmpl", "err_tmpl", JF_IU) /* NULL: same as out */ \
	/* column "held": the node's resources kept while it is killed (memory: \
	 * set by its placement); the JSON's "held" is a hold (column "hold") */ \
	D(held, "resources_held", "held", JF_INT, JF_UPDATE, int) \
	/* job arrays (arrayspec.h): the array's own record has id == \
	 * array_job_id and its tasks not started yet; -1: none */ \
	N8(array_job_id, "array_job_id", "array_parent", JF_INT, JF_IUFS, int64_t, int64_t) \
	N4(array_task_id, "array_task_id", "array_index", JF_INT, JF_IUFS, int32_t, int32_t) \
	/* memory: struct job_array (ctl_array.c) */ \
	D(array_tasks, "array_tasks", "array_tasks", JF_STR, JF_IUFS, char *) \
	D(array_throttle, "array_throttle", "array_throttle", JF_INT, JF_IFS, int32_t) \
	D(array_spec, "array_spec", "array_spec", JF_STR, JF_IFS, char *) \
	/* --requeue (default 1): a node failure makes a new attempt */ \
	N1(requeue, "requeue", "requeue", JF_INT, JF_IFS, int, uint8_t) \
	/* when it may start (eligible.h): 0 at once */ \
	N8(begin_time, "begin_time", "begin_time", JF_TIME, JF_IUFS, int64_t, int64_t) \
	N1(hold, "held", "hold", JF_INT, JF_IUFS, int, uint8_t) /* JOB_HOLD_* */ \
	/* orders its user's own jobs; lower first */ \
	N4(nice, "nice", "nice", JF_INT, JF_IUFS | JF_SIGNED, int, int32_t) \
	/* as depend_format() writes it; memory: struct job_dep */ \
	D(dependency, "dependency", "dependency", JF_STR, JF_IUFS, char *) \
	/* --signal, canonical (sigspec.h); memory: parsed and interned */ \
	D(warn_signal, "warn_signal", "warn_signal", JF_STR, JF_IFS, char *) \
	/* the attempt the --signal was sent to (committed first), 0 none */ \
	N4(warn_sent, "warn_signal_sent", "warn_sent", JF_INT, JF_IU | JF_FRAME, int32_t, int32_t) \
	/* the submitter's, applied on the node; -1 none (older jobs) */ \
	N2(umask, "umask", "umask", JF_MODE, JF_IFS, int32_t, int16_t) \
	S(comment, "comment", "comment", JF_IFS) \
	/* enum job_share (job.h): who may share its node */ \
	N1(exclusive, "exclusive", "exclusive", JF_INT, JF_IFS, int, uint8_t) \
	/* --oversubscribe was asked (shown; no effect) */ \
	N1(oversubscribe, "oversubscribe", "oversubscribe", JF_INT, JF_IFS, int, uint8_t) \
	/* -A, or the user's default account (acct.h), set by herdd at submit */ \
	S(account, "account", "account", JF_IFS) \
	/* -p as stored ("a,b"; partition.h), NULL: none configured */ \
	S(partition, "partition", "partition", JF_IFS) \
	S(qos, "qos", "qos", JF_IFS) /* --qos, NULL: none */ \
	/* where it may run (ctl_place.c): GPUs of this type (gputype.h) and \
	 * at least this much memory each, nodes whose features satisfy \
	 * --constraint, the node -w names, none -x names; NULL/0: any */ \
	S(gpu_type, "gpu_type", "gpu_type", JF_IFS) \
	N4(gpu_mem_mb, "gpu_mem_mb", "gpu_mem_mb", JF_INT, JF_IFS, int64_t, uint32_t) \
	S(constraint, "constraint", "req_constraint", JF_IFS) \
	S(nodelist, "nodelist", "nodelist", JF_IFS) \
	S(exclude, "exclude", "exclude", JF_IFS) \
	/* --gpu-share: part of one GPU, gpu_mem_mb of its memory, shared \
	 * with other such jobs (gpushare.h) */ \
	N1(gpu_share, "gpu_share", "gpu_share", JF_INT, JF_IFS, int, uint8_t) \
	/* --mem=0 and --hint=nomultithread (sched.h's mem_all, nomt): at \
	 * placement mem_mb becomes the node's memory and cpus its cores' \
	 * threads; cpus_req keeps the CPUs asked, for the next attempt */ \
	N1(mem_all, "mem_all", "mem_all", JF_INT, JF_IFS, int, uint8_t) \
	N1(nomt, "hint_nomultithread", "hint_nomt", JF_INT, JF_IFS, int, uint8_t) \
	N2(cpus_req, "cpus_requested", "cpus_req", JF_INT, JF_IU, int, uint16_t) \
	/* --mail-type, canonical (mailtype.h), and --mail-user (an address is \
	 * its owner's: sent as the script is); NULL: none, the submitter */ \
	S(mail_type, "mail_type", "mail_type", JF_IFS) \
	S(mail_user, "mail_user", "mail_user", JF_IFS | JF_PRIVATE) \
	/* herd alloc's or herd run's holder: the partition's idle_timeout \
	 * may release it (ctl_idle.c) */ \
	N1(interactive, "interactive", "interactive", JF_INT, JF_IFS, int, uint8_t) \
	/* herd service (svc.h): its name, NULL a batch job; the restart \
	 * policy (SVC_RESTART_*), at most max_restarts restarts within \
	 * restart_window seconds (the window opened at svc_win_start with \
	 * svc_win_count restarts in it), restarts in all, the last attempt's \
	 * exit, and --port: wanted, and the port the node picked (0 none) */ \
	S(svc_name, "service", "svc_name", JF_IFS) \
	N1(svc_restart, "restart_policy", "svc_restart", JF_INT, JF_IFS, int, uint8_t) \
	N2(svc_max_restarts, "max_restarts", "svc_max_restarts", JF_INT, JF_IFS, int, uint16_t) \
	N4(svc_window_s, "restart_window", "svc_window", JF_SECS, JF_IFS, int64_t, int32_t) \
	N4(svc_restarts, "restarts", "svc_restarts", JF_INT, JF_IUFS, int32_t, int32_t) \
	N4(svc_win_start, "restart_window_start", "svc_win_start", JF_TIME, JF_IU | JF_FRAME, int64_t, uint32_t) \
	N2(svc_win_count, "window_restarts", "svc_win_count", JF_INT, JF_IU | JF_FRAME, int, uint16_t) \
	N4(svc_last_exit, "last_exit", "svc_last_exit", JF_INT, JF_IUFS, int32_t, int32_t) \
	N1(svc_port_want, "port_wanted", "svc_port_want", JF_INT, JF_IFS, int, uint8_t) \
	N2(svc_port, "port", "svc_port", JF_INT, JF_IUFS, int, uint16_t) \
	/* --health-cmd or --health-http (svc_health.h): the check, its \
	 * interval, timeout and retries; the health (SVC_HEALTH_*), failures \
	 * in a row, the wall second of the next check, and the last restart \
	 * its health asked for, in words */ \
	S(svc_health_cmd, "health_cmd", "svc_health_cmd", JF_IFS | JF_PRIVATE) \
	S(svc_health_http, "health_http", "svc_health_http", JF_IFS) \
	N4(svc_health_interval, "health_interval", "svc_health_interval", JF_SECS, JF_IFS, int64_t, int32_t) \
	N4(svc_health_timeout, "health_timeout", "svc_health_timeout", JF_SECS, JF_IFS, int64_t, int32_t) \
	N2(svc_health_retries, "health_retries", "svc_health_retries", JF_INT, JF_IFS, int, uint16_t) \
	N1(svc_health, "health", "svc_health", JF_INT, JF_IUFS, int, uint8_t) \
	N2(svc_health_fails, "health_fails", "svc_health_fails", JF_INT, JF_IU | JF_FRAME, int, uint16_t) \
	N4(svc_health_next, "health_next", "svc_health_next", JF_TIME, JF_IU, int64_t, uint32_t) \
	S(svc_health_why, "health_restart", "svc_health_why", JF_IUFS) \
	/* --share-with (svc_share.h): the users who may forward to it, by \
	 * name as shown and by uid as checked; NULL none */ \
	S(svc_share_with, "share_with", "svc_share_with", JF_IFS | JF_NAMES) \
	S(svc_share_uids, "share_uids", "svc_share_uids", JF_INSERT) \
	/* --idle-stop (svc_idle.h): seconds its GPUs may stay idle; 0 none */ \
	N4(svc_idle_stop_s, "idle_stop", "svc_idle_stop", JF_SECS, JF_IFS, int64_t, int32_t) \
	/* --replicas (svc_roll.h): how many copies (replica K is array \
	 * task K; 0 an older service: one), and this replica's part in a \
	 * rolling restart (SVC_ROLL_*) */ \
	N1(svc_replicas, "replicas", "svc_replicas", JF_INT, JF_IFS, int, uint8_t) \
	N1(svc_roll, "roll", "svc_roll", JF_INT, JF_IUFS, int, uint8_t)

/* A line JOB_FIELDS is expanded without. */
#define JF_SKIP(...)

struct job;
struct job_row;

struct jobfield {
	const char *name;	/* frame key and JSON key */
	const char *col;	/* its column in the jobs table */
	enum jf_kind kind;
	size_t off;		/* in struct job_row */
	unsigned size;		/* of the member */
	unsigned flags;		/* JF_* */
	size_t moff;		/* in struct job; JF_NOMEM: derived (D) */
	unsigned msize;		/* of the member in struct job */
	unsigned munsigned;	/* that member has no sign */
};

#define JF_NOMEM ((size_t)-1)

extern const struct jobfield jobfields[];
extern const size_t njobfields;

/* The field of that name, NULL none. */
const struct jobfield *jobfield_find(const char *name);

/* A row's member through its field (integers of any size as int64_t). */
int64_t jobfield_int(const struct job_row *r, const struct jobfield *f);
void jobfield_set_int(struct job_row *r, const struct jobfield *f, int64_t v);
const char *jobfield_str(const struct job_row *r, const struct jobfield *f);
/* Takes ownership of v (malloc'd or NULL); frees what was there. */
void jobfield_set_str(struct job_row *r, const struct jobfield *f, char *v);

struct msg;
/* The JF_FRAME fields of a "job" frame, JF_PRIVATE ones only if priv;
 * a NULL string is left out, a state goes by its name. */
void jobfield_frame(struct msg *m, const struct job_row *r, int priv);

/*
 * The record's members between memory and row (the derived ones are the
 * controller's, ctl.c).  jobfield_load fills j's from r, strings interned;
 * jobfield_view fills r's from j, strings borrowed from j (never
 * job_row_clear() such a view); jobfield_release lets go of j's strings.
 */
void jobfield_load(struct job *j, const struct job_row *r);
void jobfield_view(const struct job *j, struct job_row *r);
void jobfield_release(struct job *j);

#endif

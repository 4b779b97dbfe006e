/*
 * job.h — a job as the controller holds it in memory, its states, and the
 * one function that says who may act on it.
 *
 * Only active jobs (PENDING, LAUNCHING, RUNNING, or ended but still holding
 * resources on a node while they are killed) live in memory; everything
 * else is read from the database on demand.  The struct is kept small:
 * herdd must hold 100,000 pending jobs in a few tens of MB.  Strings that
 * many jobs share (working directory, output templates, names) are interned.
 *
 * A job's launch on a node is identified by its key "CLUSTER-ID.ATTEMPT":
 * the name of its directory there.  A requeue bumps the attempt.
 */
#ifndef HERD_JOB_H
#define HERD_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arrayspec.h"
#include "jobfield.h"

enum job_state {
	JOB_PENDING, JOB_LAUNCHING, JOB_RUNNING, JOB_COMPLETED, JOB_FAILED,
	JOB_CANCELLED, JOB_TIMEOUT, JOB_NODE_FAIL,
	/* Requeued, its attempt still being stopped on its node: not final,
	 * it goes back to PENDING (next attempt) once the node confirms. */
	JOB_REQUEUED,
	JOB_NSTATES
};

/*
 * The record's members come from JOB_FIELDS (jobfield.h), widest first;
 * the rest is the controller's own state.  Widest members first: no
 * padding, and 100,000 of these.
 */
#define JOB_MEM_S(m, ...)		const char *m;
#define JOB_MEM_N(m, name, col, kind, flags, rtype, mtype)	mtype m;
struct job {
	JOB_FIELDS(JOB_MEM_S, JOB_MEM_N, JF_SKIP, JF_SKIP, JF_SKIP, JF_SKIP)
	uint64_t gpu_mask;	/* GPUs held, by bit index into the node's GPU list */
	int64_t kill_at_ms;	/* monotonic deadline for the next kill stage */
	int64_t check_at_ms;	/* LAUNCHING: when to ask the node again, 0 unset */
	int64_t launch_since_ms;	/* LAUNCHING: since when (monotonic), for the wait's bound */
	struct job_array *array;	/* the array's own record only, else NULL */
	struct job_dep *dep;	/* its --dependency, NULL none (most jobs) */
	const char *warn_signal;	/* interned canonical --signal text, NULL none */
	JOB_FIELDS(JF_SKIP, JF_SKIP, JOB_MEM_N, JF_SKIP, JF_SKIP, JF_SKIP)
	JOB_FIELDS(JF_SKIP, JF_SKIP, JF_SKIP, JOB_MEM_N, JF_SKIP, JF_SKIP)
	int32_t pid;		/* on its node: the job's session leader, from the start
				 * event or a reconcile; 0 unknown (memory only) */
	uint32_t looked_wall;	/* wall seconds of its last visit by the tick (its
				 * TIME_LIMIT_% marks after it are new); 0 none yet */
	uint32_t idle_since;	/* interactive: wall seconds when last seen in use (a
				 * stream attached, a GPU process); 0 unset (memory only);
				 * a service with --idle-stop: when its GPUs' idle spell
				 * was first seen, 0 none (svc_idle.h) */
	int16_t node;		/* index into the node table, -1 none */
	/* --signal (sigspec.h): warn_sig (0 none) warn_time seconds before
	 * the time limit, to the batch shell alone with SIGSPEC_BATCH. */
	uint16_t warn_time;
	JOB_FIELDS(JF_SKIP, JF_SKIP, JF_SKIP, JF_SKIP, JOB_MEM_N, JF_SKIP)
	uint8_t held;		/* resources still allocated on node */
	uint8_t kill_stage;	/* 0 none, 1 TERM sent, 2 KILL sent */
	uint8_t gpus_by_index;	/* restored: gpu_mask holds nvidia-smi indices, not positions */
	uint8_t unsaved;	/* its last change did not reach the database: retried */
	uint8_t doubted;	/* an answer that would end it ("none", "dead"): asked again once */
	uint8_t dep_state;	/* enum dep_verdict of its dependency (SATISFIED: none) */
	uint8_t sched_why;	/* pending: the last pass's reason (sched.h's SCHED_R_*) */
	uint8_t warn_sig;
	uint8_t warn_flags;
	uint8_t limit_reason;	/* enum limit_reason that held it in the last pass, 0 none */
	uint8_t idle_warned;	/* idle_timeout's warning sent for this idle spell */
};

/*
 * --exclusive: a JOB_EXCL_NODE job has its node to itself (all of it);
 * a JOB_EXCL_USER job shares it only with its user's jobs.  The values
 * are sched.h's SCHED_* and jobopt.h's JOBOPT_* alike.
 */
enum job_share { JOB_SHARED = 0, JOB_EXCL_NODE = 1, JOB_EXCL_USER = 2 };

/*
 * What only an array's own record carries (ctl_array.c): the tasks not
 * started yet, one set of ranges however many, and its text for answers.
 */
struct job_array {
	struct arrayspec pending;	/* throttle in pending.throttle */
	char *pending_text;	/* as squeue prints it, NULL when none pending */
	const char *spec;	/* interned: --array as submitted, normalised */
};

const char *job_state_name(enum job_state s);
/* Over: COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL (not REQUEUED). */
int job_state_is_final(enum job_state s);
/* Being stopped on its node: ended (and held), or requeued. */
int job_is_stopping(const struct job *j);

/*
 * A job's exit status (the shell's: 128+N for signal N, -1 unknown) the way
 * sacct writes it, EXIT:SIGNAL: "0:0", "1:0", "0:9"; "-" when unknown.
 * A program that exits 137 itself reads as signal 9, as the shell cannot
 * tell them apart either.
 */
void job_exit_format(int32_t status, char *buf, size_t size);
/* The signal that ended a job by its status (128+N), 0 none. */
int job_exit_signal(int64_t status);


/*
 * Expand an output template (%j id, %x name, %u user, %N node, %% %) and make
 * it absolute against the working directory.  With node NULL (not placed
 * yet) %N stays as written.  Result malloc'd.
 */
char *job_output_path(const char *tmpl, const char *workdir, int64_t id,
    const char *name, const char *user, const char *node);
/*
 * The same for a task of an array: %A is the array's job id, %a the task
 * id (both as %j and "4294967294" for a job not in an array, as Slurm;
 * %a stays as written for an array's record whose task is not known yet).
 * array_job_id -1: not in an array.
 */
char *job_output_path_array(const char *tmpl, const char *workdir, int64_t id,
    int64_t array_job_id, int64_t task_id, const char *name, const char *user,
    const char *node);

/* Interned strings: one shared copy per distinct value, refcounted. */
const char *intern(const char *s);
void intern_release(const char *s);

#endif

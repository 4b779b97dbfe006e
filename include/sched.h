/*
 * sched.h — the scheduler: a pure function from a snapshot of pending jobs
 * (in priority order) and node capacities to launch decisions.  No I/O, no
 * globals; unit-tested and benchmarked alone.
 *
 * Policy now: first come, first served; each job goes to the first node
 * (in configuration order) with enough free whole GPUs, CPUs and memory,
 * taking the lowest-numbered free GPUs.  The first job that fits nowhere
 * stops the pass (no job overtakes it; backfill with reservations will relax
 * this without changing the interface).
 *
 * Exclusivity (--exclusive) is decided here too.  A node running a
 * SCHED_EXCL_NODE job takes no other job; one running a SCHED_EXCL_USER
 * job takes only that user's jobs.  A SCHED_EXCL_NODE job waits for an
 * empty node and gets all of it (every GPU, CPU and MB left free, which on
 * an empty node is the whole node); a SCHED_EXCL_USER job waits for a node
 * that is empty or runs only its user's jobs, and gets what it asked for.
 * Like any job, one that waits stops the pass.
 */
#ifndef HERD_SCHED_H
#define HERD_SCHED_H

#include <stddef.h>
#include <stdint.h>

/* Who may share a job's node (job.h's enum job_share has the same values). */
enum { SCHED_SHARED = 0, SCHED_EXCL_NODE = 1, SCHED_EXCL_USER = 2 };

struct sched_node {
	int up;			/* schedulable */
	int cpus_free;
	int64_t mem_free_mb;
	uint64_t gpu_free;	/* bit i: GPU i free */
	/* Who runs there (jobs holding resources, being killed included);
	 * all zero where no job asks for exclusivity anywhere. */
	int njobs;
	int excl;		/* the strictest SCHED_* of the jobs there */
	int mixed;		/* jobs of more than one user */
	uint32_t uid;		/* njobs > 0 and !mixed: whose they are */
};

struct sched_job {
	int gpus;
	int cpus;
	int64_t mem_mb;
	int excl;		/* SCHED_* */
	uint32_t uid;
};

struct sched_decision {
	size_t job;		/* index into the jobs array */
	int node;		/* index into the nodes array */
	uint64_t gpu_mask;	/* GPUs given (all of the node's: SCHED_EXCL_NODE) */
};

struct sched_result {
	size_t ndecisions;
	size_t blocked;		/* index of the job that stopped the pass, or njobs */
};

/*
 * One pass.  `nodes` is updated in place as resources are handed out.
 * At most `cap` decisions are written to `out`.
 */
struct sched_result sched_pass(const struct sched_job *jobs, size_t njobs,
    struct sched_node *nodes, size_t nnodes, struct sched_decision *out, size_t cap);

/* Count a job that holds resources on n into its sharing fields. */
void sched_node_add_job(struct sched_node *n, int excl, uint32_t uid);

/* Whether a job could ever run on a node of this total capacity. */
int sched_fits_capacity(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus);

#endif

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
 */
#ifndef HERD_SCHED_H
#define HERD_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct sched_node {
	int up;			/* schedulable */
	int cpus_free;
	int64_t mem_free_mb;
	uint64_t gpu_free;	/* bit i: GPU i free */
};

struct sched_job {
	int gpus;
	int cpus;
	int64_t mem_mb;
};

struct sched_decision {
	size_t job;		/* index into the jobs array */
	int node;		/* index into the nodes array */
	uint64_t gpu_mask;	/* GPUs given */
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

/* Whether a job could ever run on a node of this total capacity. */
int sched_fits_capacity(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus);

#endif

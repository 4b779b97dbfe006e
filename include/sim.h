/*
 * sim.h — replay a workload through sched_plan() with a simulated clock
 * (herd sim).  Pure: jobs in, figures out; no files, no herdd.
 *
 * The machine is a pool of interchangeable processors (one node whose CPUs
 * are the processors, how published figures are made) or nodes with G
 * GPUs each (a job's size is its GPUs, and one CPU per GPU; a job fits on
 * one node or is dropped by the caller).  Events are taken one at a time:
 * the next arrival if it comes no later than the next completion (an
 * arrival before a completion in the same second), else the next
 * completion (same-second completions in launch order); after each event
 * one pass runs at that time, and its placements start then.  That is the
 * event order of RLScheduler's simulator, so SCHED_GREEDY reproduces its
 * figures; fcfs and easy are herd's own policies under the same clock.
 *
 * Figures: wait = start - submit; bounded slowdown = max(1, (wait + run) /
 * max(run, 10)); utilisation = sum(run * size) / (capacity * span) with
 * span from the first submit to the last end (or to the last start, with
 * util_to_start, as RLScheduler measures it); makespan = last end - first
 * submit.
 */
#ifndef HERD_SIM_H
#define HERD_SIM_H

#include <stddef.h>
#include <stdint.h>

struct sim_job {
	int64_t submit;		/* s */
	int64_t run;		/* s, > 0 */
	int64_t limit;		/* s, >= run: what the scheduler plans with */
	int size;		/* processors or GPUs, >= 1 */
	int64_t user;		/* SWF field 12, -1 unknown: fair share's (multifactor) */
};

struct sim_machine {
	int pool;		/* > 0: one pool of this many processors */
	int nodes;		/* else: nodes of gpus_per_node GPUs */
	int gpus_per_node;	/* 1 to 64 */
};

struct sim_result {
	size_t jobs;
	double mean_wait_s;
	double mean_bsld;
	double utilization;
	int64_t makespan_s;
};

/* The largest job the machine can hold. */
int sim_capacity(const struct sim_machine *m);

/*
 * Replay n jobs (in arrival order, each fitting the machine) under policy
 * (enum sched_policy) on an empty machine.  Returns 0, or -1 with why.
 */
int sim_run(const struct sim_job *jobs, size_t n, const struct sim_machine *m, int policy,
    int util_to_start, struct sim_result *r, char *why, size_t errlen);

/*
 * herd's multifactor policy: before every pass the pending jobs are
 * ordered by prio_compute() (priority.h) with these weights, each SWF user
 * an association of one share under the root, its usage (processor- or
 * GPU-hours) decaying with p->half_life_s; then SCHED_EASY.
 */
struct prio_conf;
int sim_run_multifactor(const struct sim_job *jobs, size_t n, const struct sim_machine *m,
    const struct prio_conf *p, int util_to_start, struct sim_result *r, char *why,
    size_t errlen);

#endif

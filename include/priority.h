/*
 * priority.h — multifactor priority, as Slurm's priority/multifactor: each
 * factor in [0,1], times its weight from [priority], summed, the job's nice
 * subtracted.  Pure: herdd, `herd priority`, herd sim and the tests call it.
 *
 *   age        time since the job became eligible (submit, or its begin
 *              time if later) over max_age, capped at 1
 *   fairshare  its association's fair-share factor (fairshare.h)
 *   jobsize    its GPUs over the cluster's (CPUs over the cluster's for a
 *              job without GPUs), capped at 1: wide jobs gain, as Slurm's
 *              default
 *   partition  its partition's priority_job_factor (default: its
 *              priority_tier) over the largest of any partition, as
 *              Slurm's PriorityJobFactor (part_prio_factor, partition.h)
 *   qos        its QoS's priority over the largest of any QoS
 *              (qos_prio_factor); 0 without one
 *   xfactor    x = wait / time limit, as x / (1 + x): short jobs that have
 *              waited long rise; 0 for a job without a limit
 */
#ifndef HERD_PRIORITY_H
#define HERD_PRIORITY_H

#include <stdint.h>

#include "acct.h"

struct prio_job {
	int64_t eligible;	/* wall s: max(submit, begin) */
	int64_t limit_s;	/* 0: none */
	double size;		/* GPUs (CPUs for a CPU-only job) */
	double cluster_size;	/* the cluster's GPUs (CPUs) */
	double fairshare;	/* [0,1] */
	double partition;	/* [0,1] */
	double qos;		/* [0,1] */
	int nice;
};

struct prio_factors {
	double age, fairshare, jobsize, partition, qos, xfactor;
	double total;		/* Σ weight × factor − nice */
};

void prio_compute(const struct prio_conf *c, const struct prio_job *j, int64_t now,
    struct prio_factors *f);

#endif

/*
 * gpushare.h — sharing one GPU by memory (--gpu-share): what a GPU still
 * has to share, what each sharing job uses now, and what is said when one
 * uses more than it declared.  Pure: a probe result and the jobs in, numbers
 * and text out; the controller (ctl_gpushare.c) keeps nothing of it.
 *
 * Ownership: everything is borrowed; results go to the caller's arrays.
 */
#ifndef HERD_GPUSHARE_H
#define HERD_GPUSHARE_H

#include <stddef.h>
#include <stdint.h>

#include "foreign.h"
#include "probe.h"

/* The reason a sharing job ended for using more than it declared. */
#define GPUSHARE_REASON "GpuMemExceeded"

/*
 * What sharing jobs may still declare on a GPU: its memory total less the
 * memory in use outside herd (foreign.h's mem_mb; -1 unknown counts 0)
 * less what the sharing jobs there declared; never below 0.  A GPU whose
 * total is unknown (-1) has nothing to share.
 */
int64_t gpushare_free_mb(int64_t total_mb, int64_t foreign_mb, int64_t declared_mb);

/*
 * The GPU memory each of jobs[0..njobs) uses now, into used_mb[i]: the sum
 * of the compute processes (pr's apps) that foreign_owner() gives to it, on
 * GPUs it holds.  -1 where none of its processes is listed with a figure.
 * Never by memory alone: a process no job owns counts for none.
 */
void gpushare_usage(const struct probe_result *pr, const struct foreign_job *jobs,
    size_t njobs, int64_t *used_mb);

/*
 * The note for a job over its declaration: "GpuMemExceeded: uses 12000 MiB
 * of GPU memory, declared 10000 MiB" (kill: "..., ended (gpu_share_enforce =
 * kill)").  Returns whether used is over declared (0: buf is "").
 */
int gpushare_over(int64_t used_mb, int64_t declared_mb, int kill, char *buf, size_t size);

#endif

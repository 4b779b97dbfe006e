/*
 * gpushare.c — sharing one GPU by memory (gpushare.h).
 *
 * Theory of operation: a job that asks for part of a GPU declares how much
 * of its memory it needs (--gpu-mem); the scheduler lets such jobs share a
 * GPU while the declarations and the memory used outside herd fit in the
 * GPU's total (sched.h).  CUDA has no per-process memory cap a scheduler
 * could set without root, so a declaration is a promise, and the probe is
 * how it is checked: nvidia-smi's compute-apps list each process's memory,
 * and the same ownership rule as foreign use (foreign_owner: the job's
 * session, process group, ancestry, HERD_JOB_ID) says whose each one is.
 * A process that no job owns is foreign use and is counted there, never
 * against a job.
 */
#include <stdio.h>
#include <string.h>

#include "gpushare.h"

int64_t gpushare_free_mb(int64_t total_mb, int64_t foreign_mb, int64_t declared_mb)
{
	if (total_mb < 0)
		return 0;
	int64_t left = total_mb - (foreign_mb > 0 ? foreign_mb : 0) -
	    (declared_mb > 0 ? declared_mb : 0);
	return left > 0 ? left : 0;
}

/* The GPU's position for an app's UUID, or -1 (a GPU the list lacks). */
static int gpu_pos(const struct probe_result *pr, const char *uuid)
{
	for (size_t g = 0; g < pr->ngpus && g < PROBE_MAX_GPUS; g++)
		if (uuid[0] != '\0' && strcmp(pr->gpus[g].uuid, uuid) == 0)
			return (int)g;
	return -1;
}

void gpushare_usage(const struct probe_result *pr, const struct foreign_job *jobs,
    size_t njobs, int64_t *used_mb)
{
	for (size_t i = 0; i < njobs; i++)
		used_mb[i] = -1;
	for (size_t a = 0; a < pr->napps; a++) {
		const struct gpu_app *app = &pr->apps[a];
		int g = gpu_pos(pr, app->gpu_uuid);
		if (g < 0 || app->used_mb < 0)
			continue;
		int o = foreign_owner(gpuproc_find(pr, app->pid), jobs, njobs);
		if (o < 0 || !(jobs[o].gpus >> g & 1))
			continue;	/* foreign use, or on a GPU it was not given */
		used_mb[o] = (used_mb[o] > 0 ? used_mb[o] : 0) + app->used_mb;
	}
}

int gpushare_over(int64_t used_mb, int64_t declared_mb, int kill, char *buf, size_t size)
{
	if (size > 0)
		buf[0] = '\0';
	if (used_mb < 0 || declared_mb <= 0 || used_mb <= declared_mb)
		return 0;
	snprintf(buf, size, GPUSHARE_REASON ": uses %lld MiB of GPU memory, declared %lld MiB%s",
	    (long long)used_mb, (long long)declared_mb,
	    kill ? ", ended (gpu_share_enforce = kill)" : "");
	return 1;
}

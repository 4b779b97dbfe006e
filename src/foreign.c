/*
 * foreign.c — a node's GPUs in use outside herd (foreign.h).
 *
 * Theory of operation: the first reason a lab wants a scheduler is "someone
 * else was on my GPU", so a GPU that anyone but herd's jobs uses is not
 * handed out.  Two signs, both from one probe:
 *
 *  - a compute process (nvidia-smi --query-compute-apps) that is no herd
 *    job's.  Whose it is comes from ancestry on the node (gpuproc.c): the
 *    runner starts each job with setsid, so the job's pid, which the
 *    controller learns from the start event or a reconcile, is the session
 *    and process group of everything the job runs, and the parent of what
 *    leaves them (a `setsid` inside the job keeps the job in its chain); a
 *    process that left both (a daemon that double-forked) is still known by
 *    the HERD_JOB_ID in its environment where the node account may read it.
 *    A job whose pid is not known yet (launching, or adopted before its
 *    reconcile) is given the benefit of the doubt on the GPUs it holds:
 *    those are not handed out anyway.  A herd job's process on a GPU it was
 *    not given (it ignored CUDA_VISIBLE_DEVICES) makes that GPU busy too.
 *  - memory in use above the threshold on a GPU no herd job holds, less
 *    what herd's own processes there use: a process nvidia-smi cannot name
 *    (another container's pid namespace) or a context being torn down.
 *
 * Memory use alone never decides whose a process is: a job's usage is
 * whatever it is.  A GPU is free again at the first probe that shows
 * neither sign.  Each process keeps the time of the first probe that saw
 * it (matched by GPU UUID and pid), for "since when" in herd nodes.
 */
#include <stdlib.h>
#include <string.h>

#include "foreign.h"
#include "util.h"

void foreign_state_init(struct foreign_state *f)
{
	memset(f, 0, sizeof *f);
}

void foreign_state_clear(struct foreign_state *f)
{
	free(f->procs);
	foreign_state_init(f);
}

static int in_chain(const struct gpu_proc *p, int pid)
{
	for (int i = 0; i < p->nchain && i < PROBE_CHAIN_MAX; i++)
		if (p->chain[i] == pid)
			return 1;
	return 0;
}

int foreign_owner(const struct gpu_proc *p, const struct foreign_job *jobs, size_t njobs)
{
	if (p == NULL)
		return -1;
	for (size_t i = 0; i < njobs; i++) {
		int pid = jobs[i].pid;
		if (pid > 1 && (p->pid == pid || p->sid == pid || p->pgid == pid ||
		    in_chain(p, pid)))
			return (int)i;
	}
	for (size_t i = 0; i < njobs; i++)
		if (p->job > 0 && p->job == jobs[i].id)
			return (int)i;
	return -1;
}

/* The GPU's position for an app's UUID, or -1 (a GPU the list lacks). */
/*
 * The GPUs of the list a process named by `uuid` may be on: that GPU, or
 * for a GPU in MIG mode (nvidia-smi names a MIG device's processes by the
 * parent's UUID, and not which device) every MIG device of it.
 */
static uint64_t gpus_of_app(const struct probe_result *pr, const char *uuid)
{
	uint64_t m = 0;
	if (uuid[0] == '\0')
		return 0;
	for (size_t g = 0; g < pr->ngpus && g < PROBE_MAX_GPUS; g++)
		if (strcmp(pr->gpus[g].uuid, uuid) == 0 || strcmp(pr->gpus[g].parent_uuid, uuid) == 0)
			m |= 1ULL << g;
	return m;
}

/* A job whose pid is not known yet and holds GPU g: presumed the user. */
static int unknown_holder(const struct foreign_job *jobs, size_t njobs, int g)
{
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].pid <= 1 && (jobs[i].gpus >> g & 1))
			return (int)i;
	return -1;
}

static int64_t first_seen(const struct foreign_state *prev, const char *uuid, int pid,
    int64_t now)
{
	for (size_t i = 0; prev != NULL && i < prev->nprocs; i++)
		if (prev->procs[i].pid == pid && strcmp(prev->procs[i].gpu_uuid, uuid) == 0)
			return prev->procs[i].since;
	return now;
}

static void add_proc(struct foreign_state *out, const struct probe_result *pr,
    const struct gpu_app *a, int g, const struct gpu_proc *p, int64_t job,
    const struct foreign_state *prev, int64_t now)
{
	struct foreign_proc *f;

	out->procs = xreallocarray(out->procs, out->nprocs + 1, sizeof *out->procs);
	f = &out->procs[out->nprocs++];
	memset(f, 0, sizeof *f);
	f->gpu = g;
	strlcpy_h(f->gpu_uuid, pr->gpus[g].uuid, sizeof f->gpu_uuid);
	f->pid = a->pid;
	f->uid = p != NULL ? p->uid : -1;
	if (p != NULL)
		strlcpy_h(f->user, p->user, sizeof f->user);
	strlcpy_h(f->process, a->process, sizeof f->process);
	f->mem_mb = a->used_mb;
	f->since = first_seen(prev, f->gpu_uuid, f->pid, now);
	f->job = job;
}

/* Each listed process: herd's (its memory explained) or foreign. */
static void classify_apps(const struct probe_result *pr, const struct foreign_job *jobs,
    size_t njobs, int64_t now, const struct foreign_state *prev, struct foreign_state *out,
    int64_t *herd_mb)
{
	for (size_t i = 0; i < pr->napps; i++) {
		const struct gpu_app *a = &pr->apps[i];
		uint64_t on = gpus_of_app(pr, a->gpu_uuid);
		if (on == 0)
			continue;	/* not a GPU of this list: nothing to hand out */
		int g = __builtin_ctzll(on);
		const struct gpu_proc *p = gpuproc_find(pr, a->pid);
		int o = foreign_owner(p, jobs, njobs);
		for (uint64_t m = on; o < 0 && m != 0; m &= m - 1)
			o = unknown_holder(jobs, njobs, __builtin_ctzll(m));
		if (o >= 0 && (jobs[o].gpus & on) != 0) {
			/* A herd job's: on the one of them it holds. */
			g = __builtin_ctzll(jobs[o].gpus & on);
			herd_mb[g] += a->used_mb > 0 ? a->used_mb : 0;
			continue;
		}
		add_proc(out, pr, a, g, p, o >= 0 ? jobs[o].id : 0, prev, now);
		for (uint64_t m = on; m != 0; m &= m - 1) {
			int k = __builtin_ctzll(m);
			out->busy |= 1ULL << k;
			out->why[k] = FOREIGN_PROC;
		}
	}
}

void foreign_classify(const struct probe_result *pr, const struct foreign_job *jobs,
    size_t njobs, int64_t threshold_mb, int64_t now, const struct foreign_state *prev,
    struct foreign_state *out)
{
	struct foreign_state next;
	int64_t herd_mb[PROBE_MAX_GPUS] = { 0 };
	uint64_t held = 0;

	foreign_state_init(&next);
	for (size_t i = 0; i < njobs; i++)
		held |= jobs[i].gpus;
	classify_apps(pr, jobs, njobs, now, prev, &next, herd_mb);
	for (size_t g = 0; g < pr->ngpus && g < PROBE_MAX_GPUS; g++) {
		int64_t used = pr->gpus[g].mem_used_mb;
		next.mem_mb[g] = used < 0 ? -1 : used - herd_mb[g] < 0 ? 0 : used - herd_mb[g];
		if (next.why[g] != FOREIGN_NONE || (held >> g & 1) || next.mem_mb[g] < 0)
			continue;
		if (next.mem_mb[g] > threshold_mb) {
			next.busy |= 1ULL << g;
			next.why[g] = FOREIGN_MEM;
		}
	}
	/* prev may be out: read it before it is replaced. */
	foreign_state_clear(out);
	*out = next;
}

/*
 * test_foreign.c — foreign.c's decision: which GPUs someone outside herd
 * uses, from a probe result built by hand.  Hostile cases: a process that
 * claims a job it does not belong to, a herd job's process on a GPU it was
 * not given, pids herd does not know yet, unknown memory, a GPU the list
 * lacks, memory right at the threshold, a process that comes back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "foreign.h"
#include "probe.h"
#include "util.h"

#define T 512	/* threshold, MiB */

/* A probe of n GPUs "GPU-0".. with mem_used each, no processes. */
static void gpus(struct probe_result *r, int n, int64_t mem_used)
{
	probe_result_clear(r);
	r->gpu_state = GPUS_OK;
	r->gpus = xcalloc((size_t)n, sizeof *r->gpus);
	r->ngpus = (size_t)n;
	for (int g = 0; g < n; g++) {
		r->gpus[g].index = g;
		snprintf(r->gpus[g].uuid, sizeof r->gpus[g].uuid, "GPU-%d", g);
		r->gpus[g].mem_total_mb = 81559;
		r->gpus[g].mem_used_mb = mem_used;
	}
}

/* A process on GPU "uuid" and what the node said about it (sid/pgid, one
 * parent, a marker); with_proc 0: no procs line (it ended unread). */
static void app(struct probe_result *r, const char *uuid, int pid, int64_t mb, int with_proc,
    int sid, int parent, int64_t marker)
{
	r->apps = xreallocarray(r->apps, r->napps + 1, sizeof *r->apps);
	struct gpu_app *a = &r->apps[r->napps++];
	memset(a, 0, sizeof *a);
	strlcpy_h(a->gpu_uuid, uuid, sizeof a->gpu_uuid);
	a->pid = pid;
	a->used_mb = mb;
	strlcpy_h(a->process, "python3", sizeof a->process);
	if (!with_proc)
		return;
	r->procs = xreallocarray(r->procs, r->nprocs + 1, sizeof *r->procs);
	struct gpu_proc *p = &r->procs[r->nprocs++];
	memset(p, 0, sizeof *p);
	p->pid = pid;
	p->uid = 1001;
	strlcpy_h(p->user, "bob", sizeof p->user);
	p->sid = p->pgid = sid;
	if (parent > 0)
		p->chain[p->nchain++] = parent;
	p->job = marker;
}

static void owner_by_ancestry(void **state)
{
	(void)state;
	struct foreign_job jobs[] = { { 7, 4000, 1, "alice" }, { 8, 5000, 2, "carol" } };
	struct gpu_proc p = { .pid = 4000 };
	assert_int_equal(foreign_owner(&p, jobs, 2), 0);	/* the leader itself */
	p = (struct gpu_proc){ .pid = 4100, .sid = 5000, .pgid = 4100 };
	assert_int_equal(foreign_owner(&p, jobs, 2), 1);	/* in its session */
	p = (struct gpu_proc){ .pid = 4100, .sid = 4100, .pgid = 5000 };
	assert_int_equal(foreign_owner(&p, jobs, 2), 1);	/* in its group */
	/* Left both (setsid in the job): its parents still lead to the job. */
	p = (struct gpu_proc){ .pid = 4300, .sid = 4300, .pgid = 4300, .nchain = 3,
	    .chain = { 4200, 4000, 1 } };
	assert_int_equal(foreign_owner(&p, jobs, 2), 0);
	/* Nothing in common: someone else's. */
	p = (struct gpu_proc){ .pid = 9000, .sid = 8999, .pgid = 9000, .nchain = 2,
	    .chain = { 8999, 1 } };
	assert_int_equal(foreign_owner(&p, jobs, 2), -1);
	/* Unknowns never match a job whose pid is unknown too. */
	struct foreign_job nopid[] = { { 9, 0, 1, "dave" }, { 10, 1, 2, "erin" } };
	p = (struct gpu_proc){ .pid = 9000, .sid = 0, .pgid = 0, .nchain = 1, .chain = { 1 } };
	assert_int_equal(foreign_owner(&p, nopid, 2), -1);
	assert_int_equal(foreign_owner(NULL, jobs, 2), -1);
	assert_int_equal(foreign_owner(&p, NULL, 0), -1);
}

static void owner_by_marker(void **state)
{
	(void)state;
	struct foreign_job jobs[] = { { 7, 4000, 1, "alice" } };
	/* Double-forked out of the job, reparented to init: its marker says. */
	struct gpu_proc p = { .pid = 6000, .sid = 6000, .pgid = 6000, .nchain = 0, .job = 7 };
	assert_int_equal(foreign_owner(&p, jobs, 1), 0);
	/* A marker naming a job not held here (ended, another node's, made up). */
	p.job = 8;
	assert_int_equal(foreign_owner(&p, jobs, 1), -1);
	p.job = -7;
	assert_int_equal(foreign_owner(&p, jobs, 1), -1);
}

static void process_makes_gpu_busy(void **state)
{
	(void)state;
	struct probe_result r;
	struct foreign_state f;
	probe_result_init(&r);
	foreign_state_init(&f);
	gpus(&r, 4, 3000);
	struct foreign_job jobs[] = { { 7, 4000, 1 << 0, "alice" } };
	app(&r, "GPU-0", 4001, 3000, 1, 4000, 4000, 0);	/* the job's, on its GPU */
	app(&r, "GPU-1", 9000, 2048, 1, 9000, 1, 0);	/* bob's */
	app(&r, "GPU-2", 4002, 100, 1, 4000, 4000, 0);	/* the job's, not its GPU */
	app(&r, "GPU-3", 9100, -1, 0, 0, 0, 0);	/* no procs line: unknown owner */
	app(&r, "GPU-9", 9200, 1, 1, 9200, 1, 0);	/* a GPU the list lacks */
	foreign_classify(&r, jobs, 1, T, 100, NULL, &f);
	assert_int_equal(f.busy, 0xe);	/* GPUs 1, 2, 3 */
	assert_int_equal(f.why[0], FOREIGN_NONE);
	assert_int_equal(f.why[1], FOREIGN_PROC);
	assert_int_equal(f.nprocs, 3);
	assert_int_equal(f.procs[0].gpu, 1);
	assert_string_equal(f.procs[0].user, "bob");
	assert_int_equal(f.procs[0].uid, 1001);
	assert_int_equal(f.procs[0].mem_mb, 2048);
	assert_int_equal(f.procs[0].since, 100);
	assert_int_equal(f.procs[0].job, 0);
	assert_int_equal(f.procs[1].gpu, 2);
	assert_int_equal(f.procs[1].job, 7);	/* herd's job, outside its GPUs */
	assert_int_equal(f.procs[2].gpu, 3);
	assert_string_equal(f.procs[2].user, "");
	assert_int_equal(f.procs[2].uid, -1);
	/* The job's own memory is explained on its GPU. */
	assert_int_equal(f.mem_mb[0], 0);
	foreign_state_clear(&f);
	probe_result_clear(&r);
}

static void memory_threshold(void **state)
{
	(void)state;
	struct probe_result r;
	struct foreign_state f;
	probe_result_init(&r);
	foreign_state_init(&f);
	gpus(&r, 5, 0);
	r.gpus[0].mem_used_mb = T;	/* at the threshold: fine */
	r.gpus[1].mem_used_mb = T + 1;	/* above: busy */
	r.gpus[2].mem_used_mb = -1;	/* unknown ([N/A]): no verdict by memory */
	r.gpus[3].mem_used_mb = 70000;	/* held by a job: its use */
	r.gpus[4].mem_used_mb = 3000;	/* herd's process explains 2600 of it */
	struct foreign_job jobs[] = { { 7, 4000, 1 << 3, "alice" }, { 8, 5000, 0, "carol" } };
	app(&r, "GPU-4", 5001, 2600, 1, 5000, 5000, 0);	/* job 8's, on a GPU it lacks */
	foreign_classify(&r, jobs, 2, T, 1, NULL, &f);
	/* GPU 4: job 8's process there is busy by process, whatever the memory. */
	assert_int_equal(f.busy, (1 << 1) | (1 << 4));
	assert_int_equal(f.why[1], FOREIGN_MEM);
	assert_int_equal(f.mem_mb[1], T + 1);
	assert_int_equal(f.why[2], FOREIGN_NONE);
	assert_int_equal(f.mem_mb[2], -1);
	assert_int_equal(f.why[3], FOREIGN_NONE);
	assert_int_equal(f.nprocs, 1);
	assert_int_equal(f.procs[0].job, 8);
	/* Where the job does hold GPU 4, only what it does not explain counts. */
	jobs[1].gpus = 1 << 4;
	foreign_classify(&r, jobs, 2, T, 2, &f, &f);
	assert_int_equal(f.busy, 1 << 1);
	assert_int_equal(f.mem_mb[4], 400);
	/* Threshold 0: any memory at all. */
	gpus(&r, 1, 1);
	foreign_classify(&r, NULL, 0, 0, 3, &f, &f);
	assert_int_equal(f.busy, 1);
	foreign_state_clear(&f);
	probe_result_clear(&r);
}

/* A job whose pid is not known yet (launching, adopted before its
 * reconcile): the processes on its GPUs are presumed its own. */
static void unknown_pid_holder(void **state)
{
	(void)state;
	struct probe_result r;
	struct foreign_state f;
	probe_result_init(&r);
	foreign_state_init(&f);
	gpus(&r, 2, 0);
	struct foreign_job jobs[] = { { 7, 0, 1, "alice" } };
	app(&r, "GPU-0", 4001, 100, 1, 4000, 4000, 0);
	app(&r, "GPU-1", 4002, 100, 1, 4000, 4000, 0);
	foreign_classify(&r, jobs, 1, T, 5, NULL, &f);
	assert_int_equal(f.busy, 2);	/* GPU 1 is not the job's: someone's */
	assert_int_equal(f.procs[0].job, 0);
	foreign_state_clear(&f);
	probe_result_clear(&r);
}

/* "since" is the first probe that saw the process on that GPU; a process
 * gone is forgotten, and the GPU free at the first probe without it. */
static void since_and_release(void **state)
{
	(void)state;
	struct probe_result r;
	struct foreign_state f;
	probe_result_init(&r);
	foreign_state_init(&f);
	gpus(&r, 2, 0);
	app(&r, "GPU-0", 9000, 10, 1, 9000, 1, 0);
	foreign_classify(&r, NULL, 0, T, 100, &f, &f);
	assert_int_equal(f.procs[0].since, 100);
	app(&r, "GPU-1", 9000, 10, 1, 9000, 1, 0);	/* the same pid on another GPU too */
	foreign_classify(&r, NULL, 0, T, 130, &f, &f);
	assert_int_equal(f.busy, 3);
	assert_int_equal(f.procs[0].since, 100);
	assert_int_equal(f.procs[1].since, 130);
	gpus(&r, 2, 0);	/* both gone */
	foreign_classify(&r, NULL, 0, T, 160, &f, &f);
	assert_int_equal(f.busy, 0);
	assert_int_equal(f.nprocs, 0);
	app(&r, "GPU-0", 9000, 10, 1, 9000, 1, 0);	/* back (or the pid reused): new */
	foreign_classify(&r, NULL, 0, T, 190, &f, &f);
	assert_int_equal(f.procs[0].since, 190);
	foreign_state_clear(&f);
	foreign_state_clear(&f);	/* twice is fine */
	probe_result_clear(&r);
}

/* The most GPUs a probe holds, each with a process: every bit, no overrun. */
static void many(void **state)
{
	(void)state;
	struct probe_result r;
	struct foreign_state f;
	probe_result_init(&r);
	foreign_state_init(&f);
	gpus(&r, PROBE_MAX_GPUS, 0);
	for (int g = 0; g < PROBE_MAX_GPUS; g++) {
		char u[16];
		snprintf(u, sizeof u, "GPU-%d", g);
		app(&r, u, 1000 + g, 1, 1, 1000 + g, 1, 0);
	}
	foreign_classify(&r, NULL, 0, T, 1, NULL, &f);
	assert_true(f.busy == UINT64_MAX);
	assert_int_equal(f.nprocs, PROBE_MAX_GPUS);
	foreign_state_clear(&f);
	probe_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owner_by_ancestry),
		cmocka_unit_test(owner_by_marker),
		cmocka_unit_test(process_makes_gpu_busy),
		cmocka_unit_test(memory_threshold),
		cmocka_unit_test(unknown_pid_holder),
		cmocka_unit_test(since_and_release),
		cmocka_unit_test(many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for the pure scheduler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched.h"

static struct sched_node node(int cpus, int64_t mem, int ngpus)
{
	struct sched_node n = { .up = 1, .cpus_free = cpus, .mem_free_mb = mem,
	    .gpu_free = ngpus ? (ngpus == 64 ? ~0ULL : (1ULL << ngpus) - 1) : 0 };
	return n;
}

static void first_fit_whole_gpus(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(8, 1000, 2), node(8, 1000, 4) };
	struct sched_job jobs[3] = { { .gpus = 1, .cpus = 1, .mem_mb = 0 }, { .gpus = 2, .cpus = 1, .mem_mb = 0 }, { .gpus = 1, .cpus = 1, .mem_mb = 0 } };
	struct sched_decision d[8];
	struct sched_result r = sched_pass(jobs, 3, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 3);
	assert_int_equal(r.blocked, 3);
	assert_int_equal(d[0].node, 0);
	assert_int_equal(d[0].gpu_mask, 0x1);
	assert_int_equal(d[1].node, 1);	/* node 0 has one GPU left */
	assert_int_equal(d[1].gpu_mask, 0x3);
	assert_int_equal(d[2].node, 0);
	assert_int_equal(d[2].gpu_mask, 0x2);
	assert_int_equal(nodes[0].gpu_free, 0);
	assert_int_equal(nodes[0].cpus_free, 6);
}

static void fcfs_blocks_later_jobs(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(4, 1000, 2) };
	struct sched_job jobs[3] = { { .gpus = 1, .cpus = 1, .mem_mb = 0 }, { .gpus = 2, .cpus = 1, .mem_mb = 0 }, { .gpus = 0, .cpus = 1, .mem_mb = 0 } };
	struct sched_decision d[8];
	struct sched_result r = sched_pass(jobs, 3, nodes, 1, d, 8);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(r.blocked, 1);	/* the CPU-only job does not overtake */
}

static void respects_cpu_mem_and_down_nodes(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(1, 100, 0), node(4, 4096, 0) };
	nodes[1].up = 0;
	struct sched_job jobs[2] = { { .gpus = 0, .cpus = 1, .mem_mb = 100 }, { .gpus = 0, .cpus = 1, .mem_mb = 1 } };
	struct sched_decision d[8];
	struct sched_result r = sched_pass(jobs, 2, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(r.blocked, 1);
	nodes[1].up = 1;
	r = sched_pass(jobs + 1, 1, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(d[0].node, 1);
}

static void decision_cap_stops_pass(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(64, 1 << 20, 0) };
	struct sched_job jobs[10];
	for (int i = 0; i < 10; i++)
		jobs[i] = (struct sched_job){ .gpus = 0, .cpus = 1, .mem_mb = 0 };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 10, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 4);
	assert_int_equal(r.blocked, 4);
	assert_int_equal(nodes[0].cpus_free, 60);
}

static void sixty_four_gpus(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(64, 1000, 64) };
	struct sched_job jobs[2] = { { .gpus = 63, .cpus = 1, .mem_mb = 0 }, { .gpus = 1, .cpus = 1, .mem_mb = 0 } };
	struct sched_decision d[2];
	struct sched_result r = sched_pass(jobs, 2, nodes, 1, d, 2);
	assert_int_equal(r.ndecisions, 2);
	assert_true(d[1].gpu_mask == (1ULL << 63));
	assert_true(nodes[0].gpu_free == 0);
}

/*
 * Two jobs each needing more than half a node's memory: the first takes its
 * share, so the second must go to the other node, never beside it.
 */
static void memory_is_deducted(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(8, 1000, 0), node(8, 1000, 0) };
	struct sched_job jobs[3] = { { .gpus = 0, .cpus = 1, .mem_mb = 600 }, { .gpus = 0, .cpus = 1, .mem_mb = 600 }, { .gpus = 0, .cpus = 1, .mem_mb = 600 } };
	struct sched_decision d[8];
	struct sched_result r = sched_pass(jobs, 3, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 2);
	assert_int_equal(d[0].node, 0);
	assert_int_equal(d[1].node, 1);
	assert_int_equal(r.blocked, 2);	/* a third fits nowhere */
	assert_int_equal(nodes[0].mem_free_mb, 400);
	assert_int_equal(nodes[1].mem_free_mb, 400);
}

/* A job needing exactly the free CPUs fits; one CPU more does not. */
static void cpu_exact_boundary(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(4, 1000, 0) };
	struct sched_job jobs[2] = { { .gpus = 0, .cpus = 3, .mem_mb = 0 }, { .gpus = 0, .cpus = 1, .mem_mb = 0 } };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 2, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 2);	/* 3 + 1 == 4: both */
	assert_int_equal(nodes[0].cpus_free, 0);

	struct sched_node n2[1] = { node(4, 1000, 0) };
	struct sched_job over[2] = { { .gpus = 0, .cpus = 3, .mem_mb = 0 }, { .gpus = 0, .cpus = 2, .mem_mb = 0 } };
	r = sched_pass(over, 2, n2, 1, d, 4);
	assert_int_equal(r.ndecisions, 1);	/* 3 + 2 > 4 */
	assert_int_equal(r.blocked, 1);
	assert_int_equal(n2[0].cpus_free, 1);

	struct sched_node n3[1] = { node(4, 1000, 0) };
	struct sched_job whole[1] = { { .gpus = 0, .cpus = 5, .mem_mb = 0 } };
	r = sched_pass(whole, 1, n3, 1, d, 4);
	assert_int_equal(r.ndecisions, 0);	/* one more than the node has */
}

/* Memory at the exact boundary: equal fits, one MB more does not. */
static void mem_exact_boundary(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(8, 1000, 0) };
	struct sched_job jobs[3] = { { .gpus = 0, .cpus = 1, .mem_mb = 400 }, { .gpus = 0, .cpus = 1, .mem_mb = 600 }, { .gpus = 0, .cpus = 1, .mem_mb = 1 } };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 3, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 2);
	assert_int_equal(r.blocked, 2);
	assert_int_equal(nodes[0].mem_free_mb, 0);
}

/* GPUs at the exact boundary: all free GPUs fit, one more does not. */
static void gpu_exact_boundary(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(8, 1000, 4) };
	struct sched_job jobs[3] = { { .gpus = 1, .cpus = 1, .mem_mb = 0 }, { .gpus = 3, .cpus = 1, .mem_mb = 0 }, { .gpus = 1, .cpus = 1, .mem_mb = 0 } };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 3, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 2);
	assert_int_equal(d[1].gpu_mask, 0xe);	/* exactly the three left */
	assert_int_equal(r.blocked, 2);
	assert_int_equal(nodes[0].gpu_free, 0);

	struct sched_node n2[1] = { node(8, 1000, 4) };
	struct sched_job over[2] = { { .gpus = 2, .cpus = 1, .mem_mb = 0 }, { .gpus = 3, .cpus = 1, .mem_mb = 0 } };
	r = sched_pass(over, 2, n2, 1, d, 4);
	assert_int_equal(r.ndecisions, 1);	/* 2 + 3 > 4 */
	assert_int_equal(r.blocked, 1);
	assert_int_equal(n2[0].gpu_free, 0xc);

	struct sched_node n3[1] = { node(8, 1000, 4) };
	struct sched_job whole[1] = { { .gpus = 5, .cpus = 1, .mem_mb = 0 } };
	r = sched_pass(whole, 1, n3, 1, d, 4);
	assert_int_equal(r.ndecisions, 0);
	assert_int_equal(n3[0].gpu_free, 0xf);
}

static void capacity_check(void **state)
{
	(void)state;
	struct sched_job j = { .gpus = 9, .cpus = 1, .mem_mb = 0 };
	assert_false(sched_fits_capacity(&j, 16, 1000, 8));
	j.gpus = 8;
	assert_true(sched_fits_capacity(&j, 16, 1000, 8));
	j.cpus = 16;
	assert_true(sched_fits_capacity(&j, 16, 1000, 8));
	j.cpus = 17;
	assert_false(sched_fits_capacity(&j, 16, 1000, 8));
	j.cpus = 16;
	j.mem_mb = 1000;
	assert_true(sched_fits_capacity(&j, 16, 1000, 8));
	j.mem_mb = 1001;
	assert_false(sched_fits_capacity(&j, 16, 1000, 8));
}

/* Jobs with whom they share: X node-exclusive, U user-exclusive. */
#define JOB(g, c, m, x, u) \
	((struct sched_job){ .gpus = g, .cpus = c, .mem_mb = m, .excl = x, .uid = u })

/*
 * An exclusive job waits for an empty node even where GPUs, CPUs and
 * memory are free beside a running job, and then takes all of it.
 */
static void exclusive_waits_for_empty_node(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(8, 1000, 4), node(8, 1000, 4) };
	struct sched_decision d[8];
	sched_node_add_job(&nodes[0], SCHED_SHARED, 7);	/* one job runs */
	nodes[0].cpus_free = 7;
	nodes[0].gpu_free = 0xe;
	sched_node_add_job(&nodes[1], SCHED_SHARED, 8);	/* a job being killed */
	struct sched_job x[1] = { JOB(1, 1, 10, SCHED_EXCL_NODE, 7) };
	struct sched_result r = sched_pass(x, 1, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 0);	/* not beside its own user's job either */
	assert_int_equal(r.blocked, 0);

	/* Its user's job ends on node 1: it gets the whole node. */
	nodes[1] = node(8, 1000, 4);
	r = sched_pass(x, 1, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(d[0].node, 1);
	assert_int_equal(d[0].gpu_mask, 0xf);	/* every GPU, though it asked one */
	assert_int_equal(nodes[1].gpu_free, 0);
	assert_int_equal(nodes[1].cpus_free, 0);
	assert_int_equal(nodes[1].mem_free_mb, 0);
	assert_int_equal(nodes[1].excl, SCHED_EXCL_NODE);
	assert_int_equal(nodes[1].njobs, 1);

	/* A GPU that another program holds is not the job's. */
	struct sched_node n2[1] = { node(8, 1000, 4) };
	n2[0].gpu_free = 0xb;
	r = sched_pass(x, 1, n2, 1, d, 8);
	assert_int_equal(d[0].gpu_mask, 0xb);

	/* What it asks for must still fit: an empty node too small is no use. */
	struct sched_node n3[1] = { node(2, 1000, 4) };
	struct sched_job big[1] = { JOB(0, 3, 0, SCHED_EXCL_NODE, 7) };
	r = sched_pass(big, 1, n3, 1, d, 8);
	assert_int_equal(r.ndecisions, 0);
}

/* A node running an exclusive job takes no other job, its user's neither. */
static void exclusive_node_takes_no_other(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(8, 1000, 8), node(8, 1000, 1) };
	struct sched_decision d[8];
	struct sched_job jobs[4] = {
		JOB(1, 1, 0, SCHED_EXCL_NODE, 7),
		JOB(0, 1, 0, SCHED_SHARED, 7),		/* same user */
		JOB(1, 1, 0, SCHED_EXCL_USER, 7),
		JOB(1, 1, 0, SCHED_SHARED, 8),
	};
	struct sched_result r = sched_pass(jobs, 4, nodes, 2, d, 8);
	assert_int_equal(r.ndecisions, 3);
	assert_int_equal(d[0].node, 1);		/* best fit: the 1-GPU node, whole */
	assert_int_equal(d[0].gpu_mask, 0x1);
	assert_int_equal(d[1].node, 0);		/* not beside the exclusive one */
	assert_int_equal(d[2].node, 0);		/* user-exclusive beside its own */
	assert_int_equal(r.blocked, 3);		/* user 8: node 0 is user 7's now */

	/* Restored from a snapshot (the controller's count of running jobs):
	 * the same answer for a small job, though everything looks free. */
	struct sched_node n2[1] = { node(8, 1000, 8) };
	sched_node_add_job(&n2[0], SCHED_EXCL_NODE, 7);
	struct sched_job small[1] = { JOB(0, 1, 0, SCHED_SHARED, 7) };
	r = sched_pass(small, 1, n2, 1, d, 8);
	assert_int_equal(r.ndecisions, 0);
	assert_int_equal(r.blocked, 0);
}

/*
 * --exclusive=user: only its user's jobs beside it, either way round, and
 * it gets only what it asked for.
 */
static void exclusive_user(void **state)
{
	(void)state;
	struct sched_decision d[8];
	struct sched_node nodes[3] = { node(8, 1000, 4), node(8, 1000, 4), node(8, 1000, 4) };
	sched_node_add_job(&nodes[0], SCHED_SHARED, 8);		/* another user's */
	sched_node_add_job(&nodes[1], SCHED_SHARED, 7);		/* its user's, */
	sched_node_add_job(&nodes[1], SCHED_SHARED, 8);		/* and another's */
	sched_node_add_job(&nodes[2], SCHED_SHARED, 7);		/* its user's only */
	sched_node_add_job(&nodes[2], SCHED_EXCL_USER, 7);
	assert_true(nodes[1].mixed);
	assert_false(nodes[2].mixed);
	struct sched_job u[1] = { JOB(1, 2, 100, SCHED_EXCL_USER, 7) };
	struct sched_result r = sched_pass(u, 1, nodes, 3, d, 8);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(d[0].node, 2);
	assert_int_equal(d[0].gpu_mask, 0x1);		/* what it asked for */
	assert_int_equal(nodes[2].cpus_free, 6);
	assert_int_equal(nodes[2].mem_free_mb, 900);
	assert_int_equal(nodes[2].njobs, 3);

	/* Once it runs, another user's job stays off that node; its user's
	 * own go on, and a later node-exclusive job of its user waits. */
	struct sched_node n2[2] = { node(8, 1000, 4), node(8, 1000, 4) };
	struct sched_job jobs[4] = {
		JOB(1, 1, 0, SCHED_EXCL_USER, 7),
		JOB(1, 1, 0, SCHED_SHARED, 8),		/* node 1 */
		JOB(1, 1, 0, SCHED_SHARED, 7),		/* node 0, beside its own */
		JOB(0, 1, 0, SCHED_EXCL_NODE, 7),	/* no empty node left */
	};
	r = sched_pass(jobs, 4, n2, 2, d, 8);
	assert_int_equal(r.ndecisions, 3);
	assert_int_equal(d[0].node, 0);
	assert_int_equal(d[1].node, 1);
	assert_int_equal(d[2].node, 0);
	assert_int_equal(r.blocked, 3);
	assert_int_equal(n2[0].excl, SCHED_EXCL_USER);
	assert_int_equal(n2[1].excl, SCHED_SHARED);

	/* Root's uid 0 is a user like any other. */
	struct sched_node n3[1] = { node(8, 1000, 4) };
	sched_node_add_job(&n3[0], SCHED_EXCL_USER, 0);
	struct sched_job other[1] = { JOB(0, 1, 0, SCHED_SHARED, 1) };
	r = sched_pass(other, 1, n3, 1, d, 8);
	assert_int_equal(r.ndecisions, 0);
	other[0].uid = 0;
	r = sched_pass(other, 1, n3, 1, d, 8);
	assert_int_equal(r.ndecisions, 1);
}

/* Without exclusive jobs anywhere, sharing is as before: no counts needed. */
static void shared_jobs_unchanged(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(8, 1000, 4) };
	struct sched_job jobs[3] = { JOB(1, 1, 0, SCHED_SHARED, 1),
	    JOB(1, 1, 0, SCHED_SHARED, 2), JOB(2, 1, 0, SCHED_SHARED, 3) };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 3, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 3);
	assert_true(nodes[0].mixed);
	assert_int_equal(nodes[0].excl, SCHED_SHARED);
}

/* ---- EASY and GREEDY: reservations and backfill ---- */

static struct sched_plan plan_of(struct sched_decision *d, size_t cap, uint8_t *reason)
{
	return (struct sched_plan){ .out = d, .cap = cap, .reason = reason };
}

/*
 * The example: an 8-GPU node runs a 4-GPU job (limit 100 s), an
 * 8-GPU job waits for it, a 2-GPU job of 5 s comes next.  FCFS holds the
 * short job back; EASY starts it (it ends long before the reservation), and
 * a 2-GPU job of 200 s still fits in what the head leaves over? No: the
 * head takes all 8 GPUs, so it must wait (Priority).
 */
static void easy_backfills_short_job(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(16, 1000, 8) };
	nodes[0].gpu_free = 0xf0;
	nodes[0].cpus_free = 15;
	struct sched_run run[1] = { { .node = 0, .gpus = 4, .cpus = 1, .end = 1100 } };
	struct sched_job jobs[3] = { { .gpus = 8, .cpus = 1, .limit = 50, .id = 1 },
	    { .gpus = 2, .cpus = 1, .limit = 5, .id = 2 }, { .gpus = 2, .cpus = 1, .limit = 200, .id = 3 } };
	struct sched_decision d[4];
	uint8_t why[3];
	struct sched_snapshot s = { .policy = SCHED_FCFS, .now = 1000, .nodes = nodes, .nnodes = 1,
	    .running = run, .nrunning = 1, .jobs = jobs, .njobs = 3, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 4, why);
	struct sched_node saved = nodes[0];

	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 0);
	assert_int_equal(p.looked, 1);
	assert_int_equal(why[0], SCHED_R_RESOURCES);
	nodes[0] = saved;
	s.policy = SCHED_EASY;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);
	assert_int_equal(d[0].job, 1);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].job, 0);
	assert_int_equal(p.resv[0].start, 1100);
	assert_int_equal(why[1], SCHED_R_NONE);
	assert_int_equal(why[2], SCHED_R_PRIORITY);
	assert_string_equal(sched_reason_name(why[0]), "Resources");
	assert_string_equal(sched_reason_name(why[2]), "Priority");
}

/* EASY's extra rule: a long job may take what the head leaves over on its
 * node; GREEDY (RLScheduler's variant) has no such rule. */
static void easy_extra_greedy_not(void **state)
{
	(void)state;
	for (int pol = SCHED_EASY; pol <= SCHED_GREEDY; pol++) {
		struct sched_node nodes[1] = { node(4, 0, 0) };
		nodes[0].cpus_free = 1;
		struct sched_run run[1] = { { .node = 0, .cpus = 3, .end = 100 } };
		struct sched_job jobs[2] = { { .cpus = 2, .limit = 10, .id = 7 },
		    { .cpus = 1, .limit = 1000, .id = 8 } };
		struct sched_decision d[2];
		struct sched_snapshot s = { .policy = pol, .now = 2, .nodes = nodes, .nnodes = 1,
		    .running = run, .nrunning = 1, .jobs = jobs, .njobs = 2, .pin_job = -1 };
		struct sched_plan p = plan_of(d, 2, NULL);
		sched_plan(&s, &p);
		assert_int_equal(p.resv[0].start, 100);
		assert_int_equal(p.ndecisions, pol == SCHED_EASY ? 1 : 0);
	}
}

/* GREEDY keeps the head's first reservation time (pin) and needs strictly
 * before it; EASY ends "by" it. */
static void greedy_pin_and_strict(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(4, 0, 0) };
	nodes[0].cpus_free = 1;
	struct sched_run run[1] = { { .node = 0, .cpus = 3, .end = 100 } };
	struct sched_job jobs[2] = { { .cpus = 4, .limit = 10, .id = 7 }, { .cpus = 1, .limit = 98, .id = 8 } };
	struct sched_decision d[2];
	struct sched_snapshot s = { .policy = SCHED_GREEDY, .now = 2, .nodes = nodes, .nnodes = 1,
	    .running = run, .nrunning = 1, .jobs = jobs, .njobs = 2, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 2, NULL);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 0);	/* 2 + 98 is not < 100 */
	s.policy = SCHED_EASY;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);	/* ends by 100: fine for EASY */
	nodes[0].cpus_free = 1;
	nodes[0].njobs = 0;
	s.policy = SCHED_GREEDY;
	s.pin_job = 7;
	s.pin_until = 200;	/* planned when it first blocked */
	sched_plan(&s, &p);
	assert_int_equal(p.resv[0].start, 200);
	assert_int_equal(p.ndecisions, 1);
}

/* No limit: a running job without one never ends in the plan; a pending
 * one never "ends before" anything. */
static void never_ending_jobs(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(4, 0, 0), node(4, 0, 0) };
	nodes[0].cpus_free = 2;
	nodes[1].cpus_free = 2;
	struct sched_run run[2] = { { .node = 0, .cpus = 2, .end = SCHED_NEVER },
	    { .node = 1, .cpus = 2, .end = SCHED_NEVER } };
	struct sched_job jobs[3] = { { .cpus = 4, .id = 1 }, { .cpus = 2, .id = 2 }, { .cpus = 2, .id = 3 } };
	struct sched_decision d[3];
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 0, .nodes = nodes, .nnodes = 2,
	    .running = run, .nrunning = 2, .jobs = jobs, .njobs = 3, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 3, NULL);
	sched_plan(&s, &p);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].node, 0);
	assert_true(p.resv[0].start == SCHED_NEVER);
	assert_int_equal(p.ndecisions, 1);	/* on node 1, away from the reservation */
	assert_int_equal(d[0].node, 1);
}

/*
 * reservations = 2: the second job that cannot start is planned too (on
 * the node that frees first for it), and a long job that would have sat
 * in its way now waits while a short one still goes.  With 1, as EASY,
 * only the head is protected.  `after` names whose end makes room.
 */
static void several_reservations(void **state)
{
	(void)state;
	for (int n = 1; n <= 2; n++) {
		struct sched_node nodes[2] = { node(16, 1000, 8), node(16, 1000, 8) };
		nodes[0].gpu_free = 0xf0;	/* 4 free until 1100 */
		nodes[1].gpu_free = 0xc0;	/* 2 free until 1300 */
		struct sched_run run[2] = { { .node = 0, .gpus = 4, .end = 1100, .id = 50 },
		    { .node = 1, .gpus = 6, .end = 1300, .id = 60 } };
		struct sched_job jobs[4] = { { .gpus = 8, .cpus = 1, .limit = 500, .id = 1 },
		    { .gpus = 8, .cpus = 1, .limit = 100, .id = 2 },
		    { .gpus = 2, .cpus = 1, .limit = 1000, .id = 3 },
		    { .gpus = 2, .cpus = 1, .limit = 200, .id = 4 } };
		struct sched_decision d[4];
		uint8_t why[4];
		struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1000, .nodes = nodes,
		    .nnodes = 2, .running = run, .nrunning = 2, .jobs = jobs, .njobs = 4,
		    .pin_job = -1, .reservations = n };
		struct sched_plan p = plan_of(d, 4, why);
		sched_plan(&s, &p);
		assert_int_equal(p.nresv, n);
		assert_int_equal(p.resv[0].job, 0);
		assert_int_equal(p.resv[0].node, 0);
		assert_int_equal(p.resv[0].start, 1100);
		assert_int_equal(p.resv[0].after, 50);
		assert_int_equal(why[0], SCHED_R_RESOURCES);
		assert_int_equal(p.ndecisions, 1);
		if (n == 1) {
			assert_int_equal(why[1], SCHED_R_PRIORITY);
			assert_int_equal(d[0].job, 2);	/* the long one, on node 1 */
			assert_int_equal(d[0].node, 1);
			assert_int_equal(why[3], SCHED_R_PRIORITY);
			continue;
		}
		assert_int_equal(p.resv[1].job, 1);
		assert_int_equal(p.resv[1].node, 1);
		assert_int_equal(p.resv[1].start, 1300);
		assert_int_equal(p.resv[1].after, 60);
		assert_int_equal(why[1], SCHED_R_RESOURCES);
		assert_int_equal(why[2], SCHED_R_PRIORITY);	/* would delay job 2 */
		assert_int_equal(d[0].job, 3);	/* ends at 1200, before job 2 begins */
		assert_int_equal(d[0].node, 1);
		assert_int_equal(why[3], SCHED_R_NONE);
	}
	/* Planned after another reservation: its end makes room. */
	struct sched_node one[1] = { node(16, 1000, 8) };
	one[0].gpu_free = 0xf0;
	struct sched_run r1[1] = { { .node = 0, .gpus = 4, .end = 1100, .id = 50 } };
	struct sched_job two[2] = { { .gpus = 8, .cpus = 1, .limit = 500, .id = 1 },
	    { .gpus = 6, .cpus = 1, .limit = 100, .id = 2 } };
	struct sched_decision d1[2];
	struct sched_snapshot s1 = { .policy = SCHED_EASY, .now = 1000, .nodes = one, .nnodes = 1,
	    .running = r1, .nrunning = 1, .jobs = two, .njobs = 2, .pin_job = -1,
	    .reservations = 3 };
	struct sched_plan p1 = plan_of(d1, 2, NULL);
	sched_plan(&s1, &p1);
	assert_int_equal(p1.nresv, 2);
	assert_int_equal(p1.resv[1].start, 1600);
	assert_int_equal(p1.resv[1].after, 1);
}

/* ---- the property: a reservation is never delayed by a backfilled job ---- */

static uint64_t prng = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
	prng ^= prng << 13;
	prng ^= prng >> 7;
	prng ^= prng << 17;
	return (uint32_t)(prng % n);
}

/* Partitions of the random worlds: part 1 nodes 0-1, 2 nodes 2-3, 3 node 1. */
static const uint64_t world_masks[3] = { 0x3, 0xc, 0x2 };

static int ref_allowed(const struct sched_job *j, size_t k)
{
	return j->part == 0 || (world_masks[j->part - 1] >> k & 1);
}

struct world {
	size_t nn, nr, nj;
	struct sched_node cap[4];	/* totals */
	struct sched_node free0[4];	/* free before the pass */
	struct sched_run run[40];
	struct sched_job job[14];
};

/* Independent of sched.c: may j run beside r? */
static int ref_conflict(const struct sched_job *j, const struct sched_run *r)
{
	if (j->excl == SCHED_EXCL_NODE || r->excl == SCHED_EXCL_NODE)
		return 1;
	if (j->excl == SCHED_EXCL_USER || r->excl == SCHED_EXCL_USER)
		return j->uid != r->uid;
	return 0;
}

/*
 * Something that holds resources on a node over time: a job running (or
 * started by the pass) from now until its end, or a reservation from its
 * start.  A running job without a limit gives back at NEVER (the plan's
 * "once jobs without a limit end"); a reservation without one never does.
 */
struct item {
	struct sched_run r;	/* node, resources, sharing, end */
	int64_t start;		/* a reservation's; running: -1 */
};

static int item_holds(const struct item *x, int64_t p)
{
	if (x->start < 0)
		return p < x->r.end;
	return x->start <= p && (p < x->r.end || x->r.end == SCHED_NEVER);
}

/* Whether [t, e) meets x's time (an open end meets one at NEVER). */
static int item_meets(const struct item *x, int64_t t, int64_t e)
{
	if (x->start < 0)
		return t < x->r.end;
	return (x->start < e || e == SCHED_NEVER) && (t < x->r.end || x->r.end == SCHED_NEVER);
}

static int64_t ref_end(int64_t t, int64_t limit)
{
	return limit > 0 && t != SCHED_NEVER ? t + limit : SCHED_NEVER;
}

/* Whether j may run on node k over [t, its end) beside the items. */
static int ref_fits_during(const struct world *w, const struct sched_job *j, size_t k, int64_t t,
    const struct item *it, size_t ni)
{
	int64_t e = ref_end(t, j->limit);
	for (size_t x = 0; x < ni; x++)
		if (it[x].r.node == (int)k && item_meets(&it[x], t, e) && ref_conflict(j, &it[x].r))
			return 0;
	/* Free only shrinks where a reservation begins: check t and those. */
	for (size_t c = 0; c <= ni; c++) {
		int64_t p = c == ni ? t : it[c].start;
		if (c < ni && (it[c].start < 0 || it[c].r.node != (int)k || p <= t ||
		    !(p < e || e == SCHED_NEVER)))
			continue;
		int64_t cpus = w->cap[k].cpus_free, mem = w->cap[k].mem_free_mb;
		int gpus = __builtin_popcountll(w->cap[k].gpu_free);
		for (size_t x = 0; x < ni; x++) {
			if (it[x].r.node != (int)k || !item_holds(&it[x], p))
				continue;
			cpus -= it[x].r.cpus;
			mem -= it[x].r.mem_mb;
			gpus -= it[x].r.gpus;
		}
		if (cpus < j->cpus || mem < j->mem_mb || gpus < j->gpus)
			return 0;
	}
	return 1;
}

/*
 * Brute force: the earliest time in {now} and the items' ends at which j
 * fits on some node for as long as its limit, given every item holds what
 * it holds over its time.  Returns the time, *node the first node then;
 * -1 if never.
 */
static int64_t ref_earliest(const struct world *w, const struct sched_job *j,
    const struct item *it, size_t ni, int64_t now, int *node)
{
	int64_t best = -1;
	for (size_t c = 0; c <= ni; c++) {
		int64_t t = c == ni ? now : it[c].r.end;
		if (t < now || (best >= 0 && t > best))
			continue;
		for (size_t k = 0; k < w->nn; k++) {
			if (!w->cap[k].up || !ref_allowed(j, k) || (t == best && (int)k >= *node))
				continue;
			if (ref_fits_during(w, j, k, t, it, ni)) {
				best = t;
				*node = (int)k;
			}
		}
	}
	return best;
}

static void draw_world(struct world *w, int64_t now)
{
	w->nn = 1 + rnd(4);
	w->nr = 0;
	for (size_t k = 0; k < w->nn; k++) {
		int g = (int)rnd(9), mode = (int)rnd(8);
		uint32_t owner = 1 + rnd(3);
		w->cap[k] = (struct sched_node){ .up = rnd(10) != 0, .cpus_free = 1 + (int)rnd(16),
		    .mem_free_mb = 1000 + rnd(3000), .gpu_free = g ? (1ULL << g) - 1 : 0 };
		w->free0[k] = w->cap[k];
		struct sched_node *f = &w->free0[k];
		int nrun = (int)rnd(mode == 0 ? 2 : 6);
		for (int r = 0; r < nrun && w->nr < 40; r++) {
			struct sched_run x = { .node = (int)k, .gpus = (int)rnd(4), .cpus = 1 + (int)rnd(6),
			    .mem_mb = rnd(1500), .uid = mode == 1 ? owner : 1 + rnd(3),
			    .end = rnd(10) == 0 ? SCHED_NEVER : now + 1 + rnd(100) };
			x.excl = mode == 0 && r == 0 ? SCHED_EXCL_NODE : mode == 1 && r == 0 ?
			    SCHED_EXCL_USER : SCHED_SHARED;
			if (mode == 0 && r > 0)
				break;
			if (__builtin_popcountll(f->gpu_free) < x.gpus || f->cpus_free < x.cpus ||
			    f->mem_free_mb < x.mem_mb)
				continue;
			/* take the top free GPUs, like any mask */
			for (int n = x.gpus; n > 0; n--)
				f->gpu_free &= ~(1ULL << (63 - __builtin_clzll(f->gpu_free)));
			f->cpus_free -= x.cpus;
			f->mem_free_mb -= x.mem_mb;
			sched_node_add_job(f, x.excl, x.uid);
			w->run[w->nr++] = x;
		}
	}
	w->nj = 1 + rnd(14);
	for (size_t i = 0; i < w->nj; i++) {
		uint32_t e = rnd(20);
		w->job[i] = (struct sched_job){ .gpus = (int)rnd(5), .cpus = 1 + (int)rnd(8),
		    .mem_mb = rnd(2000), .excl = e == 0 ? SCHED_EXCL_NODE : e == 1 ? SCHED_EXCL_USER :
		    SCHED_SHARED, .uid = 1 + rnd(3), .limit = rnd(10) == 0 ? 0 : 1 + rnd(150),
		    .id = (int64_t)i, .part = rnd(3) == 0 ? (int32_t)(1 + rnd(3)) : 0 };
	}
}

/* What a decision holds: the node's whole free part for an exclusive job. */
static struct item held(const struct world *w, const struct sched_node *before,
    const struct sched_decision *d, int64_t now)
{
	const struct sched_job *j = &w->job[d->job];
	struct item x = { { .node = d->node, .gpus = __builtin_popcountll(d->gpu_mask),
	    .cpus = j->cpus, .mem_mb = j->mem_mb, .excl = j->excl, .uid = j->uid,
	    .end = j->limit > 0 ? now + j->limit : SCHED_NEVER }, -1 };
	if (j->excl == SCHED_EXCL_NODE) {
		x.r.cpus = before[d->node].cpus_free;
		x.r.mem_mb = before[d->node].mem_free_mb;
	}
	return x;
}

/* Reservation i of p as an item. */
static struct item resv_item(const struct world *w, const struct sched_plan *p, int i)
{
	const struct sched_job *j = &w->job[p->resv[i].job];
	int64_t s = p->resv[i].start;
	return (struct item){ { .node = p->resv[i].node, .gpus = j->gpus, .cpus = j->cpus,
	    .mem_mb = j->mem_mb, .excl = j->excl, .uid = j->uid, .end = ref_end(s, j->limit) }, s };
}

/*
 * One random world through one pass, checked against brute force: every
 * placement holds; the first N jobs that did not start are the ones
 * planned, each at the earliest time it fits given the jobs started
 * before it and the reservations before it; and no reservation is
 * delayed by anything else in the plan: each still fits at its time with
 * every started job and every other reservation counted.
 */
static void check_world(struct world *w, int policy, int nresv, int64_t now, int *backfills,
    int *resvs)
{
	struct sched_node nodes[4], before[4];
	struct sched_decision d[14];
	uint8_t why[14];
	memcpy(nodes, w->free0, sizeof nodes);
	struct sched_snapshot s = { .policy = policy, .now = now, .nodes = nodes, .nnodes = w->nn,
	    .running = w->run, .nrunning = w->nr, .jobs = w->job, .njobs = w->nj, .pin_job = -1,
	    .masks = world_masks, .mask_words = 1, .reservations = nresv };
	struct sched_plan p = plan_of(d, 14, why);
	sched_plan(&s, &p);

	/* Placements hold: nothing oversubscribed, masks disjoint and free. */
	struct item all[60];
	size_t na = w->nr, placed[14] = { 0 };
	int started[14] = { 0 };
	for (size_t r = 0; r < w->nr; r++)
		all[r] = (struct item){ w->run[r], -1 };
	memcpy(before, w->free0, sizeof before);
	for (size_t i = 0; i < p.ndecisions; i++) {
		struct sched_node *b = &before[d[i].node];
		assert_true((d[i].gpu_mask & ~b->gpu_free) == 0);
		assert_true(b->up);
		assert_true(ref_allowed(&w->job[d[i].job], (size_t)d[i].node));
		all[na++] = held(w, before, &d[i], now);
		b->gpu_free &= ~d[i].gpu_mask;
		b->cpus_free -= all[na - 1].r.cpus;
		b->mem_free_mb -= all[na - 1].r.mem_mb;
		assert_true(b->cpus_free >= 0 && b->mem_free_mb >= 0);
		assert_true(i == 0 || d[i].job > d[i - 1].job);	/* in order */
		started[d[i].job] = 1;
		placed[d[i].job] = na;	/* items up to it */
	}
	for (size_t k = 0; k < w->nn; k++) {
		assert_int_equal(before[k].cpus_free, nodes[k].cpus_free);
		assert_true(before[k].gpu_free == nodes[k].gpu_free);
	}
	if (p.blocked == w->nj) {
		assert_int_equal(p.nresv, 0);
		return;
	}
	/* The first slots jobs not started, in order: planned where brute
	 * force finds them a time, given what came before each. */
	int slots = policy == SCHED_GREEDY ? 1 : nresv, r = 0;
	size_t nbefore = w->nr;
	struct item plan[60];
	for (size_t u = 0; u < w->nj && slots > 0; u++) {
		if (started[u]) {
			nbefore = placed[u];
			continue;
		}
		if (slots == (policy == SCHED_GREEDY ? 1 : nresv))
			assert_int_equal(p.blocked, u);
		slots--;
		assert_int_equal(why[u], SCHED_R_RESOURCES);
		size_t ni = 0;
		memcpy(plan, all, nbefore * sizeof *plan);
		ni = nbefore;
		for (int q = 0; q < r; q++)
			plan[ni++] = resv_item(w, &p, q);
		int node = -1;
		int64_t t0 = ref_earliest(w, &w->job[u], plan, ni, now, &node);
		if (t0 < 0)
			continue;	/* fits nowhere, ever: its slot is spent */
		assert_true(r < p.nresv);
		if (getenv("DEBUG_PROP") && (p.resv[r].start != t0 || p.resv[r].node != node))
			fprintf(stderr, "now %lld job %zu: plan %lld@%d ref %lld@%d\n", (long long)now,
			    u, (long long)p.resv[r].start, p.resv[r].node, (long long)t0, node);
		assert_int_equal(p.resv[r].job, u);
		assert_int_equal(p.resv[r].node, node);
		assert_true(p.resv[r].start == t0);
		r++;
	}
	assert_int_equal(p.nresv, r);
	/* Not delayed: each still fits then with all the rest of the plan. */
	for (int q = 0; q < p.nresv; q++) {
		size_t ni = na;
		memcpy(plan, all, na * sizeof *plan);
		for (int o = 0; o < p.nresv; o++)
			if (o != q)
				plan[ni++] = resv_item(w, &p, o);
		int node = -1;
		int64_t t1 = ref_earliest(w, &w->job[p.resv[q].job], plan, ni, now, &node);
		assert_true(t1 == p.resv[q].start);
		assert_int_equal(node, p.resv[q].node);
		(*resvs)++;
	}
	for (size_t i = 0; i < p.ndecisions; i++)
		*backfills += d[i].job > p.blocked;
}

/* ---- node choice: placement that keeps GPUs usable ---- */

/* A 1-GPU job goes to the partly used box, not the idle 8-GPU one first in
 * configuration order; an 8-GPU job then still finds the idle box whole. */
static void one_gpu_job_to_partly_used_node(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(64, 1000, 8), node(64, 1000, 8) };
	nodes[1].gpu_free = 0xf0;	/* four of its GPUs in use */
	struct sched_job jobs[2] = { { .gpus = 1, .cpus = 1 }, { .gpus = 8, .cpus = 1 } };
	struct sched_decision d[4];
	uint8_t why[2];
	struct sched_snapshot s = { .policy = SCHED_EASY, .nodes = nodes, .nnodes = 2,
	    .jobs = jobs, .njobs = 2, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 2);
	assert_int_equal(d[0].node, 1);
	assert_int_equal(d[0].gpu_mask, 0x10);
	assert_int_equal(d[1].node, 0);
	assert_int_equal(d[1].gpu_mask, 0xff);
}

/*
 * The case: two 8-GPU boxes of 16 CPUs (2 a GPU) listed before a
 * CPU-only node of 32; 30 mixed jobs, every fifth a 4-GPU job of 8 CPUs,
 * the others CPU-only of 2.  First fit put the CPU-only jobs on the GPU
 * boxes and left the CPU node idle while 4-GPU jobs waited for CPUs; now
 * every GPU is busy and the CPU node full, under FCFS and EASY alike.
 */
static void cpu_jobs_leave_gpu_nodes_usable(void **state)
{
	(void)state;
	for (int policy = SCHED_FCFS; policy <= SCHED_EASY; policy++) {
		struct sched_node nodes[3] = { node(16, 100000, 8), node(16, 100000, 8),
		    node(32, 100000, 0) };
		struct sched_job jobs[30];
		struct sched_decision d[30];
		uint8_t why[30];
		int started_gpu = 0, on_cpu_node = 0;
		nodes[0].cpus_per_gpu = nodes[1].cpus_per_gpu = 2;
		for (int i = 0; i < 30; i++)
			jobs[i] = i % 5 == 4 ? (struct sched_job){ .gpus = 4, .cpus = 8, .id = i } :
			    (struct sched_job){ .cpus = 2, .id = i };
		struct sched_snapshot s = { .policy = policy, .nodes = nodes, .nnodes = 3,
		    .jobs = jobs, .njobs = 30, .pin_job = -1 };
		struct sched_plan p = plan_of(d, 30, why);
		sched_plan(&s, &p);
		for (size_t i = 0; i < p.ndecisions; i++) {
			started_gpu += jobs[d[i].job].gpus > 0;
			on_cpu_node += d[i].node == 2;
			if (jobs[d[i].job].gpus == 0)
				assert_int_equal(d[i].node, 2);
		}
		assert_int_equal(started_gpu, 4);
		assert_int_equal(on_cpu_node, 16);
		assert_true(nodes[0].gpu_free == 0 && nodes[1].gpu_free == 0);
		assert_int_equal(nodes[2].cpus_free, 0);
	}
}

/* A CPU-only job takes the GPU node whose free GPUs keep their CPUs, not the
 * one it would starve; with only a starved node left it still starts. */
static void cpu_job_spares_cpus_of_free_gpus(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(16, 1000, 8), node(16, 1000, 8) };
	nodes[0].cpus_per_gpu = nodes[1].cpus_per_gpu = 2;
	nodes[1].gpu_free = 0x3;	/* 2 free GPUs need 4 CPUs: 12 to spare */
	struct sched_job jobs[1] = { { .cpus = 4 } };
	struct sched_decision d[2];
	struct sched_result r = sched_pass(jobs, 1, nodes, 2, d, 2);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(d[0].node, 1);
	/* Only the node whose 8 free GPUs need all 16 CPUs: a preference, not a refusal. */
	struct sched_node one[1] = { node(16, 1000, 8) };
	one[0].cpus_per_gpu = 2;
	r = sched_pass(jobs, 1, one, 1, d, 2);
	assert_int_equal(r.ndecisions, 1);
	assert_int_equal(d[0].node, 0);
	assert_int_equal(one[0].cpus_free, 12);
}

/*
 * A service's replicas (spread rows): each on a node without another
 * replica of its service when one can take it, even a worse fit; a
 * replica placed in the pass counts; two services do not push each other
 * away; with only a sibling's node left, the replica still starts there
 * (soft), under FCFS and EASY alike.
 */
static void replicas_spread(void **state)
{
	(void)state;
	for (int policy = SCHED_FCFS; policy <= SCHED_EASY; policy++) {
		/* Three CPU-only nodes, node 0 the best fit (no GPUs beside). */
		struct sched_node nodes[3] = { node(8, 1000, 0), node(8, 1000, 2),
		    node(8, 1000, 4) };
		uint64_t spread[2] = { 0, 0x1 };	/* row 1: service B runs on node 0 */
		struct sched_job jobs[4] = {
			{ .cpus = 1, .id = 1, .spread = 1 }, { .cpus = 1, .id = 2, .spread = 1 },
			{ .cpus = 1, .id = 3, .spread = 2 }, { .cpus = 1, .id = 4 },
		};
		struct sched_decision d[8];
		uint8_t why[4];
		struct sched_snapshot s = { .policy = policy, .nodes = nodes, .nnodes = 3,
		    .jobs = jobs, .njobs = 4, .pin_job = -1, .mask_words = 1, .spread = spread };
		struct sched_plan p = plan_of(d, 8, why);
		sched_plan(&s, &p);
		assert_int_equal(p.ndecisions, 4);
		assert_int_equal(d[0].node, 0);	/* A's first: the best fit */
		assert_int_equal(d[1].node, 1);	/* A's second: not beside it */
		assert_int_equal(d[2].node, 1);	/* B's: B runs on 0; A's do not count */
		assert_int_equal(d[3].node, 0);	/* no service: the best fit */
		assert_int_equal(spread[0], 0x3);	/* the pass's placements noted */

		/* One node left that can take it, a sibling's: it starts there. */
		struct sched_node one[2] = { node(8, 1000, 0), node(0, 1000, 0) };
		uint64_t row[1] = { 0x1 };
		struct sched_job r[1] = { { .cpus = 1, .id = 5, .spread = 1 } };
		struct sched_snapshot s1 = { .policy = policy, .nodes = one, .nnodes = 2,
		    .jobs = r, .njobs = 1, .pin_job = -1, .mask_words = 1, .spread = row };
		p = plan_of(d, 8, why);
		sched_plan(&s1, &p);
		assert_int_equal(p.ndecisions, 1);
		assert_int_equal(d[0].node, 0);
	}
}

/* A backfilled job chooses its node the same way, and the reserved node's
 * extra is charged only when it lands there. */
static void backfill_best_fit(void **state)
{
	(void)state;
	/* node 0: 8 GPUs, 4 busy until t=100 (the head's reservation);
	 * node 1: 8 GPUs, 6 busy forever */
	struct sched_node nodes[2] = { node(64, 1000, 8), node(64, 1000, 8) };
	nodes[0].gpu_free = 0xf0;
	nodes[1].gpu_free = 0xc0;
	struct sched_run run[2] = { { .node = 0, .gpus = 4, .cpus = 1, .end = 100 },
	    { .node = 1, .gpus = 6, .cpus = 1, .end = SCHED_NEVER } };
	struct sched_job jobs[3] = { { .gpus = 8, .cpus = 1, .limit = 50, .id = 0 },
	    { .gpus = 1, .cpus = 1, .limit = 50, .id = 1 },
	    { .gpus = 1, .cpus = 1, .limit = 500, .id = 2 } };
	struct sched_decision d[4];
	uint8_t why[3];
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 0, .nodes = nodes, .nnodes = 2,
	    .running = run, .nrunning = 2, .jobs = jobs, .njobs = 3, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].node, 0);
	assert_int_equal(p.ndecisions, 2);
	assert_int_equal(d[0].node, 1);	/* ends in time on node 0, but best fit is 1 */
	assert_int_equal(d[1].node, 1);
	assert_true(nodes[0].gpu_free == 0xf0);
}

/* ---- partitions and tiers ---- */

/* A job goes only to its partition's nodes, though another fits first. */
static void partition_restricts_nodes(void **state)
{
	(void)state;
	static const uint64_t masks[2] = { 0x2, 0x1 };	/* part 1: node 1; part 2: node 0 */
	struct sched_node nodes[2] = { node(8, 1000, 8), node(8, 1000, 8) };
	struct sched_job jobs[3] = { { .gpus = 1, .cpus = 1, .part = 1 },
	    { .gpus = 8, .cpus = 1, .part = 1 }, { .gpus = 1, .cpus = 1 } };
	struct sched_decision d[4];
	uint8_t why[3];
	struct sched_snapshot s = { .policy = SCHED_FCFS, .now = 1000, .nodes = nodes, .nnodes = 2,
	    .jobs = jobs, .njobs = 3, .pin_job = -1, .masks = masks, .mask_words = 1 };
	struct sched_plan p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);
	assert_int_equal(d[0].node, 1);
	/* The 8-GPU job of node 1 waits, though node 0 has 8 free: FCFS stops. */
	assert_int_equal(p.blocked, 1);
	assert_int_equal(why[1], SCHED_R_RESOURCES);
	/* EASY: its reservation is on node 1 (never: no limits), and the
	 * third job goes to node 0, which the head may not use. */
	nodes[0] = node(8, 1000, 8);
	nodes[1] = node(8, 1000, 8);
	struct sched_run run[1] = { { .node = 1, .gpus = 0, .cpus = 0, .end = 1500 } };
	s.policy = SCHED_EASY;
	s.running = run;
	s.nrunning = 1;
	jobs[2].limit = 0;	/* never ends: still may go where the head may not */
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 2);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].node, 1);
	assert_int_equal(d[1].job, 2);
	assert_int_equal(d[1].node, 0);
	/* A job whose partition has no node up fits nowhere, ever. */
	nodes[0] = node(8, 1000, 8);
	nodes[1] = node(8, 1000, 8);
	nodes[1].up = 0;
	struct sched_job lone[1] = { { .gpus = 1, .cpus = 1, .part = 1 } };
	s.jobs = lone;
	s.njobs = 1;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 0);
	assert_int_equal(p.nresv, 0);
	assert_int_equal(p.blocked, 0);
}

/* Higher tiers first, the caller's order within a tier; equal tiers: as given. */
static void tiers_order_the_pass(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(3, 1000, 2) };
	struct sched_job jobs[5] = { { .gpus = 2, .cpus = 1, .tier = 1, .id = 10 },
	    { .gpus = 1, .cpus = 1, .tier = 5, .id = 11 }, { .gpus = 1, .cpus = 1, .tier = 1, .id = 12 },
	    { .gpus = 1, .cpus = 1, .tier = 5, .id = 13 }, { .gpus = 0, .cpus = 1, .tier = 0, .id = 14 } };
	struct sched_decision d[8];
	uint8_t why[5];
	memset(why, 0xff, sizeof why);
	struct sched_snapshot s = { .policy = SCHED_FCFS, .now = 1000, .nodes = nodes, .nnodes = 1,
	    .jobs = jobs, .njobs = 5, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 8, why);
	/* Tiers not announced: the caller's order. */
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);
	assert_int_equal(d[0].job, 0);
	nodes[0] = node(3, 1000, 2);
	memset(why, 0xff, sizeof why);
	s.tiers = 1;
	sched_plan(&s, &p);
	/* Tier 5's two jobs take both GPUs; job 10 (tier 1, first) is the head. */
	assert_int_equal(p.ndecisions, 2);
	assert_int_equal(d[0].job, 1);
	assert_int_equal(d[1].job, 3);
	assert_int_equal(p.blocked, 0);
	assert_int_equal(p.looked, 3);
	assert_int_equal(why[0], SCHED_R_RESOURCES);
	assert_int_equal(why[2], 0xff);	/* not looked at: left as it was */
	/* EASY: job 12 (tier 1) waits, job 14 (tier 0, CPU only) backfills. */
	nodes[0] = node(3, 1000, 2);
	s.policy = SCHED_EASY;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 3);
	assert_int_equal(d[2].job, 4);
	assert_int_equal(why[2], SCHED_R_PRIORITY);
	/* All equal: the caller's order exactly. */
	for (int i = 0; i < 5; i++)
		jobs[i].tier = 7;
	nodes[0] = node(3, 1000, 2);
	s.policy = SCHED_FCFS;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);
	assert_int_equal(d[0].job, 0);
	assert_int_equal(p.blocked, 1);
}

/* ---- where a job may run (gclass, where; ctl_place.c builds them) ---- */

/* Decision d placed job `job` on `node`, with these GPUs (0: not checked). */
static void decided(const struct sched_decision *d, size_t job, int node, uint64_t mask)
{
	assert_int_equal(d->job, job);
	assert_int_equal(d->node, node);
	if (mask != 0)
		assert_int_equal(d->gpu_mask, mask);
}

/*
 * A job of a GPU class takes only that class's GPUs (its type, enough
 * memory), even where others are free and lower-numbered; another class
 * (a --gpu-mem row) is a row of its own; a job without one takes any.
 */
static void gpu_class_takes_its_gpus(void **state)
{
	(void)state;
	/* Row 0 (say "a100"): GPUs 2-3 of node 0, none of node 1.  Row 1
	 * (say --gpu-mem 40G): GPU 3 of node 0, GPU 0 of node 1. */
	static const uint64_t ok[4] = { 0xC, 0x0, 0x8, 0x1 };
	for (int pol = SCHED_FCFS; pol <= SCHED_EASY; pol++) {
		struct sched_node nodes[2] = { node(16, 1000, 4), node(16, 1000, 4) };
		struct sched_job jobs[5] = { { .gpus = 1, .cpus = 1, .gclass = 1, .id = 1 },
		    { .gpus = 1, .cpus = 1, .gclass = 2, .id = 2 },
		    { .gpus = 1, .cpus = 1, .gclass = 2, .id = 3 },
		    { .gpus = 2, .cpus = 1, .gclass = 1, .id = 4 },
		    { .gpus = 1, .cpus = 1, .id = 5 } };
		struct sched_decision d[8];
		uint8_t why[5];
		memset(why, 0xff, sizeof why);
		struct sched_snapshot s = { .policy = pol, .now = 1000, .nodes = nodes,
		    .nnodes = 2, .jobs = jobs, .njobs = 5, .pin_job = -1, .gpu_ok = ok };
		struct sched_plan p = plan_of(d, 8, why);
		sched_plan(&s, &p);
		/* job 1: the lowest of its class on node 0 (GPU 2), though
		 * node 1 and GPUs 0-1 are free */
		decided(&d[0], 0, 0, 0x4);
		/* job 2: its class's GPU 3 of node 0 is the best fit (1 left) */
		decided(&d[1], 1, 0, 0x8);
		/* job 3: the same class, now only GPU 0 of node 1 */
		decided(&d[2], 2, 1, 0x1);
		/* job 4: two of class 1, none free: waits (Resources), the head */
		assert_int_equal(why[3], SCHED_R_RESOURCES);
		assert_int_equal(p.blocked, 3);
		if (pol == SCHED_FCFS) {
			assert_int_equal(p.ndecisions, 3);
			continue;
		}
		/* EASY: job 5 (any GPU) backfills, best fit: GPU 0 of node 0 */
		assert_int_equal(p.ndecisions, 4);
		decided(&d[3], 4, 0, 0x1);
		/* its reservation is on the node with its GPUs (never: the jobs
		 * there have no time limit) */
		assert_int_equal(p.nresv, 1);
		assert_int_equal(p.resv[0].job, 3);
		assert_int_equal(p.resv[0].node, 0);
		assert_int_equal(nodes[0].gpu_free, 0x2);
		assert_int_equal(nodes[1].gpu_free, 0xE);
	}
}

/*
 * A job whose own filter (-C, -w, -x: `where`, folded into part) leaves it
 * no node, or whose GPU class no node has, waits with BadConstraints; one
 * whose nodes are all down, with ReqNodeNotAvail.  Neither is the head:
 * the jobs behind start under FCFS too, and neither gets a reservation.
 */
static void filter_reasons_never_head(void **state)
{
	(void)state;
	/* Mask rows: part 1 no node (-w of a node -x removes), part 2 node 1
	 * only (-w gpu2), part 3 both (a partition, no filter). */
	static const uint64_t masks[3] = { 0x0, 0x2, 0x3 };
	/* Class 1: a type that exists nowhere; class 2: only node 1's GPU 1. */
	static const uint64_t ok[4] = { 0x0, 0x0, 0x0, 0x2 };
	for (int pol = SCHED_FCFS; pol <= SCHED_EASY; pol++) {
		struct sched_node nodes[2] = { node(8, 1000, 2), node(8, 1000, 2) };
		nodes[1].up = 0;
		struct sched_job jobs[5] = {
		    { .gpus = 1, .cpus = 1, .part = 1, .where = 1, .id = 1 },
		    { .gpus = 1, .cpus = 1, .gclass = 1, .id = 2 },
		    { .gpus = 1, .cpus = 1, .part = 2, .where = 1, .id = 3 },
		    { .gpus = 1, .cpus = 1, .part = 3, .gclass = 2, .where = 1, .id = 4 },
		    { .gpus = 2, .cpus = 1, .id = 5 } };
		struct sched_decision d[8];
		uint8_t why[5];
		memset(why, 0xff, sizeof why);
		struct sched_run run[1] = { { .node = 0, .gpus = 0, .cpus = 1, .end = 1100 } };
		struct sched_snapshot s = { .policy = pol, .now = 1000, .nodes = nodes,
		    .nnodes = 2, .jobs = jobs, .njobs = 5, .pin_job = -1, .masks = masks,
		    .mask_words = 1, .gpu_ok = ok, .running = run, .nrunning = 1 };
		struct sched_plan p = plan_of(d, 8, why);
		sched_plan(&s, &p);
		assert_int_equal(why[0], SCHED_R_BADCONSTRAINTS);
		assert_string_equal(sched_reason_name(why[0]), "BadConstraints");
		assert_int_equal(why[1], SCHED_R_BADCONSTRAINTS);
		assert_int_equal(why[2], SCHED_R_REQNODENOTAVAIL);
		assert_string_equal(sched_reason_name(why[2]), "ReqNodeNotAvail");
		assert_int_equal(why[3], SCHED_R_REQNODENOTAVAIL);	/* its GPUs: node 1 */
		/* the plain job behind them all starts, whatever the policy */
		assert_int_equal(p.ndecisions, 1);
		decided(&d[0], 4, 0, 0);
		assert_int_equal(p.nresv, 0);
		assert_int_equal(p.blocked, 5);	/* no head: nothing stopped the pass */
		/* node 1 back: the -w job and the class-2 job start there */
		nodes[0] = node(8, 1000, 2);
		nodes[1] = node(8, 1000, 2);
		memset(why, 0xff, sizeof why);
		sched_plan(&s, &p);
		assert_int_equal(why[0], SCHED_R_BADCONSTRAINTS);
		assert_int_equal(why[1], SCHED_R_BADCONSTRAINTS);
		assert_int_equal(p.ndecisions, 3);
		decided(&d[0], 2, 1, 0x1);
		decided(&d[1], 3, 1, 0x2);
		decided(&d[2], 4, 0, 0);
	}
}

/*
 * Review of issue 14: a reservation counts GPUs, not which ones.  Node 0:
 * GPU 0 an A100 (free), GPU 1 an RTX 3090 and GPU 2 an A100, both held by
 * jobs that end at 1100.  The head wants 2 A100s (class 1: GPUs 0 and 2):
 * not now, so EASY reserves node 0 at 1100, when 3 GPUs are free and 1 is
 * left over.  A long job of no type comes next: "1 GPU left over at 1100"
 * lets it backfill, and it takes the lowest free GPU, the A100.  At 1100
 * only one A100 is free: the head is delayed by a job started after its
 * reservation (until 2100), which is what EASY promises never happens.
 * Either the backfilled job must not take a GPU of the reservation's
 * class (it could wait, or take the RTX at 1100) or it must not start.
 */
static void review_resv_counts_gpus_not_types(void **state)
{
	(void)state;
	static const uint64_t ok[1] = { 0x5 };	/* class 1 (a100): GPUs 0 and 2 */
	struct sched_node nodes[1] = { node(16, 1000, 3) };
	nodes[0].gpu_free = 0x1;
	nodes[0].cpus_free = 14;
	struct sched_run run[2] = { { .node = 0, .gpus = 1, .cpus = 1, .end = 1100, .id = 10 },
	    { .node = 0, .gpus = 1, .cpus = 1, .end = 1100, .id = 11 } };
	struct sched_job jobs[2] = { { .gpus = 2, .cpus = 1, .gclass = 1, .limit = 100, .id = 1 },
	    { .gpus = 1, .cpus = 1, .limit = 1000, .id = 2 } };
	struct sched_decision d[4];
	uint8_t why[2];
	memset(why, 0xff, sizeof why);
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1000, .nodes = nodes,
	    .nnodes = 1, .jobs = jobs, .njobs = 2, .pin_job = -1, .gpu_ok = ok,
	    .running = run, .nrunning = 2 };
	struct sched_plan p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].job, 0);
	assert_int_equal(p.resv[0].start, 1100);
	/* The untyped job may start only where it leaves the head's A100s. */
	for (size_t i = 0; i < p.ndecisions; i++)
		if (d[i].job == 1)
			assert_int_equal(d[i].gpu_mask & ok[0], 0);
}

static void reservation_never_delayed(void **state)
{
	(void)state;
	int backfills = 0, resvs = 0;
	for (int it = 0; it < 20000; it++) {
		struct world w;
		int64_t now = 1000 + rnd(1000);
		draw_world(&w, now);
		check_world(&w, it % 2 ? SCHED_EASY : SCHED_GREEDY, 1, now, &backfills, &resvs);
	}
	/* The property is not vacuous: many reservations, many backfills. */
	assert_true(resvs > 2000);
	assert_true(backfills > 2000);
}

/* Limits (limit.h): a job over its account's max_gpus waits with that
 * reason and neither stops nor reserves: another account's job starts, and
 * a later job that fits nowhere is the head. */
static void limit_holds_job_not_queue(void **state)
{
	(void)state;
	struct limit_conf a;
	struct limits L = { 0 };
	limit_conf_init(&a);
	a.max_gpus = 2;
	int32_t ga = limits_group(&L, &a, LIM_ACCT);
	assert_int_equal(ga, 1);
	assert_int_equal(limits_group(&L, &a, LIM_ACCT_USER), 0);	/* no per-user key */
	for (int pol = SCHED_FCFS; pol <= SCHED_EASY; pol++) {
		struct sched_node nodes[1] = { node(16, 1000, 8) };
		struct sched_job jobs[4] = { { .gpus = 2, .cpus = 1, .id = 1, .lim = { ga } },
		    { .gpus = 1, .cpus = 1, .id = 2, .lim = { ga } },
		    { .gpus = 4, .cpus = 1, .id = 3 },
		    { .gpus = 4, .cpus = 1, .limit = 60, .id = 4 } };
		struct sched_decision d[4];
		uint8_t why[4];
		struct sched_snapshot s = { .policy = pol, .now = 1000, .nodes = nodes, .nnodes = 1,
		    .jobs = jobs, .njobs = 4, .pin_job = -1, .limits = &L };
		struct sched_plan p = plan_of(d, 4, why);
		L.g[0].gpus = L.g[0].jobs = 0;
		sched_plan(&s, &p);
		assert_int_equal(p.ndecisions, 2);
		assert_int_equal(d[0].job, 0);
		assert_int_equal(d[1].job, 2);	/* the other account's job is not held up */
		assert_int_equal(why[1], SCHED_R_LIMIT + LIM_R_ASSOC_GRP_GRES);
		assert_string_equal(sched_reason_name(why[1]), "AssocGrpGRES");
		assert_int_equal(why[3], SCHED_R_RESOURCES);	/* the head: job 4, not job 2 */
		assert_int_equal(p.blocked, 3);
		assert_int_equal(p.nresv, pol == SCHED_EASY ? 1 : 0);
		if (pol == SCHED_EASY)
			assert_int_equal(p.resv[0].job, 3);
		assert_int_equal(L.g[0].gpus, 2);	/* counted as it started */
		assert_int_equal(L.g[0].jobs, 1);
		assert_int_equal(p.looked, 4);
	}
	limits_clear(&L);
}

/* Running jobs counted before the pass; per-user groups; a full cluster
 * still names every held job's limit (the rest: Priority). */
static void limit_counts_and_full_cluster(void **state)
{
	(void)state;
	struct limit_conf q;
	struct limits L = { 0 };
	limit_conf_init(&q);
	q.max_jobs = 3;
	q.max_gpus_per_user = 1;
	int32_t gq = limits_group(&L, &q, LIM_QOS);
	int32_t alice = limits_group(&L, &q, LIM_QOS_USER);
	int32_t bob = limits_group(&L, &q, LIM_QOS_USER);
	int32_t ra[LIMIT_SLOTS] = { 0, 0, gq, alice }, rb[LIMIT_SLOTS] = { 0, 0, gq, bob };
	limits_take(&L, ra, 1);	/* alice runs a 1-GPU job: her limit is reached */
	assert_int_equal(limits_block(&L, ra, 1), LIM_R_QOS_MAX_GRES_PER_USER);
	assert_int_equal(limits_block(&L, ra, 0), LIM_R_NONE);	/* CPU-only is fine */
	assert_int_equal(limits_block(&L, rb, 1), LIM_R_NONE);
	struct sched_node nodes[1] = { node(2, 1000, 2) };
	struct sched_job jobs[5] = {
	    { .gpus = 1, .cpus = 1, .lim = { 0, 0, gq, alice } },
	    { .gpus = 1, .cpus = 1, .lim = { 0, 0, gq, bob } },
	    { .gpus = 0, .cpus = 1, .lim = { 0, 0, gq, bob } },
	    { .gpus = 0, .cpus = 1, .lim = { 0, 0, gq, alice } },
	    { .gpus = 1, .cpus = 1, .lim = { 0, 0, gq, alice } } };
	struct sched_decision d[5];
	uint8_t why[5];
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1000, .nodes = nodes, .nnodes = 1,
	    .jobs = jobs, .njobs = 5, .pin_job = -1, .limits = &L };
	struct sched_plan p = plan_of(d, 5, why);
	sched_plan(&s, &p);
	/* bob's two start; the QoS then runs 3 jobs, its max_running_jobs. */
	assert_int_equal(p.ndecisions, 2);
	assert_int_equal(d[0].job, 1);
	assert_int_equal(d[1].job, 2);
	assert_int_equal(why[0], SCHED_R_LIMIT + LIM_R_QOS_MAX_GRES_PER_USER);
	assert_string_equal(sched_reason_name(why[0]), "QOSMaxGRESPerUser");
	/* The node is full now: the pass stops looking, yet names the limits. */
	assert_int_equal(why[3], SCHED_R_LIMIT + LIM_R_QOS_GRP_JOBS);
	assert_string_equal(sched_reason_name(why[3]), "QOSGrpJobsLimit");
	assert_int_equal(why[4], SCHED_R_LIMIT + LIM_R_QOS_GRP_JOBS);	/* the QoS's first */
	assert_int_equal(p.looked, 5);
	assert_int_equal(p.nresv, 0);	/* nobody waits for resources */
	/* Without limits the pass is as before: nothing reads lim. */
	struct sched_node n2[1] = { node(2, 1000, 2) };
	s.nodes = n2;
	s.limits = NULL;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 2);
	assert_int_equal(d[0].job, 0);
	limits_clear(&L);
}

/* GPU-hours used in the period: at the budget, GPU jobs wait and CPU-only
 * jobs do not; running-job limits name Slurm's reasons. */
static void limit_gpu_hours_and_jobs(void **state)
{
	(void)state;
	struct limit_conf a;
	struct limits L = { 0 };
	limit_conf_init(&a);
	a.max_gpu_s = 3600;
	a.period_s = 86400;
	a.max_jobs_per_user = 1;
	int32_t g = limits_group(&L, &a, LIM_ACCT), u = limits_group(&L, &a, LIM_ACCT_USER);
	int32_t sl[LIMIT_SLOTS] = { g, u, 0, 0 };
	assert_int_equal(limits_block(&L, sl, 1), LIM_R_NONE);
	L.g[g - 1].gpu_s = 3600;
	assert_int_equal(limits_block(&L, sl, 1), LIM_R_ASSOC_GRP_GRES_MIN);
	assert_string_equal(limit_reason_name(LIM_R_ASSOC_GRP_GRES_MIN), "AssocGrpGRESMinutes");
	assert_int_equal(limits_block(&L, sl, 0), LIM_R_NONE);
	limits_take(&L, sl, 0);
	assert_int_equal(limits_block(&L, sl, 0), LIM_R_ASSOC_MAX_JOBS);
	assert_string_equal(limit_reason_name(LIM_R_ASSOC_MAX_JOBS), "AssocMaxJobsLimit");
	assert_null(limit_reason_name(LIM_R_NONE));
	assert_null(limit_reason_name(LIM_R_COUNT));
	assert_null(sched_reason_name(SCHED_R_LIMIT + LIM_R_COUNT));
	/* An index past the table is no group (never read out of bounds). */
	int32_t bad[LIMIT_SLOTS] = { 99, -3, 0, 0 };
	assert_int_equal(limits_block(&L, bad, 8), LIM_R_NONE);
	limits_take(&L, bad, 8);
	limits_clear(&L);
}

/* Submit: what can never start, and max_submit_jobs with what is queued. */
static void limit_submit(void **state)
{
	(void)state;
	struct limit_conf a, q;
	const char *what = NULL;
	int64_t max = 0;
	limit_conf_init(&a);
	limit_conf_init(&q);
	a.max_gpus = 4;
	a.max_submit_per_user = 10;
	q.max_gpus_per_user = 2;
	q.max_submit = 5;
	uint64_t n[LIMIT_SLOTS] = { 0, 9, 4, 0 };
	assert_int_equal(limits_submit(&a, &q, 1, 1, n, &what, &max), LIM_R_NONE);
	assert_int_equal(limits_submit(&a, &q, 5, 1, n, &what, &max), LIM_R_ASSOC_GRP_GRES);
	assert_string_equal(what, "max_gpus");
	assert_int_equal(max, 4);
	assert_int_equal(limits_submit(&a, &q, 3, 1, n, &what, &max), LIM_R_QOS_MAX_GRES_PER_USER);
	assert_string_equal(what, "max_gpus_per_user");
	assert_int_equal(limits_submit(&a, &q, 1, 2, n, &what, &max), LIM_R_ASSOC_MAX_SUBMIT);
	assert_string_equal(limit_reason_name(LIM_R_ASSOC_MAX_SUBMIT), "AssocMaxSubmitJobLimit");
	n[LIM_ACCT_USER] = 0;
	assert_int_equal(limits_submit(&a, &q, 1, 2, n, &what, &max), LIM_R_QOS_GRP_SUBMIT);
	assert_int_equal(max, 5);
	/* An array of 4,000,000 tasks against a small limit; no QoS. */
	assert_int_equal(limits_submit(&a, NULL, 0, 4000000, n, &what, &max),
	    LIM_R_ASSOC_MAX_SUBMIT);
	/* A limit of 0 running jobs: nothing may ever start. */
	a.max_jobs = 0;
	assert_int_equal(limits_submit(&a, NULL, 0, 1, n, &what, &max), LIM_R_ASSOC_GRP_JOBS);
	assert_int_equal(limits_submit(NULL, NULL, 64, 1, NULL, &what, &max), LIM_R_NONE);
}

/*
 * The same with several reservations (EASY, reservations = 2..5): the
 * first N jobs that cannot start are each planned around the ones before
 * them, and no started job and no other reservation delays any of them.
 */
static void reservations_never_delayed(void **state)
{
	(void)state;
	int backfills = 0, resvs = 0;
	for (int it = 0; it < 20000; it++) {
		struct world w;
		int64_t now = 1000 + rnd(1000);
		draw_world(&w, now);
		check_world(&w, SCHED_EASY, 2 + (int)rnd(4), now, &backfills, &resvs);
	}
	assert_true(resvs > 8000);
	assert_true(backfills > 2000);
}

/*
 * Review of issue 13: a backfilled job must not delay the reservation
 * through a limit either.  An 8-GPU node runs a 6-GPU job (no account)
 * until 1100; account A has max_gpus = 4.  A's 4-GPU job H cannot start
 * (2 GPUs free) and is planned at 1100.  A's 2-GPU job L of 1000 s fits
 * in the 2 free GPUs and in what H leaves over at 1100 (4 GPUs), so EASY
 * backfills it; but then at 1100 account A runs L's 2 GPUs, H's 4 would
 * make 6 > 4, and H waits (AssocGrpGRES) until L ends at 2000: the
 * reservation is delayed by 900 s.  L may start only where it leaves H's
 * limits room at H's planned start, as it must leave H's resources.
 */
static void backfill_spares_reservation_limits(void **state)
{
	(void)state;
	struct limit_conf a;
	struct limits L = { 0 };
	limit_conf_init(&a);
	a.max_gpus = 4;
	int32_t ga = limits_group(&L, &a, LIM_ACCT);
	struct sched_node nodes[1] = { node(16, 100000, 8) };
	nodes[0].gpu_free = 0xc0;
	nodes[0].cpus_free = 15;
	struct sched_run run[1] = { { .node = 0, .gpus = 6, .cpus = 1, .end = 1100, .id = 9 } };
	struct sched_job jobs[2] = {
	    { .gpus = 4, .cpus = 1, .limit = 1000, .id = 1, .lim = { ga } },
	    { .gpus = 2, .cpus = 1, .limit = 1000, .id = 2, .lim = { ga } } };
	struct sched_decision d[2];
	uint8_t why[2];
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1000, .nodes = nodes,
	    .nnodes = 1, .running = run, .nrunning = 1, .jobs = jobs, .njobs = 2, .pin_job = -1,
	    .limits = &L };
	struct sched_plan p = plan_of(d, 2, why);
	sched_plan(&s, &p);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].job, 0);
	assert_int_equal(p.resv[0].start, 1100);
	if (p.ndecisions != 0)
		fail_msg("job 2 (account A, 2 GPUs until 2000) backfilled: at 1100 A would run "
		    "2 + 4 GPUs > max_gpus 4, so job 1's reservation at 1100 is delayed to 2000");
	limits_clear(&L);
}

/*
 * GPUs in use outside herd are not in gpu_free; a job that would fit were
 * they free waits with GpusInUseOutsideHerd, one that would not (too big,
 * or a partition without them) keeps its usual reason, and a job that fits beside
 * them starts on the free GPUs only.
 */
static void foreign_gpus_reason(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(16, 1000, 4), node(16, 1000, 2) };
	nodes[0].gpu_free = 0x7;	/* GPU 3 in use outside herd */
	nodes[0].gpu_foreign = 0x8;
	nodes[1].gpu_free = 0x0;	/* both outside herd */
	nodes[1].gpu_foreign = 0x3;
	uint64_t masks[1] = { 0x2 };	/* partition 1: node 1 only */
	struct sched_job jobs[4] = { { .gpus = 4, .cpus = 1, .id = 1 },
	    { .gpus = 8, .cpus = 1, .id = 2 }, { .gpus = 3, .cpus = 1, .id = 3, .part = 1 },
	    { .gpus = 2, .cpus = 1, .id = 4 } };
	struct sched_decision d[4];
	uint8_t why[4];
	for (int pol = SCHED_FCFS; pol <= SCHED_EASY; pol++) {
		struct sched_node saved[2] = { nodes[0], nodes[1] };
		struct sched_snapshot s = { .policy = pol, .now = 1, .nodes = nodes, .nnodes = 2,
		    .jobs = jobs, .njobs = 4, .pin_job = -1, .masks = masks, .mask_words = 1 };
		struct sched_plan p = plan_of(d, 4, why);
		sched_plan(&s, &p);
		assert_int_equal(why[0], SCHED_R_FOREIGN);
		assert_string_equal(sched_reason_name(why[0]), "GpusInUseOutsideHerd");
		if (pol == SCHED_EASY) {
			/* Not for foreign use: 8 GPUs nowhere; its node has 2. */
			assert_int_equal(why[1], SCHED_R_PRIORITY);
			assert_int_equal(why[2], SCHED_R_PRIORITY);
			assert_int_equal(why[3], SCHED_R_NONE);
			assert_int_equal(p.ndecisions, 1);
			assert_int_equal(d[0].job, 3);
			assert_int_equal(d[0].node, 0);
			assert_int_equal(d[0].gpu_mask, 0x3);	/* never GPU 3 */
		}
		nodes[0] = saved[0];
		nodes[1] = saved[1];
	}
	/* share_foreign: the caller puts them back in gpu_free; the job starts. */
	nodes[0].gpu_free = 0xf;
	nodes[0].gpu_foreign = 0;
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1, .nodes = nodes, .nnodes = 2,
	    .jobs = jobs, .njobs = 1, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);
	assert_int_equal(why[0], SCHED_R_NONE);
}

/* ---- sharing a GPU by memory (--gpu-share) ---- */

static void share_mb_fill(int64_t *share, size_t nnodes, int64_t v)
{
	for (size_t i = 0; i < nnodes * SCHED_GPUS; i++)
		share[i] = v;
}

/* Two sharing jobs pack onto one GPU, a third that would over-commit it
 * opens the other; a whole-GPU job then finds none; the next sharer waits. */
static void gpu_share_packs_and_waits(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(16, 1000, 2) };
	int64_t share[SCHED_GPUS];
	share_mb_fill(share, 1, 0);
	share[0] = 24000;
	share[1] = 24000;
	struct sched_job jobs[5] = { { .gpus = 1, .cpus = 1, .share_mb = 10000, .id = 1 },
	    { .gpus = 1, .cpus = 1, .share_mb = 10000, .id = 2 },
	    { .gpus = 1, .cpus = 1, .share_mb = 10000, .id = 3 },
	    { .gpus = 1, .cpus = 1, .id = 4 },
	    { .gpus = 1, .cpus = 1, .share_mb = 20000, .id = 5 } };
	struct sched_decision d[5];
	uint8_t why[5];
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 1, .nodes = nodes, .nnodes = 1,
	    .jobs = jobs, .njobs = 5, .pin_job = -1, .share_mb = share };
	struct sched_plan p = plan_of(d, 5, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 3);
	decided(&d[0], 0, 0, 0x1);
	decided(&d[1], 1, 0, 0x1);	/* joins GPU 0: 4000 MB left there */
	decided(&d[2], 2, 0, 0x2);	/* would over-commit GPU 0: opens GPU 1 */
	assert_int_equal(why[3], SCHED_R_RESOURCES);	/* no whole GPU is left */
	assert_int_not_equal(why[4], SCHED_R_NONE);	/* 20000 fits on neither */
	assert_int_equal(share[0], 4000);
	assert_int_equal(share[1], 14000);
	assert_int_equal(nodes[0].gpu_free, 0);
	assert_int_equal(nodes[0].gpu_shared, 0x3);
}

/* A sharing job never joins a GPU a whole-GPU job holds, nor one in use
 * outside herd, however much memory the snapshot says is left there. */
static void gpu_share_never_whole_or_foreign(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(16, 1000, 4) };
	int64_t share[SCHED_GPUS];
	share_mb_fill(share, 1, 80000);
	nodes[0].gpu_free = 0x0;	/* GPU 0, 1 held whole; 2 foreign; 3 shared, full */
	nodes[0].gpu_foreign = 0x4;
	nodes[0].gpu_shared = 0x8;
	share[3] = 100;
	struct sched_job jobs[1] = { { .gpus = 1, .cpus = 1, .share_mb = 1000, .id = 1 } };
	struct sched_decision d[1];
	uint8_t why[1];
	struct sched_snapshot s = { .policy = SCHED_FCFS, .now = 1, .nodes = nodes, .nnodes = 1,
	    .jobs = jobs, .njobs = 1, .pin_job = -1, .share_mb = share };
	struct sched_plan p = plan_of(d, 1, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 0);
	assert_int_equal(why[0], SCHED_R_FOREIGN);
}

/*
 * The property, over thousands of random workloads: after a pass, on
 * every GPU the declarations of the sharing jobs there (those running
 * before and those it placed) stay within its memory total less foreign
 * use; a whole-GPU job never gets a GPU sharing jobs hold or were given
 * in the pass, a sharing job never one a whole-GPU job holds, one in use
 * outside herd, or more than one.
 */
static void gpu_share_never_overcommits(void **state)
{
	(void)state;
	enum { NN = 4, NJ = 24 };
	static const int64_t totals[] = { 8000, 16000, 24000, 40000, 81920 };
	int placed_sharing = 0, joined = 0;
	for (int iter = 0; iter < 4000; iter++) {
		struct sched_node nodes[NN];
		int64_t share[NN * SCHED_GPUS], total[NN][SCHED_GPUS], foreign[NN][SCHED_GPUS];
		int64_t declared[NN][SCHED_GPUS];
		uint64_t whole[NN], shared0[NN], foreign_busy[NN];
		size_t nn = 1 + rnd(NN);
		memset(declared, 0, sizeof declared);
		for (size_t k = 0; k < nn; k++) {
			int ng = 1 + (int)rnd(8);
			nodes[k] = node(8 + (int)rnd(57), 1 << 20, ng);
			whole[k] = shared0[k] = foreign_busy[k] = 0;
			for (int g = 0; g < SCHED_GPUS; g++) {
				share[k * SCHED_GPUS + (size_t)g] = 1 << 30;	/* a bait: must not count */
				if (g >= ng)
					continue;
				total[k][g] = totals[rnd(5)];
				foreign[k][g] = rnd(3) == 0 ? (int64_t)rnd((uint32_t)total[k][g] / 2) : 0;
				switch (rnd(5)) {
				case 0:		/* held whole */
					whole[k] |= 1ULL << g;
					continue;
				case 1:		/* in use outside herd */
					foreign_busy[k] |= 1ULL << g;
					continue;
				case 2:		/* shared already */
					shared0[k] |= 1ULL << g;
					declared[k][g] = (int64_t)rnd((uint32_t)(total[k][g] -
					    foreign[k][g]) + 1);
					break;
				default:	/* free */
					break;
				}
				share[k * SCHED_GPUS + (size_t)g] = total[k][g] - foreign[k][g] -
				    declared[k][g];
			}
			nodes[k].gpu_free &= ~whole[k] & ~foreign_busy[k] & ~shared0[k];
			nodes[k].gpu_foreign = foreign_busy[k];
			nodes[k].gpu_shared = shared0[k];
			nodes[k].up = rnd(8) != 0;
		}
		struct sched_job jobs[NJ];
		size_t nj = 1 + rnd(NJ);
		for (size_t i = 0; i < nj; i++) {
			int sharing = rnd(2);
			jobs[i] = (struct sched_job){ .gpus = sharing ? 1 : (int)rnd(4),
			    .cpus = 1 + (int)rnd(4), .mem_mb = rnd(100), .id = (int64_t)i + 1,
			    .limit = 1 + rnd(1000), .share_mb = sharing ? 1 + rnd(40000) : 0 };
		}
		struct sched_decision d[NJ];
		uint8_t why[NJ];
		struct sched_snapshot s = { .policy = rnd(2) ? SCHED_EASY : SCHED_FCFS, .now = 1,
		    .nodes = nodes, .nnodes = nn, .jobs = jobs, .njobs = nj, .pin_job = -1,
		    .share_mb = share };
		struct sched_plan p = plan_of(d, NJ, why);
		sched_plan(&s, &p);
		uint64_t given_whole[NN] = { 0 }, given_shared[NN] = { 0 };
		for (size_t x = 0; x < p.ndecisions; x++) {
			const struct sched_job *j = &jobs[d[x].job];
			size_t k = (size_t)d[x].node;
			uint64_t m = d[x].gpu_mask;
			if (j->share_mb > 0) {
				assert_int_equal(__builtin_popcountll(m), 1);
				assert_true((m & (whole[k] | foreign_busy[k] | given_whole[k])) == 0);
				int g = __builtin_ctzll(m);
				declared[k][g] += j->share_mb;
				joined += (shared0[k] | given_shared[k]) >> g & 1;
				given_shared[k] |= m;
				placed_sharing++;
			} else {
				assert_int_equal(__builtin_popcountll(m), j->gpus);
				assert_true((m & (whole[k] | foreign_busy[k] | shared0[k] |
				    given_shared[k] | given_whole[k])) == 0);
				given_whole[k] |= m;
			}
		}
		for (size_t k = 0; k < nn; k++)
			for (int g = 0; g < SCHED_GPUS; g++)
				if ((shared0[k] | given_shared[k]) >> g & 1)
					assert_true(declared[k][g] <= total[k][g] - foreign[k][g]);
	}
	/* the workloads did exercise sharing, joining included */
	assert_true(placed_sharing > 1000);
	assert_true(joined > 100);
}

/*
 * --hint=nomultithread counts whole cores: 3 CPUs on a 2-threads-per-core
 * node take 6, on a 1-thread node 3.  A node with 5 free SMT threads has
 * room for only 2 such CPUs, so the job goes to the plain node; with 6 it
 * fits the SMT node (first in order).  --mem=0 takes all of the node's
 * memory: only where nothing else holds memory, and then none is left.
 */
static void nomultithread_and_mem_all(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(5, 1000, 0), node(8, 2000, 0) };
	nodes[0].tpc = 2;
	nodes[0].mem_total_mb = 1000;
	nodes[1].tpc = 1;
	nodes[1].mem_total_mb = 2000;
	struct sched_job jobs[1] = { { .cpus = 3, .nomt = 1, .id = 1 } };
	struct sched_decision d[4];
	struct sched_snapshot s = { .policy = SCHED_EASY, .now = 0, .nodes = nodes, .nnodes = 2,
	    .jobs = jobs, .njobs = 1, .pin_job = -1 };
	struct sched_plan p = plan_of(d, 4, NULL);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 1);
	assert_int_equal(d[0].node, 1);
	assert_int_equal(nodes[1].cpus_free, 5);	/* 3 there: one thread per core */
	nodes[0].cpus_free = 6;
	sched_plan(&s, &p);
	assert_int_equal(d[0].node, 0);
	assert_int_equal(nodes[0].cpus_free, 0);	/* 3 cores, 6 threads */
	int c;
	int64_t m;
	sched_need(&jobs[0], &nodes[0], &c, &m);
	assert_int_equal(c, 6);
	assert_int_equal(sched_fits_node(&jobs[0], 5, 100, 0, 2), 0);
	assert_int_equal(sched_fits_node(&jobs[0], 6, 100, 0, 2), 1);
	assert_int_equal(sched_fits_capacity(&jobs[0], 3, 100, 0), 1);

	/* --mem=0: node 0 has 1 MB held by another job, node 1 all free. */
	nodes[0] = node(4, 999, 0);
	nodes[0].mem_total_mb = 1000;
	nodes[1] = node(4, 2000, 0);
	nodes[1].mem_total_mb = 2000;
	struct sched_job all[3] = { { .cpus = 1, .mem_all = 1, .id = 1 },
	    { .cpus = 1, .mem_mb = 1, .id = 2 }, { .cpus = 1, .id = 3 } };
	uint8_t why[3];
	s.jobs = all;
	s.njobs = 3;
	p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 3);
	assert_int_equal(d[0].node, 1);
	assert_int_equal(nodes[1].mem_free_mb, 0);	/* all of it */
	assert_int_equal(d[1].node, 0);			/* a memory job: not beside it */
	assert_int_equal(d[2].node, 0);			/* no memory asked: cheapest node */
	sched_need(&all[0], &nodes[1], &c, &m);
	assert_int_equal(m, 2000);
	/* Memory unknown (never probed): it fits nowhere, rather than anywhere. */
	nodes[0] = node(4, 1000, 0);
	s.nnodes = 1;
	s.njobs = 1;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 0);
	assert_int_equal(why[0], SCHED_R_RESOURCES);
	assert_int_equal(sched_fits_capacity(&all[0], 4, 1000, 0), 1);	/* all of it fits */

	/* A reservation counts the need on its node: a running 1-thread job
	 * ends at 100; the nomt head (2 cores = 4 threads) reserves then, and
	 * a later 1-CPU job of limit 500 may not take the thread it needs. */
	nodes[0] = node(3, 1000, 0);
	nodes[0].tpc = 2;
	nodes[0].mem_total_mb = 1000;
	struct sched_run run[1] = { { .node = 0, .cpus = 1, .end = 100, .id = 9 } };
	struct sched_job q[2] = { { .cpus = 2, .nomt = 1, .limit = 50, .id = 1 },
	    { .cpus = 1, .limit = 500, .id = 2 } };
	s = (struct sched_snapshot){ .policy = SCHED_EASY, .now = 0, .nodes = nodes, .nnodes = 1,
	    .running = run, .nrunning = 1, .jobs = q, .njobs = 2, .pin_job = -1 };
	p = plan_of(d, 4, why);
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 0);
	assert_int_equal(p.nresv, 1);
	assert_int_equal(p.resv[0].start, 100);
	assert_int_equal(why[1], SCHED_R_PRIORITY);
	/* Counted as 2 CPUs (no tpc), the head would fit now. */
	nodes[0] = node(3, 1000, 0);
	q[0].nomt = 0;
	sched_plan(&s, &p);
	assert_int_equal(p.ndecisions, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_fit_whole_gpus),
		cmocka_unit_test(replicas_spread),
		cmocka_unit_test(nomultithread_and_mem_all),
		cmocka_unit_test(fcfs_blocks_later_jobs),
		cmocka_unit_test(respects_cpu_mem_and_down_nodes),
		cmocka_unit_test(decision_cap_stops_pass),
		cmocka_unit_test(sixty_four_gpus),
		cmocka_unit_test(memory_is_deducted),
		cmocka_unit_test(cpu_exact_boundary),
		cmocka_unit_test(mem_exact_boundary),
		cmocka_unit_test(gpu_exact_boundary),
		cmocka_unit_test(capacity_check),
		cmocka_unit_test(exclusive_waits_for_empty_node),
		cmocka_unit_test(exclusive_node_takes_no_other),
		cmocka_unit_test(exclusive_user),
		cmocka_unit_test(shared_jobs_unchanged),
		cmocka_unit_test(easy_backfills_short_job),
		cmocka_unit_test(easy_extra_greedy_not),
		cmocka_unit_test(greedy_pin_and_strict),
		cmocka_unit_test(never_ending_jobs),
		cmocka_unit_test(several_reservations),
		cmocka_unit_test(reservation_never_delayed),
		cmocka_unit_test(reservations_never_delayed),
		cmocka_unit_test(partition_restricts_nodes),
		cmocka_unit_test(gpu_class_takes_its_gpus),
		cmocka_unit_test(review_resv_counts_gpus_not_types),
		cmocka_unit_test(filter_reasons_never_head),
		cmocka_unit_test(tiers_order_the_pass),
		cmocka_unit_test(limit_holds_job_not_queue),
		cmocka_unit_test(limit_counts_and_full_cluster),
		cmocka_unit_test(limit_gpu_hours_and_jobs),
		cmocka_unit_test(limit_submit),
		cmocka_unit_test(one_gpu_job_to_partly_used_node),
		cmocka_unit_test(cpu_jobs_leave_gpu_nodes_usable),
		cmocka_unit_test(cpu_job_spares_cpus_of_free_gpus),
		cmocka_unit_test(backfill_best_fit),
		cmocka_unit_test(backfill_spares_reservation_limits),
		cmocka_unit_test(foreign_gpus_reason),
		cmocka_unit_test(gpu_share_packs_and_waits),
		cmocka_unit_test(gpu_share_never_whole_or_foreign),
		cmocka_unit_test(gpu_share_never_overcommits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for the pure scheduler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
	assert_int_equal(d[0].node, 0);
	assert_int_equal(d[0].gpu_mask, 0xff);
	assert_int_equal(d[1].node, 1);		/* not beside the exclusive one */
	assert_int_equal(d[2].node, 1);		/* user-exclusive beside its own */
	assert_int_equal(r.blocked, 3);		/* user 8: node 1 is user 7's now */

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_fit_whole_gpus),
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

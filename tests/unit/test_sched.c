/* Unit tests for the pure scheduler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sched.h"

static struct sched_node node(int cpus, int64_t mem, int ngpus)
{
	struct sched_node n = { 1, cpus, mem, ngpus ? (ngpus == 64 ? ~0ULL : (1ULL << ngpus) - 1) : 0 };
	return n;
}

static void first_fit_whole_gpus(void **state)
{
	(void)state;
	struct sched_node nodes[2] = { node(8, 1000, 2), node(8, 1000, 4) };
	struct sched_job jobs[3] = { { 1, 1, 0 }, { 2, 1, 0 }, { 1, 1, 0 } };
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
	struct sched_job jobs[3] = { { 1, 1, 0 }, { 2, 1, 0 }, { 0, 1, 0 } };
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
	struct sched_job jobs[2] = { { 0, 1, 100 }, { 0, 1, 1 } };
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
		jobs[i] = (struct sched_job){ 0, 1, 0 };
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
	struct sched_job jobs[2] = { { 63, 1, 0 }, { 1, 1, 0 } };
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
	struct sched_job jobs[3] = { { 0, 1, 600 }, { 0, 1, 600 }, { 0, 1, 600 } };
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
	struct sched_job jobs[2] = { { 0, 3, 0 }, { 0, 1, 0 } };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 2, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 2);	/* 3 + 1 == 4: both */
	assert_int_equal(nodes[0].cpus_free, 0);

	struct sched_node n2[1] = { node(4, 1000, 0) };
	struct sched_job over[2] = { { 0, 3, 0 }, { 0, 2, 0 } };
	r = sched_pass(over, 2, n2, 1, d, 4);
	assert_int_equal(r.ndecisions, 1);	/* 3 + 2 > 4 */
	assert_int_equal(r.blocked, 1);
	assert_int_equal(n2[0].cpus_free, 1);

	struct sched_node n3[1] = { node(4, 1000, 0) };
	struct sched_job whole[1] = { { 0, 5, 0 } };
	r = sched_pass(whole, 1, n3, 1, d, 4);
	assert_int_equal(r.ndecisions, 0);	/* one more than the node has */
}

/* Memory at the exact boundary: equal fits, one MB more does not. */
static void mem_exact_boundary(void **state)
{
	(void)state;
	struct sched_node nodes[1] = { node(8, 1000, 0) };
	struct sched_job jobs[3] = { { 0, 1, 400 }, { 0, 1, 600 }, { 0, 1, 1 } };
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
	struct sched_job jobs[3] = { { 1, 1, 0 }, { 3, 1, 0 }, { 1, 1, 0 } };
	struct sched_decision d[4];
	struct sched_result r = sched_pass(jobs, 3, nodes, 1, d, 4);
	assert_int_equal(r.ndecisions, 2);
	assert_int_equal(d[1].gpu_mask, 0xe);	/* exactly the three left */
	assert_int_equal(r.blocked, 2);
	assert_int_equal(nodes[0].gpu_free, 0);

	struct sched_node n2[1] = { node(8, 1000, 4) };
	struct sched_job over[2] = { { 2, 1, 0 }, { 3, 1, 0 } };
	r = sched_pass(over, 2, n2, 1, d, 4);
	assert_int_equal(r.ndecisions, 1);	/* 2 + 3 > 4 */
	assert_int_equal(r.blocked, 1);
	assert_int_equal(n2[0].gpu_free, 0xc);

	struct sched_node n3[1] = { node(8, 1000, 4) };
	struct sched_job whole[1] = { { 5, 1, 0 } };
	r = sched_pass(whole, 1, n3, 1, d, 4);
	assert_int_equal(r.ndecisions, 0);
	assert_int_equal(n3[0].gpu_free, 0xf);
}

static void capacity_check(void **state)
{
	(void)state;
	struct sched_job j = { 9, 1, 0 };
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

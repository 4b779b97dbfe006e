/*
 * Unit tests for job.c: exit statuses written as sacct does, output path
 * patterns before and after a job is placed, who may act on a job.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "job.h"

static void exit_status_as_sacct(void **state)
{
	(void)state;
	char b[32];
	static const struct { int32_t status; const char *want; } cases[] = {
		{ -1, "-" }, { 0, "0:0" }, { 1, "1:0" }, { 2, "2:0" }, { 128, "128:0" },
		{ 129, "0:1" }, { 137, "0:9" }, { 143, "0:15" }, { 192, "0:64" },
		{ 193, "193:0" }, { 255, "255:0" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		job_exit_format(cases[i].status, b, sizeof b);
		assert_string_equal(b, cases[i].want);
	}
	job_exit_format(143, b, 3);	/* cut, never overrun */
	assert_string_equal(b, "0:");
}

static void output_paths(void **state)
{
	(void)state;
	char *p = job_output_path("%u_%N.out", "/w", 5, "n", "root", NULL);
	assert_string_equal(p, "/w/root_%N.out");	/* not placed yet: as written */
	free(p);
	p = job_output_path("%u_%N.out", "/w/", 5, "n", "root", "node2");
	assert_string_equal(p, "/w/root_node2.out");
	free(p);
	p = job_output_path(NULL, "/w", 5, "n", "root", NULL);
	assert_string_equal(p, "/w/herd-5.out");
	free(p);
	p = job_output_path("/abs/%x-%j-%%-%q%", "/w", 7, "nm", "u", "n");
	assert_string_equal(p, "/abs/nm-7-%-%q%");
	free(p);
}

/* %A and %a: a task's array and task id; Slurm's values outside an array;
 * an array's record before its task is known keeps %a as written. */
static void output_path_array(void **state)
{
	(void)state;
	char *p = job_output_path_array("o-%A_%a-%j.out", "/w", 130, 123, 7, "n", "u", NULL);
	assert_string_equal(p, "/w/o-123_7-130.out");
	free(p);
	p = job_output_path_array(NULL, "/w", 130, 123, 7, "n", "u", NULL);
	assert_string_equal(p, "/w/herd-123_7.out");	/* sbatch's slurm-%A_%a.out */
	free(p);
	p = job_output_path_array("o-%A_%a.out", "/w", 123, 123, -1, "n", "u", NULL);
	assert_string_equal(p, "/w/o-123_%a.out");
	free(p);
	p = job_output_path("o-%A_%a.out", "/w", 5, "n", "u", NULL);
	assert_string_equal(p, "/w/o-5_4294967294.out");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_status_as_sacct),
		cmocka_unit_test(output_paths),
		cmocka_unit_test(output_path_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

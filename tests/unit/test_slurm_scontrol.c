/*
 * Unit tests for slurm_scontrol.c: Slurm's Key=Value layout (lines and
 * -o), a job's and a node's keys from herdd's frames (pending, ended, an
 * array task, hostile values), and scontrol's abbreviated keywords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"
#include "slurm_scontrol.h"

static char bufs[SCONTROL_KV_MAX][SCONTROL_BUF];

static void layout(void **state)
{
	(void)state;
	char out[256];
	const struct scontrol_kv kv[] = {
		{ "JobId", "7", 0 }, { "JobName", "x", 0 }, { "JobState", "RUNNING", 1 },
		{ "Reason", NULL, 0 }, { "WorkDir", "/a\nb\033", 1 },
	};
	scontrol_layout(kv, 5, 0, out, sizeof out);
	assert_string_equal(out, "JobId=7 JobName=x\n   JobState=RUNNING Reason=(null)\n"
	    "   WorkDir=/a\\nb\\033");
	scontrol_layout(kv, 5, 1, out, sizeof out);
	assert_string_equal(out, "JobId=7 JobName=x JobState=RUNNING Reason=(null) WorkDir=/a\\nb\\033");
	char small[10];
	assert_true(scontrol_layout(kv, 5, 0, small, sizeof small) < sizeof small);
	assert_int_equal(strlen(small), 9);
	assert_int_equal(scontrol_layout(kv, 5, 0, small, 0), 0);
	assert_int_equal(scontrol_layout(kv, 0, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
}

/* The value of key in the job's record ("" where absent). */
static const char *get(const struct scontrol_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return "";
}

static void job(void **state)
{
	(void)state;
	struct scontrol_kv kv[SCONTROL_KV_MAX];
	struct msg m;
	msg_init(&m, "job");
	msg_addi(&m, "id", 12);
	msg_adds(&m, "name", "train");
	msg_adds(&m, "user", "ann");
	msg_addi(&m, "uid", 1000);
	msg_adds(&m, "state", "PENDING");
	msg_adds(&m, "reason", "JobHeldUser");
	msg_addi(&m, "ngpus", 2);
	msg_addi(&m, "cpus", 4);
	msg_addi(&m, "mem_mb", 8000);
	msg_addi(&m, "time_limit", 600);
	msg_addi(&m, "exit_code", -1);
	size_t n = scontrol_job_kv(&m, 1000, kv, bufs);
	assert_true(n <= SCONTROL_KV_MAX);
	assert_string_equal(kv[0].key, "JobId");
	assert_string_equal(kv[0].value, "12");
	assert_string_equal(get(kv, n, "JobName"), "train");
	assert_string_equal(get(kv, n, "UserId"), "ann(1000)");
	assert_string_equal(get(kv, n, "JobState"), "PENDING");
	assert_string_equal(get(kv, n, "Reason"), "JobHeldUser");
	assert_string_equal(get(kv, n, "TimeLimit"), "00:10:00");
	assert_string_equal(get(kv, n, "StartTime"), "Unknown");
	assert_string_equal(get(kv, n, "NodeList"), "(null)");
	assert_string_equal(get(kv, n, "ExitCode"), "0:0");
	assert_string_equal(get(kv, n, "RunTime"), "00:00:00");
	assert_string_equal(get(kv, n, "TRES"), "cpu=4,mem=8000M,node=1,gres/gpu=2");
	assert_string_equal(get(kv, n, "TresPerNode"), "gres:gpu:2");
	assert_string_equal(get(kv, n, "Partition"), "(null)");
	msg_clear(&m);
	/* An ended array task, no limit, a resolved output path. */
	msg_init(&m, "job");
	msg_addi(&m, "id", 50);
	msg_addi(&m, "array_job_id", 47);
	msg_addi(&m, "array_task_id", 3);
	msg_addi(&m, "start_time", 100);
	msg_addi(&m, "end_time", 160);
	msg_addi(&m, "exit_code", 1);
	msg_addi(&m, "attempt", 3);
	msg_adds(&m, "stdout", "/w/slurm-47_3.out");
	msg_adds(&m, "out_tmpl", "slurm-%A_%a.out");
	n = scontrol_job_kv(&m, 1000, kv, bufs);
	assert_string_equal(get(kv, n, "ArrayJobId"), "47");
	assert_string_equal(get(kv, n, "ArrayTaskId"), "3");
	assert_string_equal(get(kv, n, "RunTime"), "00:01:00");
	assert_string_equal(get(kv, n, "TimeLimit"), "UNLIMITED");
	assert_string_equal(get(kv, n, "ExitCode"), "1:0");
	assert_string_equal(get(kv, n, "Restarts"), "2");
	assert_string_equal(get(kv, n, "StdOut"), "/w/slurm-47_3.out");
	assert_string_equal(get(kv, n, "UserId"), "(-1)");
	assert_string_equal(get(kv, n, "TresPerNode"), "");	/* no GPU: no key */
	msg_clear(&m);
	/* Hostile: a huge name is cut to its buffer, never past it. */
	char big[4000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	msg_init(&m, "job");
	msg_adds(&m, "user", big);
	n = scontrol_job_kv(&m, 0, kv, bufs);
	assert_true(strlen(get(kv, n, "UserId")) < SCONTROL_BUF);
	msg_clear(&m);
}

static void node(void **state)
{
	(void)state;
	struct scontrol_kv kv[SCONTROL_KV_MAX];
	struct msg m;
	msg_init(&m, "node");
	msg_adds(&m, "name", "node3");
	msg_adds(&m, "state", "DRAINED");
	msg_adds(&m, "reason", "bad fan [root@now]");
	msg_addi(&m, "cpus", 8);
	msg_addi(&m, "cpus_used", 2);
	msg_addi(&m, "load1", 150);
	msg_adds(&m, "gpu", "0\tGPU-1\tNVIDIA A100\t80000\t0\t0\t0\t30\t\t0\t-1");
	msg_adds(&m, "gpu", "1\tGPU-2\tNVIDIA A100\t80000\t0\t0\t0\t30\t\t0\t-1");
	msg_adds(&m, "partitions", "gpu,debug");
	size_t n = scontrol_node_kv(&m, kv, bufs);
	assert_string_equal(kv[0].value, "node3");
	assert_string_equal(get(kv, n, "CPUTot"), "8");
	assert_string_equal(get(kv, n, "CPUAlloc"), "2");
	assert_string_equal(get(kv, n, "CPULoad"), "1.50");
	assert_string_equal(get(kv, n, "Gres"), "gpu:2");
	assert_string_equal(get(kv, n, "State"), "DRAINED");
	assert_string_equal(get(kv, n, "Partitions"), "gpu,debug");
	assert_string_equal(get(kv, n, "Reason"), "bad fan [root@now]");
	msg_clear(&m);
	msg_init(&m, "node");
	n = scontrol_node_kv(&m, kv, bufs);
	assert_string_equal(get(kv, n, "CPULoad"), "N/A");
	assert_string_equal(get(kv, n, "Gres"), "(null)");
	msg_clear(&m);
}

static void words(void **state)
{
	(void)state;
	assert_true(scontrol_word("show", "show", 3));
	assert_true(scontrol_word("SHO", "show", 3));
	assert_false(scontrol_word("sh", "show", 3));
	assert_false(scontrol_word("shows", "show", 3));
	assert_true(scontrol_word("part", "partitions", 4));
	assert_true(scontrol_word("Partition", "partitions", 4));
	assert_false(scontrol_word("", "jobs", 3));
	assert_false(scontrol_word(NULL, "jobs", 3));
	assert_false(scontrol_word("jobx", "jobs", 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout),
		cmocka_unit_test(job),
		cmocka_unit_test(node),
		cmocka_unit_test(words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_nodestate.c — the node-state rules (nodestate.c): outages by the
 * clock, GPU health over real nvidia-smi failures (../shared captures,
 * skipped when absent) and our own, free disk, the age of job files, and
 * Slurm's state names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nodestate.h"
#include "probe.h"
#include "util.h"

static struct outage_out decide(int reachable, int64_t lost, int64_t now, int down, int fail)
{
	struct outage_in in = { reachable, lost, now, down, fail };
	struct outage_out o;
	outage_decide(&in, &o);
	return o;
}

static void outage_by_clock(void **state)
{
	(void)state;
	struct outage_out o = decide(1, 0, 5000, 120, 600);
	assert_int_equal(o.state, OUTAGE_UP);
	assert_int_equal(o.fail_jobs, 0);
	/* Lost at 1000 ms: not responding, DOWN at 121000, jobs given up at 601000. */
	o = decide(0, 1000, 1000, 120, 600);
	assert_int_equal(o.state, OUTAGE_NOT_RESPONDING);
	assert_int_equal(o.next_ms, 121000);
	o = decide(0, 1000, 120999, 120, 600);
	assert_int_equal(o.state, OUTAGE_NOT_RESPONDING);
	o = decide(0, 1000, 121000, 120, 600);
	assert_int_equal(o.state, OUTAGE_DOWN);
	assert_int_equal(o.fail_jobs, 0);
	assert_int_equal(o.next_ms, 601000);
	o = decide(0, 1000, 601000, 120, 600);
	assert_int_equal(o.state, OUTAGE_DOWN);
	assert_int_equal(o.fail_jobs, 1);
	assert_int_equal(o.next_ms, 0);
	/* node_fail_after 0: jobs wait for ever. */
	o = decide(0, 1000, 1000000000, 120, 0);
	assert_int_equal(o.state, OUTAGE_DOWN);
	assert_int_equal(o.fail_jobs, 0);
	/* Given up before down_after: DOWN all the same. */
	o = decide(0, 0, 10000, 60, 10);
	assert_int_equal(o.state, OUTAGE_DOWN);
	assert_int_equal(o.fail_jobs, 1);
	/* A huge last contact in the future (clock moved back): not failed. */
	o = decide(0, INT64_C(1) << 40, 0, 120, 600);
	assert_int_equal(o.state, OUTAGE_NOT_RESPONDING);
	assert_int_equal(o.fail_jobs, 0);
}

/* A probe whose nvidia-smi exited rc with `gpus` as its output. */
static void parse(struct probe_result *r, int rc, const char *gpus)
{
	char err[HERD_ERRLEN];
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_printf(&b, "hostname n\ncpus 4\nmem_kb 4096\nboot_id b\ncgroup v2\ndisk_free_kb 2048\n"
	    "gpu_rc %d\ngpus\n%s%sapps\nend\n", rc, gpus, gpus[0] && gpus[strlen(gpus) - 1] != '\n' ?
	    "\n" : "");
	probe_result_clear(r);
	assert_int_equal(probe_parse(b.data, b.len, r, err, sizeof err), 0);
	buf_clear(&b);
}

static const char two[] = "0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n1, GPU-b, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n";

static void health_own(void **state)
{
	(void)state;
	struct probe_result r;
	char why[512];
	probe_result_init(&r);
	parse(&r, 0, two);
	assert_int_equal(r.disk_free_kb, 2048);
	assert_int_equal(health_check(&r, 0, why, sizeof why), 1);
	assert_int_equal(health_check(&r, 2, why, sizeof why), 1);
	assert_string_equal(why, "");
	/* One GPU fell off the bus: the list is shorter. */
	parse(&r, 0, "0, GPU-a, NVIDIA H100, 81559, 4, 0, 00000000:0F:00.0, 35\n");
	assert_int_equal(health_check(&r, 2, why, sizeof why), 0);
	assert_string_equal(why, "GPU lost: nvidia-smi shows 1 of the 2 GPUs it showed before");
	/* Hung: the probe's timeout killed it (124) and it printed nothing. */
	parse(&r, 124, "");
	assert_int_equal(health_check(&r, 0, why, sizeof why), 0);
	assert_non_null(strstr(why, "exited with status 124"));
	/* No nvidia-smi at all where GPUs were: fewer GPUs. */
	parse(&r, 127, "");
	assert_int_equal(health_check(&r, 0, why, sizeof why), 1);
	assert_int_equal(health_check(&r, 2, why, sizeof why), 0);
	/* A hostile message is quoted escaped, and cut to fit. */
	parse(&r, 9, "\033[2Jevil\tmessage");
	assert_int_equal(health_check(&r, 0, why, 24), 0);
	assert_int_equal(strlen(why), 23);
	assert_null(strchr(why, '\033'));
	probe_result_clear(&r);
}

static char *capture(const char *name)
{
	const char *base = getenv("HERD_SHARED");
	char path[1024];
	struct stat st;
	snprintf(path, sizeof path, "%s/fixtures/nvidia-smi", base && *base ? base : "../shared");
	if (stat(path, &st) != 0) {
		print_message("skip: no shared fixtures (set HERD_SHARED)\n");
		skip();
	}
	snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("missing shared capture %s", path);
	char *s = xcalloc(1, 65536);
	size_t n = fread(s, 1, 65535, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void health_real_errors(void **state)
{
	(void)state;
	static const struct { const char *file, *quoted; } cases[] = {
		{ "error_driver-not-loaded_issue-manylinux-cuda-5.txt",
		  "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." },
		{ "error_gpu-is-lost_issue-owod-81.txt", "GPU is lost. Reboot the system" },
		{ "error_no-devices_issue-open-gpu-kernel-modules-862.txt", "No devices were found" },
	};
	struct probe_result r;
	char why[512];
	probe_result_init(&r);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = capture(cases[i].file);
		parse(&r, 9, s);	/* nvidia-smi's failures exit non-zero */
		assert_int_equal(health_check(&r, 8, why, sizeof why), 0);
		assert_true(strncmp(why, "nvidia-smi failed: \"", 20) == 0);
		if (strstr(why, cases[i].quoted) == NULL)
			fail_msg("%s: reason \"%s\" does not quote \"%s\"", cases[i].file, why,
			    cases[i].quoted);
		free(s);
	}
	probe_result_clear(&r);
}

static void disk_and_files(void **state)
{
	(void)state;
	char why[256] = "";
	assert_int_equal(disk_low(-1, 1024, why, sizeof why), 0);	/* unknown */
	assert_int_equal(disk_low(10, 0, why, sizeof why), 0);		/* no minimum */
	assert_int_equal(disk_low(1024 * 1024, 1024, why, sizeof why), 0);
	assert_int_equal(disk_low(1024 * 1023, 1024, why, sizeof why), 1);
	assert_string_equal(why, "low disk: 1023 MB free in the node's herd directory, "
	    "under min_free_disk (1024 MB)");
	assert_int_equal(job_files_due(0, 100, 0), 0);	/* end unknown: kept */
	assert_int_equal(job_files_due(100, 100, 0), 1);
	assert_int_equal(job_files_due(100, 185, 86400), 0);
	assert_int_equal(job_files_due(100, 86500, 86400), 1);
}

static const char *label(int known, enum outage_state o, int drained, size_t jobs, int cpus,
    int cu, size_t g, size_t gu, int whole)
{
	static char b[32];
	struct state_in in = { known, o, drained, jobs, cpus, cu, g, gu, whole };
	return node_state_label(&in, b, sizeof b);
}

static void slurm_names(void **state)
{
	(void)state;
	assert_string_equal(label(0, OUTAGE_UP, 0, 0, 0, 0, 0, 0, 0), "UNKNOWN");
	assert_string_equal(label(0, OUTAGE_NOT_RESPONDING, 0, 0, 0, 0, 0, 0, 0), "UNKNOWN");
	assert_string_equal(label(0, OUTAGE_DOWN, 0, 0, 0, 0, 0, 0, 0), "DOWN");
	assert_string_equal(label(1, OUTAGE_UP, 0, 0, 16, 0, 2, 0, 0), "IDLE");
	assert_string_equal(label(1, OUTAGE_UP, 0, 1, 16, 2, 2, 1, 0), "MIXED");
	assert_string_equal(label(1, OUTAGE_UP, 0, 2, 16, 4, 2, 2, 0), "ALLOCATED");
	assert_string_equal(label(1, OUTAGE_UP, 0, 8, 16, 16, 0, 0, 0), "ALLOCATED");
	assert_string_equal(label(1, OUTAGE_UP, 0, 1, 16, 1, 2, 0, 1), "ALLOCATED");
	assert_string_equal(label(1, OUTAGE_UP, 1, 1, 16, 2, 2, 1, 0), "DRAINING");
	assert_string_equal(label(1, OUTAGE_UP, 1, 0, 16, 0, 2, 0, 0), "DRAINED");
	assert_string_equal(label(1, OUTAGE_NOT_RESPONDING, 0, 1, 16, 2, 2, 1, 0), "MIXED*");
	assert_string_equal(label(1, OUTAGE_NOT_RESPONDING, 1, 0, 16, 0, 2, 0, 0), "DRAINED*");
	assert_string_equal(label(1, OUTAGE_DOWN, 1, 1, 16, 2, 2, 1, 0), "DOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outage_by_clock),
		cmocka_unit_test(health_own),
		cmocka_unit_test(health_real_errors),
		cmocka_unit_test(disk_and_files),
		cmocka_unit_test(slurm_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for explain.c: a pending job's reason in a sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain.h"

static void planned_resources(void **state)
{
	(void)state;
	char buf[512];
	struct explain e = { .id = 813, .reason = "Resources", .gpus = 2, .cpus = 4,
	    .mem_mb = 1024, .planned = 1, .start = 1714572300, .node = "gpu1", .after = 812 };
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits for 2 GPUs, 4 CPUs and 1024 MB on gpu1, expected to start "
	    "at 2024-05-01T14:05:00 when job 812 reaches its time limit");
	e.after_pending = 1;
	e.gpus = 1;
	e.mem_mb = 0;
	e.cpus = 1;
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits for 1 GPU, 1 CPU on gpu1, expected to start at "
	    "2024-05-01T14:05:00 when job 812 (planned to start before it) reaches its time limit");
	e.after = -1;
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits for 1 GPU, 1 CPU on gpu1, expected to start at "
	    "2024-05-01T14:05:00");
	e.start = -1;
	explain_pending(buf, sizeof buf, &e);
	assert_non_null(strstr(buf, "without a time limit end (no expected start)"));
	e.planned = 0;
	explain_pending(buf, sizeof buf, &e);
	assert_non_null(strstr(buf, "no start is planned"));
}

static void other_reasons(void **state)
{
	(void)state;
	char buf[512];
	struct explain e = { .id = 7, .reason = "Priority" };
	explain_pending(buf, sizeof buf, &e);
	assert_non_null(strstr(buf, "higher priority"));
	e.reason = "JobHeldUser";
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "held: herd release 7 lets it start");
	e.reason = "Dependency";
	e.dependency = "afterok:5(unfulfilled)";
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits for its dependency afterok:5(unfulfilled)");
	e.reason = "BeginTime";
	e.begin_time = 1714572300;
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "may not start before 2024-05-01T14:05:00 (--begin)");
	/* A reason this client does not know (a limit of a newer herdd). */
	e.reason = "AssocGrpGRES";
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits: AssocGrpGRES");
	e.reason = NULL;
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits: (no reason given)");
}

/* What herdd sent may be anything: long names are cut, never overrun. */
static void hostile_input(void **state)
{
	(void)state;
	char big[5000], buf[64];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct explain e = { .reason = "Resources", .gpus = -3, .cpus = 2147483647,
	    .mem_mb = INT64_MAX, .planned = 1, .start = INT64_MAX, .node = big,
	    .after = INT64_MAX };
	memset(buf, 0x55, sizeof buf);
	explain_pending(buf, sizeof buf, &e);
	assert_int_equal(strlen(buf), sizeof buf - 1);
	e.reason = big;
	explain_pending(buf, sizeof buf, &e);
	assert_int_equal(strlen(buf), sizeof buf - 1);
	e.reason = "Dependency";
	e.dependency = NULL;
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits for its dependency ");
	explain_pending(buf, 1, &e);
	assert_string_equal(buf, "");
}

/* GpusInUseOutsideHerd names the GPUs and their users; herdd's list may be
 * missing (an older herdd) or long (cut, never overrun). */
static void outside_herd(void **state)
{
	(void)state;
	char buf[256], big[2048];
	struct explain e = { .reason = "GpusInUseOutsideHerd", .gpus = 8, .cpus = 1,
	    .foreign = "node1 GPU 3 (bob, pid 4242)" };
	explain_pending(buf, sizeof buf, &e);
	assert_string_equal(buf, "waits for 8 GPUs, 1 CPU: GPUs it could have are in use outside "
	    "herd (node1 GPU 3 (bob, pid 4242)); they are free again at the first probe after "
	    "those processes end");
	e.foreign = NULL;
	explain_pending(buf, sizeof buf, &e);
	assert_non_null(strstr(buf, "(see herd nodes)"));
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	e.foreign = big;
	explain_pending(buf, sizeof buf, &e);
	assert_int_equal(strlen(buf), sizeof buf - 1);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(planned_resources),
		cmocka_unit_test(other_reasons),
		cmocka_unit_test(hostile_input),
		cmocka_unit_test(outside_herd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

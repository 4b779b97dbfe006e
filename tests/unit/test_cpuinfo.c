/*
 * Unit tests for cpuinfo.c (threads per core from a kernel CPU list, the
 * load average), with the kernel's real forms and hostile ones, and the
 * probe lines that carry them through probe_parse().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpuinfo.h"
#include "probe.h"
#include "util.h"

static struct span sp(const char *s)
{
	return (struct span){ s, strlen(s) };
}

static int count(const char *s)
{
	int n = -7;
	return cpuinfo_list_count(sp(s), CPUINFO_TPC_MAX, &n) == 0 ? n : -1;
}

static void t_list_real(void **state)
{
	(void)state;
	assert_int_equal(count("0"), 1);		/* no SMT */
	assert_int_equal(count("0,64"), 2);		/* AMD EPYC, Intel Xeon */
	assert_int_equal(count("0-1"), 2);		/* siblings numbered together */
	assert_int_equal(count("0,1,2,3"), 4);		/* POWER SMT4 */
	assert_int_equal(count("0-3,8-11"), 8);
	assert_int_equal(count("0,64\r"), 2);		/* a CRLF line: trimmed */
	assert_int_equal(count(" 0-7 "), 8);
}

static void t_list_hostile(void **state)
{
	static const char *bad[] = {
		"", " ", "-", ",", "0,", ",0", "0,,1", "0-", "-1", "1-0", "0-1-2",
		"a", "0x1", "1e3", "+1", "0;1", "0,0", "3,1", "0-3,2", "0-3,3",
		"0 1", "0\t1", "99999999999", "1234567890", "0-100",	/* over the max */
		"0-9999999", "0\n1", "0\r1", "0,64,", "\xff",
	};
	int n = 42;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(cpuinfo_list_count(sp(bad[i]), CPUINFO_TPC_MAX, &n), -1);
		assert_int_equal(n, 42);	/* untouched */
	}
	/* Exactly the maximum is fine, one more is not. */
	assert_int_equal(cpuinfo_list_count(sp("0-63"), 64, &n), 0);
	assert_int_equal(n, 64);
	assert_int_equal(cpuinfo_list_count(sp("0-64"), 64, &n), -1);
	/* A NUL inside the span ends nothing early. */
	assert_int_equal(cpuinfo_list_count((struct span){ "0\0" "1", 3 }, 64, &n), -1);
}

static void t_loadavg(void **state)
{
	int64_t l[3] = { 7, 7, 7 };
	(void)state;
	assert_int_equal(cpuinfo_loadavg(sp("0.52 0.40 0.33 1/234 5678"), l), 0);
	assert_int_equal(l[0], 52);
	assert_int_equal(l[1], 40);
	assert_int_equal(l[2], 33);
	assert_int_equal(cpuinfo_loadavg(sp("112.07 96.5 3 12/3456 99\n"), l), 0);
	assert_int_equal(l[0], 11207);
	assert_int_equal(l[1], 9650);
	assert_int_equal(l[2], 300);
	assert_int_equal(cpuinfo_loadavg(sp("0.00 0.00 0.00"), l), 0);	/* no more fields */
	assert_int_equal(l[0], 0);
}

static void t_loadavg_hostile(void **state)
{
	static const char *bad[] = {
		"", "0.52", "0.52 0.40", "-1.00 0.40 0.33", "0.52  0.40 0.33",
		"0.5x 0.40 0.33", "0.525 0.40 0.33", ".52 0.40 0.33", "0. 0.40 0.33",
		"nan 0.40 0.33", "inf inf inf", "1e3 0.40 0.33", "0,52 0,40 0,33",
		"99999999.00 0 0", "1234567890 0 0", "0.52 0.40 0.33x", "0.52\t0.40\t0.33",
		"0.52 0.40 0.33\0011/2", "+1.00 0.40 0.33",
	};
	int64_t l[3] = { 7, 8, 9 };
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(cpuinfo_loadavg(sp(bad[i]), l), -1);
		assert_int_equal(l[0], 7);	/* untouched */
		assert_int_equal(l[2], 9);
	}
}

#define HEAD "hostname n1\ncpus 16\nmem_kb 131072000\nboot_id b\ncgroup v2\n"

static int pp(const char *text, struct probe_result *r, char *err)
{
	return probe_parse(text, strlen(text), r, err, HERD_ERRLEN);
}

/* Through the probe: known, unknown (empty or an older script), bad. */
static void t_probe_lines(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN];
	(void)state;
	probe_result_init(&r);
	assert_int_equal(pp(HEAD "cpu_siblings 0,8\nloadavg 1.50 0.75 0.25 2/300 42\n"
	    "gpu_rc 127\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.threads_per_core, 2);
	assert_int_equal(r.load[0], 150);
	assert_int_equal(r.load[2], 25);
	assert_int_equal(pp(HEAD "cpu_siblings \nloadavg \ngpu_rc 127\ngpus\napps\nend\n", &r,
	    err), 0);
	assert_int_equal(r.threads_per_core, 0);
	assert_int_equal(r.load[0], -1);
	assert_int_equal(pp(HEAD "gpu_rc 127\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.threads_per_core, 0);
	assert_int_equal(r.load[1], -1);
	assert_int_equal(pp(HEAD "cpu_siblings 0-99999\ngpu_rc 127\ngpus\napps\nend\n", &r, err),
	    -1);
	assert_non_null(strstr(err, "bad cpu_siblings"));
	assert_int_equal(pp(HEAD "loadavg \x1b[2J 0 0\ngpu_rc 127\ngpus\napps\nend\n", &r, err), -1);
	assert_non_null(strstr(err, "bad loadavg"));
	assert_null(strchr(err, '\x1b'));	/* escaped */
	assert_int_equal(pp(HEAD "loadavg 0 0 0\nloadavg 0 0 0\ngpu_rc 127\ngpus\napps\nend\n",
	    &r, err), -1);
	assert_non_null(strstr(err, "given twice"));
	assert_int_equal(pp(HEAD "cpu_siblings 0\ncpu_siblings 0\ngpu_rc 127\ngpus\napps\nend\n",
	    &r, err), -1);
	probe_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_list_real),
		cmocka_unit_test(t_list_hostile),
		cmocka_unit_test(t_loadavg),
		cmocka_unit_test(t_loadavg_hostile),
		cmocka_unit_test(t_probe_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for herd sim: the SWF line parser with hostile lines, the
 * replay on workloads small enough to work out by hand, and the published
 * RLScheduler figures on the Lublin traces in ../shared/traces (skipped,
 * with a message, where that folder is absent; HERD_TRACES names another).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acct.h"
#include "cmd.h"
#include "sched.h"
#include "sim.h"
#include "swf.h"

static int parse(const char *line, struct swf_job *j, char *why)
{
	return swf_parse_line(line, strlen(line), j, why, 128);
}

static void swf_good_lines(void **state)
{
	(void)state;
	struct swf_job j;
	char why[128];
	assert_int_equal(parse("    3    6742 -1   24089   1 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1", &j, why), 1);
	assert_int_equal(j.id, 3);
	assert_int_equal(j.submit, 6742);
	assert_int_equal(j.run, 24089);
	assert_int_equal(j.size, 1);	/* field 8 is -1: field 5 */
	assert_int_equal(j.req_time, -1);
	assert_int_equal(j.user, -1);
	assert_int_equal(parse("1\t0\t5\t3.9\t4\t1.5\t-1\t8\t100\t-1\t1\t7\t1\t1\t1\t1\t-1\t-1\r", &j, why), 1);
	assert_int_equal(j.run, 3);	/* fraction truncated */
	assert_int_equal(j.size, 8);	/* field 8 wins */
	assert_int_equal(j.req_time, 100);
	assert_int_equal(j.user, 7);
	assert_int_equal(parse("", &j, why), 0);
	assert_int_equal(parse("   \t ", &j, why), 0);
	assert_int_equal(parse("; MaxProcs: 256", &j, why), 0);
	assert_int_equal(swf_header_value("; MaxProcs: 256", 15, "MaxProcs"), 256);
	assert_int_equal(swf_header_value(";MaxNodes:128  ", 15, "MaxNodes"), 128);
	assert_int_equal(swf_header_value("; MaxProcs: -3", 14, "MaxProcs"), 0);
	assert_int_equal(swf_header_value("; MaxProcsX: 3", 14, "MaxProcs"), 0);
	assert_int_equal(swf_header_value("; MaxProcs: 3x", 14, "MaxProcs"), 0);
	assert_int_equal(swf_header_value("; MaxProcs:", 11, "MaxProcs"), 0);
}

/*
 * herd history --swf's writer: every record it writes parses back with the
 * same numbers (submit relative to t0, run, GPUs as processors, limit,
 * uid), a job that never started has run -1 (herd sim drops it), and a
 * buffer too small is refused, never cut.
 */
static void swf_writer_round_trip(void **state)
{
	(void)state;
	const int64_t t0 = 1700000000;
	const struct swf_hist v[] = {
		{ 41, t0, t0 + 5, t0 + 65, 2, 120, SWF_COMPLETED, 1000, 1, 2 },
		{ 42, t0 + 3, t0 + 2, t0 + 3, 0, 0, SWF_FAILED, 4294967295LL, -1, -1 },
		{ 43, t0 + 9, 0, t0 + 10, 8, 3600, SWF_CANCELLED, 0, 3, -1 },	/* never started */
		{ 44, t0 + 9, t0 + 9, t0 + 9 + SWF_NUM_MAX / 2, 64, SWF_NUM_MAX, SWF_FAILED,
		  1001, 4096, 4096 },
	};
	char line[SWF_LINE_MAX], why[128];
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct swf_job j;
		int n = swf_format(&v[i], t0, line, sizeof line);
		assert_true(n > 0 && (size_t)n == strlen(line));
		if (swf_parse_line(line, (size_t)n, &j, why, sizeof why) != 1)
			fail_msg("%s: %s", line, why);
		assert_int_equal(j.id, v[i].id);
		assert_int_equal(j.submit, v[i].submit - t0);
		assert_int_equal(j.run, v[i].start > 0 ? v[i].end - v[i].start : -1);
		assert_int_equal(j.size, v[i].gpus);
		assert_int_equal(j.req_time, v[i].limit > 0 ? v[i].limit : -1);
		assert_int_equal(j.user, v[i].user);
	}
	/* Fields by position: wait (start before submit: 0), status, group, partition. */
	assert_true(swf_format(&v[1], t0, line, sizeof line) > 0);
	assert_string_equal(line, "42 3 0 1 0 -1 -1 0 -1 -1 0 4294967295 -1 -1 -1 -1 -1 -1");
	assert_true(swf_format(&v[0], t0, line, sizeof line) > 0);
	assert_string_equal(line, "41 0 5 60 2 -1 -1 2 120 -1 1 1000 1 -1 -1 2 -1 -1");
	assert_true(swf_format(&v[2], t0, line, sizeof line) > 0);
	assert_string_equal(line, "43 9 -1 -1 8 -1 -1 8 3600 -1 5 0 3 -1 -1 -1 -1 -1");
	/* Too small: refused at every size short of the line. */
	int full = swf_format(&v[0], t0, line, sizeof line);
	for (size_t size = 0; size <= (size_t)full; size++)
		assert_int_equal(swf_format(&v[0], t0, line, size), -1);
	assert_int_equal(swf_format(&v[0], t0, line, (size_t)full + 1), full);
	assert_int_equal(swf_status("COMPLETED"), SWF_COMPLETED);
	assert_int_equal(swf_status("CANCELLED"), SWF_CANCELLED);
	assert_int_equal(swf_status("TIMEOUT"), SWF_FAILED);
	assert_int_equal(swf_status("completed"), SWF_FAILED);
	assert_int_equal(swf_status(NULL), SWF_FAILED);
}

static void swf_hostile_lines(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17",		/* 17 fields */
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19",	/* 19 */
		"1 2 3 nan 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 inf 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 1e5 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 0x10 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 - 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 . 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 --4 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 +4 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 99999999999999999999 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 1000000000000001 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 4;5 6 7 8 9 10 11 12 13 14 15 16 17 18",
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18x",
		"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18",
		"\xff\xfe 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18",
	};
	struct swf_job j;
	char why[128];
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		why[0] = '\0';
		assert_int_equal(parse(bad[i], &j, why), -1);
		assert_true(why[0] != '\0');
	}
	/* A NUL inside the line, and a line past the limit. */
	static const char nul[] = "1 2 3 4\0 5 6 7 8 9 10 11 12 13 14 15 16 17 18";
	assert_int_equal(swf_parse_line(nul, sizeof nul - 1, &j, why, sizeof why), -1);
	char *big = malloc(SWF_LINE_MAX + 10);
	memset(big, '1', SWF_LINE_MAX + 9);
	assert_int_equal(swf_parse_line(big, SWF_LINE_MAX + 9, &j, why, sizeof why), -1);
	free(big);
	assert_int_equal(parse("1 2 3 1000000000000000 5 6 7 8 9 10 11 12 13 14 15 16 17 18", &j,
	    why), 1);	/* the largest accepted */
}

static struct sim_result run(const struct sim_job *jobs, size_t n, int pool, int policy)
{
	struct sim_machine m = { .pool = pool };
	struct sim_result r;
	char why[128];
	assert_int_equal(sim_run(jobs, n, &m, policy, 0, &r, why, sizeof why), 0);
	return r;
}

/*
 * Pool of 4: A (2 procs, 100 s) at 0, B (4 procs) at 1 waits for A, C (2
 * procs, 50 s) at 2.  FCFS: C after B, at 110.  Backfill: C at once (ends
 * at 52, before B's reservation at 100).
 */
static void sim_backfill_by_hand(void **state)
{
	(void)state;
	struct sim_job jobs[3] = { { 0, 100, 100, 2, -1 }, { 1, 10, 10, 4, -1 }, { 2, 50, 50, 2, -1 } };
	struct sim_result r = run(jobs, 3, 4, SCHED_FCFS);
	assert_int_equal(r.jobs, 3);
	assert_true(r.mean_wait_s == (0 + 99 + 108) / 3.0);
	assert_int_equal(r.makespan_s, 160);
	/* bsld: A 1, B (99+10)/10, C (108+50)/50 */
	assert_true(r.mean_bsld > (1 + 10.9 + 3.16) / 3 - 1e-9 && r.mean_bsld < (1 + 10.9 + 3.16) / 3 + 1e-9);
	for (int pol = SCHED_EASY; pol <= SCHED_GREEDY; pol++) {
		r = run(jobs, 3, 4, pol);
		assert_true(r.mean_wait_s == 99 / 3.0);
		assert_int_equal(r.makespan_s, 110);
		/* utilisation: (200 + 40 + 100) / (4 * 110) */
		assert_true(r.utilization > 340 / 440.0 - 1e-12 && r.utilization < 340 / 440.0 + 1e-12);
	}
}

/*
 * multifactor, pool of 2.  User 7's A (2 procs, 1000 s) at 0 runs alone.
 * Then user 7's B (2 procs, 100 s) at 1 and user 8's C (2 procs, 100 s)
 * at 2 wait for it.  With the default weights (fair share first) C starts
 * at 1000, before B, which was submitted earlier: user 7 has used the pool
 * and user 8 has not.  With fair share off, age orders them: B first.
 */
static void sim_multifactor_fair_share(void **state)
{
	(void)state;
	struct sim_job jobs[3] = { { 0, 1000, 1000, 2, 7 }, { 1, 100, 100, 2, 7 },
		{ 2, 100, 100, 2, 8 } };
	struct sim_machine m = { .pool = 2 };
	struct prio_conf p;
	struct sim_result r;
	char why[128];
	prio_conf_defaults(&p);
	assert_int_equal(sim_run_multifactor(jobs, 3, &m, &p, 0, &r, why, sizeof why), 0);
	/* waits: A 0, C 998, B 1099 */
	assert_true(r.mean_wait_s == (0 + 998 + 1099) / 3.0);
	p.weight_fairshare = 0;
	assert_int_equal(sim_run_multifactor(jobs, 3, &m, &p, 0, &r, why, sizeof why), 0);
	/* waits: A 0, B 999, C 1098 */
	assert_true(r.mean_wait_s == (0 + 999 + 1098) / 3.0);
}

/*
 * EASY's extra processors: A (3 procs, 100 s) at 0, B (2) at 1 waits for
 * A, C (1 proc, 1000 s) at 2 fits beside B at 100: EASY starts it now,
 * greedy (ends before 100 only) does not.
 */
static void sim_easy_extra(void **state)
{
	(void)state;
	struct sim_job jobs[3] = { { 0, 100, 100, 3, -1 }, { 1, 10, 10, 2, -1 }, { 2, 1000, 1000, 1, -1 } };
	assert_true(run(jobs, 3, 4, SCHED_EASY).mean_wait_s == 99 / 3.0);
	assert_true(run(jobs, 3, 4, SCHED_GREEDY).mean_wait_s == (99 + 98) / 3.0);
}

/* Nodes of GPUs: a 3-GPU job fits a 4-GPU node beside a 1-GPU job, not
 * across two nodes; arrivals before same-second completions. */
static void sim_gpu_nodes(void **state)
{
	(void)state;
	struct sim_job jobs[3] = { { 0, 10, 10, 3, -1 }, { 0, 10, 10, 3, -1 }, { 10, 5, 5, 1, -1 } };
	struct sim_machine m = { .nodes = 1, .gpus_per_node = 4 };
	struct sim_result r;
	char why[128];
	assert_int_equal(sim_capacity(&m), 4);
	assert_int_equal(sim_run(jobs, 3, &m, SCHED_FCFS, 0, &r, why, sizeof why), 0);
	/* job 2 waits to 10; job 3 arrives at 10 before the completion, waits
	 * behind job 2, and starts beside it once job 1 has ended at 10. */
	assert_true(r.mean_wait_s == 10 / 3.0);
	m.nodes = 2;
	assert_int_equal(sim_run(jobs, 3, &m, SCHED_FCFS, 0, &r, why, sizeof why), 0);
	assert_true(r.mean_wait_s == 0);
	assert_int_equal(sim_run(jobs, 0, &m, SCHED_FCFS, 0, &r, why, sizeof why), -1);
}

/* Run `herd sim ARGS` in-process; its stdout into out. */
static int sim_cmd(char *out, size_t size, const char **args, int n)
{
	char *argv[40];
	char path[] = "/tmp/test_sim.XXXXXX";
	int fd = mkstemp(path), saved = dup(1);
	argv[0] = "sim";
	for (int i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	argv[n + 1] = NULL;
	fflush(stdout);
	dup2(fd, 1);
	int rc = cmd_sim(n + 1, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	ssize_t got = pread(fd, out, size - 1, 0);
	out[got > 0 ? got : 0] = '\0';
	close(fd);
	unlink(path);
	return rc;
}

static const char *traces(void)
{
	const char *t = getenv("HERD_TRACES");
	return t != NULL ? t : "../shared/traces";
}

/*
 * RLScheduler's published figures (PUBLISHED.md), to every printed digit:
 * 10 windows of 1,024 jobs at 256 processors, perfect estimates, the mean
 * of the windows' means, utilisation to the last start.
 */
static void published_figures(void **state)
{
	(void)state;
	static const struct { const char *file, *policy, *bsld, *util; } want[] = {
		{ "lublin_256.swf", "greedy", "235.82", "0.868" },
		{ "lublin_256_new2.swf", "greedy", "247.61", "0.587" },
		{ "lublin_256.swf", "fcfs", "7273.77", "0.657" },
		{ "lublin_256_new2.swf", "fcfs", "7842.47", "0.404" },
	};
	static const char *const win[] = { "1981:1024", "2756:1024", "4299:1024", "8850:1024",
		"3316:1024", "2714:1024", "5228:1024", "7762:1024", "4022:1024", "7085:1024" };
	char path[512], out[4096], line[64];
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		snprintf(path, sizeof path, "%s/%s", traces(), want[i].file);
		if (access(path, R_OK) != 0) {
			printf("published_figures: skipped: %s is absent (set HERD_TRACES)\n", path);
			skip();
		}
		const char *args[40] = { "--pool", "256", "--policy", want[i].policy,
			"--util-span", "start" };
		int n = 6;
		for (size_t w = 0; w < 10; w++) {
			args[n++] = "--window";
			args[n++] = win[w];
		}
		args[n++] = path;
		assert_int_equal(sim_cmd(out, sizeof out, args, n), 0);
		snprintf(line, sizeof line, "mean_bsld     %s\n", want[i].bsld);
		if (strstr(out, line) == NULL)
			fail_msg("%s %s: want bsld %s, got:\n%s", want[i].file, want[i].policy,
			    want[i].bsld, out);
		snprintf(line, sizeof line, "utilization   %s (to the last start)\n", want[i].util);
		if (strstr(out, line) == NULL)
			fail_msg("%s %s: want utilization %s, got:\n%s", want[i].file,
			    want[i].policy, want[i].util, out);
		assert_non_null(strstr(out, "jobs          10240 "));
	}
}

/* --json: exactly the five keys; the gzip trace reads like a plain one. */
static void json_and_gzip(void **state)
{
	(void)state;
	char path[512], out[4096];
	snprintf(path, sizeof path, "%s/NASA-iPSC-1993-3.1-cln.swf.gz", traces());
	if (access(path, R_OK) != 0) {
		printf("json_and_gzip: skipped: %s is absent (set HERD_TRACES)\n", path);
		skip();
	}
	const char *args[] = { "--json", "--window", "0:2000", path };
	assert_int_equal(sim_cmd(out, sizeof out, args, 4), 0);
	assert_non_null(strstr(out, "{\"jobs\":2000,\"mean_wait_s\":"));
	assert_non_null(strstr(out, ",\"mean_bsld\":"));
	assert_non_null(strstr(out, ",\"utilization\":"));
	assert_non_null(strstr(out, ",\"makespan_s\":"));
	assert_int_equal(out[strlen(out) - 2], '}');
	const char *mf[] = { "--json", "--window", "0:2000", "--policy", "multifactor", path };
	assert_int_equal(sim_cmd(out, sizeof out, mf, 6), 0);
	assert_non_null(strstr(out, "{\"jobs\":2000,"));
	/* --config has weights only multifactor reads: refused elsewhere. */
	const char *cf[] = { "--policy", "easy", "--config", "/nonexistent", path };
	assert_int_equal(sim_cmd(out, sizeof out, cf, 5), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(swf_good_lines),
		cmocka_unit_test(swf_hostile_lines),
		cmocka_unit_test(swf_writer_round_trip),
		cmocka_unit_test(sim_backfill_by_hand),
		cmocka_unit_test(sim_easy_extra),
		cmocka_unit_test(sim_multifactor_fair_share),
		cmocka_unit_test(sim_gpu_nodes),
		cmocka_unit_test(published_figures),
		cmocka_unit_test(json_and_gzip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

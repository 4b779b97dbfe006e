/*
 * Unit tests for svc_idle.c and svc_parse_idle_stop (svc.c): --idle-stop's
 * values, good and hostile; which GPUs a probe shows idle (utilization,
 * processes, unknown values, MIG devices, masks past the list); the idle
 * clock; the log line; and its node program run by a real /bin/sh with a
 * hostile line and path, appending byte-exact, creating nothing where the
 * directory is gone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "probe.h"
#include "svc.h"
#include "svc_idle.h"
#include "util.h"

static void values(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	int64_t v;
	static const struct { const char *in; int64_t secs; } good[] = {
		{ "30m", 1800 }, { "2h", 7200 }, { "1d", 86400 }, { "90s", 90 }, { "1s", 1 },
		{ "30d", 30 * 86400 }, { "2:00:00", 7200 }, { "1-00", 86400 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(svc_parse_idle_stop(good[i].in, &v, err, sizeof err), 0);
		assert_int_equal(v, good[i].secs);
	}
	static const char *const bad[] = { "", "0s", "0m", "31d", "2", "120", "2 h", "2hh", "h",
		"-1h", "2H", "1w", "99999999999999999999d", "1h;rm -rf /", "0:00", "$(id)", "2h\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 42;
		if (svc_parse_idle_stop(bad[i], &v, err, sizeof err) == 0)
			fail_msg("\"%s\" was taken as %lld s", bad[i], (long long)v);
		assert_non_null(strstr(err, "--idle-stop takes a duration"));
		assert_int_equal(v, 42);
	}
	assert_int_equal(svc_parse_idle_stop(NULL, &v, err, sizeof err), -1);
}

/* A probe of n GPUs, GPU-0..GPU-(n-1), utilization util[i]. */
static void gpus(struct probe_result *pr, const int *util, size_t n)
{
	probe_result_init(pr);
	pr->gpus = xcalloc(n, sizeof *pr->gpus);
	pr->ngpus = n;
	for (size_t i = 0; i < n; i++) {
		pr->gpus[i].index = (int)i;
		snprintf(pr->gpus[i].uuid, sizeof pr->gpus[i].uuid, "GPU-%zu", i);
		pr->gpus[i].util = util[i];
	}
}

static void app_on(struct probe_result *pr, const char *uuid)
{
	pr->apps = xreallocarray(pr->apps, pr->napps + 1, sizeof *pr->apps);
	memset(&pr->apps[pr->napps], 0, sizeof pr->apps[0]);
	snprintf(pr->apps[pr->napps].gpu_uuid, sizeof pr->apps[0].gpu_uuid, "%s", uuid);
	pr->apps[pr->napps++].pid = 777;
}

static void which_idle(void **state)
{
	(void)state;
	struct probe_result pr;
	int util[] = { 0, 0, 35, -1 };
	gpus(&pr, util, 4);
	assert_true(svc_gpus_idle(&pr, 0x1));
	assert_true(svc_gpus_idle(&pr, 0x3));
	assert_false(svc_gpus_idle(&pr, 0x4));	/* 35 % */
	assert_false(svc_gpus_idle(&pr, 0x5));	/* one busy of two: not idle */
	assert_false(svc_gpus_idle(&pr, 0x8));	/* [N/A]: a doubt */
	assert_false(svc_gpus_idle(&pr, 0));	/* no GPUs: nothing to watch */
	assert_false(svc_gpus_idle(&pr, 0x10));	/* past the list (a GPU lost) */
	assert_false(svc_gpus_idle(&pr, 0x8000000000000001ull));
	app_on(&pr, "GPU-1");
	assert_true(svc_gpus_idle(&pr, 0x1));	/* another GPU's process */
	assert_false(svc_gpus_idle(&pr, 0x2));	/* utilization 0 with a process: busy */
	app_on(&pr, "GPU-1x");	/* a prefix is not the UUID */
	assert_true(svc_gpus_idle(&pr, 0x1));
	probe_result_clear(&pr);

	/* MIG devices: processes are named by the parent's UUID. */
	int mig[] = { 0, 0 };
	gpus(&pr, mig, 2);
	snprintf(pr.gpus[0].uuid, sizeof pr.gpus[0].uuid, "MIG-a");
	snprintf(pr.gpus[0].parent_uuid, sizeof pr.gpus[0].parent_uuid, "GPU-p");
	snprintf(pr.gpus[1].uuid, sizeof pr.gpus[1].uuid, "MIG-b");
	snprintf(pr.gpus[1].parent_uuid, sizeof pr.gpus[1].parent_uuid, "GPU-p");
	assert_true(svc_gpus_idle(&pr, 0x1));
	app_on(&pr, "GPU-p");	/* on one of them, no one can say which: busy */
	assert_false(svc_gpus_idle(&pr, 0x1));
	probe_result_clear(&pr);

	/* 64 GPUs: the mask's last bit is on the list. */
	int many[64] = { 0 };
	gpus(&pr, many, 64);
	assert_true(svc_gpus_idle(&pr, ~0ull));
	probe_result_clear(&pr);
}

static void clock_steps(void **state)
{
	(void)state;
	uint32_t since = 0;
	const int64_t T = 1700000000;
	assert_false(svc_idle_due(60, T, 1, 1, &since));	/* the first look starts it */
	assert_int_equal(since, T);
	assert_false(svc_idle_due(60, T + 59, 1, 1, &since));
	assert_true(svc_idle_due(60, T + 60, 1, 1, &since));
	assert_false(svc_idle_due(60, T + 61, 1, 0, &since));	/* busy: the spell ends */
	assert_int_equal(since, 0);
	assert_false(svc_idle_due(60, T + 62, 1, 1, &since));
	assert_false(svc_idle_due(60, T + 121, 1, 1, &since));
	assert_true(svc_idle_due(60, T + 122, 1, 1, &since));
	assert_false(svc_idle_due(60, T + 123, 0, 1, &since));	/* a doubt ends it too */
	assert_int_equal(since, 0);
	since = (uint32_t)(T + 1000);	/* the clock went back: a new spell */
	assert_false(svc_idle_due(60, T + 500, 1, 1, &since));
	assert_int_equal(since, T + 500);
	assert_false(svc_idle_due(0, T + 5000, 1, 1, &since));	/* no --idle-stop */
	assert_false(svc_idle_due(-5, T + 5000, 1, 1, &since));
	assert_int_equal(since, 0);
}

static void words(void **state)
{
	(void)state;
	char b[256];
	static const struct { int64_t s; const char *w; } d[] = {
		{ 7200, "2h" }, { 1800, "30m" }, { 86400, "1d" }, { 90, "90s" }, { 5400, "90m" },
		{ 1, "1s" }, { 3 * 86400, "3d" }, { 3601, "3601s" },
	};
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		svc_idle_dur(d[i].s, b, sizeof b);
		assert_string_equal(b, d[i].w);
	}
	svc_idle_line(b, sizeof b, "nb", 7200);
	assert_string_equal(b, "herd: service nb stopped: its GPUs idle for 2h (--idle-stop 2h)");
	svc_idle_line(b, sizeof b, "a\nb\033", 60);
	assert_null(strchr(b, '\n'));
	assert_null(strchr(b, '\033'));
}

static void run_sh(const char *program)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", program, (char *)NULL);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = xcalloc(1, 8192);
	if (f != NULL) {
		size_t n = fread(text, 1, 8191, f);
		text[n] = '\0';
		fclose(f);
	}
	return text;
}

/* The program appends the line byte-exact to a hostile path through a real
 * sh, runs nothing of either, and creates nothing where the directory is gone. */
static void note_program(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/herd-note.XXXXXX", path[512], want[1024], gone[600];
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	snprintf(path, sizeof path, "%s/out $(touch pwned) 'q' \"d\" `x`;|&.log", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("before\n", f);
	fclose(f);
	const char *line = "herd: service x stopped: $(touch pwned2) `id` 'q' \"d\" \\n %s %d; rm -rf /";
	struct buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(svc_note_program(&b, path, line), 0);
	buf_addc(&b, '\0');
	run_sh(b.data);
	buf_clear(&b);
	char *text = slurp(path);
	snprintf(want, sizeof want, "before\n%s\n", line);
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(access("pwned", F_OK), -1);
	assert_int_equal(access("pwned2", F_OK), -1);

	snprintf(gone, sizeof gone, "%s/no/such/dir/out.log", dir);
	buf_init(&b, 1 << 16);
	assert_int_equal(svc_note_program(&b, gone, "x"), 0);
	buf_addc(&b, '\0');
	run_sh(b.data);		/* exit 0, nothing said */
	buf_clear(&b);
	snprintf(gone, sizeof gone, "%s/no", dir);
	assert_int_equal(access(gone, F_OK), -1);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
		cmocka_unit_test(which_idle),
		cmocka_unit_test(clock_steps),
		cmocka_unit_test(words),
		cmocka_unit_test(note_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for svc_health.c: the health options' values, good and
 * hostile; the STARTING/HEALTHY/UNHEALTHY step; and the node program of
 * one check, run by a real sh in a temporary herd directory (a hostile
 * command runs as written, its result comes back as one event line).
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

#include "svc_health.h"
#include "util.h"

static void durations(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	int64_t d = -1;
	static const struct { const char *s; int64_t v; } good[] = {
		{ "1s", 1 }, { "30s", 30 }, { "2m", 120 }, { "1h", 3600 }, { "24h", 86400 },
		{ "45", 45 }, { "86400", 86400 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(svc_health_parse_dur("--health-interval", good[i].s, &d, err,
		    sizeof err), 0);
		assert_int_equal(d, good[i].v);
	}
	static const char *const bad[] = { "", "0", "0s", "-1s", "+5s", " 5s", "5s ", "5 s", "5d",
		"25h", "86401", "1441m", "5ss", "5S", "1h5", "s", "0x10", "9223372036854775807s",
		"99999999999999999999", "5\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = 42;
		assert_int_equal(svc_health_parse_dur("--health-timeout", bad[i], &d, err,
		    sizeof err), -1);
		assert_int_equal(d, 42);
		assert_non_null(strstr(err, "--health-timeout takes a duration"));
	}
	assert_int_equal(svc_health_parse_dur("--health-timeout", NULL, &d, err, sizeof err), -1);
}

static void retries(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	int n = -1;
	assert_int_equal(svc_health_parse_retries("1", &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(svc_health_parse_retries("100", &n, err, sizeof err), 0);
	assert_int_equal(n, 100);
	static const char *const bad[] = { "", "0", "101", "-1", "+3", "3 ", " 3", "3x", "0x3",
		"99999999999999999999", "3\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(svc_health_parse_retries(bad[i], &n, err, sizeof err), -1);
	assert_int_equal(svc_health_parse_retries(NULL, &n, err, sizeof err), -1);
}

static void commands_and_paths(void **state)
{
	(void)state;
	char err[HERD_ERRLEN], big[SVC_HEALTH_CMD_MAX + 2];
	static const char *const goodc[] = { "true", "curl -f localhost:$PORT/ || exit 1",
		"test -f '/tmp/a b'\t&& echo ok", "$(id); `id`; rm -rf \"$HOME\"" };
	for (size_t i = 0; i < sizeof goodc / sizeof goodc[0]; i++)
		assert_int_equal(svc_health_check_cmd(goodc[i], err, sizeof err), 0);
	static const char *const badc[] = { "", "a\nb", "a\rb", "\033[2J", "x\177" };
	for (size_t i = 0; i < sizeof badc / sizeof badc[0]; i++)
		assert_int_equal(svc_health_check_cmd(badc[i], err, sizeof err), -1);
	assert_int_equal(svc_health_check_cmd(NULL, err, sizeof err), -1);
	memset(big, 'a', sizeof big);
	big[SVC_HEALTH_CMD_MAX] = '\0';
	assert_int_equal(svc_health_check_cmd(big, err, sizeof err), 0);
	big[SVC_HEALTH_CMD_MAX] = 'a';
	big[SVC_HEALTH_CMD_MAX + 1] = '\0';
	assert_int_equal(svc_health_check_cmd(big, err, sizeof err), -1);

	static const char *const goodp[] = { "/", "/health", "v1/models", "/a?b=c&d=%20" };
	for (size_t i = 0; i < sizeof goodp / sizeof goodp[0]; i++)
		assert_int_equal(svc_health_check_path(goodp[i], err, sizeof err), 0);
	static const char *const badp[] = { "", "/a b", "/a\tb", "/a\nb", "/\377", "/\x7f" };
	for (size_t i = 0; i < sizeof badp / sizeof badp[0]; i++)
		assert_int_equal(svc_health_check_path(badp[i], err, sizeof err), -1);
	assert_int_equal(svc_health_check_path(NULL, err, sizeof err), -1);
}

static struct svc_health_out step(int health, int fails, int retries_, int ok)
{
	struct svc_health_out o;
	svc_health_step(health, fails, retries_, ok, &o);
	return o;
}

/* Quick checks while STARTING; failures then count only past the start
 * period (interval x retries), so a slow starter gets the time it had. */
static void start_period(void **state)
{
	(void)state;
	assert_int_equal(svc_health_next_in(SVC_HEALTH_STARTING, 30), SVC_HEALTH_START_EVERY_S);
	assert_int_equal(svc_health_next_in(SVC_HEALTH_STARTING, 1), 1);
	assert_int_equal(svc_health_next_in(SVC_HEALTH_HEALTHY, 30), 30);
	assert_int_equal(svc_health_next_in(SVC_HEALTH_HEALTHY, 0), 1);
	assert_int_equal(svc_health_fail_counts(SVC_HEALTH_STARTING, 0, 30, 3), 0);
	assert_int_equal(svc_health_fail_counts(SVC_HEALTH_STARTING, 89, 30, 3), 0);
	assert_int_equal(svc_health_fail_counts(SVC_HEALTH_STARTING, 90, 30, 3), 1);
	assert_int_equal(svc_health_fail_counts(SVC_HEALTH_STARTING, 5, 5, 0), 1);
	assert_int_equal(svc_health_fail_counts(SVC_HEALTH_HEALTHY, 0, 30, 3), 1);
	/* A clock stepped back: not yet, never a wrap to "counts". */
	assert_int_equal(svc_health_fail_counts(SVC_HEALTH_STARTING, -100, 30, 3), 0);
}

static void states(void **state)
{
	(void)state;
	struct svc_health_out o;
	/* Starting: failures count but it stays STARTING until the retries. */
	o = step(SVC_HEALTH_STARTING, 0, 3, 0);
	assert_int_equal(o.health, SVC_HEALTH_STARTING);
	assert_int_equal(o.fails, 1);
	assert_int_equal(o.restart, 0);
	o = step(SVC_HEALTH_STARTING, 2, 3, 0);
	assert_int_equal(o.health, SVC_HEALTH_UNHEALTHY);
	assert_int_equal(o.fails, 3);
	assert_int_equal(o.restart, 1);
	/* One success: HEALTHY, the count cleared. */
	o = step(SVC_HEALTH_STARTING, 2, 3, 1);
	assert_int_equal(o.health, SVC_HEALTH_HEALTHY);
	assert_int_equal(o.fails, 0);
	o = step(SVC_HEALTH_HEALTHY, 1, 3, 0);
	assert_int_equal(o.health, SVC_HEALTH_HEALTHY);
	assert_int_equal(o.fails, 2);
	assert_int_equal(o.restart, 0);
	o = step(SVC_HEALTH_HEALTHY, 2, 3, 0);
	assert_int_equal(o.health, SVC_HEALTH_UNHEALTHY);
	assert_int_equal(o.restart, 1);
	/* A failure between successes starts the count again. */
	o = step(SVC_HEALTH_HEALTHY, 2, 3, 1);
	assert_int_equal(o.fails, 0);
	/* Already unhealthy (its restart under way) or no check: nothing. */
	o = step(SVC_HEALTH_UNHEALTHY, 3, 3, 1);
	assert_int_equal(o.health, SVC_HEALTH_UNHEALTHY);
	assert_int_equal(o.restart, 0);
	o = step(SVC_HEALTH_NONE, 0, 3, 0);
	assert_int_equal(o.health, SVC_HEALTH_NONE);
	assert_int_equal(o.restart, 0);
	o = step(7, 0, 1, 0);	/* a state that is none of them: left alone */
	assert_int_equal(o.health, 7);
	assert_int_equal(o.restart, 0);
	/* Hostile stored values: retries 0 is one, a negative count starts over. */
	o = step(SVC_HEALTH_STARTING, 0, 0, 0);
	assert_int_equal(o.restart, 1);
	o = step(SVC_HEALTH_STARTING, -5, 2, 0);
	assert_int_equal(o.fails, 1);
	assert_string_equal(svc_health_name(SVC_HEALTH_STARTING), "starting");
	assert_string_equal(svc_health_name(SVC_HEALTH_UNHEALTHY), "unhealthy");
	assert_string_equal(svc_health_name(SVC_HEALTH_NONE), "none");
	assert_string_equal(svc_health_name(9), "none");
	assert_string_equal(svc_health_name(-1), "none");
}

/* Runs program with sh in dir; the events file's content after it (up to 10 s). */
static char *run_program(const char *dir, const char *program)
{
	char ev[512], *text = NULL;
	snprintf(ev, sizeof ev, "%s/events", dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", program, (char *)NULL);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(ev, "r");
		char line[1024];
		if (f != NULL && fgets(line, sizeof line, f) != NULL && strchr(line, '\n') != NULL) {
			fclose(f);
			text = xstrdup(line);
			break;
		}
		if (f != NULL)
			fclose(f);
		usleep(10000);
	}
	unlink(ev);
	return text;
}

static void program_runs(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/herd-health.XXXXXX", sub[600];
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	snprintf(sub, sizeof sub, "%s/jobs", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	struct buf b;

	/* A command with quotes and expansions runs as written, with the port. */
	buf_init(&b, 1 << 16);
	assert_int_equal(svc_health_program(&b, dir, "herd-7.2",
	    "printf '%s\\n' \"it's $HERD_PORT/$PORT in ${PWD##*/}\" `echo x`; exit 3", dir, 8080,
	    5), 0);
	char *line = run_program(dir, b.data);
	buf_clear(&b);
	assert_non_null(line);
	const char *base = strrchr(dir, '/') + 1;
	char want[256];
	snprintf(want, sizeof want, "health herd-7.2 3 it's 8080/8080 in %s\n", base);
	assert_string_equal(line, want);
	free(line);

	/* Its output's first line only, control bytes out; success is 0. */
	buf_init(&b, 1 << 16);
	assert_int_equal(svc_health_program(&b, dir, "herd-7.3",
	    "printf 'a\\033[2Jb\\001c\\nsecond\\n'", NULL, 0, 5), 0);
	line = run_program(dir, b.data);
	buf_clear(&b);
	assert_non_null(line);
	assert_string_equal(line, "health herd-7.3 0 a[2Jbc\n");
	free(line);

	/* Past its timeout it is stopped: a failure (timeout(1)'s 124), said. */
	buf_init(&b, 1 << 16);
	assert_int_equal(svc_health_program(&b, dir, "herd-7.4", "sleep 30", NULL, 0, 1), 0);
	line = run_program(dir, b.data);
	buf_clear(&b);
	assert_non_null(line);
	assert_string_equal(line, "health herd-7.4 124 timed out after 1 s\n");
	free(line);

	/* --health-http's command: the path quoted, one word. */
	buf_init(&b, 1 << 16);
	assert_int_equal(svc_health_http_cmd(&b, "x'y", 9, 3), 0);
	assert_non_null(strstr(b.data, "http://127.0.0.1:9'/x'\\''y'"));
	buf_clear(&b);

	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations),
		cmocka_unit_test(retries),
		cmocka_unit_test(commands_and_paths),
		cmocka_unit_test(states),
		cmocka_unit_test(start_period),
		cmocka_unit_test(program_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for svc.c: herd service start's option values, good and
 * hostile, and the restart decision (policy, backoff, window, crash loop).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "svc.h"
#include "util.h"

static void names(void **state)
{
	(void)state;
	char err[HERD_ERRLEN], big[SVC_NAME_MAX + 2];
	static const char *const good[] = { "web", "jupyter.lab_1", "a", "V-2", "x.y-z_0",
		"42a", "1.5", "7-b" };
	/* The last ones read as job ids (herd port-forward 42 8000: job 42). */
	static const char *const bad[] = { "", "-rf", ".hidden", "a b", "web;rm", "a/b", "$(id)",
		"tab\there", "new\nline", "ünï", "a'b", "*", "42", "42_3", "_", "0",
		"123456789012345678901234567890" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(svc_check_name(good[i], err, sizeof err), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(svc_check_name(bad[i], err, sizeof err), -1);
	assert_int_equal(svc_check_name(NULL, err, sizeof err), -1);
	memset(big, 'a', sizeof big);
	big[SVC_NAME_MAX] = '\0';
	assert_int_equal(svc_check_name(big, err, sizeof err), 0);
	big[SVC_NAME_MAX] = 'a';
	big[SVC_NAME_MAX + 1] = '\0';
	assert_int_equal(svc_check_name(big, err, sizeof err), -1);
}

static void restart_values(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	int p = -1, n = -1;
	assert_int_equal(svc_parse_restart("always", &p, err, sizeof err), 0);
	assert_int_equal(p, SVC_RESTART_ALWAYS);
	assert_int_equal(svc_parse_restart("on-failure", &p, err, sizeof err), 0);
	assert_int_equal(p, SVC_RESTART_ON_FAILURE);
	assert_int_equal(svc_parse_restart("never", &p, err, sizeof err), 0);
	assert_int_equal(p, SVC_RESTART_NEVER);
	assert_string_equal(svc_restart_name(SVC_RESTART_ON_FAILURE), "on-failure");
	assert_string_equal(svc_restart_name(7), "unknown");
	static const char *const bad[] = { "", "Always", "on_failure", "no", "always ", "1",
		"never\n", "unless-stopped" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(svc_parse_restart(bad[i], &p, err, sizeof err), -1);
	assert_int_equal(svc_parse_restart(NULL, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "always, on-failure or never"));

	assert_int_equal(svc_parse_max_restarts("0", &n, err, sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(svc_parse_max_restarts("10000", &n, err, sizeof err), 0);
	assert_int_equal(n, 10000);
	static const char *const badn[] = { "", "-1", "+3", " 3", "3 ", "10001", "3x", "0x10",
		"99999999999999999999", "1e3" };
	for (size_t i = 0; i < sizeof badn / sizeof badn[0]; i++)
		assert_int_equal(svc_parse_max_restarts(badn[i], &n, err, sizeof err), -1);
	assert_int_equal(svc_parse_max_restarts(NULL, &n, err, sizeof err), -1);
}

static void windows(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	static const struct { const char *in; int64_t s; } good[] = {
		{ "90s", 90 }, { "10m", 600 }, { "2h", 7200 }, { "1d", 86400 }, { "30d", 2592000 },
		{ "10:00", 600 }, { "1:00:00", 3600 }, { "1-00", 86400 }, { "1s", 1 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t v = -1;
		assert_int_equal(svc_parse_window(good[i].in, &v, err, sizeof err), 0);
		assert_int_equal(v, good[i].s);
	}
	/* A bare number (minutes to sbatch, seconds elsewhere) is refused. */
	static const char *const bad[] = { "", "90", "0s", "31d", "-5m", "5x", "5mm", "m",
		"99999999999999999999s", "2592001s", "infinite", "0", "0:00", "10 m", "1e3s" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = 42;
		assert_int_equal(svc_parse_window(bad[i], &v, err, sizeof err), -1);
		assert_int_equal(v, 42);
	}
	assert_int_equal(svc_parse_window(NULL, &(int64_t){ 0 }, err, sizeof err), -1);
}

static struct svc_verdict decide(struct svc_state *s, int32_t status, int64_t now)
{
	struct svc_verdict v;
	svc_decide(s, status, now, &v);
	s->win_start = v.win_start;
	s->win_count = v.win_count;
	return v;
}

static void decisions(void **state)
{
	(void)state;
	struct svc_state s = { SVC_RESTART_ON_FAILURE, 3, 600, 0, 0 };
	struct svc_verdict v;
	v = decide(&s, 0, 1000);		/* on-failure: a clean exit ends it */
	assert_int_equal(v.restart, 0);
	assert_int_equal(v.crashloop, 0);
	int64_t want[] = { 1, 2, 4 };
	for (int i = 0; i < 3; i++) {
		v = decide(&s, 1, 1000 + i * 10);
		assert_int_equal(v.restart, 1);
		assert_int_equal(v.delay_s, want[i]);
	}
	assert_int_equal(s.win_start, 1000);
	v = decide(&s, 9, 1040);		/* the 4th within 600 s */
	assert_int_equal(v.restart, 0);
	assert_int_equal(v.crashloop, 1);
	/* A window that is over starts the count and the backoff again. */
	s = (struct svc_state){ SVC_RESTART_ON_FAILURE, 3, 600, 1000, 3 };
	v = decide(&s, 1, 1600);
	assert_int_equal(v.restart, 1);
	assert_int_equal(v.delay_s, 1);
	assert_int_equal(s.win_start, 1600);
	assert_int_equal(s.win_count, 1);
	/* A clock set back opens a new window rather than a negative one. */
	s = (struct svc_state){ SVC_RESTART_ON_FAILURE, 3, 600, 5000, 3 };
	v = decide(&s, 1, 1000);
	assert_int_equal(v.restart, 1);
	/* never; always (an exit 0 too); max 0: the first failure loops. */
	s = (struct svc_state){ SVC_RESTART_NEVER, 3, 600, 0, 0 };
	assert_int_equal(decide(&s, 1, 1000).restart, 0);
	assert_int_equal(s.win_count, 0);
	s = (struct svc_state){ SVC_RESTART_ALWAYS, 3, 600, 0, 0 };
	assert_int_equal(decide(&s, 0, 1000).restart, 1);
	s = (struct svc_state){ SVC_RESTART_ALWAYS, 0, 600, 0, 0 };
	assert_int_equal(decide(&s, 0, 1000).crashloop, 1);
	/* A policy herd does not know restarts nothing. */
	s = (struct svc_state){ 9, 3, 600, 0, 0 };
	assert_int_equal(decide(&s, 1, 1000).restart, 0);
}

/* The backoff doubles up to 5 min and stays there, even past 2^31 s. */
static void backoff_cap(void **state)
{
	(void)state;
	struct svc_state s = { SVC_RESTART_ALWAYS, SVC_MAX_RESTARTS_MAX, SVC_WINDOW_MAX_S, 0, 0 };
	int64_t last = 0;
	for (int i = 0; i < 100; i++) {
		struct svc_verdict v = decide(&s, 1, 1000 + i);
		assert_int_equal(v.restart, 1);
		assert_true(v.delay_s >= last && v.delay_s <= SVC_BACKOFF_MAX_S);
		last = v.delay_s;
	}
	assert_int_equal(last, SVC_BACKOFF_MAX_S);
	s.win_count = 65535;
	assert_int_equal(decide(&s, 1, 1200).crashloop, 1);
}

/* The runner's "port N" after a start event's pid: hostile lines ignored. */
static void start_port(void **state)
{
	(void)state;
	int p = -1;
	assert_int_equal(svc_parse_start_port("port 8080", &p), 0);
	assert_int_equal(p, 8080);
	assert_int_equal(svc_parse_start_port("port 65535\r", &p), 0);
	assert_int_equal(p, 65535);
	static const char *const bad[] = { "", "port", "port ", "port 0", "port 65536",
		"port -1", "port +80", "port 80x", "port 80 81", "PORT 80", "port  80", "port 0080",
		"port 99999999999999999999", "prt 80", "port 8\n0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = 42;
		assert_int_equal(svc_parse_start_port(bad[i], &p), -1);
		assert_int_equal(p, 42);
	}
	assert_int_equal(svc_parse_start_port(NULL, &p), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(restart_values),
		cmocka_unit_test(windows),
		cmocka_unit_test(decisions),
		cmocka_unit_test(backoff_cap),
		cmocka_unit_test(start_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

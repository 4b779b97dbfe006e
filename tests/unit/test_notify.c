/*
 * Unit tests for notify.c with real processes: a run gets the message's
 * variables and not the caller's HERD_* ones; at most NOTIFY_RUNNING_MAX
 * run at once and the rest wait; one past its timeout is killed with its
 * process group; the queue's bound drops (and says so); a program that
 * cannot be run is reaped as a failure.
 */
#include <limits.h>
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

#include "notify.h"
#include "util.h"

static char dir[] = "/tmp/test_notify.XXXXXX";
static char script[PATH_MAX];

static void write_script(const char *body)
{
	FILE *f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(script, 0700), 0);
}

/* Reap children until `want` of ours were reaped or 10 s passed. */
static void reap(struct notifier *n, size_t want)
{
	size_t got = 0;
	for (int i = 0; i < 1000 && got < want; i++) {
		int st;
		pid_t pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0)
			got += notifier_reaped(n, pid, st);
		else
			usleep(10000);
	}
	assert_int_equal(got, want);
}

static void told(void **state)
{
	(void)state;
	char out[PATH_MAX + 16], body[2 * PATH_MAX], line[256];
	snprintf(out, sizeof out, "%s/env", dir);
	snprintf(body, sizeof body, "env | grep '^HERD_' | sort >%s", out);
	write_script(body);
	setenv("HERD_CONFIG", "/caller/only", 1);
	struct notifier *n = notifier_new();
	const char *vars[] = { "HERD_EVENT=END", "HERD_JOB_NAME=a b;$(id)`x`" };
	assert_int_equal(notifier_add(n, script, vars, 2, "job 1 END"), 0);
	assert_int_equal(notifier_queued(n), 1);
	notifier_pump(n, 0, 30);
	assert_int_equal(notifier_running(n), 1);
	assert_int_equal(notifier_queued(n), 0);
	reap(n, 1);
	assert_int_equal(notifier_running(n), 0);
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "HERD_EVENT=END\n");
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "HERD_JOB_NAME=a b;$(id)`x`\n");	/* no shell read it */
	assert_null(fgets(line, sizeof line, f));	/* not the caller's HERD_CONFIG */
	fclose(f);
	unsetenv("HERD_CONFIG");
	notifier_free(n);
}

static void bounded_and_killed(void **state)
{
	(void)state;
	write_script("sleep 300 & wait");
	struct notifier *n = notifier_new();
	const char *vars[] = { "HERD_EVENT=BEGIN" };
	for (int i = 0; i < NOTIFY_RUNNING_MAX + 2; i++)
		assert_int_equal(notifier_add(n, script, vars, 1, "job BEGIN"), 0);
	notifier_pump(n, 1000, 5);
	assert_int_equal(notifier_running(n), NOTIFY_RUNNING_MAX);
	assert_int_equal(notifier_queued(n), 2);
	notifier_pump(n, 5999, 5);	/* not yet: nothing killed, nothing started */
	assert_int_equal(notifier_running(n), NOTIFY_RUNNING_MAX);
	notifier_pump(n, 6000, 5);	/* killed, with their sleeps */
	reap(n, NOTIFY_RUNNING_MAX);
	notifier_pump(n, 6000, 5);
	assert_int_equal(notifier_running(n), 2);
	assert_int_equal(notifier_queued(n), 0);
	notifier_pump(n, 11000, 5);
	reap(n, 2);
	assert_int_equal(notifier_running(n), 0);
	notifier_free(n);
}

static void queue_bound_and_bad_program(void **state)
{
	(void)state;
	struct notifier *n = notifier_new();
	const char *vars[] = { "HERD_EVENT=END" };
	for (int i = 0; i < NOTIFY_QUEUE_MAX; i++)
		assert_int_equal(notifier_add(n, "/nonexistent/notify", vars, 1, "job END"), 0);
	assert_int_equal(notifier_add(n, "/nonexistent/notify", vars, 1, "job END"), -1);
	assert_int_equal(notifier_queued(n), NOTIFY_QUEUE_MAX);
	notifier_pump(n, 0, 30);	/* exec fails: exit 127, reaped, logged */
	reap(n, NOTIFY_RUNNING_MAX);
	assert_int_equal(notifier_reaped(n, 1, 0), 0);	/* not ours */
	notifier_free(n);	/* frees what still waits */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(told),
		cmocka_unit_test(bounded_and_killed),
		cmocka_unit_test(queue_bound_and_bad_program),
	};
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(script, sizeof script, "%s/notify.sh", dir);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}

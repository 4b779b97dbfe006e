/*
 * Unit tests for topframe.c: herd top's frame drawn from hand-made
 * nodes/queue/history frames at 80x24 and 160 columns, with hostile names
 * (long, CJK, control bytes, escape sequences): every line fits, no raw
 * control byte reaches the terminal, a running job shows on its GPU and a
 * pending one with its reason and expected start, foreign processes show,
 * and a small terminal shows some of every section with "… N more".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "svc_health.h"
#include "topframe.h"

#define CJK "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"	/* 日本語: 6 columns */
#define ELLIPSIS "\xe2\x80\xa6"
#define NOW 1700000000

static void node(struct top_data *d, const char *name, const char *state, int ngpu, int64_t job,
    const char *user)
{
	struct msg m;
	char g[256];
	msg_init(&m, "node");
	msg_adds(&m, "name", name);
	msg_adds(&m, "state", state);
	for (int i = 0; i < ngpu; i++) {
		/* index uuid name total used util job temp user outside outside_mb */
		snprintf(g, sizeof g, "%d\tGPU-%d\tNVIDIA A100-SXM4-40GB\t40960\t%d\t%d\t%lld\t40\t%s\t0\t0",
		    i, i, i == 0 ? 20480 : 0, i == 0 ? 87 : 0, i == 0 ? (long long)job : 0LL,
		    i == 0 ? user : "");
		msg_adds(&m, "gpu", g);
	}
	top_list_add(&d->nodes, &m);
	msg_clear(&m);
}

static void job(struct top_list *l, int64_t id, const char *name, const char *user, const char *state,
    const char *reason, int64_t planned)
{
	struct msg m;
	msg_init(&m, "job");
	msg_addi(&m, "id", id);
	msg_adds(&m, "name", name);
	msg_adds(&m, "user", user);
	msg_adds(&m, "state", state);
	msg_addi(&m, "ngpus", 1);
	if (strcmp(state, "RUNNING") == 0) {
		msg_adds(&m, "node", "node1");
		msg_addi(&m, "start_time", NOW - 125);
	}
	if (reason != NULL)
		msg_adds(&m, "reason", reason);
	if (planned > 0) {
		msg_addi(&m, "planned_start", planned);
		msg_adds(&m, "planned_node", "node1");
	}
	if (strcmp(state, "COMPLETED") == 0 || strcmp(state, "FAILED") == 0) {
		msg_addi(&m, "end_time", NOW - 60);
		msg_addi(&m, "exit_code", strcmp(state, "FAILED") == 0 ? 256 : 0);
		msg_adds(&m, "node", "node2");
	}
	top_list_add(l, &m);
	msg_clear(&m);
}

static char *draw(const struct top_data *d, size_t cols, size_t rows)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	top_frame(f, d, cols, rows);
	fclose(f);
	return out;
}

/* Every line fits cols, is valid UTF-8 without a control byte; the count. */
static size_t check_lines(const char *out, size_t cols)
{
	size_t n = 0;
	for (const char *l = out; *l; n++) {
		const char *e = strchr(l, '\n');
		assert_non_null(e);
		char *line = strndup(l, (size_t)(e - l));
		if (cols > 0 && text_width(line) > cols)
			fail_msg("line wider than %zu: \"%s\" (%zu)", cols, line, text_width(line));
		for (const char *p = line; *p;) {
			size_t k = utf8_seq_len((const unsigned char *)p);
			if (k == 0)
				fail_msg("bad UTF-8 in \"%s\"", line);
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				fail_msg("control byte 0x%02x in \"%s\"", (unsigned char)*p, line);
			p += k;
		}
		free(line);
		l = e + 1;
	}
	return n;
}

static void hostile(struct top_data *d)
{
	d->now = NOW;
	node(d, "node1", "MIXED", 2, 41, "alice");
	node(d, "node-" CJK "-\x1b[2Jevil-and-a-very-long-name-that-goes-on-and-on-and-on", "IDLE", 1,
	    0, "");
	node(d, "cpuonly", "IDLE", 0, 0, "");
	job(&d->jobs, 41, "train " CJK " \x1b]0;pwned\x07 and a name long enough to need a cut "
	    "somewhere", "alice", "RUNNING", NULL, 0);
	job(&d->jobs, 42, "waits\nfor\rgpus", "bob\x1b[31m", "PENDING", "Resources", NOW + 3600);
	job(&d->jobs, 43, "later", "carol", "PENDING", "Priority", 0);
	job(&d->ends, 40, "done", "alice", "COMPLETED", NULL, 0);
	job(&d->ends, 39, CJK CJK CJK CJK CJK, "dave", "FAILED", "NonZeroExitCode", 0);
}

static void at_80_and_160(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	hostile(&d);
	size_t widths[] = { 80, 160 };
	for (size_t i = 0; i < 2; i++) {
		char *out = draw(&d, widths[i], 0);
		check_lines(out, widths[i]);
		assert_non_null(strstr(out, "job 41 (alice)"));	/* the running job on its GPU */
		assert_non_null(strstr(out, "Resources"));	/* the pending job's reason */
		assert_non_null(strstr(out, "Priority"));
		assert_non_null(strstr(out, "[####----]"));	/* 20 of 40 GiB */
		assert_non_null(strstr(out, "87%"));
		assert_non_null(strstr(out, "cpuonly"));
		assert_non_null(strstr(out, "NonZeroExitCode"));
		assert_non_null(strstr(out, "00:02:05"));	/* running 125 s */
		assert_non_null(strstr(out, "jobs 1 running, 2 pending"));
		assert_null(strstr(out, "\x1b"));
		if (widths[i] == 160) {
			assert_non_null(strstr(out, CJK));
			assert_non_null(strstr(out, "node-" CJK));
		}
		free(out);
	}
	top_data_clear(&d);
}

static void foreign_process(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct msg m;
	d.now = NOW;
	msg_init(&m, "node");
	msg_adds(&m, "name", "node3");
	msg_adds(&m, "state", "IDLE");
	msg_adds(&m, "gpu", "0\tGPU-0\tH100\t81920\t4096\t50\t0\t40\t\t1\t4096");
	msg_adds(&m, "gpu_proc", "0\t4242\tmallory\t1001\t4096\t1699990000\t0\tpython3\x1b[2J");
	top_list_add(&d.nodes, &m);
	msg_clear(&m);
	char *out = draw(&d, 80, 24);
	check_lines(out, 80);
	assert_non_null(strstr(out, "outside: mallory pid 42"));	/* USE narrowed at 80 */
	out = (free(out), draw(&d, 160, 24));
	assert_non_null(strstr(out, "4096M python3\\033[2J"));	/* escaped, whole */
	assert_non_null(strstr(out, "(queue empty)"));
	assert_non_null(strstr(out, "(no recent ends)"));
	free(out);
	top_data_clear(&d);
}

/* 80x24 with 20 nodes and 100 jobs: 24 lines, each section present. */
static void cut_to_24_rows(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	char name[32];
	d.now = NOW;
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "node%d", i);
		node(&d, name, "MIXED", 4, 100 + i, "alice");
	}
	for (int i = 0; i < 100; i++)
		job(&d.jobs, 200 + i, "sweep", "bob", "PENDING", "Resources", NOW + 60 * i);
	for (int i = 0; i < 30; i++)
		job(&d.ends, 100 - i, "old", "carol", "COMPLETED", NULL, 0);
	char *out = draw(&d, 80, 24);
	assert_int_equal(check_lines(out, 80), 24);
	assert_non_null(strstr(out, "NODE"));
	assert_non_null(strstr(out, "JOBID"));
	assert_non_null(strstr(out, "ENDED"));
	assert_non_null(strstr(out, ELLIPSIS " 75 more"));	/* 80 GPU rows, 5 shown */
	free(out);
	/* No bound: everything. */
	out = draw(&d, 0, 0);
	assert_int_equal(check_lines(out, 0), 1 + 3 * 2 + 80 + 100 + 30);
	free(out);
	/* A tiny one still has a line per section. */
	out = draw(&d, 80, 3);
	assert_non_null(strstr(out, "JOBID"));
	free(out);
	top_data_clear(&d);
}

/* The queue's KIND column: a service (its frame names it) apart from a
 * batch job, at 80 columns too; a running one's health and restarts in
 * its REASON. */
static void service_kind(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct msg m;
	d.now = NOW;
	job(&d.jobs, 7, "train", "bob", "RUNNING", NULL, 0);
	msg_init(&m, "job");
	msg_addi(&m, "id", 8);
	msg_adds(&m, "name", "vllm");
	msg_adds(&m, "user", "alice");
	msg_adds(&m, "state", "PENDING");
	msg_adds(&m, "service", "vllm");
	msg_adds(&m, "reason", "AccountServiceGPULimit");
	top_list_add(&d.jobs, &m);
	msg_clear(&m);
	msg_init(&m, "job");	/* a running one: its health and restarts */
	msg_addi(&m, "id", 9);
	msg_adds(&m, "name", "nb");
	msg_adds(&m, "user", "alice");
	msg_adds(&m, "state", "RUNNING");
	msg_adds(&m, "service", "nb");
	msg_addi(&m, "health", SVC_HEALTH_HEALTHY);
	msg_addi(&m, "restarts", 2);
	top_list_add(&d.jobs, &m);
	msg_clear(&m);
	char *out = draw(&d, 120, 24);
	const char *l9 = strstr(out, " nb ");
	assert_non_null(l9);
	assert_true(strstr(l9, "healthy, restarts 2") != NULL &&
	    strstr(l9, "healthy, restarts 2") < strchr(l9, '\n'));
	free(out);
	out = draw(&d, 80, 24);
	check_lines(out, 80);
	assert_non_null(strstr(out, " KIND "));
	const char *l7 = strstr(out, "train"), *l8 = strstr(out, "vllm");
	assert_non_null(l7);
	assert_non_null(l8);
	assert_true(strstr(l7, "batch") != NULL && strstr(l7, "batch") < strchr(l7, '\n'));
	assert_true(strstr(l8, "service") != NULL && strstr(l8, "service") < strchr(l8, '\n'));
	free(out);
	top_data_clear(&d);
}

static void bars(void **state)
{
	(void)state;
	char b[32];
	top_bar(b, sizeof b, 0, 100, 8);
	assert_string_equal(b, "[--------]");
	top_bar(b, sizeof b, 1, 100, 8);
	assert_string_equal(b, "[#-------]");	/* any use shows */
	top_bar(b, sizeof b, 100, 100, 8);
	assert_string_equal(b, "[########]");
	top_bar(b, sizeof b, 500, 100, 8);	/* more than total: full, not past it */
	assert_string_equal(b, "[########]");
	top_bar(b, sizeof b, -1, 100, 8);
	assert_string_equal(b, "[????????]");
	top_bar(b, sizeof b, 5, 0, 8);
	assert_string_equal(b, "[????????]");
	top_bar(b, sizeof b, INT64_MAX / 4, INT64_MAX / 2, 8);	/* no overflow trap */
	top_bar(b, sizeof b, 1, 2, 1000);	/* a silly width: the default */
	assert_string_equal(b, "[####----]");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(at_80_and_160),
		cmocka_unit_test(foreign_process),
		cmocka_unit_test(cut_to_24_rows),
		cmocka_unit_test(service_kind),
		cmocka_unit_test(bars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

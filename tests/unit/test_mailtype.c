/*
 * Unit tests for mailtype.c: --mail-type as sbatch reads it, the canonical
 * text herdd stores, hostile values of both options, and which events a
 * job's step and its clock raise for a mask.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "job.h"
#include "lifecycle.h"
#include "mailtype.h"
#include "util.h"

static void good(void **state)
{
	(void)state;
	static const struct { const char *in, *canon; unsigned mask; } t[] = {
		{ "BEGIN", "BEGIN", MAIL_BEGIN },
		{ "end,fail", "END,FAIL", MAIL_END | MAIL_FAIL },
		{ "FAIL,END,FAIL", "END,FAIL", MAIL_END | MAIL_FAIL },
		{ "ALL", "ALL", MAIL_ALL },
		{ "All,Time_Limit_90", "ALL,TIME_LIMIT_90", MAIL_ALL | MAIL_TIME_LIMIT_90 },
		{ "BEGIN,END,FAIL,REQUEUE,INVALID_DEPEND", "ALL", MAIL_ALL },
		{ "TIME_LIMIT_80,TIME_LIMIT_50,TIME_LIMIT", "TIME_LIMIT,TIME_LIMIT_50,TIME_LIMIT_80",
		    MAIL_TIME_LIMIT | MAIL_TIME_LIMIT_50 | MAIL_TIME_LIMIT_80 },
		{ "END,ARRAY_TASKS", "END,ARRAY_TASKS", MAIL_END | MAIL_ARRAY_TASKS },
		{ "NONE", "", 0 },
		{ "none,NONE", "", 0 },
	};
	char why[HERD_ERRLEN], canon[MAILTYPE_TEXT_MAX];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		unsigned m = 99;
		assert_int_equal(mailtype_parse(t[i].in, &m, why, sizeof why), 0);
		assert_int_equal(m, t[i].mask);
		mailtype_format(m, canon, sizeof canon);
		assert_string_equal(canon, t[i].canon);
		if (m != 0) {	/* the canonical text reads back the same */
			unsigned back;
			assert_int_equal(mailtype_parse(canon, &back, why, sizeof why), 0);
			assert_int_equal(back, m);
		}
	}
	/* Every bit at once fits the canonical buffer. */
	mailtype_format(~0u, canon, sizeof canon);
	assert_string_equal(canon, "ALL,TIME_LIMIT,TIME_LIMIT_50,TIME_LIMIT_80,TIME_LIMIT_90,"
	    "ARRAY_TASKS");
}

static void hostile(void **state)
{
	(void)state;
	static const struct { const char *in, *why; } t[] = {
		{ "", "an empty type" },
		{ ",", "an empty type" },
		{ "BEGIN,", "an empty type" },
		{ ",END", "an empty type" },
		{ "BEGIN,,END", "an empty type" },
		{ "BEGIN END", "unknown type \"BEGIN END\"" },
		{ "BEGINX", "unknown type" },
		{ "BEG", "unknown type" },
		{ " BEGIN", "unknown type" },
		{ "NONE,END", "NONE with other types" },
		{ "ARRAY_TASKS", "names no event" },
		{ "STAGE_OUT", "herd stages no data out" },
		{ "END\n", "unknown type \"END?\"" },
		{ "\x1b[31mEND", "unknown type \"?[31mEND\"" },
		{ "\xff\xfe", "unknown type \"??\"" },
	};
	char why[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		unsigned m = 7;
		assert_int_equal(mailtype_parse(t[i].in, &m, why, sizeof why), -1);
		assert_int_equal(m, 7);	/* left as it was */
		if (strstr(why, t[i].why) == NULL)
			fail_msg("\"%s\": %s", t[i].in, why);
	}
	/* Too long, and a long unknown item quoted cut. */
	char big[MAILTYPE_INPUT_MAX + 2];
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	unsigned m;
	assert_int_equal(mailtype_parse(big, &m, why, sizeof why), -1);
	assert_non_null(strstr(why, "longer than"));
	big[MAILTYPE_INPUT_MAX] = '\0';
	assert_int_equal(mailtype_parse(big, &m, why, sizeof why), -1);
	assert_true(strlen(why) < 300);
	/* A tiny message buffer is never overrun. */
	char small[8];
	assert_int_equal(mailtype_parse("NOPE", &m, small, sizeof small), -1);
	assert_int_equal(strlen(small), 7);
}

static void users(void **state)
{
	(void)state;
	char why[HERD_ERRLEN];
	static const char *ok[] = { "alice", "a.b+tag@lab.example.org", "x_y%z@h", "u-1" };
	static const char *bad[] = { "", "-oProxyCommand=x", "a b", "a;rm", "a\nb", "$(id)",
	    "`id`", "a,b", "é@x", "a\"b", "a'b", "a|b" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_int_equal(mailuser_check(ok[i], why, sizeof why), 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(mailuser_check(bad[i], why, sizeof why), -1);
	char big[MAILUSER_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(mailuser_check(big, why, sizeof why), -1);
	big[MAILUSER_MAX] = '\0';
	assert_int_equal(mailuser_check(big, why, sizeof why), 0);
}

static void events(void **state)
{
	(void)state;
	unsigned all = MAIL_EVENTS;
	/* Started: BEGIN only. */
	assert_int_equal(mailtype_events(all, EV_START, JOB_LAUNCHING, JOB_RUNNING, ACT_COMMIT, 0),
	    MAIL_BEGIN);
	/* A second start word changes nothing. */
	assert_int_equal(mailtype_events(all, EV_START, JOB_RUNNING, JOB_RUNNING, 0, 0), 0);
	/* Placed: nothing. */
	assert_int_equal(mailtype_events(all, EV_PLACE, JOB_PENDING, JOB_LAUNCHING,
	    ACT_COMMIT | ACT_LAUNCH | ACT_TAKE, 0), 0);
	/* Over: END, and FAIL for a failure. */
	assert_int_equal(mailtype_events(all, EV_EXIT, JOB_RUNNING, JOB_COMPLETED,
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY, 0), MAIL_END);
	assert_int_equal(mailtype_events(all, EV_EXIT, JOB_RUNNING, JOB_FAILED,
	    ACT_COMMIT | ACT_RELEASE | ACT_NOTIFY, 0), MAIL_END | MAIL_FAIL);
	assert_int_equal(mailtype_events(all, EV_GONE, JOB_NODE_FAIL, JOB_NODE_FAIL,
	    ACT_RELEASE | ACT_NOTIFY, 0), MAIL_END | MAIL_FAIL);
	assert_int_equal(mailtype_events(all, EV_CANCEL, JOB_PENDING, JOB_CANCELLED,
	    ACT_COMMIT | ACT_NOTIFY, 0), MAIL_END);
	/* Timed out: TIME_LIMIT at the kill, END and FAIL when it is over. */
	assert_int_equal(mailtype_events(all, EV_TIMEOUT, JOB_RUNNING, JOB_TIMEOUT,
	    ACT_COMMIT | ACT_KILL, 0), MAIL_TIME_LIMIT);
	assert_int_equal(mailtype_events(all, EV_GONE, JOB_TIMEOUT, JOB_TIMEOUT,
	    ACT_RELEASE | ACT_NOTIFY, 0), MAIL_END | MAIL_FAIL);
	/* Requeued, never started again, dependency never met. */
	assert_int_equal(mailtype_events(all, EV_GONE, JOB_REQUEUED, JOB_PENDING,
	    ACT_COMMIT | ACT_RELEASE | ACT_REQUEUE, 0), MAIL_REQUEUE);
	assert_int_equal(mailtype_events(all, EV_NEVER, JOB_PENDING, JOB_CANCELLED,
	    ACT_COMMIT | ACT_NOTIFY, 0), MAIL_END | MAIL_INVALID_DEPEND);
	/* The mask decides. */
	assert_int_equal(mailtype_events(MAIL_FAIL, EV_EXIT, JOB_RUNNING, JOB_COMPLETED,
	    ACT_NOTIFY, 0), 0);
	assert_int_equal(mailtype_events(MAIL_FAIL, EV_EXIT, JOB_RUNNING, JOB_FAILED,
	    ACT_NOTIFY, 0), MAIL_FAIL);
	assert_int_equal(mailtype_events(0, EV_EXIT, JOB_RUNNING, JOB_FAILED, ACT_NOTIFY, 0), 0);
	/* An array's task only with ARRAY_TASKS. */
	assert_int_equal(mailtype_events(MAIL_ALL, EV_START, JOB_LAUNCHING, JOB_RUNNING, 0, 1), 0);
	assert_int_equal(mailtype_events(MAIL_ALL | MAIL_ARRAY_TASKS, EV_START, JOB_LAUNCHING,
	    JOB_RUNNING, 0, 1), MAIL_BEGIN);
}

static void clock_marks(void **state)
{
	(void)state;
	unsigned m = MAIL_TIME_ANY;
	/* Started at 1000 with 100 s: marks at 1050, 1080, 1090. */
	assert_int_equal(mailtype_time_events(m, 1000, 100, 1000, 1049), 0);
	assert_int_equal(mailtype_time_events(m, 1000, 100, 1049, 1050), MAIL_TIME_LIMIT_50);
	assert_int_equal(mailtype_time_events(m, 1000, 100, 1050, 1051), 0);	/* once */
	assert_int_equal(mailtype_time_events(m, 1000, 100, 1079, 1080), MAIL_TIME_LIMIT_80);
	assert_int_equal(mailtype_time_events(m, 1000, 100, 1070, 1095),
	    MAIL_TIME_LIMIT_80 | MAIL_TIME_LIMIT_90);	/* a late tick tells both */
	assert_int_equal(mailtype_time_events(MAIL_TIME_LIMIT_90, 1000, 100, 1000, 1100),
	    MAIL_TIME_LIMIT_90);
	/* Rounded up: 80% of 7 s is 5.6, told at 6. */
	assert_int_equal(mailtype_time_events(MAIL_TIME_LIMIT_80, 0 + 1, 7, 1, 6), 0);
	assert_int_equal(mailtype_time_events(MAIL_TIME_LIMIT_80, 1, 7, 6, 7), MAIL_TIME_LIMIT_80);
	/* No limit, no start, or a restart after the mark (prev past it): none. */
	assert_int_equal(mailtype_time_events(m, 1000, 0, 1000, 5000), 0);
	assert_int_equal(mailtype_time_events(m, 0, 100, 0, 5000), 0);
	assert_int_equal(mailtype_time_events(m, 1000, 100, 1085, 1086), 0);
	/* Bounds: a year's limit does not overflow. */
	assert_int_equal(mailtype_time_events(m, 1, 365LL * 86400, 1, 365LL * 86400 * 9 / 10 + 1),
	    MAIL_TIME_LIMIT_50 | MAIL_TIME_LIMIT_80 | MAIL_TIME_LIMIT_90);
	assert_int_equal(mailtype_name(MAIL_TIME_LIMIT_80) != NULL, 1);
	assert_string_equal(mailtype_name(MAIL_TIME_LIMIT_80), "TIME_LIMIT_80");
	assert_null(mailtype_name(MAIL_ALL));
}

/* The next mark a job's deadline waits for: the first of the mask's after `after`. */
static void next_mark(void **state)
{
	(void)state;
	unsigned m = MAIL_TIME_ANY;
	assert_int_equal(mailtype_next_mark(m, 1000, 100, 1000), 1050);
	assert_int_equal(mailtype_next_mark(m, 1000, 100, 1049), 1050);
	assert_int_equal(mailtype_next_mark(m, 1000, 100, 1050), 1080);	/* strictly after */
	assert_int_equal(mailtype_next_mark(MAIL_TIME_LIMIT_90, 1000, 100, 0), 1090);
	assert_int_equal(mailtype_next_mark(m, 1000, 100, 1090), 0);	/* all passed */
	assert_int_equal(mailtype_next_mark(MAIL_TIME_LIMIT_80, 1, 7, 1), 7);	/* 1 + 5.6 rounded up */
	/* No limit, no start, no time mark in the mask: none. */
	assert_int_equal(mailtype_next_mark(m, 1000, 0, 0), 0);
	assert_int_equal(mailtype_next_mark(m, 1000, -5, 0), 0);
	assert_int_equal(mailtype_next_mark(m, 0, 100, 0), 0);
	assert_int_equal(mailtype_next_mark(MAIL_ALL | MAIL_END, 1000, 100, 0), 0);
	/* Hostile bounds: after far in the past or future, a year's limit. */
	assert_int_equal(mailtype_next_mark(m, 1000, 100, -9000000000000LL), 1050);
	assert_int_equal(mailtype_next_mark(m, 1000, 100, 9000000000000LL), 0);
	assert_int_equal(mailtype_next_mark(MAIL_TIME_LIMIT_90, 1, 365LL * 86400, 1),
	    1 + (365LL * 86400 * 90 + 99) / 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(hostile),
		cmocka_unit_test(users),
		cmocka_unit_test(events),
		cmocka_unit_test(clock_marks),
		cmocka_unit_test(next_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

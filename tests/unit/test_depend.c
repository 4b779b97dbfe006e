/* Unit tests for --dependency parsing, printing and evaluation (depend.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "depend.h"
#include "util.h"

/* Parse and print without states; fail on error. */
static const char *reprint(const char *s)
{
	static char out[4096];
	struct depend d;
	struct buf b;
	char err[HERD_ERRLEN];

	if (depend_parse(&d, s, err, sizeof err) != 0)
		fail_msg("%s: %s", s, err);
	buf_init(&b, 1 << 20);
	assert_int_equal(depend_format(&d, NULL, &b), 0);
	strlcpy_h(out, b.data != NULL ? b.data : "", sizeof out);
	buf_clear(&b);
	depend_clear(&d);
	return out;
}

static void parse_and_print(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } t[] = {
		{ "afterok:12", "afterok:12" },
		{ "afterok:12:13", "afterok:12,afterok:13" },
		{ "afterany:1,afternotok:2", "afterany:1,afternotok:2" },
		{ "afterok:1?afternotok:2", "afterok:1?afternotok:2" },
		{ "after:5", "after:5" }, { "after:5+10", "after:5+10" },
		{ "after:5+0", "after:5" }, { "after:5_3+2", "after:5_3+2" },
		{ "afterok:123_7", "afterok:123_7" },
		{ "aftercorr:9", "aftercorr:9" }, { "singleton", "singleton" },
		{ "afterok:1,singleton", "afterok:1,singleton" },
		{ "AFTEROK:1", "afterok:1" }, { "Singleton", "singleton" },
		{ "afterok:007", "afterok:7" },
		{ "afterok:9223372036854775807",
		  "afterok:9223372036854775807" },
		{ "afterok:1:2?after:3", "afterok:1?afterok:2?after:3" },
		{ "afterok:5_4000000", "afterok:5_4000000" },
		/* A job named twice is stored once, as Slurm shows it. */
		{ "afterany:12:12", "afterany:12" },
		{ "afterany:12,afterany:12", "afterany:12" },
		{ "afterany:12?afterany:12", "afterany:12" },
		{ "afterany:12:13:12:13", "afterany:12,afterany:13" },
		{ "afterok:012:12", "afterok:12" },
		{ "AFTEROK:12,afterok:12", "afterok:12" },
		{ "singleton,singleton", "singleton" },
		{ "afterok:1,singleton,afterok:1,singleton",
		  "afterok:1,singleton" },
		/* ... but not a different test of it. */
		{ "afterok:12,afterany:12", "afterok:12,afterany:12" },
		{ "afterok:12:12_3:12_3:12", "afterok:12,afterok:12_3" },
		{ "after:12+1:12+2:12+1", "after:12+1,after:12+2" },
		{ "after:12:12+0", "after:12" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *got = reprint(t[i].in);
		if (strcmp(got, t[i].out) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", t[i].in, got,
			    t[i].out);
		assert_string_equal(reprint(got), got);
	}
}

static void structure(void **state)
{
	(void)state;
	struct depend d;
	char err[HERD_ERRLEN];

	assert_int_equal(depend_parse(&d, "afterok:12:13_4?after:7+15", err,
	    sizeof err), 0);
	assert_int_equal(d.n, 3);
	assert_true(d.any);
	assert_int_equal(d.items[0].type, DEP_AFTEROK);
	assert_int_equal(d.items[0].job, 12);
	assert_int_equal(d.items[0].task, -1);
	assert_int_equal(d.items[1].job, 13);
	assert_int_equal(d.items[1].task, 4);
	assert_int_equal(d.items[2].type, DEP_AFTER);
	assert_int_equal(d.items[2].minutes, 15);
	depend_clear(&d);
	assert_null(d.items);
	depend_clear(&d);	/* twice is harmless */
	assert_string_equal(depend_type_name(DEP_AFTERCORR), "aftercorr");
	assert_string_equal(depend_type_name((enum dep_type)99), "?");
}

static void refused(void **state)
{
	(void)state;
	static const struct { const char *in, *why; } t[] = {
		{ "afterok:x", "\"x\" is not a job id (123 or 123_7)" },
		{ "afterok:", "afterok: empty job id" },
		{ "afterok:12:", "afterok: empty job id" },
		{ "afterok::12", "afterok: empty job id" },
		{ "bogus:1", "unknown dependency type \"bogus\"" },
		{ "afterok:0", "job ids start at 1" },
		{ "afterok:-1", "\"-1\" is not a job id" },
		{ "afterok:1,afterany:2?afterok:3", "not both" },
		{ "afterok:1?afterok:2,afterok:3", "not both" },
		{ "afterok:1, afterok:2", "whitespace at byte 11" },
		{ " afterok:1", "whitespace at byte 1" },
		{ "afterok:1\n", "whitespace" }, { "afterok:1\t", "whitespace" },
		{ "", "empty" }, { ",", "empty dependency between separators" },
		{ "afterok:1,", "empty dependency between separators" },
		{ "?afterok:1", "empty dependency between separators" },
		{ "afterok:1,,afterok:2", "empty dependency" },
		{ "afterok", "afterok needs a job id (afterok:123)" },
		{ "singleton:1", "singleton takes no job id" },
		{ "afterok:1+5", "only after takes +MINUTES" },
		{ "after:1+", "is not a job id" }, { "after:1+x", "is not a job id" },
		{ "after:1+525601", "more than 525600 minutes" },
		{ "after:1+-5", "is not a job id" },
		{ "afterok:12x", "is not a job id" },
		{ "afterok:12_", "is not a job id" },
		{ "afterok:12_x", "is not a job id" },
		{ "afterok:12_[1-5]", "not a task list" },
		{ "afterok:12_4000001", "number too large" },
		{ "afterok:9223372036854775808", "number too large" },
		{ "afterok:99999999999999999999999999", "number too large" },
		{ "aftercorr:12_3", "aftercorr names a whole array job" },
		{ "afterburstbuffer:1", "no burst buffers" },
		{ "after", "after needs a job id" }, { ":1", "unknown" },
		{ "afterok;1", "unknown dependency type" },
		{ "afterok:1\x1b[31m", "is not a job id" },
		{ "expand:1", "unknown dependency type" },
		{ "afterok:1:2:3:x", "\"x\"" },
		{ "afterok:12_3_4", "is not a job id" },
		{ "afterok:+5", "is not a job id" },
	};
	char err[HERD_ERRLEN];
	struct depend d;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		d.n = 7;
		if (depend_parse(&d, t[i].in, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted", t[i].in);
		assert_int_equal(d.n, 0);
		assert_null(d.items);
		if (strstr(err, t[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", t[i].in, err,
			    t[i].why);
		assert_true(strncmp(err, "invalid --dependency \"", 22) == 0);
		assert_null(strchr(err, '\x1b'));
		assert_null(strchr(err, '\n'));
	}
	depend_parse(&d, "afterok:x", err, sizeof err);
	assert_string_equal(err, "invalid --dependency \"afterok:x\": \"x\" is "
	    "not a job id (123 or 123_7)");
}

static void item_bound(void **state)
{
	(void)state;
	struct buf b;
	struct depend d;
	char err[HERD_ERRLEN];

	buf_init(&b, DEPEND_TEXT_MAX + 16);
	buf_addstr(&b, "afterok");
	for (int i = 1; i <= DEPEND_MAX_ITEMS; i++)
		buf_printf(&b, ":%d", i);
	assert_int_equal(depend_parse(&d, b.data, err, sizeof err), 0);
	assert_int_equal(d.n, DEPEND_MAX_ITEMS);
	depend_clear(&d);
	buf_addstr(&b, ",singleton");
	assert_int_equal(depend_parse(&d, b.data, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than 1024 jobs"));
	buf_reset(&b);
	for (int i = 1; i <= 1000; i++)
		buf_printf(&b, "%safterany:%d", i > 1 ? "?" : "", i);
	assert_int_equal(depend_parse(&d, b.data, err, sizeof err), 0);
	assert_int_equal(d.n, 1000);
	depend_clear(&d);

	/* Repeats do not count toward the bound, and cost a bounded scan:
	 * every id allowed, then the text's worth of repeats of the last. */
	buf_reset(&b);
	buf_addstr(&b, "afterok");
	for (int i = 1; i <= DEPEND_MAX_ITEMS; i++)
		buf_printf(&b, ":%d", i);
	while (b.len + 6 < DEPEND_TEXT_MAX)
		buf_printf(&b, ":%d", DEPEND_MAX_ITEMS);
	assert_int_equal(depend_parse(&d, b.data, err, sizeof err), 0);
	assert_int_equal(d.n, DEPEND_MAX_ITEMS);
	depend_clear(&d);
	buf_addstr(&b, ":99999");	/* one more distinct id: too many */
	assert_int_equal(depend_parse(&d, b.data, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than 1024 jobs"));
	buf_reset(&b);
	buf_addstr(&b, "afterok");
	while (b.len + 3 < DEPEND_TEXT_MAX)
		buf_addstr(&b, ":7");
	assert_int_equal(depend_parse(&d, b.data, err, sizeof err), 0);
	assert_int_equal(d.n, 1);
	depend_clear(&d);
	buf_clear(&b);

	char *big = malloc(DEPEND_TEXT_MAX + 2);
	memset(big, '1', DEPEND_TEXT_MAX + 1);
	memcpy(big, "afterok:", 8);
	big[DEPEND_TEXT_MAX + 1] = '\0';
	assert_int_equal(depend_parse(&d, big, err, sizeof err), -1);
	assert_non_null(strstr(err, "longer than"));
	free(big);
}

/* Shorthands for the states of one plain job. */
static const struct dep_status S_PEND = { 1, 1, 0, 0, 0, 0 };
static const struct dep_status S_RUN = { 1, 0, 1, 0, 0, 1000 };
static const struct dep_status S_OK = { 1, 0, 0, 1, 0, 1000 };
static const struct dep_status S_FAIL = { 1, 0, 0, 0, 1, 1000 };
static const struct dep_status S_GONE = { 0, 0, 0, 0, 0, 0 };

static enum dep_verdict one(enum dep_type t, struct dep_status st)
{
	struct dep_item it = { .type = t, .job = 1, .task = -1 };
	return depend_item_eval(&it, &st, 5000, NULL);
}

static void item_rules(void **state)
{
	(void)state;
	/* after: started or ended. */
	assert_int_equal(one(DEP_AFTER, S_PEND), DEP_WAIT);
	assert_int_equal(one(DEP_AFTER, S_RUN), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTER, S_OK), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTER, S_FAIL), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTER, S_GONE), DEP_NEVER);
	/* afterany: ended however. */
	assert_int_equal(one(DEP_AFTERANY, S_PEND), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERANY, S_RUN), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERANY, S_OK), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTERANY, S_FAIL), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTERANY, S_GONE), DEP_NEVER);
	/* afterok. */
	assert_int_equal(one(DEP_AFTEROK, S_PEND), DEP_WAIT);
	assert_int_equal(one(DEP_AFTEROK, S_RUN), DEP_WAIT);
	assert_int_equal(one(DEP_AFTEROK, S_OK), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTEROK, S_FAIL), DEP_NEVER);
	assert_int_equal(one(DEP_AFTEROK, S_GONE), DEP_NEVER);
	/* afternotok. */
	assert_int_equal(one(DEP_AFTERNOTOK, S_PEND), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERNOTOK, S_RUN), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERNOTOK, S_OK), DEP_NEVER);
	assert_int_equal(one(DEP_AFTERNOTOK, S_FAIL), DEP_SATISFIED);
	/* aftercorr: as afterok on the corresponding task. */
	assert_int_equal(one(DEP_AFTERCORR, S_RUN), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERCORR, S_OK), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTERCORR, S_FAIL), DEP_NEVER);
	/* singleton: nobody else of that name runs. */
	struct dep_status none = { 1, 0, 0, 0, 0, 0 };
	struct dep_status other = { 1, 3, 1, 0, 0, 0 };
	assert_int_equal(one(DEP_SINGLETON, none), DEP_SATISFIED);
	assert_int_equal(one(DEP_SINGLETON, other), DEP_WAIT);
	assert_int_equal(one(DEP_SINGLETON, S_GONE), DEP_SATISFIED);
	/* A type out of range never starts anything. */
	assert_int_equal(one((enum dep_type)42, S_OK), DEP_NEVER);
}

static void arrays(void **state)
{
	(void)state;
	/* 10 tasks: 3 pending, 2 running, 4 ok, 1 failed, and so on. */
	struct dep_status mixed = { 1, 3, 2, 4, 1, 0 };
	struct dep_status going = { 1, 3, 2, 5, 0, 0 };
	struct dep_status started = { 1, 0, 2, 8, 0, 0 };
	struct dep_status allok = { 1, 0, 0, 10, 0, 0 };
	struct dep_status ended_some_bad = { 1, 0, 0, 9, 1, 0 };

	assert_int_equal(one(DEP_AFTEROK, mixed), DEP_NEVER);
	assert_int_equal(one(DEP_AFTEROK, going), DEP_WAIT);
	assert_int_equal(one(DEP_AFTEROK, allok), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTERANY, started), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERANY, ended_some_bad), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTER, going), DEP_WAIT);
	assert_int_equal(one(DEP_AFTER, started), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTERNOTOK, mixed), DEP_WAIT);
	assert_int_equal(one(DEP_AFTERNOTOK, ended_some_bad), DEP_SATISFIED);
	assert_int_equal(one(DEP_AFTERNOTOK, allok), DEP_NEVER);
}

static void after_with_minutes(void **state)
{
	(void)state;
	struct dep_item it = { .type = DEP_AFTER, .job = 1, .task = -1,
	    .minutes = 10 };
	struct dep_status st = { 1, 0, 1, 0, 0, 1000 };
	int64_t wake = -1;

	assert_int_equal(depend_item_eval(&it, &st, 1000 + 599, &wake),
	    DEP_WAIT);
	assert_int_equal(wake, 1600);
	wake = -1;
	assert_int_equal(depend_item_eval(&it, &st, 1600, &wake),
	    DEP_SATISFIED);
	assert_int_equal(wake, -1);
	st.pending = 1;
	assert_int_equal(depend_item_eval(&it, &st, 99999, &wake), DEP_WAIT);
	assert_int_equal(wake, -1);	/* no time to wake at: not started */
}

static void combine(void **state)
{
	(void)state;
	struct depend d;
	char err[HERD_ERRLEN];
	enum dep_verdict v[3];
	struct dep_status st[3];
	struct buf b;
	int64_t wake;

	buf_init(&b, 4096);
	assert_int_equal(depend_parse(&d, "afterok:12,afterany:13,after:14+1",
	    err, sizeof err), 0);
	st[0] = S_RUN;
	st[1] = S_FAIL;
	st[2] = S_RUN;	/* started at 1000; +1 minute → 1060 */
	assert_int_equal(depend_eval(&d, st, 1030, v, &wake), DEP_WAIT);
	assert_int_equal(wake, 1060);
	depend_format(&d, v, &b);
	assert_string_equal(b.data, "afterok:12(unfulfilled),afterany:13("
	    "fulfilled),after:14+1(unfulfilled)");
	st[0] = S_FAIL;
	assert_int_equal(depend_eval(&d, st, 1030, v, NULL), DEP_NEVER);
	buf_reset(&b);
	depend_format(&d, v, &b);
	assert_string_equal(b.data, "afterok:12(failed),afterany:13("
	    "fulfilled),after:14+1(unfulfilled)");
	st[0] = S_OK;
	assert_int_equal(depend_eval(&d, st, 1060, NULL, &wake),
	    DEP_SATISFIED);
	assert_int_equal(wake, 0);
	/* The same items joined by '?'. */
	d.any = 1;
	st[0] = S_FAIL;
	st[1] = S_RUN;
	st[2] = S_PEND;
	assert_int_equal(depend_eval(&d, st, 0, v, NULL), DEP_WAIT);
	buf_reset(&b);
	depend_format(&d, v, &b);
	assert_string_equal(b.data, "afterok:12(failed)?afterany:13("
	    "unfulfilled)?after:14+1(unfulfilled)");
	st[1] = S_OK;
	assert_int_equal(depend_eval(&d, st, 0, NULL, NULL), DEP_SATISFIED);
	st[1] = S_GONE;
	st[2] = S_GONE;
	assert_int_equal(depend_eval(&d, st, 0, NULL, NULL), DEP_NEVER);
	depend_clear(&d);

	/* Nothing to wait for. */
	depend_init(&d);
	assert_int_equal(depend_eval(&d, NULL, 0, NULL, &wake), DEP_SATISFIED);
	buf_reset(&b);
	assert_int_equal(depend_format(&d, NULL, &b), 0);
	assert_int_equal(b.len, 0);

	/* The formatter refuses to overflow and leaves out unchanged. */
	depend_parse(&d, "singleton,afterok:1", err, sizeof err);
	v[0] = DEP_SATISFIED;
	v[1] = DEP_WAIT;
	buf_clear(&b);
	buf_init(&b, 20);
	buf_addstr(&b, "x");
	assert_int_equal(depend_format(&d, v, &b), -1);
	assert_string_equal(b.data, "x");
	buf_clear(&b);
	buf_init(&b, 64);
	assert_int_equal(depend_format(&d, v, &b), 0);
	assert_string_equal(b.data,
	    "singleton(fulfilled),afterok:1(unfulfilled)");
	buf_clear(&b);
	depend_clear(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_print),
		cmocka_unit_test(structure),
		cmocka_unit_test(refused),
		cmocka_unit_test(item_bound),
		cmocka_unit_test(item_rules),
		cmocka_unit_test(arrays),
		cmocka_unit_test(after_with_minutes),
		cmocka_unit_test(combine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

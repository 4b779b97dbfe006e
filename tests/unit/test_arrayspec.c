/* Unit tests for job array task sets and job references (arrayspec.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arrayspec.h"
#include "util.h"

/* Parse s (default size limit) and return its printed form, or fail. */
static const char *roundtrip(const char *s)
{
	static char out[4096];
	struct arrayspec a;
	struct buf b;
	char err[HERD_ERRLEN];

	if (arrayspec_parse(&a, s, ARRAYSPEC_DEFAULT_SIZE, err, sizeof err))
		fail_msg("%s: %s", s, err);
	buf_init(&b, 1 << 20);
	assert_int_equal(arrayspec_format(&a, &b), 0);
	strlcpy_h(out, b.data != NULL ? b.data : "", sizeof out);
	buf_clear(&b);
	arrayspec_clear(&a);
	return out;
}

/* Members of a by walking arrayspec_next(), as "a,b,c" (small sets only). */
static const char *walk(const struct arrayspec *a)
{
	static char out[8192];
	size_t pos = 0;
	int64_t t = -1;
	uint32_t x;

	out[0] = '\0';
	while (arrayspec_next(a, t, &x)) {
		assert_true(x > t || t < 0);
		assert_true(arrayspec_has(a, x));
		pos += (size_t)snprintf(out + pos, sizeof out - pos, "%s%u",
		    pos ? "," : "", x);
		t = x;
	}
	return out;
}

static void parse_and_print(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } t[] = {
		{ "0-99", "0-99" }, { "1,3,5-9", "1,3,5-9" },
		{ "0-999:10", "0-990:10" }, { "0-99%8", "0-99%8" },
		{ "1,3,10-20:2%4", "1,3,10-20:2%4" }, { "7", "7" },
		{ "0", "0" }, { "1000", "1000" }, { "0-1000", "0-1000" },
		{ "5-5", "5" }, { "5-5:3", "5" }, { "0-10:100", "0" },
		{ "3,2,1", "1-3" }, { "1-3,4-6", "1-6" }, { "0-10,5", "0-10" },
		{ "5,5,5", "5" }, { "0-10:2,1-11:2", "0-11" },
		{ "0,2", "0,2" }, { "0,2,4", "0-4:2" }, { "007", "7" },
		{ "0-20:5,0-20:10", "0-20:5" }, { "1-9:4", "1-9:4" },
		{ "0-1", "0-1" }, { "0-10:3,20", "0-9:3,20" },
		{ "0,1,3,5,7", "0-1,3-7:2" }, { "0-99%1", "0-99%1" },
		{ "0-9%100000", "0-9%100000" }, { "0-3:2", "0,2" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const char *got = roundtrip(t[i].in);
		if (strcmp(got, t[i].out) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", t[i].in, got,
			    t[i].out);
		/* What is printed reads back to the same text. */
		assert_string_equal(roundtrip(got), got);
	}
}

static void union_of_different_steps(void **state)
{
	(void)state;
	struct arrayspec a;
	char err[HERD_ERRLEN];

	assert_int_equal(arrayspec_parse(&a, "0-29:3,0-29:5", 1001, err,
	    sizeof err), 0);
	assert_string_equal(walk(&a), "0,3,5,6,9,10,12,15,18,20,21,24,25,27");
	assert_int_equal(arrayspec_count(&a), 14);
	arrayspec_clear(&a);
}

static void refused(void **state)
{
	(void)state;
	static const struct { const char *in, *why; } t[] = {
		{ "5-1", "range end below its start" },
		{ "0-10%0", "throttle must be at least 1" },
		{ "", "no task ids" }, { "%4", "no task ids" },
		{ "1,,3", "item 2: empty item" }, { ",1", "item 1: empty item" },
		{ "1,", "item 2: empty item" },
		{ "0-10:0", "step must be at least 1" },
		{ "1001", "past max_array_size 1001 (ids 0-1000)" },
		{ "0-1001", "task id 1001 is past" },
		{ "-1", "cannot be negative" }, { "1--3", "cannot be negative" },
		{ "x", "is not a task id" }, { "1-x", "is not a task id" },
		{ "1-5:", "is not a task id" }, { "1-", "is not a task id" },
		{ " 1", "is not a task id" }, { "1 ", "is not a task id" },
		{ "1-5 %2", "is not a task id" }, { "+1", "is not a task id" },
		{ "1.5", "is not a task id" }, { "0x10", "is not a task id" },
		{ "5:2", "a step needs a range" },
		{ "1-5:2:3", "is not a task id" }, { "1-5-7", "is not a task id" },
		{ "1-5%", "throttle after % must be a number" },
		{ "1-5%x", "throttle after % must be a number" },
		{ "1-5%2%3", "throttle after % must be a number" },
		{ "1-5%-2", "throttle after % must be a number" },
		{ "1-5%99999999999", "throttle too large" },
		{ "99999999999", "number too large" },
		{ "1-99999999999999999999", "number too large" },
		{ "1-5:99999999999", "step too large" },
		{ "[1-5]", "is not a task id" }, { "1\n2", "is not a task id" },
	};
	char err[HERD_ERRLEN];
	struct arrayspec a;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		a.n = 99;
		if (arrayspec_parse(&a, t[i].in, 1001, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted", t[i].in);
		assert_int_equal(a.n, 0);
		assert_null(a.r);
		if (strstr(err, t[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", t[i].in, err,
			    t[i].why);
		assert_true(strncmp(err, "invalid --array \"", 17) == 0);
	}
	arrayspec_parse(&a, "5-1", 1001, err, sizeof err);
	assert_string_equal(err,
	    "invalid --array \"5-1\": range end below its start");
	arrayspec_parse(&a, "0-10%0", 1001, err, sizeof err);
	assert_string_equal(err,
	    "invalid --array \"0-10%0\": throttle must be at least 1");
	arrayspec_parse(&a, "1\n2", 1001, err, sizeof err);
	assert_null(strchr(err, '\n'));	/* control bytes escaped */
}

static void size_limit_is_a_parameter(void **state)
{
	(void)state;
	struct arrayspec a;
	char err[HERD_ERRLEN];

	assert_int_equal(arrayspec_parse(&a, "0-9", 10, err, sizeof err), 0);
	arrayspec_clear(&a);
	assert_int_equal(arrayspec_parse(&a, "10", 10, err, sizeof err), -1);
	assert_int_equal(arrayspec_parse(&a, "0", 0, err, sizeof err), -1);
	assert_non_null(strstr(err, "max_array_size 0"));
	assert_int_equal(arrayspec_parse(&a, "0", ARRAYSPEC_MAX_SIZE + 1, err,
	    sizeof err), -1);
	assert_int_equal(arrayspec_parse(&a, "4000000", ARRAYSPEC_MAX_SIZE,
	    err, sizeof err), 0);
	assert_int_equal(arrayspec_count(&a), 1);
	arrayspec_clear(&a);
}

static void huge_array_is_small(void **state)
{
	(void)state;
	struct arrayspec a;
	char err[HERD_ERRLEN];
	uint32_t t;

	assert_int_equal(arrayspec_parse(&a, "0-99999%8", 100000, err,
	    sizeof err), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(arrayspec_count(&a), 100000);
	assert_int_equal(a.throttle, 8);
	/* Tasks start in order: the set stays one range. */
	for (uint32_t i = 0; i < 8; i++) {
		assert_int_equal(arrayspec_next(&a, -1, &t), 1);
		assert_int_equal(t, i);
		assert_int_equal(arrayspec_remove(&a, t), 1);
	}
	assert_int_equal(a.n, 1);
	assert_int_equal(arrayspec_count(&a), 99992);
	char s[64];
	arrayspec_format_short(&a, s, sizeof s);
	assert_string_equal(s, "8-99999%8");
	arrayspec_clear(&a);

	/* Whole-range marking: 4M ids in one item parse quickly. */
	assert_int_equal(arrayspec_parse(&a, "0-4000000", ARRAYSPEC_MAX_SIZE,
	    err, sizeof err), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(arrayspec_count(&a), 4000001);
	arrayspec_clear(&a);
	assert_int_equal(arrayspec_parse(&a, "0-3999999:2,1-3999999:2",
	    ARRAYSPEC_MAX_SIZE, err, sizeof err), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.r[0].step, 1);
	arrayspec_clear(&a);
}

static void overlap_budget(void **state)
{
	(void)state;
	struct buf b;
	struct arrayspec a;
	char err[HERD_ERRLEN];

	/* Thousands of stepped items over the whole id space: refused, not
	 * ground through for minutes. */
	buf_init(&b, ARRAYSPEC_TEXT_MAX);
	for (int i = 0; i < 2000 && b.len < ARRAYSPEC_TEXT_MAX - 40; i++)
		buf_printf(&b, "%s%d-3999999:2", i ? "," : "", i % 2);
	assert_int_equal(arrayspec_parse(&a, b.data, ARRAYSPEC_MAX_SIZE, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "too many overlapping items"));
	buf_clear(&b);

	/* Too long to read at all. */
	char *big = malloc(ARRAYSPEC_TEXT_MAX + 2);
	memset(big, '1', ARRAYSPEC_TEXT_MAX + 1);
	big[ARRAYSPEC_TEXT_MAX + 1] = '\0';
	assert_int_equal(arrayspec_parse(&a, big, 1001, err, sizeof err), -1);
	assert_non_null(strstr(err, "longer than"));
	free(big);
}

static void questions(void **state)
{
	(void)state;
	struct arrayspec a, e;
	char err[HERD_ERRLEN];
	uint32_t t;

	assert_int_equal(arrayspec_parse(&a, "1,3,10-20:2,40-42", 1001, err,
	    sizeof err), 0);
	assert_int_equal(arrayspec_count(&a), 11);
	assert_int_equal(arrayspec_min(&a, &t), 0);
	assert_int_equal(t, 1);
	assert_int_equal(arrayspec_max(&a, &t), 0);
	assert_int_equal(t, 42);
	assert_string_equal(walk(&a), "1,3,10,12,14,16,18,20,40,41,42");
	assert_false(arrayspec_has(&a, 0));
	assert_false(arrayspec_has(&a, 2));
	assert_false(arrayspec_has(&a, 11));
	assert_false(arrayspec_has(&a, 21));
	assert_false(arrayspec_has(&a, 43));
	assert_false(arrayspec_has(&a, UINT32_MAX));
	assert_int_equal(arrayspec_next(&a, 20, &t), 1);
	assert_int_equal(t, 40);
	assert_int_equal(arrayspec_next(&a, 11, &t), 1);
	assert_int_equal(t, 12);
	assert_int_equal(arrayspec_next(&a, 42, &t), 0);
	assert_int_equal(arrayspec_next(&a, INT64_MAX, &t), 0);
	assert_int_equal(arrayspec_next(&a, -100, &t), 1);
	assert_int_equal(t, 1);
	assert_int_equal(arrayspec_step(&a), 1);
	arrayspec_clear(&a);

	arrayspec_parse(&a, "0-999:10", 1001, err, sizeof err);
	assert_int_equal(arrayspec_step(&a), 10);
	assert_int_equal(arrayspec_count(&a), 100);
	assert_int_equal(arrayspec_max(&a, &t), 0);
	assert_int_equal(t, 990);
	arrayspec_clear(&a);
	arrayspec_parse(&a, "4", 1001, err, sizeof err);
	assert_int_equal(arrayspec_step(&a), 1);
	arrayspec_clear(&a);

	arrayspec_init(&e);
	assert_int_equal(arrayspec_count(&e), 0);
	assert_int_equal(arrayspec_min(&e, &t), -1);
	assert_int_equal(arrayspec_max(&e, &t), -1);
	assert_int_equal(arrayspec_next(&e, -1, &t), 0);
	assert_false(arrayspec_has(&e, 0));
	assert_int_equal(arrayspec_remove(&e, 0), 0);
	assert_int_equal(arrayspec_format_short(&e, err, sizeof err), 0);
	assert_string_equal(err, "");
}

/* Check a against a brute-force model of the same set. */
static void check_model(const struct arrayspec *a, const unsigned char *m,
    uint32_t n)
{
	uint64_t c = 0;
	uint32_t t;
	int64_t prev = -1;

	for (uint32_t i = 0; i < n; i++) {
		c += m[i];
		assert_int_equal(arrayspec_has(a, i), m[i]);
	}
	assert_int_equal(arrayspec_count(a), c);
	for (size_t i = 0; i + 1 < a->n; i++)
		assert_true(a->r[i].end < a->r[i + 1].start);
	for (size_t i = 0; i < a->n; i++) {
		assert_true(a->r[i].step >= 1);
		assert_int_equal((a->r[i].end - a->r[i].start) % a->r[i].step,
		    0);
	}
	while (arrayspec_next(a, prev, &t)) {
		for (int64_t i = prev + 1; i < t; i++)
			assert_int_equal(m[i], 0);
		assert_int_equal(m[t], 1);
		prev = t;
	}
	for (int64_t i = prev + 1; i < n; i++)
		assert_int_equal(m[i], 0);
}

static void removal_against_model(void **state)
{
	(void)state;
	static const char *specs[] = {
		"0-199", "0-199:3", "1,3,5-9,20-80:7,100-150:2,190-199",
		"0-199:3,0-199:5", "7",
	};
	unsigned char m[200];
	char err[HERD_ERRLEN];
	unsigned seed = 12345;

	for (size_t s = 0; s < sizeof specs / sizeof specs[0]; s++) {
		struct arrayspec a, back;
		struct buf b;

		assert_int_equal(arrayspec_parse(&a, specs[s], 200, err,
		    sizeof err), 0);
		memset(m, 0, sizeof m);
		for (uint32_t i = 0; i < 200; i++)
			m[i] = (unsigned char)arrayspec_has(&a, i);
		for (int k = 0; k < 300; k++) {
			seed = seed * 1103515245 + 12345;
			uint32_t lo = (seed >> 8) % 200;
			uint32_t hi = lo + (k % 3 == 0 ? (seed >> 20) % 20 : 0);
			uint64_t want = 0, got;
			for (uint32_t i = lo; i <= hi && i < 200; i++) {
				want += m[i];
				m[i] = 0;
			}
			got = arrayspec_remove_range(&a, lo, hi);
			assert_int_equal(got, want);
			check_model(&a, m, 200);
			/* The printed form always reads back to the set. */
			buf_init(&b, 1 << 16);
			a.throttle = 3;
			assert_int_equal(arrayspec_format(&a, &b), 0);
			if (arrayspec_count(&a) > 0) {
				assert_int_equal(arrayspec_parse(&back, b.data,
				    200, err, sizeof err), 0);
				check_model(&back, m, 200);
				assert_int_equal(back.throttle, 3);
				arrayspec_clear(&back);
			}
			buf_clear(&b);
		}
		arrayspec_clear(&a);
	}
}

static void remove_shapes(void **state)
{
	(void)state;
	struct arrayspec a, sel, c;
	struct buf b;
	char err[HERD_ERRLEN];

	arrayspec_parse(&a, "0-10:2", 1001, err, sizeof err);
	assert_int_equal(arrayspec_remove(&a, 3), 0);	/* between members */
	assert_int_equal(arrayspec_remove(&a, 4), 1);
	assert_int_equal(arrayspec_remove(&a, 4), 0);
	buf_init(&b, 4096);
	arrayspec_format(&a, &b);
	assert_string_equal(b.data, "0,2,6-10:2");
	assert_int_equal(arrayspec_remove_range(&a, 0, UINT32_MAX), 5);
	assert_int_equal(a.n, 0);
	arrayspec_clear(&a);

	arrayspec_parse(&a, "0-99", 1001, err, sizeof err);
	arrayspec_parse(&sel, "1-20:3,50,90-200", ARRAYSPEC_MAX_SIZE, err,
	    sizeof err);
	arrayspec_init(&c);
	arrayspec_copy(&c, &a);
	assert_int_equal(arrayspec_remove_set(&a, &sel), 7 + 1 + 10);
	buf_reset(&b);
	arrayspec_format(&a, &b);
	assert_string_equal(b.data,
	    "0,2-3,5-6,8-9,11-12,14-15,17-18,20-49,51-89");
	/* The copy is independent. */
	assert_int_equal(arrayspec_count(&c), 100);
	arrayspec_copy(&c, &c);
	assert_int_equal(arrayspec_count(&c), 100);
	assert_int_equal(arrayspec_remove_set(&c, &c), 100);
	arrayspec_clear(&a);
	arrayspec_clear(&sel);
	arrayspec_clear(&c);
	buf_clear(&b);
}

static void format_bounds(void **state)
{
	(void)state;
	struct arrayspec a;
	struct buf b;
	char err[HERD_ERRLEN], s[64];
	size_t n;

	arrayspec_parse(&a, "1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31,33,35,"
	    "37,39,41,43,45,47,49,51,53%4", 1001, err, sizeof err);
	/* Greedy read-back makes it one stepped range; cut it apart. */
	assert_int_equal(a.n, 1);
	for (uint32_t t = 5; t < 50; t += 8)
		arrayspec_remove(&a, t);
	buf_init(&b, 8);	/* too small: refused, buffer unchanged */
	assert_int_equal(arrayspec_format(&a, &b), -1);
	assert_int_equal(b.len, 0);
	buf_clear(&b);

	for (size_t size = 1; size < 64; size++) {
		memset(s, 'Z', sizeof s);
		n = arrayspec_format_short(&a, s, size);
		assert_true(n < size);
		assert_int_equal(strlen(s), n);
		if (n > 0 && strstr(s, "...") != NULL) {
			/* Never a cut number: what precedes "..." parses. */
			char head[64];
			struct arrayspec h;
			char *dots = strstr(s, ",...");
			if (dots != NULL) {
				memcpy(head, s, (size_t)(dots - s));
				head[dots - s] = '\0';
				assert_int_equal(arrayspec_parse(&h, head, 1001,
				    err, sizeof err), 0);
				int64_t prev = -1;
				uint32_t t;
				while (arrayspec_next(&h, prev, &t)) {
					assert_true(arrayspec_has(&a, t));
					prev = t;
				}
				arrayspec_clear(&h);
			}
		}
	}
	buf_init(&b, 4096);
	arrayspec_format(&a, &b);
	assert_string_equal(b.data, "1,3,7-11:2,15-19:2,23-27:2,31-35:2,"
	    "39-43:2,47-53:2%4");
	buf_clear(&b);
	arrayspec_format_short(&a, s, 20);
	assert_string_equal(s, "1,3,7-11:2,...%4");
	arrayspec_format_short(&a, s, 4);
	assert_string_equal(s, "");
	arrayspec_format_short(&a, s, 5);
	assert_string_equal(s, "...");
	arrayspec_format_short(&a, s, sizeof s);
	assert_null(strstr(s, "..."));
	assert_int_equal(arrayspec_format_short(&a, s, 0), 0);
	arrayspec_clear(&a);
}

static void jobrefs(void **state)
{
	(void)state;
	static const struct { const char *in; enum jobref_kind k; } ok[] = {
		{ "123", JOBREF_JOB }, { "123_7", JOBREF_TASK },
		{ "123_[1-5]", JOBREF_TASKS }, { "123_[1,3,5-7]", JOBREF_TASKS },
		{ "1", JOBREF_JOB }, { "9223372036854775807", JOBREF_JOB },
		{ "5_0", JOBREF_TASK }, { "5_[7]", JOBREF_TASKS },
		{ "5_4000000", JOBREF_TASK }, { "5_[0-999:10]", JOBREF_TASKS },
	};
	static const struct { const char *in, *why; } bad[] = {
		{ "", "a job id is a number" }, { "x", "a job id is a number" },
		{ "0", "start at 1" }, { "-1", "a job id is a number" },
		{ "12x", "expected 123" }, { "123_", "expected 123" },
		{ "123_x", "expected 123" }, { "123_-1", "expected 123" },
		{ "123_7x", "expected 123" }, { "123_[", "closing ]" },
		{ "123_[1-5", "closing ]" }, { "123_[]", "no task ids" },
		{ "123_[1-5]x", "closing ]" }, { "123_[5-1]", "below its start" },
		{ "123_[1-5%2]", "throttle" }, { "123_[[1]]", "brackets" },
		{ "123_4000001", "past the largest" },
		{ "9223372036854775808", "too large" },
		{ "99999999999999999999999", "too large" },
		{ "123__7", "expected 123" }, { " 123", "a job id is a number" },
		{ "123 ", "expected 123" }, { "123_7_8", "expected 123" },
		{ "123_[1]]", "brackets" }, { "123.4", "expected 123" },
	};
	struct jobref r;
	struct buf b;
	char err[HERD_ERRLEN];

	buf_init(&b, 4096);
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (jobref_parse(&r, ok[i].in, err, sizeof err) != 0)
			fail_msg("%s: %s", ok[i].in, err);
		assert_int_equal(r.kind, ok[i].k);
		buf_reset(&b);
		assert_int_equal(jobref_format(&r, &b), 0);
		if (strcmp(ok[i].in, "5_[0-999:10]") == 0)
			assert_string_equal(b.data, "5_[0-990:10]");
		else
			assert_string_equal(b.data, ok[i].in);
		jobref_clear(&r);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r.id = 77;
		if (jobref_parse(&r, bad[i].in, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted", bad[i].in);
		assert_int_equal(r.id, 0);
		assert_int_equal(r.tasks.n, 0);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].in, err,
			    bad[i].why);
		assert_true(strncmp(err, "invalid job id \"", 16) == 0);
	}
	jobref_parse(&r, "123_[1,3,5-7]", err, sizeof err);
	assert_int_equal(r.id, 123);
	assert_int_equal(arrayspec_count(&r.tasks), 5);
	jobref_clear(&r);
	jobref_parse(&r, "123_7", err, sizeof err);
	assert_int_equal(r.task, 7);
	buf_clear(&b);
	buf_init(&b, 4);
	assert_int_equal(jobref_format(&r, &b), -1);
	assert_int_equal(b.len, 0);
	buf_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_print),
		cmocka_unit_test(union_of_different_steps),
		cmocka_unit_test(refused),
		cmocka_unit_test(size_limit_is_a_parameter),
		cmocka_unit_test(huge_array_is_small),
		cmocka_unit_test(overlap_budget),
		cmocka_unit_test(questions),
		cmocka_unit_test(removal_against_model),
		cmocka_unit_test(remove_shapes),
		cmocka_unit_test(format_bounds),
		cmocka_unit_test(jobrefs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

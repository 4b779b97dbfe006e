/*
 * test_jobkey.c — the job key type: made from numbers, read back only from
 * its exact text, hostile node text refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jobkey.h"

static void make_and_parse(void **state)
{
	(void)state;
	struct job_key k, p;
	int64_t id;
	int att;
	assert_int_equal(job_key_make(&k, "t.abc", 42, 3), 0);
	assert_string_equal(job_key_str(&k), "t.abc-42.3");
	assert_int_equal(job_key_parse(&p, "t.abc-42.3", "t.abc", &id, &att), 0);
	assert_int_equal(id, 42);
	assert_int_equal(att, 3);
	assert_string_equal(job_key_str(&p), "t.abc-42.3");
	assert_int_equal(job_key_make(&k, "herd.0123abcd", INT64_MAX, INT32_MAX), 0);
	assert_int_equal(job_key_parse(&p, job_key_str(&k), "herd.0123abcd", &id, &att), 0);
	assert_true(id == INT64_MAX && att == INT32_MAX);
}

/* A prefix that a key could not carry safely, or numbers out of range. */
static void make_refuses(void **state)
{
	(void)state;
	struct job_key k;
	const char *bad[] = { "", "a b", "a'b", "a;b", "a/b", "$(x)", "a\nb", "é", "*" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (job_key_make(&k, bad[i], 1, 0) != -1)
			fail_msg("prefix \"%s\" accepted", bad[i]);
		assert_string_equal(job_key_str(&k), "");
	}
	assert_int_equal(job_key_make(&k, NULL, 1, 0), -1);
	assert_int_equal(job_key_make(&k, "t", 0, 0), -1);
	assert_int_equal(job_key_make(&k, "t", -5, 0), -1);
	assert_int_equal(job_key_make(&k, "t", 1, -1), -1);
	char longp[JOB_KEY_MAX];
	memset(longp, 'a', sizeof longp - 1);
	longp[sizeof longp - 1] = '\0';
	assert_int_equal(job_key_make(&k, longp, 1, 0), -1);	/* would not fit */
}

/* What a node may print instead of a key: never taken for one. */
static void parse_refuses_hostile(void **state)
{
	(void)state;
	struct job_key k;
	int64_t id = 7;
	int att = 7;
	const char *bad[] = {
		"t.abd-42.3", "t.abc-42", "t.abc-0.0", "t.abc-4x.0", "t.abc-042.3",
		"t.abc-42.03", "t.abc-+42.3", "t.abc- 42.3", "t.abc-42. 3", "t.abc-42.-3",
		"t.abc-42.3 ", "t.abc-42.3\n", "t.abc-42.3;rm", "t.abc-42.3'", "t.abc-42..3",
		"t.abc-99999999999999999999.0", "t.abc-42.99999999999", "t.abc--42.3",
		"t.abc-42.", "t.abc-.3", "t.abc", "", "t.ab-42.3", "x.t.abc-42.3",
		"t.abc-42.3.4", "T.ABC-42.3",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (job_key_parse(&k, bad[i], "t.abc", &id, &att) != -1)
			fail_msg("\"%s\" taken for a key", bad[i]);
	assert_int_equal(id, 7);	/* nothing set on a refusal */
	assert_int_equal(att, 7);
	assert_int_equal(job_key_parse(&k, NULL, "t.abc", &id, &att), -1);
	assert_int_equal(job_key_parse(&k, "a b-1.0", "a b", &id, &att), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(make_and_parse),
		cmocka_unit_test(make_refuses),
		cmocka_unit_test(parse_refuses_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

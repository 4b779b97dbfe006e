/*
 * Unit tests for constraint.c (--constraint) and hostlist.c (-w, -x):
 * Slurm's forms, and hostile expressions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "constraint.h"
#include "hostlist.h"
#include "util.h"

static void t_match(void **state)
{
	(void)state;
	static const struct { const char *expr, *features; int want; } t[] = {
		{ "a100", "a100,ib", 1 },
		{ "a100", "ib a100", 1 },
		{ "a100", "a1000", 0 },
		{ "a100", "A100", 0 },		/* case matters, as in Slurm */
		{ "a100", NULL, 0 },
		{ "a100", "", 0 },
		{ "a100&ib", "a100,ib", 1 },
		{ "a100&ib", "a100", 0 },
		{ "a100|h100", "h100", 1 },
		{ "a100|h100", "l40s", 0 },
		{ "[a100|h100]", "h100", 1 },
		{ "[a100|h100]&ib", "h100", 0 },
		{ "[a100|h100]&ib", "h100,ib", 1 },
		{ "ib&(a100|h100)", "ib,a100", 1 },
		{ "a|b&c", "a", 1 },		/* & binds tighter */
		{ "a|b&c", "b", 0 },
		{ "a|b&c", "b c", 1 },
		{ "(a|b)&c", "a", 0 },
		{ "x.y:z+1-2_3", "x.y:z+1-2_3", 1 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char err[HERD_ERRLEN];
		assert_int_equal(constraint_check(t[i].expr, err, sizeof err), 0);
		if (constraint_match(t[i].expr, t[i].features) != t[i].want)
			fail_msg("%s over %s: want %d", t[i].expr,
			    t[i].features ? t[i].features : "(none)", t[i].want);
	}
}

static void t_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "&", "|", "a&", "|a", "a||b", "a&&b", "(a", "a)", "[a|b", "a|b]", "[a)",
		"()", "[]", "a b", " a", "a,b", "a*2", "[a*2&b]", "a!", "\xff", "a\n", "a;b",
		"((((((((((((((((((a))))))))))))))))))",
	};
	char err[HERD_ERRLEN], big[CONSTRAINT_TEXT_MAX + 2];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (constraint_check(bad[i], err, sizeof err) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(err[0] != '\0');
		assert_int_equal(constraint_match(bad[i], "a,b"), -1);
	}
	assert_non_null(strstr((constraint_check("a*2", err, sizeof err), err), "one"));
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(constraint_check(big, err, sizeof err), -1);
	memset(big, 'a', 65);
	big[65] = '\0';
	assert_int_equal(constraint_check(big, err, sizeof err), -1);	/* name too long */
	/* deep but within bounds */
	assert_int_equal(constraint_check("((((((((((((((((a))))))))))))))))", err, sizeof err), 0);
	/* a long flat expression is fine */
	big[0] = '\0';
	for (int i = 0; i < 200; i++)
		strcat(big, i ? "|ab" : "ab");
	assert_int_equal(constraint_match(big, "ab"), 1);
}

static void t_hostlist(void **state)
{
	(void)state;
	static const struct { const char *list, *name; int want; } t[] = {
		{ "gpu1", "gpu1", 1 },
		{ "gpu1", "gpu10", 0 },
		{ "gpu1,gpu2", "gpu2", 1 },
		{ "gpu[1-3]", "gpu2", 1 },
		{ "gpu[1-3]", "gpu4", 0 },
		{ "gpu[1-3]", "gpu", 0 },
		{ "gpu[1-3]", "gpu02", 0 },	/* not padded */
		{ "gpu[1-3,7]", "gpu7", 1 },
		{ "gpu[1-3,7]", "gpu5", 0 },
		{ "node[01-10]", "node01", 1 },
		{ "node[01-10]", "node1", 0 },
		{ "node[01-10]", "node10", 1 },
		{ "node[001-100]", "node100", 1 },
		{ "node[01-100]", "node100", 1 },
		{ "node[01-100]", "node0100", 0 },
		{ "n[0-999999999]", "n123456789", 1 },
		{ "n[0-999999999]", "n1234567890", 0 },
		{ "rack[1-2]a", "rack2a", 1 },
		{ "rack[1-2]a", "rack2", 0 },
		{ "a,b[1-2],c", "c", 1 },
		{ "a,b[1-2],c", "b1", 1 },
		{ "[1-3]", "2", 1 },
		{ "x-y.z", "x-y.z", 1 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (hostlist_match(t[i].list, t[i].name) != t[i].want)
			fail_msg("%s in %s: want %d", t[i].name, t[i].list, t[i].want);
	size_t n;
	char err[HERD_ERRLEN];
	assert_int_equal(hostlist_check("gpu[1-3,7],cpu", &n, err, sizeof err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(hostlist_check("one", &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hostlist_check("n[0-999999999],m[0-999999999]", &n, err, sizeof err), 0);
	assert_int_equal(n, 1000000);	/* capped */
	static const char *const bad[] = {
		"", ",", "a,", ",a", "a,,b", "gpu[", "gpu[1-", "gpu[3-1]", "gpu[]", "gpu[1,]",
		"gpu[a]", "gpu[1-3][1-2]", "gpu[1-3]x[2]", "a b", "a/b", "/etc/hosts",
		"gpu[1234567890]", "gpu[-1]", "gpu]", "\xff", "a\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		if (hostlist_check(bad[i], NULL, err, sizeof err) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(err[0] != '\0');
		assert_int_equal(hostlist_match(bad[i], "a"), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_match),
		cmocka_unit_test(t_bad),
		cmocka_unit_test(t_hostlist),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

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

static const char *compress(const char *const *names, size_t n)
{
	static char out[512];
	assert_true(hostlist_compress(names, n, out, sizeof out) >= 0);
	/* Whatever it prints reads back as a list holding every name. */
	if (n > 0) {
		assert_int_equal(hostlist_check(out, NULL, NULL, 0), 0);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(hostlist_match(out, names[i]), 1);
	}
	return out;
}

/* sinfo's NODELIST: names compressed as Slurm prints them; hostile names
 * and buffers. */
static void t_compress(void **state)
{
	(void)state;
	const char *a[] = { "gpu3", "gpu1", "gpu2", "gpu7", "box" };
	assert_string_equal(compress(a, 5), "box,gpu[1-3,7]");
	const char *b[] = { "node01", "node02", "node10", "node9" };
	assert_string_equal(compress(b, 4), "node[9-10],node[01-02]");	/* by width, as -w reads them */
	const char *c[] = { "n1", "n1", "n2" };	/* a duplicate once */
	const char *c1[] = { "n1", "n1" };
	assert_string_equal(compress(c1, 2), "n1");
	assert_string_equal(compress(c, 3), "n[1-2]");
	const char *d[] = { "solo7" };
	assert_string_equal(compress(d, 1), "solo7");
	const char *e[] = { "a", "b1", "c" };
	assert_string_equal(compress(e, 3), "a,b1,c");
	const char *f[] = { "r1n2", "r1n3", "r2n2" };
	assert_string_equal(compress(f, 3), "r1n[2-3],r2n2");
	const char *g[] = { "x00", "x0", "x1" };	/* widths differ: two groups */
	assert_string_equal(compress(g, 3), "x[0-1],x00");
	assert_string_equal(compress(NULL, 0), "");
	/* A number too long to read stays a plain name. */
	const char *h[] = { "n12345678901234567890", "n1" };
	char out[128];
	assert_true(hostlist_compress(h, 2, out, sizeof out) > 0);
	assert_string_equal(out, "n1,n12345678901234567890");
	/* NULL names are empty ones, not a crash. */
	const char *nul[] = { NULL, "z1" };
	assert_true(hostlist_compress(nul, 2, out, sizeof out) >= 0);
	/* Too small: -1, and only whole items stay. */
	const char *many[] = { "aaaa1", "bbbb2", "cccc3" };
	char tiny[12];
	assert_int_equal(hostlist_compress(many, 3, tiny, sizeof tiny), -1);
	assert_string_equal(tiny, "aaaa1,bbbb2");
	assert_int_equal(hostlist_compress(many, 3, tiny, 0), -1);
	assert_int_equal(hostlist_compress(many, 3, tiny, 1), -1);
	assert_string_equal(tiny, "");
	/* A thousand names, shuffled: one bracket. */
	static char buf[1000][16];
	const char *big[1000];
	for (int i = 0; i < 1000; i++) {
		snprintf(buf[i], sizeof buf[i], "g%d", (i * 7919) % 1000);
		big[i] = buf[i];
	}
	assert_string_equal(compress(big, 1000), "g[0-999]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_match),
		cmocka_unit_test(t_bad),
		cmocka_unit_test(t_hostlist),
		cmocka_unit_test(t_compress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for topkey.c: herd top's keys from the bytes a terminal sends,
 * whole and split across reads at every byte, in both cursor modes, with
 * parameters (ctrl-arrow), and hostile input: unknown and endless escape
 * sequences, control bytes, non-ASCII, a lone ESC known by the silence
 * after it, more keys than the output holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "topkey.h"

/* Feed s split after each byte in turn (and whole): always the same keys. */
static void expect_keys(const char *s, const int *want, size_t nwant)
{
	size_t len = strlen(s);
	for (size_t cut = 0; cut <= len; cut++) {
		struct topkey k = { 0 };
		int got[64];
		size_t n = topkey_feed(&k, (const unsigned char *)s, cut, got, 64);
		n += topkey_feed(&k, (const unsigned char *)s + cut, len - cut, got + n, 64 - n);
		if (n != nwant)
			fail_msg("\"%s\" cut at %zu: %zu keys, want %zu", s, cut, n, nwant);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(got[i], want[i]);
		assert_false(topkey_pending(&k));
	}
}

static void plain_keys(void **state)
{
	(void)state;
	int w[] = { 'q', 'u', 'j', 'k', 'l', 'c', 'y', 'n', TK_ENTER, TK_ENTER, TK_INTR };
	expect_keys("qujklcyn\r\n\x03", w, 11);
}

static void arrows(void **state)
{
	(void)state;
	int w[] = { TK_UP, TK_DOWN, TK_RIGHT, TK_LEFT };
	expect_keys("\x1b[A\x1b[B\x1b[C\x1b[D", w, 4);
	expect_keys("\x1bOA\x1bOB\x1bOC\x1bOD", w, 4);	/* application cursor mode */
	int w2[] = { TK_UP, 'j', TK_DOWN };
	expect_keys("\x1b[1;5Aj\x1b[1;2B", w2, 3);	/* with modifiers */
}

static void hostile(void **state)
{
	(void)state;
	int w[] = { 'j' };
	expect_keys("\x1b[15~j", w, 1);		/* F5: a sequence, not a key of ours */
	expect_keys("\x1b[200~j", w, 1);	/* bracketed paste start */
	expect_keys("\x01\x02\x7f\xc3\xa9\xff" "j", w, 1);	/* control, DEL, é, junk */
	int w2[] = { TK_ESC, 'j' };
	expect_keys("\x1bj", w2, 2);		/* Alt-j: Esc then j */
	/* an endless parameter list is dropped, not waited on for ever */
	struct topkey k = { 0 };
	unsigned char buf[1000];
	int got[8];
	buf[0] = 0x1b;
	buf[1] = '[';
	memset(buf + 2, '1', sizeof buf - 3);
	buf[sizeof buf - 1] = 'k';
	assert_int_equal(topkey_feed(&k, buf, sizeof buf - 1, got, 8), 0);
	assert_false(topkey_pending(&k));	/* no wait for its end */
	assert_int_equal(topkey_feed(&k, buf + sizeof buf - 1, 1, got, 8), 0);	/* its end */
	assert_int_equal(topkey_feed(&k, (const unsigned char *)"j", 1, got, 8), 1);
	assert_int_equal(got[0], 'j');
	/* a CSI broken by a control byte ends there; Ctrl-C inside one still counts */
	int w3[] = { 'k' };
	expect_keys("\x1b[1\x01k", w3, 1);
	int w4[] = { TK_INTR };
	expect_keys("\x1b[1;\x03", w4, 1);
}

static void lone_esc(void **state)
{
	(void)state;
	struct topkey k = { 0 };
	int got[4];
	assert_int_equal(topkey_feed(&k, (const unsigned char *)"\x1b", 1, got, 4), 0);
	assert_true(topkey_pending(&k));
	assert_int_equal(topkey_flush(&k, got), 1);
	assert_int_equal(got[0], TK_ESC);
	assert_false(topkey_pending(&k));
	assert_int_equal(topkey_flush(&k, got), 0);
	/* half a CSI and then silence: nothing */
	topkey_feed(&k, (const unsigned char *)"\x1b[1;", 4, got, 4);
	assert_int_equal(topkey_flush(&k, got), 0);
	assert_false(topkey_pending(&k));
}

static void more_than_room(void **state)
{
	(void)state;
	struct topkey k = { 0 };
	int got[3];
	assert_int_equal(topkey_feed(&k, (const unsigned char *)"jjjjjjjj", 8, got, 3), 3);
	assert_int_equal(topkey_feed(&k, (const unsigned char *)"j", 1, got, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_keys),
		cmocka_unit_test(arrows),
		cmocka_unit_test(hostile),
		cmocka_unit_test(lone_esc),
		cmocka_unit_test(more_than_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

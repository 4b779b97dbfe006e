/* Unit tests for util.c: bounded buffers, UTF-8 checks, escaping for terminals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util.h"

static void utf8_strict(void **state)
{
	(void)state;
	assert_int_equal(utf8_seq_len((const unsigned char *)"a"), 1);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc3\xa9"), 2);		/* é */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe6\x97\xa5"), 3);	/* 日 */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xc0\xaf"), 0);		/* overlong */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe0\x80\x80"), 0);	/* overlong */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xed\xa0\x80"), 0);	/* surrogate */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf4\x90\x80\x80"), 0);	/* > U+10FFFF */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xf5\x80\x80\x80"), 0);
	assert_int_equal(utf8_seq_len((const unsigned char *)"\xe6\x97"), 0);		/* cut short */
	assert_int_equal(utf8_seq_len((const unsigned char *)"\x80"), 0);
}

static void vis_escapes(void **state)
{
	(void)state;
	char out[64];
	str_vis(out, sizeof out, "a\nb\tc\\d\x1b[2J");
	assert_string_equal(out, "a\\nb\\tc\\\\d\\033[2J");
	str_vis(out, sizeof out, "\xc2\x9b" "31m");	/* C1 CSI: escaped */
	assert_string_equal(out, "\\xc2\\x9b31m");
	str_vis(out, sizeof out, "ok\xff\xfe");
	assert_string_equal(out, "ok\\xff\\xfe");
	str_vis(out, sizeof out, "caf\xc3\xa9 \xe6\x97\xa5");
	assert_string_equal(out, "caf\xc3\xa9 \xe6\x97\xa5");
	str_vis(out, 6, "ab\xe6\x97\xa5");	/* never half a character */
	assert_string_equal(out, "ab\xe6\x97\xa5");
	str_vis(out, 5, "ab\xe6\x97\xa5");
	assert_string_equal(out, "ab");
}

static void buf_bounds(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_addstr(&b, "12345678"), 0);
	assert_int_equal(buf_addc(&b, 'x'), -1);	/* over the max: refused, unchanged */
	assert_int_equal(b.len, 8);
	buf_consume(&b, 3);
	assert_string_equal(b.data, "45678");
	assert_int_equal(buf_printf(&b, "%d", 123), 0);
	assert_string_equal(b.data, "45678123");
	assert_int_equal(buf_printf(&b, "%s", "overflow"), -1);
	buf_clear(&b);
}

/* Node and cluster names, by length: a list item is checked in place. */
static void names(void **state)
{
	(void)state;
	assert_true(name_valid("lab", 3, 63));
	assert_true(name_valid("a.b_c-9", 7, 63));
	assert_true(name_valid("lab,other", 3, 63));	/* the first item */
	assert_false(name_valid("lab,other", 9, 63));
	assert_false(name_valid("", 0, 63));
	assert_false(name_valid("-lab", 4, 63));
	assert_false(name_valid(".lab", 4, 63));
	assert_false(name_valid("l b", 3, 63));
	assert_false(name_valid("l\x1b", 2, 63));
	assert_false(name_valid("caf\xc3\xa9", 5, 63));
	assert_false(name_valid("l\0b", 3, 63));
	assert_true(name_valid("abcd", 4, 4));
	assert_false(name_valid("abcde", 5, 4));
}

/* A job's partitions against a filter's list: whole items only. */
static void csv_any(void **state)
{
	static const char *const v[] = { "gpu", "debug" };
	(void)state;
	assert_true(csv_has_any("gpu", v, 2));
	assert_true(csv_has_any("cpu,debug", v, 2));
	assert_false(csv_has_any("gp", v, 2));
	assert_false(csv_has_any("gpu2,xdebug", v, 2));
	assert_false(csv_has_any("gpu,debug", v + 2, 0));
	assert_false(csv_has_any("", v, 2));
	assert_false(csv_has_any(NULL, v, 2));
	assert_false(csv_has_any(",,", v, 2));
	assert_true(csv_has_any(",debug,", v, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_strict),
		cmocka_unit_test(vis_escapes),
		cmocka_unit_test(buf_bounds),
		cmocka_unit_test(names),
		cmocka_unit_test(csv_any),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

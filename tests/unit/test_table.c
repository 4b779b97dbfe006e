/*
 * Unit tests for table.c: display widths (CJK and emoji two columns,
 * combining marks none), cuts with "…" that fit the width and never split
 * a character, no trailing blanks, COLUMNS.
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

#define CJK "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"	/* 日本語: 6 columns, 9 bytes */
#define EMOJI "\xf0\x9f\x98\x80"			/* U+1F600: 2 columns */
#define ELLIPSIS "\xe2\x80\xa6"

static char *print(struct table *t, size_t cols)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	table_print_width(t, f, cols);
	fclose(f);
	return out;
}

/* Every line: at most cols wide (0: any), valid UTF-8, no trailing blank. */
static void check_lines(const char *out, size_t cols)
{
	char *copy = strdup(out), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(l);
		if (cols > 0 && text_width(l) > cols)
			fail_msg("line wider than %zu: \"%s\" (%zu)", cols, l, text_width(l));
		if (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
			fail_msg("trailing blank: \"%s\"", l);
		for (const char *p = l; *p;) {
			size_t k = utf8_seq_len((const unsigned char *)p);
			if (k == 0)
				fail_msg("a character split in \"%s\"", l);
			p += k;
		}
	}
	free(copy);
}

static void widths(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width(CJK), 6);
	assert_int_equal(text_width(EMOJI), 2);
	assert_int_equal(text_width("e\xcc\x81"), 1);	/* e + combining acute */
	assert_int_equal(text_width("caf\xc3\xa9"), 4);
	assert_int_equal(text_width("\xea\xb0\x80"), 2);	/* Hangul 가 */
	assert_int_equal(text_width("\xef\xbc\xa1"), 2);	/* fullwidth Ａ */
	assert_int_equal(text_width(ELLIPSIS), 1);
	assert_int_equal(char_width(0x4e00), 2);
	assert_int_equal(char_width(0x20000), 2);
	assert_int_equal(char_width(0x0301), 0);
	assert_int_equal(char_width('a'), 1);
	assert_int_equal(char_width(0x00e9), 1);
}

static void no_cut_into_pipe(void **state)
{
	(void)state;
	const char *h[] = { "ID", "NAME", "REASON" };
	const char *r1[] = { "1", "a-very-long-job-name-that-goes-on-and-on", "" };
	struct table *t = table_new(3, h);
	table_add(t, r1);
	char *out = print(t, 0);
	assert_non_null(strstr(out, r1[1]));
	assert_null(strstr(out, ELLIPSIS));
	check_lines(out, 0);	/* the empty REASON leaves no blanks behind */
	assert_string_equal(out, "ID  NAME                                      REASON\n"
	    "1   a-very-long-job-name-that-goes-on-and-on\n");
	free(out);
	table_free(t);
}

static void cjk_cut_at_40(void **state)
{
	(void)state;
	const char *h[] = { "JOBID", "NAME", "USER", "STATE", "TIME", "GPUS", "NODE", "REASON" };
	const char *r1[] = { "1", CJK CJK CJK CJK, "root", "PENDING", "00:00:00", "1", "",
	    "Resources" };
	const char *r2[] = { "2", "x" EMOJI EMOJI EMOJI EMOJI EMOJI EMOJI, "root", "RUNNING",
	    "00:01:02", "0", "node1", "" };
	struct table *t = table_new(8, h);
	table_add(t, r1);
	table_add(t, r2);
	for (size_t cols = 10; cols <= 120; cols++) {
		char *out = print(t, cols);
		check_lines(out, cols);
		free(out);
	}
	char *out = print(t, 40);
	assert_non_null(strstr(out, ELLIPSIS));
	assert_non_null(strstr(out, "\xe6\x97\xa5"));	/* some of the name is left */
	free(out);
	table_free(t);
}

/* A cut before a wide character that does not fit leaves a column short, not split. */
static void cut_before_wide(void **state)
{
	(void)state;
	const char *h[] = { "NAME", "X" };
	const char *r1[] = { "ab" CJK CJK, "y" };
	struct table *t = table_new(2, h);
	table_add(t, r1);
	/* NAME narrows to its floor, 6: "ab日本" + "…" would be 7, so "ab日…" (5) and a blank. */
	char *out = print(t, 9);
	assert_string_equal(out, "NAME    X\n" "ab\xe6\x97\xa5" ELLIPSIS "   y\n");
	check_lines(out, 9);
	free(out);
	table_free(t);
}

static void noheader(void **state)
{
	(void)state;
	const char *h[] = { "A", "B" };
	const char *r1[] = { "1", "2" };
	struct table *t = table_new(2, h);
	table_add(t, r1);
	table_set_header(t, 0);
	char *out = print(t, 0);
	assert_string_equal(out, "1  2\n");
	free(out);
	table_free(t);
}

static void escaped_cells(void **state)
{
	(void)state;
	const char *h[] = { "A", "B" };
	const char *r1[] = { "x\ny\x1b[2J", "" };
	struct table *t = table_new(2, h);
	table_add(t, r1);
	char *out = print(t, 0);
	assert_string_equal(out, "A            B\nx\\ny\\033[2J\n");
	free(out);
	table_free(t);
}

static void columns_env(void **state)
{
	(void)state;
	FILE *f = tmpfile();	/* not a terminal */
	unsetenv("COLUMNS");
	assert_int_equal(term_columns(f), 0);
	setenv("COLUMNS", "40", 1);
	assert_int_equal(term_columns(f), 40);
	setenv("COLUMNS", "4x", 1);
	assert_int_equal(term_columns(f), 0);
	setenv("COLUMNS", "-3", 1);
	assert_int_equal(term_columns(f), 0);
	setenv("COLUMNS", "", 1);
	assert_int_equal(term_columns(f), 0);
	unsetenv("COLUMNS");
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths),
		cmocka_unit_test(no_cut_into_pipe),
		cmocka_unit_test(cjk_cut_at_40),
		cmocka_unit_test(cut_before_wide),
		cmocka_unit_test(noheader),
		cmocka_unit_test(escaped_cells),
		cmocka_unit_test(columns_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

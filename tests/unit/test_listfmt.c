/*
 * Unit tests for --format and squeue -o text (listfmt.c) over a small
 * column table, and for the job columns' table (jobcols.c): the forms
 * squeue and sacct users type, and hostile ones (unknown names and
 * letters, empty items, huge widths, a lone '%', bytes that are not text,
 * too many items, text past the bound).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jobcols.h"
#include "listfmt.h"
#include "util.h"

static const struct listfmt_col cols[] = {
	{ "id", 'i', "JOBID" }, { "name", 'j', "NAME" }, { "state", 'T', "STATE" },
	{ "reason", 0, "REASON" },
};
#define NC (sizeof cols / sizeof cols[0])

static struct listfmt f;	/* big: not on the stack */
static char err[HERD_ERRLEN];

static void names_ok(void **state)
{
	(void)state;
	assert_int_equal(listfmt_parse_names("id,name,state,reason", cols, NC, &f, err, sizeof err), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.item[0].col, 0);
	assert_int_equal(f.item[3].col, 3);
	/* any case, widths, a column twice */
	assert_int_equal(listfmt_parse_names("ID,Name%20,id", cols, NC, &f, err, sizeof err), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.item[1].width, 20);
	assert_int_equal(f.item[2].col, 0);
}

static void names_refused(void **state)
{
	static const char *bad[] = {
		"", ",", "id,", ",id", "id,,name", "bogus", "id,bogus", "name%", "name%0",
		"name%-3", "name%1025", "name%99999999999999999999", "name%20x", "%20",
		"id name", "id\n", "i\xff" "d", "reason%", "ids",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (listfmt_parse_names(bad[i], cols, NC, &f, err, sizeof err) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(listfmt_parse_names("id,bogus", cols, NC, &f, err, sizeof err), -1);
	assert_string_equal(err, "unknown column \"bogus\" (columns: id, name, state, reason)");
	/* the message shows no raw control bytes */
	assert_int_equal(listfmt_parse_names("a\033[2J", cols, NC, &f, err, sizeof err), -1);
	assert_null(strchr(err, '\033'));
}

static void names_bounds(void **state)
{
	char big[LISTFMT_TEXT_MAX + 2];
	(void)state;
	memset(big, 'i', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(listfmt_parse_names(big, cols, NC, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "longer than"));
	/* 65 items: one too many */
	char many[LISTFMT_ITEMS_MAX * 3 + 8] = "";
	for (int i = 0; i <= LISTFMT_ITEMS_MAX; i++)
		strcat(many, i ? ",id" : "id");
	assert_int_equal(listfmt_parse_names(many, cols, NC, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than"));
	/* a tiny message buffer is cut, never overrun */
	char small[8];
	assert_int_equal(listfmt_parse_names("bogus", cols, NC, &f, small, sizeof small), -1);
	assert_int_equal(strlen(small), sizeof small - 1);
}

static void letters_ok(void **state)
{
	const char *vals[NC] = { "12345", "train", "RUNNING", NULL };
	char line[256];
	(void)state;
	assert_int_equal(listfmt_parse_letters("%.8i %5j|%T%%", cols, NC, &f, err, sizeof err), 0);
	listfmt_line(&f, vals, line, sizeof line);
	assert_string_equal(line, "   12345 train|RUNNING%");
	/* squeue cuts a value to its width; no width: as wide as the value */
	assert_int_equal(listfmt_parse_letters("%.3i:%2j:%j", cols, NC, &f, err, sizeof err), 0);
	listfmt_line(&f, vals, line, sizeof line);
	assert_string_equal(line, "123:tr:train");
	/* literals only, and the line bounded by its buffer */
	assert_int_equal(listfmt_parse_letters("plain", cols, NC, &f, err, sizeof err), 0);
	assert_int_equal(listfmt_line(&f, vals, line, 3), 2);
	assert_string_equal(line, "pl");
	/* a NULL value is empty, padded */
	assert_int_equal(listfmt_parse_letters("[%4T]", cols, NC, &f, err, sizeof err), 0);
	const char *none[NC] = { 0 };
	listfmt_line(&f, none, line, sizeof line);
	assert_string_equal(line, "[    ]");
}

static void letters_refused(void **state)
{
	static const char *bad[] = {
		"", "%", "%i %", "%.", "%.18", "%z", "%0i", "%.0i", "%1025i", "%99999999999999999i",
		"%-5i", "%r", "%\x01", "%\xff", "%.18i %.9P",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (listfmt_parse_letters(bad[i], cols, NC, &f, err, sizeof err) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(listfmt_parse_letters("%i %z", cols, NC, &f, err, sizeof err), -1);
	assert_string_equal(err, "unknown field %z (fields: %i %j %T %%)");
	assert_int_equal(listfmt_parse_letters("%\033", cols, NC, &f, err, sizeof err), -1);
	assert_null(strchr(err, '\033'));
}

/* squeue's default format parses against herd's job columns, and every
 * column has a distinct name and letter. */
static void job_columns(void **state)
{
	(void)state;
	assert_int_equal(listfmt_parse_letters("%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R",
	    jobcols, njobcols, &f, err, sizeof err), 0);
	assert_int_equal(f.n, 15);
	assert_int_equal(listfmt_parse_names("id,name,state,reason", jobcols, njobcols, &f, err,
	    sizeof err), 0);
	for (size_t i = 0; i < njobcols; i++)
		for (size_t k = i + 1; k < njobcols; k++) {
			assert_string_not_equal(jobcols[i].name, jobcols[k].name);
			if (jobcols[i].letter != 0)
				assert_int_not_equal(jobcols[i].letter, jobcols[k].letter);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_ok),
		cmocka_unit_test(names_refused),
		cmocka_unit_test(names_bounds),
		cmocka_unit_test(letters_ok),
		cmocka_unit_test(letters_refused),
		cmocka_unit_test(job_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

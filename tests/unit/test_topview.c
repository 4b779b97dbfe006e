/*
 * Unit tests for topview.c: keys pressed on herd top's live view, read
 * back from the screen it draws: j/k and the arrows move the ">" over the
 * queue and stop at its ends, Enter, l and c name the selected job, c asks
 * and only y cancels, u asks for my jobs, a page (hostile log bytes) is
 * escaped, cut and shows its end for a log, any key returns, and the
 * selection stays on its job when the queue changes above it.
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
#include "topkey.h"
#include "topview.h"

static void job(struct top_list *l, int64_t id, const char *user)
{
	struct msg m;
	msg_init(&m, "job");
	msg_addi(&m, "id", id);
	msg_adds(&m, "name", "train");
	msg_adds(&m, "user", user);
	msg_adds(&m, "state", "PENDING");
	msg_addi(&m, "ngpus", 1);
	top_list_add(l, &m);
	msg_clear(&m);
}

/* noinline: gcc took the memstream's pointer for a dangling local */
__attribute__((noinline)) static char *screen(struct top_view *v, struct top_data *d, size_t cols, size_t rows)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	top_view_draw(f, v, d, cols, rows);
	fclose(f);
	return out;
}

/* The line of the screen that holds the ">" mark. */
static void selected_line(struct top_view *v, struct top_data *d, char *buf, size_t size)
{
	char *s = screen(v, d, 80, 24);
	char *p = strstr(s, "\n>");
	assert_non_null(p);
	snprintf(buf, size, "%.*s", (int)strcspn(p + 1, "\n"), p + 1);
	assert_null(strstr(p + 1, "\n>"));	/* one mark only */
	free(s);
}

static void three_jobs(struct top_data *d)
{
	d->now = 1700000000;
	job(&d->jobs, 11, "alice");
	job(&d->jobs, 12, "bob");
	job(&d->jobs, 13, "carol");
}

static void move_and_show(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct top_view v = { 0 };
	char line[256];
	three_jobs(&d);
	selected_line(&v, &d, line, sizeof line);
	assert_non_null(strstr(line, ">11 "));
	assert_int_equal(top_view_key(&v, &d, 'j'), TA_REDRAW);
	assert_int_equal(top_view_key(&v, &d, TK_DOWN), TA_REDRAW);
	assert_int_equal(top_view_key(&v, &d, 'j'), TA_REDRAW);	/* stays on the last */
	selected_line(&v, &d, line, sizeof line);
	assert_non_null(strstr(line, ">13 "));
	assert_non_null(strstr(line, "carol"));
	assert_int_equal(top_view_key(&v, &d, TK_UP), TA_REDRAW);
	assert_int_equal(top_view_key(&v, &d, TK_ENTER), TA_SHOW);
	assert_string_equal(v.ref, "12");
	assert_int_equal(top_view_key(&v, &d, 'l'), TA_LOG);
	assert_int_equal(top_view_key(&v, &d, 'k'), TA_REDRAW);
	assert_int_equal(top_view_key(&v, &d, 'k'), TA_REDRAW);
	assert_string_equal(v.ref, "11");
	assert_int_equal(top_view_key(&v, &d, 'x'), TA_NONE);
	assert_int_equal(top_view_key(&v, &d, 'q'), TA_QUIT);
	assert_int_equal(top_view_key(&v, &d, TK_INTR), TA_QUIT);
	top_view_clear(&v);
	top_data_clear(&d);
}

static void cancel_asks(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct top_view v = { 0 };
	three_jobs(&d);
	char *s = screen(&v, &d, 80, 24);
	top_view_key(&v, &d, 'j');
	assert_int_equal(top_view_key(&v, &d, 'c'), TA_REDRAW);
	free(s);
	s = screen(&v, &d, 80, 24);
	assert_non_null(strstr(s, "Cancel job 12? [y/N]"));
	free(s);
	assert_int_equal(top_view_key(&v, &d, 'n'), TA_REDRAW);	/* n keeps it */
	s = screen(&v, &d, 80, 24);
	assert_non_null(strstr(s, "job 12 not cancelled"));
	free(s);
	top_view_key(&v, &d, 'c');
	assert_int_equal(top_view_key(&v, &d, TK_ENTER), TA_REDRAW);	/* so does Enter */
	top_view_key(&v, &d, 'c');
	assert_int_equal(top_view_key(&v, &d, 'j'), TA_REDRAW);	/* and any other key */
	assert_string_equal(v.ref, "12");
	top_view_key(&v, &d, 'c');
	assert_int_equal(top_view_key(&v, &d, 'y'), TA_CANCEL);
	assert_string_equal(v.ask, "12");

	/* Asked about 12; a refresh while the question is up loses 12: y
	 * still means 12, never the job the selection moved to. */
	top_view_key(&v, &d, 'c');
	struct top_data e = { 0 };
	e.now = d.now;
	job(&e.jobs, 11, "alice");
	job(&e.jobs, 13, "carol");
	char *t = screen(&v, &e, 80, 24);
	assert_non_null(strstr(t, "Cancel job 12? [y/N]"));
	free(t);
	assert_int_equal(top_view_key(&v, &e, 'y'), TA_CANCEL);
	assert_string_equal(v.ask, "12");
	top_data_clear(&e);
	top_view_clear(&v);
	top_data_clear(&d);
}

static void empty_queue(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct top_view v = { 0 };
	char *s = screen(&v, &d, 80, 24);
	assert_non_null(strstr(s, "(queue empty)"));
	free(s);
	assert_int_equal(top_view_key(&v, &d, 'j'), TA_NONE);
	assert_int_equal(top_view_key(&v, &d, TK_ENTER), TA_NONE);
	assert_int_equal(top_view_key(&v, &d, 'l'), TA_NONE);
	assert_int_equal(top_view_key(&v, &d, 'c'), TA_NONE);
	assert_int_equal(v.mode, TV_LIST);
	assert_int_equal(top_view_key(&v, &d, 'u'), TA_REFETCH);
	assert_int_equal(v.mine, 1);
	s = screen(&v, &d, 80, 24);
	assert_non_null(strstr(s, "u all jobs"));
	free(s);
	assert_int_equal(top_view_key(&v, &d, 'u'), TA_REFETCH);
	assert_int_equal(v.mine, 0);
}

/* The selected job keeps the mark when jobs come and go above it. */
static void sync_keeps_job(void **state)
{
	(void)state;
	struct top_data d = { 0 }, e = { 0 };
	struct top_view v = { 0 };
	char line[256];
	three_jobs(&d);
	top_view_sync(&v, &d);
	top_view_key(&v, &d, 'j');
	top_view_key(&v, &d, 'j');
	assert_string_equal(v.ref, "13");
	e.now = d.now;
	job(&e.jobs, 9, "zed");
	job(&e.jobs, 13, "carol");
	selected_line(&v, &e, line, sizeof line);
	assert_non_null(strstr(line, ">13 "));
	assert_int_equal(v.sel, 1);
	top_data_clear(&e);
	memset(&e, 0, sizeof e);
	job(&e.jobs, 9, "zed");	/* 13 ended: the last line */
	top_view_sync(&v, &e);
	assert_string_equal(v.ref, "9");
	top_data_clear(&d);
	top_data_clear(&e);
}

/* A queue longer than the screen scrolls to keep the selection shown. */
static void selection_stays_on_screen(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct top_view v = { 0 };
	char line[256];
	d.now = 1700000000;
	for (int i = 0; i < 60; i++)
		job(&d.jobs, 100 + i, "alice");
	top_view_sync(&v, &d);
	for (int i = 0; i < 50; i++)
		top_view_key(&v, &d, 'j');
	selected_line(&v, &d, line, sizeof line);
	assert_non_null(strstr(line, ">150 "));
	top_view_clear(&v);
	top_data_clear(&d);
}

static size_t count_lines(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void pages(void **state)
{
	(void)state;
	struct top_data d = { 0 };
	struct top_view v = { 0 };
	char log[8192] = "";
	for (int i = 1; i <= 100; i++)
		snprintf(log + strlen(log), sizeof log - strlen(log), "line %d\n", i);
	top_view_page(&v, log, strlen(log), 1);
	char *s = screen(&v, &d, 80, 24);
	assert_non_null(strstr(s, "line 100\n"));	/* a log: its end */
	assert_non_null(strstr(s, "line 78\n"));
	assert_null(strstr(s, "line 77\n"));
	assert_non_null(strstr(s, "any key returns"));
	assert_int_equal(count_lines(s), 24);
	free(s);
	top_view_page(&v, log, strlen(log), 0);
	s = screen(&v, &d, 80, 24);
	assert_non_null(strstr(s, "line 1\n"));		/* a job's details: the start */
	assert_null(strstr(s, "line 24\n"));
	free(s);
	assert_int_equal(top_view_key(&v, &d, 'z'), TA_REDRAW);	/* any key returns */
	assert_int_equal(v.mode, TV_LIST);
	assert_null(v.page);

	/* hostile bytes: escapes, a progress bar's \r, NUL, a line too long */
	static const char bad[] = "\x1b[2J\x1b]0;pwned\x07ok\n10%\r50%\r100%\nnul\0byte\n"
	    "a very long line that goes on and on and on and on and on and on and on and on "
	    "and on past the right edge\n";
	top_view_page(&v, bad, sizeof bad - 1, 1);
	s = screen(&v, &d, 40, 10);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n')
			fail_msg("control byte 0x%02x on the page", (unsigned char)*p);
	assert_non_null(strstr(s, "100%"));
	assert_null(strstr(s, "50%"));		/* what the terminal showed last */
	for (const char *l = s; *l;) {
		size_t n = strcspn(l, "\n");
		char *line = strndup(l, n);
		if (text_width(line) > 40)
			fail_msg("page line wider than 40: %s", line);
		free(line);
		l += n + (l[n] != '\0');
	}
	free(s);
	top_view_clear(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(move_and_show),
		cmocka_unit_test(cancel_asks),
		cmocka_unit_test(empty_queue),
		cmocka_unit_test(sync_keeps_job),
		cmocka_unit_test(selection_stays_on_screen),
		cmocka_unit_test(pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for topdiff.c: the bytes that change herd top's screen.  The
 * output is played on a small model terminal (CUP, EL, ED, text) and must
 * give the new screen; an unchanged line is never written; a first frame
 * clears; a line that fills the width gets no erase after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topdiff.h"

#define R 12
#define C 40

/* A terminal of R x C ASCII cells that knows CUP, EL, home + ED. */
struct term {
	char cell[R][C + 1];
	int row, col;
};

static void term_init(struct term *t, char fill)
{
	for (int r = 0; r < R; r++) {
		memset(t->cell[r], fill, C);
		t->cell[r][C] = '\0';
	}
	t->row = t->col = 0;
}

static void play(struct term *t, const char *s)
{
	while (*s) {
		if (*s == '\033') {
			assert_int_equal(s[1], '[');
			int a = 0, b = 0;
			const char *p = s + 2;
			while (*p >= '0' && *p <= '9')
				a = a * 10 + (*p++ - '0');
			if (*p == ';') {
				p++;
				while (*p >= '0' && *p <= '9')
					b = b * 10 + (*p++ - '0');
			}
			if (*p == 'H') {
				t->row = a ? a - 1 : 0;
				t->col = b ? b - 1 : 0;
			} else if (*p == 'K') {
				memset(t->cell[t->row] + t->col, ' ', (size_t)(C - t->col));
			} else if (*p == 'J') {
				term_init(t, ' ');
			} else {
				fail_msg("unexpected sequence ending in %c", *p);
			}
			s = p + 1;
			continue;
		}
		assert_true(*s != '\n' && *s != '\r');
		if (t->col < C)
			t->cell[t->row][t->col++] = *s;
		s++;
	}
}

static char *diff(const char *prev, const char *next)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	top_diff(f, prev, next, C);
	fclose(f);
	return out;
}

/* The model shows exactly text's lines, blanks below. */
static void shows(const struct term *t, const char *text)
{
	const char *l = text;
	for (int r = 0; r < R; r++) {
		char want[C + 1];
		size_t n = l ? strcspn(l, "\n") : 0;
		memset(want, ' ', C);
		want[C] = '\0';
		if (l)
			memcpy(want, l, n);
		if (strcmp(t->cell[r], want) != 0)
			fail_msg("row %d: \"%s\", want \"%s\"", r + 1, t->cell[r], want);
		l = l && l[n] ? l + n + 1 : NULL;
	}
}

static void first_then_changes(void **state)
{
	(void)state;
	struct term t;
	term_init(&t, 'X');	/* whatever was there */
	const char *a = "herd top 10:00:01\n\nNODE STATE\nnode1 IDLE\nnode2 IDLE";
	const char *b = "herd top 10:00:03\n\nNODE STATE\nnode1 MIXED\nnode2 IDLE";
	const char *c = "herd top 10:00:05\n\nNODE";
	char *o = diff(NULL, a);
	assert_true(strncmp(o, "\033[H\033[2J", 7) == 0);
	play(&t, o);
	shows(&t, a);
	free(o);
	o = diff(a, b);
	play(&t, o);
	shows(&t, b);
	assert_non_null(strstr(o, "node1 MIXED"));
	assert_null(strstr(o, "node2"));	/* unchanged: not written */
	assert_null(strstr(o, "NODE"));
	assert_null(strstr(o, "\033[2J"));	/* no clear: no flicker */
	free(o);
	o = diff(b, c);		/* shorter: the rows it no longer has are erased */
	play(&t, o);
	shows(&t, c);
	free(o);
	o = diff(c, c);
	assert_string_equal(o, "");
	free(o);
}

static void full_width_line(void **state)
{
	(void)state;
	char line[C + 1];
	memset(line, 'w', C);
	line[C] = '\0';
	char *o = diff("short", line);
	assert_null(strstr(o, "\033[K"));	/* at the edge an erase would eat the last cell */
	free(o);
	o = diff(line, "short");
	assert_non_null(strstr(o, "short\033[K"));
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_then_changes),
		cmocka_unit_test(full_width_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

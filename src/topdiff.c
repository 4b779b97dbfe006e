/*
 * topdiff.c — herd top redraws only the lines that changed.
 *
 * Theory of operation: a full redraw (clear, then every line) makes the
 * screen blink, most of all over a slow SSH link; a model of the screen
 * per cell, as curses keeps, is more than a list of lines needs.  The
 * last screen is kept as its text; each line of the new one that differs
 * is written at its row (CUP) followed by an erase to the end of the line
 * (EL) for what the old line had beyond it.  Rows are 1-based and lines
 * never wrap: topframe.c and topview.c cut every line to the width.
 */
#include <string.h>

#include "client.h"
#include "topdiff.h"

/* Line i of text (NULL past its end), its length in *n. */
static const char *nth_line(const char *text, size_t i, size_t *n)
{
	const char *p = text;
	for (; i > 0 && p != NULL; i--) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	if (p == NULL)
		return NULL;
	const char *nl = strchr(p, '\n');
	*n = nl ? (size_t)(nl - p) : strlen(p);
	return p;
}

static void put_line(FILE *f, size_t row, const char *s, size_t n, size_t cols)
{
	char tmp[4096];
	fprintf(f, "\033[%zu;1H", row);
	fwrite(s, 1, n, f);
	size_t k = n < sizeof tmp ? n : sizeof tmp - 1;
	memcpy(tmp, s, k);
	tmp[k] = '\0';
	if (cols == 0 || text_width(tmp) < cols)
		fputs("\033[K", f);
}

void top_diff(FILE *f, const char *prev, const char *next, size_t cols)
{
	const char *a, *b;
	size_t na = 0, nb = 0;
	if (prev == NULL)
		fputs("\033[H\033[2J", f);
	for (size_t i = 0;; i++) {
		b = nth_line(next, i, &nb);
		a = prev ? nth_line(prev, i, &na) : NULL;
		if (a == NULL && b == NULL)
			break;
		if (b == NULL) {
			if (na > 0)	/* the old line's text goes */
				fprintf(f, "\033[%zu;1H\033[K", i + 1);
		} else if (a == NULL || na != nb || memcmp(a, b, nb) != 0) {
			put_line(f, i + 1, b, nb, cols);
		}
	}
}

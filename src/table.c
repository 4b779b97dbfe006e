/*
 * table.c — terminal tables.  Cells are escaped (str_vis) so job names
 * with newlines or escape sequences cannot break the layout or the
 * terminal.  On a terminal the widest columns are shrunk to fit its width
 * (cut with "+"); into a pipe nothing is cut.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"

struct table {
	int ncols;
	char **cells;		/* row-major, header first */
	size_t nrows, cap;
};

struct table *table_new(int ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->ncols = ncols;
	table_add(t, headers);
	return t;
}

void table_add(struct table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xreallocarray(t->cells, t->cap * (size_t)t->ncols, sizeof *t->cells);
	}
	for (int i = 0; i < t->ncols; i++) {
		char vis[512];
		str_vis(vis, sizeof vis, cells[i] ? cells[i] : "");
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = xstrdup(vis);
	}
	t->nrows++;
}

/* Display width: count UTF-8 lead bytes only. */
static size_t width(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void fit(struct table *t, size_t *w)
{
	struct winsize ws;
	if (!isatty(1) || ioctl(1, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return;
	for (;;) {
		size_t total = 0, widest = 0;
		for (int i = 0; i < t->ncols; i++) {
			total += w[i] + 2;
			if (w[i] > w[widest])
				widest = (size_t)i;
		}
		if (total <= ws.ws_col || w[widest] <= 8)
			return;
		w[widest]--;
	}
}

void table_print(struct table *t, FILE *f)
{
	size_t *w = xcalloc((size_t)t->ncols, sizeof *w);
	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			size_t cw = width(t->cells[r * (size_t)t->ncols + (size_t)i]);
			if (cw > w[i])
				w[i] = cw;
		}
	fit(t, w);
	for (size_t r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			const char *c = t->cells[r * (size_t)t->ncols + (size_t)i];
			size_t cw = width(c), k = 0;
			if (cw > w[i]) {
				/* Cut at a character boundary, mark with '+'. */
				const char *p = c;
				for (; *p && k < w[i] - 1; p++)
					if ((((unsigned char)p[1]) & 0xc0) != 0x80)
						k++;
				fwrite(c, 1, (size_t)(p - c), f);
				putc('+', f);
				cw = w[i];
			} else
				fputs(c, f);
			if (i + 1 < t->ncols)
				fprintf(f, "%*s", (int)(w[i] - cw + 2), "");
		}
		putc('\n', f);
	}
	free(w);
}

size_t table_rows(const struct table *t)
{
	return t->nrows - 1;	/* the header is row 0 */
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

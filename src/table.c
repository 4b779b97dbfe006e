/*
 * table.c — terminal tables.
 *
 * Theory of operation: cells are escaped (str_vis) as they are added, so
 * job names with newlines or escape sequences cannot break the layout or
 * the terminal, and what is left is valid UTF-8.  Widths are display
 * columns, from a small built-in table of East Asian wide ranges and
 * combining marks rather than wcwidth(): wcwidth depends on the locale, and
 * under the C locale that scripts and cron run with it calls every CJK
 * character unprintable.
 *
 * Printing fits the table to a width (term_columns: $COLUMNS, else the
 * terminal's; into a pipe without COLUMNS nothing is cut): first the widest
 * column is narrowed, one column at a time, down to a floor that keeps
 * headers readable; if the table is still too wide, each line is cut at
 * the width.  A cut ends in "…" and never splits a character.  Lines are
 * built in a buffer and their trailing blanks dropped.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"

#define ELLIPSIS "\xe2\x80\xa6"	/* U+2026, one column */
#define MIN_COL 6		/* a narrowed column keeps this much, or its header */

struct table {
	int ncols;
	int header;		/* print row 0 */
	char **cells;		/* row-major, header first */
	size_t nrows, cap;
};

struct table *table_new(int ncols, const char *const *headers)
{
	struct table *t = xcalloc(1, sizeof *t);
	t->ncols = ncols;
	t->header = 1;
	table_add(t, headers);
	return t;
}

void table_set_header(struct table *t, int on)
{
	t->header = on;
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

/* Inclusive ranges, sorted. */
struct range {
	uint32_t lo, hi;
};

static const struct range zero_width[] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd }, { 0x0610, 0x061a },
	{ 0x064b, 0x065f }, { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
	{ 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f }, { 0x202a, 0x202e },
	{ 0x2060, 0x2064 }, { 0x20d0, 0x20ff }, { 0x302a, 0x302d }, { 0x3099, 0x309a },
	{ 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f }, { 0xfeff, 0xfeff }, { 0xe0100, 0xe01ef },
};

/* East Asian Wide and Fullwidth (Unicode's EastAsianWidth.txt, W and F), condensed. */
static const struct range wide[] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a }, { 0x23e9, 0x23ec },
	{ 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 }, { 0x25fd, 0x25fe }, { 0x2614, 0x2615 },
	{ 0x2648, 0x2653 }, { 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 }, { 0x26ce, 0x26ce },
	{ 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea }, { 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 },
	{ 0x26fa, 0x26fa }, { 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e }, { 0x2753, 0x2755 },
	{ 0x2757, 0x2757 }, { 0x2795, 0x2797 }, { 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf },
	{ 0x2b1b, 0x2b1c }, { 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x3247 }, { 0x3250, 0x4dbf }, { 0x4e00, 0xa4cf }, { 0xa960, 0xa97f },
	{ 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 }, { 0x17000, 0x18cff },
	{ 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e },
	{ 0x1f191, 0x1f19a }, { 0x1f200, 0x1f251 }, { 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 },
	{ 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca }, { 0x1f3cf, 0x1f3d3 },
	{ 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 }, { 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 },
	{ 0x1f442, 0x1f4fc }, { 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 },
	{ 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 }, { 0x1f5fb, 0x1f64f },
	{ 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc }, { 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6d7 },
	{ 0x1f6dc, 0x1f6df }, { 0x1f6eb, 0x1f6ec }, { 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7eb },
	{ 0x1f7f0, 0x1f7f0 }, { 0x1f90c, 0x1f93a }, { 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff },
	{ 0x1fa70, 0x1faff }, { 0x20000, 0x2fffd }, { 0x30000, 0x3fffd },
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cp < r[mid].lo)
			hi = mid;
		else if (cp > r[mid].hi)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

int char_width(uint32_t cp)
{
	if (in_ranges(cp, zero_width, sizeof zero_width / sizeof zero_width[0]))
		return 0;
	if (in_ranges(cp, wide, sizeof wide / sizeof wide[0]))
		return 2;
	return 1;
}

/* The character at p: its byte length (1 for a stray byte) and code point. */
static size_t next_char(const char *p, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t n = utf8_seq_len(s);
	if (n <= 1) {
		*cp = s[0];
		return 1;
	}
	uint32_t v = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		v = v << 6 | (s[i] & 0x3f);
	*cp = v;
	return n;
}

size_t text_width(const char *s)
{
	size_t w = 0;
	uint32_t cp;
	while (*s) {
		s += next_char(s, &cp);
		w += (size_t)char_width(cp);
	}
	return w;
}

/*
 * Append s to b, cut to at most maxw columns: when it does not fit, as many
 * whole characters as leave room for "…" (with their combining marks), then
 * "…".  Returns the columns written.
 */
static size_t put_cut(struct buf *b, const char *s, size_t maxw)
{
	size_t sw = text_width(s), w = 0, n;
	uint32_t cp;
	if (sw <= maxw) {
		buf_addstr(b, s);
		return sw;
	}
	if (maxw == 0)
		return 0;
	while (*s) {
		n = next_char(s, &cp);
		int cw = char_width(cp);
		if (w + (size_t)cw > maxw - 1)
			break;
		buf_add(b, s, n);
		w += (size_t)cw;
		s += n;
	}
	buf_addstr(b, ELLIPSIS);
	return w + 1;
}

size_t term_columns(FILE *f)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	if (env != NULL && *env != '\0') {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v > 0 && v <= 100000)
			return (size_t)v;
	}
	int fd = fileno(f);
	if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 0;
}

static const char *cell(const struct table *t, size_t r, int i)
{
	return t->cells[r * (size_t)t->ncols + (size_t)i];
}

/* Narrow the widest column until the table fits in cols, or all are at their floor. */
static void fit(const struct table *t, size_t *w, size_t cols)
{
	for (;;) {
		size_t total = 2 * (size_t)(t->ncols - 1);
		int widest = -1;
		for (int i = 0; i < t->ncols; i++) {
			size_t floor = t->header ? text_width(cell(t, 0, i)) : 0;
			if (floor < MIN_COL)
				floor = MIN_COL;
			total += w[i];
			if (w[i] > floor && (widest < 0 || w[i] > w[widest]))
				widest = i;
		}
		if (total <= cols || widest < 0)
			return;
		w[widest]--;
	}
}

void table_print_width(struct table *t, FILE *f, size_t cols)
{
	size_t *w = xcalloc((size_t)t->ncols, sizeof *w);
	size_t first = t->header ? 0 : 1;
	struct buf line, out;

	for (size_t r = first; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			size_t cw = text_width(cell(t, r, i));
			if (cw > w[i])
				w[i] = cw;
		}
	if (cols > 0)
		fit(t, w, cols);
	buf_init(&line, 1 << 20);
	buf_init(&out, 1 << 20);
	for (size_t r = first; r < t->nrows; r++) {
		buf_reset(&line);
		for (int i = 0; i < t->ncols; i++) {
			size_t cw = put_cut(&line, cell(t, r, i), w[i]);
			for (size_t k = cw; i + 1 < t->ncols && k < w[i] + 2; k++)
				buf_addc(&line, ' ');
		}
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.len--;
		if (line.data != NULL)
			line.data[line.len] = '\0';
		buf_reset(&out);
		if (cols > 0)
			put_cut(&out, line.data ? line.data : "", cols);
		else
			buf_addstr(&out, line.data ? line.data : "");
		if (out.len > 0)
			fwrite(out.data, 1, out.len, f);
		putc('\n', f);
	}
	buf_clear(&line);
	buf_clear(&out);
	free(w);
}

void table_print(struct table *t, FILE *f)
{
	table_print_width(t, f, term_columns(f));
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

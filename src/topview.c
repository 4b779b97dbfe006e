/*
 * topview.c — herd top's live view as a state machine: keys in, actions
 * out, and the screen drawn from the view and the last data.
 *
 * Theory of operation: everything a key decides is here, without a
 * terminal or a socket, so the unit tests press keys and read screens.
 * The selection is a line of the queue, remembered also by its job so
 * that a refresh that inserts or removes jobs above it does not move it to
 * another job under the user's finger (what c would then cancel).  Enter,
 * l and c name that job; the caller runs herd show, logs or cancel for it
 * (cmd_top.c), so the page says exactly what those commands say.  A page
 * is any bytes (a job's log): each line is escaped and cut by the table
 * code as every listing is, and of a line rewritten with \r (a progress
 * bar) only what a terminal would show last is kept.
 */
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "topkey.h"
#include "topview.h"
#include "util.h"

#define KEYS_HELP "q quit  u %s  j/k move  Enter show  l log  c cancel"

static void ref_of(const struct top_data *d, size_t i, char *buf, size_t size)
{
	if (i < d->jobs.n)
		job_display_id(buf, size, &d->jobs.v[i]);
	else
		buf[0] = '\0';
}

void top_view_sync(struct top_view *v, const struct top_data *d)
{
	char r[TOP_REF_MAX];
	for (size_t i = 0; v->ref[0] != '\0' && i < d->jobs.n; i++) {
		ref_of(d, i, r, sizeof r);
		if (strcmp(r, v->ref) == 0) {
			v->sel = i;
			return;
		}
	}
	if (v->sel >= d->jobs.n)
		v->sel = d->jobs.n > 0 ? d->jobs.n - 1 : 0;
	ref_of(d, v->sel, v->ref, sizeof v->ref);
}

static void page_free(struct top_view *v)
{
	free(v->page);
	v->page = NULL;
	v->page_len = 0;
}

void top_view_clear(struct top_view *v)
{
	page_free(v);
}

void top_view_page(struct top_view *v, const char *text, size_t len, int tail)
{
	page_free(v);
	v->page = xmalloc(len + 1);
	memcpy(v->page, text, len);
	v->page[len] = '\0';
	v->page_len = len;
	v->page_tail = tail;
	v->mode = TV_PAGE;
}

static enum top_act move(struct top_view *v, const struct top_data *d, int down)
{
	if (d->jobs.n == 0)
		return TA_NONE;
	if (down && v->sel + 1 < d->jobs.n)
		v->sel++;
	else if (!down && v->sel > 0)
		v->sel--;
	ref_of(d, v->sel, v->ref, sizeof v->ref);
	return TA_REDRAW;
}

static enum top_act list_key(struct top_view *v, const struct top_data *d, int key)
{
	int have = v->ref[0] != '\0';
	switch (key) {
	case 'q': case 'Q': case TK_INTR:
		return TA_QUIT;
	case 'u':
		v->mine = !v->mine;
		return TA_REFETCH;
	case 'j': case TK_DOWN:
		return move(v, d, 1);
	case 'k': case TK_UP:
		return move(v, d, 0);
	case TK_ENTER:
		return have ? TA_SHOW : TA_NONE;
	case 'l':
		return have ? TA_LOG : TA_NONE;
	case 'c':
		if (!have)
			return TA_NONE;
		v->mode = TV_CONFIRM;
		memcpy(v->ask, v->ref, sizeof v->ask);
		snprintf(v->status, sizeof v->status, "Cancel job %s? [y/N]", v->ask);
		return TA_REDRAW;
	default:
		return TA_NONE;
	}
}

enum top_act top_view_key(struct top_view *v, const struct top_data *d, int key)
{
	switch (v->mode) {
	case TV_PAGE:	/* any key returns */
		page_free(v);
		v->mode = TV_LIST;
		return key == TK_INTR ? TA_QUIT : TA_REDRAW;
	case TV_CONFIRM:
		v->mode = TV_LIST;
		if (key == 'y' || key == 'Y')
			return TA_CANCEL;
		snprintf(v->status, sizeof v->status, "job %s not cancelled", v->ask);
		return key == TK_INTR ? TA_QUIT : TA_REDRAW;
	default:
		v->status[0] = '\0';
		return list_key(v, d, key);
	}
}

/* The line as a terminal leaves it: after its last \r; NUL shown as a byte. */
static char *line_shown(const char *p, size_t n)
{
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '\r' && i < n) {	/* a trailing \r (CRLF) rewrites nothing */
			n -= i;
			p += i;
			break;
		}
	char *s = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = p[i] == '\0' ? '\1' : p[i];	/* \1 is escaped like any control byte */
	s[n] = '\0';
	return s;
}

/* The page: its first rows lines, or its last ones for a log. */
static void page_draw(FILE *f, const struct top_view *v, size_t cols, size_t rows)
{
	static const char *hdr[] = { "" };
	const char *p = v->page, *end = v->page + v->page_len;
	size_t nlines = 0, first = 0;
	if (v->page_len > 0 && end[-1] == '\n')
		end--;
	for (const char *q = p; q < end; q++)
		nlines += *q == '\n';
	nlines += v->page_len > 0;
	if (v->page_tail && rows > 0 && nlines > rows)
		first = nlines - rows;
	struct table *t = table_new(1, hdr);
	table_set_header(t, 0);
	for (size_t i = 0; p < end && (rows == 0 || i < first + rows); i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (i >= first) {
			char *s = line_shown(p, n);
			const char *cells[] = { s };
			table_add(t, cells);
			free(s);
		}
		p += n + (nl != NULL);
	}
	table_print_width(t, f, cols);
	for (size_t i = table_rows(t); rows > 0 && i < rows; i++)
		fputc('\n', f);
	table_free(t);
}

void top_view_draw(FILE *f, struct top_view *v, struct top_data *d, size_t cols, size_t rows)
{
	char help[128], line[256];
	size_t body = rows > 1 ? rows - 1 : 0;
	if (v->mode == TV_PAGE) {
		page_draw(f, v, cols, body);
		snprintf(line, sizeof line, "-- any key returns --");
	} else {
		top_view_sync(v, d);
		d->sel = v->ref[0] ? v->ref : NULL;
		d->sel_line = v->sel;
		top_frame(f, d, cols, body);
		snprintf(help, sizeof help, KEYS_HELP, v->mine ? "all jobs" : "my jobs");
		snprintf(line, sizeof line, "%s", v->status[0] ? v->status : help);
	}
	char vis[512];
	str_vis(vis, sizeof vis, line);
	if (cols > 0 && strlen(vis) > cols)	/* ASCII after str_vis: bytes are columns */
		vis[cols] = '\0';
	fputs(vis, f);
}

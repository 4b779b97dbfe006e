/*
 * topview.h — what herd top's live view is showing and what a key does to
 * it: the selected job, "my jobs only", a page (a job's details or log)
 * or a question.  Pure: keys in, an action out; top_live.c does the I/O.
 *
 * Ownership: struct top_view owns page (top_view_page copies, and any key
 * on the page or top_view_clear frees it).
 */
#ifndef HERD_TOPVIEW_H
#define HERD_TOPVIEW_H

#include <stddef.h>
#include <stdio.h>
#include "topframe.h"

enum top_mode { TV_LIST, TV_PAGE, TV_CONFIRM };

/* What the caller must do after a key. */
enum top_act {
	TA_NONE,	/* nothing changed */
	TA_REDRAW,	/* draw again from the data it has */
	TA_REFETCH,	/* ask herdd again (u changed whose jobs), then draw */
	TA_QUIT,
	TA_SHOW,	/* herd show v->ref into a page */
	TA_LOG,		/* herd logs v->ref into a page */
	TA_CANCEL,	/* herd cancel v->ask (the user said y) */
};

#define TOP_REF_MAX 96

struct top_view {
	enum top_mode mode;
	int mine;			/* u: only the jobs of whoever runs herd top */
	size_t sel;			/* the selected line of the queue */
	char ref[TOP_REF_MAX];		/* its job ("123", "123_7"); "" when none */
	char ask[TOP_REF_MAX];		/* the job c asked about: y cancels this one,
					 * whatever a refresh did to the selection */
	char status[256];		/* the bottom line: a question or an answer */
	char *page;			/* TV_PAGE's text, as herd show or logs printed it */
	size_t page_len;
	int page_tail;			/* a log: show the end that fits, not the start */
};

/* The selection after new data: the same job where it is still there,
 * else the same line (within the queue). */
void top_view_sync(struct top_view *v, const struct top_data *d);

enum top_act top_view_key(struct top_view *v, const struct top_data *d, int key);

/* Show text (len bytes, any bytes) as a page until the next key. */
void top_view_page(struct top_view *v, const char *text, size_t len, int tail);

void top_view_clear(struct top_view *v);

/*
 * The whole screen for the view: the frame (selection marked) or the page,
 * and the bottom line (keys, a question or an answer), fitted to cols x rows.
 */
void top_view_draw(FILE *f, struct top_view *v, struct top_data *d, size_t cols, size_t rows);

#endif

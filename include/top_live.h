/*
 * top_live.h — herd top's live view on a terminal: keys (topkey.c) drive
 * the view (topview.c), changed lines only are redrawn (topdiff.c), the
 * data refreshed every TOP_LIVE_PERIOD_MS, the terminal as it was on every
 * way out.
 *
 * Ownership: ops and its arg are borrowed for the call.
 */
#ifndef HERD_TOP_LIVE_H
#define HERD_TOP_LIVE_H

#include <stddef.h>
#include <stdio.h>

#include "topframe.h"
#include "topview.h"

#define TOP_LIVE_PERIOD_MS 2000
#define TOP_LIVE_ESC_MS 50	/* silence after ESC that makes it the Esc key */

struct top_live_ops {
	/* The data of a frame (mine: the user's jobs only); non-zero: herdd is gone. */
	int (*fetch)(void *arg, int mine, struct top_data *d);
	/* herd show, logs or cancel of ref (a = TA_SHOW, TA_LOG, TA_CANCEL): what it
	 * printed, malloc'd, in *text (the caller frees).  Its status. */
	int (*run)(void *arg, enum top_act a, const char *ref, char **text, size_t *len);
	void *arg;
};

/*
 * Run the live view until q, Ctrl-C, SIGTERM or SIGHUP (0), or until fetch
 * fails (its status), always restoring the terminal first.  in and out
 * must be the same terminal.  1 if the terminal cannot be set up.
 */
int top_live(int in, int out, const struct top_live_ops *ops);

#endif

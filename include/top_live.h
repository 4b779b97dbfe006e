/*
 * top_live.h — herd top's live view on a terminal: keys (topkey.c) drive
 * the view (topview.c), changed lines only are redrawn (topdiff.c), the
 * data asked again when herdd says something changed, the terminal as it
 * was on every way out.
 *
 * Ownership: ops and its arg are borrowed for the call.
 */
#ifndef HERD_TOP_LIVE_H
#define HERD_TOP_LIVE_H

#include <stddef.h>
#include <stdio.h>

#include "topframe.h"
#include "topview.h"

#define TOP_LIVE_PERIOD_MS 2000	/* ask again this often without herdd's events */
#define TOP_LIVE_RESYNC_MS 30000	/* ... and with them, in case */
#define TOP_LIVE_EVENT_GAP_MS 250	/* between two asks on events: a burst is one */
#define TOP_LIVE_TICK_MS 1000	/* the clock's fields move on without asking */
#define TOP_LIVE_ESC_MS 50	/* silence after ESC that makes it the Esc key */

struct top_live_ops {
	/* The data of a frame (mine: the user's jobs only); non-zero: herdd is gone. */
	int (*fetch)(void *arg, int mine, struct top_data *d);
	/* herd show, logs or cancel of ref (a = TA_SHOW, TA_LOG, TA_CANCEL): what it
	 * printed, malloc'd, in *text (the caller frees).  Its status. */
	int (*run)(void *arg, enum top_act a, const char *ref, char **text, size_t *len);
	/* herdd's events: watch_fd readable means one waits; watch_event reads it
	 * (non-zero: herdd is gone).  watch_fd -1: none, ask every TOP_LIVE_PERIOD_MS. */
	int watch_fd;
	int (*watch_event)(void *arg);
	void *arg;
};

/*
 * Run the live view until q, Ctrl-C, SIGTERM or SIGHUP (0), or until fetch
 * fails (its status), always restoring the terminal first.  in and out
 * must be the same terminal.  1 if the terminal cannot be set up.
 */
int top_live(int in, int out, const struct top_live_ops *ops);

#endif

/*
 * top_live.h — herd top's live view on a terminal: the whole screen
 * redrawn every TOP_LIVE_PERIOD_MS, q or Ctrl-C to quit, the terminal as
 * it was on every way out.
 */
#ifndef HERD_TOP_LIVE_H
#define HERD_TOP_LIVE_H

#include <stddef.h>
#include <stdio.h>

#define TOP_LIVE_PERIOD_MS 2000

/*
 * Draw frames with draw(arg, f, cols, rows) until q, Ctrl-C, SIGTERM or
 * SIGHUP, or until draw returns non-zero (its status is returned, after
 * the terminal is restored).  in and out must be the same terminal.
 * Returns 0 after a quit, 1 if the terminal cannot be set up.
 */
int top_live(int in, int out, int (*draw)(void *arg, FILE *f, size_t cols, size_t rows),
    void *arg);

#endif

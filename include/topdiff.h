/*
 * topdiff.h — the bytes that change one screen of herd top into the next.
 * Pure: two texts in, escape sequences out; top_live.c writes them.
 */
#ifndef HERD_TOPDIFF_H
#define HERD_TOPDIFF_H

#include <stddef.h>
#include <stdio.h>

/*
 * prev and next are screens as text, a line per row, '\n' between lines
 * (no control bytes within).  Writes to f what turns a terminal showing
 * prev into one showing next: every line that differs rewritten at its
 * row, a row that next no longer has cleared.  prev NULL: the terminal's
 * content is unknown (first frame, resize): home, clear, every line.
 * cols: the terminal's width (a line that fills it is not followed by an
 * erase, which would take its last character on many terminals).
 */
void top_diff(FILE *f, const char *prev, const char *next, size_t cols);

#endif

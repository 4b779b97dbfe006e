/*
 * topframe.h — one frame of `herd top` as text, from the frames herdd
 * already answers (`nodes`, `queue`, `history`).  Pure: no socket, no
 * terminal; cmd_top.c fetches and prints.
 *
 * Ownership: struct top_data owns copies of the frames it was given
 * (top_data_add copies); top_data_clear frees them.
 */
#ifndef HERD_TOPFRAME_H
#define HERD_TOPFRAME_H

#include <stdint.h>
#include <stdio.h>
#include "proto.h"

struct top_list {
	struct msg *v;
	size_t n, cap;
};

struct top_data {
	struct top_list nodes;	/* "node" frames, as herd nodes gets them */
	struct top_list jobs;	/* "job" frames of the queue (planned_start, reason) */
	struct top_list ends;	/* "job" frames of herd history, newest first */
	int64_t now;		/* wall seconds: the header's clock, expected starts */
	const char *sel;	/* live view: the selected job's id, marked ">"; NULL none */
	size_t sel_line;	/* its line in jobs, kept on screen when the queue is cut */
};

/* A copy of m at the end of l. */
void top_list_add(struct top_list *l, const struct msg *m);
void top_data_clear(struct top_data *d);

/*
 * The frame: a summary line, every node and GPU, the queue, recent ends.
 * cols: display columns every line fits in (0: no cut).  rows: lines the
 * frame fits in (0: no bound); each section then shows what fits, sharing
 * the lines out in turn, a cut section ending in "… N more".
 */
void top_frame(FILE *f, const struct top_data *d, size_t cols, size_t rows);

/* "[#####-----]": used of total as a bar `width` characters inside the
 * brackets; "[?????]" where either is unknown. */
void top_bar(char *buf, size_t size, int64_t used, int64_t total, int width);

#endif

/*
 * jobcols.h — the columns a job listing can show (herd queue and herd
 * history --format, squeue's -o letters) and their text from a "job"
 * frame; a listing printed in the columns a spec (listfmt.h) names.
 *
 * Client side: herdd answers with data, the text is made here.
 */
#ifndef HERD_JOBCOLS_H
#define HERD_JOBCOLS_H

#include <stddef.h>
#include <stdint.h>

#include "listfmt.h"

struct msg;
struct job_filter;

extern const struct listfmt_col jobcols[];
extern const size_t njobcols;

/* Column col's text for frame m at wall time now: a string of the frame or
 * buf (size bytes) filled. */
const char *jobcol_value(size_t col, const struct msg *m, int64_t now, char *buf, size_t size);

/*
 * req's frames (those filter keeps; NULL all) printed as f says: a table
 * with the named columns (named), else squeue-style lines.  The exit
 * status of the listing (0, or 1 with herdd's error printed).
 */
int jobcols_list(const struct msg *req, const struct listfmt *f, int named, int noheader,
    const struct job_filter *filter);

#endif

/*
 * housekeep.h — the node-side programs that keep a node's herd directory
 * bounded: which ended jobs' files are there, rotating the events file,
 * removing the files of jobs whose results are in the database.
 *
 * The controller's side (what is due, when to run) is ctl_outage.c; the
 * decision of which files may go is job_files_due() (nodestate.h).
 * Answers are node reply lines (launch_parse_reply, kind 'C'):
 *
 *   C KEY ended        KEY's runner recorded its end (exit or failed)
 *   C - rotated        the events file was over the bound and was rotated
 *   C - done           the list is complete
 */
#ifndef HERD_HOUSEKEEP_H
#define HERD_HOUSEKEEP_H

#include <stddef.h>
#include <stdint.h>

#include "jobkey.h"
#include "util.h"

/* The events file is rotated (to events.1, replacing the older one) past this. */
#define HOUSEKEEP_EVENTS_MAX (4LL << 20)

/* List the ended keys of `prefix` and rotate the events file past max_bytes. */
int housekeep_list(struct buf *out, const char *herd_dir, const char *prefix, int64_t max_bytes);
/* Remove every file of each key (KEY.script, .state, .err, .cancel). */
int housekeep_remove(struct buf *out, const char *herd_dir, const struct job_key *keys, size_t n);

#endif

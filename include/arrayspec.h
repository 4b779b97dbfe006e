/*
 * arrayspec.h — a job array's task ids as Slurm's --array spells them
 * ("0-99", "1,3,5-9", "0-999:10", "0-99%8"), and the job references that
 * name an array, one task or a set of tasks ("123", "123_7", "123_[1-5]").
 *
 * A set of task ids is kept as a sorted list of arithmetic ranges, never one
 * entry per task: "0-99999" is one range of 12 bytes however many tasks it
 * has.  Ranges never overlap (each one's end is below the next one's start),
 * so membership, the next task and the count all follow from the ranges.
 *
 * Ownership: a struct arrayspec is set up with arrayspec_init() (or filled by
 * arrayspec_parse()) and released with arrayspec_clear(); it owns its ranges.
 * A struct jobref owns the task set it may carry; release it with
 * jobref_clear().  Every function here is pure: no I/O, no globals.
 */
#ifndef HERD_ARRAYSPEC_H
#define HERD_ARRAYSPEC_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Slurm's default max_array_size: task ids 0..1000. */
#define ARRAYSPEC_DEFAULT_SIZE	1001
/* The largest max_array_size a site may set (Slurm's own bound).  Stored
 * specs are re-read with it, so a lowered limit never loses a queued task. */
#define ARRAYSPEC_MAX_SIZE	4000001
/* A spec or a job reference longer than this is refused unread. */
#define ARRAYSPEC_TEXT_MAX	65536

struct array_range {
	uint32_t start;
	uint32_t end;		/* the last member: start + k * step */
	uint32_t step;		/* >= 1 */
};

struct arrayspec {
	struct array_range *r;	/* sorted; r[i].end < r[i + 1].start */
	size_t n, cap;
	uint32_t throttle;	/* most tasks running at once; 0: no limit */
};

void arrayspec_init(struct arrayspec *a);
void arrayspec_clear(struct arrayspec *a);
/* Make dst (initialised; its old ranges are freed) a copy of src. */
void arrayspec_copy(struct arrayspec *dst, const struct arrayspec *src);

/*
 * Parse an --array value: items "N", "N-M" or "N-M:S" separated by commas,
 * then an optional "%T" throttle.  Every task id must be below
 * max_array_size (1..ARRAYSPEC_MAX_SIZE).  Duplicates and overlaps are
 * merged.  Returns 0, or -1 with *err like
 *   invalid --array "5-1": range end below its start
 * and *a left empty.  *a need not be initialised.
 */
int arrayspec_parse(struct arrayspec *a, const char *s, uint32_t max_array_size,
    char *err, size_t errsz);

/* Number of tasks in the set (not counting the throttle). */
uint64_t arrayspec_count(const struct arrayspec *a);
/* Smallest / largest task id into *t: 0, or -1 if the set is empty. */
int arrayspec_min(const struct arrayspec *a, uint32_t *t);
int arrayspec_max(const struct arrayspec *a, uint32_t *t);
/* The gap between tasks if the set is one arithmetic progression of two or
 * more tasks (SLURM_ARRAY_TASK_STEP), else 1. */
uint32_t arrayspec_step(const struct arrayspec *a);
/* 1 if task t is in the set, else 0. */
int arrayspec_has(const struct arrayspec *a, uint32_t t);
/* The first task above `after` (-1 for the first of all) into *t: 1, or 0
 * when there is none.  Walks the set in order without expanding it. */
int arrayspec_next(const struct arrayspec *a, int64_t after, uint32_t *t);

/* Remove task t (it started, or was cancelled): 1 if it was there, else 0.
 * A range splits in two at most, so the set stays a few ranges. */
int arrayspec_remove(struct arrayspec *a, uint32_t t);
/* Remove every task in lo..hi; returns how many were removed. */
uint64_t arrayspec_remove_range(struct arrayspec *a, uint32_t lo, uint32_t hi);
/* Remove every task of `sel` (its throttle is ignored); returns how many. */
uint64_t arrayspec_remove_set(struct arrayspec *a, const struct arrayspec *sel);

/*
 * Append the set as squeue prints it: "1,3,5-9", "0-990:10", "8-99%8"
 * (ranges of two tasks with a step print as "0,2").  arrayspec_parse()
 * reads the text back to the same set.  An empty set prints as "".
 * Returns 0, or -1 if `out` would pass its maximum (out is then unchanged).
 */
int arrayspec_format(const struct arrayspec *a, struct buf *out);
/*
 * The same text cut to fit dst (size > 0): when it does not fit, it ends
 * with "..." after the last whole item that fits, then the throttle if there
 * is room ("1,3,5,...%4").  Returns the length written; never cuts a number.
 */
size_t arrayspec_format_short(const struct arrayspec *a, char *dst,
    size_t size);

/* A job, one task of an array job, or a set of its tasks. */
enum jobref_kind { JOBREF_JOB, JOBREF_TASK, JOBREF_TASKS };

struct jobref {
	int64_t id;		/* >= 1 */
	enum jobref_kind kind;
	uint32_t task;		/* JOBREF_TASK */
	struct arrayspec tasks;	/* JOBREF_TASKS; empty otherwise */
};

void jobref_init(struct jobref *r);
void jobref_clear(struct jobref *r);

/*
 * Parse "123", "123_7" or "123_[1-5]" / "123_[1,3,5-7]" (any spec without a
 * throttle).  Task ids may go up to ARRAYSPEC_MAX_SIZE - 1; whether the job
 * has them is for the caller.  Returns 0, or -1 with *err like
 *   invalid job id "12x": ...
 * and *r left as after jobref_init().  *r need not be initialised.
 */
int jobref_parse(struct jobref *r, const char *s, char *err, size_t errsz);
/* Append the reference in the same spelling; 0 or -1 as arrayspec_format. */
int jobref_format(const struct jobref *r, struct buf *out);

#endif

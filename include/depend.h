/*
 * depend.h — Slurm's --dependency: parse, print in Slurm's spelling with
 * each item's state, and decide from the referenced jobs' states whether a
 * job may start now, must wait, or never can.
 *
 * Ownership: a struct depend is filled by depend_parse() (or set up with
 * depend_init()) and released with depend_clear(); it owns its items.
 * Everything here is pure: the caller looks the referenced jobs up and
 * hands their states in, so the rules are tested without a controller.
 */
#ifndef HERD_DEPEND_H
#define HERD_DEPEND_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* More job references than this in one --dependency are refused. */
#define DEPEND_MAX_ITEMS	1024
/* Longer text is refused unread. */
#define DEPEND_TEXT_MAX		65536
/* The largest +MINUTES of after:ID+MINUTES (one year). */
#define DEPEND_MAX_MINUTES	525600

enum dep_type {
	DEP_AFTER,		/* the job started (or ended without starting) */
	DEP_AFTERANY,		/* the job ended, however */
	DEP_AFTEROK,		/* the job ended with exit code 0 */
	DEP_AFTERNOTOK,		/* the job ended otherwise */
	DEP_AFTERCORR,		/* task N of the array ended ok, for our task N */
	DEP_SINGLETON,		/* no other job of this name and user runs */
	DEP_NTYPES
};

struct dep_item {
	enum dep_type type;
	int64_t job;		/* >= 1; 0 for singleton */
	int64_t task;		/* one task of an array job; -1: the whole job */
	uint32_t minutes;	/* after:ID+MINUTES; 0 otherwise */
};

struct depend {
	struct dep_item *items;
	size_t n;
	int any;		/* 1: '?' (any item will do); 0: ',' (all) */
};

void depend_init(struct depend *d);
void depend_clear(struct depend *d);

/*
 * Parse "afterok:12:13,afterany:14_2", "afterok:1?afternotok:2",
 * "after:12+10", "singleton".  Returns 0, or -1 with *err like
 *   invalid --dependency "afterok:x": "x" is not a job id (123 or 123_7)
 * and *d left empty.  *d need not be initialised.
 */
int depend_parse(struct depend *d, const char *s, char *err, size_t errsz);

/* "afterok" etc. (a static string). */
const char *depend_type_name(enum dep_type t);

enum dep_verdict {
	DEP_WAIT,		/* not yet: look again when something changes */
	DEP_SATISFIED,		/* may start */
	DEP_NEVER,		/* can never be met: DependencyNeverSatisfied */
};

/*
 * What the caller knows of an item's job, in the item's order.  A plain job
 * or one array task is one task; an array job named as a whole (an array ID
 * means all its tasks) is counted over its tasks, not yet started ones in
 * `pending`.  For aftercorr give the corresponding task of the other array
 * (the one with our own task id); for singleton give in `running` how many
 * other jobs of the same name and user run (the caller evaluates again after
 * each start, so two singletons never start in one pass).
 */
struct dep_status {
	int exists;		/* 0: no such job (never was, or purged) */
	uint32_t pending;	/* not started yet (held or not) */
	uint32_t running;	/* started, not ended */
	uint32_t ok;		/* ended with exit code 0 */
	uint32_t notok;		/* ended otherwise: failed, timeout, node
				 * fail, or cancelled (started or not) */
	int64_t last_start;	/* after+MINUTES: when the last task started
				 * or ended without starting (epoch s) */
};

/*
 * The verdict for one item.  *wake_at (may be NULL) is set to the epoch
 * second an after:ID+MINUTES wait runs out, else left alone.
 */
enum dep_verdict depend_item_eval(const struct dep_item *it,
    const struct dep_status *st, int64_t now, int64_t *wake_at);

/*
 * The verdict for the whole expression: with ',' NEVER if any item is
 * NEVER, SATISFIED if all are; with '?' SATISFIED if any item is, NEVER if
 * all are; else WAIT.  st[i] belongs to d->items[i].  per_item (may be NULL,
 * else d->n entries) receives each item's verdict for depend_format();
 * *wake_at (may be NULL) receives the earliest time a timed wait runs out,
 * or 0 if none.  An empty expression is SATISFIED.
 */
enum dep_verdict depend_eval(const struct depend *d,
    const struct dep_status *st, int64_t now, enum dep_verdict *per_item,
    int64_t *wake_at);

/*
 * Append the expression in Slurm's spelling, one job per item:
 * "afterok:12(unfulfilled),afterany:13_2(failed)", "after:5+10",
 * "singleton(fulfilled)".  v (may be NULL: no states printed) holds d->n
 * verdicts.  depend_parse() reads the text without states back to the same
 * expression.  Returns 0, or -1 if `out` would pass its maximum (out is
 * then unchanged).
 */
int depend_format(const struct depend *d, const enum dep_verdict *v,
    struct buf *out);

#endif

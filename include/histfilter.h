/*
 * histfilter.h — which ended jobs herd history (herd acct) shows: the
 * filters of its request (-u, -A, -p, --state, -N, --name, -S/-E), matched
 * in herdd against each row so that -n counts the jobs that match and rows
 * nobody asked for are never sent.
 *
 * Pure: a predicate over a job row, no I/O.  Every list empty means any;
 * the lists borrow the request's strings (the filter lives no longer than
 * the request it was read from).
 */
#ifndef HERD_HISTFILTER_H
#define HERD_HISTFILTER_H

#include <stddef.h>
#include <stdint.h>

#define HIST_FILTER_VALUES 64	/* values of one filter; more are refused */
#define HIST_FILTER_TEXT_MAX 256	/* bytes of one value; longer is refused */

struct job_row;

struct hist_list {
	const char *v[HIST_FILTER_VALUES];
	size_t n;
};

struct hist_filter {
	struct hist_list users;		/* names, or uids in decimal */
	struct hist_list accounts, parts, names, nodes;
	unsigned states;		/* bit per JOB_* state; 0: any */
	int64_t since, until;		/* wall seconds; 0: unbounded */
};

/*
 * Whether the ended job r passes: each list names its value (a job in
 * partitions "a,b" matches either; a user by name or uid), its state is in
 * states, and it was in the system during [since, until]: ended at or
 * after since and submitted at or before until, as sacct's -S/-E select
 * jobs "in any state" within the window.  `user` is the row's user name
 * as herdd shows it (r->user, or the uid's name where the row has none).
 */
int hist_filter_match(const struct hist_filter *f, const struct job_row *r, const char *user);

/* Whether any filter is set (then herdd reads past -n rows to find -n). */
int hist_filter_active(const struct hist_filter *f);

#endif

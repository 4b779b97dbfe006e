/*
 * histfilter.c — herd history's filters over an ended job's row.
 *
 * Theory of operation: the filters are matched in herdd, not in the
 * client, because -n counts matching jobs: a client filtering the 50
 * newest rows would show fewer than asked, or none, while older matches
 * exist.  herdd walks the history newest first and stops at -n matches,
 * so a filtered listing costs the rows it reads, never rows it sends.
 * Matching is exact (names as stored; sacct's lists are exact too); a
 * partition filter matches a job submitted to several partitions if it
 * names any of them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "histfilter.h"
#include "util.h"

static int in_list(const struct hist_list *l, const char *s)
{
	for (size_t i = 0; s != NULL && i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static int user_in(const struct hist_list *l, const struct job_row *r, const char *user)
{
	char uid[24];
	snprintf(uid, sizeof uid, "%" PRIu32, (uint32_t)r->uid);
	return in_list(l, user) || in_list(l, uid);
}

int hist_filter_active(const struct hist_filter *f)
{
	return f->users.n || f->accounts.n || f->parts.n || f->names.n || f->nodes.n ||
	    f->states || f->since || f->until;
}

int hist_filter_match(const struct hist_filter *f, const struct job_row *r, const char *user)
{
	if (f->users.n && !user_in(&f->users, r, user))
		return 0;
	if (f->accounts.n && !in_list(&f->accounts, r->account))
		return 0;
	if (f->parts.n && !csv_has_any(r->partition, f->parts.v, f->parts.n))
		return 0;
	if (f->names.n && !in_list(&f->names, r->name))
		return 0;
	if (f->nodes.n && !in_list(&f->nodes, r->node))
		return 0;
	if (f->states && (r->state < 0 || r->state >= 32 || !(f->states & (1u << r->state))))
		return 0;
	if (f->since && r->end_time < f->since)
		return 0;
	if (f->until && r->submit_time > f->until)
		return 0;
	return 1;
}

/*
 * eligible.c — the pure rules of when a pending job may start: its
 * pending reason, who may hold and release it, and nice.  See eligible.h.
 *
 * Nice orders a user's own jobs only (the issue that adds priorities will
 * weigh it against other users): each user's jobs keep the places their
 * jobs hold in the first-come-first-served queue, and fill them by nice.
 * So a user with nice jobs never moves ahead of, or behind, anyone else.
 */
#include <stdio.h>
#include <stdlib.h>

#include "depend.h"
#include "eligible.h"
#include "util.h"

const char *elig_reason(int hold, int dep_state, int64_t begin_time, int64_t now)
{
	if (hold == JOB_HOLD_ADMIN)
		return "JobHeldAdmin";
	if (hold != JOB_HOLD_NONE)
		return "JobHeldUser";
	if (dep_state == DEP_NEVER)
		return "DependencyNeverSatisfied";
	if (dep_state == DEP_WAIT)
		return "Dependency";
	if (begin_time > now)
		return "BeginTime";
	return NULL;
}

int elig_hold_kind(uid_t uid, int as_admin, int at_submit)
{
	/* sbatch --hold is a user hold, whoever submits; scontrol hold by an
	 * operator an admin one.  herdd's own user (personal mode's only user)
	 * holding its own jobs holds them as a user. */
	return (uid == 0 || as_admin) && !at_submit ? JOB_HOLD_ADMIN : JOB_HOLD_USER;
}

int elig_may_hold(int may_act, int may_admin, int cur, int hold, char *err, size_t errsz)
{
	if (!may_act) {
		snprintf(err, errsz, "not yours");
		return -1;
	}
	if (!hold && cur == JOB_HOLD_ADMIN && !may_admin) {
		snprintf(err, errsz, "held by an admin (JobHeldAdmin): only an admin or root may "
		    "release it");
		return -1;
	}
	return 0;
}

struct slot {
	const struct elig_key *k;
	size_t idx;
};

/* By user, then nice, then id: the order a user's jobs fill their places. */
static int by_nice(const void *a, const void *b)
{
	const struct elig_key *x = ((const struct slot *)a)->k, *y = ((const struct slot *)b)->k;
	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	if (x->nice != y->nice)
		return x->nice < y->nice ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* By user, then place: the places each user's jobs hold. */
static int by_place(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->k->uid != y->k->uid)
		return x->k->uid < y->k->uid ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void elig_nice_order(const struct elig_key *keys, size_t n, size_t *order)
{
	if (n == 0)
		return;
	struct slot *jobs = xreallocarray(NULL, n, sizeof *jobs);
	struct slot *places = xreallocarray(NULL, n, sizeof *places);
	for (size_t i = 0; i < n; i++)
		jobs[i] = places[i] = (struct slot){ &keys[i], i };
	qsort(jobs, n, sizeof *jobs, by_nice);
	qsort(places, n, sizeof *places, by_place);
	/* Both are grouped by user in the same order with the same sizes. */
	for (size_t i = 0; i < n; i++)
		order[places[i].idx] = jobs[i].idx;
	free(jobs);
	free(places);
}

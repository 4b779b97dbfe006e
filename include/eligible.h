/*
 * eligible.h — when a pending job may start: the pure rules behind its
 * pending reason, holds and nice.  The controller (ctl_elig.c) keeps the
 * state in each job and asks these; the tests ask them without one.
 */
#ifndef HERD_ELIGIBLE_H
#define HERD_ELIGIBLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Who holds a job (struct job.hold, the database's "hold", JSON "held"). */
enum { JOB_HOLD_NONE, JOB_HOLD_USER, JOB_HOLD_ADMIN };

/* --nice's bounds: Slurm's (NICE_OFFSET - 3). */
#define NICE_MAX	2147483645LL

/*
 * Why a pending job may not start yet, as Slurm names it: JobHeldAdmin,
 * JobHeldUser, DependencyNeverSatisfied, Dependency, BeginTime; NULL if
 * nothing keeps it (it then waits for Resources or Priority).  dep_state is
 * an enum dep_verdict.  Holds come first, then the dependency, then the
 * begin time, as squeue shows them.
 */
const char *elig_reason(int hold, int dep_state, int64_t begin_time, int64_t now);

/* The hold a `herd hold` (or --hold at submit by root) by uid puts on a job. */
int elig_hold_kind(uid_t uid, int at_submit);

/*
 * Whether uid may hold (hold 1) or release (hold 0) a job of owner in
 * hold state `cur`: the owner or root, and a hold by root only root may
 * release.  0, or -1 with *err ("held by root: only root may release it").
 */
int elig_may_hold(uint32_t owner, uid_t uid, int cur, int hold, char *err, size_t errsz);

/*
 * The order of a pass by nice: pending jobs keep the places their users'
 * jobs have in first-come-first-served order, and each user's own jobs
 * fill their places by nice (lower first), then by submission.  keys[i]
 * is the job at FCFS place i; order[] receives the key index for each
 * place.  O(n log n); allocates.
 */
struct elig_key {
	uint32_t uid;
	int32_t nice;
	int64_t id;
};
void elig_nice_order(const struct elig_key *keys, size_t n, size_t *order);

#endif

/*
 * eligible.h — when a pending job may start: the pure rules behind its
 * pending reason and holds (nice is priority.c's).  The controller (ctl_elig.c) keeps the
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

/*
 * The hold a `herd hold` by uid puts on a job: root's, and an admin's of
 * another user's job (as_admin: authz.h's AUTHZ_ADMIN), is JobHeldAdmin;
 * --hold at submit is a user hold, whoever submits.
 */
int elig_hold_kind(uid_t uid, int as_admin, int at_submit);

/*
 * Whether a requester may hold (hold 1) or release (hold 0) a job in hold
 * state `cur`, by authz.h's verdicts: may_act (the owner or an admin may
 * hold and release) and may_admin (an admin hold is lifted only by an
 * admin or root).  0, or -1 with *err ("not yours", or "held by an
 * admin ...: only an admin or root may release it").
 */
int elig_may_hold(int may_act, int may_admin, int cur, int hold, char *err, size_t errsz);


#endif

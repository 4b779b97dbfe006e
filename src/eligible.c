/*
 * eligible.c — the pure rules of when a pending job may start: its
 * pending reason and who may hold and release it.  See eligible.h.
 * (Nice is a term of multifactor priority: priority.c.)
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

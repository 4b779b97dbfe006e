/*
 * ctl_isolate.c — the controller's side of job isolation (isolate.c has the
 * node's): what a kill found outside the job's process group.
 *
 * Theory of operation: where a node has no cgroup for a job, the kill
 * program also signals the processes that carry the job's HERD_JOB_KEY but
 * left its process group (setsid, a double fork), and answers how many.
 * That is worth telling the user: the job did something a plain process
 * group kill would have missed, and on a node without the marker (a job
 * that cleared its environment) it would have outlived its cancel.  The
 * count goes into the job's reason, once, and is committed as any change
 * of the job is.
 */
#include <inttypes.h>
#include <string.h>

#include "ctl_internal.h"
#include "isolate.h"
#include "log.h"

void ctl_job_escaped(struct ctl *c, struct job *j, int64_t n)
{
	char why[256];
	if (j->reason != NULL && strstr(j->reason, "HERD_JOB_KEY") != NULL)
		return;		/* the TERM's answer said it; the KILL's need not */
	isolate_escape_reason(j->reason, n, why, sizeof why);
	j->reason = intern(why);
	log_info("job %" PRId64 ": %s", j->id, why);
	ctl_commit_job(c, j);
}

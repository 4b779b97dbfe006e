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
 * of the job is.  The answer comes on the kill's channel, the job's end on
 * the events stream: where the end came first and the controller has let
 * go of the job, the note goes straight to its row, on the same conditions
 * (the attempt, the node, in lab mode the user whose session answered).
 */
#include <inttypes.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "db.h"
#include "isolate.h"
#include "backend.h"
#include "log.h"
#include "node.h"

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

void ctl_job_escaped_gone(struct ctl *c, struct node *w, const char *key, int64_t n)
{
	char why[256];
	struct job_key k;
	int64_t id;
	int attempt;
	if (job_key_parse(&k, key, c->key_prefix, &id, &attempt) != 0)
		return;
	isolate_escape_reason(NULL, n, why, sizeof why);
	if (ctl_batch_tx(c) != 0 ||
	    db_job_note(c->db, id, attempt, ctl_worker_node(c, w)->conf->name,
	    ctl_worker_user(c, w), why, "HERD_JOB_KEY") != 0)
		log_warn("job %" PRId64 ": %s (not recorded: %s)", id, why, db_errmsg(c->db));
	else
		log_info("job %" PRId64 ": %s", id, why);
}

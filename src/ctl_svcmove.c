/*
 * ctl_svcmove.c — herd drain NODE --move-services: the node is drained and
 * the services running there are moved: each stopped there and started on
 * another node, while its batch jobs run on as after any drain.
 *
 * Theory of operation: a move is a requeue (EV_REQUEUE, as herd requeue):
 * the job is REQUEUED and killed, keeps its node's resources until the node
 * confirms the old attempt gone (two copies never run side by side), then
 * is PENDING as its next attempt, the old one in herd history with reason
 * SVC_REASON_MOVED.  Its end arrives in state REQUEUED, which the restart
 * policy never sees (ctl_event.c's service_exit looks only at LAUNCHING
 * and RUNNING), so a move is no restart: the restart window and the
 * crash-loop count are untouched.  The drain is committed first (the
 * scheduler then sees the node as not up), so the new attempt goes
 * elsewhere, or waits if there is no elsewhere.  A service being stopped
 * or already pending is left as it is.
 */
#include <inttypes.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "svc.h"
#include "util.h"

int ctl_svc_movable(const struct job *j)
{
	return j->svc_name != NULL && j->node >= 0 &&
	    (j->state == JOB_RUNNING || j->state == JOB_LAUNCHING);
}

/* Whether job j's node is one of names. */
static int on_named(const struct ctl *c, const struct job *j, const char *const *names,
    size_t n)
{
	const char *node = c->nodes[j->node].conf != NULL ? c->nodes[j->node].conf->name : NULL;
	for (size_t i = 0; node != NULL && i < n; i++)
		if (strcmp(names[i], node) == 0)
			return 1;
	return 0;
}

static void move_one(struct ctl *c, uid_t uid, struct job *j, struct buf *report)
{
	char node[128], name[SVC_NAME_MAX * 4 + 1];
	str_vis(node, sizeof node, c->nodes[j->node].conf->name);
	str_vis(name, sizeof name, j->svc_name);
	if (ctl_event(c, j, EV_REQUEUE, 0, SVC_REASON_MOVED) != 0) {
		buf_printf(report, "%s: service %s (job %" PRId64 ") could not be moved now\n",
		    node, name, j->id);
		return;
	}
	log_info("service %s (job %" PRId64 "): moved off drained node %s (attempt %d stopped)",
	    name, j->id, node, (int)j->attempt);
	buf_printf(report, "%s: service %s (job %" PRId64 ") stopped here, to start on "
	    "another node\n", node, name, j->id);
	ctl_audit(c, uid, AUTHZ_REQUEUE, j->id, j->uid, j->user, "herd drain --move-services");
}

int ctl_drain_move(struct ctl *c, uid_t uid, const char *const *names, size_t n,
    const char *reason, struct buf *report, char *err, size_t errsz)
{
	if (ctl_drain(c, uid, 1, names, n, reason, report, err, errsz) != 0)
		return -1;
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (ctl_svc_movable(j) && on_named(c, j, names, n))
			move_one(c, uid, j, report);
	}
	return 0;
}

/*
 * ctl_query.c — what the request layer (rpc.c, rpc_lab.c) asks the
 * controller about its jobs and nodes, read-only.
 *
 * Theory of operation: the job table (ids ascending, see ctl.c) and the
 * node slots are the controller's to lay out; a request walks them only
 * through these questions, so a change of either (an index by user, GPU
 * records by UUID) stays inside ctl*.c.  Each answer is computed now from
 * memory: no database, no node.
 */
#include "config.h"
#include "ctl.h"

const struct job *ctl_job_next(struct ctl *c, int64_t id)
{
	size_t i = ctl_lower_bound(c, id);
	return i < c->njobs ? c->jobs[i] : NULL;
}

size_t ctl_user_jobs_active(const struct ctl *c, uint32_t uid)
{
	size_t n = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		n += j->uid == uid && !job_state_is_final(j->state);
	}
	return n;
}

int64_t ctl_gpu_holder(const struct ctl *c, const struct node *n, size_t g)
{
	if (g >= 64 || !(n->gpu_used & (1ULL << g)))
		return 0;
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j->node == n->idx && j->held && (j->gpu_mask & (1ULL << g)))
			return j->id;
	}
	return 0;
}

const char *ctl_node_name(const struct ctl *c, int k)
{
	return k >= 0 && (size_t)k < c->nnodes ? c->nodes[k].conf->name : "";
}

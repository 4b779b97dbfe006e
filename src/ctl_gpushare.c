/*
 * ctl_gpushare.c — the controller's side of sharing a GPU by memory
 * (--gpu-share; gpushare.h has the pure rules, sched.h the placement).
 *
 * Theory of operation: a sharing job holds its one GPU as any job does (a
 * bit of its gpu_mask, in its node's gpu_used), so a whole-GPU job never
 * gets it; what differs is that several sharing jobs may hold the same
 * bit.  The snapshot tells the pass which held GPUs are held by sharing
 * jobs only and how much of each is left to declare (total − foreign use
 * − declarations), so the pass adds a sharing job only where it fits; a
 * GPU in use outside herd (ctl_foreign.c) is offered to nobody.  Where a
 * sharing job may share is hosts.ini's (gpu_share on the node or on the
 * job's partition, partition.h's part_share_nodes), folded into the job's
 * node set as -C/-w/-x are.  After each probe, each sharing job's memory
 * (its processes, by ownership as foreign use is told apart) is checked
 * against its declaration: over it, the job's reason says so and the log
 * says it once; where gpu_share_enforce = kill, the job is ended with
 * GpuMemExceeded.  Nothing here is stored but the job's reason.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "ctl_place.h"
#include "gpushare.h"
#include "log.h"
#include "partition.h"
#include "sched.h"
#include "util.h"

#define MASK_WORDS ((CTL_NODE_SLOTS + 63) / 64)

/* Where a sharing job of these partitions may share, and where it is
 * ended for using more than it declared. */
static void share_nodes(struct ctl *c, const char *parts, uint64_t *share, uint64_t *kill)
{
	const struct node_conf *confs[CTL_NODE_SLOTS];
	for (size_t k = 0; k < c->nnodes && k < CTL_NODE_SLOTS; k++)
		confs[k] = c->nodes[k].life == NODE_LIVE ? c->nodes[k].conf : NULL;
	memset(share, 0, MASK_WORDS * sizeof *share);
	memset(kill, 0, MASK_WORDS * sizeof *kill);
	part_share_nodes(c->cfg, parts, confs, c->nnodes, share, kill);
}

int ctl_gpushare_submit(struct ctl *c, const struct job_row *r, const uint64_t *mask,
    char *err, size_t errsz)
{
	uint64_t share[MASK_WORDS], kill[MASK_WORDS];
	if (!r->gpu_share)
		return 0;
	/* The client checks these too; a request may come from elsewhere. */
	if (r->gpus != 1 || r->gpu_mem_mb <= 0 || r->exclusive != 0) {
		snprintf(err, errsz, "--gpu-share %s", r->gpus != 1 ?
		    "shares one GPU: give --gpus 1" : r->gpu_mem_mb <= 0 ?
		    "needs --gpu-mem SIZE: the part of the GPU's memory the job declares" :
		    "and --exclusive contradict each other");
		return -1;
	}
	share_nodes(c, r->partition, share, kill);
	for (size_t k = 0; k < c->nnodes; k++)
		if ((share[k / 64] >> (k % 64) & 1) &&
		    (mask == NULL || (mask[k / 64] >> (k % 64) & 1)) &&
		    ctl_place_node_ok(&c->nodes[k], r->constraint, r->nodelist, r->exclude))
			return 0;
	snprintf(err, errsz, "--gpu-share: no node this job may use shares GPUs (hosts.ini "
	    "sets gpu_share = yes on none of them%s)", c->cfg->nparts > 0 ?
	    ", nor on its partition" : "");
	return -1;
}

void ctl_gpushare_mask(struct ctl *c, const struct job *j, uint64_t *mask)
{
	uint64_t share[MASK_WORDS], kill[MASK_WORDS];
	share_nodes(c, j->partition, share, kill);
	for (size_t w = 0; w < MASK_WORDS; w++)
		mask[w] &= share[w];
}

void ctl_gpushare_snapshot(struct ctl *c, struct sched_node *sn, int64_t *share)
{
	for (size_t k = 0; k < c->nnodes; k++)
		sn[k].gpu_shared = 0;
	int64_t *declared = xcalloc(c->nnodes ? c->nnodes * SCHED_GPUS : 1, sizeof *declared);
	uint64_t *whole = xcalloc(c->nnodes ? c->nnodes : 1, sizeof *whole);
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (!j->held || j->node < 0 || (size_t)j->node >= c->nnodes)
			continue;
		if (!j->gpu_share) {
			whole[j->node] |= j->gpu_mask;
			continue;
		}
		sn[j->node].gpu_shared |= j->gpu_mask;
		for (int g = 0; g < SCHED_GPUS; g++)
			if (j->gpu_mask >> g & 1)
				declared[(size_t)j->node * SCHED_GPUS + (size_t)g] +=
				    (int64_t)j->gpu_mem_mb;
	}
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct node *n = &c->nodes[k];
		/* A GPU a whole job holds too (never placed so), or in use
		 * outside herd, takes no more sharers. */
		sn[k].gpu_shared &= ~whole[k] & ~ctl_foreign_busy(n);
		for (size_t g = 0; g < SCHED_GPUS; g++) {
			int64_t *s = &share[k * SCHED_GPUS + g];
			*s = 0;
			if (!n->have_probe || g >= n->probe.ngpus || g >= PROBE_MAX_GPUS)
				continue;
			*s = gpushare_free_mb(n->probe.gpus[g].mem_total_mb, n->foreign.mem_mb[g],
			    declared[k * SCHED_GPUS + g]);
		}
	}
	free(declared);
	free(whole);
}

/* One sharing job's use against its declaration, from the last probe. */
static void check_job(struct ctl *c, struct node *n, struct job *j, int64_t used, int kill)
{
	char why[256];
	if (!gpushare_over(used, (int64_t)j->gpu_mem_mb, kill, why, sizeof why))
		return;
	if (kill) {
		log_warn("job %" PRId64 " on %s: %s", j->id, n->conf->name, why);
		ctl_event(c, j, EV_CANCEL, 0, intern(why));
		return;
	}
	if (j->reason != NULL && strncmp(j->reason, GPUSHARE_REASON, strlen(GPUSHARE_REASON)) == 0)
		return;		/* said once */
	log_warn("job %" PRId64 " on %s: %s", j->id, n->conf->name, why);
	j->reason = intern(why);
	ctl_commit_job(c, j);
}

void ctl_gpushare_update(struct ctl *c, struct node *n)
{
	size_t nj, nshare = 0;
	if (!n->have_probe || n->probe.gpu_state != GPUS_OK)
		return;
	struct foreign_job *fj = ctl_foreign_jobs(c, n, &nj);
	for (size_t i = 0; i < nj; i++) {
		struct job *j = ctl_find(c, fj[i].id);
		nshare += j != NULL && j->gpu_share;
	}
	if (nshare > 0) {
		int64_t *used = xcalloc(nj, sizeof *used);
		gpushare_usage(&n->probe, fj, nj, used);
		for (size_t i = 0; i < nj; i++) {
			struct job *j = ctl_find(c, fj[i].id);
			uint64_t share[MASK_WORDS], kill[MASK_WORDS];
			if (j == NULL || !j->gpu_share || j->state != JOB_RUNNING || j->kill_stage)
				continue;
			share_nodes(c, j->partition, share, kill);
			check_job(c, n, j, used[i], (int)(kill[n->idx / 64] >> (n->idx % 64) & 1));
		}
		free(used);
	}
	free(fj);
}

void ctl_gpushare_release(struct ctl *c, struct node *n, const struct job *j)
{
	/* Its bit went from gpu_used with it: the others sharing it keep it. */
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *o = c->jobs[i];
		if (o != j && o->held && o->node == n->idx)
			n->gpu_used |= o->gpu_mask & j->gpu_mask;
	}
}

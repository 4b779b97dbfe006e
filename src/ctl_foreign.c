/*
 * ctl_foreign.c — the controller's side of GPUs in use outside herd.
 *
 * Theory of operation: foreign.c decides, from one probe and the jobs that
 * hold GPUs on the node, which GPUs someone else is using; this file hands
 * it those jobs (their session leader's pid, learned from the start event
 * or a reconcile), keeps its answer on the node for the next probe (first
 * seen times) and for `herd nodes`, logs each change once, and answers the
 * scheduler's snapshot (ctl.c) and `herd show` (rpc.c).  The answer lives
 * in memory only: a restarted herdd knows it again at each node's first
 * probe, and a process's "since" restarts with it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "foreign.h"
#include "log.h"
#include "sched.h"
#include "util.h"

uint64_t ctl_foreign_busy(const struct node *n)
{
	if (!n->have_probe || n->probe.gpu_state != GPUS_OK || n->conf->share_foreign)
		return 0;
	return n->foreign.busy;
}

struct foreign_job *ctl_foreign_jobs(const struct ctl *c, const struct node *n, size_t *nj)
{
	struct foreign_job *fj = NULL;
	size_t k = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j->node != n->idx || !j->held)
			continue;
		fj = xreallocarray(fj, k + 1, sizeof *fj);
		fj[k++] = (struct foreign_job){ j->id, j->pid, j->gpu_mask, j->user };
	}
	*nj = k;
	return fj;
}

/* One log line per GPU that changed: operators see who took a GPU, once. */
static void log_changes(const struct node *n, uint64_t before)
{
	uint64_t now = n->foreign.busy;
	for (size_t g = 0; g < n->probe.ngpus && g < PROBE_MAX_GPUS; g++) {
		if (((before ^ now) >> g & 1) == 0)
			continue;
		if (!(now >> g & 1)) {
			log_info("node %s: GPU %d no longer in use outside herd", n->conf->name,
			    n->probe.gpus[g].index);
			continue;
		}
		const struct foreign_proc *p = NULL;
		for (size_t i = 0; i < n->foreign.nprocs && p == NULL; i++)
			if (n->foreign.procs[i].gpu == (int)g)
				p = &n->foreign.procs[i];
		if (p != NULL)
			log_info("node %s: GPU %d in use outside herd: pid %d of %s%s", n->conf->name,
			    n->probe.gpus[g].index, p->pid, p->user[0] ? p->user : "an unknown user",
			    n->conf->share_foreign ? " (share_foreign: still handed out)" : "");
		else
			log_info("node %s: GPU %d in use outside herd: %" PRId64 " MiB by no process "
			    "listed", n->conf->name, n->probe.gpus[g].index, n->foreign.mem_mb[g]);
	}
}

void ctl_foreign_update(struct ctl *c, struct node *n)
{
	uint64_t before = n->foreign.busy;
	if (n->probe.gpu_state != GPUS_OK) {
		foreign_state_clear(&n->foreign);	/* no GPUs to hand out anyway */
		return;
	}
	size_t nj;
	struct foreign_job *fj = ctl_foreign_jobs(c, n, &nj);
	foreign_classify(&n->probe, fj, nj, n->conf->foreign_mem_threshold_mb, ctl_now_wall(c),
	    &n->foreign, &n->foreign);
	free(fj);
	if (before != n->foreign.busy) {
		log_changes(n, before);
		c->sched_needed = 1;
	}
}

/* "gpu1 GPU 0 (bob, pid 4242)" for GPU g of n into buf at *o. */
static void gpu_text(const struct node *n, size_t g, char *buf, size_t size, size_t *o)
{
	char who[256] = "";
	size_t w = 0;
	for (size_t i = 0; i < n->foreign.nprocs; i++) {
		const struct foreign_proc *p = &n->foreign.procs[i];
		if (p->gpu != (int)g || w >= sizeof who)
			continue;
		int r = snprintf(who + w, sizeof who - w, "%s%s, pid %d", w ? "; " : "",
		    p->user[0] ? p->user : "unknown user", p->pid);
		w += r > 0 ? (size_t)r : 0;
	}
	if (w == 0)
		snprintf(who, sizeof who, "%" PRId64 " MiB in use, no process listed",
		    n->foreign.mem_mb[g]);
	if (*o < size) {
		int r = snprintf(buf + *o, size - *o, "%s%s GPU %d (%s)", *o ? ", " : "",
		    n->conf->name, n->probe.gpus[g].index, who);
		*o += r > 0 ? (size_t)r : 0;
	}
}

size_t ctl_foreign_text(const struct ctl *c, const struct job *j, char *buf, size_t size)
{
	size_t o = 0;
	if (size == 0)
		return 0;
	buf[0] = '\0';
	if (j->state != JOB_PENDING || j->sched_why != SCHED_R_FOREIGN)
		return 0;
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct node *n = &c->nodes[k];
		uint64_t busy = ctl_foreign_busy(n) & ~n->gpu_used;
		for (size_t g = 0; g < n->probe.ngpus && g < PROBE_MAX_GPUS; g++)
			if (busy >> g & 1)
				gpu_text(n, g, buf, size, &o);
	}
	return o < size ? o : size - 1;
}

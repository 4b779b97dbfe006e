/*
 * ctl_idlestop.c — herd service start --idle-stop DURATION applied: a
 * running service whose GPUs all stayed idle for DURATION is stopped,
 * with a line in its log first.
 *
 * Theory of operation: the GPUs' state is what the node's last probe read
 * (nvidia-smi's utilization and compute processes: svc_gpus_idle), looked
 * at by the deadline heap's visit every second (ctl_deadline.c) while the
 * service runs.  A node herd cannot reach, or a probe without the GPUs,
 * is a doubt, and a doubt is not idleness: the spell ends and starts
 * again at the next good look (svc_idle_due).  The spell's start is kept
 * in memory only (j->idle_since, as idle_timeout's), so a restarted herdd
 * counts from its own first look: later than an unbroken herdd, never
 * sooner; so does each attempt (a spell older than its start, an
 * earlier attempt's, is dropped).  Once due, the line ("herd: service
 * NAME stopped: its GPUs idle for 2h (--idle-stop 2h)") is queued on the service's own worker (its
 * owner's lane in lab mode) before the stop, so the node writes it before
 * the TERM that follows on the same shell; the stop is a cancel with
 * reason IdleStop: CANCELLED, as herd service stop, so the restart policy
 * never starts it again.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "backend.h"
#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "svc.h"
#include "svc_idle.h"

/* The line in the service's output, where the backend writes one. */
static void note(struct ctl *c, struct job *j, const char *line)
{
	char err[HERD_ERRLEN];
	struct node *w = ctl_job_worker(c, j);
	char *out = job_output_path_array(j->out_tmpl, j->workdir, j->id, j->array_job_id,
	    j->array_task_id, j->name, j->user ? j->user : "", c->nodes[j->node].conf->name);
	if (w->be->note != NULL && w->be->note(w, out, line, err, sizeof err) != 0)
		log_warn("service %s (job %" PRId64 "): its log line not written: %s",
		    j->svc_name, j->id, err);
	free(out);
}

void ctl_idle_stop_tick(struct ctl *c, struct job *j, int64_t wall)
{
	char line[512];
	if (j->svc_name == NULL || j->svc_idle_stop_s <= 0 || j->state != JOB_RUNNING ||
	    j->node < 0 || j->kill_stage != 0)
		return;
	const struct node *n = &c->nodes[j->node];
	int known = n->have_probe && n->lost_ms == 0 && n->probe.gpu_state == GPUS_OK;
	int idle = known && svc_gpus_idle(&n->probe, j->gpu_mask);
	/* A spell seen before this attempt started was an earlier attempt's
	 * (restarted, moved, requeued): this one's starts at its own look. */
	if (j->idle_since != 0 && (int64_t)j->idle_since < j->start_time)
		j->idle_since = 0;
	if (!svc_idle_due(j->svc_idle_stop_s, wall, known, idle, &j->idle_since))
		return;
	svc_idle_line(line, sizeof line, j->svc_name, j->svc_idle_stop_s);
	log_info("job %" PRId64 " on %s: %s", j->id, n->conf->name, line + 6);
	note(c, j, line);
	ctl_event(c, j, EV_CANCEL, 0, SVC_REASON_IDLESTOP);
}

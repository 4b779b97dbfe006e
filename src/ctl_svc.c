/*
 * ctl_svc.c — the controller's side of herd service: what a service's
 * submission must satisfy, and what becomes of it when an attempt ends.
 *
 * Theory of operation: a service is a job with a name of its own
 * (svc_name), placed and run like any other (same scheduler, fair share,
 * limits).  Two things set it apart.  At submit: its name is unique among
 * its owner's active services (so `herd service stop NAME` means one
 * job, or with --replicas N one array whose tasks are its replicas: they
 * are made from the array's record, never submitted, so the check never
 * sees them), and it has no time limit unless -t gave one, a partition's
 * max_time still applying.  At the end of an attempt (the node reports its
 * exit): svc_decide() (svc.c, pure) says whether it starts again; if so
 * the exit becomes EV_RESTART, the lifecycle's requeue path (the attempt
 * recorded in herd history, the job PENDING as its next attempt), and its
 * begin time is the backoff's end (the next whole second after it): the
 * eligibility rules keep it pending until then (reason BackOff), the
 * deadline heap visits it then (ctl_job_due) to ask for a pass, and it is
 * stored, so a controller restart keeps the wait.  A crash
 * loop ends it FAILED with reason CrashLoop.  A cancel (herd service
 * stop, or --idle-stop's: ctl_idlestop.c, reason IdleStop) ends it as any
 * job; a node failure requeues it as any job that allows it.  With --port, the runner's start event names the port it
 * picked (launch.c), stored with the start; each attempt picks anew.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "partition.h"
#include "svc.h"
#include "svc_roll.h"

int ctl_svc_submit(struct ctl *c, struct job_row *row, int64_t asked_limit,
    const struct arrayspec *array, char *err, size_t errsz)
{
	if (row->svc_name == NULL)
		return 0;
	if (row->svc_replicas == 0)
		row->svc_replicas = 1;
	if (svc_check_name(row->svc_name, err, errsz) != 0 ||
	    svc_check_replicas(row->svc_replicas, array, err, errsz) != 0)
		return -1;
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (j->svc_name != NULL && j->uid == row->uid &&
		    strcmp(j->svc_name, row->svc_name) == 0 &&
		    !job_state_is_final((enum job_state)j->state)) {
			snprintf(err, errsz, "service %s is already running as job %" PRId64
			    " (%s); stop it first (herd service stop %s)", row->svc_name, j->id,
			    job_state_name((enum job_state)j->state), row->svc_name);
			return -1;
		}
	}
	/* No time limit unless asked; a partition's max_time still holds. */
	if (asked_limit == 0) {
		const struct part_conf *p = row->partition == NULL ? NULL :
		    part_find(c->cfg, row->partition, strcspn(row->partition, ","));
		row->time_limit_s = p != NULL ? p->max_time_s : 0;
	}
	row->requeue = 1;	/* a node failure starts it elsewhere */
	return 0;
}

enum job_event ctl_svc_exit(struct ctl *c, struct job *j, int32_t status, const char **reason)
{
	struct svc_state s = {
		.policy = j->svc_restart, .max_restarts = j->svc_max_restarts,
		.window_s = j->svc_window_s, .win_start = j->svc_win_start,
		.win_count = j->svc_win_count,
	};
	struct svc_verdict v;
	int64_t now = ctl_now_wall(c);
	svc_decide(&s, status, now, &v);
	j->svc_last_exit = status;
	if (v.crashloop) {
		log_warn("service %s (job %" PRId64 "): %d restarts within %" PRId64 " s; "
		    "ended CrashLoop", j->svc_name, j->id, v.win_count, (int64_t)j->svc_window_s);
		*reason = SVC_REASON_CRASHLOOP;
		return EV_EXIT;
	}
	if (!v.restart)
		return EV_EXIT;
	j->svc_win_start = (uint32_t)v.win_start;
	j->svc_win_count = (uint16_t)v.win_count;
	j->svc_restarts++;
	/* Whole wall seconds, the clock's second already begun: one more, so
	 * that the wait is never shorter than the backoff. */
	j->begin_time = now + v.delay_s + 1;
	log_info("service %s (job %" PRId64 "): exit %d; restart %d in %" PRId64 " s",
	    j->svc_name, j->id, (int)status, (int)j->svc_restarts, v.delay_s);
	return EV_RESTART;
}

void ctl_svc_started(struct ctl *c, struct job *j, int port)
{
	ctl_health_started(c, j);	/* STARTING until its first check passes */
	if (!j->svc_port_want)
		return;
	if (port <= 0 || port > 65535) {
		log_warn("service %s (job %" PRId64 "): its start named no port",
		    j->svc_name != NULL ? j->svc_name : "?", j->id);
		return;
	}
	j->svc_port = (uint16_t)port;	/* committed with its start (mark_running) */
}

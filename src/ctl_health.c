/*
 * ctl_health.c — the controller's side of a service's health check
 * (--health-cmd, --health-http): when to run one, and what its result
 * does.
 *
 * Theory of operation: a service with a check is STARTING from the start
 * event of each attempt until its first success.  Its next check's wall
 * second (svc_health_next) is a deadline in the heap (ctl_deadline.c's
 * ctl_job_due); the tick's visit sends the check to the node's backend
 * (run there in the background, as the job's owner in lab mode: its lane)
 * and sets the next one an interval later, so the loop never waits on a
 * check and a node that does not answer costs no more than one check an
 * interval.  The result comes back as an event naming the attempt's key
 * (ctl_node.c's on_event); svc_health_step() (svc_health.c, pure) says
 * the new state.  While STARTING the checks come every 2 s (so a service
 * is HEALTHY, reached by port-forward and let go by a rolling restart as
 * soon as it answers) and a failure counts only after the time the
 * checks an interval apart would have given it (svc_health_fail_counts).  The retries'th failure in a row makes it UNHEALTHY:
 * the reason is recorded (svc_health_why, with the check's first line),
 * and the attempt is stopped (TERM, then KILL after kill_grace), so its
 * end goes through ctl_svc.c's restart path: the restart policy, the
 * backoff and CrashLoop counting apply as to any other exit.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "svc_health.h"
#include "util.h"

static int has_check(const struct job *j)
{
	return j->svc_name != NULL && (j->svc_health_cmd != NULL || j->svc_health_http != NULL);
}

void ctl_health_started(struct ctl *c, struct job *j)
{
	if (!has_check(j))
		return;
	j->svc_health = SVC_HEALTH_STARTING;
	j->svc_health_fails = 0;
	j->svc_health_next = (uint32_t)(ctl_now_wall(c) +
	    svc_health_next_in(SVC_HEALTH_STARTING, j->svc_health_interval));
}

int64_t ctl_health_due(const struct job *j)
{
	if (j->state != JOB_RUNNING || !has_check(j) || j->node < 0 ||
	    (j->svc_health != SVC_HEALTH_STARTING && j->svc_health != SVC_HEALTH_HEALTHY))
		return 0;
	return j->svc_health_next != 0 ? (int64_t)j->svc_health_next : 1;	/* restored: now */
}

/* The check's command: --health-cmd as given, or --health-http's GET. */
static int check_cmd(const struct job *j, struct buf *b)
{
	if (j->svc_health_cmd != NULL)
		return buf_addstr(b, j->svc_health_cmd);
	if (j->svc_port == 0)
		return -1;	/* its port is not known yet: no request to make */
	return svc_health_http_cmd(b, j->svc_health_http, j->svc_port, j->svc_health_timeout);
}

void ctl_health_tick(struct ctl *c, struct job *j, int64_t wall)
{
	int64_t due = ctl_health_due(j);
	if (due == 0 || wall < due || j->kill_stage != 0)
		return;
	j->svc_health_next = (uint32_t)(wall + svc_health_next_in(j->svc_health,
	    j->svc_health_interval));
	struct buf b;
	struct job_key key;
	char err[HERD_ERRLEN];
	buf_init(&b, SVC_HEALTH_CMD_MAX * 2 + 4096);
	struct node *n = ctl_job_worker(c, j);
	if (check_cmd(j, &b) != 0 || job_key_make(&key, c->key_prefix, j->id, j->attempt) != 0 ||
	    n->be->health == NULL ||
	    n->be->health(n, &key, b.data, j->workdir, j->svc_port, j->svc_health_timeout,
	    err, sizeof err) != 0)
		log_warn("service %s (job %" PRId64 "): no health check sent", j->svc_name, j->id);
	buf_clear(&b);
}

/* The reason an unhealthy service is restarted, kept with the job. */
static void set_why(struct job *j, int fails, const char *msg)
{
	char vis[SVC_HEALTH_MSG_MAX + 1], why[SVC_HEALTH_MSG_MAX + 64];
	str_vis(vis, sizeof vis, msg);
	snprintf(why, sizeof why, "health check failed %d times%s%s", fails,
	    vis[0] != '\0' ? ": " : "", vis);
	if (j->svc_health_why != NULL)
		intern_release(j->svc_health_why);
	j->svc_health_why = intern(why);
}

void ctl_health_result(struct ctl *c, struct job *j, int64_t rc, const char *msg)
{
	struct svc_health_out o;
	if (j->state != JOB_RUNNING || !has_check(j) || j->kill_stage != 0)
		return;
	if (rc != 0 && !svc_health_fail_counts(j->svc_health, ctl_now_wall(c) - j->start_time,
	    j->svc_health_interval, j->svc_health_retries))
		return;		/* still in its start period: the next check may pass */
	svc_health_step(j->svc_health, j->svc_health_fails, j->svc_health_retries, rc == 0, &o);
	int changed = o.health != j->svc_health || o.fails != j->svc_health_fails;
	if (o.health != j->svc_health)
		log_info("service %s (job %" PRId64 "): %s", j->svc_name, j->id,
		    svc_health_name(o.health));
	j->svc_health = o.health;
	j->svc_health_fails = o.fails;
	if (o.restart) {
		set_why(j, o.fails, msg != NULL ? msg : "");
		log_warn("service %s (job %" PRId64 "): %s; restarting it", j->svc_name, j->id,
		    j->svc_health_why);
		j->kill_stage = 1;	/* its end comes through the restart policy */
		j->kill_at_ms = ctl_now_ms(c) + c->cfg->kill_grace_s * 1000LL;
		ctl_send_kill(c, j, "TERM");
	}
	if (changed)
		(void)ctl_commit_job(c, j);
	c->changes++;
	ctl_arm(c, j);
}

/*
 * ctl_notify.c — being told: --mail-type's events handed to hosts.ini's
 * notify_command.
 *
 * Theory of operation: a job's step (ctl_event.c) asks mailtype_events()
 * which of the events its --mail-type wants that step raises; the clock's
 * tick asks mailtype_time_events() which TIME_LIMIT_* marks a running job
 * passed since the last tick.  Each event is one message to the notifier
 * (notify.c), its facts copied at the step (a job that starts and ends in
 * one turn is told BEGIN as RUNNING), started only when the loop's turn
 * has committed what raised it (ctl_notify_pump runs after ctl_turn_end),
 * so a herdd that dies in a turn tells nothing the database does not hold.
 * Nothing here waits for the program: herdd's SIGCHLD handling reaps it.
 *
 * The marks are crossed between two visits of the job by the tick (prev <
 * mark <= now; the tick visits a job at its next mark: ctl_deadline.c):
 * the first visit after a restart looks back to herdd's start only, so a
 * mark passed while herdd was down is not told, and none is told twice.
 *
 * Without notify_command herdd keeps --mail-type with a warning to the
 * submitter (mail changes nothing of where, when or how a job runs, and
 * real sbatch scripts carry it): no one is told; the same for an array's
 * --mail-type without ARRAY_TASKS (the array as a whole is not told yet).
 * A job queued with one before a reload took notify_command away is told
 * nothing (logged once per job step, at debug level).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "job.h"
#include "log.h"
#include "mailtype.h"
#include "notify.h"

struct ctl_notify {
	struct notifier *run;
};

static struct ctl_notify *state(struct ctl *c)
{
	if (c->notify == NULL) {
		c->notify = xcalloc(1, sizeof *c->notify);
		c->notify->run = notifier_new();
	}
	return c->notify;
}

int ctl_notify_submit(struct ctl *c, const char *type, const char *user, int array,
    char *canon, size_t size, char *warn, size_t warnsz, char *err, size_t errsz)
{
	unsigned mask = 0;
	char why[HERD_ERRLEN];
	canon[0] = '\0';
	warn[0] = '\0';
	if (user != NULL && mailuser_check(user, why, sizeof why) != 0) {
		snprintf(err, errsz, "invalid --mail-user: %s", why);
		return -1;
	}
	if (type == NULL)
		return 0;
	if (mailtype_parse(type, &mask, why, sizeof why) != 0) {
		snprintf(err, errsz, "invalid --mail-type: %s", why);
		return -1;
	}
	if (mask != 0 && c->cfg->notify_command == NULL)
		snprintf(warn, warnsz, "--mail-type: no one will be told: hosts.ini names no "
		    "notify_command in [controller] (ask the admin to set one)");
	else if (array && mask != 0 && !(mask & MAIL_ARRAY_TASKS))
		snprintf(warn, warnsz, "--mail-type: the array as a whole is not told yet; "
		    "add ARRAY_TASKS to be told of each of its tasks");
	mailtype_format(mask, canon, size);
	return 0;
}

/* "NAME=value" into vars[*n], from its own slot of buf. */
static void var(char (*buf)[NOTIFY_VAR_MAX], const char **vars, size_t *n, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void var(char (*buf)[NOTIFY_VAR_MAX], const char **vars, size_t *n, const char *name,
    const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(buf[*n], NOTIFY_VAR_MAX, "%s=", name);
	va_start(ap, fmt);
	vsnprintf(buf[*n] + k, NOTIFY_VAR_MAX - (size_t)k, fmt, ap);
	va_end(ap);
	vars[*n] = buf[*n];
	(*n)++;
}

/* One event of j: its facts as they are now, queued. */
static void tell(struct ctl *c, const struct job *j, unsigned event)
{
	static char buf[NOTIFY_VARS_MAX][NOTIFY_VAR_MAX];
	const char *vars[NOTIFY_VARS_MAX], *name = mailtype_name(event);
	char ec[32], what[64];
	size_t n = 0;

	job_exit_format(j->exit_code, ec, sizeof ec);
	var(buf, vars, &n, "HERD_EVENT", "%s", name);
	var(buf, vars, &n, "HERD_JOB_ID", "%" PRId64, j->id);
	var(buf, vars, &n, "HERD_JOB_NAME", "%s", j->name ? j->name : "");
	var(buf, vars, &n, "HERD_JOB_USER", "%s", j->user ? j->user : "");
	var(buf, vars, &n, "HERD_JOB_UID", "%" PRIu32, j->uid);
	var(buf, vars, &n, "HERD_MAIL_USER", "%s", j->mail_user ? j->mail_user :
	    j->user ? j->user : "");
	var(buf, vars, &n, "HERD_JOB_STATE", "%s", job_state_name((enum job_state)j->state));
	var(buf, vars, &n, "HERD_EXIT_CODE", "%s", ec);
	var(buf, vars, &n, "HERD_REASON", "%s", j->reason ? j->reason : "");
	var(buf, vars, &n, "HERD_JOB_ATTEMPT", "%d", (int)j->attempt);
	var(buf, vars, &n, "HERD_JOB_NODE", "%s", j->node >= 0 ? c->nodes[j->node].conf->name : "");
	var(buf, vars, &n, "HERD_TIME_LIMIT", "%" PRId64, (int64_t)j->time_limit_s);
	var(buf, vars, &n, "HERD_START_TIME", "%" PRId64, (int64_t)j->start_time);
	var(buf, vars, &n, "HERD_END_TIME", "%" PRId64, (int64_t)j->end_time);
	var(buf, vars, &n, "HERD_CLUSTER", "%s", c->cfg->cluster);
	if (j->array_job_id > 0) {
		var(buf, vars, &n, "HERD_ARRAY_JOB_ID", "%" PRId64, j->array_job_id);
		var(buf, vars, &n, "HERD_ARRAY_TASK_ID", "%d", (int)j->array_task_id);
	}
	var(buf, vars, &n, "HERD_SUBJECT", "herd job %" PRId64 " (%s) %s: %s, exit %s", j->id,
	    j->name ? j->name : "", name, job_state_name((enum job_state)j->state), ec);
	snprintf(what, sizeof what, "job %" PRId64 " %s", j->id, name);
	(void)notifier_add(state(c)->run, c->cfg->notify_command, vars, n, what);
}

static void tell_all(struct ctl *c, const struct job *j, unsigned events)
{
	if (c->cfg->notify_command == NULL) {
		log_debug("job %" PRId64 ": --mail-type without a notify_command; not told", j->id);
		return;
	}
	for (unsigned bit = 1; bit <= MAIL_TIME_LIMIT_90; bit <<= 1)
		if (events & bit)
			tell(c, j, bit);
}

/* The job's mask; 0 for none (or one a hand-edited database spoiled). */
static unsigned mask_of(const struct job *j)
{
	unsigned mask = 0;
	char why[HERD_ERRLEN];
	if (j->mail_type == NULL || mailtype_parse(j->mail_type, &mask, why, sizeof why) != 0)
		return 0;
	return mask;
}

void ctl_notify_step(struct ctl *c, const struct job *j, int ev, int from, unsigned actions)
{
	if (j->mail_type == NULL)
		return;
	/* Every task of an array is a task here, the one that carries the
	 * array's id too: without ARRAY_TASKS none is told. */
	unsigned e = mailtype_events(mask_of(j), ev, from, j->state, actions,
	    j->array_job_id > 0);
	if (e != 0)
		tell_all(c, j, e);
}

unsigned ctl_notify_time_mask(struct ctl *c, const struct job *j)
{
	(void)c;
	if (j->mail_type == NULL || j->state != JOB_RUNNING)
		return 0;
	unsigned mask = mask_of(j);
	if (j->array_job_id > 0 && !(mask & MAIL_ARRAY_TASKS))
		return 0;
	return mask & MAIL_TIME_ANY;
}

void ctl_notify_tick(struct ctl *c, const struct job *j, int64_t prev, int64_t wall)
{
	unsigned mask = ctl_notify_time_mask(c, j);
	unsigned e = mask == 0 ? 0 :
	    mailtype_time_events(mask, j->start_time, j->time_limit_s, prev, wall);
	if (e != 0)
		tell_all(c, j, e);
}

void ctl_notify_pump(struct ctl *c)
{
	if (c->notify != NULL)
		notifier_pump(c->notify->run, ctl_now_ms(c), c->cfg->notify_timeout_s);
}

int ctl_notify_reaped(struct ctl *c, pid_t pid, int status)
{
	return c->notify != NULL && notifier_reaped(c->notify->run, pid, status);
}

void ctl_notify_free(struct ctl *c)
{
	if (c->notify == NULL)
		return;
	notifier_free(c->notify->run);
	free(c->notify);
	c->notify = NULL;
}

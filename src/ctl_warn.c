/*
 * ctl_warn.c — sbatch's --signal: a job's signal before its time limit.
 *
 * Theory of operation: a job submitted with --signal=[B:]SIG@TIME keeps the
 * parsed signal in its record (warn_sig, warn_time, warn_flags) and the
 * canonical text for answers.  The tick that enforces time limits
 * (ctl_node.c) asks here first: a RUNNING job within TIME seconds of its
 * limit whose attempt has not had the signal gets it.  Which attempt got
 * it (warn_sent) is committed before the signal leaves, so a restart of
 * herdd never sends it again to the same attempt; a requeue's new attempt
 * gets its own.  Should the database refuse that write, the signal goes
 * anyway (a checkpoint that never comes costs more than one that comes
 * twice) and the write is retried: only a herdd killed before the retry
 * works would send it once more.  A job without a time limit never gets
 * it, as in Slurm, and `herd show` says so.  The tick visits the job at
 * its warning time (its deadline, ctl_deadline.c); `herd update --time`
 * arms it again, so the moment moves with the limit.
 *
 * On the node (launch_signal) the signal's name comes from sigspec's
 * table.  Without B: it goes to every process of the job's process group
 * but the batch shell, as Slurm signals a job's steps and not its batch
 * shell; with B: to the batch shell alone.
 */
#include <inttypes.h>
#include <stdlib.h>

#include "config.h"
#include "ctl_internal.h"
#include "backend.h"
#include "log.h"
#include "sigspec.h"

int ctl_warn_attach(struct job *j, const char *text)
{
	struct sigspec s;
	char why[HERD_ERRLEN];

	if (text == NULL)
		return 0;
	if (sigspec_parse(text, &s, why, sizeof why) != 0) {
		/* Only a database edited by hand: the job runs without it. */
		log_error("job %" PRId64 ": stored --signal does not parse (%s); not sent",
		    j->id, why);
		return -1;
	}
	j->warn_sig = (uint8_t)s.sig;
	j->warn_time = (uint16_t)s.time_s;
	j->warn_flags = (uint8_t)s.flags;
	j->warn_signal = intern(text);
	return 0;
}

void ctl_warn_free(struct job *j)
{
	intern_release(j->warn_signal);
	j->warn_signal = NULL;
}

void ctl_warn_tick(struct ctl *c, struct job *j, int64_t wall)
{
	if (j->warn_sig == 0 || j->state != JOB_RUNNING || j->time_limit_s <= 0 ||
	    j->warn_sent == j->attempt || j->node < 0 || sigspec_name(j->warn_sig) == NULL ||
	    wall - j->start_time < j->time_limit_s - j->warn_time)
		return;
	j->warn_sent = j->attempt;
	if (ctl_commit_job(c, j) != 0)
		log_warn("job %" PRId64 ": sending its --signal before the database records "
		    "it (retried)", j->id);
	if (!ctl_defer(c, j, CTL_DEFER_WARN))	/* in a loop turn: after its commit */
		ctl_warn_send(c, j);
}

void ctl_warn_send(struct ctl *c, struct job *j)
{
	struct sigspec s = { j->warn_sig, j->warn_time, j->warn_flags };
	const char *name = sigspec_name(j->warn_sig);
	struct job_key key;
	char err[HERD_ERRLEN];

	if (j->node < 0 || name == NULL)
		return;
	struct node *n = ctl_job_worker(c, j);
	if (job_key_make(&key, c->key_prefix, j->id, j->attempt) != 0 ||
	    n->be->signal(n, &key, name, j->warn_flags & SIGSPEC_BATCH, err, sizeof err) != 0)
		return;
	char spec[SIGSPEC_TEXT_MAX];
	sigspec_format(&s, spec, sizeof spec);
	log_info("job %" PRId64 ": --signal=%s: SIG%s sent to %s, %" PRId64 " s before its "
	    "time limit", j->id, spec, name, (j->warn_flags & SIGSPEC_BATCH) ?
	    "its batch shell" : "its processes but the batch shell",
	    j->time_limit_s - (ctl_now_wall(c) - j->start_time));
}

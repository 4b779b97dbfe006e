/*
 * ctl_outage.c — what the controller does about nodes that go away, go
 * bad, or fill up: outages (down_after, node_fail_after), herd's own
 * drain of a node whose GPUs are not healthy or whose disk is low, the
 * state `herd nodes` shows, and housekeeping of the node's herd directory.
 *
 * Theory of operation: the rules are nodestate.c's pure functions; this
 * file gathers their facts and applies their answers.
 *
 * Outages.  A node whose command shell is down is unreachable from the
 * last contact on (lost_ms).  It takes no new jobs at once (a launch could
 * not reach it), shows its state with Slurm's "*", and its running jobs are
 * left alone: when it answers again, the reconcile that follows every
 * reconnect (ctl_node.c) adopts them, or reads their exit status from the
 * node's files.  Past down_after it is DOWN; past node_fail_after its jobs
 * end NODE_FAIL, or are requeued when they allow it, and their keys are
 * kept so that whatever still runs of them is killed when the node comes
 * back: a requeued job never has two live copies.  A changed boot id
 * still ends the jobs at the first probe after the return (ctl_node.c).
 *
 * Health.  Each probe is judged (health_check, disk_low); a node that
 * fails is drained by herd (n->sick), apart from an admin's drain
 * (ctl_drain.c), and resumes by itself when a probe is healthy again.  An
 * admin's drain is never lifted by a probe.
 *
 * Housekeeping.  Every so often (keep_job_files over 4, between a probe
 * interval and an hour) a node is asked which ended jobs' files it holds
 * (housekeep.c); those whose end the database holds since keep_job_files
 * are removed.  Lab mode's per-user directories are not walked yet.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "backend.h"
#include "log.h"
#include "nodestate.h"
#include "util.h"

/* ---- outages ---- */

void ctl_outage_lost(struct ctl *c, struct node *n, const char *why)
{
	if (n->lost_ms == 0)
		n->lost_ms = ctl_now_ms(c);
	strlcpy_h(n->lost_why, why != NULL ? why : "", sizeof n->lost_why);
}

/* Kill what may still run of attempts given up while the node was away. */
static void kill_orphans(struct node *n)
{
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < n->norphans; i++) {
		log_info("node %s is back: killing what is left of %s (ended NODE_FAIL while away)",
		    n->conf->name, job_key_str(&n->orphans[i]));
		if (n->be->kill(n, &n->orphans[i], "KILL", err, sizeof err) != 0)
			log_error("%s", err);
	}
	n->norphans = 0;
}

void ctl_outage_back(struct ctl *c, struct node *n)
{
	if (n->lost_ms != 0 && n->state == NODE_DOWN)
		log_info("node %s answers again after %" PRId64 " s", n->conf->name,
		    (ctl_now_ms(c) - n->lost_ms) / 1000);
	n->lost_ms = 0;
	n->lost_why[0] = '\0';
	kill_orphans(n);
}

void ctl_outage_forget(struct node *n)
{
	free(n->orphans);
	n->orphans = NULL;
	n->norphans = 0;
}

static void give_up_jobs(struct ctl *c, struct node *n)
{
	char why[128];
	snprintf(why, sizeof why, "node unreachable for %d s (node_fail_after)",
	    n->conf->node_fail_after_s);
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j->node != n->idx || !j->held)
			continue;
		struct job_key key;
		log_warn("job %" PRId64 " on %s: %s", j->id, n->conf->name, why);
		if ((j->state == JOB_LAUNCHING || j->state == JOB_RUNNING) &&
		    job_key_make(&key, c->key_prefix, j->id, j->attempt) == 0) {
			n->orphans = xreallocarray(n->orphans, n->norphans + 1, sizeof *n->orphans);
			n->orphans[n->norphans++] = key;
		}
		ctl_job_lost(c, j, intern(why));	/* kept as the job's reason */
	}
}

static void outage_node(struct ctl *c, struct node *n, int64_t now)
{
	struct outage_out o;
	if (n->shell_up)
		return;
	if (n->lost_ms == 0)
		n->lost_ms = now;	/* never reached since herdd started */
	struct outage_in in = {
		.reachable = 0, .lost_ms = n->lost_ms, .now_ms = now,
		.down_after_s = n->conf->down_after_s,
		.node_fail_after_s = n->conf->node_fail_after_s,
	};
	outage_decide(&in, &o);
	if (o.state == OUTAGE_DOWN && n->state != NODE_DOWN) {
		char why[NODE_ERRLEN + 64];
		snprintf(why, sizeof why, "unreachable for %" PRId64 " s: %s",
		    (now - n->lost_ms) / 1000, n->lost_why[0] ? n->lost_why : "no connection");
		log_warn("node %s is DOWN (%s)", n->conf->name, why);
		ctl_node_set_state(c, n, NODE_DOWN, why);
		/* Since when: the last contact, not this tick. */
		n->state_since = ctl_now_wall(c) - (now - n->lost_ms) / 1000;
	}
	if (o.fail_jobs)
		give_up_jobs(c, n);
}

/* ---- health ---- */

void ctl_node_health(struct ctl *c, struct node *n)
{
	char why[NODE_ERRLEN] = "";
	(void)c;
	int ok = health_check(&n->probe, n->gpus_max, why, sizeof why);
	if (ok && n->probe.ngpus > n->gpus_max)
		n->gpus_max = n->probe.ngpus;
	if (ok)
		disk_low(n->probe.disk_free_kb, n->conf->min_free_disk_mb, why, sizeof why);
	if (strcmp(why, n->sick) == 0)
		return;
	if (why[0] != '\0')
		log_warn("node %s drained by herd: %s", n->conf->name, why);
	else
		log_info("node %s is healthy again: herd's drain is over", n->conf->name);
	strlcpy_h(n->sick, why, sizeof n->sick);
	c->sched_needed = 1;
}

void ctl_health_accept(struct node *n)
{
	if (n->have_probe && n->probe.gpu_state != GPUS_ERROR)
		n->gpus_max = n->probe.ngpus;
	if (strncmp(n->sick, "GPU lost", 8) == 0)
		n->sick[0] = '\0';
}

int ctl_node_usable(const struct node *n)
{
	return n->shell_up && n->sick[0] == '\0';
}

/* ---- what herd nodes shows ---- */

void ctl_node_view(struct ctl *c, const struct node *n, char *state, size_t size,
    const char **reason, int64_t *since)
{
	const struct ctl_drain *dr = ctl_node_drain(c, n);
	int whole = ctl_node_exclusive(c, n) && n->have_probe;
	struct state_in in = {
		.known = n->have_probe || n->state == NODE_UP,
		.outage = n->state == NODE_DOWN ? OUTAGE_DOWN :
		    !n->shell_up && n->lost_ms != 0 ? OUTAGE_NOT_RESPONDING : OUTAGE_UP,
		.drained = dr != NULL || n->sick[0] != '\0',
		.jobs = ctl_node_jobs(c, n->idx),
		.cpus = n->have_probe ? n->probe.cpus : 0, .cpus_used = n->cpus_used,
		.gpus = n->have_probe ? n->probe.ngpus : 0,
		.gpus_used = (size_t)__builtin_popcountll(n->gpu_used),
		.whole = whole,
	};
	node_state_label(&in, state, size);
	*since = n->state_since;
	if (in.outage != OUTAGE_UP) {
		*reason = n->state == NODE_DOWN || n->lost_why[0] == '\0' ? n->reason : n->lost_why;
		if (in.outage == OUTAGE_NOT_RESPONDING)
			*since = ctl_now_wall(c) - (ctl_now_ms(c) - n->lost_ms) / 1000;
	} else if (dr != NULL) {
		*reason = dr->reason;
		*since = dr->since;
	} else if (n->sick[0] != '\0')
		*reason = n->sick;
	else
		*reason = n->reason;
}

/* ---- housekeeping ---- */

static int64_t housekeep_every_ms(const struct ctl *c, const struct node *n)
{
	int64_t every = n->conf->keep_job_files_s / 4;
	if (every > 3600)
		every = 3600;
	if (every < c->cfg->probe_interval_s)
		every = c->cfg->probe_interval_s;
	return every * 1000;
}

static void housekeep_node(struct ctl *c, struct node *n, int64_t now)
{
	if (!n->shell_up || !n->scanned || c->cfg->lab || now < n->next_housekeep_ms)
		return;
	n->next_housekeep_ms = now + housekeep_every_ms(c, n);
	char err[HERD_ERRLEN];
	if (n->be->housekeep_list(n, c->key_prefix, err, sizeof err) != 0)
		log_error("%s", err);
}

void ctl_outage_tick(struct ctl *c)
{
	int64_t now = ctl_now_ms(c);
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->life != NODE_LIVE && n->life != NODE_REMOVED)
			continue;
		outage_node(c, n, now);
		housekeep_node(c, n, now);
	}
}

/* When attempt `attempt` of job `id` ended, as the database has it (0 unknown or not ended). */
struct attempt_end { int attempt; int64_t end; };

static int attempt_cb(void *arg, const struct attempt_row *a)
{
	struct attempt_end *e = arg;
	if (a->attempt == e->attempt)
		e->end = a->end_time;
	return 0;
}

static int64_t ended_at(struct ctl *c, int64_t id, int attempt)
{
	struct job *j = ctl_find(c, id);
	if (j != NULL && j->attempt == attempt)
		return 0;	/* in memory: active, or its end not written yet */
	struct job_row row;
	int64_t end = 0;
	job_row_init(&row);
	if (db_job_get(c->db, id, &row) == 1) {
		if (row.attempt == attempt)
			end = job_state_is_final(row.state) ? row.end_time : 0;
		else if (attempt < row.attempt) {
			struct attempt_end e = { attempt, 0 };
			if (db_attempts(c->db, id, attempt_cb, &e) == 0)
				end = e.end;
		}
	}
	job_row_clear(&row);
	return end;
}

/*
 * Keys found ended on a node, collected until its "C - done": a list's
 * lines come in one batch answer, so one list is under way at a time; a
 * line of another node (a list cut short by a lost shell) starts afresh.
 */
static struct {
	int node;
	struct job_key *keys;
	size_t n;
} due;

static void due_clear(void)
{
	free(due.keys);
	due.keys = NULL;
	due.n = 0;
}

void ctl_housekeep_line(struct ctl *c, struct node *n, const struct be_reply *r)
{
	int64_t id;
	int attempt;
	if (strcmp(r->key, "-") == 0) {
		if (strcmp(r->word, "rotated") == 0) {
			log_info("node %s: events file rotated", n->conf->name);
			ctl_reconcile(c, n, NULL);	/* an event of the switch may be lost */
		} else if (strcmp(r->word, "done") == 0 && due.n > 0) {
			char err[HERD_ERRLEN];
			if (n->be->housekeep_remove(n, due.keys, due.n, err, sizeof err) == 0)
				log_info("node %s: removing the files of %zu ended job%s",
				    n->conf->name, due.n, due.n == 1 ? "" : "s");
			else
				log_error("%s", err);
		}
		if (strcmp(r->word, "done") == 0)
			due_clear();
		return;
	}
	struct job_key key;	/* checked: only a key of ours is ever removed */
	if (strcmp(r->word, "ended") != 0 ||
	    job_key_parse(&key, r->key, c->key_prefix, &id, &attempt) != 0)
		return;
	if (!job_files_due(ended_at(c, id, attempt), ctl_now_wall(c), n->conf->keep_job_files_s))
		return;
	if (due.n > 0 && due.node != n->idx)
		due_clear();
	due.node = n->idx;
	due.keys = xreallocarray(due.keys, due.n + 1, sizeof *due.keys);
	due.keys[due.n++] = key;
}

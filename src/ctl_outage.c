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
 * are removed.  In lab mode each job's files are in its user's own herd
 * directory: the same list and removal go through that user's session
 * (lab_sweep).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	n->lost_wait_ms = 0;	/* it failed: a restored outage is judged from now on */
	strlcpy_h(n->lost_why, why != NULL ? why : "", sizeof n->lost_why);
	if (!n->lost_kept)
		ctl_node_keep(c, n);	/* its since survives a restart (ctl_nodekeep.c) */
}

void ctl_outage_back(struct ctl *c, struct node *n)
{
	if (n->lost_ms != 0 && n->state == NODE_DOWN)
		log_info("node %s answers again after %" PRId64 " s", n->conf->name,
		    (ctl_now_ms(c) - n->lost_ms) / 1000);
	n->lost_ms = 0;
	n->lost_wait_ms = 0;
	n->lost_why[0] = '\0';
	if (n->lost_kept)
		ctl_node_keep(c, n);
	ctl_orphans_kill(c, n);
}

void ctl_outage_forget(struct node *n)
{
	ctl_orphans_free(n);
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
		    job_key_make(&key, c->key_prefix, j->id, j->attempt) == 0)
			ctl_orphan_add(c, n, j, &key);	/* with the job's end, in the turn */
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
	if (o.fail_jobs && now >= n->lost_wait_ms)
		give_up_jobs(c, n);
}

/* ---- health ---- */

void ctl_node_health(struct ctl *c, struct node *n)
{
	char why[NODE_ERRLEN] = "";
	int ok = health_check(&n->probe, n->gpus_max, why, sizeof why), keep = 0;
	if (ok && n->probe.ngpus > n->gpus_max) {
		n->gpus_max = n->probe.ngpus;
		keep = 1;	/* a GPU already gone at herdd's next start is noticed */
	}
	if (ok)
		disk_low(n->probe.disk_free_kb, n->conf->min_free_disk_mb, why, sizeof why);
	if (strcmp(why, n->sick) != 0) {
		if (why[0] != '\0')
			log_warn("node %s drained by herd: %s", n->conf->name, why);
		else
			log_info("node %s is healthy again: herd's drain is over", n->conf->name);
		/* herd's own drain and resume, in `herd audit` beside the
		 * admins'; a drain whose text changes (the disk's MB free) is
		 * the same drain. */
		if ((why[0] != '\0') != (n->sick[0] != '\0')) {
			ctl_drain_audit(c, getuid(), "herdd", why[0] != '\0', n->conf->name, why);
			n->sick_since = ctl_now_wall(c);
		}
		strlcpy_h(n->sick, why, sizeof n->sick);
		c->sched_needed = 1;
		keep = 1;
	}
	if (keep)
		ctl_node_keep(c, n);
}

void ctl_health_accept(struct ctl *c, struct node *n)
{
	if (n->have_probe && n->probe.gpu_state != GPUS_ERROR)
		n->gpus_max = n->probe.ngpus;
	if (strncmp(n->sick, "GPU lost", 8) == 0)
		n->sick[0] = '\0';
	ctl_node_keep(c, n);
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
	} else if (n->sick[0] != '\0') {
		*reason = n->sick;
		*since = n->sick_since;
	}
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

/* Ask worker w (a node, or a user's session in lab mode) for its ended jobs' files. */
static void housekeep_worker(struct ctl *c, struct node *w, int64_t now)
{
	char err[HERD_ERRLEN];
	if (!w->shell_up || !w->scanned || now < w->next_housekeep_ms)
		return;
	w->next_housekeep_ms = now + housekeep_every_ms(c, w);
	if (w->be->housekeep_list(w, c->key_prefix, err, sizeof err) != 0)
		log_error("%s", err);
}

static void lane_housekeep(struct ctl *c, struct node *w, void *arg)
{
	housekeep_worker(c, w, *(const int64_t *)arg);
}

struct sweep { struct ctl *c; struct node *n; };

static int open_for_sweep(void *arg, uint32_t uid, const char *user)
{
	struct sweep *s = arg;
	(void)ctl_lane_for(s->c, s->n->idx, uid, user, "housekeeping");
	return 0;
}

/*
 * Lab mode: a job's files are in its user's own herd directory, which
 * only that user's session reaches.  Every housekeeping interval the
 * users whose jobs ended on the node since the last sweep and are now
 * old enough get a session (opened if none is: it closes when idle), and
 * each open session lists and removes like a node does.  At start the
 * first sweep looks at every ended job's user once.
 */
static void lab_sweep(struct ctl *c, struct node *n, int64_t now)
{
	if (!n->shell_up || now < n->next_housekeep_ms)
		return;
	n->next_housekeep_ms = now + housekeep_every_ms(c, n);
	int64_t to = ctl_now_wall(c) - n->conf->keep_job_files_s;
	if (to <= n->lab_swept_to)
		return;
	struct sweep s = { c, n };
	if (db_lab_ended_users(c->db, n->conf->name, n->lab_swept_to, to, open_for_sweep,
	    &s) != 0) {
		log_error("node %s: housekeeping: %s", n->conf->name, db_errmsg(c->db));
		return;
	}
	n->lab_swept_to = to;
}

static void housekeep_node(struct ctl *c, struct node *n, int64_t now)
{
	if (!c->cfg->lab) {
		housekeep_worker(c, n, now);
		return;
	}
	ctl_lanes_each(c, n->idx, lane_housekeep, &now);
	lab_sweep(c, n, now);
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

/*
 * ctl_nodekeep.c — what the controller knows of a node that must outlive
 * herdd itself: herd's own drain, the most GPUs the node has shown, the
 * outage clock, and the attempts still to be killed when it answers.
 *
 * Theory of operation: each is a decision that memory alone would undo at
 * a restart, and each undoing does harm.  A node herd drained for a lost
 * GPU would take jobs again (the GPU count it is judged against starts
 * from the first probe, which already lacks the GPU); a node that was
 * away for nine minutes would get ten more before its jobs are given up;
 * an attempt given up (NODE_FAIL, or requeued and maybe running again
 * elsewhere) would never be killed where it may still run, so a job
 * could have two live copies.  So each change is written to the nodes
 * table (and node_orphans) as it happens, in the loop turn's transaction
 * (ctl_batch_tx) like the job changes it goes with, and ctl_node_restore
 * reads it back when a node's slot is set up (start-up, or a node added
 * back by a reload).
 *
 * herd's own drain is kept apart from an admin's (ctl_drain.c keeps that
 * one in state='DRAIN'): after a restart the first healthy probe still
 * lifts herd's, never the admin's.
 *
 * The outage clock is monotonic in memory; it is kept as the wall time
 * of the last contact and turned back into monotonic time at start.  An
 * outage restored at start is not judged (node_fail_after) before the
 * node's first connection of this run has answered or failed, or its
 * connect and command timeouts have passed: a node that came back while
 * herdd was down must not lose its jobs in the instant before it answers.
 *
 * An orphan is forgotten only when the node (in lab mode: its user's
 * session, the only account that may signal the processes) answers its
 * kill; until then each return of the node sends the kill again.  A kept
 * key is read back through job_key_parse, as a node's answer is: a row
 * that is not a key of this cluster is dropped, never sent to a node.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "backend.h"
#include "log.h"
#include "util.h"

/* The wall second of a monotonic instant (the controller's clocks). */
static int64_t wall_of(struct ctl *c, int64_t mono_ms)
{
	return ctl_now_wall(c) - (ctl_now_ms(c) - mono_ms) / 1000;
}

/* A fingerprint of a kept record (FNV-1a; the record is zeroed first). */
static uint64_t kept_sum(const struct node_kept *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

void ctl_node_keep(struct ctl *c, struct node *n)
{
	struct node_kept k;
	memset(&k, 0, sizeof k);
	strlcpy_h(k.sick, n->sick, sizeof k.sick);
	k.sick_since = n->sick_since;
	k.gpus_max = (int64_t)n->gpus_max;
	if (n->lost_ms != 0) {
		k.lost_since = wall_of(c, n->lost_ms);
		strlcpy_h(k.lost_why, n->lost_why, sizeof k.lost_why);
	}
	n->lost_kept = n->lost_ms != 0;
	/* A node that comes up as it was kept costs no write (nor a commit). */
	uint64_t sum = kept_sum(&k);
	if (n->kept_known && n->kept_sum == sum)
		return;
	if (ctl_batch_tx(c) != 0 || db_node_kept_put(c->db, n->conf->name, &k) != 0) {
		log_error("node %s: its state is not recorded (a restart would forget it): %s",
		    n->conf->name, db_errmsg(c->db));
		n->kept_known = 0;
		return;
	}
	n->kept_sum = sum;
	n->kept_known = 1;
}

static void orphan_push(struct node *n, const struct job_key *key, uint32_t uid,
    const char *user)
{
	for (size_t i = 0; i < n->norphans; i++)
		if (strcmp(job_key_str(&n->orphans[i].key), job_key_str(key)) == 0)
			return;
	n->orphans = xreallocarray(n->orphans, n->norphans + 1, sizeof *n->orphans);
	n->orphans[n->norphans++] = (struct node_orphan){
		.key = *key, .uid = uid, .user = user != NULL ? xstrdup(user) : NULL,
	};
}

/* Rows dropped in one restore, deleted after the listing; more wait for the next start. */
#define RESTORE_DROP_MAX 16

struct restore {
	struct ctl *c;
	struct node *n;
	char *drop[RESTORE_DROP_MAX];
	size_t ndrop;
};

/*
 * A kept key is read back like a node's answer: only a key of ours is ever
 * killed.  One that is not (the cluster renamed, a hand-edited row) is
 * dropped, and its row deleted once the listing is over.
 */
static int restore_orphan(void *arg, const char *text, uint32_t uid, const char *user)
{
	struct restore *r = arg;
	struct job_key key;
	int64_t id;
	int attempt;
	if (job_key_parse(&key, text, r->c->key_prefix, &id, &attempt) == 0) {
		orphan_push(r->n, &key, uid, user);
		return 0;
	}
	char vis[96];
	str_vis(vis, sizeof vis, text);
	log_warn("node %s: kept attempt \"%s\" is not a key of this cluster; dropped",
	    r->n->conf->name, vis);
	if (r->ndrop < RESTORE_DROP_MAX)
		r->drop[r->ndrop++] = xstrdup(text);
	return 0;
}

static void restore_drop(struct restore *r)
{
	for (size_t i = 0; i < r->ndrop; i++) {
		if (db_orphan_del(r->c->db, r->n->conf->name, r->drop[i]) != 0)
			log_error("node %s: %s", r->n->conf->name, db_errmsg(r->c->db));
		free(r->drop[i]);
	}
	r->ndrop = 0;
}

void ctl_node_restore(struct ctl *c, struct node *n)
{
	struct node_kept k;
	struct restore r = { .c = c, .n = n };
	int found = db_node_kept_get(c->db, n->conf->name, &k);
	int listed = found >= 0 ? db_orphans(c->db, n->conf->name, restore_orphan, &r) : -1;
	restore_drop(&r);
	if (listed != 0) {
		log_error("node %s: reading what was kept of it: %s", n->conf->name,
		    db_errmsg(c->db));
		return;
	}
	if (n->norphans > 0)
		log_info("node %s: %zu attempt%s given up while it was away, killed when it answers",
		    n->conf->name, n->norphans, n->norphans == 1 ? "" : "s");
	if (found == 0)
		return;
	n->kept_sum = kept_sum(&k);
	n->kept_known = 1;
	n->gpus_max = k.gpus_max > 0 ? (size_t)k.gpus_max : 0;
	if (k.sick[0] != '\0') {
		strlcpy_h(n->sick, k.sick, sizeof n->sick);
		n->sick_since = k.sick_since;
		log_info("node %s is drained by herd: %s (until a probe is healthy)",
		    n->conf->name, n->sick);
	}
	if (k.lost_since != 0) {
		int64_t now = ctl_now_ms(c), away = ctl_now_wall(c) - k.lost_since;
		n->lost_ms = now - (away > 0 ? away : 0) * 1000;
		if (n->lost_ms == 0)
			n->lost_ms = -1;	/* 0 means reachable */
		strlcpy_h(n->lost_why, k.lost_why, sizeof n->lost_why);
		n->lost_kept = 1;
		n->lost_wait_ms = now + (n->conf->connect_timeout_s +
		    n->conf->command_timeout_s) * 1000LL;
		log_info("node %s: unreachable since %" PRId64 " s before this start (%s)",
		    n->conf->name, away, n->lost_why);
	}
}

void ctl_orphan_add(struct ctl *c, struct node *n, const struct job *j,
    const struct job_key *key)
{
	orphan_push(n, key, j->uid, j->user);
	if (ctl_batch_tx(c) != 0 || db_orphan_put(c->db, n->conf->name, job_key_str(key),
	    j->uid, j->user) != 0)
		log_error("node %s: %s not recorded as to be killed on its return (a restart "
		    "would forget it): %s", n->conf->name, job_key_str(key), db_errmsg(c->db));
}

/* Through whom an orphan is killed: its user's session in lab mode. */
static struct node *orphan_worker(struct ctl *c, struct node *n, const struct node_orphan *o)
{
	char what[JOB_KEY_MAX + 32];
	if (!c->cfg->lab)
		return n;
	snprintf(what, sizeof what, "attempt %s", job_key_str(&o->key));
	return ctl_lane_for(c, n->idx, o->uid, o->user, what);
}

void ctl_orphans_kill(struct ctl *c, struct node *n)
{
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < n->norphans; i++) {
		struct node_orphan *o = &n->orphans[i];
		struct node *w = orphan_worker(c, n, o);
		log_info("node %s is back: killing what is left of %s (given up while away)",
		    n->conf->name, job_key_str(&o->key));
		if (w->be->kill(w, &o->key, "KILL", err, sizeof err) != 0)
			log_error("%s", err);
	}
}

/* Whether worker w (a node, or a lane) may answer for orphan o. */
static int answers_for(const struct ctl *c, const struct node *w, const struct node_orphan *o)
{
	const char *user = ctl_worker_user(c, w);
	if (!c->cfg->lab)
		return user == NULL;
	return user != NULL && o->user != NULL && strcmp(user, o->user) == 0;
}

int ctl_orphan_answered(struct ctl *c, struct node *w, const struct be_reply *r)
{
	struct node *n = ctl_worker_node(c, w);
	if (r->kind != BE_KILL || (strcmp(r->word, "killed") != 0 && strcmp(r->word, "gone") != 0 &&
	    strcmp(r->word, "pending") != 0))
		return 0;
	for (size_t i = 0; i < n->norphans; i++) {
		struct node_orphan *o = &n->orphans[i];
		const char *key = job_key_str(&o->key);
		if (strcmp(key, r->key) != 0 || !answers_for(c, w, o))
			continue;
		log_info("node %s: %s %s", n->conf->name, key, strcmp(r->word, "gone") == 0 ?
		    "was no longer running" : "killed");
		if (ctl_batch_tx(c) != 0 || db_orphan_del(c->db, n->conf->name, key) != 0)
			log_error("node %s: %s: %s", n->conf->name, key, db_errmsg(c->db));
		free(o->user);
		n->orphans[i] = n->orphans[--n->norphans];
		return 1;
	}
	return 0;
}

void ctl_orphans_free(struct node *n)
{
	for (size_t i = 0; i < n->norphans; i++)
		free(n->orphans[i].user);
	free(n->orphans);
	n->orphans = NULL;
	n->norphans = 0;
}

/*
 * ctl_lane.c — lab mode's per-(node, user) sessions ("lanes").
 *
 * Theory of operation: in lab mode a job runs on its node as the user who
 * submitted it.  herdd logs in to the node as that user with the lab key
 * (which the user put in their authorized_keys with `herd register`), so
 * the kernel of the node, not herd, says whose the job's processes are.
 * A lane is a struct node of its own (the same command worker and event
 * worker as a node: one shell session, one event session) whose settings
 * are its node's with user and identity replaced; it is opened when a job
 * of that user goes to that node and closed when it has held no job for
 * session_idle seconds, so 30 users and 20 nodes never mean 600 idle
 * sessions.  The node's own workers (its configured account) only probe.
 *
 * Lanes live in their own slots (each allocated once: workers hold a
 * pointer to theirs); a result names a lane as CTL_LANE_BASE + slot, and
 * each lane start takes a new generation so that a reused slot never
 * takes the results of the lane that had it before.
 *
 * In personal mode there are no lanes: a job's worker is its node's.
 */
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "util.h"

struct lane {
	struct node w;		/* its workers; w.conf is its own copy */
	int node;		/* the node slot it reaches; -1: a free lane slot */
	uint32_t uid;
	char user[64];
	int closing;		/* node_stop()ed: joined by a later tick, then freed */
	int ever_up;		/* its shell came up at least once */
	int busy;		/* holds a job (this tick) */
	int64_t idle_since_ms;	/* monotonic ms it last held none; 0: busy */
	int64_t opened_ms;
};

static struct lane *lane_at(const struct ctl *c, int idx)
{
	if (idx < CTL_LANE_BASE || (size_t)(idx - CTL_LANE_BASE) >= c->nlanes)
		return NULL;
	struct lane *l = c->lanes[idx - CTL_LANE_BASE];
	return l->node >= 0 ? l : NULL;
}

static struct lane *lane_of(const struct ctl *c, const struct node *w)
{
	return w->idx >= CTL_LANE_BASE ? lane_at(c, w->idx) : NULL;
}

struct node *ctl_worker(struct ctl *c, int idx)
{
	if (idx < CTL_LANE_BASE)
		return idx >= 0 && (size_t)idx < CTL_NODE_SLOTS ? &c->nodes[idx] : NULL;
	struct lane *l = lane_at(c, idx);
	return l != NULL ? &l->w : NULL;
}

struct node *ctl_worker_node(struct ctl *c, struct node *w)
{
	struct lane *l = lane_of(c, w);
	return l != NULL ? &c->nodes[l->node] : w;
}

const char *ctl_worker_user(const struct ctl *c, const struct node *w)
{
	struct lane *l = lane_of(c, w);
	return l != NULL ? l->user : NULL;
}

/* Whether job j's programs and events go through worker w. */
int ctl_job_on_worker(const struct ctl *c, const struct job *j, const struct node *w)
{
	if (!c->cfg->lab)
		return j->node == w->idx;
	struct lane *l = lane_of(c, w);
	return l != NULL && !l->closing && j->node == l->node && j->uid == l->uid;
}

/* A joined lane's slot becomes free for another (node, user). */
static void lane_free(struct lane *l)
{
	node_release(&l->w);
	config_node_free((struct node_conf *)l->w.conf);
	l->w.conf = NULL;
	l->node = -1;
	l->closing = 0;
}

static struct lane *lane_find(struct ctl *c, int node, uint32_t uid)
{
	for (size_t i = 0; i < c->nlanes; i++) {
		struct lane *l = c->lanes[i];
		if (l->node == node && l->uid == uid && !l->closing)
			return l;
	}
	return NULL;
}

static struct lane *lane_slot(struct ctl *c)
{
	for (size_t i = 0; i < c->nlanes; i++)
		if (c->lanes[i]->node < 0)
			return c->lanes[i];
	if (c->nlanes == c->lanes_cap) {
		c->lanes_cap = c->lanes_cap ? c->lanes_cap * 2 : 16;
		c->lanes = xreallocarray(c->lanes, c->lanes_cap, sizeof *c->lanes);
	}
	struct lane *l = xcalloc(1, sizeof *l);
	l->node = -1;
	l->w.idx = CTL_LANE_BASE + (int)c->nlanes;
	c->lanes[c->nlanes++] = l;
	return l;
}

static struct lane *lane_open(struct ctl *c, int node, uint32_t uid, const char *user)
{
	struct lane *l = lane_slot(c);
	int idx = l->w.idx;
	struct node_conf *conf = config_node_dup(c->nodes[node].conf);
	free(conf->user);
	conf->user = xstrdup(user);
	free(conf->identity);
	conf->identity = xstrdup(c->cfg->lab_key);
	node_init(&l->w, conf, idx);
	l->w.life = NODE_LIVE;
	l->w.gen = ++c->lane_gen;
	l->node = node;
	l->uid = uid;
	strlcpy_h(l->user, user, sizeof l->user);
	l->closing = l->ever_up = 0;
	l->idle_since_ms = 0;
	l->opened_ms = ctl_now_ms(c);
	if (node_start(&l->w) != 0)
		log_error("session %s@%s: cannot start worker threads", user, conf->name);
	log_info("session %s@%s: opening (lab key, for %s's jobs)", user, conf->name, user);
	return l;
}

/*
 * The login name recorded at submit must still be the owner's uid: were
 * the uid reused for another name, or the name for another uid, the
 * session would log in as someone other than the job's owner.  Empty: no
 * such user any more (the session then cannot log in, and says so).
 * `what` names whose it is, for the log.
 */
static const char *login_name(const char *user, uint32_t uid, const char *what)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];
	if (user == NULL || getpwnam_r(user, &pw, tmp, sizeof tmp, &res) != 0 ||
	    res == NULL || res->pw_uid != (uid_t)uid) {
		log_error("%s: its user %s is no longer uid %u; herdd will not log in "
		    "as that name for it", what, user ? user : "?", (unsigned)uid);
		return "";
	}
	return user;
}

struct node *ctl_lane_for(struct ctl *c, int node, uint32_t uid, const char *user,
    const char *what)
{
	struct lane *l = lane_find(c, node, uid);
	if (l == NULL)
		l = lane_open(c, node, uid, login_name(user, uid, what));
	l->idle_since_ms = 0;
	return &l->w;
}

struct node_conf *ctl_job_login_conf(struct ctl *c, const struct job *j)
{
	char what[64];
	struct node_conf *conf = config_node_dup(c->nodes[j->node].conf);
	if (!c->cfg->lab)
		return conf;
	snprintf(what, sizeof what, "job %" PRId64, j->id);
	free(conf->user);
	conf->user = xstrdup(login_name(j->user, j->uid, what));
	free(conf->identity);
	conf->identity = xstrdup(c->cfg->lab_key);
	return conf;
}

struct node *ctl_job_worker(struct ctl *c, const struct job *j)
{
	char what[64];
	if (!c->cfg->lab)
		return &c->nodes[j->node];
	snprintf(what, sizeof what, "job %" PRId64, j->id);
	return ctl_lane_for(c, j->node, j->uid, j->user, what);
}

void ctl_reconcile_job(struct ctl *c, struct job *j)
{
	ctl_reconcile(c, ctl_job_worker(c, j), j);
}

/*
 * A lane's shell is up or down.  One that never came up could not log
 * in: the jobs sent to it never reached the node (the worker drops what
 * it could not send), so they fail now with the reason, instead of
 * waiting for a login that a missing registration will never allow.
 */
void ctl_lane_shell(struct ctl *c, struct node *w, int up, const char *why)
{
	struct lane *l = lane_of(c, w);
	if (l == NULL)
		return;
	if (up) {
		if (!l->ever_up)
			log_info("session %s@%s: open", l->user, w->conf->name);
		l->ever_up = 1;
		return;
	}
	if (l->ever_up) {
		log_warn("session %s@%s: %s", l->user, w->conf->name, why);
		return;
	}
	char reason[NODE_ERRLEN + 256];
	/* why: ssh.c's, which lists the causes when the key was refused; for
	 * the lab key the first of them is a user who has not registered. */
	snprintf(reason, sizeof reason, "launch failed: herdd cannot log in to %s as %s: %s "
	    "(has %s run herd register?)", w->conf->name, l->user, why ? why : "?", l->user);
	log_warn("session %s@%s: cannot log in: %s", l->user, w->conf->name, why);
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		/* Only launches of this herdd's life: one restored from the
		 * database may have reached the node before a restart. */
		if (j != NULL && j->held && j->state == JOB_LAUNCHING &&
		    j->launch_since_ms > c->loaded_ms && ctl_job_on_worker(c, j, w))
			ctl_event(c, j, EV_LAUNCH_FAIL, 1, intern(reason));
	}
}

/* Which lanes hold a job now; idle ones close after session_idle. */
void ctl_lanes_tick(struct ctl *c)
{
	int64_t now = ctl_now_ms(c), idle_ms = c->cfg->session_idle_s * 1000LL;
	if (c->nlanes == 0)
		return;
	for (size_t i = 0; i < c->nlanes; i++)
		c->lanes[i]->busy = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j == NULL || !j->held || j->node < 0)
			continue;
		struct lane *l = lane_find(c, j->node, j->uid);
		if (l != NULL)
			l->busy = 1;
	}
	for (size_t i = 0; i < c->nlanes; i++) {
		struct lane *l = c->lanes[i];
		if (l->node < 0)
			continue;
		if (l->closing) {
			if (node_tryjoin(&l->w) == 0)
				lane_free(l);
		} else if (l->busy || ctl_logs_pending_on(c, &l->w))
			l->idle_since_ms = 0;
		else if (l->idle_since_ms == 0)
			l->idle_since_ms = now;
		else if (now - l->idle_since_ms >= idle_ms) {
			log_info("session %s@%s: closed (idle %d s)", l->user, l->w.conf->name,
			    (int)((now - l->idle_since_ms) / 1000));
			l->closing = 1;
			node_stop(&l->w);
		}
	}
}

void ctl_lanes_each(struct ctl *c, int node, void (*fn)(struct ctl *, struct node *, void *),
    void *arg)
{
	for (size_t i = 0; i < c->nlanes; i++)
		if (c->lanes[i]->node == node && !c->lanes[i]->closing)
			fn(c, &c->lanes[i]->w, arg);
}

size_t ctl_lanes_open(const struct ctl *c, int node)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nlanes; i++)
		n += c->lanes[i]->node >= 0 && !c->lanes[i]->closing &&
		    (node < 0 || c->lanes[i]->node == node);
	return n;
}

void ctl_lanes_stop(struct ctl *c)
{
	for (size_t i = 0; i < c->nlanes; i++)
		if (c->lanes[i]->node >= 0 && !c->lanes[i]->closing) {
			c->lanes[i]->closing = 1;
			node_stop(&c->lanes[i]->w);
		}
}

/* 0: every lane joined and freed; -1: one is stuck in a remote step. */
int ctl_lanes_join(struct ctl *c, int64_t deadline)
{
	int rc = 0;
	for (size_t i = 0; i < c->nlanes; i++) {
		struct lane *l = c->lanes[i];
		if (l->node < 0)
			continue;
		if (node_join(&l->w, deadline) != 0) {
			rc = -1;
			continue;
		}
		lane_free(l);
	}
	if (rc == 0) {
		for (size_t i = 0; i < c->nlanes; i++)
			free(c->lanes[i]);
		free(c->lanes);
		c->lanes = NULL;
		c->nlanes = c->lanes_cap = 0;
	}
	return rc;
}

/* Lab mode: herdd can start a job only as a user who registered. */
int ctl_check_registered(struct ctl *c, uid_t uid, const char *user, char *err, size_t errsz)
{
	if (!c->cfg->lab)
		return 0;
	int r = db_user_registered(c->db, (uint32_t)uid);
	if (r == 1)
		return 0;
	if (r < 0)
		snprintf(err, errsz, "cannot tell whether you have registered: %s", db_errmsg(c->db));
	else
		snprintf(err, errsz, "you (%s) have not registered with this lab's herd: run `herd "
		    "register` once, so that herdd may start your jobs on the nodes as %s", user ? user : "?",
		    user ? user : "you");
	return -1;
}

/*
 * ctl_reload.c — `herd reconfigure` and SIGHUP: hosts.ini read again and
 * applied to the running controller, or refused whole.
 *
 * Theory of operation: the file is read with config_load(), the same
 * strict reader as at start; an error refuses the reload with FILE:LINE and
 * changes nothing.  Then each node of the new file is matched by name to a
 * slot of the node table (ctl.h, CTL_NODE_SLOTS, allocated at start since
 * worker threads hold a pointer to their slot):
 *
 *   new name      a free slot gets the node's settings and workers; it
 *                 comes UP after its probe and scan, as at start;
 *   gone name     the node is REMOVED: no new jobs (ctl.c checks life);
 *                 once it holds none, ctl_nodes_tick() stops its workers,
 *                 joins them without waiting (pthread_tryjoin_np) and the
 *                 slot is GONE: out of `herd nodes`, its name kept for the
 *                 ended jobs still in memory, free for a later node;
 *   changed       the node's workers are stopped and started again with
 *                 the new settings (a copy: each node owns its settings, so
 *                 no config is freed under a worker).  Its jobs keep
 *                 running: the node side does not depend on the connection,
 *                 and the new workers reconcile them as after any drop.
 *                 Where a node is (host, port, user, herd_dir) does not
 *                 change while it runs jobs: their files are there, and the
 *                 new place would answer that they vanished.
 *
 * Results of stopped workers still in the queue carry an older generation
 * (node.h) and are dropped: a slot may meanwhile hold another node.
 *
 * [partition] and [qos] sections are taken whole and apply at once: a
 * pass asks each pending job's partitions again (partition.c), and a
 * submit checks the new limits.  Controller keys: probe_interval and
 * kill_grace are read where used and apply at once; cluster (which names job directories), state_dir, socket
 * and log_file would move what herdd has open, and apply at its next start.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "node.h"
#include "util.h"

#define CHANGED_MAX 16

/* Node keys that say where the node and its job files are. */
static const char *const place_keys[] = { "host", "port", "user", "herd_dir", NULL };

/* Controller keys that apply at once. */
static const char *const live_ctl_keys[] = { "probe_interval", "kill_grace", "admins",
	"session_idle", "reservations", NULL };

static int in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/* One line of the answer, also logged: the log says what a SIGHUP did. */
static void __attribute__((format(printf, 2, 3)))
say(struct buf *report, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_msg(LOG_INFO, "reconfigure", "%s", line);
	buf_printf(report, "%s\n", line);
}

static void join_names(char *out, size_t size, const char **names, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && i < CHANGED_MAX; i++) {
		int w = snprintf(out + o, size - o, "%s%s", i ? ", " : "", names[i]);
		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
}

int ctl_node_has_workers(const struct node *n)
{
	return n->life == NODE_LIVE || n->life == NODE_REMOVED;
}

int ctl_node_listed(const struct node *n)
{
	return n->life == NODE_LIVE ||
	    (n->life == NODE_REMOVED && !(n->workers_stopped && !n->restart));
}

size_t ctl_node_jobs(const struct ctl *c, int k)
{
	size_t n = 0;
	for (size_t i = 0; i < c->njobs; i++)
		if (c->jobs[i]->node == k && c->jobs[i]->held)
			n++;
	return n;
}

/* Whether any job in memory names slot k (so the slot keeps its name). */
static int slot_referenced(const struct ctl *c, int k)
{
	for (size_t i = 0; i < c->njobs; i++)
		if (c->jobs[i]->node == k)
			return 1;
	return 0;
}

static int named_in(const struct config *nc, const char *name)
{
	for (size_t i = 0; i < nc->nnodes; i++)
		if (strcmp(nc->nodes[i].name, name) == 0)
			return 1;
	return 0;
}

static struct node *slot_named(struct ctl *c, const char *name)
{
	for (size_t k = 0; k < c->nnodes; k++)
		if (c->nodes[k].life != NODE_FREE && strcmp(c->nodes[k].conf->name, name) == 0)
			return &c->nodes[k];
	return NULL;
}

/* A slot for a new name: never used, else one whose node left and that
 * no job in memory names. */
static struct node *free_slot(struct ctl *c, const struct config *nc)
{
	if (c->nnodes < CTL_NODE_SLOTS)
		return &c->nodes[c->nnodes];
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->life == NODE_GONE && !named_in(nc, n->conf->name) &&
		    !slot_referenced(c, (int)k))
			return n;
	}
	return NULL;
}

/* Stop a node's workers (not waiting); its results from now on are stale. */
static void stop_workers(struct ctl *c, struct node *n, const char *reason)
{
	node_stop(n);
	n->workers_stopped = 1;
	n->gen++;
	n->shell_up = n->events_up = 0;
	n->probe_inflight = 0;
	if (n->state != NODE_UNKNOWN)
		n->state_since = ctl_now_wall(c);
	n->state = NODE_UNKNOWN;
	strlcpy_h(n->reason, reason, sizeof n->reason);
}

static void add_node(struct ctl *c, struct node *n, const struct node_conf *nc,
    struct buf *report)
{
	unsigned gen = n->gen + 1;
	int k = (int)(n - c->nodes);
	if (n->life != NODE_FREE) {	/* a slot whose node left */
		probe_result_clear(&n->probe);
		foreign_state_clear(&n->foreign);
		ctl_outage_forget(n);
		config_node_free((struct node_conf *)n->conf);
		config_node_free(n->next_conf);
		pthread_mutex_destroy(&n->mu);
		pthread_cond_destroy(&n->cv);
	}
	node_init(n, config_node_dup(nc), k);
	n->no_events = c->cfg->lab;
	n->gen = gen;
	n->life = NODE_LIVE;
	ctl_node_restore(c, n);	/* a node added back is as herd left it */
	if ((size_t)k == c->nnodes)
		c->nnodes++;
	if (node_start(n) != 0)
		log_error("node %s: cannot start worker threads", nc->name);
	say(report, "node %s: added (%s); connecting", nc->name, nc->host);
}

/* A node still in the file: back from removal, and its settings. */
static void update_node(struct ctl *c, struct node *n, const struct node_conf *nc,
    struct buf *report)
{
	const struct node_conf *cur = n->next_conf ? n->next_conf : n->conf;
	const char *names[CHANGED_MAX];
	char list[256];
	size_t nch = config_node_changed(cur, nc, names, CHANGED_MAX), jobs, i;
	int place = 0;

	if (n->life == NODE_REMOVED) {
		n->life = NODE_LIVE;
		say(report, "node %s: back in %s: takes jobs again", nc->name, c->cfg->path);
		if (n->workers_stopped && !n->restart)
			n->restart = 1;	/* it was leaving: it stays */
	}
	if (nch == 0)
		return;
	join_names(list, sizeof list, names, nch);
	for (i = 0; i < nch && i < CHANGED_MAX; i++)
		place |= in_list(place_keys, names[i]);
	jobs = ctl_node_jobs(c, n->idx);
	if (place && jobs > 0) {
		say(report, "node %s: %s changed, but where a node is does not change while it "
		    "runs jobs (%zu there): its settings stay as they were; reconfigure again "
		    "once they have ended", nc->name, list, jobs);
		return;
	}
	config_node_free(n->next_conf);
	n->next_conf = config_node_dup(nc);
	n->restart = 1;
	if (!n->workers_stopped)
		stop_workers(c, n, "reconnecting with new settings");
	if (jobs > 0)
		say(report, "node %s: %s changed: it reconnects with the new settings now; its "
		    "%zu job%s keep%s running", nc->name, list, jobs, jobs == 1 ? "" : "s",
		    jobs == 1 ? "s" : "");
	else
		say(report, "node %s: %s changed: it reconnects with the new settings now",
		    nc->name, list);
}

static void remove_node(struct ctl *c, struct node *n, struct buf *report)
{
	size_t jobs = ctl_node_jobs(c, n->idx);
	n->life = NODE_REMOVED;
	if (jobs == 0 && n->workers_stopped)
		n->restart = 0;		/* it was reconnecting: it leaves instead */
	if (jobs > 0)
		say(report, "node %s: removed from %s: takes no new jobs; leaves once its %zu "
		    "job%s ended", n->conf->name, c->cfg->path, jobs, jobs == 1 ? " has" : "s have");
	else
		say(report, "node %s: removed from %s: leaves now", n->conf->name, c->cfg->path);
	ctl_nodes_tick(c);
}

static void apply_controller(struct ctl *c, const struct config *nc, struct buf *report)
{
	const char *names[CHANGED_MAX];
	size_t n = config_ctl_changed(c->cfg, nc, names, CHANGED_MAX);
	for (size_t i = 0; i < n && i < CHANGED_MAX; i++) {
		if (!in_list(live_ctl_keys, names[i])) {
			say(report, "%s changed: applies when herdd restarts; until then it keeps "
			    "the value it started with", names[i]);
			continue;
		}
		if (strcmp(names[i], "admins") == 0) {
			say(report, "admins: \"%s\" -> \"%s\": applies now",
			    c->cfg->admins ? c->cfg->admins : "", nc->admins ? nc->admins : "");
			free(c->cfg->admins);
			c->cfg->admins = nc->admins ? xstrdup(nc->admins) : NULL;
			ctl_admins_load(c);
			continue;
		}
		if (strcmp(names[i], "reservations") == 0) {
			say(report, "reservations: %d -> %d: applies from the next pass",
			    c->cfg->reservations, nc->reservations);
			c->cfg->reservations = nc->reservations;
			c->sched_needed = 1;
			continue;
		}
		if (strcmp(names[i], "session_idle") == 0) {
			say(report, "session_idle: %d -> %d s: applies now", c->cfg->session_idle_s,
			    nc->session_idle_s);
			c->cfg->session_idle_s = nc->session_idle_s;
			continue;
		}
		int *cur = strcmp(names[i], "kill_grace") == 0 ? &c->cfg->kill_grace_s :
		    &c->cfg->probe_interval_s;
		int nv = strcmp(names[i], "kill_grace") == 0 ? nc->kill_grace_s :
		    nc->probe_interval_s;
		say(report, "%s: %d -> %d s: applies now", names[i], *cur, nv);
		*cur = nv;
		if (cur == &c->cfg->probe_interval_s)
			for (size_t k = 0; k < c->nnodes; k++)
				if (c->nodes[k].next_probe_ms > ctl_now_ms(c) + nv * 1000LL)
					c->nodes[k].next_probe_ms = ctl_now_ms(c) + nv * 1000LL;
	}
}

/* Whether the new nodes fit in the free slots; -1 with *err if not. */
static int check_slots(struct ctl *c, const struct config *nc, char *err, size_t errsz)
{
	size_t need = 0, have = CTL_NODE_SLOTS - c->nnodes;
	for (size_t i = 0; i < nc->nnodes; i++) {
		struct node *n = slot_named(c, nc->nodes[i].name);
		need += n == NULL;
	}
	for (size_t k = 0; k < c->nnodes && have < need; k++) {
		const struct node *n = &c->nodes[k];
		if (n->life == NODE_GONE && !named_in(nc, n->conf->name) &&
		    !slot_referenced(c, (int)k))
			have++;
	}
	if (need <= have)
		return 0;
	snprintf(err, errsz, "%s: %zu new nodes, but only %zu free places while removed nodes "
	    "finish their jobs; try again later", c->cfg->path, need, have);
	return -1;
}

int ctl_reconfigure(struct ctl *c, struct buf *report, char *err, size_t errsz)
{
	struct config nc;
	size_t before = report->len;

	if (config_load(c->cfg->path, &nc, err, errsz) != 0) {
		log_error("reconfigure refused: %s; the running configuration stays", err);
		return -1;
	}
	if (check_slots(c, &nc, err, errsz) != 0) {
		log_error("reconfigure refused: %s; the running configuration stays", err);
		config_clear(&nc);
		return -1;
	}
	log_info("reconfigure: reading %s", c->cfg->path);
	ctl_batch_settle(c);	/* what this turn changed reaches its nodes as they were */
	for (size_t i = 0; i < nc.nnodes; i++) {
		struct node *n = slot_named(c, nc.nodes[i].name);
		if (n == NULL || n->life == NODE_GONE)
			add_node(c, n ? n : free_slot(c, &nc), &nc.nodes[i], report);
		else
			update_node(c, n, &nc.nodes[i], report);
	}
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->life == NODE_LIVE && !named_in(&nc, n->conf->name))
			remove_node(c, n, report);
	}
	apply_controller(c, &nc, report);
	if (!acct_conf_same(&c->cfg->acct, &nc.acct)) {
		/* Accounts, shares and weights: the next pass uses them. */
		say(report, "[account] and [priority] sections changed: apply now");
		acct_conf_clear(&c->cfg->acct);
		c->cfg->acct = nc.acct;
		memset(&nc.acct, 0, sizeof nc.acct);
	}
	/* Pending jobs ask their partitions again at the next pass (partition.c). */
	if (config_parts_take(c->cfg, &nc))
		say(report, "[partition] and [qos] sections: apply now, to pending jobs too");
	if (report->len == before)
		say(report, "no changes");
	config_clear(&nc);
	c->sched_needed = 1;
	return 0;
}

void ctl_nodes_tick(struct ctl *c)
{
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->life == NODE_REMOVED && !n->workers_stopped && ctl_node_jobs(c, (int)k) == 0) {
			stop_workers(c, n, "leaving: removed from hosts.ini");
			n->restart = 0;
		}
		if (!n->workers_stopped || node_tryjoin(n) != 0)
			continue;
		n->workers_stopped = 0;
		if (!n->restart) {
			node_join(n, now_ms());		/* joined: drops what was still queued */
			n->life = NODE_GONE;
			log_info("node %s: left (removed from hosts.ini)", n->conf->name);
			continue;
		}
		n->restart = 0;
		if (n->next_conf != NULL) {
			config_node_free((struct node_conf *)n->conf);
			n->conf = n->next_conf;
			n->next_conf = NULL;
		}
		if (node_start(n) != 0)
			log_error("node %s: cannot start worker threads", n->conf->name);
		else
			log_info("node %s: reconnecting with its new settings", n->conf->name);
	}
}

/*
 * ctl_drain.c — herd drain and herd resume: a drained node takes no new
 * jobs; the jobs already there run on to their end (Slurm's
 * `scontrol update nodename=X state=drain reason=...` and state=resume).
 *
 * Theory of operation: a drain belongs to a node's name, not to its slot:
 * the list c->drains is looked up by name, and the database keeps it in
 * table nodes (state 'DRAIN', reason, state_time), so a restart, or a node
 * removed from hosts.ini and added back, finds it drained still.  The
 * scheduling pass sees a drained node as not up (ctl.c, snapshot_nodes);
 * nothing else changes for it: probes, reconciling and the jobs on it go
 * on, so `herd nodes` tells DRAINING (jobs still there) from DRAINED.
 *
 * The reason is stored as shown, "TEXT [user@time]" like Slurm's, so a
 * listing (and its JSON) says who drained the node and when with no
 * lookup.  A request names one or more nodes: every name is checked
 * first and all of them change in one transaction, or none does.  Only
 * admins and root may (authz.c's AUTHZ_NODE_ADMIN); each node drained or
 * resumed is a row of the audit log (action "drain" or "resume", no job),
 * written after the change committed, as ctl_audit() does for jobs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "ctl_internal.h"
#include "log.h"
#include "sched.h"
#include "util.h"

int drain_reason_check(const char *reason, char *err, size_t errsz)
{
	const unsigned char *p = (const unsigned char *)reason;
	if (strlen(reason) > DRAIN_REASON_MAX) {
		snprintf(err, errsz, "invalid reason: longer than %d bytes", DRAIN_REASON_MAX);
		return -1;
	}
	while (*p != '\0') {
		size_t n = utf8_seq_len(p);
		/* Controls, C1 ones (an 8-bit escape) included, and bytes that are not UTF-8. */
		if (*p < 0x20 || *p == 0x7f || n == 0 || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			snprintf(err, errsz, "invalid reason: only printable UTF-8 text, one line");
			return -1;
		}
		p += n;
	}
	return 0;
}

void drain_text(char *buf, size_t size, const char *reason, const char *user, int64_t when)
{
	char at[32] = "?";
	struct tm tm;
	time_t t = (time_t)when;
	if (localtime_r(&t, &tm) != NULL)
		strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s%s[%s@%s]", reason, reason[0] != '\0' ? " " : "", user, at);
}

static struct ctl_drain *find_drain(const struct ctl *c, const char *name)
{
	for (size_t i = 0; i < c->ndrains; i++)
		if (strcmp(c->drains[i].name, name) == 0)
			return &c->drains[i];
	return NULL;
}

static void set_drain(struct ctl *c, const char *name, const char *text, int64_t since)
{
	struct ctl_drain *d = find_drain(c, name);
	if (d == NULL) {
		c->drains = xreallocarray(c->drains, c->ndrains + 1, sizeof *c->drains);
		d = &c->drains[c->ndrains++];
		d->name = xstrdup(name);
	} else
		free(d->reason);
	d->reason = xstrdup(text);
	d->since = since;
}

static void unset_drain(struct ctl *c, const char *name)
{
	struct ctl_drain *d = find_drain(c, name);
	if (d == NULL)
		return;
	free(d->name);
	free(d->reason);
	*d = c->drains[--c->ndrains];
}

static int load_one(void *arg, const char *name, const char *reason, int64_t since)
{
	set_drain(arg, name, reason != NULL ? reason : "", since);
	return 0;
}

int ctl_drains_load(struct ctl *c, char *err, size_t errsz)
{
	if (db_node_drains(c->db, load_one, c) != 0) {
		snprintf(err, errsz, "loading drained nodes: %s", db_errmsg(c->db));
		return -1;
	}
	for (size_t i = 0; i < c->ndrains; i++) {
		char vis[128];
		str_vis(vis, sizeof vis, c->drains[i].name);
		log_info("node %s is drained: it takes no new jobs until herd resume", vis);
	}
	return 0;
}

void ctl_drains_clear(struct ctl *c)
{
	for (size_t i = 0; i < c->ndrains; i++) {
		free(c->drains[i].name);
		free(c->drains[i].reason);
	}
	free(c->drains);
	c->drains = NULL;
	c->ndrains = 0;
}

const struct ctl_drain *ctl_node_drain(const struct ctl *c, const struct node *n)
{
	return c->ndrains > 0 && n->conf != NULL ? find_drain(c, n->conf->name) : NULL;
}

/* The listed node of that name, or NULL. */
static struct node *node_named(struct ctl *c, const char *name)
{
	for (size_t k = 0; k < c->nnodes; k++)
		if (ctl_node_listed(&c->nodes[k]) && strcmp(c->nodes[k].conf->name, name) == 0)
			return &c->nodes[k];
	return NULL;
}

/* Every name is a node now (a resume: or a drained name no longer in hosts.ini). */
static int check_names(struct ctl *c, int drain, const char *const *names, size_t n,
    char *err, size_t errsz)
{
	if (n == 0) {
		snprintf(err, errsz, "no node named");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (node_named(c, names[i]) != NULL || (!drain && find_drain(c, names[i]) != NULL))
			continue;
		char vis[128];
		str_vis(vis, sizeof vis, names[i]);
		snprintf(err, errsz, "no node %s", vis);
		return -1;
	}
	return 0;
}

void ctl_node_state_named(struct ctl *c, const char *name, char *state, size_t size)
{
	const struct node *n = node_named(c, name);
	const char *reason;
	int64_t since;
	state[0] = '\0';
	if (n != NULL)
		ctl_node_view(c, n, state, size, &reason, &since);
}

int named_before(const char *const *names, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (strcmp(names[k], names[i]) == 0)
			return 1;
	return 0;
}

/* The audit row of one node's drain or resume (no job, no owner). */
void ctl_drain_audit(struct ctl *c, uid_t uid, const char *actor, int drain, const char *name,
    const char *reason)
{
	char detail[DRAIN_REASON_MAX + 160], vis[sizeof detail * 4];
	snprintf(detail, sizeof detail, "%s%s%s", name, reason[0] != '\0' ? ": " : "", reason);
	struct audit_row r = {
		.time = ctl_now_wall(c), .actor_uid = (uint32_t)uid, .actor = (char *)actor,
		.action = drain ? "drain" : "resume", .job_id = 0, .detail = detail,
	};
	str_vis(vis, sizeof vis, detail);
	log_info("audit: %s (uid %u) %s node %s", actor, (unsigned)uid, r.action, vis);
	if (db_audit_insert(c->db, &r) != 0)
		log_error("audit: %s's %s of node %s not recorded (the action stands): %s",
		    actor, r.action, vis, db_errmsg(c->db));
}

/* "node1: DRAINING, 2 jobs run on" and the like, into the report. */
static void say(struct ctl *c, struct buf *report, int drain, const char *name, int was)
{
	char vis[128];
	struct node *n = node_named(c, name);
	size_t jobs = n != NULL ? ctl_node_jobs(c, n->idx) : 0;
	str_vis(vis, sizeof vis, name);
	if (!drain)
		buf_printf(report, "%s: %s\n", vis, was ? "resumed" : "was not drained");
	else if (jobs > 0)
		buf_printf(report, "%s: DRAINING: no new jobs; its %zu job%s run%s on\n", vis, jobs,
		    jobs == 1 ? "" : "s", jobs == 1 ? "s" : "");
	else
		buf_printf(report, "%s: DRAINED\n", vis);
}

int ctl_drain(struct ctl *c, uid_t uid, int drain, const char *const *names, size_t n,
    const char *reason, struct buf *report, char *err, size_t errsz)
{
	char actor[64], text[DRAIN_REASON_MAX + 128];
	if (ctl_authz(c, uid, AUTHZ_NODE_ADMIN, AUTHZ_NO_OWNER) == AUTHZ_DENY) {
		snprintf(err, errsz, "only admins may drain or resume nodes");
		return -1;
	}
	if (reason == NULL)
		reason = "";
	if ((drain && drain_reason_check(reason, err, errsz) != 0) ||
	    check_names(c, drain, names, n, err, errsz) != 0)
		return -1;
	uid_name_r(uid, actor, sizeof actor);
	int64_t now = ctl_now_wall(c);
	drain_text(text, sizeof text, reason, actor, now);

	/* Its own commit, the turn's batch first: the admin hears whether it is stored. */
	if (ctl_batch_commit(c) != 0 || db_begin(c->db) != 0) {
		snprintf(err, errsz, "nothing changed: the database did not take it: %s",
		    db_errmsg(c->db));
		return -1;
	}
	int ok = 1;
	for (size_t i = 0; ok && i < n; i++)
		ok = (drain ? db_node_drain(c->db, names[i], text, now) :
		    db_node_resume(c->db, names[i], now)) == 0;
	if (!ok || db_commit(c->db) != 0) {
		snprintf(err, errsz, "nothing changed: the database did not take it: %s",
		    db_errmsg(c->db));
		db_rollback(c->db);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (named_before(names, i))
			continue;
		int was = find_drain(c, names[i]) != NULL;
		if (drain)
			set_drain(c, names[i], text, now);
		else {
			unset_drain(c, names[i]);
			/* A resume also takes a node that lost a GPU as it is now. */
			struct node *nd = node_named(c, names[i]);
			if (nd != NULL)
				ctl_health_accept(c, nd);
		}
		say(c, report, drain, names[i], was);
		ctl_drain_audit(c, uid, actor, drain, names[i], drain ? reason : "");
	}
	c->sched_needed = 1;	/* a resumed node takes the jobs that waited */
	return 0;
}

/*
 * Whether a pending job waits only because of drains: it fits (by size)
 * some drained node in hosts.ini and no other.  Then its reason says so
 * rather than Resources, which would promise it a place once jobs end.
 * herd's own drain (ctl_outage.c: nvidia-smi failed, a GPU lost, low
 * disk) counts as one, with the GPUs the node had before it lost one.
 */
int ctl_drain_blocks(struct ctl *c, const struct job *j, const uint64_t *mask)
{
	struct sched_job sj = { .gpus = j->gpus, .cpus = j->cpus, .mem_mb = (int64_t)j->mem_mb };
	int drained_fits = 0;
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct node *n = &c->nodes[k];
		if (n->life != NODE_LIVE || !n->have_probe ||
		    (mask != NULL && !(mask[k / 64] >> (k % 64) & 1)))
			continue;	/* gone, unknown, or not of its partitions */
		int drained = ctl_node_drain(c, n) != NULL || n->sick[0] != '\0';
		size_t gpus = drained && n->gpus_max > n->probe.ngpus ? n->gpus_max : n->probe.ngpus;
		int fits = sched_fits_capacity(&sj, n->probe.cpus, n->probe.mem_mb, (int)gpus);
		if (fits && !drained)
			return 0;
		drained_fits |= fits;
	}
	return drained_fits;
}

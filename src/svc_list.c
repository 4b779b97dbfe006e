/*
 * svc_list.c — herdd's job listings grouped into services (svc_list.h).
 *
 * Theory of operation: herdd knows jobs; a service of N replicas is N
 * jobs, the tasks of one array (replica K = task K), plus, while some have
 * not started, the array's record standing for them.  So a service is
 * known here by (user, name, instance), the instance being its array's id
 * (a service of one: its job's id); a newer instance of a name (the
 * service stopped and started again) replaces an older one, and a job
 * seen twice (active and in history, while it is being stopped) counts
 * once.  herd service ls, show, stop, logs and herd port-forward all read
 * services through here.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "cmd.h"
#include "job.h"
#include "svc.h"
#include "svc_health.h"
#include "svc_list.h"
#include "svc_roll.h"
#include "util.h"

#define SVC_ENDED_SHOWN_S 86400	/* ended services of the last day */

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A frame's text field, def where absent. */
static const char *field(const struct msg *m, const char *key, const char *def)
{
	const char *v = msg_get(m, key, NULL);
	return v != NULL ? v : def;
}

static void rec_clear(struct svc_rec *r)
{
	free(r->state);
	free(r->reason);
	free(r->node);
	free(r->health_why);
}

static void rec_fill(struct svc_rec *r, const struct msg *m, int active)
{
	int64_t task = msg_geti(m, "array_task_id", -1);
	memset(r, 0, sizeof *r);
	r->id = msg_geti(m, "id", 0);
	r->state = xstrdup(field(m, "state", "?"));
	r->reason = dup_or_null(msg_get(m, "reason", NULL));
	r->node = dup_or_null(msg_get(m, "node", NULL));
	r->port = (int)msg_geti(m, "port", 0);
	r->health = (int)msg_geti(m, "health", SVC_HEALTH_NONE);
	r->health_why = dup_or_null(msg_get(m, "health_restart", NULL));
	r->restarts = (int)msg_geti(m, "restarts", 0);
	r->roll = (int)msg_geti(m, "roll", SVC_ROLL_NONE);
	r->attempt = (int)msg_geti(m, "attempt", 1);
	/* An ended service's last exit is its job's; a running one's, the
	 * attempt before. */
	r->last_exit = (int)msg_geti(m, active ? "last_exit" : "exit_code", -1);
	r->last_oom = (int)msg_geti(m, "last_oom", 0);
	r->start = msg_geti(m, "start_time", 0);
	r->active = active;
	r->replica = task >= 0 && task < 1 << 20 ? (int)task : 0;
	r->not_started = task < 0 && msg_get(m, "array_tasks", NULL) != NULL;
}

static void group_clear(struct svc_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		rec_clear(&g->r[i]);
	free(g->r);
	free(g->name);
	free(g->user);
	free(g->policy);
	memset(g, 0, sizeof *g);
}

static void group_init(struct svc_group *g, const struct msg *m, int64_t instance)
{
	int64_t want = msg_geti(m, "replicas", 1);
	memset(g, 0, sizeof *g);
	g->name = xstrdup(msg_get(m, "service", NULL));
	g->user = xstrdup(field(m, "user", "?"));
	g->policy = xstrdup(svc_restart_name((int)msg_geti(m, "restart_policy", 1)));
	g->instance = instance;
	g->wanted = want >= 1 && want <= SVC_REPLICAS_MAX ? (int)want : 1;
}

/* Its record into g, in replica order (a record not started last). */
static void group_add(struct svc_group *g, const struct msg *m, int active)
{
	int64_t id = msg_geti(m, "id", 0);
	for (size_t i = 0; i < g->n; i++)
		if (g->r[i].id == id)
			return;	/* active and ended at once: the first seen */
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4;
		g->r = xreallocarray(g->r, g->cap, sizeof *g->r);
	}
	struct svc_rec r;
	rec_fill(&r, m, active);
	size_t k = g->n++;
	while (k > 0 && (g->r[k - 1].not_started ||
	    (!r.not_started && g->r[k - 1].replica > r.replica))) {
		g->r[k] = g->r[k - 1];
		k--;
	}
	g->r[k] = r;
}

void svc_list_add(struct svc_list *l, const struct msg *m)
{
	const char *name = msg_get(m, "service", NULL), *user = field(m, "user", "?");
	int64_t arr = msg_geti(m, "array_job_id", -1), id = msg_geti(m, "id", 0);
	int64_t inst = arr > 0 ? arr : id;
	if (name == NULL || strcmp(m->type, "job") != 0)
		return;
	for (size_t i = 0; i < l->n; i++) {
		struct svc_group *g = &l->g[i];
		if (strcmp(g->name, name) != 0 || strcmp(g->user, user) != 0)
			continue;
		if (inst < g->instance)
			return;	/* an older service of the name */
		if (inst > g->instance) {
			group_clear(g);
			group_init(g, m, inst);
		}
		group_add(g, m, l->reading_active);
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->g = xreallocarray(l->g, l->cap, sizeof *l->g);
	}
	group_init(&l->g[l->n], m, inst);
	group_add(&l->g[l->n++], m, l->reading_active);
}

static int collect_each(void *arg, const struct msg *m)
{
	svc_list_add(arg, m);
	return 0;
}

int svc_list_collect(struct svc_list *l, int mine, int ended)
{
	struct msg req;
	int rc;
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	l->reading_active = 1;
	rc = cmd_stream(&req, collect_each, l);
	msg_clear(&req);
	if (rc != 0 || !ended)
		return rc;
	msg_init(&req, "history");
	msg_addi(&req, "limit", 1000);
	msg_addi(&req, "since", (int64_t)time(NULL) - SVC_ENDED_SHOWN_S);
	l->reading_active = 0;
	rc = cmd_stream(&req, collect_each, l);
	msg_clear(&req);
	return rc;
}

void svc_list_clear(struct svc_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		group_clear(&l->g[i]);
	free(l->g);
	memset(l, 0, sizeof *l);
}

const struct svc_group *svc_list_find(const struct svc_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->g[i].name, name) == 0)
			return &l->g[i];
	return NULL;
}

/* The state by name: RUNNING or not is all the rules here ask. */
static int running(const struct svc_rec *r)
{
	return r->active && !r->not_started && strcmp(r->state, "RUNNING") == 0;
}

int svc_rec_up(const struct svc_rec *r)
{
	return running(r) && svc_replica_up(JOB_RUNNING, r->health);
}

int svc_rec_ready(const struct svc_rec *r)
{
	return running(r) && r->port > 0 && svc_replica_ready(JOB_RUNNING, r->health, r->roll);
}

int svc_group_up(const struct svc_group *g)
{
	int up = 0;
	for (size_t i = 0; i < g->n; i++)
		up += svc_rec_up(&g->r[i]);
	return up;
}

const struct svc_rec *svc_group_replica(const struct svc_group *g, int k)
{
	for (size_t i = 0; i < g->n; i++)
		if (!g->r[i].not_started && g->r[i].replica == k)
			return &g->r[i];
	return NULL;
}

int svc_group_active(const struct svc_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->r[i].active)
			return 1;
	return 0;
}

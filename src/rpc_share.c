/*
 * rpc_share.c — the requests of `herd priority` and `herd usage`: the
 * controller's fair-share tree and each pending job's priority factors
 * (ctl_share.c), as frames; the client formats them.
 *
 * Theory of operation: both answers are computed at the moment of the
 * request from the same functions a scheduling pass uses (ctl_share_tree,
 * ctl_job_priority), so what they show is what the next pass will order
 * by.  Numbers travel as decimal text ("%.6f"), which the frame format
 * carries without a type of its own for doubles.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "fairshare.h"
#include "job.h"
#include "priority.h"
#include "proto.h"
#include "rpc.h"
#include "server.h"
#include "util.h"

static void add_num(struct msg *m, const char *key, double v)
{
	char s[64];
	snprintf(s, sizeof s, "%.6f", v);
	msg_adds(m, key, s);
}

static void end(struct client *cl)
{
	struct msg m;
	msg_init(&m, "end");
	client_send(cl, &m);
	msg_clear(&m);
}

/* Whether id is in the request's "ids" list ("12,15"); no list: every job. */
static int wanted(const char *ids, int64_t id)
{
	if (ids == NULL)
		return 1;
	for (const char *p = ids; *p != '\0';) {
		char *e;
		long long v = strtoll(p, &e, 10);
		if (e == p)
			return 0;
		if (v == id)
			return 1;
		p = *e == ',' ? e + 1 : e;
		if (*e != ',' && *e != '\0')
			return 0;
	}
	return 0;
}

/* herd priority [ID...]: each pending job's factors, highest total first. */
int rpc_priority(struct server *s, struct client *cl, const struct msg *m)
{
	struct ctl *c = s->ctl;
	const char *ids = msg_get(m, "ids", NULL);
	struct share_tree t;
	int64_t now = ctl_now_wall(c);
	size_t n = 0;
	struct job **pend = xcalloc(c->njobs ? c->njobs : 1, sizeof *pend);
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j != NULL && j->state == JOB_PENDING && wanted(ids, j->id))
			pend[n++] = j;
	}
	ctl_share_order(c, pend, n, NULL);
	ctl_share_tree(c, now, &t);
	for (size_t i = 0; i < n; i++) {
		const struct prio_conf *w = &c->cfg->acct.prio;
		struct prio_factors f;
		struct msg fr;
		ctl_job_priority(c, &t, pend[i], now, &f);
		msg_init(&fr, "priority");
		msg_addi(&fr, "id", pend[i]->id);
		msg_adds(&fr, "user", pend[i]->user ? pend[i]->user : "");
		msg_adds(&fr, "account", ctl_job_account(c, pend[i]));
		add_num(&fr, "priority", f.total);
		add_num(&fr, "age", w->weight_age * f.age);
		add_num(&fr, "fairshare", w->weight_fairshare * f.fairshare);
		add_num(&fr, "jobsize", w->weight_jobsize * f.jobsize);
		add_num(&fr, "partition", w->weight_partition * f.partition);
		add_num(&fr, "qos", w->weight_qos * f.qos);
		add_num(&fr, "xfactor", w->weight_xfactor * f.xfactor);
		msg_addi(&fr, "nice", pend[i]->nice);
		client_send(cl, &fr);
		msg_clear(&fr);
	}
	ctl_share_tree_free(&t);
	free(pend);
	end(cl);
	return 0;
}

static void usage_frame(struct client *cl, const char *account, const char *user,
    const char *parent, double shares, const struct fs_node *x, double raw,
    const double *period)
{
	struct msg fr;
	msg_init(&fr, "usage");
	msg_adds(&fr, "account", account);
	if (user != NULL)
		msg_adds(&fr, "user", user);
	if (parent != NULL)
		msg_adds(&fr, "parent", parent);
	add_num(&fr, "shares", shares);
	add_num(&fr, "norm_shares", x->norm_shares);
	add_num(&fr, "raw_usage", raw);
	add_num(&fr, "norm_usage", x->norm_usage);
	add_num(&fr, "eff_usage", x->eff_usage);
	add_num(&fr, "fairshare", x->factor);
	if (period != NULL) {
		add_num(&fr, "gpu_hours", period[0]);
		add_num(&fr, "cpu_hours", period[1]);
	}
	client_send(cl, &fr);
	msg_clear(&fr);
}

/* The period's hours of every tree node: an association's own, an
 * account's those of everything under it.  hours[2k], hours[2k+1]. */
static double *period_hours(const struct share_tree *t, const struct share_period *p)
{
	double *h = xcalloc(2 * (t->n ? t->n : 1), sizeof *h);
	for (size_t k = 0; k < p->n && t->naccts + k < t->n; k++) {
		for (int i = (int)(t->naccts + k); i >= 0; i = t->nodes[i].parent) {
			h[2 * i] += p->gpu_h[k];
			h[2 * i + 1] += p->cpu_h[k];
		}
	}
	return h;
}

/* herd usage [--all] [-S FROM [-E TO]]: accounts (tree order) and their
 * associations; without all, only the asker's associations and the accounts
 * above them; with a period, its GPU- and CPU-hours too. */
int rpc_usage(struct server *s, struct client *cl, const struct msg *m)
{
	struct ctl *c = s->ctl;
	const struct acct_conf *a = &c->cfg->acct;
	int all = msg_geti(m, "all", 0) != 0;
	const char *from = msg_get(m, "start", NULL), *to = msg_get(m, "end", NULL);
	char me[64], err[HERD_ERRLEN];
	struct share_tree t;
	struct share_period p = { 0 };
	double *h = NULL;

	if (from != NULL && ctl_share_period(c, from, to, &p, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	uid_name_r(cl->uid, me, sizeof me);
	ctl_share_tree(c, ctl_now_wall(c), &t);
	if (from != NULL)
		h = period_hours(&t, &p);
	for (size_t i = 0; i < t.naccts; i++) {
		const struct acct *ac = &a->accts[i];
		usage_frame(cl, ac->name, NULL, ac->parent >= 0 ? a->accts[ac->parent].name : NULL,
		    ac->shares, &t.nodes[i], t.nodes[i].subtree, h ? &h[2 * i] : NULL);
		for (size_t k = t.naccts; k < t.n; k++) {
			const char *user = ctl_share_user(c, k - t.naccts);
			if (t.nodes[k].parent != (int)i || (!all && strcmp(user, me) != 0))
				continue;
			usage_frame(cl, ac->name, user, ac->name, 1, &t.nodes[k], t.raw[k],
			    h ? &h[2 * k] : NULL);
		}
	}
	free(h);
	ctl_share_period_clear(&p);
	ctl_share_tree_free(&t);
	end(cl);
	return 0;
}

/*
 * ctl_place.c — where a job may run: its GPU type and memory (gputype.h,
 * --gpu-mem), --constraint over hosts.ini's features, -w and -x.
 *
 * Theory of operation: the pure scheduler knows nodes by index and GPUs
 * by bit; this file turns a job's wishes into those.  Its node filter is
 * folded into the pass's node-set rows (sched.h's part), so the pass
 * needs nothing new for it; its GPU wishes become a GPU class, one row of
 * per-node GPU masks, shared by every job asking the same (type, memory)
 * (the strings are interned, so pointers compare).  At submit the same
 * tests say, with the names that exist, why a job could never run: a type
 * no node has, a constraint no node meets, a node -w names that is not in
 * hosts.ini.  A node not probed yet may have anything, so it never makes
 * a submit fail; a pass reads every node as its last probe saw it.
 *
 * --hint=nomultithread (CPUs as whole cores) and --mem=0 (all of the
 * node's memory) are figures of the node: the pure pass weighs them on
 * each node it considers (sched.h's sched_need), since it alone knows the
 * node and its backfill plan must count what the job will hold; here the
 * node's facts go in, and the chosen node's figure is written into the
 * job's cpus and mem_mb at placement, so that everything that counts a
 * running job (release, restore after a restart, limits, billing, cgroup
 * limits) reads what it holds.  Back to PENDING, the request returns.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "constraint.h"
#include "ctl_internal.h"
#include "ctl_place.h"
#include "gputype.h"
#include "hostlist.h"
#include "job.h"
#include "sched.h"
#include "util.h"

int ctl_place_filtered(const char *constraint, const char *nodelist, const char *exclude)
{
	return constraint != NULL || nodelist != NULL || exclude != NULL;
}

int ctl_place_node_ok(const struct node *n, const char *constraint, const char *nodelist,
    const char *exclude)
{
	const char *name = n->conf->name;
	return (constraint == NULL || constraint_match(constraint, n->conf->features) == 1) &&
	    (nodelist == NULL || hostlist_match(nodelist, name) == 1) &&
	    (exclude == NULL || hostlist_match(exclude, name) == 0);
}

/* Whether GPU g answers to type `want`: a MIG device to its profile
 * ("1g.10gb"), a whole GPU to its model's names (gputype.h). */
static int gpu_is(const struct node *n, const struct gpu_info *g, const char *want)
{
	if (g->mig_profile[0] != '\0')
		return strcasecmp(g->mig_profile, want) == 0;
	return gputype_match(g->name, n->conf->gpu_types, want);
}

/* The type GPU g is shown as, into t. */
static void gpu_type_show(const struct node *n, const struct gpu_info *g, char *t, size_t size)
{
	if (g->mig_profile[0] != '\0')
		snprintf(t, size, "%s", g->mig_profile);
	else
		gputype_show(g->name, n->conf->gpu_types, t, size);
}

uint64_t ctl_place_gpus(const struct node *n, const char *type, int64_t mem_mb)
{
	uint64_t ok = 0;
	for (size_t g = 0; n->have_probe && g < n->probe.ngpus && g < 64; g++) {
		const struct gpu_info *gi = &n->probe.gpus[g];
		if (type != NULL && !gpu_is(n, gi, type))
			continue;
		if (mem_mb > 0 && gi->mem_total_mb < mem_mb)
			continue;
		ok |= 1ULL << g;
	}
	return ok;
}

/* ---- at submit ---- */

static int syntax(const struct job_row *r, char *err, size_t errsz)
{
	char why[HERD_ERRLEN];
	size_t count;
	if (r->gpu_type != NULL && !gputype_valid(r->gpu_type))
		snprintf(why, sizeof why, "bad GPU type");
	else if (r->constraint != NULL && constraint_check(r->constraint, why, sizeof why) != 0)
		;
	else if (r->nodelist != NULL && (hostlist_check(r->nodelist, &count, why, sizeof why) != 0 ||
	    (count != 1 && snprintf(why, sizeof why, "herd runs a job on one node: name one"))))
		;
	else if (r->exclude != NULL && hostlist_check(r->exclude, NULL, why, sizeof why) != 0)
		;
	else if ((r->gpu_type != NULL || r->gpu_mem_mb > 0) && r->gpus == 0)
		snprintf(why, sizeof why, "a GPU type or --gpu-mem asks for GPUs: give --gpus N");
	else
		return 0;
	snprintf(err, errsz, "invalid placement request: %s", why);
	return -1;
}

/* "rtx3090, a100 (gpu1)": the distinct types of n's GPUs, in probe order
 * (a node may mix models; naming only the first would hide the rest). */
static void node_types(const struct node *n, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t g = 0; g < n->probe.ngpus; g++) {
		char t[GPUTYPE_MAX + 1];
		int seen = 0;
		gpu_type_show(n, &n->probe.gpus[g], t, sizeof t);
		if (t[0] == '\0')
			snprintf(t, sizeof t, "unnamed");
		for (size_t h = 0; h < g && !seen; h++) {
			char u[GPUTYPE_MAX + 1];
			gpu_type_show(n, &n->probe.gpus[h], u, sizeof u);
			seen = strcmp(u[0] ? u : "unnamed", t) == 0;
		}
		if (seen)
			continue;
		if (len + strlen(t) + 3 >= size)
			break;
		len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "", t);
	}
}

/* "rtx3090, a100 (gpu1), l40s (gpu2)": the GPU types of the nodes in mask. */
static void types_there(struct ctl *c, const uint64_t *mask, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		char t[256];
		if (n->life != NODE_LIVE || !n->have_probe || n->probe.ngpus == 0 ||
		    (mask != NULL && !(mask[k / 64] >> (k % 64) & 1)))
			continue;
		node_types(n, t, sizeof t);
		if (len + strlen(t) + strlen(n->conf->name) + 8 >= size)
			break;
		len += (size_t)snprintf(buf + len, size - len, "%s%s (%s)", len ? ", " : "", t,
		    n->conf->name);
	}
	if (len == 0)
		snprintf(buf, size, "none");
}

int ctl_place_submit(struct ctl *c, const struct job_row *r, const uint64_t *mask, char *err,
    size_t errsz)
{
	int unknown = 0, nodes = 0, named = 0, most = 0, fit = 0;
	if (syntax(r, err, errsz) != 0)
		return -1;
	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->life != NODE_LIVE)
			continue;
		if (r->nodelist != NULL && hostlist_match(r->nodelist, n->conf->name) == 1)
			named = 1;
		if ((mask != NULL && !(mask[k / 64] >> (k % 64) & 1)) ||
		    !ctl_place_node_ok(n, r->constraint, r->nodelist, r->exclude))
			continue;
		nodes++;
		if (!n->have_probe) {
			unknown = 1;
			continue;
		}
		int g = __builtin_popcountll(ctl_place_gpus(n, r->gpu_type, r->gpu_mem_mb));
		if (g > most)
			most = g;
		/* whole cores (--hint=nomultithread) and --mem=0 by this node's figures */
		struct sched_job sj = { .cpus = r->cpus, .mem_mb = r->mem_mb, .nomt = r->nomt,
		    .mem_all = r->mem_all };
		fit |= g >= r->gpus && sched_fits_node(&sj, n->probe.cpus, n->probe.mem_mb, 0,
		    n->probe.threads_per_core);
	}
	if (r->nodelist != NULL && !named) {
		snprintf(err, errsz, "invalid node name in -w %.64s: hosts.ini has no such node",
		    r->nodelist);
		return -1;
	}
	if (nodes == 0) {
		snprintf(err, errsz, "no node%s%s meets %s%.128s", mask != NULL ? " of its partition" : "",
		    "", r->constraint != NULL ? "--constraint=" : "-w/-x ",
		    r->constraint != NULL ? r->constraint : "");
		return -1;
	}
	int filtered = ctl_place_filtered(r->constraint, r->nodelist, r->exclude);
	if (unknown || fit || (r->gpu_type == NULL && r->gpu_mem_mb == 0 && !filtered))
		return 0;	/* (check_fits_somewhere names what is too big) */
	if (most >= r->gpus) {
		snprintf(err, errsz, "no node that -C/-w/-x allow has %d %s and %" PRId64
		    " MB of memory", r->cpus, r->nomt ? "whole cores (--hint=nomultithread)" :
		    "CPUs", r->mem_mb);
		return -1;
	}
	char types[512], need[96] = "";
	types_there(c, mask, types, sizeof types);
	if (r->gpu_mem_mb > 0)
		snprintf(need, sizeof need, " with at least %" PRId64 " MB each", r->gpu_mem_mb);
	snprintf(err, errsz, "no node%s has %d GPU%s%s%s%s (the most on one node is %d); GPU types "
	    "there: %s", mask != NULL ? " of its partition" : filtered ? " that -C/-w/-x allow" : "", r->gpus, r->gpus == 1 ? "" : "s",
	    r->gpu_type != NULL ? " of type " : "", r->gpu_type != NULL ? r->gpu_type : "", need,
	    most, types);
	return -1;
}

/* ---- in a pass ---- */

struct place_pass {
	struct ctl *c;
	uint64_t *ok;		/* rows of nnodes masks */
	size_t nrows, cap;
	struct { const char *type; int64_t mem; } *keys;
};

struct place_pass *ctl_place_pass_new(struct ctl *c)
{
	struct place_pass *pl = xcalloc(1, sizeof *pl);
	pl->c = c;
	return pl;
}

void ctl_place_pass_free(struct place_pass *pl)
{
	if (pl == NULL)
		return;
	free(pl->ok);
	free(pl->keys);
	free(pl);
}

int32_t ctl_place_gclass(struct place_pass *pl, const char *type, int64_t mem_mb, int gpus)
{
	size_t nn = pl->c->nnodes;
	if (gpus == 0 || (type == NULL && mem_mb <= 0))
		return 0;
	for (size_t r = 0; r < pl->nrows; r++)
		if (pl->keys[r].type == type && pl->keys[r].mem == mem_mb)
			return (int32_t)r + 1;
	if (pl->nrows == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 4;
		pl->ok = xreallocarray(pl->ok, pl->cap * (nn ? nn : 1), sizeof *pl->ok);
		pl->keys = xreallocarray(pl->keys, pl->cap, sizeof *pl->keys);
	}
	for (size_t k = 0; k < nn; k++)
		pl->ok[pl->nrows * nn + k] = ctl_place_gpus(&pl->c->nodes[k], type, mem_mb);
	pl->keys[pl->nrows].type = type;
	pl->keys[pl->nrows].mem = mem_mb;
	return (int32_t)++pl->nrows;
}

const uint64_t *ctl_place_gpu_ok(const struct place_pass *pl)
{
	return pl != NULL ? pl->ok : NULL;
}

void ctl_place_mask(struct ctl *c, const char *constraint, const char *nodelist,
    const char *exclude, uint64_t *mask)
{
	for (size_t k = 0; k < c->nnodes; k++)
		if ((mask[k / 64] >> (k % 64) & 1) &&
		    !ctl_place_node_ok(&c->nodes[k], constraint, nodelist, exclude))
			mask[k / 64] &= ~(1ULL << (k % 64));
}

/* ---- per-node figures ---- */

void ctl_place_node_facts(const struct node *n, struct sched_node *sn)
{
	sn->tpc = n->have_probe ? n->probe.threads_per_core : 0;
	sn->mem_total_mb = n->have_probe ? n->probe.mem_mb : 0;
}

void ctl_place_take(const struct node *n, struct job *j)
{
	struct sched_node sn = { 0 };
	int cpus;
	int64_t mem;
	if (!j->nomt && !j->mem_all)
		return;
	ctl_place_node_facts(n, &sn);
	struct sched_job sj = { .cpus = j->cpus_req > 0 ? j->cpus_req : j->cpus,
	    .mem_mb = (int64_t)j->mem_mb, .nomt = j->nomt, .mem_all = j->mem_all };
	sched_need(&sj, &sn, &cpus, &mem);
	j->cpus = (uint16_t)(cpus > UINT16_MAX ? UINT16_MAX : cpus);
	if (j->mem_all)
		j->mem_mb = (uint32_t)(mem > UINT32_MAX ? UINT32_MAX : mem < 0 ? 0 : mem);
}

void ctl_place_unplace(struct job *j)
{
	if (j->nomt && j->cpus_req > 0)
		j->cpus = (uint16_t)j->cpus_req;
	if (j->mem_all)
		j->mem_mb = 0;
}

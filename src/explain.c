/*
 * explain.c — a pending job's reason in a sentence (explain.h).
 *
 * Theory of operation: the reason itself is Slurm's word, computed by
 * herdd (the pass, eligibility, partitions); this only says it for a
 * person, with what herdd sent beside it: the job's request and, for a
 * planned job, its reservation's time, node and the job whose end makes
 * room.  A reason it does not know (a newer herdd's) is shown as it is.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "explain.h"

/* "2 GPUs, 4 CPUs and 1024 MB" of the request. */
static void request_text(char *buf, size_t size, const struct explain *e)
{
	char g[32] = "", m[48] = "";
	if (e->gpus > 0)
		snprintf(g, sizeof g, "%d GPU%s, ", e->gpus, e->gpus == 1 ? "" : "s");
	if (e->mem_mb > 0)
		snprintf(m, sizeof m, " and %" PRId64 " MB", e->mem_mb);
	snprintf(buf, size, "%s%d CPU%s%s", g, e->cpus, e->cpus == 1 ? "" : "s", m);
}

static void resources(char *buf, size_t size, const struct explain *e)
{
	char req[128], t[64];
	request_text(req, sizeof req, e);
	if (!e->planned) {
		snprintf(buf, size, "waits for %s: no node it may use has them free now, and no "
		    "start is planned (a node too small or down, or the plan is being made)", req);
		return;
	}
	if (e->start < 0) {
		snprintf(buf, size, "waits for %s on %s, once the jobs there without a time limit "
		    "end (no expected start)", req, e->node);
		return;
	}
	fmt_time(t, sizeof t, e->start);
	if (e->after < 0)
		snprintf(buf, size, "waits for %s on %s, expected to start at %s", req, e->node, t);
	else
		snprintf(buf, size, "waits for %s on %s, expected to start at %s when job %" PRId64
		    "%s reaches its time limit", req, e->node, t, e->after,
		    e->after_pending ? " (planned to start before it)" : "");
}

void explain_pending(char *buf, size_t size, const struct explain *e)
{
	const char *r = e->reason != NULL ? e->reason : "";
	char t[64];

	if (strcmp(r, "Resources") == 0)
		resources(buf, size, e);
	else if (strcmp(r, "Priority") == 0)
		snprintf(buf, size, "waits behind jobs of higher priority: they are started or "
		    "planned first (herd queue --start)");
	else if (strcmp(r, "GpusInUseOutsideHerd") == 0) {
		char req[128];
		request_text(req, sizeof req, e);
		snprintf(buf, size, "waits for %s: GPUs it could have are in use outside herd (%s); "
		    "they are free again at the first probe after those processes end", req,
		    e->foreign != NULL && *e->foreign ? e->foreign : "see herd nodes");
	} else if (strcmp(r, "ReqNodeNotAvail") == 0)
		snprintf(buf, size, "the nodes it may use are drained or not reachable");
	else if (strcmp(r, "JobHeldUser") == 0)
		snprintf(buf, size, "held: herd release %" PRId64 " lets it start", e->id);
	else if (strcmp(r, "JobHeldAdmin") == 0)
		snprintf(buf, size, "held by an admin: only an admin's herd release lets it start");
	else if (strcmp(r, "BeginTime") == 0) {
		fmt_time(t, sizeof t, e->begin_time);
		snprintf(buf, size, "may not start before %s (--begin)", t);
	} else if (strcmp(r, "Dependency") == 0)
		snprintf(buf, size, "waits for its dependency %s", e->dependency ? e->dependency : "");
	else if (strcmp(r, "DependencyNeverSatisfied") == 0)
		snprintf(buf, size, "its dependency %s can never be met: cancel it, or change it "
		    "with herd update", e->dependency ? e->dependency : "");
	else if (strcmp(r, "PartitionTimeLimit") == 0)
		snprintf(buf, size, "its time limit is over its partition's max_time: a shorter "
		    "--time (herd update) lets it start");
	else if (strcmp(r, "PartitionConfig") == 0)
		snprintf(buf, size, "none of its partitions takes it now (herd nodes shows them)");
	else if (strcmp(r, "JobArrayTaskLimit") == 0)
		snprintf(buf, size, "its array runs as many tasks as its throttle allows: more "
		    "start as they end");
	else
		snprintf(buf, size, "waits: %s", *r ? r : "(no reason given)");
}

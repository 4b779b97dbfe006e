/*
 * nodestate.c — what state a node is in (nodestate.h): outages, GPU
 * health, free disk, the age of job files, and Slurm's state names.
 *
 * Theory of operation: each function is a rule over facts the controller
 * gathered; none reads a clock or a node.  An outage counts from the last
 * contact, not from the first failed try, so a node that drops while idle
 * and one that drops during a launch are judged alike.  "Fewer GPUs than
 * before" compares with the most the node ever showed since herdd started
 * (a GPU that fell off the bus is gone from nvidia-smi's list, and its
 * neighbours' indices move up): the controller keeps that maximum.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nodestate.h"
#include "probe.h"
#include "util.h"

void outage_decide(const struct outage_in *in, struct outage_out *out)
{
	memset(out, 0, sizeof *out);
	if (in->reachable) {
		out->state = OUTAGE_UP;
		return;
	}
	int64_t down_at = in->lost_ms + in->down_after_s * 1000LL;
	int64_t fail_at = in->node_fail_after_s > 0 ?
	    in->lost_ms + in->node_fail_after_s * 1000LL : 0;
	out->fail_jobs = fail_at != 0 && in->now_ms >= fail_at;
	/* Jobs given up for a node make it DOWN, whatever down_after says. */
	out->state = in->now_ms >= down_at || out->fail_jobs ? OUTAGE_DOWN : OUTAGE_NOT_RESPONDING;
	if (in->now_ms < down_at)
		out->next_ms = down_at;
	if (fail_at != 0 && in->now_ms < fail_at && (out->next_ms == 0 || fail_at < out->next_ms))
		out->next_ms = fail_at;
}

int health_check(const struct probe_result *p, size_t gpus_max, char *why, size_t whysz)
{
	why[0] = '\0';
	if (p->gpu_state == GPUS_ERROR) {
		snprintf(why, whysz, "nvidia-smi failed: \"%s\"", p->gpu_error);
		return 0;
	}
	if (p->ngpus < gpus_max) {
		snprintf(why, whysz, "GPU lost: nvidia-smi shows %zu of the %zu GPU%s it showed before",
		    p->ngpus, gpus_max, gpus_max == 1 ? "" : "s");
		return 0;
	}
	return 1;
}

int disk_low(int64_t free_kb, int64_t min_mb, char *why, size_t whysz)
{
	if (min_mb <= 0 || free_kb < 0 || free_kb / 1024 >= min_mb)
		return 0;
	snprintf(why, whysz, "low disk: %" PRId64 " MB free in the node's herd directory, "
	    "under min_free_disk (%" PRId64 " MB)", free_kb / 1024, min_mb);
	return 1;
}

int job_files_due(int64_t end_time, int64_t now, int64_t keep_s)
{
	return end_time > 0 && now - end_time >= keep_s;
}

const char *node_state_label(const struct state_in *in, char *buf, size_t size)
{
	const char *s;
	if (!in->known && in->outage != OUTAGE_DOWN)
		s = "UNKNOWN";
	else if (in->outage == OUTAGE_DOWN)
		s = "DOWN";
	else if (in->drained)
		s = in->jobs > 0 ? "DRAINING" : "DRAINED";
	else if (in->whole || (in->cpus > 0 && in->cpus_used >= in->cpus) ||
	    (in->gpus > 0 && in->gpus_used >= in->gpus))
		s = "ALLOCATED";
	else if (in->jobs > 0 || in->cpus_used > 0 || in->gpus_used > 0)
		s = "MIXED";
	else
		s = "IDLE";
	snprintf(buf, size, "%s%s", s,
	    in->outage == OUTAGE_NOT_RESPONDING && strcmp(s, "UNKNOWN") != 0 ? "*" : "");
	return buf;
}

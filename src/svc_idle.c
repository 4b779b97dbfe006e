/*
 * svc_idle.c — --idle-stop's pure rules (see svc_idle.h).
 *
 * Theory of operation: "idle" is what nvidia-smi says, as the node's probe
 * already asks it every probe_interval: utilization.gpu 0 % and no compute
 * process on the GPU.  Anything herd cannot read (a utilization of [N/A],
 * a GPU gone from the list) counts as busy, so a doubt never stops a
 * service.  The clock counts only spells it saw from their start: herdd
 * keeps *since in memory, so after a restart of herdd the spell starts
 * again at its first look (the service stops up to DURATION later than an
 * unbroken herdd would have stopped it, never sooner; a stored clock could
 * not know whether the GPUs worked while herdd was away).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "shquote.h"
#include "svc_idle.h"
#include "util.h"

/* A compute process on g (named by its UUID, or a MIG device's parent's). */
static int has_app(const struct probe_result *pr, const struct gpu_info *g)
{
	const char *u = g->parent_uuid[0] != '\0' ? g->parent_uuid : g->uuid;
	for (size_t i = 0; i < pr->napps; i++)
		if (strcmp(pr->apps[i].gpu_uuid, u) == 0)
			return 1;
	return 0;
}

int svc_gpus_idle(const struct probe_result *pr, uint64_t mask)
{
	if (mask == 0 || (pr->ngpus < 64 && (mask >> pr->ngpus) != 0))
		return 0;
	for (size_t i = 0; i < pr->ngpus; i++) {
		if (!(mask & ((uint64_t)1 << i)))
			continue;
		if (pr->gpus[i].util != 0 || has_app(pr, &pr->gpus[i]))
			return 0;
	}
	return 1;
}

int svc_idle_due(int64_t idle_stop_s, int64_t now, int known, int idle, uint32_t *since)
{
	if (idle_stop_s <= 0 || !known || !idle || now <= 0) {
		*since = 0;
		return 0;
	}
	if (*since == 0 || now < (int64_t)*since) {	/* a new spell, or the clock went back */
		*since = (uint32_t)now;
		return 0;
	}
	return now - (int64_t)*since >= idle_stop_s;
}

void svc_idle_dur(int64_t t, char *buf, size_t size)
{
	static const struct { int64_t secs; char unit; } u[] = {
		{ 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	for (size_t k = 0; k < sizeof u / sizeof u[0]; k++)
		if (t % u[k].secs == 0 || u[k].secs == 1) {
			snprintf(buf, size, "%" PRId64 "%c", t / u[k].secs, u[k].unit);
			return;
		}
}

void svc_idle_line(char *buf, size_t size, const char *name, int64_t idle_stop_s)
{
	char vis[256], dur[32];
	str_vis(vis, sizeof vis, name != NULL ? name : "?");
	svc_idle_dur(idle_stop_s, dur, sizeof dur);
	snprintf(buf, size, "herd: service %s stopped: its GPUs idle for %s (--idle-stop %s)", vis,
	    dur, dur);
}

int svc_note_program(struct buf *out, const char *path, const char *line)
{
	int r = buf_addstr(out, "printf '%s\\n' ");
	r |= shquote_str(out, line);
	r |= buf_addstr(out, " 2>/dev/null >>");
	r |= shquote_str(out, path);
	r |= buf_addstr(out, " || :\n");	/* a file it cannot write is no error of the shell's */
	return r ? -1 : 0;
}

/*
 * backend_sh.c — the first backend (backend.h): POSIX sh programs written
 * to one long-lived `/bin/sh -s` per node (node.c's command worker, over
 * SSH or a local shell), the node's events file followed on a second
 * channel, and the parsers of their answers.
 *
 * Theory of operation: this file only binds.  The programs are generated
 * by launch.c (launch, kill, signal, reconcile, scan, tail, events),
 * probe.c (the probe), housekeep.c (job files, events rotation) and
 * svc_health.c (a service's health check), svc_idle.c (a line in a
 * service's output before --idle-stop ends it), pure
 * and unit-tested there; every string in them passes shquote and every key
 * is a struct job_key.  Here each is built into a buffer and queued on the
 * node with node_request(), the probe as REQ_PROBE (its answer is the
 * whole text) and the rest as batch programs whose answer lines come back
 * one by one.  Lab mode's lanes are node slots of their own (ctl_lane.c),
 * so the same calls serve them: the herd directory and the probe's
 * isolation facts are the slot's.
 */
#include <stdio.h>

#include "backend.h"
#include "config.h"
#include "housekeep.h"
#include "launch.h"
#include "node.h"
#include "probe.h"
#include "svc_health.h"
#include "svc_idle.h"
#include "util.h"

/* Queue a built program, or say why there is none. */
static int queue(struct node *n, enum req_kind kind, struct buf *b, int rc, const char *what,
    char *err, size_t errsz)
{
	size_t len;
	if (rc != 0) {
		buf_clear(b);
		snprintf(err, errsz, "node %s: the %s program could not be built (too large)",
		    n->conf->name, what);
		return -1;
	}
	char *text = buf_detach(b, &len);
	node_request(n, kind, text, len);
	return 0;
}

static int sh_prelude(struct node *n, struct buf *out)
{
	return launch_prelude(out, n->conf->herd_dir);
}

static int sh_events(struct node *n, struct buf *out)
{
	return launch_events(out, n->conf->herd_dir);
}

static int sh_probe(struct node *n, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	return queue(n, REQ_PROBE, &b, probe_program(&b, n->conf->herd_dir), "probe", err, errsz);
}

static int sh_scan(struct node *n, const char *prefix, int64_t min_id, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	return queue(n, REQ_BATCH, &b, launch_scan(&b, n->conf->herd_dir, prefix, min_id), "scan",
	    err, errsz);
}

static int sh_launch(struct node *n, const struct launch_spec *s, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	if (launch_job(&b, s, err, errsz) != 0) {
		buf_clear(&b);
		return -1;
	}
	return queue(n, REQ_BATCH, &b, 0, "launch", err, errsz);
}

/* The cgroup of the job too, where the node's probe found one. */
static int sh_kill(struct node *n, const struct job_key *k, const char *sig,
    char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	int rc = launch_kill_iso(&b, n->conf->herd_dir, k, sig, n->have_probe ? &n->probe.iso : NULL);
	return queue(n, REQ_BATCH, &b, rc, "kill", err, errsz);
}

static int sh_signal(struct node *n, const struct job_key *k, const char *sig, int batch_only,
    char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	return queue(n, REQ_BATCH, &b, launch_signal(&b, n->conf->herd_dir, k, sig, batch_only),
	    "signal", err, errsz);
}

static int sh_reconcile(struct node *n, const struct job_key *keys, size_t nkeys,
    char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 256u << 20);
	return queue(n, REQ_BATCH, &b, launch_reconcile(&b, n->conf->herd_dir, keys, nkeys),
	    "reconcile", err, errsz);
}

static int sh_tail(struct node *n, uint64_t reqid, const char *path, int64_t offset,
    int64_t bytes, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	return queue(n, REQ_BATCH, &b, launch_tail(&b, reqid, path, offset, bytes), "logs", err, errsz);
}

static int sh_housekeep_list(struct node *n, const char *prefix, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	return queue(n, REQ_BATCH, &b,
	    housekeep_list(&b, n->conf->herd_dir, prefix, HOUSEKEEP_EVENTS_MAX), "housekeeping",
	    err, errsz);
}

static int sh_housekeep_remove(struct node *n, const struct job_key *keys, size_t nkeys,
    char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1u << 26);
	return queue(n, REQ_BATCH, &b, housekeep_remove(&b, n->conf->herd_dir, keys, nkeys),
	    "housekeeping", err, errsz);
}

static int sh_health(struct node *n, const struct job_key *k, const char *cmd,
    const char *workdir, int port, int64_t timeout_s, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	return queue(n, REQ_BATCH, &b, svc_health_program(&b, n->conf->herd_dir, job_key_str(k),
	    cmd, workdir, port, timeout_s), "health check", err, errsz);
}

static int sh_note(struct node *n, const char *path, const char *line, char *err, size_t errsz)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	return queue(n, REQ_BATCH, &b, svc_note_program(&b, path, line), "note", err, errsz);
}

static int sh_parse_answer(struct node *n, char *line, struct be_reply *r)
{
	(void)n;
	return launch_parse_reply(line, r);
}

static int sh_parse_event(struct node *n, char *line, struct be_reply *r)
{
	(void)n;
	return launch_parse_event(line, r);
}

static int sh_parse_probe(struct node *n, const char *text, size_t len, struct probe_result *pr,
    char *err, size_t errsz)
{
	(void)n;
	return probe_parse(text, len, pr, err, errsz);
}

const struct backend_ops backend_sh = {
	.name = "sh",
	.prelude = sh_prelude,
	.events = sh_events,
	.probe = sh_probe,
	.scan = sh_scan,
	.launch = sh_launch,
	.kill = sh_kill,
	.signal = sh_signal,
	.reconcile = sh_reconcile,
	.tail = sh_tail,
	.housekeep_list = sh_housekeep_list,
	.housekeep_remove = sh_housekeep_remove,
	.health = sh_health,
	.note = sh_note,
	.parse_answer = sh_parse_answer,
	.parse_event = sh_parse_event,
	.parse_probe = sh_parse_probe,
};

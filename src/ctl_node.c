/*
 * ctl_node.c — what the controller does with what nodes say: answers to
 * launch, kill and reconcile requests, events from the event stream, probe
 * results, and the timers (probes, kill escalation, time limits: each
 * job's visited only when its deadline comes, ctl_deadline.c).  Requests
 * go out and answers are parsed through the node's backend (backend.h);
 * nothing here knows how a node program looks.
 *
 * Theory of operation: every answer is idempotent.  A job's key names its
 * id and attempt, so a stale answer (an older attempt, a job already ended)
 * changes nothing.  When a node's shell or event stream comes back, the
 * node is asked what became of every job it holds (reconcile), and the
 * answers go through the same code as live events; so a restart of herdd,
 * a dropped connection and normal operation are one path.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "backend.h"
#include "log.h"
#include "svc.h"
#include "oomkill.h"
#include "util.h"

/* A job still LAUNCHING after this long is looked at again; a runner
 * that has not written its pid by then never will. */
static int64_t launch_check_ms(const struct ctl *c, const struct job *j)
{
	return (c->nodes[j->node].conf->command_timeout_s + 30) * 1000LL;
}

static struct job *job_by_key(struct ctl *c, const char *text)
{
	struct job_key key;
	int64_t id;
	int attempt;
	if (job_key_parse(&key, text, c->key_prefix, &id, &attempt) != 0)
		return NULL;
	struct job *j = ctl_find(c, id);
	return j != NULL && j->attempt == attempt ? j : NULL;
}

/*
 * Its node rebooted or lost its files: nothing of the attempt is left to
 * stop.  A running job that allows it is requeued (a new attempt), any
 * other ends NODE_FAIL; one already stopping is over (or, requeued, pending).
 */
void ctl_job_lost(struct ctl *c, struct job *j, const char *why)
{
	int active = j->state == JOB_LAUNCHING || j->state == JOB_RUNNING;
	ctl_event(c, j, active && j->requeue ? EV_NODE_REQUEUE : EV_NODE_LOST, 0, why);
}

/* Being stopped by the controller (ended or requeued): answers confirm it gone. */
static int stopping(const struct job *j)
{
	return job_state_is_final(j->state) || j->state == JOB_REQUEUED;
}

static void mark_running(struct ctl *c, struct job *j)
{
	char gl[512];
	if (ctl_event(c, j, EV_START, 0, NULL) != 0)
		return;
	j->check_at_ms = 0;
	ctl_arm(c, j);
	ctl_gpu_list(c, j, gl, sizeof gl);
	log_info("job %" PRId64 " started on %s (GPUs %s, %d CPUs)", j->id,
	    c->nodes[j->node].conf->name, gl[0] ? gl : "none", j->cpus);
}

/*
 * The job's runner reported its exit status (event or exit file); for a
 * job the controller already ended (cancel, time limit) that is the
 * confirmation that it is gone, with its real status.  Learned late
 * (reconcile), the exit file's time `when` is the real end.
 */
static void ended(struct ctl *c, struct job *j, int64_t rc, int64_t when)
{
	ctl_event_at(c, j, EV_EXIT, (int)rc, NULL, when);
}

/*
 * The end event, which may say that the job's memory cgroup saw the
 * out-of-memory killer (oomkill.h): a failed end with kills is recorded
 * as such (last_oom; reason OutOfMemory for the attempt and, where it
 * ends the job, for the job).  An end learned by reconcile cannot tell.
 */
static void ended_event(struct ctl *c, struct job *j, int64_t rc, const char *rest)
{
	int64_t kills = oomkill_parse_end(rest);
	int oom = oomkill_failed(rc, kills);
	if (kills < 0) {
		char vis[64];
		str_vis(vis, sizeof vis, rest);
		log_warn("job %" PRId64 ": its end event ends in \"%s\", not \"oom N\"", j->id, vis);
	}
	if (j->state != JOB_RUNNING && j->state != JOB_LAUNCHING) {
		/* A cancel's, time limit's or requeue's end: its reason stays. */
		ended(c, j, rc, 0);
		return;
	}
	j->last_oom = (uint8_t)oom;
	if (oom)
		log_info("job %" PRId64 ": killed for lack of memory (%" PRId64 " OOM kill%s in its "
		    "cgroup)", j->id, kills, kills == 1 ? "" : "s");
	ctl_event_at(c, j, EV_EXIT, (int)rc, oom ? OOMKILL_REASON : NULL, 0);
}

/*
 * The job could not start: "STEP MESSAGE" says which step failed (its
 * directory, its output file) and what the node's shell said about it.
 * The reason keeps the cause after the shell's "sh: 1: cd:" prefixes.
 */
static void launch_failed(struct ctl *c, struct job *j, int64_t rc, const char *rest)
{
	char step[16] = "", pvis[HERD_ERRLEN], what[sizeof pvis + 64], vis[HERD_ERRLEN];
	char reason[sizeof what + sizeof vis + 32];
	const char *node = c->nodes[j->node].conf->name, *msg = strchr(rest, ' '), *cause;
	char *path = NULL;

	if (stopping(j)) {
		ended(c, j, rc, 0);
		return;
	}
	snprintf(step, sizeof step, "%.*s", msg ? (int)(msg - rest) : (int)strlen(rest), rest);
	msg = msg ? msg + 1 : "";
	cause = strrchr(msg, ':');
	cause = cause != NULL && cause[1] == ' ' ? cause + 2 : msg;
	if (strcmp(step, "chdir") == 0) {
		str_vis(pvis, sizeof pvis, j->workdir);
		snprintf(what, sizeof what, "cannot change to directory %s", pvis);
	} else if (strcmp(step, "stdout") == 0 || strcmp(step, "stderr") == 0) {
		const char *tmpl = step[3] == 'o' ? j->out_tmpl : j->err_tmpl;
		path = job_output_path(tmpl, j->workdir, j->id, j->name, j->user, node);
		str_vis(pvis, sizeof pvis, path);
		snprintf(what, sizeof what, "cannot open %s file %s",
		    step[3] == 'o' ? "output" : "error", pvis);
	} else if (strcmp(step, "gpu") == 0)
		snprintf(what, sizeof what, "its GPUs are not the ones the controller chose");
	else
		snprintf(what, sizeof what, "the job could not start");
	str_vis(vis, sizeof vis, cause);
	snprintf(reason, sizeof reason, "launch failed: %s%s%s", what, vis[0] ? ": " : "", vis);
	free(path);
	log_warn("job %" PRId64 " on %s: %s", j->id, node, reason);
	ctl_event(c, j, EV_LAUNCH_FAIL, (int)rc, intern(reason));
}

static void on_reconcile(struct ctl *c, struct job *j, const struct be_reply *r)
{
	int final = stopping(j);
	if (strcmp(r->word, "none") != 0 && strcmp(r->word, "dead") != 0)
		j->doubted = 0;
	if (strcmp(r->word, "exited") == 0)
		ended(c, j, r->num, r->num2);
	else if (strcmp(r->word, "failed") == 0)
		launch_failed(c, j, r->num, r->rest);
	else if (strcmp(r->word, "running") == 0) {
		if (r->num > 1 && r->num <= INT32_MAX)
			j->pid = (int32_t)r->num;	/* its processes' session (ctl_foreign.c) */
		/* An ended job still running gets its next signal from the
		 * kill timer: a job that will not die costs a kill per grace
		 * period, not a loop of them. */
		/* A start its event did not tell (a lane's event stream not
		 * following yet): the port from the runner's state file. */
		if (!final && j->state == JOB_LAUNCHING && j->svc_name != NULL)
			ctl_svc_started(c, j, (int)(r->num2 > 0 && r->num2 <= 65535 ? r->num2 : 0));
		if (!final)
			mark_running(c, j);
		else if (j->kill_stage == 0)
			ctl_send_kill(c, j, "TERM");
	} else if (strcmp(r->word, "none") == 0) {
		if (final)
			ctl_event(c, j, EV_GONE, 0, NULL);
		else if (j->state == JOB_LAUNCHING)
			ctl_launch(c, j);	/* the token is absent: it never started */
		else if (!j->doubted++) {
			/* Asked while it was still launching (the answer of a
			 * shell opened beside one still working through the
			 * launch): only a fresh "none" means it is gone. */
			ctl_reconcile_job(c, j);
		} else {
			log_warn("job %" PRId64 ": its files vanished from node %s",
			    j->id, c->nodes[j->node].conf->name);
			ctl_job_lost(c, j, "job files vanished from the node");
		}
	} else if (strcmp(r->word, "nopid") == 0 && (j->state == JOB_RUNNING ||
	    (j->state == JOB_LAUNCHING && ctl_now_ms(c) - j->launch_since_ms < launch_check_ms(c, j)))) {
		/* The script is there and its runner has not written the pid
		 * yet: a launch under way (a restart, a slow node), asked
		 * again shortly, never failed for it.  For a RUNNING job the
		 * answer is older than the start it reported (a reconcile
		 * sent before a relaunch): asked again too. */
		j->check_at_ms = ctl_now_ms(c) + 1000;
		ctl_arm(c, j);
	} else if (strcmp(r->word, "dead") == 0 && !final && !j->doubted++) {
		/* Its pid is gone and no status yet: the runner may be writing
		 * it right now.  Asked again in a moment before believing it. */
		j->check_at_ms = ctl_now_ms(c) + 1000;
		ctl_arm(c, j);
	} else if (final) {
		/* The runner is gone without a status: a job KILLed for
		 * good ended by signal 9, whatever the runner could not say. */
		if (strcmp(r->word, "dead") == 0 && j->kill_stage >= 2 && j->exit_code == -1) {
			j->exit_code = 128 + 9;
		}
		ctl_event(c, j, EV_GONE, 0, NULL);
	} else {
		/* The cancel file the kill leaves stops a runner that is late
		 * rather than gone (an old shell still working through a batch). */
		const char *why = strcmp(r->word, "dead") == 0 ?
		    "runner killed before recording an exit status" : "launch interrupted";
		log_warn("job %" PRId64 " on %s: %s (node answered \"%s\")", j->id,
		    c->nodes[j->node].conf->name, why, r->word);
		ctl_event(c, j, EV_LAUNCH_LOST, 0, why);
	}
}

/*
 * A scanned job's GPUs as its runner recorded them: "INDICES UUIDS" (a
 * runner of an older release: "INDICES" alone).
 */
static void adopt_scanned(struct ctl *c, struct job *j, struct node *n, const char *rest)
{
	char idx[256];
	const char *sp = strchr(rest, ' ');
	size_t len = sp != NULL ? (size_t)(sp - rest) : strlen(rest);
	snprintf(idx, sizeof idx, "%.*s", (int)(len < sizeof idx ? len : sizeof idx - 1), rest);
	ctl_adopt(c, j, n, idx, sp != NULL ? sp + 1 : NULL);
}

/*
 * One key of the start-up scan.  The database is not trusted alone: a job
 * it knows as pending but that the node launched is adopted, and no id
 * that a node has seen is ever issued again (the floor is raised past it).
 */
static void on_scan(struct ctl *c, struct node *n, const struct be_reply *r)
{
	struct job_key key;
	int64_t id;
	int attempt;
	if (strcmp(r->key, "-") == 0) {
		if (strcmp(r->word, "done") == 0 && !n->scanned) {
			n->scanned = 1;
			c->sched_needed = 1;
		}
		return;
	}
	if (job_key_parse(&key, r->key, c->key_prefix, &id, &attempt) != 0)
		return;
	/*
	 * A user's own directory (lab mode) is the user's to write: what it
	 * names chooses neither the lab's job ids nor what starts, or one
	 * file would stop every submit or start a held job on resources it
	 * never got.  Only the node's own account (personal mode) is believed.
	 */
	if (ctl_worker_user(c, n) != NULL) {
		struct job *j = ctl_find(c, id);
		if (j != NULL && j->state == JOB_PENDING && ++n->bad_events <= 5)
			log_warn("session %s@%s has files of pending job %" PRId64 "; not adopted "
			    "(lab mode believes a user's files only about jobs it launched)",
			    ctl_worker_user(c, n), n->conf->name, id);
		return;
	}
	if (id > INT64_MAX / 4)
		return;	/* no id herdd issues comes near it: not a floor to keep */
	if (db_raise_id_floor(c->db, id) != 0)
		log_error("node %s: %s", n->conf->name, db_errmsg(c->db));
	struct job *j = ctl_find(c, id);
	if (j != NULL) {
		if (j->state == JOB_PENDING && j->attempt == attempt)
			adopt_scanned(c, j, n, strcmp(r->word, "gpus") == 0 ? r->rest : "");
		return;
	}
	struct job_row row;
	job_row_init(&row);
	if (db_job_get(c->db, id, &row) == 0)
		log_warn("node %s has files of job %" PRId64 " (key %s) that the database does not "
		    "know (lost with the state disk?); its id is never issued again",
		    n->conf->name, id, r->key);
	job_row_clear(&row);
}

static void request_scan(struct ctl *c, struct node *n)
{
	char err[HERD_ERRLEN];
	if (n->be->scan(n, c->key_prefix, ctl_scan_from(c), err, sizeof err) != 0)
		log_error("%s", err);
}

static void on_line(struct ctl *c, struct node *n, char *line)
{
	struct be_reply r;
	char vis[256];
	str_vis(vis, sizeof vis, line);	/* before parsing cuts the line into words */
	if (n->be->parse_answer(n, line, &r) != 0) {
		/* A user's session prints what the user likes: few warnings. */
		if (++n->bad_events > 5 && n->bad_events % 1000 != 0)
			return;
		log_warn("node %s: unexpected answer \"%s\"", n->conf->name, vis);
		return;
	}
	if (r.kind == BE_READY)
		return;
	if (r.kind == BE_SCAN) {
		on_scan(c, n, &r);
		return;
	}
	if (r.kind == BE_HOUSE) {	/* housekeeping (ctl_outage.c) */
		ctl_housekeep_line(c, n, &r);
		return;
	}
	if (r.kind == BE_OUTPUT) {	/* herd logs (ctl_logs.c) */
		ctl_logs_line(c, n, &r);
		return;
	}
	if (ctl_orphan_answered(c, n, &r))	/* an attempt given up while away (ctl_nodekeep.c) */
		return;
	/* Only about the jobs that go through this worker: in lab mode a
	 * user's session says nothing of another user's job. */
	struct job *j = job_by_key(c, r.key);
	if (j == NULL && r.kind == BE_KILL && strcmp(r.word, "escaped") == 0 && r.num > 0) {
		ctl_job_escaped_gone(c, n, r.key, r.num);	/* its end came first */
		return;
	}
	if (j == NULL || !ctl_job_on_worker(c, j, n))
		return;
	switch (r.kind) {
	case BE_LAUNCH:
		if (strcmp(r.word, "failed") == 0)
			ctl_event(c, j, EV_LAUNCH_FAIL, 1,
			    "launch failed: could not write the job's script on the node");
		else if (strcmp(r.word, "cancelled") == 0)
			ctl_event(c, j, EV_GONE, 0, NULL);	/* a relaunch that came after a cancel */
		else if (strcmp(r.word, "exists") == 0 || stopping(j))
			ctl_reconcile_job(c, j);
		break;
	case BE_KILL:
		/* "sent" or "pending" (the runner will see the cancel file): the
		 * end event frees the node.  A delivered KILL, or nothing left to
		 * signal: the node is asked for the job's exit status, and that
		 * answer frees it. */
		if (strcmp(r.word, "escaped") == 0 && r.num > 0)	/* isolate.c's marker */
			ctl_job_escaped(c, j, r.num);
		else if (strcmp(r.word, "gone") == 0 || strcmp(r.word, "killed") == 0)
			ctl_reconcile_job(c, j);
		else if (strcmp(r.word, "signalled") == 0)	/* --signal (ctl_warn.c) */
			log_info("job %" PRId64 ": --signal reached %" PRId64 " process%s", j->id,
			    r.num, r.num == 1 ? "" : "es");
		break;
	case BE_RECON:
		on_reconcile(c, j, &r);
		break;
	}
}

/* Ask the node what became of its jobs (all held ones, or just `only`). */
void ctl_reconcile(struct ctl *c, struct node *n, struct job *only)
{
	size_t cap = only ? 1 : 64, nk = 0;
	struct job_key *keys = xcalloc(cap, sizeof *keys);
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = only ? only : c->jobs[i];
		if (ctl_job_on_worker(c, j, n) && j->held) {
			if (nk == cap)
				keys = xreallocarray(keys, cap *= 2, sizeof *keys);
			if (job_key_make(&keys[nk], c->key_prefix, j->id, j->attempt) == 0)
				nk++;
		}
		if (only)
			break;
	}
	if (nk > 0 && n->be->reconcile(n, keys, nk, err, sizeof err) != 0)
		log_error("%s", err);
	free(keys);
}

static void on_event(struct ctl *c, struct node *n, char *line)
{
	struct be_reply r;
	char vis[256];
	str_vis(vis, sizeof vis, line);
	if (n->be->parse_event(n, line, &r) != 0) {
		/* Anyone with the node account can write there: few warnings. */
		if (++n->bad_events > 5 && n->bad_events % 1000 != 0)
			return;
		log_warn("node %s: unexpected event \"%s\"", n->conf->name, vis);
		return;
	}
	struct job *j = job_by_key(c, r.key);
	if (j == NULL && r.kind == BE_KILL && strcmp(r.word, "escaped") == 0 && r.num > 0) {
		ctl_job_escaped_gone(c, n, r.key, r.num);	/* its end came first */
		return;
	}
	if (j == NULL || !ctl_job_on_worker(c, j, n))
		return;
	if (strcmp(r.word, "health") == 0)
		ctl_health_result(c, j, r.num, r.rest);	/* a service's check */
	else if (strcmp(r.word, "start") == 0) {
		if (r.num > 1 && r.num <= INT32_MAX)
			j->pid = (int32_t)r.num;	/* its processes' session (ctl_foreign.c) */
		int port = 0;
		if (j->svc_name != NULL) {
			(void)svc_parse_start_port(r.rest, &port);	/* "port N": --port's pick */
			ctl_svc_started(c, j, port);
		}
		mark_running(c, j);
	}
	else if (strcmp(r.word, "fail") == 0)
		launch_failed(c, j, r.num, r.rest);
	else
		ended_event(c, j, r.num, r.rest);
}

void ctl_node_set_state(struct ctl *c, struct node *n, enum node_state s, const char *reason)
{
	if (n->state != s) {
		n->state_since = ctl_now_wall(c);
		c->changes++;
	}
	n->state = s;
	strlcpy_h(n->reason, reason ? reason : "", sizeof n->reason);
}

/* A node that rebooted lost every job it ran. */
static void check_boot(struct ctl *c, struct node *n)
{
	char old[64];
	int had = db_node_get_boot(c->db, n->conf->name, old, sizeof old);
	if (had == 1 && strcmp(old, n->probe.boot_id) != 0) {
		log_warn("node %s rebooted (boot id changed): its jobs are lost", n->conf->name);
		for (size_t i = 0; i < c->njobs; i++) {
			struct job *j = c->jobs[i];
			if (j->node == n->idx && j->held)
				ctl_job_lost(c, j, "node rebooted");
		}
	}
	if (had != 1 || strcmp(old, n->probe.boot_id) != 0)
		db_node_set_boot(c->db, n->conf->name, n->probe.boot_id);
}

/*
 * A job's GPUs are known by UUID; a position in the node's list is only
 * what the last probe said.  So every probe rebuilds each held job's mask
 * from its UUIDs: a GPU renumbered (one fell off the bus, a restart of
 * herdd, a reboot of the driver) stays with its job.  A job of an older
 * release, restored with indices only, is mapped by index once and known
 * by UUID from then on.  A UUID the probe no longer lists is reported: the
 * job keeps the GPUs that are still there.  (Until this probe a restored
 * job's bits are its nvidia-smi indices: ctl.c's restore_placement.)
 */
static void remap_gpus(struct ctl *c, struct node *n)
{
	const struct gpu_info *g = n->probe.gpus;
	size_t ng = n->probe.ngpus;
	char list[PROBE_MAX_GPUS * GPU_UUID_MAX];
	n->gpu_used = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j->node != n->idx || !j->held)
			continue;
		int missing = -1;
		uint64_t was = j->gpu_mask, by_uuid = 0;
		if (j->gpu_uuids != NULL)
			by_uuid = gpu_mask_by_uuids(g, ng, j->gpu_uuids, &missing);
		if (missing >= 0) {
			j->gpu_mask = by_uuid;
			/* Said once, when it changes; a failing nvidia-smi lists none. */
			if (missing != 0 && j->gpu_mask != was && n->probe.gpu_state == GPUS_OK)
				log_warn("job %" PRId64 " on %s: %d of its GPUs (%s) no longer listed "
				    "by nvidia-smi", j->id, n->conf->name, missing, j->gpu_uuids);
		} else if (j->gpus_by_index) {
			int idx[GPU_MASK_BITS];
			size_t k = 0;
			for (int b = 0; b < GPU_MASK_BITS; b++)
				if (j->gpu_mask & (1ULL << b))
					idx[k++] = b;
			(void)gpu_list_format(idx, k, list, sizeof list);
			j->gpu_mask = gpu_mask_by_indices(g, ng, list);
			if (j->gpu_mask != 0 && gpu_mask_uuids(g, ng, j->gpu_mask, list,
			    sizeof list) == 0) {
				intern_release(j->gpu_uuids);
				j->gpu_uuids = intern(list);
			}
		}
		j->gpus_by_index = 0;
		n->gpu_used |= j->gpu_mask;
	}
}

/* What herd top shows of a node's GPUs moved: its memory, load, processes. */
static int readings_moved(const struct probe_result *a, const struct probe_result *b)
{
	if (a->ngpus != b->ngpus || a->napps != b->napps || a->nprocs != b->nprocs)
		return 1;
	for (size_t i = 0; i < a->ngpus; i++)
		if (a->gpus[i].mem_used_mb != b->gpus[i].mem_used_mb ||
		    a->gpus[i].util != b->gpus[i].util ||
		    strcmp(a->gpus[i].uuid, b->gpus[i].uuid) != 0)
			return 1;
	return 0;
}

static void on_probe(struct ctl *c, struct node *n, const char *text)
{
	char err[HERD_ERRLEN];
	struct probe_result pr;
	probe_result_init(&pr);
	n->probe_inflight = 0;
	n->next_probe_ms = ctl_now_ms(c) + c->cfg->probe_interval_s * 1000LL;
	if (n->be->parse_probe(n, text, strlen(text), &pr, err, sizeof err) != 0) {
		probe_result_clear(&pr);
		log_warn("node %s: probe: %s", n->conf->name, err);
		ctl_node_set_state(c, n, NODE_DOWN, err);
		return;
	}
	int first = !n->have_probe;
	if (first || readings_moved(&n->probe, &pr))
		c->changes++;	/* herd top's watchers ask again */
	probe_result_clear(&n->probe);
	n->probe = pr;
	n->have_probe = 1;
	remap_gpus(c, n);
	ctl_foreign_update(c, n);
	ctl_gpushare_update(c, n);	/* sharing jobs over their --gpu-mem */
	check_boot(c, n);
	ctl_node_health(c, n);	/* herd's own drain: bad GPUs, low disk (ctl_outage.c) */
	if (n->probe.gpu_state == GPUS_ERROR)
		ctl_node_set_state(c, n, NODE_UP, n->probe.gpu_error);
	else
		ctl_node_set_state(c, n, NODE_UP, NULL);
	if (first)
		log_info("node %s: up, %d CPUs, %" PRId64 " MB, %zu GPUs", n->conf->name,
		    n->probe.cpus, n->probe.mem_mb, n->probe.ngpus);
	c->sched_needed = 1;
}

static void request_probe(struct ctl *c, struct node *n)
{
	char err[HERD_ERRLEN];
	if (n->be->probe(n, err, sizeof err) != 0) {
		log_error("%s", err);
		n->next_probe_ms = ctl_now_ms(c) + c->cfg->probe_interval_s * 1000LL;
		return;
	}
	n->probe_inflight = 1;
}

/*
 * Lab mode: a node's own shell came up; the jobs it holds are asked about
 * through their owners' sessions (opened now, reconciled when they are up).
 */
static void open_lanes_of(struct ctl *c, struct node *n)
{
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j != NULL && j->held && j->node == n->idx)
			(void)ctl_job_worker(c, j);
	}
}

/* A lane (lab mode) does no probe and has no node state of its own. */
static void on_lane_shell(struct ctl *c, struct node *w, struct node_result *r)
{
	w->shell_up = r->kind == RES_SHELL_UP;
	ctl_lane_shell(c, w, w->shell_up, r->text);
	if (w->shell_up) {
		if (!w->scanned)
			request_scan(c, w);
		ctl_reconcile(c, w, NULL);
	}
}

static void on_result(struct ctl *c, struct node_result *r)
{
	struct node *n = ctl_worker(c, r->node);
	char *save = NULL;
	if (n == NULL || r->gen != n->gen)
		return;	/* from workers stopped since (a reload): the node left or reconnects */
	if (r->node >= CTL_LANE_BASE && (r->kind == RES_SHELL_UP || r->kind == RES_SHELL_DOWN)) {
		on_lane_shell(c, n, r);
		return;
	}
	switch (r->kind) {
	case RES_SHELL_UP:
		n->shell_up = 1;
		ctl_outage_back(c, n);	/* its jobs: the reconcile below adopts them */
		request_probe(c, n);
		if (!n->scanned)
			request_scan(c, n);
		if (c->cfg->lab)
			open_lanes_of(c, n);
		else
			ctl_reconcile(c, n, NULL);
		break;
	case RES_SHELL_DOWN:
		if (n->shell_up || n->lost_ms == 0)
			log_warn("node %s: %s", n->conf->name, r->text);
		n->shell_up = 0;
		n->probe_inflight = 0;
		/* Not DOWN yet: down_after decides (ctl_outage.c); no new jobs meanwhile. */
		ctl_outage_lost(c, n, r->text);
		break;
	case RES_LINES:
		for (char *l = strtok_r(r->text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			on_line(c, n, l);
		break;
	case RES_PROBE:
		on_probe(c, n, r->text);
		break;
	case RES_PROBE_FAIL:
		n->probe_inflight = 0;
		n->next_probe_ms = ctl_now_ms(c) + c->cfg->probe_interval_s * 1000LL;
		break;
	case RES_EVENTS_UP:
		n->events_up = 1;
		if (n->shell_up)
			ctl_reconcile(c, n, NULL);
		break;
	case RES_EVENTS_DOWN:
		if (n->events_up)
			log_warn("node %s: event stream: %s", n->conf->name, r->text);
		n->events_up = 0;
		break;
	case RES_EVENT:
		on_event(c, n, r->text);
		break;
	}
}

void ctl_on_results(struct ctl *c, struct node_result *list)
{
	for (struct node_result *r = list; r != NULL; r = r->next)
		on_result(c, r);
	ctl_evict(c);
}


/*
 * A job whose deadline came (ctl_deadline.c): what its clock asks for now.
 * What it does not do this time (one step a visit) it does at the next,
 * a second later.
 */
static void tick_job(struct ctl *c, struct job *j, int64_t now, int64_t wall)
{
	int64_t grace = c->cfg->kill_grace_s * 1000LL;
	ctl_warn_tick(c, j, wall);	/* before the limit's own check: @0 comes first */
	ctl_notify_tick(c, j, ctl_job_looked(c, j), wall);	/* TIME_LIMIT_50/80/90 */
	ctl_idle_tick(c, j, wall);	/* idle_timeout: may end it TIMEOUT */
	ctl_idle_stop_tick(c, j, wall);	/* --idle-stop: may end a service CANCELLED */
	ctl_health_tick(c, j, wall);	/* a service's health check */
	if (j->kill_stage >= 1 && now >= j->kill_at_ms) {
		/* KILL, and again every grace period while the node has not
		 * confirmed it (the job's pid may not have been known yet). */
		j->kill_stage = 2;
		j->kill_at_ms = now + (grace > 5000 ? grace : 5000);
		ctl_send_kill(c, j, "KILL");
	} else if (j->state == JOB_RUNNING && j->time_limit_s > 0 &&
	    wall - j->start_time >= j->time_limit_s) {
		ctl_event(c, j, EV_TIMEOUT, 0, NULL);
	} else if (j->state == JOB_PENDING && j->svc_name != NULL && j->begin_time <= wall) {
		c->sched_needed = 1;	/* a service's backoff is over (ctl_deadline.c) */
	} else if ((j->state == JOB_LAUNCHING || j->state == JOB_RUNNING) && j->node >= 0) {
		/* A LAUNCHING job is always looked at again in time; a RUNNING
		 * one only when an answer asked for it (check_at_ms set). */
		if (j->check_at_ms == 0 && j->state == JOB_LAUNCHING)
			j->check_at_ms = now + launch_check_ms(c, j);
		else if (j->check_at_ms != 0 && now >= j->check_at_ms) {
			j->check_at_ms = j->state == JOB_LAUNCHING ? now + launch_check_ms(c, j) : 0;
			ctl_reconcile_job(c, j);
		}
	}
}

int64_t ctl_tick(struct ctl *c)
{
	int64_t now = ctl_now_ms(c), wall = ctl_now_wall(c);

	for (size_t k = 0; k < c->nnodes; k++) {
		struct node *n = &c->nodes[k];
		if (n->shell_up && !n->probe_inflight && now >= n->next_probe_ms)
			request_probe(c, n);
	}
	/* Only the jobs whose deadline came, not every job (ctl_deadline.c). */
	const int64_t *due;
	size_t ndue = ctl_due_take(c, now, wall, &due);
	for (size_t i = 0; i < ndue; i++) {
		struct job *j = ctl_find(c, due[i]);
		if (j == NULL)
			continue;	/* freed without its commit (an array's rollback) */
		tick_job(c, j, now, wall);
		ctl_rearm_visited(c, j, now, wall);
	}
	ctl_save_unsaved(c);
	ctl_outage_tick(c);
	ctl_nodes_tick(c);
	ctl_lanes_tick(c);
	ctl_roll_tick(c);	/* services' rolling restarts: their next step */
	if (c->scan_deadline_ms != 0 && now >= c->scan_deadline_ms)
		c->sched_needed = 1;	/* start-up waited long enough for the scans */
	if (c->wake_at != 0 && wall >= c->wake_at)
		c->sched_needed = 1;	/* a begin time or after+MINUTES ran out */
	ctl_evict(c);
	return 1000;
}

/*
 * ctl_logs.c — herd logs: the last bytes of a job's output file, read on
 * the job's node.
 *
 * Theory of operation: the read runs where the file is, through the job's
 * own worker (ctl_job_worker): in lab mode its owner's session on the node,
 * so the node's kernel checks the owner's permissions and herdd never reads
 * a file as anyone else; in personal mode the node's shell.  An ended job
 * is read where it ran (its row names the node), opening its owner's
 * session there again if it was closed; that session closes when idle as
 * any other.  The backend's tail (backend.h; launch_tail) answers hex lines, which are
 * decoded here into a buffer bounded by what was asked; the answer goes
 * back once, through c->on_logs, to the request layer, which finds the
 * client by its serial (a client that left gets nothing).
 *
 * A read is matched to its answer by a request id and by the worker asked
 * (index and generation): a line of another session, or of the same slot
 * reused by another user's session, is not taken.  A node that does not
 * answer in its connect plus command timeout (and a margin) is reported as
 * such: the worker drops requests it could not send, so no answer may ever
 * come.  Reads are bounded in number, in all and per user.
 *
 * Following (herd logs -f) is the client's loop of reads from an offset,
 * one at a time on its connection: herdd keeps no follower state between
 * reads, holds at most one window (the bytes asked) per follower, and a
 * slow reader only delays its own next read.  Each answer carries the
 * job's state as it was when the read was asked: a job already ended then
 * has written all its bytes, so a short read of it is the end (the client
 * decides, logs_follow.c).  A job not started yet answers "pending" at once,
 * without a node.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "backend.h"
#include "log.h"
#include "util.h"

#define LOGS_SLACK 64		/* bytes an answer may carry past the ask */
#define LOGS_MARGIN_S 5

struct logs_read {
	uint64_t reqid;		/* 0: a free slot */
	uint64_t serial;
	int64_t id;
	uid_t uid;
	uint32_t owner_uid;
	char owner[64];
	int admin;		/* allowed as an admin: audited once it succeeds */
	int err_file;
	int state;		/* the job's when the read was asked */
	int32_t exit_code;
	int32_t attempt;
	int worker;		/* the worker asked, and its generation */
	unsigned gen;
	int64_t offset;		/* -1: the last bytes; else from there (follow) */
	int64_t bytes;
	int64_t deadline_ms;
	int timeout_s;
	char node[128];
	char *path;
	struct buf data;
};

struct ctl_logs {
	struct logs_read reads[LOGS_PENDING_MAX];
	uint64_t next_reqid;
};

static struct ctl_logs *logs_of(struct ctl *c)
{
	if (c->logs == NULL)
		c->logs = xcalloc(1, sizeof *c->logs);
	return c->logs;
}

static void read_free(struct logs_read *rd)
{
	free(rd->path);
	buf_clear(&rd->data);
	memset(rd, 0, sizeof *rd);
}

/* Answer the read once and free its slot. */
static void finish(struct ctl *c, struct logs_read *rd, const char *error)
{
	struct logs_answer a = { .serial = rd->serial, .id = rd->id, .error = error,
	    .state = rd->state, .exit_code = rd->exit_code, .attempt = rd->attempt };
	if (error == NULL) {
		size_t len = rd->data.len, skip = len > (size_t)rd->bytes ? len - (size_t)rd->bytes : 0;
		if (rd->offset >= 0)
			skip = 0;	/* a window: its first bytes, never more */
		a.data = rd->data.data ? rd->data.data + skip : "";
		a.len = len - skip > (size_t)rd->bytes ? (size_t)rd->bytes : len - skip;
		if (rd->admin && rd->offset <= 0) {	/* a follower: once */
			char detail[4200];
			snprintf(detail, sizeof detail, "%s %s", rd->err_file ? "stderr" : "stdout",
			    rd->path);
			ctl_audit(c, rd->uid, AUTHZ_READ_OUTPUT, rd->id, rd->owner_uid, rd->owner,
			    detail);
		}
	}
	if (c->on_logs != NULL)
		c->on_logs(c->on_logs_arg, &a);
	read_free(rd);
}

/* The node slot a job ran on, by the name its row records; -1 none. */
static int node_slot(const struct ctl *c, const char *name)
{
	for (size_t k = 0; name != NULL && k < c->nnodes; k++) {
		const struct node *n = &c->nodes[k];
		if ((n->life == NODE_LIVE || n->life == NODE_REMOVED) && n->conf != NULL &&
		    strcmp(n->conf->name, name) == 0)
			return (int)k;
	}
	return -1;
}

/* Why the read cannot start, from the job's row; 0 when it may. */
static int check_row(struct ctl *c, const struct job_row *r, uid_t uid, int err_file,
    int follow, int *slot, char *err, size_t errsz)
{
	const char *owner = r->user ? r->user : "another user";
	if (ctl_authz(c, uid, AUTHZ_READ_OUTPUT, r->uid) == AUTHZ_DENY)
		return ctl_not_yours(r->id, owner, err, errsz);
	if (r->node == NULL) {
		if (follow && !job_state_is_final((enum job_state)r->state))
			return 1;	/* a follower waits for the start */
		if (job_state_is_final((enum job_state)r->state))
			snprintf(err, errsz, "job %" PRId64 " never started: it has no output", r->id);
		else
			snprintf(err, errsz, "job %" PRId64 " has not started: no output yet", r->id);
		return -1;
	}
	if (err_file && r->err_tmpl == NULL) {
		snprintf(err, errsz, "job %" PRId64 " has no separate error file: its stderr is in "
		    "its output (herd logs %" PRId64 ")", r->id, r->id);
		return -1;
	}
	if ((*slot = node_slot(c, r->node)) < 0) {
		char vis[256];
		str_vis(vis, sizeof vis, r->node);
		snprintf(err, errsz, "job %" PRId64 " ran on node %s, which is no longer in the "
		    "configuration", r->id, vis);
		return -1;
	}
	const struct node *n = &c->nodes[*slot];
	if (n->state == NODE_DOWN) {
		char vis[300];
		str_vis(vis, sizeof vis, n->reason);
		snprintf(err, errsz, "node %s is down (%s): job %" PRId64 "'s output cannot be "
		    "read now", n->conf->name, vis, r->id);
		return -1;
	}
	return 0;
}

/* Room for one more read of uid: -1 with *err when there is none. */
static struct logs_read *free_slot(struct ctl_logs *L, uid_t uid, char *err, size_t errsz)
{
	struct logs_read *slot = NULL;
	int mine = 0;
	for (size_t i = 0; i < LOGS_PENDING_MAX; i++) {
		struct logs_read *rd = &L->reads[i];
		if (rd->reqid == 0 && slot == NULL)
			slot = rd;
		else if (rd->reqid != 0 && rd->uid == uid)
			mine++;
	}
	if (slot == NULL || mine >= LOGS_PER_USER_MAX) {
		snprintf(err, errsz, "herdd is reading too many job outputs at once (%s); retry",
		    slot == NULL ? "everyone's" : "yours");
		return NULL;
	}
	return slot;
}

int ctl_logs_start(struct ctl *c, int64_t id, uid_t uid, int err_file, int64_t offset,
    int64_t bytes, uint64_t serial, char *err, size_t errsz)
{
	struct ctl_logs *L = logs_of(c);
	struct job_row r;
	int slot = -1, rc = -1;
	char *path = NULL;

	job_row_init(&r);
	int got = ctl_job_get(c, id, &r);
	if (got != 1) {
		if (got < 0)
			snprintf(err, errsz, "job %" PRId64 ": %s", id, db_errmsg(c->db));
		else
			snprintf(err, errsz, "no job %" PRId64, id);
		goto out;
	}
	if ((rc = check_row(c, &r, uid, err_file, offset >= 0, &slot, err, errsz)) != 0)
		goto out;
	rc = -1;
	struct logs_read *rd = free_slot(L, uid, err, errsz);
	if (rd == NULL)
		goto out;
	path = job_output_path_array(err_file ? r.err_tmpl : r.out_tmpl, r.workdir, r.id,
	    r.array_job_id, r.array_task_id, r.name, r.user ? r.user : "", r.node);
	/* The job's worker: only node, uid and user matter to it. */
	struct job tmp = { .node = (int16_t)slot, .uid = r.uid, .user = r.user };
	struct node *w = ctl_job_worker(c, &tmp);
	uint64_t reqid = ++L->next_reqid;
	char berr[HERD_ERRLEN];
	if (w->be->tail(w, reqid, path, offset, bytes, berr, sizeof berr) != 0) {
		snprintf(err, errsz, "job %" PRId64 ": its output path is too long", id);
		goto out;
	}
	*rd = (struct logs_read){ .reqid = reqid, .serial = serial, .id = id, .uid = uid,
	    .owner_uid = r.uid, .err_file = err_file, .state = r.state,
	    .exit_code = r.exit_code, .attempt = r.attempt, .worker = w->idx, .gen = w->gen, .offset = offset,
	    .bytes = bytes, .path = path };
	rd->admin = ctl_authz(c, uid, AUTHZ_READ_OUTPUT, r.uid) == AUTHZ_ADMIN;
	strlcpy_h(rd->owner, r.user ? r.user : "", sizeof rd->owner);
	strlcpy_h(rd->node, r.node, sizeof rd->node);
	rd->timeout_s = w->conf->connect_timeout_s + w->conf->command_timeout_s + LOGS_MARGIN_S;
	rd->deadline_ms = ctl_now_ms(c) + rd->timeout_s * 1000LL;
	buf_init(&rd->data, (size_t)bytes + LOGS_SLACK);
	path = NULL;
	rc = 0;
out:
	free(path);
	job_row_clear(&r);
	return rc;
}

static struct logs_read *find(struct ctl *c, const char *key)
{
	char *end;
	if (c->logs == NULL || key == NULL)
		return NULL;
	unsigned long long v = strtoull(key, &end, 10);
	if (end == key || *end != '\0' || v == 0)
		return NULL;
	for (size_t i = 0; i < LOGS_PENDING_MAX; i++)
		if (c->logs->reads[i].reqid == v)
			return &c->logs->reads[i];
	return NULL;
}

/* "cannot read job 12's output file PATH on node1: Permission denied". */
static void read_failed(struct ctl *c, struct logs_read *rd, const char *msg)
{
	char pvis[1024], mvis[512], e[HERD_ERRLEN + 1600];
	/* The cause after the shell's "sh: 3: cannot open PATH:" prefixes. */
	const char *cause = strrchr(msg, ':');
	cause = cause != NULL && cause[1] == ' ' ? cause + 2 : msg;
	str_vis(pvis, sizeof pvis, rd->path);
	str_vis(mvis, sizeof mvis, cause[0] ? cause : "cannot be read");
	snprintf(e, sizeof e, "cannot read job %" PRId64 "'s %s file %s on %s: %s", rd->id,
	    rd->err_file ? "error" : "output", pvis, rd->node, mvis);
	finish(c, rd, e);
}

void ctl_logs_line(struct ctl *c, struct node *w, const struct be_reply *r)
{
	struct logs_read *rd = find(c, r->key);
	if (rd == NULL || rd->worker != w->idx || rd->gen != w->gen)
		return;	/* a read answered already, timed out, or not this worker's */
	if (strcmp(r->word, "data") == 0) {
		if (r->ndata < 0 || buf_add(&rd->data, r->data, (size_t)r->ndata) != 0) {
			char e[512];
			snprintf(e, sizeof e, "node %s answered more than the %" PRId64 " bytes asked "
			    "for job %" PRId64, rd->node, rd->bytes, rd->id);
			log_warn("%s", e);
			finish(c, rd, e);
		}
		return;
	}
	/* A follower that asks between the job's placing and its runner making
	 * the file reads nothing yet; once the job has ended, no file is an error. */
	if (r->num == 0 || (r->num == 2 && rd->offset >= 0 &&
	    !job_state_is_final((enum job_state)rd->state)))
		finish(c, rd, NULL);
	else
		read_failed(c, rd, r->rest);
}

int ctl_logs_pending_on(const struct ctl *c, const struct node *w)
{
	if (c->logs == NULL)
		return 0;
	for (size_t i = 0; i < LOGS_PENDING_MAX; i++)
		if (c->logs->reads[i].reqid != 0 && c->logs->reads[i].worker == w->idx &&
		    c->logs->reads[i].gen == w->gen)
			return 1;
	return 0;
}

void ctl_logs_tick(struct ctl *c)
{
	int64_t now = ctl_now_ms(c);
	for (size_t i = 0; c->logs != NULL && i < LOGS_PENDING_MAX; i++) {
		struct logs_read *rd = &c->logs->reads[i];
		if (rd->reqid == 0 || now < rd->deadline_ms)
			continue;
		char e[512];
		snprintf(e, sizeof e, "node %s did not answer in %d s (reading job %" PRId64 "'s "
		    "output)", rd->node, rd->timeout_s, rd->id);
		finish(c, rd, e);
	}
}

void ctl_logs_forget(struct ctl *c, uint64_t serial)
{
	for (size_t i = 0; c->logs != NULL && i < LOGS_PENDING_MAX; i++)
		if (c->logs->reads[i].reqid != 0 && c->logs->reads[i].serial == serial)
			read_free(&c->logs->reads[i]);
}

void ctl_logs_clear(struct ctl *c)
{
	for (size_t i = 0; c->logs != NULL && i < LOGS_PENDING_MAX; i++)
		if (c->logs->reads[i].reqid != 0)
			read_free(&c->logs->reads[i]);
	free(c->logs);
	c->logs = NULL;
}

/*
 * rpc_stream.c — the "stream" request (stream.h): a program in a running
 * job's allocation, its bytes on the client's socket.
 *
 * Theory of operation: everything is checked here, on the main thread,
 * before the socket changes hands: the job (by id, or 123_7), who asks
 * (the AUTHZ_SHELL rule: the owner, admins and root; an admin's shell in
 * another's job is audited), its state (RUNNING: a LAUNCHING job has no
 * environment on its node yet, an ended one no processes to join), its
 * node (one reached over SSH: a stream needs a pty from sshd), the program
 * and the terminal.  Then the answer "stream" is queued and the spec, all
 * copies, goes with the socket to the stream's thread (server.c hands it
 * off once the request pass is over).
 *
 * A port forward (herd port-forward) is the same request with "forward"
 * PORT: the same rule (and a service's --share-with users, for a forward
 * alone: svc_share.h), state and node checks, no program, no terminal;
 * the thread opens a channel to the node's localhost:PORT instead of
 * running anything.  "check" 1 asks for the checks alone (the answer,
 * nothing handed off): herd port-forward asks it at its start, to refuse
 * at once, and every second after, to stop when the job ends.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl.h"
#include "job.h"
#include "rpc.h"
#include "server.h"
#include "stream.h"
#include "stream_frame.h"
#include "svc_share.h"

/* A terminal type is a name (xterm-256color), never shell text. */
static int term_ok(const char *t, uint32_t len)
{
	if (len == 0 || len >= STREAM_TERM_MAX || strlen(t) != len)
		return 0;
	return strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+_-") ==
	    len;
}

/* The program: repeated "argv" fields as one NUL-separated string. */
static int take_argv(struct client *cl, const struct msg *m, struct stream_spec *sp)
{
	uint32_t len;
	const char *v;
	struct buf b;
	buf_init(&b, STREAM_ARGV_MAX);
	for (size_t i = 0; (v = msg_get_nth(m, "argv", i, &len)) != NULL; i++) {
		if (memchr(v, '\0', len) != NULL || (i == 0 && len == 0) ||
		    buf_add(&b, v, len) != 0 || buf_addc(&b, '\0') != 0) {
			client_error(cl, "stream: the program's words must be text without NUL bytes, "
			    "%u bytes at most, the first not empty", STREAM_ARGV_MAX);
			buf_clear(&b);
			return -1;
		}
	}
	sp->argv = b.len > 0 ? buf_detach(&b, &sp->argv_len) : NULL;
	buf_clear(&b);
	return 0;
}

static int take_term(struct client *cl, const struct msg *m, struct stream_spec *sp)
{
	uint32_t len;
	const char *t = msg_get(m, "term", &len);
	int64_t cols, rows;
	if (t == NULL)
		return 0;
	if (!term_ok(t, len)) {
		client_error(cl, "stream: \"term\" must be a terminal type (letters, digits, . + _ -)");
		return -1;
	}
	if (rpc_get_num(cl, m, "cols", 1, SFRAME_DIM_MAX, 80, &cols) ||
	    rpc_get_num(cl, m, "rows", 1, SFRAME_DIM_MAX, 24, &rows))
		return -1;
	sp->pty = 1;
	strlcpy_h(sp->term, t, sizeof sp->term);
	sp->cols = (int)cols;
	sp->rows = (int)rows;
	return 0;
}

/* Whether the caller may open a stream into j now (forward: the port a
 * forward goes to, 0 for a program); -1 after answering why not. */
static int may_enter(struct server *s, struct client *cl, const struct job *j, int forward,
    int check)
{
	struct ctl *c = s->ctl;
	enum authz_verdict v = ctl_authz(c, cl->uid, AUTHZ_SHELL, j->uid);
	char err[HERD_ERRLEN];
	/* A service shared with the caller (--share-with): a forward only,
	 * through its owner's session as any forward (ctl_job_login_conf),
	 * and only to the port its --port picked: any other port of the node
	 * would be reached as its owner (another of the owner's servers). */
	if (v == AUTHZ_DENY && forward && svc_share_has(j->svc_share_uids, (uint32_t)cl->uid)) {
		if (j->svc_port == 0 || forward != j->svc_port) {
			client_error(cl, "job %" PRId64 " is %s's: a user it is shared with may "
			    "forward to its --port's port (%d) only", j->id,
			    j->user ? j->user : "another user", j->svc_port);
			return -1;
		}
		v = AUTHZ_OWNER;
	}
	if (v == AUTHZ_DENY) {
		ctl_not_yours(j->id, j->user ? j->user : "another user", err, sizeof err);
		client_error(cl, "%s; only its owner%s or an admin may %s", err,
		    forward ? ", a user it is shared with (herd service start --share-with)" : "",
		    forward ? "forward a port to it" : "open a shell in it");
		return -1;
	}
	if (j->state != JOB_RUNNING) {
		client_error(cl, "job %" PRId64 " is %s: only a running job has an allocation to "
		    "enter", j->id, job_state_name(j->state));
		return -1;
	}
	if (c->nodes[j->node].conf->local) {
		client_error(cl, "job %" PRId64 " runs on node %s, which is this machine (host = "
		    "local): herd %s needs a node reached over SSH", j->id,
		    c->nodes[j->node].conf->name, forward ? "port-forward" : "ssh and herd run");
		return -1;
	}
	if (!check && !stream_room()) {
		client_error(cl, "busy: %d streams are open; retry later", STREAM_MAX);
		return -1;
	}
	if (v == AUTHZ_ADMIN && !check)
		ctl_audit(c, cl->uid, AUTHZ_SHELL, j->id, j->uid, j->user,
		    forward ? "port-forward" : NULL);
	return 0;
}

/* A forward's fields: the port (0: no forward), and nothing of a program's. */
static int take_forward(struct client *cl, const struct msg *m, int64_t *port, int64_t *check)
{
	*port = *check = 0;
	if (msg_get(m, "forward", NULL) == NULL) {
		if (msg_get(m, "check", NULL) == NULL)
			return 0;
		client_error(cl, "stream: \"check\" goes with \"forward\" only");
		return -1;
	}
	if (rpc_get_num(cl, m, "forward", 1, 65535, 0, port) != 0 ||
	    rpc_get_num(cl, m, "check", 0, 1, 0, check) != 0)
		return -1;
	if (msg_get(m, "argv", NULL) || msg_get(m, "term", NULL) || msg_get(m, "release", NULL)) {
		client_error(cl, "stream: a port forward carries no program, terminal or release");
		return -1;
	}
	return 0;
}

/* The checks passed: the answer a stream would get, nothing handed off. */
static int answer_check(struct server *s, struct client *cl, const struct job *j)
{
	struct msg f;
	struct node_conf *nc = ctl_job_login_conf(s->ctl, j);
	msg_init(&f, "stream");
	msg_addi(&f, "id", j->id);
	msg_adds(&f, "node", nc->name);
	client_send(cl, &f);
	msg_clear(&f);
	config_node_free(nc);
	return 0;
}

int rpc_stream(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t id, release, port, check;
	struct job *j;
	if (rpc_job_id(s, cl, m, &id) != 0 ||
	    rpc_get_num(cl, m, "release", 0, 1, 0, &release) != 0 ||
	    take_forward(cl, m, &port, &check) != 0)
		return -1;
	if ((j = ctl_find(s->ctl, id)) == NULL) {
		client_error(cl, "job %" PRId64 " is not running (no such job, or it ended)", id);
		return -1;
	}
	if (may_enter(s, cl, j, (int)port, (int)check) != 0)
		return -1;
	if (check)
		return answer_check(s, cl, j);
	struct stream_spec *sp = xcalloc(1, sizeof *sp);
	if (take_argv(cl, m, sp) != 0 || take_term(cl, m, sp) != 0) {
		stream_spec_free(sp);
		return -1;
	}
	if (job_key_make(&sp->key, s->ctl->key_prefix, j->id, j->attempt) != 0) {
		client_error(cl, "job %" PRId64 ": no name for its files on the node", j->id);
		stream_spec_free(sp);
		return -1;
	}
	sp->job_id = j->id;
	sp->release = (int)release;
	sp->forward_port = (int)port;
	sp->conf = ctl_job_login_conf(s->ctl, j);
	struct msg f;
	msg_init(&f, "stream");
	msg_addi(&f, "id", j->id);
	msg_adds(&f, "node", sp->conf->name);
	client_send(cl, &f);
	msg_clear(&f);
	cl->handoff = sp;
	return 0;
}

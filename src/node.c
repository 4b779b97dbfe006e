/*
 * node.c — the two worker threads per node and the result queue.
 *
 * Command worker: connect (with backoff), open `exec /bin/sh -s`, send the
 * prelude, then loop: wait for requests (sending keepalives while idle),
 * send all queued batch requests as one program followed by an end marker,
 * collect the answer lines up to the marker within the command timeout,
 * post them.  A probe goes alone, since its output is free-form.  When the
 * shell fails but the session lives, a new shell is opened on it; when no
 * long-lived shell can be had, each batch gets a channel of its own (the
 * fallback), and the long-lived shell is tried again every 30 s.  When the
 * session fails, it is closed and RES_SHELL_DOWN posted.  Either way the
 * main loop reconciles the node's jobs when the shell is back (RES_SHELL_UP),
 * since the answers of the batch in flight are lost.
 *
 * Event worker: a second connection whose channel runs the program from
 * launch_events(): it answers "ready" once it follows the events file, then
 * one line per event.  When it drops the main loop reconciles, since events
 * written while nobody listened are in the job directories.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "config.h"
#include "backend.h"
#include "log.h"
#include "node.h"
#include "transport.h"
#include "util.h"

#define BATCH_MAX (64u << 20)
#define SHELL_CMD "exec /bin/sh -s"

#define RES_PENDING_MAX 100000	/* results waiting for the main loop */

static pthread_mutex_t res_mu = PTHREAD_MUTEX_INITIALIZER;
static struct node_result *res_head, **res_tail = &res_head;
static size_t res_pending;
static int res_fd = -1;

int node_results_init(void)
{
	res_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return res_fd < 0 ? -1 : 0;
}

int node_results_fd(void)
{
	return res_fd;
}

static void post(const struct node *n, enum res_kind kind, const char *text)
{
	struct node_result *r = xcalloc(1, sizeof *r);
	uint64_t one = 1;
	r->node = n->idx;
	r->gen = n->worker_gen;
	r->kind = kind;
	r->text = text ? xstrdup(text) : NULL;
	pthread_mutex_lock(&res_mu);
	*res_tail = r;
	res_tail = &r->next;
	res_pending++;
	pthread_mutex_unlock(&res_mu);
	(void)!write(res_fd, &one, sizeof one);
}

struct node_result *node_results_take(void)
{
	uint64_t v;
	(void)!read(res_fd, &v, sizeof v);
	pthread_mutex_lock(&res_mu);
	struct node_result *r = res_head;
	res_head = NULL;
	res_tail = &res_head;
	res_pending = 0;
	pthread_mutex_unlock(&res_mu);
	return r;
}

void node_result_free(struct node_result *r)
{
	while (r != NULL) {
		struct node_result *next = r->next;
		free(r->text);
		free(r);
		r = next;
	}
}

const char *node_state_name(enum node_state s)
{
	switch (s) {
	case NODE_UP: return "UP";
	case NODE_DOWN: return "DOWN";
	default: return "UNKNOWN";
	}
}

void node_init(struct node *n, const struct node_conf *conf, int idx)
{
	memset(n, 0, sizeof *n);
	n->conf = conf;
	n->idx = idx;
	n->be = &backend_sh;
	n->state = NODE_UNKNOWN;
	snprintf(n->reason, sizeof n->reason, "connecting");
	probe_result_init(&n->probe);
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	n->reqs_tail = &n->reqs;
	n->cmd_joined = n->ev_joined = 1;	/* no thread yet: nothing to join */
}

void node_request(struct node *n, enum req_kind kind, char *text, size_t len)
{
	struct node_req *q = xcalloc(1, sizeof *q);
	q->kind = kind;
	q->text = text;
	q->len = len;
	pthread_mutex_lock(&n->mu);
	*n->reqs_tail = q;
	n->reqs_tail = &q->next;
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

void node_req_free(struct node_req *q)
{
	while (q != NULL) {
		struct node_req *next = q->next;
		free(q->text);
		free(q);
		q = next;
	}
}

struct node_req *node_requests_take(struct node *n)
{
	pthread_mutex_lock(&n->mu);
	struct node_req *q = n->reqs;
	n->reqs = NULL;
	n->reqs_tail = &n->reqs;
	pthread_mutex_unlock(&n->mu);
	return q;
}

static int stopping(struct node *n)
{
	pthread_mutex_lock(&n->mu);
	int s = n->stopping;
	pthread_mutex_unlock(&n->mu);
	return s;
}

/* Sleep up to ms, waking early when the node is being stopped. */
static void backoff_sleep(struct node *n, int64_t ms)
{
	int64_t until = now_ms() + ms;
	while (!stopping(n) && now_ms() < until)
		usleep(50 * 1000);
}

/*
 * Take the next unit of work: either the first probe, or every batch
 * request queued (merged).  Waits up to wait_ms.  NULL: nothing.
 */
static struct node_req *take_work(struct node *n, int64_t wait_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait_ms / 1000;
	ts.tv_nsec += (wait_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&n->mu);
	while (n->reqs == NULL && !n->stopping)
		if (pthread_cond_timedwait(&n->cv, &n->mu, &ts) == ETIMEDOUT)
			break;
	struct node_req *q = n->reqs;
	if (q != NULL && q->kind == REQ_PROBE) {
		n->reqs = q->next;
		q->next = NULL;
	} else if (q != NULL) {
		/* The leading batch requests, up to the next probe or the size bound. */
		size_t total = q->len;
		struct node_req **pp = &q->next;
		while (*pp != NULL && (*pp)->kind == REQ_BATCH && total + (*pp)->len <= BATCH_MAX / 2) {
			total += (*pp)->len;
			pp = &(*pp)->next;
		}
		n->reqs = *pp;
		*pp = NULL;
	}
	if (n->reqs == NULL)
		n->reqs_tail = &n->reqs;
	pthread_mutex_unlock(&n->mu);
	return q;
}

struct shell {
	struct tconn *conn;
	struct tchan *ch;	/* the long-lived shell; NULL: a channel per batch */
	uint64_t seq;
	int64_t retry_ms;	/* when to try the long-lived shell again */
};

static void shell_close(struct shell *sh)
{
	tchan_close(sh->ch);
	tconn_free(sh->conn);
	sh->ch = NULL;
	sh->conn = NULL;
}

/* Send a program to a shell channel, collect its answer up to the end marker. */
static int chan_run(struct node *n, struct tchan *ch, uint64_t seq, const struct node_req *q,
    struct buf *answer, char *err, size_t errsz)
{
	struct buf prog;
	char marker[64], *line;
	int64_t deadline = now_ms() + n->conf->command_timeout_s * 1000LL;

	snprintf(marker, sizeof marker, "@@herd-end-%llu-%ld", (unsigned long long)seq,
	    (long)random());
	buf_init(&prog, BATCH_MAX);
	int rc = buf_addstr(&prog, "{\n");
	for (; q != NULL; q = q->next)
		rc |= buf_add(&prog, q->text, q->len);
	rc |= buf_printf(&prog, "\n} </dev/null 2>&1\necho '%s'\n", marker);
	if (rc != 0)
		snprintf(err, errsz, "batch larger than %u bytes", BATCH_MAX);
	else
		rc = tchan_write(ch, prog.data, prog.len, deadline, err, errsz);
	buf_clear(&prog);
	while (rc == 0) {
		int r = tchan_readline(ch, &line, deadline, err, errsz);
		if (r == 0)
			snprintf(err, errsz, "no answer within %d s", n->conf->command_timeout_s);
		if (r <= 0)
			return -1;
		if (strcmp(line, marker) == 0)
			return 0;
		if (buf_addstr(answer, line) != 0 || buf_addc(answer, '\n') != 0) {
			snprintf(err, errsz, "answer too long");
			return -1;
		}
	}
	return -1;
}

/*
 * Run a batch: through the long-lived shell, or, when that is not to be
 * had, through a channel of its own (the fallback: it pays a channel open
 * and the user's login files every time).
 */
static int shell_run(struct node *n, struct shell *sh, const struct node_req *q,
    struct buf *answer, char *err, size_t errsz)
{
	struct tchan *once;
	if (sh->ch != NULL)
		return chan_run(n, sh->ch, ++sh->seq, q, answer, err, errsz);
	if (tchan_open(sh->conn, SHELL_CMD, &once, now_ms() + n->conf->connect_timeout_s * 1000LL,
	    err, errsz) != 0)
		return -1;
	int rc = chan_run(n, once, ++sh->seq, q, answer, err, errsz);
	tchan_close(once);
	return rc;
}

/* The node directories, through whichever way shell_run() now uses. */
static int shell_prelude(struct node *n, struct shell *sh, char *err, size_t errsz)
{
	struct node_req pre = { 0 };
	struct buf text, answer;
	buf_init(&text, 1 << 16);
	buf_init(&answer, 1 << 16);
	n->be->prelude(n, &text);
	pre.text = text.data;
	pre.len = text.len;
	int rc = shell_run(n, sh, &pre, &answer, err, errsz);
	if (rc == 0 && strstr(answer.data ? answer.data : "", "P ok") == NULL) {
		snprintf(err, errsz, "node shell set-up failed: %.200s", answer.data ? answer.data : "");
		rc = -1;
	}
	buf_clear(&text);
	buf_clear(&answer);
	return rc;
}

/* (Re)open the long-lived shell on the connection; on failure, fall back. */
static void shell_channel(struct node *n, struct shell *sh)
{
	char err[NODE_ERRLEN];
	int64_t deadline = now_ms() + n->conf->connect_timeout_s * 1000LL;

	tchan_close(sh->ch);
	sh->ch = NULL;
	if (tchan_open(sh->conn, SHELL_CMD, &sh->ch, deadline, err, sizeof err) == 0 &&
	    shell_prelude(n, sh, err, sizeof err) == 0)
		return;
	log_warn("node %s: no long-lived shell (%s); using a channel per command",
	    n->conf->name, err);
	tchan_close(sh->ch);
	sh->ch = NULL;
	sh->retry_ms = now_ms() + 30000;
}

static int shell_open(struct node *n, struct shell *sh, char *err, size_t errsz)
{
	int64_t deadline = now_ms() + n->conf->connect_timeout_s * 1000LL;
	if (tconn_open(n->conf, &sh->conn, deadline, err, errsz) != 0)
		return -1;
	shell_channel(n, sh);
	if (sh->ch == NULL && shell_prelude(n, sh, err, errsz) != 0) {
		shell_close(sh);
		return -1;
	}
	return 0;
}

/* One unit of work; -1 when the connection itself is gone. */
static int serve_one(struct node *n, struct shell *sh, struct node_req *q)
{
	char err[NODE_ERRLEN];
	struct buf answer;
	int probe = q->kind == REQ_PROBE;

	buf_init(&answer, BATCH_MAX);
	int rc = shell_run(n, sh, q, &answer, err, sizeof err);
	node_req_free(q);
	if (rc == 0)
		post(n, probe ? RES_PROBE : RES_LINES, answer.data ? answer.data : "");
	buf_clear(&answer);
	if (rc == 0)
		return 0;
	if (probe)
		post(n, RES_PROBE_FAIL, err);
	if (sh->ch == NULL || tconn_keepalive(sh->conn) != 0) {
		post(n, RES_SHELL_DOWN, err);
		return -1;
	}
	/* The session lives but the shell died: a new shell, and since the
	 * batch's answers are lost, the main loop reconciles (RES_SHELL_UP). */
	log_warn("node %s: shell lost (%s); reopening it", n->conf->name, err);
	shell_channel(n, sh);
	post(n, RES_SHELL_UP, NULL);
	return 0;
}

static void serve(struct node *n, struct shell *sh)
{
	int64_t ka = n->conf->keepalive_s > 0 ? n->conf->keepalive_s * 1000LL : 60000;

	while (!stopping(n)) {
		if (sh->ch == NULL && now_ms() >= sh->retry_ms)
			shell_channel(n, sh);
		struct node_req *q = take_work(n, sh->ch ? ka : (ka < 30000 ? ka : 30000));
		if (q == NULL) {
			if (!stopping(n) && tconn_keepalive(sh->conn) != 0) {
				post(n, RES_SHELL_DOWN, "keepalive failed");
				return;
			}
			continue;
		}
		if (serve_one(n, sh, q) != 0)
			return;
	}
}

static void *cmd_main(void *arg)
{
	struct node *n = arg;
	struct shell sh = { 0 };
	char err[NODE_ERRLEN];
	int64_t delay = 500;

	while (!stopping(n)) {
		if (shell_open(n, &sh, err, sizeof err) != 0) {
			post(n, RES_SHELL_DOWN, err);
			/* Requests queued meanwhile are void; reconcile redoes them. */
			pthread_mutex_lock(&n->mu);
			node_req_free(n->reqs);
			n->reqs = NULL;
			n->reqs_tail = &n->reqs;
			pthread_mutex_unlock(&n->mu);
			backoff_sleep(n, delay);
			delay = delay * 2 > 30000 ? 30000 : delay * 2;
			continue;
		}
		delay = 500;
		post(n, RES_SHELL_UP, NULL);
		serve(n, &sh);
		shell_close(&sh);
	}
	return NULL;
}

static int events_follow(struct node *n, char *err, size_t errsz)
{
	int64_t deadline = now_ms() + n->conf->connect_timeout_s * 1000LL;
	int64_t ka = n->conf->keepalive_s > 0 ? n->conf->keepalive_s * 1000LL : 60000;
	int64_t last = now_ms();
	struct tconn *c = NULL;
	struct tchan *ch = NULL;
	struct buf prog;
	char *line;
	int rc = -1;

	buf_init(&prog, 1 << 16);
	n->be->events(n, &prog);
	if (tconn_open(n->conf, &c, deadline, err, errsz) != 0 ||
	    tchan_open(c, SHELL_CMD, &ch, deadline, err, errsz) != 0 ||
	    tchan_write(ch, prog.data, prog.len, deadline, err, errsz) != 0)
		goto out;
	while (!stopping(n)) {
		int r = tchan_readline(ch, &line, now_ms() + 500, err, errsz);
		if (r < 0)
			goto out;
		if (r == 0) {
			if (now_ms() - last >= ka) {
				last = now_ms();
				if (tconn_keepalive(c) != 0) {
					snprintf(err, errsz, "keepalive failed");
					goto out;
				}
			}
			continue;
		}
		pthread_mutex_lock(&res_mu);
		size_t pending = res_pending;
		pthread_mutex_unlock(&res_mu);
		if (pending > RES_PENDING_MAX) {
			/* Something floods the events file: drop the stream; the
			 * reconcile after it comes back reads the job files instead. */
			snprintf(err, errsz, "more than %d events waiting", RES_PENDING_MAX);
			goto out;
		}
		if (strcmp(line, "ready") == 0)
			post(n, RES_EVENTS_UP, NULL);
		else if (strcmp(line, "failed") == 0) {
			snprintf(err, errsz, "cannot follow the events file");
			goto out;
		} else
			post(n, RES_EVENT, line);
	}
	rc = 0;
out:
	buf_clear(&prog);
	tchan_close(ch);
	tconn_free(c);
	return rc;
}

static void *ev_main(void *arg)
{
	struct node *n = arg;
	char err[NODE_ERRLEN];
	int64_t delay = 500;

	while (!stopping(n)) {
		int64_t started = now_ms();
		if (events_follow(n, err, sizeof err) == 0)
			break;
		post(n, RES_EVENTS_DOWN, err);
		if (now_ms() - started > 10000)
			delay = 500;
		backoff_sleep(n, delay);
		delay = delay * 2 > 30000 ? 30000 : delay * 2;
	}
	return NULL;
}

int node_start(struct node *n)
{
	/* No worker runs now: these are the main thread's to set. */
	n->stopping = 0;
	n->cmd_joined = 0;
	n->ev_joined = n->no_events;
	n->worker_gen = n->gen;
	if (pthread_create(&n->cmd_thread, NULL, cmd_main, n) != 0)
		return -1;
	if (!n->no_events && pthread_create(&n->ev_thread, NULL, ev_main, n) != 0)
		return -1;
	return 0;
}

void node_stop(struct node *n)
{
	pthread_mutex_lock(&n->mu);
	n->stopping = 1;
	pthread_cond_broadcast(&n->cv);
	pthread_mutex_unlock(&n->mu);
}

int node_join(struct node *n, int64_t deadline)
{
	struct timespec ts;
	int64_t left = deadline - now_ms();
	clock_gettime(CLOCK_REALTIME, &ts);
	if (left < 0)
		left = 0;
	ts.tv_sec += left / 1000;
	ts.tv_nsec += (left % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	if (!n->cmd_joined && pthread_timedjoin_np(n->cmd_thread, NULL, &ts) != 0)
		return -1;
	n->cmd_joined = 1;
	if (!n->ev_joined && pthread_timedjoin_np(n->ev_thread, NULL, &ts) != 0)
		return -1;
	n->ev_joined = 1;
	node_req_free(n->reqs);
	n->reqs = NULL;
	n->reqs_tail = &n->reqs;
	return 0;
}

void node_release(struct node *n)
{
	node_req_free(n->reqs);
	n->reqs = NULL;
	n->reqs_tail = &n->reqs;
	probe_result_clear(&n->probe);
	foreign_state_clear(&n->foreign);
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
}

int node_tryjoin(struct node *n)
{
	if (!n->cmd_joined && pthread_tryjoin_np(n->cmd_thread, NULL) == 0)
		n->cmd_joined = 1;
	if (!n->ev_joined && pthread_tryjoin_np(n->ev_thread, NULL) == 0)
		n->ev_joined = 1;
	return n->cmd_joined && n->ev_joined ? 0 : -1;
}

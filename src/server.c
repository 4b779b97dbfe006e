/*
 * server.c — the Unix socket and its clients.
 *
 * Theory of operation: the listener and every client are non-blocking and
 * polled by the main loop.  Input is framed by proto_decode() with a hard
 * bound; a malformed frame drops the client.  Each complete frame goes to
 * the request layer (ops->dispatch: rpc.h), unless its "v" is not our
 * protocol version (protover.h): then the client is answered one error
 * frame saying so, and closed.  The server knows no request: what one
 * keeps between turns is the layer's (cl->rq), which says whether a client
 * is owed an answer (ops->owed) and frees it when the client goes
 * (ops->gone).
 *
 * Streaming answers (queue, history) are produced a slice at a time by
 * their `more` callback, at most SERVER_STREAM_SLICES slices per loop
 * iteration for all clients together, taken round-robin in accept order:
 * a ping or a submit waits for a few slices, never for a whole listing of
 * 100,000 jobs, and twenty listings share the loop fairly.
 *
 * Nothing from a client may hold the controller: a client that herdd owes
 * nothing (no `herd wait`, no read on a node, no listing to produce, no
 * request held back by the others' answers) is idle, and must complete a
 * request, or read some of its answer, within CLIENT_IDLE_MS of becoming
 * idle.  A slow or stalled partial frame counts as idle, and so does an
 * answer the client does not read: its clock runs from the last byte it
 * took, so a client that pipelines requests and never reads is dropped
 * after CLIENT_IDLE_MS, and is the first to go when room is needed.  The
 * main loop wakes at least once a second (its tick), which is when
 * deadlines are checked.  Each uid may hold SERVER_UID_MAX_CLIENTS
 * connections (root, herdd's own user and the admins apart): past it a
 * new one of that uid pushes out that uid's longest-idle client, or is
 * told "busy, retry", so that one user holding connections never locks
 * out another.  At SERVER_MAX_CLIENTS connections a new one pushes out
 * the longest-idle client of anyone, or is told "busy, retry" when none
 * is idle.
 *
 * Output memory is bounded: requests are run one frame at a time, and a
 * client's next frame waits (in `in`, which is then not read further)
 * while CLIENT_OUT_LOW of its answers are unread or a listing of it is
 * being produced, so 64 KiB of pipelined `show script=1` frames queue one
 * 4 MiB answer, not thousands.  No request of a uid is run while the
 * answers of its clients hold SERVER_UID_OUT_MAX (a user who reads slowly
 * on 32 connections holds up only herself), and no request of anyone while
 * those of all clients hold SERVER_OUT_TOTAL_MAX; those who do not read go
 * at CLIENT_IDLE_MS, and the others' requests are then run.  A buffer
 * grown for one large request or answer is freed once it is empty.
 * Input memory is bounded: a frame longer than the
 * largest request (CLIENT_REQ_MAX) is refused when its length arrives, and
 * each partial frame reserves its full length from its uid's share
 * (SERVER_UID_IN_MAX: two such requests at once) and from
 * SERVER_IN_TOTAL_MAX; a client that cannot is told to retry.  So 256 clients each announcing a
 * 48 MiB frame cost 64 MiB, not 12 GiB.  Each kind of drop is logged, at
 * most a few lines a minute.
 *
 * A request that opens a stream (herd ssh, herd run; stream.h) leaves a
 * spec in the client's `handoff`: no frame after it is read as a request,
 * and once the pass is over the socket, with the answer not yet written
 * and any bytes that followed the request, goes to the stream's thread;
 * the client is then dropped here without closing it.  From then on the
 * loop neither polls nor counts it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "log.h"
#include "protover.h"
#include "server.h"
#include "stream.h"

int server_open(struct server *s, const char *path, int public, struct ctl *ctl,
    const struct server_ops *ops, char *err, size_t errsz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memset(s, 0, sizeof *s);
	s->ctl = ctl;
	s->ops = ops;
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errsz, "socket path too long: %s", path);
		return -1;
	}
	strlcpy_h(sa.sun_path, path, sizeof sa.sun_path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	/* The state-dir lock is held, so a socket file left here is stale. */
	unlink(path);
	/* Public (lab mode): every local user may connect; who they are is
	 * SO_PEERCRED's word, never the request's. */
	mode_t old = umask(public ? 0111 : 0077);
	int rc = bind(s->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	/* The kernel's largest backlog: a burst of clients (a lab's array
	 * script, 200 submitters) waits to be accepted instead of being refused
	 * with EAGAIN by a non-blocking connect. */
	if (rc != 0 || listen(s->fd, SOMAXCONN) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(s->fd);
		return -1;
	}
	s->path = xstrdup(path);
	return 0;
}

static void client_free(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	stream_spec_free(cl->handoff);
	buf_clear(&cl->in);
	buf_clear(&cl->out);
	free(cl);
}

/* Unlink and free *pp. */
static void client_drop(struct server *s, struct client **pp)
{
	struct client *cl = *pp;
	*pp = cl->next;
	s->ops->gone(s, cl);
	s->in_reserved -= cl->reserved;
	client_free(cl);
	s->nclients--;
}

/* 1 if a line may be logged now; *skipped: lines held back before it. */
static int rl_allow(struct ratelimit *rl, int64_t now, unsigned *skipped)
{
	*skipped = 0;
	if (rl->count == 0 || now - rl->window_ms >= 60000) {
		*skipped = rl->suppressed;
		rl->window_ms = now;
		rl->count = 0;
		rl->suppressed = 0;
	}
	if (rl->count >= 5) {
		rl->suppressed++;
		return 0;
	}
	rl->count++;
	return 1;
}

/* Bytes of 4 + the length its first frame announces, or 0 before the length. */
static size_t frame_len(const struct client *cl)
{
	if (cl->in.len < 4)
		return 0;
	const unsigned char *u = (const unsigned char *)cl->in.data;
	return 4 + (size_t)((uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 |
	    (uint32_t)u[3]);
}

/* A whole request waits in `in`. */
static int frame_ready(const struct client *cl)
{
	size_t n = frame_len(cl);
	return n > 0 && cl->in.len >= n;
}

/* Memory held for answers, all clients together (capacity: what malloc holds). */
static size_t out_held(const struct server *s)
{
	size_t n = 0;
	for (const struct client *cl = s->clients; cl != NULL; cl = cl->next)
		n += cl->out.cap;
	return n;
}

/* The same, for the clients of one uid (its share: SERVER_UID_OUT_MAX). */
static size_t uid_out_held(const struct server *s, uid_t uid)
{
	size_t n = 0;
	for (const struct client *cl = s->clients; cl != NULL; cl = cl->next)
		if (cl->uid == uid)
			n += cl->out.cap;
	return n;
}

/*
 * No request of this client is run now: it is closing, its answers are
 * not read (CLIENT_OUT_LOW), a listing is still being produced for it (its
 * answers keep their order), or its uid's answers hold SERVER_UID_OUT_MAX,
 * or all clients' hold SERVER_OUT_TOTAL_MAX (`others`: the other clients').
 */
static int client_blocked(const struct server *s, const struct client *cl, size_t others)
{
	return cl->closing || cl->out.len >= CLIENT_OUT_LOW || cl->more != NULL ||
	    others + cl->out.cap >= SERVER_OUT_TOTAL_MAX ||
	    uid_out_held(s, cl->uid) >= SERVER_UID_OUT_MAX;
}

/*
 * herdd owes it something that does not depend on the client: a wait, a
 * read on a node, slices of a listing, a watch with its last event read
 * and nothing of a request begun (a stalled partial frame holds input
 * reserve: it is the client's to finish), or a request held back only by
 * the other clients' answers.  Such a client is never idle.
 */
static int client_owed(const struct server *s, const struct client *cl)
{
	/* A partial frame is the client's to finish, whatever it is owed
	 * (a watcher, a waiter that stalls in its next request): idle. */
	return (s->ops->owed(cl) && cl->in.len == 0) ||
	    (cl->more != NULL && cl->out.len < CLIENT_OUT_LOW) ||
	    (frame_ready(cl) && !cl->closing && cl->out.len < CLIENT_OUT_LOW && cl->more == NULL);
}

/*
 * Idle: owed nothing, its clock running since its last request, or since
 * its answer last moved (an answer it does not read counts as idle: it is
 * the client that holds things up, and it may be dropped or evicted).
 */
static int client_idle(const struct server *s, const struct client *cl)
{
	return !client_owed(s, cl);
}

void server_close(struct server *s)
{
	while (s->clients != NULL) {
		struct client *next = s->clients->next;
		s->ops->gone(s, s->clients);
		client_free(s->clients);
		s->clients = next;
	}
	if (s->fd >= 0)
		close(s->fd);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
}

/* One frame to a client that never became one (no buffer: it fits the socket's). */
static void refuse_busy(int fd, const char *why)
{
	struct buf b;
	struct msg m;
	buf_init(&b, 4096);
	msg_init(&m, "error");
	msg_adds(&m, "message", why);
	if (proto_encode(&b, &m) == 0)
		(void)!write(fd, b.data, b.len);
	msg_clear(&m);
	buf_clear(&b);
	close(fd);
}

/*
 * At a cap: drop the longest-idle client (of `uid` only when one_uid); 0
 * if none is idle.
 */
static int evict_idle(struct server *s, int64_t now, int one_uid, uid_t uid, size_t count)
{
	struct client **best = NULL;
	unsigned skipped;
	for (struct client **pp = &s->clients; *pp != NULL; pp = &(*pp)->next)
		if ((!one_uid || (*pp)->uid == uid) && client_idle(s, *pp) &&
		    (best == NULL || (*pp)->idle_since_ms <= (*best)->idle_since_ms))
			best = pp;
	if (best == NULL)
		return 0;
	if (rl_allow(&s->rl_full, now, &skipped))
		log_warn("%zu connections%s (the most): closed the longest idle one (pid %d, "
		    "idle %" PRId64 " ms) for a new one; %u such lines not shown", count,
		    one_uid ? " of one user" : "", (int)(*best)->pid, now - (*best)->idle_since_ms,
		    skipped);
	client_drop(s, best);
	return 1;
}

/* Connections of uid now, and whether it is held to SERVER_UID_MAX_CLIENTS. */
static size_t uid_clients(const struct server *s, uid_t uid)
{
	size_t n = 0;
	for (const struct client *cl = s->clients; cl != NULL; cl = cl->next)
		n += cl->uid == uid;
	return n;
}

/*
 * Room for a new client of uid: its own share first (so that one user
 * holding connections never shuts out another), then the total.  NULL, or
 * why not.  Root, herdd's own user and the admins have no share: they are
 * the ones who must get in to clear things up.
 */
static const char *make_room(struct server *s, uid_t uid, int64_t now)
{
	struct authz_who who = ctl_who(s->ctl, uid);
	size_t mine = uid_clients(s, uid);
	if (!authz_is_admin(&who) && mine >= SERVER_UID_MAX_CLIENTS &&
	    !evict_idle(s, now, 1, uid, mine))
		return "herdd is busy (you have too many connections open); retry";
	if (s->nclients >= SERVER_MAX_CLIENTS && !evict_idle(s, now, 0, 0, s->nclients))
		return "herdd is busy (too many connections); retry";
	return NULL;
}

static void accept_clients(struct server *s)
{
	int64_t now = now_ms();
	unsigned skipped;
	for (;;) {
		int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct ucred cr;
		socklen_t len = sizeof cr;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
			close(fd);
			continue;
		}
		const char *why = make_room(s, cr.uid, now);
		if (why != NULL) {
			if (rl_allow(&s->rl_full, now, &skipped))
				log_warn("%zu connections (%zu of uid %u), none idle: told pid %d to "
				    "retry; %u such lines not shown", s->nclients,
				    uid_clients(s, cr.uid), (unsigned)cr.uid, (int)cr.pid, skipped);
			refuse_busy(fd, why);
			continue;
		}
		struct client *cl = xcalloc(1, sizeof *cl);
		cl->fd = fd;
		cl->uid = cr.uid;
		cl->pid = cr.pid;
		cl->serial = ++s->next_serial;
		cl->idle_since_ms = now;
		buf_init(&cl->in, CLIENT_IN_MAX);
		buf_init(&cl->out, CLIENT_OUT_MAX);
		cl->next = s->clients;
		s->clients = cl;
		s->nclients++;
	}
}

size_t server_pollfds(struct server *s, struct pollfd *p, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return 0;
	/* Always accepted: at the cap, a new client is answered, never left hanging. */
	p[n++] = (struct pollfd){ s->fd, POLLIN, 0 };
	size_t held = out_held(s);
	for (struct client *cl = s->clients; cl != NULL && n < cap; cl = cl->next) {
		/* A client that does not read its answers gets no new ones, and
		 * none is read while a whole request of it waits. */
		int busy = client_blocked(s, cl, held - cl->out.cap) || frame_ready(cl);
		short ev = busy ? 0 : POLLIN;
		if (cl->out.len > 0 || cl->more != NULL)	/* a stream to go on with */
			ev |= POLLOUT;
		p[n++] = (struct pollfd){ cl->fd, ev, 0 };
	}
	return n;
}

void client_send(struct client *cl, const struct msg *m)
{
	if (proto_encode(&cl->out, m) != 0) {
		log_warn("answer too large for client pid %d; closing", (int)cl->pid);
		cl->closing = 1;
	}
}

void client_error(struct client *cl, const char *fmt, ...)
{
	char text[1024];
	struct msg m;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	msg_init(&m, "error");
	msg_adds(&m, "message", text);
	client_send(cl, &m);
	msg_clear(&m);
}

/* Answer an error, stop reading and close once it is written. */
static void client_refuse(struct server *s, struct client *cl, const char *what)
{
	client_error(cl, "%s", what);
	cl->closing = 1;
	buf_reset(&cl->in);
	s->in_reserved -= cl->reserved;
	cl->reserved = 0;
}

/* Partial requests held for the clients of one uid (SERVER_UID_IN_MAX). */
static size_t uid_in_reserved(const struct server *s, uid_t uid)
{
	size_t n = 0;
	for (const struct client *cl = s->clients; cl != NULL; cl = cl->next)
		if (cl->uid == uid)
			n += cl->reserved;
	return n;
}

/*
 * The partial frame left in `in` reserves its whole length: refuse one
 * longer than any request, or one that the total for all clients cannot
 * hold (the client may retry when others are done).
 */
static void reserve_input(struct server *s, struct client *cl)
{
	int64_t now = now_ms();
	unsigned skipped;
	size_t need = cl->in.len;
	char why[160];

	if (cl->in.len >= 4) {
		uint32_t blen = (uint32_t)(frame_len(cl) - 4);
		if (blen > CLIENT_REQ_MAX) {
			if (rl_allow(&s->rl_big, now, &skipped))
				log_warn("client pid %d: request of %" PRIu32 " bytes refused (at most "
				    "%u); %u such lines not shown", (int)cl->pid, blen, CLIENT_REQ_MAX,
				    skipped);
			snprintf(why, sizeof why, "request too large: %" PRIu32 " bytes (at most %u)",
			    blen, CLIENT_REQ_MAX);
			client_refuse(s, cl, why);
			return;
		}
		/* Requests held back (client_blocked) are in `in` too. */
		if (need < 4 + (size_t)blen)
			need = 4 + (size_t)blen;
	}
	s->in_reserved -= cl->reserved;
	cl->reserved = 0;
	if (uid_in_reserved(s, cl->uid) + need > SERVER_UID_IN_MAX) {
		if (rl_allow(&s->rl_big, now, &skipped))
			log_warn("client pid %d: uid %u holds %zu bytes of partial requests "
			    "already; its %zu-byte request refused; %u such lines not shown",
			    (int)cl->pid, (unsigned)cl->uid, uid_in_reserved(s, cl->uid), need,
			    skipped);
		client_refuse(s, cl, "herdd is busy (you are sending too many large requests "
		    "at once); retry");
		return;
	}
	if (s->in_reserved + need > SERVER_IN_TOTAL_MAX) {
		if (rl_allow(&s->rl_big, now, &skipped))
			log_warn("client pid %d: %zu bytes of partial requests held already; its "
			    "%zu-byte request refused; %u such lines not shown", (int)cl->pid,
			    s->in_reserved, need, skipped);
		client_refuse(s, cl, "herdd is busy (receiving too many large requests); retry");
		return;
	}
	cl->reserved = need;
	s->in_reserved += need;
}

/* Read what the client sent into `in`; -1 drops the client. */
static int client_input(struct client *cl)
{
	char chunk[CLIENT_READ];
	ssize_t r = read(cl->fd, chunk, sizeof chunk);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (r < 0 || cl->closing)
		return 0;
	return buf_add(&cl->in, chunk, (size_t)r);
}

/* A buffer grown for one large request or answer goes back once empty. */
static void buf_shrink(struct buf *b, size_t keep)
{
	if (b->len == 0 && b->cap > keep)
		buf_clear(b);
}

/*
 * Run the complete requests in `in`, one at a time, while the client is
 * not blocked: checked before each one, as each may queue a large answer
 * (a 4 MiB script), and 64 KiB of pipelined requests read at once must
 * not queue thousands of them.  `others`: answers held for the others.
 * -1 drops the client.
 */
static int client_frames(struct server *s, struct client *cl, size_t others)
{
	char err[HERD_ERRLEN];
	size_t off = 0;
	for (;;) {
		struct msg m;
		if (client_blocked(s, cl, others))
			break;
		long used = proto_decode(cl->in.data + off, cl->in.len - off, &m, err, sizeof err);
		if (used < 0) {
			log_warn("client pid %d: %s", (int)cl->pid, err);
			return -1;
		}
		if (used == 0)
			break;
		off += (size_t)used;
		/* A request completed: idle counts from here (and, once its answer
		 * waits, from the last byte of it the client took). */
		cl->idle_since_ms = now_ms();
		if (proto_version_check(&m, err, sizeof err) != 0) {
			/* Nothing of another version runs: it is told why, and goes
			 * (client_refuse empties `in`, so nothing is consumed). */
			msg_clear(&m);
			client_refuse(s, cl, err);
			return 0;
		}
		s->ops->dispatch(s, cl, &m);
		msg_clear(&m);
		if (cl->handoff != NULL)
			break;	/* what follows is the stream's, not requests */
	}
	if (off > 0) {
		buf_consume(&cl->in, off);	/* once per pass, not per frame */
		buf_shrink(&cl->in, 4 * CLIENT_READ);
	}
	if (cl->handoff != NULL)
		return 1;
	if (!cl->closing)
		reserve_input(s, cl);
	return 0;
}

static int client_output(struct client *cl)
{
	if (cl->out.len == 0)
		return cl->closing && cl->more == NULL ? -1 : 0;
	ssize_t w = write(cl->fd, cl->out.data, cl->out.len);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (w > 0)
		cl->idle_since_ms = now_ms();	/* it reads: its idle clock starts again */
	buf_consume(&cl->out, (size_t)w);
	buf_shrink(&cl->out, 2 * CLIENT_OUT_LOW);
	return cl->out.len == 0 && cl->more == NULL && cl->closing ? -1 : 0;
}

/* The next client, after the last served in accept order, with a stream to refill. */
static struct client *stream_next(struct server *s)
{
	struct client *after = NULL, *first = NULL;
	for (struct client *cl = s->clients; cl != NULL; cl = cl->next) {
		if (cl->more == NULL || cl->out.len >= CLIENT_OUT_LOW)
			continue;
		if (first == NULL || cl->serial < first->serial)
			first = cl;
		if (cl->serial > s->stream_last && (after == NULL || cl->serial < after->serial))
			after = cl;
	}
	return after != NULL ? after : first;
}

/* A bounded number of slices of the listings in progress, round-robin. */
static void stream_slices(struct server *s)
{
	struct client *cl;
	for (int k = 0; k < SERVER_STREAM_SLICES && (cl = stream_next(s)) != NULL; k++) {
		s->stream_last = cl->serial;
		if (cl->more(s, cl) != 0 || cl->closing)
			cl->more = NULL;
	}
}

/* Drop the clients idle past their deadline (a stalled partial frame too). */
static void drop_idle(struct server *s, int64_t now)
{
	unsigned skipped;
	for (struct client **pp = &s->clients; *pp != NULL;) {
		struct client *cl = *pp;
		if (!client_idle(s, cl))
			cl->idle_since_ms = now;
		if (!client_idle(s, cl) || now - cl->idle_since_ms < CLIENT_IDLE_MS) {
			pp = &cl->next;
			continue;
		}
		if (!rl_allow(&s->rl_idle, now, &skipped))
			;
		else if (cl->out.len > 0 || cl->more != NULL)
			log_info("client pid %d (uid %u): read none of its answer in %d s (%zu "
			    "bytes waiting); closed; %u such lines not shown", (int)cl->pid,
			    (unsigned)cl->uid, CLIENT_IDLE_MS / 1000, cl->out.len, skipped);
		else
			log_info("client pid %d: no complete request in %d s (%zu bytes of one "
			    "received); closed; %u such lines not shown", (int)cl->pid,
			    CLIENT_IDLE_MS / 1000, cl->in.len, skipped);
		client_drop(s, pp);
	}
}

/*
 * An accepted stream: its thread takes the socket, with the answer not yet
 * written ("stream") and any bytes the client sent after its request; the
 * client is then dropped here without closing the socket.
 */
static void hand_off(struct client *cl)
{
	struct stream_spec *sp = cl->handoff;
	cl->handoff = NULL;
	stream_start(sp, cl->fd, cl->out.data, cl->out.len, cl->in.data, cl->in.len);
	cl->fd = -1;
}

void server_handle(struct server *s, const struct pollfd *p, size_t n)
{
	/* p[1..] follow the client list as it was when the pollfds were built;
	 * clients are only added or dropped after this pass. */
	size_t i = 1;
	stream_slices(s);
	/* Answers are written here only, before this pass runs requests: an
	 * answer made below waits for the next pass, after the main loop has
	 * committed the turn that made it (ctl_turn_end). */
	for (struct client **pp = &s->clients; *pp != NULL;) {
		struct client *cl = *pp;
		int drop = 0;
		if (i < n && p[i].fd == cl->fd) {
			if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
				drop = client_input(cl) != 0;
			i++;
		}
		if (!drop && (cl->out.len > 0 || cl->closing))
			drop = client_output(cl) != 0;
		if (drop)
			client_drop(s, pp);
		else
			pp = &cl->next;
	}
	/* Requests after every write of this pass, so that room made by one
	 * client's reading serves another's held-back request now. */
	size_t held = out_held(s);
	for (struct client **pp = &s->clients; *pp != NULL;) {
		struct client *cl = *pp;
		size_t before = cl->out.cap;
		int rc = cl->in.len > 0 ? client_frames(s, cl, held - before) : 0;
		if (rc != 0) {
			held -= before;
			if (rc > 0)
				hand_off(cl);
			client_drop(s, pp);
			continue;
		}
		held = held - before + cl->out.cap;
		pp = &cl->next;
	}
	drop_idle(s, now_ms());
	if (n > 0 && (p[0].revents & POLLIN))
		accept_clients(s);
}

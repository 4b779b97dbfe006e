/*
 * server.c — the Unix socket and its clients.
 *
 * Theory of operation: the listener and every client are non-blocking and
 * polled by the main loop.  Input is framed by proto_decode() with a hard
 * bound; a malformed frame drops the client.  Each complete frame goes to
 * rpc_dispatch().  Streaming answers refill `out` from their `more` callback
 * whenever it drains below CLIENT_OUT_LOW.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

int server_open(struct server *s, const char *path, struct ctl *ctl, char *err, size_t errsz)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memset(s, 0, sizeof *s);
	s->ctl = ctl;
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
	mode_t old = umask(0077);
	int rc = bind(s->fd, (struct sockaddr *)&sa, sizeof sa);
	umask(old);
	if (rc != 0 || listen(s->fd, 128) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		close(s->fd);
		return -1;
	}
	s->path = xstrdup(path);
	return 0;
}

static void client_free(struct client *cl)
{
	close(cl->fd);
	buf_clear(&cl->in);
	buf_clear(&cl->out);
	free(cl->wait_ids);
	free(cl);
}

void server_close(struct server *s)
{
	while (s->clients != NULL) {
		struct client *next = s->clients->next;
		client_free(s->clients);
		s->clients = next;
	}
	if (s->fd >= 0)
		close(s->fd);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
}

static void accept_clients(struct server *s)
{
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
		struct client *cl = xcalloc(1, sizeof *cl);
		cl->fd = fd;
		cl->uid = cr.uid;
		cl->pid = cr.pid;
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
	/* At the client limit, new connections wait in the backlog. */
	p[n++] = (struct pollfd){ s->fd, s->nclients < SERVER_MAX_CLIENTS ? POLLIN : 0, 0 };
	for (struct client *cl = s->clients; cl != NULL && n < cap; cl = cl->next) {
		/* A client that does not read its answers gets no new ones. */
		int busy = cl->out.len >= CLIENT_OUT_LOW || cl->more != NULL;
		short ev = cl->closing || busy ? 0 : POLLIN;
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

/* Decode and run every complete frame; -1 drops the client. */
static int client_input(struct server *s, struct client *cl)
{
	char chunk[65536], err[HERD_ERRLEN];
	ssize_t r = read(cl->fd, chunk, sizeof chunk);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
		return -1;
	if (r < 0)
		return 0;
	if (buf_add(&cl->in, chunk, (size_t)r) != 0)
		return -1;
	size_t off = 0;
	for (;;) {
		struct msg m;
		long used = proto_decode(cl->in.data + off, cl->in.len - off, &m, err, sizeof err);
		if (used < 0) {
			log_warn("client pid %d: %s", (int)cl->pid, err);
			return -1;
		}
		if (used == 0)
			break;
		off += (size_t)used;
		rpc_dispatch(s, cl, &m);
		msg_clear(&m);
	}
	buf_consume(&cl->in, off);	/* once per read, not per frame */
	return 0;
}

static int client_output(struct server *s, struct client *cl)
{
	while (cl->more != NULL && cl->out.len < CLIENT_OUT_LOW)
		if (cl->more(s, cl) != 0)
			cl->more = NULL;
	if (cl->out.len == 0)
		return cl->closing ? -1 : 0;
	ssize_t w = write(cl->fd, cl->out.data, cl->out.len);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	buf_consume(&cl->out, (size_t)w);
	return cl->out.len == 0 && cl->more == NULL && cl->closing ? -1 : 0;
}

void server_handle(struct server *s, const struct pollfd *p, size_t n)
{
	if (n > 0 && (p[0].revents & POLLIN))
		accept_clients(s);
	/* p[1..] follow the client list as it was when the pollfds were built. */
	size_t i = 1;
	for (struct client **pp = &s->clients; *pp != NULL;) {
		struct client *cl = *pp;
		int drop = 0;
		if (i < n && p[i].fd == cl->fd) {
			if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
				drop = client_input(s, cl) != 0;
			i++;
		}
		if (!drop && (cl->out.len > 0 || cl->more != NULL || cl->closing))
			drop = client_output(s, cl) != 0;
		if (drop) {
			*pp = cl->next;
			client_free(cl);
			s->nclients--;
		} else
			pp = &cl->next;
	}
}

void server_job_ended(struct server *s, int64_t id)
{
	for (struct client *cl = s->clients; cl != NULL; cl = cl->next) {
		for (size_t k = 0; k < cl->nwait; k++) {
			if (cl->wait_ids[k] == id) {
				rpc_wait_check(s, cl);
				break;
			}
		}
	}
}

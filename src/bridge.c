/*
 * bridge.c — `herd --stdio-bridge`, the controller's end of a remote client.
 *
 * Theory of operation: a user on a node runs `herd` with controller = HOST;
 * the client starts `ssh HOST herd --stdio-bridge` and speaks herd's
 * protocol over ssh's stdin/stdout.  On HOST this program connects to the
 * local socket as the user ssh logged in as, so herdd's SO_PEERCRED check
 * sees the real person and nothing new (port, password, token) exists to be
 * stolen.  For that to hold the bridge must stay a dumb pipe: it never reads
 * frames, never adds or changes bytes.
 *
 * One poll loop, two bounded buffers (up: stdin → socket, down: socket →
 * stdout), every descriptor non-blocking, so that neither direction can
 * stall the other however large an answer is.  EOF on stdin (the client has
 * sent everything) is passed on as shutdown(SHUT_WR), and the loop goes on
 * until herdd has answered and closed; herdd's close ends the bridge as soon
 * as what it sent is written out.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge.h"
#include "client.h"

#define BRIDGE_BUF (64 * 1024)

struct pipebuf {
	char data[BRIDGE_BUF];
	size_t len;
};

/* Read what fits into b: 1 read some, 0 EOF, -1 error (errno), 2 nothing yet. */
static int fill(int fd, struct pipebuf *b)
{
	ssize_t r = read(fd, b->data + b->len, sizeof b->data - b->len);
	if (r > 0) {
		b->len += (size_t)r;
		return 1;
	}
	if (r == 0)
		return 0;
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 2 : -1;
}

/* Write what the fd takes from b: 0, or -1 error (errno). */
static int drain(int fd, struct pipebuf *b)
{
	ssize_t w = write(fd, b->data, b->len);
	if (w < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
	memmove(b->data, b->data + w, b->len - (size_t)w);
	b->len -= (size_t)w;
	return 0;
}

/* Non-blocking, returning the old flags to restore (stdin may be a tty). */
static int set_nonblock(int fd, int *old)
{
	*old = fcntl(fd, F_GETFL);
	return *old < 0 ? -1 : fcntl(fd, F_SETFL, *old | O_NONBLOCK);
}

struct bridge {
	int in, out, sock;
	int in_eof, sock_eof, shut;
	struct pipebuf *up, *down;
	char *err;
	size_t errsz;
};

static int fail(struct bridge *b, const char *what)
{
	snprintf(b->err, b->errsz, "%s: %s", what, strerror(errno));
	return -1;
}

/* One round of poll results: 0 go on, 1 done (herdd or the client left), -1 error. */
static int step(struct bridge *b, const struct pollfd *p)
{
	int rc;
	if (p[0].revents) {
		if ((rc = fill(b->in, b->up)) == 0)
			b->in_eof = 1;
		else if (rc < 0)
			return fail(b, "reading stdin");
	}
	if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && !b->sock_eof &&
	    b->down->len < sizeof b->down->data) {
		if ((rc = fill(b->sock, b->down)) == 0)
			b->sock_eof = 1;
		else if (rc < 0)
			return fail(b, "reading from herdd");
	}
	if (p[1].revents & (POLLOUT | POLLERR) && b->up->len > 0 && drain(b->sock, b->up) != 0) {
		if (errno != EPIPE && errno != ECONNRESET)
			return fail(b, "writing to herdd");
		/* herdd stopped reading (it answered and closed): its
		 * answers may still be in flight, so only sending ends. */
		b->up->len = 0;
		b->in_eof = b->shut = 1;
	}
	if (p[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
		/* A hangup, or EPIPE: the client (ssh) has left, and nobody
		 * is waiting for the rest. */
		if (b->down->len == 0)
			return 1;
		if (drain(b->out, b->down) != 0)
			return errno == EPIPE ? 1 : fail(b, "writing stdout");
	}
	return 0;
}

static int copy_loop(struct bridge *b)
{
	struct pipebuf *up = b->up, *down = b->down;
	int rc;

	for (;;) {
		if (b->in_eof && up->len == 0 && !b->shut) {
			/* Everything the client sent is delivered: tell herdd. */
			if (shutdown(b->sock, SHUT_WR) != 0 && errno != ENOTCONN)
				return fail(b, "shutdown of herdd's socket");
			b->shut = 1;
		}
		if (b->sock_eof && down->len == 0)
			return 0;
		short sock_ev = (up->len > 0 ? POLLOUT : 0) |
		    (b->sock_eof || down->len == sizeof down->data ? 0 : POLLIN);
		/* Not polled at all when nothing is wanted of it: a hangup
		 * would wake the loop while stdout is still full. */
		struct pollfd p[3] = {
			{ .fd = b->in_eof || up->len == sizeof up->data ? -1 : b->in,
			  .events = POLLIN },
			{ .fd = sock_ev ? b->sock : -1, .events = sock_ev },
			/* Also polled while idle: POLLERR says the reader (ssh) left. */
			{ .fd = b->out, .events = down->len > 0 ? POLLOUT : 0 },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail(b, "poll");
		}
		if ((rc = step(b, p)) != 0)
			return rc < 0 ? -1 : 0;
	}
}

int bridge_copy(int in, int out, int sock, char *err, size_t errsz)
{
	static struct pipebuf up, down;	/* 128 KiB: off the stack */
	int fl_in = -1, fl_out = -1, fl_sock = -1, rc = -1;

	up.len = down.len = 0;
	if (set_nonblock(in, &fl_in) != 0 || set_nonblock(out, &fl_out) != 0 ||
	    set_nonblock(sock, &fl_sock) != 0)
		snprintf(err, errsz, "cannot make stdin, stdout and the socket "
		    "non-blocking: %s", strerror(errno));
	else {
		struct bridge b = { .in = in, .out = out, .sock = sock, .up = &up,
		    .down = &down, .err = err, .errsz = errsz };
		rc = copy_loop(&b);
	}
	/* Restore the caller's flags: stdin and stdout may be shared with others. */
	if (fl_in >= 0)
		(void)fcntl(in, F_SETFL, fl_in);
	if (fl_out >= 0)
		(void)fcntl(out, F_SETFL, fl_out);
	if (fl_sock >= 0)
		(void)fcntl(sock, F_SETFL, fl_sock);
	return rc;
}

int bridge_main(void)
{
	struct hclient c;
	char err[256];

	if (hclient_connect_local(&c) != 0) {
		hclient_close(&c);
		return 1;	/* said why; ssh passes stderr and the status back */
	}
	int rc = bridge_copy(0, 1, c.fd, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "herd: --stdio-bridge: %s\n", err);
	hclient_close(&c);
	return rc == 0 ? 0 : 1;
}

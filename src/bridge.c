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

static int copy_loop(int in, int out, int sock, struct pipebuf *up, struct pipebuf *down,
    char *err, size_t errsz)
{
	int in_eof = 0, sock_eof = 0, shut = 0, rc;

	for (;;) {
		if (in_eof && up->len == 0 && !shut) {
			/* Everything the client sent is delivered: tell herdd. */
			if (shutdown(sock, SHUT_WR) != 0 && errno != ENOTCONN) {
				snprintf(err, errsz, "shutdown of herdd's socket: %s", strerror(errno));
				return -1;
			}
			shut = 1;
		}
		if (sock_eof && down->len == 0)
			return 0;
		short sock_ev = (up->len > 0 ? POLLOUT : 0) |
		    (sock_eof || down->len == sizeof down->data ? 0 : POLLIN);
		/* Not polled at all when nothing is wanted of it: a hangup
		 * would wake the loop while stdout is still full. */
		struct pollfd p[3] = {
			{ .fd = in_eof || up->len == sizeof up->data ? -1 : in, .events = POLLIN },
			{ .fd = sock_ev ? sock : -1, .events = sock_ev },
			/* Also polled while idle: POLLERR says the reader (ssh) left. */
			{ .fd = out, .events = down->len > 0 ? POLLOUT : 0 },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "poll: %s", strerror(errno));
			return -1;
		}
		if (p[0].revents) {
			if ((rc = fill(in, up)) == 0)
				in_eof = 1;
			else if (rc < 0) {
				snprintf(err, errsz, "reading stdin: %s", strerror(errno));
				return -1;
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR) && !sock_eof &&
		    down->len < sizeof down->data) {
			if ((rc = fill(sock, down)) == 0)
				sock_eof = 1;
			else if (rc < 0) {
				snprintf(err, errsz, "reading from herdd: %s", strerror(errno));
				return -1;
			}
		}
		if (p[1].revents & (POLLOUT | POLLERR) && up->len > 0 && drain(sock, up) != 0) {
			if (errno != EPIPE && errno != ECONNRESET) {
				snprintf(err, errsz, "writing to herdd: %s", strerror(errno));
				return -1;
			}
			/* herdd stopped reading (it answered and closed): its
			 * answers may still be in flight, so only sending ends. */
			up->len = 0;
			in_eof = shut = 1;
		}
		if (p[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
			/* A hangup, or EPIPE: the client (ssh) has left, and
			 * nobody is waiting for the rest. */
			if (down->len == 0)
				return 0;
			if (drain(out, down) != 0) {
				if (errno == EPIPE)
					return 0;
				snprintf(err, errsz, "writing stdout: %s", strerror(errno));
				return -1;
			}
		}
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
	else
		rc = copy_loop(in, out, sock, &up, &down, err, errsz);
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

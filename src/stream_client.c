/*
 * stream_client.c — herd's end of a stream (stream_client.h).
 *
 * Theory of operation: after herdd's "stream" answer the socket carries
 * stream frames only (stream_frame.h).  One poll loop moves stdin into 'i'
 * frames while fewer than OUT_MAX bytes wait for the socket (a flood of
 * stdin waits for herdd, never grows memory), and writes 'o' and 'r'
 * frames to stdout and stderr as they come, blocking there: a stopped
 * reader of our stdout stops the remote program through herdd's own
 * backpressure.  Signals set flags through a self-pipe; the loop turns
 * them into frames.  The terminal's modes are saved once and put back by
 * every exit path, atexit included, as OpenSSH's clientloop does.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "stream_client.h"
#include "stream_frame.h"
#include "util.h"

#define OUT_MAX (256u * 1024)	/* frames waiting for the socket */
#define IN_MAX (OUT_MAX + SFRAME_HDR + SFRAME_PAYLOAD_MAX)
#define DOUBLE_INT_MS 1000	/* a second Ctrl-C within this ends the job */

static struct termios saved_tio;
static int tio_saved;
static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t got_int, got_term, got_hup, got_winch;

static void tty_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
	tio_saved = 0;
}

static int tty_raw(void)
{
	struct termios t;
	if (tcgetattr(STDIN_FILENO, &saved_tio) != 0)
		return -1;
	t = saved_tio;
	cfmakeraw(&t);
	tio_saved = 1;
	atexit(tty_restore);
	return tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
}

static void on_signal(int sig)
{
	int e = errno;
	if (sig == SIGINT)
		got_int = 1;
	else if (sig == SIGTERM)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGWINCH)
		got_winch = 1;
	(void)!write(sig_pipe[1], "", 1);
	errno = e;
}

static void signals_catch(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

static void term_size(int *cols, int *rows)
{
	struct winsize ws;
	*cols = 80;
	*rows = 24;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		*cols = ws.ws_col > SFRAME_DIM_MAX ? SFRAME_DIM_MAX : ws.ws_col;
		*rows = ws.ws_row > SFRAME_DIM_MAX ? SFRAME_DIM_MAX : ws.ws_row;
	}
}

/* The request; 0 once herdd answered "stream", else -1 (said why). */
static int open_stream(struct hclient *c, const struct stream_req *rq)
{
	struct msg req, ans;
	msg_init(&req, "stream");
	msg_adds(&req, "ref", rq->ref);
	for (int i = 0; i < rq->argc; i++)
		msg_adds(&req, "argv", rq->argv[i]);
	if (rq->release)
		msg_addi(&req, "release", 1);
	if (rq->pty) {
		const char *t = getenv("TERM");
		int cols, rows;
		term_size(&cols, &rows);
		msg_adds(&req, "term", t != NULL && t[0] != '\0' ? t : "vt100");
		msg_addi(&req, "cols", cols);
		msg_addi(&req, "rows", rows);
	}
	int rc = hclient_send(c, &req);
	msg_clear(&req);
	if (rc != 0 || hclient_next(c, &ans) != 1)
		return -1;
	rc = hclient_is_error(&ans) ? -1 : strcmp(ans.type, "stream") == 0 ? 0 : -1;
	if (rc != 0 && !hclient_is_error(&ans))
		fprintf(stderr, "herd: unexpected answer \"%s\" from herdd\n", ans.type);
	msg_clear(&ans);
	return rc;
}

struct sc {
	int fd;
	struct buf in, out;
	int stdin_open, pty;
	int64_t last_int_ms;
	int status;		/* -1 until the exit frame */
};

/* Flags set by signals, as frames. */
static void signal_frames(struct sc *s)
{
	char drain[64];
	while (read(sig_pipe[0], drain, sizeof drain) > 0)
		;
	if (got_winch && s->pty) {
		int cols, rows;
		term_size(&cols, &rows);
		sframe_put_winch(&s->out, cols, rows);
	}
	if (got_int) {
		int64_t now = now_ms();
		int twice = s->last_int_ms > 0 && now - s->last_int_ms < DOUBLE_INT_MS;
		sframe_put_signal(&s->out, twice ? SFRAME_SIG_KILL : SFRAME_SIG_INT);
		s->last_int_ms = now;
	}
	if (got_term)
		sframe_put_signal(&s->out, SFRAME_SIG_TERM);
	if (got_hup)
		sframe_put_signal(&s->out, SFRAME_SIG_HUP);
	got_winch = got_int = got_term = got_hup = 0;
}

/* One frame from herdd; 1 at the end (status set), -1 on a bad one. */
static int herdd_frame(struct sc *s, const struct sframe *f)
{
	switch (f->kind) {
	case SF_STDOUT:
	case SF_STDERR:
		return write_all(f->kind == SF_STDOUT ? STDOUT_FILENO : STDERR_FILENO, f->data,
		    f->len) == 0 || errno == EPIPE ? 0 : -1;
	case SF_EXIT:
		if (f->how == SFRAME_EXIT_STATUS)
			s->status = f->status;
		else
			s->status = 128 + (sframe_sig_number(f->sig) > 0 ? sframe_sig_number(f->sig) : 127);
		return 1;
	case SF_ERROR:
		tty_restore();
		fprintf(stderr, "herd: %.*s\n", (int)f->len, (const char *)f->data);
		s->status = -1;
		return 1;
	}
	return -1;
}

/* The whole frames in s->in: 0, 1 at the end, -1 on a bad one. */
static int decode_herdd(struct sc *s)
{
	char err[HERD_ERRLEN];
	size_t off = 0;
	int rc = 0;
	while (rc == 0) {
		struct sframe f;
		long used = sframe_decode(s->in.data + off, s->in.len - off, &f, err, sizeof err);
		if (used == 0)
			break;
		if (used < 0 || sframe_from_client(f.kind)) {
			tty_restore();
			fprintf(stderr, "herd: bad stream from herdd: %s\n", used < 0 ? err : "frame");
			return -1;
		}
		off += (size_t)used;
		rc = herdd_frame(s, &f);
	}
	buf_consume(&s->in, off);
	return rc;
}

static int read_herdd(struct sc *s)
{
	char tmp[65536];
	ssize_t n = read(s->fd, tmp, sizeof tmp);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0 || buf_add(&s->in, tmp, (size_t)n) != 0) {
		tty_restore();
		fprintf(stderr, "herd: the stream ended without the program's status\n");
		return -1;
	}
	return decode_herdd(s);
}

static void read_stdin(struct sc *s)
{
	char tmp[SFRAME_PAYLOAD_MAX];
	ssize_t n = read(STDIN_FILENO, tmp, sizeof tmp);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		s->stdin_open = 0;
		sframe_put(&s->out, SF_EOF, NULL, 0);
		return;
	}
	sframe_put(&s->out, SF_STDIN, tmp, (size_t)n);
}

static int loop(struct sc *s)
{
	for (;;) {
		int want_in = s->stdin_open && s->out.len < OUT_MAX;
		struct pollfd p[3] = {
			{ s->fd, (short)(POLLIN | (s->out.len ? POLLOUT : 0)), 0 },
			{ want_in ? STDIN_FILENO : -1, POLLIN, 0 },
			{ sig_pipe[0], POLLIN, 0 },
		};
		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return -1;
		signal_frames(s);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			read_stdin(s);
		if (s->out.len > 0) {
			ssize_t w = write(s->fd, s->out.data, s->out.len);
			if (w > 0)
				buf_consume(&s->out, (size_t)w);
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int rc = read_herdd(s);
			if (rc != 0)
				return rc > 0 ? s->status : -1;
		}
	}
}

int stream_client_run(const struct stream_req *rq)
{
	struct hclient c;
	struct sc s = { .stdin_open = 1, .pty = rq->pty, .status = -1 };
	int rc;
	if (hclient_connect(&c) != 0) {
		hclient_close(&c);
		return -1;
	}
	if ((rc = open_stream(&c, rq)) != 0) {
		hclient_close(&c);
		return rc;
	}
	s.fd = c.fd;
	buf_init(&s.in, IN_MAX);
	buf_init(&s.out, OUT_MAX + 2 * (SFRAME_HDR + SFRAME_PAYLOAD_MAX));
	/* Frames that came with the answer. */
	buf_add(&s.in, c.in.data + c.off, c.in.len - c.off);
	signals_catch();
	if (rq->pty && tty_raw() != 0) {
		fprintf(stderr, "herd: cannot put the terminal in raw mode: %s\n", strerror(errno));
		rc = -1;
	} else {
		fd_nonblock(s.fd);
		rc = decode_herdd(&s);
		rc = rc > 0 ? s.status : rc < 0 ? -1 : loop(&s);
	}
	tty_restore();
	buf_clear(&s.in);
	buf_clear(&s.out);
	hclient_close(&c);
	return rc;
}

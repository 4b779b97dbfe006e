/*
 * stream.c — the byte-stream path's thread in herdd (stream.h).
 *
 * Theory of operation: a stream is handed off from the main loop with the
 * client's socket and a copy of everything it needs (the node's settings,
 * the job's key, the program), so the thread never touches the
 * controller's state and the loop never waits on it.  The thread connects
 * to the job's node as the job's owner (lab mode: the lab key and the
 * owner's login, as the job's own session does) within the node's
 * connect_timeout, enters the allocation (stream_node.c), and then copies:
 * client frames to the channel's stdin, the channel's stdout and stderr to
 * frames.  Backpressure, never a queue without bound: the client is read
 * only while the bytes for the channel fit STREAM_BUF_MAX, and the channel
 * only while the frames for the client do, so a slow reader stalls the
 * remote program through SSH's window, and a flood stalls the client.
 *
 * Signals: with a pty, the terminal's own ^C makes the remote SIGINT; from
 * a client's 'k' frame (no pty, or herd's own SIGTERM/SIGHUP) the thread
 * signals the process group the script announced on its first line, with
 * `kill` on a channel of its own (sshd's "signal" request needs
 * libssh2 1.11, and sshd honours it only with privilege separation).  A
 * client gone before the end is a HUP to that group.  With release (herd
 * run), the program's status (128+N for signal N, 129 when the client went
 * away) is written to KEY.release, which ends the job's holder with it.
 *
 * A port forward (spec->forward_port) takes the same thread, buffers and
 * loop: only the channel differs, a direct-tcpip one to the node's
 * localhost:PORT opened on the same connection (sshd connects as the
 * job's owner; nothing is run, so no script and no header line).  Its
 * remote end's EOF is passed on as a 'c' frame (a half-close: the client
 * may still send), and the channel closes once both sides sent theirs.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "ssh.h"
#include "stream.h"
#include "stream_frame.h"
#include "stream_node.h"
#include "streamwatch.h"
#include "util.h"

#define STREAM_BUF_MAX (256u * 1024)	/* each way */
#define STREAM_TICK_MS 100		/* libssh2 may hold read data the socket no longer shows */
#define STREAM_STEP_MS 10000		/* a side step (setup, kill, release) at most */
#define STREAM_DRAIN_MS 10000		/* the last frames to a client that does not read */
#define STREAM_HDR_LINES 32		/* lines an rc file may print before the script's first */

static atomic_int streams_open;

struct relay {
	struct stream_spec *sp;
	int fd;
	struct ssh_conn *c;
	struct ssh_chan *ch;
	struct buf in;		/* from the client, not yet decoded */
	struct buf to_chan;	/* stdin for the channel */
	struct buf to_client;	/* frames */
	char hdr[STREAM_HDR_MAX];
	unsigned warn_seen;	/* the last idle warning shown (streamwatch.h) */
	size_t hdr_len;
	int hdr_lines;		/* lines looked at for it */
	int hdr_done, pid;
	int client_gone, stdin_eof, eof_sent;
	int broken;		/* the connection to the node failed */
	int closed_sent;	/* a forward: 'c' sent for the remote end's EOF */
};

int stream_room(void)
{
	return atomic_load(&streams_open) < STREAM_MAX;
}

void stream_spec_free(struct stream_spec *sp)
{
	if (sp == NULL)
		return;
	config_node_free(sp->conf);
	free(sp->argv);
	free(sp);
}

/* Write all of p to the non-blocking fd within the deadline; 0 or -1. */
static int write_by(int fd, const char *p, size_t n, int64_t deadline)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		int64_t left = deadline - now_ms();
		struct pollfd pf = { fd, POLLOUT, 0 };
		if (left <= 0 || poll(&pf, 1, (int)left) < 0)
			return -1;
	}
	return 0;
}

/* The stream failed: say why to the client (an 'E' frame), after what it is owed. */
static void fail(struct relay *r, const char *why)
{
	size_t n = strnlen(why, SFRAME_ERR_MAX);
	log_info("stream into job %" PRId64 ": %s", r->sp->job_id, why);
	if (sframe_put(&r->to_client, SF_ERROR, why, n > 0 ? n : 1) != 0)
		sframe_put(&r->to_client, SF_ERROR, "stream failed", 13);
	write_by(r->fd, r->to_client.data, r->to_client.len, now_ms() + STREAM_DRAIN_MS);
	r->to_client.len = 0;
}

/* Run one short command line on a channel of its own and wait for its end. */
static int side_step(struct relay *r, const char *cmd)
{
	struct ssh_chan *ch;
	char err[HERD_ERRLEN], tmp[256];
	int64_t deadline = now_ms() + STREAM_STEP_MS;
	if (ssh_chan_exec(r->c, cmd, &ch, deadline, err, sizeof err) != 0) {
		log_warn("stream into job %" PRId64 ": %s", r->sp->job_id, err);
		return -1;
	}
	while (ssh_chan_read(ch, tmp, sizeof tmp, deadline, err, sizeof err) > 0)
		;
	ssh_chan_close(ch);
	return 0;
}

static void signal_remote(struct relay *r, int sig)
{
	struct buf b;
	if (r->pid <= 0 || sframe_sig_name(sig) == NULL)
		return;
	buf_init(&b, 256);
	if (stream_node_kill(&b, r->pid, sframe_sig_name(sig)) == 0)
		side_step(r, b.data);
	buf_clear(&b);
}

static void release_job(struct relay *r, int status)
{
	struct buf b;
	if (!r->sp->release)
		return;
	buf_init(&b, 8192);
	if (stream_node_release(&b, r->sp->conf->herd_dir, &r->sp->key, status) == 0)
		side_step(r, b.data);
	buf_clear(&b);
}

/*
 * The setup program's answer line ("herd-stream ..."), past what the
 * login's rc files print first (bash reads ~/.bashrc for sshd's commands),
 * STREAM_HDR_LINES lines at most.  0 with the line, or -1.
 */
static int setup_answer(struct ssh_chan *ch, char *line, size_t size, int64_t deadline, char *err,
    size_t errsz)
{
	for (int lines = 0; lines < STREAM_HDR_LINES; lines++) {
		size_t n = 0;
		while (n + 1 < size && (n == 0 || line[n - 1] != '\n')) {
			if (ssh_chan_read(ch, line + n, 1, deadline, err, errsz) <= 0) {
				line[n] = '\0';
				return -1;
			}
			n++;
		}
		line[n] = '\0';
		if (strncmp(line, "herd-stream ", 12) == 0)
			return 0;
		while (line[n - 1] != '\n') {	/* the rest of a long line */
			if (ssh_chan_read(ch, line, 1, deadline, err, errsz) <= 0)
				return -1;
			n = 1;
		}
	}
	line[0] = '\0';
	return -1;
}

/* Connect and write the stream's script (stream_node.h); 0, or -1 after fail(). */
static int enter(struct relay *r, char *nonce)
{
	char err[HERD_ERRLEN + 64] = "", line[128] = "";
	unsigned char rnd[16];
	struct ssh_chan *ch = NULL;
	struct buf prog;
	int64_t deadline = now_ms() + (int64_t)r->sp->conf->connect_timeout_s * 1000;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		fail(r, "no random bytes for the stream's file name");
		return -1;
	}
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(nonce + 2 * i, 3, "%02x", rnd[i]);
	if (ssh_conn_open(r->sp->conf, &r->c, deadline, err, sizeof err) != 0) {
		char why[HERD_ERRLEN + 128];
		snprintf(why, sizeof why, "cannot reach node %s: %s", r->sp->conf->name, err);
		fail(r, why);
		return -1;
	}
	buf_init(&prog, STREAM_ARGV_MAX * 4 + 65536);
	deadline = now_ms() + STREAM_STEP_MS;
	int rc = stream_node_setup(&prog, r->sp->conf->herd_dir, &r->sp->key, nonce, r->sp->argv,
	    r->sp->argv_len);
	if (rc != 0)
		strlcpy_h(err, "the stream's program is too large", sizeof err);
	if (rc == 0)
		rc = ssh_chan_exec(r->c, "exec /bin/sh -s", &ch, deadline, err, sizeof err);
	if (rc == 0)
		rc = ssh_chan_write(ch, prog.data, prog.len, deadline, err, sizeof err);
	buf_clear(&prog);
	rc = rc == 0 ? setup_answer(ch, line, sizeof line, deadline, err, sizeof err) : rc;
	ssh_chan_close(ch);
	if (rc == 0 && strcmp(line, "herd-stream ready\n") == 0)
		return 0;
	if (strcmp(line, "herd-stream nojob\n") == 0)
		snprintf(err, sizeof err, "job %" PRId64 "'s files are not on node %s (it ended?)",
		    r->sp->job_id, r->sp->conf->name);
	else if (rc == 0)
		snprintf(err, sizeof err, "node %s could not write the stream's file in its "
		    "herd_dir", r->sp->conf->name);
	else if (err[0] == '\0')
		snprintf(err, sizeof err, "node %s did not answer within %d s", r->sp->conf->name,
		    STREAM_STEP_MS / 1000);
	fail(r, err);
	return -1;
}

/* A forward's channel: the connection, then localhost:PORT on the node. */
static int open_forward(struct relay *r)
{
	char err[HERD_ERRLEN + 64] = "", why[2 * HERD_ERRLEN + 128];
	int64_t deadline = now_ms() + (int64_t)r->sp->conf->connect_timeout_s * 1000;
	r->hdr_done = 1;
	if (ssh_conn_open(r->sp->conf, &r->c, deadline, err, sizeof err) != 0) {
		snprintf(why, sizeof why, "cannot reach node %s: %s", r->sp->conf->name, err);
		fail(r, why);
		return -1;
	}
	if (ssh_chan_direct(r->c, r->sp->forward_port, &r->ch, now_ms() + STREAM_STEP_MS, err,
	    sizeof err) == 0)
		return 0;
	snprintf(why, sizeof why, "node %s: %s", r->sp->conf->name, err);
	fail(r, why);
	return -1;
}

static int open_channel(struct relay *r, const char *nonce)
{
	char err[HERD_ERRLEN];
	struct buf cmd;
	struct ssh_pty pty = { r->sp->term, r->sp->cols, r->sp->rows };
	buf_init(&cmd, 8192);
	int rc = stream_node_command(&cmd, r->sp->conf->herd_dir, &r->sp->key, nonce);
	if (rc == 0)
		rc = ssh_chan_open(r->c, cmd.data, r->sp->pty ? &pty : NULL, &r->ch,
		    now_ms() + STREAM_STEP_MS, err, sizeof err);
	else
		strlcpy_h(err, "stream command too long", sizeof err);
	buf_clear(&cmd);
	if (rc != 0)
		fail(r, err);
	return rc;
}

/* One frame from the client; -1 ends the stream (a frame it may not send). */
static int client_frame(struct relay *r, const struct sframe *f)
{
	switch (f->kind) {
	case SF_STDIN:
		return r->stdin_eof ? -1 : buf_add(&r->to_chan, f->data, f->len);
	case SF_EOF:
		r->stdin_eof = 1;
		return 0;
	case SF_WINCH:
		if (r->sp->pty)
			ssh_chan_winsize(r->ch, f->cols, f->rows, now_ms() + STREAM_STEP_MS);
		return 0;
	case SF_SIGNAL:
		signal_remote(r, f->sig);
		return 0;
	}
	return -1;
}

/* Decode the client's frames while their stdin fits. */
static void client_frames(struct relay *r)
{
	char err[HERD_ERRLEN];
	size_t off = 0;
	while (r->to_chan.len + SFRAME_PAYLOAD_MAX <= STREAM_BUF_MAX) {
		struct sframe f;
		long n = sframe_decode(r->in.data + off, r->in.len - off, &f, err, sizeof err);
		if (n == 0)
			break;
		if (n < 0 || !sframe_from_client(f.kind) || client_frame(r, &f) != 0) {
			log_warn("stream into job %" PRId64 ": %s", r->sp->job_id,
			    n < 0 ? err : "a frame a client may not send");
			r->client_gone = 1;
			break;
		}
		off += (size_t)n;
	}
	buf_consume(&r->in, off);
}

/*
 * The script's "herd-stream PID" line comes first on stdout, and is taken
 * off; what the login's rc files print before it (bash reads ~/.bashrc
 * for sshd's commands) is passed on, a line at a time.
 */
static size_t take_header(struct relay *r, const char *p, size_t n)
{
	size_t i = 0;
	while (!r->hdr_done && i < n) {
		char ch = p[i++];
		r->hdr[r->hdr_len++] = ch;
		if (ch != '\n' && r->hdr_len < sizeof r->hdr)
			continue;
		size_t l = r->hdr_len - (ch == '\n');
		if (l > 0 && r->hdr[l - 1] == '\r')
			l--;
		if (ch == '\n' && stream_node_parse_header(r->hdr, l, &r->pid) == 0)
			r->hdr_done = 1;
		else
			sframe_put(&r->to_client, SF_STDOUT, r->hdr, r->hdr_len);
		r->hdr_len = 0;
		/* Bounded: a frame per line is 3 bytes more than the line. */
		if (++r->hdr_lines >= STREAM_HDR_LINES)
			r->hdr_done = 1;
	}
	return i;
}

/* The channel's output into frames while they fit; 1 when something moved. */
static int chan_output(struct relay *r)
{
	char tmp[SFRAME_PAYLOAD_MAX];
	int moved = 0;
	for (int s = 0; s < 2; s++) {
		while (r->to_client.len + SFRAME_HDR + sizeof tmp <= STREAM_BUF_MAX) {
			ssize_t n = ssh_chan_try_read(r->ch, s, tmp, sizeof tmp);
			if (n < 0)
				r->broken = 1;
			if (n <= 0)
				break;
			moved = 1;
			size_t skip = s == 0 ? take_header(r, tmp, (size_t)n) : 0;
			if ((size_t)n > skip)
				sframe_put(&r->to_client, s ? SF_STDERR : SF_STDOUT, tmp + skip,
				    (size_t)n - skip);
		}
	}
	return moved;
}

/* stdin to the channel, and its end once all of it went. */
static void chan_input(struct relay *r)
{
	if (r->to_chan.len > 0) {
		ssize_t w = ssh_chan_try_write(r->ch, r->to_chan.data, r->to_chan.len);
		if (w > 0)
			buf_consume(&r->to_chan, (size_t)w);
	}
	if (r->stdin_eof && r->to_chan.len == 0 && !r->eof_sent &&
	    ssh_chan_try_send_eof(r->ch) != 1)
		r->eof_sent = 1;
}

static void client_io(struct relay *r, short revents)
{
	size_t room = STREAM_BUF_MAX - r->in.len;
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && room > 0) {
		char tmp[SFRAME_HDR + SFRAME_PAYLOAD_MAX];
		ssize_t n = read(r->fd, tmp, room < sizeof tmp ? room : sizeof tmp);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			r->client_gone = 1;
		else if (n > 0)
			buf_add(&r->in, tmp, (size_t)n);
	}
	if (r->to_client.len > 0) {
		ssize_t w = write(r->fd, r->to_client.data, r->to_client.len);
		if (w > 0)
			buf_consume(&r->to_client, (size_t)w);
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			r->client_gone = 1;
	}
}

/* idle_timeout's warning (ctl_idle.c), once, on the client's stderr. */
static void idle_warning(struct relay *r)
{
	char w[STREAMWATCH_WARN_MAX];
	if (streamwatch_warning(r->sp->job_id, &r->warn_seen, w, sizeof w) &&
	    r->to_client.len + SFRAME_HDR + sizeof w <= STREAM_BUF_MAX)
		sframe_put(&r->to_client, SF_STDERR, w, strlen(w));
}

/* Copy until the program ends (0), the client goes (-1) or the node's connection fails (-2). */
static int relay(struct relay *r)
{
	for (;;) {
		int reading = r->in.len < STREAM_BUF_MAX;
		struct pollfd p[2] = {
			{ r->fd, (short)((reading ? POLLIN : 0) | (r->to_client.len ? POLLOUT : 0)), 0 },
			{ ssh_conn_fd(r->c), ssh_conn_events(r->c), 0 },
		};
		if (poll(p, 2, STREAM_TICK_MS) < 0 && errno != EINTR)
			return -1;
		size_t in_before = r->in.len;
		client_io(r, p[0].revents);
		if (r->client_gone)
			return -1;
		int typed = r->in.len > in_before;
		client_frames(r);
		chan_input(r);
		int moved = chan_output(r);
		if (r->broken)
			return -2;
		if (typed || moved)	/* in use: idle_timeout's clock starts again */
			streamwatch_used(r->sp->job_id);
		idle_warning(r);
		/* The end only once all output was read: none left behind in libssh2. */
		int room = r->to_client.len + SFRAME_HDR + SFRAME_PAYLOAD_MAX <= STREAM_BUF_MAX;
		if (r->sp->forward_port && !moved && !r->closed_sent && ssh_chan_eof(r->ch)) {
			sframe_put(&r->to_client, SF_CLOSED, NULL, 0);	/* a half-close */
			r->closed_sent = 1;
		}
		if (!moved && room && ssh_chan_eof(r->ch) && ssh_chan_try_closed(r->ch) != 1)
			return 0;
	}
}

/* The program's end to the client, and to the job with release. */
static void finish(struct relay *r)
{
	char sig[32];
	int st = r->sp->forward_port ? 0 : ssh_chan_exit(r->ch, sig, sizeof sig), rel;
	if (st >= 0) {
		sframe_put_exit(&r->to_client, SFRAME_EXIT_STATUS, st);
		rel = st;
	} else {
		int s = sframe_sig_from_name(sig), no = sframe_sig_number(s);
		sframe_put_exit(&r->to_client, SFRAME_EXIT_SIGNAL, s);
		rel = no > 0 ? 128 + no : 255;
	}
	release_job(r, rel);
	write_by(r->fd, r->to_client.data, r->to_client.len, now_ms() + STREAM_DRAIN_MS);
}

static void *stream_main(void *arg)
{
	struct relay *r = arg;
	char nonce[STREAM_NONCE_MAX];
	int opened = r->sp->forward_port ? open_forward(r) == 0 :
	    enter(r, nonce) == 0 && open_channel(r, nonce) == 0;
	if (opened) {
		int rc = relay(r);
		if (rc == 0) {
			finish(r);
		} else if (rc == -2) {
			fail(r, "the connection to the job's node failed");
		} else if (r->sp->forward_port) {
			log_info("port forward into job %" PRId64 ": the client went away",
			    r->sp->job_id);
		} else {
			log_info("stream into job %" PRId64 ": the client went away; HUP to the "
			    "remote program", r->sp->job_id);
			signal_remote(r, SFRAME_SIG_HUP);
			release_job(r, 129);
		}
	}
	ssh_chan_close(r->ch);
	ssh_conn_free(r->c);
	close(r->fd);
	buf_clear(&r->in);
	buf_clear(&r->to_chan);
	buf_clear(&r->to_client);
	streamwatch_detach(r->sp->job_id);
	stream_spec_free(r->sp);
	free(r);
	atomic_fetch_sub(&streams_open, 1);
	return NULL;
}

int stream_start(struct stream_spec *sp, int fd, const char *pending, size_t len,
    const char *input, size_t inlen)
{
	struct relay *r = xcalloc(1, sizeof *r);
	pthread_t t;
	pthread_attr_t at;
	r->sp = sp;
	r->fd = fd;
	buf_init(&r->in, STREAM_BUF_MAX);
	buf_init(&r->to_chan, STREAM_BUF_MAX);
	buf_init(&r->to_client, STREAM_BUF_MAX + SFRAME_HDR + SFRAME_ERR_MAX + len);
	if (len > 0)
		buf_add(&r->to_client, pending, len);
	if (inlen > 0 && buf_add(&r->in, input, inlen) != 0)
		r->client_gone = 1;	/* more than a stream's buffer before its answer */
	atomic_fetch_add(&streams_open, 1);
	streamwatch_attach(sp->job_id);	/* idle_timeout: attached from here (ctl_idle.c) */
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&t, &at, stream_main, r);
	pthread_attr_destroy(&at);
	if (rc != 0) {
		log_error("stream into job %" PRId64 ": no thread: %s", sp->job_id, strerror(rc));
		atomic_fetch_sub(&streams_open, 1);
		streamwatch_detach(sp->job_id);
		close(fd);
		buf_clear(&r->in);
		buf_clear(&r->to_chan);
		buf_clear(&r->to_client);
		stream_spec_free(sp);
		free(r);
		return -1;
	}
	return 0;
}

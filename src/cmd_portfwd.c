/*
 * cmd_portfwd.c — herd port-forward ID [LOCALPORT:]REMOTEPORT: a TCP port
 * on this machine's loopback that reaches localhost:REMOTEPORT on a
 * running job's node, through herdd (stream.h: a "stream" request with
 * "forward"), as ssh -L would, with no key of the user's on the node.
 *
 * Theory of operation: one poll loop, single-threaded.  Each connection
 * accepted is its own stream (its own socket to herdd, its own SSH
 * connection there), at most PORTFWD_CONN_MAX at once; one more is
 * accepted and closed at once, with a line, so its client is not left
 * waiting.  Bytes move with fixed buffers both ways and backpressure (a
 * side is read only while the other's buffer has room); the TCP client's
 * EOF goes as 'e', the remote end's as 'c' and becomes shutdown(SHUT_WR)
 * here, so a half-close passes through.  Every second herd asks herdd the
 * same checks again ("check" 1): a job that ended (or a user no longer
 * allowed) stops the forward with herdd's reason.  Ctrl-C (or TERM, HUP)
 * stops it; the job is untouched.  The checks and each connection's
 * request wait for herdd's answer (a local socket, answered by its loop
 * without any node): a short stall of the others, never a long one.
 *
 * A service's name (herd port-forward NAME) may stand for several
 * replicas (svc_list.h): each connection asks herdd afresh which are
 * ready (RUNNING with a port, healthy where checked, not being drained by
 * a rolling restart) and takes the next of them round robin.  When the
 * node refuses the connection (herdd's error frame, before any byte came
 * back: nothing listens on the port, the replica just stopped) the next
 * replica is tried with the bytes the client sent so far (kept up to
 * FWD_BUF_MAX), so a replica stopping under a request costs the client
 * nothing; once a byte came back, an error ends the connection as before.
 * The every-second check asks whether the service still has a job.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "portfwd.h"
#include "stream_frame.h"
#include "util.h"

#define FWD_BUF_MAX (256u * 1024)	/* each way, per connection */
#define FWD_CHECK_MS 1000		/* how often the job is asked after */

const struct cmd_entry cmd_portfwd_entry = {
	"port-forward", "port-forward ID|ID_TASK [LOCALPORT:]REMOTEPORT | [OWNER/]NAME [LOCALPORT]",
	"reach a port on a running job's node (or a service's port) from a local port",
	"options:\n"
	"  -h, --help                this help\n"
	"\nListens on 127.0.0.1:LOCALPORT (absent or 0: a free port, printed); each\n"
	"connection there reaches localhost:REMOTEPORT on the job's node through herdd,\n"
	"as the job's owner.  The job's owner, admins and root only; the job must be\n"
	"RUNNING.  At most 32 connections at once.  Ctrl-C stops; the forward stops\n"
	"by itself when the job ends (status 1).  NAME: your running service of that\n"
	"name (herd service), to the port its --port gave it; with --replicas, each\n"
	"connection to the next ready replica (running, healthy, not being restarted),\n"
	"and to the one after it when the node refuses the connection.  OWNER/NAME:\n"
	"OWNER's, which its --share-with lets you (and its owner and admins) forward to.\n",
	cmd_portfwd
};

#define FWD_REPLICAS_MAX 16	/* svc.h's SVC_REPLICAS_MAX */

struct fconn {
	int tcp;			/* -1: a free slot */
	struct hclient hc;
	struct buf from_herd, to_herd, to_tcp;
	int tcp_eof, remote_closed, wr_shut, finished;
	/* A service's: the replicas it may still try, what the client sent
	 * (while nothing came back: replayed to the next), whether a byte
	 * came back. */
	int64_t try_id[FWD_REPLICAS_MAX];
	int try_port[FWD_REPLICAS_MAX];
	int ntry, got_data;		/* got_data: a byte came back, or too many went */
	struct buf sent;
};

struct fwd {
	const char *ref;
	const char *svc;		/* a service's name: its replicas; NULL a job */
	unsigned rr;			/* the next replica, round robin */
	int remote, lsock, nconn;
	struct fconn conn[PORTFWD_CONN_MAX];
};

static volatile sig_atomic_t stop_sig;

static void on_stop(int sig)
{
	stop_sig = sig;
}

/* No SA_RESTART: a signal ends the loop's poll (EINTR); one that comes just
 * before it waits at most the poll's bound, FWD_CHECK_MS. */
static void signals_catch(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The "stream" request for f's job, a forward or its check; 0 once
 * answered "stream" (node set), -1 after herdd's reason was printed. */
static int ask(struct hclient *c, const char *ref, int port, int check, char *node, size_t nsz,
    long long *id)
{
	struct msg req, ans;
	if (hclient_connect(c) != 0)
		return -1;
	msg_init(&req, "stream");
	msg_adds(&req, "ref", ref);
	msg_addi(&req, "forward", port);
	if (check)
		msg_addi(&req, "check", 1);
	int rc = hclient_send(c, &req);
	msg_clear(&req);
	if (rc != 0 || hclient_next(c, &ans) != 1)
		return -1;
	rc = hclient_is_error(&ans) ? -1 : strcmp(ans.type, "stream") == 0 ? 0 : -1;
	if (rc == 0 && node != NULL) {
		const char *n = msg_get(&ans, "node", NULL);
		int64_t v = 0;
		strlcpy_h(node, n ? n : "?", nsz);
		msg_geti_checked(&ans, "id", 1, INT64_MAX, 0, &v);
		*id = (long long)v;
	}
	msg_clear(&ans);
	return rc;
}

/* Whether the job (or the service) may still be forwarded to (herdd's
 * reason printed if not). */
static int still_there(const struct fwd *f)
{
	struct hclient c;
	if (f->svc != NULL) {
		int64_t ids[FWD_REPLICAS_MAX];
		int ports[FWD_REPLICAS_MAX], active;
		return cmd_service_ready(f->svc, ids, ports, FWD_REPLICAS_MAX, &active) >= 0 &&
		    active > 0;
	}
	int rc = ask(&c, f->ref, f->remote, 1, NULL, 0, NULL);
	hclient_close(&c);
	return rc == 0;
}

/* k's stream to replica try_[0] of its list (taken off it), or the
 * next while herdd refuses; 0, or -1: none left. */
static int ask_replica(struct fconn *k)
{
	while (k->ntry > 0) {
		char ref[32];
		snprintf(ref, sizeof ref, "%lld", (long long)k->try_id[0]);
		int port = k->try_port[0];
		k->ntry--;
		memmove(k->try_id, k->try_id + 1, (size_t)k->ntry * sizeof k->try_id[0]);
		memmove(k->try_port, k->try_port + 1, (size_t)k->ntry * sizeof k->try_port[0]);
		if (ask(&k->hc, ref, port, 0, NULL, 0, NULL) == 0)
			return 0;
		hclient_close(&k->hc);
	}
	return -1;
}

/* A service's connection: its ready replicas, the next round robin first. */
static int pick_replicas(struct fwd *f, struct fconn *k)
{
	int64_t ids[FWD_REPLICAS_MAX];
	int ports[FWD_REPLICAS_MAX], active;
	int n = cmd_service_ready(f->svc, ids, ports, FWD_REPLICAS_MAX, &active);
	if (n <= 0) {
		if (n == 0)
			fprintf(stderr, "herd: service %s has no replica ready for a connection now; "
			    "one refused\n", f->svc);
		return -1;
	}
	unsigned first = f->rr++ % (unsigned)n;
	for (int i = 0; i < n; i++) {
		k->try_id[i] = ids[(first + (unsigned)i) % (unsigned)n];
		k->try_port[i] = ports[(first + (unsigned)i) % (unsigned)n];
	}
	k->ntry = n;
	return ask_replica(k);
}

static int listen_on(int port, int *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	socklen_t len = sizeof a;
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		close(fd);
		return -1;
	}
	*bound = ntohs(a.sin_port);
	return fd;
}

static void conn_close(struct fwd *f, struct fconn *k)
{
	close(k->tcp);
	k->tcp = -1;
	hclient_close(&k->hc);
	buf_clear(&k->from_herd);
	buf_clear(&k->to_herd);
	buf_clear(&k->to_tcp);
	buf_clear(&k->sent);
	f->nconn--;
}

/* A connection accepted: its own stream, or closed with a line. */
static void conn_open(struct fwd *f, int tcp)
{
	struct fconn *k = NULL;
	for (int i = 0; i < PORTFWD_CONN_MAX && k == NULL; i++)
		if (f->conn[i].tcp < 0)
			k = &f->conn[i];
	if (k == NULL) {
		fprintf(stderr, "herd: %d connections are open through this forward; one more "
		    "refused\n", PORTFWD_CONN_MAX);
		close(tcp);
		return;
	}
	memset(k, 0, sizeof *k);
	if (f->svc != NULL ? pick_replicas(f, k) != 0 :
	    ask(&k->hc, f->ref, f->remote, 0, NULL, 0, NULL) != 0) {
		hclient_close(&k->hc);
		close(tcp);
		k->tcp = -1;
		return;
	}
	k->tcp = tcp;
	f->nconn++;
	buf_init(&k->from_herd, FWD_BUF_MAX + SFRAME_HDR + SFRAME_PAYLOAD_MAX);
	buf_init(&k->to_herd, FWD_BUF_MAX + 2 * (SFRAME_HDR + SFRAME_PAYLOAD_MAX));
	buf_init(&k->to_tcp, FWD_BUF_MAX + SFRAME_PAYLOAD_MAX);
	buf_init(&k->sent, FWD_BUF_MAX);
	k->got_data = f->svc == NULL;	/* a job's: nothing to replay */
	/* Frames that came with the answer. */
	buf_add(&k->from_herd, k->hc.in.data + k->hc.off, k->hc.in.len - k->hc.off);
	fd_nonblock(tcp);
	fd_nonblock(k->hc.fd);
}

/* The next replica for k, after herdd's error before any byte came back:
 * what the client sent so far goes to it again.  0, or -1: none left. */
static int retry(struct fconn *k, const struct sframe *fr)
{
	fprintf(stderr, "herd: a connection through the forward: %.*s; trying the next "
	    "replica\n", (int)fr->len, (const char *)fr->data);
	hclient_close(&k->hc);
	if (ask_replica(k) != 0)
		return -1;
	buf_consume(&k->from_herd, k->from_herd.len);
	buf_add(&k->from_herd, k->hc.in.data + k->hc.off, k->hc.in.len - k->hc.off);
	buf_consume(&k->to_herd, k->to_herd.len);
	for (size_t off = 0; off < k->sent.len; off += SFRAME_PAYLOAD_MAX) {
		size_t n = k->sent.len - off < SFRAME_PAYLOAD_MAX ? k->sent.len - off :
		    SFRAME_PAYLOAD_MAX;
		sframe_put(&k->to_herd, SF_STDIN, k->sent.data + off, n);
	}
	if (k->tcp_eof)
		sframe_put(&k->to_herd, SF_EOF, NULL, 0);
	fd_nonblock(k->hc.fd);
	return 0;
}

/* herdd's frames while their bytes fit; -1 ends the connection. */
static int herd_frames(struct fconn *k)
{
	char err[HERD_ERRLEN];
	size_t off = 0;
	int rc = 0;
	while (rc == 0 && !k->finished && k->to_tcp.len + SFRAME_PAYLOAD_MAX <= FWD_BUF_MAX) {
		struct sframe fr;
		long n = sframe_decode(k->from_herd.data + off, k->from_herd.len - off, &fr, err,
		    sizeof err);
		if (n == 0)
			break;
		if (n < 0 || sframe_from_client(fr.kind)) {
			fprintf(stderr, "herd: bad stream from herdd: %s\n", n < 0 ? err : "frame");
			rc = -1;
			break;
		}
		off += (size_t)n;
		if (fr.kind == SF_STDOUT || fr.kind == SF_CLOSED)
			k->got_data = 1;
		if (fr.kind == SF_STDOUT)
			buf_add(&k->to_tcp, fr.data, fr.len);
		else if (fr.kind == SF_CLOSED)
			k->remote_closed = 1;
		else if (fr.kind == SF_EXIT)
			k->finished = 1;
		else if (fr.kind == SF_ERROR && !k->got_data && k->ntry > 0) {
			/* The frames after it are the refused stream's: dropped. */
			return retry(k, &fr);
		} else if (fr.kind == SF_ERROR) {
			fprintf(stderr, "herd: a connection through the forward: %.*s\n",
			    (int)fr.len, (const char *)fr.data);
			rc = -1;
		}
	}
	buf_consume(&k->from_herd, off);
	return rc;
}

/* One connection's turn after poll; -1: it is over. */
static int conn_io(struct fconn *k, short tev, short hev)
{
	char tmp[SFRAME_PAYLOAD_MAX];
	if ((tev & (POLLIN | POLLHUP | POLLERR)) && !k->tcp_eof &&
	    k->to_herd.len < FWD_BUF_MAX) {
		ssize_t n = read(k->tcp, tmp, sizeof tmp);
		if (n > 0) {
			sframe_put(&k->to_herd, SF_STDIN, tmp, (size_t)n);
			/* Kept for the next replica while none answered. */
			if (!k->got_data && buf_add(&k->sent, tmp, (size_t)n) != 0)
				k->got_data = 1;
		}
		else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			k->tcp_eof = 1;
			sframe_put(&k->to_herd, SF_EOF, NULL, 0);
		}
	}
	int herd_gone = 0;
	if ((hev & (POLLIN | POLLHUP | POLLERR)) && k->from_herd.len < FWD_BUF_MAX) {
		ssize_t n = read(k->hc.fd, tmp, sizeof tmp);
		if (n > 0)
			buf_add(&k->from_herd, tmp, (size_t)n);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			herd_gone = 1;
	}
	/* What came before herdd's close first: its reason, or the last bytes. */
	if (herd_frames(k) != 0)
		return -1;
	if (herd_gone && !k->finished) {
		fprintf(stderr, "herd: a connection through the forward: herdd closed it\n");
		return -1;
	}
	if (k->to_herd.len > 0) {
		ssize_t w = write(k->hc.fd, k->to_herd.data, k->to_herd.len);
		if (w > 0)
			buf_consume(&k->to_herd, (size_t)w);
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
	}
	if (k->to_tcp.len > 0) {
		ssize_t w = send(k->tcp, k->to_tcp.data, k->to_tcp.len, MSG_NOSIGNAL);
		if (w > 0)
			buf_consume(&k->to_tcp, (size_t)w);
		else if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -1;	/* the local client went: the stream ends with our socket */
	}
	if (k->to_tcp.len == 0 && k->remote_closed && !k->wr_shut) {
		shutdown(k->tcp, SHUT_WR);
		k->wr_shut = 1;
	}
	return k->finished && k->to_tcp.len == 0 ? -1 : 0;
}

/* Poll events for connection slot k: [0] its TCP socket, [1] herdd's. */
static void conn_events(const struct fconn *k, struct pollfd *p)
{
	p[0].fd = k->tcp;
	p[0].events = (short)((!k->tcp_eof && k->to_herd.len < FWD_BUF_MAX ? POLLIN : 0) |
	    (k->to_tcp.len ? POLLOUT : 0));
	p[1].fd = k->tcp >= 0 ? k->hc.fd : -1;
	p[1].events = (short)((k->from_herd.len < FWD_BUF_MAX ? POLLIN : 0) |
	    (k->to_herd.len ? POLLOUT : 0));
	p[0].revents = p[1].revents = 0;
}

/* Until Ctrl-C (0) or the job is gone (1). */
static int serve(struct fwd *f)
{
	struct pollfd p[1 + 2 * PORTFWD_CONN_MAX];
	int64_t next_check = now_ms() + FWD_CHECK_MS;
	for (;;) {
		p[0] = (struct pollfd){ f->lsock, POLLIN, 0 };
		for (int i = 0; i < PORTFWD_CONN_MAX; i++)
			conn_events(&f->conn[i], p + 1 + 2 * i);
		int64_t left = next_check - now_ms();
		if (stop_sig)
			return 0;
		if (poll(p, 1 + 2 * PORTFWD_CONN_MAX, left > 0 ? (int)left : 0) < 0) {
			if (errno != EINTR)
				return 1;
			continue;
		}
		for (int i = 0; i < PORTFWD_CONN_MAX; i++)
			if (f->conn[i].tcp >= 0 &&
			    conn_io(&f->conn[i], p[1 + 2 * i].revents, p[2 + 2 * i].revents) != 0)
				conn_close(f, &f->conn[i]);
		if (p[0].revents & POLLIN) {
			int tcp = accept4(f->lsock, NULL, NULL, SOCK_CLOEXEC);
			if (tcp >= 0)
				conn_open(f, tcp);
		}
		if (now_ms() >= next_check) {
			if (!still_there(f))
				return 1;
			next_check = now_ms() + FWD_CHECK_MS;
		}
	}
}

int cmd_portfwd(int argc, char **argv)
{
	static const struct option lo[] = { CMD_HELP_OPTION, { NULL, 0, NULL, 0 } };
	const struct cmd_entry *ce = &cmd_portfwd_entry;
	struct fwd f = { .lsock = -1 };
	char err[128], node[256];
	int ch, local, bound;
	long long id = 0;
	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'h')
			cmd_help(ce, stdout);
		if (ch == 'h' || ch == CMD_OPT_HELP)
			return 0;
		return 2;
	}
	char svcref[32];
	if (argc - optind < 1 || argc - optind > 2)
		return cmd_usage_error(ce, "a job id and a port, or a service's name, are needed");
	f.ref = argv[optind];
	if (f.ref[0] == '\0')
		return cmd_usage_error(ce, "an empty job id or service name");
	int nready = 0;
	if (!cmd_is_job_ref(f.ref)) {
		/* A service's name: its ready replicas, to the port --port gave
		 * each; the first for the checks below. */
		int64_t ids[FWD_REPLICAS_MAX];
		int ports[FWD_REPLICAS_MAX], active;
		nready = cmd_service_ready(f.ref, ids, ports, FWD_REPLICAS_MAX, &active);
		if (nready < 0)
			return 1;
		if (nready == 0) {
			fprintf(stderr, "herd: service %s has no port (start it with --port), or no "
			    "replica of it runs ready yet\n", argv[optind]);
			return 1;
		}
		f.svc = argv[optind];
		snprintf(svcref, sizeof svcref, "%lld", (long long)ids[0]);
		f.ref = svcref;
		f.remote = ports[0];
		local = 0;
		if (argc - optind == 2 && portfwd_parse(argv[optind + 1], &local, &bound, err,
		    sizeof err) == 0 && strchr(argv[optind + 1], ':') == NULL) {
			local = bound;	/* NAME LOCALPORT: one number, the local port */
		} else if (argc - optind == 2)
			return cmd_usage_error(ce, "\"%s\": after a service's name, a local port "
			    "1 to 65535", argv[optind + 1]);
	} else if (argc - optind != 2) {
		return cmd_usage_error(ce, "a job id and a port are needed");
	} else if (portfwd_parse(argv[optind + 1], &local, &f.remote, err, sizeof err) != 0)
		return cmd_usage_error(ce, "\"%s\": %s", argv[optind + 1], err);
	struct hclient c;
	int rc = ask(&c, f.ref, f.remote, 1, node, sizeof node, &id);
	hclient_close(&c);
	if (rc != 0)
		return 1;
	if ((f.lsock = listen_on(local, &bound)) < 0) {
		fprintf(stderr, "herd: cannot listen on 127.0.0.1:%d: %s\n", local, strerror(errno));
		return 1;
	}
	for (int i = 0; i < PORTFWD_CONN_MAX; i++)
		f.conn[i].tcp = -1;
	signals_catch();
	str_vis(err, sizeof err, node);
	if (nready > 1)
		printf("herd: forwarding 127.0.0.1:%d to service %s: %d replicas ready, each "
		    "connection to the next; Ctrl-C to stop\n", bound, f.svc, nready);
	else
		printf("herd: forwarding 127.0.0.1:%d to job %lld on %s port %d; Ctrl-C to stop\n",
		    bound, id, err, f.remote);
	fflush(stdout);
	rc = serve(&f);
	if (rc != 0 && f.svc != NULL)
		fprintf(stderr, "herd: the forward to service %s stopped\n", f.svc);
	else if (rc != 0)
		fprintf(stderr, "herd: the forward to job %lld stopped\n", id);
	for (int i = 0; i < PORTFWD_CONN_MAX; i++)
		if (f.conn[i].tcp >= 0)
			conn_close(&f, &f.conn[i]);
	close(f.lsock);
	return rc;
}

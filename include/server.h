/*
 * server.h — the controller's Unix socket: clients, their buffers, and
 * request dispatch through one table (rpc.c).
 *
 * The caller's uid comes from SO_PEERCRED, never from the request.  Output
 * to a client is buffered; long answers (the queue with 100,000 jobs) are
 * produced in slices as the client drains them, round-robin between clients
 * and a few slices per loop iteration, so one listing never holds the whole
 * answer in memory or stalls the loop for the others.  Idle clients are
 * bounded in time (CLIENT_IDLE_MS) and number (SERVER_MAX_CLIENTS, and
 * SERVER_UID_MAX_CLIENTS of them for one user), partial requests in bytes
 * (CLIENT_REQ_MAX each, SERVER_IN_TOTAL_MAX all), and answers not yet read
 * in bytes too (CLIENT_OUT_LOW before a client's next request is run,
 * SERVER_OUT_TOTAL_MAX all).
 */
#ifndef HERD_SERVER_H
#define HERD_SERVER_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"
#include "util.h"

struct ctl;
struct server;

/*
 * The largest request: a submit with a 4 MiB script, 1 MiB of arguments,
 * 1 MiB of environment, a 1 MiB command line and small fields.  A frame
 * announcing more is refused as soon as its length arrives.
 */
#define CLIENT_REQ_MAX (8u << 20)
#define CLIENT_READ    65536		/* bytes read at once */
#define CLIENT_IN_MAX  (CLIENT_REQ_MAX + 4 + CLIENT_READ)
/* A client's next request is decoded only while less than this of its answers waits. */
#define CLIENT_OUT_LOW (256u * 1024)
#define CLIENT_OUT_MAX (256u << 20)	/* one answer at most; input waits meanwhile */
/* Bytes of answers held for all clients together: past it no new request is run. */
#define SERVER_OUT_TOTAL_MAX (64u << 20)
/* ... and for all clients of one uid: past it no new request of that uid is
 * run, so that one user reading slowly never holds up the others. */
#define SERVER_UID_OUT_MAX (16u << 20)
/* Connections at once; past it the oldest idle one goes, or the new one is told "busy". */
#define SERVER_MAX_CLIENTS 256
/* Connections of one uid (root, herdd's user and admins apart): its share of the above. */
#define SERVER_UID_MAX_CLIENTS 32
/* An idle client (nothing owed to it, or an answer it has not read from for this
 * long) must complete a request, or read, within this. */
#define CLIENT_IDLE_MS 10000
/* Bytes of partial requests held for all clients together, and for one uid's
 * (two of the largest requests at once). */
#define SERVER_IN_TOTAL_MAX (64u << 20)
#define SERVER_UID_IN_MAX (2 * (CLIENT_REQ_MAX + 4))
/* Streaming answers: more() calls per loop iteration, all clients together. */
#define SERVER_STREAM_SLICES 8

/* At most `burst` lines a minute of one kind; the rest are counted. */
struct ratelimit {
	int64_t window_ms;
	unsigned count, suppressed;
};

struct client {
	struct client *next;
	int fd;
	uid_t uid;
	pid_t pid;
	uint64_t serial;	/* accept order: round-robin of streams */
	int64_t idle_since_ms;	/* when it last sent a request, read, or was owed work */
	size_t reserved;	/* its share of SERVER_IN_TOTAL_MAX */
	struct buf in, out;
	int closing;		/* close once `out` is flushed */
	/* A streaming answer: one slice per call, while `out` is below CLIENT_OUT_LOW;
	 * returns 1 when done. */
	int (*more)(struct server *s, struct client *cl);
	/* What its requests keep between turns (a listing's place, the jobs it
	 * waits for, a read on a node): the request layer's (rpc.h), carried
	 * here and never read by the server, which asks ops->owed and hands it
	 * to ops->gone. */
	struct rpc_state *rq;
	/* herd ssh/run: an accepted stream; the socket goes to its thread
	 * (stream.h) once this pass is over. */
	struct stream_spec *handoff;
};

/*
 * The request layer, as the server sees it (rpc.h gives rpc_ops): what to
 * do with a request, whether a client is owed an answer that does not
 * depend on it (so it is not idle), and a client's end (its state freed).
 */
struct server_ops {
	void (*dispatch)(struct server *s, struct client *cl, const struct msg *m);
	int (*owed)(const struct client *cl);
	void (*gone)(struct server *s, struct client *cl);
};

struct server {
	int fd;
	const struct server_ops *ops;
	char *path;
	struct client *clients;
	struct ctl *ctl;
	size_t nclients;
	size_t in_reserved;	/* sum of the clients' `reserved` */
	uint64_t next_serial, stream_last;
	struct ratelimit rl_idle, rl_full, rl_big;
};

int server_open(struct server *s, const char *path, int public, struct ctl *ctl,
    const struct server_ops *ops, char *err, size_t errsz);
void server_close(struct server *s);
/* Fill pollfds for the listener and every client; returns the count. */
size_t server_pollfds(struct server *s, struct pollfd *p, size_t cap);
/* Act on poll results (same order as server_pollfds). */
void server_handle(struct server *s, const struct pollfd *p, size_t n);
/* Send one message to a client (queued). */
void client_send(struct client *cl, const struct msg *m);
void client_error(struct client *cl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif

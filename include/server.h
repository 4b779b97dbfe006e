/*
 * server.h — the controller's Unix socket: clients, their buffers, and
 * request dispatch through one table (rpc.c).
 *
 * The caller's uid comes from SO_PEERCRED, never from the request.  Output
 * to a client is buffered; long answers (the queue with 100,000 jobs) are
 * produced in chunks as the client drains them, so one listing never holds
 * the whole answer in memory or blocks the loop.
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

#define CLIENT_IN_MAX  (PROTO_FRAME_MAX + 8)
#define CLIENT_OUT_LOW (256u * 1024)
#define CLIENT_OUT_MAX (256u << 20)	/* one answer at most; input waits meanwhile */
#define SERVER_MAX_CLIENTS 512

struct client {
	struct client *next;
	int fd;
	uid_t uid;
	pid_t pid;
	struct buf in, out;
	int closing;		/* close once `out` is flushed */
	/* A streaming answer: called while `out` is below CLIENT_OUT_LOW. */
	int (*more)(struct server *s, struct client *cl);
	int64_t cursor;
	int mine;		/* queue: only the caller's jobs */
	/* herd wait: ids still being waited for. */
	int64_t *wait_ids;
	size_t nwait;
};

struct server {
	int fd;
	char *path;
	struct client *clients;
	struct ctl *ctl;
	size_t nclients;
};

int server_open(struct server *s, const char *path, struct ctl *ctl, char *err, size_t errsz);
void server_close(struct server *s);
/* Fill pollfds for the listener and every client; returns the count. */
size_t server_pollfds(struct server *s, struct pollfd *p, size_t cap);
/* Act on poll results (same order as server_pollfds). */
void server_handle(struct server *s, const struct pollfd *p, size_t n);
/* Send one message to a client (queued). */
void client_send(struct client *cl, const struct msg *m);
void client_error(struct client *cl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A job ended: answer the clients waiting for it. */
void server_job_ended(struct server *s, int64_t id);

/* rpc.c: run one request. */
void rpc_dispatch(struct server *s, struct client *cl, const struct msg *m);
void rpc_wait_check(struct server *s, struct client *cl);

#endif

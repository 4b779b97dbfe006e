/*
 * rpc.h — the request layer: what each socket request does (rpc.c and the
 * rpc_*.c files beside it), over the server's connections (server.h).
 *
 * The server reads frames and writes answers; it knows nothing of what a
 * request means.  It calls the layer through rpc_ops: dispatch a request,
 * ask whether a client is owed an answer (a wait, a read on a node, a
 * watch), and say that a client is gone.  What requests keep between loop
 * turns lives in struct rpc_state, hung on the client and owned here.
 * Events from the controller (a job ended, a read on a node answered, a
 * turn changed something) come in through rpc_job_ended,
 * rpc_logs_answered and rpc_watch_event, which herdd's loop calls.
 */
#ifndef HERD_RPC_H
#define HERD_RPC_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"

struct logs_answer;

/* A client's request state, made on first use (rpc_state_of). */
struct rpc_state {
	int64_t cursor;		/* queue: the next job id to list */
	int mine;		/* queue: only the caller's jobs */
	/* A listing fixed when asked (history): ids to send, from list_pos on. */
	int64_t *list_ids;
	size_t nlist, list_pos;
	/* herd wait: ids still being waited for. */
	int64_t *wait_ids;
	size_t nwait;
	int logs_pending;	/* herd logs: a read on a node owes it an answer */
	int watching;		/* herd top: told of changes (rpc_watch.c) */
};

extern const struct server_ops rpc_ops;

struct rpc_state *rpc_state_of(struct client *cl);

/* Controller events, from herdd's loop. */
void rpc_job_ended(struct server *s, int64_t id);
void rpc_logs_answered(struct server *s, const struct logs_answer *a);
/* herd top's subscription (rpc_watch.c): a "changed" frame to each watcher
 * after a turn that changed a job or a node. */
void rpc_watch_event(struct server *s);

/* The requests kept in files of their own. */
/* herd priority and herd usage (rpc_share.c). */
int rpc_priority(struct server *s, struct client *cl, const struct msg *m);
int rpc_usage(struct server *s, struct client *cl, const struct msg *m);
/* sinfo's partitions (rpc_part.c). */
int rpc_partitions(struct server *s, struct client *cl, const struct msg *m);
/* Lab mode's registration (rpc_lab.c). */
int rpc_lab(struct server *s, struct client *cl, const struct msg *m);
int rpc_register(struct server *s, struct client *cl, const struct msg *m);
int rpc_unregister(struct server *s, struct client *cl, const struct msg *m);
int rpc_watch(struct server *s, struct client *cl, const struct msg *m);
/* herd service restart NAME (rpc_svc.c; ctl_roll.c). */
int rpc_svc_restart(struct server *s, struct client *cl, const struct msg *m);
/* herd ssh, herd run: a stream into a job (rpc_stream.c; stream.h). */
int rpc_stream(struct server *s, struct client *cl, const struct msg *m);
/* rpc.c's readers, for the request files beside it. */
int rpc_job_id(struct server *s, struct client *cl, const struct msg *m, int64_t *id);
int rpc_get_num(struct client *cl, const struct msg *m, const char *key, int64_t min,
    int64_t max, int64_t def, int64_t *out);

#endif

/*
 * rpc_watch.c — herd top's subscription: "watch" keeps the connection and
 * sends a short "changed" frame after every loop turn that submitted a
 * job, changed the state of a job or a node, or brought a node's GPU
 * readings that differ from its last (memory, load, processes).
 *
 * Theory of operation: the frame says only that something changed; the
 * watcher asks again with the requests it already makes (nodes, queue,
 * history), so there is one way to read state and the permissions of each
 * answer stay where they are.  The loop tells watchers after the turn's
 * commit (herdd.c), so what they then read is what was committed.
 *
 * Nothing queues without end and nothing blocks the loop: a watcher that
 * has not yet read its last event gets no new one (it will ask again
 * anyway, and the one it has says as much), so at most one frame waits in
 * `out` besides what the socket holds; and while one waits the client
 * counts as idle (server.c), so a watcher that stops reading is dropped
 * after CLIENT_IDLE_MS like any client that does not read its answers.
 * A watcher whose last event was read is owed events and is never idle,
 * unless it has begun a request and stalled in it (its partial frame
 * holds input reserve that all clients share).
 */
#include "rpc.h"
#include "server.h"

int rpc_watch(struct server *s, struct client *cl, const struct msg *m)
{
	struct msg f;
	(void)s;
	(void)m;
	rpc_state_of(cl)->watching = 1;
	msg_init(&f, "watching");	/* the subscription holds from here */
	client_send(cl, &f);
	msg_clear(&f);
	return 0;
}

void rpc_watch_event(struct server *s)
{
	struct msg f;
	msg_init(&f, "changed");
	for (struct client *cl = s->clients; cl != NULL; cl = cl->next)
		if (cl->rq != NULL && cl->rq->watching && !cl->closing && cl->out.len == 0)
			client_send(cl, &f);
	msg_clear(&f);
}

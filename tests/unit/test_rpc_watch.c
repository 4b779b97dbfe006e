/*
 * Unit tests for rpc_watch.c: herd top's subscription without a socket.
 * "watch" answers "watching" and marks the client; an event goes to each
 * watcher whose last one was read, never to others, and never a second
 * one while the first is unread (what waits is bounded to one frame); a
 * watcher that has read its event is owed the next (never idle).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "proto.h"
#include "rpc.h"
#include "server.h"

static void client_new(struct client *cl, struct client *next)
{
	memset(cl, 0, sizeof *cl);
	buf_init(&cl->in, CLIENT_IN_MAX);
	buf_init(&cl->out, CLIENT_OUT_MAX);
	cl->next = next;
	cl->fd = -1;
}

static void events_coalesce(void **state)
{
	(void)state;
	struct client a, b, c;
	struct server s;
	struct msg req;
	memset(&s, 0, sizeof s);
	client_new(&c, NULL);
	client_new(&b, &c);
	client_new(&a, &b);
	s.clients = &a;
	msg_init(&req, "watch");
	assert_int_equal(rpc_watch(&s, &a, &req), 0);
	assert_int_equal(rpc_watch(&s, &c, &req), 0);
	msg_clear(&req);
	/* The request layer's own state, on the two that asked only. */
	assert_true(a.rq != NULL && a.rq->watching && c.rq != NULL && c.rq->watching &&
	    b.rq == NULL);
	assert_true(a.out.len > 0);		/* "watching" */
	buf_consume(&a.out, a.out.len);		/* read */
	size_t c_before = c.out.len;		/* c has not read its "watching" */

	rpc_watch_event(&s);
	size_t one = a.out.len;
	assert_true(one > 0 && one < 64);	/* a short frame */
	assert_int_equal(b.out.len, 0);		/* not a watcher */
	assert_int_equal(c.out.len, c_before);	/* one unread already: nothing more */
	for (int i = 0; i < 1000; i++)
		rpc_watch_event(&s);
	assert_int_equal(a.out.len, one);	/* a thousand changes, one frame waiting */
	buf_consume(&a.out, a.out.len);
	rpc_watch_event(&s);
	assert_int_equal(a.out.len, one);	/* read: the next comes */
	a.closing = 1;
	buf_consume(&a.out, a.out.len);
	rpc_watch_event(&s);
	assert_int_equal(a.out.len, 0);		/* closing: none */
	rpc_ops.gone(&s, &a);	/* frees what the requests kept */
	rpc_ops.gone(&s, &c);
	assert_null(a.rq);
	buf_clear(&a.out);
	buf_clear(&a.in);
	buf_clear(&b.out);
	buf_clear(&b.in);
	buf_clear(&c.out);
	buf_clear(&c.in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(events_coalesce),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

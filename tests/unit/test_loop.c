/*
 * Unit tests for loop.c with real pipes and the real monotonic clock (a
 * few milliseconds apart): timers fire in due order, each once a turn, and
 * one may re-arm itself; a descriptor's callback may remove itself (and is
 * not called again) or add another (polled from the next turn); a source
 * gets its pollfds back with revents; loop_break ends a turn's dispatch;
 * the poll waits for the earliest timer, not past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "util.h"

struct rec {
	char log[256];
	int count;
	int rearm;		/* re-arm itself this many times */
	int pipe2fd;		/* fd to add from a callback; -1 none */
	struct loop *l;
};

static void logc(struct rec *r, char c)
{
	size_t n = strlen(r->log);
	if (n + 1 < sizeof r->log)
		r->log[n] = c, r->log[n + 1] = '\0';
}

static void on_timer(struct loop *l, int t, void *arg)
{
	struct rec *r = arg;
	logc(r, (char)('a' + t));
	if (r->rearm > 0) {
		r->rearm--;
		loop_timer_set(l, t, now_ms() + 5);
	}
}

static void timers_in_order(void **state)
{
	(void)state;
	struct loop l;
	struct rec r = { .pipe2fd = -1 };
	int64_t now = now_ms();
	loop_init(&l);
	/* Added out of order: fired by due time. */
	assert_int_equal(loop_timer_add(&l, now + 30, on_timer, &r), 0);
	assert_int_equal(loop_timer_add(&l, now + 10, on_timer, &r), 1);
	assert_int_equal(loop_timer_add(&l, now + 20, on_timer, &r), 2);
	assert_int_equal(loop_timer_add(&l, INT64_MAX, on_timer, &r), 3);	/* never */
	int64_t t0 = now_ms();
	while (strlen(r.log) < 3 && now_ms() - t0 < 2000)
		assert_int_equal(loop_run_once(&l, -1), 0);
	assert_string_equal(r.log, "bca");
	/* Each waited for its time: the poll slept, it did not spin past. */
	assert_true(now_ms() - now >= 30);
	/* Nothing armed now but the disarmed one: a turn with a timeout returns. */
	loop_timer_set(&l, 0, INT64_MAX);
	loop_timer_set(&l, 1, INT64_MAX);
	loop_timer_del(&l, 2);
	t0 = now_ms();
	assert_int_equal(loop_run_once(&l, 20), 0);
	assert_true(now_ms() - t0 >= 15);
	assert_string_equal(r.log, "bca");
	loop_clear(&l);
}

static void timer_rearms(void **state)
{
	(void)state;
	struct loop l;
	struct rec r = { .rearm = 3, .pipe2fd = -1 };
	loop_init(&l);
	int t = loop_timer_add(&l, now_ms(), on_timer, &r);
	assert_int_equal(t, 0);
	int64_t t0 = now_ms();
	while (strlen(r.log) < 4 && now_ms() - t0 < 2000)
		loop_run_once(&l, -1);
	assert_string_equal(r.log, "aaaa");
	assert_true(now_ms() - t0 >= 15);	/* three re-arms 5 ms ahead */
	loop_clear(&l);
}

/* A timer re-armed into the past fires once a turn, not in a loop. */
static void on_past(struct loop *l, int t, void *arg)
{
	struct rec *r = arg;
	r->count++;
	loop_timer_set(l, t, 0);
}

static void timer_once_a_turn(void **state)
{
	(void)state;
	struct loop l;
	struct rec r = { .pipe2fd = -1 };
	loop_init(&l);
	loop_timer_add(&l, 0, on_past, &r);
	assert_int_equal(loop_run_once(&l, -1), 0);
	assert_int_equal(r.count, 1);
	assert_int_equal(loop_run_once(&l, -1), 0);
	assert_int_equal(r.count, 2);
	loop_clear(&l);
}

static void on_read_remove(struct loop *l, int fd, short revents, void *arg)
{
	struct rec *r = arg;
	char c;
	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	logc(r, c);
	loop_fd_del(l, fd);	/* itself: not called again, though more is there */
	if (r->pipe2fd >= 0) {
		loop_fd_add(l, r->pipe2fd, POLLIN, on_read_remove, r);
		r->pipe2fd = -1;
	}
}

static void fd_removes_itself(void **state)
{
	(void)state;
	struct loop l;
	struct rec r = { .pipe2fd = -1 };
	int p[2], q[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(pipe2(q, O_CLOEXEC), 0);
	loop_init(&l);
	assert_int_equal(write(p[1], "xy", 2), 2);
	assert_int_equal(write(q[1], "z", 1), 1);
	r.pipe2fd = q[0];
	assert_int_equal(loop_fd_add(&l, p[0], POLLIN, on_read_remove, &r), 0);
	assert_int_equal(loop_run_once(&l, 1000), 0);
	/* p's callback ran once and added q, which waits for the next turn. */
	assert_string_equal(r.log, "x");
	assert_int_equal(loop_run_once(&l, 1000), 0);
	assert_string_equal(r.log, "xz");
	/* Neither is watched now: "y" stays in p, the turn times out. */
	int64_t t0 = now_ms();
	assert_int_equal(loop_run_once(&l, 20), 0);
	assert_true(now_ms() - t0 >= 15);
	assert_string_equal(r.log, "xz");
	assert_int_equal(loop_fd_add(&l, -1, POLLIN, on_read_remove, &r), -1);
	loop_clear(&l);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
}

/* The signal pipe's callback: breaks the turn; nothing after it runs. */
static void on_break(struct loop *l, int fd, short revents, void *arg)
{
	(void)fd, (void)revents;
	logc(arg, 'B');
	loop_break(l);
}

static void on_read(struct loop *l, int fd, short revents, void *arg)
{
	char c;
	(void)l, (void)revents;
	assert_int_equal(read(fd, &c, 1), 1);
	logc(arg, c);
}

struct src {
	int fd;
	size_t filled, handled;
	short revents;
	struct rec *r;
};

static size_t src_fill(void *arg, struct pollfd *p, size_t cap)
{
	struct src *s = arg;
	assert_true(cap >= 1);
	p[0] = (struct pollfd){ s->fd, POLLIN, 0 };
	s->filled++;
	return 1;
}

static void src_handle(void *arg, const struct pollfd *p, size_t n)
{
	struct src *s = arg;
	assert_int_equal(n, 1);
	assert_int_equal(p[0].fd, s->fd);
	s->revents = p[0].revents;
	s->handled++;
	logc(s->r, 'S');
}

static void order_source_break(void **state)
{
	(void)state;
	struct loop l;
	struct rec r = { .pipe2fd = -1 };
	int a[2], b[2], c[2];
	assert_int_equal(pipe2(a, O_CLOEXEC), 0);
	assert_int_equal(pipe2(b, O_CLOEXEC), 0);
	assert_int_equal(pipe2(c, O_CLOEXEC), 0);
	struct src s = { .fd = c[0], .r = &r };
	loop_init(&l);
	loop_fd_add(&l, a[0], POLLIN, on_break, &r);
	loop_fd_add(&l, b[0], POLLIN, on_read, &r);
	assert_int_equal(loop_source_add(&l, src_fill, src_handle, &s), 0);
	loop_timer_add(&l, 0, on_timer, &r);	/* due at once */
	/* Descriptors in order, then the source, then the timer. */
	assert_int_equal(write(b[1], "1", 1), 1);
	assert_int_equal(write(c[1], "2", 1), 1);
	assert_int_equal(loop_run_once(&l, 1000), 0);
	assert_string_equal(r.log, "1Sa");
	assert_true(s.revents & POLLIN);
	/* A break: the rest of the turn is not dispatched. */
	loop_timer_set(&l, 0, 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "3", 1), 1);
	assert_int_equal(loop_run_once(&l, 1000), 1);
	assert_string_equal(r.log, "1SaB");
	assert_int_equal(s.handled, 1);
	assert_int_equal(s.filled, 2);
	loop_clear(&l);
	for (int i = 0; i < 2; i++)
		close(a[i]), close(b[i]), close(c[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_in_order),
		cmocka_unit_test(timer_rearms),
		cmocka_unit_test(timer_once_a_turn),
		cmocka_unit_test(fd_removes_itself),
		cmocka_unit_test(order_source_break),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * loop.c — see loop.h.
 *
 * Theory of operation: herdd watches a few descriptors of its own (the
 * signal pipe, the node workers' results) and the server's, which come
 * and go with every client; the server keeps those itself and is a source
 * that fills its pollfds each turn, so neither it nor the loop copies the
 * other's bookkeeping.  Removing a descriptor inside a callback only marks
 * it (fd -1): the turn's pollfds still index the array, which is compacted
 * once the dispatch is over.  Timers are few and scanned; the many job
 * deadlines live in ctl_deadline.c's heap, whose earliest is one timer
 * here.  A timer fires once and is then disarmed until its callback (or
 * anyone) re-arms it; it fires at most once a turn, so one re-armed to a time
 * already past waits for the next turn (a poll of timeout 0) instead of
 * spinning inside this one.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "util.h"

void loop_init(struct loop *l)
{
	memset(l, 0, sizeof *l);
	for (size_t i = 0; i < LOOP_TIMERS_MAX; i++)
		l->timers[i].due_ms = INT64_MAX;
	l->clock = now_ms;
}

void loop_clear(struct loop *l)
{
	free(l->fds);
	loop_init(l);
}

static struct loop_fd *find_fd(struct loop *l, int fd)
{
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			return &l->fds[i];
	return NULL;
}

int loop_fd_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *arg)
{
	struct loop_fd *e = find_fd(l, fd);
	if (e == NULL) {
		if (l->nfds >= LOOP_POLL_MAX || fd < 0)
			return -1;
		if (l->nfds == l->capfds) {
			l->capfds = l->capfds ? 2 * l->capfds : 8;
			l->fds = xreallocarray(l->fds, l->capfds, sizeof *l->fds);
		}
		e = &l->fds[l->nfds++];
	}
	*e = (struct loop_fd){ fd, events, fn, arg };
	return 0;
}

void loop_fd_del(struct loop *l, int fd)
{
	struct loop_fd *e = find_fd(l, fd);
	if (e != NULL)
		e->fd = -1;	/* compacted after the turn's dispatch */
}

int loop_source_add(struct loop *l, loop_fill_fn fill, loop_handle_fn handle, void *arg)
{
	if (l->nsrcs == LOOP_SOURCES_MAX)
		return -1;
	l->srcs[l->nsrcs++] = (struct loop_source){ fill, handle, arg };
	return 0;
}

int loop_timer_add(struct loop *l, int64_t due_ms, loop_timer_fn fn, void *arg)
{
	for (int i = 0; i < LOOP_TIMERS_MAX; i++)
		if (!l->timers[i].used) {
			l->timers[i] = (struct loop_timer){ 1, due_ms, 0, fn, arg };
			return i;
		}
	return -1;
}

void loop_timer_set(struct loop *l, int t, int64_t due_ms)
{
	if (t >= 0 && t < LOOP_TIMERS_MAX && l->timers[t].used)
		l->timers[t].due_ms = due_ms;
}

void loop_timer_del(struct loop *l, int t)
{
	if (t >= 0 && t < LOOP_TIMERS_MAX)
		l->timers[t] = (struct loop_timer){ .due_ms = INT64_MAX };
}

void loop_break(struct loop *l)
{
	l->broken = 1;
}

/* The poll's timeout: timeout_ms or the earliest timer, whichever is sooner. */
static int wait_ms(struct loop *l, int timeout_ms)
{
	int64_t due = INT64_MAX, now = l->clock();
	for (size_t i = 0; i < LOOP_TIMERS_MAX; i++)
		if (l->timers[i].used && l->timers[i].due_ms < due)
			due = l->timers[i].due_ms;
	if (due == INT64_MAX)
		return timeout_ms;
	int64_t w = due <= now ? 0 : due - now;
	if (w > INT_MAX)
		w = INT_MAX;
	return timeout_ms >= 0 && timeout_ms < w ? timeout_ms : (int)w;
}

/* The earliest timer due by now that has not fired this turn; -1 none. */
static int next_due(struct loop *l, int64_t now)
{
	int best = -1;
	for (int i = 0; i < LOOP_TIMERS_MAX; i++) {
		const struct loop_timer *t = &l->timers[i];
		if (t->used && t->due_ms <= now && t->fired != l->turn &&
		    (best < 0 || t->due_ms < l->timers[best].due_ms))
			best = i;
	}
	return best;
}

static void compact(struct loop *l)
{
	size_t k = 0;
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i].fd >= 0)
			l->fds[k++] = l->fds[i];
	l->nfds = k;
}

/* Callbacks of the ready descriptors (the first nfds pollfds). */
static void dispatch_fds(struct loop *l, size_t nfds)
{
	for (size_t i = 0; i < nfds && !l->broken; i++) {
		struct loop_fd *e = &l->fds[i];
		if (l->p[i].revents != 0 && e->fd == l->p[i].fd)	/* not removed since */
			e->fn(l, e->fd, l->p[i].revents, e->arg);
	}
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	size_t n = 0, nfds, at[LOOP_SOURCES_MAX], cnt[LOOP_SOURCES_MAX];
	compact(l);
	l->broken = 0;
	l->turn++;
	for (size_t i = 0; i < l->nfds; i++)
		l->p[n++] = (struct pollfd){ l->fds[i].fd, l->fds[i].events, 0 };
	nfds = n;
	for (size_t s = 0; s < l->nsrcs; s++) {
		at[s] = n;
		cnt[s] = l->srcs[s].fill(l->srcs[s].arg, l->p + n, LOOP_POLL_MAX - n);
		n += cnt[s];
	}
	if (poll(l->p, n, wait_ms(l, timeout_ms)) < 0) {
		if (errno != EINTR)
			return -1;
		for (size_t i = 0; i < n; i++)
			l->p[i].revents = 0;
	}
	dispatch_fds(l, nfds);
	for (size_t s = 0; s < l->nsrcs && !l->broken; s++)
		l->srcs[s].handle(l->srcs[s].arg, l->p + at[s], cnt[s]);
	int64_t now = l->clock();
	for (int t; !l->broken && (t = next_due(l, now)) >= 0;) {
		l->timers[t].fired = l->turn;
		l->timers[t].due_ms = INT64_MAX;	/* once, unless re-armed */
		l->timers[t].fn(l, t, l->timers[t].arg);
	}
	compact(l);
	return l->broken ? 1 : 0;
}

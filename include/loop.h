/*
 * loop.h — herdd's event loop: descriptors with a callback and the events
 * wanted, sources that keep many descriptors of their own (the server's
 * listener and clients), and timers in monotonic milliseconds; one
 * loop_run_once() polls and dispatches.  Redis's ae (file and time events)
 * and GLib's sources (a module that fills its own pollfds) are the models.
 *
 * A turn: poll until a descriptor is ready or the earliest timer is due
 * (at most timeout_ms); then the ready descriptors' callbacks in the order
 * they were added, then each source's handle with its pollfds, then every
 * timer due by then, earliest first, each at most once a turn; a timer
 * that fired is disarmed until something re-arms it.  Callbacks
 * may add and remove descriptors and timers, and re-arm any timer, their
 * own included; a descriptor added in a turn is polled from the next one,
 * one removed is not called again.  loop_break() ends the turn's dispatch
 * (herdd's SIGTERM: nothing else runs).
 *
 * Ownership: struct loop is the caller's (loop_init / loop_clear); the
 * args given are borrowed and never freed here.
 */
#ifndef HERD_LOOP_H
#define HERD_LOOP_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#define LOOP_POLL_MAX 4096	/* descriptors polled in a turn, sources' included */
#define LOOP_TIMERS_MAX 64	/* a few: job deadlines are ctl_deadline.c's heap */
#define LOOP_SOURCES_MAX 4

struct loop;
typedef void (*loop_fd_fn)(struct loop *l, int fd, short revents, void *arg);
typedef void (*loop_timer_fn)(struct loop *l, int timer, void *arg);
/* A source: fill writes at most cap pollfds and returns how many; handle
 * gets the same ones back, revents set, in the same order. */
typedef size_t (*loop_fill_fn)(void *arg, struct pollfd *p, size_t cap);
typedef void (*loop_handle_fn)(void *arg, const struct pollfd *p, size_t n);

struct loop_fd {
	int fd;			/* -1: removed */
	short events;
	loop_fd_fn fn;
	void *arg;
};

struct loop_source {
	loop_fill_fn fill;
	loop_handle_fn handle;
	void *arg;
};

struct loop_timer {
	int used;
	int64_t due_ms;		/* monotonic; INT64_MAX: not armed */
	uint64_t fired;		/* the turn it last fired in */
	loop_timer_fn fn;
	void *arg;
};

struct loop {
	struct loop_fd *fds;
	size_t nfds, capfds;
	struct loop_source srcs[LOOP_SOURCES_MAX];
	size_t nsrcs;
	struct loop_timer timers[LOOP_TIMERS_MAX];
	struct pollfd p[LOOP_POLL_MAX];
	uint64_t turn;
	int broken;
	int64_t (*clock)(void);	/* now_ms; a test may set its own */
};

void loop_init(struct loop *l);
void loop_clear(struct loop *l);

/* Watch fd for events (POLLIN, POLLOUT): 0, or -1 when LOOP_POLL_MAX are
 * watched already.  Adding an fd again replaces its events and callback. */
int loop_fd_add(struct loop *l, int fd, short events, loop_fd_fn fn, void *arg);
/* Stop watching fd (nothing if it is not watched). */
void loop_fd_del(struct loop *l, int fd);

/* A source polled every turn, after the descriptors (never removed): 0, or
 * -1 when LOOP_SOURCES_MAX are there. */
int loop_source_add(struct loop *l, loop_fill_fn fill, loop_handle_fn handle, void *arg);

/* A timer due at due_ms (monotonic; INT64_MAX: not armed): its number, or
 * -1 when LOOP_TIMERS_MAX are in use. */
int loop_timer_add(struct loop *l, int64_t due_ms, loop_timer_fn fn, void *arg);
/* Re-arm (or with INT64_MAX disarm) timer t. */
void loop_timer_set(struct loop *l, int t, int64_t due_ms);
void loop_timer_del(struct loop *l, int t);

/* End this turn's dispatch after the running callback. */
void loop_break(struct loop *l);

/*
 * One turn, waiting at most timeout_ms (-1: only until the earliest timer;
 * with none, for ever).  0, 1 when a callback called loop_break, -1 when
 * poll failed (errno; an EINTR is a turn with nothing ready, 0).
 */
int loop_run_once(struct loop *l, int timeout_ms);

#endif

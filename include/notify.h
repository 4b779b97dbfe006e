/*
 * notify.h — running a site's program once per message, never waiting for
 * it: a bounded queue, at most so many running at once, each killed past
 * its timeout, reaped by whoever reaps the process's children.
 *
 * Ownership: notifier_new() returns a struct notifier that notifier_free()
 * releases (NULL is a no-op); notifier_add() copies what it is given.
 */
#ifndef HERD_NOTIFY_H
#define HERD_NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NOTIFY_RUNNING_MAX	4	/* at once: a hung program holds one */
#define NOTIFY_QUEUE_MAX	1024	/* waiting; past it a message is dropped (logged) */
#define NOTIFY_VARS_MAX		32	/* variables of one message */
#define NOTIFY_VAR_MAX		1024	/* bytes of one "NAME=value" */

struct notifier;

struct notifier *notifier_new(void);
void notifier_free(struct notifier *n);

/*
 * Queue a run of `path` (no arguments, no shell) whose environment is the
 * caller's without its HERD_* variables, plus vars ("NAME=value", each cut
 * to NOTIFY_VAR_MAX).  what names it in the log ("job 7 END").  0 queued,
 * -1 the queue is full (logged).
 */
int notifier_add(struct notifier *n, const char *path, const char *const *vars, size_t nvars,
    const char *what);

/* Start what may start, kill what ran past timeout_s (monotonic now_ms). */
void notifier_pump(struct notifier *n, int64_t now_ms, int timeout_s);

/* A child reaped with waitpid's status: 1 and logged when it was one of
 * ours, else 0. */
int notifier_reaped(struct notifier *n, pid_t pid, int status);

/* Running, and waiting to run. */
size_t notifier_running(const struct notifier *n);
size_t notifier_queued(const struct notifier *n);

#endif

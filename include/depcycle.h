/*
 * depcycle.h — whether a job's new dependency would make a cycle: the job
 * would wait, directly or through other pending jobs' dependencies, for
 * itself, and so never start.  Pure: the caller says which jobs each job
 * waits for; the tests ask it without a controller.
 */
#ifndef HERD_DEPCYCLE_H
#define HERD_DEPCYCLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The jobs `id` waits for (its pending dependency's jobs), at most `cap`
 * into out; returns how many there are (more than cap: the first cap are
 * given).  0 for a job that waits for nothing, has ended or is unknown.
 */
typedef size_t (*depcycle_next_fn)(void *arg, int64_t id, int64_t *out, size_t cap);

/*
 * Would job `self`, waiting for the `n` jobs in `first`, wait for itself?
 * 1 with the shortest such path in `msg` ("12 -> 13 -> 12"), cut to
 * msgsz; 0 if not.  Each job is followed once: O(jobs + edges).
 */
int depcycle_find(int64_t self, const int64_t *first, size_t n, depcycle_next_fn next,
    void *arg, char *msg, size_t msgsz);

#endif

/*
 * deadheap.h — a min-heap of deadlines: (due, key) pairs, earliest first,
 * equal due times by ascending key, at most one entry per key.
 *
 * The controller keeps each active job's next deadline here (ctl_deadline.c)
 * so that a tick visits only the jobs whose time has come instead of every
 * job.  A key's position in the heap is kept in an open-addressing index,
 * so a deadline is moved or removed in O(log n) without a search.
 *
 * Ownership: a struct deadheap is the caller's; deadheap_init() readies
 * it, deadheap_clear() frees what it allocated (and leaves it empty and
 * usable).  Memory grows by doubling only; no operation allocates
 * otherwise.  At most DEADHEAP_MAX entries.
 */
#ifndef HERD_DEADHEAP_H
#define HERD_DEADHEAP_H

#include <stddef.h>
#include <stdint.h>

#define DEADHEAP_MAX (1u << 24)

struct deadheap_entry {
	int64_t due;
	int64_t key;
	uint32_t slot;		/* its slot in the index */
};

struct deadheap_slot {
	int64_t key;
	uint32_t pos;		/* 1 + its position in the heap; 0: an empty slot */
};

struct deadheap {
	struct deadheap_entry *v;	/* the heap, v[0] the earliest */
	size_t n, cap;
	struct deadheap_slot *index;	/* key -> position; a power of two, under half full */
	size_t slots;
};

void deadheap_init(struct deadheap *h);
void deadheap_clear(struct deadheap *h);
/* Insert key with due, or move its entry there: 0, or -1 when full. */
int deadheap_set(struct deadheap *h, int64_t key, int64_t due);
/* 1 removed, 0 there was none. */
int deadheap_remove(struct deadheap *h, int64_t key);
/* 1 and key's due in *due, 0 none. */
int deadheap_get(const struct deadheap *h, int64_t key, int64_t *due);
/* The earliest entry: 1 and *due, *key (either may be NULL), 0 empty. */
int deadheap_peek(const struct deadheap *h, int64_t *due, int64_t *key);
/* The earliest entry taken out: as peek. */
int deadheap_pop(struct deadheap *h, int64_t *due, int64_t *key);
size_t deadheap_len(const struct deadheap *h);

#endif

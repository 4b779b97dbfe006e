/*
 * deadheap.c — a binary min-heap of (due, key) with a key index.
 *
 * Theory of operation: the heap is an array (v[i]'s children are v[2i+1]
 * and v[2i+2]) ordered by (due, key), so that equal deadlines come out in
 * key order and the order never depends on insertion history.  Each entry
 * knows its slot in the index and each slot its entry's position: moving
 * an entry during a sift updates its slot in O(1), and a key is found in
 * O(1) expected.  The index is linear probing kept under half full, with
 * backward-shift deletion (no tombstones, so lookups never slow down after
 * many removals: the controller adds and removes a key per job).
 */
#include <stdlib.h>
#include <string.h>

#include "deadheap.h"
#include "util.h"

void deadheap_init(struct deadheap *h)
{
	memset(h, 0, sizeof *h);
}

void deadheap_clear(struct deadheap *h)
{
	free(h->v);
	free(h->index);
	deadheap_init(h);
}

size_t deadheap_len(const struct deadheap *h)
{
	return h->n;
}

/* Fibonacci hashing: job ids are dense, the high bits spread them. */
static size_t home(const struct deadheap *h, int64_t key)
{
	uint64_t x = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x >> 32) & (h->slots - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find_slot(const struct deadheap *h, int64_t key)
{
	size_t s = home(h, key);
	while (h->index[s].pos != 0 && h->index[s].key != key)
		s = (s + 1) & (h->slots - 1);
	return s;
}

static void grow_index(struct deadheap *h)
{
	struct deadheap_slot *old = h->index;
	size_t nold = h->slots;
	h->slots = nold ? nold * 2 : 16;
	h->index = xcalloc(h->slots, sizeof *h->index);
	for (size_t i = 0; i < nold; i++) {
		if (old[i].pos == 0)
			continue;
		size_t s = find_slot(h, old[i].key);
		h->index[s] = old[i];
		h->v[old[i].pos - 1].slot = (uint32_t)s;
	}
	free(old);
}

static int before(const struct deadheap_entry *a, const struct deadheap_entry *b)
{
	return a->due < b->due || (a->due == b->due && a->key < b->key);
}

/* Put e at position i and tell its slot. */
static void place(struct deadheap *h, size_t i, struct deadheap_entry e)
{
	h->v[i] = e;
	h->index[e.slot].pos = (uint32_t)i + 1;
}

static void sift_up(struct deadheap *h, size_t i)
{
	struct deadheap_entry e = h->v[i];
	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (!before(&e, &h->v[p]))
			break;
		place(h, i, h->v[p]);
		i = p;
	}
	place(h, i, e);
}

static void sift_down(struct deadheap *h, size_t i)
{
	struct deadheap_entry e = h->v[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && before(&h->v[c + 1], &h->v[c]))
			c++;
		if (!before(&h->v[c], &e))
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, e);
}

int deadheap_set(struct deadheap *h, int64_t key, int64_t due)
{
	if (h->slots != 0) {
		size_t s = find_slot(h, key);
		if (h->index[s].pos != 0) {
			size_t i = h->index[s].pos - 1;
			int64_t was = h->v[i].due;
			h->v[i].due = due;
			if (due < was)
				sift_up(h, i);
			else if (due > was)
				sift_down(h, i);
			return 0;
		}
	}
	if (h->n >= DEADHEAP_MAX)
		return -1;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 16;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	if ((h->n + 1) * 2 > h->slots)
		grow_index(h);
	size_t s = find_slot(h, key);
	h->index[s].key = key;
	h->v[h->n] = (struct deadheap_entry){ due, key, (uint32_t)s };
	h->index[s].pos = (uint32_t)h->n + 1;
	h->n++;
	sift_up(h, h->n - 1);
	return 0;
}

/* Empty slot s, shifting back the entries of its probe run that hashed before it. */
static void index_delete(struct deadheap *h, size_t s)
{
	size_t mask = h->slots - 1, next = (s + 1) & mask;
	while (h->index[next].pos != 0) {
		size_t want = home(h, h->index[next].key);
		/* next may move to s if its home is not within (s, next]. */
		if (((next - want) & mask) >= ((next - s) & mask)) {
			h->index[s] = h->index[next];
			h->v[h->index[s].pos - 1].slot = (uint32_t)s;
			s = next;
		}
		next = (next + 1) & mask;
	}
	h->index[s].pos = 0;
}

/* Take out the entry at position i. */
static void remove_at(struct deadheap *h, size_t i)
{
	index_delete(h, h->v[i].slot);
	if (--h->n == i)
		return;
	place(h, i, h->v[h->n]);
	if (i > 0 && before(&h->v[i], &h->v[(i - 1) / 2]))
		sift_up(h, i);
	else
		sift_down(h, i);
}

int deadheap_remove(struct deadheap *h, int64_t key)
{
	if (h->n == 0)
		return 0;
	size_t s = find_slot(h, key);
	if (h->index[s].pos == 0)
		return 0;
	remove_at(h, h->index[s].pos - 1);
	return 1;
}

int deadheap_get(const struct deadheap *h, int64_t key, int64_t *due)
{
	if (h->n == 0)
		return 0;
	size_t s = find_slot(h, key);
	if (h->index[s].pos == 0)
		return 0;
	*due = h->v[h->index[s].pos - 1].due;
	return 1;
}

int deadheap_peek(const struct deadheap *h, int64_t *due, int64_t *key)
{
	if (h->n == 0)
		return 0;
	if (due != NULL)
		*due = h->v[0].due;
	if (key != NULL)
		*key = h->v[0].key;
	return 1;
}

int deadheap_pop(struct deadheap *h, int64_t *due, int64_t *key)
{
	if (!deadheap_peek(h, due, key))
		return 0;
	remove_at(h, 0);
	return 1;
}

/*
 * depcycle.c — a dependency cycle, found breadth first from the jobs a
 * job's new dependency names, so the path reported is a shortest one.
 * See depcycle.h.
 *
 * The jobs seen are kept in an open-addressed set (ids are never 0 here:
 * job ids start at 1), each with the index of the job it was reached
 * from, to print the path back.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depcycle.h"
#include "util.h"

struct seen {
	int64_t *ids;		/* the order reached: the breadth-first queue */
	size_t *from;		/* per queue entry: the entry it came from, SIZE_MAX: self */
	size_t n, cap;
	size_t *slot;		/* hash slots: queue index + 1, 0 empty */
	size_t nslot;		/* a power of two, at least twice cap */
};

static size_t hash(int64_t id, size_t mask)
{
	return (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 17) & mask;
}

static void seen_grow(struct seen *s)
{
	s->cap = s->cap ? s->cap * 2 : 64;
	s->ids = xreallocarray(s->ids, s->cap, sizeof *s->ids);
	s->from = xreallocarray(s->from, s->cap, sizeof *s->from);
	free(s->slot);
	s->nslot = s->cap * 2;
	s->slot = xcalloc(s->nslot, sizeof *s->slot);
	for (size_t i = 0; i < s->n; i++) {
		size_t h = hash(s->ids[i], s->nslot - 1);
		while (s->slot[h] != 0)
			h = (h + 1) & (s->nslot - 1);
		s->slot[h] = i + 1;
	}
}

/* Add id (reached from entry `from`) unless seen; 1 added. */
static int seen_add(struct seen *s, int64_t id, size_t from)
{
	if (s->nslot > 0) {
		size_t h = hash(id, s->nslot - 1);
		for (; s->slot[h] != 0; h = (h + 1) & (s->nslot - 1))
			if (s->ids[s->slot[h] - 1] == id)
				return 0;
	}
	if (s->n == s->cap)
		seen_grow(s);
	size_t h = hash(id, s->nslot - 1);
	while (s->slot[h] != 0)
		h = (h + 1) & (s->nslot - 1);
	s->ids[s->n] = id;
	s->from[s->n] = from;
	s->slot[h] = ++s->n;
	return 1;
}

/* "self -> a -> b -> self" for the path that reached entry `last`. */
static void path_text(const struct seen *s, int64_t self, size_t last, char *msg, size_t msgsz)
{
	size_t depth = 0, len = 0;
	for (size_t i = last; i != SIZE_MAX; i = s->from[i])
		depth++;
	size_t *p = xreallocarray(NULL, depth, sizeof *p);
	size_t k = depth;
	for (size_t i = last; i != SIZE_MAX; i = s->from[i])
		p[--k] = i;
	msg[0] = '\0';
	len = (size_t)snprintf(msg, msgsz, "%" PRId64, self);
	for (k = 0; k < depth && len < msgsz; k++)
		len += (size_t)snprintf(msg + len, msgsz - len, " -> %" PRId64, s->ids[p[k]]);
	free(p);
}

int depcycle_find(int64_t self, const int64_t *first, size_t n, depcycle_next_fn next,
    void *arg, char *msg, size_t msgsz)
{
	struct seen s = { 0 };
	int64_t buf[64];
	int found = 0;

	for (size_t i = 0; i < n && !found; i++) {
		if (!seen_add(&s, first[i], SIZE_MAX))
			continue;
		if (first[i] == self) {
			path_text(&s, self, s.n - 1, msg, msgsz);
			found = 1;
		}
	}
	for (size_t q = 0; q < s.n && !found; q++) {
		size_t m = next(arg, s.ids[q], buf, sizeof buf / sizeof buf[0]);
		int64_t *out = buf;
		if (m > sizeof buf / sizeof buf[0]) {
			size_t want = m;
			out = xreallocarray(NULL, want, sizeof *out);
			m = next(arg, s.ids[q], out, want);
			if (m > want)
				m = want;
		}
		for (size_t i = 0; i < m && !found; i++) {
			if (!seen_add(&s, out[i], q))
				continue;
			if (out[i] == self) {
				path_text(&s, self, s.n - 1, msg, msgsz);
				found = 1;
			}
		}
		if (out != buf)
			free(out);
	}
	free(s.ids);
	free(s.from);
	free(s.slot);
	return found;
}

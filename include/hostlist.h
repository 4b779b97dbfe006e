/*
 * hostlist.h — Slurm host lists, as -w/--nodelist and -x/--exclude take
 * them: names separated by commas, each with at most one bracket of
 * numbers and ranges ("gpu[1-3,7]", "node[01-10]a", "box1,box2").  A range
 * written with leading zeros matches names of that width only, as Slurm
 * expands it.  Pure; fuzzed.  Matching walks the text: nothing is
 * expanded, so "n[0-999999999]" costs what "n1" does.
 */
#ifndef HERD_HOSTLIST_H
#define HERD_HOSTLIST_H

#include <stddef.h>

#define HOSTLIST_TEXT_MAX 4096

/* Check the syntax: 0, or -1 with *err.  *count (may be NULL): how many
 * names the list expands to (capped at 1000000). */
int hostlist_check(const char *list, size_t *count, char *err, size_t errsz);

/* Whether name is in the list: 1 yes, 0 no, -1 bad syntax. */
int hostlist_match(const char *list, const char *name);

/*
 * The names as one compressed list, as sinfo prints NODELIST: sorted, a
 * trailing number's runs in one bracket per prefix and width
 * ("gpu[1-3,7],node[01-02],box"), a name alone as it is, duplicates once.
 * Returns the length written, or -1 when dst (size bytes) is too small or
 * memory runs out (dst then holds the whole items that fit).
 */
int hostlist_compress(const char *const *names, size_t n, char *dst, size_t size);

#endif

/*
 * constraint.h — Slurm's --constraint/-C expressions over a node's
 * features (hosts.ini's `features = ...`).  Pure; fuzzed.
 *
 *   a100            the node has feature a100
 *   a&b  a|b        and, or (& binds tighter than |, as in C)
 *   [a|b]  (a|b)    grouping; Slurm's "matching or" brackets mean, for a
 *                   one-node job, what parentheses do
 *
 * A feature name is 1..CONSTRAINT_NAME_MAX bytes of [A-Za-z0-9_.:+-];
 * case matters, as in Slurm.  Slurm's counts (a*2) and "prefer" forms ask
 * for several nodes and are refused.  An expression is at most
 * CONSTRAINT_TEXT_MAX bytes and CONSTRAINT_DEPTH groups deep.
 */
#ifndef HERD_CONSTRAINT_H
#define HERD_CONSTRAINT_H

#include <stddef.h>

#define CONSTRAINT_TEXT_MAX 1024
#define CONSTRAINT_NAME_MAX 64
#define CONSTRAINT_DEPTH 16

/* Check the syntax: 0, or -1 with *err ("unbalanced '[' at 3"). */
int constraint_check(const char *expr, char *err, size_t errsz);

/*
 * Whether a node with these features (commas or blanks; NULL: none)
 * satisfies expr: 1 yes, 0 no, -1 bad syntax (constraint_check's).
 */
int constraint_match(const char *expr, const char *features);

#endif

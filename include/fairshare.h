/*
 * fairshare.h — usage that decays, and Slurm's classic fair-share factor
 * over the account tree.  Pure: numbers in, numbers out; herdd, herd sim
 * and the unit tests call it.
 *
 * Usage is GPU-hours × billing (CPU-hours for a job without GPUs), kept per
 * association (a user in an account) as a value and the instant it was
 * decayed to.  It halves every half_life: u(t) = u(t0) × 2^(-(t-t0)/h).
 * A job running at rate r (billed units per hour) from t0 to t1 adds what
 * it accrued, decayed as it went: r/3600 × h/ln 2 × (1 - 2^(-(t1-t0)/h)).
 *
 * The tree: accounts (from hosts.ini, a parent index each, -1 the root)
 * and under them the associations (1 share each, beside sub-accounts).
 * For every node: normalised shares S = its shares over its siblings',
 * times its parent's S; normalised usage U = its subtree's usage over all
 * usage; effective usage UE = U for a child of the root, else
 * U + (UE(parent) - U) × shares / siblings' shares (usage of an account's
 * other members counts against it in proportion to its share); the factor
 * F = 2^(-UE/S), 1 while nobody has used anything, 0 with no shares.
 */
#ifndef HERD_FAIRSHARE_H
#define HERD_FAIRSHARE_H

#include <stddef.h>
#include <stdint.h>

/* u decayed from `from` to `to` (to < from: u as it is). */
double fs_decay(double u, int64_t from, int64_t to, int64_t half_life_s);
/* What `rate` units per hour from `from` to `to` add, decayed to `to`. */
double fs_accrue(double rate, int64_t from, int64_t to, int64_t half_life_s);

struct fs_node {
	int parent;		/* index, -1: a child of the root */
	double shares;		/* raw */
	double usage;		/* its own (associations), all decayed to one instant */
	/* filled by fs_compute: */
	double subtree;		/* usage of it and everything under it */
	double norm_shares, norm_usage, eff_usage, factor;
};

/* Fill the computed fields of n[0..count); parents may come in any order
 * but must form a tree (acct_conf_finish refuses cycles). */
void fs_compute(struct fs_node *n, size_t count);

#endif

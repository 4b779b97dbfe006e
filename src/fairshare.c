/*
 * fairshare.c — decay and the classic fair-share factor.  See fairshare.h.
 *
 * Theory of operation.  Decay is continuous (an exponential of the elapsed
 * seconds), so when it is applied does not change the result: a row
 * decayed at every pass and one decayed once after a week say the same.
 * That lets herdd write usage only when something changes it and still
 * agree with itself across restarts.  fs_compute walks up from every node
 * to the root for the subtree sums and down (by depth) for the normalised
 * shares and the effective usage; the tree is small (accounts and the
 * associations under them), so O(nodes × depth) is nothing next to a pass.
 */
#include <math.h>
#include <stdlib.h>

#include "fairshare.h"
#include "util.h"

double fs_decay(double u, int64_t from, int64_t to, int64_t half_life_s)
{
	if (to <= from || half_life_s <= 0)
		return u;
	return u * exp2(-(double)(to - from) / (double)half_life_s);
}

double fs_accrue(double rate, int64_t from, int64_t to, int64_t half_life_s)
{
	if (to <= from || rate <= 0)
		return 0;
	if (half_life_s <= 0)
		return rate * (double)(to - from) / 3600.0;
	double h = (double)half_life_s;
	return rate / 3600.0 * h / M_LN2 * (1 - exp2(-(double)(to - from) / h));
}

static size_t depth(const struct fs_node *n, size_t i, size_t count)
{
	size_t d = 0;
	for (int k = n[i].parent; k >= 0 && d <= count; k = n[k].parent)
		d++;
	return d;
}

void fs_compute(struct fs_node *n, size_t count)
{
	double total = 0;
	double *sib = xcalloc(count + 1, sizeof *sib);	/* children's shares; [count]: root's */
	size_t *dep = xcalloc(count ? count : 1, sizeof *dep), maxd = 0;

	for (size_t i = 0; i < count; i++)
		n[i].subtree = 0;
	for (size_t i = 0; i < count; i++) {
		size_t steps = 0;
		total += n[i].usage;
		for (int k = (int)i; k >= 0 && steps <= count; k = n[k].parent, steps++)
			n[k].subtree += n[i].usage;
		sib[n[i].parent >= 0 ? (size_t)n[i].parent : count] += n[i].shares;
		dep[i] = depth(n, i, count);
		if (dep[i] > maxd)
			maxd = dep[i];
	}
	/* Parents before children: by depth. */
	for (size_t d = 0; d <= maxd; d++) {
		for (size_t i = 0; i < count; i++) {
			if (dep[i] != d)
				continue;
			struct fs_node *x = &n[i];
			int p = x->parent;
			double all = sib[p >= 0 ? (size_t)p : count];
			double part = all > 0 ? x->shares / all : 0;
			x->norm_shares = part * (p >= 0 ? n[p].norm_shares : 1);
			x->norm_usage = total > 0 ? x->subtree / total : 0;
			x->eff_usage = p < 0 ? x->norm_usage :
			    x->norm_usage + (n[p].eff_usage - x->norm_usage) * part;
			x->factor = x->norm_shares > 0 ? exp2(-x->eff_usage / x->norm_shares) : 0;
		}
	}
	free(sib);
	free(dep);
}

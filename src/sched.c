/*
 * sched.c — one scheduling pass over a snapshot.  See sched.h for the policy.
 * The pass is O(jobs started + nodes × 1): it ends at the first job that
 * cannot start, so 100,000 waiting jobs cost no more than a full cluster.
 */
#include "sched.h"

static uint64_t take_gpus(uint64_t free, int n)
{
	uint64_t mask = 0;
	for (int i = 0; i < 64 && n > 0; i++) {
		if (free & (1ULL << i)) {
			mask |= 1ULL << i;
			n--;
		}
	}
	return n == 0 ? mask : 0;
}

/* Whether the jobs on n let j join them, and j lets them stay. */
static int shares(const struct sched_job *j, const struct sched_node *n)
{
	if (n->njobs == 0)
		return 1;
	if (n->excl == SCHED_EXCL_NODE || j->excl == SCHED_EXCL_NODE)
		return 0;
	if (n->excl == SCHED_EXCL_USER || j->excl == SCHED_EXCL_USER)
		return !n->mixed && n->uid == j->uid;
	return 1;
}

static int fits(const struct sched_job *j, const struct sched_node *n)
{
	if (!n->up || n->cpus_free < j->cpus || n->mem_free_mb < j->mem_mb ||
	    __builtin_popcountll(n->gpu_free) < j->gpus)
		return 0;
	return shares(j, n);
}

void sched_node_add_job(struct sched_node *n, int excl, uint32_t uid)
{
	if (n->njobs == 0)
		n->uid = uid;
	else if (n->uid != uid)
		n->mixed = 1;
	n->njobs++;
	if (excl > n->excl)
		n->excl = excl;
}

struct sched_result sched_pass(const struct sched_job *jobs, size_t njobs,
    struct sched_node *nodes, size_t nnodes, struct sched_decision *out, size_t cap)
{
	struct sched_result r = { 0, njobs };

	for (size_t i = 0; i < njobs; i++) {
		const struct sched_job *j = &jobs[i];
		size_t k;
		for (k = 0; k < nnodes; k++)
			if (fits(j, &nodes[k]))
				break;
		if (k == nnodes || r.ndecisions == cap) {
			r.blocked = i;
			break;
		}
		struct sched_node *n = &nodes[k];
		uint64_t mask = j->gpus ? take_gpus(n->gpu_free, j->gpus) : 0;
		if (j->excl == SCHED_EXCL_NODE) {
			mask = n->gpu_free;	/* all of it: the node is empty */
			n->cpus_free = 0;
			n->mem_free_mb = 0;
		} else {
			n->cpus_free -= j->cpus;
			n->mem_free_mb -= j->mem_mb;
		}
		n->gpu_free &= ~mask;
		sched_node_add_job(n, j->excl, j->uid);
		out[r.ndecisions++] = (struct sched_decision){ i, (int)k, mask };
	}
	return r;
}

int sched_fits_capacity(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus)
{
	return j->cpus <= cpus && j->mem_mb <= mem_mb && j->gpus <= ngpus;
}

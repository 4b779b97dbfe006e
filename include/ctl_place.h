/*
 * ctl_place.h — where a job may run (ctl_place.c): its GPU type and
 * memory, --constraint, -w, -x, as node masks and GPU classes for the
 * pure pass (sched.h's part, gclass, gpu_ok) and as submit's refusals.
 *
 * Ownership: a struct place_pass lives for one pass
 * (ctl_place_pass_new/free); the strings it keys on are interned.
 */
#ifndef HERD_CTL_PLACE_H
#define HERD_CTL_PLACE_H

#include <stdint.h>

struct ctl;
struct node;
struct job_row;
struct place_pass;

/* Whether a job has a node filter of its own. */
int ctl_place_filtered(const char *constraint, const char *nodelist, const char *exclude);
/* Whether node n passes a job's filter (NULLs: no filter). */
int ctl_place_node_ok(const struct node *n, const char *constraint, const char *nodelist,
    const char *exclude);
/* The GPUs of n (bit: position in its probe) of this type (NULL: any)
 * with at least mem_mb each (0: any). */
uint64_t ctl_place_gpus(const struct node *n, const char *type, int64_t mem_mb);

/* Submit: the placement fields are well formed and some node (of mask, a
 * partition's; NULL: any) could take the job; else -1 with *err naming
 * what exists (the GPU types, ...). */
int ctl_place_submit(struct ctl *c, const struct job_row *r, const uint64_t *mask, char *err,
    size_t errsz);

struct place_pass *ctl_place_pass_new(struct ctl *c);
void ctl_place_pass_free(struct place_pass *pl);
/* The job's GPU class (sched_job.gclass): 0 any; rows added as needed. */
int32_t ctl_place_gclass(struct place_pass *pl, const char *type, int64_t mem_mb, int gpus);
/* The rows, for sched_snapshot.gpu_ok (valid until the next gclass call). */
const uint64_t *ctl_place_gpu_ok(const struct place_pass *pl);
/* Clear from mask (bit k: node k) the nodes the filter leaves out. */
void ctl_place_mask(struct ctl *c, const char *constraint, const char *nodelist,
    const char *exclude, uint64_t *mask);

/*
 * --hint=nomultithread and --mem=0 (per-node figures, sched.h): the node's
 * side of a snapshot (its threads per core and memory), what j takes of n
 * once placed there (cpus and mem_mb become the allocation, as the pass
 * counted it), and its request again when it is back to PENDING (for a
 * next attempt, perhaps on another node).
 */
struct sched_node;
struct job;
void ctl_place_node_facts(const struct node *n, struct sched_node *sn);
void ctl_place_take(const struct node *n, struct job *j);
void ctl_place_unplace(struct job *j);

#endif

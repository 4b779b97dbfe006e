/*
 * sched.h — the scheduler: one pure pass from a snapshot (nodes with what
 * is free, the jobs holding resources with their expected ends, the
 * pending jobs in priority order, the clock) to placements, a reservation
 * and a reason for every pending job it looked at.  No I/O, no globals, no
 * clock of its own: herdd's ctl_schedule, `herd submit --test-only`,
 * `herd sim` and the unit tests all call sched_plan().
 *
 * Placement keeps GPUs usable: of the nodes with enough free whole GPUs,
 * CPUs and memory, a job goes to the cheapest (ties: configuration order),
 * taking the lowest-numbered free GPUs.  A GPU job: best fit by free GPUs
 * (the node it leaves the fewest free GPUs on, so a 1-GPU job goes to a
 * partly used box rather than break up an idle 8-GPU one).  A CPU-only job:
 * a node where it leaves cpus_per_gpu CPUs for each free GPU (so GPU jobs
 * can still start there) before one where it does not, and among those the
 * fewest free GPUs (a node without free GPUs first).  It is a preference, never a
 * refusal: a CPU-only job takes a GPU node's last CPUs rather than wait.
 * Memory is not weighed.  Policies (what happens once a job fits nowhere):
 *
 *   SCHED_FCFS    the first job that fits nowhere stops the pass; no job
 *                 overtakes it.
 *   SCHED_EASY    Lifka's EASY backfill.  The first job that fits nowhere
 *                 (the head) gets a reservation: the earliest time and node
 *                 at which it fits once running jobs reach their expected
 *                 ends (start + time limit; a job without a limit never
 *                 ends, as far as the plan knows).  Every later job that
 *                 fits now starts if it cannot delay that: it ends by the
 *                 reservation's time, or goes to another node, or on the
 *                 reserved node takes only what the head will leave over
 *                 (its "extra" resources).
 *   SCHED_GREEDY  the backfill variant published with RLScheduler (SC'20)
 *                 as "FCFS with backfilling", for reproducing its figures:
 *                 a later job starts only if it fits now and its limit ends
 *                 strictly before the head's reservation, no extra rule,
 *                 and the reservation time is kept (pin_job/pin_until) from
 *                 when that head first blocked rather than re-planned.
 *
 * Priority: jobs arrive in the caller's order (herdd sorts them by
 * multifactor priority, ctl_share_order); `priority` is carried for
 * display.  The one
 * reordering the pass makes is by partition tier (`tier`, hosts.ini's
 * priority_tier, as Slurm's PriorityTier): a job of a higher tier is
 * looked at before every job of a lower one, and within a tier the
 * caller's order holds (a stable sort, made only where the snapshot says
 * `tiers` and the jobs' tiers do differ; without it a pass with a full
 * cluster never walks the whole queue).
 *
 * Partitions: a job may run only on the nodes of its partitions, a row of
 * the snapshot's `masks` (bit k: nodes[k]) named by `part` (row part - 1;
 * 0: any node).
 * A reservation is planned on those nodes only.
 *
 * Exclusivity (--exclusive).  A node running a SCHED_EXCL_NODE job takes no
 * other job; one running a SCHED_EXCL_USER job takes only that user's jobs.
 * A SCHED_EXCL_NODE job waits for an empty node and gets all of it (every
 * GPU, CPU and MB left free, which on an empty node is the whole node); a
 * SCHED_EXCL_USER job waits for a node that is empty or runs only its
 * user's jobs, and gets what it asked for.  A reservation counts who will
 * still run on its node at its time; a job that may not share a node with
 * a reserved one (either way) never runs there while its reservation
 * would: an exclusive head leaves no extra.
 *
 * Several reservations (EASY, the snapshot's `reservations` = N > 1, as
 * Slurm's backfill plans every job it tests): the first N jobs that cannot
 * start now each get one, in order, planned around the jobs running, the
 * jobs this pass started and the reservations before it (a reservation
 * holds its node's resources from its start to start + limit).  A later
 * job starts now only where it delays none of them: on a node without a
 * reservation, or where it ends before each reservation there begins or
 * fits beside it in what the node has left at that reservation's start.
 * With N = 1 this is exactly EASY's rule above.  GREEDY plans one.
 *
 * Reasons (Slurm's names): a job that starts has SCHED_R_NONE; a job that
 * cannot start but would, on a node it may use, were the GPUs in use
 * outside herd (gpu_foreign) free, has GpusInUseOutsideHerd (herd's own
 * word: Slurm never sees such use); a job that
 * cannot start and was given a reservation slot (the head, and the next
 * N - 1 of EASY) has Resources; a later job looked at and not started has
 * Priority (a job ahead of it holds what it would need now or later).
 * Jobs past `looked` were not examined (FCFS stops at the head; EASY once
 * its reservations are planned and nothing is free anywhere): the caller
 * reads them as Priority too.  Reason codes are one byte, so that checks
 * outside the pass (eligibility, limits) can add theirs in the same field.
 *
 * Where a job may run (ctl_place.c).  A job's gclass names the GPUs it
 * may take on each node (a type, at least some memory): it fits where
 * enough of those are free and takes the lowest-numbered of them.  A
 * reservation counts GPUs only as the rest of the plan does, on nodes
 * with enough of the job's GPUs in all.  A job whose own node filter
 * (where: -C, -w, -x, folded into part by the caller) leaves it no node,
 * or whose gclass exists on none of its nodes, waits with BadConstraints;
 * one whose nodes are all down or drained, with ReqNodeNotAvail.  Either
 * way it is passed over as a limit's job is (not the head, no
 * reservation).  One O(nodes) look per such job.
 *
 * Limits (limit.h): where the snapshot has counter groups, a job whose
 * groups (`lim`) a start now would take over a limit waits with that
 * limit's reason (SCHED_R_LIMIT + enum limit_reason) and the pass goes on:
 * it is not the head, gets no reservation and blocks nobody.  A job the
 * pass starts is counted in its groups at once.  With limits the reasons
 * of the jobs past the point where the pass stops looking are filled too
 * (a limit's, else Priority) and `looked` is njobs, one O(1) check each,
 * so every held job shows its limit however full the cluster is.
 *
 * Sharing a GPU by memory (--gpu-share, gpushare.h).  A sharing job
 * (share_mb > 0, gpus 1) takes part of one GPU: one that is free or
 * already held by sharing jobs only (the node's gpu_shared) and whose
 * shareable memory (the snapshot's share_mb: its total, less foreign use,
 * less what the sharing jobs there declared) is at least share_mb; of
 * those, the one it leaves the least room on, a shared one before a free
 * one (so whole GPUs stay whole).  The GPU leaves gpu_free for gpu_shared
 * and its share_mb goes down by the declaration: a pass never
 * over-commits a GPU, and a whole-GPU job never gets a shared one (it
 * takes only gpu_free).  Which nodes allow sharing is the caller's (it
 * folds them into part).  The plan ahead counts a sharing job as giving
 * no GPU back (the GPU may still be shared when it ends): reservations
 * err late, never over a GPU.
 *
 * Per-node needs: a job's CPUs and memory may depend on the node (sched_need):
 * --hint=nomultithread counts whole cores (cpus x the node's tpc, as Slurm),
 * --mem=0 takes all of the node's memory (mem_total_mb; as Slurm).  Every
 * fit, placement and reservation counts the need on its node; the caller
 * records on the job what it took (sched_need again, on the chosen node).
 * Decided here, not at submit or in ctl_place.c, because only the pass
 * knows which node it weighs, and the backfill plan must count the same.
 *
 * Cost: FCFS is O(jobs started + nodes); EASY adds a sort of the running
 * jobs of each node for each reservation and O(nodes) per later job while
 * anything is free (plus O(N) on a node that has reservations).  sched_depth() says how many pending jobs a pass can use, so the
 * caller need not build more.
 */
#ifndef HERD_SCHED_H
#define HERD_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "limit.h"

/* Who may share a job's node (job.h's enum job_share has the same values). */
enum { SCHED_SHARED = 0, SCHED_EXCL_NODE = 1, SCHED_EXCL_USER = 2 };

enum sched_policy { SCHED_FCFS = 0, SCHED_EASY = 1, SCHED_GREEDY = 2 };

/* Why a pending job did not start in this pass.  From SCHED_R_LIMIT on: a
 * limit's, SCHED_R_LIMIT + enum limit_reason. */
enum sched_reason { SCHED_R_NONE = 0, SCHED_R_PRIORITY = 1, SCHED_R_RESOURCES = 2,
	SCHED_R_FOREIGN = 3, SCHED_R_BADCONSTRAINTS = 4, SCHED_R_REQNODENOTAVAIL = 5,
	SCHED_R_LIMIT = 64 };

/* An end time that never comes (a job without a time limit). */
#define SCHED_NEVER INT64_MAX

/* The most reservations one pass plans (hosts.ini's reservations). */
#define SCHED_RESV_MAX 64

struct sched_node {
	int up;			/* schedulable */
	int cpus_free;
	int64_t mem_free_mb;
	uint64_t gpu_free;	/* bit i: GPU i free */
	uint64_t gpu_foreign;	/* bit i: GPU i held by no job but in use outside
				 * herd (not in gpu_free): for the reason only */
	uint64_t gpu_shared;	/* bit i: GPU i held by sharing jobs only (not in
				 * gpu_free): more of them may join */
	int cpus_per_gpu;	/* CPUs a CPU-only job should leave for each free
				 * GPU (the node's CPUs / GPUs, rounded up); 0: none */
	/* Who runs there (jobs holding resources, being killed included);
	 * all zero where no job asks for exclusivity anywhere. */
	int njobs;
	int excl;		/* the strictest SCHED_* of the jobs there */
	int mixed;		/* jobs of more than one user */
	uint32_t uid;		/* njobs > 0 and !mixed: whose they are */
	int tpc;		/* threads per core (nomt jobs); 0 or 1: one */
	int64_t mem_total_mb;	/* all of its memory (mem_all jobs); 0 unknown */
};

/* A job holding resources on a node: what it gives back, and when. */
struct sched_run {
	int node;		/* index into the nodes array */
	int gpus;
	int cpus;
	int64_t mem_mb;
	int excl;		/* SCHED_* */
	uint32_t uid;
	int64_t end;		/* expected end (start + limit), clock units; SCHED_NEVER */
	int64_t id;		/* the caller's, named by a reservation it frees */
};

struct sched_job {
	int gpus;
	int cpus;
	int64_t mem_mb;
	int excl;		/* SCHED_* */
	uint32_t uid;
	int64_t limit;		/* time limit in clock units; 0: none */
	int64_t id;		/* the caller's; matched against pin_job */
	double priority;	/* the caller's ordering key, shown, never re-sorted here */
	int32_t part;		/* 0: any node; r > 0: row r - 1 of the snapshot's masks */
	int32_t tier;		/* higher first (partition priority_tier); 0 usually */
	int32_t lim[LIMIT_SLOTS];	/* its limit groups, 1-based into the snapshot's
					 * limits (LIM_ACCT, ...); 0: none */
	int32_t gclass;		/* 0: any GPU; r > 0: only the GPUs of row r - 1
				 * of the snapshot's gpu_ok (a type, a memory) */
	int where;		/* part holds a node filter of its own (-C, -w,
				 * -x): BadConstraints / ReqNodeNotAvail apply */
	int64_t share_mb;	/* --gpu-share: this much of one GPU's memory
				 * (gpus is 1); 0: whole GPUs */
	int nomt;		/* --hint=nomultithread: cpus counts cores, so it
				 * needs cpus x the node's tpc */
	int mem_all;		/* --mem=0: all of the node's memory (mem_mb unused) */
	int svc;		/* a service: max_service_gpus holds too (limit.h) */
	int32_t spread;		/* 0: none; r > 0: a replica of a service, row r - 1
				 * of the snapshot's spread: a node there costs
				 * more than any fit (soft: never refused) */
};

struct sched_decision {
	size_t job;		/* index into the jobs array */
	int node;		/* index into the nodes array */
	uint64_t gpu_mask;	/* GPUs given (all of the node's: SCHED_EXCL_NODE) */
};

/* Where and when a job that cannot start now is planned to start. */
struct sched_reservation {
	size_t job;		/* index into the jobs array */
	int node;
	int64_t start;		/* clock units; SCHED_NEVER: once jobs without a limit end */
	int64_t after;		/* id of the job (running, started by this pass, or
				 * reserved before it) whose expected end at start
				 * makes room; -1 none */
};

struct sched_snapshot {
	int policy;			/* enum sched_policy */
	int64_t now;			/* the clock, in the unit of limits and ends */
	struct sched_node *nodes;	/* updated in place as resources are handed out */
	size_t nnodes;
	const struct sched_run *running;	/* every job holding resources */
	size_t nrunning;
	const struct sched_job *jobs;	/* pending, in priority order */
	size_t njobs;
	int64_t pin_job;		/* SCHED_GREEDY: the last pass's head and */
	int64_t pin_until;		/* its reservation time (pin_job -1: none) */
	/* Node sets of partitions: row r is masks[r * mask_words ...] (a job's
	 * part r + 1), bit k
	 * of word k / 64 for nodes[k]; mask_words >= (nnodes + 63) / 64. */
	const uint64_t *masks;
	size_t mask_words;
	int tiers;			/* jobs' tiers may differ: look at higher ones first */
	struct limits *limits;		/* counter groups of jobs' lim, counted up as jobs
					 * start; NULL: no limits */
	int reservations;		/* EASY: how many blocked jobs get one (0 as 1,
					 * at most SCHED_RESV_MAX) */
	/* GPUs a job's gclass may take: row r is gpu_ok[r * nnodes + k], bit
	 * i for GPU i of nodes[k] (the type asked for, memory enough). */
	const uint64_t *gpu_ok;
	/* Sharing: share_mb[k * SCHED_GPUS + i], the memory a sharing job may
	 * still declare on GPU i of nodes[k] (total − foreign − declared),
	 * lowered in place as the pass hands it out; NULL: no sharing. */
	int64_t *share_mb;
	/* Services' replicas (ctl_spread.c): row r (mask_words words, bit k
	 * for nodes[k]) the nodes where a replica of a job's service runs,
	 * set in place as the pass places one; NULL: none. */
	uint64_t *spread;
};

/* GPUs per node in share_mb's rows (a mask's bits). */
#define SCHED_GPUS 64

struct sched_plan {
	struct sched_decision *out;	/* the caller's, cap entries */
	size_t cap;
	uint8_t *reason;		/* the caller's, njobs entries, or NULL */
	size_t ndecisions;
	size_t blocked;			/* the head: the first job that fit nowhere, or njobs */
	size_t looked;			/* how many jobs were examined: [0, looked) where
					 * no tiers differ; reason[] of the others is
					 * left as it was */
	int nresv;			/* 0 .. the snapshot's reservations */
	struct sched_reservation resv[SCHED_RESV_MAX];	/* in the order planned */
};

/*
 * One pass.  Fills p's counts, out[0..ndecisions), reason[0..looked) and
 * the reservations.  At most cap decisions; a full cap ends the pass there
 * (the job at which it stopped counts as not looked at).
 */
void sched_plan(const struct sched_snapshot *s, struct sched_plan *p);

/* How many pending jobs a pass over these nodes can use (FCFS: one more
 * than the free CPUs, since every job needs a CPU); SIZE_MAX: all. */
size_t sched_depth(int policy, const struct sched_node *nodes, size_t nnodes);

/* Slurm's name for a reason ("Priority", "Resources", "AssocGrpGRES"), NULL for none. */
const char *sched_reason_name(int reason);

/* "fcfs", "easy", "greedy" → enum sched_policy; -1 if unknown. */
int sched_policy_parse(const char *name);

/* Count a job that holds resources on n into its sharing fields. */
void sched_node_add_job(struct sched_node *n, int excl, uint32_t uid);

/* Whether a job could ever run on a node of this total capacity (one
 * thread per core; sched_fits_node: tpc threads). */
int sched_fits_capacity(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus);
int sched_fits_node(const struct sched_job *j, int cpus, int64_t mem_mb, int ngpus, int tpc);
/* What j takes of n if placed there: its CPUs (times tpc for nomt) and
 * memory (all of mem_total_mb for mem_all). */
void sched_need(const struct sched_job *j, const struct sched_node *n, int *cpus, int64_t *mem_mb);

/* The FCFS pass over free nodes with nothing running (the original
 * interface, kept for callers that need no plan). */
struct sched_result {
	size_t ndecisions;
	size_t blocked;		/* index of the job that stopped the pass, or njobs */
};
struct sched_result sched_pass(const struct sched_job *jobs, size_t njobs,
    struct sched_node *nodes, size_t nnodes, struct sched_decision *out, size_t cap);

#endif

/*
 * nodestate.h — what state a node is in, decided from facts: pure
 * functions, no I/O, no clock of their own (the caller passes now).
 *
 * Theory of operation: the controller (ctl_outage.c) gathers the facts —
 * when the node was last reachable, what its probe said, which jobs hold
 * what — and these functions return the decision: whether the node is
 * DOWN and whether its jobs are given up (outage), whether its GPUs are
 * healthy (health), whether an ended job's files may go (housekeeping),
 * and the Slurm name of its state for `herd nodes`.  So every rule is a
 * unit test (tests/unit/test_nodestate.c, and the controller harness in
 * tests/unit/test_ctl.c for the way they are applied).
 */
#ifndef HERD_NODESTATE_H
#define HERD_NODESTATE_H

#include <stddef.h>
#include <stdint.h>

struct probe_result;

/*
 * A node the controller cannot reach: not yet DOWN while a reconnect may
 * still come (down_after), DOWN after; its jobs are left alone, to be
 * adopted when it answers, until node_fail_after, when they end
 * NODE_FAIL.  Both count from the last contact; node_fail_after 0: never.
 */
enum outage_state { OUTAGE_UP, OUTAGE_NOT_RESPONDING, OUTAGE_DOWN };

struct outage_in {
	int reachable;			/* its command shell is up */
	int64_t lost_ms;		/* monotonic ms of the last contact (reachable 0) */
	int64_t now_ms;
	int down_after_s;
	int node_fail_after_s;		/* 0: its jobs wait for it for ever */
};

struct outage_out {
	enum outage_state state;
	int fail_jobs;			/* its jobs end NODE_FAIL (or are requeued) now */
	int64_t next_ms;		/* when the answer changes next (0: not by time) */
};

void outage_decide(const struct outage_in *in, struct outage_out *out);

/*
 * Whether the node's probe shows it healthy: nvidia-smi answered, and no
 * fewer GPUs than the most it ever showed (gpus_max).  1 healthy; 0 not,
 * with the reason (nvidia-smi's own message quoted) in why.
 */
int health_check(const struct probe_result *p, size_t gpus_max, char *why, size_t whysz);

/* Whether free disk (KiB; -1 unknown) is under min_free_disk (MB; 0: no minimum):
 * 1 with the reason in why. */
int disk_low(int64_t free_kb, int64_t min_mb, char *why, size_t whysz);

/* Whether an ended attempt's files on its node may be removed: its end
 * (wall seconds, 0 unknown) was recorded at least keep_s ago. */
int job_files_due(int64_t end_time, int64_t now, int64_t keep_s);

/*
 * The state `herd nodes` shows, by Slurm's names: DOWN; DRAINING (drained,
 * jobs still there) or DRAINED; else ALLOCATED (every CPU, or every GPU of
 * a GPU node, held, or a whole-node job), MIXED (some held) or IDLE;
 * UNKNOWN before the first answer.  A node not responding gets Slurm's
 * "*" (IDLE*, MIXED*, ...).
 */
struct state_in {
	int known;			/* answered at least once (probed) */
	enum outage_state outage;
	int drained;			/* by an admin, or by herd (health, disk) */
	size_t jobs;			/* jobs holding resources there */
	int cpus, cpus_used;
	size_t gpus, gpus_used;
	int whole;			/* an --exclusive job holds it all */
};

const char *node_state_label(const struct state_in *in, char *buf, size_t size);

#endif

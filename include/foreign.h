/*
 * foreign.h — which of a node's GPUs are in use outside herd, decided from
 * one probe.  Pure: a probe result, the herd jobs holding GPUs there and the
 * clock in; a foreign_state out.  The controller (ctl_foreign.c) keeps one
 * per node and hands the previous one in, so that a process keeps the time
 * it was first seen.
 *
 * Ownership: a foreign_state is foreign_state_init()/foreign_state_clear();
 * it owns its procs array.  foreign_classify() borrows everything else.
 */
#ifndef HERD_FOREIGN_H
#define HERD_FOREIGN_H

#include <stddef.h>
#include <stdint.h>

#include "probe.h"

/* hosts.ini's foreign_mem_threshold default, MiB. */
#define FOREIGN_MEM_DEFAULT_MB 512

/* A herd job holding resources on the node. */
struct foreign_job {
	int64_t id;
	int pid;		/* its session leader (the runner's setsid); 0 unknown */
	uint64_t gpus;		/* GPUs it holds, by position in the probe's list */
	const char *user;	/* its owner, for display */
};

/* Why a GPU is busy outside herd. */
enum foreign_why {
	FOREIGN_NONE = 0,
	FOREIGN_PROC,		/* a process that is no herd job's, or a herd job's
				 * process on a GPU that job does not hold */
	FOREIGN_MEM,		/* memory in use above the threshold, no process
				 * explains it (another container, a dead context) */
};

/* One process using a GPU outside herd. */
struct foreign_proc {
	int gpu;		/* position in the probe's list */
	char gpu_uuid[96];
	int pid;
	int64_t uid;		/* -1 unknown */
	char user[PROBE_USER_MAX + 1];	/* "" unknown */
	char process[64];
	int64_t mem_mb;		/* -1 unknown */
	int64_t since;		/* the clock of the first probe that saw it */
	int64_t job;		/* a herd job's process on a GPU it does not hold; 0 none */
};

struct foreign_state {
	uint64_t busy;		/* bit g: GPU g is in use outside herd */
	uint8_t why[PROBE_MAX_GPUS];	/* enum foreign_why per GPU */
	int64_t mem_mb[PROBE_MAX_GPUS];	/* memory not explained by herd jobs; -1 unknown */
	struct foreign_proc *procs;
	size_t nprocs;
};

void foreign_state_init(struct foreign_state *f);
void foreign_state_clear(struct foreign_state *f);

/*
 * Which held job a GPU process belongs to: the index into jobs, or -1.  By
 * ancestry: the process is a job's session leader, or in its session or
 * process group, or descends from it; else by the HERD_JOB_ID the node
 * read from its environment (only readable for the node account's own
 * processes).  Never by memory use.
 */
int foreign_owner(const struct gpu_proc *p, const struct foreign_job *jobs, size_t njobs);

/*
 * Decide every GPU of pr (which must be GPUS_OK) into *out, replacing it.
 * threshold_mb: memory above which a GPU with no herd job holding it
 * counts as used.  prev (may be NULL or out itself) gives each process its
 * first-seen time; now is the caller's clock.
 */
void foreign_classify(const struct probe_result *pr, const struct foreign_job *jobs,
    size_t njobs, int64_t threshold_mb, int64_t now, const struct foreign_state *prev,
    struct foreign_state *out);

#endif

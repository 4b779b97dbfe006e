/*
 * oomkill.h — an attempt killed by the kernel's out-of-memory killer: how
 * the node's end event says so and how herd names it.
 *
 * No I/O.  The runner counts the kills in the job's memory cgroup
 * (isolate_add_oom) and appends " oom N" to its end event; the controller
 * (ctl_node.c) asks oomkill_parse_end() and, for a failed end with kills,
 * records the job's last_oom and the reason OOMKILL_REASON (Slurm's
 * reason for its state OUT_OF_MEMORY); herd service ls shows the last exit
 * as OOMKILL_EXIT.
 */
#ifndef HERD_OOMKILL_H
#define HERD_OOMKILL_H

#include <stdint.h>

#define OOMKILL_REASON	"OutOfMemory"
#define OOMKILL_EXIT	"OOM"

/* The rest of an end event after its status: "oom N" (N 1..10^9) → N;
 * empty or NULL → 0; anything else → -1 (a node's account may write
 * there: told as no kill). */
int64_t oomkill_parse_end(const char *rest);

/* Whether an attempt that ended with `status` (job.h's: 0 success) after
 * `kills` OOM kills in its cgroup counts as killed for lack of memory: a
 * failed end with at least one kill (a job that survived a kill of one
 * of its processes and exited 0 succeeded). */
int oomkill_failed(int64_t status, int64_t kills);

#endif

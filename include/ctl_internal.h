/*
 * ctl_internal.h — what the controller's own files (ctl*.c) share and no
 * one else calls: applying events and placements (ctl_event.c), commits,
 * the job table, launches and kills, start-up's scans and adoption, and
 * an array's part in a scheduling pass.  The request layer and the main
 * loop use ctl.h only.
 */
#ifndef HERD_CTL_INTERNAL_H
#define HERD_CTL_INTERNAL_H

#include "ctl.h"

/*
 * Apply one event to a job: the step of the lifecycle table (lifecycle.h)
 * and its actions, in order (commit, then kill; release; notify waiters).
 * `reason` overrides the table's (a launch failure's detail); exit_status
 * is the node's for EV_EXIT and EV_LAUNCH_FAIL.  -1, nothing changed, when
 * the event does not apply (a late or repeated answer).  EV_HOLD and
 * EV_RELEASE (reason "JobHeldAdmin" for root's hold) are answers to a user:
 * -2 when their commit failed, and then nothing changed either.
 */
int ctl_event(struct ctl *c, struct job *j, enum job_event ev, int exit_status,
    const char *reason);
/* The same for an event that happened at wall time `when` (an exit learned
 * late, from its exit file): the start and end times it stamps.  0: now. */
int ctl_event_at(struct ctl *c, struct job *j, enum job_event ev, int exit_status,
    const char *reason, int64_t when);
/*
 * A scheduling pass's placements (EV_PLACE), committed in one batch:
 * apply one in memory (its node and GPUs taken; -1, nothing changed, when
 * the table refuses it), and once the batch is committed act on it (its
 * launch); if the commit failed, undo it (EV_UNPLACE).
 */
int ctl_place_apply(struct ctl *c, struct job *j, int node, uint64_t gpu_mask,
    struct job_step *st);
void ctl_place_act(struct ctl *c, struct job *j, const struct job_step *st);
void ctl_place_undo(struct ctl *c, struct job *j);
/*
 * What a pass said (ctl_plan.c): every candidate's reason byte cleared,
 * then each job of the pass's list (pend[0..np), an array's record once a
 * task) given the reason of its first entry still waiting; and the
 * reservations, by job id.
 */
void ctl_plan_record(struct ctl *c, struct job **cand, size_t nc, struct job **pend, size_t np,
    const uint8_t *why, const struct sched_plan *p);
/* A new attempt committed with the old one's record (ACT_REQUEUE). */
int ctl_commit_attempt(struct ctl *c, struct job *j, const struct attempt_row *a);
/*
 * Commit one job's current fields in a transaction of its own, or, in a
 * loop turn (ctl_batch.c), in the turn's transaction, durable at its end.
 * A failure (a full disk) marks the job unsaved: it stays in memory, as it
 * is, and ctl_tick() writes it again until the database takes it.
 * _now: durable before it returns (a turn's batch committed with it), for
 * a change whose caller undoes it and tells the user when it failed.
 */
int ctl_commit_job(struct ctl *c, struct job *j);
int ctl_commit_job_now(struct ctl *c, struct job *j);
/* A write failed (logged once while failing) or worked again (ctl.c). */
void ctl_db_write_failed(struct ctl *c);
void ctl_db_write_worked(struct ctl *c);
/*
 * The loop turn's batch (ctl_batch.c).  tx: open the turn's transaction
 * (nothing outside a turn).  wrote: j was written in it.  commit: make the
 * batch durable now (before a write whose caller must hear of its
 * failure); a failure makes its jobs unsaved.  defer: hold a committed
 * step's side effects (ACT_*, or CTL_DEFER_WARN: its --signal) until the
 * turn's commit; 0 when no turn is open (do them now).  settle: commit and
 * do what was held, the turn staying open (before a reload renumbers
 * nodes).  busy: changes or side effects wait (ended jobs stay in memory).
 */
#define CTL_DEFER_WARN (1u << 30)
int ctl_batch_tx(struct ctl *c);
void ctl_batch_wrote(struct ctl *c, struct job *j);
/* An attempt record written in the open transaction: kept until it commits. */
void ctl_batch_attempt(struct ctl *c, const struct attempt_row *a);
/* Write again the attempt records a failed commit lost; 0 when none is left. */
int ctl_batch_rewrite_lost(struct ctl *c);
int ctl_batch_commit(struct ctl *c);
int ctl_defer(struct ctl *c, struct job *j, unsigned actions);
void ctl_batch_settle(struct ctl *c);
int ctl_batch_busy(const struct ctl *c);
int ctl_turn_open(const struct ctl *c);
void ctl_batch_free(struct ctl *c);
/*
 * Being told (ctl_notify.c): the events of j's step (ev from state from,
 * its ACT_* actions) and of its clock at a tick (the marks in (prev, wall]),
 * for its --mail-type; time_mask: the TIME_LIMIT_% marks it waits for now.
 */
void ctl_notify_step(struct ctl *c, const struct job *j, int ev, int from, unsigned actions);
void ctl_notify_tick(struct ctl *c, const struct job *j, int64_t prev, int64_t wall);
unsigned ctl_notify_time_mask(struct ctl *c, const struct job *j);
void ctl_notify_free(struct ctl *c);
/*
 * Deadlines (ctl_deadline.c): each active job's next due time (monotonic
 * ms) in a heap.  job_due: the pure rule, from the job's fields and the
 * clock (CTL_DUE_NONE: nothing to wait for).  arm: file j under it again,
 * after anything that changed what job_due reads; disarm: an evicted job.
 * due_take: the ids due at now, taken out (a buffer until the next call);
 * rearm_visited: after the tick's visit (what is still due: in a second).
 * looked: the wall second of j's last visit, herdd's start if none.
 */
#define CTL_DUE_NONE INT64_MAX
struct job_due_in {
	int64_t now_ms, wall;	/* the controller's clocks */
	int64_t looked_wall;	/* TIME_LIMIT_% marks after it are still to tell */
	unsigned mail_mask;	/* the marks it wants (ctl_notify_time_mask) */
	int64_t idle_timeout_s;	/* its partition's idle_timeout (interactive), 0 none */
};
int64_t ctl_job_due(const struct job *j, const struct job_due_in *in);
void ctl_arm(struct ctl *c, struct job *j);
void ctl_disarm(struct ctl *c, const struct job *j);
size_t ctl_due_take(struct ctl *c, int64_t now, int64_t wall, const int64_t **ids);
void ctl_rearm_visited(struct ctl *c, struct job *j, int64_t now, int64_t wall);
int64_t ctl_job_looked(struct ctl *c, const struct job *j);
void ctl_deadlines_free(struct ctl *c);
/* What a committed step sends out (ctl_event.c), in the table's order. */
void ctl_act(struct ctl *c, struct job *j, unsigned actions);
/* A job's --signal warning, sent (its sending committed before). */
void ctl_warn_send(struct ctl *c, struct job *j);
/* Write again what did not reach the database; stops at the first failure. */
void ctl_save_unsaved(struct ctl *c);
/* Its launch program to a LAUNCHING job's node (ACT_LAUNCH, or again when
 * the node never saw it); one that cannot be built is its launch failure. */
void ctl_launch(struct ctl *c, struct job *j);
/* Hand a job placed on a node to its worker's backend (backend.h); 0 or -1. */
int ctl_launch_send(struct ctl *c, struct job *j);
/* Queue a signal for a job's process group on its node. */
void ctl_send_kill(struct ctl *c, struct job *j, const char *sig);
/* A kill found n of j's processes outside its process group (ctl_isolate.c). */
void ctl_job_escaped(struct ctl *c, struct job *j, int64_t n);
/* The same for a job the controller no longer holds in memory (ended). */
void ctl_job_escaped_gone(struct ctl *c, struct node *w, const char *key, int64_t n);
/*
 * --signal before the time limit (ctl_warn.c).  attach: parse a job's
 * stored text into it (-1, logged, when it does not parse: never sent);
 * tick: send it when due (RUNNING, within its time of the limit, not yet
 * sent to this attempt), the attempt committed first.
 */
int ctl_warn_attach(struct job *j, const char *text);
void ctl_warn_free(struct job *j);
void ctl_warn_tick(struct ctl *c, struct job *j, int64_t wall);
/* idle_timeout (ctl_idle.c): an interactive job nothing used for its
 * partition's idle_timeout ends TIMEOUT, "idle: ...", its terminals warned
 * before. */
void ctl_idle_tick(struct ctl *c, struct job *j, int64_t wall);
/* --idle-stop (ctl_idlestop.c): a service whose GPUs stayed idle that long
 * is stopped (CANCELLED, IdleStop), with a line in its log first. */
void ctl_idle_stop_tick(struct ctl *c, struct job *j, int64_t wall);
/* The rule, pure: *since (0: never looked) is when the job was last in
 * use, its start at first; busy (bytes on a stream, a GPU process of its
 * own) sets it to now; 1 once timeout_s (0: none) passed since. */
int idle_due(int64_t timeout_s, int64_t now, int64_t start, int busy, uint32_t *since);
/* How long before the release attached terminals are warned: a minute, or
 * a tenth of the timeout when that is less (1 s at least). */
int idle_warn_lead(int64_t timeout_s);
/* Its node rebooted, lost its files or stayed away: a running job that
 * allows it is requeued, any other ends NODE_FAIL (ctl_node.c). */
void ctl_job_lost(struct ctl *c, struct job *j, const char *why);
/* A node's state and reason; its since is now when the state changes. */
void ctl_node_set_state(struct ctl *c, struct node *n, enum node_state s, const char *reason);
/*
 * Outages, health, housekeeping (ctl_outage.c): the shell of node n went
 * down (lost) or came up (back); forget frees what it keeps; tick decides
 * DOWN and NODE_FAIL by the clock and asks for housekeeping; health judges
 * the probe just stored; accept takes a node's GPU count as it is now (an
 * admin's resume); usable: reachable and not drained by herd; a 'C' line.
 */
void ctl_outage_lost(struct ctl *c, struct node *n, const char *why);
void ctl_outage_back(struct ctl *c, struct node *n);
void ctl_outage_forget(struct node *n);
/*
 * What of a node survives a restart (ctl_nodekeep.c): keep writes its
 * drain by herd, most GPUs and outage clock (in the turn's transaction);
 * restore reads them and its orphans back into a freshly set up slot.
 * Orphans: add one given up while away (with its job's end, in the turn);
 * kill them all (the node's shell is back; lab mode: through each user's
 * session); answered: 1 when a BE_KILL answer of worker w was an orphan's last
 * word (then forgotten); free: memory only.
 */
void ctl_node_keep(struct ctl *c, struct node *n);
void ctl_node_restore(struct ctl *c, struct node *n);
void ctl_orphan_add(struct ctl *c, struct node *n, const struct job *j,
    const struct job_key *key);
void ctl_orphans_kill(struct ctl *c, struct node *n);
int ctl_orphan_answered(struct ctl *c, struct node *w, const struct be_reply *r);
void ctl_orphans_free(struct node *n);
/* The audit row of a node's drain or resume (ctl_drain.c): an admin's, or herdd's own. */
void ctl_drain_audit(struct ctl *c, uid_t uid, const char *actor, int drain, const char *name,
    const char *reason);
void ctl_outage_tick(struct ctl *c);
void ctl_node_health(struct ctl *c, struct node *n);
void ctl_health_accept(struct ctl *c, struct node *n);
int ctl_node_usable(const struct node *n);
struct be_reply;
void ctl_housekeep_line(struct ctl *c, struct node *n, const struct be_reply *r);
/* Ask a node about all the jobs it holds, or only `only`. */
void ctl_reconcile(struct ctl *c, struct node *n, struct job *only);
/* Whether start-up's node scans are over (all done, or their deadline passed). */
int ctl_scans_over(struct ctl *c);
/* The lowest job id a node's scan must report (see ctl_node.c). */
int64_t ctl_scan_from(struct ctl *c);
/* Take back a pending job found launched on node n with these GPUs (by
 * UUID when gpu_uuids is not NULL or "", else by index). */
void ctl_adopt(struct ctl *c, struct job *j, struct node *n, const char *gpu_indices,
    const char *gpu_uuids);
/* The mask over n's current GPU list of the GPUs named by UUID (when
 * uuids is not NULL or ""), else by nvidia-smi index. */
uint64_t ctl_gpu_mask_of(const struct node *n, const char *uuids, const char *indices);
/* An ended job read back into memory (to requeue it), in id order; holds nothing. */
struct job *ctl_restore(struct ctl *c, const struct job_row *r);
/* Whether a job of this size fits some node (0), or why not (-1, *err). */
int ctl_fits_somewhere(struct ctl *c, int gpus, int cpus, int64_t mem_mb, char *err,
    size_t errsz);
/* Drop ended jobs that hold nothing from memory. */
void ctl_evict(struct ctl *c);
/* For ctl_array.c: a job made from a row (owned by the caller until added),
 * freed, added to the table (its id above all others), written (inside the
 * caller's transaction). */
struct job *ctl_job_new(const struct job_row *r);
void ctl_job_free(struct job *j);
void ctl_table_add(struct ctl *c, struct job *j);
int ctl_persist(struct ctl *c, const struct job *j);

/*
 * Job arrays (ctl_array.c).  An array is one record (struct job_array)
 * until its tasks start; see the theory of operation there.
 */
void ctl_array_from_row(struct job *j, const struct job_row *r);
void ctl_array_free(struct job *j);
/* The array fields of a job's row view (borrowing the job's strings). */
void ctl_array_view(const struct job *j, struct job_row *r);
/* Whether j is an array's record with tasks not started yet. */
int ctl_array_pending(const struct job *j);
/* How many of j's pending tasks may start now (the throttle's room). */
uint64_t ctl_array_slots(struct ctl *c, const struct job *j);

/* What one scheduling pass changed in arrays, to keep or to undo. */
struct array_saved {
	struct job *parent;
	struct arrayspec pending;
	int32_t task_id;
};
struct array_undo {
	struct job **children;
	size_t nchildren, capchildren;
	struct array_saved *saved;
	size_t nsaved, capsaved;
};
void ctl_array_undo_init(struct array_undo *u);
struct job *ctl_array_task_start(struct ctl *c, struct job *p, uint32_t task,
    struct array_undo *u);
void ctl_array_undo_commit(struct ctl *c, struct array_undo *u);
void ctl_array_undo_rollback(struct ctl *c, struct array_undo *u);

/*
 * GPUs in use outside herd (ctl_foreign.c): decided again from each probe
 * of node n; the scheduler's snapshot leaves the busy ones out unless the
 * node says share_foreign.
 */
void ctl_foreign_update(struct ctl *c, struct node *n);
uint64_t ctl_foreign_busy(const struct node *n);
/* The jobs holding resources on n, as foreign.h wants them (the caller frees). */
struct foreign_job *ctl_foreign_jobs(const struct ctl *c, const struct node *n, size_t *nj);

/*
 * Sharing a GPU by memory (ctl_gpushare.c, gpushare.h).  submit: a
 * --gpu-share job's rules and a node of it (mask: its partitions' nodes,
 * NULL any) that allows sharing; 0 or -1 with err.  mask: narrows a
 * pass's node set (CTL_MASK_WORDS words) to where j may share.
 * snapshot: each node's shared GPUs and what they have left to share
 * (share: nnodes * SCHED_GPUS).  update: after a probe of n, each sharing
 * job's use against its declaration (reported; ended where enforced).
 * release: j, a sharing job, gives its GPU back; others may still hold it.
 */
int ctl_gpushare_submit(struct ctl *c, const struct job_row *r, const uint64_t *mask,
    char *err, size_t errsz);
void ctl_gpushare_mask(struct ctl *c, const struct job *j, uint64_t *mask);
void ctl_gpushare_snapshot(struct ctl *c, struct sched_node *sn, int64_t *share);
void ctl_gpushare_update(struct ctl *c, struct node *n);
void ctl_gpushare_release(struct ctl *c, struct node *n, const struct job *j);

/*
 * herd service (ctl_svc.c).  submit: a service's rules on its row (its
 * name unique among its owner's active services; no time limit unless
 * asked_limit, a partition's max_time kept); 0 or -1 with err.  exit: a
 * running service's attempt ended with status: EV_RESTART (its backoff
 * set as its begin time) or EV_EXIT (*reason CrashLoop when it loops).
 */
int ctl_svc_submit(struct ctl *c, struct job_row *row, int64_t asked_limit,
    const struct arrayspec *array, char *err, size_t errsz);
enum job_event ctl_svc_exit(struct ctl *c, struct job *j, int32_t status, const char **reason);
/* Its attempt started (the runner's start event, or a reconcile that found
 * it running): its health checks begin; port, --port's pick (from the
 * event's "port N" or the state file; 0 none known). */
void ctl_svc_started(struct ctl *c, struct job *j, int port);
/*
 * A service's health check (ctl_health.c).  started: its attempt started
 * (STARTING, the first check an interval on); due: the wall second of its
 * next check, 0 none (ctl_job_due); tick: send it when due; result: the
 * node's "health KEY RC MSG" event.
 */
void ctl_health_started(struct ctl *c, struct job *j);
int64_t ctl_health_due(const struct job *j);
void ctl_health_tick(struct ctl *c, struct job *j, int64_t wall);
void ctl_health_result(struct ctl *c, struct job *j, int64_t rc, const char *msg);
/*
 * A service's rolling restart (ctl_roll.c; svc_roll.h).  tick: each
 * service with replicas in a roll takes its next step (ctl_tick, and at
 * once after a start); free: its memory at the controller's end.
 */
void ctl_roll_tick(struct ctl *c);
void ctl_roll_free(struct ctl *c);
/*
 * A pass's spread rows (ctl_spread.c): j's row (1-based, as
 * sched_job.spread; 0: not a replica of a service of several), made
 * with *sp on first use; the rows for the snapshot (NULL none); free.
 */
struct ctl_spread;
int32_t ctl_spread_row(struct ctl *c, struct ctl_spread **sp, const struct job *j);
uint64_t *ctl_spread_rows(struct ctl_spread *sp);
void ctl_spread_free(struct ctl_spread *sp);

#endif

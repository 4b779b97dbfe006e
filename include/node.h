/*
 * node.h — the controller's side of one compute node: its state as the main
 * loop sees it, and the two worker threads that talk to it.
 *
 * Theory of operation: each node has a command worker, which keeps one SSH
 * session (or local shell) and one long-lived `/bin/sh -s` channel on it,
 * and an event worker, which keeps a second session whose channel follows
 * the node's events file.  The main loop never blocks on a node: it queues
 * requests (already-generated sh text) with node_request(); the command
 * worker sends everything queued as one batch through the node shell and
 * posts the answer lines back.  Results from every worker go into one
 * queue whose eventfd the main loop polls (node_results_fd()).  Workers
 * touch no controller state: messages only.
 */
#ifndef HERD_NODE_H
#define HERD_NODE_H

#include <pthread.h>
#include <stdint.h>
#include "foreign.h"
#include "jobkey.h"
#include "probe.h"

struct node_conf;
struct backend_ops;

/* A worker's error text: room for ssh.c's list of causes of a refused key. */
#define NODE_ERRLEN 1024

enum node_state { NODE_UNKNOWN, NODE_UP, NODE_DOWN };

enum req_kind { REQ_BATCH, REQ_PROBE };

/* An attempt given up while its node was away (NODE_FAIL or requeued):
 * what may still run of it is killed when the node answers, as its user in
 * lab mode.  Kept in the database until the node has answered the kill. */
struct node_orphan {
	struct job_key key;
	uint32_t uid;
	char *user;		/* NULL: not known (personal mode needs none) */
};

enum res_kind {
	RES_SHELL_UP,		/* command shell connected (text: none) */
	RES_SHELL_DOWN,		/* text: why */
	RES_LINES,		/* text: answer lines of a batch, '\n'-separated */
	RES_PROBE,		/* text: probe output */
	RES_PROBE_FAIL,		/* text: why */
	RES_EVENTS_UP,
	RES_EVENTS_DOWN,	/* text: why */
	RES_EVENT,		/* text: one event line */
};

struct node_result {
	struct node_result *next;
	int node;
	unsigned gen;		/* the node's worker generation that posted it */
	enum res_kind kind;
	char *text;
};

struct node_req {
	struct node_req *next;
	enum req_kind kind;
	char *text;
	size_t len;
};

/*
 * A node's place in the controller's table (ctl_reload.c).  A reload adds
 * nodes to free slots, lets removed ones drain, and restarts the workers of
 * a node whose settings changed; slots never move, since workers hold a
 * pointer to theirs.
 */
enum node_life {
	NODE_FREE,	/* never used */
	NODE_LIVE,	/* in hosts.ini: workers running (or restarting) */
	NODE_REMOVED,	/* no longer in hosts.ini: no new jobs; workers run until its jobs end */
	NODE_GONE,	/* left: workers joined; the slot keeps its name for ended jobs in memory */
};

struct node {
	const struct node_conf *conf;	/* owned by the controller (a copy, see ctl_init) */
	int idx;
	/* What runs its jobs (backend.h): set by node_init to backend_sh; be_state
	 * is the backend's own (NULL for backend_sh). */
	const struct backend_ops *be;
	void *be_state;
	enum node_life life;
	unsigned gen;		/* results of older workers (another gen) are dropped */
	int workers_stopped;	/* node_stop() called, threads not joined yet */
	int no_events;		/* no event worker (lab mode: the node's own account runs no job) */
	int restart;		/* once joined, start workers again (else the node is GONE) */
	struct node_conf *next_conf;	/* restart: the settings to start with (NULL: same) */
	/* Main-thread state. */
	enum node_state state;
	char reason[NODE_ERRLEN];
	int64_t state_since;	/* wall seconds */
	int shell_up, events_up;
	int scanned;		/* its job files were compared with the database (once per start) */
	struct probe_result probe;
	int have_probe;
	int cpus_used;
	int64_t mem_used_mb;
	uint64_t gpu_used;	/* bit i: GPU i (position in probe.gpus) held */
	struct foreign_state foreign;	/* its GPUs in use outside herd (ctl_foreign.c) */
	int64_t next_probe_ms;
	int probe_inflight;
	uint64_t bad_events;	/* malformed event lines seen (for rate-limited warnings) */
	/* Outages, health and housekeeping (ctl_outage.c, nodestate.h). */
	int64_t lost_ms;	/* monotonic ms of the last contact while unreachable; 0 reachable */
	char lost_why[NODE_ERRLEN];	/* why it is unreachable (the worker's last error) */
	char sick[NODE_ERRLEN];	/* herd's own drain (bad GPUs, low disk); "" none */
	int64_t sick_since;	/* wall seconds herd drained it */
	size_t gpus_max;	/* the most GPUs its probe ever showed */
	struct node_orphan *orphans;	/* attempts given up while it was away: killed on return */
	size_t norphans;
	int64_t next_housekeep_ms;
	/* Kept across herdd's restarts (ctl_nodekeep.c). */
	int lost_kept;		/* the outage clock is in the database */
	uint64_t kept_sum;	/* what the database holds of it (ctl_nodekeep.c), */
	int kept_known;		/* ... when known: an unchanged state is not written */
	int64_t lost_wait_ms;	/* an outage restored at start: not judged before this
				 * (monotonic ms) unless the node answered or failed first */
	int64_t lab_swept_to;	/* lab mode: users' files of jobs ended up to here looked at */
	/* Worker side. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct node_req *reqs, **reqs_tail;
	int stopping;
	unsigned worker_gen;	/* gen when the workers started: read by them only */
	int cmd_joined, ev_joined;
	pthread_t cmd_thread, ev_thread;
};

/* Set up the shared result queue; returns 0 or -1. */
int node_results_init(void);
int node_results_fd(void);
/* Take every queued result (a list the caller frees with node_result_free). */
struct node_result *node_results_take(void);
void node_result_free(struct node_result *r);

void node_init(struct node *n, const struct node_conf *conf, int idx);
int node_start(struct node *n);
void node_stop(struct node *n);
/* Wait for a stopped node's threads until the deadline; 0 joined, -1 not. */
int node_join(struct node *n, int64_t deadline);
/* Join a stopped node's threads if they are done, without waiting: 0 joined
 * (requests still queued stay, for the next workers), -1 not yet. */
int node_tryjoin(struct node *n);
/* A joined node's leftovers (queued requests, probe, lock): before its
 * slot is initialised again for another (lab mode's lanes). */
void node_release(struct node *n);
/* Queue sh text (taken over by the node) for the command worker. */
void node_request(struct node *n, enum req_kind kind, char *text, size_t len);
/* What is queued and not yet sent, in order, for a node whose workers were
 * never started (tests/unit/test_ctl.c: what the controller would send);
 * the caller frees it with node_req_free. */
struct node_req *node_requests_take(struct node *n);
void node_req_free(struct node_req *q);

const char *node_state_name(enum node_state s);

#endif

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
#include "probe.h"

struct node_conf;

enum node_state { NODE_UNKNOWN, NODE_UP, NODE_DOWN };

enum req_kind { REQ_BATCH, REQ_PROBE };

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
	enum res_kind kind;
	char *text;
};

struct node_req {
	struct node_req *next;
	enum req_kind kind;
	char *text;
	size_t len;
};

struct node {
	const struct node_conf *conf;
	int idx;
	/* Main-thread state. */
	enum node_state state;
	char reason[256];
	int64_t state_since;	/* wall seconds */
	int shell_up, events_up;
	int scanned;		/* its job files were compared with the database (once per start) */
	struct probe_result probe;
	int have_probe;
	int cpus_used;
	int64_t mem_used_mb;
	uint64_t gpu_used;	/* bit i: GPU i (position in probe.gpus) held */
	int64_t next_probe_ms;
	int probe_inflight;
	uint64_t bad_events;	/* malformed event lines seen (for rate-limited warnings) */
	/* Worker side. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct node_req *reqs, **reqs_tail;
	int stopping;
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
/* Queue sh text (taken over by the node) for the command worker. */
void node_request(struct node *n, enum req_kind kind, char *text, size_t len);

const char *node_state_name(enum node_state s);

#endif

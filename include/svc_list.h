/*
 * svc_list.h — herd's view of services (the client's): herdd's job
 * listings grouped into services, each with its replicas.
 *
 * Ownership: a svc_list owns every string and array in it;
 * svc_list_clear() frees them (a zeroed list is empty).
 */
#ifndef HERD_SVC_LIST_H
#define HERD_SVC_LIST_H

#include <stddef.h>
#include <stdint.h>

struct msg;

/* One job of a service: a replica (or, pending, an array's record that
 * stands for the replicas not started yet). */
struct svc_rec {
	int64_t id;
	char *state, *reason, *node;
	char *health_why;	/* its last restart for its health, NULL none */
	int replica;		/* its array task; 0 for a service of one */
	int not_started;	/* an array's record: replicas not started yet */
	int port, restarts, last_exit, health, roll, attempt, active;
	int last_oom;		/* that exit was the out-of-memory killer's */
	int64_t start;
};

struct svc_group {
	char *name, *user, *policy;
	int64_t instance;	/* its array's id (a service of one: its job's) */
	int wanted;		/* --replicas */
	struct svc_rec *r;	/* by replica */
	size_t n, cap;
};

struct svc_list {
	struct svc_group *g;
	size_t n, cap;
	int reading_active;	/* the listing being read is of active jobs */
};

/*
 * Services from herdd: active ones (mine: the caller's only), then, with
 * ended, the caller's ended ones of the last day.  Of one user's name the
 * newest service (its array) wins.  0, or 1 (said).
 */
int svc_list_collect(struct svc_list *l, int mine, int ended);
/* Add one "job" frame of a listing (for tests: what collect does). */
void svc_list_add(struct svc_list *l, const struct msg *m);
void svc_list_clear(struct svc_list *l);
/* The group named name (the first; a list of the caller's has one). */
const struct svc_group *svc_list_find(const struct svc_list *l, const char *name);
/* A replica up (svc_roll.h's svc_replica_up); ready: up, with a port, and
 * not drained by a roll: herd port-forward's candidates. */
int svc_rec_up(const struct svc_rec *r);
int svc_rec_ready(const struct svc_rec *r);
/* Its replicas up (svc_roll.h's svc_replica_up), of active records. */
int svc_group_up(const struct svc_group *g);
/* Its replica k's record, NULL when it has none (not started). */
const struct svc_rec *svc_group_replica(const struct svc_group *g, int k);
/* Whether any of its jobs is active. */
int svc_group_active(const struct svc_group *g);

#endif

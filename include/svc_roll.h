/*
 * svc_roll.h — a service's replicas and its rolling restart, pure: which
 * replica is ready for a connection, and which replica `herd service
 * restart` stops next.
 *
 * No I/O and no clock of its own: the controller (ctl_roll.c) feeds each
 * replica's state and acts on the step; herd port-forward (cmd_portfwd.c)
 * picks ready replicas with svc_replica_ready().
 */
#ifndef HERD_SVC_ROLL_H
#define HERD_SVC_ROLL_H

#include <stddef.h>
#include <stdint.h>

/* A replica's part in a roll (the job's svc_roll, stored). */
enum {
	SVC_ROLL_NONE = 0,	/* no roll, or its turn is over */
	SVC_ROLL_WAITING = 1,	/* to be restarted in this roll */
	SVC_ROLL_DRAINING = 2,	/* chosen: connections leave it, then it stops */
	SVC_ROLL_RESTARTED = 3,	/* stopped as a requeue: waited for until up */
};

/* How long a chosen replica is left out of new connections before it is
 * stopped (herd port-forward asks again for each connection). */
#define SVC_ROLL_DRAIN_MS	2000

/* One replica as the decision sees it. */
struct svc_replica {
	int state;		/* job.h's enum job_state */
	int health;		/* svc_health.h's SVC_HEALTH_* (NONE: no check) */
	int roll;		/* SVC_ROLL_* */
	int64_t drain_until_ms;	/* DRAINING: when it may stop (0: at once) */
};

struct arrayspec;
/* A submitted service's --replicas against its array (a client may send
 * anything): one replica, no array; N, exactly the tasks 0..N-1 with no
 * throttle.  0, or -1 with err. */
int svc_check_replicas(int replicas, const struct arrayspec *a, char *err, size_t errsz);

/* Whether a replica serves: RUNNING, and HEALTHY where it has a check. */
int svc_replica_up(int state, int health);
/* Up and not being drained by a roll: new connections may go to it. */
int svc_replica_ready(int state, int health, int roll);

enum svc_roll_act {
	SVC_ROLL_IDLE,		/* no replica is in a roll */
	SVC_ROLL_WAIT,		/* a replica is down: nothing this time */
	SVC_ROLL_DRAIN,		/* mark `index` DRAINING, until now + SVC_ROLL_DRAIN_MS */
	SVC_ROLL_STOP,		/* requeue `index` (it becomes RESTARTED) */
	SVC_ROLL_CLEAR,		/* `index`'s turn is over (up again, or ended): NONE */
	SVC_ROLL_ABORT,		/* the restarted replica ended for good: clear every mark */
};

struct svc_roll_step {
	enum svc_roll_act act;
	size_t index;
};

/*
 * The next step of the roll over replicas r[0..n) (by replica number) at
 * now_ms.  At most one replica is down at a time: a restarted one is
 * waited for until it is up; a drained one stops when its drain is over;
 * the next WAITING one is chosen only when every replica that has not
 * ended is up.  Ended replicas (a crash loop) are skipped.  One step per
 * call: the caller applies it and asks again.
 */
void svc_roll_next(const struct svc_replica *r, size_t n, int64_t now_ms,
    struct svc_roll_step *out);

#endif

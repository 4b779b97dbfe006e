/*
 * svc.h — herd service's pure rules: the option values of `herd service
 * start` (name, --restart, --max-restarts, --restart-window) and the
 * decision, when a service's attempt ends, to start it again (after a
 * backoff) or let it end (its policy says so, or it crash-loops).
 *
 * No I/O: the client parses with these, herdd checks the values again with
 * them (a client may skip its checks), and the controller (ctl_event.c)
 * asks svc_decide() at each end of an attempt.
 */
#ifndef HERD_SVC_H
#define HERD_SVC_H

#include <stddef.h>
#include <stdint.h>

enum { SVC_RESTART_NEVER = 0, SVC_RESTART_ON_FAILURE = 1, SVC_RESTART_ALWAYS = 2 };

#define SVC_NAME_MAX		64	/* bytes of a service's name */
#define SVC_MAX_RESTARTS_MAX	10000
#define SVC_WINDOW_MAX_S	(30LL * 86400)	/* --restart-window at most 30 days */
#define SVC_BACKOFF_MAX_S	300	/* the backoff doubles from 1 s up to 5 min */
#define SVC_DEFAULT_MAX_RESTARTS 5
#define SVC_DEFAULT_WINDOW_S	600

/* 0, or -1 with err: a name of [A-Za-z0-9._-], 1 to SVC_NAME_MAX bytes,
 * not starting with '-' or '.'. */
int svc_check_name(const char *s, char *err, size_t errsz);
/* "always", "on-failure" or "never" → SVC_RESTART_*; 0 or -1 with err. */
int svc_parse_restart(const char *s, int *policy, char *err, size_t errsz);
const char *svc_restart_name(int policy);
/* A whole number 0..SVC_MAX_RESTARTS_MAX; 0 or -1 with err. */
int svc_parse_max_restarts(const char *s, int *n, char *err, size_t errsz);
/* "90s", "10m", "2h", "1d" or a Slurm duration ("10:00", "1-00"); 1 s to
 * SVC_WINDOW_MAX_S; 0 or -1 with err. */
int svc_parse_window(const char *s, int64_t *secs, char *err, size_t errsz);

/* --idle-stop: the same forms as --restart-window, 1 s to 30 days; 0 or -1
 * with err. */
int svc_parse_idle_stop(const char *s, int64_t *secs, char *err, size_t errsz);

/* A service's policy and the restart window it is in. */
struct svc_state {
	int policy;		/* SVC_RESTART_* */
	int max_restarts;	/* within window_s */
	int64_t window_s;
	int64_t win_start;	/* wall seconds the window opened; 0 none yet */
	int win_count;		/* restarts in that window */
};

struct svc_verdict {
	int restart;		/* 1: a new attempt after delay_s */
	int crashloop;		/* 1: it would restart but is over its limit: FAILED CrashLoop */
	int64_t delay_s;	/* the backoff before the next attempt */
	int64_t win_start;	/* the window and its count after this decision */
	int win_count;
};

/*
 * An attempt of the service ended at `now` with `status` (job.h's exit
 * status: 0 success, else a failure or a signal): restart or not.  A
 * restart opens a new window when the last one is over; the window's
 * first restart waits 1 s, each next one twice as long, at most
 * SVC_BACKOFF_MAX_S.  One restart more than max_restarts in a window is a
 * crash loop.
 */
void svc_decide(const struct svc_state *s, int32_t status, int64_t now, struct svc_verdict *v);

/* The rest of a runner's start event after the pid: "port N" (launch.c)
 * → *port 1..65535; 0 or -1 (anything else: a node's account may write
 * there). */
int svc_parse_start_port(const char *rest, int *port);

/* --replicas N: 1..SVC_REPLICAS_MAX copies of the service, replica K its
 * array task K (svc_roll.c); 0 or -1 with err. */
#define SVC_REPLICAS_MAX	16
int svc_parse_replicas(const char *s, int *n, char *err, size_t errsz);

/* The pending reason of a service waiting out its backoff. */
#define SVC_REASON_BACKOFF	"BackOff"
#define SVC_REASON_CRASHLOOP	"CrashLoop"
/* The reason of an attempt stopped by herd drain --move-services. */
#define SVC_REASON_MOVED	"moved: its node was drained (herd drain --move-services)"
/* A service --idle-stop ended (CANCELLED, never restarted: svc_idle.h). */
#define SVC_REASON_IDLESTOP	"IdleStop"

#endif

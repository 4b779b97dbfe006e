/*
 * svc_health.h — herd service's health checks, their pure rules: the
 * option values (--health-cmd, --health-http, --health-interval,
 * --health-timeout, --health-retries), the state a check's result moves
 * a service to, and the node program that runs one check.
 *
 * No I/O: the client parses with these, herdd checks the values again,
 * the controller (ctl_health.c) asks svc_health_step() at each result and
 * the backend (backend_sh.c) queues what svc_health_program() builds.
 */
#ifndef HERD_SVC_HEALTH_H
#define HERD_SVC_HEALTH_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/* A service's health, as stored (svc_health) and sent. */
enum {
	SVC_HEALTH_NONE = 0,		/* no check asked */
	SVC_HEALTH_STARTING = 1,	/* no success yet this attempt */
	SVC_HEALTH_HEALTHY = 2,
	SVC_HEALTH_UNHEALTHY = 3,	/* retries failures in a row: being restarted */
};

#define SVC_HEALTH_CMD_MAX	4096	/* bytes of --health-cmd */
#define SVC_HEALTH_PATH_MAX	1024	/* bytes of --health-http's path */
#define SVC_HEALTH_DUR_MAX_S	86400	/* interval and timeout at most a day */
#define SVC_HEALTH_RETRIES_MAX	100
#define SVC_HEALTH_DEF_INTERVAL_S 30
#define SVC_HEALTH_DEF_TIMEOUT_S 10
#define SVC_HEALTH_DEF_RETRIES	3
#define SVC_HEALTH_MSG_MAX	200	/* bytes of a failed check's first line kept */
#define SVC_HEALTH_START_EVERY_S 2	/* checks while STARTING, at most this far apart */

/* "starting", "healthy", "unhealthy", "none". */
const char *svc_health_name(int health);

/* 0, or -1 with err: a command of 1 to SVC_HEALTH_CMD_MAX bytes, no
 * control character but a tab (it is one line of sh). */
int svc_health_check_cmd(const char *s, char *err, size_t errsz);
/* 0, or -1 with err: a URL path of 1 to SVC_HEALTH_PATH_MAX printable
 * ASCII bytes without spaces ("/" first or not: it is added). */
int svc_health_check_path(const char *s, char *err, size_t errsz);
/* "30s", "2m", "1h" (or a bare number of seconds): 1 s to a day; opt
 * names the option in err. */
int svc_health_parse_dur(const char *opt, const char *s, int64_t *secs, char *err, size_t errsz);
/* A whole number 1..SVC_HEALTH_RETRIES_MAX. */
int svc_health_parse_retries(const char *s, int *n, char *err, size_t errsz);

/* A check's result on a service's health. */
struct svc_health_out {
	int health;	/* SVC_HEALTH_* after it */
	int fails;	/* failures in a row after it */
	int restart;	/* 1: it just became UNHEALTHY: restart it */
};

/*
 * A check ended ok (1) or not (0): a success makes it HEALTHY and clears
 * the count; a failure counts, and the retries'th in a row makes it
 * UNHEALTHY (restart).  Before that it keeps its state: a service that
 * never passed is STARTING however many times it failed.  A result for
 * one already UNHEALTHY (its restart under way) or with no check changes
 * nothing.
 */
void svc_health_step(int health, int fails, int retries, int ok, struct svc_health_out *o);

/*
 * Seconds to the next check: every interval, but every
 * SVC_HEALTH_START_EVERY_S (or the interval, if shorter) while STARTING,
 * so that a service is HEALTHY (and reached by herd port-forward, and a
 * rolling restart goes on) within seconds of answering, not an interval.
 */
int64_t svc_health_next_in(int health, int64_t interval_s);

/*
 * Whether a failed check counts toward the retries: always once the
 * service has been HEALTHY; while STARTING only after the start period
 * (interval x retries seconds since the attempt started: the time the
 * checks an interval apart would have given it), so that the quicker
 * checks while STARTING do not restart a slow starter (a model loading)
 * sooner.  1 counts, 0 not yet.
 */
int svc_health_fail_counts(int health, int64_t since_start_s, int64_t interval_s, int retries);

/*
 * --health-http PATH on port: the command that GETs
 * http://127.0.0.1:PORT/PATH with curl, else python3, succeeding on 2xx
 * and 3xx; the path is shquoted.  0, or -1 (too large).
 */
int svc_health_http_cmd(struct buf *out, const char *path, int port, int64_t timeout_s);

/*
 * The node program of one check of the attempt `key`, in the background
 * (the node's shell returns at once): in workdir (NULL: none), with
 * HERD_PORT and PORT when port > 0, `sh -c CMD` under timeout(1) where
 * the node has it, its output in the job directory's KEY.health; then the
 * event "health KEY RC FIRSTLINE" appended to the node's events file
 * (FIRSTLINE "timed out after N s" when the timeout ended it, RC 124).
 * 0, or -1 (too large).
 */
int svc_health_program(struct buf *out, const char *herd_dir, const char *key, const char *cmd,
    const char *workdir, int port, int64_t timeout_s);

#endif

/*
 * svcopt.h — herd service's own options (--service, --restart,
 * --max-restarts, --restart-window, --port, --health-*, --share-with,
 * --idle-stop, --replicas), read the same way
 * from herd service start's command line and from a script's #HERD lines.
 *
 * Ownership: a struct svcopt owns its strings (svcopt_clear frees them);
 * svcopt_apply copies what it keeps, so a caller's buffers may go.
 */
#ifndef HERD_SVCOPT_H
#define HERD_SVCOPT_H

#include <stddef.h>
#include <stdint.h>

/* Which options were given (set). */
enum {
	SO_NAME = 1 << 0, SO_RESTART = 1 << 1, SO_MAXR = 1 << 2, SO_WINDOW = 1 << 3,
	SO_PORT = 1 << 4, SO_HCMD = 1 << 5, SO_HHTTP = 1 << 6, SO_HINTERVAL = 1 << 7,
	SO_HTIMEOUT = 1 << 8, SO_HRETRIES = 1 << 9, SO_SHARE = 1 << 10, SO_IDLE = 1 << 11,
	SO_REPLICAS = 1 << 12,
};

struct svcopt {
	unsigned set;		/* SO_* given */
	int first_line;		/* the line of the first option but --service; 0 none */
	const char *first_opt;	/* that option's name (static) */
	char *name;		/* --service NAME */
	int restart;		/* SVC_RESTART_*; default on-failure */
	int max_restarts;	/* default SVC_DEFAULT_MAX_RESTARTS */
	int64_t window_s;	/* default SVC_DEFAULT_WINDOW_S */
	int port;		/* --port */
	char *health_cmd, *health_http;	/* NULL: none */
	int64_t health_interval, health_timeout;	/* 0: herdd's defaults */
	int health_retries;
	char *share_with;	/* --share-with, resolved here: its canonical names (svc_share.h) */
	int64_t idle_stop_s;	/* --idle-stop (svc.h); 0 none */
	int replicas;		/* --replicas (svc_roll.h); default 1 */
};

void svcopt_init(struct svcopt *so);
void svcopt_clear(struct svcopt *so);

/*
 * One option: opt as written ("--restart", no '='), value or NULL.
 * Only exact long names (no abbreviation: they meet jobopt's).  A later
 * one replaces an earlier one.  `line` (0: the command line) is kept for
 * the first option but --service.  Returns 1 taken, 0 not a service
 * option (nothing changed), -1 with err (a bad or missing value).
 */
int svcopt_apply(struct svcopt *so, const char *opt, const char *value, int line,
    char *err, size_t errsz);
/* 1: opt (exact) is a service option; svcopt_takes_value: one that takes a
 * value. */
int svcopt_known(const char *opt);
int svcopt_takes_value(const char *opt);
/* Each option of src that dst has not set, into dst (strings copied). */
void svcopt_merge(struct svcopt *dst, const struct svcopt *src);
/* What herd would not act on among them together, or NULL. */
const char *svcopt_refusal(const struct svcopt *so);

#endif

/*
 * svcopt.c — herd service's own options, one reader for the command line
 * of herd service start and for a script's #HERD lines (directives.c).
 *
 * Theory of operation: each option is a row naming its bit and its value
 * parser (svc.c, svc_health.c: the same checks herdd makes again); the
 * names are matched exactly, never abbreviated, since jobopt resolves
 * abbreviations of its own options and "--port" or "--restart" must not
 * be taken for one of them, nor one of them for these.  What was set is
 * kept in a bit mask so that the command line wins over a script
 * (svcopt_merge keeps what is set), as jobopt_merge does for submit
 * options.  The line of the first option other than --service is kept:
 * a script that gives --restart without --service is refused there
 * (directives.c), since a batch job would silently not restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc.h"
#include "svc_health.h"
#include "svc_share.h"
#include "svcopt.h"
#include "util.h"

typedef int (*svcopt_fn)(struct svcopt *, const char *, char *, size_t);

static int set_name(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	char why[HERD_ERRLEN];
	if (svc_check_name(v, why, sizeof why) != 0) {
		snprintf(err, errsz, "invalid service name: %s", why);
		return -1;
	}
	free(so->name);
	so->name = xstrdup(v);
	return 0;
}

static int set_restart(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_parse_restart(v, &so->restart, err, errsz);
}

static int set_maxr(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_parse_max_restarts(v, &so->max_restarts, err, errsz);
}

static int set_window(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_parse_window(v, &so->window_s, err, errsz);
}

static int set_port(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	(void)v;
	(void)err;
	(void)errsz;
	so->port = 1;
	return 0;
}

static int set_hcmd(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	if (svc_health_check_cmd(v, err, errsz) != 0)
		return -1;
	free(so->health_cmd);
	so->health_cmd = xstrdup(v);
	return 0;
}

static int set_hhttp(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	if (svc_health_check_path(v, err, errsz) != 0)
		return -1;
	free(so->health_http);
	so->health_http = xstrdup(v);
	return 0;
}

static int set_hinterval(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_health_parse_dur("--health-interval", v, &so->health_interval, err, errsz);
}

static int set_htimeout(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_health_parse_dur("--health-timeout", v, &so->health_timeout, err, errsz);
}

static int set_hretries(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_health_parse_retries(v, &so->health_retries, err, errsz);
}

/* The users resolved at once, to refuse a typo here (herdd resolves
 * them again: a client may skip its checks). */
static int set_share(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	char names[SVC_SHARE_NAMES_MAX], uids[SVC_SHARE_UIDS_MAX];
	if (svc_share_resolve(v, name_uid_r, NULL, names, uids, err, errsz) != 0)
		return -1;
	free(so->share_with);
	so->share_with = xstrdup(names);
	return 0;
}

static int set_idle(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_parse_idle_stop(v, &so->idle_stop_s, err, errsz);
}

static int set_replicas(struct svcopt *so, const char *v, char *err, size_t errsz)
{
	return svc_parse_replicas(v, &so->replicas, err, errsz);
}

static const struct {
	const char *name;
	unsigned bit;
	int takes_value;
	svcopt_fn fn;
} rows[] = {
	{ "--service", SO_NAME, 1, set_name },
	{ "--restart", SO_RESTART, 1, set_restart },
	{ "--max-restarts", SO_MAXR, 1, set_maxr },
	{ "--restart-window", SO_WINDOW, 1, set_window },
	{ "--port", SO_PORT, 0, set_port },
	{ "--health-cmd", SO_HCMD, 1, set_hcmd },
	{ "--health-http", SO_HHTTP, 1, set_hhttp },
	{ "--health-interval", SO_HINTERVAL, 1, set_hinterval },
	{ "--health-timeout", SO_HTIMEOUT, 1, set_htimeout },
	{ "--health-retries", SO_HRETRIES, 1, set_hretries },
	{ "--share-with", SO_SHARE, 1, set_share },
	{ "--idle-stop", SO_IDLE, 1, set_idle },
	{ "--replicas", SO_REPLICAS, 1, set_replicas },
};

#define NROWS (sizeof rows / sizeof rows[0])

static int find(const char *opt)
{
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].name, opt) == 0)
			return (int)i;
	return -1;
}

void svcopt_init(struct svcopt *so)
{
	memset(so, 0, sizeof *so);
	so->restart = SVC_RESTART_ON_FAILURE;
	so->max_restarts = SVC_DEFAULT_MAX_RESTARTS;
	so->window_s = SVC_DEFAULT_WINDOW_S;
	so->replicas = 1;
}

void svcopt_clear(struct svcopt *so)
{
	free(so->name);
	free(so->health_cmd);
	free(so->health_http);
	free(so->share_with);
	svcopt_init(so);
}

int svcopt_known(const char *opt)
{
	return find(opt) >= 0;
}

int svcopt_takes_value(const char *opt)
{
	int i = find(opt);
	return i >= 0 && rows[i].takes_value;
}

int svcopt_apply(struct svcopt *so, const char *opt, const char *value, int line,
    char *err, size_t errsz)
{
	int i = find(opt);
	if (i < 0)
		return 0;
	if (rows[i].takes_value && value == NULL) {
		snprintf(err, errsz, "option %s needs a value", opt);
		return -1;
	}
	if (!rows[i].takes_value && value != NULL) {
		snprintf(err, errsz, "option %s takes no value", opt);
		return -1;
	}
	if (rows[i].fn(so, value, err, errsz) != 0)
		return -1;
	so->set |= rows[i].bit;
	if (rows[i].bit != SO_NAME && so->first_opt == NULL) {
		so->first_line = line;
		so->first_opt = rows[i].name;
	}
	return 1;
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void svcopt_merge(struct svcopt *dst, const struct svcopt *src)
{
	unsigned take = src->set & ~dst->set;
	if (take & SO_NAME)
		dst->name = xstrdup(src->name);
	if (take & SO_RESTART)
		dst->restart = src->restart;
	if (take & SO_MAXR)
		dst->max_restarts = src->max_restarts;
	if (take & SO_WINDOW)
		dst->window_s = src->window_s;
	if (take & SO_PORT)
		dst->port = src->port;
	if (take & SO_HCMD)
		dst->health_cmd = dup_or_null(src->health_cmd);
	if (take & SO_HHTTP)
		dst->health_http = dup_or_null(src->health_http);
	if (take & SO_HINTERVAL)
		dst->health_interval = src->health_interval;
	if (take & SO_HTIMEOUT)
		dst->health_timeout = src->health_timeout;
	if (take & SO_HRETRIES)
		dst->health_retries = src->health_retries;
	if (take & SO_SHARE)
		dst->share_with = dup_or_null(src->share_with);
	if (take & SO_IDLE)
		dst->idle_stop_s = src->idle_stop_s;
	if (take & SO_REPLICAS)
		dst->replicas = src->replicas;
	if (dst->first_opt == NULL && (take & ~SO_NAME)) {
		dst->first_line = src->first_line;
		dst->first_opt = src->first_opt;
	}
	dst->set |= take;
}

const char *svcopt_refusal(const struct svcopt *so)
{
	if (so->idle_stop_s > 0 && so->replicas > 1)
		return "--idle-stop with --replicas: a service of several copies is not stopped "
		    "for being idle (--idle-stop is for one, a notebook)";
	if (so->health_cmd != NULL && so->health_http != NULL)
		return "--health-cmd and --health-http: one check, not both";
	if (so->health_http != NULL && !so->port)
		return "--health-http needs --port (the check GETs the service's port)";
	if (so->health_cmd == NULL && so->health_http == NULL &&
	    (so->health_interval || so->health_timeout || so->health_retries))
		return "--health-interval, --health-timeout and --health-retries need "
		    "--health-cmd or --health-http";
	return NULL;
}

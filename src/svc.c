/*
 * svc.c — herd service's pure rules (see svc.h).
 *
 * Theory of operation: a service is a job whose end is not always its
 * end.  When an attempt ends, svc_decide() says from its policy and exit
 * whether another one follows, and when: a fixed window counts restarts
 * (like systemd's StartLimitIntervalSec and StartLimitBurst) so that a
 * service that fails at once does not hold a node in a loop, and the
 * backoff doubles within a window (like Kubernetes' CrashLoopBackOff) so
 * that a dependency that is down for a minute is waited for without a
 * storm of attempts.  A window that is over starts the count, and so the
 * backoff, again: a service that ran well for a while restarts at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobopt.h"
#include "svc.h"

int svc_check_name(const char *s, char *err, size_t errsz)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > SVC_NAME_MAX) {
		snprintf(err, errsz, "a service name has 1 to %d characters", SVC_NAME_MAX);
		return -1;
	}
	if (s[0] == '-' || s[0] == '.') {
		snprintf(err, errsz, "a service name may not start with '%c'", s[0]);
		return -1;
	}
	if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n) {
		snprintf(err, errsz, "a service name has only letters, digits, '.', '_' and '-'");
		return -1;
	}
	/* herd port-forward NAME and herd port-forward ID read it as a job id. */
	if (strspn(s, "0123456789_") == n) {
		snprintf(err, errsz, "a service name of digits and '_' alone reads as a job id: "
		    "give it a letter");
		return -1;
	}
	return 0;
}

static const char *const policy_names[] = { "never", "on-failure", "always" };

int svc_parse_restart(const char *s, int *policy, char *err, size_t errsz)
{
	for (int k = 0; k < 3; k++)
		if (s != NULL && strcmp(s, policy_names[k]) == 0) {
			*policy = k;
			return 0;
		}
	snprintf(err, errsz, "--restart takes always, on-failure or never");
	return -1;
}

const char *svc_restart_name(int policy)
{
	return policy >= 0 && policy < 3 ? policy_names[policy] : "unknown";
}

/* s as a whole number 0..max (digits only), or -1. */
static long whole_number(const char *s, long max)
{
	char *end;
	errno = 0;
	long v = s != NULL && s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
	return v < 0 || errno != 0 || *end != '\0' || v > max ? -1 : v;
}

int svc_parse_max_restarts(const char *s, int *n, char *err, size_t errsz)
{
	long v = whole_number(s, SVC_MAX_RESTARTS_MAX);
	if (v < 0) {
		snprintf(err, errsz, "--max-restarts takes a whole number from 0 to %d",
		    SVC_MAX_RESTARTS_MAX);
		return -1;
	}
	*n = (int)v;
	return 0;
}

int svc_parse_replicas(const char *s, int *n, char *err, size_t errsz)
{
	long v = whole_number(s, SVC_REPLICAS_MAX);
	if (v < 1) {
		snprintf(err, errsz, "--replicas takes a whole number from 1 to %d",
		    SVC_REPLICAS_MAX);
		return -1;
	}
	*n = (int)v;
	return 0;
}

/* "90s", "10m", "2h", "1d": a number and one unit; -1 not of that form. */
static int unit_duration(const char *s, int64_t *secs)
{
	char *end;
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || end[0] == '\0' || end[1] != '\0' || v > SVC_WINDOW_MAX_S)
		return -1;
	const char *units = "smhd";
	static const int64_t mult[] = { 1, 60, 3600, 86400 };
	const char *u = strchr(units, end[0]);
	if (u == NULL)
		return -1;
	*secs = v * mult[u - units];
	return 0;
}

/* "90s".."1d" or a Slurm duration with ':' or '-', 1 s to 30 days; 0 or -1.
 * A bare number would be minutes to sbatch and seconds to most tools:
 * refused rather than guessed. */
static int option_duration(const char *s, int64_t *secs)
{
	int64_t v = 0;
	char e[128];
	int ok = s != NULL && (unit_duration(s, &v) == 0 ||
	    (strpbrk(s, ":-") != NULL && parse_duration_s(s, &v, e, sizeof e) == 0));
	if (!ok || v < 1 || v > SVC_WINDOW_MAX_S)
		return -1;
	*secs = v;
	return 0;
}

int svc_parse_window(const char *s, int64_t *secs, char *err, size_t errsz)
{
	if (option_duration(s, secs) != 0) {
		snprintf(err, errsz, "--restart-window takes a duration from 1s to 30d "
		    "(90s, 10m, 2h, 1d, or 10:00)");
		return -1;
	}
	return 0;
}

int svc_parse_idle_stop(const char *s, int64_t *secs, char *err, size_t errsz)
{
	if (option_duration(s, secs) != 0) {
		snprintf(err, errsz, "--idle-stop takes a duration from 1s to 30d "
		    "(30m, 2h, 1d, or 2:00:00)");
		return -1;
	}
	return 0;
}

void svc_decide(const struct svc_state *s, int32_t status, int64_t now, struct svc_verdict *v)
{
	memset(v, 0, sizeof *v);
	v->win_start = s->win_start;
	v->win_count = s->win_count;
	if (s->policy == SVC_RESTART_NEVER || (s->policy == SVC_RESTART_ON_FAILURE && status == 0) ||
	    (s->policy != SVC_RESTART_ALWAYS && s->policy != SVC_RESTART_ON_FAILURE))
		return;
	if (v->win_start == 0 || now < v->win_start || now - v->win_start >= s->window_s) {
		v->win_start = now;
		v->win_count = 0;
	}
	if (v->win_count >= s->max_restarts) {
		v->crashloop = 1;
		return;
	}
	int shift = v->win_count < 16 ? v->win_count : 16;
	v->delay_s = (int64_t)1 << shift;
	if (v->delay_s > SVC_BACKOFF_MAX_S)
		v->delay_s = SVC_BACKOFF_MAX_S;
	v->win_count++;
	v->restart = 1;
}

int svc_parse_start_port(const char *rest, int *port)
{
	char *end;
	if (rest == NULL || strncmp(rest, "port ", 5) != 0 || rest[5] < '1' || rest[5] > '9')
		return -1;
	errno = 0;
	long v = strtol(rest + 5, &end, 10);
	while (*end == ' ' || *end == '\r')
		end++;
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

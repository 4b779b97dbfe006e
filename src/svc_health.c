/*
 * svc_health.c — herd service's health checks: option values, the state
 * machine and the node program (see svc_health.h).
 *
 * Theory of operation: like Docker's HEALTHCHECK, a check is a command
 * whose exit status is the answer, run every interval under a timeout;
 * one success is enough to be HEALTHY, `retries` failures in a row make
 * it UNHEALTHY, and the controller restarts an unhealthy service through
 * its restart policy (ctl_health.c).  The check runs on the node in the
 * background, so the node's one shell is never held by it; its result
 * comes back as an event line, as a job's start and end do, naming the
 * attempt's key: a result of an older attempt is dropped like any stale
 * answer.  Every string that reaches the node's shell passes shquote.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launch.h"
#include "shquote.h"
#include "svc_health.h"
#include "util.h"

static const char *const health_names[] = { "none", "starting", "healthy", "unhealthy" };

const char *svc_health_name(int health)
{
	return health >= 0 && health < 4 ? health_names[health] : "none";
}

/* 1 to max bytes, none of them control bytes (a tab only in a command:
 * in a URL path no space either, nor a byte past ASCII). */
static int check_text(const char *s, size_t max, int path, const char *opt, const char *what,
    char *err, size_t errsz)
{
	size_t n = s != NULL ? strlen(s) : 0;
	if (n == 0 || n > max) {
		snprintf(err, errsz, "%s takes %s of 1 to %zu bytes", opt, what, max);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && (path || c != '\t')) || c == 0x7f || (path && (c == ' ' || c > 0x7f))) {
			snprintf(err, errsz, "%s: byte %zu is %s", opt, i + 1, path ?
			    "no printable character of a URL path (spaces as %20)" :
			    "a control character (the command is one line)");
			return -1;
		}
	}
	return 0;
}

int svc_health_check_cmd(const char *s, char *err, size_t errsz)
{
	return check_text(s, SVC_HEALTH_CMD_MAX, 0, "--health-cmd", "a command", err, errsz);
}

int svc_health_check_path(const char *s, char *err, size_t errsz)
{
	return check_text(s, SVC_HEALTH_PATH_MAX, 1, "--health-http", "a path", err, errsz);
}

int svc_health_parse_dur(const char *opt, const char *s, int64_t *secs, char *err, size_t errsz)
{
	static const char units[] = "smh";
	static const int64_t mult[] = { 1, 60, 3600 };
	char *end = NULL;
	long long v = -1;
	if (s != NULL && s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || v > SVC_HEALTH_DUR_MAX_S)
			v = -1;
		else if (*end != '\0') {
			const char *u = strchr(units, *end);
			v = u != NULL && *u != '\0' && end[1] == '\0' ? v * mult[u - units] : -1;
		}
	}
	if (v < 1 || v > SVC_HEALTH_DUR_MAX_S) {
		snprintf(err, errsz, "%s takes a duration from 1s to 24h (30s, 2m, 1h)", opt);
		return -1;
	}
	*secs = v;
	return 0;
}

int svc_health_parse_retries(const char *s, int *n, char *err, size_t errsz)
{
	char *end = NULL;
	long v = -1;
	if (s != NULL && s[0] >= '0' && s[0] <= '9') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0')
			v = -1;
	}
	if (v < 1 || v > SVC_HEALTH_RETRIES_MAX) {
		snprintf(err, errsz, "--health-retries takes a whole number from 1 to %d",
		    SVC_HEALTH_RETRIES_MAX);
		return -1;
	}
	*n = (int)v;
	return 0;
}

void svc_health_step(int health, int fails, int retries, int ok, struct svc_health_out *o)
{
	o->health = health;
	o->fails = fails;
	o->restart = 0;
	if (health != SVC_HEALTH_STARTING && health != SVC_HEALTH_HEALTHY)
		return;
	if (ok) {
		o->health = SVC_HEALTH_HEALTHY;
		o->fails = 0;
		return;
	}
	o->fails = fails < 0 ? 1 : fails + 1;
	if (o->fails >= (retries > 0 ? retries : 1)) {
		o->health = SVC_HEALTH_UNHEALTHY;
		o->restart = 1;
	}
}

int64_t svc_health_next_in(int health, int64_t interval_s)
{
	if (health == SVC_HEALTH_STARTING && interval_s > SVC_HEALTH_START_EVERY_S)
		return SVC_HEALTH_START_EVERY_S;
	return interval_s > 0 ? interval_s : 1;
}

int svc_health_fail_counts(int health, int64_t since_start_s, int64_t interval_s, int retries)
{
	if (health != SVC_HEALTH_STARTING)
		return 1;
	return since_start_s >= interval_s * (int64_t)(retries > 0 ? retries : 1);
}

/* The python3 fallback: argv is port, path, timeout. */
static const char py_get[] =
    "import http.client as h,sys\n"
    "c=h.HTTPConnection('127.0.0.1',int(sys.argv[1]),timeout=float(sys.argv[3]))\n"
    "c.request('GET',sys.argv[2])\n"
    "s=c.getresponse().status\n"
    "print('HTTP',s)\n"
    "sys.exit(0 if 200<=s<400 else 1)\n";

int svc_health_http_cmd(struct buf *out, const char *path, int port, int64_t timeout_s)
{
	struct buf p;
	buf_init(&p, SVC_HEALTH_PATH_MAX + 2);
	int r = path[0] == '/' ? 0 : buf_addc(&p, '/');
	r |= buf_addstr(&p, path);
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	/* curl -f fails on 4xx/5xx and follows no redirect: a 3xx passes. */
	r |= buf_printf(out, "if command -v curl >/dev/null 2>&1; then "
	    "exec curl -fsS -o /dev/null -m %" PRId64 " %s", timeout_s, url);
	r |= shquote(out, p.data != NULL ? p.data : "", p.len);
	r |= buf_addstr(out, "; elif command -v python3 >/dev/null 2>&1; then exec python3 -c ");
	r |= shquote_str(out, py_get);
	r |= buf_printf(out, " %d ", port);
	r |= shquote(out, p.data != NULL ? p.data : "", p.len);
	r |= buf_printf(out, " %" PRId64 "; else echo 'neither curl nor python3 on the node'; "
	    "exit 127; fi", timeout_s);
	buf_clear(&p);
	return r ? -1 : 0;
}

int svc_health_program(struct buf *out, const char *herd_dir, const char *key, const char *cmd,
    const char *workdir, int port, int64_t timeout_s)
{
	int r = buf_addstr(out, "__herd_ev=");
	r |= launch_dir_word(out, herd_dir, "events");
	r |= buf_addstr(out, "\n__herd_h=");
	r |= launch_dir_word(out, herd_dir, "jobs");
	r |= buf_addc(out, '/');
	r |= shquote_str(out, key);
	r |= buf_addstr(out, ".health\n(\n");
	if (workdir != NULL) {
		r |= buf_addstr(out, "cd ");
		r |= shquote_str(out, workdir);
		r |= buf_addstr(out, " 2>/dev/null\n");
	}
	if (port > 0)
		r |= buf_printf(out, "HERD_PORT=%d PORT=%d; export HERD_PORT PORT\n", port, port);
	r |= buf_addstr(out, "__herd_c=");
	r |= shquote_str(out, cmd);
	/* TERM at the timeout, KILL 2 s later; timeout(1) says 124 then. */
	r |= buf_printf(out, "\n__herd_t=\nif command -v timeout >/dev/null 2>&1; then __herd_t=1; "
	    "timeout -k 2 %" PRId64 " sh -c \"$__herd_c\"; else sh -c \"$__herd_c\"; fi "
	    "</dev/null >|\"$__herd_h\" 2>&1\n__herd_rc=$?\n", timeout_s);
	/* Its first line, one line of printable bytes: the event is one line. */
	r |= buf_printf(out, "__herd_m=$(head -n 1 \"$__herd_h\" | tr -d '\\000-\\037\\177' | "
	    "cut -c 1-%d)\n", SVC_HEALTH_MSG_MAX);
	r |= buf_printf(out, "if [ -n \"$__herd_t\" ] && [ \"$__herd_rc\" = 124 ]; then "
	    "__herd_m='timed out after %" PRId64 " s'; fi\nprintf 'health %%s %%s %%s\\n' ",
	    timeout_s);
	r |= shquote_str(out, key);
	r |= buf_addstr(out, " \"$__herd_rc\" \"$__herd_m\" >>\"$__herd_ev\"\n"
	    ") </dev/null >/dev/null 2>&1 &\n");
	return r ? -1 : 0;
}

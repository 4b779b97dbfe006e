/*
 * sigspec.c — the parser of --signal (see sigspec.h).
 *
 * Theory of operation: the signal is looked up in one fixed table, by name
 * or by number, and from then on is the table's number; whatever reaches a
 * node is the table's name for it, so no byte a user wrote is ever sent to
 * a shell.  The table holds the signals a job could want before its limit
 * (USR1 and USR2 most of all), not those that report a fault (SEGV, BUS,
 * ...).  Numbers are this platform's, as for kill(1) and sbatch.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sigspec.h"
#include "util.h"

#define SIGSPEC_INPUT_MAX	64	/* longer is not a --signal value */

static const struct { int sig; const char *name; } sigtab[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
	{ SIGABRT, "ABRT" }, { SIGKILL, "KILL" }, { SIGUSR1, "USR1" },
	{ SIGUSR2, "USR2" }, { SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" },
	{ SIGTERM, "TERM" }, { SIGCONT, "CONT" }, { SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" },
	{ SIGURG, "URG" }, { SIGXCPU, "XCPU" }, { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
};
#define NSIGTAB	(sizeof sigtab / sizeof sigtab[0])

const char *sigspec_name(int sig)
{
	for (size_t i = 0; i < NSIGTAB; i++)
		if (sigtab[i].sig == sig)
			return sigtab[i].name;
	return NULL;
}

/* "USR1", "SIGUSR1", "usr1" or "10" (n bytes of s) → its number, 0 none. */
static int lookup(const char *s, size_t n)
{
	if (n > 0 && strspn(s, "0123456789") >= n) {
		int v = 0;
		if (n > 3)
			return 0;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (s[i] - '0');
		return sigspec_name(v) != NULL ? v : 0;
	}
	if (n > 3 && strncasecmp(s, "SIG", 3) == 0) {
		s += 3;
		n -= 3;
	}
	for (size_t i = 0; i < NSIGTAB; i++)
		if (strlen(sigtab[i].name) == n && strncasecmp(sigtab[i].name, s, n) == 0)
			return sigtab[i].sig;
	return 0;
}

/* The message for a signal not in the table, listing the table. */
static void unknown(const char *vis, char *why, size_t whysz)
{
	int o = snprintf(why, whysz, "unknown signal \"%s\"; herd sends", vis);

	for (size_t i = 0; i < NSIGTAB && o > 0 && (size_t)o < whysz; i++)
		o += snprintf(why + o, whysz - (size_t)o, " %s", sigtab[i].name);
	if (o > 0 && (size_t)o < whysz)
		snprintf(why + o, whysz - (size_t)o, " (with or without SIG) or their numbers");
}

/* Slurm's prefixes: B: (batch shell only), R: (reservations), RB:, BR:. */
static const char *prefix(const char *s, unsigned *flags)
{
	static const struct { const char *p; unsigned f; } pre[] = {
		{ "RB:", SIGSPEC_BATCH }, { "BR:", SIGSPEC_BATCH },
		{ "B:", SIGSPEC_BATCH }, { "R:", 0 },
	};
	*flags = 0;
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncasecmp(s, pre[i].p, strlen(pre[i].p)) == 0) {
			*flags = pre[i].f;
			return s + strlen(pre[i].p);
		}
	return s;
}

/* "@TIME": 0 to SIGSPEC_TIME_MAX seconds, digits only. */
static int parse_time(const char *t, int *out, char *why, size_t whysz)
{
	size_t n = strspn(t, "0123456789");
	long v = 0;

	if (n == 0 || t[n] != '\0') {
		snprintf(why, whysz, "the time after @ must be a whole number of seconds, "
		    "0-%d", SIGSPEC_TIME_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (t[i] - '0');
		if (v > SIGSPEC_TIME_MAX) {
			snprintf(why, whysz, "the time after @ must be 0-%d seconds",
			    SIGSPEC_TIME_MAX);
			return -1;
		}
	}
	*out = (int)v;
	return 0;
}

int sigspec_parse(const char *text, struct sigspec *out, char *why, size_t whysz)
{
	struct sigspec s = { 0, SIGSPEC_TIME_DEFAULT, 0 };
	const char *p, *at;
	char vis[24];
	size_t n;

	if (strlen(text) > SIGSPEC_INPUT_MAX) {
		snprintf(why, whysz, "longer than %d bytes", SIGSPEC_INPUT_MAX);
		return -1;
	}
	p = prefix(text, &s.flags);
	at = strchr(p, '@');
	n = at != NULL ? (size_t)(at - p) : strlen(p);
	if (n == 0) {
		snprintf(why, whysz, "no signal before the @ (expected [B:]SIGNAL[@SECONDS], "
		    "as USR1@60)");
		return -1;
	}
	if ((s.sig = lookup(p, n)) == 0) {
		char name[SIGSPEC_INPUT_MAX + 1];
		memcpy(name, p, n);
		name[n] = '\0';
		str_vis(vis, sizeof vis, name);
		unknown(vis, why, whysz);
		return -1;
	}
	if (at != NULL && parse_time(at + 1, &s.time_s, why, whysz) != 0)
		return -1;
	*out = s;
	return 0;
}

void sigspec_format(const struct sigspec *s, char *buf, size_t size)
{
	const char *name = sigspec_name(s->sig);

	snprintf(buf, size, "%s%s@%d", s->flags & SIGSPEC_BATCH ? "B:" : "",
	    name != NULL ? name : "?", s->time_s);
}

/*
 * mailtype.c — --mail-type and --mail-user checked, and the events a job's
 * step raises for them (mailtype.h).
 *
 * Theory of operation: the names are one table, in the order the canonical
 * text writes them; ALL and NONE are sets, not events.  Parsing walks the
 * comma list once with lengths (no strtok, no copy), so a value is never
 * changed or read past its end, and every item must name a row: an empty
 * item (",,", a trailing comma) is a mistake sbatch would also refuse.
 *
 * The events come from the lifecycle's step (lifecycle.h), not from
 * places in the controller: BEGIN when a job becomes RUNNING, END when
 * the step says it is over (ACT_NOTIFY, once per attempt that ends), FAIL
 * with END for the endings that are failures, REQUEUE when an attempt is
 * recorded and a new one made (ACT_REQUEUE), INVALID_DEPEND and
 * TIME_LIMIT for the steps of those events.  The time-limit marks are
 * crossed between two looks of the clock, so a restart of herdd (whose
 * first look is its start) never tells the same mark twice.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "job.h"
#include "lifecycle.h"
#include "mailtype.h"

static const struct {
	const char *name;
	unsigned bits;
} names[] = {
	{ "ALL", MAIL_ALL },	/* first: the canonical text writes it first */
	{ "BEGIN", MAIL_BEGIN },
	{ "END", MAIL_END },
	{ "FAIL", MAIL_FAIL },
	{ "REQUEUE", MAIL_REQUEUE },
	{ "INVALID_DEPEND", MAIL_INVALID_DEPEND },
	{ "TIME_LIMIT", MAIL_TIME_LIMIT },
	{ "TIME_LIMIT_50", MAIL_TIME_LIMIT_50 },
	{ "TIME_LIMIT_80", MAIL_TIME_LIMIT_80 },
	{ "TIME_LIMIT_90", MAIL_TIME_LIMIT_90 },
	{ "ARRAY_TASKS", MAIL_ARRAY_TASKS },
	{ "NONE", 0 },
};
#define NNAMES (sizeof names / sizeof names[0])

/* One item of the list, [s, s+len): its bits, or -1 with why. */
static int item(const char *s, size_t len, unsigned *bits, int *none, char *why, size_t whysz)
{
	if (len == 0) {
		snprintf(why, whysz, "an empty type in the list");
		return -1;
	}
	for (size_t i = 0; i < NNAMES; i++)
		if (strlen(names[i].name) == len && strncasecmp(names[i].name, s, len) == 0) {
			*bits |= names[i].bits;
			*none |= names[i].bits == 0;
			return 0;
		}
	if (len == 9 && strncasecmp(s, "STAGE_OUT", 9) == 0) {
		snprintf(why, whysz, "STAGE_OUT is not supported yet: herd stages no data out");
		return -1;
	}
	char vis[33];
	size_t k;
	for (k = 0; k < len && k < sizeof vis - 1; k++)	/* it reaches a terminal */
		vis[k] = (unsigned char)s[k] < 0x20 || (unsigned char)s[k] >= 0x7f ? '?' : s[k];
	vis[k] = '\0';
	snprintf(why, whysz, "unknown type \"%s\"; use BEGIN, END, FAIL, REQUEUE, "
	    "INVALID_DEPEND, TIME_LIMIT, TIME_LIMIT_50, TIME_LIMIT_80, TIME_LIMIT_90, "
	    "ARRAY_TASKS, ALL or NONE", vis);
	return -1;
}

int mailtype_parse(const char *text, unsigned *mask, char *why, size_t whysz)
{
	unsigned bits = 0;
	int none = 0;
	size_t len = strnlen(text, MAILTYPE_INPUT_MAX + 1);

	if (len > MAILTYPE_INPUT_MAX) {
		snprintf(why, whysz, "longer than %d bytes", MAILTYPE_INPUT_MAX);
		return -1;
	}
	for (const char *s = text;;) {
		const char *comma = memchr(s, ',', len - (size_t)(s - text));
		size_t n = comma != NULL ? (size_t)(comma - s) : len - (size_t)(s - text);
		if (item(s, n, &bits, &none, why, whysz) != 0)
			return -1;
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	if (none && bits != 0) {
		snprintf(why, whysz, "NONE with other types");
		return -1;
	}
	if (bits == MAIL_ARRAY_TASKS) {
		snprintf(why, whysz, "ARRAY_TASKS alone names no event; add one (END, ALL, ...)");
		return -1;
	}
	*mask = bits;
	return 0;
}

void mailtype_format(unsigned mask, char *buf, size_t size)
{
	size_t off = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i + 1 < NNAMES && off < size; i++) {
		if ((mask & names[i].bits) != names[i].bits)
			continue;
		int n = snprintf(buf + off, size - off, "%s%s", off ? "," : "", names[i].name);
		off += n > 0 ? (size_t)n : 0;
		mask &= ~names[i].bits;
	}
}

const char *mailtype_name(unsigned event)
{
	for (size_t i = 1; i < NNAMES; i++)
		if (names[i].bits == event)
			return names[i].name;
	return NULL;
}

int mailuser_check(const char *v, char *why, size_t whysz)
{
	size_t len = strnlen(v, MAILUSER_MAX + 1);
	if (len == 0 || len > MAILUSER_MAX) {
		snprintf(why, whysz, "must be 1 to %d bytes", MAILUSER_MAX);
		return -1;
	}
	if (v[0] == '-') {
		snprintf(why, whysz, "must not start with '-'");
		return -1;
	}
	if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-@")
	    != len) {
		snprintf(why, whysz, "only letters, digits and . _ %% + - @ (an address "
		    "or a user name)");
		return -1;
	}
	return 0;
}

unsigned mailtype_events(unsigned mask, int ev, int from, int to, unsigned actions,
    int array_task)
{
	unsigned e = 0;
	if (array_task && !(mask & MAIL_ARRAY_TASKS))
		return 0;
	if (to == JOB_RUNNING && from != JOB_RUNNING)
		e |= MAIL_BEGIN;
	if (actions & ACT_NOTIFY) {
		e |= MAIL_END;
		if (to == JOB_FAILED || to == JOB_TIMEOUT || to == JOB_NODE_FAIL)
			e |= MAIL_FAIL;
	}
	if (actions & ACT_REQUEUE)
		e |= MAIL_REQUEUE;
	if (ev == EV_NEVER && to != from)
		e |= MAIL_INVALID_DEPEND;
	if (ev == EV_TIMEOUT && to != from)
		e |= MAIL_TIME_LIMIT;
	return e & mask;
}

static const struct { unsigned bit; int pct; } marks[] = {
	{ MAIL_TIME_LIMIT_50, 50 }, { MAIL_TIME_LIMIT_80, 80 }, { MAIL_TIME_LIMIT_90, 90 },
};

/* The wall second mark i of a limit is reached; limit_s <= TIME_MAX_S: no overflow. */
static long long mark_at(size_t i, long long start, long long limit_s)
{
	return start + (limit_s * marks[i].pct + 99) / 100;
}

unsigned mailtype_time_events(unsigned mask, long long start, long long limit_s,
    long long prev, long long now)
{
	unsigned e = 0;
	if (limit_s <= 0 || start <= 0 || !(mask & MAIL_TIME_ANY))
		return 0;
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		long long mark = mark_at(i, start, limit_s);
		if (prev < mark && mark <= now)
			e |= marks[i].bit;
	}
	return e & mask;
}

long long mailtype_next_mark(unsigned mask, long long start, long long limit_s, long long after)
{
	long long next = 0;
	if (limit_s <= 0 || start <= 0)
		return 0;
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		long long mark = mark_at(i, start, limit_s);
		if ((mask & marks[i].bit) && mark > after && (next == 0 || mark < next))
			next = mark;
	}
	return next;
}

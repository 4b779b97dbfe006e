/*
 * begintime.c — Slurm's --begin forms to an epoch second, in the
 * controller's local time zone.
 *
 * Theory of operation: the text is split at blanks into at most three
 * words, and each word is one of: a relative "now[+-N[unit]]" (alone), a
 * date (today, tomorrow, an ISO date, MM/DD[/YY] and kin), a time of day
 * (HH:MM[:SS], the named times), or AM/PM after a time.  What the words
 * say is collected into one broken-down local time and handed to mktime()
 * with tm_isdst = -1, so the zone's rules — DST included — come from the C
 * library and "tomorrow at 16:00" is 16:00 on the next calendar day even
 * when that day is 23 or 25 hours long (never now + 86400).
 *
 * The "next one" rules are sbatch's: a time of day without a date is today,
 * or tomorrow if that moment has passed; a month and day without a year is
 * this year, or next year if that moment has passed.  A moment equal to
 * now has not passed (t < now, not <=): it means now, not a day or a year
 * away.  Slurm's parse_time compares whole minutes and rolls anything not
 * strictly later, so there "03/28 17:00" typed at 17:00:30 is next year;
 * here too, as 17:00:00 has passed by then, and only the same second
 * differs, where a year's wait is never what was meant.  A date that names a
 * year is taken as written, even in the past (the job is then eligible at
 * once).  Every field is range-checked before mktime(), which would
 * otherwise quietly turn February 30 into March 2.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "begintime.h"
#include "util.h"

#define FORMS "now+60, now+1hour, HH:MM[:SS], midnight, noon, teatime, " \
	"today, tomorrow, YYYY-MM-DD[THH:MM[:SS]], MM/DD[/YY]"

/* What the words said; -1 for a field not given. */
struct when {
	int year, mon, day;	/* mon 1-12 */
	int year_given;		/* a date with a year (or today/tomorrow) */
	int day_offset;		/* tomorrow: 1 */
	int hour, min, sec;
	int ampm;		/* 0 none, 1 AM, 2 PM */
};

static const struct { const char *name; int hour; } named_times[] = {
	{ "midnight", 0 }, { "elevenses", 11 }, { "noon", 12 },
	{ "fika", 15 }, { "teatime", 16 },
};

static const struct { const char *name; long long secs; } units[] = {
	{ "", 1 }, { "s", 1 }, { "sec", 1 }, { "secs", 1 }, { "second", 1 },
	{ "seconds", 1 }, { "min", 60 }, { "mins", 60 }, { "minute", 60 },
	{ "minutes", 60 }, { "h", 3600 }, { "hour", 3600 }, { "hours", 3600 },
	{ "d", 86400 }, { "day", 86400 }, { "days", 86400 },
	{ "w", 604800 }, { "week", 604800 }, { "weeks", 604800 },
};

/* Exactly n digits at p (n >= 1) into *v; the count read, or 0. */
static int digits(const char *p, int min, int max, int *v)
{
	int n = 0, x = 0;

	while (n < max && isdigit((unsigned char)p[n]))
		x = x * 10 + (p[n++] - '0');
	if (n < min || isdigit((unsigned char)p[n]))
		return 0;
	*v = x;
	return n;
}

static int days_in(int year, int mon)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : d[mon - 1];
}

/* "now", "now+N[unit]", "now-N[unit]". */
static int parse_now(const char *w, time_t now, time_t *out, char *why,
    size_t whysz)
{
	const char *p = w + 3;
	long long n = 0, sign = 1, secs = 0;

	if (*p == '\0') {
		*out = now;
		return 0;
	}
	if (*p != '+' && *p != '-') {
		snprintf(why, whysz, "expected now+COUNT[UNIT] after now");
		return -1;
	}
	sign = *p++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*p)) {
		snprintf(why, whysz, "a count must follow now%c", sign < 0 ?
		    '-' : '+');
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > BEGIN_MAX_DELTA) {
			snprintf(why, whysz, "more than 100 years away");
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcasecmp(p, units[i].name) == 0) {
			secs = units[i].secs;
			break;
		}
	}
	if (secs == 0) {
		snprintf(why, whysz, "unknown unit \"%.20s\" (seconds, "
		    "minutes, hours, days, weeks)", p);
		return -1;
	}
	if (n > BEGIN_MAX_DELTA / secs) {
		snprintf(why, whysz, "more than 100 years away");
		return -1;
	}
	*out = now + (time_t)(sign * n * secs);
	return 0;
}

/* "HH:MM[:SS]" with an optional attached am/pm, at the start of w. */
static int parse_clock(const char *w, struct when *x, char *why,
    size_t whysz)
{
	const char *p = w;
	int n, h, m, s = 0;

	if ((n = digits(p, 1, 2, &h)) == 0 || p[n] != ':')
		return 1;
	p += n + 1;
	if ((n = digits(p, 2, 2, &m)) == 0)
		return 1;
	p += n;
	if (*p == ':') {
		if ((n = digits(p + 1, 2, 2, &s)) == 0)
			return 1;
		p += n + 1;
	}
	if (strcasecmp(p, "am") == 0)
		x->ampm = 1;
	else if (strcasecmp(p, "pm") == 0)
		x->ampm = 2;
	else if (*p != '\0')
		return 1;
	if (h > 23 || m > 59 || s > 59) {
		snprintf(why, whysz, "%.16s is not a time of day", w);
		return -1;
	}
	x->hour = h;
	x->min = m;
	x->sec = s;
	return 0;
}

/* A date word; 1 if w is not one, -1 on a bad one. */
static int parse_date(const char *w, time_t now, struct when *x, char *why,
    size_t whysz)
{
	struct tm tm;
	int n, y = -1, mo, d, yy;
	const char *p = w;
	char sep;

	if (strcasecmp(w, "today") == 0 || strcasecmp(w, "tomorrow") == 0) {
		localtime_r(&now, &tm);
		x->year = tm.tm_year + 1900;
		x->mon = tm.tm_mon + 1;
		x->day = tm.tm_mday;
		x->year_given = 1;
		x->day_offset = strcasecmp(w, "tomorrow") == 0;
		return 0;
	}
	if ((n = digits(p, 4, 4, &y)) != 0 && p[4] == '-') {	/* ISO */
		p += 5;
		if ((n = digits(p, 1, 2, &mo)) == 0 || p[n] != '-')
			return 1;
		p += n + 1;
		if ((n = digits(p, 1, 2, &d)) == 0)
			return 1;
		p += n;
		if (*p == 'T' || *p == 't') {
			int rc = parse_clock(p + 1, x, why, whysz);
			if (rc != 0)
				return rc;
			if (x->ampm != 0)
				return 1;
		} else if (*p != '\0') {
			return 1;
		}
		x->year_given = 1;
	} else if ((n = digits(p, 1, 2, &mo)) != 0 &&
	    (p[n] == '/' || p[n] == '.')) {		/* MM/DD[/YY] */
		sep = p[n];
		p += n + 1;
		if ((n = digits(p, 1, 2, &d)) == 0)
			return 1;
		p += n;
		y = -1;
		if (*p == sep) {
			if (digits(p + 1, 2, 2, &yy) == 0 || p[3] != '\0')
				return 1;
			y = 2000 + yy;
		} else if (*p != '\0') {
			return 1;
		}
	} else if ((n = digits(p, 4, 6, &yy)) == 4 || n == 6) {	/* MMDD[YY] */
		mo = yy / (n == 6 ? 10000 : 100);
		d = (yy / (n == 6 ? 100 : 1)) % 100;
		y = n == 6 ? 2000 + yy % 100 : -1;
		if (p[n] != '\0')
			return 1;
	} else {
		return 1;
	}
	if (y == -1) {
		localtime_r(&now, &tm);
		x->year = tm.tm_year + 1900;
	} else {
		x->year = y;
		x->year_given = 1;
	}
	if (x->year < 1970 || x->year > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in(x->year == -1 ? 2000 : x->year, mo)) {
		snprintf(why, whysz, "no such date");
		return -1;
	}
	x->mon = mo;
	x->day = d;
	return 0;
}

/* One word that is not "now": a date, a time, or AM/PM. */
static int parse_word(const char *w, time_t now, struct when *x, char *why,
    size_t whysz)
{
	struct when t;
	int rc;

	if (strcasecmp(w, "am") == 0 || strcasecmp(w, "pm") == 0) {
		if (x->hour < 0 || x->ampm != 0) {
			snprintf(why, whysz, "%s must follow HH:MM", w);
			return -1;
		}
		x->ampm = tolower((unsigned char)w[0]) == 'a' ? 1 : 2;
		return 0;
	}
	for (size_t i = 0; i < sizeof named_times / sizeof named_times[0];
	    i++) {
		if (strcasecmp(w, named_times[i].name) == 0) {
			if (x->hour >= 0)
				goto twice_time;
			x->hour = named_times[i].hour;
			x->min = x->sec = 0;
			return 0;
		}
	}
	t = *x;
	if ((rc = parse_clock(w, &t, why, whysz)) < 0)
		return -1;
	if (rc == 0) {
		if (x->hour >= 0)
			goto twice_time;
		*x = t;
		return 0;
	}
	t = *x;
	t.hour = -1;		/* to see whether an ISO date brings a time */
	if ((rc = parse_date(w, now, &t, why, whysz)) < 0)
		return -1;
	if (rc == 0) {
		if (x->mon >= 0) {
			snprintf(why, whysz, "two dates");
			return -1;
		}
		if (t.hour >= 0 && x->hour >= 0)
			goto twice_time;
		if (t.hour < 0) {
			t.hour = x->hour;
			t.min = x->min;
			t.sec = x->sec;
		}
		*x = t;
		return 0;
	}
	snprintf(why, whysz, "not a time (" FORMS ")");
	return -1;
twice_time:
	snprintf(why, whysz, "two times of day");
	return -1;
}

/* mktime() of x's date plus `days`, at x's time (00:00 if none). */
static time_t make(const struct when *x, int days, int years)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = x->year + years - 1900;
	tm.tm_mon = x->mon - 1;
	tm.tm_mday = x->day + days;
	tm.tm_hour = x->hour >= 0 ? x->hour : 0;
	tm.tm_min = x->hour >= 0 ? x->min : 0;
	tm.tm_sec = x->hour >= 0 ? x->sec : 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static int parse_why(const char *s, time_t now, time_t *out, char *why,
    size_t whysz)
{
	char buf[BEGIN_TEXT_MAX + 1], *words[4], *save = NULL, *w;
	struct when x = { -1, -1, -1, 0, 0, -1, -1, -1, 0 };
	struct tm tm;
	size_t len = strnlen(s, BEGIN_TEXT_MAX + 1);
	int nw = 0;
	time_t t;

	if (len > BEGIN_TEXT_MAX) {
		snprintf(why, whysz, "longer than %d bytes", BEGIN_TEXT_MAX);
		return -1;
	}
	memcpy(buf, s, len + 1);
	for (w = strtok_r(buf, " \t", &save); w != NULL;
	    w = strtok_r(NULL, " \t", &save)) {
		if (nw == 3) {
			snprintf(why, whysz, "too many words");
			return -1;
		}
		words[nw++] = w;
	}
	if (nw == 0) {
		snprintf(why, whysz, "empty");
		return -1;
	}
	for (int i = 0; i < nw; i++) {
		if (strncasecmp(words[i], "now", 3) == 0) {
			if (nw > 1) {
				snprintf(why, whysz, "now+... stands alone");
				return -1;
			}
			return parse_now(words[0], now, out, why, whysz);
		}
		if (parse_word(words[i], now, &x, why, whysz) != 0)
			return -1;
	}
	if (x.ampm != 0) {
		if (x.hour < 1 || x.hour > 12) {
			snprintf(why, whysz, "with AM/PM the hour is 1-12");
			return -1;
		}
		x.hour = x.hour % 12 + (x.ampm == 2 ? 12 : 0);
	}
	if (x.mon < 0) {		/* a time alone: today or tomorrow */
		localtime_r(&now, &tm);
		x.year = tm.tm_year + 1900;
		x.mon = tm.tm_mon + 1;
		x.day = tm.tm_mday;
		t = make(&x, 0, 0);
		if (t < now)
			t = make(&x, 1, 0);
	} else {
		t = make(&x, x.day_offset, 0);
		if (!x.year_given && t < now)
			t = make(&x, 0, 1);
	}
	if (t == (time_t)-1) {
		snprintf(why, whysz, "out of range");
		return -1;
	}
	*out = t;
	return 0;
}

int begin_parse(const char *s, time_t now, time_t *out, char *err,
    size_t errsz)
{
	char why[HERD_ERRLEN], vis[128];

	if (parse_why(s, now, out, why, sizeof why) == 0)
		return 0;
	str_vis(vis, sizeof vis, s);
	snprintf(err, errsz, "invalid --begin \"%s\": %s", vis, why);
	return -1;
}

/*
 * A report's bound looks back, where --begin's words look ahead ("16:00" is
 * tomorrow once it has passed): only the forms that mean one moment whatever
 * the hour, now[+-N] and a full date, are taken.
 */
int begin_parse_past(const char *s, const char *opt, time_t now, time_t *out, char *err,
    size_t errsz)
{
	char why[HERD_ERRLEN], vis[128];
	size_t n = strspn(s, " \t");
	const char *t = s + n;
	int dated = strspn(t, "0123456789") == 4 && t[4] == '-';
	struct tm tm;

	/* sacct's "today": its first second, local time. */
	if (strcasecmp(t, "today") == 0 && localtime_r(&now, &tm) != NULL) {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		*out = mktime(&tm);
		return 0;
	}
	if (!dated && strncasecmp(t, "now", 3) != 0)
		snprintf(why, sizeof why, "a period's bound is today, now, now-N[unit] or "
		    "YYYY-MM-DD[THH:MM[:SS]]");
	else if (parse_why(s, now, out, why, sizeof why) == 0)
		return 0;
	str_vis(vis, sizeof vis, s);
	snprintf(err, errsz, "invalid %s \"%s\": %s", opt, vis, why);
	return -1;
}

size_t begin_format(time_t t, char *dst, size_t size)
{
	struct tm tm;
	size_t n;

	if (size == 0)
		return 0;
	dst[0] = '\0';
	if (localtime_r(&t, &tm) == NULL)
		return 0;
	n = strftime(dst, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		dst[0] = '\0';
	return n;
}

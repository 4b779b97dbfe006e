/* Unit tests for --begin times (begintime.c), with a fixed clock and zone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "begintime.h"
#include "util.h"

static void zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* A local wall time (not one a DST change skips or repeats). */
static time_t local(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
	    .tm_hour = h, .tm_min = mi, .tm_sec = s, .tm_isdst = -1 };
	return mktime(&tm);
}

struct want { const char *in, *out; };

static void check(time_t now, const struct want *t, size_t n)
{
	char err[HERD_ERRLEN], got[64];

	for (size_t i = 0; i < n; i++) {
		time_t r = 0;
		if (begin_parse(t[i].in, now, &r, err, sizeof err) != 0)
			fail_msg("%s: %s", t[i].in, err);
		begin_format(r, got, sizeof got);
		if (strcmp(got, t[i].out) != 0)
			fail_msg("%s: got %s, want %s", t[i].in, got, t[i].out);
	}
}

/* Berlin, the evening before the spring-forward night (23-hour day). */
static void berlin_spring(void **state)
{
	(void)state;
	static const struct want t[] = {
		{ "now", "2026-03-28T17:00:00" },
		{ "NOW", "2026-03-28T17:00:00" },
		{ "now+60", "2026-03-28T17:01:00" },
		{ "now+60s", "2026-03-28T17:01:00" },
		{ "now+90seconds", "2026-03-28T17:01:30" },
		{ "now+1minute", "2026-03-28T17:01:00" },
		{ "now+2minutes", "2026-03-28T17:02:00" },
		{ "now+5min", "2026-03-28T17:05:00" },
		{ "now+1hour", "2026-03-28T18:00:00" },
		{ "now+3hours", "2026-03-28T20:00:00" },
		{ "now+1HOUR", "2026-03-28T18:00:00" },
		/* Days are 86400 s: across the short night the clock moves. */
		{ "now+2days", "2026-03-30T18:00:00" },
		{ "now+1week", "2026-04-04T18:00:00" },
		{ "now+2weeks", "2026-04-11T18:00:00" },
		{ "now-60", "2026-03-28T16:59:00" },
		{ "now+0", "2026-03-28T17:00:00" },
		/* A time that has passed today is tomorrow, on the clock. */
		{ "16:00", "2026-03-29T16:00:00" },
		{ "18:30", "2026-03-28T18:30:00" },
		{ "17:00", "2026-03-28T17:00:00" },
		{ "16:59:59", "2026-03-29T16:59:59" },
		{ "9:05", "2026-03-29T09:05:00" },
		{ "midnight", "2026-03-29T00:00:00" },
		{ "noon", "2026-03-29T12:00:00" },
		{ "teatime", "2026-03-29T16:00:00" },
		{ "TeaTime", "2026-03-29T16:00:00" },
		{ "fika", "2026-03-29T15:00:00" },
		{ "elevenses", "2026-03-29T11:00:00" },
		{ "today", "2026-03-28T00:00:00" },
		{ "tomorrow", "2026-03-29T00:00:00" },
		{ "tomorrow 16:00", "2026-03-29T16:00:00" },
		{ "teatime tomorrow", "2026-03-29T16:00:00" },
		{ "today 18:00", "2026-03-28T18:00:00" },
		{ "today 10:00", "2026-03-28T10:00:00" },
		{ "2026-12-01T14:00", "2026-12-01T14:00:00" },
		{ "2026-12-01T14:00:05", "2026-12-01T14:00:05" },
		{ "2026-12-01", "2026-12-01T00:00:00" },
		{ "2026-12-01 14:00", "2026-12-01T14:00:00" },
		{ "14:00 2026-12-01", "2026-12-01T14:00:00" },
		{ "2026-1-5", "2026-01-05T00:00:00" },
		{ "2025-01-01", "2025-01-01T00:00:00" },	/* past: as written */
		{ "2028-02-29", "2028-02-29T00:00:00" },
		{ "12/01", "2026-12-01T00:00:00" },
		{ "12/01 16:00", "2026-12-01T16:00:00" },
		{ "03/01", "2027-03-01T00:00:00" },	/* passed: next year */
		{ "03/28 18:00", "2026-03-28T18:00:00" },
		{ "03/28", "2027-03-28T00:00:00" },
		{ "12/01/27", "2027-12-01T00:00:00" },
		{ "12.01", "2026-12-01T00:00:00" },
		{ "12.01.27", "2027-12-01T00:00:00" },
		{ "1201", "2026-12-01T00:00:00" },
		{ "120127", "2027-12-01T00:00:00" },
		{ "4:00 PM", "2026-03-29T16:00:00" },
		{ "4:00pm", "2026-03-29T16:00:00" },
		{ "11:00 pm", "2026-03-28T23:00:00" },
		{ "12:00am", "2026-03-29T00:00:00" },
		{ "12:30 PM", "2026-03-29T12:30:00" },
		{ "11:59:59 PM", "2026-03-28T23:59:59" },
		{ "  noon  ", "2026-03-29T12:00:00" },
		/* Skipped by the clock change: moved forward, as mktime(). */
		{ "2026-03-29T02:30", "2026-03-29T03:30:00" },
	};

	zone("Europe/Berlin");
	check(local(2026, 3, 28, 17, 0, 0), t, sizeof t / sizeof t[0]);
}

/* Berlin, the day before the fall-back night (25-hour day). */
static void berlin_autumn(void **state)
{
	(void)state;
	static const struct want t[] = {
		{ "tomorrow", "2026-10-25T00:00:00" },
		{ "now+1day", "2026-10-25T11:00:00" },
		{ "teatime", "2026-10-24T16:00:00" },
		{ "11:00", "2026-10-25T11:00:00" },
		{ "tomorrow 12:00", "2026-10-25T12:00:00" },
	};
	char err[HERD_ERRLEN], got[64];
	time_t now, r;

	zone("Europe/Berlin");
	now = local(2026, 10, 24, 12, 0, 0);
	check(now, t, sizeof t / sizeof t[0]);
	/* The calendar day is 25 hours long; noon to noon is 25 h. */
	assert_int_equal(begin_parse("tomorrow 12:00", now, &r, err,
	    sizeof err), 0);
	assert_int_equal(r - now, 25 * 3600);
	/* 02:30 happens twice that night; either is 02:30 on the clock. */
	assert_int_equal(begin_parse("2026-10-25T02:30", now, &r, err,
	    sizeof err), 0);
	begin_format(r, got, sizeof got);
	assert_string_equal(got, "2026-10-25T02:30:00");
}

static void utc_year_end(void **state)
{
	(void)state;
	static const struct want t[] = {
		{ "00:15", "2027-01-01T00:15:00" },
		{ "23:45", "2026-12-31T23:45:00" },
		{ "tomorrow", "2027-01-01T00:00:00" },
		{ "12/31", "2027-12-31T00:00:00" },
		{ "01/01", "2027-01-01T00:00:00" },
		{ "now+1hour", "2027-01-01T00:30:00" },
		{ "midnight", "2027-01-01T00:00:00" },
	};
	char got[64];

	zone("UTC");
	check(local(2026, 12, 31, 23, 30, 0), t, sizeof t / sizeof t[0]);
	assert_int_equal(begin_format(0, got, sizeof got), 19);
	assert_string_equal(got, "1970-01-01T00:00:00");
	assert_int_equal(begin_format(0, got, 19), 0);	/* no room for NUL */
	assert_string_equal(got, "");
	assert_int_equal(begin_format(0, got, 0), 0);
}

/*
 * The year rollover of a month and day without a year, at its boundary: a
 * date-time equal to now has not passed, so it is now (the job is eligible
 * at once), as a time of day equal to now is today.  Slurm's parse_time
 * compares whole minutes and rolls to next year unless strictly later;
 * herd compares seconds and rolls only what has passed: one second earlier
 * is next year, the same second is not a year's wait.
 */
static void year_rollover_boundary(void **state)
{
	(void)state;
	static const struct want t[] = {
		{ "03/28 17:00", "2026-03-28T17:00:00" },	/* == now */
		{ "17:00 03/28", "2026-03-28T17:00:00" },
		{ "0328 17:00", "2026-03-28T17:00:00" },
		{ "03.28 17:00:00", "2026-03-28T17:00:00" },
		{ "03/28 5:00 PM", "2026-03-28T17:00:00" },
		{ "03/28 16:59:59", "2027-03-28T16:59:59" },	/* 1 s ago */
		{ "03/28 17:00:01", "2026-03-28T17:00:01" },
		{ "17:00", "2026-03-28T17:00:00" },	/* the same rule */
	};
	time_t now;
	char err[HERD_ERRLEN];
	time_t r;

	zone("Europe/Berlin");
	now = local(2026, 3, 28, 17, 0, 0);
	check(now, t, sizeof t / sizeof t[0]);
	assert_int_equal(begin_parse("03/28 17:00", now, &r, err, sizeof err),
	    0);
	assert_int_equal(r, now);
	/* New Year's midnight, equal to now: this year, not 2028. */
	zone("UTC");
	now = local(2027, 1, 1, 0, 0, 0);
	check(now, (const struct want[]){ { "01/01", "2027-01-01T00:00:00" },
	    { "0101 00:00", "2027-01-01T00:00:00" } }, 2);
}

static void refused(void **state)
{
	(void)state;
	static const struct { const char *in, *why; } t[] = {
		{ "someday", "not a time (now+60" },
		{ "", "empty" }, { "   ", "empty" },
		{ "25:00", "not a time of day" }, { "12:60", "not a time of day" },
		{ "12:30:60", "not a time of day" },
		{ "2026-02-30", "no such date" }, { "2026-13-01", "no such date" },
		{ "2026-00-10", "no such date" }, { "2027-02-29", "no such date" },
		{ "1969-12-31", "no such date" }, { "00/10", "no such date" },
		{ "13/01", "no such date" }, { "02/29", "no such date" },
		{ "10000-01-01", "not a time" }, { "12/01/2027", "not a time" },
		{ "now+", "a count must follow now+" },
		{ "now-", "a count must follow now-" },
		{ "now+5parsecs", "unknown unit \"parsecs\"" },
		{ "now+5 hours", "stands alone" }, { "now+1hour 16:00", "alone" },
		{ "16:00 now", "alone" },
		{ "now+99999999999", "more than 100 years" },
		{ "now+999999999999999999999999", "more than 100 years" },
		{ "now+1000000weeks", "more than 100 years" },
		{ "now+-5", "a count must follow" }, { "nowhere", "now+COUNT" },
		{ "now+1.5hours", "unknown unit" },
		{ "16:00 17:00", "two times of day" },
		{ "noon teatime", "two times of day" },
		{ "16:00 2026-12-01T14:00", "two times of day" },
		{ "today tomorrow", "two dates" }, { "12/01 1201", "two dates" },
		{ "pm", "must follow HH:MM" }, { "4:00pm pm", "must follow" },
		{ "13:00 PM", "with AM/PM the hour is 1-12" },
		{ "0:30am", "with AM/PM the hour is 1-12" },
		{ "2026-12-01T14:00pm", "not a time" },
		{ "1:2", "not a time" }, { "16:00:00:00", "not a time" },
		{ "123:00", "not a time" }, { "16:", "not a time" },
		{ "a b c d", "too many words" }, { "16h", "not a time" },
		{ "2026-12-01X14:00", "not a time" }, { "12/01/", "not a time" },
		{ "12345", "not a time" }, { "-16:00", "not a time" },
		{ "tomorrow\n", "not a time" }, { "\x1b[2J", "not a time" },
	};
	char err[HERD_ERRLEN];
	time_t r;

	zone("UTC");
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		r = 12345;
		if (begin_parse(t[i].in, 1000000000, &r, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted", t[i].in);
		assert_int_equal(r, 12345);
		if (strstr(err, t[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", t[i].in, err,
			    t[i].why);
		assert_true(strncmp(err, "invalid --begin \"", 17) == 0);
		assert_null(strchr(err, '\x1b'));
		assert_null(strchr(err, '\n'));
	}
	begin_parse("someday", 0, &r, err, sizeof err);
	assert_true(strncmp(err, "invalid --begin \"someday\": not a time",
	    37) == 0);

	char big[BEGIN_TEXT_MAX + 2];
	memset(big, ' ', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "noon", 4);
	assert_int_equal(begin_parse(big, 0, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "longer than"));
	big[BEGIN_TEXT_MAX] = '\0';	/* exactly the limit is fine */
	assert_int_equal(begin_parse(big, 0, &r, err, sizeof err), 0);
}

/* A period's bounds (herd usage -S/-E): no form that rolls forward. */
static void past_bounds(void **state)
{
	(void)state;
	static const char *const bad[] = { "16:00", "teatime", "tomorrow", "12/01",
		"1201", "noon today", "", "   ", "nowhere", "20261-01-01", "202-01-01",
		"2026/12/01", "\x1b[2J", "2026-12-01X14:00", "now+", "now-1fortnight", "todays",
		"today-1" };
	char err[HERD_ERRLEN];
	time_t r, now = 1796558400;	/* 2026-12-06T12:00:00Z */

	zone("UTC");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = 12345;
		if (begin_parse_past(bad[i], "-S", now, &r, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted as a period's bound", bad[i]);
		assert_int_equal(r, 12345);
		assert_true(strncmp(err, "invalid -S \"", 12) == 0);
		assert_null(strchr(err, '\x1b'));
	}
	assert_int_equal(begin_parse_past("now-2days", "-S", now, &r, err, sizeof err), 0);
	assert_int_equal(r, now - 2 * 86400);
	assert_int_equal(begin_parse_past(" NOW", "-E", now, &r, err, sizeof err), 0);
	assert_int_equal(r, now);
	assert_int_equal(begin_parse_past("2026-11-01", "-S", now, &r, err, sizeof err), 0);
	assert_int_equal(r, 1793491200);
	assert_int_equal(begin_parse_past("2026-11-01T08:30", "-E", now, &r, err, sizeof err), 0);
	assert_int_equal(r, 1793491200 + 8 * 3600 + 1800);
	/* sacct's "today": the day's first second, local time. */
	assert_int_equal(begin_parse_past("today", "-S", now, &r, err, sizeof err), 0);
	assert_int_equal(r, now - 12 * 3600);
	assert_int_equal(begin_parse_past(" TODAY", "-S", now, &r, err, sizeof err), 0);
	assert_int_equal(r, now - 12 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(berlin_spring),
		cmocka_unit_test(berlin_autumn),
		cmocka_unit_test(utc_year_end),
		cmocka_unit_test(year_rollover_boundary),
		cmocka_unit_test(refused),
		cmocka_unit_test(past_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * begintime.h — Slurm's --begin times ("now+1hour", "16:00", "teatime",
 * "tomorrow", "2026-12-01T14:00") to seconds since the epoch, and back to
 * the text herd show prints.
 *
 * Both work in the local time zone of the process (the controller's), as
 * localtime_r() and mktime() see it: the TZ environment variable decides,
 * which is also how the tests pin it.  Nothing else is read; no state.
 */
#ifndef HERD_BEGINTIME_H
#define HERD_BEGINTIME_H

#include <stddef.h>
#include <time.h>

/* Longer text is refused unread. */
#define BEGIN_TEXT_MAX	256
/* now+N may reach at most this far (100 years of 365 days). */
#define BEGIN_MAX_DELTA	((long long)100 * 365 * 86400)

/*
 * Parse `s` relative to `now`.  The forms, any letters in any case:
 *   now, now+N, now-N, with N in seconds or with a unit: s, sec(s),
 *     second(s), min(s), minute(s), h, hour(s), d, day(s), w, week(s)
 *     (a day is 86400 s here, as in Slurm);
 *   HH:MM[:SS] with an optional AM/PM (attached or after a blank), and
 *     midnight (00:00), elevenses (11:00), noon (12:00), fika (15:00),
 *     teatime (16:00): today, or tomorrow if that moment has passed;
 *   today, tomorrow: that day at 00:00, or at a time given with it
 *     ("tomorrow 16:00", "teatime tomorrow");
 *   YYYY-MM-DD[THH:MM[:SS]], also with a blank for the T;
 *   MM/DD[/YY], MM.DD[.YY], MMDD[YY]: without a year this year, or next
 *     year if that moment has passed; YY is 20YY.  A time may follow.
 * A wall time that a DST change skips is moved forward as mktime() does
 * (02:30 on the spring-forward night is 03:30).  Returns 0 with *out, or -1
 * with *err like
 *   invalid --begin "someday": not a time (now+60, HH:MM, ...)
 */
int begin_parse(const char *s, time_t now, time_t *out, char *err,
    size_t errsz);

/*
 * A bound of a period in the past (herd usage -S/-E): only now, now+-N and
 * YYYY-MM-DD[THH:MM[:SS]], the forms that do not roll forward to tomorrow
 * or next year.  `opt` names the option in the error ("invalid -S ...").
 */
int begin_parse_past(const char *s, const char *opt, time_t now, time_t *out, char *err,
    size_t errsz);

/* Write t as local "YYYY-MM-DDTHH:MM:SS" into dst; returns the length, 0
 * (with dst "") if it does not fit or t is out of range. */
size_t begin_format(time_t t, char *dst, size_t size);

#endif

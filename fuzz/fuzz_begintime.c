/*
 * Fuzz target: the first line of the input as a --begin value, against a
 * clock taken from the bytes after it, in UTC and in a zone with DST.  A
 * time that parses must format; now+N must land within 100 years; a
 * period's bound (begin_parse_past) parses only where --begin does, alike.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "begintime.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[BEGIN_TEXT_MAX + 8], err[HERD_ERRLEN], out[64];
	size_t n = strnlen((const char *)data, size < sizeof line - 1 ?
	    size : sizeof line - 1);
	time_t now = 1774713600, t;	/* 2026-03-28T16:00:00Z */

	memcpy(line, data, n);
	line[n] = '\0';
	for (size_t i = n + 1; i < size && i < n + 5; i++)
		now += (time_t)data[i] << (8 * (i - n - 1));
	setenv("TZ", size % 2 ? "Europe/Berlin" : "UTC", 1);
	tzset();
	if (begin_parse(line, now, &t, err, sizeof err) == 0) {
		if (strncmp(line, "now", 3) == 0 &&
		    (t > now + BEGIN_MAX_DELTA || t < now - BEGIN_MAX_DELTA))
			abort();
		begin_format(t, out, sizeof out);
	}
	/* A period's bound: a subset of the same forms, never another answer. */
	time_t p;
	if (begin_parse_past(line, "-S", now, &p, err, sizeof err) == 0 &&
	    (begin_parse(line, now, &t, err, sizeof err) != 0 || t != p))
		abort();
	return 0;
}

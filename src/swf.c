/*
 * swf.c — the SWF line parser and writer (see swf.h).  Strict on purpose: a
 * trace is outside input, and a misread field silently changes every figure
 * the simulator prints, so a line is either 18 plain numbers or an error
 * that names the field.  The writer prints only integers, so what herd
 * writes the parser reads back exactly.
 */
#include <stdio.h>
#include <string.h>

#include "swf.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One number at p (up to end): [-]digits[.digits]; *v truncated toward 0. */
static const char *number(const char *p, const char *end, int64_t *v)
{
	int neg = 0, digits = 0;
	int64_t x = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
		if (x > SWF_NUM_MAX / 10)
			return NULL;
		x = x * 10 + (*p - '0');
	}
	if (p < end && *p == '.') {
		p++;
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			digits++;
	}
	if (digits == 0 || x > SWF_NUM_MAX || (p < end && !is_space(*p)))
		return NULL;
	*v = neg ? -x : x;
	return p;
}

int swf_parse_line(const char *line, size_t len, struct swf_job *out, char *why, size_t errlen)
{
	const char *p = line, *end = line + len;
	int64_t f[SWF_FIELDS];
	int n = 0;

	if (len > SWF_LINE_MAX) {
		snprintf(why, errlen, "line longer than %d bytes", SWF_LINE_MAX);
		return -1;
	}
	if (memchr(line, '\0', len) != NULL) {
		snprintf(why, errlen, "a NUL byte in the line");
		return -1;
	}
	while (p < end && is_space(*p))
		p++;
	if (p == end || *p == ';')
		return 0;
	while (p < end) {
		if (n == SWF_FIELDS) {
			snprintf(why, errlen, "more than %d fields", SWF_FIELDS);
			return -1;
		}
		const char *q = number(p, end, &f[n]);
		if (q == NULL) {
			snprintf(why, errlen, "field %d is not a number of at most 15 digits", n + 1);
			return -1;
		}
		n++;
		for (p = q; p < end && is_space(*p); p++)
			;
	}
	if (n != SWF_FIELDS) {
		snprintf(why, errlen, "%d fields, not %d", n, SWF_FIELDS);
		return -1;
	}
	*out = (struct swf_job){ .id = f[0], .submit = f[1], .run = f[3],
	    .size = f[7] > 0 ? f[7] : f[4], .req_time = f[8], .user = f[11] };
	return 1;
}

int64_t swf_header_value(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);
	const char *p = line, *end = line + len;
	int64_t v;

	if (p == end || *p++ != ';')
		return 0;
	while (p < end && is_space(*p))
		p++;
	if ((size_t)(end - p) <= k || memcmp(p, key, k) != 0 || p[k] != ':')
		return 0;
	for (p += k + 1; p < end && is_space(*p); p++)
		;
	const char *q = number(p, end, &v);
	if (q == NULL)
		return 0;
	while (q < end && is_space(*q))
		q++;
	return q == end && v > 0 ? v : 0;
}

int swf_status(const char *state)
{
	if (state != NULL && strcmp(state, "COMPLETED") == 0)
		return SWF_COMPLETED;
	if (state != NULL && strcmp(state, "CANCELLED") == 0)
		return SWF_CANCELLED;
	return SWF_FAILED;
}

int swf_format(const struct swf_hist *h, int64_t t0, char *buf, size_t size)
{
	int ran = h->start > 0 && h->end >= h->start;
	int64_t f[SWF_FIELDS];
	for (int i = 0; i < SWF_FIELDS; i++)
		f[i] = -1;
	f[0] = h->id;
	f[1] = h->submit - t0;
	f[2] = ran ? (h->start > h->submit ? h->start - h->submit : 0) : -1;
	f[3] = ran ? h->end - h->start : -1;
	f[4] = f[7] = h->gpus;
	f[8] = h->limit > 0 ? h->limit : -1;
	f[10] = h->status;
	f[11] = h->user;
	f[12] = h->group;
	f[15] = h->partition;
	size_t used = 0;
	for (int i = 0; i < SWF_FIELDS; i++) {
		int n = snprintf(buf + used, size - used, "%s%lld", i ? " " : "", (long long)f[i]);
		if (n < 0 || (size_t)n >= size - used)
			return -1;
		used += (size_t)n;
	}
	return (int)used;
}

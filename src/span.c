/*
 * span.c — line splitting and trimming over borrowed text, shared by the
 * parsers of what nodes print (probe.c, nvsmi.c, gpuproc.c).
 */
#include <string.h>

#include "span.h"

int span_next_line(struct span *rest, struct span *line)
{
	const char *nl;

	if (rest->n == 0)
		return 0;
	nl = memchr(rest->p, '\n', rest->n);
	line->p = rest->p;
	line->n = nl != NULL ? (size_t)(nl - rest->p) : rest->n;
	rest->p += line->n + (nl != NULL);
	rest->n -= line->n + (nl != NULL);
	if (line->n > 0 && line->p[line->n - 1] == '\r')
		line->n--;
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

struct span span_trim(struct span s)
{
	while (s.n > 0 && is_blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n > 0 && is_blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

int span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

int span_num(struct span v, long long min, long long max, long long *out)
{
	long long n = 0;
	size_t i;

	if (v.n == 0 || v.n > 18)
		return -1;
	for (i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		n = n * 10 + (v.p[i] - '0');
	}
	if (n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

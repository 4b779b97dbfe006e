/*
 * cpuinfo.c — the probe's CPU lines: threads per core and load average.
 *
 * Theory of operation: the probe prints what the kernel says, raw, and
 * this file reads it, so that the node side stays builtins only (`read`
 * of one /sys and one /proc file, no lscpu fork) and the parsing is C
 * that can be tested and fuzzed.  Threads per core is the size of cpu0's
 * thread_siblings_list: the CPUs that share cpu0's core (Slurm's
 * ThreadsPerCore, what --hint=nomultithread multiplies by).  The load is
 * kept in hundredths, as /proc/loadavg writes it, so no float parsing of
 * node output is needed.
 */
#include <stddef.h>

#include "cpuinfo.h"

/* A decimal of at most 9 digits at s[*i]; advances *i.  -1 if none. */
static long read_num(struct span s, size_t *i)
{
	long v = 0;
	size_t start = *i;
	while (*i < s.n && s.p[*i] >= '0' && s.p[*i] <= '9' && *i - start < 9)
		v = v * 10 + (s.p[(*i)++] - '0');
	if (*i == start || (*i < s.n && s.p[*i] >= '0' && s.p[*i] <= '9'))
		return -1;
	return v;
}

int cpuinfo_list_count(struct span s, int max, int *n)
{
	size_t i = 0;
	long last = -1, total = 0;
	s = span_trim(s);
	if (s.n == 0)
		return -1;
	for (;;) {
		long lo = read_num(s, &i), hi;
		if (lo < 0 || lo <= last)
			return -1;
		hi = lo;
		if (i < s.n && s.p[i] == '-') {
			i++;
			if ((hi = read_num(s, &i)) < lo)
				return -1;
		}
		total += hi - lo + 1;
		if (total > max)
			return -1;
		last = hi;
		if (i == s.n)
			break;
		if (s.p[i++] != ',' || i == s.n)
			return -1;
	}
	*n = (int)total;
	return 0;
}

/* "D+.DD" (as the kernel writes it; "D+" and "D+.D" too) in hundredths. */
static int read_load(struct span s, size_t *i, int64_t *out)
{
	long whole = read_num(s, i), frac = 0;
	if (whole < 0 || whole > 10000000)
		return -1;
	if (*i < s.n && s.p[*i] == '.') {
		size_t f0 = ++*i;
		while (*i < s.n && s.p[*i] >= '0' && s.p[*i] <= '9' && *i - f0 < 2)
			frac = frac * 10 + (s.p[(*i)++] - '0');
		if (*i == f0 || (*i < s.n && s.p[*i] >= '0' && s.p[*i] <= '9'))
			return -1;
		if (*i - f0 == 1)
			frac *= 10;
	}
	*out = (int64_t)whole * 100 + frac;
	return 0;
}

int cpuinfo_loadavg(struct span s, int64_t load[3])
{
	size_t i = 0;
	int64_t v[3];
	s = span_trim(s);
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			if (i >= s.n || s.p[i] != ' ')
				return -1;
			i++;
		}
		if (read_load(s, &i, &v[k]) != 0)
			return -1;
	}
	if (i < s.n && s.p[i] != ' ')
		return -1;
	for (int k = 0; k < 3; k++)
		load[k] = v[k];
	return 0;
}

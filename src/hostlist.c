/*
 * hostlist.c — Slurm host lists.  See hostlist.h.
 *
 * Theory of operation: one walker reads the list an item at a time and
 * hands each (prefix, bracket, suffix) to a callback: the check counts,
 * the match compares.  A name matches an item when it is prefix + digits
 * + suffix and the digits fall in one of the bracket's ranges (of the
 * range's width where it is written zero-padded).  Numbers are at most
 * HL_DIGITS digits, so no arithmetic can overflow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostlist.h"

#define HL_DIGITS 9
#define HL_COUNT_CAP 1000000
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

struct item {
	const char *pre;
	size_t npre;
	const char *br;		/* inside the brackets; NULL: none */
	size_t nbr;
	const char *suf;
	size_t nsuf;
};

/* Read one "N" or "N-M" of a bracket at *p; *pad: the width of a
 * zero-padded N, else 0.  0 ok. */
static int range(const char **p, const char *end, long *lo, long *hi, size_t *pad)
{
	const char *s = *p;
	size_t n = 0;
	while (s + n < end && s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n > HL_DIGITS)
		return -1;
	*lo = strtol(s, NULL, 10);
	*pad = n > 1 && s[0] == '0' ? n : 0;
	*hi = *lo;
	s += n;
	if (s < end && *s == '-') {
		s++;
		for (n = 0; s + n < end && s[n] >= '0' && s[n] <= '9'; n++)
			;
		if (n == 0 || n > HL_DIGITS)
			return -1;
		*hi = strtol(s, NULL, 10);
		s += n;
		if (*hi < *lo)
			return -1;
	}
	if (s < end && *s != ',')
		return -1;
	*p = s < end ? s + 1 : s;
	return 0;
}

/* Walk every item; fn gets each one; -1 on bad syntax (with *err). */
static int walk(const char *list, int (*fn)(const struct item *, void *), void *arg,
    char *err, size_t errsz)
{
	const char *p = list;
	if (strnlen(list, HOSTLIST_TEXT_MAX + 1) > HOSTLIST_TEXT_MAX) {
		snprintf(err, errsz, "longer than %d bytes", HOSTLIST_TEXT_MAX);
		return -1;
	}
	if (*p == '\0') {
		snprintf(err, errsz, "empty list");
		return -1;
	}
	for (;;) {
		struct item it = { p, strspn(p, NAME_CHARS), NULL, 0, NULL, 0 };
		p += it.npre;
		if (*p == '[') {
			const char *close = strchr(p, ']');
			if (close == NULL) {
				snprintf(err, errsz, "'[' without ']' at %zu", (size_t)(p - list) + 1);
				return -1;
			}
			it.br = p + 1;
			it.nbr = (size_t)(close - it.br);
			p = close + 1;
			it.suf = p;
			it.nsuf = strspn(p, NAME_CHARS);
			p += it.nsuf;
		}
		if (it.npre + it.nsuf == 0 && it.br == NULL) {
			snprintf(err, errsz, "expected a node name at %zu", (size_t)(p - list) + 1);
			return -1;
		}
		if (*p != ',' && *p != '\0') {
			snprintf(err, errsz, "unexpected '%c' at %zu%s", *p >= ' ' && *p < 127 ? *p : '?',
			    (size_t)(p - list) + 1, *p == '[' ? " (one bracket per name)" : "");
			return -1;
		}
		const char *q = it.br, *end = it.br + it.nbr;
		long lo, hi;
		size_t w;
		while (it.br != NULL && q < end)
			if (range(&q, end, &lo, &hi, &w) != 0) {
				snprintf(err, errsz, "bad range in [%.*s]", (int)(it.nbr > 40 ? 40 : it.nbr),
				    it.br);
				return -1;
			}
		if (it.br != NULL && (it.nbr == 0 || end[-1] == ',')) {
			snprintf(err, errsz, "empty range in brackets");
			return -1;
		}
		if (fn != NULL && fn(&it, arg))
			return 1;
		if (*p == '\0')
			return 0;
		p++;
	}
}

static int count_item(const struct item *it, void *arg)
{
	size_t *count = arg;
	const char *q = it->br, *end = it->br + it->nbr;
	long lo, hi;
	size_t w;
	if (it->br == NULL)
		*count += 1;
	while (it->br != NULL && q < end && range(&q, end, &lo, &hi, &w) == 0)
		*count += (size_t)(hi - lo + 1);
	if (*count > HL_COUNT_CAP)
		*count = HL_COUNT_CAP;
	return 0;
}

int hostlist_check(const char *list, size_t *count, char *err, size_t errsz)
{
	size_t n = 0;
	if (walk(list, count_item, &n, err, errsz) < 0)
		return -1;
	if (count != NULL)
		*count = n;
	return 0;
}

struct want {
	const char *name;
	size_t len;
};

static int match_item(const struct item *it, void *arg)
{
	const struct want *x = arg;
	if (it->br == NULL)
		return x->len == it->npre && memcmp(x->name, it->pre, it->npre) == 0;
	if (x->len <= it->npre + it->nsuf || memcmp(x->name, it->pre, it->npre) != 0 ||
	    memcmp(x->name + x->len - it->nsuf, it->suf, it->nsuf) != 0)
		return 0;
	const char *d = x->name + it->npre;
	size_t nd = x->len - it->npre - it->nsuf, pad;
	if (nd > HL_DIGITS || strspn(d, "0123456789") < nd)
		return 0;
	long v = strtol(d, NULL, 10), lo, hi;
	const char *q = it->br, *end = it->br + it->nbr;
	while (q < end && range(&q, end, &lo, &hi, &pad) == 0) {
		if (v < lo || v > hi)
			continue;
		/* "node[01-10]" names are two digits wide; "node[1-10]" has
		 * no leading zeros */
		if (pad > 0 ? nd == pad || (nd > pad && d[0] != '0') :
		    nd == 1 || d[0] != '0')
			return 1;
	}
	return 0;
}

int hostlist_match(const char *list, const char *name)
{
	struct want x = { name, strlen(name) };
	char err[8];
	/* the whole list first: a match must not hide a later error */
	if (walk(list, NULL, NULL, err, sizeof err) < 0)
		return -1;
	return walk(list, match_item, &x, err, sizeof err);
}

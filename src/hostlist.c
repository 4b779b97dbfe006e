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

/* ---- compression: names into "gpu[1-3,7],box" ---- */

/* One name split as a compressed list sees it: prefix + trailing number. */
struct hname {
	const char *s;
	size_t npre;	/* the prefix's length; the whole name without a number */
	long num;	/* -1: no trailing number (or one too long to read) */
	int pad;	/* the digits' width where zero-padded ("01"), else 0 */
};

static void split_name(struct hname *h, const char *s)
{
	size_t len = strlen(s), d = len;
	while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
		d--;
	h->s = s;
	h->npre = len;
	h->num = -1;
	h->pad = 0;
	if (d == len || len - d > HL_DIGITS)
		return;
	h->npre = d;
	h->num = strtol(s + d, NULL, 10);
	h->pad = s[d] == '0' && len - d > 1 ? (int)(len - d) : 0;
}

static int hname_cmp(const void *a, const void *b)
{
	const struct hname *x = a, *y = b;
	size_t n = x->npre < y->npre ? x->npre : y->npre;
	int c = strncmp(x->s, y->s, n);
	if (c != 0)
		return c;
	if (x->npre != y->npre)
		return x->npre < y->npre ? -1 : 1;
	if (x->pad != y->pad)
		return x->pad < y->pad ? -1 : 1;
	return x->num < y->num ? -1 : x->num > y->num;
}

static int same_group(const struct hname *a, const struct hname *b)
{
	return a->num >= 0 && b->num >= 0 && a->npre == b->npre && a->pad == b->pad &&
	    strncmp(a->s, b->s, a->npre) == 0;
}

/* Append to dst (used bytes so far in *used); 0, or -1 when it is full. */
static int put(char *dst, size_t size, size_t *used, const char *fmt, const char *s, size_t n,
    long a, long b, int pad)
{
	int w;
	if (fmt == NULL)
		w = snprintf(dst + *used, size - *used, "%.*s", (int)n, s);
	else
		w = snprintf(dst + *used, size - *used, fmt, pad, a, pad, b);
	if (w < 0 || (size_t)w >= size - *used)
		return -1;
	*used += (size_t)w;
	return 0;
}

/* The group of names h[0..n) (one prefix and width) as "pre[1-3,7]", or
 * the name itself where it is alone. */
static int put_group(char *dst, size_t size, size_t *used, const struct hname *h, size_t n)
{
	if (h[n - 1].num == h[0].num)	/* one name (duplicates once) */
		return put(dst, size, used, NULL, h[0].s, strlen(h[0].s), 0, 0, 0);
	if (put(dst, size, used, NULL, h[0].s, h[0].npre, 0, 0, 0) != 0 ||
	    put(dst, size, used, NULL, "[", 1, 0, 0, 0) != 0)
		return -1;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && h[j + 1].num <= h[j].num + 1)
			j++;	/* a run; an equal number (a duplicate) joins it */
		const char *fmt = h[j].num == h[i].num ? "%0*ld" : "%0*ld-%0*ld";
		if ((i > 0 && put(dst, size, used, NULL, ",", 1, 0, 0, 0) != 0) ||
		    put(dst, size, used, fmt, NULL, 0, h[i].num, h[j].num, h[i].pad) != 0)
			return -1;
		i = j + 1;
	}
	return put(dst, size, used, NULL, "]", 1, 0, 0, 0);
}

int hostlist_compress(const char *const *names, size_t n, char *dst, size_t size)
{
	struct hname *h;
	size_t used = 0, mark = 0;
	int rc = 0;
	if (size == 0)
		return -1;
	dst[0] = '\0';
	if (n == 0)
		return 0;
	if ((h = calloc(n, sizeof *h)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		split_name(&h[i], names[i] != NULL ? names[i] : "");
	qsort(h, n, sizeof *h, hname_cmp);
	for (size_t i = 0; i < n && rc == 0;) {
		size_t j = i + 1;
		mark = used;
		while (j < n && same_group(&h[i], &h[j]))
			j++;
		if (i > 0 && put(dst, size, &used, NULL, ",", 1, 0, 0, 0) != 0)
			rc = -1;
		else
			rc = put_group(dst, size, &used, h + i, j - i);
		i = j;
	}
	free(h);
	if (rc != 0)
		dst[mark] = '\0';	/* whole items only */
	return rc == 0 ? (int)used : -1;
}

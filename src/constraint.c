/*
 * constraint.c — --constraint expressions.  See constraint.h.
 *
 * Theory of operation: a recursive-descent reader that evaluates as it
 * reads, so checking and matching are one walk over a bounded string with
 * no tree and no allocation:
 *
 *   or    := and ('|' and)*
 *   and   := unit ('&' unit)*
 *   unit  := NAME | '(' or ')' | '[' or ']'
 *
 * Depth is bounded (CONSTRAINT_DEPTH), so a hostile "((((..." costs no
 * stack.  Blanks are not allowed anywhere, as Slurm's parser allows none.
 */
#include <stdio.h>
#include <string.h>

#include "constraint.h"

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:+-"

struct rd {
	const char *s, *p;	/* the whole text, where the reader is */
	const char *features;	/* NULL: check only */
	int depth;
	char *err;
	size_t errsz;
	int bad;
};

static int fail(struct rd *r, const char *what)
{
	if (!r->bad)
		snprintf(r->err, r->errsz, "%s at %zu", what, (size_t)(r->p - r->s) + 1);
	r->bad = 1;
	return 0;
}

/* Whether the features list holds name[0..len). */
static int has_feature(const char *list, const char *name, size_t len)
{
	while (list != NULL && *list != '\0') {
		list += strspn(list, ", \t");
		size_t n = strcspn(list, ", \t");
		if (n == len && strncmp(list, name, len) == 0)
			return 1;
		list += n;
	}
	return 0;
}

static int rd_or(struct rd *r);

static int rd_unit(struct rd *r)
{
	char open = *r->p, close = open == '(' ? ')' : ']';
	if (open == '(' || open == '[') {
		if (++r->depth > CONSTRAINT_DEPTH)
			return fail(r, "groups nested too deep");
		r->p++;
		int v = rd_or(r);
		if (r->bad)
			return 0;
		if (*r->p != close)
			return fail(r, close == ')' ? "expected ')'" : "expected ']'");
		r->p++;
		r->depth--;
		return v;
	}
	size_t n = strspn(r->p, NAME_CHARS);
	if (n == 0)
		return fail(r, *r->p == '\0' ? "expected a feature name at the end" :
		    *r->p == '*' ? "node counts ask for several nodes; herd runs a job on one" :
		    "expected a feature name");
	if (n > CONSTRAINT_NAME_MAX)
		return fail(r, "feature name too long");
	int v = has_feature(r->features, r->p, n);
	r->p += n;
	if (*r->p == '*')
		return fail(r, "node counts ask for several nodes; herd runs a job on one");
	return v;
}

static int rd_and(struct rd *r)
{
	int v = rd_unit(r);
	while (!r->bad && *r->p == '&') {
		r->p++;
		v &= rd_unit(r);
	}
	return v;
}

static int rd_or(struct rd *r)
{
	int v = rd_and(r);
	while (!r->bad && *r->p == '|') {
		r->p++;
		v |= rd_and(r);
	}
	return v;
}

static int run(const char *expr, const char *features, char *err, size_t errsz)
{
	char scratch[8];
	struct rd r = { expr, expr, features, 0, err != NULL ? err : scratch,
	    err != NULL ? errsz : sizeof scratch, 0 };
	if (strnlen(expr, CONSTRAINT_TEXT_MAX + 1) > CONSTRAINT_TEXT_MAX) {
		snprintf(r.err, r.errsz, "longer than %d bytes", CONSTRAINT_TEXT_MAX);
		return -1;
	}
	int v = rd_or(&r);
	if (!r.bad && *r.p != '\0')
		fail(&r, *r.p == ')' || *r.p == ']' ? "unbalanced closing bracket" :
		    "expected '&', '|' or the end");
	return r.bad ? -1 : v;
}

int constraint_check(const char *expr, char *err, size_t errsz)
{
	return run(expr, NULL, err, errsz) < 0 ? -1 : 0;
}

int constraint_match(const char *expr, const char *features)
{
	return run(expr, features, NULL, 0);
}

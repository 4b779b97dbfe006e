/*
 * acct.c — [account NAME] and [priority]: keys, checks, membership.  See
 * acct.h for the syntax.
 *
 * Theory of operation.  config.c reads the file line by line and hands the
 * lines of these two sections here; each value is checked as it comes, so
 * an error names its own line (config.c adds FILE:LINE).  Cross-section
 * rules (a parent that exists, no cycle, the implicit "default" account)
 * wait for acct_conf_finish(), after the last line, since a parent may be
 * declared below its child.  Keys are one table per section, as config.c's
 * are: the type, the bounds and where the value goes.  The limit keys are
 * limit.c's table, shared with [qos].
 */
#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acct.h"
#include "config.h"
#include "jobopt.h"
#include "util.h"

#define DAY_S (24 * 3600)

enum pkind { P_WEIGHT, P_DURATION, P_BILLING };

static const struct pkey {
	const char *name;
	enum pkind kind;
	size_t off;	/* into struct prio_conf */
} prio_keys[] = {
	{ "weight_age", P_WEIGHT, offsetof(struct prio_conf, weight_age) },
	{ "weight_fairshare", P_WEIGHT, offsetof(struct prio_conf, weight_fairshare) },
	{ "weight_jobsize", P_WEIGHT, offsetof(struct prio_conf, weight_jobsize) },
	{ "weight_partition", P_WEIGHT, offsetof(struct prio_conf, weight_partition) },
	{ "weight_qos", P_WEIGHT, offsetof(struct prio_conf, weight_qos) },
	{ "weight_xfactor", P_WEIGHT, offsetof(struct prio_conf, weight_xfactor) },
	{ "max_age", P_DURATION, offsetof(struct prio_conf, max_age_s) },
	{ "half_life", P_DURATION, offsetof(struct prio_conf, half_life_s) },
	{ "billing", P_BILLING, 0 },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(NITEMS(prio_keys) <= NITEMS(((struct acct_conf *)0)->pline), "pline too small");

void prio_conf_defaults(struct prio_conf *p)
{
	memset(p, 0, sizeof *p);
	/* Fair share first (the reason a lab writes accounts), then waiting
	 * time; the partition and QoS weights only matter where those
	 * sections give jobs different values.  Job size and xfactor stay 0,
	 * so one user's jobs keep submission order unless the lab asks. */
	p->weight_fairshare = 10000;
	p->weight_age = 1000;
	p->weight_partition = 1000;
	p->weight_qos = 1000;
	p->max_age_s = 7 * DAY_S;
	p->half_life_s = 7 * DAY_S;
	p->billing_default = 1;
}

static int errf(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *vis(char *dst, size_t size, const char *s)
{
	str_vis(dst, size, s);
	return dst;
}

int acct_find(const struct acct_conf *a, const char *name)
{
	for (size_t i = 0; i < a->naccts; i++)
		if (strcmp(a->accts[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void add(struct acct_conf *a, const char *name, int line)
{
	a->accts = xreallocarray(a->accts, a->naccts + 1, sizeof *a->accts);
	a->accts[a->naccts] = (struct acct){ .name = xstrdup(name), .parent = -1, .shares = 1,
	    .line = line };
	limit_conf_init(&a->accts[a->naccts].lim);
	a->naccts++;
}

int acct_conf_account(struct acct_conf *a, const char *name, int line, char *err, size_t errsz)
{
	char tmp[80];
	if (*name == '\0')
		return errf(err, errsz, "[account] needs a name: [account NAME]");
	if (!name_valid(name, strlen(name), CONFIG_NAME_MAX))
		return errf(err, errsz, "bad account name \"%s\" (1-%d of A-Z a-z 0-9 . _ -, not "
		    "starting with - or .)", vis(tmp, sizeof tmp, name), CONFIG_NAME_MAX);
	int i = acct_find(a, name);
	if (i >= 0)
		return errf(err, errsz, "duplicate account \"%s\" (first on line %d)", name,
		    a->accts[i].line);
	if (a->naccts == ACCT_MAX)
		return errf(err, errsz, "more than %d accounts", ACCT_MAX);
	add(a, name, line);
	return 0;
}

int acct_conf_priority(struct acct_conf *a, int line, char *err, size_t errsz)
{
	if (a->prio_line != 0)
		return errf(err, errsz, "duplicate section [priority] (first on line %d)",
		    a->prio_line);
	a->prio_line = line;
	prio_conf_defaults(&a->prio);	/* the keys not written keep theirs */
	return 0;
}

/* A decimal weight "1.5" (digits, at most one point; no sign or exponent). */
static int decimal(const char *key, const char *v, size_t len, double max, double *out,
    char *err, size_t errsz)
{
	char tmp[48], num[32];
	size_t i, dots = 0, digits = 0;
	for (i = 0; i < len; i++) {
		if (v[i] == '.')
			dots++;
		else if (v[i] >= '0' && v[i] <= '9')
			digits++;
		else
			break;
	}
	if (i != len || digits == 0 || dots > 1 || len >= sizeof num) {
		snprintf(num, sizeof num, "%.*s", (int)(len < 24 ? len : 24), v);
		return errf(err, errsz, "%s: \"%s\" is not a number like 1.5", key,
		    vis(tmp, sizeof tmp, num));
	}
	memcpy(num, v, len);
	num[len] = '\0';
	*out = strtod(num, NULL);
	if (*out > max)
		return errf(err, errsz, "%s: %s is more than %g", key, num, max);
	return 0;
}

/* "H100:2, A100:1.5, default:1" */
static int parse_billing(struct prio_conf *p, const char *v, char *err, size_t errsz)
{
	char tmp[80];
	p->nbilling = 0;
	p->billing_default = 1;
	for (const char *w = v + strspn(v, ", \t"); *w != '\0';) {
		size_t len = strcspn(w, ", \t");
		const char *colon = memchr(w, ':', len);
		size_t tl = colon ? (size_t)(colon - w) : 0;
		double weight = 0;
		if (colon == NULL || tl == 0 || tl >= sizeof p->billing[0].type) {
			snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 40 ? len : 40), w);
			char shown[100];
			return errf(err, errsz, "billing: \"%s\" is not TYPE:WEIGHT (such as H100:2)",
			    vis(shown, sizeof shown, tmp));
		}
		for (size_t i = 0; i < tl; i++)
			if (!isalnum((unsigned char)w[i]) && w[i] != '-' && w[i] != '_' && w[i] != '.')
				return errf(err, errsz, "billing: a GPU type is letters, digits, "
				    "- _ and .");
		if (decimal("billing", colon + 1, len - tl - 1, 1e6, &weight, err, errsz) != 0)
			return -1;
		if (tl == 7 && strncasecmp(w, "default", 7) == 0) {
			p->billing_default = weight;
		} else {
			for (size_t i = 0; i < p->nbilling; i++)
				if (strlen(p->billing[i].type) == tl &&
				    strncasecmp(p->billing[i].type, w, tl) == 0)
					return errf(err, errsz, "billing: %.*s given twice", (int)tl, w);
			if (p->nbilling == ACCT_BILLING_MAX)
				return errf(err, errsz, "billing: more than %d GPU types",
				    ACCT_BILLING_MAX);
			memcpy(p->billing[p->nbilling].type, w, tl);
			p->billing[p->nbilling].type[tl] = '\0';
			p->billing[p->nbilling++].weight = weight;
		}
		w += len;
		w += strspn(w, ", \t");
	}
	return 0;
}

static int prio_pair(struct acct_conf *a, const char *key, const char *v, int line, char *err,
    size_t errsz)
{
	char tmp[80];
	size_t i;
	for (i = 0; i < NITEMS(prio_keys) && strcmp(prio_keys[i].name, key) != 0; i++)
		;
	if (i == NITEMS(prio_keys))
		return errf(err, errsz, "unknown key \"%s\" in [priority]", vis(tmp, sizeof tmp, key));
	if (a->pline[i] != 0)
		return errf(err, errsz, "duplicate key \"%s\" (first on line %d)", key, a->pline[i]);
	a->pline[i] = line;
	const struct pkey *k = &prio_keys[i];
	char *dst = (char *)&a->prio + k->off;
	long long n;
	int64_t secs;
	switch (k->kind) {
	case P_WEIGHT:
		if (parse_whole(key, v, 0, 1000000000, &n, err, errsz) != 0)
			return -1;
		*(double *)dst = (double)n;
		return 0;
	case P_DURATION:
		if (parse_duration_s(v, &secs, tmp, sizeof tmp) != 0)
			return errf(err, errsz, "%s: %s", key, tmp);
		if (secs <= 0)
			return errf(err, errsz, "%s: must be longer than 0 (as --time: MINUTES, "
			    "D-HH:MM:SS, ...)", key);
		*(int64_t *)dst = secs;
		return 0;
	case P_BILLING:
		return parse_billing(&a->prio, v, err, errsz);
	}
	return 0;
}

static int account_pair(struct acct_conf *a, const char *key, const char *v, int line, char *err,
    size_t errsz)
{
	static const char *const keys[] = { "users", "shares", "parent" };
	struct acct *ac = &a->accts[a->naccts - 1];
	char tmp[80];
	size_t i;
	long long n;

	int rc = limit_conf_pair(&ac->lim, key, v, line, err, errsz);
	if (rc <= 0)
		return rc;	/* a limit key (limit.h) */
	for (i = 0; i < NITEMS(keys) && strcmp(keys[i], key) != 0; i++)
		;
	if (i == NITEMS(keys))
		return errf(err, errsz, "unknown key \"%s\" in [account]", vis(tmp, sizeof tmp, key));
	if (ac->keyline[i] != 0)
		return errf(err, errsz, "duplicate key \"%s\" (first on line %d)", key, ac->keyline[i]);
	ac->keyline[i] = line;
	switch (i) {
	case 0:
		if (user_list_check("users", v, err, errsz) != 0)
			return -1;
		ac->users = xstrdup(v);
		return 0;
	case 1:
		if (parse_whole(key, v, 1, 1000000, &n, err, errsz) != 0)
			return -1;
		ac->shares = (int)n;
		return 0;
	default:
		if (!name_valid(v, strlen(v), CONFIG_NAME_MAX))
			return errf(err, errsz, "parent: bad account name \"%s\"",
			    vis(tmp, sizeof tmp, v));
		if (strcmp(v, ac->name) == 0)
			return errf(err, errsz, "parent: account %s cannot be its own parent", v);
		ac->parent_name = xstrdup(v);
		return 0;
	}
}

int acct_conf_pair(struct acct_conf *a, int sect, const char *key, const char *value, int line,
    char *err, size_t errsz)
{
	if (sect == ACCT_SECT_PRIORITY)
		return prio_pair(a, key, value, line, err, errsz);
	return account_pair(a, key, value, line, err, errsz);
}

int acct_conf_finish(struct acct_conf *a, int *line, char *err, size_t errsz)
{
	if (a->prio_line == 0)
		prio_conf_defaults(&a->prio);
	*line = 0;
	for (size_t i = 0; i < a->naccts; i++) {
		struct acct *ac = &a->accts[i];
		if (limit_conf_finish(&ac->lim, line, err, errsz) != 0)
			return -1;
		if (ac->parent_name == NULL)
			continue;
		ac->parent = acct_find(a, ac->parent_name);
		if (ac->parent < 0) {
			*line = ac->keyline[2];
			return errf(err, errsz, "parent: no [account %s] in this file", ac->parent_name);
		}
	}
	/* A cycle: a walk up from any account longer than there are accounts. */
	for (size_t i = 0; i < a->naccts; i++) {
		int k = (int)i;
		for (size_t steps = 0; k >= 0; steps++, k = a->accts[k].parent) {
			if (steps > a->naccts) {
				*line = a->accts[i].keyline[2];
				return errf(err, errsz, "parent: accounts %s and %s are each other's "
				    "ancestors (a cycle)", a->accts[i].name,
				    a->accts[a->accts[i].parent].name);
			}
		}
	}
	/* A limit holds over sub-accounts down to LIMIT_UP_DEPTH levels (a
	 * job carries that many groups above its own account, limit.h). */
	for (size_t i = 0; i < a->naccts; i++) {
		int k = a->accts[i].parent;
		for (int d = 1; k >= 0; d++, k = a->accts[k].parent) {
			const struct limit_conf *l = &a->accts[k].lim;
			if (d > LIMIT_UP_DEPTH && (limit_conf_any(l) || l->max_submit >= 0 ||
			    l->max_submit_per_user >= 0)) {
				*line = a->accts[i].keyline[2];
				return errf(err, errsz, "parent: account %s is %d levels below %s, whose "
				    "limits hold at most %d levels down", a->accts[i].name, d,
				    a->accts[k].name, LIMIT_UP_DEPTH);
			}
		}
	}
	if (acct_find(a, ACCT_DEFAULT) < 0) {
		add(a, ACCT_DEFAULT, 0);
		a->implicit_default = 1;
	}
	return 0;
}

void acct_conf_clear(struct acct_conf *a)
{
	for (size_t i = 0; i < a->naccts; i++) {
		free(a->accts[i].name);
		free(a->accts[i].users);
		free(a->accts[i].parent_name);
	}
	free(a->accts);
	memset(a, 0, sizeof *a);
}

void acct_conf_copy(struct acct_conf *to, const struct acct_conf *from)
{
	*to = *from;
	to->accts = xcalloc(from->naccts ? from->naccts : 1, sizeof *to->accts);
	for (size_t i = 0; i < from->naccts; i++) {
		const struct acct *f = &from->accts[i];
		to->accts[i] = *f;
		to->accts[i].name = xstrdup(f->name);
		to->accts[i].users = f->users ? xstrdup(f->users) : NULL;
		to->accts[i].parent_name = f->parent_name ? xstrdup(f->parent_name) : NULL;
	}
}

static int str_same(const char *x, const char *y)
{
	return x == NULL || y == NULL ? x == y : strcmp(x, y) == 0;
}

int acct_conf_same(const struct acct_conf *x, const struct acct_conf *y)
{
	if (x->naccts != y->naccts || memcmp(&x->prio, &y->prio, sizeof x->prio) != 0)
		return 0;
	for (size_t i = 0; i < x->naccts; i++) {
		const struct acct *p = &x->accts[i], *q = &y->accts[i];
		if (!str_same(p->name, q->name) || !str_same(p->users, q->users) ||
		    p->parent != q->parent || p->shares != q->shares ||
		    !limit_conf_same(&p->lim, &q->lim))
			return 0;
	}
	return 1;
}

int acct_has_user(const struct acct *ac, const char *user)
{
	size_t ul = strlen(user);
	if (ac->users == NULL || ul == 0)
		return 0;
	for (const char *w = ac->users + strspn(ac->users, ", \t"); *w != '\0';) {
		size_t len = strcspn(w, ", \t");
		if (len == ul && memcmp(w, user, len) == 0)
			return 1;
		w += len;
		w += strspn(w, ", \t");
	}
	return 0;
}

/* "bio, chem" or "default" into buf. */
static void accounts_of(const struct acct_conf *a, const char *user, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->naccts; i++) {
		if (!acct_has_user(&a->accts[i], user))
			continue;
		int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", a->accts[i].name);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	if (n == 0)
		snprintf(buf, size, "%s", ACCT_DEFAULT);
}

const char *acct_for_user(const struct acct_conf *a, const char *user, const char *asked,
    char *err, size_t errsz)
{
	char mine[256], tmp[80];
	int member = 0;
	for (size_t i = 0; i < a->naccts; i++)
		member |= acct_has_user(&a->accts[i], user);
	if (asked == NULL) {
		for (size_t i = 0; i < a->naccts; i++)
			if (acct_has_user(&a->accts[i], user))
				return a->accts[i].name;
		int d = acct_find(a, ACCT_DEFAULT);
		if (d < 0) {
			errf(err, errsz, "no account for %s and no default account", user);
			return NULL;
		}
		return a->accts[d].name;
	}
	int k = acct_find(a, asked);
	if (k >= 0 && (acct_has_user(&a->accts[k], user) ||
	    (!member && strcmp(asked, ACCT_DEFAULT) == 0)))
		return a->accts[k].name;
	accounts_of(a, user, mine, sizeof mine);
	if (k < 0)
		errf(err, errsz, "no account \"%s\" (%s's account%s: %s)", vis(tmp, sizeof tmp, asked),
		    user, strchr(mine, ',') ? "s" : "", mine);
	else
		errf(err, errsz, "%s is not in account %s (%s's account%s: %s)", user, asked, user,
		    strchr(mine, ',') ? "s" : "", mine);
	return NULL;
}

/* Whether word (len wl) is one of name's words (split at blanks and -). */
static int has_word(const char *name, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = name; *p != '\0';) {
		size_t len = strcspn(p, " -_/");
		if (len == wl && strncasecmp(p, word, wl) == 0)
			return 1;
		p += len;
		p += strspn(p, " -_/");
	}
	return 0;
}

double acct_billing(const struct prio_conf *p, const char *gpu_name)
{
	if (gpu_name != NULL)
		for (size_t i = 0; i < p->nbilling; i++)
			if (strcasecmp(gpu_name, p->billing[i].type) == 0 ||
			    has_word(gpu_name, p->billing[i].type))
				return p->billing[i].weight;
	return p->billing_default;
}

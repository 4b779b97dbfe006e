/*
 * depend.c — job dependencies as Slurm spells them.
 *
 * Theory of operation: a --dependency value is a list of groups joined by
 * one separator, ',' (all must hold) or '?' (any one will do); Slurm refuses
 * a mix because it has no precedence to offer, and so does herd.  A group is
 * TYPE:ID[:ID...], or "singleton" alone.  Each ID becomes an item of its own
 * (Slurm prints and tracks them one by one), so "afterok:1:2" is two items;
 * an item given twice is kept once, as Slurm keeps it.
 * The item count is bounded (DEPEND_MAX_ITEMS) so one submission cannot make
 * the controller evaluate an unbounded list on every pass.
 *
 * after:ID+MINUTES is supported: the item holds once the job started (or
 * ended without starting) at least MINUTES ago.  afterburstbuffer is refused
 * (herd has no burst buffers), as is an ID naming a task list: Slurm takes a
 * job, an array (all of its tasks) or one task.
 *
 * Evaluation is a pure function of counts the caller provides per item:
 * how many of the referenced tasks are pending, running, ended ok or ended
 * otherwise.  The controller finds the jobs (in memory or the database),
 * fills the counts, and acts on the verdict: start, wait, or cancel with
 * DependencyNeverSatisfied.  A job that does not exist can never satisfy
 * anything: submit refuses such references, so one missing later was purged
 * or lost, and running blindly would be the wrong guess.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arrayspec.h"
#include "depend.h"

static const char *const type_names[DEP_NTYPES] = {
	[DEP_AFTER] = "after", [DEP_AFTERANY] = "afterany",
	[DEP_AFTEROK] = "afterok", [DEP_AFTERNOTOK] = "afternotok",
	[DEP_AFTERCORR] = "aftercorr", [DEP_SINGLETON] = "singleton",
};

static const char *const verdict_names[] = {
	[DEP_WAIT] = "unfulfilled", [DEP_SATISFIED] = "fulfilled",
	[DEP_NEVER] = "failed",
};

void depend_init(struct depend *d)
{
	memset(d, 0, sizeof *d);
}

void depend_clear(struct depend *d)
{
	free(d->items);
	depend_init(d);
}

const char *depend_type_name(enum dep_type t)
{
	return (unsigned)t < DEP_NTYPES ? type_names[t] : "?";
}

/* ---- parsing ---------------------------------------------------------- */

/* A token for messages: at most 40 bytes of [p, p+n), escaped. */
static void token(char *dst, size_t size, const char *p, size_t n)
{
	char raw[48];

	if (n > 40) {
		memcpy(raw, p, 37);
		memcpy(raw + 37, "...", 4);
	} else {
		memcpy(raw, p, n);
		raw[n] = '\0';
	}
	str_vis(dst, size, raw);
}

/* Decimal digits of [*pp, end) into *v, at most max; 0, -1 none, -2 big. */
static int read_dec(const char **pp, const char *end, uint64_t max,
    uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	int big = 0;

	if (p == end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (x > (max - (uint64_t)(*p - '0')) / 10)
			big = 1;
		else
			x = x * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*v = x;
	return big ? -2 : 0;
}

/* One "ID", "ID_TASK" or (after only) "ID+MINUTES" of [p, end). */
static int parse_ref(enum dep_type type, const char *p, const char *end,
    struct dep_item *it, char *why, size_t whysz)
{
	char tok[128];
	uint64_t v;
	int rc;

	token(tok, sizeof tok, p, (size_t)(end - p));
	if (p == end) {
		snprintf(why, whysz, "%s: empty job id", type_names[type]);
		return -1;
	}
	if ((rc = read_dec(&p, end, INT64_MAX, &v)) != 0)
		goto bad;
	if (v == 0) {
		snprintf(why, whysz, "\"%s\": job ids start at 1", tok);
		return -1;
	}
	it->job = (int64_t)v;
	it->task = -1;
	if (p < end && *p == '_') {
		p++;
		if (p < end && *p == '[') {
			snprintf(why, whysz, "\"%s\": name the whole array or "
			    "one task (123 or 123_7), not a task list", tok);
			return -1;
		}
		if ((rc = read_dec(&p, end, ARRAYSPEC_MAX_SIZE - 1, &v)) != 0)
			goto bad;
		if (type == DEP_AFTERCORR) {
			snprintf(why, whysz, "\"%s\": aftercorr names a whole "
			    "array job, task by task", tok);
			return -1;
		}
		it->task = (int64_t)v;
	}
	if (p < end && *p == '+') {
		if (type != DEP_AFTER) {
			snprintf(why, whysz, "\"%s\": only after takes "
			    "+MINUTES", tok);
			return -1;
		}
		p++;
		if ((rc = read_dec(&p, end, DEPEND_MAX_MINUTES, &v)) != 0) {
			if (rc == -2) {
				snprintf(why, whysz, "\"%s\": more than %d "
				    "minutes", tok, DEPEND_MAX_MINUTES);
				return -1;
			}
			goto bad;
		}
		it->minutes = (uint32_t)v;
	}
	if (p != end)
		goto bad;
	return 0;
bad:
	if (rc == -2)
		snprintf(why, whysz, "\"%s\": number too large", tok);
	else
		snprintf(why, whysz, "\"%s\" is not a job id (123 or 123_7)",
		    tok);
	return -1;
}

static int parse_type(const char *p, size_t n, enum dep_type *t, char *why,
    size_t whysz)
{
	char tok[128];

	for (int i = 0; i < DEP_NTYPES; i++) {
		if (strlen(type_names[i]) == n &&
		    strncasecmp(p, type_names[i], n) == 0) {
			*t = (enum dep_type)i;
			return 0;
		}
	}
	token(tok, sizeof tok, p, n);
	if (n == strlen("afterburstbuffer") &&
	    strncasecmp(p, "afterburstbuffer", n) == 0)
		snprintf(why, whysz, "afterburstbuffer: herd has no burst "
		    "buffers");
	else
		snprintf(why, whysz, "unknown dependency type \"%s\" (after, "
		    "afterany, afterok, afternotok, aftercorr, singleton)",
		    tok);
	return -1;
}

/*
 * Whether d has this item already.  A job named twice is one item, as
 * Slurm stores it ("afterany:12:12" is "afterany:12"): the same test twice
 * changes no verdict, under ',' or '?'.  The scan is bounded by
 * DEPEND_MAX_ITEMS per reference, and references by DEPEND_TEXT_MAX.
 */
static int has_item(const struct depend *d, const struct dep_item *it)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].type == it->type && d->items[i].job == it->job &&
		    d->items[i].task == it->task &&
		    d->items[i].minutes == it->minutes)
			return 1;
	return 0;
}

/* One group "TYPE:ID[:ID...]" or "singleton" of [p, end). */
static int parse_group(struct depend *d, size_t *cap, const char *p,
    const char *end, char *why, size_t whysz)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));
	const char *tend = colon != NULL ? colon : end;
	enum dep_type type;

	if (p == end) {
		snprintf(why, whysz, "empty dependency between separators");
		return -1;
	}
	if (parse_type(p, (size_t)(tend - p), &type, why, whysz) != 0)
		return -1;
	if (type == DEP_SINGLETON) {
		if (colon != NULL) {
			snprintf(why, whysz, "singleton takes no job id");
			return -1;
		}
	} else if (colon == NULL) {
		snprintf(why, whysz, "%s needs a job id (%s:123)",
		    type_names[type], type_names[type]);
		return -1;
	}
	for (p = tend;;) {
		struct dep_item it = { .type = type, .task = -1 };
		const char *q, *e;

		if (type != DEP_SINGLETON) {
			q = p + 1;	/* past the ':' */
			e = memchr(q, ':', (size_t)(end - q));
			if (e == NULL)
				e = end;
			if (parse_ref(type, q, e, &it, why, whysz) != 0)
				return -1;
			p = e;
		}
		if (has_item(d, &it)) {
			if (type == DEP_SINGLETON || p == end)
				return 0;
			continue;
		}
		if (d->n == DEPEND_MAX_ITEMS) {
			snprintf(why, whysz, "more than %d jobs",
			    DEPEND_MAX_ITEMS);
			return -1;
		}
		if (d->n == *cap) {
			*cap = *cap ? *cap * 2 : 4;
			d->items = xreallocarray(d->items, *cap,
			    sizeof *d->items);
		}
		d->items[d->n++] = it;
		if (type == DEP_SINGLETON || p == end)
			return 0;
	}
}

static int parse_why(struct depend *d, const char *s, char *why, size_t whysz)
{
	size_t len = strnlen(s, DEPEND_TEXT_MAX + 1), cap = 0;
	const char *p, *end = s + len;
	char sep;

	if (len > DEPEND_TEXT_MAX) {
		snprintf(why, whysz, "longer than %d bytes", DEPEND_TEXT_MAX);
		return -1;
	}
	if (len == 0) {
		snprintf(why, whysz, "empty");
		return -1;
	}
	for (p = s; p < end; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
		    *p == '\v' || *p == '\f') {
			snprintf(why, whysz, "whitespace at byte %zu",
			    (size_t)(p - s) + 1);
			return -1;
		}
	}
	if (memchr(s, ',', len) != NULL && memchr(s, '?', len) != NULL) {
		snprintf(why, whysz, "use ',' (all of) or '?' (any of), "
		    "not both");
		return -1;
	}
	sep = memchr(s, '?', len) != NULL ? '?' : ',';
	d->any = sep == '?';
	for (p = s;; p++) {
		const char *e = memchr(p, sep, (size_t)(end - p));

		if (e == NULL)
			e = end;
		if (parse_group(d, &cap, p, e, why, whysz) != 0)
			return -1;
		if (e == end)
			return 0;
		p = e;
	}
}

int depend_parse(struct depend *d, const char *s, char *err, size_t errsz)
{
	char why[HERD_ERRLEN], vis[128];

	depend_init(d);
	if (parse_why(d, s, why, sizeof why) == 0)
		return 0;
	depend_clear(d);
	str_vis(vis, sizeof vis, s);
	snprintf(err, errsz, "invalid --dependency \"%s\": %s", vis, why);
	return -1;
}

/* ---- evaluation ------------------------------------------------------- */

enum dep_verdict depend_item_eval(const struct dep_item *it,
    const struct dep_status *st, int64_t now, int64_t *wake_at)
{
	uint64_t unended = (uint64_t)st->pending + st->running;

	if (it->type == DEP_SINGLETON)
		return st->running == 0 ? DEP_SATISFIED : DEP_WAIT;
	if (!st->exists)
		return DEP_NEVER;
	switch (it->type) {
	case DEP_AFTER:
		if (st->pending > 0)
			return DEP_WAIT;
		if (it->minutes > 0 &&
		    now < st->last_start + (int64_t)it->minutes * 60) {
			if (wake_at != NULL)
				*wake_at = st->last_start +
				    (int64_t)it->minutes * 60;
			return DEP_WAIT;
		}
		return DEP_SATISFIED;
	case DEP_AFTERANY:
		return unended == 0 ? DEP_SATISFIED : DEP_WAIT;
	case DEP_AFTEROK:
	case DEP_AFTERCORR:
		/* One failed task is enough to know all cannot be ok. */
		if (st->notok > 0)
			return DEP_NEVER;
		return unended == 0 ? DEP_SATISFIED : DEP_WAIT;
	case DEP_AFTERNOTOK:
		/* As Slurm: decided once every task has ended. */
		if (unended > 0)
			return DEP_WAIT;
		return st->notok > 0 ? DEP_SATISFIED : DEP_NEVER;
	default:
		return DEP_NEVER;
	}
}

enum dep_verdict depend_eval(const struct depend *d,
    const struct dep_status *st, int64_t now, enum dep_verdict *per_item,
    int64_t *wake_at)
{
	size_t nsat = 0, nnever = 0;
	int64_t wake = 0;

	for (size_t i = 0; i < d->n; i++) {
		int64_t w = 0;
		enum dep_verdict v = depend_item_eval(&d->items[i], &st[i],
		    now, &w);

		if (per_item != NULL)
			per_item[i] = v;
		nsat += v == DEP_SATISFIED;
		nnever += v == DEP_NEVER;
		if (v == DEP_WAIT && w != 0 && (wake == 0 || w < wake))
			wake = w;
	}
	if (wake_at != NULL)
		*wake_at = wake;
	if (d->n == 0)
		return DEP_SATISFIED;
	if (d->any)
		return nsat > 0 ? DEP_SATISFIED :
		    nnever == d->n ? DEP_NEVER : DEP_WAIT;
	return nnever > 0 ? DEP_NEVER :
	    nsat == d->n ? DEP_SATISFIED : DEP_WAIT;
}

/* ---- formatting ------------------------------------------------------- */

int depend_format(const struct depend *d, const enum dep_verdict *v,
    struct buf *out)
{
	size_t len0 = out->len;
	int rc = 0;

	for (size_t i = 0; i < d->n && rc == 0; i++) {
		const struct dep_item *it = &d->items[i];

		if (i > 0)
			rc |= buf_addc(out, d->any ? '?' : ',');
		rc |= buf_addstr(out, depend_type_name(it->type));
		if (it->type != DEP_SINGLETON)
			rc |= buf_printf(out, ":%" PRId64, it->job);
		if (it->task >= 0)
			rc |= buf_printf(out, "_%" PRId64, it->task);
		if (it->minutes > 0)
			rc |= buf_printf(out, "+%" PRIu32, it->minutes);
		if (v != NULL && (unsigned)v[i] <= DEP_NEVER)
			rc |= buf_printf(out, "(%s)", verdict_names[v[i]]);
	}
	if (rc != 0) {
		out->len = len0;
		if (out->data != NULL)
			out->data[len0] = '\0';
		return -1;
	}
	return 0;
}

/*
 * arrayspec.c — job array task sets: Slurm's --array syntax, the pending
 * set that shrinks as tasks start, and the "123_[1-5]" job references.
 *
 * Theory of operation: an array is stored as one record until its tasks
 * start, so its task set must cost a few bytes however many tasks it has
 * (a 100,000-task array is one range) and every question the controller
 * asks of it — how many, is task i in it, which task is next, what does
 * squeue print — is answered from the ranges without expanding them.
 *
 * The ranges are sorted and their spans are disjoint (one's end below the
 * next one's start); within a range the members are start, start+step, ...,
 * end.  Parsing is the one place where items may overlap ("0-10,5",
 * "0-99:3,0-99:5"): the union of two progressions with different steps is
 * not a few ranges, so parse marks the items in a transient bitmap of
 * max_array_size bits (at most 500 KB, as Slurm's own bitmap) and reads the
 * ranges back from it greedily: a run of consecutive members with one gap
 * becomes a range when the gap is 1 or the run has three or more members
 * (and a stepped run leaves its last member to a consecutive run that
 * starts there).  So the same set always prints the same after a parse.
 * The work of marking is bounded, so a hostile spec of thousands of
 * overlapping items is refused instead of spinning.
 *
 * Removing tasks (started or cancelled) never goes through the bitmap: a
 * range loses a contiguous stretch and keeps what lies before and after it,
 * so a removal adds at most one range and the set stays ordered and
 * disjoint.  The printed form may then differ from what a fresh parse of
 * the same set would give ("0,2-3" rather than re-grouped), never the set.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"

/* Marking work (words for step-1 items, tasks for stepped ones) that parse
 * allows before it refuses overlapping items as too costly. */
#define MARK_BUDGET	(64u * 1024 * 1024)

/* Longest item text: "4294967295-4294967295:4294967295". */
#define ITEM_MAX	40

void arrayspec_init(struct arrayspec *a)
{
	memset(a, 0, sizeof *a);
}

void arrayspec_clear(struct arrayspec *a)
{
	free(a->r);
	arrayspec_init(a);
}

void arrayspec_copy(struct arrayspec *dst, const struct arrayspec *src)
{
	struct arrayspec c;

	if (dst == src)
		return;
	arrayspec_init(&c);
	c.throttle = src->throttle;
	if (src->n > 0) {
		c.r = xreallocarray(NULL, src->n, sizeof *c.r);
		memcpy(c.r, src->r, src->n * sizeof *c.r);
		c.n = c.cap = src->n;
	}
	free(dst->r);
	*dst = c;
}

static void push(struct arrayspec *a, uint32_t start, uint32_t end,
    uint32_t step)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4;
		a->r = xreallocarray(a->r, a->cap, sizeof *a->r);
	}
	a->r[a->n].start = start;
	a->r[a->n].end = end;
	a->r[a->n].step = step;
	a->n++;
}

static uint64_t range_count(const struct array_range *r)
{
	return (uint64_t)(r->end - r->start) / r->step + 1;
}

/* ---- parsing ---------------------------------------------------------- */

/*
 * Read decimal digits at *pp into *v (saturating just past UINT32_MAX so
 * that any overflow is seen).  0 on success, -1 if there is no digit.
 */
static int read_num(const char **pp, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		x = x * 10 + (uint64_t)(*p - '0');
		if (x > UINT32_MAX)
			x = (uint64_t)UINT32_MAX + 1;
	}
	*pp = p;
	*v = x;
	return 0;
}

/* One item of [p, end): "N", "N-M" or "N-M:S"; the reason into why. */
static int parse_item(const char *p, const char *end, uint32_t max,
    struct array_range *out, char *why, size_t whysz)
{
	char raw[ITEM_MAX + 4], item[4 * ITEM_MAX + 4];
	size_t len = (size_t)(end - p);
	uint64_t a, b, step = 1;
	const char *q = p;

	if (len == 0) {
		snprintf(why, whysz, "empty item");
		return -1;
	}
	if (len > ITEM_MAX) {
		memcpy(raw, p, ITEM_MAX - 3);
		strlcpy_h(raw + ITEM_MAX - 3, "...", 4);
	} else {
		memcpy(raw, p, len);
		raw[len] = '\0';
	}
	str_vis(item, sizeof item, raw);
	if (*q == '-') {
		snprintf(why, whysz, "\"%s\": task ids cannot be negative",
		    item);
		return -1;
	}
	if (read_num(&q, &a) != 0)
		goto garbage;
	b = a;
	if (q < end && *q == '-') {
		q++;
		if (q < end && *q == '-') {
			snprintf(why, whysz,
			    "\"%s\": task ids cannot be negative", item);
			return -1;
		}
		if (read_num(&q, &b) != 0)
			goto garbage;
		if (q < end && *q == ':') {
			q++;
			if (read_num(&q, &step) != 0)
				goto garbage;
		}
	} else if (q < end && *q == ':') {
		snprintf(why, whysz, "\"%s\": a step needs a range (N-M:S)",
		    item);
		return -1;
	}
	if (q != end)
		goto garbage;
	if (a > UINT32_MAX || b > UINT32_MAX) {
		snprintf(why, whysz, "\"%s\": number too large", item);
		return -1;
	}
	if (a >= max || b >= max) {
		snprintf(why, whysz, "\"%s\": task id %" PRIu64 " is past "
		    "max_array_size %" PRIu32 " (ids 0-%" PRIu32 ")", item,
		    a >= max ? a : b, max, max - 1);
		return -1;
	}
	if (b < a) {
		snprintf(why, whysz, "range end below its start");
		return -1;
	}
	if (step == 0) {
		snprintf(why, whysz, "\"%s\": step must be at least 1", item);
		return -1;
	}
	if (step > UINT32_MAX) {
		snprintf(why, whysz, "\"%s\": step too large", item);
		return -1;
	}
	out->start = (uint32_t)a;
	out->step = (uint32_t)step;
	out->end = (uint32_t)(a + (b - a) / step * step);
	return 0;
garbage:
	snprintf(why, whysz, "\"%s\" is not a task id, N-M or N-M:S", item);
	return -1;
}

static int parse_throttle(const char *p, uint32_t *t, char *why, size_t whysz)
{
	uint64_t v;
	const char *q = p;

	if (read_num(&q, &v) != 0 || *q != '\0') {
		snprintf(why, whysz, "throttle after %% must be a number");
		return -1;
	}
	if (v == 0) {
		snprintf(why, whysz, "throttle must be at least 1");
		return -1;
	}
	if (v > INT32_MAX) {
		snprintf(why, whysz, "throttle too large");
		return -1;
	}
	*t = (uint32_t)v;
	return 0;
}

static void bit_set(uint64_t *bm, uint32_t i)
{
	bm[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Mark start..end (step 1) a word at a time. */
static void bit_set_run(uint64_t *bm, uint32_t start, uint32_t end)
{
	uint32_t i = start;

	while (i <= end && i % 64 != 0)
		bit_set(bm, i++);
	while (i <= end && end - i >= 63) {
		bm[i / 64] = ~(uint64_t)0;
		i += 64;
	}
	while (i <= end)
		bit_set(bm, i++);
}

/* First set bit at or after `from`, below `nbits`; -1 if none. */
static int64_t bit_next(const uint64_t *bm, uint64_t from, uint64_t nbits)
{
	uint64_t w, word;

	if (from >= nbits)
		return -1;
	w = from / 64;
	word = bm[w] & (~(uint64_t)0 << (from % 64));
	for (;;) {
		if (word != 0) {
			uint64_t i = w * 64 + (uint64_t)__builtin_ctzll(word);
			return i < nbits ? (int64_t)i : -1;
		}
		if (++w * 64 >= nbits)
			return -1;
		word = bm[w];
	}
}

/* Read the marked tasks back as few ranges as the greedy rule gives. */
static void compact(struct arrayspec *a, const uint64_t *bm, uint64_t nbits)
{
	int64_t t = bit_next(bm, 0, nbits), u, v;

	while (t >= 0) {
		uint64_t d, cnt = 2, last;

		u = bit_next(bm, (uint64_t)t + 1, nbits);
		if (u < 0) {
			push(a, (uint32_t)t, (uint32_t)t, 1);
			break;
		}
		d = (uint64_t)(u - t);
		last = (uint64_t)u;
		while ((v = bit_next(bm, last + 1, nbits)) >= 0 &&
		    (uint64_t)v == last + d) {
			last = (uint64_t)v;
			cnt++;
		}
		/* A stepped run leaves its last member to a consecutive run
		 * that starts there: "1,3,5-9", not "1-5:2,6-9". */
		if (d > 1 && bit_next(bm, last + 1, nbits) == (int64_t)last + 1) {
			v = (int64_t)last;
			last -= d;
			cnt--;
		}
		if (d == 1 || cnt >= 3) {
			push(a, (uint32_t)t, (uint32_t)last, (uint32_t)d);
			t = v;
		} else {
			push(a, (uint32_t)t, (uint32_t)t, 1);
			t = u;
		}
	}
}

/* Merge the parsed items (any order, any overlap) into a's ranges. */
static int merge_items(struct arrayspec *a, const struct array_range *it,
    size_t n, char *why, size_t whysz)
{
	uint64_t hi = 0, cost = 0, nbits;
	uint64_t *bm;

	for (size_t i = 0; i < n; i++) {
		if (it[i].end > hi)
			hi = it[i].end;
		cost += it[i].step == 1 ?
		    (uint64_t)(it[i].end - it[i].start) / 64 + 2 :
		    range_count(&it[i]);
	}
	if (cost > MARK_BUDGET) {
		snprintf(why, whysz, "too many overlapping items to merge");
		return -1;
	}
	nbits = hi + 1;
	bm = xcalloc((size_t)(nbits + 63) / 64, sizeof *bm);
	for (size_t i = 0; i < n; i++) {
		if (it[i].step == 1) {
			bit_set_run(bm, it[i].start, it[i].end);
			continue;
		}
		for (uint64_t t = it[i].start; t <= it[i].end; t += it[i].step)
			bit_set(bm, (uint32_t)t);
	}
	compact(a, bm, nbits);
	free(bm);
	return 0;
}

/* The grammar without the option name: the reason alone into why. */
static int parse_spec(struct arrayspec *a, const char *s, uint32_t max,
    int allow_throttle, char *why, size_t whysz)
{
	struct array_range *items = NULL, r;
	size_t n = 0, cap = 0, len, nitem = 0;
	const char *p, *end, *pct;
	char sub[HERD_ERRLEN];
	int rc = -1;

	arrayspec_init(a);
	len = strnlen(s, ARRAYSPEC_TEXT_MAX + 1);
	if (len > ARRAYSPEC_TEXT_MAX) {
		snprintf(why, whysz, "longer than %d bytes", ARRAYSPEC_TEXT_MAX);
		return -1;
	}
	if (max == 0 || max > ARRAYSPEC_MAX_SIZE) {
		snprintf(why, whysz, "max_array_size %" PRIu32 " is not in "
		    "1-%d", max, ARRAYSPEC_MAX_SIZE);
		return -1;
	}
	pct = memchr(s, '%', len);
	end = pct != NULL ? pct : s + len;
	if (pct != NULL) {
		if (!allow_throttle) {
			snprintf(why, whysz, "a throttle (%%N) is not part of "
			    "a task selection");
			return -1;
		}
		if (parse_throttle(pct + 1, &a->throttle, why, whysz) != 0)
			return -1;
	}
	if (end == s) {
		snprintf(why, whysz, "no task ids");
		return -1;
	}
	for (p = s;; p++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma != NULL ? comma : end;

		nitem++;
		if (parse_item(p, e, max, &r, sub, sizeof sub) != 0) {
			if (memchr(s, ',', (size_t)(end - s)) != NULL)
				snprintf(why, whysz, "item %zu: %.200s", nitem,
				    sub);
			else
				snprintf(why, whysz, "%s", sub);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			items = xreallocarray(items, cap, sizeof *items);
		}
		items[n++] = r;
		if (comma == NULL)
			break;
		p = comma;
	}
	rc = merge_items(a, items, n, why, whysz);
out:
	free(items);
	if (rc != 0)
		arrayspec_clear(a);
	return rc;
}

int arrayspec_parse(struct arrayspec *a, const char *s, uint32_t max_array_size,
    char *err, size_t errsz)
{
	char why[HERD_ERRLEN], vis[128];

	if (parse_spec(a, s, max_array_size, 1, why, sizeof why) == 0)
		return 0;
	str_vis(vis, sizeof vis, s);
	snprintf(err, errsz, "invalid --array \"%s\": %s", vis, why);
	return -1;
}

/* ---- questions -------------------------------------------------------- */

uint64_t arrayspec_count(const struct arrayspec *a)
{
	uint64_t c = 0;

	for (size_t i = 0; i < a->n; i++)
		c += range_count(&a->r[i]);
	return c;
}

int arrayspec_min(const struct arrayspec *a, uint32_t *t)
{
	if (a->n == 0)
		return -1;
	*t = a->r[0].start;
	return 0;
}

int arrayspec_max(const struct arrayspec *a, uint32_t *t)
{
	if (a->n == 0)
		return -1;
	*t = a->r[a->n - 1].end;
	return 0;
}

uint32_t arrayspec_step(const struct arrayspec *a)
{
	if (a->n == 1 && a->r[0].start != a->r[0].end)
		return a->r[0].step;
	/* Two single tasks are a progression too ("0,7" has step 7). */
	if (a->n == 2 && a->r[0].start == a->r[0].end &&
	    a->r[1].start == a->r[1].end)
		return a->r[1].start - a->r[0].start;
	return 1;
}

/* Index of the last range whose start is <= t, or -1 if none. */
static ptrdiff_t find_le(const struct arrayspec *a, uint64_t t)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->r[mid].start <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (ptrdiff_t)lo - 1;
}

int arrayspec_has(const struct arrayspec *a, uint32_t t)
{
	ptrdiff_t i = find_le(a, t);

	return i >= 0 && t <= a->r[i].end &&
	    (t - a->r[i].start) % a->r[i].step == 0;
}

/* The first member of r at or above x (x >= r->start), or -1. */
static int64_t range_ceil(const struct array_range *r, uint64_t x)
{
	uint64_t m;

	if (x <= r->start)
		return r->start;
	m = r->start + ((x - r->start) + r->step - 1) / r->step * r->step;
	return m <= r->end ? (int64_t)m : -1;
}

int arrayspec_next(const struct arrayspec *a, int64_t after, uint32_t *t)
{
	uint64_t x;
	ptrdiff_t i;
	int64_t m;

	if (a->n == 0 || after >= (int64_t)UINT32_MAX)
		return 0;
	x = after < 0 ? 0 : (uint64_t)after + 1;
	i = find_le(a, x);
	if (i >= 0 && (m = range_ceil(&a->r[i], x)) >= 0) {
		*t = (uint32_t)m;
		return 1;
	}
	if ((size_t)(i + 1) >= a->n)
		return 0;
	*t = a->r[i + 1].start;
	return 1;
}

/* ---- removal ---------------------------------------------------------- */

uint64_t arrayspec_remove_range(struct arrayspec *a, uint32_t lo, uint32_t hi)
{
	struct array_range piece[2];
	size_t np = 0, i, j, k;
	ptrdiff_t f;
	uint64_t before = 0, after = 0;

	if (a->n == 0 || hi < lo)
		return 0;
	/* Ranges i..j-1 are those whose span meets lo..hi. */
	f = find_le(a, lo);
	i = f >= 0 && a->r[f].end >= lo ? (size_t)f : (size_t)(f + 1);
	for (j = i; j < a->n && a->r[j].start <= hi; j++)
		before += range_count(&a->r[j]);
	if (j == i)
		return 0;
	if (a->r[i].start < lo) {	/* what r[i] keeps below lo */
		piece[np] = a->r[i];
		piece[np].end = a->r[i].start +
		    (lo - 1 - a->r[i].start) / a->r[i].step * a->r[i].step;
		after += range_count(&piece[np++]);
	}
	if (a->r[j - 1].end > hi) {	/* what r[j-1] keeps above hi */
		int64_t m = range_ceil(&a->r[j - 1], (uint64_t)hi + 1);
		piece[np] = a->r[j - 1];
		piece[np].start = (uint32_t)m;
		after += range_count(&piece[np++]);
	}
	if (before == after)
		return 0;
	/* Replace r[i..j) by the pieces, growing by one at most. */
	if (np > j - i) {
		if (a->n == a->cap) {
			a->cap *= 2;
			a->r = xreallocarray(a->r, a->cap, sizeof *a->r);
		}
	}
	memmove(&a->r[i + np], &a->r[j], (a->n - j) * sizeof *a->r);
	a->n = a->n - (j - i) + np;
	for (k = 0; k < np; k++)
		a->r[i + k] = piece[k];
	return before - after;
}

int arrayspec_remove(struct arrayspec *a, uint32_t t)
{
	return arrayspec_remove_range(a, t, t) > 0;
}

uint64_t arrayspec_remove_set(struct arrayspec *a, const struct arrayspec *sel)
{
	uint64_t removed = 0;

	for (size_t i = 0; i < sel->n && a->n > 0; i++) {
		const struct array_range *s = &sel->r[i];
		uint64_t x = s->start;
		uint32_t y;
		int64_t m;

		if (s->step == 1) {
			removed += arrayspec_remove_range(a, s->start, s->end);
			continue;
		}
		/* Jump over what a lacks instead of walking every member. */
		while (x <= s->end && arrayspec_next(a, (int64_t)x - 1, &y) &&
		    y <= s->end && (m = range_ceil(s, y)) >= 0) {
			removed += arrayspec_remove(a, (uint32_t)m);
			x = (uint64_t)m + 1;
		}
	}
	return removed;
}

/* ---- formatting ------------------------------------------------------- */

static int item_text(const struct array_range *r, char *dst, size_t size)
{
	if (r->start == r->end)
		return snprintf(dst, size, "%" PRIu32, r->start);
	if (r->step == 1)
		return snprintf(dst, size, "%" PRIu32 "-%" PRIu32, r->start,
		    r->end);
	if (range_count(r) == 2)
		return snprintf(dst, size, "%" PRIu32 ",%" PRIu32, r->start,
		    r->end);
	return snprintf(dst, size, "%" PRIu32 "-%" PRIu32 ":%" PRIu32,
	    r->start, r->end, r->step);
}

int arrayspec_format(const struct arrayspec *a, struct buf *out)
{
	char item[ITEM_MAX];
	size_t len0 = out->len;

	for (size_t i = 0; i < a->n; i++) {
		item_text(&a->r[i], item, sizeof item);
		if ((i > 0 && buf_addc(out, ',') != 0) ||
		    buf_addstr(out, item) != 0)
			goto fail;
	}
	if (a->throttle != 0 && buf_printf(out, "%%%" PRIu32, a->throttle) != 0)
		goto fail;
	return 0;
fail:
	out->len = len0;
	if (out->data != NULL)
		out->data[len0] = '\0';
	return -1;
}

size_t arrayspec_format_short(const struct arrayspec *a, char *dst,
    size_t size)
{
	char item[ITEM_MAX], suffix[16] = "";
	size_t cap = size - 1, pos = 0, full = 0, reserve, l;

	if (size == 0)
		return 0;
	if (a->throttle != 0)
		snprintf(suffix, sizeof suffix, "%%%" PRIu32, a->throttle);
	for (size_t i = 0; i < a->n && full <= cap; i++)
		full += (i > 0) + (size_t)item_text(&a->r[i], item, sizeof item);
	full += strlen(suffix);
	dst[0] = '\0';
	/* Whole text if it fits; else items, ",...", then the throttle. */
	reserve = full <= cap ? strlen(suffix) : 4 + strlen(suffix);
	if (reserve > cap && full > cap) {
		suffix[0] = '\0';
		reserve = 4;
		if (reserve > cap)
			return 0;
	}
	for (size_t i = 0; i < a->n; i++) {
		l = (size_t)item_text(&a->r[i], item, sizeof item) + (i > 0);
		if (pos + l + reserve > cap)
			break;
		snprintf(dst + pos, size - pos, "%s%s", i > 0 ? "," : "", item);
		pos += l;
	}
	if (full > cap)
		pos += (size_t)snprintf(dst + pos, size - pos, "%s...",
		    pos > 0 ? "," : "");
	pos += (size_t)snprintf(dst + pos, size - pos, "%s", suffix);
	return pos;
}

/* ---- job references --------------------------------------------------- */

void jobref_init(struct jobref *r)
{
	memset(r, 0, sizeof *r);
	r->kind = JOBREF_JOB;
	arrayspec_init(&r->tasks);
}

void jobref_clear(struct jobref *r)
{
	arrayspec_clear(&r->tasks);
	jobref_init(r);
}

static int jobref_why(struct jobref *r, const char *s, char *why,
    size_t whysz)
{
	const char *p = s;
	uint64_t id = 0, task;
	size_t len = strnlen(s, ARRAYSPEC_TEXT_MAX + 1);

	if (len > ARRAYSPEC_TEXT_MAX) {
		snprintf(why, whysz, "longer than %d bytes", ARRAYSPEC_TEXT_MAX);
		return -1;
	}
	if (*p < '0' || *p > '9') {
		snprintf(why, whysz, "a job id is a number (123, 123_7 or "
		    "123_[1-5])");
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (id > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10) {
			snprintf(why, whysz, "job id too large");
			return -1;
		}
		id = id * 10 + (uint64_t)(*p - '0');
	}
	if (id == 0) {
		snprintf(why, whysz, "job ids start at 1");
		return -1;
	}
	r->id = (int64_t)id;
	if (*p == '\0')
		return 0;
	if (*p++ != '_')
		goto garbage;
	if (*p == '[') {
		const char *close = s + len - 1;
		char *inner;
		int rc;

		if (len < 2 || *close != ']' || close <= p) {
			snprintf(why, whysz, "a task list is written "
			    "123_[1-5], with the closing ]");
			return -1;
		}
		inner = xstrndup(p + 1, (size_t)(close - p - 1));
		rc = strchr(inner, '[') != NULL || strchr(inner, ']') != NULL ?
		    (snprintf(why, whysz, "brackets inside the task list"), -1) :
		    parse_spec(&r->tasks, inner, ARRAYSPEC_MAX_SIZE, 0, why,
		    whysz);
		free(inner);
		if (rc != 0)
			return -1;
		r->kind = JOBREF_TASKS;
		return 0;
	}
	if (read_num(&p, &task) != 0 || *p != '\0')
		goto garbage;
	if (task >= ARRAYSPEC_MAX_SIZE) {
		snprintf(why, whysz, "task id %" PRIu64 " is past the largest "
		    "possible (%d)", task, ARRAYSPEC_MAX_SIZE - 1);
		return -1;
	}
	r->kind = JOBREF_TASK;
	r->task = (uint32_t)task;
	return 0;
garbage:
	snprintf(why, whysz, "expected 123, 123_7 or 123_[1-5]");
	return -1;
}

int jobref_parse(struct jobref *r, const char *s, char *err, size_t errsz)
{
	char why[HERD_ERRLEN], vis[128];

	jobref_init(r);
	if (jobref_why(r, s, why, sizeof why) == 0)
		return 0;
	jobref_clear(r);
	str_vis(vis, sizeof vis, s);
	snprintf(err, errsz, "invalid job id \"%s\": %s", vis, why);
	return -1;
}

int jobref_format(const struct jobref *r, struct buf *out)
{
	size_t len0 = out->len;

	switch (r->kind) {
	case JOBREF_JOB:
		return buf_printf(out, "%" PRId64, r->id);
	case JOBREF_TASK:
		return buf_printf(out, "%" PRId64 "_%" PRIu32, r->id, r->task);
	case JOBREF_TASKS:
		if (buf_printf(out, "%" PRId64 "_[", r->id) == 0 &&
		    arrayspec_format(&r->tasks, out) == 0 &&
		    buf_addc(out, ']') == 0)
			return 0;
		break;
	}
	out->len = len0;
	if (out->data != NULL)
		out->data[len0] = '\0';
	return -1;
}

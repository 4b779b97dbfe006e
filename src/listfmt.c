/*
 * listfmt.c — --format and squeue -o text to a spec over a column table.
 *
 * Theory of operation: both forms end as the same spec (listfmt.h), a
 * list of fields and literal runs, so a listing lays out one kind of
 * thing whichever the user typed.  The parsers refuse rather than guess:
 * an unknown name or letter names every valid one (a user who typed
 * "jobname" learns it is "name"), an empty item (",,") or a lone '%' is
 * an error, and widths are bounded so a hostile "%99999999999i" cannot
 * ask for a huge line.  Nothing here allocates: the spec is a fixed-size
 * value, the literal text copied into it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "listfmt.h"

/* "(columns: id, name, ...)" or "(fields: %i %P ...)" appended to err. */
static void valid_ones(const struct listfmt_col *cols, size_t ncols, int letters, char *err,
    size_t errsz)
{
	size_t len = strlen(err);
	int first = 1;
	len += (size_t)snprintf(err + len, len < errsz ? errsz - len : 0, " (%s: ",
	    letters ? "fields" : "columns");
	for (size_t i = 0; i < ncols && len < errsz; i++) {
		if (letters && cols[i].letter == 0)
			continue;
		if (letters)
			len += (size_t)snprintf(err + len, errsz - len, "%s%%%c", first ? "" : " ",
			    cols[i].letter);
		else
			len += (size_t)snprintf(err + len, errsz - len, "%s%s", first ? "" : ", ",
			    cols[i].name);
		first = 0;
	}
	if (len < errsz)
		snprintf(err + len, errsz - len, "%s)", letters ? " %%" : "");
}

/* Printable text of untrusted input for a message: other bytes as '?'. */
static void shown(char *dst, size_t size, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n && i + 1 < size; i++)
		dst[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	dst[i] = '\0';
}

/* A width of 1 to LISTFMT_WIDTH_MAX from digits at *p; 0 if none; -1 bad. */
static int width_at(const char **p)
{
	long w = 0;
	if (!isdigit((unsigned char)**p))
		return 0;
	while (isdigit((unsigned char)**p)) {
		w = w * 10 + (**p - '0');
		if (w > LISTFMT_WIDTH_MAX)
			return -1;
		(*p)++;
	}
	return w >= 1 ? (int)w : -1;
}

static int add_item(struct listfmt *out, struct listfmt_item it, char *err, size_t errsz)
{
	if (out->n == LISTFMT_ITEMS_MAX) {
		snprintf(err, errsz, "more than %d items", LISTFMT_ITEMS_MAX);
		return -1;
	}
	out->item[out->n++] = it;
	return 0;
}

static int too_long(const char *s, char *err, size_t errsz)
{
	if (strnlen(s, LISTFMT_TEXT_MAX + 1) <= LISTFMT_TEXT_MAX)
		return 0;
	snprintf(err, errsz, "longer than %d bytes", LISTFMT_TEXT_MAX);
	return 1;
}

/* One "name[%width]" item of n bytes at s. */
static int name_item(const char *s, size_t n, const struct listfmt_col *cols, size_t ncols,
    struct listfmt *out, char *err, size_t errsz)
{
	char vis[80];
	const char *pct = memchr(s, '%', n);
	size_t nl = pct ? (size_t)(pct - s) : n;
	struct listfmt_item it = { -1, 0, 0, 0, 0 };
	for (size_t c = 0; c < ncols && it.col < 0; c++)
		if (strlen(cols[c].name) == nl && strncasecmp(cols[c].name, s, nl) == 0)
			it.col = (int)c;
	shown(vis, sizeof vis, s, n);
	if (nl == 0 || it.col < 0) {
		snprintf(err, errsz, nl == 0 ? "empty column name in \"%s\"" :
		    "unknown column \"%s\"", vis);
		if (nl > 0)
			valid_ones(cols, ncols, 0, err, errsz);
		return -1;
	}
	if (pct != NULL) {
		const char *p = pct + 1;
		it.width = width_at(&p);
		if (it.width <= 0 || p != s + n) {
			snprintf(err, errsz, "bad width in \"%s\" (NAME%%WIDTH, 1 to %d)", vis,
			    LISTFMT_WIDTH_MAX);
			return -1;
		}
	}
	return add_item(out, it, err, errsz);
}

int listfmt_parse_names(const char *s, const struct listfmt_col *cols, size_t ncols,
    struct listfmt *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	if (too_long(s, err, errsz))
		return -1;
	if (*s == '\0') {
		snprintf(err, errsz, "no columns");
		valid_ones(cols, ncols, 0, err, errsz);
		return -1;
	}
	for (const char *p = s;; ) {
		size_t n = strcspn(p, ",");
		if (n == 0) {
			snprintf(err, errsz, "empty column in \"%.*s\"", 200, s);
			return -1;
		}
		if (name_item(p, n, cols, ncols, out, err, errsz) != 0)
			return -1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/* Literal bytes onto the spec, joined to a literal just before. */
static int add_lit(struct listfmt *out, const char *s, size_t n, char *err, size_t errsz)
{
	struct listfmt_item *last = out->n ? &out->item[out->n - 1] : NULL;
	if (out->nlits + n > sizeof out->lits)
		return -1;	/* cannot happen: lits holds as much as the text */
	memcpy(out->lits + out->nlits, s, n);
	if (last != NULL && last->col < 0) {
		last->lit_len += (unsigned)n;
		out->nlits += n;
		return 0;
	}
	struct listfmt_item it = { -1, 0, 0, (unsigned)out->nlits, (unsigned)n };
	out->nlits += n;
	return add_item(out, it, err, errsz);
}

/* One %-field at *p (past the '%'). */
static int letter_item(const char **p, const struct listfmt_col *cols, size_t ncols,
    struct listfmt *out, char *err, size_t errsz)
{
	struct listfmt_item it = { -1, 0, 0, 0, 0 };
	if (**p == '%') {
		(*p)++;
		return add_lit(out, "%", 1, err, errsz);
	}
	if (**p == '.') {
		it.right = 1;
		(*p)++;
	}
	if ((it.width = width_at(p)) < 0) {
		snprintf(err, errsz, "bad width (1 to %d) in a field", LISTFMT_WIDTH_MAX);
		return -1;
	}
	char l = **p;
	for (size_t c = 0; l != '\0' && c < ncols && it.col < 0; c++)
		if (cols[c].letter == l)
			it.col = (int)c;
	if (it.col < 0) {
		if (l == '\0')
			snprintf(err, errsz, "a field without its letter at the end");
		else if (isprint((unsigned char)l))
			snprintf(err, errsz, "unknown field %%%c", l);
		else
			snprintf(err, errsz, "unknown field %%\\x%02x", (unsigned char)l);
		valid_ones(cols, ncols, 1, err, errsz);
		return -1;
	}
	(*p)++;
	return add_item(out, it, err, errsz);
}

int listfmt_parse_letters(const char *s, const struct listfmt_col *cols, size_t ncols,
    struct listfmt *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	if (too_long(s, err, errsz))
		return -1;
	if (*s == '\0') {
		snprintf(err, errsz, "no fields");
		valid_ones(cols, ncols, 1, err, errsz);
		return -1;
	}
	for (const char *p = s; *p != '\0'; ) {
		size_t n = strcspn(p, "%");
		if (n > 0 && add_lit(out, p, n, err, errsz) != 0)
			return -1;
		p += n;
		if (*p == '%') {
			p++;
			if (letter_item(&p, cols, ncols, out, err, errsz) != 0)
				return -1;
		}
	}
	return 0;
}

/* n bytes of s into dst at *len, bounded. */
static void put(char *dst, size_t size, size_t *len, const char *s, size_t n)
{
	while (n-- > 0 && *len + 1 < size)
		dst[(*len)++] = *s++;
}

static void put_pad(char *dst, size_t size, size_t *len, size_t n)
{
	while (n-- > 0 && *len + 1 < size)
		dst[(*len)++] = ' ';
}

size_t listfmt_line(const struct listfmt *f, const char *const *vals, char *dst, size_t size)
{
	size_t len = 0;
	if (size == 0)
		return 0;
	for (size_t i = 0; i < f->n; i++) {
		const struct listfmt_item *it = &f->item[i];
		if (it->col < 0) {
			put(dst, size, &len, f->lits + it->lit_off, it->lit_len);
			continue;
		}
		const char *v = vals[it->col] ? vals[it->col] : "";
		size_t n = strlen(v), w = (size_t)it->width;
		if (w == 0 || n >= w) {
			put(dst, size, &len, v, w && n > w ? w : n);
			continue;
		}
		if (it->right)
			put_pad(dst, size, &len, w - n);
		put(dst, size, &len, v, n);
		if (!it->right)
			put_pad(dst, size, &len, w - n);
	}
	dst[len] = '\0';
	return len;
}

/*
 * nvsmi.c — nvidia-smi's CSV (--query-gpu, --query-compute-apps) to structs.
 *
 * Theory of operation: the text is never copied or NUL-terminated; lines and
 * columns are spans into it, so a line of any length (up to the input bound)
 * costs no memory.  A layout is built first, from the header line
 * (--format=csv) or from the field list the caller asked for (noheader): how
 * many columns a row has and at which position each field we know sits, units
 * such as " [MiB]" stripped from the names.  Each row is then walked once,
 * keeping the spans of the known columns, and converted: numbers may carry the
 * unit ("81559 MiB", "35 %"); anything in brackets ("[N/A]", "[Not
 * Supported]", "[Unknown Error]", ...) or a bare "N/A" means unknown (-1).
 *
 * nvidia-smi separates values with ", " and does not quote.  We split on that,
 * or on bare commas in a line that has no ", " (hand-written files).  A row
 * with too many columns is accepted only when a free-text column (GPU name,
 * process name) can absorb the surplus: a process path may contain ", ".
 *
 * What is not CSV at all (the driver's "NVIDIA-SMI has failed ..." message)
 * is recognised by its first line: a header naming none of our fields, or, in
 * noheader mode, a first row with the wrong number of columns.  The error is
 * then that line, escaped, since it is the best thing to show an operator.
 *
 * On error nothing is appended: the caller's arrays keep their old length.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "span.h"
#include "util.h"

#define NV_NFIELDS	8		/* known fields per kind, at most */
#define NV_MEM_MAX	((int64_t)1 << 40)	/* MiB; far beyond any GPU */


/* A field name nvidia-smi prints, and the slot it fills. */
struct nv_col {
	const char *name;
	int id;
};

enum { G_INDEX, G_UUID, G_NAME, G_MEMTOTAL, G_MEMUSED, G_UTIL, G_BUSID, G_TEMP };
enum { A_UUID, A_PID, A_PROC, A_MEM };

static const struct nv_col gpu_cols[] = {
	{ "index", G_INDEX }, { "uuid", G_UUID }, { "name", G_NAME },
	{ "memory.total", G_MEMTOTAL }, { "memory.used", G_MEMUSED },
	{ "utilization.gpu", G_UTIL }, { "pci.bus_id", G_BUSID },
	{ "temperature.gpu", G_TEMP }, { NULL, 0 }
};
_Static_assert(G_TEMP < NV_NFIELDS, "NV_NFIELDS too small");

static const struct nv_col app_cols[] = {
	{ "gpu_uuid", A_UUID }, { "pid", A_PID },
	{ "process_name", A_PROC }, { "name", A_PROC },
	{ "used_memory", A_MEM }, { "used_gpu_memory", A_MEM }, { NULL, 0 }
};

struct nv_row {
	struct span v[NV_NFIELDS];
	int have[NV_NFIELDS];
	size_t lineno;
	size_t rowno;		/* 0-based, among data rows */
};

struct nv_kind {
	const struct nv_col *cols;
	int text_id;		/* column allowed to contain commas */
	int need_id;		/* column without which a row means nothing */
	const char *need;	/* its name */
	int (*store)(const struct nv_row *, struct probe_result *, char *,
	    size_t);
};

struct nv_layout {
	size_t ncols;
	size_t pos[NV_NFIELDS];
	int have[NV_NFIELDS];
	int text_have;
	int text_id;
	size_t text_pos;
	int known;		/* how many known fields were found */
};

/* Next line of *rest, trimmed; 0 when the text is used up. */
static int next_line(struct span *rest, struct span *line)
{
	if (!span_next_line(rest, line))
		return 0;
	*line = span_trim(*line);
	return 1;
}

/*
 * nvidia-smi's separator is ", "; a line without one is split on bare commas
 * (hand-written files), so a comma inside a value survives in real output.
 */
static struct span line_sep(struct span line)
{
	struct span sep = { ", ", 2 };

	if (memmem(line.p, line.n, sep.p, sep.n) == NULL)
		sep.n = 1;
	return sep;
}

/*
 * Next column of *rest, trimmed.  *more says whether another column follows,
 * so "a," gives two columns and "" gives one.
 */
static struct span next_col(struct span *rest, struct span sep, int *more)
{
	const char *c = memmem(rest->p, rest->n, sep.p, sep.n);
	struct span col = { rest->p, rest->n };
	size_t adv;

	if (c != NULL)
		col.n = (size_t)(c - rest->p);
	adv = col.n + (c != NULL ? sep.n : 0);

	*more = c != NULL;
	rest->p += adv;
	rest->n -= adv;
	return span_trim(col);
}

static size_t count_cols(struct span line, struct span sep)
{
	size_t n = 1;
	const char *p = line.p, *end = line.p + line.n, *c;

	while ((c = memmem(p, (size_t)(end - p), sep.p, sep.n)) != NULL) {
		n++;
		p = c + sep.n;
	}
	return n;
}

/* The escaped first bytes of a span, for an error message. */
static void span_vis(char *dst, size_t dstsz, struct span s, size_t maxraw)
{
	char raw[256];
	size_t n = s.n < maxraw ? s.n : maxraw;

	if (n >= sizeof raw)
		n = sizeof raw - 1;
	memcpy(raw, s.p, n);
	raw[n] = '\0';
	str_vis(dst, dstsz, raw);
}

/* "memory.total [MiB]" -> "memory.total". */
static struct span strip_unit(struct span name)
{
	const char *b;

	if (name.n == 0 || name.p[name.n - 1] != ']')
		return name;
	b = memchr(name.p, '[', name.n);
	if (b == NULL)
		return name;
	name.n = (size_t)(b - name.p);
	return span_trim(name);
}

static int lookup(const struct nv_col *cols, struct span name)
{
	for (; cols->name != NULL; cols++)
		if (span_eq(name, cols->name))
			return cols->id;
	return -1;
}

/* Positions of the known fields in a header line or field list. */
static void layout_build(const struct nv_kind *k, struct span names,
    struct nv_layout *l)
{
	struct span col, sep = line_sep(names);
	int more = 1, id;

	memset(l, 0, sizeof *l);
	while (more) {
		col = strip_unit(next_col(&names, sep, &more));
		id = lookup(k->cols, col);
		if (id >= 0 && !l->have[id]) {
			l->have[id] = 1;
			l->pos[id] = l->ncols;
			l->known++;
			if (id == k->text_id) {
				l->text_have = 1;
				l->text_id = id;
				l->text_pos = l->ncols;
			}
		}
		l->ncols++;
	}
}

/*
 * Walk one row, keeping the spans of the known columns.  `surplus` extra
 * columns, if any, are folded into the free-text column.
 */
static void row_split(const struct nv_layout *l, struct span line,
    size_t surplus, struct nv_row *row)
{
	struct span col, sep = line_sep(line), *text;
	size_t c, pos, t = l->text_pos;
	int more = 1, id;

	memset(row->v, 0, sizeof row->v);
	memcpy(row->have, l->have, sizeof row->have);
	for (c = 0; more; c++) {
		col = next_col(&line, sep, &more);
		if (surplus > 0 && c > t && c <= t + surplus) {
			/* Another piece of the free text: widen its span. */
			text = &row->v[l->text_id];
			text->n = (size_t)(col.p + col.n - text->p);
			continue;
		}
		pos = surplus > 0 && c > t ? c - surplus : c;
		for (id = 0; id < NV_NFIELDS; id++)
			if (l->have[id] && l->pos[id] == pos)
				row->v[id] = col;
	}
}

static int is_unknown(struct span v)
{
	return (v.n >= 2 && v.p[0] == '[' && v.p[v.n - 1] == ']') ||
	    span_eq(v, "N/A");
}

/*
 * A non-negative number, optionally followed by `unit`.  0 with *out = -1
 * when the value is unknown; -1 when it is not a number or above max.
 */
static int parse_num(struct span v, const char *unit, int64_t max, int64_t *out)
{
	int64_t n = 0;
	size_t i = 0;
	struct span rest;

	if (is_unknown(v)) {
		*out = -1;
		return 0;
	}
	for (; i < v.n && v.p[i] >= '0' && v.p[i] <= '9'; i++) {
		if (n > (max - (v.p[i] - '0')) / 10)
			return -1;
		n = n * 10 + (v.p[i] - '0');
	}
	if (i == 0)
		return -1;
	rest.p = v.p + i;
	rest.n = v.n - i;
	rest = span_trim(rest);
	if (rest.n != 0 && (unit == NULL || !span_eq(rest, unit)))
		return -1;
	*out = n;
	return 0;
}

static int bad_value(const struct nv_row *row, const char *field, struct span v,
    char *err, size_t errsz)
{
	char vis[128];

	span_vis(vis, sizeof vis, v, 40);
	snprintf(err, errsz, "line %zu: %s: bad value \"%s\"", row->lineno,
	    field, vis);
	return -1;
}

/* Copy free text, truncated; control bytes become '?' so nothing can hide. */
static void copy_text(char *dst, size_t dstsz, struct span v)
{
	size_t i, n;

	if (is_unknown(v))
		v.n = 0;
	n = v.n < dstsz - 1 ? v.n : dstsz - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[n] = '\0';
}

/*
 * A UUID is an identifier we match on later: whole, printable, no spaces,
 * and shaped like one ("GPU-...", "MIG-..."), which also catches a row whose
 * columns slid because the layout was not the one asked for.
 */
static int copy_uuid(char *dst, size_t dstsz, const struct nv_row *row, int id,
    char *err, size_t errsz)
{
	struct span v = row->v[id];
	size_t i;

	dst[0] = '\0';
	if (!row->have[id] || is_unknown(v))
		return 0;
	if (v.n < 5 || v.n >= dstsz || (memcmp(v.p, "GPU-", 4) != 0 &&
	    memcmp(v.p, "MIG-", 4) != 0))
		return bad_value(row, "uuid", v, err, errsz);
	for (i = 0; i < v.n; i++)
		if (v.p[i] <= ' ' || v.p[i] >= 0x7f)
			return bad_value(row, "uuid", v, err, errsz);
	memcpy(dst, v.p, v.n);
	dst[v.n] = '\0';
	return 0;
}

/*
 * A PCI bus id ("00000000:0F:00.0"; "0000:0F:00.0" on older drivers): hex
 * digits, ':' and '.', so that it can be matched and shown as it is.
 */
static int copy_busid(char *dst, size_t dstsz, const struct nv_row *row, char *err,
    size_t errsz)
{
	struct span v = row->v[G_BUSID];
	size_t i;

	dst[0] = '\0';
	if (is_unknown(v))
		return 0;
	if (v.n == 0 || v.n >= dstsz)
		return bad_value(row, "pci.bus_id", v, err, errsz);
	for (i = 0; i < v.n; i++) {
		char c = v.p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		    (c >= 'A' && c <= 'F') || c == ':' || c == '.'))
			return bad_value(row, "pci.bus_id", v, err, errsz);
	}
	memcpy(dst, v.p, v.n);
	dst[v.n] = '\0';
	return 0;
}

/* Numeric column `id`, or -1 when absent or unknown. */
static int get_num(const struct nv_row *row, int id, const char *field,
    const char *unit, int64_t max, int64_t *out, char *err, size_t errsz)
{
	*out = -1;
	if (!row->have[id])
		return 0;
	if (parse_num(row->v[id], unit, max, out) != 0)
		return bad_value(row, field, row->v[id], err, errsz);
	return 0;
}

static int store_gpu(const struct nv_row *row, struct probe_result *r,
    char *err, size_t errsz)
{
	struct gpu_info g;
	int64_t idx, util, temp;

	if (r->ngpus >= PROBE_MAX_GPUS) {
		snprintf(err, errsz, "line %zu: more than %d GPUs", row->lineno,
		    PROBE_MAX_GPUS);
		return -1;
	}
	memset(&g, 0, sizeof g);
	if (get_num(row, G_INDEX, "index", NULL, INT_MAX, &idx, err,
	    errsz) != 0 ||
	    get_num(row, G_MEMTOTAL, "memory.total", "MiB", NV_MEM_MAX,
	    &g.mem_total_mb, err, errsz) != 0 ||
	    get_num(row, G_MEMUSED, "memory.used", "MiB", NV_MEM_MAX,
	    &g.mem_used_mb, err, errsz) != 0 ||
	    get_num(row, G_UTIL, "utilization.gpu", "%", 100, &util,
	    err, errsz) != 0 ||
	    get_num(row, G_TEMP, "temperature.gpu", "C", 300, &temp,
	    err, errsz) != 0 ||
	    copy_uuid(g.uuid, sizeof g.uuid, row, G_UUID, err, errsz) != 0)
		return -1;
	/* The index picks the device for a job: never guess it. */
	if (row->have[G_INDEX] && idx < 0)
		return bad_value(row, "index", row->v[G_INDEX], err, errsz);
	g.index = row->have[G_INDEX] ? (int)idx : (int)row->rowno;
	g.util = (int)util;
	g.temp_c = (int)temp;
	if (row->have[G_NAME])
		copy_text(g.name, sizeof g.name, row->v[G_NAME]);
	if (row->have[G_BUSID] && copy_busid(g.bus_id, sizeof g.bus_id, row, err, errsz) != 0)
		return -1;
	g.mig_index = -1;
	r->gpus = xreallocarray(r->gpus, r->ngpus + 1, sizeof *r->gpus);
	r->gpus[r->ngpus++] = g;
	return 0;
}

static int store_app(const struct nv_row *row, struct probe_result *r,
    char *err, size_t errsz)
{
	struct gpu_app a;
	int64_t pid;

	if (r->napps >= PROBE_MAX_APPS) {
		snprintf(err, errsz, "line %zu: more than %d GPU processes",
		    row->lineno, PROBE_MAX_APPS);
		return -1;
	}
	memset(&a, 0, sizeof a);
	if (get_num(row, A_PID, "pid", NULL, INT_MAX, &pid, err, errsz) != 0 ||
	    get_num(row, A_MEM, "used_memory", "MiB", NV_MEM_MAX, &a.used_mb,
	    err, errsz) != 0 ||
	    copy_uuid(a.gpu_uuid, sizeof a.gpu_uuid, row, A_UUID, err,
	    errsz) != 0)
		return -1;
	a.pid = (int)pid;
	if (row->have[A_PROC])
		copy_text(a.process, sizeof a.process, row->v[A_PROC]);
	r->apps = xreallocarray(r->apps, r->napps + 1, sizeof *r->apps);
	r->apps[r->napps++] = a;
	return 0;
}

/* A GPU is worth knowing with any one field; a process needs its pid. */
static const struct nv_kind gpu_kind = { gpu_cols, G_NAME, -1, NULL,
    store_gpu };;
static const struct nv_kind app_kind = { app_cols, A_PROC, A_PID, "pid",
    store_app };;

/*
 * Lines that are not rows: blank ones, nvidia-smi's warnings (stderr is
 * merged into the output), and the apps query's "nothing running" note.
 */
static int skip_line(struct span line)
{
	return line.n == 0 ||
	    (line.n >= 8 && memcmp(line.p, "WARNING:", 8) == 0) ||
	    span_eq(line, "No running processes found");
}

static int not_csv(struct span line, char *err, size_t errsz)
{
	span_vis(err, errsz, line, errsz);
	if (errsz > 0 && err[0] == '\0')
		snprintf(err, errsz, "not nvidia-smi CSV");
	return -1;
}

static int parse_row(const struct nv_kind *k, const struct nv_layout *l,
    int header, struct span line, struct nv_row *row, struct probe_result *r,
    char *err, size_t errsz)
{
	size_t n = count_cols(line, line_sep(line)), surplus = 0;

	if (n > l->ncols && l->text_have)
		surplus = n - l->ncols;
	else if (n != l->ncols) {
		if (!header && row->rowno == 0)
			return not_csv(line, err, errsz);
		snprintf(err, errsz, "line %zu: %zu columns, expected %zu",
		    row->lineno, n, l->ncols);
		return -1;
	}
	row_split(l, line, surplus, row);
	return k->store(row, r, err, errsz);
}

static int nv_parse(const struct nv_kind *k, const char *text, size_t len,
    const char *fields, struct probe_result *r, char *err, size_t errsz)
{
	struct span rest = { text, len }, line;
	struct nv_layout l;
	struct nv_row row;
	int have_layout = 0;

	if (len > PROBE_OUTPUT_MAX) {
		snprintf(err, errsz, "nvidia-smi output over %u bytes",
		    PROBE_OUTPUT_MAX);
		return -1;
	}
	if (len > 0 && memchr(text, '\0', len) != NULL) {
		snprintf(err, errsz, "nvidia-smi output contains a NUL byte");
		return -1;
	}
	if (fields != NULL) {
		struct span f = { fields, strlen(fields) };
		layout_build(k, f, &l);
		if (l.known == 0) {
			snprintf(err, errsz, "no field we read is asked for");
			return -1;
		}
		if (k->need_id >= 0 && !l.have[k->need_id]) {
			snprintf(err, errsz, "field list lacks %s", k->need);
			return -1;
		}
		have_layout = 1;
	}
	memset(&row, 0, sizeof row);
	while (next_line(&rest, &line)) {
		row.lineno++;
		if (skip_line(line))
			continue;
		if (!have_layout) {
			layout_build(k, line, &l);
			if (l.known == 0 ||
			    (k->need_id >= 0 && !l.have[k->need_id]))
				return not_csv(line, err, errsz);
			have_layout = 1;
			continue;
		}
		if (parse_row(k, &l, fields == NULL, line, &row, r, err,
		    errsz) != 0)
			return -1;
		row.rowno++;
	}
	return 0;
}

int nvsmi_parse_gpus(const char *text, size_t len, const char *fields,
    struct probe_result *r, char *err, size_t errsz)
{
	size_t old = r->ngpus;

	if (nv_parse(&gpu_kind, text, len, fields, r, err, errsz) != 0) {
		r->ngpus = old;
		return -1;
	}
	return 0;
}

int nvsmi_parse_apps(const char *text, size_t len, const char *fields,
    struct probe_result *r, char *err, size_t errsz)
{
	size_t old = r->napps;

	if (nv_parse(&app_kind, text, len, fields, r, err, errsz) != 0) {
		r->napps = old;
		return -1;
	}
	return 0;
}

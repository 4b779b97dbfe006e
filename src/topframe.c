/*
 * topframe.c — one frame of `herd top` as plain text.
 *
 * Theory of operation: the frame is made only from the frames herdd
 * already answers to `herd nodes`, `herd queue` and `herd history`, so top
 * needs no request of its own and shows exactly what those commands show.
 * It is a pure function of that data, a clock and a size: the unit tests
 * draw it at 80 and 160 columns with hostile names, no socket involved.
 *
 * Every section is a table (table.c), so untrusted text (job and node
 * names, process names from nvidia-smi) is escaped and cut by display
 * columns there, once, as in every other listing.  Height is shared out a
 * line at a time in turn between the GPUs, the queue and the recent ends,
 * so an 80x24 terminal shows some of each rather than only GPUs; a section
 * that does not fit ends in "… N more" instead of scrolling off.  The
 * queue's KIND column tells services (herd service) from batch jobs.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"
#include "cmd.h"
#include "job.h"
#include "svc_health.h"
#include "topframe.h"

#define BAR_WIDTH 8
#define NSECT 3

void top_list_add(struct top_list *l, const struct msg *m)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	struct msg *c = &l->v[l->n++];
	msg_init(c, m->type);
	for (size_t i = 0; i + 1 < m->nf; i += 2)
		msg_add(c, m->f[i].p, m->f[i + 1].p, m->f[i + 1].len);
}

static void list_clear(struct top_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		msg_clear(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void top_data_clear(struct top_data *d)
{
	list_clear(&d->nodes);
	list_clear(&d->jobs);
	list_clear(&d->ends);
}

void top_bar(char *buf, size_t size, int64_t used, int64_t total, int width)
{
	char in[64];
	int fill = 0;
	if (width < 1 || (size_t)width >= sizeof in)
		width = BAR_WIDTH;
	if (used < 0 || total <= 0) {
		memset(in, '?', (size_t)width);
	} else {
		/* in double: used * width overflows for a node's absurd answer */
		double share = (double)used / (double)total * width;
		fill = used >= total ? width : (int)share;
		if (fill < width && (double)fill < share)	/* any use shows */
			fill++;
		memset(in, '#', (size_t)fill);
		memset(in + fill, '-', (size_t)(width - fill));
	}
	in[width] = '\0';
	snprintf(buf, size, "[%s]", in);
}

/* Rows a section adds while lim allows; t NULL only counts.  The total. */
struct sect {
	struct table *t;
	size_t lim, n;
	size_t skip;	/* rows left out above, so that the selected one shows */
};

static void sect_add(struct sect *s, const char *const *cells)
{
	if (s->t != NULL && s->n >= s->skip && s->n - s->skip < s->lim)
		table_add(s->t, cells);
	s->n++;
}

/* "12.5/40.0G" from MiB; "-" unknown. */
static void mem_text(char *buf, size_t size, int64_t used, int64_t total)
{
	if (used < 0 || total <= 0) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%" PRId64 ".%" PRId64 "/%" PRId64 ".%" PRId64 "G", used / 1024,
	    used % 1024 * 10 / 1024, total / 1024, total % 1024 * 10 / 1024);
}

/* Who else is on GPU `gpu`: --gpu-share jobs, then processes outside herd. */
static void gpu_others(struct sect *s, const struct msg *m, int gpu, const char **cells)
{
	const char *v;
	char use[256];
	for (size_t i = 0; (v = msg_get_nth(m, "gpu_share", i, NULL)) != NULL; i++) {
		struct gpu_share_rec r;
		gpu_share_rec_parse(v, &r);
		if (r.gpu != gpu)
			continue;
		snprintf(use, sizeof use, "shared: job %" PRId64 " (%s)", r.job,
		    r.user[0] ? r.user : "?");
		cells[6] = use;
		sect_add(s, cells);
		cells[0] = cells[1] = cells[2] = cells[3] = cells[4] = cells[5] = "";
	}
	for (size_t i = 0; (v = msg_get_nth(m, "gpu_proc", i, NULL)) != NULL; i++) {
		struct gpu_proc_rec p;
		gpu_proc_rec_parse(v, &p);
		if (p.gpu != gpu)
			continue;
		/* the process name last: it is the part a narrow column may cut */
		snprintf(use, sizeof use, "outside: %s pid %d %" PRId64 "M %s",
		    p.user[0] ? p.user : "?", p.pid, p.mem_mb, p.process[0] ? p.process : "?");
		cells[6] = use;
		sect_add(s, cells);
		cells[0] = cells[1] = cells[2] = cells[3] = cells[4] = cells[5] = "";
	}
}

/* A row per GPU (a node without GPUs: one row), then who else is on it. */
static void node_rows(struct sect *s, const struct msg *m)
{
	const char *g, *name = msg_get(m, "name", NULL), *st = msg_get(m, "state", NULL);
	const char *cells[7] = { name ? name : "?", st ? st : "?", "-", "", "", "", "" };
	size_t i = 0;
	for (; (g = msg_get_nth(m, "gpu", i, NULL)) != NULL; i++) {
		struct gpu_rec r;
		char idx[16], bar[32], mem[64], util[16] = "-", use[128] = "free";
		gpu_rec_parse(g, &r);
		snprintf(idx, sizeof idx, "%d", r.index);
		top_bar(bar, sizeof bar, r.mem_used_mb, r.mem_total_mb, BAR_WIDTH);
		mem_text(mem, sizeof mem, r.mem_used_mb, r.mem_total_mb);
		char memcell[96];
		snprintf(memcell, sizeof memcell, "%s %s", bar, mem);
		if (r.util >= 0)
			snprintf(util, sizeof util, "%d%%", r.util);
		if (r.job > 0)
			snprintf(use, sizeof use, "job %" PRId64 " (%s)", r.job,
			    r.user[0] ? r.user : "?");
		else if (r.outside != 0)
			snprintf(use, sizeof use, "outside herd");
		cells[2] = idx;
		cells[3] = r.name;
		cells[4] = memcell;
		cells[5] = util;
		cells[6] = use;
		int shown = r.job > 0 || r.outside == 0;
		if (shown)
			sect_add(s, cells);
		if (shown)
			cells[0] = cells[1] = cells[2] = cells[3] = cells[4] = cells[5] = "";
		size_t before = s->n;
		gpu_others(s, m, r.index, cells);
		if (!shown && s->n == before)	/* in use outside, no process listed */
			sect_add(s, cells);
		cells[0] = cells[1] = "";
	}
	if (i == 0)
		sect_add(s, cells);
}

/* Same day as now: "14:05:09"; else "12-24 14:05". */
static void short_time(char *buf, size_t size, int64_t t, int64_t now)
{
	struct tm a, b;
	time_t tt = (time_t)t, tn = (time_t)now;
	if (t <= 0 || localtime_r(&tt, &a) == NULL || localtime_r(&tn, &b) == NULL) {
		snprintf(buf, size, "-");
		return;
	}
	if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday)
		strftime(buf, size, "%H:%M:%S", &a);
	else
		strftime(buf, size, "%m-%d %H:%M", &a);
}

/* Running: its node and time so far; pending: where and when planned, why. */
/* A running service's REASON: its health and restarts ("healthy,
 * restarts 2"), as herd service ls has them; 0 for a batch job. */
static int service_note(const struct msg *m, char *buf, size_t size)
{
	int64_t h = msg_geti(m, "health", 0), r = msg_geti(m, "restarts", 0);
	if (msg_get(m, "service", NULL) == NULL || (h == 0 && r <= 0))
		return 0;
	if (r <= 0)
		snprintf(buf, size, "%s", svc_health_name((int)h));
	else if (h == 0)
		snprintf(buf, size, "restarts %" PRId64, r);
	else
		snprintf(buf, size, "%s, restarts %" PRId64, svc_health_name((int)h), r);
	return 1;
}

static void job_row(struct sect *s, const struct msg *m, int64_t now, const char *sel)
{
	char id[96], gpus[32], when[64] = "N/A";
	const char *st = msg_get(m, "state", NULL), *node = msg_get(m, "node", NULL);
	const char *why = msg_get(m, "reason", NULL), *name = msg_get(m, "name", NULL);
	const char *user = msg_get(m, "user", NULL);
	job_display_id(id, sizeof id, m);
	if (sel != NULL) {	/* the live view: a column of marks before the ids */
		int mark = strcmp(id, sel) == 0 ? '>' : ' ';
		memmove(id + 1, id, sizeof id - 1);	/* the id's last byte is its NUL or cut */
		id[0] = (char)mark;
		id[sizeof id - 1] = '\0';
	}
	snprintf(gpus, sizeof gpus, "%" PRId64, msg_geti(m, "ngpus", 0));
	int64_t start = msg_geti(m, "start_time", 0), plan = msg_geti(m, "planned_start", 0);
	if (st != NULL && strcmp(st, "PENDING") == 0) {
		node = msg_get(m, "planned_node", NULL);
		if (plan > 0)
			short_time(when, sizeof when, plan, now);
	} else if (start > 0) {
		fmt_dhms(when, sizeof when, now > start ? now - start : 0);
	}
	char note[96];
	if ((why == NULL || *why == '\0') && service_note(m, note, sizeof note))
		why = note;
	const char *cells[] = { id, user ? user : "?", name ? name : "", st ? st : "?",
	    job_kind(m), gpus, node && *node ? node : "-", when, why && *why ? why : "" };
	sect_add(s, cells);
}

static void end_row(struct sect *s, const struct msg *m, int64_t now)
{
	char id[96], ec[32], end[64];
	const char *node = msg_get(m, "node", NULL), *why = msg_get(m, "reason", NULL);
	const char *name = msg_get(m, "name", NULL), *user = msg_get(m, "user", NULL);
	const char *st = msg_get(m, "state", NULL);
	job_display_id(id, sizeof id, m);
	job_exit_format((int32_t)msg_geti(m, "exit_code", -1), ec, sizeof ec);
	short_time(end, sizeof end, msg_geti(m, "end_time", 0), now);
	const char *cells[] = { id, user ? user : "?", name ? name : "", st ? st : "?", ec, end,
	    node && *node ? node : "-", why && *why ? why : "" };
	sect_add(s, cells);
}

/* Fill section k's rows into s (t NULL: count only). */
static void sect_fill(int k, struct sect *s, const struct top_data *d)
{
	if (k == 0)
		for (size_t i = 0; i < d->nodes.n; i++)
			node_rows(s, &d->nodes.v[i]);
	else if (k == 1)
		for (size_t i = 0; i < d->jobs.n; i++)
			job_row(s, &d->jobs.v[i], d->now, d->sel);
	else
		for (size_t i = 0; i < d->ends.n; i++)
			end_row(s, &d->ends.v[i], d->now);
}

/* Lines for each section's rows: in turn, one at a time, from `avail`. */
static void share_lines(const size_t *want, size_t *give, size_t avail)
{
	int more = 1;
	while (avail > 0 && more) {
		more = 0;
		for (int k = 0; k < NSECT && avail > 0; k++)
			if (give[k] < want[k]) {
				give[k]++;
				avail--;
				more = 1;
			}
	}
}

static void summary(FILE *f, const struct top_data *d, size_t cols)
{
	size_t ngpu = 0, used = 0, run = 0, pend = 0;
	char clock[32], line[256];
	for (size_t i = 0; i < d->nodes.n; i++) {
		const char *g;
		for (size_t j = 0; (g = msg_get_nth(&d->nodes.v[i], "gpu", j, NULL)) != NULL; j++) {
			struct gpu_rec r;
			gpu_rec_parse(g, &r);
			ngpu++;
			used += r.job > 0;
		}
	}
	for (size_t i = 0; i < d->jobs.n; i++) {
		const char *st = msg_get(&d->jobs.v[i], "state", NULL);
		run += st != NULL && strcmp(st, "RUNNING") == 0;
		pend += st != NULL && strcmp(st, "PENDING") == 0;
	}
	short_time(clock, sizeof clock, d->now, d->now);
	snprintf(line, sizeof line, "herd top %s  nodes %zu  GPUs %zu/%zu in use  jobs %zu running, %zu pending",
	    clock, d->nodes.n, used, ngpu, run, pend);
	if (cols > 0 && strlen(line) > cols)	/* ASCII only: bytes are columns */
		line[cols] = '\0';
	fprintf(f, "%s\n", line);
}

void top_frame(FILE *f, const struct top_data *d, size_t cols, size_t rows)
{
	static const char *hdr0[] = { "NODE", "STATE", "GPU", "TYPE", "MEMORY", "UTIL", "USE" };
	static const char *hdr1[] = { "JOBID", "USER", "NAME", "STATE", "KIND", "GPUS", "NODE",
		"TIME/START", "REASON" };
	static const char *hdr2[] = { "ENDED", "USER", "NAME", "STATE", "EXIT", "AT", "NODE",
		"REASON" };
	static const char *const *hdrs[NSECT] = { hdr0, hdr1, hdr2 };
	static const int ncols[NSECT] = { 7, 9, 8 };
	static const char *none[NSECT] = { "(no nodes)", "(queue empty)", "(no recent ends)" };
	size_t want[NSECT], give[NSECT];
	for (int k = 0; k < NSECT; k++) {
		struct sect c = { NULL, 0, 0, 0 };
		sect_fill(k, &c, d);
		want[k] = c.n > 0 ? c.n : 1;
		give[k] = rows > 0 ? 0 : want[k];
	}
	if (rows > 0)	/* the summary, and a blank line and a header per section */
		share_lines(want, give, rows > 1 + 2 * NSECT + NSECT ? rows - 1 - 2 * NSECT : NSECT);
	summary(f, d, cols);
	for (int k = 0; k < NSECT; k++) {
		size_t cut = give[k] < want[k];
		struct sect s = { table_new(ncols[k], hdrs[k]), give[k] - cut, 0, 0 };
		if (k == 1 && d->sel != NULL && cut && d->sel_line >= s.lim)
			s.skip = d->sel_line - s.lim + 1;
		sect_fill(k, &s, d);
		fputc('\n', f);
		table_print_width(s.t, f, cols);
		if (s.n == 0)
			fprintf(f, "%s\n", none[k]);
		else if (cut)
			fprintf(f, "\xe2\x80\xa6 %zu more\n", s.n - s.lim);
		table_free(s.t);
	}
}

/*
 * gpuproc.c — the probe's "procs" section: who each GPU process is.
 *
 * Theory of operation: nvidia-smi names a GPU's processes by pid only.  To
 * tell a herd job's process from someone else's, the probe reads, on the
 * node, for each pid it listed: the owner (Uid of /proc/PID/status and the
 * node's name for it), the session and process group (/proc/PID/stat), the
 * parent chain up to init (at most PROBE_CHAIN_MAX), and HERD_JOB_ID from
 * /proc/PID/environ where that is readable (the node account's own
 * processes).  The decision is foreign.c's; this only reads the lines:
 *
 *   PID UID USER SID PGID CHAIN JOB      ("-" for what the node could not read)
 *
 * Everything here came from a node, so every number is bounded and every
 * pid must be one the apps section listed, once: a line about another
 * process would let the node's output claim things about pids nvidia-smi
 * never showed.  A user name is display text only: one that is not a plain
 * name is kept as unknown rather than failing the probe, since an odd name
 * in a directory service is no reason to lose the node's GPUs; so is a
 * marker that is no job id, since anyone may set HERD_JOB_ID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "span.h"
#include "util.h"

#define PID_MAX_VAL 0x3fffffff	/* above the kernel's pid_max limit (2^22) */

/* Next blank-separated word of *rest; 0 when none. */
static int next_word(struct span *rest, struct span *w)
{
	size_t i = 0;

	while (i < rest->n && rest->p[i] == ' ')
		i++;
	if (i == rest->n)
		return 0;
	w->p = rest->p + i;
	w->n = 0;
	while (i + w->n < rest->n && rest->p[i + w->n] != ' ')
		w->n++;
	rest->p += i + w->n;
	rest->n -= i + w->n;
	return 1;
}

/* A decimal in [min, max]; "-" gives `unknown` when allowed (unknown >= 0). */
static int word_num(struct span w, long long min, long long max,
    long long unknown, long long *out)
{
	if (unknown >= 0 && span_eq(w, "-")) {
		*out = unknown;
		return 0;
	}
	return span_num(w, min, max, out);
}

/* A user name as useradd and directory services write them, else unknown. */
static void word_user(char *dst, struct span w)
{
	dst[0] = '\0';
	if (w.n == 0 || w.n > PROBE_USER_MAX || span_eq(w, "-"))
		return;
	for (size_t i = 0; i < w.n; i++) {
		char c = w.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
		    (c == '$' && i == w.n - 1)))
			return;
	}
	memcpy(dst, w.p, w.n);
	dst[w.n] = '\0';
}

/* "P1,P2,..." or "-". */
static int word_chain(struct gpu_proc *g, struct span w)
{
	long long v;

	g->nchain = 0;
	if (span_eq(w, "-"))
		return 0;
	while (w.n > 0) {
		const char *c = memchr(w.p, ',', w.n);
		struct span one = { w.p, c != NULL ? (size_t)(c - w.p) : w.n };

		if (g->nchain >= PROBE_CHAIN_MAX ||
		    word_num(one, 1, PID_MAX_VAL, -1, &v) != 0)
			return -1;
		g->chain[g->nchain++] = (int)v;
		if (c == NULL)
			break;
		w.p = c + 1;
		w.n -= one.n + 1;
		if (w.n == 0)
			return -1;	/* a trailing comma */
	}
	return 0;
}

static int listed(const struct probe_result *r, int pid)
{
	for (size_t i = 0; i < r->napps; i++)
		if (r->apps[i].pid == pid)
			return 1;
	return 0;
}

/* One line into g; -1 with *what naming the bad word. */
static int parse_line(struct span line, struct gpu_proc *g, const char **what)
{
	struct span w[7], rest = line;
	long long v;
	int k;

	for (k = 0; k < 7 && next_word(&rest, &w[k]); k++)
		;
	if (k != 7 || next_word(&rest, &w[0])) {
		*what = "not 7 fields";
		return -1;
	}
	memset(g, 0, sizeof *g);
	if (word_num(w[0], 1, PID_MAX_VAL, -1, &v) != 0)
		return (*what = "bad pid", -1);
	g->pid = (int)v;
	if (span_eq(w[1], "-"))
		g->uid = -1;
	else if (word_num(w[1], 0, 0xffffffffLL, -1, &v) != 0)
		return (*what = "bad uid", -1);
	else
		g->uid = v;
	word_user(g->user, w[2]);
	/* 0: the leader lives outside the node's pid namespace (a container's
	 * processes seen from inside it): as unknown as "-". */
	if (word_num(w[3], 0, PID_MAX_VAL, 0, &v) != 0)
		return (*what = "bad session", -1);
	g->sid = (int)v;
	if (word_num(w[4], 0, PID_MAX_VAL, 0, &v) != 0)
		return (*what = "bad process group", -1);
	g->pgid = (int)v;
	if (word_chain(g, w[5]) != 0)
		return (*what = "bad parent chain", -1);
	/* Anyone may set HERD_JOB_ID: a marker that is no job id is none. */
	g->job = word_num(w[6], 1, (1LL << 53), 0, &v) == 0 ? v : 0;
	return 0;
}

int gpuproc_parse(const char *text, size_t len, struct probe_result *r,
    char *err, size_t errsz)
{
	struct span rest = { text, len }, line;
	struct gpu_proc *out = NULL, g;
	size_t n = 0, lineno = 0;
	const char *what = NULL;

	free(r->procs);
	r->procs = NULL;
	r->nprocs = 0;
	while (span_next_line(&rest, &line)) {
		lineno++;
		line = span_trim(line);
		if (line.n == 0)
			continue;
		if (memchr(line.p, '\t', line.n) != NULL)
			what = "a tab";
		else if (parse_line(line, &g, &what) == 0) {
			if (!listed(r, g.pid))
				what = "a pid nvidia-smi did not list";
			else if (gpuproc_find(&(struct probe_result){ .procs = out,
			    .nprocs = n }, g.pid) != NULL)
				what = "a pid given twice";
			else if (n >= PROBE_MAX_APPS)
				what = "too many lines";
			else {
				out = xreallocarray(out, n + 1, sizeof *out);
				out[n++] = g;
				continue;
			}
		}
		snprintf(err, errsz, "procs line %zu: %s", lineno, what);
		free(out);
		return -1;
	}
	r->procs = out;
	r->nprocs = n;
	return 0;
}

const struct gpu_proc *gpuproc_find(const struct probe_result *r, int pid)
{
	for (size_t i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

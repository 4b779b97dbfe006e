/*
 * slurm_sinfo.c — herd under Slurm's name sinfo (a link to herd; see
 * slurmname.c): herd's partitions and nodes as Slurm 22.05's sinfo prints
 * them, with its common options (-N, -h, -o, -p, -n).
 *
 * Theory of operation: two answers of herdd, "partitions" (hosts.ini's
 * [partition] sections; none: one implicit partition "all", the default)
 * and "nodes" (each node's state, partitions, CPUs, memory and GPUs), are
 * read into plain arrays; sinfo_lines() then makes the rows, a pure
 * function tested without herdd.  A row is a partition's nodes that print
 * alike in every field the format shows except the aggregates (%D the
 * count, %N the compressed host list, hostlist.c), as sinfo groups them;
 * -N makes a row per node and partition.  States are herd's
 * (nodestate.h) in Slurm's lower-case words.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "gputype.h"
#include "hostlist.h"
#include "jobopt.h"
#include "slurm_sinfo.h"
#include "util.h"

enum { SI_PART, SI_AVAIL, SI_LIMIT, SI_NODES, SI_ST, SI_STATE, SI_NODELIST, SI_GRES, SI_CPUS,
	SI_MEM, SI_COUNT };

const struct listfmt_col sinfo_cols[] = {
	[SI_PART] = { "partition", 'P', "PARTITION" },
	[SI_AVAIL] = { "avail", 'a', "AVAIL" },
	[SI_LIMIT] = { "timelimit", 'l', "TIMELIMIT" },
	[SI_NODES] = { "nodes", 'D', "NODES" },
	[SI_ST] = { "statecompact", 't', "STATE" },
	[SI_STATE] = { "statelong", 'T', "STATE" },
	[SI_NODELIST] = { "nodelist", 'N', "NODELIST" },
	[SI_GRES] = { "gres", 'G', "GRES" },
	[SI_CPUS] = { "cpus", 'c', "CPUS" },
	[SI_MEM] = { "memory", 'm', "MEMORY" },
};
const size_t nsinfo_cols = SI_COUNT;

void sinfo_state(const char *herd, int longform, char *buf, size_t size)
{
	static const struct { const char *herd, *st, *state; } map[] = {
		{ "IDLE", "idle", "idle" }, { "MIXED", "mix", "mixed" },
		{ "ALLOCATED", "alloc", "allocated" }, { "DRAINING", "drng", "draining" },
		{ "DRAINED", "drain", "drained" }, { "DOWN", "down", "down" },
		{ "UNKNOWN", "unk", "unknown" },
	};
	const char *s = herd != NULL ? herd : "UNKNOWN";
	size_t n = strcspn(s, "*");
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (n == strlen(map[i].herd) && strncmp(s, map[i].herd, n) == 0) {
			snprintf(buf, size, "%s%s", longform ? map[i].state : map[i].st, s + n);
			return;
		}
	/* A state this client does not know: herd's word, lower case, visible. */
	str_vis(buf, size, s);
	for (char *p = buf; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
}

void sinfo_time(int64_t secs, char *buf, size_t size)
{
	if (secs <= 0) {
		snprintf(buf, size, "infinite");
		return;
	}
	format_duration(secs, buf, size);	/* Slurm's forms, as herd writes them */
}

/* Whether the comma list has the name. */
static int list_has(const char *list, const char *name)
{
	const char *v[] = { name };
	return csv_has_any(list, v, 1);
}

static int in_part(const struct sinfo_node *n, const struct sinfo_part *p)
{
	return n->parts == NULL || n->parts[0] == '\0' || list_has(n->parts, p->name);
}

#define SI_CELL 128

/* A partition as %P shows it: the default with a "*"; control bytes of
 * herdd's text made visible, as every field is. */
static void part_name(const struct sinfo_part *p, char *buf, size_t size)
{
	char vis[SI_CELL - 2];	/* room for the "*" */
	str_vis(vis, sizeof vis, p->name != NULL ? p->name : "");
	snprintf(buf, size, "%s%s", vis, p->is_default ? "*" : "");
}

/* Field col of node n in partition p (not the aggregates). */
static const char *value(int col, const struct sinfo_part *p, const struct sinfo_node *n,
    char *buf, size_t size)
{
	switch (col) {
	case SI_PART: part_name(p, buf, size); break;
	case SI_AVAIL: snprintf(buf, size, "up"); break;
	case SI_LIMIT: sinfo_time(p->max_time, buf, size); break;
	case SI_ST: sinfo_state(n->state, 0, buf, size); break;
	case SI_STATE: sinfo_state(n->state, 1, buf, size); break;
	case SI_GRES: snprintf(buf, size, "%s", n->gres[0] ? n->gres : "(null)"); break;
	case SI_CPUS: snprintf(buf, size, "%" PRId64, n->cpus); break;
	case SI_MEM: snprintf(buf, size, "%" PRId64, n->mem_mb); break;
	default: buf[0] = '\0'; break;
	}
	return buf;
}

/* Whether nodes a and b print alike in partition p under fmt. */
static int alike(const struct listfmt *f, const struct sinfo_part *p,
    const struct sinfo_node *a, const struct sinfo_node *b)
{
	char x[SI_CELL], y[SI_CELL];
	for (size_t i = 0; i < f->n; i++) {
		int col = f->item[i].col;
		if (col < 0 || col == SI_NODES || col == SI_NODELIST)
			continue;
		if (strcmp(value(col, p, a, x, sizeof x), value(col, p, b, y, sizeof y)) != 0)
			return 0;
	}
	return 1;
}

/* One row: the nodes idx[0..k) of partition p. */
static void row(const struct listfmt *f, const struct sinfo_part *p,
    const struct sinfo_node *nodes, const size_t *idx, size_t k,
    void (*emit)(void *, const char *), void *arg)
{
	static char cells[SI_COUNT][SI_CELL], list[HOSTLIST_TEXT_MAX], vis[HOSTLIST_TEXT_MAX];
	static char line[LISTFMT_TEXT_MAX * 4];
	static const char *names[SINFO_NODES_MAX];
	const char *vals[SI_COUNT] = { 0 };
	for (int c = 0; c < SI_COUNT; c++)
		vals[c] = value(c, p, &nodes[idx[0]], cells[c], SI_CELL);
	for (size_t i = 0; i < k; i++)
		names[i] = nodes[idx[i]].name;
	if (hostlist_compress(names, k, list, sizeof list) < 0 && list[0] == '\0')
		snprintf(list, sizeof list, "...");
	snprintf(cells[SI_NODES], SI_CELL, "%zu", k);
	vals[SI_NODES] = cells[SI_NODES];
	str_vis(vis, sizeof vis, list);
	vals[SI_NODELIST] = vis;
	listfmt_line(f, vals, line, sizeof line);
	emit(arg, line);
}

/* Partition p's rows. */
static size_t part_lines(const struct sinfo_query *q, const struct sinfo_part *p,
    const struct sinfo_node *nodes, size_t nnodes, void (*emit)(void *, const char *), void *arg)
{
	static size_t idx[SINFO_NODES_MAX];
	static unsigned char done[SINFO_NODES_MAX];
	size_t lines = 0;
	if (nnodes > SINFO_NODES_MAX)
		nnodes = SINFO_NODES_MAX;
	for (size_t i = 0; i < nnodes; i++)
		done[i] = !in_part(&nodes[i], p) || nodes[i].name == NULL ||
		    (q->nodes != NULL && hostlist_match(q->nodes, nodes[i].name) != 1);
	for (size_t i = 0; i < nnodes; i++) {
		size_t k = 0;
		if (done[i])
			continue;
		idx[k++] = i;
		done[i] = 1;
		for (size_t j = i + 1; j < nnodes && !q->by_node; j++)
			if (!done[j] && alike(q->fmt, p, &nodes[i], &nodes[j])) {
				idx[k++] = j;
				done[j] = 1;
			}
		row(q->fmt, p, nodes, idx, k, emit, arg);
		lines++;
	}
	return lines;
}

size_t sinfo_lines(const struct sinfo_query *q, const struct sinfo_part *parts, size_t nparts,
    const struct sinfo_node *nodes, size_t nnodes, void (*emit)(void *arg, const char *line),
    void *arg)
{
	size_t lines = 0;
	for (size_t i = 0; i < nparts; i++)
		if (q->parts == NULL || list_has(q->parts, parts[i].name))
			lines += part_lines(q, &parts[i], nodes, nnodes, emit, arg);
	return lines;
}

void sinfo_header(const struct listfmt *fmt, char *dst, size_t size)
{
	const char *vals[SI_COUNT];
	for (int c = 0; c < SI_COUNT; c++)
		vals[c] = sinfo_cols[c].header;
	listfmt_line(fmt, vals, dst, size);
}

/* print.c's MIN_NODE_FIELD_SIZE and MIN_PART_FIELD_SIZE */
#define SINFO_MIN_FIELD 9

/* The longest partition name, its "*" counted, at least SINFO_MIN_FIELD. */
static size_t part_width(const struct sinfo_part *parts, size_t nparts)
{
	size_t wp = SINFO_MIN_FIELD;
	for (size_t i = 0; i < nparts; i++)
		if (parts[i].name != NULL && strlen(parts[i].name) + !!parts[i].is_default > wp)
			wp = strlen(parts[i].name) + !!parts[i].is_default;
	return wp < LISTFMT_WIDTH_MAX ? wp : LISTFMT_WIDTH_MAX;
}

void sinfo_part_format(const struct sinfo_part *parts, size_t nparts, char *out, size_t size)
{
	snprintf(out, size, "%%%zuP %%.5a %%.10l %%.6D %%.6t %%N", part_width(parts, nparts));
}

void sinfo_node_format(const struct sinfo_part *parts, size_t nparts,
    const struct sinfo_node *nodes, size_t nnodes, char *out, size_t size)
{
	size_t wn = SINFO_MIN_FIELD;
	for (size_t i = 0; i < nnodes; i++)
		if (nodes[i].name != NULL && strlen(nodes[i].name) > wn)
			wn = strlen(nodes[i].name);
	if (wn > LISTFMT_WIDTH_MAX)
		wn = LISTFMT_WIDTH_MAX;
	snprintf(out, size, "%%%zuN %%.6D %%%zuP %%6t", wn, part_width(parts, nparts));
}

/* ---- the command: herdd's answers in, lines out ---- */

static char *dup_or_empty(const char *s)
{
	return xstrdup(s != NULL ? s : "");
}

static int each_part(void *arg, const struct msg *m)
{
	struct sinfo_data *d = arg;
	if (strcmp(m->type, "partition") != 0 || d->nparts >= SINFO_PARTS_MAX)
		return 0;
	struct sinfo_part *p = &d->part[d->nparts++];
	p->name = dup_or_empty(msg_get(m, "name", NULL));
	p->is_default = msg_geti(m, "default", 0) != 0;
	p->max_time = msg_geti(m, "max_time", 0);
	p->default_time = msg_geti(m, "default_time", 0);
	return 0;
}

/* GRES as sinfo shows it: "gpu:TYPE:N" where every GPU has one type. */
static void node_gres(const struct msg *m, char *buf, size_t size)
{
	char type[GPUTYPE_MAX + 1] = "", t[GPUTYPE_MAX + 1], model[256];
	const char *rec;
	size_t n = 0;
	int mixed = 0;
	while ((rec = msg_get_nth(m, "gpu", n, NULL)) != NULL) {
		/* "INDEX\tUUID\tNAME\t...": the model is the third field. */
		const char *p = strchr(rec, '\t');
		p = p != NULL ? strchr(p + 1, '\t') : NULL;
		snprintf(model, sizeof model, "%.*s", p != NULL ? (int)strcspn(p + 1, "\t") : 0,
		    p != NULL ? p + 1 : "");
		gputype_of(model, t, sizeof t);
		if (n == 0)
			snprintf(type, sizeof type, "%s", t);
		else if (strcmp(type, t) != 0)
			mixed = 1;
		n++;
	}
	if (n == 0)
		snprintf(buf, size, "(null)");
	else if (!mixed && type[0] != '\0')
		snprintf(buf, size, "gpu:%s:%zu", type, n);
	else
		snprintf(buf, size, "gpu:%zu", n);
}

static int each_node(void *arg, const struct msg *m)
{
	struct sinfo_data *d = arg;
	if (strcmp(m->type, "node") != 0 || d->nnodes >= SINFO_NODES_MAX)
		return 0;
	struct sinfo_node *n = &d->node[d->nnodes++];
	n->name = dup_or_empty(msg_get(m, "name", NULL));
	n->state = dup_or_empty(msg_get(m, "state", NULL));
	n->parts = dup_or_empty(msg_get(m, "partitions", NULL));
	n->cpus = msg_geti(m, "cpus", 0);
	n->mem_mb = msg_geti(m, "mem_mb", 0);
	node_gres(m, n->gres, sizeof n->gres);
	return 0;
}

void sinfo_unload(struct sinfo_data *d)
{
	for (size_t i = 0; i < d->nparts; i++)
		free((char *)d->part[i].name);
	for (size_t i = 0; i < d->nnodes; i++) {
		free((char *)d->node[i].name);
		free((char *)d->node[i].state);
		free((char *)d->node[i].parts);
	}
	free(d->node);
	memset(d, 0, sizeof *d);
}

int sinfo_load(struct sinfo_data *d)
{
	struct msg req;
	int rc;
	memset(d, 0, sizeof *d);
	d->node = xcalloc(SINFO_NODES_MAX, sizeof *d->node);
	msg_init(&req, "partitions");
	rc = cmd_stream(&req, each_part, d);
	msg_clear(&req);
	if (rc != 0)
		return rc;
	if (d->nparts == 0) {	/* no [partition]: every node in one, the default */
		d->part[0].name = xstrdup("all");
		d->part[0].is_default = 1;
		d->nparts = 1;
	}
	msg_init(&req, "nodes");
	rc = cmd_stream(&req, each_node, d);
	msg_clear(&req);
	return rc;
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

static const struct cmd_entry sinfo_entry = {
	"sinfo", "sinfo [-N] [-h] [-o FORMAT] [-p PARTITION[,...]] [-n NODES]",
	"herd's partitions and nodes as Slurm's sinfo prints them",
	"options:\n"
	"  -N, --Node                a line per node and partition\n"
	"  -h, --noheader            no header line\n"
	"  -o, --format FORMAT       sinfo's fields: %P %a %l %D %t %T %N %G %c %m\n"
	"                            (default \"" SINFO_DEFAULT_FORMAT "\")\n"
	"  -p, --partition LIST      these partitions only\n"
	"  -n, --nodes HOSTLIST      these nodes only (\"gpu[1-4]\")\n"
	"  -a, --all                 every partition (herd hides none)\n"
	"      --help                this help\n",
	cmd_sinfo
};

/* Slurm's sinfo options herd does not act on: refused by name. */
static int refused(int ch)
{
	static const struct { int ch; const char *name; } no[] = {
		{ 'l', "--long" }, { 's', "--summarize" }, { 't', "--states" },
		{ 'R', "--list-reasons" }, { 'e', "--exact" }, { 'r', "--responding" },
		{ 'd', "--dead" }, { 'O', "--Format" }, { 'i', "--iterate" }, { 'J', "--json" },
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (no[i].ch == ch) {
			fprintf(stderr, "sinfo: %s is not supported by herd (see herd nodes; "
			    "-o FORMAT chooses the fields)\n", no[i].name);
			return 1;
		}
	return 0;
}

int cmd_sinfo(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "Node", no_argument, NULL, 'N' }, { "noheader", no_argument, NULL, 'h' },
		{ "format", required_argument, NULL, 'o' }, { "partition", required_argument, NULL, 'p' },
		{ "nodes", required_argument, NULL, 'n' }, { "all", no_argument, NULL, 'a' },
		{ "long", no_argument, NULL, 'l' }, { "summarize", no_argument, NULL, 's' },
		{ "states", required_argument, NULL, 't' }, { "list-reasons", no_argument, NULL, 'R' },
		{ "exact", no_argument, NULL, 'e' }, { "responding", no_argument, NULL, 'r' },
		{ "dead", no_argument, NULL, 'd' }, { "Format", required_argument, NULL, 'O' },
		{ "iterate", required_argument, NULL, 'i' }, { "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION, { NULL, 0, NULL, 0 },
	};
	static struct listfmt fmt;
	static struct sinfo_data d;
	struct sinfo_query q = { &fmt, NULL, NULL, 0 };
	const char *spec = NULL;
	char err[HERD_ERRLEN], nfmt[64], line[LISTFMT_TEXT_MAX * 4];
	int ch, noheader = 0, rc;

	cmd_getopt_start();
	while ((ch = cmd_getopt(&sinfo_entry, argc, argv, "Nho:p:n:alst:RerdO:i:", lo)) != -1) {
		switch (ch) {
		case CMD_OPT_HELP: return 0;
		case 'N': q.by_node = 1; break;
		case 'h': noheader = 1; break;
		case 'o': spec = optarg; break;
		case 'p': q.parts = optarg; break;
		case 'n': q.nodes = optarg; break;
		case 'a': break;	/* herd has no hidden partition: all are listed */
		default: (void)refused(ch); return 1;	/* by name, or unknown: 1 */
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sinfo: unexpected argument \"%s\"\n", argv[optind]);
		return 1;
	}
	if (q.nodes != NULL && hostlist_check(q.nodes, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "sinfo: invalid node list \"%s\": %s\n", q.nodes, err);
		return 1;
	}
	if (spec != NULL &&
	    listfmt_parse_letters(spec, sinfo_cols, nsinfo_cols, &fmt, err, sizeof err) != 0) {
		fprintf(stderr, "sinfo: invalid -o \"%s\": %s\n", spec, err);
		return 1;
	}
	memset(&d, 0, sizeof d);
	if ((rc = sinfo_load(&d)) == 0) {
		if (spec == NULL) {	/* the defaults always parse */
			if (q.by_node)
				sinfo_node_format(d.part, d.nparts, d.node, d.nnodes, nfmt, sizeof nfmt);
			else
				sinfo_part_format(d.part, d.nparts, nfmt, sizeof nfmt);
			listfmt_parse_letters(nfmt, sinfo_cols, nsinfo_cols, &fmt, err, sizeof err);
		}
		if (!noheader) {
			sinfo_header(&fmt, line, sizeof line);
			printf("%s\n", line);
		}
		sinfo_lines(&q, d.part, d.nparts, d.node, d.nnodes, print_line, NULL);
	}
	sinfo_unload(&d);
	return rc;
}

/*
 * cmd_nodes.c — herd nodes: every node, then every GPU and who holds it.
 * A node that is DOWN, or was never probed, shows "-" for its resources:
 * "0/0" would say it has none.  States are herdd's, by Slurm's names
 * (nodestate.h); a drained node's reason is "TEXT [user@time]".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_nodes_entry = {
	"nodes", "nodes [--json]",
	"show nodes, then every GPU and which job holds it",
	"options:\n"
	"      --json                a JSON array of nodes\n"
	"  -h, --help                this help\n"
	"\ncolumns: NODE PARTITIONS (hosts.ini's [partition]s it is in) STATE CPUS MEMORY\n"
	"GPUS (each held by jobs/total; \"-\" when DOWN or never probed)\n"
	"LOAD (the node's 1-minute load average) ISOLATION DISK (free in the node's herd\n"
	"directory) REASON.  --json adds threads_per_core and load (1, 5, 15 minutes).\n"
	"ISOLATION: what confines a job there: cgroup2, systemd, cgroup1 or none; a\n"
	"node where logging out would kill jobs is named under the table, with the fix.\n"
	"STATE is Slurm's: IDLE, MIXED (some of it in use), ALLOCATED (all its CPUs or\n"
	"GPUs), DRAINING (drained, its jobs still run), DRAINED (none left), DOWN\n"
	"(unreachable for down_after), UNKNOWN (not reached yet); a \"*\" (IDLE*) says\n"
	"it does not answer now.  REASON says why and, drained by herd drain, who and\n"
	"when: \"TEXT [user@time]\"; herd drains a node itself when nvidia-smi fails\n"
	"or lost a GPU, or its disk is under min_free_disk, and resumes it when healthy.\n"
	"\nthen per GPU: NODE GPU (index) TYPE (model) MEMORY (used/total) UTIL TEMP and\n"
	"USE: free, \"job ID (USER)\", or who uses it outside herd (owner on the node,\n"
	"process, pid, memory, since the first probe that saw it), a row per process.\n"
	"Such a GPU is given to no job unless its node sets share_foreign = yes.\n"
	"A GPU --gpu-share jobs hold: a row per job, \"shared: job ID (USER) N MiB\n"
	"declared\"; in --json its \"shared_by\" list.\n",
	cmd_nodes
};

struct nctx {
	int json;
	size_t n;
	struct table *nodes, *gpus;
	char *warn;		/* isolation warnings, printed after the nodes */
	size_t nwarn;
};

/* "outside herd: bob python3 (pid 4242, 2048 MiB, since 2026-...)" */
static void outside_text(char *buf, size_t size, const struct gpu_proc_rec *p)
{
	char since[64], mem[32] = "? MiB", job[48] = "";
	fmt_time(since, sizeof since, p->since);
	if (p->mem_mb >= 0)
		snprintf(mem, sizeof mem, "%lld MiB", (long long)p->mem_mb);
	if (p->job > 0)
		snprintf(job, sizeof job, "job %lld's, not its GPU: ", (long long)p->job);
	snprintf(buf, size, "outside herd: %s%s %s (pid %d, %s, since %s)", job,
	    p->user[0] ? p->user : "unknown user", p->process[0] ? p->process : "?", p->pid,
	    mem, since);
}

/* A GPU --gpu-share jobs hold: a row per job, "shared: job 5 (alice) 10000
 * MiB declared"; 0 where none does. */
static int shared_rows(struct nctx *q, const struct msg *m, int gpu, const char **cells)
{
	const char *s;
	char use[256];
	int n = 0;
	for (size_t i = 0; (s = msg_get_nth(m, "gpu_share", i, NULL)) != NULL; i++) {
		struct gpu_share_rec r;
		gpu_share_rec_parse(s, &r);
		if (r.gpu != gpu)
			continue;
		if (n++ > 0)
			cells[0] = cells[1] = cells[2] = cells[3] = cells[4] = cells[5] = "";
		snprintf(use, sizeof use, "shared: job %lld (%s) %lld MiB declared",
		    (long long)r.job, r.user[0] ? r.user : "?", (long long)r.mem_mb);
		cells[6] = use;
		table_add(q->gpus, cells);
	}
	return n;
}

/* The GPU's first row says who uses it; each further process outside herd, a row. */
static void gpu_rows_one(struct nctx *q, const struct msg *m, const struct gpu_rec *r,
    const char **cells)
{
	const char *s;
	char use[512];
	size_t n = 0;
	int shared = shared_rows(q, m, r->index, cells);
	for (size_t i = 0; (s = msg_get_nth(m, "gpu_proc", i, NULL)) != NULL; i++) {
		struct gpu_proc_rec p;
		gpu_proc_rec_parse(s, &p);
		if (p.gpu != r->index)
			continue;
		outside_text(use, sizeof use, &p);
		if (n++ == 0 && r->job > 0 && !shared)	/* held, and someone else is on it too */
			table_add(q->gpus, cells);
		if (n > 1 || r->job > 0 || shared)
			cells[0] = cells[1] = cells[2] = cells[3] = cells[4] = cells[5] = "";
		cells[6] = use;
		table_add(q->gpus, cells);
	}
	if (n > 0 || shared)
		return;
	if (r->outside != 0 && r->job <= 0) {
		snprintf(use, sizeof use, "outside herd: %lld MiB in use, no process listed",
		    (long long)r->outside_mb);
		cells[6] = use;
	}
	table_add(q->gpus, cells);
}

static void gpu_rows(struct nctx *q, const struct msg *m)
{
	const char *g;
	for (size_t i = 0; (g = msg_get_nth(m, "gpu", i, NULL)) != NULL; i++) {
		struct gpu_rec r;
		char idx[16], mem[64], util[16] = "-", temp[16] = "-", job[128] = "free";
		gpu_rec_parse(g, &r);
		snprintf(idx, sizeof idx, "%d", r.index);
		snprintf(mem, sizeof mem, "%lld/%lld MiB", (long long)r.mem_used_mb,
		    (long long)r.mem_total_mb);
		if (r.util >= 0)
			snprintf(util, sizeof util, "%d%%", r.util);
		if (r.temp_c >= 0)
			snprintf(temp, sizeof temp, "%dC", r.temp_c);
		if (r.job > 0)
			snprintf(job, sizeof job, "job %lld (%s)", (long long)r.job,
			    r.user[0] ? r.user : "?");
		const char *cells[] = { msg_get(m, "name", NULL), idx, r.name, mem, util, temp,
		    job };
		gpu_rows_one(q, m, &r, cells);
	}
}

/* "warning: NODE: ..." lines, printed under the node table. */
static void note_warning(struct nctx *q, const struct msg *m)
{
	const char *w = msg_get(m, "isolation_warning", NULL);
	char line[600];
	if (w == NULL || *w == '\0')
		return;
	snprintf(line, sizeof line, "warning: %s: %s\n", msg_get(m, "name", NULL), w);
	size_t n = strlen(line);
	q->warn = xrealloc(q->warn, q->nwarn + n + 1);
	memcpy(q->warn + q->nwarn, line, n + 1);
	q->nwarn += n;
}

static int each(void *arg, const struct msg *m)
{
	struct nctx *q = arg;
	if (q->json) {
		fputs(q->n++ ? ",\n" : "[\n", stdout);
		json_node(stdout, m);
		return 0;
	}
	char cpus[32], mem[64], gpus[32], disk[32] = "-", load[32] = "-";
	size_t ng = 0, nused = 0;
	const char *g;
	for (; (g = msg_get_nth(m, "gpu", ng, NULL)) != NULL; ng++) {
		struct gpu_rec r;
		gpu_rec_parse(g, &r);
		nused += r.job > 0;
	}
	const char *st = msg_get(m, "state", NULL);
	if ((st != NULL && strncmp(st, "DOWN", 4) == 0) || msg_geti(m, "cpus", 0) <= 0) {
		strlcpy_h(cpus, "-", sizeof cpus);
		strlcpy_h(mem, "-", sizeof mem);
		strlcpy_h(gpus, "-", sizeof gpus);
	} else {
		snprintf(cpus, sizeof cpus, "%" PRId64 "/%" PRId64, msg_geti(m, "cpus_used", 0),
		    msg_geti(m, "cpus", 0));
		snprintf(mem, sizeof mem, "%" PRId64 "/%" PRId64 "M",
		    msg_geti(m, "mem_used_mb", 0), msg_geti(m, "mem_mb", 0));
		snprintf(gpus, sizeof gpus, "%zu/%zu", nused, ng);
	}
	int64_t l1 = msg_geti(m, "load1", -1);
	if (l1 >= 0 && (st == NULL || strncmp(st, "DOWN", 4) != 0))
		snprintf(load, sizeof load, "%" PRId64 ".%02" PRId64, l1 / 100, l1 % 100);
	int64_t dmb = msg_geti(m, "disk_free_mb", -1);
	if (dmb >= 0)
		snprintf(disk, sizeof disk, "%" PRId64 "M", dmb);
	const char *parts = msg_get(m, "partitions", NULL);
	parts = parts != NULL ? parts : "";
	const char *cells[] = { msg_get(m, "name", NULL), *parts ? parts : "-",
	    msg_get(m, "state", NULL), cpus, mem, gpus, load, msg_get(m, "isolation", NULL), disk,
	    msg_get(m, "reason", NULL) };
	table_add(q->nodes, cells);
	note_warning(q, m);
	gpu_rows(q, m);
	q->n++;
	return 0;
}

int cmd_nodes(int argc, char **argv)
{
	static const char *nh[] = { "NODE", "PARTITIONS", "STATE", "CPUS", "MEMORY", "GPUS",
	    "LOAD", "ISOLATION", "DISK", "REASON" };
	static const char *gh[] = { "NODE", "GPU", "TYPE", "MEMORY", "UTIL", "TEMP", "USE" };
	struct nctx q = { 0 };
	struct msg req;

	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&cmd_nodes_entry, argc, argv, "h", lo)) != -1) {
		if (ch == 'h')
			cmd_help(&cmd_nodes_entry, stdout);
		if (ch == 'h' || ch == CMD_OPT_HELP)
			return 0;
		if (ch != 'J')
			return 2;
		q.json = 1;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_nodes_entry, "unexpected argument \"%s\"", argv[optind]);
	msg_init(&req, "nodes");
	if (!q.json) {
		q.nodes = table_new(10, nh);
		q.gpus = table_new(7, gh);
	}
	int rc = cmd_stream(&req, each, &q);
	msg_clear(&req);
	if (q.json) {
		if (q.n > 0)
			fputs("\n]\n", stdout);
		else if (rc == 0)
			fputs("[]\n", stdout);
		return rc;
	}
	if (rc == 0) {
		table_print(q.nodes, stdout);
		if (q.warn != NULL)
			fputs(q.warn, stdout);
		if (table_rows(q.gpus) > 0) {	/* a cluster without GPUs: no empty table */
			putchar('\n');
			table_print(q.gpus, stdout);
		}
	}
	free(q.warn);
	table_free(q.nodes);
	table_free(q.gpus);
	return rc;
}

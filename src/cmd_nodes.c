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
	"GPUS (used/total; \"-\" when DOWN or never probed) CGROUP DISK (free in the\n"
	"node's herd directory) REASON\n"
	"STATE is Slurm's: IDLE, MIXED (some of it in use), ALLOCATED (all its CPUs or\n"
	"GPUs), DRAINING (drained, its jobs still run), DRAINED (none left), DOWN\n"
	"(unreachable for down_after), UNKNOWN (not reached yet); a \"*\" (IDLE*) says\n"
	"it does not answer now.  REASON says why and, drained by herd drain, who and\n"
	"when: \"TEXT [user@time]\"; herd drains a node itself when nvidia-smi fails\n"
	"or lost a GPU, or its disk is under min_free_disk, and resumes it when healthy.\n",
	cmd_nodes
};

struct nctx {
	int json;
	size_t n;
	struct table *nodes, *gpus;
};

static void gpu_rows(struct nctx *q, const struct msg *m)
{
	const char *g;
	for (size_t i = 0; (g = msg_get_nth(m, "gpu", i, NULL)) != NULL; i++) {
		struct gpu_rec r;
		char idx[16], mem[64], util[16] = "-", job[32] = "free";
		gpu_rec_parse(g, &r);
		snprintf(idx, sizeof idx, "%d", r.index);
		snprintf(mem, sizeof mem, "%lld/%lld MiB", (long long)r.mem_used_mb,
		    (long long)r.mem_total_mb);
		if (r.util >= 0)
			snprintf(util, sizeof util, "%d%%", r.util);
		if (r.job > 0)
			snprintf(job, sizeof job, "%lld", (long long)r.job);
		const char *cells[] = { msg_get(m, "name", NULL), idx, r.name, mem, util, job };
		table_add(q->gpus, cells);
	}
}

static int each(void *arg, const struct msg *m)
{
	struct nctx *q = arg;
	if (q->json) {
		fputs(q->n++ ? ",\n" : "[\n", stdout);
		json_node(stdout, m);
		return 0;
	}
	char cpus[32], mem[64], gpus[32], disk[32] = "-";
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
	int64_t dmb = msg_geti(m, "disk_free_mb", -1);
	if (dmb >= 0)
		snprintf(disk, sizeof disk, "%" PRId64 "M", dmb);
	const char *parts = msg_get(m, "partitions", NULL);
	parts = parts != NULL ? parts : "";
	const char *cells[] = { msg_get(m, "name", NULL), *parts ? parts : "-",
	    msg_get(m, "state", NULL), cpus, mem, gpus, msg_get(m, "cgroup", NULL), disk,
	    msg_get(m, "reason", NULL) };
	table_add(q->nodes, cells);
	gpu_rows(q, m);
	q->n++;
	return 0;
}

int cmd_nodes(int argc, char **argv)
{
	static const char *nh[] = { "NODE", "PARTITIONS", "STATE", "CPUS", "MEMORY", "GPUS",
	    "CGROUP", "DISK", "REASON" };
	static const char *gh[] = { "NODE", "GPU", "NAME", "MEMORY", "UTIL", "JOB" };
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
		q.nodes = table_new(9, nh);
		q.gpus = table_new(6, gh);
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
		if (table_rows(q.gpus) > 0) {	/* a cluster without GPUs: no empty table */
			putchar('\n');
			table_print(q.gpus, stdout);
		}
	}
	table_free(q.nodes);
	table_free(q.gpus);
	return rc;
}

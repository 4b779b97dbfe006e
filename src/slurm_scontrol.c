/*
 * slurm_scontrol.c — herd under Slurm's name scontrol (a link to herd; see
 * slurmname.c): `show job [ID]`, `show node [NAME]`, `show partition
 * [NAME]` in Slurm's key=value layout (-o: one line each), and `hold`,
 * `release`, `requeue` and `update JobId=N KEY=VALUE...` run as herd's
 * hold, release, requeue and update.
 *
 * Theory of operation: a record is a list of Key=Value pairs, some of
 * which start a new, indented line, as scontrol prints them; the lists
 * are made from herdd's frames by pure functions (scontrol_job_kv,
 * scontrol_node_kv) and laid out by scontrol_layout, so `scontrol show job
 * ID | grep JobState` finds what it finds under Slurm.  Only keys herd
 * knows are printed (no GroupId, Priority or Command: herdd's frames carry
 * none).  update's keys are herd update's, which already reads scontrol's
 * names; any other key is refused here by name, with scontrol's words and
 * status 1, before anything is sent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "hostlist.h"
#include "cmd.h"
#include "job.h"
#include "proto.h"
#include "slurm_scontrol.h"
#include "slurm_sinfo.h"
#include "util.h"

size_t scontrol_layout(const struct scontrol_kv *kv, size_t n, int oneliner, char *dst,
    size_t size)
{
	size_t used = 0;
	char vis[2 * SCONTROL_BUF];
	if (size == 0)
		return 0;
	dst[0] = '\0';
	for (size_t i = 0; i < n && used + 1 < size; i++) {
		const char *sep = i == 0 ? "" : kv[i].brk && !oneliner ? "\n   " : " ";
		str_vis(vis, sizeof vis, kv[i].value != NULL ? kv[i].value : "(null)");
		int w = snprintf(dst + used, size - used, "%s%s=%s", sep, kv[i].key, vis);
		if (w < 0)
			break;
		used += (size_t)w < size - used ? (size_t)w : size - used - 1;
	}
	return used;
}

/* Builders: the next value in bufs[*k], or a constant. */
struct kvb {
	struct scontrol_kv *kv;
	char (*bufs)[SCONTROL_BUF];
	size_t n;
};

static char *slot(struct kvb *b)
{
	return b->bufs[b->n];
}

static void add(struct kvb *b, int brk, const char *key, const char *value)
{
	if (b->n >= SCONTROL_KV_MAX)
		return;
	b->kv[b->n].key = key;
	b->kv[b->n].value = value;
	b->kv[b->n].brk = brk;
	b->n++;
}

static void addf_num(struct kvb *b, int brk, const char *key, int64_t v)
{
	if (b->n < SCONTROL_KV_MAX)
		snprintf(slot(b), SCONTROL_BUF, "%" PRId64, v);
	add(b, brk, key, b->n < SCONTROL_KV_MAX ? slot(b) : "");
}

static void add_str(struct kvb *b, int brk, const char *key, const struct msg *m, const char *fk,
    const char *def)
{
	const char *v = msg_get(m, fk, NULL);
	add(b, brk, key, v != NULL && v[0] != '\0' ? v : def);
}

static void add_time(struct kvb *b, int brk, const char *key, int64_t t)
{
	if (b->n < SCONTROL_KV_MAX) {
		if (t > 0)
			fmt_time(slot(b), SCONTROL_BUF, t);
		else
			snprintf(slot(b), SCONTROL_BUF, "Unknown");
	}
	add(b, brk, key, b->n < SCONTROL_KV_MAX ? slot(b) : "");
}

static void add_secs(struct kvb *b, int brk, const char *key, int64_t s, const char *none)
{
	if (b->n < SCONTROL_KV_MAX) {
		if (s > 0 || none == NULL)
			fmt_dhms(slot(b), SCONTROL_BUF, s > 0 ? s : 0);
		else
			snprintf(slot(b), SCONTROL_BUF, "%s", none);
	}
	add(b, brk, key, b->n < SCONTROL_KV_MAX ? slot(b) : "");
}

size_t scontrol_job_kv(const struct msg *m, int64_t now, struct scontrol_kv *kv,
    char bufs[][SCONTROL_BUF])
{
	struct kvb b = { kv, bufs, 0 };
	int64_t start = msg_geti(m, "start_time", 0), end = msg_geti(m, "end_time", 0);
	int64_t g = msg_geti(m, "ngpus", 0), aid = msg_geti(m, "array_job_id", -1);

	addf_num(&b, 0, "JobId", msg_geti(m, "id", 0));
	add_str(&b, 0, "JobName", m, "name", "(null)");
	if (aid > 0) {
		addf_num(&b, 1, "ArrayJobId", aid);
		if (msg_geti(m, "array_task_id", -1) >= 0)
			addf_num(&b, 0, "ArrayTaskId", msg_geti(m, "array_task_id", 0));
		else
			add_str(&b, 0, "ArrayTaskId", m, "array_tasks", "(null)");
	}
	snprintf(slot(&b), SCONTROL_BUF, "%s(%" PRId64 ")", msg_get(m, "user", NULL) != NULL ?
	    msg_get(m, "user", NULL) : "", msg_geti(m, "uid", -1));
	add(&b, 1, "UserId", slot(&b));
	add_str(&b, 0, "Account", m, "account", "(null)");
	add_str(&b, 0, "QOS", m, "qos", "(null)");
	add_str(&b, 1, "JobState", m, "state", "UNKNOWN");
	add_str(&b, 0, "Reason", m, "reason", "None");
	add_str(&b, 0, "Dependency", m, "dependency", "(null)");
	if (msg_geti(m, "exit_code", -1) >= 0)
		job_exit_format((int32_t)msg_geti(m, "exit_code", 0), slot(&b), SCONTROL_BUF);
	else
		snprintf(slot(&b), SCONTROL_BUF, "0:0");
	add(&b, 1, "ExitCode", slot(&b));
	addf_num(&b, 0, "Restarts", msg_geti(m, "attempt", 1) - 1);
	add_secs(&b, 1, "RunTime", start > 0 ? (end > start ? end : now) - start : 0, NULL);
	add_secs(&b, 0, "TimeLimit", msg_geti(m, "time_limit", 0), "UNLIMITED");
	add_time(&b, 1, "SubmitTime", msg_geti(m, "submit_time", 0));
	add_time(&b, 1, "StartTime", start);
	add_time(&b, 0, "EndTime", end);
	add_str(&b, 1, "Partition", m, "partition", "(null)");
	add_str(&b, 1, "ReqNodeList", m, "nodelist", "(null)");
	add_str(&b, 0, "ExcNodeList", m, "exclude", "(null)");
	add_str(&b, 1, "NodeList", m, "node", "(null)");
	add(&b, 1, "NumNodes", "1");
	addf_num(&b, 0, "NumCPUs", msg_geti(m, "cpus", 1));
	snprintf(slot(&b), SCONTROL_BUF, "cpu=%" PRId64 ",mem=%" PRId64 "M,node=1", msg_geti(m,
	    "cpus", 1), msg_geti(m, "mem_mb", 0));
	if (g > 0)
		snprintf(slot(&b) + strlen(slot(&b)), SCONTROL_BUF - strlen(slot(&b)),
		    ",gres/gpu=%" PRId64, g);
	add(&b, 1, "TRES", slot(&b));
	add_str(&b, 1, "Features", m, "constraint", "(null)");
	add_str(&b, 1, "WorkDir", m, "workdir", "(null)");
	add_str(&b, 1, "Comment", m, "comment", "(null)");
	/* herd show's answer has the paths made from the templates. */
	add_str(&b, 1, "StdErr", m, msg_get(m, "stderr", NULL) ? "stderr" : "err_tmpl", "(null)");
	add_str(&b, 1, "StdOut", m, msg_get(m, "stdout", NULL) ? "stdout" : "out_tmpl", "(null)");
	if (msg_get(m, "command", NULL) != NULL)
		add_str(&b, 1, "Command", m, "command", "(null)");
	if (g > 0) {
		snprintf(slot(&b), SCONTROL_BUF, "gres:gpu:%" PRId64, g);
		add(&b, 1, "TresPerNode", slot(&b));
	}
	return b.n;
}

size_t scontrol_node_kv(const struct msg *m, struct scontrol_kv *kv, char bufs[][SCONTROL_BUF])
{
	struct kvb b = { kv, bufs, 0 };
	size_t ngpus = 0;
	while (msg_get_nth(m, "gpu", ngpus, NULL) != NULL)
		ngpus++;
	add_str(&b, 0, "NodeName", m, "name", "(null)");
	addf_num(&b, 1, "CPUAlloc", msg_geti(m, "cpus_used", 0));
	addf_num(&b, 0, "CPUTot", msg_geti(m, "cpus", 0));
	if (msg_geti(m, "load1", -1) >= 0)
		snprintf(slot(&b), SCONTROL_BUF, "%.2f", (double)msg_geti(m, "load1", 0) / 100.0);
	else
		snprintf(slot(&b), SCONTROL_BUF, "N/A");
	add(&b, 0, "CPULoad", slot(&b));
	if (ngpus > 0)
		snprintf(slot(&b), SCONTROL_BUF, "gpu:%zu", ngpus);
	else
		snprintf(slot(&b), SCONTROL_BUF, "(null)");
	add(&b, 1, "Gres", slot(&b));
	add_str(&b, 1, "NodeAddr", m, "host", "(null)");
	add_str(&b, 0, "NodeHostName", m, "hostname", "(null)");
	addf_num(&b, 1, "RealMemory", msg_geti(m, "mem_mb", 0));
	addf_num(&b, 0, "AllocMem", msg_geti(m, "mem_used_mb", 0));
	add_str(&b, 1, "State", m, "state", "UNKNOWN");
	addf_num(&b, 0, "ThreadsPerCore", msg_geti(m, "threads_per_core", 0));
	add_str(&b, 1, "Partitions", m, "partitions", "(null)");
	add_str(&b, 1, "Reason", m, "reason", "(null)");
	return b.n;
}

int scontrol_word(const char *w, const char *cmd, size_t min)
{
	size_t n = w != NULL ? strlen(w) : 0;
	return n >= min && n <= strlen(cmd) && strncasecmp(w, cmd, n) == 0;
}

/* ---- the command ---- */

#define SCONTROL_ARGS_MAX 1024	/* update's words: each key once, so never near it */

struct show_ctx {
	int oneliner;
	const char *name;	/* show node NAME; NULL every node */
	size_t shown;
	int64_t now;
};

static void print_record(const struct scontrol_kv *kv, size_t n, int oneliner)
{
	static char text[SCONTROL_KV_MAX * (2 * SCONTROL_BUF + 40)];
	scontrol_layout(kv, n, oneliner, text, sizeof text);
	printf("%s\n%s", text, oneliner ? "" : "\n");
}

static int each_job(void *arg, const struct msg *m)
{
	struct show_ctx *x = arg;
	static char bufs[SCONTROL_KV_MAX][SCONTROL_BUF];
	struct scontrol_kv kv[SCONTROL_KV_MAX];
	if (strcmp(m->type, "job") != 0)
		return 0;
	print_record(kv, scontrol_job_kv(m, x->now, kv, bufs), x->oneliner);
	x->shown++;
	return 0;
}

static int each_node(void *arg, const struct msg *m)
{
	struct show_ctx *x = arg;
	static char bufs[SCONTROL_KV_MAX][SCONTROL_BUF];
	struct scontrol_kv kv[SCONTROL_KV_MAX];
	const char *name = msg_get(m, "name", NULL);
	if (strcmp(m->type, "node") != 0 || (x->name != NULL && (name == NULL ||
	    strcmp(name, x->name) != 0)))
		return 0;
	print_record(kv, scontrol_node_kv(m, kv, bufs), x->oneliner);
	x->shown++;
	return 0;
}

static int show_job(const char *id, int oneliner)
{
	struct show_ctx x = { oneliner, NULL, 0, wall_s() };
	struct msg req;
	int rc;
	if (id == NULL) {	/* every job herd has queued */
		msg_init(&req, "queue");
		msg_addi(&req, "mine", 0);
	} else {
		long long n = strchr(id, '_') != NULL ? 0 : cmd_job_id(id);
		if (n < 0)
			return 1;
		msg_init(&req, "show");
		if (n == 0)
			msg_adds(&req, "ref", id);	/* "123_7": a task of an array */
		else
			msg_addi(&req, "id", n);
	}
	rc = cmd_stream(&req, each_job, &x);
	msg_clear(&req);
	if (rc == 0 && x.shown == 0)
		printf("No jobs in the system\n");
	return rc != 0;
}

static int show_node(const char *name, int oneliner)
{
	struct show_ctx x = { oneliner, name, 0, 0 };
	struct msg req;
	msg_init(&req, "nodes");
	int rc = cmd_stream(&req, each_node, &x);
	msg_clear(&req);
	if (rc == 0 && name != NULL && x.shown == 0) {
		char vis[128];
		str_vis(vis, sizeof vis, name);
		fprintf(stderr, "Node %s not found\n", vis);
		return 1;
	}
	return rc != 0;
}

/* One partition: its settings and the nodes in it. */
static void print_part(const struct sinfo_data *d, const struct sinfo_part *p, int oneliner)
{
	static const char *names[SINFO_NODES_MAX];
	char nodes[HOSTLIST_TEXT_MAX], maxt[32], deft[32], cpus[32], count[32];
	size_t k = 0;
	int64_t tot = 0;
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct sinfo_node *n = &d->node[i];
		const char *one[] = { p->name };
		if (n->parts[0] != '\0' && !csv_has_any(n->parts, one, 1))
			continue;
		names[k++] = n->name;
		tot += n->cpus;
	}
	if (hostlist_compress(names, k, nodes, sizeof nodes) < 0 && nodes[0] == '\0')
		snprintf(nodes, sizeof nodes, "...");
	sinfo_time(p->max_time, maxt, sizeof maxt);
	if (strcmp(maxt, "infinite") == 0)
		snprintf(maxt, sizeof maxt, "UNLIMITED");
	if (p->default_time > 0)
		sinfo_time(p->default_time, deft, sizeof deft);
	else
		snprintf(deft, sizeof deft, "NONE");
	snprintf(cpus, sizeof cpus, "%" PRId64, tot);
	snprintf(count, sizeof count, "%zu", k);
	const struct scontrol_kv kv[] = {
		{ "PartitionName", p->name, 0 }, { "Default", p->is_default ? "YES" : "NO", 1 },
		{ "MaxTime", maxt, 1 }, { "DefaultTime", deft, 0 },
		{ "Nodes", k > 0 ? nodes : "(null)", 1 }, { "State", "UP", 1 },
		{ "TotalCPUs", cpus, 0 }, { "TotalNodes", count, 0 },
	};
	print_record(kv, sizeof kv / sizeof kv[0], oneliner);
}

static int show_partition(const char *name, int oneliner)
{
	static struct sinfo_data d;
	size_t shown = 0;
	int rc = sinfo_load(&d);
	for (size_t i = 0; rc == 0 && i < d.nparts; i++)
		if (name == NULL || strcmp(name, d.part[i].name) == 0) {
			print_part(&d, &d.part[i], oneliner);
			shown++;
		}
	sinfo_unload(&d);
	if (rc == 0 && name != NULL && shown == 0) {
		char vis[128];
		str_vis(vis, sizeof vis, name);
		fprintf(stderr, "Partition %s not found\n", vis);
		return 1;
	}
	return rc != 0;
}

static int show(int argc, char **argv, int oneliner)
{
	const char *what = argc > 0 ? argv[0] : "", *name = argc > 1 ? argv[1] : NULL;
	char vis[128];
	if (argc > 2) {
		fprintf(stderr, "scontrol: one %s at a time\n", what);
		return 1;
	}
	if (scontrol_word(what, "jobs", 3))
		return show_job(name, oneliner);
	if (scontrol_word(what, "nodes", 4))
		return show_node(name, oneliner);
	if (scontrol_word(what, "partitions", 4))
		return show_partition(name, oneliner);
	str_vis(vis, sizeof vis, what);
	fprintf(stderr, "scontrol: show %s is not supported by herd (show job, node, partition)\n",
	    argc > 0 ? vis : "needs an entity:");
	return 1;
}

/* hold, release, requeue: herd's command of that name on the same ids. */
static int ids_command(int (*fn)(int, char **), const char *cmd, int argc, char **argv)
{
	static char name[16];
	int n = 0;
	if (argc < 1) {
		fprintf(stderr, "scontrol: %s needs a job id\n", cmd);
		return 1;
	}
	/* every word: a list of any length is Slurm's, none left out */
	char **args = xcalloc((size_t)argc + 2, sizeof *args);
	snprintf(name, sizeof name, "%s", cmd);
	args[n++] = name;
	for (int i = 0; i < argc; i++) {
		/* "jobid=12" as scontrol takes it too */
		const char *eq = strncasecmp(argv[i], "jobid=", 6) == 0 ? argv[i] + 6 : argv[i];
		args[n++] = (char *)eq;
	}
	args[n] = NULL;
	int rc = fn(n, args) != 0;
	free(args);
	return rc;
}

/* update JobId=N KEY=VALUE...: herd update N KEY=VALUE..., every key
 * checked first. */
static int update(int argc, char **argv)
{
	static char *args[SCONTROL_ARGS_MAX + 3];
	static char upd[] = "update";
	const char *id = NULL;
	char key[64], vis[256];
	int n = 2;
	args[0] = upd;
	for (int i = 0; i < argc && n <= SCONTROL_ARGS_MAX; i++) {
		size_t kl = strcspn(argv[i], "=");
		snprintf(key, sizeof key, "%.*s", (int)(kl < sizeof key ? kl : sizeof key - 1), argv[i]);
		str_vis(vis, sizeof vis, argv[i]);
		if (strcasecmp(key, "JobId") == 0 && argv[i][kl] == '=') {
			id = argv[i] + kl + 1;
			continue;
		}
		if (strcasecmp(key, "NodeName") == 0 || strcasecmp(key, "PartitionName") == 0) {
			fprintf(stderr, "scontrol: herd updates jobs only (JobId=N): not %s\n", vis);
			return 1;
		}
		if (argv[i][kl] != '=' || !update_key_known(key)) {
			fprintf(stderr, "Update of this parameter is not supported: %s\n", vis);
			fprintf(stderr, "Request aborted\n");
			return 1;
		}
		args[n++] = argv[i];
	}
	if (id == NULL) {
		fprintf(stderr, "No job identification provided\n");
		return 1;
	}
	args[1] = (char *)id;
	args[n] = NULL;
	return cmd_update(n, args) != 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: scontrol [-o] COMMAND\n"
	    "  show job [ID], show node [NAME], show partition [NAME]: Slurm's Key=Value\n"
	    "      records (-o, --oneliner: one line each)\n"
	    "  hold ID..., release ID..., requeue ID...: as herd hold, release, requeue\n"
	    "  update JobId=ID KEY=VALUE...: as herd update (herd help update: the keys)\n");
}

int cmd_scontrol(int argc, char **argv)
{
	int oneliner = 0, i = 1;
	char vis[128];
	/* scontrol's options come before its command; its words after are not options. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--oneliner") == 0)
			oneliner = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else {
			str_vis(vis, sizeof vis, argv[i]);
			if (argv[i][1] == '-')
				fprintf(stderr, "scontrol: unrecognized option '%s'\n", vis);
			else
				fprintf(stderr, "scontrol: invalid option -- '%s'\n", vis + 1);
			fprintf(stderr, "Try \"scontrol --help\" for more information\n");
			return 1;	/* Slurm's scontrol.c: exit(1) */
		}
	}
	if (i == argc) {
		fprintf(stderr, "scontrol: herd has no interactive scontrol: give a command\n");
		usage(stderr);
		return 1;
	}
	const char *cmd = argv[i++];
	int rest = argc - i;
	char **rargv = argv + i;
	if (scontrol_word(cmd, "show", 3))
		return show(rest, rargv, oneliner);
	if (scontrol_word(cmd, "hold", 4))
		return ids_command(cmd_hold, "hold", rest, rargv);
	if (scontrol_word(cmd, "release", 3))
		return ids_command(cmd_release, "release", rest, rargv);
	if (scontrol_word(cmd, "requeue", 3))
		return ids_command(cmd_requeue, "requeue", rest, rargv);
	if (scontrol_word(cmd, "update", 2))
		return update(rest, rargv);
	str_vis(vis, sizeof vis, cmd);
	fprintf(stderr, "invalid keyword: %s\n", vis);
	return 1;
}

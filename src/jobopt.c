/*
 * jobopt.c — the one table of submission options.
 *
 * Theory of operation: every option, herd's and Slurm's, is a row of
 * opttab[] that says whether it takes a value and what herd does with it:
 *
 *   acted on   a handler checks the value and stores it;
 *   no-op      accepted silently: it asks for what herd does anyway
 *              (--contiguous on a one-node job, ...);
 *   warned     accepted with a warning: herd does not act on it, and that
 *              changes nothing about where, when, whether or with what
 *              resources the job runs (--wckey, --profile, ...);
 *   refused    an error: herd does not act on it, and running the job
 *              anyway would run it other than asked (--constraint,
 *              --reservation, --priority, ...).  The row says what herd would
 *              do wrong, so the user knows why and can decide.
 *
 * A handler may refuse some values of an option it otherwise acts on
 * (--nodes=2, typed GPUs, --open-mode=append).  Slurm's old spellings are
 * rows of aliases[], and a long name may be abbreviated to any unambiguous
 * prefix, as sbatch's getopt_long allows; jobopt_resolve() does that once
 * for the command line and the directives.  Anything else is an error, as
 * it is for sbatch.
 *
 * A handler parses into locals and stores only a valid value, so a failed
 * option leaves the struct as it was.  With keep_set the value is still
 * checked (a bad option is an error even when the command line overrides
 * it, as with sbatch) but not stored.
 *
 * Sizes and durations are parsed with integer arithmetic only, fractions
 * included, so results are exact and overflow is caught before it happens.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arrayspec.h"
#include "begintime.h"
#include "depend.h"
#include "eligible.h"
#include "jobopt.h"
#include "jobopt_place.h"
#include "mailtype.h"
#include "sigspec.h"
#include "util.h"

#define CPUS_MAX	4096
#define MEM_MAX_MB	(64ULL * 1024 * 1024)		/* 64 TiB */
#define MEM_MAX_KIB	(MEM_MAX_MB * 1024)
#define TIME_MAX_S	(365LL * 86400)
#define NUM_DIGITS_MAX	9	/* keeps every field far from overflow */
#define VIS_MAX		80	/* how much of a bad value a message quotes */
#define VIS_REFUSED	48	/* ... and of a refused option's value */

enum { ARG_NONE, ARG_REQ, ARG_OPT };
enum { K_ACT, K_NOOP, K_WARN, K_REFUSE };

/*
 * Store `v` unless `keep`; 0 ok, -1 with the reason in why (no prefix),
 * -2 refused, with the whole reason in why ("GPU types are not ...").
 */
typedef int (*opt_fn)(struct jobopt *, const char *v, int keep,
    char *why, size_t whysz);

struct optdef {
	const char *name;	/* long name, also used in every message */
	char short_name;	/* 0: none */
	int arg;		/* ARG_* */
	int kind;		/* K_* */
	unsigned field;		/* JO_* bit set by fn, or 0 */
	opt_fn fn;		/* K_ACT only */
	const char *why;	/* K_WARN, K_REFUSE: what herd does instead */
	unsigned field2;	/* JO2_* bit set by fn, or 0 */
};

static int set_gpus(struct jobopt *, const char *, int, char *, size_t);
static int set_gres(struct jobopt *, const char *, int, char *, size_t);
static int set_cpus(struct jobopt *, const char *, int, char *, size_t);
static int set_ntasks(struct jobopt *, const char *, int, char *, size_t);
static int set_ntpn(struct jobopt *, const char *, int, char *, size_t);
static int set_nodes(struct jobopt *, const char *, int, char *, size_t);
static int set_open_mode(struct jobopt *, const char *, int, char *, size_t);
static int set_mem(struct jobopt *, const char *, int, char *, size_t);
static int set_hint(struct jobopt *, const char *, int, char *, size_t);
static int set_time(struct jobopt *, const char *, int, char *, size_t);
static int set_name(struct jobopt *, const char *, int, char *, size_t);
static int set_out(struct jobopt *, const char *, int, char *, size_t);
static int set_err(struct jobopt *, const char *, int, char *, size_t);
static int set_chdir(struct jobopt *, const char *, int, char *, size_t);
static int set_test_only(struct jobopt *, const char *, int, char *, size_t);
static int set_wait(struct jobopt *, const char *, int, char *, size_t);
static int set_array(struct jobopt *, const char *, int, char *, size_t);
static int set_requeue(struct jobopt *, const char *, int, char *, size_t);
static int set_no_requeue(struct jobopt *, const char *, int, char *, size_t);
static int set_begin(struct jobopt *, const char *, int, char *, size_t);
static int set_dependency(struct jobopt *, const char *, int, char *, size_t);
static int set_hold(struct jobopt *, const char *, int, char *, size_t);
static int set_nice(struct jobopt *, const char *, int, char *, size_t);
static int set_signal(struct jobopt *, const char *, int, char *, size_t);
static int set_comment(struct jobopt *, const char *, int, char *, size_t);
static int set_mail_type(struct jobopt *, const char *, int, char *, size_t);
static int set_mail_user(struct jobopt *, const char *, int, char *, size_t);
static int set_account(struct jobopt *, const char *, int, char *, size_t);
static int set_exclusive(struct jobopt *, const char *, int, char *, size_t);
static int set_oversubscribe(struct jobopt *, const char *, int, char *,
    size_t);
static int set_clusters(struct jobopt *, const char *, int, char *, size_t);
static int set_partition(struct jobopt *, const char *, int, char *, size_t);
static int set_qos(struct jobopt *, const char *, int, char *, size_t);

#define ACT(n, s, a, f, fn)	{ n, s, a, K_ACT, f, fn, NULL, 0 }
#define ACT2(n, s, a, f2, fn)	{ n, s, a, K_ACT, 0, fn, NULL, f2 }
#define NOOP(n, s, a, w)	{ n, s, a, K_NOOP, 0, NULL, w, 0 }
#define WARN(n, s, a, w)	{ n, s, a, K_WARN, 0, NULL, w, 0 }
#define REFUSE(n, s, a, w)	{ n, s, a, K_REFUSE, 0, NULL, w, 0 }

static const char no_layout[] = "herd would not lay out the job's tasks "
    "as asked";
static const char no_hw[] = "herd would run the job on a node whatever "
    "its sockets, cores and threads";

static const struct optdef opttab[] = {
	/* Acted on.  A herd job runs its script once, on one node, with
	 * ntasks × cpus-per-task CPUs, as an sbatch job on one node does. */
	ACT("gpus", 'G', ARG_REQ, JO_GPUS, set_gpus),
	ACT("gpus-per-node", 0, ARG_REQ, JO_GPUS, set_gpus),
	ACT("gres", 0, ARG_REQ, JO_GPUS, set_gres),
	ACT("cpus", 0, ARG_REQ, JO_CPUS, set_cpus),
	ACT("cpus-per-task", 'c', ARG_REQ, JO_CPUS, set_cpus),
	ACT("ntasks", 'n', ARG_REQ, JO_NTASKS, set_ntasks),
	ACT("ntasks-per-node", 0, ARG_REQ, JO_NTPN, set_ntpn),
	ACT("nodes", 'N', ARG_REQ, 0, set_nodes),
	ACT("mem", 0, ARG_REQ, JO_MEM, set_mem),
	ACT("time", 't', ARG_REQ, JO_TIME, set_time),
	ACT("job-name", 'J', ARG_REQ, JO_NAME, set_name),
	ACT("output", 'o', ARG_REQ, JO_OUT, set_out),
	ACT("error", 'e', ARG_REQ, JO_ERR, set_err),
	ACT("chdir", 'D', ARG_REQ, JO_CHDIR, set_chdir),
	ACT("open-mode", 0, ARG_REQ, 0, set_open_mode),	/* truncate */
	ACT("array", 'a', ARG_REQ, JO_ARRAY, set_array),
	/* How herd submit behaves (cmd_submit.c acts on them). */
	ACT("test-only", 0, ARG_NONE, JO_TEST_ONLY, set_test_only),
	ACT("wait", 'W', ARG_NONE, JO_WAIT, set_wait),
	ACT("requeue", 0, ARG_NONE, JO_REQUEUE, set_requeue),
	ACT("no-requeue", 0, ARG_NONE, JO_REQUEUE, set_no_requeue),
	ACT("begin", 'b', ARG_REQ, JO_BEGIN, set_begin),
	ACT("dependency", 'd', ARG_REQ, JO_DEPEND, set_dependency),
	ACT("hold", 'H', ARG_NONE, JO_HOLD, set_hold),
	ACT("nice", 0, ARG_OPT, JO_NICE, set_nice),
	ACT("signal", 0, ARG_REQ, JO_SIGNAL, set_signal),
	ACT("comment", 0, ARG_REQ, JO_COMMENT, set_comment),
	/* The node to itself (all of it), or shared with the user's own
	 * jobs only; the scheduler decides (sched.c). */
	ACT("exclusive", 0, ARG_OPT, JO_SHARE, set_exclusive),
	/* Slurm's answer on a partition without OverSubscribe: no effect;
	 * herd show says it was asked. */
	ACT("oversubscribe", 's', ARG_NONE, JO_SHARE, set_oversubscribe),
	/* herd's own cluster only; herdd knows its name and checks. */
	ACT("clusters", 'M', ARG_REQ, JO_CLUSTERS, set_clusters),
	/* hosts.ini's [partition]s and [qos]s; herdd knows them and checks. */
	ACT("partition", 'p', ARG_REQ, JO_PARTITION, set_partition),
	ACT("qos", 'q', ARG_REQ, JO_QOS, set_qos),
	/* Where it may run, and per-unit resources (jobopt_place.c). */
	ACT("gpu-mem", 0, ARG_REQ, JO_GPU_MEM, jo_set_gpu_mem),
	ACT("constraint", 'C', ARG_REQ, JO_CONSTRAINT, jo_set_constraint),
	ACT("nodelist", 'w', ARG_REQ, JO_NODELIST, jo_set_nodelist),
	ACT("exclude", 'x', ARG_REQ, JO_EXCLUDE, jo_set_exclude),
	ACT("mem-per-cpu", 0, ARG_REQ, JO_MEM, jo_set_mem_per_cpu),
	ACT("mem-per-gpu", 0, ARG_REQ, JO_MEM, jo_set_mem_per_gpu),
	ACT("cpus-per-gpu", 0, ARG_REQ, JO_CPG, jo_set_cpus_per_gpu),
	ACT("gpu-share", 0, ARG_NONE, JO_GPU_SHARE, jo_set_gpu_share),
	/* Being told: herdd runs hosts.ini's notify_command (ctl_notify.c). */
	ACT2("mail-type", 0, ARG_REQ, JO2_MAIL_TYPE, set_mail_type),
	ACT2("mail-user", 0, ARG_REQ, JO2_MAIL_USER, set_mail_user),

	/* What herd does anyway. */
	NOOP("contiguous", 0, ARG_NONE, "one node is contiguous"),
	NOOP("delay-boot", 0, ARG_REQ, "herd never reboots nodes"),
	NOOP("ignore-pbs", 0, ARG_NONE, "herd never reads #PBS lines"),
	NOOP("kill-on-invalid-dep", 0, ARG_REQ, "hosts.ini's kill_invalid_depend "
	    "decides for every job"),
	NOOP("no-kill", 'k', ARG_OPT, "on one node, a node failure ends the "
	    "job anyway"),
	NOOP("use-min-nodes", 0, ARG_NONE, "herd always uses one node"),
	NOOP("wait-all-nodes", 0, ARG_REQ, "herd never boots nodes"),

	/* One of the user's [account]s; herdd checks it (acct.h). */
	ACT("account", 'A', ARG_REQ, JO_ACCOUNT, set_account),

	/* Not acted on, and it makes no difference to how the job runs. */
	WARN("acctg-freq", 0, ARG_REQ, "herd gathers no accounting data"),
	WARN("parsable", 0, ARG_NONE, "give it on the command line"),
	WARN("profile", 0, ARG_REQ, "herd gathers no profiles"),
	WARN("quiet", 'Q', ARG_NONE, "herd submit prints the same"),
	WARN("verbose", 'v', ARG_NONE, "herd submit prints the same"),
	WARN("wckey", 0, ARG_REQ, "herd keeps no workload keys"),

	/* Not acted on, and running the job anyway would run it other than
	 * asked: when, where, whether, or with what. */
	REFUSE("batch", 0, ARG_REQ, "herd would run the job on a node "
	    "whatever its features"),
	REFUSE("bb", 0, ARG_REQ, "herd would run the job without a burst "
	    "buffer"),
	REFUSE("bbf", 0, ARG_REQ, "herd would run the job without a burst "
	    "buffer"),
	REFUSE("cluster-constraint", 0, ARG_REQ, "herd has one cluster"),
	REFUSE("container", 0, ARG_REQ, "herd would run the job outside the "
	    "container"),
	REFUSE("container-id", 0, ARG_REQ, "herd would run the job outside "
	    "the container"),
	REFUSE("core-spec", 'S', ARG_REQ, "herd would not keep cores for the "
	    "system"),
	REFUSE("cores-per-socket", 0, ARG_REQ, no_hw),
	REFUSE("cpu-freq", 0, ARG_REQ, "herd would not set the CPU "
	    "frequency"),
	REFUSE("deadline", 0, ARG_REQ, "herd would run the job even past "
	    "its deadline"),
	REFUSE("distribution", 'm', ARG_REQ, no_layout),
	REFUSE("export", 0, ARG_REQ, "herd would pass the job the whole "
	    "environment of herd submit"),
	REFUSE("export-file", 0, ARG_REQ, "herd would pass the job the "
	    "environment of herd submit"),
	REFUSE("extra", 0, ARG_REQ, "herd would run the job on a node "
	    "whatever its extra data"),
	REFUSE("extra-node-info", 'B', ARG_REQ, no_hw),
	REFUSE("get-user-env", 0, ARG_OPT, "herd would pass the environment "
	    "of herd submit, not a login environment"),
	REFUSE("gid", 0, ARG_REQ, "herd runs a job as its submitter"),
	REFUSE("gpu-bind", 0, ARG_REQ, "herd would not bind tasks to GPUs"),
	REFUSE("gpu-freq", 0, ARG_REQ, "herd would not set GPU frequencies"),
	REFUSE("gpus-per-socket", 0, ARG_REQ, "herd would not place GPUs by "
	    "socket; use --gpus"),
	REFUSE("gpus-per-task", 0, ARG_REQ, "herd counts GPUs per job, not "
	    "per task; use --gpus"),
	REFUSE("gres-flags", 0, ARG_REQ, "herd would not bind GPUs to the "
	    "job's CPUs"),
	REFUSE("help", 'h', ARG_NONE, "in a script, sbatch would print help "
	    "and submit nothing"),
	ACT("hint", 0, ARG_REQ, JO_HINT, set_hint),
	REFUSE("input", 'i', ARG_REQ, "herd would give the job /dev/null as "
	    "its standard input"),
	REFUSE("licenses", 'L', ARG_REQ, "herd would start the job without "
	    "the licenses"),
	REFUSE("mcs-label", 0, ARG_REQ, "herd would share the node with jobs "
	    "of any label"),
	REFUSE("mem-bind", 0, ARG_REQ, "herd would not bind memory"),
	REFUSE("mincpus", 0, ARG_REQ, "herd would not check the node's CPUs; "
	    "use -c"),
	REFUSE("network", 0, ARG_REQ, "herd would not set up that network"),
	REFUSE("nodefile", 'F', ARG_REQ, "herd would run the job on any node, "
	    "not those named"),
	REFUSE("ntasks-per-core", 0, ARG_REQ, no_layout),
	REFUSE("ntasks-per-gpu", 0, ARG_REQ, no_layout),
	REFUSE("ntasks-per-socket", 0, ARG_REQ, no_layout),
	REFUSE("overcommit", 'O', ARG_NONE, "herd would give every task its "
	    "own CPUs"),
	REFUSE("power", 0, ARG_REQ, "herd would not apply power options"),
	REFUSE("prefer", 0, ARG_REQ, "herd would run the job on a node "
	    "whatever its features"),
	REFUSE("priority", 0, ARG_REQ, "herd computes every job's priority "
	    "(multifactor: herd priority) and would not use the one given"),
	REFUSE("propagate", 0, ARG_OPT, "herd would run the job with the "
	    "node's resource limits"),
	REFUSE("reboot", 0, ARG_NONE, "herd would not reboot the node first"),
	REFUSE("reservation", 0, ARG_REQ, "herd has no advance reservations and "
	    "would run the job on any node"),
	REFUSE("sockets-per-node", 0, ARG_REQ, no_hw),
	REFUSE("spread-job", 0, ARG_NONE, "herd runs a job on one node"),
	REFUSE("switches", 0, ARG_REQ, "herd would not pick nodes by switch"),
	REFUSE("thread-spec", 0, ARG_REQ, "herd would not keep threads for "
	    "the system"),
	REFUSE("threads-per-core", 0, ARG_REQ, no_hw),
	REFUSE("time-min", 0, ARG_REQ, "herd would not shorten the time limit "
	    "to start the job sooner"),
	REFUSE("tmp", 0, ARG_REQ, "herd would not check the node's temporary "
	    "disk"),
	REFUSE("tres-bind", 0, ARG_REQ, no_layout),
	REFUSE("tres-per-task", 0, ARG_REQ, "herd counts resources per job, "
	    "not per task"),
	REFUSE("uid", 0, ARG_REQ, "herd runs a job as its submitter"),
	REFUSE("usage", 0, ARG_NONE, "sbatch would print usage and submit "
	    "nothing"),
	REFUSE("version", 'V', ARG_NONE, "sbatch would print its version and "
	    "submit nothing"),
	/* herd submit reads --wrap itself; in a script it means nothing. */
	REFUSE("wrap", 0, ARG_REQ, "in a script it would be ignored; give it "
	    "on the command line"),
};

#define NOPTS	(sizeof opttab / sizeof opttab[0])

/* Slurm's other spellings (sbatch's long_options), and what they mean. */
static const struct { const char *alias, *name; } aliases[] = {
	{ "cluster", "clusters" },
	{ "share", "oversubscribe" },
	{ "tasks-per-node", "ntasks-per-node" },
	{ "workdir", "chdir" },
};

/* Quote untrusted text for a message, cut short if long. */
static void
vis_value(char *dst, size_t size, const char *v)
{
	str_vis(dst, size, v);
	if (strlen(v) >= size - 1 && size > 4)
		memcpy(dst + size - 4, "...", 4);
}

static const struct optdef *
row_named(const char *name)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (strcmp(opttab[i].name, name) == 0)
			return &opttab[i];
	return NULL;
}

/* Add "--s" to a list in buf, or "..." once it is full. */
static void
list_add(char *buf, size_t size, const char *s)
{
	size_t len = strlen(buf);

	if (len + strlen(s) + 8 >= size) {
		if (len + 4 < size && (len < 3 || strcmp(buf + len - 3, "...")))
			strcat(buf, "...");
		return;
	}
	snprintf(buf + len, size - len, "%s--%s", len > 0 ? ", " : "", s);
}

/*
 * A long name: exact match (name or alias), else the one row that every
 * spelling starting with `name` leads to.  getopt_long's rule: several
 * spellings of one row are one match.
 */
static const struct optdef *
find_long(const char *name, char *cand, size_t candsz, int *ambiguous)
{
	const struct optdef *hit = NULL, *d;
	size_t n = strlen(name), i;

	*ambiguous = 0;
	cand[0] = '\0';
	if (n == 0)
		return NULL;
	if ((hit = row_named(name)) != NULL)
		return hit;
	for (i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return row_named(aliases[i].name);
	for (i = 0; i < NOPTS + sizeof aliases / sizeof aliases[0]; i++) {
		const char *s = i < NOPTS ? opttab[i].name :
		    aliases[i - NOPTS].alias;
		if (strncmp(s, name, n) != 0)
			continue;
		d = i < NOPTS ? &opttab[i] : row_named(aliases[i - NOPTS].name);
		list_add(cand, candsz, s);
		if (hit != NULL && hit != d)
			*ambiguous = 1;
		hit = d;
	}
	return *ambiguous ? NULL : hit;
}

/* Split a spelling into its name and whether it is a short option. */
static const char *
spelling(const char *opt, int *is_short)
{
	if (opt[0] == '-' && opt[1] == '-') {
		*is_short = 0;
		return opt + 2;
	}
	if (opt[0] == '-') {
		*is_short = 1;
		return opt + 1;
	}
	*is_short = opt[0] != '\0' && opt[1] == '\0';
	return opt;
}

static const struct optdef *
opt_find(const char *opt, char *err, size_t errsz)
{
	char cand[HERD_ERRLEN], vis[VIS_MAX];
	const struct optdef *d = NULL;
	const char *name;
	int is_short, amb = 0;
	size_t i;

	if (opt == NULL)
		opt = "";
	name = spelling(opt, &is_short);
	if (is_short) {
		for (i = 0; name[0] != '\0' && name[1] == '\0' && i < NOPTS; i++)
			if (opttab[i].short_name == name[0])
				return &opttab[i];
	} else if ((d = find_long(name, cand, sizeof cand, &amb)) != NULL)
		return d;
	vis_value(vis, sizeof vis, name);
	if (amb)
		snprintf(err, errsz, "ambiguous option --%s: could be %s", vis,
		    cand);
	else
		snprintf(err, errsz, "unknown option %s%s", is_short ? "-" : "--",
		    vis);
	return NULL;
}

const char *
jobopt_resolve(const char *opt, char *err, size_t errsz)
{
	const struct optdef *d = opt_find(opt, err, errsz);

	return d != NULL ? d->name : NULL;
}

int
jobopt_row(size_t i, struct jobopt_row *out)
{
	static const int kinds[] = { JOBOPT_ACTED, JOBOPT_NOOP,
	    JOBOPT_WARNED, JOBOPT_REFUSED };

	if (i >= NOPTS)
		return 0;
	out->name = opttab[i].name;
	out->short_name = opttab[i].short_name;
	out->kind = kinds[opttab[i].kind];
	out->why = opttab[i].why;
	return 1;
}

void
jobopt_init(struct jobopt *o)
{
	memset(o, 0, sizeof *o);
	o->cpus = 1;
	o->ntasks = 1;
	o->requeue = 1;
}

/* --requeue, --no-requeue: whether a node failure makes a new attempt. */
static int
set_requeue(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	(void)v, (void)why, (void)whysz;
	if (!keep)
		o->requeue = 1;
	return 0;
}

static int
set_no_requeue(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	(void)v, (void)why, (void)whysz;
	if (!keep)
		o->requeue = 0;
	return 0;
}

void
jobopt_clear(struct jobopt *o)
{
	free(o->name);
	free(o->out_path);
	free(o->err_path);
	free(o->chdir);
	free(o->array);
	free(o->begin);
	free(o->dependency);
	free(o->signal);
	free(o->comment);
	free(o->mail_user);
	free(o->clusters);
	free(o->account);
	free(o->partition);
	free(o->qos);
	free(o->gpu_type);
	free(o->constraint);
	free(o->nodelist);
	free(o->exclude);
	jobopt_init(o);
}

int
jobopt_takes_value(const char *opt)
{
	char err[HERD_ERRLEN];
	const struct optdef *d = opt_find(opt, err, sizeof err);

	return d != NULL && d->arg == ARG_REQ;
}

static void
merge_str(char **to, const char *from)
{
	free(*to);
	*to = from != NULL ? xstrdup(from) : NULL;
}

void
jobopt_merge(struct jobopt *to, const struct jobopt *from)
{
	unsigned m = from->set & ~to->set;

	if (m & JO_GPUS) {
		to->gpus = from->gpus;
		merge_str(&to->gpu_type, from->gpu_type);
	}
	if (m & JO_CPUS)
		to->cpus = from->cpus;
	if (m & JO_NTASKS)
		to->ntasks = from->ntasks;
	if (m & JO_NTPN)
		to->ntasks_per_node = from->ntasks_per_node;
	if (m & JO_MEM) {
		to->mem_mb = from->mem_mb;
		to->mem_all = from->mem_all;
		to->mem_unit = from->mem_unit;
	}
	if (m & JO_HINT)
		to->nomt = from->nomt;
	if (m & JO_GPU_MEM)
		to->gpu_mem_mb = from->gpu_mem_mb;
	if (m & JO_CONSTRAINT)
		merge_str(&to->constraint, from->constraint);
	if (m & JO_NODELIST)
		merge_str(&to->nodelist, from->nodelist);
	if (m & JO_EXCLUDE)
		merge_str(&to->exclude, from->exclude);
	if (m & JO_CPG)
		to->cpus_per_gpu = from->cpus_per_gpu;
	if (m & JO_GPU_SHARE)
		to->gpu_share = from->gpu_share;
	if (m & JO_TIME)
		to->time_limit_s = from->time_limit_s;
	if (m & JO_NAME)
		merge_str(&to->name, from->name);
	if (m & JO_OUT)
		merge_str(&to->out_path, from->out_path);
	if (m & JO_ERR)
		merge_str(&to->err_path, from->err_path);
	if (m & JO_CHDIR)
		merge_str(&to->chdir, from->chdir);
	if (m & JO_TEST_ONLY)
		to->test_only = from->test_only;
	if (m & JO_WAIT)
		to->wait = from->wait;
	if (m & JO_ARRAY)
		merge_str(&to->array, from->array);
	if (m & JO_REQUEUE)
		to->requeue = from->requeue;
	if (m & JO_BEGIN)
		merge_str(&to->begin, from->begin);
	if (m & JO_DEPEND)
		merge_str(&to->dependency, from->dependency);
	if (m & JO_HOLD)
		to->hold = from->hold;
	if (m & JO_NICE)
		to->nice = from->nice;
	if (m & JO_SIGNAL)
		merge_str(&to->signal, from->signal);
	if (m & JO_COMMENT)
		merge_str(&to->comment, from->comment);
	if (m & JO_SHARE) {
		to->exclusive = from->exclusive;
		to->oversubscribe = from->oversubscribe;
	}
	if (m & JO_CLUSTERS)
		merge_str(&to->clusters, from->clusters);
	if (m & JO_ACCOUNT)
		merge_str(&to->account, from->account);
	if (m & JO_PARTITION)
		merge_str(&to->partition, from->partition);
	if (m & JO_QOS)
		merge_str(&to->qos, from->qos);
	to->set |= m;
	unsigned m2 = from->set2 & ~to->set2;
	if (m2 & JO2_MAIL_TYPE)
		to->mail_type = from->mail_type;
	if (m2 & JO2_MAIL_USER)
		merge_str(&to->mail_user, from->mail_user);
	to->set2 |= m2;
}

/*
 * On one node, --ntasks-per-node=N is --ntasks=N; both given and unequal
 * would need several nodes.  The CPUs asked for are ntasks × cpus.
 */
int
jobopt_finish(struct jobopt *o, char *err, size_t errsz)
{
	if (o->set & JO_NTPN) {
		if ((o->set & JO_NTASKS) && o->ntasks != o->ntasks_per_node) {
			snprintf(err, errsz, "--ntasks=%d with --ntasks-per-node=%d "
			    "needs more than one node: multi-node jobs are not "
			    "supported yet", o->ntasks, o->ntasks_per_node);
			return -1;
		}
		o->ntasks = o->ntasks_per_node;
		o->set |= JO_NTASKS;
	}
	if (jobopt_place_finish(o, err, errsz) != 0)
		return -1;
	if ((long long)o->ntasks * o->cpus > CPUS_MAX) {
		snprintf(err, errsz, "--ntasks=%d × --cpus-per-task=%d is %lld "
		    "CPUs, more than %d", o->ntasks, o->cpus,
		    (long long)o->ntasks * o->cpus, CPUS_MAX);
		return -1;
	}
	return 0;
}

/* A plain decimal number of at most NUM_DIGITS_MAX digits, no sign. */
static int
parse_num(const char *s, const char **end, long long *out)
{
	long long n = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		if (++digits > NUM_DIGITS_MAX)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	if (digits == 0)
		return -1;
	*end = s;
	*out = n;
	return 0;
}

static int
parse_count(const char *s, long long min, long long max, long long *out,
    char *why, size_t whysz)
{
	const char *end;

	if (s[0] == '-') {
		snprintf(why, whysz, "must not be negative");
		return -1;
	}
	if (parse_num(s, &end, out) != 0 || *end != '\0') {
		snprintf(why, whysz, "not a whole number");
		return -1;
	}
	if (*out < min || *out > max) {
		snprintf(why, whysz, "must be %lld-%lld", min, max);
		return -1;
	}
	return 0;
}

/* "N" or "TYPE:N" for --gpus and --gpus-per-node (a type: gputype.h). */
static int
set_gpus(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	const char *c = strrchr(v, ':');
	long long n;

	if (c == v) {
		snprintf(why, whysz, "empty GPU type");
		return -1;
	}
	if (parse_count(c != NULL ? c + 1 : v, 0, JOBOPT_MAX_GPUS, &n,
	    why, whysz) != 0)
		return -1;
	if (c != NULL && jo_set_gpu_type(o, v, (size_t)(c - v), keep, why, whysz) != 0)
		return -1;
	if (!keep) {
		o->gpus = (int)n;
		if (c == NULL) {	/* a later "--gpus N" asks for any type again */
			free(o->gpu_type);
			o->gpu_type = NULL;
		}
	}
	return 0;
}

/* One "gpu[:TYPE][:N]" item of a --gres list: its count, and its type in
 * type and tlen (tlen 0: none). */
static int
gres_gpu_count(const char *item, long long *n, const char **type, size_t *tlen,
    char *why, size_t whysz)
{
	const char *rest = item + 3, *last;

	*n = 1;		/* "gpu" alone is one GPU, as in Slurm */
	*tlen = 0;
	if (*rest++ == '\0')
		return 0;
	last = strrchr(rest, ':');
	if (last == NULL && rest[0] != '\0' && rest[0] != '-' &&
	    strspn(rest, "0123456789") != strlen(rest)) {
		*type = rest;	/* "gpu:TYPE" */
		*tlen = strlen(rest);
		return 0;
	}
	if (parse_count(last != NULL ? last + 1 : rest, 0, JOBOPT_MAX_GPUS, n,
	    why, whysz) != 0)
		return -1;
	if (last != NULL) {
		*type = rest;
		*tlen = (size_t)(last - rest);
		if (*tlen == 0) {
			snprintf(why, whysz, "empty GPU type");
			return -1;
		}
	}
	return 0;
}

/*
 * --gres is a comma list of NAME[:TYPE][:N] ("none": nothing).  herd has
 * GPUs only, so any other item is refused: the job would run without it.
 * A job's GPUs are of one type (or any).
 */
static int
set_gres(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	char *copy, *item, *save = NULL, vis[VIS_REFUSED], *type = NULL;
	long long total = 0, n;
	int rc = 0, items = 0;
	const char *t;
	size_t tlen;

	if (strcmp(v, "none") == 0) {	/* Slurm's "no generic resources" */
		if (!keep) {
			o->gpus = 0;
			free(o->gpu_type);
			o->gpu_type = NULL;
		}
		return 0;
	}
	copy = xstrdup(v);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save), items++) {
		if (strncmp(item, "gpu", 3) != 0 ||
		    (item[3] != '\0' && item[3] != ':')) {
			vis_value(vis, sizeof vis, item);
			snprintf(why, whysz, "resources other than GPUs are not "
			    "supported yet: herd would run the job without %s",
			    vis);
			rc = -2;
			break;
		}
		if ((rc = gres_gpu_count(item, &n, &t, &tlen, why, whysz)) != 0)
			break;
		if ((items > 0 && (type != NULL) != (tlen > 0)) || (type != NULL &&
		    (strlen(type) != tlen || strncmp(type, t, tlen) != 0))) {
			snprintf(why, whysz, "GPUs of several types in one job are not "
			    "supported: herd gives a job GPUs of one type");
			rc = -2;
			break;
		}
		if (tlen > 0 && type == NULL)
			type = xstrndup(t, tlen);
		if ((total += n) > JOBOPT_MAX_GPUS) {
			snprintf(why, whysz, "must be 0-%d GPUs",
			    JOBOPT_MAX_GPUS);
			rc = -1;
			break;
		}
	}
	free(copy);
	if (rc == 0 && items == 0) {
		snprintf(why, whysz, "empty list");
		rc = -1;
	}
	if (rc == 0 && type != NULL)
		rc = jo_set_gpu_type(o, type, strlen(type), keep, why, whysz);
	if (rc == 0 && !keep) {
		o->gpus = (int)total;
		if (type == NULL) {
			free(o->gpu_type);
			o->gpu_type = NULL;
		}
	}
	free(type);
	return rc;
}

static int
set_cpus(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	long long n;

	if (parse_count(v, 1, CPUS_MAX, &n, why, whysz) != 0)
		return -1;
	if (!keep)
		o->cpus = (int)n;
	return 0;
}

static int
set_ntasks(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	long long n;

	if (parse_count(v, 1, CPUS_MAX, &n, why, whysz) != 0)
		return -1;
	if (!keep)
		o->ntasks = (int)n;
	return 0;
}

static int
set_ntpn(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	long long n;

	if (parse_count(v, 1, CPUS_MAX, &n, why, whysz) != 0)
		return -1;
	if (!keep)
		o->ntasks_per_node = (int)n;
	return 0;
}

/*
 * "N" or "MIN-MAX" nodes.  A herd job runs on one node: --nodes=1 and any
 * range that allows one node ask for what herd does; more is refused.
 */
static int
set_nodes(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	const char *dash = strchr(v, '-');
	long long min, max;
	char *lo;
	int rc;

	(void)o;
	(void)keep;
	if (dash == v) {
		snprintf(why, whysz, "must not be negative");
		return -1;
	}
	lo = xstrndup(v, dash != NULL ? (size_t)(dash - v) : strlen(v));
	rc = parse_count(lo, 1, 1000000, &min, why, whysz);
	free(lo);
	if (rc != 0 || (dash != NULL &&
	    parse_count(dash + 1, 1, 1000000, &max, why, whysz) != 0))
		return -1;
	if (dash != NULL && max < min) {
		snprintf(why, whysz, "the maximum is below the minimum");
		return -1;
	}
	if (min > 1) {
		snprintf(why, whysz, "multi-node jobs are not supported yet: "
		    "herd runs a job on one node; use --nodes=1");
		return -2;
	}
	return 0;
}

/* herd truncates output files when the job starts, as sbatch does by
 * default; appending is refused, as the file's content would be lost. */
static int
set_open_mode(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	(void)o;
	(void)keep;
	if (strcmp(v, "truncate") == 0)
		return 0;
	if (strcmp(v, "append") == 0) {
		snprintf(why, whysz, "appending is not supported yet: herd "
		    "would truncate the output files, losing what they hold");
		return -2;
	}
	snprintf(why, whysz, "must be append or truncate");
	return -1;
}

static int
set_test_only(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	(void)v, (void)why, (void)whysz;
	if (!keep)
		o->test_only = 1;
	return 0;
}

static int
set_wait(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	(void)v, (void)why, (void)whysz;
	if (!keep)
		o->wait = 1;
	return 0;
}

static int size_core(const char *, uint64_t *, char *, size_t);
static int duration_core(const char *, int64_t *, char *, size_t);

/* --mem=0 means "all of a node's memory" to Slurm: a per-node figure,
 * reserved where the job is placed (sched.h's mem_all), never taken as
 * "no request" (that would run it beside others it meant to keep out). */
static int
set_mem(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	uint64_t mb;

	if (size_core(v, &mb, why, whysz) != 0)
		return -1;
	if (!keep) {
		o->mem_mb = mb;
		o->mem_all = mb == 0;
		o->mem_unit = JOBOPT_MEM_TOTAL;
	}
	return 0;
}

/* --hint: nomultithread counts the job's CPUs as whole cores (times the
 * node's threads per core, at placement: sched.h's nomt); multithread is
 * herd's own counting.  The others lay out tasks, which herd does not. */
static int
set_hint(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	int nomt;

	if (strcmp(v, "nomultithread") == 0)
		nomt = 1;
	else if (strcmp(v, "multithread") == 0)
		nomt = 0;
	else {
		snprintf(why, whysz, "laying out tasks is not supported yet: herd acts "
		    "on nomultithread (whole cores) and multithread (its default) only");
		return -2;
	}
	if (!keep)
		o->nomt = nomt;
	return 0;
}

static int
set_time(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	int64_t s;

	if (duration_core(v, &s, why, whysz) != 0)
		return -1;
	if (!keep)
		o->time_limit_s = s;
	return 0;
}

/* Paths are stored as given; %j and friends are expanded at run time. */
static int
check_path(const char *v, char *why, size_t whysz)
{
	if (v[0] == '\0') {
		snprintf(why, whysz, "empty path");
		return -1;
	}
	if (strlen(v) >= JOBOPT_PATH_MAX) {
		snprintf(why, whysz, "path longer than %d bytes",
		    JOBOPT_PATH_MAX - 1);
		return -1;
	}
	/* Newlines are legal in Unix paths and survive shquote(): allowed. */
	return 0;
}

static int
set_str(char **field, const char *v, int keep)
{
	if (!keep) {
		free(*field);
		*field = xstrdup(v);
	}
	return 0;
}

/*
 * Names are stored and passed to the job literally, newlines included (a
 * user's name is theirs); every display escapes them (str_vis, JSON).
 * Other control bytes (escape sequences) have no use in a name: refused.
 */
int
jobopt_check_label(const char *v, size_t max, const char *what, char *why,
    size_t whysz)
{
	const unsigned char *p;

	if (v[0] == '\0') {
		snprintf(why, whysz, "empty %s", what);
		return -1;
	}
	if (strlen(v) > max) {
		snprintf(why, whysz, "%s longer than %zu bytes", what, max);
		return -1;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
			snprintf(why, whysz, "control character in %s", what);
			return -1;
		}
	}
	return 0;
}

static int
set_name(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (jobopt_check_label(v, JOBOPT_NAME_MAX, "name", why, whysz) != 0)
		return -1;
	return set_str(&o->name, v, keep);
}

/* Stored and shown to everyone, as Slurm shows it; checked as a name. */
static int
set_comment(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	if (jobopt_check_label(v, JOBOPT_COMMENT_MAX, "comment", why,
	    whysz) != 0)
		return -1;
	return set_str(&o->comment, v, keep);
}

/* --mail-type: the set (mailtype.h); herdd refuses it without a
 * notify_command, where it is known. */
static int
set_mail_type(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	unsigned mask;
	if (mailtype_parse(v, &mask, why, whysz) != 0)
		return -1;
	if (!keep)
		o->mail_type = mask;
	return 0;
}

static int
set_mail_user(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	if (mailuser_check(v, why, whysz) != 0)
		return -1;
	return set_str(&o->mail_user, v, keep);
}

/* -A NAME: herdd says whether it exists and the user is in it (naming
 * theirs), so only what no name can be is refused here. */
static int
set_account(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (jobopt_check_label(v, 63, "account", why, whysz) != 0)
		return -1;
	return set_str(&o->account, v, keep);
}

/*
 * --exclusive[=user|mcs], as sbatch spells it.  MCS labels are a Slurm
 * plugin herd has not got: refused, since sharing the node with jobs of
 * any label is not what was asked.  It replaces an earlier
 * --oversubscribe, as in sbatch, where both set one thing.
 */
static int
set_exclusive(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	int k;

	if (v == NULL)
		k = JOBOPT_EXCL_NODE;
	else if (strcmp(v, "user") == 0)
		k = JOBOPT_EXCL_USER;
	else if (strcmp(v, "mcs") == 0) {
		snprintf(why, whysz, "MCS labels are not supported yet: herd "
		    "would share the node with jobs of any label; use "
		    "--exclusive or --exclusive=user");
		return -2;
	} else {
		snprintf(why, whysz, "must be user or mcs, or no value (the "
		    "whole node)");
		return -1;
	}
	if (!keep) {
		o->exclusive = k;
		o->oversubscribe = 0;
	}
	return 0;
}

static int
set_oversubscribe(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	(void)v, (void)why, (void)whysz;
	if (!keep) {
		o->oversubscribe = 1;
		o->exclusive = JOBOPT_SHARED;
	}
	return 0;
}

/* -M, -p: a,b of names as config.c checks them (letters, digits, ".", "_",
 * "-", not starting with "-" or "."); one name for --qos.  Which exist
 * only herdd knows. */
static int
check_names(const char *v, const char *what, int list, char *why, size_t whysz)
{
	const char *p = v, *end;

	if (strlen(v) > JOBOPT_CLUSTERS_MAX) {
		snprintf(why, whysz, "longer than %d bytes", JOBOPT_CLUSTERS_MAX);
		return -1;
	}
	for (;; p = end + 1) {
		end = p + strcspn(p, list ? "," : "");
		if (!name_valid(p, (size_t)(end - p), 63)) {
			snprintf(why, whysz, list ? "not a list of %s names (a,b)" :
			    "not a %s name", what);
			return -1;
		}
		if (*end == '\0')
			break;
	}
	return 0;
}

static int
set_clusters(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	if (check_names(v, "cluster", 1, why, whysz) != 0)
		return -1;
	if (!keep)
		merge_str(&o->clusters, v);
	return 0;
}

static int
set_partition(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	if (check_names(v, "partition", 1, why, whysz) != 0)
		return -1;
	return set_str(&o->partition, v, keep);
}

static int
set_qos(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (check_names(v, "QoS", 0, why, whysz) != 0)
		return -1;
	return set_str(&o->qos, v, keep);
}

static int
set_out(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (check_path(v, why, whysz) != 0)
		return -1;
	return set_str(&o->out_path, v, keep);
}

static int
set_err(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (check_path(v, why, whysz) != 0)
		return -1;
	return set_str(&o->err_path, v, keep);
}

static int
set_chdir(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (check_path(v, why, whysz) != 0)
		return -1;
	return set_str(&o->chdir, v, keep);
}

/*
 * The spec's syntax and Slurm's largest bound only: herdd checks it against
 * its own max_array_size, which the client does not know.  Stored as
 * written; herdd stores it normalised.
 */
static int
set_array(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	struct arrayspec a;
	char err[HERD_ERRLEN];

	if (arrayspec_parse(&a, v, ARRAYSPEC_MAX_SIZE, err, sizeof err) != 0) {
		const char *r = strstr(err, "\": ");
		snprintf(why, whysz, "%s", r != NULL ? r + 3 : err);
		return -1;
	}
	arrayspec_clear(&a);
	return set_str(&o->array, v, keep);
}

int
jobopt_check_clusters(const char *list, const char *own, char *err,
    size_t errsz)
{
	char *copy = xstrdup(list), *save = NULL, *name, vis[VIS_REFUSED];
	int rc = 0, n = 0;

	for (name = strtok_r(copy, ",", &save); name != NULL;
	    name = strtok_r(NULL, ",", &save), n++) {
		if (strcmp(name, own) == 0 || strcmp(name, "all") == 0)
			continue;
		vis_value(vis, sizeof vis, name);
		snprintf(err, errsz, "herd has one cluster, '%s'; job asks for "
		    "'%s'", own, vis);
		rc = -1;
		break;
	}
	if (rc == 0 && n == 0) {
		snprintf(err, errsz, "-M names no cluster");
		rc = -1;
	}
	free(copy);
	return rc;
}

/* Check the value's presence against the row. */
static int
check_arg(const struct optdef *d, const char *value, char *err, size_t errsz)
{
	if (d->arg == ARG_REQ && value == NULL) {
		snprintf(err, errsz, "--%s needs a value", d->name);
		return -1;
	}
	if (d->arg == ARG_NONE && value != NULL) {
		snprintf(err, errsz, "--%s takes no value", d->name);
		return -1;
	}
	return 0;
}

/* "--name" or "--name=value", the value escaped and cut short. */
static void
opt_vis(char *dst, size_t size, const struct optdef *d, const char *value)
{
	char vis[VIS_REFUSED];

	if (value == NULL) {
		snprintf(dst, size, "--%s", d->name);
		return;
	}
	vis_value(vis, sizeof vis, value);
	snprintf(dst, size, "--%s=%s", d->name, vis);
}

int
jobopt_apply(struct jobopt *o, const char *opt, const char *value,
    int keep_set, char *err, size_t errsz)
{
	const struct optdef *d = opt_find(opt, err, errsz);
	char why[HERD_ERRLEN], vis[VIS_MAX], ov[VIS_REFUSED + 64];
	int keep, rc;

	if (d == NULL || check_arg(d, value, err, errsz) != 0)
		return -1;
	opt_vis(ov, sizeof ov, d, value);
	switch (d->kind) {
	case K_NOOP:
		return 0;
	case K_WARN:
		snprintf(err, errsz, "--%s is not supported yet; ignored (%s)",
		    d->name, d->why);
		return 1;
	case K_REFUSE:
		snprintf(err, errsz, "%s is not supported yet: %s; remove it",
		    ov, d->why);
		return -1;
	}
	keep = keep_set && ((o->set & d->field) || (o->set2 & d->field2));
	rc = d->fn(o, value, keep, why, sizeof why);
	if (rc == -2) {
		snprintf(err, errsz, "%s: %s", ov, why);
		return -1;
	}
	if (rc != 0) {
		vis_value(vis, sizeof vis, value);
		snprintf(err, errsz, "invalid --%s \"%s\": %s", d->name, vis, why);
		return -1;
	}
	if (!keep) {
		o->set |= d->field;
		o->set2 |= d->field2;
	}
	return 0;
}

/* Size units in KiB; MB (Slurm's default unit) is MiB, as in Slurm. */
static uint64_t
unit_kib(char c)
{
	switch (c) {
	case 'k': case 'K': return 1;
	case 'm': case 'M': return 1024;
	case 'g': case 'G': return 1024 * 1024;
	case 't': case 'T': return 1024 * 1024 * 1024;
	}
	return 0;
}

/* Digits after a decimal point: up to 9 kept, the rest must be digits. */
static int
parse_frac(const char **sp, uint64_t *num, uint64_t *den)
{
	const char *s = *sp;

	*num = 0;
	*den = 1;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*den < 1000000000ULL) {
			*num = *num * 10 + (uint64_t)(*s - '0');
			*den *= 10;
		}
	}
	*sp = s;
	return 0;
}

static int
size_core(const char *s, uint64_t *mb, char *why, size_t whysz)
{
	uint64_t ip = 0, num = 0, den = 1, mult = 1024, kib;
	const char *p = s;

	if (*p == '-') {
		snprintf(why, whysz, "negative sizes are not allowed");
		return -1;
	}
	if (*p < '0' || *p > '9')
		goto garbage;
	for (; *p >= '0' && *p <= '9'; p++)
		if (ip <= MEM_MAX_KIB)	/* stop growing once too large */
			ip = ip * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		p++;
		if (parse_frac(&p, &num, &den) != 0)
			goto garbage;
	}
	if (*p != '\0') {
		if ((mult = unit_kib(*p++)) == 0)
			goto garbage;
		if (*p == 'i' || *p == 'I')	/* lenient: "GiB" */
			p++;
		if (*p == 'b' || *p == 'B')	/* lenient: "GB", "16gb" */
			p++;
		if (*p != '\0')
			goto garbage;
	}
	if (ip > MEM_MAX_KIB / mult)
		goto toobig;
	/* Round a fraction up: asking for a bit more is never a failure. */
	kib = ip * mult + (num * mult + den - 1) / den;
	if (kib > MEM_MAX_KIB)
		goto toobig;
	*mb = (kib + 1023) / 1024;
	return 0;
garbage:
	snprintf(why, whysz, "not a size (examples: 16G, 512M, 1.5T, 2048)");
	return -1;
toobig:
	snprintf(why, whysz, "larger than 64 TiB");
	return -1;
}

int
parse_size_mb(const char *s, uint64_t *mb, char *err, size_t errsz)
{
	char why[HERD_ERRLEN], vis[VIS_MAX];

	if (size_core(s, mb, why, sizeof why) != 0) {
		vis_value(vis, sizeof vis, s);
		snprintf(err, errsz, "invalid size \"%s\": %s", vis, why);
		return -1;
	}
	return 0;
}

/* Split "a:b:c" into up to 3 numbers; returns how many, -1 if malformed. */
static int
parse_fields(const char *s, long long f[3])
{
	const char *end;
	int n = 0;

	for (;;) {
		if (n == 3 || parse_num(s, &end, &f[n]) != 0)
			return -1;
		n++;
		if (*end == '\0')
			return n;
		if (*end != ':')
			return -1;
		s = end + 1;
	}
}

static int
range_ok(long long v, long long max, const char *what, char *why,
    size_t whysz)
{
	if (v > max) {
		snprintf(why, whysz, "%s must be 0-%lld", what, max);
		return 0;
	}
	return 1;
}

/*
 * Slurm's forms: M, M:S, H:M:S without days; D-H, D-H:M, D-H:M:S with.
 * The leading field is unbounded (90 minutes, 100 hours); the rest must
 * be in range, as a user who wrote 1:99:00 has made a mistake.
 */
static int
duration_core(const char *s, int64_t *secs, char *why, size_t whysz)
{
	long long d = 0, f[3], h = 0, m = 0, sec = 0, total;
	const char *dash = strchr(s, '-'), *rest = s;
	int n;

	if (strcasecmp(s, "infinite") == 0 || strcasecmp(s, "unlimited") == 0) {
		*secs = 0;
		return 0;
	}
	if (s[0] == '-') {
		snprintf(why, whysz, "negative durations are not allowed");
		return -1;
	}
	if (dash != NULL) {
		const char *end;
		if (parse_num(s, &end, &d) != 0 || end != dash)
			goto format;
		rest = dash + 1;
	}
	if ((n = parse_fields(rest, f)) < 0)
		goto format;
	if (dash != NULL) {
		h = f[0];
		m = n > 1 ? f[1] : 0;
		sec = n > 2 ? f[2] : 0;
		if (!range_ok(h, 23, "hours", why, whysz))
			return -1;
	} else if (n == 1)
		m = f[0];
	else if (n == 2) {
		m = f[0];
		sec = f[1];
	} else {
		h = f[0];
		m = f[1];
		sec = f[2];
	}
	if (((dash != NULL || n == 3) &&
	    !range_ok(m, 59, "minutes", why, whysz)) ||
	    !range_ok(sec, 59, "seconds", why, whysz))
		return -1;
	total = d * 86400 + h * 3600 + m * 60 + sec;
	if (total > TIME_MAX_S) {
		snprintf(why, whysz, "longer than 365 days");
		return -1;
	}
	*secs = total;
	return 0;
format:
	snprintf(why, whysz, "expected minutes, MM:SS, H:MM:SS, D-H, "
	    "D-H:MM or D-H:MM:SS");
	return -1;
}

int
parse_duration_s(const char *s, int64_t *secs, char *err, size_t errsz)
{
	char why[HERD_ERRLEN], vis[VIS_MAX];

	if (duration_core(s, secs, why, sizeof why) != 0) {
		vis_value(vis, sizeof vis, s);
		snprintf(err, errsz, "invalid duration \"%s\": %s", vis, why);
		return -1;
	}
	return 0;
}

void
format_duration(int64_t secs, char *buf, size_t size)
{
	long long d, h, m, s;

	if (secs < 0)
		secs = 0;
	d = secs / 86400;
	h = secs / 3600 % 24;
	m = secs / 60 % 60;
	s = secs % 60;
	if (d > 0)
		snprintf(buf, size, "%lld-%02lld:%02lld:%02lld", d, h, m, s);
	else if (h > 0)
		snprintf(buf, size, "%lld:%02lld:%02lld", h, m, s);
	else
		snprintf(buf, size, "%lld:%02lld", m, s);
}

/*
 * --begin: checked here against this clock, so a typo fails at once with
 * exit 2; herdd computes the time again with its own clock and zone.
 */
static int
set_begin(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	char err[HERD_ERRLEN];
	time_t t;

	if (begin_parse(v, time(NULL), &t, err, sizeof err) != 0) {
		/* begin_parse says 'invalid --begin "x": reason'; keep the reason. */
		const char *r = strstr(err, "\": ");
		snprintf(why, whysz, "%s", r != NULL ? r + 3 : err);
		return -1;
	}
	if (!keep)
		merge_str(&o->begin, v);
	return 0;
}

/* --dependency: the syntax here; that the jobs exist and are yours, in herdd. */
static int
set_dependency(struct jobopt *o, const char *v, int keep, char *why,
    size_t whysz)
{
	char err[HERD_ERRLEN];
	struct depend d;

	if (depend_parse(&d, v, err, sizeof err) != 0) {
		const char *r = strstr(err, "\": ");
		snprintf(why, whysz, "%s", r != NULL ? r + 3 : err);
		return -1;
	}
	depend_clear(&d);
	if (!keep)
		merge_str(&o->dependency, v);
	return 0;
}

static int
set_hold(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	(void)v;
	(void)why;
	(void)whysz;
	if (!keep)
		o->hold = 1;
	return 0;
}

/* --nice[=N]: Slurm's sign (higher waits longer), 100 without a value. */
static int
set_nice(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	long long n = JOBOPT_NICE_DEFAULT;
	const char *end;
	int neg;

	if (v != NULL) {
		neg = v[0] == '-';
		if (parse_num(v + (neg || v[0] == '+'), &end, &n) != 0 ||
		    *end != '\0') {
			snprintf(why, whysz, "not a whole number");
			return -1;
		}
		if (n > NICE_MAX) {
			snprintf(why, whysz, "must be -%lld to %lld", NICE_MAX,
			    NICE_MAX);
			return -1;
		}
		if (neg)
			n = -n;
	}
	if (!keep)
		o->nice = (int)n;
	return 0;
}

/*
 * --signal=[{R|B}:]SIG[@TIME]: stored canonical ("B:USR1@60"); herdd
 * parses it again, and the node gets the signal's name from sigspec's
 * table.
 */
static int
set_signal(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	struct sigspec s;
	char text[SIGSPEC_TEXT_MAX];

	if (sigspec_parse(v, &s, why, whysz) != 0)
		return -1;
	sigspec_format(&s, text, sizeof text);
	if (!keep)
		merge_str(&o->signal, text);
	return 0;
}

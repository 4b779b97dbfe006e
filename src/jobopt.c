/*
 * jobopt.c — the one table of submission options.
 *
 * Theory of operation: every spelling of an option, herd's and Slurm's,
 * long and short, is a row of opttab[] that says whether it takes a value
 * and which handler checks and stores it.  Rows without a handler are
 * Slurm options herd knows but does not act on yet: they are accepted, so
 * that a real #SBATCH script still runs, and reported back as ignored.
 * Anything not in the table is an error, as it is for sbatch.
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

#include "jobopt.h"
#include "util.h"

#define CPUS_MAX	4096
#define MEM_MAX_MB	(64ULL * 1024 * 1024)		/* 64 TiB */
#define MEM_MAX_KIB	(MEM_MAX_MB * 1024)
#define TIME_MAX_S	(365LL * 86400)
#define NUM_DIGITS_MAX	9	/* keeps every field far from overflow */
#define VIS_MAX		80	/* how much of a bad value a message quotes */

enum { ARG_NONE, ARG_REQ, ARG_OPT };

/* Store `v` unless `keep`; 0 ok, -1 with the reason in why (no prefix). */
typedef int (*opt_fn)(struct jobopt *, const char *v, int keep,
    char *why, size_t whysz);

struct optdef {
	const char *name;	/* long name, also used in every message */
	char short_name;	/* 0: none */
	int arg;		/* ARG_* */
	unsigned field;		/* JO_* bit; 0 with fn NULL: ignored */
	opt_fn fn;
};

static int set_gpus(struct jobopt *, const char *, int, char *, size_t);
static int set_gres(struct jobopt *, const char *, int, char *, size_t);
static int set_cpus(struct jobopt *, const char *, int, char *, size_t);
static int set_mem(struct jobopt *, const char *, int, char *, size_t);
static int set_time(struct jobopt *, const char *, int, char *, size_t);
static int set_name(struct jobopt *, const char *, int, char *, size_t);
static int set_out(struct jobopt *, const char *, int, char *, size_t);
static int set_err(struct jobopt *, const char *, int, char *, size_t);
static int set_chdir(struct jobopt *, const char *, int, char *, size_t);

#define IGN(n, s, a)	{ n, s, a, 0, NULL }
/* Known, not supported, and running the job anyway would be wrong: when
 * or whether it runs, or what the command does, would differ. */
#define REFUSE(n, s, a)	{ n, s, a, JO_REFUSED, NULL }

static const struct optdef opttab[] = {
	/* Acted on.  A herd job is one task on one node, so per-node and
	 * per-task counts are the job's counts. */
	{ "gpus", 'G', ARG_REQ, JO_GPUS, set_gpus },
	{ "gpus-per-node", 0, ARG_REQ, JO_GPUS, set_gpus },
	{ "gres", 0, ARG_REQ, JO_GPUS, set_gres },
	{ "cpus", 0, ARG_REQ, JO_CPUS, set_cpus },
	{ "cpus-per-task", 'c', ARG_REQ, JO_CPUS, set_cpus },
	{ "mem", 0, ARG_REQ, JO_MEM, set_mem },
	{ "time", 't', ARG_REQ, JO_TIME, set_time },
	{ "job-name", 'J', ARG_REQ, JO_NAME, set_name },
	{ "output", 'o', ARG_REQ, JO_OUT, set_out },
	{ "error", 'e', ARG_REQ, JO_ERR, set_err },
	{ "chdir", 'D', ARG_REQ, JO_CHDIR, set_chdir },

	/* Known to sbatch, not acted on by herd yet. */
	IGN("account", 'A', ARG_REQ), IGN("acctg-freq", 0, ARG_REQ),
	IGN("array", 'a', ARG_REQ), IGN("batch", 0, ARG_REQ),
	IGN("bb", 0, ARG_REQ), IGN("bbf", 0, ARG_REQ),
	REFUSE("begin", 'b', ARG_REQ), IGN("cluster-constraint", 0, ARG_REQ),
	IGN("clusters", 'M', ARG_REQ), IGN("comment", 0, ARG_REQ),
	IGN("constraint", 'C', ARG_REQ), IGN("container", 0, ARG_REQ),
	IGN("container-id", 0, ARG_REQ), IGN("contiguous", 0, ARG_NONE),
	IGN("core-spec", 'S', ARG_REQ), IGN("cores-per-socket", 0, ARG_REQ),
	IGN("cpu-freq", 0, ARG_REQ), IGN("cpus-per-gpu", 0, ARG_REQ),
	IGN("deadline", 0, ARG_REQ), IGN("delay-boot", 0, ARG_REQ),
	IGN("dependency", 'd', ARG_REQ), IGN("distribution", 'm', ARG_REQ),
	IGN("exclude", 'x', ARG_REQ), IGN("exclusive", 0, ARG_OPT),
	IGN("export", 0, ARG_REQ), IGN("export-file", 0, ARG_REQ),
	IGN("extra", 0, ARG_REQ), IGN("extra-node-info", 'B', ARG_REQ),
	IGN("get-user-env", 0, ARG_OPT), IGN("gid", 0, ARG_REQ),
	IGN("gpu-bind", 0, ARG_REQ), IGN("gpu-freq", 0, ARG_REQ),
	IGN("gpus-per-socket", 0, ARG_REQ), IGN("gpus-per-task", 0, ARG_REQ),
	IGN("gres-flags", 0, ARG_REQ), IGN("help", 'h', ARG_NONE),
	IGN("hint", 0, ARG_REQ), REFUSE("hold", 'H', ARG_NONE),
	IGN("ignore-pbs", 0, ARG_NONE), IGN("input", 'i', ARG_REQ),
	IGN("kill-on-invalid-dep", 0, ARG_REQ), IGN("licenses", 'L', ARG_REQ),
	IGN("mail-type", 0, ARG_REQ), IGN("mail-user", 0, ARG_REQ),
	IGN("mcs-label", 0, ARG_REQ), IGN("mem-bind", 0, ARG_REQ),
	IGN("mem-per-cpu", 0, ARG_REQ), IGN("mem-per-gpu", 0, ARG_REQ),
	IGN("mincpus", 0, ARG_REQ), IGN("network", 0, ARG_REQ),
	IGN("nice", 0, ARG_OPT), IGN("no-kill", 'k', ARG_OPT),
	IGN("no-requeue", 0, ARG_NONE), IGN("nodefile", 'F', ARG_REQ),
	IGN("nodelist", 'w', ARG_REQ), IGN("nodes", 'N', ARG_REQ),
	IGN("ntasks", 'n', ARG_REQ), IGN("ntasks-per-core", 0, ARG_REQ),
	IGN("ntasks-per-gpu", 0, ARG_REQ), IGN("ntasks-per-node", 0, ARG_REQ),
	IGN("ntasks-per-socket", 0, ARG_REQ), IGN("open-mode", 0, ARG_REQ),
	IGN("overcommit", 'O', ARG_NONE), IGN("oversubscribe", 's', ARG_NONE),
	IGN("parsable", 0, ARG_NONE), IGN("partition", 'p', ARG_REQ),
	IGN("power", 0, ARG_REQ), IGN("prefer", 0, ARG_REQ),
	IGN("priority", 0, ARG_REQ), IGN("profile", 0, ARG_REQ),
	IGN("propagate", 0, ARG_OPT), IGN("qos", 'q', ARG_REQ),
	IGN("quiet", 'Q', ARG_NONE), IGN("reboot", 0, ARG_NONE),
	IGN("requeue", 0, ARG_NONE), IGN("reservation", 0, ARG_REQ),
	IGN("signal", 0, ARG_REQ), IGN("sockets-per-node", 0, ARG_REQ),
	IGN("spread-job", 0, ARG_NONE), IGN("switches", 0, ARG_REQ),
	IGN("tasks-per-node", 0, ARG_REQ), REFUSE("test-only", 0, ARG_NONE),
	IGN("thread-spec", 0, ARG_REQ), IGN("threads-per-core", 0, ARG_REQ),
	IGN("time-min", 0, ARG_REQ), IGN("tmp", 0, ARG_REQ),
	IGN("tres-bind", 0, ARG_REQ), IGN("tres-per-task", 0, ARG_REQ),
	IGN("uid", 0, ARG_REQ), REFUSE("usage", 0, ARG_NONE),
	IGN("use-min-nodes", 0, ARG_NONE), IGN("verbose", 'v', ARG_NONE),
	REFUSE("version", 'V', ARG_NONE), REFUSE("wait", 'W', ARG_NONE),
	IGN("wait-all-nodes", 0, ARG_REQ), IGN("wckey", 0, ARG_REQ),
	IGN("wrap", 0, ARG_REQ),
};

static const struct optdef *
opt_find(const char *opt)
{
	size_t i;

	if (opt == NULL || opt[0] == '\0')
		return NULL;
	for (i = 0; i < sizeof opttab / sizeof opttab[0]; i++) {
		if (opt[1] == '\0') {
			if (opttab[i].short_name == opt[0])
				return &opttab[i];
		} else if (strcmp(opttab[i].name, opt) == 0)
			return &opttab[i];
	}
	return NULL;
}

void
jobopt_init(struct jobopt *o)
{
	memset(o, 0, sizeof *o);
	o->cpus = 1;
}

void
jobopt_clear(struct jobopt *o)
{
	free(o->name);
	free(o->out_path);
	free(o->err_path);
	free(o->chdir);
	jobopt_init(o);
}

int
jobopt_takes_value(const char *opt)
{
	const struct optdef *d = opt_find(opt);

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

	if (m & JO_GPUS)
		to->gpus = from->gpus;
	if (m & JO_CPUS)
		to->cpus = from->cpus;
	if (m & JO_MEM)
		to->mem_mb = from->mem_mb;
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
	to->set |= m;
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

/*
 * "[TYPE:]N" for --gpus and --gpus-per-node.  The GPU type (a100, ...) is
 * accepted and dropped for now: herd hands out whole GPUs of whatever
 * kind a node has, so a typed request is treated as an untyped one.
 */
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
	if (!keep)
		o->gpus = (int)n;
	return 0;
}

/* One "gpu[:TYPE][:N]" item of a --gres list (type dropped, as above). */
static int
gres_gpu_count(const char *item, long long *n, char *why, size_t whysz)
{
	const char *c;

	if (item[3] == '\0') {
		*n = 1;		/* "gpu" alone is one GPU, as in Slurm */
		return 0;
	}
	c = strrchr(item, ':');
	if (c == item + 3 && strspn(c + 1, "0123456789") != strlen(c + 1))
		c = NULL;	/* "gpu:TYPE": one GPU of that type */
	if (c == NULL) {
		*n = 1;
		return 0;
	}
	return parse_count(c + 1, 0, JOBOPT_MAX_GPUS, n, why, whysz);
}

/*
 * --gres is a comma list of NAME[:TYPE][:N]; only "gpu" items mean
 * something to herd.  A list without one is ignored as a whole (return 1);
 * other items beside a gpu one are dropped.
 */
static int
set_gres(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	char *copy = xstrdup(v), *item, *save = NULL;
	long long total = 0, n;
	int found = 0, rc = 0;

	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		if (strncmp(item, "gpu", 3) != 0 ||
		    (item[3] != '\0' && item[3] != ':'))
			continue;
		found = 1;
		if ((rc = gres_gpu_count(item, &n, why, whysz)) != 0)
			break;
		if ((total += n) > JOBOPT_MAX_GPUS) {
			snprintf(why, whysz, "must be 0-%d GPUs",
			    JOBOPT_MAX_GPUS);
			rc = -1;
			break;
		}
	}
	free(copy);
	if (rc != 0)
		return rc;
	if (!found) {
		snprintf(why, whysz, "names no gpu");
		return 1;
	}
	if (!keep)
		o->gpus = (int)total;
	return 0;
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

static int size_core(const char *, uint64_t *, char *, size_t);
static int duration_core(const char *, int64_t *, char *, size_t);

/* --mem=0 means "all of a node's memory" to Slurm; herd has no such
 * request, so it is taken as no memory request at all. */
static int
set_mem(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	uint64_t mb;

	if (size_core(v, &mb, why, whysz) != 0)
		return -1;
	if (!keep)
		o->mem_mb = mb;
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
static int
set_name(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	const unsigned char *p;

	if (v[0] == '\0') {
		snprintf(why, whysz, "empty name");
		return -1;
	}
	if (strlen(v) > JOBOPT_NAME_MAX) {
		snprintf(why, whysz, "name longer than %d bytes",
		    JOBOPT_NAME_MAX);
		return -1;
	}
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
			snprintf(why, whysz, "control character in name");
			return -1;
		}
	}
	return set_str(&o->name, v, keep);
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

/* Quote untrusted text for a message, cut short if long. */
static void
vis_value(char *dst, size_t size, const char *v)
{
	str_vis(dst, size, v);
	if (strlen(v) >= size - 1 && size > 4)
		memcpy(dst + size - 4, "...", 4);
}

static int
apply_ignored(const struct optdef *d, const char *value, char *err,
    size_t errsz)
{
	if (d->arg == ARG_REQ && value == NULL) {
		snprintf(err, errsz, "--%s needs a value", d->name);
		return -1;
	}
	if (d->arg == ARG_NONE && value != NULL) {
		snprintf(err, errsz, "--%s takes no value", d->name);
		return -1;
	}
	snprintf(err, errsz, "--%s is not supported yet; ignored", d->name);
	return 1;
}

int
jobopt_apply(struct jobopt *o, const char *opt, const char *value,
    int keep_set, char *err, size_t errsz)
{
	const struct optdef *d = opt_find(opt);
	char why[HERD_ERRLEN], vis[VIS_MAX];
	int keep, rc;

	if (d == NULL) {
		vis_value(vis, sizeof vis, opt != NULL ? opt : "");
		snprintf(err, errsz, "unknown option %s%s",
		    opt != NULL && strlen(opt) == 1 ? "-" : "--", vis);
		return -1;
	}
	if (d->field == JO_REFUSED) {
		snprintf(err, errsz, "--%s is not supported yet (herd would run the job "
		    "differently from what it asks); remove it", d->name);
		return -1;
	}
	if (d->fn == NULL)
		return apply_ignored(d, value, err, errsz);
	if (value == NULL) {
		snprintf(err, errsz, "--%s needs a value", d->name);
		return -1;
	}
	keep = keep_set && (o->set & d->field);
	rc = d->fn(o, value, keep, why, sizeof why);
	if (rc != 0) {
		vis_value(vis, sizeof vis, value);
		if (rc == 1)
			snprintf(err, errsz, "--%s=%s %s; ignored", d->name,
			    vis, why);
		else
			snprintf(err, errsz, "invalid --%s \"%s\": %s",
			    d->name, vis, why);
		return rc;
	}
	if (!keep)
		o->set |= d->field;
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

/*
 * cmd_util.c — what the subcommands share: option parsing with herd's
 * messages, one request and its stream of answers, job ids, the filters
 * of `herd queue` and `herd cancel`, and the client's formats of exit
 * codes and durations.
 *
 * Filtering is done here, over the queue stream, not by herdd: herdd's
 * "queue" answer stays one simple listing, and squeue's and scancel's
 * habits (-u, -j, -t, -n) cost the controller nothing.
 */
#include <errno.h>
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "cmdopts.h"
#include "job.h"

void cmd_help(const struct cmd_entry *ce, FILE *f)
{
	fprintf(f, "usage: herd %s\n\n%s.\n", ce->usage, ce->summary);
	if (ce->help != NULL)
		fprintf(f, "\n%s", ce->help);
	fprintf(f, "\nSee herd(1).\n");
}

void cmd_help_list(const struct cmd_entry *const *table, FILE *f)
{
	int width = 0;

	for (const struct cmd_entry *const *c = table; *c; c++)
		if ((int)strlen((*c)->name) > width)
			width = (int)strlen((*c)->name);
	for (const struct cmd_entry *const *c = table; *c; c++)
		fprintf(f, "  %-*s  %s\n", width, (*c)->name, (*c)->summary);
}

int cmd_usage_error(const struct cmd_entry *ce, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "herd %s: ", ce->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: herd %s\n", ce->usage);
	return 2;
}

int cmd_number(const struct cmd_entry *ce, const char *opt, const char *arg, long min, long max,
    const char *what, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || v < min || v > max)
		return cmd_usage_error(ce, "invalid %s \"%s\": a number of %s, %ld to %ld", opt, arg,
		    what, min, max);
	*out = v;
	return 0;
}

void cmd_getopt_start(void)
{
	optind = 0;	/* glibc: 0 also resets its state inside a cluster (-abc) */
	opterr = 0;	/* our messages, naming the subcommand */
}

/* The long option that argv[optind-1] spelled, if it was one taking val. */
static const struct option *long_for(const struct option *lo, const char *arg, int val)
{
	if (arg == NULL || strncmp(arg, "--", 2) != 0)
		return NULL;
	for (; lo != NULL && lo->name != NULL; lo++)
		if (lo->val == val && strncmp(arg + 2, lo->name, strcspn(arg + 2, "=")) == 0)
			return lo;
	return NULL;
}

const char *cmd_slurm_name;
int cmd_slurm_refused;

/* A bad option under a Slurm name, in getopt's words as Slurm prints them
 * (its scripts and users know them), then squeue's, sinfo's, scancel's and
 * scontrol's "Try" line (sacct lets getopt's words stand alone, as Slurm's
 * does); the status becomes 1, as theirs (src/squeue/opts.c and the others
 * exit(1) on getopt's '?').  sbatch reads its own options (255). */
static void slurm_bad_option(int c, const char *prev, int opt, const struct option *longopts)
{
	const struct option *lo = long_for(longopts, prev, opt);
	char vis[256];
	str_vis(vis, sizeof vis, prev != NULL ? prev : "");
	vis[strcspn(vis, "=")] = '\0';
	if (c == ':' && lo != NULL)
		fprintf(stderr, "%s: option '--%s' requires an argument\n", cmd_slurm_name, lo->name);
	else if (c == ':')
		fprintf(stderr, "%s: option requires an argument -- '%c'\n", cmd_slurm_name, opt);
	else if (lo != NULL)
		fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n", cmd_slurm_name,
		    lo->name);
	else if (opt == 0 || !isprint(opt))
		fprintf(stderr, "%s: unrecognized option '%s'\n", cmd_slurm_name, vis);
	else
		fprintf(stderr, "%s: invalid option -- '%c'\n", cmd_slurm_name, opt);
	if (strcmp(cmd_slurm_name, "sacct") != 0)
		fprintf(stderr, "Try \"%s --help\" for more information\n", cmd_slurm_name);
	cmd_slurm_refused = 1;
}

int cmd_getopt(const struct cmd_entry *ce, int argc, char **argv, const char *shortopts,
    const struct option *longopts)
{
	char so[64];

	if (cmd_opts_capture != NULL) {	/* cmd_opts_of(): what is declared, nothing run */
		cmd_opts_add_getopt(cmd_opts_capture, shortopts, longopts);
		return CMD_OPT_HELP;
	}
	/* A leading ':' tells a missing value (':') from an unknown option ('?'). */
	snprintf(so, sizeof so, ":%s", shortopts);
	int c = getopt_long(argc, argv, so, longopts, NULL);
	const char *prev = optind > 0 && optind <= argc ? argv[optind - 1] : NULL;
	const struct option *lo;
	int n;

	if ((c == ':' || c == '?') && cmd_slurm_name != NULL) {
		slurm_bad_option(c, prev, optopt, longopts);
		return '?';
	}
	switch (c) {
	case CMD_OPT_HELP:
		cmd_help(ce, stdout);
		return c;
	case ':':
		if ((lo = long_for(longopts, prev, optopt)) != NULL)
			cmd_usage_error(ce, "option --%s needs a value", lo->name);
		else
			cmd_usage_error(ce, "option -%c needs a value", optopt);
		return '?';
	case '?':
		if (optopt == 0 && prev != NULL) {
			n = (int)strcspn(prev, "=");
			cmd_usage_error(ce, "unknown option %.*s", n, prev);
		} else if ((lo = long_for(longopts, prev, optopt)) != NULL)
			cmd_usage_error(ce, "option --%s takes no value", lo->name);
		else if (isprint(optopt))
			cmd_usage_error(ce, "unknown option -%c", optopt);
		else
			cmd_usage_error(ce, "unknown option");
		return '?';
	}
	return c;
}

int cmd_stream_until(const struct msg *req, int (*each)(void *arg, const struct msg *m),
    void *arg, int64_t deadline_ms)
{
	struct hclient c;
	struct msg m;
	int rc = 1, got;

	if (hclient_connect(&c) != 0)
		return 1;
	c.deadline_ms = deadline_ms;
	if (hclient_send(&c, req) != 0)
		goto out;
	while ((got = hclient_next(&c, &m)) == 1) {
		if (hclient_is_error(&m) || strcmp(m.type, "end") == 0) {
			rc = strcmp(m.type, "end") == 0 ? 0 : 1;
			/* herdd's own trouble (it cannot write its database). */
			const char *w = msg_get(&m, "warning", NULL);
			if (w != NULL) {
				char vis[512];
				str_vis(vis, sizeof vis, w);
				fprintf(stderr, "herd: warning: %s\n", vis);
			}
			msg_clear(&m);
			break;
		}
		int stop = each(arg, &m);
		msg_clear(&m);
		if (stop) {
			rc = 0;
			break;
		}
	}
	if (got == HCLIENT_TIMEOUT)
		rc = CMD_TIMEOUT;
out:
	hclient_close(&c);
	return rc;
}

int cmd_stream(const struct msg *req, int (*each)(void *arg, const struct msg *m), void *arg)
{
	return cmd_stream_until(req, each, arg, 0);
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v <= 0 || v == LLONG_MAX)
		return -1;
	*id = v;
	return 0;
}

int cmd_is_job_ref(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 24 && strspn(s, "0123456789_") == n;
}

long long cmd_job_id(const char *s)
{
	int64_t v;
	char vis[128];
	if (parse_id(s, &v) != 0) {
		str_vis(vis, sizeof vis, s);
		fprintf(stderr, "herd: \"%s\" is not a job id\n", vis);
		return -1;
	}
	return v;
}

int cmd_flag(const char *arg, const char *longname, const char *shortname)
{
	return (longname && strcmp(arg, longname) == 0) || (shortname && strcmp(arg, shortname) == 0);
}

void id_list_add(struct id_list *l, int64_t id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = id;
}

int id_list_has(const struct id_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 1;
	return 0;
}

void id_list_clear(struct id_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

int cmd_parse_ids(struct id_list *l, int argc, char **argv, int first)
{
	for (int i = first; i < argc; i++) {
		long long id = cmd_job_id(argv[i]);
		if (id < 0)
			return -1;
		id_list_add(l, id);
	}
	return 0;
}

void job_filter_clear(struct job_filter *f)
{
	for (size_t i = 0; i < f->nusers; i++)
		free(f->users[i]);
	for (size_t i = 0; i < f->nnames; i++)
		free(f->names[i]);
	for (size_t i = 0; i < f->nparts; i++)
		free(f->parts[i]);
	free(f->users);
	free(f->names);
	free(f->parts);
	id_list_clear(&f->ids);
	memset(f, 0, sizeof *f);
}

/*
 * Call add(f, item) for each comma-separated item of list; an empty item
 * (",," or "") is an error, as in squeue.
 */
static int each_item(struct job_filter *f, const char *list, const char *what,
    int (*add)(struct job_filter *, const char *, char *, size_t), char *err, size_t errsz)
{
	char *copy = xstrdup(list), *save = NULL, *p;
	int rc = 0;
	if (list[0] == '\0' || list[strlen(list) - 1] == ',' || strstr(list, ",,") || list[0] == ',') {
		snprintf(err, errsz, "empty %s in \"%s\"", what, list);
		rc = -1;
	}
	for (p = strtok_r(copy, ",", &save); rc == 0 && p != NULL; p = strtok_r(NULL, ",", &save))
		rc = add(f, p, err, errsz);
	free(copy);
	return rc;
}

static int add_id(struct job_filter *f, const char *s, char *err, size_t errsz)
{
	int64_t id;
	if (parse_id(s, &id) != 0) {
		snprintf(err, errsz, "\"%s\" is not a job id", s);
		return -1;
	}
	id_list_add(&f->ids, id);
	return 0;
}

static int add_user(struct job_filter *f, const char *s, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	f->users = xreallocarray(f->users, f->nusers + 1, sizeof *f->users);
	f->users[f->nusers++] = xstrdup(s);
	return 0;
}

static int add_name(struct job_filter *f, const char *s, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	f->names = xreallocarray(f->names, f->nnames + 1, sizeof *f->names);
	f->names[f->nnames++] = xstrdup(s);
	return 0;
}

static int add_part(struct job_filter *f, const char *s, char *err, size_t errsz)
{
	(void)err, (void)errsz;
	f->parts = xreallocarray(f->parts, f->nparts + 1, sizeof *f->parts);
	f->parts[f->nparts++] = xstrdup(s);
	return 0;
}

/* Slurm's short forms, where herd has the state (CF: configuring is launching). */
static const struct { const char *name; int state; } state_alias[] = {
	{ "PD", JOB_PENDING }, { "CF", JOB_LAUNCHING }, { "CONFIGURING", JOB_LAUNCHING },
	{ "R", JOB_RUNNING }, { "CD", JOB_COMPLETED }, { "F", JOB_FAILED },
	{ "CA", JOB_CANCELLED }, { "TO", JOB_TIMEOUT }, { "NF", JOB_NODE_FAIL },
	{ "RQ", JOB_REQUEUED },
};

/* Slurm's short form of a state ("PD"), the first alias above; NULL none. */
const char *job_state_short(int state)
{
	for (size_t i = 0; i < sizeof state_alias / sizeof state_alias[0]; i++)
		if (state_alias[i].state == state)
			return state_alias[i].name;
	return NULL;
}

static int add_state(struct job_filter *f, const char *s, char *err, size_t errsz)
{
	if (strcasecmp(s, "all") == 0) {
		f->states = (1u << JOB_NSTATES) - 1;
		return 0;
	}
	for (int i = 0; i < JOB_NSTATES; i++)
		if (strcasecmp(s, job_state_name(i)) == 0) {
			f->states |= 1u << i;
			return 0;
		}
	for (size_t i = 0; i < sizeof state_alias / sizeof state_alias[0]; i++)
		if (strcasecmp(s, state_alias[i].name) == 0) {
			f->states |= 1u << state_alias[i].state;
			return 0;
		}
	snprintf(err, errsz, "\"%s\" is not a herd job state (PENDING/PD, LAUNCHING/CF, "
	    "RUNNING/R, COMPLETED/CD, FAILED/F, CANCELLED/CA, TIMEOUT/TO, NODE_FAIL/NF, REQUEUED/RQ, all)", s);
	return -1;
}

int job_filter_add_ids(struct job_filter *f, const char *list, char *err, size_t errsz)
{
	return each_item(f, list, "job id", add_id, err, errsz);
}

int job_filter_add_users(struct job_filter *f, const char *list, char *err, size_t errsz)
{
	return each_item(f, list, "user", add_user, err, errsz);
}

int job_filter_add_names(struct job_filter *f, const char *list, char *err, size_t errsz)
{
	return each_item(f, list, "name", add_name, err, errsz);
}

int job_filter_add_parts(struct job_filter *f, const char *list, char *err, size_t errsz)
{
	return each_item(f, list, "partition", add_part, err, errsz);
}

int job_filter_add_states(struct job_filter *f, const char *list, char *err, size_t errsz)
{
	return each_item(f, list, "state", add_state, err, errsz);
}

static int in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

int job_filter_match(const struct job_filter *f, const struct msg *m)
{
	/* An array's id names its tasks too, as squeue -j does. */
	if (f->ids.n > 0 && !id_list_has(&f->ids, msg_geti(m, "id", 0)) &&
	    !id_list_has(&f->ids, msg_geti(m, "array_job_id", 0)))
		return 0;
	if (f->nnames > 0 && !in_list(f->names, f->nnames, msg_get(m, "name", NULL)))
		return 0;
	if (f->nparts > 0 && !csv_has_any(msg_get(m, "partition", NULL),
	    (const char *const *)f->parts, f->nparts))
		return 0;
	if (f->nusers > 0 && !in_list(f->users, f->nusers, msg_get(m, "user", NULL)) &&
	    !in_list(f->users, f->nusers, msg_get(m, "uid", NULL)))
		return 0;
	if (f->states != 0) {
		const char *st = msg_get(m, "state", NULL);
		int i = 0;
		while (i < JOB_NSTATES && (st == NULL || strcmp(st, job_state_name(i)) != 0))
			i++;
		if (i == JOB_NSTATES || !(f->states & (1u << i)))
			return 0;
	}
	return 1;
}

const char *job_kind(const struct msg *m)
{
	return msg_get(m, "service", NULL) != NULL ? "service" : "batch";
}

void job_display_id(char *buf, size_t size, const struct msg *m)
{
	int64_t id = msg_geti(m, "id", 0), aid = msg_geti(m, "array_job_id", -1);
	int64_t task = msg_geti(m, "array_task_id", -1);
	const char *tasks = msg_get(m, "array_tasks", NULL);
	if (aid > 0 && tasks != NULL && task < 0) {
		/* Cut a long spec after a whole item, as squeue cuts it. */
		char vis[256];
		size_t room = size > 32 ? size - 32 : 8, len = strlen(tasks);
		str_vis(vis, sizeof vis, tasks);
		if (len >= room && room < sizeof vis) {
			size_t cut = room - 4;
			while (cut > 0 && vis[cut] != ',')
				cut--;
			memcpy(vis + cut, "...", 4);
		}
		snprintf(buf, size, "%" PRId64 "_[%s]", aid, vis);
	} else if (aid > 0 && task >= 0)
		snprintf(buf, size, "%" PRId64 "_%" PRId64, aid, task);
	else
		snprintf(buf, size, "%" PRId64, id);
}

int job_filter_active(const struct job_filter *f)
{
	return f->ids.n > 0 || f->nusers > 0 || f->nnames > 0 || f->states != 0;
}

/* A shell reports death by signal N as 128+N; Linux has signals 1 to 64. */
const char *signal_name(int sig)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGHUP, "SIGHUP" }, { SIGINT, "SIGINT" }, { SIGQUIT, "SIGQUIT" },
		{ SIGILL, "SIGILL" }, { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
		{ SIGBUS, "SIGBUS" }, { SIGFPE, "SIGFPE" }, { SIGKILL, "SIGKILL" },
		{ SIGUSR1, "SIGUSR1" }, { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
		{ SIGPIPE, "SIGPIPE" }, { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
		{ SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" }, { SIGSYS, "SIGSYS" },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].sig == sig)
			return names[i].name;
	return NULL;
}

void fmt_dhms(char *buf, size_t size, int64_t secs)
{
	if (secs < 0) {
		snprintf(buf, size, "-");
		return;
	}
	long long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
	if (d > 0)
		snprintf(buf, size, "%lld-%02lld:%02lld:%02lld", d, h, m, s);
	else
		snprintf(buf, size, "%02lld:%02lld:%02lld", h, m, s);
}

struct list_ctx {
	const struct list_opts *o;
	const struct list_fmt *fmt;
	struct table *t;
	size_t n;
};

static int list_each(void *arg, const struct msg *m)
{
	struct list_ctx *l = arg;
	if (l->o->filter != NULL && !job_filter_match(l->o->filter, m))
		return 0;
	if (l->t == NULL) {
		fputs(l->n ? ",\n" : "[\n", stdout);
		l->fmt->json(stdout, m);
	} else
		l->fmt->row(l->t, m);
	l->n++;
	return 0;
}

int cmd_list(const struct msg *req, const struct list_opts *o, const struct list_fmt *fmt)
{
	struct list_ctx l = { o, fmt, NULL, 0 };
	if (!o->json) {
		l.t = table_new(fmt->ncols, fmt->headers);
		table_set_header(l.t, !o->noheader);
	}
	int rc = cmd_stream(req, list_each, &l);
	if (o->json) {
		/* No answer, no array: an empty list would claim zero jobs. */
		if (l.n > 0)
			fputs("\n]\n", stdout);
		else if (rc == 0)
			fputs("[]\n", stdout);
		return rc;
	}
	if (rc == 0)
		table_print(l.t, stdout);
	table_free(l.t);
	return rc;
}

int (*cmd_result_quiet)(const char *why);

static struct {
	int on;
	size_t n;
} ids_json;

void cmd_ids_json_begin(void)
{
	ids_json.on = 1;
	ids_json.n = 0;
}

void cmd_ids_json_end(void)
{
	if (!ids_json.on)
		return;
	fputs(ids_json.n > 0 ? "\n]\n" : "[]\n", stdout);
	ids_json.on = 0;
}

/* One result line, "REF\t" (done) or "REF\tWHY", as an array element. */
static void ids_json_result(const char *r, const char *tab, int quiet)
{
	char ref[128];
	snprintf(ref, sizeof ref, "%.*s", (int)(tab - r), r);
	fputs(ids_json.n++ > 0 ? ",\n{\"job\": " : "[\n{\"job\": ", stdout);
	json_str(stdout, ref);
	if (tab[1] == '\0' || quiet)
		fputs(", \"ok\": true}", stdout);
	else {
		fputs(", \"ok\": false, \"error\": ", stdout);
		json_str(stdout, tab + 1);
		fputc('}', stdout);
	}
}

int cmd_send_ids(const char *type, const int64_t *ids, size_t n, char *const *refs, size_t nrefs,
    int64_t *others)
{
	struct hclient c;
	struct msg req, ans;
	const char *r;
	int rc = 1;

	if (hclient_connect(&c) != 0)
		return 1;
	msg_init(&req, type);
	for (size_t i = 0; i < n; i++)
		msg_addi(&req, "id", ids[i]);
	for (size_t i = 0; i < nrefs; i++)
		msg_adds(&req, "ref", refs[i]);
	if (others != NULL)
		msg_adds(&req, "others", "skip");
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			rc = 0;
			if (others != NULL)
				*others += msg_geti(&ans, "others", 0);
			for (size_t i = 0; (r = msg_get_nth(&ans, "result", i, NULL)) != NULL; i++) {
				const char *tab = strchr(r, '\t');
				int quiet = tab != NULL && tab[1] != '\0' &&
				    cmd_result_quiet != NULL && cmd_result_quiet(tab + 1);
				if (tab != NULL && ids_json.on)
					ids_json_result(r, tab, quiet);
				if (tab != NULL && tab[1] != '\0' && !quiet) {
					char vis[512];
					str_vis(vis, sizeof vis, tab + 1);
					fprintf(stderr, "herd: %s\n", vis);
					rc = 1;
				}
			}
		}
		msg_clear(&ans);
	}
	msg_clear(&req);
	hclient_close(&c);
	return rc;
}

int cmd_ids_command(const struct cmd_entry *ce, const char *type, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	struct id_list ids = { 0 };
	int ch, rc = 2, json = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'J') {
			json = 1;
			continue;
		}
		if (ch == 'h')
			cmd_help(ce, stdout);
		return ch == 'h' || ch == CMD_OPT_HELP ? 0 : 2;
	}
	if (cmd_parse_ids(&ids, argc, argv, optind) != 0)
		goto out;
	if (ids.n == 0) {
		rc = cmd_usage_error(ce, "no job ids");
		goto out;
	}
	rc = 0;
	if (json)
		cmd_ids_json_begin();
	for (size_t i = 0; i < ids.n; i += CMD_ID_CHUNK)
		rc |= cmd_send_ids(type, ids.v + i, ids.n - i < CMD_ID_CHUNK ? ids.n - i : CMD_ID_CHUNK,
		    NULL, 0, NULL);
	cmd_ids_json_end();
out:
	id_list_clear(&ids);
	return rc;
}

int job_filter_option(struct job_filter *f, int ch, const char *arg, const char **what,
    char *err, size_t errsz)
{
	switch (ch) {
	case 'u':
		*what = "--user";
		return job_filter_add_users(f, arg, err, errsz);
	case 'n':
		*what = "--name";
		return job_filter_add_names(f, arg, err, errsz);
	case 'j':
		*what = "--jobs";
		return job_filter_add_ids(f, arg, err, errsz);
	case 't':
		*what = "--states";
		return job_filter_add_states(f, arg, err, errsz);
	}
	return 1;
}

/*
 * slurm_sacct.c — herd under Slurm's name sacct (a link to herd; see
 * slurmname.c): the jobs herd knows, ended (herdd's history) and pending
 * or running (its queue), in sacct's fields and layouts, with its common
 * options (-j -u -A -S -E -s -X -n -P -p -o -a -r -N --name -b).
 *
 * Theory of operation: herdd filters its history itself (users, accounts,
 * partitions, names, nodes, states, the -S/-E window) as herd history asks
 * it; the queue's jobs are filtered here by the same rules (sacct_keep).
 * Each job's fields are made into text as it arrives (sacct_value, pure),
 * the rows sorted by job id as sacct lists them, then laid out by
 * sacct_line (pure): fixed columns with sacct's widths and its '+' on a
 * cut value, or -p/-P's '|'.  herd has no job steps, so every row is an
 * allocation: -X changes nothing, and no ".batch"/".extern" rows appear.
 * Without -j or -S, sacct starts at midnight today, and so does this.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "begintime.h"
#include "client.h"
#include "cmd.h"
#include "job.h"
#include "proto.h"
#include "slurm_sacct.h"
#include "util.h"

enum {
	F_JOBID, F_JOBIDRAW, F_JOBNAME, F_PARTITION, F_ACCOUNT, F_ALLOCCPUS, F_NCPUS, F_STATE,
	F_EXITCODE, F_ELAPSED, F_ELAPSEDRAW, F_START, F_END, F_SUBMIT, F_USER, F_UID, F_NODELIST,
	F_NNODES, F_ALLOCNODES, F_ALLOCTRES, F_REQTRES, F_TIMELIMIT, F_REQMEM, F_WORKDIR, F_COUNT
};

/* Names and default widths as sacct 22.05 has them; negative: left-justified. */
static const struct { const char *name; int width; } fields[F_COUNT] = {
	[F_JOBID] = { "JobID", -12 }, [F_JOBIDRAW] = { "JobIDRaw", -12 },
	[F_JOBNAME] = { "JobName", 10 }, [F_PARTITION] = { "Partition", 10 },
	[F_ACCOUNT] = { "Account", 10 }, [F_ALLOCCPUS] = { "AllocCPUS", 10 },
	[F_NCPUS] = { "NCPUS", 10 }, [F_STATE] = { "State", 10 },
	[F_EXITCODE] = { "ExitCode", 8 }, [F_ELAPSED] = { "Elapsed", 10 },
	[F_ELAPSEDRAW] = { "ElapsedRaw", 10 }, [F_START] = { "Start", 19 },
	[F_END] = { "End", 19 }, [F_SUBMIT] = { "Submit", 19 }, [F_USER] = { "User", 9 },
	[F_UID] = { "UID", 6 }, [F_NODELIST] = { "NodeList", 15 }, [F_NNODES] = { "NNodes", 8 },
	[F_ALLOCNODES] = { "AllocNodes", 10 }, [F_ALLOCTRES] = { "AllocTRES", 10 },
	[F_REQTRES] = { "ReqTRES", 10 }, [F_TIMELIMIT] = { "Timelimit", 10 },
	[F_REQMEM] = { "ReqMem", 10 }, [F_WORKDIR] = { "WorkDir", 20 },
};

const char *sacct_field_name(int kind)
{
	return kind >= 0 && kind < F_COUNT ? fields[kind].name : "";
}

/* One "Name%W" of len bytes at s into *out: 0, or -1 with *err. */
static int parse_one(const char *s, size_t len, struct sacct_field *out, char *err, size_t errsz)
{
	size_t n = strcspn(s, "%");
	if (n > len)
		n = len;
	for (int k = 0; k < F_COUNT; k++) {
		if (strlen(fields[k].name) != n || strncasecmp(s, fields[k].name, n) != 0)
			continue;
		out->kind = k;
		out->left = fields[k].width < 0;
		out->width = abs(fields[k].width);
		if (n == len)
			return 0;
		const char *w = s + n + 1, *end = s + len;
		int neg = w < end && *w == '-';
		long v = 0;
		w += neg;
		if (w == end)
			break;
		for (; w < end; w++) {
			if (!isdigit((unsigned char)*w) || (v = v * 10 + (*w - '0')) > SACCT_WIDTH_MAX)
				break;
		}
		if (w != end || v < 1) {
			snprintf(err, errsz, "bad width in \"%.*s\" (1 to %d)", (int)(len > 64 ? 64 : len),
			    s, SACCT_WIDTH_MAX);
			return -1;
		}
		out->width = (int)v;
		out->left = neg;
		return 0;
	}
	char name[80], vis[80], known[400];
	size_t used = 0;
	snprintf(name, sizeof name, "%.*s", (int)(n > 64 ? 64 : n), s);
	str_vis(vis, sizeof vis, name);
	known[0] = '\0';
	for (int k = 0; k < F_COUNT && used < sizeof known; k++)
		used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", k ? " " : "",
		    fields[k].name);
	snprintf(err, errsz, "invalid field \"%s\" (fields: %s)", vis, known);
	return -1;
}

int sacct_parse_format(const char *text, struct sacct_format *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof *out);
	if (text == NULL || strlen(text) > SACCT_FORMAT_MAX) {
		snprintf(err, errsz, "longer than %d bytes", SACCT_FORMAT_MAX);
		return -1;
	}
	for (const char *p = text; *p != '\0';) {
		size_t len = strcspn(p, ", \t");
		if (len > 0) {
			if (out->n == SACCT_FIELDS_MAX) {
				snprintf(err, errsz, "more than %d fields", SACCT_FIELDS_MAX);
				return -1;
			}
			if (parse_one(p, len, &out->f[out->n], err, errsz) != 0)
				return -1;
			out->n++;
		}
		p += len;
		p += *p != '\0';
	}
	if (out->n == 0) {
		snprintf(err, errsz, "no field");
		return -1;
	}
	return 0;
}

/* A string of the frame, visible; def where absent or empty. */
static const char *text(const struct msg *m, const char *key, const char *def, char *buf,
    size_t size)
{
	const char *v = msg_get(m, key, NULL);
	str_vis(buf, size, v != NULL && v[0] != '\0' ? v : def);
	return buf;
}

static const char *when(const struct msg *m, const char *key, char *buf, size_t size)
{
	int64_t t = msg_geti(m, key, 0);
	if (t <= 0) {
		snprintf(buf, size, "Unknown");
		return buf;
	}
	fmt_time(buf, size, t);
	return buf;
}

/* Seconds the job ran (to now while it runs); 0 never started. */
static int64_t ran(const struct msg *m, int64_t now)
{
	int64_t s = msg_geti(m, "start_time", 0), e = msg_geti(m, "end_time", 0);
	if (s <= 0)
		return 0;
	if (e <= 0)
		e = now;
	return e > s ? e - s : 0;
}

/* "cpu=2,gres/gpu=1,mem=4000M,node=1", Slurm's TRES order. */
static const char *tres(const struct msg *m, char *buf, size_t size)
{
	int64_t g = msg_geti(m, "ngpus", 0);
	char gpu[40] = "";
	if (g > 0)
		snprintf(gpu, sizeof gpu, "gres/gpu=%" PRId64 ",", g);
	snprintf(buf, size, "cpu=%" PRId64 ",%smem=%" PRId64 "M,node=1", msg_geti(m, "cpus", 1), gpu,
	    msg_geti(m, "mem_mb", 0));
	return buf;
}

static const char *num(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

/* Whether the job has been given its resources (started). */
static int started(const struct msg *m)
{
	return msg_geti(m, "start_time", 0) > 0;
}

const char *sacct_value(int kind, const struct msg *m, int64_t now, char *buf, size_t size)
{
	switch (kind) {
	case F_JOBID: job_display_id(buf, size, m); return buf;
	case F_JOBIDRAW: return num(buf, size, msg_geti(m, "id", 0));
	case F_JOBNAME: return text(m, "name", "", buf, size);
	case F_PARTITION: return text(m, "partition", "", buf, size);
	case F_ACCOUNT: return text(m, "account", "", buf, size);
	case F_ALLOCCPUS: return num(buf, size, started(m) ? msg_geti(m, "cpus", 1) : 0);
	case F_NCPUS: return num(buf, size, msg_geti(m, "cpus", 1));
	case F_STATE: return text(m, "state", "UNKNOWN", buf, size);
	case F_EXITCODE:
		if (msg_geti(m, "exit_code", -1) < 0) {	/* none yet: sacct's 0:0 */
			snprintf(buf, size, "0:0");
			return buf;
		}
		job_exit_format((int32_t)msg_geti(m, "exit_code", -1), buf, size);
		return buf;
	case F_ELAPSED: fmt_dhms(buf, size, ran(m, now)); return buf;
	case F_ELAPSEDRAW: return num(buf, size, ran(m, now));
	case F_START: return when(m, "start_time", buf, size);
	case F_END: return when(m, "end_time", buf, size);
	case F_SUBMIT: return when(m, "submit_time", buf, size);
	case F_USER: return text(m, "user", "", buf, size);
	case F_UID: return text(m, "uid", "", buf, size);
	case F_NODELIST: return text(m, "node", "None assigned", buf, size);
	case F_NNODES: return "1";	/* a herd job runs on one node */
	case F_ALLOCNODES: return started(m) ? "1" : "0";
	case F_ALLOCTRES: return started(m) ? tres(m, buf, size) : "";
	case F_REQTRES: return tres(m, buf, size);
	case F_TIMELIMIT:
		if (msg_geti(m, "time_limit", 0) <= 0)
			return "UNLIMITED";
		fmt_dhms(buf, size, msg_geti(m, "time_limit", 0));
		return buf;
	case F_REQMEM:
		snprintf(buf, size, "%" PRId64 "M", msg_geti(m, "mem_mb", 0));
		return buf;
	case F_WORKDIR: return text(m, "workdir", "", buf, size);
	}
	return "";
}

/* Append n bytes of s (or c repeated n times where s is NULL). */
static void put(char *dst, size_t size, size_t *used, const char *s, size_t n, char c)
{
	for (size_t i = 0; i < n && *used + 1 < size; i++)
		dst[(*used)++] = s != NULL ? s[i] : c;
	dst[*used] = '\0';
}

/* A row; a value too wide is cut with a '+' where mark, else just cut (a header's). */
static size_t line_of(const struct sacct_format *f, const char *const *vals, enum sacct_mode mode,
    int mark, char *dst, size_t size)
{
	size_t used = 0;
	if (size == 0)
		return 0;
	dst[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		const char *v = vals[i] != NULL ? vals[i] : "";
		size_t len = strlen(v), w = (size_t)f->f[i].width;
		if (mode != SACCT_FIXED) {
			if (i > 0 && mode == SACCT_PARSABLE2)
				put(dst, size, &used, "|", 1, 0);
			put(dst, size, &used, v, len, 0);
			if (mode == SACCT_PARSABLE)
				put(dst, size, &used, "|", 1, 0);
			continue;
		}
		if (len > w && mark) {	/* sacct cuts and marks the cut with a '+' */
			put(dst, size, &used, v, w > 0 ? w - 1 : 0, 0);
			put(dst, size, &used, "+", w > 0, 0);
		} else if (len > w) {	/* a header: print_fields_header's "%*.*s" */
			put(dst, size, &used, v, w, 0);
		} else if (f->f[i].left) {
			put(dst, size, &used, v, len, 0);
			put(dst, size, &used, NULL, w - len, ' ');
		} else {
			put(dst, size, &used, NULL, w - len, ' ');
			put(dst, size, &used, v, len, 0);
		}
		put(dst, size, &used, " ", 1, 0);
	}
	return used;
}

size_t sacct_line(const struct sacct_format *f, const char *const *vals, enum sacct_mode mode,
    char *dst, size_t size)
{
	return line_of(f, vals, mode, 1, dst, size);
}

size_t sacct_header(const struct sacct_format *f, enum sacct_mode mode, char *dst, size_t size)
{
	const char *names[SACCT_FIELDS_MAX];
	for (size_t i = 0; i < f->n; i++)
		names[i] = sacct_field_name(f->f[i].kind);
	return line_of(f, names, mode, 0, dst, size);
}

size_t sacct_rule(const struct sacct_format *f, char *dst, size_t size)
{
	size_t used = 0;
	if (size == 0)
		return 0;
	dst[0] = '\0';
	for (size_t i = 0; i < f->n; i++) {
		put(dst, size, &used, NULL, (size_t)f->f[i].width, '-');
		put(dst, size, &used, " ", 1, 0);
	}
	return used;
}

/* ---- the command ---- */

#define SACCT_ROWS_MAX 200000	/* history's 100000 and the queue */

struct sacct_row {
	int64_t id;
	char *cell[SACCT_FIELDS_MAX];
};

struct sacct_run {
	const struct sacct_format *fmt;
	struct job_filter filter;	/* ids, users, names, partitions, states */
	struct job_filter more;		/* its names: the accounts; parts: the nodes */
	int64_t since, until, now;
	int all;			/* every user's jobs */
	int from_queue;
	struct sacct_row *rows;
	size_t n, cap;
};

/* What herdd's history filters itself, checked here on the queue's jobs. */
static int keep(const struct sacct_run *r, const struct msg *m)
{
	const char *acct = msg_get(m, "account", NULL), *node = msg_get(m, "node", NULL);
	if (!job_filter_match(&r->filter, m))
		return 0;
	if (!r->from_queue)
		return 1;
	if (r->more.nnames > 0 && !csv_has_any(acct, (const char *const *)r->more.names,
	    r->more.nnames))
		return 0;
	if (r->more.nparts > 0 && !csv_has_any(node, (const char *const *)r->more.parts,
	    r->more.nparts))
		return 0;
	return r->until <= 0 || msg_geti(m, "submit_time", 0) <= r->until;
}

static int each_job(void *arg, const struct msg *m)
{
	struct sacct_run *r = arg;
	char buf[1024];
	if (strcmp(m->type, "job") != 0 || !keep(r, m) || r->n >= SACCT_ROWS_MAX)
		return 0;
	for (size_t i = 0; r->from_queue && i < r->n; i++)	/* ended between the answers */
		if (r->rows[i].id == msg_geti(m, "id", 0))
			return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->rows = xrealloc(r->rows, r->cap * sizeof *r->rows);
	}
	struct sacct_row *row = &r->rows[r->n++];
	row->id = msg_geti(m, "id", 0);
	for (size_t i = 0; i < r->fmt->n; i++)
		row->cell[i] = xstrdup(sacct_value(r->fmt->f[i].kind, m, r->now, buf, sizeof buf));
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct sacct_row *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct cmd_entry sacct_entry = {
	"sacct", "sacct [-j ID[,ID]] [-u USER] [-A ACCOUNT] [-S TIME] [-E TIME] [-s STATE] [-X] "
	"[-n] [-P|-p] [-o FIELDS]",
	"herd's jobs as Slurm's sacct prints them",
	"options:\n"
	"  -j, --jobs ID[,ID]        these jobs (an array's id: its tasks too)\n"
	"  -u, --user USER[,USER]    these users' jobs      -a, --allusers  every user's\n"
	"  -A, --accounts A[,A]      these accounts' jobs\n"
	"  -r, --partition P[,P]     -N, --nodelist NODE[,NODE]   --name NAME[,NAME]\n"
	"  -S, --starttime TIME      from TIME (default: midnight today, without -j)\n"
	"  -E, --endtime TIME        to TIME: now, now-2hours, YYYY-MM-DD[THH:MM[:SS]]\n"
	"  -s, --state STATE[,...]   these states (CD, F, CA, TO, R, PD, ...)\n"
	"  -X, --allocations         allocations only (herd has no steps: always so)\n"
	"  -n, --noheader            no header lines\n"
	"  -P, --parsable2           fields separated by |    -p, --parsable  | after each\n"
	"  -o, --format FIELDS       Slurm's field names (FIELD%WIDTH): JobID JobIDRaw\n"
	"                            JobName Partition Account AllocCPUS NCPUS State\n"
	"                            ExitCode Elapsed ElapsedRaw Start End Submit User\n"
	"                            UID NodeList NNodes AllocNodes AllocTRES ReqTRES\n"
	"                            Timelimit ReqMem WorkDir\n"
	"  -b, --brief               JobID,State,ExitCode\n"
	"      --help                this help\n",
	cmd_sacct
};

/* Slurm's sacct options herd does not act on: refused by name. */
static int sacct_refused(int ch)
{
	static const struct { int ch; const char *name; } no[] = {
		{ 'l', "--long" }, { 'D', "--duplicates" }, { 'L', "--allclusters" },
		{ 'M', "--clusters" }, { 'e', "--helpformat" }, { 'J', "--json" },
		{ 'T', "--truncate" }, { 'W', "--wckeys" },
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (no[i].ch == ch) {
			fprintf(stderr, "sacct: %s is not supported by herd (see herd history; "
			    "-o FIELDS chooses the fields)\n", no[i].name);
			return 1;
		}
	return 0;
}

/* -o's fields after those of an -o before (sacct appends each); 1 (said) past the bound. */
static int add_fields(char *fields, size_t size, const char *arg)
{
	size_t used = strlen(fields);
	if (used + (used > 0) + strlen(arg) > SACCT_FORMAT_MAX) {
		fprintf(stderr, "sacct: -o: the fields are longer than %d bytes\n", SACCT_FORMAT_MAX);
		return 1;
	}
	snprintf(fields + used, size - used, "%s%s", used > 0 ? "," : "", arg);
	return 0;
}

/* Midnight today, local time: sacct's default start. */
static int64_t midnight(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL)
		return 0;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* A comma list into l's names (or parts): 0, or 1 with the message. */
static int list_opt(const char *opt, const char *arg, struct job_filter *f, int parts)
{
	char err[HERD_ERRLEN];
	if ((parts ? job_filter_add_parts : job_filter_add_names)(f, arg, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "sacct: invalid %s \"%s\": %s\n", opt, arg, err);
	return 1;
}

/* The options into r: 0, 1 (refused or unknown), -2 (--help printed). */
static int sacct_options(int argc, char **argv, struct sacct_run *r, struct sacct_format *fmt,
    enum sacct_mode *mode, int *noheader)
{
	static const struct option lo[] = {
		{ "jobs", required_argument, NULL, 'j' }, { "user", required_argument, NULL, 'u' },
		{ "uid", required_argument, NULL, 'u' }, { "accounts", required_argument, NULL, 'A' },
		{ "allusers", no_argument, NULL, 'a' }, { "partition", required_argument, NULL, 'r' },
		{ "nodelist", required_argument, NULL, 'N' }, { "name", required_argument, NULL, 'm' },
		{ "starttime", required_argument, NULL, 'S' }, { "endtime", required_argument, NULL, 'E' },
		{ "state", required_argument, NULL, 's' }, { "allocations", no_argument, NULL, 'X' },
		{ "noheader", no_argument, NULL, 'n' }, { "parsable2", no_argument, NULL, 'P' },
		{ "parsable", no_argument, NULL, 'p' }, { "format", required_argument, NULL, 'o' },
		{ "brief", no_argument, NULL, 'b' }, { "long", no_argument, NULL, 'l' },
		{ "duplicates", no_argument, NULL, 'D' }, { "allclusters", no_argument, NULL, 'L' },
		{ "clusters", required_argument, NULL, 'M' }, { "helpformat", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'J' }, { "truncate", no_argument, NULL, 'T' },
		{ "wckeys", required_argument, NULL, 'W' },
		CMD_HELP_OPTION, { NULL, 0, NULL, 0 },
	};
	const char *spec = SACCT_DEFAULT_FORMAT;
	static char fields[SACCT_FORMAT_MAX + 2];	/* every -o, joined as sacct's */
	char err[HERD_ERRLEN];
	int ch, bad = 0, ids = 0;

	fields[0] = '\0';
	cmd_getopt_start();
	while (!bad && (ch = cmd_getopt(&sacct_entry, argc, argv, "j:u:A:ar:N:S:E:s:XnPpo:blDLM:eTW:",
	    lo)) != -1) {
		switch (ch) {
		case CMD_OPT_HELP: return -2;	/* printed: status 0 */
		case 'j':
			ids = r->all = 1;
			if (job_filter_add_ids(&r->filter, optarg, err, sizeof err) != 0) {
				fprintf(stderr, "sacct: invalid -j \"%s\": %s\n", optarg, err);
				bad = 1;
			}
			break;
		case 'u':
			r->all = 1;
			if (job_filter_add_users(&r->filter, optarg, err, sizeof err) != 0) {
				fprintf(stderr, "sacct: invalid --user \"%s\": %s\n", optarg, err);
				bad = 1;
			}
			break;
		case 'A': r->all = 1; bad = list_opt("--accounts", optarg, &r->more, 0); break;
		case 'a': r->all = 1; break;
		case 'r': bad = list_opt("--partition", optarg, &r->filter, 1); break;
		case 'N': bad = list_opt("--nodelist", optarg, &r->more, 1); break;
		case 'm': bad = list_opt("--name", optarg, &r->filter, 0); break;
		case 'S': case 'E': {
			time_t t;
			if (begin_parse_past(optarg, ch == 'S' ? "-S" : "-E", (time_t)r->now, &t, err,
			    sizeof err) != 0) {
				fprintf(stderr, "sacct: %s\n", err);
				bad = 1;
			} else if (ch == 'S')
				r->since = t > 0 ? (int64_t)t : 1;
			else
				r->until = t > 0 ? (int64_t)t : 1;
			break;
		}
		case 's':
			if (job_filter_add_states(&r->filter, optarg, err, sizeof err) != 0) {
				fprintf(stderr, "sacct: invalid --state \"%s\": %s\n", optarg, err);
				bad = 1;
			}
			break;
		case 'X': break;	/* herd has no steps: every row is an allocation */
		case 'n': *noheader = 1; break;
		case 'P': *mode = SACCT_PARSABLE2; break;
		case 'p': *mode = SACCT_PARSABLE; break;
		case 'o': bad = add_fields(fields, sizeof fields, optarg); spec = fields; break;
		case 'b': spec = SACCT_BRIEF_FORMAT; break;
		default: (void)sacct_refused(ch); return 1;	/* by name, or unknown: 1 */
		}
	}
	if (bad)
		return 1;
	if (optind < argc) {
		fprintf(stderr, "sacct: unexpected argument \"%s\" (job ids go in -j)\n", argv[optind]);
		return 1;
	}
	if (sacct_parse_format(spec, fmt, err, sizeof err) != 0) {
		fprintf(stderr, "sacct: %s\n", err);
		return 1;
	}
	if (r->since < 0)
		r->since = ids ? 0 : midnight(r->now);
	return 0;
}

/* The history request: herdd filters as herd history asks it (histfilter.h). */
static void history_request(const struct sacct_run *r, struct msg *req)
{
	const struct { const char *key; char *const *v; size_t n; } lists[] = {
		{ "user", r->filter.users, r->filter.nusers },
		{ "partition", r->filter.parts, r->filter.nparts },
		{ "name", r->filter.names, r->filter.nnames },
		{ "account", r->more.names, r->more.nnames },
		{ "node", r->more.parts, r->more.nparts },
	};
	msg_init(req, "history");
	for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
		for (size_t i = 0; i < lists[k].n; i++)
			msg_adds(req, lists[k].key, lists[k].v[i]);
	msg_addi(req, "all", r->all);
	msg_addi(req, "limit", 100000);
	if (r->filter.states)
		msg_addi(req, "states", r->filter.states);
	if (r->since > 0)
		msg_addi(req, "since", r->since);
	if (r->until > 0)
		msg_addi(req, "until", r->until);
}

static void print_rows(const struct sacct_run *r, enum sacct_mode mode, int noheader)
{
	static char line[SACCT_FIELDS_MAX * (SACCT_WIDTH_MAX + 2) + 1024];
	if (!noheader) {
		sacct_header(r->fmt, mode, line, sizeof line);
		printf("%s\n", line);
		if (mode == SACCT_FIXED) {
			sacct_rule(r->fmt, line, sizeof line);
			printf("%s\n", line);
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		sacct_line(r->fmt, (const char *const *)r->rows[i].cell, mode, line, sizeof line);
		printf("%s\n", line);
	}
}

static void run_free(struct sacct_run *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->fmt->n; k++)
			free(r->rows[i].cell[k]);
	free(r->rows);
	job_filter_clear(&r->filter);
	job_filter_clear(&r->more);
}

int cmd_sacct(int argc, char **argv)
{
	static struct sacct_format fmt;
	struct sacct_run r = { 0 };
	enum sacct_mode mode = SACCT_FIXED;
	struct msg req;
	int noheader = 0, rc;

	r.fmt = &fmt;
	r.now = wall_s();
	r.since = -1;
	if ((rc = sacct_options(argc, argv, &r, &fmt, &mode, &noheader)) != 0) {
		run_free(&r);
		return rc == -2 ? 0 : rc;
	}
	history_request(&r, &req);
	rc = cmd_stream(&req, each_job, &r);
	msg_clear(&req);
	if (rc == 0) {	/* then the jobs not ended: pending and running */
		r.from_queue = 1;
		msg_init(&req, "queue");
		msg_addi(&req, "mine", !r.all);
		rc = cmd_stream(&req, each_job, &r);
		msg_clear(&req);
	}
	if (rc == 0) {
		qsort(r.rows, r.n, sizeof *r.rows, by_id);
		print_rows(&r, mode, noheader);
	}
	run_free(&r);
	return rc;
}

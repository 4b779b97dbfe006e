/*
 * config.c — hosts.ini → struct config.
 *
 * Theory of operation
 *
 * The file is read whole (at most CONFIG_FILE_MAX bytes) and split into
 * lines by a small strict reader of our own.  We do not hand the file to
 * inih: Debian's libinih (r55) is built with a 200-byte stack line buffer,
 * truncates section names to 49 bytes without an error (so a legal 63-byte
 * node name would silently become another name), cuts values at " ;", and
 * reads an indented "port = 22" as a continuation of the previous value.
 * Each of those turns a correct-looking file into a wrong config, and none
 * can be switched off portably.  The syntax accepted here is inih's plain
 * subset, made strict:
 *
 *	[section]		controller, defaults, "node NAME", or (acct.c's)
 *				"account NAME" and priority
 *	key = value		split at the first '='; both sides trimmed
 *	# comment, ; comment	only as the first non-blank character
 *
 * Lines may be indented and may end in CRLF; a UTF-8 BOM is skipped.  There
 * is no quoting, no continuation and no inline comment: a value is the
 * literal text after '='; " #" or " ;" inside it is refused rather than
 * guessed at.  A NUL or any other control byte but tab is an error.
 *
 * Keys are described by two tables (controller keys, node keys); [defaults]
 * takes node keys.  Values are parsed and checked as they are read, so an
 * error names the line of the offending key.  After the last line,
 * config_finish() gives each node what it did not set: the [defaults] value
 * if there is one (already resolved, and [defaults] may come anywhere in
 * the file), else the table default, else a computed one (user, state
 * paths).  Every allocated string lives in the struct config from the
 * moment it is made, so config_clear() frees a half-built one as well.
 *
 * Every user's herd also reads the lab's system-wide file (config.h,
 * CONFIG_SYSTEM_PATH), which its admin checks with herdd --check, not the
 * user.  config_load_client() passes only the lines of [controller]'s
 * client keys to the same strict line reader (client_line()) and skips
 * the rest unread, so a node section, a key of a newer herdd or a line
 * that only herdd would refuse never stops a user's command, while a bad
 * socket or mode still says FILE:LINE.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "acct.h"
#include "config.h"
#include "constraint.h"
#include "gputype.h"
#include "jobopt.h"
#include "sched.h"
#include "util.h"

#define CONFIG_FILE_MAX	(1024 * 1024)
#define CONFIG_LINE_MAX	4096
#define KEYS_MAX	32
#define SUN_PATH_MAX	(sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

enum ktype {
	K_INT,		/* decimal integer within [min, max] */
	K_BOOL,		/* yes/no, true/false, on/off, 1/0: an int */
	K_WORD,		/* one word, not starting with '-' (host, user) */
	K_NAME,		/* [A-Za-z0-9._-], see CONFIG_NAME_MAX */
	K_PATH,		/* local path: ~/ and relative to the file expanded */
	K_RPATH,	/* node-side path, kept as written */
	K_LIST,		/* names separated by commas or blanks (admins) */
	K_FROM,		/* an authorized_keys from= pattern list: no quotes or blanks */
	K_TIME,		/* a Slurm duration ("2:00:00", "1-0", "infinite"): int seconds */
	K_NODES,	/* node names (checked against [node]s at the end), or ALL */
	K_NOTYET,	/* a key herd knows but does not act on yet: refused, with why */
	K_AGE,		/* a number of days, or with a unit s, m, h, d: int seconds */
	K_DUR,		/* K_AGE with a unit required (s, m, h, d); 0 or none: none */
	K_SIZE,		/* a size as --mem takes it ("512M", "2G"; bare: MB): int MB in
			 * [min, max] */
	K_FEATS,	/* node features (constraint.h names), commas or blanks */
	K_GTYPES,	/* GPU type names (gputype.h), commas or blanks */
	K_ENFORCE,	/* gpu_share_enforce: report (0) or kill (1), an int */
};


struct key {
	const char *name;
	enum ktype type;
	size_t off;	/* into struct config or struct node_conf */
	int min, max;
	const char *def; /* parsed like a value; NULL: none or computed; K_NOTYET: why */
	int required;
};

/* The kinds stored as an int (the rest are strings). */
static int key_is_int(const struct key *k)
{
	return k->type == K_INT || k->type == K_BOOL || k->type == K_TIME ||
	    k->type == K_AGE || k->type == K_DUR || k->type == K_SIZE || k->type == K_ENFORCE;
}

#define C(f) offsetof(struct config, f)
#define N(f) offsetof(struct node_conf, f)

static const struct key ctl_keys[] = {
	{ "cluster", K_NAME, C(cluster), 0, 0, "herd", 0 },
	{ "state_dir", K_PATH, C(state_dir), 0, 0, NULL, 0 },
	{ "socket", K_PATH, C(socket_path), 0, 0, NULL, 0 },
	{ "log_file", K_PATH, C(log_file), 0, 0, NULL, 0 },
	{ "probe_interval", K_INT, C(probe_interval_s), 1, 86400, "30", 0 },
	{ "kill_grace", K_INT, C(kill_grace_s), 0, 3600, "10", 0 },
	/* Slurm's MaxArraySize: task ids 0..N-1 (ARRAYSPEC_MAX_SIZE). */
	{ "max_array_size", K_INT, C(max_array_size), 1, 4000001, "1001", 0 },
	{ "kill_invalid_depend", K_BOOL, C(kill_invalid_depend), 0, 1, "yes", 0 },
	/* Backfill: how many jobs that cannot start get a reservation (1: EASY). */
	{ "reservations", K_INT, C(reservations), 1, SCHED_RESV_MAX, "1", 0 },
	/* Lab mode (herdd(8), "LAB MODE"). */
	{ "mode", K_WORD, C(mode), 0, 0, "personal", 0 },
	{ "admins", K_LIST, C(admins), 0, 0, NULL, 0 },
	{ "lab_key", K_PATH, C(lab_key), 0, 0, NULL, 0 },
	{ "lab_from", K_FROM, C(lab_from), 0, 0, NULL, 0 },
	{ "session_idle", K_INT, C(session_idle_s), 1, 86400, "300", 0 },
	/* Being told (ctl_notify.c): the site's program herdd runs once per job
	 * event, given it in HERD_* variables; killed after notify_timeout s. */
	{ "notify_command", K_PATH, C(notify_command), 0, 0, NULL, 0 },
	{ "notify_timeout", K_INT, C(notify_timeout_s), 1, 3600, "30", 0 },
	/* A client's: herdd runs on HOST, reached through `ssh HOST herd --stdio-bridge`. */
	{ "controller", K_WORD, C(controller), 0, 0, NULL, 0 },
};

static const struct key node_keys[] = {
	{ "host", K_WORD, N(host), 0, 0, NULL, 1 },
	{ "port", K_INT, N(port), 1, 65535, "22", 0 },
	{ "user", K_WORD, N(user), 0, 0, NULL, 0 },
	{ "identity", K_PATH, N(identity), 0, 0, NULL, 0 },
	{ "known_hosts", K_PATH, N(known_hosts), 0, 0, "~/.ssh/known_hosts", 0 },
	{ "herd_dir", K_RPATH, N(herd_dir), 0, 0, ".herd", 0 },
	{ "connect_timeout", K_INT, N(connect_timeout_s), 1, 3600, "10", 0 },
	{ "command_timeout", K_INT, N(command_timeout_s), 1, 3600, "30", 0 },
	{ "keepalive", K_INT, N(keepalive_s), 0, 3600, "15", 0 },
	/* herd doctor: a node without GPUs, where no nvidia-smi is no fault. */
	{ "cpu_only", K_BOOL, N(cpu_only), 0, 1, "no", 0 },
	{ "foreign_mem_threshold", K_SIZE, N(foreign_mem_threshold_mb), 0, 1 << 24, "512M", 0 },
	{ "share_foreign", K_BOOL, N(share_foreign), 0, 1, "no", 0 },
	/* Outages and housekeeping (nodestate.h, ctl_outage.c, housekeep.c). */
	{ "down_after", K_INT, N(down_after_s), 1, 604800, "120", 0 },
	{ "node_fail_after", K_INT, N(node_fail_after_s), 0, 31536000, "600", 0 },
	{ "keep_job_files", K_AGE, N(keep_job_files_s), 0, 3650 * 86400, "1", 0 },
	{ "min_free_disk", K_SIZE, N(min_free_disk_mb), 0, INT_MAX, "1G", 0 },
	/* What --constraint and --gpus TYPE:N match (constraint.h, gputype.h). */
	{ "features", K_FEATS, N(features), 0, 0, NULL, 0 },
	{ "gpu_types", K_GTYPES, N(gpu_types), 0, 0, NULL, 0 },
	/* --gpu-share jobs may share its GPUs by memory (gpushare.h). */
	{ "gpu_share", K_BOOL, N(gpu_share), 0, 1, "no", 0 },
	{ "gpu_share_enforce", K_ENFORCE, N(gpu_share_enforce), 0, 1, "report", 0 },
};

/*
 * [partition NAME] and [qos NAME], Slurm's PartitionName and QOS settings.
 * A [qos]'s limit keys (max_gpus, ...) are limit.c's table, as an
 * [account]'s are.
 */
#define P(f) offsetof(struct part_conf, f)
#define Q(f) offsetof(struct qos_conf, f)

static const struct key part_keys[] = {
	{ "nodes", K_NODES, P(nodes), 0, 0, NULL, 1 },
	{ "default", K_BOOL, P(is_default), 0, 1, "no", 0 },
	{ "max_time", K_TIME, P(max_time_s), 0, 0, NULL, 0 },
	{ "default_time", K_TIME, P(default_time_s), 0, 0, NULL, 0 },
	{ "allow_users", K_LIST, P(allow_users), 0, 0, NULL, 0 },
	{ "priority_tier", K_INT, P(priority_tier), 0, 65533, "1", 0 },
	{ "priority_job_factor", K_INT, P(priority_job_factor), 0, 65533, NULL, 0 },
	{ "allow_accounts", K_LIST, P(allow_accounts), 0, 0, NULL, 0 },
	/* Its jobs may share its nodes' GPUs by memory (gpushare.h). */
	{ "gpu_share", K_BOOL, P(gpu_share), 0, 1, "no", 0 },
	{ "gpu_share_enforce", K_ENFORCE, P(gpu_share_enforce), 0, 1, "report", 0 },
	/* Interactive allocations (herd alloc, herd run) with nothing attached
	 * and no GPU process this long are released (ctl_idle.c). */
	{ "idle_timeout", K_DUR, P(idle_timeout_s), 0, 365 * 86400, "0", 0 },
	/* services = no keeps its GPUs for batch work: a service submitted to
	 * it is refused (part_services_refused, partition.c). */
	{ "services", K_BOOL, P(services), 0, 1, "yes", 0 },
};

static const struct key qos_keys[] = {
	{ "priority", K_INT, Q(priority), 0, 1000000, "0", 0 },
	{ "max_time", K_TIME, Q(max_time_s), 0, 0, NULL, 0 },
};

#define NITEMS(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(NITEMS(ctl_keys) <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(NITEMS(node_keys) <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(NITEMS(part_keys) <= KEYS_MAX, "KEYS_MAX too small");
_Static_assert(NITEMS(qos_keys) <= KEYS_MAX, "KEYS_MAX too small");

enum section { S_NONE, S_CTL, S_DEF, S_NODE, S_ACCT, S_PRIO, S_PART, S_QOS };

struct parse {
	const char *file;	/* as the caller named it, for messages */
	char *dir;		/* directory of the file, absolute */
	struct config *c;
	char *err;
	size_t errsz;
	enum section sect;
	int ctl_line, def_line;	/* header lines; 0: not seen */
	int cline[KEYS_MAX];	/* line that set each controller key */
	int client;		/* config_load_client: [controller]'s client keys only */
	struct node_conf def;	/* [defaults] */
	int dline[KEYS_MAX];
	int (*nline)[KEYS_MAX];	/* per node: line that set each key */
	size_t ncap;
	int (*pline)[KEYS_MAX];	/* per [partition], per [qos]: the same */
	int (*qline)[KEYS_MAX];
};

/* Format "FILE:LINE: ..." (or "FILE: ..." when line is 0); returns -1. */
static int __attribute__((format(printf, 3, 4)))
perr(struct parse *p, int line, const char *fmt, ...)
{
	char msg[512], file[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	str_vis(file, sizeof file, p->file);
	if (line > 0)
		snprintf(p->err, p->errsz, "%s:%d: %s", file, line, msg);
	else
		snprintf(p->err, p->errsz, "%s: %s", file, msg);
	return -1;
}

/* Untrusted text, shortened and escaped for a message. */
static const char *vis(char *dst, size_t size, const char *s)
{
	str_vis(dst, size, s);
	return dst;
}

static const char *home_dir(void)
{
	const char *h = getenv("HOME");
	struct passwd *pw;

	if (h != NULL && h[0] == '/')
		return h;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir[0] == '/')
		return pw->pw_dir;
	return NULL;
}

/* XDG says a relative $XDG_STATE_HOME is to be ignored.  NULL: no home. */
char *config_default_state_dir(void)
{
	const char *x = getenv("XDG_STATE_HOME"), *h;
	char *s;

	if (x != NULL && x[0] == '/') {
		xasprintf(&s, "%s/herd", x);
		return s;
	}
	if ((h = home_dir()) == NULL)
		return NULL;
	xasprintf(&s, "%s/.local/state/herd", h);
	return s;
}

static int valid_name(const char *s)
{
	return name_valid(s, strlen(s), CONFIG_NAME_MAX);
}

static int parse_int(struct parse *p, const struct key *k, const char *v,
    int line, int *out)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if ((v[0] != '-' && (v[0] < '0' || v[0] > '9')) || *end != '\0')
		return perr(p, line, "%s: \"%.32s\" is not a number", k->name, v);
	if (errno == ERANGE || n < k->min || n > k->max)
		return perr(p, line, "%s: %.32s is out of range %d..%d",
		    k->name, v, k->min, k->max);
	*out = (int)n;
	return 0;
}

/* "~" and "~/x" from the home directory, "x" from the file's directory. */
static int expand_path(struct parse *p, const struct key *k, const char *v,
    int line, char **out)
{
	const char *home;

	if (v[0] == '~' && v[1] != '\0' && v[1] != '/')
		return perr(p, line, "%s: ~user paths are not supported", k->name);
	if (v[0] == '~') {
		if ((home = home_dir()) == NULL)
			return perr(p, line, "%s: cannot expand ~: no home "
			    "directory ($HOME is not set)", k->name);
		xasprintf(out, "%s%s", home, v + 1);
	} else if (v[0] == '/')
		*out = xstrdup(v);
	else
		xasprintf(out, "%s/%s", p->dir, v);
	if (strlen(*out) >= PATH_MAX) {
		free(*out);
		*out = NULL;
		return perr(p, line, "%s: path too long", k->name);
	}
	return 0;
}

static int parse_bool(struct parse *p, const struct key *k, const char *v, int line, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no",
	    "false", "off", "0" };
	char tmp[80];
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0 || strcasecmp(v, no[i]) == 0) {
			*out = strcasecmp(v, yes[i]) == 0;
			return 0;
		}
	}
	return perr(p, line, "%s: \"%s\" is not yes or no", k->name, vis(tmp, sizeof tmp, v));
}

/* What a sharing job that uses more GPU memory than it declared meets. */
static int parse_enforce(struct parse *p, const struct key *k, const char *v, int line,
    int *out)
{
	char tmp[80];
	if (strcmp(v, "report") == 0 || strcmp(v, "kill") == 0) {
		*out = strcmp(v, "kill") == 0;
		return 0;
	}
	return perr(p, line, "%s: \"%s\" is not report or kill", k->name,
	    vis(tmp, sizeof tmp, v));
}

/* Each name of a list: a user name as useradd allows it. */
static int check_list(struct parse *p, const struct key *k, const char *v, int line)
{
	char err[HERD_ERRLEN];
	if (user_list_check(k->name, v, err, sizeof err) != 0)
		return perr(p, line, "%s", err);
	return 0;
}

/* Each word of a features or gpu_types list: a name a job can ask for. */
static int check_tags(struct parse *p, const struct key *k, const char *v, int line)
{
	char w[CONSTRAINT_NAME_MAX + 1], shown[80], err[HERD_ERRLEN];
	for (const char *s = v + strspn(v, ", \t"); *s != '\0';) {
		size_t len = strcspn(s, ", \t");
		snprintf(w, sizeof w, "%.*s", (int)(len < sizeof w - 1 ? len : sizeof w - 1), s);
		int ok = len < sizeof w && (k->type == K_GTYPES ? gputype_valid(w) :
		    constraint_check(w, err, sizeof err) == 0 && strcspn(w, "&|()[]") == len);
		if (!ok)
			return perr(p, line, "%s: bad %s \"%s\"", k->name, k->type == K_GTYPES ?
			    "GPU type name (at most 32 of A-Z a-z 0-9 . _ -)" : "feature name",
			    vis(shown, sizeof shown, w));
		s += len;
		s += strspn(s, ", \t");
	}
	return 0;
}

/* A duration as --time takes it; "infinite": none (0). */
static int parse_time(struct parse *p, const struct key *k, const char *v, int line, int *out)
{
	char err[HERD_ERRLEN];
	int64_t secs;
	if (parse_duration_s(v, &secs, err, sizeof err) != 0)
		return perr(p, line, "%s: %s", k->name, err);
	if (secs > INT_MAX)
		return perr(p, line, "%s: longer than %d seconds", k->name, INT_MAX);
	*out = (int)secs;
	return 0;
}

/*
 * keep_job_files: days as the issue and hosts.ini(5) say, or with a unit
 * (s, m, h, d) for the short ones tests and busy nodes want: "1", "2d",
 * "12h", "30s".  Whole numbers only, at most 12 digits, within the key's
 * bounds (seconds).
 */
static int parse_age(struct parse *p, const struct key *k, const char *v, int line, int *out)
{
	static const struct { char u; long long secs; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	char tmp[48];
	long long n = 0, mul = k->type == K_DUR ? 0 : 86400;
	size_t i;
	if (k->type == K_DUR && (strcmp(v, "0") == 0 || strcmp(v, "none") == 0)) {
		*out = 0;
		return 0;
	}
	for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 12; i++)
		n = n * 10 + (v[i] - '0');
	int ok = i > 0 && (v[i] == '\0' || v[i + 1] == '\0') && (mul != 0 || v[i] != '\0');
	if (ok && v[i] != '\0') {
		ok = 0;
		for (size_t u = 0; u < NITEMS(units); u++)
			if (v[i] == units[u].u) {
				mul = units[u].secs;
				ok = 1;
			}
	}
	if (!ok && k->type == K_DUR)
		return perr(p, line, "%s: \"%s\" is not a duration with its unit, s, m, h or d "
		    "(\"30m\", \"2h\", \"90s\"), or none", k->name, vis(tmp, sizeof tmp, v));
	if (!ok)
		return perr(p, line, "%s: \"%s\" is not a number of days, or of s, m, h or d "
		    "(\"1\", \"12h\", \"30s\")", k->name, vis(tmp, sizeof tmp, v));
	if (n > k->max / mul || n * mul < k->min)
		return perr(p, line, "%s: %s is out of range (at most %d days)", k->name,
		    vis(tmp, sizeof tmp, v), k->max / 86400);
	*out = (int)(n * mul);
	return 0;
}

/* A size as --mem takes it (bare: MB), within the key's bounds in MB. */
static int parse_size(struct parse *p, const struct key *k, const char *v, int line, int *out)
{
	char err[HERD_ERRLEN];
	uint64_t mb;
	if (parse_size_mb(v, &mb, err, sizeof err) != 0)
		return perr(p, line, "%s: %s", k->name, err);
	if (mb < (uint64_t)k->min || mb > (uint64_t)k->max)
		return perr(p, line, "%s: %" PRIu64 " MB is out of range %d..%d MB", k->name, mb,
		    k->min, k->max);
	*out = (int)mb;
	return 0;
}

/* Each word of a list: a node name (valid_name). */
static int check_names(struct parse *p, const struct key *k, const char *v, int line)
{
	char tmp[CONFIG_NAME_MAX + 2], shown[80];
	for (const char *w = v + strspn(v, ", \t"); *w != '\0';) {
		size_t len = strcspn(w, ", \t");
		if (!name_valid(w, len, CONFIG_NAME_MAX)) {
			snprintf(tmp, sizeof tmp, "%.*s", (int)(len <= CONFIG_NAME_MAX ? len :
			    CONFIG_NAME_MAX + 1), w);
			return perr(p, line, "%s: bad node name \"%s\"", k->name,
			    vis(shown, sizeof shown, tmp));
		}
		w += len;
		w += strspn(w, ", \t");
	}
	return 0;
}

/* Check and store one value; base is the struct the key's offset is into. */
static int set_value(struct parse *p, const struct key *k, void *base,
    const char *v, int line)
{
	char **sp = (char **)((char *)base + k->off);
	char *s = NULL, tmp[80];

	switch (k->type) {
	case K_INT:
		return parse_int(p, k, v, line, (int *)((char *)base + k->off));
	case K_TIME:
		return parse_time(p, k, v, line, (int *)((char *)base + k->off));
	case K_AGE:
	case K_DUR:
		return parse_age(p, k, v, line, (int *)((char *)base + k->off));
	case K_SIZE:
		return parse_size(p, k, v, line, (int *)((char *)base + k->off));
	case K_NOTYET:
		return perr(p, line, "%s: %s", k->name, k->def);
	case K_NODES:
		if (strcmp(v, "ALL") != 0 && check_names(p, k, v, line) != 0)
			return -1;
		break;
	case K_BOOL:
		return parse_bool(p, k, v, line, (int *)((char *)base + k->off));
	case K_ENFORCE:
		return parse_enforce(p, k, v, line, (int *)((char *)base + k->off));
	case K_WORD:
		if (v[0] == '-' || strpbrk(v, " \t") != NULL)
			return perr(p, line, "%s: \"%s\" must be one word not "
			    "starting with '-'", k->name, vis(tmp, sizeof tmp, v));
		break;
	case K_NAME:
		if (!valid_name(v))
			return perr(p, line, "%s: bad name \"%s\" (1-%d of "
			    "A-Z a-z 0-9 . _ -, not starting with - or .)",
			    k->name, vis(tmp, sizeof tmp, v), CONFIG_NAME_MAX);
		break;
	case K_RPATH:
		if (v[0] == '~')
			return perr(p, line, "%s: is on the node, relative to "
			    "the node user's home; write it without ~",
			    k->name);
		break;
	case K_PATH:
		if (expand_path(p, k, v, line, &s) != 0)
			return -1;
		break;
	case K_LIST:
		if (check_list(p, k, v, line) != 0)
			return -1;
		break;
	case K_FEATS:
	case K_GTYPES:
		if (check_tags(p, k, v, line) != 0)
			return -1;
		break;
	case K_FROM:
		if (strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789.:*?/,!-_[]") != strlen(v))
			return perr(p, line, "%s: \"%s\" is not a from= pattern list (addresses "
			    "or host names with * ? and /bits, separated by commas)", k->name,
			    vis(tmp, sizeof tmp, v));
		break;
	}
	free(*sp);
	*sp = s != NULL ? s : xstrdup(v);
	return 0;
}

static const struct key *find_key(const struct key *t, size_t n,
    const char *name, size_t *idx)
{
	for (*idx = 0; *idx < n; (*idx)++)
		if (strcmp(t[*idx].name, name) == 0)
			return &t[*idx];
	return NULL;
}

static int add_node(struct parse *p, const char *name, int line)
{
	struct config *c = p->c;
	char tmp[80];
	size_t i;

	if (!valid_name(name))
		return perr(p, line, "bad node name \"%s\" (1-%d of A-Z a-z "
		    "0-9 . _ -, not starting with - or .)",
		    vis(tmp, sizeof tmp, name), CONFIG_NAME_MAX);
	for (i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			return perr(p, line, "duplicate node \"%s\" (first on "
			    "line %d)", name, c->nodes[i].line);
	if (c->nnodes == CONFIG_MAX_NODES)
		return perr(p, line, "node \"%s\": more than %d nodes", name,
		    CONFIG_MAX_NODES);
	if (c->nnodes == p->ncap) {
		p->ncap = p->ncap ? p->ncap * 2 : 8;
		c->nodes = xreallocarray(c->nodes, p->ncap, sizeof *c->nodes);
		p->nline = xreallocarray(p->nline, p->ncap, sizeof *p->nline);
	}
	memset(&c->nodes[c->nnodes], 0, sizeof c->nodes[0]);
	memset(p->nline[c->nnodes], 0, sizeof p->nline[0]);
	c->nodes[c->nnodes].name = xstrdup(name);
	c->nodes[c->nnodes].line = line;
	c->nnodes++;
	p->sect = S_NODE;
	return 0;
}

/* [account NAME] (name: after "account") or [priority] (name NULL): acct.c's. */
static int acct_section(struct parse *p, const char *name, int line)
{
	char msg[400];
	int rc;
	if (name != NULL) {
		name += strspn(name, " \t");
		rc = acct_conf_account(&p->c->acct, name, line, msg, sizeof msg);
	} else {
		rc = acct_conf_priority(&p->c->acct, line, msg, sizeof msg);
	}
	p->sect = name != NULL ? S_ACCT : S_PRIO;
	return rc == 0 ? 0 : perr(p, line, "%s", msg);
}

/*
 * [partition NAME] or [qos NAME] (which): a new entry of c->parts or
 * c->qos, with its key lines.  Names as node names; no duplicates.
 */
static int add_named(struct parse *p, int which, const char *name, int line)
{
	struct config *c = p->c;
	int part = which == S_PART;
	const char *what = part ? "partition" : "qos";
	size_t n = part ? c->nparts : c->nqos, i;
	char tmp[80];

	if (!valid_name(name))
		return perr(p, line, "bad %s name \"%s\" (1-%d of A-Z a-z 0-9 . _ -, not "
		    "starting with - or .)", what, vis(tmp, sizeof tmp, name), CONFIG_NAME_MAX);
	for (i = 0; i < n; i++) {
		const char *o = part ? c->parts[i].name : c->qos[i].name;
		if (strcmp(o, name) == 0)
			return perr(p, line, "duplicate [%s %s] (first on line %d)", what, name,
			    part ? c->parts[i].line : c->qos[i].line);
	}
	if (n == (part ? CONFIG_MAX_PARTS : CONFIG_MAX_QOS))
		return perr(p, line, "[%s %s]: more than %d", what, name, CONFIG_MAX_PARTS);
	if (part) {
		c->parts = xreallocarray(c->parts, n + 1, sizeof *c->parts);
		p->pline = xreallocarray(p->pline, n + 1, sizeof *p->pline);
		memset(&c->parts[n], 0, sizeof c->parts[n]);
		memset(p->pline[n], 0, sizeof p->pline[n]);
		c->parts[n].name = xstrdup(name);
		c->parts[n].line = line;
		c->nparts++;
	} else {
		c->qos = xreallocarray(c->qos, n + 1, sizeof *c->qos);
		p->qline = xreallocarray(p->qline, n + 1, sizeof *p->qline);
		memset(&c->qos[n], 0, sizeof c->qos[n]);
		memset(p->qline[n], 0, sizeof p->qline[n]);
		c->qos[n].name = xstrdup(name);
		c->qos[n].line = line;
		limit_conf_init(&c->qos[n].lim);
		c->nqos++;
	}
	p->sect = which;
	return 0;
}

/* "WORD NAME" → NAME (trimmed) if in starts with the word and a blank. */
static char *section_arg(char *in, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(in, word, n) != 0 || (in[n] != ' ' && in[n] != '\t'))
		return NULL;
	for (in += n; *in == ' ' || *in == '\t'; in++)
		;
	return in;
}

/* s is the trimmed line, "[...]". */
static int parse_section(struct parse *p, char *s, int line)
{
	size_t len = strlen(s);
	char *in, *e, tmp[80];
	int *seen;

	if (s[len - 1] != ']')
		return perr(p, line, "section header must end with ']'");
	s[len - 1] = '\0';
	for (in = s + 1; *in == ' ' || *in == '\t'; in++)
		;
	for (e = in + strlen(in); e > in && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (strncmp(in, "node", 4) == 0 && (in[4] == ' ' || in[4] == '\t')) {
		for (in += 4; *in == ' ' || *in == '\t'; in++)
			;
		return add_node(p, in, line);
	}
	if (strcmp(in, "node") == 0)
		return perr(p, line, "[node] needs a name: [node NAME]");
	if (strncmp(in, "account", 7) == 0 && (in[7] == '\0' || in[7] == ' ' || in[7] == '\t'))
		return acct_section(p, in + 7, line);
	if (strcmp(in, "priority") == 0)
		return acct_section(p, NULL, line);
	if ((e = section_arg(in, "partition")) != NULL)
		return add_named(p, S_PART, e, line);
	if ((e = section_arg(in, "qos")) != NULL)
		return add_named(p, S_QOS, e, line);
	if (strcmp(in, "partition") == 0 || strcmp(in, "qos") == 0)
		return perr(p, line, "[%s] needs a name: [%s NAME]", in, in);
	if (strcmp(in, "controller") == 0) {
		seen = &p->ctl_line;
		p->sect = S_CTL;
	} else if (strcmp(in, "defaults") == 0) {
		seen = &p->def_line;
		p->sect = S_DEF;
	} else
		return perr(p, line, "unknown section [%s]",
		    vis(tmp, sizeof tmp, in));
	if (*seen != 0)
		return perr(p, line, "duplicate section [%s] (first on line %d)",
		    in, *seen);
	*seen = line;
	return 0;
}

/* A key of [account NAME] or [priority]: the checks every value gets here,
 * the rest in acct.c. */
static int acct_pair(struct parse *p, const char *key, const char *v, int line)
{
	char msg[400];
	if (*v == '\0')
		return perr(p, line, "%s: empty value", key);
	if (strstr(v, " #") || strstr(v, "\t#") || strstr(v, " ;") || strstr(v, "\t;"))
		return perr(p, line, "%s: inline comments are not allowed; put the comment on a "
		    "line of its own", key);
	if (acct_conf_pair(&p->c->acct, p->sect == S_ACCT ? ACCT_SECT_ACCOUNT :
	    ACCT_SECT_PRIORITY, key, v, line, msg, sizeof msg) != 0)
		return perr(p, line, "%s", msg);
	return 0;
}

/* s is the trimmed line, "key = value". */
static int parse_pair(struct parse *p, char *s, int line)
{
	const struct key *k;
	char *eq, *e, *v, tmp[80];
	int *lines;
	void *base;
	size_t i;

	if ((eq = strchr(s, '=')) == NULL)
		return perr(p, line, "expected KEY = VALUE");
	for (e = eq; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (*s == '\0')
		return perr(p, line, "missing key before '='");
	if (p->sect == S_NONE)
		return perr(p, line, "%s: key outside of any section",
		    vis(tmp, sizeof tmp, s));
	if (p->sect == S_ACCT || p->sect == S_PRIO)
		return acct_pair(p, s, v, line);
	if (p->sect == S_CTL) {
		k = find_key(ctl_keys, NITEMS(ctl_keys), s, &i);
		base = p->c;
		lines = p->cline;
	} else if (p->sect == S_PART) {
		k = find_key(part_keys, NITEMS(part_keys), s, &i);
		base = &p->c->parts[p->c->nparts - 1];
		lines = p->pline[p->c->nparts - 1];
	} else if (p->sect == S_QOS) {
		char msg[400];
		int rc = limit_conf_pair(&p->c->qos[p->c->nqos - 1].lim, s, v, line, msg,
		    sizeof msg);
		if (rc <= 0)
			return rc == 0 ? 0 : perr(p, line, "%s", msg);	/* limit.h's keys */
		k = find_key(qos_keys, NITEMS(qos_keys), s, &i);
		base = &p->c->qos[p->c->nqos - 1];
		lines = p->qline[p->c->nqos - 1];
	} else {
		k = find_key(node_keys, NITEMS(node_keys), s, &i);
		base = p->sect == S_DEF ? &p->def : &p->c->nodes[p->c->nnodes - 1];
		lines = p->sect == S_DEF ? p->dline : p->nline[p->c->nnodes - 1];
	}
	if (k == NULL)
		return perr(p, line, "unknown key \"%s\" in [%s]",
		    vis(tmp, sizeof tmp, s), p->sect == S_CTL ? "controller" :
		    p->sect == S_DEF ? "defaults" : p->sect == S_PART ? "partition" :
		    p->sect == S_QOS ? "qos" : "node");
	if (lines[i] != 0)
		return perr(p, line, "duplicate key \"%s\" (first on line %d)",
		    k->name, lines[i]);
	if (*v == '\0')
		return perr(p, line, "%s: empty value", k->name);
	if (strstr(v, " #") || strstr(v, "\t#") || strstr(v, " ;") ||
	    strstr(v, "\t;"))
		return perr(p, line, "%s: inline comments are not allowed; put "
		    "the comment on a line of its own", k->name);
	lines[i] = line;
	return set_value(p, k, base, v, line);
}

static int parse_line(struct parse *p, char *s, int line)
{
	char *e;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return perr(p, line, "control character \\%03o", ch);
	}
	for (; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return parse_section(p, s, line);
	return parse_pair(p, s, line);
}

/*
 * config_load_client: a line goes to parse_line() only when it is a client
 * key of [controller]; everything else (other sections, other keys, even
 * lines that would be errors for herdd) is skipped.  s is not yet trimmed
 * and may be longer than CONFIG_LINE_MAX or hold a NUL (n bytes).
 */
static int client_line(struct parse *p, char *s, size_t n, int line)
{
	static const char *const keys[] = { "socket", "controller", "mode", "admins" };
	size_t i, k;

	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i < n && s[i] == '[') {
		/* "[ controller ]" as parse_section() reads it; anything else
		 * is a section to skip. */
		size_t e = n, b = i + 1;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b && s[e - 1] == ']')
			e--;
		else
			e = b;
		while (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		p->sect = e - b == 10 && memcmp(s + b, "controller", 10) == 0 ? S_CTL : S_NONE;
		return 0;
	}
	if (p->sect != S_CTL)
		return 0;
	for (k = 0; k < NITEMS(keys); k++) {
		size_t kl = strlen(keys[k]), j = i + kl;
		if (n - i < kl || memcmp(s + i, keys[k], kl) != 0)
			continue;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < n && s[j] == '=')
			break;
	}
	if (k == NITEMS(keys))
		return 0;
	if (n > CONFIG_LINE_MAX)
		return perr(p, line, "line too long (more than %d bytes)", CONFIG_LINE_MAX);
	if (memchr(s, '\0', n) != NULL)
		return perr(p, line, "NUL byte in line");
	s[n] = '\0';
	return parse_line(p, s, line);
}

/* Split the file into lines, in place; data is NUL-terminated. */
static int parse_text(struct parse *p, char *data, size_t len)
{
	char *s = data, *end = data + len, *nl;
	size_t n;
	int line = 0;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	for (; s < end; s = nl + 1) {
		line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			nl = end;
		n = (size_t)(nl - s);
		if (p->client) {
			if (client_line(p, s, n > 0 && s[n - 1] == '\r' ? n - 1 : n, line) != 0)
				return -1;
			continue;
		}
		if (n > CONFIG_LINE_MAX)
			return perr(p, line, "line too long (more than %d bytes)",
			    CONFIG_LINE_MAX);
		if (memchr(s, '\0', n) != NULL)
			return perr(p, line, "NUL byte in line");
		*nl = '\0';
		if (n > 0 && s[n - 1] == '\r')
			s[n - 1] = '\0';
		if (parse_line(p, s, line) != 0)
			return -1;
	}
	return 0;
}

static int read_file(struct parse *p, const char *path, struct buf *b)
{
	char chunk[8192];
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return perr(p, 0, "%s", strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return perr(p, 0, "is a directory");
	}
	for (;;) {
		if ((n = read(fd, chunk, sizeof chunk)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_add(b, chunk, (size_t)n) != 0) {
			close(fd);
			return perr(p, 0, "file too large (more than %d bytes)",
			    CONFIG_FILE_MAX);
		}
	}
	close(fd);
	if (n == -1)
		return perr(p, 0, "read: %s", strerror(errno));
	if (buf_add(b, "", 0) != 0)	/* an empty file still gets data */
		return perr(p, 0, "file too large");
	return 0;
}

/* c->path is absolute (cwd joined, leading "./" dropped); p->dir its dir. */
static int make_paths(struct parse *p, const char *path)
{
	char cwd[PATH_MAX], *slash;

	while (path[0] == '.' && path[1] == '/')
		for (path += 2; *path == '/'; path++)
			;
	if (path[0] == '/')
		p->c->path = xstrdup(path);
	else {
		if (getcwd(cwd, sizeof cwd) == NULL)
			return perr(p, 0, "getcwd: %s", strerror(errno));
		xasprintf(&p->c->path, "%s%s%s", cwd,
		    strcmp(cwd, "/") == 0 ? "" : "/", path);
	}
	p->dir = xstrdup(p->c->path);
	slash = strrchr(p->dir, '/');
	slash[slash == p->dir ? 1 : 0] = '\0';
	return 0;
}

/* Give a node what it did not set: [defaults], then the table default. */
static int finish_node(struct parse *p, size_t ni)
{
	struct node_conf *n = &p->c->nodes[ni];
	const struct key *k;
	struct passwd *pw;
	const char *u;
	size_t i;

	for (i = 0; i < NITEMS(node_keys); i++) {
		k = &node_keys[i];
		if (p->nline[ni][i] != 0)
			continue;
		if (p->dline[i] != 0) {
			if (key_is_int(k))
				*(int *)((char *)n + k->off) =
				    *(int *)((char *)&p->def + k->off);
			else
				*(char **)((char *)n + k->off) = xstrdup(
				    *(char **)((char *)&p->def + k->off));
		} else if (k->def != NULL) {
			if (set_value(p, k, n, k->def, n->line) != 0)
				return -1;
		} else if (k->required)
			return perr(p, n->line, "[node %s]: %s is required",
			    n->name, k->name);
	}
	if (n->user == NULL) {
		if ((pw = getpwuid(getuid())) != NULL)
			u = pw->pw_name;
		else if ((u = getenv("USER")) == NULL || *u == '\0')
			return perr(p, n->line, "[node %s]: cannot tell the "
			    "user name; set user", n->name);
		n->user = xstrdup(u);
	}
	n->local = strcmp(n->host, "local") == 0;
	return 0;
}

static int path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* notify_command is run by herdd with no shell: a program it may execute. */
static int check_notify(struct parse *p)
{
	struct stat st;
	size_t k;
	const char *cmd = p->c->notify_command;
	if (cmd == NULL)
		return 0;
	find_key(ctl_keys, NITEMS(ctl_keys), "notify_command", &k);
	/* Any x bit, not access(X_OK): whoever reads the file (herd doctor, a
	 * user) need not be the user herdd runs it as. */
	if (stat(cmd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
		return perr(p, p->cline[k], "notify_command: %s is not an executable file "
		    "(herdd runs it without a shell: a program or a script with #!)", cmd);
	return 0;
}

/* mode = personal | lab, and what lab mode needs of the rest. */
static int finish_mode(struct parse *p)
{
	struct config *c = p->c;
	size_t mi, fi;
	char tmp[80];

	find_key(ctl_keys, NITEMS(ctl_keys), "mode", &mi);
	find_key(ctl_keys, NITEMS(ctl_keys), "lab_from", &fi);
	if (strcmp(c->mode, "lab") == 0)
		c->lab = 1;
	else if (strcmp(c->mode, "personal") != 0)
		return perr(p, p->cline[mi], "mode: \"%s\" is not personal or lab",
		    vis(tmp, sizeof tmp, c->mode));
	if (!c->lab)
		return 0;
	if (c->lab_from == NULL && c->nnodes > 0)
		return perr(p, p->cline[mi], "mode = lab needs lab_from in [controller]: the "
		    "address nodes see herdd connect from (the from= of every user's "
		    "authorized_keys line)");
	for (size_t i = 0; i < c->nnodes; i++)
		if (c->nodes[i].local)
			return perr(p, c->nodes[i].line, "[node %s]: host = local runs jobs as "
			    "herdd's own user; lab mode runs each job as its submitter: "
			    "reach this machine over ssh (host = localhost)", c->nodes[i].name);
	return 0;
}

static int finish_controller(struct parse *p)
{
	struct config *c = p->c;
	size_t i, si, di;
	int line;

	for (i = 0; i < NITEMS(ctl_keys); i++)
		if (p->cline[i] == 0 && ctl_keys[i].def != NULL &&
		    set_value(p, &ctl_keys[i], c, ctl_keys[i].def, 0) != 0)
			return -1;
	if (c->state_dir == NULL &&
	    (c->state_dir = config_default_state_dir()) == NULL)
		return perr(p, 0, "no home directory for the default "
		    "state_dir; set state_dir in [controller]");
	if (finish_mode(p) != 0)
		return -1;
	if (c->socket_path == NULL && c->lab)
		c->socket_path = xstrdup(CONFIG_LAB_SOCKET);
	if (c->socket_path == NULL)
		xasprintf(&c->socket_path, "%s/herd.sock", c->state_dir);
	if (c->lab_key == NULL)
		xasprintf(&c->lab_key, "%s/lab_key", c->state_dir);
	if (c->lab && path_under(c->socket_path, c->state_dir)) {
		find_key(ctl_keys, NITEMS(ctl_keys), "socket", &si);
		return perr(p, p->cline[si], "socket: in lab mode every user connects to the "
		    "socket, and state_dir %s is private to herdd; put it elsewhere "
		    "(default " CONFIG_LAB_SOCKET ")", c->state_dir);
	}
	if (c->log_file == NULL)
		xasprintf(&c->log_file, "%s/herdd.log", c->state_dir);
	if (check_notify(p) != 0)
		return -1;
	if (strlen(c->socket_path) > SUN_PATH_MAX) {
		find_key(ctl_keys, NITEMS(ctl_keys), "socket", &si);
		find_key(ctl_keys, NITEMS(ctl_keys), "state_dir", &di);
		line = p->cline[si] ? p->cline[si] : p->cline[di];
		return perr(p, line, "socket: path \"%.40s...\" is longer than "
		    "%zu bytes; set a shorter socket in [controller]",
		    c->socket_path, SUN_PATH_MAX);
	}
	return 0;
}

/* Table defaults for the keys an entry did not set; required ones. */
static int finish_keys(struct parse *p, const struct key *t, size_t nt, const int *lines,
    void *base, const char *what, const char *name, int line)
{
	for (size_t i = 0; i < nt; i++) {
		if (lines[i] != 0 || t[i].type == K_NOTYET)
			continue;
		if (t[i].def != NULL && set_value(p, &t[i], base, t[i].def, line) != 0)
			return -1;
		if (t[i].def == NULL && t[i].required)
			return perr(p, line, "[%s %s]: %s is required", what, name, t[i].name);
	}
	return 0;
}

static int key_line(const struct key *t, size_t nt, const int *lines, const char *name)
{
	size_t i;
	return find_key(t, nt, name, &i) != NULL ? lines[i] : 0;
}

/* Each name of allow_accounts is an [account] (or "default", always there). */
static int check_accounts(struct parse *p, const struct part_conf *pc, int line)
{
	char name[CONFIG_NAME_MAX + 1];
	if (pc->allow_accounts == NULL)
		return 0;
	for (const char *w = pc->allow_accounts + strspn(pc->allow_accounts, ", \t");
	    *w != '\0';) {
		size_t len = strcspn(w, ", \t");
		snprintf(name, sizeof name, "%.*s", (int)len, w);
		if (len > CONFIG_NAME_MAX || acct_find(&p->c->acct, name) < 0)
			return perr(p, line, "allow_accounts: no [account %s] in this file", name);
		w += len;
		w += strspn(w, ", \t");
	}
	return 0;
}

/* A partition's nodes name [node]s; its default_time is within max_time. */
static int finish_part(struct parse *p, size_t pi, int *def_line)
{
	struct part_conf *pc = &p->c->parts[pi];
	const int *lines = p->pline[pi];
	int nl = key_line(part_keys, NITEMS(part_keys), lines, "nodes");
	char name[CONFIG_NAME_MAX + 1];

	if (finish_keys(p, part_keys, NITEMS(part_keys), lines, pc, "partition", pc->name,
	    pc->line) != 0)
		return -1;
	if (key_line(part_keys, NITEMS(part_keys), lines, "priority_job_factor") == 0)
		pc->priority_job_factor = pc->priority_tier;	/* as Slurm's Priority= */
	pc->all = strcmp(pc->nodes, "ALL") == 0;
	size_t found = 0;
	for (const char *w = pc->nodes + strspn(pc->nodes, ", \t"); !pc->all && *w != '\0';) {
		size_t len = strcspn(w, ", \t"), k;
		snprintf(name, sizeof name, "%.*s", (int)len, w);
		for (k = 0; k < p->c->nnodes && strcmp(p->c->nodes[k].name, name) != 0; k++)
			;
		if (k == p->c->nnodes)
			return perr(p, nl, "nodes: no [node %s] in this file%s", name,
			    strcmp(name, "all") == 0 ? " (every node: ALL)" : "");
		found++;
		w += len;
		w += strspn(w, ", \t");
	}
	if (!pc->all && found == 0)
		return perr(p, nl, "nodes: names no node (a list of [node] names, or ALL)");
	if (pc->max_time_s > 0 && pc->default_time_s > pc->max_time_s)
		return perr(p, key_line(part_keys, NITEMS(part_keys), lines, "default_time"),
		    "default_time is longer than max_time");
	if (check_accounts(p, pc, key_line(part_keys, NITEMS(part_keys), lines,
	    "allow_accounts")) != 0)
		return -1;
	if (pc->is_default && *def_line != 0)
		return perr(p, key_line(part_keys, NITEMS(part_keys), lines, "default"),
		    "[partition %s]: a second default partition (the first on line %d)",
		    pc->name, *def_line);
	if (pc->is_default)
		*def_line = key_line(part_keys, NITEMS(part_keys), lines, "default");
	return 0;
}

/* [partition]s and [qos]s, once every [node] is known. */
static int finish_parts(struct parse *p)
{
	struct config *c = p->c;
	int def_line = 0;

	for (size_t i = 0; i < c->nparts; i++)
		if (finish_part(p, i, &def_line) != 0)
			return -1;
	if (c->nparts > 0 && def_line == 0)
		return perr(p, c->parts[0].line, "no partition has default = yes: jobs that "
		    "name none need one");
	for (size_t i = 0; i < c->nqos; i++) {
		char msg[400];
		int line;
		if (finish_keys(p, qos_keys, NITEMS(qos_keys), p->qline[i], &c->qos[i], "qos",
		    c->qos[i].name, c->qos[i].line) != 0)
			return -1;
		if (limit_conf_finish(&c->qos[i].lim, &line, msg, sizeof msg) != 0)
			return perr(p, line, "%s", msg);
	}
	return 0;
}

static int config_finish(struct parse *p)
{
	size_t i;

	/* A remote client's file may name only its controller. */
	if (p->c->nnodes == 0 && p->c->controller == NULL)
		return perr(p, 0, "no [node NAME] section");
	for (i = 0; i < p->c->nnodes; i++)
		if (finish_node(p, i) != 0)
			return -1;
	char msg[400];
	int line;
	if (acct_conf_finish(&p->c->acct, &line, msg, sizeof msg) != 0)
		return perr(p, line, "%s", msg);
	if (finish_parts(p) != 0)
		return -1;
	return finish_controller(p);
}

static void parts_clear(struct config *c)
{
	for (size_t i = 0; i < c->nparts; i++) {
		free(c->parts[i].name);
		free(c->parts[i].nodes);
		free(c->parts[i].allow_users);
		free(c->parts[i].allow_accounts);
	}
	free(c->parts);
	for (size_t i = 0; i < c->nqos; i++)
		free(c->qos[i].name);
	free(c->qos);
	c->parts = NULL;
	c->qos = NULL;
	c->nparts = c->nqos = 0;
}

static void node_clear(struct node_conf *n)
{
	free(n->name);
	free(n->host);
	free(n->user);
	free(n->identity);
	free(n->known_hosts);
	free(n->herd_dir);
	free(n->features);
	free(n->gpu_types);
	memset(n, 0, sizeof *n);
}

/* config_load_client: mode checked, lab mode's socket filled in. */
static int finish_client(struct parse *p)
{
	size_t mi, si;

	find_key(ctl_keys, NITEMS(ctl_keys), "mode", &mi);
	if (p->c->mode == NULL && set_value(p, &ctl_keys[mi], p->c, ctl_keys[mi].def, 0) != 0)
		return -1;
	if (finish_mode(p) != 0)
		return -1;
	if (p->c->socket_path == NULL && p->c->lab)
		p->c->socket_path = xstrdup(CONFIG_LAB_SOCKET);
	find_key(ctl_keys, NITEMS(ctl_keys), "socket", &si);
	if (p->c->socket_path != NULL && strlen(p->c->socket_path) > SUN_PATH_MAX)
		return perr(p, p->cline[si], "socket: path \"%.40s...\" is longer than %zu bytes",
		    p->c->socket_path, SUN_PATH_MAX);
	return 0;
}

static int load(const char *path, struct config *c, char *err, size_t errsz, int client)
{
	struct parse p;
	struct buf b;
	int rc = -1;

	memset(c, 0, sizeof *c);
	memset(&p, 0, sizeof p);
	p.file = path;
	p.c = c;
	p.err = err;
	p.errsz = errsz;
	p.client = client;
	buf_init(&b, CONFIG_FILE_MAX);
	if (make_paths(&p, path) != 0 || read_file(&p, path, &b) != 0)
		goto out;
	if (parse_text(&p, b.data, b.len) != 0 ||
	    (client ? finish_client(&p) : config_finish(&p)) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		config_clear(c);
	buf_clear(&b);
	node_clear(&p.def);
	free(p.nline);
	free(p.pline);
	free(p.qline);
	free(p.dir);
	return rc;
}

/* c need not be initialised; on error it is left cleared. */
int config_load(const char *path, struct config *c, char *err, size_t errsz)
{
	return load(path, c, err, errsz, 0);
}

int config_load_client(const char *path, struct config *c, char *err, size_t errsz)
{
	/* What a user may not read is not theirs to act on: as no file. */
	if (access(path, R_OK) != 0 && (errno == ENOENT || errno == ENOTDIR ||
	    errno == EACCES || errno == EPERM || errno == ELOOP)) {
		memset(c, 0, sizeof *c);
		return 1;
	}
	return load(path, c, err, errsz, 1);
}

void config_clear(struct config *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->cluster);
	free(c->state_dir);
	free(c->socket_path);
	free(c->log_file);
	free(c->mode);
	free(c->admins);
	free(c->lab_key);
	free(c->lab_from);
	free(c->controller);
	free(c->notify_command);
	acct_conf_clear(&c->acct);
	for (i = 0; i < c->nnodes; i++)
		node_clear(&c->nodes[i]);
	free(c->nodes);
	parts_clear(c);
	memset(c, 0, sizeof *c);
}

/* ---- reload: copies and differences ---- */

struct node_conf *config_node_dup(const struct node_conf *n)
{
	struct node_conf *d = xcalloc(1, sizeof *d);
	*d = *n;
	d->name = n->name ? xstrdup(n->name) : NULL;
	d->host = n->host ? xstrdup(n->host) : NULL;
	d->user = n->user ? xstrdup(n->user) : NULL;
	d->identity = n->identity ? xstrdup(n->identity) : NULL;
	d->known_hosts = n->known_hosts ? xstrdup(n->known_hosts) : NULL;
	d->herd_dir = n->herd_dir ? xstrdup(n->herd_dir) : NULL;
	d->features = n->features ? xstrdup(n->features) : NULL;
	d->gpu_types = n->gpu_types ? xstrdup(n->gpu_types) : NULL;
	return d;
}

void config_node_free(struct node_conf *n)
{
	if (n == NULL)
		return;
	node_clear(n);
	free(n);
}

/* Whether key k holds the same value in the structs a and b. */
static int key_same(const struct key *k, const void *a, const void *b)
{
	if (key_is_int(k))
		return *(const int *)((const char *)a + k->off) ==
		    *(const int *)((const char *)b + k->off);
	const char *sa = *(char *const *)((const char *)a + k->off);
	const char *sb = *(char *const *)((const char *)b + k->off);
	if (sa == NULL || sb == NULL)
		return sa == sb;
	return strcmp(sa, sb) == 0;
}

static size_t keys_changed(const struct key *t, size_t nt, const void *a, const void *b,
    const char **names, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < nt; i++) {
		if (key_same(&t[i], a, b))
			continue;
		if (n < cap)
			names[n] = t[i].name;
		n++;
	}
	return n;
}

size_t config_node_changed(const struct node_conf *a, const struct node_conf *b,
    const char **names, size_t cap)
{
	return keys_changed(node_keys, NITEMS(node_keys), a, b, names, cap);
}

size_t config_ctl_changed(const struct config *a, const struct config *b,
    const char **names, size_t cap)
{
	return keys_changed(ctl_keys, NITEMS(ctl_keys), a, b, names, cap);
}

/* Whether two configurations' [partition]s and [qos]s say the same. */
static int parts_same(const struct config *a, const struct config *b)
{
	if (a->nparts != b->nparts || a->nqos != b->nqos)
		return 0;
	for (size_t i = 0; i < a->nparts; i++) {
		if (strcmp(a->parts[i].name, b->parts[i].name) != 0)
			return 0;
		for (size_t k = 0; k < NITEMS(part_keys); k++)
			if (part_keys[k].type != K_NOTYET &&
			    !key_same(&part_keys[k], &a->parts[i], &b->parts[i]))
				return 0;
	}
	for (size_t i = 0; i < a->nqos; i++) {
		if (strcmp(a->qos[i].name, b->qos[i].name) != 0 ||
		    !limit_conf_same(&a->qos[i].lim, &b->qos[i].lim))
			return 0;
		for (size_t k = 0; k < NITEMS(qos_keys); k++)
			if (qos_keys[k].type != K_NOTYET &&
			    !key_same(&qos_keys[k], &a->qos[i], &b->qos[i]))
				return 0;
	}
	return 1;
}

int config_parts_take(struct config *a, struct config *b)
{
	int changed = !parts_same(a, b);
	parts_clear(a);
	a->parts = b->parts;
	a->nparts = b->nparts;
	a->qos = b->qos;
	a->nqos = b->nqos;
	b->parts = NULL;
	b->qos = NULL;
	b->nparts = b->nqos = 0;
	return changed;
}

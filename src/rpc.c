/*
 * rpc.c — every request the controller answers, in one dispatch table.
 *
 * Each row names the request, its handler and whether it changes the queue.
 * Unknown requests are refused.  Who may do what is decided in one place
 * (authz.c, through ctl_authz); the caller's uid is the kernel's
 * (SO_PEERCRED).
 * Jobs go out as "job" frames built from a job_row, whether the job comes
 * from memory (active) or from the database (ended), so `queue`, `show`,
 * `history` and `wait` describe a job the same way.
 *
 * Every number in a request is read strictly (msg_geti_checked) within its
 * bounds, and a bad one refuses the whole request with the field and the
 * value, before anything changes: a wrapped or defaulted number would
 * queue a job nobody asked for.  Submissions are refused when the node's
 * execve() could not run them (EXEC_STR_MAX, EXEC_TOTAL_MAX).  Listings
 * (queue, history) are `more` callbacks that send one LIST_CHUNK slice a
 * call; server.c decides when.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "config.h"
#include "constraint.h"
#include "gputype.h"
#include "hostlist.h"
#include "ctl.h"
#include "db.h"
#include "histfilter.h"
#include "job.h"
#include "jobfield.h"
#include "jobopt.h"
#include "log.h"
#include "protover.h"
#include "partition.h"
#include "begintime.h"
#include "depend.h"
#include "eligible.h"
#include "rpc.h"
#include "server.h"
#include "arrayspec.h"
#include "sigspec.h"
#include "mailtype.h"
#include "svc.h"
#include "svc_share.h"
#include "svc_health.h"

#define SCRIPT_MAX (4u << 20)
#define ENV_MAX    (1u << 20)
#define ARGV_MAX   (1u << 20)
/* Jobs sent by one slice of a listing (server.c runs a few slices per loop
 * iteration): ~0.5 ms of work, so a ping waits milliseconds, not a listing. */
#define LIST_CHUNK 256

/* The bounds of each number a request carries (those of jobopt.c). */
#define CPUS_MAX   4096
#define MEM_MAX_MB (64LL * 1024 * 1024)		/* 64 TiB */
#define TIME_MAX_S (365LL * 86400)
#define HISTORY_MAX 100000
#define AUDIT_MAX   10000	/* records of one answer, sent at once */

/*
 * What a node's execve() takes.  Linux refuses one argument or one
 * NAME=value string of MAX_ARG_STRLEN (32 pages, 128 KiB) or more with
 * E2BIG, and all of them together (strings and pointers) past a quarter of
 * the stack limit: 2 MiB under the usual 8 MiB.  The node adds its own
 * environment (HOME, PATH, ...), herd's and Slurm's variables and the
 * script's path, so a submission may use 1.5 MiB of it and leaves 512 KiB.
 */
#define EXEC_STR_MAX   (128u * 1024 - 1)	/* bytes, without the NUL */
#define EXEC_TOTAL_MAX (1536u * 1024)

static const char *uid_name(uint32_t uid)
{
	static uint32_t cached_uid = (uint32_t)-1;
	static char cached[64];
	if (uid != cached_uid) {
		uid_name_r((uid_t)uid, cached, sizeof cached);
		cached_uid = uid;
	}
	return cached;
}

/*
 * Whether the caller may see what a job of `owner` runs and where: its
 * command line, submit directory, working directory and output paths
 * (/home/alice/secret-project-x/6.out names a project as surely as the
 * script does).  The rule of its script (authz.c): the owner, admins and
 * root; no audit, as an admin's listing reads every job.
 */
static int may_see_private(struct server *s, const struct client *cl, uint32_t owner)
{
	return ctl_authz(s->ctl, cl->uid, AUTHZ_READ_SCRIPT, owner) != AUTHZ_DENY;
}

/* A launch failure's reason names the directory or output file that failed
 * (ctl_node.c): for others, only that it failed. */
static const char *shown_reason(const char *reason, int priv)
{
	static const char lf[] = "launch failed";
	if (priv || reason == NULL || strncmp(reason, lf, sizeof lf - 1) != 0)
		return reason;
	return lf;
}

/* A job's record; its JF_PRIVATE fields and output paths only if `priv`. */
static void add_row(struct msg *m, const struct job_row *r, const char *reason, int priv)
{
	const char *user = r->user ? r->user : uid_name(r->uid);
	/* The reason now (a pending job's), the submitter's name from the
	 * uid when the row has none: a view borrowing the row's strings. */
	struct job_row shown = *r;
	shown.reason = (char *)shown_reason(reason, priv);
	shown.user = (char *)user;
	jobfield_frame(m, &shown, priv);
	if (!priv)
		return;
	char *out = job_output_path_array(r->out_tmpl, r->workdir, r->id, r->array_job_id,
	    r->array_task_id, r->name, user, r->node);
	char *err = r->err_tmpl ? job_output_path_array(r->err_tmpl, r->workdir, r->id,
	    r->array_job_id, r->array_task_id, r->name, user, r->node) : NULL;
	msg_adds(m, "stdout", out);
	msg_adds(m, "stderr", err ? err : out);
	free(out);
	free(err);
}

/* How a job was submitted: its command, arguments, origin and tasks. */
static void add_job_data(struct msg *m, const struct job_data *d)
{
	if (d->command != NULL)
		msg_adds(m, "command", d->command);
	for (const char *p = d->argv, *end = d->argv + d->argv_len; p < end; p += strlen(p) + 1)
		msg_adds(m, "arg", p);
	if (d->submit_dir != NULL)
		msg_adds(m, "submit_dir", d->submit_dir);
	if (d->submit_host != NULL)
		msg_adds(m, "submit_host", d->submit_host);
	msg_addi(m, "ntasks", d->ntasks > 0 ? d->ntasks : 1);
}

/* What only `herd show` tells: how the job was submitted (one read of job_data). */
static void add_submission(struct msg *m, struct ctl *c, int64_t id)
{
	struct job_data d = { 0 };
	if (db_job_get_data(c->db, id, &d) != 0)
		return;
	add_job_data(m, &d);
	job_data_clear(&d);
}

/*
 * A job's earlier attempts (its row is its latest), one "attempt_rec" each:
 * ATTEMPT, NODE, GPUS, START, END, STATE, EXIT, REASON, tab-separated (the
 * reason last: it is free text).  Only a requeued job has any, so a
 * listing of first attempts reads nothing more.
 */
struct attempts_ctx {
	struct msg *m;
	int priv;
};

static int attempt_cb(void *arg, const struct attempt_row *a)
{
	struct attempts_ctx *x = arg;
	char rec[HERD_ERRLEN + 256];
	const char *why = shown_reason(a->reason, x->priv);
	snprintf(rec, sizeof rec, "%d\t%s\t%s\t%" PRId64 "\t%" PRId64 "\t%s\t%d\t%s", a->attempt,
	    a->node ? a->node : "", a->gpu_list ? a->gpu_list : "", a->start_time, a->end_time,
	    job_state_name((enum job_state)a->state), a->exit_code, why ? why : "");
	msg_adds(x->m, "attempt_rec", rec);
	return 0;
}

static void add_attempts(struct msg *m, struct ctl *c, int64_t id, int attempt, int priv)
{
	struct attempts_ctx x = { m, priv };
	if (attempt > 1 && db_attempts(c->db, id, attempt_cb, &x) != 0)
		log_error("job %" PRId64 ": %s", id, db_errmsg(c->db));
}

/* An active job as it is now: its row (borrowing its strings: no copies
 * for 100,000 jobs) with the dependency's states as squeue shows them. */
static void view_now(struct server *s, const struct job *j, struct job_row *r, char *gl,
    size_t glsize, char *dep, size_t depsize)
{
	ctl_job_view(s->ctl, j, r, gl, glsize);
	ctl_alloc_view(s->ctl, j, r);
	ctl_dep_text(s->ctl, j, dep, depsize);
	if (dep[0] != '\0')
		r->dependency = dep;
}

/*
 * A pending job's reservation (herd queue --start, herd show): when
 * (planned_start, wall seconds; -1: once jobs without a limit end), where,
 * and whose expected end makes room (planned_after_pending: that job is
 * itself planned, not running).  Nothing for a job without one.
 */
static void add_plan(struct msg *m, struct ctl *c, const struct job *j)
{
	const struct ctl_resv *v = ctl_planned(c, j);
	if (v == NULL)
		return;
	msg_addi(m, "planned_start", v->start == SCHED_NEVER ? -1 : v->start);
	msg_adds(m, "planned_node", ctl_node_name(c, v->node));
	if (v->after < 0)
		return;
	const struct job *a = ctl_find(c, v->after);
	msg_addi(m, "planned_after", v->after);
	msg_addi(m, "planned_after_pending", a != NULL && a->state == JOB_PENDING);
}

static void send_job(struct server *s, struct client *cl, const struct job *j, int details)
{
	struct job_row r;
	struct msg m;
	char gl[512];

	char dep[4096];
	view_now(s, j, &r, gl, sizeof gl, dep, sizeof dep);
	int priv = may_see_private(s, cl, r.uid);
	msg_init(&m, "job");
	add_row(&m, &r, ctl_pending_reason(s->ctl, j), priv);
	add_plan(&m, s->ctl, j);
	add_attempts(&m, s->ctl, j->id, j->attempt, priv);
	if (details && priv)
		add_submission(&m, s->ctl, j->id);
	client_send(cl, &m);
	msg_clear(&m);
}

static void send_row(struct server *s, struct client *cl, const struct job_row *r, int details)
{
	struct msg m;
	int priv = may_see_private(s, cl, r->uid);
	msg_init(&m, "job");
	add_row(&m, r, r->reason, priv);
	add_attempts(&m, s->ctl, r->id, r->attempt, priv);
	if (details && priv)
		add_submission(&m, s->ctl, r->id);
	client_send(cl, &m);
	msg_clear(&m);
}

/*
 * The end of a listing, with herdd's own trouble for the user to see: the
 * database that cannot be written (a full disk) keeps job changes in
 * memory only until it can.
 */
static void send_end(struct server *s, struct client *cl)
{
	struct msg m;
	msg_init(&m, "end");
	if (s->ctl->db_failing_since != 0) {
		char w[HERD_ERRLEN + 128];
		snprintf(w, sizeof w, "herdd cannot write its database for %" PRId64 " s (%s); "
		    "job changes are kept in memory until it can", ctl_now_wall(s->ctl) - s->ctl->db_failing_since,
		    s->ctl->db_error);
		msg_adds(&m, "warning", w);
	}
	client_send(cl, &m);
	msg_clear(&m);
}

static void send_simple(struct client *cl, const char *type)
{
	struct msg m;
	msg_init(&m, type);
	client_send(cl, &m);
	msg_clear(&m);
}

static const char *get_str(const struct msg *m, const char *key, const char *def)
{
	const char *v = msg_get(m, key, NULL);
	return v != NULL && v[0] != '\0' ? v : def;
}

static int check_text(struct client *cl, const struct msg *m, const char *key, size_t max)
{
	uint32_t len;
	const char *v = msg_get(m, key, &len);
	if (v != NULL && (len > max || memchr(v, '\0', len) != NULL)) {
		client_error(cl, "%s: too long or contains a NUL byte", key);
		return -1;
	}
	return 0;
}

/* `key: "value" is not a number from MIN to MAX`, the value escaped and cut. */
static void bad_number(struct client *cl, const char *key, const char *v, uint32_t len,
    int64_t min, int64_t max)
{
	char raw[48], vis[200];
	size_t n = len < sizeof raw - 1 ? len : sizeof raw - 1;
	memcpy(raw, v, n);
	raw[n] = '\0';
	str_vis(vis, sizeof vis, raw);
	client_error(cl, "%s: \"%s%s\" is not a number from %" PRId64 " to %" PRId64, key, vis,
	    len > n ? "..." : "", min, max);
}

/* A numeric field, strictly (proto_parse_int); absent is `def`.  -1 answered. */
static int get_num(struct client *cl, const struct msg *m, const char *key, int64_t min,
    int64_t max, int64_t def, int64_t *out)
{
	uint32_t len;
	const char *v;
	if (msg_geti_checked(m, key, min, max, def, out) == 0)
		return 0;
	v = msg_get(m, key, &len);
	bad_number(cl, key, v, len, min, max);
	return -1;
}

/* Every value of a repeated id field, strictly, before anything acts on one. */
static int get_ids(struct client *cl, const struct msg *m, int64_t **ids, size_t *n)
{
	const char *v;
	uint32_t len;
	size_t k = 0;
	while (msg_get_nth(m, "id", k, NULL) != NULL)
		k++;
	*ids = xcalloc(k ? k : 1, sizeof **ids);
	*n = k;
	for (size_t i = 0; i < k; i++) {
		v = msg_get_nth(m, "id", i, &len);
		if (proto_parse_int(v, len, 1, INT64_MAX, &(*ids)[i]) != 0) {
			bad_number(cl, "id", v, len, 1, INT64_MAX);
			free(*ids);
			*ids = NULL;
			return -1;
		}
	}
	return 0;
}

/* Only what launch.c exports reaches execve: NAME=value with a shell name. */
static size_t env_name_len(const char *p, size_t n)
{
	size_t i = 0;
	if (n == 0 || (p[0] >= '0' && p[0] <= '9'))
		return 0;
	for (; i < n && p[i] != '='; i++) {
		char c = p[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return 0;
	}
	return i < n ? i : 0;
}

/*
 * Refuse at submit what the node's execve() would refuse (E2BIG, exit 126
 * "Argument list too long" after the job was queued): one argument or
 * environment string of EXEC_STR_MAX or more, or all of them together past
 * EXEC_TOTAL_MAX.  The reason names the argument ($N) or the variable.
 */
static int check_exec_size(struct client *cl, const struct job_data *d)
{
	size_t total = 0, idx = 1;
	for (const char *p = d->argv, *end = d->argv + d->argv_len; p < end; idx++) {
		size_t n = strnlen(p, (size_t)(end - p));
		if (n > EXEC_STR_MAX) {
			client_error(cl, "argument %zu is %zu bytes; a node runs at most %u bytes "
			    "in one argument (Linux's MAX_ARG_STRLEN)", idx, n, EXEC_STR_MAX);
			return -1;
		}
		total += n + 1 + sizeof(char *);
		p += n + 1;
	}
	for (const char *p = d->env, *end = d->env + d->env_len; p < end;) {
		size_t n = strnlen(p, (size_t)(end - p)), nl = env_name_len(p, n);
		if (nl != 0 && n > EXEC_STR_MAX) {
			char name[80], vis[256];
			memcpy(name, p, nl < sizeof name ? nl : sizeof name - 1);
			name[nl < sizeof name ? nl : sizeof name - 1] = '\0';
			str_vis(vis, sizeof vis, name);
			client_error(cl, "environment variable %s is %zu bytes (NAME=value); a node "
			    "runs at most %u bytes in one variable (Linux's MAX_ARG_STRLEN)", vis, n,
			    EXEC_STR_MAX);
			return -1;
		}
		if (nl != 0)
			total += n + 1 + sizeof(char *);
		p += n + 1;
	}
	if (total > EXEC_TOTAL_MAX) {
		client_error(cl, "arguments and environment take %zu bytes; a node runs at most "
		    "%u (Linux's execve limit, less room for the node's own variables)", total,
		    EXEC_TOTAL_MAX);
		return -1;
	}
	return 0;
}

/* Every number of a submission, each in its range; -1 answered. */
static int submit_numbers(struct client *cl, const struct msg *m, struct submit_req *r)
{
	int64_t gpus, cpus, ntasks, requeue;
	if (get_num(cl, m, "requeue", 0, 1, 1, &requeue) ||
	    get_num(cl, m, "gpus", 0, JOBOPT_MAX_GPUS, 0, &gpus) ||
	    get_num(cl, m, "cpus", 1, CPUS_MAX, 1, &cpus) ||
	    get_num(cl, m, "mem_mb", 0, MEM_MAX_MB, 0, &r->job.mem_mb) ||
	    get_num(cl, m, "time_limit", 0, TIME_MAX_S, 0, &r->job.time_limit_s) ||
	    get_num(cl, m, "ntasks", 1, cpus, 1, &ntasks))
		return -1;
	r->job.requeue = (int)requeue;
	r->job.gpus = (int)gpus;
	r->job.cpus = (int)cpus;
	r->data.ntasks = (int)ntasks;
	return 0;
}

/* A service's health check (svc_health.h), checked again: a client may
 * skip its checks; -1 answered. */
static int submit_health(struct client *cl, const struct msg *m, struct submit_req *r)
{
	int64_t iv, to, retries;
	char err[HERD_ERRLEN];
	const char *cmd = get_str(m, "health_cmd", NULL), *path = get_str(m, "health_http", NULL);
	if (get_num(cl, m, "health_interval", 1, SVC_HEALTH_DUR_MAX_S, SVC_HEALTH_DEF_INTERVAL_S,
	    &iv) ||
	    get_num(cl, m, "health_timeout", 1, SVC_HEALTH_DUR_MAX_S, SVC_HEALTH_DEF_TIMEOUT_S, &to) ||
	    get_num(cl, m, "health_retries", 1, SVC_HEALTH_RETRIES_MAX, SVC_HEALTH_DEF_RETRIES,
	    &retries))
		return -1;
	if (cmd == NULL && path == NULL)
		return 0;
	if (cmd != NULL && path != NULL) {
		client_error(cl, "health_cmd and health_http: one check, not both");
		return -1;
	}
	if ((cmd != NULL && svc_health_check_cmd(cmd, err, sizeof err) != 0) ||
	    (path != NULL && svc_health_check_path(path, err, sizeof err) != 0)) {
		client_error(cl, "%s", err);
		return -1;
	}
	if (path != NULL && !r->job.svc_port_want) {
		client_error(cl, "health_http needs port_wanted (herd service start --port)");
		return -1;
	}
	r->job.svc_health_cmd = (char *)cmd;
	r->job.svc_health_http = (char *)path;
	r->job.svc_health_interval = iv;
	r->job.svc_health_timeout = to;
	r->job.svc_health_retries = (int)retries;
	return 0;
}

/* --share-with (svc_share.h): resolved again here, where the users are
 * this machine's.  The canonical lists are static: the main thread's,
 * read by ctl_submit before the next request.  -1 answered. */
static int submit_share(struct client *cl, const struct msg *m, struct submit_req *r)
{
	static char names[SVC_SHARE_NAMES_MAX], uids[SVC_SHARE_UIDS_MAX];
	char err[HERD_ERRLEN];
	const char *list = msg_get(m, "share_with", NULL);
	if (list == NULL)
		return 0;
	/* What it shares is the forward to its --port's port (may_enter). */
	if (!r->job.svc_port_want) {
		client_error(cl, "--share-with lets users forward to the service's port: it "
		    "needs --port");
		return -1;
	}
	if (check_text(cl, m, "share_with", SVC_SHARE_NAMES_MAX) != 0)
		return -1;
	if (svc_share_resolve(list, name_uid_r, NULL, names, uids, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	r->job.svc_share_with = names;
	r->job.svc_share_uids = uids;
	return 0;
}

/* --idle-stop (svc_idle.h): only a service that holds GPUs has GPUs to
 * watch; -1 answered. */
static int submit_idle_stop(struct client *cl, const struct msg *m, struct submit_req *r)
{
	int64_t secs;
	if (get_num(cl, m, "idle_stop", 0, SVC_WINDOW_MAX_S, 0, &secs) != 0)
		return -1;
	if (secs > 0 && r->job.gpus <= 0) {
		client_error(cl, "--idle-stop stops a service whose GPUs stay idle: this one "
		    "asks for none (give it --gpus)");
		return -1;
	}
	if (secs > 0 && r->job.svc_replicas > 1) {
		client_error(cl, "--idle-stop with --replicas: a service of several copies is not "
		    "stopped for being idle (--idle-stop is for one, a notebook)");
		return -1;
	}
	r->job.svc_idle_stop_s = secs;
	return 0;
}

/* herd service start's fields (svc.h; the name's rules: ctl_svc_submit); -1 answered. */
static int submit_service(struct client *cl, const struct msg *m, struct submit_req *r)
{
	int64_t policy, maxr, window, port, replicas;
	if (check_text(cl, m, "service", SVC_NAME_MAX) ||
	    get_num(cl, m, "restart_policy", SVC_RESTART_NEVER, SVC_RESTART_ALWAYS,
	    SVC_RESTART_ON_FAILURE, &policy) ||
	    get_num(cl, m, "max_restarts", 0, SVC_MAX_RESTARTS_MAX, SVC_DEFAULT_MAX_RESTARTS,
	    &maxr) ||
	    get_num(cl, m, "restart_window", 1, SVC_WINDOW_MAX_S, SVC_DEFAULT_WINDOW_S, &window) ||
	    get_num(cl, m, "port_wanted", 0, 1, 0, &port) ||
	    get_num(cl, m, "replicas", 1, SVC_REPLICAS_MAX, 1, &replicas))
		return -1;
	r->job.svc_name = (char *)get_str(m, "service", NULL);
	if (r->job.svc_name == NULL && (port || msg_get(m, "replicas", NULL) != NULL)) {
		client_error(cl, "port_wanted and replicas are a service's (herd service start "
		    "--port, --replicas)");
		return -1;
	}
	if (r->job.svc_name == NULL && msg_get(m, "idle_stop", NULL) != NULL) {
		client_error(cl, "idle_stop is a service's (herd service start --idle-stop)");
		return -1;
	}
	if (r->job.svc_name == NULL && msg_get(m, "share_with", NULL) != NULL) {
		client_error(cl, "share_with is a service's (herd service start --share-with)");
		return -1;
	}
	if (r->job.svc_name == NULL && (msg_get(m, "health_cmd", NULL) != NULL ||
	    msg_get(m, "health_http", NULL) != NULL)) {
		client_error(cl, "a health check is a service's (herd service start --health-cmd)");
		return -1;
	}
	if (r->job.svc_name == NULL)
		return 0;	/* a batch job: none of a service's fields */
	r->job.svc_restart = (int)policy;
	r->job.svc_max_restarts = (int)maxr;
	r->job.svc_window_s = window;
	r->job.svc_port_want = (int)port;
	r->job.svc_replicas = (int)replicas;
	return submit_health(cl, m, r) != 0 || submit_share(cl, m, r) != 0 ||
	    submit_idle_stop(cl, m, r) != 0 ? -1 : 0;
}

/*
 * -M (checked here, where the cluster's name is known, before anything is
 * queued), --exclusive/--oversubscribe, --comment (checked again: a
 * client may skip its own checks).  -1 answered.
 */
static int submit_extras(struct server *s, struct client *cl, const struct msg *m,
    struct submit_req *r)
{
	char err[HERD_ERRLEN];
	int64_t excl, over, share, mem_all, nomt, inter;
	if (check_text(cl, m, "clusters", JOBOPT_CLUSTERS_MAX) ||
	    check_text(cl, m, "comment", JOBOPT_COMMENT_MAX) ||
	    check_text(cl, m, "account", CONFIG_NAME_MAX) ||
	    check_text(cl, m, "partition", PART_LIST_MAX) ||
	    check_text(cl, m, "qos", PART_LIST_MAX) ||
	    check_text(cl, m, "gpu_type", GPUTYPE_MAX) ||
	    check_text(cl, m, "constraint", CONSTRAINT_TEXT_MAX) ||
	    check_text(cl, m, "nodelist", HOSTLIST_TEXT_MAX) ||
	    check_text(cl, m, "exclude", HOSTLIST_TEXT_MAX) ||
	    get_num(cl, m, "gpu_mem_mb", 0, MEM_MAX_MB, 0, &r->job.gpu_mem_mb) ||
	    get_num(cl, m, "exclusive", JOBOPT_SHARED, JOBOPT_EXCL_USER, JOBOPT_SHARED, &excl) ||
	    get_num(cl, m, "oversubscribe", 0, 1, 0, &over) ||
	    get_num(cl, m, "gpu_share", 0, 1, 0, &share) ||
	    get_num(cl, m, "mem_all", 0, 1, 0, &mem_all) ||
	    get_num(cl, m, "hint_nomultithread", 0, 1, 0, &nomt) ||
	    get_num(cl, m, "interactive", 0, 1, 0, &inter) ||
	    submit_service(cl, m, r))
		return -1;
	const char *clusters = get_str(m, "clusters", NULL);
	if (clusters != NULL &&
	    jobopt_check_clusters(clusters, s->ctl->cfg->cluster, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	r->job.comment = (char *)get_str(m, "comment", NULL);
	if (r->job.comment != NULL &&
	    jobopt_check_label(r->job.comment, JOBOPT_COMMENT_MAX, "comment", err, sizeof err) != 0) {
		client_error(cl, "invalid --comment: %s", err);
		return -1;
	}
	r->job.account = (char *)get_str(m, "account", NULL);	/* ctl_submit checks it */
	r->job.exclusive = (int)excl;
	r->job.oversubscribe = (int)over;
	r->job.interactive = (int)inter;	/* herd alloc/run: idle_timeout applies */
	r->job.gpu_share = (int)share;	/* its rules: ctl_gpushare_submit */
	/* Per-node figures, taken at placement (sched.h); the CPUs as asked
	 * are kept for a later attempt on another node. */
	r->job.mem_all = (int)mem_all;
	r->job.nomt = (int)nomt;
	r->job.cpus_req = r->job.cpus;
	if (mem_all && r->job.mem_mb != 0) {
		client_error(cl, "mem_all with mem_mb %" PRId64 ": --mem=0 asks for no size",
		    r->job.mem_mb);
		return -1;
	}
	/* Which exist, and the limits, are ctl_submit's (partition.h). */
	r->job.partition = (char *)get_str(m, "partition", NULL);
	r->job.qos = (char *)get_str(m, "qos", NULL);
	/* Checked, against the nodes too, by ctl_submit (ctl_place.c). */
	r->job.gpu_type = (char *)get_str(m, "gpu_type", NULL);
	r->job.constraint = (char *)get_str(m, "constraint", NULL);
	r->job.nodelist = (char *)get_str(m, "nodelist", NULL);
	r->job.exclude = (char *)get_str(m, "exclude", NULL);
	return 0;
}

/*
 * --test-only: everything a submit checks, then the job as it would be
 * queued (a "job" frame, as `herd show` sends it) and where it would start
 * now (test_node, test_start) or why it would wait (reason, test_why).
 */
static int submit_test_answer(struct server *s, struct client *cl, struct submit_req *r)
{
	struct submit_test t;
	struct msg m;
	char err[HERD_ERRLEN];
	int64_t id;

	memset(&t, 0, sizeof t);
	job_row_init(&t.row);
	r->test = &t;
	if (ctl_submit(s->ctl, r, cl->uid, &id, err, sizeof err) != 0) {
		job_row_clear(&t.row);
		client_error(cl, "%s", err);
		return -1;
	}
	msg_init(&m, "job");
	add_row(&m, &t.row, t.node >= 0 ? NULL : t.reason, 1);	/* the caller's own */
	add_job_data(&m, &r->data);
	msg_addi(&m, "test_only", 1);
	if (t.node >= 0) {
		msg_adds(&m, "test_node", ctl_node_name(s->ctl, t.node));
		msg_addi(&m, "test_start", ctl_now_wall(s->ctl));
	} else
		msg_adds(&m, "test_why", t.why);
	client_send(cl, &m);
	msg_clear(&m);
	job_row_clear(&t.row);
	return 0;
}

/*
 * --mail-type and --mail-user (checked again: a client may skip its own
 * checks): acted on only where hosts.ini names a notify_command
 * (ctl_notify.c), the type stored canonical in `canon`.  -1 answered.
 */
static int submit_mail(struct server *s, struct client *cl, const struct msg *m,
    struct submit_req *r, char *canon, size_t size, char *warn, size_t warnsz)
{
	char err[HERD_ERRLEN];
	if (check_text(cl, m, "mail_type", MAILTYPE_INPUT_MAX) ||
	    check_text(cl, m, "mail_user", MAILUSER_MAX))
		return -1;
	const char *type = get_str(m, "mail_type", NULL);
	r->job.mail_user = (char *)get_str(m, "mail_user", NULL);
	if (ctl_notify_submit(s->ctl, type, r->job.mail_user, r->array != NULL, canon, size,
	    warn, warnsz, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	r->job.mail_type = canon[0] != '\0' ? canon : NULL;
	return 0;
}

/*
 * --array, checked against this controller's max_array_size (the client
 * checked its syntax only): an array past it is refused, nothing queued.
 */
static int submit_array(struct server *s, struct client *cl, const struct msg *m,
    struct arrayspec *a, struct submit_req *r)
{
	char err[HERD_ERRLEN];
	if (check_text(cl, m, "array", ARRAYSPEC_TEXT_MAX))
		return -1;
	const char *v = get_str(m, "array", NULL);
	if (v == NULL)
		return 0;
	if (arrayspec_parse(a, v, (uint32_t)s->ctl->cfg->max_array_size, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	r->array = a;
	return 0;
}

/*
 * When the job may start: --begin (parsed here, in the controller's time
 * zone and clock), --hold, --nice, --dependency (checked against the
 * queue).  *dep receives the text to store (malloc'd or NULL).  -1 answered.
 */
static int submit_eligibility(struct server *s, struct client *cl, const struct msg *m,
    struct submit_req *r, char **dep)
{
	char err[HERD_ERRLEN];
	int64_t hold, nice;
	*dep = NULL;
	if (check_text(cl, m, "begin", BEGIN_TEXT_MAX) ||
	    check_text(cl, m, "dependency", DEPEND_TEXT_MAX) ||
	    get_num(cl, m, "hold", 0, 1, 0, &hold) ||
	    get_num(cl, m, "nice", -NICE_MAX, NICE_MAX, 0, &nice))
		return -1;
	if (nice < 0 && cl->uid != 0) {
		client_error(cl, "invalid --nice=%" PRId64 ": only root may give a negative nice",
		    nice);
		return -1;
	}
	r->job.nice = (int)nice;
	r->job.hold = hold ? elig_hold_kind(cl->uid, 0, 1) : JOB_HOLD_NONE;
	const char *begin = get_str(m, "begin", NULL);
	if (begin != NULL) {
		time_t t;
		if (begin_parse(begin, (time_t)ctl_now_wall(s->ctl), &t, err, sizeof err) != 0) {
			client_error(cl, "%s", err);
			return -1;
		}
		r->job.begin_time = (int64_t)t > ctl_now_wall(s->ctl) ? (int64_t)t : 0;
	}
	if (ctl_dep_check(s->ctl, get_str(m, "dependency", NULL), cl->uid, dep, err,
	    sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	r->job.dependency = *dep;
	return 0;
}

/*
 * --signal and the submitter's umask, checked here whatever the client
 * checked: *warn receives the canonical text (caller's buffer).  An older
 * client sends no umask: -1, the node's own applies.  -1 answered.
 */
static int submit_signal_umask(struct client *cl, const struct msg *m, struct submit_req *r,
    char *warn, size_t warnsz)
{
	char why[HERD_ERRLEN], vis[80];
	struct sigspec sp;
	int64_t um;

	if (check_text(cl, m, "signal", 256) || get_num(cl, m, "umask", 0, 0777, -1, &um))
		return -1;
	r->job.umask = (int)um;
	const char *v = get_str(m, "signal", NULL);
	if (v == NULL)
		return 0;
	if (sigspec_parse(v, &sp, why, sizeof why) != 0) {
		str_vis(vis, sizeof vis, v);
		client_error(cl, "invalid --signal \"%s\": %s", vis, why);
		return -1;
	}
	sigspec_format(&sp, warn, warnsz);
	r->job.warn_signal = (char *)warn;
	return 0;
}

static int rpc_submit(struct server *s, struct client *cl, const struct msg *m)
{
	struct submit_req r = { 0 };
	uint32_t len;
	char err[HERD_ERRLEN];
	int64_t id, test_only;

	job_row_init(&r.job);	/* what the request leaves out keeps its default */

	if (check_text(cl, m, "name", 1024) || check_text(cl, m, "workdir", 4096) ||
	    check_text(cl, m, "out", 4096) || check_text(cl, m, "err", 4096) ||
	    check_text(cl, m, "script", SCRIPT_MAX) || check_text(cl, m, "command", ARGV_MAX) ||
	    check_text(cl, m, "submit_dir", 4096) || check_text(cl, m, "submit_host", 256))
		return -1;
	r.job.workdir = (char *)get_str(m, "workdir", NULL);
	if (r.job.workdir == NULL || r.job.workdir[0] != '/') {
		client_error(cl, "the working directory must be an absolute path");
		return -1;
	}
	r.job.name = (char *)get_str(m, "name", "job");
	r.job.out_tmpl = (char *)get_str(m, "out", NULL);
	r.job.err_tmpl = (char *)get_str(m, "err", NULL);
	r.job.user = (char *)uid_name((uint32_t)cl->uid);	/* the kernel's word, never the client's */
	if (submit_numbers(cl, m, &r) != 0 || submit_extras(s, cl, m, &r) != 0)
		return -1;
	r.data.script = (char *)msg_get(m, "script", &len);
	r.data.script_len = len;
	if (r.data.script == NULL) {
		client_error(cl, "no script");
		return -1;
	}
	r.data.argv = (char *)msg_get(m, "argv", &len);
	r.data.argv_len = r.data.argv ? len : 0;
	r.data.env = (char *)msg_get(m, "env", &len);
	r.data.env_len = r.data.env ? len : 0;
	r.data.command = (char *)get_str(m, "command", NULL);
	r.data.submit_dir = (char *)get_str(m, "submit_dir", NULL);
	r.data.submit_host = (char *)get_str(m, "submit_host", NULL);
	if (r.data.argv_len > ARGV_MAX || r.data.env_len > ENV_MAX) {
		client_error(cl, "arguments or environment too large");
		return -1;
	}
	if (check_exec_size(cl, &r.data) != 0)
		return -1;
	if (get_num(cl, m, "test_only", 0, 1, 0, &test_only) != 0)
		return -1;
	char warn[SIGSPEC_TEXT_MAX];
	if (submit_signal_umask(cl, m, &r, warn, sizeof warn) != 0)
		return -1;
	char *dep;
	if (submit_eligibility(s, cl, m, &r, &dep) != 0)
		return -1;
	struct arrayspec arr;
	arrayspec_init(&arr);
	char mail[MAILTYPE_TEXT_MAX], mail_warn[256];
	if (submit_array(s, cl, m, &arr, &r) != 0 ||
	    submit_mail(s, cl, m, &r, mail, sizeof mail, mail_warn, sizeof mail_warn) != 0) {
		arrayspec_clear(&arr);
		free(dep);
		return -1;
	}
	if (test_only) {
		int trc = submit_test_answer(s, cl, &r);
		arrayspec_clear(&arr);
		free(dep);
		return trc;
	}
	int src = ctl_submit(s->ctl, &r, cl->uid, &id, err, sizeof err);
	arrayspec_clear(&arr);
	free(dep);
	if (src != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	struct msg ok;
	msg_init(&ok, "ok");
	msg_addi(&ok, "id", id);
	if (mail_warn[0] != '\0')
		msg_adds(&ok, "warning", mail_warn);	/* kept, but no one will be told */
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}

static int queue_more(struct server *s, struct client *cl)
{
	size_t sent = 0, seen = 0;
	const struct job *j;
	/* Jobs skipped (ended, or another user's) count too, more cheaply. */
	while ((j = ctl_job_next(s->ctl, rpc_state_of(cl)->cursor)) != NULL) {
		if (sent >= LIST_CHUNK || seen >= 16 * LIST_CHUNK)
			return 0;	/* the next chunk starts at j */
		rpc_state_of(cl)->cursor = j->id + 1;
		seen++;
		if (job_state_is_final(j->state))
			continue;
		if (rpc_state_of(cl)->mine && j->uid != (uint32_t)cl->uid)
			continue;
		send_job(s, cl, j, 0);
		sent++;
	}
	send_end(s, cl);
	return 1;
}

static int rpc_queue(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t mine;
	(void)s;
	if (get_num(cl, m, "mine", 0, 1, 0, &mine) != 0)
		return -1;
	rpc_state_of(cl)->cursor = 0;
	rpc_state_of(cl)->mine = (int)mine;
	cl->more = queue_more;
	return 0;
}

/*
 * Each GPU: "INDEX UUID NAME TOTAL USED UTIL JOB TEMP USER OUTSIDE OUTSIDE_MB"
 * (tab-separated; OUTSIDE is enum foreign_why), then each process using
 * one outside herd: "INDEX PID USER UID MB SINCE JOB PROCESS", and each
 * --gpu-share job holding one: "INDEX JOB USER DECLARED_MB" (client.h).
 */
static void add_gpus(struct msg *m, struct ctl *c, const struct node *n)
{
	for (size_t g = 0; g < n->probe.ngpus; g++) {
		const struct gpu_info *gi = &n->probe.gpus[g];
		int64_t holder = ctl_gpu_holder(c, n, g);
		const struct job *hj = holder > 0 ? ctl_find(c, holder) : NULL;
		int why = g < PROBE_MAX_GPUS ? n->foreign.why[g] : 0;
		char rec[512];
		snprintf(rec, sizeof rec, "%d\t%s\t%s\t%" PRId64 "\t%" PRId64 "\t%d\t%" PRId64
		    "\t%d\t%s\t%d\t%" PRId64, gi->index, gi->uuid, gi->name, gi->mem_total_mb,
		    gi->mem_used_mb, gi->util, holder, gi->temp_c, hj != NULL ? hj->user : "",
		    why, why != 0 ? n->foreign.mem_mb[g] : -1);
		msg_adds(m, "gpu", rec);
	}
	for (size_t i = 0; i < n->foreign.nprocs; i++) {
		const struct foreign_proc *p = &n->foreign.procs[i];
		char rec[512];
		if ((size_t)p->gpu >= n->probe.ngpus)
			continue;
		snprintf(rec, sizeof rec, "%d\t%d\t%s\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%"
		    PRId64 "\t%s", n->probe.gpus[p->gpu].index, p->pid, p->user, p->uid, p->mem_mb,
		    p->since, p->job, p->process);
		msg_adds(m, "gpu_proc", rec);
	}
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *j = c->jobs[i];
		if (!j->gpu_share || !j->held || j->node != n->idx)
			continue;
		for (size_t g = 0; g < n->probe.ngpus && g < 64; g++) {
			char rec[256];
			if (!(j->gpu_mask >> g & 1))
				continue;
			snprintf(rec, sizeof rec, "%d\t%" PRId64 "\t%s\t%" PRIu32,
			    n->probe.gpus[g].index, j->id, j->user, j->gpu_mem_mb);
			msg_adds(m, "gpu_share", rec);
		}
	}
}

static int rpc_nodes(struct server *s, struct client *cl, const struct msg *req)
{
	struct ctl *c = s->ctl;
	(void)req;
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct node *n = &c->nodes[k];
		struct msg m;
		if (!ctl_node_listed(n))
			continue;	/* a reload removed it and its jobs have ended */
		msg_init(&m, "node");
		msg_adds(&m, "name", n->conf->name);
		msg_adds(&m, "host", n->conf->host);
		char state[32];
		const char *reason;
		int64_t since;
		ctl_node_view(c, n, state, sizeof state, &reason, &since);
		if (n->life == NODE_REMOVED && strncmp(state, "DOWN", 4) != 0) {
			msg_adds(&m, "state", "DRAINING");
			msg_adds(&m, "reason",
			    "removed from hosts.ini: no new jobs; leaves once its jobs end");
		} else {
			msg_adds(&m, "state", state);
			msg_adds(&m, "reason", reason);
		}
		msg_addi(&m, "since", since);
		/* Free disk in the node's herd directory (-1 unknown). */
		msg_addi(&m, "disk_free_mb", n->have_probe && n->probe.disk_free_kb >= 0 ?
		    n->probe.disk_free_kb / 1024 : -1);
		/* An --exclusive job holds all of its node. */
		int whole = ctl_node_exclusive(c, n) && n->have_probe;
		msg_addi(&m, "cpus", n->have_probe ? n->probe.cpus : 0);
		msg_addi(&m, "cpus_used", whole ? n->probe.cpus : n->cpus_used);
		msg_addi(&m, "mem_mb", n->have_probe ? n->probe.mem_mb : 0);
		msg_addi(&m, "mem_used_mb", whole ? n->probe.mem_mb : n->mem_used_mb);
		/* Threads per core (0 unknown) and the load in hundredths (-1 unknown). */
		msg_addi(&m, "threads_per_core", n->have_probe ? n->probe.threads_per_core : 0);
		msg_addi(&m, "load1", n->have_probe ? n->probe.load[0] : -1);
		msg_addi(&m, "load5", n->have_probe ? n->probe.load[1] : -1);
		msg_addi(&m, "load15", n->have_probe ? n->probe.load[2] : -1);
		msg_adds(&m, "cgroup", n->have_probe ? n->probe.cgroup : "");
		/* What confines its jobs (isolate.h), and where logging out kills them. */
		char iw[400] = "";
		msg_adds(&m, "isolation", n->have_probe ?
		    isolate_kind_name(isolate_choose(&n->probe.iso)) : "");
		msg_adds(&m, "isolation_warning", n->have_probe ?
		    isolate_warning(&n->probe.iso, iw, sizeof iw) : "");
		msg_adds(&m, "hostname", n->have_probe ? n->probe.hostname : "");
		char parts[512];
		part_of_node(c->cfg, n->conf->name, parts, sizeof parts);
		msg_adds(&m, "partitions", parts);	/* "a,b"; "-" none; "" none configured */
		add_gpus(&m, c, n);
		client_send(cl, &m);
		msg_clear(&m);
	}
	send_end(s, cl);
	return 0;
}

/* The job a "ref" of a show names ("123_7": that task; pending: its array). */
static int show_ref(struct server *s, struct client *cl, const struct msg *m, int64_t *id)
{
	struct jobref ref;
	char err[HERD_ERRLEN];
	if (check_text(cl, m, "ref", 256))
		return -1;
	if (jobref_parse(&ref, get_str(m, "ref", ""), err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	int kind = ref.kind, found = 1;
	*id = ref.id;
	if (kind == JOBREF_TASK)
		found = ctl_array_task_job(s->ctl, ref.id, ref.task, id);
	jobref_clear(&ref);
	if (kind == JOBREF_TASKS) {
		client_error(cl, "show: one job or one task at a time");
		return -1;
	}
	if (found != 1) {
		client_error(cl, "no job %s", get_str(m, "ref", ""));
		return -1;
	}
	return 0;
}

/*
 * An array's started tasks, one "task" field each ("TASK\tID\tSTATE"), in
 * the array's frame of `herd show`; memory is newer than the database.
 */
struct tasks_ctx {
	struct ctl *c;
	struct msg *m;
	size_t n;
};

#define SHOW_TASKS_MAX 2000	/* fields of one frame: PROTO_FIELDS_MAX */

static int task_cb(void *arg, const struct job_row *r)
{
	struct tasks_ctx *t = arg;
	char rec[128];
	const struct job *j = ctl_find(t->c, r->id);
	int st = j != NULL ? j->state : r->state;
	if (t->n++ >= SHOW_TASKS_MAX)
		return 0;
	snprintf(rec, sizeof rec, "%d\t%" PRId64 "\t%s", r->array_task_id, r->id,
	    job_state_name((enum job_state)st));
	msg_adds(t->m, "task", rec);
	return 0;
}

static void add_tasks(struct server *s, struct msg *m, int64_t array_id)
{
	struct tasks_ctx t = { s->ctl, m, 0 };
	if (db_array_tasks(s->ctl->db, array_id, task_cb, &t) != 0)
		return;
	if (t.n > SHOW_TASKS_MAX)
		msg_addi(m, "tasks_left_out", (int64_t)(t.n - SHOW_TASKS_MAX));
}

/*
 * herd show --script / --env: what the job was submitted with, for its
 * owner, admins and root only (another user's environment holds their
 * tokens and paths).  An admin reading another's is audited.  One "secret"
 * frame: the script's bytes, or the environment NUL-separated, as stored.
 */
static int show_secret(struct server *s, struct client *cl, const struct job_row *r,
    int64_t id, int env)
{
	enum authz_action a = env ? AUTHZ_READ_ENV : AUTHZ_READ_SCRIPT;
	enum authz_verdict v = ctl_authz(s->ctl, cl->uid, a, r->uid);
	const char *owner = r->user ? r->user : uid_name(r->uid);
	char err[HERD_ERRLEN];
	if (v == AUTHZ_DENY) {
		ctl_not_yours(id, owner, err, sizeof err);
		client_error(cl, "%s", err);
		return -1;
	}
	struct job_data d = { 0 };
	if (db_job_get_data(s->ctl->db, r->array_job_id > 0 ? r->array_job_id : r->id, &d) != 0) {
		client_error(cl, "job %" PRId64 ": its submission is not stored: %s", id,
		    db_errmsg(s->ctl->db));
		job_data_clear(&d);
		return -1;
	}
	if (v == AUTHZ_ADMIN) {
		char who[64];
		strlcpy_h(who, owner, sizeof who);	/* uid_name's buffer is shared */
		ctl_audit(s->ctl, cl->uid, a, id, r->uid, who, NULL);
	}
	struct msg f;
	msg_init(&f, "secret");
	msg_addi(&f, "id", id);
	if (env)
		msg_add(&f, "env", d.env ? d.env : "", d.env ? d.env_len : 0);
	else
		msg_add(&f, "script", d.script ? d.script : "", d.script ? d.script_len : 0);
	client_send(cl, &f);
	msg_clear(&f);
	job_data_clear(&d);
	send_simple(cl, "end");
	return 0;
}

static int rpc_show(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t id, script, env;
	struct job_row r;
	struct msg f;
	if (get_num(cl, m, "script", 0, 1, 0, &script) || get_num(cl, m, "env", 0, 1, 0, &env))
		return -1;
	if (script && env) {
		client_error(cl, "show: --script or --env, not both");
		return -1;
	}
	if (msg_get(m, "ref", NULL) != NULL) {
		if (show_ref(s, cl, m, &id) != 0)
			return -1;
	} else if (msg_get(m, "id", NULL) == NULL) {
		client_error(cl, "id: missing");
		return -1;
	} else if (get_num(cl, m, "id", 1, INT64_MAX, 0, &id) != 0)
		return -1;
	job_row_init(&r);
	struct job *j = ctl_find(s->ctl, id);
	if (j == NULL && db_job_get(s->ctl->db, id, &r) != 1) {
		job_row_clear(&r);
		client_error(cl, "no job %" PRId64, id);
		return -1;
	}
	/* In memory, it is newer than the database. */
	char gl[512], dep[4096];
	if (j != NULL) {
		job_row_clear(&r);
		view_now(s, j, &r, gl, sizeof gl, dep, sizeof dep);
	}
	if (script || env) {
		int rc = show_secret(s, cl, &r, id, (int)env);
		if (j == NULL)
			job_row_clear(&r);
		return rc;
	}
	/* The command line may carry secrets, and the paths name projects:
	 * its owner's, as the script is. */
	int priv = may_see_private(s, cl, r.uid);
	msg_init(&f, "job");
	add_row(&f, &r, j != NULL ? ctl_pending_reason(s->ctl, j) : r.reason, priv);
	if (j != NULL)
		add_plan(&f, s->ctl, j);
	char fu[1024];
	if (j != NULL && ctl_foreign_text(s->ctl, j, fu, sizeof fu) > 0)
		msg_adds(&f, "foreign_use", fu);	/* GpusInUseOutsideHerd: whose */
	add_attempts(&f, s->ctl, r.id, r.attempt, priv);
	if (priv)
		add_submission(&f, s->ctl, r.array_job_id > 0 ? r.array_job_id : r.id);
	if (r.array_spec != NULL && r.array_job_id == r.id)
		add_tasks(s, &f, r.id);
	client_send(cl, &f);
	msg_clear(&f);
	if (j == NULL)
		job_row_clear(&r);
	send_simple(cl, "end");
	return 0;
}

/* The ids of the history, fixed when asked; the rows go out a slice at a time.
 * With filters (histfilter.h) the walk reads past rows that do not match
 * and stops at `limit` that do. */
struct history_ctx {
	int64_t *ids;
	size_t n, cap;
	const struct hist_filter *f;
	size_t limit;
};

static int history_cb(void *arg, const struct job_row *r)
{
	struct history_ctx *h = arg;
	if (h->f != NULL && !hist_filter_match(h->f, r, r->user ? r->user : uid_name(r->uid)))
		return 0;
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->ids = xreallocarray(h->ids, h->cap, sizeof *h->ids);
	}
	h->ids[h->n++] = r->id;
	return h->n >= h->limit;
}

/* A repeated text field of the request into l, each value checked as
 * check_text checks one: at most HIST_FILTER_VALUES of them. */
static int get_texts(struct client *cl, const struct msg *m, const char *key,
    struct hist_list *l)
{
	uint32_t len;
	const char *v;
	for (l->n = 0; (v = msg_get_nth(m, key, l->n, &len)) != NULL; l->n++) {
		if (l->n == HIST_FILTER_VALUES) {
			client_error(cl, "%s: more than %d values", key, HIST_FILTER_VALUES);
			return -1;
		}
		if (len == 0 || len > HIST_FILTER_TEXT_MAX || memchr(v, '\0', len) != NULL) {
			client_error(cl, "%s: empty, too long or contains a NUL byte", key);
			return -1;
		}
		l->v[l->n] = v;
	}
	return 0;
}

/* herd history's filters: "user", "account", "partition", "name", "node"
 * (repeated), "states" (a bit per state), "since"/"until" (wall seconds). */
static int get_hist_filter(struct client *cl, const struct msg *m, struct hist_filter *f)
{
	int64_t states, since, until;
	if (get_texts(cl, m, "user", &f->users) || get_texts(cl, m, "account", &f->accounts) ||
	    get_texts(cl, m, "partition", &f->parts) || get_texts(cl, m, "name", &f->names) ||
	    get_texts(cl, m, "node", &f->nodes) ||
	    get_num(cl, m, "states", 0, (1 << JOB_NSTATES) - 1, 0, &states) ||
	    get_num(cl, m, "since", 0, INT64_MAX / 2, 0, &since) ||
	    get_num(cl, m, "until", 0, INT64_MAX / 2, 0, &until))
		return -1;
	f->states = (unsigned)states;
	f->since = since;
	f->until = until;
	return 0;
}

static int history_more(struct server *s, struct client *cl)
{
	for (size_t sent = 0; rpc_state_of(cl)->list_pos < rpc_state_of(cl)->nlist && sent < LIST_CHUNK; sent++) {
		struct job_row r;
		job_row_init(&r);
		if (db_job_get(s->ctl->db, rpc_state_of(cl)->list_ids[rpc_state_of(cl)->list_pos++], &r) == 1)
			send_row(s, cl, &r, 0);
		job_row_clear(&r);
	}
	if (rpc_state_of(cl)->list_pos < rpc_state_of(cl)->nlist)
		return 0;
	free(rpc_state_of(cl)->list_ids);
	rpc_state_of(cl)->list_ids = NULL;
	rpc_state_of(cl)->nlist = rpc_state_of(cl)->list_pos = 0;
	send_end(s, cl);
	return 1;
}

static int rpc_history(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t limit, all;
	if (get_num(cl, m, "limit", 1, HISTORY_MAX, 50, &limit) ||
	    get_num(cl, m, "all", 0, 1, 0, &all))
		return -1;
	uint32_t uid = all ? (uint32_t)-1 : (uint32_t)cl->uid;
	struct hist_filter f = { 0 };	/* borrows m's strings: used before this returns */
	if (get_hist_filter(cl, m, &f) != 0)
		return -1;
	struct history_ctx h = { NULL, 0, 0, hist_filter_active(&f) ? &f : NULL, (size_t)limit };
	/* Filtered: every ended job may be read (-1: SQLite's no limit). */
	if (db_jobs_history(s->ctl->db, uid, h.f ? -1 : (int)limit, history_cb, &h) != 0) {
		free(h.ids);
		client_error(cl, "%s", db_errmsg(s->ctl->db));
		return -1;
	}
	free(rpc_state_of(cl)->list_ids);
	rpc_state_of(cl)->list_ids = h.ids;
	rpc_state_of(cl)->nlist = h.n;
	rpc_state_of(cl)->list_pos = 0;
	cl->more = history_more;
	return 0;
}

/*
 * The "ref" fields of a cancel: "123", "123_7", "123_[1-5]" (arrayspec.h),
 * each answered like an "id" ("REF\t" or "REF\tERROR").  All are read
 * before any acts: a bad one refuses the request.
 */
static int cancel_refs(struct server *s, struct client *cl, const struct msg *m,
    struct msg *ok)
{
	size_t k = 0;
	char err[HERD_ERRLEN], line[HERD_ERRLEN + 128], vis[96];
	while (msg_get_nth(m, "ref", k, NULL) != NULL)
		k++;
	struct jobref *refs = xcalloc(k ? k : 1, sizeof *refs);
	for (size_t i = 0; i < k; i++) {
		uint32_t len;
		const char *v = msg_get_nth(m, "ref", i, &len);
		if (len > ARRAYSPEC_TEXT_MAX || memchr(v, '\0', len) != NULL ||
		    jobref_parse(&refs[i], v, err, sizeof err) != 0) {
			if (len > ARRAYSPEC_TEXT_MAX || memchr(v, '\0', len) != NULL)
				snprintf(err, sizeof err, "ref: too long or contains a NUL byte");
			client_error(cl, "%s", err);
			for (size_t j = 0; j < i; j++)
				jobref_clear(&refs[j]);
			free(refs);
			return -1;
		}
	}
	for (size_t i = 0; i < k; i++) {
		str_vis(vis, sizeof vis, msg_get_nth(m, "ref", i, NULL));
		if (ctl_cancel_ref(s->ctl, &refs[i], cl->uid, err, sizeof err) == 0)
			snprintf(line, sizeof line, "%s\t", vis);
		else
			snprintf(line, sizeof line, "%s\t%s", vis, err);
		msg_adds(ok, "result", line);
		jobref_clear(&refs[i]);
	}
	free(refs);
	return 0;
}

/* One action on one job: 0 done, -1 refused (why in err), 1 left alone. */
typedef int (*id_action)(struct ctl *c, int64_t id, uid_t uid, int arg, char *err,
    size_t errsz);

/* With skip_others (a filter picked the ids, not the user), a job the
 * caller may not cancel is left alone and counted, not refused. */
static int act_cancel(struct ctl *c, int64_t id, uid_t uid, int skip_others, char *err,
    size_t errsz)
{
	if (skip_others && ctl_job_denied(c, AUTHZ_CANCEL, id, uid))
		return 1;
	return ctl_cancel(c, id, uid, err, errsz);
}

static int act_requeue(struct ctl *c, int64_t id, uid_t uid, int arg, char *err, size_t errsz)
{
	(void)arg;
	return ctl_requeue(c, id, uid, err, errsz);
}

static int act_hold(struct ctl *c, int64_t id, uid_t uid, int hold, char *err, size_t errsz)
{
	return ctl_hold(c, id, uid, hold, err, errsz);
}

/*
 * The "id" fields of a request, each acted on and answered with a result
 * line "ID\t" (done) or "ID\tWHY" in `ok`, as cancel, requeue, hold and
 * release answer; the jobs an action left alone are only counted
 * ("others").  -1 (answered) when an id is not one.
 */
static int act_on_ids(struct server *s, struct client *cl, const struct msg *m, id_action act,
    int arg, struct msg *ok)
{
	char err[HERD_ERRLEN], line[HERD_ERRLEN + 32];
	int64_t *ids, others = 0;
	size_t n;
	if (get_ids(cl, m, &ids, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		err[0] = '\0';
		int rc = act(s->ctl, ids[i], cl->uid, arg, err, sizeof err);
		if (rc == 1) {
			others++;
			continue;
		}
		if (rc == 0)
			snprintf(line, sizeof line, "%" PRId64 "\t", ids[i]);
		else
			snprintf(line, sizeof line, "%" PRId64 "\t%s", ids[i], err);
		msg_adds(ok, "result", line);
	}
	if (others > 0)
		msg_addi(ok, "others", others);
	free(ids);
	return 0;
}

/* cancel, requeue, hold, release: every id answered, in one "ok". */
static int answer_ids(struct server *s, struct client *cl, const struct msg *m, id_action act,
    int arg, int with_refs)
{
	struct msg ok;
	msg_init(&ok, "ok");
	if (act_on_ids(s, cl, m, act, arg, &ok) != 0 ||
	    (with_refs && cancel_refs(s, cl, m, &ok) != 0)) {
		msg_clear(&ok);
		return -1;
	}
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}

/*
 * others=skip: the ids are what a filter of `herd cancel` matched (-t
 * RUNNING), not what the user named, so other users' jobs among them are
 * left alone and counted in the answer's "others", not refused one by one.
 */
static int rpc_cancel(struct server *s, struct client *cl, const struct msg *m)
{
	const char *others = msg_get(m, "others", NULL);
	if (others != NULL && strcmp(others, "skip") != 0) {
		client_error(cl, "others: \"skip\" or nothing");
		return -1;
	}
	return answer_ids(s, cl, m, act_cancel, others != NULL, 1);
}

static int rpc_requeue(struct server *s, struct client *cl, const struct msg *m)
{
	return answer_ids(s, cl, m, act_requeue, 0, 0);
}

static int rpc_hold(struct server *s, struct client *cl, const struct msg *m)
{
	return answer_ids(s, cl, m, act_hold, 1, 0);
}

static int rpc_release(struct server *s, struct client *cl, const struct msg *m)
{
	return answer_ids(s, cl, m, act_hold, 0, 0);
}

/*
 * What `herd update` may change: the request key, its bit, and where it
 * goes in struct job_update.  A number is read in [min, max]; a string
 * (max 0) is at most `min` bytes.  A key not here is refused, so a new
 * updatable field is a row here, a member and bit in ctl.h's job_update,
 * a line of ctl_update() and a row of cmd_update.c's table.
 */
static const struct update_key {
	const char *key;
	unsigned bit;
	size_t off, size;
	int64_t min, max;
} update_keys[] = {
#define UK(key, bit, member, min, max) \
	{ key, bit, offsetof(struct job_update, member), \
	  sizeof(((struct job_update *)0)->member), min, max }
	UK("name", UPD_NAME, name, 1024, 0),
	UK("time_limit", UPD_TIME, time_limit_s, 0, TIME_MAX_S),
	UK("gpus", UPD_GPUS, gpus, 0, JOBOPT_MAX_GPUS),
	UK("cpus", UPD_CPUS, cpus, 1, CPUS_MAX),
	UK("mem_mb", UPD_MEM, mem_mb, 0, MEM_MAX_MB),
	UK("out", UPD_OUT, out_tmpl, 4096, 0),
	UK("err", UPD_ERR, err_tmpl, 4096, 0),
	UK("begin", UPD_BEGIN, begin, BEGIN_TEXT_MAX, 0),
	UK("dependency", UPD_DEP, dependency, DEPEND_TEXT_MAX, 0),
	UK("nice", UPD_NICE, nice, -NICE_MAX, NICE_MAX),
#undef UK
};

/* One key=value of an update into u; -1 answered. */
static int update_field(struct client *cl, const struct msg *m, size_t fi, struct job_update *u)
{
	const struct msg_field *k = &m->f[fi], *v = &m->f[fi + 1];
	for (size_t i = 0; i < sizeof update_keys / sizeof update_keys[0]; i++) {
		const struct update_key *uk = &update_keys[i];
		if (strlen(uk->key) != k->len || memcmp(uk->key, k->p, k->len) != 0)
			continue;
		if (u->set & uk->bit) {
			client_error(cl, "%s: given twice", uk->key);
			return -1;
		}
		char *at = (char *)u + uk->off;
		if (uk->max == 0) {
			if (check_text(cl, m, uk->key, (size_t)uk->min) != 0)
				return -1;
			*(const char **)at = v->p;
		} else {
			int64_t n;
			if (get_num(cl, m, uk->key, uk->min, uk->max, 0, &n) != 0)
				return -1;
			if (uk->size == sizeof(int64_t))
				*(int64_t *)at = n;
			else
				*(int *)at = (int)n;
		}
		u->set |= uk->bit;
		return 0;
	}
	char vis[64];
	str_vis(vis, sizeof vis, k->p);
	client_error(cl, "\"%s\" cannot be updated", vis);
	return -1;
}

/*
 * An update's begin time, in this controller's clock and time zone as at
 * submit, and its nice: negative only for root, as at submit.  -1 answered.
 */
static int update_eligibility(struct server *s, struct client *cl, struct job_update *u)
{
	char err[HERD_ERRLEN];
	if ((u->set & UPD_NICE) && u->nice < 0 && cl->uid != 0) {
		client_error(cl, "invalid nice=%d: only root may give a negative nice", u->nice);
		return -1;
	}
	if (u->set & UPD_BEGIN) {
		time_t t;
		if (begin_parse(u->begin, (time_t)ctl_now_wall(s->ctl), &t, err, sizeof err) != 0) {
			client_error(cl, "%s", err);
			return -1;
		}
		u->begin_time = (int64_t)t > ctl_now_wall(s->ctl) ? (int64_t)t : 0;
	}
	return 0;
}

/* herd update ID KEY=VALUE...: every value checked before anything changes. */
static int rpc_update(struct server *s, struct client *cl, const struct msg *m)
{
	struct job_update u = { 0 };
	char err[HERD_ERRLEN];
	int64_t id;
	if (msg_get(m, "id", NULL) == NULL) {
		client_error(cl, "id: missing");
		return -1;
	}
	if (get_num(cl, m, "id", 1, INT64_MAX, 0, &id) != 0)
		return -1;
	for (size_t fi = 0; fi + 1 < m->nf; fi += 2) {
		if (m->f[fi].len == 2 && memcmp(m->f[fi].p, "id", 2) == 0)
			continue;
		/* The protocol version, which server.c checked (protover.h). */
		if (m->f[fi].len == strlen(PROTO_VERSION_KEY) &&
		    memcmp(m->f[fi].p, PROTO_VERSION_KEY, m->f[fi].len) == 0)
			continue;
		if (update_field(cl, m, fi, &u) != 0)
			return -1;
	}
	if (u.set == 0) {
		client_error(cl, "nothing to update");
		return -1;
	}
	if (update_eligibility(s, cl, &u) != 0)
		return -1;
	if (ctl_update(s->ctl, id, cl->uid, &u, err, sizeof err) != 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	send_simple(cl, "ok");
	return 0;
}


struct wait_tasks {
	struct server *s;
	struct client *cl;
};

static int wait_task_row(void *arg, const struct job_row *t)
{
	struct wait_tasks *w = arg;
	struct job_row r;
	job_row_init(&r);
	/* As it is now (memory first), not as last stored. */
	if (ctl_job_get(w->s->ctl, t->id, &r) == 1)
		send_row(w->s, w->cl, &r, 0);
	job_row_clear(&r);
	return 0;
}

/*
 * An array waited for by its id: one answer row per task that started,
 * and the record itself if tasks were cancelled before they started (it
 * then ended CANCELLED without being a task).  0 when `r` is no array.
 */
static int wait_send_tasks(struct server *s, struct client *cl, const struct job_row *r)
{
	struct wait_tasks w = { s, cl };
	if (r->array_spec == NULL || r->array_job_id != r->id)
		return 0;
	if (db_array_tasks(s->ctl->db, r->id, wait_task_row, &w) != 0 || r->array_task_id < 0)
		send_row(s, cl, r, 0);
	return 1;
}

/* Answer a waiting client once none of its jobs is active any more. */
static void wait_check(struct server *s, struct client *cl)
{
	for (size_t k = 0; k < rpc_state_of(cl)->nwait; k++) {
		/* An ended job still held on its node has no exit status yet. */
		struct job *j = ctl_find(s->ctl, rpc_state_of(cl)->wait_ids[k]);
		if (j != NULL && (!job_state_is_final(j->state) || j->held))
			return;
		/* An array: every task, wherever its record is. */
		if (ctl_array_active(s->ctl, rpc_state_of(cl)->wait_ids[k]) > 0)
			return;
	}
	for (size_t k = 0; k < rpc_state_of(cl)->nwait; k++) {
		struct job_row r;
		job_row_init(&r);
		if (ctl_job_get(s->ctl, rpc_state_of(cl)->wait_ids[k], &r) == 1 && !wait_send_tasks(s, cl, &r))
			send_row(s, cl, &r, 0);
		job_row_clear(&r);
	}
	send_simple(cl, "end");
	free(rpc_state_of(cl)->wait_ids);
	rpc_state_of(cl)->wait_ids = NULL;
	rpc_state_of(cl)->nwait = 0;
}

static int rpc_wait(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t *ids;
	size_t n;
	if (get_ids(cl, m, &ids, &n) != 0)
		return -1;
	free(rpc_state_of(cl)->wait_ids);
	rpc_state_of(cl)->wait_ids = ids;
	rpc_state_of(cl)->nwait = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t id = ids[i];
		struct job_row r;
		job_row_init(&r);
		int found = ctl_find(s->ctl, id) != NULL || db_job_get(s->ctl->db, id, &r) == 1;
		job_row_clear(&r);
		if (!found) {
			client_error(cl, "no job %" PRId64, id);
			rpc_state_of(cl)->nwait = 0;
			return -1;
		}
		rpc_state_of(cl)->nwait++;
	}
	wait_check(s, cl);
	return 0;
}

static int rpc_ping(struct server *s, struct client *cl, const struct msg *m)
{
	struct msg ok;
	(void)m;
	msg_init(&ok, "ok");
	msg_adds(&ok, "cluster", s->ctl->cfg->cluster);
	msg_addi(&ok, "jobs", (int64_t)s->ctl->njobs);
	msg_addi(&ok, "sched_us", s->ctl->last_sched_us);
	client_send(cl, &ok);
	msg_clear(&ok);
	return 0;
}

/*
 * Read hosts.ini again (ctl_reload.c): herdd's own user or root, as with
 * a signal.  The answer lists each change, or the file's error.
 */
static int rpc_reconfigure(struct server *s, struct client *cl, const struct msg *m)
{
	struct buf report;
	struct msg ok;
	char err[HERD_ERRLEN], *save = NULL;
	(void)m;
	if (ctl_authz(s->ctl, cl->uid, AUTHZ_RECONFIGURE, AUTHZ_NO_OWNER) == AUTHZ_DENY) {
		if (geteuid() == 0)
			client_error(cl, "only root, who runs herdd, may reconfigure it");
		else
			client_error(cl, "only root or %s, who runs herdd, may reconfigure it",
			    uid_name((uint32_t)geteuid()));
		return -1;
	}
	log_info("reconfigure asked by %s", uid_name((uint32_t)cl->uid));
	buf_init(&report, 1 << 20);
	if (ctl_reconfigure(s->ctl, &report, err, sizeof err) != 0) {
		client_error(cl, "%s; the running configuration stays", err);
		buf_clear(&report);
		return -1;
	}
	msg_init(&ok, "ok");
	for (char *l = strtok_r(report.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		msg_adds(&ok, "line", l);
	client_send(cl, &ok);
	msg_clear(&ok);
	buf_clear(&report);
	return 0;
}

/*
 * herd drain NODE... [reason] / herd resume NODE...: admins and root only
 * (ctl_drain.c decides, checks every name, and audits).  The answer has a
 * line per node.
 */
#define DRAIN_NODES_MAX CTL_NODE_SLOTS

static int drain_or_resume(struct server *s, struct client *cl, const struct msg *m, int drain)
{
	const char *names[DRAIN_NODES_MAX], *v;
	uint32_t len;
	size_t n = 0;
	char err[HERD_ERRLEN + DRAIN_REASON_MAX];
	while ((v = msg_get_nth(m, "node", n, &len)) != NULL) {
		if (n == DRAIN_NODES_MAX) {
			client_error(cl, "node: more than %d names", DRAIN_NODES_MAX);
			return -1;
		}
		if (len == 0 || len > 256 || memchr(v, '\0', len) != NULL) {
			client_error(cl, "node: empty, too long or contains a NUL byte");
			return -1;
		}
		names[n++] = v;
	}
	if (check_text(cl, m, "reason", 4 * DRAIN_REASON_MAX))
		return -1;
	/* herd drain --move-services: its running services requeued elsewhere. */
	int64_t move = msg_geti(m, "move_services", 0);
	if (move != 0 && (!drain || move != 1)) {
		client_error(cl, "move_services: only a drain moves services");
		return -1;
	}
	struct buf report;
	buf_init(&report, 1 << 20);
	if ((move ? ctl_drain_move(s->ctl, cl->uid, names, n, msg_get(m, "reason", NULL),
	    &report, err, sizeof err) :
	    ctl_drain(s->ctl, cl->uid, drain, names, n, drain ? msg_get(m, "reason", NULL) : NULL,
	    &report, err, sizeof err)) != 0) {
		client_error(cl, "%s", err);
		buf_clear(&report);
		return -1;
	}
	struct msg ok;
	char *save = NULL;
	msg_init(&ok, "ok");
	for (char *l = report.data ? strtok_r(report.data, "\n", &save) : NULL; l;
	    l = strtok_r(NULL, "\n", &save))
		msg_adds(&ok, "line", l);
	/* Each node once, in the lines' order, with its state now (herd drain --json). */
	for (size_t i = 0; i < n; i++) {
		char state[32];
		if (named_before(names, i))
			continue;
		ctl_node_state_named(s->ctl, names[i], state, sizeof state);
		msg_adds(&ok, "node", names[i]);
		msg_adds(&ok, "state", state);
	}
	client_send(cl, &ok);
	msg_clear(&ok);
	buf_clear(&report);
	return 0;
}

static int rpc_drain(struct server *s, struct client *cl, const struct msg *m)
{
	return drain_or_resume(s, cl, m, 1);
}

static int rpc_resume(struct server *s, struct client *cl, const struct msg *m)
{
	return drain_or_resume(s, cl, m, 0);
}

/* One audit record as a frame (herd audit). */
static int audit_cb(void *arg, const struct audit_row *a)
{
	struct client *cl = arg;
	struct msg f;
	msg_init(&f, "audit");
	msg_addi(&f, "id", a->id);
	msg_addi(&f, "time", a->time);
	msg_addi(&f, "actor_uid", a->actor_uid);
	msg_adds(&f, "actor", a->actor ? a->actor : "");
	msg_adds(&f, "action", a->action ? a->action : "");
	msg_addi(&f, "job_id", a->job_id);
	msg_addi(&f, "owner_uid", a->owner_uid);
	msg_adds(&f, "owner", a->owner ? a->owner : "");
	if (a->detail != NULL)
		msg_adds(&f, "detail", a->detail);
	client_send(cl, &f);
	msg_clear(&f);
	return 0;
}

/* herd audit: the newest records of admins' actions on others' jobs; admins and root only. */
static int rpc_audit(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t limit;
	if (ctl_authz(s->ctl, cl->uid, AUTHZ_AUDIT_READ, AUTHZ_NO_OWNER) == AUTHZ_DENY) {
		client_error(cl, "only admins may read the audit log");
		return -1;
	}
	if (get_num(cl, m, "limit", 1, AUDIT_MAX, 50, &limit))
		return -1;
	if (db_audit_list(s->ctl->db, (int)limit, audit_cb, cl) != 0) {
		client_error(cl, "%s", db_errmsg(s->ctl->db));
		return -1;
	}
	send_simple(cl, "end");
	return 0;
}

/*
 * herd logs: the last bytes of a job's output file, read on its node
 * (ctl_logs.c); the answer comes later, from logs_answer.  One read at
 * a time per connection.  With "offset" (herd logs -f) a window from there,
 * and the job's state with it; a job not started yet is answered now,
 * "pending", for the client to ask again.
 */
static int rpc_logs(struct server *s, struct client *cl, const struct msg *m)
{
	int64_t id, bytes, errf, offset;
	char err[HERD_ERRLEN + 256];
	if (get_num(cl, m, "bytes", 1, LOGS_BYTES_MAX, LOGS_BYTES_DEFAULT, &bytes) ||
	    get_num(cl, m, "err", 0, 1, 0, &errf) ||
	    get_num(cl, m, "offset", -1, INT64_MAX / 2, -1, &offset))
		return -1;
	if (rpc_state_of(cl)->logs_pending) {
		client_error(cl, "logs: one read at a time on a connection");
		return -1;
	}
	if (msg_get(m, "ref", NULL) != NULL) {
		if (show_ref(s, cl, m, &id) != 0)
			return -1;
	} else if (get_num(cl, m, "id", 1, INT64_MAX, 0, &id) != 0)
		return -1;
	int rc = ctl_logs_start(s->ctl, id, cl->uid, (int)errf, offset, bytes, cl->serial, err,
	    sizeof err);
	if (rc < 0) {
		client_error(cl, "%s", err);
		return -1;
	}
	if (rc > 0) {		/* following a job that has not started */
		struct msg f;
		msg_init(&f, "logs");
		msg_addi(&f, "id", id);
		msg_addi(&f, "pending", 1);
		client_send(cl, &f);
		msg_clear(&f);
		send_simple(cl, "end");
		return 0;
	}
	rpc_state_of(cl)->logs_pending = 1;
	return 0;
}

static void logs_answer(struct server *s, struct client *cl, const struct logs_answer *a)
{
	(void)s;
	if (a->error != NULL) {
		client_error(cl, "%s", a->error);
		return;
	}
	struct msg f;
	msg_init(&f, "logs");
	msg_addi(&f, "id", a->id);
	msg_add(&f, "data", a->data, a->len);
	msg_adds(&f, "state", job_state_name((enum job_state)a->state));
	msg_addi(&f, "exit_code", a->exit_code);
	msg_addi(&f, "attempt", a->attempt);
	client_send(cl, &f);
	msg_clear(&f);
	send_simple(cl, "end");
}

/* A request's job: "ref" (123 or 123_7) or "id"; -1 after answering why not. */
int rpc_job_id(struct server *s, struct client *cl, const struct msg *m, int64_t *id)
{
	if (msg_get(m, "ref", NULL) != NULL)
		return show_ref(s, cl, m, id);
	if (get_num(cl, m, "id", 1, INT64_MAX, 0, id) != 0)
		return -1;
	if (*id == 0) {
		client_error(cl, "no job named");
		return -1;
	}
	return 0;
}

/* A bounded number of a request, refused by name when bad (get_num). */
int rpc_get_num(struct client *cl, const struct msg *m, const char *key, int64_t min,
    int64_t max, int64_t def, int64_t *out)
{
	return get_num(cl, m, key, min, max, def, out);
}

static const struct rpc_entry {
	const char *type;
	int (*fn)(struct server *, struct client *, const struct msg *);
	int mutating;
} rpc_table[] = {
	{ "submit", rpc_submit, 1 },
	{ "cancel", rpc_cancel, 1 },
	{ "requeue", rpc_requeue, 1 },
	{ "update", rpc_update, 1 },
	{ "hold", rpc_hold, 1 },
	{ "release", rpc_release, 1 },
	{ "queue", rpc_queue, 0 },
	{ "nodes", rpc_nodes, 0 },
	{ "show", rpc_show, 0 },
	{ "history", rpc_history, 0 },
	{ "wait", rpc_wait, 0 },
	{ "ping", rpc_ping, 0 },
	{ "reconfigure", rpc_reconfigure, 1 },
	{ "lab", rpc_lab, 0 },
	{ "register", rpc_register, 1 },
	{ "unregister", rpc_unregister, 1 },
	{ "audit", rpc_audit, 0 },
	{ "logs", rpc_logs, 0 },
	{ "drain", rpc_drain, 1 },
	{ "resume", rpc_resume, 1 },
	{ "priority", rpc_priority, 0 },
	{ "usage", rpc_usage, 0 },
	{ "watch", rpc_watch, 0 },
	{ "partitions", rpc_partitions, 0 },
	{ "stream", rpc_stream, 0 },
	{ "svc_restart", rpc_svc_restart, 1 },
};

static void dispatch(struct server *s, struct client *cl, const struct msg *m)
{
	for (size_t i = 0; i < sizeof rpc_table / sizeof rpc_table[0]; i++) {
		if (strcmp(rpc_table[i].type, m->type) == 0) {
			rpc_table[i].fn(s, cl, m);
			return;
		}
	}
	client_error(cl, "unknown request");
}

struct rpc_state *rpc_state_of(struct client *cl)
{
	if (cl->rq == NULL)
		cl->rq = xcalloc(1, sizeof *cl->rq);
	return cl->rq;
}

/* Owed an answer that does not depend on the client: never idle. */
static int owed(const struct client *cl)
{
	const struct rpc_state *rq = cl->rq;
	return rq != NULL && (rq->nwait > 0 || rq->logs_pending ||
	    (rq->watching && cl->out.len == 0));
}

static void gone(struct server *s, struct client *cl)
{
	struct rpc_state *rq = cl->rq;
	if (rq == NULL)
		return;
	if (rq->logs_pending)
		ctl_logs_forget(s->ctl, cl->serial);
	free(rq->list_ids);
	free(rq->wait_ids);
	free(rq);
	cl->rq = NULL;
}

const struct server_ops rpc_ops = { dispatch, owed, gone };

void rpc_job_ended(struct server *s, int64_t id)
{
	for (struct client *cl = s->clients; cl != NULL; cl = cl->next) {
		const struct rpc_state *rq = cl->rq;
		for (size_t k = 0; rq != NULL && k < rq->nwait; k++) {
			if (rq->wait_ids[k] == id) {
				wait_check(s, cl);
				break;
			}
		}
	}
}

void rpc_logs_answered(struct server *s, const struct logs_answer *a)
{
	for (struct client *cl = s->clients; cl != NULL; cl = cl->next) {
		if (cl->serial == a->serial && cl->rq != NULL && cl->rq->logs_pending) {
			cl->rq->logs_pending = 0;
			logs_answer(s, cl, a);
			return;
		}
	}
}

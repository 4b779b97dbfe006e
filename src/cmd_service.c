/*
 * cmd_service.c — herd service start|stop|ls|show|logs: long-running jobs
 * known by a name, restarted by herdd by their policy (ctl_svc.c).
 *
 * Theory of operation: a service is a job whose batch script execs CMD
 * (submit_for_service, cmd_submit.c: the same options, scheduler and
 * limits as any job), with a name unique among its owner's active
 * services.  So every subcommand but start is a job command once the name
 * is resolved to its job: stop is herd cancel (a cancelled service is not
 * restarted), show is herd show, logs is herd logs of its current
 * attempt.  Names are resolved here from herdd's listings: the active jobs
 * (queue) and, for a service that has ended (a crash loop, a stop), the
 * last day of the caller's history; the newest job of a name wins.
 * OWNER/NAME (svc_share.h: what a user of its --share-with types) is
 * looked up among every user's active services; herdd alone decides what
 * the caller may do with it (a forward, not a stop).  ls
 * lists every user's active services and the caller's ended ones of the
 * last day.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "job.h"
#include "jobopt.h"
#include "oomkill.h"
#include "svc.h"
#include "svc_health.h"
#include "svcopt.h"
#include "svc_share.h"
#include "util.h"

#define SVC_ENDED_SHOWN_S 86400	/* ls and name lookups: ended services of the last day */

const struct cmd_entry cmd_service_entry = {
	"service", "service start|stop|ls|show|logs ...",
	"run a long-lived job by name, restarted by its policy",
	"subcommands:\n"
	"  start NAME [submit options] [--restart always|on-failure|never]\n"
	"        [--max-restarts N] [--restart-window DURATION] [--port] -- CMD [ARGS]\n"
	"                            queue CMD as service NAME (no time limit unless -t);\n"
	"                            --restart: when herd starts it again (default\n"
	"                            on-failure: a non-zero exit or a signal), after 1 s\n"
	"                            doubling to 5 min; more than --max-restarts (default\n"
	"                            5) within --restart-window (default 10m): FAILED\n"
	"                            CrashLoop; --port: a free TCP port on the node as\n"
	"                            HERD_PORT and PORT\n"
	"        [--health-cmd CMD | --health-http PATH] [--health-interval D]\n"
	"        [--health-timeout D] [--health-retries N]\n"
	"                            a check on the node every D (default 30s,\n"
	"                            timeout 10s): STARTING until it passes, then\n"
	"                            HEALTHY; N (default 3) failures in a row:\n"
	"                            UNHEALTHY, restarted; --health-http GETs PATH on\n"
	"                            its --port (2xx/3xx pass)\n"
	"  start NAME [options] SCRIPT [ARGS]\n"
	"                            a script as service NAME: its #HERD lines may give\n"
	"                            the options above (the command line wins); herd\n"
	"                            submit queues a script with #HERD --service NAME\n"
	"        [--share-with USER[,USER...]]\n"
	"                            these users (at most 32) may herd port-forward\n"
	"                            it, naming it OWNER/NAME; not stop it or read its\n"
	"                            logs\n"
	"        [--idle-stop DURATION]\n"
	"                            with GPUs: stopped (CANCELLED, IdleStop; a line in\n"
	"                            its log) once they all stayed idle (0 %, no\n"
	"                            process) for DURATION (30m, 2h, 1d)\n"
	"  stop NAME                 end it (CANCELLED; never restarted)\n"
	"  ls [--json]               services: every user's running ones, your ended ones\n"
	"                            of the last day\n"
	"  show NAME [--json]        its job, as herd show\n"
	"  logs NAME [-f]            its current attempt's output, as herd logs\n"
	"  -h, --help                this help\n"
	"NAME may be OWNER/NAME: another user's service (stop and logs stay its\n"
	"owner's and admins').\n",
	cmd_service
};

/* ---- finding services ---- */

struct svc_rec {
	int64_t id;
	char *name, *user, *state, *reason, *node, *policy;
	char *health_why;	/* its last restart for its health, NULL none */
	int port, restarts, last_exit, active, health;
	int last_oom;		/* that exit was the out-of-memory killer's */
	int64_t start;
};

struct svc_set {
	struct svc_rec *v;
	size_t n, cap;
	int active;		/* the listing being read is of active jobs */
};

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* A frame's text field, def where absent. */
static const char *field(const struct msg *m, const char *key, const char *def)
{
	const char *v = msg_get(m, key, NULL);
	return v != NULL ? v : def;
}

static void rec_clear(struct svc_rec *r)
{
	free(r->name);
	free(r->user);
	free(r->state);
	free(r->reason);
	free(r->node);
	free(r->policy);
	free(r->health_why);
}

static void rec_fill(struct svc_rec *r, const struct msg *m, int active)
{
	const char *name = msg_get(m, "service", NULL);
	r->id = msg_geti(m, "id", 0);
	r->name = xstrdup(name);
	r->user = xstrdup(field(m, "user", "?"));
	r->state = xstrdup(field(m, "state", "?"));
	r->reason = dup_or_null(msg_get(m, "reason", NULL));
	r->node = dup_or_null(msg_get(m, "node", NULL));
	r->policy = xstrdup(svc_restart_name((int)msg_geti(m, "restart_policy", 1)));
	r->port = (int)msg_geti(m, "port", 0);
	r->health = (int)msg_geti(m, "health", SVC_HEALTH_NONE);
	r->health_why = dup_or_null(msg_get(m, "health_restart", NULL));
	r->restarts = (int)msg_geti(m, "restarts", 0);
	/* An ended service's last exit is its job's; a running one's, the
	 * attempt before. */
	r->last_exit = (int)msg_geti(m, active ? "last_exit" : "exit_code", -1);
	r->last_oom = (int)msg_geti(m, "last_oom", 0);
	r->start = msg_geti(m, "start_time", 0);
	r->active = active;
}

/* Each service job of a listing; of one user's name, the newest. */
static int collect_each(void *arg, const struct msg *m)
{
	struct svc_set *s = arg;
	const char *name = msg_get(m, "service", NULL), *user = field(m, "user", "?");
	int64_t id = msg_geti(m, "id", 0);
	if (name == NULL || strcmp(m->type, "job") != 0)
		return 0;
	for (size_t i = 0; i < s->n; i++) {
		struct svc_rec *r = &s->v[i];
		if (strcmp(r->name, name) != 0 || strcmp(r->user, user) != 0)
			continue;
		if (r->id >= id)
			return 0;
		rec_clear(r);
		rec_fill(r, m, s->active);
		return 0;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	memset(&s->v[s->n], 0, sizeof s->v[s->n]);
	rec_fill(&s->v[s->n++], m, s->active);
	return 0;
}

/* Active services (mine: the caller's only), then the caller's ended ones
 * of the last day; 0, or 1 (said). */
static int collect(struct svc_set *s, int mine, int ended)
{
	struct msg req;
	int rc;
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	s->active = 1;
	rc = cmd_stream(&req, collect_each, s);
	msg_clear(&req);
	if (rc != 0 || !ended)
		return rc;
	msg_init(&req, "history");
	msg_addi(&req, "limit", 1000);
	msg_addi(&req, "since", (int64_t)time(NULL) - SVC_ENDED_SHOWN_S);
	s->active = 0;
	rc = cmd_stream(&req, collect_each, s);
	msg_clear(&req);
	return rc;
}

static void set_clear(struct svc_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		rec_clear(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* The service ref names (NAME: the caller's; OWNER/NAME: OWNER's, as a
 * user it is shared with names it), active only or ended too: its job id,
 * or -1 said; *port its --port's (0 none) when port is not NULL. */
static int64_t resolve_port(const char *ref, int ended, int *port)
{
	struct svc_set s = { 0 };
	int64_t id = -1;
	char vis[SVC_NAME_MAX * 4 + 1], owner[SVC_SHARE_USER_MAX + 1], me[64];
	const char *name;
	if (svc_ref_split(ref, owner, &name) != 0) {
		str_vis(vis, sizeof vis, ref);
		fprintf(stderr, "herd: service: \"%s\" is neither NAME nor OWNER/NAME\n", vis);
		return -1;
	}
	/* Another's service is among every user's active ones. */
	int mine = owner[0] == '\0' || strcmp(owner, uid_name_r(getuid(), me, sizeof me)) == 0;
	if (collect(&s, mine, ended) != 0) {
		set_clear(&s);
		return -1;
	}
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.v[i].name, name) == 0 && s.v[i].id > id &&
		    (owner[0] == '\0' || strcmp(s.v[i].user, owner) == 0)) {
			id = s.v[i].id;
			if (port != NULL)
				*port = s.v[i].port;
		}
	set_clear(&s);
	if (id < 0) {
		str_vis(vis, sizeof vis, name);
		fprintf(stderr, "herd: service: %s no %sservice named %s\n",
		    mine ? "you have" : owner, mine ? (ended ? "" : "running ") : "running ", vis);
	}
	return id;
}

static int64_t resolve(const char *name, int ended)
{
	return resolve_port(name, ended, NULL);
}

int64_t cmd_service_job(const char *name, int *port)
{
	*port = 0;
	return resolve_port(name, 0, port);
}

/* ---- ls ---- */

/* Its last exit as ls shows it: OOM where the kernel's OOM killer ended it. */
static void last_exit_text(const struct svc_rec *r, char *buf, size_t size)
{
	if (r->last_oom && r->last_exit >= 0)
		snprintf(buf, size, "%s", OOMKILL_EXIT);
	else
		job_exit_format(r->last_exit, buf, size);
}

static void endpoint(const struct svc_rec *r, char *buf, size_t size)
{
	if (r->active && r->node != NULL && r->port > 0)
		snprintf(buf, size, "%s:%d", r->node, r->port);
	else
		snprintf(buf, size, "%s", r->active && r->node != NULL ? r->node : "-");
}

static int64_t uptime(const struct svc_rec *r)
{
	return r->active && strcmp(r->state, "RUNNING") == 0 && r->start > 0 ?
	    (int64_t)time(NULL) - r->start : -1;
}

static void ls_json(const struct svc_set *s)
{
	printf("[");
	for (size_t i = 0; i < s->n; i++) {
		const struct svc_rec *r = &s->v[i];
		char ec[32], ep[300];
		int64_t up = uptime(r);
		last_exit_text(r, ec, sizeof ec);
		printf("%s\n{\"name\": ", i ? "," : "");
		json_str(stdout, r->name);
		printf(", \"user\": ");
		json_str(stdout, r->user);
		printf(", \"job\": %" PRId64 ", \"state\": ", r->id);
		json_str(stdout, r->state);
		printf(", \"reason\": ");
		if (r->reason != NULL)
			json_str(stdout, r->reason);
		else
			printf("null");
		printf(", \"replicas\": {\"up\": %d, \"wanted\": 1}, \"endpoints\": [", up >= 0);
		if (r->active && r->node != NULL && r->port > 0) {
			endpoint(r, ep, sizeof ep);
			json_str(stdout, ep);
		}
		printf("], \"restarts\": %d, \"last_exit\": ", r->restarts);
		if (r->last_exit >= 0)
			json_str(stdout, ec);
		else
			printf("null");
		printf(", \"uptime\": ");
		if (up >= 0)
			printf("%" PRId64, up);
		else
			printf("null");
		printf(", \"restart\": ");
		json_str(stdout, r->policy);
		printf(", \"health\": \"%s\", \"health_restart\": ",
		    svc_health_name(r->active ? r->health : SVC_HEALTH_NONE));
		if (r->health_why != NULL)
			json_str(stdout, r->health_why);
		else
			printf("null");
		printf("}");
	}
	printf("%s]\n", s->n ? "\n" : "");
}

static void ls_table(const struct svc_set *s)
{
	static const char *const h[] = { "NAME", "USER", "JOBID", "STATE", "HEALTH", "REASON",
		"ENDPOINT", "UPTIME", "RESTARTS", "LAST_EXIT" };
	struct table *t = table_new(10, h);
	for (size_t i = 0; i < s->n; i++) {
		const struct svc_rec *r = &s->v[i];
		char id[32], ep[300], up[32] = "-", rs[16], ec[32], name[SVC_NAME_MAX * 4 + 1];
		char reason[256];
		int64_t u = uptime(r);
		snprintf(id, sizeof id, "%" PRId64, r->id);
		endpoint(r, ep, sizeof ep);
		if (u >= 0)
			format_duration(u, up, sizeof up);
		snprintf(rs, sizeof rs, "%d", r->restarts);
		last_exit_text(r, ec, sizeof ec);
		str_vis(name, sizeof name, r->name);
		/* The restart its health asked for: after the BackOff it waits
		 * for it, or alone once it runs again. */
		char rs_why[600];
		if (r->health_why != NULL && r->reason != NULL && r->health == SVC_HEALTH_UNHEALTHY)
			snprintf(rs_why, sizeof rs_why, "%s: %s", r->reason, r->health_why);
		else
			snprintf(rs_why, sizeof rs_why, "%s", r->reason != NULL ? r->reason :
			    r->health_why != NULL ? r->health_why : "-");
		str_vis(reason, sizeof reason, rs_why);
		const char *hl = r->active && r->health != SVC_HEALTH_NONE ?
		    svc_health_name(r->health) : "-";
		const char *row[] = { name, r->user, id, r->state, hl, reason, ep, up, rs, ec };
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

static int service_ls(int argc, char **argv)
{
	struct svc_set s = { 0 };
	int json = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0)
			return cmd_usage_error(&cmd_service_entry, "ls takes only --json, not \"%s\"",
			    argv[i]);
		json = 1;
	}
	int rc = collect(&s, 0, 1);
	if (rc == 0) {
		if (json)
			ls_json(&s);
		else
			ls_table(&s);
	}
	set_clear(&s);
	return rc;
}

/* ---- start ---- */

/* Takes the service's own options (svcopt.c) out of argv[first..] (up to
 * "--") into so; the rest, submit's, go to rest.  0, or 2 said. */
static int split_options(int argc, char **argv, int first, struct svcopt *so,
    char **rest, int *nrest)
{
	char err[HERD_ERRLEN];
	int i, n = 1;
	for (i = first; i < argc && strcmp(argv[i], "--") != 0; i++) {
		char opt[64];
		const char *v = NULL, *eq = strchr(argv[i], '=');
		size_t len = eq != NULL ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (len >= sizeof opt || strncmp(argv[i], "--", 2) != 0) {
			rest[n++] = argv[i];
			continue;
		}
		memcpy(opt, argv[i], len);
		opt[len] = '\0';
		if (!svcopt_known(opt) || strcmp(opt, "--service") == 0) {
			rest[n++] = argv[i];	/* NAME comes first, not as --service */
			continue;
		}
		if (eq != NULL)
			v = eq + 1;
		else if (svcopt_takes_value(opt) && i + 1 < argc && strcmp(argv[i + 1], "--") != 0)
			v = argv[++i];
		if (svcopt_apply(so, opt, v, 0, err, sizeof err) < 0)
			return cmd_usage_error(&cmd_service_entry, "%s", err);
	}
	for (; i < argc; i++)
		rest[n++] = argv[i];
	rest[n] = NULL;
	*nrest = n;
	return 0;
}

static int service_start(int argc, char **argv)
{
	struct svcopt so;
	char err[HERD_ERRLEN];
	long long id;
	int nrest = 0, rc;
	if (argc < 3)
		return cmd_usage_error(&cmd_service_entry, "start needs a NAME");
	svcopt_init(&so);
	if (svcopt_apply(&so, "--service", argv[2], 0, err, sizeof err) < 0)
		return cmd_usage_error(&cmd_service_entry, "%s", err);
	char **rest = xcalloc((size_t)argc + 1, sizeof *rest);
	rest[0] = "service start";
	rc = split_options(argc, argv, 3, &so, rest, &nrest);
	if (rc == 0)
		rc = submit_for_service(nrest, rest, &so, &id);
	if (rc == 0)
		printf("Submitted service %s as job %lld\n", so.name, id);
	free(rest);
	svcopt_clear(&so);
	return rc;
}

/* ---- stop, show, logs: job commands on the service's job ---- */

static int service_stop(int argc, char **argv)
{
	if (argc != 3)
		return cmd_usage_error(&cmd_service_entry, "stop takes one NAME");
	int64_t id = resolve(argv[2], 0);
	if (id < 0)
		return 1;
	int rc = cmd_send_ids("cancel", &id, 1, NULL, 0, NULL);	/* herdd: owner or admin */
	if (rc == 0)
		printf("Stopped service %s (job %" PRId64 ")\n", argv[2], id);
	return rc;
}

/* herd show or herd logs of NAME's job: the flags given, then its id. */
static int as_job_command(int argc, char **argv, const char *verb, int (*fn)(int, char **),
    const char *const *flags)
{
	const char *name = NULL;
	char *args[8], idbuf[32];
	int n = 1;
	args[0] = (char *)verb;
	for (int i = 2; i < argc; i++) {
		int known = 0;
		for (const char *const *f = flags; *f != NULL; f++)
			known |= strcmp(argv[i], *f) == 0;
		if (known && n < 5)
			args[n++] = argv[i];
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return cmd_usage_error(&cmd_service_entry, "%s: unexpected \"%s\"", verb,
			    argv[i]);
	}
	if (name == NULL)
		return cmd_usage_error(&cmd_service_entry, "%s needs a NAME", verb);
	int64_t id = resolve(name, 1);
	if (id < 0)
		return 1;
	snprintf(idbuf, sizeof idbuf, "%" PRId64, id);
	args[n++] = idbuf;
	args[n] = NULL;
	return fn(n, args);
}

/* What completion offers (cmdopts.c runs the command with --help). */
static int declare_options(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "restart", required_argument, NULL, 'r' },
		{ "max-restarts", required_argument, NULL, 'm' },
		{ "restart-window", required_argument, NULL, 'w' },
		{ "port", no_argument, NULL, 'P' },
		{ "share-with", required_argument, NULL, 'S' },
		{ "idle-stop", required_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'J' },
		{ "follow", no_argument, NULL, 'f' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&cmd_service_entry, argc, argv, "fh", lo)) != -1) {
		if (ch == 'h')
			cmd_help(&cmd_service_entry, stdout);
		if (ch == 'h' || ch == CMD_OPT_HELP)
			return 0;
	}
	return 0;
}

int cmd_service(int argc, char **argv)
{
	static const char *const show_flags[] = { "--json", NULL };
	static const char *const logs_flags[] = { "-f", "--follow", NULL };
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (sub == NULL || sub[0] == '-')
		return sub != NULL && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) ?
		    declare_options(2, (char *[]){ argv[0], "--help", NULL }) :
		    cmd_usage_error(&cmd_service_entry, "a subcommand is needed: start, stop, "
		    "ls, show or logs");
	if (strcmp(sub, "start") == 0)
		return service_start(argc, argv);
	if (strcmp(sub, "stop") == 0)
		return service_stop(argc, argv);
	if (strcmp(sub, "ls") == 0)
		return service_ls(argc, argv);
	if (strcmp(sub, "show") == 0)
		return as_job_command(argc, argv, "show", cmd_show, show_flags);
	if (strcmp(sub, "logs") == 0)
		return as_job_command(argc, argv, "logs", cmd_logs, logs_flags);
	char vis[64];
	str_vis(vis, sizeof vis, sub);
	return cmd_usage_error(&cmd_service_entry, "unknown subcommand \"%s\" (start, stop, ls, "
	    "show or logs)", vis);
}

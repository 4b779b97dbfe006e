/*
 * cmd_service.c — herd service start|stop|restart|ls|show|logs: long-running
 * jobs known by a name, restarted by herdd by their policy (ctl_svc.c).
 *
 * Theory of operation: a service is a job whose batch script execs CMD
 * (submit_for_service, cmd_submit.c: the same options, scheduler and
 * limits as any job), with a name unique among its owner's active
 * services; --replicas N makes it a job array of N tasks, replica K task
 * K, each its own job.  So every subcommand but start and restart is a
 * job command once the name is resolved to its jobs (svc_list.c): stop
 * is herd cancel of its array (a cancelled service is not restarted),
 * show is herd show of each replica, logs is herd logs of one replica's
 * current attempt.  Names are resolved from herdd's listings: the active
 * jobs (queue) and, for a service that has ended (a crash loop, a stop),
 * the last day of the caller's history; the newest array of a name wins.
 * OWNER/NAME (svc_share.h: what a user of its --share-with types) is
 * looked up among every user's active services; herdd alone decides what
 * the caller may do with it (a forward, not a stop).
 * ls lists every user's active services and the caller's ended ones of
 * the last day, one row per service.  restart asks herdd for a rolling
 * restart (ctl_roll.c), which goes on after the answer.
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
#include "svc_list.h"
#include "svc_share.h"
#include "svcopt.h"
#include "util.h"


const struct cmd_entry cmd_service_entry = {
	"service", "service start|stop|restart|ls|show|logs ...",
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
	"        [--replicas N]      N copies (1 to 16, default 1), each its own job\n"
	"                            (array task K is replica K), each restarted by\n"
	"                            the policy on its own\n"
	"        [--health-cmd CMD | --health-http PATH] [--health-interval D]\n"
	"        [--health-timeout D] [--health-retries N]\n"
	"                            a check on the node every D (default 30s,\n"
	"                            timeout 10s): STARTING until it passes, then\n"
	"                            HEALTHY; N (default 3) failures in a row:\n"
	"                            UNHEALTHY, restarted; --health-http GETs PATH on\n"
	"                            its --port (2xx/3xx pass)\n"
	"        [--share-with USER[,USER...]]\n"
	"                            these users (at most 32) may herd port-forward\n"
	"                            it, naming it OWNER/NAME, to its --port's port\n"
	"                            only (--port needed); not stop it or read its logs\n"
	"        [--idle-stop DURATION]\n"
	"                            with GPUs: stopped (CANCELLED, IdleStop; a line in\n"
	"                            its log) once they all stayed idle (0 %, no\n"
	"                            process) for DURATION (30m, 2h, 1d)\n"
	"  start NAME [options] SCRIPT [ARGS]\n"
	"                            a script as service NAME: its #HERD lines may give\n"
	"                            the options above (the command line wins); herd\n"
	"                            submit queues a script with #HERD --service NAME\n"
	"  stop NAME                 end it, every replica (CANCELLED; never restarted)\n"
	"  restart NAME [--json]     rolling: one replica at a time stopped and started\n"
	"                            again (a requeue), the next once it runs (HEALTHY\n"
	"                            with a check); refused while one is going on\n"
	"  ls [--json]               services: every user's running ones, your ended ones\n"
	"                            of the last day; replicas up/wanted, endpoints\n"
	"  show NAME [--json]        each replica's job, as herd show\n"
	"  logs NAME [-f] [--replica K]\n"
	"                            replica K's (default 0) current attempt's output,\n"
	"                            as herd logs\n"
	"  -h, --help                this help\n"
	"NAME may be OWNER/NAME: another user's service (stop, restart and logs stay\n"
	"its owner's and admins').\n",
	cmd_service
};

/* ---- finding services ---- */

/* The service ref names (NAME: the caller's; OWNER/NAME: OWNER's, as a
 * user it is shared with names it), active only or ended too, into l; its
 * group, or NULL said. */
static const struct svc_group *resolve(struct svc_list *l, const char *ref, int ended)
{
	char vis[SVC_NAME_MAX * 4 + 1], owner[SVC_SHARE_USER_MAX + 1], me[64];
	const char *name;
	if (svc_ref_split(ref, owner, &name) != 0) {
		str_vis(vis, sizeof vis, ref);
		fprintf(stderr, "herd: service: \"%s\" is neither NAME nor OWNER/NAME\n", vis);
		return NULL;
	}
	/* Another's service is among every user's active ones. */
	int mine = owner[0] == '\0' || strcmp(owner, uid_name_r(getuid(), me, sizeof me)) == 0;
	if (svc_list_collect(l, mine, ended && mine) != 0)
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		const struct svc_group *g = &l->g[i];
		if (strcmp(g->name, name) == 0 && (mine || strcmp(g->user, owner) == 0) &&
		    (ended || svc_group_active(g)))
			return g;
	}
	str_vis(vis, sizeof vis, name);
	fprintf(stderr, "herd: service: %s no %sservice named %s\n", mine ? "you have" : owner,
	    mine && ended ? "" : "running ", vis);
	return NULL;
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

/* A service's row as one: its state and reason (a running replica's
 * state, else replica 0's), the oldest uptime of a running replica, the
 * restarts summed, the last exit and health of the replica that says most
 * (an unhealthy one first). */
struct svc_sum {
	const struct svc_rec *lead;	/* whose state, reason and last exit */
	int up, restarts, health;
	int64_t uptime;
	char eps[SVC_REPLICAS_MAX * 300];	/* "node:port,node:port" */
};

static int health_rank(int h)
{
	static const int rank[] = { 0, 2, 1, 3 };	/* NONE, STARTING, HEALTHY, UNHEALTHY */
	return h >= 0 && h < 4 ? rank[h] : 0;
}

static void summarize(const struct svc_group *g, struct svc_sum *s)
{
	memset(s, 0, sizeof *s);
	s->uptime = -1;
	s->lead = &g->r[0];
	s->up = svc_group_up(g);
	for (size_t i = 0; i < g->n; i++) {
		const struct svc_rec *r = &g->r[i];
		int64_t u = uptime(r);
		s->restarts += r->restarts;
		if (u > s->uptime)
			s->uptime = u;
		if (r->active && strcmp(s->lead->state, "RUNNING") != 0 &&
		    strcmp(r->state, "RUNNING") == 0)
			s->lead = r;
		if (r->active && health_rank(r->health) > health_rank(s->health))
			s->health = r->health;
		if (r->active && r->node != NULL && r->port > 0) {
			size_t len = strlen(s->eps);
			snprintf(s->eps + len, sizeof s->eps - len, "%s%s:%d", len ? "," : "", r->node,
			    r->port);
		}
	}
}

static void json_opt_str(const char *v)
{
	if (v != NULL)
		json_str(stdout, v);
	else
		printf("null");
}

static void ls_json_one(const struct svc_group *g)
{
	struct svc_sum s;
	char ec[32];
	summarize(g, &s);
	const struct svc_rec *r = s.lead;
	last_exit_text(r, ec, sizeof ec);
	printf("{\"name\": ");
	json_str(stdout, g->name);
	printf(", \"user\": ");
	json_str(stdout, g->user);
	printf(", \"job\": %" PRId64 ", \"state\": ", g->instance);
	json_str(stdout, r->state);
	printf(", \"reason\": ");
	json_opt_str(r->reason);
	printf(", \"replicas\": %d, \"replicas_up\": %d, \"endpoints\": [", g->wanted, s.up);
	for (char *p = s.eps, *e; *p != '\0'; p = *e ? e + 1 : e) {
		char one[300];
		e = p + strcspn(p, ",");
		snprintf(one, sizeof one, "%.*s", (int)(e - p), p);
		printf("%s", p != s.eps ? ", " : "");
		json_str(stdout, one);
	}
	printf("], \"restarts\": %d, \"last_exit\": ", s.restarts);
	json_opt_str(r->last_exit >= 0 ? ec : NULL);
	printf(", \"uptime\": ");
	if (s.uptime >= 0)
		printf("%" PRId64, s.uptime);
	else
		printf("null");
	printf(", \"restart\": ");
	json_str(stdout, g->policy);
	printf(", \"health\": \"%s\", \"health_restart\": ",
	    svc_health_name(svc_group_active(g) ? s.health : SVC_HEALTH_NONE));
	json_opt_str(r->health_why);
	printf("}");
}

static void ls_json(const struct svc_list *l)
{
	printf("[");
	for (size_t i = 0; i < l->n; i++) {
		printf("%s\n", i ? "," : "");
		ls_json_one(&l->g[i]);
	}
	printf("%s]\n", l->n ? "\n" : "");
}

static void ls_row(struct table *t, const struct svc_group *g)
{
	struct svc_sum s;
	char id[32], up[32] = "-", rs[16], ec[32], name[SVC_NAME_MAX * 4 + 1], reason[256];
	char reps[32], rs_why[600];
	summarize(g, &s);
	const struct svc_rec *r = s.lead;
	snprintf(id, sizeof id, "%" PRId64, g->instance);
	if (s.uptime >= 0)
		format_duration(s.uptime, up, sizeof up);
	snprintf(rs, sizeof rs, "%d", s.restarts);
	snprintf(reps, sizeof reps, "%d/%d", s.up, g->wanted);
	last_exit_text(r, ec, sizeof ec);
	str_vis(name, sizeof name, g->name);
	/* The restart its health asked for: after the BackOff it waits for
	 * it, or alone once it runs again. */
	if (r->health_why != NULL && r->reason != NULL && r->health == SVC_HEALTH_UNHEALTHY)
		snprintf(rs_why, sizeof rs_why, "%s: %s", r->reason, r->health_why);
	else
		snprintf(rs_why, sizeof rs_why, "%s", r->reason != NULL ? r->reason :
		    r->health_why != NULL ? r->health_why : "-");
	str_vis(reason, sizeof reason, rs_why);
	const char *hl = svc_group_active(g) && s.health != SVC_HEALTH_NONE ?
	    svc_health_name(s.health) : "-";
	char ep[sizeof s.eps];
	if (s.eps[0] != '\0')
		str_vis(ep, sizeof ep, s.eps);
	else
		endpoint(r, ep, sizeof ep);
	const char *row[] = { name, g->user, id, r->state, hl, reps, reason, ep, up, rs, ec };
	table_add(t, row);
}

static void ls_table(const struct svc_list *l)
{
	static const char *const h[] = { "NAME", "USER", "JOBID", "STATE", "HEALTH", "REPLICAS",
		"REASON", "ENDPOINT", "UPTIME", "RESTARTS", "LAST_EXIT" };
	struct table *t = table_new(11, h);
	for (size_t i = 0; i < l->n; i++)
		ls_row(t, &l->g[i]);
	table_print(t, stdout);
	table_free(t);
}

static int service_ls(int argc, char **argv)
{
	struct svc_list l = { 0 };
	int json = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0)
			return cmd_usage_error(&cmd_service_entry, "ls takes only --json, not \"%s\"",
			    argv[i]);
		json = 1;
	}
	int rc = svc_list_collect(&l, 0, 1);
	if (rc == 0) {
		if (json)
			ls_json(&l);
		else
			ls_table(&l);
	}
	svc_list_clear(&l);
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
	if (rc == 0 && so.replicas > 1)
		printf("Submitted service %s as job %lld (%d replicas: %lld_0 to %lld_%d)\n",
		    so.name, id, so.replicas, id, id, so.replicas - 1);
	else if (rc == 0)
		printf("Submitted service %s as job %lld\n", so.name, id);
	free(rest);
	svcopt_clear(&so);
	return rc;
}

/* ---- stop, show, logs: job commands on the service's jobs ---- */

static int service_stop(int argc, char **argv)
{
	struct svc_list l = { 0 };
	if (argc != 3)
		return cmd_usage_error(&cmd_service_entry, "stop takes one NAME");
	const struct svc_group *g = resolve(&l, argv[2], 0);
	int rc = 1;
	if (g != NULL) {
		/* Its array's id: every replica, started or not (ctl_cancel). */
		int64_t id = g->instance;
		rc = cmd_send_ids("cancel", &id, 1, NULL, 0, NULL);
		if (rc == 0)
			printf("Stopped service %s (job %" PRId64 ", %d replica%s)\n", argv[2], id,
			    g->wanted, g->wanted == 1 ? "" : "s");
	}
	svc_list_clear(&l);
	return rc;
}

/* herd service restart NAME [--json]: herdd rolls it (ctl_roll.c). */
static int service_restart(int argc, char **argv)
{
	const char *name = NULL;
	int json = 0;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (argv[i][0] != '-' && name == NULL)
			name = argv[i];
		else
			return cmd_usage_error(&cmd_service_entry, "restart: unexpected \"%s\"",
			    argv[i]);
	}
	char err[HERD_ERRLEN], owner[SVC_SHARE_USER_MAX + 1], me[64];
	const char *ref = name;
	if (name == NULL)
		return cmd_usage_error(&cmd_service_entry, "restart needs a NAME");
	/* OWNER/NAME: herdd says whether the caller may (its owner, an admin). */
	if (svc_ref_split(ref, owner, &name) != 0 || svc_check_name(name, err, sizeof err) != 0)
		return cmd_usage_error(&cmd_service_entry, "invalid service name: %s",
		    svc_ref_split(ref, owner, &name) != 0 ? "neither NAME nor OWNER/NAME" : err);
	struct hclient c;
	struct msg req, ans;
	if (hclient_connect(&c) != 0)
		return 1;
	msg_init(&req, "svc_restart");
	msg_adds(&req, "service", name);
	if (owner[0] != '\0' && strcmp(owner, uid_name_r(getuid(), me, sizeof me)) != 0)
		msg_adds(&req, "owner", owner);
	int rc = hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1 ? 0 : 1;
	msg_clear(&req);
	hclient_close(&c);
	if (rc != 0)
		return 1;
	if (hclient_is_error(&ans)) {
		msg_clear(&ans);
		return 1;
	}
	int64_t n = msg_geti(&ans, "replicas", 1);
	if (json) {
		printf("{\"service\": ");
		json_str(stdout, name);
		printf(", \"replicas\": %" PRId64 ", \"rolling\": true}\n", n);
	} else
		printf("Restarting service %s: %" PRId64 " replica%s, one at a time\n", name, n,
		    n == 1 ? "" : "s");
	msg_clear(&ans);
	return 0;
}

/* An option's value: "--opt VALUE" or "--opt=VALUE"; NULL if argv[*i] is
 * not opt (else *i moves past it; *missing set when the value is absent). */
static const char *opt_value(int argc, char **argv, int *i, const char *opt, int *missing)
{
	size_t n = strlen(opt);
	if (strncmp(argv[*i], opt, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc || strcmp(argv[*i + 1], "--") == 0) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

/* NAME and the flags of herd show or herd logs out of argv[2..]; with
 * replica non-NULL, --replica K too (*replica -1: none given).  0, or
 * the status said. */
static int name_and_flags(int argc, char **argv, const char *verb, const char *const *flags,
    char **args, int *n, const char **name, int *replica)
{
	char err[HERD_ERRLEN];
	for (int i = 2; i < argc; i++) {
		int known = 0, missing = 0;
		const char *v = replica != NULL ?
		    opt_value(argc, argv, &i, "--replica", &missing) : NULL;
		if (missing)
			return cmd_usage_error(&cmd_service_entry, "--replica needs a number");
		if (v != NULL) {
			int k;
			/* 0..15 as --replicas' 1..16 less one. */
			if (strcmp(v, "0") == 0)
				k = 1;
			else if (svc_parse_replicas(v, &k, err, sizeof err) != 0 ||
			    ++k > SVC_REPLICAS_MAX)
				return cmd_usage_error(&cmd_service_entry, "--replica takes a "
				    "replica's number, 0 to %d", SVC_REPLICAS_MAX - 1);
			*replica = k - 1;
			continue;
		}
		for (const char *const *f = flags; *f != NULL; f++)
			known |= strcmp(argv[i], *f) == 0;
		if (known && *n < 5)
			args[(*n)++] = argv[i];
		else if (argv[i][0] != '-' && *name == NULL)
			*name = argv[i];
		else
			return cmd_usage_error(&cmd_service_entry, "%s: unexpected \"%s\"", verb,
			    argv[i]);
	}
	if (*name == NULL)
		return cmd_usage_error(&cmd_service_entry, "%s needs a NAME", verb);
	return 0;
}

/* herd logs [-f] of NAME's replica K (--replica; default 0). */
static int service_logs(int argc, char **argv)
{
	static const char *const flags[] = { "-f", "--follow", NULL };
	struct svc_list l = { 0 };
	const char *name = NULL;
	char *args[8], idbuf[32], vis[SVC_NAME_MAX * 4 + 1];
	int n = 1, k = -1;
	args[0] = "logs";
	int rc = name_and_flags(argc, argv, "logs", flags, args, &n, &name, &k);
	if (rc != 0)
		return rc;
	const struct svc_group *g = resolve(&l, name, 1);
	const struct svc_rec *r = NULL;
	rc = 1;
	str_vis(vis, sizeof vis, name);
	if (g == NULL)
		;
	else if (k >= g->wanted)
		rc = cmd_usage_error(&cmd_service_entry, "service %s has %d replica%s (0 to %d): "
		    "no replica %d", vis, g->wanted, g->wanted == 1 ? "" : "s", g->wanted - 1, k);
	else if ((r = svc_group_replica(g, k < 0 ? 0 : k)) == NULL)
		fprintf(stderr, "herd: service: replica %d of %s has not started yet\n",
		    k < 0 ? 0 : k, vis);
	if (r != NULL) {
		snprintf(idbuf, sizeof idbuf, "%" PRId64, r->id);
		args[n++] = idbuf;
		args[n] = NULL;
		rc = cmd_logs(n, args);
	}
	svc_list_clear(&l);
	return rc;
}

/* Each replica: its number, job, state, health, endpoint, attempt. */
static void show_replicas(const struct svc_group *g)
{
	static const char *const h[] = { "REPLICA", "JOBID", "STATE", "HEALTH", "ENDPOINT",
		"ATTEMPT", "UPTIME", "RESTARTS", "ROLL" };
	static const char *const roll[] = { "-", "waiting", "draining", "restarting" };
	struct table *t = table_new(9, h);
	for (size_t i = 0; i < g->n; i++) {
		const struct svc_rec *r = &g->r[i];
		char k[16], id[32], ep[300], at[16], up[32] = "-", rs[16];
		int64_t u = uptime(r);
		snprintf(k, sizeof k, r->not_started ? "-" : "%d", r->replica);
		snprintf(id, sizeof id, "%" PRId64, r->id);
		endpoint(r, ep, sizeof ep);
		snprintf(at, sizeof at, "%d", r->attempt);
		if (u >= 0)
			format_duration(u, up, sizeof up);
		snprintf(rs, sizeof rs, "%d", r->restarts);
		const char *row[] = { k, id, r->state, r->health != SVC_HEALTH_NONE && r->active ?
			svc_health_name(r->health) : "-", ep, at, up, rs,
			r->roll >= 0 && r->roll < 4 ? roll[r->roll] : "?" };
		table_add(t, row);
	}
	table_print(t, stdout);
	table_free(t);
}

/* herd show of each of NAME's jobs (one: as herd show; --json: an array). */
static int service_show(int argc, char **argv)
{
	static const char *const flags[] = { "--json", NULL };
	struct svc_list l = { 0 };
	const char *name = NULL;
	char *args[8], idbuf[32];
	int n = 1, json = 0;
	args[0] = "show";
	int rc = name_and_flags(argc, argv, "show", flags, args, &n, &name, NULL);
	if (rc != 0)
		return rc;
	json = n > 1;
	const struct svc_group *g = resolve(&l, name, 1);
	rc = g == NULL;
	if (g != NULL && g->n > 1 && !json) {
		show_replicas(g);
		printf("\n");
	}
	if (g != NULL && g->n > 1 && json)
		printf("[");
	for (size_t i = 0; g != NULL && i < g->n && rc == 0; i++) {
		if (i > 0)
			printf(json ? "," : "\n");
		fflush(stdout);
		snprintf(idbuf, sizeof idbuf, "%" PRId64, g->r[i].id);
		args[n] = idbuf;
		args[n + 1] = NULL;
		rc = cmd_show(n + 1, args);
	}
	if (g != NULL && g->n > 1 && json)
		printf("]\n");
	svc_list_clear(&l);
	return rc;
}

/* herd port-forward NAME: the caller's running service NAME's replicas
 * ready for a connection now (svc_rec_ready), their job ids and ports
 * into ids/ports (at most max); how many, or -1 said (no running service
 * of that name).  *active: its active jobs. */
int cmd_service_ready(const char *name, int64_t *ids, int *ports, int max, int *active)
{
	struct svc_list l = { 0 };
	const struct svc_group *g = resolve(&l, name, 0);
	int n = 0;
	*active = 0;
	for (size_t i = 0; g != NULL && i < g->n; i++) {
		*active += g->r[i].active;
		if (n < max && svc_rec_ready(&g->r[i])) {
			ids[n] = g->r[i].id;
			ports[n++] = g->r[i].port;
		}
	}
	svc_list_clear(&l);
	return g != NULL ? n : -1;
}

/* What completion offers (cmdopts.c runs the command with --help). */
static int declare_options(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "restart", required_argument, NULL, 'r' },
		{ "max-restarts", required_argument, NULL, 'm' },
		{ "restart-window", required_argument, NULL, 'w' },
		{ "port", no_argument, NULL, 'P' },
		{ "replicas", required_argument, NULL, 'n' },
		{ "replica", required_argument, NULL, 'k' },
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
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (sub == NULL || sub[0] == '-')
		return sub != NULL && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) ?
		    declare_options(2, (char *[]){ argv[0], "--help", NULL }) :
		    cmd_usage_error(&cmd_service_entry, "a subcommand is needed: start, stop, "
		    "restart, ls, show or logs");
	if (strcmp(sub, "start") == 0)
		return service_start(argc, argv);
	if (strcmp(sub, "stop") == 0)
		return service_stop(argc, argv);
	if (strcmp(sub, "ls") == 0)
		return service_ls(argc, argv);
	if (strcmp(sub, "show") == 0)
		return service_show(argc, argv);
	if (strcmp(sub, "logs") == 0)
		return service_logs(argc, argv);
	if (strcmp(sub, "restart") == 0)
		return service_restart(argc, argv);
	char vis[64];
	str_vis(vis, sizeof vis, sub);
	return cmd_usage_error(&cmd_service_entry, "unknown subcommand \"%s\" (start, stop, "
	    "restart, ls, show or logs)", vis);
}

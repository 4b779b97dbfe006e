/*
 * cmd_show.c — herd show ID: one job, every field, active or ended.  Exit
 * codes as sacct writes them (EXIT:SIGNAL, the signal named), durations as
 * Slurm does ([D-]HH:MM:SS, UNLIMITED), the command with its arguments
 * quoted as sh would need them.
 *
 * --script and --env print what the job was submitted with instead: the
 * script's bytes as they are (a file to save or diff), the environment one
 * KEY=VALUE a line, escaped.  herdd gives them only to the job's owner,
 * admins and root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "explain.h"
#include "job.h"
#include "jobfield.h"
#include "shquote.h"
#include "svc.h"
#include "svc_health.h"

const struct cmd_entry cmd_show_entry = {
	"show", "show [--json] [--script | --env] ID|ID_TASK",
	"show every field of one job, active or ended",
	"options:\n"
	"      --json                the job as one JSON object\n"
	"      --script              the job's script as submitted, byte for byte\n"
	"      --env                 the environment it was submitted with, KEY=VALUE a line\n"
	"                            (--script and --env: the owner, admins and root only)\n"
	"  -h, --help                this help\n",
	cmd_show
};

static void line(const char *key, const char *v)
{
	char vis[4096];
	str_vis(vis, sizeof vis, v ? v : "-");
	printf("%-12s %s\n", key, vis);
}

/* A word as sh reads it back: bare when it is plainly safe, else quoted. */
static void add_word(struct buf *b, const char *s)
{
	if (b->len > 0)
		buf_addc(b, ' ');
	if (*s != '\0' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_./=:,+@%") == strlen(s))
		buf_addstr(b, s);
	else
		shquote_str(b, s);
}

static void show_command(const struct msg *m)
{
	const char *a;
	struct buf b;
	line("command", msg_get(m, "command", NULL));
	/* Always a line beside the command, so every job shows as many lines. */
	if (msg_get(m, "command", NULL) == NULL && msg_get(m, "arg", NULL) == NULL)
		return;
	buf_init(&b, 64 << 10);
	for (size_t i = 0; (a = msg_get_nth(m, "arg", i, NULL)) != NULL; i++)
		add_word(&b, a);
	line("args", b.data ? b.data : NULL);
	buf_clear(&b);
}

/* Elapsed (now, while it runs) and, under a limit, what remains. */
static void show_elapsed(const struct msg *m)
{
	int64_t start = msg_geti(m, "start_time", 0), end = msg_geti(m, "end_time", 0);
	int64_t tl = msg_geti(m, "time_limit", 0), el = -1;
	char t[64];
	if (start > 0)
		el = end >= start ? end - start : wall_s() > start ? wall_s() - start : 0;
	fmt_dhms(t, sizeof t, el);
	line("elapsed", t);
	if (tl > 0 && start > 0 && end <= 0) {	/* running, with a limit */
		fmt_dhms(t, sizeof t, tl > el ? tl - el : 0);
		line("remaining", t);
	}
}

/* --signal, and whether this attempt got it (or never will: no limit). */
static void show_warn_signal(const struct msg *m)
{
	char t[128];
	int64_t sent = msg_geti(m, "warn_signal_sent", 0);
	snprintf(t, sizeof t, "%s%s", msg_get(m, "warn_signal", NULL),
	    sent > 0 && sent == msg_geti(m, "attempt", 0) ? " (sent)" :
	    msg_geti(m, "time_limit", 0) <= 0 ? " (never sent: no time limit)" : "");
	line("warn_signal", t);
}

/* --exclusive and --oversubscribe in words: who may share the node. */
static int show_sharing(const struct jobfield *jf, int64_t v)
{
	static const char *const excl[] = { "no", "yes (the whole node)",
	    "user (only its user's jobs beside it)" };
	if (strcmp(jf->name, "exclusive") == 0) {
		line(jf->name, v >= 0 && v <= 2 ? excl[v] : NULL);
		return 1;
	}
	if (strcmp(jf->name, "oversubscribe") == 0) {
		/* Slurm's answer on a partition without OverSubscribe. */
		line(jf->name, v ? "NO (asked; herd's nodes do not oversubscribe)" : "NO");
		return 1;
	}
	return 0;
}

/* One field of the job record, as a person reads it. */
/*
 * A service's own fields (herd service, svc.h): none of a batch job's
 * lines; the policy by its name, the last exit as exit_code's.  1 if
 * jf is one of them (shown or left out).
 */
static int show_service_field(const struct jobfield *jf, const struct msg *m)
{
	static const char *const names[] = { "service", "restart_policy", "max_restarts",
		"restart_window", "restarts", "restart_window_start", "window_restarts",
		"last_exit", "port_wanted", "port", "health_cmd", "health_http", "health_interval",
		"health_timeout", "health_retries", "health", "health_fails", "health_restart",
		"share_with", "idle_stop", "replicas", "roll", NULL };
	static const char *const rolls[] = { "none", "waiting", "draining", "restarting" };
	char t[64];
	size_t k;
	for (k = 0; names[k] != NULL && strcmp(names[k], jf->name) != 0; k++)
		;
	if (names[k] == NULL)
		return 0;
	if (msg_get(m, "service", NULL) == NULL)
		return 1;
	if (strcmp(jf->name, "restart_policy") == 0)
		line(jf->name, svc_restart_name((int)msg_geti(m, jf->name, -1)));
	else if (strcmp(jf->name, "health") == 0)
		line(jf->name, svc_health_name((int)msg_geti(m, jf->name, 0)));
	else if (strcmp(jf->name, "roll") == 0) {
		int64_t r = msg_geti(m, jf->name, 0);	/* svc_roll.h's SVC_ROLL_* */
		line(jf->name, r >= 0 && r < 4 ? rolls[r] : "?");
	}
	else if (strcmp(jf->name, "last_exit") == 0) {
		job_exit_format((int32_t)msg_geti(m, jf->name, -1), t, sizeof t);
		line(jf->name, t);
	} else
		return 0;
	return 1;
}

static void show_field(const struct jobfield *jf, const struct msg *m)
{
	char t[64];
	int64_t v = msg_geti(m, jf->name, 0);
	if (show_sharing(jf, v) || show_service_field(jf, m))
		return;
	if (strcmp(jf->name, "exit_code") == 0) {
		int64_t code = msg_geti(m, "exit_code", -1);
		const char *sig = signal_name(job_exit_signal(code));
		job_exit_format((int32_t)code, t, sizeof t);
		if (sig != NULL)
			snprintf(t + strlen(t), sizeof t - strlen(t), " (%s)", sig);
		line(jf->name, t);
	} else if (jf->kind == JF_TIME) {
		fmt_time(t, sizeof t, v);
		line(jf->name, t);
	} else if (jf->kind == JF_SECS) {
		fmt_dhms(t, sizeof t, v);
		line(jf->name, v > 0 ? t : "UNLIMITED");
	} else if (strcmp(jf->name, "warn_signal") == 0 && msg_get(m, jf->name, NULL)) {
		show_warn_signal(m);
	} else if (jf->kind == JF_MODE) {
		v = msg_geti(m, jf->name, -1);
		snprintf(t, sizeof t, "%04o", (unsigned)(v & 07777));
		line(jf->name, v >= 0 ? t : NULL);
	} else if (jf->kind == JF_INT && v < 0)
		line(jf->name, NULL);	/* none (not in an array) */
	else
		line(jf->name, msg_get(m, jf->name, NULL));
}

/* An array's started tasks: "task  7 job 130 RUNNING", in task order. */
static void show_tasks(const struct msg *m)
{
	const char *t;
	char rec[128];
	for (size_t i = 0; (t = msg_get_nth(m, "task", i, NULL)) != NULL; i++) {
		long long task = 0, id = 0;
		char st[32] = "";
		if (sscanf(t, "%lld\t%lld\t%31s", &task, &id, st) != 3)
			continue;
		snprintf(rec, sizeof rec, "%lld_%lld: job %lld %s", msg_geti(m, "id", 0) + 0LL,
		    task, id, st);
		line("task", rec);
	}
	if (msg_geti(m, "tasks_left_out", 0) > 0) {
		snprintf(rec, sizeof rec, "(%lld more)", (long long)msg_geti(m, "tasks_left_out", 0));
		line("task", rec);
	}
}

/* A pending job: its reason in a sentence, with its planned start. */
static void show_why(const struct msg *m)
{
	const char *st = msg_get(m, "state", NULL);
	char text[512];
	if (st == NULL || strcmp(st, "PENDING") != 0)
		return;
	struct explain e = { .id = msg_geti(m, "id", 0), .reason = msg_get(m, "reason", NULL),
	    .gpus = (int)msg_geti(m, "ngpus", 0), .cpus = (int)msg_geti(m, "cpus", 0),
	    .mem_mb = msg_geti(m, "mem_mb", 0),
	    .planned = msg_get(m, "planned_start", NULL) != NULL,
	    .start = msg_geti(m, "planned_start", -1), .node = msg_get(m, "planned_node", NULL),
	    .after = msg_geti(m, "planned_after", -1),
	    .after_pending = (int)msg_geti(m, "planned_after_pending", 0),
	    .begin_time = msg_geti(m, "begin_time", 0),
	    .dependency = msg_get(m, "dependency", NULL),
	    .foreign = msg_get(m, "foreign_use", NULL) };
	if (e.node == NULL)
		e.node = "?";
	explain_pending(text, sizeof text, &e);
	line("why", text);
}

/* One line an attempt, once there are several (herd requeue). */
static void show_attempts(const struct msg *m)
{
	struct attempt_rec r;
	char st[64], en[64], ec[32], key[32], text[2048];
	if (msg_get(m, "attempt_rec", NULL) == NULL)
		return;
	for (size_t i = 0; attempt_rec_get(m, i, &r) == 0; i++) {
		fmt_time(st, sizeof st, r.start_time);
		fmt_time(en, sizeof en, r.end_time);
		job_exit_format((int32_t)r.exit_code, ec, sizeof ec);
		snprintf(key, sizeof key, "attempt %d", r.attempt);
		snprintf(text, sizeof text, "%s on %s (GPUs %s), %s to %s, exit %s%s%s", r.state,
		    r.node[0] ? r.node : "-", r.gpus[0] ? r.gpus : "none", st, en, ec,
		    r.reason[0] ? ", " : "", r.reason);
		line(key, text);
	}
}

/* --script: the bytes; --env: a line each (escaped), or JSON. */
static void show_secret(const struct msg *m, int json)
{
	uint32_t len = 0;
	const char *env = msg_get(m, "env", &len), *script;
	if (env == NULL) {
		script = msg_get(m, "script", &len);
		if (json) {
			struct buf b;	/* json_str stops at a NUL: a script has none */
			buf_init(&b, (size_t)len + 1);
			buf_add(&b, script ? script : "", len);
			printf("{\"id\":%lld,\"script\":", (long long)msg_geti(m, "id", 0));
			json_str(stdout, b.data ? b.data : "");
			puts("}");
			buf_clear(&b);
		} else if (script != NULL)
			fwrite(script, 1, len, stdout);
		return;
	}
	if (json)
		printf("{\"id\":%lld,\"env\":[", (long long)msg_geti(m, "id", 0));
	for (const char *p = env, *end = env + len; p < end; p += strlen(p) + 1) {
		if (json) {
			if (p != env)
				putchar(',');
			json_str(stdout, p);
		} else {
			size_t size = strlen(p) * 4 + 1;	/* str_vis: at most 4 bytes a byte */
			char *vis = xmalloc(size);
			str_vis(vis, size, p);
			puts(vis);
			free(vis);
		}
	}
	if (json)
		puts("]}");
}

/* The job record's fields (jobfield.h), then how it was submitted and runs. */
static int each(void *arg, const struct msg *m)
{
	int json = *(int *)arg;
	if (strcmp(m->type, "secret") == 0) {
		show_secret(m, json);
		return 0;
	}
	if (json) {
		json_job_attempts(stdout, m);
		putchar('\n');
		return 0;
	}
	static const char *more[] = { "submit_dir", "submit_host", "ntasks", "stdout", "stderr",
	    NULL };
	for (size_t k = 0; k < njobfields; k++)
		if (jobfields[k].flags & JF_SHOW)
			show_field(&jobfields[k], m);
	show_command(m);
	for (int i = 0; more[i]; i++)
		line(more[i], msg_get(m, more[i], NULL));
	show_elapsed(m);
	show_why(m);
	show_tasks(m);
	show_attempts(m);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "script", no_argument, NULL, 'S' },
		{ "env", no_argument, NULL, 'E' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_show_entry;
	int json = 0, script = 0, env = 0, ch;
	long long id;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'h')
			cmd_help(ce, stdout);
		if (ch == 'h' || ch == CMD_OPT_HELP)
			return 0;
		if (ch == 'S')
			script = 1;
		else if (ch == 'E')
			env = 1;
		else if (ch == 'J')
			json = 1;
		else
			return 2;
	}
	if (script && env)
		return cmd_usage_error(ce, "--script or --env, not both");
	if (optind == argc)
		return cmd_usage_error(ce, "no job id");
	if (optind + 1 < argc)
		return cmd_usage_error(ce, "one job at a time");
	struct msg req;
	msg_init(&req, "show");
	if (strchr(argv[optind], '_') != NULL)
		msg_adds(&req, "ref", argv[optind]);	/* "123_7": a task of an array */
	else if ((id = cmd_job_id(argv[optind])) < 0) {
		msg_clear(&req);
		return 2;
	} else
		msg_addi(&req, "id", id);
	if (script)
		msg_addi(&req, "script", 1);
	if (env)
		msg_addi(&req, "env", 1);
	int rc = cmd_stream(&req, each, &json);
	msg_clear(&req);
	return rc;
}

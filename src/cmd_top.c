/*
 * cmd_top.c — herd top: the nodes and GPUs, the queue and recent ends on
 * one screen.
 *
 * One frame asks herdd what `herd nodes`, `herd queue` and `herd history`
 * ask (everyone's jobs, the last TOP_ENDS ends) and hands the answers to
 * top_frame (topframe.c), which draws it fitted to the terminal: COLUMNS
 * or the tty's width, LINES or the tty's height; into a pipe without them
 * nothing is cut.  Without -n, on a terminal, top_live (top_live.c)
 * draws frames until q or Ctrl-C; -n 1, or output that
 * is not a terminal, gets one frame as plain text.  The live view keeps
 * a second connection that asked herdd to "watch" (rpc_watch.c) and asks
 * again when it says something changed.  The live view's
 * Enter, l and c run herd show, logs and cancel themselves in a child
 * whose output is caught (capture): the page shows what those commands
 * print, and a cancel passes the same checks, with no second copy of them.
 * --json prints one frame's data instead of its text: the same three
 * answers as herd nodes, queue and history --json print them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "top_live.h"
#include "topframe.h"

#define TOP_ENDS 10
#define CAPTURE_MAX (1 << 20)	/* of herd show/logs output kept for a page */

const struct cmd_entry cmd_top_entry = {
	"top", "top [-n 1] [--json]",
	"every node and GPU, the queue, recent ends; live on a terminal",
	"options:\n"
	"  -n, --iterations 1        one frame as plain text, then exit (only 1:\n"
	"                            more frames are the live view's)\n"
	"      --json                one frame's data as JSON (implies -n 1): time,\n"
	"                            nodes (with GPUs), queue, ends, as herd nodes,\n"
	"                            queue and history --json print them\n"
	"  -h, --help                this help\n"
	"\nOn a terminal without -n: the live view, refreshed on herdd's events (a job\n"
	"or node changed); only changed lines are redrawn.  Keys: q, Ctrl-C or Ctrl-\\\n"
	"quits (the terminal left as it was; Ctrl-Z too, until fg),\n"
	"u my jobs only (again: everyone's), j/k or the arrows move the selection (>)\n"
	"over the queue, Enter shows the job (as herd show), l its log (the end that\n"
	"fits, as herd logs), c cancels it after \"Cancel job N? [y/N]\" (y only); on\n"
	"a page any key returns.  Into a pipe or a file: one frame.\n"
	"The frame fits COLUMNS (else\n"
	"the terminal's width) and LINES (else its height); a section that does not\n"
	"fit ends in \"… N more\".  Sections: every node and GPU (NODE STATE GPU TYPE\n"
	"MEMORY as a bar and used/total, UTIL, USE: the job and its user, or who uses\n"
	"it outside herd, a row per process), the queue (JOBID USER NAME STATE GPUS\n"
	"NODE: where it runs or is planned, TIME/START: running time, or the expected\n"
	"start of a pending job, REASON why it waits), then the last ends.\n",
	cmd_top
};

static int add_each(void *arg, const struct msg *m)
{
	top_list_add(arg, m);
	return 0;
}

/* LINES when set and valid, else the terminal's height, else 0. */
static size_t term_rows(FILE *f)
{
	const char *e = getenv("LINES");
	long long v;
	char err[128];
	if (e != NULL && parse_whole("LINES", e, 1, 10000, &v, err, sizeof err) == 0)
		return (size_t)v;
	struct winsize ws;
	if (isatty(fileno(f)) && ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return 0;
}

static int fetch(struct top_data *d, int mine)
{
	struct msg req;
	int rc;
	msg_init(&req, "nodes");
	rc = cmd_stream(&req, add_each, &d->nodes);
	msg_clear(&req);
	if (rc != 0)
		return rc;
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	rc = cmd_stream(&req, add_each, &d->jobs);
	msg_clear(&req);
	if (rc != 0)
		return rc;
	msg_init(&req, "history");
	msg_addi(&req, "all", !mine);
	msg_addi(&req, "limit", TOP_ENDS);
	rc = cmd_stream(&req, add_each, &d->ends);
	msg_clear(&req);
	d->now = wall_s();
	return rc;
}

/* top_live's data: the frame's answers; u asks for the user's own jobs. */
static int live_fetch(void *arg, int mine, struct top_data *d)
{
	(void)arg;
	return fetch(d, mine);
}

/* The child: its stdout and stderr into the pipe, signals as a command's. */
static void capture_child(int fd, int (*fn)(int, char **), int argc, char **argv)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH };
	sigset_t none;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	signal(SIGTSTP, SIG_IGN);	/* stopped, it would hold herd top reading its pipe */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
	int rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	_exit(rc & 0xff);
}

/* What fn(argc, argv) prints, its first CAPTURE_MAX bytes, in *text; its status. */
static int capture(int (*fn)(int, char **), int argc, char **argv, char **text, size_t *len)
{
	int p[2], st = 0;
	char *buf = xmalloc(CAPTURE_MAX + 1);
	size_t n = 0;
	*text = buf;
	*len = 0;
	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) != 0)
		return 1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		capture_child(p[1], fn, argc, argv);
	}
	close(p[1]);
	for (;;) {
		char tmp[4096];
		ssize_t r = read(p[0], tmp, sizeof tmp);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t k = (size_t)r < CAPTURE_MAX - n ? (size_t)r : CAPTURE_MAX - n;
		memcpy(buf + n, tmp, k);	/* beyond the bound: read and dropped */
		n += k;
	}
	close(p[0]);
	buf[n] = '\0';
	*len = n;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* The watch connection: herdd's "changed" frames; -1 when it cannot be had. */
static struct hclient watch_conn;

static int watch_open(void)
{
	struct msg req, m;
	if (hclient_connect(&watch_conn) != 0)
		return -1;
	msg_init(&req, "watch");
	int ok = hclient_send(&watch_conn, &req) == 0;
	msg_clear(&req);
	watch_conn.deadline_ms = now_ms() + 5000;
	if (ok && hclient_next(&watch_conn, &m) == 1) {
		ok = strcmp(m.type, "watching") == 0;
		msg_clear(&m);
	} else {
		ok = 0;
	}
	watch_conn.deadline_ms = 0;
	return ok ? watch_conn.fd : -1;
}

/* A frame on the watch: 0 an event, 1 herdd closed it (gone). */
static int watch_event(void *arg)
{
	struct msg m;
	(void)arg;
	if (hclient_next(&watch_conn, &m) != 1)
		return 1;
	msg_clear(&m);
	return 0;
}

/* herd show, logs or cancel of ref, as if typed; a cancel's answer in one line. */
static int live_run(void *arg, enum top_act a, const char *ref, char **text, size_t *len)
{
	char r[TOP_REF_MAX], show[] = "show", logs[] = "logs", cancel[] = "cancel";
	char *argv[] = { a == TA_SHOW ? show : a == TA_LOG ? logs : cancel, r, NULL };
	int (*fn)(int, char **) = a == TA_SHOW ? cmd_show : a == TA_LOG ? cmd_logs : cmd_cancel;
	(void)arg;
	snprintf(r, sizeof r, "%s", ref);
	int rc = capture(fn, 2, argv, text, len);
	if (a == TA_CANCEL && (*text)[0] == '\0') {
		if (rc == 0)
			snprintf(*text, CAPTURE_MAX, "job %s cancelled", r);
		else
			snprintf(*text, CAPTURE_MAX, "job %s: herd cancel failed (%d)", r, rc);
		*len = strlen(*text);
	}
	return rc;
}

/* One frame's data: {"time", "nodes": [...], "queue": [...], "ends": [...]}. */
static void top_json(const struct top_data *d)
{
	const struct top_list *l[] = { &d->nodes, &d->jobs, &d->ends };
	static const char *const names[] = { "nodes", "queue", "ends" };
	printf("{\"time\": %lld", (long long)d->now);
	for (size_t k = 0; k < 3; k++) {
		printf(",\n\"%s\": [", names[k]);
		for (size_t i = 0; i < l[k]->n; i++) {
			fputs(i > 0 ? ",\n" : "\n", stdout);
			(k == 0 ? json_node : json_job)(stdout, &l[k]->v[i]);
		}
		fputs(l[k]->n > 0 ? "\n]" : "]", stdout);
	}
	fputs("}\n", stdout);
}

int cmd_top(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	long n = 0;
	int ch, json = 0;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&cmd_top_entry, argc, argv, "hn:", lo)) != -1) {
		if (ch == 'J') {
			json = 1;
			continue;
		}
		if (ch == 'h')
			cmd_help(&cmd_top_entry, stdout);
		if (ch == 'h' || ch == CMD_OPT_HELP)
			return 0;
		if (ch != 'n')
			return 2;
		if (cmd_number(&cmd_top_entry, "-n", optarg, 1, 1000000, "frames", &n) != 0)
			return 2;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_top_entry, "unexpected argument \"%s\"", argv[optind]);
	if (n > 1)
		return cmd_usage_error(&cmd_top_entry, "-n %ld: only -n 1 (one frame); the live "
		    "view (without -n, on a terminal) refreshes until q", n);
	if (n == 0 && !json && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) {
		struct top_live_ops ops = { live_fetch, live_run, watch_open(), watch_event, NULL };
		int rc = top_live(STDIN_FILENO, STDOUT_FILENO, &ops);
		hclient_close(&watch_conn);
		if (rc != 0)	/* herdd's own message went to the screen just left */
			fprintf(stderr, "herd top: stopped: herdd did not answer, or the "
			    "terminal could not be set up\n");
		return rc;
	}
	struct top_data d = { 0 };
	int rc = fetch(&d, 0);
	if (rc == 0 && json)
		top_json(&d);
	else if (rc == 0)
		top_frame(stdout, &d, term_columns(stdout), term_rows(stdout));
	top_data_clear(&d);
	return rc;
}

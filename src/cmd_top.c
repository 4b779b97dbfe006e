/*
 * cmd_top.c — herd top: the nodes and GPUs, the queue and recent ends on
 * one screen.
 *
 * One frame asks herdd what `herd nodes`, `herd queue` and `herd history`
 * ask (everyone's jobs, the last TOP_ENDS ends) and hands the answers to
 * top_frame (topframe.c), which draws it fitted to the terminal: COLUMNS
 * or the tty's width, LINES or the tty's height; into a pipe without them
 * nothing is cut.  Without -n, on a terminal, top_live (top_live.c)
 * draws a frame every two seconds until q or Ctrl-C; -n 1, or output that
 * is not a terminal, gets one frame as plain text.  Keys other than q
 * (u, arrows, Enter, l, c in the issue) are not there yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "top_live.h"
#include "topframe.h"

#define TOP_ENDS 10

const struct cmd_entry cmd_top_entry = {
	"top", "top [-n 1]",
	"every node and GPU, the queue, recent ends; live on a terminal",
	"options:\n"
	"  -n, --iterations 1        one frame as plain text, then exit (only 1:\n"
	"                            more frames are the live view's)\n"
	"  -h, --help                this help\n"
	"\nOn a terminal without -n: the live view, redrawn every 2 s; q or Ctrl-C quits\n"
	"and the terminal is left as it was.  Into a pipe or a file: one frame.\n"
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

static int fetch(struct top_data *d);

/* top_live's callback: fetch and draw one frame. */
static int draw_live(void *arg, FILE *f, size_t cols, size_t rows)
{
	struct top_data d = { 0 };
	(void)arg;
	int rc = fetch(&d);
	if (rc == 0)
		top_frame(f, &d, cols, rows);
	top_data_clear(&d);
	return rc;
}

static int fetch(struct top_data *d)
{
	struct msg req;
	int rc;
	msg_init(&req, "nodes");
	rc = cmd_stream(&req, add_each, &d->nodes);
	msg_clear(&req);
	if (rc != 0)
		return rc;
	msg_init(&req, "queue");
	msg_addi(&req, "mine", 0);
	rc = cmd_stream(&req, add_each, &d->jobs);
	msg_clear(&req);
	if (rc != 0)
		return rc;
	msg_init(&req, "history");
	msg_addi(&req, "all", 1);
	msg_addi(&req, "limit", TOP_ENDS);
	rc = cmd_stream(&req, add_each, &d->ends);
	msg_clear(&req);
	d->now = wall_s();
	return rc;
}

int cmd_top(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "iterations", required_argument, NULL, 'n' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	long n = 0;
	int ch;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&cmd_top_entry, argc, argv, "hn:", lo)) != -1) {
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
	if (n == 0 && isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) {
		int rc = top_live(STDIN_FILENO, STDOUT_FILENO, draw_live, NULL);
		if (rc != 0)	/* herdd's own message went to the screen just left */
			fprintf(stderr, "herd top: stopped: herdd did not answer, or the "
			    "terminal could not be set up\n");
		return rc;
	}
	struct top_data d = { 0 };
	int rc = fetch(&d);
	if (rc == 0)
		top_frame(stdout, &d, term_columns(stdout), term_rows(stdout));
	top_data_clear(&d);
	return rc;
}

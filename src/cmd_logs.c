/*
 * cmd_logs.c — herd logs ID: the last bytes of a job's output (or, with
 * --err, its separate error file), as they are: herdd reads them on the
 * job's node, as the job's owner in a lab, and the bytes go to stdout
 * unchanged (a NUL, a long line, no newline at the end), so the output can
 * be piped or compared.  The owner, admins and root only.
 *
 * -f follows: windows read from an offset, one at a time on one connection
 * (logs_follow.c decides after each), written out as they come, until the
 * job has ended and its file is read; then the job's exit status is ours.
 * A pending job is waited for (said once on stderr).  Ctrl-C only stops
 * the reading: the job is not touched.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "logs_follow.h"

#define LOGS_DEFAULT 65536
#define LOGS_MAX (1L << 20)
#define FOLLOW_WINDOW 65536	/* bytes per read while following */
#define FOLLOW_PAUSE_MS 250	/* between reads that found nothing new */

const struct cmd_entry cmd_logs_entry = {
	"logs", "logs [-f] [--tail BYTES] [--err] ID|ID_TASK",
	"print the end of a job's output file, read on its node (running or ended)",
	"options:\n"
	"  -t, --tail BYTES          the last BYTES bytes, 1 to 1048576 (default 65536)\n"
	"  -e, --err                 its error file (a job submitted with --error)\n"
	"  -f, --follow              from its first byte, live until the job ends (waiting\n"
	"                            for a pending job to start); exit with the job's\n"
	"                            status (128+N for signal N)\n"
	"  -h, --help                this help\n"
	"\nThe bytes go to stdout as they are.  The job's owner, admins and root only.\n"
	"Ctrl-C stops following; the job goes on.\n",
	cmd_logs
};

static int print_data(void *arg, const struct msg *m)
{
	uint32_t len = 0;
	const char *data = msg_get(m, "data", &len);
	int *wrote = arg;
	if (strcmp(m->type, "logs") != 0 || data == NULL)
		return 0;
	if (len > 0 && fwrite(data, 1, len, stdout) != len)
		*wrote = -1;
	return 0;
}

/* One window of a follow read: its frame into *w, its bytes written out.
 * 0; -1 the connection failed; -2 stdout failed; -3 herdd refused (printed). */
static int follow_read(struct hclient *c, const struct msg *req, struct logs_follow *f,
    struct logs_window *w, char *state, size_t statesz)
{
	struct msg m;
	int got, rc = -1;
	memset(w, 0, sizeof *w);
	if (hclient_send(c, req) != 0)
		return -1;
	while ((got = hclient_next(c, &m)) == 1) {
		if (hclient_is_error(&m) || strcmp(m.type, "end") == 0) {
			int end = strcmp(m.type, "end") == 0;
			msg_clear(&m);
			return end ? rc : -3;
		}
		uint32_t len = 0;
		const char *data = msg_get(&m, "data", &len);
		if (strcmp(m.type, "logs") == 0) {
			w->pending = msg_geti(&m, "pending", 0) != 0;
			w->exit_code = msg_geti(&m, "exit_code", -1);
			snprintf(state, statesz, "%s", msg_get(&m, "state", NULL) ?
			    msg_get(&m, "state", NULL) : "");
			w->state = state[0] ? state : NULL;
			w->len = data ? len : 0;
			rc = 0;
			if (!w->pending && logs_follow_attempt(f, msg_geti(&m, "attempt", -1))) {
				fprintf(stderr, "herd: job %" PRId64 " started again (attempt %" PRId64
				    "): its output from the start\n", msg_geti(&m, "id", 0), f->attempt);
				w->restarted = 1;
				w->len = len = 0;
			}
			if (len > 0 && data != NULL && (fwrite(data, 1, len, stdout) != len ||
			    fflush(stdout) != 0)) {
				perror("herd: writing the output");
				rc = -2;
			}
		}
		msg_clear(&m);
		if (rc == -2)
			return -2;
	}
	return -1;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Ctrl-C: stop following, as the shell reports it; every window already
 * written is flushed, and the job is not ours to touch. */
static void on_interrupt(int sig)
{
	(void)sig;
	_exit(130);
}

/* herd logs -f: windows until the job ended and its file is read. */
static int follow(const char *ref, int errf)
{
	struct hclient c;
	struct logs_follow f;
	char state[32];
	int status = 1, retried = 0;

	/* Also where the shell started us with SIGINT ignored (cmd &). */
	struct sigaction sa = { .sa_handler = on_interrupt };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	if (hclient_connect(&c) != 0)
		return 1;
	logs_follow_init(&f, FOLLOW_WINDOW);
	for (;;) {
		struct msg req;
		struct logs_window w;
		msg_init(&req, "logs");
		msg_adds(&req, "ref", ref);
		msg_addi(&req, "bytes", f.window);
		msg_addi(&req, "offset", f.offset);
		msg_addi(&req, "err", errf);
		int quiet = hclient_quiet;
		hclient_quiet = !retried;	/* a closed connection is retried, not told */
		int rc = follow_read(&c, &req, &f, &w, state, sizeof state);
		hclient_quiet = quiet;
		if (rc == -1 && !retried) {
			/* herdd closes a connection idle 10 s: ours, while our reader
			 * (a pager) held stdout.  Once more on a new one, from where
			 * we stopped. */
			hclient_close(&c);
			retried = 1;
			rc = hclient_connect(&c) != 0 ? -1 :
			    follow_read(&c, &req, &f, &w, state, sizeof state);
		}
		msg_clear(&req);
		if (rc != 0)
			break;
		retried = 0;
		enum logs_next next = logs_follow_step(&f, &w, &status);
		if (next == LOGS_DONE)
			break;
		if (next == LOGS_BAD) {
			fprintf(stderr, "herd: herdd answered a window it cannot have read\n");
			status = 1;
			break;
		}
		if (w.pending && !f.said_pending) {
			fprintf(stderr, "herd: job %s has not started; waiting for it\n", ref);
			f.said_pending = 1;
		}
		if (next == LOGS_WAIT)
			pause_ms(FOLLOW_PAUSE_MS);
	}
	hclient_close(&c);
	return status;
}

int cmd_logs(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tail", required_argument, NULL, 't' },
		{ "err", no_argument, NULL, 'e' },
		{ "follow", no_argument, NULL, 'f' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_logs_entry;
	long bytes = LOGS_DEFAULT;
	int errf = 0, ch, wrote = 0, fol = 0, tail_given = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "t:efh", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 't':
			if (cmd_number(ce, "--tail", optarg, 1, LOGS_MAX, "bytes", &bytes) != 0)
				return 2;
			tail_given = 1;
			break;
		case 'f':
			fol = 1;
			break;
		case 'e':
			errf = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind == argc)
		return cmd_usage_error(ce, "a job id is needed");
	if (optind + 1 < argc)
		return cmd_usage_error(ce, "one job at a time (unexpected \"%s\")", argv[optind + 1]);
	const char *ref = argv[optind];
	if (!cmd_is_job_ref(ref))
		return cmd_usage_error(ce, "\"%s\" is not a job id (ID or ID_TASK)", ref);
	if (fol && tail_given)
		return cmd_usage_error(ce, "-f follows from the first byte: --tail is not taken "
		    "with it");
	if (fol)
		return follow(ref, errf);
	struct msg req;
	msg_init(&req, "logs");
	msg_adds(&req, "ref", ref);
	msg_addi(&req, "bytes", bytes);
	msg_addi(&req, "err", errf);
	int rc = cmd_stream(&req, print_data, &wrote);
	msg_clear(&req);
	if (fflush(stdout) != 0 || wrote < 0) {
		perror("herd: writing the output");
		return 1;
	}
	return rc;
}

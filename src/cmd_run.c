/*
 * cmd_run.c — herd run [options] [--pty] -- CMD [ARGS] (as srun): queue a
 * job whose batch script only holds the allocation (stream_node_holder),
 * wait for it to start, saying why it waits, then run CMD there through a
 * stream (stream_client.c) with stdin, stdout and stderr connected, and
 * exit with CMD's status.  The stream's release ends the job with that
 * status (COMPLETED for 0, FAILED otherwise), so herd history shows it.
 *
 * Inside an allocation (HERD_JOB_ID set: a batch job, or herd alloc) CMD
 * runs in that job instead, as srun inside sbatch does, and the job goes
 * on.  Ctrl-C (or HUP, TERM) while waiting cancels the queued job; once CMD runs, the
 * stream passes it on (twice within a second ends CMD with KILL); a client
 * that goes away ends the job (herdd's side of the stream).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "jobopt.h"
#include "cmd.h"
#include "stream_client.h"
#include "stream_node.h"
#include "util.h"

#define POLL_MS 500

const struct cmd_entry cmd_run_entry = {
	"run", "run [submit options] [--pty] [--] CMD [ARGS...]",
	"run CMD in a new job's allocation on this terminal, as srun (inside a job: in it)",
	"options: herd submit's (-G, -c, --mem, -t, -p, -w, ...), and\n"
	"      --pty                 a terminal on the node (stdin must be one)\n"
	"  -h, --help                this help\n"
	"\nWaits for the job to start (saying why it waits), runs CMD on its node with\n"
	"this stdin, stdout and stderr (kept apart), and exits with CMD's status; the\n"
	"job ends with it (COMPLETED, or FAILED with that exit code).  Ctrl-C goes to\n"
	"CMD; twice within a second ends it.  Ending herd run ends the job.  Refused:\n"
	"--array, --wrap, --hold, --output, --error, --signal, --wait, --test-only.\n"
	"Inside a job (HERD_JOB_ID set) CMD runs in that job's allocation.\n",
	cmd_run
};

static volatile sig_atomic_t interrupted;

static void on_int(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct seen {
	char state[32];
	char reason[256];
};

static int take_job(void *arg, const struct msg *m)
{
	struct seen *s = arg;
	if (strcmp(m->type, "job") != 0)
		return 0;
	const char *st = msg_get(m, "state", NULL), *r = msg_get(m, "reason", NULL);
	strlcpy_h(s->state, st ? st : "", sizeof s->state);
	strlcpy_h(s->reason, r ? r : "", sizeof s->reason);
	return 0;
}

int run_wait_start(long long id, int said)
{
	char last[256], vis[512];
	strlcpy_h(last, said ? "" : "-", sizeof last);
	struct sigaction sa = { .sa_handler = on_int };
	sigemptyset(&sa.sa_mask);
	/* Ctrl-C, a closed terminal (HUP) or a kill while waiting: no one will
	 * use the allocation, so the queued job goes too.  They stay ours until
	 * the stream's own handlers: one between the two must not kill herd run
	 * and leave the job to its holder's wait. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = -1;
	while (rc < 0) {
		struct seen s = { "", "" };
		struct msg req;
		msg_init(&req, "show");
		msg_addi(&req, "id", id);
		int r = cmd_stream(&req, take_job, &s);
		msg_clear(&req);
		if (interrupted) {
			int64_t one = id;
			cmd_send_ids("cancel", &one, 1, NULL, 0, NULL);
			fprintf(stderr, "herd: job %lld cancelled\n", id);
			rc = 130;
		} else if (r != 0) {
			rc = 255;
		} else if (strcmp(s.state, "RUNNING") == 0) {
			rc = 0;
		} else if (strcmp(s.state, "PENDING") == 0 || strcmp(s.state, "LAUNCHING") == 0) {
			if (strcmp(s.reason, last) != 0) {
				str_vis(vis, sizeof vis, s.reason[0] ? s.reason : "starting");
				fprintf(stderr, "herd: job %lld queued and waiting for resources (%s)\n",
				    id, vis);
				strlcpy_h(last, s.reason, sizeof last);
			}
			struct timespec ts = { 0, POLL_MS * 1000000L };
			nanosleep(&ts, NULL);
		} else {
			fprintf(stderr, "herd: job %lld ended %s before it started\n", id, s.state);
			rc = 1;
		}
	}
	return rc;
}

/*
 * --pty (srun's, not submit's) taken out of the options before CMD, read
 * as submit reads them (a value word is not CMD); *cmd: where CMD starts
 * (at "--" when there is one).  The new argc.
 */
static int take_pty(int argc, char **argv, int *pty, int *cmd)
{
	int n = 1, i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0' && strcmp(argv[i], "--") != 0) {
		if (strcmp(argv[i], "--pty") == 0) {
			*pty = 1;
			i++;
			continue;
		}
		int val = 0;
		if (argv[i][1] == '-')
			val = strchr(argv[i], '=') == NULL && jobopt_takes_value(argv[i]);
		else if (argv[i][2] == '\0')
			val = jobopt_takes_value(argv[i]);
		argv[n++] = argv[i++];
		if (val && i < argc)
			argv[n++] = argv[i++];
	}
	*cmd = n;
	while (i < argc)
		argv[n++] = argv[i++];
	return n;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s != NULL && s[1] != '\0' ? s + 1 : p;
}

int cmd_run(int argc, char **argv)
{
	int pty = 0, cmd = 1;
	long long id;
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_help(&cmd_run_entry, stdout);
			return 0;
		}
	}
	argc = take_pty(argc, argv, &pty, &cmd);
	const char *name = cmd < argc ? base(argv[cmd][0] == '-' && cmd + 1 < argc ?
	    argv[cmd + 1] : argv[cmd]) : "run";
	if (pty && !isatty(STDIN_FILENO))
		return cmd_usage_error(&cmd_run_entry, "--pty needs a terminal on stdin");
	const char *inside = getenv("HERD_JOB_ID");
	if (inside != NULL && inside[0] != '\0') {
		/* srun inside sbatch: a step of the job we are in. */
		if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0)
			return cmd_usage_error(&cmd_run_entry, "inside job %s (HERD_JOB_ID) CMD runs in "
			    "its allocation: submit options (\"%s\") are not taken", inside, argv[1]);
		cmd = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
		if (cmd >= argc)
			return cmd_usage_error(&cmd_run_entry, "a command is needed");
		struct stream_req rq = { .ref = inside, .argv = argv + cmd, .argc = argc - cmd,
		    .pty = pty };
		int rc = stream_client_run(&rq);
		return rc < 0 ? 255 : rc;
	}
	int rc = submit_for_run(argc, argv, "run", name, &cmd, &id);
	if (rc != 0)
		return rc;
	if (strcmp(argv[cmd], "--") == 0)
		cmd++;
	if ((rc = run_wait_start(id, 0)) != 0)
		return rc;
	char ref[32];
	snprintf(ref, sizeof ref, "%lld", id);
	struct stream_req rq = { .ref = ref, .argv = argv + cmd, .argc = argc - cmd, .pty = pty,
	    .release = 1 };
	rc = stream_client_run(&rq);
	if (rc < 0) {		/* no status: the job must not hold its resources on */
		int64_t one = id;
		cmd_send_ids("cancel", &one, 1, NULL, 0, NULL);
		return 255;
	}
	return rc;
}

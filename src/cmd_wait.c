/*
 * cmd_wait.c — herd wait ID...: block until the jobs end (the controller
 * answers when the last one does); exit 0 only if all COMPLETED.  With
 * --timeout, give up at the deadline as timeout(1) does (status 124),
 * after asking herdd's queue which of the jobs are still active.  An
 * array's id waits for every task of it.  --notify rings the terminal's
 * bell (BEL to /dev/tty, so it is heard with stdout and stderr redirected)
 * once the jobs have ended; never on a timeout or an error.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "job.h"

#define NAMED_MAX 20	/* active jobs named when giving up; then a count */

const struct cmd_entry cmd_wait_entry = {
	"wait", "wait [--timeout SECONDS] [--notify] [--json] ID...",
	"wait for jobs to end; exit 0 if all COMPLETED",
	"options:\n"
	"  -t, --timeout SECONDS     give up after SECONDS (decimals allowed), name the\n"
	"                            jobs still active and exit with status 124\n"
	"  -n, --notify              ring the terminal's bell when the jobs have ended\n"
	"      --json                the ended jobs as a JSON array (as herd history --json)\n"
	"  -h, --help                this help\n"
	"\nFor each job that did not end COMPLETED: \"herd: job N ended STATE (exit code\n"
	"EXIT:SIGNAL)\" on stderr, and exit status 1.\n",
	cmd_wait
};

struct waited {
	int bad;		/* one did not end COMPLETED */
	int json;		/* --json: each job's frame, as herd history --json */
	size_t n;
};

static int each(void *arg, const struct msg *m)
{
	struct waited *w = arg;
	if (w->json) {
		fputs(w->n++ ? ",\n" : "[\n", stdout);
		json_job(stdout, m);
	}
	const char *st = msg_get(m, "state", NULL);
	if (st == NULL || strcmp(st, "COMPLETED") != 0) {
		int64_t code = msg_geti(m, "exit_code", -1);
		const char *sig = signal_name(job_exit_signal(code));
		char ec[32], ref[64];
		int64_t aid = msg_geti(m, "array_job_id", -1), task = msg_geti(m, "array_task_id", -1);
		job_exit_format((int32_t)code, ec, sizeof ec);
		w->bad = 1;
		/* An array's task by its array's name for it: "herd: job 12_3 ended FAILED". */
		if (aid > 0 && task >= 0)
			snprintf(ref, sizeof ref, "%lld_%lld", (long long)aid, (long long)task);
		else
			snprintf(ref, sizeof ref, "%lld", (long long)msg_geti(m, "id", 0));
		fprintf(stderr, "herd: job %s ended %s (exit code %s%s%s)\n", ref, st ? st : "?",
		    ec, sig ? ", " : "", sig ? sig : "");
	}
	return 0;
}

struct still {
	const struct id_list *ids;
	size_t n;
};

static int still_each(void *arg, const struct msg *m)
{
	struct still *s = arg;
	if (!id_list_has(s->ids, msg_geti(m, "id", 0)))
		return 0;
	const char *st = msg_get(m, "state", NULL);
	if (s->n++ < NAMED_MAX)
		fprintf(stderr, "%s job %lld %s", s->n > 1 ? "," : "",
		    (long long)msg_geti(m, "id", 0), st ? st : "?");
	return 0;
}

static int gave_up(const struct id_list *ids, const char *secs)
{
	struct still s = { ids, 0 };
	struct msg req;
	fprintf(stderr, "herd: wait: gave up after %s seconds; still active:", secs);
	msg_init(&req, "queue");
	int rc = cmd_stream(&req, still_each, &s);
	msg_clear(&req);
	if (s.n > NAMED_MAX)
		fprintf(stderr, " and %zu more", s.n - NAMED_MAX);
	fprintf(stderr, "%s\n", rc != 0 ? " (unknown)" : s.n == 0 ? " none" : "");
	return CMD_TIMEOUT;
}

/* The bell on the controlling terminal; none (a cron job): nothing to ring. */
static void ring(void)
{
	int fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)!write(fd, "\a", 1);
	close(fd);
}

int cmd_wait(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "notify", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_wait_entry;
	struct id_list ids = { 0 };
	const char *targ = NULL;
	int64_t deadline = 0;
	struct waited w = { 0 };
	int ch, rc = 2, notify = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "t:nh", lo)) != -1) {
		if (ch == 'h' || ch == CMD_OPT_HELP) {
			if (ch == 'h')
				cmd_help(ce, stdout);
			return 0;
		}
		if (ch == 'n' || ch == 'J') {
			*(ch == 'n' ? &notify : &w.json) = 1;
			continue;
		}
		if (ch != 't')
			return 2;
		char *end;
		double v = strtod(optarg, &end);
		if (end == optarg || *end != '\0' || !isfinite(v) || v < 0 || v > 1e9)
			return cmd_usage_error(ce, "invalid --timeout \"%s\": a number of seconds, "
			    "0 to 1000000000", optarg);
		targ = optarg;
		deadline = now_ms() + (int64_t)(v * 1000);
	}
	if (optind == argc)
		return cmd_usage_error(ce, "no job ids");
	if (cmd_parse_ids(&ids, argc, argv, optind) != 0)
		goto out;
	struct msg req;
	msg_init(&req, "wait");
	for (size_t i = 0; i < ids.n; i++)
		msg_addi(&req, "id", ids.v[i]);
	rc = cmd_stream_until(&req, each, &w, deadline);
	msg_clear(&req);
	if (w.json && w.n > 0)
		fputs("\n]\n", stdout);
	if (rc == CMD_TIMEOUT)
		rc = gave_up(&ids, targ);
	else if (rc == 0) {
		rc = w.bad;
		if (notify)
			ring();
	}
out:
	id_list_clear(&ids);
	return rc;
}

/*
 * cmd_cancel.c — herd cancel: pending jobs leave the queue, running ones
 * get TERM then KILL after the grace period.  Exit 1 if any failed.
 *
 * With filters (-u, -n, -t, --me), as scancel: the queue is listed, the
 * jobs that match every filter (and, when ids are given too, are among
 * them) are picked here, and those are cancelled.  Requests carry at most
 * CHUNK ids: a frame holds PROTO_FIELDS_MAX fields, two per id.
 *
 * A filter without ids (-t RUNNING in a busy lab) matches other users'
 * jobs too.  Which of them the caller may cancel is herdd's to decide (an
 * admin may), so herdd is asked to leave the others alone and count them:
 * one line says how many, and the exit status is about the caller's own
 * jobs, unless -u named the users whose jobs were left alone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "client.h"
#include "cmd.h"

#define CHUNK CMD_ID_CHUNK

const struct cmd_entry cmd_cancel_entry = {
	"cancel", "cancel [-u USER[,USER]] [--me] [-n NAME[,NAME]] [-t STATE[,STATE]] [--json] [ID|ID_TASK|ID_[TASKS]...]",
	"cancel jobs, like scancel",
	"options (with ids too, only the ids that match are cancelled):\n"
	"  -u, --user USER[,USER]    the active jobs of these users (names or uids)\n"
	"      --me                  your own active jobs\n"
	"  -n, --name NAME[,NAME]    the active jobs with these names\n"
	"  -t, --state STATE[,...]   the active jobs in these states: PENDING (PD),\n"
	"                            LAUNCHING (CF), RUNNING (R)\n"
	"  --json                    one JSON array on stdout: each job and whether it\n"
	"                            was cancelled\n"
	"  -h, --help                this help\n",
	cmd_cancel
};

/*
 * Job references that name array tasks ("123_7", "123_[1-5]"), checked
 * here (exit 2 on a bad one) and sent as "ref"; plain ids stay "id" so an
 * older herdd still understands them.  When any ref is given, every
 * argument goes as a ref.  *refs borrows argv.
 */
static int split_refs(int argc, char **argv, int first, char ***refs, size_t *n)
{
	struct jobref r;
	char err[HERD_ERRLEN];
	int any = 0;
	for (int i = first; i < argc; i++)
		any |= strchr(argv[i], '_') != NULL;
	if (!any)
		return 0;
	*refs = xcalloc((size_t)(argc - first), sizeof **refs);
	for (int i = first; i < argc; i++) {
		if (jobref_parse(&r, argv[i], err, sizeof err) != 0) {
			char vis[512];
			str_vis(vis, sizeof vis, err);
			fprintf(stderr, "herd: %s\n", vis);
			return -1;
		}
		jobref_clear(&r);
		(*refs)[(*n)++] = argv[i];
	}
	return 0;
}

struct pick {
	const struct job_filter *f;
	struct id_list *out;
};

static int pick_each(void *arg, const struct msg *m)
{
	struct pick *p = arg;
	if (job_filter_match(p->f, m))
		id_list_add(p->out, msg_geti(m, "id", 0));
	return 0;
}

/*
 * Replace *ids with the active jobs (the caller's only, with mine) that
 * match f and, when *ids is not empty, are among them: scancel intersects.
 */
static int pick_jobs(struct job_filter *f, int mine, struct id_list *ids)
{
	struct id_list picked = { 0 };
	struct pick p = { f, &picked };
	struct msg req;
	f->ids = *ids;		/* f owns them now */
	memset(ids, 0, sizeof *ids);
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	int rc = cmd_stream(&req, pick_each, &p);
	msg_clear(&req);
	*ids = picked;
	return rc;
}

int cmd_cancel(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "me", no_argument, NULL, 'm' },
		{ "name", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 't' },
		{ "states", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, CMD_OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_cancel_entry;
	struct job_filter f = { 0 };
	struct id_list ids = { 0 };
	char err[HERD_ERRLEN];
	const char *what = NULL;
	int ch, rc = 2, bad = 0, mine = 0, json = 0;
	char **refs = NULL;
	size_t nrefs = 0;

	cmd_getopt_start();
	while (!bad && (ch = cmd_getopt(ce, argc, argv, "u:n:t:h", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			/* fall through */
		case CMD_OPT_HELP:
			rc = 0;
			bad = 1;
			break;
		case 'm':
			mine = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'u': case 'n': case 't':
			bad = job_filter_option(&f, ch, optarg, &what, err, sizeof err);
			break;
		default:
			bad = 1;
			break;
		}
		if (bad < 0)
			cmd_usage_error(ce, "invalid %s \"%s\": %s", what, optarg, err);
	}
	if (bad)
		goto out;
	if (split_refs(argc, argv, optind, &refs, &nrefs) != 0)
		goto out;
	if (cmd_parse_ids(&ids, nrefs > 0 ? 0 : argc, argv, optind) != 0)
		goto out;
	if (nrefs > 0 && (mine || job_filter_active(&f))) {
		rc = cmd_usage_error(ce, "array tasks (%s) and filters cannot be combined", refs[0]);
		goto out;
	}
	if (ids.n == 0 && nrefs == 0 && !mine && !job_filter_active(&f)) {
		rc = cmd_usage_error(ce, "no job ids and no filter");
		goto out;
	}
	size_t nids = ids.n;	/* named by the user, before the filter's pick */
	if ((mine || job_filter_active(&f)) && (rc = pick_jobs(&f, mine, &ids)) != 0)
		goto out;
	int filtered = (mine || job_filter_active(&f)) && nids == 0;
	int64_t others = 0;
	rc = 0;
	if (json)
		cmd_ids_json_begin();
	for (size_t i = 0; i < ids.n; i += CHUNK)
		rc |= cmd_send_ids("cancel", ids.v + i, ids.n - i < CHUNK ? ids.n - i : CHUNK, NULL, 0,
		    filtered ? &others : NULL);
	for (size_t i = 0; i < nrefs; i += CHUNK)
		rc |= cmd_send_ids("cancel", NULL, 0, refs + i, nrefs - i < CHUNK ? nrefs - i : CHUNK,
		    NULL);
	cmd_ids_json_end();
	if (others > 0) {
		fprintf(stderr, "herd: %" PRId64 " job%s of other users left alone\n", others,
		    others == 1 ? "" : "s");
		if (f.nusers > 0)
			rc = 1;		/* -u named them: they were asked for */
	}
out:
	free(refs);
	id_list_clear(&ids);
	job_filter_clear(&f);
	return rc;
}

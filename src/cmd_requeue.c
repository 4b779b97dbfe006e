/*
 * cmd_requeue.c — herd requeue ID...: a running or ended job goes back to
 * the queue as its next attempt, with the same id, as scontrol requeue.  A
 * running attempt is stopped first; the new one starts only once its node
 * confirms the old one gone.  Exit 1 if any id was refused.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

#define CHUNK 1000	/* ids per request: two fields each, PROTO_FIELDS_MAX in all */

const struct cmd_entry cmd_requeue_entry = {
	"requeue", "requeue ID...",
	"run jobs again as a new attempt, like scontrol requeue",
	"A running job is stopped (TERM, then KILL after the grace period) and\n"
	"pending again once its node confirms it gone; an ended job is pending at\n"
	"once.  The job keeps its id; herd show and herd history list every attempt.\n"
	"options:\n"
	"  -h, --help                this help\n",
	cmd_requeue
};

/* One request for ids[0..n); 0, or 1 if herdd refused any (printed). */
static int requeue_some(const int64_t *ids, size_t n)
{
	struct hclient c;
	struct msg req, ans;
	const char *r;
	int rc = 1;

	if (hclient_connect(&c) != 0)
		return 1;
	msg_init(&req, "requeue");
	for (size_t i = 0; i < n; i++)
		msg_addi(&req, "id", ids[i]);
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			rc = 0;
			for (size_t i = 0; (r = msg_get_nth(&ans, "result", i, NULL)) != NULL; i++) {
				const char *tab = strchr(r, '\t');
				if (tab != NULL && tab[1] != '\0') {
					char vis[512];
					str_vis(vis, sizeof vis, tab + 1);
					fprintf(stderr, "herd: %s\n", vis);
					rc = 1;
				}
			}
		}
		msg_clear(&ans);
	}
	msg_clear(&req);
	hclient_close(&c);
	return rc;
}

int cmd_requeue(int argc, char **argv)
{
	static const struct option lo[] = { CMD_HELP_OPTION, { NULL, 0, NULL, 0 } };
	const struct cmd_entry *ce = &cmd_requeue_entry;
	struct id_list ids = { 0 };
	int ch, rc = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'h')
			cmd_help(ce, stdout);
		return ch == 'h' || ch == CMD_OPT_HELP ? 0 : 2;
	}
	if (optind == argc)
		return cmd_usage_error(ce, "no job ids");
	if (cmd_parse_ids(&ids, argc, argv, optind) != 0) {
		id_list_clear(&ids);
		return 2;
	}
	for (size_t i = 0; i < ids.n; i += CHUNK)
		rc |= requeue_some(ids.v + i, ids.n - i < CHUNK ? ids.n - i : CHUNK);
	id_list_clear(&ids);
	return rc;
}

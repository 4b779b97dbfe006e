/*
 * cmd_drain.c — herd drain: nodes take no new jobs; the jobs already on
 * them run on to their end, as `scontrol update nodename=X state=drain
 * reason=...`.  `herd nodes` then shows DRAINING, DRAINED once no job is
 * left there, and the reason with who drained the node and when.  Admins
 * and root only.  Exit 0 done, 1 refused (nothing changed: an unknown name
 * refuses the whole command), 2 usage.
 *
 * herd resume (cmd_resume.c) is the way back; both send their node names
 * through cmd_node_command() below.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_drain_entry = {
	"drain", "drain NODE... [--reason TEXT]",
	"keep nodes from taking new jobs; running ones go on (admins only)",
	"options:\n"
	"  -r, --reason TEXT         why (shown by herd nodes with who and when)\n"
	"  -h, --help                this help\n"
	"A drained node shows DRAINING while jobs still run there, DRAINED once none\n"
	"do; it stays drained across herdd restarts until herd resume.\n",
	cmd_drain
};

int cmd_node_command(const struct cmd_entry *ce, const char *type, const char *reason,
    int argc, char **argv, int first)
{
	struct hclient c;
	struct msg req, ans;
	const char *l;
	int rc = 1;

	if (first >= argc)
		return cmd_usage_error(ce, "no node names");
	for (int i = first; i < argc; i++)
		if (argv[i][0] == '\0')
			return cmd_usage_error(ce, "an empty node name");
	if (hclient_connect(&c) != 0)
		return 1;
	msg_init(&req, type);
	for (int i = first; i < argc; i++)
		msg_adds(&req, "node", argv[i]);
	if (reason != NULL)
		msg_adds(&req, "reason", reason);
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			for (size_t i = 0; (l = msg_get_nth(&ans, "line", i, NULL)) != NULL; i++) {
				char vis[1024];
				str_vis(vis, sizeof vis, l);
				printf("%s\n", vis);
			}
			rc = 0;
		}
		msg_clear(&ans);
	}
	msg_clear(&req);
	hclient_close(&c);
	return rc;
}

int cmd_drain(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "reason", required_argument, NULL, 'r' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_drain_entry;
	const char *reason = NULL;
	int ch;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "r:h", lo)) != -1) {
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		default:
			return 2;
		}
	}
	return cmd_node_command(ce, "drain", reason, argc, argv, optind);
}

/*
 * cmd_drain.c — herd drain: nodes take no new jobs; the jobs already on
 * them run on to their end, as `scontrol update nodename=X state=drain
 * reason=...`.  `herd nodes` then shows DRAINING, DRAINED once no job is
 * left there, and the reason with who drained the node and when.  Admins
 * and root only.  Exit 0 done, 1 refused (nothing changed: an unknown name
 * refuses the whole command), 2 usage.
 *
 * --move-services also moves the services running there (ctl_svcmove.c):
 * each is stopped and started on another node; batch jobs run on.
 *
 * herd resume (cmd_resume.c) is the way back; both send their node names
 * through cmd_node_command() below, which also writes their --json: herdd
 * answers a line per node and, beside it, the node's name and its state
 * now, so a script reads the state without parsing the line.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_drain_entry = {
	"drain", "drain NODE... [--reason TEXT] [--move-services] [--json]",
	"keep nodes from taking new jobs; running ones go on (admins only)",
	"options:\n"
	"  -r, --reason TEXT         why (shown by herd nodes with who and when)\n"
	"      --move-services       also move the services running there: each is\n"
	"                            stopped and started on another node (a requeue,\n"
	"                            not a restart); batch jobs run on\n"
	"      --json                print each node's result and new state as JSON\n"
	"  -h, --help                this help\n"
	"A drained node shows DRAINING while jobs still run there, DRAINED once none\n"
	"do; it stays drained across herdd restarts until herd resume.\n",
	cmd_drain
};

/* One node's element of --json: done (err NULL) with its state and line, or refused. */
static void node_json(int i, const char *name, const char *state, const char *line,
    const char *err)
{
	fputs(i > 0 ? ",\n{\"node\": " : "[\n{\"node\": ", stdout);
	json_str(stdout, name);
	if (err != NULL) {
		fputs(", \"ok\": false, \"error\": ", stdout);
		json_str(stdout, err);
	} else {
		fputs(", \"ok\": true, \"state\": ", stdout);
		json_str(stdout, state != NULL && state[0] != '\0' ? state : NULL);
		fputs(", \"message\": ", stdout);
		json_str(stdout, line);
	}
	fputc('}', stdout);
}

/* herdd's answer: a line per node, and (herdd of issue 16 on) node and state. */
static void node_answer(const struct msg *ans, int json)
{
	const char *l;
	size_t i;
	for (i = 0; (l = msg_get_nth(ans, "line", i, NULL)) != NULL; i++) {
		if (json) {
			node_json((int)i, msg_get_nth(ans, "node", i, NULL),
			    msg_get_nth(ans, "state", i, NULL), l, NULL);
			continue;
		}
		char vis[1024];
		str_vis(vis, sizeof vis, l);
		printf("%s\n", vis);
	}
	if (json)
		fputs(i > 0 ? "\n]\n" : "[]\n", stdout);
}

/* The move_services flag of the next drain request (herd drain --move-services). */
static int move_services;

int cmd_node_command(const struct cmd_entry *ce, const char *type, const char *reason,
    int json, int argc, char **argv, int first)
{
	struct hclient c;
	struct msg req, ans;
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
	if (move_services)
		msg_addi(&req, "move_services", 1);
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			node_answer(&ans, json);
			rc = 0;
		} else if (json) {
			/* All or none: every name named shares herdd's one refusal. */
			const char *err = msg_get(&ans, "message", NULL);
			for (int i = first; i < argc; i++)
				node_json(i - first, argv[i], NULL, NULL, err ? err : "refused");
			fputs("\n]\n", stdout);
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
		{ "json", no_argument, NULL, 'J' },
		{ "move-services", no_argument, NULL, 'M' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_drain_entry;
	const char *reason = NULL;
	int ch, json = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "r:h", lo)) != -1) {
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'M':
			move_services = 1;
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
	return cmd_node_command(ce, "drain", reason, json, argc, argv, optind);
}

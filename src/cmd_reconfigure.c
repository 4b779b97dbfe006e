/*
 * cmd_reconfigure.c — herd reconfigure: herdd reads its hosts.ini again
 * (as on SIGHUP) and says what changed, or refuses a file with an error
 * (FILE:LINE) and keeps running as it was: exit 0 applied, 1 refused.
 * --json prints {"ok": true, "changes": [LINE...]} (no changes: []) or
 * {"ok": false, "error": WHY}; the refusal also on stderr, as without it.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_reconfigure_entry = {
	"reconfigure", "reconfigure [--json]",
	"read hosts.ini again: add, remove and change nodes (as SIGHUP does)",
	"Added nodes connect; removed nodes take no new jobs and leave once their\n"
	"jobs end; a node whose settings changed reconnects with them (its jobs keep\n"
	"running; host, port, user and herd_dir only change while it runs none);\n"
	"probe_interval, kill_grace, admins, session_idle, reservations and the\n"
	"[account], [priority], [partition] and [qos] sections apply at once; the\n"
	"other [controller] keys when herdd restarts.  A file with an error changes\n"
	"nothing.\n"
	"Only root or the user who runs herdd may do this.\n"
	"options:\n"
	"      --json                print the changes (or the error) as JSON\n"
	"  -h, --help                this help\n",
	cmd_reconfigure
};

/* herdd's answer: its lines as they are, or as a JSON list of changes. */
static void print_changes(const struct msg *ans, int json)
{
	const char *l;
	size_t i, n = 0;
	if (json)
		fputs("{\"ok\": true, \"changes\": [", stdout);
	for (i = 0; (l = msg_get_nth(ans, "line", i, NULL)) != NULL; i++) {
		if (!json) {
			char vis[1024];
			str_vis(vis, sizeof vis, l);
			printf("%s\n", vis);
		} else if (strcmp(l, "no changes") != 0 || msg_get_nth(ans, "line", 1, NULL)) {
			fputs(n++ > 0 ? ", " : "", stdout);
			json_str(stdout, l);
		}
	}
	if (json)
		fputs("]}\n", stdout);
}

int cmd_reconfigure(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_reconfigure_entry;
	struct hclient c;
	struct msg req, ans;
	int ch, rc = 1, json = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'J') {
			json = 1;
			continue;
		}
		if (ch == 'h')
			cmd_help(ce, stdout);
		if (ch == 'h' || ch == CMD_OPT_HELP)
			return 0;
		return 2;
	}
	if (optind != argc)
		return cmd_usage_error(ce, "takes no arguments");
	if (hclient_connect(&c) != 0)
		return 1;
	msg_init(&req, "reconfigure");
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			print_changes(&ans, json);
			rc = 0;
		} else if (json) {
			const char *err = msg_get(&ans, "message", NULL);
			fputs("{\"ok\": false, \"error\": ", stdout);
			json_str(stdout, err ? err : "refused");
			fputs("}\n", stdout);
		}
		msg_clear(&ans);
	}
	msg_clear(&req);
	hclient_close(&c);
	return rc;
}

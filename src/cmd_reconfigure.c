/*
 * cmd_reconfigure.c — herd reconfigure: herdd reads its hosts.ini again
 * (as on SIGHUP) and says what changed, or refuses a file with an error
 * (FILE:LINE) and keeps running as it was: exit 0 applied, 1 refused.
 */
#include <stdio.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_reconfigure_entry = {
	"reconfigure", "reconfigure",
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
	"  -h, --help                this help\n",
	cmd_reconfigure
};

int cmd_reconfigure(int argc, char **argv)
{
	static const struct option lo[] = {
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_reconfigure_entry;
	struct hclient c;
	struct msg req, ans;
	const char *l;
	int ch, rc = 1;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
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

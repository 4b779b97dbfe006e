/*
 * cmd_hold.c — herd hold: pending jobs stay pending until released, as
 * scontrol hold.  A hold by root (JobHeldAdmin) only root may release;
 * the owner's own hold (JobHeldUser) the owner may.  Exit 1 if any id was
 * refused (each refusal printed), 2 for a usage error.
 *
 * herd release (cmd_release.c) is the same request the other way round,
 * so both go through cmd_hold_send().
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

#define CHUNK 1000	/* ids per request: a frame holds PROTO_FIELDS_MAX fields */

const struct cmd_entry cmd_hold_entry = {
	"hold", "hold ID...", "keep pending jobs from starting, like scontrol hold",
	"  -h, --help    this help\n"
	"A job held by root (reason JobHeldAdmin) is released only by root.\n",
	cmd_hold
};

/* One request of `type` ("hold", "release") for ids[0..n); 0, or 1 if any was refused. */
static int send_some(const char *type, const int64_t *ids, size_t n)
{
	struct hclient c;
	struct msg req, ans;
	const char *r;
	int rc = 1;

	if (hclient_connect(&c) != 0)
		return 1;
	msg_init(&req, type);
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

int cmd_hold_send(const struct cmd_entry *ce, const char *type, int argc, char **argv)
{
	static const struct option lo[] = { CMD_HELP_OPTION, { NULL, 0, NULL, 0 } };
	struct id_list ids = { 0 };
	int ch, rc = 2;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'h' || ch == CMD_OPT_HELP) {
			if (ch == 'h')
				cmd_help(ce, stdout);
			return 0;
		}
		return 2;
	}
	if (cmd_parse_ids(&ids, argc, argv, optind) != 0)
		goto out;
	if (ids.n == 0) {
		rc = cmd_usage_error(ce, "no job ids");
		goto out;
	}
	rc = 0;
	for (size_t i = 0; i < ids.n; i += CHUNK)
		rc |= send_some(type, ids.v + i, ids.n - i < CHUNK ? ids.n - i : CHUNK);
out:
	id_list_clear(&ids);
	return rc;
}

int cmd_hold(int argc, char **argv)
{
	return cmd_hold_send(&cmd_hold_entry, "hold", argc, argv);
}

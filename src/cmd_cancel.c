/*
 * cmd_cancel.c — herd cancel ID...: pending jobs leave the queue, running
 * ones get TERM then KILL after the grace period.  Exit 1 if any failed.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

int cmd_cancel(int argc, char **argv)
{
	struct hclient c;
	struct msg req, ans;
	const char *r;
	int rc = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: herd cancel ID...\n");
		return 2;
	}
	msg_init(&req, "cancel");
	if (cmd_add_ids(&req, argc, argv) != 0) {
		msg_clear(&req);
		return 2;
	}
	if (hclient_connect(&c) != 0) {
		msg_clear(&req);
		return 1;
	}
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			rc = 0;
			for (size_t i = 0; (r = msg_get_nth(&ans, "result", i, NULL)) != NULL; i++) {
				const char *tab = strchr(r, '\t');
				if (tab != NULL && tab[1] != '\0') {
					fprintf(stderr, "herd: %s\n", tab + 1);
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

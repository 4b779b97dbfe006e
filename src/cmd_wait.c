/*
 * cmd_wait.c — herd wait ID...: block until the jobs end (the controller
 * answers when the last one does); exit 0 only if all COMPLETED.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

static int each(void *arg, const struct msg *m)
{
	int *bad = arg;
	const char *st = msg_get(m, "state", NULL);
	if (st == NULL || strcmp(st, "COMPLETED") != 0) {
		*bad = 1;
		fprintf(stderr, "herd: job %lld ended %s (exit code %lld)\n",
		    (long long)msg_geti(m, "id", 0), st ? st : "?",
		    (long long)msg_geti(m, "exit_code", -1));
	}
	return 0;
}

int cmd_wait(int argc, char **argv)
{
	struct msg req;
	int bad = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: herd wait ID...\n");
		return 2;
	}
	msg_init(&req, "wait");
	if (cmd_add_ids(&req, argc, argv) != 0) {
		msg_clear(&req);
		return 2;
	}
	int rc = cmd_stream(&req, each, &bad);
	msg_clear(&req);
	return rc != 0 ? rc : bad;
}

/*
 * cmd_unregister.c — herd unregister: herdd may no longer log in to the
 * nodes as you.  herdd is told first (it refuses while you have jobs not
 * ended), then the lab's key line leaves your authorized_keys.
 */
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "cmd.h"
#include "lab_client.h"

const struct cmd_entry cmd_unregister_entry = {
	"unregister", "unregister [--each-node] [--json]",
	"take back what herd register gave (lab mode)",
	"Refused while you have jobs that have not ended.  Removes every line\n"
	"ending in herd-lab:CLUSTER from your ~/.ssh/authorized_keys (here, or on\n"
	"each node with --each-node).\n"
	"options:\n"
	"      --each-node           edit authorized_keys on each node over ssh\n"
	"      --json                print what was done as JSON\n"
	"  -h, --help                this help\n",
	cmd_unregister
};

int cmd_unregister(int argc, char **argv)
{
	const struct cmd_entry *ce = &cmd_unregister_entry;
	struct lab_info li;
	int each, json, *node_ok = NULL, rc = lab_cmd_options(ce, argc, argv, &each, &json);

	if (rc >= 0)
		return rc;
	rc = 1;
	if (lab_info_get(&li) != 0)
		return 1;
	if (json)
		node_ok = xcalloc(li.nnodes + 1, sizeof *node_ok);
	if (lab_tell(&li, "unregister") == 0 && lab_keys_apply(&li, each, 0, node_ok) == 0) {
		if (!json)
			printf("unregistered %s: herdd can no longer log in to the nodes as %s\n",
			    li.user, li.user);
		rc = 0;
	}
	if (json)
		lab_result_json(&li, "unregister", rc == 0, each, node_ok);
	free(node_ok);
	lab_info_clear(&li);
	return rc;
}

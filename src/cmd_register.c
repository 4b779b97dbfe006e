/*
 * cmd_register.c — herd register: let lab mode's herdd start your jobs on
 * the nodes as you.  Puts the lab's public key, restricted to logins from
 * the controller (from=, restrict) and to forwards to the node's own
 * localhost (authkeys.h's AUTHKEYS_LAB_OPTS, for herd port-forward), in
 * your ~/.ssh/authorized_keys: here,
 * once, where home directories are shared with the nodes, or on each node
 * through your own ssh (--each-node); then tells herdd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "keyfile.h"
#include "lab_client.h"

const struct cmd_entry cmd_register_entry = {
	"register", "register [--each-node] [--json]",
	"let herdd start your jobs on the nodes as you (lab mode)",
	"Adds the lab's public key to your ~/.ssh/authorized_keys, as\n"
	"  from=\"CONTROLLER\",restrict,port-forwarding,permitopen=\"localhost:*\",\n"
	"  permitlisten=\"localhost:1\" ssh-ed25519 ... herd-lab:CLUSTER (one line)\n"
	"so that herdd, and only from the controller's address, may log in to the\n"
	"nodes as you, with no terminal, and forward only to the node's own localhost\n"
	"(herd port-forward).  Run it once, and again where a line from an older herd\n"
	"(restrict alone) makes port-forward refused.  Where home\n"
	"directories are shared with the nodes, the file here is the nodes' file;\n"
	"otherwise use --each-node, which edits it on every node through your own\n"
	"ssh.  herd unregister takes the key away again.\n"
	"options:\n"
	"      --each-node           edit authorized_keys on each node over ssh\n"
	"      --json                print what was done as JSON\n"
	"  -h, --help                this help\n",
	cmd_register
};

int cmd_register(int argc, char **argv)
{
	const struct cmd_entry *ce = &cmd_register_entry;
	struct lab_info li;
	int each, json, *node_ok = NULL, rc = lab_cmd_options(ce, argc, argv, &each, &json);

	if (rc >= 0)
		return rc;
	if (getuid() == 0) {
		/* herdd refuses it too; refused here before any file changes. */
		fprintf(stderr, "herd: root may not register: its jobs would run as root on every "
		    "node, and the lab key would log in as root; submit as an ordinary user\n");
		return 1;
	}
	if (lab_info_get(&li) != 0)
		return 1;
	if (json)
		node_ok = xcalloc(li.nnodes + 1, sizeof *node_ok);
	rc = lab_keys_apply(&li, each, 1, node_ok);
	if (rc == 0 && lab_tell(&li, "register") == 0) {
		if (!json)
			printf("registered %s: herdd may now start your jobs on the nodes as %s "
		    "(key line in %s)\n", li.user, li.user,
		    each ? "~/.ssh/authorized_keys on each node" : "~/.ssh/authorized_keys");
	} else
		rc = 1;
	if (json)
		lab_result_json(&li, "register", rc == 0, each, node_ok);
	free(node_ok);
	lab_info_clear(&li);
	return rc;
}

/*
 * lab_client.h — what herd register and herd unregister share: herdd's
 * `lab` answer, the authorized_keys edits, and telling herdd.
 */
#ifndef HERD_LAB_CLIENT_H
#define HERD_LAB_CLIENT_H

#include <stddef.h>

struct lab_info {
	char user[64];
	char line[2048];	/* the authorized_keys line */
	char marker[128];	/* herd-lab:CLUSTER */
	size_t nnodes;
	char (*node_host)[256];
	int *node_port;
	char (*node_name)[64];
};

/* Ask herdd; refuses (message printed, -1) when it runs in personal mode. */
int lab_info_get(struct lab_info *li);
void lab_info_clear(struct lab_info *li);
/* Add (add=1) or remove our line, here or on each node; -1 printed.  With
 * node_ok (li->nnodes of them) each node's result goes there, not to stdout. */
int lab_keys_apply(const struct lab_info *li, int each_node, int add, int *node_ok);
/* register's and unregister's --json: {"action", "ok", "user", "marker",
 * "where": "local" or "each_node", "nodes": [{"node", "ok"}] with each_node}. */
void lab_result_json(const struct lab_info *li, const char *action, int ok, int each_node,
    const int *node_ok);
/* Send "register" or "unregister"; herdd's refusal printed, -1. */
int lab_tell(const struct lab_info *li, const char *what);

struct cmd_entry;
/* register's and unregister's options (--each-node, --json, --help): -1 to go
 * on, else the exit status. */
int lab_cmd_options(const struct cmd_entry *ce, int argc, char **argv, int *each_node,
    int *json);

#endif

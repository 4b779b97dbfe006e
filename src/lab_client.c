/*
 * lab_client.c — see lab_client.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "client.h"
#include "cmd.h"
#include "keyfile.h"
#include "lab_client.h"

static int copy_field(const struct msg *m, const char *key, char *dst, size_t size)
{
	const char *v = msg_get(m, key, NULL);
	if (v == NULL || strlen(v) >= size)
		return -1;
	strlcpy_h(dst, v, size);
	return 0;
}

int lab_info_get(struct lab_info *li)
{
	struct hclient c;
	struct msg req, ans;
	char mode[16] = "";
	int rc = -1;
	memset(li, 0, sizeof *li);
	if (hclient_connect(&c) != 0)
		return -1;
	msg_init(&req, "lab");
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		if (hclient_is_error(&ans))
			;
		else if (copy_field(&ans, "mode", mode, sizeof mode) != 0 ||
		    copy_field(&ans, "user", li->user, sizeof li->user) != 0)
			fprintf(stderr, "herd: herdd's answer lacks its mode\n");
		else if (strcmp(mode, "lab") != 0)
			fprintf(stderr, "herd: this herdd runs in personal mode: every job runs as "
			    "the user who runs herdd, and there is nothing to register\n");
		else if (copy_field(&ans, "line", li->line, sizeof li->line) != 0 ||
		    copy_field(&ans, "marker", li->marker, sizeof li->marker) != 0 ||
		    !authkeys_lab_line_ok(li->line, li->marker)) {
			/* It goes into authorized_keys: exactly our form, or nothing. */
			char vis[256];
			str_vis(vis, sizeof vis, li->line);
			fprintf(stderr, "herd: herdd's key line is not of the form from=\"...\","
			    AUTHKEYS_LAB_OPTS " TYPE KEY herd-lab:CLUSTER; nothing was changed: %s\n",
			    vis);
		} else {
			const char *nl;
			while ((nl = msg_get_nth(&ans, "node", li->nnodes, NULL)) != NULL &&
			    li->nnodes < 4096) {
				size_t k = li->nnodes++;
				li->node_host = realloc(li->node_host, li->nnodes * sizeof *li->node_host);
				li->node_port = realloc(li->node_port, li->nnodes * sizeof *li->node_port);
				li->node_name = realloc(li->node_name, li->nnodes * sizeof *li->node_name);
				if (li->node_host == NULL || li->node_port == NULL || li->node_name == NULL)
					abort();
				if (sscanf(nl, "%63s %255s %d", li->node_name[k], li->node_host[k],
				    &li->node_port[k]) != 3)
					li->nnodes--;
			}
			rc = 0;
		}
		msg_clear(&ans);
	}
	msg_clear(&req);
	hclient_close(&c);
	return rc;
}

void lab_info_clear(struct lab_info *li)
{
	free(li->node_host);
	free(li->node_port);
	free(li->node_name);
	memset(li, 0, sizeof *li);
}

int lab_keys_apply(const struct lab_info *li, int each_node, int add, int *node_ok)
{
	char err[512];
	int rc = 0;
	const char *line = add ? li->line : NULL;
	if (!each_node) {
		if (keyfile_update_local(li->marker, line, err, sizeof err) != 0) {
			fprintf(stderr, "herd: %s\n", err);
			return -1;
		}
		return 0;
	}
	for (size_t k = 0; k < li->nnodes; k++) {
		int ok = keyfile_update_node(li->node_host[k], li->node_port[k], li->marker, line,
		    err, sizeof err) == 0;
		if (node_ok != NULL)
			node_ok[k] = ok;
		if (!ok) {
			fprintf(stderr, "herd: node %s: %s\n", li->node_name[k], err);
			rc = -1;
		} else if (node_ok == NULL)
			printf("node %s: %s\n", li->node_name[k], add ? "key added" : "key removed");
	}
	return rc;
}

void lab_result_json(const struct lab_info *li, const char *action, int ok, int each_node,
    const int *node_ok)
{
	fputs("{\"action\": ", stdout);
	json_str(stdout, action);
	printf(", \"ok\": %s, \"user\": ", ok ? "true" : "false");
	json_str(stdout, li->user);
	fputs(", \"marker\": ", stdout);
	json_str(stdout, li->marker);
	printf(", \"where\": \"%s\"", each_node ? "each_node" : "local");
	if (each_node) {
		fputs(", \"nodes\": [", stdout);
		for (size_t k = 0; k < li->nnodes; k++) {
			fputs(k > 0 ? ", {\"node\": " : "{\"node\": ", stdout);
			json_str(stdout, li->node_name[k]);
			printf(", \"ok\": %s}", node_ok != NULL && node_ok[k] ? "true" : "false");
		}
		fputc(']', stdout);
	}
	fputs("}\n", stdout);
}

int lab_tell(const struct lab_info *li, const char *what)
{
	struct hclient c;
	struct msg req, ans;
	int rc = -1;
	(void)li;
	if (hclient_connect(&c) != 0)
		return -1;
	msg_init(&req, what);
	if (hclient_send(&c, &req) == 0 && hclient_next(&c, &ans) == 1) {
		rc = hclient_is_error(&ans) ? -1 : 0;
		msg_clear(&ans);
	}
	msg_clear(&req);
	hclient_close(&c);
	return rc;
}

int lab_cmd_options(const struct cmd_entry *ce, int argc, char **argv, int *each_node,
    int *json)
{
	static const struct option lo[] = {
		{ "each-node", no_argument, NULL, 'E' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	*each_node = 0;
	*json = 0;
	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'E' || ch == 'J') {
			*(ch == 'E' ? each_node : json) = 1;
			continue;
		}
		if (ch == 'h')
			cmd_help(ce, stdout);
		return ch == 'h' || ch == CMD_OPT_HELP ? 0 : 2;
	}
	if (optind != argc)
		return cmd_usage_error(ce, "takes no arguments");
	return -1;
}

/*
 * cmd_resume.c — herd resume: drained nodes take new jobs again, as
 * `scontrol update nodename=X state=resume`; jobs that waited for them
 * start.  Admins and root only.  Exit 0 done, 1 refused (nothing changed),
 * 2 usage.
 */
#include <stdio.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_resume_entry = {
	"resume", "resume NODE... [--json]",
	"let drained nodes take new jobs again (admins only)",
	"options:\n"
	"      --json                print each node's result and new state as JSON\n"
	"  -h, --help                this help\n",
	cmd_resume
};

int cmd_resume(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_resume_entry;
	int ch, json = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		if (ch == 'J') {
			json = 1;
			continue;
		}
		if (ch == 'h')
			cmd_help(ce, stdout);
		return ch == 'h' || ch == CMD_OPT_HELP ? 0 : 2;
	}
	return cmd_node_command(ce, "resume", NULL, json, argc, argv, optind);
}

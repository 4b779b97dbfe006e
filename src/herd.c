/*
 * herd.c — the command-line client: global options, then one subcommand
 * from cmd_table.  Each subcommand sends one request to herdd and prints
 * the answer; formatting lives here, never in the controller.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"

const struct cmd_entry cmd_table[] = {
	{ "submit", "submit [options] (--wrap CMD | SCRIPT [ARGS...])", "queue a batch job", cmd_submit },
	{ "queue", "queue [--mine] [--json]", "list pending and running jobs", cmd_queue },
	{ "nodes", "nodes [--json]", "show nodes and every GPU", cmd_nodes },
	{ "show", "show ID [--json]", "show one job", cmd_show },
	{ "history", "history [--all] [-n N] [--json]", "list ended jobs", cmd_history },
	{ "cancel", "cancel ID...", "cancel jobs", cmd_cancel },
	{ "wait", "wait ID...", "wait for jobs to end; exit 0 if all COMPLETED", cmd_wait },
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: herd [-s SOCKET] [-c hosts.ini] COMMAND [ARGS]\n\ncommands:\n");
	for (const struct cmd_entry *c = cmd_table; c->name; c++)
		fprintf(f, "  %-48s %s\n", c->usage, c->summary);
	fprintf(f, "\nSee herd(1).\n");
}

int main(int argc, char **argv)
{
	int i = 1;
	signal(SIGPIPE, SIG_IGN);
	static char outbuf[1 << 16];
	if (!isatty(1))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);	/* listings are large */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) && i + 1 < argc)
			opt_socket = argv[++i];
		else if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
			opt_config = argv[++i];
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "herd: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	for (const struct cmd_entry *c = cmd_table; c->name; c++)
		if (strcmp(c->name, argv[i]) == 0)
			return c->fn(argc - i, argv + i);
	fprintf(stderr, "herd: unknown command \"%s\"; try herd --help\n", argv[i]);
	return 2;
}

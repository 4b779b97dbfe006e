/*
 * herd.c — the command-line client: global options, then one subcommand
 * from cmd_table.  Each subcommand sends one request to herdd and prints
 * the answer; formatting lives here, never in the controller.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "bridge.h"
#include "client.h"
#include "cmd.h"
#include "slurmname.h"
#include "version.h"

/* submit's help text lives with its options in cmd_submit.c: --help asks it. */
static const struct cmd_entry cmd_submit_entry = {
	"submit", "submit [options] (--wrap CMD | SCRIPT [ARGS...])", "queue a batch job",
	NULL, cmd_submit
};

const struct cmd_entry *const cmd_table[] = {
	&cmd_submit_entry, &cmd_queue_entry, &cmd_nodes_entry, &cmd_show_entry,
	&cmd_history_entry, &cmd_acct_entry, &cmd_cancel_entry, &cmd_wait_entry, &cmd_reconfigure_entry,
	&cmd_register_entry, &cmd_unregister_entry,
	&cmd_requeue_entry, &cmd_update_entry, &cmd_hold_entry, &cmd_release_entry,
	&cmd_audit_entry, &cmd_logs_entry, &cmd_drain_entry, &cmd_resume_entry, &cmd_sim_entry,
	&cmd_priority_entry, &cmd_usage_entry, &cmd_doctor_entry, &cmd_init_entry,
	&cmd_completion_entry,
	&cmd_top_entry, &cmd_ssh_entry, &cmd_run_entry,
	&cmd_alloc_entry, &cmd_sshcfg_entry, &cmd_sshproxy_entry, &cmd_portfwd_entry,
	&cmd_service_entry, NULL,
};

/* herd's own options, before the command; `herd completion` offers them too.
 * '+': stop at the command; its own options are its own. */
const char herd_global_shortopts[] = "+:s:c:hV";
const struct option herd_global_options[] = {
	{ "socket", required_argument, NULL, 's' },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "stdio-bridge", no_argument, NULL, 'B' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: herd [-s SOCKET] [-c hosts.ini] COMMAND [ARGS]\n"
	    "       herd help [COMMAND] | herd --version\n\ncommands:\n");
	cmd_help_list(cmd_table, f);
	fprintf(f, "\nglobal options:\n"
	    "  -s, --socket PATH    herdd's socket (default: $HERD_SOCKET, $HERD_CONTROLLER,\n"
	    "                       -c or $HERD_CONFIG, ~/.config/herd/hosts.ini, your own\n"
	    "                       herdd's socket, /etc/herd/hosts.ini, /run/herd/herd.sock)\n"
	    "  -c, --config FILE    use the socket (or controller) named in this hosts.ini\n"
	    "  -h, --help           this help; herd help COMMAND (or herd COMMAND --help): its options\n"
	    "  -V, --version        print herd's version\n"
	    "  --stdio-bridge       connect stdin/stdout to the local herdd (what a remote\n"
	    "                       client runs through ssh; see controller in herd(1))\n"
	    "\nSee herd(1).\n");
}

static const struct cmd_entry *find(const char *name)
{
	for (const struct cmd_entry *const *c = cmd_table; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static int run(const struct cmd_entry *ce, int argc, char **argv)
{
	if (ce->help == NULL && argc == 0) {	/* herd help submit */
		char *args[] = { (char *)ce->name, "--help", NULL };
		return ce->fn(2, args);
	}
	if (argc == 0) {
		cmd_help(ce, stdout);
		return 0;
	}
	return ce->fn(argc, argv);
}

static int help(int argc, char **argv)
{
	const struct cmd_entry *ce;
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if ((ce = find(argv[1])) == NULL) {
		fprintf(stderr, "herd: no command \"%s\"; try herd help\n", argv[1]);
		return 2;
	}
	return run(ce, 0, NULL);
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	int ch, bridge = 0;

	signal(SIGPIPE, SIG_IGN);
	if (!isatty(1))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);	/* listings are large */
	/* A link named sbatch, squeue or scancel is that command (herd(1), SLURM NAMES). */
	if ((ch = slurm_main(argc, argv)) >= 0)
		return ch;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, herd_global_shortopts, herd_global_options,
	    NULL)) != -1) {
		switch (ch) {
		case 's':
			opt_socket = optarg;
			break;
		case 'c':
			opt_config = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("herd %s\n", HERD_VERSION);
			return 0;
		case 'B':
			bridge = 1;
			break;
		case ':':
			fprintf(stderr, "herd: option %s needs a value\n", argv[optind - 1]);
			return 2;
		default:
			if (optopt != 0)
				fprintf(stderr, "herd: unknown option -%c\n", optopt);
			else
				fprintf(stderr, "herd: unknown option %s\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (bridge && optind < argc) {
		fprintf(stderr, "herd: --stdio-bridge takes no command\n");
		return 2;
	}
	if (bridge)
		return bridge_main();
	if (optind == argc) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[optind];
	if (strcmp(name, "version") == 0) {
		printf("herd %s\n", HERD_VERSION);
		return 0;
	}
	if (strcmp(name, "help") == 0)
		return help(argc - optind, argv + optind);
	const struct cmd_entry *ce = find(name);
	if (ce == NULL) {
		char vis[256];
		str_vis(vis, sizeof vis, name);
		fprintf(stderr, "herd: unknown command \"%s\"; try herd help\n", vis);
		return 2;
	}
	return run(ce, argc - optind, argv + optind);
}

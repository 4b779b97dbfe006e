/*
 * cmd_completion.c — herd completion bash|zsh: print a completion script
 * made from cmd_table and each command's declared options (completion.c),
 * so completion never lags behind `herd --help`.  `make install` installs
 * both scripts where bash-completion and zsh look for them.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "completion.h"

const struct cmd_entry cmd_completion_entry = {
	"completion", "completion bash|zsh",
	"print a bash or zsh completion script for herd",
	"Prints a completion script made from herd's own command table, so it\n"
	"completes every command and option this herd has.  make install installs\n"
	"both; to load one by hand:\n"
	"  bash: source <(herd completion bash)\n"
	"  zsh:  source <(herd completion zsh)   (after compinit)\n"
	"options:\n"
	"  -h, --help                this help\n",
	cmd_completion
};

int cmd_completion(int argc, char **argv)
{
	const struct cmd_entry *ce = &cmd_completion_entry;
	static const struct option lo[] = { CMD_HELP_OPTION, { NULL, 0, NULL, 0 } };
	static struct cmd_opts opts[64];
	struct cmd_opts global = { .n = 0 };
	size_t n = 0;
	int ch, shell;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1)
		return ch == 'h' || ch == CMD_OPT_HELP ? 0 : 2;
	if (argc - optind != 1)
		return cmd_usage_error(ce, "name one shell: bash or zsh");
	if ((shell = completion_shell(argv[optind])) < 0) {
		char vis[128];
		str_vis(vis, sizeof vis, argv[optind]);
		return cmd_usage_error(ce, "no completion for \"%s\": bash or zsh", vis);
	}
	cmd_opts_add_getopt(&global, herd_global_shortopts, herd_global_options);
	for (; cmd_table[n] != NULL; n++) {
		if (n == sizeof opts / sizeof opts[0]) {
			fprintf(stderr, "herd completion: more commands than it can hold\n");
			return 1;
		}
		if (cmd_opts_of(cmd_table[n], &opts[n]) != 0) {
			fprintf(stderr, "herd completion: %s declares no options\n", cmd_table[n]->name);
			return 1;
		}
	}
	if (completion_write(stdout, shell, &global, cmd_table, opts) != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "herd completion: the script could not be written\n");
		return 1;
	}
	return 0;
}

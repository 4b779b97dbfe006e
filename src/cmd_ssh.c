/*
 * cmd_ssh.c — herd ssh ID [-- CMD ARGS]: a login shell (or CMD) inside a
 * running job's allocation, on its node, as the job's owner, with the
 * job's environment (CUDA_VISIBLE_DEVICES, HERD_*, SLURM_*), working
 * directory and cgroup.  A terminal when stdin is one (-T: never, -t:
 * always); the exit status is the remote program's.  The stream itself is
 * stream_client.c's.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "stream_client.h"

const struct cmd_entry cmd_ssh_entry = {
	"ssh", "ssh [-t|-T] ID|ID_TASK [-- CMD [ARGS...]]",
	"open a shell (or run CMD) inside a running job's allocation, on its node",
	"options:\n"
	"  -t, --pty                 a terminal even when stdin is not one\n"
	"  -T, --no-pty              no terminal: stdout and stderr stay apart\n"
	"  -h, --help                this help\n"
	"\nWithout CMD, the job owner's login shell.  With a terminal (the default when\n"
	"stdin is one) the local terminal is raw while attached and restored after.\n"
	"Exit status: the remote program's (128+N for signal N); 255 when the job\n"
	"cannot be entered.  The job's owner, admins and root only; the job must be\n"
	"RUNNING.\n",
	cmd_ssh
};

int cmd_ssh(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pty", no_argument, NULL, 't' },
		{ "no-pty", no_argument, NULL, 'T' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_ssh_entry;
	int ch, pty = -1;
	cmd_getopt_start();
	/* CMD's own options come after "--", which ends ours (getopt moves
	 * it before the job id: what follows the id is CMD). */
	while ((ch = cmd_getopt(ce, argc, argv, "tTh", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 't':
			pty = 1;
			break;
		case 'T':
			pty = 0;
			break;
		default:
			return 2;
		}
	}
	if (optind == argc)
		return cmd_usage_error(ce, "a job id is needed");
	const char *ref = argv[optind++];
	if (!cmd_is_job_ref(ref))
		return cmd_usage_error(ce, "\"%s\" is not a job id (ID or ID_TASK)", ref);
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (pty < 0)
		pty = isatty(STDIN_FILENO);
	if (pty && !isatty(STDIN_FILENO))
		return cmd_usage_error(ce, "-t needs a terminal on stdin");
	struct stream_req rq = { .ref = ref, .argv = argv + optind, .argc = argc - optind,
	    .pty = pty };
	int rc = stream_client_run(&rq);
	return rc < 0 ? 255 : rc;
}

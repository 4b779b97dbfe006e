/*
 * cmd_logs.c — herd logs ID: the last bytes of a job's output (or, with
 * --err, its separate error file), as they are: herdd reads them on the
 * job's node, as the job's owner in a lab, and the bytes go to stdout
 * unchanged (a NUL, a long line, no newline at the end), so the output can
 * be piped or compared.  The owner, admins and root only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "cmd.h"

#define LOGS_DEFAULT 65536
#define LOGS_MAX (1L << 20)

const struct cmd_entry cmd_logs_entry = {
	"logs", "logs [--tail BYTES] [--err] ID|ID_TASK",
	"print the end of a job's output file, read on its node (running or ended)",
	"options:\n"
	"  -t, --tail BYTES          the last BYTES bytes, 1 to 1048576 (default 65536)\n"
	"  -e, --err                 its error file (a job submitted with --error)\n"
	"  -h, --help                this help\n"
	"\nThe bytes go to stdout as they are.  The job's owner, admins and root only.\n",
	cmd_logs
};

static int print_data(void *arg, const struct msg *m)
{
	uint32_t len = 0;
	const char *data = msg_get(m, "data", &len);
	int *wrote = arg;
	if (strcmp(m->type, "logs") != 0 || data == NULL)
		return 0;
	if (len > 0 && fwrite(data, 1, len, stdout) != len)
		*wrote = -1;
	return 0;
}

int cmd_logs(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "tail", required_argument, NULL, 't' },
		{ "err", no_argument, NULL, 'e' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_logs_entry;
	long bytes = LOGS_DEFAULT;
	int errf = 0, ch, wrote = 0;

	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "t:eh", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 't':
			if (cmd_number(ce, "--tail", optarg, 1, LOGS_MAX, "bytes", &bytes) != 0)
				return 2;
			break;
		case 'e':
			errf = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind == argc)
		return cmd_usage_error(ce, "a job id is needed");
	if (optind + 1 < argc)
		return cmd_usage_error(ce, "one job at a time (unexpected \"%s\")", argv[optind + 1]);
	const char *ref = argv[optind];
	if (ref[0] == '\0' || strspn(ref, "0123456789_") != strlen(ref))
		return cmd_usage_error(ce, "\"%s\" is not a job id (ID or ID_TASK)", ref);
	struct msg req;
	msg_init(&req, "logs");
	msg_adds(&req, "ref", ref);
	msg_addi(&req, "bytes", bytes);
	msg_addi(&req, "err", errf);
	int rc = cmd_stream(&req, print_data, &wrote);
	msg_clear(&req);
	if (fflush(stdout) != 0 || wrote < 0) {
		perror("herd: writing the output");
		return 1;
	}
	return rc;
}

/*
 * cmd_release.c — herd release: held jobs may start again, as scontrol
 * release.  Only root releases a job that root held (JobHeldAdmin).  The
 * request and its answers are hold's (cmd_hold.c).
 */
#include "cmd.h"

const struct cmd_entry cmd_release_entry = {
	"release", "release [--json] ID...", "let held jobs start, like scontrol release",
	"  --json        one JSON array on stdout: each job and whether it is released\n"
	"  -h, --help    this help\n"
	"A job held by root (reason JobHeldAdmin) is released only by root.\n",
	cmd_release
};

int cmd_release(int argc, char **argv)
{
	return cmd_ids_command(&cmd_release_entry, "release", argc, argv);
}

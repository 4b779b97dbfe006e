/*
 * cmd_hold.c — herd hold: pending jobs stay pending until released, as
 * scontrol hold.  A hold by root (JobHeldAdmin) only root may release;
 * the owner's own hold (JobHeldUser) the owner may.  Exit 1 if any id was
 * refused (each refusal printed), 2 for a usage error.
 *
 * herd release (cmd_release.c) is the same request the other way round,
 * so both go through cmd_ids_command().
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"


const struct cmd_entry cmd_hold_entry = {
	"hold", "hold [--json] ID...", "keep pending jobs from starting, like scontrol hold",
	"  --json        one JSON array on stdout: each job and whether it is held\n"
	"  -h, --help    this help\n"
	"A job held by root (reason JobHeldAdmin) is released only by root.\n",
	cmd_hold
};

int cmd_hold(int argc, char **argv)
{
	return cmd_ids_command(&cmd_hold_entry, "hold", argc, argv);
}

/*
 * cmd_requeue.c — herd requeue ID...: a running or ended job goes back to
 * the queue as its next attempt, with the same id, as scontrol requeue.  A
 * running attempt is stopped first; the new one starts only once its node
 * confirms the old one gone.  Exit 1 if any id was refused.
 */
#include "cmd.h"

const struct cmd_entry cmd_requeue_entry = {
	"requeue", "requeue [--json] ID...",
	"run jobs again as a new attempt, like scontrol requeue",
	"A running job is stopped (TERM, then KILL after the grace period) and\n"
	"pending again once its node confirms it gone; an ended job is pending at\n"
	"once.  The job keeps its id; herd show and herd history list every attempt.\n"
	"options:\n"
	"  --json                    one JSON array on stdout: each job and whether it\n"
	"                            was requeued\n"
	"  -h, --help                this help\n",
	cmd_requeue
};

int cmd_requeue(int argc, char **argv)
{
	return cmd_ids_command(&cmd_requeue_entry, "requeue", argc, argv);
}

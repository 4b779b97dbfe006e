/*
 * cmd_queue.c — herd queue: pending and running jobs, like squeue.
 */
#include <inttypes.h>
#include <stdio.h>

#include "client.h"
#include "cmd.h"
#include "jobopt.h"
#include "util.h"

static void row(struct table *t, const struct msg *m)
{
	char id[32], elapsed[32] = "0:00", gpus[32];
	int64_t start = msg_geti(m, "start_time", 0);
	snprintf(id, sizeof id, "%" PRId64, msg_geti(m, "id", 0));
	if (start > 0)
		format_duration(wall_s() - start, elapsed, sizeof elapsed);
	snprintf(gpus, sizeof gpus, "%" PRId64, msg_geti(m, "ngpus", 0));
	const char *node = msg_get(m, "node", NULL);
	const char *reason = msg_get(m, "reason", NULL);
	const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), elapsed, gpus, node ? node : "", reason ? reason : "" };
	table_add(t, cells);
}

int cmd_queue(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "NAME", "USER", "STATE", "TIME", "GPUS", "NODE", "REASON" };
	static const struct list_fmt fmt = { 8, hdr, row, json_job };
	struct msg req;
	int mine = 0, json = 0;

	for (int i = 1; i < argc; i++) {
		if (cmd_flag(argv[i], "--json", NULL))
			json = 1;
		else if (cmd_flag(argv[i], "--mine", "-m"))
			mine = 1;
		else {
			fprintf(stderr, "usage: herd queue [--mine] [--json]\n");
			return 2;
		}
	}
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	int rc = cmd_list(&req, json, &fmt);
	msg_clear(&req);
	return rc;
}

/*
 * cmd_queue.c — herd queue: pending and running jobs, like squeue.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "jobopt.h"
#include "util.h"

struct qctx {
	int json;
	size_t n;
	struct table *t;
};

static int each(void *arg, const struct msg *m)
{
	struct qctx *q = arg;
	if (q->json) {
		fputs(q->n ? ",\n" : "\n", stdout);
		json_job(stdout, m);
		q->n++;
		return 0;
	}
	char id[32], elapsed[32], gpus[32];
	int64_t start = msg_geti(m, "start_time", 0);
	snprintf(id, sizeof id, "%" PRId64, msg_geti(m, "id", 0));
	if (start > 0)
		format_duration(wall_s() - start, elapsed, sizeof elapsed);
	else
		strlcpy_h(elapsed, "0:00", sizeof elapsed);
	snprintf(gpus, sizeof gpus, "%" PRId64, msg_geti(m, "ngpus", 0));
	const char *node = msg_get(m, "node", NULL);
	const char *reason = msg_get(m, "reason", NULL);
	const char *cells[] = { id, msg_get(m, "name", NULL), msg_get(m, "user", NULL),
	    msg_get(m, "state", NULL), elapsed, gpus, node ? node : "",
	    reason ? reason : "" };
	table_add(q->t, cells);
	q->n++;
	return 0;
}

int cmd_queue(int argc, char **argv)
{
	static const char *hdr[] = { "JOBID", "NAME", "USER", "STATE", "TIME", "GPUS", "NODE", "REASON" };
	struct qctx q = { 0 };
	struct msg req;
	int mine = 0;

	for (int i = 1; i < argc; i++) {
		if (cmd_flag(argv[i], "--json", NULL))
			q.json = 1;
		else if (cmd_flag(argv[i], "--mine", "-m"))
			mine = 1;
		else {
			fprintf(stderr, "usage: herd queue [--mine] [--json]\n");
			return 2;
		}
	}
	msg_init(&req, "queue");
	msg_addi(&req, "mine", mine);
	if (q.json)
		fputs("[", stdout);
	else
		q.t = table_new(8, hdr);
	int rc = cmd_stream(&req, each, &q);
	msg_clear(&req);
	if (q.json) {
		fputs(q.n ? "\n]\n" : "]\n", stdout);
	} else {
		if (rc == 0)
			table_print(q.t, stdout);
		table_free(q.t);
	}
	return rc;
}

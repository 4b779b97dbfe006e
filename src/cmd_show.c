/*
 * cmd_show.c — herd show ID: one job, every field, active or ended.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cmd.h"
#include "jobopt.h"

static int each(void *arg, const struct msg *m)
{
	int json = *(int *)arg;
	if (json) {
		json_job(stdout, m);
		putchar('\n');
		return 0;
	}
	static const char *keys[] = { "id", "name", "user", "state", "reason", "exit_code",
	    "node", "gpus", "cpus", "mem_mb", "workdir", "stdout", "stderr", NULL };
	for (int i = 0; keys[i]; i++) {
		const char *v = msg_get(m, keys[i], NULL);
		char vis[1024];
		if (v != NULL && strcmp(keys[i], "exit_code") == 0 && v[0] == '-')
			v = NULL;	/* -1: no status, shown as "-" like JSON's null */
		str_vis(vis, sizeof vis, v ? v : "-");
		printf("%-12s %s\n", keys[i], vis);
	}
	static const char *times[] = { "submit_time", "start_time", "end_time", NULL };
	for (int i = 0; times[i]; i++) {
		char t[64];
		fmt_time(t, sizeof t, msg_geti(m, times[i], 0));
		printf("%-12s %s\n", times[i], t);
	}
	char d[32] = "none";
	int64_t tl = msg_geti(m, "time_limit", 0);
	if (tl > 0)
		format_duration(tl, d, sizeof d);
	printf("%-12s %s\n", "time_limit", d);
	return 0;
}

int cmd_show(int argc, char **argv)
{
	int json = 0;
	long long id = -1;
	for (int i = 1; i < argc; i++) {
		if (cmd_flag(argv[i], "--json", NULL))
			json = 1;
		else if (id > 0) {
			fprintf(stderr, "usage: herd show ID [--json] (one job at a time)\n");
			return 2;
		} else if ((id = cmd_job_id(argv[i])) < 0)
			return 2;
	}
	if (id < 0) {
		fprintf(stderr, "usage: herd show ID [--json]\n");
		return 2;
	}
	struct msg req;
	msg_init(&req, "show");
	msg_addi(&req, "id", id);
	int rc = cmd_stream(&req, each, &json);
	msg_clear(&req);
	return rc;
}

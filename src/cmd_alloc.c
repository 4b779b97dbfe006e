/*
 * cmd_alloc.c — herd alloc [options] [CMD [ARGS]] (as salloc): queue an
 * allocation, wait for it with salloc's words, then open the owner's login
 * shell (or run CMD) inside it through a stream (stream_client.c); a
 * terminal when stdin is one.
 *
 * The job is herd run's: its batch script only holds the resources
 * (stream_node_holder) and the stream's release ends it with the shell's
 * or CMD's status (COMPLETED for 0, FAILED otherwise), which is herd
 * alloc's own.  Its time limit ends it as any job's does, and the stream
 * with it.  Inside, HERD_JOB_ID and SLURM_JOB_ID are the allocation's, so
 * herd run there runs in it (cmd_run.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "stream_client.h"

const struct cmd_entry cmd_alloc_entry = {
	"alloc", "alloc [submit options] [--] [CMD [ARGS...]]",
	"hold an allocation and open a shell (or run CMD) in it, as salloc",
	"options: herd submit's (-G, -c, --mem, -t, -p, -w, -J, ...), and\n"
	"  -h, --help                this help\n"
	"\nQueues a job that holds the resources, says \"queued and waiting for\n"
	"resources\" and \"has been allocated resources\", then opens your login shell\n"
	"on its node inside the allocation (a terminal when stdin is one), or runs\n"
	"CMD there.  The allocation ends when that shell or CMD exits (the job ends\n"
	"COMPLETED, or FAILED with its status, which herd alloc exits with) or when\n"
	"its time limit comes.  Inside, herd run CMD runs in the allocation.\n"
	"Refused: --array, --wrap, --hold, --output, --error, --signal, --wait,\n"
	"--test-only.\n",
	cmd_alloc
};

int cmd_alloc(int argc, char **argv)
{
	int cmd = 1;
	long long id;
	for (int i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cmd_help(&cmd_alloc_entry, stdout);
			return 0;
		}
	}
	/* salloc's job name, unless -J names it. */
	int rc = submit_for_run(argc, argv, "alloc", "interactive", &cmd, &id);
	if (rc != 0)
		return rc;
	if (cmd < argc && strcmp(argv[cmd], "--") == 0)
		cmd++;
	fprintf(stderr, "herd: job %lld queued and waiting for resources\n", id);
	if ((rc = run_wait_start(id, 1)) != 0)
		return rc;
	fprintf(stderr, "herd: job %lld has been allocated resources\n", id);
	char ref[32];
	snprintf(ref, sizeof ref, "%lld", id);
	struct stream_req rq = { .ref = ref, .argv = argv + cmd, .argc = argc - cmd,
	    .pty = isatty(STDIN_FILENO), .release = 1 };
	rc = stream_client_run(&rq);
	if (rc < 0) {		/* no status: the job must not hold its resources on */
		int64_t one = id;
		cmd_send_ids("cancel", &one, 1, NULL, 0, NULL);
		rc = 255;
	}
	fprintf(stderr, "herd: relinquishing job allocation %lld\n", id);
	return rc;
}

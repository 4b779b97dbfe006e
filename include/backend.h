/*
 * backend.h — the one interface between the controller and whatever runs
 * jobs on a node: probe, launch, kill, signal, reconcile, scan, logs,
 * housekeeping and the event stream, each a request and the answers it
 * produces.  The controller (ctl*.c) builds no node program and parses no
 * node output: it calls these, and hands what came back to the parsers here.
 *
 * Theory of operation.  Requests never wait: each queues work for the
 * node's workers (node.h) and returns; 0 queued, -1 with *err (nothing
 * queued: the program could not be built).  What the node says comes back
 * through node.h's result queue as raw text (a RES_LINES batch answer, a
 * RES_EVENT line, a RES_PROBE text), and the controller turns it into typed
 * answers with the same node's parse_answer, parse_event and parse_probe.
 * So a backend is free to phrase its programs and answers as it likes; what
 * it must keep is the meaning of each answer below, which is all the
 * controller (ctl_node.c) acts on.  Every answer is idempotent and names
 * its job by key (jobkey.h): the controller drops one about an attempt that
 * is not current.  Keys are struct job_key everywhere: a string that is not
 * a key cannot reach a node program.
 *
 * Answers (struct be_reply; kind, key, word, num, num2, rest):
 *
 *   BE_READY   ok                         the node's shell is set up (the
 *                                         prelude's answer has the line "P ok")
 *   BE_LAUNCH  KEY launched PID           started (PID: the runner's, not yet
 *                                         "the job runs": that is event start)
 *              KEY exists                 launched before: reconcile it
 *              KEY failed                 the token could not be written
 *              KEY cancelled              a cancel came before this launch
 *   BE_KILL    KEY sent|pending           signal delivered / not started yet
 *              KEY killed|gone            KILL delivered / nothing left
 *              KEY escaped N              N processes outside its group, killed
 *              KEY signalled N            --signal reached N processes
 *   BE_RECON   KEY none|nopid|running PID PORT|exited RC TIME|failed RC TIME STEP MSG|dead
 *                                         (PORT: a service's --port, -1 none)
 *   BE_SCAN    KEY [gpus LIST UUIDS]      a key of ours found on the node
 *              - done                     the scan is complete
 *   BE_EVENT   KEY start PID | end RC | fail RC STEP MSG     (event stream)
 *              KEY health RC MSG         a service's health check ended
 *   BE_OUTPUT  REQID data (data, ndata) | REQID end STATUS [MSG]   (herd logs)
 *   BE_HOUSE   KEY ended | - rotated | - done                (housekeeping)
 *
 * The first implementation is backend_sh (backend_sh.c): POSIX sh programs
 * (launch.c, probe.c, housekeep.c) written to one long-lived `/bin/sh -s`
 * per node over SSH, and in lab mode the same through each user's own lane
 * (ctl_lane.c chooses the node slot; the backend does not care whose it is).
 *
 * How a partition run by an existing Slurm cluster would implement each
 * call, reached by one SSH session to its login node with the same node.c
 * workers and transport (a node slot is then the partition, not a host):
 *
 *   prelude     `mkdir -p DIR` for scripts and output, "- ready".
 *   events      a loop that polls `squeue --me -h -o '%k %i %T'` (the
 *               comment field holds the key, --comment=KEY at sbatch) and
 *               `sacct -X -n -P -o Comment,ExitCode,State,End` every few
 *               seconds, printing start/end lines once per change (the
 *               state it printed kept in a file under DIR).
 *   probe       `sinfo -p PART -h -N -o '%n %c %m %G %T'` summed into one
 *               probe_result (cpus, mem, one gpu_info per GRES unit with
 *               the type as name; boot_id: the partition name, constant).
 *   launch      write the runner to DIR/KEY.sh, `sbatch --parsable -p PART
 *               --comment=KEY --job-name=... -o/-e ... DIR/KEY.sh`; the
 *               token is `squeue/sacct --name` or the script file (O_EXCL)
 *               as here; "KEY launched SLURMID" or "exists".
 *   kill        `scancel --signal=SIG --full` by the id found through the
 *               comment; KILL answers "killed", else "sent".
 *   signal      `scancel --signal=SIG [--batch]`: "signalled 1".
 *   reconcile   `sacct` by comment: RUNNING → running, COMPLETED/FAILED →
 *               exited RC END, never submitted → none.
 *   scan        `sacct --starttime` over our comments' keys, then "- done".
 *   tail        `tail -c N` of the job's output file on the login node
 *               (from an offset: `od -j OFF -N N`).
 *   housekeep   list/remove DIR's files of ended keys, as here.
 *   parse_*     the parsers of what those print, into the answers above.
 *
 * The controller would need nothing else: placement against the probe's
 * GPUs and CPUs, the queue, limits and accounting stay its own.
 *
 * Ownership: the ops table is static; a node's be_state (node.h) belongs to
 * its backend (backend_sh keeps none).  A be_reply points into the line it
 * was parsed from, which the parser may modify.
 */
#ifndef HERD_BACKEND_H
#define HERD_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "jobkey.h"

struct buf;
struct node;
struct launch_spec;
struct probe_result;

enum be_kind {
	BE_READY = 'P',
	BE_LAUNCH = 'L',
	BE_KILL = 'K',
	BE_RECON = 'R',
	BE_SCAN = 'S',
	BE_EVENT = 'E',
	BE_OUTPUT = 'O',
	BE_HOUSE = 'C',
};

/* One answer, parsed (the table above).  Points into the parsed line. */
struct be_reply {
	char kind;		/* enum be_kind */
	const char *key;	/* a key as the node wrote it (job_key_parse it), "-",
				 * or BE_OUTPUT's request id; NULL for BE_READY */
	const char *word;
	int64_t num;		/* pid, exit code, count or status; -1 if absent */
	int64_t num2;		/* "exited", "failed": when (wall seconds), -1 if absent */
	const char *rest;	/* "failed"/"fail": "STEP MESSAGE"; scan: the GPU list;
				 * BE_OUTPUT end: the message */
	const unsigned char *data;	/* BE_OUTPUT data: the bytes */
	int ndata;		/* how many; -1 undecodable */
};

struct backend_ops {
	const char *name;
	/* The node worker's own programs (node.c): once per shell, answering
	 * "P ok" (BE_READY); and the event stream's, printing the line "ready"
	 * once it follows, then one event line each (parse_event). */
	int (*prelude)(struct node *n, struct buf *out);
	int (*events)(struct node *n, struct buf *out);
	/* Requests: 0 queued, -1 with *err. */
	int (*probe)(struct node *n, char *err, size_t errsz);
	/* Keys of `prefix` with an id of at least min_id (BE_SCAN). */
	int (*scan)(struct node *n, const char *prefix, int64_t min_id, char *err, size_t errsz);
	int (*launch)(struct node *n, const struct launch_spec *s, char *err, size_t errsz);
	/* sig: a name from sigspec's table ("TERM", "KILL"), never user text. */
	int (*kill)(struct node *n, const struct job_key *k, const char *sig,
	    char *err, size_t errsz);
	int (*signal)(struct node *n, const struct job_key *k, const char *sig, int batch_only,
	    char *err, size_t errsz);
	int (*reconcile)(struct node *n, const struct job_key *keys, size_t nkeys,
	    char *err, size_t errsz);
	/* The last `bytes` bytes of the file `path` as BE_OUTPUT answers of reqid;
	 * with offset >= 0, at most `bytes` from there (herd logs -f). */
	int (*tail)(struct node *n, uint64_t reqid, const char *path, int64_t offset,
	    int64_t bytes, char *err, size_t errsz);
	/* Ended keys of `prefix` (BE_HOUSE), rotating the events file. */
	int (*housekeep_list)(struct node *n, const char *prefix, char *err, size_t errsz);
	int (*housekeep_remove)(struct node *n, const struct job_key *keys, size_t nkeys,
	    char *err, size_t errsz);
	/* A service's health check (svc_health.h): cmd run as the node's
	 * account in the background under timeout_s, with HERD_PORT and PORT
	 * when port > 0; its result comes as the event "health KEY RC MSG".
	 * NULL: the backend runs none (the controller skips them). */
	int (*health)(struct node *n, const struct job_key *k, const char *cmd,
	    const char *workdir, int port, int64_t timeout_s, char *err, size_t errsz);
	/* A line appended to a job's output file `path` (svc_idle.h: a
	 * service's --idle-stop says why it stops), as the node's account for
	 * the job; nothing answers.  NULL: the backend writes none. */
	int (*note)(struct node *n, const char *path, const char *line, char *err, size_t errsz);
	/* Answers: 0 with *r, -1 (not an answer of this backend). */
	int (*parse_answer)(struct node *n, char *line, struct be_reply *r);
	int (*parse_event)(struct node *n, char *line, struct be_reply *r);
	/* 0 with *pr filled (probe_result_init'ed by the caller), -1 with *err. */
	int (*parse_probe)(struct node *n, const char *text, size_t len, struct probe_result *pr,
	    char *err, size_t errsz);
};

/* Today's node side: sh programs over SSH (or a local shell). */
extern const struct backend_ops backend_sh;

#endif

/*
 * launch.h — the node side of the sh backend (backend_sh.c), generated here:
 * the sh text sent to a node's long-lived shell to launch, kill and reconcile jobs, the
 * runner script each job runs under, the event stream command, and the
 * parser of their answers.  Pure: no I/O; every string from a job passes
 * shquote().
 *
 * Node layout (DIR is herd_dir, relative to the node user's $HOME unless
 * absolute):  DIR/events (append-only: "start KEY PID", "end KEY RC",
 * "fail KEY RC STEP MESSAGE" for a job that could not start),
 * DIR/jobs/KEY.script (created with O_EXCL: the launch token, so a second
 * launch of the same key finds it and does nothing), KEY.state ("gpus LIST
 * UUIDS" and "job PID", then "exit STATUS", or "failed STATUS" when it could not start: then KEY.err
 * holds "STEP MESSAGE"), and rarely KEY.err and KEY.cancel.
 */
#ifndef HERD_LAUNCH_H
#define HERD_LAUNCH_H

#include <stddef.h>
#include <stdint.h>
#include "backend.h"
#include "jobkey.h"
#include "util.h"

struct iso_facts;

struct launch_spec {
	const char *herd_dir;
	const struct job_key *key;
	int64_t id;
	const char *name;
	const char *node;
	const char *workdir;
	const char *out_path;	/* absolute */
	const char *err_path;	/* absolute; NULL: with stdout */
	const char *gpus;	/* CUDA_VISIBLE_DEVICES value, "" for none */
	/* The same GPUs by UUID, in the same order ("" or NULL: no check):
	 * the runner checks on the node that each index is still that GPU
	 * (or, for MIG devices named by UUID, that it is listed). */
	const char *gpu_uuids;
	int ngpus, cpus, ntasks;	/* cpus: the whole allocation, ntasks x per task */
	int64_t mem_mb;		/* 0: no memory request */
	int cpus_per_task;	/* 0: cpus / ntasks; an --exclusive job's
				 * cpus are the node's, its tasks' what was asked */
	const char *user;	/* the submitter's name */
	const char *submit_dir;	/* where `herd submit` ran */
	const char *submit_host;	/* "" unknown */
	const char *script;
	size_t script_len;
	const char *argv;	/* NUL-separated arguments */
	size_t argv_len;
	const char *env;	/* NUL-separated KEY=VALUE */
	size_t env_len;
	/* A task of a job array (array_job_id > 0): SLURM_ARRAY_* of the
	 * array as submitted. */
	int64_t array_job_id;	/* 0 (or -1): not in an array */
	int64_t array_task_id;
	int64_t array_count, array_min, array_max, array_step;
	int umask;		/* the submitter's (0-0777), -1: the node's own */
	const struct iso_facts *iso;	/* what confines it there (isolate.h); NULL nothing */
	/* herd service --port: the runner picks a free TCP port on the node,
	 * exports it as HERD_PORT and PORT and reports it with the start
	 * event ("start KEY PID port N"); none found fails the launch (step
	 * "port"). */
	int want_port;
};

/* Once per shell: make the directories.  Answers "P ok". */
int launch_prelude(struct buf *out, const char *herd_dir);
/* Answers "L KEY launched PID|exists|failed|cancelled". */
int launch_job(struct buf *out, const struct launch_spec *s, char *err, size_t errsz);
/* Signal the job's process group; answers "K KEY sent|killed|pending|gone",
 * first "K KEY escaped N" where N processes had left the group (setsid, a
 * double fork) and were found by the job's HERD_JOB_KEY marker. */
int launch_kill(struct buf *out, const char *herd_dir, const struct job_key *key,
    const char *sig);
/* The same, and every process of the job's cgroup where the node has one
 * (iso: the node's probe; NULL none). */
int launch_kill_iso(struct buf *out, const char *herd_dir, const struct job_key *key, const char *sig,
    const struct iso_facts *iso);
/*
 * --signal before the time limit: `sig` (a name from sigspec's table, never
 * user text) to every process of the job's process group but its batch
 * shell, or with batch_only to the batch shell alone.  Leaves no cancel
 * file.  Answers "K KEY signalled N" (N processes), "K KEY gone" (ended),
 * "K KEY pending" (no pid yet).
 */
int launch_signal(struct buf *out, const char *herd_dir, const struct job_key *key, const char *sig,
    int batch_only);
/* Answers "R KEY none|nopid|running PID|exited RC TIME|failed RC TIME STEP MSG|dead"
 * per key. */
int launch_reconcile(struct buf *out, const char *herd_dir, const struct job_key *keys, size_t n);
/* Answers "S KEY" or "S KEY gpus LIST [UUIDS]" per key of `prefix` with an id of at
 * least min_id found on the node, then "S - done". */
int launch_scan(struct buf *out, const char *herd_dir, const char *prefix, int64_t min_id);
/*
 * The last `bytes` bytes of the file `path` (herd logs), or with offset >= 0
 * at most `bytes` bytes from that offset (herd logs -f; none past the end):
 * answers
 * "O REQID data HEX" lines (16 bytes each, hex) then "O REQID end 0", or
 * "O REQID end 1 MESSAGE" (the shell's message on one line) when the file
 * cannot be read; from an offset, "O REQID end 2 No such file" when there is
 * no file (yet).
 */
int launch_tail(struct buf *out, uint64_t reqid, const char *path, int64_t offset,
    int64_t bytes);
/* Hex digits of an "O" data line (lower case, whole bytes) into out (cap
 * bytes); the number of bytes, or -1 (odd length, other characters, too long). */
#define LAUNCH_HEX_MAX 64
int launch_hex_decode(const char *hex, unsigned char *out, size_t cap);
/* Program for the event stream channel: prints "ready", then follows DIR/events. */
int launch_events(struct buf *out, const char *herd_dir);

/* One answer line, parsed into backend.h's struct be_reply (kind 'P',
 * 'L', 'K', 'R', 'S', 'O', 'C'); points into the line (which is modified). */
int launch_parse_reply(char *line, struct be_reply *r);
/* Event stream lines "start KEY PID" / "end KEY RC" / "fail KEY RC STEP MSG" /
 * "health KEY RC MSG" → kind 'E'. */
int launch_parse_event(char *line, struct be_reply *r);

/* The node directory (or its `sub`) as one sh word: a relative herd_dir
 * hangs off "$HOME".  0, or -1 (too large). */
int launch_dir_word(struct buf *b, const char *herd_dir, const char *sub);

#endif

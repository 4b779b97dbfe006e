/*
 * stream_node.h — the node side of a stream into a job (stream.c): the sh
 * text that enters the job's allocation and runs a program there.  Pure:
 * no I/O; every word from a request passes shquote().
 *
 * A stream costs two channels on a connection of its own, logged in as the
 * job's owner.  The first runs `exec /bin/sh -s` fed stream_node_setup():
 * it writes the stream's script, KEY.stream-NONCE (mode 600), and answers
 * "herd-stream ready" (or "herd-stream nojob" when the job's files are not
 * on the node).  The second runs stream_node_command(), `exec /bin/sh FILE`:
 * a constant command line, so the program and its arguments never show in
 * `ps`, and the channel's stdin is the user's alone (with a pty, a script
 * sent on it would be echoed and cut at the terminal's line length).  The
 * script removes itself, prints "herd-stream PID" as its first line (its
 * process group, for signals: sshd makes it a session leader), sources
 * KEY.env (launch.c: the job's umask, environment, working directory and
 * cgroup) and execs the program, or the user's login shell.
 */
#ifndef HERD_STREAM_NODE_H
#define HERD_STREAM_NODE_H

#include <stddef.h>
#include "jobkey.h"
#include "util.h"

#define STREAM_NONCE_MAX 33	/* hex digits and the NUL */
#define STREAM_HDR_MAX 64	/* the "herd-stream PID" line at most */

/* The setup program; argv: NUL-separated words (argv_len 0: a login shell). */
int stream_node_setup(struct buf *out, const char *herd_dir, const struct job_key *key,
    const char *nonce, const char *argv, size_t argv_len);
/* The command line of the stream's channel. */
int stream_node_command(struct buf *out, const char *herd_dir, const struct job_key *key,
    const char *nonce);
/* A command line signalling the process group `pid` with `sig` (a name from
 * stream_frame's table, never user text). */
int stream_node_kill(struct buf *out, int pid, const char *sig);
/* A command line ending a job held by herd run: its holder (stream_node_holder)
 * exits with `status` (0-255). */
int stream_node_release(struct buf *out, const char *herd_dir, const struct job_key *key,
    int status);
/* The batch script of a herd run job: holds the allocation until released. */
const char *stream_node_holder(void);
/*
 * The script's first line, "herd-stream PID" (a trailing \r from a pty
 * taken off by the caller): 0 with *pid, or -1 when it is anything else.
 */
int stream_node_parse_header(const char *line, size_t len, int *pid);

#endif

/*
 * stream.h — a byte stream between a client and a program running inside
 * a job's allocation (herd ssh, herd run; later herd alloc and
 * ssh-config's ProxyCommand), each on a thread of its own.
 *
 * How a caller uses it (a herd command):
 *   1. send a "stream" request (protocol v2) with "id" (or "ref", 123_7),
 *      optionally "argv" (repeated: the program and its arguments; none: the
 *      owner's login shell), "term", "cols", "rows" (a pty of that type and
 *      size; without "term" no pty: stdout and stderr stay apart), and
 *      "release" 1 (herd run: the job ends with the program's status);
 *   2. read one answer frame: "error" (refused: not RUNNING, not yours, ...)
 *      or "stream" (accepted);
 *   3. from then on the socket carries stream_frame.h's frames both ways,
 *      never protocol frames: send stdin ('i', then 'e' at its end), window
 *      sizes ('w'), signals ('k'); read stdout ('o'), stderr ('r'), then one
 *      'x' (the program's exit status or signal) or 'E' (why the stream
 *      failed), after which herdd closes.  Closing the socket first ends the
 *      remote program (HUP to its process group) and, with release, the job
 *      (status 129).
 *
 * A port forward (herd port-forward) sends "forward" PORT instead of a
 * program: the frames then carry a TCP connection's bytes to and from the
 * node's localhost:PORT ('i', 'e' one way; 'o', then 'c' at the remote
 * end's half-close, then 'x' 0 once both ends closed, or 'E' the other).
 *
 * In herdd, rpc_stream checks the request on the main thread and fills a
 * stream_spec (copies only); stream_start hands the client's socket to a
 * detached thread that owns it, its own SSH connection and the spec from
 * then on, and touches no controller state.
 */
#ifndef HERD_STREAM_H
#define HERD_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "jobkey.h"

#define STREAM_MAX 64		/* streams at once, all users */
#define STREAM_ARGV_MAX (256u * 1024)
#define STREAM_TERM_MAX 64

struct node_conf;

struct stream_spec {
	struct node_conf *conf;	/* owned: the job's node, logged in as its owner */
	struct job_key key;
	int64_t job_id;
	char *argv;		/* owned, NUL-separated; NULL: a login shell */
	size_t argv_len;
	int pty;		/* 1: term, cols, rows */
	char term[STREAM_TERM_MAX];
	int cols, rows;
	int release;		/* herd run: the job ends with the program's status */
	int forward_port;	/* herd port-forward: the node's localhost port; 0 none */
};

/* Whether another stream may start (STREAM_MAX). */
int stream_room(void);
/*
 * Start the stream's thread; it owns spec (freed at its end) and fd from
 * here, whatever the result.  `pending` (len bytes): answer bytes not yet
 * written to the client (the "stream" frame), written first; `input`
 * (inlen bytes): what the client sent after its request (its first
 * frames).  0, or -1 (no thread: fd closed).
 */
int stream_start(struct stream_spec *spec, int fd, const char *pending, size_t len,
    const char *input, size_t inlen);
void stream_spec_free(struct stream_spec *spec);

#endif

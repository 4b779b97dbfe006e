/*
 * stream_client.h — herd's end of a stream into a job (stream.h says the
 * protocol): the request, then the terminal and the frames, until the
 * remote program ends.  Used by herd ssh and herd run (and later herd alloc).
 *
 * With a pty the local terminal is in raw mode while attached and restored
 * on every way out (the end, an error, SIGTERM, SIGHUP); SIGWINCH sends
 * the new size.  Without one, Ctrl-C is sent as SIGINT to the remote
 * program, and a second within a second sends KILL; SIGTERM and SIGHUP are
 * passed on.
 */
#ifndef HERD_STREAM_CLIENT_H
#define HERD_STREAM_CLIENT_H

#include <stdint.h>

struct stream_req {
	const char *ref;	/* "123" or "123_7" */
	char **argv;		/* NULL: the login shell */
	int argc;
	int pty;		/* 1: a terminal (stdin must be one) */
	int release;		/* herd run: the job ends with the program's status */
};

/* Run it; the remote program's status (128+N for signal N), or -1 when the
 * stream could not be opened or broke (said on stderr). */
int stream_client_run(const struct stream_req *req);

#endif

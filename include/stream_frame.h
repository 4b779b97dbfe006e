/*
 * stream_frame.h — the frames a stream carries once herdd has accepted a
 * "stream" request (stream.c, stream_client.c): pure encode and decode, no
 * I/O, fuzzed (fuzz_streamframe).
 *
 * A frame is one kind byte, a 2-byte big-endian payload length and the
 * payload (at most SFRAME_PAYLOAD_MAX bytes).  From the client: 'i' stdin
 * bytes, 'e' end of stdin (empty), 'w' window size (cols, rows: 2 bytes
 * each, 1 to SFRAME_DIM_MAX), 'k' a signal (1 byte, enum sframe_sig).
 * From herdd: 'o' stdout bytes, 'r' stderr bytes, 'x' the remote program's
 * end (2 bytes: SFRAME_EXIT_STATUS and 0-255, or SFRAME_EXIT_SIGNAL and an
 * enum sframe_sig, SFRAME_SIG_OTHER for one not in the table), 'E' why the
 * stream failed (1 to SFRAME_ERR_MAX bytes of text), 'c' (empty; a port
 * forward's only) the remote end sends no more: its half-close, which the
 * client passes on as shutdown(SHUT_WR).  Data frames are never empty: an
 * empty 'i' would be an end of stdin nobody meant.
 *
 * Ownership: a decoded frame's data points into the caller's bytes.
 */
#ifndef HERD_STREAM_FRAME_H
#define HERD_STREAM_FRAME_H

#include <stddef.h>
#include "util.h"

#define SFRAME_HDR 3
#define SFRAME_PAYLOAD_MAX 16384
#define SFRAME_DIM_MAX 10000
#define SFRAME_ERR_MAX 1024

enum {
	SF_STDIN = 'i', SF_EOF = 'e', SF_WINCH = 'w', SF_SIGNAL = 'k',
	SF_STDOUT = 'o', SF_STDERR = 'r', SF_EXIT = 'x', SF_ERROR = 'E', SF_CLOSED = 'c',
};

/* The signals a client may send, and the names of the remote end's. */
enum sframe_sig {
	SFRAME_SIG_INT = 1, SFRAME_SIG_TERM, SFRAME_SIG_HUP, SFRAME_SIG_KILL,
	SFRAME_SIG_QUIT, SFRAME_SIG_PIPE, SFRAME_SIG_USR1, SFRAME_SIG_USR2,
	SFRAME_SIG_ALRM, SFRAME_SIG_SEGV, SFRAME_SIG_ABRT, SFRAME_SIG_OTHER,
};
enum { SFRAME_EXIT_STATUS = 0, SFRAME_EXIT_SIGNAL = 1 };

struct sframe {
	int kind;
	const unsigned char *data;	/* the payload; len bytes */
	size_t len;
	int cols, rows;			/* SF_WINCH */
	int sig;			/* SF_SIGNAL, and SF_EXIT by a signal */
	int how, status;		/* SF_EXIT: SFRAME_EXIT_*, status 0-255 */
};

/*
 * One frame from p (n bytes): its length (> 0) with *f set, 0 when more
 * bytes are needed, -1 when the bytes are no frame (*err says why: an
 * unknown kind, a length past the bound, a bad payload for the kind).
 */
long sframe_decode(const void *p, size_t n, struct sframe *f, char *err, size_t errsz);
/* Whether a client may send `kind` (herdd refuses the others). */
int sframe_from_client(int kind);
/* Append one frame; -1 (nothing appended) for a bad kind, length or value. */
int sframe_put(struct buf *b, int kind, const void *p, size_t len);
int sframe_put_winch(struct buf *b, int cols, int rows);
int sframe_put_signal(struct buf *b, enum sframe_sig sig);
int sframe_put_exit(struct buf *b, int how, int value);
/* "INT" for SFRAME_SIG_INT (the name `kill -s` takes); NULL out of the table. */
const char *sframe_sig_name(int sig);
/* The enum for a name with or without SIG ("INT", "SIGINT"); SFRAME_SIG_OTHER if unknown. */
int sframe_sig_from_name(const char *name);
/* This platform's number for the enum; 0 for SFRAME_SIG_OTHER or out of the table. */
int sframe_sig_number(int sig);
/* The enum for this platform's number; 0 when not in the table. */
int sframe_sig_from_number(int signo);

#endif

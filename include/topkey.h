/*
 * topkey.h — herd top's keys from the bytes a terminal sends.  Pure: no
 * terminal, no read(); top_live.c feeds what it reads.
 *
 * Ownership: struct topkey is plain memory, zeroed to start.
 */
#ifndef HERD_TOPKEY_H
#define HERD_TOPKEY_H

#include <stddef.h>

/* Keys above any byte; a printable ASCII key is its own byte. */
enum {
	TK_UP = 0x100, TK_DOWN, TK_RIGHT, TK_LEFT, TK_ENTER, TK_ESC, TK_INTR,
};

#define TOPKEY_SEQ_MAX 16	/* a longer escape sequence is skipped */

struct topkey {
	int state;		/* 0 plain, 1 after ESC, 2 in CSI (ESC [), 3 after ESC O,
				   4 skipping an overlong CSI */
	size_t seqlen;		/* bytes of the CSI so far */
};

/*
 * Decode len bytes into at most max keys in out; returns how many.  An
 * escape sequence cut between two reads is finished by the next call.
 * Unknown sequences, other control bytes and non-ASCII bytes are dropped.
 */
size_t topkey_feed(struct topkey *k, const unsigned char *in, size_t len, int *out, size_t max);

/* Nothing more came after an ESC: that was the Esc key (1 key in *out), else 0. */
size_t topkey_flush(struct topkey *k, int *out);

/* 1 while an escape sequence is unfinished (wait a little, then flush). */
int topkey_pending(const struct topkey *k);

#endif

/*
 * topkey.c — herd top's key decoder.
 *
 * Theory of operation: a terminal sends an arrow as three bytes (ESC [ A,
 * or ESC O A in application cursor mode), and a read() may end anywhere
 * inside them, so decoding keeps a little state between reads rather than
 * looking at each read alone.  A CSI sequence is read to its final byte
 * (0x40-0x7e) whatever its parameters (ESC [ 1 ; 5 A, a ctrl-arrow, is an
 * arrow too); one longer than TOPKEY_SEQ_MAX is junk, skipped to its
 * final byte without counting as unfinished, so a hostile stream cannot
 * keep the decoder waiting.  A control byte inside a sequence ends it and
 * counts as itself (Ctrl-C always quits).  ESC followed by
 * anything else is Esc, then that byte as itself.  A lone ESC is known
 * only by the silence after it: the caller flushes after a short wait.
 */
#include "topkey.h"

static int emit(int key, int *out, size_t max, size_t *n)
{
	if (*n < max)
		out[(*n)++] = key;
	return 0;
}

/* A byte outside any sequence. */
static void plain(struct topkey *k, unsigned char c, int *out, size_t max, size_t *n)
{
	if (c == 0x1b)
		k->state = 1;
	else if (c == '\r' || c == '\n')
		emit(TK_ENTER, out, max, n);
	else if (c == 3)
		emit(TK_INTR, out, max, n);
	else if (c >= 0x20 && c < 0x7f)
		emit(c, out, max, n);
	/* other control bytes and non-ASCII: no key of herd top */
}

static int arrow(unsigned char final)
{
	switch (final) {
	case 'A': return TK_UP;
	case 'B': return TK_DOWN;
	case 'C': return TK_RIGHT;
	case 'D': return TK_LEFT;
	default: return 0;
	}
}

size_t topkey_feed(struct topkey *k, const unsigned char *in, size_t len, int *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = in[i];
		if (k->state == 1) {
			if (c == '[' || c == 'O') {
				k->state = c == '[' ? 2 : 3;
				k->seqlen = 0;
				continue;
			}
			emit(TK_ESC, out, max, &n);
			k->state = 0;
			plain(k, c, out, max, &n);
		} else if (k->state == 2) {
			if (c >= 0x40 && c <= 0x7e) {
				if (arrow(c))
					emit(arrow(c), out, max, &n);
				k->state = 0;
			} else if (c < 0x20 || c > 0x3f) {
				k->state = 0;	/* not a CSI's byte: the CSI was junk */
				plain(k, c, out, max, &n);
			} else if (++k->seqlen > TOPKEY_SEQ_MAX) {
				k->state = 4;	/* too long: skipped to its end, not waited on */
			}
		} else if (k->state == 4) {
			if (c < 0x20 || c > 0x7e)
				plain(k, c, out, max, &n);
			if (c < 0x20 || c >= 0x40)
				k->state = 0;
		} else if (k->state == 3) {
			if (arrow(c))
				emit(arrow(c), out, max, &n);
			k->state = 0;
		} else {
			plain(k, c, out, max, &n);
		}
	}
	return n;
}

size_t topkey_flush(struct topkey *k, int *out)
{
	int was = k->state;
	k->state = 0;
	if (was != 1)
		return 0;
	*out = TK_ESC;
	return 1;
}

int topkey_pending(const struct topkey *k)
{
	return k->state >= 1 && k->state <= 3;
}

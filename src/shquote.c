/*
 * shquote.c — turn any string into one POSIX sh word.
 *
 * Theory of operation: inside single quotes a POSIX shell takes every byte
 * literally — newlines, backslashes, $, `, globs, bytes >= 0x80 — except the
 * single quote itself, which ends the quoted run.  So the word is the string
 * wrapped in '...', with each embedded ' written as '\'' (close the run, an
 * escaped quote, reopen).  The empty string becomes '' so it stays a word.
 * The only byte a shell word cannot carry is NUL, which is refused rather
 * than silently truncated.
 *
 * The output length is computed before anything is appended, so on failure
 * the buffer is left exactly as it was and a half-quoted word can never
 * reach a script.
 */
#include <stdint.h>
#include <string.h>

#include "shquote.h"

int shquote(struct buf *out, const char *s, size_t len)
{
	static const char esc[] = "'\\''";
	const char *p, *end = s + len, *q;
	size_t nquote = 0, need;

	if (len != 0 && memchr(s, '\0', len) != NULL)
		return -1;
	for (p = s; p < end && (q = memchr(p, '\'', (size_t)(end - p))) != NULL;
	    p = q + 1)
		nquote++;

	/* Each quote grows by 3 bytes; guard the sum against overflow. */
	if (nquote > (SIZE_MAX - 2 - len) / 3)
		return -1;
	need = len + 2 + 3 * nquote;
	if (need > out->max || out->len > out->max - need)
		return -1;

	/* Cannot fail now: the room was checked above. */
	buf_addc(out, '\'');
	for (p = s; p < end; p = q + 1) {
		q = memchr(p, '\'', (size_t)(end - p));
		if (q == NULL) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(q - p));
		buf_add(out, esc, sizeof esc - 1);
	}
	buf_addc(out, '\'');
	return 0;
}

int shquote_str(struct buf *out, const char *s)
{
	return shquote(out, s, strlen(s));
}

int shquote_to(char *dst, size_t size, const char *s)
{
	struct buf b;
	int rc = -1;
	if (size == 0)
		return -1;
	dst[0] = '\0';
	buf_init(&b, size - 1);
	if (shquote_str(&b, s) == 0 && b.len < size) {
		memcpy(dst, b.data, b.len);
		dst[b.len] = '\0';
		rc = 0;
	}
	buf_clear(&b);
	return rc;
}

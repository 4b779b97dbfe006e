/*
 * shquote.h — the one function that turns a string into a POSIX sh word.
 * Every string that reaches a remote or local shell passes through it.
 */
#ifndef HERD_SHQUOTE_H
#define HERD_SHQUOTE_H

#include <stddef.h>
#include "util.h"

/*
 * Append `s` (len bytes, any bytes but NUL) to `out` as one single-quoted sh
 * word that the shell reads back byte-exact: 'it'\''s'.  Returns 0, or -1
 * if `s` contains a NUL byte or `out` would exceed its maximum.
 */
int shquote(struct buf *out, const char *s, size_t len);
/* Convenience for NUL-terminated strings. */
int shquote_str(struct buf *out, const char *s);
/* The same word into dst (size bytes with its NUL): 0, or -1 (dst "")
 * where it does not fit, for a word a program's format string places. */
int shquote_to(char *dst, size_t size, const char *s);

#endif

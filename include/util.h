/*
 * util.h — allocation, bounded buffers, clocks.
 *
 * Ownership: x*alloc never return NULL (allocation failure aborts).  A struct
 * buf is initialised with buf_init() and released with buf_clear(); its data
 * is owned by the buf.  Every buf has a maximum size: appends past it fail
 * with -1 and leave the buffer unchanged, so input from outside can never
 * grow memory without bound.
 */
#ifndef HERD_UTIL_H
#define HERD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

#define HERD_ERRLEN 256

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
int xasprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct buf {
	char *data;	/* always NUL-terminated when non-NULL */
	size_t len;
	size_t cap;
	size_t max;	/* hard limit on len */
};

void buf_init(struct buf *b, size_t max);
void buf_clear(struct buf *b);
void buf_reset(struct buf *b);
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_consume(struct buf *b, size_t n);
/* Give the data to the caller (who frees it); the buf is left empty. */
char *buf_detach(struct buf *b, size_t *len);

/* Monotonic milliseconds, for every deadline and interval. */
int64_t now_ms(void);
/* Monotonic microseconds, for measuring. */
int64_t now_us(void);
/* Wall-clock seconds, for records and display only. */
int64_t wall_s(void);

/* Copy with truncation, always NUL-terminating (dst size > 0). */
size_t strlcpy_h(char *dst, const char *src, size_t size);
/* uid's login name, or the uid in decimal when it has none, in buf. */
const char *uid_name_r(uid_t uid, char *buf, size_t size);
/* The uid of login name `name`: 0, or -1 when there is none (arg unused:
 * the shape of svc_share.h's lookup). */
int name_uid_r(const char *name, uint32_t *uid, void *arg);

/*
 * Escape untrusted text for a log line or a terminal: control bytes and
 * backslash become \n, \t, \\ or \ooo; bytes that are not UTF-8, and C1
 * controls, become \xNN.  Writes at most size-1 bytes, never half a
 * character.
 */
void str_vis(char *dst, size_t size, const char *src);

/*
 * A config value that must be a whole number within [min, max] (min >= 0):
 * digits only, no sign, no junk, at most 12 of them.  0, or -1 with *err
 * "KEY: "V" is not a whole number" or "KEY: N is out of range MIN..MAX".
 */
/*
 * A comma- or blank-separated list of user names as useradd allows them
 * (A-Z a-z 0-9 . _ -, not starting with -, at most 32): 0, or -1 with
 * *err "KEY: bad user name "X"".
 */
int user_list_check(const char *key, const char *v, char *err, size_t errsz);

int parse_whole(const char *key, const char *v, long long min, long long max, long long *out,
    char *err, size_t errsz);

/* Whether one item of the comma-separated list ("gpu,debug": a job's
 * partitions) is one of v[0..n); NULL or "" has none. */
int csv_has_any(const char *list, const char *const *v, size_t n);
/*
 * Whether the `len` bytes at s are a name of a node or cluster: 1 to max
 * of [A-Za-z0-9._-], not starting with '-' or '.'.
 */
int name_valid(const char *s, size_t len, size_t max);

/* Length of the valid UTF-8 sequence at p (1 for ASCII), or 0 if invalid:
 * no overlong forms, surrogates or code points past U+10FFFF. */
size_t utf8_seq_len(const unsigned char *p);

/* Set O_NONBLOCK; return 0 or -1 with errno. */
int fd_nonblock(int fd);

/* Write all of p to fd (blocking fd), retrying on EINTR; 0 or -1. */
int write_all(int fd, const void *p, size_t n);

#endif

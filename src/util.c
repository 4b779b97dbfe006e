/*
 * util.c — allocation that cannot fail, bounded buffers, clocks, and the
 * small string and descriptor helpers every module shares.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void oom(void)
{
	static const char msg[] = "herd: out of memory\n";
	(void)!write(2, msg, sizeof msg - 1);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		oom();
	return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return n;
}

void buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void buf_clear(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int buf_reserve(struct buf *b, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return -1;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	char small[256];
	va_copy(aq, ap);
	int n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	if (buf_reserve(b, (size_t)n) != 0)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p = b->data ? b->data : xstrdup("");
	if (len != NULL)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}

int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t wall_s(void)
{
	return (int64_t)time(NULL);
}

const char *uid_name_r(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];
	if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res != NULL)
		strlcpy_h(buf, res->pw_name, size);
	else
		snprintf(buf, size, "%u", (unsigned)uid);
	return buf;
}

int name_uid_r(const char *name, uint32_t *uid, void *arg)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];
	(void)arg;
	if (getpwnam_r(name, &pw, tmp, sizeof tmp, &res) != 0 || res == NULL)
		return -1;
	*uid = (uint32_t)res->pw_uid;
	return 0;
}

size_t strlcpy_h(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;	/* allowed range of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

int user_list_check(const char *key, const char *v, char *err, size_t errsz)
{
	char tmp[48], shown[80];
	for (const char *w = v + strspn(v, ", \t"); *w != '\0';) {
		size_t len = strcspn(w, ", \t");
		size_t ok = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789._-");
		if (ok < len || w[0] == '-' || len > 32) {
			snprintf(tmp, sizeof tmp, "%.*s", (int)(len < 40 ? len : 40), w);
			str_vis(shown, sizeof shown, tmp);
			snprintf(err, errsz, "%s: bad user name \"%s\"", key, shown);
			return -1;
		}
		w += len;
		w += strspn(w, ", \t");
	}
	return 0;
}

int parse_whole(const char *key, const char *v, long long min, long long max, long long *out,
    char *err, size_t errsz)
{
	char shown[48];
	long long n = 0;
	size_t i;
	for (i = 0; v[i] >= '0' && v[i] <= '9' && i < 12; i++)
		n = n * 10 + (v[i] - '0');
	if (i == 0 || v[i] != '\0') {
		str_vis(shown, sizeof shown, v);
		snprintf(err, errsz, "%s: \"%s\" is not a whole number", key, shown);
		return -1;
	}
	if (n < min || n > max) {
		snprintf(err, errsz, "%s: %lld is out of range %lld..%lld", key, n, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

void str_vis(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;
	if (size == 0)
		return;
	while (*s != '\0') {
		char tmp[8];
		size_t n, used = 1, seq = utf8_seq_len(s);
		if (*s == '\n')
			n = (size_t)snprintf(tmp, sizeof tmp, "\\n");
		else if (*s == '\t')
			n = (size_t)snprintf(tmp, sizeof tmp, "\\t");
		else if (*s == '\\')
			n = (size_t)snprintf(tmp, sizeof tmp, "\\\\");
		else if (*s < 0x20 || *s == 0x7f)
			n = (size_t)snprintf(tmp, sizeof tmp, "\\%03o", *s);
		else if (seq == 0 || (seq == 2 && s[0] == 0xc2 && s[1] < 0xa0))
			/* Not UTF-8, or a C1 control (an 8-bit escape): as bytes. */
			n = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", *s);
		else {
			memcpy(tmp, s, seq);
			n = used = seq;
		}
		if (o + n >= size)
			break;	/* never half a character */
		memcpy(dst + o, tmp, n);
		o += n;
		s += used;
	}
	dst[o] = '\0';
}

int fd_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int csv_has_any(const char *list, const char *const *v, size_t n)
{
	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");
		for (size_t i = 0; i < n; i++)
			if (strlen(v[i]) == len && memcmp(v[i], p, len) == 0)
				return 1;
		p += len + (p[len] == ',');
	}
	return 0;
}

int name_valid(const char *s, size_t len, size_t max)
{
	size_t n = 0;

	/* Byte ranges, not isalnum(): the same in every locale. */
	while (n < len && ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	    (s[n] >= '0' && s[n] <= '9') || s[n] == '.' || s[n] == '_' || s[n] == '-'))
		n++;
	return n > 0 && n == len && n <= max && s[0] != '-' && s[0] != '.';
}

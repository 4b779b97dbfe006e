/*
 * proto.c — encode and decode the client/controller frames of proto.h.
 *
 * Theory of operation: a message is a type and a list of (key, value)
 * fields.  All field bytes live in m->raw, a chain of arena chunks that never
 * move once allocated, so a field pointer stays valid until msg_clear() no
 * matter how many fields are added after it.  Every field is stored with a
 * trailing NUL so callers may treat text values as C strings; the stored
 * length stays authoritative for binary values.
 *
 * A decoded message is one chunk sized from the frame, plus the field array:
 * two allocations per frame however many fields it has.  Built messages
 * start with a chunk big enough for a typical job record and double from
 * there, so building and encoding many small messages stays cheap.
 *
 * Decoding is strict because the peer is untrusted: the body length is
 * checked against PROTO_FRAME_MAX before waiting for the body, every field
 * length against the bytes left, the field count against PROTO_FIELDS_MAX,
 * and a frame whose fields do not fill the body exactly is malformed.  All
 * checks run in a first pass, so a bad frame allocates nothing.
 *
 * msg_get scans the fields; a reader that asks one frame for many keys
 * (the JSON of a job) builds a msg_index first: an open-addressing table
 * of field positions on the stack, hashed from a key's length and three of
 * its bytes.  It only points into the message, so it cannot disagree with
 * it, and a frame with more keys than it holds falls back to the scan.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define CHUNK_MIN	512	/* data bytes in a built message's first chunk */
#define FIELDS_MIN	32	/* initial field slots: a job record's worth */
#define SCRATCH_MAX	4096	/* frames encoded on the stack first */

struct chunk {
	struct chunk *prev;
	size_t len;
	size_t cap;
	char data[];
};

static uint32_t get_be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

static void put_be32(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

static struct chunk *chunk_new(struct chunk *prev, size_t cap)
{
	struct chunk *c = xmalloc(sizeof *c + cap);

	c->prev = prev;
	c->len = 0;
	c->cap = cap;
	return c;
}

/* Copy len bytes plus a NUL into m's arena; the copy never moves. */
static char *arena_copy(struct msg *m, const void *p, size_t len)
{
	struct chunk *c = (struct chunk *)m->raw;
	char *dst;

	if (c == NULL || c->cap - c->len < len + 1) {
		size_t cap = c != NULL ? c->cap * 2 : CHUNK_MIN;
		if (cap < len + 1)
			cap = len + 1;
		c = chunk_new(c, cap);
		m->raw = (char *)c;
	}
	dst = c->data + c->len;
	if (len != 0)
		memcpy(dst, p, len);
	dst[len] = '\0';
	c->len += len + 1;
	return dst;
}

void msg_init(struct msg *m, const char *type)
{
	memset(m, 0, sizeof *m);
	m->type = arena_copy(m, type, strlen(type));
}

void msg_clear(struct msg *m)
{
	struct chunk *c = (struct chunk *)m->raw, *prev;

	for (; c != NULL; c = prev) {
		prev = c->prev;
		free(c);
	}
	free(m->f);
	memset(m, 0, sizeof *m);
}

static void msg_push(struct msg *m, const void *p, size_t len)
{
	/* A field the wire cannot carry is a caller bug, like out of memory. */
	if (len > PROTO_FRAME_MAX)
		abort();
	if (m->nf == m->cap) {
		m->cap = m->cap != 0 ? m->cap * 2 : FIELDS_MIN;
		m->f = xreallocarray(m->f, m->cap, sizeof *m->f);
	}
	m->f[m->nf].p = arena_copy(m, p, len);
	m->f[m->nf].len = (uint32_t)len;
	m->nf++;
}

void msg_add(struct msg *m, const char *key, const void *val, size_t len)
{
	msg_push(m, key, strlen(key));
	msg_push(m, val, len);
}

void msg_adds(struct msg *m, const char *key, const char *val)
{
	msg_add(m, key, val, strlen(val));
}

/* By hand, not snprintf: job records carry many numbers and this is hot. */
void msg_addi(struct msg *m, const char *key, int64_t val)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = val < 0 ? -(uint64_t)val : (uint64_t)val;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (val < 0)
		*--p = '-';
	msg_add(m, key, p, (size_t)(tmp + sizeof tmp - p));
}

const char *msg_get_nth(const struct msg *m, const char *key, size_t n,
    uint32_t *len)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + 1 < m->nf; i += 2) {
		if (m->f[i].len != klen || memcmp(m->f[i].p, key, klen) != 0)
			continue;
		if (n-- == 0) {
			if (len != NULL)
				*len = m->f[i + 1].len;
			return m->f[i + 1].p;
		}
	}
	return NULL;
}

const char *msg_get(const struct msg *m, const char *key, uint32_t *len)
{
	return msg_get_nth(m, key, 0, len);
}

/* A value as msg_geti reads it: def when absent or not a number. */
static int64_t value_int(const char *p, uint32_t len, int64_t def)
{
	uint32_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;

	if (p == NULL)
		return def;
	if (len > 0 && p[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == len)
		return def;
	/* Accumulate as unsigned so INT64_MIN is reachable without overflow. */
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)p[i] - '0';
		if (d > 9 || v > (lim - d) / 10)
			return def;
		v = v * 10 + d;
	}
	if (neg)
		return v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	return (int64_t)v;
}

int64_t msg_geti(const struct msg *m, const char *key, int64_t def)
{
	uint32_t len = 0;
	const char *p = msg_get(m, key, &len);
	return value_int(p, len, def);
}

/* Keys are short names: their length and three of their bytes tell most
 * apart, for less than hashing every byte (a lookup is the whole cost). */
static uint32_t key_hash(const char *k, size_t len)
{
	if (len == 0)
		return 0;
	const unsigned char *u = (const unsigned char *)k;
	uint32_t h = (uint32_t)len | (uint32_t)u[0] << 8 | (uint32_t)u[len / 2] << 16 |
	    (uint32_t)u[len - 1] << 24;
	return (h * 2654435761u) >> 25;	/* the top 7 bits: MSG_INDEX_SLOTS */
}

_Static_assert(MSG_INDEX_SLOTS == 128, "key_hash gives 7 bits");

void msg_index_init(struct msg_index *ix, const struct msg *m)
{
	ix->m = m;
	ix->full = m->nf / 2 > MSG_INDEX_SLOTS / 2;
	if (ix->full)
		return;
	memset(ix->slot, 0, sizeof ix->slot);
	for (size_t i = 0; i + 1 < m->nf; i += 2) {
		uint32_t h = key_hash(m->f[i].p, m->f[i].len);
		for (;; h++) {
			uint16_t *s = &ix->slot[h & (MSG_INDEX_SLOTS - 1)];
			if (*s == 0) {
				*s = (uint16_t)(i + 1);
				break;
			}
			const struct msg_field *k = &m->f[*s - 1];
			if (k->len == m->f[i].len && memcmp(k->p, m->f[i].p, k->len) == 0)
				break;	/* a repeated key: the first one answers */
		}
	}
}

const char *msg_index_get(const struct msg_index *ix, const char *key, uint32_t *len)
{
	if (ix->full)
		return msg_get(ix->m, key, len);
	size_t klen = strlen(key);
	uint32_t h = key_hash(key, klen);
	for (;; h++) {
		uint16_t s = ix->slot[h & (MSG_INDEX_SLOTS - 1)];
		if (s == 0)
			return NULL;
		const struct msg_field *k = &ix->m->f[s - 1];
		if (k->len == klen && memcmp(k->p, key, klen) == 0) {
			if (len != NULL)
				*len = k[1].len;
			return k[1].p;
		}
	}
}

int64_t msg_index_geti(const struct msg_index *ix, const char *key, int64_t def)
{
	uint32_t len = 0;
	const char *p = msg_index_get(ix, key, &len);
	return value_int(p, len, def);
}

int proto_parse_int(const char *p, size_t len, int64_t min, int64_t max,
    int64_t *out)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0, lim;
	int64_t r;

	if (len > 0 && p[0] == '-') {
		neg = 1;
		i = 1;
	}
	/* One canonical spelling per number: "-0" and "007" are not numbers. */
	if (i == len || (p[i] == '0' && (neg || len - i > 1)))
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		unsigned d = (unsigned char)p[i] - '0';
		if (d > 9 || v > (lim - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (neg)
		r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		r = (int64_t)v;
	if (r < min || r > max)
		return -1;
	*out = r;
	return 0;
}

int msg_geti_checked(const struct msg *m, const char *key, int64_t min,
    int64_t max, int64_t def, int64_t *out)
{
	uint32_t len;
	const char *p = msg_get(m, key, &len);

	if (p == NULL) {
		*out = def;
		return 0;
	}
	return proto_parse_int(p, len, min, max, out);
}

/* Write m's frame (body length `body`) to dst, which has room for it. */
static void encode_into(char *dst, const struct msg *m, size_t tlen,
    size_t body)
{
	put_be32(dst, (uint32_t)body);
	put_be32(dst + 4, (uint32_t)tlen);
	memcpy(dst + 8, m->type, tlen);
	dst += 8 + tlen;
	for (size_t i = 0; i < m->nf; i++) {
		put_be32(dst, m->f[i].len);
		if (m->f[i].len != 0)
			memcpy(dst + 4, m->f[i].p, m->f[i].len);
		dst += 4 + (size_t)m->f[i].len;
	}
}

/* Large frames go field by field, to avoid a second copy of the frame. */
static void encode_large(struct buf *out, const struct msg *m, size_t tlen,
    size_t body)
{
	char hdr[4];

	put_be32(hdr, (uint32_t)body);
	buf_add(out, hdr, 4);
	put_be32(hdr, (uint32_t)tlen);
	buf_add(out, hdr, 4);
	buf_add(out, m->type, tlen);
	for (size_t i = 0; i < m->nf; i++) {
		put_be32(hdr, m->f[i].len);
		buf_add(out, hdr, 4);
		buf_add(out, m->f[i].p, m->f[i].len);
	}
}

int proto_encode(struct buf *out, const struct msg *m)
{
	char scratch[SCRATCH_MAX];
	size_t body, tlen, need;

	if (m->type == NULL || m->nf % 2 != 0 || m->nf + 1 > PROTO_FIELDS_MAX)
		return -1;
	tlen = strlen(m->type);
	body = 4 + tlen;
	for (size_t i = 0; i < m->nf; i++) {
		body += 4 + (size_t)m->f[i].len;
		if (body > PROTO_FRAME_MAX)
			return -1;
	}
	if (tlen == 0 || body > PROTO_FRAME_MAX)
		return -1;
	/* Check the room once so a failure never leaves half a frame. */
	need = 4 + body;
	if (need > out->max || out->len > out->max - need)
		return -1;

	/* Cannot fail now.  Small frames: one append, not one per field. */
	if (need <= sizeof scratch) {
		encode_into(scratch, m, tlen, body);
		buf_add(out, scratch, need);
	} else
		encode_large(out, m, tlen, body);
	return 0;
}

/* First pass: validate the body's field layout; the field count or -1. */
static long count_fields(const char *body, uint32_t blen, char *err,
    size_t errsz)
{
	uint32_t off = 0, flen;
	long n = 0;

	while (off < blen) {
		if (blen - off < 4) {
			snprintf(err, errsz, "truncated field header");
			return -1;
		}
		flen = get_be32(body + off);
		off += 4;
		if (flen > blen - off) {
			snprintf(err, errsz, "field length %" PRIu32
			    " overruns frame", flen);
			return -1;
		}
		off += flen;
		if (++n > PROTO_FIELDS_MAX) {
			snprintf(err, errsz, "more than %d fields",
			    PROTO_FIELDS_MAX);
			return -1;
		}
	}
	return n;
}

/* Check the type field: non-empty and a proper C string. */
static int check_type(const char *body, long n, char *err, size_t errsz)
{
	uint32_t tlen;

	if (n == 0) {
		snprintf(err, errsz, "empty frame");
		return -1;
	}
	tlen = get_be32(body);
	if (tlen == 0) {
		snprintf(err, errsz, "empty message type");
		return -1;
	}
	if (memchr(body + 4, '\0', tlen) != NULL) {
		snprintf(err, errsz, "NUL in message type");
		return -1;
	}
	if ((n - 1) % 2 != 0) {
		snprintf(err, errsz, "odd number of key/value fields");
		return -1;
	}
	return 0;
}

long proto_decode(const char *data, size_t len, struct msg *m, char *err,
    size_t errsz)
{
	uint32_t blen, off = 0, flen;
	struct chunk *c;
	long n;

	memset(m, 0, sizeof *m);
	if (len < 4)
		return 0;
	blen = get_be32(data);
	if (blen > PROTO_FRAME_MAX) {
		snprintf(err, errsz, "frame length %" PRIu32 " too big", blen);
		return -1;
	}
	if (len - 4 < blen)
		return 0;
	data += 4;
	if ((n = count_fields(data, blen, err, errsz)) < 0 ||
	    check_type(data, n, err, errsz) != 0)
		return -1;

	/* Each 4-byte length becomes a 1-byte NUL: the body size suffices. */
	c = chunk_new(NULL, blen);
	m->raw = (char *)c;
	m->nf = m->cap = (size_t)n - 1;
	m->f = m->nf != 0 ? xreallocarray(NULL, m->nf, sizeof *m->f) : NULL;
	for (long i = 0; i < n; i++) {
		flen = get_be32(data + off);
		off += 4;
		char *dst = c->data + c->len;
		memcpy(dst, data + off, flen);
		dst[flen] = '\0';
		c->len += (size_t)flen + 1;
		off += flen;
		if (i == 0)
			m->type = dst;
		else {
			m->f[i - 1].p = dst;
			m->f[i - 1].len = flen;
		}
	}
	return 4 + (long)blen;
}

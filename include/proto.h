/*
 * proto.h — the client/controller socket protocol: pure encode and decode,
 * no I/O, fuzzed.
 *
 * A frame is a 4-byte big-endian body length followed by the body.  A body is
 * a sequence of fields; each field is a 4-byte big-endian length and that
 * many bytes (any bytes).  The first field is the message type ("submit",
 * "queue", "ok", "error", "job", "end", ...); the rest are key, value pairs.
 * One request may be answered by many frames (a stream ending with "end"
 * or "error"), which `queue`, `wait` and later `top`/`logs -f` use.
 *
 * Ownership: struct msg owns its fields; msg_init/msg_clear.  Lookup results
 * point into the msg and live as long as it does.
 */
#ifndef HERD_PROTO_H
#define HERD_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define PROTO_FRAME_MAX   (64u << 20)	/* one frame, bytes */
#define PROTO_FIELDS_MAX  4096		/* fields in one frame */

struct msg_field {
	const char *p;	/* NUL-terminated for convenience; may contain NULs */
	uint32_t len;
};

struct msg {
	char *type;
	struct msg_field *f;	/* key, value, key, value, ... */
	size_t nf;
	size_t cap;
	char *raw;		/* decoded body the fields point into */
};

void msg_init(struct msg *m, const char *type);
void msg_clear(struct msg *m);
void msg_add(struct msg *m, const char *key, const void *val, size_t len);
void msg_adds(struct msg *m, const char *key, const char *val);
void msg_addi(struct msg *m, const char *key, int64_t val);

/* The value of `key`, or NULL; *len may be NULL. First match wins. */
const char *msg_get(const struct msg *m, const char *key, uint32_t *len);
/* Integer value of `key`, or `def` if absent or malformed. */
int64_t msg_geti(const struct msg *m, const char *key, int64_t def);
/*
 * Strict integer parsing for untrusted values: only what msg_addi() writes
 * (decimal digits, an optional '-', no leading zeros, no "-0", no spaces or
 * '+', nothing after the digits) and only from min to max.  0 with *out set,
 * or -1 (not such a number; *out untouched).
 */
int proto_parse_int(const char *p, size_t len, int64_t min, int64_t max, int64_t *out);
/* The same for `key`: *out = def when absent (0); -1 when present but bad. */
int msg_geti_checked(const struct msg *m, const char *key, int64_t min, int64_t max,
    int64_t def, int64_t *out);
/* The n-th value of `key` (for repeated keys), or NULL. */
const char *msg_get_nth(const struct msg *m, const char *key, size_t n, uint32_t *len);

/*
 * An index of a message's keys, for a reader that asks one message for
 * many keys: a --json job asks ~50 of a frame of ~30 fields, and msg_get
 * compares every field each time (100,000 jobs: most of the listing's
 * CPU).  msg_index_get answers as msg_get (first match wins).  Borrows m,
 * which must outlive it; holds nothing to free.  A message with more keys
 * than the index holds is looked up by msg_get.
 */
#define MSG_INDEX_SLOTS 128	/* a power of two; half full at most */
struct msg_index {
	const struct msg *m;
	int full;			/* too many keys: lookups go to msg_get */
	uint16_t slot[MSG_INDEX_SLOTS];	/* a key's field index + 1; 0 empty */
};
void msg_index_init(struct msg_index *ix, const struct msg *m);
const char *msg_index_get(const struct msg_index *ix, const char *key, uint32_t *len);
/* As msg_geti. */
int64_t msg_index_geti(const struct msg_index *ix, const char *key, int64_t def);

/* Append m as one frame to out; 0 or -1 (too big). */
int proto_encode(struct buf *out, const struct msg *m);

/*
 * Try to decode one frame from data[0..len).  Returns the number of bytes
 * consumed (>0) and fills *m (caller msg_clear()s it), 0 if more bytes are
 * needed, or -1 on a malformed frame (*err says why; the connection should
 * be dropped).
 */
long proto_decode(const char *data, size_t len, struct msg *m, char *err, size_t errsz);

#endif

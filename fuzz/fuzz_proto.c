/*
 * fuzz_proto.c — proto_decode() on arbitrary bytes, as a socket would see
 * them: consume frames until the decoder needs more or refuses.  Each decoded
 * message must re-encode to exactly the bytes it came from (the encoding is
 * canonical) and decode again to the same fields; anything else aborts.
 * The protocol version check (protover.c) runs on each one too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "protover.h"

static void same_msg(const struct msg *a, const struct msg *b)
{
	if (strcmp(a->type, b->type) != 0 || a->nf != b->nf)
		abort();
	for (size_t i = 0; i < a->nf; i++) {
		if (a->f[i].len != b->f[i].len ||
		    memcmp(a->f[i].p, b->f[i].p, a->f[i].len) != 0 ||
		    b->f[i].p[b->f[i].len] != '\0')
			abort();
	}
}

/* herdd's version check refuses with its message or passes only our own
 * "v"; a request re-encoded by the client (no "v" of its own) passes. */
static void check_version(const struct msg *m)
{
	char why[HERD_ERRLEN], err[HERD_ERRLEN];
	struct buf out;
	struct msg again;

	if (proto_version_check(m, why, sizeof why) != 0) {
		if (strncmp(why, "herd and herdd differ: herd speaks ", 35) != 0)
			abort();
	} else if (msg_geti(m, PROTO_VERSION_KEY, 0) != PROTO_VERSION)
		abort();
	if (msg_get(m, PROTO_VERSION_KEY, NULL) != NULL)
		return;
	buf_init(&out, PROTO_FRAME_MAX + 4);
	if (proto_encode_request(&out, m) == 0) {
		if (proto_decode(out.data, out.len, &again, err, sizeof err) != (long)out.len ||
		    again.nf != m->nf + 2 || proto_version_check(&again, why, sizeof why) != 0)
			abort();
		msg_clear(&again);
	}
	buf_clear(&out);
}

static void check_frame(const char *frame, size_t flen, const struct msg *m)
{
	struct buf out;
	struct msg again;
	char err[HERD_ERRLEN];
	long n;

	buf_init(&out, PROTO_FRAME_MAX + 4);
	if (proto_encode(&out, m) != 0 || out.len != flen ||
	    memcmp(out.data, frame, flen) != 0)
		abort();
	n = proto_decode(out.data, out.len, &again, err, sizeof err);
	if (n != (long)flen)
		abort();
	same_msg(m, &again);
	/* Lookups must stay in bounds whatever the keys are. */
	for (size_t i = 0; i < m->nf; i += 2) {
		uint32_t vlen;
		const char *v = msg_get(m, m->f[i].p, &vlen);
		if (v == NULL && memchr(m->f[i].p, '\0', m->f[i].len) == NULL)
			abort();
		(void)msg_geti(m, m->f[i].p, 0);
		int64_t a, b;
		/* The strict getter accepts exactly what the lax one reads back
		 * from msg_addi's spelling, and only within its bounds. */
		if (v != NULL && msg_geti_checked(m, m->f[i].p, INT64_MIN, INT64_MAX, 0, &a) == 0) {
			struct msg e;
			msg_init(&e, "t");
			msg_addi(&e, "v", a);
			uint32_t el;
			const char *ev = msg_get(&e, "v", &el);
			if (el != vlen || memcmp(ev, v, vlen) != 0)
				abort();
			msg_clear(&e);
		}
		if (msg_geti_checked(m, m->f[i].p, -5, 64, 0, &b) == 0 && (b < -5 || b > 64))
			abort();
		(void)msg_get_nth(m, m->f[i].p, 1, NULL);
	}
	msg_clear(&again);
	buf_clear(&out);
	check_version(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	char err[HERD_ERRLEN];
	struct msg m;
	long n;

	while ((n = proto_decode(p, size, &m, err, sizeof err)) > 0) {
		if ((size_t)n > size)
			abort();
		check_frame(p, (size_t)n, &m);
		msg_clear(&m);
		p += n;
		size -= (size_t)n;
	}
	msg_clear(&m);
	return 0;
}

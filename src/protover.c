/*
 * protover.c — the "v" field of every request (protover.h).
 *
 * Theory of operation: versions travel inside the frames, not around
 * them, so that the framing itself (proto.c) never changes and a herd of
 * any version can read herdd's refusal: a plain "error" frame with a
 * "message", which every herd since the first prints as it is.  The check
 * is one comparison with our own version; there is no range of versions
 * spoken, because a herd and its herdd come from one build and "use the
 * herd that came with this herdd" is the whole remedy.
 *
 * The client adds "v" while encoding, after the fields of the message, so
 * no caller builds a request without it and no request is copied to add
 * it (a submit carries a script of up to megabytes).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "protover.h"

#define REMEDY "use the herd that came with this herdd"

static void put_be32(char *p, uint32_t v)
{
	p[0] = (char)(v >> 24);
	p[1] = (char)(v >> 16);
	p[2] = (char)(v >> 8);
	p[3] = (char)v;
}

int proto_encode_request(struct buf *out, const struct msg *m)
{
	char ver[16], field[4 + sizeof PROTO_VERSION_KEY + 4 + sizeof ver];
	size_t start = out->len, klen = strlen(PROTO_VERSION_KEY), vlen, flen;
	uint32_t body;

	vlen = (size_t)snprintf(ver, sizeof ver, "%d", PROTO_VERSION);
	flen = 4 + klen + 4 + vlen;
	if (m->nf + 3 > PROTO_FIELDS_MAX || proto_encode(out, m) != 0)
		return -1;
	body = (uint32_t)(out->len - start - 4);
	if (body + flen > PROTO_FRAME_MAX || out->len > out->max - flen) {
		out->len = start;	/* as if never encoded */
		out->data[start] = '\0';
		return -1;
	}
	put_be32(field, (uint32_t)klen);
	memcpy(field + 4, PROTO_VERSION_KEY, klen);
	put_be32(field + 4 + klen, (uint32_t)vlen);
	memcpy(field + 8 + klen, ver, vlen);
	put_be32(out->data + start, body + (uint32_t)flen);
	buf_add(out, field, flen);
	return 0;
}

int proto_version_check(const struct msg *m, char *why, size_t whysz)
{
	uint32_t len = 0;
	const char *p = msg_get(m, PROTO_VERSION_KEY, &len);
	int64_t v = 1;
	char theirs[32];

	if (p != NULL && proto_parse_int(p, len, 1, INT32_MAX, &v) != 0)
		v = 0;
	if (v == PROTO_VERSION)
		return 0;
	if (v == 0)
		snprintf(theirs, sizeof theirs, "an unknown protocol");
	else
		snprintf(theirs, sizeof theirs, "protocol %" PRId64, v);
	snprintf(why, whysz, "herd and herdd differ: herd speaks %s, herdd %d; " REMEDY,
	    theirs, PROTO_VERSION);
	return -1;
}

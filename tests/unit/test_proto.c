/*
 * test_proto.c — the frame codec: round trips (binary and empty values
 * included), the exact wire bytes, partial input at every split point,
 * hand-built hostile frames, many frames in one buffer, the size limits,
 * strict integer parsing, and the cost of encoding many job records.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "proto.h"
#include "util.h"

#define BIG	(PROTO_FRAME_MAX * 2u + 64)

static void put32(struct buf *b, uint32_t v)
{
	char p[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8),
	    (char)v };
	assert_int_equal(buf_add(b, p, 4), 0);
}

static void put_field(struct buf *b, const char *s, size_t len)
{
	put32(b, (uint32_t)len);
	assert_int_equal(buf_add(b, s, len), 0);
}

/* Wrap a hand-built body in its length header. */
static void frame_of(struct buf *out, const struct buf *body)
{
	put32(out, (uint32_t)body->len);
	assert_int_equal(buf_add(out, body->data, body->len), 0);
}

static void assert_same(const struct msg *a, const struct msg *b)
{
	assert_string_equal(a->type, b->type);
	assert_int_equal(a->nf, b->nf);
	for (size_t i = 0; i < a->nf; i++) {
		assert_int_equal(a->f[i].len, b->f[i].len);
		assert_memory_equal(a->f[i].p, b->f[i].p, a->f[i].len);
		assert_int_equal(b->f[i].p[b->f[i].len], '\0');
	}
}

/* Decode from an exact-size heap copy, so ASan sees any overread. */
static long decode_copy(const char *data, size_t len, struct msg *m,
    char *err, size_t errsz)
{
	char *copy = xmalloc(len);
	long n;

	memcpy(copy, data, len);
	n = proto_decode(copy, len, m, err, errsz);
	/* Fields must not point into the caller's buffer. */
	free(copy);
	return n;
}

static void build_sample(struct msg *m)
{
	static const char bin[] = { 0, 1, '\n', (char)0xff, 0, 'x' };

	msg_init(m, "submit");
	msg_adds(m, "name", "train 'big' model");
	msg_add(m, "blob", bin, sizeof bin);
	msg_add(m, "empty", "", 0);
	msg_add(m, "nullp", NULL, 0);
	msg_addi(m, "gpus", 8);
	msg_addi(m, "neg", -42);
	msg_addi(m, "min", INT64_MIN);
	msg_addi(m, "max", INT64_MAX);
	msg_adds(m, "env", "A=1");
	msg_adds(m, "env", "B=2");
	msg_add(m, "", "keyless", 7);
}

static void t_roundtrip(void **state)
{
	struct msg m, d;
	struct buf b;
	char err[HERD_ERRLEN];
	uint32_t len;
	const char *v;

	(void)state;
	build_sample(&m);
	buf_init(&b, BIG);
	assert_int_equal(proto_encode(&b, &m), 0);
	assert_int_equal(decode_copy(b.data, b.len, &d, err, sizeof err),
	    (long)b.len);
	assert_same(&m, &d);

	v = msg_get(&d, "blob", &len);
	assert_non_null(v);
	assert_int_equal(len, 6);
	assert_memory_equal(v, "\0\1\n\xff\0x", 6);
	v = msg_get(&d, "empty", &len);
	assert_non_null(v);
	assert_int_equal(len, 0);
	assert_string_equal(v, "");
	assert_string_equal(msg_get(&d, "name", NULL), "train 'big' model");
	assert_string_equal(msg_get(&d, "env", NULL), "A=1");
	assert_string_equal(msg_get_nth(&d, "env", 1, NULL), "B=2");
	assert_null(msg_get_nth(&d, "env", 2, NULL));
	assert_string_equal(msg_get(&d, "", NULL), "keyless");
	assert_null(msg_get(&d, "nope", NULL));
	/* Keys are whole: a prefix is not a match. */
	assert_null(msg_get(&d, "nam", NULL));
	assert_null(msg_get(&d, "names", NULL));
	assert_int_equal(msg_geti(&d, "gpus", -1), 8);
	assert_int_equal(msg_geti(&d, "neg", 0), -42);
	assert_true(msg_geti(&d, "min", 0) == INT64_MIN);
	assert_true(msg_geti(&d, "max", 0) == INT64_MAX);
	assert_int_equal(msg_geti(&d, "name", 7), 7);

	/* A type-only message. */
	msg_clear(&d);
	msg_clear(&m);
	msg_init(&m, "end");
	buf_reset(&b);
	assert_int_equal(proto_encode(&b, &m), 0);
	assert_int_equal(b.len, 4 + 4 + 3);
	assert_int_equal(decode_copy(b.data, b.len, &d, err, sizeof err), 11);
	assert_same(&m, &d);
	assert_null(d.f);
	msg_clear(&d);
	msg_clear(&m);
	msg_clear(&m);	/* twice is harmless */
	buf_clear(&b);
}

static void t_wire_format(void **state)
{
	static const char want[] = "\0\0\0\x10" "\0\0\0\2ok" "\0\0\0\1a"
	    "\0\0\0\1b";
	struct msg m;
	struct buf b;

	(void)state;
	msg_init(&m, "ok");
	msg_adds(&m, "a", "b");
	buf_init(&b, 1024);
	assert_int_equal(buf_addstr(&b, "pre"), 0);
	assert_int_equal(proto_encode(&b, &m), 0);
	assert_int_equal(b.len, 3 + sizeof want - 1);
	assert_memory_equal(b.data, "pre", 3);
	assert_memory_equal(b.data + 3, want, sizeof want - 1);
	msg_clear(&m);
	buf_clear(&b);
}

static void t_geti(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int64_t want;
	} cases[] = {
		{ "0", 1, 0 }, { "-0", 2, 0 }, { "42", 2, 42 },
		{ "-42", 3, -42 }, { "007", 3, 7 },
		{ "9223372036854775807", 19, INT64_MAX },
		{ "-9223372036854775808", 20, INT64_MIN },
		{ "9223372036854775808", 19, 99 },
		{ "-9223372036854775809", 20, 99 },
		{ "99999999999999999999", 20, 99 },
		{ "", 0, 99 }, { "-", 1, 99 }, { "+1", 2, 99 },
		{ " 1", 2, 99 }, { "1 ", 2, 99 }, { "1a", 2, 99 },
		{ "0x10", 4, 99 }, { "1\0", 2, 99 }, { "--1", 3, 99 },
		{ "1e3", 3, 99 }, { "\n1", 2, 99 },
	};
	struct msg m;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		msg_init(&m, "t");
		msg_add(&m, "v", cases[i].s, cases[i].len);
		if (msg_geti(&m, "v", 99) != cases[i].want)
			fail_msg("case %zu \"%s\": got %" PRId64, i, cases[i].s,
			    msg_geti(&m, "v", 99));
		assert_int_equal(msg_geti(&m, "absent", 5), 5);
		msg_clear(&m);
	}
}

/*
 * The strict getter the controller uses on every number a client sends:
 * hostile spellings, overflow and out-of-range values are errors, never a
 * default or a wrapped value; an error leaves *out alone.
 */
static void t_geti_checked(void **state)
{
	static const struct {
		const char *s;
		size_t len;
		int64_t min, max;
		int ok;
		int64_t want;
	} cases[] = {
		{ "0", 1, 0, 64, 1, 0 }, { "64", 2, 0, 64, 1, 64 },
		{ "65", 2, 0, 64, 0, 0 }, { "-1", 2, 0, 64, 0, 0 },
		{ "-5", 2, -10, 10, 1, -5 }, { "-11", 3, -10, 10, 0, 0 },
		{ "-0", 2, -10, 10, 0, 0 }, { "+5", 2, 0, 64, 0, 0 },
		{ " 5", 2, 0, 64, 0, 0 }, { "5 ", 2, 0, 64, 0, 0 },
		{ "0x10", 4, 0, 64, 0, 0 }, { "", 0, 0, 64, 0, 0 },
		{ "-", 1, -10, 10, 0, 0 }, { "05", 2, 0, 64, 0, 0 },
		{ "00", 2, 0, 64, 0, 0 }, { "5\0", 2, 0, 64, 0, 0 },
		{ "abc", 3, 0, 64, 0, 0 }, { "1e3", 3, 0, 10000, 0, 0 },
		{ "5\n", 2, 0, 64, 0, 0 }, { "\t5", 2, 0, 64, 0, 0 },
		/* What an unchecked (int) cast took for 0 and 1. */
		{ "99999999999999999999", 20, 0, 64, 0, 0 },
		{ "18446744073709551616", 20, 0, INT64_MAX, 0, 0 },
		{ "4294967297", 10, 0, 64, 0, 0 }, { "4294967296", 10, 1, 4096, 0, 0 },
		{ "9223372036854775807", 19, 0, INT64_MAX, 1, INT64_MAX },
		{ "9223372036854775808", 19, 0, INT64_MAX, 0, 0 },
		{ "-9223372036854775808", 20, INT64_MIN, 0, 1, INT64_MIN },
		{ "-9223372036854775809", 20, INT64_MIN, 0, 0, 0 },
		{ "12345678901234567890123", 23, 0, INT64_MAX, 0, 0 },
	};
	struct msg m;
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		msg_init(&m, "t");
		msg_add(&m, "v", cases[i].s, cases[i].len);
		v = 777;
		int rc = msg_geti_checked(&m, "v", cases[i].min, cases[i].max, 3, &v);
		if (rc != (cases[i].ok ? 0 : -1) || v != (cases[i].ok ? cases[i].want : 777))
			fail_msg("case %zu \"%s\": rc %d value %" PRId64, i, cases[i].s, rc, v);
		assert_int_equal(msg_geti_checked(&m, "absent", 0, 1, 5, &v), 0);
		assert_int_equal(v, 5);
		msg_clear(&m);
	}
}

/* Every prefix of a two-frame stream: 0 until each frame is complete. */
static void t_partial(void **state)
{
	struct msg a, b, d;
	struct buf s;
	char err[HERD_ERRLEN];
	size_t l1;

	(void)state;
	build_sample(&a);
	msg_init(&b, "job");
	msg_addi(&b, "id", 17);
	buf_init(&s, BIG);
	assert_int_equal(proto_encode(&s, &a), 0);
	l1 = s.len;
	assert_int_equal(proto_encode(&s, &b), 0);
	for (size_t k = 0; k <= s.len; k++) {
		size_t off = 0, frames = 0;
		long n;
		while ((n = decode_copy(s.data + off, k - off, &d, err,
		    sizeof err)) > 0) {
			assert_same(frames == 0 ? &a : &b, &d);
			msg_clear(&d);
			off += (size_t)n;
			frames++;
		}
		assert_int_equal(n, 0);
		assert_null(d.type);
		assert_int_equal(frames, (k >= l1) + (k == s.len));
		assert_int_equal(off, k >= s.len ? s.len : k >= l1 ? l1 : 0);
	}
	msg_clear(&a);
	msg_clear(&b);
	buf_clear(&s);
}

static void expect_bad(const struct buf *f, const char *why)
{
	struct msg m;
	char err[HERD_ERRLEN] = "";

	if (decode_copy(f->data, f->len, &m, err, sizeof err) != -1)
		fail_msg("accepted: %s", why);
	if (err[0] == '\0')
		fail_msg("no error message: %s", why);
	assert_null(m.type);
	assert_int_equal(m.nf, 0);
	msg_clear(&m);
}

static void t_hostile_lengths(void **state)
{
	struct buf f, body;

	(void)state;
	buf_init(&f, BIG);
	buf_init(&body, BIG);

	/* Refused from the header alone, not waited for. */
	put32(&f, 0xffffffffu);
	expect_bad(&f, "0xffffffff frame length");
	buf_reset(&f);
	put32(&f, PROTO_FRAME_MAX + 1);
	expect_bad(&f, "frame length over max");
	buf_reset(&f);
	put32(&f, 0);
	expect_bad(&f, "empty body");

	/* A field length of 0xffffffff, and one byte too many. */
	buf_reset(&f);
	put_field(&body, "t", 1);
	put32(&body, 0xffffffffu);
	assert_int_equal(buf_addstr(&body, "abc"), 0);
	frame_of(&f, &body);
	expect_bad(&f, "field length 0xffffffff");
	buf_reset(&f);
	buf_reset(&body);
	put_field(&body, "t", 1);
	put_field(&body, "k", 1);
	put32(&body, 4);
	assert_int_equal(buf_addstr(&body, "abc"), 0);
	frame_of(&f, &body);
	expect_bad(&f, "truncated value");
	/* The type's own length overruns. */
	buf_reset(&f);
	buf_reset(&body);
	put32(&body, 2);
	assert_int_equal(buf_addc(&body, 'x'), 0);
	frame_of(&f, &body);
	expect_bad(&f, "truncated type");

	buf_clear(&f);
	buf_clear(&body);
}

static void t_hostile_layout(void **state)
{
	struct buf f, body;

	(void)state;
	buf_init(&f, BIG);
	buf_init(&body, BIG);
	put32(&body, 0);
	frame_of(&f, &body);
	expect_bad(&f, "empty type");
	buf_reset(&f);
	buf_reset(&body);
	put_field(&body, "o\0k", 3);
	frame_of(&f, &body);
	expect_bad(&f, "NUL in type");
	buf_reset(&f);
	buf_reset(&body);
	put_field(&body, "ok", 2);
	put_field(&body, "key", 3);
	frame_of(&f, &body);
	expect_bad(&f, "odd field count");
	/* Trailing bytes too short to be a field header. */
	for (size_t extra = 1; extra < 4; extra++) {
		buf_reset(&f);
		buf_reset(&body);
		put_field(&body, "ok", 2);
		put_field(&body, "k", 1);
		put_field(&body, "v", 1);
		assert_int_equal(buf_add(&body, "\0\0\0", extra), 0);
		frame_of(&f, &body);
		expect_bad(&f, "trailing bytes");
	}
	/* The frame's length is smaller than its fields. */
	buf_reset(&f);
	buf_reset(&body);
	put_field(&body, "ok", 2);
	put_field(&body, "k", 1);
	put_field(&body, "v", 1);
	put32(&f, (uint32_t)body.len - 1);
	assert_int_equal(buf_add(&f, body.data, body.len), 0);
	expect_bad(&f, "body shorter than fields");
	buf_clear(&f);
	buf_clear(&body);
}

static void t_field_count(void **state)
{
	struct buf f, body;
	struct msg m;
	char err[HERD_ERRLEN];

	(void)state;
	buf_init(&f, BIG);
	buf_init(&body, BIG);
	/* Type + 4094 = 4095 fields: the most an even count allows. */
	put_field(&body, "t", 1);
	for (int i = 0; i < PROTO_FIELDS_MAX - 2; i++)
		put_field(&body, "", 0);
	frame_of(&f, &body);
	assert_int_equal(decode_copy(f.data, f.len, &m, err, sizeof err),
	    (long)f.len);
	assert_int_equal(m.nf, PROTO_FIELDS_MAX - 2);
	buf_reset(&f);
	assert_int_equal(proto_encode(&f, &m), 0);
	msg_add(&m, "", "", 0);	/* 4097 fields: encode refuses */
	assert_int_equal(proto_encode(&f, &m), -1);
	msg_clear(&m);
	/* 4097 fields on the wire. */
	buf_reset(&f);
	put_field(&body, "", 0);
	put_field(&body, "", 0);
	frame_of(&f, &body);
	expect_bad(&f, "too many fields");
	buf_clear(&f);
	buf_clear(&body);
}

static void t_many_frames(void **state)
{
	struct buf s;
	struct msg m;
	char err[HERD_ERRLEN];
	size_t off = 0;
	long n;
	int count = 0;

	(void)state;
	buf_init(&s, BIG);
	for (int i = 0; i < 1000; i++) {
		msg_init(&m, i == 999 ? "end" : "job");
		msg_addi(&m, "id", i);
		msg_add(&m, "pad", "xxxxxxxx", (size_t)(i % 9));
		assert_int_equal(proto_encode(&s, &m), 0);
		msg_clear(&m);
	}
	while ((n = proto_decode(s.data + off, s.len - off, &m, err,
	    sizeof err)) > 0) {
		assert_int_equal(msg_geti(&m, "id", -1), count);
		assert_string_equal(m.type, count == 999 ? "end" : "job");
		assert_int_equal(strlen(msg_get(&m, "pad", NULL)),
		    (size_t)(count % 9));
		msg_clear(&m);
		off += (size_t)n;
		count++;
	}
	assert_int_equal(n, 0);
	assert_int_equal(count, 1000);
	assert_int_equal(off, s.len);
	buf_clear(&s);
}

/* Fields keep their address while more are added, decoded or built. */
static void t_stable_fields(void **state)
{
	struct msg m, d;
	struct buf b;
	char err[HERD_ERRLEN], big[5000];
	const char *name, *blob;

	(void)state;
	build_sample(&m);
	buf_init(&b, BIG);
	assert_int_equal(proto_encode(&b, &m), 0);
	assert_int_equal(proto_decode(b.data, b.len, &d, err, sizeof err),
	    (long)b.len);
	name = msg_get(&d, "name", NULL);
	blob = msg_get(&m, "blob", NULL);
	memset(big, 'z', sizeof big);
	for (int i = 0; i < 2000; i++) {
		msg_addi(&d, "n", i);
		msg_add(&m, "big", big, (size_t)i % sizeof big);
	}
	assert_ptr_equal(msg_get(&d, "name", NULL), name);
	assert_string_equal(name, "train 'big' model");
	assert_ptr_equal(msg_get(&m, "blob", NULL), blob);
	assert_memory_equal(blob, "\0\1\n\xff\0x", 6);
	assert_int_equal(msg_geti(&d, "n", -1), 0);
	assert_int_equal(msg_geti(&d, "gpus", -1), 8);
	assert_int_equal(atoi(msg_get_nth(&d, "n", 1999, NULL)), 1999);
	/* Still encodes to a frame that decodes the same. */
	msg_clear(&m);
	buf_reset(&b);
	assert_int_equal(proto_encode(&b, &d), 0);
	assert_int_equal(proto_decode(b.data, b.len, &m, err, sizeof err),
	    (long)b.len);
	assert_same(&d, &m);
	msg_clear(&m);
	msg_clear(&d);
	buf_clear(&b);
}

static void t_encode_limits(void **state)
{
	struct msg m, d;
	struct buf b;
	char err[HERD_ERRLEN];
	size_t vlen = PROTO_FRAME_MAX - 14;	/* body exactly at the max */
	char *v = xcalloc(1, vlen + 1);

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_addstr(&b, "keep"), 0);
	msg_init(&m, "ok");
	msg_adds(&m, "k", "v");
	assert_int_equal(proto_encode(&b, &m), -1);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "keep");
	/* A hand-damaged msg with an odd field count is refused. */
	m.nf = 1;
	assert_int_equal(proto_encode(&b, &m), -1);
	msg_clear(&m);
	buf_clear(&b);

	buf_init(&b, BIG);
	msg_init(&m, "t");
	msg_add(&m, "k", v, vlen);
	assert_int_equal(proto_encode(&b, &m), 0);
	assert_int_equal(b.len, 4 + PROTO_FRAME_MAX);
	assert_int_equal(proto_decode(b.data, b.len, &d, err, sizeof err),
	    (long)b.len);
	msg_clear(&d);
	msg_clear(&m);
	buf_reset(&b);
	msg_init(&m, "t");
	msg_add(&m, "k", v, vlen + 1);
	assert_int_equal(proto_encode(&b, &m), -1);
	assert_int_equal(b.len, 0);
	msg_clear(&m);
	buf_clear(&b);
	free(v);
}

static double elapsed_ms(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

/* A `herd queue` row: 15 short key/value pairs. */
static void build_job(struct msg *m, int i)
{
	msg_init(m, "job");
	msg_addi(m, "id", 100000 + i);
	msg_adds(m, "name", "resnet50-sweep");
	msg_adds(m, "user", "alice");
	msg_adds(m, "state", "RUNNING");
	msg_adds(m, "partition", "gpu");
	msg_addi(m, "gpus", 8);
	msg_addi(m, "cpus", 32);
	msg_addi(m, "mem", 256000);
	msg_adds(m, "node", "node07");
	msg_addi(m, "submit", 1717000000);
	msg_addi(m, "start", 1717000100);
	msg_addi(m, "limit", -1);
	msg_addi(m, "prio", 1000);
	msg_adds(m, "reason", "None");
	msg_adds(m, "workdir", "/home/alice/exp");
}

#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
#define SPEED_MS	2000.0	/* only gross regressions under ASan or -O0 */
#else
#define SPEED_MS	50.0
#endif

/* 100,000 job frames: build, encode (into a warm buffer), decode. */
static void t_speed(void **state)
{
	struct timespec t0;
	struct buf s;
	struct msg m;
	char err[HERD_ERRLEN];
	double build, enc, dec;
	size_t off = 0, n1;
	long n;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100000; i++) {
		build_job(&m, i);
		msg_clear(&m);
	}
	build = elapsed_ms(&t0);

	build_job(&m, 0);
	buf_init(&s, BIG);
	assert_int_equal(proto_encode(&s, &m), 0);
	n1 = s.len;
	for (int i = 1; i < 100000; i++)
		assert_int_equal(proto_encode(&s, &m), 0);
	buf_reset(&s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 100000; i++)
		if (proto_encode(&s, &m) != 0)
			fail();
	enc = elapsed_ms(&t0);
	msg_clear(&m);
	assert_int_equal(s.len, n1 * 100000);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((n = proto_decode(s.data + off, s.len - off, &m, err,
	    sizeof err)) > 0) {
		off += (size_t)n;
		msg_clear(&m);
	}
	dec = elapsed_ms(&t0);
	assert_int_equal(off, s.len);
	print_message("100000 job frames of %zu bytes: build %.1f ms, "
	    "encode %.1f ms, decode %.1f ms\n", n1, build, enc, dec);
	if (enc > SPEED_MS || dec > SPEED_MS)
		fail_msg("too slow: limit %.0f ms", SPEED_MS);
	buf_clear(&s);
}

/* msg_index answers every key as msg_get does: repeated keys (the first),
 * empty and binary keys, keys that differ only inside, absent keys, and a
 * message with more keys than the index holds (msg_get's answer). */
static void t_index(void **state)
{
	(void)state;
	struct msg m;
	struct msg_index ix;
	char key[32];
	uint32_t len;

	msg_init(&m, "job");
	msg_adds(&m, "start_time", "1");
	msg_adds(&m, "stard_time", "2");	/* same length, first, middle, last */
	msg_adds(&m, "start_time", "3");	/* repeated: the first answers */
	msg_adds(&m, "", "empty");
	msg_add(&m, "nul", "a\0b", 3);
	msg_addi(&m, "n", -42);
	msg_index_init(&ix, &m);
	assert_false(ix.full);
	assert_string_equal(msg_index_get(&ix, "start_time", NULL), "1");
	assert_string_equal(msg_index_get(&ix, "stard_time", NULL), "2");
	assert_string_equal(msg_index_get(&ix, "", NULL), "empty");
	assert_non_null(msg_index_get(&ix, "nul", &len));
	assert_int_equal(len, 3);
	assert_null(msg_index_get(&ix, "star_time", NULL));
	assert_null(msg_index_get(&ix, "start_time ", NULL));
	assert_int_equal(msg_index_geti(&ix, "n", 0), -42);
	assert_int_equal(msg_index_geti(&ix, "nul", 7), 7);
	assert_int_equal(msg_index_geti(&ix, "absent", 9), 9);
	msg_clear(&m);

	/* As many keys as fit, then one more: the same answers either way. */
	for (int total = MSG_INDEX_SLOTS / 2; total <= MSG_INDEX_SLOTS / 2 + 1; total++) {
		msg_init(&m, "job");
		for (int i = 0; i < total; i++) {
			snprintf(key, sizeof key, "k%d", i);
			msg_addi(&m, key, i);
		}
		msg_index_init(&ix, &m);
		assert_int_equal(ix.full, total > MSG_INDEX_SLOTS / 2);
		for (int i = 0; i < total + 8; i++) {
			snprintf(key, sizeof key, "k%d", i);
			assert_int_equal(msg_index_geti(&ix, key, -1), i < total ? i : -1);
		}
		msg_clear(&m);
	}

	/* No fields at all. */
	msg_init(&m, "end");
	msg_index_init(&ix, &m);
	assert_null(msg_index_get(&ix, "id", NULL));
	msg_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_roundtrip),
		cmocka_unit_test(t_wire_format),
		cmocka_unit_test(t_geti),
		cmocka_unit_test(t_geti_checked),
		cmocka_unit_test(t_partial),
		cmocka_unit_test(t_hostile_lengths),
		cmocka_unit_test(t_hostile_layout),
		cmocka_unit_test(t_field_count),
		cmocka_unit_test(t_many_frames),
		cmocka_unit_test(t_stable_fields),
		cmocka_unit_test(t_encode_limits),
		cmocka_unit_test(t_speed),
		cmocka_unit_test(t_index),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_protover.c — the protocol version of requests: a request encoded by
 * the client decodes with "v" = PROTO_VERSION and its own fields unchanged;
 * herdd's check passes it and refuses, with the message an old herd prints,
 * a missing "v" (protocol 1), another number, and hostile values (not a
 * number, "+2", "02", " 2", "2x", NULs, huge, negative, zero, empty).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "protover.h"
#include "util.h"

/* Check a request whose "v" is val[0..len) (NULL: none); returns the check. */
static int check_v(const char *val, size_t len, char *why, size_t whysz)
{
	struct msg m;
	msg_init(&m, "ping");
	msg_adds(&m, "user", "ann");
	if (val != NULL)
		msg_add(&m, PROTO_VERSION_KEY, val, len);
	why[0] = '\0';
	int rc = proto_version_check(&m, why, whysz);
	msg_clear(&m);
	return rc;
}

static void t_request_roundtrip(void **state)
{
	(void)state;
	struct buf b;
	struct msg m, d;
	char err[HERD_ERRLEN], why[HERD_ERRLEN];
	uint32_t len;

	buf_init(&b, 1 << 20);
	msg_init(&m, "submit");
	msg_adds(&m, "script", "#!/bin/sh\necho hi\n");
	msg_add(&m, "bin", "a\0b", 3);
	assert_int_equal(proto_encode_request(&b, &m), 0);
	assert_int_equal(proto_decode(b.data, b.len, &d, err, sizeof err), (long)b.len);
	assert_string_equal(d.type, "submit");
	assert_int_equal(d.nf, m.nf + 2);
	assert_string_equal(msg_get(&d, "script", NULL), "#!/bin/sh\necho hi\n");
	assert_non_null(msg_get(&d, "bin", &len));
	assert_int_equal(len, 3);
	assert_int_equal(msg_geti(&d, PROTO_VERSION_KEY, -1), PROTO_VERSION);
	assert_int_equal(proto_version_check(&d, why, sizeof why), 0);
	msg_clear(&d);
	msg_clear(&m);
	buf_clear(&b);
}

/* Too big for the frame, or for the buffer: -1 and nothing left behind. */
static void t_request_limits(void **state)
{
	(void)state;
	struct buf b;
	struct msg m;
	buf_init(&b, 64);
	msg_init(&m, "ping");
	msg_adds(&m, "pad", "0123456789012345678901234567890123456789");
	/* Fits alone (4+4+4+4+3+4+40 = 63 bytes) but not with "v". */
	assert_int_equal(proto_encode_request(&b, &m), -1);
	assert_int_equal(b.len, 0);
	msg_clear(&m);
	buf_clear(&b);

	buf_init(&b, PROTO_FRAME_MAX + 64);
	msg_init(&m, "submit");
	static char big[PROTO_FRAME_MAX - 32];
	memset(big, 'x', sizeof big);
	msg_add(&m, "script", big, sizeof big);	/* the frame holds it, not "v" too */
	assert_int_equal(proto_encode_request(&b, &m), -1);
	assert_int_equal(b.len, 0);
	msg_clear(&m);
	buf_clear(&b);
}

static void t_check_ours(void **state)
{
	(void)state;
	char why[HERD_ERRLEN], v[16];
	snprintf(v, sizeof v, "%d", PROTO_VERSION);
	assert_int_equal(check_v(v, strlen(v), why, sizeof why), 0);
	assert_string_equal(why, "");
}

static void t_check_missing(void **state)
{
	(void)state;
	char why[HERD_ERRLEN], want[HERD_ERRLEN];
	assert_int_equal(check_v(NULL, 0, why, sizeof why), -1);
	snprintf(want, sizeof want, "herd and herdd differ: herd speaks protocol 1, herdd %d; "
	    "use the herd that came with this herdd", PROTO_VERSION);
	assert_string_equal(why, want);
}

static void t_check_other(void **state)
{
	(void)state;
	char why[HERD_ERRLEN], want[HERD_ERRLEN];
	assert_int_equal(check_v("3", 1, why, sizeof why), -1);
	snprintf(want, sizeof want, "herd and herdd differ: herd speaks protocol 3, herdd %d; "
	    "use the herd that came with this herdd", PROTO_VERSION);
	assert_string_equal(why, want);
	assert_int_equal(check_v("1", 1, why, sizeof why), -1);
	assert_non_null(strstr(why, "herd speaks protocol 1, herdd"));
	assert_int_equal(check_v("2147483647", 10, why, sizeof why), -1);
	assert_non_null(strstr(why, "herd speaks protocol 2147483647, herdd"));
}

static void t_check_hostile(void **state)
{
	(void)state;
	static const struct { const char *v; size_t len; } bad[] = {
		{ "", 0 }, { "two", 3 }, { "+2", 2 }, { "02", 2 }, { " 2", 2 },
		{ "2 ", 2 }, { "2x", 2 }, { "2\0", 2 }, { "\0" "2", 2 }, { "-2", 2 },
		{ "0", 1 }, { "-0", 2 }, { "2147483648", 10 },
		{ "99999999999999999999999999", 26 }, { "9223372036854775808", 19 },
		{ "0x2", 3 }, { "2.0", 3 }, { "\xff", 1 },
	};
	char why[HERD_ERRLEN], want[HERD_ERRLEN];
	snprintf(want, sizeof want, "herd and herdd differ: herd speaks an unknown protocol, "
	    "herdd %d; use the herd that came with this herdd", PROTO_VERSION);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(check_v(bad[i].v, bad[i].len, why, sizeof why), -1);
		assert_string_equal(why, want);
	}
	/* A small buffer still gets a terminated (cut) message. */
	char small[8];
	assert_int_equal(check_v("x", 1, small, sizeof small), -1);
	assert_int_equal(strlen(small), sizeof small - 1);
}

/* The first "v" counts, as for every key: a second one cannot smuggle ours. */
static void t_check_repeated(void **state)
{
	(void)state;
	struct msg m;
	char why[HERD_ERRLEN];
	msg_init(&m, "ping");
	msg_adds(&m, PROTO_VERSION_KEY, "1");
	msg_addi(&m, PROTO_VERSION_KEY, PROTO_VERSION);
	assert_int_equal(proto_version_check(&m, why, sizeof why), -1);
	msg_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_request_roundtrip),
		cmocka_unit_test(t_request_limits),
		cmocka_unit_test(t_check_ours),
		cmocka_unit_test(t_check_missing),
		cmocka_unit_test(t_check_other),
		cmocka_unit_test(t_check_hostile),
		cmocka_unit_test(t_check_repeated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

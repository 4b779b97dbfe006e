/*
 * test_stream_frame.c — the stream's frames: every kind round-trips, a
 * frame cut anywhere asks for more, and hostile bytes (unknown kinds,
 * lengths past the bound, sizes of 0 or 65535, signals outside the table,
 * empty data) are refused with a reason, never taken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "stream_frame.h"

static void round_trip(void **state)
{
	(void)state;
	struct buf b;
	struct sframe f;
	char err[128];
	buf_init(&b, 1 << 20);
	assert_int_equal(sframe_put(&b, SF_STDIN, "ab\0c", 4), 0);
	assert_int_equal(sframe_put(&b, SF_EOF, NULL, 0), 0);
	assert_int_equal(sframe_put_winch(&b, 132, 43), 0);
	assert_int_equal(sframe_put_signal(&b, SFRAME_SIG_INT), 0);
	assert_int_equal(sframe_put(&b, SF_STDERR, "e", 1), 0);
	assert_int_equal(sframe_put_exit(&b, SFRAME_EXIT_STATUS, 3), 0);
	assert_int_equal(sframe_put_exit(&b, SFRAME_EXIT_SIGNAL, SFRAME_SIG_TERM), 0);
	assert_int_equal(sframe_put(&b, SF_ERROR, "no", 2), 0);
	size_t off = 0;
	long n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(n, 7);
	assert_int_equal(f.kind, SF_STDIN);
	assert_memory_equal(f.data, "ab\0c", 4);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.kind, SF_EOF);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.kind, SF_WINCH);
	assert_int_equal(f.cols, 132);
	assert_int_equal(f.rows, 43);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.sig, SFRAME_SIG_INT);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.kind, SF_STDERR);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.how, SFRAME_EXIT_STATUS);
	assert_int_equal(f.status, 3);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.how, SFRAME_EXIT_SIGNAL);
	assert_int_equal(f.sig, SFRAME_SIG_TERM);
	off += (size_t)n;
	n = sframe_decode(b.data + off, b.len - off, &f, err, sizeof err);
	assert_int_equal(f.kind, SF_ERROR);
	off += (size_t)n;
	assert_int_equal(off, b.len);
	/* Cut anywhere: more is needed, nothing taken. */
	for (size_t cut = 0; cut < 7; cut++)
		assert_int_equal(sframe_decode(b.data, cut, &f, err, sizeof err), 0);
	buf_clear(&b);
}

static void hostile(void **state)
{
	(void)state;
	struct sframe f;
	char err[128];
	static const struct {
		const char *bytes;
		size_t len;
	} bad[] = {
		{ "z\0\0", 3 },			/* unknown kind */
		{ "\0\0\0", 3 },
		{ "i\xff\xff", 3 },		/* past the bound, refused at the header */
		{ "i\x40\x01", 3 },
		{ "i\0\0", 3 },			/* empty data */
		{ "e\0\1x", 4 },		/* EOF with a payload */
		{ "w\0\4\0\0\0\1", 7 },		/* 0 columns */
		{ "w\0\4\xff\xff\0\1", 7 },	/* 65535 columns */
		{ "w\0\3\0\1\0", 6 },		/* short size */
		{ "k\0\1\0", 4 },		/* signal 0 */
		{ "k\0\1\x0c", 4 },		/* OTHER may not be sent */
		{ "k\0\1\xff", 4 },
		{ "k\0\2\1\1", 5 },
		{ "x\0\2\2\0", 5 },		/* exit of a third kind */
		{ "x\0\2\1\0", 5 },		/* by signal 0 */
		{ "E\0\0", 3 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(sframe_decode(bad[i].bytes, bad[i].len, &f, err, sizeof err), -1);
		assert_true(err[0] != '\0');
	}
	struct buf b;
	char big[SFRAME_PAYLOAD_MAX + 1] = { 0 };
	buf_init(&b, 1 << 20);
	assert_int_equal(sframe_put(&b, SF_STDOUT, big, sizeof big), -1);
	assert_int_equal(sframe_put(&b, SF_STDOUT, big, 0), -1);
	assert_int_equal(sframe_put(&b, 'z', big, 1), -1);
	assert_int_equal(sframe_put_winch(&b, 0, 24), -1);
	assert_int_equal(sframe_put_winch(&b, 80, SFRAME_DIM_MAX + 1), -1);
	assert_int_equal(sframe_put_signal(&b, SFRAME_SIG_OTHER), -1);
	assert_int_equal(sframe_put_exit(&b, SFRAME_EXIT_STATUS, 256), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(sframe_put(&b, SF_STDOUT, big, SFRAME_PAYLOAD_MAX), 0);
	assert_int_equal(sframe_decode(b.data, b.len, &f, err, sizeof err), SFRAME_HDR + SFRAME_PAYLOAD_MAX);
	buf_clear(&b);
}

static void signals(void **state)
{
	(void)state;
	assert_int_equal(sframe_sig_from_name("SIGINT"), SFRAME_SIG_INT);
	assert_int_equal(sframe_sig_from_name("term"), SFRAME_SIG_TERM);
	assert_int_equal(sframe_sig_from_name("WINCH"), SFRAME_SIG_OTHER);
	assert_int_equal(sframe_sig_from_name(""), SFRAME_SIG_OTHER);
	assert_string_equal(sframe_sig_name(SFRAME_SIG_KILL), "KILL");
	assert_null(sframe_sig_name(SFRAME_SIG_OTHER));
	assert_null(sframe_sig_name(0));
	assert_int_equal(sframe_sig_number(SFRAME_SIG_OTHER), 0);
	assert_int_equal(sframe_sig_from_number(sframe_sig_number(SFRAME_SIG_HUP)), SFRAME_SIG_HUP);
	assert_true(sframe_from_client(SF_STDIN));
	assert_false(sframe_from_client(SF_STDOUT));
	assert_false(sframe_from_client(SF_EXIT));
	assert_false(sframe_from_client(SF_CLOSED));
}

/* A forward's half-close from herdd: empty only, never a client's. */
static void closed(void **state)
{
	(void)state;
	struct buf b;
	struct sframe f;
	char err[128];
	buf_init(&b, 64);
	assert_int_equal(sframe_put(&b, SF_CLOSED, NULL, 0), 0);
	assert_int_equal(b.len, 3);
	assert_int_equal(sframe_decode(b.data, b.len, &f, err, sizeof err), 3);
	assert_int_equal(f.kind, SF_CLOSED);
	assert_int_equal(f.len, 0);
	assert_int_equal(sframe_put(&b, SF_CLOSED, "x", 1), -1);
	assert_int_equal(b.len, 3);
	assert_int_equal(sframe_decode("c\0\1x", 4, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "payload"));
	assert_int_equal(sframe_decode("c\0", 2, &f, err, sizeof err), 0);
	assert_int_equal(sframe_decode("c\377\377", 3, &f, err, sizeof err), -1);
	buf_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(hostile),
		cmocka_unit_test(signals),
		cmocka_unit_test(closed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

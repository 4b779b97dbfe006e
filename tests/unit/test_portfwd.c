/*
 * test_portfwd.c — herd port-forward's [LOCALPORT:]REMOTEPORT: the good
 * forms, and hostile ones (0, 65536, "a:b", huge numbers, signs, spaces,
 * empty parts) refused with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "portfwd.h"

static int parse(const char *s, int *l, int *r)
{
	char err[128];
	err[0] = '\0';
	int rc = portfwd_parse(s, l, r, err, sizeof err);
	if (rc != 0)
		assert_true(err[0] != '\0');
	return rc;
}

static void good(void **state)
{
	(void)state;
	int l = -1, r = -1;
	assert_int_equal(parse("8888", &l, &r), 0);
	assert_int_equal(l, 0);
	assert_int_equal(r, 8888);
	assert_int_equal(parse("9000:8888", &l, &r), 0);
	assert_int_equal(l, 9000);
	assert_int_equal(r, 8888);
	assert_int_equal(parse("0:1", &l, &r), 0);
	assert_int_equal(l, 0);
	assert_int_equal(r, 1);
	assert_int_equal(parse("65535:65535", &l, &r), 0);
	assert_int_equal(l, 65535);
	assert_int_equal(parse("08080", &l, &r), 0);
	assert_int_equal(r, 8080);
}

static void hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "0", "00000", "65536", "99999", "999999", "4294967297",
		"99999999999999999999999999999", "a:b", "a", "1:a", "a:1", ":", ":80", "80:",
		"1:2:3", "-1", "+80", " 80", "80 ", "0x50", "8080:0", "65536:80", "1e3",
		"80\n", "::80", "8 0",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int l, r;
		assert_int_equal(parse(bad[i], &l, &r), -1);
	}
	char err[128], big[5000];
	int l, r;
	memset(big, '9', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(portfwd_parse(big, &l, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "remote"));
	big[10] = ':';
	assert_int_equal(portfwd_parse(big, &l, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "local"));
	assert_int_equal(portfwd_parse("65536", &l, &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "65536"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

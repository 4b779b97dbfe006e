/*
 * Unit tests for oomkill.c: the end event's " oom N" read strictly (a
 * node's account may write anything there), and which ends count as
 * killed for lack of memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "oomkill.h"

static void parse_end(void **state)
{
	(void)state;
	assert_int_equal(oomkill_parse_end(NULL), 0);
	assert_int_equal(oomkill_parse_end(""), 0);
	assert_int_equal(oomkill_parse_end("   "), 0);
	assert_int_equal(oomkill_parse_end("oom 1"), 1);
	assert_int_equal(oomkill_parse_end(" oom 12 "), 12);
	assert_int_equal(oomkill_parse_end("oom 1000000000"), 1000000000);
	/* Hostile or foreign: no kill. */
	static const char *const bad[] = {
		"oom", "oom ", "oom 0", "oom 01", "oom -1", "oom +1", "oom 1x", "oom 1 2",
		"oom 1000000001", "oom 99999999999999999999999", "OOM 1", "oom\t1",
		"oomkill 1", "x oom 1", "oom 1; reboot", "oom $(id)", "oom 1\033[2J",
		"port 8080",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (oomkill_parse_end(bad[i]) != -1)
			fail_msg("\"%s\" was taken", bad[i]);
}

static void failed(void **state)
{
	(void)state;
	assert_true(oomkill_failed(137, 1));
	assert_true(oomkill_failed(9, 3));	/* the batch shell itself, a signal */
	assert_false(oomkill_failed(0, 1));	/* a process killed, the job went on to succeed */
	assert_false(oomkill_failed(137, 0));	/* a SIGKILL, not the OOM killer's */
	assert_false(oomkill_failed(1, -1));	/* an unreadable word */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_end),
		cmocka_unit_test(failed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

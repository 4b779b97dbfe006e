/*
 * Unit tests for sigspec.c: --signal=[{R|B}:]SIG[@TIME] as sbatch reads it,
 * the canonical text herdd stores and reads back, and hostile values.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sigspec.h"
#include "util.h"

static void good(void **state)
{
	(void)state;
	static const struct { const char *in, *canon; int sig; } t[] = {
		{ "USR1", "USR1@60", SIGUSR1 },
		{ "USR1@90", "USR1@90", SIGUSR1 },
		{ "SIGUSR2@0", "USR2@0", SIGUSR2 },
		{ "sigusr1@5", "USR1@5", SIGUSR1 },
		{ "usr1", "USR1@60", SIGUSR1 },
		{ "B:USR1@60", "B:USR1@60", SIGUSR1 },
		{ "b:TERM", "B:TERM@60", SIGTERM },
		{ "R:USR1@7", "USR1@7", SIGUSR1 },	/* no reservations: R: changes nothing */
		{ "RB:USR1@7", "B:USR1@7", SIGUSR1 },
		{ "BR:INT@1", "B:INT@1", SIGINT },
		{ "10", "USR1@60", 10 },	/* Linux numbers, as kill(1) */
		{ "15@65535", "TERM@65535", 15 },
		{ "B:2@00030", "B:INT@30", 2 },
		{ "KILL@1", "KILL@1", SIGKILL },
		{ "SIGHUP", "HUP@60", SIGHUP },
		{ "winch@3", "WINCH@3", SIGWINCH },
	};
	char why[HERD_ERRLEN], canon[SIGSPEC_TEXT_MAX];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sigspec s;
		if (sigspec_parse(t[i].in, &s, why, sizeof why) != 0)
			fail_msg("%s: %s", t[i].in, why);
		assert_int_equal(s.sig, t[i].sig);
		sigspec_format(&s, canon, sizeof canon);
		assert_string_equal(canon, t[i].canon);
		/* What herdd stores reads back as the same. */
		struct sigspec again;
		assert_int_equal(sigspec_parse(canon, &again, why, sizeof why), 0);
		assert_memory_equal(&s, &again, sizeof s);
	}
	assert_string_equal(sigspec_name(SIGUSR1), "USR1");
	assert_null(sigspec_name(0));
	assert_null(sigspec_name(SIGSEGV));	/* a fault, not a warning */
	assert_null(sigspec_name(-1));
}

static void hostile(void **state)
{
	(void)state;
	static const struct { const char *in, *want; } t[] = {
		{ "", "no signal" },
		{ "B:", "no signal" },
		{ "@60", "no signal" },
		{ "B:@60", "no signal" },
		{ "SIG", "unknown signal \"SIG\"" },
		{ "SIGSIGUSR1", "unknown signal \"SIGSIGUSR1\"" },
		{ "FOO@60", "unknown signal \"FOO\"; herd sends HUP INT QUIT" },
		{ "USR1 @60", "unknown signal \"USR1 \"" },
		{ " USR1", "unknown signal \" USR1\"" },
		{ "USR1\n", "unknown signal \"USR1\\n\"" },
		{ "USR1;reboot", "unknown signal \"USR1;reboot\"" },
		{ "$(reboot)", "unknown signal \"$(reboot)\"" },
		{ "X:USR1", "unknown signal \"X:USR1\"" },
		{ "B:B:USR1", "unknown signal \"B:USR1\"" },
		{ "0", "unknown signal \"0\"" },	/* signal 0 sends nothing */
		{ "11", "unknown signal \"11\"" },	/* SEGV: not in the table */
		{ "65", "unknown signal \"65\"" },
		{ "1000", "unknown signal \"1000\"" },
		{ "-10", "unknown signal \"-10\"" },
		{ "+10", "unknown signal \"+10\"" },
		{ "99999999999999999999", "unknown signal \"9999999999999999999" },
		{ "USR1@", "the time after @ must be a whole number" },
		{ "USR1@-1", "the time after @ must be a whole number" },
		{ "USR1@+5", "the time after @ must be a whole number" },
		{ "USR1@1m", "the time after @ must be a whole number" },
		{ "USR1@ 5", "the time after @ must be a whole number" },
		{ "USR1@5@6", "the time after @ must be a whole number" },
		{ "USR1@65536", "must be 0-65535 seconds" },
		{ "USR1@99999999999999999999999", "must be 0-65535 seconds" },
		{ "USR1@0x10", "the time after @ must be a whole number" },
		{ "USR1@1.5", "the time after @ must be a whole number" },
		{ "\x1b[31mUSR1", "unknown signal \"\\033[31mUSR1\"" },
		{ "USR1@6000000000000000000000000000000000000000000000000000000000000000",
		  "longer than 64 bytes" },
	};
	char why[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sigspec s = { 77, 77, 77 };
		if (sigspec_parse(t[i].in, &s, why, sizeof why) != -1)
			fail_msg("\"%s\" accepted", t[i].in);
		if (strstr(why, t[i].want) == NULL)
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", t[i].in, why, t[i].want);
		assert_int_equal(s.sig, 77);	/* untouched on failure */
		/* Never a control byte in a message. */
		for (const char *p = why; *p; p++)
			assert_true((unsigned char)*p >= 0x20);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

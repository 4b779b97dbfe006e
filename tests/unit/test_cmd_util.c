/*
 * Unit tests for cmd_util.c: sacct's EXIT:SIGNAL, Slurm's [D-]HH:MM:SS,
 * the queue/cancel filters (squeue's state names), and cmd_getopt's
 * getopt habits (-n1, --opt=value, --opt value, unknown options).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "job.h"

static void exit_codes(void **state)
{
	(void)state;
	char b[32];
	job_exit_format(0, b, sizeof b);
	assert_string_equal(b, "0:0");
	job_exit_format(1, b, sizeof b);
	assert_string_equal(b, "1:0");
	job_exit_format(137, b, sizeof b);
	assert_string_equal(b, "0:9");
	job_exit_format(143, b, sizeof b);
	assert_string_equal(b, "0:15");
	job_exit_format(-1, b, sizeof b);
	assert_string_equal(b, "-");
	job_exit_format(128, b, sizeof b);
	assert_string_equal(b, "128:0");
	job_exit_format(255, b, sizeof b);	/* exit 255, not a signal: Linux has 64 */
	assert_string_equal(b, "255:0");
	assert_int_equal(job_exit_signal(137), 9);
	assert_int_equal(job_exit_signal(0), 0);
	assert_int_equal(job_exit_signal(-1), 0);
	assert_string_equal(signal_name(9), "SIGKILL");
	assert_string_equal(signal_name(15), "SIGTERM");
	assert_null(signal_name(0));
	assert_null(signal_name(63));
}

static void durations(void **state)
{
	(void)state;
	char b[32];
	fmt_dhms(b, sizeof b, 600);
	assert_string_equal(b, "00:10:00");
	fmt_dhms(b, sizeof b, 86400);
	assert_string_equal(b, "1-00:00:00");
	fmt_dhms(b, sizeof b, 0);
	assert_string_equal(b, "00:00:00");
	fmt_dhms(b, sizeof b, 3 * 86400 + 4 * 3600 + 5 * 60 + 6);
	assert_string_equal(b, "3-04:05:06");
	fmt_dhms(b, sizeof b, 59);
	assert_string_equal(b, "00:00:59");
	fmt_dhms(b, sizeof b, -5);
	assert_string_equal(b, "-");
}

static void job(struct msg *m, int64_t id, const char *user, int64_t uid, const char *name,
    const char *st)
{
	msg_init(m, "job");
	msg_addi(m, "id", id);
	msg_adds(m, "user", user);
	msg_addi(m, "uid", uid);
	msg_adds(m, "name", name);
	msg_adds(m, "state", st);
}

static void filters(void **state)
{
	(void)state;
	struct job_filter f = { 0 };
	struct msg a, b;
	char err[256];
	job(&a, 7, "alice", 1000, "train", "PENDING");
	job(&b, 8, "bob", 1001, "eval", "RUNNING");

	assert_int_equal(job_filter_active(&f), 0);
	assert_true(job_filter_match(&f, &a));
	assert_int_equal(job_filter_add_states(&f, "pd", err, sizeof err), 0);
	assert_true(job_filter_match(&f, &a));
	assert_false(job_filter_match(&f, &b));
	assert_int_equal(job_filter_add_states(&f, "Running", err, sizeof err), 0);
	assert_true(job_filter_match(&f, &b));
	job_filter_clear(&f);

	assert_int_equal(job_filter_add_states(&f, "R,CF", err, sizeof err), 0);
	assert_false(job_filter_match(&f, &a));
	assert_true(job_filter_match(&f, &b));
	job_filter_clear(&f);
	assert_int_equal(job_filter_add_states(&f, "all", err, sizeof err), 0);
	assert_true(job_filter_match(&f, &a) && job_filter_match(&f, &b));
	job_filter_clear(&f);
	assert_int_equal(job_filter_add_states(&f, "CG", err, sizeof err), -1);
	assert_non_null(strstr(err, "\"CG\""));
	job_filter_clear(&f);
	assert_int_equal(job_filter_add_states(&f, "PD,,R", err, sizeof err), -1);
	job_filter_clear(&f);

	assert_int_equal(job_filter_add_users(&f, "carol,1001", err, sizeof err), 0);
	assert_false(job_filter_match(&f, &a));
	assert_true(job_filter_match(&f, &b));	/* by uid */
	job_filter_clear(&f);

	assert_int_equal(job_filter_add_ids(&f, "7,9", err, sizeof err), 0);
	assert_true(job_filter_match(&f, &a));
	assert_false(job_filter_match(&f, &b));
	assert_int_equal(job_filter_add_names(&f, "eval", err, sizeof err), 0);
	assert_false(job_filter_match(&f, &a));	/* every filter must hold */
	job_filter_clear(&f);
	assert_int_equal(job_filter_add_ids(&f, "7,x", err, sizeof err), -1);
	assert_non_null(strstr(err, "\"x\""));
	job_filter_clear(&f);
	assert_int_equal(job_filter_add_users(&f, "", err, sizeof err), -1);
	job_filter_clear(&f);
	msg_clear(&a);
	msg_clear(&b);
}

static const struct cmd_entry test_entry = { "test", "test [-n N] [--json]", "a test", NULL, NULL };
static const struct option lo[] = {
	{ "count", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'J' },
	CMD_HELP_OPTION,
	{ NULL, 0, NULL, 0 },
};

/* Parse argv; "n=VALUE J" and so on into out, or "?" at the first bad option. */
static void parse(char **argv, char *out, size_t size)
{
	int argc = 0, ch;
	out[0] = '\0';
	while (argv[argc])
		argc++;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&test_entry, argc, argv, "n:", lo)) != -1) {
		char one[64];
		if (ch == 'n')
			snprintf(one, sizeof one, "n=%s ", optarg);
		else
			snprintf(one, sizeof one, "%c ", ch == '?' ? '?' : ch == 'J' ? 'J' : '!');
		strncat(out, one, size - strlen(out) - 1);
		if (ch == '?')
			return;
	}
	for (; optind < argc; optind++) {
		strncat(out, argv[optind], size - strlen(out) - 1);
		strncat(out, " ", size - strlen(out) - 1);
	}
}

static void getopt_habits(void **state)
{
	(void)state;
	char out[256];
	char *a1[] = { "test", "-n1", NULL };
	parse(a1, out, sizeof out);
	assert_string_equal(out, "n=1 ");
	char *a2[] = { "test", "-n", "2", "12", NULL };
	parse(a2, out, sizeof out);
	assert_string_equal(out, "n=2 12 ");
	char *a3[] = { "test", "--count=3", "--json", NULL };
	parse(a3, out, sizeof out);
	assert_string_equal(out, "n=3 J ");
	char *a4[] = { "test", "12", "--count", "4", NULL };	/* options after operands */
	parse(a4, out, sizeof out);
	assert_string_equal(out, "n=4 12 ");
	char *a5[] = { "test", "--xyz", NULL };
	parse(a5, out, sizeof out);
	assert_string_equal(out, "? ");
	char *a6[] = { "test", "-q", NULL };
	parse(a6, out, sizeof out);
	assert_string_equal(out, "? ");
	char *a7[] = { "test", "-n", NULL };
	parse(a7, out, sizeof out);
	assert_string_equal(out, "? ");
	char *a8[] = { "test", "--json=1", NULL };
	parse(a8, out, sizeof out);
	assert_string_equal(out, "? ");
	/* A second parse starts afresh (optind reset). */
	char *a9[] = { "test", "-n5", NULL };
	parse(a9, out, sizeof out);
	assert_string_equal(out, "n=5 ");
	char *a10[] = { "test", "--", "-n", NULL };
	parse(a10, out, sizeof out);
	assert_string_equal(out, "-n ");
}

/* What cmd_help_list prints for a table (malloc'd). */
static char *listed(const struct cmd_entry *const *table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	cmd_help_list(table, f);
	fclose(f);
	return buf;
}

/* herd help's command column is as wide as its longest name, whatever
 * the names: each summary starts in the same column, two blanks after the
 * longest name (herd's own list has "reconfigure", 11 letters: t_cli). */
static void command_list(void **state)
{
	static const struct cmd_entry a = { "a", "", "short one", NULL, NULL };
	static const struct cmd_entry r = { "reconfigure", "", "reload it", NULL, NULL };
	static const struct cmd_entry q = { "queue", "", "list jobs", NULL, NULL };
	static const struct cmd_entry l = { "averyveryverylongname", "", "long", NULL, NULL };
	const struct cmd_entry *const t1[] = { &q, &r, &a, NULL };
	const struct cmd_entry *const t2[] = { &a, &l, NULL };
	const struct cmd_entry *const none[] = { NULL };
	char *got;

	(void)state;
	got = listed(t1);
	assert_string_equal(got,
	    "  queue        list jobs\n"
	    "  reconfigure  reload it\n"
	    "  a            short one\n");
	free(got);
	got = listed(t2);
	assert_string_equal(got,
	    "  a                      short one\n"
	    "  averyveryverylongname  long\n");
	free(got);
	got = listed(none);
	assert_string_equal(got, "");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_codes),
		cmocka_unit_test(durations),
		cmocka_unit_test(filters),
		cmocka_unit_test(getopt_habits),
		cmocka_unit_test(command_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

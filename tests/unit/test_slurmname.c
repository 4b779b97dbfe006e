/*
 * Unit tests for slurmname.c: which Slurm command argv[0] names, squeue's
 * arguments rewritten as herd queue's (the default columns added only when
 * the user chose none, hostile and odd argument lists), and which of
 * herdd's cancel answers scancel keeps quiet about.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "slurmname.h"

static void names(void **state)
{
	(void)state;
	assert_int_equal(slurm_name_of("sbatch"), SLURM_SBATCH);
	assert_int_equal(slurm_name_of("/usr/local/lib/herd/slurm-bin/squeue"), SLURM_SQUEUE);
	assert_int_equal(slurm_name_of("./scancel"), SLURM_SCANCEL);
	assert_int_equal(slurm_name_of("/opt/slurm-bin/sinfo"), SLURM_SINFO);
	assert_int_equal(slurm_name_of("sinfo "), SLURM_NONE);
	assert_int_equal(slurm_name_of("herd"), SLURM_NONE);
	assert_int_equal(slurm_name_of("/usr/bin/herd"), SLURM_NONE);
	assert_int_equal(slurm_name_of("sbatch2"), SLURM_NONE);
	assert_int_equal(slurm_name_of("sbatch/"), SLURM_NONE);
	assert_int_equal(slurm_name_of("SBATCH"), SLURM_NONE);
	assert_int_equal(slurm_name_of(""), SLURM_NONE);
	assert_int_equal(slurm_name_of("/"), SLURM_NONE);
	assert_int_equal(slurm_name_of(NULL), SLURM_NONE);
}

/* Rewrite words (argv[0] "squeue" first) and say whether -o default was added. */
static int added(int argc, char **words, int *n)
{
	char *out[32];
	*n = slurm_squeue_args(argc, words, out, 32);
	assert_true(*n >= 1);
	assert_string_equal(out[0], "queue");
	assert_null(out[*n]);
	int add = *n >= 3 && strcmp(out[1], "-o") == 0 && strcmp(out[2], SQUEUE_DEFAULT_FORMAT) == 0;
	/* The user's words follow, unchanged and in order. */
	for (int i = 1; i < argc; i++)
		assert_ptr_equal(out[i + (add ? 2 : 0)], words[i]);
	return add;
}

static void squeue_default(void **state)
{
	(void)state;
	static struct { char *w[6]; int argc, add; } t[] = {
		{ { "squeue" }, 1, 1 },
		{ { "squeue", "-h" }, 2, 1 },
		{ { "squeue", "--me", "-j", "12" }, 4, 1 },
		{ { "squeue", "-h", "-o", "%i" }, 4, 0 },
		{ { "squeue", "-ho", "%i" }, 3, 0 },
		{ { "squeue", "-o%i" }, 2, 0 },
		{ { "squeue", "--format=%.18i %j" }, 2, 0 },
		{ { "squeue", "--format", "id,name" }, 3, 0 },
		{ { "squeue", "-O", "id" }, 3, 0 },
		{ { "squeue", "--Format=id" }, 2, 0 },
		{ { "squeue", "--json" }, 2, 0 },
		{ { "squeue", "--start" }, 2, 0 },
		/* A value that looks like -o is a value, not a format. */
		{ { "squeue", "-u", "-o" }, 3, 1 },
		{ { "squeue", "--user", "-o" }, 3, 1 },
		{ { "squeue", "-uo" }, 2, 1 },
		{ { "squeue", "-jo,O" }, 2, 1 },
		{ { "squeue", "--", "-o" }, 3, 1 },
		/* Not options, or not the format ones. */
		{ { "squeue", "-", "o" }, 3, 1 },
		{ { "squeue", "--formatx" }, 2, 1 },
		{ { "squeue", "--form" }, 2, 1 },
		{ { "squeue", "-u" }, 2, 1 },
		{ { "squeue", "---o" }, 2, 1 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int n;
		if (added(t[i].argc, t[i].w, &n) != t[i].add)
			fail_msg("case %zu (%s %s): default %s", i, t[i].w[1] ? t[i].w[1] : "",
			    t[i].w[2] ? t[i].w[2] : "", t[i].add ? "missing" : "added");
		assert_int_equal(n, t[i].argc + (t[i].add ? 2 : 0));
	}
}

static void squeue_room(void **state)
{
	(void)state;
	char *words[] = { "squeue", "-h", NULL };
	char *out[5];
	assert_int_equal(slurm_squeue_args(2, words, out, 4), -1);	/* queue -o F -h NULL */
	assert_int_equal(slurm_squeue_args(2, words, out, 5), 4);
	assert_int_equal(slurm_squeue_args(0, words, out, 5), 3);	/* no argv[0] at all */
	assert_int_equal(slurm_squeue_args(1, words, out, 0), -1);
}

static void cancel_quiet(void **state)
{
	(void)state;
	assert_true(slurm_cancel_quiet("no job 99999"));
	assert_true(slurm_cancel_quiet("no job 12_[1-3]"));
	assert_true(slurm_cancel_quiet("job 12 has already ended (COMPLETED)"));
	assert_false(slurm_cancel_quiet("job 12 belongs to alice, not to you"));
	assert_false(slurm_cancel_quiet("job 12"));
	assert_false(slurm_cancel_quiet("job has already ended"));
	assert_false(slurm_cancel_quiet("no jobs"));
	assert_false(slurm_cancel_quiet(""));
	assert_false(slurm_cancel_quiet(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(squeue_default),
		cmocka_unit_test(squeue_room),
		cmocka_unit_test(cancel_quiet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for cmdopts.c and completion.c: a command's options read from
 * what it hands cmd_getopt (and nothing after that runs), getopt strings
 * read into words with their values, bounds and duplicates, the shell
 * names, and scripts written from a table with hostile summaries that real
 * bash (and zsh, where installed) still parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "completion.h"

static int ran_past_options;

static const struct cmd_entry fake_entry;

static int fake_cmd(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "nice", optional_argument, NULL, 'N' },
		CMD_HELP_OPTION, { NULL, 0, NULL, 0 }
	};
	int ch;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&fake_entry, argc, argv, "u:hx", lo)) != -1)
		if (ch == CMD_OPT_HELP)
			return 0;
	ran_past_options = 1;
	return 0;
}

static int silent_cmd(int argc, char **argv)
{
	(void)argc, (void)argv;
	ran_past_options = 1;
	return 0;
}

static const struct cmd_entry fake_entry = { "fake", "fake", "a fake", "", fake_cmd };
static const struct cmd_entry silent_entry = { "silent", "silent", "no getopt", "", silent_cmd };

static const struct cmd_opt *find(const struct cmd_opts *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return &o->v[i];
	return NULL;
}

static void test_opts_of(void **state)
{
	struct cmd_opts o;
	(void)state;
	ran_past_options = 0;
	assert_int_equal(cmd_opts_of(&fake_entry, &o), 0);
	assert_int_equal(ran_past_options, 0);	/* captured, nothing run */
	assert_null(cmd_opts_capture);
	assert_int_equal(o.n, 7);	/* -u -h -x --user --json --nice --help */
	assert_int_equal(find(&o, "-u")->takes_value, 1);
	assert_int_equal(find(&o, "-x")->takes_value, 0);
	assert_int_equal(find(&o, "--user")->takes_value, 1);
	assert_int_equal(find(&o, "--json")->takes_value, 0);
	assert_int_equal(find(&o, "--nice")->takes_value, 1);
	assert_non_null(find(&o, "--help"));
	/* A command that never asks cmd_getopt declares nothing: refused. */
	assert_int_equal(cmd_opts_of(&silent_entry, &o), -1);
	assert_null(cmd_opts_capture);
}

static void test_submit_opts(void **state)
{
	static const struct cmd_entry submit = { "submit", "submit", "queue", NULL, cmd_submit };
	struct cmd_opts o;
	(void)state;
	assert_int_equal(cmd_opts_of(&submit, &o), 0);
	assert_int_equal(find(&o, "--gpus")->takes_value, 1);
	assert_int_equal(find(&o, "-G")->takes_value, 1);
	assert_int_equal(find(&o, "--test-only")->takes_value, 0);
	assert_int_equal(find(&o, "--wrap")->takes_value, 1);
	assert_non_null(find(&o, "--json"));
	assert_non_null(find(&o, "--help"));
	assert_null(find(&o, "--version"));	/* refused by herd submit: not offered */
}

/* Hostile getopt strings: leading ':' and '+', a lone ':', duplicates,
 * names too long, more options than fit. */
static void test_add_getopt_bounds(void **state)
{
	struct cmd_opts o = { .n = 0 };
	char longname[100];
	struct option lo[2] = { { longname, no_argument, NULL, 0 }, { NULL, 0, NULL, 0 } };
	(void)state;
	cmd_opts_add_getopt(&o, "+:a:a::b", NULL);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.v[0].name, "-a");
	assert_int_equal(o.v[0].takes_value, 1);
	cmd_opts_add_getopt(&o, ":", NULL);
	cmd_opts_add_getopt(&o, NULL, NULL);
	assert_int_equal(o.n, 2);
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	cmd_opts_add_getopt(&o, "", lo);
	assert_int_equal(o.n, 2);	/* too long for a word: dropped, not cut */
	for (int i = 0; i < CMD_OPTS_MAX + 20; i++) {
		snprintf(longname, sizeof longname, "opt%d", i);
		cmd_opts_add_getopt(&o, "", lo);
	}
	assert_int_equal(o.n, CMD_OPTS_MAX);
}

static void test_shell_names(void **state)
{
	(void)state;
	assert_int_equal(completion_shell("bash"), COMPLETION_BASH);
	assert_int_equal(completion_shell("zsh"), COMPLETION_ZSH);
	assert_int_equal(completion_shell(""), -1);
	assert_int_equal(completion_shell("BASH"), -1);
	assert_int_equal(completion_shell("bash "), -1);
	assert_int_equal(completion_shell("zsh\n"), -1);
	assert_int_equal(completion_shell("fish"), -1);
}

static char *script(int shell, const struct cmd_entry *const *table, const struct cmd_opts *opts)
{
	struct cmd_opts global = { .n = 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	cmd_opts_add_getopt(&global, "+:s:c:hV", NULL);
	assert_int_equal(completion_write(f, shell, &global, table, opts), 0);
	fclose(f);
	return out;
}

/* The shell `sh` parses the text (-n) without complaint. */
static int parses(const char *sh, const char *text)
{
	char path[] = "/tmp/test_completion.XXXXXX", cmd[128];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof cmd, "%s -n %s", sh, path);
	int rc = system(cmd);
	unlink(path);
	return rc == 0;
}

static void test_hostile_summary(void **state)
{
	static const struct cmd_entry evil = { "evil", "evil", "it's: $(touch /tmp/pwn) `x` \"q\"",
	    "", fake_cmd };
	const struct cmd_entry *const table[] = { &fake_entry, &evil, NULL };
	struct cmd_opts opts[2];
	(void)state;
	assert_int_equal(cmd_opts_of(&fake_entry, &opts[0]), 0);
	assert_int_equal(cmd_opts_of(&evil, &opts[1]), 0);
	char *b = script(COMPLETION_BASH, table, opts);
	assert_non_null(strstr(b, "complete -o filenames -F _herd herd\n"));
	assert_non_null(strstr(b, "\tfake) opts='-u -h -x --user --json --nice --help'; "
	    "valued='-u --user --nice' ;;\n"));
	assert_true(parses("bash", b));
	char *z = script(COMPLETION_ZSH, table, opts);
	assert_true(strncmp(z, "#compdef herd\n", 14) == 0);
	/* The summary single-quoted, its ':' escaped for _describe. */
	assert_non_null(strstr(z, "'evil:it'\\''s\\: $(touch /tmp/pwn) `x` \"q\"'"));
	assert_true(parses("bash", "true") && access("/tmp/pwn", F_OK) != 0);
	if (system("command -v zsh >/dev/null") == 0)
		assert_true(parses("zsh", z));
	else
		fprintf(stderr, "test_completion: zsh not installed; its script not parsed\n");
	free(b);
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_of),
		cmocka_unit_test(test_submit_opts),
		cmocka_unit_test(test_add_getopt_bounds),
		cmocka_unit_test(test_shell_names),
		cmocka_unit_test(test_hostile_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

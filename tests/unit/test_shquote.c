/*
 * test_shquote.c — shquote() against real shells.
 *
 * Every hostile string is quoted, put in a script `printf '%s' WORD`, and run
 * by /bin/sh (dash on Debian) and /bin/bash, each under the C and C.UTF-8
 * locales, both as `sh -s` with the script on stdin (how nodes run jobs) and
 * as `sh -c SCRIPT`.  The bytes printed must equal the input exactly.
 * Strings that would run a command if they escaped their quotes touch files
 * in a private mkdtemp directory; the tests assert those files never appear.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "shquote.h"
#include "util.h"

#define OUT_MAX		(4u << 20)
#define ARG_LIMIT	120000	/* below Linux's 128 KiB per-argument limit */

static char tmpdir[64];
static char pwned[3][128];

static const char *shells[] = { "/bin/sh", "/bin/bash" };
static const char *locales[] = { "C", "C.UTF-8" };

/* Run `script` with `shell`, stdin-fed (-s) or as -c; collect stdout. */
static int run_sh(const char *shell, const char *loc, int use_c,
    const char *script, size_t slen, struct buf *out)
{
	char path[128], lc[64], *env[5], *argv[4];
	int p[2], st, in;
	pid_t pid;

	snprintf(path, sizeof path, "%s/script.sh", tmpdir);
	if (!use_c) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write_all(fd, script, slen), 0);
		close(fd);
	}
	snprintf(lc, sizeof lc, "LC_ALL=%s", loc);
	env[0] = "PATH=/usr/bin:/bin";
	env[1] = "HOME=/nonexistent-herd-home";
	env[2] = lc;
	env[3] = "ENV=";
	env[4] = NULL;
	argv[0] = (char *)shell;
	argv[1] = use_c ? "-c" : "-s";
	argv[2] = use_c ? (char *)script : NULL;
	argv[3] = NULL;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		in = open(use_c ? "/dev/null" : path, O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(126);
		execve(shell, argv, env);
		_exit(127);
	}
	close(p[1]);
	buf_reset(out);
	for (;;) {
		char tmp[65536];
		ssize_t n = read(p[0], tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		assert_int_equal(buf_add(out, tmp, (size_t)n), 0);
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		assert_int_equal(errno, EINTR);
	return st;
}

/* Run `script` everywhere it can run and require exactly `want` on stdout. */
static void expect_output(const char *script, size_t slen, const char *want,
    size_t wlen)
{
	struct buf out;

	buf_init(&out, OUT_MAX);
	for (size_t i = 0; i < sizeof shells / sizeof shells[0]; i++) {
		if (access(shells[i], X_OK) != 0) {
			print_message("skip %s: not installed\n", shells[i]);
			continue;
		}
		for (size_t l = 0; l < sizeof locales / sizeof locales[0]; l++) {
			for (int c = 0; c < 2; c++) {
				if (c && slen > ARG_LIMIT)
					continue;
				int st = run_sh(shells[i], locales[l], c, script,
				    slen, &out);
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
				    out.len != wlen ||
				    (wlen && memcmp(out.data, want, wlen) != 0))
					fail_msg("%s %s LC_ALL=%s: status %d, "
					    "got %zu bytes, want %zu", shells[i],
					    c ? "-c" : "-s", locales[l], st,
					    out.len, wlen);
			}
		}
	}
	buf_clear(&out);
}

static void roundtrip(const char *s, size_t len)
{
	struct buf script;

	buf_init(&script, OUT_MAX);
	assert_int_equal(buf_addstr(&script, "printf '%s' "), 0);
	assert_int_equal(shquote(&script, s, len), 0);
	assert_int_equal(buf_addc(&script, '\n'), 0);
	expect_output(script.data, script.len, s, len);
	buf_clear(&script);
}

static void roundtrip_str(const char *s)
{
	roundtrip(s, strlen(s));
}

static void assert_not_pwned(void)
{
	for (size_t i = 0; i < sizeof pwned / sizeof pwned[0]; i++)
		if (access(pwned[i], F_OK) == 0)
			fail_msg("quoted string ran a command: %s exists",
			    pwned[i]);
}

static int setup(void **state)
{
	(void)state;
	strlcpy_h(tmpdir, "/tmp/herd-shquote-XXXXXX", sizeof tmpdir);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof pwned / sizeof pwned[0]; i++)
		snprintf(pwned[i], sizeof pwned[i], "%s/pwned%zu", tmpdir, i);
	return 0;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	for (size_t i = 0; i < sizeof pwned / sizeof pwned[0]; i++)
		unlink(pwned[i]);
	snprintf(path, sizeof path, "%s/script.sh", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

static void t_exact_forms(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "", "''" },
		{ "abc", "'abc'" },
		{ "it's", "'it'\\''s'" },
		{ "'", "''\\'''" },
		{ "''", "''\\'''\\'''" },
		{ "a b", "'a b'" },
	};
	struct buf b;

	(void)state;
	buf_init(&b, 1024);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_reset(&b);
		assert_int_equal(shquote_str(&b, cases[i].in), 0);
		assert_string_equal(b.data, cases[i].want);
	}
	/* Appends: existing contents are kept. */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "x="), 0);
	assert_int_equal(shquote_str(&b, "y"), 0);
	assert_string_equal(b.data, "x='y'");
	buf_clear(&b);
}

static void t_refusals(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	assert_int_equal(buf_addstr(&b, "keep"), 0);
	assert_int_equal(shquote(&b, "a\0b", 3), -1);
	assert_int_equal(shquote(&b, "\0", 1), -1);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "keep");
	/* 4 + 2 + 10 fits exactly; one more byte does not. */
	assert_int_equal(shquote_str(&b, "0123456789"), 0);
	assert_int_equal(b.len, 16);
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "keep"), 0);
	assert_int_equal(shquote_str(&b, "0123456789a"), -1);
	assert_int_equal(shquote_str(&b, "''"), 0);
	assert_int_equal(shquote_str(&b, "'"), -1);
	assert_string_equal(b.data, "keep''\\'''\\'''");
	buf_clear(&b);
	/* Zero length still makes a word. */
	buf_init(&b, 16);
	assert_int_equal(shquote(&b, "", 0), 0);
	assert_string_equal(b.data, "''");
	buf_clear(&b);
}

static void t_hostile(void **state)
{
	char cmd[3][256];
	const char *strs[] = {
		"'", "\"", "''", "'\\''", "\\", "\\\\'", "\\n", "`", ";", "&&",
		"|", "||", "&", ">", "<", ">>/dev/null", "2>&1", "(", ")", "{",
		"}", "#", "# comment", "a b  c", " ", "\t", "\n", "\r\n",
		"a\tb\nc", "$HOME", "${HOME}", "$", "$'a\\nb'", "$\"x\"",
		"$((1+1))", "$0", "$@", "$*", "$#", "$?", "*", "?", "[a]",
		"~", "~/x", "~root", "!", "!!", "!$", "-n", "-e", "-", "--",
		"-n -e", "%s", "%d%n", "%%", "a=b", "IFS=x", "é", "日本",
		"\xc3\x28", "\xff\xfe", "\xc0\xaf", "\x80", "\xed\xa0\x80",
		"\x01", "\x7f", "\x01\x7f\x01", "x\x7f'\x01\\",
		"'$(touch x)'", "\"$(touch x)\"",
	};

	(void)state;
	snprintf(cmd[0], sizeof cmd[0], "$(touch %s)", pwned[0]);
	snprintf(cmd[1], sizeof cmd[1], "`touch %s`", pwned[1]);
	snprintf(cmd[2], sizeof cmd[2], "'; touch %s; '", pwned[2]);
	for (size_t i = 0; i < 3; i++)
		roundtrip_str(cmd[i]);
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		roundtrip_str(strs[i]);
	roundtrip_str("");
	assert_not_pwned();
}

static void t_byte_ranges(void **state)
{
	char s[256];
	size_t n = 0;

	(void)state;
	for (int c = 0x01; c <= 0x1f; c++)
		s[n++] = (char)c;
	roundtrip(s, n);
	n = 0;
	for (int c = 0x80; c <= 0xff; c++)
		s[n++] = (char)c;
	roundtrip(s, n);
	n = 0;
	for (int c = 1; c <= 255; c++)
		s[n++] = (char)c;
	roundtrip(s, n);
	/* And backwards, so each byte has other neighbours. */
	n = 0;
	for (int c = 255; c >= 1; c--)
		s[n++] = (char)c;
	roundtrip(s, n);
}

/* Every single byte as its own word, in one script: `printf '%s\n' W1 W2 ...`. */
static void t_each_byte(void **state)
{
	struct buf script, want;

	(void)state;
	buf_init(&script, OUT_MAX);
	buf_init(&want, OUT_MAX);
	assert_int_equal(buf_addstr(&script, "printf '%s\\n'"), 0);
	for (int c = 1; c <= 255; c++) {
		char ch = (char)c;
		assert_int_equal(buf_addc(&script, ' '), 0);
		assert_int_equal(shquote(&script, &ch, 1), 0);
		assert_int_equal(buf_addc(&want, ch), 0);
		assert_int_equal(buf_addc(&want, '\n'), 0);
	}
	assert_int_equal(buf_addc(&script, '\n'), 0);
	expect_output(script.data, script.len, want.data, want.len);
	buf_clear(&script);
	buf_clear(&want);
}

static void t_big(void **state)
{
	size_t len = 100 * 1024;
	char *s = xmalloc(len);
	uint32_t x = 2463534242u;

	(void)state;
	/* xorshift: deterministic, every byte value, quotes included. */
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		s[i] = (char)(x % 255 + 1);
	}
	roundtrip(s, len);
	/* Worst case for growth: all quotes (the -c form is skipped). */
	memset(s, '\'', len);
	roundtrip(s, len);
	free(s);
	assert_not_pwned();
}

/*
 * Quoted words inside a larger generated command: the argument count must
 * survive (empty strings and strings with blanks stay one word each), and a
 * quoted word glued to other text or another quoted word joins byte-exact.
 */
static void t_concat(void **state)
{
	const char *words[] = {
		"", "a b", "\n", "*", "'", "-n", "$HOME", "", "x'y\"z", "\\",
	};
	size_t nw = sizeof words / sizeof words[0];
	struct buf script, want;

	(void)state;
	buf_init(&script, OUT_MAX);
	buf_init(&want, OUT_MAX);
	assert_int_equal(buf_addstr(&script, "set --"), 0);
	for (size_t i = 0; i < nw; i++) {
		assert_int_equal(buf_addc(&script, ' '), 0);
		assert_int_equal(shquote_str(&script, words[i]), 0);
		assert_int_equal(buf_printf(&want, "[%s]", words[i]), 0);
	}
	assert_int_equal(buf_addstr(&script, "\nprintf '%s:' \"$#\"\n"
	    "for a; do printf '[%s]' \"$a\"; done\n"), 0);
	/* abc<word>def and <word><word> are single words. */
	assert_int_equal(buf_addstr(&script, "printf '<%s>' abc"), 0);
	assert_int_equal(shquote_str(&script, "' \n'"), 0);
	assert_int_equal(buf_addstr(&script, "def "), 0);
	assert_int_equal(shquote_str(&script, "it's"), 0);
	assert_int_equal(shquote_str(&script, "'x'"), 0);
	/* An assignment, as job scripts export their environment. */
	assert_int_equal(buf_addstr(&script, "\nexport HERD_V="), 0);
	assert_int_equal(shquote_str(&script, "a 'b'\n$c"), 0);
	assert_int_equal(buf_addstr(&script, "; printf '%s' \"$HERD_V\"\n"),
	    0);

	char head[32];
	snprintf(head, sizeof head, "%zu:", nw);
	struct buf all;
	buf_init(&all, OUT_MAX);
	assert_int_equal(buf_addstr(&all, head), 0);
	assert_int_equal(buf_add(&all, want.data, want.len), 0);
	assert_int_equal(buf_addstr(&all, "<abc' \n'def><it's'x'>a 'b'\n$c"),
	    0);
	expect_output(script.data, script.len, all.data, all.len);
	buf_clear(&all);
	buf_clear(&script);
	buf_clear(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_exact_forms),
		cmocka_unit_test(t_refusals),
		cmocka_unit_test(t_hostile),
		cmocka_unit_test(t_byte_ranges),
		cmocka_unit_test(t_each_byte),
		cmocka_unit_test(t_big),
		cmocka_unit_test(t_concat),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

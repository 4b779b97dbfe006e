/*
 * test_authkeys.c — the authorized_keys edit of herd register and herd
 * unregister, and the line lab mode writes, against hostile files and
 * hostile parts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "authkeys.h"
#include "lab.h"
#include "util.h"

#define MARK "herd-lab:lab"
#define KEY  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB7f"

static char *edit(const char *in, size_t len, const char *line, int *dropped)
{
	static char out[8192];
	struct buf b;
	buf_init(&b, AUTHKEYS_MAX + 4096);
	*dropped = authkeys_edit(in, len, MARK, line, &b);
	size_t n = b.len < sizeof out - 1 ? b.len : sizeof out - 1;
	memcpy(out, b.data ? b.data : "", n);
	out[n] = '\0';
	buf_clear(&b);
	return out;
}

static void keeps_other_lines(void **state)
{
	(void)state;
	int d;
	const char *in = "ssh-rsa AAAA me@laptop\n# comment herd-lab:lab here\n\nssh-ed25519 BBBB x\r\n";
	assert_string_equal(edit(in, strlen(in), "NEW " MARK, &d),
	    "ssh-rsa AAAA me@laptop\n# comment herd-lab:lab here\n\nssh-ed25519 BBBB x\r\nNEW " MARK "\n");
	assert_int_equal(d, 0);
}

static void replaces_ours_only(void **state)
{
	(void)state;
	int d;
	const char *in = "from=\"10.0.0.1\",restrict " KEY " " MARK "\n"
	    "ssh-ed25519 CCCC herd-lab:lab2\n"
	    "ssh-ed25519 DDDD xherd-lab:lab\n"
	    "ssh-ed25519 EEEE\t" MARK "  \r\n"
	    "last " MARK;
	assert_string_equal(edit(in, strlen(in), NULL, &d),
	    "ssh-ed25519 CCCC herd-lab:lab2\nssh-ed25519 DDDD xherd-lab:lab\n");
	assert_int_equal(d, 3);
}

static void adds_newline_to_last_line(void **state)
{
	(void)state;
	int d;
	assert_string_equal(edit("ssh-rsa AAAA me", 15, "L " MARK, &d), "ssh-rsa AAAA me\nL " MARK "\n");
	assert_string_equal(edit("", 0, NULL, &d), "");
	assert_int_equal(d, 0);
}

static void refuses_binary_and_huge(void **state)
{
	(void)state;
	int d;
	edit("a\0b\n", 4, "L", &d);
	assert_int_equal(d, -1);
	struct buf b;
	buf_init(&b, AUTHKEYS_MAX * 2 + 16);
	static char big[AUTHKEYS_MAX + 2];
	memset(big, 'x', sizeof big);
	assert_int_equal(authkeys_edit(big, sizeof big, MARK, NULL, &b), -1);
	buf_clear(&b);
}

static void lab_line(void **state)
{
	(void)state;
	char out[LAB_LINE_MAX];
	assert_int_equal(lab_authorized_line(out, sizeof out, "10.0.0.5,127.0.0.1", KEY, "lab"), 0);
	assert_string_equal(out, "from=\"10.0.0.5,127.0.0.1\",restrict " KEY " herd-lab:lab");
	/* Parts that would leave their field, or the line. */
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4\",command=\"sh", KEY, "lab"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4 x", KEY, "lab"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4\n", KEY, "lab"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "", KEY, "lab"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4", KEY, "la b"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4", KEY " extra", "lab"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4", "ssh-dss AAAA", "lab"), -1);
	assert_int_equal(lab_authorized_line(out, sizeof out, "1.2.3.4", "ssh-ed25519 AA\"AA", "lab"), -1);
	assert_int_equal(lab_authorized_line(out, 20, "1.2.3.4", KEY, "lab"), -1);
}

/*
 * The line and the marker come from herdd's `lab` answer: a herdd that is
 * not what it should be (or a controller reached through ssh that is
 * someone else's) must not get more than one line of ours into the file,
 * nor make the edit drop the user's own keys.  A line that is not exactly
 * one line ending with the marker, or a marker that is not one word
 * "herd-lab:...", is refused and the file left as it was.
 */
/* authkeys_edit's result on the one line "ssh-rsa AAAA me@laptop". */
static int edit_mine(const char *marker, const char *line)
{
	const char *in = "ssh-rsa AAAA me@laptop\n";
	struct buf b;
	buf_init(&b, AUTHKEYS_MAX + 4096);
	int r = authkeys_edit(in, strlen(in), marker, line, &b);
	buf_clear(&b);
	return r;
}

static void refuses_hostile_line_or_marker(void **state)
{
	(void)state;
	const char *ours = "from=\"127.0.0.1\",restrict " KEY " " MARK;
	/* A second, unrestricted key smuggled after a newline (or a CR). */
	assert_int_equal(edit_mine(MARK, "from=\"127.0.0.1\",restrict " KEY " " MARK
	    "\nssh-ed25519 EVIL x " MARK), -1);
	assert_int_equal(edit_mine(MARK, "from=\"127.0.0.1\",restrict " KEY " " MARK
	    "\rssh-ed25519 EVIL " MARK), -1);
	/* A marker that is the comment of the user's own key: it would go. */
	assert_int_equal(edit_mine("me@laptop", ours), -1);
	assert_int_equal(edit_mine("", ours), -1);
	assert_int_equal(edit_mine("herd-lab:a b", ours), -1);
	/* A line that the marker would not find again (unregister could not remove it). */
	assert_int_equal(edit_mine(MARK, "ssh-ed25519 EVIL other"), -1);
	/* The control: our own line goes in. */
	assert_int_equal(edit_mine(MARK, ours), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_other_lines),
		cmocka_unit_test(replaces_ours_only),
		cmocka_unit_test(adds_newline_to_last_line),
		cmocka_unit_test(refuses_binary_and_huge),
		cmocka_unit_test(lab_line),
		cmocka_unit_test(refuses_hostile_line_or_marker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_authkeys.c — the authorized_keys edit of herd register and herd
 * unregister, and the line lab mode writes, against hostile files and
 * hostile parts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	/* Spelled out, not AUTHKEYS_LAB_OPTS: what sshd is given is pinned here. */
	assert_string_equal(out, "from=\"10.0.0.5,127.0.0.1\",restrict,port-forwarding,"
	    "permitopen=\"localhost:*\",permitlisten=\"localhost:1\" " KEY " herd-lab:lab");
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

/*
 * herd register's check of herdd's line: exactly the form lab.c makes,
 * or nothing goes into authorized_keys.
 */
static void lab_line_exact_form(void **state)
{
	(void)state;
	char out[LAB_LINE_MAX];
	const char *b64 = "AAAAC3NzaC1lZDI1NTE5AAAAIB7f";
	/* What herdd makes is accepted as the line that forwards: the round trip. */
	assert_int_equal(lab_authorized_line(out, sizeof out, "10.0.0.5,127.0.0.1", KEY, "lab"), 0);
	assert_int_equal(authkeys_lab_line_ok(out, MARK), 2);
	/* The line from before port-forward (restrict alone) still, as the old one. */
	assert_int_equal(authkeys_lab_line_ok("from=\"10.0.0.*,!10.0.0.9,[::1]\",restrict "
	    "ecdsa-sha2-nistp256 AAAAE2Vj== herd-lab:gpu_lab-2.x", "herd-lab:gpu_lab-2.x"), 1);
	assert_int_equal(authkeys_lab_line_ok("from=\"1.2.3.4\",restrict " KEY " " MARK, MARK), 1);
	static const char *const bad[] = {
		/* options a herdd that is not the lab's would add */
		"from=\"127.0.0.1\",restrict,command=\"/bin/sh\" ssh-ed25519 AAAA " MARK,
		"from=\"127.0.0.1\",command=\"x\" ssh-ed25519 AAAA " MARK,
		"from=\"127.0.0.1\" ssh-ed25519 AAAA " MARK,
		"restrict ssh-ed25519 AAAA " MARK,
		"ssh-ed25519 AAAA " MARK,
		"from=\"\",restrict ssh-ed25519 AAAA " MARK,
		"from=\"*\",restrict,permitopen=\"x\" ssh-ed25519 AAAA " MARK,
		"from=\"127.0.0.1 x\",restrict ssh-ed25519 AAAA " MARK,
		"from=\"127.0.0.1\\\",restrict ssh-ed25519 AAAA " MARK,
		/* the forwarding line widened, reordered or cut short */
		"from=\"1.2.3.4\",restrict,port-forwarding ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"*:*\","
		    "permitlisten=\"localhost:1\" ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"10.0.0.1:*\","
		    "permitlisten=\"localhost:1\" ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"localhost:*\" "
		    "ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"localhost:*\","
		    "permitlisten=\"*:*\" ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitlisten=\"localhost:1\","
		    "permitopen=\"localhost:*\" ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"localhost:*\","
		    "permitlisten=\"localhost:1\",pty ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"localhost:*\","
		    "permitlisten=\"localhost:1\",command=\"sh\" ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"localhost:*\","
		    "permitlisten=\"localhost:1\"  ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",port-forwarding,permitopen=\"localhost:*\","
		    "permitlisten=\"localhost:1\" ssh-ed25519 AAAA " MARK,
		"from=\"1.2.3.4\",restrict,port-forwarding,permitopen=\"localhost:*\","
		    "permitlisten=\"localhost:1\" restrict ssh-ed25519 AAAA " MARK,
		/* a second key, or text after ours */
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA " MARK "\nssh-ed25519 EVIL " MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA " MARK "\r",
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA " MARK " ",
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA ssh-ed25519 BBBB " MARK,
		/* a wrong type, key or spacing */
		"from=\"127.0.0.1\",restrict ssh-dss AAAA " MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519  AAAA " MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519 AA=AA " MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519 AA\"AA " MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519  " MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA\t" MARK,
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA " MARK "x",
		"from=\"127.0.0.1\",restrict ssh-ed25519 AAAA herd-lab:other",
		" from=\"127.0.0.1\",restrict ssh-ed25519 AAAA " MARK,
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (authkeys_lab_line_ok(bad[i], MARK))
			fail_msg("accepted: %s", bad[i]);
	/* Markers that are not one "herd-lab:NAME" word. */
	char line[256];
	snprintf(line, sizeof line, "from=\"1.2.3.4\",restrict ssh-ed25519 %s herd-lab:", b64);
	assert_false(authkeys_lab_line_ok(line, "herd-lab:"));
	snprintf(line, sizeof line, "from=\"1.2.3.4\",restrict ssh-ed25519 %s me@laptop", b64);
	assert_false(authkeys_lab_line_ok(line, "me@laptop"));
	snprintf(line, sizeof line, "from=\"1.2.3.4\",restrict ssh-ed25519 %s herd-lab:a\"b", b64);
	assert_false(authkeys_lab_line_ok(line, "herd-lab:a\"b"));
	assert_true(authkeys_pubkey_ok("ssh-rsa", "AAAA=="));
	assert_false(authkeys_pubkey_ok("ssh-rsa", "AA=A"));
	assert_false(authkeys_pubkey_ok("ssh-rsa", ""));
	assert_false(authkeys_pubkey_ok("ssh-rsa-cert", "AAAA"));
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
		cmocka_unit_test(lab_line_exact_form),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

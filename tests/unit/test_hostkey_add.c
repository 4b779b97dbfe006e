/*
 * Unit tests for ssh_hostkey_add (ssh.c), herd init's one write into the
 * user's known_hosts: a line appended, never glued to a last line that a
 * hand edit left without its newline (both keys would be lost: ssh and
 * libssh2 read "host type key" and ignore the rest of a line); the file
 * made 0600 when new.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ssh.h"

static char dir[] = "/tmp/herd-test-hostkey.XXXXXX";

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void get(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void appended(void **state)
{
	(void)state;
	struct ssh_hostkey k = { .state = SSH_HOSTKEY_UNKNOWN };
	char path[256], text[1024], err[256];
	struct stat st;
	snprintf(k.line, sizeof k.line, "[node1]:2222 ssh-ed25519 BBBB\n");

	/* A new file: the line alone, 0600. */
	snprintf(path, sizeof path, "%s/new", dir);
	assert_int_equal(ssh_hostkey_add(path, &k, err, sizeof err), 0);
	get(path, text, sizeof text);
	assert_string_equal(text, "[node1]:2222 ssh-ed25519 BBBB\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* An empty one, and one that ends in a newline: appended as is. */
	snprintf(path, sizeof path, "%s/empty", dir);
	put(path, "");
	assert_int_equal(ssh_hostkey_add(path, &k, err, sizeof err), 0);
	get(path, text, sizeof text);
	assert_string_equal(text, "[node1]:2222 ssh-ed25519 BBBB\n");
	snprintf(path, sizeof path, "%s/ends", dir);
	put(path, "gpu1 ssh-ed25519 AAAA\n");
	assert_int_equal(ssh_hostkey_add(path, &k, err, sizeof err), 0);
	get(path, text, sizeof text);
	assert_string_equal(text, "gpu1 ssh-ed25519 AAAA\n[node1]:2222 ssh-ed25519 BBBB\n");

	/* A last line without its newline keeps its key: a newline first. */
	snprintf(path, sizeof path, "%s/open", dir);
	put(path, "gpu1 ssh-ed25519 AAAA");
	assert_int_equal(ssh_hostkey_add(path, &k, err, sizeof err), 0);
	get(path, text, sizeof text);
	assert_string_equal(text, "gpu1 ssh-ed25519 AAAA\n[node1]:2222 ssh-ed25519 BBBB\n");

	/* Not writable: an error naming the file. */
	snprintf(path, sizeof path, "%s/no-such-dir/x/known_hosts", dir);
	assert_int_not_equal(ssh_hostkey_add(path, &k, err, sizeof err), 0);
	assert_non_null(strstr(err, path));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(appended),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

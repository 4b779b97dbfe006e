/*
 * test_safepath.c — who may change the socket's directory: the rule on
 * one entry (pure), then real directories made here with the modes the
 * rule is about.
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

#include "safepath.h"

static const uid_t svc[] = { 1000 };
/* 1000 as the client's own user (strong), and as the listener (weak). */
static const struct safepath_trust mine = { svc, 1, NULL, 0 };
static const struct safepath_trust theirs = { NULL, 0, svc, 1 };
static const struct safepath_trust nobody = { NULL, 0, NULL, 0 };

static void entry_rule(void **state)
{
	(void)state;
	/* Owned by root or a trusted uid, written by its owner only. */
	assert_null(safepath_entry(S_IFDIR | 0755, 0, 1, 0755, &mine));
	assert_null(safepath_entry(S_IFDIR | 0755, 1000, 1, 0755, &mine));
	assert_null(safepath_entry(S_IFDIR | 0700, 1000, 0, 0755, &mine));
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1001, 1, 0755, &mine), "owner");
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1001, 0, 0755, &mine), "owner");
	/* Group or other write: refused, the socket's own directory even sticky. */
	assert_string_equal(safepath_entry(S_IFDIR | 0775, 1000, 1, 0755, &mine), "mode");
	assert_string_equal(safepath_entry(S_IFDIR | 0757, 0, 0, 0755, &mine), "mode");
	assert_string_equal(safepath_entry(S_IFDIR | 01777, 0, 1, 0755, &mine), "mode");
	/* Above it, /tmp: sticky and root's; not sticky, or not root's: refused. */
	assert_null(safepath_entry(S_IFDIR | 01777, 0, 0, 0755, &mine));
	assert_string_equal(safepath_entry(S_IFDIR | 0777, 0, 0, 0755, &mine), "mode");
	assert_string_equal(safepath_entry(S_IFDIR | 01777, 1000, 0, 0755, &mine), "mode");
	/* A link: its owner only (where it leads is walked too); not a directory. */
	assert_null(safepath_entry(S_IFLNK | 0777, 0, 0, 0755, &mine));
	assert_string_equal(safepath_entry(S_IFLNK | 0777, 1001, 0, 0755, &mine), "owner");
	assert_string_equal(safepath_entry(S_IFREG | 0644, 0, 1, 0755, &mine), "type");
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1000, 1, 0755, &nobody), "owner");
	/* The listener's own directory: only where nobody else could make it
	 * (not below /tmp, sticky or not); root's or the caller's may be. */
	assert_null(safepath_entry(S_IFDIR | 0755, 1000, 1, 0755, &theirs));
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1000, 1, 01777, &theirs), "squat");
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1000, 0, 01777, &theirs), "squat");
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1000, 1, 0775, &theirs), "squat");
	assert_null(safepath_entry(S_IFDIR | 0755, 1000, 1, 01777, &mine));
	assert_null(safepath_entry(S_IFDIR | 0755, 0, 1, 01777, &theirs));
	assert_string_equal(safepath_entry(S_IFDIR | 0755, 1001, 1, 0755, &theirs), "owner");
}

static void real_dirs(void **state)
{
	(void)state;
	char base[] = "/tmp/safepath.XXXXXX", d[256], l[256], err[1024];
	uid_t me = geteuid();
	struct safepath_trust t = { &me, 1, NULL, 0 };
	assert_non_null(mkdtemp(base));
	assert_int_equal(chmod(base, 0755), 0);
	snprintf(d, sizeof d, "%s/run", base);
	assert_int_equal(mkdir(d, 0755), 0);
	/* /tmp (sticky, root's) above: fine. */
	assert_int_equal(safepath_check(d, "the socket's directory", &t, err, sizeof err), 0);
	/* The directory itself writable by others. */
	assert_int_equal(chmod(d, 0777), 0);
	assert_int_equal(safepath_check(d, "the socket's directory", &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "writable by other users"));
	assert_non_null(strstr(err, "chmod go-w"));
	assert_non_null(strstr(err, d));
	/* One above it: named as such. */
	assert_int_equal(chmod(d, 0755), 0);
	assert_int_equal(chmod(base, 0777), 0);
	assert_int_equal(safepath_check(d, "the socket's directory", &t, err, sizeof err), -1);
	assert_non_null(strstr(err, base));
	assert_non_null(strstr(err, "above"));
	/* Through a link to a safe directory, with trailing and double slashes. */
	assert_int_equal(chmod(base, 0755), 0);
	snprintf(l, sizeof l, "%s/link", base);
	assert_int_equal(symlink(d, l), 0);
	snprintf(l, sizeof l, "%s//link/", base);
	assert_int_equal(safepath_check(l, "the socket's directory", &t, err, sizeof err), 0);
	/* ... and to an unsafe one: the real path is walked too. */
	assert_int_equal(chmod(d, 0777), 0);
	assert_int_equal(safepath_check(l, "the socket's directory", &t, err, sizeof err), -1);
	/* Missing. */
	snprintf(l, sizeof l, "%s/none", base);
	assert_int_equal(safepath_check(l, "the socket's directory", &t, err, sizeof err), -1);
	snprintf(l, sizeof l, "rm -rf %s", base);
	assert_int_equal(system(l), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_rule),
		cmocka_unit_test(real_dirs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for svc_share.c: --share-with's list (good, hostile, too
 * many, unknown users, from a table of users instead of /etc/passwd), the
 * uid check a forward asks, and OWNER/NAME.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "svc_share.h"
#include "util.h"

/* Users bob (1001), carol (1002), u0..u39 (2000+) and "x.y-z_9" (7). */
static int lookup(const char *name, uint32_t *uid, void *arg)
{
	int *calls = arg, k;
	char tail;
	(*calls)++;
	if (strcmp(name, "bob") == 0)
		*uid = 1001;
	else if (strcmp(name, "carol") == 0)
		*uid = 1002;
	else if (strcmp(name, "x.y-z_9") == 0)
		*uid = 7;
	else if (sscanf(name, "u%d%c", &k, &tail) == 1 && k >= 0 && k < 40)
		*uid = 2000 + (uint32_t)k;
	else
		return -1;
	return 0;
}

static void resolves(void **state)
{
	(void)state;
	char names[SVC_SHARE_NAMES_MAX], uids[SVC_SHARE_UIDS_MAX], err[HERD_ERRLEN];
	int calls = 0;
	assert_int_equal(svc_share_resolve("bob", lookup, &calls, names, uids, err, sizeof err), 0);
	assert_string_equal(names, "bob");
	assert_string_equal(uids, "1001");
	assert_int_equal(svc_share_resolve("carol,bob,x.y-z_9", lookup, &calls, names, uids, err,
	    sizeof err), 0);
	assert_string_equal(names, "carol,bob,x.y-z_9");
	assert_string_equal(uids, "1002,1001,7");
}

static void refuses(void **state)
{
	(void)state;
	char names[SVC_SHARE_NAMES_MAX], uids[SVC_SHARE_UIDS_MAX], err[HERD_ERRLEN];
	char big[SVC_SHARE_USER_MAX + 2];
	static const struct { const char *in, *says; } bad[] = {
		{ "", "user names separated by commas" },
		{ ",", "an empty user name" },
		{ "bob,", "an empty user name" },
		{ ",bob", "an empty user name" },
		{ "bob,,carol", "an empty user name" },
		{ "dave", "no such user on this machine: \"dave\"" },
		{ "bob,dave", "no such user on this machine: \"dave\"" },
		{ "bob,bob", "a user named twice: \"bob\"" },
		{ "-bob", "no user name: \"-bob\"" },
		{ "bob carol", "no user name" },
		{ "bob;id", "no user name" },
		{ "$(id)", "no user name" },
		{ "../etc", "no user name" },
		{ "a\nb", "no user name: \"a\\nb\"" },
		{ "b\033[2Jx", "no user name: \"b\\033[2Jx\"" },
		{ "bob/carol", "no user name" },
		{ "ünï", "no user name" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int calls = 0;
		err[0] = '\0';
		assert_int_equal(svc_share_resolve(bad[i].in, lookup, &calls, names, uids, err,
		    sizeof err), -1);
		if (strstr(err, bad[i].says) == NULL)
			fail_msg("\"%s\": said \"%s\", not \"%s\"", bad[i].in, err, bad[i].says);
		assert_null(strchr(err, '\n'));
		assert_null(strchr(err, '\033'));
	}
	/* A shape that is no user name never reaches the user database. */
	int calls = 0;
	assert_int_equal(svc_share_resolve("$(id)", lookup, &calls, names, uids, err, sizeof err),
	    -1);
	assert_int_equal(calls, 0);
	assert_int_equal(svc_share_resolve(NULL, lookup, &calls, names, uids, err, sizeof err), -1);
	/* 32 bytes is a name; 33 is not. */
	memset(big, 'u', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(svc_share_resolve(big, lookup, &calls, names, uids, err, sizeof err), -1);
	assert_non_null(strstr(err, "no user name"));
}

/* At most 32 users: 32 fill both lists to their bounds; 33 are refused. */
static void at_most_32(void **state)
{
	(void)state;
	char names[SVC_SHARE_NAMES_MAX], uids[SVC_SHARE_UIDS_MAX], err[HERD_ERRLEN];
	char list[1024] = "";
	int calls = 0;
	for (int k = 0; k < SVC_SHARE_MAX; k++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%su%d", k ? "," : "", k);
	assert_int_equal(svc_share_resolve(list, lookup, &calls, names, uids, err, sizeof err), 0);
	assert_string_equal(names, list);
	assert_true(svc_share_has(uids, 2000));
	assert_true(svc_share_has(uids, 2031));
	assert_false(svc_share_has(uids, 2032));
	strcat(list, ",u32");
	assert_int_equal(svc_share_resolve(list, lookup, &calls, names, uids, err, sizeof err), -1);
	assert_non_null(strstr(err, "at most 32 users"));
}

static void has(void **state)
{
	(void)state;
	assert_true(svc_share_has("1001", 1001));
	assert_true(svc_share_has("1002,1001", 1001));
	assert_true(svc_share_has("0,4294967295", 4294967295u));
	assert_false(svc_share_has("1001", 100));
	assert_false(svc_share_has("10010", 1001));
	assert_false(svc_share_has("", 0));
	assert_false(svc_share_has(NULL, 0));
	/* Malformed (not what resolve writes): no one, never a partial match. */
	static const char *const bad[] = { "x1001", "1001x", "-1001", "1001,,", " 1001",
		"4294967296", "99999999999999999999", ",1001" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strcmp(bad[i], "1001,,") != 0)
			assert_false(svc_share_has(bad[i], 1001));
	/* A match before the malformed part is still a match. */
	assert_true(svc_share_has("1001,,", 1001));
	assert_false(svc_share_has("5,,1001", 1001));
}

static void refs(void **state)
{
	(void)state;
	char owner[SVC_SHARE_USER_MAX + 1];
	const char *name;
	assert_int_equal(svc_ref_split("web", owner, &name), 0);
	assert_string_equal(owner, "");
	assert_string_equal(name, "web");
	assert_int_equal(svc_ref_split("alice/web", owner, &name), 0);
	assert_string_equal(owner, "alice");
	assert_string_equal(name, "web");
	assert_int_equal(svc_ref_split("alice/", owner, &name), 0);
	assert_string_equal(name, "");	/* the name's own check refuses it */
	static const char *const bad[] = { "/web", "a/b/c", "-x/web", "a b/web", "$(id)/web",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/web", "a\n/web" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(svc_ref_split(bad[i], owner, &name), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolves),
		cmocka_unit_test(refuses),
		cmocka_unit_test(at_most_32),
		cmocka_unit_test(has),
		cmocka_unit_test(refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_authz.c — who may do what, as a table: every action by the job's
 * owner, another user, a configured admin, root and herdd's own user.
 * D: refused, O: allowed as the owner (or open to all), A: allowed by
 * admin power (on another's job: audited).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "authz.h"

#define OWNER_UID 1000u

/* The requesters, in the table's column order. */
static const struct authz_who who[] = {
	{ .uid = OWNER_UID },			/* owner */
	{ .uid = 1001 },			/* other */
	{ .uid = 1002, .admin = 1 },		/* admin (from [controller] admins) */
	{ .uid = 0 },				/* root */
	{ .uid = 999, .herdd = 1 },		/* herdd's own user */
};
#define NWHO (sizeof who / sizeof who[0])

static const struct {
	enum authz_action a;
	const char *name;
	const char verdicts[NWHO + 1];	/* owner other admin root herdd */
} table[] = {
	{ AUTHZ_LIST, "list", "OOOOO" },
	{ AUTHZ_CANCEL, "cancel", "ODAAA" },
	{ AUTHZ_HOLD, "hold", "ODAAA" },
	{ AUTHZ_RELEASE, "release", "ODAAA" },
	{ AUTHZ_REQUEUE, "requeue", "ODAAA" },
	{ AUTHZ_UPDATE, "update", "ODAAA" },
	{ AUTHZ_READ_SCRIPT, "read_script", "ODAAA" },
	{ AUTHZ_READ_ENV, "read_env", "ODAAA" },
	{ AUTHZ_READ_OUTPUT, "read_output", "ODAAA" },
	{ AUTHZ_SHELL, "shell", "ODAAA" },
	/* The owner is no admin: their own job's admin hold is not theirs to lift. */
	{ AUTHZ_HOLD_ADMIN, "hold_admin", "DDAAA" },
	{ AUTHZ_NODE_ADMIN, "node_admin", "DDAAA" },
	/* herdd's own files: root and herdd's user, not [controller] admins. */
	{ AUTHZ_RECONFIGURE, "reconfigure", "DDDAA" },
	{ AUTHZ_AUDIT_READ, "audit_read", "DDAAA" },
};

static char letter(enum authz_verdict v)
{
	return v == AUTHZ_DENY ? 'D' : v == AUTHZ_OWNER ? 'O' : v == AUTHZ_ADMIN ? 'A' : '?';
}

static void every_action_every_requester(void **state)
{
	(void)state;
	/* Every action is in the table: a new one must be decided here too. */
	assert_int_equal(sizeof table / sizeof table[0], AUTHZ_NACTIONS);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		char got[NWHO + 1] = { 0 };
		for (size_t k = 0; k < NWHO; k++)
			got[k] = letter(authz_decide(&who[k], table[i].a, OWNER_UID));
		if (strcmp(got, table[i].verdicts) != 0)
			fail_msg("%s: got %s, want %s (owner other admin root herdd)",
			    table[i].name, got, table[i].verdicts);
		assert_string_equal(authz_action_name(table[i].a), table[i].name);
	}
}

/* An admin's (or root's) own job is an owner's action: nothing to audit. */
static void admins_own_jobs(void **state)
{
	(void)state;
	for (size_t k = 2; k < NWHO; k++) {
		assert_int_equal(authz_decide(&who[k], AUTHZ_CANCEL, (uint32_t)who[k].uid), AUTHZ_OWNER);
		assert_int_equal(authz_decide(&who[k], AUTHZ_READ_ENV, (uint32_t)who[k].uid),
		    AUTHZ_OWNER);
		assert_int_equal(authz_decide(&who[k], AUTHZ_HOLD_ADMIN, (uint32_t)who[k].uid),
		    AUTHZ_OWNER);
	}
}

/* Actions on no job; an unknown action and an ownerless job are nobody's. */
static void no_owner_and_unknown(void **state)
{
	(void)state;
	assert_int_equal(authz_decide(&who[1], AUTHZ_AUDIT_READ, AUTHZ_NO_OWNER), AUTHZ_DENY);
	assert_int_equal(authz_decide(&who[2], AUTHZ_AUDIT_READ, AUTHZ_NO_OWNER), AUTHZ_ADMIN);
	assert_int_equal(authz_decide(&who[2], AUTHZ_NODE_ADMIN, AUTHZ_NO_OWNER), AUTHZ_ADMIN);
	assert_int_equal(authz_decide(&who[1], AUTHZ_LIST, AUTHZ_NO_OWNER), AUTHZ_OWNER);
	/* uid (uid_t)-1 never owns the "no owner" job */
	const struct authz_who nobody = { .uid = (uid_t)-1 };
	assert_int_equal(authz_decide(&nobody, AUTHZ_CANCEL, AUTHZ_NO_OWNER), AUTHZ_DENY);
	assert_int_equal(authz_decide(&who[0], AUTHZ_NACTIONS, OWNER_UID), AUTHZ_DENY);
	assert_int_equal(authz_decide(&who[3], (enum authz_action)-1, OWNER_UID), AUTHZ_DENY);
	assert_string_equal(authz_action_name(AUTHZ_NACTIONS), "?");
	assert_int_equal(authz_is_admin(&who[0]), 0);
	assert_int_equal(authz_is_admin(&who[1]), 0);
	assert_int_equal(authz_is_admin(&who[2]), 1);
	assert_int_equal(authz_is_admin(&who[3]), 1);
	assert_int_equal(authz_is_admin(&who[4]), 1);
}

/* Ownership compares whole uids, high ones and nobody's too (from test_job.c's
 * rule before authz.c took it over). */
static void ownership_by_uid(void **state)
{
	(void)state;
	static const struct { uint32_t owner; uid_t actor; int may; } cases[] = {
		{ 1000, 1000, 1 },	/* owner */
		{ 1000, 1001, 0 },	/* another user */
		{ 1000, 999, 0 },
		{ 1000, 0, 1 },		/* root */
		{ 0, 0, 1 },		/* root's own job */
		{ 0, 1000, 0 },		/* a user on root's job */
		{ 65534, 65534, 1 },	/* nobody owns its own */
		{ 65534, 1000, 0 },
		{ 4294967294u, 4294967294u, 1 },	/* high uids compare whole */
		{ 4294967294u, 1000, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct authz_who w = { .uid = cases[i].actor };
		assert_int_equal(authz_decide(&w, AUTHZ_CANCEL, cases[i].owner) != AUTHZ_DENY,
		    cases[i].may);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_action_every_requester),
		cmocka_unit_test(admins_own_jobs),
		cmocka_unit_test(no_owner_and_unknown),
		cmocka_unit_test(ownership_by_uid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_drain.c — herd drain's pure parts and its storage: which reasons
 * are taken, how the shown reason reads ("TEXT [user@time]", Slurm's), and
 * that a drain is kept by node name across a reopen of the database, and
 * survives the node's boot id being written (the same row).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctl.h"
#include "db.h"
#include "util.h"

static void reasons(void **state)
{
	(void)state;
	static const struct {
		const char *r;
		int ok;
	} t[] = {
		{ "", 1 }, { "disk swap", 1 }, { "é GPU 3 \xe2\x9a\xa0", 1 }, { "a\tb", 0 },
		{ "two\nlines", 0 }, { "esc \x1b[2J", 0 }, { "del \x7f", 0 }, { "bad \xff", 0 },
		{ "c1 \xc2\x9b", 0 },	/* a C1 control: an 8-bit escape */
		{ "nbsp \xc2\xa0", 1 },
		{ "overlong \xc0\xaf", 0 },
	};
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		err[0] = '\0';
		int rc = drain_reason_check(t[i].r, err, sizeof err);
		if ((rc == 0) != t[i].ok)
			fail_msg("reason #%zu: %d, %s", i, rc, err);
		if (!t[i].ok)
			assert_non_null(strstr(err, "invalid reason"));
	}
	char big[DRAIN_REASON_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(drain_reason_check(big, err, sizeof err), -1);
	big[DRAIN_REASON_MAX] = '\0';
	assert_int_equal(drain_reason_check(big, err, sizeof err), 0);
}

static void shown(void **state)
{
	(void)state;
	char b[128];
	setenv("TZ", "UTC", 1);
	tzset();
	drain_text(b, sizeof b, "disk swap", "alice", 1714557600);
	assert_string_equal(b, "disk swap [alice@2024-05-01T10:00:00]");
	drain_text(b, sizeof b, "", "root", 0);
	assert_string_equal(b, "[root@1970-01-01T00:00:00]");
	drain_text(b, 12, "disk swap", "alice", 0);	/* cut, terminated */
	assert_string_equal(b, "disk swap [");
}

struct seen {
	char names[4][32], reasons[4][64];
	int64_t since[4];
	size_t n;
};

static int each(void *arg, const char *name, const char *reason, int64_t since)
{
	struct seen *s = arg;
	if (s->n < 4) {
		strlcpy_h(s->names[s->n], name, sizeof s->names[0]);
		strlcpy_h(s->reasons[s->n], reason ? reason : "(null)", sizeof s->reasons[0]);
		s->since[s->n] = since;
	}
	s->n++;
	return 0;
}

static void stored(void **state)
{
	(void)state;
	char dir[] = "/tmp/herd-test-drain.XXXXXX", path[64], p[80], err[HERD_ERRLEN];
	struct db *db = NULL;
	struct seen s = { 0 };
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/herd.db", dir);
	unsetenv("HERD_FAULT_DB");
	if (db_open(&db, path, err, sizeof err) != 0)
		fail_msg("db_open: %s", err);
	assert_int_equal(db_node_set_boot(db, "node1", "b1"), 0);
	assert_int_equal(db_node_drain(db, "node1", "x [m@t]", 10), 0);
	assert_int_equal(db_node_drain(db, "node2", "y [m@t]", 11), 0);	/* no row yet */
	assert_int_equal(db_node_drain(db, "node2", "z [m@t]", 12), 0);	/* again: replaced */
	assert_int_equal(db_node_set_boot(db, "node2", "b2"), 0);	/* keeps the drain */
	assert_int_equal(db_node_resume(db, "node3", 13), 0);	/* none: nothing */
	db_close(db);
	db = NULL;
	if (db_open(&db, path, err, sizeof err) != 0)
		fail_msg("db_open again: %s", err);
	assert_int_equal(db_node_drains(db, each, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "node1");
	assert_string_equal(s.reasons[0], "x [m@t]");
	assert_int_equal(s.since[0], 10);
	assert_string_equal(s.names[1], "node2");
	assert_string_equal(s.reasons[1], "z [m@t]");
	char boot[32] = "";
	assert_int_equal(db_node_get_boot(db, "node1", boot, sizeof boot), 1);
	assert_string_equal(boot, "b1");
	assert_int_equal(db_node_resume(db, "node1", 14), 0);
	memset(&s, 0, sizeof s);
	assert_int_equal(db_node_drains(db, each, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.names[0], "node2");
	assert_int_equal(db_node_get_boot(db, "node1", boot, sizeof boot), 1);
	assert_string_equal(boot, "b1");	/* a resume keeps the row's boot id */
	db_close(db);
	static const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", path, sfx[i]);
		unlink(p);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reasons),
		cmocka_unit_test(shown),
		cmocka_unit_test(stored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for db.c on a real SQLite file in a temporary directory: the
 * files are private (0600, the -wal and -shm too, whatever the umask) and
 * the caller's umask is left as it was; HERD_FAULT_DB fails exactly the
 * step it names, a failed step or commit leaves nothing behind once rolled
 * back, and a bad fault spec stops db_open instead of arming nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "job.h"
#include "util.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	strcpy(f->dir, "/tmp/herd-test-db.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/herd.db", f->dir);
	unsetenv("HERD_FAULT_DB");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[160];
	static const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, sfx[i]);
		unlink(p);
	}
	rmdir(f->dir);
	unsetenv("HERD_FAULT_DB");
	free(f);
	return 0;
}

static struct db *open_db(struct fixture *f, const char *fault)
{
	struct db *db = NULL;
	char err[HERD_ERRLEN];
	if (fault != NULL)
		setenv("HERD_FAULT_DB", fault, 1);
	else
		unsetenv("HERD_FAULT_DB");
	if (db_open(&db, f->path, err, sizeof err) != 0)
		fail_msg("db_open: %s", err);
	return db;
}

/* One submit as ctl_submit does it: begin, insert, commit; rollback on error. */
static int submit(struct db *db, int64_t *id)
{
	struct job_row r;
	struct job_data d = { 0 };
	job_row_init(&r);
	r.uid = 1000;
	r.user = "alice";
	r.name = "j";
	r.state = JOB_PENDING;
	r.cpus = 1;
	r.workdir = "/w";
	r.submit_time = 1;
	d.script = "true\n";
	d.script_len = 5;
	if (db_begin(db) != 0 || db_job_insert(db, &r, &d) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		return -1;
	}
	*id = r.id;
	return 0;
}

static int set_state(struct db *db, int64_t id, int st)
{
	struct job_row r;
	job_row_init(&r);
	if (db_job_get(db, id, &r) != 1)
		return -1;
	r.state = st;
	int rc = 0;
	if (db_begin(db) != 0 || db_job_update(db, &r) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		rc = -1;
	}
	job_row_clear(&r);
	return rc;
}

static int state_of(struct db *db, int64_t id)
{
	struct job_row r;
	job_row_init(&r);
	int found = db_job_get(db, id, &r), st = found == 1 ? r.state : -1;
	job_row_clear(&r);
	return st;
}

static int count_active(void *arg, const struct job_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void assert_mode(const char *path, const char *sfx, mode_t want)
{
	char p[160];
	struct stat st;
	snprintf(p, sizeof p, "%s%s", path, sfx);
	if (stat(p, &st) != 0)
		fail_msg("%s does not exist", p);
	if ((st.st_mode & 0777) != want)
		fail_msg("%s: mode %04o, expected %04o", p, (unsigned)(st.st_mode & 0777),
		    (unsigned)want);
}

/* A lax umask (0) must still give private files, and come back unchanged. */
static void files_are_private(void **state)
{
	struct fixture *f = *state;
	mode_t old = umask(0);
	struct db *db = open_db(f, NULL);
	int64_t id;
	assert_int_equal(submit(db, &id), 0);
	assert_int_equal(umask(0), 0);	/* db_open restored the caller's umask */
	assert_mode(f->path, "", 0600);
	assert_mode(f->path, "-wal", 0600);
	assert_mode(f->path, "-shm", 0600);
	db_close(db);
	umask(old);
}

static void fault_fails_only_the_nth_insert(void **state)
{
	struct fixture *f = *state;
	struct db *db = open_db(f, "insert:2");
	int64_t a = 0, b = 0, c = 0;
	assert_int_equal(submit(db, &a), 0);
	assert_int_equal(submit(db, &b), -1);
	assert_non_null(strstr(db_errmsg(db), "HERD_FAULT_DB"));
	assert_int_equal(submit(db, &c), 0);	/* the 3rd works again */
	int n = 0;
	assert_int_equal(db_jobs_active(db, count_active, &n), 0);
	assert_int_equal(n, 2);
	db_close(db);
}

/* A commit that fails, rolled back, leaves no job: after a reopen too. */
static void failed_commit_stores_nothing(void **state)
{
	struct fixture *f = *state;
	struct db *db = open_db(f, "commit:1");
	int64_t a = 0, b = 0;
	assert_int_equal(submit(db, &a), -1);
	assert_int_equal(submit(db, &b), 0);
	db_close(db);
	db = open_db(f, NULL);
	int n = 0;
	assert_int_equal(db_jobs_active(db, count_active, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(state_of(db, b), JOB_PENDING);
	db_close(db);
}

/* "N+": a disk that stays broken; a reopen without the fault heals it, and
 * what was committed before the fault is still there, nothing else. */
static void onward_fault_and_restart(void **state)
{
	struct fixture *f = *state;
	struct db *db = open_db(f, "update:2+");
	int64_t id;
	assert_int_equal(submit(db, &id), 0);
	assert_int_equal(set_state(db, id, JOB_LAUNCHING), 0);
	assert_int_equal(set_state(db, id, JOB_RUNNING), -1);
	assert_int_equal(set_state(db, id, JOB_RUNNING), -1);
	assert_int_equal(set_state(db, id, JOB_COMPLETED), -1);
	assert_int_equal(state_of(db, id), JOB_LAUNCHING);
	assert_int_equal(submit(db, &id), 0);	/* inserts are not affected */
	db_close(db);
	db = open_db(f, NULL);
	assert_int_equal(state_of(db, 1), JOB_LAUNCHING);
	assert_int_equal(state_of(db, 2), JOB_PENDING);
	assert_int_equal(set_state(db, 1, JOB_COMPLETED), 0);
	assert_int_equal(state_of(db, 1), JOB_COMPLETED);
	db_close(db);
}

static void fault_on_begin(void **state)
{
	struct fixture *f = *state;
	struct db *db = open_db(f, "begin:1,commit:3");
	int64_t id;
	assert_int_equal(submit(db, &id), -1);	/* begin #1 */
	assert_int_equal(submit(db, &id), 0);	/* commit #1 (begin #2) */
	assert_int_equal(submit(db, &id), 0);
	assert_int_equal(submit(db, &id), -1);	/* commit #3 */
	int n = 0;
	assert_int_equal(db_jobs_active(db, count_active, &n), 0);
	assert_int_equal(n, 2);
	db_close(db);
}

static void bad_fault_spec_refused(void **state)
{
	struct fixture *f = *state;
	static const char *bad[] = {
		"update", "update:", "update:0", "update:-1", "update:x", "update:3x",
		"write:1", "commit:1,", "commit:1;insert:2", "commit:99999999999999999999999",
		":1", "commit:1++",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct db *db = NULL;
		char err[HERD_ERRLEN] = "";
		setenv("HERD_FAULT_DB", bad[i], 1);
		if (db_open(&db, f->path, err, sizeof err) == 0)
			fail_msg("HERD_FAULT_DB=\"%s\" accepted", bad[i]);
		assert_null(db);
		assert_non_null(strstr(err, "invalid HERD_FAULT_DB"));
	}
	unsetenv("HERD_FAULT_DB");
}

static int state_bit(void *arg, const struct job_row *r)
{
	*(unsigned *)arg |= 1u << r->state;
	return 0;
}

/*
 * Which stored jobs are loaded as active and which are history follows
 * job_state_is_final(), the one definition, for every state: a state
 * added later lands on the right side without an edit here or in db.c.
 * An ended job still holding resources is loaded too (herdd goes on
 * stopping it).
 */
static void active_and_history_follow_final(void **state)
{
	struct fixture *f = *state;
	struct db *db = open_db(f, NULL);
	unsigned want_active = 0, want_final = 0, active = 0, history = 0;
	for (int s = 0; s < JOB_NSTATES; s++) {
		int64_t id;
		assert_int_equal(submit(db, &id), 0);
		assert_int_equal(set_state(db, id, s), 0);
		if (job_state_is_final((enum job_state)s))
			want_final |= 1u << s;
		else
			want_active |= 1u << s;
	}
	assert_int_equal(db_jobs_active(db, state_bit, &active), 0);
	assert_int_equal(db_jobs_history(db, (uint32_t)-1, 100, state_bit, &history), 0);
	assert_int_equal(active, want_active);
	assert_int_equal(history, want_final);

	/* A cancelled job still being killed on its node. */
	struct job_row r;
	job_row_init(&r);
	assert_int_equal(db_job_get(db, JOB_CANCELLED + 1, &r), 1);
	assert_int_equal(r.state, JOB_CANCELLED);
	r.held = 1;
	assert_int_equal(db_job_update(db, &r), 0);
	job_row_clear(&r);
	active = 0;
	assert_int_equal(db_jobs_active(db, state_bit, &active), 0);
	assert_int_equal(active, want_active | 1u << JOB_CANCELLED);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(files_are_private, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_fails_only_the_nth_insert, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_commit_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(onward_fault_and_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_on_begin, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_fault_spec_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(active_and_history_follow_final, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

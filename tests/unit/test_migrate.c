/*
 * Unit test of the schema migration: a database as the last release
 * (a2e795f, schema version 3) left it, with a pending, a running, a cancelled job
 * still held on its node and a completed one, is opened by this db.c and
 * must come out at the current version with every job as it was: same
 * ids, states, nodes, GPUs, times, scripts; requeue on (Slurm's default);
 * ended jobs counted as their first attempt, active ones keeping the
 * attempt that names their files on the node; an empty attempts table
 * that takes records; and new ids above the old ones.
 *
 * The old schema is written here as that release's SQL, not taken from
 * db.c's migrations[], so an edit of an old migration cannot hide a break.
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
#include <sqlite3.h>

#include "db.h"
#include "job.h"
#include "util.h"

/* The schema of the last release (a2e795f: user_version 3), and its data. */
static const char old_release[] =
    "CREATE TABLE jobs("
    "  id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL DEFAULT 0,"
    "  uid INTEGER NOT NULL, user TEXT, name TEXT NOT NULL,"
    "  state INTEGER NOT NULL, reason TEXT, exit_code INTEGER NOT NULL DEFAULT -1,"
    "  node TEXT, gpus INTEGER NOT NULL, gpu_list TEXT, cpus INTEGER NOT NULL,"
    "  mem_mb INTEGER NOT NULL, time_limit INTEGER NOT NULL,"
    "  submit_time INTEGER NOT NULL, start_time INTEGER, end_time INTEGER,"
    "  workdir TEXT NOT NULL, out_tmpl TEXT, err_tmpl TEXT,"
    "  array_parent INTEGER, array_index INTEGER);"
    "CREATE INDEX jobs_state ON jobs(state);"
    "CREATE TABLE job_data(id INTEGER PRIMARY KEY, script BLOB NOT NULL,"
    "  argv BLOB, env BLOB);"
    "CREATE TABLE nodes(name TEXT PRIMARY KEY, boot_id TEXT, state TEXT, reason TEXT,"
    "  state_time INTEGER);"
    "CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "INSERT INTO meta(k, v) VALUES('instance', 'c0ffee01');"
    "ALTER TABLE jobs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX jobs_held ON jobs(held) WHERE held=1;"
    "PRAGMA user_version=3;"
    /* id 7 pending, 8 running on node2 with GPUs 1,3, 9 cancelled and still
     * held (being killed), 10 completed. */
    "INSERT INTO jobs(id,attempt,uid,user,name,state,reason,exit_code,node,gpus,gpu_list,"
    "  cpus,mem_mb,time_limit,submit_time,start_time,end_time,workdir,out_tmpl,err_tmpl,held)"
    " VALUES"
    " (7,0,1000,'alice','prep',0,NULL,-1,NULL,1,NULL,2,1024,600,1700000000,NULL,NULL,"
    "  '/home/alice','out-%j.log',NULL,0),"
    " (8,0,1000,'alice','train',2,NULL,-1,'node2',2,'1,3',8,65536,0,1700000001,1700000100,"
    "  NULL,'/home/alice',NULL,NULL,1),"
    " (9,0,1001,'bob','sweep',5,'cancelled',-1,'node1',0,NULL,1,0,60,1700000002,1700000050,"
    "  1700000060,'/home/bob',NULL,'err-%j',1),"
    " (10,0,1001,'bob','eval',3,NULL,0,'node3',1,'0',4,2048,3600,1700000003,1700000010,"
    "  1700000020,'/home/bob',NULL,NULL,0);"
    "INSERT INTO job_data(id,script,argv,env) VALUES"
    " (7,'#!/bin/sh\necho prep\n',NULL,NULL),"
    " (8,'#!/bin/sh\necho train\n',NULL,NULL),"
    " (9,'#!/bin/sh\nsleep 1\n',NULL,NULL),"
    " (10,'#!/bin/sh\ntrue\n',NULL,NULL);"
    "INSERT INTO nodes(name, boot_id) VALUES('node2', 'boot-2');";

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	sqlite3 *h;
	strcpy(f->dir, "/tmp/herd-test-migrate.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/herd.db", f->dir);
	unsetenv("HERD_FAULT_DB");
	if (sqlite3_open(f->path, &h) != SQLITE_OK ||
	    sqlite3_exec(h, old_release, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "old schema: %s\n", sqlite3_errmsg(h));
		sqlite3_close(h);
		return -1;
	}
	sqlite3_close(h);
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
	free(f);
	return 0;
}

static int user_version(const char *path)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	int v = -1;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static struct db *open_db(struct fixture *f)
{
	struct db *db = NULL;
	char err[HERD_ERRLEN];
	if (db_open(&db, f->path, err, sizeof err) != 0)
		fail_msg("db_open of the old release's database: %s", err);
	return db;
}

static void get(struct db *db, int64_t id, struct job_row *r)
{
	job_row_init(r);
	assert_int_equal(db_job_get(db, id, r), 1);
}

static int count_active(void *arg, const struct job_row *r)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int count_attempts(void *arg, const struct attempt_row *a)
{
	assert_int_equal(a->job_id, 10);
	assert_int_equal(a->attempt, 1);
	assert_string_equal(a->node, "node3");
	assert_int_equal(a->state, JOB_COMPLETED);
	(*(int *)arg)++;
	return 0;
}

static void jobs_survive(void **state)
{
	struct fixture *f = *state;
	struct job_row r;
	struct job_data d = { 0 };
	char inst[64], boot[64];
	int n = 0;

	assert_int_equal(user_version(f->path), 3);
	struct db *db = open_db(f);
	assert_true(user_version(f->path) > 3);

	get(db, 7, &r);
	assert_int_equal(r.state, JOB_PENDING);
	assert_int_equal(r.attempt, 0);		/* not renumbered: the scan matches it */
	assert_string_equal(r.user, "alice");
	assert_string_equal(r.name, "prep");
	assert_int_equal(r.gpus, 1);
	assert_int_equal(r.cpus, 2);
	assert_int_equal(r.mem_mb, 1024);
	assert_int_equal(r.time_limit_s, 600);
	assert_int_equal(r.submit_time, 1700000000);
	assert_string_equal(r.out_tmpl, "out-%j.log");
	assert_null(r.err_tmpl);
	assert_int_equal(r.requeue, 1);
	job_row_clear(&r);

	get(db, 8, &r);
	assert_int_equal(r.state, JOB_RUNNING);
	assert_int_equal(r.attempt, 0);		/* names its directory on node2 */
	assert_string_equal(r.node, "node2");
	assert_string_equal(r.gpu_list, "1,3");
	assert_int_equal(r.start_time, 1700000100);
	assert_int_equal(r.held, 1);
	assert_int_equal(r.requeue, 1);
	job_row_clear(&r);

	get(db, 9, &r);
	assert_int_equal(r.state, JOB_CANCELLED);
	assert_int_equal(r.held, 1);
	assert_int_equal(r.attempt, 0);		/* still being killed by that key */
	assert_string_equal(r.err_tmpl, "err-%j");
	job_row_clear(&r);

	get(db, 10, &r);
	assert_int_equal(r.state, JOB_COMPLETED);
	assert_int_equal(r.attempt, 1);		/* ended: its first attempt */
	assert_int_equal(r.exit_code, 0);
	assert_int_equal(r.end_time, 1700000020);
	job_row_clear(&r);

	assert_int_equal(db_job_get_data(db, 7, &d), 0);
	assert_string_equal(d.script, "#!/bin/sh\necho prep\n");
	assert_null(d.command);		/* not known to that release */
	assert_int_equal(d.ntasks, 1);
	job_data_clear(&d);

	/* Restart: pending, running and held jobs come back. */
	assert_int_equal(db_jobs_active(db, count_active, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(db_instance(db, inst, sizeof inst), 0);
	assert_string_equal(inst, "c0ffee01");		/* same job keys on the nodes */
	assert_int_equal(db_node_get_boot(db, "node2", boot, sizeof boot), 1);
	assert_string_equal(boot, "boot-2");

	/* The new table takes an attempt record; the job row keeps its own. */
	struct attempt_row a = { .job_id = 10, .attempt = 1, .node = "node3", .gpu_list = "0",
	    .start_time = 1700000010, .end_time = 1700000020, .state = JOB_COMPLETED,
	    .exit_code = 0, .reason = NULL };
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_attempt_insert(db, &a), 0);
	assert_int_equal(db_commit(db), 0);
	n = 0;
	assert_int_equal(db_attempts(db, 10, count_attempts, &n), 0);
	assert_int_equal(n, 1);

	/* A new job gets an id above the old ones. */
	struct job_data nd = { .script = "#!/bin/sh\n", .script_len = 10 };
	job_row_init(&r);
	r.uid = 1000;
	r.user = "alice";
	r.name = "new";
	r.workdir = "/tmp";
	r.attempt = 1;
	r.submit_time = 1700000009;
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_job_insert(db, &r, &nd), 0);
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(r.id, 11);
	db_close(db);

	/* Opening it again migrates nothing more and loses nothing. */
	db = open_db(f);
	get(db, 8, &r);
	assert_string_equal(r.gpu_list, "1,3");
	job_row_clear(&r);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(jobs_survive, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for jobfield.c: the table describes struct job_row truly
 * (every member reached, sizes right), and a row survives the database
 * through it field by field.
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

#include "db.h"
#include "job.h"
#include "jobfield.h"
#include "util.h"

static void table_is_sound(void **state)
{
	(void)state;
	assert_string_equal(jobfields[0].name, "id");	/* json_job writes it first */
	for (size_t i = 0; i < njobfields; i++) {
		const struct jobfield *f = &jobfields[i];
		assert_true(f->off + f->size <= sizeof(struct job_row));
		if (f->kind == JF_STR || f->kind == JF_LIST)
			assert_int_equal(f->size, sizeof(char *));
		else
			assert_true(f->size == 4 || f->size == 8);
		assert_ptr_equal(jobfield_find(f->name), f);
		for (size_t k = i + 1; k < njobfields; k++) {
			assert_string_not_equal(f->name, jobfields[k].name);
			assert_string_not_equal(f->col, jobfields[k].col);
			assert_true(f->off != jobfields[k].off);
		}
	}
	assert_null(jobfield_find("nope"));
}

/* Every field written through the table comes back equal. */
static void row_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/herd-test-jobfield-XXXXXX", path[128], err[HERD_ERRLEN];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/herd.db", dir);
	struct db *db;
	assert_int_equal(db_open(&db, path, err, sizeof err), 0);

	struct job_row r, back;
	job_row_init(&r);
	job_row_init(&back);
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		char v[32];
		snprintf(v, sizeof v, "v%zu", k);
		if (f->kind == JF_STR)
			jobfield_set_str(&r, f, xstrdup(v));
		else if (f->kind == JF_LIST)
			jobfield_set_str(&r, f, xstrdup("0,3"));
		else if (f->kind == JF_STATE)
			jobfield_set_int(&r, f, JOB_RUNNING);
		else
			jobfield_set_int(&r, f, (int64_t)(1000 + k));
	}
	struct job_data d = { .script = "#!/bin/sh\n", .script_len = 10, .ntasks = 1 };
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_job_insert(db, &r, &d), 0);
	assert_int_equal(db_job_update(db, &r), 0);	/* the held flag and the rest */
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_job_get(db, r.id, &back), 1);
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->kind == JF_STR || f->kind == JF_LIST)
			assert_string_equal(jobfield_str(&back, f), jobfield_str(&r, f));
		else
			assert_int_equal(jobfield_int(&back, f), jobfield_int(&r, f));
	}
	struct job_row copy;
	job_row_init(&copy);
	job_row_copy(&copy, &back);
	assert_string_equal(copy.name, back.name);
	assert_ptr_not_equal(copy.name, back.name);
	job_row_clear(&copy);
	job_row_clear(&back);
	job_row_clear(&r);
	db_close(db);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_sound),
		cmocka_unit_test(row_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

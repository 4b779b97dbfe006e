/*
 * Unit tests for jobfield.c: the table describes struct job_row and
 * struct job truly (every member reached, sizes right), a row survives the
 * database through it field by field, and every field of JOB_FIELDS is
 * carried the whole way: row -> database -> the controller's memory (its
 * load at start) -> the row it writes and the frame it sends, equal.
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

#include "config.h"
#include "ctl_internal.h"
#include "db.h"
#include "job.h"
#include "jobfield.h"
#include "probe.h"
#include "proto.h"
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
		if (f->moff != JF_NOMEM) {
			assert_true(f->moff + f->msize <= sizeof(struct job));
			assert_true(f->kind != JF_LIST);	/* a list is derived */
		}
		for (size_t k = i + 1; k < njobfields; k++) {
			assert_string_not_equal(f->name, jobfields[k].name);
			assert_string_not_equal(f->col, jobfields[k].col);
			assert_true(f->off != jobfields[k].off);
			assert_true(f->moff == JF_NOMEM || f->moff != jobfields[k].moff);
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

/*
 * A value for every field, none its default.  A derived field's (D in
 * JOB_FIELDS) must mean something to the controller that rebuilds it;
 * every other gets one by its kind and its width in memory.
 */
static void special_values(struct job_row *r)
{
	r->state = JOB_RUNNING;	/* so the load restores its placement */
	jobfield_set_str(r, jobfield_find("node"), xstrdup("gpu1"));
	jobfield_set_str(r, jobfield_find("gpus"), xstrdup("0,3"));
	r->gpus = 2;
	r->held = 1;
	jobfield_set_str(r, jobfield_find("array_tasks"), xstrdup("5-9%3"));
	r->array_throttle = 3;
	jobfield_set_str(r, jobfield_find("array_spec"), xstrdup("0-9%3"));
	jobfield_set_str(r, jobfield_find("dependency"), xstrdup("afterok:7"));
	jobfield_set_str(r, jobfield_find("warn_signal"), xstrdup("USR1@90"));
	jobfield_set_str(r, jobfield_find("gpu_uuids"), xstrdup("GPU-0,GPU-3"));
	r->umask = 027;
}

static void distinct_values(struct job_row *r)
{
	for (size_t k = 1; k < njobfields; k++) {	/* the insert makes the id */
		const struct jobfield *f = &jobfields[k];
		char v[32];
		snprintf(v, sizeof v, "v%zu", k);
		if (f->kind == JF_STR || f->kind == JF_LIST)
			jobfield_set_str(r, f, xstrdup(v));
		else if (f->moff != JF_NOMEM && f->msize == 1)
			jobfield_set_int(r, f, (int64_t)(2 + k));	/* not 0 nor requeue's 1 */
		else
			jobfield_set_int(r, f, (int64_t)(1000 + k));
	}
	special_values(r);
}

static void assert_rows_equal(const struct job_row *a, const struct job_row *b)
{
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->kind == JF_STR || f->kind == JF_LIST) {
			if (jobfield_str(a, f) == NULL || jobfield_str(b, f) == NULL)
				fail_msg("field %s: \"%s\" became \"%s\"", f->name,
				    jobfield_str(a, f) ? jobfield_str(a, f) : "(null)",
				    jobfield_str(b, f) ? jobfield_str(b, f) : "(null)");
			if (strcmp(jobfield_str(a, f), jobfield_str(b, f)) != 0)
				fail_msg("field %s: \"%s\" became \"%s\"", f->name,
				    jobfield_str(a, f), jobfield_str(b, f));
		} else if (jobfield_int(a, f) != jobfield_int(b, f))
			fail_msg("field %s: %lld became %lld", f->name,
			    (long long)jobfield_int(a, f), (long long)jobfield_int(b, f));
	}
}

/* Every JF_FRAME field of r in m as r has it (a state by its name). */
static void assert_frame_equal(const struct msg *m, const struct job_row *r)
{
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		uint32_t len;
		const char *v = msg_get(m, f->name, &len);
		if (!(f->flags & JF_FRAME)) {
			assert_null(v);
			continue;
		}
		if (v == NULL)
			fail_msg("field %s: not in the frame", f->name);
		if (f->kind == JF_STATE)
			assert_string_equal(v, job_state_name((enum job_state)jobfield_int(r, f)));
		else if (f->kind == JF_STR || f->kind == JF_LIST)
			assert_string_equal(v, jobfield_str(r, f));
		else if (msg_geti(m, f->name, -12345) != jobfield_int(r, f))
			fail_msg("field %s: %lld in the frame, %lld stored", f->name,
			    (long long)msg_geti(m, f->name, -12345), (long long)jobfield_int(r, f));
	}
}

/*
 * The whole way: a row with every field set is stored; the controller
 * loads it at start (database -> row -> struct job), and both what it
 * would write back (struct job -> row -> database) and what it sends
 * (the frame of its view) equal what was stored.  A field added to
 * JOB_FIELDS that any step drops fails here, by name.
 */
static void memory_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/herd-test-jobrec-XXXXXX", path[256], err[HERD_ERRLEN];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/hosts.ini", dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp, "[controller]\ncluster = t\nstate_dir = %s\n\n"
	    "[node gpu1]\nhost = 127.0.0.1\nport = 1\n", dir);
	fclose(fp);
	struct config cfg;
	assert_int_equal(config_load(path, &cfg, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/herd.db", dir);
	struct db *db;
	assert_int_equal(db_open(&db, path, err, sizeof err), 0);

	struct job_row r, back;
	job_row_init(&r);
	job_row_init(&back);
	distinct_values(&r);
	struct job_data d = { .script = "#!/bin/sh\n", .script_len = 10, .ntasks = 1 };
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(db_job_insert(db, &r, &d), 0);
	r.array_job_id = r.id;	/* the array's own record: it keeps its pending tasks */
	assert_int_equal(db_job_update(db, &r), 0);
	assert_int_equal(db_commit(db), 0);

	struct ctl c;
	assert_int_equal(ctl_init(&c, &cfg, db, NULL, err, sizeof err), 0);
	struct job *j = ctl_find(&c, r.id);
	assert_non_null(j);
	/* The node's probe: GPU positions 0-3 are nvidia-smi indices 0-3. */
	struct node *n = &c.nodes[0];
	n->probe.gpus = xcalloc(4, sizeof *n->probe.gpus);
	for (int g = 0; g < 4; g++)
		n->probe.gpus[g].index = g;
	n->probe.ngpus = 4;
	n->have_probe = 1;

	struct job_row view;
	char gl[64];
	ctl_job_view(&c, j, &view, gl, sizeof gl);
	assert_rows_equal(&r, &view);

	struct msg m;
	msg_init(&m, "job");
	jobfield_frame(&m, &view, 1);
	assert_frame_equal(&m, &r);
	msg_clear(&m);

	/* Written back from memory, as at its next state change. */
	assert_int_equal(ctl_commit_job(&c, j), 0);
	assert_int_equal(db_job_get(db, r.id, &back), 1);
	assert_rows_equal(&r, &back);

	n->life = NODE_GONE;	/* its workers were never started */
	assert_int_equal(ctl_clear(&c), 0);
	job_row_clear(&back);
	job_row_clear(&r);
	db_close(db);
	config_clear(&cfg);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_sound),
		cmocka_unit_test(row_round_trip),
		cmocka_unit_test(memory_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

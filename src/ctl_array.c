/*
 * ctl_array.c — job arrays in the controller: one record until tasks start.
 *
 * Theory of operation: `herd submit --array=0-99999` writes ONE row, the
 * array's record (id == array_job_id), whose array_tasks column holds the
 * tasks not started yet as text ("0-99999%8"); in memory it is one struct
 * job with a struct job_array (a few ranges, arrayspec.h).  The queue, the
 * database and a listing all see one job, whatever the array's size.
 *
 * The scheduler asks for up to `slots` tasks of an array a pass (the throttle
 * less the tasks now active, ctl_array_slots()).  Starting task T is, in the
 * pass's one transaction: a new row for T (its own job id, array_job_id,
 * array_task_id; its script is the array's, never copied) and the record's
 * array_tasks without T; only after the commit does its launch leave.  The
 * last task takes the array's record itself, as in Slurm (the array's job id
 * is then that task's SLURM_JOB_ID), so no empty record stays behind.  A
 * crash before the commit changes nothing; after it, the task row is a job
 * like any other and the restart finds it; so the throttle, counted from the
 * rows, holds across restarts.
 *
 * Cancelling tasks that have not started removes them from the pending set;
 * an array whose pending set empties (and whose record is not a task yet)
 * ends CANCELLED.  Started tasks are cancelled as jobs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"
#include "launch.h"
#include "log.h"
#include "util.h"

/* ---- the record's array part ---- */

static void set_text(struct job_array *a)
{
	struct buf b;
	free(a->pending_text);
	a->pending_text = NULL;
	if (a->pending.n == 0)
		return;
	buf_init(&b, ARRAYSPEC_TEXT_MAX * 2);
	if (arrayspec_format(&a->pending, &b) == 0)
		a->pending_text = buf_detach(&b, NULL);
	else
		buf_clear(&b);
}

void ctl_array_from_row(struct job *j, const struct job_row *r)
{
	char err[HERD_ERRLEN];
	if (r->array_spec == NULL || r->array_job_id != r->id)
		return;
	j->array = xcalloc(1, sizeof *j->array);
	arrayspec_init(&j->array->pending);
	j->array->spec = intern(r->array_spec);
	if (r->array_tasks != NULL && r->array_tasks[0] != '\0' &&
	    arrayspec_parse(&j->array->pending, r->array_tasks, ARRAYSPEC_MAX_SIZE, err,
	    sizeof err) != 0)
		log_error("job %" PRId64 ": pending tasks not readable: %s", r->id, err);
	j->array->pending.throttle = (uint32_t)(r->array_throttle > 0 ? r->array_throttle : 0);
	set_text(j->array);
}

void ctl_array_free(struct job *j)
{
	if (j->array == NULL)
		return;
	arrayspec_clear(&j->array->pending);
	free(j->array->pending_text);
	intern_release(j->array->spec);
	free(j->array);
	j->array = NULL;
}

void ctl_array_view(const struct job *j, struct job_row *r)
{
	if (j->array == NULL)
		return;
	r->array_tasks = j->array->pending_text;
	r->array_throttle = (int32_t)j->array->pending.throttle;
	r->array_spec = (char *)j->array->spec;
}

int ctl_array_pending(const struct job *j)
{
	return j->array != NULL && j->array->pending.n > 0;
}

/* ---- throttle ---- */

uint64_t ctl_array_active(struct ctl *c, int64_t array_id)
{
	uint64_t n = 0;
	/* Tasks get ids after their array's: only the tail of the table. */
	for (size_t i = ctl_lower_bound(c, array_id); i < c->njobs; i++) {
		const struct job *t = c->jobs[i];
		if (t->array_job_id == array_id && t->array_task_id >= 0 &&
		    (!job_state_is_final(t->state) || t->held))
			n++;
	}
	return n;
}

uint64_t ctl_array_slots(struct ctl *c, const struct job *j)
{
	uint64_t pending = arrayspec_count(&j->array->pending);
	uint32_t th = j->array->pending.throttle;
	if (th == 0)
		return pending;
	uint64_t active = ctl_array_active(c, j->id);
	uint64_t free_slots = active >= th ? 0 : th - active;
	return free_slots < pending ? free_slots : pending;
}

/* ---- starting a task ---- */

void ctl_array_undo_init(struct array_undo *u)
{
	memset(u, 0, sizeof *u);
}

static void remember(struct array_undo *u, struct job *p)
{
	for (size_t i = 0; i < u->nsaved; i++)
		if (u->saved[i].parent == p)
			return;
	if (u->nsaved == u->capsaved) {
		u->capsaved = u->capsaved ? u->capsaved * 2 : 8;
		u->saved = xreallocarray(u->saved, u->capsaved, sizeof *u->saved);
	}
	struct array_saved *s = &u->saved[u->nsaved++];
	s->parent = p;
	s->task_id = p->array_task_id;
	arrayspec_init(&s->pending);
	arrayspec_copy(&s->pending, &p->array->pending);
}

/*
 * Take task `task` out of the array's pending set and return the job that
 * runs it: a new task (its row inserted, in the caller's transaction) or,
 * for the last task, the array's record itself.  NULL on a database error
 * (the caller rolls back and calls ctl_array_undo_rollback()).
 */
struct job *ctl_array_task_start(struct ctl *c, struct job *p, uint32_t task,
    struct array_undo *u)
{
	remember(u, p);
	arrayspec_remove(&p->array->pending, task);
	set_text(p->array);
	if (p->array->pending.n == 0) {
		p->array_task_id = (int32_t)task;	/* the record is its last task */
		return p;
	}
	if (ctl_persist(c, p) != 0)
		return NULL;

	struct job_row view, row;
	char gl[512];
	ctl_job_view(c, p, &view, gl, sizeof gl);
	job_row_init(&row);
	job_row_copy(&row, &view);
	row.id = 0;
	row.state = JOB_PENDING;
	free(row.reason);
	row.reason = NULL;
	free(row.node);
	row.node = NULL;
	free(row.gpu_list);
	row.gpu_list = NULL;
	row.exit_code = -1;
	row.start_time = row.end_time = 0;
	row.held = 0;
	row.array_job_id = p->id;
	row.array_task_id = (int32_t)task;
	free(row.array_tasks);
	row.array_tasks = NULL;
	free(row.array_spec);
	row.array_spec = NULL;
	row.array_throttle = 0;
	if (db_job_insert(c->db, &row, NULL) != 0) {
		log_error("job %" PRId64 "_%u: %s", p->id, task, db_errmsg(c->db));
		job_row_clear(&row);
		return NULL;
	}
	struct job *t = ctl_job_new(&row);
	job_row_clear(&row);
	if (u->nchildren == u->capchildren) {
		u->capchildren = u->capchildren ? u->capchildren * 2 : 8;
		u->children = xreallocarray(u->children, u->capchildren, sizeof *u->children);
	}
	u->children[u->nchildren++] = t;
	return t;
}

/* Committed: the new tasks join the table (their ids are the highest). */
void ctl_array_undo_commit(struct ctl *c, struct array_undo *u)
{
	for (size_t i = 0; i < u->nchildren; i++) {
		const struct job *t = u->children[i];
		log_info("job %" PRId64 " is task %" PRId64 "_%d", t->id, t->array_job_id,
		    t->array_task_id);
		ctl_table_add(c, u->children[i]);
	}
	for (size_t i = 0; i < u->nsaved; i++) {
		struct array_saved *s = &u->saved[i];
		if (s->parent->array_task_id >= 0 && s->task_id < 0)
			log_info("job %" PRId64 " is task %" PRId64 "_%d, the array's last",
			    s->parent->id, s->parent->id, s->parent->array_task_id);
		arrayspec_clear(&s->pending);
	}
	free(u->children);
	free(u->saved);
	ctl_array_undo_init(u);
}

/* Not committed: the arrays as they were, the new tasks forgotten. */
void ctl_array_undo_rollback(struct ctl *c, struct array_undo *u)
{
	for (size_t i = 0; i < u->nchildren; i++) {
		ctl_disarm(c, u->children[i]);	/* placed (armed) before its commit failed */
		ctl_job_free(u->children[i]);
	}
	for (size_t i = 0; i < u->nsaved; i++) {
		struct array_saved *s = &u->saved[i];
		arrayspec_clear(&s->parent->array->pending);
		s->parent->array->pending = s->pending;	/* moved */
		s->parent->array_task_id = s->task_id;
		set_text(s->parent->array);
	}
	free(u->children);
	free(u->saved);
	ctl_array_undo_init(u);
}

/* ---- a task that can never start ---- */

void ctl_array_task_never(struct ctl *c, struct job *p, uint32_t task)
{
	if (!ctl_array_pending(p) || arrayspec_remove(&p->array->pending, task) != 1)
		return;
	set_text(p->array);
	log_info("job %" PRId64 "_%u: its dependency can never be satisfied; cancelled "
	    "(DependencyNeverSatisfied)", p->id, task);
	c->deps_dirty = 1;	/* jobs depending on this array count it as failed */
	if (p->array->pending.n == 0 && p->array_task_id < 0)
		ctl_event(c, p, EV_NEVER, 0, NULL);	/* nothing of it left to start */
	else
		ctl_commit_job(c, p);
}

/* ---- cancel ---- */

/*
 * Cancel the tasks of array `id` in `sel` (NULL: all of it, the pending
 * set and every active task).  Returns how many were cancelled, or -1 with
 * *err; 0 with *err when none was active.  *is_array says whether id names
 * an array at all (when not, nothing was done).
 */
static int64_t cancel_tasks(struct ctl *c, int64_t id, const struct arrayspec *sel, uid_t uid,
    int *is_array, char *err, size_t errsz)
{
	struct job *p = ctl_find(c, id);
	struct job_row r;
	int64_t n = 0;
	enum authz_verdict v;
	uint32_t owner;
	char user[64];

	*is_array = 0;
	job_row_init(&r);
	if (p == NULL || p->array == NULL) {
		int found = ctl_job_get(c, id, &r);
		if (found < 0) {
			snprintf(err, errsz, "%s", db_errmsg(c->db));
			job_row_clear(&r);
			return -1;
		}
		if (found == 0 || r.array_spec == NULL || r.array_job_id != id) {
			job_row_clear(&r);
			return 0;
		}
		*is_array = 1;
		v = ctl_authz(c, uid, AUTHZ_CANCEL, r.uid);
		owner = r.uid;
		strlcpy_h(user, r.user ? r.user : "", sizeof user);
		job_row_clear(&r);
		if (v == AUTHZ_DENY)
			return ctl_not_yours(id, user[0] ? user : NULL, err, errsz);
		p = NULL;	/* ended: only started tasks may be left */
	} else {
		*is_array = 1;
		v = ctl_authz(c, uid, AUTHZ_CANCEL, p->uid);
		owner = p->uid;
		strlcpy_h(user, p->user ? p->user : "", sizeof user);
		if (v == AUTHZ_DENY)
			return ctl_not_yours(id, p->user, err, errsz);
	}
	if (p != NULL && ctl_array_pending(p)) {
		uint64_t removed;
		if (sel == NULL) {
			removed = arrayspec_count(&p->array->pending);
			uint32_t th = p->array->pending.throttle;
			arrayspec_clear(&p->array->pending);
			arrayspec_init(&p->array->pending);
			p->array->pending.throttle = th;
		} else
			removed = arrayspec_remove_set(&p->array->pending, sel);
		if (removed > 0) {
			set_text(p->array);
			n += (int64_t)removed;
			log_info("job %" PRId64 ": %" PRIu64 " pending task(s) cancelled", id, removed);
			if (p->array->pending.n == 0)
				ctl_event(c, p, EV_CANCEL, 0, NULL);	/* nothing of it left to start */
			else
				ctl_commit_job(c, p);
		}
	}
	for (size_t i = ctl_lower_bound(c, id); i < c->njobs; i++) {
		struct job *t = c->jobs[i];
		if (t->array_job_id != id || t->array_task_id < 0 || job_state_is_final(t->state))
			continue;
		if (sel != NULL && !arrayspec_has(sel, (uint32_t)t->array_task_id))
			continue;
		if (ctl_event(c, t, EV_CANCEL, 0, NULL) == 0)
			n++;
	}
	if (n > 0 && v == AUTHZ_ADMIN) {
		char detail[64];
		snprintf(detail, sizeof detail, "%" PRId64 " task(s)%s", n, sel ? "" : ", all of it");
		ctl_audit(c, uid, AUTHZ_CANCEL, id, owner, user[0] ? user : NULL, detail);
	}
	return n;
}

int ctl_array_cancel(struct ctl *c, int64_t id, uid_t uid, char *err, size_t errsz)
{
	int is_array;
	err[0] = '\0';
	int64_t n = cancel_tasks(c, id, NULL, uid, &is_array, err, errsz);
	if (n < 0)
		return -1;
	if (!is_array)
		return 1;
	if (n == 0) {
		snprintf(err, errsz, "job array %" PRId64 " has already ended", id);
		return -1;
	}
	return 0;
}

int ctl_cancel_ref(struct ctl *c, const struct jobref *ref, uid_t uid, char *err,
    size_t errsz)
{
	struct arrayspec one;
	const struct arrayspec *sel = &ref->tasks;
	int is_array;

	if (ref->kind == JOBREF_JOB)
		return ctl_cancel(c, ref->id, uid, err, errsz);
	arrayspec_init(&one);
	if (ref->kind == JOBREF_TASK) {
		char t[32];
		snprintf(t, sizeof t, "%u", ref->task);
		arrayspec_parse(&one, t, ARRAYSPEC_MAX_SIZE, err, errsz);
		sel = &one;
	}
	err[0] = '\0';
	int64_t n = cancel_tasks(c, ref->id, sel, uid, &is_array, err, errsz);
	arrayspec_clear(&one);
	if (n < 0)
		return -1;
	if (!is_array) {
		struct job_row r;
		job_row_init(&r);
		int found = ctl_job_get(c, ref->id, &r);
		ctl_refuse(c, AUTHZ_CANCEL, &r, found, ref->id, uid, "is not a job array", err,
		    errsz);
		job_row_clear(&r);
		return -1;
	}
	if (n > 0)
		return 0;
	if (ref->kind == JOBREF_TASK) {
		struct job_row r;
		job_row_init(&r);
		if (db_array_task_get(c->db, ref->id, ref->task, &r) == 1)
			snprintf(err, errsz, "job %" PRId64 "_%u has already ended (%s)", ref->id,
			    ref->task, job_state_name(r.state));
		else
			snprintf(err, errsz, "job array %" PRId64 " has no task %u", ref->id,
			    ref->task);
		job_row_clear(&r);
	} else
		snprintf(err, errsz, "job array %" PRId64 ": none of those tasks is pending "
		    "or running", ref->id);
	return -1;
}

/* ---- finding a task ---- */

int ctl_array_task_job(struct ctl *c, int64_t array_id, uint32_t task, int64_t *id)
{
	struct job *p = ctl_find(c, array_id);
	if (p != NULL && ctl_array_pending(p) && arrayspec_has(&p->array->pending, task)) {
		*id = array_id;		/* not started: the array's record tells it */
		return 1;
	}
	for (size_t i = ctl_lower_bound(c, array_id); i < c->njobs; i++) {
		const struct job *t = c->jobs[i];
		if (t->array_job_id == array_id && t->array_task_id == (int32_t)task) {
			*id = t->id;
			return 1;
		}
	}
	struct job_row r;
	job_row_init(&r);
	int found = db_array_task_get(c->db, array_id, task, &r);
	if (found == 1)
		*id = r.id;
	job_row_clear(&r);
	return found;
}

/* ---- a task's launch ---- */

int ctl_array_launch_vars(struct ctl *c, const struct job *j, struct launch_spec *s)
{
	const struct job *p = ctl_find(c, j->array_job_id);
	struct job_row r;
	struct arrayspec a;
	char err[HERD_ERRLEN];
	uint32_t lo = 0, hi = 0;
	int rc = -1;

	s->array_job_id = j->array_job_id;
	s->array_task_id = j->array_task_id;
	job_row_init(&r);
	const char *spec = p != NULL && p->array != NULL ? p->array->spec : NULL;
	if (spec == NULL && db_job_get(c->db, j->array_job_id, &r) == 1)
		spec = r.array_spec;
	/* The array as submitted, whatever has started since. */
	if (spec != NULL && arrayspec_parse(&a, spec, ARRAYSPEC_MAX_SIZE, err, sizeof err) == 0) {
		arrayspec_min(&a, &lo);
		arrayspec_max(&a, &hi);
		s->array_count = (int64_t)arrayspec_count(&a);
		s->array_min = lo;
		s->array_max = hi;
		s->array_step = arrayspec_step(&a);
		arrayspec_clear(&a);
		rc = 0;
	} else {
		s->array_count = 1;
		s->array_min = s->array_max = j->array_task_id;
		s->array_step = 1;
	}
	job_row_clear(&r);
	return rc;
}

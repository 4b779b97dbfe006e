/*
 * ctl_elig.c — when a pending job may start: begin times, holds,
 * dependencies, as the controller keeps them.
 *
 * Theory of operation: the pure rules are in eligible.c and depend.c; this
 * file holds their state in the jobs and decides when to ask again.  A
 * job's dependency is parsed once (at submit, or from its stored text at
 * load) into a struct job_dep that also keeps, per item, the last status
 * of the job it names.  A dependency's verdict can change only when a job
 * starts or ends (or an after+MINUTES wait runs out), so ctl_event() and
 * the launch commit set deps_dirty and the next pass evaluates the
 * dependent jobs again, and then only the items still undecided: an item
 * on an ended job is final and is not looked up again.  Jobs without a
 * dependency cost one pointer test.  A pass skips jobs that are held,
 * wait for their begin time or for their dependency (ctl_eligible); the
 * reason they wait is computed when asked (elig_reason), not stored.
 *
 * A dependency that can never be met cancels the job with the reason
 * DependencyNeverSatisfied (the lifecycle's EV_NEVER), as Slurm's
 * kill_invalid_depend does, unless hosts.ini says `kill_invalid_depend =
 * no`: the job then stays pending with that reason until cancelled.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "ctl_internal.h"
#include "depend.h"
#include "eligible.h"
#include "log.h"
#include "util.h"

struct job_dep {
	char *text;			/* as stored: depend_format() without states */
	int bad;			/* the stored text did not parse: never met */
	struct depend d;
	struct dep_status *st;		/* per item: its job's last known status */
	enum dep_verdict *v;		/* per item: its last verdict */
};

static void dep_free(struct job_dep *jd)
{
	if (jd == NULL)
		return;
	depend_clear(&jd->d);
	free(jd->text);
	free(jd->st);
	free(jd->v);
	free(jd);
}

int ctl_dep_attach(struct job *j, const char *text)
{
	char err[HERD_ERRLEN];
	struct job_dep *jd;

	j->dep_state = DEP_SATISFIED;
	if (text == NULL || text[0] == '\0')
		return 0;
	jd = xcalloc(1, sizeof *jd);
	jd->text = xstrdup(text);
	j->dep = jd;
	if (depend_parse(&jd->d, text, err, sizeof err) != 0) {
		/* Kept as written (it is stored again); never run on a guess. */
		log_error("job %" PRId64 ": stored dependency unreadable: %s", j->id, err);
		jd->bad = 1;
		j->dep_state = DEP_NEVER;
		return -1;
	}
	jd->st = xcalloc(jd->d.n ? jd->d.n : 1, sizeof *jd->st);
	jd->v = xcalloc(jd->d.n ? jd->d.n : 1, sizeof *jd->v);
	for (size_t i = 0; i < jd->d.n; i++)
		jd->v[i] = DEP_WAIT;
	j->dep_state = DEP_WAIT;	/* until the first evaluation */
	return 0;
}

const char *ctl_dep_stored(const struct job *j)
{
	return j->dep != NULL ? j->dep->text : NULL;
}

void ctl_dep_free(struct job *j)
{
	dep_free(j->dep);
	j->dep = NULL;
}

int ctl_dep_singleton(const struct job *j)
{
	if (j->dep == NULL)
		return 0;
	for (size_t i = 0; i < j->dep->d.n; i++)
		if (j->dep->d.items[i].type == DEP_SINGLETON)
			return 1;
	return 0;
}

/* One job's view as a task of a dependency: a plain job is one task. */
static void count_state(int state, int64_t start, int64_t end, struct dep_status *st)
{
	if (state == JOB_PENDING)
		st->pending++;
	else if (!job_state_is_final(state))
		st->running++;
	else if (state == JOB_COMPLETED)
		st->ok++;
	else
		st->notok++;
	if (state != JOB_PENDING) {
		int64_t t = start != 0 ? start : end;
		if (t > st->last_start)
			st->last_start = t;	/* after+MINUTES counts from the last start */
	}
}

static int one_job(struct ctl *c, int64_t id, struct dep_status *st)
{
	struct job *j = ctl_find(c, id);
	if (j != NULL) {
		st->exists = 1;
		count_state(j->state, j->start_time, j->end_time, st);
		return 0;
	}
	struct job_row r;
	job_row_init(&r);
	int found = db_job_get(c->db, id, &r);
	if (found == 1) {
		st->exists = 1;
		count_state(r.state, r.start_time, r.end_time, st);
	}
	job_row_clear(&r);
	return found < 0 ? -1 : 0;
}

/*
 * The array's --array as submitted, if `id` is an array's record: from
 * memory (*p set) or the database (*r filled).  1 an array, 0 not, -1 error.
 */
static int array_spec(struct ctl *c, int64_t id, struct job **p, struct job_row *r,
    const char **spec)
{
	*p = ctl_find(c, id);
	*spec = NULL;
	if (*p != NULL) {
		if ((*p)->array == NULL)
			return 0;
		*spec = (*p)->array->spec;
		return 1;
	}
	int found = db_job_get(c->db, id, r);
	if (found != 1)
		return found;
	if (r->array_spec == NULL || r->array_job_id != id)
		return 0;
	*spec = r->array_spec;
	return 1;
}

static uint64_t spec_count(const char *spec, int64_t task)
{
	struct arrayspec a;
	char err[HERD_ERRLEN];
	uint64_t n;
	if (spec == NULL || arrayspec_parse(&a, spec, ARRAYSPEC_MAX_SIZE, err, sizeof err) != 0)
		return 0;
	n = task >= 0 ? (uint64_t)arrayspec_has(&a, (uint32_t)task) : arrayspec_count(&a);
	arrayspec_clear(&a);
	return n;
}

struct left_count {
	struct ctl *c;
	struct dep_status *st;
	uint64_t seen;
};

/* A started task read back: counted here only if it has left memory. */
static int count_left(void *arg, const struct job_row *r)
{
	struct left_count *lc = arg;
	if (ctl_find(lc->c, r->id) != NULL)
		return 0;
	count_state(r->state, r->start_time, r->end_time, lc->st);
	lc->seen++;
	return 0;
}

/*
 * An array named as a whole: its pending set, its started tasks in memory
 * and, only when some are not there (ended and evicted), those from the
 * database.  Tasks of the array as submitted that are neither pending nor
 * started were cancelled before they started: they count as not ok.
 * 1 an array (st filled), 0 not one, -1 database error.
 */
static int array_tasks(struct ctl *c, int64_t id, struct dep_status *st)
{
	struct job *p;
	struct job_row r;
	const char *spec;
	int rc;

	job_row_init(&r);
	rc = array_spec(c, id, &p, &r, &spec);
	if (rc != 1) {
		job_row_clear(&r);
		return rc;
	}
	uint64_t total = spec_count(spec, -1), pending = 0;
	struct left_count lc = { c, st, 0 };
	if (p != NULL && p->array != NULL)
		pending = arrayspec_count(&p->array->pending);
	st->exists = 1;
	st->pending = (uint32_t)pending;
	/* Tasks get ids after their array's: only the tail of the table. */
	for (size_t i = ctl_lower_bound(c, id); i < c->njobs; i++) {
		const struct job *t = c->jobs[i];
		if (t->array_job_id == id && t->array_task_id >= 0) {
			count_state(t->state, t->start_time, t->end_time, st);
			lc.seen++;
		}
	}
	if (pending + lc.seen < total && db_array_tasks(c->db, id, count_left, &lc) != 0)
		rc = -1;
	if (pending + lc.seen < total)
		st->notok += (uint32_t)(total - pending - lc.seen);
	job_row_clear(&r);
	return rc;
}

/* One task of an array ("123_7"). */
static int array_task(struct ctl *c, int64_t id, int64_t task, struct dep_status *st)
{
	struct job *p;
	struct job_row r;
	const char *spec;
	int64_t tid;

	if (task > UINT32_MAX)
		return 0;
	int found = ctl_array_task_job(c, id, (uint32_t)task, &tid);
	if (found < 0)
		return -1;
	p = ctl_find(c, id);
	if (found == 1 && tid == id && p != NULL && ctl_array_pending(p) &&
	    arrayspec_has(&p->array->pending, (uint32_t)task)) {
		st->exists = 1;
		st->pending = 1;
		return 0;
	}
	if (found == 1)
		return one_job(c, tid, st);
	/* Never started: cancelled before it did, or no such task. */
	job_row_init(&r);
	int rc = array_spec(c, id, &p, &r, &spec);
	if (rc == 1 && spec_count(spec, task) == 1) {
		st->exists = 1;
		st->notok = 1;
	}
	job_row_clear(&r);
	return rc < 0 ? -1 : 0;
}

int ctl_job_tasks(struct ctl *c, int64_t id, int64_t task, struct dep_status *st)
{
	memset(st, 0, sizeof *st);
	if (task >= 0)
		return array_task(c, id, task, st);
	int rc = array_tasks(c, id, st);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return one_job(c, id, st);
}

/* Other jobs of the same name and user that started and have not ended. */
static uint32_t singleton_running(struct ctl *c, const struct job *self)
{
	uint32_t n = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		const struct job *o = c->jobs[i];
		if (o != self && o->uid == self->uid && o->name == self->name &&
		    (o->state == JOB_LAUNCHING || o->state == JOB_RUNNING))
			n++;
	}
	return n;
}

/* An item whose job ended is decided for good; a singleton never is. */
static int item_final(const struct dep_item *it, enum dep_verdict v)
{
	return v != DEP_WAIT && it->type != DEP_SINGLETON;
}

/* The task an item names for job j: aftercorr from a task means its counterpart. */
static int64_t corr_task(const struct job *j, const struct dep_item *it)
{
	if (it->type == DEP_AFTERCORR && it->task < 0 && j->array_task_id >= 0)
		return j->array_task_id;
	return it->task;
}

/* Evaluate one job's dependency again; its verdict and the wake time. */
static enum dep_verdict dep_eval_job(struct ctl *c, struct job *j, int64_t now, int64_t *wake)
{
	struct job_dep *jd = j->dep;
	if (jd->bad)
		return DEP_NEVER;
	for (size_t i = 0; i < jd->d.n; i++) {
		const struct dep_item *it = &jd->d.items[i];
		if (item_final(it, jd->v[i]))
			continue;
		if (it->type == DEP_SINGLETON) {
			memset(&jd->st[i], 0, sizeof jd->st[i]);
			jd->st[i].exists = 1;
			jd->st[i].running = singleton_running(c, j);
		} else if (it->type == DEP_AFTERCORR && j->array != NULL && j->array_task_id < 0) {
			/* An array's record: each of its tasks asks for its own
			 * counterpart when it may start (ctl_dep_task); here the
			 * other array need only exist. */
			if (ctl_job_tasks(c, it->job, -1, &jd->st[i]) != 0)
				return DEP_WAIT;
			int exists = jd->st[i].exists;
			memset(&jd->st[i], 0, sizeof jd->st[i]);
			jd->st[i].exists = exists;
		} else if (ctl_job_tasks(c, it->job, corr_task(j, it), &jd->st[i]) != 0) {
			log_error("job %" PRId64 ": dependency on %" PRId64 ": %s", j->id,
			    it->job, db_errmsg(c->db));
			return DEP_WAIT;	/* a read error decides nothing */
		}
	}
	return depend_eval(&jd->d, jd->st, now, jd->v, wake);
}

static void note_wake(struct ctl *c, int64_t t)
{
	if (t != 0 && (c->wake_at == 0 || t < c->wake_at))
		c->wake_at = t;
}

void ctl_deps_refresh(struct ctl *c)
{
	int64_t now = ctl_now_wall(c);
	if (!c->deps_dirty && (c->wake_at == 0 || now < c->wake_at))
		return;
	c->deps_dirty = 0;
	c->wake_at = 0;
	for (size_t i = 0; i < c->njobs; i++) {
		struct job *j = c->jobs[i];
		if (j->state != JOB_PENDING)
			continue;
		if (j->begin_time > now)
			note_wake(c, j->begin_time);
		if (j->dep == NULL)
			continue;
		int64_t wake = 0;
		enum dep_verdict v = dep_eval_job(c, j, now, &wake);
		note_wake(c, wake);
		if (v == DEP_NEVER && j->dep_state != DEP_NEVER)
			log_info("job %" PRId64 ": its dependency can never be satisfied%s", j->id,
			    c->cfg->kill_invalid_depend ? "; cancelled" : "; it stays pending");
		j->dep_state = (uint8_t)v;
		if (v == DEP_NEVER && c->cfg->kill_invalid_depend)
			ctl_event(c, j, EV_NEVER, 0, NULL);
	}
}

int ctl_dep_task(struct ctl *c, const struct job *j, uint32_t task)
{
	struct job_dep *jd = j->dep;
	struct dep_status stack[16], *st;
	size_t k;
	int rc = 1;

	if (jd == NULL || jd->bad)
		return 1;
	for (k = 0; k < jd->d.n && jd->d.items[k].type != DEP_AFTERCORR; k++)
		;
	if (k == jd->d.n)
		return 1;
	st = jd->d.n <= 16 ? stack : xcalloc(jd->d.n, sizeof *st);
	/* The other items as the job's last evaluation saw them; each
	 * aftercorr item on this task's counterpart. */
	for (size_t i = 0; i < jd->d.n && rc == 1; i++) {
		const struct dep_item *it = &jd->d.items[i];
		st[i] = jd->st[i];
		if (it->type == DEP_AFTERCORR &&
		    ctl_job_tasks(c, it->job, it->task >= 0 ? it->task : (int64_t)task, &st[i]) != 0)
			rc = 0;		/* a read error decides nothing */
	}
	if (rc == 1) {
		enum dep_verdict v = depend_eval(&jd->d, st, ctl_now_wall(c), NULL, NULL);
		rc = v == DEP_SATISFIED ? 1 : v == DEP_NEVER ? -1 : 0;
	}
	if (st != stack)
		free(st);
	return rc;
}

int ctl_eligible(struct ctl *c, const struct job *j, int64_t now)
{
	(void)c;
	return elig_reason(j->hold, j->dep_state, j->begin_time, now) == NULL;
}

/*
 * The pending jobs that may start now, in queue order, at most `cap`: not
 * held, past their begin time, their dependency met, and of the singletons
 * of one name and user only the first (two never start in one pass).
 */
size_t ctl_snapshot_jobs(struct ctl *c, struct job **pend, size_t cap)
{
	int64_t now = ctl_now_wall(c);
	size_t np = 0;
	for (size_t i = 0; i < c->njobs && np < cap; i++) {
		struct job *j = c->jobs[i];
		if (j->state != JOB_PENDING || !ctl_eligible(c, j, now))
			continue;
		if (ctl_dep_singleton(j)) {
			size_t k;
			for (k = 0; k < np; k++)
				if (ctl_dep_singleton(pend[k]) && pend[k]->uid == j->uid &&
				    pend[k]->name == j->name)
					break;
			if (k < np)
				continue;
		}
		pend[np++] = j;
	}
	return np;
}

void ctl_dep_text(struct ctl *c, const struct job *j, char *buf, size_t size)
{
	struct buf b;
	(void)c;
	buf[0] = '\0';
	if (j->dep == NULL)
		return;
	if (j->dep->bad) {
		snprintf(buf, size, "%s", j->dep->text);
		return;
	}
	buf_init(&b, size - 1);
	if (depend_format(&j->dep->d, j->dep->v, &b) == 0 && b.len > 0)
		memcpy(buf, b.data, b.len), buf[b.len] = '\0';
	buf_clear(&b);
}

/* Each job a dependency names: there, and the submitter's (root: anyone's). */
static int dep_check_jobs(struct ctl *c, const struct depend *d, uid_t uid, char *err,
    size_t errsz)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct dep_item *it = &d->items[i];
		char ref[64];
		if (it->type == DEP_SINGLETON)
			continue;
		if (it->task >= 0)
			snprintf(ref, sizeof ref, "%" PRId64 "_%" PRId64, it->job, it->task);
		else
			snprintf(ref, sizeof ref, "%" PRId64, it->job);
		struct dep_status st;
		struct job_row r;
		job_row_init(&r);
		int found = ctl_job_tasks(c, it->job, it->task, &st) == 0 && st.exists ?
		    ctl_job_get(c, it->job, &r) : 0;
		uint32_t owner = r.uid;
		char user[64];
		snprintf(user, sizeof user, "%s", r.user ? r.user : "another user");
		job_row_clear(&r);
		if (found != 1) {
			snprintf(err, errsz, "invalid --dependency: job %s does not exist", ref);
			return -1;
		}
		if (uid != 0 && owner != (uint32_t)uid) {
			snprintf(err, errsz, "invalid --dependency: job %s is not yours (it belongs "
			    "to %s); only root may depend on another user's job", ref, user);
			return -1;
		}
	}
	return 0;
}

int ctl_dep_check(struct ctl *c, const char *text, uid_t uid, char **canon,
    char *err, size_t errsz)
{
	struct depend d;
	struct buf b;
	*canon = NULL;
	if (text == NULL || text[0] == '\0')
		return 0;
	if (depend_parse(&d, text, err, errsz) != 0)
		return -1;
	if (dep_check_jobs(c, &d, uid, err, errsz) != 0) {
		depend_clear(&d);
		return -1;
	}
	buf_init(&b, DEPEND_TEXT_MAX * 2);
	if (d.n > 0 && (depend_format(&d, NULL, &b) != 0 || buf_addc(&b, '\0') != 0)) {
		snprintf(err, errsz, "invalid --dependency: too long");
		buf_clear(&b);
		depend_clear(&d);
		return -1;
	}
	*canon = d.n > 0 ? buf_detach(&b, NULL) : NULL;
	buf_clear(&b);
	depend_clear(&d);
	return 0;
}

int ctl_hold(struct ctl *c, int64_t id, uid_t uid, int hold, char *err, size_t errsz)
{
	struct job *j = ctl_find(c, id);
	char why[HERD_ERRLEN];
	enum authz_action act = hold ? AUTHZ_HOLD : AUTHZ_RELEASE;
	if (j == NULL || j->state != JOB_PENDING) {
		struct job_row r;
		job_row_init(&r);
		int found = ctl_job_get(c, id, &r);
		snprintf(why, sizeof why, "is no longer pending (%s)",
		    job_state_name((enum job_state)r.state));
		ctl_refuse(c, act, &r, found, id, uid, why, err, errsz);
		job_row_clear(&r);
		return -1;
	}
	enum authz_verdict v = ctl_authz(c, uid, act, j->uid);
	int may_admin = ctl_authz(c, uid, AUTHZ_HOLD_ADMIN, j->uid) != AUTHZ_DENY;
	if (elig_may_hold(v != AUTHZ_DENY, may_admin, j->hold, hold, why, sizeof why) != 0) {
		if (strcmp(why, "not yours") == 0)
			ctl_not_yours(id, j->user, err, errsz);
		else
			snprintf(err, errsz, "job %" PRId64 " is %s", id, why);
		return -1;
	}
	/* The lifecycle's EV_HOLD/EV_RELEASE; whose hold it is, by who asks.
	 * A user's hold of a job an admin holds keeps the admin's. */
	int admin = hold && (elig_hold_kind(uid, v == AUTHZ_ADMIN, 0) == JOB_HOLD_ADMIN ||
	    j->hold == JOB_HOLD_ADMIN);
	int was = j->hold;
	int rc = ctl_event(c, j, hold ? EV_HOLD : EV_RELEASE, 0, admin ? "JobHeldAdmin" : NULL);
	if (rc == -2) {
		snprintf(err, errsz, "cannot store the change: %s", c->db_error);
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errsz, "job %" PRId64 " cannot be %s now", id,
		    hold ? "held" : "released");
		return -1;
	}
	log_info("job %" PRId64 " %s by uid %u", id, hold ? "held" : "released", (unsigned)uid);
	if (v == AUTHZ_ADMIN)
		ctl_audit(c, uid, act, id, j->uid, j->user, hold ? (admin ? "JobHeldAdmin" :
		    "JobHeldUser") : was == JOB_HOLD_ADMIN ? "was JobHeldAdmin" : "was JobHeldUser");
	return 0;
}

size_t ctl_dep_jobs(const struct job *j, int64_t *out, size_t cap)
{
	size_t m = 0;
	if (j->dep == NULL || j->dep->bad)
		return 0;
	for (size_t i = 0; i < j->dep->d.n; i++) {
		if (j->dep->d.items[i].type == DEP_SINGLETON)
			continue;
		if (m < cap)
			out[m] = j->dep->d.items[i].job;
		m++;
	}
	return m;
}

int ctl_dep_verdict(struct ctl *c, struct job *j)
{
	int64_t wake = 0;
	if (j->dep == NULL)
		return DEP_SATISFIED;
	return (int)dep_eval_job(c, j, ctl_now_wall(c), &wake);
}

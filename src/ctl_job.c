/*
 * ctl_job.c — what a user changes about a job after its submit: a new
 * attempt (herd requeue) and its fields (herd update).
 *
 * Theory of operation: both go through the lifecycle table and the one
 * commit of ctl.c.  A requeue of a running job is EV_REQUEUE: the job is
 * REQUEUED, killed, and pending as its next attempt only once its node
 * confirms the old attempt gone, so two attempts never run side by side;
 * an ended job (nothing left on its node) is read back from the database
 * and pending at once.  An update is checked whole before anything
 * changes (the values' ranges were checked by rpc.c, whether the job still
 * fits a node is checked here), then committed; a failed commit puts every
 * field back, so the job is what the database says.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_internal.h"
#include "depcycle.h"
#include "depend.h"
#include "log.h"
#include "util.h"

int ctl_requeue(struct ctl *c, int64_t id, uid_t uid, char *err, size_t errsz)
{
	struct job *j = ctl_find(c, id);
	struct job_row r;
	struct job_step st;
	char why[128];
	int found, rc = -1;

	job_row_init(&r);
	found = ctl_job_get(c, id, &r);
	if (found == -1) {
		snprintf(err, errsz, "job %" PRId64 ": %s", id, db_errmsg(c->db));
		goto out;
	}
	enum authz_verdict v = found == 1 ? ctl_authz(c, uid, AUTHZ_REQUEUE, r.uid) : AUTHZ_DENY;
	if (v == AUTHZ_DENY) {
		rc = ctl_refuse(c, AUTHZ_REQUEUE, &r, found, id, uid, "", err, errsz);
		goto out;
	}
	if (lifecycle_step((enum job_state)r.state, EV_REQUEUE, 0, &st) != 0) {
		rc = ctl_refuse(c, AUTHZ_REQUEUE, &r, found, id, uid, r.state == JOB_PENDING ?
		    "is pending: it has no attempt to requeue yet" :
		    "is already being requeued", err, errsz);
		goto out;
	}
	if (j != NULL && job_state_is_final(j->state) && j->held) {
		snprintf(why, sizeof why, "has ended (%s) but is still being stopped on its node; "
		    "requeue it once that is done", job_state_name(j->state));
		rc = ctl_refuse(c, AUTHZ_REQUEUE, &r, found, id, uid, why, err, errsz);
		goto out;
	}
	if (j == NULL)
		j = ctl_restore(c, &r);	/* ended: its row is its last attempt */
	log_info("job %" PRId64 ": requeue asked by uid %u (attempt %d, %s)", id, (unsigned)uid,
	    j->attempt, job_state_name(j->state));
	rc = ctl_event(c, j, EV_REQUEUE, 0, NULL);
	if (rc != 0)
		snprintf(err, errsz, "job %" PRId64 " cannot be requeued now", id);
	else if (v == AUTHZ_ADMIN)
		ctl_audit(c, uid, AUTHZ_REQUEUE, id, r.uid, r.user, NULL);
out:
	job_row_clear(&r);
	return rc;
}

/* A running job's time limit: down for its owner, up (or unlimited) only for root. */
static int check_running_update(const struct job *j, uid_t uid, const struct job_update *u,
    char *err, size_t errsz)
{
	if (u->set & ~(unsigned)UPD_TIME) {
		snprintf(err, errsz, "job %" PRId64 " is %s: only its time limit can change "
		    "(the other fields only while it is pending)", j->id, job_state_name(j->state));
		return -1;
	}
	int64_t cur = j->time_limit_s, want = u->time_limit_s;
	int raise = cur != 0 && (want == 0 || want > cur);
	if (raise && uid != 0) {
		snprintf(err, errsz, "job %" PRId64 ": only root may raise the time limit of a "
		    "running job (from %" PRId64 " s to %s); you may lower it", j->id, cur,
		    want == 0 ? "unlimited" : "a longer one");
		return -1;
	}
	return 0;
}

/* A pending job's new size must still fit a node, with as many CPUs as its tasks. */
static int check_pending_update(struct ctl *c, const struct job *j, const struct job_update *u,
    char *err, size_t errsz)
{
	int gpus = u->set & UPD_GPUS ? u->gpus : j->gpus;
	int cpus = u->set & UPD_CPUS ? u->cpus : j->cpus;
	int64_t mem = u->set & UPD_MEM ? u->mem_mb : (int64_t)j->mem_mb;
	char why[HERD_ERRLEN];

	/* As its submit (rpc.c submit_idle_stop): --idle-stop watches GPUs. */
	if ((u->set & UPD_GPUS) && gpus <= 0 && j->svc_idle_stop_s > 0) {
		snprintf(err, errsz, "job %" PRId64 ": service %s has --idle-stop, which watches "
		    "its GPUs: it needs at least one", j->id, j->svc_name ? j->svc_name : "?");
		return -1;
	}
	if (u->set & UPD_CPUS) {
		struct job_data d = { 0 };
		int ntasks = db_job_get_data(c->db, j->id, &d) == 0 && d.ntasks > 0 ? d.ntasks : 1;
		job_data_clear(&d);
		if (cpus < ntasks) {
			snprintf(err, errsz, "job %" PRId64 ": cpus=%d is fewer than its %d tasks",
			    j->id, cpus, ntasks);
			return -1;
		}
	}
	if ((u->set & (UPD_GPUS | UPD_CPUS | UPD_MEM)) &&
	    ctl_fits_somewhere(c, gpus, cpus, mem, why, sizeof why) != 0) {
		snprintf(err, errsz, "job %" PRId64 ": %s", j->id, why);
		return -1;
	}
	return 0;
}

/* The jobs a pending job waits for: the edges a cycle would run along. */
static size_t pending_deps(void *arg, int64_t id, int64_t *out, size_t cap)
{
	struct job *j = ctl_find(arg, id);
	return j != NULL && j->state == JOB_PENDING ? ctl_dep_jobs(j, out, cap) : 0;
}

/*
 * A new dependency: the checks of a submit (it parses, its jobs exist and
 * are the updater's, root: anyone's), and it may not make the job wait for
 * itself, directly or through pending jobs' dependencies: that job would
 * never start.  The parsed dependency goes into nd (nd->dep NULL: none).
 */
static int check_dep_update(struct ctl *c, const struct job *j, uid_t uid, const char *text,
    struct job *nd, char *err, size_t errsz)
{
	char *canon = NULL, path[256];
	if (ctl_dep_check(c, text, uid, &canon, err, errsz) != 0)
		return -1;
	ctl_dep_attach(nd, canon);
	free(canon);
	size_t n = ctl_dep_jobs(nd, NULL, 0);
	int64_t *first = xreallocarray(NULL, n ? n : 1, sizeof *first);
	n = ctl_dep_jobs(nd, first, n);
	int cyc = depcycle_find(j->id, first, n, pending_deps, c, path, sizeof path);
	free(first);
	if (cyc) {
		snprintf(err, errsz, "--dependency would make a cycle: %s", path);
		ctl_dep_free(nd);
		return -1;
	}
	return 0;
}

/* An interned copy of a new string field (NULL, or "" for the default, stays NULL). */
static const char *intern_opt(const char *s)
{
	return s != NULL && s[0] != '\0' ? intern(s) : NULL;
}

/* What an update changed, for the audit log: "time_limit=600 name=x". */
static void update_detail(const struct job_update *u, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *key; } keys[] = {
		{ UPD_NAME, "name" }, { UPD_TIME, "time_limit" }, { UPD_GPUS, "gpus" },
		{ UPD_CPUS, "cpus" }, { UPD_MEM, "mem_mb" }, { UPD_OUT, "out" },
		{ UPD_ERR, "err" }, { UPD_BEGIN, "begin" }, { UPD_DEP, "dependency" },
		{ UPD_NICE, "nice" },
	};
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < sizeof keys / sizeof keys[0] && len + 1 < size; k++) {
		unsigned b = keys[k].bit;
		char v[256];
		if (!(u->set & b))
			continue;
		if (b & (UPD_NAME | UPD_OUT | UPD_ERR | UPD_BEGIN | UPD_DEP)) {
			const char *t = b == UPD_NAME ? u->name : b == UPD_OUT ? u->out_tmpl :
			    b == UPD_ERR ? u->err_tmpl : b == UPD_BEGIN ? u->begin : u->dependency;
			strlcpy_h(v, t ? t : "", sizeof v);
		} else
			snprintf(v, sizeof v, "%" PRId64, b == UPD_TIME ? u->time_limit_s :
			    b == UPD_MEM ? u->mem_mb : b == UPD_GPUS ? (int64_t)u->gpus :
			    b == UPD_CPUS ? (int64_t)u->cpus : (int64_t)u->nice);
		int w = snprintf(buf + len, size - len, "%s%s=%s", len ? " " : "", keys[k].key, v);
		len = w < 0 || (size_t)w >= size - len ? size : len + (size_t)w;
	}
}

int ctl_update(struct ctl *c, int64_t id, uid_t uid, const struct job_update *u,
    char *err, size_t errsz)
{
	struct job *j = ctl_find(c, id);
	int rc;

	enum authz_verdict v = j != NULL ? ctl_authz(c, uid, AUTHZ_UPDATE, j->uid) : AUTHZ_DENY;
	if (j == NULL || job_state_is_final(j->state) || v == AUTHZ_DENY) {
		struct job_row r;
		job_row_init(&r);
		int found = ctl_job_get(c, id, &r);
		char why[64];
		snprintf(why, sizeof why, "has ended (%s)", job_state_name((enum job_state)r.state));
		rc = ctl_refuse(c, AUTHZ_UPDATE, &r, found, id, uid, why, err, errsz);
		job_row_clear(&r);
		return rc;
	}
	if (j->state == JOB_REQUEUED) {
		snprintf(err, errsz, "job %" PRId64 " is being requeued; update it once it is "
		    "pending again", id);
		return -1;
	}
	rc = j->state == JOB_PENDING ? check_pending_update(c, j, u, err, errsz) :
	    check_running_update(j, uid, u, err, errsz);
	if (rc != 0)
		return rc;
	struct job nd = { 0 };	/* the new dependency, parsed */
	if ((u->set & UPD_DEP) && check_dep_update(c, j, uid, u->dependency, &nd, err, errsz) != 0)
		return -1;

	struct job old = *j;
	if (u->set & UPD_DEP) {
		j->dep = nd.dep;
		j->dep_state = nd.dep_state;
	}
	if (u->set & UPD_BEGIN)
		j->begin_time = u->begin_time;
	if (u->set & UPD_NICE)
		j->nice = u->nice;
	if (u->set & UPD_NAME)
		j->name = intern(u->name);
	if (u->set & UPD_OUT)
		j->out_tmpl = intern_opt(u->out_tmpl);
	if (u->set & UPD_ERR)
		j->err_tmpl = intern_opt(u->err_tmpl);
	if (u->set & UPD_TIME)
		j->time_limit_s = u->time_limit_s;
	if (u->set & UPD_GPUS)
		j->gpus = (uint16_t)u->gpus;
	if (u->set & UPD_CPUS) {
		j->cpus = (uint16_t)u->cpus;
		j->cpus_req = j->cpus;	/* the request, if --hint=nomultithread counts it again */
	}
	if (u->set & UPD_MEM) {
		j->mem_mb = (uint32_t)u->mem_mb;
		j->mem_all = 0;		/* a size now, not all of the node's */
	}
	/* One reference of each string field given is the job's now, or dropped. */
	const unsigned bits[] = { UPD_NAME, UPD_OUT, UPD_ERR };
	const char *news[] = { j->name, j->out_tmpl, j->err_tmpl };
	const char *olds[] = { old.name, old.out_tmpl, old.err_tmpl };
	int failed = ctl_commit_job_now(c, j) != 0;	/* the user hears if it failed */
	for (int k = 0; k < 3; k++)
		if (u->set & bits[k])
			intern_release(failed ? news[k] : olds[k]);
	if (failed) {
		/* Nothing changes on a failed update: the database still has the old job. */
		if (u->set & UPD_DEP)
			ctl_dep_free(j);	/* the new one */
		*j = old;
		snprintf(err, errsz, "job %" PRId64 " not updated: %s", id, c->db_error);
		return -1;
	}
	ctl_arm(c, j);	/* its limit, --signal and TIME_LIMIT_% marks may have moved */
	if (u->set & UPD_DEP) {
		struct job gone = { .dep = old.dep };
		ctl_dep_free(&gone);
	}
	/* A new dependency is evaluated, a new begin time waited for, by the next pass. */
	c->deps_dirty |= (u->set & (UPD_DEP | UPD_BEGIN)) != 0;
	log_info("job %" PRId64 " updated by uid %u (%s)", id, (unsigned)uid,
	    job_state_name(j->state));
	if (v == AUTHZ_ADMIN) {
		char detail[1024];
		update_detail(u, detail, sizeof detail);
		ctl_audit(c, uid, AUTHZ_UPDATE, id, j->uid, j->user, detail);
	}
	c->sched_needed = 1;
	return 0;
}

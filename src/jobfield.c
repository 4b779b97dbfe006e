/*
 * jobfield.c — the table of a job's fields (see jobfield.h) and the
 * accessors that let the database, the answer frames, the JSON and
 * `herd show` walk a struct job_row without naming its members.
 *
 * The order of the rows is the order of columns in statements, of keys in
 * frames and JSON, and of lines in `herd show`.  "id" is first: the insert
 * computes it (never below the id floor) and the update uses it as its key.
 * What `herd update` may change (name, GPUs, CPUs, memory, time limit,
 * output templates) is written by every update.
 */
#include <stdlib.h>
#include <string.h>

#include "jobfield.h"

#define F(member, name, kind, flags)	FC(member, name, name, kind, flags)
#define FC(member, name, col, kind, flags) \
	{ name, col, kind, offsetof(struct job_row, member), \
	  sizeof(((struct job_row *)0)->member), flags }

const struct jobfield jobfields[] = {
	F(id, "id", JF_INT, JF_FRAME | JF_SHOW),
	F(attempt, "attempt", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(uid, "uid", JF_INT, JF_INSERT | JF_FRAME | JF_UNSIGNED),
	F(user, "user", JF_STR, JF_INSERT | JF_FRAME | JF_SHOW),
	F(name, "name", JF_STR, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(state, "state", JF_STATE, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(reason, "reason", JF_STR, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(exit_code, "exit_code", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(node, "node", JF_STR, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	FC(gpus, "ngpus", "gpus", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	FC(gpu_list, "gpus", "gpu_list", JF_LIST, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(cpus, "cpus", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(mem_mb, "mem_mb", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(time_limit_s, "time_limit", JF_SECS, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(submit_time, "submit_time", JF_TIME, JF_INSERT | JF_FRAME | JF_SHOW),
	F(start_time, "start_time", JF_TIME, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(end_time, "end_time", JF_TIME, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	/* Where it runs (the submit directory by default) names its owner's
	 * projects: sent as its script is (rpc.c). */
	F(workdir, "workdir", JF_STR, JF_INSERT | JF_FRAME | JF_SHOW | JF_PRIVATE),
	F(out_tmpl, "out_tmpl", JF_STR, JF_INSERT | JF_UPDATE),
	F(err_tmpl, "err_tmpl", JF_STR, JF_INSERT | JF_UPDATE),
	/* Column "held" is the node's resources kept while a job is killed;
	 * the JSON's "held" is a user's or root's hold (column "hold"). */
	FC(held, "resources_held", "held", JF_INT, JF_UPDATE),
	FC(array_job_id, "array_job_id", "array_parent", JF_INT,
	    JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	FC(array_task_id, "array_task_id", "array_index", JF_INT,
	    JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(array_tasks, "array_tasks", JF_STR, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(array_throttle, "array_throttle", JF_INT, JF_INSERT | JF_FRAME | JF_SHOW),
	F(array_spec, "array_spec", JF_STR, JF_INSERT | JF_FRAME | JF_SHOW),
	F(requeue, "requeue", JF_INT, JF_INSERT | JF_FRAME | JF_SHOW),
	F(begin_time, "begin_time", JF_TIME, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	FC(hold, "held", "hold", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(nice, "nice", JF_INT, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW | JF_SIGNED),
	F(dependency, "dependency", JF_STR, JF_INSERT | JF_UPDATE | JF_FRAME | JF_SHOW),
	F(warn_signal, "warn_signal", JF_STR, JF_INSERT | JF_FRAME | JF_SHOW),
	FC(warn_sent, "warn_signal_sent", "warn_sent", JF_INT,
	    JF_INSERT | JF_UPDATE | JF_FRAME),
	F(umask, "umask", JF_MODE, JF_INSERT | JF_FRAME | JF_SHOW),
	F(comment, "comment", JF_STR, JF_INSERT | JF_FRAME | JF_SHOW),
	F(exclusive, "exclusive", JF_INT, JF_INSERT | JF_FRAME | JF_SHOW),
	F(oversubscribe, "oversubscribe", JF_INT, JF_INSERT | JF_FRAME | JF_SHOW),
};

const size_t njobfields = sizeof jobfields / sizeof jobfields[0];

const struct jobfield *jobfield_find(const char *name)
{
	for (size_t i = 0; i < njobfields; i++)
		if (strcmp(jobfields[i].name, name) == 0)
			return &jobfields[i];
	return NULL;
}

static void *member(const struct job_row *r, const struct jobfield *f)
{
	return (char *)r + f->off;
}

int64_t jobfield_int(const struct job_row *r, const struct jobfield *f)
{
	const void *p = member(r, f);
	if (f->size == sizeof(int64_t))
		return *(const int64_t *)p;
	if (f->flags & JF_UNSIGNED)
		return *(const uint32_t *)p;
	return *(const int32_t *)p;
}

void jobfield_set_int(struct job_row *r, const struct jobfield *f, int64_t v)
{
	void *p = member(r, f);
	if (f->size == sizeof(int64_t))
		*(int64_t *)p = v;
	else if (f->flags & JF_UNSIGNED)
		*(uint32_t *)p = (uint32_t)v;
	else
		*(int32_t *)p = (int32_t)v;
}

const char *jobfield_str(const struct job_row *r, const struct jobfield *f)
{
	return *(char *const *)member(r, f);
}

void jobfield_set_str(struct job_row *r, const struct jobfield *f, char *v)
{
	char **p = member(r, f);
	free(*p);
	*p = v;
}

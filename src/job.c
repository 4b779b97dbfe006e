/*
 * job.c — job states, the ownership rule, output path templates and the
 * string intern table that keeps 100,000 queued jobs small.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "util.h"

static const char *state_names[JOB_NSTATES] = {
	"PENDING", "LAUNCHING", "RUNNING", "COMPLETED", "FAILED",
	"CANCELLED", "TIMEOUT", "NODE_FAIL", "REQUEUED",
};

const char *job_state_name(enum job_state s)
{
	return (unsigned)s < JOB_NSTATES ? state_names[s] : "UNKNOWN";
}

int job_state_is_final(enum job_state s)
{
	return s >= JOB_COMPLETED && s != JOB_REQUEUED;
}

int job_is_stopping(const struct job *j)
{
	return j->state == JOB_REQUEUED || (job_state_is_final(j->state) && j->held);
}

int job_exit_signal(int64_t status)
{
	return status > 128 && status <= 128 + 64 ? (int)(status - 128) : 0;
}

void job_exit_format(int32_t status, char *buf, size_t size)
{
	int sig = job_exit_signal(status);
	if (status < 0)
		snprintf(buf, size, "-");
	else if (sig > 0)
		snprintf(buf, size, "0:%d", sig);
	else
		snprintf(buf, size, "%d:0", (int)status);
}

char *job_output_path(const char *tmpl, const char *workdir, int64_t id,
    const char *name, const char *user, const char *node)
{
	return job_output_path_array(tmpl, workdir, id, -1, -1, name, user, node);
}

char *job_output_path_array(const char *tmpl, const char *workdir, int64_t id,
    int64_t array_job_id, int64_t task_id, const char *name, const char *user,
    const char *node)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	if (tmpl == NULL)	/* sbatch's slurm-%j.out, slurm-%A_%a.out for arrays */
		tmpl = array_job_id > 0 ? "herd-%A_%a.out" : "herd-%j.out";
	if (tmpl[0] != '/') {
		buf_addstr(&b, workdir);
		if (b.len == 0 || b.data[b.len - 1] != '/')
			buf_addc(&b, '/');
	}
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			buf_addc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'j': case 'J': buf_printf(&b, "%lld", (long long)id); break;
		case 'x': buf_addstr(&b, name ? name : ""); break;
		case 'u': buf_addstr(&b, user ? user : ""); break;
		/* Unknown until the job is placed: shown as written, as Slurm does. */
		case 'N': buf_addstr(&b, node ? node : "%N"); break;
		case 'A': buf_printf(&b, "%lld", (long long)(array_job_id >= 0 ? array_job_id : id)); break;
		case 'a':
			if (array_job_id < 0)
				buf_addstr(&b, "4294967294");	/* Slurm's NO_VAL */
			else if (task_id >= 0)
				buf_printf(&b, "%lld", (long long)task_id);
			else
				buf_addstr(&b, "%a");
			break;
		case '%': buf_addc(&b, '%'); break;
		default: buf_addc(&b, '%'); buf_addc(&b, *p); break;
		}
	}
	return buf_detach(&b, NULL);
}

/*
 * Intern table: open addressing over (string, refcount).  Few distinct
 * values (a lab has few working directories), many references.
 */
struct istr {
	char *s;
	uint32_t refs;
	uint32_t hash;
};

static struct istr *itab;
static size_t icap, iused;

static uint32_t ihash(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct istr *ifind(const char *s, uint32_t h)
{
	size_t mask = icap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		if (itab[i].s == NULL || (itab[i].hash == h && strcmp(itab[i].s, s) == 0))
			return &itab[i];
	}
}

static void igrow(void)
{
	struct istr *old = itab;
	size_t oldcap = icap;
	icap = icap ? icap * 2 : 64;
	itab = xcalloc(icap, sizeof *itab);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].s != NULL)
			*ifind(old[i].s, old[i].hash) = old[i];
	free(old);
}

const char *intern(const char *s)
{
	if (s == NULL)
		return NULL;
	if ((iused + 1) * 2 > icap)
		igrow();
	uint32_t h = ihash(s);
	struct istr *e = ifind(s, h);
	if (e->s == NULL) {
		e->s = xstrdup(s);
		e->hash = h;
		e->refs = 0;
		iused++;
	}
	e->refs++;
	return e->s;
}

/* Entries are kept when their count drops to zero (no tombstones needed);
 * the table is bounded by the number of distinct values ever seen. */
void intern_release(const char *s)
{
	if (s == NULL || icap == 0)
		return;
	struct istr *e = ifind(s, ihash(s));
	if (e->s != NULL && e->refs > 0)
		e->refs--;
}

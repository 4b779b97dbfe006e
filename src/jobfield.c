/*
 * jobfield.c — the table of a job's fields, made from JOB_FIELDS (see
 * jobfield.h), and the accessors that let the database, the answer
 * frames, the JSON, `herd show` and the controller's copies between
 * memory and row walk a job without naming its members.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "job.h"
#include "jobfield.h"
#include "proto.h"

#define ROW(m)	offsetof(struct job_row, m), sizeof(((struct job_row *)0)->m)
#define T_S(m, name, col, flags) \
	{ name, col, JF_STR, ROW(m), flags, offsetof(struct job, m), sizeof(const char *), 0 },
#define T_N(m, name, col, kind, flags, rtype, mtype) \
	{ name, col, kind, ROW(m), flags, offsetof(struct job, m), sizeof(mtype), \
	  (mtype)-1 > (mtype)0 },
#define T_D(m, name, col, kind, flags, rtype) \
	{ name, col, kind, ROW(m), flags, JF_NOMEM, 0, 0 },

/* A line's width is its memory type's (struct job is laid out by it). */
#define W(n, m, mtype)	_Static_assert(sizeof(mtype) == n, #m " is not " #n " bytes wide");
#define W8(m, name, col, kind, flags, rtype, mtype)	W(8, m, mtype)
#define W4(m, name, col, kind, flags, rtype, mtype)	W(4, m, mtype)
#define W2(m, name, col, kind, flags, rtype, mtype)	W(2, m, mtype)
#define W1(m, name, col, kind, flags, rtype, mtype)	W(1, m, mtype)
JOB_FIELDS(JF_SKIP, W8, W4, W2, W1, JF_SKIP)

const struct jobfield jobfields[] = {
	JOB_FIELDS(T_S, T_N, T_N, T_N, T_N, T_D)
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

void jobfield_frame(struct msg *m, const struct job_row *r, int priv)
{
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (!(f->flags & JF_FRAME) || (!priv && (f->flags & JF_PRIVATE)))
			continue;
		if (f->kind == JF_STATE)
			msg_adds(m, f->name, job_state_name((enum job_state)jobfield_int(r, f)));
		else if (f->kind != JF_STR && f->kind != JF_LIST)
			msg_addi(m, f->name, jobfield_int(r, f));
		else if (jobfield_str(r, f) != NULL)
			msg_adds(m, f->name, jobfield_str(r, f));
	}
}

/* ---- memory <-> row ---- */

static void *mem(const struct job *j, const struct jobfield *f)
{
	return (char *)j + f->moff;
}

static int64_t mem_int(const struct job *j, const struct jobfield *f)
{
	const void *p = mem(j, f);
	/* One return per type: a ?: of the two would convert both to unsigned. */
	switch (f->msize * 2 + (f->munsigned != 0)) {
	case 2: return *(const int8_t *)p;
	case 3: return *(const uint8_t *)p;
	case 4: return *(const int16_t *)p;
	case 5: return *(const uint16_t *)p;
	case 8: return *(const int32_t *)p;
	case 9: return *(const uint32_t *)p;
	default: return *(const int64_t *)p;	/* a uint64_t's bits alike */
	}
}

static void mem_set_int(struct job *j, const struct jobfield *f, int64_t v)
{
	void *p = mem(j, f);
	switch (f->msize) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(int64_t *)p = v;
	}
}

void jobfield_load(struct job *j, const struct job_row *r)
{
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->moff == JF_NOMEM)
			continue;
		if (f->kind == JF_STR) {
			*(const char **)mem(j, f) = intern(jobfield_str(r, f));
			continue;
		}
		int64_t v = jobfield_int(r, f);
		if (f->kind == JF_MODE && (v < 0 || v > 0777))
			v = -1;	/* only a database edited by hand */
		mem_set_int(j, f, v);
	}
}

void jobfield_view(const struct job *j, struct job_row *r)
{
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->moff == JF_NOMEM)
			continue;
		if (f->kind == JF_STR)
			*(const char **)((char *)r + f->off) = *(const char **)mem(j, f);
		else
			jobfield_set_int(r, f, mem_int(j, f));
	}
}

void jobfield_release(struct job *j)
{
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->moff != JF_NOMEM && f->kind == JF_STR && !(f->flags & JF_KEEP)) {
			intern_release(*(const char **)mem(j, f));
			*(const char **)mem(j, f) = NULL;
		}
	}
}

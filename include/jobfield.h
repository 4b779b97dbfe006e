/*
 * jobfield.h — the job record, declared once.  Each row of jobfields[]
 * names one field of struct job_row: its column in the database, its key
 * in a "job" answer frame and in `--json`, its kind, and where it goes.
 * db.c builds its statements, binds and reads from this table; rpc.c
 * builds the frame from it; the client's JSON and `herd show` walk it.
 * Adding a field is a member of struct job_row, one row here and a
 * migration in db.c.
 */
#ifndef HERD_JOBFIELD_H
#define HERD_JOBFIELD_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

enum jf_kind {
	JF_INT,		/* int, int32_t or uint32_t (size 4) or int64_t (size 8) */
	JF_STR,		/* char *, NULL stored as NULL, left out of a frame, null in JSON */
	JF_TIME,	/* int64_t wall seconds; 0 stored as NULL, null in JSON */
	JF_SECS,	/* int64_t duration; 0 means none: null in JSON */
	JF_STATE,	/* int job_state: its name in frames and JSON */
	JF_LIST,	/* char * "0,3": a JSON array of numbers */
	JF_MODE,	/* int file mode bits, -1 none: "0077" in show and JSON */
};

enum {
	JF_INSERT = 1 << 0,	/* written at submit */
	JF_UPDATE = 1 << 1,	/* written on every change of the job */
	JF_FRAME = 1 << 2,	/* sent in "job" frames (and so in --json) */
	JF_SHOW = 1 << 3,	/* printed by `herd show` */
	JF_UNSIGNED = 1 << 4,	/* a 32-bit integer without sign (a uid) */
	JF_SIGNED = 1 << 5,	/* JF_INT whose negative values are values (nice), not "unknown" */
	JF_PRIVATE = 1 << 6,	/* JF_FRAME only to whom may read its script (a path) */
};

struct jobfield {
	const char *name;	/* frame key and JSON key */
	const char *col;	/* its column in the jobs table */
	enum jf_kind kind;
	size_t off;		/* in struct job_row */
	unsigned size;		/* of the member */
	unsigned flags;		/* JF_* */
};

extern const struct jobfield jobfields[];
extern const size_t njobfields;

/* The field of that name, NULL none. */
const struct jobfield *jobfield_find(const char *name);

/* A row's member through its field (integers of any size as int64_t). */
int64_t jobfield_int(const struct job_row *r, const struct jobfield *f);
void jobfield_set_int(struct job_row *r, const struct jobfield *f, int64_t v);
const char *jobfield_str(const struct job_row *r, const struct jobfield *f);
/* Takes ownership of v (malloc'd or NULL); frees what was there. */
void jobfield_set_str(struct job_row *r, const struct jobfield *f, char *v);

#endif

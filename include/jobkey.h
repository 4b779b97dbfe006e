/*
 * jobkey.h — the name of one attempt of one job on a node: a validated
 * type, so that a string that is not a key never reaches a node program.
 *
 * A key is "PREFIX-ID.ATTEMPT", PREFIX the controller's CLUSTER.INSTANCE
 * (ctl.h's key_prefix).  It names the job's files on the node and travels
 * back in every answer about the job.  A key is made by the controller from
 * its own numbers (job_key_make) or read back from a node's answer
 * (job_key_parse), which takes only the exact text job_key_make would have
 * made: no signs, spaces or leading zeros, and only our prefix.  Backends
 * (backend.h) take struct job_key, never a char *, wherever they are given
 * a key.
 *
 * Ownership: a plain value; copy it freely.
 */
#ifndef HERD_JOBKEY_H
#define HERD_JOBKEY_H

#include <stddef.h>
#include <stdint.h>

#define JOB_KEY_MAX 128

struct job_key {
	char s[JOB_KEY_MAX];	/* NUL-terminated; only [A-Za-z0-9._-] */
};

/* The key of attempt `attempt` of job `id`: 0, or -1 (k emptied) when the
 * prefix is empty or has other characters, id <= 0, attempt < 0, or the
 * key would not fit. */
int job_key_make(struct job_key *k, const char *prefix, int64_t id, int attempt);
/* A key as a node printed it: 0 with *k, *id, *attempt when `text` is
 * exactly the key job_key_make(prefix, id, attempt) makes; -1 otherwise
 * (nothing set). */
int job_key_parse(struct job_key *k, const char *text, const char *prefix, int64_t *id,
    int *attempt);

static inline const char *job_key_str(const struct job_key *k)
{
	return k->s;
}

#endif

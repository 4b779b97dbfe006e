/*
 * jobkey.c — the job key type (jobkey.h).
 *
 * Theory of operation: a key is put into node programs (file names, the
 * runner's variables) and read back from what a node prints, where anyone
 * with the node account can write.  Parsing therefore re-makes the key
 * from the numbers it read and takes it only when the two are the same
 * text: one spelling per key, so "x-05.0" and "x-5.0" can never name two
 * things, and nothing but the prefix's own characters and digits passes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobkey.h"

static int prefix_ok(const char *p)
{
	if (p == NULL || p[0] == '\0')
		return 0;
	for (const char *s = p; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

int job_key_make(struct job_key *k, const char *prefix, int64_t id, int attempt)
{
	k->s[0] = '\0';
	if (!prefix_ok(prefix) || id <= 0 || attempt < 0)
		return -1;
	int n = snprintf(k->s, sizeof k->s, "%s-%" PRId64 ".%d", prefix, id, attempt);
	if (n < 0 || (size_t)n >= sizeof k->s) {
		k->s[0] = '\0';
		return -1;
	}
	return 0;
}

int job_key_parse(struct job_key *k, const char *text, const char *prefix, int64_t *id,
    int *attempt)
{
	struct job_key made;
	char *end;
	if (text == NULL || !prefix_ok(prefix))
		return -1;
	size_t n = strlen(prefix);
	if (strncmp(text, prefix, n) != 0 || text[n] != '-')
		return -1;
	const char *p = text + n + 1;
	if (*p < '1' || *p > '9')
		return -1;	/* strtoll would take a sign or spaces */
	long long v = strtoll(p, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	long a = strtol(end + 1, &end, 10);
	if (*end != '\0' || a < 0 || a > INT32_MAX || v <= 0)
		return -1;
	if (job_key_make(&made, prefix, v, (int)a) != 0 || strcmp(made.s, text) != 0)
		return -1;	/* leading zeros, an overflow clamped by strtoll */
	*k = made;
	*id = v;
	*attempt = (int)a;
	return 0;
}

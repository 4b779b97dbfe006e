/*
 * svc_share.c — --share-with's list and OWNER/NAME (see svc_share.h).
 *
 * Theory of operation: a name is checked for its shape before it is
 * looked up, so nothing from the command line reaches NSS but a plain
 * user name, and an error can quote it safely.  The list is bounded (32
 * users) so both canonical strings fit fixed buffers and the check of a
 * forward, svc_share_has, is a short scan of digits done every second a
 * forward runs: no allocation, no user database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc_share.h"
#include "util.h"

static const char user_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

static int user_ok(const char *s, size_t n)
{
	if (n == 0 || n > SVC_SHARE_USER_MAX || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strchr(user_chars, s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

/* Whether name (n bytes) is one of the comma-separated names so far. */
static int listed(const char *names, const char *name, size_t n)
{
	for (const char *p = names; *p != '\0';) {
		size_t k = strcspn(p, ",");
		if (k == n && memcmp(p, name, n) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

static int bad(char *err, size_t errsz, const char *what, const char *s, size_t n)
{
	char raw[SVC_SHARE_USER_MAX * 2 + 1], vis[sizeof raw * 4 + 1];
	snprintf(raw, sizeof raw, "%.*s", (int)(n < sizeof raw - 1 ? n : sizeof raw - 1), s);
	str_vis(vis, sizeof vis, raw);
	snprintf(err, errsz, "--share-with: %s \"%s\"", what, vis);
	return -1;
}

int svc_share_resolve(const char *s, svc_share_lookup lookup, void *arg,
    char names[SVC_SHARE_NAMES_MAX], char uids[SVC_SHARE_UIDS_MAX], char *err, size_t errsz)
{
	size_t nn = 0, nu = 0;
	int count = 0;
	names[0] = uids[0] = '\0';
	if (s == NULL || s[0] == '\0') {
		snprintf(err, errsz, "--share-with takes user names separated by commas");
		return -1;
	}
	for (const char *p = s;; p++) {
		size_t n = strcspn(p, ",");
		char one[SVC_SHARE_USER_MAX + 1];
		uint32_t uid;
		if (!user_ok(p, n))
			return bad(err, errsz, n == 0 ? "an empty user name in" : "no user name:",
			    n == 0 ? s : p, n == 0 ? strlen(s) : n);
		if (listed(names, p, n))
			return bad(err, errsz, "a user named twice:", p, n);
		if (++count > SVC_SHARE_MAX) {
			snprintf(err, errsz, "--share-with: at most %d users", SVC_SHARE_MAX);
			return -1;
		}
		memcpy(one, p, n);
		one[n] = '\0';
		if (lookup(one, &uid, arg) != 0)
			return bad(err, errsz, "no such user on this machine:", p, n);
		nn += (size_t)snprintf(names + nn, SVC_SHARE_NAMES_MAX - nn, "%s%s", nn ? "," : "",
		    one);
		nu += (size_t)snprintf(uids + nu, SVC_SHARE_UIDS_MAX - nu, "%s%u", nu ? "," : "",
		    (unsigned)uid);
		p += n;
		if (*p == '\0')
			return 0;
	}
}

int svc_share_has(const char *uids, uint32_t uid)
{
	if (uids == NULL)
		return 0;
	for (const char *p = uids; *p != '\0';) {
		char *end;
		if (*p < '0' || *p > '9')
			return 0;
		errno = 0;
		unsigned long v = strtoul(p, &end, 10);
		if (errno != 0 || (*end != ',' && *end != '\0') || v > UINT32_MAX)
			return 0;
		if ((uint32_t)v == uid)
			return 1;
		p = end + (*end == ',');
	}
	return 0;
}

int svc_ref_split(const char *ref, char owner[SVC_SHARE_USER_MAX + 1], const char **name)
{
	const char *slash = strchr(ref, '/');
	owner[0] = '\0';
	*name = ref;
	if (slash == NULL)
		return 0;
	size_t n = (size_t)(slash - ref);
	if (strchr(slash + 1, '/') != NULL || !user_ok(ref, n))
		return -1;
	memcpy(owner, ref, n);
	owner[n] = '\0';
	*name = slash + 1;
	return 0;
}

/*
 * svc_share.h — herd service start --share-with USER[,USER...]: the users
 * a service's owner lets reach it (herd port-forward, nothing more), and
 * OWNER/NAME, the name they know it by.
 *
 * Pure: the list's parser takes the user database as a callback (the
 * client resolves with getpwnam to refuse a typo at once; herdd resolves
 * again, a client may skip its checks), so the rules are tested with a
 * table of users.  Two canonical strings come out: the names ("bob,carol",
 * shown by herd show and --json) and their uids ("1001,1002", what herdd
 * checks a forward against: a request never waits on NSS).
 */
#ifndef HERD_SVC_SHARE_H
#define HERD_SVC_SHARE_H

#include <stddef.h>
#include <stdint.h>

#define SVC_SHARE_MAX		32	/* users in one --share-with */
#define SVC_SHARE_USER_MAX	32	/* bytes of one user name */
/* "bob,carol": every name and a comma each */
#define SVC_SHARE_NAMES_MAX	(SVC_SHARE_MAX * (SVC_SHARE_USER_MAX + 1))
/* "1001,1002": ten digits and a comma each */
#define SVC_SHARE_UIDS_MAX	(SVC_SHARE_MAX * 11)

/* A user's uid by name: 0, or -1 when there is no such user. */
typedef int (*svc_share_lookup)(const char *name, uint32_t *uid, void *arg);

/*
 * s: names separated by commas (a user name: 1 to SVC_SHARE_USER_MAX of
 * [A-Za-z0-9._-], not starting with '-'), 1 to SVC_SHARE_MAX of them, none
 * twice, each a user `lookup` knows.  0 with names (",": the names as
 * given, in order) and uids (the same order) written, each NUL-ended and
 * within SVC_SHARE_NAMES_MAX / SVC_SHARE_UIDS_MAX; or -1 with err naming
 * the first bad or unknown name (escaped).
 */
int svc_share_resolve(const char *s, svc_share_lookup lookup, void *arg,
    char names[SVC_SHARE_NAMES_MAX], char uids[SVC_SHARE_UIDS_MAX], char *err, size_t errsz);

/* Whether uid is in a list svc_share_resolve wrote ("1001,1002"); NULL or
 * a malformed list: no one. */
int svc_share_has(const char *uids, uint32_t uid);

/*
 * A service reference "OWNER/NAME" (or "NAME"): 0 with owner (empty for a
 * bare NAME) and *name pointing at NAME in ref; -1 when the owner part is
 * empty, too long or not a user name, or there is more than one '/'.
 */
int svc_ref_split(const char *ref, char owner[SVC_SHARE_USER_MAX + 1], const char **name);

#endif

/*
 * safepath.c — see safepath.h.
 *
 * A walk from "/" down to the directory, lstat at each step: a step that
 * is a symbolic link is judged by its owner only (its own mode means
 * nothing, and whoever may change it could point it elsewhere), and the
 * place it leads to is judged by the second walk, over realpath().  A
 * check before use, not a lock: it holds because nobody untrusted may
 * change any entry on the way afterwards, which is what it checks.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "safepath.h"
#include "util.h"

static int listed(uid_t uid, const uid_t *uids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (uids[i] == uid)
			return 1;
	return 0;
}

const char *safepath_entry(mode_t mode, uid_t owner, int leaf, mode_t parent_mode,
    const struct safepath_trust *t)
{
	int strong = owner == 0 || listed(owner, t->strong, t->nstrong);
	if (!strong && !listed(owner, t->weak, t->nweak))
		return "owner";
	/* Its owner's only where nobody else could have made it. */
	if (!strong && (parent_mode & 022) != 0)
		return "squat";
	if (S_ISLNK(mode))
		return NULL;	/* where it leads: the walk over the real path */
	if (!S_ISDIR(mode))
		return "type";
	if ((mode & 022) == 0)
		return NULL;
	/* /tmp: others add names, but cannot move ours (root's or trusted). */
	if (!leaf && (mode & S_ISVTX) && owner == 0)
		return NULL;
	return "mode";
}

static int say(const char *why, const char *path, const char *dir, const char *what,
    const struct stat *st, char *err, size_t errsz)
{
	char owner[64], where[4200];
	unsigned mode = (unsigned)(st->st_mode & 07777);
	uid_name_r(st->st_uid, owner, sizeof owner);
	if (strcmp(path, dir) == 0)
		snprintf(where, sizeof where, "%s %s", what, path);
	else
		snprintf(where, sizeof where, "%s above %s, %s,", path, what, dir);
	if (strcmp(why, "owner") == 0)
		snprintf(err, errsz, "%s belongs to %s (mode %04o): its owner could replace the "
		    "socket and pose as herdd; fix: chown root %s, or put the socket elsewhere",
		    where, owner, mode, path);
	else if (strcmp(why, "squat") == 0)
		snprintf(err, errsz, "%s belongs to %s but is in a directory that other users may "
		    "write: when it is gone (a reboot empties /tmp), anyone may make it again and "
		    "pose as herdd; fix: put the socket in a directory only root may create "
		    "entries in, such as /run/herd", where, owner);
	else if (strcmp(why, "mode") == 0)
		snprintf(err, errsz, "%s is writable by other users (mode %04o, owner %s): any of "
		    "them could move the socket aside and pose as herdd; fix: chmod go-w %s, or "
		    "put the socket elsewhere", where, mode, owner, path);
	else
		snprintf(err, errsz, "%s is not a directory", where);
	return -1;
}

/* lstat each prefix of the absolute path p, from "/" down to p. */
static int walk(const char *p, const char *dir, const char *what,
    const struct safepath_trust *t, char *err, size_t errsz)
{
	char path[PATH_MAX];
	struct stat st;
	mode_t parent_mode = 0;
	size_t len = strlen(p), end = 0;
	if (p[0] != '/' || len >= sizeof path) {
		snprintf(err, errsz, "%s %s: not an absolute path", what, dir);
		return -1;
	}
	for (;;) {
		/* path: "/" first, then p up to the end of each name. */
		size_t k = end == 0 ? 1 : end;
		memcpy(path, p, k);
		path[k] = '\0';
		int leaf = strspn(p + end, "/") == len - end;
		if (lstat(path, &st) != 0) {
			snprintf(err, errsz, "%s %s: %s: %s", what, dir, path, strerror(errno));
			return -1;
		}
		const char *why = safepath_entry(st.st_mode, st.st_uid, leaf, parent_mode, t);
		if (why != NULL)
			return say(why, path, dir, what, &st, err, errsz);
		if (leaf)
			return 0;
		parent_mode = S_ISLNK(st.st_mode) ? 0 : st.st_mode;
		end += strspn(p + end, "/");		/* "a//b" */
		end += strcspn(p + end, "/");
	}
}

int safepath_check(const char *dir, const char *what, const struct safepath_trust *t,
    char *err, size_t errsz)
{
	char real[PATH_MAX];
	/* A relative path: its real path only. */
	if (dir[0] == '/' && walk(dir, dir, what, t, err, errsz) != 0)
		return -1;
	if (realpath(dir, real) == NULL) {
		snprintf(err, errsz, "%s %s: %s", what, dir, strerror(errno));
		return -1;
	}
	return strcmp(real, dir) == 0 ? 0 : walk(real, dir, what, t, err, errsz);
}

/*
 * safepath.h — whether a directory, and every directory above it, can be
 * changed only by users we trust: herdd's check of its socket's directory
 * in lab mode, and the client's before it believes what answers on a
 * socket.
 *
 * The rule (OpenSSH's StrictModes, with /tmp's case): every directory on
 * the path, and every symbolic link on the way, belongs to root or to a
 * trusted uid; the directory itself is writable by its owner only (group
 * or other write, sticky or not, is refused: in a sticky directory others
 * cannot move our socket, but when herdd is down anyone may bind its name
 * first, and then the name answers as them); a directory above it may
 * also be one that is sticky and root's, as /tmp is (others may add names
 * there, but neither move nor remove the trusted directory below, the one
 * entry our path goes through).  Both the path as given and its real path
 * (symbolic links resolved) are checked.
 *
 * Two kinds of trust.  Root and the `strong` uids (the client's own user)
 * are trusted for what they are.  A `weak` uid (whoever listens on the
 * socket, as the client sees it; herdd's own user, as herdd sees itself)
 * is trusted only for what it was given: an entry of its own must sit in
 * a directory that nobody else may write, sticky or not.  Otherwise the
 * check would be circular: when the directory is gone (a reboot empties
 * /tmp), anyone may make it again below a sticky directory, listen there,
 * and be "the owner who listens".
 */
#ifndef HERD_SAFEPATH_H
#define HERD_SAFEPATH_H

#include <stddef.h>
#include <sys/types.h>

/* Who is trusted besides root (see above); the arrays are borrowed. */
struct safepath_trust {
	const uid_t *strong;
	size_t nstrong;
	const uid_t *weak;
	size_t nweak;
};

/*
 * Why one entry of the path is not safe, NULL if it is: its mode and
 * owner (from lstat), whether it is the directory itself (leaf) rather
 * than one above it, the mode of the directory it is in (0 for "/"), and
 * whom to trust.  Pure.
 */
const char *safepath_entry(mode_t mode, uid_t owner, int leaf, mode_t parent_mode,
    const struct safepath_trust *t);

/*
 * Check `dir` and every directory above it (and its real path).  0, or -1
 * with *err naming the directory, what is wrong and the fix; `what` names
 * dir in it ("the socket's directory").
 */
int safepath_check(const char *dir, const char *what, const struct safepath_trust *t,
    char *err, size_t errsz);

#endif

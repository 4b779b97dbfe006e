/*
 * keyfile.h — herd register's edits of the caller's own authorized_keys:
 * here (home directories shared with the nodes) or on one node through
 * the caller's own ssh.  The text itself is changed by authkeys_edit().
 */
#ifndef HERD_KEYFILE_H
#define HERD_KEYFILE_H

#include <stddef.h>

/*
 * Drop our lines (last word `marker`) from ~/.ssh/authorized_keys and add
 * `line` (NULL: only drop).  The file is replaced atomically, mode 0600,
 * in ~/.ssh (0700, made if missing).  0, or -1 with *err.
 */
int keyfile_update_local(const char *marker, const char *line, char *err, size_t errsz);

/* The same on HOST (port PORT) through `ssh`, as the caller. */
int keyfile_update_node(const char *host, int port, const char *marker, const char *line,
    char *err, size_t errsz);

#endif

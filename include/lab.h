/*
 * lab.h — lab mode's key pair and the authorized_keys line that lets herdd
 * log in to the nodes as a user who registered (herd register).
 *
 * The private key never leaves lab.c's checks: herdd reads only its path
 * (libssh2 opens it), never logs it and never sends it; ssh-keygen is
 * given the path alone.  Only the public key travels, in `lab` replies.
 */
#ifndef HERD_LAB_H
#define HERD_LAB_H

#include <stddef.h>

struct config;

#define LAB_PUBKEY_MAX 1024	/* "TYPE BASE64" of an ed25519, ecdsa or rsa-4096 key */
#define LAB_LINE_MAX   2048
#define LAB_MARKER     "herd-lab:"	/* + cluster: the comment that names our lines */

/*
 * Before herdd serves anything in lab mode: not dumpable (its memory
 * holds no key, but requests and environments pass through it), the
 * socket's directory present, searchable by everyone and changeable by
 * root and herdd's user only (safepath.h), the key pair
 * made if missing and private to herdd's user.  0, or -1 with *err
 * saying what and how to fix it.
 */
int lab_prepare(const struct config *cfg, char *err, size_t errsz);

/* The public key as "TYPE BASE64" (comment dropped); 0 or -1 with *err. */
int lab_pubkey(const struct config *cfg, char *out, size_t size, char *err, size_t errsz);

/*
 * The line for a user's authorized_keys: from="FROM",OPTIONS TYPE BASE64
 * herd-lab:CLUSTER, OPTIONS authkeys.h's AUTHKEYS_LAB_OPTS: no pty, agent,
 * X11 or ~/.ssh/rc, forwards only to the node's own localhost (herd
 * port-forward); from=: only logins from the controller's addresses.  0,
 * or -1 when a part could break out of its field (quotes, blanks, newlines).
 */
int lab_authorized_line(char *out, size_t size, const char *from, const char *pubkey,
    const char *cluster);

#endif

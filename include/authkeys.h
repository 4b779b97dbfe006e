/*
 * authkeys.h — editing a user's authorized_keys text for herd register and
 * herd unregister: a pure function over bytes, so that it is unit-tested
 * and fuzzed without touching anyone's file.
 */
#ifndef HERD_AUTHKEYS_H
#define HERD_AUTHKEYS_H

#include <stddef.h>

#include "util.h"

#define AUTHKEYS_MAX (1u << 20)	/* larger files are refused, not truncated */

/*
 * Copy text to *out without every line whose last word is `marker` (our
 * lines, "herd-lab:CLUSTER"), then append `line` (NULL: none) and a
 * newline.  Every other line is kept byte for byte; a last line without
 * a newline gets one.  Returns how many lines were dropped, or -1 when
 * the text holds a NUL byte or is larger than AUTHKEYS_MAX, the marker is
 * not one word "herd-lab:...", or the line is not one line ending in " "
 * and the marker (what a compromised herdd could send to smuggle in a key,
 * or to make the user's own keys go).
 */
int authkeys_edit(const char *text, size_t len, const char *marker, const char *line,
    struct buf *out);

/* A public key lab mode makes or accepts: TYPE one of ssh-ed25519, the
 * ecdsa-sha2-nistp* and ssh-rsa; BASE64 non-empty, of the base64 alphabet. */
int authkeys_pubkey_ok(const char *type, const char *b64);

/*
 * The lab key's options after from="...": restrict (no pty, agent, X11,
 * ~/.ssh/rc or forwarding), then local forwards back on, only to the
 * node's own "localhost" (the host herd port-forward's direct-tcpip
 * channel names; sshd compares the string), and remote forwards (-R)
 * limited to port 1, which sshd lets no user but root listen on:
 * authorized_keys has no permitlisten="none" (OpenSSH 9.2's sshd refuses
 * the whole line for a port that is not a number).  The old options,
 * restrict alone, are what herd register wrote before port-forward: still
 * accepted, everything but a port-forward works with them.
 */
#define AUTHKEYS_LAB_OPTS \
	"restrict,port-forwarding,permitopen=\"localhost:*\",permitlisten=\"localhost:1\""
#define AUTHKEYS_LAB_OPTS_OLD "restrict"

/*
 * Whether `line`, from herdd's `lab` answer, is exactly the line lab mode
 * makes (lab_authorized_line) for `marker`:
 *   from="PATTERNS",OPTIONS TYPE BASE64 herd-lab:CLUSTER
 * OPTIONS AUTHKEYS_LAB_OPTS or AUTHKEYS_LAB_OPTS_OLD, PATTERNS of
 * hosts.ini's lab_from characters, TYPE and BASE64 as above, single
 * spaces, and the marker "herd-lab:" and a cluster name ([A-Za-z0-9._-]).
 * Anything else (command=, a second key, a missing restrict, another
 * permitopen, an empty from=) is what a herdd that is not the lab's could
 * send to log in as the user: refused.  Pure; 2 for the line with
 * AUTHKEYS_LAB_OPTS, 1 for the old one, 0.
 */
int authkeys_lab_line_ok(const char *line, const char *marker);

#endif

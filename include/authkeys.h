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
 * Whether `line`, from herdd's `lab` answer, is exactly the line lab mode
 * makes (lab_authorized_line) for `marker`:
 *   from="PATTERNS",restrict TYPE BASE64 herd-lab:CLUSTER
 * PATTERNS of hosts.ini's lab_from characters, TYPE and BASE64 as above,
 * single spaces, and the marker "herd-lab:" and a cluster name
 * ([A-Za-z0-9._-]).  Anything else (command=, a second key, a missing
 * restrict, an empty from=) is what a herdd that is not the lab's could
 * send to log in as the user: refused.  Pure; 1 or 0.
 */
int authkeys_lab_line_ok(const char *line, const char *marker);

#endif

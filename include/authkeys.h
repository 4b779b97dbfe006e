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

#endif

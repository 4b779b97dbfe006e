/*
 * authkeys.c — see authkeys.h.
 */
#include <string.h>

#include "authkeys.h"

/* Whether the line [p, p+n) ends with the word `marker`. */
static int ends_with_marker(const char *p, size_t n, const char *marker)
{
	size_t m = strlen(marker);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (m == 0 || n < m || memcmp(p + n - m, marker, m) != 0)
		return 0;
	return n == m || p[n - m - 1] == ' ' || p[n - m - 1] == '\t';
}

/*
 * Ours only: a marker of one word "herd-lab:...", so that no key of the
 * user's own is ever taken for ours; a line of one line, that ends with it.
 */
static int marker_ok(const char *marker)
{
	return strncmp(marker, "herd-lab:", 9) == 0 && marker[9] != '\0' &&
	    strpbrk(marker, " \t\r\n") == NULL;
}

static int line_ok(const char *line, const char *marker)
{
	size_t n = strlen(line), m = strlen(marker);
	return strpbrk(line, "\r\n") == NULL && n > m && line[n - m - 1] == ' ' &&
	    strcmp(line + n - m, marker) == 0;
}

int authkeys_edit(const char *text, size_t len, const char *marker, const char *line,
    struct buf *out)
{
	int dropped = 0;
	if (len > AUTHKEYS_MAX || (len > 0 && memchr(text, '\0', len) != NULL))
		return -1;
	if (!marker_ok(marker) || (line != NULL && !line_ok(line, marker)))
		return -1;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		if (ends_with_marker(text + at, n, marker))
			dropped++;
		else if (buf_add(out, text + at, n) != 0 || buf_addc(out, '\n') != 0)
			return -1;
		at += n + 1;
	}
	if (line != NULL && (buf_addstr(out, line) != 0 || buf_addc(out, '\n') != 0))
		return -1;
	return dropped;
}

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

static const char *const key_types[] = {
	"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	"ssh-rsa", NULL,
};

#define B64_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
/* hosts.ini's lab_from (config.c, K_FROM) and cluster (K_NAME) characters. */
#define FROM_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.:*?/,!-_[]"
#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

int authkeys_pubkey_ok(const char *type, const char *b64)
{
	int known = 0;
	for (size_t i = 0; key_types[i] != NULL; i++)
		known |= strcmp(type, key_types[i]) == 0;
	size_t n = strspn(b64, B64_CHARS);
	n += strspn(b64 + n, "=");
	return known && n > 0 && b64[n] == '\0';
}

/* The word [p, p + n) is one of the key types. */
static int key_type_is(const char *p, size_t n)
{
	for (size_t i = 0; key_types[i] != NULL; i++)
		if (strlen(key_types[i]) == n && memcmp(p, key_types[i], n) == 0)
			return 1;
	return 0;
}

int authkeys_lab_line_ok(const char *line, const char *marker)
{
	static const char head[] = "from=\"";
	static const char opts[] = "\"," AUTHKEYS_LAB_OPTS " ", old[] = "\"," AUTHKEYS_LAB_OPTS_OLD " ";
	const char *p = line;
	size_t n;
	int form;

	if (strncmp(marker, "herd-lab:", 9) != 0 || marker[9] == '\0' ||
	    marker[9 + strspn(marker + 9, NAME_CHARS)] != '\0')
		return 0;
	if (strncmp(p, head, sizeof head - 1) != 0)
		return 0;
	p += sizeof head - 1;
	if ((n = strspn(p, FROM_CHARS)) == 0)
		return 0;
	p += n;
	if (strncmp(p, opts, sizeof opts - 1) == 0) {
		form = 2;
		p += sizeof opts - 1;
	} else if (strncmp(p, old, sizeof old - 1) == 0) {
		form = 1;
		p += sizeof old - 1;
	} else {
		return 0;
	}
	n = strcspn(p, " ");
	if (!key_type_is(p, n) || p[n] != ' ')
		return 0;
	p += n + 1;
	n = strspn(p, B64_CHARS);
	if (n == 0)
		return 0;
	n += strspn(p + n, "=");
	if (p[n] != ' ')
		return 0;
	p += n + 1;
	return strcmp(p, marker) == 0 ? form : 0;
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

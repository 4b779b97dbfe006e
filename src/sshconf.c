/*
 * sshconf.c — see sshconf.h.
 *
 * Theory of operation: herd init offers the hosts a user already reaches
 * with ssh, so it reads ~/.ssh/config, but only to list names: what each
 * name resolves to (HostName, User, Port, IdentityFile, through Match,
 * Include and every default) is OpenSSH's own answer to `ssh -G HOST`,
 * which this file parses too.  So herd never re-implements ssh_config's
 * rules; it only needs to find "Host" lines, split them as ssh does
 * (blanks, an optional '=', double quotes) and keep the plain names.
 * The text is the user's but may be anything (a copied file, a
 * half-written line): every line is bounded, and anything odd is skipped
 * and counted, never trusted.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sshconf.h"
#include "util.h"

#define BLANK " \t"

/* Next token of line (NUL-terminated, modified in place) from *pos, ssh's
 * way: blanks separate, "..." groups.  NULL at the end; *bad on an
 * unterminated quote. */
static char *next_token(char *line, size_t *pos, int *bad)
{
	char *p = line + *pos, *start;
	p += strspn(p, BLANK);
	if (*p == '\0')
		return NULL;
	if (*p == '"') {
		start = ++p;
		char *q = strchr(p, '"');
		if (q == NULL) {
			*bad = 1;
			return NULL;
		}
		*q = '\0';
		*pos = (size_t)(q + 1 - line);
		return start;
	}
	start = p;
	p += strcspn(p, BLANK);
	if (*p != '\0')
		*p++ = '\0';
	*pos = (size_t)(p - line);
	return start;
}

/* The keyword: up to a blank or '='; *pos after the separator (blanks,
 * at most one '=', blanks). */
static char *keyword(char *line, size_t *pos)
{
	char *p = line + strspn(line, BLANK), *k = p;
	p += strcspn(p, BLANK "=");
	if (p == k)
		return NULL;
	char sep = *p;
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, BLANK);
	if (sep != '=' && *p == '=')
		p++;
	*pos = (size_t)(p - line);
	return k;
}

static int has_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return 1;
	return 0;
}

static void add_name(struct sshconf_list *out, const char *name)
{
	for (size_t i = 0; i < out->n; i++)
		if (strcmp(out->name[i], name) == 0)
			return;
	if (out->n == SSHCONF_HOSTS_MAX || !name_valid(name, strlen(name), SSHCONF_NAME_MAX)) {
		out->skipped++;
		return;
	}
	strlcpy_h(out->name[out->n++], name, sizeof out->name[0]);
}

/* One "Host a b c" line's patterns (after the keyword). */
static void host_line(char *line, size_t pos, struct sshconf_list *out)
{
	int bad = 0;
	char *t;
	while ((t = next_token(line, &pos, &bad)) != NULL) {
		if (strpbrk(t, "*?!") != NULL)
			out->skipped++;
		else
			add_name(out, t);
	}
	if (bad)
		out->skipped++;
}

void sshconf_hosts(const char *text, size_t len, struct sshconf_list *out)
{
	char line[SSHCONF_LINE_MAX + 1];
	size_t i = 0;

	memset(out, 0, sizeof *out);
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i, pos;
		const char *s = text + i;
		i += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > SSHCONF_LINE_MAX || has_ctl(s, n)) {
			/* Not read as ssh would: any Host names there are lost. */
			out->skipped++;
			continue;
		}
		memcpy(line, s, n);
		line[n] = '\0';
		char *k = keyword(line, &pos);
		if (k == NULL || k[0] == '#')
			continue;
		if (strcasecmp(k, "Host") == 0)
			host_line(line, pos, out);
		else if (strcasecmp(k, "Include") == 0)
			out->includes++;
	}
}

/* value into dst (size), refusing control bytes and truncation. */
static int take(char *dst, size_t size, const char *v, size_t n, const char *key, char *err,
    size_t errsz)
{
	if (n >= size || has_ctl(v, n)) {
		snprintf(err, errsz, "ssh -G: the %s is %s", key,
		    n >= size ? "too long" : "not printable");
		return -1;
	}
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int g_line(const char *s, size_t n, struct sshconf_resolved *r, char *err, size_t errsz)
{
	const char *sp = memchr(s, ' ', n);
	if (sp == NULL)
		return 0;
	size_t kl = (size_t)(sp - s), vl = n - kl - 1;
	const char *v = sp + 1;
#define KEY(name) (kl == sizeof name - 1 && memcmp(s, name, kl) == 0)
	if (KEY("hostname"))
		return take(r->hostname, sizeof r->hostname, v, vl, "hostname", err, errsz);
	if (KEY("user"))
		return take(r->user, sizeof r->user, v, vl, "user", err, errsz);
	if (KEY("identityfile")) {
		if (r->nidentity == SSHCONF_IDS_MAX)
			return 0;
		return take(r->identity[r->nidentity++], sizeof r->identity[0], v, vl,
		    "identityfile", err, errsz);
	}
	if (KEY("userknownhostsfile")) {
		const char *e = memchr(v, ' ', vl);
		return take(r->known_hosts, sizeof r->known_hosts, v, e ? (size_t)(e - v) : vl,
		    "userknownhostsfile", err, errsz);
	}
	if (KEY("port")) {
		char num[8];
		long long p;
		if (take(num, sizeof num, v, vl, "port", err, errsz) != 0 ||
		    parse_whole("port", num, 1, 65535, &p, err, errsz) != 0) {
			snprintf(err, errsz, "ssh -G: the port is not 1 to 65535");
			return -1;
		}
		r->port = (int)p;
	}
#undef KEY
	return 0;
}

int sshconf_g_parse(const char *text, size_t len, struct sshconf_resolved *r, char *err,
    size_t errsz)
{
	size_t i = 0;
	memset(r, 0, sizeof *r);
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		const char *s = text + i;
		i += n + (nl != NULL);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (g_line(s, n, r, err, errsz) != 0)
			return -1;
	}
	if (r->hostname[0] == '\0' || r->user[0] == '\0' || r->port == 0) {
		snprintf(err, errsz, "ssh -G gave no %s", r->hostname[0] == '\0' ? "hostname" :
		    r->user[0] == '\0' ? "user" : "port");
		return -1;
	}
	return 0;
}

/*
 * initfile.c — see initfile.h.
 *
 * Theory of operation: the file herd init writes is read by config_load,
 * the strict reader herdd uses, and that reader has no quoting: a value
 * is the rest of the line, and " #" or " ;" inside one is an error.  So
 * instead of escaping, every value is checked to be one a hosts.ini can
 * hold as written, and a host whose value cannot be is refused by name
 * (ssh resolved it, so such a value is rare and a sign of trouble).  The
 * reason a host was left out is the one free text: it goes into a comment
 * line, control bytes made visible, so it cannot start a line of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "initfile.h"

/* Whether v can be written as "key = v" and read back the same. */
static int value_ok(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return 0;
	return strstr(v, " #") == NULL && strstr(v, " ;") == NULL &&
	    strstr(v, "\t#") == NULL && strstr(v, "\t;") == NULL;
}

static int key(struct buf *b, const char *pfx, const char *k, const char *v, const char *who,
    char *err, size_t errsz)
{
	if (v == NULL)
		return 0;
	if (!value_ok(v)) {
		char vis[128];
		str_vis(vis, sizeof vis, v);
		snprintf(err, errsz, "%s: %s \"%s\" cannot be written in hosts.ini", who, k, vis);
		return -1;
	}
	return buf_printf(b, "%s%s = %s\n", pfx, k, v);
}

static int controller(struct buf *b, const struct init_lab *lab, char *err, size_t errsz)
{
	if (buf_addstr(b, "[controller]\n") != 0)
		return -1;
	if (lab == NULL)
		return buf_addstr(b, "# Personal mode: herdd runs as you and every job runs as the\n"
		    "# user of its node below.  Every key: hosts.ini(5).\n");
	if (buf_addstr(b, "# Lab mode: herdd runs as a service account, each job as the user\n"
	    "# who submitted it (README \"Set up a lab\", herdd(8) LAB MODE).\n"
	    "mode = lab\n") != 0)
		return -1;
	return key(b, "", "state_dir", lab->state_dir, "controller", err, errsz) ||
	    key(b, "", "socket", lab->socket, "controller", err, errsz) ||
	    key(b, "", "lab_from", lab->lab_from, "controller", err, errsz) ||
	    key(b, "", "admins", lab->admins, "controller", err, errsz) ? -1 : 0;
}

static int node(struct buf *b, const struct init_host *h, char *err, size_t errsz)
{
	const char *pfx = h->failed ? "#" : "";
	char why[512], port[16];

	if (!name_valid(h->name, strlen(h->name), 63)) {
		str_vis(why, sizeof why, h->name);
		snprintf(err, errsz, "\"%s\" cannot name a node: 1 to 63 of A-Z a-z 0-9 . _ -",
		    why);
		return -1;
	}
	if (buf_addc(b, '\n') != 0)
		return -1;
	if (h->failed != NULL) {
		str_vis(why, sizeof why, h->failed);
		if (buf_printf(b, "# %s left out: %s\n", h->name, why) != 0)
			return -1;
	}
	snprintf(port, sizeof port, "%d", h->port);
	if (buf_printf(b, "%s[node %s]\n", pfx, h->name) != 0 ||
	    key(b, pfx, "host", h->host, h->name, err, errsz) != 0 ||
	    (h->port != 22 && key(b, pfx, "port", port, h->name, err, errsz) != 0) ||
	    key(b, pfx, "user", h->user, h->name, err, errsz) != 0 ||
	    key(b, pfx, "identity", h->identity, h->name, err, errsz) != 0 ||
	    key(b, pfx, "known_hosts", h->known_hosts, h->name, err, errsz) != 0)
		return -1;
	if (h->cpu_only && buf_printf(b, "%s# no nvidia-smi found there when herd init ran\n"
	    "%scpu_only = yes\n", pfx, pfx) != 0)
		return -1;
	return 0;
}

int init_ini(struct buf *out, const struct init_host *hosts, size_t n,
    const struct init_lab *lab, char *err, size_t errsz)
{
	err[0] = '\0';
	if (buf_addstr(out, "# hosts.ini written by herd init; see hosts.ini(5) and\n"
	    "# hosts.example.ini for every key.  Check it with: herdd -c FILE --check\n") != 0 ||
	    controller(out, lab, err, errsz) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (node(out, &hosts[i], err, errsz) != 0)
			goto fail;
	return 0;
fail:
	if (err[0] == '\0')
		snprintf(err, errsz, "the file would be larger than %zu bytes", out->max);
	return -1;
}

/* One item: "3" or "2-5"; 0, or -1. */
static int pick_item(const char *s, size_t len, size_t n, unsigned char *pick)
{
	char tmp[24], *end;
	if (len == 0 || len >= sizeof tmp)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (tmp[0] < '0' || tmp[0] > '9')
		return -1;
	unsigned long a = strtoul(tmp, &end, 10), b = a;
	if (*end == '-') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		b = strtoul(end + 1, &end, 10);
	}
	if (*end != '\0' || a < 1 || b < a || b > n)
		return -1;
	memset(pick + a - 1, 1, b - a + 1);
	return 0;
}

int init_pick_parse(const char *line, size_t n, unsigned char *pick, char *err, size_t errsz)
{
	const char *p = line + strspn(line, " \t,");
	memset(pick, 0, n);
	if (strncmp(p, "all", 3) == 0 && p[3 + strspn(p + 3, " \t\r\n")] == '\0') {
		memset(pick, 1, n);
		if (n > 0)
			return 0;
	}
	while (*p != '\0' && *p != '\n' && *p != '\r') {
		size_t len = strcspn(p, " \t,\r\n");
		if (pick_item(p, len, n, pick) != 0) {
			char vis[64];
			snprintf(vis, sizeof vis, "%.*s", (int)(len < 40 ? len : 40), p);
			str_vis(err, errsz, vis);
			snprintf(err + strlen(err), errsz - strlen(err), ": not a number from 1 to %zu",
			    n);
			return -1;
		}
		p += len;
		p += strspn(p, " \t,");
	}
	for (size_t i = 0; i < n; i++)
		if (pick[i])
			return 0;
	snprintf(err, errsz, "no host picked: type their numbers (1 to %zu), or all", n);
	return -1;
}

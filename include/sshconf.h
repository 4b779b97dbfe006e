/*
 * sshconf.h — what herd init reads of OpenSSH's client configuration: the
 * Host names of ~/.ssh/config a user may pick from, and the settings
 * `ssh -G HOST` resolves for one of them.  Pure: text in, values out.
 *
 * Ownership: struct sshconf_list and struct sshconf_resolved are plain
 * values (fixed-size arrays) the caller owns; nothing to free.
 */
#ifndef HERD_SSHCONF_H
#define HERD_SSHCONF_H

#include <stddef.h>

#define SSHCONF_HOSTS_MAX 128		/* names listed; more are counted */
#define SSHCONF_NAME_MAX 63		/* a node name's bound (CONFIG_NAME_MAX) */
#define SSHCONF_LINE_MAX 4096		/* a longer line is skipped whole */
#define SSHCONF_IDS_MAX 8

struct sshconf_list {
	char name[SSHCONF_HOSTS_MAX][SSHCONF_NAME_MAX + 1];
	size_t n;
	size_t skipped;		/* patterns left out: wildcards, !negations, names
				 * that cannot be a node's, past SSHCONF_HOSTS_MAX,
				 * and lines over-long or with control bytes */
	size_t includes;	/* Include lines (not followed) */
};

/*
 * The Host names of an ssh_config text (len bytes, NUL not needed), in
 * file order without repeats.  A name is kept only when it can name a
 * node (name_valid: [A-Za-z0-9._-], 1 to 63, not starting with - or .);
 * patterns (* ? !), quoted names with blanks, Match blocks' conditions,
 * names in over-long lines or with control bytes are skipped and counted.
 */
void sshconf_hosts(const char *text, size_t len, struct sshconf_list *out);

struct sshconf_resolved {
	char hostname[256];
	char user[64];
	int port;
	char identity[SSHCONF_IDS_MAX][1024];	/* identityfile lines, as printed (~ kept) */
	size_t nidentity;
	char known_hosts[1024];			/* first userknownhostsfile; "" none */
};

/*
 * `ssh -G HOST`'s answer: "keyword value" lines.  0, or -1 with *err: no
 * hostname, user or port, a port out of 1..65535, a value with a control
 * byte or too long for its field.  Unknown keywords are ignored.
 */
int sshconf_g_parse(const char *text, size_t len, struct sshconf_resolved *r, char *err,
    size_t errsz);

#endif

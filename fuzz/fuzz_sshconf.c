/*
 * fuzz_sshconf.c — sshconf_hosts() and sshconf_g_parse() on arbitrary
 * bytes: ~/.ssh/config may be anything, and ssh -G's answer is only as
 * sane as the configuration it resolved.  The input is handed over as is,
 * not NUL-terminated, so a read past its end is caught.  Every name kept
 * must be a valid node name; every value kept terminated and printable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshconf.h"
#include "util.h"

static void printable(const char *s, size_t size)
{
	size_t n = strnlen(s, size);
	if (n == size)
		abort();
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sshconf_list l;
	struct sshconf_resolved r;
	char err[256];

	sshconf_hosts((const char *)data, size, &l);
	if (l.n > SSHCONF_HOSTS_MAX)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		if (!name_valid(l.name[i], strlen(l.name[i]), SSHCONF_NAME_MAX))
			abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(l.name[i], l.name[j]) == 0)
				abort();
	}
	err[0] = '\0';
	if (sshconf_g_parse((const char *)data, size, &r, err, sizeof err) == 0) {
		if (r.port < 1 || r.port > 65535 || r.hostname[0] == '\0' || r.user[0] == '\0' ||
		    r.nidentity > SSHCONF_IDS_MAX)
			abort();
		printable(r.hostname, sizeof r.hostname);
		printable(r.user, sizeof r.user);
		printable(r.known_hosts, sizeof r.known_hosts);
		for (size_t i = 0; i < r.nidentity; i++)
			printable(r.identity[i], sizeof r.identity[i]);
	} else if (err[0] == '\0')
		abort();
	return 0;
}

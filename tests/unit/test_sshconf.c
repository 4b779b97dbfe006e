/*
 * Unit tests for sshconf.c: the Host names herd init offers from an
 * ssh_config text (wildcards, negations, Match blocks, Include, quotes,
 * names with blanks, newlines, control bytes and over-long lines), and
 * `ssh -G`'s answer with hostile values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sshconf.h"

static struct sshconf_list *hosts(const char *text, size_t len)
{
	static struct sshconf_list l;
	sshconf_hosts(text, len, &l);
	return &l;
}

static void plain(void **state)
{
	(void)state;
	const char t[] =
	    "# my hosts\n"
	    "Host gpu1 gpu2\n"
	    "    HostName 10.0.0.11\n"
	    "host=gpu3\n"
	    "HOST = gpu4\r\n"
	    "\tHost\tgpu1\n"		/* a repeat */
	    "Host \"gpu5\"\n"
	    "Include ~/.ssh/config.d/*\n"
	    "Match host gpu9 exec \"true\"\n"
	    "  User bob\n"
	    "Hostname notahost\n";
	struct sshconf_list *l = hosts(t, sizeof t - 1);
	assert_int_equal(l->n, 5);
	assert_string_equal(l->name[0], "gpu1");
	assert_string_equal(l->name[1], "gpu2");
	assert_string_equal(l->name[2], "gpu3");
	assert_string_equal(l->name[3], "gpu4");
	assert_string_equal(l->name[4], "gpu5");
	assert_int_equal(l->includes, 1);
	assert_int_equal(l->skipped, 0);
}

static void hostile(void **state)
{
	(void)state;
	const char t[] =
	    "Host * !bastion *.lab ?pu\n"	/* patterns: 4 skipped */
	    "Host \"my host\" 'quoted' -oProxyCommand=x .hidden\n"	/* 4 not node names */
	    "Host \"unterminated\n"		/* 1 */
	    "Host a;b a$b a`b ok1\n"		/* 3 bad, ok1 kept */
	    "Host\n"				/* nothing */
	    "Host =\n"
	    "Host x\001y\n"			/* a control byte: the line, 1 */
	    "Host ok2\0ok3\n";			/* a NUL inside: the line, 1 */
	struct sshconf_list *l = hosts(t, sizeof t - 1);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->name[0], "ok1");
	assert_int_equal(l->skipped, 4 + 4 + 1 + 3 + 1 + 1);

	/* A 64-byte name is one too long; a line past SSHCONF_LINE_MAX is skipped whole. */
	char *big = malloc(2 * SSHCONF_LINE_MAX);
	int n = snprintf(big, 200, "Host %.*s\nHost ", 64,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	memset(big + n, 'b', SSHCONF_LINE_MAX);
	memcpy(big + n + SSHCONF_LINE_MAX, "\nHost last", 10);
	l = hosts(big, (size_t)n + SSHCONF_LINE_MAX + 10);
	assert_int_equal(l->n, 1);
	assert_string_equal(l->name[0], "last");
	assert_int_equal(l->skipped, 2);
	free(big);

	/* No newline at the end, an empty text, only newlines. */
	l = hosts("Host end", 8);
	assert_int_equal(l->n, 1);
	l = hosts("Host end", 5);		/* cut: "Host " */
	assert_int_equal(l->n, 0);
	l = hosts("", 0);
	assert_int_equal(l->n, 0);
	l = hosts("\n\n\r\n", 4);
	assert_int_equal(l->n, 0);
}

static void many(void **state)
{
	(void)state;
	size_t cap = (SSHCONF_HOSTS_MAX + 10) * 16, len = 0;
	char *t = malloc(cap);
	for (int i = 0; i < SSHCONF_HOSTS_MAX + 10; i++)
		len += (size_t)snprintf(t + len, cap - len, "Host h%d\n", i);
	struct sshconf_list *l = hosts(t, len);
	assert_int_equal(l->n, SSHCONF_HOSTS_MAX);
	assert_int_equal(l->skipped, 10);
	free(t);
}

static void g_good(void **state)
{
	(void)state;
	struct sshconf_resolved r;
	char err[256];
	const char t[] =
	    "host gpu1\n"
	    "user alice\n"
	    "hostname 10.0.0.11\n"
	    "port 2222\n"
	    "identityfile ~/.ssh/id_rsa\n"
	    "identityfile /keys/my key\n"
	    "userknownhostsfile ~/.ssh/known_hosts ~/.ssh/known_hosts2\n"
	    "stricthostkeychecking ask\n";
	assert_int_equal(sshconf_g_parse(t, sizeof t - 1, &r, err, sizeof err), 0);
	assert_string_equal(r.hostname, "10.0.0.11");
	assert_string_equal(r.user, "alice");
	assert_int_equal(r.port, 2222);
	assert_int_equal(r.nidentity, 2);
	assert_string_equal(r.identity[1], "/keys/my key");
	assert_string_equal(r.known_hosts, "~/.ssh/known_hosts");
}

static void g_hostile(void **state)
{
	(void)state;
	struct sshconf_resolved r;
	char err[256];
	static const char *const bad[] = {
		"user a\nport 22\n",				/* no hostname */
		"hostname h\nport 22\n",			/* no user */
		"hostname h\nuser a\n",				/* no port */
		"hostname h\nuser a\nport 0\n",
		"hostname h\nuser a\nport 65536\n",
		"hostname h\nuser a\nport 22x\n",
		"hostname h\nuser a\nport -1\n",
		"hostname h\nuser a\nport 99999999999999999999\n",
		"hostname h\x1b[2J\nuser a\nport 22\n",		/* an escape */
		"hostname h\nuser a\tb\x7f\x01\nport 22\n",
		"hostname h\nuser aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		    "port 22\n",				/* 70 bytes: too long */
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(sshconf_g_parse(bad[i], strlen(bad[i]), &r, err, sizeof err), -1);
		assert_true(err[0] != '\0');
	}
	/* A NUL inside the hostname: refused, not cut short. */
	const char nul[] = "hostname h\0evil\nuser a\nport 22\n";
	assert_int_equal(sshconf_g_parse(nul, sizeof nul - 1, &r, err, sizeof err), -1);
	/* More identities than kept: the first SSHCONF_IDS_MAX. */
	char t[2048];
	size_t len = (size_t)snprintf(t, sizeof t, "hostname h\nuser a\nport 22\n");
	for (int i = 0; i < SSHCONF_IDS_MAX + 3; i++)
		len += (size_t)snprintf(t + len, sizeof t - len, "identityfile /k%d\n", i);
	assert_int_equal(sshconf_g_parse(t, len, &r, err, sizeof err), 0);
	assert_int_equal(r.nidentity, SSHCONF_IDS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain),
		cmocka_unit_test(hostile),
		cmocka_unit_test(many),
		cmocka_unit_test(g_good),
		cmocka_unit_test(g_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

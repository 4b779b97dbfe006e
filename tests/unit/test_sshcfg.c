/*
 * test_sshcfg.c — herd ssh-config's texts: config words with spaces,
 * quotes, backslashes and % (doubled where tokens expand), control bytes
 * refused; the node's setup answer parsed past a login's noise, hostile
 * and cut answers refused; the sshd_config holds one SetEnv line and
 * refuses what it cannot hold; the Host block's ProxyCommand is shquoted
 * words.  Where this machine has OpenSSH, the sshd_config made from
 * hostile values is read back by the real `sshd -T` and the values come
 * back byte-exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sshcfg.h"
#include "util.h"

static void word_is(const char *in, int tokens, const char *want)
{
	struct buf b;
	buf_init(&b, 4096);
	assert_int_equal(sshcfg_word(&b, in, tokens), 0);
	assert_string_equal(b.data, want);
	buf_clear(&b);
}

static void words(void **state)
{
	(void)state;
	word_is("plain", 0, "\"plain\"");
	word_is("a b", 0, "\"a b\"");
	word_is("say \"hi\"", 0, "\"say \\\"hi\\\"\"");
	word_is("back\\slash", 0, "\"back\\\\slash\"");
	word_is("100%", 1, "\"100%%\"");
	word_is("100%", 0, "\"100%\"");
	word_is("", 0, "\"\"");
	word_is("# not a comment", 0, "\"# not a comment\"");
	struct buf b;
	buf_init(&b, 4096);
	assert_int_equal(sshcfg_word(&b, "two\nlines", 0), -1);
	assert_int_equal(sshcfg_word(&b, "cr\r", 0), -1);
	assert_int_equal(sshcfg_word(&b, "tab\there", 0), -1);
	assert_int_equal(sshcfg_word(&b, "del\x7f", 0), -1);
	buf_clear(&b);
}

static void kept(void **state)
{
	(void)state;
	assert_true(sshcfg_env_kept("CUDA_VISIBLE_DEVICES", 20));
	assert_true(sshcfg_env_kept("CUDA_DEVICE_ORDER", 17));
	assert_true(sshcfg_env_kept("HERD_JOB_ID", 11));
	assert_true(sshcfg_env_kept("SLURM_JOB_ID", 12));
	assert_false(sshcfg_env_kept("HERD_", 5));
	assert_false(sshcfg_env_kept("SLURM_", 6));
	assert_false(sshcfg_env_kept("PATH", 4));
	assert_false(sshcfg_env_kept("LD_PRELOAD", 10));
	assert_false(sshcfg_env_kept("HERD_A B", 8));
	assert_false(sshcfg_env_kept("HERD_A\n", 7));
	assert_false(sshcfg_env_kept("", 0));
	assert_false(sshcfg_env_kept("CUDA_VISIBLE_DEVICESX", 21));
}

#define ANSWER(env) \
	"herd-ssh files /home/a b/.herd/jobs/k-1.1\n" \
	"herd-ssh sshd /usr/sbin/sshd\n" \
	"herd-ssh sftp /usr/lib/openssh/sftp-server\n" \
	"herd-ssh hostkey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq herd-job-1\n" \
	"herd-ssh env\n" env

static int parse(const char *text, size_t len, struct sshcfg_node *n, char **copy)
{
	char err[256];
	*copy = malloc(len + 1);
	memcpy(*copy, text, len);
	(*copy)[len] = '\0';
	return sshcfg_parse_setup(*copy, len, n, err, sizeof err);
}

static void parse_good(void **state)
{
	(void)state;
	static const char a[] = "Welcome to node1\nherd-ssh env\n" ANSWER(
	    "CUDA_VISIBLE_DEVICES=2,3\0PATH=/bin\0HERD_JOB_ID=7\0SLURM_JOB_NAME=x=y\0");
	struct sshcfg_node n;
	char *c;
	assert_int_equal(parse(a, sizeof a - 1, &n, &c), 0);
	assert_string_equal(n.files, "/home/a b/.herd/jobs/k-1.1");
	assert_string_equal(n.sshd, "/usr/sbin/sshd");
	assert_string_equal(n.sftp, "/usr/lib/openssh/sftp-server");
	assert_string_equal(n.hostkey, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq herd-job-1");
	assert_int_equal(n.nenv, 3);
	assert_string_equal(n.env[0], "CUDA_VISIBLE_DEVICES=2,3");
	assert_string_equal(n.env[1], "HERD_JOB_ID=7");
	assert_string_equal(n.env[2], "SLURM_JOB_NAME=x=y");
	free(c);
}

static void parse_hostile(void **state)
{
	(void)state;
	static const struct { const char *t; size_t len; } bad[] = {
#define B(s) { s, sizeof s - 1 }
		B(""),
		B("noise only\n"),
		B("herd-ssh files /a\nherd-ssh sshd /s\nherd-ssh env\n"),	/* no host key */
		B("herd-ssh files /a\nherd-ssh sshd /s\nherd-ssh hostkey k\n"),	/* no env */
		B("herd-ssh files /a\nherd-ssh bogus 1\n"),
		B("herd-ssh files /a\nherd-ssh sshd \nherd-ssh hostkey k\nherd-ssh env\n"),
		B("herd-ssh files /a\nherd-ssh sshd /s\nherd-ssh hostkey k\nherd-ssh env\nHERD_A=cut"),
		B("herd-ssh files /a\0b\nherd-ssh sshd /s\nherd-ssh hostkey k\nherd-ssh env\n"),
#undef B
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sshcfg_node n;
		char *c;
		assert_int_equal(parse(bad[i].t, bad[i].len, &n, &c), -1);
		free(c);
	}
}

static int config_of(const char *answer, size_t len, struct buf *cfg, char *err, size_t errsz)
{
	struct sshcfg_node n;
	char *c;
	assert_int_equal(parse(answer, len, &n, &c), 0);
	int r = sshcfg_sshd_config(cfg, &n, err, errsz);
	free(c);
	return r;
}

static void sshd_config(void **state)
{
	(void)state;
	static const char a[] = ANSWER("CUDA_VISIBLE_DEVICES=0\0HERD_JOB_NAME=it's \"q\" \\ %h #\0");
	struct buf b;
	char err[256];
	buf_init(&b, 64u * 1024);
	assert_int_equal(config_of(a, sizeof a - 1, &b, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "\nHostKey \"/home/a b/.herd/jobs/k-1.1.ssh_host_ed25519_key\"\n"));
	assert_non_null(strstr(b.data,
	    "\nAuthorizedKeysFile \"/home/a b/.herd/jobs/k-1.1.ssh_authorized_keys\"\n"));
	assert_non_null(strstr(b.data, "\nForceCommand '/bin/sh' '/home/a b/.herd/jobs/k-1.1.ssh_rc'\n"));
	assert_non_null(strstr(b.data, "\nSubsystem sftp \"/usr/lib/openssh/sftp-server\"\n"));
	assert_non_null(strstr(b.data, "\nSetEnv \"CUDA_VISIBLE_DEVICES=0\" "
	    "\"HERD_JOB_NAME=it's \\\"q\\\" \\\\ %h #\"\n"));
	assert_non_null(strstr(b.data, "\nPidFile none\n"));
	assert_non_null(strstr(b.data, "\nUsePAM no\n"));
	assert_non_null(strstr(b.data, "\nPasswordAuthentication no\n"));
	assert_null(strstr(strstr(b.data, "\nSetEnv") + 1, "\nSetEnv"));	/* one line */
	buf_clear(&b);

	/* A newline in a value: refused, naming the variable. */
	static const char nl[] = ANSWER("HERD_JOB_NAME=two\nlines\0");
	buf_init(&b, 64u * 1024);
	assert_int_equal(config_of(nl, sizeof nl - 1, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "HERD_JOB_NAME"));
	buf_clear(&b);

	/* Job file prefixes sshd_config would not hold as written. */
	static const char *const prefix[] = { "rel/path", "/a\"b", "/a%b", "/a\\b", "/a\nb", "/a#b" };
	for (size_t i = 0; i < sizeof prefix / sizeof prefix[0]; i++) {
		struct sshcfg_node n = { .files = prefix[i], .sshd = "/s", .hostkey = "k" };
		buf_init(&b, 64u * 1024);
		assert_int_equal(sshcfg_sshd_config(&b, &n, err, sizeof err), -1);
		buf_clear(&b);
	}
}

static void host_block(void **state)
{
	(void)state;
	struct sshcfg_host h = { .alias = "herd-12", .user = "ann \"x\"", .herd = "/opt/my herd/%bin/herd",
	    .config = "/etc/it's.ini", .ref = "12", .identity = "/s/100%/id", .known_hosts = "/s/kh 12" };
	struct buf b;
	char err[256];
	buf_init(&b, 64u * 1024);
	assert_int_equal(sshcfg_host_block(&b, &h, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "\nHost herd-12\n"));
	assert_non_null(strstr(b.data, "\n    HostKeyAlias herd-12\n"));
	assert_non_null(strstr(b.data, "\n    User \"ann \\\"x\\\"\"\n"));
	assert_non_null(strstr(b.data, "\n    ProxyCommand '/opt/my herd/%%bin/herd' '-c' "
	    "'/etc/it'\\''s.ini' 'ssh-proxy' '12'\n"));
	assert_non_null(strstr(b.data, "\n    IdentityFile \"/s/100%%/id\"\n"));
	assert_non_null(strstr(b.data, "\n    UserKnownHostsFile \"/s/kh 12\"\n"));
	assert_non_null(strstr(b.data, "\n    StrictHostKeyChecking yes\n"));
	assert_non_null(strstr(b.data, "\n    IdentitiesOnly yes\n"));
	buf_clear(&b);

	/* A remote client's controller goes with the proxy (not with -s). */
	struct sshcfg_host rc = h;
	rc.config = NULL;
	rc.controller = "ann@login $(x)";
	buf_init(&b, 64u * 1024);
	assert_int_equal(sshcfg_host_block(&b, &rc, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "\n    ProxyCommand 'env' 'HERD_CONTROLLER=ann@login $(x)' "
	    "'/opt/my herd/%%bin/herd' 'ssh-proxy' '12'\n"));
	buf_clear(&b);
	rc.controller = "ann@login\nProxyCommand evil";
	buf_init(&b, 64u * 1024);
	assert_int_equal(sshcfg_host_block(&b, &rc, err, sizeof err), -1);
	buf_clear(&b);

	struct sshcfg_host bad = h;
	bad.herd = "/opt/herd\nProxyCommand evil";
	buf_init(&b, 64u * 1024);
	assert_int_equal(sshcfg_host_block(&b, &bad, err, sizeof err), -1);
	bad = h;
	bad.identity = "/x\n";
	assert_int_equal(sshcfg_host_block(&b, &bad, err, sizeof err), -1);
	bad = h;
	bad.alias = "herd-1 *";
	assert_int_equal(sshcfg_host_block(&b, &bad, err, sizeof err), -1);
	bad = h;
	bad.ref = "1;rm";
	assert_int_equal(sshcfg_host_block(&b, &bad, err, sizeof err), -1);
	buf_clear(&b);
}

/* The block read back: each value as given, whatever quotes and % it holds. */
static void block_next_roundtrip(void **state)
{
	(void)state;
	struct sshcfg_host h = { .alias = "herd-12_3", .user = "ann \"x\" \\ 100%%",
	    .herd = "/opt/my herd/%bin/herd", .config = "/etc/it's.ini", .ref = "12_3",
	    .identity = "/s/100%/id \"q\"", .known_hosts = "/s/kh 12\\" };
	struct buf b;
	char err[256], key[64], val[1024];
	const char *p;
	int got = 0;
	buf_init(&b, 64u * 1024);
	assert_int_equal(sshcfg_host_block(&b, &h, err, sizeof err), 0);
	p = b.data;
	while (sshcfg_block_next(&p, key, sizeof key, val, sizeof val) == 1) {
		if (strcmp(key, "Host") == 0 || strcmp(key, "HostName") == 0)
			assert_string_equal(val, "herd-12_3");
		else if (strcmp(key, "User") == 0)
			assert_string_equal(val, h.user);
		else if (strcmp(key, "IdentityFile") == 0)
			assert_string_equal(val, h.identity);
		else if (strcmp(key, "UserKnownHostsFile") == 0)
			assert_string_equal(val, h.known_hosts);
		else if (strcmp(key, "ProxyCommand") == 0)
			assert_string_equal(val, "'/opt/my herd/%bin/herd' '-c' '/etc/it'\\''s.ini' "
			    "'ssh-proxy' '12_3'");
		got++;
	}
	assert_int_equal(got, 11);
	assert_int_equal(*p, '\0');
	buf_clear(&b);
}

/* Lines that are not a block's: refused, never read past the buffer. */
static void block_next_hostile(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"User \"open quote\n",
		"User \"a\" b\n",
		"User \"a\\",
		"User\n",
		"    \n",
		"User a\tb\n",
		"User \"a\x01\"\n",
		"User a\x7f\n",
		" NoValueAtAll",
	};
	char key[16], val[16];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *p = bad[i];
		assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), -1);
		assert_true(p >= bad[i] && p <= bad[i] + strlen(bad[i]));
	}
	const char *p = "VeryLongKeywordPastSixteen x\n";
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), -1);
	p = "User 0123456789abcdefXYZ\n";
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), -1);
	p = "User \"0123456789abcdefXYZ\"\n";
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), -1);
	/* Comments, blank lines, a lone % and a last line with no newline. */
	p = "# c\n\n#\nUser 5%\nHost \"\"";
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), 1);
	assert_string_equal(key, "User");
	assert_string_equal(val, "5%");
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), 1);
	assert_string_equal(key, "Host");
	assert_string_equal(val, "");
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), 0);
	assert_int_equal(sshcfg_block_next(&p, key, sizeof key, val, sizeof val), 0);
}

static void known_hosts(void **state)
{
	(void)state;
	struct buf b;
	char err[256];
	buf_init(&b, 8192);
	assert_int_equal(sshcfg_known_hosts(&b, "herd-3", "ssh-ed25519 AAAAC3NzaC1lZDI1+/= herd-job-3",
	    err, sizeof err), 0);
	assert_string_equal(b.data, "herd-3 ssh-ed25519 AAAAC3NzaC1lZDI1+/=\n");
	static const char *const bad[] = { "", "ssh-ed25519", "ssh-ed25519 ", "ssh ed25519abcdefghijkl",
	    "SSH-X AAAAC3NzaC1lZDI1", "ssh-ed25519 AAAAC3Nz\naC1lZDI1", "ssh-ed25519 AAAAC3NzaC1lZDI1;rm",
	    "@revoked AAAAC3NzaC1lZDI1 x", "ssh-ed25519 AAAA" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_reset(&b);
		assert_int_equal(sshcfg_known_hosts(&b, "herd-3", bad[i], err, sizeof err), -1);
	}
	buf_clear(&b);
}

/* The real sshd reads the hostile values back byte-exact (sshd -T). */
static void real_sshd(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0 || system("command -v ssh-keygen >/dev/null") != 0)
		skip();
	char dir[] = "/tmp/test_sshcfg.XXXXXX", cmd[512];
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "ssh-keygen -q -t ed25519 -N '' -f '%s/j a.ssh_host_ed25519_key'"
	    " </dev/null >/dev/null", dir);
	assert_int_equal(system(cmd), 0);
	char files[128];
	snprintf(files, sizeof files, "%s/j a", dir);
	const char *env[] = { "HERD_JOB_NAME=it's \"q\" \\ %h # x", "CUDA_VISIBLE_DEVICES=0,1" };
	struct sshcfg_node n = { .files = files, .sshd = "/usr/sbin/sshd", .hostkey = "k",
	    .env = { env[0], env[1] }, .nenv = 2 };
	struct buf b;
	char err[256], path[160];
	buf_init(&b, 64u * 1024);
	assert_int_equal(sshcfg_sshd_config(&b, &n, err, sizeof err), 0);
	snprintf(path, sizeof path, "%s/cfg", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(b.data, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "/usr/sbin/sshd -T -f '%s' 2>&1", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[1024], want[512];
	size_t seen = 0;
	while (fgets(line, sizeof line, p) != NULL)
		if (strncmp(line, "setenv ", 7) == 0) {	/* sshd -T: a line per value */
			assert_true(seen < 2);
			snprintf(want, sizeof want, "setenv %s\n", env[seen++]);
			assert_string_equal(line, want);
		}
	pclose(p);
	assert_int_equal(seen, 2);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	buf_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(words),
		cmocka_unit_test(kept),
		cmocka_unit_test(parse_good),
		cmocka_unit_test(parse_hostile),
		cmocka_unit_test(sshd_config),
		cmocka_unit_test(host_block),
		cmocka_unit_test(block_next_roundtrip),
		cmocka_unit_test(block_next_hostile),
		cmocka_unit_test(known_hosts),
		cmocka_unit_test(real_sshd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_config.c — hosts.ini loading: the good files give exactly the
 * documented values, and every bad one fails with FILE:LINE and the key.
 *
 * Files under tests/fixtures/config/ are read in place; the rest are written
 * to a temporary directory.  HOME and XDG_STATE_HOME are fixed in main() so
 * the defaults are predictable.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "util.h"

#define FIX "tests/fixtures/config/"
#define HOME "/home/tester"

static char tmpdir[] = "/tmp/test_config.XXXXXX";
static char tmpfile_[PATH_MAX];
static char cwd[PATH_MAX];

static void write_file(const char *text, size_t len)
{
	FILE *f = fopen(tmpfile_, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Write text as TMPDIR/hosts.ini and load it. */
static int load_str(const char *text, struct config *c, char *err, size_t errsz)
{
	write_file(text, strlen(text));
	return config_load(tmpfile_, c, err, errsz);
}

static char *fix_abs(const char *rel)
{
	char *s;

	xasprintf(&s, "%s/" FIX "%s", cwd, rel);
	return s;
}

static struct node_conf *node(struct config *c, const char *name)
{
	for (size_t i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i].name, name) == 0)
			return &c->nodes[i];
	fail_msg("no node %s", name);
	return NULL;
}

static void test_good_full(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", *s;
	struct node_conf *n;

	(void)state;
	assert_int_equal(config_load(FIX "good_full.ini", &c, err, sizeof err), 0);
	s = fix_abs("good_full.ini");
	assert_string_equal(c.path, s);
	free(s);
	assert_string_equal(c.cluster, "lab-1");
	s = fix_abs("state");
	assert_string_equal(c.state_dir, s);
	free(s);
	assert_string_equal(c.socket_path, "/run/herd/herd.sock");
	assert_string_equal(c.log_file, HOME "/herdd.log");
	assert_int_equal(c.probe_interval_s, 60);
	assert_int_equal(c.kill_grace_s, 0);
	assert_int_equal(c.kill_invalid_depend, 0);
	assert_int_equal(c.nnodes, 3);

	n = node(&c, "gpu1");
	assert_string_equal(n->host, "gpu1.example.org");
	assert_int_equal(n->local, 0);
	assert_int_equal(n->port, 22);
	assert_string_equal(n->user, "bob");
	assert_string_equal(n->identity, "/etc/herd/id_gpu1");
	s = fix_abs("known_hosts");
	assert_string_equal(n->known_hosts, s);
	free(s);
	assert_string_equal(n->herd_dir, "/scratch/herd");
	assert_int_equal(n->connect_timeout_s, 5);
	assert_int_equal(n->command_timeout_s, 3600);
	assert_int_equal(n->keepalive_s, 60);
	assert_int_equal(n->line, 17);

	/* gpu2 sets only host (indented): the rest is [defaults] or built in. */
	n = node(&c, "gpu2");
	assert_string_equal(n->host, "10.0.0.2");
	assert_int_equal(n->port, 2222);
	assert_string_equal(n->user, "alice");
	s = fix_abs("keys/id_ed25519");
	assert_string_equal(n->identity, s);
	free(s);
	assert_string_equal(n->known_hosts, HOME "/.ssh/known_hosts");
	assert_string_equal(n->herd_dir, ".herd");
	assert_int_equal(n->connect_timeout_s, 10);
	assert_int_equal(n->command_timeout_s, 30);
	assert_int_equal(n->keepalive_s, 0);

	n = node(&c, "local");
	assert_string_equal(n->host, "local");
	assert_int_equal(n->local, 1);
	config_clear(&c);
	assert_null(c.nodes);
	config_clear(&c);	/* twice is harmless */
}

static void test_builtin_defaults(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	struct passwd *pw = getpwuid(getuid());
	struct node_conf *n;

	(void)state;
	assert_int_equal(load_str("[node a]\nhost = a.example\n", &c, err,
	    sizeof err), 0);
	assert_string_equal(c.path, tmpfile_);
	assert_string_equal(c.cluster, "herd");
	assert_string_equal(c.state_dir, HOME "/.local/state/herd");
	assert_string_equal(c.socket_path, HOME "/.local/state/herd/herd.sock");
	assert_string_equal(c.log_file, HOME "/.local/state/herd/herdd.log");
	assert_int_equal(c.probe_interval_s, 30);
	assert_int_equal(c.kill_grace_s, 10);
	assert_int_equal(c.kill_invalid_depend, 1);
	assert_int_equal(c.reservations, 1);
	n = &c.nodes[0];
	assert_int_equal(n->port, 22);
	if (pw != NULL)
		assert_string_equal(n->user, pw->pw_name);
	assert_non_null(n->user);
	assert_null(n->identity);
	assert_string_equal(n->known_hosts, HOME "/.ssh/known_hosts");
	assert_string_equal(n->herd_dir, ".herd");
	assert_int_equal(n->connect_timeout_s, 10);
	assert_int_equal(n->command_timeout_s, 30);
	assert_int_equal(n->keepalive_s, 15);
	assert_int_equal(n->foreign_mem_threshold_mb, 512);
	assert_int_equal(n->share_foreign, 0);
	assert_int_equal(n->down_after_s, 120);
	assert_int_equal(n->node_fail_after_s, 600);
	assert_int_equal(n->keep_job_files_s, 86400);
	assert_int_equal(n->min_free_disk_mb, 1024);
	assert_int_equal(n->line, 1);
	config_clear(&c);
}

/*
 * Outage and housekeeping keys: [defaults] reaches every node; keep_job_files
 * is days, or with a unit; sizes as --mem; hostile values refused with
 * file:line.
 */
static void test_outage_keys(void **state)
{
	static const struct { const char *v; int secs; } ok[] = {
		{ "1", 86400 }, { "0", 0 }, { "2d", 172800 }, { "12h", 43200 }, { "30m", 1800 },
		{ "5s", 5 }, { "3650", 3650 * 86400 },
	};
	static const char *bad[] = {
		"", "d", "1x", "1ss", "-1", "+1", "1 d", "3651", "999999999999", "1e3",
		"0x10", "1d2", "99999999999999999999s", "\x01",
	};
	struct config c;
	char err[HERD_ERRLEN], text[256];
	(void)state;
	assert_int_equal(load_str("[defaults]\ndown_after = 5\nnode_fail_after = 0\n"
	    "min_free_disk = 10G\n[node a]\nhost = a\n[node b]\nhost = b\ndown_after = 7\n",
	    &c, err, sizeof err), 0);
	assert_int_equal(node(&c, "a")->down_after_s, 5);
	assert_int_equal(node(&c, "b")->down_after_s, 7);
	assert_int_equal(node(&c, "b")->node_fail_after_s, 0);
	assert_int_equal(node(&c, "a")->min_free_disk_mb, 10240);
	config_clear(&c);
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, "[node a]\nhost = a\nkeep_job_files = %s\n", ok[i].v);
		if (load_str(text, &c, err, sizeof err) != 0)
			fail_msg("keep_job_files = %s refused: %s", ok[i].v, err);
		assert_int_equal(c.nodes[0].keep_job_files_s, ok[i].secs);
		config_clear(&c);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "[node a]\nhost = a\nkeep_job_files = %s\n", bad[i]);
		if (load_str(text, &c, err, sizeof err) == 0) {
			config_clear(&c);
			fail_msg("keep_job_files = \"%s\" accepted", bad[i]);
		}
		if (strstr(err, ":3: ") == NULL)
			fail_msg("keep_job_files = \"%s\": %s", bad[i], err);
	}
	assert_int_equal(load_str("[node a]\nhost = a\ndown_after = 0\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "down_after"));
	assert_int_equal(load_str("[node a]\nhost = a\nmin_free_disk = lots\n", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "min_free_disk"));
	assert_int_equal(load_str("[node a]\nhost = a\nmin_free_disk = 99999999T\n", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "min_free_disk"));
}

#define IDLE_HDR "[node a]\nhost = a\n[partition p]\ndefault = yes\nnodes = a\n"
/*
 * idle_timeout ([partition]): a duration with its unit (a bare number is
 * refused: minutes or seconds would be a guess), 0 or none for none;
 * hostile values refused with file:line.
 */
static void test_idle_timeout(void **state)
{
	static const struct { const char *v; int secs; } ok[] = {
		{ "30m", 1800 }, { "3s", 3 }, { "2h", 7200 }, { "1d", 86400 }, { "0", 0 },
		{ "none", 0 }, { "365d", 365 * 86400 },
	};
	static const char *bad[] = {
		"30", "m", "1x", "3ss", "-3s", "+3s", "3 s", "366d", "99999999999999s", "1e3s",
		"0x10s", "1d2", "None", "inf", "30M", "3s;", "3\xc2\xa0s",
	};
	struct config c;
	char err[HERD_ERRLEN], text[256];
	(void)state;
	assert_int_equal(load_str(IDLE_HDR, &c, err, sizeof err), 0);
	assert_int_equal(c.parts[0].idle_timeout_s, 0);	/* the default: never */
	config_clear(&c);
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, IDLE_HDR "idle_timeout = %s\n", ok[i].v);
		if (load_str(text, &c, err, sizeof err) != 0)
			fail_msg("idle_timeout = %s refused: %s", ok[i].v, err);
		assert_int_equal(c.parts[0].idle_timeout_s, ok[i].secs);
		config_clear(&c);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, IDLE_HDR "idle_timeout = %s\n", bad[i]);
		if (load_str(text, &c, err, sizeof err) == 0) {
			config_clear(&c);
			fail_msg("idle_timeout = \"%s\" accepted", bad[i]);
		}
		if (strstr(err, ":6: ") == NULL || strstr(err, "idle_timeout") == NULL)
			fail_msg("idle_timeout = \"%s\": %s", bad[i], err);
	}
	/* Control bytes are refused before any key sees them. */
	assert_int_equal(load_str(IDLE_HDR "idle_timeout = 3s\x01\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":6: "));
}

/*
 * services ([partition]): yes by default; no refuses services there.
 * Anything but a yes or no word is refused with file:line, never read as
 * either (a typo must not open a batch partition to services).
 */
static void test_part_services(void **state)
{
	static const struct { const char *v; int yes; } ok[] = {
		{ "no", 0 }, { "yes", 1 }, { "NO", 0 }, { "false", 0 }, { "off", 0 }, { "0", 0 },
		{ "true", 1 }, { "1", 1 },
	};
	static const char *bad[] = {
		"", "n", "nope", "no no", "no;", "2", "-1", "yes,no", "no\xc2\xa0", "batch",
		"services", "\"no\"",
	};
	struct config c;
	char err[HERD_ERRLEN], text[256];
	(void)state;
	assert_int_equal(load_str(IDLE_HDR, &c, err, sizeof err), 0);
	assert_int_equal(c.parts[0].services, 1);	/* the default: services welcome */
	config_clear(&c);
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(text, sizeof text, IDLE_HDR "services = %s\n", ok[i].v);
		if (load_str(text, &c, err, sizeof err) != 0)
			fail_msg("services = %s refused: %s", ok[i].v, err);
		assert_int_equal(c.parts[0].services, ok[i].yes);
		config_clear(&c);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, IDLE_HDR "services = %s\n", bad[i]);
		if (load_str(text, &c, err, sizeof err) == 0) {
			config_clear(&c);
			fail_msg("services = \"%s\" accepted", bad[i]);
		}
		if (strstr(err, ":6: ") == NULL || strstr(err, "services") == NULL)
			fail_msg("services = \"%s\": %s", bad[i], err);
	}
	assert_int_equal(load_str(IDLE_HDR "services = no\nservices = yes\n", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, ":7: "));
}

static void test_xdg_state_home(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", *s;

	(void)state;
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	s = config_default_state_dir();
	assert_string_equal(s, "/xdg/state/herd");
	free(s);
	assert_int_equal(load_str("[node a]\nhost = a\n", &c, err, sizeof err), 0);
	assert_string_equal(c.socket_path, "/xdg/state/herd/herd.sock");
	config_clear(&c);
	setenv("XDG_STATE_HOME", "relative/is/ignored", 1);
	s = config_default_state_dir();
	assert_string_equal(s, HOME "/.local/state/herd");
	free(s);
	unsetenv("XDG_STATE_HOME");
}

/* [defaults] may come after the nodes; a node's own value wins. */
static void test_defaults_after_nodes(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";

	(void)state;
	assert_int_equal(load_str(
	    "[node a]\nhost = a\nport = 23\n"
	    "[node b]\nhost = b\n"
	    "[defaults]\nport = 24\nherd_dir = jobs/herd\nhost = local\n"
	    "[node c]\n", &c, err, sizeof err), 0);
	assert_int_equal(node(&c, "a")->port, 23);
	assert_int_equal(node(&c, "b")->port, 24);
	assert_string_equal(node(&c, "b")->herd_dir, "jobs/herd");
	assert_string_equal(node(&c, "c")->host, "local");
	assert_int_equal(node(&c, "c")->local, 1);
	assert_int_equal(node(&c, "a")->local, 0);
	config_clear(&c);
}

static void test_paths(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", *s;

	(void)state;
	assert_int_equal(load_str(
	    "[controller]\nstate_dir = ~\nsocket = ../s.sock\n"
	    "log_file = ./log/herdd.log\n"
	    "[node a]\nhost = a\nidentity = ~/.ssh/id_a\nknown_hosts = kh\n",
	    &c, err, sizeof err), 0);
	assert_string_equal(c.state_dir, HOME);
	xasprintf(&s, "%s/../s.sock", tmpdir);
	assert_string_equal(c.socket_path, s);
	free(s);
	xasprintf(&s, "%s/./log/herdd.log", tmpdir);
	assert_string_equal(c.log_file, s);
	free(s);
	assert_string_equal(c.nodes[0].identity, HOME "/.ssh/id_a");
	xasprintf(&s, "%s/kh", tmpdir);
	assert_string_equal(c.nodes[0].known_hosts, s);
	free(s);
	config_clear(&c);

	/* c->path is absolute whichever way the file was named. */
	assert_int_equal(config_load("./" FIX "good_crlf.ini", &c, err,
	    sizeof err), 0);
	s = fix_abs("good_crlf.ini");
	assert_string_equal(c.path, s);
	free(s);
	config_clear(&c);
}

/* ';' and '#' are only comments at the start of a line. */
static void test_semicolon_hash_in_values(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";

	(void)state;
	assert_int_equal(load_str(
	    "# comment\n; comment\n   # indented comment\n"
	    "[node a]\nhost = a\nidentity = /path/with;semicolon\n"
	    "known_hosts = /k#h;x\nherd_dir = a;b#c\n", &c, err, sizeof err), 0);
	assert_string_equal(c.nodes[0].identity, "/path/with;semicolon");
	assert_string_equal(c.nodes[0].known_hosts, "/k#h;x");
	assert_string_equal(c.nodes[0].herd_dir, "a;b#c");
	config_clear(&c);
}

static void test_crlf_and_bom(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";

	(void)state;
	assert_int_equal(config_load(FIX "good_crlf.ini", &c, err, sizeof err), 0);
	assert_string_equal(c.cluster, "crlf");
	assert_string_equal(c.nodes[0].name, "n1");
	assert_string_equal(c.nodes[0].host, "h1");
	assert_int_equal(c.nodes[0].port, 2022);
	config_clear(&c);
	assert_int_equal(config_load(FIX "good_bom.ini", &c, err, sizeof err), 0);
	assert_string_equal(c.nodes[0].name, "bom");
	config_clear(&c);
}

static void test_long_lines(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", path[400], text[600];

	(void)state;
	/* 300 bytes: well past inih's 200, and kept whole. */
	memset(path, 'p', sizeof path);
	path[0] = '/';
	path[290] = '\0';
	snprintf(text, sizeof text, "[node a]\nhost = a\nidentity = %s\n", path);
	assert_true(strlen("identity = ") + strlen(path) >= 300);
	assert_int_equal(load_str(text, &c, err, sizeof err), 0);
	assert_string_equal(c.nodes[0].identity, path);
	config_clear(&c);

	assert_int_equal(config_load(FIX "bad_long_line.ini", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "bad_long_line.ini:3: line too long"));
	assert_null(c.nodes);
}

/* Node names use the whole CONFIG_NAME_MAX; inih would cut them at 49. */
static void test_long_node_name(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", name[CONFIG_NAME_MAX + 2], text[200];

	(void)state;
	memset(name, 'n', sizeof name);
	name[CONFIG_NAME_MAX] = '\0';
	snprintf(text, sizeof text, "[node %s]\nhost = h\n", name);
	assert_int_equal(load_str(text, &c, err, sizeof err), 0);
	assert_string_equal(c.nodes[0].name, name);
	config_clear(&c);
	name[CONFIG_NAME_MAX] = 'n';
	name[CONFIG_NAME_MAX + 1] = '\0';
	snprintf(text, sizeof text, "[node %s]\nhost = h\n", name);
	assert_int_equal(load_str(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: bad node name"));
}

static void test_max_nodes(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", *needle;
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 1 << 20);
	for (i = 0; i < CONFIG_MAX_NODES; i++)
		assert_int_equal(buf_printf(&b, "[node n%d]\nhost = h%d\n", i, i), 0);
	assert_int_equal(load_str(b.data, &c, err, sizeof err), 0);
	assert_int_equal(c.nnodes, CONFIG_MAX_NODES);
	assert_string_equal(c.nodes[CONFIG_MAX_NODES - 1].host, "h255");
	config_clear(&c);
	assert_int_equal(buf_printf(&b, "[node one-too-many]\nhost = h\n"), 0);
	assert_int_equal(load_str(b.data, &c, err, sizeof err), -1);
	xasprintf(&needle, ":%d: node \"one-too-many\": more than %d nodes",
	    2 * CONFIG_MAX_NODES + 1, CONFIG_MAX_NODES);
	assert_non_null(strstr(err, needle));
	free(needle);
	buf_clear(&b);
}

static void test_missing_file(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";

	(void)state;
	assert_int_equal(config_load(FIX "does-not-exist.ini", &c, err,
	    sizeof err), -1);
	assert_string_equal(err, FIX "does-not-exist.ini: No such file or "
	    "directory");
	assert_null(c.path);
	assert_int_equal(config_load(FIX, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "is a directory"));
	config_clear(&c);
}

static void test_empty_and_no_nodes(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";

	(void)state;
	assert_int_equal(load_str("", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "hosts.ini: no [node NAME] section"));
	assert_int_equal(load_str("\n# only comments\n\n", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "no [node NAME] section"));
	assert_int_equal(config_load(FIX "bad_no_nodes.ini", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "bad_no_nodes.ini: no [node NAME] section"));
}

static void test_fixture_errors(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";

	(void)state;
	assert_int_equal(config_load(FIX "bad_duplicate_node.ini", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "bad_duplicate_node.ini:4: duplicate node "
	    "\"gpu1\" (first on line 1)"));
	assert_int_equal(config_load(FIX "bad_inline_comment.ini", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "bad_inline_comment.ini:3: port: inline"));
	assert_int_equal(config_load(FIX "bad_garbage.bin", &c, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "bad_garbage.bin:"));
	assert_null(c.nodes);
}

static void test_nul_and_garbage(void **state)
{
	static const char nul[] = "[node a]\nhost = a\0b\n";
	struct config c;
	char err[HERD_ERRLEN] = "", junk[4096];
	unsigned int seed = 1;

	(void)state;
	write_file(nul, sizeof nul - 1);
	assert_int_equal(config_load(tmpfile_, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: NUL byte"));
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof junk; i++)
			junk[i] = (char)(rand_r(&seed) & 0xff);
		write_file(junk, sizeof junk);
		assert_int_equal(config_load(tmpfile_, &c, err, sizeof err), -1);
		assert_non_null(strstr(err, "hosts.ini"));
		config_clear(&c);
	}
}

static char *slurp(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* The shipped example loads, and it and the man page describe every key. */
/* notify_command: an executable file, kept absolute; notify_timeout's default. */
static void test_notify(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	(void)state;
	assert_int_equal(load_str("[node a]\nhost = a\n", &c, err, sizeof err), 0);
	assert_null(c.notify_command);
	assert_int_equal(c.notify_timeout_s, 30);
	config_clear(&c);
	assert_int_equal(load_str("[controller]\nnotify_command = /bin/true\nnotify_timeout = 5\n"
	    "[node a]\nhost = a\n", &c, err, sizeof err), 0);
	assert_string_equal(c.notify_command, "/bin/true");
	assert_int_equal(c.notify_timeout_s, 5);
	config_clear(&c);
}

static void test_example_and_man(void **state)
{
	static const char *keys[] = { "cluster", "state_dir", "socket",
	    "log_file", "probe_interval", "kill_grace", "kill_invalid_depend", "reservations", "host",
	    "port", "user",
	    "identity", "known_hosts", "herd_dir", "connect_timeout",
	    "command_timeout", "keepalive", "mode", "admins", "lab_key", "lab_from",
	    "session_idle", "controller", "nodes", "default", "max_time", "default_time",
	    "allow_users", "priority_tier", "priority", "allow_accounts", "max_gpus",
	    "max_gpus_per_user", "max_running_jobs", "max_running_jobs_per_user", "max_submit_jobs",
	    "max_submit_jobs_per_user", "max_gpu_hours", "period", "foreign_mem_threshold",
	    "share_foreign", "notify_command", "notify_timeout", "down_after", "node_fail_after",
	    "keep_job_files", "min_free_disk", "gpu_share", "gpu_share_enforce", "features",
	    "gpu_types", "services", "max_service_gpus" };
	struct config c;
	char err[HERD_ERRLEN] = "", *ex, *man, want[64];

	(void)state;
	assert_int_equal(config_load("hosts.example.ini", &c, err, sizeof err), 0);
	assert_int_equal(node(&c, "local")->local, 1);
	assert_string_equal(node(&c, "gpu1")->user, "alice");
	config_clear(&c);
	ex = slurp("hosts.example.ini");
	man = slurp("man/hosts.ini.5");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		snprintf(want, sizeof want, "\n# %s: ", keys[i]);
		if (strstr(ex, want) == NULL)
			fail_msg("hosts.example.ini does not explain %s", keys[i]);
		snprintf(want, sizeof want, "\n.B %s\n", keys[i]);
		if (strstr(man, want) == NULL)
			fail_msg("hosts.ini.5 has no .B %s", keys[i]);
	}
	free(ex);
	free(man);
}

/* Each bad file: the line the error must name, and text it must contain. */
struct bad {
	int line;
	const char *needle;
	const char *text;
};

#define BAD_CASES \
	X(unknown_section, 1, "unknown section [nodes a]", "[nodes a]\nhost = a\n") \
	X(node_without_name, 1, "[node] needs a name", "[node]\nhost = a\n") \
	X(unterminated_section, 2, "must end with ']'", "\n[node a\nhost = a\n") \
	X(text_after_section, 1, "must end with ']'", "[node a] # x\nhost = a\n") \
	X(unknown_key, 3, "unknown key \"colour\" in [node]", \
	    "[node a]\nhost = a\ncolour = red\n") \
	X(unknown_ctl_key, 2, "unknown key \"port\" in [controller]", \
	    "[controller]\nport = 22\n[node a]\nhost = a\n") \
	X(ctl_key_in_defaults, 2, "unknown key \"state_dir\" in [defaults]", \
	    "[defaults]\nstate_dir = /x\n[node a]\nhost = a\n") \
	X(key_outside_section, 1, "host: key outside of any section", \
	    "host = a\n[node a]\nhost = a\n") \
	X(no_equals, 3, "expected KEY = VALUE", "[node a]\nhost = a\nport 22\n") \
	X(no_key, 3, "missing key", "[node a]\nhost = a\n= 22\n") \
	X(duplicate_key, 4, "duplicate key \"port\" (first on line 3)", \
	    "[node a]\nhost = a\nport = 1\nport = 2\n") \
	X(duplicate_node, 3, "duplicate node \"a\" (first on line 1)", \
	    "[node a]\nhost = a\n[node a]\nhost = b\n") \
	X(duplicate_controller, 3, "duplicate section [controller]", \
	    "[controller]\n[node a]\n[controller]\nhost = a\n") \
	X(duplicate_defaults, 2, "duplicate section [defaults]", \
	    "[defaults]\n[defaults]\n[node a]\nhost = a\n") \
	X(name_dash, 1, "bad node name \"-a\"", "[node -a]\nhost = a\n") \
	X(name_dot, 1, "bad node name \".a\"", "[node .a]\nhost = a\n") \
	X(name_slash, 1, "bad node name \"a/b\"", "[node a/b]\nhost = a\n") \
	X(name_space, 1, "bad node name \"a b\"", "[node a b]\nhost = a\n") \
	X(host_missing, 1, "[node a]: host is required", "[node a]\nport = 22\n") \
	X(host_empty, 2, "host: empty value", "[node a]\nhost =\n") \
	X(host_dash, 2, "host: \"-oProxyCommand=x\" must be one word", \
	    "[node a]\nhost = -oProxyCommand=x\n") \
	X(host_space, 2, "host: \"a b\" must be one word", "[node a]\nhost = a b\n") \
	X(user_dash, 3, "user: \"-l\" must be one word", \
	    "[node a]\nhost = a\nuser = -l\n") \
	X(port_zero, 3, "port: 0 is out of range 1..65535", \
	    "[node a]\nhost = a\nport = 0\n") \
	X(port_big, 3, "port: 65536 is out of range", \
	    "[node a]\nhost = a\nport = 65536\n") \
	X(port_huge, 3, "port: 99999999999999999999 is out of range", \
	    "[node a]\nhost = a\nport = 99999999999999999999\n") \
	X(port_negative, 3, "port: -1 is out of range", \
	    "[node a]\nhost = a\nport = -1\n") \
	X(port_word, 3, "port: \"ssh\" is not a number", \
	    "[node a]\nhost = a\nport = ssh\n") \
	X(port_suffix, 3, "port: \"22x\" is not a number", \
	    "[node a]\nhost = a\nport = 22x\n") \
	X(port_hex, 3, "port: \"0x16\" is not a number", \
	    "[node a]\nhost = a\nport = 0x16\n") \
	X(port_plus, 3, "port: \"+ 22\" is not a number", \
	    "[node a]\nhost = a\nport = + 22\n") \
	X(connect_timeout_zero, 3, "connect_timeout: 0 is out of range 1..3600", \
	    "[node a]\nhost = a\nconnect_timeout = 0\n") \
	X(command_timeout_big, 3, "command_timeout: 3601 is out of range 1..3600", \
	    "[node a]\nhost = a\ncommand_timeout = 3601\n") \
	X(keepalive_negative, 2, "keepalive: -1 is out of range 0..3600", \
	    "[defaults]\nkeepalive = -1\n[node a]\nhost = a\n") \
	X(foreign_mem_word, 3, "foreign_mem_threshold: ", \
	    "[node a]\nhost = a\nforeign_mem_threshold = lots\n") \
	X(foreign_mem_negative, 3, "foreign_mem_threshold: ", \
	    "[node a]\nhost = a\nforeign_mem_threshold = -5\n") \
	X(foreign_mem_huge, 3, "foreign_mem_threshold: 33554432 MB is out of range 0..16777216 MB", \
	    "[node a]\nhost = a\nforeign_mem_threshold = 32T\n") \
	X(gpu_share_word, 3, "gpu_share: \"half\" is not yes or no", \
	    "[node a]\nhost = a\ngpu_share = half\n") \
	X(gpu_share_enforce_bad, 3, "gpu_share_enforce: \"evict\" is not report or kill", \
	    "[node a]\nhost = a\ngpu_share_enforce = evict\n") \
	X(gpu_share_enforce_case, 3, "gpu_share_enforce: \"KILL\" is not report or kill", \
	    "[node a]\nhost = a\ngpu_share_enforce = KILL\n") \
	X(gpu_share_enforce_part, 5, "gpu_share_enforce: \"kill,report\" is not report or kill", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\ngpu_share_enforce = kill,report\n") \
	X(share_foreign_word, 3, "share_foreign: \"sometimes\" is not yes or no", \
	    "[node a]\nhost = a\nshare_foreign = sometimes\n") \
	X(probe_interval_zero, 2, "probe_interval: 0 is out of range 1..86400", \
	    "[controller]\nprobe_interval = 0\n[node a]\nhost = a\n") \
	X(probe_interval_big, 2, "probe_interval: 86401 is out of range", \
	    "[controller]\nprobe_interval = 86401\n[node a]\nhost = a\n") \
	X(notify_not_exec, 2, "notify_command: /dev/null is not an executable file", \
	    "[controller]\nnotify_command = /dev/null\n[node a]\nhost = a\n") \
	X(notify_dir, 2, "notify_command: /tmp is not an executable file", \
	    "[controller]\nnotify_command = /tmp\n[node a]\nhost = a\n") \
	X(notify_missing, 3, "notify_command: /nonexistent/x is not an executable file", \
	    "[controller]\nstate_dir = /s\nnotify_command = /nonexistent/x\n[node a]\nhost = a\n") \
	X(notify_timeout_zero, 2, "notify_timeout: 0 is out of range 1..3600", \
	    "[controller]\nnotify_timeout = 0\n[node a]\nhost = a\n") \
	X(kill_grace_big, 2, "kill_grace: 3601 is out of range 0..3600", \
	    "[controller]\nkill_grace = 3601\n[node a]\nhost = a\n") \
	X(kill_invalid_depend_bad, 2, "kill_invalid_depend: \"maybe\" is not yes or no", \
	    "[controller]\nkill_invalid_depend = maybe\n[node a]\nhost = a\n") \
	X(reservations_zero, 2, "reservations: 0 is out of range 1..64", \
	    "[controller]\nreservations = 0\n[node a]\nhost = a\n") \
	X(reservations_big, 2, "reservations: 65 is out of range 1..64", \
	    "[controller]\nreservations = 65\n[node a]\nhost = a\n") \
	X(reservations_word, 2, "reservations: \"all\" is not a number", \
	    "[controller]\nreservations = all\n[node a]\nhost = a\n") \
	X(mode_bad, 2, "mode: \"shared\" is not personal or lab", \
	    "[controller]\nmode = shared\n[node a]\nhost = a\n") \
	X(lab_no_from, 2, "mode = lab needs lab_from", \
	    "[controller]\nmode = lab\n[node a]\nhost = a\n") \
	X(lab_from_quote, 2, "command=\"sh\" is not a from= pattern", \
	    "[controller]\nlab_from = 1.2.3.4\",command=\"sh\n[node a]\nhost = a\n") \
	X(lab_local, 4, "[node a]: host = local runs jobs as herdd's own user", \
	    "[controller]\nmode = lab\nlab_from = 10.0.0.1\n[node a]\nhost = local\n") \
	X(lab_socket_private, 4, "socket: in lab mode every user connects", \
	    "[controller]\nmode = lab\nlab_from = 10.0.0.1\nsocket = /s/herd.sock\n" \
	    "state_dir = /s\n[node a]\nhost = a\n") \
	X(admins_bad, 2, "admins: bad user name \"-root\"", \
	    "[controller]\nadmins = alice, -root\n[node a]\nhost = a\n") \
	X(admins_semicolon, 2, "admins: bad user name \"a;b\"", \
	    "[controller]\nadmins = a;b\n[node a]\nhost = a\n") \
	X(session_idle_zero, 2, "session_idle: 0 is out of range 1..86400", \
	    "[controller]\nsession_idle = 0\n[node a]\nhost = a\n") \
	X(controller_dash, 2, "controller: \"-oProxyCommand=x\" must be one word", \
	    "[controller]\ncontroller = -oProxyCommand=x\n") \
	X(cluster_bad, 2, "cluster: bad name \"a b\"", \
	    "[controller]\ncluster = a b\n[node a]\nhost = a\n") \
	X(part_no_name, 3, "[partition] needs a name", "[node a]\nhost = a\n[partition]\n") \
	X(part_bad_name, 3, "bad partition name \"-p\"", "[node a]\nhost = a\n[partition -p]\n") \
	X(part_name_slash, 3, "bad partition name \"a/b\"", \
	    "[node a]\nhost = a\n[partition a/b]\nnodes = a\n") \
	X(part_dup, 5, "duplicate [partition p] (first on line 3)", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\n[partition p]\nnodes = a\n") \
	X(part_no_nodes, 3, "[partition p]: nodes is required", \
	    "[node a]\nhost = a\n[partition p]\ndefault = yes\n") \
	X(part_unknown_node, 4, "nodes: no [node b] in this file", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a, b\ndefault = yes\n") \
	X(part_all_lower, 4, "no [node all] in this file (every node: ALL)", \
	    "[node a]\nhost = a\n[partition p]\nnodes = all\n") \
	X(part_node_bad, 4, "nodes: bad node name \"$(x)\"", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a $(x)\n") \
	X(part_empty_list, 4, "nodes: names no node", \
	    "[node a]\nhost = a\n[partition p]\nnodes = , ,\n") \
	X(part_unknown_key, 5, "unknown key \"maxtime\" in [partition]", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nmaxtime = 1\n") \
	X(part_dup_key, 5, "duplicate key \"nodes\" (first on line 4)", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nnodes = a\n") \
	X(part_two_defaults, 8, "a second default partition (the first on line 5)", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\ndefault = yes\n[partition q]\n" \
	    "nodes = a\ndefault = yes\n") \
	X(part_no_default, 3, "no partition has default = yes", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\n") \
	X(part_default_bad, 5, "default: \"maybe\" is not yes or no", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\ndefault = maybe\n") \
	X(part_time_bad, 5, "max_time: invalid duration \"2h\"", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nmax_time = 2h\n") \
	X(part_time_negative, 5, "default_time: invalid duration \"-5\"", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\ndefault_time = -5\n") \
	X(part_time_huge, 5, "max_time: ", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nmax_time = 99999999999999999999\n") \
	X(part_default_over_max, 7, "default_time is longer than max_time", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\ndefault = yes\nmax_time = 10\n" \
	    "default_time = 11\n") \
	X(part_tier_big, 5, "priority_tier: 65534 is out of range 0..65533", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\npriority_tier = 65534\n") \
	X(part_users_bad, 5, "allow_users: bad user name \"-x\"", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nallow_users = bob -x\n") \
	X(part_accounts, 5, "allow_accounts: no [account lab] in this file", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nallow_accounts = lab\n") \
	X(part_accounts_bad, 5, "allow_accounts: bad user name \"a;b\"", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nallow_accounts = a;b\n") \
	X(part_node_key, 5, "unknown key \"host\" in [partition]", \
	    "[node a]\nhost = a\n[partition p]\nnodes = a\nhost = b\n") \
	X(qos_no_name, 3, "[qos] needs a name", "[node a]\nhost = a\n[qos]\n") \
	X(qos_dup, 4, "duplicate [qos q] (first on line 3)", \
	    "[node a]\nhost = a\n[qos q]\n[qos q]\n") \
	X(qos_priority_neg, 4, "priority: -1 is out of range 0..1000000", \
	    "[node a]\nhost = a\n[qos q]\npriority = -1\n") \
	X(qos_max_gpus, 4, "max_gpus: \"four\" is not a whole number", \
	    "[node a]\nhost = a\n[qos q]\nmax_gpus = four\n") \
	X(qos_max_service_gpus, 4, "max_service_gpus: \"1 GPU\" is not a whole number", \
	    "[node a]\nhost = a\n[qos q]\nmax_service_gpus = 1 GPU\n") \
	X(qos_per_user, 5, "duplicate key \"max_gpus_per_user\" (first on line 4)", \
	    "[node a]\nhost = a\n[qos q]\nmax_gpus_per_user = 4\nmax_gpus_per_user = 4\n") \
	X(qos_hours_alone, 4, "max_gpu_hours needs period", \
	    "[node a]\nhost = a\n[qos q]\nmax_gpu_hours = 4\n") \
	X(qos_limit_empty, 4, "max_running_jobs: \"\" is not a whole number", \
	    "[node a]\nhost = a\n[qos q]\nmax_running_jobs =\n") \
	X(qos_limit_comment, 4, "max_submit_jobs: \"3 # x\" is not a whole number", \
	    "[node a]\nhost = a\n[qos q]\nmax_submit_jobs = 3 # x\n") \
	X(qos_unknown_key, 4, "unknown key \"nodes\" in [qos]", \
	    "[node a]\nhost = a\n[qos q]\nnodes = a\n") \
	X(inline_comment, 3, "port: inline comments are not allowed", \
	    "[node a]\nhost = a\nport = 22 ; ssh\n") \
	X(inline_hash, 3, "user: inline comments are not allowed", \
	    "[node a]\nhost = a\nuser = bob\t# him\n") \
	X(control_char, 3, "control character \\001", \
	    "[node a]\nhost = a\nuser = a\001b\n") \
	X(escape_char, 3, "control character \\033", \
	    "[node a]\nhost = a\nidentity = /k\033[2J\n") \
	X(lone_cr, 2, "control character \\015", "[node a]\nhost = a\rb\n") \
	X(tilde_user, 3, "identity: ~user paths are not supported", \
	    "[node a]\nhost = a\nidentity = ~bob/key\n") \
	X(herd_dir_tilde, 3, "herd_dir: is on the node", \
	    "[node a]\nhost = a\nherd_dir = ~/.herd\n") \
	X(socket_too_long, 2, "socket: path \"/", \
	    "[controller]\nsocket = /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\n" \
	    "[node a]\nhost = a\n") \
	X(state_dir_too_long, 3, "longer than 107 bytes", \
	    "[node a]\n[controller]\nstate_dir = /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" \
	    "[node a2]\n[defaults]\nhost = a\n")

#define X(name, line, needle, text) \
	static struct bad bad_##name = { line, needle, text };
BAD_CASES
#undef X

/* [partition] and [qos]: what each key gives, defaults, several
 * partitions per node, ALL; a file without them has none. */
static void test_partitions(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	(void)state;
	assert_int_equal(load_str("[controller]\nstate_dir = /s\n[node a]\nhost = a\n"
	    "[node b]\nhost = b\n[partition gpu]\nnodes = a,b\ndefault = yes\n"
	    "max_time = 2:00:00\ndefault_time = 30\n[partition short]\nnodes = ALL\n"
	    "priority_tier = 5\nallow_users = alice, bob\nmax_time = infinite\n"
	    "allow_accounts = bio, default\n[account bio]\n"
	    "[qos high]\npriority = 100\nmax_time = 1-0\nmax_gpus = 8\nmax_gpus_per_user = 2\n"
	    "max_running_jobs_per_user = 4\nmax_submit_jobs_per_user = 50\n"
	    "max_gpu_hours = 1000\nperiod = 7-0\n[qos low]\n", &c, err, sizeof err), 0);
	assert_int_equal(c.nparts, 2);
	assert_string_equal(c.parts[0].name, "gpu");
	assert_string_equal(c.parts[0].nodes, "a,b");
	assert_int_equal(c.parts[0].all, 0);
	assert_int_equal(c.parts[0].is_default, 1);
	assert_int_equal(c.parts[0].max_time_s, 7200);
	assert_int_equal(c.parts[0].default_time_s, 1800);
	assert_int_equal(c.parts[0].priority_tier, 1);
	assert_null(c.parts[0].allow_users);
	assert_int_equal(c.parts[1].all, 1);
	assert_int_equal(c.parts[1].is_default, 0);
	assert_int_equal(c.parts[1].priority_tier, 5);
	assert_int_equal(c.parts[1].max_time_s, 0);
	assert_string_equal(c.parts[1].allow_users, "alice, bob");
	assert_int_equal(c.nqos, 2);
	assert_int_equal(c.qos[0].priority, 100);
	assert_int_equal(c.qos[0].max_time_s, 86400);
	assert_int_equal(c.qos[1].priority, 0);
	assert_int_equal(c.qos[1].max_time_s, 0);
	assert_string_equal(c.parts[1].allow_accounts, "bio, default");
	assert_null(c.parts[0].allow_accounts);
	assert_int_equal(c.qos[0].lim.max_gpus, 8);
	assert_int_equal(c.qos[0].lim.max_gpus_per_user, 2);
	assert_int_equal(c.qos[0].lim.max_jobs, -1);
	assert_int_equal(c.qos[0].lim.max_jobs_per_user, 4);
	assert_int_equal(c.qos[0].lim.max_submit_per_user, 50);
	assert_true(c.qos[0].lim.max_gpu_s == 1000.0 * 3600);
	assert_int_equal(c.qos[0].lim.period_s, 7 * 86400);
	assert_false(limit_conf_any(&c.qos[1].lim));
	config_clear(&c);
	assert_int_equal(load_str("[node a]\nhost = a\n", &c, err, sizeof err), 0);
	assert_int_equal(c.nparts, 0);
	assert_int_equal(c.nqos, 0);
	config_clear(&c);
}

/* Reload takes the sections whole and says whether they changed. */
static void test_parts_take(void **state)
{
	struct config a, b, d;
	char err[HERD_ERRLEN] = "";
	const char *one = "[node a]\nhost = a\n[partition p]\nnodes = a\ndefault = yes\n";
	(void)state;
	assert_int_equal(load_str(one, &a, err, sizeof err), 0);
	assert_int_equal(load_str(one, &b, err, sizeof err), 0);
	assert_int_equal(config_parts_take(&a, &b), 0);
	assert_int_equal(b.nparts, 0);
	assert_int_equal(load_str("[node a]\nhost = a\n[partition p]\nnodes = a\ndefault = yes\n"
	    "max_time = 5\n[qos q]\n", &d, err, sizeof err), 0);
	assert_int_equal(config_parts_take(&a, &d), 1);
	assert_int_equal(a.parts[0].max_time_s, 300);
	assert_int_equal(a.nqos, 1);
	/* A QoS limit changed is a change. */
	config_clear(&b);
	assert_int_equal(load_str("[node a]\nhost = a\n[partition p]\nnodes = a\ndefault = yes\n"
	    "max_time = 5\n[qos q]\nmax_gpus = 2\n", &b, err, sizeof err), 0);
	assert_int_equal(config_parts_take(&a, &b), 1);
	assert_int_equal(a.qos[0].lim.max_gpus, 2);
	config_clear(&a);
	config_clear(&b);
	config_clear(&d);
}

static void test_bad(void **state)
{
	const struct bad *b = *state;
	struct config c;
	char err[HERD_ERRLEN] = "", where[PATH_MAX + 32];

	assert_int_equal(load_str(b->text, &c, err, sizeof err), -1);
	snprintf(where, sizeof where, "%s:%d: ", tmpfile_, b->line);
	if (strncmp(err, where, strlen(where)) != 0 ||
	    strstr(err, b->needle) == NULL)
		fail_msg("got \"%s\", want \"%s...%s\"", err, where, b->needle);
	assert_null(c.path);
	assert_null(c.nodes);
	assert_int_equal(c.nnodes, 0);
	config_clear(&c);
}

/* Reload: a node's copy owns its strings; the *_changed() lists name
 * exactly the keys that differ, in table order, and count past cap. */
static void test_reload_diff(void **state)
{
	(void)state;
	struct config a, b;
	char err[512];
	const char *names[16];
	const char *base = "[controller]\nstate_dir = /s\nkill_grace = 5\n"
	    "[defaults]\nuser = u\n"
	    "[node n1]\nhost = h1\n[node n2]\nhost = h2\nport = 2222\n";
	assert_int_equal(load_str(base, &a, err, sizeof err), 0);
	assert_int_equal(load_str("[controller]\nstate_dir = /s\nkill_grace = 7\n"
	    "probe_interval = 9\ncluster = other\n"
	    "[defaults]\nuser = u\n"
	    "[node n1]\nhost = h1\n[node n2]\nhost = h9\nport = 2222\n"
	    "identity = /k\ncommand_timeout = 60\n", &b, err, sizeof err), 0);

	assert_int_equal(config_node_changed(&a.nodes[0], &b.nodes[0], names, 16), 0);
	assert_int_equal(config_node_changed(&a.nodes[1], &b.nodes[1], names, 16), 3);
	assert_string_equal(names[0], "host");
	assert_string_equal(names[1], "identity");
	assert_string_equal(names[2], "command_timeout");
	assert_int_equal(config_node_changed(&a.nodes[1], &b.nodes[1], names, 1), 3);
	assert_string_equal(names[0], "host");
	assert_int_equal(config_ctl_changed(&a, &a, names, 16), 0);
	assert_int_equal(config_ctl_changed(&a, &b, names, 16), 3);
	assert_string_equal(names[0], "cluster");
	assert_string_equal(names[1], "probe_interval");
	assert_string_equal(names[2], "kill_grace");

	/* A copy outlives the config it came from. */
	struct node_conf *d = config_node_dup(&b.nodes[1]);
	config_clear(&b);
	assert_string_equal(d->name, "n2");
	assert_string_equal(d->host, "h9");
	assert_string_equal(d->identity, "/k");
	assert_string_equal(d->user, "u");
	assert_int_equal(d->port, 2222);
	assert_int_equal(d->command_timeout_s, 60);
	assert_int_equal(config_node_changed(d, d, names, 16), 0);
	assert_int_equal(config_node_changed(&a.nodes[1], d, names, 16), 3);
	config_node_free(d);
	config_node_free(NULL);
	config_clear(&a);
}

/* Write text as TMPDIR/hosts.ini and read it as a client's system file. */
static int client_str(const char *text, size_t len, struct config *c, char *err, size_t errsz)
{
	write_file(text, len);
	return config_load_client(tmpfile_, c, err, errsz);
}

/* The README's /etc/herd/hosts.ini: a user's herd takes the lab's socket
 * and admins from it, nothing else. */
static void test_client_lab_file(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	static const char text[] = "[controller]\ncluster = lab\nmode = lab\n"
	    "state_dir = /var/lib/herd\nlab_from = 10.0.0.5\nadmins = alice, bob\n\n"
	    "[defaults]\nuser = herdprobe\nidentity = /var/lib/herd/.ssh/id_ed25519\n\n"
	    "[node gpu1]\nhost = 10.0.0.11\n";

	(void)state;
	assert_int_equal(client_str(text, sizeof text - 1, &c, err, sizeof err), 0);
	assert_int_equal(c.lab, 1);
	assert_string_equal(c.mode, "lab");
	assert_string_equal(c.socket_path, CONFIG_LAB_SOCKET);
	assert_string_equal(c.admins, "alice, bob");
	assert_null(c.controller);
	assert_null(c.state_dir);	/* not a client key: not read */
	assert_null(c.cluster);
	assert_int_equal(c.nnodes, 0);
	config_clear(&c);

	/* Personal mode without a socket: none (the client's own default). */
	assert_int_equal(client_str("[controller]\ncontroller = head\n", 31, &c, err,
	    sizeof err), 0);
	assert_int_equal(c.lab, 0);
	assert_null(c.socket_path);
	assert_string_equal(c.controller, "head");
	config_clear(&c);
}

/* What herdd would refuse, outside the client keys, never stops a client. */
static void test_client_skips_the_rest(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", *text, *big = xcalloc(1, 10000);

	(void)state;
	memset(big, 'x', 9999);
	xasprintf(&text, "\xef\xbb\xbf; the lab\r\n[weird section\n%s\nprobe_interval = abc\n"
	    "[ controller ]\r\nstate_dir = ~bob/x\nfuture_key = 1\nlab_from = \"bad\"\n"
	    "socket = /run/lab/herd.sock\r\nsocket_dir = x\nsockets=y\n%s = 1\n"
	    "[defaults]\nsocket = /elsewhere\nmode = bogus\n\x01\x02\n"
	    "[node a]\nhost = -oProxyCommand=x\n[node a]\n[node]\n"
	    "[controller]x\nmode = bogus\n[controller\nadmins = !!\n"
	    "[controller]\nadmins = carol\n", big, big);
	size_t len = strlen(text);
	text[strstr(text, "future_key") - text + 6] = '\0';	/* a NUL in a skipped line */
	assert_int_equal(client_str(text, len, &c, err, sizeof err), 0);
	assert_string_equal(c.socket_path, "/run/lab/herd.sock");
	assert_string_equal(c.admins, "carol");
	assert_string_equal(c.mode, "personal");
	assert_int_equal(c.lab, 0);
	config_clear(&c);
	free(text);
	free(big);

	/* Empty, comments only, no [controller]: nothing set, no error. */
	assert_int_equal(client_str("", 0, &c, err, sizeof err), 0);
	assert_null(c.socket_path);
	config_clear(&c);
	assert_int_equal(client_str("[node x]\nhost = y\n", 18, &c, err, sizeof err), 0);
	assert_null(c.socket_path);
	config_clear(&c);
}

/* A bad client key is still an error with FILE:LINE: a wrong socket would
 * end in a misleading "not running". */
static void test_client_bad_keys(void **state)
{
	static const struct { const char *text, *needle; } bad[] = {
		{ "[controller]\nmode = lab\nmode = lab\n", ":3: duplicate key \"mode\"" },
		{ "[controller]\nmode = cluster\n", ":2: mode: \"cluster\" is not" },
		{ "[controller]\ncontroller = -oProxyCommand=sh\n", ":2: controller:" },
		{ "[controller]\nadmins = al;ce\n", ":2: admins: bad user name" },
		{ "[controller]\nsocket =\n", ":2: socket: empty value" },
		{ "[controller]\nsocket = /a\x01b\n", ":2: control character" },
		{ "[controller]\nsocket = ~bob/s\n", ":2: socket: ~user paths" },
		{ "[controller]\nsocket = /a #c\n", ":2: socket: inline comments" },
		{ "x\n[controller]\n\nsocket = /" "0123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789012345678901234567890123456789"
		  "0123456789\n", ":4: socket: path" },
	};
	struct config c;
	char err[HERD_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(client_str(bad[i].text, strlen(bad[i].text), &c, err,
		    sizeof err), -1);
		if (strstr(err, bad[i].needle) == NULL || strstr(err, tmpfile_) != err)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].needle);
		assert_null(c.socket_path);
	}
	/* A line too long or with a NUL, in a client key: refused too. */
	char *text = xcalloc(1, 5100);
	memcpy(text, "[controller]\nsocket = /", 23);
	memset(text + 23, 'a', 5000);
	assert_int_equal(client_str(text, strlen(text), &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: line too long"));
	memcpy(text + 30, "\0", 1);
	assert_int_equal(client_str(text, 40, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: NUL byte"));
	free(text);
}

/* No file, a path through a file, a file this user may not read: as if
 * there were none.  A directory is the admin's mistake: said. */
static void test_client_unreadable(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "", *p;

	(void)state;
	xasprintf(&p, "%s/none.ini", tmpdir);
	assert_int_equal(config_load_client(p, &c, err, sizeof err), 1);
	free(p);
	write_file("[controller]\nsocket = /s\n", 25);
	xasprintf(&p, "%s/hosts.ini/x", tmpdir);
	assert_int_equal(config_load_client(p, &c, err, sizeof err), 1);
	free(p);
	assert_int_equal(config_load_client(tmpdir, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "is a directory"));

	/* Unreadable (mode 0): root reads anything, so root tries as nobody. */
	assert_int_equal(chmod(tmpfile_, 0), 0);
	assert_int_equal(chmod(tmpdir, 0755), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(2);
		_exit(config_load_client(tmpfile_, &c, err, sizeof err) == 1 ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(chmod(tmpfile_, 0644), 0);
	assert_int_equal(chmod(tmpdir, 0700), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_full),
		cmocka_unit_test(test_reload_diff),
		cmocka_unit_test(test_partitions),
		cmocka_unit_test(test_parts_take),
		cmocka_unit_test(test_builtin_defaults),
		cmocka_unit_test(test_outage_keys),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_part_services),
		cmocka_unit_test(test_xdg_state_home),
		cmocka_unit_test(test_defaults_after_nodes),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_semicolon_hash_in_values),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_long_node_name),
		cmocka_unit_test(test_max_nodes),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_empty_and_no_nodes),
		cmocka_unit_test(test_fixture_errors),
		cmocka_unit_test(test_nul_and_garbage),
		cmocka_unit_test(test_example_and_man),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_client_lab_file),
		cmocka_unit_test(test_client_skips_the_rest),
		cmocka_unit_test(test_client_bad_keys),
		cmocka_unit_test(test_client_unreadable),
#define X(name, line, needle, text) \
		{ "bad_" #name, test_bad, NULL, NULL, &bad_##name },
		BAD_CASES
#undef X
	};
	int rc;

	if (getcwd(cwd, sizeof cwd) == NULL || mkdtemp(tmpdir) == NULL) {
		perror("test_config");
		return 1;
	}
	snprintf(tmpfile_, sizeof tmpfile_, "%s/hosts.ini", tmpdir);
	setenv("HOME", HOME, 1);
	unsetenv("XDG_STATE_HOME");
	rc = cmocka_run_group_tests_name("config", tests, NULL, NULL);
	unlink(tmpfile_);
	rmdir(tmpdir);
	return rc;
}

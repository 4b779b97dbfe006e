/*
 * Unit tests for initfile.c: the hosts.ini herd init writes, read back by
 * config_load (herdd's own reader) into the same values; hostile values
 * refused by name, a failed host's reason kept on comment lines whatever
 * it holds; lab mode's [controller]; the numbers a user types to pick.
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

#include "config.h"
#include "initfile.h"
#include "util.h"

/* text → a file → config_load; 0 or -1. */
static int load(const struct buf *b, struct config *cfg)
{
	char path[] = "/tmp/test_initfile.XXXXXX", err[1024];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, b->data, b->len), 0);
	close(fd);
	int rc = config_load(path, cfg, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "config_load: %s\n%.*s", err, (int)b->len, b->data);
	unlink(path);
	return rc;
}

static void round_trip(void **state)
{
	(void)state;
	struct init_host h[] = {
		{ .name = "gpu1", .host = "10.0.0.11", .port = 22, .user = "alice" },
		{ .name = "gpu-2.lab", .host = "gpu2.example.org", .port = 2222, .user = "a.b-c",
		  .identity = "/home/alice/.ssh/lab key#1", .known_hosts = "/tmp/kh;x",
		  .cpu_only = 1 },
		{ .name = "gpu3", .host = "10.0.0.13", .port = 22, .user = "alice",
		  .failed = "HOST KEY CHANGED\n[node evil]\nhost = 1.2.3.4\r\x1b[2J" },
	};
	struct buf b;
	struct config cfg;
	char err[512];
	buf_init(&b, 1 << 16);
	assert_int_equal(init_ini(&b, h, 3, NULL, err, sizeof err), 0);
	assert_int_equal(load(&b, &cfg), 0);
	assert_int_equal(cfg.nnodes, 2);		/* gpu3 commented out */
	assert_int_equal(cfg.lab, 0);
	assert_string_equal(cfg.nodes[0].name, "gpu1");
	assert_string_equal(cfg.nodes[0].host, "10.0.0.11");
	assert_int_equal(cfg.nodes[0].port, 22);
	assert_string_equal(cfg.nodes[0].user, "alice");
	assert_null(cfg.nodes[0].identity);
	assert_int_equal(cfg.nodes[0].cpu_only, 0);
	assert_string_equal(cfg.nodes[1].name, "gpu-2.lab");
	assert_int_equal(cfg.nodes[1].port, 2222);
	assert_string_equal(cfg.nodes[1].identity, "/home/alice/.ssh/lab key#1");
	assert_string_equal(cfg.nodes[1].known_hosts, "/tmp/kh;x");
	assert_int_equal(cfg.nodes[1].cpu_only, 1);
	config_clear(&cfg);
	/* The reason is one comment line: no line of it starts a section. */
	assert_null(strstr(b.data, "\n[node evil]"));
	assert_non_null(strstr(b.data, "\n# gpu3 left out: HOST KEY CHANGED"));
	assert_non_null(strstr(b.data, "\n#[node gpu3]\n#host = 10.0.0.13\n"));
	buf_clear(&b);
}

static void hostile(void **state)
{
	(void)state;
	static const struct init_host bad[] = {
		{ .name = "my host", .host = "h", .port = 22, .user = "u" },
		{ .name = "-o", .host = "h", .port = 22, .user = "u" },
		{ .name = "", .host = "h", .port = 22, .user = "u" },
		{ .name = "a\nb", .host = "h", .port = 22, .user = "u" },
		{ .name = "n", .host = "h\n[node x]", .port = 22, .user = "u" },
		{ .name = "n", .host = "h", .port = 22, .user = "u #comment" },
		{ .name = "n", .host = "h", .port = 22, .user = "u ;x" },
		{ .name = "n", .host = " h", .port = 22, .user = "u" },
		{ .name = "n", .host = "h\t", .port = 22, .user = "u" },
		{ .name = "n", .host = "", .port = 22, .user = "u" },
		{ .name = "n", .host = "h", .port = 22, .user = "u", .identity = "/k\r" },
		{ .name = "n", .host = "h", .port = 22, .user = "u", .known_hosts = "/k\x7f" },
		{ .name = "n", .host = "\"h\"\x1b", .port = 22, .user = "u" },
	};
	struct buf b;
	char err[512];
	buf_init(&b, 1 << 16);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		buf_reset(&b);
		assert_int_equal(init_ini(&b, &bad[i], 1, NULL, err, sizeof err), -1);
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	/* A name of 64 bytes is one too many; the buffer's bound holds. */
	struct init_host longname = { .name = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    .host = "h", .port = 22, .user = "u" };
	assert_int_equal(init_ini(&b, &longname, 1, NULL, err, sizeof err), -1);
	buf_clear(&b);
	buf_init(&b, 64);
	struct init_host ok = { .name = "n", .host = "h", .port = 22, .user = "u" };
	assert_int_equal(init_ini(&b, &ok, 1, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "larger than 64"));
	buf_clear(&b);
}

static void lab(void **state)
{
	(void)state;
	struct init_host h = { .name = "gpu1", .host = "10.0.0.11", .port = 22, .user = "herdprobe",
	    .identity = "/var/lib/herd/.ssh/id_ed25519" };
	struct init_lab l = { .state_dir = "/var/lib/herd", .socket = "/run/herd/herd.sock",
	    .lab_from = "10.0.0.5", .admins = "alice, bob" };
	struct buf b;
	struct config cfg;
	char err[512];
	buf_init(&b, 1 << 16);
	assert_int_equal(init_ini(&b, &h, 1, &l, err, sizeof err), 0);
	assert_non_null(strstr(b.data, "\nmode = lab\n"));
	assert_non_null(strstr(b.data, "\nlab_from = 10.0.0.5\n"));
	assert_non_null(strstr(b.data, "\nadmins = alice, bob\n"));
	assert_non_null(strstr(b.data, "\nstate_dir = /var/lib/herd\n"));
	assert_non_null(strstr(b.data, "\nsocket = /run/herd/herd.sock\n"));
	/* config_load checks the state directory's owner and modes: only the
	 * client's reader, which takes mode and admins. */
	char path[] = "/tmp/test_initfile.XXXXXX";
	int fd = mkstemp(path);
	assert_int_equal(write_all(fd, b.data, b.len), 0);
	close(fd);
	assert_int_equal(config_load_client(path, &cfg, err, sizeof err), 0);
	assert_int_equal(cfg.lab, 1);
	config_clear(&cfg);
	unlink(path);
	struct init_lab evil = l;
	evil.lab_from = "10.0.0.5\nmode = personal";
	buf_reset(&b);
	assert_int_equal(init_ini(&b, &h, 1, &evil, err, sizeof err), -1);
	evil = l;
	evil.admins = NULL;	/* none: no key */
	buf_reset(&b);
	assert_int_equal(init_ini(&b, &h, 1, &evil, err, sizeof err), 0);
	assert_null(strstr(b.data, "admins"));
	buf_clear(&b);
}

static void pick(void **state)
{
	(void)state;
	unsigned char p[5];
	char err[256];
	assert_int_equal(init_pick_parse("1 3", 5, p, err, sizeof err), 0);
	assert_memory_equal(p, "\1\0\1\0\0", 5);
	assert_int_equal(init_pick_parse(" 2-4,1\n", 5, p, err, sizeof err), 0);
	assert_memory_equal(p, "\1\1\1\1\0", 5);
	assert_int_equal(init_pick_parse("all", 5, p, err, sizeof err), 0);
	assert_memory_equal(p, "\1\1\1\1\1", 5);
	assert_int_equal(init_pick_parse("5,5,5", 5, p, err, sizeof err), 0);
	static const char *const bad[] = {
		"", "\n", "0", "6", "-1", "1-", "-", "3-2", "1-6", "a", "1 a", "1;2", "all 1",
		"99999999999999999999999", "1.5", "+1", "0x1", "1\x1b[2J", "ALL",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		assert_int_equal(init_pick_parse(bad[i], 5, p, err, sizeof err), -1);
		assert_true(err[0] != '\0');
		for (const char *c = err; *c; c++)
			assert_true((unsigned char)*c >= 0x20);
	}
	assert_int_equal(init_pick_parse("all", 0, p, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(hostile),
		cmocka_unit_test(lab),
		cmocka_unit_test(pick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_partition.c — partitions and QoS (partition.h) over a real
 * hosts.ini: what a submit is refused for and with which words, the time
 * limit a job gets, the nodes and tier a pass gives it, hostile lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "partition.h"
#include "priority.h"
#include "util.h"

static struct config cfg;

static const char ini[] =
    "[controller]\nstate_dir = /s\n"
    "[node n1]\nhost = a\n[node n2]\nhost = b\n[node n3]\nhost = c\n"
    "[partition gpu]\nnodes = n1, n2\ndefault = yes\nmax_time = 2:00:00\ndefault_time = 30\n"
    "[partition long]\nnodes = n2 n3\nmax_time = 3-0\npriority_job_factor = 18\n"
    "[partition all]\nnodes = ALL\npriority_tier = 9\nallow_users = alice\n"
    "[partition cap]\nnodes = n3\nmax_time = 10\n"
    "[qos high]\npriority = 100\nmax_time = 1:00:00\n[qos low]\n"
    "[partition bioonly]\nnodes = n1\nallow_accounts = bio\n[account bio]\nusers = alice\n";

static int setup(void **state)
{
	char path[] = "/tmp/test_partition.XXXXXX", err[HERD_ERRLEN];
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, ini, sizeof ini - 1), (ssize_t)(sizeof ini - 1));
	close(fd);
	int rc = config_load(path, &cfg, err, sizeof err);
	unlink(path);
	if (rc != 0)
		fail_msg("%s", err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_clear(&cfg);
	return 0;
}

/* 0 and what is stored, or -1 and the error must contain want. */
static void sub(const char *req, const char *qos, const char *user, int64_t limit, int rc,
    const char *want, int64_t want_limit)
{
	char err[HERD_ERRLEN] = "", *stored = NULL;
	int got = part_submit(&cfg, req, qos, user, NULL, &limit, &stored, err, sizeof err);
	if (got != rc)
		fail_msg("-p %s --qos %s: rc %d, want %d (%s)", req ? req : "-", qos ? qos : "-",
		    got, rc, err);
	if (rc == 0) {
		assert_string_equal(stored, want);
		assert_int_equal(limit, want_limit);
	} else {
		assert_null(stored);
		if (strstr(err, want) == NULL)
			fail_msg("error \"%s\" lacks \"%s\"", err, want);
	}
	free(stored);
}

static void test_submit(void **state)
{
	(void)state;
	/* The default partition, its default_time; a --time kept. */
	sub(NULL, NULL, "bob", 0, 0, "gpu", 1800);
	sub(NULL, NULL, "bob", 600, 0, "gpu", 600);
	/* Over max_time: refused, the limit named as Slurm names it. */
	sub("gpu", NULL, "bob", 7201, -1, "--time=2:00:01 is over partition gpu's max_time "
	    "2:00:00 (PartitionTimeLimit)", 0);
	sub("gpu", NULL, "bob", 7200, 0, "gpu", 7200);
	/* No default_time: max_time is the default (Slurm's DefaultTime, else MaxTime). */
	sub("long", NULL, "bob", 0, 0, "long", 3 * 86400);
	/* Unknown: refused naming those that exist. */
	sub("gpux", NULL, "bob", 0, -1, "invalid partition specified: gpux (partitions: gpu, "
	    "long, all, cap, bioonly)", 0);
	sub("gpu,nope", NULL, "bob", 0, -1, "invalid partition specified: nope", 0);
	/* allow_users. */
	sub("all", NULL, "bob", 0, -1, "user bob may not use partition all", 0);
	sub("all", NULL, "alice", 0, 0, "all", 0);
	sub("all", NULL, NULL, 0, -1, "may not use partition all", 0);
	/* a,b: any that takes it; the first one's default time; duplicates dropped. */
	sub("cap,long", NULL, "bob", 3600, 0, "cap,long", 3600);
	sub("cap,long,cap", NULL, "bob", 0, 0, "cap,long", 600);
	sub("cap", NULL, "bob", 3600, -1, "over partition cap's max_time 10:00", 0);
	sub("cap gpu", NULL, "bob", 0, 0, "cap,gpu", 600);
	sub(",", NULL, "bob", 0, -1, "names no partition", 0);
	sub("", NULL, "bob", 0, -1, "names no partition", 0);
	/* QoS. */
	sub(NULL, "high", "bob", 0, 0, "gpu", 1800);
	sub(NULL, "high", "bob", 7200, -1, "over QoS high's max_time 1:00:00 "
	    "(QOSMaxWallDurationPerJobLimit)", 0);
	sub("long", "high", "bob", 0, -1, "over QoS high's max_time", 0);
	sub(NULL, "mid", "bob", 0, -1, "invalid qos specified: mid (QoS: high, low)", 0);
	sub(NULL, "low", "bob", 0, 0, "gpu", 1800);
	/* Hostile names are shown escaped, cut short. */
	char err[HERD_ERRLEN], *stored = NULL;
	int64_t limit = 0;
	assert_int_equal(part_submit(&cfg, "\x1b[2J", NULL, "bob", NULL, &limit, &stored, err,
	    sizeof err), -1);
	assert_null(strchr(err, '\x1b'));
	char longname[3000];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(part_submit(&cfg, longname, NULL, "bob", NULL, &limit, &stored, err,
	    sizeof err), -1);
	assert_int_equal(part_submit(&cfg, NULL, longname, "bob", NULL, &limit, &stored, err,
	    sizeof err), -1);
}

/* A file without partitions: -p refused, nothing stored, --qos still checked. */
static void test_none_configured(void **state)
{
	struct config c = { 0 };
	char err[HERD_ERRLEN], *stored = (char *)1;
	int64_t limit = 0;
	(void)state;
	assert_int_equal(part_submit(&c, NULL, NULL, "bob", NULL, &limit, &stored, err,
	    sizeof err), 0);
	assert_null(stored);
	assert_int_equal(limit, 0);
	assert_int_equal(part_submit(&c, "gpu", NULL, "bob", NULL, &limit, &stored, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "hosts.ini has no [partition NAME]"));
	assert_int_equal(part_submit(&c, NULL, "high", "bob", NULL, &limit, &stored, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "hosts.ini has no [qos NAME]"));
	assert_null(part_reason(&c, NULL, "bob", NULL, 0));
}

static void test_nodes(void **state)
{
	/* Slots as the controller has them: a gone one (NULL), one not in the file. */
	const char *names[70] = { "n3", NULL, "n1", "other", "n2" };
	uint64_t mask[2];
	int tier;
	(void)state;
	names[69] = "n1";
	assert_int_equal(part_nodes(&cfg, "gpu", "bob", NULL, 60, names, 70, mask, &tier), 1);
	assert_int_equal(mask[0], (1ULL << 2) | (1ULL << 4));
	assert_int_equal(mask[1], 1ULL << 5);
	assert_int_equal(tier, 1);
	/* Stored NULL (a job of an older release): the default partition. */
	assert_int_equal(part_nodes(&cfg, NULL, "bob", NULL, 60, names, 70, mask, &tier), 1);
	assert_int_equal(mask[0], (1ULL << 2) | (1ULL << 4));
	/* Union; the highest tier of those that take it. */
	assert_int_equal(part_nodes(&cfg, "gpu,all", "alice", NULL, 60, names, 70, mask, &tier), 2);
	assert_int_equal(mask[0], 0x1dULL);
	assert_int_equal(tier, 9);
	/* all refuses bob: only gpu's nodes and tier. */
	assert_int_equal(part_nodes(&cfg, "gpu,all", "bob", NULL, 60, names, 70, mask, &tier), 1);
	assert_int_equal(tier, 1);
	/* None takes it now (a limit changed by a reconfigure): no nodes, and why. */
	assert_int_equal(part_nodes(&cfg, "cap", "bob", NULL, 3600, names, 70, mask, &tier), 0);
	assert_int_equal(mask[0] | mask[1], 0);
	assert_string_equal(part_reason(&cfg, "cap", "bob", NULL, 3600), "PartitionTimeLimit");
	assert_string_equal(part_reason(&cfg, "all", "bob", NULL, 0), "PartitionConfig");
	assert_string_equal(part_reason(&cfg, "gone", "bob", NULL, 0), "PartitionConfig");
	assert_null(part_reason(&cfg, "cap,gpu", "bob", NULL, 3600));
	assert_int_equal(part_nodes(&cfg, "gone", "bob", NULL, 0, names, 70, mask, &tier), 0);
}

/* allow_accounts: only those accounts' jobs, at submit and in a pass. */
static void test_accounts(void **state)
{
	const char *names[3] = { "n1", "n2", "n3" };
	char err[HERD_ERRLEN], *stored = NULL;
	int64_t limit = 60;
	uint64_t mask[1];
	int tier;
	(void)state;
	assert_int_equal(part_submit(&cfg, "bioonly", NULL, "alice", "bio", &limit, &stored, err,
	    sizeof err), 0);
	assert_string_equal(stored, "bioonly");
	free(stored);
	assert_int_equal(part_submit(&cfg, "bioonly", NULL, "alice", "default", &limit, &stored,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, "account default may not use partition bioonly "
	    "(its allow_accounts: bio)"));
	assert_null(stored);
	/* -p bioonly,gpu: gpu takes the other account's job. */
	assert_int_equal(part_submit(&cfg, "bioonly,gpu", NULL, "alice", "chem", &limit, &stored,
	    err, sizeof err), 0);
	free(stored);
	assert_int_equal(part_nodes(&cfg, "bioonly", "alice", "bio", 60, names, 3, mask, &tier), 1);
	assert_int_equal(mask[0], 1);
	assert_int_equal(part_nodes(&cfg, "bioonly", "alice", "chem", 60, names, 3, mask, &tier), 0);
	assert_string_equal(part_reason(&cfg, "bioonly", "alice", "chem", 60), "AccountNotAllowed");
	assert_string_equal(part_reason(&cfg, "bioonly", "alice", NULL, 60), "AccountNotAllowed");
	assert_null(part_reason(&cfg, "bioonly", "alice", "bio", 60));
}

static void test_of_node(void **state)
{
	char buf[64];
	(void)state;
	part_of_node(&cfg, "n2", buf, sizeof buf);
	assert_string_equal(buf, "gpu,long,all");
	part_of_node(&cfg, "n3", buf, sizeof buf);
	assert_string_equal(buf, "long,all,cap");
	part_of_node(&cfg, "zz", buf, sizeof buf);
	assert_string_equal(buf, "all");
	part_of_node(&cfg, "n2", buf, 6);
	assert_int_equal(strlen(buf), 5);
}

/*
 * Multifactor's partition and QoS factors, as Slurm's: the partition's
 * priority_job_factor (default its priority_tier) over the largest, the
 * QoS's priority over the largest.
 */
static void test_prio_factors(void **state)
{
	(void)state;
	assert_int_equal(cfg.parts[0].priority_job_factor, 1);	/* gpu: its tier */
	assert_int_equal(cfg.parts[2].priority_job_factor, 9);	/* all: its tier */
	assert_true(part_prio_factor(&cfg, "long", "bob", NULL, 60) == 1.0);
	assert_true(part_prio_factor(&cfg, "gpu", "bob", NULL, 60) == 1.0 / 18);
	assert_true(part_prio_factor(&cfg, NULL, "bob", NULL, 60) == 1.0 / 18);	/* default: gpu */
	assert_true(part_prio_factor(&cfg, "gpu,all", "alice", NULL, 60) == 0.5);
	/* Only the partitions that take it count: all refuses bob. */
	assert_true(part_prio_factor(&cfg, "gpu,all", "bob", NULL, 60) == 1.0 / 18);
	assert_true(part_prio_factor(&cfg, "cap", "bob", NULL, 3600) == 0);
	assert_true(part_prio_factor(&cfg, "gone", "bob", NULL, 60) == 0);
	assert_true(part_prio_factor(&cfg, ",,", "bob", NULL, 60) == 0);
	assert_true(qos_prio_factor(&cfg, "high") == 1.0);
	assert_true(qos_prio_factor(&cfg, "low") == 0);
	assert_true(qos_prio_factor(&cfg, NULL) == 0);
	assert_true(qos_prio_factor(&cfg, "gone") == 0);

	/* None configured, or every one 0: the factor is 0, never a division by 0. */
	struct config none = { 0 };
	assert_true(part_prio_factor(&none, NULL, "bob", NULL, 0) == 0);
	assert_true(qos_prio_factor(&none, "high") == 0);
	struct part_conf zp = { .name = "z", .all = 1 };
	struct qos_conf zq = { .name = "q" };
	struct config zero = { .parts = &zp, .nparts = 1, .qos = &zq, .nqos = 1 };
	assert_true(part_prio_factor(&zero, "z", "bob", NULL, 0) == 0);
	assert_true(qos_prio_factor(&zero, "q") == 0);

	/* Weighted into the total. */
	struct prio_conf w = { .weight_partition = 1000, .weight_qos = 500 };
	struct prio_job j = { .partition = part_prio_factor(&cfg, "gpu,all", "alice", NULL, 60),
	    .qos = qos_prio_factor(&cfg, "high") };
	struct prio_factors f;
	prio_compute(&w, &j, 0, &f);
	assert_true(f.partition == 0.5 && f.qos == 1.0);
	assert_true(f.total == 1000 * 0.5 + 500);
}

/* priority_job_factor is an integer in [0, 65533]; anything else names the line. */
static void test_prio_factor_config(void **state)
{
	static const char *const bad[] = { "-1", "65534", "x", "1.5", "", "99999999999999999999" };
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char path[] = "/tmp/test_partition.XXXXXX", err[HERD_ERRLEN], text[512];
		struct config c = { 0 };
		int n = snprintf(text, sizeof text, "[controller]\nstate_dir = /s\n[node n1]\nhost = a\n"
		    "[partition p]\nnodes = ALL\npriority_job_factor = %s\n", bad[i]);
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, text, (size_t)n), n);
		close(fd);
		int rc = config_load(path, &c, err, sizeof err);
		unlink(path);
		if (rc == 0)
			fail_msg("priority_job_factor = %s accepted", bad[i]);
		if (strstr(err, ":7:") == NULL || strstr(err, "priority_job_factor") == NULL)
			fail_msg("priority_job_factor = %s: \"%s\"", bad[i], err);
		config_clear(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submit),
		cmocka_unit_test(test_none_configured),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_of_node),
		cmocka_unit_test(test_prio_factors),
		cmocka_unit_test(test_prio_factor_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

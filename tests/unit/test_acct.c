/*
 * test_acct.c — [account NAME] and [priority] in hosts.ini: the values a
 * good file gives, who belongs where (-A), and every bad file refused
 * with FILE:LINE and what is wrong, hostile bytes included.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "acct.h"
#include "config.h"
#include "util.h"

static char tmpdir[] = "/tmp/test_acct.XXXXXX";
static char path[PATH_MAX];

#define NODE "[node a]\nhost = a\n"

static int load_str(const char *text, struct config *c, char *err, size_t errsz)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return config_load(path, c, err, errsz);
}

static void test_defaults_without_sections(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	(void)state;
	assert_int_equal(load_str(NODE, &c, err, sizeof err), 0);
	/* Fair share weighs most, without the section. */
	const struct prio_conf *p = &c.acct.prio;
	assert_true(p->weight_fairshare > p->weight_age);
	assert_true(p->weight_fairshare > p->weight_jobsize);
	assert_true(p->weight_fairshare > p->weight_xfactor);
	assert_true(p->weight_fairshare > p->weight_partition);
	assert_int_equal(p->half_life_s, 7 * 86400);
	assert_int_equal(p->max_age_s, 7 * 86400);
	assert_true(p->billing_default == 1);
	/* Everyone is in the implicit default account. */
	assert_int_equal(c.acct.naccts, 1);
	assert_string_equal(c.acct.accts[0].name, "default");
	assert_string_equal(acct_for_user(&c.acct, "alice", NULL, err, sizeof err), "default");
	assert_string_equal(acct_for_user(&c.acct, "alice", "default", err, sizeof err), "default");
	assert_null(acct_for_user(&c.acct, "alice", "phys", err, sizeof err));
	assert_non_null(strstr(err, "no account \"phys\" (alice's account: default)"));
	config_clear(&c);
}

static void test_good_tree(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	(void)state;
	assert_int_equal(load_str(NODE
	    "[account bio]\nusers = alice, bob\nshares = 3\nparent = science\n"
	    "[account science]\nshares = 2\n"
	    "[account chem]\nusers = bob carol\n"
	    "[priority]\nweight_age = 5\nhalf_life = 1-00:00:00\nmax_age = 60\n"
	    "billing = H100:2, A100:1.5, default:0.5\n", &c, err, sizeof err), 0);
	int bio = acct_find(&c.acct, "bio"), sci = acct_find(&c.acct, "science");
	assert_true(bio >= 0 && sci >= 0);
	assert_int_equal(c.acct.accts[bio].parent, sci);
	assert_int_equal(c.acct.accts[sci].parent, -1);
	assert_int_equal(c.acct.accts[bio].shares, 3);
	assert_int_equal(c.acct.accts[acct_find(&c.acct, "chem")].shares, 1);
	assert_true(acct_find(&c.acct, "default") >= 0);
	/* [priority]: keys not written keep their defaults. */
	assert_true(c.acct.prio.weight_age == 5);
	assert_true(c.acct.prio.weight_fairshare == 10000);
	assert_int_equal(c.acct.prio.half_life_s, 86400);
	assert_int_equal(c.acct.prio.max_age_s, 3600);
	assert_true(acct_billing(&c.acct.prio, "NVIDIA H100 80GB HBM3") == 2);
	assert_true(acct_billing(&c.acct.prio, "NVIDIA A100-SXM4-80GB") == 1.5);
	assert_true(acct_billing(&c.acct.prio, "NVIDIA GeForce RTX 3090") == 0.5);
	assert_true(acct_billing(&c.acct.prio, "NVIDIA H1000") == 0.5);	/* a word, not a prefix */
	assert_true(acct_billing(&c.acct.prio, NULL) == 0.5);
	/* Membership: the first account naming a user is theirs by default. */
	assert_string_equal(acct_for_user(&c.acct, "bob", NULL, err, sizeof err), "bio");
	assert_string_equal(acct_for_user(&c.acct, "bob", "chem", err, sizeof err), "chem");
	assert_string_equal(acct_for_user(&c.acct, "carol", NULL, err, sizeof err), "chem");
	assert_null(acct_for_user(&c.acct, "carol", "bio", err, sizeof err));
	assert_non_null(strstr(err, "carol is not in account bio (carol's account: chem)"));
	assert_null(acct_for_user(&c.acct, "bob", "science", err, sizeof err));
	assert_non_null(strstr(err, "(bob's accounts: bio, chem)"));
	/* A member of some account may not pick default. */
	assert_null(acct_for_user(&c.acct, "bob", "default", err, sizeof err));
	assert_string_equal(acct_for_user(&c.acct, "dave", NULL, err, sizeof err), "default");
	/* A name that is a prefix of a member's is not a member. */
	assert_string_equal(acct_for_user(&c.acct, "ali", NULL, err, sizeof err), "default");
	/* Copies compare equal; a change does not. */
	struct acct_conf copy;
	acct_conf_copy(&copy, &c.acct);
	assert_true(acct_conf_same(&copy, &c.acct));
	copy.accts[bio].shares = 4;
	assert_false(acct_conf_same(&copy, &c.acct));
	acct_conf_clear(&copy);
	config_clear(&c);
}

/* The limit keys (limit.h): values, unset ones -1, and a change seen. */
static void test_limits(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	(void)state;
	assert_int_equal(load_str(NODE "[account bio]\nusers = alice\nmax_gpus = 4\n"
	    "max_gpus_per_user = 2\nmax_running_jobs = 0\nmax_running_jobs_per_user = 3\n"
	    "max_submit_jobs = 100\nmax_submit_jobs_per_user = 10\nmax_gpu_hours = 500\n"
	    "period = 30-0\nmax_service_gpus = 1\n[account chem]\nshares = 2\n", &c, err,
	    sizeof err), 0);
	const struct limit_conf *l = &c.acct.accts[acct_find(&c.acct, "bio")].lim;
	assert_int_equal(l->max_gpus, 4);
	assert_int_equal(l->max_gpus_per_user, 2);
	assert_int_equal(l->max_jobs, 0);
	assert_int_equal(l->max_jobs_per_user, 3);
	assert_int_equal(l->max_submit, 100);
	assert_int_equal(l->max_submit_per_user, 10);
	assert_true(l->max_gpu_s == 500.0 * 3600);
	assert_int_equal(l->period_s, 30 * 86400);
	assert_int_equal(l->max_svc_gpus, 1);
	assert_true(limit_conf_any(l));
	const struct limit_conf *n = &c.acct.accts[acct_find(&c.acct, "chem")].lim;
	assert_false(limit_conf_any(n));
	assert_int_equal(n->max_gpus, -1);
	assert_int_equal(n->max_submit, -1);
	assert_int_equal(n->max_svc_gpus, -1);
	assert_false(limit_conf_any(&c.acct.accts[acct_find(&c.acct, "default")].lim));
	struct acct_conf copy;
	acct_conf_copy(&copy, &c.acct);
	assert_true(acct_conf_same(&copy, &c.acct));
	copy.accts[acct_find(&copy, "bio")].lim.max_gpus = 5;
	assert_false(acct_conf_same(&copy, &c.acct));
	copy.accts[acct_find(&copy, "bio")].lim.max_gpus = 4;
	copy.accts[acct_find(&copy, "bio")].lim.max_svc_gpus = 2;
	assert_false(acct_conf_same(&copy, &c.acct));	/* a reload sees it */
	acct_conf_clear(&copy);
	config_clear(&c);
}

struct bad {
	int line;
	const char *needle;
	const char *text;
};

#define BAD_CASES \
	X(no_name, 3, "[account] needs a name", NODE "[account]\n") \
	X(bad_name, 3, "bad account name \"-x\"", NODE "[account -x]\n") \
	X(dup_account, 4, "duplicate account \"a\" (first on line 3)", \
	    NODE "[account a]\n[account a]\n") \
	X(dup_priority, 4, "duplicate section [priority] (first on line 3)", \
	    NODE "[priority]\n[priority]\n") \
	X(unknown_key, 4, "unknown key \"colour\" in [account]", NODE "[account a]\ncolour = red\n") \
	X(unknown_pkey, 4, "unknown key \"weight_size\" in [priority]", \
	    NODE "[priority]\nweight_size = 1\n") \
	X(limit_period_alone, 4, "period needs max_gpu_hours", NODE "[account a]\nperiod = 30\n") \
	X(limit_hours_alone, 4, "max_gpu_hours needs period", \
	    NODE "[account a]\nmax_gpu_hours = 100\n") \
	X(limit_neg, 4, "max_gpus: \"-1\" is not a whole number", NODE "[account a]\nmax_gpus = -1\n") \
	X(limit_huge, 4, "max_running_jobs: 9999999 is out of range 0..1000000", \
	    NODE "[account a]\nmax_running_jobs = 9999999\n") \
	X(limit_overflow, 4, "is not a whole number", \
	    NODE "[account a]\nmax_submit_jobs = 99999999999999999999\n") \
	X(limit_junk, 4, "max_gpus_per_user: \"2 GPUs\" is not a whole number", \
	    NODE "[account a]\nmax_gpus_per_user = 2 GPUs\n") \
	X(limit_highbit, 4, "max_gpus: \"4\\xff\" is not a whole number", \
	    NODE "[account a]\nmax_gpus = 4\377\n") \
	X(limit_dup, 5, "duplicate key \"max_gpus\" (first on line 4)", \
	    NODE "[account a]\nmax_gpus = 1\nmax_gpus = 2\n") \
	X(limit_period_zero, 5, "period: must be longer than 0", \
	    NODE "[account a]\nmax_gpu_hours = 1\nperiod = 0\n") \
	X(limit_period_bad, 5, "period: ", NODE "[account a]\nmax_gpu_hours = 1\nperiod = 3 days\n") \
	X(limit_svc_neg, 4, "max_service_gpus: \"-1\" is not a whole number", \
	    NODE "[account a]\nmax_service_gpus = -1\n") \
	X(limit_svc_word, 4, "max_service_gpus: \"all\" is not a whole number", \
	    NODE "[account a]\nmax_service_gpus = all\n") \
	X(limit_svc_huge, 4, "max_service_gpus: 1000001 is out of range 0..1000000", \
	    NODE "[account a]\nmax_service_gpus = 1000001\n") \
	X(limit_svc_overflow, 4, "is not a whole number", \
	    NODE "[account a]\nmax_service_gpus = 99999999999999999999\n") \
	X(limit_svc_frac, 4, "max_service_gpus: \"0.5\" is not a whole number", \
	    NODE "[account a]\nmax_service_gpus = 0.5\n") \
	X(limit_svc_dup, 5, "duplicate key \"max_service_gpus\" (first on line 4)", \
	    NODE "[account a]\nmax_service_gpus = 1\nmax_service_gpus = 1\n") \
	X(limit_hours_frac, 4, "max_gpu_hours: \"1.5\" is not a whole number", \
	    NODE "[account a]\nmax_gpu_hours = 1.5\nperiod = 1-0\n") \
	X(dup_key, 5, "duplicate key \"shares\" (first on line 4)", \
	    NODE "[account a]\nshares = 1\nshares = 2\n") \
	X(shares_zero, 4, "shares: 0 is out of range 1..1000000", NODE "[account a]\nshares = 0\n") \
	X(shares_neg, 4, "shares: \"-1\" is not a whole number", NODE "[account a]\nshares = -1\n") \
	X(shares_huge, 4, "is not a whole number", \
	    NODE "[account a]\nshares = 99999999999999999999\n") \
	X(shares_junk, 4, "shares: \"2x\" is not a whole number", NODE "[account a]\nshares = 2x\n") \
	X(users_bad, 4, "users: bad user name \"b;c\"", NODE "[account a]\nusers = a, b;c\n") \
	X(users_dash, 4, "users: bad user name \"-rf\"", NODE "[account a]\nusers = -rf\n") \
	X(empty, 4, "users: empty value", NODE "[account a]\nusers =\n") \
	X(inline_comment, 4, "inline comments are not allowed", \
	    NODE "[account a]\nusers = a # b\n") \
	X(self_parent, 4, "cannot be its own parent", NODE "[account a]\nparent = a\n") \
	X(no_parent, 4, "parent: no [account zz] in this file", NODE "[account a]\nparent = zz\n") \
	X(cycle, 4, "(a cycle)", NODE "[account a]\nparent = b\n[account b]\nparent = a\n") \
	X(cycle3, 4, "(a cycle)", NODE "[account a]\nparent = b\n[account b]\nparent = c\n" \
	    "[account c]\nparent = a\n") \
	X(limit_too_far_up, 12, "account l4 is 4 levels below top, whose limits hold at most 3", \
	    NODE "[account top]\nmax_gpus = 1\n[account l1]\nparent = top\n[account l2]\n" \
	    "parent = l1\n[account l3]\nparent = l2\n[account l4]\nparent = l3\n") \
	X(weight_neg, 4, "weight_age: \"-5\" is not a whole number", NODE "[priority]\nweight_age = -5\n") \
	X(weight_big, 4, "weight_qos: 2000000000 is out of range", \
	    NODE "[priority]\nweight_qos = 2000000000\n") \
	X(half_life_zero, 4, "half_life: must be longer than 0", NODE "[priority]\nhalf_life = 0\n") \
	X(half_life_junk, 4, "half_life:", NODE "[priority]\nhalf_life = soon\n") \
	X(billing_no_colon, 4, "billing: \"H100\" is not TYPE:WEIGHT", \
	    NODE "[priority]\nbilling = H100\n") \
	X(billing_neg, 4, "billing: \"-1\" is not a number like 1.5", \
	    NODE "[priority]\nbilling = H100:-1\n") \
	X(billing_exp, 4, "is not a number like 1.5", NODE "[priority]\nbilling = H100:1e9\n") \
	X(billing_two_dots, 4, "is not a number like 1.5", NODE "[priority]\nbilling = H100:1.2.3\n") \
	X(billing_twice, 4, "billing: h100 given twice", NODE "[priority]\nbilling = H100:1,h100:2\n") \
	X(billing_type, 4, "a GPU type is letters", NODE "[priority]\nbilling = $(x):1\n") \
	X(billing_empty_type, 4, "is not TYPE:WEIGHT", NODE "[priority]\nbilling = :1\n") \
	X(billing_inf, 4, "is not a number like 1.5", NODE "[priority]\nbilling = H100:inf\n") \
	X(key_in_priority, 4, "unknown key \"users\" in [priority]", NODE "[priority]\nusers = a\n")

#define X(name, l, n, t) static const struct bad bad_##name = { l, n, t };
BAD_CASES
#undef X

static void test_bad(void **state)
{
	const struct bad *b = *state;
	struct config c;
	char err[HERD_ERRLEN] = "", want[64];
	assert_int_equal(load_str(b->text, &c, err, sizeof err), -1);
	snprintf(want, sizeof want, "hosts.ini:%d: ", b->line);
	if (strstr(err, want) == NULL || strstr(err, b->needle) == NULL)
		fail_msg("got \"%s\", want line %d and \"%s\"", err, b->line, b->needle);
}

static void test_many_billing_and_accounts(void **state)
{
	struct config c;
	char err[HERD_ERRLEN] = "";
	struct buf b;
	(void)state;
	buf_init(&b, 1 << 20);
	buf_printf(&b, NODE "[priority]\nbilling = ");
	for (int i = 0; i < ACCT_BILLING_MAX + 1; i++)
		buf_printf(&b, "T%d:1,", i);
	buf_printf(&b, "\n");
	buf_addc(&b, '\0');
	assert_int_equal(load_str(b.data, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than 32 GPU types"));
	buf_reset(&b);
	buf_printf(&b, NODE);
	for (int i = 0; i < ACCT_MAX + 1; i++)
		buf_printf(&b, "[account a%d]\n", i);
	buf_addc(&b, '\0');
	assert_int_equal(load_str(b.data, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than 1024 accounts"));
	/* A deep chain is a tree, not a cycle. */
	buf_reset(&b);
	buf_printf(&b, NODE "[account a0]\n");
	for (int i = 1; i < 200; i++)
		buf_printf(&b, "[account a%d]\nparent = a%d\n", i, i - 1);
	buf_addc(&b, '\0');
	assert_int_equal(load_str(b.data, &c, err, sizeof err), 0);
	config_clear(&c);
	buf_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_without_sections),
		cmocka_unit_test(test_good_tree),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_many_billing_and_accounts),
#define X(name, l, n, t) { "bad_" #name, test_bad, NULL, NULL, (void *)&bad_##name },
		BAD_CASES
#undef X
	};
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/hosts.ini", tmpdir);
	setenv("HOME", "/home/tester", 1);
	int rc = cmocka_run_group_tests_name("acct", tests, NULL, NULL);
	unlink(path);
	rmdir(tmpdir);
	return rc;
}

/* Unit tests for the option table, sizes and durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "jobopt.h"
#include "util.h"

static void sizes_ok(void **state)
{
	(void)state;
	static const struct { const char *s; uint64_t mb; } t[] = {
		{ "16G", 16384 }, { "512M", 512 }, { "1T", 1048576 },
		{ "2048", 2048 }, { "16gb", 16384 }, { "16GB", 16384 },
		{ "1.5G", 1536 }, { "8000M", 8000 }, { "125G", 128000 },
		{ "512K", 1 }, { "1k", 1 }, { "2048K", 2 }, { "0", 0 },
		{ "64T", 67108864 }, { "1GiB", 1024 }, { "0.5", 1 },
		{ "4000", 4000 }, { "1.25t", 1310720 }, { "4g", 4096 },
		{ "0.0001G", 1 }, { "1.0000000000001G", 1024 },
		{ "007M", 7 }, { "65536G", 67108864 },
	};
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		uint64_t mb = 99;
		int rc = parse_size_mb(t[i].s, &mb, err, sizeof err);
		if (rc != 0)
			fail_msg("%s: %s", t[i].s, err);
		if (mb != t[i].mb)
			fail_msg("%s: %llu != %llu", t[i].s,
			    (unsigned long long)mb, (unsigned long long)t[i].mb);
	}
}

static void sizes_bad(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", "-1G", "G", "1.5.5G", "1X", "1GBB", "64.1T", "65T",
		"99999999999999999999999999G", " 1G", "1G ", "1.G", "1e3",
		"+1G", "1B", ".5G", "1 G", "0x10", "67108865", "nan",
	};
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t mb = 99;
		if (parse_size_mb(bad[i], &mb, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted as %llu", bad[i],
			    (unsigned long long)mb);
		assert_int_equal(mb, 99);
		assert_non_null(strstr(err, "invalid size"));
	}
	parse_size_mb("-4G", NULL, err, sizeof err);
	assert_string_equal(err,
	    "invalid size \"-4G\": negative sizes are not allowed");
	parse_size_mb("65T", NULL, err, sizeof err);
	assert_string_equal(err, "invalid size \"65T\": larger than 64 TiB");
	parse_size_mb("4Q", NULL, err, sizeof err);
	assert_non_null(strstr(err, "not a size"));
}

static void durations_ok(void **state)
{
	(void)state;
	static const struct { const char *s; int64_t secs; } t[] = {
		{ "90", 5400 }, { "3:00", 180 }, { "1:00:00", 3600 },
		{ "1-0", 86400 }, { "0-09:00", 32400 }, { "0-00:30", 1800 },
		{ "1-02:03:04", 93784 }, { "48:0:00", 172800 },
		{ "100:00:00", 360000 }, { "4320", 259200 }, { "30", 1800 },
		{ "infinite", 0 }, { "UNLIMITED", 0 }, { "Unlimited", 0 },
		{ "0", 0 }, { "00:00:30", 30 }, { "00:01:00", 60 },
		{ "365-0", 31536000 }, { "525600", 31536000 },
		{ "0:10:00", 600 }, { "50:00:00", 180000 }, { "2-5:30", 192600 },
		{ "90:30", 5430 }, { "1-23:59:59", 172799 }, { "0-12", 43200 },
	};
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t s = -7;
		if (parse_duration_s(t[i].s, &s, err, sizeof err) != 0)
			fail_msg("%s: %s", t[i].s, err);
		if (s != t[i].secs)
			fail_msg("%s: %lld != %lld", t[i].s, (long long)s,
			    (long long)t[i].secs);
	}
}

static void durations_bad(void **state)
{
	(void)state;
	static const struct { const char *s; const char *why; } t[] = {
		{ "1:99:00", "minutes must be 0-59" },
		{ "1:00:99", "seconds must be 0-59" },
		{ "5:60", "seconds must be 0-59" },
		{ "1-24", "hours must be 0-23" },
		{ "1-2:60", "minutes must be 0-59" },
		{ "-5", "negative durations are not allowed" },
		{ "366-0", "longer than 365 days" },
		{ "525601", "longer than 365 days" },
		{ "", "expected minutes" }, { "1:2:3:4", "expected" },
		{ "abc", "expected" }, { "1-", "expected" }, { "5m", "expected" },
		{ "1--2", "expected" }, { "9999999999", "expected" },
		{ ":30", "expected" }, { "1:", "expected" }, { "1-2-3", "expected" },
		{ " 5", "expected" }, { "+5", "expected" }, { "1.5", "expected" },
		{ "-", "negative" }, { "a-1", "expected" },
	};
	char err[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t s = -7;
		if (parse_duration_s(t[i].s, &s, err, sizeof err) == 0)
			fail_msg("\"%s\" accepted as %lld", t[i].s, (long long)s);
		assert_int_equal(s, -7);
		if (strstr(err, t[i].why) == NULL)
			fail_msg("\"%s\": %s", t[i].s, err);
	}
	parse_duration_s("1:99:00", NULL, err, sizeof err);
	assert_string_equal(err,
	    "invalid duration \"1:99:00\": minutes must be 0-59");
}

static void format_and_back(void **state)
{
	(void)state;
	static const struct { int64_t s; const char *f; } t[] = {
		{ 0, "0:00" }, { 59, "0:59" }, { 180, "3:00" },
		{ 3723, "1:02:03" }, { 93784, "1-02:03:04" },
		{ 86400, "1-00:00:00" }, { 31536000, "365-00:00:00" },
		{ -5, "0:00" },
	};
	char buf[32], err[HERD_ERRLEN];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t back;
		format_duration(t[i].s, buf, sizeof buf);
		assert_string_equal(buf, t[i].f);
		assert_int_equal(parse_duration_s(buf, &back, err, sizeof err), 0);
		assert_int_equal(back, t[i].s < 0 ? 0 : t[i].s);
	}
	format_duration(93784, buf, 4);	/* truncates, never overflows */
	assert_string_equal(buf, "1-0");
}

static void ok(struct jobopt *o, const char *opt, const char *v)
{
	char err[HERD_ERRLEN];
	int rc = jobopt_apply(o, opt, v, 0, err, sizeof err);
	if (rc != 0)
		fail_msg("%s=%s: rc %d: %s", opt, v ? v : "(null)", rc, err);
}

static void bad(struct jobopt *o, const char *opt, const char *v,
    const char *want)
{
	char err[HERD_ERRLEN];
	int rc = jobopt_apply(o, opt, v, 0, err, sizeof err);
	if (rc != -1)
		fail_msg("%s=%s: rc %d", opt, v ? v : "(null)", rc);
	if (strstr(err, want) == NULL)
		fail_msg("%s=%s: \"%s\" lacks \"%s\"", opt, v ? v : "(null)",
		    err, want);
}

static void every_spelling(void **state)
{
	(void)state;
	struct jobopt o;
	jobopt_init(&o);
	assert_int_equal(o.cpus, 1);
	assert_int_equal(o.set, 0);

	ok(&o, "gpus", "2"); assert_int_equal(o.gpus, 2);
	ok(&o, "G", "3"); assert_int_equal(o.gpus, 3);
	ok(&o, "gpus-per-node", "8"); assert_int_equal(o.gpus, 8);
	ok(&o, "gpus", "a100:5"); assert_int_equal(o.gpus, 5);
	ok(&o, "gres", "gpu:4"); assert_int_equal(o.gpus, 4);
	ok(&o, "gres", "gpu:a100:6"); assert_int_equal(o.gpus, 6);
	ok(&o, "gres", "gpu"); assert_int_equal(o.gpus, 1);
	ok(&o, "gres", "gpu:tesla"); assert_int_equal(o.gpus, 1);
	ok(&o, "gres", "nvme:1,gpu:2"); assert_int_equal(o.gpus, 2);
	ok(&o, "gres", "gpu:v100:1,gpu:a100:2"); assert_int_equal(o.gpus, 3);
	ok(&o, "gpus", "0"); assert_int_equal(o.gpus, 0);
	ok(&o, "gpus", "64"); assert_int_equal(o.gpus, 64);
	ok(&o, "cpus", "4"); assert_int_equal(o.cpus, 4);
	ok(&o, "c", "8"); assert_int_equal(o.cpus, 8);
	ok(&o, "cpus-per-task", "4096"); assert_int_equal(o.cpus, 4096);
	ok(&o, "mem", "16G"); assert_int_equal(o.mem_mb, 16384);
	ok(&o, "time", "3:00"); assert_int_equal(o.time_limit_s, 180);
	ok(&o, "t", "1-0"); assert_int_equal(o.time_limit_s, 86400);
	ok(&o, "job-name", "train"); assert_string_equal(o.name, "train");
	ok(&o, "J", "my job"); assert_string_equal(o.name, "my job");
	ok(&o, "output", "o-%j.out"); assert_string_equal(o.out_path, "o-%j.out");
	ok(&o, "o", "x.out"); assert_string_equal(o.out_path, "x.out");
	ok(&o, "error", "e.err"); assert_string_equal(o.err_path, "e.err");
	ok(&o, "e", "f.err"); assert_string_equal(o.err_path, "f.err");
	ok(&o, "chdir", "/tmp"); assert_string_equal(o.chdir, "/tmp");
	ok(&o, "D", "/srv"); assert_string_equal(o.chdir, "/srv");
	assert_int_equal(o.set, JO_GPUS | JO_CPUS | JO_MEM | JO_TIME |
	    JO_NAME | JO_OUT | JO_ERR | JO_CHDIR);
	jobopt_clear(&o);
	assert_null(o.name);
	assert_int_equal(o.set, 0);
	jobopt_clear(&o);	/* twice is harmless */
}

static void bounds_and_messages(void **state)
{
	(void)state;
	struct jobopt o;
	char err[HERD_ERRLEN], name[JOBOPT_NAME_MAX + 2];
	jobopt_init(&o);

	assert_int_equal(jobopt_apply(&o, "time", "1:99:00", 0, err,
	    sizeof err), -1);
	assert_string_equal(err,
	    "invalid --time \"1:99:00\": minutes must be 0-59");
	assert_int_equal(jobopt_apply(&o, "c", "0", 0, err, sizeof err), -1);
	assert_string_equal(err, "invalid --cpus-per-task \"0\": must be 1-4096");
	bad(&o, "cpus", "4097", "must be 1-4096");
	bad(&o, "cpus", "-1", "negative");
	bad(&o, "cpus", "2x", "not a whole number");
	bad(&o, "cpus", "", "not a whole number");
	bad(&o, "gpus", "65", "must be 0-64");
	bad(&o, "gpus", ":2", "empty GPU type");
	bad(&o, "gpus", "a100:", "not a whole number");
	bad(&o, "gres", "gpu:65", "must be 0-64");
	bad(&o, "gres", "gpu:40,gpu:30", "must be 0-64 GPUs");
	bad(&o, "gres", "gpu:a100:", "not a whole number");
	bad(&o, "gres", "gpu:", "not a whole number");
	bad(&o, "mem", "65T", "larger than 64 TiB");
	bad(&o, "mem", "lots", "not a size");
	bad(&o, "time", "366-0", "longer than 365 days");
	bad(&o, "time", NULL, "--time needs a value");
	bad(&o, "output", "", "empty path");
	ok(&o, "error", "a\nb");
	ok(&o, "chdir", "/x\n");
	bad(&o, "job-name", "", "empty name");
	ok(&o, "job-name", "a\nb");
	bad(&o, "job-name", "a\033[2Jb", "control character");
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';	/* 257 bytes */
	bad(&o, "job-name", name, "longer than 256 bytes");
	name[JOBOPT_NAME_MAX] = '\0';
	ok(&o, "job-name", name);
	/* Errors quote the value escaped, so a message is one safe line. */
	bad(&o, "mem", "1\n2", "\"1\\n2\"");
	assert_int_equal(o.set, JO_NAME | JO_ERR | JO_CHDIR);	/* failures stored nothing */
	assert_int_equal(o.cpus, 1);
	jobopt_clear(&o);
}

static void long_path_limits(void **state)
{
	(void)state;
	struct jobopt o;
	char path[JOBOPT_PATH_MAX + 1];
	jobopt_init(&o);
	memset(path, 'p', sizeof path - 1);
	path[sizeof path - 1] = '\0';
	bad(&o, "output", path, "path longer than");
	path[JOBOPT_PATH_MAX - 1] = '\0';
	ok(&o, "output", path);
	jobopt_clear(&o);
}

static void ignored_and_unknown(void **state)
{
	(void)state;
	static const char *ign[] = {
		"partition", "p", "account", "A", "qos", "q", "nodes", "N",
		"ntasks", "n", "ntasks-per-node", "mail-type", "mail-user",
		"array", "a", "dependency", "d", "constraint", "C",
		"mem-per-cpu", "mem-per-gpu", "export", "signal",
		"open-mode", "reservation", "gpus-per-task", "cpus-per-gpu",
		"tasks-per-node", "ntasks-per-socket", "wckey", "comment",
		"distribution", "hint", "exclude", "x", "nodelist", "w",
		"nice", "licenses", "tmp", "wrap",
	};
	static const char *flags[] = {
		"exclusive", "requeue", "no-requeue", "contiguous",
		"quiet", "Q", "verbose", "v", "overcommit", "O",
	};
	struct jobopt o;
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	for (size_t i = 0; i < sizeof ign / sizeof ign[0]; i++) {
		if (jobopt_apply(&o, ign[i], "x", 0, err, sizeof err) != 1)
			fail_msg("%s: %s", ign[i], err);
		assert_non_null(strstr(err, "is not supported yet; ignored"));
		assert_int_equal(jobopt_takes_value(ign[i]),
		    strcmp(ign[i], "nice") != 0);
	}
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (jobopt_apply(&o, flags[i], NULL, 0, err, sizeof err) != 1)
			fail_msg("%s: %s", flags[i], err);
		assert_int_equal(jobopt_takes_value(flags[i]), 0);
	}
	assert_int_equal(jobopt_apply(&o, "p", "gpu", 0, err, sizeof err), 1);
	assert_string_equal(err, "--partition is not supported yet; ignored");
	assert_int_equal(jobopt_apply(&o, "exclusive", "user", 0, err,
	    sizeof err), 1);
	assert_int_equal(jobopt_apply(&o, "nice", NULL, 0, err, sizeof err), 1);
	bad(&o, "partition", NULL, "--partition needs a value");
	bad(&o, "quiet", "yes", "--quiet takes no value");
	/* Options that would make the job run other than asked are refused. */
	static const char *refused[] = { "hold", "H", "begin", "b", "test-only", "wait", "W",
	    "version", "V", "usage" };
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		bad(&o, refused[i], jobopt_takes_value(refused[i]) ? "x" : NULL,
		    "is not supported yet (herd would run the job");
	assert_int_equal(jobopt_apply(&o, "gres", "nvme:1", 0, err,
	    sizeof err), 1);
	assert_string_equal(err, "--gres=nvme:1 names no gpu; ignored");
	bad(&o, "frobnicate", "1", "unknown option --frobnicate");
	bad(&o, "Z", NULL, "unknown option -Z");
	bad(&o, "", NULL, "unknown option");
	bad(&o, NULL, NULL, "unknown option");
	bad(&o, "TIME", "5", "unknown option --TIME");
	bad(&o, "ti", "5", "unknown option");	/* no abbreviations */
	bad(&o, "bad\033opt", NULL, "--bad\\033opt");
	assert_int_equal(o.set, 0);
	jobopt_clear(&o);
}

static void takes_value(void **state)
{
	(void)state;
	assert_int_equal(jobopt_takes_value("time"), 1);
	assert_int_equal(jobopt_takes_value("t"), 1);
	assert_int_equal(jobopt_takes_value("gres"), 1);
	assert_int_equal(jobopt_takes_value("G"), 1);
	assert_int_equal(jobopt_takes_value("D"), 1);
	assert_int_equal(jobopt_takes_value("account"), 1);
	assert_int_equal(jobopt_takes_value("exclusive"), 0);
	assert_int_equal(jobopt_takes_value("H"), 0);
	assert_int_equal(jobopt_takes_value("unknown-thing"), 0);
	assert_int_equal(jobopt_takes_value(""), 0);
	assert_int_equal(jobopt_takes_value(NULL), 0);
}

static void keep_set_and_merge(void **state)
{
	(void)state;
	struct jobopt cli, o;
	char err[HERD_ERRLEN];
	jobopt_init(&cli);
	jobopt_init(&o);
	ok(&cli, "gpus", "1");
	ok(&cli, "J", "cli-name");
	assert_int_equal(jobopt_apply(&cli, "gpus", "4", 1, err, sizeof err), 0);
	assert_int_equal(cli.gpus, 1);
	assert_int_equal(jobopt_apply(&cli, "J", "script", 1, err, sizeof err), 0);
	assert_string_equal(cli.name, "cli-name");
	/* A bad value is still an error even when it would not be used. */
	assert_int_equal(jobopt_apply(&cli, "gpus", "999", 1, err, sizeof err),
	    -1);
	assert_int_equal(jobopt_apply(&cli, "time", "10", 1, err, sizeof err), 0);
	assert_int_equal(cli.time_limit_s, 600);

	ok(&o, "gpus", "8");
	ok(&o, "J", "from");
	ok(&o, "o", "out");
	ok(&o, "e", "err");
	ok(&o, "D", "/d");
	ok(&o, "mem", "1G");
	ok(&o, "c", "3");
	jobopt_merge(&cli, &o);
	assert_int_equal(cli.gpus, 1);
	assert_string_equal(cli.name, "cli-name");
	assert_string_equal(cli.out_path, "out");
	assert_string_equal(cli.err_path, "err");
	assert_string_equal(cli.chdir, "/d");
	assert_int_equal(cli.mem_mb, 1024);
	assert_int_equal(cli.cpus, 3);
	assert_int_equal(cli.time_limit_s, 600);
	assert_int_equal(cli.set, o.set | JO_TIME);
	jobopt_clear(&o);	/* merge copied, did not borrow */
	assert_string_equal(cli.out_path, "out");
	jobopt_clear(&cli);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_ok),
		cmocka_unit_test(sizes_bad),
		cmocka_unit_test(durations_ok),
		cmocka_unit_test(durations_bad),
		cmocka_unit_test(format_and_back),
		cmocka_unit_test(every_spelling),
		cmocka_unit_test(bounds_and_messages),
		cmocka_unit_test(long_path_limits),
		cmocka_unit_test(ignored_and_unknown),
		cmocka_unit_test(takes_value),
		cmocka_unit_test(keep_set_and_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

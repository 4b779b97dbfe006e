/*
 * test_doctor.c — herd doctor's node program through real shells, the
 * parser of its answer against hostile text, and the judgement of every
 * check (each failure must come with its fix).
 *
 * The program runs under /bin/sh and /bin/bash (where present) with a
 * herd directory whose name would break out of any careless quoting, a
 * job file of another cluster and one whose name holds a newline and a
 * forged line; a marker command after it must still run.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "doctor.h"
#include "probe.h"
#include "ssh.h"
#include "util.h"

#define MARKER "herd-doctor-marker"
/* Quotes, a command substitution, a newline: must stay one path. */
#define HOSTILE_DIR "d i'r$(touch pwned)`touch pwned2`\"\n;x"

static char tmpdir[64];

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	close(fd);
}

static int run(const char *shell, struct buf *out)
{
	char path[256], cmd[600];
	struct buf prog;
	buf_init(&prog, 1 << 20);
	assert_int_equal(doctor_script(&prog, HOSTILE_DIR, "test"), 0);
	assert_int_equal(buf_addstr(&prog, "echo " MARKER "\n"), 0);
	snprintf(path, sizeof path, "%s/prog", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(prog.data, 1, prog.len, f);
	fclose(f);
	buf_clear(&prog);
	snprintf(cmd, sizeof cmd, "cd '%s' && HOME='%s/home' PATH=/usr/bin:/bin %s -s <prog",
	    tmpdir, tmpdir, shell);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		assert_int_equal(buf_add(out, chunk, n), 0);
	return pclose(p);
}

static void t_script_shells(void **state)
{
	static const char *shells[] = { "/bin/sh", "/bin/bash", "/bin/dash" };
	char dir[512], path[700];
	int ran = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/home/" HOSTILE_DIR "/jobs", tmpdir);
	snprintf(path, sizeof path, "%s/home", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/home/" HOSTILE_DIR, tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/test-7.0.script", dir);
	touch(path);
	snprintf(path, sizeof path, "%s/other-cl-12.1.state", dir);
	touch(path);
	/* A name that forges a line: first of each key wins, so it changes nothing. */
	snprintf(path, sizeof path, "%s/zz\ntime 1\ndisk 5 forged", dir);
	touch(path);
	for (size_t i = 0; i < sizeof shells / sizeof *shells; i++) {
		struct doctor_facts f;
		struct buf out;
		char err[256];
		if (access(shells[i], X_OK) != 0)
			continue;
		buf_init(&out, 1 << 20);
		assert_int_equal(run(shells[i], &out), 0);
		assert_non_null(strstr(out.data, "dend\n" MARKER "\n"));
		assert_int_equal(doctor_parse(out.data, out.len, "test", &f, err, sizeof err), 0);
		assert_true(f.ended);
		for (int t = 0; t < DOCTOR_NTOOLS; t++)
			if (t != 2)	/* setsid: util-linux, maybe absent */
				assert_int_equal(f.tool_found[t], 1);
		assert_int_equal(f.own_jobs, 1);
		assert_int_equal((int)f.nclusters, 1);
		assert_string_equal(f.clusters[0], "other-cl");
		assert_true(f.disk_kb > 0);
		/* The newline in the name ends the line: the rest is dropped. */
		assert_string_equal(f.disk_path + strlen(tmpdir),
		    "/home/d i'r$(touch pwned)`touch pwned2`\"");
		assert_true(f.time > wall_s() - 60 && f.time < wall_s() + 60);
		assert_true(f.user[0] != '\0');
		buf_clear(&out);
		ran++;
	}
	assert_true(ran >= 1);
	snprintf(path, sizeof path, "%s/pwned", tmpdir);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/pwned2", tmpdir);
	assert_int_not_equal(access(path, F_OK), 0);
}

/* A herd directory that does not exist yet: df of the nearest one above. */
static void t_script_new_dir(void **state)
{
	struct buf prog, out;
	struct doctor_facts f;
	char cmd[400], err[256];

	(void)state;
	buf_init(&prog, 1 << 20);
	buf_init(&out, 1 << 20);
	assert_int_equal(doctor_script(&prog, "/nonexistent-herd/a/b", "c"), 0);
	snprintf(cmd, sizeof cmd, "%s/prog2", tmpdir);
	FILE *fp = fopen(cmd, "w");
	fwrite(prog.data, 1, prog.len, fp);
	fclose(fp);
	snprintf(cmd, sizeof cmd, "/bin/sh -s <'%s/prog2'", tmpdir);
	FILE *p = popen(cmd, "r");
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(p), 0);
	assert_int_equal(doctor_parse(out.data, out.len, "c", &f, err, sizeof err), 0);
	assert_string_equal(f.disk_path, "/");
	assert_int_equal(f.own_jobs, 0);
	buf_clear(&prog);
	buf_clear(&out);
}

static int parse(const char *s, struct doctor_facts *f)
{
	char err[256];
	return doctor_parse(s, strlen(s), "test", f, err, sizeof err);
}

static void t_parse_hostile(void **state)
{
	struct doctor_facts f;
	char err[256];

	(void)state;
	/* Cut short: no dend. */
	assert_int_equal(parse("tool mkdir /bin/mkdir\n", &f), -1);
	assert_int_equal(parse("", &f), -1);
	/* Values of the wrong shape are unknown, never half-taken. */
	assert_int_equal(parse("driver 5$(x)\nmig Enabled;rm\nlinger maybe\nkilluser YES\n"
	    "time -5\ndisk 99999999999999999999 /x\nuser -rf\nownjobs 1e3\ndend\n", &f), 0);
	assert_string_equal(f.driver, "");
	assert_string_equal(f.mig, "");
	assert_int_equal(f.linger, -1);
	assert_int_equal(f.killuser, -1);
	assert_int_equal(f.time, -1);
	assert_int_equal(f.disk_kb, -1);
	assert_string_equal(f.user, "");
	assert_int_equal(f.own_jobs, -1);
	/* The first of each key wins; lines after dend are not read. */
	assert_int_equal(parse("time 100\ntime 5\ndisk 10 /a\ndisk 0 /b\ndend\ndriver 1.0\n",
	    &f), 0);
	assert_int_equal(f.time, 100);
	assert_int_equal(f.disk_kb, 10);
	assert_string_equal(f.disk_path, "/a");
	assert_string_equal(f.driver, "");
	/* A NUL inside a line: that value is dropped, the parse goes on. */
	static const char nul[] = "driver 1.\0002\nuser a\0b\ntime 7\ndend\n";
	assert_int_equal(doctor_parse(nul, sizeof nul - 1, "test", &f, err, sizeof err), 0);
	assert_string_equal(f.driver, "");
	assert_string_equal(f.user, "");
	assert_int_equal(f.time, 7);
	/* Tools: a path must be absolute; unknown tools are ignored. */
	assert_int_equal(parse("tool mkdir -\ntool chmod relative\ntool rm /bin/rm\n"
	    "tool setsid /usr/bin/setsid\ntool\ntool \ndend\n", &f), 0);
	assert_int_equal(f.tool_found[0], 0);
	assert_int_equal(f.tool_found[1], 0);
	assert_int_equal(f.tool_found[2], 1);
	assert_int_equal(f.tool_found[3], -1);
	/* Job files: clusters by launch_key's shape only; ours and junk skipped;
	 * at most DOCTOR_MAX_CLUSTERS kept. */
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_addstr(&b, "jobfile test-1.0.script\njobfile -1.0\njobfile a-\njobfile nodigit-x\n"
	    "jobfile ../../x-1\njobfile .hidden-1.0\njobfile x-y-z-3.2.state\n");
	for (int i = 0; i < 50; i++)
		buf_printf(&b, "jobfile c%d-%d.0.script\n", i, i + 1);
	buf_addstr(&b, "dend\n");
	assert_int_equal(doctor_parse(b.data, b.len, "test", &f, err, sizeof err), 0);
	assert_int_equal((int)f.nclusters, DOCTOR_MAX_CLUSTERS);
	assert_string_equal(f.clusters[0], "x-y-z");
	assert_string_equal(f.clusters[1], "c0");
	buf_clear(&b);
	/* Larger than DOCTOR_OUTPUT_MAX: refused whole. */
	char *big = xmalloc(DOCTOR_OUTPUT_MAX + 10);
	memset(big, 'a', DOCTOR_OUTPUT_MAX + 10);
	assert_int_equal(doctor_parse(big, DOCTOR_OUTPUT_MAX + 10, "test", &f, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "larger"));
	free(big);
	/* CRLF line ends. */
	assert_int_equal(parse("linger yes\r\nkilluser no\r\ndend\r\n", &f), 0);
	assert_int_equal(f.linger, 1);
	assert_int_equal(f.killuser, 0);
}

static const struct doctor_ctx ctx = {
	.node = "n1", .host = "h1", .user = "alice", .cluster = "test", .herd_dir = ".herd",
	.port = 2222, .known_hosts = "/kh", .identity = "/id", .min_free_kb = 1024 * 1024,
	.min_free_src = "min_free_disk",
	.local_time = 1000,
};

static const struct doctor_check *find(const struct doctor_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->c[i].name, name) == 0)
			return &r->c[i];
	fail_msg("no check %s", name);
	return NULL;
}

static void healthy(struct doctor_facts *f, struct probe_result *p)
{
	assert_int_equal(parse("tool mkdir /b\ntool chmod /b\ntool setsid /b\ntool tail /b\n"
	    "tool od /b\ntool sed /b\ntool df /b\ndriver 565.57.01\nmig Disabled,Disabled\n"
	    "user alice\ntime 1001\ndisk 5000000 /home/alice/.herd\nownjobs 3\ndend\n", f), 0);
	probe_result_init(p);
	p->gpu_state = GPUS_OK;
	strlcpy_h(p->cgroup, "v2", sizeof p->cgroup);
}

static void t_judge_healthy(void **state)
{
	struct doctor_report r = { 0 };
	struct doctor_facts f;
	struct probe_result p;
	struct gpu_info g = { .index = 0, .name = "NVIDIA H100" };

	(void)state;
	healthy(&f, &p);
	p.gpus = &g;
	p.ngpus = 1;
	doctor_judge_node(&r, &ctx, &p, &f);
	assert_int_equal(r.nfail, 0);
	assert_non_null(strstr(find(&r, "gpus")->detail, "565.57.01"));
	assert_non_null(strstr(find(&r, "clock")->detail, "+1 s"));
	p.gpus = NULL;
	p.ngpus = 0;
	/* No GPU listed: a fault, unless the node is cpu_only. */
	memset(&r, 0, sizeof r);
	doctor_judge_node(&r, &ctx, &p, &f);
	assert_int_equal(find(&r, "gpus")->ok, 0);
}

static void t_judge_faults(void **state)
{
	struct doctor_report r = { 0 };
	struct doctor_facts f;
	struct probe_result p;
	struct doctor_ctx x = ctx;

	(void)state;
	healthy(&f, &p);
	f.tool_found[2] = 0;			/* no setsid */
	p.gpu_state = GPUS_NONE;		/* no nvidia-smi */
	f.killuser = 1;				/* logind kills at logout */
	f.linger = 0;
	f.time = 1000 + DOCTOR_SKEW_MAX_S + 1;	/* clock ahead */
	f.disk_kb = 1000;			/* 1 MB free */
	strlcpy_h(f.clusters[0], "other", sizeof f.clusters[0]);
	f.nclusters = 1;
	doctor_judge_node(&r, &x, &p, &f);
	assert_int_equal(r.nfail, 6);
	for (size_t i = 0; i < r.n; i++)
		if (!r.c[i].ok)
			assert_true(r.c[i].fix[0] != '\0');
	assert_non_null(strstr(find(&r, "tools")->detail, "setsid"));
	assert_non_null(strstr(find(&r, "nvidia_smi")->fix, "cpu_only = yes"));
	assert_non_null(strstr(find(&r, "logout")->fix, "KillUserProcesses=no"));
	assert_non_null(strstr(find(&r, "logout")->fix, "loginctl enable-linger alice"));
	assert_non_null(strstr(find(&r, "clock")->detail, "ahead"));
	assert_non_null(strstr(find(&r, "disk")->detail, "1000 KiB free"));
	/* The bar names where it came from (herdd drains by min_free_disk). */
	assert_non_null(strstr(find(&r, "disk")->detail, "(min_free_disk)"));
	assert_non_null(strstr(find(&r, "disk")->detail, "herdd gives it no job"));
	assert_non_null(strstr(find(&r, "herd_dir")->detail, "other"));
	/* Excluded from the kill, behind by the limit exactly, cpu_only: fine. */
	memset(&r, 0, sizeof r);
	strlcpy_h(f.killexclude, "root alice", sizeof f.killexclude);
	f.time = 1000 - DOCTOR_SKEW_MAX_S;
	x.cpu_only = 1;
	doctor_judge_node(&r, &x, &p, &f);
	assert_int_equal(find(&r, "logout")->ok, 1);
	assert_int_equal(find(&r, "clock")->ok, 1);
	assert_int_equal(find(&r, "nvidia_smi")->ok, 1);
	/* "alic" is not "alice". */
	memset(&r, 0, sizeof r);
	strlcpy_h(f.killexclude, "alicex root", sizeof f.killexclude);
	doctor_judge_node(&r, &x, &p, &f);
	assert_int_equal(find(&r, "logout")->ok, 0);
	/* A broken driver: its message, quoted. */
	memset(&r, 0, sizeof r);
	p.gpu_state = GPUS_ERROR;
	strlcpy_h(p.gpu_error, "Unable to determine the device handle for GPU0000:01:00.0: "
	    "GPU is lost.", sizeof p.gpu_error);
	doctor_judge_node(&r, &x, &p, &f);
	assert_non_null(strstr(find(&r, "nvidia_smi")->detail, "GPU is lost"));
	assert_int_equal(find(&r, "nvidia_smi")->ok, 0);
}

static void t_judge_ssh(void **state)
{
	static const struct { int stage; const char *check, *fix; } cases[] = {
		{ SSH_STAGE_CONNECT, "tcp", "start sshd" },
		{ SSH_STAGE_HANDSHAKE, "ssh", "port 2222" },
		{ SSH_STAGE_KNOWN_HOSTS, "host_key", "ssh-keyscan -p 2222 h1 >> /kh" },
		{ SSH_STAGE_HOSTKEY_UNKNOWN, "host_key", "ssh-keyscan -p 2222 h1 >> /kh" },
		{ SSH_STAGE_HOSTKEY_CHANGED, "host_key", "ssh-keygen -R '[h1]:2222' -f /kh" },
		{ SSH_STAGE_AUTH, "auth", "ssh-copy-id -i /id.pub -p 2222 alice@h1" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct doctor_report r = { 0 };
		doctor_judge_ssh(&r, &ctx, cases[i].stage, "the message");
		assert_int_equal(r.nfail, 1);
		const struct doctor_check *c = find(&r, cases[i].check);
		assert_int_equal(c->ok, 0);
		assert_string_equal(c->detail, "the message");
		assert_non_null(strstr(c->fix, cases[i].fix));
	}
	struct doctor_report r = { 0 };
	doctor_judge_ssh(&r, &ctx, SSH_STAGE_OK, "");
	assert_int_equal(r.nfail, 0);
	assert_int_equal((int)r.n, 3);
}

static void t_judge_login(void **state)
{
	struct doctor_report r = { 0 };
	(void)state;
	doctor_judge_login(&r, &ctx, "", 0, 40);
	assert_int_equal(r.nfail, 0);
	doctor_judge_login(&r, &ctx, "welcome", 2, DOCTOR_LOGIN_SLOW_MS + 1);
	assert_int_equal(r.nfail, 2);
	assert_non_null(strstr(r.c[2].detail, "2 lines"));
	assert_non_null(strstr(r.c[2].detail, "welcome"));
	assert_non_null(strstr(r.c[2].fix, "case $- in"));
	assert_non_null(strstr(r.c[3].detail, "ms"));
	/* A full report drops further checks instead of overflowing. */
	for (int i = 0; i < 100; i++)
		doctor_add(&r, "x", 0, "f", "%d", i);
	assert_int_equal((int)r.n, DOCTOR_MAX_CHECKS);
}

/* The node key doctor reads is documented where every key is (kept here,
 * not in test_config.c's list, so that the keys merge apart). */
static void t_cpu_only_documented(void **state)
{
	struct buf ex, man;
	char chunk[4096];
	size_t n;
	const char *files[] = { "hosts.example.ini", "man/hosts.ini.5" };
	struct buf *bufs[] = { &ex, &man };

	(void)state;
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");
		assert_non_null(f);
		buf_init(bufs[i], 1 << 22);
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
			assert_int_equal(buf_add(bufs[i], chunk, n), 0);
		fclose(f);
	}
	assert_non_null(strstr(ex.data, "\n# cpu_only: "));
	assert_non_null(strstr(man.data, "\n.B cpu_only\n"));
	buf_clear(&ex);
	buf_clear(&man);
}

static int setup(void **state)
{
	(void)state;
	strlcpy_h(tmpdir, "/tmp/herd-test-doctor.XXXXXX", sizeof tmpdir);
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_script_shells),
		cmocka_unit_test(t_script_new_dir),
		cmocka_unit_test(t_parse_hostile),
		cmocka_unit_test(t_judge_healthy),
		cmocka_unit_test(t_judge_faults),
		cmocka_unit_test(t_judge_ssh),
		cmocka_unit_test(t_judge_login),
		cmocka_unit_test(t_cpu_only_documented),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

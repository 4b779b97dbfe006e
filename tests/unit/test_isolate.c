/*
 * test_isolate.c — isolation's pure parts: the probe's iso_* lines (good and
 * hostile), the choice of a kind, the logind warning, the escape reason, the
 * cgroup text round-tripped through a real /bin/sh (hostile directory and
 * key byte-exact), and a real kill: a job's process group plus a process
 * that escaped it by setsid, both found and ended, the escape counted.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "isolate.h"
#include "launch.h"
#include "probe.h"

static int kv(struct iso_facts *f, const char *line)
{
	char err[256] = "";
	const char *sp = strchr(line, ' ');
	size_t kn = sp ? (size_t)(sp - line) : strlen(line);
	const char *v = sp ? sp + 1 : line + kn;
	int r = isolate_parse_kv(line, kn, v, strlen(v), f, err, sizeof err);
	if (r < 0)
		assert_true(err[0] != '\0');
	return r;
}

static void t_parse_probe(void **state)
{
	(void)state;
	static const char text[] = "cpus 4\nmem_kb 1048576\n"
	    "iso_cg2 /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice\n"
	    "iso_cg2_ctrl cpu memory pids\niso_cg1_mem \niso_cg1_cpu \n"
	    "iso_systemd 1\niso_logind 1\niso_linger 0\niso_kup yes\niso_user alice\n"
	    "gpu_rc 127\ngpus\napps\nend\n";
	struct probe_result r;
	char err[256];
	probe_result_init(&r);
	assert_int_equal(probe_parse(text, strlen(text), &r, err, sizeof err), 0);
	assert_string_equal(r.iso.cg2_ctrl, "cpu memory pids");
	assert_string_equal(r.iso.cg1_mem, "");
	assert_int_equal(r.iso.systemd, 1);
	assert_int_equal(r.iso.linger, 0);
	assert_string_equal(r.iso.kup, "yes");
	assert_string_equal(r.iso.user, "alice");
	assert_int_equal(isolate_choose(&r.iso), ISO_CGROUP2);
	probe_result_clear(&r);
	/* An older probe's answer: nothing, so nothing is used. */
	static const char old[] = "cpus 4\nmem_kb 1048576\ncgroup v2\ngpu_rc 127\ngpus\napps\nend\n";
	assert_int_equal(probe_parse(old, strlen(old), &r, err, sizeof err), 0);
	assert_int_equal(isolate_choose(&r.iso), ISO_NONE);
	probe_result_clear(&r);
	/* A hostile line fails the whole probe, with the key named. */
	static const char bad[] = "cpus 4\nmem_kb 1048576\niso_cg1_mem /home/x\nend\n";
	assert_int_equal(probe_parse(bad, strlen(bad), &r, err, sizeof err), -1);
	assert_non_null(strstr(err, "iso_cg1_mem"));
	probe_result_clear(&r);
}

static void t_parse_hostile(void **state)
{
	(void)state;
	static const char *refused[] = {
		"iso_cg1_mem /etc", "iso_cg1_mem /sys/fs/cgroupx", "iso_cg1_mem sys/fs/cgroup",
		"iso_cg1_mem /sys/fs/cgroup/../../etc", "iso_cg1_mem /sys/fs/cgroup/memory/..",
		"iso_cg1_cpu /sys/fs/cgroup/./cpu", "iso_cg2 /sys/fs/cgroup//x",
		"iso_cg2 /sys/fs/cgroup/a\tb", "iso_cg2 /sys/fs/cgroup/a\033[2J",
		"iso_cg2_ctrl memory;rm", "iso_cg2_ctrl Memory", "iso_cg2_ctrl $(id)",
		"iso_systemd 2", "iso_systemd ", "iso_systemd 11", "iso_logind yes",
		"iso_linger -1", "iso_kup maybe", "iso_kup YES", "iso_kup yes ",
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		struct iso_facts f = { 0 };
		if (kv(&f, refused[i]) != -1)
			fail_msg("accepted: %s", refused[i]);
	}
	char longp[400] = "iso_cg2 /sys/fs/cgroup/";
	memset(longp + strlen(longp), 'a', 300);
	struct iso_facts f = { 0 };
	assert_int_equal(kv(&f, longp), -1);
	/* Each key once. */
	memset(&f, 0, sizeof f);
	assert_int_equal(kv(&f, "iso_systemd 1"), 0);
	assert_int_equal(kv(&f, "iso_systemd 1"), -1);
	/* Good ones; a path with a space or a quote is fine (it is quoted). */
	memset(&f, 0, sizeof f);
	assert_int_equal(kv(&f, "iso_cg1_mem /sys/fs/cgroup/memory/it's a dir"), 0);
	assert_string_equal(f.cg1_mem, "/sys/fs/cgroup/memory/it's a dir");
	assert_int_equal(kv(&f, "iso_cg2 /sys/fs/cgroup"), 0);
	assert_int_equal(kv(&f, "iso_cg2_ctrl "), 0);
	assert_int_equal(kv(&f, "iso_kup "), 0);
	/* A user name we would not print is dropped, not fatal. */
	assert_int_equal(kv(&f, "iso_user $(reboot)"), 0);
	assert_string_equal(f.user, "");
	/* Not ours. */
	assert_int_equal(kv(&f, "iso_future 1"), 1);
	assert_int_equal(kv(&f, "cpus 4"), 1);
}

static void t_choose(void **state)
{
	(void)state;
	struct iso_facts f = { 0 };
	assert_int_equal(isolate_choose(NULL), ISO_NONE);
	assert_int_equal(isolate_choose(&f), ISO_NONE);
	strcpy(f.cg2, "/sys/fs/cgroup/unified");	/* v2 without memory: kill only */
	assert_int_equal(isolate_choose(&f), ISO_CGROUP2);
	strcpy(f.cg1_mem, "/sys/fs/cgroup/memory");	/* v1 can enforce --mem: before it */
	assert_int_equal(isolate_choose(&f), ISO_CGROUP1);
	f.systemd = 1;
	assert_int_equal(isolate_choose(&f), ISO_SYSTEMD);
	strcpy(f.cg2_ctrl, "cpu memorymax");	/* a word, not a substring */
	assert_int_equal(isolate_choose(&f), ISO_SYSTEMD);
	strcpy(f.cg2_ctrl, "cpu memory");
	assert_int_equal(isolate_choose(&f), ISO_CGROUP2);
	assert_string_equal(isolate_kind_name(ISO_CGROUP1), "cgroup1");
	assert_string_equal(isolate_kind_name(ISO_NONE), "none");
}

static void t_warning(void **state)
{
	(void)state;
	char w[400];
	struct iso_facts f = { .logind = 0 };
	strcpy(f.kup, "yes");
	assert_string_equal(isolate_warning(&f, w, sizeof w), "");	/* no logind */
	f.logind = 1;
	strcpy(f.user, "bob");
	isolate_warning(&f, w, sizeof w);
	assert_non_null(strstr(w, "KillUserProcesses=yes"));
	assert_non_null(strstr(w, "loginctl enable-linger bob"));
	f.systemd = 1;		/* jobs under the user manager: linger is what counts */
	isolate_warning(&f, w, sizeof w);
	assert_non_null(strstr(w, "loginctl enable-linger bob"));
	assert_null(strstr(w, "KillUserProcesses"));
	f.linger = 1;
	assert_string_equal(isolate_warning(&f, w, sizeof w), "");
	f.systemd = 0;
	strcpy(f.kup, "no");
	assert_string_equal(isolate_warning(&f, w, sizeof w), "");
	strcpy(f.kup, "yes");
	f.user[0] = '\0';
	isolate_warning(&f, w, sizeof w);
	assert_non_null(strstr(w, "enable-linger USER"));
}

static void t_escape_reason(void **state)
{
	(void)state;
	char w[300];
	assert_string_equal(isolate_escape_reason("cancelled", 1, w, sizeof w),
	    "cancelled; 1 process had left the job's process group (setsid, nohup or a double "
	    "fork) and was signalled through its HERD_JOB_KEY");
	isolate_escape_reason(NULL, 3, w, sizeof w);
	assert_true(strncmp(w, "3 processes had left", 20) == 0);
}

/* Run `text` under /bin/sh; its stdout into out. */
static int run_sh(const char *text, char *out, size_t outsz)
{
	char path[] = "/tmp/herd-test-iso-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "/bin/sh %s", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, outsz - 1, p);
	out[n] = '\0';
	int st = pclose(p);
	unlink(path);
	return st;
}

/* A hostile directory and key reach the shell byte-exact (shquote). */
static void t_enter_through_sh(void **state)
{
	(void)state;
	struct iso_facts f = { 0 };
	strcpy(f.cg1_mem, "/sys/fs/cgroup/memory/it's $(x) `y`");
	strcpy(f.cg1_cpu, "/sys/fs/cgroup/cpu/a\"b\\c");
	struct buf b;
	buf_init(&b, 1 << 16);
	/* mkdir a function: the test writes nowhere. */
	assert_int_equal(buf_addstr(&b, "mkdir() { printf 'mkdir %s|' \"$@\"; }\n"), 0);
	assert_int_equal(isolate_add_enter(&b, &f, "k'ey;1", 2, 300), 0);
	assert_int_equal(buf_addstr(&b, "printf '\\n%s\\n%s\\n' \"$__herd_c1\" \"$__herd_c2\"\n"), 0);
	char out[2048];
	assert_int_equal(run_sh(b.data, out, sizeof out), 0);
	assert_string_equal(out, "mkdir -p|mkdir /sys/fs/cgroup/memory/it's $(x) `y`/herd-k'ey;1|"
	    "mkdir /sys/fs/cgroup/cpu/a\"b\\c/herd-k'ey;1|\n"
	    "/sys/fs/cgroup/memory/it's $(x) `y`/herd-k'ey;1\n"
	    "/sys/fs/cgroup/cpu/a\"b\\c/herd-k'ey;1\n");
	assert_non_null(strstr(b.data, "echo 314572800 "));
	assert_non_null(strstr(b.data, "echo 200000 "));
	buf_clear(&b);
	/* systemd-run's words. */
	memset(&f, 0, sizeof f);
	f.systemd = 1;
	assert_int_equal(isolate_add_prefix(&b, &f, "c-1.0", 3, 512), 0);
	assert_string_equal(b.data, "systemd-run --user --scope --quiet --collect --unit=herd-'c-1.0'"
	    " -p MemoryMax=512M -p CPUQuota=300% -- ");
	buf_clear(&b);
	/* Nothing to enter, join or prefix where there is no cgroup. */
	memset(&f, 0, sizeof f);
	assert_int_equal(isolate_add_enter(&b, &f, "k", 1, 1), 0);
	assert_int_equal(isolate_add_join(&b, &f), 0);
	assert_int_equal(isolate_add_prefix(&b, &f, "k", 1, 1), 0);
	assert_int_equal(b.len, 0);
	buf_clear(&b);
}

/* $__herd_o from a cgroup's files as the kernel writes them (v1
 * memory.oom_control, v2 memory.events), hostile ones read as no kill. */
static void oom_of(const struct iso_facts *f, const char *file, const char *text,
    const char *want)
{
	char dir[] = "/tmp/herd-test-oom-XXXXXX", path[256], out[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	struct buf b;
	buf_init(&b, 1 << 16);
	assert_int_equal(buf_printf(&b, "__herd_c1='%s'\n", dir), 0);
	assert_int_equal(isolate_add_oom(&b, f), 0);
	assert_int_equal(buf_addstr(&b, "printf '[%s]' \"$__herd_o\"\n"), 0);
	assert_int_equal(run_sh(b.data, out, sizeof out), 0);
	if (strcmp(out, want) != 0)
		fail_msg("%s \"%s\": got %s, want %s", file, text, out, want);
	buf_clear(&b);
	unlink(path);
	rmdir(dir);
}

static void t_oom_count(void **state)
{
	(void)state;
	struct iso_facts v1 = { 0 }, v2 = { 0 }, none = { 0 };
	strcpy(v1.cg1_mem, "/sys/fs/cgroup/memory/x");
	strcpy(v2.cg2, "/sys/fs/cgroup/user.slice/x");
	strcpy(v2.cg2_ctrl, "cpu memory pids");
	oom_of(&v1, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "[2]");
	oom_of(&v1, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", "[]");
	oom_of(&v2, "memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n", "[1]");
	oom_of(&v2, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n", "[]");
	/* An older kernel's oom_control has no oom_kill line; the other file
	 * is not read. */
	oom_of(&v1, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n", "[]");
	oom_of(&v1, "memory.events", "oom_kill 3\n", "[]");
	/* Hostile text (the job's user can write nothing there, but a
	 * misconfigured hierarchy might hold anything): never run, never a count. */
	oom_of(&v2, "memory.events", "oom_kill $(echo 5)\noom_kill 1;id\noom_kill -1\n", "[]");
	oom_of(&v2, "memory.events", "oom_kill `id`\n", "[]");
	/* No cgroup: no count, nothing read. */
	oom_of(&none, "memory.events", "oom_kill 3\n", "[]");
	struct buf b;
	buf_init(&b, 1 << 12);
	assert_int_equal(isolate_add_oom(&b, &none), 0);
	assert_string_equal(b.data, "__herd_o=\n");
	buf_clear(&b);
}

/*
 * A job (its own process group) and a process that left it by setsid, both
 * carrying HERD_JOB_KEY: the kill program of a node without cgroups finds
 * both, says one escaped, and both end.
 */
static void t_marker_kill(void **state)
{
	(void)state;
	char dir[] = "/tmp/herd-test-isodir-XXXXXX", key[64], cmd[512], out[1024];
	assert_non_null(mkdtemp(dir));
	snprintf(key, sizeof key, "iso-%d.0", (int)getpid());
	pid_t job = fork();
	assert_true(job >= 0);
	if (job == 0) {
		setpgid(0, 0);
		setenv("HERD_JOB_KEY", key, 1);
		execl("/bin/sh", "sh", "-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & "
		    "exec sleep 300", (char *)NULL);
		_exit(127);
	}
	setpgid(job, job);
	usleep(300000);	/* the setsid'd sleep is started */
	snprintf(cmd, sizeof cmd, "mkdir -p %s/jobs && : >%s/jobs/%s.script && "
	    "printf 'gpus \\njob %d\\n' >%s/jobs/%s.state", dir, dir, key, (int)job, dir, key);
	assert_int_equal(system(cmd), 0);
	struct buf b;
	buf_init(&b, 1 << 16);
	struct job_key k;
	int64_t kid;
	int katt;
	assert_int_equal(job_key_parse(&k, key, "iso", &kid, &katt), 0);
	assert_int_equal(launch_kill_iso(&b, dir, &k, "KILL", NULL), 0);
	assert_int_equal(run_sh(b.data, out, sizeof out), 0);
	buf_clear(&b);
	char want[256];
	snprintf(want, sizeof want, "K %s escaped 1\nK %s killed\n", key, key);
	assert_string_equal(out, want);
	int st;
	assert_int_equal(waitpid(job, &st, 0), job);
	assert_true(WIFSIGNALED(st));
	/* The escaped sleep: no process carries the marker any more. */
	snprintf(cmd, sizeof cmd, "for i in $(seq 50); do grep -lzxF HERD_JOB_KEY=%s "
	    "/proc/[0-9]*/environ >/dev/null 2>&1 || exit 0; sleep 0.1; done; exit 1", key);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_parse_probe),
		cmocka_unit_test(t_parse_hostile),
		cmocka_unit_test(t_choose),
		cmocka_unit_test(t_warning),
		cmocka_unit_test(t_escape_reason),
		cmocka_unit_test(t_enter_through_sh),
		cmocka_unit_test(t_marker_kill),
		cmocka_unit_test(t_oom_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

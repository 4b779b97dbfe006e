/*
 * Unit tests for launch.c: the generated node-side programs are run by a
 * real /bin/sh (dash) in a scratch directory, so quoting, the launch token,
 * the runner, kill and reconcile are checked for what they really do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "housekeep.h"
#include "launch.h"
#include "util.h"

static char scratch[256];

static int setup(void **state)
{
	(void)state;
	strcpy(scratch, "/tmp/herd-test-launch-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

/* Run `prog` through /bin/sh -s; return its stdout (malloc'd). */
static char *run_sh(const char *prog, size_t len)
{
	char path[300], cmd[400];
	snprintf(path, sizeof path, "%s/prog.sh", scratch);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(prog, 1, len, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "/bin/sh -s < '%s'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct buf out;
	buf_init(&out, 1 << 20);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&out, chunk, n);
	pclose(p);
	return buf_detach(&out, NULL);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	struct buf b;
	buf_init(&b, 1 << 20);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, NULL);
}

/* Wait (bounded) until the state file holds a whole line starting with `word`. */
static int wait_state(const char *path, const char *word, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		char *c = slurp(path);
		char *p = c ? strstr(c, word) : NULL;
		int ok = p != NULL && (p == c || p[-1] == '\n') && strchr(p, '\n') != NULL;
		free(c);
		if (ok)
			return 0;
		usleep(10000);
	}
	return -1;
}

static const char hostile[] = "it's \"q\" $(touch /tmp/herd-launch-pwned) `id` ; a b\nc é 日本 \\ *";

/* A key from its text (as the tests spell them): the prefix is what comes
 * before the last '-'.  A ring of them, so a few may be live at once. */
static const struct job_key *K(const char *text)
{
	static struct job_key ring[8];
	static unsigned next;
	char prefix[JOB_KEY_MAX];
	int64_t id;
	int att;
	const char *dash = strrchr(text, '-');
	assert_non_null(dash);
	snprintf(prefix, sizeof prefix, "%.*s", (int)(dash - text), text);
	struct job_key *k = &ring[next++ % 8];
	assert_int_equal(job_key_parse(k, text, prefix, &id, &att), 0);
	return k;
}

/* job_key_make's text into key. */
static void key_text(char *key, size_t size, const char *prefix, int64_t id, int attempt)
{
	struct job_key k;
	assert_int_equal(job_key_make(&k, prefix, id, attempt), 0);
	snprintf(key, size, "%s", job_key_str(&k));
}

static void launch_runs_literally(void **state)
{
	(void)state;
	char herd_dir[300], workdir[600], out_path[700], key[JOB_KEY_MAX], err[HERD_ERRLEN];
	static const char script[] = "#!/bin/sh\nprintf '%s|%s|%s|%s|%s' \"$1\" \"$PWD\" "
	    "\"$HERD_JOB_NAME\" \"$CUDA_VISIBLE_DEVICES\" \"$MYVAR\"\n";
	char argv[sizeof hostile + 8], env[sizeof hostile + 64];
	size_t envlen;

	snprintf(herd_dir, sizeof herd_dir, "%s/herd", scratch);
	snprintf(workdir, sizeof workdir, "%s/%s", scratch, "w 'd\" $(x)\nz");
	assert_int_equal(mkdir(workdir, 0700), 0);
	snprintf(out_path, sizeof out_path, "%s/out", workdir);
	memcpy(argv, hostile, sizeof hostile);
	envlen = (size_t)snprintf(env, sizeof env, "MYVAR=%s", hostile) + 1;
	memcpy(env + envlen, "BAD-NAME=x", 11);
	envlen += 11;
	key_text(key, sizeof key, "t.abc", 42, 0);
	assert_string_equal(key, "t.abc-42.0");

	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K(key), .id = 42, .name = hostile, .node = "n1",
		.workdir = workdir, .out_path = out_path, .gpus = "0,3",
		.script = script, .script_len = sizeof script - 1,
		.argv = argv, .argv_len = sizeof hostile, .env = env, .env_len = envlen,
	};
	struct buf prog;
	buf_init(&prog, 1 << 20);
	assert_int_equal(launch_prelude(&prog, herd_dir), 0);
	assert_int_equal(launch_job(&prog, &s, err, sizeof err), 0);
	char *ans = run_sh(prog.data, prog.len);
	assert_non_null(strstr(ans, "P ok\n"));
	assert_non_null(strstr(ans, "L t.abc-42.0 launched "));
	free(ans);

	char exitp[600];
	snprintf(exitp, sizeof exitp, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(exitp, "exit ", 20000), 0);
	char *o = slurp(out_path);
	char want[1024];
	snprintf(want, sizeof want, "%s|%s|%s|0,3|%s", hostile, workdir, hostile, hostile);
	assert_non_null(o);
	assert_string_equal(o, want);
	free(o);
	assert_int_equal(access("/tmp/herd-launch-pwned", F_OK), -1);

	/* The token: launching the same key again starts nothing, and the
	 * node shell goes on reading commands afterwards. */
	buf_addstr(&prog, "echo alive\n");
	ans = run_sh(prog.data, prog.len);
	assert_non_null(strstr(ans, "L t.abc-42.0 exists\nalive\n"));
	free(ans);
	buf_reset(&prog);

	const struct job_key keys[] = { *K(key), *K("t.abc-43.0") };
	launch_reconcile(&prog, herd_dir, keys, 2);
	ans = run_sh(prog.data, prog.len);
	assert_null(strstr(ans, "sh:"));	/* no shell complaint in the answer */
	assert_non_null(strstr(ans, "R t.abc-42.0 exited 0 "));
	assert_non_null(strstr(ans, "R t.abc-43.0 none\n"));
	free(ans);

	char evp[400];
	snprintf(evp, sizeof evp, "%s/events", herd_dir);
	/* The state's "exit" line comes before the "end" event: wait for it. */
	assert_int_equal(wait_state(evp, "end t.abc-42.0 0", 20000), 0);
	char *ev = slurp(evp);
	assert_non_null(strstr(ev, "start t.abc-42.0 "));
	assert_non_null(strstr(ev, "end t.abc-42.0 0\n"));
	free(ev);
	buf_clear(&prog);
}

static void kill_reaches_the_whole_group(void **state)
{
	(void)state;
	char herd_dir[300], out_path[400], key[JOB_KEY_MAX], err[HERD_ERRLEN], pidp[600];
	static const char script[] = "sleep 30 & sleep 31; wait\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herd2", scratch);
	snprintf(out_path, sizeof out_path, "%s/out2", scratch);
	key_text(key, sizeof key, "t.abc", 7, 1);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K(key), .id = 7, .name = "k", .node = "n1",
		.workdir = scratch, .out_path = out_path, .gpus = "",
		.script = script, .script_len = sizeof script - 1,
		.argv = "", .argv_len = 0, .env = "", .env_len = 0,
	};
	struct buf prog;
	buf_init(&prog, 1 << 20);
	launch_prelude(&prog, herd_dir);
	launch_job(&prog, &s, err, sizeof err);
	free(run_sh(prog.data, prog.len));
	snprintf(pidp, sizeof pidp, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(pidp, "job ", 20000), 0);	/* the runner writes it */
	usleep(50000);
	char *pid = slurp(pidp);
	assert_non_null(pid);
	pid_t pgid = (pid_t)atoi(strstr(pid, "job ") + 4);	/* after the "gpus" line */
	free(pid);
	for (int i = 0; i < 1000 && kill(-pgid, 0) != 0; i++)
		usleep(10000);
	assert_int_equal(kill(-pgid, 0), 0);	/* the group exists */
	usleep(100000);	/* let the runner reach its trap and the job start */

	buf_reset(&prog);
	launch_kill(&prog, herd_dir, K(key), "TERM");
	char *ans = run_sh(prog.data, prog.len);
	assert_non_null(strstr(ans, "K t.abc-7.1 sent"));
	free(ans);
	char exitp[600];
	snprintf(exitp, sizeof exitp, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(exitp, "exit ", 20000), 0);
	char *rc = slurp(exitp);
	assert_non_null(strstr(rc, "\nexit 143\n"));	/* the runner outlived TERM to record it */
	free(rc);
	/* Every process of the group is gone (zombies reaped by init may linger). */
	for (int i = 0; i < 1000 && kill(-pgid, 0) == 0; i++)
		usleep(10000);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "ps -o stat= -g %d | grep -v Z | grep -q .", (int)pgid);
	assert_int_not_equal(system(cmd), 0);
	buf_clear(&prog);
}

/* A kill that arrives before the runner wrote the job's pid still stops it. */
static void cancel_before_the_pid_is_known(void **state)
{
	(void)state;
	char herd_dir[300], out_path[400], key[JOB_KEY_MAX], err[HERD_ERRLEN], exitp[600];
	static const char script[] = "sleep 30\necho survived\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herd4", scratch);
	snprintf(out_path, sizeof out_path, "%s/out4", scratch);
	key_text(key, sizeof key, "t", 11, 0);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K(key), .id = 11, .name = "c", .node = "n",
		.workdir = scratch, .out_path = out_path, .gpus = "",
		.script = script, .script_len = sizeof script - 1,
	};
	struct buf prog;
	buf_init(&prog, 1 << 20);
	launch_prelude(&prog, herd_dir);
	launch_job(&prog, &s, err, sizeof err);
	launch_kill(&prog, herd_dir, K(key), "TERM");
	char *ans = run_sh(prog.data, prog.len);
	assert_non_null(strstr(ans, "L t-11.0 launched"));
	/* sent, pending, or gone when the runner saw the cancel file first. */
	if (strstr(ans, "K t-11.0 ") == NULL)
		fail_msg("kill answered: %s", ans);
	free(ans);
	snprintf(exitp, sizeof exitp, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(exitp, "exit ", 20000), 0);	/* long before sleep 30 ends */
	char *o = slurp(out_path);
	assert_true(o == NULL || strstr(o, "survived") == NULL);
	free(o);
	buf_clear(&prog);
}

/* A launch that comes after a cancel (a late relaunch) starts nothing. */
static void launch_after_cancel_refused(void **state)
{
	(void)state;
	char herd_dir[300], out_path[400], key[JOB_KEY_MAX], err[HERD_ERRLEN];
	static const char script[] = "echo ran\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herd5", scratch);
	snprintf(out_path, sizeof out_path, "%s/out5", scratch);
	key_text(key, sizeof key, "t", 12, 0);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K(key), .id = 12, .name = "c", .node = "n",
		.workdir = scratch, .out_path = out_path, .gpus = "",
		.script = script, .script_len = sizeof script - 1,
	};
	struct buf prog;
	buf_init(&prog, 1 << 20);
	launch_prelude(&prog, herd_dir);
	launch_kill(&prog, herd_dir, K(key), "KILL");
	launch_job(&prog, &s, err, sizeof err);
	const struct job_key keys[] = { *K(key) };
	launch_reconcile(&prog, herd_dir, keys, 1);
	char *ans = run_sh(prog.data, prog.len);
	assert_non_null(strstr(ans, "K t-12.0 gone\n"));
	assert_non_null(strstr(ans, "L t-12.0 cancelled\n"));
	assert_non_null(strstr(ans, "R t-12.0 none\n"));
	free(ans);
	usleep(200000);
	assert_int_equal(access(out_path, F_OK), -1);
	buf_clear(&prog);
}

static void interpreter_from_shebang(void **state)
{
	(void)state;
	char herd_dir[300], out_path[400], key[JOB_KEY_MAX], err[HERD_ERRLEN];
	static const char script[] = "#!/bin/bash -e\necho \"$BASH_VERSION\" | cut -c1\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herd3", scratch);
	snprintf(out_path, sizeof out_path, "%s/out3", scratch);
	key_text(key, sizeof key, "t", 9, 0);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K(key), .id = 9, .name = "b", .node = "n",
		.workdir = scratch, .out_path = out_path, .gpus = "",
		.script = script, .script_len = sizeof script - 1,
	};
	struct buf prog;
	buf_init(&prog, 1 << 20);
	launch_prelude(&prog, herd_dir);
	launch_job(&prog, &s, err, sizeof err);
	free(run_sh(prog.data, prog.len));
	char exitp[600];
	snprintf(exitp, sizeof exitp, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(exitp, "exit ", 20000), 0);
	char *o = slurp(out_path);
	assert_non_null(o);
	assert_true(o[0] >= '4' && o[0] <= '9');	/* ran under bash, not dash */
	free(o);
	buf_clear(&prog);
}

static void nul_in_script_refused(void **state)
{
	(void)state;
	char err[HERD_ERRLEN];
	struct launch_spec s = { .herd_dir = ".herd", .key = K("k-1.0"), .id = 1, .name = "x",
	    .node = "n", .workdir = "/", .out_path = "/o", .gpus = "",
	    .script = "a\0b", .script_len = 3 };
	struct buf prog;
	buf_init(&prog, 1 << 20);
	assert_int_equal(launch_job(&prog, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));
	buf_clear(&prog);
}

/* Run one launch of `s` in the scratch dir; returns the shell's answer. */
static char *launch_once(const struct launch_spec *s)
{
	char err[HERD_ERRLEN];
	struct buf prog;
	buf_init(&prog, 1 << 20);
	assert_int_equal(launch_prelude(&prog, s->herd_dir), 0);
	assert_int_equal(launch_job(&prog, s, err, sizeof err), 0);
	char *ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	return ans;
}

/*
 * A job that cannot start (its directory, its output file) ends "failed"
 * with the step and the shell's message, on the event stream and in what
 * a reconcile answers; it never ran.
 */
static void launch_failures_reported(void **state)
{
	(void)state;
	char herd_dir[300], out_ok[400], out_bad[400], statep[600], evp[400];
	static const char script[] = "#!/bin/sh\necho ran\n";
	struct launch_spec s = {
		.node = "n1", .name = "f", .gpus = "", .script = script,
		.script_len = sizeof script - 1, .argv = "", .env = "",
	};
	snprintf(herd_dir, sizeof herd_dir, "%s/herdf", scratch);
	snprintf(out_ok, sizeof out_ok, "%s/ok.out", scratch);
	snprintf(out_bad, sizeof out_bad, "%s/nodir/x.out", scratch);
	snprintf(evp, sizeof evp, "%s/events", herd_dir);
	s.herd_dir = herd_dir;

	s.key = K("t.f-1.0");
	s.id = 1;
	s.workdir = "/nonexistent-herd-dir";
	s.out_path = out_ok;
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/t.f-1.0.state", herd_dir);
	assert_int_equal(wait_state(statep, "failed 1", 20000), 0);

	s.key = K("t.f-2.0");
	s.id = 2;
	s.workdir = scratch;
	s.out_path = out_bad;
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/t.f-2.0.state", herd_dir);
	assert_int_equal(wait_state(statep, "failed 1", 20000), 0);
	assert_int_equal(access(out_ok, F_OK), -1);	/* neither job ran */
	/* The state line comes before the event line: wait for the events too
	 * (read at once, the second was missing now and then under load). */
	assert_int_equal(wait_state(evp, "fail t.f-1.0 1 chdir ", 20000), 0);
	assert_int_equal(wait_state(evp, "fail t.f-2.0 1 stdout ", 20000), 0);

	char *ev = slurp(evp);
	assert_non_null(strstr(ev, "fail t.f-1.0 1 chdir "));
	assert_non_null(strstr(ev, "/nonexistent-herd-dir"));
	assert_non_null(strstr(ev, "fail t.f-2.0 1 stdout "));
	assert_null(strstr(ev, "start t.f-"));
	free(ev);

	const struct job_key keys[] = { *K("t.f-1.0"), *K("t.f-2.0") };
	struct buf prog;
	buf_init(&prog, 1 << 20);
	launch_reconcile(&prog, herd_dir, keys, 2);
	char *ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	char *l2 = strstr(ans, "R t.f-2.0 failed 1 ");
	assert_non_null(strstr(ans, "R t.f-1.0 failed 1 "));
	assert_non_null(l2);
	char *nl = strchr(l2, '\n');
	assert_non_null(nl);
	*nl = '\0';
	struct be_reply r;
	assert_int_equal(launch_parse_reply(l2, &r), 0);
	assert_string_equal(r.word, "failed");
	assert_int_equal(r.num, 1);
	assert_true(r.num2 > 0);
	assert_true(strncmp(r.rest, "stdout ", 7) == 0);
	assert_non_null(strstr(r.rest, "nodir"));
	free(ans);
}

/* The variables a Slurm script reads, with sbatch's meanings. */
static void job_sees_slurm_variables(void **state)
{
	(void)state;
	char herd_dir[300], out[400], statep[600];
	static const char script[] = "#!/bin/sh\nfor v in SLURM_CPUS_PER_TASK "
	    "SLURM_CPUS_ON_NODE SLURM_MEM_PER_NODE SLURM_NTASKS SLURM_NNODES SLURM_JOB_NODELIST "
	    "SLURM_JOB_GPUS SLURM_GPUS_ON_NODE SLURM_JOB_USER SLURM_SUBMIT_HOST SLURM_SUBMIT_DIR "
	    "HERD_CPUS HERD_NTASKS HERD_SUBMIT_DIR; do eval \"printf '%s=%s\\n' $v \\\"\\$$v\\\"\"; done\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herdv", scratch);
	snprintf(out, sizeof out, "%s/vars.out", scratch);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K("t.v-7.0"), .id = 7, .name = "v", .node = "n 1",
		.workdir = scratch, .out_path = out, .gpus = "1,3", .ngpus = 2, .cpus = 8,
		.ntasks = 4, .mem_mb = 2048, .user = "alice", .submit_dir = "/home/alice/proj x",
		.submit_host = "login1", .script = script, .script_len = sizeof script - 1,
		.argv = "", .env = "SLURM_NTASKS=99\0", .env_len = 16,
	};
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/t.v-7.0.state", herd_dir);
	assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
	char *o = slurp(out);
	assert_non_null(o);
	assert_string_equal(o, "SLURM_CPUS_PER_TASK=2\nSLURM_CPUS_ON_NODE=8\n"
	    "SLURM_MEM_PER_NODE=2048\nSLURM_NTASKS=4\nSLURM_NNODES=1\nSLURM_JOB_NODELIST=n 1\n"
	    "SLURM_JOB_GPUS=1,3\nSLURM_GPUS_ON_NODE=2\nSLURM_JOB_USER=alice\n"
	    "SLURM_SUBMIT_HOST=login1\nSLURM_SUBMIT_DIR=/home/alice/proj x\nHERD_CPUS=8\n"
	    "HERD_NTASKS=4\nHERD_SUBMIT_DIR=/home/alice/proj x\n");
	free(o);
}

/*
 * KEY.env (what a stream sources to enter the job): a new shell that
 * sources it has the job's variables, the submitter's hostile value
 * byte-exact (nothing of it runs), the working directory and the umask.
 */
static void env_file_enters_the_job(void **state)
{
	(void)state;
	char herd_dir[300], out[400], statep[600], cmd[2048], env[512], wd[300];
	static const char script[] = "#!/bin/sh\ntrue\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herde", scratch);
	snprintf(out, sizeof out, "%s/e.out", scratch);
	snprintf(wd, sizeof wd, "%s/wd x", scratch);
	mkdir(wd, 0700);
	size_t elen = (size_t)snprintf(env, sizeof env, "HOSTILE=%s", hostile) + 1;
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K("t.e-9.0"), .id = 9, .name = "e", .node = "n1",
		.workdir = wd, .out_path = out, .gpus = "2,5", .ngpus = 2, .cpus = 1, .ntasks = 1,
		.user = "alice", .submit_dir = "/s", .submit_host = "h", .script = script,
		.script_len = sizeof script - 1, .argv = "", .env = env, .env_len = elen,
		.umask = 027,
	};
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/t.e-9.0.state", herd_dir);
	assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
	snprintf(cmd, sizeof cmd, ". '%s/jobs/t.e-9.0.env'; printf '%%s|%%s|%%s|%%s|' "
	    "\"$CUDA_VISIBLE_DEVICES\" \"$HERD_JOB_ID\" \"$SLURM_JOB_ID\" \"$(pwd)\"; umask; "
	    "printf '%%s' \"$HOSTILE\"\n", herd_dir);
	char *o = run_sh(cmd, strlen(cmd));
	char want[1024];
	snprintf(want, sizeof want, "2,5|9|9|%s|0027\n%s", wd, hostile);
	assert_string_equal(o, want);
	free(o);
	assert_int_not_equal(access("/tmp/herd-launch-pwned", F_OK), 0);
}

/*
 * herd service --port: the runner picks a port no socket holds, the job
 * sees it as HERD_PORT and PORT, KEY.env has it, and the start event
 * carries it ("start KEY PID port N"); with a PATH that has no python3,
 * the /proc/net/tcp fallback picks one in 40000-59999.
 */
static void port_picked_and_reported(void **state)
{
	(void)state;
	static const char script[] = "#!/bin/sh\nprintf '%s %s\\n' \"$HERD_PORT\" \"$PORT\"\n";
	for (int nopy = 0; nopy < 2; nopy++) {
		char herd_dir[300], out[400], statep[600], ev[400], cmd[1024], envs[64];
		snprintf(herd_dir, sizeof herd_dir, "%s/herdp%d", scratch, nopy);
		snprintf(out, sizeof out, "%s/p%d.out", scratch, nopy);
		size_t elen = (size_t)snprintf(envs, sizeof envs, "PATH=%s",
		    nopy ? "/nonexistent" : "/usr/bin:/bin") + 1;
		struct launch_spec s = {
			.herd_dir = herd_dir, .key = K(nopy ? "t.p-12.0" : "t.p-11.0"), .id = 11 + nopy,
			.name = "p", .node = "n1", .workdir = scratch, .out_path = out, .gpus = "",
			.cpus = 1, .ntasks = 1, .user = "alice", .submit_dir = "/s", .submit_host = "h",
			.script = script, .script_len = sizeof script - 1, .argv = "", .env = envs,
			.env_len = elen, .umask = -1, .want_port = 1,
		};
		free(launch_once(&s));
		snprintf(statep, sizeof statep, "%s/jobs/t.p-%d.0.state", herd_dir, 11 + nopy);
		assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
		char *o = slurp(out);
		assert_non_null(o);
		int port = 0, port2 = -1;
		assert_int_equal(sscanf(o, "%d %d", &port, &port2), 2);
		assert_int_equal(port, port2);
		assert_true(port > 0 && port < 65536);
		if (nopy)
			assert_true(port >= 40000 && port < 60000);
		free(o);
		snprintf(ev, sizeof ev, "%s/events", herd_dir);
		char *e = slurp(ev);
		char want[128];
		snprintf(want, sizeof want, " port %d\n", port);
		assert_non_null(e);
		assert_non_null(strstr(e, want));
		free(e);
		snprintf(cmd, sizeof cmd, ". '%s/jobs/t.p-%d.0.env'; printf '%%s' \"$HERD_PORT\"",
		    herd_dir, 11 + nopy);
		o = run_sh(cmd, strlen(cmd));
		assert_int_equal(atoi(o), port);
		free(o);
	}
}

/* A task of an array: sbatch's SLURM_ARRAY_* and herd's, SLURM_JOB_ID its own;
 * a job outside an array gets none of them (even from the submitter's env,
 * which the export overrides only when it sets them). */
static void task_sees_array_variables(void **state)
{
	(void)state;
	char herd_dir[300], out[400], statep[600];
	static const char script[] = "#!/bin/sh\nfor v in SLURM_JOB_ID SLURM_ARRAY_JOB_ID "
	    "SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_MAX "
	    "SLURM_ARRAY_TASK_STEP HERD_ARRAY_JOB_ID HERD_ARRAY_TASK_ID HERD_ARRAY_TASK_COUNT "
	    "HERD_ARRAY_TASK_MIN HERD_ARRAY_TASK_MAX HERD_ARRAY_TASK_STEP; do "
	    "eval \"printf '%s=%s\\n' $v \\\"\\${$v-unset}\\\"\"; done\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herda", scratch);
	snprintf(out, sizeof out, "%s/avars.out", scratch);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K("t.a-130.0"), .id = 130, .name = "a", .node = "n1",
		.workdir = scratch, .out_path = out, .gpus = "", .cpus = 1, .user = "alice",
		.submit_dir = scratch, .submit_host = "h", .script = script,
		.script_len = sizeof script - 1, .argv = "", .env = "", .env_len = 0,
		.array_job_id = 123, .array_task_id = 20, .array_count = 8, .array_min = 0,
		.array_max = 70, .array_step = 10,
	};
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/t.a-130.0.state", herd_dir);
	assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
	char *o = slurp(out);
	assert_non_null(o);
	assert_string_equal(o, "SLURM_JOB_ID=130\nSLURM_ARRAY_JOB_ID=123\nSLURM_ARRAY_TASK_ID=20\n"
	    "SLURM_ARRAY_TASK_COUNT=8\nSLURM_ARRAY_TASK_MIN=0\nSLURM_ARRAY_TASK_MAX=70\n"
	    "SLURM_ARRAY_TASK_STEP=10\nHERD_ARRAY_JOB_ID=123\nHERD_ARRAY_TASK_ID=20\n"
	    "HERD_ARRAY_TASK_COUNT=8\nHERD_ARRAY_TASK_MIN=0\nHERD_ARRAY_TASK_MAX=70\n"
	    "HERD_ARRAY_TASK_STEP=10\n");
	free(o);

	/* Not in an array: none of them. */
	s.key = K("t.a-131.0");
	s.id = 131;
	s.array_job_id = 0;
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/t.a-131.0.state", herd_dir);
	assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
	o = slurp(out);
	assert_non_null(o);
	assert_non_null(strstr(o, "SLURM_JOB_ID=131\nSLURM_ARRAY_JOB_ID=unset\n"));
	assert_non_null(strstr(o, "HERD_ARRAY_TASK_STEP=unset\n"));
	free(o);
}

/* The start-up scan lists our keys from an id on, with the GPUs each got. */
static void scan_lists_keys_and_gpus(void **state)
{
	(void)state;
	char herd_dir[300], out[400], statep[600];
	static const char script[] = "#!/bin/sh\ntrue\n";
	snprintf(herd_dir, sizeof herd_dir, "%s/herds", scratch);
	snprintf(out, sizeof out, "%s/scan.out", scratch);
	struct launch_spec s = {
		.herd_dir = herd_dir, .name = "s", .node = "n1", .workdir = scratch,
		.out_path = out, .gpus = "2,5", .script = script, .script_len = sizeof script - 1,
		.argv = "", .env = "",
	};
	const char *keys[] = { "c.i-3.0", "c.i-10.1", "c.i-12.0", "other-50.0" };
	for (int i = 0; i < 4; i++) {
		s.key = K(keys[i]);
		free(launch_once(&s));
		snprintf(statep, sizeof statep, "%s/jobs/%s.state", herd_dir, keys[i]);
		assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
	}
	struct buf prog;
	buf_init(&prog, 1 << 16);
	assert_int_equal(launch_scan(&prog, herd_dir, "c.i", 10), 0);
	char *ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	assert_null(strstr(ans, "c.i-3.0"));	/* below the floor asked for */
	assert_null(strstr(ans, "other-"));	/* not ours */
	assert_non_null(strstr(ans, "S c.i-10.1 gpus 2,5\n"));
	assert_non_null(strstr(ans, "S c.i-12.0 gpus 2,5\n"));
	assert_non_null(strstr(ans, "S - done\n"));
	assert_null(strstr(ans, "sh:"));
	char *line = strstr(ans, "S c.i-12.0");
	*strchr(line, '\n') = '\0';
	struct be_reply r;
	assert_int_equal(launch_parse_reply(line, &r), 0);
	assert_int_equal(r.kind, 'S');
	assert_string_equal(r.key, "c.i-12.0");
	assert_string_equal(r.word, "gpus");
	assert_string_equal(r.rest, "2,5");
	free(ans);

	/* An empty jobs directory answers only the end. */
	buf_init(&prog, 1 << 16);
	assert_int_equal(launch_scan(&prog, herd_dir, "nobody", 0), 0);
	ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	assert_string_equal(ans, "S - done\n");
	free(ans);
}

static void parse_answers(void **state)
{
	(void)state;
	struct be_reply r;
	char l1[] = "L t.a-5.0 launched 1234";
	assert_int_equal(launch_parse_reply(l1, &r), 0);
	assert_int_equal(r.kind, 'L');
	assert_string_equal(r.key, "t.a-5.0");
	assert_int_equal(r.num, 1234);
	char l2[] = "R t.a-5.0 none";
	assert_int_equal(launch_parse_reply(l2, &r), 0);
	assert_int_equal(r.num, -1);
	char bad1[] = "X k w", bad2[] = "L", bad3[] = "L k launched 12x", bad4[] = "";
	assert_int_equal(launch_parse_reply(bad1, &r), -1);
	assert_int_equal(launch_parse_reply(bad2, &r), -1);
	assert_int_equal(launch_parse_reply(bad3, &r), -1);
	assert_int_equal(launch_parse_reply(bad4, &r), -1);
	char e1[] = "end t.a-5.0 143", e2[] = "start t.a-5.0", e3[] = "exit t.a-5.0 1",
	    e4[] = "end t.a-5.0 -1";
	assert_int_equal(launch_parse_event(e1, &r), 0);
	assert_int_equal(r.num, 143);
	assert_int_equal(launch_parse_event(e2, &r), -1);
	assert_int_equal(launch_parse_event(e3, &r), -1);
	assert_int_equal(launch_parse_event(e4, &r), -1);
	char f1[] = "fail t.a-5.0 2 stdout sh: 1: cannot create /x/y: Directory nonexistent";
	assert_int_equal(launch_parse_event(f1, &r), 0);
	assert_string_equal(r.word, "fail");
	assert_int_equal(r.num, 2);
	assert_string_equal(r.rest, "stdout sh: 1: cannot create /x/y: Directory nonexistent");
	char f2[] = "fail t.a-5.0", f3[] = "fail t.a-5.0 x chdir";
	assert_int_equal(launch_parse_event(f2, &r), -1);
	assert_int_equal(launch_parse_event(f3, &r), -1);
	/* A service's health check: its status and first line; hostile ones refused. */
	char h1[] = "health t.a-5.0 124 timed out after 10 s", h2[] = "health t.a-5.0 0";
	char h3[] = "health t.a-5.0", h4[] = "health t.a-5.0 -1 x", h5[] = "health t.a-5.0 1x y";
	assert_int_equal(launch_parse_event(h1, &r), 0);
	assert_string_equal(r.word, "health");
	assert_int_equal(r.num, 124);
	assert_string_equal(r.rest, "timed out after 10 s");
	assert_int_equal(launch_parse_event(h2, &r), 0);
	assert_string_equal(r.rest, "");
	assert_int_equal(launch_parse_event(h3, &r), -1);
	assert_int_equal(launch_parse_event(h4, &r), -1);
	assert_int_equal(launch_parse_event(h5, &r), -1);
	char r1[] = "R t.a-5.0 failed 1 1700000000 chdir can't cd to /x";
	assert_int_equal(launch_parse_reply(r1, &r), 0);
	assert_int_equal(r.num2, 1700000000);
	assert_string_equal(r.rest, "chdir can't cd to /x");
	char r2[] = "R t.a-5.0 failed 1 notatime chdir";
	assert_int_equal(launch_parse_reply(r2, &r), -1);

}

/* Decode a launch_tail answer into out; returns the end line's status. */
static int64_t tail_answer(char *ans, uint64_t reqid, struct buf *out, char *msg, size_t msgsz)
{
	char want[32], *save = NULL;
	int64_t rc = -2;
	snprintf(want, sizeof want, "%llu", (unsigned long long)reqid);
	for (char *l = strtok_r(ans, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct be_reply r;
		assert_int_equal(launch_parse_reply(l, &r), 0);
		assert_int_equal(r.kind, 'O');
		assert_string_equal(r.key, want);
		assert_int_equal(rc, -2);	/* nothing after the end line */
		if (strcmp(r.word, "data") == 0) {
			assert_true(r.ndata > 0);
			buf_add(out, r.data, (size_t)r.ndata);
		} else {
			rc = r.num;
			snprintf(msg, msgsz, "%s", r.rest);
		}
	}
	return rc;
}

/* Every byte value, a long line, a path sh would misread: byte-exact. */
static void tail_reads_bytes_exactly(void **state)
{
	(void)state;
	char path[400], msg[512];
	snprintf(path, sizeof path, "%s/o'u t$(touch x)\nname.out", scratch);
	struct buf file;
	buf_init(&file, 1 << 20);
	for (int i = 0; i < 256; i++)
		buf_addc(&file, (char)i);
	for (int i = 0; i < 5000; i++)
		buf_addc(&file, 'y');
	buf_addstr(&file, "\nO 1 end 0\n\0tail");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(file.data, 1, file.len, f);
	fclose(f);
	int64_t asks[] = { 1, 10, 300, (int64_t)file.len, 1 << 20 };
	for (size_t k = 0; k < sizeof asks / sizeof asks[0]; k++) {
		struct buf prog, got;
		buf_init(&prog, 1 << 16);
		buf_init(&got, 1 << 20);
		assert_int_equal(launch_tail(&prog, 77 + k, path, -1, asks[k]), 0);
		char *ans = run_sh(prog.data, prog.len);
		assert_int_equal(tail_answer(ans, 77 + k, &got, msg, sizeof msg), 0);
		size_t want = (size_t)asks[k] < file.len ? (size_t)asks[k] : file.len;
		assert_int_equal(got.len, want);
		assert_memory_equal(got.data, file.data + file.len - want, want);
		free(ans);
		buf_clear(&prog);
		buf_clear(&got);
	}
	/* From an offset (herd logs -f): windows that tile the file exactly, and
	 * nothing (not an error) at or past its end. */
	struct { int64_t off, n; } win[] = { { 0, 1 }, { 0, 100 }, { 255, 300 },
	    { 1000, 1 << 20 }, { (int64_t)file.len - 1, 5 }, { (int64_t)file.len, 5 },
	    { (int64_t)file.len + 9, 5 } };
	for (size_t k = 0; k < sizeof win / sizeof win[0]; k++) {
		struct buf prog, got;
		buf_init(&prog, 1 << 16);
		buf_init(&got, 1 << 20);
		assert_int_equal(launch_tail(&prog, 90 + k, path, win[k].off, win[k].n), 0);
		char *ans = run_sh(prog.data, prog.len);
		assert_int_equal(tail_answer(ans, 90 + k, &got, msg, sizeof msg), 0);
		size_t left = (size_t)win[k].off < file.len ? file.len - (size_t)win[k].off : 0;
		size_t want = (size_t)win[k].n < left ? (size_t)win[k].n : left;
		assert_int_equal(got.len, want);
		if (want > 0)
			assert_memory_equal(got.data, file.data + win[k].off, want);
		free(ans);
		buf_clear(&prog);
		buf_clear(&got);
	}
	char x[300];
	snprintf(x, sizeof x, "%s/x", scratch);
	assert_int_not_equal(access(x, F_OK), 0);
	buf_clear(&file);
}

/* What cannot be read answers one end line with the shell's reason. */
static void tail_refusals(void **state)
{
	(void)state;
	char path[400], msg[512];
	struct buf prog, got;
	const char *cases[][2] = {
		{ "no\nsuch file", "No such file" },
		{ "", "not a regular file" },	/* the directory itself */
		{ "secret", "Permission denied" },
	};
	for (size_t k = 0; k < 3; k++) {
		snprintf(path, sizeof path, "%s/%s", scratch, cases[k][0]);
		if (k == 2) {
			FILE *f = fopen(path, "w");
			assert_non_null(f);
			fputs("hidden\n", f);
			fclose(f);
			chmod(path, 0);
			if (geteuid() == 0)
				continue;	/* root reads it anyway */
		}
		buf_init(&prog, 1 << 16);
		buf_init(&got, 1 << 16);
		launch_tail(&prog, 5, path, -1, 100);
		char *ans = run_sh(prog.data, prog.len);
		assert_int_equal(tail_answer(ans, 5, &got, msg, sizeof msg), 1);
		assert_int_equal(got.len, 0);
		assert_non_null(strstr(msg, cases[k][1]));
		free(ans);
		buf_clear(&prog);
		buf_clear(&got);
	}
	/* From an offset (herd logs -f), no file is status 2, told apart. */
	snprintf(path, sizeof path, "%s/not yet", scratch);
	buf_init(&prog, 1 << 16);
	buf_init(&got, 1 << 16);
	launch_tail(&prog, 7, path, 0, 100);
	char *ans7 = run_sh(prog.data, prog.len);
	assert_int_equal(tail_answer(ans7, 7, &got, msg, sizeof msg), 2);
	assert_int_equal(got.len, 0);
	free(ans7);
	buf_clear(&prog);
	buf_clear(&got);
	snprintf(path, sizeof path, "%s/fifo", scratch);
	assert_int_equal(mkfifo(path, 0600), 0);
	buf_init(&prog, 1 << 16);
	buf_init(&got, 1 << 16);
	launch_tail(&prog, 6, path, -1, 100);
	char *ans = run_sh(prog.data, prog.len);	/* never blocks on the FIFO */
	assert_int_equal(tail_answer(ans, 6, &got, msg, sizeof msg), 1);
	assert_string_equal(msg, "not a regular file");
	free(ans);
	buf_clear(&prog);
	buf_clear(&got);
}

/* Hostile "O" lines: the parser takes only well-formed ones. */
static void parse_output_lines(void **state)
{
	(void)state;
	struct be_reply r;
	unsigned char b[LAUNCH_HEX_MAX / 2];
	char ok1[] = "O 12 data 00ff41", ok2[] = "O 12 end 0",
	    ok3[] = "O 12 end 1 sh: 3: cannot open /x: Permission denied";
	assert_int_equal(launch_parse_reply(ok1, &r), 0);
	assert_string_equal(r.key, "12");
	assert_string_equal(r.word, "data");
	assert_int_equal(r.ndata, 3);	/* decoded in the line */
	assert_int_equal(r.data[0], 0);
	assert_int_equal(r.data[1], 0xff);
	assert_int_equal(r.data[2], 'A');
	assert_int_equal(launch_parse_reply(ok2, &r), 0);
	assert_int_equal(r.num, 0);
	assert_int_equal(launch_parse_reply(ok3, &r), 0);
	assert_int_equal(r.num, 1);
	assert_string_equal(r.rest, "sh: 3: cannot open /x: Permission denied");
	char hex66[80] = "O 1 data ";
	for (int i = 0; i < 66; i++)
		strcat(hex66, "a");
	char *bad[] = {
		"O 12 data 4g", "O 12 data 414", "O 12 data 4A", "O 12 data", "O 12 data 41 42",
		"O 12 data -41", "O x12 data 41", "O -1 data 41", "O 12x data 41",
		"O 123456789012345678901 data 41", "O 12 what 41", "O 12 end", "O 12 end -1",
		"O 12 end x", "O", "O 12", hex66,
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char line[128];
		snprintf(line, sizeof line, "%s", bad[i]);
		if (launch_parse_reply(line, &r) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(launch_hex_decode("", b, sizeof b), -1);
	assert_int_equal(launch_hex_decode("4142", b, 1), -1);
}

/* Wait (bounded) for a file to exist. */
static int wait_file(const char *path, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * A job whose batch shell and child each write a mark when they get USR1
 * (the child's command has ") " in it, as /proc/PID/stat's parser must
 * skip).  Started in dir/name; returns its key in key.
 */
static void start_marking_job(const char *name, char *key, size_t keysz, char *herd_dir,
    size_t hdsz)
{
	static const char script[] = "trap 'echo shell >shell.mark' USR1\n"
	    "cp /bin/sh './a) b'\n"
	    "'./a) b' -c 'trap \"echo child >child.mark; exit 0\" USR1; "
	    "echo up >child.up; while :; do sleep 0.05; done' &\n"
	    "while :; do sleep 0.05; done\n";
	char wd[400], out[500], statep[700], up[500];
	snprintf(herd_dir, hdsz, "%s/herd-%s", scratch, name);
	snprintf(wd, sizeof wd, "%s/wd-%s", scratch, name);
	snprintf(out, sizeof out, "%s/out", wd);
	assert_int_equal(mkdir(wd, 0700), 0);
	key_text(key, keysz, "t.sig", 9, 1);
	struct launch_spec s = {
		.herd_dir = herd_dir, .key = K(key), .id = 9, .name = "sig", .node = "n1",
		.workdir = wd, .out_path = out, .gpus = "",
		.script = script, .script_len = sizeof script - 1,
		.argv = "", .argv_len = 0, .env = "", .env_len = 0, .umask = -1,
	};
	free(launch_once(&s));
	snprintf(statep, sizeof statep, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(statep, "job ", 20000), 0);
	snprintf(up, sizeof up, "%s/child.up", wd);
	assert_int_equal(wait_file(up, 20000), 0);
}

static char *signal_job(const char *herd_dir, const char *key, int batch_only)
{
	struct buf prog;
	buf_init(&prog, 1 << 20);
	assert_int_equal(launch_signal(&prog, herd_dir, K(key), "USR1", batch_only), 0);
	char *ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	return ans;
}

static void stop_job(const char *herd_dir, const char *key)
{
	char statep[700];
	struct buf prog;
	buf_init(&prog, 1 << 20);
	launch_kill(&prog, herd_dir, K(key), "KILL");
	free(run_sh(prog.data, prog.len));
	buf_clear(&prog);
	snprintf(statep, sizeof statep, "%s/jobs/%s.state", herd_dir, key);
	assert_int_equal(wait_state(statep, "exit ", 20000), 0);
}

/*
 * --signal: without B: every process of the job's group but the batch
 * shell (Slurm signals the steps, not the batch shell); with B: the batch
 * shell alone.  Neither leaves a cancel file, and a job that has ended
 * (or has no pid yet) answers gone (pending).
 */
static void signal_reaches_the_right_processes(void **state)
{
	(void)state;
	char herd_dir[300], key[JOB_KEY_MAX], mark[500], expect[200];

	start_marking_job("grp", key, sizeof key, herd_dir, sizeof herd_dir);
	char *ans = signal_job(herd_dir, key, 0);
	snprintf(expect, sizeof expect, "K %s signalled ", key);
	assert_non_null(strstr(ans, expect));
	assert_true(atoi(strstr(ans, expect) + strlen(expect)) >= 1);
	free(ans);
	snprintf(mark, sizeof mark, "%s/wd-grp/child.mark", scratch);
	assert_int_equal(wait_file(mark, 20000), 0);
	usleep(300000);		/* the shell's trap would have run by now */
	snprintf(mark, sizeof mark, "%s/wd-grp/shell.mark", scratch);
	assert_int_not_equal(access(mark, F_OK), 0);
	snprintf(mark, sizeof mark, "%s/jobs/%s.cancel", herd_dir, key);
	assert_int_not_equal(access(mark, F_OK), 0);
	stop_job(herd_dir, key);
	ans = signal_job(herd_dir, key, 0);
	snprintf(expect, sizeof expect, "K %s gone", key);
	assert_non_null(strstr(ans, expect));
	free(ans);

	start_marking_job("bat", key, sizeof key, herd_dir, sizeof herd_dir);
	ans = signal_job(herd_dir, key, 1);
	snprintf(expect, sizeof expect, "K %s signalled 1", key);
	assert_non_null(strstr(ans, expect));
	free(ans);
	snprintf(mark, sizeof mark, "%s/wd-bat/shell.mark", scratch);
	assert_int_equal(wait_file(mark, 20000), 0);
	usleep(300000);
	snprintf(mark, sizeof mark, "%s/wd-bat/child.mark", scratch);
	assert_int_not_equal(access(mark, F_OK), 0);
	stop_job(herd_dir, key);

	/* No state yet: nothing to signal, nothing recorded. */
	key_text(key, sizeof key, "t.sig", 10, 1);
	snprintf(mark, sizeof mark, "%s/jobs/%s.script", herd_dir, key);
	FILE *f = fopen(mark, "w");
	assert_non_null(f);
	fclose(f);
	ans = signal_job(herd_dir, key, 0);
	snprintf(expect, sizeof expect, "K %s pending", key);
	assert_non_null(strstr(ans, expect));
	free(ans);
}

/* The submitter's umask, on the output files and what the job makes, and
 * in SLURM_UMASK; none given (-1): the node shell's own. */
static void umask_applied(void **state)
{
	(void)state;
	static const char script[] = "echo \"$SLURM_UMASK $HERD_UMASK\"; touch made\n";
	static const struct { int umask; mode_t mode; const char *var; } cases[] = {
		{ 077, 0600, "0077 0077\n" }, { 022, 0644, "0022 0022\n" }, { 027, 0640, "0027 0027\n" },
		{ -1, 0606, "\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char herd_dir[300], wd[400], out[500], statep[700], made[500], key[JOB_KEY_MAX];
		struct stat st;
		snprintf(herd_dir, sizeof herd_dir, "%s/herd-um%zu", scratch, i);
		snprintf(wd, sizeof wd, "%s/um%zu", scratch, i);
		snprintf(out, sizeof out, "%s/out", wd);
		snprintf(made, sizeof made, "%s/made", wd);
		assert_int_equal(mkdir(wd, 0755), 0);
		key_text(key, sizeof key, "t.um", 11 + (int64_t)i, 1);
		struct launch_spec s = {
			.herd_dir = herd_dir, .key = K(key), .id = 11 + (int64_t)i, .name = "um",
			.node = "n1", .workdir = wd, .out_path = out, .gpus = "",
			.script = script, .script_len = sizeof script - 1,
			.argv = "", .env = "", .umask = cases[i].umask,
		};
		mode_t old = umask(cases[i].umask < 0 ? 071 : 0);	/* the "node's" own */
		free(launch_once(&s));
		umask(old);
		snprintf(statep, sizeof statep, "%s/jobs/%s.state", herd_dir, key);
		assert_int_equal(wait_state(statep, "exit 0", 20000), 0);
		assert_int_equal(stat(out, &st), 0);
		assert_int_equal(st.st_mode & 0777, cases[i].mode);
		assert_int_equal(stat(made, &st), 0);
		assert_int_equal(st.st_mode & 0777, cases[i].mode);
		char *o = slurp(out);
		assert_non_null(o);
		assert_string_equal(o, cases[i].umask < 0 ? " \n" : cases[i].var);
		free(o);
	}
}


/*
 * A job's GPUs are checked on the node before its command runs: each index
 * must still be the GPU of the UUID the controller chose (a real sh runs
 * the check against a stand-in nvidia-smi -L on PATH), or, for MIG devices
 * named by UUID, be listed.  A mismatch fails the launch as step "gpu"
 * with both UUIDs named, and the job never runs; a match records the
 * UUIDs in KEY.state.
 */
static void gpu_check_before_start(void **state)
{
	(void)state;
	char herd_dir[300], bin[300], smi[400], out[400], statep[600], evp[400];
	char path[4096], key[JOB_KEY_MAX], err[HERD_ERRLEN];
	static const char script[] = "#!/bin/sh\necho \"$CUDA_VISIBLE_DEVICES|$HERD_GPU_UUIDS\"\n";
	static const struct {
		const char *gpus, *uuids, *want;	/* want: "exit 0" or the failure */
	} cases[] = {
		{ "0,3", "GPU-aaaa-0,GPU-dddd-3", "exit 0" },
		/* Renumbered since the probe: index 3 is another GPU now. */
		{ "3", "GPU-cccc-2", "GPU 3 is GPU-dddd-3, expected GPU-cccc-2" },
		/* An index nvidia-smi no longer lists (a GPU fell off the bus). */
		{ "7", "GPU-hhhh-7", "GPU 7 is none, expected GPU-hhhh-7" },
		{ "MIG-1g-b", "MIG-1g-b", "exit 0" },
		{ "MIG-gone", "MIG-gone", "MIG device MIG-gone is not listed" },
		/* A prefix of a listed UUID is not that UUID. */
		{ "0", "GPU-aaaa", "GPU 0 is GPU-aaaa-0, expected GPU-aaaa " },
	};
	const char *old = getenv("PATH");

	snprintf(herd_dir, sizeof herd_dir, "%s/herdg", scratch);
	snprintf(bin, sizeof bin, "%s/gbin", scratch);
	snprintf(smi, sizeof smi, "%s/nvidia-smi", bin);
	snprintf(evp, sizeof evp, "%s/events", herd_dir);
	assert_int_equal(mkdir(bin, 0700), 0);
	FILE *f = fopen(smi, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\n[ \"$1\" = -L ] || exit 2\n"
	    "echo 'GPU 0: NVIDIA H100 (UUID: GPU-aaaa-0)'\n"
	    "echo '  MIG 1g.10gb     Device  0: (UUID: MIG-1g-a)'\n"
	    "echo '  MIG 1g.10gb     Device  1: (UUID: MIG-1g-b)'\n"
	    "echo 'GPU 2: NVIDIA H100 (UUID: GPU-cccc-2)'\n"
	    "echo 'GPU 3: NVIDIA H100 (UUID: GPU-dddd-3)'\n", f);
	fclose(f);
	assert_int_equal(chmod(smi, 0755), 0);
	snprintf(path, sizeof path, "%s:%s", bin, old ? old : "/usr/bin:/bin");
	char *saved = xstrdup(old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		key_text(key, sizeof key, "t.g", 1 + (int64_t)i, 0);
		snprintf(out, sizeof out, "%s/g%zu.out", scratch, i);
		struct launch_spec s = {
			.herd_dir = herd_dir, .key = K(key), .id = 1 + (int64_t)i, .name = "g",
			.node = "n1", .workdir = scratch, .out_path = out, .gpus = cases[i].gpus,
			.gpu_uuids = cases[i].uuids, .ngpus = 1, .script = script,
			.script_len = sizeof script - 1, .argv = "", .env = "PATH=/nowhere", .env_len = 14,
			.umask = -1,
		};
		struct buf prog;
		buf_init(&prog, 1 << 20);
		assert_int_equal(launch_prelude(&prog, herd_dir), 0);
		assert_int_equal(launch_job(&prog, &s, err, sizeof err), 0);
		free(run_sh(prog.data, prog.len));
		buf_clear(&prog);
		snprintf(statep, sizeof statep, "%s/jobs/%s.state", herd_dir, key);
		int ok = strcmp(cases[i].want, "exit 0") == 0;
		if (wait_state(statep, ok ? "exit 0" : "failed 1", 20000) != 0) {
			char *d1 = slurp(statep), *d2 = slurp(evp);
			fail_msg("case %zu: state \"%s\", events \"%s\"", i, d1 ? d1 : "", d2 ? d2 : "");
		}
		char line[512];
		snprintf(line, sizeof line, "%s %s ", ok ? "end" : "fail", key);
		assert_int_equal(wait_state(evp, line, 20000), 0);	/* after the state's */
		char *st = slurp(statep), *o = slurp(out), *ev = slurp(evp);
		if (ok) {
			snprintf(line, sizeof line, "gpus %s %s\n", cases[i].gpus, cases[i].uuids);
			assert_non_null(strstr(st, line));
			snprintf(line, sizeof line, "%s|%s\n", cases[i].gpus, cases[i].uuids);
			assert_string_equal(o, line);
		} else {
			assert_true(o == NULL || o[0] == '\0');	/* it never ran */
			snprintf(line, sizeof line, "fail %s 1 gpu %s", key, cases[i].want);
			assert_non_null(strstr(ev, line));
		}
		free(st);
		free(o);
		free(ev);
	}
	setenv("PATH", saved, 1);
	free(saved);

	/* Lists the controller got wrong are refused here, before anything is sent. */
	struct launch_spec bad = { .herd_dir = herd_dir, .key = K("t.g-99.0"), .id = 99,
	    .workdir = scratch, .out_path = out, .gpus = "0,1", .gpu_uuids = "GPU-a",
	    .script = script, .script_len = sizeof script - 1, .argv = "", .env = "" };
	struct buf prog;
	buf_init(&prog, 1 << 20);
	assert_int_equal(launch_job(&prog, &bad, err, sizeof err), -1);
	assert_int_equal(prog.len, 0);
	bad.gpus = "0";
	bad.gpu_uuids = "GPU-a;touch /tmp/x";
	assert_int_equal(launch_job(&prog, &bad, err, sizeof err), -1);
	assert_int_equal(prog.len, 0);
	buf_clear(&prog);
}
static void put(const char *dir, const char *name, const char *text)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int exists(const char *dir, const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/*
 * Housekeeping (housekeep.c) through a real /bin/sh: only keys of ours
 * whose runner recorded its end are listed; the events file is rotated
 * past the bound and only then; removal takes every file of the keys
 * named and nothing else, a hostile directory name included.
 */
static void housekeep_lists_rotates_removes(void **state)
{
	(void)state;
	char herd_dir[400], jobs[450];
	snprintf(herd_dir, sizeof herd_dir, "%s/hk %s", scratch, "it's $(x)");
	snprintf(jobs, sizeof jobs, "%s/jobs", herd_dir);
	assert_int_equal(mkdir(herd_dir, 0700), 0);
	assert_int_equal(mkdir(jobs, 0700), 0);
	put(jobs, "c.i-1.0.state", "gpus 0\njob 123\nexit 0\n");
	put(jobs, "c.i-1.0.script", "#!/bin/sh\n");
	put(jobs, "c.i-1.0.err", "x\n");
	put(jobs, "c.i-1.0.cancel", "");
	put(jobs, "c.i-2.0.state", "gpus 0\njob 124\n");	/* running */
	put(jobs, "c.i-2.0.script", "#!/bin/sh\n");
	put(jobs, "c.i-3.1.state", "failed 1\n");
	put(jobs, "other-4.0.state", "exit 0\n");	/* not ours */
	put(jobs, "c.i-5.0.state", "exit 0");		/* no newline yet: not over */
	put(herd_dir, "events", "start c.i-1.0 123\nend c.i-1.0 0\n");

	struct buf prog;
	buf_init(&prog, 1 << 16);
	assert_int_equal(housekeep_list(&prog, herd_dir, "c.i", 1000), 0);
	char *ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	assert_string_equal(ans, "C c.i-1.0 ended\nC c.i-3.1 ended\nC - done\n");
	free(ans);
	assert_false(exists(herd_dir, "events.1"));

	buf_init(&prog, 1 << 16);
	assert_int_equal(housekeep_list(&prog, herd_dir, "c.i", 10), 0);
	ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	assert_non_null(strstr(ans, "C - rotated\nC - done\n"));
	free(ans);
	assert_true(exists(herd_dir, "events.1"));
	assert_true(exists(herd_dir, "events"));	/* a new, empty one for the runners */

	const struct job_key keys[] = { *K("c.i-1.0"), *K("c.i-3.1") };
	static const char *const ssh_files[] = { "c.i-1.0.sshd_config", "c.i-1.0.ssh_host_ed25519_key",
	    "c.i-1.0.ssh_host_ed25519_key.pub", "c.i-1.0.ssh_authorized_keys", "c.i-1.0.ssh_rc" };
	for (size_t i = 0; i < sizeof ssh_files / sizeof ssh_files[0]; i++)
		put(jobs, ssh_files[i], "x\n");	/* herd ssh-config's */
	put(jobs, "c.i-1.0.health", "x\n");	/* a service's health check's output */
	buf_init(&prog, 1 << 16);
	assert_int_equal(housekeep_remove(&prog, herd_dir, keys, 2), 0);
	ans = run_sh(prog.data, prog.len);
	buf_clear(&prog);
	assert_string_equal(ans, "");
	free(ans);
	assert_false(exists(jobs, "c.i-1.0.state"));
	assert_false(exists(jobs, "c.i-1.0.script"));
	assert_false(exists(jobs, "c.i-1.0.err"));
	assert_false(exists(jobs, "c.i-1.0.cancel"));
	assert_false(exists(jobs, "c.i-1.0.health"));
	for (size_t i = 0; i < sizeof ssh_files / sizeof ssh_files[0]; i++)
		assert_false(exists(jobs, ssh_files[i]));
	assert_false(exists(jobs, "c.i-3.1.state"));
	assert_true(exists(jobs, "c.i-2.0.state"));
	assert_true(exists(jobs, "c.i-2.0.script"));
	assert_true(exists(jobs, "other-4.0.state"));

	/* Its answers parse; hostile ones do not, or carry no more than a word. */
	struct be_reply r;
	char l1[] = "C c.i-1.0 ended", l2[] = "C - rotated", b1[] = "C", b2[] = "C c.i-1.0",
	    b3[] = "CC x y", b4[] = "C x y notanumber";
	assert_int_equal(launch_parse_reply(l1, &r), 0);
	assert_int_equal(r.kind, 'C');
	assert_string_equal(r.key, "c.i-1.0");
	assert_string_equal(r.word, "ended");
	assert_int_equal(launch_parse_reply(l2, &r), 0);
	assert_string_equal(r.key, "-");
	assert_string_equal(r.word, "rotated");
	assert_int_equal(launch_parse_reply(b1, &r), -1);
	assert_int_equal(launch_parse_reply(b2, &r), -1);
	assert_int_equal(launch_parse_reply(b3, &r), -1);
	assert_int_equal(launch_parse_reply(b4, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(launch_runs_literally),
		cmocka_unit_test(kill_reaches_the_whole_group),
		cmocka_unit_test(cancel_before_the_pid_is_known),
		cmocka_unit_test(launch_after_cancel_refused),
		cmocka_unit_test(interpreter_from_shebang),
		cmocka_unit_test(nul_in_script_refused),
		cmocka_unit_test(launch_failures_reported),
		cmocka_unit_test(job_sees_slurm_variables),
		cmocka_unit_test(env_file_enters_the_job),
		cmocka_unit_test(port_picked_and_reported),
		cmocka_unit_test(task_sees_array_variables),
		cmocka_unit_test(scan_lists_keys_and_gpus),
		cmocka_unit_test(parse_answers),
		cmocka_unit_test(tail_reads_bytes_exactly),
		cmocka_unit_test(tail_refusals),
		cmocka_unit_test(parse_output_lines),
		cmocka_unit_test(signal_reaches_the_right_processes),
		cmocka_unit_test(umask_applied),
		cmocka_unit_test(gpu_check_before_start),
		cmocka_unit_test(housekeep_lists_rotates_removes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_stream_node.c — the node side of a stream, run by a real /bin/sh in
 * a private directory standing for a node's herd_dir: hostile program
 * words reach the program byte-exact (nothing of them runs), the script
 * sources KEY.env and removes itself, announces its pid first, and a job
 * without files is answered "nojob".  Bad nonces, pids, signal names and
 * statuses are refused; the header parser takes only "herd-stream PID".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "jobkey.h"
#include "stream_node.h"
#include "util.h"

static char dir[64];

/* Run `prog` with sh -s (stdin) or as `sh -c CMD`; stdout into out. */
static int run(const char *cmd, const char *stdin_text, struct buf *out)
{
	char path[128], line[4096];
	snprintf(path, sizeof path, "%s/in", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(stdin_text ? stdin_text : "", f);
	fclose(f);
	struct buf c;
	buf_init(&c, 1 << 20);
	buf_printf(&c, "cd %s && HOME=%s /bin/sh -c '%s' <in", dir, dir, cmd);
	FILE *p = popen(c.data, "r");
	assert_non_null(p);
	size_t n;
	while ((n = fread(line, 1, sizeof line, p)) > 0)
		buf_add(out, line, n);
	buf_clear(&c);
	return pclose(p);
}

static void enter_and_run(void **state)
{
	(void)state;
	struct job_key k;
	struct buf prog, cmd, out;
	static const char argv[] = "printf\0%s|\0a b\0$(touch pwned)\0'q'\0\n\0";
	char mk[300];
	assert_int_equal(job_key_make(&k, "lab.1", 42, 0), 0);
	snprintf(mk, sizeof mk, "mkdir -p %s/h/jobs", dir);
	assert_int_equal(system(mk), 0);

	buf_init(&prog, 1 << 20);
	buf_init(&out, 1 << 20);
	/* No job files: nojob. */
	assert_int_equal(stream_node_setup(&prog, "h", &k, "00ff", argv, sizeof argv - 1), 0);
	run("exec /bin/sh -s", prog.data, &out);
	assert_string_equal(out.data, "herd-stream nojob\n");

	snprintf(mk, sizeof mk, "%s/h/jobs/%s.script", dir, job_key_str(&k));
	FILE *f = fopen(mk, "w");
	fclose(f);
	snprintf(mk, sizeof mk, "%s/h/jobs/%s.env", dir, job_key_str(&k));
	f = fopen(mk, "w");
	fputs("export HERD_JOB_ID=42\n", f);
	fclose(f);
	buf_reset(&out);
	run("exec /bin/sh -s", prog.data, &out);
	assert_string_equal(out.data, "herd-stream ready\n");

	buf_init(&cmd, 8192);
	assert_int_equal(stream_node_command(&cmd, "h", &k, "00ff"), 0);
	buf_reset(&out);
	run(cmd.data, NULL, &out);
	/* The pid line, then the words as printf got them. */
	int pid;
	char *nl = strchr(out.data, '\n');
	assert_non_null(nl);
	assert_int_equal(stream_node_parse_header(out.data, (size_t)(nl - out.data), &pid), 0);
	assert_string_equal(nl + 1, "a b|$(touch pwned)|'q'|\n|");
	snprintf(mk, sizeof mk, "%s/pwned", dir);
	assert_int_not_equal(access(mk, F_OK), 0);
	/* The script removed itself. */
	snprintf(mk, sizeof mk, "%s/h/jobs/%s.stream-00ff", dir, job_key_str(&k));
	assert_int_not_equal(access(mk, F_OK), 0);

	/* A login shell reads KEY.env too. */
	buf_reset(&prog);
	assert_int_equal(stream_node_setup(&prog, "h", &k, "01", NULL, 0), 0);
	buf_reset(&out);
	run("exec /bin/sh -s", prog.data, &out);
	buf_reset(&cmd);
	assert_int_equal(stream_node_command(&cmd, "h", &k, "01"), 0);
	buf_reset(&out);
	char shcmd[512];
	snprintf(shcmd, sizeof shcmd, "SHELL=/bin/sh %s", cmd.data);
	run(shcmd, "echo \"id=$HERD_JOB_ID\"\n", &out);
	nl = strchr(out.data, '\n');
	assert_non_null(nl);
	assert_string_equal(nl + 1, "id=42\n");

	/* The release a holder waits for. */
	buf_reset(&cmd);
	assert_int_equal(stream_node_release(&cmd, "h", &k, 3), 0);
	buf_reset(&out);
	run(cmd.data, NULL, &out);
	snprintf(mk, sizeof mk, "%s/h/jobs/%s.release", dir, job_key_str(&k));
	f = fopen(mk, "r");
	assert_non_null(f);
	char got[16] = "";
	assert_non_null(fgets(got, sizeof got, f));
	fclose(f);
	assert_string_equal(got, "3\n");
	/* The holder (a herd run job's script) exits with it; the stream's
	 * setup left KEY.attached. */
	snprintf(mk, sizeof mk, "%s/h/jobs/%s.attached", dir, job_key_str(&k));
	assert_int_equal(access(mk, F_OK), 0);
	snprintf(mk, sizeof mk, "%s/h/jobs/%s.script", dir, job_key_str(&k));
	f = fopen(mk, "w");
	fputs(stream_node_holder(), f);
	fclose(f);
	char hold[600];
	snprintf(hold, sizeof hold, "/bin/sh %s", mk);
	int st = system(hold);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 3);
	buf_clear(&prog);
	buf_clear(&cmd);
	buf_clear(&out);
}

static void refusals(void **state)
{
	(void)state;
	struct job_key k, empty = { "" };
	struct buf b;
	int pid = 0;
	assert_int_equal(job_key_make(&k, "lab.1", 42, 0), 0);
	buf_init(&b, 1 << 16);
	assert_int_equal(stream_node_setup(&b, "h", &k, "", "x", 2), -1);
	assert_int_equal(stream_node_setup(&b, "h", &k, "00FF", "x", 2), -1);
	assert_int_equal(stream_node_setup(&b, "h", &k, "0;rm", "x", 2), -1);
	assert_int_equal(stream_node_setup(&b, "h", &empty, "00", "x", 2), -1);
	assert_int_equal(stream_node_command(&b, "h", &k, "../x"), -1);
	assert_int_equal(stream_node_kill(&b, 1, "INT"), -1);
	assert_int_equal(stream_node_kill(&b, 0, "INT"), -1);
	assert_int_equal(stream_node_kill(&b, 100, "INT;rm"), -1);
	assert_int_equal(stream_node_kill(&b, 100, ""), -1);
	assert_int_equal(stream_node_release(&b, "h", &k, 256), -1);
	assert_int_equal(stream_node_release(&b, "h", &k, -1), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(stream_node_kill(&b, 100, "INT"), 0);
	assert_string_equal(b.data, "kill -s INT -- -100 2>/dev/null || kill -s INT 100");
	static const char *bad[] = { "herd-stream", "herd-stream ", "herd-stream 0", "herd-stream 1",
	    "herd-stream 012", "herd-stream 12 ", "herd-stream -5", "herd-stream 1234567890",
	    "herd-streamx 12", "HERD-STREAM 12", "herd-stream 1\n" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(stream_node_parse_header(bad[i], strlen(bad[i]), &pid), -1);
	assert_int_equal(stream_node_parse_header("herd-stream 4242", 16, &pid), 0);
	assert_int_equal(pid, 4242);
	buf_clear(&b);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/herd-stream-node.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	char rm[128];
	(void)state;
	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	return system(rm) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(enter_and_run),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

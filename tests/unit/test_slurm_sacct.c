/*
 * Unit tests for slurm_sacct.c: sacct's -o parser (Slurm's names, any
 * case, %WIDTH, hostile text), each field's text from a job frame
 * (pending, running, ended, an array task), and the layouts (fixed with
 * sacct's widths and '+' cut, -p, -P).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"
#include "slurm_sacct.h"

static void parse(void **state)
{
	(void)state;
	struct sacct_format f;
	char err[512];
	assert_int_equal(sacct_parse_format(SACCT_DEFAULT_FORMAT, &f, err, sizeof err), 0);
	assert_int_equal(f.n, 7);
	assert_string_equal(sacct_field_name(f.f[0].kind), "JobID");
	assert_int_equal(f.f[0].width, 12);
	assert_true(f.f[0].left);
	assert_string_equal(sacct_field_name(f.f[6].kind), "ExitCode");
	assert_int_equal(f.f[6].width, 8);
	assert_false(f.f[6].left);
	/* Any case, blanks or commas, widths, a '-' to the left. */
	assert_int_equal(sacct_parse_format(" state%20 jobname%-30,,ALLOCTRES ", &f, err, sizeof err), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(sacct_field_name(f.f[0].kind), "State");
	assert_int_equal(f.f[0].width, 20);
	assert_false(f.f[0].left);
	assert_int_equal(f.f[1].width, 30);
	assert_true(f.f[1].left);
	assert_string_equal(sacct_field_name(f.f[2].kind), "AllocTRES");
	/* Hostile: unknown names, bad widths, empty, too long, too many. */
	assert_int_equal(sacct_parse_format("JobID,Bogus", &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid field \"Bogus\""));
	assert_non_null(strstr(err, "JobID"));
	assert_int_equal(sacct_parse_format("State%", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("State%0", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("State%-", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("State%99999999999999999999", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("State%1025", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("State%12x", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("%12", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format(" , ", &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format(NULL, &f, err, sizeof err), -1);
	assert_int_equal(sacct_parse_format("Job\033[2JID", &f, err, sizeof err), -1);
	assert_null(strchr(err, '\033'));
	char lng[2000];
	memset(lng, 'a', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	assert_int_equal(sacct_parse_format(lng, &f, err, sizeof err), -1);
	char many[1000] = "";
	for (int i = 0; i < 40; i++)
		strcat(many, "State,");
	assert_int_equal(sacct_parse_format(many, &f, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than"));
	char tiny[8];
	assert_int_equal(sacct_parse_format("Nope", &f, tiny, sizeof tiny), -1);
}

static const char *val(const char *field, const struct msg *m)
{
	static char buf[512];
	struct sacct_format f;
	char err[512];
	assert_int_equal(sacct_parse_format(field, &f, err, sizeof err), 0);
	return sacct_value(f.f[0].kind, m, 1000, buf, sizeof buf);
}

static void values(void **state)
{
	(void)state;
	struct msg m;
	/* A pending job: no start, no node, no exit. */
	msg_init(&m, "job");
	msg_addi(&m, "id", 42);
	msg_adds(&m, "name", "train");
	msg_adds(&m, "state", "PENDING");
	msg_addi(&m, "cpus", 4);
	msg_addi(&m, "ngpus", 2);
	msg_addi(&m, "mem_mb", 8000);
	msg_addi(&m, "exit_code", -1);
	assert_string_equal(val("JobID", &m), "42");
	assert_string_equal(val("JobIDRaw", &m), "42");
	assert_string_equal(val("State", &m), "PENDING");
	assert_string_equal(val("ExitCode", &m), "0:0");
	assert_string_equal(val("Start", &m), "Unknown");
	assert_string_equal(val("End", &m), "Unknown");
	assert_string_equal(val("NodeList", &m), "None assigned");
	assert_string_equal(val("AllocCPUS", &m), "0");
	assert_string_equal(val("NCPUS", &m), "4");
	assert_string_equal(val("AllocTRES", &m), "");
	assert_string_equal(val("ReqTRES", &m), "cpu=4,gres/gpu=2,mem=8000M,node=1");
	assert_string_equal(val("Elapsed", &m), "00:00:00");
	assert_string_equal(val("Timelimit", &m), "UNLIMITED");
	assert_string_equal(val("Account", &m), "");
	msg_clear(&m);
	/* An array task that ran 90 s on node1 and was killed by SIGKILL. */
	msg_init(&m, "job");
	msg_addi(&m, "id", 50);
	msg_addi(&m, "array_job_id", 47);
	msg_addi(&m, "array_task_id", 3);
	msg_adds(&m, "state", "FAILED");
	msg_adds(&m, "node", "node1");
	msg_adds(&m, "user", "ann\033[2J");
	msg_addi(&m, "cpus", 1);
	msg_addi(&m, "start_time", 100);
	msg_addi(&m, "end_time", 190);
	msg_addi(&m, "exit_code", 137);
	msg_addi(&m, "time_limit", 3600);
	assert_string_equal(val("JobID", &m), "47_3");
	assert_string_equal(val("JobIDRaw", &m), "50");
	assert_string_equal(val("ExitCode", &m), "0:9");
	assert_string_equal(val("Elapsed", &m), "00:01:30");
	assert_string_equal(val("ElapsedRaw", &m), "90");
	assert_string_equal(val("NodeList", &m), "node1");
	assert_string_equal(val("AllocTRES", &m), "cpu=1,mem=0M,node=1");
	assert_string_equal(val("Timelimit", &m), "01:00:00");
	assert_null(strchr(val("User", &m), '\033'));
	assert_string_not_equal(val("Start", &m), "Unknown");
	msg_clear(&m);
	/* Running: elapsed to now (1000), End Unknown. */
	msg_init(&m, "job");
	msg_addi(&m, "start_time", 400);
	assert_string_equal(val("Elapsed", &m), "00:10:00");
	assert_string_equal(val("End", &m), "Unknown");
	assert_string_equal(val("State", &m), "UNKNOWN");	/* none sent */
	msg_clear(&m);
}

static void layouts(void **state)
{
	(void)state;
	struct sacct_format f;
	char err[256], line[512];
	assert_int_equal(sacct_parse_format(SACCT_DEFAULT_FORMAT, &f, err, sizeof err), 0);
	sacct_header(&f, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "JobID           JobName  Partition    Account  AllocCPUS      State "
	    "ExitCode ");
	sacct_rule(&f, line, sizeof line);
	assert_string_equal(line, "------------ ---------- ---------- ---------- ---------- ---------- "
	    "-------- ");
	const char *v[] = { "12", "a-very-long-name", "gpu", NULL, "2", "COMPLETED", "0:0" };
	sacct_line(&f, v, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "12           a-very-lo+        gpu                     2  COMPLETED "
	    "     0:0 ");
	sacct_line(&f, v, SACCT_PARSABLE2, line, sizeof line);
	assert_string_equal(line, "12|a-very-long-name|gpu||2|COMPLETED|0:0");
	sacct_line(&f, v, SACCT_PARSABLE, line, sizeof line);
	assert_string_equal(line, "12|a-very-long-name|gpu||2|COMPLETED|0:0|");
	sacct_header(&f, SACCT_PARSABLE2, line, sizeof line);
	assert_string_equal(line, "JobID|JobName|Partition|Account|AllocCPUS|State|ExitCode");
	/* A width of 1 cuts to the '+' alone; a short buffer is cut, terminated. */
	assert_int_equal(sacct_parse_format("State%1", &f, err, sizeof err), 0);
	const char *s[] = { "RUNNING" };
	sacct_line(&f, s, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "+ ");
	char small[4];
	assert_int_equal(sacct_parse_format("JobName%300", &f, err, sizeof err), 0);
	assert_true(sacct_line(&f, s, SACCT_FIXED, small, sizeof small) <= 3);
	assert_int_equal(strlen(small), 3);
	assert_int_equal(sacct_line(&f, s, SACCT_FIXED, small, 0), 0);
}

/*
 * Widths and sides as sacct 22.05's table has them (src/sacct/sacct.c: a
 * positive width is right-justified: NodeList 15, AllocTRES and ReqTRES 10,
 * WorkDir 20), and a header cut as print_fields_header cuts it ("%*.*s":
 * the name's first bytes, no '+', which marks only a cut value).
 */
static void slurm_widths(void **state)
{
	(void)state;
	struct sacct_format f;
	char err[256], line[512];
	assert_int_equal(sacct_parse_format("NodeList,AllocTRES,ReqTRES,WorkDir", &f, err,
	    sizeof err), 0);
	sacct_header(&f, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "       NodeList  AllocTRES    ReqTRES              WorkDir ");
	const char *v[] = { "node1", "cpu=1", "cpu=2", "/home/a" };
	sacct_line(&f, v, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "          node1      cpu=1      cpu=2              /home/a ");
	assert_int_equal(sacct_parse_format("AllocCPUS%5,JobName%-4", &f, err, sizeof err), 0);
	sacct_header(&f, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "Alloc JobN ");
	const char *w[] = { "123456", "abcde" };
	sacct_line(&f, w, SACCT_FIXED, line, sizeof line);
	assert_string_equal(line, "1234+ abc+ ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse),
		cmocka_unit_test(values),
		cmocka_unit_test(layouts),
		cmocka_unit_test(slurm_widths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

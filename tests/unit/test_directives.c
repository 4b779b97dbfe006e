/*
 * Unit tests for #SBATCH/#HERD directives: the real scripts under
 * ../shared/fixtures/sbatch (HERD_SHARED overrides ../shared; skipped when
 * absent), our own under tests/fixtures/sbatch, and hostile text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "directives.h"
#include "jobopt.h"
#include "util.h"

struct warns {
	int n;
	char all[8192];		/* every message, one per line */
};

static void collect(void *arg, const char *msg)
{
	struct warns *w = arg;
	size_t len = strlen(w->all);
	w->n++;
	snprintf(w->all + len, sizeof w->all - len, "%s\n", msg);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	if (f == NULL)
		return NULL;
	data = xmalloc(1 << 20);
	*len = fread(data, 1, 1 << 20, f);
	fclose(f);
	return data;
}

static const char *shared_dir(void)
{
	const char *s = getenv("HERD_SHARED");
	return s != NULL ? s : "../shared";
}

/* What a script must yield; NULL strings and -1 numbers mean "not set". */
struct expect {
	const char *file;
	int gpus, cpus;
	int64_t mem_mb, time_s;
	const char *name, *out, *err, *chdir;
	const char *warn;	/* a substring of the warnings, or NULL */
};

static void check_expect(const struct expect *e, const char *path)
{
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN];
	size_t len = 0;
	char *text = slurp(path, &len);

	assert_non_null(text);
	jobopt_init(&o);
	if (directives_parse(e->file, text, len, &o, collect, &w, err,
	    sizeof err) != 0)
		fail_msg("%s: %s", e->file, err);
	assert_int_equal(o.gpus, e->gpus < 0 ? 0 : e->gpus);
	assert_int_equal(!!(o.set & JO_GPUS), e->gpus >= 0);
	assert_int_equal(o.cpus, e->cpus < 0 ? 1 : e->cpus);
	assert_int_equal(!!(o.set & JO_CPUS), e->cpus >= 0);
	assert_int_equal(o.mem_mb, e->mem_mb < 0 ? 0 : e->mem_mb);
	assert_int_equal(!!(o.set & JO_MEM), e->mem_mb >= 0);
	assert_int_equal(o.time_limit_s, e->time_s < 0 ? 0 : e->time_s);
	assert_int_equal(!!(o.set & JO_TIME), e->time_s >= 0);
#define STR(field, want) do { \
	if ((want) == NULL) assert_null(field); \
	else { assert_non_null(field); assert_string_equal(field, want); } \
} while (0)
	STR(o.name, e->name);
	STR(o.out_path, e->out);
	STR(o.err_path, e->err);
	STR(o.chdir, e->chdir);
#undef STR
	if (e->warn != NULL && strstr(w.all, e->warn) == NULL)
		fail_msg("%s: no warning \"%s\" in:\n%s", e->file, e->warn,
		    w.all);
	jobopt_clear(&o);
	free(text);
}

static const struct expect shared_scripts[] = {
	{ "abtin_cedar_gpu_node_job-exclusive.sh", 4, -1, 128000, 180,
	    NULL, NULL, NULL, NULL,
	    "abtin_cedar_gpu_node_job-exclusive.sh:5: --exclusive is not "
	    "supported yet; ignored" },
	{ "aimos_schedular-comment-between.sh", 4, 1, -1, 3600,
	    "test", "joboutput.%J", NULL, NULL, ":8: --mem-per-cpu is not" },
	{ "baker_megahit_83m-dependency-commented.sh", -1, -1, -1, 32400,
	    "megahit_83m", "slurm/megahit_83m.out", "slurm/megahit_83m.err",
	    NULL, ":12: --dependency is not supported yet" },
	{ "bigscience_jz_eval-array.slurm", 4, 40, -1, 14400, "eval-array",
	    "std-eval-%A_%a.out", "std-eval-%A_%a.out", NULL,
	    ":8: --array is not supported yet" },
	{ "bigscience_tr14-2B7-mup-cluster.slurm", 8, 12, -1, 360000,
	    "tr14-2B7-mup", "/fsx/teven/mup/tr14-2B7-%j.out", NULL, NULL,
	    ":11: --exclude is not supported yet" },
	{ "fasrc_job-array-list.sbatch", -1, 1, 4000, 1800, "job_array_test",
	    "output_%a.out", "error_%a.err", NULL, ":5: --partition is not" },
	{ "fasrc_pytorch-gpu-short-opts.sbatch", 1, 1, 4096, 1800, NULL,
	    "pytorch_%j.out", "pytorch_%j.err", NULL, ":3: --nodes is not" },
	/*
	 * The bare "#SBATCH" on line 6 is an empty directive; "--mem=32G"
	 * on line 7 is a command (the shell would run it), so, as with
	 * sbatch, directives end there: no memory, no partition, no GPU.
	 * The author gets a warning naming the first directive lost.
	 */
	{ "gaurikadiwan_slurm-broken-directive-line.sh", -1, 16, -1, -1,
	    "test", NULL, NULL, NULL,
	    ":8: directive after the first command (line 7) is ignored" },
	{ "lazyattack_single_srun-space-separated.sh", 4, 10, 120000, 180000,
	    NULL, "slurm-%j.out", NULL, NULL, ":19: --qos is not" },
	/* The --output after "mkdir" is ignored, as sbatch ignores it. */
	{ "maherdissem_job_within-directive-after-command.sh", 1, -1, 8000,
	    172800, NULL, NULL, NULL, NULL,
	    ":8: directive after the first command (line 7) is ignored" },
	{ "princeton_gpu-intro-pytorch-constraint.slurm", 1, 1, -1, 30,
	    "torch-svd", NULL, NULL, NULL, ":10: --reservation is not" },
	{ "princeton_job-array-python.slurm", -1, 1, -1, 60, "array-job",
	    "slurm-%A.%a.out", "slurm-%A.%a.err", NULL, ":8: --mem-per-cpu" },
	/* "###SBATCH" lines are comments; "## Inclusive" ends a line. */
	{ "rkruser_submit-template-triple-hash.sh", 1, -1, 16384, 1800,
	    "batchSample", "{2}out_%a.txt", NULL, NULL,
	    ":8: --account is not" },
	{ "stas00_example-exclusive.slurm", 8, 96, -1, 600, "example-job",
	    "%x-%j.out", NULL, NULL, ":11: --exclusive is not" },
	{ "wusize_raw_ovd_slurm_train-time-minutes.sh", 8, 40, -1, 259200,
	    NULL, "output/slurm-%j.out", NULL, NULL, ":2: --partition is not" },
};

static void real_scripts(void **state)
{
	(void)state;
	char path[4096];
	snprintf(path, sizeof path, "%s/fixtures/sbatch", shared_dir());
	DIR *d = opendir(path);
	if (d == NULL) {
		print_message("skip: %s not found\n", path);
		skip();
	}
	closedir(d);
	for (size_t i = 0; i < sizeof shared_scripts /
	    sizeof shared_scripts[0]; i++) {
		snprintf(path, sizeof path, "%s/fixtures/sbatch/%s",
		    shared_dir(), shared_scripts[i].file);
		check_expect(&shared_scripts[i], path);
	}
}

/* Whatever else is in the directories: nothing may fail. */
static void parse_dir_all(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096], err[HERD_ERRLEN];
		struct jobopt o;
		size_t len;
		char *text;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if ((text = slurp(path, &len)) == NULL)
			continue;
		jobopt_init(&o);
		if (directives_parse(e->d_name, text, len, &o, NULL, NULL, err,
		    sizeof err) != 0)
			fail_msg("%s", err);
		jobopt_clear(&o);
		free(text);
		(*count)++;
	}
	closedir(d);
}

static void no_script_fails(void **state)
{
	(void)state;
	char path[4096];
	int n = 0;
	snprintf(path, sizeof path, "%s/fixtures/sbatch", shared_dir());
	parse_dir_all(path, &n);
	parse_dir_all("tests/fixtures/sbatch", &n);
	assert_true(n >= 5);
}

static const struct expect own_scripts[] = {
	{ "herd_only.sh", 2, 8, 32768, 7200, "herd-train", "logs/%j.out",
	    NULL, "/srv/work", NULL },
	/* Later lines win; indented and "#SBATCHX" lines are comments. */
	{ "mixed_herd_sbatch.sh", 3, 4, 8192, 172800, "my job",
	    "out dir/%j.log", "err dir/%j.log", NULL,
	    "mixed_herd_sbatch.sh:4: --ntasks is not" },
	{ "crlf.sh", 2, -1, 1536, 2700, "crlf-job", "out.txt", NULL, NULL,
	    NULL },
	{ "late_directive.sh", 1, -1, -1, 600, NULL, NULL, NULL, NULL,
	    "late_directive.sh:6: directive after the first command (line 5)" },
	{ "typed_gres_no_newline.sh", 2, 16, -1, 43200, NULL, NULL, "e.log",
	    "/data/run 7", ":4: --mem-per-gpu is not" },
};

static void own_scripts_parse(void **state)
{
	(void)state;
	char path[4096];
	for (size_t i = 0; i < sizeof own_scripts / sizeof own_scripts[0];
	    i++) {
		snprintf(path, sizeof path, "tests/fixtures/sbatch/%s",
		    own_scripts[i].file);
		check_expect(&own_scripts[i], path);
	}
}

/* Parse a literal; returns the rc, with err and the struct for checks. */
static int parse(const char *text, size_t len, struct jobopt *o,
    struct warns *w, char *err, size_t errsz)
{
	return directives_parse("t.sh", text, len, o, w ? collect : NULL, w,
	    err, errsz);
}

static void expect_error(const char *text, size_t len, const char *want)
{
	struct jobopt o;
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	if (parse(text, len, &o, NULL, err, sizeof err) != -1)
		fail_msg("accepted: %s", text);
	if (strcmp(err, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", err, want);
	assert_int_equal(o.set, 0);	/* an error changes nothing */
	jobopt_clear(&o);
}

#define ERR(lit, want) expect_error(lit, sizeof lit - 1, want)

static void hostile_errors(void **state)
{
	(void)state;
	ERR("#!/bin/sh\n#SBATCH --gres=gpu:1\n#SBATCH --mem=12X\n",
	    "t.sh:3: invalid --mem \"12X\": not a size (examples: 16G, 512M, "
	    "1.5T, 2048)");
	ERR("#SBATCH --mem=-4G\n",
	    "t.sh:1: invalid --mem \"-4G\": negative sizes are not allowed");
	ERR("#SBATCH --time=1:99:00\n",
	    "t.sh:1: invalid --time \"1:99:00\": minutes must be 0-59");
	ERR("#SBATCH -t 5m\n", "t.sh:1: invalid --time \"5m\": expected "
	    "minutes, MM:SS, H:MM:SS, D-H, D-H:MM or D-H:MM:SS");
	ERR("\n\n#SBATCH --frobnicate=3\n", "t.sh:3: unknown option --frobnicate");
	ERR("#SBATCH -Z\n", "t.sh:1: unknown option -Z");
	ERR("#SBATCH -p\n", "t.sh:1: --partition needs a value");
	ERR("#SBATCH --time\n", "t.sh:1: --time needs a value");
	ERR("#SBATCH --quiet=1\n", "t.sh:1: --quiet takes no value");
	ERR("#SBATCH --hold\n", "t.sh:1: --hold is not supported yet (herd would run the job "
	    "differently from what it asks); remove it");
	ERR("#SBATCH --begin=now+1hour\n", "t.sh:1: --begin is not supported yet (herd would "
	    "run the job differently from what it asks); remove it");
	ERR("#SBATCH --job-name=\"my job\n", "t.sh:1: unclosed \" quote");
	ERR("#SBATCH -J 'x\n", "t.sh:1: unclosed ' quote");
	ERR("#SBATCH foo\n", "t.sh:1: not an option: \"foo\"");
	ERR("#SBATCH -- -t 5\n", "t.sh:1: not an option: \"--\"");
	ERR("#SBATCH - \n", "t.sh:1: not an option: \"-\"");
	ERR("#SBATCH --gpus=65\n", "t.sh:1: invalid --gpus \"65\": must be 0-64");
	ERR("#SBATCH --job-name=\"\"\n",
	    "t.sh:1: invalid --job-name \"\": empty name");
	ERR("#SBATCH --time=1\0:00\n", "t.sh:1: NUL byte in directive");
	ERR("#SBATCH \0\n", "t.sh:1: NUL byte in directive");
	ERR("#HERD -c 0\r\n", "t.sh:1: invalid --cpus-per-task \"0\": must be "
	    "1-4096");
}

static void hostile_long_lines(void **state)
{
	(void)state;
	size_t n = 70000;
	char *t = xmalloc(n + 64), err[HERD_ERRLEN];
	struct jobopt o;

	/* A long directive is an error naming its line... */
	strcpy(t, "#!/bin/sh\n#SBATCH -J ");
	memset(t + strlen(t), 'a', n);
	strcpy(t + 21 + n, "\n");
	jobopt_init(&o);
	assert_int_equal(parse(t, strlen(t), &o, NULL, err, sizeof err), -1);
	assert_string_equal(err, "t.sh:2: line longer than 65536 bytes");

	/* ...a long comment or command is not copied and not an error. */
	t[1] = '#';
	t[10] = '#';
	t[11] = '#';
	assert_int_equal(parse(t, strlen(t), &o, NULL, err, sizeof err), 0);
	t[10] = 'x';
	assert_int_equal(parse(t, strlen(t), &o, NULL, err, sizeof err), 0);

	/* Just under the limit: a directive of 65536 bytes is fine, though
	 * its name is too long for jobopt. */
	memcpy(t, "#SBATCH -o ", 11);
	memset(t + 11, 'p', 65536 - 11 + 7);
	t[65536 + 7] = '\0';
	assert_int_equal(parse(t, strlen(t), &o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "path longer than 4095 bytes"));
	assert_int_equal(o.set, 0);
	jobopt_clear(&o);
	free(t);
}

static void quoting_and_comments(void **state)
{
	(void)state;
	static const char s[] =
	    "#!/bin/bash\n"
	    "#SBATCH --job-name='a \"b\" c'\n"
	    "#SBATCH -o out#1.log   # mid-word # is not a comment\n"
	    "#SBATCH -e \\#err\\ x\n"
	    "#SBATCH -D \"/x y\"/z#w\n"
	    "#SBATCH\t-t5\t-c\t2\n"
	    "#SBATCH\n"
	    "#SBATCH    \n"
	    "#SBATCH --gpus \"\" # empty value is still a value\n";
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, &w, err, sizeof err), -1);
	assert_string_equal(err,
	    "t.sh:9: invalid --gpus \"\": not a whole number");
	/* Without the bad last line: */
	assert_int_equal(parse(s, (size_t)(strstr(s, "#SBATCH --gpus") - s), &o, &w, err,
	    sizeof err), 0);
	assert_string_equal(o.name, "a \"b\" c");
	assert_string_equal(o.out_path, "out#1.log");
	assert_string_equal(o.err_path, "#err x");
	assert_string_equal(o.chdir, "/x y/z#w");
	assert_int_equal(o.time_limit_s, 300);
	assert_int_equal(o.cpus, 2);
	assert_int_equal(w.n, 0);
	jobopt_clear(&o);
}

static void short_clusters_and_warnings(void **state)
{
	(void)state;
	static const char s[] =
	    "#SBATCH -Qt10 -N2 -n 4 --exclusive --exclusive=user\n"
	    "#HERD -Gv100:2\n"
	    "#SBATCH --account scavenger --gres=nvme:1\n";
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, &w, err, sizeof err), 0);
	assert_int_equal(o.time_limit_s, 600);
	assert_int_equal(o.gpus, 2);
	assert_int_equal(w.n, 7);
	assert_string_equal(w.all,
	    "t.sh:1: --quiet is not supported yet; ignored\n"
	    "t.sh:1: --nodes is not supported yet; ignored\n"
	    "t.sh:1: --ntasks is not supported yet; ignored\n"
	    "t.sh:1: --exclusive is not supported yet; ignored\n"
	    "t.sh:1: --exclusive is not supported yet; ignored\n"
	    "t.sh:3: --account is not supported yet; ignored\n"
	    "t.sh:3: --gres=nvme:1 names no gpu; ignored\n");
	jobopt_clear(&o);
}

static void where_directives_end(void **state)
{
	(void)state;
	static const char s[] =
	    "#!/bin/bash\n"
	    "   \t\n"
	    "##SBATCH --gpus=8\n"
	    "# SBATCH --gpus=7\n"
	    "#SBATCHgpus=6\n"
	    "#HERDING --gpus=5\n"
	    "  #SBATCH --gpus=4\n"
	    "#SBATCH --gpus=1\n"
	    "  # indented comment\n"
	    "#HERD --cpus=2\n"
	    "echo hi\n"
	    "#SBATCH --gpus=3\n"
	    "#HERD --mem=lots\n";
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, &w, err, sizeof err), 0);
	assert_int_equal(o.gpus, 1);
	assert_int_equal(o.cpus, 2);
	assert_int_equal(o.set, JO_GPUS | JO_CPUS);
	assert_int_equal(w.n, 1);	/* one warning, however many follow */
	assert_string_equal(w.all, "t.sh:12: directive after the first "
	    "command (line 11) is ignored\n");
	jobopt_clear(&o);

	/* The shebang is a comment; a script may also lack one. */
	jobopt_init(&o);
	assert_int_equal(parse("#SBATCH -c 3", 12, &o, NULL, err, sizeof err), 0);
	assert_int_equal(o.cpus, 3);
	jobopt_clear(&o);
	/* A NUL outside the directives does not matter. */
	assert_int_equal(parse("#SBATCH -c 4\n\0\n#SBATCH -c 5\n", 28, &o,
	    NULL, err, sizeof err), 0);
	assert_int_equal(o.cpus, 4);
	jobopt_clear(&o);
	assert_int_equal(parse("# a \0 comment\n#SBATCH -c 6\n", 27, &o, NULL,
	    err, sizeof err), 0);
	assert_int_equal(o.cpus, 6);
	jobopt_clear(&o);
	/* "#SBATCH" glued to a NUL is not a directive but a comment. */
	assert_int_equal(parse("#SBATCH\0 -c 7\n-c 8", 19, &o, NULL,
	    err, sizeof err), 0);
	assert_int_equal(o.set, 0);
	jobopt_clear(&o);
}

static void command_line_wins(void **state)
{
	(void)state;
	static const char s[] =
	    "#SBATCH --gpus=4 --job-name=script -t 10\n"
	    "#SBATCH --gpus=6\n";
	struct jobopt o;
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	assert_int_equal(jobopt_apply(&o, "gpus", "1", 0, err, sizeof err), 0);
	assert_int_equal(jobopt_apply(&o, "J", "cli", 0, err, sizeof err), 0);
	assert_int_equal(parse(s, sizeof s - 1, &o, NULL, err, sizeof err), 0);
	assert_int_equal(o.gpus, 1);
	assert_string_equal(o.name, "cli");
	assert_int_equal(o.time_limit_s, 600);
	assert_int_equal(o.set, JO_GPUS | JO_NAME | JO_TIME);
	jobopt_clear(&o);

	/* Without the command line, the later directive wins. */
	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, NULL, err, sizeof err), 0);
	assert_int_equal(o.gpus, 6);
	jobopt_clear(&o);
}

static void edges(void **state)
{
	(void)state;
	struct jobopt o;
	char err[HERD_ERRLEN], tiny[12];
	jobopt_init(&o);
	assert_int_equal(parse("", 0, &o, NULL, err, sizeof err), 0);
	assert_int_equal(directives_parse("x", NULL, 0, &o, NULL, NULL, err,
	    sizeof err), 0);
	assert_int_equal(parse("\n\n\r\n", 4, &o, NULL, err, sizeof err), 0);
	assert_int_equal(o.set, 0);
	/* A small error buffer truncates the message, nothing more. */
	assert_int_equal(parse("#SBATCH --nope", 14, &o, NULL, tiny,
	    sizeof tiny), -1);
	assert_string_equal(tiny, "t.sh:1: unk");
	/* File names are escaped in messages; NULL has a stand-in. */
	assert_int_equal(directives_parse("a\nb", "#SBATCH x", 9, &o, NULL,
	    NULL, err, sizeof err), -1);
	assert_string_equal(err, "a\\nb:1: not an option: \"x\"");
	assert_int_equal(directives_parse(NULL, "#SBATCH x", 9, &o, NULL,
	    NULL, err, sizeof err), -1);
	assert_string_equal(err, "(script):1: not an option: \"x\"");
	/* Bytes of a bad word are escaped too. */
	assert_int_equal(parse("#SBATCH \033[2J", 12, &o, NULL, err,
	    sizeof err), -1);
	assert_string_equal(err, "t.sh:1: not an option: \"\\033[2J\"");
	jobopt_clear(&o);
}

/* Pseudo-random bytes, biased toward the interesting ones. */
static void garbage(void **state)
{
	(void)state;
	static const char alphabet[] = "#SBATCHHERD -=\"'\\\n\r\t\0aGtc0123:";
	uint32_t seed = 12345;
	char buf[512], err[HERD_ERRLEN];
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(round % (int)sizeof buf);
		struct jobopt o;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (seed >> 24) & 1 ? (char)(seed >> 16) :
			    alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		if (n > 8 && round % 2)
			memcpy(buf, "#SBATCH ", 8);
		jobopt_init(&o);
		err[0] = '\0';
		if (parse(buf, n, &o, NULL, err, sizeof err) != 0)
			assert_true(strncmp(err, "t.sh:", 5) == 0);
		jobopt_clear(&o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_scripts),
		cmocka_unit_test(no_script_fails),
		cmocka_unit_test(own_scripts_parse),
		cmocka_unit_test(hostile_errors),
		cmocka_unit_test(hostile_long_lines),
		cmocka_unit_test(quoting_and_comments),
		cmocka_unit_test(short_clusters_and_warnings),
		cmocka_unit_test(where_directives_end),
		cmocka_unit_test(command_line_wins),
		cmocka_unit_test(edges),
		cmocka_unit_test(garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

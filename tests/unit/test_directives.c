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
#include "mailtype.h"
#include "svc.h"
#include "svcopt.h"
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

/*
 * What a script must yield; NULL strings and -1 numbers mean "not set".
 * `refused` lists the options refused, as "LINE:--name,...", in the order
 * they are met: each refused line is then made a comment and the script
 * parsed again, so the rest of it is checked too.
 */
struct expect {
	const char *file;
	const char *refused;
	int gpus, cpus, ntasks;
	int64_t mem_mb, time_s;
	const char *name, *out, *err, *chdir;
	const char *warn;	/* a substring of the warnings, or NULL */
};

/*
 * Where the job may run (issue 14), for the scripts that say; every other
 * script must leave these unset.  `fail`: a substring of the error that
 * jobopt_finish() gives once the refused lines are gone (NULL: none).
 */
struct expect_place {
	const char *file;
	const char *gpu_type, *constraint, *nodelist, *exclude;
	uint64_t gpu_mem_mb;
	const char *fail;
};

static const struct expect_place places[] = {
	/* -C v100-16g is a feature name of its own (hosts.ini features). */
	{ "bigscience_jz_eval-array.slurm", NULL, "v100-16g", NULL, NULL, 0, NULL },
	{ "bigscience_tr14-2B7-mup-cluster.slurm", "a100", NULL, NULL,
	    "ip-26-0-159-215,ip-26-0-153-238", 0, NULL },
	{ "princeton_gpu-intro-pytorch-constraint.slurm", NULL, "a100", NULL, NULL, 0,
	    NULL },
	{ "mixed_herd_sbatch.sh", "a100", NULL, NULL, NULL, 0, NULL },
	/* Its --gres line is refused for nvme:1, so --mem-per-gpu has no
	 * GPUs to count. */
	{ "typed_gres_no_newline.sh", NULL, NULL, NULL, NULL, 0,
	    "--mem-per-gpu asks for GPUs: give --gpus N" },
};

static const struct expect_place *place_of(const char *file)
{
	static const struct expect_place none = { NULL, NULL, NULL, NULL, NULL, 0, NULL };
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
		if (strcmp(places[i].file, file) == 0)
			return &places[i];
	return &none;
}

/* Parse; while a line is refused, note it and comment it out. */
static int parse_stripping(const char *file, char *text, size_t len,
    struct jobopt *o, struct warns *w, char *refused, size_t rsz, char *err,
    size_t errsz)
{
	refused[0] = '\0';
	for (int tries = 0; tries < 64; tries++) {
		const char *p, *msg;
		char *ls = text;
		int line;
		jobopt_clear(o);
		w->n = 0;
		w->all[0] = '\0';
		if (directives_parse(file, text, len, o, collect, w, err,
		    errsz) == 0)
			return jobopt_finish(o, err, errsz);
		p = err + strlen(file) + 1;
		line = atoi(p);
		msg = strchr(p, ' ');
		if (msg == NULL || strncmp(msg + 1, "--", 2) != 0 ||
		    strstr(msg, "not supported yet") == NULL)
			return -1;
		msg++;
		snprintf(refused + strlen(refused), rsz - strlen(refused),
		    "%s%d:%.*s", refused[0] ? "," : "", line,
		    (int)strcspn(msg, "=: "), msg);
		for (int i = 1; i < line; i++)
			ls = (char *)memchr(ls, '\n', len - (size_t)(ls - text)) + 1;
		assert_true(ls[0] == '#');
		ls[1] = 'X';	/* "#SBATCH" → "#XBATCH": a comment */
	}
	return -1;
}

/* --array acts in a script (-a too); a bad spec names its line. */
static void array_directive(void **state)
{
	(void)state;
	struct jobopt o;
	char err[HERD_ERRLEN];
	static const char good[] = "#!/bin/sh\n#SBATCH -a 500-17000:1000%26\necho hi\n";
	static const char bad[] = "#!/bin/sh\n#SBATCH -c 2\n#SBATCH --array=5-1\necho hi\n";
	jobopt_init(&o);
	assert_int_equal(directives_parse("t.sh", good, sizeof good - 1, &o, NULL, NULL, err,
	    sizeof err), 0);
	assert_string_equal(o.array, "500-17000:1000%26");
	jobopt_clear(&o);
	assert_int_equal(directives_parse("t.sh", bad, sizeof bad - 1, &o, NULL, NULL, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "t.sh:3: invalid --array \"5-1\": "));
	jobopt_clear(&o);
}

static void check_expect(const struct expect *e, const char *path)
{
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN], refused[512];
	size_t len = 0;
	char *text = slurp(path, &len);

	const struct expect_place *pl = place_of(e->file);
	assert_non_null(text);
	jobopt_init(&o);
	int rc = parse_stripping(e->file, text, len, &o, &w, refused,
	    sizeof refused, err, sizeof err);
	if (strcmp(refused, e->refused != NULL ? e->refused : "") != 0)
		fail_msg("%s: refused \"%s\", want \"%s\"", e->file, refused,
		    e->refused != NULL ? e->refused : "");
	if (pl->fail != NULL) {
		if (rc == 0 || strstr(err, pl->fail) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", e->file, rc ? err : "",
			    pl->fail);
		jobopt_clear(&o);
		free(text);
		return;
	}
	if (rc != 0)
		fail_msg("%s: %s", e->file, err);
	assert_int_equal(o.gpus, e->gpus < 0 ? 0 : e->gpus);
	assert_int_equal(!!(o.set & JO_GPUS), e->gpus >= 0);
	assert_int_equal(o.cpus, e->cpus < 0 ? 1 : e->cpus);
	assert_int_equal(!!(o.set & JO_CPUS), e->cpus >= 0);
	assert_int_equal(o.ntasks, e->ntasks < 0 ? 1 : e->ntasks);
	assert_int_equal(!!(o.set & JO_NTASKS), e->ntasks >= 0);
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
	STR(o.gpu_type, pl->gpu_type);
	STR(o.constraint, pl->constraint);
	STR(o.nodelist, pl->nodelist);
	STR(o.exclude, pl->exclude);
	assert_int_equal(o.gpu_mem_mb, pl->gpu_mem_mb);
#undef STR
	if (e->warn != NULL && strstr(w.all, e->warn) == NULL)
		fail_msg("%s: no warning \"%s\" in:\n%s", e->file, e->warn,
		    w.all);
	if (e->warn == NULL && w.n != 0)
		fail_msg("%s: unexpected warnings:\n%s", e->file, w.all);
	jobopt_clear(&o);
	free(text);
}

static const struct expect shared_scripts[] = {
	/* --ntasks-per-node=24 on one node is 24 tasks; --exclusive acts. */
	{ "abtin_cedar_gpu_node_job-exclusive.sh", NULL,
	    4, -1, 24, 128000, 180, NULL, NULL, NULL, NULL, NULL },
	/* --mem-per-cpu=23000 (MB) × 1 task × 1 CPU. */
	{ "aimos_schedular-comment-between.sh",
	    NULL, 4, 1, 1, 23000, 3600,
	    "test", "joboutput.%J", NULL, NULL, NULL },
	/* -N 1 -n 56: 56 tasks of one CPU on one node. */
	{ "baker_megahit_83m-dependency-commented.sh",
	    NULL, -1, -1, 56, -1, 32400,
	    "megahit_83m", "slurm/megahit_83m.out", "slurm/megahit_83m.err",
	    NULL, NULL },
	{ "bigscience_jz_eval-array.slurm",
	    NULL, 4, 40, 1, -1, 14400,
	    "eval-array", "std-eval-%A_%a.out", "std-eval-%A_%a.out", NULL,
	    NULL },	/* its --mail-type=ALL: herdd's to refuse or act on */
	    /* (its --account six@gpu: herdd answers whether it exists) */
	/* --gres=gpu:a100:8: eight GPUs of type a100; -x two nodes. */
	{ "bigscience_tr14-2B7-mup-cluster.slurm",
	    "4:--nodes",
	    8, 12, 1, -1, 360000, "tr14-2B7-mup",
	    "/fsx/teven/mup/tr14-2B7-%j.out", NULL, NULL, NULL },
	{ "fasrc_job-array-list.sbatch", NULL,
	    -1, 1, -1, 4000, 1800, "job_array_test", "output_%a.out",
	    "error_%a.err", NULL, NULL },
	{ "fasrc_pytorch-gpu-short-opts.sbatch", NULL,
	    1, 1, -1, 4096, 1800, NULL, "pytorch_%j.out", "pytorch_%j.err",
	    NULL, NULL },
	/*
	 * The bare "#SBATCH" on line 6 is an empty directive; "--mem=32G"
	 * on line 7 is a command (the shell would run it), so, as with
	 * sbatch, directives end there: no memory, no partition, no GPU.
	 * The author gets a warning naming the first directive lost.
	 */
	{ "gaurikadiwan_slurm-broken-directive-line.sh", NULL, -1, 16, 1, -1,
	    -1, "test", NULL, NULL, NULL,
	    ":8: directive after the first command (line 7) is ignored" },
	{ "lazyattack_single_srun-space-separated.sh",
	    NULL, 4, 10, 1, 120000, 180000,
	    NULL, "slurm-%j.out", NULL, NULL, NULL },
	/* The --output after "mkdir" is ignored, as sbatch ignores it. */
	{ "maherdissem_job_within-directive-after-command.sh", NULL,
	    1, -1, -1, 8000, 172800, NULL, NULL, NULL, NULL,
	    ":8: directive after the first command (line 7) is ignored" },
	/* --mem-per-cpu=4G × 1 CPU; -C a100. */
	{ "princeton_gpu-intro-pytorch-constraint.slurm",
	    "10:--reservation", 1, 1, 1, 4096, 30,
	    "torch-svd", NULL, NULL, NULL, NULL },
	{ "princeton_job-array-python.slurm", NULL,
	    -1, 1, 1, 4096, 60, "array-job", "slurm-%A.%a.out", "slurm-%A.%a.err",
	    NULL, NULL },
	/* "###SBATCH" lines are comments; "## Inclusive" ends a line. */
	{ "rkruser_submit-template-triple-hash.sh", NULL,
	    1, -1, -1, 16384, 1800, "batchSample", "{2}out_%a.txt", NULL, NULL,
	    NULL },
	{ "stas00_example-exclusive.slurm",
	    "6:--nodes", 8, 96, 1, -1, 600,
	    "example-job", "%x-%j.out", NULL, NULL, NULL },
	{ "wusize_raw_ovd_slurm_train-time-minutes.sh",
	    "3:--nodes", 8, 40, 8, -1, 259200,
	    NULL, "output/slurm-%j.out", NULL, NULL, NULL },
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

/* Whatever else is in the directories: nothing may fail but a refusal. */
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
		    sizeof err) != 0 && strstr(err, "not supported yet") == NULL)
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
	{ "herd_only.sh", NULL, 2, 8, -1, 32768, 7200, "herd-train",
	    "logs/%j.out", NULL, "/srv/work", NULL },
	/* Later lines win; indented and "#SBATCHX" lines are comments;
	 * -N 1 -n 4 -c4 is four tasks of four CPUs, without a warning.
	 * -G a100:3 on line 13 is three GPUs of type a100; the quoted
	 * -e and -o keep their spaces. */
	{ "mixed_herd_sbatch.sh", NULL, 3, 4, 4, 8192,
	    172800, "my job", "out dir/%j.log", "err dir/%j.log", NULL, NULL },
	{ "crlf.sh", NULL, 2, -1, -1, 1536, 2700, "crlf-job", "out.txt", NULL,
	    NULL, NULL },
	{ "late_directive.sh", NULL, 1, -1, -1, -1, 600, NULL, NULL, NULL, NULL,
	    "late_directive.sh:6: directive after the first command (line 5)" },
	/* (fails at the end: see places[]; the rest is not checked) */
	{ "typed_gres_no_newline.sh", "2:--gres", -1, 16, -1,
	    -1, 43200, NULL, NULL, "e.log", "/data/run 7", NULL },
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
	ERR("#SBATCH --hold=1\n", "t.sh:1: --hold takes no value");
	ERR("#SBATCH --begin=someday\n", "t.sh:1: invalid --begin \"someday\": "
	    "not a time (now+60, now+1hour, HH:MM[:SS], midnight, noon, teatime, "
	    "today, tomorrow, YYYY-MM-DD[THH:MM[:SS]], MM/DD[/YY])");
	ERR("#SBATCH --dependency=afterok:x\n", "t.sh:1: invalid --dependency "
	    "\"afterok:x\": \"x\" is not a job id (123 or 123_7)");
	ERR("#SBATCH --nice=1x\n", "t.sh:1: invalid --nice \"1x\": not a whole number");
	ERR("#SBATCH --=x\n", "t.sh:1: unknown option --");
	ERR("#SBATCH ---x\n", "t.sh:1: unknown option ---x");
	ERR("#SBATCH --ti=5\n", "t.sh:1: ambiguous option --ti: could be --time, "
	    "--time-min");
	ERR("#SBATCH -N 2\n", "t.sh:1: --nodes=2: multi-node jobs are not "
	    "supported yet: herd runs a job on one node; use --nodes=1");
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
	    "#SBATCH -Qt10 -N1 -n 4 --mail-type=END --no-requeue\n"
	    "#HERD -vG2\n"
	    "#SBATCH --account scavenger --tasks-per-node=4 --contiguous\n";
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, &w, err, sizeof err), 0);
	assert_int_equal(o.time_limit_s, 600);
	assert_int_equal(o.gpus, 2);
	assert_int_equal(o.ntasks, 4);
	assert_int_equal(o.ntasks_per_node, 4);
	assert_int_equal(o.requeue, 0);		/* --no-requeue */
	assert_int_equal(o.mail_type, MAIL_END);	/* acted on: no warning */
	assert_int_equal(w.n, 2);
	assert_string_equal(o.account, "scavenger");	/* herdd checks it */
	assert_string_equal(w.all,
	    "t.sh:1: --quiet is not supported yet; ignored (herd submit prints "
	    "the same)\n"
	    "t.sh:2: --verbose is not supported yet; ignored (herd submit "
	    "prints the same)\n");
	jobopt_clear(&o);
}

/* Every option the brief names, refused in a directive with FILE:LINE. */
static void refused_in_directives(void **state)
{
	(void)state;
	static const struct { const char *line, *msg; } t[] = {
		{ "--nodes=2", "--nodes=2: multi-node jobs are not supported yet" },
		{ "-N 3", "--nodes=3: multi-node jobs are not supported yet" },
		{ "-w node[1-2]", "--nodelist=node[1-2]: names 2 nodes" },
		{ "--exclude=./x", "invalid --exclude \"./x\": herd reads no node files" },
		{ "--export=NONE", "--export=NONE is not supported yet" },
		{ "-C v100*2", "invalid --constraint \"v100*2\": node counts ask" },
		{ "--exclusive=mcs", "--exclusive=mcs: MCS labels are not "
		    "supported yet" },
		{ "--gpus-per-task=1", "--gpus-per-task=1 is not supported yet" },
		{ "--reservation=r", "--reservation=r is not supported yet" },
		{ "--deadline=now", "--deadline=now is not supported yet" },
		{ "--signal=USR1@1m", "invalid --signal \"USR1@1m\": the time after @" },
		{ "--priority=5", "--priority=5 is not supported yet" },
		{ "--time-min=5", "--time-min=5 is not supported yet" },
		{ "--tmp=5G", "--tmp=5G is not supported yet" },
		{ "-L matlab", "--licenses=matlab is not supported yet" },
		{ "--open-mode=append", "--open-mode=append: appending is not "
		    "supported yet" },
		/* GPU types are acted on (jobopt_place.c); one job, one type */
		{ "--gres=gpu:a100:1,gpu:v100:1", "--gres=gpu:a100:1,gpu:v100:1: GPUs of "
		    "several types in one job are not supported" },
		{ "--gpus=a*b:2", "invalid --gpus \"a*b:2\": bad GPU type \"a*b\"" },
		{ "--gres=nvme:1", "--gres=nvme:1: resources other than GPUs "
		    "are not supported yet: herd would run the job without "
		    "nvme:1" },
		{ "--wrap=true", "--wrap=true is not supported yet" },
		{ "--hint=compute_bound", "--hint=compute_bound: laying out tasks is not supported yet: "
		    "herd acts on nomultithread" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char text[256], want[256], err[HERD_ERRLEN];
		struct jobopt o;
		snprintf(text, sizeof text, "#!/bin/sh\n#SBATCH -c 2\n#SBATCH %s\n"
		    "echo hi\n", t[i].line);
		snprintf(want, sizeof want, "t.sh:3: %s", t[i].msg);
		jobopt_init(&o);
		if (parse(text, strlen(text), &o, NULL, err, sizeof err) != -1)
			fail_msg("accepted: %s", t[i].line);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("%s: got \"%s\", want \"%s...\"", t[i].line, err,
			    want);
		assert_int_equal(o.set, 0);	/* nothing taken from the script */
		jobopt_clear(&o);
	}
}

/* Abbreviations and Slurm's aliases read as on the command line. */
static void prefixes_in_directives(void **state)
{
	(void)state;
	static const char s[] =
	    "#SBATCH --cpus-per-t 3 --tasks=2 --work=/w --job x --out=o.log\n"
	    "#SBATCH --ti 5 --me=1G\n";
	struct jobopt o;
	char err[HERD_ERRLEN];
	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, NULL, err, sizeof err), -1);
	assert_string_equal(err, "t.sh:2: ambiguous option --ti: could be "
	    "--time, --time-min");
	assert_int_equal(parse(s, strchr(s, '\n') + 1 - s, &o, NULL, err,
	    sizeof err), 0);
	assert_int_equal(o.cpus, 3);
	assert_int_equal(o.ntasks_per_node, 2);
	assert_string_equal(o.chdir, "/w");
	assert_string_equal(o.name, "x");
	assert_string_equal(o.out_path, "o.log");
	assert_int_equal(jobopt_finish(&o, err, sizeof err), 0);
	assert_int_equal(o.ntasks, 2);
	jobopt_clear(&o);

	/* --cpus is herd's own, exact; -n × -c over the maximum is caught
	 * once everything is merged. */
	jobopt_init(&o);
	assert_int_equal(parse("#HERD --cpus 2048 -n 3\n", 22, &o, NULL, err,
	    sizeof err), 0);
	assert_int_equal(o.cpus, 2048);
	assert_int_equal(jobopt_finish(&o, err, sizeof err), -1);
	assert_non_null(strstr(err, "6144 CPUs, more than 4096"));
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

/*
 * #SLURM lines are directives as sbatch reads them (Slurm 22.05), with
 * #SBATCH's rules: at the line's start, then a blank or the end; mixed
 * with #SBATCH and #HERD lines, the later wins; after a command, ignored.
 */
static void slurm_magic(void **state)
{
	(void)state;
	static const char s[] =
	    "#!/bin/sh\n"
	    "#SLURM --nice=3\n"
	    "#SLURM -c 2 -t 10\n"
	    "#SBATCH -c 3\n"
	    "#SLURMX -c 9\n"		/* a comment */
	    "##SLURM -c 9\n"		/* a comment */
	    " #SLURM -c 9\n"		/* a comment */
	    "# SLURM -c 9\n"		/* a comment */
	    "#slurm -c 9\n"		/* a comment: the magic is upper case */
	    "#SLURM\n"			/* empty */
	    "#SLURM\t--job-name=s\r\n"
	    "echo hi\n"
	    "#SLURM --gpus=2\n";	/* after the command: ignored */
	struct jobopt o;
	struct warns w = { 0, "" };
	char err[HERD_ERRLEN];

	jobopt_init(&o);
	assert_int_equal(parse(s, sizeof s - 1, &o, &w, err, sizeof err), 0);
	assert_int_equal(o.nice, 3);
	assert_int_equal(o.cpus, 3);
	assert_int_equal(o.time_limit_s, 600);
	assert_string_equal(o.name, "s");
	assert_int_equal(o.gpus, 0);
	assert_non_null(strstr(w.all, "t.sh:13: directive after the first "
	    "command (line 12) is ignored"));
	jobopt_clear(&o);
	/* Errors name the #SLURM line as they would an #SBATCH one. */
	ERR("#SLURM --nodelist=gpu,cpu\n", "t.sh:1: --nodelist=gpu,cpu: names 2 "
	    "nodes; Slurm would run the job on all of them and herd runs a job on one "
	    "node: name one (or use -x or -p to choose among several)");
	ERR("#!/bin/sh\n#SLURM --time=1:99:00\n", "t.sh:2: invalid --time "
	    "\"1:99:00\": minutes must be 0-59");
	ERR("#SLURM -J 'x\n", "t.sh:1: unclosed ' quote");
	ERR("#SLURM x\n", "t.sh:1: not an option: \"x\"");
	/* --exclusive and --share act in a script; the later line wins. */
	jobopt_init(&o);
	assert_int_equal(parse("#SLURM --share\n#SBATCH --exclusive=user\n",
	    40, &o, NULL, err, sizeof err), 0);
	assert_int_equal(o.exclusive, JOBOPT_EXCL_USER);
	assert_int_equal(o.oversubscribe, 0);
	jobopt_clear(&o);
	ERR("#SLURM --nice=\0\n", "t.sh:1: NUL byte in directive");
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

/* #HERD service lines into so (a scratch caller's); 0 or -1 with err. */
static int parse_svc(const char *text, struct svcopt *so, char *err, size_t errsz)
{
	struct jobopt o;
	jobopt_init(&o);
	int rc = directives_parse_svc("t.sh", text, strlen(text), &o, so, NULL, NULL, err,
	    errsz);
	jobopt_clear(&o);
	return rc;
}

static void expect_svc_error(const char *text, const char *want)
{
	struct svcopt so;
	char err[HERD_ERRLEN] = "";
	svcopt_init(&so);
	if (parse_svc(text, &so, err, sizeof err) != -1)
		fail_msg("%s: parsed", text);
	if (strstr(err, want) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", text, err, want);
	/* A script with an error changes nothing. */
	assert_int_equal(so.set, 0);
	assert_null(so.name);
	svcopt_clear(&so);
}

static void service_lines(void **state)
{
	(void)state;
	struct svcopt so;
	char err[HERD_ERRLEN];
	static const char good[] =
	    "#!/bin/bash\n"
	    "#HERD --service web --restart=always --max-restarts 3\n"
	    "#SBATCH --gpus=1\n"
	    "#HERD --port --restart-window 1h --health-http /healthz\n"
	    "#HERD --health-interval=5s --health-timeout 2s --health-retries 4\n"
	    "#HERD --health-cmd 'curl -fs localhost:$HERD_PORT/ # not a comment'\n"
	    "exec python3 -m http.server \"$HERD_PORT\"\n"
	    "#HERD --service late\n";
	svcopt_init(&so);
	assert_int_equal(parse_svc(good, &so, err, sizeof err), 0);
	assert_string_equal(so.name, "web");
	assert_int_equal(so.restart, SVC_RESTART_ALWAYS);
	assert_int_equal(so.max_restarts, 3);
	assert_int_equal(so.window_s, 3600);
	assert_int_equal(so.port, 1);
	assert_string_equal(so.health_http, "/healthz");
	assert_string_equal(so.health_cmd, "curl -fs localhost:$HERD_PORT/ # not a comment");
	assert_int_equal(so.health_interval, 5);
	assert_int_equal(so.health_timeout, 2);
	assert_int_equal(so.health_retries, 4);
	/* Both checks at once are refused where the options meet (submit). */
	assert_non_null(svcopt_refusal(&so));
	svcopt_clear(&so);

	/* The command line wins: its name and policy stay, the rest is the
	 * script's; a service named on the command line needs no --service. */
	svcopt_init(&so);
	assert_int_equal(svcopt_apply(&so, "--service", "cli", 0, err, sizeof err), 1);
	assert_int_equal(svcopt_apply(&so, "--restart", "never", 0, err, sizeof err), 1);
	assert_int_equal(parse_svc("#HERD --service script --restart always\n"
	    "#HERD --max-restarts 9\n", &so, err, sizeof err), 0);
	assert_string_equal(so.name, "cli");
	assert_int_equal(so.restart, SVC_RESTART_NEVER);
	assert_int_equal(so.max_restarts, 9);
	assert_int_equal(parse_svc("#HERD --port\n", &so, err, sizeof err), 0);
	assert_int_equal(so.port, 1);
	svcopt_clear(&so);

	/* Later lines override earlier ones. */
	svcopt_init(&so);
	assert_int_equal(parse_svc("#HERD --service a --restart never\n#HERD --service b "
	    "--restart on-failure\n", &so, err, sizeof err), 0);
	assert_string_equal(so.name, "b");
	assert_int_equal(so.restart, SVC_RESTART_ON_FAILURE);
	svcopt_clear(&so);

	/* Without a caller asking, a service option is no option at all. */
	struct jobopt o;
	jobopt_init(&o);
	assert_int_equal(parse("#HERD --service web\n", 20, &o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "t.sh:1: unknown option --service"));
	jobopt_clear(&o);
}

static void service_lines_hostile(void **state)
{
	(void)state;
	/* A service option without --service: refused at its line. */
	expect_svc_error("#!/bin/sh\n#SBATCH -t 5\n\n#HERD --gpus 1\n#HERD --restart always\n",
	    "t.sh:5: --restart without --service NAME");
	expect_svc_error("#HERD --port\n#HERD --restart never\n", "t.sh:1: --port without");
	expect_svc_error("#HERD --health-cmd true\n", "t.sh:1: --health-cmd without");
	/* Slurm's lines never carry them. */
	expect_svc_error("#SBATCH --service web\n", "t.sh:1: --service is herd's, not Slurm's");
	expect_svc_error("#SLURM --port\n", "t.sh:1: --port is herd's");
	/* Bad values, with their line. */
	expect_svc_error("#HERD --service\n", "t.sh:1: option --service needs a value");
	expect_svc_error("#HERD\n#HERD --service -web\n", "t.sh:2: invalid service name");
	expect_svc_error("#HERD --service 'a b'\n", "t.sh:1: invalid service name");
	expect_svc_error("#HERD --service \"$(reboot)\"\n", "t.sh:1: invalid service name");
	expect_svc_error("#HERD --service web\\;id\n", "t.sh:1: invalid service name");
	expect_svc_error("#HERD --service ../../etc\n", "t.sh:1: invalid service name");
	expect_svc_error("#HERD --service web --restart sometimes\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --max-restarts -1\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --max-restarts 99999999999999999999\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --restart-window 0\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --port=8080\n", "t.sh:1: option --port takes no value");
	expect_svc_error("#HERD --service web --health-cmd 'a\033[2Jb'\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --health-http 'a b'\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --health-retries 0\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --health-interval 2d\n", "t.sh:1: ");
	expect_svc_error("#HERD --service web --restart 'always\n", "t.sh:1: unclosed ' quote");
	/* No abbreviation: --serv is no service option (nor jobopt's). */
	expect_svc_error("#HERD --serv web\n", "t.sh:1: ");
	/* A NUL inside the line. */
	struct jobopt o;
	struct svcopt so;
	char err[HERD_ERRLEN];
	static const char nul[] = "#HERD --service w\0b\n";
	jobopt_init(&o);
	svcopt_init(&so);
	assert_int_equal(directives_parse_svc("t.sh", nul, sizeof nul - 1, &o, &so, NULL, NULL,
	    err, sizeof err), -1);
	assert_string_equal(err, "t.sh:1: NUL byte in directive");
	assert_null(so.name);
	jobopt_clear(&o);
	svcopt_clear(&so);
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
		cmocka_unit_test(array_directive),
		cmocka_unit_test(no_script_fails),
		cmocka_unit_test(own_scripts_parse),
		cmocka_unit_test(hostile_errors),
		cmocka_unit_test(hostile_long_lines),
		cmocka_unit_test(quoting_and_comments),
		cmocka_unit_test(short_clusters_and_warnings),
		cmocka_unit_test(refused_in_directives),
		cmocka_unit_test(prefixes_in_directives),
		cmocka_unit_test(where_directives_end),
		cmocka_unit_test(slurm_magic),
		cmocka_unit_test(command_line_wins),
		cmocka_unit_test(edges),
		cmocka_unit_test(garbage),
		cmocka_unit_test(service_lines),
		cmocka_unit_test(service_lines_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Unit tests for gputype.c: the type of every GPU model name in the real
 * captures in $HERD_SHARED/fixtures/nvidia-smi (default ../shared; skipped
 * with a message when absent), names seen elsewhere, gpu_types overrides,
 * and hostile names.
 */
#include <ctype.h>
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "gputype.h"
#include "probe.h"
#include "util.h"

/* Each model: its type, then the other names it answers to, then names it
 * must not answer to. */
static const struct known {
	const char *model, *type, *also[3], *not[3];
} known[] = {
	{ "NVIDIA H100 80GB HBM3", "h100", { "h100-80gb", "H100" }, { "h10", "h100-40gb", "a100" } },
	{ "NVIDIA H200", "h200", { "H200" }, { "h100", "h2000" } },
	{ "NVIDIA L40S", "l40s", { "L40S" }, { "l40", "l4" } },
	{ "NVIDIA GeForce RTX 2080 SUPER", "rtx2080super", { "2080super" }, { "2080", "rtx2080" } },
	{ "NVIDIA GeForce RTX 3090", "rtx3090", { "3090", "RTX3090" }, { "rtx309", "4090" } },
	{ "NVIDIA A100-SXM4-80GB", "a100", { "a100-80gb", "A100-80GB" }, { "a100-40gb", "sxm4" } },
	{ "NVIDIA GeForce RTX 4090", "rtx4090", { "4090" }, { "rtx3090", "geforce" } },
	{ "NVIDIA RTX A5000", "a5000", { "rtxa5000" }, { "a500", "rtx" } },
	/* seen in the wild, not in the captures */
	{ "Tesla V100-SXM2-16GB", "v100", { "v100-16gb" }, { "tesla" } },
	{ "NVIDIA A100-PCIE-40GB", "a100", { "a100-40gb" }, { "a100-80gb" } },
	{ "NVIDIA A100 80GB PCIe", "a100", { "a100-80gb" }, { "a100-40gb" } },
	{ "NVIDIA GeForce GTX 1080 Ti", "gtx1080ti", { "1080ti" }, { "1080" } },
	{ "NVIDIA RTX 6000 Ada Generation", "rtx6000ada", { "6000ada" }, { "rtx6000" } },
	{ "Quadro RTX 8000", "rtx8000", { "8000" }, { "quadro" } },
	{ "Tesla T4", "t4", { "T4" }, { "t40" } },
};

static const struct known *find_known(const char *model)
{
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i].model, model) == 0)
			return &known[i];
	return NULL;
}

static void check_known(const struct known *k)
{
	char t[GPUTYPE_MAX + 1];
	gputype_of(k->model, t, sizeof t);
	if (strcmp(t, k->type) != 0)
		fail_msg("%s: type %s, want %s", k->model, t, k->type);
	assert_true(gputype_match(k->model, NULL, k->type));
	for (int i = 0; i < 3 && k->also[i] != NULL; i++)
		if (!gputype_match(k->model, NULL, k->also[i]))
			fail_msg("%s does not answer to %s", k->model, k->also[i]);
	for (int i = 0; i < 3 && k->not[i] != NULL; i++)
		if (gputype_match(k->model, NULL, k->not[i]))
			fail_msg("%s answers to %s", k->model, k->not[i]);
}

static void t_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		check_known(&known[i]);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	if (f == NULL)
		return NULL;
	s = xmalloc(PROBE_OUTPUT_MAX + 1);
	*len = fread(s, 1, PROBE_OUTPUT_MAX, f);
	s[*len] = '\0';
	fclose(f);
	return s;
}

/* Trim in place; returns the start. */
static char *trim(char *s)
{
	size_t n;
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* The model names of one capture, whatever its kind (CSV, table, -L, XML). */
static size_t names_of(const char *file, char *s, size_t len, char names[][96], size_t cap)
{
	size_t n = 0;
	if (strncmp(file, "querygpu_", 9) == 0) {
		struct probe_result r;
		char err[HERD_ERRLEN];
		probe_result_init(&r);
		if (nvsmi_parse_gpus(s, len, NULL, &r, err, sizeof err) == 0)
			for (size_t i = 0; i < r.ngpus && n < cap; i++)
				if (r.gpus[i].name[0] != '\0')
					snprintf(names[n++], 96, "%s", r.gpus[i].name);
		probe_result_clear(&r);
		return n;
	}
	for (char *line = strtok(s, "\n"); line != NULL && n < cap; line = strtok(NULL, "\n")) {
		char *a, *b;
		if (strncmp(file, "table_", 6) == 0 && strncmp(line, "|   ", 4) == 0 &&
		    isdigit((unsigned char)line[4]) && (a = strstr(line, "  NVIDIA")) != NULL &&
		    (b = strstr(a, "  On ")) != NULL) {
			*b = '\0';
			snprintf(names[n++], 96, "%s", trim(a));
		} else if (strncmp(file, "list_", 5) == 0 && strncmp(line, "GPU ", 4) == 0 &&
		    (a = strchr(line, ':')) != NULL && (b = strstr(a, " (UUID")) != NULL) {
			*b = '\0';
			snprintf(names[n++], 96, "%s", trim(a + 1));
		} else if ((a = strstr(line, "<product_name>")) != NULL &&
		    (b = strstr(a, "</product_name>")) != NULL) {
			*b = '\0';
			snprintf(names[n++], 96, "%s", trim(a + 14));
		}
	}
	return n;
}

/* Every model name in every real capture has a known type. */
static void t_real_names(void **state)
{
	const char *base = getenv("HERD_SHARED");
	char dir[1024], path[1400], names[64][96];
	struct stat st;
	struct dirent *e;
	size_t total = 0, len;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof dir, "%s/fixtures/nvidia-smi",
	    base != NULL && *base != '\0' ? base : "../shared");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		print_message("skip: no shared fixtures (set HERD_SHARED)\n");
		skip();
	}
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		char *s;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_non_null(s = slurp(path, &len));
		size_t n = names_of(e->d_name, s, len, names, 64);
		for (size_t i = 0; i < n; i++) {
			const struct known *k = find_known(names[i]);
			if (k == NULL)
				fail_msg("%s: model \"%s\" has no expected type here", e->d_name,
				    names[i]);
			check_known(k);
		}
		total += n;
		free(s);
	}
	closedir(d);
	assert_true(total >= 20);
}

/* gpu_types replaces what the name says. */
static void t_aliases(void **state)
{
	char t[GPUTYPE_MAX + 1];
	(void)state;
	assert_true(gputype_match("NVIDIA A100-SXM4-80GB", "big, fast", "big"));
	assert_true(gputype_match("NVIDIA A100-SXM4-80GB", "big fast", "FAST"));
	assert_false(gputype_match("NVIDIA A100-SXM4-80GB", "big,fast", "a100"));
	assert_false(gputype_match("NVIDIA A100-SXM4-80GB", "big,fast", "bi"));
	assert_false(gputype_match("NVIDIA A100-SXM4-80GB", "big,fast", ""));
	assert_false(gputype_match("x", ",,", ""));
	gputype_show("NVIDIA A100-SXM4-80GB", " big, fast", t, sizeof t);
	assert_string_equal(t, "big");
	gputype_show("NVIDIA A100-SXM4-80GB", "", t, sizeof t);
	assert_string_equal(t, "a100");
	gputype_show("NVIDIA A100-SXM4-80GB", NULL, t, sizeof t);
	assert_string_equal(t, "a100");
}

/* Names with no model, long and odd names: no type, no overflow. */
static void t_hostile(void **state)
{
	char t[GPUTYPE_MAX + 1], big[4096];
	(void)state;
	const char *none[] = { "", " ", "NVIDIA", "TITAN RTX", "---", "GeForce  \t", "[N/A]" };
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
		gputype_of(none[i], t, sizeof t);
		assert_string_equal(t, "");
		assert_false(gputype_match(none[i], NULL, ""));
		assert_false(gputype_match(none[i], NULL, "nvidia"));
	}
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[10] = '1';
	gputype_of(big, t, sizeof t);
	assert_true(strlen(t) < sizeof t);
	assert_false(gputype_match(big, NULL, "a"));
	/* a hundred words: only the first WORDS_MAX are read */
	big[0] = '\0';
	for (int i = 0; i < 100; i++)
		strcat(big, "x- ");
	strcat(big, "a100");
	gputype_of(big, t, sizeof t);
	assert_string_equal(t, "");
	gputype_of("NVIDIA H100 80GB HBM3", t, 3);	/* cut, still terminated */
	assert_string_equal(t, "h1");
	assert_true(gputype_valid("a100-80gb"));
	assert_true(gputype_valid("1g.10gb"));
	assert_false(gputype_valid(""));
	assert_false(gputype_valid("a100:2"));
	assert_false(gputype_valid("a b"));
	assert_false(gputype_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(gputype_valid("a\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_known),
		cmocka_unit_test(t_real_names),
		cmocka_unit_test(t_aliases),
		cmocka_unit_test(t_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

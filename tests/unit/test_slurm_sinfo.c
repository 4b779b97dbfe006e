/*
 * Unit tests for slurm_sinfo.c: sinfo's rows from herd's partitions and
 * nodes (grouped by state with compressed host lists, -N, -p, -n, -o's
 * fields), its states, time limits and -N's widths; hostile names, states
 * and formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "slurm_sinfo.h"

static char out[64][512];
static size_t nout;

static void collect(void *arg, const char *line)
{
	(void)arg;
	if (nout < 64)
		snprintf(out[nout++], sizeof out[0], "%s", line);
}

static const struct sinfo_part parts[] = {
	{ "gpu", 1, 2 * 86400, 0 }, { "debug", 0, 1800, 0 },
};

static struct sinfo_node nodes[] = {
	{ "gpu1", "IDLE", "gpu", 32, 128000, "gpu:a100:4" },
	{ "gpu2", "IDLE", "gpu", 32, 128000, "gpu:a100:4" },
	{ "gpu3", "MIXED", "gpu,debug", 32, 128000, "gpu:a100:4" },
	{ "gpu4", "IDLE", "gpu,debug", 64, 256000, "gpu:h100:8" },
	{ "gpu7", "DRAINED*", "gpu", 32, 128000, "(null)" },
	{ "cpu1", "DOWN", "-", 8, 1000, "" },
};
#define NNODES (sizeof nodes / sizeof nodes[0])

static size_t run(const char *spec, const char *p, const char *n, int by_node)
{
	static struct listfmt f;
	char err[256];
	assert_int_equal(listfmt_parse_letters(spec, sinfo_cols, nsinfo_cols, &f, err, sizeof err), 0);
	struct sinfo_query q = { &f, p, n, by_node };
	nout = 0;
	size_t k = sinfo_lines(&q, parts, 2, nodes, NNODES, collect, NULL);
	assert_int_equal(k, nout);
	return k;
}

static void default_format(void **state)
{
	(void)state;
	static struct listfmt f;
	char err[256], hdr[256], spec[64];
	sinfo_part_format(parts, 2, spec, sizeof spec);
	assert_int_equal(listfmt_parse_letters(spec, sinfo_cols, nsinfo_cols, &f, err, sizeof err), 0);
	sinfo_header(&f, hdr, sizeof hdr);
	assert_string_equal(hdr, "PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST");
	assert_int_equal(run(spec, NULL, NULL, 0), 5);
	assert_string_equal(out[0], "gpu*         up 2-00:00:00      3   idle gpu[1-2,4]");
	assert_string_equal(out[1], "gpu*         up 2-00:00:00      1    mix gpu3");
	assert_string_equal(out[2], "gpu*         up 2-00:00:00      1 drain* gpu7");
	assert_string_equal(out[3], "debug        up      30:00      1    mix gpu3");
	assert_string_equal(out[4], "debug        up      30:00      1   idle gpu4");
}

static void fields(void **state)
{
	(void)state;
	/* Nodes unlike in a printed field are rows of their own. */
	assert_int_equal(run("%P|%D|%T|%G|%c|%m|%N", "gpu", NULL, 0), 4);
	assert_string_equal(out[0], "gpu*|2|idle|gpu:a100:4|32|128000|gpu[1-2]");
	assert_string_equal(out[1], "gpu*|1|mixed|gpu:a100:4|32|128000|gpu3");
	assert_string_equal(out[2], "gpu*|1|idle|gpu:h100:8|64|256000|gpu4");
	assert_string_equal(out[3], "gpu*|1|drained*|(null)|32|128000|gpu7");
	/* sinfo -h -o %N: the node lists alone. */
	assert_int_equal(run("%N", NULL, NULL, 0), 2);
	assert_string_equal(out[0], "gpu[1-4,7]");
	assert_string_equal(out[1], "gpu[3-4]");
	/* -n picks nodes, -p partitions. */
	assert_int_equal(run("%P %D %N", "debug", "gpu[1-3]", 0), 1);
	assert_string_equal(out[0], "debug 1 gpu3");
	assert_int_equal(run("%P %N", "nosuch", NULL, 0), 0);
	assert_int_equal(run("%P %N", NULL, "nosuch9", 0), 0);
	/* -N: a row per node and partition. */
	assert_int_equal(run("%N %P %t", NULL, NULL, 1), 7);
	assert_string_equal(out[0], "gpu1 gpu* idle");
	assert_string_equal(out[6], "gpu4 debug idle");
	assert_int_equal(run("%l %a %%", "debug", NULL, 0), 1);
	assert_string_equal(out[0], "30:00 up %");
}

static void states_and_times(void **state)
{
	(void)state;
	char b[64];
	const char *map[][3] = {
		{ "IDLE", "idle", "idle" }, { "MIXED", "mix", "mixed" },
		{ "ALLOCATED", "alloc", "allocated" }, { "DRAINING", "drng", "draining" },
		{ "DRAINED", "drain", "drained" }, { "DOWN*", "down*", "down*" },
		{ "UNKNOWN", "unk", "unknown" }, { "IDLE*", "idle*", "idle*" },
		{ "FUTURE", "future", "future" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		sinfo_state(map[i][0], 0, b, sizeof b);
		assert_string_equal(b, map[i][1]);
		sinfo_state(map[i][0], 1, b, sizeof b);
		assert_string_equal(b, map[i][2]);
	}
	sinfo_state(NULL, 0, b, sizeof b);
	assert_string_equal(b, "unk");
	sinfo_state("X\033[2J\n", 1, b, sizeof b);	/* hostile: made visible */
	assert_null(strchr(b, '\033'));
	assert_null(strchr(b, '\n'));
	sinfo_state("ALLOCATED", 1, b, 4);
	assert_string_equal(b, "all");
	sinfo_time(0, b, sizeof b);
	assert_string_equal(b, "infinite");
	sinfo_time(-5, b, sizeof b);
	assert_string_equal(b, "infinite");
	sinfo_time(1800, b, sizeof b);
	assert_string_equal(b, "30:00");
	sinfo_time(4 * 3600, b, sizeof b);
	assert_string_equal(b, "4:00:00");
	sinfo_time(86400 + 61, b, sizeof b);
	assert_string_equal(b, "1-00:01:01");
	sinfo_time(INT64_MAX, b, sizeof b);
	assert_true(strlen(b) > 0);
}

/*
 * sinfo's default format: the partition column as wide as the longest
 * name (its "*" counted), at least 9 (print.c's _set_part_field_size), so
 * a long name is never cut.
 */
static void part_format(void **state)
{
	(void)state;
	static struct listfmt f;
	char spec[64], err[256], hdr[256];
	sinfo_part_format(parts, 2, spec, sizeof spec);
	assert_string_equal(spec, "%9P %.5a %.10l %.6D %.6t %N");
	struct sinfo_part lp[] = { { "interactive", 1, 0, 0 }, { "gpu", 0, 0, 0 } };
	struct sinfo_node ln[] = { { "n1", "IDLE", "interactive", 1, 1, "" },
	    { "n2", "IDLE", "gpu", 1, 1, "" } };
	sinfo_part_format(lp, 2, spec, sizeof spec);
	assert_string_equal(spec, "%12P %.5a %.10l %.6D %.6t %N");
	assert_int_equal(listfmt_parse_letters(spec, sinfo_cols, nsinfo_cols, &f, err, sizeof err), 0);
	sinfo_header(&f, hdr, sizeof hdr);
	assert_string_equal(hdr, "PARTITION    AVAIL  TIMELIMIT  NODES  STATE NODELIST");
	struct sinfo_query q = { &f, NULL, NULL, 0 };
	nout = 0;
	assert_int_equal(sinfo_lines(&q, lp, 2, ln, 2, collect, NULL), 2);
	assert_string_equal(out[0], "interactive*    up   infinite      1   idle n1");
	assert_string_equal(out[1], "gpu             up   infinite      1   idle n2");
	sinfo_part_format(NULL, 0, spec, sizeof spec);
	assert_string_equal(spec, "%9P %.5a %.10l %.6D %.6t %N");
	/* Hostile: a NULL name, one far past any width: capped, still parses. */
	static char huge[20000];
	memset(huge, 'p', sizeof huge - 1);
	struct sinfo_part hp[] = { { NULL, 1, 0, 0 }, { huge, 1, 0, 0 } };
	sinfo_part_format(hp, 2, spec, sizeof spec);
	assert_int_equal(listfmt_parse_letters(spec, sinfo_cols, nsinfo_cols, &f, err, sizeof err), 0);
	char small[8];
	sinfo_part_format(hp, 2, small, sizeof small);
	assert_true(strlen(small) < sizeof small);
}

static void node_format(void **state)
{
	(void)state;
	char f[64];
	sinfo_node_format(parts, 2, nodes, NNODES, f, sizeof f);
	assert_string_equal(f, "%9N %.6D %9P %6t");	/* MIN_NODE_FIELD_SIZE 9 */
	struct sinfo_node lng[] = { { "a-very-long-node-name-01", "IDLE", "", 1, 1, "" } };
	struct sinfo_part lp[] = { { "partition-long", 1, 0, 0 } };
	sinfo_node_format(lp, 1, lng, 1, f, sizeof f);
	assert_string_equal(f, "%24N %.6D %15P %6t");
	assert_int_equal(run("%N", NULL, NULL, 0), 2);
}

/* Hostile input: NULL names, control bytes, absurd formats, many nodes. */
static void hostile(void **state)
{
	(void)state;
	static struct sinfo_node many[SINFO_NODES_MAX + 10];
	static char names[SINFO_NODES_MAX + 10][16];
	static struct listfmt f;
	char err[256];
	for (size_t i = 0; i < SINFO_NODES_MAX + 10; i++) {
		snprintf(names[i], sizeof names[i], "n%zu", i);
		many[i] = (struct sinfo_node){ names[i], i % 2 ? "IDLE" : "\033X", "", 1, 1, "" };
	}
	many[3].name = NULL;
	many[5].state = NULL;
	assert_int_equal(listfmt_parse_letters("%.1024N|%D|%t", sinfo_cols, nsinfo_cols, &f, err,
	    sizeof err), 0);
	struct sinfo_query q = { &f, NULL, NULL, 0 };
	const struct sinfo_part all = { "all", 1, 0, 0 };
	nout = 0;
	assert_true(sinfo_lines(&q, &all, 1, many, SINFO_NODES_MAX + 10, collect, NULL) >= 2);
	for (size_t i = 0; i < nout; i++)
		assert_null(strchr(out[i], '\033'));
	/* A format sinfo does not know is refused. */
	assert_int_equal(listfmt_parse_letters("%Z", sinfo_cols, nsinfo_cols, &f, err, sizeof err), -1);
	/* Nodes whose parts are NULL are in every partition; none listed: no rows. */
	assert_int_equal(listfmt_parse_letters("%N", sinfo_cols, nsinfo_cols, &f, err, sizeof err), 0);
	nout = 0;
	assert_int_equal(sinfo_lines(&q, &all, 1, many, 0, collect, NULL), 0);
	assert_int_equal(sinfo_lines(&q, NULL, 0, many, 4, collect, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_format),
		cmocka_unit_test(fields),
		cmocka_unit_test(states_and_times),
		cmocka_unit_test(node_format),
		cmocka_unit_test(part_format),
		cmocka_unit_test(hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

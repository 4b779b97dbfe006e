/*
 * test_probe.c — the probe script through real shells, and the parsers of
 * what it prints against real and hostile nvidia-smi output.
 *
 * Real captures are read from $HERD_SHARED/fixtures/nvidia-smi (default
 * ../shared); those tests skip when the directory is absent.  Our own
 * captures live in tests/fixtures/nvidia-smi.  The script runs under every
 * POSIX shell found here, with stdin holding the script followed by a marker
 * command: the marker must still run, which proves the script neither read
 * the shell's stdin nor ended the shell.  With no nvidia-smi on PATH it
 * reports gpu_rc 127; with scripts/fake-nvidia-smi it reports its GPUs.
 */
#include <dirent.h>
#include <fcntl.h>
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

#include "probe.h"
#include "util.h"

#define OWN	"tests/fixtures/nvidia-smi/"
#define MARKER	"herd-probe-marker"

static const char *noheader_na_fields =
    "memory.total,memory.free,memory.used,temperature.gpu,fan.speed,"
    "utilization.gpu,utilization.memory";

static char *slurp(const char *path, size_t *len)
{
	struct buf b;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	buf_init(&b, 8u << 20);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(f);
	if (b.data == NULL)
		assert_int_equal(buf_add(&b, "", 0), 0);
	return buf_detach(&b, len);
}

static char *own(const char *name, size_t *len)
{
	char path[256];
	char *s;

	snprintf(path, sizeof path, OWN "%s", name);
	s = slurp(path, len);
	if (s == NULL)
		fail_msg("missing fixture %s", path);
	return s;
}

static const char *shared_dir(void)
{
	static char dir[1024];
	const char *base = getenv("HERD_SHARED");
	struct stat st;

	snprintf(dir, sizeof dir, "%s/fixtures/nvidia-smi",
	    base != NULL && *base != '\0' ? base : "../shared");
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return NULL;
	return dir;
}

/* A real capture, or skip the test when the shared data is not here. */
static char *shared(const char *name, size_t *len)
{
	const char *dir = shared_dir();
	char path[1200];
	char *s;

	if (dir == NULL) {
		print_message("skip: no shared fixtures (set HERD_SHARED)\n");
		skip();
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	s = slurp(path, len);
	if (s == NULL)
		fail_msg("missing shared capture %s", path);
	return s;
}

static int gpus(const char *s, size_t len, const char *fields,
    struct probe_result *r, char *err)
{
	probe_result_clear(r);
	err[0] = '\0';
	return nvsmi_parse_gpus(s, len, fields, r, err, HERD_ERRLEN);
}

static int apps(const char *s, size_t len, const char *fields,
    struct probe_result *r, char *err)
{
	probe_result_clear(r);
	err[0] = '\0';
	return nvsmi_parse_apps(s, len, fields, r, err, HERD_ERRLEN);
}

#define GPUS(s, f) gpus((s), strlen(s), (f), &r, err)
#define APPS(s, f) apps((s), strlen(s), (f), &r, err)

/* ---- our own captures ---- */

static void check_2gpu(const struct probe_result *r)
{
	assert_int_equal(r->ngpus, 2);
	assert_int_equal(r->gpus[0].index, 0);
	assert_string_equal(r->gpus[0].uuid,
	    "GPU-3f2a9c1e-7b44-4d0e-9a51-0c8e2d6b7f10");
	assert_string_equal(r->gpus[0].name, "NVIDIA H100 80GB HBM3");
	assert_int_equal(r->gpus[0].mem_total_mb, 81559);
	assert_int_equal(r->gpus[0].mem_used_mb, 4);
	assert_int_equal(r->gpus[0].util, 0);
	assert_int_equal(r->gpus[1].index, 1);
	assert_int_equal(r->gpus[1].mem_used_mb, 30721);
	assert_int_equal(r->gpus[1].util, 97);
}

static void t_own_gpus(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN], *s;
	size_t len;

	(void)state;
	probe_result_init(&r);
	s = own("querygpu_2gpu_header_units.csv", &len);
	assert_int_equal(gpus(s, len, NULL, &r, err), 0);
	check_2gpu(&r);
	free(s);
	s = own("querygpu_2gpu_noheader_nounits.csv", &len);
	assert_int_equal(gpus(s, len, PROBE_GPU_FIELDS, &r, err), 0);
	check_2gpu(&r);
	/* Appends: a second parse adds to the first. */
	assert_int_equal(nvsmi_parse_gpus(s, len, PROBE_GPU_FIELDS, &r, err,
	    sizeof err), 0);
	assert_int_equal(r.ngpus, 4);
	free(s);
	s = own("querygpu_na_notsupported_noheader_nounits.csv", &len);
	assert_int_equal(gpus(s, len, PROBE_GPU_FIELDS, &r, err), 0);
	assert_int_equal(r.ngpus, 2);
	assert_int_equal(r.gpus[0].mem_total_mb, 980);
	assert_int_equal(r.gpus[0].util, -1);
	assert_int_equal(r.gpus[1].mem_total_mb, -1);
	assert_int_equal(r.gpus[1].mem_used_mb, -1);
	assert_int_equal(r.gpus[1].util, -1);
	assert_string_equal(r.gpus[1].name, "NVIDIA A100-SXM4-80GB");
	free(s);
	s = own("querygpu_1gpu_crlf.csv", &len);
	assert_int_equal(gpus(s, len, NULL, &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_string_equal(r.gpus[0].name, "NVIDIA L40S");
	assert_int_equal(r.gpus[0].util, 9);
	free(s);
	probe_result_clear(&r);
}

static void t_own_apps(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN], *s;
	size_t len;
	int pass;

	(void)state;
	probe_result_init(&r);
	for (pass = 0; pass < 2; pass++) {
		s = own(pass ? "computeapps_noheader_nounits.csv" :
		    "computeapps_header_units.csv", &len);
		assert_int_equal(apps(s, len, pass ? PROBE_APP_FIELDS : NULL,
		    &r, err), 0);
		assert_int_equal(r.napps, 2);
		assert_string_equal(r.apps[0].gpu_uuid,
		    "GPU-b81c5d27-2e93-4a6f-8d0c-5e19a7f3c462");
		assert_int_equal(r.apps[0].pid, 48213);
		assert_string_equal(r.apps[0].process, "/opt/conda/bin/python3.11");
		assert_int_equal(r.apps[0].used_mb, 30712);
		assert_int_equal(r.apps[1].pid, 48301);
		assert_int_equal(r.apps[1].used_mb, -1);
		free(s);
	}
	probe_result_clear(&r);
}

static void t_own_errors(void **state)
{
	static const char *files[] = { "error_driver_not_loaded.txt",
	    "error_no_devices.txt", "error_device_handle.txt" };
	struct probe_result r;
	char err[HERD_ERRLEN], *s, *nl;
	size_t len, i;

	(void)state;
	probe_result_init(&r);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		s = own(files[i], &len);
		assert_int_equal(gpus(s, len, PROBE_GPU_FIELDS, &r, err), -1);
		assert_int_equal(r.ngpus, 0);
		nl = strchr(s, '\n');
		*nl = '\0';
		/* The message itself is what an operator needs to see. */
		assert_string_equal(err, s);
		*nl = '\n';
		assert_int_equal(gpus(s, len, NULL, &r, err), -1);
		assert_int_equal(apps(s, len, PROBE_APP_FIELDS, &r, err), -1);
		free(s);
	}
	probe_result_clear(&r);
}

/* ---- real captures ---- */

struct want {
	const char *file;
	const char *name;
	int64_t total, used;
	int util;
};

static void t_real_querygpu(void **state)
{
	static const struct want w[] = {
		{ "querygpu_gpuexp_h200_590.48.01_load.csv", "NVIDIA H200",
		    143771, 32362, 100 },
		{ "querygpu_gpuexp_h100-mig_590.48.01_load.csv",
		    "NVIDIA H100 80GB HBM3", 81559, 11125, -1 },
		{ "querygpu_gpuexp_l40s_595.80_load.csv", "NVIDIA L40S",
		    46068, 1235, 9 },
		{ "querygpu_gpuexp_rtx2080super_610.57.04_idle.csv",
		    "NVIDIA GeForce RTX 2080 SUPER", 8192, 211, 0 },
	};
	struct probe_result r;
	char err[HERD_ERRLEN], *s;
	size_t len, i;

	(void)state;
	probe_result_init(&r);
	for (i = 0; i < sizeof w / sizeof w[0]; i++) {
		s = shared(w[i].file, &len);
		if (gpus(s, len, NULL, &r, err) != 0)
			fail_msg("%s: %s", w[i].file, err);
		assert_int_equal(r.ngpus, 1);
		assert_int_equal(r.gpus[0].index, 0);
		assert_string_equal(r.gpus[0].name, w[i].name);
		assert_string_equal(r.gpus[0].uuid,
		    "GPU-00000000-0000-0000-0000-000000000000");
		assert_int_equal(r.gpus[0].mem_total_mb, w[i].total);
		assert_int_equal(r.gpus[0].mem_used_mb, w[i].used);
		assert_int_equal(r.gpus[0].util, w[i].util);
		free(s);
	}
	probe_result_clear(&r);
}

static void t_real_small(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN], *s;
	size_t len;

	(void)state;
	probe_result_init(&r);
	s = shared("querygpu_header_notsupported_issue-tuxclocker-15.csv", &len);
	assert_int_equal(gpus(s, len, NULL, &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_int_equal(r.gpus[0].index, 0);
	assert_int_equal(r.gpus[0].util, -1);
	assert_int_equal(r.gpus[0].mem_total_mb, -1);
	free(s);
	s = shared("querygpu_noheader-nounits_na_issue-i3pystatus-776.csv", &len);
	assert_int_equal(gpus(s, len, noheader_na_fields, &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_int_equal(r.gpus[0].mem_total_mb, 2004);
	assert_int_equal(r.gpus[0].mem_used_mb, 0);
	assert_int_equal(r.gpus[0].util, 0);
	free(s);
	s = shared("querygpu_noheader-nounits_unknown-error_pr-i3pystatus-850.csv",
	    &len);
	/* Nothing we know was asked for: refused rather than a blank GPU. */
	assert_int_equal(gpus(s, len, "fan.speed", &r, err), -1);
	/* The same "[Unknown Error]" in a field we do read is unknown. */
	assert_int_equal(gpus(s, len, "utilization.gpu", &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_int_equal(r.gpus[0].util, -1);
	free(s);
	probe_result_clear(&r);
}

static void t_real_apps(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN], *s;
	size_t len;

	(void)state;
	probe_result_init(&r);
	s = shared("computeapps_gpuexp_h100-80gb_590.48.01_idle_empty.csv", &len);
	assert_int_equal(apps(s, len, NULL, &r, err), 0);
	assert_int_equal(r.napps, 0);
	free(s);
	s = shared("computeapps_gpuexp_h100-mig_590.48.01_load.csv", &len);
	assert_int_equal(apps(s, len, NULL, &r, err), 0);
	assert_int_equal(r.napps, 3);
	assert_int_equal(r.apps[0].pid, 21180);
	assert_string_equal(r.apps[0].process, "/root/tools/memhog");
	assert_int_equal(r.apps[0].used_mb, 2296);
	assert_int_equal(r.apps[2].pid, 21198);
	assert_string_equal(r.apps[2].process, "./gpu_burn");
	assert_int_equal(r.apps[2].used_mb, 7484);
	assert_string_equal(r.apps[2].gpu_uuid,
	    "GPU-00000000-0000-0000-0000-000000000000");
	free(s);
	s = shared("computeapps_gpuexp_l40s_595.80_load.csv", &len);
	assert_int_equal(apps(s, len, NULL, &r, err), 0);
	assert_int_equal(r.napps, 2);
	assert_string_equal(r.apps[1].process, "ffmpeg");
	assert_int_equal(r.apps[1].used_mb, 681);
	free(s);
	probe_result_clear(&r);
}

static void t_real_errors(void **state)
{
	static const char *files[] = {
		"error_driver-not-loaded_issue-manylinux-cuda-5.txt",
		"error_gpu-is-lost_issue-owod-81.txt",
		"error_no-devices_issue-open-gpu-kernel-modules-862.txt",
	};
	struct probe_result r;
	char err[HERD_ERRLEN], *s;
	size_t len, i;

	(void)state;
	probe_result_init(&r);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		s = shared(files[i], &len);
		assert_int_equal(gpus(s, len, PROBE_GPU_FIELDS, &r, err), -1);
		assert_int_equal(strncmp(err, s, 20), 0);
		assert_int_equal(gpus(s, len, NULL, &r, err), -1);
		assert_int_equal(strncmp(err, s, 20), 0);
		free(s);
	}
	probe_result_clear(&r);
}

/* Every capture, in every mode: no crash, and no GPUs out of non-CSV. */
static void t_real_everything(void **state)
{
	const char *fields[] = { NULL, PROBE_GPU_FIELDS, PROBE_APP_FIELDS };
	const char *dir = shared_dir();
	struct probe_result r;
	struct dirent *e;
	char err[HERD_ERRLEN], path[1200], *s;
	size_t len, i, n = 0;
	DIR *d;

	(void)state;
	if (dir == NULL) {
		print_message("skip: no shared fixtures (set HERD_SHARED)\n");
		skip();
	}
	assert_non_null(d = opendir(dir));
	probe_result_init(&r);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_non_null(s = slurp(path, &len));
		for (i = 0; i < 3; i++) {
			int rc = gpus(s, len, fields[i], &r, err);
			if (strncmp(e->d_name, "querygpu_", 9) != 0)
				assert_true(rc == -1 || r.ngpus == 0);
			assert_true(rc == 0 || err[0] != '\0');
			rc = apps(s, len, fields[i], &r, err);
			if (strncmp(e->d_name, "computeapps_", 12) != 0)
				assert_true(rc == -1 || r.napps == 0);
			assert_true(rc == 0 || err[0] != '\0');
		}
		free(s);
		n++;
	}
	closedir(d);
	assert_true(n >= 10);
	probe_result_clear(&r);
}

/* ---- hostile input ---- */

static void t_hostile_values(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN];
	const char *f = PROBE_GPU_FIELDS;

	(void)state;
	probe_result_init(&r);
	assert_int_equal(GPUS("", f), 0);
	assert_int_equal(r.ngpus, 0);
	assert_int_equal(GPUS("\n\r\n  \n", NULL), 0);
	assert_int_equal(GPUS("0, GPU-a, X, -5, 1, 1\n", f), -1);
	assert_non_null(strstr(err, "memory.total"));
	assert_int_equal(GPUS("0, GPU-a, X, 99999999999999999999999, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, 9223372036854775807, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 101\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1.5\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, 1 GiB, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, , 1, 1\n", f), -1);
	assert_int_equal(GPUS("-1, GPU-a, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("[N/A], GPU-a, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("2147483648, GPU-a, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, GPU a, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, GPU-\x7f, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, 2004, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, GPU-, X, 1, 1, 1\n", f), -1);
	assert_int_equal(GPUS("0, MIG-GPU-a/1/0, X, 1, 1, 1\n", f), 0);
	/* A field list naming nothing we know. */
	assert_int_equal(GPUS("1, 2\n", "foo,bar"), -1);
	assert_int_equal(APPS("GPU-a, p\n", "gpu_uuid,process_name"), -1);
	/* Missing a column, on the second line: the line is named. */
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1\n1, GPU-b, X, 1, 1\n", f), -1);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(r.ngpus, 0);
	/* Units where nounits was asked are still read; N/A without brackets. */
	assert_int_equal(GPUS("3, GPU-a, X, 81559 MiB, N/A, 35 %\n", f), 0);
	assert_int_equal(r.gpus[0].index, 3);
	assert_int_equal(r.gpus[0].mem_total_mb, 81559);
	assert_int_equal(r.gpus[0].mem_used_mb, -1);
	assert_int_equal(r.gpus[0].util, 35);
	/* Control bytes in a name never reach the struct. */
	assert_int_equal(GPUS("0, GPU-a, X\033[31mY\x01, 1, 1, 1\n", f), 0);
	assert_null(strchr(r.gpus[0].name, '\033'));
	/* A name with ", " in it: the surplus folds into the name. */
	assert_int_equal(GPUS("0, GPU-a, Tesla, rev 2, 1, 1, 1\n", f), 0);
	assert_string_equal(r.gpus[0].name, "Tesla, rev 2");
	assert_int_equal(r.gpus[0].mem_total_mb, 1);
	/* Plain commas (hand-written) read too. */
	assert_int_equal(GPUS("0,GPU-a,X Y,10,2,3\n", f), 0);
	assert_string_equal(r.gpus[0].name, "X Y");
	assert_int_equal(r.gpus[0].util, 3);
	/* Header only: no GPUs.  Unknown header: not CSV. */
	assert_int_equal(GPUS("index, uuid\n", NULL), 0);
	assert_int_equal(r.ngpus, 0);
	assert_int_equal(GPUS("foo, bar\n1, 2\n", NULL), -1);
	/* Warnings that nvidia-smi prints on stderr are passed over. */
	assert_int_equal(GPUS("WARNING: infoROM is corrupted at gpu 0000:04:00.0\n"
	    "0, GPU-a, X, 1, 1, 1\n", f), 0);
	assert_int_equal(r.ngpus, 1);
	probe_result_clear(&r);
}

static void t_hostile_sizes(void **state)
{
	struct probe_result r;
	struct buf b;
	char err[HERD_ERRLEN];
	int i;

	(void)state;
	probe_result_init(&r);
	/* NUL bytes. */
	assert_int_equal(gpus("0, GPU-a, X\0Y, 1, 1, 1\n", 23, PROBE_GPU_FIELDS,
	    &r, err), -1);
	assert_non_null(strstr(err, "NUL"));
	/* 10,000 columns: a header with our fields at the far end. */
	buf_init(&b, PROBE_OUTPUT_MAX + 2);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b, "f%d [MiB], ", i), 0);
	assert_int_equal(buf_addstr(&b, "index, memory.total [MiB]\n"), 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(buf_addstr(&b, "[N/A], "), 0);
	assert_int_equal(buf_addstr(&b, "7, 512 MiB\n"), 0);
	assert_int_equal(gpus(b.data, b.len, NULL, &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_int_equal(r.gpus[0].index, 7);
	assert_int_equal(r.gpus[0].mem_total_mb, 512);
	/* ... and a noheader row of 10,000 columns. */
	assert_int_equal(gpus(b.data + b.len / 2, b.len - b.len / 2,
	    PROBE_GPU_FIELDS, &r, err), -1);
	/* A 1 MiB line: exactly the bound parses, one byte more does not. */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "0, GPU-a, "), 0);
	while (b.len < PROBE_OUTPUT_MAX - 20)
		assert_int_equal(buf_addc(&b, 'n'), 0);
	assert_int_equal(buf_addstr(&b, ", 1, 1, 1\n"), 0);
	while (b.len < PROBE_OUTPUT_MAX)
		assert_int_equal(buf_addc(&b, '\n'), 0);
	assert_int_equal(gpus(b.data, b.len, PROBE_GPU_FIELDS, &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_int_equal(strlen(r.gpus[0].name), sizeof r.gpus[0].name - 1);
	assert_int_equal(buf_addc(&b, '\n'), 0);
	assert_int_equal(gpus(b.data, b.len, PROBE_GPU_FIELDS, &r, err), -1);
	buf_clear(&b);
	probe_result_clear(&r);
}

static void t_hostile_counts(void **state)
{
	struct probe_result r;
	struct buf b;
	char err[HERD_ERRLEN];
	int i;

	(void)state;
	probe_result_init(&r);
	buf_init(&b, PROBE_OUTPUT_MAX);
	for (i = 0; i < PROBE_MAX_GPUS; i++)
		assert_int_equal(buf_printf(&b, "%d, GPU-%d, X, 1, 1, 1\n", i, i), 0);
	assert_int_equal(gpus(b.data, b.len, PROBE_GPU_FIELDS, &r, err), 0);
	assert_int_equal(r.ngpus, PROBE_MAX_GPUS);
	assert_int_equal(buf_printf(&b, "%d, GPU-x, X, 1, 1, 1\n", i), 0);
	assert_int_equal(gpus(b.data, b.len, PROBE_GPU_FIELDS, &r, err), -1);
	assert_non_null(strstr(err, "more than"));
	assert_int_equal(r.ngpus, 0);
	buf_reset(&b);
	for (i = 0; i <= PROBE_MAX_APPS; i++)
		assert_int_equal(buf_printf(&b, "GPU-a, %d, p, 1\n", i + 1), 0);
	assert_int_equal(apps(b.data, b.len, PROBE_APP_FIELDS, &r, err), -1);
	assert_int_equal(r.napps, 0);
	/* A process path with ", " in it. */
	assert_int_equal(APPS("GPU-a, 12, /opt/a, b/run, 100\n", PROBE_APP_FIELDS), 0);
	assert_string_equal(r.apps[0].process, "/opt/a, b/run");
	assert_int_equal(r.apps[0].used_mb, 100);
	assert_int_equal(APPS("GPU-a, -12, p, 100\n", PROBE_APP_FIELDS), -1);
	assert_int_equal(APPS("No running processes found\n", PROBE_APP_FIELDS), 0);
	assert_int_equal(r.napps, 0);
	buf_clear(&b);
	probe_result_clear(&r);
}

/* ---- probe_parse ---- */

#define HEAD "hostname node1\ncpus 16\nmem_kb 131072000\n" \
	"boot_id 2c1d0c5e-8f1a-4c1e-9d41-0b7e7a3f5e21\ncgroup v2\n"

static int pp(const char *s, struct probe_result *r, char *err)
{
	err[0] = '\0';
	return probe_parse(s, strlen(s), r, err, HERD_ERRLEN);
}

static void t_parse_ok(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN];

	(void)state;
	probe_result_init(&r);
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\n"
	    "0, GPU-a, NVIDIA H100 80GB HBM3, 81559, 4, 0\n"
	    "1, GPU-b, NVIDIA H100 80GB HBM3, 81559, 30721, 97\n"
	    "apps\nGPU-b, 4242, python3, 30712\nend\n", &r, err), 0);
	assert_string_equal(r.hostname, "node1");
	assert_int_equal(r.cpus, 16);
	assert_int_equal(r.mem_mb, 128000);
	assert_string_equal(r.boot_id, "2c1d0c5e-8f1a-4c1e-9d41-0b7e7a3f5e21");
	assert_string_equal(r.cgroup, "v2");
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.ngpus, 2);
	assert_int_equal(r.gpus[1].util, 97);
	assert_int_equal(r.napps, 1);
	assert_int_equal(r.apps[0].pid, 4242);
	/* Parsing again replaces, CRLF and unknown lines are fine. */
	assert_int_equal(pp("future_key 1 2 3\r\ncpus 2\r\nmem_kb 2048\r\n"
	    "cgroup hybrid\r\ngpu_rc 0\r\ngpus\r\napps\r\nend\r\n", &r, err), 0);
	assert_int_equal(r.cpus, 2);
	assert_int_equal(r.mem_mb, 2);
	assert_string_equal(r.cgroup, "none");
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.ngpus, 0);
	assert_int_equal(pp(HEAD "gpu_rc 127\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_NONE);
	probe_result_clear(&r);
}

static void t_parse_gpu_errors(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN];

	(void)state;
	probe_result_init(&r);
	assert_int_equal(pp(HEAD "gpu_rc 9\ngpus\n\n"
	    "NVIDIA-SMI has failed because\x1b[2J it couldn't\n\napps\nend\n",
	    &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_string_equal(r.gpu_error,
	    "NVIDIA-SMI has failed because\\033[2J it couldn't");
	assert_int_equal(pp(HEAD "gpu_rc 124\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_non_null(strstr(r.gpu_error, "124"));
	/* nvidia-smi said 0 but printed rubbish: an error, not a failed probe. */
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\nrubbish\napps\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_int_equal(r.ngpus, 0);
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\n0, GPU-a, X, 1, 1, 1\n"
	    "apps\nrubbish\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_int_equal(r.ngpus, 0);
	assert_non_null(strstr(r.gpu_error, "apps"));
	probe_result_clear(&r);
}

static void t_parse_bad(void **state)
{
	static const char *bad[] = {
		"mem_kb 1\ngpus\napps\nend\n",			/* no cpus */
		"cpus 1\ngpus\napps\nend\n",			/* no mem_kb */
		"cpus 1\nmem_kb 1\ngpu_rc 0\ngpus\napps\n",	/* cut short */
		"cpus 1\ncpus 2\nmem_kb 1\nend\n",		/* twice */
		"cpus 0\nmem_kb 1\nend\n",
		"cpus -1\nmem_kb 1\nend\n",
		"cpus 1\nmem_kb 99999999999999999999999\nend\n",
		"cpus 1\nmem_kb 12 kB\nend\n",
		"cpus\nmem_kb 1\nend\n",
		"cpus 1\nmem_kb 1\ngpu_rc 256\nend\n",
		"cpus 1\nmem_kb 1\nboot_id 0123456789012345678901234567890123456789"
		    "012345678901234567890123456789\nend\n",
		"cpus 1\nmem_kb 1\nhostname a\x01\nend\n",
		"",
	};
	struct probe_result r;
	char err[HERD_ERRLEN];
	size_t i;

	(void)state;
	probe_result_init(&r);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (pp(bad[i], &r, err) != -1)
			fail_msg("case %zu parsed", i);
		assert_true(err[0] != '\0');
		assert_null(r.gpus);
	}
	assert_int_equal(probe_parse("cpus 1\nmem_kb 1\n\0end\n", 19, &r, err,
	    sizeof err), -1);
	probe_result_clear(&r);
}

static void t_parse_too_many(void **state)
{
	struct probe_result r;
	struct buf b;
	char err[HERD_ERRLEN];
	int i;

	(void)state;
	probe_result_init(&r);
	buf_init(&b, 2 * PROBE_OUTPUT_MAX);
	assert_int_equal(buf_addstr(&b, HEAD "gpu_rc 0\ngpus\n"), 0);
	for (i = 0; i <= PROBE_MAX_GPUS; i++)
		assert_int_equal(buf_printf(&b, "%d, GPU-%d, X, 1, 1, 1\n", i, i), 0);
	assert_int_equal(buf_addstr(&b, "apps\nend\n"), 0);
	assert_int_equal(probe_parse(b.data, b.len, &r, err, sizeof err), 0);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_int_equal(r.ngpus, 0);
	while (b.len <= PROBE_OUTPUT_MAX)
		assert_int_equal(buf_addstr(&b, "padding\n"), 0);
	assert_int_equal(probe_parse(b.data, b.len, &r, err, sizeof err), -1);
	buf_clear(&b);
	probe_result_clear(&r);
}

/* ---- the script through real shells ---- */

static char tmpdir[64];

static int exists(const char *path)
{
	return access(path, X_OK) == 0;
}

/*
 * Run the probe in `argv` with stdin = script + a marker command twice
 * over, PATH = `path`; return stdout.
 */
static char *run_probe(char *const argv[], const char *path,
    const char *fakedir, size_t *len)
{
	char in[128], *env[5], envpath[1200], envfake[300], chunk[4096];
	struct buf out;
	int p[2], fd, st;
	ssize_t n;
	pid_t pid;
	int k;

	snprintf(in, sizeof in, "%s/stdin", tmpdir);
	assert_true((fd = open(in, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	for (k = 0; k < 2; k++) {
		assert_int_equal(write_all(fd, probe_script(),
		    strlen(probe_script())), 0);
		assert_int_equal(write_all(fd, "echo " MARKER "\n", 23), 0);
	}
	close(fd);
	snprintf(envpath, sizeof envpath, "PATH=%s", path);
	snprintf(envfake, sizeof envfake, "HERD_FAKE_GPU_DIR=%s",
	    fakedir != NULL ? fakedir : "");
	env[0] = envpath;
	env[1] = envfake;
	env[2] = "OMP_NUM_THREADS=1";	/* must not shrink cpus */
	env[3] = "ENV=";
	env[4] = NULL;
	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		fd = open(in, O_RDONLY);
		dup2(fd, 0);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(argv[0], argv, env);
		_exit(126);
	}
	assert_true(pid > 0);
	close(p[1]);
	buf_init(&out, PROBE_OUTPUT_MAX * 2);
	while ((n = read(p[0], chunk, sizeof chunk)) > 0)
		assert_int_equal(buf_add(&out, chunk, (size_t)n), 0);
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (out.data == NULL)
		assert_int_equal(buf_add(&out, "", 0), 0);
	return buf_detach(&out, len);
}

/* Both runs must parse, and the marker must follow each. */
static void probe_twice(char *const argv[], const char *path,
    const char *fakedir, struct probe_result *r)
{
	char err[HERD_ERRLEN], *s, *m1, *m2;
	size_t len;

	s = run_probe(argv, path, fakedir, &len);
	m1 = strstr(s, "end\n" MARKER "\n");
	if (m1 == NULL)
		fail_msg("%s: no marker after the probe:\n%s", argv[0], s);
	m2 = strstr(m1 + 1, "end\n" MARKER "\n");
	assert_non_null(m2);
	assert_int_equal(probe_parse(m1 + 22, (size_t)(m2 + 4 - (m1 + 22)), r,
	    err, sizeof err), 0);
	if (probe_parse(s, (size_t)(m1 + 4 - s), r, err, sizeof err) != 0)
		fail_msg("%s: %s\n%s", argv[0], err, s);
	assert_true(r->cpus >= 1);
	assert_true(r->mem_mb > 0);
	assert_true(r->boot_id[0] != '\0');
	assert_true(r->hostname[0] != '\0');
	free(s);
}

static int shell_argv(int i, char *argv[4])
{
	static char *const tab[][4] = {
		{ "/bin/sh", "-s", NULL, NULL },
		{ "/bin/dash", "-s", NULL, NULL },
		{ "/bin/bash", "--posix", "-s", NULL },
		{ "/bin/busybox", "sh", "-s", NULL },
		{ "/bin/mksh", "-s", NULL, NULL },
	};

	if (i >= (int)(sizeof tab / sizeof tab[0]))
		return -1;
	memcpy(argv, tab[i], sizeof tab[i]);
	return exists(argv[0]) ? 1 : 0;
}

static void t_script_no_gpu(void **state)
{
	struct probe_result r;
	char *argv[4], path[300];
	int i, rc, ran = 0;

	(void)state;
	/* A PATH of this machine's tools, minus any real nvidia-smi. */
	snprintf(path, sizeof path, "%s/empty:/usr/local/bin:/usr/bin:/bin", tmpdir);
	probe_result_init(&r);
	for (i = 0; (rc = shell_argv(i, argv)) >= 0; i++) {
		if (rc == 0)
			continue;
		probe_twice(argv, path, NULL, &r);
		if (!exists("/usr/bin/nvidia-smi") && !exists("/bin/nvidia-smi") &&
		    !exists("/usr/local/bin/nvidia-smi"))
			assert_int_equal(r.gpu_state, GPUS_NONE);
		ran++;
	}
	assert_true(ran >= 1);
	/* nproc ignored OMP_NUM_THREADS=1 from the environment. */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		assert_true(r.cpus > 1);
	probe_result_clear(&r);
}

static void write_file(const char *path, const char *text, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write_all(fd, text, strlen(text)), 0);
	close(fd);
}

/* A nvidia-smi that tries to eat the shell's stdin, then fails. */
static void t_script_greedy_nvsmi(void **state)
{
	struct probe_result r;
	char *argv[4], path[300], bin[200];
	int i, rc;

	(void)state;
	snprintf(bin, sizeof bin, "%s/greedy/nvidia-smi", tmpdir);
	write_file(bin, "#!/bin/sh\ncat >/dev/null\necho 'GPU is lost'\nexit 3\n",
	    0755);
	snprintf(path, sizeof path, "%s/greedy:/usr/bin:/bin", tmpdir);
	probe_result_init(&r);
	for (i = 0; (rc = shell_argv(i, argv)) >= 0; i++) {
		if (rc == 0)
			continue;
		probe_twice(argv, path, NULL, &r);
		assert_int_equal(r.gpu_state, GPUS_ERROR);
		assert_string_equal(r.gpu_error, "GPU is lost");
	}
	probe_result_clear(&r);
}

/* The project's fake nvidia-smi, fed our own captures. */
static void t_script_fake_nvsmi(void **state)
{
	struct probe_result r;
	char *argv[4], path[300], link[200], fake[1100], cwd[900], dir[200];
	char dst[300], *s;
	size_t len;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(fake, sizeof fake, "%s/scripts/fake-nvidia-smi", cwd);
	if (!exists(fake) || !exists("/usr/bin/awk")) {
		print_message("skip: no scripts/fake-nvidia-smi or awk\n");
		skip();
	}
	snprintf(link, sizeof link, "%s/fake/nvidia-smi", tmpdir);
	assert_int_equal(symlink(fake, link), 0);
	snprintf(dir, sizeof dir, "%s/gpudata", tmpdir);
	s = own("querygpu_2gpu_header_units.csv", &len);
	snprintf(dst, sizeof dst, "%s/query-gpu.csv", dir);
	write_file(dst, s, 0644);
	free(s);
	s = own("computeapps_header_units.csv", &len);
	snprintf(dst, sizeof dst, "%s/compute-apps.csv", dir);
	write_file(dst, s, 0644);
	free(s);
	snprintf(path, sizeof path, "%s/fake:/usr/bin:/bin", tmpdir);
	probe_result_init(&r);
	assert_int_equal(shell_argv(0, argv), 1);
	probe_twice(argv, path, dir, &r);
	assert_int_equal(r.gpu_state, GPUS_OK);
	check_2gpu(&r);
	assert_int_equal(r.napps, 2);
	assert_int_equal(r.apps[0].pid, 48213);
	/* The fake's broken-driver mode. */
	snprintf(dst, sizeof dst, "%s/error", dir);
	write_file(dst, "No devices were found\n", 0644);
	probe_twice(argv, path, dir, &r);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_string_equal(r.gpu_error, "No devices were found");
	probe_result_clear(&r);
}

static void t_script_text(void **state)
{
	const char *s = probe_script();

	(void)state;
	/* Things that would break the node's long-lived shell. */
	assert_null(strstr(s, "exit"));
	assert_null(strstr(s, "\nset "));
	assert_null(strstr(s, "set -"));
	assert_null(strstr(s, "exec"));
	assert_non_null(strstr(s, PROBE_GPU_FIELDS));
	assert_non_null(strstr(s, PROBE_APP_FIELDS));
}

static int setup(void **state)
{
	const char *sub[] = { "empty", "greedy", "fake", "gpudata" };
	char p[128];
	size_t i;

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/herd-test-probe.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	for (i = 0; i < sizeof sub / sizeof sub[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, sub[i]);
		if (mkdir(p, 0700) != 0)
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/*
 * Free disk in the node's herd directory: probe_program's df through a
 * real /bin/sh (a directory name a shell would misread included); the
 * parser takes an empty value as unknown and refuses anything else odd.
 */
static void t_program_disk(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN], dir[300], prog[400], cmd[500];
	struct buf b;

	(void)state;
	snprintf(dir, sizeof dir, "%s/it's $(x) d", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	buf_init(&b, 1 << 20);
	assert_int_equal(probe_program(&b, dir), 0);
	snprintf(prog, sizeof prog, "%s/prog.sh", tmpdir);
	write_file(prog, b.data, 0600);
	buf_clear(&b);
	snprintf(cmd, sizeof cmd, "/bin/sh -s <'%s'", prog);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_init(&b, 1 << 20);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_add(&b, chunk, n);
	pclose(p);
	probe_result_init(&r);
	if (probe_parse(b.data, b.len, &r, err, sizeof err) != 0)
		fail_msg("%s\n%s", err, b.data);
	assert_true(r.disk_free_kb > 0);
	buf_clear(&b);

	assert_int_equal(pp(HEAD "disk_free_kb \ngpu_rc 127\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.disk_free_kb, -1);
	assert_int_equal(pp(HEAD "disk_free_kb 0\ngpu_rc 127\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.disk_free_kb, 0);
	assert_int_equal(pp(HEAD "disk_free_kb -5\ngpu_rc 127\ngpus\napps\nend\n", &r, err), -1);
	assert_int_equal(pp(HEAD "disk_free_kb 12abc\ngpu_rc 127\ngpus\napps\nend\n", &r, err), -1);
	assert_int_equal(pp(HEAD "disk_free_kb 99999999999999999999\ngpu_rc 127\ngpus\napps\nend\n",
	    &r, err), -1);
	assert_int_equal(pp(HEAD "disk_free_kb 1\ndisk_free_kb 2\ngpu_rc 127\ngpus\napps\nend\n",
	    &r, err), -1);
	assert_non_null(strstr(err, "given twice"));
	probe_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_own_gpus),
		cmocka_unit_test(t_own_apps),
		cmocka_unit_test(t_own_errors),
		cmocka_unit_test(t_real_querygpu),
		cmocka_unit_test(t_real_small),
		cmocka_unit_test(t_real_apps),
		cmocka_unit_test(t_real_errors),
		cmocka_unit_test(t_real_everything),
		cmocka_unit_test(t_hostile_values),
		cmocka_unit_test(t_hostile_sizes),
		cmocka_unit_test(t_hostile_counts),
		cmocka_unit_test(t_parse_ok),
		cmocka_unit_test(t_parse_gpu_errors),
		cmocka_unit_test(t_parse_bad),
		cmocka_unit_test(t_parse_too_many),
		cmocka_unit_test(t_script_text),
		cmocka_unit_test(t_script_no_gpu),
		cmocka_unit_test(t_script_greedy_nvsmi),
		cmocka_unit_test(t_script_fake_nvsmi),
		cmocka_unit_test(t_program_disk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

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
#include <signal.h>
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

/* The probe's field list before pci.bus_id: what our own noheader fixtures
 * and the hostile cases below are written in (any field list is parsed). */
#define F6 "index,uuid,name,memory.total,memory.used,utilization.gpu"

#define OWN	"tests/fixtures/nvidia-smi/"
#define MARKER	"herd-probe-marker"
/* ... and with the bus id, before temperature.gpu (the bus id cases). */
#define F7 F6 ",pci.bus_id"
/* ... and with temperature.gpu (the noheader fixture). */
#define F6T F6 ",temperature.gpu"

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
	assert_int_equal(gpus(s, len, F6T, &r, err), 0);
	check_2gpu(&r);
	/* Appends: a second parse adds to the first. */
	assert_int_equal(nvsmi_parse_gpus(s, len, F6T, &r, err,
	    sizeof err), 0);
	assert_int_equal(r.ngpus, 4);
	free(s);
	probe_result_clear(&r);
	s = own("querygpu_2gpu_busid_noheader_nounits.csv", &len);
	assert_int_equal(gpus(s, len, F7, &r, err), 0);
	check_2gpu(&r);
	assert_string_equal(r.gpus[0].bus_id, "00000000:1B:00.0");
	assert_string_equal(r.gpus[1].bus_id, "00000000:43:00.0");
	free(s);
	probe_result_clear(&r);
	s = own("querygpu_na_notsupported_noheader_nounits.csv", &len);
	assert_int_equal(gpus(s, len, F6T, &r, err), 0);
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
		assert_int_equal(gpus(s, len, F6, &r, err), -1);
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
	const char *bus_id;
};

static void t_real_querygpu(void **state)
{
	static const struct want w[] = {
		{ "querygpu_gpuexp_h200_590.48.01_load.csv", "NVIDIA H200",
		    143771, 32362, 100, "00000000:83:00.0" },
		{ "querygpu_gpuexp_h100-mig_590.48.01_load.csv",
		    "NVIDIA H100 80GB HBM3", 81559, 11125, -1, "00000000:00:09.0" },
		{ "querygpu_gpuexp_l40s_595.80_load.csv", "NVIDIA L40S",
		    46068, 1235, 9, "00000000:01:00.0" },
		{ "querygpu_gpuexp_rtx2080super_610.57.04_idle.csv",
		    "NVIDIA GeForce RTX 2080 SUPER", 8192, 211, 0, "00000000:0C:00.0" },
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
		assert_string_equal(r.gpus[0].bus_id, w[i].bus_id);
		/* The probe's own noheader query over the same capture. */
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
		assert_int_equal(gpus(s, len, F6, &r, err), -1);
		assert_int_equal(strncmp(err, s, 20), 0);
		assert_int_equal(gpus(s, len, NULL, &r, err), -1);
		assert_int_equal(strncmp(err, s, 20), 0);
		free(s);
	}
	probe_result_clear(&r);
}

/* nvidia-smi -L: whole GPUs, and MIG devices under their GPU. */
static void t_real_list(void **state)
{
	struct gpu_info g[GPU_MASK_BITS * 2], out[GPU_MASK_BITS];
	char err[HERD_ERRLEN], *s;
	size_t len, n, k;

	(void)state;
	s = shared("list_gpuexp_h200_590.48.01.txt", &len);
	assert_int_equal(nvsmi_parse_list(s, len, g, GPU_MASK_BITS, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(g[0].name, "NVIDIA H200");
	assert_string_equal(g[0].uuid, "GPU-00000000-0000-0000-0000-000000000000");
	assert_string_equal(g[0].mig_profile, "");
	free(s);
	s = shared("list_gpuexp_8xh100-mig_testdata.txt", &len);
	assert_int_equal(nvsmi_parse_list(s, len, g, sizeof g / sizeof g[0], &n, err,
	    sizeof err), 0);
	assert_true(n > 8);
	assert_int_equal(g[0].index, 0);
	assert_string_equal(g[0].uuid, "GPU-63d1e50a-b952-d15c-0740-12bc14859142");
	assert_string_equal(g[1].uuid, "MIG-4d0efb7d-0970-51d9-b761-0686be6b8af3");
	assert_string_equal(g[1].mig_profile, "1g.10gb");
	assert_int_equal(g[1].mig_index, 0);
	assert_int_equal(g[1].index, 0);
	assert_int_equal(g[7].mig_index, 6);
	assert_string_equal(g[8].uuid, "GPU-7e7d2a20-56b8-3220-e75c-1f3185864bda");
	assert_int_equal(g[9].index, 1);
	/* Each GPU with MIG devices hands out those, each a GPU of its own. */
	struct gpu_info whole[2] = { g[0], g[8] };
	strcpy(whole[0].bus_id, "00000000:1B:00.0");
	k = gpu_mig_expand(whole, 2, g, n, out, GPU_MASK_BITS);
	assert_int_equal(k, 14);
	assert_string_equal(out[0].uuid, g[1].uuid);
	assert_string_equal(out[0].bus_id, "00000000:1B:00.0");
	assert_int_equal(out[0].mem_total_mb, 10240);
	assert_string_equal(out[7].uuid, "MIG-9e577b56-8dad-58fa-9799-b034b7e42ec9");
	assert_int_equal(out[7].index, 1);
	free(s);
}

/* Our own -L capture in the same format: mixed MIG profiles, a whole GPU. */
static void t_own_list(void **state)
{
	struct gpu_info g[16], out[16], q[3];
	char err[HERD_ERRLEN], *s;
	size_t len, n, k;

	(void)state;
	s = own("list_3gpu_mig_mixed.txt", &len);
	assert_int_equal(nvsmi_parse_list(s, len, g, 16, &n, err, sizeof err), 0);
	free(s);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < 3; i++)
		q[i] = g[i == 0 ? 0 : i == 1 ? 3 : 5];
	k = gpu_mig_expand(q, 3, g, n, out, 16);
	assert_int_equal(k, 4);
	assert_string_equal(out[0].mig_profile, "3g.40gb");
	assert_int_equal(out[0].mem_total_mb, 40 * 1024);
	assert_string_equal(out[1].mig_profile, "4g.40gb");
	assert_string_equal(out[2].uuid, "MIG-GPU-b81c5d27-2e93-4a6f-8d0c-5e19a7f3c462/7/0");
	assert_string_equal(out[3].mig_profile, "");	/* a whole GPU stays whole */
	assert_int_equal(out[3].index, 2);
	/* Room for fewer: cut, never overrun. */
	assert_int_equal(gpu_mig_expand(q, 3, g, n, out, 2), 2);
}

static void t_hostile_list(void **state)
{
	struct gpu_info g[4];
	char err[HERD_ERRLEN];
	size_t n;
	static const char *bad[] = {
		"NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n",
		"GPU 0: X (UUID: GPU-a)\nrubbish\n",
		"  MIG 1g.10gb Device 0: (UUID: MIG-a)\n",		/* no GPU above it */
		"GPU x: X (UUID: GPU-a)\n",
		"GPU 64: X (UUID: GPU-a)\n",
		"GPU 0: X (UUID: GPU-a;id)\n",
		"GPU 0: X (UUID: MIG-a)\n",
		"GPU 0: X (UUID: GPU-a\n",
		"GPU 0: X\n",
		"GPU 0: X (UUID: GPU-a)\n  MIG 1g.10gb Device 0: (UUID: GPU-b)\n",
		"GPU 0: X (UUID: GPU-a)\n  MIG 1G;rm Device 0: (UUID: MIG-b)\n",
		"GPU 0: X (UUID: GPU-a)\n  MIG 1g.10gb Device x: (UUID: MIG-b)\n",
		"GPU 0: X (UUID: GPU-a)\n  MIG 1g.10gb Device 0: (UUID: MIG-b) junk\n",
		"GPU 0: X (UUID: GPU-a)\nGPU 1: X (UUID: GPU-b)\nGPU 2: X (UUID: GPU-c)\n"
		    "GPU 3: X (UUID: GPU-d)\nGPU 4: X (UUID: GPU-e)\n",	/* over max */
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (nvsmi_parse_list(bad[i], strlen(bad[i]), g, 4, &n, err, sizeof err) != -1)
			fail_msg("-L output %zu accepted", i);
	/* A driver message is the error as it is. */
	assert_int_equal(nvsmi_parse_list(bad[0], strlen(bad[0]), g, 4, &n, err, sizeof err), -1);
	assert_int_equal(strncmp(err, "NVIDIA-SMI has failed", 21), 0);
	assert_int_equal(nvsmi_parse_list("GPU 0: X\033[2J (UUID: GPU-a)\r\n\nWARNING: x\n", 40,
	    g, 4, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_null(strchr(g[0].name, '\033'));
	assert_int_equal(nvsmi_parse_list("GPU 0: A (B) (UUID: GPU-a)", 26, g, 4, &n, err,
	    sizeof err), 0);
	assert_string_equal(g[0].name, "A (B)");
	assert_int_equal(nvsmi_parse_list("GPU 0: X (UUID: GPU-a)\0", 23, g, 4, &n, err,
	    sizeof err), -1);
}

/* Every capture, in every mode: no crash, and no GPUs out of non-CSV. */
static void t_real_everything(void **state)
{
	const char *fields[] = { NULL, F6, PROBE_APP_FIELDS };
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
		{
			struct gpu_info g[GPU_MASK_BITS * 4];
			size_t ng;
			int rc = nvsmi_parse_list(s, len, g, sizeof g / sizeof g[0], &ng, err,
			    sizeof err);
			if (strncmp(e->d_name, "list_", 5) == 0 && rc != 0)
				fail_msg("%s: %s", e->d_name, err);
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
	const char *f = F6;

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

/* The bus id names a device: exact characters, or refused (never cut). */
static void t_hostile_busid(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN];
	const char *f = F7;

	(void)state;
	probe_result_init(&r);
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, 00000000:0F:00.0\n", f), 0);
	assert_string_equal(r.gpus[0].bus_id, "00000000:0F:00.0");
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, 0000:0f:00.0\n", f), 0);
	assert_string_equal(r.gpus[0].bus_id, "0000:0f:00.0");
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, [N/A]\n", f), 0);
	assert_string_equal(r.gpus[0].bus_id, "");
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, 0000:0F:00.0; rm -rf /\n", f), -1);
	assert_non_null(strstr(err, "pci.bus_id"));
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, 0000:0F:00.0\033[2J\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, "
	    "0000000000000000000000000000000000000000:0F:00.0\n", f), -1);
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1, \n", f), -1);
	/* The old six-column answer to the new question: not CSV we asked for. */
	assert_int_equal(GPUS("0, GPU-a, X, 1, 1, 1\n", f), -1);
	assert_int_equal(r.ngpus, 0);
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
	assert_int_equal(gpus("0, GPU-a, X\0Y, 1, 1, 1\n", 23, F6,
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
	    F6, &r, err), -1);
	/* A 1 MiB line: exactly the bound parses, one byte more does not. */
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "0, GPU-a, "), 0);
	while (b.len < PROBE_OUTPUT_MAX - 20)
		assert_int_equal(buf_addc(&b, 'n'), 0);
	assert_int_equal(buf_addstr(&b, ", 1, 1, 1\n"), 0);
	while (b.len < PROBE_OUTPUT_MAX)
		assert_int_equal(buf_addc(&b, '\n'), 0);
	assert_int_equal(gpus(b.data, b.len, F6, &r, err), 0);
	assert_int_equal(r.ngpus, 1);
	assert_int_equal(strlen(r.gpus[0].name), sizeof r.gpus[0].name - 1);
	assert_int_equal(buf_addc(&b, '\n'), 0);
	assert_int_equal(gpus(b.data, b.len, F6, &r, err), -1);
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
	assert_int_equal(gpus(b.data, b.len, F6, &r, err), 0);
	assert_int_equal(r.ngpus, PROBE_MAX_GPUS);
	assert_int_equal(buf_printf(&b, "%d, GPU-x, X, 1, 1, 1\n", i), 0);
	assert_int_equal(gpus(b.data, b.len, F6, &r, err), -1);
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
	    "0, GPU-a, NVIDIA H100 80GB HBM3, 81559, 4, 0, 00000000:1B:00.0, 31\n"
	    "1, GPU-b, NVIDIA H100 80GB HBM3, 81559, 30721, 97, 00000000:43:00.0, [N/A]\n"
	    "apps\nGPU-b, 4242, python3, 30712\nend\n", &r, err), 0);
	assert_string_equal(r.hostname, "node1");
	assert_int_equal(r.cpus, 16);
	assert_int_equal(r.mem_mb, 128000);
	assert_string_equal(r.boot_id, "2c1d0c5e-8f1a-4c1e-9d41-0b7e7a3f5e21");
	assert_string_equal(r.cgroup, "v2");
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.ngpus, 2);
	assert_int_equal(r.gpus[1].util, 97);
	assert_string_equal(r.gpus[1].bus_id, "00000000:43:00.0");
	assert_int_equal(r.napps, 1);
	assert_int_equal(r.apps[0].pid, 4242);
	/* The -L section: a GPU in MIG mode is its MIG devices. */
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\n"
	    "0, GPU-a, NVIDIA H100 80GB HBM3, 81559, 4, 0, 00000000:1B:00.0, 31\n"
	    "1, GPU-b, NVIDIA H100 80GB HBM3, 81559, 30721, 97, 00000000:43:00.0, 40\n"
	    "apps\nlist\nGPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-a)\n"
	    "  MIG 1g.10gb     Device  0: (UUID: MIG-a0)\n"
	    "  MIG 3g.40gb     Device  1: (UUID: MIG-a1)\n"
	    "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-b)\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.ngpus, 3);
	assert_string_equal(r.gpus[0].uuid, "MIG-a0");
	assert_string_equal(r.gpus[1].mig_profile, "3g.40gb");
	assert_string_equal(r.gpus[1].bus_id, "00000000:1B:00.0");
	assert_string_equal(r.gpus[2].uuid, "GPU-b");
	/* A -L that is not -L: the GPUs are not safe to hand out. */
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\n"
	    "0, GPU-a, NVIDIA H100 80GB HBM3, 81559, 4, 0, 00000000:1B:00.0, 30\n"
	    "apps\nlist\nUnable to determine the device handle for GPU0000:41:00.0\nend\n",
	    &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_ERROR);
	assert_int_equal(r.ngpus, 0);
	assert_non_null(strstr(r.gpu_error, "list: Unable to determine"));
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
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\n0, GPU-a, X, 1, 1, 1, 0000:01:00.0, 1\n"
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

/* ---- the procs section (gpuproc.c) ---- */

#define PROCS_HEAD HEAD "gpu_rc 0\ngpus\n0, GPU-a, X, 1, 1, 1, 0000:01:00.0, 30\n" \
	"1, GPU-b, X, 1, 1, 1, 0000:02:00.0, 30\n" \
	"apps\nGPU-a, 4242, python3, 100\nGPU-b, 4242, python3, 200\nGPU-b, 77, x, 1\nprocs\n"

static void t_procs_parse(void **state)
{
	struct probe_result r;
	char err[HERD_ERRLEN];

	(void)state;
	probe_result_init(&r);
	assert_int_equal(pp(PROCS_HEAD "4242 1001 bob 4000 4100 4100,4000,900 12\n"
	    "77 - - - - - -\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.nprocs, 2);
	const struct gpu_proc *p = gpuproc_find(&r, 4242);
	assert_non_null(p);
	assert_int_equal(p->uid, 1001);
	assert_string_equal(p->user, "bob");
	assert_int_equal(p->sid, 4000);
	assert_int_equal(p->pgid, 4100);
	assert_int_equal(p->nchain, 3);
	assert_int_equal(p->chain[2], 900);
	assert_int_equal(p->job, 12);
	p = gpuproc_find(&r, 77);	/* ended before it was read */
	assert_non_null(p);
	assert_int_equal(p->uid, -1);
	assert_string_equal(p->user, "");
	assert_int_equal(p->sid, 0);
	assert_int_equal(p->nchain, 0);
	assert_int_equal(p->job, 0);
	assert_null(gpuproc_find(&r, 5));
	/* No procs section (an older script): no lines, still fine. */
	assert_int_equal(pp(HEAD "gpu_rc 0\ngpus\napps\nend\n", &r, err), 0);
	assert_int_equal(r.nprocs, 0);
	/* Display-only words that are not plain are unknown, never a failure:
	 * anyone may set HERD_JOB_ID, and a directory may hold odd names. */
	assert_int_equal(pp(PROCS_HEAD "4242 1001 b\033ob 1 1 - 0\nend\n", &r, err), 0);
	assert_string_equal(r.procs[0].user, "");
	assert_int_equal(r.procs[0].job, 0);
	assert_int_equal(pp(PROCS_HEAD "4242 1001 bob 1 1 - 99999999999999999999\nend\n",
	    &r, err), 0);
	assert_int_equal(r.procs[0].job, 0);
	assert_int_equal(pp(PROCS_HEAD "4242 1001 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1 1 - x\nend\n",
	    &r, err), 0);
	assert_string_equal(r.procs[0].user, "");
	assert_int_equal(pp(PROCS_HEAD "4242 1001 machine$ 1 1 - 3\nend\n", &r, err), 0);
	assert_string_equal(r.procs[0].user, "machine$");
	probe_result_clear(&r);
}

/* What the node printed is not trusted: a bad line fails the section, and a
 * GPU whose processes cannot be told apart is not handed out (GPUS_ERROR). */
static void t_procs_hostile(void **state)
{
	static const char *const bad[] = {
		"4242 1001 bob 1 1 -\n",			/* 6 fields */
		"4242 1001 bob 1 1 - - extra\n",		/* 8 */
		"4243 1001 bob 1 1 - -\n",			/* a pid nvidia-smi did not list */
		"4242 1001 bob 1 1 - -\n4242 1001 bob 1 1 - -\n",	/* twice */
		"0 1001 bob 1 1 - -\n",
		"-4242 1001 bob 1 1 - -\n",
		"4242 -1 bob 1 1 - -\n",
		"4242 4294967296 bob 1 1 - -\n",
		"4242 1001 bob 99999999999999999999 1 - -\n",
		"4242 1001 bob 1 0x1 - -\n",
		"4242 1001 bob 1 1 1,2, -\n",			/* trailing comma */
		"4242 1001 bob 1 1 ,1 -\n",
		"4242 1001 bob 1 1 1,,2 -\n",
		"4242 1001 bob 1 1 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 -\n",
		"4242\t1001 bob 1 1 - -\n",
		"4242 1001 bob 1 1 - -\0\n",
		"4242 1001 bob 1 1 -1 -\n",
	};
	struct probe_result r;
	char err[HERD_ERRLEN], text[1024];

	(void)state;
	probe_result_init(&r);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(text, sizeof text, "%s%send\n", PROCS_HEAD, bad[i]);
		if (pp(text, &r, err) != 0)
			continue;	/* a NUL: the whole answer is refused */
		if (r.gpu_state != GPUS_ERROR)
			fail_msg("accepted: %s", bad[i]);
		assert_int_equal(r.ngpus, 0);
		assert_int_equal(r.napps, 0);
		assert_int_equal(r.nprocs, 0);
		assert_non_null(strstr(r.gpu_error, "procs line"));
	}
	/* A 16-long chain is the most the script prints. */
	assert_int_equal(pp(PROCS_HEAD
	    "4242 1 bob 1 1 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 -\nend\n", &r, err), 0);
	assert_int_equal(r.procs[0].nchain, PROBE_CHAIN_MAX);
	/* Session and group 0: leaders outside the pid namespace (CI's container
	 * showed it), unknown as "-" is, not a broken probe. */
	assert_int_equal(pp(PROCS_HEAD "4242 1 bob 0 0 - -\nend\n", &r, err), 0);
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.procs[0].sid, 0);
	assert_int_equal(r.procs[0].pgid, 0);
	/* The section's own bound: at most one line per process listed. */
	struct buf b;
	buf_init(&b, PROBE_OUTPUT_MAX);
	assert_int_equal(buf_addstr(&b, HEAD "gpu_rc 0\ngpus\n0, GPU-a, X, 1, 1, 1, 0000:01:00.0, 30\napps\n"), 0);
	for (int i = 1; i <= PROBE_MAX_APPS; i++)
		assert_int_equal(buf_printf(&b, "GPU-a, %d, p, 1\n", i), 0);
	assert_int_equal(buf_addstr(&b, "procs\n"), 0);
	for (int i = 1; i <= PROBE_MAX_APPS; i++)
		assert_int_equal(buf_printf(&b, "%d 0 root %d %d 1 -\n", i, i, i), 0);
	assert_int_equal(buf_addstr(&b, "end\n"), 0);
	assert_int_equal(probe_parse(b.data, b.len, &r, err, sizeof err), 0);
	assert_int_equal(r.gpu_state, GPUS_OK);
	assert_int_equal(r.nprocs, PROBE_MAX_APPS);
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

/*
 * The project's fake nvidia-smi linked into tmpdir/bindir, answering from
 * tmpdir/datadir (made if absent) with our 2-GPU capture; skips the test
 * where the fake or awk is missing.
 */
static void fake_nvsmi(const char *bindir, const char *datadir, char *dir, size_t dirsz)
{
	char link[200], fake[1100], cwd[900], dst[300], *s;
	size_t len;

	assert_non_null(getcwd(cwd, sizeof cwd));
	snprintf(fake, sizeof fake, "%s/scripts/fake-nvidia-smi", cwd);
	if (!exists(fake) || !exists("/usr/bin/awk")) {
		print_message("skip: no scripts/fake-nvidia-smi or awk\n");
		skip();
	}
	snprintf(dir, dirsz, "%s/%s", tmpdir, datadir);
	if (mkdir(dir, 0700) != 0)
		assert_true(access(dir, W_OK) == 0);
	snprintf(link, sizeof link, "%s/%s/nvidia-smi", tmpdir, bindir);
	assert_int_equal(symlink(fake, link), 0);
	s = own("querygpu_2gpu_header_units.csv", &len);
	snprintf(dst, sizeof dst, "%s/query-gpu.csv", dir);
	write_file(dst, s, 0644);
	free(s);
}

/* The project's fake nvidia-smi, fed our own captures. */
static void t_script_fake_nvsmi(void **state)
{
	struct probe_result r;
	char *argv[4], path[300], dir[200], dst[300], *s;
	size_t len;

	(void)state;
	fake_nvsmi("fake", "gpudata", dir, sizeof dir);
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

/*
 * The procs section from real processes under every shell: this test's own
 * (owner, session, group, parent as the kernel says) and a child started
 * with HERD_JOB_ID=77 in its environment, both listed by the fake
 * nvidia-smi; a listed pid that does not exist gets "-".
 */
static void t_script_procs(void **state)
{
	struct probe_result r;
	char *argv[4], path[300], dir[200], dst[300], apps[1024];
	int i, rc;

	(void)state;
	fake_nvsmi("procs", "procs", dir, sizeof dir);
	pid_t child = fork();
	if (child == 0) {
		char *cargv[] = { "sleep", "30", NULL }, *cenv[] = { "HERD_JOB_ID=77", NULL };
		execve("/bin/sleep", cargv, cenv);
		_exit(127);
	}
	assert_true(child > 0);
	usleep(200000);	/* exec'd by now: its environment is sleep's */
	snprintf(apps, sizeof apps, "gpu_uuid, pid, process_name, used_gpu_memory [MiB]\n"
	    "GPU-3f2a9c1e-7b44-4d0e-9a51-0c8e2d6b7f10, %d, test, 10 MiB\n"
	    "GPU-b81c5d27-2e93-4a6f-8d0c-5e19a7f3c462, %d, sleep, 20 MiB\n"
	    "GPU-b81c5d27-2e93-4a6f-8d0c-5e19a7f3c462, %d, test, 30 MiB\n"
	    "GPU-b81c5d27-2e93-4a6f-8d0c-5e19a7f3c462, 1073741800, gone, 40 MiB\n",
	    (int)getpid(), (int)child, (int)getpid());
	snprintf(dst, sizeof dst, "%s/compute-apps.csv", dir);
	write_file(dst, apps, 0644);
	snprintf(path, sizeof path, "%s:/usr/bin:/bin", dir);
	probe_result_init(&r);
	for (i = 0; (rc = shell_argv(i, argv)) >= 0; i++) {
		if (rc == 0)
			continue;
		probe_twice(argv, path, dir, &r);
		if (r.gpu_state != GPUS_OK)
			fail_msg("%s: %s", argv[0], r.gpu_error);
		assert_int_equal(r.napps, 4);
		assert_int_equal(r.nprocs, 3);	/* our pid once, though listed twice */
		const struct gpu_proc *me = gpuproc_find(&r, (int)getpid());
		assert_non_null(me);
		assert_int_equal(me->uid, (int64_t)getuid());
		assert_int_equal(me->sid, (int)getsid(0));
		assert_int_equal(me->pgid, (int)getpgrp());
		assert_true(me->nchain >= 1);
		assert_int_equal(me->chain[0], (int)getppid());
		assert_int_equal(me->job, 0);
		const struct gpu_proc *c = gpuproc_find(&r, (int)child);
		assert_non_null(c);
		assert_int_equal(c->job, 77);
		assert_int_equal(c->chain[0], (int)getpid());
		const struct gpu_proc *gone = gpuproc_find(&r, 1073741800);
		assert_non_null(gone);
		assert_int_equal(gone->uid, -1);
		assert_int_equal(gone->sid, 0);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
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
		cmocka_unit_test(t_hostile_busid),
		cmocka_unit_test(t_real_list),
		cmocka_unit_test(t_own_list),
		cmocka_unit_test(t_hostile_list),
		cmocka_unit_test(t_hostile_sizes),
		cmocka_unit_test(t_hostile_counts),
		cmocka_unit_test(t_parse_ok),
		cmocka_unit_test(t_parse_gpu_errors),
		cmocka_unit_test(t_parse_bad),
		cmocka_unit_test(t_parse_too_many),
		cmocka_unit_test(t_procs_parse),
		cmocka_unit_test(t_procs_hostile),
		cmocka_unit_test(t_script_text),
		cmocka_unit_test(t_script_no_gpu),
		cmocka_unit_test(t_script_greedy_nvsmi),
		cmocka_unit_test(t_script_fake_nvsmi),
		cmocka_unit_test(t_script_procs),
		cmocka_unit_test(t_program_disk),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

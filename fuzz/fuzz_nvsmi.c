/*
 * fuzz_nvsmi.c — nvidia-smi CSV parsers and the -L parser on arbitrary bytes, in every mode:
 * header (fields NULL) and noheader (our field lists), GPUs and processes.
 * The input is not NUL-terminated, so a read past its end is caught.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { NULL, PROBE_GPU_FIELDS,
	    PROBE_APP_FIELDS };
	const char *text = (const char *)data;
	struct probe_result r;
	char err[256];
	size_t i, n;

	probe_result_init(&r);
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		n = r.ngpus;
		if (nvsmi_parse_gpus(text, size, fields[i], &r, err,
		    sizeof err) != 0 && r.ngpus != n)
			abort();	/* a failed parse appends nothing */
		n = r.napps;
		if (nvsmi_parse_apps(text, size, fields[i], &r, err,
		    sizeof err) != 0 && r.napps != n)
			abort();
		if (r.ngpus > 3 * PROBE_MAX_GPUS ||
		    r.napps > 3 * PROBE_MAX_APPS)
			abort();
	}
	{
		/* nvidia-smi -L, and MIG devices put in their GPUs' place. */
		struct gpu_info l[PROBE_MAX_GPUS * 2], out[PROBE_MAX_GPUS];
		size_t nl = 0, k;
		if (nvsmi_parse_list(text, size, l, PROBE_MAX_GPUS * 2, &nl, err, sizeof err) == 0) {
			k = gpu_mig_expand(r.gpus, r.ngpus < PROBE_MAX_GPUS ? r.ngpus : PROBE_MAX_GPUS,
			    l, nl, out, PROBE_MAX_GPUS);
			if (k > PROBE_MAX_GPUS)
				abort();
			for (i = 0; i < nl; i++)
				if (!gpu_uuid_valid(l[i].uuid, strlen(l[i].uuid)))
					abort();
		} else if (nl > PROBE_MAX_GPUS * 2)
			abort();
	}
	for (i = 0; i < r.ngpus; i++)
		if (r.gpus[i].index < 0 || r.gpus[i].util > 100 ||
		    memchr(r.gpus[i].name, '\n', sizeof r.gpus[i].name) != NULL)
			abort();
	probe_result_clear(&r);
	return 0;
}

/*
 * fuzz_probe.c — probe_parse() on arbitrary bytes: what a node prints is
 * not trusted.  The input is handed over as is, not NUL-terminated, so a
 * read past its end is caught.  A parsed result must be consistent: the
 * procs section names only pids the apps section listed, once each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_result r;
	char err[256];

	probe_result_init(&r);
	if (probe_parse((const char *)data, size, &r, err, sizeof err) == 0) {
		if (r.cpus < 1 || r.mem_mb < 0 || r.ngpus > PROBE_MAX_GPUS ||
		    r.napps > PROBE_MAX_APPS)
			abort();
		if (r.threads_per_core < 0 || r.threads_per_core > 64 || r.load[0] < -1 ||
		    r.load[1] < -1 || r.load[2] < -1)
			abort();
		if (r.gpu_state != GPUS_OK && (r.ngpus != 0 || r.napps != 0 || r.nprocs != 0))
			abort();
		/* procs: each a pid the apps listed, once, with a bounded chain */
		for (size_t i = 0; i < r.nprocs; i++) {
			const struct gpu_proc *p = &r.procs[i];
			if (gpuproc_find(&r, p->pid) != p || p->nchain > PROBE_CHAIN_MAX ||
			    strlen(p->user) > PROBE_USER_MAX)
				abort();
			size_t k = 0;
			while (k < r.napps && r.apps[k].pid != p->pid)
				k++;
			if (k == r.napps)
				abort();
		}
		if (strlen(r.gpu_error) >= sizeof r.gpu_error)
			abort();
		/* A cgroup directory herd would mkdir in: none or under /sys/fs/cgroup. */
		const char *d[] = { r.iso.cg2, r.iso.cg1_mem, r.iso.cg1_cpu };
		for (size_t i = 0; i < 3; i++)
			if (d[i][0] != '\0' && (strncmp(d[i], "/sys/fs/cgroup", 14) != 0 ||
			    strstr(d[i], "/..") != NULL))
				abort();
	} else if (err[0] == '\0' || r.gpus != NULL || r.apps != NULL || r.procs != NULL)
		abort();
	probe_result_clear(&r);
	return 0;
}

/*
 * jobopt_place.c — where a job may run, and memory and CPUs per unit.
 * See jobopt_place.h.
 *
 * Theory of operation: the values are checked here with the same parsers
 * herdd uses (constraint.h, hostlist.h, gputype.h), so a bad expression
 * fails at the prompt with the place it went wrong; herdd checks them
 * again (a client may skip this) and decides which nodes they allow.
 * --mem, --mem-per-cpu and --mem-per-gpu are one setting, as in sbatch
 * (the last given wins, and the command line wins over directives); the
 * per-unit forms are turned into the total once every option is known,
 * so the job record keeps one memory figure and one CPU count, which is
 * what the scheduler and the node's cgroup act on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "gputype.h"
#include "hostlist.h"
#include "jobopt.h"
#include "jobopt_place.h"
#include "util.h"

#define CPUS_MAX	4096
#define MEM_MAX_MB	(64ULL * 1024 * 1024)

static int keep_str(char **field, const char *v, int keep)
{
	if (!keep) {
		free(*field);
		*field = xstrdup(v);
	}
	return 0;
}

int jo_set_gpu_type(struct jobopt *o, const char *type, size_t len, int keep, char *why,
    size_t whysz)
{
	char t[GPUTYPE_MAX + 2], shown[48];
	snprintf(t, sizeof t, "%.*s", (int)(len < sizeof t - 1 ? len : sizeof t - 1), type);
	if (len > GPUTYPE_MAX || !gputype_valid(t)) {
		str_vis(shown, sizeof shown, t);
		snprintf(why, whysz, "bad GPU type \"%s\" (1-%d of A-Z a-z 0-9 . _ -)", shown,
		    GPUTYPE_MAX);
		return -1;
	}
	if (!keep) {
		free(o->gpu_type);
		o->gpu_type = xstrdup(t);
	}
	return 0;
}

int jo_set_gpu_mem(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	uint64_t mb;
	if (parse_size_mb(v, &mb, why, whysz) != 0)
		return -1;
	if (mb == 0 || mb > MEM_MAX_MB) {
		snprintf(why, whysz, "must be 1 MB to 64 TB");
		return -1;
	}
	if (!keep)
		o->gpu_mem_mb = mb;
	return 0;
}

int jo_set_constraint(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	char err[HERD_ERRLEN];
	if (constraint_check(v, err, sizeof err) != 0) {
		snprintf(why, whysz, "%s", err);
		return -1;
	}
	return keep_str(&o->constraint, v, keep);
}

/* A host list (hostlist.h); Slurm's file form ("-w ./hosts") is not read. */
static int host_list(const char *v, size_t *count, char *why, size_t whysz)
{
	char err[HERD_ERRLEN];
	if (strchr(v, '/') != NULL) {
		snprintf(why, whysz, "herd reads no node files; name the nodes");
		return -1;
	}
	if (hostlist_check(v, count, err, sizeof err) != 0) {
		snprintf(why, whysz, "%s", err);
		return -1;
	}
	return 0;
}

/* -w: Slurm gives the job every node named, so on one node it names one. */
int jo_set_nodelist(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	size_t n;
	if (host_list(v, &n, why, whysz) != 0)
		return -1;
	if (n != 1) {
		snprintf(why, whysz, "names %zu nodes; Slurm would run the job on all of them and "
		    "herd runs a job on one node: name one (or use -x or -p to choose among "
		    "several)", n);
		return -2;
	}
	return keep_str(&o->nodelist, v, keep);
}

int jo_set_exclude(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	if (host_list(v, NULL, why, whysz) != 0)
		return -1;
	return keep_str(&o->exclude, v, keep);
}

static int mem_per(struct jobopt *o, const char *v, int keep, int unit, char *why,
    size_t whysz)
{
	uint64_t mb;
	if (parse_size_mb(v, &mb, why, whysz) != 0)
		return -1;
	if (mb == 0) {
		snprintf(why, whysz, "must be more than 0");
		return -1;
	}
	if (!keep) {
		o->mem_mb = mb;
		o->mem_all = 0;
		o->mem_unit = unit;
	}
	return 0;
}

int jo_set_mem_per_cpu(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	return mem_per(o, v, keep, JOBOPT_MEM_PER_CPU, why, whysz);
}

int jo_set_mem_per_gpu(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	return mem_per(o, v, keep, JOBOPT_MEM_PER_GPU, why, whysz);
}

int jo_set_cpus_per_gpu(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	char *end;
	long n = v[0] >= '0' && v[0] <= '9' ? strtol(v, &end, 10) : -1;
	if (n < 1 || n > CPUS_MAX || *end != '\0') {
		snprintf(why, whysz, "must be 1-%d", CPUS_MAX);
		return -1;
	}
	if (!keep)
		o->cpus_per_gpu = (int)n;
	return 0;
}

int jo_set_gpu_share(struct jobopt *o, const char *v, int keep, char *why, size_t whysz)
{
	(void)v, (void)why, (void)whysz;
	if (!keep)
		o->gpu_share = 1;
	return 0;
}

/* --gpu-share declares part of one GPU by --gpu-mem: anything else has no
 * meaning the scheduler could honour, so it is refused with why. */
static int share_finish(const struct jobopt *o, char *err, size_t errsz)
{
	if (!o->gpu_share)
		return 0;
	if (o->gpus != 1)
		snprintf(err, errsz, "--gpu-share shares one GPU: give --gpus 1 (not %d)", o->gpus);
	else if (o->gpu_mem_mb == 0)
		snprintf(err, errsz, "--gpu-share needs --gpu-mem SIZE: the part of the GPU's "
		    "memory the job declares");
	else if (o->exclusive != JOBOPT_SHARED)
		snprintf(err, errsz, "--gpu-share and --exclusive contradict each other");
	else
		return 0;
	return -1;
}

int jobopt_place_finish(struct jobopt *o, char *err, size_t errsz)
{
	if (share_finish(o, err, errsz) != 0)
		return -1;
	if ((o->gpu_type != NULL || o->gpu_mem_mb > 0 || o->cpus_per_gpu > 0 ||
	    o->mem_unit == JOBOPT_MEM_PER_GPU) && o->gpus == 0) {
		snprintf(err, errsz, "%s asks for GPUs: give --gpus N", o->gpu_type != NULL ?
		    "a GPU type" : o->gpu_mem_mb > 0 ? "--gpu-mem" : o->cpus_per_gpu > 0 ?
		    "--cpus-per-gpu" : "--mem-per-gpu");
		return -1;
	}
	if (o->cpus_per_gpu > 0) {
		/* Slurm: --cpus-per-gpu and --cpus-per-task are exclusive */
		if (o->set & JO_CPUS) {
			snprintf(err, errsz, "--cpus-per-gpu and --cpus-per-task (-c) are mutually "
			    "exclusive, as in Slurm");
			return -1;
		}
		long long total = (long long)o->cpus_per_gpu * o->gpus;
		if (total > CPUS_MAX) {
			snprintf(err, errsz, "--cpus-per-gpu=%d × %d GPUs is more than %d CPUs",
			    o->cpus_per_gpu, o->gpus, CPUS_MAX);
			return -1;
		}
		/* the job's CPUs are ntasks × cpus: spread them over the tasks */
		o->cpus = (int)((total + o->ntasks - 1) / o->ntasks);
	}
	if (o->mem_unit != JOBOPT_MEM_TOTAL) {
		uint64_t units = o->mem_unit == JOBOPT_MEM_PER_CPU ?
		    (uint64_t)o->ntasks * (uint64_t)o->cpus : (uint64_t)o->gpus;
		if (o->mem_mb > MEM_MAX_MB / (units ? units : 1)) {
			snprintf(err, errsz, "--mem-per-%s × %llu is more than 64 TB",
			    o->mem_unit == JOBOPT_MEM_PER_CPU ? "cpu" : "gpu",
			    (unsigned long long)units);
			return -1;
		}
		o->mem_mb *= units;
		o->mem_unit = JOBOPT_MEM_TOTAL;
	}
	return 0;
}

/*
 * jobopt_place.h — the submission options that say where a job may run
 * and how its memory and CPUs are counted per unit: --gpu-mem,
 * --constraint, --nodelist, --exclude, --mem-per-cpu, --mem-per-gpu,
 * --cpus-per-gpu.  Rows of jobopt.c's table; the handlers have its opt_fn
 * shape (store unless keep; 0 ok, -1 with why).  Only jobopt.c includes
 * this.
 */
#ifndef HERD_JOBOPT_PLACE_H
#define HERD_JOBOPT_PLACE_H

#include <stddef.h>

struct jobopt;

int jo_set_gpu_mem(struct jobopt *, const char *, int, char *, size_t);
int jo_set_constraint(struct jobopt *, const char *, int, char *, size_t);
int jo_set_nodelist(struct jobopt *, const char *, int, char *, size_t);
int jo_set_exclude(struct jobopt *, const char *, int, char *, size_t);
int jo_set_mem_per_cpu(struct jobopt *, const char *, int, char *, size_t);
int jo_set_mem_per_gpu(struct jobopt *, const char *, int, char *, size_t);
int jo_set_cpus_per_gpu(struct jobopt *, const char *, int, char *, size_t);
int jo_set_gpu_share(struct jobopt *, const char *, int, char *, size_t);

/* "TYPE" of --gpus TYPE:N or --gres gpu:TYPE:N: checked, stored unless
 * keep (NULL: no type). */
int jo_set_gpu_type(struct jobopt *o, const char *type, size_t len, int keep, char *why,
    size_t whysz);

/*
 * After every option: per-unit memory and CPUs into the job's totals, as
 * Slurm counts them on one node (--mem-per-cpu × CPUs, --mem-per-gpu ×
 * GPUs, --cpus-per-gpu × GPUs), and what needs GPUs has them.  0 ok, -1
 * with *err.
 */
int jobopt_place_finish(struct jobopt *o, char *err, size_t errsz);

#endif

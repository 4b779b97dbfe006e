/*
 * explain.h — a pending job's reason in a sentence, for `herd show`:
 * "waits for 2 GPUs on gpu1, expected to start at 2024-05-01T14:05:00
 * when job 812 reaches its time limit".  Pure: what herdd answered in, a
 * sentence out (times in the local time zone, as herd prints times).
 */
#ifndef HERD_EXPLAIN_H
#define HERD_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>

struct explain {
	int64_t id;
	const char *reason;	/* Slurm's name, as herd queue shows it */
	int gpus, cpus;
	int64_t mem_mb;
	/* Its reservation (herd queue --start), when planned. */
	int planned;
	int64_t start;		/* wall seconds; -1: once jobs without a limit end */
	const char *node;
	int64_t after;		/* whose expected end makes room; -1 none */
	int after_pending;	/* that job is itself planned, not running */
	int64_t begin_time;	/* BeginTime's */
	const char *dependency;	/* Dependency's, as herd show prints it */
	const char *foreign;	/* GpusInUseOutsideHerd's: "gpu1 GPU 0 (bob, pid 42), ..." */
};

/* The sentence for e into buf (always terminated). */
void explain_pending(char *buf, size_t size, const struct explain *e);

#endif

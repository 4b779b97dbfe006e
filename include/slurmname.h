/*
 * slurmname.h — herd run under Slurm's command names (sbatch, squeue,
 * scancel): which name argv[0] is, and the pure rewrites of each one's
 * arguments into herd's.  See slurmname.c.
 */
#ifndef HERD_SLURMNAME_H
#define HERD_SLURMNAME_H

#include <stddef.h>

enum slurm_name { SLURM_NONE, SLURM_SBATCH, SLURM_SQUEUE, SLURM_SCANCEL, SLURM_SINFO,
	SLURM_SACCT, SLURM_SCONTROL, SLURM_SRUN, SLURM_SALLOC };

/* squeue's default format (Slurm 22.05, squeue(1)). */
#define SQUEUE_DEFAULT_FORMAT "%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R"

/* The Slurm command argv[0] names by its basename; SLURM_NONE for herd. */
enum slurm_name slurm_name_of(const char *argv0);

/*
 * squeue's arguments as herd queue's: out[0] is "queue", then -o with
 * squeue's default format unless the user chose a format (-o, -O,
 * --format, --Format, --json, --start), then argv[1..].  out has room for
 * outmax pointers (argc + 3 is enough, the NULL included); it borrows argv.
 * Returns the new argc, or -1 if out is too small.
 */
int slurm_squeue_args(int argc, char **argv, char **out, size_t outmax);

/* 1 if herdd's answer to a cancel of one job is one scancel keeps quiet
 * about (no such job, or it has already ended), 0 otherwise. */
int slurm_cancel_quiet(const char *why);

/* herd.c's entry: the exit status of the Slurm command argv[0] names, or
 * -1 if it names none (herd runs as herd). */
int slurm_main(int argc, char **argv);

#endif

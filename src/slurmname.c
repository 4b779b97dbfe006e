/*
 * slurmname.c — herd under Slurm's names: a link named sbatch, squeue,
 * scancel, sinfo, sacct or scontrol (make install SLURM_NAMES=1) runs as
 * that command, with its habits, so scripts written for Slurm work
 * unchanged.
 *
 * Theory of operation: sbatch, squeue and scancel map onto one herd
 * command each, which already speaks the namesake's options (herd submit
 * reads sbatch's, herd queue squeue's -h/-o/-u/-j/--me, herd cancel
 * scancel's).  What differs is small and lives here or behind one flag:
 * squeue's default columns (the argument rewrite below, pure and fuzzed),
 * scancel's silence about a job that is unknown or already over
 * (slurm_cancel_quiet, a filter on herdd's per-job answers), and sbatch's
 * "unrecognized option" with status 255 (cmd_sbatch in cmd_submit.c, where
 * the options are read).  sinfo, sacct and scontrol print what no herd
 * command prints in their layouts, each in a file of its own
 * (slurm_sinfo.c, slurm_sacct.c, slurm_scontrol.c).  Under every name a
 * bad option is said in getopt's words under that name with Slurm's status
 * for it: 1, but sbatch's 255 (cmd_slurm_name, read by cmd_getopt).  Anything else is herd's own
 * behaviour and message, documented in herd(1) SLURM NAMES.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "slurm_sacct.h"
#include "slurm_scontrol.h"
#include "slurm_sinfo.h"
#include "slurmname.h"

enum slurm_name slurm_name_of(const char *argv0)
{
	static const struct { const char *name; enum slurm_name v; } names[] = {
		{ "sbatch", SLURM_SBATCH }, { "squeue", SLURM_SQUEUE }, { "scancel", SLURM_SCANCEL },
		{ "sinfo", SLURM_SINFO }, { "sacct", SLURM_SACCT },
		{ "scontrol", SLURM_SCONTROL }, { "srun", SLURM_SRUN }, { "salloc", SLURM_SALLOC },
	};
	if (argv0 == NULL)
		return SLURM_NONE;
	const char *base = strrchr(argv0, '/');
	base = base != NULL ? base + 1 : argv0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(base, names[i].name) == 0)
			return names[i].v;
	return SLURM_NONE;
}

/* herd queue's short options that take a value (its getopt string). */
#define QUEUE_VALUED "ujtpOo"

/* Does this long option (without "--") choose the columns? */
static int long_chooses(const char *name)
{
	static const char *const chooses[] = { "format", "Format", "json", "start" };
	size_t n = strcspn(name, "=");
	for (size_t i = 0; i < sizeof chooses / sizeof chooses[0]; i++)
		if (n == strlen(chooses[i]) && strncmp(name, chooses[i], n) == 0)
			return 1;
	return 0;
}

/* Does the user choose squeue's columns?  Read as getopt reads argv: a
 * value option's value (attached or the next word) is not an option, and
 * "--" ends the options. */
static int format_chosen(int argc, char **argv)
{
	static const char *const valued_long[] = { "user", "jobs", "states", "state", "partition" };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a == NULL || a[0] != '-' || a[1] == '\0')
			continue;
		if (strcmp(a, "--") == 0)
			return 0;
		if (a[1] == '-') {
			if (long_chooses(a + 2))
				return 1;
			for (size_t k = 0; k < sizeof valued_long / sizeof valued_long[0]; k++)
				if (strcmp(a + 2, valued_long[k]) == 0)
					i++;	/* "--user -o": -o is the value */
			continue;
		}
		for (const char *p = a + 1; *p != '\0'; p++) {
			if (*p == 'o' || *p == 'O')
				return 1;
			if (strchr(QUEUE_VALUED, *p) != NULL) {
				if (p[1] == '\0')
					i++;	/* "-u -o": -o is the value */
				break;
			}
		}
	}
	return 0;
}

int slurm_squeue_args(int argc, char **argv, char **out, size_t outmax)
{
	static char dash_o[] = "-o", deffmt[] = SQUEUE_DEFAULT_FORMAT, queue[] = "queue";
	int chosen = format_chosen(argc, argv);
	size_t need = (size_t)(argc > 1 ? argc - 1 : 0) + (chosen ? 1 : 3) + 1;
	size_t n = 0;
	if (argc < 0 || need > outmax)
		return -1;
	out[n++] = queue;
	if (!chosen) {
		out[n++] = dash_o;
		out[n++] = deffmt;
	}
	for (int i = 1; i < argc; i++)
		out[n++] = argv[i];
	out[n] = NULL;
	return (int)n;
}

int slurm_cancel_quiet(const char *why)
{
	const char *p;
	if (why == NULL)
		return 0;
	if (strncmp(why, "no job ", 7) == 0)
		return 1;
	/* "job 12 has already ended (COMPLETED)": scancel is silent too. */
	return strncmp(why, "job ", 4) == 0 && (p = strchr(why + 4, ' ')) != NULL &&
	    strncmp(p, " has already ended", 18) == 0;
}

/* squeue's words at most: a script's squeue line is short. */
#define SQUEUE_ARGS_MAX 1024

/* The name's command; -1 where argv[0] names none. */
static int slurm_run(enum slurm_name name, int argc, char **argv)
{
	static char *args[SQUEUE_ARGS_MAX + 4];
	int n;

	switch (name) {
	case SLURM_SBATCH:
		return cmd_sbatch(argc, argv);
	case SLURM_SQUEUE:
		if (argc > SQUEUE_ARGS_MAX ||
		    (n = slurm_squeue_args(argc, argv, args, sizeof args / sizeof args[0])) < 0) {
			fprintf(stderr, "squeue: too many arguments\n");
			return 1;
		}
		return cmd_queue(n, args);
	case SLURM_SCANCEL:
		cmd_result_quiet = slurm_cancel_quiet;
		return cmd_cancel(argc, argv);
	case SLURM_SINFO:
		return cmd_sinfo(argc, argv);
	case SLURM_SACCT:
		return cmd_sacct(argc, argv);
	case SLURM_SCONTROL:
		return cmd_scontrol(argc, argv);
	case SLURM_SRUN:
		return cmd_submit_as("srun", cmd_run, argc, argv);
	case SLURM_SALLOC:
		return cmd_submit_as("salloc", cmd_alloc, argc, argv);
	default:
		return -1;
	}
}

int slurm_main(int argc, char **argv)
{
	static const char *const words[] = {
		[SLURM_SBATCH] = "sbatch", [SLURM_SQUEUE] = "squeue", [SLURM_SCANCEL] = "scancel",
		[SLURM_SINFO] = "sinfo", [SLURM_SACCT] = "sacct",
		[SLURM_SCONTROL] = "scontrol", [SLURM_SRUN] = "srun", [SLURM_SALLOC] = "salloc",
	};
	enum slurm_name name = slurm_name_of(argc > 0 ? argv[0] : NULL);
	if (name == SLURM_NONE)
		return -1;
	/* A bad option: Slurm's words and status 1 (sbatch reads its own: 255). */
	cmd_slurm_name = words[name];
	cmd_slurm_refused = 0;
	int rc = slurm_run(name, argc, argv);
	return cmd_slurm_refused ? 1 : rc;
}

/*
 * directives.h — the #HERD, #SBATCH and #SLURM lines of a batch script.
 *
 * As with sbatch, directives are read from the top of the script until the
 * first line that is neither blank nor a comment; "##SBATCH" and
 * "# SBATCH" are comments, not directives.  Options are applied with
 * jobopt_apply(keep_set=1), so what the command line set stays.
 */
#ifndef HERD_DIRECTIVES_H
#define HERD_DIRECTIVES_H

#include <stddef.h>
#include "jobopt.h"

struct svcopt;

/*
 * Parse `len` bytes of script text (may contain NULs; not NUL-terminated).
 * `file` is used only in messages ("train.sh:7: ...").
 * Returns 0 ok, -1 with *err = "FILE:LINE: what is wrong", a refused
 * option included ("t.sh:3: --partition=gpu is not supported yet: ...").
 * Ignored Slurm options are reported through `warn` (may be NULL), called
 * with a "FILE:LINE: ..." message.
 */
int directives_parse(const char *file, const char *text, size_t len,
    struct jobopt *o, void (*warn)(void *arg, const char *msg), void *warn_arg,
    char *err, size_t errsz);

/*
 * The same, reading herd service's options (svcopt.h) from #HERD lines
 * into svc, what svc already set staying (the command line wins).  A
 * service option on a #SBATCH/#SLURM line is an error, and so is one
 * without --service in the script when svc has no name either
 * ("t.sh:4: --restart without --service NAME ...").
 */
int directives_parse_svc(const char *file, const char *text, size_t len,
    struct jobopt *o, struct svcopt *svc,
    void (*warn)(void *arg, const char *msg), void *warn_arg,
    char *err, size_t errsz);

#endif

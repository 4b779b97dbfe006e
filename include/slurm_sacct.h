/*
 * slurm_sacct.h — herd under Slurm's name sacct: herd's jobs (history and
 * queue) in sacct's fields and layouts.  The format parser, each field's
 * text and the line layout are pure (unit-tested, fuzzed); see
 * slurm_sacct.c.
 */
#ifndef HERD_SLURM_SACCT_H
#define HERD_SLURM_SACCT_H

#include <stddef.h>
#include <stdint.h>

struct msg;

/* sacct's default fields (Slurm 22.05, sacct(1)). */
#define SACCT_DEFAULT_FORMAT "JobID,JobName,Partition,Account,AllocCPUS,State,ExitCode"
#define SACCT_BRIEF_FORMAT "JobID,State,ExitCode"

#define SACCT_FIELDS_MAX 32
#define SACCT_FORMAT_MAX 1024	/* longer -o text is refused unread */
#define SACCT_WIDTH_MAX 1024

struct sacct_field {
	int kind;		/* index into sacct's field table */
	int width;		/* columns in the fixed layout */
	int left;		/* left-justified (JobID, NodeList, TRES) */
};

struct sacct_format {
	struct sacct_field f[SACCT_FIELDS_MAX];
	size_t n;
};

enum sacct_mode { SACCT_FIXED, SACCT_PARSABLE, SACCT_PARSABLE2 };

/*
 * "JobID,State%20,jobname%-30": Slurm's field names, any case, commas or
 * blanks between, each with an optional %WIDTH (a '-' left-justifies).  0,
 * or -1 with *err (the unknown field named with the known ones).
 */
int sacct_parse_format(const char *text, struct sacct_format *out, char *err, size_t errsz);

/* The field's name as sacct's header writes it ("AllocCPUS"). */
const char *sacct_field_name(int kind);

/* The field's text for job frame m at wall time now, as sacct prints it
 * ("Unknown" start, "None assigned" node, "0:0" exit of a job that has
 * none...), control bytes made visible. */
const char *sacct_value(int kind, const struct msg *m, int64_t now, char *buf, size_t size);

/*
 * One line: vals[i] for field i (NULL as ""), in the fixed layout (each
 * padded to its width, cut with a '+' where longer, a space after each, as
 * sacct) or parsable ("|" after each) or parsable2 ("|" between).  The
 * length written; dst always terminated, cut to size.
 */
size_t sacct_line(const struct sacct_format *f, const char *const *vals, enum sacct_mode mode,
    char *dst, size_t size);

/* The header (field names), and the fixed layout's rule of dashes. */
size_t sacct_header(const struct sacct_format *f, enum sacct_mode mode, char *dst, size_t size);
size_t sacct_rule(const struct sacct_format *f, char *dst, size_t size);

/* herd.c's entry (through slurmname.c): sacct's exit status. */
int cmd_sacct(int argc, char **argv);

#endif

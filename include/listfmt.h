/*
 * listfmt.h — what a listing's --format and squeue's -o say, parsed
 * against a table of columns: "id,name%20,state" (sacct's and herd's named
 * columns, an optional %WIDTH each) or "%.18i %.9P %8j|%u" (squeue's: a
 * field is % then an optional '.' (right-justify), an optional width and
 * a letter; "%%" is a percent sign; anything else is printed as it is).
 *
 * Pure: no I/O, no allocation.  The caller gives the columns (a name, a
 * letter, 0 for none, and a header) and gets back a spec that indexes
 * them; the text of the values is the caller's, laid out by
 * listfmt_line().  Everything is bounded: longer input, more items or
 * wider widths are refused with a message, never cut.
 *
 * Ownership: struct listfmt is a value (no pointers out of it).
 */
#ifndef HERD_LISTFMT_H
#define HERD_LISTFMT_H

#include <stddef.h>

#define LISTFMT_TEXT_MAX	1024	/* longer format text is refused unread */
#define LISTFMT_ITEMS_MAX	64	/* fields and literal runs together */
#define LISTFMT_WIDTH_MAX	1024	/* a wider field is refused */

struct listfmt_col {
	const char *name;	/* "id": what --format names, any case */
	char letter;		/* 'i': squeue's %i; 0: none */
	const char *header;	/* "JOBID" */
};

struct listfmt_item {
	int col;		/* index into the columns; -1 a literal */
	int width;		/* 0: as wide as the value (named: the table decides) */
	int right;		/* '.' in squeue's form: right-justified */
	unsigned lit_off, lit_len;	/* a literal's bytes in lits */
};

struct listfmt {
	struct listfmt_item item[LISTFMT_ITEMS_MAX];
	size_t n;
	char lits[LISTFMT_TEXT_MAX];	/* the literal text, unescaped ("%%" is "%") */
	size_t nlits;
};

/*
 * "id,name%20,state": names from cols, any case, each once or more, an
 * optional %WIDTH (1 to LISTFMT_WIDTH_MAX).  0, or -1 with *err like
 *   unknown column "bogus" (columns: id, name, state, ...)
 */
int listfmt_parse_names(const char *s, const struct listfmt_col *cols, size_t ncols,
    struct listfmt *out, char *err, size_t errsz);

/* "%.18i %.9P %.8j": squeue's -o.  0, or -1 with *err like
 *   unknown field %z (fields: %i %P %j ...) */
int listfmt_parse_letters(const char *s, const struct listfmt_col *cols, size_t ncols,
    struct listfmt *out, char *err, size_t errsz);

/*
 * One line of a squeue-style spec: each field's text (vals[col]; NULL as
 * "") padded to its width, or cut to it as squeue cuts, literals as they
 * are.  Returns the length written (dst always terminated; cut to size).
 */
size_t listfmt_line(const struct listfmt *f, const char *const *vals, char *dst, size_t size);

#endif

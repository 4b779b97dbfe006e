/*
 * Fuzz target: the input as a --format (named columns) and as a squeue -o
 * string, over herd's job columns.  A spec that parses indexes only real
 * columns, keeps its literals inside its buffer, and lays out a line that
 * fits any buffer given (here a small one and a large one).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jobcols.h"
#include "listfmt.h"
#include "util.h"

static void check(const struct listfmt *f)
{
	static const char *vals[64];
	char small[16], big[LISTFMT_ITEMS_MAX * (LISTFMT_WIDTH_MAX + 8)];
	if (f->n > LISTFMT_ITEMS_MAX || f->nlits > sizeof f->lits)
		abort();
	for (size_t i = 0; i < f->n; i++) {
		const struct listfmt_item *it = &f->item[i];
		if (it->col >= (int)njobcols || it->width < 0 || it->width > LISTFMT_WIDTH_MAX ||
		    (it->col < 0 && (size_t)it->lit_off + it->lit_len > f->nlits))
			abort();
	}
	for (size_t c = 0; c < njobcols && c < 64; c++)
		vals[c] = c % 3 ? "value" : NULL;
	if (listfmt_line(f, vals, small, sizeof small) >= sizeof small ||
	    listfmt_line(f, vals, big, sizeof big) >= sizeof big)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct listfmt f;
	char text[LISTFMT_TEXT_MAX + 8], err[HERD_ERRLEN];
	size_t n = size < sizeof text - 1 ? size : sizeof text - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	if (listfmt_parse_names(text, jobcols, njobcols, &f, err, sizeof err) == 0)
		check(&f);
	if (listfmt_parse_letters(text, jobcols, njobcols, &f, err, sizeof err) == 0)
		check(&f);
	return 0;
}

/*
 * Fuzz target: the first line of the input as a --dependency value.  One
 * that parses must print and parse back to the same items; the bytes after
 * the line become the referenced jobs' states for the evaluator, whose
 * verdict must agree with the per-item verdicts it reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "depend.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, err[HERD_ERRLEN];
	size_t n = strnlen((const char *)data, size);
	struct depend d, back;
	struct dep_status *st;
	enum dep_verdict *v, all;
	struct buf b;
	int64_t wake;
	size_t nsat = 0, nnever = 0;

	line = xstrndup((const char *)data, n);
	if (depend_parse(&d, line, err, sizeof err) != 0) {
		free(line);
		return 0;
	}
	buf_init(&b, 1 << 22);
	if (depend_format(&d, NULL, &b) != 0 ||
	    depend_parse(&back, b.data != NULL ? b.data : "", err,
	    sizeof err) != 0 || back.n != d.n || back.any != d.any)
		abort();
	for (size_t i = 0; i < d.n; i++)	/* field by field: padding */
		if (back.items[i].type != d.items[i].type ||
		    back.items[i].job != d.items[i].job ||
		    back.items[i].task != d.items[i].task ||
		    back.items[i].minutes != d.items[i].minutes)
			abort();
	depend_clear(&back);
	st = xcalloc(d.n, sizeof *st);
	v = xcalloc(d.n, sizeof *v);
	for (size_t i = 0; i < d.n; i++) {
		const uint8_t *p = data + n + 1 + (i * 3) % (size > n + 4 ?
		    size - n - 4 : 1);
		if (p + 3 <= data + size) {
			st[i].exists = p[0] & 1;
			st[i].pending = p[0] >> 4;
			st[i].running = p[1] & 15;
			st[i].ok = p[1] >> 4;
			st[i].notok = p[2] & 3;
			st[i].last_start = p[2];
		}
	}
	all = depend_eval(&d, st, 500, v, &wake);
	for (size_t i = 0; i < d.n; i++) {
		nsat += v[i] == DEP_SATISFIED;
		nnever += v[i] == DEP_NEVER;
	}
	if (d.any ? (all == DEP_SATISFIED) != (nsat > 0) :
	    (all == DEP_NEVER) != (nnever > 0))
		abort();
	buf_reset(&b);
	depend_format(&d, v, &b);
	free(st);
	free(v);
	buf_clear(&b);
	depend_clear(&d);
	free(line);
	return 0;
}

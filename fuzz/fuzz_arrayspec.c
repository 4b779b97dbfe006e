/*
 * Fuzz target: the first line of the input as an --array spec (with a size
 * limit taken from the first byte) and as a job reference.  A spec that
 * parses must print, and its text must parse back to the same set; removing
 * tasks picked by the input must keep the ranges ordered and disjoint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arrayspec.h"
#include "util.h"

static void check_shape(const struct arrayspec *a)
{
	for (size_t i = 0; i < a->n; i++) {
		if (a->r[i].step == 0 || a->r[i].end < a->r[i].start ||
		    (a->r[i].end - a->r[i].start) % a->r[i].step != 0)
			abort();
		if (i + 1 < a->n && a->r[i].end >= a->r[i + 1].start)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t sizes[] = { 1, 10, ARRAYSPEC_DEFAULT_SIZE,
	    100001, ARRAYSPEC_MAX_SIZE };
	char line[1024], err[HERD_ERRLEN], s[48];
	size_t n = strnlen((const char *)data, size < 1023 ? size : 1023);
	struct arrayspec a, back;
	struct jobref r;
	struct buf b;
	uint32_t t;
	uint64_t count;

	memcpy(line, data, n);
	line[n] = '\0';
	if (arrayspec_parse(&a, line, sizes[size > 0 ? data[0] % 5 : 2], err,
	    sizeof err) == 0) {
		check_shape(&a);
		count = arrayspec_count(&a);
		buf_init(&b, 1 << 20);
		if (arrayspec_format(&a, &b) != 0 ||
		    arrayspec_parse(&back, b.data, ARRAYSPEC_MAX_SIZE, err,
		    sizeof err) != 0 || arrayspec_count(&back) != count ||
		    back.n != a.n || back.throttle != a.throttle ||
		    memcmp(back.r, a.r, a.n * sizeof *a.r) != 0)
			abort();
		arrayspec_clear(&back);
		arrayspec_format_short(&a, s, 1 + (size % sizeof s));
		/* Remove tasks named by the bytes after the line. */
		for (size_t i = n + 1; i + 1 < size && a.n > 0; i += 2) {
			uint32_t lo = data[i] * 7u, hi = lo + data[i + 1] % 16;
			uint64_t before = arrayspec_count(&a), gone;
			gone = arrayspec_remove_range(&a, lo, hi);
			if (arrayspec_count(&a) != before - gone ||
			    arrayspec_has(&a, lo))
				abort();
			check_shape(&a);
		}
		if (arrayspec_next(&a, -1, &t) && !arrayspec_has(&a, t))
			abort();
		buf_clear(&b);
		arrayspec_clear(&a);
	}
	if (jobref_parse(&r, line, err, sizeof err) == 0) {
		buf_init(&b, 1 << 20);
		if (jobref_format(&r, &b) != 0)
			abort();
		buf_clear(&b);
		jobref_clear(&r);
	}
	return 0;
}

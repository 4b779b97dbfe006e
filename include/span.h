/*
 * span.h — a borrowed slice of text (pointer and length, not NUL-terminated)
 * and the few operations the parsers of node output share.  A span owns
 * nothing; it lives as long as the text it points into.
 */
#ifndef HERD_SPAN_H
#define HERD_SPAN_H

#include <stddef.h>

struct span {
	const char *p;
	size_t n;
};

/* Next line of *rest without its "\n" or "\r\n"; 0 when the text is used up. */
int span_next_line(struct span *rest, struct span *line);
/* Without leading and trailing blanks (space, tab, CR). */
struct span span_trim(struct span s);
/* Whether the span is exactly the NUL-terminated `lit`. */
int span_eq(struct span s, const char *lit);
/* The span is a decimal (digits only, at most 18) in [min, max]: 0 and
 * *out set; else -1. */
int span_num(struct span s, long long min, long long max, long long *out);

#endif

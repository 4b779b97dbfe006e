/*
 * Fuzz target: arbitrary bytes as keys typed into herd top, whole and cut
 * in two at a point the input chooses.  Every key is a printable ASCII byte
 * or one of TK_*, the split gives the same keys as the whole, and the
 * decoder is never left waiting after a flush.  The same bytes as a job's
 * log on herd top's page (topview.c): no control byte but the newlines
 * reaches the terminal, and no more lines than the screen has.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topkey.h"
#include "topview.h"

static void page(const uint8_t *data, size_t size)
{
	struct top_view v = { 0 };
	struct top_data d = { 0 };
	char *out = NULL;
	size_t len = 0, lines = 0;
	top_view_page(&v, (const char *)data, size, data[0] & 1);
	FILE *f = open_memstream(&out, &len);
	if (f == NULL)
		abort();
	top_view_draw(f, &v, &d, 40, 10);
	fclose(f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
		lines += c == '\n';
	}
	if (lines > 9)	/* 10 rows: 9 newlines between them */
		abort();
	free(out);
	top_view_clear(&v);
}

static int valid(int key)
{
	return (key >= 0x20 && key < 0x7f) || (key >= TK_UP && key <= TK_INTR);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int whole[1 << 16], split[1 << 16];
	struct topkey a = { 0 }, b = { 0 };
	if (size == 0 || size > sizeof whole / sizeof whole[0])
		return 0;
	size_t cut = data[0] % size;
	size_t n = topkey_feed(&a, data, size, whole, size);
	size_t m = topkey_feed(&b, data, cut, split, size);
	m += topkey_feed(&b, data + cut, size - cut, split + m, size - m);
	if (n != m || memcmp(whole, split, n * sizeof whole[0]) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!valid(whole[i]))
			abort();
	topkey_flush(&a, whole);
	if (topkey_pending(&a))
		abort();
	page(data, size);
	return 0;
}

/*
 * fuzz_topframe.c — herd top's frame from whatever herdd might answer: the
 * input is a stream of protocol frames (as the socket delivers them), each
 * taken as a node, a queued job and an ended job at once; the frame is
 * drawn at 80x24 and 160 columns unbounded.  Every line must fit its width,
 * be valid UTF-8 and hold no control byte; anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "topframe.h"

static void check(const struct top_data *d, size_t cols, size_t rows)
{
	char *out = NULL;
	size_t len = 0, lines = 0;
	FILE *f = open_memstream(&out, &len);
	if (f == NULL)
		abort();
	top_frame(f, d, cols, rows);
	fclose(f);
	for (char *l = out; *l; lines++) {
		char *e = strchr(l, '\n');
		if (e == NULL)
			abort();
		*e = '\0';
		if (text_width(l) > cols)
			abort();
		for (const char *p = l; *p;) {
			size_t k = utf8_seq_len((const unsigned char *)p);
			if (k == 0 || (unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
			p += k;
		}
		l = e + 1;
	}
	if (rows > 0 && lines > rows)
		abort();
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct top_data d = { 0 };
	char err[HERD_ERRLEN];
	size_t off = 0;
	d.now = 1700000000;
	for (int i = 0; i < 64 && off < size; i++) {
		struct msg m;
		long n = proto_decode((const char *)data + off, size - off, &m, err, sizeof err);
		if (n <= 0)
			break;
		top_list_add(&d.nodes, &m);
		top_list_add(&d.jobs, &m);
		top_list_add(&d.ends, &m);
		msg_clear(&m);
		off += (size_t)n;
	}
	check(&d, 80, 24);
	check(&d, 160, 0);
	top_data_clear(&d);
	return 0;
}

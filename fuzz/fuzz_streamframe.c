/*
 * fuzz_streamframe.c — stream frames from arbitrary bytes: every frame
 * taken is within its bounds, re-encodes to the same bytes, and a refusal
 * or a need for more never moves past the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	struct buf b;
	char err[256];
	buf_init(&b, 1 << 20);
	while (off < size) {
		struct sframe f;
		long n = sframe_decode(data + off, size - off, &f, err, sizeof err);
		if (n <= 0)
			break;
		if ((size_t)n > size - off || f.len > SFRAME_PAYLOAD_MAX)
			abort();
		if (f.kind == SF_WINCH && (f.cols < 1 || f.rows < 1 || f.cols > SFRAME_DIM_MAX ||
		    f.rows > SFRAME_DIM_MAX))
			abort();
		buf_reset(&b);
		if (sframe_put(&b, f.kind, f.data, f.len) != 0 || b.len != (size_t)n ||
		    memcmp(b.data, data + off, b.len) != 0)
			abort();
		off += (size_t)n;
	}
	buf_clear(&b);
	return 0;
}

/*
 * fuzz_logsfollow.c — herd logs -f's decisions on arbitrary answers: each
 * 16-byte record is one window (pending flag, length, exit code, a state
 * name).  The offset only grows by what was taken and never past the
 * window per answer; an end gives a status of 0 to 255, 0 only when the
 * job COMPLETED with status 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logs_follow.h"

static const char *const states[] = {
	"PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
	"REQUEUED", "", "COMPLETEDX",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logs_follow f;
	logs_follow_init(&f, 64);
	for (size_t i = 0; i + 16 <= size; i += 16) {
		const uint8_t *p = data + i;
		struct logs_window w;
		int64_t code;
		memcpy(&code, p + 4, sizeof code);
		w.pending = p[0] & 1;
		w.len = (size_t)p[1] | (size_t)p[2] << 8;
		w.exit_code = code;
		w.state = p[3] % 11 == 10 ? NULL : states[p[3] % 11];
		int64_t before = f.offset;
		int st = -1000;
		enum logs_next n = logs_follow_step(&f, &w, &st);
		if (f.offset < before || f.offset - before > f.window)
			abort();
		if (n == LOGS_BAD && f.offset != before)
			abort();
		if (n == LOGS_DONE) {
			if (st < 0 || st > 255)
				abort();
			if (st == 0 && (strcmp(w.state, "COMPLETED") != 0 || code != 0))
				abort();
			return 0;
		}
	}
	return 0;
}

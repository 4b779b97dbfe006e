/*
 * test_logs_follow.c — herd logs -f's decisions: when to ask again, when to
 * pause, when the job's end has been read, and the exit status it gives;
 * answers that cannot be (more than the window, no state) refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "logs_follow.h"

static enum logs_next step(struct logs_follow *f, int pending, size_t len, const char *state,
    int64_t code, int *status)
{
	struct logs_window w = { .pending = pending, .len = len, .state = state,
	    .exit_code = code };
	return logs_follow_step(f, &w, status);
}

/* A requeued job's next attempt writes its file anew: the window read at
 * the old offset is dropped and reading starts over from 0; an answer
 * without an attempt (an older herdd) or the same attempt changes nothing. */
static void new_attempt_starts_over(void **state)
{
	(void)state;
	struct logs_follow f;
	int st = -7;
	logs_follow_init(&f, 100);
	assert_int_equal(logs_follow_attempt(&f, 1), 0);
	assert_int_equal(step(&f, 0, 100, "RUNNING", -1, &st), LOGS_AGAIN);
	assert_int_equal(step(&f, 0, 40, "RUNNING", -1, &st), LOGS_WAIT);
	assert_int_equal(logs_follow_attempt(&f, -1), 0);
	assert_int_equal(logs_follow_attempt(&f, 1), 0);
	assert_int_equal(f.offset, 140);
	assert_int_equal(logs_follow_attempt(&f, 2), 1);
	assert_int_equal(f.offset, 0);
	struct logs_window w = { .len = 30, .state = "RUNNING", .exit_code = -1,
	    .restarted = 1 };
	assert_int_equal(logs_follow_step(&f, &w, &st), LOGS_AGAIN);
	assert_int_equal(f.offset, 0);
	assert_int_equal(logs_follow_attempt(&f, 2), 0);
	assert_int_equal(step(&f, 0, 30, "COMPLETED", 0, &st), LOGS_DONE);
	assert_int_equal(f.offset, 30);
	assert_int_equal(st, 0);
}

/* Pending, then running windows, then the ended job's short window. */
static void follows_to_the_end(void **state)
{
	(void)state;
	struct logs_follow f;
	int st = -7;
	logs_follow_init(&f, 100);
	assert_int_equal(step(&f, 1, 0, NULL, -1, &st), LOGS_WAIT);
	assert_int_equal(f.offset, 0);
	assert_int_equal(step(&f, 0, 100, "RUNNING", -1, &st), LOGS_AGAIN);
	assert_int_equal(step(&f, 0, 0, "RUNNING", -1, &st), LOGS_WAIT);
	assert_int_equal(step(&f, 0, 7, "RUNNING", -1, &st), LOGS_WAIT);
	/* Ended, but a full window: there may be more. */
	assert_int_equal(step(&f, 0, 100, "FAILED", 3, &st), LOGS_AGAIN);
	assert_int_equal(st, -7);
	assert_int_equal(step(&f, 0, 0, "FAILED", 3, &st), LOGS_DONE);
	assert_int_equal(st, 3);
	assert_int_equal(f.offset, 207);
	/* Requeued is not an end. */
	logs_follow_init(&f, 10);
	assert_int_equal(step(&f, 0, 0, "REQUEUED", 0, &st), LOGS_WAIT);
	assert_int_equal(step(&f, 0, 0, "LAUNCHING", -1, &st), LOGS_WAIT);
}

/* The shell's exit status: the job's own, 128+N for signal N. */
static void exit_statuses(void **state)
{
	(void)state;
	assert_int_equal(logs_exit_status("COMPLETED", 0), 0);
	assert_int_equal(logs_exit_status("FAILED", 3), 3);
	assert_int_equal(logs_exit_status("CANCELLED", 128 + 15), 143);
	assert_int_equal(logs_exit_status("TIMEOUT", 128 + 9), 137);
	assert_int_equal(logs_exit_status("FAILED", 255), 255);
	/* No status of its own, or one that cannot be: 1, never 0. */
	assert_int_equal(logs_exit_status("CANCELLED", -1), 1);
	assert_int_equal(logs_exit_status("NODE_FAIL", 0), 1);
	assert_int_equal(logs_exit_status("FAILED", 256), 1);
	assert_int_equal(logs_exit_status("FAILED", INT64_MIN), 1);
	assert_int_equal(logs_exit_status("FAILED", INT64_MAX), 1);
	assert_int_equal(logs_exit_status("", 0), 1);
}

/* What herdd cannot have sent: never counted, never an end. */
static void hostile_answers(void **state)
{
	(void)state;
	struct logs_follow f;
	int st = -7;
	logs_follow_init(&f, 100);
	assert_int_equal(step(&f, 0, 101, "RUNNING", -1, &st), LOGS_BAD);
	assert_int_equal(step(&f, 0, (size_t)-1, "COMPLETED", 0, &st), LOGS_BAD);
	assert_int_equal(step(&f, 0, 5, NULL, 0, &st), LOGS_BAD);
	assert_int_equal(step(&f, 1, 5, NULL, 0, &st), LOGS_BAD);
	assert_int_equal(f.offset, 0);
	/* An unknown state name is not an end: the follower keeps asking. */
	assert_int_equal(step(&f, 0, 0, "COMPLETED\n", 0, &st), LOGS_WAIT);
	assert_int_equal(step(&f, 0, 0, "completed", 0, &st), LOGS_WAIT);
	assert_int_equal(st, -7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(follows_to_the_end),
		cmocka_unit_test(new_attempt_starts_over),
		cmocka_unit_test(exit_statuses),
		cmocka_unit_test(hostile_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

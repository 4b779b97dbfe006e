/*
 * logs_follow.c — the decisions of herd logs -f, apart from its I/O.
 *
 * Theory of operation: the client reads the job's output file in windows
 * from an offset, one read at a time (herdd holds no more than one window
 * per follower).  Each answer carries the job's state as it was when the
 * read was asked.  A job that had ended then had written every byte of
 * its file (its processes were gone before herdd learned of the end), so
 * a window shorter than asked from such a job means the file is read to
 * its end; any other short window means "nothing more yet".  A full window
 * is followed at once, so a burst of output drains at the reader's pace.
 * The exit status is the shell's: the job's own, which is 128+N when a
 * signal N ended it.
 */
#include <string.h>

#include "logs_follow.h"

static const char *const final_states[] = {
	"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
};

static int state_is_final(const char *s)
{
	for (size_t i = 0; i < sizeof final_states / sizeof final_states[0]; i++)
		if (strcmp(s, final_states[i]) == 0)
			return 1;
	return 0;
}

void logs_follow_init(struct logs_follow *f, int64_t window)
{
	memset(f, 0, sizeof *f);
	f->window = window;
}

int logs_follow_attempt(struct logs_follow *f, int64_t attempt)
{
	if (attempt <= 0 || attempt == f->attempt)
		return 0;
	int known = f->attempt > 0;
	f->attempt = attempt;
	if (!known)
		return 0;
	f->offset = 0;
	return 1;
}

int logs_exit_status(const char *state, int64_t exit_code)
{
	if (exit_code > 0 && exit_code <= 255)
		return (int)exit_code;
	if (exit_code == 0 && strcmp(state, "COMPLETED") == 0)
		return 0;
	return 1;	/* ended without a status of its own, or a zero one while failed */
}

enum logs_next logs_follow_step(struct logs_follow *f, const struct logs_window *w,
    int *status)
{
	if (w->pending)
		return w->len == 0 ? LOGS_WAIT : LOGS_BAD;
	if (w->restarted)
		return LOGS_AGAIN;
	if (w->state == NULL || w->len > (size_t)f->window)
		return LOGS_BAD;
	f->offset += (int64_t)w->len;
	if (w->len == (size_t)f->window)
		return LOGS_AGAIN;
	if (!state_is_final(w->state))
		return LOGS_WAIT;
	*status = logs_exit_status(w->state, w->exit_code);
	return LOGS_DONE;
}

/*
 * logs_follow.h — herd logs -f: what the client does after each window
 * herdd answers (pure; cmd_logs.c does the I/O).  Ownership: a struct
 * logs_follow is the caller's, plain values only.
 */
#ifndef HERD_LOGS_FOLLOW_H
#define HERD_LOGS_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

/* One answer of a follow read, as the frame gave it. */
struct logs_window {
	int pending;		/* the job had not started: no bytes, no state */
	size_t len;		/* bytes that came */
	const char *state;	/* the job's state when the read was asked */
	int64_t exit_code;	/* its exit status then (the shell's), -1 unknown */
	int restarted;		/* logs_follow_attempt dropped this window */
};

struct logs_follow {
	int64_t offset;		/* bytes of the file written out so far */
	int64_t window;		/* bytes asked per read */
	int said_pending;	/* "waiting for it to start" told once */
	int64_t attempt;	/* the attempt being read; 0 not known yet */
};

enum logs_next {
	LOGS_AGAIN,		/* a full window came: ask again now */
	LOGS_WAIT,		/* nothing more yet: ask again after a pause */
	LOGS_DONE,		/* the job had ended and its file is read: exit */
	LOGS_BAD,		/* an answer that cannot be (more than asked, no state) */
};

void logs_follow_init(struct logs_follow *f, int64_t window);
/*
 * The attempt an answer was read from (-1: herdd did not say).  1 when the
 * job began a new attempt since the window before: each start opens the
 * output anew (truncated, as Slurm does), so the window read at the old
 * offset is dropped (not written) and reading starts over from 0.
 */
int logs_follow_attempt(struct logs_follow *f, int64_t attempt);
/* Advance by one answer; on LOGS_DONE *status is the exit status to give. */
enum logs_next logs_follow_step(struct logs_follow *f, const struct logs_window *w,
    int *status);
/* A job's end as the shell gives it: its exit status (128+N for signal N),
 * 1 for an end without one (cancelled before it ran, NODE_FAIL). */
int logs_exit_status(const char *state, int64_t exit_code);

#endif

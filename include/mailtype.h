/*
 * mailtype.h — sbatch's --mail-type and --mail-user, and which events a
 * job's change raises for them.  Pure: the client checks the options with
 * it, herdd checks again what a client sent and reads back what it
 * stored, and the controller asks mailtype_events() at each of a job's
 * steps which notifications its mail type wants (ctl_notify.c sends them).
 *
 * The canonical text is the set's names in this header's order, "ALL"
 * standing for its members: "ALL,TIME_LIMIT_90".  NONE is the empty set,
 * stored as no mail type at all.
 */
#ifndef HERD_MAILTYPE_H
#define HERD_MAILTYPE_H

#include <stddef.h>

enum {
	MAIL_BEGIN = 1 << 0,		/* it started running */
	MAIL_END = 1 << 1,		/* it is over, however it ended */
	MAIL_FAIL = 1 << 2,		/* ... FAILED, TIMEOUT or NODE_FAIL */
	MAIL_REQUEUE = 1 << 3,		/* an attempt of it was requeued */
	MAIL_INVALID_DEPEND = 1 << 4,	/* its dependency can never be met */
	MAIL_TIME_LIMIT = 1 << 5,	/* it reached its time limit */
	MAIL_TIME_LIMIT_50 = 1 << 6,	/* half of its time limit has passed */
	MAIL_TIME_LIMIT_80 = 1 << 7,
	MAIL_TIME_LIMIT_90 = 1 << 8,
	MAIL_ARRAY_TASKS = 1 << 9,	/* not an event: each task of an array tells */
};
/* Slurm's ALL: the events without a time in them. */
#define MAIL_ALL (MAIL_BEGIN | MAIL_END | MAIL_FAIL | MAIL_REQUEUE | MAIL_INVALID_DEPEND)
#define MAIL_TIME_ANY (MAIL_TIME_LIMIT_50 | MAIL_TIME_LIMIT_80 | MAIL_TIME_LIMIT_90)
#define MAIL_EVENTS (MAIL_ALL | MAIL_TIME_LIMIT | MAIL_TIME_ANY)

#define MAILTYPE_TEXT_MAX	128	/* the canonical text, NUL included */
#define MAILTYPE_INPUT_MAX	512	/* the longest value taken */
#define MAILUSER_MAX		254	/* an address's longest (RFC 5321's path) */

/*
 * "BEGIN,END" (any case, Slurm's separators: commas) into *mask; 0 ok, -1
 * with the reason in why (no prefix).  NONE alone is 0; with anything
 * else, an empty item, an unknown one or STAGE_OUT (herd stages nothing)
 * is an error.
 */
int mailtype_parse(const char *text, unsigned *mask, char *why, size_t whysz);
/* The canonical text of mask ("" for none) into buf. */
void mailtype_format(unsigned mask, char *buf, size_t size);
/* The name HERD_EVENT carries for one event bit ("BEGIN"), NULL none. */
const char *mailtype_name(unsigned event);

/*
 * A --mail-user: an address or a user name, 1 to MAILUSER_MAX bytes of
 * letters, digits and . _ % + - @, not starting with '-' (it reaches a
 * site's command as an argument's value).  0 ok, -1 with why.
 */
int mailuser_check(const char *v, char *why, size_t whysz);

/*
 * The events a step of a job raises for its mask: from and to are its
 * states (enum job_state) before and after, ev the lifecycle event
 * (enum job_event), actions the step's ACT_* bits.  An array task raises
 * none without MAIL_ARRAY_TASKS (submit refuses an array without it).
 */
unsigned mailtype_events(unsigned mask, int ev, int from, int to, unsigned actions,
    int array_task);

/*
 * The time-limit events a running job's clock passes between two looks
 * (prev < mark <= now, wall seconds): the marks are start + pct% of
 * limit.  No limit: none.
 */
unsigned mailtype_time_events(unsigned mask, long long start, long long limit_s,
    long long prev, long long now);
/*
 * The first of mask's marks after wall second `after` (the deadline the
 * controller waits for: ctl_deadline.c); 0 when none is left or no limit.
 */
long long mailtype_next_mark(unsigned mask, long long start, long long limit_s, long long after);

#endif

/*
 * sigspec.h — sbatch's --signal=[{R|B}:]SIG[@TIME]: which signal a job gets
 * TIME seconds before its time limit, and whether only its batch shell
 * gets it.  Pure: the client checks the option with it, the controller
 * checks again what a client sent (never trusting it) and reads back what
 * it stored, and the node side takes the signal's name from its table,
 * never from the text a user wrote.
 *
 * The canonical text is "USR1@60" or "B:USR1@60": the name without SIG,
 * the time always written.  R: (Slurm: may overlap a reservation with
 * MaxStartDelay) is accepted and dropped: herd has no reservations.
 */
#ifndef HERD_SIGSPEC_H
#define HERD_SIGSPEC_H

#include <stddef.h>

#define SIGSPEC_TIME_DEFAULT	60	/* seconds, as sbatch */
#define SIGSPEC_TIME_MAX	65535	/* sbatch's bound (a 16-bit field) */
#define SIGSPEC_TEXT_MAX	32	/* the canonical text, NUL included */

enum { SIGSPEC_BATCH = 1 };	/* B: only the batch shell */

struct sigspec {
	int sig;		/* this platform's number, from the table; 0 none */
	int time_s;		/* seconds before the time limit */
	unsigned flags;		/* SIGSPEC_* */
};

/*
 * Parse `text`; 0 with *out set, -1 with the reason in why (no prefix:
 * "unknown signal \"FOO\"; use one of ...").  Names with or without SIG, in
 * any case, and numbers of the table's signals are accepted.
 */
int sigspec_parse(const char *text, struct sigspec *out, char *why, size_t whysz);
/* The canonical text into buf (SIGSPEC_TEXT_MAX bytes are enough). */
void sigspec_format(const struct sigspec *s, char *buf, size_t size);
/* "USR1" for SIGUSR1: the name `kill -s` takes; NULL for a signal not in
 * the table. */
const char *sigspec_name(int sig);

#endif

/*
 * swf.h — the Standard Workload Format (Parallel Workloads Archive): one
 * job per line, 18 whitespace-separated numbers, ';' comment lines, -1 for
 * unknown.  A pure line parser, fuzzed (fuzz/fuzz_swf.c); reading files
 * (plain or gzip) is cmd_sim.c's.
 *
 * What herd takes from a line: 1 job number, 2 submit time, 4 run time,
 * 5 allocated processors, 8 requested processors, 9 requested time (the
 * user's limit), 12 user.  A job's size is field 8, or field 5 where 8 is
 * -1.  Numbers are decimal, optionally negative, optionally with a
 * fraction (truncated: SWF allows fractional seconds); nothing else
 * (no exponents, inf, nan or hex, which strtod would take).
 */
#ifndef HERD_SWF_H
#define HERD_SWF_H

#include <stddef.h>
#include <stdint.h>

#define SWF_FIELDS 18
#define SWF_LINE_MAX 4096	/* longer lines are refused */
#define SWF_NUM_MAX 1000000000000000LL	/* |field| above this is refused */

struct swf_job {
	int64_t id;
	int64_t submit;		/* s */
	int64_t run;		/* s; <= 0: unknown or failed at once */
	int64_t size;		/* processors: field 8, else 5; <= 0 unknown */
	int64_t req_time;	/* s, the user's limit; -1 unknown */
	int64_t user;		/* -1 unknown */
};

/*
 * One line (len bytes, without its newline; a NUL in it is refused).
 * Returns 1 for a job (*out filled), 0 for a comment or blank line, -1 for
 * a malformed line (why says what, errlen bytes).
 */
int swf_parse_line(const char *line, size_t len, struct swf_job *out, char *why, size_t errlen);

/* A header line "; MaxProcs: N" (or MaxNodes): N, else 0. */
int64_t swf_header_value(const char *line, size_t len, const char *key);

/*
 * The writer (herd history --swf): one ended herd job as an SWF line.
 * Processors are GPUs (fields 5 and 8; a CPU-only job has 0, which herd
 * sim drops and counts); times are wall seconds, written relative to t0
 * (the header's UnixStartTime).  Written: 1 id, 2 submit, 3 wait, 4 run
 * (-1 for a job that never started), 5 and 8 GPUs, 9 the time limit (-1
 * none), 11 status, 12 user (uid), 13 group, 16 partition; the rest -1.
 */
enum { SWF_FAILED = 0, SWF_COMPLETED = 1, SWF_CANCELLED = 5 };

struct swf_hist {
	int64_t id;
	int64_t submit, start, end;	/* wall s; start 0: never started */
	int64_t gpus;
	int64_t limit;			/* s; 0: none */
	int status;			/* SWF_* */
	int64_t user, group, partition;	/* numbers, -1 unknown */
};

/* The line (no newline) into buf; its length, or -1 if size is too small. */
int swf_format(const struct swf_hist *h, int64_t t0, char *buf, size_t size);

/* SWF's status for a herd state name ("COMPLETED" 1, "CANCELLED" 5, else 0). */
int swf_status(const char *state);

#endif

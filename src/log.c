/*
 * log.c — timestamped lines to one descriptor (stderr, or the log file when
 * herdd runs detached).  One write per line so concurrent node workers never
 * interleave inside a line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "herd";
static enum log_level log_level = LOG_INFO;
static int log_fd = 2;

void log_init(const char *progname, enum log_level level, int fd)
{
	log_prog = progname;
	log_level = level;
	log_fd = fd;
}

static void log_vline(enum log_level level, const char *func, const char *fmt,
    va_list ap, const char *suffix)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char line[1024];
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
	n += (size_t)snprintf(line + n, sizeof line - n, ".%03ld %s[%d] %s: %s: ",
	    ts.tv_nsec / 1000000, log_prog, (int)getpid(), names[level], func);
	if (n < sizeof line)
		n += (size_t)vsnprintf(line + n, sizeof line - n, fmt, ap);
	if (suffix != NULL && n < sizeof line)
		n += (size_t)snprintf(line + n, sizeof line - n, ": %s", suffix);
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	(void)!write(log_fd, line, n);
}

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	va_list ap;
	if (level < log_level)
		return;
	va_start(ap, fmt);
	log_vline(level, func, fmt, ap, NULL);
	va_end(ap);
}

void log_die(int with_errno, const char *func, const char *fmt, ...)
{
	va_list ap;
	const char *e = with_errno ? strerror(errno) : NULL;
	va_start(ap, fmt);
	log_vline(LOG_ERROR, func, fmt, ap, e);
	va_end(ap);
	exit(1);
}

/*
 * log.h — the one logging API.  Every line names the function it came from.
 * log_fatal() adds strerror(errno); log_fatalx() does not.  Both exit(1) and
 * are for main()/start-up code only, never library code.
 * Untrusted text must pass str_vis() before it reaches a log line.
 */
#ifndef HERD_LOG_H
#define HERD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_init(const char *progname, enum log_level level, int fd);
void log_msg(enum log_level level, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_die(int with_errno, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define log_debug(...) log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __func__, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __func__, __VA_ARGS__)
#define log_fatal(...)  log_die(1, __func__, __VA_ARGS__)
#define log_fatalx(...) log_die(0, __func__, __VA_ARGS__)

#endif

/*
 * top_live.c — the live view of herd top: raw keys in, whole frames out.
 *
 * Theory of operation: the simplest screen that cannot get out of step.
 * Every period (and at once after a key or a resize) the frame is drawn
 * again whole into a buffer and written in one write(): home, clear, the
 * frame.  No diffing, no curses: a frame is a few KiB, and a full redraw
 * every two seconds over SSH costs less than keeping a model of the screen
 * right.  The alternate screen keeps the user's scrollback as it was.
 *
 * The terminal's settings are saved before anything changes them and put
 * back on every way out: q, Ctrl-C (ISIG stays on, so it is SIGINT, and a
 * byte 3 read in any case also quits), SIGTERM, SIGHUP, and a failed
 * draw.  Signals are blocked except inside ppoll, so a flag set by a
 * handler is never missed between the check and the wait.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "top_live.h"

#define ENTER "\033[?1049h\033[?25l"	/* alternate screen, cursor hidden */
#define LEAVE "\033[?25h\033[?1049l"
#define HOME_CLEAR "\033[H\033[2J"

static volatile sig_atomic_t quit_sig, resized;

static void on_quit(int sig)
{
	quit_sig = sig;
}

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* The terminal's size; COLUMNS/LINES only where it has none. */
static void screen_size(int fd, size_t *cols, size_t *rows)
{
	struct winsize ws;
	*cols = 80;
	*rows = 24;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	} else if (term_columns(stdout) > 0) {
		*cols = term_columns(stdout);
	}
}

/* One frame, written at once; the last newline dropped so a full screen does not scroll. */
static int redraw(int out, int (*draw)(void *, FILE *, size_t, size_t), void *arg)
{
	char *text = NULL;
	size_t len = 0, cols, rows;
	screen_size(out, &cols, &rows);
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return 1;
	fputs(HOME_CLEAR, f);
	int rc = draw(arg, f, cols, rows);
	fclose(f);
	if (rc == 0) {
		if (len > 0 && text[len - 1] == '\n')
			len--;
		if (write_all(out, text, len) != 0)
			rc = 1;
	}
	free(text);
	return rc;
}

/* What the keys read say: 1 quit, 0 go on. */
static int keys(int in)
{
	char buf[64];
	ssize_t n = read(in, buf, sizeof buf);
	if (n < 0)
		return errno != EINTR && errno != EAGAIN;	/* EIO: the terminal is gone */
	if (n == 0)
		return 1;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 'q' || buf[i] == 'Q' || buf[i] == 3)
			return 1;
	return 0;
}

static void handlers(struct sigaction *old, const int *sigs, size_t n)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++) {
		sa.sa_handler = sigs[i] == SIGWINCH ? on_winch : on_quit;
		sigaction(sigs[i], &sa, &old[i]);
	}
}

int top_live(int in, int out, int (*draw)(void *arg, FILE *f, size_t cols, size_t rows),
    void *arg)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };
	struct sigaction old[4];
	struct termios saved, raw;
	sigset_t block, orig;
	int rc = 0;

	if (tcgetattr(in, &saved) != 0)
		return 1;
	sigemptyset(&block);
	for (size_t i = 0; i < 4; i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &orig);
	quit_sig = resized = 0;
	handlers(old, sigs, 4);
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);	/* ISIG kept: Ctrl-C is SIGINT */
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSAFLUSH, &raw) != 0) {
		rc = 1;
		goto out;
	}
	(void)write_all(out, ENTER, strlen(ENTER));
	for (;;) {
		if ((rc = redraw(out, draw, arg)) != 0)
			break;
		struct pollfd p = { in, POLLIN, 0 };
		struct timespec ts = { TOP_LIVE_PERIOD_MS / 1000, TOP_LIVE_PERIOD_MS % 1000 * 1000000L };
		int n = ppoll(&p, 1, &ts, &orig);
		if (quit_sig)
			break;
		if (n < 0 && errno != EINTR) {
			rc = 1;
			break;
		}
		if (n > 0 && keys(in))
			break;
		resized = 0;
	}
	(void)write_all(out, LEAVE, strlen(LEAVE));
	tcsetattr(in, TCSAFLUSH, &saved);
out:
	for (size_t i = 0; i < 4; i++)
		sigaction(sigs[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return rc;
}

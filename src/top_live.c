/*
 * top_live.c — the live view of herd top: raw keys in, changed lines out.
 *
 * Theory of operation: the terminal side only.  What a key means is
 * topview.c's (pure), how bytes become keys topkey.c's, what to write to
 * change the screen topdiff.c's; this file reads, waits and writes.  The
 * screen is drawn whole into a buffer from the view and the last data,
 * then only the lines that differ from the last screen are written, in
 * one write().  Keys redraw from the data already fetched; herdd is asked
 * again when its watch connection says a job or node changed (a burst of
 * events is one ask, TOP_LIVE_EVENT_GAP_MS apart), after u and after a
 * cancel, and every TOP_LIVE_RESYNC_MS in case; without a watch, every
 * TOP_LIVE_PERIOD_MS.  The clock and running times move on every
 * TOP_LIVE_TICK_MS from the data in hand, without asking.  The watch
 * connection closing means herdd went away: the view ends.  A
 * resize (SIGWINCH) forgets the last screen, so the next is laid out at
 * the new size and written whole.  The alternate screen keeps the user's
 * scrollback as it was.
 *
 * The terminal's settings are saved before anything changes them and put
 * back on every way out: q, Ctrl-C (ISIG stays on, so it is SIGINT, and a
 * byte 3 read in any case also quits), Ctrl-\ (SIGQUIT, whose default would
 * dump core and leave the terminal raw), SIGTERM, SIGHUP, and herdd gone.
 * Signals are blocked except inside ppoll, so a flag set by a handler is
 * never missed between the check and the wait.  Ctrl-Z (SIGTSTP) puts the
 * terminal back as on a way out before the process stops (the shell gets
 * its screen, cursor and modes), and on fg takes it again and draws the
 * whole screen.
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
#include "topdiff.h"
#include "topkey.h"

#define ENTER "\033[?1049h\033[?25l"	/* alternate screen, cursor hidden */
#define LEAVE "\033[?25h\033[?1049l"
#define NKEYS 64

static volatile sig_atomic_t quit_sig, resized, stop_sig;

static void on_quit(int sig)
{
	quit_sig = sig;
}

static void on_stop(int sig)
{
	(void)sig;
	stop_sig = 1;
}

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* The terminal's size; COLUMNS only where it has none. */
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

struct live {
	int in, out;
	const struct top_live_ops *ops;
	struct top_view v;
	struct top_data d;
	struct termios saved, raw;	/* the user's modes, and ours */
	char *screen;		/* what the terminal shows now; NULL unknown */
	int64_t next_fetch, last_fetch, next_tick;	/* monotonic ms */
};

static int refetch(struct live *l)
{
	top_data_clear(&l->d);
	memset(&l->d, 0, sizeof l->d);
	l->last_fetch = now_ms();
	l->next_fetch = l->last_fetch + (l->ops->watch_fd >= 0 ? TOP_LIVE_RESYNC_MS :
	    TOP_LIVE_PERIOD_MS);
	l->next_tick = l->last_fetch + TOP_LIVE_TICK_MS;
	return l->ops->fetch(l->ops->arg, l->v.mine, &l->d);
}

/* The view drawn, and what changed written at once. */
static int redraw(struct live *l)
{
	char *next = NULL, *bytes = NULL;
	size_t nlen = 0, blen = 0, cols, rows;
	screen_size(l->out, &cols, &rows);
	FILE *f = open_memstream(&next, &nlen);
	if (f == NULL)
		return 1;
	top_view_draw(f, &l->v, &l->d, cols, rows);
	fclose(f);
	if (nlen > 0 && next[nlen - 1] == '\n')	/* a full screen must not scroll */
		next[nlen - 1] = '\0';
	if ((f = open_memstream(&bytes, &blen)) == NULL) {
		free(next);
		return 1;
	}
	top_diff(f, l->screen, next, cols);
	fclose(f);
	int rc = write_all(l->out, bytes, blen) != 0;
	free(bytes);
	free(l->screen);
	l->screen = next;
	return rc;
}

/* What a key asks for; 1 to quit, -1 herdd gone. */
static int act(struct live *l, int key)
{
	char *text = NULL;
	size_t len = 0;
	enum top_act a = top_view_key(&l->v, &l->d, key);
	switch (a) {
	case TA_QUIT:
		return 1;
	case TA_REFETCH:
		return refetch(l) ? -1 : 0;
	case TA_SHOW: case TA_LOG:
		l->ops->run(l->ops->arg, a, l->v.ref, &text, &len);
		top_view_page(&l->v, text ? text : "", len, a == TA_LOG);
		break;
	case TA_CANCEL:	/* the job asked about, wherever the selection went since */
		l->ops->run(l->ops->arg, a, l->v.ask, &text, &len);
		snprintf(l->v.status, sizeof l->v.status, "%.*s", (int)strcspn(text ? text : "", "\n"),
		    text ? text : "");
		free(text);
		return refetch(l) ? -1 : 0;
	default:
		break;
	}
	free(text);
	return 0;
}

/* Read what was typed and act on each key; 1 quit, -1 herdd or the terminal gone. */
static int keys(struct live *l, struct topkey *k, int timed_out)
{
	unsigned char buf[256];
	int got[NKEYS];
	size_t nk;
	if (timed_out) {
		nk = topkey_flush(k, got);
	} else {
		ssize_t n = read(l->in, buf, sizeof buf);
		if (n < 0)
			return errno != EINTR && errno != EAGAIN ? -1 : 0;	/* EIO: terminal gone */
		if (n == 0)
			return 1;
		nk = topkey_feed(k, buf, (size_t)n, got, NKEYS);
	}
	for (size_t i = 0; i < nk; i++) {
		int r = act(l, got[i]);
		if (r != 0)
			return r;
	}
	return 0;
}

static void handlers(struct sigaction *old, const int *sigs, size_t n)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++) {
		sa.sa_handler = sigs[i] == SIGWINCH ? on_winch : sigs[i] == SIGTSTP ? on_stop : on_quit;
		sigaction(sigs[i], &sa, &old[i]);
	}
}

/* herdd said something changed: ask again soon, a burst once. */
static int on_event(struct live *l)
{
	if (l->ops->watch_event(l->ops->arg) != 0)
		return 1;
	int64_t soonest = l->last_fetch + TOP_LIVE_EVENT_GAP_MS;
	if (l->next_fetch > soonest)
		l->next_fetch = soonest;
	return 0;
}

/*
 * Ctrl-Z: the terminal as the user had it, stopped (SIGSTOP: ours is
 * caught), and on fg raw again with the screen drawn whole.
 */
static void suspend(struct live *l)
{
	(void)write_all(l->out, LEAVE, strlen(LEAVE));
	tcsetattr(l->in, TCSAFLUSH, &l->saved);
	kill(getpid(), SIGSTOP);
	tcsetattr(l->in, TCSAFLUSH, &l->raw);
	(void)write_all(l->out, ENTER, strlen(ENTER));
	free(l->screen);
	l->screen = NULL;
}

/* Until a way out: 0 quit, else herdd or the terminal gone. */
static int loop(struct live *l, const sigset_t *orig)
{
	struct topkey k = { 0 };
	if (refetch(l) != 0)
		return 1;
	for (;;) {
		if (redraw(l) != 0)
			return 1;
		int64_t due = l->next_fetch < l->next_tick ? l->next_fetch : l->next_tick;
		int64_t wait = due - now_ms();
		if (topkey_pending(&k))
			wait = TOP_LIVE_ESC_MS;
		struct pollfd p[2] = { { l->in, POLLIN, 0 }, { l->ops->watch_fd, POLLIN, 0 } };
		struct timespec ts = { wait > 0 ? wait / 1000 : 0, wait > 0 ? wait % 1000 * 1000000L : 0 };
		int n = ppoll(p, l->ops->watch_fd >= 0 ? 2 : 1, &ts, orig);
		if (quit_sig)
			return 0;
		if (n < 0 && errno != EINTR)
			return 1;
		if (stop_sig) {
			stop_sig = 0;
			suspend(l);
		}
		if (resized) {	/* the screen is laid out again, whole */
			resized = 0;
			free(l->screen);
			l->screen = NULL;
		}
		if (n > 0 && l->ops->watch_fd >= 0 && p[1].revents != 0 && on_event(l) != 0)
			return 1;	/* herdd went away */
		int r = 0;
		if ((n > 0 && p[0].revents != 0) || (n == 0 && topkey_pending(&k)))
			r = keys(l, &k, n == 0);
		if (r != 0)
			return r > 0 ? 0 : 1;
		int64_t now = now_ms();
		if (now >= l->next_fetch) {
			if (refetch(l) != 0)
				return 1;
		} else if (now >= l->next_tick) {	/* the clock's fields, from what we have */
			l->d.now = wall_s();
			l->next_tick = now + TOP_LIVE_TICK_MS;
		}
	}
}

int top_live(int in, int out, const struct top_live_ops *ops)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP };
	enum { NSIGS = sizeof sigs / sizeof sigs[0] };
	struct sigaction old[NSIGS];
	sigset_t block, orig;
	struct live l = { .in = in, .out = out, .ops = ops };
	struct termios *saved = &l.saved, *raw = &l.raw;
	int rc = 0;

	if (tcgetattr(in, saved) != 0)
		return 1;
	sigemptyset(&block);
	for (size_t i = 0; i < NSIGS; i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &orig);
	quit_sig = resized = stop_sig = 0;
	handlers(old, sigs, NSIGS);
	*raw = *saved;
	raw->c_lflag &= ~(tcflag_t)(ICANON | ECHO);	/* ISIG kept: Ctrl-C is SIGINT */
	raw->c_cc[VMIN] = 1;
	raw->c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSAFLUSH, raw) != 0) {
		rc = 1;
		goto out;
	}
	(void)write_all(out, ENTER, strlen(ENTER));
	rc = loop(&l, &orig);
	(void)write_all(out, LEAVE, strlen(LEAVE));
	tcsetattr(in, TCSAFLUSH, saved);
out:
	for (size_t i = 0; i < NSIGS; i++)
		sigaction(sigs[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	top_view_clear(&l.v);
	top_data_clear(&l.d);
	free(l.screen);
	return rc;
}

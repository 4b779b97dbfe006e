/*
 * stream_frame.c — the frames of an accepted stream (stream_frame.h).
 *
 * Theory of operation: a stream copies a terminal's bytes, so a frame is
 * as small as can be (3 bytes of header) and bounded (16 KiB of payload:
 * the reader never needs more than one frame's room to make progress,
 * which is what lets both ends apply backpressure with fixed buffers).
 * Every payload is checked here against its kind, so neither end acts on
 * a window of 0 rows or a signal outside the table.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "stream_frame.h"

static const struct {
	const char *name;
	int signo;
} sigs[] = {
	[SFRAME_SIG_INT] = { "INT", SIGINT },	[SFRAME_SIG_TERM] = { "TERM", SIGTERM },
	[SFRAME_SIG_HUP] = { "HUP", SIGHUP },	[SFRAME_SIG_KILL] = { "KILL", SIGKILL },
	[SFRAME_SIG_QUIT] = { "QUIT", SIGQUIT },	[SFRAME_SIG_PIPE] = { "PIPE", SIGPIPE },
	[SFRAME_SIG_USR1] = { "USR1", SIGUSR1 },	[SFRAME_SIG_USR2] = { "USR2", SIGUSR2 },
	[SFRAME_SIG_ALRM] = { "ALRM", SIGALRM },	[SFRAME_SIG_SEGV] = { "SEGV", SIGSEGV },
	[SFRAME_SIG_ABRT] = { "ABRT", SIGABRT },
};

const char *sframe_sig_name(int sig)
{
	return sig >= SFRAME_SIG_INT && sig < SFRAME_SIG_OTHER ? sigs[sig].name : NULL;
}

int sframe_sig_from_name(const char *name)
{
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	for (int i = SFRAME_SIG_INT; i < SFRAME_SIG_OTHER; i++)
		if (strcasecmp(name, sigs[i].name) == 0)
			return i;
	return SFRAME_SIG_OTHER;
}

int sframe_sig_number(int sig)
{
	return sframe_sig_name(sig) != NULL ? sigs[sig].signo : 0;
}

int sframe_sig_from_number(int signo)
{
	for (int i = SFRAME_SIG_INT; i < SFRAME_SIG_OTHER; i++)
		if (sigs[i].signo == signo)
			return i;
	return 0;
}

int sframe_from_client(int kind)
{
	return kind == SF_STDIN || kind == SF_EOF || kind == SF_WINCH || kind == SF_SIGNAL;
}

/* Whether `len` bytes are a valid payload of `kind`. */
static int payload_ok(int kind, const unsigned char *p, size_t len, const char **why)
{
	switch (kind) {
	case SF_STDIN: case SF_STDOUT: case SF_STDERR:
		*why = "empty data frame";
		return len > 0;
	case SF_EOF: case SF_CLOSED:
		*why = "end of input with a payload";
		return len == 0;
	case SF_WINCH: {
		*why = "window size not 2 sizes of 1 to 10000";
		if (len != 4)
			return 0;
		int c = p[0] << 8 | p[1], r = p[2] << 8 | p[3];
		return c >= 1 && c <= SFRAME_DIM_MAX && r >= 1 && r <= SFRAME_DIM_MAX;
	}
	case SF_SIGNAL:
		*why = "signal not in the table";
		return len == 1 && p[0] >= SFRAME_SIG_INT && p[0] < SFRAME_SIG_OTHER;
	case SF_EXIT:
		*why = "exit not a status of 0-255 or a signal of the table";
		return len == 2 && (p[0] == SFRAME_EXIT_STATUS ||
		    (p[0] == SFRAME_EXIT_SIGNAL && p[1] >= SFRAME_SIG_INT && p[1] <= SFRAME_SIG_OTHER));
	case SF_ERROR:
		*why = "error text empty or too long";
		return len > 0 && len <= SFRAME_ERR_MAX;
	}
	*why = "unknown frame kind";
	return 0;
}

static int kind_known(int kind)
{
	return sframe_from_client(kind) || kind == SF_STDOUT || kind == SF_STDERR ||
	    kind == SF_EXIT || kind == SF_ERROR || kind == SF_CLOSED;
}

long sframe_decode(const void *p, size_t n, struct sframe *f, char *err, size_t errsz)
{
	const unsigned char *u = p;
	const char *why;
	if (n < SFRAME_HDR)
		return 0;
	size_t len = (size_t)u[1] << 8 | u[2];
	int kind = u[0];
	if (!kind_known(kind)) {
		snprintf(err, errsz, "stream frame of unknown kind 0x%02x", (unsigned)kind);
		return -1;
	}
	if (len > SFRAME_PAYLOAD_MAX) {
		snprintf(err, errsz, "stream frame of %zu bytes (at most %d)", len, SFRAME_PAYLOAD_MAX);
		return -1;
	}
	if (n - SFRAME_HDR < len)
		return 0;	/* wait for the rest: at most one frame's room */
	if (!payload_ok(kind, u + SFRAME_HDR, len, &why)) {
		snprintf(err, errsz, "stream frame '%c': %s", kind, why);
		return -1;
	}
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->data = u + SFRAME_HDR;
	f->len = len;
	if (kind == SF_WINCH) {
		f->cols = f->data[0] << 8 | f->data[1];
		f->rows = f->data[2] << 8 | f->data[3];
	} else if (kind == SF_SIGNAL) {
		f->sig = f->data[0];
	} else if (kind == SF_EXIT) {
		f->how = f->data[0];
		if (f->how == SFRAME_EXIT_SIGNAL)
			f->sig = f->data[1];
		else
			f->status = f->data[1];
	}
	return (long)(SFRAME_HDR + len);
}

int sframe_put(struct buf *b, int kind, const void *p, size_t len)
{
	const char *why;
	unsigned char hdr[SFRAME_HDR] = { (unsigned char)kind, (unsigned char)(len >> 8),
	    (unsigned char)len };
	if (len > SFRAME_PAYLOAD_MAX || !payload_ok(kind, p, len, &why))
		return -1;
	if (buf_add(b, hdr, sizeof hdr) != 0)
		return -1;
	if (len > 0 && buf_add(b, p, len) != 0) {
		b->len -= sizeof hdr;
		return -1;
	}
	return 0;
}

int sframe_put_winch(struct buf *b, int cols, int rows)
{
	if (cols < 1 || cols > SFRAME_DIM_MAX || rows < 1 || rows > SFRAME_DIM_MAX)
		return -1;
	unsigned char p[4] = { (unsigned char)(cols >> 8), (unsigned char)cols,
	    (unsigned char)(rows >> 8), (unsigned char)rows };
	return sframe_put(b, SF_WINCH, p, sizeof p);
}

int sframe_put_signal(struct buf *b, enum sframe_sig sig)
{
	unsigned char p = (unsigned char)sig;
	if (sframe_sig_name((int)sig) == NULL)
		return -1;
	return sframe_put(b, SF_SIGNAL, &p, 1);
}

int sframe_put_exit(struct buf *b, int how, int value)
{
	if (value < 0 || value > 255)
		return -1;
	unsigned char p[2] = { (unsigned char)how, (unsigned char)value };
	return sframe_put(b, SF_EXIT, p, sizeof p);
}

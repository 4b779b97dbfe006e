/*
 * portfwd.c — herd port-forward's [LOCALPORT:]REMOTEPORT (portfwd.h).
 *
 * Theory of operation: strict, as ssh -L is not (it takes "0x1F90" and
 * " 80" through strtol): a port is 1 to 5 decimal digits, counted before
 * they are added up so no length overflows, and its range checked after;
 * anything else names the part that is wrong.  The remote port may not be
 * 0 (no server listens there); the local 0 asks the kernel for a free one.
 */
#include <stdio.h>
#include <string.h>

#include "portfwd.h"

/* One port of n bytes at p, min to 65535; 0, or -1 with err. */
static int port_of(const char *p, size_t n, int min, const char *what, int *out, char *err,
    size_t errsz)
{
	long v = 0;
	if (n == 0 || n > 5 || strspn(p, "0123456789") < n) {
		snprintf(err, errsz, "the %s port must be a number of %d to 65535", what, min);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	if (v < min || v > 65535) {
		snprintf(err, errsz, "the %s port must be %d to 65535, not %ld", what, min, v);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int portfwd_parse(const char *s, int *local, int *remote, char *err, size_t errsz)
{
	const char *colon = strchr(s, ':');
	*local = 0;
	if (colon == NULL)
		return port_of(s, strlen(s), 1, "remote", remote, err, errsz);
	if (strchr(colon + 1, ':') != NULL) {
		snprintf(err, errsz, "one ':' at most: [LOCALPORT:]REMOTEPORT");
		return -1;
	}
	if (port_of(s, (size_t)(colon - s), 0, "local", local, err, errsz) != 0)
		return -1;
	return port_of(colon + 1, strlen(colon + 1), 1, "remote", remote, err, errsz);
}

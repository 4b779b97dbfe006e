/*
 * portfwd.h — herd port-forward's argument, [LOCALPORT:]REMOTEPORT: pure,
 * no I/O, fuzzed (fuzz_portfwd).
 */
#ifndef HERD_PORTFWD_H
#define HERD_PORTFWD_H

#include <stddef.h>

#define PORTFWD_CONN_MAX 32	/* connections at once through one forward */

/*
 * "8888" (local 0: a free port) or "9000:8888": 0 with *local (0-65535)
 * and *remote (1-65535), or -1 with err saying what is wrong.  Decimal
 * digits only: no sign, space, or more than 5 digits.
 */
int portfwd_parse(const char *s, int *local, int *remote, char *err, size_t errsz);

#endif

/*
 * bridge.h — `herd --stdio-bridge`: herdd's socket on stdin/stdout, so that
 * a client on another machine reaches it through the user's own ssh
 * (`ssh CONTROLLER herd --stdio-bridge`).  The bridge copies bytes and
 * interprets nothing: herdd still learns the caller from SO_PEERCRED, which
 * on the controller is the user ssh logged in as.
 */
#ifndef HERD_BRIDGE_H
#define HERD_BRIDGE_H

#include <stddef.h>

/*
 * Copy in → sock and sock → out until herdd closes sock and everything it
 * sent is written to out.  EOF on in becomes shutdown(SHUT_WR) on sock (the
 * answers still come back).  The three descriptors are borrowed; their
 * O_NONBLOCK flags are restored on return.  0 when herdd closed, -1 with a
 * message in err otherwise (a read or write failed, out's reader left).
 */
int bridge_copy(int in, int out, int sock, char *err, size_t errsz);

/*
 * The whole `herd --stdio-bridge`: connect to the local herdd (-s,
 * $HERD_SOCKET, -c/$HERD_CONFIG, the default; never $HERD_CONTROLLER) and
 * bridge stdin/stdout to it.  Returns the exit status; errors are printed.
 */
int bridge_main(void);

#endif

/*
 * ssh.h — libssh2 behind a small interface: one session per connection,
 * channels that run a constant command, reads and writes with monotonic
 * deadlines.  Only ssh.c includes libssh2.h.
 *
 * A session and its channels belong to one thread at a time.  The host key
 * is checked against the node's known_hosts; an unknown or changed key is
 * refused with a message saying how to fix it.  Authentication: the node's
 * identity file, else ssh-agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa.
 *
 * Reads return >0 bytes, 0 at end of file, SSH_TIMEOUT when the deadline
 * passed, -1 on error (*err says what).
 */
#ifndef HERD_SSH_H
#define HERD_SSH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SSH_TIMEOUT (-2)

struct node_conf;
struct ssh_conn;
struct ssh_chan;

int ssh_global_init(void);
int ssh_conn_open(const struct node_conf *nc, struct ssh_conn **out, int64_t deadline,
    char *err, size_t errsz);
/*
 * The same, saying in *stage (NULL: not wanted) which step failed, for
 * herd doctor: each has its own cause and fix.
 */
enum ssh_stage {
	SSH_STAGE_OK, SSH_STAGE_CONNECT, SSH_STAGE_HANDSHAKE, SSH_STAGE_KNOWN_HOSTS,
	SSH_STAGE_HOSTKEY_UNKNOWN, SSH_STAGE_HOSTKEY_CHANGED, SSH_STAGE_AUTH
};
int ssh_conn_open_stage(const struct node_conf *nc, struct ssh_conn **out, int64_t deadline,
    enum ssh_stage *stage, char *err, size_t errsz);
void ssh_conn_free(struct ssh_conn *c);

/*
 * herd init: a host's key, before anything trusts it.  ssh_hostkey_get
 * connects and handshakes only (no login), and says whether known_hosts
 * (a missing file is an empty one) has the key, another key for the host,
 * or none; with the key's type ("ssh-ed25519"), its fingerprint as
 * ssh-keygen -l prints it ("SHA256:...") and the known_hosts line that
 * records it.  ssh_hostkey_add appends that line (making the file 0600
 * and its directory 0700 when missing; after a newline where the file's
 * last line has none); it never replaces a line.
 */
enum ssh_hostkey_state { SSH_HOSTKEY_KNOWN, SSH_HOSTKEY_UNKNOWN, SSH_HOSTKEY_CHANGED };
struct ssh_hostkey {
	enum ssh_hostkey_state state;
	char type[64];
	char sha256[64];
	char line[8192];
};
int ssh_hostkey_get(const char *host, int port, const char *known_hosts, int64_t deadline,
    struct ssh_hostkey *k, char *err, size_t errsz);
int ssh_hostkey_add(const char *known_hosts, const struct ssh_hostkey *k, char *err,
    size_t errsz);
int ssh_keepalive(struct ssh_conn *c);
int ssh_chan_exec(struct ssh_conn *c, const char *cmd, struct ssh_chan **out,
    int64_t deadline, char *err, size_t errsz);
/* A terminal for ssh_chan_open: its type ($TERM) and size. */
struct ssh_pty {
	const char *term;
	int cols, rows;
};
/* ssh_chan_exec with a pty first where pty is not NULL. */
int ssh_chan_open(struct ssh_conn *c, const char *cmd, const struct ssh_pty *pty,
    struct ssh_chan **out, int64_t deadline, char *err, size_t errsz);
/* A channel to localhost:port on the node (direct-tcpip), for a port
 * forward: its data read and written as a program's stdout and stdin. */
int ssh_chan_direct(struct ssh_conn *c, int port, struct ssh_chan **out, int64_t deadline,
    char *err, size_t errsz);
/* The pty's new size (window-change); 0 or -1. */
int ssh_chan_winsize(struct ssh_chan *ch, int cols, int rows, int64_t deadline);
/*
 * For a caller that polls the session's socket itself (a stream relay):
 * the socket and the poll events libssh2 waits for, and calls that never
 * wait.  try_read: >0 bytes of stdout (or stderr), 0 none now, -1 error;
 * try_write: bytes taken (0: the peer's window is full), -1 error;
 * try_send_eof and try_closed: 0 done, 1 not yet, -1 error.
 */
int ssh_conn_fd(const struct ssh_conn *c);
short ssh_conn_events(const struct ssh_conn *c);
ssize_t ssh_chan_try_read(struct ssh_chan *ch, int stderr_stream, char *p, size_t n);
ssize_t ssh_chan_try_write(struct ssh_chan *ch, const char *p, size_t n);
int ssh_chan_try_send_eof(struct ssh_chan *ch);
int ssh_chan_eof(struct ssh_chan *ch);
int ssh_chan_try_closed(struct ssh_chan *ch);
/* After the close: the exit status (0-255), or -1 with the signal's name
 * (without SIG) in sig when the remote program was killed by one. */
int ssh_chan_exit(struct ssh_chan *ch, char *sig, size_t sigsz);
ssize_t ssh_chan_read(struct ssh_chan *ch, char *p, size_t n, int64_t deadline,
    char *err, size_t errsz);
int ssh_chan_write(struct ssh_chan *ch, const char *p, size_t n, int64_t deadline,
    char *err, size_t errsz);
void ssh_chan_close(struct ssh_chan *ch);

#endif

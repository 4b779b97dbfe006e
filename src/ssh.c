/*
 * ssh.c — libssh2 sessions for the node workers.
 *
 * Theory of operation: connect and handshake in blocking mode bounded by
 * libssh2_session_set_timeout, then switch the session to non-blocking and
 * drive every call with poll() on the socket in the directions libssh2 asks
 * for (libssh2_session_block_directions), up to the caller's monotonic
 * deadline.  So no remote step can hang a worker, and a timed-out call
 * leaves the session usable or is reported as an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libssh2.h>

#include "config.h"
#include "ssh.h"
#include "util.h"

struct ssh_conn {
	int fd;
	LIBSSH2_SESSION *s;
	char name[64];
};

struct ssh_chan {
	struct ssh_conn *c;
	LIBSSH2_CHANNEL *ch;
};

int ssh_global_init(void)
{
	return libssh2_init(0) == 0 ? 0 : -1;
}

static int tcp_connect(const char *host, int port, int64_t deadline, char *err, size_t errsz)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char portstr[16];
	int fd = -1, rc;

	snprintf(portstr, sizeof portstr, "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &res)) != 0) {
		snprintf(err, errsz, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
			struct pollfd p = { fd, POLLOUT, 0 };
			int64_t left = deadline - now_ms();
			int soerr = 0;
			socklen_t sl = sizeof soerr;
			if (left > 0 && poll(&p, 1, (int)left) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
				break;
			errno = soerr ? soerr : ETIMEDOUT;
		}
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		snprintf(err, errsz, "connect to %s port %d: %s", host, port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

static int sess_error(struct ssh_conn *c, const char *what, char *err, size_t errsz)
{
	char *msg = NULL;
	libssh2_session_last_error(c->s, &msg, NULL, 0);
	snprintf(err, errsz, "%s: %s", what, msg ? msg : "unknown error");
	return -1;
}

static int check_host_key(struct ssh_conn *c, const struct node_conf *nc, enum ssh_stage *st,
    char *err, size_t errsz)
{
	size_t len;
	int type, rc;
	const char *key = libssh2_session_hostkey(c->s, &len, &type);
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(c->s);
	char hostport[300];

	if (nc->port == 22)
		snprintf(hostport, sizeof hostport, "%s", nc->host);
	else
		snprintf(hostport, sizeof hostport, "[%s]:%d", nc->host, nc->port);
	if (kh == NULL || key == NULL) {
		if (kh)
			libssh2_knownhost_free(kh);
		return sess_error(c, "host key", err, errsz);
	}
	if (libssh2_knownhost_readfile(kh, nc->known_hosts, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		libssh2_knownhost_free(kh);
		*st = SSH_STAGE_KNOWN_HOSTS;
		snprintf(err, errsz, "cannot read known_hosts file %s; create it with: "
		    "ssh-keyscan -p %d %s >> %s (after checking the key)", nc->known_hosts,
		    nc->port, nc->host, nc->known_hosts);
		return -1;
	}
	rc = libssh2_knownhost_checkp(kh, nc->host, nc->port, key, len,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, NULL);
	libssh2_knownhost_free(kh);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		return 0;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		*st = SSH_STAGE_HOSTKEY_CHANGED;
		snprintf(err, errsz, "HOST KEY CHANGED for %s (known_hosts %s): refusing to "
		    "connect. If the node was reinstalled, remove the old key with: "
		    "ssh-keygen -R '%s' -f %s", hostport, nc->known_hosts, hostport, nc->known_hosts);
		return -1;
	default:
		*st = SSH_STAGE_HOSTKEY_UNKNOWN;
		snprintf(err, errsz, "host key for %s is not in %s: refusing to connect. "
		    "Check the key, then add it with: ssh-keyscan -p %d %s >> %s",
		    hostport, nc->known_hosts, nc->port, nc->host, nc->known_hosts);
		return -1;
	}
}

static int auth_agent(struct ssh_conn *c, const char *user)
{
	LIBSSH2_AGENT *a = libssh2_agent_init(c->s);
	struct libssh2_agent_publickey *id = NULL, *prev = NULL;
	int ok = -1;

	if (a == NULL)
		return -1;
	if (getenv("SSH_AUTH_SOCK") != NULL && libssh2_agent_connect(a) == 0 &&
	    libssh2_agent_list_identities(a) == 0) {
		while (libssh2_agent_get_identity(a, &id, prev) == 0) {
			if (libssh2_agent_userauth(a, user, id) == 0) {
				ok = 0;
				break;
			}
			prev = id;
		}
		libssh2_agent_disconnect(a);
	}
	libssh2_agent_free(a);
	return ok;
}

/*
 * The node refused the key.  sshd says why only in its own log, and gives
 * the client the same answer for every cause, so list them all, most
 * likely first, each with the command that checks it on the node: a
 * locked account (useradd's default: '!' in /etc/shadow), refused by an
 * sshd without PAM, otherwise looks exactly like a wrong key.
 */
static int key_refused(const struct node_conf *nc, const char *msg, char *err, size_t errsz)
{
	const char *u = nc->user, *h = nc->host;
	snprintf(err, errsz, "authentication as %s with key %s failed: %s refused it (%s). "
	    "The causes, in order: 1) its public key is not in ~%s/.ssh/authorized_keys on %s "
	    "(compare with: ssh-keygen -y -f %s); 2) the line's from= does not match the "
	    "address herdd connects from (lab_from; the node's sshd log names it); "
	    "3) the account %s is locked or expired on %s ('!' in /etc/shadow: passwd -S %s; "
	    "chage -l %s; unlock for key logins with: usermod -p '*' %s); 4) AllowUsers or "
	    "AllowGroups in %s's sshd_config leave %s out (sshd -T | grep -i allow)",
	    u, nc->identity, h, msg ? msg : "refused", u, h, nc->identity, u, h, u, u, u, h, u);
	return -1;
}

static int auth(struct ssh_conn *c, const struct node_conf *nc, char *err, size_t errsz)
{
	static const char *defaults[] = { "id_ed25519", "id_ecdsa", "id_rsa", NULL };
	const char *home = getenv("HOME");
	char path[4096];

	if (nc->identity != NULL) {
		if (libssh2_userauth_publickey_fromfile(c->s, nc->user, NULL, nc->identity, NULL) == 0)
			return 0;
		char *msg = NULL;
		int rc = libssh2_session_last_error(c->s, &msg, NULL, 0);
		if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED ||
		    rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
			return key_refused(nc, msg, err, errsz);
		snprintf(err, errsz, "authentication as %s with key %s failed: %s", nc->user,
		    nc->identity, msg ? msg : "refused");
		return -1;
	}
	if (auth_agent(c, nc->user) == 0)
		return 0;
	for (int i = 0; home != NULL && defaults[i] != NULL; i++) {
		snprintf(path, sizeof path, "%s/.ssh/%s", home, defaults[i]);
		if (access(path, R_OK) == 0 &&
		    libssh2_userauth_publickey_fromfile(c->s, nc->user, NULL, path, NULL) == 0)
			return 0;
	}
	snprintf(err, errsz, "authentication as %s failed: no key in ssh-agent or ~/.ssh "
	    "was accepted; set identity = in hosts.ini", nc->user);
	return -1;
}

int ssh_conn_open(const struct node_conf *nc, struct ssh_conn **out, int64_t deadline,
    char *err, size_t errsz)
{
	return ssh_conn_open_stage(nc, out, deadline, NULL, err, errsz);
}

int ssh_conn_open_stage(const struct node_conf *nc, struct ssh_conn **out, int64_t deadline,
    enum ssh_stage *stage, char *err, size_t errsz)
{
	struct ssh_conn *c = xcalloc(1, sizeof *c);
	enum ssh_stage st_local, *st = stage ? stage : &st_local;
	int64_t left;

	strlcpy_h(c->name, nc->name, sizeof c->name);
	*st = SSH_STAGE_CONNECT;
	if ((c->fd = tcp_connect(nc->host, nc->port, deadline, err, errsz)) < 0)
		goto fail;
	c->s = libssh2_session_init();
	if (c->s == NULL) {
		snprintf(err, errsz, "libssh2_session_init failed");
		goto fail;
	}
	left = deadline - now_ms();
	libssh2_session_set_timeout(c->s, left > 0 ? left : 1);
	libssh2_session_set_blocking(c->s, 1);
	/* The socket is non-blocking; libssh2's blocking mode polls it itself. */
	*st = SSH_STAGE_HANDSHAKE;
	if (libssh2_session_handshake(c->s, c->fd) != 0) {
		sess_error(c, "SSH handshake", err, errsz);
		goto fail;
	}
	if (check_host_key(c, nc, st, err, errsz) != 0)
		goto fail;
	*st = SSH_STAGE_AUTH;
	if (auth(c, nc, err, errsz) != 0)
		goto fail;
	*st = SSH_STAGE_OK;
	if (nc->keepalive_s > 0)
		libssh2_keepalive_config(c->s, 1, (unsigned)nc->keepalive_s);
	libssh2_session_set_blocking(c->s, 0);
	*out = c;
	return 0;
fail:
	ssh_conn_free(c);
	return -1;
}

void ssh_conn_free(struct ssh_conn *c)
{
	if (c == NULL)
		return;
	if (c->s != NULL) {
		/* Blocking, bounded: a non-blocking free can answer EAGAIN and leak. */
		libssh2_session_set_timeout(c->s, 1000);
		libssh2_session_set_blocking(c->s, 1);
		libssh2_session_disconnect(c->s, "herdd closing");
		libssh2_session_free(c->s);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* Wait until the socket is ready in the direction libssh2 needs. */
static int wait_socket(struct ssh_conn *c, int64_t deadline)
{
	int dir = libssh2_session_block_directions(c->s);
	struct pollfd p = { c->fd, 0, 0 };
	if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)
		p.events |= POLLIN;
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		p.events |= POLLOUT;
	if (p.events == 0)
		p.events = POLLIN;
	int64_t left = deadline - now_ms();
	if (left <= 0)
		return SSH_TIMEOUT;
	int r = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
	if (r < 0 && errno != EINTR)
		return -1;
	return 0;
}

int ssh_keepalive(struct ssh_conn *c)
{
	int next;
	return libssh2_keepalive_send(c->s, &next) == 0 ? 0 : -1;
}

/* Free a channel that never became ours (briefly blocking, bounded). */
static void chan_discard(struct ssh_conn *c, LIBSSH2_CHANNEL *ch)
{
	libssh2_session_set_timeout(c->s, 1000);
	libssh2_session_set_blocking(c->s, 1);
	libssh2_channel_free(ch);
	libssh2_session_set_blocking(c->s, 0);
}

int ssh_chan_exec(struct ssh_conn *c, const char *cmd, struct ssh_chan **out,
    int64_t deadline, char *err, size_t errsz)
{
	return ssh_chan_open(c, cmd, NULL, out, deadline, err, errsz);
}

int ssh_chan_open(struct ssh_conn *c, const char *cmd, const struct ssh_pty *pty,
    struct ssh_chan **out, int64_t deadline, char *err, size_t errsz)
{
	LIBSSH2_CHANNEL *ch;
	int rc = 0;

	while ((ch = libssh2_channel_open_session(c->s)) == NULL) {
		if (libssh2_session_last_errno(c->s) != LIBSSH2_ERROR_EAGAIN ||
		    wait_socket(c, deadline) != 0)
			return sess_error(c, "open channel", err, errsz);
	}
	/* A terminal first, as ssh -t asks for one: its type and size. */
	while (pty != NULL && (rc = libssh2_channel_request_pty_ex(ch, pty->term,
	    (unsigned)strlen(pty->term), NULL, 0, pty->cols, pty->rows, 0, 0)) ==
	    LIBSSH2_ERROR_EAGAIN) {
		if (wait_socket(c, deadline) != 0)
			break;
	}
	if (rc != 0) {
		sess_error(c, "pty request", err, errsz);
		chan_discard(c, ch);
		return -1;
	}
	while ((rc = libssh2_channel_exec(ch, cmd)) == LIBSSH2_ERROR_EAGAIN) {
		if (wait_socket(c, deadline) != 0)
			break;
	}
	if (rc != 0) {
		sess_error(c, "exec", err, errsz);
		chan_discard(c, ch);
		return -1;
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->c = c;
	(*out)->ch = ch;
	return 0;
}

/*
 * Why sshd would not open a direct-tcpip channel, in the user's words:
 * libssh2 passes on the reason of RFC 4254's open failure in its text.
 */
static int direct_error(struct ssh_conn *c, int port, char *err, size_t errsz)
{
	char *msg = NULL;
	libssh2_session_last_error(c->s, &msg, NULL, 0);
	if (msg != NULL && strstr(msg, "(connect failed)") != NULL)
		snprintf(err, errsz, "nothing listens on its port %d (connection refused)", port);
	else if (msg != NULL && strstr(msg, "(administratively prohibited)") != NULL)
		snprintf(err, errsz, "its sshd refused to forward to port %d (AllowTcpForwarding, "
		    "or the login key's restrict or no-port-forwarding option; in lab mode, a key "
		    "line written before port-forward: run herd register again)", port);
	else
		snprintf(err, errsz, "no connection to its port %d: %s", port,
		    msg ? msg : "unknown error");
	return -1;
}

/*
 * A direct-tcpip channel (what ssh -L opens) to the node's own loopback:
 * "localhost" resolved by sshd, so a server bound to ::1 or 127.0.0.1 is
 * reached alike; never another host (herd port-forward's promise).
 */
int ssh_chan_direct(struct ssh_conn *c, int port, struct ssh_chan **out, int64_t deadline,
    char *err, size_t errsz)
{
	LIBSSH2_CHANNEL *ch;
	while ((ch = libssh2_channel_direct_tcpip_ex(c->s, "localhost", port, "127.0.0.1",
	    0)) == NULL) {
		if (libssh2_session_last_errno(c->s) != LIBSSH2_ERROR_EAGAIN ||
		    wait_socket(c, deadline) != 0)
			return direct_error(c, port, err, errsz);
	}
	*out = xcalloc(1, sizeof **out);
	(*out)->c = c;
	(*out)->ch = ch;
	return 0;
}

int ssh_chan_winsize(struct ssh_chan *ch, int cols, int rows, int64_t deadline)
{
	int rc;
	while ((rc = libssh2_channel_request_pty_size_ex(ch->ch, cols, rows, 0, 0)) ==
	    LIBSSH2_ERROR_EAGAIN) {
		if (wait_socket(ch->c, deadline) != 0)
			return -1;
	}
	return rc == 0 ? 0 : -1;
}

int ssh_conn_fd(const struct ssh_conn *c)
{
	return c->fd;
}

short ssh_conn_events(const struct ssh_conn *c)
{
	int dir = libssh2_session_block_directions(c->s);
	short ev = POLLIN;	/* the peer may always speak: data, window, close */
	if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND)
		ev |= POLLOUT;
	return ev;
}

ssize_t ssh_chan_try_read(struct ssh_chan *ch, int stderr_stream, char *p, size_t n)
{
	ssize_t r = libssh2_channel_read_ex(ch->ch, stderr_stream ? SSH_EXTENDED_DATA_STDERR : 0,
	    p, n);
	if (r == LIBSSH2_ERROR_EAGAIN)
		return 0;
	return r < 0 ? -1 : r;
}

ssize_t ssh_chan_try_write(struct ssh_chan *ch, const char *p, size_t n)
{
	ssize_t r = libssh2_channel_write(ch->ch, p, n);
	if (r == LIBSSH2_ERROR_EAGAIN)
		return 0;
	return r < 0 ? -1 : r;
}

int ssh_chan_try_send_eof(struct ssh_chan *ch)
{
	int r = libssh2_channel_send_eof(ch->ch);
	return r == LIBSSH2_ERROR_EAGAIN ? 1 : r < 0 ? -1 : 0;
}

int ssh_chan_eof(struct ssh_chan *ch)
{
	return libssh2_channel_eof(ch->ch);
}

int ssh_chan_try_closed(struct ssh_chan *ch)
{
	int r = libssh2_channel_wait_closed(ch->ch);
	return r == LIBSSH2_ERROR_EAGAIN ? 1 : r < 0 ? -1 : 0;
}

int ssh_chan_exit(struct ssh_chan *ch, char *sig, size_t sigsz)
{
	char *name = NULL;
	size_t len = 0;
	sig[0] = '\0';
	if (libssh2_channel_get_exit_signal(ch->ch, &name, &len, NULL, NULL, NULL, NULL) == 0 &&
	    name != NULL) {
		snprintf(sig, sigsz, "%.*s", (int)len, name);
		libssh2_free(ch->c->s, name);
		return -1;
	}
	return libssh2_channel_get_exit_status(ch->ch) & 0xff;
}

ssize_t ssh_chan_read(struct ssh_chan *ch, char *p, size_t n, int64_t deadline,
    char *err, size_t errsz)
{
	for (;;) {
		ssize_t r = libssh2_channel_read(ch->ch, p, n);
		if (r > 0)
			return r;
		if (r == 0 && libssh2_channel_eof(ch->ch))
			return 0;
		if (r < 0 && r != LIBSSH2_ERROR_EAGAIN) {
			sess_error(ch->c, "read", err, errsz);
			return -1;
		}
		int w = wait_socket(ch->c, deadline);
		if (w == SSH_TIMEOUT)
			return SSH_TIMEOUT;
		if (w < 0) {
			snprintf(err, errsz, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

int ssh_chan_write(struct ssh_chan *ch, const char *p, size_t n, int64_t deadline,
    char *err, size_t errsz)
{
	while (n > 0) {
		ssize_t r = libssh2_channel_write(ch->ch, p, n);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r < 0 && r != LIBSSH2_ERROR_EAGAIN)
			return sess_error(ch->c, "write", err, errsz);
		int w = wait_socket(ch->c, deadline);
		if (w != 0) {
			snprintf(err, errsz, "write: %s", w == SSH_TIMEOUT ? "timed out" : strerror(errno));
			return -1;
		}
	}
	return 0;
}

void ssh_chan_close(struct ssh_chan *ch)
{
	if (ch == NULL)
		return;
	/* Briefly blocking, bounded, so the channel is really freed. */
	libssh2_session_set_timeout(ch->c->s, 1000);
	libssh2_session_set_blocking(ch->c->s, 1);
	libssh2_channel_send_eof(ch->ch);
	libssh2_channel_close(ch->ch);
	libssh2_channel_free(ch->ch);
	libssh2_session_set_blocking(ch->c->s, 0);
	free(ch);
}

/* RFC 4648 base64 of n bytes into dst; pad: with '=' padding. */
static void base64(char *dst, size_t size, const unsigned char *p, size_t n, int pad)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < size; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);
		dst[o++] = a[v >> 18 & 63];
		dst[o++] = a[v >> 12 & 63];
		if (i + 1 < n || pad)
			dst[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		if (i + 2 < n || pad)
			dst[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	dst[o] = '\0';
}

/* The key blob's own type name (its first string), as known_hosts writes it. */
static int key_type(const unsigned char *key, size_t len, char *dst, size_t size)
{
	if (len < 4)
		return -1;
	size_t n = (size_t)key[0] << 24 | (size_t)key[1] << 16 | (size_t)key[2] << 8 | key[3];
	if (n == 0 || n >= size || n > len - 4)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (key[4 + i] <= ' ' || key[4 + i] > '~')
			return -1;
	memcpy(dst, key + 4, n);
	dst[n] = '\0';
	return 0;
}

static int hostkey_read(struct ssh_conn *c, const char *host, int port, const char *kh_path,
    struct ssh_hostkey *k, char *err, size_t errsz)
{
	size_t len;
	int type;
	const unsigned char *key = (const unsigned char *)libssh2_session_hostkey(c->s, &len, &type);
	const unsigned char *h = (const unsigned char *)libssh2_hostkey_hash(c->s,
	    LIBSSH2_HOSTKEY_HASH_SHA256);
	char b64[4096], hostport[300];

	if (key == NULL || h == NULL || key_type(key, len, k->type, sizeof k->type) != 0 ||
	    len > 3 * (sizeof b64 / 4) - 3)
		return sess_error(c, "host key", err, errsz);
	int pre = snprintf(k->sha256, sizeof k->sha256, "SHA256:");
	base64(k->sha256 + pre, sizeof k->sha256 - (size_t)pre, h, 32, 0);
	base64(b64, sizeof b64, key, len, 1);
	if (port == 22)
		snprintf(hostport, sizeof hostport, "%s", host);
	else
		snprintf(hostport, sizeof hostport, "[%s]:%d", host, port);
	snprintf(k->line, sizeof k->line, "%s %s %s\n", hostport, k->type, b64);
	k->state = SSH_HOSTKEY_UNKNOWN;
	LIBSSH2_KNOWNHOSTS *kh = libssh2_knownhost_init(c->s);
	if (kh == NULL)
		return sess_error(c, "known_hosts", err, errsz);
	if (access(kh_path, F_OK) == 0 &&
	    libssh2_knownhost_readfile(kh, kh_path, LIBSSH2_KNOWNHOST_FILE_OPENSSH) < 0) {
		libssh2_knownhost_free(kh);
		snprintf(err, errsz, "cannot read known_hosts file %s", kh_path);
		return -1;
	}
	int rc = libssh2_knownhost_checkp(kh, host, port, (const char *)key, len,
	    LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW, NULL);
	libssh2_knownhost_free(kh);
	if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH)
		k->state = SSH_HOSTKEY_KNOWN;
	else if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
		k->state = SSH_HOSTKEY_CHANGED;
	return 0;
}

int ssh_hostkey_get(const char *host, int port, const char *known_hosts, int64_t deadline,
    struct ssh_hostkey *k, char *err, size_t errsz)
{
	struct ssh_conn *c = xcalloc(1, sizeof *c);
	int rc = -1;
	int64_t left;

	memset(k, 0, sizeof *k);
	if ((c->fd = tcp_connect(host, port, deadline, err, errsz)) < 0)
		goto out;
	if ((c->s = libssh2_session_init()) == NULL) {
		snprintf(err, errsz, "libssh2_session_init failed");
		goto out;
	}
	left = deadline - now_ms();
	libssh2_session_set_timeout(c->s, left > 0 ? left : 1);
	libssh2_session_set_blocking(c->s, 1);
	if (libssh2_session_handshake(c->s, c->fd) != 0)
		sess_error(c, "SSH handshake", err, errsz);
	else
		rc = hostkey_read(c, host, port, known_hosts, k, err, errsz);
out:
	ssh_conn_free(c);
	return rc;
}

int ssh_hostkey_add(const char *known_hosts, const struct ssh_hostkey *k, char *err,
    size_t errsz)
{
	char dir[4096];
	const char *slash = strrchr(known_hosts, '/');
	if (slash != NULL && slash != known_hosts && (size_t)(slash - known_hosts) < sizeof dir) {
		memcpy(dir, known_hosts, (size_t)(slash - known_hosts));
		dir[slash - known_hosts] = '\0';
		(void)mkdir(dir, 0700);	/* ~/.ssh of a new account; an error shows at open */
	}
	int fd = open(known_hosts, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	struct stat st;
	char last = '\n';
	/* A last line a hand edit left open: glued to ours, both keys would be lost. */
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0 &&
	    pread(fd, &last, 1, st.st_size - 1) != 1)
		last = '\n';
	if (fd < 0 || (last != '\n' && write_all(fd, "\n", 1) != 0) ||
	    write_all(fd, k->line, strlen(k->line)) != 0) {
		snprintf(err, errsz, "cannot add the key to %s: %s", known_hosts, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd) == 0 ? 0 : -1;
}

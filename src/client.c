/*
 * client.c — connecting to herdd and reading its answers.
 *
 * herdd is found from -s, $HERD_SOCKET, $HERD_CONTROLLER, the controller or
 * socket key of -c/$HERD_CONFIG's hosts.ini (else of ~/.config/herd/hosts.ini
 * when it exists), the user's own socket when it exists, the controller or
 * socket key of the lab's system-wide file (/etc/herd/hosts.ini, read last
 * as Slurm's commands read slurm.conf), or lab mode's default socket, in
 * that order.  A named configuration that cannot be read stops here:
 * falling back to the default socket would end in a misleading "herdd is
 * not running"; a system-wide file the user may not read counts as none.
 *
 * When herdd cannot be reached, the advice depends on whose it is: a lab's
 * (mode = lab, lab mode's socket, or a socket of another user) is started
 * by the lab's admins, so a user is told whom to ask, not how to start it.
 *
 * A controller names the machine herdd runs on, for users who work on a
 * node: the client runs the user's own `ssh HOST herd --stdio-bridge` on a
 * socketpair and talks through it.  The user's ssh (keys, ~/.ssh/config,
 * known hosts) is the whole trust path, and on HOST herdd still learns who
 * is calling from the kernel (SO_PEERCRED of the bridge), so no port or
 * secret of herd's own exists.  ssh's stderr is the user's: its messages
 * and the bridge's ("herdd is not running") are the most precise there are;
 * when the connection ends early the client adds one line saying that herdd
 * on HOST could not be reached and why, from ssh's exit status.
 *
 * Nothing is sent on a Unix socket before check_peer() has seen that the
 * process listening owns the socket file and that nobody else may change
 * its directory or one above it: otherwise whoever could write there may
 * listen in herdd's place and be handed scripts, environments and
 * herd register's authorized_keys line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "protover.h"
#include "safepath.h"

const char *opt_socket;
const char *opt_config;
int hclient_quiet;

/* How long close waits for ssh to end after our EOF before it sends TERM. */
#define SSH_EXIT_WAIT_MS 5000
/* The remote herd program (and any options), when not "herd" on PATH. */
#define REMOTE_ENV "HERD_REMOTE_HERD"

/*
 * No socket named anywhere: the user's own (personal mode) socket, else, if
 * that does not exist, lab mode's, so that on a lab's controller `herd` and
 * `herd --stdio-bridge` need no configuration.
 */
static void default_socket(struct hclient *c)
{
	struct stat st;
	char *dir = config_default_state_dir();
	snprintf(c->sock, sizeof c->sock, "%s/herd.sock", dir ? dir : ".");
	free(dir);
	if (lstat(c->sock, &st) != 0 && errno == ENOENT && stat(CONFIG_LAB_SOCKET, &st) == 0)
		strlcpy_h(c->sock, CONFIG_LAB_SOCKET, sizeof c->sock);
}

/*
 * The user's own file when none is named: $XDG_CONFIG_HOME/herd/hosts.ini
 * or ~/.config/herd/hosts.ini, if it exists (a lab member on a node keeps
 * `controller = HOST` there).  NULL: none.
 */
static const char *default_config(char *buf, size_t size)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	if (x != NULL && x[0] == '/')
		snprintf(buf, size, "%s/herd/hosts.ini", x);
	else if (h != NULL && h[0] == '/')
		snprintf(buf, size, "%s/.config/herd/hosts.ini", h);
	else
		return NULL;
	return access(buf, F_OK) == 0 ? buf : NULL;
}

/* Whose herdd it is, from the configuration read: for say_down(). */
static void note_mode(struct hclient *c, const struct config *cfg)
{
	c->lab = cfg->lab;
	if (cfg->admins != NULL)
		strlcpy_h(c->admins, cfg->admins, sizeof c->admins);
}

/* The lab's system-wide file, or $HERD_SYSTEM_CONFIG (tests). */
static const char *system_config_path(void)
{
	const char *p = getenv("HERD_SYSTEM_CONFIG");
	return p != NULL && *p != '\0' ? p : CONFIG_SYSTEM_PATH;
}

/*
 * Nothing named: the user's own socket if it exists (a personal herdd on
 * the lab's controller keeps working without -c), else the system-wide
 * file's controller or socket, else default_socket().
 */
static int find_system(struct hclient *c, int local_only)
{
	char own[4200], err[HERD_ERRLEN];
	struct config cfg;
	struct stat st;
	char *dir = config_default_state_dir();
	int rc = 0;

	snprintf(own, sizeof own, "%s/herd.sock", dir ? dir : ".");
	free(dir);
	if (lstat(own, &st) == 0) {
		strlcpy_h(c->sock, own, sizeof c->sock);
		return 0;
	}
	if ((rc = config_load_client(system_config_path(), &cfg, err, sizeof err)) < 0) {
		fprintf(stderr, "herd: %s (the lab's configuration; name yours with -c or -s)\n",
		    err);
		return -1;
	}
	rc = 0;
	note_mode(c, &cfg);
	if (cfg.controller != NULL && !local_only) {
		strlcpy_h(c->host, cfg.controller, sizeof c->host);
		rc = strlen(cfg.controller) < sizeof c->host ? 0 : -2;
	} else if (cfg.socket_path != NULL)
		strlcpy_h(c->sock, cfg.socket_path, sizeof c->sock);
	else
		default_socket(c);
	config_clear(&cfg);
	return rc;
}

/* Fills c->sock, or c->host for a controller (never when local_only). */
static int find_herdd(struct hclient *c, int local_only)
{
	char dflt[4200];
	const char *s = opt_socket ? opt_socket : getenv("HERD_SOCKET");
	const char *ctl = local_only ? NULL : getenv("HERD_CONTROLLER");
	const char *cfgpath = opt_config ? opt_config : getenv("HERD_CONFIG");
	if (cfgpath == NULL && s == NULL)
		cfgpath = default_config(dflt, sizeof dflt);
	if (s != NULL) {
		strlcpy_h(c->sock, s, sizeof c->sock);
		return 0;
	}
	if (ctl != NULL && *ctl != '\0') {
		strlcpy_h(c->host, ctl, sizeof c->host);
		return strlen(ctl) < sizeof c->host ? 0 : -2;
	}
	if (cfgpath != NULL) {
		struct config cfg;
		char err[HERD_ERRLEN];
		int rc = 0;
		if (config_load(cfgpath, &cfg, err, sizeof err) != 0) {
			fprintf(stderr, "herd: %s\n", err);
			return -1;
		}
		note_mode(c, &cfg);
		if (cfg.controller != NULL && !local_only) {
			strlcpy_h(c->host, cfg.controller, sizeof c->host);
			rc = strlen(cfg.controller) < sizeof c->host ? 0 : -2;
		} else if (cfg.controller != NULL)
			default_socket(c);	/* the bridge, on the controller: its own socket */
		else
			strlcpy_h(c->sock, cfg.socket_path, sizeof c->sock);
		config_clear(&cfg);
		return rc;
	}
	return find_system(c, local_only);
}

/*
 * The socket (or a directory above it) belongs to someone else: name them,
 * as "not running" would send the user looking for the wrong problem.
 */
static void say_denied(const char *sock)
{
	char path[4200];
	struct stat st;
	strlcpy_h(path, sock, sizeof path);
	while (stat(path, &st) != 0) {
		char *slash = strrchr(path, '/');
		if (slash == NULL || slash == path)
			break;
		*slash = '\0';	/* the deepest directory we may look at */
	}
	struct passwd *pw = getpwuid(st.st_uid);
	char owner[64];
	if (pw != NULL)
		strlcpy_h(owner, pw->pw_name, sizeof owner);
	else
		snprintf(owner, sizeof owner, "uid %u", (unsigned)st.st_uid);
	fprintf(stderr, "herd: permission denied: this herdd belongs to %s (%s); "
	    "use your own (herd -c YOUR-hosts.ini) or ask %s\n", owner, sock, owner);
}

/*
 * A lab's herdd, not the caller's own: the configuration says mode = lab,
 * or the socket is lab mode's, or it (when absent: a directory above it
 * that others may not write, so someone's own) belongs to someone else.
 */
static int lab_socket(const struct hclient *c)
{
	char path[4200];
	struct stat st;
	if (c->lab || strcmp(c->sock, CONFIG_LAB_SOCKET) == 0)
		return 1;
	if (lstat(c->sock, &st) == 0)
		return st.st_uid != getuid();
	strlcpy_h(path, c->sock, sizeof path);
	for (char *slash; (slash = strrchr(path, '/')) != NULL && slash != path;) {
		*slash = '\0';
		if (stat(path, &st) == 0)
			return st.st_uid != getuid() && !(st.st_mode & (S_IWGRP | S_IWOTH));
	}
	return 0;
}

/*
 * herdd is not running.  A user can start their own; a lab's is the
 * admins' to start, so say whom to ask (the admins key, from the
 * configuration read or else the system-wide file, when readable).
 */
static void say_down(struct hclient *c, int err)
{
	char admins[300];
	if (!lab_socket(c)) {
		fprintf(stderr, "herd: herdd is not running (cannot connect to %s: %s); "
		    "start it with: herdd -c hosts.ini --daemon\n", c->sock, strerror(err));
		return;
	}
	if (c->admins[0] == '\0') {
		struct config cfg;
		char e[HERD_ERRLEN];
		if (config_load_client(system_config_path(), &cfg, e, sizeof e) == 0) {
			if (cfg.admins != NULL)
				strlcpy_h(c->admins, cfg.admins, sizeof c->admins);
			config_clear(&cfg);
		}
	}
	str_vis(admins, sizeof admins, c->admins);
	fprintf(stderr, "herd: the lab's herdd is not running (cannot connect to %s: %s); "
	    "the lab's admins start it, not its users: ", c->sock, strerror(err));
	if (admins[0] != '\0')
		fprintf(stderr, "ask %s\n", admins);
	else
		fprintf(stderr, "ask your lab's administrator (admins in %s names them)\n",
		    system_config_path());
}

static int connect_unix(struct hclient *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strlcpy_h(sa.sun_path, c->sock, sizeof sa.sun_path);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		if (hclient_quiet)
			;
		else if (errno == EACCES || errno == EPERM)
			say_denied(c->sock);
		else
			say_down(c, errno);
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

/*
 * Before anything herdd says is believed (herd register writes its key
 * line into authorized_keys; herd submit hands it a script and the
 * environment): the process listening must be the socket's owner, who
 * made it (SO_PEERCRED against lstat), and nobody else may change the
 * socket's directory or one above it (safepath.h), or anyone who could
 * would move herd.sock aside and listen there as themselves.  Trusted
 * owners of the directories: root, herdd's user (the peer) and our own.
 */
static int check_peer(struct hclient *c)
{
	char dir[sizeof c->sock], err[HERD_ERRLEN + 4300], vis[4200], who[64], owner[64];
	struct ucred cr;
	socklen_t len = sizeof cr;
	struct stat st;
	uid_t caller = getuid();
	int rc = -1;

	str_vis(vis, sizeof vis, c->sock);
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		snprintf(err, sizeof err, "cannot learn who listens on %s: %s", vis,
		    strerror(errno));
	else if (lstat(c->sock, &st) != 0 || !S_ISSOCK(st.st_mode))
		snprintf(err, sizeof err, "%s is no longer a socket", vis);
	else if (st.st_uid != cr.uid)
		snprintf(err, sizeof err, "the socket %s belongs to %s, but %s listens on it: "
		    "it is not that herdd (someone may have put their socket in its place); "
		    "nothing was sent", vis, uid_name_r(st.st_uid, owner, sizeof owner),
		    uid_name_r(cr.uid, who, sizeof who));
	else {
		strlcpy_h(dir, c->sock, sizeof dir);
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			strlcpy_h(dir, ".", sizeof dir);
		else if (slash == dir)
			dir[1] = '\0';		/* "/herd.sock": "/" */
		else
			*slash = '\0';
		/* The listener is trusted only with what root gave it: it is
		 * who we are checking (safepath.h, weak trust). */
		struct safepath_trust t = { &caller, 1, &cr.uid, 1 };
		if (safepath_check(dir, "the socket's directory", &t, err, sizeof err) == 0)
			rc = 0;
	}
	if (rc != 0) {
		fprintf(stderr, "herd: refusing herdd at %s: %s\n", vis, err);
		close(c->fd);
		c->fd = -1;
	}
	return rc;
}

/* Words of this set only: the remote command passes through HOST's shell. */
static int remote_ok(const char *s)
{
	if (*s == '\0' || *s == ' ')
		return 0;
	for (; *s; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789/._+=:,@- ", *s) == NULL)
			return 0;
	return 1;
}

/* An ssh destination ([user@]host or a Host alias): never an option. */
static int host_ok(const char *h)
{
	if (*h == '\0' || *h == '-')
		return 0;
	for (; *h; h++)
		if ((unsigned char)*h <= ' ' || *h == 0x7f)
			return 0;
	return 1;
}

static int connect_ssh(struct hclient *c)
{
	const char *remote = getenv(REMOTE_ENV);
	char vis[300], cmd[1100];
	int sv[2];

	str_vis(vis, sizeof vis, c->host);
	if (!host_ok(c->host)) {
		fprintf(stderr, "herd: invalid controller \"%s\": an ssh destination "
		    "([user@]host), not starting with '-' and without blanks\n", vis);
		return -1;
	}
	if (remote == NULL || *remote == '\0')
		remote = "herd";
	if (strlen(remote) > 1000 || !remote_ok(remote)) {
		fprintf(stderr, "herd: invalid $" REMOTE_ENV ": the herd command on the "
		    "controller, words of letters, digits and /._+=:,@- only\n");
		return -1;
	}
	snprintf(cmd, sizeof cmd, "%s --stdio-bridge", remote);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		fprintf(stderr, "herd: socketpair: %s\n", strerror(errno));
		return -1;
	}
	char *argv[] = { "ssh", "-T", "-x", "-a", "-o", "BatchMode=yes", c->host, cmd, NULL };
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "herd: fork: %s\n", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* dup2 clears close-on-exec on 0 and 1; ssh gets default SIGPIPE. */
		if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0)
			_exit(255);
		if (hclient_quiet) {
			int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (nul >= 0)
				(void)dup2(nul, 2);
		}
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		fprintf(stderr, "herd: cannot run ssh: %s\n", strerror(errno));
		_exit(255);
	}
	close(sv[1]);
	c->fd = sv[0];
	c->ssh_pid = pid;
	return 0;
}

static int connect_to(struct hclient *c, int local_only)
{
	int rc;
	memset(c, 0, sizeof *c);
	buf_init(&c->in, PROTO_FRAME_MAX + 8);
	c->fd = -1;
	if ((rc = find_herdd(c, local_only)) != 0) {
		if (rc == -2)
			fprintf(stderr, "herd: controller name longer than %zu bytes\n",
			    sizeof c->host - 1);
		return -1;
	}
	if (c->host[0] != '\0')
		return connect_ssh(c);
	return connect_unix(c) == 0 ? check_peer(c) : -1;
}

int hclient_connect(struct hclient *c)
{
	return connect_to(c, 0);
}

int hclient_connect_local(struct hclient *c)
{
	return connect_to(c, 1);
}

/* Wait for ssh, at most wait_ms, then TERM it: its exit status, or -1. */
static int reap_ssh(struct hclient *c, int64_t wait_ms)
{
	int st = -1;
	int64_t deadline = now_ms() + wait_ms;
	pid_t r;
	while ((r = waitpid(c->ssh_pid, &st, WNOHANG)) == 0 && now_ms() < deadline) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (r == 0) {
		kill(c->ssh_pid, SIGTERM);
		while ((r = waitpid(c->ssh_pid, &st, 0)) < 0 && errno == EINTR)
			;
	}
	c->ssh_pid = 0;
	return r > 0 ? st : -1;
}

/*
 * The connection through ssh ended before herdd's answer: wait for ssh and
 * say why from its status (its own message, if any, is just above).
 */
static void say_unreachable(struct hclient *c)
{
	char vis[300];
	int st = reap_ssh(c, SSH_EXIT_WAIT_MS);
	if (hclient_quiet)
		return;
	str_vis(vis, sizeof vis, c->host);
	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		fprintf(stderr, "herd: herdd on %s closed the connection\n", vis);
		return;
	}
	fprintf(stderr, "herd: cannot reach herdd on %s through ssh: ", vis);
	if (st < 0)
		fprintf(stderr, "ssh was lost\n");
	else if (WIFSIGNALED(st))
		fprintf(stderr, "ssh was killed by signal %d\n", WTERMSIG(st));
	else if (WEXITSTATUS(st) == 255)
		fprintf(stderr, "ssh could not connect or log in (ssh -T -o BatchMode=yes %s "
		    "must work without a password; see ssh's message above)\n", vis);
	else if (WEXITSTATUS(st) == 127)
		fprintf(stderr, "no herd command there (install herd on %s, or set $"
		    REMOTE_ENV " to its path)\n", vis);
	else
		fprintf(stderr, "herd --stdio-bridge there exited with status %d "
		    "(its message is above)\n", WEXITSTATUS(st));
}

void hclient_close(struct hclient *c)
{
	if (c->fd >= 0)
		close(c->fd);	/* ssh sees EOF, the bridge shuts down, herdd closes */
	c->fd = -1;
	if (c->ssh_pid > 0)
		(void)reap_ssh(c, SSH_EXIT_WAIT_MS);
	buf_clear(&c->in);
}

/*
 * herdd refused a request before it had all of it (busy, too large) and
 * closed, so our write broke: its reason waits to be read.  1 if said.
 */
static int say_refusal(struct hclient *c)
{
	struct msg m;
	int64_t deadline = c->deadline_ms;
	int quiet = hclient_quiet, said = 0;
	c->deadline_ms = now_ms() + 1000;
	hclient_quiet = 1;
	if (hclient_next(c, &m) == 1) {
		said = hclient_is_error(&m);
		msg_clear(&m);
	}
	hclient_quiet = quiet;
	c->deadline_ms = deadline;
	return said;
}

int hclient_send(struct hclient *c, const struct msg *m)
{
	struct buf out;
	buf_init(&out, PROTO_FRAME_MAX + 8);
	int rc = proto_encode_request(&out, m), e;
	if (rc != 0)
		fprintf(stderr, "herd: request too large\n");
	else if ((rc = write_all(c->fd, out.data, out.len)) != 0 && c->ssh_pid > 0)
		say_unreachable(c);
	else if (rc != 0 && ((e = errno) == EPIPE || e == ECONNRESET) && say_refusal(c))
		;
	else if (rc != 0 && !hclient_quiet)
		fprintf(stderr, "herd: sending to herdd: %s\n", strerror(errno));
	buf_clear(&out);
	return rc;
}

int hclient_next(struct hclient *c, struct msg *m)
{
	char chunk[1 << 16], err[HERD_ERRLEN];
	for (;;) {
		long used = proto_decode(c->in.data + c->off, c->in.len - c->off, m, err, sizeof err);
		if (used > 0) {
			/* Consumed lazily: shifting the buffer per frame is quadratic-ish. */
			c->off += (size_t)used;
			return 1;
		}
		if (used < 0) {
			fprintf(stderr, "herd: bad answer from herdd: %s\n", err);
			return -1;
		}
		buf_consume(&c->in, c->off);
		c->off = 0;
		if (c->deadline_ms > 0) {
			struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
			int64_t left = c->deadline_ms - now_ms();
			/* A past deadline still takes what has already arrived. */
			int n = poll(&pfd, 1, left <= 0 ? 0 : left > 60000 ? 60000 : (int)left);
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0 && now_ms() >= c->deadline_ms)
				return HCLIENT_TIMEOUT;
			if (n == 0)
				continue;
		}
		ssize_t r = read(c->fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 && c->ssh_pid > 0)
			say_unreachable(c);
		if (r <= 0) {
			if (!hclient_quiet && c->host[0] == '\0')
				fprintf(stderr, "herd: herdd closed the connection\n");
			return -1;
		}
		if (buf_add(&c->in, chunk, (size_t)r) != 0) {
			fprintf(stderr, "herd: answer too large\n");
			return -1;
		}
	}
}

int hclient_is_error(const struct msg *m)
{
	if (strcmp(m->type, "error") != 0)
		return 0;
	const char *t = msg_get(m, "message", NULL);
	char vis[1024];
	str_vis(vis, sizeof vis, t ? t : "unknown error");
	fprintf(stderr, "herd: %s\n", vis);
	return 1;
}

void gpu_rec_parse(const char *s, struct gpu_rec *g)
{
	char *rec = xstrdup(s), *f[11] = { 0 }, *p = rec;
	for (int k = 0; k < 11 && p != NULL; k++) {
		f[k] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	g->index = f[0] ? atoi(f[0]) : -1;
	strlcpy_h(g->uuid, f[1] ? f[1] : "", sizeof g->uuid);
	strlcpy_h(g->name, f[2] ? f[2] : "", sizeof g->name);
	g->mem_total_mb = f[3] ? atoll(f[3]) : -1;
	g->mem_used_mb = f[4] ? atoll(f[4]) : -1;
	g->util = f[5] ? atoi(f[5]) : -1;
	g->job = f[6] ? atoll(f[6]) : 0;
	g->temp_c = f[7] ? atoi(f[7]) : -1;
	strlcpy_h(g->user, f[8] ? f[8] : "", sizeof g->user);
	g->outside = f[9] ? atoi(f[9]) : 0;
	g->outside_mb = f[10] ? atoll(f[10]) : -1;
	free(rec);
}

void gpu_proc_rec_parse(const char *s, struct gpu_proc_rec *g)
{
	char *rec = xstrdup(s), *f[8] = { 0 }, *p = rec;
	for (int k = 0; k < 8 && p != NULL; k++) {
		f[k] = p;
		if (k < 7 && (p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	g->gpu = f[0] ? atoi(f[0]) : -1;
	g->pid = f[1] ? atoi(f[1]) : 0;
	strlcpy_h(g->user, f[2] ? f[2] : "", sizeof g->user);
	g->uid = f[3] ? atoll(f[3]) : -1;
	g->mem_mb = f[4] ? atoll(f[4]) : -1;
	g->since = f[5] ? atoll(f[5]) : 0;
	g->job = f[6] ? atoll(f[6]) : 0;
	strlcpy_h(g->process, f[7] ? f[7] : "", sizeof g->process);
	free(rec);
}

void gpu_share_rec_parse(const char *s, struct gpu_share_rec *r)
{
	char *rec = xstrdup(s), *f[4] = { 0 }, *p = rec;
	for (int k = 0; k < 4 && p != NULL; k++) {
		f[k] = p;
		if (k < 3 && (p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	r->gpu = f[0] ? atoi(f[0]) : -1;
	r->job = f[1] ? atoll(f[1]) : 0;
	strlcpy_h(r->user, f[2] ? f[2] : "", sizeof r->user);
	r->mem_mb = f[3] ? atoll(f[3]) : -1;
	free(rec);
}

int attempt_rec_get(const struct msg *m, size_t i, struct attempt_rec *r)
{
	const char *s = msg_get_nth(m, "attempt_rec", i, NULL), *v;
	memset(r, 0, sizeof *r);
	if (s != NULL) {
		char *rec = xstrdup(s), *f[8] = { 0 }, *p = rec;
		for (int k = 0; k < 8 && p != NULL; k++) {
			f[k] = p;
			if (k < 7 && (p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		r->attempt = f[0] ? atoi(f[0]) : 0;
		strlcpy_h(r->node, f[1] ? f[1] : "", sizeof r->node);
		strlcpy_h(r->gpus, f[2] ? f[2] : "", sizeof r->gpus);
		r->start_time = f[3] ? atoll(f[3]) : 0;
		r->end_time = f[4] ? atoll(f[4]) : 0;
		strlcpy_h(r->state, f[5] ? f[5] : "", sizeof r->state);
		r->exit_code = f[6] ? atoll(f[6]) : -1;
		strlcpy_h(r->reason, f[7] ? f[7] : "", sizeof r->reason);
		free(rec);
		return 0;
	}
	if (i > 0 && msg_get_nth(m, "attempt_rec", i - 1, NULL) == NULL)
		return -1;
	r->attempt = (int)msg_geti(m, "attempt", 0);
	strlcpy_h(r->node, (v = msg_get(m, "node", NULL)) ? v : "", sizeof r->node);
	strlcpy_h(r->gpus, (v = msg_get(m, "gpus", NULL)) ? v : "", sizeof r->gpus);
	r->start_time = msg_geti(m, "start_time", 0);
	r->end_time = msg_geti(m, "end_time", 0);
	strlcpy_h(r->state, (v = msg_get(m, "state", NULL)) ? v : "", sizeof r->state);
	r->exit_code = msg_geti(m, "exit_code", -1);
	strlcpy_h(r->reason, (v = msg_get(m, "reason", NULL)) ? v : "", sizeof r->reason);
	return 0;
}

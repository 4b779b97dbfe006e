/*
 * transport.c — one interface over two ways of reaching a node: an SSH
 * session (ssh.c) or a local /bin/sh with pipes (host = local).  Line
 * buffering lives here, once, for both.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#include "config.h"
#include "ssh.h"
#include "transport.h"
#include "util.h"

extern char **environ;

struct tconn {
	int local;
	struct ssh_conn *ssh;
};

struct tchan {
	struct ssh_chan *ssh;
	pid_t pid;		/* local */
	int pidfd;		/* local: the shell itself, even once reaped elsewhere */
	int in_fd, out_fd;	/* local: child's stdin (we write), stdout (we read) */
	struct buf rbuf;
	size_t consumed;	/* bytes of rbuf handed out as the last line */
};

int tconn_open(const struct node_conf *nc, struct tconn **out, int64_t deadline,
    char *err, size_t errsz)
{
	return tconn_open_stage(nc, out, deadline, NULL, err, errsz);
}

int tconn_open_stage(const struct node_conf *nc, struct tconn **out, int64_t deadline,
    enum ssh_stage *stage, char *err, size_t errsz)
{
	struct tconn *c = xcalloc(1, sizeof *c);
	c->local = nc->local;
	if (stage != NULL)
		*stage = SSH_STAGE_OK;
	if (!c->local && ssh_conn_open_stage(nc, &c->ssh, deadline, stage, err, errsz) != 0) {
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void tconn_free(struct tconn *c)
{
	if (c == NULL)
		return;
	ssh_conn_free(c->ssh);
	free(c);
}

int tconn_keepalive(struct tconn *c)
{
	return c->local ? 0 : ssh_keepalive(c->ssh);
}

static int local_spawn(struct tchan *ch, const char *cmd, char *err, size_t errsz)
{
	int in[2], out[2];
	posix_spawn_file_actions_t fa;
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int rc = posix_spawn(&ch->pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		close(in[1]);
		close(out[0]);
		snprintf(err, errsz, "spawn /bin/sh: %s", strerror(rc));
		return -1;
	}
	ch->in_fd = in[1];
	ch->out_fd = out[0];
	/* herdd's main loop reaps every child (it is a subreaper): a pid alone
	 * could be reused by the time we signal it; a pidfd cannot. */
	ch->pidfd = (int)syscall(SYS_pidfd_open, ch->pid, 0);
	fd_nonblock(ch->in_fd);
	fd_nonblock(ch->out_fd);
	return 0;
}

int tchan_open(struct tconn *c, const char *cmd, struct tchan **out, int64_t deadline,
    char *err, size_t errsz)
{
	struct tchan *ch = xcalloc(1, sizeof *ch);
	ch->in_fd = ch->out_fd = ch->pidfd = -1;
	buf_init(&ch->rbuf, TCHAN_LINE_MAX + 1);
	int rc = c->local ? local_spawn(ch, cmd, err, errsz) :
	    ssh_chan_exec(c->ssh, cmd, &ch->ssh, deadline, err, errsz);
	if (rc != 0) {
		buf_clear(&ch->rbuf);
		free(ch);
		return -1;
	}
	*out = ch;
	return 0;
}

static int wait_fd(int fd, short ev, int64_t deadline, char *err, size_t errsz)
{
	struct pollfd p = { fd, ev, 0 };
	int64_t left = deadline - now_ms();
	if (left <= 0)
		return SSH_TIMEOUT;
	if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
		snprintf(err, errsz, "poll: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int tchan_write(struct tchan *ch, const char *p, size_t n, int64_t deadline,
    char *err, size_t errsz)
{
	if (ch->ssh != NULL)
		return ssh_chan_write(ch->ssh, p, n, deadline, err, errsz);
	while (n > 0) {
		ssize_t w = write(ch->in_fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno != EAGAIN && errno != EINTR) {
			snprintf(err, errsz, "write: %s", strerror(errno));
			return -1;
		} else if (wait_fd(ch->in_fd, POLLOUT, deadline, err, errsz) != 0) {
			snprintf(err, errsz, "write: timed out");
			return -1;
		}
	}
	return 0;
}

static ssize_t chan_read(struct tchan *ch, char *p, size_t n, int64_t deadline,
    char *err, size_t errsz)
{
	if (ch->ssh != NULL)
		return ssh_chan_read(ch->ssh, p, n, deadline, err, errsz);
	for (;;) {
		ssize_t r = read(ch->out_fd, p, n);
		if (r >= 0)
			return r;
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(err, errsz, "read: %s", strerror(errno));
			return -1;
		}
		int w = wait_fd(ch->out_fd, POLLIN, deadline, err, errsz);
		if (w != 0)
			return w;
	}
}

int tchan_readline(struct tchan *ch, char **line, int64_t deadline, char *err, size_t errsz)
{
	char chunk[16384];

	buf_consume(&ch->rbuf, ch->consumed);
	ch->consumed = 0;
	for (;;) {
		char *nl = ch->rbuf.len ? memchr(ch->rbuf.data, '\n', ch->rbuf.len) : NULL;
		if (nl != NULL) {
			*nl = '\0';
			ch->consumed = (size_t)(nl - ch->rbuf.data) + 1;
			*line = ch->rbuf.data;
			return 1;
		}
		ssize_t r = chan_read(ch, chunk, sizeof chunk, deadline, err, errsz);
		if (r == SSH_TIMEOUT)
			return 0;
		if (r == 0) {
			snprintf(err, errsz, "connection closed");
			return -1;
		}
		if (r < 0)
			return -1;
		if (buf_add(&ch->rbuf, chunk, (size_t)r) != 0) {
			snprintf(err, errsz, "line longer than %d bytes", TCHAN_LINE_MAX);
			return -1;
		}
	}
}

void tchan_close(struct tchan *ch)
{
	if (ch == NULL)
		return;
	if (ch->ssh != NULL)
		ssh_chan_close(ch->ssh);
	if (ch->in_fd >= 0)
		close(ch->in_fd);
	if (ch->out_fd >= 0)
		close(ch->out_fd);
	if (ch->pidfd >= 0) {
		/* The local shell exits on EOF; tail -F does not, so ask it. */
		siginfo_t si;
		syscall(SYS_pidfd_send_signal, ch->pidfd, SIGTERM, NULL, 0);
		waitid((idtype_t)P_PIDFD, (id_t)ch->pidfd, &si, WEXITED);
		close(ch->pidfd);
	} else if (ch->pid > 0) {
		/* No pidfd (kernel before 5.3): the pid, with its small risk. */
		kill(ch->pid, SIGTERM);
		waitpid(ch->pid, NULL, 0);
	}
	buf_clear(&ch->rbuf);
	free(ch);
}

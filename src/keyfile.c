/*
 * keyfile.c — see keyfile.h.  The client runs as the user, so every file
 * it touches is the user's own, with the user's own rights.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "authkeys.h"
#include "keyfile.h"
#include "util.h"

extern char **environ;

static const char *home(void)
{
	struct passwd *pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir[0] == '/' ? pw->pw_dir : getenv("HOME");
}

static int read_small(const char *path, struct buf *b, char *err, size_t errsz)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (buf_add(b, chunk, (size_t)n) != 0) {
			close(fd);
			snprintf(err, errsz, "%s: larger than %u bytes", path, AUTHKEYS_MAX);
			return -1;
		}
	close(fd);
	if (n < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int edit(const struct buf *in, const char *marker, const char *line, struct buf *out,
    const char *where, char *err, size_t errsz)
{
	if (authkeys_edit(in->data ? in->data : "", in->len, marker, line, out) < 0) {
		snprintf(err, errsz, "%s: not a text file, or too large; left as it was", where);
		return -1;
	}
	return 0;
}

int keyfile_update_local(const char *marker, const char *line, char *err, size_t errsz)
{
	char dir[4096], path[4200], tmp[4300];
	struct buf in, out;
	int rc = -1, fd = -1;
	const char *h = home();
	if (h == NULL) {
		snprintf(err, errsz, "no home directory");
		return -1;
	}
	snprintf(dir, sizeof dir, "%s/.ssh", h);
	snprintf(path, sizeof path, "%s/authorized_keys", dir);
	snprintf(tmp, sizeof tmp, "%s/.authorized_keys.herd.%d", dir, (int)getpid());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return -1;
	}
	buf_init(&in, AUTHKEYS_MAX);
	buf_init(&out, AUTHKEYS_MAX + 4096);
	if (read_small(path, &in, err, errsz) != 0 ||
	    edit(&in, marker, line, &out, path, err, errsz) != 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, out.data, out.len) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	buf_clear(&in);
	buf_clear(&out);
	return rc;
}

/*
 * ssh -p PORT HOST CMD, with `input` on its stdin and its stdout in *out
 * (bounded); ssh's own messages go to the user's terminal.
 */
static int run_ssh(const char *host, int port, const char *cmd, const struct buf *input,
    struct buf *out, char *err, size_t errsz)
{
	char portarg[16];
	char *argv[] = { "ssh", "-T", "-o", "BatchMode=yes", "-p", portarg, "--", (char *)host,
	    (char *)cmd, NULL };
	int in[2], outp[2], st;
	pid_t pid;
	posix_spawn_file_actions_t fa;
	snprintf(portarg, sizeof portarg, "%d", port);
	if (host[0] == '-' || pipe2(in, O_CLOEXEC) != 0) {
		snprintf(err, errsz, "%s: bad host or no pipe", host);
		return -1;
	}
	if (pipe2(outp, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	int e = posix_spawnp(&pid, "ssh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	if (e != 0) {
		close(in[1]);
		close(outp[0]);
		snprintf(err, errsz, "cannot run ssh: %s", strerror(e));
		return -1;
	}
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	if (input != NULL && input->len > 0)
		(void)write_all(in[1], input->data, input->len);
	close(in[1]);
	char chunk[8192];
	ssize_t n;
	int big = 0;
	while ((n = read(outp[0], chunk, sizeof chunk)) > 0)
		big |= buf_add(out, chunk, (size_t)n) != 0;
	close(outp[0]);
	signal(SIGPIPE, old);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (big) {
		snprintf(err, errsz, "%s: authorized_keys larger than %u bytes", host, AUTHKEYS_MAX);
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errsz, "ssh to %s failed (see above)", host);
		return -1;
	}
	return 0;
}

int keyfile_update_node(const char *host, int port, const char *marker, const char *line,
    char *err, size_t errsz)
{
	struct buf in, out, ignored;
	int rc = -1;
	buf_init(&in, AUTHKEYS_MAX);
	buf_init(&out, AUTHKEYS_MAX + 4096);
	buf_init(&ignored, 4096);
	/* Constant commands: the text travels on stdin and stdout only. */
	if (run_ssh(host, port, "cat .ssh/authorized_keys 2>/dev/null; exit 0", NULL, &in, err,
	    errsz) == 0 && edit(&in, marker, line, &out, host, err, errsz) == 0 &&
	    run_ssh(host, port, "umask 077 && mkdir -p .ssh && cat > .ssh/.authorized_keys.herd && "
	    "mv -f .ssh/.authorized_keys.herd .ssh/authorized_keys", &out, &ignored, err,
	    errsz) == 0)
		rc = 0;
	buf_clear(&in);
	buf_clear(&out);
	buf_clear(&ignored);
	return rc;
}

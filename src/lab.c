/*
 * lab.c — lab mode's start-up checks and its key pair (see lab.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "authkeys.h"
#include "config.h"
#include "lab.h"
#include "safepath.h"
#include "util.h"

extern char **environ;

/*
 * The directory of the socket: made (0755) if missing, and, like the state
 * directory, refused when someone else could change it: whoever may write
 * it, or a directory above it, can put their own socket in herd.sock's
 * place and answer every user as herdd (herd register would then take
 * their key line).  Trusted: root and herdd's user.
 */
static int socket_dir(const char *sock, char *err, size_t errsz)
{
	char dir[4200];
	struct stat st;
	uid_t me = geteuid();
	strlcpy_h(dir, sock, sizeof dir);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		strlcpy_h(dir, ".", sizeof dir);
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0 &&
	    (errno != ENOENT || mkdir(dir, 0755) != 0 || chmod(dir, 0755) != 0)) {
		snprintf(err, errsz, "cannot create the socket's directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	/* Our own uid is trusted only where nobody else could make the
	 * directory: clients hold it to the same rule (safepath.h). */
	struct safepath_trust t = { NULL, 0, &me, 1 };
	return safepath_check(dir, "the socket's directory", &t, err, errsz);
}

/* ssh-keygen makes the pair; it is given the path and nothing secret. */
static int make_key(const char *path, char *err, size_t errsz)
{
	char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "herd-lab",
	    "-f", (char *)path, NULL };
	pid_t pid;
	int st, rc = posix_spawnp(&pid, "ssh-keygen", NULL, NULL, argv, environ);
	if (rc != 0) {
		snprintf(err, errsz, "cannot run ssh-keygen to make the lab key %s: %s", path,
		    strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(err, errsz, "ssh-keygen could not make the lab key %s", path);
		return -1;
	}
	return 0;
}

static int key_private(const char *path, char *err, size_t errsz)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "lab key %s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errsz, "lab key %s belongs to uid %u, not to herdd's user (uid %u); "
		    "fix: chown %u %s", path, (unsigned)st.st_uid, (unsigned)geteuid(),
		    (unsigned)geteuid(), path);
		return -1;
	}
	if (st.st_mode & 077) {
		snprintf(err, errsz, "lab key %s is mode %04o: anyone who reads it can log in to "
		    "the nodes as every registered user; fix: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

int lab_prepare(const struct config *cfg, char *err, size_t errsz)
{
	char pub[LAB_PUBKEY_MAX];
	if (prctl(PR_SET_DUMPABLE, 0) != 0) {
		snprintf(err, errsz, "prctl(PR_SET_DUMPABLE): %s", strerror(errno));
		return -1;
	}
	if (socket_dir(cfg->socket_path, err, errsz) != 0)
		return -1;
	if (access(cfg->lab_key, F_OK) != 0 && make_key(cfg->lab_key, err, errsz) != 0)
		return -1;
	if (key_private(cfg->lab_key, err, errsz) != 0)
		return -1;
	return lab_pubkey(cfg, pub, sizeof pub, err, errsz);
}

int lab_pubkey(const struct config *cfg, char *out, size_t size, char *err, size_t errsz)
{
	char path[4200], text[LAB_PUBKEY_MAX + 256], type[32], b64[LAB_PUBKEY_MAX];
	snprintf(path, sizeof path, "%s.pub", cfg->lab_key);
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
	if (n < 0) {
		snprintf(err, errsz, "lab public key %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Every user registers what it says: nobody else may have written it. */
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022)) {
		close(fd);
		snprintf(err, errsz, "lab public key %s is not herdd's own or others may write it; "
		    "fix: chown %u %s && chmod 644 %s", path, (unsigned)geteuid(), path, path);
		return -1;
	}
	close(fd);
	text[n] = '\0';
	if (sscanf(text, "%31s %1023s", type, b64) != 2 || !authkeys_pubkey_ok(type, b64) ||
	    strlen(type) + strlen(b64) + 2 > size) {
		snprintf(err, errsz, "lab public key %s is not an OpenSSH public key; remove %s and "
		    "%s and start herdd again to make a new pair", path, cfg->lab_key, path);
		return -1;
	}
	snprintf(out, size, "%s %s", type, b64);
	return 0;
}

/* A from= list or cluster name that could end its field or the line. */
static int unsafe(const char *s)
{
	return s == NULL || *s == '\0' || strpbrk(s, "\" \t\r\n\\") != NULL;
}

int lab_authorized_line(char *out, size_t size, const char *from, const char *pubkey,
    const char *cluster)
{
	char type[32], b64[LAB_PUBKEY_MAX], extra;
	if (unsafe(from) || unsafe(cluster) || pubkey == NULL ||
	    sscanf(pubkey, "%31s %1023s %c", type, b64, &extra) != 2 || !authkeys_pubkey_ok(type, b64))
		return -1;
	int n = snprintf(out, size, "from=\"%s\"," AUTHKEYS_LAB_OPTS " %s %s " LAB_MARKER "%s", from,
	    type, b64, cluster);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

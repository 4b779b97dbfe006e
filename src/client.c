/*
 * client.c — connecting to herdd and reading its answers.
 *
 * The socket is found from -s, $HERD_SOCKET, the socket key of -c/$HERD_CONFIG's
 * hosts.ini, or the default state directory, in that order.  A named
 * configuration that cannot be read stops here: falling back to the default
 * socket would end in a misleading "herdd is not running".
 */
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"
#include "config.h"

const char *opt_socket;
const char *opt_config;
int hclient_quiet;

static int find_socket(struct hclient *c)
{
	const char *s = opt_socket ? opt_socket : getenv("HERD_SOCKET");
	const char *cfgpath = opt_config ? opt_config : getenv("HERD_CONFIG");
	if (s != NULL) {
		strlcpy_h(c->sock, s, sizeof c->sock);
		return 0;
	}
	if (cfgpath != NULL) {
		struct config cfg;
		char err[HERD_ERRLEN];
		if (config_load(cfgpath, &cfg, err, sizeof err) == 0) {
			strlcpy_h(c->sock, cfg.socket_path, sizeof c->sock);
			config_clear(&cfg);
			return 0;
		}
		fprintf(stderr, "herd: %s\n", err);
		return -1;
	}
	char *dir = config_default_state_dir();
	snprintf(c->sock, sizeof c->sock, "%s/herd.sock", dir ? dir : ".");
	free(dir);
	return 0;
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

int hclient_connect(struct hclient *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memset(c, 0, sizeof *c);
	buf_init(&c->in, PROTO_FRAME_MAX + 8);
	c->fd = -1;
	if (find_socket(c) != 0)
		return -1;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strlcpy_h(sa.sun_path, c->sock, sizeof sa.sun_path);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		if (hclient_quiet)
			;
		else if (errno == EACCES || errno == EPERM)
			say_denied(c->sock);
		else
			fprintf(stderr, "herd: herdd is not running (cannot connect to %s: %s); "
			    "start it with: herdd -c hosts.ini --daemon\n", c->sock, strerror(errno));
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

void hclient_close(struct hclient *c)
{
	if (c->fd >= 0)
		close(c->fd);
	buf_clear(&c->in);
}

int hclient_send(struct hclient *c, const struct msg *m)
{
	struct buf out;
	buf_init(&out, PROTO_FRAME_MAX + 8);
	int rc = proto_encode(&out, m);
	if (rc != 0)
		fprintf(stderr, "herd: request too large\n");
	else if ((rc = write_all(c->fd, out.data, out.len)) != 0)
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
		if (r <= 0) {
			if (!hclient_quiet)
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
	char *rec = xstrdup(s), *f[7] = { 0 }, *p = rec;
	for (int k = 0; k < 7 && p != NULL; k++) {
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

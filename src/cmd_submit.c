/*
 * cmd_submit.c — herd submit: options from the command line and from the
 * script's #HERD/#SBATCH lines (the command line wins), the script's
 * content, arguments, working directory and environment, sent in one
 * request.  The script is read now, so editing it later changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "directives.h"
#include "jobopt.h"

#define SCRIPT_MAX (4u << 20)

extern char **environ;

struct submit {
	struct jobopt o;
	int parsable;
	const char *wrap;
	const char *script_path;
	char **args;
	int nargs;
};

static void warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "herd: warning: %s\n", msg);
}

/* One option token (and maybe the next); returns tokens used, -1 error. */
static int parse_option(struct submit *s, int argc, char **argv, int i)
{
	char err[HERD_ERRLEN], name[64];
	const char *a = argv[i], *val = NULL;
	int used = 1;

	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		snprintf(name, sizeof name, "%.*s", (int)n, a + 2);
		if (eq)
			val = eq + 1;
	} else {
		snprintf(name, sizeof name, "%c", a[1]);
		if (a[2] != '\0')
			val = a + 2;
	}
	if (strcmp(name, "parsable") == 0) {
		s->parsable = 1;
		return 1;
	}
	int wants = strcmp(name, "wrap") == 0 || jobopt_takes_value(name);
	if (wants && val == NULL) {
		if (i + 1 >= argc) {
			fprintf(stderr, "herd: option %s needs a value\n", a);
			return -1;
		}
		val = argv[i + 1];
		used = 2;
	}
	if (strcmp(name, "wrap") == 0) {
		s->wrap = val;
		return used;
	}
	int rc = jobopt_apply(&s->o, name, val, 0, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "herd: %s\n", err);
		return -1;
	}
	if (rc == 1)
		fprintf(stderr, "herd: warning: %s\n", err);
	return used;
}

static int parse_args(struct submit *s, int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (cmd_flag(argv[i], "--help", "-h")) {
			printf("usage: herd submit [--gpus N] [--cpus N] [--mem SIZE] [--time DURATION]\n"
			    "       [-J NAME] [-o FILE] [-e FILE] [-D DIR] [--parsable]\n"
			    "       (--wrap CMD | SCRIPT [ARGS...])\n");
			exit(0);
		}
		int used = parse_option(s, argc, argv, i);
		if (used < 0)
			return -1;
		i += used;
	}
	if (s->wrap == NULL) {
		if (i >= argc) {
			fprintf(stderr, "herd: submit needs a script or --wrap CMD\n");
			return -1;
		}
		s->script_path = argv[i++];
	} else if (i < argc) {
		fprintf(stderr, "herd: --wrap takes no script (\"%s\")\n", argv[i]);
		return -1;
	}
	s->args = argv + i;
	s->nargs = argc - i;
	return 0;
}

static char *read_script(const char *path, size_t *len)
{
	struct buf b;
	char chunk[65536];
	int fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "herd: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, SCRIPT_MAX);
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);
		if (r == 0)
			break;
		if (r < 0 || buf_add(&b, chunk, (size_t)r) != 0) {
			fprintf(stderr, "herd: %s: %s\n", path, r < 0 ? strerror(errno) :
			    "script larger than 4 MiB");
			buf_clear(&b);
			if (fd > 0)
				close(fd);
			return NULL;
		}
	}
	if (fd > 0)
		close(fd);
	if (b.len > 0 && memchr(b.data, '\0', b.len) != NULL) {
		fprintf(stderr, "herd: %s: contains NUL bytes; a batch script must be text\n", path);
		buf_clear(&b);
		return NULL;
	}
	return buf_detach(&b, len);
}

/* NUL-separated, bounded as herdd bounds it; -1 if it does not fit. */
static int join0(struct buf *b, char *const *v, int n)
{
	for (int i = 0; i < n; i++)
		if (buf_add(b, v[i], strlen(v[i]) + 1) != 0)
			return -1;
	return 0;
}

static char *absolute(const char *dir)
{
	char cwd[4096], *p;
	if (dir != NULL && dir[0] == '/')
		return xstrdup(dir);
	if (getcwd(cwd, sizeof cwd) == NULL) {
		fprintf(stderr, "herd: cannot tell the current directory (%s); give -D /path\n",
		    strerror(errno));
		return NULL;
	}
	if (dir == NULL)
		return xstrdup(cwd);
	xasprintf(&p, "%s/%s", cwd, dir);
	return p;
}

/* A name derived from a file name is not checked by -J: keep it printable. */
static const char *default_name(const struct submit *s)
{
	if (s->wrap != NULL || s->script_path == NULL || strcmp(s->script_path, "-") == 0)
		return s->wrap != NULL ? "wrap" : "script";
	const char *base = strrchr(s->script_path, '/');
	base = base ? base + 1 : s->script_path;
	for (const unsigned char *p = (const unsigned char *)base; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "script";
	return *base ? base : "script";
}

static int build(struct msg *m, struct submit *s, const char *script, size_t slen)
{
	struct buf argvb, envb;
	char *wd = absolute(s->o.chdir);
	int rc = -1;

	if (wd == NULL)
		return -1;
	buf_init(&argvb, 1u << 20);
	buf_init(&envb, 1u << 20);
	if (join0(&argvb, s->args, s->nargs) != 0) {
		fprintf(stderr, "herd: the script's arguments are larger than 1 MiB\n");
		goto out;
	}
	for (char **e = environ; *e; e++) {
		if (buf_add(&envb, *e, strlen(*e) + 1) != 0) {
			fprintf(stderr, "herd: the environment is larger than 1 MiB; "
			    "unset some variables (herd passes all of it, as sbatch does)\n");
			goto out;
		}
	}
	msg_adds(m, "name", s->o.name ? s->o.name : default_name(s));
	msg_adds(m, "workdir", wd);
	if (s->o.out_path)
		msg_adds(m, "out", s->o.out_path);
	if (s->o.err_path)
		msg_adds(m, "err", s->o.err_path);
	msg_addi(m, "gpus", s->o.gpus);
	msg_addi(m, "cpus", s->o.cpus);
	msg_addi(m, "mem_mb", (int64_t)s->o.mem_mb);
	msg_addi(m, "time_limit", s->o.time_limit_s);
	msg_add(m, "script", script, slen);
	msg_add(m, "argv", argvb.data ? argvb.data : "", argvb.len);
	msg_add(m, "env", envb.data ? envb.data : "", envb.len);
	rc = 0;
out:
	buf_clear(&argvb);
	buf_clear(&envb);
	free(wd);
	return rc;
}

static int send_submit(const struct msg *req, int parsable)
{
	struct hclient c;
	struct msg ans;
	int rc = 1;
	if (hclient_connect(&c) != 0)
		return 1;
	if (hclient_send(&c, req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			long long id = (long long)msg_geti(&ans, "id", -1);
			if (parsable)
				printf("%lld\n", id);
			else
				printf("Submitted job %lld\n", id);
			rc = 0;
		}
		msg_clear(&ans);
	}
	hclient_close(&c);
	return rc;
}

int cmd_submit(int argc, char **argv)
{
	struct submit s = { 0 };
	struct msg req;
	char *script = NULL, err[HERD_ERRLEN];
	size_t slen = 0;
	int rc = 2;

	jobopt_init(&s.o);
	if (parse_args(&s, argc, argv) != 0)
		goto out;
	if (s.wrap != NULL) {
		slen = (size_t)xasprintf(&script, "#!/bin/sh\n%s\n", s.wrap);
	} else {
		if ((script = read_script(s.script_path, &slen)) == NULL)
			goto out;
		if (directives_parse(s.script_path, script, slen, &s.o, warn_cb, NULL, err,
		    sizeof err) != 0) {
			fprintf(stderr, "herd: %s\n", err);
			goto out;
		}
	}
	msg_init(&req, "submit");
	if (build(&req, &s, script, slen) == 0)
		rc = send_submit(&req, s.parsable);
	msg_clear(&req);
out:
	free(script);
	jobopt_clear(&s.o);
	return rc;
}

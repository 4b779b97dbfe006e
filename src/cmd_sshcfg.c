/*
 * cmd_sshcfg.c — herd ssh-config ID | --alloc NAME, and herd ssh-proxy ID:
 * the OpenSSH client (ssh, VS Code Remote-SSH, JupyterLab, PyCharm) into a
 * running allocation, with no key for the user to set up and no port open
 * on the node.
 *
 * Theory of operation: everything reaches the node through the stream path
 * (stream_client.c), so through herdd's verified SSH connection and its
 * rule of who may enter a job.  herd ssh-config makes the user's client key
 * once (ssh-keygen, in XDG_STATE_HOME/herd/ssh), runs the setup program in
 * the allocation (host key, authorized key; it answers the job's files,
 * sshd and environment), writes the sshd_config made from that answer
 * back with a second stream (checked there with sshd -t), stores the host
 * key's public half in a known_hosts file of the job's own, and prints the
 * Host block (sshcfg.c makes every text).  ssh then runs herd ssh-proxy
 * ID as its ProxyCommand: a stream with no pty whose program is
 * `sshd -i`, the SSH protocol on the stream's stdin and stdout, inside the
 * allocation (environment, cgroup) as the job's owner.
 *
 * --json prints the Host block's fields read back from the block itself
 * (sshcfg_block_next), so the JSON says exactly what ssh will read.
 *
 * A stream's output is captured by pointing stdin and stdout at temporary
 * files while stream_client_run runs: the stream client stays the one
 * place that speaks stream frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "sshcfg.h"
#include "stream_client.h"
#include "util.h"

const struct cmd_entry cmd_sshcfg_entry = {
	"ssh-config", "ssh-config [--json] ID | --alloc NAME",
	"print an OpenSSH Host block that lands ssh (VS Code, Jupyter) inside an allocation",
	"options:\n"
	"  -a, --alloc NAME          your running job of that name (herd alloc -J NAME)\n"
	"      --json                the Host entry's fields as JSON, not the block\n"
	"  -h, --help                this help\n"
	"\nPrints a Host block for herd-ID: `herd ssh-config ID >> ~/.ssh/config`, then\n"
	"`ssh herd-ID`, or VS Code's Remote-SSH on herd-ID.  ssh reaches the job through\n"
	"herdd (ProxyCommand herd ssh-proxy ID: an sshd of your own inside the\n"
	"allocation, its environment and GPUs), with a key made once for you in\n"
	"XDG_STATE_HOME/herd/ssh and the allocation's host key written there to\n"
	"known_hosts.ID.  The node needs OpenSSH's sshd (8.7 or later) installed.\n",
	cmd_sshcfg
};

const struct cmd_entry cmd_sshproxy_entry = {
	"ssh-proxy", "ssh-proxy ID",
	"ssh's ProxyCommand into an allocation (written by herd ssh-config)",
	"  -h, --help                this help\n"
	"\nRuns the allocation's sshd -i on this stdin and stdout; herd ssh-config\n"
	"must have set it up.\n",
	cmd_sshproxy
};

/* XDG_STATE_HOME/herd/ssh (or ~/.local/state/herd/ssh), made 0700. */
static int state_dir(char *dir, size_t size)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char p[PATH_MAX];
	if (x != NULL && x[0] == '/')
		snprintf(p, sizeof p, "%s", x);
	else if (home != NULL && home[0] == '/')
		snprintf(p, sizeof p, "%s/.local/state", home);
	else {
		fprintf(stderr, "herd: ssh-config: neither XDG_STATE_HOME nor HOME is set\n");
		return -1;
	}
	if ((size_t)snprintf(dir, size, "%s/herd/ssh", p) >= size) {
		fprintf(stderr, "herd: ssh-config: %s: path too long\n", p);
		return -1;
	}
	for (char *s = dir + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		(void)mkdir(dir, 0700);
		*s = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "herd: ssh-config: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The user's client key, made once. */
static int client_key(const char *dir, char *key, size_t size)
{
	char pub[PATH_MAX + 8];
	snprintf(key, size, "%s/id_ed25519", dir);
	snprintf(pub, sizeof pub, "%s.pub", key);
	if (access(pub, R_OK) == 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, STDIN_FILENO);
		dup2(nul, STDOUT_FILENO);
		execlp("ssh-keygen", "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
		    "herd-ssh-config", "-f", key, (char *)NULL);
		fprintf(stderr, "herd: ssh-config: ssh-keygen: %s\n", strerror(errno));
		_exit(127);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    access(pub, R_OK) != 0) {
		fprintf(stderr, "herd: ssh-config: could not make the client key %s\n", key);
		return -1;
	}
	return 0;
}

static int read_small(const char *path, struct buf *b)
{
	char chunk[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (buf_add(b, chunk, (size_t)n) != 0)
			break;
	close(fd);
	return n == 0 ? 0 : -1;
}

/*
 * Run `sh -c script herd-ssh ARG` in job ref with `in` on its stdin and its
 * stdout into out (stderr passes through).  The program's status, or -1.
 */
static int capture(const char *ref, const char *script, const char *arg, const char *in,
    size_t inlen, struct buf *out)
{
	char *argv[] = { "sh", "-c", (char *)script, "herd-ssh", (char *)arg, NULL };
	FILE *fi = tmpfile(), *fo = tmpfile();
	int save_in = dup(STDIN_FILENO), save_out = dup(STDOUT_FILENO), rc = -1;
	if (fi == NULL || fo == NULL || save_in < 0 || save_out < 0 ||
	    (inlen > 0 && fwrite(in, 1, inlen, fi) != inlen) || fflush(fi) != 0)
		goto out;
	rewind(fi);
	fflush(stdout);
	if (dup2(fileno(fi), STDIN_FILENO) < 0 || dup2(fileno(fo), STDOUT_FILENO) < 0)
		goto restore;
	struct stream_req rq = { .ref = ref, .argv = argv, .argc = arg ? 5 : 4 };
	rc = stream_client_run(&rq);
restore:
	dup2(save_in, STDIN_FILENO);
	dup2(save_out, STDOUT_FILENO);
	rewind(fo);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fo)) > 0)
		if (buf_add(out, chunk, n) != 0) {
			rc = -1;
			break;
		}
out:
	if (save_in >= 0)
		close(save_in);
	if (save_out >= 0)
		close(save_out);
	if (fi != NULL)
		fclose(fi);
	if (fo != NULL)
		fclose(fo);
	return rc;
}

struct found {
	const char *want;	/* by name: the name; NULL: by id (herd show's frame) */
	char id[32], user[256], state[32];
	int n;
};

static int take(void *arg, const struct msg *m)
{
	struct found *f = arg;
	const char *name = msg_get(m, "name", NULL), *st = msg_get(m, "state", NULL);
	const char *u = msg_get(m, "user", NULL);
	if (strcmp(m->type, "job") != 0)
		return 0;
	if (f->want != NULL) {
		if (name == NULL || st == NULL || strcmp(st, "RUNNING") != 0 ||
		    strcmp(name, f->want) != 0)
			return 0;
		snprintf(f->id, sizeof f->id, "%lld", (long long)msg_geti(m, "id", -1));
	}
	snprintf(f->state, sizeof f->state, "%s", st ? st : "");
	snprintf(f->user, sizeof f->user, "%s", u ? u : "");
	f->n++;
	return 0;
}

/* The job: ref given, or the RUNNING job of mine named `name`. */
static int find_job(const char *ref, const char *name, struct found *f)
{
	struct msg req;
	int r;
	memset(f, 0, sizeof *f);
	if (ref != NULL) {
		snprintf(f->id, sizeof f->id, "%s", ref);
		msg_init(&req, "show");
		if (strchr(ref, '_') != NULL)
			msg_adds(&req, "ref", ref);	/* "123_7": a task of an array */
		else
			msg_addi(&req, "id", strtoll(ref, NULL, 10));
	} else {
		f->want = name;
		msg_init(&req, "queue");
		msg_addi(&req, "mine", 1);
	}
	r = cmd_stream(&req, take, f);
	msg_clear(&req);
	if (r != 0)
		return -1;
	if (ref == NULL && f->n != 1) {
		fprintf(stderr, "herd: ssh-config: %s running job of yours is named \"%s\"%s\n",
		    f->n == 0 ? "no" : "more than one", name, f->n == 0 ? "" : ": give its ID");
		return -1;
	}
	if (ref != NULL && strcmp(f->state, "RUNNING") != 0) {
		fprintf(stderr, "herd: ssh-config: job %s is %s: only a running job has an "
		    "allocation to enter\n", ref, f->state[0] ? f->state : "unknown");
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const struct buf *b)
{
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, b->data, b->len) != 0 || close(fd) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "herd: ssh-config: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Set the allocation's sshd up; its host key line into known_hosts. */
static int node_setup(const char *ref, const char *pubkey, const char *kh, const char *alias)
{
	struct buf out, cfg, line;
	struct sshcfg_node n;
	char err[HERD_ERRLEN];
	int rc = -1;
	buf_init(&out, SSHCFG_OUT_MAX);
	buf_init(&cfg, 256u * 1024);
	buf_init(&line, 8192);
	int st = capture(ref, sshcfg_setup_script(), pubkey, NULL, 0, &out);
	if (st != 0) {
		fprintf(stderr, "herd: ssh-config: setting the allocation's sshd up failed "
		    "(status %d)\n", st);
		goto out;
	}
	if (sshcfg_parse_setup(out.data ? out.data : (char[]){ 0 }, out.len, &n, err, sizeof err)
	    != 0 || sshcfg_sshd_config(&cfg, &n, err, sizeof err) != 0 ||
	    sshcfg_known_hosts(&line, alias, n.hostkey, err, sizeof err) != 0) {
		fprintf(stderr, "herd: ssh-config: %s\n", err);
		goto out;
	}
	struct buf none;
	buf_init(&none, 4096);
	st = capture(ref, sshcfg_write_script(), n.sshd, cfg.data, cfg.len, &none);
	buf_clear(&none);
	if (st != 0) {
		fprintf(stderr, "herd: ssh-config: the node's sshd refused its config (status %d)\n",
		    st);
		goto out;
	}
	rc = write_file(kh, &line);
out:
	buf_clear(&out);
	buf_clear(&cfg);
	buf_clear(&line);
	return rc;
}

/* An absolute path of a file herd was told of, for the ProxyCommand. */
static const char *absolute(const char *p, char *buf, size_t size)
{
	if (p == NULL || p[0] == '\0')
		return NULL;
	if (realpath(p, buf) != NULL || (size_t)snprintf(buf, size, "%s", p) < size)
		return buf;
	return p;
}

/* {"job", "host", "fields": {Keyword: value as ssh uses it}, "config": block}. */
static int block_json(const struct found *f, const char *alias, const char *block)
{
	char key[64], val[SSHCFG_PATH_MAX * 4];
	const char *p = block;
	int r, n = 0;
	fputs("{\"job\": ", stdout);
	json_str(stdout, f->id);
	fputs(", \"host\": ", stdout);
	json_str(stdout, alias);
	fputs(", \"fields\": {", stdout);
	while ((r = sshcfg_block_next(&p, key, sizeof key, val, sizeof val)) == 1) {
		fputs(n++ > 0 ? ", " : "", stdout);
		json_str(stdout, key);
		fputs(": ", stdout);
		json_str(stdout, val);
	}
	fputs("}, \"config\": ", stdout);
	json_str(stdout, block);
	fputs("}\n", stdout);
	if (r != 0)	/* our own block: a bug, but say so rather than hide a field */
		fprintf(stderr, "herd: ssh-config: a line of the Host block could not be read back\n");
	return r == 0 ? 0 : -1;
}

static int print_block(const struct found *f, const char *dir, const char *key, const char *kh,
    int json)
{
	char self[PATH_MAX], sock[PATH_MAX], conf[PATH_MAX], alias[48], err[HERD_ERRLEN];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	(void)dir;
	if (n <= 0) {
		fprintf(stderr, "herd: ssh-config: cannot tell herd's own path\n");
		return -1;
	}
	self[n] = '\0';
	snprintf(alias, sizeof alias, "herd-%s", f->id);
	struct sshcfg_host h = { .alias = alias, .user = f->user, .herd = self, .ref = f->id,
	    .identity = key, .known_hosts = kh,
	    .socket = absolute(opt_socket ? opt_socket : getenv("HERD_SOCKET"), sock, sizeof sock),
	    .config = absolute(opt_config ? opt_config : getenv("HERD_CONFIG"), conf, sizeof conf) };
	const char *ctl = getenv("HERD_CONTROLLER");
	if (ctl != NULL && ctl[0] != '\0')
		h.controller = ctl;
	struct buf b;
	buf_init(&b, 64u * 1024);
	int rc = sshcfg_host_block(&b, &h, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "herd: ssh-config: %s\n", err);
	else if (json)
		rc = block_json(f, alias, b.data);
	else
		fputs(b.data, stdout);
	buf_clear(&b);
	return rc;
}

int cmd_sshcfg(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "alloc", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_sshcfg_entry;
	const char *name = NULL, *ref = NULL;
	int ch, json = 0;
	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "a:h", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		case 'a':
			name = optarg;
			break;
		case 'J':
			json = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc)
		ref = argv[optind++];
	if ((ref == NULL) == (name == NULL) || optind < argc)
		return cmd_usage_error(ce, "give one job: an ID or --alloc NAME");
	if (ref != NULL && !cmd_is_job_ref(ref))
		return cmd_usage_error(ce, "\"%s\" is not a job id (ID or ID_TASK)", ref);
	if (name != NULL && name[0] == '\0')
		return cmd_usage_error(ce, "--alloc: a job name is needed");
	char dir[PATH_MAX - 64], key[PATH_MAX], kh[PATH_MAX], alias[48];
	struct found f;
	struct buf pub;
	if (find_job(ref, name, &f) != 0 || state_dir(dir, sizeof dir) != 0 ||
	    client_key(dir, key, sizeof key) != 0)
		return 1;
	snprintf(kh, sizeof kh, "%s/known_hosts.%s", dir, f.id);
	snprintf(alias, sizeof alias, "herd-%s", f.id);
	buf_init(&pub, SSHCFG_KEY_MAX + 256);
	char pubpath[PATH_MAX + 8];
	snprintf(pubpath, sizeof pubpath, "%s.pub", key);
	if (read_small(pubpath, &pub) != 0 || pub.len == 0) {
		fprintf(stderr, "herd: ssh-config: cannot read %s\n", pubpath);
		buf_clear(&pub);
		return 1;
	}
	pub.data[strcspn(pub.data, "\n")] = '\0';
	int rc = node_setup(f.id, pub.data, kh, alias);
	buf_clear(&pub);
	if (rc != 0 || print_block(&f, dir, key, kh, json) != 0)
		return 1;
	return 0;
}

int cmd_sshproxy(int argc, char **argv)
{
	static const struct option lo[] = {
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_entry *ce = &cmd_sshproxy_entry;
	int ch;
	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		switch (ch) {
		case 'h':
			cmd_help(ce, stdout);
			return 0;
		case CMD_OPT_HELP:
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind != 1 || argv[optind][0] == '\0' ||
	    strspn(argv[optind], "0123456789_") != strlen(argv[optind]))
		return cmd_usage_error(ce, "one job id is needed");
	char *pargv[] = { "sh", "-c", (char *)sshcfg_proxy_script(), "herd-ssh", NULL };
	struct stream_req rq = { .ref = argv[optind], .argv = pargv, .argc = 4 };
	int rc = stream_client_run(&rq);
	return rc < 0 ? 255 : rc;
}

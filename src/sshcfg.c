/*
 * sshcfg.c — herd ssh-config's texts (sshcfg.h).
 *
 * Theory of operation: nothing here touches a file or a socket, so every
 * hostile string (a job name with quotes, a path with spaces, a value with
 * a newline) is tried in unit tests against the exact text that sshd and
 * ssh will read.  The sshd runs as the job's owner, unprivileged, in inetd
 * mode (-i) on a stream's stdin and stdout: no port, no pid file, no PAM,
 * public keys only, and the one key that herd ssh-config made for the
 * user.  sshd has no option for a session's working directory, so a
 * ForceCommand (a constant script next to the job's files) changes to the
 * job's directory and then runs what the client asked for, the login shell
 * when it asked for nothing; the sftp subsystem's command arrives the same
 * way (SSH_ORIGINAL_COMMAND), so VS Code's file transfers work too.
 *
 * herd ssh-config --json reads the Host block back (sshcfg_block_next)
 * rather than naming its fields a second time: the JSON cannot say other
 * than the block ssh reads, and the round trip is a unit test.
 */
#include <stdio.h>
#include <string.h>

#include "shquote.h"
#include "sshcfg.h"

/* Shared by setup and proxy: sshd where distributions put it, or on PATH. */
#define FIND_SSHD \
	"sshd=\n" \
	"for c in /usr/sbin/sshd /usr/local/sbin/sshd /sbin/sshd \"$(command -v sshd 2>/dev/null)\"; do\n" \
	"if [ -n \"$c\" ] && [ -x \"$c\" ]; then sshd=$c; break; fi\ndone\n" \
	"if [ -z \"$sshd\" ]; then\n" \
	"echo \"herd: no sshd on node ${HERD_NODE:-?} (looked in /usr/sbin, /usr/local/sbin, /sbin " \
	"and PATH): install OpenSSH's server there for herd ssh-config\" >&2\nexit 4\nfi\n" \
	"f=$HERD_JOB_FILES\n" \
	"if [ -z \"$f\" ]; then echo 'herd: the stream named no job files (herdd is older than " \
	"this herd)' >&2; exit 3; fi\n"

const char *sshcfg_setup_script(void)
{
	return FIND_SSHD
	    "sftp=\n"
	    "for c in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server "
	    "/usr/libexec/sftp-server /usr/lib/ssh/sftp-server; do\n"
	    "if [ -x \"$c\" ]; then sftp=$c; break; fi\ndone\n"
	    "umask 077\n"
	    "if [ ! -s \"$f.ssh_host_ed25519_key.pub\" ]; then\n"
	    "rm -f \"$f.ssh_host_ed25519_key\" \"$f.ssh_host_ed25519_key.pub\"\n"
	    "ssh-keygen -q -t ed25519 -N '' -C \"herd-job-${HERD_JOB_ID:-}\" "
	    "-f \"$f.ssh_host_ed25519_key\" </dev/null >/dev/null || exit 5\nfi\n"
	    "printf '%s\\n' \"$1\" >\"$f.ssh_authorized_keys\" || exit 5\n"
	    "cat >\"$f.ssh_rc\" <<'HERD_RC' || exit 5\n"
	    "# herd ssh-config: a session starts in the job's directory, with its umask\n"
	    "[ -z \"$HERD_UMASK\" ] || umask \"$HERD_UMASK\"\n"
	    "cd \"${HERD_WORKDIR:-$HOME}\" 2>/dev/null || cd\n"
	    "if [ -z \"$SSH_ORIGINAL_COMMAND\" ]; then exec \"${SHELL:-/bin/sh}\" -l; fi\n"
	    "exec \"${SHELL:-/bin/sh}\" -c \"$SSH_ORIGINAL_COMMAND\"\n"
	    "HERD_RC\n"
	    "printf 'herd-ssh files %s\\n' \"$f\"\n"
	    "printf 'herd-ssh sshd %s\\n' \"$sshd\"\n"
	    "[ -z \"$sftp\" ] || printf 'herd-ssh sftp %s\\n' \"$sftp\"\n"
	    "printf 'herd-ssh hostkey %s\\n' \"$(cat \"$f.ssh_host_ed25519_key.pub\")\"\n"
	    "printf 'herd-ssh env\\n'\n"
	    "exec env -0\n";
}

const char *sshcfg_proxy_script(void)
{
	return FIND_SSHD
	    "if [ ! -r \"$f.sshd_config\" ]; then echo \"herd: job ${HERD_JOB_ID:-?} has no sshd "
	    "set up: run herd ssh-config ${HERD_JOB_ID:-ID} first\" >&2; exit 3; fi\n"
	    "exec \"$sshd\" -i -e -f \"$f.sshd_config\"\n";
}

const char *sshcfg_write_script(void)
{
	return "f=$HERD_JOB_FILES\numask 077\n"
	    "cat >\"$f.sshd_config.new\" || exit 5\n"
	    "\"$1\" -t -f \"$f.sshd_config.new\" || { rm -f \"$f.sshd_config.new\"; exit 6; }\n"
	    "exec mv -f \"$f.sshd_config.new\" \"$f.sshd_config\"\n";
}

int sshcfg_env_kept(const char *name, size_t len)
{
	static const char *const exact[] = { "CUDA_VISIBLE_DEVICES", "CUDA_DEVICE_ORDER" };
	if (len == 0 || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_") < len)
		return 0;
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (strlen(exact[i]) == len && memcmp(name, exact[i], len) == 0)
			return 1;
	return (len > 5 && memcmp(name, "HERD_", 5) == 0) ||
	    (len > 6 && memcmp(name, "SLURM_", 6) == 0);
}

static int ctl_byte(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int sshcfg_word(struct buf *b, const char *s, int tokens)
{
	if (ctl_byte(s))
		return -1;
	int r = buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			r |= buf_addc(b, '\\');
		else if (*s == '%' && tokens)
			r |= buf_addc(b, '%');
		r |= buf_addc(b, *s);
	}
	return r | buf_addc(b, '"');
}

/* A keyword and its word: -1 with err naming what cannot be held. */
static int kw(struct buf *b, const char *key, const char *v, int tokens, char *err, size_t errsz)
{
	if (buf_printf(b, "%s ", key) != 0 || sshcfg_word(b, v, tokens) != 0 ||
	    buf_addc(b, '\n') != 0) {
		snprintf(err, errsz, "%s: the value has a control character (a newline?) that "
		    "an OpenSSH config cannot hold, or is too long", key);
		return -1;
	}
	return 0;
}

/* A command line on a config line: shquoted words, no control byte, % doubled. */
static int cmdline(struct buf *b, const char *const *words, int tokens)
{
	struct buf t;
	int r = 0;
	buf_init(&t, SSHCFG_PATH_MAX * 4);
	for (size_t i = 0; words[i] != NULL && r == 0; i++)
		r |= (i > 0 ? buf_addc(&t, ' ') : 0) | shquote_str(&t, words[i]);
	if (r == 0 && !ctl_byte(t.data ? t.data : ""))
		for (size_t i = 0; i < t.len; i++)
			r |= (tokens && t.data[i] == '%' ? buf_addc(b, '%') : 0) | buf_addc(b, t.data[i]);
	else
		r = -1;
	buf_clear(&t);
	return r;
}

/* The node's file prefix: a path the sshd's keywords hold without doubt. */
static int files_ok(const char *f)
{
	return f[0] == '/' && strlen(f) < SSHCFG_PATH_MAX - 32 &&
	    strspn(f, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+,:=@ -") ==
	    strlen(f);
}

int sshcfg_sshd_config(struct buf *b, const struct sshcfg_node *n, char *err, size_t errsz)
{
	char p[SSHCFG_PATH_MAX];
	if (!files_ok(n->files)) {
		snprintf(err, errsz, "the job's files on the node are under a path herd does not "
		    "write into an sshd_config (an absolute path of letters, digits, spaces and "
		    "/._+,:=@- only)");
		return -1;
	}
	int r = buf_addstr(b, "# herd ssh-config: this job's sshd, run as sshd -i by herd ssh-proxy\n"
	    "PidFile none\nUsePAM no\nPasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
	    "PermitUserEnvironment no\nLogLevel ERROR\n");
	if (r != 0)
		goto full;
	snprintf(p, sizeof p, "%s.ssh_host_ed25519_key", n->files);
	if (kw(b, "HostKey", p, 0, err, errsz) != 0)
		return -1;
	snprintf(p, sizeof p, "%s.ssh_authorized_keys", n->files);
	if (kw(b, "AuthorizedKeysFile", p, 1, err, errsz) != 0)
		return -1;
	if (n->sftp != NULL && kw(b, "Subsystem sftp", n->sftp, 0, err, errsz) != 0)
		return -1;
	snprintf(p, sizeof p, "%s.ssh_rc", n->files);
	const char *const fc[] = { "/bin/sh", p, NULL };
	if (buf_addstr(b, "ForceCommand ") != 0 || cmdline(b, fc, 0) != 0 ||
	    buf_addc(b, '\n') != 0)
		goto full;
	/* One line: sshd takes the first SetEnv line only. */
	if (n->nenv > 0 && buf_addstr(b, "SetEnv") != 0)
		goto full;
	for (size_t i = 0; i < n->nenv; i++) {
		if (buf_addc(b, ' ') != 0 || sshcfg_word(b, n->env[i], 0) != 0) {
			const char *eq = strchr(n->env[i], '=');
			snprintf(err, errsz, "the allocation's %.*s holds a control character (a "
			    "newline?) that sshd_config's SetEnv cannot hold",
			    eq ? (int)(eq - n->env[i]) : 64, n->env[i]);
			return -1;
		}
	}
	if (n->nenv > 0 && buf_addc(b, '\n') != 0)
		goto full;
	return 0;
full:
	snprintf(err, errsz, "the sshd_config is too long");
	return -1;
}

int sshcfg_host_block(struct buf *b, const struct sshcfg_host *h, char *err, size_t errsz)
{
	const char *words[10];
	size_t n = 0;
	if (strspn(h->alias, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(h->alias) ||
	    h->alias[0] == '\0' || strspn(h->ref, "0123456789_") != strlen(h->ref) ||
	    h->ref[0] == '\0') {
		snprintf(err, errsz, "not a job's host name: %.40s", h->alias);
		return -1;
	}
	char ctl[SSHCFG_PATH_MAX];
	if (h->controller != NULL && h->socket == NULL) {
		if ((size_t)snprintf(ctl, sizeof ctl, "HERD_CONTROLLER=%s", h->controller) >= sizeof ctl) {
			snprintf(err, errsz, "HERD_CONTROLLER is too long");
			return -1;
		}
		words[n++] = "env";
		words[n++] = ctl;
	}
	words[n++] = h->herd;
	if (h->socket != NULL) {
		words[n++] = "-s";
		words[n++] = h->socket;
	}
	if (h->config != NULL) {
		words[n++] = "-c";
		words[n++] = h->config;
	}
	words[n++] = "ssh-proxy";
	words[n++] = h->ref;
	words[n] = NULL;
	int r = buf_printf(b, "# herd ssh-config %s: job %s's allocation\nHost %s\n", h->ref,
	    h->ref, h->alias);
	r |= buf_printf(b, "    HostName %s\n    HostKeyAlias %s\n", h->alias, h->alias);
	if (r != 0)
		goto full;
	if (buf_addstr(b, "    User ") != 0 || sshcfg_word(b, h->user, 1) != 0 ||
	    buf_addstr(b, "\n    ProxyCommand ") != 0) {
		snprintf(err, errsz, "the user name cannot be held in an ssh config");
		return -1;
	}
	if (cmdline(b, words, 1) != 0 || buf_addc(b, '\n') != 0) {
		snprintf(err, errsz, "herd's path or options hold a control character (a newline?) "
		    "that an ssh config cannot hold");
		return -1;
	}
	if (kw(b, "    IdentityFile", h->identity, 1, err, errsz) != 0 ||
	    kw(b, "    UserKnownHostsFile", h->known_hosts, 1, err, errsz) != 0)
		return -1;
	if (buf_addstr(b, "    IdentitiesOnly yes\n    StrictHostKeyChecking yes\n"
	    "    GlobalKnownHostsFile /dev/null\n    ForwardAgent no\n") != 0)
		goto full;
	return 0;
full:
	snprintf(err, errsz, "the Host block is too long");
	return -1;
}

int sshcfg_known_hosts(struct buf *b, const char *alias, const char *hostkey, char *err,
    size_t errsz)
{
	const char *sp = strchr(hostkey, ' ');
	size_t tl = sp ? (size_t)(sp - hostkey) : 0;
	const char *k = sp ? sp + 1 : "";
	size_t kl = strcspn(k, " ");
	/* A key blob starts with its type's length: base64 "AAAA". */
	if (tl == 0 || tl > 64 || kl < 16 || kl > SSHCFG_KEY_MAX || strncmp(k, "AAAA", 4) != 0 ||
	    hostkey[0] < 'a' || hostkey[0] > 'z' ||
	    strspn(hostkey, "abcdefghijklmnopqrstuvwxyz0123456789-@.") < tl ||
	    strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") < kl) {
		snprintf(err, errsz, "the node's host key is not a public key line");
		return -1;
	}
	if (buf_printf(b, "%s %.*s %.*s\n", alias, (int)tl, hostkey, (int)kl, k) != 0) {
		snprintf(err, errsz, "the host key is too long");
		return -1;
	}
	return 0;
}

/* "herd-ssh KEY VALUE": the value of KEY, or NULL. */
static const char *field(char *line, const char *key)
{
	size_t kl = strlen(key);
	if (strncmp(line, "herd-ssh ", 9) != 0 || strncmp(line + 9, key, kl) != 0 ||
	    line[9 + kl] != ' ' || line[10 + kl] == '\0')
		return NULL;
	return line + 10 + kl;
}

static int parse_env(char *p, char *end, struct sshcfg_node *n, char *err, size_t errsz)
{
	while (p < end) {
		char *z = memchr(p, '\0', (size_t)(end - p));
		if (z == NULL) {
			snprintf(err, errsz, "the node's environment was cut short");
			return -1;
		}
		char *eq = memchr(p, '=', (size_t)(z - p));
		if (eq != NULL && sshcfg_env_kept(p, (size_t)(eq - p))) {
			if (n->nenv == SSHCFG_ENV_MAX) {
				snprintf(err, errsz, "more than %d HERD_/SLURM_ variables", SSHCFG_ENV_MAX);
				return -1;
			}
			n->env[n->nenv++] = p;
		}
		p = z + 1;
	}
	return 0;
}

int sshcfg_parse_setup(char *out, size_t len, struct sshcfg_node *n, char *err, size_t errsz)
{
	char *p = out, *end = out + len;
	const char *v;
	memset(n, 0, sizeof *n);
	if (len > SSHCFG_OUT_MAX) {
		snprintf(err, errsz, "the node's answer is too long");
		return -1;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL || memchr(p, '\0', (size_t)(nl - p)) != NULL)
			break;
		*nl = '\0';
		if (n->files == NULL && (v = field(p, "files")) == NULL) {
			p = nl + 1;	/* before our lines: a login's noise */
			continue;
		}
		if ((v = field(p, "files")) != NULL && n->files == NULL)
			n->files = v;
		else if ((v = field(p, "sshd")) != NULL && n->sshd == NULL)
			n->sshd = v;
		else if ((v = field(p, "sftp")) != NULL && n->sftp == NULL)
			n->sftp = v;
		else if ((v = field(p, "hostkey")) != NULL && n->hostkey == NULL)
			n->hostkey = v;
		else if (strcmp(p, "herd-ssh env") == 0)
			break;
		else {
			snprintf(err, errsz, "the node answered an unexpected line");
			return -1;
		}
		p = nl + 1;
	}
	if (n->files == NULL || n->sshd == NULL || n->hostkey == NULL || p >= end ||
	    strcmp(p, "herd-ssh env") != 0) {
		snprintf(err, errsz, "the node's answer lacks the job's files, sshd, host key "
		    "or environment");
		return -1;
	}
	p += strlen(p) + 1;
	return parse_env(p, end, n, err, errsz);
}

/* One byte of a value into val (vsz > 0): -1 full, or a control byte. */
static int put_value(char *val, size_t vsz, size_t *n, char ch)
{
	if (*n + 1 >= vsz || (unsigned char)ch < 0x20 || ch == 0x7f)
		return -1;
	val[(*n)++] = ch;
	val[*n] = '\0';
	return 0;
}

/* A quoted word from q (at its '"') to the line's end: -1 if it is not one word. */
static int quoted_value(const char *q, const char *end, char *val, size_t vsz)
{
	size_t n = 0;
	for (q++; q < end && *q != '"'; q++) {
		if (*q == '\\' && q + 1 < end)
			q++;
		else if (*q == '%' && q + 1 < end && q[1] == '%')
			q++;
		if (put_value(val, vsz, &n, *q) != 0)
			return -1;
	}
	return q < end && q + 1 == end ? 0 : -1;
}

int sshcfg_block_next(const char **p, char *key, size_t ksz, char *val, size_t vsz)
{
	const char *s = *p;
	while (*s == '\n' || *s == '#') {	/* comments and blank lines */
		if (*s == '#')
			s += strcspn(s, "\n");
		if (*s == '\n')
			s++;
	}
	if (*s == '\0') {
		*p = s;
		return 0;
	}
	const char *end = s + strcspn(s, "\n");
	*p = *end == '\n' ? end + 1 : end;
	s += strspn(s, " ");
	size_t kl = strcspn(s, " \n");
	if (kl == 0 || kl >= ksz || s[kl] != ' ' || ksz == 0 || vsz == 0)
		return -1;
	memcpy(key, s, kl);
	key[kl] = '\0';
	const char *v = s + kl + 1;
	val[0] = '\0';
	if (*v == '"')
		return quoted_value(v, end, val, vsz) == 0 ? 1 : -1;
	for (size_t n = 0; v < end; v++) {
		if (*v == '%' && v + 1 < end && v[1] == '%')
			v++;
		if (put_value(val, vsz, &n, *v) != 0)
			return -1;
	}
	return 1;
}

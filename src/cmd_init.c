/*
 * cmd_init.c — herd init: a starter hosts.ini for hosts you already reach
 * with ssh, each checked before it is written.
 *
 * Theory of operation: a new user has SSH servers and an ~/.ssh/config,
 * not a hosts.ini.  So the hosts are named on the command line or picked
 * from the Host names of ~/.ssh/config (sshconf.c lists them), and what
 * each name means (HostName, User, Port, IdentityFile) is OpenSSH's own
 * answer to `ssh -G NAME`: herd never re-implements ssh_config.  Then,
 * per host, three steps, each a reason to leave it out:
 *
 *   1. its host key, fetched without logging in (ssh.c); an unknown one
 *      is shown (type, SHA256 fingerprint, as ssh-keygen -l prints it)
 *      and added to known_hosts only when the user answers yes; a changed
 *      one is refused, never replaced;
 *   2. herd doctor's checks (cmd_doctor_node), run on the very node_conf
 *      config_load reads from the text about to be written, so what was
 *      checked is what herdd will use;
 *   3. the checks without which herdd cannot use the node at all (DNS,
 *      TCP, SSH, login, the shell, the probe) leave it out; the others
 *      (a slow login, a full disk, no linger) are printed with their fix
 *      and the node is kept.  A node without nvidia-smi is kept with
 *      cpu_only = yes.
 *
 * The file (initfile.c's text) is read back by config_load before it
 * replaces anything, written beside its final path and renamed over it
 * (link without --force, so an existing file is never lost).  Hosts that
 * failed are written commented out, with why, for the user to fix.
 *
 * --json is for a script: it asks nothing (the hosts named, lab_from
 * given, an unknown host key left out rather than trusted unseen), sends
 * the report meant for people to stderr (stdout is dup'ed to it, so every
 * line, init_lab.c's too, goes there) and prints init_json.c's document
 * on the real stdout once the hosts were tried.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "config.h"
#include "doctor.h"
#include "init_json.h"
#include "init_lab.h"
#include "initfile.h"
#include "ssh.h"
#include "sshconf.h"

extern char **environ;

#define INIT_SSHCONF_MAX (1 << 20)
#define INIT_G_MAX (64 * 1024)
#define INIT_INI_MAX (1 << 20)
#define INIT_HOSTS_MAX 256

const struct cmd_entry cmd_init_entry = {
	"init", "init [-o FILE] [--force] [--json] [--lab [--lab-from ADDR] [--admin NAME]...] [HOST...]",
	"write a starter hosts.ini for your SSH hosts, each checked as herd doctor does",
	"options:\n"
	"  -o, --output FILE   the file to write (default ~/.config/herd/hosts.ini)\n"
	"  -f, --force         replace FILE if it exists\n"
	"      --lab           lab mode (README \"Set up a lab\"): [controller] with\n"
	"                      mode = lab, state_dir, socket, lab_from, admins\n"
	"      --lab-from ADDR the address the nodes see herdd connect from (asked)\n"
	"      --admin NAME    an admin (again for more; asked when none)\n"
	"      --state-dir DIR herdd's state directory (default /var/lib/herd)\n"
	"      --socket PATH   the socket users connect to (default " CONFIG_LAB_SOCKET ")\n"
	"      --json          the hosts checked and their results as JSON; asks nothing\n"
	"                      (HOSTs named; an unknown host key leaves the host out)\n"
	"  -h, --help          this help\n"
	"Without HOST, lists the Host names of ~/.ssh/config to pick from by number.\n"
	"Each host is resolved with ssh -G (HostName, User, Port, IdentityFile); an\n"
	"unknown host key is shown and added to ~/.ssh/known_hosts only if you answer\n"
	"yes (a changed one is refused); then herd doctor's checks run.  A host that\n"
	"fails is written commented out, with why.  Exit 0 when FILE was written with\n"
	"at least one node, 1 otherwise, 2 usage.\n",
	cmd_init
};

struct init_opts {
	const char *out;
	int force;
	int lab;
	const char *lab_from, *state_dir, *socket;
	char admins[1024];	/* --admin NAME, joined with ", " */
	int lab_only;		/* a lab option was given (refused without --lab) */
	int json;
};

static int init_json_mode;	/* --json: nothing asked */

struct init_node {
	char name[SSHCONF_NAME_MAX + 1];
	struct sshconf_resolved r;
	char identity[1024];	/* "" none: agent, then ~/.ssh/id_* */
	char known_hosts[1024];	/* "" the default ~/.ssh/known_hosts */
	int cpu_only;
	char failed[2048];	/* "" ok */
	char key_type[64], key_sha256[64];	/* for --json */
	const char *key_state;		/* NULL: no key fetched */
	struct doctor_report *doctor;	/* herd doctor's checks; NULL not run */
};

static const char *home(void)
{
	const char *h = getenv("HOME");
	return h != NULL && h[0] == '/' ? h : "";
}

/* "~/x" with $HOME; others as they are. */
static void expand(char *dst, size_t size, const char *src)
{
	if (strncmp(src, "~/", 2) == 0)
		snprintf(dst, size, "%s/%s", home(), src + 2);
	else
		snprintf(dst, size, "%s", src);
}

static int read_bounded(const char *path, struct buf *b)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (buf_add(b, chunk, (size_t)n) != 0)
			break;
	close(fd);
	return n < 0 ? -1 : 0;
}

/*
 * One answer line from stdin; "" at end of input, and for a line longer
 * than size, read to its end: its tail must not answer the next question
 * (a host key the user has not yet been shown).
 */
static void ask(const char *prompt, char *line, size_t size)
{
	fputs(prompt, stdout);
	fflush(stdout);
	if (fgets(line, (int)size, stdin) == NULL)
		line[0] = '\0';
	else if (strchr(line, '\n') == NULL && !feof(stdin)) {
		int c;
		while ((c = getchar()) != EOF && c != '\n')
			;
		line[0] = '\0';
	}
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0')
		putchar('\n');
}

static int yes(const char *prompt)
{
	char line[64];
	ask(prompt, line, sizeof line);
	return strcasecmp(line, "y") == 0 || strcasecmp(line, "yes") == 0;
}

/* The file ssh reads is the passwd entry's ~/.ssh/config; when $HOME is
 * another directory, name ours with -F so that both read the same. */
static int ssh_config_path(char *buf, size_t size)
{
	struct passwd *pw = getpwuid(getuid());
	snprintf(buf, size, "%s/.ssh/config", home());
	return pw == NULL || strcmp(pw->pw_dir, home()) != 0;
}

/* Pick hosts among ~/.ssh/config's names into names[]; how many (0: none). */
static size_t choose_hosts(char (*names)[SSHCONF_NAME_MAX + 1])
{
	struct sshconf_list *l = xcalloc(1, sizeof *l);
	struct buf b;
	char path[4200], line[1024], err[256];
	unsigned char pick[SSHCONF_HOSTS_MAX];
	size_t n = 0;

	buf_init(&b, INIT_SSHCONF_MAX);
	ssh_config_path(path, sizeof path);
	if (read_bounded(path, &b) != 0)
		fprintf(stderr, "herd init: cannot read %s: %s; name the hosts: herd init HOST...\n",
		    path, strerror(errno));
	else
		sshconf_hosts(b.data ? b.data : "", b.len, l);
	if (l->n == 0) {
		fprintf(stderr, "herd init: no Host names in %s to pick from; name them: herd init "
		    "HOST...\n", path);
		goto out;
	}
	printf("Hosts in %s:\n", path);
	for (size_t i = 0; i < l->n; i++)
		printf("  %2zu) %s\n", i + 1, l->name[i]);
	if (l->skipped || l->includes)
		printf("  (%zu pattern%s or odd line%s left out%s; name any other host on the "
		    "command line)\n", l->skipped, l->skipped == 1 ? "" : "s",
		    l->skipped == 1 ? "" : "s", l->includes ? ", Include files not read" : "");
	ask("Which hosts? Their numbers (1 3, 2-4) or all: ", line, sizeof line);
	if (init_pick_parse(line, l->n, pick, err, sizeof err) != 0) {
		fprintf(stderr, "herd init: %s\n", err);
		goto out;
	}
	for (size_t i = 0; i < l->n; i++)
		if (pick[i])
			strlcpy_h(names[n++], l->name[i], sizeof names[0]);
out:
	buf_clear(&b);
	free(l);
	return n;
}

/* ssh -G NAME's answer into nd->r; 0, or -1 with nd->failed. */
static int resolve(struct init_node *nd)
{
	char cfg[4200];
	int own = ssh_config_path(cfg, sizeof cfg) && access(cfg, F_OK) == 0;
	char *with_f[] = { "ssh", "-GT", "-F", cfg, "--", nd->name, NULL };
	char *plain[] = { "ssh", "-GT", "--", nd->name, NULL };
	char **argv = own ? with_f : plain;
	int p[2], st, devnull = open("/dev/null", O_RDONLY | O_CLOEXEC), e;
	posix_spawn_file_actions_t fa;
	struct buf b;
	pid_t pid;
	char chunk[4096], err[512];
	ssize_t n;

	if (devnull < 0 || pipe2(p, O_CLOEXEC) != 0) {
		snprintf(nd->failed, sizeof nd->failed, "no pipe: %s", strerror(errno));
		if (devnull >= 0)
			close(devnull);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	e = posix_spawnp(&pid, "ssh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	close(devnull);
	buf_init(&b, INIT_G_MAX);
	while (e == 0 && (n = read(p[0], chunk, sizeof chunk)) > 0)
		(void)buf_add(&b, chunk, (size_t)n);	/* a bounded prefix is enough */
	close(p[0]);
	if (e != 0)
		snprintf(nd->failed, sizeof nd->failed, "cannot run ssh -G: %s", strerror(e));
	else {
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			snprintf(nd->failed, sizeof nd->failed, "ssh -G %s failed (see above)",
			    nd->name);
		else if (sshconf_g_parse(b.data ? b.data : "", b.len, &nd->r, err, sizeof err) != 0)
			snprintf(nd->failed, sizeof nd->failed, "%s", err);
	}
	buf_clear(&b);
	return nd->failed[0] ? -1 : 0;
}

/*
 * Whether path is ~/.ssh/NAME, ~ being $HOME (herd's) or the passwd
 * entry's home (ssh -G expands ~ with it): a default, which herd finds
 * itself in $HOME, so hosts.ini names none.
 */
static int in_dot_ssh(const char *path, const char *name)
{
	struct passwd *pw = getpwuid(getuid());
	const char *homes[] = { home(), pw != NULL ? pw->pw_dir : "", "~" };
	char p[4200];
	for (size_t i = 0; i < sizeof homes / sizeof homes[0]; i++) {
		snprintf(p, sizeof p, "%s/.ssh/%s", homes[i], name);
		if (homes[i][0] != '\0' && strcmp(path, p) == 0)
			return 1;
	}
	return 0;
}

/* ssh's default key names: herd tries them itself (ssh.h). */
static int default_identity(const char *path)
{
	static const char *const names[] = { "id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519",
	    "id_ed25519_sk", "id_xmss", "id_dsa", NULL };
	for (int i = 0; names[i] != NULL; i++)
		if (in_dot_ssh(path, names[i]))
			return 1;
	return 0;
}

/* identity and known_hosts as hosts.ini will name them. */
static void node_files(struct init_node *nd)
{
	char path[1024];
	for (size_t i = 0; i < nd->r.nidentity && nd->identity[0] == '\0'; i++) {
		if (default_identity(nd->r.identity[i]))
			continue;
		expand(path, sizeof path, nd->r.identity[i]);
		if (access(path, R_OK) == 0)
			strlcpy_h(nd->identity, path, sizeof nd->identity);
	}
	if (nd->r.known_hosts[0] != '\0' && !in_dot_ssh(nd->r.known_hosts, "known_hosts")) {
		expand(path, sizeof path, nd->r.known_hosts);
		strlcpy_h(nd->known_hosts, path, sizeof nd->known_hosts);
	}
}

static const char *kh_path(const struct init_node *nd, char *buf, size_t size)
{
	if (nd->known_hosts[0] != '\0')
		return nd->known_hosts;
	snprintf(buf, size, "%s/.ssh/known_hosts", home());
	return buf;
}

/* Step 1: the host key, trusted only by the user's word. */
static int host_key(struct init_node *nd)
{
	struct ssh_hostkey k;
	char kh[1100], err[1024], q[1400], hp[300];
	const char *path = kh_path(nd, kh, sizeof kh);

	if (ssh_hostkey_get(nd->r.hostname, nd->r.port, path, now_ms() + 10000, &k, err,
	    sizeof err) != 0) {
		snprintf(nd->failed, sizeof nd->failed, "%s", err);
		return -1;
	}
	snprintf(nd->key_type, sizeof nd->key_type, "%s", k.type);
	snprintf(nd->key_sha256, sizeof nd->key_sha256, "%s", k.sha256);
	nd->key_state = k.state == SSH_HOSTKEY_KNOWN ? "known" :
	    k.state == SSH_HOSTKEY_CHANGED ? "changed" : "unknown";
	if (k.state == SSH_HOSTKEY_KNOWN) {
		printf("%-10s ok   %-13s %s %s in %s\n", nd->name, "host_key", k.type, k.sha256, path);
		return 0;
	}
	if (nd->r.port == 22)
		snprintf(hp, sizeof hp, "%s", nd->r.hostname);
	else
		snprintf(hp, sizeof hp, "[%s]:%d", nd->r.hostname, nd->r.port);
	if (k.state == SSH_HOSTKEY_CHANGED) {
		snprintf(nd->failed, sizeof nd->failed, "HOST KEY CHANGED: %.200s now offers %s %s, not "
		    "the key %.300s has for it; refused (only if it was reinstalled: ssh-keygen -R '%.200s' "
		    "-f %.300s, then herd init again)", hp, k.type, k.sha256, path, hp, path);
		printf("%-10s FAIL %-13s %s\n", nd->name, "host_key", nd->failed);
		return -1;
	}
	printf("%-10s      %-13s %s is not in %s: its key is %s %s\n", nd->name, "host_key", hp,
	    path, k.type, k.sha256);
	if (init_json_mode) {
		snprintf(nd->failed, sizeof nd->failed, "its host key %s %s is not in %.300s and "
		    "--json asks nothing: add it there (herd init without --json asks), then again",
		    k.type, k.sha256, path);
		return -1;
	}
	snprintf(q, sizeof q, "Is that %s's key (compare: ssh-keygen -lf "
	    "/etc/ssh/ssh_host_*_key.pub on it)? Add it to %s? [yes/no] ", nd->name, path);
	/* Only an answer typed after the key was shown (ssh's readpassphrase
	 * flushes too): a "yes" typed ahead would trust a key nobody saw. */
	if (isatty(STDIN_FILENO))
		tcflush(STDIN_FILENO, TCIFLUSH);
	if (!yes(q)) {
		snprintf(nd->failed, sizeof nd->failed, "its host key %s was not accepted", k.sha256);
		return -1;
	}
	if (ssh_hostkey_add(path, &k, err, sizeof err) != 0) {
		snprintf(nd->failed, sizeof nd->failed, "%s", err);
		return -1;
	}
	printf("%-10s ok   %-13s added %s %s to %s\n", nd->name, "host_key", k.type, k.sha256,
	    path);
	nd->key_state = "added";
	return 0;
}

/* The checks without which herdd cannot use a node at all. */
static int fatal_check(const char *name)
{
	static const char *const fatal[] = { "dns", "tcp", "ssh", "host_key", "auth",
	    "login_output", "shell", "probe", "tools", NULL };
	for (int i = 0; fatal[i] != NULL; i++)
		if (strcmp(name, fatal[i]) == 0)
			return 1;
	return 0;
}

/* Step 2 and 3: herd doctor's checks, then what they mean for the file. */
static void doctor_step(struct init_node *nd, const struct node_conf *nc)
{
	struct doctor_report *r = xcalloc(1, sizeof *r);
	cmd_doctor_node("herd", nc, r);
	free(nd->doctor);
	nd->doctor = r;	/* kept for --json */
	for (size_t i = 0; i < r->n && nd->failed[0] == '\0'; i++) {
		const struct doctor_check *c = &r->c[i];
		if (!c->ok && fatal_check(c->name))
			snprintf(nd->failed, sizeof nd->failed, "%s: %.900s", c->name, c->detail);
		/* doctor.c's words for a node with no nvidia-smi at all */
		else if (!c->ok && strcmp(c->name, "nvidia_smi") == 0 &&
		    strstr(c->detail, "not on the PATH") != NULL) {
			nd->cpu_only = 1;
			printf("%-10s      %-13s no nvidia-smi: written with cpu_only = yes\n",
			    nd->name, "nvidia_smi");
		}
	}
}

/* The hosts.ini text of nodes[0..n); 0, or -1 (printed). */
static int make_text(const struct init_node *nodes, size_t n, const struct init_lab *lab,
    struct buf *out)
{
	struct init_host *h = xcalloc(n ? n : 1, sizeof *h);
	char err[1024];
	int rc;
	for (size_t i = 0; i < n; i++) {
		const struct init_node *nd = &nodes[i];
		h[i] = (struct init_host){
			.name = nd->name, .host = nd->r.hostname[0] ? nd->r.hostname : nd->name,
			.port = nd->r.port ? nd->r.port : 22, .user = nd->r.user[0] ? nd->r.user : NULL,
			.identity = nd->identity[0] ? nd->identity : NULL,
			.known_hosts = nd->known_hosts[0] ? nd->known_hosts : NULL,
			.cpu_only = nd->cpu_only, .failed = nd->failed[0] ? nd->failed : NULL,
		};
	}
	buf_reset(out);
	if ((rc = init_ini(out, h, n, lab, err, sizeof err)) != 0)
		fprintf(stderr, "herd init: %s\n", err);
	free(h);
	return rc;
}

/* text to tmp, read back by herdd's reader into cfg; 0, or -1 (printed). */
static int write_load(const char *tmp, const struct buf *text, struct config *cfg)
{
	char err[HERD_ERRLEN];
	int fd = open(tmp, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);	/* ours: tmp_file */
	if (fd < 0 || write_all(fd, text->data, text->len) != 0 || close(fd) != 0) {
		fprintf(stderr, "herd init: cannot write %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	if (config_load(tmp, cfg, err, sizeof err) != 0) {
		fprintf(stderr, "herd init: the file does not read back: %s\n", err);
		return -1;
	}
	return 0;
}

/*
 * A new file of our own beside path, named in tmp: mkstemp's, never a name
 * fixed in advance (in a directory others can write, a symlink planted
 * there would have us overwrite its target).  0, or -1 (printed).
 */
static int tmp_file(const char *path, char *tmp, size_t size)
{
	mode_t mask = umask(0);
	umask(mask);	/* the mode open(..., 0644) would have given */
	snprintf(tmp, size, "%s.herd-init.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0644 & ~mask) != 0 || close(fd) != 0) {
		fprintf(stderr, "herd init: cannot write %s: %s\n", tmp, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		tmp[0] = '\0';
		return -1;
	}
	return 0;
}

/* The file's directory (one level, as ~/.config/herd), then tmp over path. */
static int install(const char *tmp, const char *path, int force)
{
	int rc = force ? rename(tmp, path) : link(tmp, path);
	if (rc != 0)
		fprintf(stderr, "herd init: cannot write %s: %s%s\n", path, strerror(errno),
		    errno == EEXIST ? " (herd init --force replaces it)" : "");
	if (!force || rc != 0)
		unlink(tmp);
	return rc;
}

static void mkdir_parents(const char *path)
{
	char dir[4200];
	strlcpy_h(dir, path, sizeof dir);
	for (char *s = dir + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		(void)mkdir(dir, 0700);	/* an error shows when the file is written */
		*s = '/';
	}
}

/* Whether a node that is in has GPUs (the test job asks for one). */
static int any_gpus(const struct init_node *nodes, size_t n)
{
	int gpus = 0;
	for (size_t i = 0; i < n; i++)
		gpus |= nodes[i].failed[0] == '\0' && !nodes[i].cpu_only;
	return gpus;
}

static void next_steps(const char *path, int deflt, const struct init_node *nodes, size_t n)
{
	int gpus = any_gpus(nodes, n);
	printf("\nNext, start herdd on it and run a test job:\n\n");
	printf("    herdd -c %s --daemon\n", path);
	if (!deflt)
		printf("    export HERD_CONFIG=%s\n", path);
	if (gpus)
		printf("    herd submit --gpus=1 --wrap 'nvidia-smi -L'\n");
	else
		printf("    herd submit --wrap 'hostname'\n");
	printf("\nthen herd queue, herd history and herd logs ID.  herd doctor checks every "
	    "node again at any time.\n");
}

static int parse_opts(int argc, char **argv, struct init_opts *o)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "lab", no_argument, NULL, 'L' },
		{ "lab-from", required_argument, NULL, 'F' },
		{ "admin", required_argument, NULL, 'A' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "socket", required_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'J' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	cmd_getopt_start();
	while ((ch = cmd_getopt(&cmd_init_entry, argc, argv, "o:fh", lo)) != -1) {
		switch (ch) {
		case 'o':
			o->out = optarg;
			break;
		case 'f':
			o->force = 1;
			break;
		case 'L':
			o->lab = 1;
			break;
		case 'F':
			o->lab_from = optarg;
			o->lab_only = 1;
			break;
		case 'S':
			o->state_dir = optarg;
			o->lab_only = 1;
			break;
		case 'K':
			o->socket = optarg;
			o->lab_only = 1;
			break;
		case 'J':
			o->json = 1;
			break;
		case 'A':
			if (strlen(o->admins) + strlen(optarg) + 3 > sizeof o->admins)
				return cmd_usage_error(&cmd_init_entry, "--admin: too many names");
			snprintf(o->admins + strlen(o->admins), sizeof o->admins - strlen(o->admins),
			    "%s%s", o->admins[0] ? ", " : "", optarg);
			o->lab_only = 1;
			break;
		case CMD_OPT_HELP:
			return -1;
		default:
			return 2;
		}
	}
	if (o->lab_only && !o->lab)
		return cmd_usage_error(&cmd_init_entry, "--lab-from, --admin, --state-dir and "
		    "--socket are lab mode's: add --lab");
	if (o->json && optind == argc)
		return cmd_usage_error(&cmd_init_entry, "--json asks nothing: name the hosts "
		    "(herd init --json HOST...)");
	if (o->json && o->lab && o->lab_from == NULL)
		return cmd_usage_error(&cmd_init_entry, "--json asks nothing: --lab needs "
		    "--lab-from ADDR");
	return 0;
}

/*
 * Lab mode's [controller] values: options, else asked (lab_from must be
 * given; admins may be none).  The answers are checked when the file is
 * read back.  0, or -1 (printed).
 */
static int lab_values(struct init_opts *o, struct init_lab *lab, char *from, size_t fromsz)
{
	lab->state_dir = o->state_dir ? o->state_dir : "/var/lib/herd";
	lab->socket = o->socket ? o->socket : CONFIG_LAB_SOCKET;
	if (o->lab_from == NULL) {
		ask("The address the nodes see herdd connect from (lab_from, as 10.0.0.5): ", from,
		    fromsz);
		o->lab_from = from;
	}
	if (o->lab_from[0] == '\0') {
		fprintf(stderr, "herd init: lab mode needs lab_from (--lab-from ADDR): the from= of "
		    "every user's key line\n");
		return -1;
	}
	lab->lab_from = o->lab_from;
	if (o->admins[0] == '\0' && !o->json)
		ask("Admins, who may act on every job (user names; empty: none): ", o->admins,
		    sizeof o->admins);
	lab->admins = o->admins[0] ? o->admins : NULL;
	return 0;
}

/* Operands, or the user's pick from ~/.ssh/config, as nodes; how many. */
static size_t hosts(int argc, char **argv, struct init_node **out)
{
	char (*names)[SSHCONF_NAME_MAX + 1] = xcalloc(INIT_HOSTS_MAX, sizeof *names);
	size_t n = 0;
	if (argc == 0)
		n = choose_hosts(names);
	for (int i = 0; i < argc; i++) {
		if (!name_valid(argv[i], strlen(argv[i]), SSHCONF_NAME_MAX) || n == INIT_HOSTS_MAX) {
			char vis[128];
			str_vis(vis, sizeof vis, argv[i]);
			cmd_usage_error(&cmd_init_entry, "\"%s\" cannot name a node: 1 to 63 of "
			    "A-Z a-z 0-9 . _ - (a Host alias of ~/.ssh/config gives any host a name)",
			    vis);
			free(names);
			return 0;
		}
		strlcpy_h(names[n++], argv[i], sizeof names[0]);
	}
	*out = xcalloc(n ? n : 1, sizeof **out);
	for (size_t i = 0; i < n; i++)
		strlcpy_h((*out)[i].name, names[i], sizeof (*out)[i].name);
	free(names);
	return n;
}

/* Step 1 for each host: what ssh -G says of it, then its host key; how many passed. */
static size_t key_steps(struct init_node *nodes, size_t n)
{
	size_t nok = 0;
	for (size_t i = 0; i < n; i++) {
		struct init_node *nd = &nodes[i];
		if (resolve(nd) == 0) {
			node_files(nd);
			printf("%-10s      %-13s %s port %d as %s%s%s\n", nd->name, "ssh -G",
			    nd->r.hostname, nd->r.port, nd->r.user, nd->identity[0] ? " with " : "",
			    nd->identity);
			host_key(nd);
		}
		if (nd->failed[0])
			printf("%-10s FAIL %-13s %s\n", nd->name, "host", nd->failed);
		else
			nok++;
	}
	return nok;
}

/*
 * Steps 2 and 3, then the file: written beside path, read back, the
 * doctor's checks on what was read, written again with their outcome and
 * put in place.  0 with *cfg the file as herdd reads it (the caller
 * clears it), or -1 (printed; nothing left behind).
 */
static int write_checked(struct init_node *nodes, size_t n, const struct init_lab *lab,
    const char *path, int force, struct config *cfg)
{
	struct buf text;
	char tmp[4300];
	int rc = -1;

	buf_init(&text, INIT_INI_MAX);
	mkdir_parents(path);
	if (tmp_file(path, tmp, sizeof tmp) != 0 || make_text(nodes, n, lab, &text) != 0 ||
	    write_load(tmp, &text, cfg) != 0)
		goto out;
	/* cfg's nodes are the ones still in, in order. */
	for (size_t i = 0, j = 0; i < n && j < cfg->nnodes; i++)
		if (nodes[i].failed[0] == '\0')
			doctor_step(&nodes[i], &cfg->nodes[j++]);
	config_clear(cfg);
	if (make_text(nodes, n, lab, &text) != 0 || write_load(tmp, &text, cfg) != 0)
		goto out;
	if (cfg->nnodes == 0)
		fprintf(stderr, "herd init: no host passed; nothing written (the reasons are above)\n");
	else if (install(tmp, path, force) == 0) {
		tmp[0] = '\0';
		rc = 0;
	}
	if (rc != 0)
		config_clear(cfg);
out:
	if (tmp[0] != '\0')
		unlink(tmp);
	buf_clear(&text);
	return rc;
}

/* --json's document of nodes[0..n) on fd (the real stdout); file NULL: none written. */
static void json_report(int fd, const struct init_node *nodes, size_t n, const char *file,
    size_t written)
{
	struct init_json_host *h = xcalloc(n ? n : 1, sizeof *h);
	for (size_t i = 0; i < n; i++) {
		const struct init_node *nd = &nodes[i];
		h[i] = (struct init_json_host){ .name = nd->name, .hostname = nd->r.hostname,
		    .port = nd->r.port, .user = nd->r.user, .identity = nd->identity,
		    .key_type = nd->key_type, .key_sha256 = nd->key_sha256,
		    .key_state = nd->key_state, .cpu_only = nd->cpu_only, .failed = nd->failed,
		    .doctor = nd->doctor };
	}
	fflush(stdout);
	FILE *f = fdopen(fd, "w");
	if (f != NULL) {
		init_json(f, file != NULL, file, written, h, n);
		fclose(f);
	}
	free(h);
}

static void nodes_free(struct init_node *nodes, size_t n)
{
	for (size_t i = 0; nodes != NULL && i < n; i++)
		free(nodes[i].doctor);
	free(nodes);
}

static void default_out(char *buf, size_t size)
{
	const char *x = getenv("XDG_CONFIG_HOME");
	if (x != NULL && x[0] == '/')
		snprintf(buf, size, "%s/herd/hosts.ini", x);
	else
		snprintf(buf, size, "%s/.config/herd/hosts.ini", home());
}

int cmd_init(int argc, char **argv)
{
	struct init_opts o = { 0 };
	struct init_node *nodes = NULL;
	struct init_lab lab = { 0 };
	struct config cfg;
	char outbuf[4200], from[256];
	size_t n = 0;
	int rc = parse_opts(argc, argv, &o), deflt = o.out == NULL, jfd = -1, tried = 0;

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	if (o.json) {	/* people's report to stderr; the JSON alone on stdout */
		fflush(stdout);
		init_json_mode = 1;
		if ((jfd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
		    dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
			fprintf(stderr, "herd init: %s\n", strerror(errno));
			return 1;
		}
	}
	if (deflt)
		default_out(outbuf, sizeof outbuf);
	else
		snprintf(outbuf, sizeof outbuf, "%s", o.out);
	if (!o.force && access(outbuf, F_OK) == 0) {
		fprintf(stderr, "herd init: %s exists; herd init --force replaces it, -o FILE "
		    "writes another\n", outbuf);
		return 1;
	}
	if ((n = hosts(argc - optind, argv + optind, &nodes)) == 0)
		rc = argc - optind > 0 ? 2 : 1;
	else if (o.lab && lab_values(&o, &lab, from, sizeof from) != 0)
		rc = 2;
	else if (ssh_global_init() != 0) {
		fprintf(stderr, "herd init: libssh2 did not start\n");
		rc = 1;
	} else if (tried = 1, key_steps(nodes, n) == 0) {
		fprintf(stderr, "herd init: no host passed; nothing written (the reasons are above)\n");
		rc = 1;
	} else if (write_checked(nodes, n, o.lab ? &lab : NULL, outbuf, o.force, &cfg) != 0)
		rc = 1;
	if (rc != 0) {
		if (jfd >= 0 && tried)
			json_report(jfd, nodes, n, NULL, 0);
		nodes_free(nodes, n);
		return rc;
	}
	printf("\nWrote %s: %zu node%s", outbuf, cfg.nnodes, cfg.nnodes == 1 ? "" : "s");
	if (cfg.nnodes < n)
		printf(", %zu left out (commented out there, with why)", n - cfg.nnodes);
	printf(".\n");
	if (o.lab) {
		char *abs = realpath(outbuf, NULL);
		free(cfg.path);
		cfg.path = abs ? abs : xstrdup(outbuf);
		init_lab_steps(&cfg, cfg.nodes[0].user ? cfg.nodes[0].user : "herdprobe",
		    any_gpus(nodes, n));
	} else
		next_steps(outbuf, deflt, nodes, n);
	if (jfd >= 0)
		json_report(jfd, nodes, n, outbuf, cfg.nnodes);
	config_clear(&cfg);
	nodes_free(nodes, n);
	return 0;
}

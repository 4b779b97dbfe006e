/*
 * cmd_doctor.c — herd doctor: checks hosts.ini as herdd reads it, then
 * logs in to each node as herdd would and checks what herd needs there.
 *
 * Theory of operation: it runs in the client, not through herdd, because
 * the time people need it is when herdd is down or cannot reach a node.
 * So it reads herdd's own configuration (-c, $HERD_CONFIG, the user's
 * ~/.config/herd/hosts.ini, else the system-wide one) with config_load,
 * the strict reader herdd uses, and logs in with herdd's own keys and
 * known_hosts through the same ssh.c.  Whoever runs it must therefore be
 * able to read them: herdd's own user (in personal mode, you; in lab mode
 * the service account, through sudo -u) or root.  A key it cannot read is
 * reported with that advice instead of as a refused login.
 *
 * Per node, one connection and one channel: `exec /bin/sh -s` as herdd
 * opens it, then a marker line to time the login shell and catch what
 * its rc files print, the probe script herdd runs (parsed by probe_parse)
 * and doctor.c's program for the rest.  Nodes are checked one after the
 * other; each step is bounded by the node's connect_timeout and
 * command_timeout.  All deciding is doctor.c's; this file only does I/O
 * and prints.  Exit 0 only when every check passed, 1 otherwise, 2 usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "config.h"
#include "db.h"
#include "doctor.h"
#include "jobopt.h"
#include "probe.h"
#include "transport.h"

#define READY_MARK "HERD-DOCTOR-READY"
#define SHELL_CMD "exec /bin/sh -s"

const struct cmd_entry cmd_doctor_entry = {
	"doctor", "doctor [--json] [--min-free-disk SIZE] [NODE...]",
	"check hosts.ini and every node as herdd would (works while herdd is down)",
	"options:\n"
	"  --json                    an object per node: each check's name, ok, detail, fix\n"
	"  --min-free-disk SIZE      free space the herd directory needs (default: each\n"
	"                            node's min_free_disk in hosts.ini, itself 1G)\n"
	"  -h, --help                this help\n"
	"Reads herdd's hosts.ini (-c, $HERD_CONFIG, ~/.config/herd/hosts.ini, then\n"
	"/etc/herd/hosts.ini) and logs in with herdd's keys: run it as herdd's user\n"
	"(lab mode: sudo -u SERVICE-ACCOUNT herd doctor) or root.  Exit 0 when every\n"
	"check passes, 1 when one does not (each with its fix).\n",
	cmd_doctor
};

struct doctor_opts {
	int json;
	int64_t min_free_kb;	/* --min-free-disk; -1: each node's min_free_disk */
};

/* Lab mode: the registered users, whose logins each node is checked for. */
#define LAB_USERS_MAX 4096
struct lab_users {
	char (*name)[64];
	size_t n;
	int loaded;		/* 0: not lab mode, or the list could not be read */
};

/* herdd's file: -c, $HERD_CONFIG, the user's own if present, the system's. */
static const char *config_path(char *buf, size_t size)
{
	const char *p = opt_config ? opt_config : getenv("HERD_CONFIG");
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	if (p != NULL && *p != '\0')
		return p;
	if (x != NULL && x[0] == '/')
		snprintf(buf, size, "%s/herd/hosts.ini", x);
	else if (h != NULL && h[0] == '/')
		snprintf(buf, size, "%s/.config/herd/hosts.ini", h);
	else
		buf[0] = '\0';
	if (buf[0] != '\0' && access(buf, F_OK) == 0)
		return buf;
	p = getenv("HERD_SYSTEM_CONFIG");
	return p != NULL && *p != '\0' ? p : CONFIG_SYSTEM_PATH;
}

static int check_dns(struct doctor_report *r, const struct node_conf *nc)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char fix[512], addr[NI_MAXHOST] = "";
	int rc = getaddrinfo(nc->host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(fix, sizeof fix, "correct host = in [node %s] (line %d), or add %s to "
		    "DNS or /etc/hosts on this machine", nc->name, nc->line, nc->host);
		doctor_add(r, "dns", 0, fix, "%s: %s", nc->host, gai_strerror(rc));
		return -1;
	}
	getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof addr, NULL, 0, NI_NUMERICHOST);
	freeaddrinfo(res);
	doctor_add(r, "dns", 1, NULL, "%s is %s", nc->host, addr);
	return 0;
}

/* A key herdd's user can read but we cannot: say whose it is. */
static int check_identity(struct doctor_report *r, const struct node_conf *nc)
{
	struct stat st;
	char fix[1024], owner[64];
	if (nc->identity == NULL || access(nc->identity, R_OK) == 0)
		return 0;
	int e = errno;
	if (stat(nc->identity, &st) != 0) {
		snprintf(fix, sizeof fix, "correct identity = in [node %s], or make the key: "
		    "ssh-keygen -t ed25519 -N '' -f %s", nc->name, nc->identity);
		doctor_add(r, "auth", 0, fix, "no key %s: %s", nc->identity, strerror(e));
		return -1;
	}
	uid_name_r(st.st_uid, owner, sizeof owner);
	snprintf(fix, sizeof fix, "run herd doctor as the account herdd runs as: "
	    "sudo -u %s herd -c CONFIG doctor", owner);
	doctor_add(r, "auth", 0, fix, "cannot read the key %s (%s): it is %s's", nc->identity,
	    strerror(e), owner);
	return -1;
}

/* Lines up to `last` (exclusive) appended to out; 0, or -1 with *err. */
static int read_until(struct tchan *ch, const char *last, struct buf *out, int64_t deadline,
    int64_t *time_at, char *err, size_t errsz)
{
	char *line;
	int rc;
	while ((rc = tchan_readline(ch, &line, deadline, err, errsz)) == 1) {
		if (strcmp(line, last) == 0)
			return 0;
		if (time_at != NULL && strncmp(line, "time ", 5) == 0)
			*time_at = wall_s();
		if (buf_addstr(out, line) != 0 || buf_addc(out, '\n') != 0) {
			snprintf(err, errsz, "the answer is larger than %zu bytes", out->max);
			return -1;
		}
	}
	if (rc == 0)
		snprintf(err, errsz, "no answer within the command_timeout");
	return -1;
}

/* Until the marker: how long, and what the login shell printed first. */
static int login(struct doctor_report *r, const struct doctor_ctx *x, struct tchan *ch,
    int64_t t0, int64_t deadline)
{
	char *line, first[256] = "", err[HERD_ERRLEN];
	size_t noise = 0;
	int rc;
	while ((rc = tchan_readline(ch, &line, deadline, err, sizeof err)) == 1) {
		if (strcmp(line, READY_MARK) == 0) {
			doctor_judge_login(r, x, first, noise, now_ms() - t0);
			return 0;
		}
		if (noise++ == 0)
			str_vis(first, sizeof first, line);
	}
	/* A nologin shell or an rc file that exits: what it said is the clue. */
	doctor_add(r, "login_output", 0, "run  ssh NODE true  as herdd's user and look at what "
	    "the login prints or where it stops; the user's shell in /etc/passwd must run "
	    "commands (not nologin)", "the login shell did not run our command (%s)%s%s%s",
	    rc == 0 ? "no answer within the connect_timeout" : err, noise ? "; it printed \"" : "",
	    first, noise ? "\"" : "");
	return -1;
}

/* The probe and the doctor program, in one round trip. */
static void node_program(struct doctor_report *r, struct doctor_ctx *x,
    const struct node_conf *nc, struct tchan *ch)
{
	struct buf prog, pout, dout;
	struct probe_result p;
	struct doctor_facts f;
	char err[HERD_ERRLEN], fix[512];
	int64_t deadline = now_ms() + (int64_t)nc->command_timeout_s * 1000, at = 0;

	buf_init(&prog, 1 << 20);
	buf_init(&pout, PROBE_OUTPUT_MAX);
	buf_init(&dout, DOCTOR_OUTPUT_MAX);
	probe_result_init(&p);
	snprintf(fix, sizeof fix, "run nvidia-smi and df as %s on %s: one of them hangs",
	    x->user ? x->user : "herdd's user", x->node);
	if (buf_addstr(&prog, probe_script()) != 0 ||
	    doctor_script(&prog, nc->herd_dir, x->cluster) != 0 ||
	    tchan_write(ch, prog.data, prog.len, deadline, err, sizeof err) != 0 ||
	    read_until(ch, "end", &pout, deadline, NULL, err, sizeof err) != 0) {
		doctor_add(r, "probe", 0, fix, "herd's probe got no answer: %s", err);
		goto out;
	}
	if (buf_addstr(&pout, "end\n") != 0 ||
	    probe_parse(pout.data, pout.len, &p, err, sizeof err) != 0) {
		doctor_add(r, "probe", 0, "see herdd(8), PROBE", "the probe's answer: %s", err);
		goto out;
	}
	if (read_until(ch, "dend", &dout, deadline, &at, err, sizeof err) != 0 ||
	    buf_addstr(&dout, "dend\n") != 0 ||
	    doctor_parse(dout.data, dout.len, x->cluster, &f, err, sizeof err) != 0) {
		doctor_add(r, "probe", 0, fix, "the checks got no answer: %s", err);
		goto out;
	}
	x->local_time = at ? at : wall_s();
	doctor_add(r, "shell", 1, NULL, "/bin/sh -s runs herd's programs (hostname %s)",
	    p.hostname);
	doctor_judge_node(r, x, &p, &f);
out:
	probe_result_clear(&p);
	buf_clear(&prog);
	buf_clear(&pout);
	buf_clear(&dout);
}

static int add_lab_user(void *arg, uint32_t uid, const char *name)
{
	struct lab_users *u = arg;
	(void)uid;
	if (u->n == LAB_USERS_MAX)
		return 1;
	u->name = xreallocarray(u->name, u->n + 1, sizeof *u->name);
	strlcpy_h(u->name[u->n++], name, sizeof *u->name);
	return 0;
}

/*
 * Who registered, from herdd's database, read-only.  Only as its owner:
 * another user (root too) would leave files in the state directory that
 * herdd's account could not use, and logs in as them with another HOME.
 */
static void load_lab_users(const struct config *cfg, struct lab_users *u,
    struct doctor_report *r)
{
	char path[4200], err[HERD_ERRLEN], owner[64], fix[512];
	struct stat st;

	snprintf(path, sizeof path, "%s/herd.db", cfg->state_dir);
	if (stat(cfg->state_dir, &st) != 0 || access(path, F_OK) != 0) {
		doctor_add(r, "lab_users", 1, NULL, "no database %s yet: nobody registered", path);
		return;
	}
	if (st.st_uid != geteuid()) {
		uid_name_r(st.st_uid, owner, sizeof owner);
		snprintf(fix, sizeof fix, "sudo -u %s herd -c %s doctor", owner, cfg->path);
		doctor_add(r, "lab_users", 0, fix, "registered users' logins are checked only as "
		    "herdd's account %s, the owner of %s", owner, cfg->state_dir);
		return;
	}
	if (db_lab_users_read(path, add_lab_user, u, err, sizeof err) != 0) {
		doctor_add(r, "lab_users", 0, "see herdd(8), FILES", "cannot read who registered: %s",
		    err);
		return;
	}
	u->loaded = 1;
	doctor_add(r, "lab_users", 1, NULL, "%zu registered user%s%s", u->n, u->n == 1 ? "" : "s",
	    u->n == LAB_USERS_MAX ? " (only the first are checked)" : "");
}

/* Each registered user logs in to the node with the lab key, as jobs do. */
static void check_lab_logins(const struct config *cfg, const struct node_conf *nc,
    const struct lab_users *u, struct doctor_report *r)
{
	char failed[700] = "", first[1024] = "", fix[1536];
	size_t nfail = 0;

	for (size_t i = 0; i < u->n; i++) {
		struct node_conf *c = config_node_dup(nc);
		struct tconn *t = NULL;
		char err[1024];
		free(c->user);
		c->user = xstrdup(u->name[i]);
		free(c->identity);
		c->identity = xstrdup(cfg->lab_key);
		int64_t deadline = now_ms() + (int64_t)nc->connect_timeout_s * 1000;
		if (tconn_open(c, &t, deadline, err, sizeof err) != 0) {
			if (nfail++ == 0)
				strlcpy_h(first, err, sizeof first);
			size_t l = strlen(failed);
			snprintf(failed + l, sizeof failed - l, "%s%s", l ? ", " : "", u->name[i]);
		}
		tconn_free(t);
		config_node_free(c);
	}
	if (nfail == 0) {
		doctor_add(r, "user_logins", 1, NULL, "%zu registered user%s log in with the lab key",
		    u->n, u->n == 1 ? "" : "s");
		return;
	}
	snprintf(fix, sizeof fix, "each of them runs herd register again (its key line may be "
	    "gone, or its from= not match lab_from); the first one's causes: %s", first);
	doctor_add(r, "user_logins", 0, fix, "%zu of %zu registered users cannot log in to %s "
	    "with the lab key: %s", nfail, u->n, nc->name, failed);
}

static void check_node(const struct config *cfg, const struct node_conf *nc,
    const struct doctor_opts *o, const struct lab_users *u, struct doctor_report *r)
{
	struct doctor_ctx x = {
		.node = nc->name, .host = nc->host, .user = nc->user, .cluster = cfg->cluster,
		.herd_dir = nc->herd_dir, .port = nc->port, .known_hosts = nc->known_hosts,
		.identity = nc->identity, .cpu_only = nc->cpu_only,
		/* herdd drains a node under its min_free_disk: the same bar by default */
		.min_free_kb = o->min_free_kb >= 0 ? o->min_free_kb :
		    (int64_t)nc->min_free_disk_mb * 1024,
		.min_free_src = o->min_free_kb >= 0 ? "--min-free-disk" : "min_free_disk",
	};
	struct tconn *c = NULL;
	struct tchan *ch = NULL;
	enum ssh_stage stage;
	char err[1024];		/* ssh.c's refused-key message lists every cause */
	int64_t t0;

	if (!nc->local && (check_dns(r, nc) != 0 || check_identity(r, nc) != 0))
		return;
	t0 = now_ms();
	int64_t deadline = t0 + (int64_t)nc->connect_timeout_s * 1000;
	int rc = tconn_open_stage(nc, &c, deadline, &stage, err, sizeof err);
	if (!nc->local)
		doctor_judge_ssh(r, &x, rc == 0 ? SSH_STAGE_OK : (int)stage, err);
	if (rc != 0)
		return;
	/* The login shell's time is the channel's: sshd starts it for each one. */
	t0 = now_ms();
	deadline = t0 + (int64_t)nc->connect_timeout_s * 1000;
	if (tchan_open(c, SHELL_CMD, &ch, deadline, err, sizeof err) != 0) {
		doctor_add(r, "shell", 0, "check the user's login shell in /etc/passwd on the node",
		    "cannot run %s: %s", SHELL_CMD, err);
		goto out;
	}
	if (tchan_write(ch, "echo " READY_MARK "\n", sizeof READY_MARK + 5, deadline, err,
	    sizeof err) != 0) {
		doctor_add(r, "shell", 0, NULL, "cannot write to %s: %s", SHELL_CMD, err);
		goto out;
	}
	if (login(r, &x, ch, t0, deadline) == 0)
		node_program(r, &x, nc, ch);
	if (u->loaded)
		check_lab_logins(cfg, nc, u, r);
out:
	tchan_close(ch);
	tconn_free(c);
}

static void print_check(const char *who, const struct doctor_check *c)
{
	char vis[2048];
	str_vis(vis, sizeof vis, c->detail);
	printf("%-10s %-4s %-13s %s\n", who, c->ok ? "ok" : "FAIL", c->name, vis);
	if (!c->ok && c->fix[0] != '\0') {
		str_vis(vis, sizeof vis, c->fix);
		printf("%-10s %-4s %-13s fix: %s\n", "", "", "", vis);
	}
}

static void json_checks(const struct doctor_report *r)
{
	printf("\"ok\":%s,\"checks\":[", r->nfail ? "false" : "true");
	for (size_t i = 0; i < r->n; i++) {
		const struct doctor_check *c = &r->c[i];
		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, c->name);
		printf(",\"ok\":%s,\"detail\":", c->ok ? "true" : "false");
		json_str(stdout, c->detail);
		printf(",\"fix\":");
		json_str(stdout, c->ok || c->fix[0] == '\0' ? NULL : c->fix);
		putchar('}');
	}
	putchar(']');
}

static void print_report(const struct doctor_opts *o, const char *who,
    const struct doctor_report *r, int first)
{
	if (!o->json) {
		for (size_t i = 0; i < r->n; i++)
			print_check(who, &r->c[i]);
		fflush(stdout);
		return;
	}
	printf("%s{\"name\":", first ? "" : ",");
	json_str(stdout, who);
	putchar(',');
	json_checks(r);
	putchar('}');
}

/* Operands are node names of hosts.ini; none: every node. */
static int pick_nodes(const struct cmd_entry *ce, const struct config *cfg, int argc,
    char **argv, unsigned char *pick)
{
	memset(pick, argc == 0, cfg->nnodes);
	for (int i = 0; i < argc; i++) {
		size_t j;
		for (j = 0; j < cfg->nnodes && strcmp(cfg->nodes[j].name, argv[i]) != 0; j++)
			;
		if (j == cfg->nnodes) {
			char vis[128];
			str_vis(vis, sizeof vis, argv[i]);
			return cmd_usage_error(ce, "no node \"%s\" in %s", vis, cfg->path);
		}
		pick[j] = 1;
	}
	return 0;
}

/* The configuration, as herdd reads it; 0, or -1 (reported). */
static int check_config(struct config *cfg, struct doctor_report *r)
{
	char buf[4200], err[HERD_ERRLEN];
	const char *path = config_path(buf, sizeof buf);
	if (config_load(path, cfg, err, sizeof err) != 0) {
		doctor_add(r, "hosts.ini", 0, "correct the line named (herdd -c FILE --check "
		    "checks it alone), or name herdd's file with herd -c FILE doctor", "%s", err);
		return -1;
	}
	if (cfg->nnodes == 0) {
		doctor_add(r, "hosts.ini", 0, "name herdd's own file with -c (see hosts.ini(5))",
		    "%s has no [node NAME] section: a client's file, not herdd's", cfg->path);
		config_clear(cfg);
		return -1;
	}
	doctor_add(r, "hosts.ini", 1, NULL, "%s: %zu node%s, cluster %s%s", cfg->path,
	    cfg->nnodes, cfg->nnodes == 1 ? "" : "s", cfg->cluster, cfg->lab ? ", lab mode" : "");
	return 0;
}

static int parse_opts(const struct cmd_entry *ce, int argc, char **argv, struct doctor_opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "min-free-disk", required_argument, NULL, 'm' },
		CMD_HELP_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	char err[256];
	uint64_t mb;
	int ch;

	o->json = 0;
	o->min_free_kb = -1;
	cmd_getopt_start();
	while ((ch = cmd_getopt(ce, argc, argv, "h", lo)) != -1) {
		switch (ch) {
		case 'j':
			o->json = 1;
			break;
		case 'm':
			if (parse_size_mb(optarg, &mb, err, sizeof err) != 0 || mb > (1ull << 40))
				return cmd_usage_error(ce, "invalid --min-free-disk \"%s\": a size "
				    "such as 500M or 2G", optarg);
			o->min_free_kb = (int64_t)mb * 1024;
			break;
		case CMD_OPT_HELP:
			return -1;
		default:
			return 2;
		}
	}
	return 0;
}

int cmd_doctor(int argc, char **argv)
{
	const struct cmd_entry *ce = &cmd_doctor_entry;
	struct doctor_opts o;
	struct config cfg;
	struct doctor_report *r;
	unsigned char *pick = NULL;
	struct lab_users users = { 0 };
	int rc = parse_opts(ce, argc, argv, &o), nfail = 0, loaded;

	if (rc != 0)
		return rc < 0 ? 0 : rc;
	r = xcalloc(1, sizeof *r);
	loaded = check_config(&cfg, r) == 0;
	if (loaded) {
		pick = xcalloc(cfg.nnodes, 1);
		if ((rc = pick_nodes(ce, &cfg, argc - optind, argv + optind, pick)) != 0)
			goto out;
		if (cfg.lab)
			load_lab_users(&cfg, &users, r);
	}
	nfail = r->nfail;
	if (o.json) {
		printf("{\"config\":{");
		json_checks(r);
		printf("},\"nodes\":[");
	} else
		print_report(&o, "config", r, 1);
	for (size_t i = 0, n = 0; loaded && i < cfg.nnodes; i++) {
		if (!pick[i])
			continue;
		memset(r, 0, sizeof *r);
		check_node(&cfg, &cfg.nodes[i], &o, &users, r);
		nfail += r->nfail;
		print_report(&o, cfg.nodes[i].name, r, n++ == 0);
	}
	if (o.json)
		printf("],\"ok\":%s}\n", nfail ? "false" : "true");
	else if (nfail)
		printf("herd doctor: %d problem%s; each FAIL line is followed by its fix\n", nfail,
		    nfail == 1 ? "" : "s");
	else
		printf("herd doctor: every check passed\n");
	rc = nfail ? 1 : 0;
out:
	free(users.name);
	free(pick);
	free(r);
	if (loaded)
		config_clear(&cfg);
	return rc;
}

/* herd init: one node of a file it is writing, checked and printed as here. */
int cmd_doctor_node(const char *cluster, const struct node_conf *nc, struct doctor_report *r)
{
	struct config cfg = { .cluster = (char *)cluster };
	struct doctor_opts o = { .json = 0, .min_free_kb = -1 };
	struct lab_users u = { 0 };

	memset(r, 0, sizeof *r);
	check_node(&cfg, nc, &o, &u, r);
	print_report(&o, nc->name, r, 1);
	return r->nfail;
}

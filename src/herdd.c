/*
 * herdd.c — the controller: options, start-up, the event loop.
 *
 * One thread owns everything here: the socket, the database, the
 * scheduler and all job and node state.  Node workers run beside it and
 * talk to it only through the result queue's eventfd; loop.c polls and
 * dispatches (loop() below says what a turn is).  Signals arrive on a
 * self-pipe: TERM/INT stop cleanly, HUP reloads hosts.ini (ctl_reload.c),
 * CHLD reaps (herdd is a child subreaper, so local-node jobs never linger
 * as zombies on a machine whose init does not reap).
 *
 * The state directory holds every job's script and environment (tokens,
 * passwords in variables): it is created 0700, its files 0600, and herdd
 * refuses to start on one that another user could read or that belongs to
 * someone else, saying how to fix it, rather than repair it silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "db.h"
#include "lab.h"
#include "log.h"
#include "loop.h"
#include "node.h"
#include "rpc.h"
#include "server.h"
#include "ssh.h"
#include "version.h"
#include "util.h"

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;
	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

static void setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		log_fatal("pipe");
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* SIGHUP: what `herd reconfigure` does, its answer in the log only. */
static void reload(struct ctl *c)
{
	struct buf report;
	char err[HERD_ERRLEN];
	buf_init(&report, 1 << 20);
	log_info("SIGHUP: reading the configuration again");
	(void)ctl_reconfigure(c, &report, err, sizeof err);	/* logged either way */
	buf_clear(&report);
}

/* Returns 1 when the loop should stop. */
static int handle_signals(struct ctl *c)
{
	unsigned char sigs[64];
	ssize_t n = read(sig_pipe[0], sigs, sizeof sigs);
	int stop = 0;
	for (ssize_t i = 0; i < n; i++) {
		if (sigs[i] == SIGTERM || sigs[i] == SIGINT)
			stop = 1;
		else if (sigs[i] == SIGHUP)
			reload(c);
	}
	pid_t pid;
	int st;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
		(void)ctl_notify_reaped(c, pid, st);	/* its failures logged */
	return stop;
}

static int mkdir_p(const char *path)
{
	char tmp[4096];
	strlcpy_h(tmp, path, sizeof tmp);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);
	if (pw != NULL)
		strlcpy_h(buf, pw->pw_name, size);
	else
		snprintf(buf, size, "uid %u", (unsigned)uid);
	return buf;
}

/*
 * Refuse to start on a state directory (is_dir) or file that is not
 * private to herdd's user.  A file that does not exist yet is fine: herdd
 * creates it private.
 */
static void check_private(const char *path, int is_dir)
{
	struct stat st;
	char owner[64], me[64];
	const char *what = is_dir ? "state directory" : "state file";
	if (stat(path, &st) != 0) {
		if (errno == ENOENT && !is_dir)
			return;
		log_fatal("%s %s", what, path);
	}
	if (is_dir && !S_ISDIR(st.st_mode))
		log_fatalx("state directory %s is not a directory", path);
	if (st.st_uid != geteuid())
		log_fatalx("%s %s belongs to %s, not to %s who runs herdd; fix: chown %s %s, "
		    "or run herdd as %s", what, path, user_name(st.st_uid, owner, sizeof owner),
		    user_name(geteuid(), me, sizeof me), me, path, owner);
	if (st.st_mode & 077)
		log_fatalx("%s %s is mode %04o: other users could read every job's script and "
		    "environment; fix: chmod %s %s", what, path, (unsigned)(st.st_mode & 07777),
		    is_dir ? "700" : "600", path);
}

/* The database, its WAL and shared-memory files, and the log. */
static void check_state_files(const struct config *cfg, const char *dbpath)
{
	static const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	char p[4300];
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
		snprintf(p, sizeof p, "%s%s", dbpath, sfx[i]);
		check_private(p, 0);
	}
	check_private(cfg->log_file, 0);
}

/* One herdd per state directory: an flock held for the process's life. */
static int take_lock(const char *state_dir)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/herdd.lock", state_dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		log_fatal("%s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		char pid[32] = "";
		(void)!read(fd, pid, sizeof pid - 1);
		pid[strcspn(pid, "\n")] = '\0';
		log_fatalx("another herdd (pid %s) already uses state directory %s; stop it "
		    "first (kill %s) or use another state_dir", pid[0] ? pid : "?", state_dir,
		    pid[0] ? pid : "PID");
	}
	char pid[32];
	int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	(void)!ftruncate(fd, 0);
	(void)!pwrite(fd, pid, (size_t)n, 0);
	return fd;
}

/*
 * The parent returns (so `herdd --daemon` ends) only once the child has
 * written its pid into the lock file: a script that reads herdd.lock right
 * after `herdd --daemon` must find the daemon's pid, not the parent's.
 * Returns the pipe's write end; the child closes it when its pid is there.
 */
static int daemonize(const char *log_file)
{
	int ready[2];
	char c;
	int fd = open(log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		log_fatal("%s", log_file);
	if (pipe2(ready, O_CLOEXEC) != 0)
		log_fatal("pipe");
	pid_t pid = fork();
	if (pid < 0)
		log_fatal("fork");
	if (pid > 0) {
		close(ready[1]);
		while (read(ready[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[0]);
	setsid();
	int null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (null > 2)
		close(null);
	log_init("herdd", LOG_INFO, 2);
	return ready[1];
}

static struct server *the_server;

static void job_ended(void *arg, const struct job *j)
{
	(void)arg;
	if (the_server != NULL)
		rpc_job_ended(the_server, j->id);
	/* herd wait on an array hears of each of its tasks. */
	if (the_server != NULL && j->array_job_id > 0 && j->array_job_id != j->id)
		rpc_job_ended(the_server, j->array_job_id);
}

/* herd logs: a read of a job's output is done (or failed). */
static void logs_answered(void *arg, const struct logs_answer *a)
{
	(void)arg;
	if (the_server != NULL)
		rpc_logs_answered(the_server, a);
}

/*
 * The loop (loop.c): the signal pipe, the node workers' results and the
 * server's listener and clients, then the nodes' 1 s tick and the earliest
 * job deadline (ctl_deadline.c) as two timers.  One turn, one commit: what
 * nodes said, what clients asked and the tick change state in one
 * transaction; its side effects go out at ctl_turn_end, after the commit.
 * The answers made here wait too: server_handle writes only before it
 * runs requests, so they leave in the next turn's server_handle.  Signals
 * are read before the turn begins (a reload is its own), so each callback
 * but theirs opens the turn.
 */
struct herdd_loop {
	struct loop l;
	struct ctl *c;
	struct server *s;
	int tick, deadline;	/* the timers */
	int in_turn, ticked;
};

static void turn(struct herdd_loop *h)
{
	if (!h->in_turn) {
		ctl_turn_begin(h->c);
		h->in_turn = 1;
	}
}

static void on_signals(struct loop *l, int fd, short revents, void *arg)
{
	struct herdd_loop *h = arg;
	(void)fd;
	if ((revents & POLLIN) && handle_signals(h->c))
		loop_break(l);	/* TERM or INT: nothing more this turn */
}

static void on_results(struct loop *l, int fd, short revents, void *arg)
{
	struct herdd_loop *h = arg;
	(void)l, (void)fd;
	if (!(revents & POLLIN))
		return;
	turn(h);
	struct node_result *r = node_results_take();
	ctl_on_results(h->c, r);
	node_result_free(r);
}

static size_t server_fill(void *arg, struct pollfd *p, size_t cap)
{
	struct herdd_loop *h = arg;
	return server_pollfds(h->s, p, cap);
}

static void server_run(void *arg, const struct pollfd *p, size_t n)
{
	struct herdd_loop *h = arg;
	turn(h);
	server_handle(h->s, p, n);
	/* A request may have made a deadline due now: the tick runs this turn. */
	loop_timer_set(&h->l, h->deadline, ctl_next_due_ms(h->c));
}

/* Either timer: the controller's tick, once a turn however many are due. */
static void on_tick(struct loop *l, int t, void *arg)
{
	struct herdd_loop *h = arg;
	(void)t;
	if (h->ticked)
		return;
	h->ticked = 1;
	turn(h);
	int64_t now = now_ms();
	loop_timer_set(l, h->tick, now + ctl_tick(h->c));
	ctl_logs_tick(h->c);
}

static void loop(struct ctl *c, struct server *s)
{
	static struct herdd_loop h;
	uint64_t told = 0;	/* c->changes herd top's watchers were told of */

	loop_init(&h.l);
	h.c = c;
	h.s = s;
	if (loop_fd_add(&h.l, sig_pipe[0], POLLIN, on_signals, &h) != 0 ||
	    loop_fd_add(&h.l, node_results_fd(), POLLIN, on_results, &h) != 0 ||
	    loop_source_add(&h.l, server_fill, server_run, &h) != 0 ||
	    (h.tick = loop_timer_add(&h.l, 0, on_tick, &h)) < 0 ||
	    (h.deadline = loop_timer_add(&h.l, INT64_MAX, on_tick, &h)) < 0)
		log_fatalx("the event loop could not be set up");
	for (;;) {
		if (c->sched_needed)
			ctl_schedule(c);
		loop_timer_set(&h.l, h.deadline, ctl_next_due_ms(c));
		h.in_turn = h.ticked = 0;
		int rc = loop_run_once(&h.l, -1);
		if (rc < 0)
			log_fatal("poll");
		if (rc > 0)
			break;
		turn(&h);
		ctl_turn_end(c);
		ctl_notify_pump(c);	/* what the turn committed is told now */
		if (c->changes != told) {
			told = c->changes;
			rpc_watch_event(s);
		}
	}
	loop_clear(&h.l);
}

static void usage(FILE *f, int status)
{
	fprintf(f, "usage: herdd [-c hosts.ini] [--check] [--daemon] [-v] [-V]\n"
	    "  -c, --config FILE  the configuration (default: $HERD_CONFIG)\n"
	    "      --check        check the configuration, print \"FILE: OK, N nodes\" and exit\n"
	    "      --daemon       detach once the socket is ready; log to STATE_DIR/herdd.log\n"
	    "  -v, --verbose      debug messages in the log\n"
	    "  -V, --version      print the version and exit\n"
	    "  -h, --help         print this help and exit\n"
	    "See herdd(8).\n");
	exit(status);
}

struct opts {
	const char *path;
	int check, daemon_mode, verbose;
};

static void parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	o->path = getenv("HERD_CONFIG");
	while ((ch = getopt_long(argc, argv, "c:vhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->path = optarg; break;
		case 'C': o->check = 1; break;
		case 'd': o->daemon_mode = 1; break;
		case 'v': o->verbose = 1; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("herdd %s\n", HERD_VERSION); exit(0);
		default: usage(stderr, 2);
		}
	}
	if (optind != argc)
		usage(stderr, 2);
}

/*
 * Detach once the socket exists (so `herd` works when we return) and the
 * database is known to open (so its errors reach the terminal), but before
 * it is opened for good: SQLite's locks do not cross fork.
 */
static void detach(const struct config *cfg, const char *dbpath, int lock_fd)
{
	struct db *db;
	char err[HERD_ERRLEN], pid[32];
	if (db_open(&db, dbpath, err, sizeof err) != 0)
		log_fatalx("%s", err);
	db_close(db);
	int ready = daemonize(cfg->log_file);
	int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
	(void)!ftruncate(lock_fd, 0);
	(void)!pwrite(lock_fd, pid, (size_t)n, 0);
	close(ready);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	char err[HERD_ERRLEN], dbpath[4200];
	struct config cfg;
	struct db *db;
	struct ctl ctl;
	struct server srv;

	parse_opts(argc, argv, &o);
	log_init("herdd", o.verbose ? LOG_DEBUG : LOG_INFO, 2);
	if (o.path == NULL)
		log_fatalx("no configuration: use herdd -c hosts.ini (see hosts.example.ini)");
	if (config_load(o.path, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "herdd: %s\n", err);
		return 1;
	}
	if (cfg.nnodes == 0) {
		fprintf(stderr, "herdd: %s: no [node NAME] section (a client's file, which names "
		    "only its controller, is not herdd's)\n", cfg.path);
		return 1;
	}
	if (o.check) {
		printf("%s: OK, %zu node%s\n", cfg.path, cfg.nnodes, cfg.nnodes == 1 ? "" : "s");
		config_clear(&cfg);
		return 0;
	}
	if (mkdir_p(cfg.state_dir) != 0)
		log_fatal("cannot create state directory %s", cfg.state_dir);
	check_private(cfg.state_dir, 1);
	int lock_fd = take_lock(cfg.state_dir);
	setup_signals();
	snprintf(dbpath, sizeof dbpath, "%s/herd.db", cfg.state_dir);
	check_state_files(&cfg, dbpath);
	if (cfg.lab && lab_prepare(&cfg, err, sizeof err) != 0)
		log_fatalx("%s", err);
	if (cfg.lab && geteuid() == 0)
		log_warn("lab mode as root: run herdd as a service account (see herdd(8), LAB MODE)");
	if (server_open(&srv, cfg.socket_path, cfg.lab, &ctl, &rpc_ops, err, sizeof err) != 0)
		log_fatalx("%s", err);
	if (o.daemon_mode)
		detach(&cfg, dbpath, lock_fd);
	prctl(PR_SET_CHILD_SUBREAPER, 1);	/* not inherited: after the fork */
	if (ssh_global_init() != 0 || node_results_init() != 0)
		log_fatalx("cannot initialise libssh2 or the result queue");
	if (db_open(&db, dbpath, err, sizeof err) != 0 ||
	    ctl_init(&ctl, &cfg, db, NULL, err, sizeof err) != 0)
		log_fatalx("%s", err);
	the_server = &srv;
	ctl.on_job_end = job_ended;
	ctl.on_logs = logs_answered;
	log_info("herdd started: %zu nodes, %zu active jobs, socket %s", cfg.nnodes, ctl.njobs,
	    cfg.socket_path);
	ctl_start_nodes(&ctl);
	loop(&ctl, &srv);
	log_info("stopping");
	server_close(&srv);
	ctl_logs_clear(&ctl);
	/* A worker inside a long remote step is not waited for: exit anyway. */
	if (ctl_clear(&ctl) != 0) {
		db_close(db);
		_exit(0);
	}
	db_close(db);
	config_clear(&cfg);
	close(lock_fd);
	return 0;
}

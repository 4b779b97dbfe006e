/*
 * notify.c — running a site's program per message without waiting for it
 * (notify.h).
 *
 * Theory of operation: the controller's loop must never wait for a mail
 * server or a webhook, so a message is queued and started by fork and
 * execve (no shell: the program's path is the only argument, what it is
 * told is in its environment, where no quoting can go wrong), with
 * /dev/null as its stdio and a process group of its own so a timeout kills
 * whatever it started too.  herdd has worker threads: everything the child
 * needs (argv, envp) is built before fork, and the child only calls
 * async-signal-safe functions.
 *
 * Bounds: NOTIFY_RUNNING_MAX at once (a program that hangs holds a slot
 * until its timeout kills it; the loop goes on), NOTIFY_QUEUE_MAX waiting
 * (a site whose program cannot keep up loses messages, logged, rather than
 * herdd its memory).  The loop's SIGCHLD handling reaps every child and
 * hands each status here; a run's end is logged only when it failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "util.h"

extern char **environ;

struct message {
	char *path;
	char **env;		/* NULL-terminated: the variables it adds */
	char *what;
};

struct running {
	pid_t pid;		/* 0: a free slot */
	int64_t started_ms;
	int killed;
	char what[64];
};

struct notifier {
	struct message *queue;	/* a ring */
	size_t head, count;
	struct running run[NOTIFY_RUNNING_MAX];
};

static void message_clear(struct message *m)
{
	if (m->env != NULL)
		for (char **e = m->env; *e != NULL; e++)
			free(*e);
	free(m->env);
	free(m->path);
	free(m->what);
	memset(m, 0, sizeof *m);
}

struct notifier *notifier_new(void)
{
	struct notifier *n = xcalloc(1, sizeof *n);
	n->queue = xcalloc(NOTIFY_QUEUE_MAX, sizeof *n->queue);
	return n;
}

void notifier_free(struct notifier *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->count; i++)
		message_clear(&n->queue[(n->head + i) % NOTIFY_QUEUE_MAX]);
	free(n->queue);
	free(n);
}

int notifier_add(struct notifier *n, const char *path, const char *const *vars, size_t nvars,
    const char *what)
{
	if (n->count == NOTIFY_QUEUE_MAX) {
		log_warn("notify_command: %zu messages wait already; %s dropped", n->count, what);
		return -1;
	}
	if (nvars > NOTIFY_VARS_MAX)
		nvars = NOTIFY_VARS_MAX;
	struct message *m = &n->queue[(n->head + n->count++) % NOTIFY_QUEUE_MAX];
	m->path = xstrdup(path);
	m->what = xstrdup(what);
	m->env = xcalloc(nvars + 1, sizeof *m->env);
	for (size_t i = 0; i < nvars; i++)
		m->env[i] = xstrndup(vars[i], strnlen(vars[i], NOTIFY_VAR_MAX - 1));
	return 0;
}

/* The child's environment: ours without HERD_*, then the message's. */
static char **build_env(const struct message *m)
{
	size_t ne = 0, nm = 0, k = 0;
	while (environ != NULL && environ[ne] != NULL)
		ne++;
	while (m->env[nm] != NULL)
		nm++;
	char **env = xcalloc(ne + nm + 1, sizeof *env);
	for (size_t i = 0; i < ne; i++)
		if (strncmp(environ[i], "HERD_", 5) != 0)
			env[k++] = environ[i];
	for (size_t i = 0; i < nm; i++)
		env[k++] = m->env[i];
	return env;
}

/* fork and exec; after fork only async-signal-safe calls. */
static pid_t spawn(const struct message *m)
{
	char *argv[] = { m->path, NULL };
	char **env = build_env(m);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		setpgid(0, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execve(m->path, argv, env);
		_exit(127);
	}
	free(env);
	if (pid < 0)
		log_error("notify_command: fork for %s: %s", m->what, strerror(errno));
	else
		setpgid(pid, pid);	/* either side may win the race; both agree */
	return pid;
}

static struct running *free_slot(struct notifier *n)
{
	for (size_t i = 0; i < NOTIFY_RUNNING_MAX; i++)
		if (n->run[i].pid == 0)
			return &n->run[i];
	return NULL;
}

void notifier_pump(struct notifier *n, int64_t now, int timeout_s)
{
	struct running *r;
	for (size_t i = 0; i < NOTIFY_RUNNING_MAX; i++) {
		r = &n->run[i];
		if (r->pid != 0 && !r->killed && now - r->started_ms >= timeout_s * 1000LL) {
			log_warn("notify_command for %s still runs after %d s; killed", r->what,
			    timeout_s);
			kill(-r->pid, SIGKILL);
			kill(r->pid, SIGKILL);
			r->killed = 1;
		}
	}
	while (n->count > 0 && (r = free_slot(n)) != NULL) {
		struct message *m = &n->queue[n->head];
		pid_t pid = spawn(m);
		if (pid < 0)
			break;	/* tried again at the next pump */
		r->pid = pid;
		r->started_ms = now;
		r->killed = 0;
		strlcpy_h(r->what, m->what, sizeof r->what);
		log_debug("notify_command for %s: pid %d", m->what, (int)pid);
		message_clear(m);
		n->head = (n->head + 1) % NOTIFY_QUEUE_MAX;
		n->count--;
	}
}

int notifier_reaped(struct notifier *n, pid_t pid, int status)
{
	for (size_t i = 0; i < NOTIFY_RUNNING_MAX; i++) {
		struct running *r = &n->run[i];
		if (r->pid != pid || pid == 0)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			log_error("notify_command for %s could not be run (exit 127)", r->what);
		else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			log_warn("notify_command for %s failed: exit %d", r->what,
			    WEXITSTATUS(status));
		else if (WIFSIGNALED(status) && !r->killed)
			log_warn("notify_command for %s killed by signal %d", r->what,
			    WTERMSIG(status));
		r->pid = 0;
		return 1;
	}
	return 0;
}

size_t notifier_running(const struct notifier *n)
{
	size_t k = 0;
	for (size_t i = 0; i < NOTIFY_RUNNING_MAX; i++)
		k += n->run[i].pid != 0;
	return k;
}

size_t notifier_queued(const struct notifier *n)
{
	return n->count;
}

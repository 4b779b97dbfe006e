/*
 * cmd_submit.c — herd submit: options from the command line and from the
 * script's #HERD/#SBATCH lines (the command line wins), the script's
 * content, arguments, working directory and environment, sent in one
 * request.  The script is read now, so editing it later changes nothing;
 * with no script and no --wrap it is read from standard input unless that
 * is a terminal, as sbatch does.  Options are read as getopt_long reads
 * them (abbreviations included, through jobopt_resolve()), and an option
 * herd cannot honour is refused, never dropped: nothing is queued.
 * A script whose #HERD lines say --service NAME is queued as that service
 * (its restart policy, port and health from its #HERD lines too), as
 * herd service start NAME SCRIPT would queue it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "cmd.h"
#include "directives.h"
#include "job.h"
#include "jobopt.h"
#include "mailtype.h"
#include "stream_node.h"
#include "svcopt.h"

#define SCRIPT_MAX (4u << 20)

extern char **environ;

struct submit {
	struct jobopt o;
	int parsable;
	int json;		/* --json: with --test-only, the job as JSON */
	const char *wrap;
	const char *script_path;
	const char *command;	/* herd run's: what herd show calls the job's command */
	char **args;
	int nargs;
};

static void warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "herd: warning: %s\n", msg);
}

/* What each option herd acts on does, for --help; one line each. */
static const char *const help_acted[] = {
	"Resources (a job runs its script once, on one node):",
	"  -G, --gpus=[TYPE:]N     whole GPUs, 0-64, of TYPE if given (a100, h100,",
	"                          rtx3090, 3090, a100-80gb, or hosts.ini's",
	"                          gpu_types); also --gpus-per-node, --gres=gpu:[TYPE:]N",
	"      --gpu-mem=SIZE      GPUs with at least SIZE of memory each",
	"  -C, --constraint=EXPR   nodes whose features match (a&b, a|b, [a|b])",
	"  -w, --nodelist=NODE     that node only (gpu1, gpu[1]); -x, --exclude=LIST",
	"                          never those (gpu[1-3],cpu1)",
	"      --mem-per-cpu=SIZE, --mem-per-gpu=SIZE  memory per CPU or GPU (Slurm's",
	"                          totals on one node); --cpus-per-gpu=N likewise",
	"  -c, --cpus-per-task=N   CPUs per task, 1-4096, default 1 (also --cpus)",
	"  -n, --ntasks=N          tasks: the job gets N x cpus-per-task CPUs and",
	"                          SLURM_NTASKS=N; default 1",
	"      --ntasks-per-node=N the same as --ntasks=N (also --tasks-per-node)",
	"  -N, --nodes=1           one node (1, or a range from 1); more is refused",
	"      --mem=SIZE          memory (16G, 512M, 2048 = MB); 0 (Slurm: all of",
	"                          it) is refused: give a size or --exclusive",
	"  -t, --time=DURATION     time limit: minutes, MM:SS, H:MM:SS, D-H[:MM[:SS]];",
	"                          0 or infinite: none",
	"      --exclusive[=user]  the whole node (all its GPUs, CPUs, memory), no",
	"                          other job beside it; =user: only your own jobs",
	"  -s, --oversubscribe     accepted, no effect: herd's nodes never",
	"                          oversubscribe (also --share)",
	"  -M, --clusters=NAME     herd's own cluster (hosts.ini's cluster =); any",
	"                          other is refused",
	"  -p, --partition=P[,P]   hosts.ini's [partition P]: its nodes only (any of",
	"                          them: whichever starts the job first); default:",
	"                          the default partition",
	"  -q, --qos=NAME          hosts.ini's [qos NAME]",
	"  -A, --account=NAME      one of your [account]s (fair share, limits);",
	"                          default: the first that lists you, else default",
	"Job:",
	"  -J, --job-name=NAME     the job's name; default: the script's file name",
	"  -o, --output=FILE       standard output (and error); default herd-%j.out",
	"  -e, --error=FILE        standard error",
	"  -D, --chdir=DIR         working directory (also --workdir); default: here",
	"      --open-mode=truncate  output files are truncated; append is refused",
	"  -a, --array=SPEC        a job array: 0-99, 1,3,5-9, 0-999:10; %N runs at",
	"                          most N tasks at once (0-99%8)",
	"      --requeue           a node failure (reboot, lost files) makes a new",
	"                          attempt of the job (the default, as Slurm's)",
	"      --no-requeue        a node failure ends the job NODE_FAIL",
	"      --signal=[B:]SIG[@SECONDS]  send SIG (USR1, 10, SIGUSR1) SECONDS",
	"                          (default 60) before the time limit to the job's",
	"                          processes but its batch shell; B: to the batch",
	"                          shell alone; without --time, never",
	"      --comment=TEXT      stored and shown by herd show (to every user, as",
	"                          Slurm does); at most 1024 bytes",
	"      --mail-type=TYPES   be told (hosts.ini's notify_command runs) at BEGIN,",
	"                          END, FAIL, REQUEUE, INVALID_DEPEND, TIME_LIMIT,",
	"                          TIME_LIMIT_50/80/90, ALL, NONE; ARRAY_TASKS: each task",
	"      --mail-user=ADDR    whom to tell (default: the submitter)",
	"When it may start:",
	"  -b, --begin=TIME        not before TIME, in herdd's time zone: now+60,",
	"                          now+1hour, HH:MM[:SS], midnight, noon, teatime,",
	"                          tomorrow, YYYY-MM-DD[THH:MM[:SS]] (reason BeginTime)",
	"  -d, --dependency=LIST   after other jobs: afterok:ID[:ID...], afterany,",
	"                          afternotok, after[:ID+MIN], aftercorr, singleton;",
	"                          ',' all, '?' any (reason Dependency)",
	"  -H, --hold              pending until herd release (reason JobHeldUser)",
	"      --nice[=N]          lower the job's priority by N (herd priority);",
	"                          default 100, below 0 root only",
	"      --wrap=CMD          run CMD with /bin/sh instead of a script",
	"      --parsable          print only the job id",
	"      --test-only         check the script and options and say where the job",
	"                          would start now, or why it would wait; queue nothing",
	"      --json              with --test-only: the job as it would be queued",
	"  -W, --wait              return when the job ends, with its exit status (0 if",
	"                          COMPLETED, else its exit code, or 1)",
	"  -h, --help              print this help",
	NULL,
};

static void print_rows(FILE *f, int kind, const char *title)
{
	struct jobopt_row r;
	char left[64];

	fprintf(f, "%s\n", title);
	for (size_t i = 0; jobopt_row(i, &r); i++) {
		if (r.kind != kind)
			continue;
		if (r.short_name != 0)
			snprintf(left, sizeof left, "-%c, --%s", r.short_name, r.name);
		else
			snprintf(left, sizeof left, "    --%s", r.name);
		fprintf(f, "  %-26s %s\n", left, r.why != NULL ? r.why : "");
	}
}

static void submit_help(FILE *f)
{
	fprintf(f, "usage: herd submit [OPTIONS] (--wrap CMD | SCRIPT [ARGS...] | -)\n"
	    "\n"
	    "Queue a batch job.  SCRIPT \"-\", or no SCRIPT and no --wrap with standard\n"
	    "input not a terminal: the script is read from standard input.  Options may\n"
	    "also be given on #SBATCH and #HERD lines at the top of the script; the\n"
	    "command line wins.  Long options may be abbreviated while unambiguous.\n"
	    "\n");
	for (size_t i = 0; help_acted[i] != NULL; i++)
		fprintf(f, "%s\n", help_acted[i]);
	print_rows(f, JOBOPT_NOOP, "\nAccepted, as herd does this anyway:");
	print_rows(f, JOBOPT_WARNED, "\nAccepted with a warning, as herd ignores them:");
	print_rows(f, JOBOPT_REFUSED, "\nRefused, as herd does not do them yet; what it would do instead:");
}

/*
 * Run as sbatch, srun or salloc (cmd_submit_as): an option no one knows is
 * said in getopt's words, as that command says it, and the status is
 * theirs, 255 (Slurm's common option code exits -1), since scripts test
 * for it.  Set before the options are read, read at the end.
 */
static const char *slurm_as;
static int slurm_refused;

static void slurm_unknown(const char *spell, const char *err)
{
	char vis[256];
	str_vis(vis, sizeof vis, spell);
	if (strncmp(err, "ambiguous", 9) == 0)
		fprintf(stderr, "%s: option '%s' is ambiguous\n", slurm_as, vis);
	else if (spell[1] != '-')
		fprintf(stderr, "%s: invalid option -- '%s'\n", slurm_as, vis + 1);
	else
		fprintf(stderr, "%s: unrecognized option '%s'\n", slurm_as, vis);
	fprintf(stderr, "Try \"%s --help\" for more information\n", slurm_as);
	slurm_refused = 1;
}

/* One option, spelled as given; 0 or -1 (printed). */
static int apply_opt(struct submit *s, const char *spell, const char *val)
{
	char err[HERD_ERRLEN];
	const char *name;
	int rc;

	if (strcmp(spell, "--json") == 0 && val == NULL) {	/* herd's, not sbatch's */
		s->json = 1;
		return 0;
	}
	name = jobopt_resolve(spell, err, sizeof err);
	if (name == NULL) {
		if (slurm_as != NULL)
			slurm_unknown(spell, err);
		else
			fprintf(stderr, "herd: %s\n", err);
		return -1;
	}
	if (strcmp(name, "help") == 0) {
		submit_help(stdout);
		exit(0);
	}
	if (strcmp(name, "parsable") == 0 && val == NULL) {
		s->parsable = 1;
		return 0;
	}
	if (strcmp(name, "wrap") == 0 && val != NULL) {
		s->wrap = val;
		return 0;
	}
	rc = jobopt_apply(&s->o, spell, val, 0, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "herd: %s\n", err);
		return -1;
	}
	if (rc == 1)
		fprintf(stderr, "herd: warning: %s\n", err);
	return 0;
}

/*
 * One option word (and maybe the next), read as getopt_long reads it:
 * "--opt=v", "--opt v", "-t5", "-t 5", "-Qv".  Returns words used, -1.
 */
static int parse_option(struct submit *s, int argc, char **argv, int i)
{
	const char *a = argv[i];

	if (a[1] == '-') {
		const char *eq = strchr(a, '=');
		char *spell = eq ? xstrndup(a, (size_t)(eq - a)) : xstrdup(a);
		const char *val = eq ? eq + 1 : NULL;
		int used = 1, rc;
		if (val == NULL && jobopt_takes_value(spell) && i + 1 < argc) {
			val = argv[i + 1];
			used = 2;
		}
		rc = apply_opt(s, spell, val);
		free(spell);
		return rc == 0 ? used : -1;
	}
	for (const char *p = a + 1; *p != '\0'; p++) {
		char spell[3] = { '-', *p, '\0' };
		if (!jobopt_takes_value(spell)) {
			if (apply_opt(s, spell, NULL) != 0)
				return -1;
			continue;
		}
		if (p[1] != '\0')
			return apply_opt(s, spell, p + 1) == 0 ? 1 : -1;
		if (i + 1 >= argc)
			return apply_opt(s, spell, NULL) == 0 ? 1 : -1;
		return apply_opt(s, spell, argv[i + 1]) == 0 ? 2 : -1;
	}
	return 1;
}

static int parse_args(struct submit *s, int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		int used = parse_option(s, argc, argv, i);
		if (used < 0)
			return -1;
		i += used;
	}
	if (s->wrap == NULL) {
		if (i < argc)
			s->script_path = argv[i++];
		else if (!isatty(0))
			s->script_path = "-";	/* as sbatch: the script on stdin */
		else {
			fprintf(stderr, "herd: submit needs a script or --wrap CMD\n");
			return -1;
		}
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
	if (fd == 0)
		path = "(stdin)";
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

/* Where the job came from, for herd show and exports: what ran, from
 * which directory (even with -D) on which host. */
static void add_origin(struct msg *m, const struct submit *s)
{
	char cwd[4096], host[256];

	if (s->command != NULL)
		msg_adds(m, "command", s->command);
	else if (s->wrap != NULL)
		msg_adds(m, "command", s->wrap);
	else if (strcmp(s->script_path, "-") == 0)
		msg_adds(m, "command", "(stdin)");
	else if (s->script_path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		msg_adds(m, "command", s->script_path);
	else {
		char *p;
		xasprintf(&p, "%s/%s", cwd, s->script_path);
		msg_adds(m, "command", p);
		free(p);
	}
	if (getcwd(cwd, sizeof cwd) != NULL)
		msg_adds(m, "submit_dir", cwd);
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		msg_adds(m, "submit_host", host);
	}
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
	add_origin(m, s);
	msg_addi(m, "gpus", s->o.gpus);
	/* The node gives the job all its CPUs: tasks × CPUs per task. */
	msg_addi(m, "cpus", (int64_t)s->o.ntasks * s->o.cpus);
	msg_addi(m, "ntasks", s->o.ntasks);
	msg_addi(m, "mem_mb", (int64_t)s->o.mem_mb);
	msg_addi(m, "time_limit", s->o.time_limit_s);
	if (s->o.array != NULL)
		msg_adds(m, "array", s->o.array);
	msg_addi(m, "requeue", s->o.requeue);
	if (s->o.begin != NULL)
		msg_adds(m, "begin", s->o.begin);
	if (s->o.dependency != NULL)
		msg_adds(m, "dependency", s->o.dependency);
	if (s->o.hold)
		msg_addi(m, "hold", 1);
	if (s->o.nice != 0)
		msg_addi(m, "nice", s->o.nice);
	if (s->o.signal != NULL)
		msg_adds(m, "signal", s->o.signal);
	/* The job's files are made with this umask on the node, as sbatch's. */
	mode_t mask = umask(0);
	umask(mask);
	msg_addi(m, "umask", (int64_t)(mask & 0777));
	if (s->o.comment != NULL)
		msg_adds(m, "comment", s->o.comment);
	if (s->o.mail_type != 0) {	/* NONE: none */
		char mt[MAILTYPE_TEXT_MAX];
		mailtype_format(s->o.mail_type, mt, sizeof mt);
		msg_adds(m, "mail_type", mt);
	}
	if (s->o.mail_user != NULL)
		msg_adds(m, "mail_user", s->o.mail_user);
	if (s->o.account != NULL)
		msg_adds(m, "account", s->o.account);
	if (s->o.exclusive != JOBOPT_SHARED)
		msg_addi(m, "exclusive", s->o.exclusive);
	if (s->o.oversubscribe)
		msg_addi(m, "oversubscribe", 1);
	if (s->o.clusters != NULL)
		msg_adds(m, "clusters", s->o.clusters);
	if (s->o.partition != NULL)
		msg_adds(m, "partition", s->o.partition);
	if (s->o.qos != NULL)
		msg_adds(m, "qos", s->o.qos);
	if (s->o.gpu_type != NULL)
		msg_adds(m, "gpu_type", s->o.gpu_type);
	if (s->o.gpu_mem_mb > 0)
		msg_addi(m, "gpu_mem_mb", (int64_t)s->o.gpu_mem_mb);
	if (s->o.gpu_share)
		msg_addi(m, "gpu_share", 1);
	if (s->o.mem_all)
		msg_addi(m, "mem_all", 1);
	if (s->o.nomt)
		msg_addi(m, "hint_nomultithread", 1);
	if (s->o.constraint != NULL)
		msg_adds(m, "constraint", s->o.constraint);
	if (s->o.nodelist != NULL)
		msg_adds(m, "nodelist", s->o.nodelist);
	if (s->o.exclude != NULL)
		msg_adds(m, "exclude", s->o.exclude);
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

/* Queue it: 0 with *idp, or 1.  The id is printed unless quiet (herd run
 * speaks for itself); herdd's warning always. */
static int send_submit(const struct msg *req, int parsable, int quiet, long long *idp)
{
	struct hclient c;
	struct msg ans;
	int rc = 1;
	if (hclient_connect(&c) != 0)
		return 1;
	if (hclient_send(&c, req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			long long id = (long long)msg_geti(&ans, "id", -1);
			const char *w = msg_get(&ans, "warning", NULL);
			if (w != NULL) {
				char vis[512];
				str_vis(vis, sizeof vis, w);	/* herdd's words, shown as text */
				fprintf(stderr, "herd: warning: %s\n", vis);
			}
			*idp = id;
			if (quiet)
				;
			else if (parsable)
				printf("%lld\n", id);
			else
				printf("Submitted batch job %lld\n", id);	/* sbatch's words */
			rc = 0;
		}
		msg_clear(&ans);
	}
	hclient_close(&c);
	return rc;
}

/*
 * --test-only: herdd checks the job as for a submit and answers with the
 * job as it would be queued; sbatch's line says where it would start.
 */
static int send_test(const struct msg *req, int json)
{
	struct hclient c;
	struct msg ans;
	int rc = 1;
	if (hclient_connect(&c) != 0)
		return 1;
	if (hclient_send(&c, req) == 0 && hclient_next(&c, &ans) == 1) {
		if (!hclient_is_error(&ans)) {
			long long id = (long long)msg_geti(&ans, "id", -1);
			const char *node = msg_get(&ans, "test_node", NULL);
			char t[64], vis[512], rs[64];
			if (json) {
				json_job(stdout, &ans);
				putchar('\n');
			} else if (node != NULL) {
				fmt_time(t, sizeof t, msg_geti(&ans, "test_start", 0));
				str_vis(vis, sizeof vis, node);
				printf("Job %lld to start at %s using %lld processors on nodes %s\n",
				    id, t, (long long)msg_geti(&ans, "cpus", 1), vis);
			} else {
				str_vis(rs, sizeof rs, msg_get(&ans, "reason", NULL) ?
				    msg_get(&ans, "reason", NULL) : "?");
				str_vis(vis, sizeof vis, msg_get(&ans, "test_why", NULL) ?
				    msg_get(&ans, "test_why", NULL) : "");
				printf("Job %lld would not start now (%s): %s\n", id, rs, vis);
			}
			rc = 0;
		}
		msg_clear(&ans);
	}
	hclient_close(&c);
	return rc;
}

/* How a waited-for job ended. */
struct job_end {
	int got;
	char state[32];
	int64_t exit_code;
};

static void end_of(struct job_end *e, const struct msg *m)
{
	const char *st = msg_get(m, "state", NULL);
	e->got = 1;
	strlcpy_h(e->state, st ? st : "?", sizeof e->state);
	e->exit_code = msg_geti(m, "exit_code", -1);
}

/* One "wait": 1 the job ended (e filled), 0 herdd was not reached or went
 * away, -1 herdd refused (printed). */
static int wait_once(const struct msg *req, struct job_end *e)
{
	struct hclient c;
	struct msg m;
	int rc = 0;
	if (hclient_connect(&c) != 0)
		return 0;
	if (hclient_send(&c, req) == 0) {
		while (hclient_next(&c, &m) == 1) {
			int error = hclient_is_error(&m), end = strcmp(m.type, "end") == 0;
			if (!error && !end)
				end_of(e, &m);
			msg_clear(&m);
			if (error || end) {
				rc = error || !e->got ? -1 : 1;
				break;
			}
		}
	}
	hclient_close(&c);
	return rc;
}

/* How long --wait keeps trying while herdd cannot be reached (a restart). */
#define WAIT_UNREACHABLE_MS (5 * 60 * 1000)

/*
 * --wait: herdd's "wait" answers when the job has ended and its exit status
 * is recorded.  A herdd restarted meanwhile is asked again (the job is in
 * its database); sbatch -W's status: 0 if COMPLETED, else the job's exit
 * code, or 1 when it has none (cancelled before it ran, a signal, unknown).
 */
static int wait_end(long long id)
{
	struct job_end e = { 0 };
	struct msg req;
	int64_t lost_since = 0;
	int rc;

	msg_init(&req, "wait");
	msg_addi(&req, "id", id);
	for (;;) {
		rc = wait_once(&req, &e);
		if (rc == 1)
			break;
		if (rc < 0 || (lost_since != 0 && now_ms() - lost_since > WAIT_UNREACHABLE_MS)) {
			fprintf(stderr, "herd: gave up waiting for job %lld; it may still run: "
			    "herd wait %lld\n", id, id);
			msg_clear(&req);
			return 1;
		}
		if (lost_since == 0) {
			fprintf(stderr, "herd: lost herdd while waiting for job %lld; trying "
			    "again every second\n", id);
			lost_since = now_ms();
			hclient_quiet = 1;
		}
		sleep(1);
	}
	msg_clear(&req);
	if (strcmp(e.state, "COMPLETED") == 0)
		return 0;
	char ec[32];
	job_exit_format((int32_t)e.exit_code, ec, sizeof ec);
	fprintf(stderr, "herd: job %lld ended %s (exit code %s)\n", id, e.state, ec);
	return e.exit_code > 0 && e.exit_code < 256 ? (int)e.exit_code : 1;
}

static void add_service(struct msg *m, const void *arg);
static int service_checks(struct submit *s, const struct svcopt *so, const char *verb);

int cmd_submit(int argc, char **argv)
{
	struct submit s = { 0 };
	struct svcopt so;
	struct msg req;
	char *script = NULL, err[HERD_ERRLEN];
	size_t slen = 0;
	int rc = 2;

	jobopt_init(&s.o);
	svcopt_init(&so);
	if (parse_args(&s, argc, argv) != 0)
		goto out;
	if (s.wrap != NULL) {
		slen = (size_t)xasprintf(&script, "#!/bin/sh\n%s\n", s.wrap);
	} else {
		if ((script = read_script(s.script_path, &slen)) == NULL)
			goto out;
		if (directives_parse_svc(strcmp(s.script_path, "-") == 0 ? "(stdin)" :
		    s.script_path, script, slen, &s.o, &so, warn_cb, NULL, err,
		    sizeof err) != 0) {
			fprintf(stderr, "herd: %s\n", err);
			goto out;
		}
	}
	if (so.name != NULL && service_checks(&s, &so, "submit") != 0)
		goto out;
	if (jobopt_finish(&s.o, err, sizeof err) != 0) {
		fprintf(stderr, "herd: %s\n", err);
		goto out;
	}
	if (s.o.signal != NULL && s.o.time_limit_s == 0)
		fprintf(stderr, "herd: warning: --signal=%s is never sent: the job has no "
		    "time limit (--time)\n", s.o.signal);
	if (s.json && !s.o.test_only) {
		fprintf(stderr, "herd: --json goes with --test-only\n");
		goto out;
	}
	if (s.o.wait && s.o.test_only) {
		fprintf(stderr, "herd: --wait with --test-only: nothing is queued to wait for\n");
		goto out;
	}
	msg_init(&req, "submit");
	if (s.o.test_only)
		msg_addi(&req, "test_only", 1);
	if (build(&req, &s, script, slen) == 0) {
		long long id = -1;
		if (so.name != NULL)
			add_service(&req, &so);
		rc = s.o.test_only ? send_test(&req, s.json) : send_submit(&req, s.parsable, 0, &id);
		if (rc == 0 && s.o.wait) {
			fflush(stdout);		/* the id, before a wait that may be long */
			rc = wait_end(id);
		}
	}
	msg_clear(&req);
out:
	free(script);
	jobopt_clear(&s.o);
	svcopt_clear(&so);
	return rc;
}

int cmd_submit_as(const char *name, int (*cmd)(int, char **), int argc, char **argv)
{
	slurm_as = name;
	slurm_refused = 0;
	int rc = cmd(argc, argv);
	slurm_as = NULL;
	return slurm_refused ? 255 : rc;
}

int cmd_sbatch(int argc, char **argv)
{
	return cmd_submit_as("sbatch", cmd_submit, argc, argv);
}

/* herd run's and herd service start's submit: s built with `script` and
 * extra's fields, queued without a word; 0 with *idp, or the status. */
static int submit_quiet(struct submit *s, const char *script,
    void (*extra)(struct msg *, const void *), const void *arg, long long *idp)
{
	struct msg req;
	int rc = 2;
	msg_init(&req, "submit");
	if (build(&req, s, script, strlen(script)) == 0) {
		extra(&req, arg);
		rc = send_submit(&req, 0, 1, idp);
	}
	msg_clear(&req);
	return rc;
}

static void add_interactive(struct msg *m, const void *arg)
{
	(void)arg;
	msg_addi(m, "interactive", 1);	/* the partition's idle_timeout applies */
}

/*
 * What herd run cannot act on, refused by name: it queues one job whose
 * batch script holds the allocation while CMD runs on this terminal.
 */
static const char *run_refusal(const struct submit *s)
{
	if (s->wrap != NULL)
		return "--wrap: herd run runs the CMD after its options";
	if (s->o.array != NULL)
		return "--array: herd run runs one CMD on this terminal; submit arrays with herd submit";
	if (s->o.test_only)
		return "--test-only: herd submit --test-only says where a job would start";
	if (s->o.wait || s->parsable || s->json)
		return "--wait, --parsable and --json are herd submit's";
	if (s->o.hold)
		return "--hold: herd run waits for its job to start; it would wait for a release";
	if (s->o.out_path != NULL || s->o.err_path != NULL)
		return "--output/--error: CMD's output comes to this terminal (redirect it there)";
	if (s->o.signal != NULL)
		return "--signal: Ctrl-C and herd's own signals go to CMD";
	return NULL;
}

int submit_for_run(int argc, char **argv, const char *verb, const char *name, int *cmd,
    long long *idp)
{
	const char *script = stream_node_holder();
	struct submit s = { 0 };
	char err[HERD_ERRLEN];
	const char *why;
	int i = 1, rc = 2;
	jobopt_init(&s.o);
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		int used = parse_option(&s, argc, argv, i);
		if (used < 0)
			goto out;
		i += used;
	}
	*cmd = i;
	if (i >= argc && strcmp(verb, "run") == 0) {
		fprintf(stderr, "herd: run needs a command (herd run [options] -- CMD [ARGS])\n");
		goto out;
	}
	if ((why = run_refusal(&s)) != NULL) {
		fprintf(stderr, "herd: %s: %s\n", verb, why);
		goto out;
	}
	if (jobopt_finish(&s.o, err, sizeof err) != 0) {
		fprintf(stderr, "herd: %s\n", err);
		goto out;
	}
	/* A requeued holder would wait for a CMD that already ended; CMD's
	 * output comes here, the holder's (none) nowhere. */
	s.o.requeue = 0;
	s.o.out_path = xstrdup("/dev/null");
	if (s.o.name == NULL)
		s.o.name = xstrdup(name);
	char *what;
	xasprintf(&what, "herd %s %s", verb, name);
	s.command = what;
	rc = submit_quiet(&s, script, add_interactive, NULL, idp);
	free(what);
out:
	jobopt_clear(&s.o);
	return rc;
}

/* What a service cannot act on, refused by name (herd submit of a
 * --service script may still say --parsable). */
static const char *service_refusal(const struct submit *s, int from_submit)
{
	if (s->wrap != NULL)
		return "--wrap: herd service start runs the CMD after --";
	if (s->o.array != NULL)
		return "--array: a service's copies are --replicas N";
	if (s->o.test_only || s->o.wait)
		return "--test-only and --wait: a service runs until stopped";
	if (!from_submit && (s->parsable || s->json))
		return "--parsable and --json are herd submit's";
	if (s->o.set & JO_REQUEUE)
		return "--requeue/--no-requeue: a service's --restart says what follows its end";
	return NULL;
}

/* A service's options once its script is read: what it cannot act on
 * refused (said), its job named after it unless -J named it; 0 or -1. */
static int service_checks(struct submit *s, const struct svcopt *so, const char *verb)
{
	const char *why = service_refusal(s, strcmp(verb, "submit") == 0);
	if (why == NULL)
		why = svcopt_refusal(so);
	if (why != NULL) {
		fprintf(stderr, "herd: %s: service %s: %s\n", verb, so->name, why);
		return -1;
	}
	if (s->o.name == NULL)
		s->o.name = xstrdup(so->name);
	return 0;
}

static void add_service(struct msg *m, const void *arg)
{
	const struct svcopt *so = arg;
	msg_adds(m, "service", so->name);
	msg_addi(m, "restart_policy", so->restart);
	msg_addi(m, "max_restarts", so->max_restarts);
	msg_addi(m, "restart_window", so->window_s);
	if (so->port)
		msg_addi(m, "port_wanted", 1);
	if (so->replicas > 1) {
		/* Replica K is array task K: its own job, attempts and logs. */
		char spec[32];
		snprintf(spec, sizeof spec, "0-%d", so->replicas - 1);
		msg_adds(m, "array", spec);
		msg_addi(m, "replicas", so->replicas);
	}
	if (so->health_cmd != NULL)
		msg_adds(m, "health_cmd", so->health_cmd);
	if (so->health_http != NULL)
		msg_adds(m, "health_http", so->health_http);
	if (so->health_interval > 0)
		msg_addi(m, "health_interval", so->health_interval);
	if (so->health_timeout > 0)
		msg_addi(m, "health_timeout", so->health_timeout);
	if (so->health_retries > 0)
		msg_addi(m, "health_retries", so->health_retries);
	if (so->share_with != NULL)
		msg_adds(m, "share_with", so->share_with);
	if (so->idle_stop_s > 0)
		msg_addi(m, "idle_stop", so->idle_stop_s);
}

/* The service's script: CMD and its ARGS are the script's arguments. */
static const char service_script[] = "#!/bin/sh\nexec \"$@\"\n";

/* herd service start NAME [options] SCRIPT [ARGS]: the script read, its
 * #HERD lines under the command line's options; 0, or -1 said. */
static int service_from_script(struct submit *s, struct svcopt *so, char **script,
    size_t *slen)
{
	char err[HERD_ERRLEN];
	if (access(s->script_path, F_OK) != 0 && errno == ENOENT) {
		str_vis(err, sizeof err, s->script_path);
		fprintf(stderr, "herd: service start: no script \"%s\": a command goes after "
		    "-- (herd service start NAME [options] -- CMD [ARGS])\n", err);
		return -1;
	}
	if ((*script = read_script(s->script_path, slen)) == NULL)
		return -1;
	if (directives_parse_svc(s->script_path, *script, *slen, &s->o, so, warn_cb, NULL,
	    err, sizeof err) != 0) {
		fprintf(stderr, "herd: %s\n", err);
		return -1;
	}
	return 0;
}

int submit_for_service(int argc, char **argv, struct svcopt *so, long long *idp)
{
	struct submit s = { 0 };
	char err[HERD_ERRLEN], *script = NULL;
	size_t slen = 0;
	int i = 1, rc = 2;
	jobopt_init(&s.o);
	while (i < argc && strcmp(argv[i], "--") != 0 && argv[i][0] == '-' && argv[i][1] != '\0') {
		int used = parse_option(&s, argc, argv, i);
		if (used < 0)
			goto out;
		i += used;
	}
	if (i < argc && strcmp(argv[i], "--") != 0) {
		s.script_path = argv[i];	/* a script, its #HERD lines read */
		if (service_from_script(&s, so, &script, &slen) != 0)
			goto out;
	} else if (i + 1 >= argc) {
		fprintf(stderr, "herd: service start needs a command or a script (herd service "
		    "start NAME [options] -- CMD [ARGS], or NAME [options] SCRIPT [ARGS])\n");
		goto out;
	}
	if (service_checks(&s, so, "service start") != 0)
		goto out;
	if (jobopt_finish(&s.o, err, sizeof err) != 0) {
		fprintf(stderr, "herd: %s\n", err);
		goto out;
	}
	if (so->idle_stop_s > 0 && s.o.gpus <= 0) {
		fprintf(stderr, "herd: service start: --idle-stop stops a service whose GPUs stay "
		    "idle: this one asks for none (give it --gpus)\n");
		goto out;
	}
	s.args = argv + i + 1;
	s.nargs = argc - i - 1;
	char *what = NULL;
	if (script == NULL)
		xasprintf(&what, "herd service start %s", so->name);
	s.command = what;
	rc = submit_quiet(&s, script != NULL ? script : service_script, add_service, so, idp);
	free(what);
out:
	free(script);
	jobopt_clear(&s.o);
	return rc;
}

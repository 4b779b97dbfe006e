/*
 * launch.c — generates the node side.
 *
 * Theory of operation: the controller keeps one `/bin/sh -s` per node and
 * writes these programs to it; nothing about a job ever appears on a
 * command line.  Process creation is the cost that matters on a node, so a
 * launch costs what starting the job in a session of its own costs anyway
 * (a fork, exec setsid, exec the interpreter) plus one fork without exec:
 * the runner is a subshell of the node shell, not a new sh.  Everything
 * else is a shell builtin.  That is also why a job's files sit side by side
 * in DIR/jobs as KEY.script and KEY.state rather than in a directory of
 * their own (a mkdir is a process), and why there are only those two:
 * creating a file costs a node far more than writing one.
 *
 * The launch token is the script file itself, created with noclobber
 * (O_EXCL): a repeated launch of the same key finds it and does nothing.
 * KEY.state gets "gpus LIST UUIDS" and "job PID" when the job starts (the
 * GPUs, by index and UUID, let a controller whose database lost the launch
 * adopt the job) and
 * "exit STATUS" appended when it ends; readers take its last whole line.  A regular
 * builtin carries that redirection, since one that fails on a special
 * builtin or a compound command would end the node shell; and 2>/dev/null
 * comes first in every redirection list, or the error it should hide is
 * already out.  The node shell reaps its background children itself.
 *
 * The runner starts the job with setsid, so the job's pid is its process
 * group, which kill signals as a whole; the runner is outside that group
 * and survives even a KILL to record the status.  It reports "start" and
 * "end" on DIR/events, which the controller follows on a second channel,
 * and appends the exit status to the state file, newline last: readers use
 * `read`, which skips a line without one, so half a number is never taken
 * for a status.  The runner's variables are named __herd_*, which the
 * submitter's environment may not set.
 *
 * A job with GPUs is checked against the node before anything else: the
 * controller chose them by UUID at its last probe, CUDA_VISIBLE_DEVICES
 * names them by index (CUDA_DEVICE_ORDER=PCI_BUS_ID, nvidia-smi's order),
 * and a GPU lost from the bus since renumbers the rest.  One `nvidia-smi
 * -L` (a process, paid by GPU jobs only, with the node's PATH: the check
 * runs before the submitter's environment is set) must list each index
 * with its UUID, or each MIG UUID; otherwise the launch fails as step
 * "gpu" with both named, before the job's command runs.
 *
 * The runner sets the submitter's umask first (the node shell has sshd's,
 * 022, which would make every output file world-readable), as sbatch's
 * SLURM_UMASK does.  A --signal before the time limit (launch_signal) goes
 * through the same state file as a kill but leaves no cancel file: to the
 * batch shell alone (its pid), or to the rest of its process group, found
 * in /proc with builtins, since Slurm signals a job's steps and not its
 * batch shell, and a script that does not trap the signal must live on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu.h"
#include "isolate.h"
#include "launch.h"
#include "shquote.h"

/* The node directory as a sh word: relative paths hang off $HOME. */
static int add_dir(struct buf *b, const char *herd_dir, const char *sub)
{
	if (herd_dir[0] != '/' && buf_addstr(b, "\"$HOME\"/") != 0)
		return -1;
	if (shquote_str(b, herd_dir) != 0)
		return -1;
	if (sub != NULL && (buf_addc(b, '/') != 0 || shquote_str(b, sub) != 0))
		return -1;
	return 0;
}

int launch_dir_word(struct buf *b, const char *herd_dir, const char *sub)
{
	return add_dir(b, herd_dir, sub);
}

/* Every word a program's format string places goes through shquote: the
 * job key (its type allows only [A-Za-z0-9._-] already) and a signal name. */
#define QWORD_MAX (4 * JOB_KEY_MAX)
/* KEY.env at most: a submission's whole environment and herd's words. */
#define ENV_FILE_MAX (4u << 20)

static int add_jobpath(struct buf *b, const char *herd_dir, const char *key)
{
	if (add_dir(b, herd_dir, "jobs") != 0 || buf_addc(b, '/') != 0)
		return -1;
	return shquote_str(b, key);
}

/*
 * The node-side directory is private to its user: it holds every job's
 * script and environment (in lab mode, each user's own directory).
 */
int launch_prelude(struct buf *out, const char *herd_dir)
{
	int r = buf_addstr(out, "mkdir -p ");
	r |= add_dir(out, herd_dir, "jobs");
	r |= buf_addstr(out, " && chmod 700 ");
	r |= add_dir(out, herd_dir, NULL);
	r |= buf_addstr(out, " && true 2>/dev/null >>");
	r |= add_dir(out, herd_dir, "events");
	r |= buf_addstr(out, " && echo 'P ok'\n");
	return r ? -1 : 0;
}

static int valid_env_name(const char *s, size_t n)
{
	/* Read-only in bash: exporting them would end a bash runner. */
	static const char *skip[] = { "_", "SHLVL", "PWD", "OLDPWD", "SHELLOPTS", "BASHOPTS",
	    "BASH_VERSINFO", "EUID", "PPID", "UID", "BASHPID", NULL };
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return 0;
	}
	for (int i = 0; skip[i] != NULL; i++)
		if (strlen(skip[i]) == n && memcmp(skip[i], s, n) == 0)
			return 0;
	/* The runner's own variables; a submitter's must not overwrite them. */
	return !(n >= 7 && memcmp(s, "__herd_", 7) == 0);
}

/*
 * The submitter's environment, captured at submit, as one export command
 * inside the runner: the node shell parses it once with the rest of the
 * program, and one builtin call sets it all.
 */
static int add_env(struct buf *b, const char *env, size_t len)
{
	const char *p = env, *end = env + len;
	int any = 0;
	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		const char *eq = memchr(p, '=', n);
		if (eq != NULL && valid_env_name(p, (size_t)(eq - p))) {
			if (buf_addstr(b, any ? " \\\n" : "export ") != 0 ||
			    buf_add(b, p, (size_t)(eq - p) + 1) != 0 ||
			    shquote(b, eq + 1, n - (size_t)(eq - p) - 1) != 0)
				return -1;
			any = 1;
		}
		p += n + 1;
	}
	return any ? buf_addc(b, '\n') : 0;
}

/* The kernel's #! rule: interpreter and at most one argument. */
static int add_interpreter(struct buf *b, const char *script, size_t len)
{
	if (len < 2 || script[0] != '#' || script[1] != '!')
		return buf_addstr(b, "/bin/sh");
	const char *p = script + 2, *end = memchr(script, '\n', len);
	if (end == NULL)
		end = script + len;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *q = p;
	while (q < end && *q != ' ' && *q != '\t' && *q != '\r')
		q++;
	if (q == p)
		return buf_addstr(b, "/bin/sh");
	int r = shquote(b, p, (size_t)(q - p));
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	const char *a = end;
	while (a > q && (a[-1] == ' ' || a[-1] == '\t' || a[-1] == '\r'))
		a--;
	if (a > q)
		r |= buf_addc(b, ' ') | shquote(b, q, (size_t)(a - q));
	return r;
}

static int add_args(struct buf *b, const char *argv, size_t len)
{
	const char *p = argv, *end = argv + len;
	while (p < end) {
		size_t n = strnlen(p, (size_t)(end - p));
		if (buf_addc(b, ' ') != 0 || shquote(b, p, n) != 0)
			return -1;
		p += n + 1;
	}
	return 0;
}

/* NAME='value' for each name; a value not known is empty. */
static int add_vars(struct buf *b, const char *const *names, const char *value)
{
	int r = 0;
	if (value == NULL)
		value = "";
	for (; *names != NULL; names++) {
		r |= buf_printf(b, " %s=", *names);
		r |= shquote_str(b, value);
	}
	return r;
}

static int add_num_vars(struct buf *b, const char *const *names, int64_t v)
{
	char num[32];
	snprintf(num, sizeof num, "%" PRId64, v);
	return add_vars(b, names, num);
}

#define NAMES(...)	((const char *const[]){ __VA_ARGS__, NULL })

/* A task of an array: which, and the array's shape, as sbatch exports them. */
static int add_array_exports(struct buf *b, const struct launch_spec *s)
{
	int r = add_num_vars(b, NAMES("HERD_ARRAY_JOB_ID", "SLURM_ARRAY_JOB_ID"), s->array_job_id);
	r |= add_num_vars(b, NAMES("HERD_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_ID"), s->array_task_id);
	r |= add_num_vars(b, NAMES("HERD_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_COUNT"),
	    s->array_count);
	r |= add_num_vars(b, NAMES("HERD_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MIN"), s->array_min);
	r |= add_num_vars(b, NAMES("HERD_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_MAX"), s->array_max);
	return r | add_num_vars(b, NAMES("HERD_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_STEP"),
	    s->array_step);
}

/*
 * What the job learns about itself: herd's names and the Slurm names that
 * scripts read (sbatch's meanings: one node, the whole allocation's CPUs,
 * SLURM_SUBMIT_DIR where `herd submit` ran, not the -D directory).
 */
static int add_exports(struct buf *b, const struct launch_spec *s)
{
	int ntasks = s->ntasks > 0 ? s->ntasks : 1;
	int r = buf_addstr(b, "export CUDA_DEVICE_ORDER=PCI_BUS_ID");
	r |= add_vars(b, NAMES("CUDA_VISIBLE_DEVICES", "HERD_GPUS", "SLURM_JOB_GPUS"), s->gpus);
	r |= add_vars(b, NAMES("HERD_GPU_UUIDS"), s->gpu_uuids != NULL ? s->gpu_uuids : "");
	r |= add_num_vars(b, NAMES("HERD_JOB_ID", "SLURM_JOB_ID", "SLURM_JOBID"), s->id);
	r |= add_vars(b, NAMES("HERD_NODE", "SLURMD_NODENAME", "SLURM_JOB_NODELIST",
	    "SLURM_NODELIST"), s->node);
	r |= add_vars(b, NAMES("HERD_JOB_NAME", "SLURM_JOB_NAME"), s->name);
	r |= add_vars(b, NAMES("HERD_SUBMIT_DIR", "SLURM_SUBMIT_DIR"), s->submit_dir);
	r |= add_vars(b, NAMES("HERD_SUBMIT_HOST", "SLURM_SUBMIT_HOST"), s->submit_host);
	r |= add_vars(b, NAMES("HERD_JOB_USER", "SLURM_JOB_USER"), s->user);
	r |= add_vars(b, NAMES("HERD_WORKDIR"), s->workdir);
	/* The marker that finds the job's processes where no cgroup does. */
	r |= add_vars(b, NAMES("HERD_JOB_KEY"), job_key_str(s->key));
	r |= add_num_vars(b, NAMES("HERD_CPUS", "SLURM_CPUS_ON_NODE", "SLURM_JOB_CPUS_PER_NODE"),
	    s->cpus);
	r |= add_num_vars(b, NAMES("HERD_CPUS_PER_TASK", "SLURM_CPUS_PER_TASK"),
	    s->cpus_per_task > 0 ? s->cpus_per_task : s->cpus / ntasks);
	r |= add_num_vars(b, NAMES("HERD_NTASKS", "SLURM_NTASKS", "SLURM_NPROCS"), ntasks);
	r |= add_num_vars(b, NAMES("SLURM_NNODES", "SLURM_JOB_NUM_NODES"), 1);
	r |= add_num_vars(b, NAMES("HERD_NGPUS", "SLURM_GPUS_ON_NODE"), s->ngpus);
	if (s->mem_mb > 0)
		r |= add_num_vars(b, NAMES("HERD_MEM_MB", "SLURM_MEM_PER_NODE"), s->mem_mb);
	if (s->array_job_id > 0)
		r |= add_array_exports(b, s);
	if (s->umask >= 0 && s->umask <= 0777) {
		char mask[8];
		snprintf(mask, sizeof mask, "%04o", (unsigned)s->umask);
		r |= add_vars(b, NAMES("HERD_UMASK", "SLURM_UMASK"), mask);
	}
	r |= buf_addc(b, '\n');
	return r;
}

/* Redirections of the job's output. */
static int add_output(struct buf *b, const struct launch_spec *s)
{
	int r = buf_addstr(b, " </dev/null >");
	r |= shquote_str(b, s->out_path);
	if (s->err_path == NULL || strcmp(s->err_path, s->out_path) == 0)
		return r | buf_addstr(b, " 2>&1");
	r |= buf_addstr(b, " 2>");
	return r | shquote_str(b, s->err_path);
}

/* Tried quietly first: KEY.err is one more file, made only on failure. */
static int add_open_check(struct buf *b, const char *path, const char *step)
{
	int r = buf_addstr(b, "elif ! true 2>/dev/null >>");
	r |= shquote_str(b, path);
	r |= buf_printf(b, "; then __herd_f=%s\ntrue 2>\"$__herd_d.err\" >>", step);
	r |= shquote_str(b, path);
	return r | buf_addc(b, '\n');
}

/*
 * What must work before the job can start: its directory and its output
 * files.  A failed step names itself in __herd_f, and the shell's own
 * message lands in KEY.err; the redirection sits on a regular builtin, as
 * one that fails on a special builtin would end the runner.  The files are
 * opened for appending so that a check never truncates anything.
 */
static int add_checks(struct buf *b, const struct launch_spec *s)
{
	int r = buf_addstr(b, "if [ -n \"$__herd_f\" ]; then :\nelif ! cd ");
	r |= shquote_str(b, s->workdir);
	r |= buf_addstr(b, " 2>/dev/null; then __herd_f=chdir\ncd ");
	r |= shquote_str(b, s->workdir);
	r |= buf_addstr(b, " 2>\"$__herd_d.err\"\n");
	r |= add_open_check(b, s->out_path, "stdout");
	if (s->err_path != NULL && strcmp(s->err_path, s->out_path) != 0)
		r |= add_open_check(b, s->err_path, "stderr");
	return r;
}

/*
 * The end, appended (never rewritten: the state file is never seen
 * empty): "exit STATUS" and an "end" event ("end KEY STATUS", then
 * " oom N" where the job's cgroup counted N out-of-memory kills:
 * isolate_add_oom's $__herd_o), or for a job that could not
 * start "failed STATUS", the failed step and the shell's message as the
 * first line of KEY.err, and a "fail" event that carries them.
 */
static int add_report(struct buf *b, const char *key)
{
	int r = buf_addstr(b, "if [ -n \"$__herd_f\" ]; then\n__herd_m=\n"
	    "read -r __herd_m 2>/dev/null <\"$__herd_d.err\"\n"
	    "printf '%s %s\\n' \"$__herd_f\" \"$__herd_m\" >|\"$__herd_d.err\"\n"
	    "echo \"failed $__herd_rc\" >>\"$__herd_d.state\"\n"
	    "printf 'fail %s %s %s %s\\n' ");
	r |= shquote_str(b, key);
	r |= buf_addstr(b, " \"$__herd_rc\" \"$__herd_f\" \"$__herd_m\" >>\"$__herd_ev\"\nelse\n"
	    "echo \"exit $__herd_rc\" >>\"$__herd_d.state\"\nprintf 'end %s %s\\n' ");
	r |= shquote_str(b, key);
	r |= buf_addstr(b, " \"$__herd_rc${__herd_o:+ oom $__herd_o}\" >>\"$__herd_ev\"\nfi\n");
	return r;
}

/*
 * The job's start, in the background: in its cgroup where the node has one
 * (isolate.c: the job's subshell moves itself in, then execs; the same
 * one fork as without), under systemd-run where that is the way, else as
 * it always was.
 */
static int add_start(struct buf *b, const struct launch_spec *s)
{
	enum iso_kind k = isolate_choose(s->iso);
	int wrap = k == ISO_CGROUP1 || k == ISO_CGROUP2;
	int r = isolate_add_enter(b, s->iso, job_key_str(s->key), s->cpus, s->mem_mb);
	if (wrap) {
		r |= buf_addstr(b, "(\n");
		r |= isolate_add_join(b, s->iso);
		r |= buf_addstr(b, "exec ");
	}
	r |= isolate_add_prefix(b, s->iso, job_key_str(s->key), s->cpus, s->mem_mb);
	r |= buf_addstr(b, "\"$__herd_setsid\" ");
	r |= add_interpreter(b, s->script, s->script_len);
	r |= buf_addstr(b, " \"$__herd_d.script\"");
	r |= add_args(b, s->argv, s->argv_len);
	if (wrap)
		r |= buf_addstr(b, "\n)");
	r |= add_output(b, s);
	return r | buf_addstr(b, " &\n");
}

/*
 * The GPU check (see the top): words "INDEX=UUID", or "-=UUID" where
 * CUDA_VISIBLE_DEVICES names the GPUs by UUID (a MIG device among them,
 * which has no index of its own: then every word, a whole GPU's too).  A failure leaves
 * __herd_f=gpu and its message in KEY.err, which the checks that follow
 * then skip over.  Never ": " in the message: the controller takes the
 * text after the last one as the cause.
 */
static int add_gpu_check(struct buf *b, const struct launch_spec *s, char *err, size_t errsz)
{
	char uuids[GPU_MASK_BITS][GPU_UUID_MAX];
	int idx[GPU_MASK_BITS];
	size_t ni = 0, nu, i;
	int by_uuid, r;

	if (s->gpu_uuids == NULL || s->gpu_uuids[0] == '\0')
		return 0;
	by_uuid = strncmp(s->gpus, "MIG-", 4) == 0 || strncmp(s->gpus, "GPU-", 4) == 0;
	if (gpu_uuids_parse(s->gpu_uuids, uuids, GPU_MASK_BITS, &nu) != 0 ||
	    (!by_uuid && (gpu_list_parse(s->gpus, idx, GPU_MASK_BITS, &ni) != 0 || ni != nu))) {
		snprintf(err, errsz, "job %" PRId64 ": GPU indices and UUIDs do not match", s->id);
		return -1;
	}
	r = buf_addstr(b, "__herd_gx=$(nvidia-smi -L </dev/null 2>&1) || "
	    "__herd_gx=\"nvidia-smi -L failed\"\n__herd_gx=\"\n$__herd_gx\n\"\nfor __herd_p in");
	for (i = 0; i < nu; i++) {
		char word[GPU_UUID_MAX + 16];
		if (by_uuid)
			snprintf(word, sizeof word, "-=%.*s", GPU_UUID_MAX - 1, uuids[i]);
		else
			snprintf(word, sizeof word, "%d=%.*s", idx[i], GPU_UUID_MAX - 1, uuids[i]);
		r |= buf_addc(b, ' ');
		r |= shquote_str(b, word);	/* a UUID is the node's word (checked, still quoted) */
	}
	r |= buf_addstr(b, "; do\n__herd_i=${__herd_p%%=*} __herd_u=${__herd_p#*=}\n"
	    "if [ \"$__herd_i\" = - ]; then\n"
	    "case $__herd_gx in *\"(UUID: $__herd_u)\"*) ;; *) __herd_f=gpu\n"
	    "printf '%s\\n' \"${__herd_u%%-*} device $__herd_u is not listed by nvidia-smi -L\" "
	    ">\"$__herd_d.err\"; break;; esac\nelse\n"
	    "__herd_a=${__herd_gx#*\"\nGPU $__herd_i: \"}\n"
	    "if [ \"$__herd_a\" = \"$__herd_gx\" ]; then __herd_a=none; else\n"
	    "__herd_a=${__herd_a%%\"\n\"*}; __herd_a=${__herd_a##*\"(UUID: \"}; "
	    "__herd_a=${__herd_a%%)*}; fi\n"
	    "if [ \"$__herd_a\" != \"$__herd_u\" ]; then __herd_f=gpu\n"
	    "printf '%s\\n' \"GPU $__herd_i is $__herd_a, expected $__herd_u "
	    "(renumbered since the last probe)\" >\"$__herd_d.err\"; break; fi\nfi\ndone\n");
	return r ? -1 : 0;
}

/*
 * KEY.env: what a stream into the job (herd ssh, herd run; stream_node.c)
 * sources to enter the allocation: the job's umask, environment and
 * working directory, and its cgroup where isolation made one.  Generated
 * here from the same words as the runner's, then written as one shquoted
 * string with printf (a builtin: no process), so the file holds exactly
 * the text this function made.
 */
static int add_env_file(struct buf *b, const struct launch_spec *s)
{
	struct buf t;
	int r = 0;
	buf_init(&t, ENV_FILE_MAX);
	if (s->umask >= 0 && s->umask <= 0777)
		r |= buf_printf(&t, "umask %04o\n", (unsigned)s->umask);
	r |= add_env(&t, s->env, s->env_len);
	r |= add_exports(&t, s);
	r |= buf_addstr(&t, "cd ");
	r |= shquote_str(&t, s->workdir);
	r |= buf_addc(&t, '\n');
	r |= isolate_add_enter(&t, s->iso, job_key_str(s->key), s->cpus, s->mem_mb);
	r |= isolate_add_join(&t, s->iso);
	r |= buf_addstr(b, "printf %s ");
	if (r == 0)
		r = shquote(b, t.data, t.len);
	r |= buf_addstr(b, " 2>/dev/null >|\"$__herd_d.env\"\n");
	buf_clear(&t);
	return r ? -1 : 0;
}

/*
 * herd service --port: a free TCP port, asked of the kernel (bind port 0)
 * where the node has python3, else one of 40000-59999 that no socket in
 * /proc/net/tcp or tcp6 holds (a few tries from a start the job id
 * spreads).  Either can lose a race with another process taking the port
 * before the service binds it; the service then fails and its restart
 * picks again.  None found: step "port" fails the launch.  The port goes
 * to the job's environment, its KEY.env (after add_env_file) and its start
 * event.
 */
static int add_port_pick(struct buf *b, int64_t id)
{
	int r = buf_addstr(b, "__herd_port=\n"
	    "if [ -z \"$__herd_f\" ] && command -v python3 >/dev/null 2>&1; then\n"
	    "__herd_port=$(python3 -c 'import socket\ns=socket.socket()\ns.bind((\"\",0))\n"
	    "print(s.getsockname()[1])' </dev/null 2>/dev/null)\nfi\n"
	    "case $__herd_port in ''|*[!0-9]*) __herd_port=;; esac\n");
	r |= buf_printf(b, "__herd_n=0\nwhile [ -z \"$__herd_f$__herd_port\" ] && "
	    "[ $__herd_n -lt 20 ]; do\n"
	    "__herd_c=$(( (%" PRId64 " * 7919 + $$ + __herd_n * 104729) %% 20000 + 40000 ))\n",
	    id % 1000000);
	r |= buf_addstr(b, "__herd_h=$(printf '%04X' \"$__herd_c\") __herd_u=\n"
	    "for __herd_t in /proc/net/tcp /proc/net/tcp6; do\n"
	    "while read -r __herd_a __herd_b __herd_x; do\n"
	    "case $__herd_b in *:\"$__herd_h\") __herd_u=1;; esac\n"
	    "done 2>/dev/null <\"$__herd_t\"\ndone\n"
	    "[ -z \"$__herd_u\" ] && __herd_port=$__herd_c\n"
	    "__herd_n=$((__herd_n + 1))\ndone\n"
	    "if [ -z \"$__herd_f\" ] && [ -z \"$__herd_port\" ]; then __herd_f=port\n"
	    "printf '%s\\n' 'no free TCP port found on the node' >\"$__herd_d.err\"\nfi\n"
	    "export HERD_PORT=\"$__herd_port\" PORT=\"$__herd_port\"\n");
	return r;
}

/*
 * The runner: a subshell of the node shell (a fork, no exec) that starts
 * the job in a session of its own, waits for it and reports.  It is not in
 * the job's process group, so a KILL for the job leaves it to record the
 * status.  A cancel that comes before the job's pid is written leaves a
 * KEY.cancel file, which the runner checks right after writing it.
 */
static int runner_text(struct buf *b, const struct launch_spec *s, char *err, size_t errsz)
{
	int r = buf_addstr(b, "(\n__herd_f=\n");
	if (add_gpu_check(b, s, err, errsz) != 0)
		return -2;
	/* The submitter's umask, before the output files are made: the node
	 * shell's is sshd's (022), which would make them world-readable. */
	if (s->umask >= 0 && s->umask <= 0777)
		r |= buf_printf(b, "umask %04o\n", (unsigned)s->umask);
	r |= add_env(b, s->env, s->env_len);
	r |= add_exports(b, s);
	if (s->want_port)
		r |= add_port_pick(b, s->id);
	r |= add_env_file(b, s);
	if (s->want_port)
		r |= buf_addstr(b, "printf 'export HERD_PORT=%s PORT=%s\\n' \"$__herd_port\" "
		    "\"$__herd_port\" 2>/dev/null >>\"$__herd_d.env\"\n");
	r |= buf_addstr(b, "__herd_rc=1\n");
	r |= add_checks(b, s);
	r |= buf_addstr(b, "else\n");
	r |= add_start(b, s);
	/* --port's port in the state file too (before the job line, which
	 * stays last): a reconcile that learns the start tells it. */
	r |= buf_addstr(b, s->want_port ? "__herd_j=$!\n"
	    "printf 'gpus %s %s\\nport %s\\njob %s\\n' \"$CUDA_VISIBLE_DEVICES\" \"$HERD_GPU_UUIDS\" "
	    "\"$__herd_port\" \"$__herd_j\" >|\"$__herd_d.state\"\n" : "__herd_j=$!\n"
	    "printf 'gpus %s %s\\njob %s\\n' \"$CUDA_VISIBLE_DEVICES\" \"$HERD_GPU_UUIDS\" \"$__herd_j\" "
	    ">|\"$__herd_d.state\"\n");
	r |= buf_addstr(b, "if [ -e \"$__herd_d.cancel\" ]; then kill -s TERM -- \"-$__herd_j\" 2>/dev/null || "
	    "kill -s TERM \"$__herd_j\" 2>/dev/null; fi\nprintf 'start %s %s\\n' ");
	r |= shquote_str(b, job_key_str(s->key));
	r |= buf_addstr(b, s->want_port ? " \"$__herd_j port $__herd_port\" >>\"$__herd_ev\"\n" :
	    " \"$__herd_j\" >>\"$__herd_ev\"\n");
	r |= buf_addstr(b, "wait \"$__herd_j\"\n__herd_rc=$?\nfi\n");
	r |= isolate_add_oom(b, s->iso);
	r |= add_report(b, job_key_str(s->key));
	r |= isolate_add_end(b, s->iso, job_key_str(s->key));
	r |= buf_addstr(b, ") </dev/null >/dev/null 2>&1 &\n");
	return r ? -1 : 0;
}

/* Where setsid is, found with builtins only (the job's PATH is the submitter's). */
static int add_setsid(struct buf *b)
{
	return buf_addstr(b, "__herd_setsid=setsid\n"
	    "for __herd_x in /usr/bin/setsid /bin/setsid /usr/local/bin/setsid; do\n"
	    "if [ -x \"$__herd_x\" ]; then __herd_setsid=$__herd_x; break; fi\ndone\n");
}

int launch_job(struct buf *out, const struct launch_spec *s, char *err, size_t errsz)
{
	size_t start = out->len;
	int r;

	if (memchr(s->script, '\0', s->script_len) != NULL) {
		snprintf(err, errsz, "job %" PRId64 ": script contains a NUL byte", s->id);
		return -1;
	}
	r = add_setsid(out);
	r |= buf_addstr(out, "__herd_ev=");
	r |= add_dir(out, s->herd_dir, "events");
	r |= buf_addstr(out, "\n__herd_d=");
	r |= add_jobpath(out, s->herd_dir, job_key_str(s->key));
	/* A cancel already seen here means a relaunch came too late.  The
	 * script file, created with O_EXCL, is the launch token. */
	char qk[QWORD_MAX];
	if (shquote_to(qk, sizeof qk, job_key_str(s->key)) != 0)
		r = -1;
	r |= buf_printf(out, "\nif [ -e \"$__herd_d.cancel\" ]; then echo L %s cancelled\n"
	    "else\nset -C\nif printf %%s ", qk);
	r |= shquote(out, s->script, s->script_len);
	r |= buf_addstr(out, " 2>/dev/null >\"$__herd_d.script\"; then\nset +C\n");
	int rt = runner_text(out, s, err, errsz);
	if (rt == -2) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		return -1;
	}
	r |= rt;
	/* A script that exists is another launch's token (or was cut short by
	 * a full disk: then the reconcile that "exists" asks for finds no
	 * state and ends the job).  None at all: the node refused to write. */
	r |= buf_printf(out, "echo L %s launched \"$!\"\n"
	    "else set +C\nif [ -e \"$__herd_d.script\" ]; then echo L %s exists; "
	    "else echo L %s failed; fi\nfi\nfi\n", qk, qk, qk);
	if (r != 0) {
		out->len = start;	/* never half a program */
		if (out->data != NULL)
			out->data[start] = '\0';
		snprintf(err, errsz, "job %" PRId64 ": launch program too large", s->id);
		return -1;
	}
	return 0;
}

/*
 * Reads the last whole line of KEY.state into __herd_w __herd_v.  The
 * node's files are its user's to write: read -r and printf '%s', never
 * echo, so that no backslash in them makes a line of its own.
 */
static int add_read_state(struct buf *b)
{
	return buf_addstr(b, "__herd_w= __herd_v= __herd_p=\n"
	    "while read -r __herd_a __herd_b; do __herd_w=$__herd_a __herd_v=$__herd_b\n"
	    "[ \"$__herd_a\" = port ] && __herd_p=$__herd_b; done "
	    "2>/dev/null <\"$__herd_d.state\"\n"
	    "case $__herd_p in ''|*[!0-9]*) __herd_p=;; esac\n");
}

/* The opening of kill and signal programs: a job whose script is gone or
 * whose state says it ended has nothing left to signal. */
static int add_if_gone(struct buf *b, const char *key)
{
	char qk[QWORD_MAX];
	if (shquote_to(qk, sizeof qk, key) != 0)
		return -1;
	return buf_printf(b, "if [ ! -e \"$__herd_d.script\" ] || [ \"$__herd_w\" = exit ] || "
	    "[ \"$__herd_w\" = failed ]; then echo K %s gone\n", qk);
}

int launch_kill(struct buf *out, const char *herd_dir, const struct job_key *key, const char *sig)
{
	return launch_kill_iso(out, herd_dir, key, sig, NULL);
}

/*
 * Beyond the job's process group: its cgroup, or the processes that carry
 * its marker (isolate.c), so that what left the group by setsid or a double
 * fork is signalled too; "K KEY escaped N" says how many had left it, where
 * the marker found them (a cgroup holds them all: no such line).
 */
int launch_kill_iso(struct buf *out, const char *herd_dir, const struct job_key *jk, const char *sig,
    const struct iso_facts *iso)
{
	const char *key = job_key_str(jk);
	/* "killed" answers a KILL, "sent" any other signal: the controller
	 * frees a node only once a KILL is through. */
	const char *done = strcmp(sig, "KILL") == 0 ? "killed" : "sent";
	char qk[QWORD_MAX], qs[QWORD_MAX];
	if (shquote_to(qk, sizeof qk, key) != 0 || shquote_to(qs, sizeof qs, sig) != 0)
		return -1;
	int r = buf_addstr(out, "__herd_d=");
	r |= add_jobpath(out, herd_dir, key);
	/* Before the job's setsid() its group does not exist yet: signal the
	 * pid itself, which then dies before the job starts.  Before its pid
	 * is even written, the cancel file stops the runner (and a relaunch). */
	r |= buf_addstr(out, "\ntrue 2>/dev/null >|\"$__herd_d.cancel\"\n");
	r |= add_read_state(out);
	r |= add_if_gone(out, key);
	/* The cgroup or the marker first, and the escaped count said at once:
	 * the job's end (its event, once the group's signal takes) comes after
	 * it, and the controller still holds the job to note it on. */
	r |= buf_addstr(out, "elif [ \"$__herd_w\" = job ]; then\n__herd_n=0\n");
	r |= isolate_add_kill(out, iso, key, sig);
	r |= buf_printf(out, "[ \"$__herd_e\" = 0 ] || echo K %s escaped \"$__herd_e\"\n"
	    "{ kill -s %s -- \"-$__herd_v\" || kill -s %s \"$__herd_v\"; } 2>/dev/null && __herd_n=1\n"
	    "if [ \"$__herd_n\" != 0 ]; then echo K %s %s; else echo K %s gone; fi\n"
	    "else echo K %s pending; fi\n", qk, qs, qs, qk, done, qk, qk);
	return r ? -1 : 0;
}

/*
 * The job's processes but its batch shell: those whose process group (the
 * fifth field of /proc/PID/stat, after the command's closing parenthesis,
 * which the command itself may contain) is the job's.  Builtins only: a
 * read per process, no fork.
 */
static int add_signal_group(struct buf *b, const char *qk, const char *qs)
{
	return buf_printf(b, "__herd_n=0\n"
	    "for __herd_p in /proc/[0-9]*; do\n"
	    "__herd_s=\n"
	    "read -r __herd_s 2>/dev/null <\"$__herd_p/stat\" || continue\n"
	    "__herd_s=${__herd_s##*) }; __herd_s=${__herd_s#* }; __herd_s=${__herd_s#* }\n"
	    "__herd_p=${__herd_p#/proc/}\n"
	    "if [ \"${__herd_s%%%% *}\" = \"$__herd_v\" ] && [ \"$__herd_p\" != \"$__herd_v\" ] && "
	    "kill -s %s \"$__herd_p\" 2>/dev/null; then __herd_n=$((__herd_n + 1)); fi\n"
	    "done\n"
	    "echo K %s signalled \"$__herd_n\"\n", qs, qk);
}

int launch_signal(struct buf *out, const char *herd_dir, const struct job_key *jk, const char *sig,
    int batch_only)
{
	const char *key = job_key_str(jk);
	char qk[QWORD_MAX], qs[QWORD_MAX];
	if (shquote_to(qk, sizeof qk, key) != 0 || shquote_to(qs, sizeof qs, sig) != 0)
		return -1;
	int r = buf_addstr(out, "__herd_d=");
	r |= add_jobpath(out, herd_dir, key);
	r |= buf_addc(out, '\n');
	r |= add_read_state(out);
	r |= add_if_gone(out, key);
	r |= buf_printf(out, "elif [ \"$__herd_w\" != job ]; then echo K %s pending\n"
	    "elif ! kill -0 \"$__herd_v\" 2>/dev/null; then echo K %s gone\n", qk, qk);
	if (batch_only)
		r |= buf_printf(out, "elif kill -s %s \"$__herd_v\" 2>/dev/null; "
		    "then echo K %s signalled 1\nelse echo K %s gone\n", qs, qk, qk);
	else {
		r |= buf_addstr(out, "else\n");
		r |= add_signal_group(out, qk, qs);
	}
	r |= buf_addstr(out, "fi\n");
	return r ? -1 : 0;
}

int launch_reconcile(struct buf *out, const char *herd_dir, const struct job_key *keys, size_t n)
{
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		r |= buf_addstr(out, "__herd_d=");
		r |= add_jobpath(out, herd_dir, job_key_str(&keys[i]));
		r |= buf_addstr(out, "\n__herd_k=");
		r |= shquote_str(out, job_key_str(&keys[i]));
		r |= buf_addc(out, '\n');
		r |= add_read_state(out);
		/* The job may end between reading the state and kill -0: read again. */
		r |= buf_addstr(out,
		    "if [ ! -e \"$__herd_d.script\" ]; then echo \"R $__herd_k none\"\n"
		    "elif [ \"$__herd_w\" = job ] && kill -0 \"$__herd_v\" 2>/dev/null; then "
		    "printf 'R %s running %s %s\\n' \"$__herd_k\" \"$__herd_v\" \"${__herd_p:--1}\"\n"
		    "else\n");
		r |= add_read_state(out);
		r |= buf_addstr(out,
		    "if [ \"$__herd_w\" = exit ]; then printf 'R %s exited %s %s\\n' \"$__herd_k\" "
		    "\"$__herd_v\" \"$(stat -c %Y \"$__herd_d.state\" 2>/dev/null)\"\n"
		    "elif [ \"$__herd_w\" = failed ]; then __herd_m=\n"
		    "read -r __herd_m 2>/dev/null <\"$__herd_d.err\"\n"
		    "printf 'R %s failed %s %s %s\\n' \"$__herd_k\" \"$__herd_v\" "
		    "\"$(stat -c %Y \"$__herd_d.state\" 2>/dev/null)\" \"$__herd_m\"\n"
		    "elif [ \"$__herd_w\" = job ]; then echo \"R $__herd_k dead\"\n"
		    "else echo \"R $__herd_k nopid\"; fi\nfi\n");
	}
	return r ? -1 : 0;
}

/*
 * Every key of ours from min_id on, with the GPUs its runner was given
 * (the first line of KEY.state); builtins only, as the jobs directory may
 * hold many thousands of files.
 */
int launch_scan(struct buf *out, const char *herd_dir, const char *prefix, int64_t min_id)
{
	int r = buf_addstr(out, "for __herd_f in ");
	r |= add_dir(out, herd_dir, "jobs");
	r |= buf_addc(out, '/');
	r |= shquote_str(out, prefix);
	r |= buf_printf(out, "-*.script; do\n"
	    "[ -e \"$__herd_f\" ] || continue\n"
	    "__herd_k=${__herd_f##*/}; __herd_k=${__herd_k%%.script}\n"
	    "__herd_i=${__herd_k##*-}; __herd_i=${__herd_i%%%%.*}\n"
	    "case $__herd_i in ''|*[!0-9]*) continue;; esac\n"
	    "[ \"$__herd_i\" -ge %" PRId64 " ] 2>/dev/null || continue\n"
	    "__herd_w= __herd_v=\n"
	    "read -r __herd_w __herd_v 2>/dev/null <\"${__herd_f%%.script}.state\"\n"
	    "if [ \"$__herd_w\" = gpus ]; then printf 'S %%s gpus %%s\\n' \"$__herd_k\" \"$__herd_v\"\n"
	    "else printf 'S %%s\\n' \"$__herd_k\"; fi\n"
	    "done\necho 'S - done'\n", min_id);
	return r ? -1 : 0;
}

int launch_events(struct buf *out, const char *herd_dir)
{
	int r = buf_addstr(out, "ev=");
	r |= add_dir(out, herd_dir, "events");
	r |= buf_addstr(out, "\nmkdir -p ");
	r |= add_dir(out, herd_dir, "jobs");
	r |= buf_addstr(out, " && true 2>/dev/null >>\"$ev\" && herd_sz=$(wc -c <\"$ev\") && "
	    "command -v tail >/dev/null 2>&1 && echo ready && "
	    "exec tail -c +$((herd_sz + 1)) -F \"$ev\" </dev/null 2>/dev/null\n"
	    "echo 'failed'\n");
	return r ? -1 : 0;
}

/*
 * The last `bytes` bytes of a job's output file, read by the node's shell
 * as whoever it runs as (in lab mode the job's owner: the owner's
 * permissions decide, not herdd's).  The bytes travel as hex, 16 a line
 * (od is POSIX; base64 is not), so no byte of the file can end a line or
 * forge an answer.  A file that cannot be opened answers the shell's own
 * message, on one line; a FIFO or a device is refused before it is
 * opened, as opening or reading one could block the shell for good.
 */
int launch_tail(struct buf *out, uint64_t reqid, const char *path, int64_t offset,
    int64_t bytes)
{
	int r = buf_addstr(out, "__herd_p=");
	r |= shquote_str(out, path);
	r |= buf_printf(out, "\nif [ -e \"$__herd_p\" ] && [ ! -f \"$__herd_p\" ]; then "
	    "echo 'O %" PRIu64 " end 1 not a regular file'\n", reqid);
	/* A follower may ask before the job's runner made the file: status 2
	 * says "not there", for the controller to weigh against the state. */
	if (offset >= 0)
		r |= buf_printf(out, "elif [ ! -e \"$__herd_p\" ] && [ ! -L \"$__herd_p\" ]; then "
		    "echo 'O %" PRIu64 " end 2 No such file'\n", reqid);
	r |= buf_printf(out, "elif __herd_m=$(true 2>&1 <\"$__herd_p\"); then\n");
	/* From an offset (herd logs -f): od's own -j/-N are POSIX and seek on a
	 * regular file; past its end od prints nothing, which reads as "no new
	 * bytes yet".  Else the last bytes, through tail. */
	if (offset >= 0)
		r |= buf_printf(out, "od -An -v -tx1 -j %" PRId64 " -N %" PRId64 " <\"$__herd_p\" "
		    "2>/dev/null", offset, bytes);
	else
		r |= buf_printf(out, "tail -c %" PRId64 " <\"$__herd_p\" 2>/dev/null | "
		    "od -An -v -tx1", bytes);
	r |= buf_printf(out, " | sed 's/[^0-9a-f]//g;/^$/d;s/^/O %" PRIu64 " data /'\n"
	    "echo 'O %" PRIu64 " end 0'\n"
	    "else printf 'O %" PRIu64 " end 1 %%s\\n' \"$(printf %%s \"$__herd_m\" | tr '\\n\\r' '  ')\"\n"
	    "fi\n", reqid, reqid, reqid);
	return r ? -1 : 0;
}

int launch_hex_decode(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = strlen(hex);
	if (n == 0 || n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int v = 0;
		for (size_t k = 0; k < 2; k++) {
			char ch = hex[i + k];
			int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ?
			    ch - 'a' + 10 : -1;
			if (d < 0)
				return -1;
			v = v * 16 + d;
		}
		out[i / 2] = (unsigned char)v;
	}
	return (int)(n / 2);
}

static char *next_word(char **p)
{
	while (**p == ' ')
		(*p)++;
	if (**p == '\0')
		return NULL;
	char *w = *p;
	while (**p != '\0' && **p != ' ')
		(*p)++;
	if (**p == ' ')
		*(*p)++ = '\0';
	return w;
}

static int parse_num(const char *w, int64_t *v)
{
	char *end;
	if (w == NULL) {
		*v = -1;
		return 0;
	}
	long long n = strtoll(w, &end, 10);
	if (end == w || *end != '\0')
		return -1;
	*v = n;
	return 0;
}

/*
 * "O REQID data HEX" (HEX: whole bytes, at most LAUNCH_HEX_MAX digits) or
 * "O REQID end RC [MESSAGE]"; REQID digits only.
 */
static int parse_output(char **p, struct be_reply *r)
{
	unsigned char tmp[LAUNCH_HEX_MAX / 2];
	r->key = next_word(p);
	r->word = next_word(p);
	if (r->key == NULL || r->word == NULL || strspn(r->key, "0123456789") != strlen(r->key) ||
	    strlen(r->key) > 19)
		return -1;
	if (strcmp(r->word, "data") == 0) {
		char *hex = next_word(p);
		int n;
		if (hex == NULL || **p != '\0' || strlen(hex) > LAUNCH_HEX_MAX ||
		    (n = launch_hex_decode(hex, tmp, sizeof tmp)) < 0)
			return -1;
		/* The bytes where their hex was: half as long, in the line. */
		memcpy(hex, tmp, (size_t)n);
		r->rest = "";
		r->data = (const unsigned char *)hex;
		r->ndata = n;
		return 0;
	}
	if (strcmp(r->word, "end") != 0)
		return -1;
	if (parse_num(next_word(p), &r->num) != 0 || r->num < 0)
		return -1;
	r->rest = *p;
	return 0;
}

int launch_parse_reply(char *line, struct be_reply *r)
{
	char *p = line;
	char *kind = next_word(&p);
	if (kind == NULL || strlen(kind) != 1 || strchr("LKRPSOC", kind[0]) == NULL)
		return -1;
	r->kind = kind[0];
	r->rest = "";
	r->num = r->num2 = -1;
	r->data = NULL;
	r->ndata = 0;
	if (r->kind == 'O')
		return parse_output(&p, r);
	if (r->kind == 'S') {
		/* "S KEY [gpus LIST]", "S - done" */
		r->key = next_word(&p);
		r->word = next_word(&p);
		if (r->word == NULL)
			r->word = "";
		r->rest = p;
		return r->key ? 0 : -1;
	}
	if (r->kind == 'P') {
		r->key = NULL;
		r->word = next_word(&p);
		r->num = r->num2 = -1;
		return r->word ? 0 : -1;
	}
	r->key = next_word(&p);
	r->word = next_word(&p);
	if (r->key == NULL || r->word == NULL)
		return -1;
	if (parse_num(next_word(&p), &r->num) != 0 || parse_num(next_word(&p), &r->num2) != 0)
		return -1;
	r->rest = p;
	return 0;
}

int launch_parse_event(char *line, struct be_reply *r)
{
	char *p = line;
	r->kind = 'E';
	r->num2 = -1;
	r->data = NULL;
	r->ndata = 0;
	r->word = next_word(&p);
	r->key = next_word(&p);
	if (r->word == NULL || r->key == NULL)
		return -1;
	if (strcmp(r->word, "start") != 0 && strcmp(r->word, "end") != 0 &&
	    strcmp(r->word, "fail") != 0 && strcmp(r->word, "health") != 0)
		return -1;
	if (parse_num(next_word(&p), &r->num) != 0 || r->num < 0)
		return -1;
	r->rest = p;
	return 0;
}

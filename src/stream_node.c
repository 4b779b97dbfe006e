/*
 * stream_node.c — the node side of a stream into a job (stream_node.h).
 *
 * Theory of operation: the stream enters the allocation the way the job's
 * runner did, by sourcing the words the runner saved in KEY.env, so
 * herd ssh and herd run see the batch step's CUDA_VISIBLE_DEVICES,
 * HERD_ and SLURM_ variables, umask, working directory and cgroup without a
 * second copy of that logic.  A job launched by an older herd has no
 * KEY.env: the stream then says so on stderr and runs with the login's
 * environment, rather than refusing a shell the user may need to debug.
 *
 * A herd run job's batch script is the holder: it sleeps until
 * KEY.release (next to its script, found from $0) holds the status its
 * command ended with, and exits with it, so the job ends COMPLETED or
 * FAILED with that code like any batch job.  One `sleep 1` a second is
 * what holding costs.  A herd run that went away before its stream
 * started (killed while the job waited) leaves no KEY.attached (every
 * stream's setup writes it): the holder gives the allocation back after
 * HOLDER_WAIT_S seconds, FAILED, rather than hold it for no one.
 */
#include <stdio.h>
#include <string.h>

#include "launch.h"
#include "shquote.h"
#include "stream_node.h"

#define HOLDER_WAIT_S "120"	/* seconds a holder waits for its first stream */

static int nonce_ok(const char *nonce)
{
	size_t n = strlen(nonce);
	if (n == 0 || n >= STREAM_NONCE_MAX)
		return 0;
	return strspn(nonce, "0123456789abcdef") == n;
}

/* DIR/jobs/KEY as a word, then `suffix` (a constant). */
static int add_path(struct buf *b, const char *herd_dir, const struct job_key *key,
    const char *suffix)
{
	int r = launch_dir_word(b, herd_dir, "jobs");
	r |= buf_addc(b, '/');
	r |= shquote_str(b, job_key_str(key));
	return r | buf_addstr(b, suffix);
}

static int script_text(struct buf *t, const char *herd_dir, const struct job_key *key,
    const char *argv, size_t argv_len)
{
	int r = buf_addstr(t, "rm -f -- \"$0\"\nprintf 'herd-stream %s\\n' \"$$\"\n__herd_e=");
	r |= add_path(t, herd_dir, key, ".env");
	/* Where the job's files are: herd ssh-config keeps its sshd's there. */
	r |= buf_addstr(t, "\nHERD_JOB_FILES=${__herd_e%.env}\nexport HERD_JOB_FILES");
	r |= buf_addstr(t, "\nif [ -r \"$__herd_e\" ]; then . \"$__herd_e\"\nelse printf '%s\\n' "
	    "'herd: this job saved no environment (started by an older herdd); "
	    "running with the login'\"'\"'s' >&2\nfi\nunset __herd_e\n");
	if (argv_len == 0)
		return r | buf_addstr(t, "exec \"${SHELL:-/bin/sh}\" -l\n");
	r |= buf_addstr(t, "exec");
	for (const char *p = argv, *end = argv + argv_len; p < end;) {
		size_t n = strnlen(p, (size_t)(end - p));
		r |= buf_addc(t, ' ');
		r |= shquote(t, p, n);
		p += n + 1;
	}
	return r | buf_addc(t, '\n');
}

int stream_node_setup(struct buf *out, const char *herd_dir, const struct job_key *key,
    const char *nonce, const char *argv, size_t argv_len)
{
	struct buf t;
	size_t start = out->len;
	if (!nonce_ok(nonce) || key->s[0] == '\0')
		return -1;
	buf_init(&t, out->max);
	int r = script_text(&t, herd_dir, key, argv, argv_len);
	r |= buf_addstr(out, "umask 077\nif [ ! -e ");
	r |= add_path(out, herd_dir, key, ".script");
	r |= buf_addstr(out, " ]; then echo 'herd-stream nojob'\nelif true >|");
	r |= add_path(out, herd_dir, key, ".attached");
	r |= buf_addstr(out, " && printf %s ");
	if (r == 0)
		r = shquote(out, t.data, t.len);
	r |= buf_printf(out, " >|");
	r |= add_path(out, herd_dir, key, ".stream-");
	r |= buf_printf(out, "%s; then echo 'herd-stream ready'\nelse echo 'herd-stream nowrite'\nfi\n",
	    nonce);
	buf_clear(&t);
	if (r != 0) {
		out->len = start;
		return -1;
	}
	return 0;
}

int stream_node_command(struct buf *out, const char *herd_dir, const struct job_key *key,
    const char *nonce)
{
	if (!nonce_ok(nonce) || key->s[0] == '\0')
		return -1;
	int r = buf_addstr(out, "exec /bin/sh ");
	r |= add_path(out, herd_dir, key, ".stream-");
	return r | buf_addstr(out, nonce) ? -1 : 0;
}

int stream_node_kill(struct buf *out, int pid, const char *sig)
{
	if (pid <= 1 || sig == NULL || strspn(sig, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
	    strlen(sig) || sig[0] == '\0')
		return -1;
	return buf_printf(out, "kill -s %s -- -%d 2>/dev/null || kill -s %s %d", sig, pid, sig, pid);
}

int stream_node_release(struct buf *out, const char *herd_dir, const struct job_key *key,
    int status)
{
	if (status < 0 || status > 255 || key->s[0] == '\0')
		return -1;
	int r = buf_printf(out, "echo %d >|", status);
	return add_path(out, herd_dir, key, ".release") | r ? -1 : 0;
}

const char *stream_node_holder(void)
{
	return "#!/bin/sh\n"
	    "# herd run: holds this allocation until the command it runs ends.\n"
	    "__herd_r=${0%.script}.release __herd_a=${0%.script}.attached __herd_n=0\n"
	    "while [ ! -s \"$__herd_r\" ]; do\n"
	    "if [ ! -e \"$__herd_a\" ] && [ \"$__herd_n\" -ge " HOLDER_WAIT_S " ]; then\n"
	    "echo 'herd run: no herd run came to run its command' >&2; exit 1; fi\n"
	    "__herd_n=$((__herd_n + 1))\nsleep 1\ndone\n"
	    "read -r __herd_s <\"$__herd_r\"\n"
	    "exit \"$__herd_s\"\n";
}

int stream_node_parse_header(const char *line, size_t len, int *pid)
{
	static const char pre[] = "herd-stream ";
	const size_t np = sizeof pre - 1;
	long v = 0;
	if (len <= np || len > np + 9 || memcmp(line, pre, np) != 0 || line[np] == '0')
		return -1;
	for (size_t i = np; i < len; i++) {
		if (line[i] < '0' || line[i] > '9')
			return -1;
		v = v * 10 + (line[i] - '0');
	}
	if (v <= 1)
		return -1;
	*pid = (int)v;
	return 0;
}

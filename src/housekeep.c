/*
 * housekeep.c — node-side programs that keep a node's herd directory
 * bounded (housekeep.h).
 *
 * Theory of operation: the node's files are the node's record of what
 * happened, and the database is the controller's; a job's files may go
 * only once the database holds its end, which only the controller can
 * tell.  So the node lists, the controller decides, and a second program
 * removes: the list reads each KEY.state's last line with builtins (no
 * process per file, as launch_scan), and only a runner that recorded its
 * end ("exit" or "failed") is listed, so no running job's token is ever
 * taken away.  The events file only grows (every runner appends); past a
 * bound it is renamed to events.1 and a new one started.  The event
 * stream follows it by name (tail -F) and picks up the new file, but an
 * event written during the switch may be missed: the controller
 * reconciles the node's jobs after a rotation ("C - rotated").
 */
#include <inttypes.h>
#include <stdio.h>

#include "housekeep.h"
#include "launch.h"
#include "shquote.h"

int housekeep_list(struct buf *out, const char *herd_dir, const char *prefix, int64_t max_bytes)
{
	int r = buf_addstr(out, "for __herd_f in ");
	r |= launch_dir_word(out, herd_dir, "jobs");
	r |= buf_addc(out, '/');
	r |= shquote_str(out, prefix);
	r |= buf_addstr(out, "-*.state; do\n"
	    "[ -e \"$__herd_f\" ] || continue\n"
	    "__herd_w=\n"
	    "while read -r __herd_a __herd_b; do __herd_w=$__herd_a; done 2>/dev/null <\"$__herd_f\"\n"
	    "case $__herd_w in exit|failed) __herd_k=${__herd_f##*/}; "
	    "printf 'C %s ended\\n' \"${__herd_k%.state}\";; esac\n"
	    "done\n__herd_ev=");
	r |= launch_dir_word(out, herd_dir, "events");
	/* true carries the redirection: a failed one on ':' would end the node shell. */
	r |= buf_printf(out, "\n__herd_n=$(wc -c <\"$__herd_ev\" 2>/dev/null)\n"
	    "if [ \"${__herd_n:-0}\" -gt %" PRId64 " ] 2>/dev/null && "
	    "mv -f \"$__herd_ev\" \"$__herd_ev.1\" 2>/dev/null; then\n"
	    "true 2>/dev/null >>\"$__herd_ev\"\necho 'C - rotated'\nfi\necho 'C - done'\n",
	    max_bytes);
	return r ? -1 : 0;
}

/* One rm for up to this many keys: a process per 32 jobs, a short command line. */
#define REMOVE_CHUNK 32

int housekeep_remove(struct buf *out, const char *herd_dir, const struct job_key *keys, size_t n)
{
	/* KEY.env, KEY.release and KEY.attached: a stream's (stream_node.c);
	 * herd ssh-config's sshd files (sshcfg.h): its host key goes too;
	 * KEY.health: a service's last health check's output (svc_health.h). */
	static const char *const ext[] = { ".script", ".state", ".err", ".cancel", ".env",
	    ".release", ".attached", ".sshd_config", ".ssh_host_ed25519_key",
	    ".ssh_host_ed25519_key.pub", ".ssh_authorized_keys", ".ssh_rc", ".health" };
	int r = buf_addstr(out, "__herd_d=");
	r |= launch_dir_word(out, herd_dir, "jobs");
	r |= buf_addc(out, '\n');
	for (size_t i = 0; i < n; i++) {
		if (i % REMOVE_CHUNK == 0)
			r |= buf_addstr(out, i > 0 ? " 2>/dev/null\nrm -f --" : "rm -f --");
		for (size_t e = 0; e < sizeof ext / sizeof ext[0]; e++) {
			char name[JOB_KEY_MAX + 32];
			snprintf(name, sizeof name, "%s%s", job_key_str(&keys[i]), ext[e]);
			r |= buf_addstr(out, " \"$__herd_d\"/");
			r |= shquote_str(out, name);
		}
	}
	if (n > 0)
		r |= buf_addstr(out, " 2>/dev/null\n");
	return r ? -1 : 0;
}

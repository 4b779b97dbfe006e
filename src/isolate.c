/*
 * isolate.c — confining a job where the node lets its user do so.
 *
 * Theory of operation: herd runs as an ordinary user on the node, so it can
 * use a cgroup only where one was handed to that user.  The probe looks, with
 * builtins, at four ways: a cgroup v2 directory it may write (the parent of
 * the node shell's own cgroup: a delegated subtree, where a child may be made
 * and a process moved between siblings); `systemd-run --user --scope` (the
 * user manager of a systemd with Delegate=yes makes the cgroup for us); a
 * writable directory of the cgroup v1 memory (and cpu) hierarchies; or
 * nothing.  isolate_choose() takes the first that can enforce --mem, then a
 * v2 directory without the memory controller (it still kills as a whole).
 *
 * A job's cgroup is BASE/herd-KEY.  The runner makes it (one mkdir: a
 * process, paid only where there is a cgroup) and writes the limits; the
 * job's own subshell moves itself in by writing "0" (the writer) to
 * cgroup.procs and then execs setsid, so not one of the job's processes
 * starts outside it and the runner stays out (a kill of the cgroup must
 * leave the runner to record the status).  A kill signals every process in
 * the cgroup, wherever setsid, nohup or a double fork took it; at the job's
 * end what is left is killed and the cgroup removed, as Slurm's proctrack
 * does.  Under systemd-run the scope is herd-KEY.scope and systemctl
 * --user kill reaches it.
 *
 * Where there is nothing, every job carries HERD_JOB_KEY=KEY in its
 * environment, which its children inherit across setsid: a kill also
 * signals every process whose /proc/PID/environ holds exactly that (one
 * grep -z for all of them, run with the marker emptied so that it does not
 * find itself), and counts those outside the job's process group: they
 * escaped, and the controller says so in the job's reason.  A process that
 * clears its environment escapes this too; only a cgroup is sure.
 *
 * An out-of-memory kill in a job's memory cgroup is counted by the kernel
 * in the cgroup itself (v1 memory.oom_control, v2 memory.events: the line
 * "oom_kill N"), readable by the job's user without root: the runner
 * reads it with builtins after the job's end and before the cgroup is
 * removed, and its end event carries it (isolate_add_oom, launch.c).
 * Elsewhere an OOM kill is only a SIGKILL, and is told as one.
 *
 * logind: with KillUserProcesses=yes, a session's processes die when it
 * ends, and herdd's SSH session ends at every restart of herdd; without
 * linger the user manager (and every systemd-run scope) stops with the last
 * session.  isolate_warning() says which applies and the fix.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "isolate.h"
#include "shquote.h"

/* ---- the probe's answer ---- */

enum {
	SEEN_CG2 = 1 << 0, SEEN_CTRL = 1 << 1, SEEN_MEM = 1 << 2, SEEN_CPU = 1 << 3,
	SEEN_SYSTEMD = 1 << 4, SEEN_LOGIND = 1 << 5, SEEN_LINGER = 1 << 6, SEEN_KUP = 1 << 7,
	SEEN_USER = 1 << 8,
};

/*
 * A cgroup directory: empty, or absolute under /sys/fs/cgroup with no "."
 * or ".." component and no control byte.  It becomes the argument of a
 * mkdir and the place a kill reads pids from.
 */
static int valid_cgdir(const char *v, size_t n)
{
	static const char top[] = "/sys/fs/cgroup";
	size_t tn = sizeof top - 1;
	if (n == 0)
		return 1;
	if (n >= ISO_PATH_MAX || n < tn || memcmp(v, top, tn) != 0 ||
	    (n > tn && v[tn] != '/'))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch < 0x20 || ch == 0x7f)
			return 0;
		if (ch == '/' && i + 1 < n && v[i + 1] == '.') {
			size_t k = i + 1;
			while (k < n && v[k] == '.')
				k++;
			if (k == n || v[k] == '/')
				return 0;	/* "/." or "/.." or "/..." */
		}
		if (ch == '/' && i + 1 < n && v[i + 1] == '/')
			return 0;
	}
	return 1;
}

/* Controller names: lower case letters, digits, '_' and single spaces. */
static int valid_ctrl(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		    v[i] == '_' || v[i] == ' '))
			return 0;
	return 1;
}

static int set_str(char *dst, size_t dstsz, const char *v, size_t n)
{
	if (n >= dstsz)
		return -1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int set_flag(int *dst, const char *v, size_t n)
{
	if (n != 1 || (v[0] != '0' && v[0] != '1'))
		return -1;
	*dst = v[0] == '1';
	return 0;
}

int isolate_parse_kv(const char *key, size_t keylen, const char *val, size_t vallen,
    struct iso_facts *f, char *err, size_t errsz)
{
	static const struct {
		const char *name;
		unsigned bit;
	} keys[] = {
		{ "iso_cg2", SEEN_CG2 }, { "iso_cg2_ctrl", SEEN_CTRL },
		{ "iso_cg1_mem", SEEN_MEM }, { "iso_cg1_cpu", SEEN_CPU },
		{ "iso_systemd", SEEN_SYSTEMD }, { "iso_logind", SEEN_LOGIND },
		{ "iso_linger", SEEN_LINGER }, { "iso_kup", SEEN_KUP }, { "iso_user", SEEN_USER },
	};
	unsigned bit = 0;
	int bad = 0;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strlen(keys[i].name) == keylen && memcmp(keys[i].name, key, keylen) == 0)
			bit = keys[i].bit;
	if (bit == 0)
		return 1;
	if (f->seen & bit) {
		snprintf(err, errsz, "probe: \"%.*s\" given twice", (int)keylen, key);
		return -1;
	}
	f->seen |= bit;
	switch (bit) {
	case SEEN_CG2: bad = !valid_cgdir(val, vallen) || set_str(f->cg2, sizeof f->cg2, val, vallen); break;
	case SEEN_MEM: bad = !valid_cgdir(val, vallen) || set_str(f->cg1_mem, sizeof f->cg1_mem, val, vallen); break;
	case SEEN_CPU: bad = !valid_cgdir(val, vallen) || set_str(f->cg1_cpu, sizeof f->cg1_cpu, val, vallen); break;
	case SEEN_CTRL: bad = !valid_ctrl(val, vallen) || set_str(f->cg2_ctrl, sizeof f->cg2_ctrl, val, vallen); break;
	case SEEN_SYSTEMD: bad = set_flag(&f->systemd, val, vallen); break;
	case SEEN_LOGIND: bad = set_flag(&f->logind, val, vallen); break;
	case SEEN_LINGER: bad = set_flag(&f->linger, val, vallen); break;
	case SEEN_KUP:
		bad = !(vallen == 0 || (vallen == 3 && memcmp(val, "yes", 3) == 0) ||
		    (vallen == 2 && memcmp(val, "no", 2) == 0)) ||
		    set_str(f->kup, sizeof f->kup, val, vallen);
		break;
	case SEEN_USER:
		/* Only printed in a fix: a name we would not print is left out. */
		if (name_valid(val, vallen, sizeof f->user - 1))
			set_str(f->user, sizeof f->user, val, vallen);
		break;
	}
	if (bad) {
		char raw[41], vis[128];
		snprintf(raw, sizeof raw, "%.*s", (int)(vallen < 40 ? vallen : 40), val);
		str_vis(vis, sizeof vis, raw);
		snprintf(err, errsz, "probe: bad %.*s \"%s\"", (int)keylen, key, vis);
		return -1;
	}
	return 0;
}

/* ---- the choice ---- */

static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

enum iso_kind isolate_choose(const struct iso_facts *f)
{
	if (f == NULL)
		return ISO_NONE;
	if (f->cg2[0] && has_word(f->cg2_ctrl, "memory"))
		return ISO_CGROUP2;
	if (f->systemd)
		return ISO_SYSTEMD;
	if (f->cg1_mem[0])
		return ISO_CGROUP1;
	if (f->cg2[0])
		return ISO_CGROUP2;	/* kills as a whole; --mem not enforced */
	return ISO_NONE;
}

const char *isolate_kind_name(enum iso_kind k)
{
	switch (k) {
	case ISO_CGROUP2: return "cgroup2";
	case ISO_SYSTEMD: return "systemd";
	case ISO_CGROUP1: return "cgroup1";
	case ISO_NONE: break;
	}
	return "none";
}

const char *isolate_warning(const struct iso_facts *f, char *w, size_t wsz)
{
	const char *u = f->user[0] ? f->user : "USER";
	enum iso_kind k = isolate_choose(f);
	w[0] = '\0';
	if (!f->logind)
		return w;
	if (k == ISO_SYSTEMD && !f->linger)
		snprintf(w, wsz, "jobs die when %s's last login session ends (systemd-run --user "
		    "scopes stop with the user manager); fix, as root on the node: "
		    "loginctl enable-linger %s", u, u);
	else if (k != ISO_SYSTEMD && strcmp(f->kup, "yes") == 0)
		snprintf(w, wsz, "jobs die when herdd's SSH session ends (KillUserProcesses=yes); "
		    "fix, as root on the node: KillUserProcesses=no (or KillExcludeUsers=%s) in "
		    "/etc/systemd/logind.conf, or loginctl enable-linger %s so that herd starts "
		    "jobs through systemd-run --user", u, u);
	return w;
}

/* ---- node-side text ---- */

/* "BASE/herd-KEY" as one sh word. */
static int add_cgdir(struct buf *b, const char *base, const char *key)
{
	int r = shquote_str(b, base);
	r |= buf_addstr(b, "/herd-");
	return r | shquote_str(b, key);
}

int isolate_add_enter(struct buf *b, const struct iso_facts *f, const char *key, int cpus,
    int64_t mem_mb)
{
	enum iso_kind k = isolate_choose(f);
	int r = 0, cpu = k == ISO_CGROUP1 ? f->cg1_cpu[0] != '\0' :
	    k == ISO_CGROUP2 && has_word(f->cg2_ctrl, "cpu");
	if (k != ISO_CGROUP1 && k != ISO_CGROUP2)
		return 0;
	r |= buf_addstr(b, "__herd_c1=");
	r |= add_cgdir(b, k == ISO_CGROUP1 ? f->cg1_mem : f->cg2, key);
	r |= buf_addstr(b, " __herd_c2=");
	if (k == ISO_CGROUP1 && cpu)
		r |= add_cgdir(b, f->cg1_cpu, key);
	r |= buf_addstr(b, "\nmkdir -p \"$__herd_c1\"");
	if (k == ISO_CGROUP1 && cpu)
		r |= buf_addstr(b, " \"$__herd_c2\"");
	r |= buf_addstr(b, " 2>/dev/null\n");
	if (mem_mb > 0 && (k == ISO_CGROUP1 || has_word(f->cg2_ctrl, "memory")))
		r |= buf_printf(b, "echo %" PRId64 " 2>/dev/null >\"$__herd_c1/%s\"\n",
		    mem_mb * 1048576, k == ISO_CGROUP1 ? "memory.limit_in_bytes" : "memory.max");
	if (cpus > 0 && cpu && k == ISO_CGROUP1)
		r |= buf_printf(b, "echo 100000 2>/dev/null >\"$__herd_c2/cpu.cfs_period_us\"\n"
		    "echo %lld 2>/dev/null >\"$__herd_c2/cpu.cfs_quota_us\"\n", cpus * 100000LL);
	else if (cpus > 0 && cpu)
		r |= buf_printf(b, "echo '%lld 100000' 2>/dev/null >\"$__herd_c1/cpu.max\"\n",
		    cpus * 100000LL);
	return r ? -1 : 0;
}

int isolate_add_join(struct buf *b, const struct iso_facts *f)
{
	enum iso_kind k = isolate_choose(f);
	if (k != ISO_CGROUP1 && k != ISO_CGROUP2)
		return 0;
	return buf_addstr(b, "echo 0 2>/dev/null >\"$__herd_c1/cgroup.procs\"\n"
	    "[ -z \"$__herd_c2\" ] || echo 0 2>/dev/null >\"$__herd_c2/cgroup.procs\"\n");
}

int isolate_add_prefix(struct buf *b, const struct iso_facts *f, const char *key, int cpus,
    int64_t mem_mb)
{
	int r;
	if (isolate_choose(f) != ISO_SYSTEMD)
		return 0;
	r = buf_addstr(b, "systemd-run --user --scope --quiet --collect --unit=herd-");
	r |= shquote_str(b, key);
	if (mem_mb > 0)
		r |= buf_printf(b, " -p MemoryMax=%" PRId64 "M", mem_mb);
	if (cpus > 0)
		r |= buf_printf(b, " -p CPUQuota=%lld%%", cpus * 100LL);
	return r | buf_addstr(b, " -- ");
}

/*
 * Every process carrying HERD_JOB_KEY=key but outside the process group in
 * variable `pg` gets `sig`; $__herd_e counts them.  The grep runs with the
 * marker emptied, or it would list itself.
 */
static int add_marker_sweep(struct buf *b, const char *key, const char *sig, const char *pg)
{
	int r = buf_addstr(b, "for __herd_p in $(HERD_JOB_KEY= grep -lzxF -e ");
	r |= buf_addstr(b, "HERD_JOB_KEY=");
	r |= shquote_str(b, key);
	r |= buf_addstr(b, " /proc/[0-9]*/environ 2>/dev/null); do\n"
	    "__herd_p=${__herd_p#/proc/}; __herd_p=${__herd_p%/environ}; __herd_s=\n"
	    "read -r __herd_s 2>/dev/null <\"/proc/$__herd_p/stat\" || continue\n"
	    "__herd_s=${__herd_s##*) }; __herd_s=${__herd_s#* }; __herd_s=${__herd_s#* }\n");
	r |= buf_printf(b, "if [ \"${__herd_s%%%% *}\" != \"$%s\" ] && kill -s ", pg);
	r |= shquote_str(b, sig);
	r |= buf_addstr(b, " \"$__herd_p\" 2>/dev/null; then __herd_e=$((__herd_e + 1)); fi\ndone\n");
	return r;
}

/* Each pid in "$__herd_c1/cgroup.procs" gets sig; $__herd_c counts them. */
static int add_cg_signal(struct buf *b, const char *sig)
{
	int r = buf_addstr(b, "while read -r __herd_p; do kill -s ");
	r |= shquote_str(b, sig);
	return r | buf_addstr(b, " \"$__herd_p\" 2>/dev/null && "
	    "__herd_c=$((__herd_c + 1)); done 2>/dev/null <\"$__herd_c1/cgroup.procs\"\n");
}

int isolate_add_end(struct buf *b, const struct iso_facts *f, const char *key)
{
	enum iso_kind k = isolate_choose(f);
	int r = 0;
	if (k == ISO_CGROUP1 || k == ISO_CGROUP2) {
		r |= buf_addstr(b, "__herd_c=0\n");
		if (k == ISO_CGROUP2)
			r |= buf_addstr(b, "echo 1 2>/dev/null >\"$__herd_c1/cgroup.kill\"\n");
		r |= add_cg_signal(b, "KILL");
		r |= buf_addstr(b, "[ \"$__herd_c\" = 0 ] || sleep 1\n"
		    "rmdir \"$__herd_c1\" ${__herd_c2:+\"$__herd_c2\"} 2>/dev/null\n");
	} else if (k == ISO_SYSTEMD) {
		r |= buf_addstr(b, "systemctl --user kill --signal=KILL herd-");
		r |= shquote_str(b, key);
		r |= buf_addstr(b, ".scope >/dev/null 2>&1\n");
	} else {
		/* Only after a cancel or time limit: the sweep costs a process. */
		r |= buf_addstr(b, "if [ -e \"$__herd_d.cancel\" ]; then __herd_e=0\n");
		r |= add_marker_sweep(b, key, "KILL", "__herd_j");
		r |= buf_addstr(b, "fi\n");
	}
	return r ? -1 : 0;
}

int isolate_add_oom(struct buf *b, const struct iso_facts *f)
{
	enum iso_kind k = isolate_choose(f);
	int r = buf_addstr(b, "__herd_o=\n");
	if (k != ISO_CGROUP1 && k != ISO_CGROUP2)
		return r ? -1 : 0;
	/* "$__herd_c1" is unset where the job never started (a failed step). */
	r |= buf_printf(b, "[ -z \"$__herd_c1\" ] || while read -r __herd_a __herd_b; do\n"
	    "[ \"$__herd_a\" = oom_kill ] && case $__herd_b in ''|0|*[!0-9]*) ;; "
	    "*) __herd_o=$__herd_b;; esac\ndone 2>/dev/null <\"$__herd_c1/%s\"\n",
	    k == ISO_CGROUP1 ? "memory.oom_control" : "memory.events");
	return r ? -1 : 0;
}

int isolate_add_kill(struct buf *b, const struct iso_facts *f, const char *key, const char *sig)
{
	enum iso_kind k = isolate_choose(f);
	int r = buf_addstr(b, "__herd_c=0 __herd_e=0\n");
	if (k == ISO_CGROUP1 || k == ISO_CGROUP2) {
		r |= buf_addstr(b, "__herd_c1=");
		r |= add_cgdir(b, k == ISO_CGROUP1 ? f->cg1_mem : f->cg2, key);
		r |= buf_addc(b, '\n');
		if (k == ISO_CGROUP2 && strcmp(sig, "KILL") == 0)
			r |= buf_addstr(b, "echo 1 2>/dev/null >\"$__herd_c1/cgroup.kill\"\n");
		r |= add_cg_signal(b, sig);
	} else if (k == ISO_SYSTEMD) {
		r |= buf_addstr(b, "systemctl --user kill --signal=");
		r |= shquote_str(b, sig);
		r |= buf_addstr(b, " herd-");
		r |= shquote_str(b, key);
		r |= buf_addstr(b, ".scope >/dev/null 2>&1 && __herd_c=1\n");
	}
	/* No cgroup, or an empty one (the job never got in): the marker. */
	r |= buf_addstr(b, "if [ \"$__herd_c\" = 0 ]; then\n");
	r |= add_marker_sweep(b, key, sig, "__herd_v");
	r |= buf_addstr(b, "fi\n__herd_n=$((__herd_c + __herd_e))\n");
	return r ? -1 : 0;
}

const char *isolate_escape_reason(const char *base, int64_t n, char *w, size_t wsz)
{
	snprintf(w, wsz, "%s%s%" PRId64 " process%s had left the job's process group (setsid, "
	    "nohup or a double fork) and %s signalled through its HERD_JOB_KEY",
	    base != NULL && base[0] ? base : "", base != NULL && base[0] ? "; " : "", n,
	    n == 1 ? "" : "es", n == 1 ? "was" : "were");
	return w;
}

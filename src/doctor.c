/*
 * doctor.c — herd doctor's node program, its parser and the judgement of
 * every check.
 *
 * Theory of operation: herd doctor is for the moment something is wrong,
 * often while herdd is down, so it decides from what it sees now and
 * nothing else: hosts.ini, one SSH login per node with herdd's own key
 * (cmd_doctor.c), the probe script herdd runs (probe.h, parsed by the same
 * parser) and the program here for what the probe does not ask.  Each
 * check ends as ok or not, with what was seen and, when not, the command
 * that fixes it, because "node2: auth failed" sends an admin to search the
 * web while "ssh-copy-id -i ... -p 22 herd@node2" does not.
 *
 * The program is constant but for two words that pass shquote (the herd
 * directory and the cluster name) and uses builtins where it can.  What it
 * prints is untrusted: a file name in the herd directory may hold a
 * newline and so a line of its own, which is why job files are printed
 * last and the first of each key wins.  Values are checked by shape
 * (digits, a version, yes/no) and anything else counts as unknown.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "probe.h"
#include "shquote.h"
#include "ssh.h"
#include "span.h"

static const char *const tools[DOCTOR_NTOOLS] = {
	"mkdir", "chmod", "setsid", "tail", "od", "sed", "df"
};

#define STR_(x) #x
#define STR(x) STR_(x)

static const char script[] =
"{\n"
"_hd_nl='\n'\n"
"case $_hd_d in /*) ;; *) _hd_d=$HOME/$_hd_d ;; esac\n"
"for _hd_t in " DOCTOR_TOOLS "; do\n"
"\t_hd_p=$(command -v \"$_hd_t\" 2>/dev/null) || _hd_p=-\n"
"\tprintf 'tool %s %s\\n' \"$_hd_t\" \"${_hd_p:--}\"\n"
"done\n"
"_hd_v=- _hd_m=-\n"
"if command -v nvidia-smi >/dev/null 2>&1; then\n"
"\t_hd_v=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader </dev/null 2>/dev/null) || _hd_v=-\n"
"\t_hd_m=$(nvidia-smi --query-gpu=mig.mode.current --format=csv,noheader </dev/null 2>/dev/null) || _hd_m=-\n"
"fi\n"
"printf 'driver %s\\n' \"${_hd_v%%\"$_hd_nl\"*}\"\n"
/* One line per GPU, joined with commas by builtins. */
"_hd_o= _hd_r=$_hd_m$_hd_nl\n"
"while [ -n \"$_hd_r\" ]; do _hd_l=${_hd_r%%\"$_hd_nl\"*}; _hd_r=${_hd_r#*\"$_hd_nl\"}; "
"_hd_o=$_hd_o${_hd_o:+,}$_hd_l; done\n"
"printf 'mig %s\\n' \"$_hd_o\"\n"
"if command -v loginctl >/dev/null 2>&1; then\n"
"\t_hd_v=$(loginctl show-user \"$(id -un)\" -p Linger --value </dev/null 2>/dev/null) || _hd_v=-\n"
"\tprintf 'linger %s\\n' \"${_hd_v:--}\"\n"
"\t_hd_v=$(loginctl show -p KillUserProcesses --value </dev/null 2>/dev/null) || _hd_v=-\n"
"\tprintf 'killuser %s\\n' \"${_hd_v:--}\"\n"
"\t_hd_v=$(loginctl show -p KillExcludeUsers --value </dev/null 2>/dev/null) || _hd_v=-\n"
"\tprintf 'killexclude %s\\n' \"${_hd_v:--}\"\n"
"fi\n"
"printf 'user %s\\ntime %s\\n' \"$(id -un 2>/dev/null)\" \"$(date +%s 2>/dev/null)\"\n"
/* The nearest directory that exists: a new node has no herd directory yet. */
"_hd_p=$_hd_d\n"
"while [ ! -d \"$_hd_p\" ]; do _hd_p=${_hd_p%/*}; [ -n \"$_hd_p\" ] || _hd_p=/; done\n"
"_hd_v=$(df -Pk \"$_hd_p\" </dev/null 2>/dev/null) || _hd_v=\n"
"_hd_l=${_hd_v##*\"$_hd_nl\"}\n"
"if [ -n \"$_hd_v\" ]; then (set -f; set -- $_hd_l; printf 'disk %s %s\\n' \"$4\" \"$_hd_p\"); "
"else printf 'disk - %s\\n' \"$_hd_p\"; fi\n"
/* Another cluster's job files here mean another controller shares the directory. */
"_hd_n=0 _hd_k=0\n"
"for _hd_f in \"$_hd_d\"/jobs/*; do\n"
"\t[ -e \"$_hd_f\" ] || continue\n"
"\tcase ${_hd_f##*/} in \"$_hd_c\"-*) _hd_k=$((_hd_k + 1)) ;; esac\n"
"done\n"
"printf 'ownjobs %s\\n' \"$_hd_k\"\n"
"for _hd_f in \"$_hd_d\"/jobs/*; do\n"
"\t[ -e \"$_hd_f\" ] || continue\n"
"\tcase ${_hd_f##*/} in \"$_hd_c\"-*) continue ;; esac\n"
"\t_hd_n=$((_hd_n + 1)); [ \"$_hd_n\" -le " STR(DOCTOR_JOBFILES_SHOWN) " ] || break\n"
"\tprintf 'jobfile %s\\n' \"${_hd_f##*/}\"\n"
"done\n"
"echo dend\n"
"unset _hd_nl _hd_d _hd_c _hd_t _hd_p _hd_v _hd_m _hd_o _hd_r _hd_l _hd_n _hd_k _hd_f\n"
"}\n";

int doctor_script(struct buf *out, const char *herd_dir, const char *cluster)
{
	int r = buf_addstr(out, "_hd_d=");
	r |= shquote_str(out, herd_dir);
	r |= buf_addstr(out, " _hd_c=");
	r |= shquote_str(out, cluster);
	r |= buf_addc(out, '\n');
	r |= buf_addstr(out, script);
	return r ? -1 : 0;
}

/* ---- the answer ---- */

static void facts_init(struct doctor_facts *f)
{
	memset(f, 0, sizeof *f);
	for (int i = 0; i < DOCTOR_NTOOLS; i++)
		f->tool_found[i] = -1;
	f->linger = f->killuser = -1;
	f->time = f->disk_kb = -1;
	f->own_jobs = -1;
}

/* A span into a NUL-terminated copy (cut at size), or "" if it holds a NUL. */
static void span_copy(char *dst, size_t size, struct span s)
{
	size_t n = s.n < size - 1 ? s.n : size - 1;
	if (memchr(s.p, '\0', s.n) != NULL)
		n = 0;
	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/* Digits only, at most 15 of them: the value, else -1. */
static int64_t span_count(struct span s)
{
	int64_t v = 0;
	if (s.n == 0 || s.n > 15)
		return -1;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

static int span_yesno(struct span s)
{
	return span_eq(s, "yes") ? 1 : span_eq(s, "no") ? 0 : -1;
}

/* Whether every byte of s is in `allowed` (and s is not empty). */
static int span_only(struct span s, const char *allowed)
{
	if (s.n == 0)
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] == '\0' || strchr(allowed, s.p[i]) == NULL)
			return 0;
	return 1;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/*
 * A job file CLUSTER-ID.ATTEMPT.EXT (launch_key): the cluster is what comes
 * before the last '-' that digits follow.  Not of that shape: NULL.
 */
static int jobfile_cluster(struct span name, char *out, size_t size)
{
	for (size_t i = name.n; i-- > 1;) {
		if (name.p[i] != '-')
			continue;
		if (i + 1 < name.n && name.p[i + 1] >= '0' && name.p[i + 1] <= '9' &&
		    name_valid(name.p, i, size - 1)) {
			memcpy(out, name.p, i);
			out[i] = '\0';
			return 0;
		}
		return -1;
	}
	return -1;
}

static void add_cluster(struct doctor_facts *f, struct span name, const char *ours)
{
	char c[64];
	if (jobfile_cluster(name, c, sizeof c) != 0 || strcmp(c, ours) == 0)
		return;
	for (size_t i = 0; i < f->nclusters; i++)
		if (strcmp(f->clusters[i], c) == 0)
			return;
	if (f->nclusters < DOCTOR_MAX_CLUSTERS)
		strlcpy_h(f->clusters[f->nclusters++], c, sizeof f->clusters[0]);
}

static void parse_tool(struct doctor_facts *f, struct span v)
{
	struct span name = v, path = { "", 0 };
	const char *sp = memchr(v.p, ' ', v.n);
	if (sp != NULL) {
		name.n = (size_t)(sp - v.p);
		path.p = sp + 1;
		path.n = v.n - name.n - 1;
	}
	for (int i = 0; i < DOCTOR_NTOOLS; i++)
		if (span_eq(name, tools[i]) && f->tool_found[i] < 0)
			f->tool_found[i] = path.n > 0 && path.p[0] == '/';
}

/* One "key value" line; keys seen before keep their first value. */
static void parse_line(struct doctor_facts *f, struct span key, struct span v,
    const char *cluster, unsigned *seen)
{
	static const char *const keys[] = { "driver", "mig", "linger", "killuser",
	    "killexclude", "user", "time", "disk", "ownjobs", NULL };
	int k = -1;
	if (span_eq(key, "tool"))
		parse_tool(f, v);
	else if (span_eq(key, "jobfile"))
		add_cluster(f, v, cluster);
	for (int i = 0; keys[i] != NULL; i++)
		if (span_eq(key, keys[i]))
			k = i;
	if (k < 0 || (*seen & (1u << k)))
		return;
	*seen |= 1u << k;
	switch (k) {
	case 0:
		if (span_only(v, "0123456789.") && v.n < sizeof f->driver)
			span_copy(f->driver, sizeof f->driver, v);
		break;
	case 1:
		if (span_only(v, ALNUM "[]/, ") && v.n < sizeof f->mig)
			span_copy(f->mig, sizeof f->mig, v);
		break;
	case 2: f->linger = span_yesno(v); break;
	case 3: f->killuser = span_yesno(v); break;
	case 4:
		if (span_only(v, ALNUM "._- ") && v.n < sizeof f->killexclude)
			span_copy(f->killexclude, sizeof f->killexclude, v);
		break;
	case 5:
		if (name_valid(v.p, v.n, sizeof f->user - 1))
			span_copy(f->user, sizeof f->user, v);
		break;
	case 6: f->time = span_count(v); break;
	case 7: {
		const char *sp = memchr(v.p, ' ', v.n);
		if (sp == NULL)
			break;
		f->disk_kb = span_count((struct span){ v.p, (size_t)(sp - v.p) });
		span_copy(f->disk_path, sizeof f->disk_path,
		    (struct span){ sp + 1, v.n - (size_t)(sp - v.p) - 1 });
		break;
	}
	case 8: {
		int64_t n = span_count(v);
		f->own_jobs = n > INT32_MAX ? INT32_MAX : (int)n;
		break;
	}
	}
}

int doctor_parse(const char *text, size_t len, const char *cluster, struct doctor_facts *f,
    char *err, size_t errsz)
{
	struct span rest = { text, len }, line;
	unsigned seen = 0;

	facts_init(f);
	if (len > DOCTOR_OUTPUT_MAX) {
		snprintf(err, errsz, "the node's answer is larger than %u bytes",
		    (unsigned)DOCTOR_OUTPUT_MAX);
		return -1;
	}
	while (span_next_line(&rest, &line)) {
		if (span_eq(line, "dend")) {
			f->ended = 1;
			return 0;
		}
		const char *sp = memchr(line.p, ' ', line.n);
		struct span key = line, v = { "", 0 };
		if (sp != NULL) {
			key.n = (size_t)(sp - line.p);
			v.p = sp + 1;
			v.n = line.n - key.n - 1;
		}
		parse_line(f, key, v, cluster, &seen);
	}
	snprintf(err, errsz, "the node's answer ended before \"dend\" (cut short)");
	return -1;
}

/* ---- the judgement ---- */

void doctor_add(struct doctor_report *r, const char *name, int ok, const char *fix,
    const char *fmt, ...)
{
	va_list ap;
	if (r->n == DOCTOR_MAX_CHECKS)
		return;
	struct doctor_check *c = &r->c[r->n++];
	strlcpy_h(c->name, name, sizeof c->name);
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	strlcpy_h(c->fix, fix != NULL ? fix : "", sizeof c->fix);
	if (!ok)
		r->nfail++;
}

static const char *user_of(const struct doctor_ctx *x)
{
	return x->user != NULL ? x->user : "herdd's user";
}

void doctor_judge_ssh(struct doctor_report *r, const struct doctor_ctx *x, int stage,
    const char *err)
{
	char fix[1024];
	if (stage == SSH_STAGE_CONNECT) {
		snprintf(fix, sizeof fix, "start sshd on %s (systemctl start ssh), open port %d "
		    "in its firewall, or correct host/port in [node %s]", x->host, x->port, x->node);
		doctor_add(r, "tcp", 0, fix, "%s", err);
		return;
	}
	doctor_add(r, "tcp", 1, NULL, "%s port %d answers", x->host, x->port);
	if (stage == SSH_STAGE_HANDSHAKE) {
		snprintf(fix, sizeof fix, "check that port %d of %s is its sshd", x->port, x->host);
		doctor_add(r, "ssh", 0, fix, "%s", err);
		return;
	}
	if (stage == SSH_STAGE_KNOWN_HOSTS || stage == SSH_STAGE_HOSTKEY_UNKNOWN) {
		snprintf(fix, sizeof fix, "compare the key with the node's own (ssh-keygen -lf "
		    "/etc/ssh/ssh_host_ed25519_key.pub on %s), then: ssh-keyscan -p %d %s >> %s",
		    x->host, x->port, x->host, x->known_hosts);
		doctor_add(r, "host_key", 0, fix, "%s", err);
		return;
	}
	if (stage == SSH_STAGE_HOSTKEY_CHANGED) {
		char hp[300];
		if (x->port == 22)
			snprintf(hp, sizeof hp, "%s", x->host);
		else
			snprintf(hp, sizeof hp, "[%s]:%d", x->host, x->port);
		snprintf(fix, sizeof fix, "only if %s was reinstalled (else someone may be in "
		    "between): ssh-keygen -R '%s' -f %s && ssh-keyscan -p %d %s >> %s", x->node,
		    hp, x->known_hosts, x->port, x->host, x->known_hosts);
		doctor_add(r, "host_key", 0, fix, "%s", err);
		return;
	}
	doctor_add(r, "host_key", 1, NULL, "in %s", x->known_hosts);
	if (stage == SSH_STAGE_AUTH) {
		if (x->identity != NULL)
			snprintf(fix, sizeof fix, "most often the key is not installed: ssh-copy-id "
			    "-i %s.pub -p %d %s@%s; the other causes, with their checks, are in the "
			    "detail", x->identity, x->port, user_of(x), x->host);
		else
			snprintf(fix, sizeof fix, "set identity = in [node %s] to the key herdd "
			    "uses, and install it: ssh-copy-id -i KEY.pub -p %d %s@%s", x->node,
			    x->port, user_of(x), x->host);
		doctor_add(r, "auth", 0, fix, "%s", err);
		return;
	}
	doctor_add(r, "auth", 1, NULL, "as %s with %s", user_of(x),
	    x->identity ? x->identity : "ssh-agent or ~/.ssh/id_*");
}

/* bash reads ~/.bashrc for every command sshd runs, interactive or not. */
static void rc_fix(char *fix, size_t size, const struct doctor_ctx *x)
{
	snprintf(fix, size, "on %s, make ~%s/.bashrc (and what it sources) return at once "
	    "when not interactive: put  case $- in *i*) ;; *) return ;; esac  as its first "
	    "line (bash reads it for every SSH command)", x->node, x->user ? x->user : "");
}

void doctor_judge_login(struct doctor_report *r, const struct doctor_ctx *x,
    const char *noise, size_t noise_lines, int64_t ms)
{
	char fix[1024];
	rc_fix(fix, sizeof fix, x);
	if (noise_lines > 0)
		doctor_add(r, "login_output", 0, fix, "the login shell printed %zu line%s before "
		    "herd's first command (herd reads that as the node's answer): \"%s\"",
		    noise_lines, noise_lines == 1 ? "" : "s", noise);
	else
		doctor_add(r, "login_output", 1, NULL, "the login shell prints nothing");
	if (ms > DOCTOR_LOGIN_SLOW_MS)
		doctor_add(r, "login_time", 0, fix, "a login shell takes %" PRId64 " ms to run a "
		    "command (more than %d ms; herd pays it for every connection and channel)",
		    ms, DOCTOR_LOGIN_SLOW_MS);
	else
		doctor_add(r, "login_time", 1, NULL, "%" PRId64 " ms to the first command", ms);
}

static void judge_tools(struct doctor_report *r, const struct doctor_ctx *x,
    const struct doctor_facts *f)
{
	char missing[128] = "", fix[512];
	for (int i = 0; i < DOCTOR_NTOOLS; i++) {
		if (f->tool_found[i] == 1)
			continue;
		strlcpy_h(missing + strlen(missing), tools[i], sizeof missing - strlen(missing));
		strlcpy_h(missing + strlen(missing), " ", sizeof missing - strlen(missing));
	}
	if (missing[0] == '\0') {
		doctor_add(r, "tools", 1, NULL, "/bin/sh and %s found", DOCTOR_TOOLS);
		return;
	}
	missing[strlen(missing) - 1] = '\0';
	snprintf(fix, sizeof fix, "install them on %s (setsid: util-linux; the others: "
	    "coreutils and sed), on the PATH of %s's non-interactive logins", x->node, user_of(x));
	doctor_add(r, "tools", 0, fix, "not found on %s: %s", x->node, missing);
}

static void judge_gpus(struct doctor_report *r, const struct doctor_ctx *x,
    const struct probe_result *p, const struct doctor_facts *f)
{
	char fix[1024];
	if (p->gpu_state == GPUS_NONE) {
		snprintf(fix, sizeof fix, "install the NVIDIA driver's nvidia-smi on %s, or put its "
		    "directory on the PATH of %s's non-interactive logins; a node without GPUs: "
		    "set cpu_only = yes in its [node] section", x->node, user_of(x));
		if (x->cpu_only)
			doctor_add(r, "nvidia_smi", 1, NULL, "not installed (cpu_only = yes)");
		else
			doctor_add(r, "nvidia_smi", 0, fix, "nvidia-smi is not on the PATH of %s on "
			    "%s: herd sees no GPUs there", user_of(x), x->node);
		return;
	}
	if (p->gpu_state == GPUS_ERROR) {
		snprintf(fix, sizeof fix, "run nvidia-smi as %s on %s and repair the driver "
		    "(dmesg | grep -i nvrm; after a driver update, a reboot); herd offers no GPUs "
		    "there until it answers", user_of(x), x->node);
		doctor_add(r, "nvidia_smi", 0, fix, "nvidia-smi fails: %s", p->gpu_error);
		return;
	}
	doctor_add(r, "nvidia_smi", 1, NULL, "answers");
	if (p->ngpus == 0 && !x->cpu_only) {
		snprintf(fix, sizeof fix, "check nvidia-smi -L on %s (a GPU off the bus, the "
		    "driver not loaded); a node without GPUs: set cpu_only = yes", x->node);
		doctor_add(r, "gpus", 0, fix, "nvidia-smi lists no GPU");
		return;
	}
	doctor_add(r, "gpus", 1, NULL, "%zu GPU%s%s%s, driver %s", p->ngpus,
	    p->ngpus == 1 ? "" : "s", p->ngpus ? ": " : "", p->ngpus ? p->gpus[0].name : "",
	    f->driver[0] ? f->driver : "unknown");
	if (strstr(f->mig, "Enabled") != NULL)
		doctor_add(r, "mig", 1, NULL, "MIG mode per GPU: %s (MIG devices are handed out "
		    "as GPUs of their own)", f->mig);
	else if (f->mig[0] != '\0')
		doctor_add(r, "mig", 1, NULL, "MIG off (%s)", f->mig);
	else
		doctor_add(r, "mig", 1, NULL, "unknown (nvidia-smi does not report "
		    "mig.mode.current): taken as off");
}

static void judge_cgroup(struct doctor_report *r, const struct probe_result *p)
{
	if (strcmp(p->cgroup, "none") == 0 || p->cgroup[0] == '\0')
		doctor_add(r, "cgroup", 1, NULL, "no cgroup hierarchy: jobs are kept apart by "
		    "process groups only");
	else
		doctor_add(r, "cgroup", 1, NULL, "cgroup %s", p->cgroup);
}

/* Whether `user` is a word of the blank-separated list. */
static int in_list(const char *list, const char *user)
{
	size_t n = strlen(user);
	for (const char *p = list; user[0] != '\0' && (p = strstr(p, user)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

static void judge_logout(struct doctor_report *r, const struct doctor_ctx *x,
    const struct doctor_facts *f)
{
	char fix[1024];
	const char *u = f->user[0] ? f->user : user_of(x);
	if (f->killuser < 0) {
		doctor_add(r, "logout", 1, NULL, "no systemd-logind answers (loginctl): logging "
		    "out kills nothing");
		return;
	}
	if (f->killuser == 1 && !in_list(f->killexclude, u)) {
		snprintf(fix, sizeof fix, "on %s as root: set KillUserProcesses=no (or add %s to "
		    "KillExcludeUsers=) in /etc/systemd/logind.conf, then systemctl restart "
		    "systemd-logind%s%s", x->node, u, f->linger == 1 ? "" :
		    "; and keep the user manager: loginctl enable-linger ", f->linger == 1 ? "" : u);
		doctor_add(r, "logout", 0, fix, "systemd-logind has KillUserProcesses=yes: when "
		    "herdd's session to %s ends (herdd restarts, the network drops), %s's jobs "
		    "are killed; linger %s", x->node, u, f->linger == 1 ? "on" : "off");
		return;
	}
	doctor_add(r, "logout", 1, NULL, "KillUserProcesses=%s%s; linger %s",
	    f->killuser ? "yes" : "no", f->killuser ? " but the user is excluded" : "",
	    f->linger == 1 ? "on" : f->linger == 0 ? "off" : "unknown");
}

static void judge_clock(struct doctor_report *r, const struct doctor_ctx *x,
    const struct doctor_facts *f)
{
	char fix[512];
	snprintf(fix, sizeof fix, "synchronise the clocks: timedatectl set-ntp true (or "
	    "chrony/ntpd) on %s and on the controller", x->node);
	if (f->time < 0) {
		doctor_add(r, "clock", 0, fix, "date +%%s printed no time");
		return;
	}
	int64_t d = f->time - x->local_time;
	if (d > DOCTOR_SKEW_MAX_S || d < -DOCTOR_SKEW_MAX_S)
		doctor_add(r, "clock", 0, fix, "%s's clock is %" PRId64 " s %s the controller's "
		    "(more than %d s: job times and time limits disagree)", x->node,
		    d < 0 ? -d : d, d < 0 ? "behind" : "ahead of", DOCTOR_SKEW_MAX_S);
	else
		doctor_add(r, "clock", 1, NULL, "%+" PRId64 " s from the controller", d);
}

/* KiB as the unit a person would say: "512 KiB", "80 MiB", "2.5 GiB". */
static const char *fmt_kb(char *buf, size_t size, int64_t kb)
{
	if (kb < 10 * 1024)
		snprintf(buf, size, "%" PRId64 " KiB", kb);
	else if (kb < 10 * 1024 * 1024)
		snprintf(buf, size, "%" PRId64 " MiB", kb / 1024);
	else
		snprintf(buf, size, "%.1f GiB", (double)kb / (1024 * 1024));
	return buf;
}

static void judge_disk(struct doctor_report *r, const struct doctor_ctx *x,
    const struct doctor_facts *f)
{
	char fix[1024], free_s[32], min_s[32];
	if (f->disk_kb < 0) {
		snprintf(fix, sizeof fix, "install df (coreutils) on %s", x->node);
		doctor_add(r, "disk", 0, fix, "df gave no free space for %s", f->disk_path);
		return;
	}
	if (f->disk_kb < x->min_free_kb) {
		snprintf(fix, sizeof fix, "free space in %s on %s (ended jobs' files are in "
		    "%s/jobs), or point herd_dir at a larger file system", f->disk_path, x->node,
		    x->herd_dir);
		doctor_add(r, "disk", 0, fix, "%s free in %s, less than %s%s%s%s: job output and "
		    "state files will fail to write%s", fmt_kb(free_s, sizeof free_s, f->disk_kb),
		    f->disk_path, fmt_kb(min_s, sizeof min_s, x->min_free_kb),
		    x->min_free_src ? " (" : "", x->min_free_src ? x->min_free_src : "",
		    x->min_free_src ? ")" : "", x->min_free_src != NULL &&
		    strcmp(x->min_free_src, "min_free_disk") == 0 ? ", and herdd gives it no job" : "");
		return;
	}
	doctor_add(r, "disk", 1, NULL, "%s free in %s", fmt_kb(free_s, sizeof free_s, f->disk_kb),
	    f->disk_path);
}

static void judge_shared(struct doctor_report *r, const struct doctor_ctx *x,
    const struct doctor_facts *f)
{
	char others[DOCTOR_MAX_CLUSTERS * 66] = "", fix[1024];
	if (f->nclusters == 0) {
		doctor_add(r, "herd_dir", 1, NULL, "%s: %d job file%s of cluster %s, none of "
		    "another", x->herd_dir, f->own_jobs < 0 ? 0 : f->own_jobs,
		    f->own_jobs == 1 ? "" : "s", x->cluster);
		return;
	}
	for (size_t i = 0; i < f->nclusters; i++) {
		if (i > 0)
			strlcpy_h(others + strlen(others), ", ", sizeof others - strlen(others));
		strlcpy_h(others + strlen(others), f->clusters[i], sizeof others - strlen(others));
	}
	snprintf(fix, sizeof fix, "give each controller a directory of its own: herd_dir = "
	    ".herd-%s in [node %s], or stop the other controller (cluster %s) from using %s",
	    x->cluster, x->node, f->clusters[0], x->node);
	doctor_add(r, "herd_dir", 0, fix, "%s on %s holds job files of cluster %s: another "
	    "controller uses this directory (its events and ours would mix)", x->herd_dir,
	    x->node, others);
}

void doctor_judge_node(struct doctor_report *r, const struct doctor_ctx *x,
    const struct probe_result *p, const struct doctor_facts *f)
{
	judge_tools(r, x, f);
	judge_gpus(r, x, p, f);
	judge_cgroup(r, p);
	judge_logout(r, x, f);
	judge_clock(r, x, f);
	judge_disk(r, x, f);
	judge_shared(r, x, f);
}

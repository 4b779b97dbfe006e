/*
 * isolate.h — what can confine a job on a node without root, and the sh
 * text that uses it.  Pure: the probe's fragment is constant text, the
 * parser of what it prints, the choice of a kind, the warning about
 * logind and the launch and kill pieces are functions of their inputs.
 *
 * The probe prints these lines (each at most once; an empty value is "not
 * there"):
 *
 *   iso_cg2 DIR          a cgroup v2 directory we may create children in
 *                        and move our own processes into (the parent of
 *                        the node shell's own cgroup, delegated to us)
 *   iso_cg2_ctrl LIST    the controllers enabled for DIR's children
 *   iso_cg1_mem DIR      a writable directory of the v1 memory hierarchy
 *   iso_cg1_cpu DIR      the same in the v1 cpu hierarchy
 *   iso_systemd 0|1      systemd-run and the user manager's socket are there
 *   iso_logind 0|1       systemd-logind runs on the node
 *   iso_linger 0|1       loginctl enable-linger is set for the user
 *   iso_kup yes|no|      logind.conf's KillUserProcesses (empty: not set)
 *   iso_user NAME        who the probe ran as (for the fix it prints)
 *
 * Every DIR is absolute, under /sys/fs/cgroup, without "..": a node's
 * answer cannot aim herd's mkdir or kill anywhere else.
 *
 * Ownership: struct iso_facts is plain data (no pointers), zero is "nothing
 * available"; it lives inside struct probe_result.
 */
#ifndef HERD_ISOLATE_H
#define HERD_ISOLATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define ISO_PATH_MAX 256

enum iso_kind {
	ISO_NONE,	/* nothing: the job's processes are found by HERD_JOB_KEY */
	ISO_CGROUP2,	/* a delegated cgroup v2 subtree */
	ISO_SYSTEMD,	/* systemd-run --user --scope */
	ISO_CGROUP1,	/* a writable cgroup v1 memory (and cpu) hierarchy */
};

struct iso_facts {
	char cg2[ISO_PATH_MAX];
	char cg2_ctrl[128];
	char cg1_mem[ISO_PATH_MAX];
	char cg1_cpu[ISO_PATH_MAX];
	char user[64];
	char kup[4];		/* "yes", "no", "" unknown */
	int systemd, logind, linger;
	unsigned seen;		/* which keys were given (each once) */
};

/*
 * The probe's fragment (POSIX sh, builtins only but a `command -v`,
 * variables _hp_i*, unset at its end); probe.c pastes it into its script.
 * Theory in isolate.c.
 */
#define ISOLATE_PROBE_SH \
"_hp_io2= _hp_iom= _hp_ioc=\n" \
"if [ -r /proc/self/cgroup ]; then\n" \
"\twhile IFS=: read -r _hp_ia _hp_ib _hp_ic; do\n" \
"\t\tcase ,$_hp_ib, in ,,) _hp_io2=$_hp_ic;; *,memory,*) _hp_iom=$_hp_ic;; esac\n" \
"\t\tcase ,$_hp_ib, in *,cpu,*) _hp_ioc=$_hp_ic;; esac\n" \
"\tdone 2>/dev/null </proc/self/cgroup\n" \
"fi\n" \
"_hp_im= _hp_i2= _hp_i2c=\n" \
"if [ -e /sys/fs/cgroup/cgroup.controllers ]; then _hp_im=/sys/fs/cgroup\n" \
"elif [ -e /sys/fs/cgroup/unified/cgroup.controllers ]; then _hp_im=/sys/fs/cgroup/unified; fi\n" \
"if [ -n \"$_hp_im\" ] && [ -n \"$_hp_io2\" ]; then\n" \
"\t_hp_ia=$_hp_im${_hp_io2%/*}\n" \
"\tif [ -w \"$_hp_ia\" ] && [ -w \"$_hp_ia/cgroup.procs\" ]; then\n" \
"\t\t_hp_i2=$_hp_ia\n" \
"\t\tread -r _hp_i2c 2>/dev/null <\"$_hp_ia/cgroup.subtree_control\"\n" \
"\tfi\n" \
"fi\n" \
/* v1: the shell's own cgroup where we may write it, else the mount's top \
 * (a hierarchy, or a directory of one, mounted for us) */ \
"_hp_i1m= _hp_i1c=\n" \
"for _hp_ia in memory cpu; do\n" \
"\t_hp_ib=/sys/fs/cgroup/$_hp_ia _hp_ic=\n" \
"\t[ -d \"$_hp_ib\" ] || continue\n" \
"\tif [ $_hp_ia = memory ]; then _hp_ic=$_hp_iom; else _hp_ic=$_hp_ioc; fi\n" \
"\tif [ -n \"$_hp_ic\" ] && [ \"$_hp_ic\" != / ] && [ -d \"$_hp_ib$_hp_ic\" ] &&\n" \
"\t    [ -w \"$_hp_ib$_hp_ic\" ] && [ -w \"$_hp_ib$_hp_ic/cgroup.procs\" ]; then\n" \
"\t\t_hp_ic=$_hp_ib$_hp_ic\n" \
"\telif [ -w \"$_hp_ib\" ] && [ -w \"$_hp_ib/cgroup.procs\" ]; then _hp_ic=$_hp_ib\n" \
"\telse _hp_ic=; fi\n" \
"\tif [ $_hp_ia = memory ]; then _hp_i1m=$_hp_ic; else _hp_i1c=$_hp_ic; fi\n" \
"done\n" \
"_hp_is=0\n" \
"if [ -n \"${XDG_RUNTIME_DIR:-}\" ] && [ -S \"$XDG_RUNTIME_DIR/systemd/private\" ] &&\n" \
"    command -v systemd-run >/dev/null 2>&1; then _hp_is=1; fi\n" \
"_hp_il=0 _hp_ig=0 _hp_ik= _hp_iu=${USER:-${LOGNAME:-}}\n" \
"[ ! -d /run/systemd/users ] || _hp_il=1\n" \
"[ -z \"$_hp_iu\" ] || [ ! -e \"/var/lib/systemd/linger/$_hp_iu\" ] || _hp_ig=1\n" \
"for _hp_ia in /etc/systemd/logind.conf /usr/lib/systemd/logind.conf.d/*.conf \\\n" \
"    /run/systemd/logind.conf.d/*.conf /etc/systemd/logind.conf.d/*.conf; do\n" \
"\t[ -r \"$_hp_ia\" ] || continue\n" \
"\twhile IFS='= \t' read -r _hp_ib _hp_ic; do\n" \
"\t\tcase $_hp_ib in KillUserProcesses) _hp_ik=$_hp_ic;; esac\n" \
"\tdone 2>/dev/null <\"$_hp_ia\"\n" \
"done\n" \
"case $_hp_ik in '') ;; 1|[yY]*|[tT]*|[oO][nN]) _hp_ik=yes;; *) _hp_ik=no;; esac\n" \
"printf 'iso_cg2 %s\\niso_cg2_ctrl %s\\niso_cg1_mem %s\\niso_cg1_cpu %s\\n' " \
"\"$_hp_i2\" \"$_hp_i2c\" \"$_hp_i1m\" \"$_hp_i1c\"\n" \
"printf 'iso_systemd %s\\niso_logind %s\\niso_linger %s\\niso_kup %s\\niso_user %s\\n' " \
"\"$_hp_is\" \"$_hp_il\" \"$_hp_ig\" \"$_hp_ik\" \"$_hp_iu\"\n" \
"unset _hp_io2 _hp_iom _hp_ioc _hp_ia _hp_ib _hp_ic _hp_im _hp_i2 _hp_i2c _hp_i1m _hp_i1c " \
"_hp_is _hp_il _hp_ig _hp_ik _hp_iu\n"

/*
 * One "key value" line of the probe's answer: 1 if the key is not ours,
 * 0 taken, -1 bad (a key twice, a value out of bounds) with *err.
 */
int isolate_parse_kv(const char *key, size_t keylen, const char *val, size_t vallen,
    struct iso_facts *f, char *err, size_t errsz);

/* The kind herd uses, from the facts (the order in herdd(8)). */
enum iso_kind isolate_choose(const struct iso_facts *f);
/* "cgroup2", "systemd", "cgroup1", "none". */
const char *isolate_kind_name(enum iso_kind k);
/*
 * Where logging out (herdd's SSH session closing) would kill jobs, what and
 * the fix, in w; "" where nothing would.  Returns w.
 */
const char *isolate_warning(const struct iso_facts *f, char *w, size_t wsz);

/*
 * A job's reason after a kill found n of its processes outside its process
 * group by the marker: "BASE; N processes had left ...".  Returns w.
 */
const char *isolate_escape_reason(const char *base, int64_t n, char *w, size_t wsz);

/*
 * Runner text (inside the runner's subshell, before the job starts): make
 * the job's cgroup(s) and set --mem (mem_mb, 0: none) and the CPUs as its
 * limits.  Then isolate_add_join's text goes first inside the job's own
 * subshell (it moves itself, then execs the job), and isolate_add_prefix's
 * words go before the job's command (systemd-run's).  isolate_add_end runs
 * after the job's end: what is left in its cgroup is killed and the cgroup
 * removed; without one, after a cancel, what still carries the marker.
 * f NULL is ISO_NONE.  0 ok, -1 the buffer is full.
 */
int isolate_add_enter(struct buf *b, const struct iso_facts *f, const char *key, int cpus,
    int64_t mem_mb);
int isolate_add_join(struct buf *b, const struct iso_facts *f);
int isolate_add_prefix(struct buf *b, const struct iso_facts *f, const char *key, int cpus,
    int64_t mem_mb);
int isolate_add_end(struct buf *b, const struct iso_facts *f, const char *key);
/*
 * Runner text after the job's end, before its report: $__herd_o is the
 * count of processes the kernel's out-of-memory killer killed in the job's
 * memory cgroup (cgroup v1 memory.oom_control's, v2 memory.events'
 * oom_kill), empty where it has none or none were killed (systemd-run's
 * scope and no isolation cannot tell).  Builtins only: no process.
 */
int isolate_add_oom(struct buf *b, const struct iso_facts *f);

/*
 * Kill text, for the job whose process group is "$__herd_v": signal `sig`
 * to every process of its cgroup (or scope); where it has none (or it is
 * empty), to every process whose environment carries HERD_JOB_KEY=key, and
 * count in $__herd_e those outside the job's process group (escaped: a
 * setsid or double fork).  Sets $__herd_n to the processes signalled.
 */
int isolate_add_kill(struct buf *b, const struct iso_facts *f, const char *key, const char *sig);

#endif

/*
 * probe.c — the probe script sent to a node, and the parser of its answer.
 *
 * Theory of operation: the script runs on every probe interval inside the
 * node's long-lived `/bin/sh -s`, whose stdin is the controller's command
 * stream.  So it must leave that shell as it found it: no `exit`, no `set`,
 * every command that could read stdin gets </dev/null, and its variables
 * (all prefixed _hp_) are unset at the end.  It forks little: hostname, boot
 * id, memory, cpu0's thread siblings and the load average are read with
 * the `read` builtin (cpuinfo.c parses the last two); only nproc and the three
 * nvidia-smi calls are processes (the two CSV queries, and -L, the one
 * listing that names MIG devices; -L only once the queries worked).  nproc runs with OMP_NUM_THREADS and
 * OMP_THREAD_LIMIT emptied, because a user's rc file may set them and nproc
 * would then report that number instead of the CPUs we may use.  nvidia-smi
 * output is captured first so that its status can be printed before it.
 *
 * The answer is "key value" lines, then the gpus, apps and procs sections,
 * then "end"; an answer without "end" was cut short and is refused.  The
 * procs section says who each GPU process is (owner, session, parents,
 * herd's job marker; gpuproc.c), read with builtins but for the owner's
 * name (getent) and the marker (tr | grep), and only for pids nvidia-smi
 * listed: an idle GPU node forks nothing more.  Keys we do
 * not know are ignored so that a newer script can report more.  A broken
 * nvidia-smi is not a broken probe: the node's CPUs and memory are still
 * right, so such a result is GPUS_ERROR with the reason, not a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuinfo.h"
#include "launch.h"
#include "probe.h"
#include "span.h"
#include "util.h"

#define NVSMI_GPU_CMD "nvidia-smi --query-gpu=" PROBE_GPU_FIELDS \
	" --format=csv,noheader,nounits </dev/null 2>&1"
#define NVSMI_APP_CMD "nvidia-smi --query-compute-apps=" PROBE_APP_FIELDS \
	" --format=csv,noheader,nounits </dev/null 2>&1"
#define NVSMI_LIST_CMD "nvidia-smi -L </dev/null 2>&1"

static const char probe_sh[] =
"{\n"
"_hp_h=\n"
"[ -r /proc/sys/kernel/hostname ] && read -r _hp_h </proc/sys/kernel/hostname\n"
"[ -n \"$_hp_h\" ] || _hp_h=$(uname -n 2>/dev/null)\n"
"_hp_c=$(OMP_NUM_THREADS='' OMP_THREAD_LIMIT='' nproc </dev/null 2>/dev/null)\n"
"if [ -z \"$_hp_c\" ] && [ -r /proc/cpuinfo ]; then\n"
"\t_hp_c=0\n"
"\twhile read -r _hp_k _hp_v; do\n"
"\t\tcase $_hp_k in processor) _hp_c=$((_hp_c + 1));; esac\n"
"\tdone </proc/cpuinfo\n"
"fi\n"
"_hp_m=\n"
"if [ -r /proc/meminfo ]; then\n"
"\twhile read -r _hp_k _hp_v _hp_u; do\n"
"\t\tif [ \"$_hp_k\" = MemTotal: ]; then _hp_m=$_hp_v; break; fi\n"
"\tdone </proc/meminfo\n"
"fi\n"
"_hp_b=\n"
"[ -r /proc/sys/kernel/random/boot_id ] &&\n"
"\tread -r _hp_b </proc/sys/kernel/random/boot_id\n"
"if [ -e /sys/fs/cgroup/cgroup.controllers ]; then _hp_cg=v2\n"
"elif [ -d /sys/fs/cgroup/memory ]; then _hp_cg=v1\n"
"else _hp_cg=none; fi\n"
"_hp_df=\n"
"[ -z \"${_hp_dir-}\" ] || _hp_df=$(df -Pk \"$_hp_dir\" </dev/null 2>/dev/null | "
"{ read -r _hp_x; read -r _hp_x _hp_x _hp_x _hp_df _hp_x; printf %s \"$_hp_df\"; })\n"
"printf 'disk_free_kb %s\\n' \"$_hp_df\"\n"
/* cpu0's core siblings (threads per core) and the load (cpuinfo.c): read, not
 * forked; but dash's read gets nothing from this sysfs file (seen on Debian's
 * dash; bash reads it), so an empty read costs a cat */
"_hp_ts= _hp_la=\n"
"if [ -r /sys/devices/system/cpu/cpu0/topology/thread_siblings_list ]; then\n"
"\tread -r _hp_ts </sys/devices/system/cpu/cpu0/topology/thread_siblings_list\n"
"\t[ -n \"$_hp_ts\" ] || _hp_ts=$(cat /sys/devices/system/cpu/cpu0/topology/thread_siblings_list "
"</dev/null 2>/dev/null)\n"
"fi\n"
"[ -r /proc/loadavg ] && read -r _hp_la </proc/loadavg\n"
"printf 'cpu_siblings %s\\nloadavg %s\\n' \"$_hp_ts\" \"$_hp_la\"\n"
"printf 'hostname %s\\ncpus %s\\nmem_kb %s\\nboot_id %s\\ncgroup %s\\n' "
"\"$_hp_h\" \"$_hp_c\" \"$_hp_m\" \"$_hp_b\" \"$_hp_cg\"\n"
ISOLATE_PROBE_SH
"_hp_g='' _hp_a='' _hp_l='' _hp_r=127\n"
"if command -v nvidia-smi >/dev/null 2>&1; then\n"
"\tif command -v timeout >/dev/null 2>&1; then\n"
"\t\t_hp_g=$(timeout 10 " NVSMI_GPU_CMD ")\n"
"\t\t_hp_r=$?\n"
"\t\t[ \"$_hp_r\" -ne 0 ] || _hp_a=$(timeout 10 " NVSMI_APP_CMD ")\n"
"\t\t[ \"$_hp_r\" -ne 0 ] || _hp_l=$(timeout 10 " NVSMI_LIST_CMD ")\n"
"\telse\n"
"\t\t_hp_g=$(" NVSMI_GPU_CMD ")\n"
"\t\t_hp_r=$?\n"
"\t\t[ \"$_hp_r\" -ne 0 ] || _hp_a=$(" NVSMI_APP_CMD ")\n"
"\t\t[ \"$_hp_r\" -ne 0 ] || _hp_l=$(" NVSMI_LIST_CMD ")\n"
"\tfi\n"
"fi\n"
"printf 'gpu_rc %s\\ngpus\\n' \"$_hp_r\"\n"
"[ -z \"$_hp_g\" ] || printf '%s\\n' \"$_hp_g\"\n"
"printf 'apps\\n'\n"
"[ -z \"$_hp_a\" ] || printf '%s\\n' \"$_hp_a\"\n"
"printf 'list\\n'\n"
"[ -z \"$_hp_l\" ] || printf '%s\\n' \"$_hp_l\"\n"
"printf 'procs\\n'\n"
"_hp_s=\n"
"[ -z \"$_hp_a\" ] || while IFS=, read -r _hp_u _hp_p _hp_k; do\n"
"\t_hp_p=${_hp_p#\"${_hp_p%%[! ]*}\"}\n"
"\tcase $_hp_p in ''|*[!0-9]*) continue;; esac\n"
"\tcase $_hp_s in *\" $_hp_p \"*) continue;; esac\n"
"\t_hp_s=\"$_hp_s $_hp_p \" _hp_t=\n"
"\tread -r _hp_t 2>/dev/null </proc/$_hp_p/stat\n"
"\t_hp_t=${_hp_t##*) }; _hp_t=${_hp_t#* }\n"
"\t_hp_q=${_hp_t%% *}; _hp_t=${_hp_t#* }; _hp_g=${_hp_t%% *}\n"
"\t_hp_t=${_hp_t#* }; _hp_t=${_hp_t%% *}\n"
"\tcase $_hp_t$_hp_g$_hp_q in *[!0-9]*) _hp_t= _hp_g= _hp_q=;; esac\n"
"\t_hp_o=$(while read -r _hp_k _hp_v _hp_x; do case $_hp_k in Uid:) echo \"$_hp_v\"; break;; esac; done 2>/dev/null </proc/$_hp_p/status)\n"
"\t_hp_n=\n"
"\t[ -z \"$_hp_o\" ] || _hp_n=$(getent passwd \"$_hp_o\" 2>/dev/null </dev/null)\n"
"\t_hp_n=${_hp_n%%:*}\n"
"\t_hp_j=$(tr '\\0' '\\n' 2>/dev/null </proc/$_hp_p/environ | grep '^HERD_JOB_ID=[0-9]*$' 2>/dev/null)\n"
"\t_hp_j=${_hp_j#HERD_JOB_ID=}; _hp_j=${_hp_j%%[!0-9]*}\n"
"\t_hp_c= _hp_i=0\n"
"\twhile [ \"$_hp_i\" -lt 16 ]; do\n"
"\t\tcase $_hp_q in ''|*[!0-9]*|0|1) break;; esac\n"
"\t\t_hp_c=$_hp_c${_hp_c:+,}$_hp_q _hp_x= _hp_i=$((_hp_i + 1))\n"
"\t\tread -r _hp_x 2>/dev/null </proc/$_hp_q/stat\n"
"\t\t_hp_x=${_hp_x##*) }; _hp_x=${_hp_x#* }; _hp_q=${_hp_x%% *}\n"
"\tdone\n"
"\tprintf '%s %s %s %s %s %s %s\\n' \"$_hp_p\" \"${_hp_o:--}\" \"${_hp_n:--}\" "
"\"${_hp_t:--}\" \"${_hp_g:--}\" \"${_hp_c:--}\" \"${_hp_j:--}\"\n"
"done <<_HP_APPS\n"
"$_hp_a\n"
"_HP_APPS\n"
"printf 'end\\n'\n"
"unset _hp_h _hp_c _hp_k _hp_v _hp_u _hp_m _hp_b _hp_cg _hp_g _hp_a _hp_l _hp_r _hp_df "
"_hp_dir\n"
"unset _hp_p _hp_s _hp_t _hp_q _hp_o _hp_n _hp_j _hp_i _hp_x _hp_ts _hp_la\n"
"}\n";

const char *probe_script(void)
{
	return probe_sh;
}

int probe_program(struct buf *out, const char *herd_dir)
{
	int r = buf_addstr(out, "_hp_dir=");
	r |= launch_dir_word(out, herd_dir, NULL);
	r |= buf_addc(out, '\n');
	r |= buf_addstr(out, probe_sh);
	return r ? -1 : 0;
}

void probe_result_init(struct probe_result *r)
{
	memset(r, 0, sizeof *r);
	r->cpus = -1;
	r->mem_mb = -1;
	r->disk_free_kb = -1;
	r->load[0] = r->load[1] = r->load[2] = -1;
	r->gpu_state = GPUS_NONE;
	strlcpy_h(r->cgroup, "none", sizeof r->cgroup);
}

void probe_result_clear(struct probe_result *r)
{
	free(r->gpus);
	free(r->apps);
	free(r->procs);
	probe_result_init(r);
}

/* Where things were found while reading the answer. */
struct probe_seen {
	int hostname, cpus, mem, boot_id, cgroup, gpu_rc, end, disk, siblings, load;
	long long rc;
	struct span gpus, apps, list, procs;
};

/* Copy a value that must fit and must not hide control bytes. */
static int copy_value(char *dst, size_t dstsz, struct span v)
{
	size_t i;

	if (v.n >= dstsz)
		return -1;
	for (i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] < 0x20 || v.p[i] == 0x7f)
			return -1;
	memcpy(dst, v.p, v.n);
	dst[v.n] = '\0';
	return 0;
}

/* One "key value" line; unknown keys are fine, known ones only once. */
static int probe_kv(struct span line, struct probe_result *r,
    struct probe_seen *s, char *err, size_t errsz)
{
	const char *sp = memchr(line.p, ' ', line.n);
	struct span key = { line.p, line.n }, val = { line.p + line.n, 0 };
	long long n;
	int bad = 0, *seen = NULL;

	if (sp != NULL) {
		key.n = (size_t)(sp - line.p);
		val.p = sp + 1;
		val.n = line.n - key.n - 1;
	}
	if (span_eq(key, "hostname")) {
		seen = &s->hostname;
		bad = copy_value(r->hostname, sizeof r->hostname, val);
	} else if (span_eq(key, "cpus")) {
		seen = &s->cpus;
		if ((bad = span_num(val, 1, 1000000, &n)) == 0)
			r->cpus = (int)n;
	} else if (span_eq(key, "mem_kb")) {
		seen = &s->mem;
		if ((bad = span_num(val, 1, 1LL << 50, &n)) == 0)
			r->mem_mb = n / 1024;
	} else if (span_eq(key, "boot_id")) {
		seen = &s->boot_id;
		bad = copy_value(r->boot_id, sizeof r->boot_id, val);
	} else if (span_eq(key, "cgroup")) {
		seen = &s->cgroup;
		/* A kind we do not know is one we cannot use. */
		if (span_eq(val, "v2") || span_eq(val, "v1"))
			bad = copy_value(r->cgroup, sizeof r->cgroup, val);
	} else if (span_eq(key, "disk_free_kb")) {
		/* Empty: df is missing or failed; unknown, not an error. */
		seen = &s->disk;
		if (val.n > 0 && (bad = span_num(val, 0, 1LL << 50, &n)) == 0)
			r->disk_free_kb = n;
	} else if (span_eq(key, "cpu_siblings")) {
		/* Empty: no sysfs topology (a container); unknown, counted as 1. */
		seen = &s->siblings;
		if (val.n > 0)
			bad = cpuinfo_list_count(val, CPUINFO_TPC_MAX, &r->threads_per_core);
	} else if (span_eq(key, "loadavg")) {
		seen = &s->load;
		if (val.n > 0)
			bad = cpuinfo_loadavg(val, r->load);
	} else if (span_eq(key, "gpu_rc")) {
		seen = &s->gpu_rc;
		bad = span_num(val, 0, 255, &s->rc);
	} else {
		/* What can confine a job (isolate.c): its own lines. */
		int ir = isolate_parse_kv(key.p, key.n, val.p, val.n, &r->iso, err, errsz);
		return ir == 1 ? 0 : ir;
	}
	if (*seen) {
		snprintf(err, errsz, "probe: \"%.*s\" given twice", (int)key.n,
		    key.p);
		return -1;
	}
	*seen = 1;
	if (bad) {
		char vis[128], raw[41];
		int rawn = (int)(val.n < 40 ? val.n : 40);

		snprintf(raw, sizeof raw, "%.*s", rawn, val.p);
		str_vis(vis, sizeof vis, raw);
		snprintf(err, errsz, "probe: bad %.*s \"%s\"", (int)key.n,
		    key.p, vis);
		return -1;
	}
	return 0;
}

/*
 * Split the answer: key lines, then the raw gpus and apps sections (spans
 * into text, handed to the CSV parser as they are), then "end".
 */
static int probe_split(const char *text, size_t len, struct probe_result *r,
    struct probe_seen *s, char *err, size_t errsz)
{
	struct span rest = { text, len }, line, *sect = NULL;

	while (span_next_line(&rest, &line)) {
		if (span_eq(line, "end")) {
			s->end = 1;
			break;
		}
		if ((sect == NULL && span_eq(line, "gpus")) ||
		    (sect == &s->gpus && span_eq(line, "apps")) ||
		    (sect == &s->apps && span_eq(line, "list")) ||
		    ((sect == &s->apps || sect == &s->list) && span_eq(line, "procs"))) {
			sect = sect == NULL ? &s->gpus : sect == &s->gpus ? &s->apps :
			    span_eq(line, "list") ? &s->list : &s->procs;
			sect->p = rest.p;
		} else if (sect != NULL)
			sect->n = (size_t)(line.p + line.n - sect->p);
		else if (probe_kv(line, r, s, err, errsz) != 0)
			return -1;
	}
	return 0;
}

/* nvidia-smi failed: keep the first line it printed, as the reason. */
static void gpu_failed(struct probe_result *r, long long rc,
    struct span out)
{
	struct span line;
	char raw[sizeof r->gpu_error];
	size_t n;

	r->gpu_state = GPUS_ERROR;
	while (span_next_line(&out, &line)) {
		while (line.n > 0 && (line.p[0] == ' ' || line.p[0] == '\t')) {
			line.p++;
			line.n--;
		}
		if (line.n == 0)
			continue;
		n = line.n < sizeof raw ? line.n : sizeof raw - 1;
		snprintf(raw, sizeof raw, "%.*s", (int)n, line.p);
		str_vis(r->gpu_error, sizeof r->gpu_error, raw);
		return;
	}
	snprintf(r->gpu_error, sizeof r->gpu_error,
	    "nvidia-smi exited with status %lld and printed nothing", rc);
}

/*
 * MIG: the -L section names each GPU's MIG devices, which are handed out
 * instead of their GPU (gpu.h).  Without the section (an older answer) or
 * with no MIG device in it, the list stays as the CSV gave it.
 */
static void probe_mig(struct probe_result *r, const struct probe_seen *s)
{
	struct gpu_info *l, *out;
	size_t nl, n, cap = PROBE_MAX_GPUS * 2;
	char why[200];

	if (s->list.p == NULL || s->list.n == 0)
		return;
	l = xcalloc(cap, sizeof *l);
	if (nvsmi_parse_list(s->list.p, s->list.n, l, cap, &nl, why, sizeof why) != 0) {
		r->gpu_state = GPUS_ERROR;
		r->ngpus = 0;
		snprintf(r->gpu_error, sizeof r->gpu_error, "list: %s", why);
		free(l);
		return;
	}
	out = xcalloc(PROBE_MAX_GPUS, sizeof *out);
	n = gpu_mig_expand(r->gpus, r->ngpus, l, nl, out, PROBE_MAX_GPUS);
	free(r->gpus);
	r->gpus = out;
	r->ngpus = n;
	free(l);
}

/* The CSV sections, when nvidia-smi answered; its failures are GPUS_ERROR. */
static void probe_gpus(struct probe_result *r, const struct probe_seen *s)
{
	char why[200];

	r->gpu_state = GPUS_NONE;
	if (!s->gpu_rc || s->rc == 127)
		return;
	if (s->rc != 0) {
		gpu_failed(r, s->rc, s->gpus);
		return;
	}
	r->gpu_state = GPUS_OK;
	if (nvsmi_parse_gpus(s->gpus.p, s->gpus.n, PROBE_GPU_FIELDS, r, why,
	    sizeof why) != 0) {
		r->gpu_state = GPUS_ERROR;
		snprintf(r->gpu_error, sizeof r->gpu_error, "gpus: %s", why);
		return;
	}
	/* Unknown processes would go unseen: such GPUs are not safe to use. */
	if (nvsmi_parse_apps(s->apps.p, s->apps.n, PROBE_APP_FIELDS, r, why,
	    sizeof why) != 0) {
		r->gpu_state = GPUS_ERROR;
		r->ngpus = 0;
		snprintf(r->gpu_error, sizeof r->gpu_error, "apps: %s", why);
		return;
	}
	/* Nor can processes of unknown owners be told apart (foreign.c). */
	if (gpuproc_parse(s->procs.p, s->procs.n, r, why, sizeof why) != 0) {
		r->gpu_state = GPUS_ERROR;
		r->ngpus = 0;
		r->napps = 0;
		snprintf(r->gpu_error, sizeof r->gpu_error, "%s", why);
		return;
	}
	probe_mig(r, s);
}

int probe_parse(const char *text, size_t len, struct probe_result *r,
    char *err, size_t errsz)
{
	struct probe_seen s;

	probe_result_clear(r);
	memset(&s, 0, sizeof s);
	if (len > PROBE_OUTPUT_MAX) {
		snprintf(err, errsz, "probe: output over %u bytes",
		    PROBE_OUTPUT_MAX);
		return -1;
	}
	if (len > 0 && memchr(text, '\0', len) != NULL) {
		snprintf(err, errsz, "probe: output contains a NUL byte");
		return -1;
	}
	if (probe_split(text, len, r, &s, err, errsz) != 0)
		goto fail;
	if (!s.end) {
		snprintf(err, errsz, "probe: output ends before \"end\"");
		goto fail;
	}
	if (!s.cpus || !s.mem) {
		snprintf(err, errsz, "probe: no %s line",
		    !s.cpus ? "cpus" : "mem_kb");
		goto fail;
	}
	probe_gpus(r, &s);
	return 0;
fail:
	probe_result_clear(r);
	return -1;
}

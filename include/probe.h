/*
 * probe.h — what a node has: the probe script (POSIX sh, run through the
 * node's shell) and the pure parsers of what it prints, including
 * nvidia-smi's CSV.  No I/O here; the parsers are fuzzed.
 *
 * The probe prints, in one round trip:
 *
 *   hostname NAME
 *   cpus N                 (from nproc or /proc/cpuinfo)
 *   mem_kb N               (MemTotal from /proc/meminfo)
 *   boot_id ID             (/proc/sys/kernel/random/boot_id)
 *   cgroup v2|v1|none
 *   iso_* ...              (what can confine a job: isolate.h)
 *   disk_free_kb N         (df -Pk of the herd directory; empty: unknown)
 *   cpu_siblings LIST      (cpu0's thread_siblings_list: threads per core;
 *                            empty: unknown; cpuinfo.h)
 *   loadavg L1 L5 L15 ...  (/proc/loadavg as it is; empty: unknown)
 *   gpu_rc N               (nvidia-smi's exit status; 127: not installed)
 *   gpus                   (then nvidia-smi --query-gpu=PROBE_GPU_FIELDS
 *   ...csv lines...          --format=csv,noheader,nounits, or its error text)
 *   apps                   (then --query-compute-apps=PROBE_APP_FIELDS,
 *   ...csv lines...          same format)
 *   list                   (then nvidia-smi -L: MIG devices, which replace
 *   ...lines...              their GPU in gpus[]; gpu.h's gpu_mig_expand)
 *   procs                  (then, for each pid the apps list, once:
 *   PID UID USER SID PGID CHAIN JOB   its owner, session, process group,
 *                            parent chain "P1,P2,..." or "-", and the
 *                            HERD_JOB_ID of its environment or "-" where
 *                            unreadable; gpuproc.c parses these lines)
 *   end
 *
 * Ownership: struct probe_result is probe_result_init()/probe_result_clear();
 * it owns its arrays.
 */
#ifndef HERD_PROBE_H
#define HERD_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "gpu.h"
#include "isolate.h"

#define PROBE_GPU_FIELDS "index,uuid,name,memory.total,memory.used,utilization.gpu," \
	"pci.bus_id,temperature.gpu"
#define PROBE_APP_FIELDS "gpu_uuid,pid,process_name,used_memory"
#define PROBE_MAX_GPUS GPU_MASK_BITS
#define PROBE_MAX_APPS 1024
#define PROBE_OUTPUT_MAX (1u << 20)

enum gpu_state { GPUS_OK, GPUS_NONE /* no nvidia-smi */, GPUS_ERROR };

struct gpu_app {
	char gpu_uuid[96];
	int pid;
	char process[128];
	int64_t used_mb;	/* -1 unknown */
};

/* What the node says about one process nvidia-smi listed (gpuproc.c). */
#define PROBE_CHAIN_MAX 16
#define PROBE_USER_MAX 32
struct gpu_proc {
	int pid;
	int64_t uid;		/* -1 unknown (it ended before it was read) */
	char user[PROBE_USER_MAX + 1];	/* the node's name for uid; "" unknown */
	int sid, pgid;		/* session and process group; 0 unknown */
	int chain[PROBE_CHAIN_MAX];	/* parent, grandparent, ... */
	int nchain;
	int64_t job;		/* HERD_JOB_ID of its environment; 0 none or unreadable */
};

struct probe_result {
	char hostname[256];
	int cpus;
	int64_t mem_mb;
	char boot_id[64];
	char cgroup[8];		/* "v2", "v1", "none" */
	struct iso_facts iso;	/* what can confine a job there */
	int64_t disk_free_kb;	/* free in the node's herd directory; -1 unknown */
	int threads_per_core;	/* hardware threads of a core; 0 unknown (take 1) */
	int64_t load[3];	/* 1, 5, 15 minute load average in hundredths; -1 unknown */
	enum gpu_state gpu_state;
	char gpu_error[256];	/* nvidia-smi's message when GPUS_ERROR */
	struct gpu_info *gpus;
	size_t ngpus;
	struct gpu_app *apps;
	size_t napps;
	struct gpu_proc *procs;
	size_t nprocs;
};

void probe_result_init(struct probe_result *r);
void probe_result_clear(struct probe_result *r);

/* The probe script (constant POSIX sh text). */
const char *probe_script(void);
/* The probe for a node: its herd directory (a sh word, launch_dir_word)
 * for the free-disk figure, then the script.  0, or -1 (too large). */
struct buf;
int probe_program(struct buf *out, const char *herd_dir);

/* Parse the probe script's output.  0 ok; -1 with *err. */
int probe_parse(const char *text, size_t len, struct probe_result *r, char *err, size_t errsz);

/*
 * Parse nvidia-smi --query-gpu CSV.  If `fields` is NULL the first line is
 * the header (as with --format=csv), whose names may carry units
 * ("memory.total [MiB]"); otherwise `fields` is the comma-separated list that
 * was asked for (noheader).  Values may carry units ("81559 MiB", "35 %") or
 * be [N/A], [Not Supported], [Unknown Error], ...: those give -1.  Missing
 * columns leave defaults (index = row number, util -1, ...).
 * Output that is not CSV at all (an nvidia-smi error message) gives -1 with
 * *err holding its first line, escaped.
 * Appends to r->gpus.  0 ok, -1 error.
 */
int nvsmi_parse_gpus(const char *text, size_t len, const char *fields,
    struct probe_result *r, char *err, size_t errsz);
/* The same for --query-compute-apps; appends to r->apps. */
int nvsmi_parse_apps(const char *text, size_t len, const char *fields,
    struct probe_result *r, char *err, size_t errsz);
/*
 * The probe's procs section (gpuproc.c): one line per process, as above.
 * A pid must be one the apps section lists, and only once; at most
 * PROBE_MAX_APPS.  Sets r->procs.  0 ok, -1 with *err (nothing kept).
 */
int gpuproc_parse(const char *text, size_t len, struct probe_result *r,
    char *err, size_t errsz);
/* The procs line of pid, NULL when the probe told nothing about it. */
const struct gpu_proc *gpuproc_find(const struct probe_result *r, int pid);

/*
 * Parse `nvidia-smi -L` (nvsmi_list.c): a record per GPU (index, name,
 * UUID) and per MIG device (its parent's index and name, its UUID, profile
 * and device number), in the order listed, into out[0..max); *n how many.
 * 0 ok; -1 with *err (the first line, escaped, for a driver message).
 */
int nvsmi_parse_list(const char *text, size_t len, struct gpu_info *out, size_t max,
    size_t *n, char *err, size_t errsz);

#endif

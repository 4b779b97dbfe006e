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
 *   disk_free_kb N         (df -Pk of the herd directory; empty: unknown)
 *   gpu_rc N               (nvidia-smi's exit status; 127: not installed)
 *   gpus                   (then nvidia-smi --query-gpu=PROBE_GPU_FIELDS
 *   ...csv lines...          --format=csv,noheader,nounits, or its error text)
 *   apps                   (then --query-compute-apps=PROBE_APP_FIELDS,
 *   ...csv lines...          same format; room for foreign GPU processes)
 *   end
 *
 * Ownership: struct probe_result is probe_result_init()/probe_result_clear();
 * it owns its arrays.
 */
#ifndef HERD_PROBE_H
#define HERD_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_GPU_FIELDS "index,uuid,name,memory.total,memory.used,utilization.gpu"
#define PROBE_APP_FIELDS "gpu_uuid,pid,process_name,used_memory"
#define PROBE_MAX_GPUS 64
#define PROBE_MAX_APPS 1024
#define PROBE_OUTPUT_MAX (1u << 20)

enum gpu_state { GPUS_OK, GPUS_NONE /* no nvidia-smi */, GPUS_ERROR };

struct gpu_info {
	int index;
	char uuid[96];
	char name[96];
	int64_t mem_total_mb;	/* -1 unknown */
	int64_t mem_used_mb;	/* -1 unknown */
	int util;		/* percent, -1 unknown ([N/A], [Not Supported]) */
};

struct gpu_app {
	char gpu_uuid[96];
	int pid;
	char process[128];
	int64_t used_mb;	/* -1 unknown */
};

struct probe_result {
	char hostname[256];
	int cpus;
	int64_t mem_mb;
	char boot_id[64];
	char cgroup[8];		/* "v2", "v1", "none" */
	int64_t disk_free_kb;	/* free in the node's herd directory; -1 unknown */
	enum gpu_state gpu_state;
	char gpu_error[256];	/* nvidia-smi's message when GPUS_ERROR */
	struct gpu_info *gpus;
	size_t ngpus;
	struct gpu_app *apps;
	size_t napps;
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

#endif

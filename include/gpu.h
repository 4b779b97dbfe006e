/*
 * gpu.h — a GPU as herd knows it: one record per device a node's
 * nvidia-smi lists, known by its UUID; and the one parser and formatter of
 * the lists that name a job's GPUs ("0,3" by nvidia-smi index, "GPU-…,GPU-…"
 * by UUID), with the masks the scheduler hands out (bit i: the i-th record
 * of the node's current list).
 *
 * Theory of operation: an index and a position in the probe's list are
 * only what the last probe said; a GPU that falls off the bus renumbers
 * the rest.  A UUID is the device.  So what is kept (the database, the
 * node's job files) names a job's GPUs by UUID, and a mask is rebuilt from
 * those UUIDs against every new probe (gpu_mask_by_uuids); indices are
 * derived for CUDA_VISIBLE_DEVICES and display.  Pure: no I/O, no
 * allocation but the caller's.
 *
 * Ownership: struct gpu_info is a plain value (fixed-size strings).
 */
#ifndef HERD_GPU_H
#define HERD_GPU_H

#include <stddef.h>
#include <stdint.h>

/* A mask has 64 bits: a node's list is cut there (probe.h's PROBE_MAX_GPUS). */
#define GPU_MASK_BITS 64
/* "GPU-" or "MIG-" and 36 characters today; room for what comes. */
#define GPU_UUID_MAX 96

struct gpu_info {
	int index;		/* nvidia-smi's index; a MIG device: its parent's */
	char uuid[GPU_UUID_MAX];
	char name[96];
	char bus_id[32];	/* PCI bus id "00000000:0F:00.0", "" unknown */
	int64_t mem_total_mb;	/* -1 unknown */
	int64_t mem_used_mb;	/* -1 unknown */
	int util;		/* percent, -1 unknown ([N/A], [Not Supported]) */
	int temp_c;		/* temperature.gpu, Celsius; -1 unknown */
	/* MIG: the profile ("1g.10gb") of a MIG device; "" a whole GPU. */
	char mig_profile[16];
	/* A MIG device's parent GPU's UUID, by which nvidia-smi
	 * --query-compute-apps names its processes; "" a whole GPU. */
	char parent_uuid[GPU_UUID_MAX];
	int mig_index;		/* its MIG device number on the parent, -1 none */
};

/* Free memory in MiB, -1 when total or used is unknown. */
int64_t gpu_mem_free_mb(const struct gpu_info *g);

/*
 * Index lists: "0,3".  Each item decimal digits only, 0..GPU_MASK_BITS-1,
 * at most `max` of them; an empty string is an empty list.  0 ok, -1 bad.
 */
int gpu_list_parse(const char *s, int *idx, size_t max, size_t *n);
/* "0,3" into buf; 0 ok, -1 buf too small (buf holds what fitted, ended). */
int gpu_list_format(const int *idx, size_t n, char *buf, size_t size);

/*
 * UUID lists: "GPU-…,MIG-…".  Splits s into at most `max` UUIDs (copied
 * into uuids[i], GPU_UUID_MAX each): each must start "GPU-" or "MIG-" and
 * hold only letters, digits, '-' and '/' (old MIG names).  0 ok, -1 bad.
 */
int gpu_uuids_parse(const char *s, char (*uuids)[GPU_UUID_MAX], size_t max, size_t *n);
/* Whether one UUID is well-formed (the same rule). */
int gpu_uuid_valid(const char *s, size_t len);

/* The mask over g[0..n) of the GPUs whose index is in `list`; bad list: 0. */
uint64_t gpu_mask_by_indices(const struct gpu_info *g, size_t n, const char *list);
/*
 * The mask over g[0..n) of the GPUs whose UUID is in `uuids`; *missing
 * (may be NULL) gets how many of them the list does not have (a GPU lost
 * from the bus).  Bad list: 0 and *missing -1.
 */
uint64_t gpu_mask_by_uuids(const struct gpu_info *g, size_t n, const char *uuids, int *missing);
/* The indices ("0,3") and the UUIDs ("GPU-…,GPU-…") of mask's GPUs, in list
 * order; 0 ok, -1 buf too small. */
int gpu_mask_indices(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size);
int gpu_mask_uuids(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size);
/*
 * What CUDA_VISIBLE_DEVICES gets for mask's GPUs: their indices, or, when
 * any of them is a MIG device, their UUIDs (CUDA names MIG devices only so).
 */
int gpu_mask_visible(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size);

/*
 * MIG: out[] gets gpus[0..n) in order, each GPU that `list` (nvidia-smi -L,
 * nvsmi_parse_list) shows in MIG mode replaced by its MIG devices: each a
 * GPU of its own, with its parent's index, name and bus id, its own UUID,
 * profile (the type it is asked for by) and the profile's memory.  At most
 * max records; returns how many.
 */
size_t gpu_mig_expand(const struct gpu_info *gpus, size_t n, const struct gpu_info *list,
    size_t nl, struct gpu_info *out, size_t max);

#endif

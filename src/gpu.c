/*
 * gpu.c — GPU records and the lists that name a job's GPUs (gpu.h).
 *
 * Theory of operation: every list that names GPUs (the database's
 * gpu_list and gpu_uuids, the runner's KEY.state, a scan's answer, the
 * launch's CUDA_VISIBLE_DEVICES) is read and written here, strictly: a
 * list read from a node or a database edited by hand that is not exactly
 * ours is refused whole rather than half-used, since a wrong GPU is worse
 * than none.  Masks are positions in a node's current list; they are
 * rebuilt from UUIDs and never kept across probes by position.
 */
#include <stdio.h>
#include <string.h>

#include "gpu.h"
#include "util.h"

int64_t gpu_mem_free_mb(const struct gpu_info *g)
{
	if (g->mem_total_mb < 0 || g->mem_used_mb < 0)
		return -1;
	return g->mem_total_mb > g->mem_used_mb ? g->mem_total_mb - g->mem_used_mb : 0;
}

/* One item of an index list: s[0..len) all digits, below GPU_MASK_BITS. */
static int index_item(const char *s, size_t len, int *out)
{
	int v = 0;
	if (len == 0 || len > 2)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v >= GPU_MASK_BITS)
		return -1;
	*out = v;
	return 0;
}

int gpu_list_parse(const char *s, int *idx, size_t max, size_t *n)
{
	*n = 0;
	if (s == NULL || *s == '\0')
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		if (*n >= max || index_item(s, len, &idx[*n]) != 0)
			return -1;
		(*n)++;
		if (s[len] == '\0')
			return 0;
		s += len + 1;
	}
}

int gpu_list_format(const int *idx, size_t n, char *buf, size_t size)
{
	size_t o = 0;
	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		int w = snprintf(buf + o, size - o, "%s%d", i ? "," : "", idx[i]);
		if (w < 0 || (size_t)w >= size - o) {
			buf[o] = '\0';
			return -1;
		}
		o += (size_t)w;
	}
	return 0;
}

int gpu_uuid_valid(const char *s, size_t len)
{
	if (len < 5 || len >= GPU_UUID_MAX ||
	    (memcmp(s, "GPU-", 4) != 0 && memcmp(s, "MIG-", 4) != 0))
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-' || c == '/'))
			return 0;
	}
	return 1;
}

int gpu_uuids_parse(const char *s, char (*uuids)[GPU_UUID_MAX], size_t max, size_t *n)
{
	*n = 0;
	if (s == NULL || *s == '\0')
		return 0;
	for (;;) {
		size_t len = strcspn(s, ",");
		if (*n >= max || !gpu_uuid_valid(s, len))
			return -1;
		memcpy(uuids[*n], s, len);
		uuids[(*n)++][len] = '\0';
		if (s[len] == '\0')
			return 0;
		s += len + 1;
	}
}

uint64_t gpu_mask_by_indices(const struct gpu_info *g, size_t n, const char *list)
{
	int idx[GPU_MASK_BITS];
	size_t k;
	uint64_t mask = 0;
	if (gpu_list_parse(list, idx, GPU_MASK_BITS, &k) != 0)
		return 0;
	for (size_t i = 0; i < k; i++)
		for (size_t p = 0; p < n && p < GPU_MASK_BITS; p++)
			/* A MIG device shares its parent's index: never by index. */
			if (g[p].index == idx[i] && g[p].mig_profile[0] == '\0')
				mask |= 1ULL << p;
	return mask;
}

uint64_t gpu_mask_by_uuids(const struct gpu_info *g, size_t n, const char *uuids, int *missing)
{
	char u[GPU_MASK_BITS][GPU_UUID_MAX];
	size_t k;
	uint64_t mask = 0;
	int lost = 0;
	if (gpu_uuids_parse(uuids, u, GPU_MASK_BITS, &k) != 0) {
		if (missing != NULL)
			*missing = -1;
		return 0;
	}
	for (size_t i = 0; i < k; i++) {
		size_t p = 0;
		while (p < n && p < GPU_MASK_BITS && strcmp(g[p].uuid, u[i]) != 0)
			p++;
		if (p < n && p < GPU_MASK_BITS)
			mask |= 1ULL << p;
		else
			lost++;
	}
	if (missing != NULL)
		*missing = lost;
	return mask;
}

/* The mask's GPUs, one item each as `item` writes it, comma-separated. */
static int mask_format(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size,
    int by_uuid)
{
	size_t o = 0;
	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (size_t p = 0; p < n && p < GPU_MASK_BITS; p++) {
		if (!(mask & (1ULL << p)))
			continue;
		int w = by_uuid ? snprintf(buf + o, size - o, "%s%s", o ? "," : "", g[p].uuid) :
		    snprintf(buf + o, size - o, "%s%d", o ? "," : "", g[p].index);
		if (w < 0 || (size_t)w >= size - o) {
			buf[o] = '\0';
			return -1;
		}
		o += (size_t)w;
	}
	return 0;
}

int gpu_mask_indices(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size)
{
	return mask_format(g, n, mask, buf, size, 0);
}

int gpu_mask_uuids(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size)
{
	return mask_format(g, n, mask, buf, size, 1);
}

int gpu_mask_visible(const struct gpu_info *g, size_t n, uint64_t mask, char *buf, size_t size)
{
	int mig = 0;
	for (size_t p = 0; p < n && p < GPU_MASK_BITS; p++)
		if ((mask & (1ULL << p)) && g[p].mig_profile[0] != '\0')
			mig = 1;
	return mask_format(g, n, mask, buf, size, mig);
}

/* "1g.10gb", "3g.40gb", "1g.10gb+me": the memory, in MiB; -1 unknown. */
static int64_t profile_mem_mb(const char *p)
{
	const char *dot = strchr(p, '.');
	int64_t gb = 0;
	int any = 0;
	if (dot == NULL)
		return -1;
	for (p = dot + 1; *p >= '0' && *p <= '9' && gb < 100000; p++, any = 1)
		gb = gb * 10 + (*p - '0');
	return any && strncmp(p, "gb", 2) == 0 ? gb * 1024 : -1;
}

size_t gpu_mig_expand(const struct gpu_info *gpus, size_t n, const struct gpu_info *list,
    size_t nl, struct gpu_info *out, size_t max)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		size_t migs = 0;
		for (size_t k = 0; k < nl; k++) {
			if (list[k].mig_profile[0] == '\0')
				continue;
			/* A MIG device's parent is the GPU line above it in -L. */
			size_t p = k;
			while (p > 0 && list[p].mig_profile[0] != '\0')
				p--;
			if (strcmp(list[p].uuid, gpus[i].uuid) != 0 || o >= max)
				continue;
			out[o] = gpus[i];
			strlcpy_h(out[o].parent_uuid, gpus[i].uuid, sizeof out[o].parent_uuid);
			strlcpy_h(out[o].uuid, list[k].uuid, sizeof out[o].uuid);
			strlcpy_h(out[o].mig_profile, list[k].mig_profile, sizeof out[o].mig_profile);
			out[o].mig_index = list[k].mig_index;
			out[o].mem_total_mb = profile_mem_mb(list[k].mig_profile);
			out[o].mem_used_mb = -1;
			out[o].util = -1;
			o++;
			migs++;
		}
		if (migs == 0 && o < max)
			out[o++] = gpus[i];
	}
	return o;
}

/*
 * nvsmi_list.c — `nvidia-smi -L` to GPU records, MIG devices included.
 *
 * Theory of operation: -L is the one listing that names MIG devices with
 * their UUIDs (the CSV queries do not), one line each under their GPU:
 *
 *   GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-63d1e50a-…)
 *     MIG 1g.10gb     Device  0: (UUID: MIG-4d0efb7d-…)
 *
 * (drivers before R470 wrote MIG UUIDs as "MIG-GPU-…/1/0").  A whole GPU
 * becomes a record with its index, name and UUID; a MIG device a record
 * with its parent's index, its profile and its device number.  Anything
 * else but blank lines and nvidia-smi's "WARNING:" lines is refused with
 * that line, escaped, as the error: a driver message is the best thing to
 * show an operator, and a half-read list would hand out a wrong device.
 * gpu_mig_expand (gpu.c) then puts MIG devices in their parents' place.
 */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "span.h"
#include "util.h"

static int bad_line(const struct span *line, size_t lineno, const char *why, char *err,
    size_t errsz)
{
	char raw[128], vis[512];
	size_t n = line->n < sizeof raw - 1 ? line->n : sizeof raw - 1;
	memcpy(raw, line->p, n);
	raw[n] = '\0';
	str_vis(vis, sizeof vis, raw);
	if (lineno == 1 && why == NULL)
		snprintf(err, errsz, "%s", vis);
	else
		snprintf(err, errsz, "line %zu: %s: \"%s\"", lineno, why ? why : "not -L output", vis);
	return -1;
}

/* Digits at *s (advanced), at most 9 of them; -1 none. */
static long digits(struct span *s)
{
	long v = 0;
	size_t i = 0;
	while (i < s->n && i < 9 && s->p[i] >= '0' && s->p[i] <= '9')
		v = v * 10 + (s->p[i++] - '0');
	if (i == 0 || (i < s->n && s->p[i] >= '0' && s->p[i] <= '9'))
		return -1;
	s->p += i;
	s->n -= i;
	return v;
}

static int eat(struct span *s, const char *word)
{
	size_t n = strlen(word);
	if (s->n < n || memcmp(s->p, word, n) != 0)
		return 0;
	s->p += n;
	s->n -= n;
	return 1;
}

static void skip_spaces(struct span *s)
{
	while (s->n > 0 && (s->p[0] == ' ' || s->p[0] == '\t')) {
		s->p++;
		s->n--;
	}
}

/* "... (UUID: X)" at the end of s: X into uuid, s cut before " (UUID: ". */
static int tail_uuid(struct span *s, char *uuid, size_t size)
{
	static const char key[] = "(UUID: ";
	const char *p = NULL;
	for (size_t i = 0; i + sizeof key - 1 <= s->n; i++)
		if (memcmp(s->p + i, key, sizeof key - 1) == 0)
			p = s->p + i;	/* the last one: a name may hold "(" */
	if (p == NULL || s->n == 0 || s->p[s->n - 1] != ')')
		return -1;
	const char *u = p + sizeof key - 1;
	size_t n = (size_t)(s->p + s->n - 1 - u);
	if (n >= size || !gpu_uuid_valid(u, n))
		return -1;
	memcpy(uuid, u, n);
	uuid[n] = '\0';
	s->n = (size_t)(p - s->p);
	while (s->n > 0 && s->p[s->n - 1] == ' ')
		s->n--;
	return 0;
}

/* Copy a name, control bytes made '?'. */
static void copy_name(char *dst, size_t size, struct span v)
{
	size_t n = v.n < size - 1 ? v.n : size - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		dst[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	dst[n] = '\0';
}

static int gpu_line(struct span l, struct gpu_info *g)
{
	long idx;
	memset(g, 0, sizeof *g);
	g->mem_total_mb = g->mem_used_mb = -1;
	g->util = -1;
	g->mig_index = -1;
	if (!eat(&l, "GPU ") || (idx = digits(&l)) < 0 || idx >= GPU_MASK_BITS ||
	    !eat(&l, ": ") || tail_uuid(&l, g->uuid, sizeof g->uuid) != 0 ||
	    strncmp(g->uuid, "GPU-", 4) != 0)
		return -1;
	g->index = (int)idx;
	copy_name(g->name, sizeof g->name, l);
	return 0;
}

/* "MIG 1g.10gb Device 0: (UUID: MIG-…)" under `parent`. */
static int mig_line(struct span l, const struct gpu_info *parent, struct gpu_info *g)
{
	struct span prof;
	long dev;
	*g = *parent;
	g->mem_total_mb = g->mem_used_mb = -1;
	g->util = -1;
	if (!eat(&l, "MIG "))
		return -1;
	skip_spaces(&l);
	prof = l;
	while (l.n > 0 && l.p[0] != ' ')
		l.p++, l.n--;
	prof.n = (size_t)(l.p - prof.p);
	if (prof.n == 0 || prof.n >= sizeof g->mig_profile)
		return -1;
	for (size_t i = 0; i < prof.n; i++) {
		char c = prof.p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '+'))
			return -1;
	}
	skip_spaces(&l);
	if (!eat(&l, "Device"))
		return -1;
	skip_spaces(&l);
	if ((dev = digits(&l)) < 0 || !eat(&l, ":"))
		return -1;
	skip_spaces(&l);
	if (tail_uuid(&l, g->uuid, sizeof g->uuid) != 0 || l.n != 0 ||
	    strncmp(g->uuid, "MIG-", 4) != 0)
		return -1;
	memcpy(g->mig_profile, prof.p, prof.n);
	g->mig_profile[prof.n] = '\0';
	g->mig_index = (int)dev;
	return 0;
}

int nvsmi_parse_list(const char *text, size_t len, struct gpu_info *out, size_t max,
    size_t *n, char *err, size_t errsz)
{
	struct span rest = { text, len }, line;
	size_t lineno = 0;
	int parent = -1;

	*n = 0;
	if (len > PROBE_OUTPUT_MAX || (len > 0 && memchr(text, '\0', len) != NULL)) {
		snprintf(err, errsz, "nvidia-smi -L: output too long or with a NUL byte");
		return -1;
	}
	while (span_next_line(&rest, &line)) {
		lineno++;
		line = span_trim(line);
		if (line.n == 0 || (line.n >= 8 && memcmp(line.p, "WARNING:", 8) == 0))
			continue;
		if (*n >= max)
			return bad_line(&line, lineno, "too many devices", err, errsz);
		if (line.n >= 4 && memcmp(line.p, "GPU ", 4) == 0) {
			if (gpu_line(line, &out[*n]) != 0)
				return bad_line(&line, lineno, *n ? "bad GPU line" : NULL, err, errsz);
			parent = (int)(*n)++;
		} else if (line.n >= 4 && memcmp(line.p, "MIG ", 4) == 0 && parent >= 0) {
			if (mig_line(line, &out[parent], &out[*n]) != 0)
				return bad_line(&line, lineno, "bad MIG line", err, errsz);
			(*n)++;
		} else
			return bad_line(&line, lineno, *n ? "not -L output" : NULL, err, errsz);
	}
	return 0;
}

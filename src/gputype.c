/*
 * gputype.c — GPU types from nvidia-smi's model names.  See gputype.h.
 *
 * Theory of operation: a lab names its GPUs the way Slurm sites write
 * their gres.conf Type= (a100, rtx3090, l40s), which is the model number
 * with the marketing words taken away.  The name is split into words at
 * blanks, '-' and '_', lower-cased; words that every card or no user
 * says are dropped; the first word holding a digit is the model.  That
 * one rule covers every capture in ../shared/fixtures/nvidia-smi and the
 * usual datacentre and desk cards, and where it is wrong (a renamed card,
 * a name with no digit) hosts.ini's gpu_types says what the node's GPUs
 * are called.  Everything works on fixed buffers: a model name is at most
 * 96 bytes (struct gpu_info).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gputype.h"

#define WORDS_MAX 16
#define WORD_MAX 32

/* The parts of a model name a type is made of; "" where absent. */
struct gparts {
	char prefix[WORD_MAX];	/* rtx, gtx, titan: before the model */
	char core[WORD_MAX];	/* a100, 3090, l40s */
	char suffix[WORD_MAX];	/* super, ti, ada: after it */
	char mem[WORD_MAX];	/* 80gb */
};

static int has_digit(const char *w)
{
	return strpbrk(w, "0123456789") != NULL;
}

static int is_mem(const char *w)
{
	size_t d = strspn(w, "0123456789");
	return d > 0 && strcmp(w + d, "gb") == 0;
}

static int in_set(const char *w, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(w, *set) == 0)
			return 1;
	return 0;
}

/* Split and lower-case; words longer than WORD_MAX - 1 are cut. */
static size_t split(const char *s, char w[][WORD_MAX])
{
	size_t n = 0;
	while (*s != '\0' && n < WORDS_MAX) {
		size_t len = strcspn(s, " \t-_"), k;
		if (len > 0) {
			for (k = 0; k < len && k < WORD_MAX - 1; k++)
				w[n][k] = (char)tolower((unsigned char)s[k]);
			w[n++][k] = '\0';
		}
		s += len;
		s += strspn(s, " \t-_");
	}
	return n;
}

static void parts_of(const char *model, struct gparts *g)
{
	static const char *const prefixes[] = { "rtx", "gtx", "titan", NULL };
	static const char *const suffixes[] = { "super", "ti", "ada", NULL };
	char w[WORDS_MAX][WORD_MAX];
	size_t n = split(model, w), i;

	memset(g, 0, sizeof *g);
	for (i = 0; i < n && !has_digit(w[i]); i++)
		;
	if (i == n)
		return;
	memcpy(g->core, w[i], WORD_MAX);
	if (i > 0 && in_set(w[i - 1], prefixes))
		memcpy(g->prefix, w[i - 1], WORD_MAX);
	if (i + 1 < n && in_set(w[i + 1], suffixes))
		memcpy(g->suffix, w[i + 1], WORD_MAX);
	for (size_t k = i; k < n; k++)
		if (is_mem(w[k])) {
			memcpy(g->mem, w[k], WORD_MAX);
			break;
		}
}

/* The type with or without its prefix, with or without the memory. */
static void compose(const struct gparts *g, int prefix, int mem, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", prefix ? g->prefix : "", g->core, g->suffix,
	    mem && g->mem[0] ? "-" : "", mem ? g->mem : "");
}

void gputype_of(const char *model, char *buf, size_t size)
{
	struct gparts g;
	parts_of(model, &g);
	/* "rtx3090" but "a5000": a bare number is no name */
	compose(&g, g.core[0] != '\0' && isdigit((unsigned char)g.core[0]), 0, buf, size);
}

/* Whether a gpu_types list holds `want`. */
static int alias_listed(const char *list, const char *want)
{
	size_t wl = strlen(want);
	while (*list != '\0') {
		list += strspn(list, ", \t");
		size_t len = strcspn(list, ", \t");
		if (len == wl && len > 0 && strncasecmp(list, want, len) == 0)
			return 1;
		list += len;
	}
	return 0;
}

int gputype_match(const char *model, const char *aliases, const char *want)
{
	struct gparts g;
	char t[4 * WORD_MAX];

	if (aliases != NULL && aliases[0] != '\0')
		return alias_listed(aliases, want);
	parts_of(model, &g);
	if (g.core[0] == '\0')
		return 0;
	for (int prefix = 0; prefix < 2; prefix++)
		for (int mem = 0; mem < 2; mem++) {
			compose(&g, prefix, mem, t, sizeof t);
			if (strcasecmp(t, want) == 0)
				return 1;
		}
	return 0;
}

void gputype_show(const char *model, const char *aliases, char *buf, size_t size)
{
	if (aliases != NULL && aliases[0] != '\0') {
		const char *s = aliases + strspn(aliases, ", \t");
		size_t len = strcspn(s, ", \t");
		snprintf(buf, size, "%.*s", (int)len, s);
		return;
	}
	gputype_of(model, buf, size);
}

int gputype_valid(const char *t)
{
	size_t n = strlen(t);
	return n > 0 && n <= GPUTYPE_MAX &&
	    strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

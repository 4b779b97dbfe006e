/*
 * Fuzz target: sinfo's rows from hostile herdd answers.  The first line
 * is an -o format; each further line a node "NAME\tSTATE\tPARTS".  Every
 * row must fit and carry no control byte but the format's own; the node names compressed
 * (hostlist_compress) must read back as a list holding each valid name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostlist.h"
#include "slurm_sinfo.h"

#define NODES 256

/* Whether the format itself has a control byte (its literals are the user's). */
static int spec_ctl;

static void check_line(void *arg, const char *line)
{
	(void)arg;
	if (spec_ctl)
		return;
	for (const char *p = line; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			abort();
}

static int plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *s) == NULL)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[16384], list[HOSTLIST_TEXT_MAX];
	static struct sinfo_node nodes[NODES];
	static struct listfmt f;
	const char *names[NODES];
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1, k = 0;
	char err[256], *p = buf, *line;
	const struct sinfo_part parts[] = { { "gpu", 1, 3600, 0 }, { "all", 0, 0, 0 } };

	memcpy(buf, data, n);
	buf[n] = '\0';
	const char *spec = strsep(&p, "\n");
	spec_ctl = 0;
	for (const char *c = spec; *c != '\0'; c++)
		spec_ctl |= (unsigned char)*c < 0x20 && *c != '\t';
	while (k < NODES && (line = strsep(&p, "\n")) != NULL) {
		struct sinfo_node *d = &nodes[k];
		d->name = strsep(&line, "\t");
		d->state = line != NULL ? strsep(&line, "\t") : NULL;
		d->parts = line;
		d->cpus = (int64_t)k;
		d->mem_mb = 1;
		memcpy(d->gres, "gpu:2", 6);
		names[k++] = d->name;
	}
	if (listfmt_parse_letters(spec, sinfo_cols, nsinfo_cols, &f, err, sizeof err) == 0) {
		struct sinfo_query q = { &f, NULL, NULL, 0 };
		sinfo_lines(&q, parts, 2, nodes, k, check_line, NULL);
		q.by_node = 1;
		q.parts = "gpu";
		sinfo_lines(&q, parts, 2, nodes, k, check_line, NULL);
	}
	if (hostlist_compress(names, k, list, sizeof list) >= 0 && k > 0) {
		if (hostlist_check(list, NULL, err, sizeof err) == 0)
			for (size_t i = 0; i < k; i++)
				if (plain(names[i]) && strlen(names[i]) < 64 &&
				    hostlist_match(list, names[i]) != 1)
					abort();
	}
	return 0;
}

/*
 * Fuzz target: sacct's -o text (the first line) parsed, then a job frame
 * of hostile values (each further line "KEY\tVALUE") printed in every
 * field and layout.  A line must fit its buffer and carry no control byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "slurm_sacct.h"

static void clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[8192], line[SACCT_FIELDS_MAX * (SACCT_WIDTH_MAX + 2) + 64];
	static char cells[SACCT_FIELDS_MAX][512];
	static struct sacct_format f;
	const char *vals[SACCT_FIELDS_MAX];
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
	char err[512], *p = buf, *l;
	struct msg m;

	memcpy(buf, data, n);
	buf[n] = '\0';
	const char *spec = strsep(&p, "\n");
	if (sacct_parse_format(spec, &f, err, sizeof err) != 0)
		return 0;
	msg_init(&m, "job");
	while ((l = strsep(&p, "\n")) != NULL) {
		char *key = strsep(&l, "\t");
		msg_adds(&m, key, l != NULL ? l : "");
	}
	for (size_t i = 0; i < f.n; i++) {
		vals[i] = sacct_value(f.f[i].kind, &m, 1000, cells[i], sizeof cells[i]);
		clean(vals[i]);
	}
	for (int mode = SACCT_FIXED; mode <= SACCT_PARSABLE2; mode++) {
		if (sacct_line(&f, vals, (enum sacct_mode)mode, line, sizeof line) >= sizeof line)
			abort();
		clean(line);
		sacct_header(&f, (enum sacct_mode)mode, line, sizeof line);
	}
	sacct_rule(&f, line, sizeof line);
	msg_clear(&m);
	return 0;
}

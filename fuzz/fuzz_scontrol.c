/*
 * Fuzz target: herdd's frames as scontrol shows them.  Each input line is
 * "KEY\tVALUE" of one frame; the frame is laid out as a job and as a node,
 * in lines and in one line.  The text must fit and carry no control byte
 * but the layout's own newlines.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "slurm_scontrol.h"

static void clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\n')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[8192], out[SCONTROL_KV_MAX * (2 * SCONTROL_BUF + 40)];
	static char bufs[SCONTROL_KV_MAX][SCONTROL_BUF];
	struct scontrol_kv kv[SCONTROL_KV_MAX];
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
	char *p = buf, *l;
	struct msg m;

	memcpy(buf, data, n);
	buf[n] = '\0';
	msg_init(&m, "job");
	while ((l = strsep(&p, "\n")) != NULL) {
		char *key = strsep(&l, "\t");
		msg_adds(&m, key, l != NULL ? l : "");
	}
	for (int one = 0; one < 2; one++) {
		size_t k = scontrol_job_kv(&m, 1000, kv, bufs);
		if (k > SCONTROL_KV_MAX || scontrol_layout(kv, k, one, out, sizeof out) >= sizeof out)
			abort();
		clean(out);
		k = scontrol_node_kv(&m, kv, bufs);
		if (k > SCONTROL_KV_MAX || scontrol_layout(kv, k, one, out, sizeof out) >= sizeof out)
			abort();
		clean(out);
	}
	(void)scontrol_word(buf, "partitions", 4);
	msg_clear(&m);
	return 0;
}

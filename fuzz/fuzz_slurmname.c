/*
 * Fuzz target: the input's lines as squeue's arguments (the first as
 * argv[0]) and each line as a cancel answer.  The rewrite must keep every
 * word in order after "queue" and the optional default -o, and fit.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slurmname.h"

#define WORDS 64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[4096], *words[WORDS + 1], *out[WORDS + 4];
	size_t n = size < sizeof buf - 1 ? size : sizeof buf - 1;
	int argc = 0;

	memcpy(buf, data, n);
	buf[n] = '\0';
	for (char *p = buf, *line; argc < WORDS && (line = strsep(&p, "\n")) != NULL;)
		words[argc++] = line;
	words[argc] = NULL;
	(void)slurm_name_of(words[0]);
	int k = slurm_squeue_args(argc, words, out, WORDS + 4);
	if (k < 1 || out[k] != NULL || strcmp(out[0], "queue") != 0)
		abort();
	int shift = k - argc;	/* 0 with the user's format, 2 with the default */
	if (shift != 0 && shift != 2)
		abort();
	for (int i = 1; i < argc; i++)
		if (out[i + shift] != words[i])
			abort();
	for (int i = 0; i < argc; i++)
		(void)slurm_cancel_quiet(words[i]);
	return 0;
}

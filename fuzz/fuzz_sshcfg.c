/*
 * Fuzz target: the input as a node's answer to herd ssh-config's setup,
 * then the sshd_config and known_hosts line made from whatever parsed.
 * Every text made must be lines of printable bytes only (a control byte
 * would let a value start a directive of its own), and every SetEnv word
 * an environment record the answer held, with a kept name.  The same input
 * is also read as a Host block (herd ssh-config --json): each line read
 * moves on, stays inside the input, and gives values without control bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshcfg.h"
#include "util.h"

static void printable_lines(const struct buf *b)
{
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
	}
}

static void block_lines(const char *in)
{
	char key[64], val[4096];
	const char *p = in, *end = in + strlen(in);
	int r;
	while ((r = sshcfg_block_next(&p, key, sizeof key, val, sizeof val)) != 0) {
		if (p > end)
			abort();
		for (const char *v = val; r == 1 && *v != '\0'; v++)
			if ((unsigned char)*v < 0x20 || *v == 0x7f)
				abort();
		if (r == 1 && strlen(key) == 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct sshcfg_node n;
	struct buf cfg, kh;
	if (size > SSHCFG_OUT_MAX)
		return 0;
	char *in = malloc(size + 1);
	if (in == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	block_lines(in);
	buf_init(&cfg, 256u * 1024);
	buf_init(&kh, 8192);
	if (sshcfg_parse_setup(in, size, &n, err, sizeof err) == 0) {
		for (size_t i = 0; i < n.nenv; i++)
			if (!sshcfg_env_kept(n.env[i], strcspn(n.env[i], "=")) ||
			    n.env[i] < in || n.env[i] >= in + size)
				abort();
		if (sshcfg_sshd_config(&cfg, &n, err, sizeof err) == 0)
			printable_lines(&cfg);
		if (sshcfg_known_hosts(&kh, "herd-1", n.hostkey, err, sizeof err) == 0)
			printable_lines(&kh);
	}
	buf_clear(&cfg);
	buf_clear(&kh);
	free(in);
	return 0;
}

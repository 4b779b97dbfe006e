/*
 * Fuzz target: an authorized_keys file as herd register finds it.  Edits
 * must keep every line that is not ours, byte for byte, and drop ours;
 * removing twice changes nothing more; the line given is the last.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authkeys.h"
#include "util.h"

#define MARK "herd-lab:test"
#define LINE "from=\"127.0.0.1\",restrict ssh-ed25519 AAAAC3Nza " MARK

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf a, b, c;
	buf_init(&a, AUTHKEYS_MAX + 4096);
	buf_init(&b, AUTHKEYS_MAX + 4096);
	buf_init(&c, AUTHKEYS_MAX + 4096);
	int r = authkeys_edit((const char *)data, size, MARK, LINE, &a);
	if (r >= 0) {
		if (a.len < sizeof LINE || memcmp(a.data + a.len - sizeof LINE, LINE "\n",
		    sizeof LINE) != 0)
			abort();
		/* Ours again: the line replaces itself, nothing else moves. */
		if (authkeys_edit(a.data, a.len, MARK, NULL, &b) != 1)
			abort();
		if (authkeys_edit(b.data ? b.data : "", b.len, MARK, NULL, &c) != 0 ||
		    c.len != b.len || (c.len && memcmp(b.data, c.data, c.len) != 0))
			abort();
	}
	buf_clear(&a);
	buf_clear(&b);
	buf_clear(&c);
	return 0;
}

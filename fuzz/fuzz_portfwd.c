/*
 * fuzz_portfwd.c — herd port-forward's [LOCALPORT:]REMOTEPORT from
 * arbitrary bytes: a taken argument has ports in range and says them back
 * as its text; a refusal always says why.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portfwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256], err[128] = "";
	int l = -1, r = -1;
	size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
	memcpy(s, data, n);
	s[n] = '\0';
	if (portfwd_parse(s, &l, &r, err, sizeof err) != 0) {
		if (err[0] == '\0')
			abort();
		return 0;
	}
	if (l < 0 || l > 65535 || r < 1 || r > 65535)
		abort();
	/* Leading zeros aside, the text is the ports. */
	if (strchr(s, ':') == NULL && atoi(s) != r)
		abort();
	if (strchr(s, ':') != NULL && (atoi(s) != l || atoi(strchr(s, ':') + 1) != r))
		abort();
	return 0;
}

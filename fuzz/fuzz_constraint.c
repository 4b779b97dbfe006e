/*
 * Fuzz target: the first line as a --constraint expression and as a -w/-x
 * host list, the second as a node's features and name.  Check and match
 * must agree on what parses; a list that checks counts at least one name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "constraint.h"
#include "hostlist.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[HERD_ERRLEN];
	size_t n = strnlen((const char *)data, size), count = 0;
	char *text = xstrndup((const char *)data, n);
	char *nl = strchr(text, '\n'), *other = "";
	if (nl != NULL) {
		*nl = '\0';
		other = nl + 1;
	}
	int ok = constraint_check(text, err, sizeof err) == 0;
	int m = constraint_match(text, other);
	if (ok != (m >= 0))
		abort();
	ok = hostlist_check(text, &count, err, sizeof err) == 0;
	m = hostlist_match(text, other);
	if (ok != (m >= 0) || (ok && count == 0))
		abort();
	free(text);
	return 0;
}

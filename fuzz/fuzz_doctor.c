/*
 * fuzz_doctor.c — doctor_parse() on arbitrary bytes: what a node's shell
 * prints to herd doctor is not trusted.  The input is handed over as is,
 * not NUL-terminated, so a read past its end is caught.  What it keeps
 * must be terminated and of the shapes doctor.h promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doctor_facts f;
	char err[256];

	if (doctor_parse((const char *)data, size, "test", &f, err, sizeof err) == 0) {
		if (!f.ended || f.nclusters > DOCTOR_MAX_CLUSTERS)
			abort();
		if (strlen(f.driver) >= sizeof f.driver || strlen(f.disk_path) >= sizeof f.disk_path ||
		    strlen(f.user) >= sizeof f.user || strlen(f.mig) >= sizeof f.mig)
			abort();
		if (strspn(f.driver, "0123456789.") != strlen(f.driver))
			abort();
		for (size_t i = 0; i < f.nclusters; i++)
			if (f.clusters[i][0] == '\0' || strcmp(f.clusters[i], "test") == 0)
				abort();
		if (f.linger < -1 || f.linger > 1 || f.killuser < -1 || f.killuser > 1)
			abort();
	} else if (err[0] == '\0')
		abort();
	return 0;
}

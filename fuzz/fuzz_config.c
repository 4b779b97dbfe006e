/*
 * fuzz_config.c — config_load() and config_load_client() on arbitrary bytes.
 *
 * config_load() takes a path, so each input is put in a memfd and loaded
 * through /proc/self/fd/N: no disk, nothing left behind.  Relative paths in
 * the input resolve against /proc/self/fd, which is never touched.  Any
 * result is fine; crashing, leaking or overrunning is not.
 */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char path[64], err[HERD_ERRLEN];
	int fd;

	if ((fd = memfd_create("fuzz_config", MFD_CLOEXEC)) == -1)
		return 0;
	if (write_all(fd, data, size) == 0) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		if (config_load(path, &c, err, sizeof err) == 0)
			config_clear(&c);
		/* The same bytes as a client's system-wide file. */
		if (config_load_client(path, &c, err, sizeof err) == 0)
			config_clear(&c);
	}
	close(fd);
	return 0;
}

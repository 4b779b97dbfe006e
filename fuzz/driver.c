/*
 * Replays fuzz inputs without libFuzzer: each argument is a file (or a
 * directory, whose files are read) handed to LLVMFuzzerTestOneInput once.
 * This lets `make check` run every fuzz target's corpus under ASan/UBSan
 * with gcc; `make fuzz` builds the real coverage-guided fuzzers with clang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return;
	size_t cap = 1 << 20, len;
	uint8_t *data = malloc(cap);
	if (data == NULL)
		abort();
	len = fread(data, 1, cap, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	DIR *d = opendir(path);
	struct dirent *e;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char sub[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		run_path(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	return 0;
}

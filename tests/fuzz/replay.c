/* Replays fuzz inputs without libFuzzer: each argument that is a directory
 * has every regular file in it fed to LLVMFuzzerTestOneInput (a file
 * argument is fed as it is). Linked with each tests/fuzz/fuzz_*.c under gcc
 * so that `make fuzz-replay` runs the corpora on every build; a crash or a
 * sanitizer report is the failure. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feeds one file; returns 1 if it was replayed, 0 if skipped, -1 on error. */
static int replay_file(const char *path)
{
	struct stat st;
	FILE *f;
	uint8_t *data;
	size_t n;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (!(f = fopen(path, "rb"))) {
		perror(path);
		return -1;
	}
	/* exactly the file's size, so that AddressSanitizer catches a read
	 * one byte past the input as it would under libFuzzer */
	if (!(data = malloc(st.st_size ? (size_t)st.st_size : 1))) {
		fclose(f);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	n = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the files of dir in name order; returns the count or -1. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	long count = 0;

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *path;
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!p)
				break;
			names = p;
		}
		if (!(path = malloc(len)))
			break;
		snprintf(path, len, "%s/%s", dir, e->d_name);
		names[n++] = path;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		int rc = replay_file(names[i]);
		if (rc < 0)
			count = -1;
		else if (count >= 0)
			count += rc;
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct stat st;
		long n;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			failed = 1;
			continue;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]);
		if (n < 0) {
			failed = 1;
			continue;
		}
		printf("%s: replayed %ld input%s from %s\n", argv[0], n, n == 1 ? "" : "s", argv[i]);
		total += n;
	}
	if (argc > 2)
		printf("%s: replayed %ld inputs in all\n", argv[0], total);
	return failed;
}

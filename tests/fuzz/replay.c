/*
 * replay.c: runs fuzz inputs without libFuzzer, so gcc builds test the
 * corpus too (as libgit2's fuzzers/standalone_driver.c does).
 *
 *   fuzz_<target>_replay FILE|DIR...
 *
 * Every file (every regular file of a directory) is fed once to
 * LLVMFuzzerTestOneInput; a broken invariant traps. Prints
 * "N passed, 0 failed" and exits 0, or exits 1 when a file cannot be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) < 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) < 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		if (fp)
			fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int error = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open '%s'\n", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		char **grown;

		if (e->d_name[0] == '.')
			continue;
		if ((grown = realloc(names, (n + 1) * sizeof(*names))) ==
		    NULL) {
			error = -1;
			break;
		}
		names = grown;
		if ((names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)) ==
		    NULL) {
			error = -1;
			break;
		}
		snprintf(names[n], strlen(dir) + strlen(e->d_name) + 2, "%s/%s",
		         dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		struct stat st;

		if (!error && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(names[i]) < 0)
				error = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return error;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int i, error = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) < 0)
				error = 1;
		} else if (run_file(argv[i]) < 0) {
			error = 1;
		} else {
			count++;
		}
	}
	if (count == 0 && !error) {
		fprintf(stderr, "replay: no input files\n");
		error = 1;
	}
	printf("%u passed, %d failed\n", count, error);
	return error;
}

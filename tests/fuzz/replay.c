// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * replay: run a fuzz target's LLVMFuzzerTestOneInput() over files, for
 * builds without libFuzzer. The test suite points it at the target's
 * seed corpus and at tests/fuzz/regressions/<target>/, so every input
 * that once crashed a parser is fed to it again in every build (and
 * under the ASan build's sanitizers).
 *
 *   replay-<target> FILE|DIR...
 *
 * A directory stands for the regular files in it (not recursively); a
 * path that does not exist is nothing to replay (a target may have no
 * regressions yet). Exits 0 when every input was run and there was at
 * least one; a crash is the test failing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-common.h"

static int replay_file(const char *path)
{
	unsigned char *buf;
	FILE *f;
	long len;

	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	/* One more byte so that an empty file is not malloc(0). */
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, unsigned int *count)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d))) {
		char **grown;

		if (de->d_name[0] == '.')
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown) {
			ret = -1;
			break;
		}
		names = grown;
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0) {
			ret = -1;
			break;
		}
		n++;
	}
	closedir(d);
	/* Sorted: a failure names the same file on every run. */
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (ret == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			ret = replay_file(names[i]);
			++*count;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int ret;

		if (stat(argv[i], &st) < 0) {
			if (errno == ENOENT)
				continue;
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			ret = replay_dir(argv[i], &count);
		} else {
			ret = replay_file(argv[i]);
			count++;
		}
		if (ret < 0) {
			fprintf(stderr, "replay: cannot replay %s\n", argv[i]);
			return 1;
		}
	}
	printf("replayed %u inputs\n", count);
	return count ? 0 : 1;
}

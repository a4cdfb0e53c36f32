// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-common.h"

static struct fadump_ctx *plain_ctx;
static struct fadump_ctx *root_ctx;
static char root[PATH_MAX];

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz harness: %s %s: %s\n", what, path,
		strerror(errno));
	abort();
}

static struct fadump_ctx *quiet_ctx(const char *at)
{
	struct fadump_ctx *ctx;

	if (fadump_ctx_new(at, &ctx) < 0)
		die("cannot make a context for", at);
	/* Below LOG_EMERG: nothing is printed. */
	fadump_ctx_set_log_priority(ctx, LOG_EMERG - 1);
	return ctx;
}

static void release_contexts(void)
{
	plain_ctx = fadump_ctx_unref(plain_ctx);
	root_ctx = fadump_ctx_unref(root_ctx);
}

struct fadump_ctx *fuzz_ctx(void)
{
	if (!plain_ctx) {
		plain_ctx = quiet_ctx("/");
		atexit(release_contexts);
	}
	return plain_ctx;
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_root(void)
{
	if (root[0])
		nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* <scratch root>/@relpath into @path (PATH_MAX bytes). */
static void scratch_path(char *path, const char *relpath)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", fuzz_root(), relpath);

	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		die("cannot name", relpath);
	}
}

void fuzz_remove_tree(const char *relpath)
{
	char path[PATH_MAX];

	scratch_path(path, relpath);
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_root(void)
{
	const char *base;

	if (root[0])
		return root;
	/*
	 * tmpfs: the file targets rewrite a few files per input, millions
	 * of times; a disk would turn that into I/O.
	 */
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/fadump-fuzz-XXXXXX",
		 base ? base : "/tmp");
	if (!mkdtemp(root))
		die("cannot make", root);
	atexit(remove_root);
	return root;
}

struct fadump_ctx *fuzz_root_ctx(void)
{
	if (!root_ctx) {
		root_ctx = quiet_ctx(fuzz_root());
		if (!plain_ctx)
			atexit(release_contexts);
	}
	return root_ctx;
}

static void make_parents(char *path)
{
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			die("cannot make", path);
		*p = '/';
	}
}

void fuzz_put_file(const char *relpath, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	scratch_path(path, relpath);
	if (!data) {
		if (unlink(path) < 0 && errno != ENOENT)
			die("cannot remove", path);
		return;
	}
	make_parents(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die("cannot create", path);
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		data = (const char *)data + n;
		len -= (size_t)n;
	}
	close(fd);
}

unsigned int fuzz_split(const uint8_t *data, size_t size, unsigned int max,
			const uint8_t **starts, size_t *lens)
{
	unsigned int n = 0;

	while (n + 1 < max) {
		const uint8_t *sep = memmem(data, size, FUZZ_SEPARATOR,
					    FUZZ_SEPARATOR_LEN);

		if (!sep)
			break;
		starts[n] = data;
		lens[n++] = (size_t)(sep - data);
		size -= (size_t)(sep - data) + FUZZ_SEPARATOR_LEN;
		data = sep + FUZZ_SEPARATOR_LEN;
	}
	starts[n] = data;
	lens[n++] = size;
	return n;
}

/* Keeps the compiler from dropping reads whose result nobody uses. */
static volatile size_t sink;

size_t fuzz_touch(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	sink += n;
	return n;
}

void fuzz_touch_bytes(const void *data, size_t len)
{
	const unsigned char *p = data;
	unsigned int sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	sink += sum;
}

const char *fuzz_memfile(const void *data, size_t len)
{
	static char path[64];
	static int fd = -1;
	const char *p = data;
	off_t off = 0;

	if (fd < 0) {
		fd = memfd_create("fadump-fuzz", MFD_CLOEXEC);
		if (fd < 0)
			die("cannot make", "a memfd");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0)
		die("cannot truncate", path);
	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot write", path);
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return path;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Paths under the context's root, and bounded reads and single-write
 * stores of the small text and binary files sysfs, procfs and the
 * device tree expose.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int fadump_path(struct fadump_ctx *ctx, char *buf, size_t size,
		const char *abspath)
{
	const char *root = strcmp(ctx->root, "/") == 0 ? "" : ctx->root;
	int n = snprintf(buf, size, "%s%s", root, abspath);

	if (n < 0 || (size_t)n >= size)
		return fadump_fail(ctx, -ENAMETOOLONG, "path too long: %s%s",
				   root, abspath);
	return 0;
}

int fadump_path_exists(struct fadump_ctx *ctx, const char *abspath)
{
	char path[PATH_MAX];
	struct stat st;
	const char *root = strcmp(ctx->root, "/") == 0 ? "" : ctx->root;
	int n = snprintf(path, sizeof(path), "%s%s", root, abspath);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return stat(path, &st) < 0 ? -errno : 0;
}

static ssize_t read_retry(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n;
}

static int check_regular(struct fadump_ctx *ctx, int fd, const char *path)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return fadump_fail(ctx, -errno, "cannot stat %s: %m", path);
	if (S_ISDIR(st.st_mode))
		return fadump_fail(ctx, -EISDIR, "%s is a directory, expected a file",
				   path);
	if (!S_ISREG(st.st_mode))
		return fadump_fail(ctx, -EBADMSG, "%s is not a regular file", path);
	return 0;
}

int fadump_read_file(struct fadump_ctx *ctx, const char *abspath, size_t max,
		     char **bufp, size_t *lenp)
{
	char path[PATH_MAX];
	char *buf;
	size_t len = 0;
	int fd, ret;

	ret = fadump_path(ctx, path, sizeof(path), abspath);
	if (ret < 0)
		return ret;
	/*
	 * O_NONBLOCK and the type check: every file we read is a regular
	 * file on a real system, and a FIFO planted in its place (a tampered
	 * root, a broken fixture) must give an error, not block forever.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		return fadump_fail(ctx, ret, "cannot open %s: %s", path,
				   strerror(-ret));
	}
	ret = check_regular(ctx, fd, path);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	/*
	 * sysfs and debugfs report st_size 4096 or 0 whatever they hold, so
	 * read until EOF into a buffer one byte larger than allowed: a read
	 * that fills it proves the file is too large.
	 */
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		return fadump_fail(ctx, -ENOMEM, "out of memory reading %s", path);
	}
	for (;;) {
		ssize_t n = read_retry(fd, buf + len, max + 1 - len);

		if (n < 0) {
			ret = -errno;
			free(buf);
			close(fd);
			return fadump_fail(ctx, ret, "cannot read %s: %s", path,
					   strerror(-ret));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			close(fd);
			return fadump_fail(ctx, -E2BIG,
					   "%s is larger than %zu bytes", path, max);
		}
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

int fadump_write_attr(struct fadump_ctx *ctx, const char *abspath,
		      const char *val)
{
	char path[PATH_MAX];
	size_t len = strlen(val);
	ssize_t n;
	int fd, ret;

	ret = fadump_path(ctx, path, sizeof(path), abspath);
	if (ret < 0)
		return ret;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* A sysfs store sees exactly one write: never split it. */
	do
		n = write(fd, val, len);
	while (n < 0 && errno == EINTR);
	ret = n < 0 ? -errno : ((size_t)n == len ? 0 : -EIO);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}

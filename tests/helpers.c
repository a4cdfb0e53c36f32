// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <endian.h>

#include "fadump.h"

#include "helpers.h"

const char *fixture_path(const char *rel)
{
	static char path[PATH_MAX];
	const char *base = getenv("FADUMP_TEST_DATA");

	assert_non_null(base);
	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", base, rel) < sizeof(path));
	return path;
}

static int run(const char *fmt, ...)
{
	char cmd[3 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

char *fixture_copy(const char *rel)
{
	char tmpl[] = "/tmp/fadump-test-XXXXXX";
	char *dir = mkdtemp(tmpl);

	assert_non_null(dir);
	/* cp -a keeps the relative symlinks the fixtures use for legacy names. */
	assert_int_equal(run("cp -a '%s/.' '%s'", fixture_path(rel), dir), 0);
	return strdup(dir);
}

void scratch_remove(char *dir)
{
	if (dir && strncmp(dir, "/tmp/fadump-test-", 17) == 0)
		run("rm -rf '%s'", dir);
	free(dir);
}

void scratch_write(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	char *slash;
	int fd;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) < sizeof(path));
	slash = strrchr(path, '/');
	*slash = '\0';
	assert_int_equal(run("mkdir -p '%s'", path), 0);
	*slash = '/';
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

const char *scratch_read(const char *dir, const char *rel)
{
	static char buf[65536];
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) < sizeof(path));
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

void *fixture_load(const char *rel, size_t *len)
{
	struct stat st;
	void *buf;
	int fd;

	fd = open(fixture_path(rel), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

int quiet_ctx_setup(void **state)
{
	struct fadump_ctx *ctx;

	if (fadump_ctx_new("/", &ctx) < 0)
		return -1;
	fadump_ctx_set_log_fn(ctx, NULL, NULL);
	*state = ctx;
	return 0;
}

int quiet_ctx_teardown(void **state)
{
	fadump_ctx_unref(*state);
	return 0;
}

void put_be16(void *b, size_t off, uint16_t v)
{
	v = htobe16(v);
	memcpy((unsigned char *)b + off, &v, sizeof(v));
}

void put_be32(void *b, size_t off, uint32_t v)
{
	v = htobe32(v);
	memcpy((unsigned char *)b + off, &v, sizeof(v));
}

void put_be64(void *b, size_t off, uint64_t v)
{
	v = htobe64(v);
	memcpy((unsigned char *)b + off, &v, sizeof(v));
}

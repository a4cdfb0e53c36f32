// SPDX-License-Identifier: LGPL-2.1-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers.h"
#include "vmcore-util.h"

struct fadump_ctx *vt_ctx(void)
{
	struct fadump_ctx *ctx;

	assert_int_equal(fadump_ctx_new("/", &ctx), 0);
	fadump_ctx_set_log_fn(ctx, NULL, NULL);
	return ctx;
}

int vt_env_setup(void **state)
{
	struct vt_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	e->ctx = vt_ctx();
	e->dir = vt_tmpdir();
	*state = e;
	return 0;
}

int vt_env_teardown(void **state)
{
	struct vt_env *e = *state;

	fadump_ctx_unref(e->ctx);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

struct fadump_vmcore *vt_open(struct fadump_ctx *ctx, const char *path)
{
	struct fadump_vmcore *vm = NULL;
	int ret = fadump_vmcore_open(ctx, path, &vm);

	if (ret < 0)
		print_error("open %s: %s\n", path, fadump_ctx_get_error(ctx));
	assert_int_equal(ret, 0);
	assert_non_null(vm);
	return vm;
}

char *vt_tmpdir(void)
{
	char tmpl[] = "/tmp/fadump-test-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

const char *vt_path(const char *dir, const char *name)
{
	static char bufs[2][PATH_MAX];
	static int which;
	char *p = bufs[which ^= 1];

	assert_true((size_t)snprintf(p, PATH_MAX, "%s/%s", dir, name) < PATH_MAX);
	return p;
}

const char *vt_make(const char *dir, const char *name,
		    const struct mkvmcore_spec *spec,
		    struct mkvmcore_layout *layout)
{
	const char *path = vt_path(dir, name);

	assert_int_equal(mkvmcore_write(path, spec, layout), 0);
	return path;
}

void vt_patch_raw(const char *path, uint64_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

void vt_patch(const char *path, uint64_t off, uint64_t val, int bytes,
	      bool big_endian)
{
	unsigned char b[8];

	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(val >> (big_endian ? 8 * (bytes - 1 - i) : 8 * i));
	vt_patch_raw(path, off, b, (size_t)bytes);
}

void vt_error_has(struct fadump_ctx *ctx, const char *word)
{
	const char *msg = fadump_ctx_get_error(ctx);

	if (!strstr(msg, word)) {
		print_error("message '%s' lacks '%s'\n", msg, word);
		fail();
	}
}

void vt_open_fails(struct fadump_ctx *ctx, const char *path, int err,
		   const char *word1, const char *word2)
{
	struct fadump_vmcore *vm = (struct fadump_vmcore *)0x1;

	assert_int_equal(fadump_vmcore_open(ctx, path, &vm), err);
	assert_null(vm);
	vt_error_has(ctx, word1);
	if (word2)
		vt_error_has(ctx, word2);
}

unsigned char *vt_slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

unsigned int vt_dir_entries(const char *dir, char *names, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned int n = 0;

	assert_non_null(d);
	if (size)
		names[0] = '\0';
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		if (size && strlen(names) + strlen(e->d_name) + 2 < size) {
			strcat(names, " ");
			strcat(names, e->d_name);
		}
	}
	closedir(d);
	return n;
}

int vt_save_live(struct fadump_ctx *ctx, const char *dest,
		 const struct fadump_save_opts *opts,
		 struct fadump_save_result *res)
{
	struct fadump_vmcore *vm;
	int ret;

	assert_int_equal(fadump_vmcore_open(ctx, NULL, &vm), 0);
	*res = (struct fadump_save_result){ .size = sizeof(*res) };
	ret = fadump_vmcore_save(vm, dest, opts, res);
	fadump_vmcore_unref(vm);
	return ret;
}

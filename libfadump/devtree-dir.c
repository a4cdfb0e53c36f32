// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device-tree back end for the tree the kernel exports as a directory:
 * one directory per node, one file per property holding its raw bytes.
 * /proc/device-tree is a symlink to /sys/firmware/devicetree/base on
 * every kernel with sysfs device-tree support; older kernels have only
 * the /proc one, fixture roots may have only either.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "devtree.h"

/* In this order: /proc/device-tree is the name kdump tooling reads. */
static const char *const dt_dirs[] = {
	"/proc/device-tree",
	"/sys/firmware/devicetree/base",
};

static int dir_get(struct dt_loader *l, const char *path, char **datap,
		   size_t *lenp)
{
	char abspath[PATH_MAX];
	char file[PATH_MAX];
	struct stat st;
	int n, ret;

	n = snprintf(abspath, sizeof(abspath), "%s%s", l->dir, path);
	if (n < 0 || (size_t)n >= sizeof(abspath))
		return fadump_fail(l->ctx, -ENAMETOOLONG, "path too long: %s%s",
				   l->origin, path);
	ret = fadump_path(l->ctx, file, sizeof(file), abspath);
	if (ret < 0)
		return ret;

	if (stat(file, &st) < 0) {
		ret = -errno;
		/* ENOTDIR: a parent is a file, so there is no such node. */
		if (ret == -ENOENT || ret == -ENOTDIR)
			return -ENOENT;
		return fadump_fail(l->ctx, ret, "cannot stat %s: %s", file,
				   strerror(-ret));
	}
	/*
	 * The kernel exports properties as regular files. Anything else is
	 * not a property, and opening a FIFO planted in a fixture or a
	 * tampered root would block forever.
	 */
	if (S_ISDIR(st.st_mode))
		return fadump_fail(l->ctx, -EBADMSG,
				   "%s is a node, expected a property", file);
	if (!S_ISREG(st.st_mode))
		return fadump_fail(l->ctx, -EBADMSG,
				   "%s is not a regular file", file);
	/*
	 * Device-tree files report their true size; the bounded read below
	 * still catches one that grows or lies.
	 */
	if (st.st_size > DT_PROP_MAX)
		goto too_large;

	ret = fadump_read_file(l->ctx, abspath, DT_PROP_MAX, datap, lenp);
	if (ret != -E2BIG)
		return ret;
too_large:
	return fadump_fail(l->ctx, -EBADMSG,
			   "%s: property larger than %d bytes", file,
			   DT_PROP_MAX);
}

int dt_dir_open(struct fadump_ctx *ctx, struct dt_loader *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(dt_dirs); i++) {
		char dir[PATH_MAX];
		struct stat st;
		int ret;

		ret = fadump_path(ctx, dir, sizeof(dir), dt_dirs[i]);
		if (ret < 0)
			return ret;
		/* stat, not lstat: /proc/device-tree is a symlink. */
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			dbg(ctx, "no device-tree directory at %s", dir);
			continue;
		}
		l->ctx = ctx;
		l->source = FADUMP_DT_SOURCE_DIR;
		l->dir = dt_dirs[i];
		l->get = dir_get;
		/* fadump_path() succeeded on the same string: it fits. */
		snprintf(l->origin, sizeof(l->origin), "%s", dir);
		dbg(ctx, "reading the device tree from %s", dir);
		return 0;
	}
	return -ENOENT;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private interface between the device-tree front end (devtree.c) and its
 * two back ends: a directory tree of property files (devtree-dir.c) and a
 * flattened blob read through libfdt (devtree-fdt.c). Nothing else in the
 * library includes this; other files use the public fadump_devtree_*()
 * functions only.
 */
#ifndef FADUMP_DEVTREE_H
#define FADUMP_DEVTREE_H

#include <limits.h>
#include <stddef.h>

#include "internal.h"

/*
 * Largest property the library copies. The biggest one it knows,
 * ibm,kernel-dump, is 440 bytes today (40-byte header + 10 sections of 40);
 * PAPR would have to grow the section table a hundredfold to come near
 * this, so anything larger is a broken or hostile tree, not data.
 */
#define DT_PROP_MAX (64 * 1024)

/*
 * Where the properties come from. A back end fills @source, @origin and
 * @get; devtree.c only calls @get.
 */
struct dt_loader {
	struct fadump_ctx *ctx;
	enum fadump_dt_source source;
	/*
	 * Prefix that names a property in messages once its path is appended:
	 * "<root>/proc/device-tree" (giving a file name), or
	 * "<root>/sys/firmware/fdt:" and "FDT blob:" for the blob back end.
	 */
	char origin[PATH_MAX + 2];	/* room for the ":" */
	/*
	 * Copy the property at @path ("/node/name", "/name" for the root node)
	 * into a malloc()ed buffer of *@lenp bytes plus a NUL byte not counted
	 * in the length. Returns 0, -ENOENT if the node or the property does
	 * not exist (nothing recorded: absence is an answer, not an error),
	 * or another negative errno recorded in the context with the path.
	 */
	int (*get)(struct dt_loader *l, const char *path, char **datap,
		   size_t *lenp);
	const char *dir;	/* directory back end: its path under the root */
	void *blob;		/* FDT back end: the validated, aligned copy */
};

/* devtree-dir.c */

/*
 * Find a directory tree: <root>/proc/device-tree, else
 * <root>/sys/firmware/devicetree/base. Returns 0 or -ENOENT if neither is
 * a directory; nothing is recorded so AUTO can move on quietly.
 */
int dt_dir_open(struct fadump_ctx *ctx, struct dt_loader *l);

/* devtree-fdt.c */

/*
 * Read and validate <root>/sys/firmware/fdt. Returns 0, -ENOENT if the
 * file does not exist (recorded), -EBADMSG for a blob that fails libfdt's
 * full check or is truncated or too large, -EIO, -ENOMEM.
 */
int dt_fdt_open_file(struct fadump_ctx *ctx, struct dt_loader *l);

/* The same for a blob in memory; @blob is copied, at most @len bytes read. */
int dt_fdt_open_blob(struct fadump_ctx *ctx, struct dt_loader *l,
		     const void *blob, size_t len);

/* Release what a back end allocated; @l may be half-initialised. */
void dt_loader_close(struct dt_loader *l);

#endif /* FADUMP_DEVTREE_H */

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device-tree back end for a flattened blob: /sys/firmware/fdt (the tree
 * firmware handed to the kernel, exported unchanged; the kernel scans
 * fadump from exactly this blob at early boot) or a caller's buffer.
 *
 * The blob is copied into a buffer of its own (libfdt wants 8-byte
 * alignment, and the caller may free theirs), checked once with
 * fdt_check_full(), and from then on only walked through libfdt, which
 * bounds every access by the validated header.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include "devtree.h"

#define DT_FDT_PATH "/sys/firmware/fdt"

/*
 * Largest blob read from DT_FDT_PATH. Real trees are 100 KiB to a few
 * MiB; the bulk of a big PowerVM LPAR's tree is ibm,dynamic-memory at 24
 * bytes per LMB, about 6 MiB for 64 TiB in 256 MiB LMBs. 64 MiB is ten
 * times that, yet stops a corrupt header from making us allocate the
 * 4 GiB its 32-bit totalsize can claim.
 */
#define DT_FDT_MAX (64u * 1024 * 1024)

/* Exact-name lookup of one path component among @parent's children. */
static int fdt_child_exact(const void *fdt, int parent, const char *name,
			   size_t namelen)
{
	int child;

	/*
	 * Not fdt_subnode_offset(): it lets "rtas" match "rtas@0". The
	 * kernel's fadump scan compares the node name exactly, and the
	 * directory back end can only find exact names, so both back ends
	 * agree on the same tree.
	 */
	fdt_for_each_subnode(child, fdt, parent) {
		const char *cname;
		int clen;

		cname = fdt_get_name(fdt, child, &clen);
		if (cname && clen >= 0 && (size_t)clen == namelen &&
		    memcmp(cname, name, namelen) == 0)
			return child;
	}
	return child;	/* -FDT_ERR_NOTFOUND, or the error that ended the walk */
}

/* Offset of the node at @path (@len bytes, absolute) or -FDT_ERR_*. */
static int fdt_node_exact(const void *fdt, const char *path, size_t len)
{
	const char *p = path, *end = path + len;
	int node = 0;	/* the root node is always at offset 0 */

	while (p < end) {
		const char *name;

		while (p < end && *p == '/')
			p++;
		if (p == end)
			break;
		name = p;
		while (p < end && *p != '/')
			p++;
		node = fdt_child_exact(fdt, node, name, (size_t)(p - name));
		if (node < 0)
			return node;
	}
	return node;
}

static int fdt_get(struct dt_loader *l, const char *path, char **datap,
		   size_t *lenp)
{
	const char *slash = strrchr(path, '/');
	const void *prop;
	char *data;
	int node, len;

	if (!slash || !slash[1])
		return fadump_fail(l->ctx, -EINVAL, "bad property path %s",
				   path);
	node = fdt_node_exact(l->blob, path, (size_t)(slash - path));
	if (node == -FDT_ERR_NOTFOUND)
		return -ENOENT;
	if (node < 0)
		return fadump_fail(l->ctx, -EBADMSG, "%s%s: %s", l->origin,
				   path, fdt_strerror(node));

	prop = fdt_getprop(l->blob, node, slash + 1, &len);
	if (!prop && len == -FDT_ERR_NOTFOUND)
		return -ENOENT;
	if (!prop)
		return fadump_fail(l->ctx, -EBADMSG, "%s%s: %s", l->origin,
				   path, fdt_strerror(len));
	/*
	 * libfdt 1.6.1 (Debian 12) passes a property whose length field is
	 * 0xffffffff through fdt_check_full() and returns it with len -1.
	 */
	if (len < 0)
		return fadump_fail(l->ctx, -EBADMSG,
				   "%s%s: property length %d is impossible",
				   l->origin, path, len);
	if (len > DT_PROP_MAX)
		return fadump_fail(l->ctx, -EBADMSG,
				   "%s%s: property larger than %d bytes",
				   l->origin, path, DT_PROP_MAX);

	/* Same shape as the directory back end: a copy with a NUL after it. */
	data = malloc((size_t)len + 1);
	if (!data)
		return fadump_fail(l->ctx, -ENOMEM, "out of memory");
	memcpy(data, prop, (size_t)len);
	data[len] = '\0';
	*datap = data;
	*lenp = (size_t)len;
	return 0;
}

/*
 * Oldest FDT version handed to libfdt. Firmware (skiboot, SLOF, QEMU)
 * and the kernel write version 17; versions 2 - 15 store node names as
 * full paths and unaligned properties, and libfdt 1.6.1 (Debian 12)
 * dereferences NULL in fdt_check_full() on some such blobs (found by
 * tests/fuzz/fuzz-fdt.c).
 */
#define FDT_MIN_VERSION 16

/*
 * Check what the header claims before trusting it for anything: the magic,
 * a version libfdt can check safely, and a totalsize that at least covers
 * the header. Callers bound it from above by what they have.
 */
static int fdt_check_header_size(struct fadump_ctx *ctx, const char *what,
				 const struct fdt_header *hdr)
{
	if (fdt_magic(hdr) != FDT_MAGIC)
		return fadump_fail(ctx, -EBADMSG,
				   "%s: not a flattened device tree (magic 0x%08x, expected 0x%08x)",
				   what, fdt_magic(hdr), FDT_MAGIC);
	if (fdt_version(hdr) < FDT_MIN_VERSION)
		return fadump_fail(ctx, -EBADMSG,
				   "%s: FDT version %u is older than %u (firmware and the kernel write 17)",
				   what, fdt_version(hdr), FDT_MIN_VERSION);
	if (fdt_totalsize(hdr) < sizeof(*hdr))
		return fadump_fail(ctx, -EBADMSG,
				   "%s: header declares %u bytes, less than the header itself",
				   what, fdt_totalsize(hdr));
	return 0;
}

/*
 * Take ownership of @blob (@size bytes, malloc()ed) once libfdt accepts
 * it; @what names it in the message otherwise.
 */
static int fdt_adopt(struct fadump_ctx *ctx, struct dt_loader *l,
		     void *blob, size_t size, const char *what)
{
	int err = fdt_check_full(blob, size);

	if (err) {
		free(blob);
		return fadump_fail(ctx, -EBADMSG,
				   "%s: invalid flattened device tree: %s",
				   what, fdt_strerror(err));
	}
	l->ctx = ctx;
	l->blob = blob;
	l->get = fdt_get;
	l->source = FADUMP_DT_SOURCE_FDT;
	return 0;
}

int dt_fdt_open_blob(struct fadump_ctx *ctx, struct dt_loader *l,
		     const void *blob, size_t len)
{
	struct fdt_header hdr;
	void *copy;
	size_t total;
	int ret;

	snprintf(l->origin, sizeof(l->origin), "FDT blob:");
	if (len < sizeof(hdr))
		return fadump_fail(ctx, -EBADMSG,
				   "FDT blob: %zu bytes, shorter than the %zu-byte header",
				   len, sizeof(hdr));
	memcpy(&hdr, blob, sizeof(hdr));
	ret = fdt_check_header_size(ctx, "FDT blob", &hdr);
	if (ret < 0)
		return ret;
	total = fdt_totalsize(&hdr);
	if (total > len)
		return fadump_fail(ctx, -EBADMSG,
				   "FDT blob: header declares %zu bytes but only %zu were given",
				   total, len);

	/* Bytes past totalsize are the caller's, not part of the tree. */
	copy = malloc(total);
	if (!copy)
		return fadump_fail(ctx, -ENOMEM, "out of memory copying the FDT blob");
	memcpy(copy, blob, total);
	return fdt_adopt(ctx, l, copy, total, "FDT blob");
}

/* read() until @len bytes or end of file; returns the count or -errno. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/*
 * Read the header first and allocate what it declares (after checking it
 * against DT_FDT_MAX), rather than reading to EOF into a growing buffer:
 * the kernel's bin attribute is exactly totalsize bytes long, so a short
 * or long file is itself a sign of a bad blob.
 */
static int fdt_read_fd(struct fadump_ctx *ctx, struct dt_loader *l, int fd,
		       const char *file)
{
	struct fdt_header hdr;
	char extra;
	void *blob;
	size_t total;
	ssize_t n;
	int ret;

	n = read_full(fd, &hdr, sizeof(hdr));
	if (n < 0)
		return fadump_fail(ctx, (int)n, "cannot read %s: %s", file,
				   strerror((int)-n));
	if ((size_t)n < sizeof(hdr))
		return fadump_fail(ctx, -EBADMSG,
				   "%s: truncated, %zd bytes, shorter than the %zu-byte FDT header",
				   file, n, sizeof(hdr));
	ret = fdt_check_header_size(ctx, file, &hdr);
	if (ret < 0)
		return ret;
	total = fdt_totalsize(&hdr);
	if (total > DT_FDT_MAX)
		return fadump_fail(ctx, -EBADMSG,
				   "%s: header declares %zu bytes, more than the %u a device tree may take",
				   file, total, DT_FDT_MAX);

	blob = malloc(total);
	if (!blob)
		return fadump_fail(ctx, -ENOMEM, "out of memory reading %s", file);
	memcpy(blob, &hdr, sizeof(hdr));

	n = read_full(fd, (char *)blob + sizeof(hdr), total - sizeof(hdr));
	if (n < 0)
		goto read_error;
	if ((size_t)n < total - sizeof(hdr)) {
		ret = fadump_fail(ctx, -EBADMSG,
				  "%s: truncated, %zu of the %zu bytes its header declares",
				  file, sizeof(hdr) + (size_t)n, total);
		goto out;
	}
	n = read_full(fd, &extra, 1);
	if (n < 0)
		goto read_error;
	if (n > 0) {
		ret = fadump_fail(ctx, -EBADMSG,
				  "%s: longer than the %zu bytes its header declares",
				  file, total);
		goto out;
	}
	return fdt_adopt(ctx, l, blob, total, file);

read_error:
	ret = fadump_fail(ctx, (int)n, "cannot read %s: %s", file,
			  strerror((int)-n));
out:
	free(blob);
	return ret;
}

int dt_fdt_open_file(struct fadump_ctx *ctx, struct dt_loader *l)
{
	char file[PATH_MAX];
	struct stat st;
	int fd, ret;

	ret = fadump_path(ctx, file, sizeof(file), DT_FDT_PATH);
	if (ret < 0)
		return ret;
	snprintf(l->origin, sizeof(l->origin), "%s:", file);

	/* O_NONBLOCK: a FIFO in its place must not hang us before fstat. */
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		return fadump_fail(ctx, ret, "cannot open %s: %s", file,
				   strerror(-ret));
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		ret = fadump_fail(ctx, ret, "cannot stat %s: %s", file,
				  strerror(-ret));
	} else if (!S_ISREG(st.st_mode)) {
		ret = fadump_fail(ctx, -EBADMSG, "%s is not a regular file",
				  file);
	} else {
		dbg(ctx, "reading the device tree from %s", file);
		ret = fdt_read_fd(ctx, l, fd, file);
	}
	close(fd);
	return ret;
}

void dt_loader_close(struct dt_loader *l)
{
	free(l->blob);
	l->blob = NULL;
}

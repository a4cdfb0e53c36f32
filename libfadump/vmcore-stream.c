// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Streaming the vmcore file in large chunks, in order, through one
 * buffer: the saver's reading half, and the public iterator for bindings.
 *
 * Plain pread() into one page-aligned buffer. Measured against mmap()
 * of the source and copy_file_range() (bench/README.md): mmap() was
 * within the noise of it, but would let a file truncated under us kill
 * the process with SIGBUS, which a library cannot guard against;
 * copy_file_range() hides the data, so zero blocks cannot be skipped,
 * and was twice as slow. Large reads are also what /proc/vmcore's
 * readers have always used.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vmcore.h"

int vmcore_check_chunk(struct fadump_vmcore *vm, size_t chunk)
{
	if (chunk == 0 || chunk % 4096 || chunk > VMCORE_CHUNK_MAX)
		return fadump_fail(vm->ctx, -EINVAL,
				   "chunk size %zu is not a multiple of 4096 "
				   "between 4096 and %u", chunk, VMCORE_CHUNK_MAX);
	return 0;
}

int vmcore_stream_range(struct fadump_vmcore *vm, size_t chunk,
			uint64_t lo, uint64_t hi, fadump_vmcore_chunk_fn fn,
			void *userdata)
{
	struct fadump_vmcore_chunk c = { .size = sizeof(c) };
	void *buf;
	int ret = 0;

	ret = vmcore_check_chunk(vm, chunk);
	if (ret < 0)
		return ret;
	if (lo > hi || hi > vm->file_size)
		return fadump_fail(vm->ctx, -EINVAL,
				   "%s: [%#" PRIx64 ", %#" PRIx64 ") is not inside the "
				   "file's %#" PRIx64 " bytes", vm->path, lo, hi,
				   vm->file_size);
	if (lo == hi)
		return 0;
	if (posix_memalign(&buf, 4096, chunk))
		return fadump_fail(vm->ctx, -ENOMEM,
				   "out of memory for a %zu-byte buffer", chunk);
	/* Ignored by /proc/vmcore; for a file, larger read-ahead. */
	posix_fadvise(vm->fd, (off_t)lo, (off_t)(hi - lo), POSIX_FADV_SEQUENTIAL);

	c.total = vm->file_size;
	c.data = buf;
	for (uint64_t off = lo; off < hi; off += c.len) {
		c.offset = off;
		c.len = hi - off < chunk ? (size_t)(hi - off) : chunk;
		ret = vmcore_pread(vm, buf, c.len, off);
		if (ret < 0)
			break;
		ret = fn(userdata, &c);
		if (ret > 0)
			ret = fadump_fail(vm->ctx, -ECANCELED,
				"%s: stopped at offset %#" PRIx64 " of %#" PRIx64
				" on request", vm->path, off + c.len,
				vm->file_size);
		if (ret < 0)
			break;
		/*
		 * A saved dump being copied again: its pages will not be read
		 * twice, so do not let them crowd the page cache.
		 */
		posix_fadvise(vm->fd, (off_t)off, (off_t)c.len,
			      POSIX_FADV_DONTNEED);
	}
	free(buf);
	return ret;
}

int vmcore_stream(struct fadump_vmcore *vm, size_t chunk,
		  fadump_vmcore_chunk_fn fn, void *userdata)
{
	return vmcore_stream_range(vm, chunk, 0, vm->file_size, fn, userdata);
}

FADUMP_EXPORT int fadump_vmcore_stream(struct fadump_vmcore *vm,
				       size_t chunk_size,
				       fadump_vmcore_chunk_fn fn,
				       void *userdata)
{
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!fn)
		return fadump_fail(vm->ctx, -EINVAL, "no chunk callback");
	ret = vmcore_stream(vm, chunk_size ? chunk_size : VMCORE_CHUNK_DEFAULT,
			    fn, userdata);
	/* A callback's own errno: say where it stopped. */
	if (ret < 0 && !*fadump_ctx_get_error(vm->ctx))
		fadump_fail(vm->ctx, ret, "%s: the chunk callback failed: %s",
			    vm->path, strerror(-ret));
	return ret;
}

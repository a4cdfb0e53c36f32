// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading a saved dump through a mapping of the file, on request
 * (fadump_vmcore_map()).
 *
 * Every read of the dump is a pread() otherwise: one system call per
 * read, which is most of the time of many small random reads (a tool
 * following kernel pointers, a page at a time). With the file mapped a
 * read is a memcpy(). The library does not map by default: a mapped file
 * that shrinks under the reader kills it with SIGBUS, which a library
 * cannot guard against (vmcore-stream.c), so the caller who asks for the
 * mapping is the one who knows nobody will truncate the file.
 * /proc/vmcore is never mapped: the kernel would map the crashed
 * machine's memory for it, and it is read once, in large pieces.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>

#include "vmcore.h"

FADUMP_EXPORT int fadump_vmcore_map(struct fadump_vmcore *vm)
{
	struct statfs sfs;
	void *map;
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (vm->map)
		return 0;
	if (fstatfs(vm->fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
		return fadump_fail(vm->ctx, -EOPNOTSUPP, "%s is a /proc file: it "
				   "is read, never mapped", vm->path);
	if (vm->file_size > SIZE_MAX)
		return fadump_fail(vm->ctx, -EFBIG, "%s: %" PRIu64 " bytes do not "
				   "fit in the address space", vm->path,
				   vm->file_size);
	map = mmap(NULL, (size_t)vm->file_size, PROT_READ, MAP_SHARED, vm->fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		return fadump_fail(vm->ctx, ret, "cannot map %s: %s", vm->path,
				   strerror(-ret));
	}
	vm->map = map;
	vm->map_len = vm->file_size;
	return 0;
}

void vmcore_unmap(struct fadump_vmcore *vm)
{
	if (vm->map)
		munmap(vm->map, (size_t)vm->map_len);
	vm->map = NULL;
}

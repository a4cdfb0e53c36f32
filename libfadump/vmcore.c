// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a vmcore, whatever its format: the file opened and checked to
 * be a regular file, its format told by its first bytes, then the
 * format's own open() (vmcore-format.h: vmcore-elf.c, vmcore-kdump.c).
 * Then what every format shares: the segment index, reads by physical
 * address and their errors, and the public getters.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "page-class.h"
#include "vmcore.h"
#include "vtop.h"

static const struct {
	unsigned int machine;
	const char *name;
} machine_names[] = {
	{ EM_PPC64, "ppc64" },
	{ EM_X86_64, "x86_64" },
	{ EM_AARCH64, "aarch64" },
	{ EM_S390, "s390x" },
	{ EM_RISCV, "riscv64" },
	{ EM_LOONGARCH, "loongarch64" },
	{ EM_MIPS, "mips64" },
	{ EM_SPARCV9, "sparc64" },
	{ EM_IA_64, "ia64" },
	{ EM_PPC, "ppc" },
	{ EM_386, "i386" },
	{ EM_ARM, "arm" },
};

FADUMP_EXPORT const char *fadump_machine_name(unsigned int machine)
{
	for (size_t i = 0; i < ARRAY_SIZE(machine_names); i++)
		if (machine_names[i].machine == machine)
			return machine_names[i].name;
	return NULL;
}
unsigned int vmcore_machine_from_uname(const char *machine)
{
	/* uname -m spellings that differ from the names above */
	static const struct {
		const char *uname;
		unsigned int machine;
	} aliases[] = {
		{ "ppc64le", EM_PPC64 }, { "arm64", EM_AARCH64 },
		{ "i486", EM_386 }, { "i586", EM_386 }, { "i686", EM_386 },
		{ "armv7l", EM_ARM },
	};

	for (size_t i = 0; i < ARRAY_SIZE(machine_names); i++)
		if (strcmp(machine_names[i].name, machine) == 0)
			return machine_names[i].machine;
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i].uname, machine) == 0)
			return aliases[i].machine;
	return EM_NONE;
}

/* Lower address first; of two at the same address, the larger first. */
static int cmp_paddr(const void *a, const void *b)
{
	const struct vmcore_segment *x = *(const struct vmcore_segment *const *)a;
	const struct vmcore_segment *y = *(const struct vmcore_segment *const *)b;

	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	if (x->memsz != y->memsz)
		return x->memsz > y->memsz ? -1 : 1;
	return x->phdr < y->phdr ? -1 : x->phdr > y->phdr;
}

int vmcore_index_segments(struct fadump_vmcore *vm)
{
	const struct vmcore_segment **sorted;
	uint64_t outer_last = 0;
	unsigned int n = 0, kept = 0;
	const struct vmcore_segment *outer = NULL;

	sorted = calloc(vm->nsegs ? vm->nsegs : 1, sizeof(*sorted));
	if (!sorted)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < vm->nsegs; i++)
		if (vm->segs[i].memsz)
			sorted[n++] = &vm->segs[i];
	qsort(sorted, n, sizeof(*sorted), cmp_paddr);

	for (unsigned int i = 0; i < n; i++) {
		const struct vmcore_segment *s = sorted[i];
		uint64_t last = s->paddr + (s->memsz - 1);	/* checked */

		if (outer && s->paddr <= outer_last) {
			if (last <= outer_last) {
				dbg(vm->ctx, "%s: program header %u lies inside %u",
				    vm->path, s->phdr, outer->phdr);
				continue;
			}
			free(sorted);
			return fadump_fail(vm->ctx, -EBADMSG,
				"%s: program headers %u and %u overlap in "
				"physical memory at %#" PRIx64, vm->path,
				outer->phdr, s->phdr, s->paddr);
		}
		sorted[kept++] = s;
		outer = s;
		outer_last = last;
	}
	vm->by_paddr = sorted;
	vm->nby_paddr = kept;
	return 0;
}

static int open_file(struct fadump_vmcore *vm)
{
	struct stat st;
	int ret;

	/* O_NONBLOCK: a FIFO in the dump's place must not hang us. */
	vm->fd = open(vm->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (vm->fd < 0) {
		ret = -errno;
		return fadump_fail(vm->ctx, ret, "cannot open %s: %s", vm->path,
				   strerror(-ret));
	}
	if (fstat(vm->fd, &st) < 0) {
		ret = -errno;
		return fadump_fail(vm->ctx, ret, "cannot stat %s: %s", vm->path,
				   strerror(-ret));
	}
	if (S_ISDIR(st.st_mode))
		return fadump_fail(vm->ctx, -EISDIR,
				   "%s is a directory, expected a vmcore", vm->path);
	if (!S_ISREG(st.st_mode))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s is not a regular file", vm->path);
	/* /proc/vmcore reports its true size, as regular files do. */
	vm->file_size = (uint64_t)st.st_size;
	return 0;
}

static const struct vmcore_format *const formats[] = {
	&vmcore_format_elf,
	&vmcore_format_kdump,
};

/* The format whose signature the file starts with. */
static int find_format(struct fadump_vmcore *vm)
{
	unsigned char head[VMCORE_PROBE_BYTES];
	size_t len = vm->file_size < sizeof(head) ? (size_t)vm->file_size :
						     sizeof(head);
	int ret;

	ret = vmcore_pread(vm, head, len, 0);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i]->probe(head, len)) {
			vm->format = formats[i];
			return 0;
		}
	if (len < sizeof(head))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: %" PRIu64 " bytes, too short for an ELF "
				   "or kdump header", vm->path, vm->file_size);
	return fadump_fail(vm->ctx, -EBADMSG,
			   "%s: not an ELF file nor a kdump-compressed file",
			   vm->path);
}

FADUMP_EXPORT int fadump_vmcore_open(struct fadump_ctx *ctx, const char *path,
				     struct fadump_vmcore **vmp)
{
	struct fadump_vmcore *vm;
	char full[PATH_MAX];
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!vmp)
		return fadump_fail_null(ctx, "vmp");
	*vmp = NULL;
	if (!path) {
		ret = fadump_path(ctx, full, sizeof(full), "/proc/vmcore");
		if (ret < 0)
			return ret;
		path = full;
	}
	if (!*path)
		return fadump_fail(ctx, -EINVAL, "empty vmcore path");

	vm = calloc(1, sizeof(*vm));
	if (!vm)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	vm->refcount = 1;
	vm->fd = -1;
	vm->dump_level = -1;
	vm->ctx = fadump_ctx_ref(ctx);
	vm->path = strdup(path);
	if (!vm->path) {
		ret = fadump_fail(ctx, -ENOMEM, "out of memory");
		goto fail;
	}

	ret = open_file(vm);
	if (ret == 0)
		ret = find_format(vm);
	if (ret == 0)
		ret = vm->format->open(vm);
	if (ret < 0)
		goto fail;
	dbg(ctx, "%s: %s, %u segments, %u notes, %u CPUs", vm->path,
	    vm->format->name, vm->nsegs, vm->nnotes, vm->ncpus);
	*vmp = vm;
	return 0;
fail:
	fadump_vmcore_unref(vm);
	return ret;
}

FADUMP_EXPORT struct fadump_vmcore *fadump_vmcore_ref(struct fadump_vmcore *vm)
{
	if (vm)
		vm->refcount++;
	return vm;
}

FADUMP_EXPORT struct fadump_vmcore *fadump_vmcore_unref(struct fadump_vmcore *vm)
{
	if (!vm || --vm->refcount > 0)
		return NULL;
	page_map_free(vm->page_map);
	vtop_free(vm->vtop);
	vmcore_unmap(vm);
	vmcore_free_vmcoreinfo(vm);
	vmcore_free_notes(vm);
	if (vm->format)
		vm->format->close(vm);
	free(vm->by_paddr);
	free(vm->segs);
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm->path);
	fadump_ctx_unref(vm->ctx);
	free(vm);
	return NULL;
}

FADUMP_EXPORT const char *fadump_vmcore_get_path(const struct fadump_vmcore *vm)
{
	return vm ? vm->path : NULL;
}

FADUMP_EXPORT const char *
fadump_vmcore_format_name(enum fadump_vmcore_format format)
{
	switch (format) {
	case FADUMP_VMCORE_FORMAT_ELF:
		return "elf";
	case FADUMP_VMCORE_FORMAT_KDUMP:
		return "kdump";
	}
	return NULL;
}

FADUMP_EXPORT int fadump_vmcore_get_info(const struct fadump_vmcore *vm,
					 struct fadump_vmcore_info *info)
{
	struct fadump_vmcore_info full = { .size = sizeof(full) };

	if (!vm || !info || info->size < FADUMP_VMCORE_INFO_SIZE_V1)
		return -EINVAL;
	full.big_endian = vm->order == FADUMP_BYTE_ORDER_BIG;
	full.machine = vm->machine;
	full.file_size = vm->file_size;
	full.segments = vm->nsegs;
	full.notes = vm->nnotes;
	full.cpus = vm->ncpus;
	full.format = vm->format->id;
	full.dump_level = vm->dump_level;
	for (unsigned int i = 0; i < vm->nsegs; i++) {
		/* sums of ranges inside a 64-bit space and file: no overflow
		 * for filesz; memsz may repeat (nested views), so saturate */
		full.data_bytes += vm->segs[i].filesz;
		if (full.memory_bytes > UINT64_MAX - vm->segs[i].memsz)
			full.memory_bytes = UINT64_MAX;
		else
			full.memory_bytes += vm->segs[i].memsz;
	}
	fadump_copy_out(info, &full, sizeof(full));
	return 0;
}

FADUMP_EXPORT unsigned int
fadump_vmcore_segments_count(const struct fadump_vmcore *vm)
{
	return vm ? vm->nsegs : 0;
}

FADUMP_EXPORT int fadump_vmcore_get_segment(const struct fadump_vmcore *vm,
					    unsigned int idx,
					    struct fadump_vmcore_segment *out)
{
	struct fadump_vmcore_segment full = { .size = sizeof(full) };
	const struct vmcore_segment *s;

	if (!vm || !out || out->size < FADUMP_VMCORE_SEGMENT_SIZE_V1)
		return -EINVAL;
	if (idx >= vm->nsegs)
		return -ERANGE;
	s = &vm->segs[idx];
	full.paddr = s->paddr;
	full.vaddr = s->vaddr;
	full.offset = s->offset;
	full.filesz = s->filesz;
	full.memsz = s->memsz;
	full.flags = s->flags;
	fadump_copy_out(out, &full, sizeof(full));
	return 0;
}

const struct vmcore_segment *vmcore_find_segment(const struct fadump_vmcore *vm,
						 uint64_t paddr)
{
	unsigned int lo = 0, hi = vm->nby_paddr;

	/* the last segment starting at or below paddr */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (vm->by_paddr[mid]->paddr <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (paddr - vm->by_paddr[lo - 1]->paddr >= vm->by_paddr[lo - 1]->memsz)
		return NULL;
	return vm->by_paddr[lo - 1];
}

int vmcore_not_in_dump(struct fadump_vmcore *vm, uint64_t paddr)
{
	const struct vmcore_segment *before = NULL, *after = NULL;

	for (unsigned int i = 0; i < vm->nby_paddr; i++) {
		if (vm->by_paddr[i]->paddr > paddr) {
			after = vm->by_paddr[i];
			break;
		}
		before = vm->by_paddr[i];
	}
	if (!before && !after)
		return fadump_fail(vm->ctx, -ENXIO,
			"%s: physical address %#" PRIx64 " is not in the dump "
			"(it has no memory)", vm->path, paddr);
	if (!after)
		return fadump_fail(vm->ctx, -ENXIO,
			"%s: physical address %#" PRIx64 " is not in the dump "
			"(memory ends at %#" PRIx64 ")", vm->path, paddr,
			before->paddr + (before->memsz - 1));
	if (!before)
		return fadump_fail(vm->ctx, -ENXIO,
			"%s: physical address %#" PRIx64 " is not in the dump "
			"(memory starts at %#" PRIx64 ")", vm->path, paddr,
			after->paddr);
	return fadump_fail(vm->ctx, -ENXIO,
		"%s: physical address %#" PRIx64 " is not in the dump "
		"(hole from %#" PRIx64 " to %#" PRIx64 ")", vm->path, paddr,
		before->paddr + before->memsz, after->paddr - 1);
}

int vmcore_pread(struct fadump_vmcore *vm, void *buf, size_t len,
		 uint64_t offset)
{
	unsigned char *p = buf;

	/* fadump_vmcore_map(): a copy instead of a system call */
	if (vm->map && offset <= vm->map_len && len <= vm->map_len - offset) {
		memcpy(buf, (const unsigned char *)vm->map + offset, len);
		return 0;
	}
	while (len) {
		ssize_t n = pread(vm->fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;

			return fadump_fail(vm->ctx, ret,
					   "%s: read at offset %#" PRIx64 ": %s",
					   vm->path, offset, strerror(-ret));
		}
		if (n == 0)
			return fadump_fail(vm->ctx, -EIO,
				"%s: file ends at offset %#" PRIx64 ", it was %#"
				PRIx64 " bytes when opened", vm->path, offset,
				vm->file_size);
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

/*
 * The library's own readers (dmesg) call this rather than the public
 * function, which clears the context's message on entry and would wipe
 * an earlier failure's explanation.
 */
int vmcore_read(struct fadump_vmcore *vm, uint64_t paddr, void *buf, size_t len)
{
	uint64_t last;

	if (len == 0)
		return 0;
	if (!vmcore_last_addr(paddr, len, &last))
		return fadump_fail(vm->ctx, -ENXIO,
			"%s: physical range %#" PRIx64 " + %#zx overflows 64 bits",
			vm->path, paddr, len);
	return vm->format->read(vm, paddr, buf, len);
}

enum vmcore_page_state vmcore_page_state(const struct fadump_vmcore *vm,
					 uint64_t paddr)
{
	return vm->format->page_state(vm, paddr);
}

FADUMP_EXPORT int fadump_vmcore_read(struct fadump_vmcore *vm, uint64_t paddr,
				     void *buf, size_t len)
{
	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!buf && len)
		return fadump_fail_null(vm->ctx, "buf");
	return vmcore_read(vm, paddr, buf, len);
}

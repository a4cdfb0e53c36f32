// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Opening a vmcore: the ELF container checked against the file it is in,
 * the PT_LOAD table, and reads of the crashed kernel's memory by physical
 * address.
 *
 * The file is hostile until proven otherwise: a saved dump may come from
 * anywhere, and even /proc/vmcore is built from headers the crashed
 * kernel wrote. libelf decodes the headers (and swaps them to host
 * order); this file checks what libelf does not: that every segment lies
 * inside the file, that no two segments claim the same file bytes or
 * overlap in physical memory, and that nothing overflows 64 bits.
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

/* A file range [start, start + len) of a program header, for overlap checks. */
struct file_range {
	uint64_t start;
	uint64_t len;
	unsigned int phdr;
};

static int cmp_range(const void *a, const void *b)
{
	const struct file_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->phdr < y->phdr ? -1 : x->phdr > y->phdr;
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

static int elf_fail(struct fadump_vmcore *vm, const char *what)
{
	return fadump_fail(vm->ctx, -EBADMSG, "%s: %s: %s", vm->path, what,
			   elf_errmsg(-1));
}

/* The last address of [start, start + len), len > 0; false on overflow. */
static bool last_addr(uint64_t start, uint64_t len, uint64_t *last)
{
	if (len - 1 > UINT64_MAX - start)
		return false;
	*last = start + (len - 1);
	return true;
}

static int check_load(struct fadump_vmcore *vm, const GElf_Phdr *ph,
		      unsigned int i, uint64_t headers_end)
{
	uint64_t last;

	if (ph->p_filesz > ph->p_memsz)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: program header %u (PT_LOAD): p_filesz %#" PRIx64
			" is larger than p_memsz %#" PRIx64, vm->path, i,
			(uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
	if (ph->p_memsz && !last_addr(ph->p_paddr, ph->p_memsz, &last))
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: program header %u (PT_LOAD): physical range %#"
			PRIx64 " + %#" PRIx64 " overflows 64 bits", vm->path, i,
			(uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
	if (ph->p_filesz && ph->p_offset < headers_end)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: program header %u (PT_LOAD): data at offset %#"
			PRIx64 " overlaps the ELF and program headers (up to %#"
			PRIx64 ")", vm->path, i, (uint64_t)ph->p_offset,
			headers_end);
	return 0;
}

/* Both PT_LOAD and PT_NOTE data must be inside the file. */
static int check_in_file(struct fadump_vmcore *vm, const GElf_Phdr *ph,
			 unsigned int i, const char *type)
{
	if (ph->p_filesz && (ph->p_offset > vm->file_size ||
			     ph->p_filesz > vm->file_size - ph->p_offset))
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: program header %u (%s): data at offset %#" PRIx64
			" + %#" PRIx64 " lies past the end of the file (%#"
			PRIx64 " bytes)", vm->path, i, type,
			(uint64_t)ph->p_offset, (uint64_t)ph->p_filesz,
			vm->file_size);
	return 0;
}

static int check_file_overlaps(struct fadump_vmcore *vm,
			       struct file_range *r, unsigned int n)
{
	qsort(r, n, sizeof(*r), cmp_range);
	for (unsigned int i = 1; i < n; i++)
		if (r[i].start - r[i - 1].start < r[i - 1].len)
			return fadump_fail(vm->ctx, -EBADMSG,
				"%s: program headers %u and %u claim the same "
				"file bytes at offset %#" PRIx64, vm->path,
				r[i - 1].phdr, r[i].phdr, r[i].start);
	return 0;
}

static int build_paddr_index(struct fadump_vmcore *vm)
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

static int read_phdrs(struct fadump_vmcore *vm, size_t phnum,
		      uint64_t phoff)
{
	/* the table was checked to lie inside the file */
	uint64_t headers_end = phnum ? phoff + phnum * sizeof(Elf64_Phdr) : 0;
	struct file_range *ranges;
	unsigned int nranges = 0;
	int ret = 0;

	if (headers_end < sizeof(Elf64_Ehdr))
		headers_end = sizeof(Elf64_Ehdr);
	vm->meta_bytes = headers_end;
	vm->segs = calloc(phnum ? phnum : 1, sizeof(*vm->segs));
	ranges = calloc(phnum ? phnum : 1, sizeof(*ranges));
	if (!vm->segs || !ranges) {
		free(ranges);
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	}

	for (unsigned int i = 0; i < phnum && ret == 0; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(vm->elf, (int)i, &ph)) {
			ret = elf_fail(vm, "cannot read a program header");
			break;
		}
		switch (ph.p_type) {
		case PT_LOAD:
			ret = check_in_file(vm, &ph, i, "PT_LOAD");
			if (ret == 0)
				ret = check_load(vm, &ph, i, headers_end);
			if (ret < 0)
				break;
			vm->segs[vm->nsegs++] = (struct vmcore_segment){
				.paddr = ph.p_paddr, .vaddr = ph.p_vaddr,
				.offset = ph.p_offset, .filesz = ph.p_filesz,
				.memsz = ph.p_memsz, .flags = ph.p_flags,
				.phdr = i,
			};
			break;
		case PT_NOTE:
			ret = check_in_file(vm, &ph, i, "PT_NOTE");
			if (ret == 0 && ph.p_filesz && ph.p_offset < headers_end)
				ret = fadump_fail(vm->ctx, -EBADMSG,
					"%s: program header %u (PT_NOTE): notes at "
					"offset %#" PRIx64 " overlap the headers",
					vm->path, i, (uint64_t)ph.p_offset);
			if (ret == 0)
				ret = vmcore_load_notes(vm, &ph, i);
			if (ret == 0)
				vm->meta_bytes += ph.p_filesz;
			break;
		default:
			/* PT_NULL and the like carry nothing for a dump. */
			dbg(vm->ctx, "%s: program header %u: type %#x ignored",
			    vm->path, i, (unsigned int)ph.p_type);
			continue;
		}
		if (ret == 0 && ph.p_filesz)
			ranges[nranges++] = (struct file_range){
				.start = ph.p_offset, .len = ph.p_filesz,
				.phdr = i,
			};
	}
	if (ret == 0)
		ret = check_file_overlaps(vm, ranges, nranges);
	free(ranges);
	if (ret == 0)
		ret = build_paddr_index(vm);
	return ret;
}

static int check_ehdr(struct fadump_vmcore *vm, size_t *phnum,
		      uint64_t *phoff)
{
	const char *ident;
	GElf_Ehdr eh;

	if (elf_kind(vm->elf) != ELF_K_ELF)
		return fadump_fail(vm->ctx, -EBADMSG, "%s: not an ELF file",
				   vm->path);
	ident = elf_getident(vm->elf, NULL);
	if (!ident)
		return elf_fail(vm, "bad ELF header");
	if (ident[EI_CLASS] == ELFCLASS32)
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
				   "%s: 32-bit ELF core files are not supported",
				   vm->path);
	if (ident[EI_CLASS] != ELFCLASS64)
		return fadump_fail(vm->ctx, -EBADMSG, "%s: bad ELF class %u",
				   vm->path, (unsigned char)ident[EI_CLASS]);
	if (ident[EI_DATA] == ELFDATA2MSB)
		vm->order = FADUMP_BYTE_ORDER_BIG;
	else if (ident[EI_DATA] == ELFDATA2LSB)
		vm->order = FADUMP_BYTE_ORDER_LITTLE;
	else
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: bad ELF byte order %u", vm->path,
				   (unsigned char)ident[EI_DATA]);
	if (!gelf_getehdr(vm->elf, &eh))
		return elf_fail(vm, "bad ELF header");
	if (eh.e_type != ET_CORE)
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: ELF type %u is not a core file (ET_CORE)",
				   vm->path, (unsigned int)eh.e_type);
	vm->machine = eh.e_machine;

	/*
	 * The count as the file states it: elf_getphdrnum() quietly lowers
	 * a count that does not fit in the file, which would hide damage.
	 * PN_XNUM means the real count is in section header 0's sh_info.
	 */
	*phnum = eh.e_phnum;
	if (eh.e_phnum == PN_XNUM) {
		GElf_Shdr sh;
		Elf_Scn *scn = elf_getscn(vm->elf, 0);

		if (!scn || !gelf_getshdr(scn, &sh))
			return elf_fail(vm, "e_phnum is PN_XNUM but section "
					"header 0 cannot be read");
		*phnum = sh.sh_info;
	}
	if (*phnum > VMCORE_MAX_PHDRS)
		return fadump_fail(vm->ctx, -E2BIG,
				   "%s: %zu program headers, more than the %u "
				   "any kernel writes", vm->path, *phnum,
				   VMCORE_MAX_PHDRS);
	if (*phnum && eh.e_phentsize != sizeof(Elf64_Phdr))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: program header size %u, expected %zu",
				   vm->path, (unsigned int)eh.e_phentsize,
				   sizeof(Elf64_Phdr));
	/* phnum <= 65536, so the product cannot overflow */
	if (*phnum && (eh.e_phoff > vm->file_size ||
		       *phnum * sizeof(Elf64_Phdr) > vm->file_size - eh.e_phoff))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: program header table (%zu entries at "
				   "offset %#" PRIx64 ") runs past the end of the "
				   "file (%#" PRIx64 " bytes)", vm->path, *phnum,
				   (uint64_t)eh.e_phoff, vm->file_size);
	*phoff = eh.e_phoff;
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
	if (vm->file_size < sizeof(Elf64_Ehdr))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: %" PRIu64 " bytes, too short for an ELF header",
				   vm->path, vm->file_size);
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_open(struct fadump_ctx *ctx, const char *path,
				     struct fadump_vmcore **vmp)
{
	struct fadump_vmcore *vm;
	char full[PATH_MAX];
	uint64_t phoff = 0;
	size_t phnum = 0;
	int ret;

	if (!ctx || !vmp)
		return -EINVAL;
	fadump_clear_error(ctx);
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
	vm->ctx = fadump_ctx_ref(ctx);
	vm->path = strdup(path);
	if (!vm->path) {
		ret = fadump_fail(ctx, -ENOMEM, "out of memory");
		goto fail;
	}

	ret = open_file(vm);
	if (ret < 0)
		goto fail;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		ret = fadump_fail(ctx, -EIO, "libelf: %s", elf_errmsg(-1));
		goto fail;
	}
	/*
	 * ELF_C_READ, not ELF_C_READ_MMAP: libelf then pread()s only the
	 * headers and notes. Mapping all of /proc/vmcore would make the
	 * kernel build page tables for the crashed machine's whole memory.
	 */
	vm->elf = elf_begin(vm->fd, ELF_C_READ, NULL);
	if (!vm->elf) {
		ret = elf_fail(vm, "cannot read the ELF header");
		goto fail;
	}
	ret = check_ehdr(vm, &phnum, &phoff);
	if (ret < 0)
		goto fail;
	ret = read_phdrs(vm, phnum, phoff);
	if (ret == 0)
		ret = vmcore_index_notes(vm);
	if (ret < 0)
		goto fail;
	vmcore_parse_vmcoreinfo(vm);
	dbg(ctx, "%s: %u segments, %u notes, %u CPUs", vm->path, vm->nsegs,
	    vm->nnotes, vm->ncpus);
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
	free(vm->by_paddr);
	free(vm->segs);
	if (vm->elf)
		elf_end(vm->elf);
	if (vm->fd >= 0)
		close(vm->fd);
	free(vm->path);
	fadump_ctx_unref(vm->ctx);
	free(vm);
	return NULL;
}

FADUMP_EXPORT const char *fadump_vmcore_get_path(const struct fadump_vmcore *vm)
{
	return vm->path;
}

FADUMP_EXPORT int fadump_vmcore_get_info(const struct fadump_vmcore *vm,
					 struct fadump_vmcore_info *info)
{
	struct fadump_vmcore_info full = { .size = sizeof(full) };

	if (!info || info->size < FADUMP_VMCORE_INFO_SIZE_V1)
		return -EINVAL;
	full.big_endian = vm->order == FADUMP_BYTE_ORDER_BIG;
	full.machine = vm->machine;
	full.file_size = vm->file_size;
	full.segments = vm->nsegs;
	full.notes = vm->nnotes;
	full.cpus = vm->ncpus;
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
	return vm->nsegs;
}

FADUMP_EXPORT int fadump_vmcore_get_segment(const struct fadump_vmcore *vm,
					    unsigned int idx,
					    struct fadump_vmcore_segment *out)
{
	struct fadump_vmcore_segment full = { .size = sizeof(full) };
	const struct vmcore_segment *s;

	if (!out || out->size < FADUMP_VMCORE_SEGMENT_SIZE_V1)
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

/* The segment holding @paddr, or NULL. */
static const struct vmcore_segment *find_segment(const struct fadump_vmcore *vm,
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

static int not_in_dump(struct fadump_vmcore *vm, uint64_t paddr)
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
	unsigned char *p = buf;
	uint64_t last;

	if (len && !last_addr(paddr, len, &last))
		return fadump_fail(vm->ctx, -ENXIO,
			"%s: physical range %#" PRIx64 " + %#zx overflows 64 bits",
			vm->path, paddr, len);
	while (len) {
		const struct vmcore_segment *s = find_segment(vm, paddr);
		uint64_t in_seg, avail;
		size_t n;
		int ret;

		if (!s)
			return not_in_dump(vm, paddr);
		in_seg = paddr - s->paddr;
		avail = s->memsz - in_seg;
		n = avail < len ? (size_t)avail : len;
		if (in_seg < s->filesz) {
			size_t from_file = s->filesz - in_seg < n ?
					   (size_t)(s->filesz - in_seg) : n;

			ret = vmcore_pread(vm, p, from_file, s->offset + in_seg);
			if (ret < 0)
				return ret;
			/* ELF: memory past p_filesz up to p_memsz is zero */
			memset(p + from_file, 0, n - from_file);
		} else {
			memset(p, 0, n);
		}
		p += n;
		len -= n;
		paddr += n;	/* cannot wrap: checked above */
	}
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_read(struct fadump_vmcore *vm, uint64_t paddr,
				     void *buf, size_t len)
{
	fadump_clear_error(vm->ctx);
	return vmcore_read(vm, paddr, buf, len);
}

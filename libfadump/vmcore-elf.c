// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ELF format: a core file as /proc/vmcore presents the crashed
 * machine (the kernel re-packs the crashed kernel's ELF header,
 * fs/proc/vmcore.c), or any copy of it. One PT_LOAD per memory range,
 * its bytes in the file as they were in memory; PT_NOTE segments for the
 * CPUs' registers and VMCOREINFO.
 *
 * The file is hostile until proven otherwise: a saved dump may come from
 * anywhere, and even /proc/vmcore is built from headers the crashed
 * kernel wrote. libelf decodes the headers (and swaps them to host
 * order); this file checks what libelf does not: that every segment lies
 * inside the file, that no two segments claim the same file bytes or
 * overlap in physical memory, and that nothing overflows 64 bits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcore.h"

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
static int elf_fail(struct fadump_vmcore *vm, const char *what)
{
	return fadump_fail(vm->ctx, -EBADMSG, "%s: %s: %s", vm->path, what,
			   elf_errmsg(-1));
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
	if (ph->p_memsz && !vmcore_last_addr(ph->p_paddr, ph->p_memsz, &last))
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
/* One PT_NOTE segment's bytes (owned by vm->elf) into vm->notes. */
static int load_notes(struct fadump_vmcore *vm, const GElf_Phdr *ph,
		      unsigned int phdr)
{
	char where[48];
	Elf_Data *data;
	int ret;

	if (ph->p_filesz == 0)
		return 0;
	snprintf(where, sizeof(where), "program header %u (PT_NOTE)", phdr);
	ret = vmcore_reserve_note_bytes(vm, ph->p_filesz, where);
	if (ret < 0)
		return ret;
	/* ELF_T_BYTE: the raw bytes; the note parser swaps what it reads. */
	data = elf_getdata_rawchunk(vm->elf, (int64_t)ph->p_offset,
				    ph->p_filesz, ELF_T_BYTE);
	if (!data)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: %s: cannot read the notes: %s", vm->path, where,
			elf_errmsg(-1));
	snprintf(where, sizeof(where), "program header %u", phdr);
	return vmcore_parse_notes(vm, data->d_buf, data->d_size, ph->p_offset,
				  where);
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
				ret = load_notes(vm, &ph, i);
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
		ret = vmcore_index_segments(vm);
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
	if (*phnum > VMCORE_MAX_ELF_PHDRS)
		return fadump_fail(vm->ctx, -E2BIG,
				   "%s: %zu program headers, more than the %u "
				   "any dump tool writes", vm->path, *phnum,
				   VMCORE_MAX_ELF_PHDRS);
	if (*phnum && eh.e_phentsize != sizeof(Elf64_Phdr))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: program header size %u, expected %zu",
				   vm->path, (unsigned int)eh.e_phentsize,
				   sizeof(Elf64_Phdr));
	/* phnum <= 2^24, so the product cannot overflow */
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

static bool elf_probe(const unsigned char *head, size_t len)
{
	return len >= SELFMAG && memcmp(head, ELFMAG, SELFMAG) == 0;
}

static int elf_open(struct fadump_vmcore *vm)
{
	uint64_t phoff = 0;
	size_t phnum = 0;
	int ret;

	if (vm->file_size < sizeof(Elf64_Ehdr))
		return fadump_fail(vm->ctx, -EBADMSG,
				   "%s: %" PRIu64 " bytes, too short for an ELF header",
				   vm->path, vm->file_size);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return fadump_fail(vm->ctx, -EIO, "libelf: %s", elf_errmsg(-1));
	/*
	 * ELF_C_READ, not ELF_C_READ_MMAP: libelf then pread()s only the
	 * headers and notes. Mapping all of /proc/vmcore would make the
	 * kernel build page tables for the crashed machine's whole memory.
	 */
	vm->elf = elf_begin(vm->fd, ELF_C_READ, NULL);
	if (!vm->elf)
		return elf_fail(vm, "cannot read the ELF header");
	ret = check_ehdr(vm, &phnum, &phoff);
	if (ret == 0)
		ret = read_phdrs(vm, phnum, phoff);
	if (ret == 0)
		ret = vmcore_index_notes(vm);
	if (ret == 0)
		vmcore_parse_vmcoreinfo(vm);
	return ret;
}

static int elf_read(struct fadump_vmcore *vm, uint64_t paddr, void *buf,
		    size_t len)
{
	unsigned char *p = buf;

	while (len) {
		const struct vmcore_segment *s = vmcore_find_segment(vm, paddr);
		uint64_t in_seg, avail;
		size_t n;
		int ret;

		if (!s)
			return vmcore_not_in_dump(vm, paddr);
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
		paddr += n;	/* cannot wrap: checked by vmcore_read() */
	}
	return 0;
}

/* Bytes past p_filesz read as zeros: they are in the dump, as zeros. */
static enum vmcore_page_state elf_page_state(const struct fadump_vmcore *vm,
					     uint64_t paddr)
{
	return vmcore_find_segment(vm, paddr) ? VMCORE_PAGE_DUMPED :
						VMCORE_PAGE_ABSENT;
}

static void elf_close(struct fadump_vmcore *vm)
{
	/* The note bytes were libelf's: free them with it. */
	if (vm->elf)
		elf_end(vm->elf);
	vm->elf = NULL;
}

const struct vmcore_format vmcore_format_elf = {
	.id = FADUMP_VMCORE_FORMAT_ELF,
	.name = "ELF",
	.probe = elf_probe,
	.open = elf_open,
	.read = elf_read,
	.page_state = elf_page_state,
	.close = elf_close,
};

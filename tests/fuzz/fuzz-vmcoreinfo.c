// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * VMCOREINFO text, and the log ring it leads to. The harness wraps the
 * input in a well-formed ppc64 ELF core, so that every execution gets
 * past the container checks to the text:
 *
 *   input = flags byte (bit 0: big-endian core), the VMCOREINFO note's
 *           text, FUZZ_SEPARATOR, the memory of one PT_LOAD at physical
 *           address 0x10000 (kernel address 0xc000000000010000 in the
 *           linear map)
 *
 * Without a separator there is no memory, only the text. The address is
 * where tests/mkvmcore puts its printk ring (MKV_PRB_PADDR), so the seeds
 * made from its dumps reach the log reader.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "vmcore-walk.h"

#define LINEAR_MAP 0xc000000000000000ULL
#define MEM_PADDR 0x10000
#define NOTE_NAME "VMCOREINFO"
#define NOTE_NAMESZ (sizeof(NOTE_NAME))		/* 11 with the NUL */
#define ALIGN4(x) (((x) + 3) & ~(size_t)3)

struct core {
	unsigned char *p;
	bool big;
};

static void put(struct core *c, size_t off, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int shift = c->big ? 8 * (bytes - 1 - i) : 8 * i;

		c->p[off + i] = (unsigned char)(v >> shift);
	}
}

static void put_phdr(struct core *c, size_t off, uint32_t type,
		     uint64_t offset, uint64_t paddr, uint64_t filesz)
{
	put(c, off + offsetof(Elf64_Phdr, p_type), type, 4);
	put(c, off + offsetof(Elf64_Phdr, p_flags), type == PT_LOAD ? PF_R | PF_W | PF_X : 0, 4);
	put(c, off + offsetof(Elf64_Phdr, p_offset), offset, 8);
	put(c, off + offsetof(Elf64_Phdr, p_vaddr),
	    type == PT_LOAD ? LINEAR_MAP + paddr : 0, 8);
	put(c, off + offsetof(Elf64_Phdr, p_paddr), paddr, 8);
	put(c, off + offsetof(Elf64_Phdr, p_filesz), filesz, 8);
	put(c, off + offsetof(Elf64_Phdr, p_memsz), filesz, 8);
	put(c, off + offsetof(Elf64_Phdr, p_align), 0, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_vmcore *vm;
	const uint8_t *piece[2];
	size_t plen[2], phnum, note_off, note_len, mem_off, total;
	struct core c;

	if (size < 1)
		return 0;
	c.big = data[0] & 1;
	if (fuzz_split(data + 1, size - 1, 2, piece, plen) < 2)
		plen[1] = 0;
	phnum = plen[1] ? 2 : 1;

	note_off = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
	note_len = sizeof(Elf64_Nhdr) + ALIGN4(NOTE_NAMESZ) + ALIGN4(plen[0]);
	mem_off = note_off + note_len;
	total = mem_off + plen[1];
	c.p = calloc(1, total);
	if (!c.p)
		return 0;

	memcpy(c.p, ELFMAG, SELFMAG);
	c.p[EI_CLASS] = ELFCLASS64;
	c.p[EI_DATA] = c.big ? ELFDATA2MSB : ELFDATA2LSB;
	c.p[EI_VERSION] = EV_CURRENT;
	put(&c, offsetof(Elf64_Ehdr, e_type), ET_CORE, 2);
	put(&c, offsetof(Elf64_Ehdr, e_machine), EM_PPC64, 2);
	put(&c, offsetof(Elf64_Ehdr, e_version), EV_CURRENT, 4);
	put(&c, offsetof(Elf64_Ehdr, e_phoff), sizeof(Elf64_Ehdr), 8);
	put(&c, offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr), 2);
	put(&c, offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), 2);
	put(&c, offsetof(Elf64_Ehdr, e_phnum), phnum, 2);

	put_phdr(&c, sizeof(Elf64_Ehdr), PT_NOTE, note_off, 0, note_len);
	if (plen[1])
		put_phdr(&c, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), PT_LOAD,
			 mem_off, MEM_PADDR, plen[1]);

	put(&c, note_off + offsetof(Elf64_Nhdr, n_namesz), NOTE_NAMESZ, 4);
	put(&c, note_off + offsetof(Elf64_Nhdr, n_descsz), plen[0], 4);
	put(&c, note_off + offsetof(Elf64_Nhdr, n_type), 0, 4);
	memcpy(c.p + note_off + sizeof(Elf64_Nhdr), NOTE_NAME, NOTE_NAMESZ);
	memcpy(c.p + note_off + sizeof(Elf64_Nhdr) + ALIGN4(NOTE_NAMESZ),
	       piece[0], plen[0]);
	if (plen[1])
		memcpy(c.p + mem_off, piece[1], plen[1]);

	if (fadump_vmcore_open(ctx, fuzz_memfile(c.p, total), &vm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
	} else {
		vmcore_walk(vm, true);
		fadump_vmcore_unref(vm);
	}
	free(c.p);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel page-table walk and vmemmap_list (vtop.c): the harness
 * writes a ppc64 core whose VMCOREINFO points at the input's memory, and
 * translates and reads the input's addresses.
 *
 *   input = flags byte:
 *             bit 0  big-endian kernel
 *             bit 1  hash MMU (else radix)
 *             bit 2  4 KiB pages (else 64 KiB)
 *             bit 3  no NUMBER(RADIX_MMU): the MMU from cur_cpu_spec
 *             bit 4  map the file (fadump_vmcore_map())
 *           8 bytes: swapper_pg_dir's physical address (little-endian,
 *                    40 bits used)
 *           8 bytes: vmemmap_list's physical address (the same)
 *           up to 8 kernel virtual addresses, 8 little-endian bytes each,
 *           FUZZ_SEPARATOR,
 *           the memory of one PT_LOAD at physical MEM_BASE (16 MiB)
 *
 * At fixed places in that memory: the cur_cpu_spec pointer (+0x100),
 * mmu_vmemmap_psize (+0x110), mmu_psize_defs[] (+0x120, 8 bytes each,
 * the shift first). The seeds (make-corpus.py) hold page tables of each
 * geometry and a vmemmap_list, with the PGD placed so that the entries
 * they use fall into the memory.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

#define MEM_BASE	0x1000000ULL
#define LINEAR		0xc000000000000000ULL
#define MAX_ADDRS	8
#define ADDR_MASK	((1ULL << 40) - 1)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_vmcore *vm;
	const uint8_t *piece[2];
	size_t plen[2], naddrs;
	unsigned char buf[256];
	char info[2048];
	uint64_t pgd, list, page;
	bool hash, small;
	unsigned int flags;
	int len;

	if (size < 17)
		return 0;
	flags = data[0];
	hash = flags & 2;
	small = flags & 4;
	page = small ? 4096 : 65536;
	pgd = le64(data + 1) & ADDR_MASK;
	list = le64(data + 9) & ADDR_MASK;
	if (fuzz_split(data + 17, size - 17, 2, piece, plen) < 2)
		plen[1] = 0;
	naddrs = plen[0] / 8 < MAX_ADDRS ? plen[0] / 8 : MAX_ADDRS;

	len = snprintf(info, sizeof(info),
		"OSRELEASE=7.2.0\n"
		"PAGESIZE=%llu\n"
		"SYMBOL(swapper_pg_dir)=%llx\n"
		"NUMBER(VMALLOC_START)=0x%llx\n"
		"SYMBOL(vmemmap)=%llx\n"
		"NUMBER(MAX_PHYSMEM_BITS)=%d\n"
		"SIZE(page)=64\n"
		"SYMBOL(vmemmap_list)=%llx\n"
		"SYMBOL(mmu_vmemmap_psize)=%llx\n"
		"SYMBOL(mmu_psize_defs)=%llx\n"
		"SIZE(vmemmap_backing)=24\n"
		"OFFSET(vmemmap_backing.list)=0\n"
		"OFFSET(vmemmap_backing.phys)=8\n"
		"OFFSET(vmemmap_backing.virt_addr)=16\n"
		"SIZE(mmu_psize_def)=8\n"
		"OFFSET(mmu_psize_def.shift)=0\n"
		"SYMBOL(cur_cpu_spec)=%llx\n"
		"OFFSET(cpu_spec.mmu_features)=8\n"
		"%s",
		(unsigned long long)page, (unsigned long long)(LINEAR + pgd),
		hash && small ? 0xc0003d0000000000ULL : 0xc008000000000000ULL,
		hash && small ? 0xc0003f0000000000ULL : 0xc00c000000000000ULL,
		hash && small ? 46 : 51,
		(unsigned long long)(LINEAR + list),
		(unsigned long long)(LINEAR + MEM_BASE + 0x110),
		(unsigned long long)(LINEAR + MEM_BASE + 0x120),
		(unsigned long long)(LINEAR + MEM_BASE + 0x100),
		flags & 8 ? "" : hash ? "NUMBER(RADIX_MMU)=0\n" :
		"NUMBER(RADIX_MMU)=1\n");
	if (len < 0 || (size_t)len >= sizeof(info))
		return 0;
	if (fadump_vmcore_open(ctx, fuzz_ppc64_core(flags & 1, info, (size_t)len,
						    MEM_BASE, piece[1], plen[1]),
			       &vm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	if (flags & 16)
		fadump_vmcore_map(vm);
	for (size_t i = 0; i < naddrs; i++) {
		uint64_t va = le64(piece[0] + 8 * i), pa;

		if (fadump_vmcore_virt_to_phys(vm, va, &pa) < 0)
			fuzz_touch(fadump_ctx_get_error(ctx));
		if (fadump_vmcore_read_virt(vm, va, buf, 64) < 0)
			fuzz_touch(fadump_ctx_get_error(ctx));
		else
			fuzz_touch_bytes(buf, 64);
		/* across a page boundary */
		if (fadump_vmcore_read_virt(vm, (va | (page - 1)) - 63, buf,
					    128) == 0)
			fuzz_touch_bytes(buf, 128);
	}
	fadump_vmcore_unref(vm);
	return 0;
}

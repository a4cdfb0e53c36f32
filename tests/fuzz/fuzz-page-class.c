// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page classification (page-class.c): the section map, vmemmap through
 * vmemmap_list, and struct pages of the input's memory, under the
 * VMCOREINFO of one of four kernel eras the harness writes.
 *
 *   input = flags byte:
 *             bit 0    big-endian kernel
 *             bit 1    4 KiB pages (else 64 KiB)
 *             bits 2-3 era: 0 Linux 7.2 (top-byte page types,
 *                      compound_info), 1 6.10 (~PG_x types), 2 4.17
 *                      (buddy -128, PG_slab), 3 7.2 without a hugetlb
 *                      marker
 *             bit 4    SPARSEMEM_VMEMMAP: SYMBOL(vmemmap) (0xc00c... or,
 *                      for 4 KiB pages, 0xc0003f...) and a hash MMU's
 *                      vmemmap_list (else the sections' mem_map
 *                      pointers, in the linear map)
 *             bit 5    check for zero pages
 *             bit 6    the per-CPU free lists' VMCOREINFO (kernel patch
 *                      0006), with SYMBOL(contig_page_data) or, with
 *             bit 7    SYMBOL(node_data) (NUMA)
 *           the memory of one PT_LOAD at physical 0
 *
 * In that memory: mem_section's roots at 0x1000, vmemmap_list at 0x2000,
 * mmu_vmemmap_psize at 0x2010, mmu_psize_defs[] at 0x2020 (8 bytes each,
 * the shift first). Sections are two pages (SECTION_SIZE_BITS = page
 * shift + 1) of a 16 MiB physical space (MAX_PHYSMEM_BITS 24). struct
 * page has 7.2's layout. For the per-CPU lists: the pglist_data at
 * 0x2200 (zones of 0x20 bytes from 0, per_cpu_pageset at 8 in a zone,
 * nr_zones at 0x60), node_data[4] at 0x2280, node_online_map at 0x22a0,
 * __per_cpu_offset[4] at 0x22c0, __cpu_possible_mask at 0x22e0; struct
 * per_cpu_pages has count at 4 and 6 lists from 0x10 (MIGRATE_PCPTYPES
 * 1, PAGE_ALLOC_COSTLY_ORDER 3, HPAGE_PMD_ORDER 2). The seeds
 * (make-corpus.py) hold section maps, a vmemmap_list, struct pages of
 * every class and, with bit 6, per-CPU lists of two blocks.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz-common.h"

#define LINEAR		0xc000000000000000ULL
#define VMEMMAP		0xc00c000000000000ULL	/* hash 64K (hash-64k.h) */
#define VMEMMAP_4K	0xc0003f0000000000ULL	/* hash 4K (hash-4k.h) */
#define PHYS_BITS	24
#define RUNS_MAX	4096

struct era {
	const char *release, *compound;
	int pg_lru, pg_head, pg_private, pg_swapcache, pg_swapbacked,
	    pg_hwpoison, pg_slab;
	long buddy, offline, hugetlb, slab;	/* 0: not written */
};

static const struct era eras[4] = {
	{ "7.2.0", "compound_info", 5, 6, 14, 10, 17, 21, -1,
	  0xf0L << 24, 0xf1L << 24, 0xf4L << 24, 0xf5L << 24 },
	{ "6.10.0", "compound_head", 5, 6, 13, 10, 17, 20, -1,
	  ~0x80L, ~0x100L, ~0x800L, ~0x1000L },
	{ "4.17.0", "compound_head", 4, 15, 11, 8, 17, 20, 7,
	  -128, 0, 0, 0 },
	{ "7.2.0", "compound_info", 5, 6, 14, 10, 17, 21, -1,
	  0xf0L << 24, 0xf1L << 24, 0, 0xf5L << 24 },
};

static int vmcoreinfo(char *info, size_t size, unsigned int flags)
{
	const struct era *e = &eras[(flags >> 2) & 3];
	unsigned int shift = flags & 2 ? 12 : 16;
	unsigned long sections = 1UL << (PHYS_BITS - shift - 1);
	unsigned long per_root = (1UL << shift) / 16;
	char extra[2048];
	int n = 0;

	extra[0] = '\0';
	if (e->pg_slab >= 0)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "NUMBER(PG_slab)=%d\n", e->pg_slab);
	if (e->slab)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=%ld\n", e->slab);
	if (e->offline)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%ld\n",
			      e->offline);
	if (e->hugetlb)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=%ld\n",
			      e->hugetlb);
	if (flags & 16)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "SYMBOL(vmemmap)=%llx\n",
			      shift == 12 ? VMEMMAP_4K : VMEMMAP);
	if (flags & 128)
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "SYMBOL(node_data)=%llx\nLENGTH(node_data)=4\n"
			      "SYMBOL(node_online_map)=%llx\n"
			      "SIZE(nodemask_t)=8\n", LINEAR + 0x2280,
			      LINEAR + 0x22a0);
	else
		n += snprintf(extra + n, sizeof(extra) - (size_t)n,
			      "SYMBOL(contig_page_data)=%llx\n",
			      LINEAR + 0x2200);
	if (flags & 64)
		snprintf(extra + n, sizeof(extra) - (size_t)n,
			 "SIZE(pglist_data)=128\n"
			 "OFFSET(pglist_data.node_zones)=0\n"
			 "OFFSET(pglist_data.nr_zones)=96\n"
			 "SIZE(zone)=32\n"
			 "OFFSET(zone.per_cpu_pageset)=8\n"
			 "SYMBOL(__per_cpu_offset)=%llx\n"
			 "LENGTH(__per_cpu_offset)=4\n"
			 "SYMBOL(__cpu_possible_mask)=%llx\n"
			 "OFFSET(per_cpu_pages.count)=4\n"
			 "OFFSET(per_cpu_pages.lists)=16\n"
			 "LENGTH(per_cpu_pages.lists)=6\n"
			 "OFFSET(page.pcp_list)=8\n"
			 "SIZE(list_head)=16\n"
			 "OFFSET(list_head.next)=0\n"
			 "OFFSET(list_head.prev)=8\n"
			 "NUMBER(MIGRATE_PCPTYPES)=1\n"
			 "NUMBER(PAGE_ALLOC_COSTLY_ORDER)=3\n"
			 "NUMBER(HPAGE_PMD_ORDER)=2\n",
			 LINEAR + 0x22c0, LINEAR + 0x22e0);
	return snprintf(info, size,
		"OSRELEASE=%s\n"
		"PAGESIZE=%lu\n"
		"SYMBOL(swapper_pg_dir)=%llx\n"
		"SYMBOL(mem_section)=%llx\n"
		"LENGTH(mem_section)=%lu\n"
		"SIZE(mem_section)=16\n"
		"OFFSET(mem_section.section_mem_map)=0\n"
		"NUMBER(SECTION_SIZE_BITS)=%u\n"
		"NUMBER(MAX_PHYSMEM_BITS)=%d\n"
		"SIZE(page)=64\n"
		"OFFSET(page.flags)=0\n"
		"OFFSET(page._refcount)=52\n"
		"OFFSET(page.mapping)=24\n"
		"OFFSET(page.lru)=8\n"
		"OFFSET(page._mapcount)=48\n"
		"OFFSET(page.private)=40\n"
		"OFFSET(page.%s)=8\n"
		"LENGTH(zone.free_area)=%d\n"
		"NUMBER(PG_lru)=%d\n"
		"NUMBER(PG_private)=%d\n"
		"NUMBER(PG_swapcache)=%d\n"
		"NUMBER(PG_swapbacked)=%d\n"
		"NUMBER(PG_hwpoison)=%d\n"
		"NUMBER(PG_head_mask)=%lu\n"
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%ld\n"
		"%s"
		"SYMBOL(vmemmap_list)=%llx\n"
		"SYMBOL(mmu_vmemmap_psize)=%llx\n"
		"SYMBOL(mmu_psize_defs)=%llx\n"
		"SIZE(mmu_psize_def)=8\n"
		"OFFSET(mmu_psize_def.shift)=0\n"
		"OFFSET(vmemmap_backing.list)=0\n"
		"OFFSET(vmemmap_backing.phys)=8\n"
		"OFFSET(vmemmap_backing.virt_addr)=16\n"
		"NUMBER(RADIX_MMU)=0\n",
		e->release, 1UL << shift, LINEAR + 0x3000, LINEAR + 0x1000,
		(sections + per_root - 1) / per_root, shift + 1, PHYS_BITS,
		e->compound, shift == 12 ? 11 : 9, e->pg_lru, e->pg_private,
		e->pg_swapcache, e->pg_swapbacked, e->pg_hwpoison,
		1UL << e->pg_head, e->buddy, extra, LINEAR + 0x2000,
		LINEAR + 0x2010, LINEAR + 0x2020);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_page_run run = { .size = sizeof(run) };
	struct fadump_page_iter *it;
	struct fadump_vmcore *vm;
	unsigned int flags, page_flags, cls;
	char info[6144];
	int len;

	if (size < 1)
		return 0;
	flags = data[0];
	page_flags = flags & 32 ? FADUMP_PAGE_CHECK_ZERO : 0;
	len = vmcoreinfo(info, sizeof(info), flags);
	if (len < 0 || (size_t)len >= sizeof(info))
		return 0;
	if (fadump_vmcore_open(ctx, fuzz_ppc64_core(flags & 1, info, (size_t)len,
						    0, data + 1, size - 1),
			       &vm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	/* reads are memcpy()s then: the memfd does not shrink meanwhile */
	fadump_vmcore_map(vm);
	if (fadump_page_iter_new(vm, 0, UINT64_MAX, page_flags, &it) == 0) {
		for (unsigned int i = 0; i < RUNS_MAX; i++)
			if (fadump_page_iter_next(it, &run) != 1)
				break;
		fadump_page_iter_free(it);
	}
	/* the per-page call: inside the seeds' free block and folio */
	for (unsigned int i = 0; i < 8; i++) {
		static const uint64_t pfns[8] = { 0, 1, 9, 12, 17, 19, 25, 27 };

		if (fadump_vmcore_page_class(vm, pfns[i], page_flags, &cls) == 0)
			fuzz_touch(fadump_page_class_name(cls));
	}
	fadump_vmcore_unref(vm);
	return 0;
}

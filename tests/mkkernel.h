/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkkernel: the memory of a synthetic ppc64 Book3S-64 kernel, for the
 * address-translation and page-classification tests and fuzz seeds:
 * kernel page tables (radix or hash geometry, 4 KiB or 64 KiB pages,
 * with PMD and PUD leaves), vmemmap mapped by 2 MiB PMD leaves (radix)
 * or listed in vmemmap_list (hash), the sparse section map, a struct
 * page for every page frame, and the VMCOREINFO lines a kernel of the
 * chosen era writes for them, in either byte order.
 *
 * It shares no code with the library: the constants below are copied
 * from the kernel headers named beside them (Linux 7.2 unless an era
 * says otherwise), and tests/test_kernel_constants.py checks them
 * against those headers when the kernel source is at hand.
 */
#ifndef MKKERNEL_H
#define MKKERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "mkvmcore.h"

/* arch/powerpc/include/asm/book3s/64/radix-4k.h, radix-64k.h */
#define MKK_RADIX_4K_PTE_INDEX_SIZE	9
#define MKK_RADIX_4K_PMD_INDEX_SIZE	9
#define MKK_RADIX_4K_PUD_INDEX_SIZE	9
#define MKK_RADIX_4K_PGD_INDEX_SIZE	13
#define MKK_RADIX_64K_PTE_INDEX_SIZE	5
#define MKK_RADIX_64K_PMD_INDEX_SIZE	9
#define MKK_RADIX_64K_PUD_INDEX_SIZE	9
#define MKK_RADIX_64K_PGD_INDEX_SIZE	13
/* hash-4k.h, hash-64k.h */
#define MKK_H_4K_PTE_INDEX_SIZE		9
#define MKK_H_4K_PMD_INDEX_SIZE		7
#define MKK_H_4K_PUD_INDEX_SIZE		9
#define MKK_H_4K_PGD_INDEX_SIZE		9
#define MKK_H_64K_PTE_INDEX_SIZE	8
#define MKK_H_64K_PMD_INDEX_SIZE	10
#define MKK_H_64K_PUD_INDEX_SIZE	10
#define MKK_H_64K_PGD_INDEX_SIZE	8
/* pgtable.h: the entry bits */
#define MKK_PAGE_PRESENT	0x8000000000000000ULL	/* _PAGE_PRESENT */
#define MKK_PAGE_PTE		0x4000000000000000ULL	/* _PAGE_PTE */
#define MKK_PAGE_KERNEL_RW	0x18eULL	/* _PAGE_PRIVILEGED | _PAGE_RW |
						 * _PAGE_DIRTY | _PAGE_ACCESSED */
#define MKK_PMD_MASKED_BITS	0xc0000000000000ffULL	/* PMD_MASKED_BITS */
/* radix.h: RADIX_PMD_VAL_BITS is _PAGE_PRESENT | the next level's size */
/* hash-4k.h, hash-64k.h, radix.h: where the regions start */
#define MKK_KERN_VIRT_START		0xc008000000000000ULL
#define MKK_H_4K_KERN_VIRT_START	0xc0003d0000000000ULL
#define MKK_RADIX_KERN_MAP_SIZE		(1ULL << 49)
#define MKK_H_4K_KERN_MAP_SIZE		(1ULL << 40)	/* REGION_SHIFT */
/* include/linux/mmzone.h */
#define MKK_SECTION_MARKED_PRESENT	0x1ULL
#define MKK_SECTION_HAS_MEM_MAP		0x2ULL
#define MKK_SECTION_IS_ONLINE		0x4ULL
#define MKK_SECTION_IS_EARLY		0x8ULL
/* include/linux/page-flags.h: enum pagetype (6.12+) */
#define MKK_PGTY_BUDDY		0xf0
#define MKK_PGTY_OFFLINE	0xf1
#define MKK_PGTY_TABLE		0xf2
#define MKK_PGTY_HUGETLB	0xf4
#define MKK_PGTY_SLAB		0xf5
/* enum pageflags of 7.2 with ppc64's configuration (MMU, MEMORY_FAILURE) */
#define MKK_PG_LRU		5
#define MKK_PG_HEAD		6
#define MKK_PG_OWNER_PRIV_1	10	/* PG_swapcache */
#define MKK_PG_PRIVATE		14
#define MKK_PG_SWAPBACKED	17
#define MKK_PG_HWPOISON		21
/* include/linux/mmzone.h: the per-CPU lists (order_to_pindex()) */
#define MKK_MIGRATE_PCPTYPES	3
#define MKK_PAGE_ALLOC_COSTLY_ORDER 3
#define MKK_NR_PCP_LISTS	(MKK_MIGRATE_PCPTYPES * \
				 (MKK_PAGE_ALLOC_COSTLY_ORDER + 1) + 2)
/* arch/powerpc/include/asm/mmu.h */
#define MKK_MMU_PAGE_16M	10
#define MKK_MMU_FTR_TYPE_RADIX	0x40

/* How the kernel encodes page types and compound pages. */
enum mkk_era {
	MKK_ERA_7_2,	/* top-byte page types, compound_info */
	MKK_ERA_6_10,	/* ~PG_x page types under 0x80000000, compound_head */
	MKK_ERA_6_6,	/* ~PG_x under 0xf0000000, PG_slab, PG_hugetlb */
	MKK_ERA_4_17,	/* mapcount -128 for buddy, PG_slab, no hugetlb mark */
};

struct mkkernel_spec {
	bool big_endian;
	unsigned int page_shift;	/* 12 or 16 */
	bool hash;			/* hash MMU: vmemmap_list, hash geometry */
	uint64_t mem_size;		/* RAM at 0; a multiple of 16 MiB, >= 64 MiB */
	enum mkk_era era;
	/* struct page with the fields moved (and SIZE(page) 80): the
	 * library must follow VMCOREINFO, not 7.2's layout */
	bool moved_fields;
	/* tails hold the mask of HVO kernels instead of the head's address */
	bool compound_mask;
	/* no NUMBER(RADIX_MMU): the MMU only through cur_cpu_spec */
	bool no_radix_number;
	/*
	 * Nodes, zones and per-CPU page sets with the VMCOREINFO of our
	 * kernel patch 0006 (NUMA: node_data; pcp_flat: contig_page_data):
	 * CPUs 0, 1 and 3 of 8 possible, two zones, empty lists until
	 * mkkernel_pcp_add() fills them.
	 */
	bool pcp, pcp_flat;
	/*
	 * Page types exactly as __folio_set_<type>() writes them (the low
	 * 24 bits zero): what makedumpfile compares the whole word with.
	 * Off, buddy and slab words carry owner data in those bits, which
	 * the library must mask.
	 */
	bool bare_page_types;
	/*
	 * Hold only the structures in memory (up to mkkernel_meta_end()):
	 * the pages above are the vmcore generator's (mkkernel_vmcore()),
	 * so that a dump of many GiB needs a few MiB here. The kinds that
	 * write page contents (MKK_ZEROED) must stay below.
	 */
	bool structures_only;
};

#define MKK_PCP_CPUS		8	/* NR_CPUS; possible: 0, 1, 3 */
#define MKK_PCP_OFF_COUNT	4	/* struct per_cpu_pages */
#define MKK_PCP_OFF_LISTS	32

/* What a page is made to be (mkkernel_page()). */
enum mkk_kind {
	MKK_KERNEL,		/* referenced, unmapped, no mapping */
	MKK_FREE,		/* a buddy block of 2^order pages */
	MKK_CACHE,		/* an LRU page of a file */
	MKK_CACHE_PRIVATE,	/* the same with PG_private (buffer heads) */
	MKK_ANON,		/* an anonymous page */
	MKK_SWAPCACHE,		/* swap cache, not mapped (mapping NULL) */
	MKK_HUGETLB,		/* a hugetlb folio of 2^order pages */
	MKK_SLAB,		/* a slab of 2^order pages */
	MKK_OFFLINE,
	MKK_HWPOISON,		/* a kernel page with PG_hwpoison */
	MKK_PAGE_TABLE,		/* 7.2: PGTY_table */
	MKK_ZEROED,		/* a kernel page whose contents are all zero */
	MKK_IMPLAUSIBLE,	/* a descriptor no kernel writes */
};

#define MKK_MAX_VMEMMAP_BLOCKS	64	/* 64 GiB of 64 KiB pages */

struct mkkernel {
	struct mkkernel_spec spec;
	unsigned char *mem;		/* the machine's memory (or its
					 * first mem_held bytes) */
	uint64_t mem_held;
	uint64_t pages;			/* page frames in mem */
	unsigned char *expect;		/* the class of each pfn (fadump.h) */
	char vmcoreinfo[8192];

	/* layout, physical unless it says virtual */
	unsigned int bits[4];		/* index widths: PTE, PMD, PUD, PGD */
	unsigned int leaf_shift[3];	/* PTE, PMD, PUD leaf sizes */
	uint64_t vmalloc_start;		/* virtual */
	uint64_t vmemmap;		/* virtual */
	uint64_t pgd;
	uint64_t uts;			/* init_uts_ns */
	uint64_t mem_section;		/* the root array */
	uint64_t nr_roots;
	uint64_t section_roots;		/* the first root page */
	uint64_t vmemmap_list;		/* the head pointer variable */
	uint64_t vmemmap_nodes;		/* the vmemmap_backing entries */
	unsigned int nvmemmap_nodes;
	uint64_t vmemmap_backing;	/* where the struct pages are */
	uint64_t vmemmap_block;		/* bytes per PMD leaf / list entry */
	uint64_t desc_size;
	uint64_t off_flags, off_refcount, off_mapping, off_private,
		 off_mapcount, off_compound;
	uint64_t alloc, alloc_end;	/* page-table allocator */

	/* test mappings made by mkkernel_build() */
	uint64_t va_page[2];		/* two PTE-mapped pages, apart */
	uint64_t pa_page[2];
	uint64_t va_pmd_leaf, pa_pmd_leaf;
	uint64_t va_pud_leaf, pa_pud_leaf;
};

/* A 7.2 radix kernel with 64 KiB pages and 64 MiB of RAM. */
void mkkernel_default_spec(struct mkkernel_spec *spec, bool big_endian);

/*
 * Lay the kernel out: page tables with the test mappings, vmemmap, the
 * section map, a KERNEL struct page for every page, VMCOREINFO.
 * Returns 0 or -EINVAL / -ENOMEM.
 */
int mkkernel_build(struct mkkernel *k, const struct mkkernel_spec *spec);
void mkkernel_free(struct mkkernel *k);

/*
 * Map @va to @pa with a leaf at @level (0 PTE, 1 PMD, 2 PUD), making the
 * tables on the way. Returns the physical address of the leaf entry.
 */
uint64_t mkkernel_map(struct mkkernel *k, uint64_t va, uint64_t pa,
		      int level);

/* Physical address of the entry at @level that translates @va. */
uint64_t mkkernel_entry(const struct mkkernel *k, uint64_t va, int level);

uint64_t mkkernel_get64(const struct mkkernel *k, uint64_t pa, bool be);
void mkkernel_put64(struct mkkernel *k, uint64_t pa, uint64_t v, bool be);

/* Where pfn's struct page is, physically. */
uint64_t mkkernel_desc(const struct mkkernel *k, uint64_t pfn);

/*
 * Make page(s) at @pfn of @kind (@order for FREE, HUGETLB, SLAB and
 * folios of CACHE and ANON), and record the class the library should
 * give them in k->expect.
 */
void mkkernel_page(struct mkkernel *k, uint64_t pfn, enum mkk_kind kind,
		   unsigned int order);

/* Write a field of pfn's struct page in the kernel's byte order. */
void mkkernel_desc_put(struct mkkernel *k, uint64_t pfn, uint64_t off,
		       uint64_t v, int bytes);

/*
 * Lay out a mix of every class from 48 MiB on; returns how many pages
 * or blocks were made. mkkernel_fill() repeats it to the end of memory,
 * @kernel_pages plain kernel pages between repeats.
 */
unsigned int mkkernel_mix(struct mkkernel *k);
unsigned int mkkernel_fill(struct mkkernel *k, unsigned int kernel_pages);

/*
 * The benchmark's machine: from mkkernel_meta_end() on, blocks of pages
 * drawn (deterministically from @seed) so that about 40% of the pages
 * are free (buddy blocks of orders 0 to 8), 25% page cache (some with
 * PG_private, some in folios), 20% anonymous (some in folios) and 15%
 * kernel and slab, as a busy server leaves them. Returns the pages made.
 */
uint64_t mkkernel_fill_server(struct mkkernel *k, uint64_t seed);

/* The end of the structures (page tables, struct pages): the first
 * physical address the fills use. */
uint64_t mkkernel_meta_end(const struct mkkernel *k);

/*
 * A vmcore spec for the kernel: one segment per [start, end) pair of
 * @holes' complement over the memory (NULL: all of it), the memory as a
 * patch, the VMCOREINFO. @spec must outlive nothing of @k.
 */
void mkkernel_vmcore(struct mkkernel *k, struct mkvmcore_spec *spec);

/*
 * list_add() page @pfn to list @list of @cpu's page set of zone 0, as
 * the head of a free block of the list's order, and count it; the
 * block's pages are expected FREE. Returns the block's page count.
 */
uint64_t mkkernel_pcp_add(struct mkkernel *k, unsigned int cpu,
			  unsigned int list, uint64_t pfn);
/* Physical address of @cpu's struct per_cpu_pages of zone @zone. */
uint64_t mkkernel_pcp(const struct mkkernel *k, unsigned int cpu,
		      unsigned int zone);
/* The kernel address of list @list's head in that struct. */
uint64_t mkkernel_pcp_list(const struct mkkernel *k, unsigned int cpu,
			   unsigned int list);

/* Remove the VMCOREINFO line starting with @prefix (e.g. "NUMBER(PG_lru)="). */
bool mkkernel_drop_line(struct mkkernel *k, const char *prefix);
/* Replace the value of the line starting with @prefix. */
bool mkkernel_set_line(struct mkkernel *k, const char *prefix,
		       const char *value);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkkernel: the memory of a synthetic ppc64 kernel (see mkkernel.h).
 *
 * Physical layout of the default 64 MiB machine:
 *
 *   0x10000   init_uts_ns
 *   0x20000   mmu_vmemmap_psize, mmu_psize_defs[], cur_cpu_spec
 *   0x30000   vmemmap_list and its entries (hash)
 *   0x40000   mem_section: the array of section roots (zero but root 0)
 *   0x80000   pglist_data of node 0 (spec.pcp), 0x82000 node_data[],
 *             0x83000 node_online_map, 0x84000 __per_cpu_offset[],
 *             0x84100 __cpu_possible_mask, 0x88000 the per-CPU areas
 *   0x100000  swapper_pg_dir, then page tables and section roots
 *   0x800000, 0x900000   the two PTE-mapped test pages
 *   0x1000000 (16 MiB)   the PMD leaf's memory
 *   0x2000000 (32 MiB)   the struct pages (vmemmap's memory)
 *
 * Everything else holds pseudo-random bytes, so that no page is all zero
 * unless a test makes it so.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fadump.h>

#include "mkkernel.h"

#define UTS_PA		0x10000ULL
#define PSIZE_PA	0x20000ULL	/* int mmu_vmemmap_psize */
#define PSIZE_DEFS_PA	0x20100ULL	/* struct mmu_psize_def[16] */
#define PSIZE_DEF_SIZE	96		/* 7.2: shift, penc[16], tlbiel, ... */
#define CPU_SPEC_PTR_PA	0x20800ULL	/* struct cpu_spec *cur_cpu_spec */
#define CPU_SPEC_PA	0x20900ULL
#define CPU_SPEC_MMU_FEATURES	28
#define VMEMMAP_LIST_PA	0x30000ULL
#define VMEMMAP_NODES_PA 0x30100ULL
#define BACKING_SIZE	24		/* struct vmemmap_backing */
#define MEM_SECTION_PA	0x40000ULL
#define MEM_SECTION_SIZE 16		/* section_mem_map, usage */
#define PGD_PA		0x100000ULL
#define ALLOC_END	0x800000ULL
#define PAGE0_PA	0x800000ULL
#define PAGE1_PA	0x900000ULL
#define PMD_LEAF_PA	0x1000000ULL
#define BACKING_PA	0x2000000ULL
#define SECTION_BITS	24
#define LINEAR		0xc000000000000000ULL
#define KERNEL_FLAGS	0x0800000000000000ULL	/* zone/node bits */
#define MAPPING_FILE	0xc000000001234500ULL	/* a struct address_space */
#define MAPPING_ANON	(0xc000000001234600ULL | 1)	/* an anon_vma | ANON */
#define MAPPING_HUGETLBFS 0xc000000001234700ULL
/* spec.pcp: mm/ structures of our own layout, given by VMCOREINFO */
#define PGDAT_PA	0x80000ULL
#define PGDAT_SIZE	0x1000
#define PGDAT_NR_ZONES	0xa00		/* int nr_zones */
#define ZONE_SIZE	0x300
#define ZONE_PAGESET	0x48		/* struct per_cpu_pages __percpu * */
#define NR_ZONES	2
#define NODE_DATA_PA	0x82000ULL
#define MAX_NUMNODES	256
#define ONLINE_MAP_PA	0x83000ULL
#define PER_CPU_OFF_PA	0x84000ULL
#define POSSIBLE_PA	0x84100ULL
#define PCPU_PA		0x88000ULL	/* CPU c's area at + c * 0x1000 */
#define PCPU_ZONE	0x200		/* zone z's page set at + z * 0x200 */
#define PERCPU_TEMPLATE	0xc000000000f00000ULL	/* the __percpu address */
#define POSSIBLE_CPUS	0x0bULL		/* 0, 1, 3 */

/* What each era's VMCOREINFO says; -1: the kernel writes no such line. */
struct era {
	const char *osrelease;
	int pg_lru, pg_head, pg_private, pg_swapcache, pg_swapbacked,
	    pg_hwpoison, pg_slab, pg_hugetlb;
	bool top_byte;			/* 6.12+ page types */
	uint32_t type_base;		/* ~PG_x types: PAGE_TYPE_BASE */
	int64_t buddy, offline, hugetlb, slab, table;	/* 0: none */
	const char *compound;		/* the OFFSET() name */
};

static const struct era eras[] = {
	[MKK_ERA_7_2] = { "7.2.0-mkkernel", MKK_PG_LRU, MKK_PG_HEAD,
		MKK_PG_PRIVATE, MKK_PG_OWNER_PRIV_1, MKK_PG_SWAPBACKED,
		MKK_PG_HWPOISON, -1, -1, true, 0,
		(int64_t)MKK_PGTY_BUDDY << 24, (int64_t)MKK_PGTY_OFFLINE << 24,
		(int64_t)MKK_PGTY_HUGETLB << 24, (int64_t)MKK_PGTY_SLAB << 24,
		(int64_t)MKK_PGTY_TABLE << 24, "compound_info" },
	/* page-flags.h of 6.10: PG_buddy 0x80 ... PG_slab 0x1000 */
	[MKK_ERA_6_10] = { "6.10.3-mkkernel", 5, 6, 13, 10, 17, 20, -1, -1,
		false, 0x80000000u, ~0x80LL, ~0x100LL, ~0x800LL, ~0x1000LL,
		~0x200LL, "compound_head" },
	/* 6.6: PAGE_TYPE_BASE 0xf0000000, slab and hugetlb as flags */
	[MKK_ERA_6_6] = { "6.6.30-mkkernel", 4, 16, 12, 9, 18, 21, 7, 8,
		false, 0xf0000000u, ~0x80LL, ~0x100LL, 0, 0, ~0x200LL,
		"compound_head" },
	/* 4.17: buddy is mapcount -128; no offline pages, no hugetlb mark */
	[MKK_ERA_4_17] = { "4.17.19-mkkernel", 4, 15, 11, 8, 17, 20, 7, -1,
		false, 0, -128, 0, 0, 0, 0, "compound_head" },
};

void mkkernel_default_spec(struct mkkernel_spec *spec, bool big_endian)
{
	memset(spec, 0, sizeof(*spec));
	spec->big_endian = big_endian;
	spec->page_shift = 16;
	spec->mem_size = 64ULL << 20;
	spec->era = MKK_ERA_7_2;
}

/* splitmix64, as in mkvmcore.c: the same bytes on every host */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void put(unsigned char *p, uint64_t v, int bytes, bool be)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (be ? 8 * (bytes - 1 - i) : 8 * i));
}

static uint64_t get(const unsigned char *p, int bytes, bool be)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (be ? 8 * (bytes - 1 - i) : 8 * i);
	return v;
}

uint64_t mkkernel_get64(const struct mkkernel *k, uint64_t pa, bool be)
{
	return get(k->mem + pa, 8, be);
}

void mkkernel_put64(struct mkkernel *k, uint64_t pa, uint64_t v, bool be)
{
	put(k->mem + pa, v, 8, be);
}

/* In the kernel's own byte order. */
static void kput(struct mkkernel *k, uint64_t pa, uint64_t v, int bytes)
{
	put(k->mem + pa, v, bytes, k->spec.big_endian);
}

static uint64_t alloc_table(struct mkkernel *k, uint64_t bytes)
{
	uint64_t pa = (k->alloc + bytes - 1) / bytes * bytes;

	if (pa + bytes > k->alloc_end) {
		fprintf(stderr, "mkkernel: out of page-table memory\n");
		abort();
	}
	memset(k->mem + pa, 0, bytes);
	k->alloc = pa + bytes;
	return pa;
}

static unsigned int level_shift(const struct mkkernel *k, int level)
{
	unsigned int s = k->spec.page_shift;

	for (int l = 0; l < level; l++)
		s += k->bits[l];
	return s;
}

static uint64_t entry_at(const struct mkkernel *k, uint64_t table, uint64_t va,
			 int level)
{
	uint64_t idx = (va >> level_shift(k, level)) &
		       ((1ULL << k->bits[level]) - 1);

	return table + idx * 8;
}

uint64_t mkkernel_entry(const struct mkkernel *k, uint64_t va, int level)
{
	uint64_t table = k->pgd;

	for (int l = 3; l > level; l--) {
		uint64_t e = mkkernel_get64(k, entry_at(k, table, va, l), true);

		if (!e || (e & MKK_PAGE_PTE))
			return 0;
		table = e & ~MKK_PMD_MASKED_BITS;
	}
	return entry_at(k, table, va, level);
}

uint64_t mkkernel_map(struct mkkernel *k, uint64_t va, uint64_t pa, int level)
{
	uint64_t table = k->pgd, at;

	for (int l = 3; l > level; l--) {
		uint64_t e;

		at = entry_at(k, table, va, l);
		e = mkkernel_get64(k, at, true);	/* always big-endian */
		if (!e) {
			uint64_t next = alloc_table(k, 8ULL << k->bits[l - 1]);

			/* RADIX_PxD_VAL_BITS carry the next level's size */
			e = MKK_PAGE_PRESENT | next |
			    (k->spec.hash ? 0 : k->bits[l - 1]);
			mkkernel_put64(k, at, e, true);
		}
		table = e & ~MKK_PMD_MASKED_BITS;
	}
	at = entry_at(k, table, va, level);
	mkkernel_put64(k, at, MKK_PAGE_PRESENT | MKK_PAGE_PTE | pa |
		       MKK_PAGE_KERNEL_RW, true);
	return at;
}

uint64_t mkkernel_desc(const struct mkkernel *k, uint64_t pfn)
{
	return k->vmemmap_backing + pfn * k->desc_size;
}

void mkkernel_desc_put(struct mkkernel *k, uint64_t pfn, uint64_t off,
		       uint64_t v, int bytes)
{
	kput(k, mkkernel_desc(k, pfn) + off, v, bytes);
}

static void desc_clear(struct mkkernel *k, uint64_t pfn)
{
	memset(k->mem + mkkernel_desc(k, pfn), 0, k->desc_size);
}

struct fields {
	uint64_t flags, mapping, private_, compound;
	uint32_t mapcount;
	int32_t refcount;
};

static void desc_write(struct mkkernel *k, uint64_t pfn, const struct fields *f)
{
	desc_clear(k, pfn);
	mkkernel_desc_put(k, pfn, k->off_flags, f->flags, 8);
	mkkernel_desc_put(k, pfn, k->off_mapping, f->mapping, 8);
	mkkernel_desc_put(k, pfn, k->off_private, f->private_, 8);
	mkkernel_desc_put(k, pfn, k->off_compound, f->compound, 8);
	mkkernel_desc_put(k, pfn, k->off_mapcount, f->mapcount, 4);
	mkkernel_desc_put(k, pfn, k->off_refcount, (uint32_t)f->refcount, 4);
}

static uint64_t flag(int nr)
{
	return nr >= 0 ? 1ULL << nr : 0;
}

/* The _mapcount word of a page of type @value (era's encoding). */
static uint32_t type_word(const struct mkkernel *k, const struct era *e,
			  int64_t value, uint64_t pfn)
{
	/* the low 24 bits are the owner's: data, unless bare_page_types */
	if (e->top_byte && !k->spec.bare_page_types)
		return (uint32_t)value | (uint32_t)(mix(pfn) & 0xffffff);
	return (uint32_t)value;	/* ~PG_x or the old mapcount value */
}

static void kernel_page(struct mkkernel *k, uint64_t pfn)
{
	struct fields f = { .flags = KERNEL_FLAGS, .mapcount = UINT32_MAX,
			    .refcount = 1 };

	desc_write(k, pfn, &f);
	k->expect[pfn] = FADUMP_PAGE_KERNEL;
}

/* A folio of 2^order pages: @head's fields, tails pointing at it. */
static void folio(struct mkkernel *k, uint64_t pfn, unsigned int order,
		  struct fields head, unsigned int cls)
{
	const struct era *e = &eras[k->spec.era];

	if (order)
		head.flags |= flag(e->pg_head);
	desc_write(k, pfn, &head);
	k->expect[pfn] = (unsigned char)cls;
	for (uint64_t i = 1; i < 1ULL << order; i++) {
		struct fields t = { .flags = KERNEL_FLAGS, .mapcount = UINT32_MAX };
		uint64_t head_va = k->vmemmap + pfn * k->desc_size;

		if (k->spec.compound_mask && !(k->desc_size & (k->desc_size - 1))) {
			unsigned int shift = order + (unsigned int)
					     __builtin_ctzll(k->desc_size);

			t.compound = (~0ULL << shift) | 1;
		} else {
			t.compound = head_va | 1;
		}
		/* 6.x+: folio_set_order() keeps the order in the low byte
		 * of _flags_1, the second page's flags */
		if (i == 1 && k->spec.era != MKK_ERA_4_17)
			t.flags |= order;
		desc_write(k, pfn + i, &t);
		k->expect[pfn + i] = (unsigned char)cls;
	}
}

void mkkernel_page(struct mkkernel *k, uint64_t pfn, enum mkk_kind kind,
		   unsigned int order)
{
	const struct era *e = &eras[k->spec.era];
	uint64_t page = 1ULL << k->spec.page_shift;
	struct fields f = { .flags = KERNEL_FLAGS, .mapcount = UINT32_MAX,
			    .refcount = 1 };

	switch (kind) {
	case MKK_KERNEL:
		kernel_page(k, pfn);
		break;
	case MKK_FREE:
		for (uint64_t i = 0; i < 1ULL << order; i++) {
			struct fields g = { .flags = KERNEL_FLAGS,
					    .mapcount = UINT32_MAX };

			desc_write(k, pfn + i, &g);
			k->expect[pfn + i] = FADUMP_PAGE_FREE;
		}
		f.refcount = 0;
		f.private_ = order;
		f.mapcount = type_word(k, e, e->buddy, pfn);
		desc_write(k, pfn, &f);
		break;
	case MKK_CACHE:
	case MKK_CACHE_PRIVATE:
		f.flags |= flag(e->pg_lru) |
			   (kind == MKK_CACHE_PRIVATE ? flag(e->pg_private) : 0);
		f.mapping = MAPPING_FILE;
		f.refcount = 2;
		f.mapcount = 0;
		folio(k, pfn, order, f, kind == MKK_CACHE ? FADUMP_PAGE_CACHE :
		      FADUMP_PAGE_CACHE_PRIVATE);
		break;
	case MKK_ANON:
		f.flags |= flag(e->pg_lru) | flag(e->pg_swapbacked);
		f.mapping = MAPPING_ANON;
		f.mapcount = 0;
		folio(k, pfn, order, f, FADUMP_PAGE_ANON);
		break;
	case MKK_SWAPCACHE:
		f.flags |= flag(e->pg_swapcache) | flag(e->pg_swapbacked);
		f.private_ = 0x1234;	/* swp_entry_t */
		desc_write(k, pfn, &f);
		k->expect[pfn] = FADUMP_PAGE_CACHE;
		break;
	case MKK_HUGETLB:
		f.mapping = MAPPING_HUGETLBFS;
		if (e->hugetlb)
			f.mapcount = type_word(k, e, e->hugetlb, pfn);
		folio(k, pfn, order, f, e->hugetlb || e->pg_hugetlb >= 0 ?
		      FADUMP_PAGE_HUGETLB : FADUMP_PAGE_UNKNOWN);
		if (e->pg_hugetlb >= 0 && order) {	/* on the second page */
			uint64_t fl = get(k->mem + mkkernel_desc(k, pfn + 1) +
					  k->off_flags, 8, k->spec.big_endian);

			mkkernel_desc_put(k, pfn + 1, k->off_flags,
					  fl | flag(e->pg_hugetlb), 8);
		}
		break;
	case MKK_SLAB:
		if (e->slab)
			f.mapcount = type_word(k, e, e->slab, pfn);
		else
			f.flags |= flag(e->pg_slab);
		f.mapping = 0xc000000005555000ULL | 1;	/* looks anon: slab first */
		folio(k, pfn, order, f, FADUMP_PAGE_SLAB);
		break;
	case MKK_OFFLINE:
		if (e->offline)
			f.mapcount = type_word(k, e, e->offline, pfn);
		desc_write(k, pfn, &f);
		k->expect[pfn] = e->offline ? FADUMP_PAGE_OFFLINE :
					      FADUMP_PAGE_KERNEL;
		break;
	case MKK_HWPOISON:
		f.flags |= flag(e->pg_hwpoison);
		desc_write(k, pfn, &f);
		k->expect[pfn] = FADUMP_PAGE_HWPOISON;
		break;
	case MKK_PAGE_TABLE:
		if (e->table)
			f.mapcount = type_word(k, e, e->table, pfn);
		desc_write(k, pfn, &f);
		k->expect[pfn] = FADUMP_PAGE_KERNEL;
		break;
	case MKK_ZEROED:
		if ((pfn + 1) * page > k->mem_held) {
			fprintf(stderr, "mkkernel: zeroed page above the "
				"memory held\n");
			abort();
		}
		kernel_page(k, pfn);
		memset(k->mem + pfn * page, 0, page);
		break;
	case MKK_IMPLAUSIBLE:
		f.refcount = -3;
		desc_write(k, pfn, &f);
		k->expect[pfn] = FADUMP_PAGE_UNKNOWN;
		break;
	}
}

static const struct {
	enum mkk_kind kind;
	unsigned int order;
} mix_kinds[] = {
	{ MKK_FREE, 3 }, { MKK_CACHE, 0 }, { MKK_CACHE_PRIVATE, 0 },
	{ MKK_ANON, 0 }, { MKK_ANON, 2 }, { MKK_CACHE, 1 },
	{ MKK_SWAPCACHE, 0 }, { MKK_HUGETLB, 2 }, { MKK_SLAB, 1 },
	{ MKK_OFFLINE, 0 }, { MKK_HWPOISON, 0 }, { MKK_PAGE_TABLE, 0 },
	{ MKK_ZEROED, 0 }, { MKK_IMPLAUSIBLE, 0 }, { MKK_FREE, 0 },
	{ MKK_FREE, 5 }, { MKK_SLAB, 0 },
};

/* The mix from pfn *p on, once; false when the memory ends first. */
static bool mix_once(struct mkkernel *k, uint64_t *p, unsigned int *n)
{
	for (size_t i = 0; i < sizeof(mix_kinds) / sizeof(mix_kinds[0]); i++) {
		uint64_t span = 1ULL << mix_kinds[i].order;

		*p = (*p + span - 1) / span * span;	/* natural alignment */
		if (*p + span > k->pages)
			return false;
		mkkernel_page(k, *p, mix_kinds[i].kind, mix_kinds[i].order);
		*p += span;
		(*n)++;
	}
	return true;
}

/* vmemmap's memory: whole 2 MiB (radix) or 16 MiB (hash) blocks. */
static uint64_t vmemmap_bytes(const struct mkkernel *k)
{
	uint64_t block = k->spec.hash ? 16ULL << 20 : 2ULL << 20;

	return (k->pages * k->desc_size + block - 1) / block * block;
}

/* From 48 MiB on (clear of the structures and of a hash vmemmap block),
 * or past the struct pages of a big machine, on a 16 MiB boundary. */
uint64_t mkkernel_meta_end(const struct mkkernel *k)
{
	uint64_t end = BACKING_PA + vmemmap_bytes(k);

	end = (end + (16ULL << 20) - 1) & ~((16ULL << 20) - 1);
	return end > (48ULL << 20) ? end : 48ULL << 20;
}

static uint64_t mix_start(const struct mkkernel *k)
{
	return mkkernel_meta_end(k) >> k->spec.page_shift;
}

unsigned int mkkernel_mix(struct mkkernel *k)
{
	uint64_t p = mix_start(k);
	unsigned int n = 0;

	mix_once(k, &p, &n);
	return n;
}

unsigned int mkkernel_fill(struct mkkernel *k, unsigned int kernel_pages)
{
	uint64_t p = mix_start(k);
	unsigned int n = 0;

	while (mix_once(k, &p, &n))
		p += kernel_pages;	/* and some plain kernel pages */
	return n;
}

/* What the server fill makes: a kind, its share of the pages in
 * percent within the class, and the orders drawn for it. */
struct server_kind {
	enum mkk_kind kind;
	unsigned int percent;
	unsigned int orders[4];	/* one is drawn at random */
};

static const struct {
	unsigned int percent;	/* of all pages */
	struct server_kind kinds[3];
} server_classes[] = {
	{ 40, { { MKK_FREE, 100, { 0, 2, 5, 8 } } } },
	{ 25, { { MKK_CACHE, 80, { 0, 0, 0, 2 } },
		{ MKK_CACHE_PRIVATE, 20, { 0, 0, 0, 0 } } } },
	{ 20, { { MKK_ANON, 100, { 0, 0, 0, 4 } } } },
	{ 15, { { MKK_KERNEL, 60, { 0, 0, 0, 0 } },
		{ MKK_SLAB, 40, { 0, 1, 1, 2 } } } },
};
#define SERVER_CLASSES (sizeof(server_classes) / sizeof(server_classes[0]))

uint64_t mkkernel_fill_server(struct mkkernel *k, uint64_t seed)
{
	uint64_t made[SERVER_CLASSES] = { 0 }, total = 0;
	uint64_t p = mix_start(k);

	while (p < k->pages) {
		uint64_t r = mix(seed ^ (p * 0x10001));
		unsigned int c = 0, pick, order, acc = 0;
		const struct server_kind *sk;
		int64_t best = INT64_MIN;

		/* the class furthest below its share so far: exact shares,
		 * interleaved */
		for (unsigned int i = 0; i < SERVER_CLASSES; i++) {
			int64_t deficit = (int64_t)(server_classes[i].percent *
						    (total + 1)) -
					  (int64_t)(100 * made[i]);

			if (deficit > best) {
				best = deficit;
				c = i;
			}
		}
		pick = (unsigned int)(r % 100);
		sk = server_classes[c].kinds;
		while (acc + sk->percent <= pick && sk[1].percent) {
			acc += sk->percent;
			sk++;
		}
		order = sk->orders[(r >> 8) % 4];
		/* natural alignment and the end of memory bound the order */
		while (order && ((p & ((1ULL << order) - 1)) ||
				 p + (1ULL << order) > k->pages))
			order--;
		mkkernel_page(k, p, sk->kind, order);
		made[c] += 1ULL << order;
		total += 1ULL << order;
		p += 1ULL << order;
	}
	return total;
}

static void geometry(struct mkkernel *k)
{
	const struct mkkernel_spec *s = &k->spec;
	static const unsigned int g[4][4] = {
		{ MKK_RADIX_4K_PTE_INDEX_SIZE, MKK_RADIX_4K_PMD_INDEX_SIZE,
		  MKK_RADIX_4K_PUD_INDEX_SIZE, MKK_RADIX_4K_PGD_INDEX_SIZE },
		{ MKK_RADIX_64K_PTE_INDEX_SIZE, MKK_RADIX_64K_PMD_INDEX_SIZE,
		  MKK_RADIX_64K_PUD_INDEX_SIZE, MKK_RADIX_64K_PGD_INDEX_SIZE },
		{ MKK_H_4K_PTE_INDEX_SIZE, MKK_H_4K_PMD_INDEX_SIZE,
		  MKK_H_4K_PUD_INDEX_SIZE, MKK_H_4K_PGD_INDEX_SIZE },
		{ MKK_H_64K_PTE_INDEX_SIZE, MKK_H_64K_PMD_INDEX_SIZE,
		  MKK_H_64K_PUD_INDEX_SIZE, MKK_H_64K_PGD_INDEX_SIZE },
	};
	int i = (s->hash ? 2 : 0) + (s->page_shift == 16);

	memcpy(k->bits, g[i], sizeof(k->bits));
	k->leaf_shift[0] = s->page_shift;
	k->leaf_shift[1] = level_shift(k, 1);
	k->leaf_shift[2] = level_shift(k, 2);
	if (s->hash && s->page_shift == 12) {
		k->leaf_shift[1] = 24;	/* pmd_leaf_size(): 16M */
		k->leaf_shift[2] = 34;	/* pud_leaf_size(): 16G */
	}
	if (s->hash && s->page_shift == 12) {
		k->vmalloc_start = MKK_H_4K_KERN_VIRT_START;
		k->vmemmap = k->vmalloc_start + 2 * MKK_H_4K_KERN_MAP_SIZE;
	} else {
		k->vmalloc_start = MKK_KERN_VIRT_START;
		k->vmemmap = k->vmalloc_start + 2 * MKK_RADIX_KERN_MAP_SIZE;
	}
}

static void layout_fields(struct mkkernel *k)
{
	if (k->spec.moved_fields) {
		k->desc_size = 80;
		k->off_refcount = 0;
		k->off_mapcount = 4;
		k->off_flags = 8;
		k->off_compound = 16;
		k->off_mapping = 40;
		k->off_private = 56;
	} else {		/* 7.2's struct page (include/linux/mm_types.h) */
		k->desc_size = 64;
		k->off_flags = 0;
		k->off_compound = 8;	/* lru's first word */
		k->off_mapping = 24;
		k->off_private = 40;
		k->off_mapcount = 48;
		k->off_refcount = 52;
	}
}

/* vmemmap: 2 MiB PMD leaves (radix) or 16 MiB vmemmap_list blocks (hash). */
static void map_vmemmap(struct mkkernel *k)
{
	uint64_t bytes = k->pages * k->desc_size, node = 0;
	unsigned int n;

	k->vmemmap_block = k->spec.hash ? 16ULL << 20 : 2ULL << 20;
	k->vmemmap_backing = BACKING_PA;
	n = (unsigned int)((bytes + k->vmemmap_block - 1) / k->vmemmap_block);
	if (n > MKK_MAX_VMEMMAP_BLOCKS ||
	    BACKING_PA + n * k->vmemmap_block > k->mem_held) {
		fprintf(stderr, "mkkernel: no room for vmemmap\n");
		abort();
	}
	k->vmemmap_list = VMEMMAP_LIST_PA;
	k->vmemmap_nodes = VMEMMAP_NODES_PA;
	kput(k, VMEMMAP_LIST_PA, 0, 8);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t va = k->vmemmap + i * k->vmemmap_block;
		uint64_t pa = BACKING_PA + i * k->vmemmap_block;

		if (!k->spec.hash) {
			mkkernel_map(k, va, pa, 1);
			continue;
		}
		/* vmemmap_list_populate(): each new entry becomes the head */
		node = VMEMMAP_NODES_PA + i * BACKING_SIZE;
		kput(k, node + 0, i ? LINEAR + node - BACKING_SIZE : 0, 8);
		kput(k, node + 8, pa, 8);
		kput(k, node + 16, va, 8);
		kput(k, VMEMMAP_LIST_PA, LINEAR + node, 8);
	}
	k->nvmemmap_nodes = k->spec.hash ? n : 0;
	/* mmu_vmemmap_psize = MMU_PAGE_16M, whose shift is 24 */
	kput(k, PSIZE_PA, MKK_MMU_PAGE_16M, 4);
	memset(k->mem + PSIZE_DEFS_PA, 0, 16 * PSIZE_DEF_SIZE);
	kput(k, PSIZE_DEFS_PA + MKK_MMU_PAGE_16M * PSIZE_DEF_SIZE, 24, 4);
	kput(k, PSIZE_DEFS_PA, 12, 4);	/* MMU_PAGE_4K */
}

/* SPARSEMEM_EXTREME: mem_section -> roots -> struct mem_section. */
static void section_map(struct mkkernel *k, unsigned int phys_bits)
{
	uint64_t page = 1ULL << k->spec.page_shift;
	uint64_t per_root = page / MEM_SECTION_SIZE;
	uint64_t nr_sections = 1ULL << (phys_bits - SECTION_BITS);
	uint64_t present = k->spec.mem_size >> SECTION_BITS;

	k->nr_roots = (nr_sections + per_root - 1) / per_root;
	k->mem_section = MEM_SECTION_PA;
	if (MEM_SECTION_PA + k->nr_roots * 8 > PGD_PA) {
		fprintf(stderr, "mkkernel: the section roots do not fit\n");
		abort();
	}
	memset(k->mem + MEM_SECTION_PA, 0, k->nr_roots * 8);
	k->section_roots = alloc_table(k, page);
	kput(k, MEM_SECTION_PA, LINEAR + k->section_roots, 8);
	for (uint64_t i = 0; i < present; i++)
		/* sparse_encode_mem_map(): mem_map - section_nr_to_pfn() */
		kput(k, k->section_roots + i * MEM_SECTION_SIZE,
		     k->vmemmap | MKK_SECTION_MARKED_PRESENT |
		     MKK_SECTION_HAS_MEM_MAP | MKK_SECTION_IS_ONLINE |
		     MKK_SECTION_IS_EARLY, 8);
}

static void cpu_spec(struct mkkernel *k)
{
	kput(k, CPU_SPEC_PTR_PA, LINEAR + CPU_SPEC_PA, 8);
	memset(k->mem + CPU_SPEC_PA, 0, 64);
	kput(k, CPU_SPEC_PA + CPU_SPEC_MMU_FEATURES,
	     0x1000 | (k->spec.hash ? 0 : MKK_MMU_FTR_TYPE_RADIX), 4);
}

static void uts(struct mkkernel *k, const char *release)
{
	memset(k->mem + UTS_PA, 0, 6 * 65);
	strcpy((char *)k->mem + UTS_PA, "Linux");
	strcpy((char *)k->mem + UTS_PA + 65, "mkkernel");
	strcpy((char *)k->mem + UTS_PA + 130, release);
	strcpy((char *)k->mem + UTS_PA + 195, "#1 SMP mkkernel");
	strcpy((char *)k->mem + UTS_PA + 260,
	       k->spec.big_endian ? "ppc64" : "ppc64le");
	k->uts = UTS_PA;
}

static void test_mappings(struct mkkernel *k)
{
	uint64_t page = 1ULL << k->spec.page_shift;

	/* two pages, virtually adjacent, physically apart */
	k->va_page[0] = k->vmalloc_start + 16 * page;
	k->va_page[1] = k->va_page[0] + page;
	k->pa_page[0] = PAGE0_PA;
	k->pa_page[1] = PAGE1_PA;
	mkkernel_map(k, k->va_page[0], k->pa_page[0], 0);
	mkkernel_map(k, k->va_page[1], k->pa_page[1], 0);
	/* a PMD leaf and a PUD leaf further up vmalloc space */
	k->va_pmd_leaf = k->vmalloc_start + (1ULL << (level_shift(k, 2) + 1));
	k->pa_pmd_leaf = PMD_LEAF_PA;
	mkkernel_map(k, k->va_pmd_leaf, k->pa_pmd_leaf, 1);
	k->va_pud_leaf = k->vmalloc_start + (1ULL << (level_shift(k, 3) - 1));
	k->pa_pud_leaf = 0;
	mkkernel_map(k, k->va_pud_leaf, k->pa_pud_leaf, 2);
}

uint64_t mkkernel_pcp(const struct mkkernel *k, unsigned int cpu,
		      unsigned int zone)
{
	(void)k;
	return PCPU_PA + cpu * 0x1000ULL + zone * PCPU_ZONE;
}

uint64_t mkkernel_pcp_list(const struct mkkernel *k, unsigned int cpu,
			   unsigned int list)
{
	return LINEAR + mkkernel_pcp(k, cpu, 0) + MKK_PCP_OFF_LISTS + list * 16;
}

/* order_to_pindex() inverted: THP's lists hold PMD-sized blocks */
static unsigned int pcp_order(const struct mkkernel *k, unsigned int list)
{
	if (list < MKK_MIGRATE_PCPTYPES * (MKK_PAGE_ALLOC_COSTLY_ORDER + 1))
		return list / MKK_MIGRATE_PCPTYPES;
	return k->bits[0];		/* HPAGE_PMD_ORDER: PMD_SHIFT - PAGE_SHIFT */
}

uint64_t mkkernel_pcp_add(struct mkkernel *k, unsigned int cpu,
			  unsigned int list, uint64_t pfn)
{
	uint64_t head = mkkernel_pcp_list(k, cpu, list), n;
	uint64_t node = k->vmemmap + pfn * k->desc_size + k->off_compound;
	uint64_t first, pcp = mkkernel_pcp(k, cpu, 0);
	unsigned int order = pcp_order(k, list);
	bool be = k->spec.big_endian;
	int32_t count;

	n = 1ULL << order;
	for (uint64_t i = 0; i < n; i++) {
		/* __free_pages_prepare(): unreferenced, no type, no mapping */
		struct fields f = { .flags = KERNEL_FLAGS,
				    .mapcount = UINT32_MAX };

		desc_write(k, pfn + i, &f);
		k->expect[pfn + i] = FADUMP_PAGE_FREE;
	}
	/* list_add(&page->pcp_list, list): pcp_list is lru's place */
	first = mkkernel_get64(k, head - LINEAR, be);
	mkkernel_desc_put(k, pfn, k->off_compound, first, 8);
	mkkernel_desc_put(k, pfn, k->off_compound + 8, head, 8);
	/* first->prev = node; head->next = node (vmemmap or linear map) */
	mkkernel_put64(k, (first >= k->vmemmap ? first - k->vmemmap +
			   k->vmemmap_backing : first - LINEAR) + 8, node, be);
	mkkernel_put64(k, head - LINEAR, node, be);
	count = (int32_t)get(k->mem + pcp + MKK_PCP_OFF_COUNT, 4, be);
	kput(k, pcp + MKK_PCP_OFF_COUNT, (uint64_t)(count + (int32_t)n), 4);
	return n;
}

/* Node 0 with two zones, each CPU's page sets empty. */
static void pcp_structures(struct mkkernel *k)
{
	memset(k->mem + PGDAT_PA, 0, PGDAT_SIZE);
	kput(k, PGDAT_PA + PGDAT_NR_ZONES, NR_ZONES, 4);
	for (unsigned int z = 0; z < NR_ZONES; z++)
		kput(k, PGDAT_PA + z * ZONE_SIZE + ZONE_PAGESET,
		     PERCPU_TEMPLATE + z * PCPU_ZONE, 8);
	memset(k->mem + NODE_DATA_PA, 0, MAX_NUMNODES * 8);
	kput(k, NODE_DATA_PA, LINEAR + PGDAT_PA, 8);
	kput(k, NODE_DATA_PA + 8, 0xdeadbeefULL, 8);	/* offline node 1 */
	memset(k->mem + ONLINE_MAP_PA, 0, MAX_NUMNODES / 8);
	kput(k, ONLINE_MAP_PA, 1, 8);
	kput(k, POSSIBLE_PA, POSSIBLE_CPUS, 8);
	for (unsigned int c = 0; c < MKK_PCP_CPUS; c++) {
		/* not possible: offset 0, the template, never walked */
		kput(k, PER_CPU_OFF_PA + c * 8, POSSIBLE_CPUS >> c & 1 ?
		     LINEAR + PCPU_PA + c * 0x1000ULL - PERCPU_TEMPLATE : 0, 8);
		if (!(POSSIBLE_CPUS >> c & 1))
			continue;
		for (unsigned int z = 0; z < NR_ZONES; z++) {
			uint64_t pcp = mkkernel_pcp(k, c, z);

			memset(k->mem + pcp, 0, PCPU_ZONE);
			for (unsigned int l = 0; l < MKK_NR_PCP_LISTS; l++) {
				uint64_t h = pcp + MKK_PCP_OFF_LISTS + l * 16;

				kput(k, h, LINEAR + h, 8);	/* INIT_LIST_HEAD */
				kput(k, h + 8, LINEAR + h, 8);
			}
		}
	}
}

static int write_vmcoreinfo(struct mkkernel *k, unsigned int phys_bits)
{
	const struct era *e = &eras[k->spec.era];
	char *p = k->vmcoreinfo, *end = p + sizeof(k->vmcoreinfo);
	int n;

#define LINE(...) do {							\
		n = snprintf(p, (size_t)(end - p), __VA_ARGS__);	\
		if (n < 0 || n >= end - p)				\
			return -EINVAL;					\
		p += n;							\
	} while (0)
	LINE("OSRELEASE=%s\n", e->osrelease);
	LINE("PAGESIZE=%llu\n", 1ULL << k->spec.page_shift);
	LINE("SYMBOL(init_uts_ns)=%llx\n", (unsigned long long)(LINEAR + k->uts));
	LINE("OFFSET(uts_namespace.name)=0\n");
	LINE("SYMBOL(swapper_pg_dir)=%llx\n", (unsigned long long)(LINEAR + k->pgd));
	LINE("SYMBOL(_stext)=c000000000000000\n");
	LINE("NUMBER(VMALLOC_START)=0x%llx\n", (unsigned long long)k->vmalloc_start);
	LINE("SYMBOL(vmemmap)=%llx\n", (unsigned long long)k->vmemmap);
	LINE("SYMBOL(mem_section)=%llx\n",
	     (unsigned long long)(LINEAR + k->mem_section));
	LINE("LENGTH(mem_section)=%llu\n", (unsigned long long)k->nr_roots);
	LINE("SIZE(mem_section)=%d\n", MEM_SECTION_SIZE);
	LINE("OFFSET(mem_section.section_mem_map)=0\n");
	LINE("NUMBER(SECTION_SIZE_BITS)=%d\n", SECTION_BITS);
	LINE("NUMBER(MAX_PHYSMEM_BITS)=%u\n", phys_bits);
	LINE("SIZE(page)=%llu\n", (unsigned long long)k->desc_size);
	LINE("OFFSET(page.flags)=%llu\n", (unsigned long long)k->off_flags);
	LINE("OFFSET(page._refcount)=%llu\n", (unsigned long long)k->off_refcount);
	LINE("OFFSET(page.mapping)=%llu\n", (unsigned long long)k->off_mapping);
	LINE("OFFSET(page.lru)=%llu\n", (unsigned long long)k->off_compound);
	LINE("OFFSET(page._mapcount)=%llu\n", (unsigned long long)k->off_mapcount);
	LINE("OFFSET(page.private)=%llu\n", (unsigned long long)k->off_private);
	LINE("OFFSET(page.%s)=%llu\n", e->compound,
	     (unsigned long long)k->off_compound);
	LINE("LENGTH(zone.free_area)=%d\n", k->spec.page_shift == 16 ? 9 : 11);
	LINE("NUMBER(PG_lru)=%d\n", e->pg_lru);
	LINE("NUMBER(PG_private)=%d\n", e->pg_private);
	LINE("NUMBER(PG_swapcache)=%d\n", e->pg_swapcache);
	LINE("NUMBER(PG_swapbacked)=%d\n", e->pg_swapbacked);
	if (e->pg_slab >= 0)
		LINE("NUMBER(PG_slab)=%d\n", e->pg_slab);
	if (e->slab)
		LINE("NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=%lld\n", (long long)e->slab);
	LINE("NUMBER(PG_hwpoison)=%d\n", e->pg_hwpoison);
	LINE("NUMBER(PG_head_mask)=%llu\n", 1ULL << e->pg_head);
	if (e->pg_hugetlb >= 0)
		LINE("NUMBER(PG_hugetlb)=%d\n", e->pg_hugetlb);
	LINE("NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%lld\n", (long long)e->buddy);
	if (e->hugetlb)
		LINE("NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=%lld\n",
		     (long long)e->hugetlb);
	if (e->offline)
		LINE("NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%lld\n",
		     (long long)e->offline);
	LINE("SYMBOL(vmemmap_list)=%llx\n",
	     (unsigned long long)(LINEAR + VMEMMAP_LIST_PA));
	LINE("SYMBOL(mmu_vmemmap_psize)=%llx\n",
	     (unsigned long long)(LINEAR + PSIZE_PA));
	LINE("SYMBOL(mmu_psize_defs)=%llx\n",
	     (unsigned long long)(LINEAR + PSIZE_DEFS_PA));
	LINE("SIZE(vmemmap_backing)=%d\n", BACKING_SIZE);
	LINE("OFFSET(vmemmap_backing.list)=0\n");
	LINE("OFFSET(vmemmap_backing.phys)=8\n");
	LINE("OFFSET(vmemmap_backing.virt_addr)=16\n");
	LINE("SIZE(mmu_psize_def)=%d\n", PSIZE_DEF_SIZE);
	LINE("OFFSET(mmu_psize_def.shift)=0\n");
	LINE("SYMBOL(cur_cpu_spec)=%llx\n",
	     (unsigned long long)(LINEAR + CPU_SPEC_PTR_PA));
	LINE("OFFSET(cpu_spec.cpu_features)=8\n");
	LINE("OFFSET(cpu_spec.mmu_features)=%d\n", CPU_SPEC_MMU_FEATURES);
	if (!k->spec.no_radix_number)
		LINE("NUMBER(RADIX_MMU)=%d\n", !k->spec.hash);
	if (k->spec.pcp) {
		/* what 7.2 writes for the zone walk, and our patch 0006 */
		if (k->spec.pcp_flat) {
			LINE("SYMBOL(contig_page_data)=%llx\n",
			     (unsigned long long)(LINEAR + PGDAT_PA));
		} else {
			LINE("SYMBOL(node_data)=%llx\n",
			     (unsigned long long)(LINEAR + NODE_DATA_PA));
			LINE("LENGTH(node_data)=%d\n", MAX_NUMNODES);
			LINE("SYMBOL(node_online_map)=%llx\n",
			     (unsigned long long)(LINEAR + ONLINE_MAP_PA));
			LINE("SIZE(nodemask_t)=%d\n", MAX_NUMNODES / 8);
		}
		LINE("SIZE(pglist_data)=%d\n", PGDAT_SIZE);
		LINE("SIZE(zone)=%d\n", ZONE_SIZE);
		LINE("SIZE(list_head)=16\n");
		LINE("OFFSET(pglist_data.node_zones)=0\n");
		LINE("OFFSET(pglist_data.nr_zones)=%d\n", PGDAT_NR_ZONES);
		LINE("OFFSET(list_head.next)=0\n");
		LINE("OFFSET(list_head.prev)=8\n");
		LINE("SYMBOL(__per_cpu_offset)=%llx\n",
		     (unsigned long long)(LINEAR + PER_CPU_OFF_PA));
		LINE("LENGTH(__per_cpu_offset)=%d\n", MKK_PCP_CPUS);
		LINE("SYMBOL(__cpu_possible_mask)=%llx\n",
		     (unsigned long long)(LINEAR + POSSIBLE_PA));
		LINE("OFFSET(page.pcp_list)=%llu\n",
		     (unsigned long long)k->off_compound);
		LINE("OFFSET(zone.per_cpu_pageset)=%d\n", ZONE_PAGESET);
		LINE("OFFSET(per_cpu_pages.count)=%d\n", MKK_PCP_OFF_COUNT);
		LINE("OFFSET(per_cpu_pages.lists)=%d\n", MKK_PCP_OFF_LISTS);
		LINE("LENGTH(per_cpu_pages.lists)=%d\n", MKK_NR_PCP_LISTS);
		LINE("NUMBER(MIGRATE_PCPTYPES)=%d\n", MKK_MIGRATE_PCPTYPES);
		LINE("NUMBER(PAGE_ALLOC_COSTLY_ORDER)=%d\n",
		     MKK_PAGE_ALLOC_COSTLY_ORDER);
		LINE("NUMBER(HPAGE_PMD_ORDER)=%u\n", k->bits[0]);
	}
	LINE("KERNELOFFSET=0\n");
	LINE("CRASHTIME=%d\n", MKV_CRASHTIME);
#undef LINE
	return 0;
}

int mkkernel_build(struct mkkernel *k, const struct mkkernel_spec *spec)
{
	uint64_t page;
	unsigned int phys_bits;

	memset(k, 0, sizeof(*k));
	if ((spec->page_shift != 12 && spec->page_shift != 16) ||
	    spec->mem_size < (64ULL << 20) || spec->mem_size % (16ULL << 20))
		return -EINVAL;
	k->spec = *spec;
	page = 1ULL << spec->page_shift;
	k->pages = spec->mem_size / page;
	geometry(k);
	layout_fields(k);
	k->mem_held = spec->structures_only ? mkkernel_meta_end(k) :
		      spec->mem_size;
	if (k->mem_held > spec->mem_size)
		return -EINVAL;
	k->mem = malloc(k->mem_held);
	k->expect = calloc(1, k->pages);
	if (!k->mem || !k->expect) {
		mkkernel_free(k);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < k->mem_held; i += 8) {
		uint64_t v = mix(i) | 1;	/* never an all-zero word */

		memcpy(k->mem + i, &v, 8);
	}
	/* hash 4K: H_MAX_PHYSMEM_BITS 46; otherwise 51 (radix.h) */
	phys_bits = spec->hash && spec->page_shift == 12 ? 46 : 51;
	if (spec->page_shift == 12 && !spec->hash)
		phys_bits = 46;	/* keep the 4 KiB root array small */

	k->pgd = PGD_PA;
	memset(k->mem + PGD_PA, 0, 8ULL << k->bits[3]);
	k->alloc = PGD_PA + (8ULL << k->bits[3]);
	k->alloc_end = ALLOC_END;
	uts(k, eras[spec->era].osrelease);
	cpu_spec(k);
	map_vmemmap(k);
	section_map(k, phys_bits);
	test_mappings(k);
	for (uint64_t pfn = 0; pfn < k->pages; pfn++)
		kernel_page(k, pfn);
	if (spec->pcp)
		pcp_structures(k);
	return write_vmcoreinfo(k, phys_bits);
}

void mkkernel_free(struct mkkernel *k)
{
	free(k->mem);
	free(k->expect);
	k->mem = NULL;
	k->expect = NULL;
}

void mkkernel_vmcore(struct mkkernel *k, struct mkvmcore_spec *spec)
{
	mkvmcore_default(spec, k->spec.big_endian);
	spec->page_size = 1ULL << k->spec.page_shift;
	spec->nsegs = 1;
	spec->segs[0] = (struct mkvmcore_seg){ 0, k->spec.mem_size,
					       k->spec.mem_size };
	spec->vmcoreinfo = k->vmcoreinfo;
	spec->unknown_note = false;
	spec->zero_percent = 0;
	spec->npatches = 1;
	spec->patches[0] = (struct mkvmcore_patch){ 0, k->mem, k->mem_held };
}

bool mkkernel_drop_line(struct mkkernel *k, const char *prefix)
{
	char *p = k->vmcoreinfo;

	while (*p) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix))) {
			memmove(p, p + len, strlen(p + len) + 1);
			return true;
		}
		p += len;
	}
	return false;
}

bool mkkernel_set_line(struct mkkernel *k, const char *prefix,
		       const char *value)
{
	size_t used = strlen(k->vmcoreinfo);

	if (!mkkernel_drop_line(k, prefix) ||
	    used + strlen(prefix) + strlen(value) + 2 > sizeof(k->vmcoreinfo))
		return false;
	strcat(k->vmcoreinfo, prefix);
	strcat(k->vmcoreinfo, value);
	strcat(k->vmcoreinfo, "\n");
	return true;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What each page of the crashed machine held, read from its page
 * descriptor (struct page) the way makedumpfile's filter does, with every
 * layout fact taken from VMCOREINFO:
 *
 *   where:  SYMBOL(vmemmap) + pfn * SIZE(page) (SPARSEMEM_VMEMMAP, every
 *           ppc64 Book3S kernel), gated by the section map
 *           (SYMBOL(mem_section): section present, with a mem_map); with
 *           no vmemmap symbol, the section's own mem_map pointer. A
 *           section map that cannot be read or that disagrees with
 *           vmemmap is bypassed: vmemmap is the second path.
 *   what:   OFFSET(page.flags, _refcount, mapping, private, _mapcount,
 *           compound_info (7.1+) or compound_head), NUMBER(PG_lru,
 *           PG_private, PG_swapcache, PG_swapbacked, PG_hwpoison,
 *           PG_head_mask) and the page types below.
 *
 * Page types (free, slab, offline, hugetlb) live in the _mapcount word,
 * exported as NUMBER(PAGE_*_MAPCOUNT_VALUE); their encoding changed
 * three times, and the value's shape says which one a kernel uses:
 *   - 6.12+ ("mm: support only one page_type per page"): the type is the
 *     top byte (PGTY_buddy 0xf0 << 24 ...), the low 24 bits may hold
 *     data: compare the top byte only;
 *   - 4.18 - 6.11: a negative value with one bit clear (~PG_buddy,
 *     -129): the page has the type if that bit is clear and bit 31 set
 *     (PAGE_TYPE_BASE 0xf0000000 up to 6.8, 0x80000000 after);
 *   - 2.6.39 - 4.17: a mapcount value (-128) compared whole.
 * Kernels before 6.10 mark slab pages with NUMBER(PG_slab) instead, and
 * hugetlb folios with NUMBER(PG_hugetlb) on their second page (6.6 -
 * 6.8) or not at all in VMCOREINFO (before 6.6: compound_dtor).
 *
 * Nothing is guessed: a kernel whose VMCOREINFO lacks a key the classes
 * depend on gets every page UNKNOWN, with a warning naming the keys; one
 * without a hugetlb marker gets UNKNOWN for the pages that could be
 * hugetlb (compound, file-mapped, off the LRU). A descriptor that cannot
 * be read, or that no kernel writes (refcount below zero, mapped but
 * unreferenced, poisoned, a free block not aligned to its order, a
 * mapping that is not a kernel address), is UNKNOWN too: the filter
 * keeps such pages.
 *
 * Hard-coded, with the versions they hold for: SECTION_MARKED_PRESENT
 * and SECTION_HAS_MEM_MAP (bits 0 and 1 of section_mem_map, 2.6.24+),
 * the flags in its low byte (SECTION_MAP_LAST_BIT is at most 6 in 7.2;
 * the pointer's own low 14 bits are zero); FOLIO_MAPPING_ANON (bit 0 of
 * mapping, every version); bit 0 of compound_info/compound_head marks a
 * tail (4.6+), the rest is the head's address or, 7.1+ with HVO, a mask
 * to apply to the tail's address; PAGE_POISON_PATTERN -1 (4.x+).
 *
 * Free pages on the per-CPU lists (struct per_cpu_pages, pcp) are not
 * marked as buddy pages: page-pcp.c walks the lists where VMCOREINFO
 * says where they are (our kernel patch 0006), and the blocks it finds
 * are free like buddy blocks. Elsewhere they count as kernel pages;
 * makedumpfile does not count them either.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "page-class.h"
#include "vtop.h"

#define WINDOW			1024	/* pfns classified per batch */
#define ROOT_CACHE		4	/* section-map roots kept decoded */
#define MAX_FOLIO_PAGES		(1u << 22)	/* 16 GiB of 4 KiB pages */
#define SECTION_FLAGS		0xffULL
#define SECTION_MARKED_PRESENT	0x1ULL
#define SECTION_HAS_MEM_MAP	0x2ULL
#define FOLIO_MAPPING_ANON	0x1ULL
#define PAGE_TYPE_BIT31		0x80000000u

/* An own-descriptor verdict the tail's head decides. */
#define CLASS_TAIL		0xff
/* In the iterator's window: the descriptor was not classified. */
#define OWN_UNREAD		0xfe

enum type_encoding { TYPE_NONE, TYPE_TOP_BYTE, TYPE_BIT, TYPE_EXACT };

struct page_type {
	enum type_encoding enc;
	uint32_t value;
};

struct section_root {
	bool filled;
	bool readable;
	bool empty;			/* no section in it is present */
	uint64_t index;
	uint64_t *smm;			/* section_mem_map of its sections */
};

struct section_map {
	bool usable;
	bool extreme;			/* SPARSEMEM_EXTREME: roots are pointers */
	uint64_t sym, nroots, per_root, entry_size, off_smm;
	uint64_t nsections;		/* section numbers below it exist */
	unsigned int pfn_shift;		/* PFN_SECTION_SHIFT */
	struct section_root cache[ROOT_CACHE];
	unsigned int next;
};

struct page_map {
	unsigned int page_shift;
	struct pfn_range *ranges;	/* of the dump, sorted and merged */
	size_t nranges;
	uint64_t pages;

	bool usable;			/* else every page is UNKNOWN */
	uint64_t desc_size;
	uint64_t off_flags, off_refcount, off_mapping, off_private,
		 off_mapcount, off_compound;
	uint64_t pg_lru, pg_private, pg_swapcache, head_mask;
	int64_t pg_swapbacked, pg_hwpoison, pg_slab, pg_hugetlb; /* -1: none */
	struct page_type buddy, slab, offline, hugetlb;
	unsigned int max_order;		/* buddy orders are below it */

	bool have_vmemmap;
	uint64_t vmemmap;
	uint64_t max_pfn;		/* 1 << (MAX_PHYSMEM_BITS - PAGE_SHIFT) */
	struct section_map sec;
	bool warned_sections;		/* a section disagreed with vmemmap */
	bool warned_roots;		/* a root could not be read */
	/* Why pages are UNKNOWN, the first reason warned about; "" if none */
	char unknown_reason[160];

	/* free blocks on the per-CPU lists, sorted and merged */
	struct pfn_range *pcp;
	size_t npcp;
};

/* One decoded struct page. */
struct desc {
	uint64_t flags, mapping, private_, compound;
	uint32_t mapcount;
	int32_t refcount;
};

static const char *const class_names[] = {
	[FADUMP_PAGE_UNKNOWN] = "unknown",
	[FADUMP_PAGE_FREE] = "free",
	[FADUMP_PAGE_CACHE] = "cache",
	[FADUMP_PAGE_CACHE_PRIVATE] = "cache_private",
	[FADUMP_PAGE_ANON] = "anon",
	[FADUMP_PAGE_HUGETLB] = "hugetlb",
	[FADUMP_PAGE_OFFLINE] = "offline",
	[FADUMP_PAGE_HWPOISON] = "hwpoison",
	[FADUMP_PAGE_SLAB] = "slab",
	[FADUMP_PAGE_ZERO] = "zero",
	[FADUMP_PAGE_KERNEL] = "kernel",
};

FADUMP_EXPORT const char *fadump_page_class_name(unsigned int cls)
{
	return cls < ARRAY_SIZE(class_names) ? class_names[cls] : NULL;
}

void page_map_free(struct page_map *pm)
{
	if (!pm)
		return;
	for (unsigned int i = 0; i < ROOT_CACHE; i++)
		free(pm->sec.cache[i].smm);
	free(pm->ranges);
	free(pm->pcp);
	free(pm);
}

/* ---- the layout, from VMCOREINFO ---------------------------------------- */

/* Collects the names of missing keys for one warning. */
struct missing {
	char list[FADUMP_ERRMSG_MAX];
	size_t len;
};

static void note_missing(struct missing *m, const char *kind, const char *name)
{
	int n = snprintf(m->list + m->len, sizeof(m->list) - m->len, "%s%s(%s)",
			 m->len ? ", " : "", kind, name);

	if (n > 0 && (size_t)n < sizeof(m->list) - m->len)
		m->len += (size_t)n;
}

static void need_field(struct fadump_vmcore *vm, struct missing *m,
		       const char *kind, const char *name, uint64_t *out)
{
	if (vmcore_info_field(vm, kind, name, out) < 0)
		note_missing(m, kind, name);
}

static void need_number(struct fadump_vmcore *vm, struct missing *m,
			const char *name, uint64_t max, uint64_t *out)
{
	int64_t v;

	if (vmcore_info_number(vm, name, &v) < 0 || v < 0 || (uint64_t)v > max)
		note_missing(m, "NUMBER", name);
	else
		*out = (uint64_t)v;
}

/* The first reason pages are unknown, for page_class_unknown_reason(). */
static void unknown_because(struct page_map *pm, const char *why)
{
	if (!pm->unknown_reason[0])
		snprintf(pm->unknown_reason, sizeof(pm->unknown_reason), "%s",
			 why);
}

static int64_t optional_bit(struct fadump_vmcore *vm, const char *name)
{
	int64_t v;

	if (vmcore_info_number(vm, name, &v) < 0 || v < 0 || v > 63)
		return -1;
	return v;
}

/* The encoding a NUMBER(PAGE_*_MAPCOUNT_VALUE) has (see the top). */
static bool page_type_from(struct fadump_vmcore *vm, const char *name,
			   struct page_type *t)
{
	int64_t v;
	uint32_t inv;

	t->enc = TYPE_NONE;
	if (vmcore_info_number(vm, name, &v) < 0)
		return false;
	if (v > 0 && v <= UINT32_MAX && !(v & 0xffffff) && (v >> 24) >= 0x80) {
		t->enc = TYPE_TOP_BYTE;
		t->value = (uint32_t)v;
	} else if (v < 0 && v >= INT32_MIN) {
		t->value = (uint32_t)v;
		inv = ~t->value;
		t->enc = inv && !(inv & (inv - 1)) && inv < PAGE_TYPE_BIT31 ?
			 TYPE_BIT : TYPE_EXACT;
	} else {
		warning(vm->ctx, "%s: VMCOREINFO NUMBER(%s)=%" PRId64 " has no "
			"page-type encoding this library knows", vm->path,
			name, v);
		return false;
	}
	return true;
}

static bool is_type(const struct page_type *t, uint32_t word)
{
	switch (t->enc) {
	case TYPE_TOP_BYTE:
		return word >> 24 == t->value >> 24;
	case TYPE_BIT:
		return (word & (PAGE_TYPE_BIT31 | ~t->value)) == PAGE_TYPE_BIT31;
	case TYPE_EXACT:
		return word == t->value;
	default:
		return false;
	}
}

static void check_offsets(struct page_map *pm, struct missing *m)
{
	const struct {
		const char *name;
		uint64_t off, width;
	} f[] = {
		{ "page.flags", pm->off_flags, 8 },
		{ "page._refcount", pm->off_refcount, 4 },
		{ "page.mapping", pm->off_mapping, 8 },
		{ "page.private", pm->off_private, 8 },
		{ "page._mapcount", pm->off_mapcount, 4 },
		{ "page.compound_info", pm->off_compound, 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i].off > pm->desc_size || f[i].width > pm->desc_size - f[i].off)
			note_missing(m, "plausible OFFSET", f[i].name);
}

static void read_layout(struct fadump_vmcore *vm, struct page_map *pm)
{
	struct missing m = { .len = 0 };
	uint64_t orders;

	need_field(vm, &m, "SIZE", "page", &pm->desc_size);
	if (pm->desc_size < 16 || pm->desc_size > 1024)
		note_missing(&m, "plausible SIZE", "page");
	need_field(vm, &m, "OFFSET", "page.flags", &pm->off_flags);
	need_field(vm, &m, "OFFSET", "page._refcount", &pm->off_refcount);
	need_field(vm, &m, "OFFSET", "page.mapping", &pm->off_mapping);
	need_field(vm, &m, "OFFSET", "page.private", &pm->off_private);
	need_field(vm, &m, "OFFSET", "page._mapcount", &pm->off_mapcount);
	/* renamed in 7.1; only bit 0 (tail) kept its meaning */
	if (vmcore_info_field(vm, "OFFSET", "page.compound_info",
			      &pm->off_compound) < 0 &&
	    vmcore_info_field(vm, "OFFSET", "page.compound_head",
			      &pm->off_compound) < 0)
		note_missing(&m, "OFFSET", "page.compound_info");
	need_number(vm, &m, "PG_lru", 63, &pm->pg_lru);
	need_number(vm, &m, "PG_private", 63, &pm->pg_private);
	need_number(vm, &m, "PG_swapcache", 63, &pm->pg_swapcache);
	need_number(vm, &m, "PG_head_mask", UINT64_MAX >> 1, &pm->head_mask);
	pm->pg_swapbacked = optional_bit(vm, "PG_swapbacked");	/* 4.10+ */
	pm->pg_hwpoison = optional_bit(vm, "PG_hwpoison");	/* MEMORY_FAILURE */
	pm->pg_slab = optional_bit(vm, "PG_slab");		/* before 6.10 */
	pm->pg_hugetlb = optional_bit(vm, "PG_hugetlb");	/* 6.6 - 6.8 */

	if (!page_type_from(vm, "PAGE_BUDDY_MAPCOUNT_VALUE", &pm->buddy))
		note_missing(&m, "NUMBER", "PAGE_BUDDY_MAPCOUNT_VALUE");
	if (!page_type_from(vm, "PAGE_SLAB_MAPCOUNT_VALUE", &pm->slab) &&
	    pm->pg_slab < 0)
		note_missing(&m, "NUMBER", "PAGE_SLAB_MAPCOUNT_VALUE or PG_slab");
	/* PG_offline came with its VMCOREINFO value: absent, none exist */
	page_type_from(vm, "PAGE_OFFLINE_MAPCOUNT_VALUE", &pm->offline);
	page_type_from(vm, "PAGE_HUGETLB_MAPCOUNT_VALUE", &pm->hugetlb);

	/* LENGTH(zone.free_area) is NR_PAGE_ORDERS (MAX_ORDER before 6.8) */
	if (vmcore_info_field(vm, "LENGTH", "zone.free_area", &orders) == 0 &&
	    orders >= 1 && orders <= 64)
		pm->max_order = (unsigned int)orders;
	else
		note_missing(&m, "LENGTH", "zone.free_area");
	if (!m.len)
		check_offsets(pm, &m);

	pm->usable = !m.len;
	if (!pm->usable) {
		warning(vm->ctx, "%s: page classes: VMCOREINFO lacks %s: every "
			"page is unknown", vm->path, m.list);
		/* truncated to the reason's size, as the result's field is */
		snprintf(pm->unknown_reason, sizeof(pm->unknown_reason),
			 "VMCOREINFO lacks %.140s", m.list);
		return;
	}
	if (pm->hugetlb.enc == TYPE_NONE && pm->pg_hugetlb < 0) {
		warning(vm->ctx, "%s: page classes: VMCOREINFO has neither "
			"NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE) (6.9+) nor "
			"NUMBER(PG_hugetlb) (6.6 - 6.8): pages that could be "
			"hugetlb are unknown", vm->path);
		unknown_because(pm, "VMCOREINFO has no hugetlb marker "
				"(PAGE_HUGETLB_MAPCOUNT_VALUE or PG_hugetlb)");
	}
}

/* The section map's shape; unusable leaves vmemmap as the only path. */
static void read_sections(struct fadump_vmcore *vm, struct page_map *pm)
{
	struct section_map *s = &pm->sec;
	uint64_t section_bits = 0, phys_bits = 0, nr_sections, extreme_roots;
	struct missing m = { .len = 0 };

	need_field(vm, &m, "SYMBOL", "mem_section", &s->sym);
	need_field(vm, &m, "LENGTH", "mem_section", &s->nroots);
	need_field(vm, &m, "SIZE", "mem_section", &s->entry_size);
	need_field(vm, &m, "OFFSET", "mem_section.section_mem_map", &s->off_smm);
	need_number(vm, &m, "SECTION_SIZE_BITS", 63, &section_bits);
	need_number(vm, &m, "MAX_PHYSMEM_BITS", 64, &phys_bits);
	if (m.len) {
		warning(vm->ctx, "%s: page classes: no section map (VMCOREINFO "
			"lacks %s)%s", vm->path, m.list, pm->have_vmemmap ?
			": descriptors are read through vmemmap alone" : "");
		return;
	}
	if (section_bits < pm->page_shift || section_bits >= phys_bits ||
	    phys_bits > 56 || phys_bits - section_bits > 40 ||
	    s->entry_size < 8 || s->entry_size > 256 ||
	    s->off_smm > s->entry_size - 8) {
		warning(vm->ctx, "%s: page classes: the section map's VMCOREINFO "
			"values are implausible: not used", vm->path);
		return;
	}
	s->pfn_shift = (unsigned int)section_bits - pm->page_shift;
	nr_sections = 1ULL << (phys_bits - section_bits);
	s->per_root = (1ULL << pm->page_shift) / s->entry_size;
	extreme_roots = (nr_sections + s->per_root - 1) / s->per_root;
	if (s->nroots == extreme_roots) {
		s->extreme = true;
		s->nsections = s->nroots * s->per_root;
	} else if (s->nroots == nr_sections) {
		/* a flat array, read in chunks of up to 1024 sections */
		s->per_root = 1024 < nr_sections ? 1024 : nr_sections;
		s->nsections = nr_sections;
	} else {
		warning(vm->ctx, "%s: page classes: LENGTH(mem_section)=%" PRIu64
			" fits neither SPARSEMEM_EXTREME (%" PRIu64 " roots) nor "
			"a flat map (%" PRIu64 " sections): not used", vm->path,
			s->nroots, extreme_roots, nr_sections);
		return;
	}
	for (unsigned int i = 0; i < ROOT_CACHE; i++) {
		s->cache[i].smm = calloc(s->per_root, sizeof(uint64_t));
		if (!s->cache[i].smm)
			return;		/* without a cache, no section map */
	}
	s->usable = true;
}

static int cmp_range(const void *a, const void *b)
{
	const struct pfn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The pfns of the dump: every page with a byte in a segment. */
static int read_ranges(struct fadump_vmcore *vm, struct page_map *pm)
{
	unsigned int n = fadump_vmcore_segments_count(vm);
	size_t kept = 0;

	pm->ranges = calloc(n ? n : 1, sizeof(*pm->ranges));
	if (!pm->ranges)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_vmcore_segment s = { .size = sizeof(s) };

		if (fadump_vmcore_get_segment(vm, i, &s) < 0 || !s.memsz)
			continue;
		/* segments were checked not to wrap at open */
		pm->ranges[kept].start = s.paddr >> pm->page_shift;
		pm->ranges[kept].end = ((s.paddr + s.memsz - 1) >> pm->page_shift) + 1;
		kept++;
	}
	qsort(pm->ranges, kept, sizeof(*pm->ranges), cmp_range);
	pm->nranges = 0;
	for (size_t i = 0; i < kept; i++) {
		struct pfn_range *last = pm->nranges ?
					 &pm->ranges[pm->nranges - 1] : NULL;

		if (last && pm->ranges[i].start <= last->end) {
			if (pm->ranges[i].end > last->end)
				last->end = pm->ranges[i].end;
			continue;
		}
		pm->ranges[pm->nranges++] = pm->ranges[i];
	}
	for (size_t i = 0; i < pm->nranges; i++)
		pm->pages += pm->ranges[i].end - pm->ranges[i].start;
	return 0;
}

static int page_map_get(struct fadump_vmcore *vm, struct page_map **pmp)
{
	struct page_map *pm = vm->page_map;
	uint64_t page;
	int64_t bits;
	int ret;

	if (pm) {
		*pmp = pm;
		return 0;
	}
	ret = vmcore_info_u64(vm, "PAGESIZE", 10, &page);
	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -ENOENT, "%s: VMCOREINFO has no "
				   "PAGESIZE: the dump's pages are unknown",
				   vm->path);
	if (ret < 0)
		return ret;
	if (page < 4096 || page > (1u << 24) || (page & (page - 1)))
		return fadump_fail(vm->ctx, -EBADMSG, "%s: VMCOREINFO PAGESIZE %"
				   PRIu64 " is not a page size", vm->path, page);
	pm = calloc(1, sizeof(*pm));
	if (!pm)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	pm->page_shift = (unsigned int)__builtin_ctzll(page);
	ret = read_ranges(vm, pm);
	if (ret < 0) {
		page_map_free(pm);
		return ret;
	}
	fadump_quiet_begin(vm->ctx);
	read_layout(vm, pm);
	pm->have_vmemmap = vmcore_info_field(vm, "SYMBOL", "vmemmap",
					     &pm->vmemmap) == 0;
	pm->max_pfn = UINT64_MAX;
	if (vmcore_info_number(vm, "MAX_PHYSMEM_BITS", &bits) == 0 &&
	    bits > pm->page_shift && bits < 64)
		pm->max_pfn = 1ULL << (bits - pm->page_shift);
	if (pm->usable)
		read_sections(vm, pm);
	if (pm->usable && !pm->have_vmemmap && !pm->sec.usable) {
		warning(vm->ctx, "%s: page classes: neither SYMBOL(vmemmap) nor a "
			"usable section map: every page is unknown", vm->path);
		unknown_because(pm, "neither SYMBOL(vmemmap) nor a usable "
				"section map in VMCOREINFO");
		pm->usable = false;
	}
	/* pcp entries are struct page addresses: vmemmap turns them to pfns */
	if (pm->usable && pm->have_vmemmap)
		ret = pcp_free_ranges(vm, pm, &pm->pcp, &pm->npcp);
	fadump_quiet_end(vm->ctx);
	if (ret < 0) {
		page_map_free(pm);
		return ret;
	}
	vm->page_map = pm;
	*pmp = pm;
	return 0;
}

/* ---- where a pfn's descriptor is ---------------------------------------- */

static struct section_root *root_get(struct fadump_vmcore *vm,
				     struct page_map *pm, uint64_t root)
{
	struct section_map *s = &pm->sec;
	struct section_root *r;
	unsigned char *buf = NULL;
	uint64_t base = s->sym + root * s->per_root * s->entry_size;
	uint64_t count = s->nsections - root * s->per_root;
	size_t bytes;
	unsigned char ptr[8];
	int ret;

	for (unsigned int i = 0; i < ROOT_CACHE; i++)
		if (s->cache[i].filled && s->cache[i].index == root)
			return &s->cache[i];
	r = &s->cache[s->next];
	s->next = (s->next + 1) % ROOT_CACHE;
	r->filled = true;
	r->readable = false;
	r->empty = true;
	r->index = root;
	memset(r->smm, 0, s->per_root * sizeof(uint64_t));
	if (count > s->per_root)
		count = s->per_root;
	bytes = (size_t)(count * s->entry_size);

	if (s->extreme) {
		/* mem_section[root] is a pointer; NULL: no section there */
		ret = vmcore_read_virt(vm, s->sym + root * 8, ptr, sizeof(ptr));
		if (ret < 0)
			return r;
		base = get_u64(ptr, vm->order);
		if (!base) {
			r->readable = true;
			return r;
		}
	}
	buf = malloc(bytes);
	if (!buf)
		return r;
	if (vmcore_read_virt(vm, base, buf, bytes) == 0) {
		for (uint64_t i = 0; i < count; i++) {
			r->smm[i] = get_u64(buf + i * s->entry_size + s->off_smm,
					    vm->order);
			if (r->smm[i] & SECTION_MARKED_PRESENT)
				r->empty = false;
		}
		r->readable = true;
	}
	free(buf);
	return r;
}

enum where {
	DESC_NONE,		/* no descriptor: section not present */
	DESC_AT,		/* at *vaddr */
};

/*
 * The virtual address of @pfn's descriptor, DESC_NONE if the section map
 * says there is none or nothing says where it is.
 */
static enum where desc_vaddr(struct fadump_vmcore *vm, struct page_map *pm,
			     uint64_t pfn, uint64_t *vaddr)
{
	struct section_map *s = &pm->sec;
	uint64_t smm = 0;
	bool readable = false;

	if (s->usable && pfn >> s->pfn_shift < s->nsections) {
		uint64_t nr = pfn >> s->pfn_shift;
		struct section_root *r = root_get(vm, pm, nr / s->per_root);

		readable = r->readable;
		smm = r->smm[nr % s->per_root];
		if (!readable && !pm->warned_roots) {
			pm->warned_roots = true;
			warning(vm->ctx, "%s: page classes: the section map "
				"cannot be read (root %" PRIu64 " of mem_section)"
				"%s", vm->path, nr / s->per_root,
				pm->have_vmemmap ? ": descriptors are read "
				"through vmemmap" : ": those pages are unknown");
		}
	}
	if (readable) {
		uint64_t base = smm & ~SECTION_FLAGS;

		if (!(smm & SECTION_MARKED_PRESENT) || !(smm & SECTION_HAS_MEM_MAP))
			return DESC_NONE;
		if (!pm->have_vmemmap) {
			*vaddr = base + pfn * pm->desc_size;
			return DESC_AT;
		}
		/* SPARSEMEM_VMEMMAP: every section's mem_map is vmemmap */
		if (base != pm->vmemmap && !pm->warned_sections) {
			pm->warned_sections = true;
			warning(vm->ctx, "%s: page classes: the section map "
				"disagrees with vmemmap (section %" PRIu64 ": %#"
				PRIx64 "): descriptors are read through vmemmap",
				vm->path, pfn >> s->pfn_shift, smm);
		}
	} else if (!pm->have_vmemmap) {
		return DESC_NONE;
	}
	*vaddr = pm->vmemmap + pfn * pm->desc_size;
	return DESC_AT;
}

/* ---- reading descriptors ------------------------------------------------ */

struct batch {
	uint64_t pfn;
	unsigned int n;
	bool ok[WINDOW];
	unsigned char *data;		/* WINDOW * desc_size bytes */
};

/* Mark the descriptors that overlap [lo, hi) of the batch's bytes bad. */
static void batch_bad(struct batch *b, const struct page_map *pm,
		      uint64_t lo, uint64_t hi)
{
	for (uint64_t i = lo / pm->desc_size;
	     i < b->n && i * pm->desc_size < hi; i++)
		b->ok[i] = false;
}

/*
 * Read the descriptors of [pfn, pfn + n), all in one section (so they
 * are contiguous in virtual memory). b->ok says which could be read.
 */
static void read_batch(struct fadump_vmcore *vm, struct page_map *pm,
		       uint64_t pfn, unsigned int n, struct batch *b)
{
	uint64_t vaddr, bytes = n * pm->desc_size, done = 0;
	uint64_t page = 1ULL << pm->page_shift;

	b->pfn = pfn;
	b->n = n;
	memset(b->ok, 0, sizeof(b->ok));
	if (desc_vaddr(vm, pm, pfn, &vaddr) != DESC_AT)
		return;
	memset(b->ok, 1, n);
	while (done < bytes) {
		uint64_t paddr, avail, chunk, va = vaddr + done;

		if (vtop_translate(vm, va, &paddr, &avail) < 0) {
			/* nothing maps less than a page: skip to the next */
			chunk = page - (va & (page - 1));
			if (chunk > bytes - done)
				chunk = bytes - done;
			batch_bad(b, pm, done, done + chunk);
			done += chunk;
			continue;
		}
		chunk = avail < bytes - done ? avail : bytes - done;
		if (vmcore_read(vm, paddr, b->data + done, (size_t)chunk) < 0)
			batch_bad(b, pm, done, done + chunk);
		done += chunk;
	}
}

static void decode(const struct page_map *pm, const unsigned char *p,
		   enum fadump_byte_order order, struct desc *d)
{
	d->flags = get_u64(p + pm->off_flags, order);
	d->mapping = get_u64(p + pm->off_mapping, order);
	d->private_ = get_u64(p + pm->off_private, order);
	d->compound = get_u64(p + pm->off_compound, order);
	d->mapcount = get_u32(p + pm->off_mapcount, order);
	d->refcount = (int32_t)get_u32(p + pm->off_refcount, order);
}

/* Read one descriptor; false if it cannot be read. */
static bool read_desc(struct fadump_vmcore *vm, struct page_map *pm,
		      uint64_t pfn, struct desc *d)
{
	unsigned char buf[1024];
	uint64_t vaddr;

	if (desc_vaddr(vm, pm, pfn, &vaddr) != DESC_AT ||
	    vmcore_read_virt(vm, vaddr, buf, (size_t)pm->desc_size) < 0)
		return false;
	decode(pm, buf, vm->order, d);
	return true;
}

/* ---- classifying ----------------------------------------------------------- */

static bool bit(uint64_t flags, int64_t nr)
{
	return nr >= 0 && (flags >> nr) & 1;
}

static bool kernel_pointer(uint64_t p)
{
	return p >> 60 == PPC64_PAGE_OFFSET >> 60;
}

/*
 * PG_hugetlb (6.6 - 6.8) is a flag of a folio's second page; @next is
 * the descriptor after @d's if already read, else NULL.
 */
static bool hugetlb_flag(struct fadump_vmcore *vm, struct page_map *pm,
			 uint64_t pfn, const struct desc *d,
			 const struct desc *next)
{
	struct desc second;

	if (pm->pg_hugetlb < 0 || !(d->flags & pm->head_mask))
		return false;
	if (!next) {
		if (!read_desc(vm, pm, pfn + 1, &second))
			return false;
		next = &second;
	}
	return bit(next->flags, pm->pg_hugetlb);
}

/*
 * The class @d's own fields give: a class, CLASS_TAIL, or UNKNOWN for a
 * descriptor no kernel writes. *@order receives a free block's order.
 */
static unsigned int classify_own(struct fadump_vmcore *vm, struct page_map *pm,
				 uint64_t pfn, const struct desc *d,
				 const struct desc *next, bool hwpoison,
				 unsigned int *order)
{
	uint32_t word = d->mapcount;

	if (d->refcount < 0 || d->flags == UINT64_MAX)
		return FADUMP_PAGE_UNKNOWN;	/* underflow; PAGE_POISON_PATTERN */
	if (hwpoison && bit(d->flags, pm->pg_hwpoison))
		return FADUMP_PAGE_HWPOISON;
	if (d->compound & 1)
		return CLASS_TAIL;
	if (is_type(&pm->buddy, word)) {
		if (d->private_ >= pm->max_order ||
		    (pfn & ((1ULL << d->private_) - 1)))
			return FADUMP_PAGE_UNKNOWN;
		*order = (unsigned int)d->private_;
		return FADUMP_PAGE_FREE;
	}
	if (is_type(&pm->slab, word) || bit(d->flags, pm->pg_slab))
		return FADUMP_PAGE_SLAB;
	if (is_type(&pm->offline, word))
		return FADUMP_PAGE_OFFLINE;
	if (is_type(&pm->hugetlb, word) || hugetlb_flag(vm, pm, pfn, d, next))
		return FADUMP_PAGE_HUGETLB;
	/* 6.12+: any other type (page table, guard, zsmalloc, ...) */
	if (pm->buddy.enc == TYPE_TOP_BYTE && word >> 24 >= 0xf0 &&
	    word >> 24 != 0xff)
		return FADUMP_PAGE_KERNEL;
	/* a mapcount: mapped pages are referenced */
	if ((int32_t)word >= 0 && d->refcount == 0)
		return FADUMP_PAGE_UNKNOWN;
	if (d->mapping & FOLIO_MAPPING_ANON)
		return kernel_pointer(d->mapping) ? FADUMP_PAGE_ANON :
						    FADUMP_PAGE_UNKNOWN;
	if (d->mapping && !kernel_pointer(d->mapping))
		return FADUMP_PAGE_UNKNOWN;
	if (bit(d->flags, (int64_t)pm->pg_lru) ||
	    (bit(d->flags, (int64_t)pm->pg_swapcache) &&
	     (pm->pg_swapbacked < 0 || bit(d->flags, pm->pg_swapbacked))))
		return bit(d->flags, (int64_t)pm->pg_private) ?
		       FADUMP_PAGE_CACHE_PRIVATE : FADUMP_PAGE_CACHE;
	/* hugetlbfs folios: compound, file-mapped, never on the LRU */
	if (pm->hugetlb.enc == TYPE_NONE && pm->pg_hugetlb < 0 &&
	    (d->flags & pm->head_mask) && d->mapping)
		return FADUMP_PAGE_UNKNOWN;
	return FADUMP_PAGE_KERNEL;
}

/* The pfn of a tail's head, or false if the tail's pointer is implausible. */
static bool head_of(struct fadump_vmcore *vm, struct page_map *pm,
		    uint64_t pfn, const struct desc *d, uint64_t *head)
{
	uint64_t tail_va, head_va, info = d->compound & ~1ULL, dist;

	if (desc_vaddr(vm, pm, pfn, &tail_va) != DESC_AT)
		return false;
	/* 7.1+ with HVO: a mask GENMASK(63, shift); otherwise a pointer */
	if (info && !((~info + 1) & ~info))
		head_va = tail_va & info;
	else
		head_va = info;
	if (head_va >= tail_va)
		return false;
	dist = tail_va - head_va;
	if (dist % pm->desc_size || dist / pm->desc_size > MAX_FOLIO_PAGES ||
	    dist / pm->desc_size > pfn)
		return false;
	*head = pfn - dist / pm->desc_size;
	return true;
}

/*
 * A tail page belongs to its head's folio: its class is the head's
 * (without the head's own poison). @own_head is the head's own class if
 * already known, else CLASS_TAIL.
 */
static unsigned int classify_tail(struct fadump_vmcore *vm, struct page_map *pm,
				  uint64_t pfn, const struct desc *d)
{
	unsigned int order, cls;
	struct desc h;
	uint64_t head;

	if (!head_of(vm, pm, pfn, d, &head) || !read_desc(vm, pm, head, &h) ||
	    !(h.flags & pm->head_mask))
		return FADUMP_PAGE_UNKNOWN;
	cls = classify_own(vm, pm, head, &h, NULL, false, &order);
	/* heads are never tails; free blocks are never compound */
	if (cls == CLASS_TAIL || cls == FADUMP_PAGE_FREE)
		return FADUMP_PAGE_UNKNOWN;
	return cls;
}

/*
 * The free block that contains @pfn without starting there: the end of
 * the block (exclusive) if one does, else @pfn.
 */
static uint64_t enclosing_free_block(struct fadump_vmcore *vm,
				     struct page_map *pm, uint64_t pfn)
{
	for (unsigned int o = 1; o < pm->max_order && o < 64; o++) {
		uint64_t head = pfn & ~((1ULL << o) - 1);
		unsigned int order = 0;
		struct desc d;

		if (head == pfn)
			continue;
		if (read_desc(vm, pm, head, &d) &&
		    classify_own(vm, pm, head, &d, NULL, false, &order) ==
		    FADUMP_PAGE_FREE && pfn - head < 1ULL << order)
			return head + (1ULL << order);
	}
	return pfn;
}

static bool zero_check_applies(unsigned int cls)
{
	/* never read poisoned or offline pages; free ones are dropped anyway */
	return cls != FADUMP_PAGE_UNKNOWN && cls != FADUMP_PAGE_FREE &&
	       cls != FADUMP_PAGE_HWPOISON && cls != FADUMP_PAGE_OFFLINE;
}

/* Whether page @pfn is all zeros; false if it cannot be read whole. */
static bool page_is_zero(struct fadump_vmcore *vm, const struct page_map *pm,
			 uint64_t pfn, unsigned char *buf)
{
	size_t size = (size_t)1 << pm->page_shift;

	if (vmcore_read(vm, pfn << pm->page_shift, buf, size) < 0)
		return false;
	return bytes_are_zero(buf, size);
}

static const struct pfn_range *range_of(const struct page_map *pm,
					uint64_t pfn)
{
	for (size_t i = 0; i < pm->nranges; i++)
		if (pfn >= pm->ranges[i].start && pfn < pm->ranges[i].end)
			return &pm->ranges[i];
	return NULL;
}

uint64_t page_map_pages(const struct page_map *pm)
{
	return pm->pages;
}

bool page_map_order_ok(const struct page_map *pm, unsigned int order)
{
	return order < pm->max_order;
}

bool page_map_pcp_head(struct fadump_vmcore *vm, struct page_map *pm,
		       uint64_t page, unsigned int order, uint64_t *pfn,
		       const char **why)
{
	const struct pfn_range *r;
	uint64_t at, clear;
	struct desc d;

	*why = "not a struct page of the dump";
	if (page < pm->vmemmap || (page - pm->vmemmap) % pm->desc_size)
		return false;
	*pfn = (page - pm->vmemmap) / pm->desc_size;
	if (*pfn >= pm->max_pfn || !(r = range_of(pm, *pfn)) ||
	    desc_vaddr(vm, pm, *pfn, &at) != DESC_AT || at != page)
		return false;
	*why = "a block not aligned to its order or not all in the dump";
	if ((*pfn & ((1ULL << order) - 1)) || r->end - *pfn < 1ULL << order)
		return false;
	*why = "its struct page cannot be read";
	if (!read_desc(vm, pm, *pfn, &d))
		return false;
	/* __free_pages_prepare(): what a free leaves, PageHWPoison never */
	clear = pm->head_mask | 1ULL << pm->pg_lru | 1ULL << pm->pg_private |
		1ULL << pm->pg_swapcache;
	if (pm->pg_slab >= 0)
		clear |= 1ULL << pm->pg_slab;
	if (pm->pg_hwpoison >= 0)
		clear |= 1ULL << pm->pg_hwpoison;
	*why = "not a free page (referenced, typed, mapped, private, a tail "
	       "or flagged)";
	return d.refcount == 0 && d.mapcount == UINT32_MAX && !d.mapping &&
	       !d.private_ && !(d.compound & 1) && !(d.flags & clear);
}

/*
 * The end of the per-CPU free block holding @pfn, or @pfn if none does;
 * *@next receives the start of the first block after @pfn (UINT64_MAX).
 */
static uint64_t pcp_block_end(const struct page_map *pm, uint64_t pfn,
			      uint64_t *next)
{
	size_t lo = 0, hi = pm->npcp;

	while (lo < hi) {		/* the first block ending after pfn */
		size_t mid = lo + (hi - lo) / 2;

		if (pm->pcp[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < pm->npcp && pm->pcp[lo].start <= pfn) {
		*next = lo + 1 < pm->npcp ? pm->pcp[lo + 1].start : UINT64_MAX;
		return pm->pcp[lo].end;
	}
	*next = lo < pm->npcp ? pm->pcp[lo].start : UINT64_MAX;
	return pfn;
}

static int check_flags(struct fadump_vmcore *vm, unsigned int flags)
{
	if (flags & ~(unsigned int)FADUMP_PAGE_CHECK_ZERO)
		return fadump_fail(vm->ctx, -EINVAL, "unknown page flags %#x",
				   flags);
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_page_class(struct fadump_vmcore *vm,
					   uint64_t pfn, unsigned int flags,
					   unsigned int *cls)
{
	struct page_map *pm;
	unsigned int order, c = FADUMP_PAGE_UNKNOWN;
	uint64_t next;
	struct desc d;
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!cls)
		return fadump_fail_null(vm->ctx, "cls");
	ret = check_flags(vm, flags);
	if (ret == 0)
		ret = page_map_get(vm, &pm);
	if (ret < 0)
		return ret;
	if (!range_of(pm, pfn))
		return fadump_fail(vm->ctx, -ENXIO, "%s: pfn %#" PRIx64 " is not "
				   "in the dump", vm->path, pfn);
	if (!pm->usable) {
		*cls = FADUMP_PAGE_UNKNOWN;
		return 0;
	}
	fadump_quiet_begin(vm->ctx);
	if (pcp_block_end(pm, pfn, &next) > pfn ||
	    enclosing_free_block(vm, pm, pfn) > pfn) {
		c = FADUMP_PAGE_FREE;
	} else if (read_desc(vm, pm, pfn, &d)) {
		c = classify_own(vm, pm, pfn, &d, NULL, true, &order);
		if (c == CLASS_TAIL)
			c = classify_tail(vm, pm, pfn, &d);
	}
	if ((flags & FADUMP_PAGE_CHECK_ZERO) && zero_check_applies(c)) {
		unsigned char *buf = malloc((size_t)1 << pm->page_shift);

		if (buf && page_is_zero(vm, pm, pfn, buf))
			c = FADUMP_PAGE_ZERO;
		free(buf);
	}
	fadump_quiet_end(vm->ctx);
	fadump_clear_error(vm->ctx);	/* probes that failed are no error */
	*cls = c;
	return 0;
}

const char *page_class_unknown_reason(const struct fadump_vmcore *vm)
{
	return vm->page_map ? vm->page_map->unknown_reason : "";
}

/* ---- the iterator -------------------------------------------------------- */

struct fadump_page_iter {
	struct fadump_vmcore *vm;
	struct page_map *pm;
	unsigned int flags;
	uint64_t first, end;		/* the pfns asked: [first, end) */
	size_t range;			/* current index in pm->ranges */
	uint64_t pfn;			/* next pfn to classify */
	bool range_started;
	bool probe_free;		/* look for a block the range starts in */
	uint64_t free_end;		/* pfns below it are in a free block */

	/*
	 * The window: [win_pfn, win_pfn + win_n), classes in cls[] or, for
	 * a span that needs no descriptor (free block, no section, beyond
	 * MAX_PHYSMEM_BITS), all of class win_uniform.
	 */
	uint64_t win_pfn, win_n, win_pos;
	int win_uniform;		/* a class, or -1: see cls[] */
	unsigned char cls[WINDOW];
	unsigned char own[WINDOW];
	struct batch batch;
	unsigned char *page_buf;	/* for the zero check */

	bool have_run;
	struct fadump_page_run run;
};

FADUMP_EXPORT void fadump_page_iter_free(struct fadump_page_iter *it)
{
	if (!it)
		return;
	free(it->batch.data);
	free(it->page_buf);
	fadump_vmcore_unref(it->vm);
	free(it);
}

FADUMP_EXPORT int fadump_page_iter_new(struct fadump_vmcore *vm,
				       uint64_t first_pfn, uint64_t end_pfn,
				       unsigned int flags,
				       struct fadump_page_iter **itp)
{
	struct fadump_page_iter *it;
	struct page_map *pm;
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!itp)
		return fadump_fail_null(vm->ctx, "itp");
	*itp = NULL;
	ret = check_flags(vm, flags);
	if (ret == 0 && first_pfn > end_pfn)
		ret = fadump_fail(vm->ctx, -EINVAL, "pfn range %#" PRIx64 " - %#"
				  PRIx64 " is empty", first_pfn, end_pfn);
	if (ret == 0)
		ret = page_map_get(vm, &pm);
	if (ret < 0)
		return ret;
	it = calloc(1, sizeof(*it));
	if (!it)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	it->vm = fadump_vmcore_ref(vm);
	it->pm = pm;
	it->flags = flags;
	it->first = first_pfn;
	it->end = end_pfn;
	it->batch.data = malloc(WINDOW * (size_t)(pm->usable ? pm->desc_size : 1));
	if (flags & FADUMP_PAGE_CHECK_ZERO)
		it->page_buf = malloc((size_t)1 << pm->page_shift);
	if (!it->batch.data ||
	    ((flags & FADUMP_PAGE_CHECK_ZERO) && !it->page_buf)) {
		fadump_page_iter_free(it);
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	}
	*itp = it;
	return 0;
}

/*
 * The pfns left to classify in the current range, from it->pfn: the
 * count, 0 when every range is done.
 */
static uint64_t next_pfns(struct fadump_page_iter *it)
{
	const struct page_map *pm = it->pm;

	for (; it->range < pm->nranges; it->range++, it->range_started = false) {
		const struct pfn_range *r = &pm->ranges[it->range];
		uint64_t lo = r->start > it->first ? r->start : it->first;
		uint64_t hi = r->end < it->end ? r->end : it->end;

		if (!it->range_started) {
			it->pfn = lo;
			it->range_started = true;
			it->probe_free = true;
			it->free_end = lo;
		}
		if (it->pfn < hi)
			return hi - it->pfn;
	}
	return 0;
}

static void set_uniform(struct fadump_page_iter *it, uint64_t n, int cls)
{
	it->win_uniform = cls;
	it->win_n = n;
	it->pfn += n;
}

/*
 * Where no descriptor exists from @pfn on, without reading any: the end
 * of the absent section (or of its whole root), or of the pfns
 * MAX_PHYSMEM_BITS allows; @pfn if descriptors may exist there.
 */
static uint64_t no_descriptors_until(struct fadump_vmcore *vm,
				     struct page_map *pm, uint64_t pfn)
{
	struct section_map *s = &pm->sec;
	uint64_t nr, smm;
	struct section_root *r;

	if (pfn >= pm->max_pfn)
		return UINT64_MAX;
	if (!s->usable)
		return pfn;
	nr = pfn >> s->pfn_shift;
	if (nr >= s->nsections)
		return UINT64_MAX;
	r = root_get(vm, pm, nr / s->per_root);
	if (!r->readable)
		return pfn;
	if (r->empty)		/* a NULL root pointer, or nothing present */
		return (nr / s->per_root + 1) * s->per_root << s->pfn_shift;
	smm = r->smm[nr % s->per_root];
	if (!(smm & SECTION_MARKED_PRESENT) || !(smm & SECTION_HAS_MEM_MAP))
		return (nr + 1) << s->pfn_shift;
	return pfn;
}

static unsigned int window_tail(struct fadump_page_iter *it, uint64_t pfn,
				const struct desc *d)
{
	uint64_t head;

	/* the head in this window: its own class is known */
	if (head_of(it->vm, it->pm, pfn, d, &head) && head >= it->win_pfn &&
	    head < pfn && it->own[head - it->win_pfn] != OWN_UNREAD) {
		unsigned int c = it->own[head - it->win_pfn];
		struct desc h;

		decode(it->pm, it->batch.data + (head - it->win_pfn) *
		       it->pm->desc_size, it->vm->order, &h);
		if (!(h.flags & it->pm->head_mask) || c == CLASS_TAIL ||
		    c == FADUMP_PAGE_FREE)
			return FADUMP_PAGE_UNKNOWN;
		if (c == FADUMP_PAGE_HWPOISON) {
			unsigned int order;

			c = classify_own(it->vm, it->pm, head, &h, NULL, false,
					 &order);
		}
		return c;
	}
	return classify_tail(it->vm, it->pm, pfn, d);
}

/* Classify up to @n pfns from it->pfn, all in one section, by descriptor. */
static void classify_window(struct fadump_page_iter *it, uint64_t n)
{
	struct page_map *pm = it->pm;
	struct batch *b = &it->batch;
	uint64_t start = it->pfn;

	if (pm->sec.usable) {	/* one section: contiguous descriptors */
		uint64_t sec_end = ((start >> pm->sec.pfn_shift) + 1) <<
				   pm->sec.pfn_shift;

		if (sec_end - start < n)
			n = sec_end - start;
	}
	if (n > WINDOW)
		n = WINDOW;
	it->win_uniform = -1;
	it->win_n = n;
	it->pfn += n;
	read_batch(it->vm, pm, start, (unsigned int)n, b);
	for (unsigned int i = 0; i < n; i++) {
		struct desc d, next;
		unsigned int order = 0;
		bool have_next = i + 1 < n && b->ok[i + 1];

		it->own[i] = OWN_UNREAD;
		if (start + i < it->free_end) {
			it->cls[i] = FADUMP_PAGE_FREE;
			continue;
		}
		if (!b->ok[i]) {
			it->cls[i] = FADUMP_PAGE_UNKNOWN;
			continue;
		}
		decode(pm, b->data + i * pm->desc_size, it->vm->order, &d);
		if (have_next)
			decode(pm, b->data + (i + 1) * pm->desc_size,
			       it->vm->order, &next);
		it->own[i] = (unsigned char)classify_own(it->vm, pm, start + i, &d,
				have_next ? &next : NULL, true, &order);
		if (it->own[i] == FADUMP_PAGE_FREE)
			it->free_end = start + i + (1ULL << order);
		it->cls[i] = it->own[i] == CLASS_TAIL ?
			     (unsigned char)window_tail(it, start + i, &d) :
			     it->own[i];
	}
	if (it->flags & FADUMP_PAGE_CHECK_ZERO)
		for (unsigned int i = 0; i < n; i++)
			if (zero_check_applies(it->cls[i]) &&
			    page_is_zero(it->vm, pm, start + i, it->page_buf))
				it->cls[i] = FADUMP_PAGE_ZERO;
}

/* The next window; false at the end. */
static bool fill_window(struct fadump_page_iter *it)
{
	struct page_map *pm = it->pm;
	uint64_t n = next_pfns(it), until, pcp_end, pcp_next;

	if (!n)
		return false;
	it->win_pfn = it->pfn;
	it->win_pos = 0;
	if (!pm->usable) {
		set_uniform(it, n, FADUMP_PAGE_UNKNOWN);
		return true;
	}
	fadump_quiet_begin(it->vm->ctx);
	if (it->probe_free) {		/* a range starting inside a block */
		it->probe_free = false;
		it->free_end = enclosing_free_block(it->vm, pm, it->pfn);
	}
	until = no_descriptors_until(it->vm, pm, it->pfn);
	pcp_end = pcp_block_end(pm, it->pfn, &pcp_next);
	if (it->free_end < pcp_end)
		it->free_end = pcp_end;	/* a block on a per-CPU list */
	if (it->free_end > it->pfn)
		set_uniform(it, it->free_end - it->pfn < n ?
			    it->free_end - it->pfn : n, FADUMP_PAGE_FREE);
	else if (until > it->pfn)
		set_uniform(it, until - it->pfn < n ? until - it->pfn : n,
			    FADUMP_PAGE_UNKNOWN);
	else	/* up to the next per-CPU block, classified on its own */
		classify_window(it, pcp_next - it->pfn < n ?
				pcp_next - it->pfn : n);
	fadump_quiet_end(it->vm->ctx);
	return true;
}

FADUMP_EXPORT int fadump_page_iter_next(struct fadump_page_iter *it,
					struct fadump_page_run *run)
{
	if (!it)
		return -EINVAL;
	fadump_clear_error(it->vm->ctx);
	if (!run)
		return fadump_fail_null(it->vm->ctx, "run");
	if (run->size < FADUMP_PAGE_RUN_SIZE_V1)
		return -EINVAL;
	for (;;) {
		uint64_t pfn, n;
		unsigned int c;

		if (it->win_pos == it->win_n && !fill_window(it)) {
			fadump_clear_error(it->vm->ctx);
			if (!it->have_run)
				return 0;
			it->have_run = false;
			fadump_copy_out(run, &it->run, sizeof(it->run));
			return 1;
		}
		pfn = it->win_pfn + it->win_pos;
		c = it->win_uniform >= 0 ? (unsigned int)it->win_uniform :
		    it->cls[it->win_pos];
		/* a uniform window joins a run whole */
		n = it->win_uniform >= 0 ? it->win_n - it->win_pos : 1;
		if (it->have_run && (c != it->run.page_class ||
				     pfn != it->run.pfn + it->run.count)) {
			it->have_run = false;
			fadump_clear_error(it->vm->ctx);
			fadump_copy_out(run, &it->run, sizeof(it->run));
			return 1;
		}
		if (!it->have_run) {
			it->run = (struct fadump_page_run){
				.size = sizeof(it->run), .pfn = pfn, .count = 0,
				.page_class = c,
			};
			it->have_run = true;
		}
		it->run.count += n;
		it->win_pos += n;
	}
}

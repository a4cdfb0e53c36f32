// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Free pages on the per-CPU lists (struct per_cpu_pages, "pcp"): pages
 * the allocator took out of the buddy lists, or got back from a free,
 * and keeps per CPU and zone for the next allocation. Nothing in their
 * struct page says "free" (Linux 7.2, mm/page_alloc.c:
 * __free_pages_prepare() leaves _refcount 0, page_type UINT_MAX, private
 * 0, mapping NULL and the check-at-prep flags clear; pcp_list, which
 * shares lru's words, links them): only the lists do. A page with those
 * fields is not necessarily free (frozen allocations, see
 * docs/vmcore.md), so the lists are walked and nothing else is guessed.
 *
 * The walk needs what the kernel patch "vmcore_info: export the per-CPU
 * free lists' layout" (kernel/patches/0006) adds to VMCOREINFO:
 *
 *   nodes:  SYMBOL(node_data) + LENGTH(node_data) with
 *           SYMBOL(node_online_map) + SIZE(nodemask_t) (NUMA), or
 *           SYMBOL(contig_page_data); OFFSET(pglist_data.node_zones,
 *           nr_zones), SIZE(pglist_data), SIZE(zone) (all before 7.2)
 *   CPUs:   SYMBOL(__per_cpu_offset) + LENGTH(__per_cpu_offset),
 *           SYMBOL(__cpu_possible_mask)
 *   lists:  OFFSET(zone.per_cpu_pageset), OFFSET(per_cpu_pages.count,
 *           lists), LENGTH(per_cpu_pages.lists), OFFSET(page.pcp_list)
 *           (else page.lru), OFFSET(list_head.next, prev), SIZE(list_head)
 *   orders: NUMBER(MIGRATE_PCPTYPES), NUMBER(PAGE_ALLOC_COSTLY_ORDER),
 *           NUMBER(HPAGE_PMD_ORDER) (THP): list i holds blocks of order
 *           i / MIGRATE_PCPTYPES below MIGRATE_PCPTYPES * (COSTLY + 1),
 *           of HPAGE_PMD_ORDER above (order_to_pindex()).
 *
 * Every list is hostile input: a node must link back to the one before
 * it (list_del() and list_add() caught half-way by the crash fail this,
 * as do cycles), the pages found may not exceed the list's count nor a
 * fixed maximum, and every entry must be the head of a free block as
 * page-class.c checks it. One thing wrong drops that CPU's lists of that
 * zone: their pages stay "kernel" (kept), and one warning says how many
 * lists were dropped and why the first was.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "page-class.h"
#include "vtop.h"

#define MAX_NODES	1024		/* MAX_NUMNODES: NODES_SHIFT <= 10 */
#define MAX_ZONES	8		/* __MAX_NR_ZONES is at most 6 */
#define MAX_CPUS	8192		/* NR_CPUS of ppc64 */
#define MAX_LISTS	64		/* NR_PCP_LISTS is 14 in 7.2 */
#define MAX_BLOCK_ORDER	30		/* blocks counted in an int64_t */
#define MAX_PCP_PAGES	(1u << 22)	/* one CPU's lists of one zone */
#define MAX_WALKS	(1u << 16)	/* per_cpu_pages structs visited */
#define MAX_ENTRIES	(1u << 24)	/* list entries, all lists */

struct pcp_layout {
	bool numa;
	uint64_t nodes, node_count, online_map, online_bytes;
	uint64_t pgdat_size, off_zones, off_nr_zones, zone_size;
	uint64_t per_cpu_offset, ncpus, possible_mask;
	uint64_t off_pageset, off_count, off_lists, nlists, off_pcp_list;
	uint64_t lh_size, off_next, off_prev;
	uint64_t pcptypes, costly, pmd_order;	/* pmd_order UINT64_MAX: none */
};

/* What was found, and what the walk may still spend. */
struct pcp_walk {
	struct fadump_vmcore *vm;
	struct page_map *pm;
	const struct pcp_layout *l;
	uint64_t *cpu_offset;		/* __per_cpu_offset[] */
	unsigned char *possible;	/* __cpu_possible_mask */
	struct pfn_range *blocks;
	size_t nblocks, cap;
	size_t list_start;		/* blocks of the pcp being walked */
	uint64_t walks, entries;
	unsigned int dropped, walked;
	bool no_nodes;			/* node_online_map unreadable */
	char why[96];			/* of the entry that failed */
	char first_why[160];
};

static bool field(struct fadump_vmcore *vm, const char *kind, const char *name,
		  uint64_t max, uint64_t *out, char *missing, size_t size)
{
	size_t len = strlen(missing);

	if (vmcore_info_field(vm, kind, name, out) == 0 && *out <= max)
		return true;
	snprintf(missing + len, size - len, "%s%s(%s)", len ? ", " : "", kind,
		 name);
	return false;
}

static bool number(struct fadump_vmcore *vm, const char *name, uint64_t max,
		   uint64_t *out, char *missing, size_t size)
{
	size_t len = strlen(missing);
	int64_t v;

	if (vmcore_info_number(vm, name, &v) == 0 && v >= 0 &&
	    (uint64_t)v <= max) {
		*out = (uint64_t)v;
		return true;
	}
	snprintf(missing + len, size - len, "%sNUMBER(%s)", len ? ", " : "",
		 name);
	return false;
}

/* The layout, or false (with *missing naming what is absent or implausible). */
static bool read_layout(struct fadump_vmcore *vm, struct pcp_layout *l,
			char *m, size_t size)
{
	const uint64_t big = 1u << 20;
	int64_t pmd;
	uint64_t u;

	m[0] = '\0';
	l->numa = vmcore_info_field(vm, "SYMBOL", "node_data", &u) == 0;
	if (l->numa) {
		l->nodes = u;
		field(vm, "LENGTH", "node_data", MAX_NODES, &l->node_count, m, size);
		field(vm, "SYMBOL", "node_online_map", UINT64_MAX, &l->online_map,
		      m, size);
		field(vm, "SIZE", "nodemask_t", MAX_NODES / 8, &l->online_bytes,
		      m, size);
	} else {
		field(vm, "SYMBOL", "contig_page_data", UINT64_MAX, &l->nodes, m,
		      size);
		l->node_count = 1;
	}
	field(vm, "SIZE", "pglist_data", big, &l->pgdat_size, m, size);
	field(vm, "OFFSET", "pglist_data.node_zones", big, &l->off_zones, m, size);
	field(vm, "OFFSET", "pglist_data.nr_zones", big, &l->off_nr_zones, m, size);
	field(vm, "SIZE", "zone", big, &l->zone_size, m, size);
	field(vm, "SYMBOL", "__per_cpu_offset", UINT64_MAX, &l->per_cpu_offset,
	      m, size);
	field(vm, "LENGTH", "__per_cpu_offset", MAX_CPUS, &l->ncpus, m, size);
	field(vm, "SYMBOL", "__cpu_possible_mask", UINT64_MAX,
	      &l->possible_mask, m, size);
	field(vm, "OFFSET", "zone.per_cpu_pageset", big, &l->off_pageset, m, size);
	field(vm, "OFFSET", "per_cpu_pages.count", big, &l->off_count, m, size);
	field(vm, "OFFSET", "per_cpu_pages.lists", big, &l->off_lists, m, size);
	field(vm, "LENGTH", "per_cpu_pages.lists", MAX_LISTS, &l->nlists, m, size);
	if (vmcore_info_field(vm, "OFFSET", "page.pcp_list", &l->off_pcp_list) < 0)
		field(vm, "OFFSET", "page.lru", 1024, &l->off_pcp_list, m, size);
	field(vm, "SIZE", "list_head", 64, &l->lh_size, m, size);
	field(vm, "OFFSET", "list_head.next", 56, &l->off_next, m, size);
	field(vm, "OFFSET", "list_head.prev", 56, &l->off_prev, m, size);
	number(vm, "MIGRATE_PCPTYPES", MAX_LISTS, &l->pcptypes, m, size);
	number(vm, "PAGE_ALLOC_COSTLY_ORDER", 63, &l->costly, m, size);
	if (m[0])
		return false;
	/* HPAGE_PMD_ORDER: without THP there are no lists above the costly order */
	if (vmcore_info_number(vm, "HPAGE_PMD_ORDER", &pmd) < 0 || pmd < 0 ||
	    pmd > 63)
		pmd = -1;
	l->pmd_order = pmd < 0 ? UINT64_MAX : (uint64_t)pmd;
	if (!l->pcptypes || l->pcptypes * (l->costly + 1) > l->nlists ||
	    l->off_next + 8 > l->lh_size || l->off_prev + 8 > l->lh_size ||
	    l->off_zones + MAX_ZONES * l->zone_size < l->off_zones ||
	    l->zone_size < l->off_pageset + 8 || !l->ncpus) {
		snprintf(m, size, "plausible values (lists, list_head, zone)");
		return false;
	}
	return true;
}

static bool read_u64(struct pcp_walk *w, uint64_t vaddr, uint64_t *v)
{
	unsigned char b[8];

	if (vmcore_read_virt(w->vm, vaddr, b, sizeof(b)) < 0)
		return false;
	*v = get_u64(b, w->vm->order);
	return true;
}

static bool read_s32(struct pcp_walk *w, uint64_t vaddr, int32_t *v)
{
	unsigned char b[4];

	if (vmcore_read_virt(w->vm, vaddr, b, sizeof(b)) < 0)
		return false;
	*v = (int32_t)get_u32(b, w->vm->order);
	return true;
}

static bool bit_set(const unsigned char *map, uint64_t nr,
		    enum fadump_byte_order order)
{
	/* a bitmap of unsigned longs: bit nr is in word nr / 64 */
	return get_u64(map + nr / 64 * 8, order) >> (nr % 64) & 1;
}

static int add_block(struct pcp_walk *w, uint64_t pfn, unsigned int order)
{
	if (w->nblocks == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct pfn_range *b = realloc(w->blocks, cap * sizeof(*b));

		if (!b)
			return -ENOMEM;
		w->blocks = b;
		w->cap = cap;
	}
	w->blocks[w->nblocks++] = (struct pfn_range){ pfn, pfn + (1ULL << order) };
	return 0;
}

/* The order of list @i's blocks, or -1 if the kernel does not say. */
static int list_order(const struct pcp_layout *l, uint64_t i)
{
	if (i < l->pcptypes * (l->costly + 1))
		return (int)(i / l->pcptypes);
	return l->pmd_order == UINT64_MAX ? -1 : (int)l->pmd_order;
}

/*
 * One list from @head: its blocks appended to w->blocks, *@pages
 * counting their pages up to @count. NULL, or why the list is not
 * trusted.
 */
static const char *walk_list(struct pcp_walk *w, uint64_t head,
			     unsigned int order, int64_t count, int64_t *pages,
			     int *err)
{
	const struct pcp_layout *l = w->l;
	uint64_t prev = head, node, back;

	if (!read_u64(w, head + l->off_next, &node))
		return "its list head cannot be read";
	while (node != head) {
		uint64_t pfn;
		const char *bad;

		if (++w->entries > MAX_ENTRIES)
			return "the walk's budget of list entries is spent";
		if (*pages + (1LL << order) > count)
			return "more pages than its count (a cycle or a count lie)";
		if (!read_u64(w, node + l->off_prev, &back) || back != prev)
			return "an entry does not link back (a cycle, or a list "
			       "changed by the crash)";
		if (!page_map_pcp_head(w->vm, w->pm, node - l->off_pcp_list, order,
				       &pfn, &bad)) {
			snprintf(w->why, sizeof(w->why), "entry %#" PRIx64 ": %s",
				 node, bad);
			return w->why;
		}
		*err = add_block(w, pfn, order);
		if (*err < 0)
			return "out of memory";
		*pages += 1LL << order;
		prev = node;
		if (!read_u64(w, node + l->off_next, &node))
			return "an entry's next pointer cannot be read";
	}
	if (!read_u64(w, head + l->off_prev, &back) || back != prev)
		return "the list head does not link back to its last entry";
	return NULL;
}

/* All lists of one CPU's pageset of one zone; -ENOMEM or 0. */
static int walk_pcp(struct pcp_walk *w, uint64_t pcp, uint64_t node,
		    uint64_t zone, uint64_t cpu)
{
	const struct pcp_layout *l = w->l;
	const char *why = NULL;
	int64_t pages = 0;
	int32_t count;
	int err = 0;

	w->list_start = w->nblocks;
	w->walked++;
	if (!read_s32(w, pcp + l->off_count, &count))
		why = "its count cannot be read";
	else if (count < 0 || (uint64_t)count > MAX_PCP_PAGES ||
		 (uint64_t)count > page_map_pages(w->pm))
		why = "an implausible count";
	for (uint64_t i = 0; !why && i < l->nlists; i++) {
		int order = list_order(l, i);

		/* no order known, or none a free list has: its pages stay kernel */
		if (order < 0 || order > MAX_BLOCK_ORDER ||
		    !page_map_order_ok(w->pm, (unsigned int)order))
			continue;
		why = walk_list(w, pcp + l->off_lists + i * l->lh_size,
				(unsigned int)order, count, &pages, &err);
	}
	if (err < 0)
		return err;
	if (why) {
		w->nblocks = w->list_start;	/* none of its pages */
		if (!w->dropped++)
			snprintf(w->first_why, sizeof(w->first_why), "node %"
				 PRIu64 " zone %" PRIu64 " cpu %" PRIu64 ": %s",
				 node, zone, cpu, why);
	}
	return 0;
}

static int walk_zone(struct pcp_walk *w, uint64_t zone_va, uint64_t node,
		     uint64_t zone)
{
	const struct pcp_layout *l = w->l;
	uint64_t pageset;

	if (!read_u64(w, zone_va + l->off_pageset, &pageset) || !pageset)
		return 0;	/* a zone without pagesets: nothing on them */
	for (uint64_t cpu = 0; cpu < l->ncpus; cpu++) {
		int ret;

		if (!bit_set(w->possible, cpu, w->vm->order))
			continue;
		if (++w->walks > MAX_WALKS)
			return 0;
		ret = walk_pcp(w, pageset + w->cpu_offset[cpu], node, zone, cpu);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int walk_node(struct pcp_walk *w, uint64_t pgdat, uint64_t node)
{
	const struct pcp_layout *l = w->l;
	int32_t nr_zones;

	if (!read_s32(w, pgdat + l->off_nr_zones, &nr_zones) || nr_zones < 0 ||
	    nr_zones > MAX_ZONES ||
	    l->off_zones + (uint64_t)nr_zones * l->zone_size > l->pgdat_size) {
		if (!w->dropped++)
			snprintf(w->first_why, sizeof(w->first_why), "node %"
				 PRIu64 ": no plausible nr_zones", node);
		return 0;
	}
	for (int32_t z = 0; z < nr_zones; z++) {
		int ret = walk_zone(w, pgdat + l->off_zones + (uint64_t)z *
				    l->zone_size, node, (uint64_t)z);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* __per_cpu_offset[] and the possible mask; false if unreadable. */
static bool read_cpus(struct pcp_walk *w)
{
	const struct pcp_layout *l = w->l;
	size_t mask_bytes = (size_t)((l->ncpus + 63) / 64 * 8);
	unsigned char *raw = malloc((size_t)l->ncpus * 8);

	w->cpu_offset = calloc((size_t)l->ncpus, sizeof(uint64_t));
	w->possible = malloc(mask_bytes);
	if (!raw || !w->cpu_offset || !w->possible ||
	    vmcore_read_virt(w->vm, l->per_cpu_offset, raw,
			     (size_t)l->ncpus * 8) < 0 ||
	    vmcore_read_virt(w->vm, l->possible_mask, w->possible,
			     mask_bytes) < 0) {
		free(raw);
		return false;
	}
	for (uint64_t i = 0; i < l->ncpus; i++)
		w->cpu_offset[i] = get_u64(raw + i * 8, w->vm->order);
	free(raw);
	return true;
}

static int walk_nodes(struct pcp_walk *w)
{
	const struct pcp_layout *l = w->l;
	unsigned char online[MAX_NODES / 8];

	if (!l->numa)
		return walk_node(w, l->nodes, 0);
	/* nodemask_t is a bitmap of unsigned longs too */
	memset(online, 0, sizeof(online));
	if (l->online_bytes % 8 ||
	    vmcore_read_virt(w->vm, l->online_map, online,
			     (size_t)l->online_bytes) < 0) {
		w->no_nodes = true;
		return 0;
	}
	for (uint64_t n = 0; n < l->node_count && n / 8 < l->online_bytes; n++) {
		uint64_t pgdat;
		int ret;

		if (!bit_set(online, n, w->vm->order))
			continue;
		if (!read_u64(w, l->nodes + n * 8, &pgdat) || !pgdat)
			continue;
		ret = walk_node(w, pgdat, n);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int cmp_block(const void *a, const void *b)
{
	const struct pfn_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int pcp_free_ranges(struct fadump_vmcore *vm, struct page_map *pm,
		    struct pfn_range **ranges, size_t *n)
{
	struct pcp_layout l;
	struct pcp_walk w = { .vm = vm, .pm = pm, .l = &l };
	char missing[FADUMP_ERRMSG_MAX];
	size_t kept = 0;
	int ret = 0;

	*ranges = NULL;
	*n = 0;
	if (!read_layout(vm, &l, missing, sizeof(missing))) {
		/* a kernel without the patch: not an error, nothing lost */
		info(vm->ctx, "%s: page classes: VMCOREINFO lacks %s: free pages "
		     "on the per-CPU lists count as kernel", vm->path, missing);
		return 0;
	}
	if (!read_cpus(&w)) {
		warning(vm->ctx, "%s: page classes: __per_cpu_offset or "
			"__cpu_possible_mask cannot be read: free pages on the "
			"per-CPU lists count as kernel", vm->path);
	} else {
		ret = walk_nodes(&w);
		if (w.no_nodes)
			warning(vm->ctx, "%s: page classes: node_online_map "
				"cannot be read: free pages on the per-CPU lists "
				"count as kernel", vm->path);
	}
	if (ret == 0 && w.dropped)
		warning(vm->ctx, "%s: page classes: %u of the per-CPU free lists "
			"were not trusted (%s): their pages count as kernel",
			vm->path, w.dropped, w.first_why);
	if (ret == 0 && w.walks > MAX_WALKS)
		warning(vm->ctx, "%s: page classes: more than %u per-CPU page "
			"sets: the rest count as kernel", vm->path, MAX_WALKS);
	free(w.cpu_offset);
	free(w.possible);
	if (ret < 0) {
		free(w.blocks);
		return fadump_fail(vm->ctx, ret, "out of memory");
	}
	if (w.nblocks)		/* qsort() wants an array, even of none */
		qsort(w.blocks, w.nblocks, sizeof(*w.blocks), cmp_block);
	for (size_t i = 0; i < w.nblocks; i++) {
		if (kept && w.blocks[i].start <= w.blocks[kept - 1].end) {
			if (w.blocks[i].end > w.blocks[kept - 1].end)
				w.blocks[kept - 1].end = w.blocks[i].end;
			continue;
		}
		w.blocks[kept++] = w.blocks[i];
	}
	dbg(vm->ctx, "%s: page classes: %u per-CPU page sets, %zu free ranges "
	    "on their lists", vm->path, w.walked, kept);
	*ranges = w.blocks;
	*n = kept;
	return 0;
}

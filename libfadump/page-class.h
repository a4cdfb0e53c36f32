/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What each page of the crashed machine held, from its struct page
 * (page-class.c), and the free pages on the per-CPU lists (page-pcp.c).
 */
#ifndef FADUMP_PAGE_CLASS_H
#define FADUMP_PAGE_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmcore.h"

/* The descriptor layout and section map of one vmcore (vm->page_map). */
struct page_map;

struct pfn_range {
	uint64_t start, end;		/* [start, end) */
};

void page_map_free(struct page_map *pm);

struct fadump_vmcore;

/*
 * Why the classes of @vm's pages could not all be known, the first
 * reason a warning was logged for (what VMCOREINFO lacks); "" if none
 * was. Single descriptors that are unreadable or implausible give no
 * reason here: the caller that meets such a page says so.
 */
const char *page_class_unknown_reason(const struct fadump_vmcore *vm);

/* page-class.c, for the walk: pages in the dump; an order below the free lists'. */
uint64_t page_map_pages(const struct page_map *pm);
bool page_map_order_ok(const struct page_map *pm, unsigned int order);

/*
 * Whether the struct page at kernel address @page is the head of a free
 * block of 2^@order pages as the per-CPU lists hold them (in the dump,
 * aligned, unreferenced, no page type, no mapping, no private, the flags
 * a free clears all clear). *@pfn receives its pfn, or *@why says what
 * is wrong.
 */
bool page_map_pcp_head(struct fadump_vmcore *vm, struct page_map *pm,
		       uint64_t page, unsigned int order, uint64_t *pfn,
		       const char **why);

/*
 * page-pcp.c: the free blocks on the per-CPU lists, sorted and merged
 * (malloc()ed, *@n of them; none where VMCOREINFO does not say where the
 * lists are, or where a list is not trusted: warned). 0 or -ENOMEM.
 */
int pcp_free_ranges(struct fadump_vmcore *vm, struct page_map *pm,
		    struct pfn_range **ranges, size_t *n);

#endif /* FADUMP_PAGE_CLASS_H */

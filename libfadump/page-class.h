/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What each page of the crashed machine held, from its struct page
 * (page-class.c).
 */
#ifndef FADUMP_PAGE_CLASS_H
#define FADUMP_PAGE_CLASS_H

/* The descriptor layout and section map of one vmcore (vm->page_map). */
struct page_map;

void page_map_free(struct page_map *pm);

#endif /* FADUMP_PAGE_CLASS_H */

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

struct fadump_vmcore;

/*
 * Why the classes of @vm's pages could not all be known, the first
 * reason a warning was logged for (what VMCOREINFO lacks); "" if none
 * was. Single descriptors that are unreadable or implausible give no
 * reason here: the caller that meets such a page says so.
 */
const char *page_class_unknown_reason(const struct fadump_vmcore *vm);

#endif /* FADUMP_PAGE_CLASS_H */

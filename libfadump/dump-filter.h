/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which pages a filtered save keeps (dump-filter.c): makedumpfile's two
 * bitmaps, built from the page classes at a dump level.
 */
#ifndef FADUMP_DUMP_FILTER_H
#define FADUMP_DUMP_FILTER_H

#include "vmcore.h"

struct dump_filter {
	unsigned int level;		/* enum fadump_dump_level bits */
	unsigned int page_shift;	/* the crashed kernel's PAGESIZE */
	uint64_t max_mapnr;		/* pfns below this are in the bitmaps */
	/*
	 * Bit N (byte N / 8, least significant bit first, as the kdump
	 * format stores them) for pfn N: 1st = the machine had the page
	 * (it is in the source dump), 2nd = the saved file holds it.
	 */
	unsigned char *present;
	unsigned char *kept;
	uint64_t pages_total, pages_kept;
	uint64_t class_kept[FADUMP_SAVE_CLASS_SLOTS];
	uint64_t class_excluded[FADUMP_SAVE_CLASS_SLOTS];
	char unknown_reason[160];
};

/*
 * Classify every page of @vm and fill @f for @level. Returns 0 or a
 * negative errno (recorded): no PAGESIZE, more pages than a bitmap may
 * hold, -ENOMEM.
 */
int dump_filter_scan(struct dump_filter *f, struct fadump_vmcore *vm,
		     unsigned int level);

/* Page @pfn of class @cls turned out all zero: left out (level bit 1). */
void dump_filter_drop_zero(struct dump_filter *f, uint64_t pfn,
			   unsigned int cls);

void dump_filter_free(struct dump_filter *f);

static inline bool bitmap_test(const unsigned char *map, uint64_t pfn)
{
	return map[pfn >> 3] & (1u << (pfn & 7));
}

/*
 * The first pfn at or after @pfn set in @map, @end if none below it:
 * whole zero bytes are skipped, so sparse bitmaps are walked fast.
 */
uint64_t bitmap_next(const unsigned char *map, uint64_t pfn, uint64_t end);
/* The same for the first clear bit (whole 0xff bytes skipped). */
uint64_t bitmap_next_clear(const unsigned char *map, uint64_t pfn,
			   uint64_t end);

#endif /* FADUMP_DUMP_FILTER_H */

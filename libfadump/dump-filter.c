// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The pages a filtered save keeps, by makedumpfile's dump level.
 *
 * One walk of the page-class iterator (page-class.c) over the dump sets
 * two bitmaps of one bit per page frame, the ones a kdump-compressed
 * file stores: the 1st for every page of the source, the 2nd for those
 * the file holds. Nothing else is kept per page, so the memory is two
 * bits a page (an 8 TiB machine of 64 KiB pages: 32 MiB).
 *
 * The levels are makedumpfile's -d bits:
 *   2  page cache without private data     FADUMP_PAGE_CACHE
 *   4  page cache with private data        FADUMP_PAGE_CACHE_PRIVATE
 *   8  process memory, hugetlbfs           FADUMP_PAGE_ANON, _HUGETLB
 *   16 free pages                          FADUMP_PAGE_FREE
 * Offline and poisoned pages go at every level above 0 (stale, or a
 * machine check on reading them); unknown pages always stay. Bit 1, all
 * zero pages, is only known from the contents: the writer finds them
 * while compressing and calls dump_filter_drop_zero().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "dump-filter.h"
#include "page-class.h"

/* As in the kdump reader: 2^34 pfns, bitmaps of 2 GiB each at most. */
#define FILTER_MAX_PFNS		(1ull << 34)

static bool excluded(unsigned int level, unsigned int cls)
{
	if (!level)
		return false;
	switch (cls) {
	case FADUMP_PAGE_FREE:
		return level & FADUMP_DUMP_FREE;
	case FADUMP_PAGE_CACHE:
		return level & FADUMP_DUMP_CACHE;
	case FADUMP_PAGE_CACHE_PRIVATE:
		return level & FADUMP_DUMP_CACHE_PRIVATE;
	case FADUMP_PAGE_ANON:
	case FADUMP_PAGE_HUGETLB:
		return level & FADUMP_DUMP_USER;
	case FADUMP_PAGE_OFFLINE:
	case FADUMP_PAGE_HWPOISON:
		return true;
	}
	return false;	/* unknown, slab, kernel */
}

static void set_bits(unsigned char *map, uint64_t pfn, uint64_t n)
{
	for (; n && (pfn & 7); pfn++, n--)
		map[pfn >> 3] |= (unsigned char)(1u << (pfn & 7));
	for (; n >= 8; pfn += 8, n -= 8)
		map[pfn >> 3] = 0xff;
	for (; n; pfn++, n--)
		map[pfn >> 3] |= (unsigned char)(1u << (pfn & 7));
}

uint64_t bitmap_next(const unsigned char *map, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		if (!(pfn & 7) && !map[pfn >> 3]) {
			pfn += 8;
			continue;
		}
		if (bitmap_test(map, pfn))
			return pfn;
		pfn++;
	}
	return end;
}

uint64_t bitmap_next_clear(const unsigned char *map, uint64_t pfn,
			   uint64_t end)
{
	while (pfn < end) {
		if (!(pfn & 7) && map[pfn >> 3] == 0xff) {
			pfn += 8;
			continue;
		}
		if (!bitmap_test(map, pfn))
			return pfn;
		pfn++;
	}
	return end;
}

/* The end of the last range: the bitmaps' size in bits. */
static int find_max_mapnr(struct dump_filter *f, struct fadump_vmcore *vm)
{
	uint64_t page = 1ull << f->page_shift, end = 0;

	for (unsigned int i = 0; i < vm->nby_paddr; i++) {
		const struct vmcore_segment *seg = vm->by_paddr[i];
		uint64_t last;

		if (!seg->filesz || !vmcore_last_addr(seg->paddr, seg->filesz,
						      &last))
			continue;
		if (last / page + 1 > end)
			end = last / page + 1;
	}
	if (end > FILTER_MAX_PFNS)
		return fadump_fail(vm->ctx, -E2BIG, "%s: memory up to pfn %#"
				   PRIx64 ", more than the %#llx pages a filtered "
				   "save handles", vm->path, end, FILTER_MAX_PFNS);
	f->max_mapnr = end;
	return 0;
}

int dump_filter_scan(struct dump_filter *f, struct fadump_vmcore *vm,
		     unsigned int level)
{
	struct fadump_page_run run = { .size = sizeof(run) };
	struct fadump_page_iter *it = NULL;
	uint64_t page, bytes;
	int ret;

	*f = (struct dump_filter){ .level = level };
	ret = vmcore_info_u64(vm, "PAGESIZE", 10, &page);
	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -ENOENT, "%s: VMCOREINFO has no "
				   "PAGESIZE: a filtered save needs the dump's "
				   "pages", vm->path);
	if (ret < 0)
		return ret;
	if (page < 4096 || page > (1u << 24) || (page & (page - 1)))
		return fadump_fail(vm->ctx, -EBADMSG, "%s: VMCOREINFO PAGESIZE %"
				   PRIu64 " is not a page size", vm->path, page);
	f->page_shift = (unsigned int)__builtin_ctzll(page);
	ret = find_max_mapnr(f, vm);
	if (ret < 0)
		return ret;
	bytes = (f->max_mapnr + 7) / 8;
	f->present = calloc(1, bytes ? bytes : 1);
	f->kept = calloc(1, bytes ? bytes : 1);
	if (!f->present || !f->kept) {
		dump_filter_free(f);
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory for two "
				   "bitmaps of %" PRIu64 " bytes", bytes);
	}

	ret = fadump_page_iter_new(vm, 0, f->max_mapnr, 0, &it);
	while (ret == 0 && (ret = fadump_page_iter_next(it, &run)) == 1) {
		unsigned int cls = run.page_class < FADUMP_SAVE_CLASS_SLOTS ?
				   run.page_class : FADUMP_PAGE_UNKNOWN;

		ret = 0;
		set_bits(f->present, run.pfn, run.count);
		f->pages_total += run.count;
		if (excluded(level, cls)) {
			f->class_excluded[cls] += run.count;
			continue;
		}
		set_bits(f->kept, run.pfn, run.count);
		f->pages_kept += run.count;
		f->class_kept[cls] += run.count;
	}
	fadump_page_iter_free(it);
	if (ret < 0) {
		dump_filter_free(f);
		return ret;
	}
	if (f->class_kept[FADUMP_PAGE_UNKNOWN]) {
		const char *why = page_class_unknown_reason(vm);

		snprintf(f->unknown_reason, sizeof(f->unknown_reason), "%s",
			 *why ? why : "page descriptors unreadable or "
			 "implausible (kept)");
	}
	return 0;
}

void dump_filter_drop_zero(struct dump_filter *f, uint64_t pfn,
			   unsigned int cls)
{
	f->kept[pfn >> 3] &= (unsigned char)~(1u << (pfn & 7));
	f->pages_kept--;
	if (cls < FADUMP_SAVE_CLASS_SLOTS && f->class_kept[cls])
		f->class_kept[cls]--;
	f->class_excluded[FADUMP_PAGE_ZERO]++;
}

void dump_filter_free(struct dump_filter *f)
{
	free(f->present);
	free(f->kept);
	f->present = f->kept = NULL;
}

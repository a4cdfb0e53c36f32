// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writing makedumpfile's kdump-compressed format, header version 6 (the
 * layout is described in vmcore-kdump.c, the reader; the field offsets
 * are in kdump-format.h). Everything is in the crashed machine's byte
 * order, so a big-endian dump gives a big-endian file, as makedumpfile
 * writes it on that machine.
 *
 * The pages kept are known from the scan, but not which of them are all
 * zero: that is found while compressing. So the descriptor table is
 * sized for every page the scan kept, and descriptors are written in pfn
 * order from its start; zero pages left out (level bit 1) are cleared
 * from the 2nd bitmap and take no descriptor, which leaves an unused
 * hole at the table's end, before the data. Readers take each page's
 * offset from its descriptor, never from the table's size. Zero pages
 * that are kept (a level without bit 1) share one block of zeros at the
 * start of the data, as makedumpfile writes them.
 *
 * The headers, marked DUMP_DH_COMPRESSED_INCOMPLETE as makedumpfile
 * marks a dump it could not finish, and the 1st bitmap are written
 * first, the file extended over an empty 2nd bitmap: a dump of no pages
 * (the saver makes it durable before it gives back the memory the dump
 * leaves out); the 2nd bitmap is written up to each checkpoint, where the
 * saver makes the file durable before giving memory back, and whole at
 * the end with the final header. So a .partial file kept after a failed
 * range-wise save is a dump of exactly the pages it holds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "kdump-format.h"
#include "save-filtered.h"

/* Descriptors and data are written in pieces of about this size. */
#define KW_DESC_BUF	4096		/* descriptors */
#define KW_DATA_BUF	(1u << 20)	/* bytes */

struct kdump_writer {
	uint64_t bs;			/* block size: the page size */
	uint32_t sub_blocks, bitmap_blocks;
	uint64_t bitmap_off, desc_off, data_off;
	uint64_t zero_off;		/* the shared zero block, 0 if none */
	uint64_t ndesc;			/* descriptors written */
	unsigned char *desc;		/* KW_DESC_BUF of them */
	unsigned int desc_n;
	unsigned char *data;		/* data not yet written */
	size_t data_n;
	uint64_t data_pos;		/* file offset of data[0] */
	unsigned char *notes;		/* the sub-header's note section */
	size_t notes_len, info_off, info_len;
	uint64_t bitmap2_done;		/* bytes of the 2nd bitmap on disk */
};

static int kw_write(struct filtered_save *fs, const void *p, size_t len,
		    uint64_t off)
{
	return fs->sink->write(fs->sink->s, p, len, off);
}

static int flush_desc(struct filtered_save *fs, struct kdump_writer *kw)
{
	uint64_t first = kw->ndesc - kw->desc_n;
	int ret;

	if (!kw->desc_n)
		return 0;
	ret = kw_write(fs, kw->desc, kw->desc_n * (size_t)PD_LEN,
		       kw->desc_off + first * PD_LEN);
	kw->desc_n = 0;
	return ret;
}

static int flush_data(struct filtered_save *fs, struct kdump_writer *kw)
{
	int ret;

	if (!kw->data_n)
		return 0;
	ret = kw_write(fs, kw->data, kw->data_n, kw->data_pos);
	kw->data_pos += kw->data_n;
	kw->data_n = 0;
	return ret;
}

/* Where everything goes: the notes decide where the bitmaps start. */
static int lay_out(struct filtered_save *fs, struct kdump_writer *kw)
{
	uint64_t sub = (KH_SIZE + kw->notes_len + kw->bs - 1) / kw->bs;

	if (sub > INT32_MAX)
		return fadump_fail(fs->vm->ctx, -E2BIG, "notes of %zu bytes "
				   "do not fit a kdump sub-header", kw->notes_len);
	kw->sub_blocks = (uint32_t)sub;
	kw->bitmap_off = (1 + sub) * kw->bs;
	kw->desc_off = kw->bitmap_off + kw->bitmap_blocks * kw->bs;
	kw->data_off = kw->desc_off + fs->filter->pages_kept * PD_LEN;
	kw->data_pos = kw->data_off;
	if (!(fs->filter->level & FADUMP_DUMP_ZERO)) {
		kw->zero_off = kw->data_off;
		memset(kw->data, 0, kw->bs);
		kw->data_n = kw->bs;
	}
	return 0;
}

static int write_headers(struct filtered_save *fs, struct kdump_writer *kw,
			 bool incomplete);

static int kdump_begin(struct filtered_save *fs)
{
	const struct dump_filter *f = fs->filter;
	struct kdump_writer *kw = calloc(1, sizeof(*kw));
	uint64_t half;
	int ret;

	if (!kw)
		return fadump_fail(fs->vm->ctx, -ENOMEM, "out of memory");
	fs->format_data = kw;
	kw->bs = fs->page;
	kw->desc = malloc(KW_DESC_BUF * PD_LEN);
	kw->data = malloc(KW_DATA_BUF + fs->page);
	if (!kw->desc || !kw->data)
		return fadump_fail(fs->vm->ctx, -ENOMEM, "out of memory");
	half = ((f->max_mapnr + 7) / 8 + kw->bs - 1) / kw->bs;
	if (half > UINT32_MAX / 2)
		return fadump_fail(fs->vm->ctx, -E2BIG, "bitmaps of %" PRIu64
				   " blocks do not fit a kdump header", 2 * half);
	kw->bitmap_blocks = (uint32_t)(2 * half);
	ret = filtered_notes(fs->vm, &kw->notes, &kw->notes_len, &kw->info_off,
			     &kw->info_len);
	if (ret == 0)
		ret = lay_out(fs, kw);
	if (ret == 0)
		ret = write_headers(fs, kw, true);
	if (ret == 0 && f->max_mapnr)
		ret = kw_write(fs, f->present, (size_t)((f->max_mapnr + 7) / 8),
			       kw->bitmap_off);
	/*
	 * Extended past the 2nd bitmap, a hole of zeros (no page yet), the
	 * file is a dump readers open, of the pages the checkpoints add.
	 */
	fs->laid_out_size = kw->bitmap_off + 2 * half * kw->bs;
	return ret;
}

static int kdump_checkpoint(struct filtered_save *fs, uint64_t pfn)
{
	struct kdump_writer *kw = fs->format_data;
	const unsigned char *kept = fs->filter->kept;
	uint64_t half = kw->bitmap_blocks / 2 * kw->bs;
	uint64_t full = pfn / 8;
	int ret;

	ret = flush_data(fs, kw);
	if (ret == 0)
		ret = flush_desc(fs, kw);
	if (ret == 0 && full > kw->bitmap2_done)
		ret = kw_write(fs, kept + kw->bitmap2_done,
			       (size_t)(full - kw->bitmap2_done),
			       kw->bitmap_off + half + kw->bitmap2_done);
	if (ret == 0 && pfn % 8) {
		/* the pages of the byte after @pfn come later: not yet */
		unsigned char last = kept[full] & ((1u << (pfn % 8)) - 1);

		ret = kw_write(fs, &last, 1, kw->bitmap_off + half + full);
	}
	if (ret == 0)
		kw->bitmap2_done = full;
	return ret;
}

static int kdump_page(struct filtered_save *fs, uint64_t pfn, const void *data,
		      uint32_t len, uint32_t flags)
{
	struct kdump_writer *kw = fs->format_data;
	enum fadump_byte_order order = fs->vm->order;
	unsigned char *d;
	uint64_t off;
	int ret;

	(void)pfn;
	if (!data && !len)
		return 0;	/* a zero page left out: no descriptor */
	if (kw->ndesc >= fs->filter->pages_kept)
		return fadump_fail(fs->vm->ctx, -EOVERFLOW, "more pages than the "
				   "%" PRIu64 " the descriptor table holds",
				   fs->filter->pages_kept);
	if (data) {
		if (kw->data_n + len > KW_DATA_BUF) {
			ret = flush_data(fs, kw);
			if (ret < 0)
				return ret;
		}
		off = kw->data_pos + kw->data_n;
		memcpy(kw->data + kw->data_n, data, len);
		kw->data_n += len;
	} else {
		off = kw->zero_off;
		len = (uint32_t)kw->bs;
		flags = 0;
	}
	d = kw->desc + kw->desc_n * PD_LEN;
	put_u64(d + PD_OFFSET, off, order);
	put_u32(d + PD_SIZE, len, order);
	put_u32(d + PD_FLAGS, flags, order);
	put_u64(d + PD_PAGE_FLAGS, 0, order);
	kw->desc_n++;
	kw->ndesc++;
	if (kw->desc_n == KW_DESC_BUF)
		return flush_desc(fs, kw);
	return 0;
}

static uint32_t status_of(unsigned int compression)
{
	/* disk_dump_header.status: the compression, as page_desc.flags */
	return compress_desc_flag(compression);
}

/* "ppc64le" for a little-endian ppc64: what uname -m said there. */
static const char *uname_machine(const struct fadump_vmcore *vm)
{
	const char *name = fadump_machine_name(vm->machine);

	if (vm->machine == EM_PPC64 && vm->order == FADUMP_BYTE_ORDER_LITTLE)
		return "ppc64le";
	return name ? name : "";
}

static int write_headers(struct filtered_save *fs, struct kdump_writer *kw,
			 bool incomplete)
{
	struct fadump_vmcore *vm = fs->vm;
	enum fadump_byte_order order = vm->order;
	const struct dump_filter *f = fs->filter;
	size_t len = (size_t)((1 + kw->sub_blocks) * kw->bs);
	unsigned char *h = calloc(1, len), *kh;
	uint64_t phys_base = 0, crashtime = 0;
	const char *release = NULL;
	int64_t number;
	int ret;

	if (!h)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	fadump_quiet_begin(vm->ctx);
	if (vmcore_info_number(vm, "phys_base", &number) == 0)
		phys_base = (uint64_t)number;
	vmcore_info_u64(vm, "CRASHTIME", 10, &crashtime);
	vmcore_info_find(vm, "OSRELEASE", &release);
	fadump_quiet_end(vm->ctx);

	memcpy(h, KDUMP_SIGNATURE, SIG_LEN);
	put_u32(h + DH_HEADER_VERSION, KDUMP_WRITE_VERSION, order);
	/* struct new_utsname: sysname, nodename, release, version, machine */
	memcpy(h + DH_UTSNAME, "Linux", 5);
	if (release)
		snprintf((char *)h + DH_UTSNAME + 2 * UTS_FIELD, UTS_FIELD, "%s",
			 release);
	snprintf((char *)h + DH_UTSNAME + UTS_MACHINE, UTS_FIELD, "%s",
		 uname_machine(vm));
	put_u64(h + DH_STATUS - 16, crashtime, order);	/* timestamp.tv_sec */
	put_u32(h + DH_STATUS, status_of(fs->compression) |
		(incomplete ? DUMP_DH_COMPRESSED_INCOMPLETE : 0), order);
	put_u32(h + DH_BLOCK_SIZE, (uint32_t)kw->bs, order);
	put_u32(h + DH_SUB_HDR_SIZE, kw->sub_blocks, order);
	put_u32(h + DH_BITMAP_BLOCKS, kw->bitmap_blocks, order);
	put_u32(h + DH_MAX_MAPNR, f->max_mapnr < UINT32_MAX ?
		(uint32_t)f->max_mapnr : UINT32_MAX, order);
	put_u32(h + DH_TOTAL_RAM_BLOCKS, 0, order);
	put_u32(h + DH_NR_CPUS, vm->ncpus, order);

	kh = h + kw->bs;
	put_u64(kh + KH_PHYS_BASE, phys_base, order);
	put_u32(kh + KH_DUMP_LEVEL, f->level, order);
	if (kw->info_len) {
		put_u64(kh + KH_OFFSET_VMCOREINFO, kw->bs + KH_SIZE +
			kw->info_off, order);
		put_u64(kh + KH_SIZE_VMCOREINFO, kw->info_len, order);
	}
	if (kw->notes_len) {
		put_u64(kh + KH_OFFSET_NOTE, kw->bs + KH_SIZE, order);
		put_u64(kh + KH_SIZE_NOTE, kw->notes_len, order);
		memcpy(kh + KH_SIZE, kw->notes, kw->notes_len);
	}
	put_u64(kh + KH_MAX_MAPNR_64, f->max_mapnr, order);
	ret = kw_write(fs, h, len, 0);
	free(h);
	return ret;
}

static int kdump_end(struct filtered_save *fs)
{
	struct kdump_writer *kw = fs->format_data;
	const struct dump_filter *f = fs->filter;
	uint64_t half = kw->bitmap_blocks / 2 * kw->bs;
	size_t bytes = (size_t)((f->max_mapnr + 7) / 8);
	int ret;

	ret = flush_data(fs, kw);
	if (ret == 0)
		ret = flush_desc(fs, kw);
	if (ret == 0 && bytes)
		ret = kw_write(fs, f->kept, bytes, kw->bitmap_off + half);
	if (ret == 0)
		ret = write_headers(fs, kw, false);
	if (ret < 0)
		return ret;
	fs->file_size = kw->data_pos;
	return 0;
}

static void kdump_free(struct filtered_save *fs)
{
	struct kdump_writer *kw = fs->format_data;

	if (kw) {
		free(kw->desc);
		free(kw->data);
		free(kw->notes);
		free(kw);
	}
	fs->format_data = NULL;
}

const struct filtered_format filtered_format_kdump = {
	.begin = kdump_begin,
	.page = kdump_page,
	.checkpoint = kdump_checkpoint,
	.end = kdump_end,
	.free = kdump_free,
};

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkkdump: write synthetic kdump-compressed files the way makedumpfile
 * does (makedumpfile.c: write_kdump_header(),
 * write_kdump_pages_and_bitmap_cyclic(), write_kdump_pages_cyclic();
 * layouts from diskdump_mod.h), for tests, the fuzz seeds and the
 * libkdumpfile cross-check:
 *
 *   block 0         struct disk_dump_header (64-bit layout, the crashed
 *                   machine's byte order)
 *   block 1 ...     struct kdump_sub_header as long as @header_version
 *                   has it, then (version 4 on) the ELF notes, the
 *                   VMCOREINFO text the sub-header points at being the
 *                   VMCOREINFO note's descriptor; version 3 has the text
 *                   alone there
 *   bitmaps         1st (pages the machine had), 2nd (pages written),
 *                   each divideup(divideup(max_mapnr, 8), block) blocks
 *   descriptors     24 bytes per written page, pfn order
 *   page data       with dump level bit 0 (zero pages), one zero page
 *                   first that every zero page's descriptor shares;
 *                   then each page compressed if that makes it smaller,
 *                   else as is
 *
 * It shares no code with the library: the offsets are written out here
 * from makedumpfile's structures.
 */
#ifndef MKKDUMP_H
#define MKKDUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "mkvmcore.h"

#define MKKDUMP_MAX_RANGES 8

/* How pages are compressed; MKK_MIXED cycles through all four by pfn. */
enum mkk_compression {
	MKK_PLAIN,
	MKK_ZLIB,
	MKK_LZO,
	MKK_SNAPPY,
	MKK_ZSTD,
	MKK_MIXED,
};

/* page_desc.flags and disk_dump_header.status values (diskdump_mod.h) */
#define MKK_DH_ZLIB		0x1
#define MKK_DH_LZO		0x2
#define MKK_DH_SNAPPY		0x4
#define MKK_DH_INCOMPLETE	0x8
#define MKK_DH_ZSTD		0x20

/* Offsets of the 64-bit disk_dump_header and kdump_sub_header fields. */
#define MKK_DH_VERSION		8
#define MKK_DH_MACHINE		(12 + 4 * 65)
#define MKK_DH_STATUS		424
#define MKK_DH_BLOCK_SIZE	428
#define MKK_DH_SUB_HDR_SIZE	432
#define MKK_DH_BITMAP_BLOCKS	436
#define MKK_DH_MAX_MAPNR	440
#define MKK_KH_DUMP_LEVEL	8
#define MKK_KH_SPLIT		12
#define MKK_KH_OFFSET_VMCOREINFO 32
#define MKK_KH_SIZE_VMCOREINFO	40
#define MKK_KH_OFFSET_NOTE	48
#define MKK_KH_SIZE_NOTE	56
#define MKK_KH_MAX_MAPNR_64	96
#define MKK_PD_SIZE		24

struct mkkdump_range {
	uint64_t start_pfn;
	uint64_t npages;
};

struct mkkdump_spec {
	bool big_endian;
	unsigned int header_version;	/* 1 .. 6 */
	uint32_t page_size;		/* block_size */
	uint64_t max_mapnr;
	enum mkk_compression compression;
	int dump_level;			/* bit 0: zero pages share one block */
	const char *machine;		/* utsname.machine */
	unsigned int nranges;		/* memory the machine had */
	struct mkkdump_range ranges[MKKDUMP_MAX_RANGES];
	/* pfns with pfn % exclude_every == 1 are left out (0: none) */
	unsigned int exclude_every;
	/* pfns with pfn % zero_every == 0 are all zeros (0: none) */
	unsigned int zero_every;
	uint64_t seed;
	const char *vmcoreinfo;		/* NULL: none (version 3 on) */
	unsigned int cpus;		/* NT_PRSTATUS notes (version 4 on) */
	bool split;			/* sub-header split flag */
	/*
	 * As makedumpfile after ENOSPC: the last @unwritten written pages
	 * have zeroed descriptors and no data, the file ends after the
	 * data that was written, the header says incomplete.
	 */
	unsigned int unwritten;
	/* memory contents replaced, as in mkvmcore */
	unsigned int npatches;
	struct mkvmcore_patch patches[MKVMCORE_MAX_PATCHES];
};

struct mkkdump_layout {
	uint64_t file_size;
	uint64_t sub_offset;		/* block_size */
	uint32_t sub_hdr_blocks;
	uint64_t note_offset, note_size;
	uint64_t vmcoreinfo_offset, vmcoreinfo_size;
	uint64_t bitmap_offset;		/* 1st bitmap; the 2nd follows */
	uint32_t bitmap_blocks;		/* both */
	uint64_t desc_offset;
	uint64_t data_offset;
	uint64_t ndumped;		/* descriptors */
	uint64_t nzero;			/* of those, sharing the zero page */
	uint64_t ncompressed;		/* pages stored compressed */
	uint64_t nplain;		/* pages stored as is (zero page apart) */
};

/*
 * A small ppc64 dump: 4 KiB pages, four memory ranges with holes between
 * and memory missing above the last, every 5th page excluded, every 7th
 * zero, 2 CPUs, a VMCOREINFO text for those pages.
 */
void mkkdump_default(struct mkkdump_spec *spec, bool big_endian,
		     unsigned int version, enum mkk_compression compression);

/* Write the file. Returns 0 or -errno (-EOPNOTSUPP: no such compressor). */
int mkkdump_write(const char *path, const struct mkkdump_spec *spec,
		  struct mkkdump_layout *layout);

/* The machine had the page / the file holds it. */
bool mkkdump_present(const struct mkkdump_spec *spec, uint64_t pfn);
bool mkkdump_dumped(const struct mkkdump_spec *spec, uint64_t pfn);
/* The page's contents (@spec->page_size bytes), patches applied. */
void mkkdump_page(const struct mkkdump_spec *spec, uint64_t pfn, void *buf);

/* Whether this build of the writer has the compressor. */
bool mkkdump_can_compress(enum mkk_compression compression);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * makedumpfile's kdump-compressed format (diskdump_mod.h): offsets of the
 * header fields in the 64-bit layout and the flag values, shared by the
 * reader (vmcore-kdump.c) and the writer (kdump-write.c). The layout is
 * described at the top of vmcore-kdump.c.
 */
#ifndef FADUMP_KDUMP_FORMAT_H
#define FADUMP_KDUMP_FORMAT_H

#define KDUMP_SIGNATURE		"KDUMP   "
#define DISKDUMP_SIGNATURE	"DISKDUMP"
#define SIG_LEN			8
/* makedumpfile -F: "makedumpfile" in a 16-byte field, then type, version */
#define FLAT_SIGNATURE		"makedumpfile"

/* struct disk_dump_header, 64-bit layout */
#define DH_HEADER_VERSION	8	/* int */
#define DH_UTSNAME		12	/* struct new_utsname: 6 x char[65] */
#define UTS_FIELD		65
#define UTS_MACHINE		(4 * UTS_FIELD)
#define DH_STATUS		424	/* after struct timeval at 408 */
#define DH_BLOCK_SIZE		428	/* int */
#define DH_SUB_HDR_SIZE		432	/* int, in blocks */
#define DH_BITMAP_BLOCKS	436	/* unsigned int, both bitmaps */
#define DH_MAX_MAPNR		440	/* unsigned int: 32 bits only */
#define DH_TOTAL_RAM_BLOCKS	444	/* unsigned int */
#define DH_DEVICE_BLOCKS	448
#define DH_WRITTEN_BLOCKS	452
#define DH_CURRENT_CPU		456
#define DH_NR_CPUS		460	/* int */
#define DH_SIZE			464	/* through nr_cpus */
/* The same field in a 32-bit machine's header (timeval of two 4-byte longs). */
#define DH32_BLOCK_SIZE		416

/* disk_dump_header.status */
#define DUMP_DH_COMPRESSED_INCOMPLETE	0x8	/* makedumpfile ran out of space */
#define DUMP_DH_EXCLUDED_VMEMMAP	0x10

/* struct kdump_sub_header, 64-bit layout, and the version each field came in */
#define KH_PHYS_BASE		0	/* unsigned long, version 1 */
#define KH_DUMP_LEVEL		8	/* int, version 1 */
#define KH_SPLIT		12	/* int, version 2 */
#define KH_START_PFN		16	/* unsigned long, version 2 */
#define KH_END_PFN		24
#define KH_OFFSET_VMCOREINFO	32	/* off_t, version 3 */
#define KH_SIZE_VMCOREINFO	40	/* unsigned long */
#define KH_OFFSET_NOTE		48	/* off_t, version 4 */
#define KH_SIZE_NOTE		56
#define KH_START_PFN_64		80	/* unsigned long long, version 6 */
#define KH_END_PFN_64		88
#define KH_MAX_MAPNR_64		96	/* unsigned long long, version 6 */
#define KH_SIZE			104

/* struct page_desc */
#define PD_OFFSET		0	/* off_t */
#define PD_SIZE			8	/* unsigned int */
#define PD_FLAGS		12	/* unsigned int */
#define PD_PAGE_FLAGS		16	/* unsigned long long */
#define PD_LEN			24	/* and page_flags, unused */

/* page_desc.flags */
#define DUMP_DH_COMPRESSED_ZLIB		0x1
#define DUMP_DH_COMPRESSED_LZO		0x2
#define DUMP_DH_COMPRESSED_SNAPPY	0x4
#define DUMP_DH_COMPRESSED_ZSTD		0x20
#define DUMP_DH_COMPRESSED_ANY \
	(DUMP_DH_COMPRESSED_ZLIB | DUMP_DH_COMPRESSED_LZO | \
	 DUMP_DH_COMPRESSED_SNAPPY | DUMP_DH_COMPRESSED_ZSTD)

/* The header version written; 6 has the 64-bit max_mapnr. */
#define KDUMP_WRITE_VERSION	6

#endif /* FADUMP_KDUMP_FORMAT_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one interface every on-disk dump format implements.
 *
 * fadump_vmcore_open() reads the file's first bytes, asks each format's
 * probe() whether they are its own, and hands the opened file to that
 * format's open(). What a dump holds that does not change once it is
 * open is left by open() in the members of struct fadump_vmcore that
 * vmcore.h lists as "filled by the format", so that the accessors above
 * (info, segments, notes, VMCOREINFO, dmesg, save, stream) are written
 * once for all formats:
 *
 *   order, machine      the crashed machine's byte order and e_machine
 *   segs, nsegs         memory ranges in the format's own order: an ELF
 *                       core's PT_LOADs; a kdump file's runs of pages in
 *                       its memory bitmap
 *   by_paddr            those segments sorted and disjoint
 *                       (vmcore_index_segments() builds it)
 *   notes, cpu_notes    ELF notes (vmcore_parse_notes(), then
 *                       vmcore_index_notes())
 *   info, info_err      VMCOREINFO (vmcore_parse_vmcoreinfo*())
 *   meta_bytes          file bytes that are not memory contents
 *
 * What changes with the address asked for goes through the table: reads
 * by physical address, and whether a page is in the dump at all.
 */
#ifndef FADUMP_VMCORE_FORMAT_H
#define FADUMP_VMCORE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fadump.h"

struct fadump_vmcore;

/* Bytes of the file's start handed to probe(): enough for any signature. */
#define VMCORE_PROBE_BYTES	16

/* Where a physical page stands in a dump. */
enum vmcore_page_state {
	/* No memory there, as far as the dump knows: a hole, or past the end. */
	VMCORE_PAGE_ABSENT = 0,
	/* The crashed machine had the memory, the dump left it out (filtered). */
	VMCORE_PAGE_EXCLUDED,
	/* The dump holds its contents. */
	VMCORE_PAGE_DUMPED,
};

struct vmcore_format {
	enum fadump_vmcore_format id;
	const char *name;		/* for messages: "ELF", "kdump-compressed" */

	/*
	 * Is this file (its first @len bytes, at most VMCORE_PROBE_BYTES) of
	 * this format? A cheap look at the signature only; open() checks
	 * everything else.
	 */
	bool (*probe)(const unsigned char *head, size_t len);

	/*
	 * Validate the file (vm->fd, vm->path, vm->file_size are set) and
	 * fill the members listed above. On failure the message is recorded
	 * and close() is still called.
	 */
	int (*open)(struct fadump_vmcore *vm);

	/*
	 * Read @len bytes of physical memory at @paddr; the range does not
	 * wrap 64 bits (checked by the caller) and may span several pages or
	 * segments. Errors as fadump_vmcore_read() documents them, recorded.
	 */
	int (*read)(struct fadump_vmcore *vm, uint64_t paddr, void *buf,
		    size_t len);

	/*
	 * The state of the page holding @paddr (the byte itself for formats
	 * without pages); nothing is recorded.
	 */
	enum vmcore_page_state (*page_state)(const struct fadump_vmcore *vm,
					     uint64_t paddr);

	/* Free what open() allocated beyond the common members. */
	void (*close)(struct fadump_vmcore *vm);
};

extern const struct vmcore_format vmcore_format_elf;
extern const struct vmcore_format vmcore_format_kdump;

#endif /* FADUMP_VMCORE_FORMAT_H */

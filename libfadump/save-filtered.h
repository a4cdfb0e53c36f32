/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The filtered save (save-filtered.c): the kept pages of a dump read in
 * pfn order, checked for zeros and compressed on worker threads, and
 * handed in order to a file format's writer (kdump-write.c,
 * elf-write.c). vmcore-save.c owns the file and calls in through
 * save_filtered() once the pages are chosen (dump-filter.c).
 */
#ifndef FADUMP_SAVE_FILTERED_H
#define FADUMP_SAVE_FILTERED_H

#include "compress.h"
#include "dump-filter.h"

/* Where the bytes go: vmcore-save.c's file. Callbacks record errors. */
struct save_sink {
	int (*write)(void *s, const void *p, size_t len, uint64_t offset);
	/* @done of @total source bytes handed over; -ECANCELED to stop */
	int (*progress)(void *s, uint64_t done, uint64_t total);
	/*
	 * The format's begin() wrote the headers: once the file is extended
	 * to fs->laid_out_size and durable, it is a dump (of no pages yet).
	 * NULL: nothing to do.
	 */
	int (*laid_out)(void *s);
	/*
	 * The pages below @pfn are handed to the writer: 1 if the sink wants
	 * them durable now (then the format's checkpoint() and durable()
	 * follow), 0 if not yet. NULL: never.
	 */
	int (*pages_written)(void *s, uint64_t pfn);
	/* The file holds the pages below @pfn: make it durable, release. */
	int (*durable)(void *s, uint64_t pfn);
	void *s;
};

struct filtered_save {
	struct fadump_vmcore *vm;
	struct dump_filter *filter;
	const struct save_sink *sink;
	unsigned int format;		/* enum fadump_save_format */
	unsigned int compression;	/* resolved: never DEFAULT */
	unsigned int threads;		/* asked; 0: online CPUs */
	unsigned int threads_used;
	size_t page;			/* the crashed kernel's page size */
	uint64_t file_size;		/* set by the format's end() */
	/* set by begin(): the size readers need before any page is written */
	uint64_t laid_out_size;
	void *format_data;
};

/* One file format's writer; pages come in pfn order. */
struct filtered_format {
	/* Lay out the file for the kept pages of fs->filter. */
	int (*begin)(struct filtered_save *fs);
	/*
	 * Page @pfn: @len bytes at @data with descriptor flags @flags (0:
	 * the page as it is); @data NULL for an all-zero page, kept (@len
	 * the page size: a level without bit 1) or left out (@len 0: it is
	 * cleared from the 2nd bitmap after this call).
	 */
	int (*page)(struct filtered_save *fs, uint64_t pfn, const void *data,
		    uint32_t len, uint32_t flags);
	/*
	 * Make the file on disk a dump of the pages below @pfn that the
	 * writer was given (buffers written, the 2nd bitmap so far), for a
	 * .partial file kept after a failure.
	 */
	int (*checkpoint)(struct filtered_save *fs, uint64_t pfn);
	/* Write what is left (bitmaps, headers); set fs->file_size. */
	int (*end)(struct filtered_save *fs);
	void (*free)(struct filtered_save *fs);
};

extern const struct filtered_format filtered_format_kdump;
extern const struct filtered_format filtered_format_elf;

/* Write the file; @fs is filled but for threads_used and file_size. */
int save_filtered(struct filtered_save *fs);

/*
 * The crashed kernel's ELF notes as one note section in its byte order,
 * malloc()ed; *@info_off / *@info_len: where VMCOREINFO's text is in it
 * (0, 0 if absent). An empty section is a NULL buffer.
 */
int filtered_notes(struct fadump_vmcore *vm, unsigned char **buf,
		   size_t *len, size_t *info_off, size_t *info_len);

#endif /* FADUMP_SAVE_FILTERED_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkopalcore: write an OPAL core as a PowerNV capture kernel presents it
 * at /sys/firmware/opal/mpipl/core, laid out the way create_opalcore()
 * and opalcore_append_cpu_notes() in arch/powerpc/platforms/powernv/
 * opal-core.c build it, written out here from that source (no code
 * shared with the library):
 *
 *   ELF64 header, big-endian, ET_CORE, EM_PPC64 | PT_NOTE, then one
 *   PT_LOAD per OPAL region (p_paddr counting from 0 region after
 *   region, p_vaddr = opal-base-address + p_paddr, flags RWX) | the
 *   notes: the crashing CPU's NT_PRSTATUS first, the other active CPUs'
 *   after it, NT_AUXV (AT_ENTRY = opal-boot-address, AT_NULL), zeros
 *   up to the room reserved for every CPU | zeros up to a page | the
 *   regions' bytes one after the other.
 *
 * pr_pid is 100 + PIR, pr_ppid 1, the crashing CPU's pr_cursig SIGUSR1
 * (fill_prstatus()); a CPU of an inactive core gets no note.
 */
#ifndef MKOPALCORE_H
#define MKOPALCORE_H

#include <stdint.h>

#define MKOPALCORE_MAX_REGIONS 8	/* MAX_PT_LOAD_CNT */
#define MKOPALCORE_MAX_CPUS 64

struct mkopalcore_spec {
	unsigned int regions;
	uint64_t region_size[MKOPALCORE_MAX_REGIONS];
	unsigned int cpus;		/* threads the firmware reports */
	unsigned int inactive;		/* of them, the last ones are inactive */
	unsigned int crashing;		/* index of the crashing thread */
	uint64_t page_size;		/* the capture kernel's PAGE_SIZE */
	uint64_t opal_base;		/* opal-base-address */
	uint64_t opal_entry;		/* opal-boot-address */
	unsigned int zero_percent;	/* 64 KiB blocks of a region left zero */
};

/* OPAL regions of 256 KiB and 128 KiB, 4 threads, 64 KiB pages. */
void mkopalcore_default(struct mkopalcore_spec *spec);

/* The byte at @offset of region @region (what a reader must find). */
unsigned char mkopalcore_byte(const struct mkopalcore_spec *spec,
			      unsigned int region, uint64_t offset);

/* Sizes of the layout above. */
uint64_t mkopalcore_notes_size(const struct mkopalcore_spec *spec);
uint64_t mkopalcore_data_offset(const struct mkopalcore_spec *spec);
uint64_t mkopalcore_file_size(const struct mkopalcore_spec *spec);

/* Write the core to @path (created 0400, as sysfs shows it). 0 or -errno. */
int mkopalcore_write(const char *path, const struct mkopalcore_spec *spec);

#endif

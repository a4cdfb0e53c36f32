/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Range-wise release while saving (vmcore-save.c drives, early-release.c
 * decides what may go): the physical memory behind the bytes of the copy
 * that are on disk is handed back through release_range.
 */
#ifndef FADUMP_EARLY_RELEASE_H
#define FADUMP_EARLY_RELEASE_H

#include "vmcore.h"

struct early_release {
	struct fadump_ctx *ctx;
	const struct fadump_vmcore *vm;
	const char *abspath;	/* release_range; NULL once stopped */
	uint64_t page;		/* the running kernel's page size */
	uint64_t granule;	/* smallest piece tried after a refusal */
	uint64_t *released_to;	/* per segment: paddr done up to */
	bool *skip;		/* per segment: the kernel keeps all of it */
	uint64_t bytes;		/* accepted so far */
	uint64_t kept_bytes;	/* of the last request: refused with ERANGE */
	uint32_t ranges;	/* accepted writes */
};

/*
 * Prepare for @vm. Returns 0 when early release can run, -EOPNOTSUPP
 * (logged, nothing recorded) when it cannot and the caller falls back to
 * release at the end: no release_range attribute, or segments that are
 * views of the same memory. Other negative errnos are recorded.
 */
int early_release_start(struct early_release *er, struct fadump_vmcore *vm);

/*
 * Give back the memory that bytes [0, @durable) of the copy hold, the
 * caller having made them durable (fdatasync()). Never fails the save:
 * what the kernel refuses stays for release_mem, and an error that is
 * not about the range (EPERM, EACCES, EIO...) stops early release with
 * a warning.
 */
void early_release_durable(struct early_release *er, uint64_t durable);

/*
 * File bytes at the start of segment @idx to copy before asking the
 * kernel for the first time: enough to hold one granule of whole pages
 * (all of a smaller segment). 0 when early release has stopped or the
 * segment holds no whole page, so there is nothing to ask.
 */
/*
 * Give back physical [@start, @start + @size), rounded inward to whole
 * pages of the running kernel, for a filtered save: memory its file
 * does not need (left out, or durably written). Refusals are split as
 * for early_release_durable(), and like it this never fails the save.
 */
void early_release_phys(struct early_release *er, uint64_t start,
			uint64_t size);

uint64_t early_release_probe_len(const struct early_release *er,
				 unsigned int idx);

/* The kernel keeps segment @idx until release_mem: it is not asked again. */
bool early_release_kept(const struct early_release *er, unsigned int idx);

void early_release_end(struct early_release *er);

#endif /* FADUMP_EARLY_RELEASE_H */

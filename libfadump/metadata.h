/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pieces shared by the crash-metadata decoders (papr-dump.c,
 * opal-meta.c): the list of reasons a dump is not complete, and the
 * boot-memory arithmetic both platforms' kernels do the same way.
 */
#ifndef FADUMP_METADATA_H
#define FADUMP_METADATA_H

#include <stdint.h>

#include "internal.h"

/* Human-readable reasons, one line each, owned by the list. */
struct problems {
	char **lines;
	unsigned int count;
};

/* Append a formatted line. Returns 0 or -ENOMEM (recorded in @ctx). */
int problems_add(struct fadump_ctx *ctx, struct problems *p,
		 const char *format, ...) FADUMP_PRINTF(3, 4);

/* Line @idx or NULL. */
const char *problems_get(const struct problems *p, unsigned int idx);

void problems_free(struct problems *p);

/*
 * Boot memory as the capture kernel adds it up from the registered
 * regions (rtas_fadump_get_config(), opal_fadump_get_config()): the sizes
 * summed, plus the holes between the regions, give boot_mem_top. With the
 * regions in ascending order, as both kernels register them, that is
 * simply the end of the last region.
 */
struct boot_mem {
	unsigned int regions;
	uint64_t size;		/* sum of region sizes */
	uint64_t top;		/* size + holes */
};

/*
 * Add one region. A region that starts below the end of the previous one
 * or wraps around 64 bits cannot come from a kernel (it would make the
 * kernel's unsigned hole arithmetic meaningless): -EBADMSG, with @what
 * ("section 3", "region 7") naming it in the message.
 */
int boot_mem_add(struct fadump_ctx *ctx, struct boot_mem *bm, uint64_t base,
		 uint64_t size, const char *what);

/*
 * papr-dump.c: @pd's summary in @s (its size set here), for the readers of
 * the waiting dump's structures; -EINVAL recorded for a NULL @pd.
 */
int papr_dump_summary(struct fadump_ctx *ctx, const struct fadump_papr_dump *pd,
		      struct fadump_papr_dump_summary *s);

/*
 * Decode the 44 doublewords a struct pt_regs starts with in every
 * generation (user_pt_regs: gpr[32], nip, msr, orig_gpr3, ctr, link,
 * xer, ccr, softe, trap, dar, dsisr, result) from @p in @order. The
 * caller checked that 352 bytes are there.
 */
#define PPC64_USER_REGS_LEN (44 * 8)
void ppc64_regs_decode(const unsigned char *p, enum fadump_byte_order order,
		       struct fadump_ppc64_regs *regs);

#endif /* FADUMP_METADATA_H */

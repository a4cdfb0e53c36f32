// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Shared helpers of the crash-metadata decoders, and the names of the
 * values they report.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "byteorder.h"
#include "metadata.h"

FADUMP_EXPORT const char *fadump_byte_order_name(enum fadump_byte_order order)
{
	switch (order) {
	case FADUMP_BYTE_ORDER_BIG:
		return "big-endian";
	case FADUMP_BYTE_ORDER_LITTLE:
		return "little-endian";
	default:
		return "unknown";
	}
}

FADUMP_EXPORT const char *fadump_dump_verdict_name(enum fadump_dump_verdict verdict)
{
	switch (verdict) {
	case FADUMP_DUMP_COMPLETE:
		return "complete";
	case FADUMP_DUMP_INCOMPLETE:
		return "incomplete";
	case FADUMP_DUMP_UNUSABLE:
		return "unusable";
	default:
		return "unknown";
	}
}

int problems_add(struct fadump_ctx *ctx, struct problems *p,
		 const char *format, ...)
{
	char **lines;
	va_list args;
	char *line;
	int n;

	va_start(args, format);
	n = vasprintf(&line, format, args);
	va_end(args);
	if (n < 0)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	lines = realloc(p->lines, (p->count + 1) * sizeof(*lines));
	if (!lines) {
		free(line);
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	}
	lines[p->count++] = line;
	p->lines = lines;
	return 0;
}

const char *problems_get(const struct problems *p, unsigned int idx)
{
	return idx < p->count ? p->lines[idx] : NULL;
}

void problems_free(struct problems *p)
{
	for (unsigned int i = 0; i < p->count; i++)
		free(p->lines[i]);
	free(p->lines);
	p->lines = NULL;
	p->count = 0;
}

int boot_mem_add(struct fadump_ctx *ctx, struct boot_mem *bm, uint64_t base,
		 uint64_t size, const char *what)
{
	/* bm->top is the end of the previous region: see metadata.h. */
	if (base < bm->top)
		return fadump_fail(ctx, -EBADMSG,
				   "%s: boot-memory region at 0x%llx starts below 0x%llx, the end of the regions before it",
				   what, (unsigned long long)base,
				   (unsigned long long)bm->top);
	if (size > UINT64_MAX - base)
		return fadump_fail(ctx, -EBADMSG,
				   "%s: boot-memory region at 0x%llx of 0x%llx bytes runs past the end of the address space",
				   what, (unsigned long long)base,
				   (unsigned long long)size);
	bm->regions++;
	bm->size += size;	/* cannot wrap: size <= base + size - top */
	bm->top = base + size;
	return 0;
}

void ppc64_regs_decode(const unsigned char *p, enum fadump_byte_order order,
		       struct fadump_ppc64_regs *regs)
{
	uint64_t v[44];

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		v[i] = get_u64(p + 8 * i, order);
	for (size_t i = 0; i < 32; i++)
		regs->gpr[i] = v[i];
	regs->nip = v[32];
	regs->msr = v[33];
	regs->orig_gpr3 = v[34];
	regs->ctr = v[35];
	regs->link = v[36];
	regs->xer = v[37];
	regs->ccr = v[38];
	regs->softe = v[39];
	regs->trap = v[40];
	regs->dar = v[41];
	regs->dsisr = v[42];
	regs->result = v[43];
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * powernv CPU register data: the HDAT per-thread format OPAL leaves at
 * the CPU metadata's region 0 (opal-fadump.h, HDAT_FADUMP_CPU_DATA_VER 1):
 *
 *	per thread, cpu_data_size bytes apart:
 *	0x00 be32 pir
 *	0x04 u8   core_state		0x0F: core inactive
 *	0x05 u8   reserved[3]
 *	0x08 be32 offset		register entries start at 0x08 + offset
 *	0x0c be32 ecnt			number of entries
 *	0x10 be32 esize			bytes allocated per entry
 *	0x14 be32 eactsz		bytes used per entry
 *	entries {be32 reg_type (1 GPR, 2 SPR), be32 reg_num, be64 reg_val}
 *
 * opal_fadump_build_cpu_notes() takes offset, ecnt and esize from the
 * first thread for every thread and checks none of it against the thread
 * size; this file does the same reading with those checks added.
 */
#include <errno.h>
#include <stdio.h>

#include "byteorder.h"
#include "cpuregs.h"

#define HDAT_THREAD_HDR_LEN	24
#define HDAT_ENTRY_LEN		16	/* struct hdat_fadump_reg_entry */
#define HDAT_CORE_INACTIVE	0x0f
#define HDAT_REG_TYPE_GPR	0x01
#define HDAT_REG_TYPE_SPR	0x02

/* SPR numbers (asm/reg.h) and the firmware's pseudo-ids (opal-fadump.h). */
static const struct {
	uint32_t num;
	const char *name;
} hdat_sprs[] = {
	{ 1, "XER" }, { 8, "LR" }, { 9, "CTR" }, { 18, "DSISR" },
	{ 19, "DAR" }, { 0x7d0, "NIP" }, { 0x7d1, "MSR" }, { 0x7d2, "CR" },
};

/* opal_fadump_set_regval_regnum(): true if the entry lands in pt_regs. */
static bool hdat_set_regval(struct fadump_ppc64_regs *regs, uint32_t type,
			    uint32_t num, uint64_t val)
{
	if (type == HDAT_REG_TYPE_GPR) {
		if (num >= 32)
			return false;
		regs->gpr[num] = val;
		return true;
	}
	/* The kernel matches the number whatever the type, GPR aside. */
	switch (num) {
	case 9:
		regs->ctr = val;
		break;
	case 8:
		regs->link = val;
		break;
	case 1:
		regs->xer = val;
		break;
	case 19:
		regs->dar = val;
		break;
	case 18:
		regs->dsisr = val;
		break;
	case 0x7d0:
		regs->nip = val;
		break;
	case 0x7d1:
		regs->msr = val;
		break;
	case 0x7d2:
		regs->ccr = val;
		break;
	default:
		return false;
	}
	return true;
}

void hdat_describe_entry(const unsigned char *p, struct fadump_reg_entry *out)
{
	struct fadump_ppc64_regs scratch = { .size = sizeof(scratch) };
	uint32_t type = get_be32(p), num = get_be32(p + 4);

	out->id = (uint64_t)type << 32 | num;
	out->value = get_be64(p + 8);
	out->used = hdat_set_regval(&scratch, type, num, out->value);
	if (type == HDAT_REG_TYPE_GPR) {
		snprintf(out->name, sizeof(out->name), "GPR%u", num);
		return;
	}
	if (type == HDAT_REG_TYPE_SPR) {
		for (size_t i = 0; i < ARRAY_SIZE(hdat_sprs); i++) {
			if (hdat_sprs[i].num == num) {
				snprintf(out->name, sizeof(out->name), "%s",
					 hdat_sprs[i].name);
				return;
			}
		}
		snprintf(out->name, sizeof(out->name), "SPR%u", num);
		return;
	}
	snprintf(out->name, sizeof(out->name), "type%u:%u", type, num);
}

FADUMP_EXPORT int fadump_cpuregs_parse_hdat(struct fadump_ctx *ctx,
					    const void *buf, size_t len,
					    uint32_t thread_size,
					    struct fadump_cpuregs **rsp)
{
	const unsigned char *b = buf;
	struct fadump_cpuregs *rs;
	uint32_t esize, ecnt;
	uint64_t first, end;
	size_t nthreads;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!rsp || (!buf && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_cpuregs_parse_hdat: NULL argument");
	*rsp = NULL;

	/*
	 * is_opal_fadump_cpu_data_valid() refuses a zero size and one
	 * larger than the data; one smaller than the thread header it then
	 * reads would be read past.
	 */
	if (thread_size < HDAT_THREAD_HDR_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "HDAT CPU data: %u bytes per thread, less than the %d-byte thread header",
				   thread_size, HDAT_THREAD_HDR_LEN);
	if (thread_size > len)
		return fadump_fail(ctx, -EBADMSG,
				   "HDAT CPU data: %u bytes per thread, but only %zu bytes of data",
				   thread_size, len);
	nthreads = len / thread_size;
	if (nthreads > FADUMP_CPUREGS_MAX_CPUS)
		return fadump_fail(ctx, -E2BIG,
				   "HDAT CPU data: %zu threads of %u bytes, more than the %d any kernel supports",
				   nthreads, thread_size,
				   FADUMP_CPUREGS_MAX_CPUS);

	/* The first thread's header describes the entries of every thread. */
	first = 8 + (uint64_t)get_be32(b + 8);
	ecnt = get_be32(b + 12);
	esize = get_be32(b + 16);
	if (esize < HDAT_ENTRY_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "HDAT CPU data: thread 0 (PIR 0x%x): entry size %u is less than the %d-byte register entry",
				   get_be32(b), esize, HDAT_ENTRY_LEN);
	end = first + (uint64_t)ecnt * esize;
	if (end > thread_size)
		return fadump_fail(ctx, -EBADMSG,
				   "HDAT CPU data: thread 0 (PIR 0x%x): %u entries of %u bytes at offset %llu end at %llu, past the %u-byte thread",
				   get_be32(b), ecnt, esize,
				   (unsigned long long)first,
				   (unsigned long long)end, thread_size);

	rs = cpuregs_new(FADUMP_CPUREGS_HDAT, (unsigned int)nthreads);
	if (!rs || cpuregs_keep_data(rs, buf, nthreads * thread_size) < 0) {
		if (rs)
			cpuregs_free(rs);
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < nthreads; i++) {
		struct cpuregs_cpu *cpu = &rs->cpus[i];
		const unsigned char *t = b + i * thread_size;

		cpu->id = get_be32(t);
		cpu->core_state = t[4];
		cpu->active = t[4] != HDAT_CORE_INACTIVE;
		cpu->offset = i * thread_size;
		cpu->first_entry = cpu->offset + first;
		cpu->entry_size = esize;
		cpu->entries = ecnt;
		/*
		 * Inactive threads are decoded too, flagged: the kernel skips
		 * them, a person debugging the firmware may not.
		 */
		for (uint32_t e = 0; e < ecnt; e++) {
			const unsigned char *p = t + first + (uint64_t)e * esize;

			if (!hdat_set_regval(&cpu->regs, get_be32(p),
					     get_be32(p + 4), get_be64(p + 8)))
				cpu->ignored++;
		}
	}
	dbg(ctx, "HDAT CPU data: %zu threads of %u bytes, %u entries of %u bytes at %llu",
	    nthreads, thread_size, ecnt, esize, (unsigned long long)first);
	*rsp = rs;
	return 0;
}

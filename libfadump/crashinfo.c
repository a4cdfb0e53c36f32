// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The crash-info header (struct fadump_crash_info_header) the crashed
 * kernel leaves right after its boot-memory copy, every layout it had:
 *
 *  3.4 - 6.9, magic "FADMPINF" (fadump.h, later fadump-internal.h):
 *	0x00 u64 magic_number	0x08 u64 elfcorehdr_addr
 *	0x10 u32 crashing_cpu	0x14 padding
 *	0x18 struct pt_regs regs	then struct cpumask
 *	(cpu_online_mask in 3.4, online_mask in 5.x, cpu_mask by 6.1)
 *  6.10+, magic "FADMPSIG", FADUMP_HEADER_VERSION 1 (7.2
 *  fadump-internal.h):
 *	0x00 u64 magic_number	0x08 u32 version	0x0c u32 crashing_cpu
 *	0x10 u64 vmcoreinfo_raddr	0x18 u64 vmcoreinfo_size
 *	0x20 u32 pt_regs_sz	0x24 u32 cpu_mask_sz
 *	0x28 struct pt_regs regs	then struct cpumask cpu_mask
 *
 * Everything is in the crashed kernel's byte order; the magic, a u64 of
 * the ASCII name packed first-character-highest, tells which. The kernel
 * promises to append fields only and bump the version on every change
 * (comment above FADUMP_CRASH_INFO_MAGIC); a version above the one known
 * here is reported, not guessed at.
 *
 * sizeof(struct pt_regs) grew over time (352 bytes of user_pt_regs in
 * 3.x, then 368 and 384 with ppr, kuap and friends) but always starts
 * with the same 44 doublewords, so those are decoded for every layout.
 *
 * fadump_crashinfo_read() fetches the waiting dump's header for the
 * decoder: the crash_info attribute of this project's kernel series, else
 * the header's address through /proc/kcore (kcore.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "byteorder.h"
#include "metadata.h"

#define CI_MAGIC_LEN		8
#define CI_OLD_REGS_OFF		0x18	/* FADMPINF */
#define CI_V1_REGS_OFF		0x28	/* FADMPSIG version 1 */
/* Bounds on the size fields: nothing is allocated from them beyond these. */
#define CI_PT_REGS_MIN		PPC64_USER_REGS_LEN
#define CI_PT_REGS_MAX		4096
#define CI_CPU_MASK_MIN		8
#define CI_CPU_MASK_MAX		8192
/* Bytes kept of a header whose size is not known. */
/* Read from memory or crash_info: a 6.10+ header is at most 0x28 + 4096 + 8192 bytes. */
#define CRASHINFO_READ_MAX	16384
#define CI_KEEP_MAX		(CI_OLD_REGS_OFF + CI_PT_REGS_MAX + CI_CPU_MASK_MAX)

/* sizeof(struct pt_regs) of ppc64 kernels that wrote FADMPINF headers. */
static const uint32_t ci_old_pt_regs_sizes[] = { 352, 368, 384 };

struct fadump_crashinfo {
	int refcount;
	struct fadump_crashinfo_info info;
	struct fadump_ppc64_regs regs;
	size_t mask_off;		/* 0: cpumask not located */
	unsigned char *raw;
	size_t len;
};

static bool ci_size_ok(uint32_t v, uint32_t min, uint32_t max)
{
	return v % 8 == 0 && v >= min && v <= max;
}

static int ci_check_sizes(struct fadump_ctx *ctx, const char *what,
			  uint32_t pt_regs_sz, uint32_t cpu_mask_sz)
{
	if (!ci_size_ok(pt_regs_sz, CI_PT_REGS_MIN, CI_PT_REGS_MAX))
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: %s %u is not a multiple of 8 in [%d, %d]",
				   what, pt_regs_sz, CI_PT_REGS_MIN,
				   CI_PT_REGS_MAX);
	if (!ci_size_ok(cpu_mask_sz, CI_CPU_MASK_MIN, CI_CPU_MASK_MAX))
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: cpu_mask_sz %u is not a multiple of 8 in [%d, %d]",
				   cpu_mask_sz, CI_CPU_MASK_MIN,
				   CI_CPU_MASK_MAX);
	return 0;
}

static bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * FADMPINF: split the header between pt_regs and cpumask. With the
 * header's physical address known, elfcorehdr_addr - that address is
 * sizeof(header) (init_fadump_header() puts the ELF header right after
 * it), i.e. 0x18 + pt_regs + cpumask. A caller-given pt_regs size fixes
 * the split; otherwise the one known pt_regs size that leaves a
 * power-of-two cpumask (NR_CPUS is one in every config seen) does.
 * Returns 0 with *pt and *cm set, 0 with *cm == 0 when undecided, or an
 * error for a bad hint.
 */
static int ci_old_layout(struct fadump_ctx *ctx, const struct fadump_crashinfo *ci,
			 const struct fadump_crashinfo_hint *hint,
			 uint32_t *pt, uint32_t *cm)
{
	uint64_t phys = 0, total;
	uint32_t given = 0;
	unsigned int found = 0;

	*pt = *cm = 0;
	if (hint && hint->size >= offsetof(struct fadump_crashinfo_hint, pt_regs_size) +
				  sizeof(uint32_t))
		given = hint->pt_regs_size;
	if (hint && hint->size >= offsetof(struct fadump_crashinfo_hint, phys_addr) +
				  sizeof(uint64_t))
		phys = hint->phys_addr;
	if (given && !ci_size_ok(given, CI_PT_REGS_MIN, CI_PT_REGS_MAX))
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: hint pt_regs_size %u is not a multiple of 8 in [%d, %d]",
				   given, CI_PT_REGS_MIN, CI_PT_REGS_MAX);
	*pt = given;
	if (!phys || ci->info.elfcorehdr_addr <= phys)
		return 0;
	total = ci->info.elfcorehdr_addr - phys;
	if (total < CI_OLD_REGS_OFF + CI_PT_REGS_MIN + CI_CPU_MASK_MIN ||
	    total > CI_OLD_REGS_OFF + CI_PT_REGS_MAX + CI_CPU_MASK_MAX)
		return 0;
	total -= CI_OLD_REGS_OFF;
	if (given) {
		if (total > given &&
		    ci_size_ok((uint32_t)(total - given), CI_CPU_MASK_MIN,
			       CI_CPU_MASK_MAX))
			*cm = (uint32_t)(total - given);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ci_old_pt_regs_sizes); i++) {
		uint64_t mask = total - ci_old_pt_regs_sizes[i];

		if (total > ci_old_pt_regs_sizes[i] && is_power_of_2(mask) &&
		    ci_size_ok((uint32_t)mask, CI_CPU_MASK_MIN, CI_CPU_MASK_MAX)) {
			found++;
			*pt = ci_old_pt_regs_sizes[i];
			*cm = (uint32_t)mask;
		}
	}
	if (found != 1)
		*pt = *cm = 0;
	return 0;
}

static int ci_parse_old(struct fadump_ctx *ctx, struct fadump_crashinfo *ci,
			const unsigned char *b, size_t len,
			const struct fadump_crashinfo_hint *hint)
{
	enum fadump_byte_order o = ci->info.byte_order;
	uint32_t pt, cm;
	int ret;

	if (len < CI_OLD_REGS_OFF + CI_PT_REGS_MIN)
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: FADMPINF header of %zu bytes, shorter than the %d bytes up to the end of its registers",
				   len, CI_OLD_REGS_OFF + CI_PT_REGS_MIN);
	ci->info.elfcorehdr_addr = get_u64(b + 8, o);
	ci->info.crashing_cpu = get_u32(b + 16, o);
	ppc64_regs_decode(b + CI_OLD_REGS_OFF, o, &ci->regs);
	ret = ci_old_layout(ctx, ci, hint, &pt, &cm);
	if (ret < 0)
		return ret;
	ci->info.pt_regs_size = pt;
	ci->info.cpu_mask_size = cm;
	if (pt && cm) {
		ci->info.header_size = CI_OLD_REGS_OFF + (size_t)pt + cm;
		ci->mask_off = CI_OLD_REGS_OFF + (size_t)pt;
	}
	return 0;
}

static int ci_parse_v1(struct fadump_ctx *ctx, struct fadump_crashinfo *ci,
		       const unsigned char *b, size_t len)
{
	enum fadump_byte_order o = ci->info.byte_order;
	uint32_t pt, cm;
	int ret;

	if (len < CI_V1_REGS_OFF)
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: FADMPSIG version 1 header of %zu bytes, shorter than its %d-byte fixed part",
				   len, CI_V1_REGS_OFF);
	ci->info.crashing_cpu = get_u32(b + 12, o);
	ci->info.vmcoreinfo_addr = get_u64(b + 16, o);
	ci->info.vmcoreinfo_size = get_u64(b + 24, o);
	pt = get_u32(b + 32, o);
	cm = get_u32(b + 36, o);
	ret = ci_check_sizes(ctx, "pt_regs_sz", pt, cm);
	if (ret < 0)
		return ret;
	ci->info.pt_regs_size = pt;
	ci->info.cpu_mask_size = cm;
	ci->info.header_size = CI_V1_REGS_OFF + (size_t)pt + cm;
	if (len < ci->info.header_size)
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: FADMPSIG version 1 with pt_regs_sz %u and cpu_mask_sz %u is %zu bytes, only %zu given",
				   pt, cm, ci->info.header_size, len);
	ci->mask_off = CI_V1_REGS_OFF + (size_t)pt;
	ppc64_regs_decode(b + CI_V1_REGS_OFF, o, &ci->regs);
	return 0;
}

/* The byte order in which the magic is one of the two known ones. */
static int ci_magic(struct fadump_ctx *ctx, const unsigned char *b,
		    struct fadump_crashinfo_info *info)
{
	static const enum fadump_byte_order orders[] = {
		FADUMP_BYTE_ORDER_BIG, FADUMP_BYTE_ORDER_LITTLE,
	};

	for (size_t i = 0; i < ARRAY_SIZE(orders); i++) {
		uint64_t m = get_u64(b, orders[i]);

		if (m == FADUMP_CRASHINFO_MAGIC_OLD || m == FADUMP_CRASHINFO_MAGIC) {
			info->byte_order = orders[i];
			info->layout = m == FADUMP_CRASHINFO_MAGIC ?
				       FADUMP_CRASHINFO_FADMPSIG :
				       FADUMP_CRASHINFO_FADMPINF;
			return 0;
		}
	}
	return fadump_fail(ctx, -EBADMSG,
			   "crash-info header: magic bytes %02x %02x %02x %02x %02x %02x %02x %02x are neither \"FADMPINF\" nor \"FADMPSIG\" in either byte order",
			   b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

static void ci_free(struct fadump_crashinfo *ci)
{
	free(ci->raw);
	free(ci);
}

FADUMP_EXPORT int fadump_crashinfo_parse(struct fadump_ctx *ctx,
					 const void *buf, size_t len,
					 const struct fadump_crashinfo_hint *hint,
					 struct fadump_crashinfo **cip)
{
	const unsigned char *b = buf;
	struct fadump_crashinfo *ci;
	size_t keep;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!cip || (!buf && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_crashinfo_parse: NULL argument");
	*cip = NULL;
	if (len < CI_MAGIC_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "crash-info header: %zu bytes, too short for its %d-byte magic",
				   len, CI_MAGIC_LEN);

	ci = calloc(1, sizeof(*ci));
	if (!ci)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	ci->refcount = 1;
	ci->info.size = sizeof(ci->info);
	ci->regs.size = sizeof(ci->regs);
	ret = ci_magic(ctx, b, &ci->info);
	if (ret < 0)
		goto fail;
	if (ci->info.layout == FADUMP_CRASHINFO_FADMPSIG) {
		if (len < 12) {
			ret = fadump_fail(ctx, -EBADMSG,
					  "crash-info header: FADMPSIG header of %zu bytes, too short for its version field",
					  len);
			goto fail;
		}
		ci->info.version = get_u32(b + 8, ci->info.byte_order);
		if (ci->info.version != FADUMP_CRASHINFO_VERSION) {
			ret = fadump_fail(ctx, -EPROTONOSUPPORT,
					  "crash-info header: FADMPSIG version %u (%s), this library knows version %d only; %zu bytes given, not decoded",
					  ci->info.version,
					  fadump_byte_order_name(ci->info.byte_order),
					  FADUMP_CRASHINFO_VERSION, len);
			goto fail;
		}
		ret = ci_parse_v1(ctx, ci, b, len);
	} else {
		ret = ci_parse_old(ctx, ci, b, len, hint);
	}
	if (ret < 0)
		goto fail;

	if (ci->info.header_size) {
		if (len < ci->info.header_size) {
			ret = fadump_fail(ctx, -EBADMSG,
					  "crash-info header: %zu bytes by its sizes, only %zu given",
					  ci->info.header_size, len);
			goto fail;
		}
		keep = ci->info.header_size;
	} else {
		keep = len < CI_KEEP_MAX ? len : CI_KEEP_MAX;
	}
	ci->raw = malloc(keep);
	if (!ci->raw) {
		ret = fadump_fail(ctx, -ENOMEM, "out of memory");
		goto fail;
	}
	memcpy(ci->raw, buf, keep);
	ci->len = keep;
	dbg(ctx, "crash-info header: %s, %s, crashing CPU %u, %zu bytes",
	    ci->info.layout == FADUMP_CRASHINFO_FADMPSIG ? "FADMPSIG" : "FADMPINF",
	    fadump_byte_order_name(ci->info.byte_order),
	    ci->info.crashing_cpu, ci->info.header_size);
	*cip = ci;
	return 0;

fail:
	ci_free(ci);
	return ret;
}

FADUMP_EXPORT struct fadump_crashinfo *fadump_crashinfo_ref(struct fadump_crashinfo *ci)
{
	if (ci)
		ci->refcount++;
	return ci;
}

FADUMP_EXPORT struct fadump_crashinfo *fadump_crashinfo_unref(struct fadump_crashinfo *ci)
{
	if (ci && --ci->refcount == 0)
		ci_free(ci);
	return NULL;
}

FADUMP_EXPORT int fadump_crashinfo_get_info(const struct fadump_crashinfo *ci,
					    struct fadump_crashinfo_info *out)
{
	if (!ci || !out || out->size < FADUMP_CRASHINFO_INFO_SIZE_V1)
		return -EINVAL;
	fadump_copy_out(out, &ci->info, sizeof(ci->info));
	return 0;
}

FADUMP_EXPORT int fadump_crashinfo_get_regs(const struct fadump_crashinfo *ci,
					    struct fadump_ppc64_regs *out)
{
	if (!ci || !out || out->size < FADUMP_PPC64_REGS_SIZE_V1)
		return -EINVAL;
	fadump_copy_out(out, &ci->regs, sizeof(ci->regs));
	return 0;
}

/*
 * struct cpumask is an array of unsigned long: CPU n is bit n % 64 of
 * word n / 64, and the words are in the header's byte order.
 */
FADUMP_EXPORT int fadump_crashinfo_cpu_in_mask(const struct fadump_crashinfo *ci,
					       unsigned int cpu)
{
	size_t byte;
	unsigned int bit = cpu % 64;

	if (!ci)
		return -EINVAL;
	if (!ci->mask_off)
		return -ENODATA;
	if (cpu / 8 >= ci->info.cpu_mask_size)
		return -ERANGE;
	byte = (size_t)(cpu / 64) * 8;
	byte += ci->info.byte_order == FADUMP_BYTE_ORDER_LITTLE ? bit / 8 :
								  7 - bit / 8;
	return (ci->raw[ci->mask_off + byte] >> (bit % 8)) & 1;
}

FADUMP_EXPORT int fadump_crashinfo_raw(const struct fadump_crashinfo *ci,
				       const void **data, size_t *len)
{
	if (!ci)
		return -EINVAL;
	if (data)
		*data = ci->raw;
	if (len)
		*len = ci->len;
	return 0;
}

/* Bytes of a 6.10+ header from its fixed part, or 0 if it is not one. */
static size_t fadmpsig_size(const unsigned char *h)
{
	for (int o = FADUMP_BYTE_ORDER_BIG; o <= FADUMP_BYTE_ORDER_LITTLE; o++) {
		uint64_t pt, mask;

		if (get_u64(h, o) != FADUMP_CRASHINFO_MAGIC)
			continue;
		pt = get_u32(h + 0x20, o);
		mask = get_u32(h + 0x24, o);
		/* nonsense is the parser's to report; read what is allowed */
		if (CI_V1_REGS_OFF + pt + mask > CRASHINFO_READ_MAX)
			return CRASHINFO_READ_MAX;
		return (size_t)(CI_V1_REGS_OFF + pt + mask);
	}
	return 0;
}

/*
 * The header the kernel exported in sysfs (kernel/patches/0004) if it
 * did, else the one at @addr (@has_addr) through /proc/kcore; @addr is
 * the decoding hint either way. @what names where the address came from.
 */
static int crashinfo_read_at(struct fadump_ctx *ctx, bool has_addr,
			     uint64_t addr, const char *no_addr,
			     struct fadump_crashinfo **cip)
{
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint) };
	const char *abspath;
	unsigned char *buf;
	size_t len;
	int ret;

	/* This project's kernel series exports the header as found at boot. */
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_CRASH_INFO, &abspath);
	if (ret == 0) {
		ret = fadump_attr_read(ctx, abspath, CRASHINFO_READ_MAX,
				       (char **)&buf, &len);
		if (ret < 0)
			return ret;
		hint.phys_addr = has_addr ? addr : 0;
		ret = fadump_crashinfo_parse(ctx, buf, len, &hint, cip);
		free(buf);
		return ret;
	}
	if (ret != -ENOENT)
		return ret;
	if (!has_addr)
		return fadump_fail(ctx, -ENOENT, "%s", no_addr);
	buf = calloc(1, CRASHINFO_READ_MAX);
	if (!buf)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	/* the fixed part first: it says how long the rest is */
	ret = fadump_kcore_read(ctx, addr, buf, CI_V1_REGS_OFF);
	if (ret == 0) {
		len = fadmpsig_size(buf);
		if (!len)	/* FADMPINF (sized by the hint) or garbage */
			len = CRASHINFO_READ_MAX;
		ret = fadump_kcore_read(ctx, addr, buf, len);
	}
	if (ret == 0) {
		hint.phys_addr = addr;
		ret = fadump_crashinfo_parse(ctx, buf, len, &hint, cip);
	}
	free(buf);
	return ret;
}

FADUMP_EXPORT int fadump_crashinfo_read(struct fadump_ctx *ctx,
					const struct fadump_papr_dump *pd,
					struct fadump_crashinfo **cip)
{
	struct fadump_papr_dump_summary s;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!cip)
		return fadump_fail(ctx, -EINVAL, "fadump_crashinfo_read: cip is NULL");
	*cip = NULL;
	ret = papr_dump_summary(ctx, pd, &s);
	if (ret < 0)
		return ret;
	return crashinfo_read_at(ctx, s.has_crashinfo_addr, s.crashinfo_addr,
		"ibm,kernel-dump: no boot-memory section copies address 0, so "
		"there is no crash-info header address", cip);
}

FADUMP_EXPORT int fadump_opal_crashinfo_read(struct fadump_ctx *ctx,
					     const struct fadump_opal_fdm *fdm,
					     struct fadump_crashinfo **cip)
{
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!cip)
		return fadump_fail(ctx, -EINVAL, "fadump_opal_crashinfo_read: cip is NULL");
	*cip = NULL;
	if (!fdm)
		return fadump_fail(ctx, -EINVAL, "no OPAL kernel metadata given");
	fadump_opal_fdm_get_info(fdm, &in);
	/* opal_fadump_get_config(): the kernel trusts fadumphdr_addr as is */
	return crashinfo_read_at(ctx, in.crashinfo_addr != 0, in.crashinfo_addr,
		"OPAL kernel metadata: fadumphdr_addr is 0, so there is no "
		"crash-info header address", cip);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * powernv: the metadata behind an OPAL MPIPL dump.
 *
 * Two structures, found through OPAL tags (opal_mpipl_query_tag()) in the
 * capture kernel; userspace gets their bytes from memory:
 *
 *  - the kernel's own metadata, tag KERNEL: struct opal_fadump_mem_struct
 *    (platforms/powernv/opal-fadump.h), packed, in the last page of the
 *    reservation. 5.5 - 5.18 filled it with plain assignments, so every
 *    field, the regions' __be64-typed src/dest/size included, is in the
 *    crashed kernel's byte order (opal_fadump_init_mem_struct(), read
 *    back the same way by opal_fadump_get_config()); "powerpc/fadump: Fix
 *    fadump to work with a different endian capture kernel" (5.19, and
 *    5.10.y / 5.15.y stable) made every field big-endian:
 *	0x00 u8  version (OPAL_FADUMP_VERSION 1)	0x01 u8 reserved[3]
 *	0x04 u16 region_cnt				0x06 u16 registered_regions
 *	0x08 u64 fadumphdr_addr
 *	0x10 {u64 src, dest, size} rgn[128]		3088 bytes in all
 *  - the firmware's CPU metadata, tag CPU: struct opal_mpipl_fadump
 *    (asm/opal-api.h), big-endian, packed:
 *	0x00 u8 version (OPAL_MPIPL_VERSION 1)		0x01 u8 reserved[7]
 *	0x08 be32 crashing_pir, 0x0c be32 cpu_data_version,
 *	0x10 be32 cpu_data_size, 0x14 be32 region_cnt,
 *	0x18 {be64 src, dest, size} region[region_cnt]
 *    Region 0 is where the HDAT thread register data is (hdat-regs.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "metadata.h"

#define FDM_HEADER_LEN		16
#define FDM_REGION_LEN		24
#define FDM_VERSION		1
#define CPU_META_HEADER_LEN	24
#define CPU_META_REGION_LEN	24
#define CPU_META_VERSION	1
#define CPU_META_MAX_REGIONS	128

struct fdm_region {
	uint64_t src, dest, size;
};

struct fadump_opal_fdm {
	int refcount;
	struct fadump_opal_fdm_info info;
	struct fdm_region *rgn;		/* info.region_cnt of them */
	struct problems problems;
};

static void fdm_free(struct fadump_opal_fdm *fdm)
{
	problems_free(&fdm->problems);
	free(fdm->rgn);
	free(fdm);
}

/*
 * region_cnt decides the byte order when the caller does not know it: a
 * count n of 1..128 read the wrong way round is n * 256. Only a count of
 * 0 reads the same both ways, and then there is nothing to decode anyway.
 */
static int fdm_byte_order(struct fadump_ctx *ctx, const unsigned char *b,
			  enum fadump_byte_order *order)
{
	uint16_t be = get_u16(b + 4, FADUMP_BYTE_ORDER_BIG);
	uint16_t le = get_u16(b + 4, FADUMP_BYTE_ORDER_LITTLE);

	if (*order == FADUMP_BYTE_ORDER_BIG || *order == FADUMP_BYTE_ORDER_LITTLE) {
		uint16_t cnt = *order == FADUMP_BYTE_ORDER_BIG ? be : le;

		if (cnt > FADUMP_OPAL_MAX_REGIONS)
			return fadump_fail(ctx, -EBADMSG,
					   "OPAL kernel metadata: region_cnt %u (%s), more than the kernel's %d",
					   cnt, fadump_byte_order_name(*order),
					   FADUMP_OPAL_MAX_REGIONS);
		return 0;
	}
	if (be > FADUMP_OPAL_MAX_REGIONS && le > FADUMP_OPAL_MAX_REGIONS)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL kernel metadata: region_cnt reads %u big-endian and %u little-endian, more than the kernel's %d either way",
				   be, le, FADUMP_OPAL_MAX_REGIONS);
	if (be == le)
		*order = FADUMP_BYTE_ORDER_AUTO;	/* 0: undecided */
	else
		*order = be <= FADUMP_OPAL_MAX_REGIONS ? FADUMP_BYTE_ORDER_BIG :
							 FADUMP_BYTE_ORDER_LITTLE;
	return 0;
}

/*
 * What opal_fadump_dt_scan() and opal_fadump_get_config() make of it:
 * nothing registered means no dump at all; fewer registered than listed
 * means the rest was not saved (the kernel warns and goes on); no header
 * address means opal_fadump_process() gives up.
 */
static int fdm_judge(struct fadump_ctx *ctx, struct fadump_opal_fdm *fdm)
{
	struct fadump_opal_fdm_info *in = &fdm->info;
	enum fadump_dump_verdict v = FADUMP_DUMP_COMPLETE;
	int ret = 0;

	if (in->registered_regions == 0) {
		v = FADUMP_DUMP_UNUSABLE;
		ret = problems_add(ctx, &fdm->problems,
				   "no region was registered for MPIPL (registered_regions 0): the kernel treats the dump as absent");
	} else if (in->registered_regions < in->region_cnt) {
		v = FADUMP_DUMP_INCOMPLETE;
		ret = problems_add(ctx, &fdm->problems,
				   "regions %u-%u of %u were not registered for MPIPL and not saved: the kernel warns and builds the vmcore anyway",
				   in->registered_regions, in->region_cnt - 1,
				   in->region_cnt);
	}
	if (ret == 0 && in->crashinfo_addr == 0) {
		v = FADUMP_DUMP_UNUSABLE;
		ret = problems_add(ctx, &fdm->problems,
				   "fadumphdr_addr is 0: the kernel cannot find the crash-info header and refuses the dump");
	} else if (ret == 0 && in->region_cnt &&
		   in->crashinfo_addr != fdm->rgn[0].dest + in->boot_memory_size) {
		/* opal_fadump_init_mem_struct() always stores exactly this. */
		if (v == FADUMP_DUMP_COMPLETE)
			v = FADUMP_DUMP_INCOMPLETE;
		ret = problems_add(ctx, &fdm->problems,
				   "fadumphdr_addr 0x%llx is not region 0's destination plus the boot memory size (0x%llx), where the kernel puts it",
				   (unsigned long long)in->crashinfo_addr,
				   (unsigned long long)(fdm->rgn[0].dest +
							in->boot_memory_size));
	}
	in->verdict = v;
	return ret;
}

static int fdm_read_regions(struct fadump_ctx *ctx, struct fadump_opal_fdm *fdm,
			    const unsigned char *b)
{
	struct fadump_opal_fdm_info *in = &fdm->info;
	struct boot_mem bm = { 0 };

	if (in->region_cnt) {
		fdm->rgn = calloc(in->region_cnt, sizeof(*fdm->rgn));
		if (!fdm->rgn)
			return fadump_fail(ctx, -ENOMEM, "out of memory");
	}
	for (unsigned int i = 0; i < in->region_cnt; i++) {
		const unsigned char *r = b + FDM_HEADER_LEN + i * FDM_REGION_LEN;
		struct fdm_region *rg = &fdm->rgn[i];
		char what[48];
		int ret;

		rg->src = get_u64(r, in->byte_order);
		rg->dest = get_u64(r + 8, in->byte_order);
		rg->size = get_u64(r + 16, in->byte_order);
		snprintf(what, sizeof(what), "OPAL kernel metadata: region %u", i);
		ret = boot_mem_add(ctx, &bm, rg->src, rg->size, what);
		if (ret < 0)
			return ret;
	}
	in->boot_memory_size = bm.size;
	in->boot_mem_top = bm.top;
	return 0;
}

FADUMP_EXPORT int fadump_opal_fdm_parse(struct fadump_ctx *ctx, const void *buf,
					size_t len, enum fadump_byte_order order,
					struct fadump_opal_fdm **fdmp)
{
	const unsigned char *b = buf;
	struct fadump_opal_fdm *fdm;
	uint16_t cnt, registered;
	uint64_t need;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!fdmp || (!buf && len) ||
	    (unsigned int)order > FADUMP_BYTE_ORDER_LITTLE)
		return fadump_fail(ctx, -EINVAL,
				   "fadump_opal_fdm_parse: NULL argument or unknown byte order");
	*fdmp = NULL;
	if (len < FDM_HEADER_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL kernel metadata: %zu bytes, shorter than its %d-byte header",
				   len, FDM_HEADER_LEN);
	if (b[0] != FDM_VERSION)
		return fadump_fail(ctx, -EPROTONOSUPPORT,
				   "OPAL kernel metadata: version %u, only version %d is known (%zu bytes not decoded)",
				   b[0], FDM_VERSION, len);
	ret = fdm_byte_order(ctx, b, &order);
	if (ret < 0)
		return ret;
	cnt = get_u16(b + 4, order);
	registered = get_u16(b + 6, order);
	if (registered > cnt)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL kernel metadata: registered_regions %u is more than region_cnt %u",
				   registered, cnt);
	need = FDM_HEADER_LEN + (uint64_t)cnt * FDM_REGION_LEN;
	if (need > len)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL kernel metadata: %u regions need %llu bytes, only %zu given",
				   cnt, (unsigned long long)need, len);

	fdm = calloc(1, sizeof(*fdm));
	if (!fdm)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	fdm->refcount = 1;
	fdm->info = (struct fadump_opal_fdm_info){
		.size = sizeof(fdm->info),
		.version = b[0],
		.region_cnt = cnt,
		.registered_regions = registered,
		.crashinfo_addr = get_u64(b + 8, order),
		.byte_order = order,
	};
	ret = fdm_read_regions(ctx, fdm, b);
	if (ret == 0)
		ret = fdm_judge(ctx, fdm);
	if (ret < 0) {
		fdm_free(fdm);
		return ret;
	}
	dbg(ctx, "OPAL kernel metadata: %s, %u of %u regions registered, dump %s",
	    fadump_byte_order_name(order), registered, cnt,
	    fadump_dump_verdict_name(fdm->info.verdict));
	*fdmp = fdm;
	return 0;
}

FADUMP_EXPORT struct fadump_opal_fdm *fadump_opal_fdm_ref(struct fadump_opal_fdm *fdm)
{
	if (fdm)
		fdm->refcount++;
	return fdm;
}

FADUMP_EXPORT struct fadump_opal_fdm *fadump_opal_fdm_unref(struct fadump_opal_fdm *fdm)
{
	if (fdm && --fdm->refcount == 0)
		fdm_free(fdm);
	return NULL;
}

FADUMP_EXPORT int fadump_opal_fdm_get_info(const struct fadump_opal_fdm *fdm,
					   struct fadump_opal_fdm_info *out)
{
	if (!fdm || !out || out->size < FADUMP_OPAL_FDM_INFO_SIZE_V1)
		return -EINVAL;
	fadump_copy_out(out, &fdm->info, sizeof(fdm->info));
	return 0;
}

FADUMP_EXPORT int fadump_opal_fdm_get_region(const struct fadump_opal_fdm *fdm,
					     unsigned int idx,
					     struct fadump_opal_region *out)
{
	struct fadump_opal_region r;

	if (!fdm || !out || out->size < FADUMP_OPAL_REGION_SIZE_V1)
		return -EINVAL;
	if (idx >= fdm->info.region_cnt)
		return -ERANGE;
	r = (struct fadump_opal_region){
		.size = sizeof(r),
		.source = fdm->rgn[idx].src,
		.destination = fdm->rgn[idx].dest,
		.length = fdm->rgn[idx].size,
		.preserved = idx < fdm->info.registered_regions,
	};
	fadump_copy_out(out, &r, sizeof(r));
	return 0;
}

FADUMP_EXPORT const char *fadump_opal_fdm_problem(const struct fadump_opal_fdm *fdm,
						  unsigned int idx)
{
	return fdm ? problems_get(&fdm->problems, idx) : NULL;
}

FADUMP_EXPORT int fadump_opal_cpu_meta_parse(struct fadump_ctx *ctx,
					     const void *buf, size_t len,
					     struct fadump_opal_cpu_meta *out)
{
	const unsigned char *b = buf;
	struct fadump_opal_cpu_meta m = { .size = sizeof(m) };
	uint64_t need;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!out || out->size < FADUMP_OPAL_CPU_META_SIZE_V1 || (!buf && len))
		return fadump_fail(ctx, -EINVAL,
				   "fadump_opal_cpu_meta_parse: NULL argument or short struct");
	if (len < CPU_META_HEADER_LEN)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL CPU metadata: %zu bytes, shorter than its %d-byte header",
				   len, CPU_META_HEADER_LEN);
	if (b[0] != CPU_META_VERSION)
		return fadump_fail(ctx, -EPROTONOSUPPORT,
				   "OPAL CPU metadata: version %u, only version %d is known (%zu bytes not decoded)",
				   b[0], CPU_META_VERSION, len);
	m.version = b[0];
	m.crashing_pir = get_be32(b + 8);
	m.cpu_data_version = get_be32(b + 12);
	m.cpu_data_size = get_be32(b + 16);
	m.region_cnt = get_be32(b + 20);
	if (m.region_cnt > CPU_META_MAX_REGIONS)
		return fadump_fail(ctx, -E2BIG,
				   "OPAL CPU metadata: region_cnt %u, more than %d",
				   m.region_cnt, CPU_META_MAX_REGIONS);
	if (m.region_cnt == 0)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL CPU metadata: region_cnt 0, no region holds the CPU data");
	need = CPU_META_HEADER_LEN + (uint64_t)m.region_cnt * CPU_META_REGION_LEN;
	if (need > len)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL CPU metadata: %u regions need %llu bytes, only %zu given",
				   m.region_cnt, (unsigned long long)need, len);
	m.cpu_data_addr = get_be64(b + CPU_META_HEADER_LEN + 8);
	m.cpu_data_len = get_be64(b + CPU_META_HEADER_LEN + 16);
	/* is_opal_fadump_cpu_data_valid() */
	if (m.cpu_data_addr == 0 || m.cpu_data_size == 0 ||
	    m.cpu_data_size > m.cpu_data_len)
		return fadump_fail(ctx, -EBADMSG,
				   "OPAL CPU metadata: CPU data at 0x%llx, 0x%llx bytes, %u per thread: the kernel finds it invalid",
				   (unsigned long long)m.cpu_data_addr,
				   (unsigned long long)m.cpu_data_len,
				   m.cpu_data_size);
	fadump_copy_out(out, &m, sizeof(m));
	return 0;
}

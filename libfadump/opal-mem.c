// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * powernv: the kernel's OPAL metadata (struct opal_fadump_mem_struct) of
 * the waiting dump, read in the capture boot from memory.
 *
 * The firmware hands its address back to the kernel only
 * (opal_mpipl_query_tag(OPAL_MPIPL_TAG_KERNEL), logged at pr_debug); user
 * space finds it from where the crashed kernel put it
 * (platforms/powernv/opal-fadump.c):
 *
 *  - opal_fadump_setup_metadata(): in the last PAGE_ALIGN(3088) bytes of
 *    the reservation, reserve_dump_area_start + reserve_dump_area_size -
 *    metadata size;
 *  - opal_fadump_init_mem_struct(): boot memory is copied to the start of
 *    the reservation, so rgn[0].dest is reserve_dump_area_start.
 *
 * The capture kernel shows the regions of that very struct in its region
 * report (opal_fadump_region_show() prints opal_fdm_active's src, dest
 * and size) and the reservation's size in mem_reserved. The struct is
 * looked for at the end of the reservation for 64 KiB and 4 KiB pages,
 * read through /proc/kcore (the reservation is not in /proc/vmcore), and
 * taken only if its regions are the report's, one for one: the region
 * report is the kernel's own reading of the struct, so anything else at
 * that address is not it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "metadata.h"

#define FDM_SIZE	3088	/* sizeof(struct opal_fadump_mem_struct) */
#define FDM_MAX_DUMP	FADUMP_OPAL_MAX_REGIONS

struct report {
	unsigned int n;
	struct fadump_region r[FDM_MAX_DUMP];
};

/* The boot-memory (DUMP) lines of the kernel's region report. */
static int read_report(struct fadump_ctx *ctx, struct report *rep)
{
	struct fadump_regions *regs;
	int ret;

	ret = fadump_regions_read(ctx, &regs);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -ENOENT,
			"no region report (debugfs powerpc/fadump_region): the "
			"OPAL kernel metadata is found from its boot-memory "
			"regions");
	if (ret < 0)
		return ret;
	rep->n = 0;
	for (unsigned int i = 0; i < fadump_regions_count(regs); i++) {
		struct fadump_region r = { .size = sizeof(r) };

		if (fadump_regions_get(regs, i, &r) < 0 ||
		    r.type != FADUMP_REGION_DUMP || !r.has_source)
			continue;
		if (rep->n == FDM_MAX_DUMP) {
			fadump_regions_unref(regs);
			return fadump_fail(ctx, -EBADMSG,
				"region report: more than %d boot-memory regions",
				FDM_MAX_DUMP);
		}
		rep->r[rep->n++] = r;
	}
	fadump_regions_unref(regs);
	if (!rep->n)
		return fadump_fail(ctx, -ENOENT,
			"the region report lists no boot-memory region: no OPAL "
			"dump is waiting");
	return 0;
}

/* The struct's regions are the report's, in order. */
static bool matches(const struct fadump_opal_fdm *fdm, const struct report *rep)
{
	struct fadump_opal_fdm_info in = { .size = sizeof(in) };

	fadump_opal_fdm_get_info(fdm, &in);
	if (in.region_cnt != rep->n)
		return false;
	for (unsigned int i = 0; i < rep->n; i++) {
		struct fadump_opal_region r = { .size = sizeof(r) };

		if (fadump_opal_fdm_get_region(fdm, i, &r) < 0 ||
		    r.source != rep->r[i].source ||
		    r.destination != rep->r[i].start ||
		    r.length != rep->r[i].length)
			return false;
	}
	return true;
}

FADUMP_EXPORT int fadump_opal_fdm_read(struct fadump_ctx *ctx,
				       struct fadump_opal_fdm **fdmp,
				       uint64_t *addrp)
{
	static const uint64_t page_sizes[] = { 65536, 4096 };
	struct fadump_status st;
	struct report *rep;
	unsigned char buf[FDM_SIZE];
	uint64_t start, end, tried[2];
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!fdmp)
		return fadump_fail_null(ctx, "fdmp");
	*fdmp = NULL;
	ret = fadump_status_collect(ctx, &st);
	if (ret < 0)
		return ret;
	if (st.platform != FADUMP_PLATFORM_POWERNV)
		return fadump_fail(ctx, -EOPNOTSUPP,
			"OPAL kernel metadata exists on powernv only, this is %s",
			fadump_platform_name(st.platform));
	if (st.mem_reserved <= 0)
		return fadump_fail(ctx, -ENOENT,
			"no mem_reserved: the reservation's size places the OPAL "
			"kernel metadata (Linux 5.7+)");
	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	ret = read_report(ctx, rep);
	if (ret < 0)
		goto out;
	start = rep->r[0].start;
	if (start > UINT64_MAX - (uint64_t)st.mem_reserved) {
		ret = fadump_fail(ctx, -EBADMSG,
			"reservation at %#" PRIx64 " of %" PRId64 " bytes "
			"overflows 64 bits", start, st.mem_reserved);
		goto out;
	}
	end = start + (uint64_t)st.mem_reserved;
	for (size_t i = 0; i < ARRAY_SIZE(page_sizes); i++) {
		uint64_t addr = end - page_sizes[i];

		tried[i] = addr;
		if (end - start < page_sizes[i])
			continue;
		ret = fadump_kcore_read(ctx, addr, buf, sizeof(buf));
		if (ret == -ENXIO)
			continue;
		if (ret < 0)
			goto out;
		if (fadump_opal_fdm_parse(ctx, buf, sizeof(buf),
					  FADUMP_BYTE_ORDER_AUTO, fdmp) < 0)
			continue;
		if (matches(*fdmp, rep)) {
			dbg(ctx, "OPAL kernel metadata at %#" PRIx64, addr);
			if (addrp)
				*addrp = addr;
			ret = 0;
			goto out;
		}
		*fdmp = fadump_opal_fdm_unref(*fdmp);
	}
	ret = fadump_fail(ctx, -ENOENT,
		"no OPAL kernel metadata whose regions are the region report's "
		"at the end of the reservation [%#" PRIx64 ", %#" PRIx64 "): "
		"looked at %#" PRIx64 " (64 KiB pages) and %#" PRIx64
		" (4 KiB pages)", start, end, tried[0], tried[1]);
out:
	free(rep);
	return ret;
}

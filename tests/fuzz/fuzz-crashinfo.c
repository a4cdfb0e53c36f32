// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The crash-info header. The first 12 bytes are the caller's hint
 * (big-endian u64 phys_addr, u32 pt_regs_size; all zero: no hint is
 * passed); the rest is the header.
 */
#include "fuzz-common.h"

static uint64_t be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_crashinfo_info info = { .size = sizeof(info) };
	struct fadump_ppc64_regs regs = { .size = sizeof(regs) };
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint) };
	struct fadump_crashinfo *ci;
	const void *raw;
	size_t rawlen;

	if (size < 12)
		return 0;
	hint.phys_addr = be(data, 8);
	hint.pt_regs_size = (uint32_t)be(data + 8, 4);
	if (fadump_crashinfo_parse(ctx, data + 12, size - 12,
				   hint.phys_addr || hint.pt_regs_size ?
				   &hint : NULL, &ci) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	fadump_crashinfo_get_info(ci, &info);
	fadump_crashinfo_get_regs(ci, &regs);
	/* Past the mask's end too: the range check is part of the API. */
	for (unsigned int cpu = 0; cpu <= info.cpu_mask_size * 8 && cpu < 70000;
	     cpu++)
		if (fadump_crashinfo_cpu_in_mask(ci, cpu) < 0)
			break;
	if (fadump_crashinfo_raw(ci, &raw, &rawlen) == 0)
		fuzz_touch_bytes(raw, rawlen);
	fadump_crashinfo_unref(ci);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* The debugfs region report (fadump_region), as text in memory. */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_regions *regs;
	uint64_t start, end, addr;
	unsigned int n;

	if (fadump_regions_parse(ctx, (const char *)data, size, &regs) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	n = fadump_regions_count(regs);
	for (unsigned int i = 0; i <= n; i++) {
		struct fadump_region r = { .size = sizeof(r) };

		if (fadump_regions_get(regs, i, &r) == 0)
			fuzz_touch(r.name);
	}
	fadump_regions_reserved_above(regs, &addr);
	fuzz_touch(fadump_regions_cmdline_append(regs, &start, &end));
	fadump_regions_unref(regs);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * powernv HDAT thread register data. The first four bytes (big-endian)
 * are the thread size, which comes from the OPAL CPU metadata on a real
 * machine; the rest is the CPU region.
 */
#include "cpuregs-walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_cpuregs *rs;
	uint32_t thread_size;

	if (size < 4)
		return 0;
	thread_size = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
		      (uint32_t)data[2] << 8 | data[3];
	if (fadump_cpuregs_parse_hdat(ctx, data + 4, size - 4, thread_size,
				      &rs) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	cpuregs_walk(rs);
	fadump_cpuregs_unref(rs);
	return 0;
}

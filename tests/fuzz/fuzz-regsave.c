// SPDX-License-Identifier: LGPL-2.1-or-later
/* The pseries register save area (CPU state section, "REGSAVE"). */
#include "cpuregs-walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_cpuregs *rs;

	if (fadump_cpuregs_parse_rtas(ctx, data, size, &rs) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	cpuregs_walk(rs);
	fadump_cpuregs_unref(rs);
	return 0;
}

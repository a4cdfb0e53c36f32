// SPDX-License-Identifier: LGPL-2.1-or-later
/* The OPAL CPU metadata (opal_mpipl_fadump). */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_opal_cpu_meta meta = { .size = sizeof(meta) };

	if (fadump_opal_cpu_meta_parse(ctx, data, size, &meta) < 0)
		fuzz_touch(fadump_ctx_get_error(ctx));
	return 0;
}

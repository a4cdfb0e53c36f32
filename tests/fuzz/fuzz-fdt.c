// SPDX-License-Identifier: LGPL-2.1-or-later
/* A flattened device tree (/sys/firmware/fdt) in memory. */
#include "devtree-walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_devtree *dt;

	if (fadump_devtree_from_fdt(ctx, data, size, &dt) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	devtree_walk(ctx, dt);
	fadump_devtree_unref(dt);
	return 0;
}

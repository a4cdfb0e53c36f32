/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Ask a device tree everything: both device-tree targets use it. */
#ifndef FADUMP_FUZZ_DEVTREE_WALK_H
#define FADUMP_FUZZ_DEVTREE_WALK_H

#include "fuzz-common.h"

static inline void devtree_walk(struct fadump_ctx *ctx,
				struct fadump_devtree *dt)
{
	struct fadump_papr_dump *pd;
	int sizes;
	uint32_t token;

	fadump_devtree_get_platform(dt);
	fadump_devtree_firmware_support(dt);
	fadump_devtree_dump_present(dt);
	fadump_devtree_source(dt);
	fadump_devtree_rtas_token(dt, &token);
	for (int p = 0; p <= FADUMP_DT_PROP_COUNT; p++) {
		const void *data;
		size_t len;

		if (fadump_devtree_get_prop(dt, (enum fadump_dt_prop)p, &data,
					    &len) == 0)
			fuzz_touch_bytes(data, len);
	}
	sizes = fadump_devtree_dump_sizes_count(dt);
	for (int i = 0; i <= sizes; i++) {
		uint16_t type;
		uint64_t bytes;

		fadump_devtree_dump_size(dt, (unsigned int)i, &type, &bytes);
	}
	/* The property's own parser has its target; this is the glue. */
	if (fadump_papr_dump_from_devtree(ctx, dt, &pd) == 0)
		fadump_papr_dump_unref(pd);
}

#endif

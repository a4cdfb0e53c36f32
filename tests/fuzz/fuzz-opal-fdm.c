// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OPAL kernel metadata (opal_fadump_mem_struct). The first byte picks
 * the byte order the caller asks for (AUTO, BIG, LITTLE, or an invalid
 * value); the rest is the structure.
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_opal_fdm_info info = { .size = sizeof(info) };
	struct fadump_opal_fdm *fdm;

	if (size < 1)
		return 0;
	if (fadump_opal_fdm_parse(ctx, data + 1, size - 1,
				  (enum fadump_byte_order)(data[0] & 3),
				  &fdm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	fadump_opal_fdm_get_info(fdm, &info);
	for (unsigned int i = 0; i <= info.region_cnt; i++) {
		struct fadump_opal_region r = { .size = sizeof(r) };

		fadump_opal_fdm_get_region(fdm, i, &r);
	}
	for (unsigned int i = 0; fuzz_touch(fadump_opal_fdm_problem(fdm, i)); i++)
		;
	fadump_opal_fdm_unref(fdm);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The PAPR dump structure (/rtas/ibm,kernel-dump), and the 4-byte
 * -version property, which is decoded from the same input's first bytes.
 */
#include "fuzz-common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_papr_dump_header hdr = { .size = sizeof(hdr) };
	struct fadump_papr_dump_summary sum = { .size = sizeof(sum) };
	struct fadump_papr_versions ver = { .size = sizeof(ver) };
	struct fadump_papr_dump *pd;
	const void *raw;
	size_t rawlen;
	unsigned int n;

	fadump_papr_versions_parse(ctx, data, size < 4 ? size : 4, &ver);

	if (fadump_papr_dump_parse(ctx, data, size, &pd) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	fadump_papr_dump_get_header(pd, &hdr);
	fadump_papr_dump_get_summary(pd, &sum);
	n = fadump_papr_dump_section_count(pd);
	for (unsigned int i = 0; i <= n; i++) {
		struct fadump_papr_section s = { .size = sizeof(s) };

		if (fadump_papr_dump_get_section(pd, i, &s) == 0) {
			fuzz_touch(s.type_name);
			fuzz_touch(s.problem);
		}
	}
	for (unsigned int i = 0; fuzz_touch(fadump_papr_dump_problem(pd, i)); i++)
		;
	if (fadump_papr_dump_raw(pd, &raw, &rawlen) == 0)
		fuzz_touch_bytes(raw, rawlen);
	fadump_papr_dump_unref(pd);
	return 0;
}

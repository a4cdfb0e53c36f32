// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An ELF vmcore: the ELF header, program headers and notes are checked
 * by fadump_vmcore_open(), the notes' contents when asked for.
 */
#include "vmcore-walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_vmcore *vm;

	if (fadump_vmcore_open(ctx, fuzz_memfile(data, size), &vm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	vmcore_walk(vm, true);
	fadump_vmcore_unref(vm);
	return 0;
}

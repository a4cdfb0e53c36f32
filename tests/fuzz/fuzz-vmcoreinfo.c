// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * VMCOREINFO text, and the log ring it leads to. The harness wraps the
 * input in a well-formed ppc64 ELF core, so that every execution gets
 * past the container checks to the text:
 *
 *   input = flags byte (bit 0: big-endian core), the VMCOREINFO note's
 *           text, FUZZ_SEPARATOR, the memory of one PT_LOAD at physical
 *           address 0x10000 (kernel address 0xc000000000010000 in the
 *           linear map)
 *
 * Without a separator there is no memory, only the text. The address is
 * where tests/mkvmcore puts its printk ring (MKV_PRB_PADDR), so the seeds
 * made from its dumps reach the log reader.
 */
#include "vmcore-walk.h"

#define MEM_PADDR 0x10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_vmcore *vm;
	const uint8_t *piece[2];
	size_t plen[2];
	const char *path;

	if (size < 1)
		return 0;
	if (fuzz_split(data + 1, size - 1, 2, piece, plen) < 2)
		plen[1] = 0;
	path = fuzz_ppc64_core(data[0] & 1, piece[0], plen[0], MEM_PADDR,
			       piece[1], plen[1]);
	if (fadump_vmcore_open(ctx, path, &vm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
	} else {
		vmcore_walk(vm, true);
		fadump_vmcore_unref(vm);
	}
	return 0;
}

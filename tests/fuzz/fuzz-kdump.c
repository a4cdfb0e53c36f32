// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A kdump-compressed file (makedumpfile), as it is on disk: its header,
 * sub-header, notes, VMCOREINFO and bitmaps are checked by
 * fadump_vmcore_open(), each page's descriptor and compressed data when
 * the page is read. After the walk every vmcore target does, the harness
 * reads the memory ranges 4 KiB (the smallest page) at a time, at most
 * 256 reads, so that every page of a small file is decompressed.
 */
#include "vmcore-walk.h"

#define STEP 4096
#define MAX_READS 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_ctx();
	struct fadump_vmcore *vm;
	unsigned char buf[STEP];
	unsigned int nsegs, reads = 0;

	if (fadump_vmcore_open(ctx, fuzz_memfile(data, size), &vm) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	vmcore_walk(vm, false);
	nsegs = fadump_vmcore_segments_count(vm);
	for (unsigned int i = 0; i < nsegs && reads < MAX_READS; i++) {
		struct fadump_vmcore_segment s = { .size = sizeof(s) };

		if (fadump_vmcore_get_segment(vm, i, &s) < 0)
			continue;
		for (uint64_t off = 0; off < s.memsz && reads < MAX_READS;
		     off += STEP, reads++)
			if (fadump_vmcore_read(vm, s.paddr + off, buf, STEP) < 0)
				fuzz_touch(fadump_ctx_get_error(ctx));
			else
				fuzz_touch_bytes(buf, STEP);
	}
	fadump_vmcore_unref(vm);
	return 0;
}

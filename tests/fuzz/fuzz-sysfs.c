// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The sysfs attribute values, read by fadump_status_read() and
 * fadump_bootargs_append_get() from a scratch root.
 *
 * Input: a flags byte (bit 0: the 5.7+ /sys/kernel/fadump/ directory,
 * else the 3.4 - 5.6 flat files; bit 1: /proc/vmcore exists; bit 2: a
 * pseries device tree with ibm,configure-kernel-dump), a byte saying
 * which of attrs[] exist (bit i), then their contents cut at
 * FUZZ_SEPARATOR in that order. The flat layout has only the first three.
 */
#include <stdlib.h>
#include <stdio.h>

#include "fuzz-common.h"

static const char *const attrs[] = {
	"enabled", "registered", "release_mem",
	"mem_reserved", "hotplug_ready", "bootargs_append",
};

#define NATTRS (sizeof(attrs) / sizeof(attrs[0]))
#define NLEGACY 3

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t token[4] = { 0, 0, 0x10, 0x2a };
	struct fadump_ctx *ctx = fuzz_root_ctx();
	struct fadump_status st = { .size = sizeof(st) };
	const uint8_t *starts[NATTRS];
	size_t lens[NATTRS];
	unsigned int flags, present, n, count;
	char *args;

	if (size < 2)
		return 0;
	flags = data[0];
	present = data[1];
	n = fuzz_split(data + 2, size - 2, NATTRS, starts, lens);

	/* A fresh tree per input: either layout, never a mix of old files. */
	fuzz_remove_tree("sys");
	fuzz_put_file("proc/vmcore", flags & 2 ? "" : NULL, 0);
	if (flags & 4)
		fuzz_put_file("proc/device-tree/rtas/ibm,configure-kernel-dump",
			      token, sizeof(token));
	else
		fuzz_remove_tree("proc/device-tree");

	count = flags & 1 ? NATTRS : NLEGACY;
	for (unsigned int i = 0; i < count; i++) {
		char path[64];

		if (!(present & (1u << i)))
			continue;
		snprintf(path, sizeof(path), "sys/kernel/fadump%s%s",
			 flags & 1 ? "/" : "_", attrs[i]);
		fuzz_put_file(path, i < n ? starts[i] : data, i < n ? lens[i] : 0);
	}

	if (fadump_status_read(ctx, &st) < 0)
		fuzz_touch(fadump_ctx_get_error(ctx));
	if (fadump_bootargs_append_get(ctx, &args) == 0) {
		fuzz_touch(args);
		free(args);
	} else {
		fuzz_touch(fadump_ctx_get_error(ctx));
	}
	return 0;
}

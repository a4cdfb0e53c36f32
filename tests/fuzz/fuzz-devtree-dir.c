// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The device tree as a directory (/proc/device-tree or
 * /sys/firmware/devicetree/base) in a scratch root.
 *
 * Input: two bytes of flags, then the property values cut at
 * FUZZ_SEPARATOR in the order of props[] below. Flag bit i (of the
 * little-endian u16) set: property i exists; bit 15: the tree is under
 * /proc/device-tree instead of /sys/firmware/devicetree/base. A flag set
 * for a property with no piece left makes it empty, which is what a
 * boolean property such as mpipl-boot is.
 */
#include <stdio.h>

#include "devtree-walk.h"

static const char *const props[] = {
	"rtas/ibm,configure-kernel-dump",
	"rtas/ibm,configure-kernel-dump-sizes",
	"rtas/ibm,configure-kernel-dump-version",
	"rtas/ibm,kernel-dump",
	"ibm,opal/dump/compatible",
	"ibm,opal/dump/mpipl-boot",
	"ibm,opal/dump/fw-load-area",
	"compatible",
	"device_type",
};

#define NPROPS (sizeof(props) / sizeof(props[0]))
#define TREE_PROC "proc/device-tree/"
#define TREE_SYS "sys/firmware/devicetree/base/"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fadump_ctx *ctx = fuzz_root_ctx();
	const uint8_t *starts[NPROPS];
	size_t lens[NPROPS];
	struct fadump_devtree *dt;
	unsigned int flags, n;

	if (size < 2)
		return 0;
	flags = data[0] | (unsigned int)data[1] << 8;
	n = fuzz_split(data + 2, size - 2, NPROPS, starts, lens);

	for (unsigned int i = 0; i < NPROPS; i++) {
		char used[128];
		bool present = flags & (1u << i);

		snprintf(used, sizeof(used), "%s%s",
			 flags & 0x8000 ? TREE_PROC : TREE_SYS, props[i]);
		fuzz_put_file(used, present ? (i < n ? starts[i] : data) : NULL,
			      present && i < n ? lens[i] : 0);
	}
	/*
	 * /proc/device-tree is looked for first: only the tree the flags
	 * chose may exist.
	 */
	fuzz_remove_tree(flags & 0x8000 ? "sys" : "proc");
	if (fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt) < 0) {
		fuzz_touch(fadump_ctx_get_error(ctx));
		return 0;
	}
	devtree_walk(ctx, dt);
	fadump_devtree_unref(dt);
	return 0;
}

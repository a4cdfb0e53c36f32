// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Giving the dump's memory back in the capture boot.
 *
 * release_mem (every kernel since 3.4) invalidates the dump with the
 * firmware and frees all of the preserved memory at once, after user
 * space has saved /proc/vmcore. release_range (this project's kernel
 * series, kernel/patches/0003) frees one page-aligned piece of it
 * earlier, so a big machine gets its memory back while the copy runs;
 * /proc/vmcore then reads zeros there. release_mem still ends the job.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "attr.h"
#include "control.h"
#include "release.h"

static int release_decide(struct fadump_ctx *ctx, const void *arg,
			  struct fadump_change *change)
{
	int ret;

	ret = fadump_control_state(ctx, &change->st);
	if (ret < 0)
		return ret;
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_RELEASE_MEM, &change->abspath);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -ENOENT,
				   "no active dump: this boot has no release_mem attribute (the kernel creates it only in a capture boot)");
	if (ret < 0)
		return ret;
	/*
	 * The attribute stays after a release; /proc/vmcore does not. Its
	 * absence also covers a dump the kernel refused at boot, which it
	 * already released itself. Writing then would at best give EPERM;
	 * on kernels that create release_mem before checking the dump, a
	 * capture boot without fadump=on would free memory it never
	 * reserved.
	 */
	if (!change->st.vmcore_present)
		return fadump_fail(ctx, -EPERM,
				   "the dump was already released: " FADUMP_VMCORE_PATH " is gone (released before, or discarded by the kernel at boot)");
	change->write = true;
	return 0;
}

static int release_apply(struct fadump_ctx *ctx, const void *arg,
			 const struct fadump_change *change)
{
	const char *abspath = change->abspath;
	int ret;

	dbg(ctx, "writing 1 to %s", abspath);
	ret = fadump_write_attr(ctx, abspath, "1");
	if (ret == -EPERM)
		return fadump_attr_fail(ctx, -EPERM, abspath,
					"the kernel refused (EPERM): the dump was already released");
	if (ret < 0)
		return fadump_write_failed(ctx, abspath, "1", ret);

	/* release_mem_store() removes /proc/vmcore before returning. */
	ret = fadump_path_exists(ctx, FADUMP_VMCORE_PATH);
	if (ret == 0)
		return fadump_attr_fail(ctx, -EIO, abspath,
					"kernel accepted the write but " FADUMP_VMCORE_PATH " still exists");
	if (ret != -ENOENT)
		return fadump_fail(ctx, ret, "cannot check " FADUMP_VMCORE_PATH " after the release: %s",
				   strerror(-ret));
	return 0;
}

static const struct fadump_control_op release_op = {
	release_decide, release_apply,
};

FADUMP_EXPORT int fadump_release(struct fadump_ctx *ctx)
{
	return fadump_locked(ctx, &release_op, NULL);
}

/*
 * For the saver, whose copy is durable by now: straight to the lock (a
 * live dump always has memory to give back), the message not cleared.
 */
int fadump_release_keep_error(struct fadump_ctx *ctx)
{
	return fadump_locked_keep_error(ctx, &release_op, NULL);
}

FADUMP_EXPORT const char *fadump_release_mode_name(unsigned int mode)
{
	static const char *const names[] = {
		[FADUMP_RELEASE_NONE] = "none",
		[FADUMP_RELEASE_AT_END] = "end",
		[FADUMP_RELEASE_RANGES] = "ranges",
	};

	return mode < ARRAY_SIZE(names) ? names[mode] : "unknown";
}

/* The errors release_range_store() returns, in words (kernel/patches/0003). */
static int release_range_failed(struct fadump_ctx *ctx, const char *abspath,
				uint64_t start, uint64_t size, int err)
{
	uint64_t last = start + size - 1;

	switch (err) {
	case -EPERM:
		return fadump_attr_fail(ctx, -EPERM, abspath,
					"the kernel refused (EPERM): no dump is active (already released with release_mem?)");
	case -EINVAL:
		return fadump_attr_fail(ctx, -EINVAL, abspath,
					"the kernel refused [%#" PRIx64 "-%#" PRIx64 "] (EINVAL): start and size must be multiples of its page size",
					start, last);
	case -ERANGE:
		return fadump_attr_fail(ctx, -ERANGE, abspath,
					"[%#" PRIx64 "-%#" PRIx64 "] is not releasable crash memory (ERANGE): outside the memory above boot memory, or touching the reserved dump area, a firmware-reserved range or the parameter area",
					start, last);
	case -EBUSY:
		return fadump_attr_fail(ctx, -EBUSY, abspath,
					"part of [%#" PRIx64 "-%#" PRIx64 "] was released before (EBUSY)",
					start, last);
	default:
		return fadump_write_failed(ctx, abspath, "<range>", err);
	}
}

int fadump_release_range_write(struct fadump_ctx *ctx, const char *abspath,
				uint64_t start, uint64_t size)
{
	char val[2 * 20 + 8];

	/*
	 * "0x%" rather than "%#": %# prints zero as a bare "0", and a value
	 * whose every number starts with "0x" reads back unambiguously from
	 * a trace or from writes that arrived back to back.
	 */
	snprintf(val, sizeof(val), "0x%" PRIx64 " 0x%" PRIx64, start, size);
	dbg(ctx, "writing %s to %s", val, abspath);
	return fadump_write_attr(ctx, abspath, val);
}

struct range {
	uint64_t start, size;
};

static int release_range_decide(struct fadump_ctx *ctx, const void *arg,
				struct fadump_change *change)
{
	const struct range *r = arg;
	int ret;

	if (r->size == 0 || r->start > UINT64_MAX - (r->size - 1))
		return fadump_fail(ctx, -EINVAL,
				   "range of %#" PRIx64 " bytes at %#" PRIx64 " is empty or wraps around",
				   r->size, r->start);
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_RELEASE_RANGE,
				 &change->abspath);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -EOPNOTSUPP,
				   "no /sys/kernel/fadump/release_range: it exists in the capture boot of a kernel with libfadump's release_range patch (kernel/patches/0003)");
	if (ret < 0)
		return ret;
	change->write = true;
	return 0;
}

static int release_range_apply(struct fadump_ctx *ctx, const void *arg,
			       const struct fadump_change *change)
{
	const struct range *r = arg;
	int ret;

	ret = fadump_release_range_write(ctx, change->abspath, r->start,
					 r->size);
	if (ret < 0)
		return release_range_failed(ctx, change->abspath, r->start,
					    r->size, ret);
	return 0;
}

static const struct fadump_control_op release_range_op = {
	release_range_decide, release_range_apply,
};

FADUMP_EXPORT int fadump_release_range(struct fadump_ctx *ctx, uint64_t start,
				       uint64_t size)
{
	struct range r = { start, size };

	return fadump_locked(ctx, &release_range_op, &r);
}

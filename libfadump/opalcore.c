// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OPAL core: in the capture boot of a PowerNV machine the kernel
 * offers, beside /proc/vmcore, an ELF core of OPAL's own memory as it
 * was at the crash (arch/powerpc/platforms/powernv/opal-core.c, 5.4+):
 * /sys/firmware/opal/mpipl/core, some 30 MB, big-endian, one PT_NOTE of
 * the CPUs' registers and one PT_LOAD per OPAL region. Writing "1" to
 * /sys/firmware/opal/mpipl/release_core frees the memory behind it and
 * removes the core; release_core itself stays.
 *
 * Saving it is saving a dump: the same saver (vmcore-save.c) with the
 * same rules (unnamed 0600 file, fsync, link without replacing, free
 * space, progress and cancel), a copy byte for byte (no dump levels:
 * OPAL's memory has no page descriptors), and release_core only once
 * the copy is durable.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "attr.h"
#include "control.h"
#include "release.h"

static int opalcore_release_decide(struct fadump_ctx *ctx, const void *arg,
				   struct fadump_change *change)
{
	const char *core;
	int ret;

	(void)arg;
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_OPALCORE_RELEASE,
				 &change->abspath);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -ENOENT,
			"no OPAL core in this boot: no /sys/firmware/opal/mpipl/"
			"release_core (a PowerNV capture boot of a kernel with "
			"CONFIG_OPAL_CORE has it)");
	if (ret < 0)
		return ret;
	/* release_core outlives the core; writing then gets EPERM. */
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_OPALCORE, &core);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -EPERM,
			"the OPAL core was already released: "
			"/sys/firmware/opal/mpipl/core is gone");
	if (ret < 0)
		return ret;
	change->write = true;
	return 0;
}

static int opalcore_release_apply(struct fadump_ctx *ctx, const void *arg,
				  const struct fadump_change *change)
{
	const char *core;
	int ret;

	(void)arg;
	dbg(ctx, "writing 1 to %s", change->abspath);
	ret = fadump_write_attr(ctx, change->abspath, "1");
	if (ret == -EPERM)
		return fadump_attr_fail(ctx, -EPERM, change->abspath,
			"the kernel refused (EPERM): the OPAL core was already "
			"released");
	if (ret < 0)
		return fadump_write_failed(ctx, change->abspath, "1", ret);
	/* release_core_store() removes the core before returning. */
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_OPALCORE, &core);
	if (ret == 0)
		return fadump_attr_fail(ctx, -EIO, change->abspath,
			"kernel accepted the write but %s still exists", core);
	return ret == -ENOENT ? 0 : ret;
}

static const struct fadump_control_op opalcore_release_op = {
	opalcore_release_decide, opalcore_release_apply,
};

FADUMP_EXPORT int fadump_opalcore_release(struct fadump_ctx *ctx)
{
	return fadump_locked(ctx, &opalcore_release_op, NULL);
}

/* For the saver, whose copy is durable: the message is not cleared. */
static int opalcore_release_keep_error(struct fadump_ctx *ctx)
{
	return fadump_locked_keep_error(ctx, &opalcore_release_op, NULL);
}

FADUMP_EXPORT int fadump_opalcore_save(struct fadump_ctx *ctx, const char *dest,
				       const struct fadump_save_opts *opts,
				       struct fadump_save_result *res)
{
	struct save_target target = {
		.default_name = "opalcore",
		.flags = FADUMP_SAVE_NO_SPARSE | FADUMP_SAVE_RELEASE |
			 FADUMP_SAVE_ALLOW_UNSAFE_DEST | FADUMP_SAVE_CREATE_DEST,
		.filters = false,
		.release = opalcore_release_keep_error,
	};
	struct fadump_vmcore *core;
	char path[PATH_MAX];
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!dest || !*dest)
		return fadump_fail(ctx, -EINVAL, "no destination directory");
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_OPALCORE, &target.live_path);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -ENOENT,
			"no OPAL core: /sys/firmware/opal/mpipl/core exists in "
			"a PowerNV capture boot (CONFIG_OPAL_CORE) until "
			"release_core");
	if (ret == 0)
		ret = fadump_path(ctx, path, sizeof(path), target.live_path);
	if (ret < 0)
		return ret;
	/* The ELF reader checks the core as it checks any dump. */
	ret = fadump_vmcore_open(ctx, path, &core);
	if (ret < 0)
		return ret;
	ret = vmcore_save_target(core, dest, opts, res, &target);
	fadump_vmcore_unref(core);
	return ret;
}

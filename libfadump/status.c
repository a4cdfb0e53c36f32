// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the kernel and the firmware say about fadump, read into one struct.
 *
 * The kernel's side is a handful of sysfs attributes whose home moved in
 * 5.7 (kernel-interface.md §1.2): 3.4 - 5.6 had flat files on
 * /sys/kernel (fadump_enabled, fadump_registered, fadump_release_mem),
 * 5.7 and later a /sys/kernel/fadump/ directory with the old names kept
 * as links. Each attribute is looked for under its new name first, then
 * its old one.
 *
 * Everything the kernel prints here comes from a fixed format ("%d\n",
 * "%ld\n"), so anything else is not a kernel we understand: it is an
 * error naming the file and showing what it held, never a guess.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "attr.h"
#include "control.h"

static const struct {
	const char *name;	/* /sys/kernel/fadump/ (5.7+) */
	const char *legacy;	/* /sys/kernel/ flat file (3.4 - 5.6, then a link) */
} attr_paths[] = {
	[FADUMP_ATTR_ENABLED] = {
		"/sys/kernel/fadump/enabled", "/sys/kernel/fadump_enabled" },
	[FADUMP_ATTR_REGISTERED] = {
		"/sys/kernel/fadump/registered", "/sys/kernel/fadump_registered" },
	[FADUMP_ATTR_RELEASE_MEM] = {
		"/sys/kernel/fadump/release_mem", "/sys/kernel/fadump_release_mem" },
	/* Born in the directory: no legacy names. */
	[FADUMP_ATTR_MEM_RESERVED] = { "/sys/kernel/fadump/mem_reserved", NULL },
	[FADUMP_ATTR_HOTPLUG_READY] = { "/sys/kernel/fadump/hotplug_ready", NULL },
	[FADUMP_ATTR_BOOTARGS_APPEND] = {
		"/sys/kernel/fadump/bootargs_append", NULL },
	[FADUMP_ATTR_RELEASE_RANGE] = {
		"/sys/kernel/fadump/release_range", NULL },
	[FADUMP_ATTR_CRASH_INFO] = { "/sys/kernel/fadump/crash_info", NULL },
	/* 5.4 had the core at /sys/firmware/opal/core, now a link to it. */
	[FADUMP_ATTR_OPALCORE] = {
		"/sys/firmware/opal/mpipl/core", "/sys/firmware/opal/core" },
	[FADUMP_ATTR_OPALCORE_RELEASE] = {
		"/sys/firmware/opal/mpipl/release_core", NULL },
};

/*
 * Largest boolean attribute read: the kernel writes two bytes, so a file
 * this long is already proof of something else. Small enough to show in
 * full in the message.
 */
#define BOOL_ATTR_MAX 32
/* "%ld\n" of a long: 19 digits and the newline; the rest is slack. */
#define LONG_ATTR_MAX 32

static const char *const platform_names[] = {
	[FADUMP_PLATFORM_NONE] = "none",
	[FADUMP_PLATFORM_PSERIES] = "pseries",
	[FADUMP_PLATFORM_POWERNV] = "powernv",
};

static const char *const layout_names[] = {
	[FADUMP_SYSFS_NONE] = "none",
	[FADUMP_SYSFS_LEGACY] = "legacy",
	[FADUMP_SYSFS_DIRECTORY] = "directory",
};

const char *fadump_escape(char *buf, size_t size, const char *data,
			  size_t len, size_t max)
{
	size_t o = 0;

	for (size_t i = 0; i < len && i < max && o + 5 < size; i++) {
		unsigned char c = (unsigned char)data[i];

		switch (c) {
		case '\n':
			o += (size_t)snprintf(buf + o, size - o, "\\n");
			break;
		case '\t':
			o += (size_t)snprintf(buf + o, size - o, "\\t");
			break;
		case '\r':
			o += (size_t)snprintf(buf + o, size - o, "\\r");
			break;
		case '"':
		case '\\':
			o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
			break;
		default:
			if (c >= 0x20 && c < 0x7f)
				buf[o++] = (char)c;
			else
				o += (size_t)snprintf(buf + o, size - o,
						      "\\x%02x", c);
		}
	}
	if (len > max && o + 4 <= size)
		o += (size_t)snprintf(buf + o, size - o, "...");
	buf[o < size ? o : size - 1] = '\0';
	return buf;
}

int fadump_attr_fail_at(struct fadump_ctx *ctx, int err, const char *abspath,
			const char *file, int line, const char *fn,
			const char *format, ...)
{
	char path[PATH_MAX];
	char msg[FADUMP_ERRMSG_MAX];
	va_list args;
	int ret;

	ret = fadump_path(ctx, path, sizeof(path), abspath);
	if (ret < 0)
		return ret;
	va_start(args, format);
	vsnprintf(msg, sizeof(msg), format, args);
	va_end(args);
	return fadump_fail_at(ctx, err, file, line, fn, "%s: %s", path, msg);
}

/* 0, -ENOENT/-ENOTDIR for "not there" (nothing recorded), else -errno. */
static int stat_under_root(struct fadump_ctx *ctx, const char *abspath,
			   struct stat *st)
{
	char path[PATH_MAX];
	int ret;

	ret = fadump_path(ctx, path, sizeof(path), abspath);
	if (ret < 0)
		return ret;
	/* stat, not lstat: from 5.7 on the legacy names are symlinks. */
	if (stat(path, st) == 0)
		return 0;
	ret = -errno;
	if (ret == -ENOENT || ret == -ENOTDIR)
		return ret;
	return fadump_fail(ctx, ret, "cannot stat %s: %s", path,
			   strerror(-ret));
}

/* Exists at all: 1 yes, 0 no, negative errno (recorded) otherwise. */
static int path_present(struct fadump_ctx *ctx, const char *abspath)
{
	struct stat st;
	int ret = stat_under_root(ctx, abspath, &st);

	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;
	return ret < 0 ? ret : 1;
}

int fadump_attr_locate(struct fadump_ctx *ctx, enum fadump_attr attr,
		       const char **abspath)
{
	const char *candidates[] = {
		attr_paths[attr].name, attr_paths[attr].legacy,
	};

	for (size_t i = 0; i < ARRAY_SIZE(candidates); i++) {
		int ret;

		if (!candidates[i])
			continue;
		ret = path_present(ctx, candidates[i]);
		if (ret < 0)
			return ret;
		if (ret) {
			*abspath = candidates[i];
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * fadump_read_file() refuses anything but a regular file, so a directory
 * or FIFO in an attribute's place gives an error instead of a hang.
 */
int fadump_attr_read(struct fadump_ctx *ctx, const char *abspath, size_t max,
		     char **bufp, size_t *lenp)
{
	int ret = fadump_read_file(ctx, abspath, max, bufp, lenp);

	if (ret == -ENOENT || ret == -ENOTDIR)
		return fadump_attr_fail(ctx, ret, abspath, "vanished while reading");
	return ret;
}

/* The kernel's "%d\n" of a 0/1 flag: exactly "0\n" or "1\n". */
static int parse_bool(struct fadump_ctx *ctx, const char *abspath,
		      const char *buf, size_t len, enum fadump_tristate *val)
{
	char shown[FADUMP_ESCAPE_BUF];

	if (len == 2 && buf[1] == '\n' && (buf[0] == '0' || buf[0] == '1')) {
		*val = buf[0] == '1' ? FADUMP_YES : FADUMP_NO;
		return 0;
	}
	return fadump_attr_fail(ctx, -EBADMSG, abspath,
			 "expected \"0\\n\" or \"1\\n\" as the kernel prints it, found \"%s\"",
			 fadump_escape(shown, sizeof(shown), buf, len,
				       FADUMP_ESCAPE_SHOWN));
}

int fadump_attr_read_bool(struct fadump_ctx *ctx, enum fadump_attr attr,
			  enum fadump_tristate *val)
{
	const char *abspath;
	size_t len;
	char *buf;
	int ret;

	ret = fadump_attr_locate(ctx, attr, &abspath);
	if (ret == -ENOENT) {
		*val = FADUMP_UNKNOWN;
		return 0;
	}
	if (ret < 0)
		return ret;
	ret = fadump_attr_read(ctx, abspath, BOOL_ATTR_MAX, &buf, &len);
	if (ret == -E2BIG)
		return fadump_attr_fail(ctx, -EBADMSG, abspath,
				 "more than %d bytes, the kernel prints \"0\\n\" or \"1\\n\"",
				 BOOL_ATTR_MAX);
	if (ret < 0)
		return ret;
	ret = parse_bool(ctx, abspath, buf, len, val);
	free(buf);
	return ret;
}

/*
 * mem_reserved: "%ld\n" of reserve_dump_area_size, a byte count. The
 * kernel prints no sign, no leading zeros and no base prefix, and the
 * count fits a long; anything else is refused.
 */
static int read_mem_reserved(struct fadump_ctx *ctx, int64_t *val)
{
	char shown[FADUMP_ESCAPE_BUF];
	const char *abspath;
	uint64_t v;
	size_t len;
	char *buf;
	int ret;

	*val = -1;
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_MEM_RESERVED, &abspath);
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	ret = fadump_attr_read(ctx, abspath, LONG_ATTR_MAX, &buf, &len);
	if (ret == -E2BIG)
		return fadump_attr_fail(ctx, -EBADMSG, abspath,
				 "more than %d bytes, the kernel prints one decimal number",
				 LONG_ATTR_MAX);
	if (ret < 0)
		return ret;

	if (len < 2 || buf[len - 1] != '\n' ||
	    memchr(buf, '\n', len - 1) || (buf[0] == '0' && len != 2) ||
	    fadump_parse_u64(buf, len - 1, 10, &v) < 0 || v > INT64_MAX)
		ret = fadump_attr_fail(ctx, -EBADMSG, abspath,
				"expected a decimal byte count and a newline (\"%%ld\\n\"), found \"%s\"",
				fadump_escape(shown, sizeof(shown), buf, len,
					      FADUMP_ESCAPE_SHOWN));
	else
		*val = (int64_t)v;
	free(buf);
	return ret;
}

/*
 * DIRECTORY when /sys/kernel/fadump/ is a directory (5.7+), LEGACY when
 * only the flat files are there (3.4 - 5.6), NONE without either.
 */
static int read_layout(struct fadump_ctx *ctx, enum fadump_sysfs_layout *layout)
{
	struct stat st;
	int ret;

	ret = stat_under_root(ctx, "/sys/kernel/fadump", &st);
	if (ret == 0 && S_ISDIR(st.st_mode)) {
		*layout = FADUMP_SYSFS_DIRECTORY;
		return 0;
	}
	if (ret < 0 && ret != -ENOENT && ret != -ENOTDIR)
		return ret;

	*layout = FADUMP_SYSFS_NONE;
	for (enum fadump_attr a = FADUMP_ATTR_ENABLED;
	     a <= FADUMP_ATTR_REGISTERED; a++) {
		ret = path_present(ctx, attr_paths[a].legacy);
		if (ret < 0)
			return ret;
		if (ret)
			*layout = FADUMP_SYSFS_LEGACY;
	}
	return 0;
}

static int read_devtree(struct fadump_ctx *ctx, struct fadump_status *st,
			bool *dump_present)
{
	struct fadump_devtree *dt;
	int ret;

	ret = fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt);
	if (ret < 0)
		return ret;
	st->platform = fadump_devtree_get_platform(dt);
	st->firmware_support = fadump_devtree_firmware_support(dt);
	*dump_present = fadump_devtree_dump_present(dt);
	fadump_devtree_unref(dt);
	return 0;
}

static int attr_exists(struct fadump_ctx *ctx, enum fadump_attr attr,
		       bool *exists)
{
	const char *abspath;
	int ret = fadump_attr_locate(ctx, attr, &abspath);

	if (ret < 0 && ret != -ENOENT)
		return ret;
	*exists = ret == 0;
	return 0;
}

/*
 * The OPAL core: its size is the bin attribute's, which the kernel sets
 * to the whole ELF file (opalcore_init()); gone once released.
 */
static int read_opalcore(struct fadump_ctx *ctx, struct fadump_status *st)
{
	const char *abspath;
	struct stat sb;
	int ret;

	st->opalcore_size = -1;
	ret = attr_exists(ctx, FADUMP_ATTR_OPALCORE_RELEASE,
			  &st->opalcore_release_available);
	if (ret < 0)
		return ret;
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_OPALCORE, &abspath);
	if (ret == -ENOENT)
		return 0;
	if (ret == 0)
		ret = stat_under_root(ctx, abspath, &sb);
	if (ret == -ENOENT || ret == -ENOTDIR)
		return 0;	/* released between the two looks */
	if (ret < 0)
		return ret;
	if (!S_ISREG(sb.st_mode))
		return fadump_attr_fail(ctx, -EBADMSG, abspath,
			"not a regular file: the kernel's OPAL core is one");
	st->opalcore_present = true;
	st->opalcore_size = (int64_t)sb.st_size;
	return 0;
}

int fadump_status_collect(struct fadump_ctx *ctx, struct fadump_status *st)
{
	bool dt_dump_present;
	int ret;

	*st = (struct fadump_status){ .size = sizeof(*st) };

	ret = read_devtree(ctx, st, &dt_dump_present);
	if (ret < 0)
		return ret;

	ret = read_layout(ctx, &st->sysfs_layout);
	if (ret < 0)
		return ret;
	st->kernel_support = st->sysfs_layout != FADUMP_SYSFS_NONE;

	ret = fadump_attr_read_bool(ctx, FADUMP_ATTR_ENABLED, &st->enabled);
	if (ret < 0)
		return ret;
	ret = fadump_attr_read_bool(ctx, FADUMP_ATTR_REGISTERED,
				    &st->registered);
	if (ret < 0)
		return ret;
	/* A constant "1\n" since 6.10; a 0 would still be a fact to report. */
	ret = fadump_attr_read_bool(ctx, FADUMP_ATTR_HOTPLUG_READY,
				    &st->hotplug_ready);
	if (ret < 0)
		return ret;
	ret = read_mem_reserved(ctx, &st->mem_reserved);
	if (ret < 0)
		return ret;

	/*
	 * Facts by existence: bootargs_append's content is
	 * fadump_bootargs_append_get()'s business, release_mem and
	 * release_range are write-only (0200), crash_info is binary.
	 */
	ret = attr_exists(ctx, FADUMP_ATTR_BOOTARGS_APPEND,
			  &st->bootargs_append_supported);
	if (ret == 0)
		ret = attr_exists(ctx, FADUMP_ATTR_RELEASE_MEM,
				  &st->release_available);
	/* This project's kernel series (kernel/patches/0003, 0004). */
	if (ret == 0)
		ret = attr_exists(ctx, FADUMP_ATTR_RELEASE_RANGE,
				  &st->release_range_available);
	if (ret == 0)
		ret = attr_exists(ctx, FADUMP_ATTR_CRASH_INFO,
				  &st->crash_info_available);
	if (ret == 0)
		ret = read_opalcore(ctx, st);
	if (ret < 0)
		return ret;

	ret = path_present(ctx, FADUMP_VMCORE_PATH);
	if (ret < 0)
		return ret;
	st->vmcore_present = ret;

	/*
	 * Dump active: this boot holds a dump that can still be saved.
	 *
	 * The device tree alone cannot say it: ibm,kernel-dump (pseries) and
	 * mpipl-boot (powernv) are set by firmware for the whole boot and
	 * stay after the dump was released. What changes is in the kernel:
	 *  - release_mem exists only if the kernel saw a dump at boot
	 *    (fadump_init_files() creates it when fw_dump.dump_active: in
	 *    the 3.4- and 5.2-era code after the dump was processed, in
	 *    today's before);
	 *  - /proc/vmcore exists only while the dump is valid: the kernel
	 *    publishes it once processing succeeded (elfcorehdr_addr) and
	 *    removes it on release (release_mem_store() calls
	 *    vmcore_cleanup() before fadump_invalidate_release_mem(), since
	 *    3.4), and a dump that fails validation is invalidated at boot
	 *    without ever publishing it.
	 * So all three must hold. A kexec-kdump capture kernel has
	 * /proc/vmcore but no release_mem; a capture boot without fadump=on
	 * has release_mem (5.x+) but no /proc/vmcore. A kernel built without
	 * CONFIG_PROC_VMCORE never reports a dump active: it cannot save one.
	 */
	st->dump_active = dt_dump_present && st->release_available &&
			  st->vmcore_present;
	return 0;
}

FADUMP_EXPORT int fadump_status_read(struct fadump_ctx *ctx,
				     struct fadump_status *st)
{
	struct fadump_status full;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!st)
		return fadump_fail(ctx, -EINVAL, "no struct fadump_status given");
	if (st->size < FADUMP_STATUS_SIZE_V1)
		return fadump_fail(ctx, -EINVAL,
				   "struct fadump_status size %zu is smaller than the %zu bytes of its first version",
				   st->size, (size_t)FADUMP_STATUS_SIZE_V1);

	ret = fadump_status_collect(ctx, &full);
	if (ret < 0)
		return ret;
	fadump_copy_out(st, &full, sizeof(full));
	return 0;
}

FADUMP_EXPORT const char *fadump_platform_name(enum fadump_platform platform)
{
	if ((unsigned int)platform >= ARRAY_SIZE(platform_names))
		return "unknown";
	return platform_names[platform];
}

FADUMP_EXPORT const char *fadump_sysfs_layout_name(enum fadump_sysfs_layout layout)
{
	if ((unsigned int)layout >= ARRAY_SIZE(layout_names))
		return "unknown";
	return layout_names[layout];
}

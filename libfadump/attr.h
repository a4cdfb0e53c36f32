/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's fadump attributes in sysfs: where each one lives on each
 * kernel generation, reading it, and messages that name it and show what
 * it held. Defined in status.c; read by status, control, release and the
 * crash-info reader.
 */
#ifndef FADUMP_ATTR_H
#define FADUMP_ATTR_H

#include "internal.h"

/* The attributes of kernel-interface.md §1.2. */
enum fadump_attr {
	FADUMP_ATTR_ENABLED,
	FADUMP_ATTR_REGISTERED,
	FADUMP_ATTR_RELEASE_MEM,
	FADUMP_ATTR_MEM_RESERVED,
	FADUMP_ATTR_HOTPLUG_READY,
	FADUMP_ATTR_BOOTARGS_APPEND,
	/* kernel/patches/0003 and 0004: capture boot only */
	FADUMP_ATTR_RELEASE_RANGE,
	FADUMP_ATTR_CRASH_INFO,
	/* PowerNV capture boot, CONFIG_OPAL_CORE (opal-core.c, 5.4+) */
	FADUMP_ATTR_OPALCORE,
	FADUMP_ATTR_OPALCORE_RELEASE,
};

/* Where /proc/vmcore is: its presence is part of "dump active". */
#define FADUMP_VMCORE_PATH "/proc/vmcore"

/*
 * The absolute path (under the root) of @attr on this kernel: the
 * /sys/kernel/fadump/ name when it exists, else the legacy
 * /sys/kernel/fadump_* name. Returns 0, -ENOENT if the kernel has
 * neither (nothing recorded: absence is an answer), or another negative
 * errno recorded with the path.
 */
int fadump_attr_locate(struct fadump_ctx *ctx, enum fadump_attr attr,
		       const char **abspath);

/*
 * Read a located attribute of at most @max bytes (NUL-terminated copy).
 * A directory in its place is -EISDIR, any other non-regular file
 * -EBADMSG (a FIFO would block open() forever), a larger file -E2BIG;
 * every error is recorded with the path.
 */
int fadump_attr_read(struct fadump_ctx *ctx, const char *abspath, size_t max,
		     char **bufp, size_t *lenp);

/* Read a "%d\n" boolean attribute; FADUMP_UNKNOWN if it is absent. */
int fadump_attr_read_bool(struct fadump_ctx *ctx, enum fadump_attr attr,
			  enum fadump_tristate *val);

/*
 * Record @err with a message that starts with the full path of @abspath
 * (logged with the caller's place, as fadump_fail() is).
 */
int fadump_attr_fail_at(struct fadump_ctx *ctx, int err, const char *abspath,
			const char *file, int line, const char *fn,
			const char *format, ...) FADUMP_PRINTF(7, 8);
#define fadump_attr_fail(ctx, err, abspath, ...)                               \
	fadump_attr_fail_at((ctx), (err), (abspath), __FILE__, __LINE__,       \
			    __func__, __VA_ARGS__)

/*
 * Put at most @max bytes of @data into @buf as a C string literal body:
 * printable ASCII as is, '"' and '\\' escaped, \n \t \r, anything else
 * \xNN, and "..." when cut short. For messages that show what a file
 * held. @size must be at least 4 * @max + 4.
 */
const char *fadump_escape(char *buf, size_t size, const char *data,
			  size_t len, size_t max);

/* Room fadump_escape() needs to show FADUMP_ESCAPE_SHOWN bytes. */
#define FADUMP_ESCAPE_SHOWN 32
#define FADUMP_ESCAPE_BUF (4 * FADUMP_ESCAPE_SHOWN + 4)

#endif /* FADUMP_ATTR_H */

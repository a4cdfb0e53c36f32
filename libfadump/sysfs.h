/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private interface between the status reader (status.c) and the control
 * operations (control.c): where each fadump sysfs attribute lives on each
 * kernel generation, and the one snapshot of the state both act on.
 */
#ifndef FADUMP_SYSFS_H
#define FADUMP_SYSFS_H

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
 * Everything status and control need, in the struct the caller sees.
 * Does not clear the context's error; callers are public entry points
 * that already did.
 */
int fadump_status_collect(struct fadump_ctx *ctx, struct fadump_status *st);

/*
 * Read a located attribute of at most @max bytes (NUL-terminated copy).
 * A directory in its place is -EISDIR, any other non-regular file
 * -EBADMSG (a FIFO would block open() forever), a larger file -E2BIG;
 * every error is recorded with the path.
 */
int fadump_attr_read(struct fadump_ctx *ctx, const char *abspath, size_t max,
		     char **bufp, size_t *lenp);

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

/* Read a "%d\n" boolean attribute; FADUMP_UNKNOWN if it is absent. */
int fadump_attr_read_bool(struct fadump_ctx *ctx, enum fadump_attr attr,
			  enum fadump_tristate *val);

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

/*
 * A state change, in two steps so that deciding never writes.
 * decide() reads the state, refuses (recorded) what the kernel would
 * refuse, and sets @write when there is something to do, with the
 * attribute and the state it decided on; apply() then writes and checks
 * that the write took.
 */
struct fadump_change {
	bool write;			/* apply() is needed */
	const char *abspath;		/* the attribute to write */
	struct fadump_status st;	/* the state decided on */
};

struct fadump_control_op {
	int (*decide)(struct fadump_ctx *ctx, const void *arg,
		      struct fadump_change *change);
	int (*apply)(struct fadump_ctx *ctx, const void *arg,
		     const struct fadump_change *change);
};

/*
 * Serialise state changes between processes: an exclusive flock() on
 * <root>/run/fadump.lock, waited for at most FADUMP_LOCK_WAIT_MS.
 * Returns the descriptor to pass to fadump_control_unlock(), or a
 * negative errno recorded with the path (-EBUSY: still held by another
 * process after the wait).
 */
/*
 * control.c, shared with release.c. fadump_control_state(): the state a
 * control operation starts from, -ENODEV (recorded) without a fadump
 * interface. fadump_write_failed(): the message for what any attribute
 * write can meet (EACCES: needs root, EPERM: why the kernel refused).
 * fadump_locked(): a public entry point's prologue, then @op decided
 * and, if it writes, decided again and applied under the control lock.
 */
int fadump_control_state(struct fadump_ctx *ctx, struct fadump_status *st);
int fadump_write_failed(struct fadump_ctx *ctx, const char *abspath,
			const char *val, int err);
int fadump_locked(struct fadump_ctx *ctx, const struct fadump_control_op *op,
		  const void *arg);

/*
 * release.c. fadump_release_range_write(): the bare write of one range
 * to the located release_range attribute, its errno returned and
 * nothing recorded (the saver probes ranges the kernel may refuse).
 * fadump_release_keep_error(): fadump_release() for use inside the
 * library (the context's message is not cleared first).
 */
int fadump_release_range_write(struct fadump_ctx *ctx, const char *abspath,
			       uint64_t start, uint64_t size);
int fadump_release_keep_error(struct fadump_ctx *ctx);

#define FADUMP_LOCK_PATH "/run/fadump.lock"
#define FADUMP_LOCK_WAIT_MS 10000
int fadump_control_lock(struct fadump_ctx *ctx);
void fadump_control_unlock(int fd);

#endif /* FADUMP_SYSFS_H */

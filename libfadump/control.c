// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Changing fadump state: register, unregister, re-register, set the
 * capture kernel's extra arguments (giving the dump's memory back is in
 * release.c).
 *
 * Every operation is a decision and an action (struct fadump_control_op):
 *  1. decide: read the state and refuse up front what the kernel would
 *     refuse, so the caller learns why in words rather than as a bare
 *     EPERM, or find there is nothing to do;
 *  2. apply: write the attribute once, as the sysfs store expects, and
 *     turn the kernel's errno into what it means for that store
 *     (kernel-interface.md §1.3);
 *  3. then read the state back. The kernel reports success for writes
 *     that changed nothing (an unregister whose firmware call failed, any
 *     3.4-era registration), so success is what the read-back says.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "control.h"

/* COMMAND_LINE_SIZE on powerpc: the param area and the cmdline limit. */
#define BOOTARGS_MAX 2048
/* Largest bootargs_append read: "%s\n" of the 2048-byte area, with slack. */
#define BOOTARGS_READ_MAX 4096

#define MSG_NOT_ENABLED \
	"fadump not enabled at boot (fadump=on missing or reservation failed)"
#define MSG_DUMP_ACTIVE \
	"a dump is active: save it and release the memory first"

/*
 * The state every operation starts from. -ENODEV when the kernel has no
 * fadump interface at all: the files exist whenever the kernel has
 * CONFIG_FA_DUMP and the firmware advertises support, so their absence
 * names one of those two (3.4- and 5.2-era kernels also hid them when
 * booted without fadump=on: setup_fadump() returned before creating them).
 */
int fadump_control_state(struct fadump_ctx *ctx, struct fadump_status *st)
{
	int ret = fadump_status_collect(ctx, st);

	if (ret < 0)
		return ret;
	if (st->kernel_support)
		return 0;
	if (st->firmware_support)
		return fadump_fail(ctx, -ENODEV,
				   "kernel without fadump support: the firmware offers fadump but there is no /sys/kernel/fadump interface (CONFIG_FA_DUMP off, or an older kernel booted without fadump=on: up to at least 5.2 the files exist only when fadump is enabled)");
	return fadump_fail(ctx, -ENODEV,
			   "kernel without fadump support (CONFIG_FA_DUMP off or firmware lacks ibm,configure-kernel-dump): no /sys/kernel/fadump interface");
}

/* What both registered_store() and bootargs_append_store() refuse first. */
static int require_writable_state(struct fadump_ctx *ctx,
				  const struct fadump_status *st)
{
	if (st->enabled == FADUMP_NO)
		return fadump_fail(ctx, -EPERM, MSG_NOT_ENABLED);
	if (st->dump_active)
		return fadump_fail(ctx, -EPERM, MSG_DUMP_ACTIVE);
	return 0;
}

/*
 * The store returned EPERM although the state read before allowed the
 * write. Say which of its reasons holds now, if the state shows one.
 */
static int kernel_refused(struct fadump_ctx *ctx, const char *abspath)
{
	struct fadump_status now;

	if (fadump_status_collect(ctx, &now) == 0) {
		if (now.enabled == FADUMP_NO)
			return fadump_fail(ctx, -EPERM, MSG_NOT_ENABLED);
		if (now.dump_active)
			return fadump_fail(ctx, -EPERM, MSG_DUMP_ACTIVE);
	}
	return fadump_attr_fail(ctx, -EPERM, abspath,
				"the kernel refused the write (EPERM): fadump is not enabled at boot or a dump is active");
}

int fadump_write_failed(struct fadump_ctx *ctx, const char *abspath,
			const char *val, int err)
{
	switch (err) {
	case -EACCES:
		return fadump_attr_fail(ctx, -EACCES, abspath,
					"permission denied: writing fadump attributes needs root");
	case -EPERM:
		return kernel_refused(ctx, abspath);
	default:
		return fadump_attr_fail(ctx, err, abspath,
					"writing \"%s\" failed: %s", val,
					strerror(-err));
	}
}

/* The errors register_fadump() passes up through registered_store(). */
static int register_failed(struct fadump_ctx *ctx, const char *abspath,
			   int err)
{
	enum fadump_tristate reg;

	switch (err) {
	case -EEXIST:
		/* RTAS -9: the kernel now shows registered = 1 anyway. */
		if (fadump_attr_read_bool(ctx, FADUMP_ATTR_REGISTERED, &reg) < 0)
			reg = FADUMP_UNKNOWN;
		return fadump_attr_fail(ctx, -EEXIST, abspath,
					"firmware says a dump is already registered (RTAS status -9), made outside this kernel's knowledge; registered now reads %s",
					reg == FADUMP_YES ? "1" :
					reg == FADUMP_NO ? "0" : "nothing");
	case -EINVAL:
		return fadump_attr_fail(ctx, -EINVAL, abspath,
					"firmware rejected the registration as a parameter error (RTAS status -3, e.g. holes in the reserved memory); see the kernel log");
	case -EIO:
		return fadump_attr_fail(ctx, -EIO, abspath,
					"the firmware registration call failed (RTAS hardware error or OPAL failure); see the kernel log");
	case -ETIMEDOUT:
		return fadump_attr_fail(ctx, -ETIMEDOUT, abspath,
					"firmware stayed busy for more than 60 seconds; try again later");
	case -ENODEV:
		return fadump_attr_fail(ctx, -ENODEV, abspath,
					"the kernel has no memory reserved for fadump (boot-time reservation failed: mem_reserved reads 0); see the kernel log");
	default:
		return fadump_write_failed(ctx, abspath, "1", err);
	}
}

/* The read-back that turns "the write returned" into "the state changed". */
static int verify_registered(struct fadump_ctx *ctx, const char *abspath,
			     bool want)
{
	enum fadump_tristate now;
	int ret;

	ret = fadump_attr_read_bool(ctx, FADUMP_ATTR_REGISTERED, &now);
	if (ret < 0)
		return ret;
	if (now == (want ? FADUMP_YES : FADUMP_NO))
		return 0;
	return fadump_attr_fail(ctx, -EIO, abspath,
				"kernel accepted the write but registered still reads %s (%s; see the kernel log)",
				now == FADUMP_UNKNOWN ? "nothing" : want ? "0" : "1",
				want ? "3.4-era kernels ignore a failed registration" :
				       "the kernel ignores a failed firmware unregister call");
}

static int set_registered(struct fadump_ctx *ctx, const char *abspath,
			  bool want)
{
	const char *val = want ? "1" : "0";
	int ret;

	dbg(ctx, "writing %s to %s", val, abspath);
	ret = fadump_write_attr(ctx, abspath, val);
	if (ret < 0)
		return want ? register_failed(ctx, abspath, ret) :
			      fadump_write_failed(ctx, abspath, val, ret);
	return verify_registered(ctx, abspath, want);
}

/*
 * State and the registered attribute, which every registration operation
 * needs; with @writable, also refuse what register and re-register refuse
 * first (unregister decides on the registration before that check).
 */
static int registration_prologue(struct fadump_ctx *ctx,
				 struct fadump_status *st,
				 const char **abspath, bool writable)
{
	int ret;

	ret = fadump_control_state(ctx, st);
	if (ret < 0)
		return ret;
	ret = fadump_attr_locate(ctx, FADUMP_ATTR_REGISTERED, abspath);
	if (ret == -ENOENT)
		return fadump_fail(ctx, -ENODEV,
				   "kernel has a fadump interface but no registered attribute (neither /sys/kernel/fadump/registered nor /sys/kernel/fadump_registered)");
	if (ret < 0 || !writable)
		return ret;
	return require_writable_state(ctx, st);
}

static int register_decide(struct fadump_ctx *ctx, const void *arg,
			   struct fadump_change *change)
{
	int ret;

	ret = registration_prologue(ctx, &change->st, &change->abspath, true);
	if (ret < 0)
		return ret;
	/*
	 * Writing 1 again is not a no-op: it unregisters and registers
	 * anew (3.4-era kernels refuse it). Already registered is the
	 * state the caller asked for.
	 */
	if (change->st.registered == FADUMP_YES) {
		info(ctx, "already registered");
		return 0;
	}
	change->write = true;
	return 0;
}

static int register_apply(struct fadump_ctx *ctx, const void *arg,
			  const struct fadump_change *change)
{
	return set_registered(ctx, change->abspath, true);
}

static int unregister_decide(struct fadump_ctx *ctx, const void *arg,
			     struct fadump_change *change)
{
	int ret;

	ret = registration_prologue(ctx, &change->st, &change->abspath, false);
	if (ret < 0)
		return ret;
	/* Also covers a capture boot: nothing is registered there. */
	if (change->st.registered != FADUMP_YES) {
		info(ctx, "not registered");
		return 0;
	}
	ret = require_writable_state(ctx, &change->st);
	if (ret < 0)
		return ret;
	change->write = true;
	return 0;
}

static int unregister_apply(struct fadump_ctx *ctx, const void *arg,
			    const struct fadump_change *change)
{
	return set_registered(ctx, change->abspath, false);
}

static int reregister_decide(struct fadump_ctx *ctx, const void *arg,
			     struct fadump_change *change)
{
	int ret;

	ret = registration_prologue(ctx, &change->st, &change->abspath, true);
	if (ret < 0)
		return ret;
	change->write = true;
	return 0;
}

static int reregister_apply(struct fadump_ctx *ctx, const void *arg,
			    const struct fadump_change *change)
{
	const char *abspath = change->abspath;
	enum fadump_tristate now;
	int ret;

	if (change->st.registered != FADUMP_YES)
		return set_registered(ctx, abspath, true);

	/* 4.x and later: "1" while registered unregisters and registers. */
	dbg(ctx, "writing 1 to %s", abspath);
	ret = fadump_write_attr(ctx, abspath, "1");
	if (ret == 0)
		return verify_registered(ctx, abspath, true);
	if (ret != -EINVAL)
		return register_failed(ctx, abspath, ret);

	/*
	 * EINVAL has two meanings. A 3.4-era store refuses "1" while
	 * registered and leaves the registration alone; a later one
	 * unregistered, then the firmware refused the new registration
	 * (RTAS parameter error), leaving nothing registered. The state
	 * tells them apart.
	 */
	ret = fadump_attr_read_bool(ctx, FADUMP_ATTR_REGISTERED, &now);
	if (ret < 0)
		return ret;
	if (now != FADUMP_YES)
		return register_failed(ctx, abspath, -EINVAL);

	info(ctx, "kernel refuses in-place re-registration: unregistering, then registering");
	ret = set_registered(ctx, abspath, false);
	if (ret < 0)
		return ret;
	return set_registered(ctx, abspath, true);
}

static int bootargs_locate(struct fadump_ctx *ctx, const char **abspath)
{
	int ret = fadump_attr_locate(ctx, FADUMP_ATTR_BOOTARGS_APPEND, abspath);

	if (ret == -ENOENT)
		return fadump_fail(ctx, -EOPNOTSUPP,
				   "no /sys/kernel/fadump/bootargs_append: it needs a 6.10+ kernel with fadump on pseries, and a parameter area the kernel could reserve");
	return ret;
}

/* The kernel prints "%s\n" of a C string: one newline at the end, no NUL. */
static int bootargs_read(struct fadump_ctx *ctx, const char *abspath,
			 char **out)
{
	char shown[FADUMP_ESCAPE_BUF];
	size_t len;
	char *buf;
	int ret;

	ret = fadump_attr_read(ctx, abspath, BOOTARGS_READ_MAX, &buf, &len);
	if (ret == -E2BIG)
		return fadump_attr_fail(ctx, -EBADMSG, abspath,
					"more than %d bytes, the kernel prints at most the %d-byte parameter area",
					BOOTARGS_READ_MAX, BOOTARGS_MAX);
	if (ret < 0)
		return ret;
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len)) {
		ret = fadump_attr_fail(ctx, -EBADMSG, abspath,
				       "expected a string and a newline (\"%%s\\n\"), found \"%s\"",
				       fadump_escape(shown, sizeof(shown), buf,
						     len, FADUMP_ESCAPE_SHOWN));
		free(buf);
		return ret;
	}
	buf[len - 1] = '\0';
	*out = buf;
	return 0;
}

FADUMP_EXPORT int fadump_bootargs_append_get(struct fadump_ctx *ctx,
					     char **out)
{
	const char *abspath;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!out)
		return fadump_fail(ctx, -EINVAL, "no place for the result");
	*out = NULL;
	ret = bootargs_locate(ctx, &abspath);
	if (ret < 0)
		return ret;
	return bootargs_read(ctx, abspath, out);
}

static int bootargs_write_failed(struct fadump_ctx *ctx, const char *abspath,
				 size_t len, int err)
{
	switch (err) {
	case -EINVAL:
		return fadump_attr_fail(ctx, -EINVAL, abspath,
					"the kernel refused %zu bytes: it takes fewer than %d",
					len, BOOTARGS_MAX);
	case -ENOSPC:
		return fadump_attr_fail(ctx, -ENOSPC, abspath,
					"the kernel command line plus these %zu bytes would exceed %d bytes (COMMAND_LINE_SIZE): shorten them",
					len, BOOTARGS_MAX);
	default:
		return fadump_write_failed(ctx, abspath, "<bootargs>", err);
	}
}

static const struct fadump_control_op bootargs_op;

FADUMP_EXPORT int fadump_bootargs_append_set(struct fadump_ctx *ctx,
					     const char *args)
{
	const char *nl;
	size_t len;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!args)
		return fadump_fail(ctx, -EINVAL,
				   "no arguments given (\"\" clears them)");
	/*
	 * The store strips one trailing newline and keeps any other, which
	 * the capture kernel would then splice into its command line.
	 */
	nl = strchr(args, '\n');
	if (nl)
		return fadump_fail(ctx, -EINVAL,
				   "capture kernel arguments must be one line: newline at offset %zu",
				   (size_t)(nl - args));
	len = strlen(args);
	if (len >= BOOTARGS_MAX)
		return fadump_fail(ctx, -EINVAL,
				   "capture kernel arguments are %zu bytes: the kernel takes fewer than %d (COMMAND_LINE_SIZE)",
				   len, BOOTARGS_MAX);

	return fadump_locked(ctx, &bootargs_op, args);
}

/* Validated @args go to the attribute when the state allows it. */
static int bootargs_decide(struct fadump_ctx *ctx, const void *arg,
			   struct fadump_change *change)
{
	int ret;

	/*
	 * State before the attribute: 7.2 creates no bootargs_append when
	 * fadump is off, and "not enabled at boot" is the cause to report.
	 */
	ret = fadump_control_state(ctx, &change->st);
	if (ret < 0)
		return ret;
	ret = require_writable_state(ctx, &change->st);
	if (ret < 0)
		return ret;
	ret = bootargs_locate(ctx, &change->abspath);
	if (ret < 0)
		return ret;
	change->write = true;
	return 0;
}

static int bootargs_apply(struct fadump_ctx *ctx, const void *arg,
			  const struct fadump_change *change)
{
	const char *args = arg, *abspath = change->abspath;
	size_t len = strlen(args);
	char shown[FADUMP_ESCAPE_BUF];
	char *now;
	int ret;

	/*
	 * sysfs never calls a store for a 0-byte write, so "" goes out as
	 * "\n", which the store turns into the empty string.
	 */
	dbg(ctx, "writing %zu bytes of capture kernel arguments to %s", len,
	    abspath);
	ret = fadump_write_attr(ctx, abspath, len ? args : "\n");
	if (ret < 0)
		return bootargs_write_failed(ctx, abspath, len, ret);

	ret = bootargs_read(ctx, abspath, &now);
	if (ret < 0)
		return ret;
	if (strcmp(now, args) != 0)
		ret = fadump_attr_fail(ctx, -EIO, abspath,
				       "kernel accepted the write but bootargs_append reads \"%s\"",
				       fadump_escape(shown, sizeof(shown), now,
						     strlen(now),
						     FADUMP_ESCAPE_SHOWN));
	free(now);
	return ret;
}

static const struct fadump_control_op bootargs_op = {
	bootargs_decide, bootargs_apply,
};

/*
 * The public entry points: check the context, clear its message, and run
 * the operation under the control lock (lock.c).
 *
 * The decision is made twice. First without the lock, so an operation
 * with nothing to do or that is refused up front never creates or waits
 * for the lock file (a read-only saved root, a non-root caller asking
 * for what is already so). Then, if it writes, again under the lock,
 * on the state read there: another process may have changed it while
 * this one waited.
 */
int fadump_locked_keep_error(struct fadump_ctx *ctx,
			     const struct fadump_control_op *op, const void *arg)
{
	struct fadump_change change = { .write = false };
	int lock, ret;

	lock = fadump_control_lock(ctx);
	if (lock < 0)
		return lock;
	ret = op->decide(ctx, arg, &change);
	if (ret == 0 && change.write)
		ret = op->apply(ctx, arg, &change);
	fadump_control_unlock(lock);
	return ret;
}

int fadump_locked(struct fadump_ctx *ctx, const struct fadump_control_op *op,
		  const void *arg)
{
	struct fadump_change change = { .write = false };
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	ret = op->decide(ctx, arg, &change);
	if (ret < 0 || !change.write)
		return ret;
	return fadump_locked_keep_error(ctx, op, arg);
}

static const struct fadump_control_op register_op = {
	register_decide, register_apply,
};
static const struct fadump_control_op unregister_op = {
	unregister_decide, unregister_apply,
};
static const struct fadump_control_op reregister_op = {
	reregister_decide, reregister_apply,
};

FADUMP_EXPORT int fadump_register(struct fadump_ctx *ctx)
{
	return fadump_locked(ctx, &register_op, NULL);
}

FADUMP_EXPORT int fadump_unregister(struct fadump_ctx *ctx)
{
	return fadump_locked(ctx, &unregister_op, NULL);
}

FADUMP_EXPORT int fadump_reregister(struct fadump_ctx *ctx)
{
	return fadump_locked(ctx, &reregister_op, NULL);
}

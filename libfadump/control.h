/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the operations that change the kernel's fadump state share
 * (control.c: register and friends, release.c, lock.c): the state they
 * start from, the words for a refused write, and the control lock that
 * puts one of them at a time between processes.
 */
#ifndef FADUMP_CONTROL_H
#define FADUMP_CONTROL_H

#include <stdbool.h>

#include "internal.h"

/*
 * status.c: everything status and control need, in the struct the
 * caller sees. Does not clear the context's error; callers are public
 * entry points that already did.
 */
int fadump_status_collect(struct fadump_ctx *ctx, struct fadump_status *st);

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
 * @op decided and applied under the control lock, the context's message
 * not cleared: for the saver, whose copy is durable when it releases.
 */
int fadump_locked_keep_error(struct fadump_ctx *ctx,
			     const struct fadump_control_op *op, const void *arg);

/*
 * lock.c. Serialise state changes between processes: an exclusive
 * flock() on <root>/run/fadump.lock, waited for at most
 * FADUMP_LOCK_WAIT_MS. Returns the descriptor to pass to
 * fadump_control_unlock(), or a negative errno recorded with the path
 * (-EBUSY: still held by another process after the wait).
 */
#define FADUMP_LOCK_PATH "/run/fadump.lock"
#define FADUMP_LOCK_WAIT_MS 10000
int fadump_control_lock(struct fadump_ctx *ctx);
void fadump_control_unlock(int fd);

#endif /* FADUMP_CONTROL_H */

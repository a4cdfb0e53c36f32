/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * release.c for the saver (vmcore-save.c, early-release.c), which gives
 * the dump's memory back while and after it copies; the saver for the
 * OPAL core (opalcore.c), which gives back the memory that holds it.
 */
#ifndef FADUMP_RELEASE_H
#define FADUMP_RELEASE_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

/*
 * The bare write of one range to the located release_range attribute,
 * the caller holding the control lock: its errno returned and nothing
 * recorded (the saver probes ranges the kernel may refuse).
 */
int fadump_release_range_write(struct fadump_ctx *ctx, const char *abspath,
			       uint64_t start, uint64_t size);

/* fadump_release() without clearing the context's message first. */
int fadump_release_keep_error(struct fadump_ctx *ctx);

/*
 * What a save copies and what it may give back once the copy is durable:
 * the dump (/proc/vmcore, release_mem) or the OPAL core (release_core).
 */
struct save_target {
	const char *default_name;	/* the saved file's name */
	const char *live_path;		/* under the root: a release follows
					 * a copy of this file only */
	unsigned int flags;		/* enum fadump_save_flags it takes */
	bool filters;			/* dump levels, the kdump format */
	/* The release, the context's message not cleared. */
	int (*release)(struct fadump_ctx *ctx);
};

/*
 * vmcore-save.c: fadump_vmcore_save() of @target (the public function's
 * is the dump's). The caller has cleared the context's message.
 */
int vmcore_save_target(struct fadump_vmcore *vm, const char *dest,
		       const struct fadump_save_opts *opts,
		       struct fadump_save_result *res,
		       const struct save_target *target);

#endif /* FADUMP_RELEASE_H */

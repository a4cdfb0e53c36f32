/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * release.c for the saver (vmcore-save.c, early-release.c), which gives
 * the dump's memory back while and after it copies.
 */
#ifndef FADUMP_RELEASE_H
#define FADUMP_RELEASE_H

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

#endif /* FADUMP_RELEASE_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One page out of the compressors makedumpfile uses: zlib, lzo (LZO1X),
 * snappy and zstd, each through its own library. All but zlib are
 * optional at build time (meson options 'zstd', 'lzo', 'snappy');
 * without one, such a page is refused with -EOPNOTSUPP.
 */
#ifndef FADUMP_DECOMPRESS_H
#define FADUMP_DECOMPRESS_H

#include <stddef.h>

enum page_compression {
	PAGE_ZLIB,
	PAGE_LZO,
	PAGE_SNAPPY,
	PAGE_ZSTD,
};

/* Reusable state (zstd's context), made on first use. */
struct decompressor {
	void *zstd_dctx;
};

/* "zlib", "lzo", "snappy", "zstd". */
const char *page_compression_name(enum page_compression method);

/*
 * Decompress @srclen bytes at @src into exactly @page bytes at @dst.
 * Returns 0; -EBADMSG if the data is damaged or does not come out as
 * exactly one page; -EOPNOTSUPP if this build lacks the method; -ENOMEM.
 * On failure @why (of @whylen bytes) says what went wrong, for the
 * caller's message; nothing is recorded in a context.
 */
int page_decompress(struct decompressor *d, enum page_compression method,
		    const void *src, size_t srclen, void *dst, size_t page,
		    char *why, size_t whylen);

void decompressor_free(struct decompressor *d);

#endif /* FADUMP_DECOMPRESS_H */

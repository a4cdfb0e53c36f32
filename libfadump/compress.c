// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compressing one page for a kdump-compressed file, as makedumpfile does
 * (write_kdump_pages_cyclic()): each page on its own, at the fastest
 * setting of each library (zlib Z_BEST_SPEED, LZO1X-1, zstd level 1),
 * and kept only when the result is smaller than the page.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif

#include "compress.h"
#include "internal.h"
#include "kdump-format.h"

static const char *const compression_names[] = {
	[FADUMP_COMPRESS_DEFAULT] = "default",
	[FADUMP_COMPRESS_NONE] = "none",
	[FADUMP_COMPRESS_ZLIB] = "zlib",
	[FADUMP_COMPRESS_LZO] = "lzo",
	[FADUMP_COMPRESS_ZSTD] = "zstd",
};

FADUMP_EXPORT const char *fadump_compression_name(unsigned int compression)
{
	return compression < ARRAY_SIZE(compression_names) ?
	       compression_names[compression] : NULL;
}

FADUMP_EXPORT int fadump_compression_supported(unsigned int compression)
{
	switch (compression) {
	case FADUMP_COMPRESS_DEFAULT:
	case FADUMP_COMPRESS_NONE:
	case FADUMP_COMPRESS_ZLIB:
		return 1;
	case FADUMP_COMPRESS_LZO:
#ifdef HAVE_LZO
		return 1;
#else
		return 0;
#endif
	case FADUMP_COMPRESS_ZSTD:
#ifdef HAVE_ZSTD
		return 1;
#else
		return 0;
#endif
	}
	return -EINVAL;
}

unsigned int compression_resolve(unsigned int compression)
{
	if (compression != FADUMP_COMPRESS_DEFAULT)
		return compression;
#ifdef HAVE_ZSTD
	return FADUMP_COMPRESS_ZSTD;
#else
	return FADUMP_COMPRESS_ZLIB;
#endif
}

size_t compress_bound(size_t page)
{
	/* zlib's compressBound(), LZO's documented worst case, zstd's */
	size_t bound = page + page / 16 + 64 + 3;
	size_t z = (size_t)compressBound((uLong)page);

	if (z > bound)
		bound = z;
#ifdef HAVE_ZSTD
	if (ZSTD_compressBound(page) > bound)
		bound = ZSTD_compressBound(page);
#endif
	return bound;
}

uint32_t compress_desc_flag(unsigned int method)
{
	switch (method) {
	case FADUMP_COMPRESS_ZLIB:
		return DUMP_DH_COMPRESSED_ZLIB;
	case FADUMP_COMPRESS_LZO:
		return DUMP_DH_COMPRESSED_LZO;
	case FADUMP_COMPRESS_ZSTD:
		return DUMP_DH_COMPRESSED_ZSTD;
	}
	return 0;
}

static long zip(const void *src, size_t page, void *dst, size_t dstlen)
{
	uLongf out = (uLongf)dstlen;
	int ret = compress2(dst, &out, src, (uLong)page, Z_BEST_SPEED);

	if (ret == Z_MEM_ERROR)
		return -ENOMEM;
	return ret == Z_OK ? (long)out : 0;
}

long page_compress(struct compressor *c, const void *src, size_t page,
		   void *dst, size_t dstlen)
{
	long n = 0;

	switch (c->method) {
	case FADUMP_COMPRESS_ZLIB:
		n = zip(src, page, dst, dstlen);
		break;
#ifdef HAVE_ZSTD
	case FADUMP_COMPRESS_ZSTD: {
		size_t r;

		if (!c->zstd_cctx && !(c->zstd_cctx = ZSTD_createCCtx()))
			return -ENOMEM;
		r = ZSTD_compressCCtx(c->zstd_cctx, dst, dstlen, src, page, 1);
		n = ZSTD_isError(r) ? 0 : (long)r;
		break;
	}
#endif
#ifdef HAVE_LZO
	case FADUMP_COMPRESS_LZO: {
		lzo_uint out = dstlen;

		if (!c->lzo_wrkmem &&
		    (lzo_init() != LZO_E_OK ||
		     !(c->lzo_wrkmem = malloc(LZO1X_1_MEM_COMPRESS))))
			return -ENOMEM;
		if (lzo1x_1_compress(src, page, dst, &out, c->lzo_wrkmem) ==
		    LZO_E_OK)
			n = (long)out;
		break;
	}
#endif
	default:
		return 0;	/* none, or not built: stored as it is */
	}
	return n > 0 && (size_t)n < page ? n : 0;
}

void compressor_free(struct compressor *c)
{
#ifdef HAVE_ZSTD
	ZSTD_freeCCtx(c->zstd_cctx);
#endif
	free(c->lzo_wrkmem);
	c->zstd_cctx = NULL;
	c->lzo_wrkmem = NULL;
}

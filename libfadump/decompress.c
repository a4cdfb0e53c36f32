// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Decompressing one page of a kdump-compressed file.
 *
 * makedumpfile compresses each page on its own and keeps the result only
 * if it is smaller than the page (write_kdump_pages_cyclic()), so a page
 * that decompresses to anything but exactly one page is damaged: the
 * output buffer is the page and nothing more, and every library is asked
 * to say how much it produced. The libraries bound their own memory
 * (zlib's 32 KiB window; zstd decompresses a whole frame into the
 * caller's buffer without a window of its own; LZO1X and snappy need
 * none).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZO
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif

#include "decompress.h"

const char *page_compression_name(enum page_compression method)
{
	switch (method) {
	case PAGE_ZLIB:
		return "zlib";
	case PAGE_LZO:
		return "lzo";
	case PAGE_SNAPPY:
		return "snappy";
	case PAGE_ZSTD:
		return "zstd";
	}
	return "unknown";
}

static int wrong_size(char *why, size_t whylen, const char *name,
		      unsigned long long got, size_t page)
{
	snprintf(why, whylen, "%s data decompresses to %llu bytes, not the "
		 "%zu of a page", name, got, page);
	return -EBADMSG;
}

static int unzip(const void *src, size_t srclen, void *dst, size_t page,
		 char *why, size_t whylen)
{
	uLongf out = page;
	uLong in = (uLong)srclen;
	int ret;

	if (srclen > ULONG_MAX || page > ULONG_MAX) {
		snprintf(why, whylen, "zlib: sizes too large");
		return -EBADMSG;
	}
	/* uncompress2(): it says how much input the stream took */
	ret = uncompress2(dst, &out, src, &in);
	if (ret == Z_BUF_ERROR && out == page) {
		/* zlib's way of saying the output did not fit */
		snprintf(why, whylen, "zlib data decompresses to more than "
			 "the %zu bytes of a page", page);
		return -EBADMSG;
	}
	if (ret == Z_MEM_ERROR) {
		snprintf(why, whylen, "zlib: out of memory");
		return -ENOMEM;
	}
	if (ret != Z_OK) {
		snprintf(why, whylen, "zlib: %s", zError(ret));
		return -EBADMSG;
	}
	if (out != page)
		return wrong_size(why, whylen, "zlib", out, page);
	if (in != srclen) {
		snprintf(why, whylen, "%zu bytes after the zlib stream",
			 srclen - (size_t)in);
		return -EBADMSG;
	}
	return 0;
}

#ifdef HAVE_ZSTD
static int unzstd(struct decompressor *d, const void *src, size_t srclen,
		  void *dst, size_t page, char *why, size_t whylen)
{
	size_t ret;

	if (!d->zstd_dctx) {
		d->zstd_dctx = ZSTD_createDCtx();
		if (!d->zstd_dctx) {
			snprintf(why, whylen, "zstd: out of memory");
			return -ENOMEM;
		}
	}
	ret = ZSTD_decompressDCtx(d->zstd_dctx, dst, page, src, srclen);
	if (ZSTD_isError(ret)) {
		/* "Destination buffer is too small": more than a page */
		snprintf(why, whylen, "zstd: %s", ZSTD_getErrorName(ret));
		return -EBADMSG;
	}
	if (ret != page)
		return wrong_size(why, whylen, "zstd", ret, page);
	return 0;
}
#endif

#ifdef HAVE_LZO
static int unlzo(const void *src, size_t srclen, void *dst, size_t page,
		 char *why, size_t whylen)
{
	lzo_uint out = page;
	int ret;

	/* lzo_init() only checks the library's build against its header. */
	if (lzo_init() != LZO_E_OK) {
		snprintf(why, whylen, "lzo: the library failed its self-check");
		return -EOPNOTSUPP;
	}
	/* _safe: checks input and output bounds; no work memory needed */
	ret = lzo1x_decompress_safe(src, srclen, dst, &out, NULL);
	if (ret == LZO_E_OUTPUT_OVERRUN) {
		snprintf(why, whylen, "lzo data decompresses to more than the "
			 "%zu bytes of a page", page);
		return -EBADMSG;
	}
	if (ret != LZO_E_OK) {
		snprintf(why, whylen, "lzo: error %d (damaged data)", ret);
		return -EBADMSG;
	}
	if (out != page)
		return wrong_size(why, whylen, "lzo", out, page);
	return 0;
}
#endif

#ifdef HAVE_SNAPPY
static int unsnappy(const void *src, size_t srclen, void *dst, size_t page,
		    char *why, size_t whylen)
{
	size_t out;

	/* The length is the stream's first varint: check it before writing. */
	if (snappy_uncompressed_length(src, srclen, &out) != SNAPPY_OK) {
		snprintf(why, whylen, "snappy: no valid length at the start");
		return -EBADMSG;
	}
	if (out != page)
		return wrong_size(why, whylen, "snappy", out, page);
	if (snappy_uncompress(src, srclen, dst, &out) != SNAPPY_OK) {
		snprintf(why, whylen, "snappy: damaged data");
		return -EBADMSG;
	}
	return 0;
}
#endif

#if !defined(HAVE_ZSTD) || !defined(HAVE_LZO) || !defined(HAVE_SNAPPY)
static int not_built(const char *name, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s-compressed, and this libfadump was built "
		 "without %s support", name, name);
	return -EOPNOTSUPP;
}
#endif

int page_decompress(struct decompressor *d, enum page_compression method,
		    const void *src, size_t srclen, void *dst, size_t page,
		    char *why, size_t whylen)
{
	switch (method) {
	case PAGE_ZLIB:
		return unzip(src, srclen, dst, page, why, whylen);
	case PAGE_ZSTD:
#ifdef HAVE_ZSTD
		return unzstd(d, src, srclen, dst, page, why, whylen);
#else
		return not_built("zstd", why, whylen);
#endif
	case PAGE_LZO:
#ifdef HAVE_LZO
		return unlzo(src, srclen, dst, page, why, whylen);
#else
		return not_built("lzo", why, whylen);
#endif
	case PAGE_SNAPPY:
#ifdef HAVE_SNAPPY
		return unsnappy(src, srclen, dst, page, why, whylen);
#else
		return not_built("snappy", why, whylen);
#endif
	}
	snprintf(why, whylen, "unknown compression %d", (int)method);
	return -EOPNOTSUPP;
}

void decompressor_free(struct decompressor *d)
{
#ifdef HAVE_ZSTD
	ZSTD_freeDCtx(d->zstd_dctx);
#endif
	d->zstd_dctx = NULL;
}

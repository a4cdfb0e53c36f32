/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One page into the compressors a kdump-compressed file may use (zlib,
 * lzo, zstd), the writer's side of decompress.h.
 */
#ifndef FADUMP_COMPRESS_H
#define FADUMP_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

/* One per thread: the libraries' contexts and work memory, made on first use. */
struct compressor {
	unsigned int method;	/* enum fadump_compression, never DEFAULT */
	void *zstd_cctx;
	void *lzo_wrkmem;
};

/* DEFAULT resolved to what this build writes. */
unsigned int compression_resolve(unsigned int compression);

/* Bytes a buffer needs for the compressed form of a @page-byte page. */
size_t compress_bound(size_t page);

/*
 * Compress @page bytes at @src into @dst (compress_bound() bytes).
 * Returns the compressed length, 0 when the result would not be smaller
 * than the page (the caller stores the page as it is, as makedumpfile
 * does), or -ENOMEM.
 */
long page_compress(struct compressor *c, const void *src, size_t page,
		   void *dst, size_t dstlen);

/* The page descriptor flag (DUMP_DH_COMPRESSED_*) of c->method. */
uint32_t compress_desc_flag(unsigned int method);

void compressor_free(struct compressor *c);

#endif /* FADUMP_COMPRESS_H */

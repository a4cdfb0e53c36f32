// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The filtered save's pipeline: one thread reads, N compress, the same
 * one thread writes.
 *
 * The kept pages (the 2nd bitmap of dump-filter.c) are read in pfn
 * order into batches of BATCH_BYTES (at most BATCH_PAGES pages); a batch
 * goes to the worker
 * pool (workers.c), which finds the all-zero pages and compresses the
 * others; batches come back in the order they went, and their pages go
 * to the format's writer in pfn order. A ring of 2 batches per thread
 * (plus one) bounds the memory: about 4 MiB per thread, whatever the
 * dump's size and page size (batches of 256 pages were 32 MiB apiece with
 * 64 KiB pages: 171 MiB of RSS on 2 threads, for no gain in speed). What a worker makes of a page
 * depends on the page only, so the file is the same byte for byte
 * whatever the number of threads.
 *
 * The reader is the calling thread: /proc/vmcore is read in file order
 * by one reader, as fast as the kernel copies it, and the writer's
 * pwrite()s are cheap next to compression.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "page-class.h"
#include "save-filtered.h"
#include "workers.h"

#define BATCH_BYTES	(1u << 20)
#define BATCH_PAGES	256	/* 1 MiB of 4 KiB pages */

struct batch {
	unsigned int n;
	uint64_t pfn[BATCH_PAGES];
	uint32_t len[BATCH_PAGES];	/* 0: all zero */
	uint32_t flags[BATCH_PAGES];
	unsigned char *raw;		/* n pages as read */
	unsigned char *out;		/* n compressed pages, bound apart */
	uint64_t src_done;		/* source bytes up to its last page */
};

struct pipeline {
	struct filtered_save *fs;
	size_t bound;
	struct compressor *comp;	/* one per worker */
	struct batch *batches;
	unsigned int nbatches;
	unsigned int batch_pages;	/* BATCH_BYTES of pages, at least 1 */
	/* the reader's place */
	uint64_t next_pfn;
	unsigned int seg;		/* by_paddr index of the last read */
};

static void compress_batch(void *item, unsigned int worker, void *arg)
{
	struct pipeline *pl = arg;
	struct batch *b = item;
	size_t page = pl->fs->page;

	for (unsigned int i = 0; i < b->n; i++) {
		const unsigned char *src = b->raw + i * page;
		long n = 0;

		b->flags[i] = 0;
		if (bytes_are_zero(src, page)) {
			b->len[i] = 0;
			continue;
		}
		if (pl->fs->format == FADUMP_SAVE_FORMAT_KDUMP)
			n = page_compress(&pl->comp[worker], src, page,
					  b->out + i * pl->bound, pl->bound);
		if (n > 0) {
			b->len[i] = (uint32_t)n;
			b->flags[i] = compress_desc_flag(pl->fs->compression);
		} else {
			/* -ENOMEM or not smaller: stored as it is */
			b->len[i] = (uint32_t)page;
		}
	}
}

/*
 * Read physical [paddr, paddr + len) into @buf, zeros where no segment
 * holds it (a page only partly in the dump). Segments are visited from
 * the last one used, as pages come in order.
 */
static int read_span(struct pipeline *pl, uint64_t paddr, size_t len,
		     unsigned char *buf, uint64_t *src_done)
{
	struct fadump_vmcore *vm = pl->fs->vm;
	uint64_t end = paddr + len;
	int ret;

	memset(buf, 0, len);
	if (pl->seg >= vm->nby_paddr)
		pl->seg = 0;
	if (vm->nby_paddr && vm->by_paddr[pl->seg]->paddr > paddr)
		pl->seg = 0;
	for (unsigned int i = pl->seg; i < vm->nby_paddr; i++) {
		const struct vmcore_segment *seg = vm->by_paddr[i];
		uint64_t lo = seg->paddr > paddr ? seg->paddr : paddr;
		uint64_t seg_end = seg->paddr + seg->filesz;
		uint64_t hi = seg_end < end ? seg_end : end;

		if (seg->paddr >= end)
			break;
		if (hi <= lo)
			continue;
		pl->seg = i;
		ret = vmcore_read(vm, lo, buf + (lo - paddr), (size_t)(hi - lo));
		if (ret < 0)
			return ret;
		*src_done = seg->offset + (hi - seg->paddr);
	}
	return 0;
}

/* Fill @b with the next kept pages; b->n is 0 at the end. */
static int fill_batch(struct pipeline *pl, struct batch *b)
{
	const struct dump_filter *f = pl->fs->filter;
	size_t page = pl->fs->page;
	int ret;

	b->n = 0;
	while (b->n < pl->batch_pages) {
		uint64_t pfn = bitmap_next(f->kept, pl->next_pfn, f->max_mapnr);
		unsigned int run = 1;

		if (pfn >= f->max_mapnr)
			break;
		/* consecutive kept pages are read with one call */
		while (b->n + run < pl->batch_pages && pfn + run < f->max_mapnr &&
		       bitmap_test(f->kept, pfn + run))
			run++;
		ret = read_span(pl, pfn << f->page_shift, run * page,
				b->raw + b->n * page, &b->src_done);
		if (ret < 0)
			return ret;
		for (unsigned int i = 0; i < run; i++)
			b->pfn[b->n++] = pfn + i;
		pl->next_pfn = pfn + run;
	}
	return 0;
}

/*
 * The class of each kept page, only needed to count a zero page where
 * its class was counted: a second walk of the page classes, in step
 * with the writer (reading descriptors is 1/64 of reading the pages).
 */
struct class_cursor {
	struct fadump_page_iter *it;
	struct fadump_page_run run;
	bool have, done;
};

static unsigned int class_at(struct class_cursor *c, uint64_t pfn)
{
	while (!c->done && (!c->have || c->run.pfn + c->run.count <= pfn)) {
		c->run.size = sizeof(c->run);
		c->have = fadump_page_iter_next(c->it, &c->run) == 1;
		c->done = !c->have;
	}
	if (c->have && pfn >= c->run.pfn && pfn < c->run.pfn + c->run.count)
		return c->run.page_class;
	return FADUMP_PAGE_UNKNOWN;
}

static int write_batch(struct pipeline *pl, const struct filtered_format *ff,
		       struct batch *b, struct class_cursor *cc)
{
	struct filtered_save *fs = pl->fs;
	const struct save_sink *sink = fs->sink;
	int ret;

	for (unsigned int i = 0; i < b->n; i++) {
		const void *data = b->flags[i] ? b->out + i * pl->bound :
				   b->raw + i * fs->page;

		bool drop = !b->len[i] && (fs->filter->level & FADUMP_DUMP_ZERO);

		ret = ff->page(fs, b->pfn[i], b->len[i] ? data : NULL,
			       drop ? 0 : b->len[i] ? b->len[i] : fs->page,
			       b->flags[i]);
		if (ret < 0)
			return ret;
		/* after the writer saw it: the ELF writer's runs read the bitmap */
		if (drop)
			dump_filter_drop_zero(fs->filter, b->pfn[i],
					      class_at(cc, b->pfn[i]));
	}
	if (b->n && sink->pages_written) {
		uint64_t end = b->pfn[b->n - 1] + 1;

		ret = sink->pages_written(sink->s, end);
		if (ret > 0) {
			ret = ff->checkpoint(fs, end);
			if (ret == 0)
				ret = sink->durable(sink->s, end);
		}
		if (ret < 0)
			return ret;
	}
	if (b->n && sink->progress)
		return sink->progress(sink->s, b->src_done, fs->vm->file_size);
	return 0;
}

static void pipeline_free(struct pipeline *pl, unsigned int nworkers)
{
	for (unsigned int i = 0; pl->comp && i < nworkers; i++)
		compressor_free(&pl->comp[i]);
	for (unsigned int i = 0; pl->batches && i < pl->nbatches; i++) {
		free(pl->batches[i].raw);
		free(pl->batches[i].out);
	}
	free(pl->comp);
	free(pl->batches);
}

static int pipeline_alloc(struct pipeline *pl, unsigned int nworkers)
{
	struct filtered_save *fs = pl->fs;

	pl->bound = compress_bound(fs->page);
	pl->batch_pages = fs->page >= BATCH_BYTES ? 1 :
			  (unsigned int)(BATCH_BYTES / fs->page);
	if (pl->batch_pages > BATCH_PAGES)
		pl->batch_pages = BATCH_PAGES;
	pl->nbatches = 2 * nworkers + 1;
	pl->comp = calloc(nworkers, sizeof(*pl->comp));
	pl->batches = calloc(pl->nbatches, sizeof(*pl->batches));
	if (!pl->comp || !pl->batches)
		return -ENOMEM;
	for (unsigned int i = 0; i < nworkers; i++)
		pl->comp[i].method = fs->compression;
	for (unsigned int i = 0; i < pl->nbatches; i++) {
		pl->batches[i].raw = malloc(pl->batch_pages * fs->page);
		if (fs->format == FADUMP_SAVE_FORMAT_KDUMP)
			pl->batches[i].out = malloc(pl->batch_pages * pl->bound);
		if (!pl->batches[i].raw ||
		    (fs->format == FADUMP_SAVE_FORMAT_KDUMP && !pl->batches[i].out))
			return -ENOMEM;
	}
	return 0;
}

/* Read, compress and write every kept page, the ring kept full. */
static int run_pipeline(struct pipeline *pl, const struct filtered_format *ff,
			struct workers *w, struct class_cursor *cc)
{
	unsigned int next = 0;
	bool eof = false;
	struct batch *b;
	int ret;

	for (;;) {
		while (!eof && workers_pending(w) < pl->nbatches) {
			b = &pl->batches[next++ % pl->nbatches];
			ret = fill_batch(pl, b);
			if (ret < 0)
				return ret;
			if (!b->n) {
				eof = true;
				break;
			}
			workers_submit(w, b);
		}
		b = workers_next_done(w);
		if (!b)
			return 0;
		ret = write_batch(pl, ff, b, cc);
		if (ret < 0)
			return ret;
	}
}

int save_filtered(struct filtered_save *fs)
{
	const struct filtered_format *ff =
		fs->format == FADUMP_SAVE_FORMAT_KDUMP ? &filtered_format_kdump :
							 &filtered_format_elf;
	struct pipeline pl = { .fs = fs };
	struct class_cursor cc = { 0 };
	struct workers *w = NULL;
	unsigned int nworkers;
	int ret;

	fs->page = (size_t)1 << fs->filter->page_shift;
	/* ELF pages are only checked for zeros: not worth a thread */
	nworkers = fs->format == FADUMP_SAVE_FORMAT_KDUMP &&
		   fs->compression != FADUMP_COMPRESS_NONE ?
		   workers_count(fs->threads) : 1;
	ret = pipeline_alloc(&pl, nworkers);
	if (ret == 0 && (fs->filter->level & FADUMP_DUMP_ZERO))
		ret = fadump_page_iter_new(fs->vm, 0, fs->filter->max_mapnr, 0,
					   &cc.it);
	if (ret == 0)
		ret = workers_start(&w, nworkers, pl.nbatches, compress_batch,
				    &pl);
	if (ret < 0) {
		pipeline_free(&pl, nworkers);
		fadump_page_iter_free(cc.it);
		return ret == -ENOMEM ?
		       fadump_fail(fs->vm->ctx, ret, "out of memory") :
		       fadump_fail(fs->vm->ctx, ret, "cannot start %u threads: %s",
				   nworkers, strerror(-ret));
	}
	fs->threads_used = nworkers;
	ret = ff->begin(fs);
	if (ret == 0 && fs->sink->laid_out)
		ret = fs->sink->laid_out(fs->sink->s);
	if (ret == 0)
		ret = run_pipeline(&pl, ff, w, &cc);
	workers_stop(w);
	if (ret == 0)
		ret = ff->end(fs);
	if (ret == 0 && fs->sink->durable)
		ret = fs->sink->durable(fs->sink->s, fs->filter->max_mapnr);
	if (ff->free)
		ff->free(fs);
	pipeline_free(&pl, nworkers);
	fadump_page_iter_free(cc.it);
	return ret;
}

/* ---- the notes, for both formats' headers ---------------------------- */

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

int filtered_notes(struct fadump_vmcore *vm, unsigned char **bufp,
		   size_t *lenp, size_t *info_off, size_t *info_len)
{
	size_t len = 0, off = 0;
	unsigned char *buf;

	*bufp = NULL;
	*lenp = *info_off = *info_len = 0;
	for (unsigned int i = 0; i < vm->nnotes; i++)
		len += 12 + align4(strlen(vm->notes[i].name) + 1) +
		       align4(vm->notes[i].descsz);
	if (!len)
		return 0;
	buf = calloc(1, len);
	if (!buf)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < vm->nnotes; i++) {
		const struct vmcore_note *n = &vm->notes[i];
		size_t namesz = strlen(n->name) + 1;

		put_u32(buf + off, (uint32_t)namesz, vm->order);
		put_u32(buf + off + 4, (uint32_t)n->descsz, vm->order);
		put_u32(buf + off + 8, n->type, vm->order);
		off += 12;
		memcpy(buf + off, n->name, namesz);
		off += align4(namesz);
		if (strcmp(n->name, "VMCOREINFO") == 0 && !*info_len) {
			*info_off = off;
			*info_len = n->descsz;
		}
		memcpy(buf + off, n->desc, n->descsz);
		off += align4(n->descsz);
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

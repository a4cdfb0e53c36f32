// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What memory the saver may give back, and when.
 *
 * The copy is written in file order, but for the segments the kernel
 * keeps, which the saver copies last and which are not asked again. A
 * PT_LOAD segment maps file bytes [offset, offset + filesz) to physical
 * [paddr, paddr + filesz), so once the copy is durable up to some offset,
 * each other segment's durable prefix names memory nobody needs any more. That prefix, rounded inward to the
 * kernel's pages (a page is released only when all of it is on disk),
 * goes to release_range; the next call picks up where the last stopped.
 *
 * User space cannot see which pages the kernel keeps until release_mem
 * (boot memory, whose contents are the firmware's copy in the reserved
 * area; RTAS and other firmware-reserved ranges; the parameter area), so
 * it asks: a piece refused with ERANGE or EBUSY is split in two and each
 * half asked again, down to a granule, and what is refused stays for
 * release_mem. A segment whose first piece is refused entirely with
 * ERANGE is boot memory, or (OPAL) the gap between boot memory and the
 * reserved area, which skiboot's reserved-ranges cover: not asked again. EBUSY says only that part
 * of the piece was released before (by `fadumpctl release --range`, or by
 * a save that stopped half way): the rest of that segment is still held,
 * so it is asked for as it is copied.
 *
 * Segments that are two views of the same memory (a kernel image inside
 * a RAM range, as x86_64 kdump lists it) would make a release under one
 * view zero the other before it is copied: then nothing is released
 * early.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attr.h"
#include "control.h"
#include "early-release.h"
#include "release.h"

/* Refused pieces are split down to this (or the page size if larger). */
#define GRANULE_MIN	(1u << 20)
/* A piece is at most a batch plus a page or two: 2^40 / 1 MiB is 20. */
#define SPLIT_DEPTH_MAX	24

int early_release_start(struct early_release *er, struct fadump_vmcore *vm)
{
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	*er = (struct early_release){ .ctx = vm->ctx, .vm = vm };
	ret = fadump_attr_locate(vm->ctx, FADUMP_ATTR_RELEASE_RANGE,
				 &er->abspath);
	if (ret == -ENOENT) {
		info(vm->ctx, "no release_range in this kernel: the memory is released after the copy");
		er->abspath = NULL;
		return -EOPNOTSUPP;
	}
	if (ret < 0)
		return ret;
	/* Only an ELF core maps file bytes to memory one to one. */
	if (vm->format->id != FADUMP_VMCORE_FORMAT_ELF) {
		info(vm->ctx, "%s: a %s file: the memory is released after the copy",
		     vm->path, vm->format->name);
		er->abspath = NULL;
		return -EOPNOTSUPP;
	}
	if (vm->nby_paddr != vm->nsegs) {
		info(vm->ctx, "%s: segments overlap in physical memory: the memory is released after the copy",
		     vm->path);
		er->abspath = NULL;
		return -EOPNOTSUPP;
	}
	if (page <= 0 || (page & (page - 1)))
		return fadump_fail(vm->ctx, -EINVAL, "page size %ld is not a power of 2",
				   page);
	er->page = (uint64_t)page;
	er->granule = er->page > GRANULE_MIN ? er->page : GRANULE_MIN;
	er->released_to = calloc(vm->nsegs ? vm->nsegs : 1,
				 sizeof(*er->released_to));
	er->skip = calloc(vm->nsegs ? vm->nsegs : 1, sizeof(*er->skip));
	if (!er->released_to || !er->skip) {
		early_release_end(er);
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	}
	for (unsigned int i = 0; i < vm->nsegs; i++)
		er->released_to[i] = vm->segs[i].paddr;
	return 0;
}

void early_release_end(struct early_release *er)
{
	free(er->released_to);
	free(er->skip);
	er->released_to = NULL;
	er->skip = NULL;
	er->abspath = NULL;
}

uint64_t early_release_probe_len(const struct early_release *er,
				 unsigned int idx)
{
	const struct vmcore_segment *seg = &er->vm->segs[idx];
	uint64_t mask = er->page - 1, first, end;

	if (!er->abspath || er->skip[idx])
		return 0;
	first = (seg->paddr + mask) & ~mask;
	if (first < seg->paddr || first - seg->paddr >= seg->filesz ||
	    seg->filesz - (first - seg->paddr) < er->page)
		return 0;		/* wraps, or no whole page inside */
	end = first - seg->paddr + er->granule;
	return end < seg->filesz ? end : seg->filesz;
}

bool early_release_kept(const struct early_release *er, unsigned int idx)
{
	return er->skip && er->skip[idx];
}

/*
 * An error not about one range: the rest waits for release_mem. A warning,
 * not an error: the save goes on and loses nothing, it only gives the
 * memory back later.
 */
static void stop(struct early_release *er, int error, const char *what)
{
	warning(er->ctx, "%s failed (%s): no more memory is released before the copy ends",
	    what, strerror(-error));
	er->abspath = NULL;
}

/*
 * Ask for [start, start + size); on a refusal of the range itself try
 * the halves. Returns the bytes the kernel took, or a negative errno
 * that is not about the range.
 */
static int64_t release_piece(struct early_release *er, uint64_t start,
			     uint64_t size, unsigned int depth)
{
	uint64_t half;
	int64_t a, b;
	int ret;

	ret = fadump_release_range_write(er->ctx, er->abspath, start, size);
	if (ret == 0) {
		er->bytes += size;
		er->ranges++;
		return (int64_t)size;
	}
	if (ret != -ERANGE && ret != -EBUSY)
		return ret;
	dbg(er->ctx, "kernel refuses [%#" PRIx64 ", +%#" PRIx64 "): %s", start,
	    size, strerror(-ret));
	half = size / 2 & ~(er->page - 1);
	if (size <= er->granule || depth >= SPLIT_DEPTH_MAX || half == 0) {
		if (ret == -ERANGE)
			er->kept_bytes += size;
		return 0;
	}
	a = release_piece(er, start, half, depth + 1);
	if (a < 0)
		return a;
	b = release_piece(er, start + half, size - half, depth + 1);
	return b < 0 ? b : a + b;
}

void early_release_durable(struct early_release *er, uint64_t durable)
{
	const struct fadump_vmcore *vm = er->vm;
	int lock;

	if (!er->abspath)
		return;
	lock = fadump_control_lock(er->ctx);
	if (lock < 0) {
		stop(er, lock, "taking the control lock");
		return;
	}
	for (unsigned int i = 0; i < vm->nsegs && er->abspath; i++) {
		const struct vmcore_segment *seg = &vm->segs[i];
		uint64_t upto, lo, hi, mask = er->page - 1;
		int64_t took;

		if (er->skip[i] || seg->filesz == 0 || durable <= seg->offset)
			continue;
		upto = durable - seg->offset < seg->filesz ?
		       durable - seg->offset : seg->filesz;
		/*
		 * Whole pages only: round the start up, the end down. A start
		 * in the last page of the address space rounds up past 2^64
		 * to 0, as in early_release_probe_len(): no whole page is
		 * left. The end, at most 2^64 (checked at open), wraps only
		 * to 0, so that top page stays for release_mem.
		 */
		lo = (er->released_to[i] + mask) & ~mask;
		hi = (seg->paddr + upto) & ~mask;
		if (lo < er->released_to[i] || hi <= lo)
			continue;
		er->kept_bytes = 0;
		took = release_piece(er, lo, hi - lo, 0);
		if (took < 0) {
			stop(er, (int)took, "writing to release_range");
			break;
		}
		if (er->kept_bytes == hi - lo && lo == ((seg->paddr + mask) & ~mask)) {
			info(er->ctx, "the kernel keeps [%#" PRIx64 ", +%#" PRIx64
			     "] until release_mem (boot memory, or memory firmware reserved): not asked again",
			     seg->paddr, seg->filesz);
			er->skip[i] = true;
		}
		er->released_to[i] = hi;
	}
	fadump_control_unlock(lock);
}

void early_release_phys(struct early_release *er, uint64_t start,
			uint64_t size)
{
	uint64_t mask = er->page - 1, lo, hi;
	int64_t took;
	int lock;

	lo = (start + mask) & ~mask;
	hi = (start + size) & ~mask;
	if (!er->abspath || lo < start || hi <= lo)
		return;
	lock = fadump_control_lock(er->ctx);
	if (lock < 0) {
		stop(er, lock, "taking the control lock");
		return;
	}
	took = release_piece(er, lo, hi - lo, 0);
	if (took < 0)
		stop(er, (int)took, "writing to release_range");
	fadump_control_unlock(lock);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Saving a vmcore: a sparse, durable, all-or-nothing copy.
 *
 * The order of operations is the whole point, because in the capture
 * boot the copy is the only one there will ever be:
 *
 *  1. Open the destination directory (no symlink; owned by root or the
 *     caller, writable by its owner only, unless the caller insists) and
 *     refuse at once if the target name exists: a dump is never
 *     overwritten, and finding out after copying 64 GiB would be cruel.
 *  2. Check free space against the bytes that must be written whatever
 *     the memory holds (headers and notes). How much memory is zero is
 *     only known by reading it, so a disk that fills up later is caught
 *     by write() and reported with how far the copy got.
 *  3. Create the copy as an unnamed O_TMPFILE file, mode 0600: the dump
 *     holds every secret the crashed kernel had in memory, and a file
 *     without a name cannot be mistaken for a dump nor outlive a killed
 *     saver. Filesystems without O_TMPFILE get ".vmcore.XXXXXX" (O_EXCL,
 *     O_NOFOLLOW).
 *  4. Stream the source; blocks of the destination's block size that are
 *     all zero are skipped (they stay holes), the rest is written at its
 *     own offset, so the copy is byte for byte the source.
 *  5. ftruncate() to the full size (a trailing hole), fsync() the file,
 *     link (or rename) it into place without replacing anything, fsync()
 *     the directory. Only then is the dump durably saved, and only then
 *     is release_mem written, if asked.
 *
 * Any failure, or the progress callback asking to stop, removes the
 * temporary file; nothing is left behind.
 *
 * Range-wise release (early-release.c) changes three things. Memory given
 * back before the end exists only in the copy, so the copy needs a name
 * from the start, "<name>.partial" (its creation fsync()ed before the
 * first release), every release follows an fdatasync() of the bytes that
 * hold it, and a failed or killed save that released anything keeps the
 * file: its first N bytes (N = its size) are the dump's, but for the
 * segments the kernel keeps until release_mem. Those (boot memory, first
 * in the file) are copied last, so that memory starts coming back at
 * once instead of after a copy of boot memory (see copy_kept_last()).
 *
 * While copying, writeback is started as soon as data is written (every
 * 8 MiB) and the page cache is dropped a few chunks behind: the capture
 * kernel runs in little memory, and a dump's worth of dirty pages would
 * otherwise make the final fsync() a long wait of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "dump-filter.h"
#include "early-release.h"
#include "release.h"
#include "save-filtered.h"

#define TMP_PREFIX	".vmcore."
#define TMP_NAME_LEN	(sizeof(TMP_PREFIX) - 1 + 6)
#define PARTIAL_SUFFIX	".partial"
/* Copy bytes made durable and given back per early release. */
#define RELEASE_BATCH_DEFAULT	(64u << 20)

enum tmp_kind {
	TMP_UNNAMED,		/* O_TMPFILE: linked into place at the end */
	TMP_NAMED,		/* .vmcore.XXXXXX: renamed into place */
	TMP_PARTIAL,		/* <name>.partial: range-wise release */
};
/* Writeback is started every KICK bytes, pages dropped LAG behind. */
#define WRITEBACK_KICK	(8u << 20)
#define WRITEBACK_LAG	(32u << 20)

/* File bytes [lo, hi) of a segment the kernel keeps until release_mem. */
struct kept_range {
	uint64_t lo, hi;
};

struct saver {
	struct fadump_vmcore *vm;
	struct fadump_ctx *ctx;
	const struct save_target *target;
	const char *dest;
	const char *name;
	int dirfd;
	int fd;
	enum tmp_kind tmp_kind;
	char tmp[NAME_MAX + 1];		/* name of a named copy, "" if none */
	unsigned int flags;		/* enum fadump_save_flags */
	size_t block;			/* zero-detection unit */
	bool sparse;
	uint64_t written;
	uint64_t file_end;		/* highest offset written */
	/* Range-wise release */
	bool early;			/* early release running */
	struct early_release er;
	uint64_t batch;
	uint64_t synced;		/* the copy is durable below this */
	uint32_t syncs;
	uint64_t kicked;		/* writeback started below this offset */
	uint64_t dropped;		/* page cache dropped below this offset */
	uint64_t streamed;		/* bytes of the source copied so far */
	struct kept_range *later;	/* copied last, in this order */
	unsigned int nlater;
	bool late;			/* copying those: nothing to release */
	fadump_progress_fn progress;
	void *userdata;
	/* Filtered saves: dump level or kdump format (save-filtered.c) */
	bool filtered;
	struct dump_filter filter;
	struct filtered_save fs;
	uint64_t out_size;		/* the file's size when done */
	bool filtered_whole;		/* the writer finished the file */
	uint64_t released_pfn;		/* kept pages below it went back */
	uint64_t written_at_sync;	/* s->written at the last fdatasync */
	uint32_t excluded_ranges;	/* released before the copy */
	uint64_t excluded_bytes;
};

static int fail_errno(struct saver *s, const char *what);

/*
 * The copy as a message names it: its temporary name, or for an unnamed
 * O_TMPFILE file, which has none, the name it is being made for.
 */
static const char *copy_path(const struct saver *s, char *buf, size_t size)
{
	if (s->tmp[0])
		snprintf(buf, size, "%s/%s", s->dest, s->tmp);
	else
		snprintf(buf, size, "%s/%s (not yet linked)", s->dest, s->name);
	return buf;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int write_at(struct saver *s, const unsigned char *p, size_t len,
		    uint64_t offset)
{
	while (len) {
		ssize_t n = pwrite(s->fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;
			char copy[PATH_MAX];

			return fadump_fail(s->ctx, ret,
				"%s: write at offset %#" PRIx64 " failed: %s "
				"(copy stopped at %" PRIu64 " of %" PRIu64
				" bytes)", copy_path(s, copy, sizeof(copy)),
				offset, strerror(-ret), offset,
				s->vm->file_size);
		}
		p += n;
		len -= (size_t)n;
		offset += (uint64_t)n;
		s->written += (uint64_t)n;
		if (offset > s->file_end)
			s->file_end = offset;
	}
	return 0;
}

/*
 * Start writeback of what was written since the last call (in steps of
 * at least WRITEBACK_KICK, whatever the chunk size), and drop from the
 * page cache what was written WRITEBACK_LAG ago, by then on disk.
 * Neither call waits for the disk, so reading goes on while it writes;
 * pages still under writeback are simply not dropped.
 */
static void pace_writeback(struct saver *s, uint64_t start, uint64_t end)
{
	if (start < s->kicked)		/* a kept segment, copied last */
		s->kicked = s->dropped = start;
	if (end - s->kicked >= WRITEBACK_KICK) {
		sync_file_range(s->fd, (off_t)s->kicked,
				(off_t)(end - s->kicked), SYNC_FILE_RANGE_WRITE);
		s->kicked = end;
	}
	if (end < WRITEBACK_LAG || end - WRITEBACK_LAG <= s->dropped)
		return;
	posix_fadvise(s->fd, (off_t)s->dropped,
		      (off_t)(end - WRITEBACK_LAG - s->dropped),
		      POSIX_FADV_DONTNEED);
	s->dropped = end - WRITEBACK_LAG;
}

/*
 * Every batch (or sooner, when @now): make the copy durable up to @end,
 * then give back the memory it holds. The file is first extended to
 * @end, so that a kept .partial file's size says how much of the dump it
 * holds even where that ends in zeros never written.
 */
static int sync_and_release(struct saver *s, uint64_t end, bool now)
{
	if (end <= s->synced || (!now && end - s->synced < s->batch))
		return 0;
	if (end > s->file_end) {
		if (ftruncate(s->fd, (off_t)end) < 0)
			return fail_errno(s, "ftruncate");
		s->file_end = end;
	}
	if (fdatasync(s->fd) < 0)
		return fail_errno(s, "fdatasync");
	s->synced = end;
	s->syncs++;
	early_release_durable(&s->er, end);
	return 0;
}

static int save_chunk(void *userdata, const struct fadump_vmcore_chunk *c)
{
	struct saver *s = userdata;
	const unsigned char *data = c->data;
	size_t run = 0, i;
	int ret;

	if (!s->sparse) {
		ret = write_at(s, data, c->len, c->offset);
		if (ret < 0)
			return ret;
	} else {
		/* Write each run of non-zero blocks with one pwrite(). */
		for (i = 0; i < c->len; i += s->block) {
			size_t n = c->len - i < s->block ? c->len - i : s->block;

			if (!bytes_are_zero(data + i, n))
				continue;
			if (i > run) {
				ret = write_at(s, data + run, i - run,
					       c->offset + run);
				if (ret < 0)
					return ret;
			}
			run = i + n;
		}
		if (c->len > run) {
			ret = write_at(s, data + run, c->len - run,
				       c->offset + run);
			if (ret < 0)
				return ret;
		}
	}
	pace_writeback(s, c->offset, c->offset + c->len);
	if (s->early && !s->late) {
		ret = sync_and_release(s, c->offset + c->len, false);
		if (ret < 0)
			return ret;
	}

	s->streamed += c->len;
	if (s->progress && s->progress(s->userdata, s->streamed, c->total))
		return fadump_fail(s->ctx, -ECANCELED,
			"saving to %s cancelled after %" PRIu64 " of %" PRIu64
			" bytes", s->dest, s->streamed, c->total);
	return 0;
}

static int copy_range(struct saver *s, size_t chunk, uint64_t lo, uint64_t hi)
{
	return vmcore_stream_range(s->vm, chunk, lo, hi, save_chunk, s);
}

/* As /proc/vmcore lays them out: each segment after the one before. */
static bool segments_in_file_order(const struct fadump_vmcore *vm)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < vm->nsegs; i++) {
		const struct vmcore_segment *seg = &vm->segs[i];

		if (seg->offset < end || seg->filesz > vm->file_size ||
		    seg->offset > vm->file_size - seg->filesz)
			return false;
		end = seg->offset + seg->filesz;
	}
	return true;
}

/*
 * The copy for range-wise release: file order, except the segments the
 * kernel keeps until release_mem, which go last. Boot memory comes first
 * in the file and is never released early (its contents are the
 * firmware's copy in the reserved area), so in file order nothing would
 * come back while it is copied: on a 8 GiB guest, the first 7% of the
 * save. Only the kernel knows what it keeps, so each segment's first
 * granule is copied, synced and offered alone; a segment refused from its
 * first page (early-release.c marks it kept) is put off until the rest,
 * synced and partly released, is done. Nothing is released while copying
 * those: finish() syncs them with the rest.
 */
static int copy_kept_last(struct saver *s, size_t chunk)
{
	const struct fadump_vmcore *vm = s->vm;
	uint64_t pos = 0;
	int ret;

	s->later = calloc(vm->nsegs ? vm->nsegs : 1, sizeof(*s->later));
	if (!s->later)
		return fadump_fail(s->ctx, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < vm->nsegs; i++) {
		const struct vmcore_segment *seg = &vm->segs[i];
		uint64_t end = seg->offset + seg->filesz;
		uint64_t probe = early_release_probe_len(&s->er, i);

		ret = copy_range(s, chunk, pos, seg->offset + probe);
		if (ret == 0 && probe)
			ret = sync_and_release(s, seg->offset + probe, true);
		if (ret < 0)
			return ret;
		pos = seg->offset + probe;
		if (probe && early_release_kept(&s->er, i) && pos < end) {
			info(s->ctx, "file bytes [%#" PRIx64 ", %#" PRIx64 ") are "
			     "copied last: the kernel keeps their memory until "
			     "release_mem", pos, end);
			s->later[s->nlater++] = (struct kept_range){ pos, end };
			pos = end;
		}
	}
	ret = copy_range(s, chunk, pos, vm->file_size);
	if (ret == 0)
		ret = sync_and_release(s, vm->file_size, true);
	s->late = true;
	for (unsigned int i = 0; ret == 0 && i < s->nlater; i++)
		ret = copy_range(s, chunk, s->later[i].lo, s->later[i].hi);
	return ret;
}

static int copy_all(struct saver *s, size_t chunk)
{
	int ret;

	if (s->early && segments_in_file_order(s->vm))
		return copy_kept_last(s, chunk);
	ret = copy_range(s, chunk, 0, s->vm->file_size);
	if (ret == 0 && s->early)
		ret = sync_and_release(s, s->vm->file_size, true);
	return ret;
}

/* ---- the filtered save's side of the file (save-filtered.c) ---------- */

static int sink_write(void *data, const void *p, size_t len, uint64_t offset)
{
	struct saver *s = data;
	int ret = write_at(s, p, len, offset);

	/* descriptors and headers go behind the data: pace the data only */
	if (ret == 0 && offset >= s->kicked)
		pace_writeback(s, offset, offset + len);
	return ret;
}

static int sink_progress(void *data, uint64_t done, uint64_t total)
{
	struct saver *s = data;

	s->streamed = done;
	if (s->progress && s->progress(s->userdata, done, total))
		return fadump_fail(s->ctx, -ECANCELED,
			"saving to %s cancelled after %" PRIu64 " of %" PRIu64
			" bytes", s->dest, done, total);
	return 0;
}

/*
 * Walk the runs of pages whose bit in @map is @set, pfns [@lo, @hi), as
 * physical ranges inside the dump's segments, and give each back.
 */
static void release_runs(struct saver *s, const unsigned char *map, bool set,
			 uint64_t lo, uint64_t hi)
{
	const struct dump_filter *f = &s->filter;
	unsigned int shift = f->page_shift;

	for (unsigned int i = 0; i < s->vm->nby_paddr && s->er.abspath; i++) {
		const struct vmcore_segment *seg = s->vm->by_paddr[i];
		uint64_t seg_end = seg->paddr + seg->filesz;
		uint64_t pfn = seg->paddr >> shift > lo ? seg->paddr >> shift : lo;
		uint64_t end = ((seg_end - 1) >> shift) + 1;

		if (!seg->filesz)
			continue;
		if (end > hi)
			end = hi;
		while (pfn < end) {
			uint64_t a = set ? bitmap_next(map, pfn, end) :
				     bitmap_next_clear(map, pfn, end);
			uint64_t b = set ? bitmap_next_clear(map, a, end) :
				     bitmap_next(map, a, end);
			uint64_t pa = a << shift, pb = b << shift;

			if (a >= end)
				break;
			if (pa < seg->paddr)
				pa = seg->paddr;
			if (pb > seg_end)
				pb = seg_end;
			early_release_phys(&s->er, pa, pb - pa);
			pfn = b;
		}
	}
}

/*
 * Before the pages: the memory the dump will not contain goes back at
 * once (the .partial file exists and says so if the save fails).
 */
static void release_excluded(struct saver *s)
{
	uint32_t ranges = s->er.ranges;
	uint64_t bytes = s->er.bytes;

	release_runs(s, s->filter.kept, false, 0, s->filter.max_mapnr);
	s->excluded_ranges = s->er.ranges - ranges;
	s->excluded_bytes = s->er.bytes - bytes;
	info(s->ctx, "%" PRIu64 " bytes of memory the dump leaves out released "
	     "before the copy, in %" PRIu32 " ranges", s->excluded_bytes,
	     s->excluded_ranges);
}

/*
 * The headers are written: the file extended to the size readers need and
 * made durable before the memory the dump leaves out goes back, so that a
 * .partial file kept from then on is a dump that readers open (of no
 * pages yet), never an empty, headless or truncated file. Extended, not
 * written: the writeback of the pages that follow is paced from the start.
 */
static int sink_laid_out(void *data)
{
	struct saver *s = data;

	if (s->fs.laid_out_size > s->file_end) {
		if (ftruncate(s->fd, (off_t)s->fs.laid_out_size) < 0)
			return fail_errno(s, "ftruncate");
		s->file_end = s->fs.laid_out_size;
	}
	if (fdatasync(s->fd) < 0)
		return fail_errno(s, "fdatasync");
	s->syncs++;
	s->synced = s->file_end;
	s->written_at_sync = s->written;
	release_excluded(s);
	return 0;
}

/* A batch of the copy's bytes since the last sync: time for a durable point. */
static int sink_pages_written(void *data, uint64_t pfn)
{
	struct saver *s = data;

	(void)pfn;
	return s->early && s->er.abspath &&
	       s->written - s->written_at_sync >= s->batch;
}

/* The file holds the pages below @pfn: durable, then their memory goes. */
static int sink_durable(void *data, uint64_t pfn)
{
	struct saver *s = data;

	if (!s->early || pfn <= s->released_pfn)
		return 0;
	if (fdatasync(s->fd) < 0)
		return fail_errno(s, "fdatasync");
	s->syncs++;
	s->synced = s->file_end;
	s->written_at_sync = s->written;
	release_runs(s, s->filter.kept, true, s->released_pfn, pfn);
	s->released_pfn = pfn;
	return 0;
}

/* Choose the pages: before anything is created, as it may fail. */
static int scan_pages(struct saver *s)
{
	if (s->vm->format->id != FADUMP_VMCORE_FORMAT_ELF)
		return fadump_fail(s->ctx, -EOPNOTSUPP,
			"%s: a %s file: a filtered save reads ELF dumps "
			"(/proc/vmcore) only; save it at level 0 in ELF format "
			"or use makedumpfile", s->vm->path, s->vm->format->name);
	return dump_filter_scan(&s->filter, s->vm, s->filter.level);
}

static int copy_filtered(struct saver *s)
{
	struct save_sink sink = {
		.write = sink_write,
		.progress = sink_progress,
		.laid_out = s->early ? sink_laid_out : NULL,
		.pages_written = s->early ? sink_pages_written : NULL,
		.durable = s->early ? sink_durable : NULL,
		.s = s,
	};
	int ret;

	s->fs.vm = s->vm;
	s->fs.filter = &s->filter;
	s->fs.sink = &sink;
	ret = save_filtered(&s->fs);
	s->fs.sink = NULL;
	if (ret < 0)
		return ret;
	s->out_size = s->fs.file_size;
	s->filtered_whole = true;
	if (s->progress && s->progress(s->userdata, s->vm->file_size,
				       s->vm->file_size))
		return fadump_fail(s->ctx, -ECANCELED,
			"saving to %s cancelled at the end", s->dest);
	return 0;
}

static int check_name(struct fadump_ctx *ctx, const char *name)
{
	if (!*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0 || strlen(name) > NAME_MAX)
		return fadump_fail(ctx, -EINVAL,
				   "'%s' is not a file name for the saved dump",
				   name);
	return 0;
}

/*
 * Whoever else can write to the directory can swap the dump for a
 * symlink or a file of their own between our calls, or read it while it
 * is written: only root and the caller may own it, and only the owner
 * may write to it (a sticky world-writable /tmp is not safe either: the
 * dump's name is known in advance).
 */
static int check_dest_safe(struct saver *s)
{
	struct stat st;

	if (fstat(s->dirfd, &st) < 0)
		return fadump_fail(s->ctx, -errno, "cannot stat %s: %m", s->dest);
	if (s->flags & FADUMP_SAVE_ALLOW_UNSAFE_DEST)
		return 0;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return fadump_fail(s->ctx, -EPERM,
			"%s belongs to uid %u, neither root nor the caller: "
			"its owner could read or replace the dump (refused "
			"unless forced)", s->dest, (unsigned int)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return fadump_fail(s->ctx, -EPERM,
			"%s is writable by %s (mode %04o): they could read or "
			"replace the dump; use a directory only its owner can "
			"write to (refused unless forced)", s->dest,
			st.st_mode & S_IWOTH ? "every user" : "its group",
			(unsigned int)(st.st_mode & 07777));
	return 0;
}

static int open_dest(struct saver *s)
{
	struct stat st;
	int ret;

	s->dirfd = open(s->dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0 && errno == ENOENT &&
	    (s->flags & FADUMP_SAVE_CREATE_DEST)) {
		if (mkdir(s->dest, 0700) < 0 && errno != EEXIST) {
			ret = -errno;
			return fadump_fail(s->ctx, ret, "cannot create directory %s: %s",
					   s->dest, strerror(-ret));
		}
		info(s->ctx, "created %s (mode 0700)", s->dest);
		s->dirfd = open(s->dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				O_CLOEXEC);
	}
	if (s->dirfd < 0) {
		ret = -errno;
		/* O_DIRECTORY makes a symlink ENOTDIR: tell the two apart */
		if ((ret == -ELOOP || ret == -ENOTDIR) &&
		    lstat(s->dest, &st) == 0 && S_ISLNK(st.st_mode))
			return fadump_fail(s->ctx, -ELOOP,
				"%s is a symbolic link: give the directory it "
				"points to", s->dest);
		return fadump_fail(s->ctx, ret, "cannot open directory %s: %s",
				   s->dest, strerror(-ret));
	}
	ret = check_dest_safe(s);
	if (ret < 0)
		return ret;
	if (fstatat(s->dirfd, s->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return fadump_fail(s->ctx, -EEXIST,
			"%s/%s already exists: a saved dump is never overwritten, "
			"move it away first", s->dest, s->name);
	if (errno != ENOENT) {
		ret = -errno;
		return fadump_fail(s->ctx, ret, "cannot check %s/%s: %s",
				   s->dest, s->name, strerror(-ret));
	}
	return 0;
}

/*
 * Bytes of the source that hold data, by SEEK_DATA/SEEK_HOLE: the most a
 * sparse copy can need. /proc/vmcore reports no holes, so this is its
 * size; a saved sparse dump being copied again gets a real bound. Gives
 * up after a few thousand extents (a bound, not an exact count).
 */
static uint64_t source_data_bytes(const struct fadump_vmcore *vm)
{
	uint64_t data = 0;
	off_t pos = 0;

	for (int extents = 0; (uint64_t)pos < vm->file_size; extents++) {
		off_t start = lseek(vm->fd, pos, SEEK_DATA), end;

		if (start < 0)
			return errno == ENXIO ? data : vm->file_size;
		end = lseek(vm->fd, start, SEEK_HOLE);
		if (end < 0 || end <= start || extents > 4096)
			return data + (vm->file_size - (uint64_t)start);
		data += (uint64_t)(end - start);
		pos = end;
	}
	return data;
}

static int check_space(struct saver *s)
{
	uint64_t need, most, avail;
	struct statvfs sv;

	if (fstatvfs(s->dirfd, &sv) < 0) {
		int ret = -errno;

		return fadump_fail(s->ctx, ret, "cannot get free space of %s: %s",
				   s->dest, strerror(-ret));
	}
	avail = sv.f_frsize && sv.f_bavail > UINT64_MAX / sv.f_frsize ?
		UINT64_MAX : (uint64_t)sv.f_bavail * sv.f_frsize;
	if (s->filtered) {
		/* headers, bitmaps, descriptors; the pages as they compress */
		need = s->vm->note_bytes + 4 * s->filter.max_mapnr / 8 +
		       s->filter.pages_kept * 24 + (2u << s->filter.page_shift);
		most = need + (s->filter.pages_kept << s->filter.page_shift);
	} else {
		most = s->sparse ? source_data_bytes(s->vm) : s->vm->file_size;
		need = s->sparse ? s->vm->meta_bytes : s->vm->file_size;
	}
	if (avail < need)
		return fadump_fail(s->ctx, -ENOSPC,
			"%s has %" PRIu64 " bytes free, the dump needs at least "
			"%" PRIu64, s->dest, avail, need);
	if (avail < most)
		info(s->ctx, "%s has %" PRIu64 " bytes free and the dump has up "
		     "to %" PRIu64 " bytes of data: it fits if enough of its "
		     "memory is zero", s->dest, avail, most);
	return 0;
}

static void random_suffix(char *out, size_t len)
{
	static const char chars[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[16];
	uint64_t mix = now_ns() ^ ((uint64_t)getpid() << 32);

	if (getrandom(r, len, GRND_NONBLOCK) != (ssize_t)len)
		for (size_t i = 0; i < len; i++, mix >>= 6)
			r[i] = (unsigned char)mix;
	for (size_t i = 0; i < len; i++)
		out[i] = chars[r[i] % (sizeof(chars) - 1)];
	out[len] = '\0';
}

static int create_named(struct saver *s)
{
	int ret;

	for (int tries = 0; tries < 100; tries++) {
		memcpy(s->tmp, TMP_PREFIX, sizeof(TMP_PREFIX) - 1);
		random_suffix(s->tmp + sizeof(TMP_PREFIX) - 1, 6);
		s->fd = openat(s->dirfd, s->tmp,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			       O_CLOEXEC, 0600);
		if (s->fd >= 0)
			break;
		if (errno != EEXIST) {
			ret = -errno;
			s->tmp[0] = '\0';
			return fadump_fail(s->ctx, ret,
					   "cannot create a file in %s: %s",
					   s->dest, strerror(-ret));
		}
	}
	if (s->fd < 0) {
		s->tmp[0] = '\0';
		return fadump_fail(s->ctx, -EEXIST,
				   "cannot find a free temporary name in %s",
				   s->dest);
	}
	s->tmp_kind = TMP_NAMED;
	return 0;
}

/* The range-wise copy: a fixed, visible name, durable before any release. */
static int create_partial(struct saver *s)
{
	int ret;

	if (strlen(s->name) + sizeof(PARTIAL_SUFFIX) > sizeof(s->tmp))
		return fadump_fail(s->ctx, -EINVAL,
				   "'%s' is too long to add \"" PARTIAL_SUFFIX "\"",
				   s->name);
	snprintf(s->tmp, sizeof(s->tmp), "%s" PARTIAL_SUFFIX, s->name);
	s->fd = openat(s->dirfd, s->tmp,
		       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		       0600);
	if (s->fd < 0) {
		ret = -errno;
		s->tmp[0] = '\0';
		if (ret == -EEXIST)
			return fadump_fail(s->ctx, ret,
				"%s/%s" PARTIAL_SUFFIX " exists: an earlier "
				"range-wise save did not finish and may hold the "
				"only copy of released memory; move it away first",
				s->dest, s->name);
		return fadump_fail(s->ctx, ret, "cannot create %s/%s"
				   PARTIAL_SUFFIX ": %s", s->dest, s->name,
				   strerror(-ret));
	}
	s->tmp_kind = TMP_PARTIAL;
	if (fsync(s->dirfd) < 0)
		return fail_errno(s, "fsync of the directory");
	return 0;
}

static int create_tmp(struct saver *s)
{
	struct stat st;
	int ret;

	if (s->early)
		ret = create_partial(s);
	else {
		s->fd = openat(s->dirfd, ".", O_WRONLY | O_TMPFILE | O_CLOEXEC,
			       0600);
		s->tmp_kind = TMP_UNNAMED;
		ret = 0;
		if (s->fd < 0) {
			ret = -errno;
			/* Unsupported here (older kernel, filesystem). */
			if (ret == -EOPNOTSUPP || ret == -EISDIR ||
			    ret == -EINVAL)
				ret = create_named(s);
			else
				ret = fadump_fail(s->ctx, ret,
						  "cannot create a file in %s: %s",
						  s->dest, strerror(-ret));
		}
	}
	if (ret < 0)
		return ret;
	/* Holes are made per filesystem block: use its size, a power of 2. */
	s->block = 4096;
	if (fstat(s->fd, &st) == 0 && st.st_blksize >= 512 &&
	    st.st_blksize <= 65536 && !(st.st_blksize & (st.st_blksize - 1)))
		s->block = (size_t)st.st_blksize;
	return 0;
}

static int fail_errno(struct saver *s, const char *what)
{
	int ret = -errno;
	char copy[PATH_MAX];

	return fadump_fail(s->ctx, ret, "%s: %s failed: %s",
			   copy_path(s, copy, sizeof(copy)), what,
			   strerror(-ret));
}

/*
 * Give the unnamed file its name. linkat() never replaces. AT_EMPTY_PATH
 * needs CAP_DAC_READ_SEARCH; without it the /proc/self/fd link does the
 * same (the documented O_TMPFILE idiom).
 */
static int link_unnamed(struct saver *s)
{
	char proc[32];

	if (linkat(s->fd, "", s->dirfd, s->name, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != ENOENT && errno != EPERM)
		return -1;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", s->fd);
	return linkat(AT_FDCWD, proc, s->dirfd, s->name, AT_SYMLINK_FOLLOW);
}

/* Rename into place, never over an existing file. */
static int publish(struct saver *s)
{
	char copy[PATH_MAX];
	int ret;

	if (s->tmp_kind == TMP_UNNAMED) {
		if (link_unnamed(s) == 0)
			return 0;
		goto fail;
	}
	if (renameat2(s->dirfd, s->tmp, s->dirfd, s->name,
		      RENAME_NOREPLACE) == 0)
		goto renamed;
	if (errno != EINVAL && errno != ENOSYS)
		goto fail;
	/* No RENAME_NOREPLACE here (NFS): a hard link cannot replace either. */
	if (linkat(s->dirfd, s->tmp, s->dirfd, s->name, 0) < 0)
		goto fail;
	if (unlinkat(s->dirfd, s->tmp, 0) < 0)
		err(s->ctx, "%s/%s: cannot remove the second name of the dump: %m",
		    s->dest, s->tmp);
renamed:
	s->tmp[0] = '\0';	/* nothing to clean up any more */
	return 0;
fail:
	ret = -errno;
	if (ret == -EEXIST)
		return fadump_fail(s->ctx, ret,
			"%s/%s appeared while saving: not overwritten",
			s->dest, s->name);
	if (s->tmp_kind == TMP_UNNAMED)
		return fadump_fail(s->ctx, ret, "cannot link %s into place: %s",
				   copy_path(s, copy, sizeof(copy)),
				   strerror(-ret));
	return fadump_fail(s->ctx, ret, "cannot rename %s/%s to %s: %s",
			   s->dest, s->tmp, s->name, strerror(-ret));
}

/*
 * The copy is in place but not durable: take it back, as for any other
 * failure, unless memory was already given back on the strength of it.
 * Then it is the only copy of that memory and stays.
 */
static int take_back(struct saver *s, const char *what, int err)
{
	if (s->er.ranges)
		return fadump_fail(s->ctx, err,
			"%s of %s/%s failed: %s; %" PRIu64 " bytes of the dump's "
			"memory were already released, so the copy is kept "
			"(complete, but check it is still there after a crash)",
			what, s->dest, s->name, strerror(-err), s->er.bytes);
	unlinkat(s->dirfd, s->name, 0);
	return fadump_fail(s->ctx, err, "%s of %s/%s failed: %s; the copy is removed",
			   what, s->dest, s->name, strerror(-err));
}

static int finish(struct saver *s)
{
	int ret;

	if (ftruncate(s->fd, (off_t)s->out_size) < 0)
		return fail_errno(s, "ftruncate");
	if (fsync(s->fd) < 0)
		return fail_errno(s, "fsync");
	/* An unnamed file is linked through its descriptor: close after. */
	ret = publish(s);
	if (ret < 0)
		return ret;
	ret = close(s->fd);
	s->fd = -1;
	/* Linux has closed the descriptor even when close() says EINTR. */
	if (ret < 0 && errno != EINTR)
		return take_back(s, "close", -errno);
	if (fsync(s->dirfd) < 0)
		return take_back(s, "fsync of the directory", -errno);
	return 0;
}

/* What a kept filtered file is: whole once its writer finished. */
static const char *filtered_state(const struct saver *s)
{
	bool kdump = s->fs.format == FADUMP_SAVE_FORMAT_KDUMP;

	if (s->filtered_whole)	/* a failure after the last page: a cancel */
		return kdump ? "a complete kdump-compressed file" :
			       "a complete filtered ELF file";
	return kdump ? "a kdump-compressed file marked incomplete" :
		       "a filtered ELF file; later pages read as zeros";
}

/*
 * After @failed, what becomes of the copy, told once, at the end of the
 * failure's message: it is removed, unless memory was already given back
 * on the strength of it. Then it is the only copy of that memory and
 * stays, and the message says so and how much of it is the dump's.
 */
static void cleanup(struct saver *s, int failed)
{
	char first[FADUMP_ERRMSG_MAX], kept[160] = "";
	bool copy = s->tmp[0] || s->fd >= 0;

	if (s->fd >= 0)
		close(s->fd);	/* an unnamed copy goes with its descriptor */
	snprintf(first, sizeof(first), "%s", *s->ctx->errmsg ?
		 s->ctx->errmsg : strerror(-failed));
	if (!failed || !copy) {
		/* Saved, or failed before there was a copy: nothing to say. */
	} else if (s->tmp[0] && s->er.ranges) {
		if (s->nlater)
			snprintf(kept, sizeof(kept), ", except file bytes [%#"
				 PRIx64 ", %#" PRIx64 ")%s (memory the kernel "
				 "keeps: /proc/vmcore still has it)",
				 s->later[0].lo, s->later[0].hi,
				 s->nlater > 1 ? " and the other ranges logged" : "");
		if (s->filtered)
			fadump_fail(s->ctx, failed,
				    "%s; %" PRIu64 " bytes of the dump's memory "
				    "were already released, so %s/%s is kept: "
				    "it holds the kept pages below pfn %#" PRIx64
				    " (%s)", first, s->er.bytes, s->dest, s->tmp,
				    s->released_pfn, filtered_state(s));
		else
			fadump_fail(s->ctx, failed,
				    "%s; %" PRIu64 " bytes of the dump's memory "
				    "were already released, so %s/%s is kept: its "
				    "first %" PRIu64 " bytes are the dump's%s",
				    first, s->er.bytes, s->dest, s->tmp,
				    s->synced, kept);
	} else if (s->tmp[0] && unlinkat(s->dirfd, s->tmp, 0) < 0) {
		fadump_fail(s->ctx, failed,
			    "%s; the partial copy %s/%s could not be removed: %s",
			    first, s->dest, s->tmp, strerror(errno));
	} else {
		fadump_fail(s->ctx, failed, "%s; the partial copy is removed",
			    first);
	}
	if (s->early)
		early_release_end(&s->er);
	dump_filter_free(&s->filter);
	free(s->later);
	if (s->dirfd >= 0)
		close(s->dirfd);
}

/* A release only ever follows a copy of the live file. */
static int check_release(struct saver *s)
{
	char live[PATH_MAX];
	int ret;

	if (!(s->flags & (FADUMP_SAVE_RELEASE | FADUMP_SAVE_RELEASE_RANGES)))
		return 0;
	ret = fadump_path(s->ctx, live, sizeof(live), s->target->live_path);
	if (ret < 0)
		return ret;
	if (strcmp(s->vm->path, live) != 0)
		return fadump_fail(s->ctx, -EINVAL,
			"%s is not the live dump (%s): releasing memory after "
			"copying it would throw away a dump nobody saved",
			s->vm->path, live);
	return 0;
}

static void fill_result(const struct saver *s, uint64_t start,
			struct fadump_save_result *res, unsigned int mode,
			bool released)
{
	struct fadump_save_result full = { .size = sizeof(full) };

	full.bytes_total = s->vm->file_size;
	full.bytes_written = s->written;
	full.zero_bytes_skipped = s->vm->file_size - s->written;
	full.nanoseconds = now_ns() - start;
	full.release_mode = mode;
	full.released = released;
	full.ranges_released = s->er.ranges;
	full.bytes_released_early = s->er.bytes;
	full.syncs = s->syncs;
	full.format = s->fs.format;
	full.compression = s->fs.compression;
	full.threads = s->fs.threads_used;
	full.file_bytes = s->out_size;
	full.excluded_ranges_released = s->excluded_ranges;
	full.excluded_bytes_released = s->excluded_bytes;
	if (s->filtered) {
		const struct dump_filter *f = &s->filter;

		full.zero_bytes_skipped = f->class_excluded[FADUMP_PAGE_ZERO] <<
					  f->page_shift;
		full.pages_total = f->pages_total;
		full.pages_kept = f->pages_kept;
		memcpy(full.class_kept, f->class_kept, sizeof(full.class_kept));
		memcpy(full.class_excluded, f->class_excluded,
		       sizeof(full.class_excluded));
		memcpy(full.unknown_reason, f->unknown_reason,
		       sizeof(full.unknown_reason));
	}
	fadump_copy_out(res, &full, sizeof(full));
}

#define SAVE_FLAGS_KNOWN \
	(FADUMP_SAVE_NO_SPARSE | FADUMP_SAVE_RELEASE | \
	 FADUMP_SAVE_RELEASE_RANGES | FADUMP_SAVE_ALLOW_UNSAFE_DEST | \
	 FADUMP_SAVE_CREATE_DEST)

static int read_filter_opts(struct saver *s,
			    const struct fadump_save_opts *opts)
{
	int ret;

	if (opts->dump_level > FADUMP_DUMP_LEVEL_MAX)
		return fadump_fail(s->ctx, -EINVAL, "dump level %u: the levels "
				   "are 0 to %d", opts->dump_level,
				   FADUMP_DUMP_LEVEL_MAX);
	if (opts->format > FADUMP_SAVE_FORMAT_KDUMP)
		return fadump_fail(s->ctx, -EINVAL, "unknown save format %u",
				   opts->format);
	ret = fadump_compression_supported(opts->compression);
	if (ret < 0)
		return fadump_fail(s->ctx, -EINVAL, "unknown compression %u",
				   opts->compression);
	if (ret == 0)
		return fadump_fail(s->ctx, -EOPNOTSUPP, "this libfadump was "
				   "built without %s support",
				   fadump_compression_name(opts->compression));
	s->fs.format = opts->format;
	s->fs.compression = opts->format == FADUMP_SAVE_FORMAT_KDUMP ?
			    compression_resolve(opts->compression) :
			    FADUMP_COMPRESS_NONE;
	s->fs.threads = opts->threads;
	s->filter.level = opts->dump_level;
	s->filtered = opts->dump_level || opts->format != FADUMP_SAVE_FORMAT_ELF;
	return 0;
}

static int read_opts(struct saver *s, const struct fadump_save_opts *opts,
		     size_t *chunk)
{
	if (opts->size < FADUMP_SAVE_OPTS_SIZE_V1)
		return fadump_fail(s->ctx, -EINVAL,
				   "save options of size %zu, at least %zu",
				   opts->size, FADUMP_SAVE_OPTS_SIZE_V1);
	if (opts->flags & ~s->target->flags)
		return fadump_fail(s->ctx, -EINVAL, "%s save flags %#x",
				   opts->flags & ~(unsigned int)SAVE_FLAGS_KNOWN ?
				   "unknown" : "inapplicable",
				   opts->flags & ~s->target->flags);
	s->flags = opts->flags;
	if (s->flags & FADUMP_SAVE_RELEASE_RANGES)
		s->flags |= FADUMP_SAVE_RELEASE;
	s->sparse = !(opts->flags & FADUMP_SAVE_NO_SPARSE);
	if (opts->name)
		s->name = opts->name;
	if (opts->chunk_size)
		*chunk = opts->chunk_size;
	s->progress = opts->progress;
	s->userdata = opts->userdata;
	if (opts->size >= FADUMP_SAVE_OPTS_SIZE_V2 && opts->release_batch)
		s->batch = opts->release_batch;
	if (opts->size < FADUMP_SAVE_OPTS_SIZE_V3)
		return 0;
	if (!s->target->filters) {
		if (opts->dump_level || opts->format != FADUMP_SAVE_FORMAT_ELF)
			return fadump_fail(s->ctx, -EINVAL,
				"%s is saved as it is: no dump level, no kdump "
				"format", s->vm->path);
		return 0;
	}
	return read_filter_opts(s, opts);
}

static const struct save_target save_target_vmcore = {
	.default_name = "vmcore",
	.live_path = "/proc/vmcore",
	.flags = SAVE_FLAGS_KNOWN,
	.filters = true,
	.release = fadump_release_keep_error,
};

FADUMP_EXPORT int fadump_vmcore_save(struct fadump_vmcore *vm, const char *dest,
				     const struct fadump_save_opts *opts,
				     struct fadump_save_result *res)
{
	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	return vmcore_save_target(vm, dest, opts, res, &save_target_vmcore);
}

int vmcore_save_target(struct fadump_vmcore *vm, const char *dest,
		       const struct fadump_save_opts *opts,
		       struct fadump_save_result *res,
		       const struct save_target *target)
{
	struct saver s = { .vm = vm, .dirfd = -1, .fd = -1, .target = target,
			   .name = target->default_name, .sparse = true,
			   .batch = RELEASE_BATCH_DEFAULT,
			   .fs = { .compression = FADUMP_COMPRESS_NONE,
				   .threads_used = 1 } };
	size_t chunk = VMCORE_CHUNK_DEFAULT;
	unsigned int mode = FADUMP_RELEASE_NONE;
	uint64_t start = now_ns();
	int ret;

	s.ctx = vm->ctx;
	if (!dest || !*dest)
		return fadump_fail(vm->ctx, -EINVAL, "no destination directory");
	if (opts) {
		ret = read_opts(&s, opts, &chunk);
		if (ret < 0)
			return ret;
	}
	if (res && res->size < FADUMP_SAVE_RESULT_SIZE_V1)
		return fadump_fail(vm->ctx, -EINVAL,
				   "save result of size %zu, at least %zu",
				   res->size, FADUMP_SAVE_RESULT_SIZE_V1);
	s.dest = dest;
	ret = check_name(vm->ctx, s.name);
	if (ret == 0)
		ret = vmcore_check_chunk(vm, chunk);
	if (ret == 0)
		ret = check_release(&s);
	if (ret < 0)
		return ret;
	if (s.flags & FADUMP_SAVE_RELEASE)
		mode = FADUMP_RELEASE_AT_END;
	if (ret == 0 && s.filtered)
		ret = scan_pages(&s);
	if (ret < 0)
		return ret;
	s.out_size = vm->file_size;
	if (s.flags & FADUMP_SAVE_RELEASE_RANGES) {
		ret = early_release_start(&s.er, vm);
		if (ret < 0 && ret != -EOPNOTSUPP)
			return ret;
		s.early = ret == 0;
		if (s.early)
			mode = FADUMP_RELEASE_RANGES;
	}

	ret = open_dest(&s);
	if (ret == 0)
		ret = check_space(&s);
	if (ret == 0)
		ret = create_tmp(&s);
	if (ret == 0)
		ret = s.filtered ? copy_filtered(&s) : copy_all(&s, chunk);
	if (ret == 0)
		ret = finish(&s);
	cleanup(&s, ret);
	if (ret < 0)
		return ret;

	info(vm->ctx, "%s saved to %s/%s: %" PRIu64 " bytes, %" PRIu64
	     " written", vm->path, dest, s.name, s.out_size, s.written);
	if (s.early)
		info(vm->ctx, "%" PRIu64 " bytes of memory released while saving, in %"
		     PRIu32 " ranges after %" PRIu32 " syncs", s.er.bytes,
		     s.er.ranges, s.syncs);
	if (mode == FADUMP_RELEASE_RANGES && !s.er.ranges)
		mode = FADUMP_RELEASE_AT_END;	/* the kernel took nothing */
	if (res)
		fill_result(&s, start, res, mode, false);
	if (!(s.flags & FADUMP_SAVE_RELEASE))
		return 0;
	/* A last word for the caller: a stop asked for now keeps the memory. */
	if (s.progress && s.progress(s.userdata, vm->file_size, vm->file_size))
		return fadump_fail(vm->ctx, -ECANCELED,
			"%s/%s is saved, but cancelled before the release: the "
			"memory is kept", dest, s.name);
	/* Saved for good: now the memory may go, whatever happens next. */
	ret = target->release(vm->ctx);
	if (ret < 0)
		return ret;
	if (res)
		fill_result(&s, start, res, mode, true);
	return 0;
}

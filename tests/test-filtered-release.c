// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Range-wise release during a filtered save (FADUMP_SAVE_RELEASE_RANGES
 * with a dump level), against the fake kernel's release_range
 * (fake-kernel.c) and a synthetic kernel (mkkernel.c) whose page classes
 * the generator knows (k->expect): never the library's.
 *
 * Every range the kernel takes is checked when it takes it: either every
 * page in it is one the level leaves out, and then no page data has been
 * written yet (released before the copy) but the headers are durable (the
 * .partial file opens as a dump of no pages), or the file holds every page
 * of it that the level keeps, read back from the .partial file by the
 * kdump reader, and the file was fdatasync()ed after its last write
 * (fdatasync and pwrite are wrapped to see the order).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fadump.h"
#include "fake-kernel.h"
#include "helpers.h"
#include "mkkernel.h"
#include "vmcore-util.h"

#define MiB (1024ull * 1024)
#define LEVEL 31

struct world {
	char *root;
	char *dest;
	struct fadump_ctx *ctx;
	struct mkkernel k;
	struct mkvmcore_spec spec;
	uint64_t page;
	unsigned int excluded_ranges;	/* taken before any page data */
	unsigned int kept_ranges;	/* taken after their pages were synced */
	uint64_t progress_calls;
	uint64_t stop_after;		/* progress calls; 0: never stop */
	bool stop_at_end;		/* stop when told all is done */
	unsigned int format;		/* enum fadump_save_format */
};

static struct world *the_world;
/* Order of the saver's writes and syncs on the copy. */
static unsigned int pwrites_since_sync;
static unsigned int pwrites;

ssize_t __real_pwrite64(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);

ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	pwrites++;
	pwrites_since_sync++;
	return __real_pwrite64(fd, buf, n, off);
}

int __wrap_fdatasync(int fd)
{
	pwrites_since_sync = 0;
	return __real_fdatasync(fd);
}

/* Does the level leave @pfn out for its class (zero pages aside)? */
static bool class_excluded(const struct world *w, uint64_t pfn)
{
	switch (w->k.expect[pfn]) {
	case FADUMP_PAGE_FREE:
	case FADUMP_PAGE_CACHE:
	case FADUMP_PAGE_CACHE_PRIVATE:
	case FADUMP_PAGE_ANON:
	case FADUMP_PAGE_HUGETLB:
	case FADUMP_PAGE_OFFLINE:
	case FADUMP_PAGE_HWPOISON:
		return true;	/* level 31 */
	}
	return false;
}

static bool page_is_zero(const unsigned char *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static bool page_zero(const struct world *w, uint64_t pfn)
{
	return page_is_zero(w->k.mem + pfn * w->page, w->page);
}

static void check_release(void *data, uint64_t start, uint64_t size)
{
	struct world *w = data;
	uint64_t first = start / w->page, end = (start + size) / w->page;
	bool excluded = true;
	struct fadump_vmcore *vm;
	unsigned char *buf;

	assert_int_equal(start % w->page, 0);
	assert_int_equal(size % w->page, 0);
	for (uint64_t pfn = first; pfn < end; pfn++)
		if (!class_excluded(w, pfn))
			excluded = false;
	if (excluded && !w->kept_ranges) {
		/*
		 * Before the pages: no progress yet, but the headers are on
		 * disk, so the .partial file kept if the save stops now is a
		 * dump (of no pages) that a reader opens.
		 */
		assert_int_equal(w->progress_calls, 0);
		assert_true(pwrites > 0);
		assert_int_equal(pwrites_since_sync, 0);
		fadump_vmcore_unref(vt_open(w->ctx, vt_path(w->dest,
							    "vmcore.partial")));
		w->excluded_ranges++;
		return;
	}
	/* kept memory: durable, and the .partial file gives it back */
	assert_int_equal(pwrites_since_sync, 0);
	w->kept_ranges++;
	buf = malloc(w->page);
	assert_non_null(buf);
	vm = vt_open(w->ctx, vt_path(w->dest, "vmcore.partial"));
	for (uint64_t pfn = first; pfn < end; pfn++) {
		int ret = fadump_vmcore_read(vm, pfn * w->page, buf, w->page);

		if (class_excluded(w, pfn) || page_zero(w, pfn)) {
			/* ELF: a page left out inside a PT_LOAD is a hole */
			if (w->format == FADUMP_SAVE_FORMAT_ELF && ret == 0)
				assert_true(page_is_zero(buf, w->page));
			else
				assert_int_equal(ret, -ENXIO);
			continue;
		}
		assert_int_equal(ret, 0);
		assert_memory_equal(buf, w->k.mem + pfn * w->page, w->page);
	}
	fadump_vmcore_unref(vm);
	free(buf);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	struct mkkernel_spec ks;
	char vmdir[PATH_MAX];

	assert_non_null(w);
	w->format = FADUMP_SAVE_FORMAT_KDUMP;
	w->root = fixture_copy("roots/pseries-7.2-capture");
	w->dest = vt_tmpdir();
	mkkernel_default_spec(&ks, true);
	ks.page_shift = 12;		/* the fake kernel's page: sysconf() */
	ks.mem_size = 64 * MiB;
	assert_int_equal(mkkernel_build(&w->k, &ks), 0);
	mkkernel_fill(&w->k, 7);
	mkkernel_vmcore(&w->k, &w->spec);
	w->page = 1ull << ks.page_shift;
	snprintf(vmdir, sizeof(vmdir), "%s/proc", w->root);
	vt_make(vmdir, "vmcore", &w->spec, NULL);
	scratch_write(w->root, "sys/kernel/fadump/release_range", "", 0);
	fake_kernel_start(w->root, FAKE_KERNEL_MODERN);
	fake_kernel_range_hook(check_release, w);
	assert_int_equal(fadump_ctx_new(w->root, &w->ctx), 0);
	fadump_ctx_set_log_fn(w->ctx, NULL, NULL);
	the_world = w;
	pwrites = pwrites_since_sync = 0;
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	fake_kernel_stop();
	fadump_ctx_unref(w->ctx);
	mkkernel_free(&w->k);
	scratch_remove(w->root);
	scratch_remove(w->dest);
	free(w);
	return 0;
}

static int count_progress(void *data, uint64_t done, uint64_t total)
{
	struct world *w = data;

	w->progress_calls++;
	if (w->stop_at_end && done == total)
		return 1;
	return w->stop_after && w->progress_calls >= w->stop_after;
}

static int save(struct world *w, struct fadump_save_result *res)
{
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .flags = FADUMP_SAVE_RELEASE_RANGES,
		.release_batch = MiB, .progress = count_progress, .userdata = w,
		.dump_level = LEVEL, .format = w->format,
		.compression = FADUMP_COMPRESS_ZLIB, .threads = 2,
	};

	return vt_save_live(w->ctx, w->dest, &opts, res);
}

static void test_excluded_first_kept_after_sync(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	uint64_t excluded = 0, bytes, kept_zero = 0;
	unsigned int n;

	assert_int_equal(save(w, &res), 0);
	n = fake_kernel_ranges(&bytes, NULL);
	for (uint64_t pfn = 0; pfn < w->k.pages; pfn++) {
		if (class_excluded(w, pfn))
			excluded++;
		else if (page_zero(w, pfn))
			kept_zero++;
	}
	assert_int_equal(res.release_mode, FADUMP_RELEASE_RANGES);
	assert_true(res.released);
	assert_true(w->excluded_ranges > 0 && w->kept_ranges > 1);
	assert_int_equal(res.excluded_ranges_released, w->excluded_ranges);
	/* every page left out went back before the copy, nothing else */
	assert_int_equal(res.excluded_bytes_released, excluded * w->page);
	assert_int_equal(res.ranges_released, n);
	/* and every kept page but the zero ones found on the way, after it */
	assert_int_equal(bytes, (w->k.pages - kept_zero) * w->page);
	assert_int_equal(res.bytes_released_early, bytes);
	assert_true(res.syncs > 2);
	assert_true(pwrites > res.syncs);	/* the wraps saw the saver */
	assert_int_equal(access(vt_path(w->dest, "vmcore.partial"), F_OK), -1);
	assert_int_equal(access(vt_path(w->dest, "vmcore"), F_OK), 0);
}

static void test_stopped_save_keeps_what_was_released(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	struct fadump_vmcore *vm;
	unsigned char *buf = malloc(w->page);
	struct stat st;
	uint64_t bytes, held = 0, excluded = 0;

	assert_non_null(buf);
	w->stop_after = 20;
	assert_int_equal(save(w, &res), -ECANCELED);
	assert_true(fake_kernel_ranges(&bytes, NULL) > 0);
	assert_true(w->kept_ranges > 0);
	vt_error_has(w->ctx, "vmcore.partial is kept");
	assert_int_equal(stat(vt_path(w->dest, "vmcore.partial"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(access(vt_path(w->dest, "vmcore"), F_OK), -1);
	/*
	 * The kept file is a dump of what went back: each page it holds is
	 * the machine's, and the pages it holds are those released after
	 * the copy (the excluded ones went before it).
	 */
	vm = vt_open(w->ctx, vt_path(w->dest, "vmcore.partial"));
	for (uint64_t pfn = 0; pfn < w->k.pages; pfn++) {
		if (fadump_vmcore_read(vm, pfn * w->page, buf, w->page) < 0)
			continue;
		assert_memory_equal(buf, w->k.mem + pfn * w->page, w->page);
		held++;
	}
	fadump_vmcore_unref(vm);
	for (uint64_t pfn = 0; pfn < w->k.pages; pfn++)
		excluded += class_excluded(w, pfn);
	assert_int_equal(held * w->page, bytes - excluded * w->page);
	/* the dump was not released: it can be saved again */
	assert_int_equal(access(vt_path(w->root, "proc/vmcore"), F_OK), 0);
	free(buf);
}

/*
 * The same in the filtered ELF format: each .partial file check_release()
 * opens mid-save has program headers for every page to come, and must
 * reach their end (pages not yet written read as zeros) to be a file
 * readers take.
 */
static void test_stopped_elf_save_is_a_dump(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;

	w->format = FADUMP_SAVE_FORMAT_ELF;
	w->stop_after = 20;
	assert_int_equal(save(w, &res), -ECANCELED);
	assert_true(w->excluded_ranges > 0 && w->kept_ranges > 0);
	vt_error_has(w->ctx, "a filtered ELF file");
	fadump_vmcore_unref(vt_open(w->ctx, vt_path(w->dest, "vmcore.partial")));
}

/*
 * Cancelled once the writer has finished (the progress callback told that
 * the whole dump was read): the file kept is complete, and the message
 * must not call it a file marked incomplete.
 */
static void test_cancelled_at_the_end(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	struct fadump_vmcore *vm;
	unsigned char *buf = malloc(w->page);

	assert_non_null(buf);
	w->stop_at_end = true;
	assert_int_equal(save(w, &res), -ECANCELED);
	vt_error_has(w->ctx, "vmcore.partial is kept");
	vt_error_has(w->ctx, "a complete kdump-compressed file");
	vm = vt_open(w->ctx, vt_path(w->dest, "vmcore.partial"));
	for (uint64_t pfn = 0; pfn < w->k.pages; pfn++) {
		if (class_excluded(w, pfn) || page_zero(w, pfn))
			continue;
		assert_int_equal(fadump_vmcore_read(vm, pfn * w->page, buf,
						    w->page), 0);
		assert_memory_equal(buf, w->k.mem + pfn * w->page, w->page);
	}
	fadump_vmcore_unref(vm);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_excluded_first_kept_after_sync,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_save_keeps_what_was_released,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancelled_at_the_end,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_elf_save_is_a_dump,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

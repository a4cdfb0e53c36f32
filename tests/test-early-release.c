// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Range-wise release while saving (FADUMP_SAVE_RELEASE_RANGES), against
 * the fake kernel's model of release_range (kernel/patches/0003): what
 * is released, when, and what is kept when a save stops half way.
 *
 * The dump has a boot-memory segment the kernel keeps until release_mem,
 * a segment starting mid-page with a firmware-reserved 64 KiB inside it
 * (RTAS), and one ending mid-page. Every accepted release is checked at
 * the moment the kernel takes it: the copy must already hold those bytes.
 * Boot memory comes first in the file but is copied last.
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
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "early-release.h"
#include "fadump.h"
#include "fake-kernel.h"
#include "helpers.h"
#include "vmcore-format.h"
#include "vmcore-util.h"

#define MiB (1024ull * 1024)
#define PAGE 4096ull
#define BOOT_TOP (16 * MiB)
#define RTAS_START (32 * MiB)
#define RTAS_SIZE (64 * 1024)
#define GRANULE MiB

struct world {
	char *root;
	char *dest;
	struct fadump_ctx *ctx;
	struct mkvmcore_spec spec;
	struct mkvmcore_layout layout;
	unsigned char *source;	/* the dump's bytes */
	size_t source_len;
	unsigned int checked;	/* releases verified against the copy */
	uint64_t streamed;	/* progress: bytes copied so far */
	uint64_t streamed_at_first_release;
};

static const char *root_path(struct world *w, const char *rel)
{
	return vt_path(w->root, rel);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));
	char vmdir[PATH_MAX];

	assert_non_null(w);
	w->root = fixture_copy("roots/pseries-7.2-capture");
	w->dest = vt_tmpdir();
	w->spec = (struct mkvmcore_spec){
		.big_endian = true, .machine = 21 /* EM_PPC64 */,
		.page_size = PAGE, .cpus = 2, .nsegs = 3,
		.segs = {
			{ 0, 8 * MiB, 8 * MiB },			/* boot memory */
			{ BOOT_TOP + 0x2a8, 40 * MiB, 40 * MiB },	/* mid-page start, RTAS inside */
			{ 64 * MiB, 24 * MiB + 0x100, 24 * MiB + 0x100 },	/* mid-page end */
		},
		.vmcoreinfo = mkvmcore_ppc64_vmcoreinfo,
		.zero_percent = 20, .seed = 7,
	};
	snprintf(vmdir, sizeof(vmdir), "%s/proc", w->root);
	vt_make(vmdir, "vmcore", &w->spec, &w->layout);
	w->source = vt_slurp(vt_path(vmdir, "vmcore"), &w->source_len);
	scratch_write(w->root, "sys/kernel/fadump/release_range", "", 0);

	fake_kernel_start(w->root, FAKE_KERNEL_MODERN);
	fake_kernel_range_limits(BOOT_TOP, 128 * MiB);
	fake_kernel_range_keep(RTAS_START, RTAS_SIZE);
	assert_int_equal(fadump_ctx_new(w->root, &w->ctx), 0);
	fadump_ctx_set_log_fn(w->ctx, NULL, NULL);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	fake_kernel_stop();
	fadump_ctx_unref(w->ctx);
	scratch_remove(w->root);
	scratch_remove(w->dest);
	free(w->source);
	free(w);
	return 0;
}

/* The file offset of physical @paddr, from mkvmcore's own layout. */
static uint64_t file_offset(struct world *w, uint64_t paddr, uint64_t len)
{
	for (unsigned int i = 0; i < w->spec.nsegs; i++) {
		const struct mkvmcore_seg *s = &w->spec.segs[i];

		if (paddr >= s->paddr && paddr + len <= s->paddr + s->filesz)
			return w->layout.seg_offset[i] + (paddr - s->paddr);
	}
	fail_msg("released [%#llx, +%#llx) is not inside one segment",
		 (unsigned long long)paddr, (unsigned long long)len);
	return 0;
}

/* At the moment the kernel takes a range, the copy holds its bytes. */
static void check_copy_holds(void *data, uint64_t start, uint64_t size)
{
	struct world *w = data;
	uint64_t off = file_offset(w, start, size);
	unsigned char *buf = malloc(size);
	int fd = open(vt_path(w->dest, "vmcore.partial"), O_RDONLY);
	ssize_t n;

	assert_non_null(buf);
	assert_true(fd >= 0);
	assert_true(start >= BOOT_TOP);
	assert_true(start + size <= RTAS_START || start >= RTAS_START + RTAS_SIZE);
	n = pread(fd, buf, size, (off_t)off);
	assert_int_equal(n, (ssize_t)size);
	assert_memory_equal(buf, w->source + off, size);
	close(fd);
	free(buf);
	if (!w->checked++)
		w->streamed_at_first_release = w->streamed;
}

static int track_progress(void *data, uint64_t done, uint64_t total)
{
	struct world *w = data;

	assert_true(done >= w->streamed && done <= total);
	w->streamed = done;
	return 0;
}

static int save(struct world *w, uint64_t batch, fadump_progress_fn progress,
		void *pdata, struct fadump_save_result *res)
{
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .flags = FADUMP_SAVE_RELEASE_RANGES,
		.chunk_size = MiB, .release_batch = batch,
		.progress = progress, .userdata = pdata,
	};

	return vt_save_live(w->ctx, w->dest, &opts, res);
}

/* Pages of [paddr, paddr + len) wholly inside the crash memory. */
static uint64_t releasable(uint64_t paddr, uint64_t len)
{
	uint64_t lo = (paddr + PAGE - 1) & ~(PAGE - 1);
	uint64_t hi = (paddr + len) & ~(PAGE - 1);

	if (lo < BOOT_TOP)
		lo = BOOT_TOP;
	return hi > lo ? hi - lo : 0;
}

static void test_ranges_follow_the_copy(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	uint64_t bytes, most = 0;
	unsigned int refused, n;
	size_t len;
	unsigned char *copy;

	fake_kernel_range_hook(check_copy_holds, w);
	assert_int_equal(save(w, 4 * MiB, track_progress, w, &res), 0);

	n = fake_kernel_ranges(&bytes, &refused);
	assert_int_equal(res.release_mode, FADUMP_RELEASE_RANGES);
	assert_true(res.released);
	assert_int_equal(res.ranges_released, n);
	assert_int_equal(res.bytes_released_early, bytes);
	assert_int_equal(w->checked, n);
	/*
	 * A sync per 4 MiB batch of the ~65 MiB copied before boot memory,
	 * one after each segment's first granule, and one at the end.
	 */
	assert_true(res.syncs >= 18 && res.syncs <= 22);
	/*
	 * Memory came back before boot memory (8 MiB, first in the file) was
	 * copied: after its first granule, which the kernel refused, and
	 * segment 1's first granule. In file order it would have been after
	 * 8 MiB and a batch.
	 */
	assert_true(w->streamed_at_first_release <= w->layout.seg_offset[1] -
		    w->spec.segs[0].filesz + 2 * GRANULE + 2 * PAGE);
	assert_int_equal(w->streamed, w->source_len);

	/*
	 * All of segments 1 and 2 but their partial pages, minus at most
	 * the granule around RTAS: the kernel refuses that piece and the
	 * saver splits it no further.
	 */
	for (unsigned int i = 0; i < w->spec.nsegs; i++)
		most += releasable(w->spec.segs[i].paddr, w->spec.segs[i].filesz);
	assert_true(bytes <= most - RTAS_SIZE);
	assert_true(bytes >= most - 2 * GRANULE);
	/* Boot memory is asked for once (split to the granule), then left. */
	assert_true(refused <= 2 * (4 * MiB / GRANULE) + 16);

	/* release_mem ended it; the dump is complete under its name. */
	assert_int_equal(access(root_path(w, "proc/vmcore"), F_OK), -1);
	copy = vt_slurp(vt_path(w->dest, "vmcore"), &len);
	assert_int_equal(len, w->source_len);
	assert_memory_equal(copy, w->source, len);
	free(copy);
	assert_int_equal(access(vt_path(w->dest, "vmcore.partial"), F_OK), -1);
}

/*
 * A range released before the save (by hand, or by a save that stopped)
 * inside a segment's first granule makes the kernel refuse that granule
 * with EBUSY: the rest of the segment is still held and goes back as it
 * is copied, not at release_mem as boot memory's does.
 */
static void test_range_released_before_is_not_kept(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	uint64_t by_hand = BOOT_TOP + 3 * PAGE, most = 0, bytes;

	assert_int_equal(fadump_release_range(w->ctx, by_hand, 4 * PAGE), 0);
	fake_kernel_range_hook(check_copy_holds, w);
	assert_int_equal(save(w, 4 * MiB, NULL, NULL, &res), 0);

	fake_kernel_ranges(&bytes, NULL);
	assert_int_equal(res.release_mode, FADUMP_RELEASE_RANGES);
	assert_int_equal(res.bytes_released_early, bytes - 4 * PAGE);
	for (unsigned int i = 0; i < w->spec.nsegs; i++)
		most += releasable(w->spec.segs[i].paddr, w->spec.segs[i].filesz);
	/* Lost: the refused first granule, the granule around RTAS, one more. */
	assert_true(res.bytes_released_early >= most - 3 * GRANULE);
	assert_true(res.released);
}

/* Progress that asks to stop once @limit bytes are copied. */
struct stopper {
	uint64_t limit;
	uint64_t stopped_at;	/* what the saver had copied then */
};

static int stop_after(void *data, uint64_t done, uint64_t total)
{
	struct stopper *stop = data;

	(void)total;
	if (done < stop->limit)
		return 0;
	stop->stopped_at = done;
	return 1;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* The number after @label in @msg (0 if there is none). */
static uint64_t number_after(const char *msg, const char *label)
{
	const char *at = strstr(msg, label);

	return at ? strtoull(at + strlen(label), NULL, 10) : 0;
}

static void test_stopped_save_keeps_the_partial_copy(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	struct stopper stop = { .limit = 40 * MiB };
	uint64_t bytes, boot_lo, boot_hi, durable;
	char want[1024];
	struct stat st;
	size_t len;
	unsigned char *part;

	fake_kernel_range_hook(check_copy_holds, w);
	assert_int_equal(save(w, 4 * MiB, stop_after, &stop, &res), -ECANCELED);
	assert_true(fake_kernel_ranges(&bytes, NULL) > 0);

	/*
	 * Nothing under the final name; the partial copy is the dump's
	 * prefix but for boot memory after its first granule, not copied yet
	 * (the message names it), whose memory the kernel still has.
	 */
	boot_lo = w->layout.seg_offset[0] + GRANULE;
	boot_hi = w->layout.seg_offset[0] + w->spec.segs[0].filesz;
	assert_int_equal(access(vt_path(w->dest, "vmcore"), F_OK), -1);
	assert_int_equal(stat(vt_path(w->dest, "vmcore.partial"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	part = vt_slurp(vt_path(w->dest, "vmcore.partial"), &len);
	/* Stopped within a chunk (1 MiB) of the limit. */
	assert_true(len >= 32 * MiB &&
		    len < stop.limit + MiB + (boot_hi - boot_lo));
	assert_memory_equal(part, w->source, boot_lo);
	assert_true(all_zero(part + boot_lo, boot_hi - boot_lo));
	assert_false(all_zero(w->source + boot_lo, boot_hi - boot_lo));
	assert_memory_equal(part + boot_hi, w->source + boot_hi, len - boot_hi);
	free(part);

	/*
	 * One message, the cancel and then what became of the copy: kept,
	 * because the kernel already took memory whose only copy it is. Of
	 * its numbers, the durable prefix is the saver's own to say: at most
	 * the file, less than a 4 MiB batch short of it.
	 */
	durable = number_after(fadump_ctx_get_error(w->ctx), "its first ");
	assert_true(durable <= len && durable + 4 * MiB > len);
	snprintf(want, sizeof(want),
		 "saving to %s cancelled after %llu of %llu bytes; %llu bytes "
		 "of the dump's memory were already released, so "
		 "%s/vmcore.partial is kept: its first %llu bytes are the "
		 "dump's, except file bytes [%#llx, %#llx) (memory the kernel "
		 "keeps: /proc/vmcore still has it)",
		 w->dest, (unsigned long long)stop.stopped_at,
		 (unsigned long long)w->source_len, (unsigned long long)bytes,
		 w->dest, (unsigned long long)durable,
		 (unsigned long long)boot_lo, (unsigned long long)boot_hi);
	assert_string_equal(fadump_ctx_get_error(w->ctx), want);

	/* The dump was not released: it can be saved again elsewhere. */
	assert_int_equal(access(root_path(w, "proc/vmcore"), F_OK), 0);

	/* ...but not over the kept copy. */
	assert_int_equal(save(w, 4 * MiB, NULL, NULL, &res), -EEXIST);
	vt_error_has(w->ctx, "move it away first");
}

/* Stopped before the kernel took anything: the copy is simply removed. */
static void test_stopped_before_a_release_removes_the_copy(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	struct stopper stop = { .limit = 1 };
	char want[512];

	assert_int_equal(save(w, 4 * MiB, stop_after, &stop, &res), -ECANCELED);
	assert_int_equal(fake_kernel_ranges(NULL, NULL), 0);
	snprintf(want, sizeof(want),
		 "saving to %s cancelled after %llu of %llu bytes; the partial "
		 "copy is removed", w->dest,
		 (unsigned long long)stop.stopped_at,
		 (unsigned long long)w->source_len);
	assert_string_equal(fadump_ctx_get_error(w->ctx), want);
	assert_int_equal(access(vt_path(w->dest, "vmcore.partial"), F_OK), -1);
	assert_int_equal(access(root_path(w, "proc/vmcore"), F_OK), 0);
}

/*
 * A hostile dump's segment in the last page of the address space: its
 * start rounded up to a page wraps past 2^64 to 0, which once made the
 * saver ask the kernel for [0, 2^64 - page). Nothing may be asked for
 * (the first write would be refused, stopping early release).
 */
static void test_no_range_wraps_past_the_top(void **state)
{
	struct world *w = *state;
	struct vmcore_segment seg = {
		.paddr = UINT64_MAX - 0x7ff, .offset = 0x10000,
		.filesz = 0x800, .memsz = 0x800,
	};
	char name[] = "hostile";
	struct fadump_vmcore vm = {
		.ctx = w->ctx, .path = name, .format = &vmcore_format_elf,
		.segs = &seg, .nsegs = 1, .nby_paddr = 1,
	};
	struct early_release er;

	assert_int_equal(early_release_start(&er, &vm), 0);
	assert_int_equal(early_release_probe_len(&er, 0), 0);
	fake_kernel_next_write("sys/kernel/fadump/release_range", EPERM, NULL);
	early_release_durable(&er, seg.offset + seg.filesz / 2);
	early_release_durable(&er, seg.offset + seg.filesz);
	early_release_end(&er);
	assert_int_equal(fake_kernel_writes("sys/kernel/fadump/release_range"), 0);
}

/* The worst priority logged, and the message logged at it. */
struct worst_log {
	int priority;
	char message[512];
};

static void record_worst(void *data, int priority, const char *file, int line,
			 const char *fn, const char *format, va_list args)
{
	struct worst_log *worst = data;

	(void)file, (void)line, (void)fn;
	if (priority >= worst->priority)
		return;
	worst->priority = priority;
	vsnprintf(worst->message, sizeof(worst->message), format, args);
}

static void test_kernel_stops_early_release(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	struct worst_log worst = { .priority = LOG_DEBUG + 1 };

	/* The first release_range write finds no active dump. */
	fake_kernel_next_write("sys/kernel/fadump/release_range", EPERM, NULL);
	fadump_ctx_set_log_priority(w->ctx, LOG_DEBUG);
	fadump_ctx_set_log_fn(w->ctx, record_worst, &worst);
	assert_int_equal(save(w, 4 * MiB, NULL, NULL, &res), 0);
	/* A save that succeeds logs no error: stopping early release is a warning. */
	assert_int_equal(worst.priority, LOG_WARNING);
	assert_non_null(strstr(worst.message, "no more memory is released before the copy ends"));
	assert_int_equal(fake_kernel_ranges(NULL, NULL), 0);
	assert_int_equal(fake_kernel_writes("sys/kernel/fadump/release_range"), 1);
	/* The copy was made all the same and the memory released at the end. */
	assert_int_equal(res.release_mode, FADUMP_RELEASE_AT_END);
	assert_true(res.released);
	assert_int_equal(access(vt_path(w->dest, "vmcore"), F_OK), 0);
}

static void test_no_release_range_falls_back(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res;
	char names[256];

	unlink(root_path(w, "sys/kernel/fadump/release_range"));
	assert_int_equal(save(w, 4 * MiB, NULL, NULL, &res), 0);
	assert_int_equal(res.release_mode, FADUMP_RELEASE_AT_END);
	assert_true(res.released);
	assert_int_equal(res.syncs, 0);
	assert_string_equal(fake_kernel_log(), "sys/kernel/fadump/release_mem=1 ");
	assert_int_equal(vt_dir_entries(w->dest, names, sizeof(names)), 1);
}

static void test_release_needs_the_live_dump(void **state)
{
	struct world *w = *state;
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .flags = FADUMP_SAVE_RELEASE,
	};
	struct fadump_vmcore *vm;
	char names[256];

	assert_int_equal(fadump_vmcore_open(w->ctx, root_path(w, "proc/vmcore"),
					    &vm), 0);
	assert_int_equal(fadump_vmcore_save(vm, w->dest, &opts, NULL), 0);
	fadump_vmcore_unref(vm);
	assert_int_equal(vt_dir_entries(w->dest, names, sizeof(names)), 1);

	/* A copy of the dump is not the dump. */
	assert_int_equal(fadump_vmcore_open(w->ctx, vt_path(w->dest, "vmcore"),
					    &vm), 0);
	opts.name = "again";
	assert_int_equal(fadump_vmcore_save(vm, w->dest, &opts, NULL), -EINVAL);
	vt_error_has(w->ctx, "not the live dump");
	fadump_vmcore_unref(vm);
	assert_string_equal(fake_kernel_log(), "sys/kernel/fadump/release_mem=1 ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ranges_follow_the_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_released_before_is_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_before_a_release_removes_the_copy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopped_save_keeps_the_partial_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_stops_early_release, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_range_wraps_past_the_top, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_release_range_falls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_needs_the_live_dump, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

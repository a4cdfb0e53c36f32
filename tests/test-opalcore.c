// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The OPAL core of a PowerNV capture boot: status, the reader on the
 * kernel's layout (tests/mkopalcore.c, written from opal-core.c), the
 * durable save and release_core after it, against the fake kernel's
 * model of release_core_store() (the core goes, EPERM after).
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
#include "mkopalcore.h"
#include "vmcore-util.h"

#define CORE_REL	"sys/firmware/opal/mpipl/core"
#define RELEASE_REL	"sys/firmware/opal/mpipl/release_core"

struct world {
	char *root;
	char *dest;
	struct fadump_ctx *ctx;
	struct mkopalcore_spec spec;
	unsigned char *core;	/* the core's bytes as written */
	size_t core_len;
	unsigned int hook_calls;
};

static void write_core(struct world *w, const char *rel)
{
	char path[PATH_MAX];

	scratch_write(w->root, rel, "", 0);
	snprintf(path, sizeof(path), "%s/%s", w->root, rel);
	unlink(path);
	assert_int_equal(mkopalcore_write(path, &w->spec), 0);
	free(w->core);
	w->core = vt_slurp(path, &w->core_len);
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->root = fixture_copy("roots/powernv-6.1-capture");
	w->dest = vt_tmpdir();
	mkopalcore_default(&w->spec);
	write_core(w, CORE_REL);
	scratch_write(w->root, RELEASE_REL, "", 0);
	fake_kernel_start(w->root, FAKE_KERNEL_MODERN);
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
	free(w->core);
	free(w);
	return 0;
}

static bool core_exists(struct world *w)
{
	return access(vt_path(w->root, CORE_REL), F_OK) == 0;
}

static void test_status(void **state)
{
	struct world *w = *state;
	struct fadump_status st = { .size = sizeof(st) };

	assert_int_equal(fadump_status_read(w->ctx, &st), 0);
	assert_int_equal(st.platform, FADUMP_PLATFORM_POWERNV);
	assert_true(st.opalcore_present);
	assert_true(st.opalcore_release_available);
	assert_int_equal(st.opalcore_size, mkopalcore_file_size(&w->spec));
	assert_int_equal(st.opalcore_size, w->core_len);

	/* released: release_core stays, the core goes */
	assert_int_equal(fadump_opalcore_release(w->ctx), 0);
	assert_false(core_exists(w));
	assert_int_equal(fadump_status_read(w->ctx, &st), 0);
	assert_false(st.opalcore_present);
	assert_true(st.opalcore_release_available);
	assert_int_equal(st.opalcore_size, -1);
}

/* A caller of 0.3 gets its struct filled up to its size, no further. */
static void test_status_old_size(void **state)
{
	struct world *w = *state;
	struct fadump_status st;

	memset(&st, 0x5a, sizeof(st));
	st.size = FADUMP_STATUS_SIZE_V2;
	assert_int_equal(fadump_status_read(w->ctx, &st), 0);
	assert_int_equal(((unsigned char *)&st)[offsetof(struct fadump_status,
							  opalcore_present)], 0x5a);
}

/* 5.4 kept the core at /sys/firmware/opal/core. */
static void test_status_legacy_name(void **state)
{
	struct world *w = *state;
	struct fadump_status st = { .size = sizeof(st) };

	assert_int_equal(unlink(vt_path(w->root, CORE_REL)), 0);
	write_core(w, "sys/firmware/opal/core");
	assert_int_equal(fadump_status_read(w->ctx, &st), 0);
	assert_true(st.opalcore_present);
	assert_int_equal(st.opalcore_size, w->core_len);
}

static void test_status_none(void **state)
{
	struct world *w = *state;
	struct fadump_status st = { .size = sizeof(st) };
	struct fadump_ctx *ctx;
	char *root = fixture_copy("roots/pseries-7.2-capture");

	(void)w;
	assert_int_equal(fadump_ctx_new(root, &ctx), 0);
	fadump_ctx_set_log_fn(ctx, NULL, NULL);
	assert_int_equal(fadump_status_read(ctx, &st), 0);
	assert_false(st.opalcore_present);
	assert_false(st.opalcore_release_available);
	assert_int_equal(st.opalcore_size, -1);
	assert_int_equal(fadump_opalcore_release(ctx), -ENOENT);
	assert_int_equal(fadump_opalcore_save(ctx, w->dest, NULL, NULL), -ENOENT);
	vt_error_has(ctx, "no OPAL core");
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

/* The library's ELF reader on the kernel's layout, byte for byte. */
static void test_read(void **state)
{
	struct world *w = *state;
	struct fadump_vmcore_info info = { .size = sizeof(info) };
	struct fadump_vmcore_segment seg = { .size = sizeof(seg) };
	struct fadump_vmcore *vm = vt_open(w->ctx, vt_path(w->root, CORE_REL));
	unsigned char buf[4096];
	uint64_t paddr = 0;

	assert_int_equal(fadump_vmcore_get_info(vm, &info), 0);
	assert_true(info.big_endian);
	assert_int_equal(info.machine, 21);	/* EM_PPC64 */
	assert_int_equal(info.segments, w->spec.regions);
	/* one NT_PRSTATUS per active thread, and NT_AUXV */
	assert_int_equal(info.cpus, w->spec.cpus - w->spec.inactive);
	assert_int_equal(info.notes, w->spec.cpus - w->spec.inactive + 1);
	for (unsigned int i = 0; i < w->spec.regions; i++) {
		assert_int_equal(fadump_vmcore_get_segment(vm, i, &seg), 0);
		assert_int_equal(seg.paddr, paddr);
		assert_int_equal(seg.vaddr, w->spec.opal_base + paddr);
		assert_int_equal(seg.filesz, w->spec.region_size[i]);
		/* the last page of each region */
		assert_int_equal(fadump_vmcore_read(vm, paddr + seg.filesz -
						    sizeof(buf), buf,
						    sizeof(buf)), 0);
		for (size_t j = 0; j < sizeof(buf); j++)
			assert_int_equal(buf[j], mkopalcore_byte(&w->spec, i,
				seg.filesz - sizeof(buf) + j));
		paddr += seg.filesz;
	}
	fadump_vmcore_unref(vm);
}

static void assert_saved(struct world *w, const char *name)
{
	unsigned char *copy;
	struct stat st;
	size_t len;

	assert_int_equal(stat(vt_path(w->dest, name), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	copy = vt_slurp(vt_path(w->dest, name), &len);
	assert_int_equal(len, w->core_len);
	assert_memory_equal(copy, w->core, len);
	free(copy);
}

static void test_save(void **state)
{
	struct world *w = *state;
	struct fadump_save_result res = { .size = sizeof(res) };
	struct stat st;

	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, NULL, &res), 0);
	assert_saved(w, "opalcore");
	assert_int_equal(res.bytes_total, w->core_len);
	assert_false(res.released);
	assert_int_equal(res.release_mode, FADUMP_RELEASE_NONE);
	/* a quarter of OPAL's 64 KiB blocks are zero: left as holes */
	assert_int_equal(stat(vt_path(w->dest, "opalcore"), &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 < w->core_len);
	assert_true(res.zero_bytes_skipped >= 64 << 10);
	/* nothing released, and never overwritten */
	assert_true(core_exists(w));
	assert_int_equal(fake_kernel_writes(RELEASE_REL), 0);
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, NULL, NULL),
			 -EEXIST);
}

/* At the moment the kernel frees the core, the copy is in place, whole. */
static void check_saved_at_release(void *data)
{
	struct world *w = data;

	assert_saved(w, "opalcore");
	w->hook_calls++;
}

static void test_save_release(void **state)
{
	struct world *w = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts),
					 .flags = FADUMP_SAVE_RELEASE };
	struct fadump_save_result res = { .size = sizeof(res) };

	fake_kernel_release_core_hook(check_saved_at_release, w);
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, &res), 0);
	assert_int_equal(w->hook_calls, 1);
	assert_true(res.released);
	assert_int_equal(res.release_mode, FADUMP_RELEASE_AT_END);
	assert_false(core_exists(w));
	/* /proc/vmcore is not the OPAL core's to release */
	assert_int_equal(fake_kernel_writes("sys/kernel/fadump/release_mem"), 0);
	assert_string_equal(fake_kernel_log(), RELEASE_REL "=1 ");
	/* again: gone, and release_core says so */
	assert_int_equal(fadump_opalcore_release(w->ctx), -EPERM);
	vt_error_has(w->ctx, "already released");
}

static void test_save_release_refused(void **state)
{
	struct world *w = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts),
					 .flags = FADUMP_SAVE_RELEASE };
	struct fadump_save_result res = { .size = sizeof(res) };

	fake_kernel_next_write(RELEASE_REL, EPERM, NULL);
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, &res),
			 -EPERM);
	vt_error_has(w->ctx, "release_core: the kernel refused");
	/* saved all the same, and the result says so */
	assert_saved(w, "opalcore");
	assert_int_equal(res.bytes_total, w->core_len);
	assert_false(res.released);
	assert_true(core_exists(w));
}

static int cancel_at_half(void *data, uint64_t done, uint64_t total)
{
	(void)data;
	return done >= total / 2;
}

static void test_save_cancel(void **state)
{
	struct world *w = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts),
					 .flags = FADUMP_SAVE_RELEASE,
					 .chunk_size = 64 << 10,
					 .progress = cancel_at_half };

	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, NULL),
			 -ECANCELED);
	assert_int_equal(vt_dir_entries(w->dest, NULL, 0), 0);
	assert_int_equal(fake_kernel_writes(RELEASE_REL), 0);
	assert_true(core_exists(w));
}

/* Mount a tmpfs of @size on @dir, or skip the test. */
static void small_fs(const char *dir, const char *size)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd),
		 "mount -t tmpfs -o size=%s,mode=0700 fadump-test %s 2>/dev/null",
		 size, dir);
	if (system(cmd) != 0) {
		print_message("cannot mount a tmpfs (not root?): test skipped\n");
		skip();
	}
}

static void test_save_enospc(void **state)
{
	struct world *w = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts),
					 .flags = FADUMP_SAVE_RELEASE };
	char cmd[600];
	int ret;

	/* 2 MiB of OPAL memory, no zero block, onto 1 MiB */
	w->spec.region_size[0] = w->spec.region_size[1] = 1 << 20;
	w->spec.zero_percent = 0;
	write_core(w, CORE_REL);
	small_fs(w->dest, "1M");
	ret = fadump_opalcore_save(w->ctx, w->dest, &opts, NULL);
	assert_int_equal(vt_dir_entries(w->dest, NULL, 0), 0);
	snprintf(cmd, sizeof(cmd), "umount %s", w->dest);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ret, -ENOSPC);
	vt_error_has(w->ctx, "the partial copy is removed");
	assert_int_equal(fake_kernel_writes(RELEASE_REL), 0);
	assert_true(core_exists(w));
}

static void test_save_bad_opts(void **state)
{
	struct world *w = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts) };

	opts.flags = FADUMP_SAVE_RELEASE_RANGES;
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, NULL),
			 -EINVAL);
	vt_error_has(w->ctx, "inapplicable save flags 0x4");
	opts.flags = 0;
	opts.dump_level = 31;
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, NULL),
			 -EINVAL);
	vt_error_has(w->ctx, "saved as it is");
	opts.dump_level = 0;
	opts.format = FADUMP_SAVE_FORMAT_KDUMP;
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, NULL),
			 -EINVAL);
	assert_int_equal(vt_dir_entries(w->dest, NULL, 0), 0);
	assert_int_equal(fadump_opalcore_save(NULL, w->dest, NULL, NULL), -EINVAL);
	assert_int_equal(fadump_opalcore_release(NULL), -EINVAL);
}

/* A damaged core is refused before anything is written. */
static void test_save_damaged(void **state)
{
	struct world *w = *state;
	const char *core = vt_path(w->root, CORE_REL);

	/* the first PT_LOAD's size past the end of the file */
	chmod(core, 0600);
	vt_patch(core, PHDR(1) + PH_FILESZ, 1ull << 40, 8, true);
	vt_patch(core, PHDR(1) + PH_MEMSZ, 1ull << 40, 8, true);
	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, NULL, NULL),
			 -EBADMSG);
	vt_error_has(w->ctx, "past the end of the file");
	assert_int_equal(vt_dir_entries(w->dest, NULL, 0), 0);
}

/*
 * The headers and notes of a real core (metadata/opalcore-qemu-pnv10-
 * head.bin: QEMU powernv10, 2 threads), its one OPAL region cut to
 * 128 KiB so that the file stays small: read, saved, released.
 */
static void test_qemu_core(void **state)
{
	struct world *w = *state;
	struct fadump_vmcore_info info = { .size = sizeof(info) };
	struct fadump_vmcore_segment seg = { .size = sizeof(seg) };
	struct fadump_save_opts opts = { .size = sizeof(opts),
					 .flags = FADUMP_SAVE_RELEASE };
	struct fadump_vmcore *vm;
	size_t len;
	unsigned char *head = fixture_load("metadata/opalcore-qemu-pnv10-head.bin",
					   &len);
	const char *core = vt_path(w->root, CORE_REL);

	assert_int_equal(len, 0x10000);
	free(w->core);
	w->core_len = 0x30000;
	w->core = calloc(1, w->core_len);
	assert_non_null(w->core);
	memcpy(w->core, head, len);
	free(head);
	put_be64(w->core, PHDR(1) + PH_FILESZ, 0x20000);
	put_be64(w->core, PHDR(1) + PH_MEMSZ, 0x20000);
	for (size_t i = 0x10000; i < w->core_len; i++)
		w->core[i] = (unsigned char)(i * 7 + 1);
	unlink(core);
	scratch_write(w->root, CORE_REL, w->core, w->core_len);

	vm = vt_open(w->ctx, core);
	assert_int_equal(fadump_vmcore_get_info(vm, &info), 0);
	assert_true(info.big_endian);
	assert_int_equal(info.segments, 1);
	assert_int_equal(info.cpus, 2);
	assert_int_equal(info.notes, 3);	/* 2 x NT_PRSTATUS, NT_AUXV */
	assert_int_equal(fadump_vmcore_get_segment(vm, 0, &seg), 0);
	assert_int_equal(seg.vaddr, 0x30000000);	/* opal-base-address */
	assert_int_equal(seg.paddr, 0);
	fadump_vmcore_unref(vm);

	assert_int_equal(fadump_opalcore_save(w->ctx, w->dest, &opts, NULL), 0);
	assert_saved(w, "opalcore");
	assert_false(core_exists(w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_status),
		T(test_status_old_size),
		T(test_status_legacy_name),
		T(test_status_none),
		T(test_read),
		T(test_save),
		T(test_save_release),
		T(test_save_release_refused),
		T(test_save_cancel),
		T(test_save_enospc),
		T(test_save_bad_opts),
		T(test_save_damaged),
		T(test_qemu_core),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

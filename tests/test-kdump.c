// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of reading kdump-compressed files through the vmcore
 * API: every header version, both byte orders, every compression, zero
 * pages sharing a block, excluded pages, incomplete files, and damaged or
 * hostile ones, on files written by mkkdump (makedumpfile's layout, an
 * independent writer).
 *
 * What a page holds, which pages the machine had and which the file
 * keeps come from the writer's rules (mkkdump_page(), _present(),
 * _dumped()), not from the library; expected counts are worked out from
 * mkkdump_default()'s ranges by hand below.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>
#ifdef LIB_HAS_ZSTD
#include <zstd.h>
#endif

#include "fadump.h"
#include "helpers.h"
#include "mkkdump.h"
#include "vmcore-util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What a test that wants some compression other than zlib uses; all
 * compressions but zlib are optional (meson options zstd, lzo, snappy),
 * LIB_HAS_* says which the library under test has.
 */
#ifdef LIB_HAS_ZSTD
#define OTHER_COMPRESSION MKK_ZSTD
#else
#define OTHER_COMPRESSION MKK_ZLIB
#endif
#if defined(LIB_HAS_ZSTD) && defined(LIB_HAS_LZO) && defined(LIB_HAS_SNAPPY)
#define LIB_HAS_ALL 1
#endif

static const char *make(struct vt_env *e, const char *name,
			const struct mkkdump_spec *spec,
			struct mkkdump_layout *lay)
{
	const char *path = vt_path(e->dir, name);

	assert_int_equal(mkkdump_write(path, spec, lay), 0);
	return path;
}


/* Every pfn up to 4 past max_mapnr: its data, or the error it must give. */
static void check_every_page(struct vt_env *e, struct fadump_vmcore *vm,
			     const struct mkkdump_spec *spec)
{
	size_t ps = spec->page_size;
	unsigned char *want = malloc(ps), *got = malloc(ps);

	for (uint64_t pfn = 0; pfn < spec->max_mapnr + 4; pfn++) {
		int ret = fadump_vmcore_read(vm, pfn * ps, got, ps);

		if (mkkdump_dumped(spec, pfn)) {
			if (ret < 0)
				print_error("pfn %#llx: %s\n", (unsigned long long)pfn,
					    fadump_ctx_get_error(e->ctx));
			assert_int_equal(ret, 0);
			mkkdump_page(spec, pfn, want);
			assert_memory_equal(got, want, ps);
		} else if (mkkdump_present(spec, pfn)) {
			assert_int_equal(ret, -ENODATA);
			vt_error_has(e->ctx, "excluded from the dump");
		} else {
			assert_int_equal(ret, -ENXIO);
			vt_error_has(e->ctx, "not in the dump");
		}
	}
	free(want);
	free(got);
}

/*
 * mkkdump_default(): pfns [0, 64), [96, 196), [256, 320) (two ranges side
 * by side), max_mapnr 352; pfn % 5 == 1 excluded.
 */
static void check_default_info(struct fadump_vmcore *vm, bool big,
			       unsigned int version)
{
	struct fadump_vmcore_info info = { .size = sizeof(info) };
	struct fadump_vmcore_segment s = { .size = sizeof(s) };
	/* excluded: 13 in [0, 64), 20 in [96, 196), 13 in [256, 320) */
	uint64_t dumped = (64 - 13) + (100 - 20) + (64 - 13);

	assert_int_equal(fadump_vmcore_get_info(vm, &info), 0);
	assert_int_equal(info.format, FADUMP_VMCORE_FORMAT_KDUMP);
	assert_string_equal(fadump_vmcore_format_name(info.format), "kdump");
	assert_int_equal(info.big_endian, big);
	assert_int_equal(info.machine, EM_PPC64);
	assert_int_equal(info.dump_level, 31);
	assert_int_equal(info.segments, 3);
	assert_int_equal(info.memory_bytes, (64 + 100 + 64) * 4096);
	assert_int_equal(info.data_bytes, dumped * 4096);
	assert_int_equal(info.cpus, version >= 4 ? 2 : 0);
	assert_int_equal(info.notes, version >= 4 ? 3 : 0);

	assert_int_equal(fadump_vmcore_get_segment(vm, 1, &s), 0);
	assert_int_equal(s.paddr, 96 * 4096);
	assert_int_equal(s.memsz, 100 * 4096);
	assert_int_equal(s.filesz, 80 * 4096);
	assert_int_equal(s.offset, 0);
	assert_int_equal(fadump_vmcore_get_segment(vm, 2, &s), 0);
	assert_int_equal(s.paddr, 256 * 4096);
	assert_int_equal(s.memsz, 64 * 4096);
}

static void check_metadata(struct vt_env *e, struct fadump_vmcore *vm,
			   unsigned int version)
{
	struct fadump_prstatus pr = { .size = sizeof(pr) };
	struct fadump_ppc64_regs regs = { .size = sizeof(regs) };
	const char *value;
	int64_t when;

	if (version >= 3) {
		assert_int_equal(fadump_vmcore_vmcoreinfo_lookup(vm, "OSRELEASE",
								 &value), 0);
		assert_string_equal(value, MKV_OSRELEASE);
		assert_int_equal(fadump_vmcore_crash_time(vm, &when), 0);
		assert_int_equal(when, MKV_CRASHTIME);
	} else {
		assert_int_equal(fadump_vmcore_vmcoreinfo_count(vm), -ENOENT);
	}
	if (version >= 4) {
		assert_int_equal(fadump_vmcore_get_prstatus(vm, 1, &pr), 0);
		assert_int_equal(pr.pid, mkvmcore_pid(1));
		assert_int_equal(fadump_vmcore_get_ppc64_regs(vm, 1, &regs), 0);
		assert_int_equal(regs.gpr[5], mkvmcore_reg(1, 5));
		assert_int_equal(regs.nip, mkvmcore_reg(1, 32));
	}
	(void)e;
}

static void test_every_version_order_compression(void **state)
{
	static const enum mkk_compression methods[] = {
		MKK_PLAIN, MKK_ZLIB, MKK_LZO, MKK_SNAPPY, MKK_ZSTD, MKK_MIXED,
	};
	struct vt_env *e = *state;

	for (int big = 0; big < 2; big++)
		for (unsigned int v = 1; v <= 6; v++)
			for (size_t m = 0; m < ARRAY_SIZE(methods); m++) {
				struct mkkdump_spec spec;
				struct mkkdump_layout lay;
				struct fadump_vmcore *vm;

				if (!mkkdump_can_compress(methods[m]))
					continue;
#ifndef LIB_HAS_ALL
				if (methods[m] == MKK_MIXED)
					continue;
#endif
#ifndef LIB_HAS_ZSTD
				if (methods[m] == MKK_ZSTD)
					continue;
#endif
#ifndef LIB_HAS_LZO
				if (methods[m] == MKK_LZO)
					continue;
#endif
#ifndef LIB_HAS_SNAPPY
				if (methods[m] == MKK_SNAPPY)
					continue;
#endif
				mkkdump_default(&spec, big, v, methods[m]);
				vm = vt_open(e->ctx, make(e, "dump", &spec, &lay));
				/* the writer compressed what it could */
				if (methods[m] != MKK_PLAIN)
					assert_true(lay.ncompressed > lay.nplain);
				check_default_info(vm, big, v);
				check_metadata(e, vm, v);
				check_every_page(e, vm, &spec);
				fadump_vmcore_unref(vm);
			}
}

/* 64 KiB pages, as Debian's ppc64el kernel has them. */
static void test_64k_pages(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_spec spec;
	struct fadump_vmcore *vm;

	mkkdump_default(&spec, true, 6, OTHER_COMPRESSION);
	spec.page_size = 65536;
	spec.max_mapnr = 40;
	spec.nranges = 2;
	spec.ranges[0] = (struct mkkdump_range){ 0, 16 };
	spec.ranges[1] = (struct mkkdump_range){ 20, 19 };
	vm = vt_open(e->ctx, make(e, "dump", &spec, NULL));
	check_every_page(e, vm, &spec);
	fadump_vmcore_unref(vm);
}

/*
 * Reads that cross pages, inside the page cache's slots and across them,
 * and reads that reach an excluded page or a hole fail on it.
 */
static void test_reads_across_pages(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_spec spec;
	struct fadump_vmcore *vm;
	unsigned char *want = malloc(4 * 4096), *got = malloc(4 * 4096);

	mkkdump_default(&spec, false, 6, MKK_ZLIB);
	vm = vt_open(e->ctx, make(e, "dump", &spec, NULL));
	/* pfns 2, 3, 4, 5 (none excluded), from the middle of 2 */
	for (int i = 0; i < 4; i++)
		mkkdump_page(&spec, 2 + i, want + i * 4096);
	assert_int_equal(fadump_vmcore_read(vm, 2 * 4096 + 100, got, 3 * 4096), 0);
	assert_memory_equal(got, want + 100, 3 * 4096);
	/* pfns 10 and 18 share a cache slot: alternate between them */
	for (int i = 0; i < 3; i++) {
		mkkdump_page(&spec, 10, want);
		assert_int_equal(fadump_vmcore_read(vm, 10 * 4096 + 8, got, 16), 0);
		assert_memory_equal(got, want + 8, 16);
		mkkdump_page(&spec, 18, want);
		assert_int_equal(fadump_vmcore_read(vm, 18 * 4096 + 8, got, 16), 0);
		assert_memory_equal(got, want + 8, 16);
	}
	/* pfn 5 is dumped, 6 is (zero page: 6 % 7 != 0, but 7 is), 11 excluded */
	assert_int_equal(fadump_vmcore_read(vm, 9 * 4096, got, 3 * 4096), -ENODATA);
	vt_error_has(e->ctx, "physical address 0xb000 (pfn 0xb)");
	vt_error_has(e->ctx, "makedumpfile -d 31");
	/* from the end of range 0 into the hole at pfn 64 */
	assert_int_equal(fadump_vmcore_read(vm, 63 * 4096, got, 2 * 4096), -ENXIO);
	vt_error_has(e->ctx, "physical address 0x40000 is not in the dump "
			     "(hole from 0x40000 to 0x5ffff)");
	/* past max_mapnr and past the last range */
	assert_int_equal(fadump_vmcore_read(vm, 400 * 4096 + 8, got, 8), -ENXIO);
	vt_error_has(e->ctx, "physical address 0x190008 is not in the dump "
			     "(memory ends at 0x13ffff)");
	assert_int_equal(fadump_vmcore_read(vm, UINT64_MAX - 4, got, 8), -ENXIO);
	vt_error_has(e->ctx, "overflows");
	/* an excluded page is never zeros: the buffer is not the point */
	assert_int_equal(fadump_vmcore_read(vm, 1 * 4096, got, 1), -ENODATA);
	fadump_vmcore_unref(vm);
	free(want);
	free(got);
}

/* Zero pages: one block for all with -d bit 0, compressed one by one without. */
static void test_zero_pages(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_spec spec;
	struct mkkdump_layout lay;
	struct fadump_vmcore *vm;

	mkkdump_default(&spec, true, 6, MKK_ZLIB);
	spec.zero_every = 2;
	vm = vt_open(e->ctx, make(e, "dump", &spec, &lay));
	assert_true(lay.nzero > 50);
	check_every_page(e, vm, &spec);
	fadump_vmcore_unref(vm);

	spec.dump_level = 30;
	vm = vt_open(e->ctx, make(e, "dump", &spec, &lay));
	assert_int_equal(lay.nzero, 0);
	check_every_page(e, vm, &spec);
	fadump_vmcore_unref(vm);
}

/* ENOSPC in makedumpfile: the last pages' descriptors are zero, no data. */
static void test_incomplete(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_spec spec;
	struct fadump_vmcore *vm;
	unsigned char buf[64];
	uint64_t last = 0;

	mkkdump_default(&spec, false, 6, OTHER_COMPRESSION);
	spec.unwritten = 5;
	vm = vt_open(e->ctx, make(e, "dump", &spec, NULL));
	/* the last dumped pfn is 319; the five last dumped ones are unwritten */
	for (uint64_t pfn = spec.max_mapnr; pfn-- > 0 && last < 5;)
		if (mkkdump_dumped(&spec, pfn)) {
			assert_int_equal(fadump_vmcore_read(vm, pfn * 4096, buf, 8),
					 -ENODATA);
			vt_error_has(e->ctx, "incomplete");
			last++;
		}
	assert_int_equal(fadump_vmcore_read(vm, 300 * 4096, buf, 8), 0);
	fadump_vmcore_unref(vm);
}

/*
 * A build without libzstd, liblzo2 or libsnappy reads the rest and
 * refuses such pages by name (-Dzstd=disabled -Dlzo=disabled
 * -Dsnappy=disabled runs this).
 */
static void __attribute__((unused))
check_not_built(struct vt_env *e, enum mkk_compression method, const char *name)
{
	struct mkkdump_spec spec;
	struct fadump_vmcore *vm;
	unsigned char buf[16];
	char words[64];

	if (!mkkdump_can_compress(method))
		return;
	mkkdump_default(&spec, false, 6, method);
	vm = vt_open(e->ctx, make(e, "dump", &spec, NULL));
	/* pfn 2 is text, stored compressed; pfn 0 a zero page, plain */
	assert_int_equal(fadump_vmcore_read(vm, 2 * 4096, buf, 16), -EOPNOTSUPP);
	snprintf(words, sizeof(words), "built without %s support", name);
	vt_error_has(e->ctx, words);
	vt_error_has(e->ctx, "pfn 0x2");
	assert_int_equal(fadump_vmcore_read(vm, 0, buf, 16), 0);
	fadump_vmcore_unref(vm);
}

static void test_compression_not_built(void **state)
{
#ifndef LIB_HAS_ZSTD
	check_not_built(*state, MKK_ZSTD, "zstd");
#endif
#ifndef LIB_HAS_LZO
	check_not_built(*state, MKK_LZO, "lzo");
#endif
#ifndef LIB_HAS_SNAPPY
	check_not_built(*state, MKK_SNAPPY, "snappy");
#endif
	(void)state;
}

/* The kernel log through VMCOREINFO, as from the same memory in ELF. */
static void test_dmesg_like_elf(void **state)
{
	static const struct mkvmcore_msg msgs[] = {
		{ 1000, 0x80000000, "Linux version 7.2.0-fadump-test" },
		{ 2000, 1, "fadump: Firmware-assisted dump is active" },
		{ 3000, 0x80000002, "Kernel panic - not syncing: sysrq triggered crash" },
	};
	struct vt_env *e = *state;
	struct mkvmcore_printk *pk = calloc(1, sizeof(*pk));
	struct mkvmcore_spec elf;
	struct mkkdump_spec spec;
	struct fadump_vmcore *vm;
	char *from_elf, *from_kdump;

	for (int big = 0; big < 2; big++) {
		mkvmcore_default(&elf, big);
		mkvmcore_printk_init(pk);
		assert_int_equal(mkvmcore_printk_build(pk, msgs, 3, &elf), 0);
		vm = vt_open(e->ctx, vt_make(e->dir, "elf", &elf, NULL));
		assert_int_equal(fadump_vmcore_dmesg_text(vm, &from_elf, NULL, NULL), 0);
		fadump_vmcore_unref(vm);

#ifdef LIB_HAS_ALL
		mkkdump_default(&spec, big, 6, MKK_MIXED);
#else
		mkkdump_default(&spec, big, 6, OTHER_COMPRESSION);
#endif
		spec.exclude_every = 0;
		spec.vmcoreinfo = elf.vmcoreinfo;
		spec.npatches = elf.npatches;
		memcpy(spec.patches, elf.patches, sizeof(spec.patches));
		vm = vt_open(e->ctx, make(e, "dump", &spec, NULL));
		if (fadump_vmcore_dmesg_text(vm, &from_kdump, NULL, NULL) < 0)
			print_error("dmesg: %s\n", fadump_ctx_get_error(e->ctx));
		assert_non_null(strstr(from_kdump, "sysrq triggered crash"));
		assert_string_equal(from_kdump, from_elf);
		free(from_elf);
		free(from_kdump);
		fadump_vmcore_unref(vm);
	}
	free(pk);
}

/* Saving copies the file byte for byte, whatever its format. */
static void test_save_copies_the_file(void **state)
{
	struct vt_env *e = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts), .name = "copy" };
	struct mkkdump_spec spec;
	struct fadump_vmcore *vm;
	unsigned char *a, *b;
	size_t alen, blen;
	const char *path;
	char *dest = vt_tmpdir();

	mkkdump_default(&spec, true, 6, MKK_ZLIB);
	path = make(e, "dump", &spec, NULL);
	vm = vt_open(e->ctx, path);
	assert_int_equal(fadump_vmcore_save(vm, dest, &opts, NULL), 0);
	fadump_vmcore_unref(vm);
	a = vt_slurp(path, &alen);
	b = vt_slurp(vt_path(dest, "copy"), &blen);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(a);
	free(b);
	scratch_remove(dest);
}

/* ---- damaged and hostile files ---- */

static const char *good(struct vt_env *e, bool big, struct mkkdump_layout *lay)
{
	struct mkkdump_spec spec;

	mkkdump_default(&spec, big, 6, MKK_ZLIB);
	return make(e, "dump", &spec, lay);
}

static void test_other_formats_refused(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_layout lay;
	char flat[4096] = "makedumpfile";
	const char *path;

	scratch_write(e->dir, "flat", flat, sizeof(flat));
	vt_open_fails(e->ctx, vt_path(e->dir, "flat"), -EOPNOTSUPP,
		      "flattened format", "makedumpfile -R");
	path = good(e, false, &lay);
	vt_patch_raw(path, 0, "DISKDUMP", 8);
	vt_open_fails(e->ctx, path, -EOPNOTSUPP, "diskdump", NULL);

	/* split: version 2 on */
	path = good(e, true, &lay);
	vt_patch(path, lay.sub_offset + MKK_KH_SPLIT, 1, 4, true);
	vt_open_fails(e->ctx, path, -EOPNOTSUPP, "split dump",
		      "makedumpfile --reassemble");
	/* a version 1 file has no split field: the same bytes mean nothing */
	vt_patch(path, MKK_DH_VERSION, 1, 4, true);
	fadump_vmcore_unref(vt_open(e->ctx, path));

	/* a 32-bit machine's header: block_size at 416 */
	path = good(e, false, &lay);
	vt_patch(path, MKK_DH_BLOCK_SIZE, 0, 4, false);
	vt_patch(path, 416, 4096, 4, false);
	vt_open_fails(e->ctx, path, -EOPNOTSUPP, "32-bit", NULL);
}

static void test_bad_header(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_layout lay;
	const char *path;

	path = good(e, false, &lay);
	vt_patch(path, MKK_DH_VERSION, 0x12345678, 4, false);
	vt_open_fails(e->ctx, path, -EBADMSG, "header version 0x12345678",
		      "either byte order");
	vt_patch(path, MKK_DH_VERSION, 7, 4, false);
	vt_open_fails(e->ctx, path, -EOPNOTSUPP, "header version 7", NULL);
	vt_patch(path, MKK_DH_VERSION, 0, 4, false);
	vt_open_fails(e->ctx, path, -EOPNOTSUPP, "header version 0", NULL);

	path = good(e, true, &lay);
	vt_patch(path, MKK_DH_BLOCK_SIZE, 3000, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "block_size 3000", NULL);
	vt_patch(path, MKK_DH_BLOCK_SIZE, 4096, 4, true);

	vt_patch(path, MKK_DH_SUB_HDR_SIZE, 0, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "sub_hdr_size 0", NULL);
	vt_patch(path, MKK_DH_SUB_HDR_SIZE, 0x7fffffff, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "bitmaps", "past the end");
	vt_patch(path, MKK_DH_SUB_HDR_SIZE, lay.sub_hdr_blocks, 4, true);

	/* bitmaps: odd, too small for max_mapnr, past the end */
	vt_patch(path, MKK_DH_BITMAP_BLOCKS, 3, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "bitmap_blocks 3 is odd", NULL);
	vt_patch(path, MKK_DH_MAX_MAPNR, 8 * 4096 + 1, 4, true);
	vt_patch(path, lay.sub_offset + MKK_KH_MAX_MAPNR_64, 8 * 4096 + 1, 8, true);
	vt_patch(path, MKK_DH_BITMAP_BLOCKS, 2, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "cannot hold max_mapnr 0x8001",
		      NULL);
	vt_patch(path, MKK_DH_BITMAP_BLOCKS, 0x10000000, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "bitmaps", "past the end");

	/* max_mapnr: the two fields disagree; above what is read */
	path = good(e, true, &lay);
	vt_patch(path, MKK_DH_MAX_MAPNR, 351, 4, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "max_mapnr 0x15f disagrees", NULL);
	vt_patch(path, MKK_DH_MAX_MAPNR, 0xffffffff, 4, true);
	vt_patch(path, lay.sub_offset + MKK_KH_MAX_MAPNR_64, 1ull << 40, 8, true);
	vt_open_fails(e->ctx, path, -E2BIG, "max_mapnr 0x10000000000", NULL);
	/* version 5 does not have the 64-bit field: it is ignored */
	vt_patch(path, MKK_DH_MAX_MAPNR, 352, 4, true);
	vt_patch(path, MKK_DH_VERSION, 5, 4, true);
	fadump_vmcore_unref(vt_open(e->ctx, path));
}

static void test_bad_sub_header(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_layout lay;
	struct fadump_vmcore *vm;
	const char *path;

	path = good(e, false, &lay);
	vt_patch(path, lay.sub_offset + MKK_KH_SIZE_NOTE, 1ull << 40, 8, false);
	vt_open_fails(e->ctx, path, -E2BIG, "notes", NULL);
	vt_patch(path, lay.sub_offset + MKK_KH_SIZE_NOTE, 4096, 8, false);
	vt_patch(path, lay.sub_offset + MKK_KH_OFFSET_NOTE, 1ull << 40, 8, false);
	vt_open_fails(e->ctx, path, -EBADMSG, "sub-header's notes",
		      "past the end");
	/* a note that runs past the note section */
	vt_patch(path, lay.sub_offset + MKK_KH_OFFSET_NOTE, lay.note_offset, 8, false);
	vt_patch(path, lay.sub_offset + MKK_KH_SIZE_NOTE, lay.note_size, 8, false);
	vt_patch(path, lay.note_offset + 4, 0x100000, 4, false);
	vt_open_fails(e->ctx, path, -EBADMSG, "note 0 (kdump notes", "past the end");

	path = good(e, true, &lay);
	vt_patch(path, lay.sub_offset + MKK_KH_OFFSET_VMCOREINFO, ~0ull, 8, true);
	vt_open_fails(e->ctx, path, -EBADMSG, "sub-header's VMCOREINFO",
		      "past the end");
	/* a damaged VMCOREINFO text does not fail the open */
	vt_patch(path, lay.sub_offset + MKK_KH_OFFSET_VMCOREINFO,
		 lay.vmcoreinfo_offset, 8, true);
	vt_patch_raw(path, lay.vmcoreinfo_offset, "no equals sign\n", 15);
	vm = vt_open(e->ctx, path);
	assert_int_equal(fadump_vmcore_vmcoreinfo_count(vm), -EBADMSG);
	fadump_vmcore_unref(vm);
}

static void test_truncated(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_layout lay;
	struct fadump_vmcore *vm;
	unsigned char buf[8];
	const char *path;

	path = good(e, false, &lay);
	assert_int_equal(truncate(path, 400), 0);
	vt_open_fails(e->ctx, path, -EBADMSG, "header", "past the end");
	path = good(e, false, &lay);
	assert_int_equal(truncate(path, (off_t)lay.sub_offset + 20), 0);
	vt_open_fails(e->ctx, path, -EBADMSG, "sub-header", "past the end");
	path = good(e, false, &lay);
	assert_int_equal(truncate(path, (off_t)lay.bitmap_offset + 10), 0);
	vt_open_fails(e->ctx, path, -EBADMSG, "bitmaps", "past the end");
	path = good(e, false, &lay);
	assert_int_equal(truncate(path, (off_t)lay.desc_offset + 100), 0);
	vt_open_fails(e->ctx, path, -EBADMSG, "page descriptor table",
		      "past the end");
	/* page data: the table is whole, the last pages' data is not */
	path = good(e, false, &lay);
	assert_int_equal(truncate(path, (off_t)lay.file_size - 10000), 0);
	vm = vt_open(e->ctx, path);
	assert_int_equal(fadump_vmcore_read(vm, 319 * 4096, buf, 8), -EBADMSG);
	vt_error_has(e->ctx, "pfn 0x13f");
	vt_error_has(e->ctx, "past the end of the file");
	assert_int_equal(fadump_vmcore_read(vm, 2 * 4096, buf, 8), 0);
	fadump_vmcore_unref(vm);
}

/* File offset of pfn @pfn's page descriptor. */
static uint64_t desc_of(const struct mkkdump_spec *spec,
			const struct mkkdump_layout *lay, uint64_t pfn)
{
	uint64_t idx = 0;

	for (uint64_t p = 0; p < pfn; p++)
		idx += mkkdump_dumped(spec, p);
	return lay->desc_offset + idx * MKK_PD_SIZE;
}

/* The data offset in the (big-endian) descriptor at @desc. */
static uint64_t data_of(const char *path, uint64_t desc)
{
	size_t len;
	unsigned char *file = vt_slurp(path, &len);
	uint64_t off = 0;

	for (int i = 0; i < 8; i++)
		off = off << 8 | file[desc + i];
	free(file);
	return off;
}

/* The first pfn from 2 on stored compressed (or as is), zero pages apart. */
static uint64_t find_pfn(const struct mkkdump_spec *spec,
			 const struct mkkdump_layout *lay, const char *path,
			 bool compressed)
{
	size_t len;
	unsigned char *file = vt_slurp(path, &len);
	uint64_t pfn;

	for (pfn = 2; pfn < spec->max_mapnr; pfn++) {
		uint64_t d = desc_of(spec, lay, pfn) + 12;

		if (mkkdump_dumped(spec, pfn) && pfn % spec->zero_every &&
		    (file[d + 3] != 0) == compressed)	/* flags, big-endian */
			break;
	}
	free(file);
	assert_true(pfn < spec->max_mapnr);
	return pfn;
}

static int read_page(struct vt_env *e, const char *path, uint64_t pfn)
{
	struct fadump_vmcore *vm = vt_open(e->ctx, path);
	unsigned char buf[8];
	int ret = fadump_vmcore_read(vm, pfn * 4096, buf, sizeof(buf));

	fadump_vmcore_unref(vm);
	return ret;
}

static void test_bad_descriptors(void **state)
{
	struct vt_env *e = *state;
	struct mkkdump_spec spec;
	struct mkkdump_layout lay;
	const char *path;
	uint64_t d2, d4, plain;

	mkkdump_default(&spec, true, 6, MKK_ZLIB);
	path = make(e, "dump", &spec, &lay);
	assert_int_equal(find_pfn(&spec, &lay, path, true), 2);
	plain = find_pfn(&spec, &lay, path, false);
	d2 = desc_of(&spec, &lay, 2);
	d4 = desc_of(&spec, &lay, plain);
	assert_int_equal(read_page(e, path, 2), 0);
	assert_int_equal(read_page(e, path, plain), 0);

	vt_patch(path, d2 + 12, 0x40, 4, true);
	assert_int_equal(read_page(e, path, 2), -EOPNOTSUPP);
	vt_error_has(e->ctx, "flags 0x40");
	vt_patch(path, d2 + 12, MKK_DH_ZLIB | MKK_DH_ZSTD, 4, true);
	assert_int_equal(read_page(e, path, 2), -EBADMSG);
	vt_error_has(e->ctx, "more than one compression");
	vt_patch(path, d2 + 12, MKK_DH_ZLIB, 4, true);
	vt_patch(path, d2 + 8, 4097, 4, true);
	assert_int_equal(read_page(e, path, 2), -EBADMSG);
	vt_error_has(e->ctx, "4097 bytes of compressed data for a 4096-byte page");
	vt_patch(path, d2 + 8, 0, 4, true);
	assert_int_equal(read_page(e, path, 2), -EBADMSG);
	vt_error_has(e->ctx, "0 bytes of compressed data");

	vt_patch(path, d4 + 8, 4000, 4, true);
	assert_int_equal(read_page(e, path, plain), -EBADMSG);
	vt_error_has(e->ctx, "4000 bytes of uncompressed data");
	vt_patch(path, d4 + 8, 4096, 4, true);
	vt_patch(path, d4, 16, 8, true);
	assert_int_equal(read_page(e, path, plain), -EBADMSG);
	vt_error_has(e->ctx, "inside the headers");
	vt_patch(path, d4, ~0ull - 100, 8, true);
	assert_int_equal(read_page(e, path, plain), -EBADMSG);
	vt_error_has(e->ctx, "past the end of the file");

	/* compressed data cut short, or followed by more */
	path = make(e, "dump", &spec, &lay);
	vt_patch(path, d2 + 8, 30, 4, true);
	assert_int_equal(read_page(e, path, 2), -EBADMSG);
	vt_error_has(e->ctx, "kdump page at physical address 0x2000 (pfn 0x2): zlib");
	vt_patch(path, d2 + 8, 4000, 4, true);
	assert_int_equal(read_page(e, path, 2), -EBADMSG);
	vt_error_has(e->ctx, "bytes after the zlib stream");
}

/*
 * Whole, valid streams of half a page and of two pages in pfn 2's place:
 * a page must come out exactly, or the file is damaged.
 */
static void check_wrong_length(struct vt_env *e, enum mkk_compression method)
{
	static unsigned char plain[8192], packed[8192];
	struct mkkdump_spec spec;
	struct mkkdump_layout lay;
	const char *path;
	size_t sizes[2] = { 2048, 8192 };

	memset(plain, 'x', sizeof(plain));
	mkkdump_default(&spec, true, 6, method);
	for (int i = 0; i < 2; i++) {
		size_t n;

		if (method == MKK_ZLIB) {
			uLongf zn = sizeof(packed);

			assert_int_equal(compress2(packed, &zn, plain, sizes[i], 1),
					 Z_OK);
			n = zn;
		} else {
#ifdef LIB_HAS_ZSTD
			n = ZSTD_compress(packed, sizeof(packed), plain, sizes[i], 1);
			assert_false(ZSTD_isError(n));
#else
			fail();
#endif
		}
		path = make(e, "dump", &spec, &lay);
		vt_patch_raw(path, data_of(path, desc_of(&spec, &lay, 2)), packed, n);
		vt_patch(path, desc_of(&spec, &lay, 2) + 8, n, 4, true);
		assert_int_equal(read_page(e, path, 2), -EBADMSG);
		vt_error_has(e->ctx, "pfn 0x2");
		if (i == 0)
			vt_error_has(e->ctx, "decompresses to 2048 bytes, not the 4096");
		else if (method == MKK_ZLIB)
			vt_error_has(e->ctx, "more than the 4096 bytes of a page");
		else
			vt_error_has(e->ctx, "zstd: Destination buffer is too small");
	}
}

static void test_wrong_decompressed_length(void **state)
{
	check_wrong_length(*state, MKK_ZLIB);
#ifdef LIB_HAS_ZSTD
	check_wrong_length(*state, MKK_ZSTD);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_version_order_compression,
						vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_64k_pages, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_reads_across_pages, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_zero_pages, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_incomplete, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_compression_not_built, vt_env_setup,
						vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_dmesg_like_elf, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_save_copies_the_file, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_other_formats_refused, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_bad_header, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_bad_sub_header, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_truncated, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_bad_descriptors, vt_env_setup, vt_env_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_decompressed_length,
						vt_env_setup, vt_env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

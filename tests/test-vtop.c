// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel virtual addresses: fadump_vmcore_read_virt() and
 * fadump_vmcore_virt_to_phys() on synthetic kernels (tests/mkkernel.c)
 * of every geometry the library knows -- radix and hash MMU, 4 KiB and
 * 64 KiB pages -- in both byte orders, and on damaged ones.
 *
 * The expected bytes come from the generator's memory image, read at the
 * physical address the generator mapped: never from the library.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fadump.h"
#include "helpers.h"
#include "kernel-env.h"
#include "mkkernel.h"
#include "vmcore-util.h"

#define LINEAR 0xc000000000000000ULL

/* The configurations: MMU x page size x byte order. */
struct config {
	bool hash;
	unsigned int page_shift;
	bool big_endian;
	const char *name;
};

static const struct config configs[] = {
	{ false, 16, false, "radix 64K LE" }, { false, 16, true, "radix 64K BE" },
	{ false, 12, false, "radix 4K LE" }, { false, 12, true, "radix 4K BE" },
	{ true, 16, false, "hash 64K LE" }, { true, 16, true, "hash 64K BE" },
	{ true, 12, false, "hash 4K LE" }, { true, 12, true, "hash 4K BE" },
};

static void build(struct kenv *e, const struct config *c)
{
	struct mkkernel_spec s;

	mkkernel_free(&e->k);
	mkkernel_default_spec(&s, c->big_endian);
	s.hash = c->hash;
	s.page_shift = c->page_shift;
	assert_int_equal(mkkernel_build(&e->k, &s), 0);
	mkkernel_vmcore(&e->k, &e->spec);
}

/* Read @len bytes at @va and compare with the image at @pa. */
static void read_is(struct kenv *e, uint64_t va, uint64_t pa, size_t len)
{
	unsigned char *buf = malloc(len);
	uint64_t got = 0;
	int ret = fadump_vmcore_read_virt(e->vm, va, buf, len);

	if (ret < 0)
		print_error("read %#llx: %s\n", (unsigned long long)va,
			    fadump_ctx_get_error(e->ctx));
	assert_int_equal(ret, 0);
	assert_memory_equal(buf, e->k.mem + pa, len);
	assert_int_equal(fadump_vmcore_virt_to_phys(e->vm, va, &got), 0);
	assert_int_equal(got, pa);
	free(buf);
}

static void read_fails(struct kenv *e, uint64_t va, int err, const char *word1,
		       const char *word2)
{
	unsigned char buf[16];
	uint64_t pa;

	assert_int_equal(fadump_vmcore_read_virt(e->vm, va, buf, sizeof(buf)),
			 err);
	vt_error_has(e->ctx, word1);
	if (word2)
		vt_error_has(e->ctx, word2);
	assert_int_equal(fadump_vmcore_virt_to_phys(e->vm, va, &pa), err);
}

/* Every kind of mapping, in every configuration. */
static void test_translations(void **state)
{
	struct kenv *e = *state;

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const struct config *c = &configs[i];
		uint64_t page = 1ULL << c->page_shift;
		char uts[65];

		print_message("%s\n", c->name);
		build(e, c);
		kenv_open(e);

		/* the linear map: init_uts_ns, as crash's "sys" reads it */
		assert_int_equal(fadump_vmcore_read_virt(e->vm, LINEAR + e->k.uts +
							 130, uts, 65), 0);
		assert_string_equal(uts, "7.2.0-mkkernel");
		read_is(e, LINEAR + 0x123456, 0x123456, 64);

		/* PTEs, and a read across two pages mapped apart */
		read_is(e, e->k.va_page[0] + 8, e->k.pa_page[0] + 8, 64);
		read_is(e, e->k.va_page[1], e->k.pa_page[1], (size_t)page);
		{
			unsigned char buf[64];

			assert_int_equal(fadump_vmcore_read_virt(e->vm,
					 e->k.va_page[1] - 32, buf, 64), 0);
			assert_memory_equal(buf, e->k.mem + e->k.pa_page[0] +
					    page - 32, 32);
			assert_memory_equal(buf + 32, e->k.mem + e->k.pa_page[1],
					    32);
		}
		/* huge leaves */
		read_is(e, e->k.va_pmd_leaf + 0x12340, e->k.pa_pmd_leaf + 0x12340,
			128);
		read_is(e, e->k.va_pud_leaf + 0x345678, e->k.pa_pud_leaf + 0x345678,
			128);
		/* vmemmap: radix PMD leaves, hash vmemmap_list */
		for (uint64_t pfn = 0; pfn < e->k.pages; pfn += e->k.pages / 7)
			read_is(e, e->k.vmemmap + pfn * e->k.desc_size,
				mkkernel_desc(&e->k, pfn), (size_t)e->k.desc_size);
		kenv_close(e);
	}
}

/* Addresses nobody maps. */
static void test_not_mapped(void **state)
{
	struct kenv *e = *state;

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const struct config *c = &configs[i];
		uint64_t page = 1ULL << c->page_shift;

		print_message("%s\n", c->name);
		build(e, c);
		kenv_open(e);
		/* a PTE of a table that exists, never filled */
		read_fails(e, e->k.va_page[0] + 4 * page, -EFAULT, "PTE entry",
			   "is empty");
		/* nothing at all there: the PGD entry is empty */
		read_fails(e, e->k.vmalloc_start + (5ULL << (c->page_shift +
			   e->k.bits[0] + e->k.bits[1] + e->k.bits[2])) + 0x1000,
			   -EFAULT, "PGD entry", "is empty");
		/* user space and beyond the kernel's reach */
		read_fails(e, 0x10000, -EFAULT, "not a kernel address", NULL);
		read_fails(e, 0xd000000000001000ULL, -EFAULT,
			   "not a kernel address", NULL);
		/* the linear map beyond the dump's memory: translated, not read */
		{
			unsigned char buf[8];
			uint64_t pa;

			assert_int_equal(fadump_vmcore_read_virt(e->vm, LINEAR +
					 (1ULL << 40), buf, 8), -ENXIO);
			vt_error_has(e->ctx, "not in the dump");
			assert_int_equal(fadump_vmcore_virt_to_phys(e->vm, LINEAR +
					 (1ULL << 40), &pa), 0);
			assert_int_equal(pa, 1ULL << 40);
		}
		kenv_close(e);
	}
}

/* Hash: a vmemmap address past the last vmemmap_list block. */
static void test_vmemmap_list_gap(void **state)
{
	struct kenv *e = *state;

	build(e, &configs[4]);
	kenv_open(e);
	read_fails(e, e->k.vmemmap + 4 * e->k.vmemmap_block, -EFAULT,
		   "no vmemmap_list entry", NULL);
}

static void poke_entry(struct kenv *e, uint64_t va, int level, uint64_t set,
		       uint64_t clear)
{
	uint64_t at = mkkernel_entry(&e->k, va, level);
	uint64_t v;

	assert_true(at != 0);
	v = mkkernel_get64(&e->k, at, true);
	mkkernel_put64(&e->k, at, (v | set) & ~clear, true);
}

/* Damaged page tables: a clean error naming the level, never a crash. */
static void test_damaged_tables(void **state)
{
	struct kenv *e = *state;

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const struct config *c = &configs[i];
		uint64_t va = 0;

		print_message("%s\n", c->name);
		build(e, c);
		va = e->k.va_page[0];
		/* a PMD entry present bit cleared */
		poke_entry(e, va, 1, 0, 0x8000000000000000ULL);
		kenv_open(e);
		read_fails(e, va, -EFAULT, "PMD entry", "not present");

		/* the PTE table outside the dump */
		build(e, c);
		poke_entry(e, va, 1, 0x100000000ULL, 0);
		kenv_open(e);
		read_fails(e, va, -ENXIO, "PTE table at physical 0x1", "not in the dump");

		/* a PUD entry pointing past the 53-bit physical limit */
		build(e, c);
		poke_entry(e, va, 2, 1ULL << 55, 0);
		kenv_open(e);
		read_fails(e, va, -EBADMSG, "PUD entry", "implausible");

		/* a leaf at the PGD level */
		build(e, c);
		poke_entry(e, va, 3, 0x4000000000000000ULL, 0);
		kenv_open(e);
		read_fails(e, va, -EBADMSG, "PGD entry", "top level");

		/* a PMD leaf not aligned to its size */
		build(e, c);
		poke_entry(e, e->k.va_pmd_leaf, 1, 1ULL << c->page_shift, 0);
		kenv_open(e);
		read_fails(e, e->k.va_pmd_leaf, -EBADMSG, "PMD leaf", "not aligned");

		/* a PTE without _PAGE_PTE: a table pointer at the last level */
		build(e, c);
		poke_entry(e, va, 0, 0, 0x4000000000000000ULL);
		kenv_open(e);
		read_fails(e, va, -EBADMSG, "PTE", "_PAGE_PTE");
		kenv_close(e);
	}
}

/* Radix writes the next level's size into every directory entry. */
static void test_radix_next_level_size(void **state)
{
	struct kenv *e = *state;

	build(e, &configs[0]);
	poke_entry(e, e->k.va_page[0], 2, 0, 0x1f);	/* NLS 9 -> 0 */
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EBADMSG, "PUD entry", "next-level size");
}

/* Entries are big-endian whatever the kernel's order: not swapped. */
static void test_entries_big_endian(void **state)
{
	struct kenv *e = *state;

	build(e, &configs[0]);	/* a little-endian kernel */
	for (uint64_t off = 0; off < (8ULL << e->k.bits[3]); off += 8) {
		uint64_t v = mkkernel_get64(&e->k, e->k.pgd + off, true);

		/* store the PGD little-endian, as makedumpfile would read it */
		mkkernel_put64(&e->k, e->k.pgd + off, v, false);
	}
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EFAULT, "PGD entry", "not present");
}

static void test_vmemmap_list_loop(void **state)
{
	struct kenv *e = *state;
	uint64_t first;

	build(e, &configs[5]);
	/* one entry per 16 MiB: make one that points at itself */
	first = e->k.vmemmap_nodes;
	mkkernel_put64(&e->k, first, LINEAR + first, true);
	kenv_open(e);
	read_fails(e, e->k.vmemmap, -EBADMSG, "vmemmap_list", "loops");
	/* the walk's later calls give the same error, and linear reads work */
	read_fails(e, e->k.vmemmap + 64, -EBADMSG, "loops", NULL);
	read_is(e, LINEAR + 0x1000, 0x1000, 16);
}

static void test_vmemmap_list_absurd(void **state)
{
	struct kenv *e = *state;
	uint64_t node;

	/* virt_addr not aligned to the 16 MiB block */
	build(e, &configs[4]);
	node = e->k.vmemmap_nodes;
	mkkernel_put64(&e->k, node + 16, e->k.vmemmap + 0x1000, false);
	kenv_open(e);
	read_fails(e, e->k.vmemmap, -EBADMSG, "vmemmap_list entry", "implausible");

	/* the next pointer outside the linear map */
	build(e, &configs[4]);
	mkkernel_put64(&e->k, e->k.vmemmap_list, 0x4000, false);
	kenv_open(e);
	read_fails(e, e->k.vmemmap, -EBADMSG, "vmemmap_list entry",
		   "linear map");

	/* mmu_vmemmap_psize beyond the page-size table */
	build(e, &configs[4]);
	e->k.mem[0x20000] = 200;	/* little-endian int */
	kenv_open(e);
	read_fails(e, e->k.vmemmap, -EBADMSG, "mmu_vmemmap_psize", NULL);
}

/* VMCOREINFO the walk cannot work with. */
static void test_vmcoreinfo(void **state)
{
	struct kenv *e = *state;

	build(e, &configs[0]);
	assert_true(mkkernel_set_line(&e->k, "PAGESIZE=", "8192"));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EOPNOTSUPP, "8192", NULL);
	/* the linear map needs no page tables */
	read_is(e, LINEAR + 0x2000, 0x2000, 16);

	build(e, &configs[0]);
	assert_true(mkkernel_set_line(&e->k, "OSRELEASE=", "4.4.0-old"));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EOPNOTSUPP, "Linux 4.4", "4.11");

	build(e, &configs[4]);	/* hash from 5.2 only */
	assert_true(mkkernel_set_line(&e->k, "OSRELEASE=", "5.1.0"));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EOPNOTSUPP, "5.2", NULL);

	build(e, &configs[0]);
	assert_true(mkkernel_drop_line(&e->k, "SYMBOL(swapper_pg_dir)="));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -ENOENT, "SYMBOL(swapper_pg_dir)", NULL);

	build(e, &configs[0]);
	assert_true(mkkernel_set_line(&e->k, "NUMBER(RADIX_MMU)=", "2"));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EBADMSG, "RADIX_MMU", NULL);

	build(e, &configs[0]);
	assert_true(mkkernel_set_line(&e->k, "SYMBOL(swapper_pg_dir)=",
				      "c000000000100004"));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -EBADMSG, "swapper_pg_dir", NULL);

	build(e, &configs[0]);
	assert_true(mkkernel_drop_line(&e->k, "NUMBER(RADIX_MMU)="));
	assert_true(mkkernel_drop_line(&e->k, "SYMBOL(cur_cpu_spec)="));
	kenv_open(e);
	read_fails(e, e->k.va_page[0], -ENOENT, "RADIX_MMU", "cur_cpu_spec");
}

/* Without NUMBER(RADIX_MMU): cur_cpu_spec->mmu_features tells. */
static void test_mmu_from_cpu_spec(void **state)
{
	struct kenv *e = *state;
	struct mkkernel_spec s;

	for (int hash = 0; hash < 2; hash++) {
		mkkernel_free(&e->k);
		mkkernel_default_spec(&s, true);
		s.hash = hash;
		s.no_radix_number = true;
		assert_int_equal(mkkernel_build(&e->k, &s), 0);
		mkkernel_vmcore(&e->k, &e->spec);
		kenv_open(e);
		read_is(e, e->k.va_page[0], e->k.pa_page[0], 32);
		read_is(e, e->k.vmemmap + 640, mkkernel_desc(&e->k, 10), 64);
	}
}

/* The memory behind a mapping is not in the dump: -ENXIO, both addresses. */
static void test_target_not_in_dump(void **state)
{
	struct kenv *e = *state;
	unsigned char buf[8];

	build(e, &configs[1]);
	/* cut the dump before the PMD leaf's memory (16 MiB) */
	e->spec.segs[0].memsz = e->spec.segs[0].filesz = 16ULL << 20;
	e->spec.patches[0].len = 16ULL << 20;
	kenv_open(e);
	assert_int_equal(fadump_vmcore_read_virt(e->vm, e->k.va_pmd_leaf, buf, 8),
			 -ENXIO);
	vt_error_has(e->ctx, "physical 0x1000000");
	vt_error_has(e->ctx, "virtual address 0xc008");
	assert_int_equal(fadump_vmcore_read_virt(e->vm, 0xffffffffffffff00ULL,
						 buf, 0), 0);
	assert_int_equal(fadump_vmcore_read_virt(e->vm, 0xfffffffffffffff8ULL,
						 buf, 16), -EFAULT);
	vt_error_has(e->ctx, "overflows");
}

/* Other machines: the PT_LOADs' p_vaddr, nothing else. */
static void test_other_machine(void **state)
{
	struct kenv *e = *state;
	struct mkvmcore_spec spec;
	unsigned char a[32], b[32];
	const char *path;

	mkvmcore_default(&spec, false);
	spec.machine = 62;		/* EM_X86_64 */
	path = vt_make(e->dir, "x86", &spec, NULL);
	assert_int_equal(fadump_vmcore_open(e->ctx, path, &e->vm), 0);
	assert_int_equal(fadump_vmcore_read(e->vm, 0x30000100, a, 32), 0);
	assert_int_equal(fadump_vmcore_read_virt(e->vm, 0xffff888000000000ULL +
						 0x30000100, b, 32), 0);
	assert_memory_equal(a, b, 32);
	assert_int_equal(fadump_vmcore_read_virt(e->vm, 0xffffffff81000000ULL,
						 b, 8), -EFAULT);
	vt_error_has(e->ctx, "p_vaddr");
}

/*
 * Hash 4K: a 16 MiB PMD leaf sits in one 2 MiB entry; the entry next to
 * it is empty, and a translation cached for the first must not cover it.
 */
static void test_leaf_reach(void **state)
{
	struct kenv *e = *state;
	uint64_t va;

	build(e, &configs[6]);
	kenv_open(e);
	va = e->k.va_pmd_leaf;
	read_is(e, va + 0x1000, e->k.pa_pmd_leaf + 0x1000, 64);
	read_fails(e, va + (2ULL << 20), -EFAULT, "PMD entry", "is empty");
	/* and the other way round: the walk, not the cache, decides */
	kenv_close(e);
	kenv_open(e);
	read_fails(e, va + (2ULL << 20), -EFAULT, "PMD entry", "is empty");
	read_is(e, va + 0x1000, e->k.pa_pmd_leaf + 0x1000, 64);
}

/* A mapped file reads the same as pread() does. */
static void test_mapped(void **state)
{
	struct kenv *e = *state;
	static unsigned char a[1 << 20], b[1 << 20];

	build(e, &configs[2]);
	kenv_open(e);
	assert_int_equal(fadump_vmcore_read(e->vm, 0x123457, a, sizeof(a)), 0);
	assert_int_equal(fadump_vmcore_read_virt(e->vm, e->k.va_page[0], a + 8,
						 4096), 0);
	assert_int_equal(fadump_vmcore_map(e->vm), 0);
	assert_int_equal(fadump_vmcore_map(e->vm), 0);	/* once is enough */
	assert_int_equal(fadump_vmcore_read(e->vm, 0x123457, b, sizeof(b)), 0);
	assert_int_equal(fadump_vmcore_read_virt(e->vm, e->k.va_page[0], b + 8,
						 4096), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_memory_equal(b + 8, e->k.mem + e->k.pa_page[0], 4096);
	assert_int_equal(fadump_vmcore_read(e->vm, e->k.spec.mem_size - 8, b, 16),
			 -ENXIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, kenv_setup, kenv_teardown)
		T(test_translations),
		T(test_not_mapped),
		T(test_vmemmap_list_gap),
		T(test_damaged_tables),
		T(test_radix_next_level_size),
		T(test_entries_big_endian),
		T(test_vmemmap_list_loop),
		T(test_vmemmap_list_absurd),
		T(test_vmcoreinfo),
		T(test_mmu_from_cpu_spec),
		T(test_target_not_in_dump),
		T(test_other_machine),
		T(test_mapped),
		T(test_leaf_reach),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Page classes: fadump_vmcore_page_class() and the run iterator on
 * synthetic kernels (tests/mkkernel.c) whose struct pages the generator
 * wrote by the kernel's rules of four eras (7.2, 6.10, 6.6, 4.17), in
 * both byte orders, radix and hash, 4 KiB and 64 KiB pages; then with
 * the section map, vmemmap and descriptors damaged.
 *
 * The expected class of every pfn is what the generator meant to make
 * (k->expect), and "all zero" is decided from the generator's memory
 * image: never from the library. Logging is captured, so that the tests
 * also see that nothing in a damaged dump is logged as an error.
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

static void build_spec(struct kenv *e, const struct mkkernel_spec *s)
{
	mkkernel_free(&e->k);
	assert_int_equal(mkkernel_build(&e->k, s), 0);
	mkkernel_mix(&e->k);
	mkkernel_vmcore(&e->k, &e->spec);
}

static void build(struct kenv *e, bool big_endian, bool hash,
		  unsigned int page_shift, enum mkk_era era)
{
	struct mkkernel_spec s;

	mkkernel_default_spec(&s, big_endian);
	s.hash = hash;
	s.page_shift = page_shift;
	s.era = era;
	build_spec(e, &s);
}

/* Every pfn's class through the iterator, UINT8_MAX where not in the dump. */
static unsigned char *classes(struct kenv *e, uint64_t first, uint64_t end,
			      unsigned int flags, uint64_t *total)
{
	unsigned char *cls = malloc(e->k.pages);
	struct fadump_page_iter *it;
	struct fadump_page_run run = { .size = sizeof(run) };
	uint64_t last_end = 0;
	unsigned int last_class = UINT32_MAX;
	int ret;

	memset(cls, UINT8_MAX, e->k.pages);
	*total = 0;
	assert_int_equal(fadump_page_iter_new(e->vm, first, end, flags, &it), 0);
	while ((ret = fadump_page_iter_next(it, &run)) == 1) {
		assert_true(run.count > 0);
		assert_true(run.pfn + run.count <= e->k.pages);
		assert_true(run.pfn >= last_end);
		/* runs are maximal: neighbours differ or a hole parts them */
		assert_true(run.pfn > last_end || run.page_class != last_class);
		memset(cls + run.pfn, (int)run.page_class, run.count);
		*total += run.count;
		last_end = run.pfn + run.count;
		last_class = run.page_class;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(fadump_page_iter_next(it, &run), 0);	/* stays done */
	fadump_page_iter_free(it);
	return cls;
}

static void check_pfn(struct kenv *e, uint64_t pfn, unsigned int want,
		      unsigned int flags)
{
	unsigned int got = UINT32_MAX;

	assert_int_equal(fadump_vmcore_page_class(e->vm, pfn, flags, &got), 0);
	if (got != want)
		print_error("pfn %#llx: %s, expected %s\n",
			    (unsigned long long)pfn, fadump_page_class_name(got),
			    fadump_page_class_name(want));
	assert_int_equal(got, want);
}

/* The iterator and the per-pfn call both give k->expect everywhere. */
static void check_all(struct kenv *e)
{
	uint64_t total;
	unsigned char *cls = classes(e, 0, UINT64_MAX, 0, &total);
	uint64_t mix_start = (48ULL << 20) >> e->k.spec.page_shift;

	assert_int_equal(total, e->k.pages);
	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++) {
		if (cls[pfn] != e->k.expect[pfn])
			print_error("pfn %#llx: %s, expected %s\n",
				    (unsigned long long)pfn,
				    fadump_page_class_name(cls[pfn]),
				    fadump_page_class_name(e->k.expect[pfn]));
		assert_int_equal(cls[pfn], e->k.expect[pfn]);
	}
	/* per pfn: the mixed area whole, a sample elsewhere */
	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++)
		if (pfn >= mix_start ? pfn < mix_start + 200 : pfn % 97 == 0)
			check_pfn(e, pfn, e->k.expect[pfn], 0);
	free(cls);
	assert_int_equal(e->errors, 0);
}

struct era_case {
	bool big_endian, hash;
	unsigned int page_shift;
	enum mkk_era era;
};

static const struct era_case cases[] = {
	{ false, false, 16, MKK_ERA_7_2 }, { true, false, 16, MKK_ERA_7_2 },
	{ false, false, 12, MKK_ERA_7_2 }, { true, true, 16, MKK_ERA_7_2 },
	{ false, true, 12, MKK_ERA_7_2 },
	{ true, false, 16, MKK_ERA_6_10 }, { false, false, 12, MKK_ERA_6_10 },
	{ false, false, 16, MKK_ERA_6_6 }, { true, true, 16, MKK_ERA_6_6 },
	{ true, false, 16, MKK_ERA_4_17 }, { false, false, 12, MKK_ERA_4_17 },
};

static void test_every_class(void **state)
{
	struct kenv *e = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct era_case *c = &cases[i];

		print_message("%s %s %uK era %d\n", c->big_endian ? "BE" : "LE",
			      c->hash ? "hash" : "radix", 1u << (c->page_shift - 10),
			      c->era);
		build(e, c->big_endian, c->hash, c->page_shift, c->era);
		kenv_open(e);
		check_all(e);
		if (c->era == MKK_ERA_4_17)
			assert_non_null(strstr(e->warnings, "hugetlb"));
		else
			assert_string_equal(e->warnings, "");
	}
}

/* The layout comes from VMCOREINFO: fields moved, SIZE(page) 80. */
static void test_moved_fields(void **state)
{
	struct kenv *e = *state;
	struct mkkernel_spec s;

	mkkernel_default_spec(&s, true);
	s.moved_fields = true;
	build_spec(e, &s);
	kenv_open(e);
	check_all(e);
}

/*
 * The benchmark's machine (bench/filtered.py): only the structures held
 * by the generator, page types as bare as the kernel sets them (no owner
 * bits to mask), folios with their order in _flags_1, and the server's
 * shares of free, cache, anonymous and kernel pages.
 */
static void test_server_machine(void **state)
{
	struct kenv *e = *state;

	for (int big = 0; big < 2; big++) {
		struct mkkernel_spec s;
		uint64_t made, n[FADUMP_PAGE_CLASS_COUNT] = { 0 };

		mkkernel_default_spec(&s, big);
		s.page_shift = 12;
		s.mem_size = 128ULL << 20;
		s.structures_only = true;
		s.bare_page_types = true;
		mkkernel_free(&e->k);
		assert_int_equal(mkkernel_build(&e->k, &s), 0);
		assert_true(e->k.mem_held < s.mem_size);
		made = mkkernel_fill_server(&e->k, 7);
		assert_int_equal(made, e->k.pages - (mkkernel_meta_end(&e->k) >>
						     s.page_shift));
		mkkernel_vmcore(&e->k, &e->spec);
		e->spec.zero_percent = 10;
		e->spec.text_percent = 60;
		kenv_open(e);
		check_all(e);
		assert_string_equal(e->warnings, "");
		for (uint64_t pfn = e->k.pages - made; pfn < e->k.pages; pfn++)
			n[e->k.expect[pfn]]++;
		/* the shares, to a block of the largest order (256 pages) */
		assert_true(n[FADUMP_PAGE_FREE] * 100 >= 40 * made - 25600);
		assert_true(n[FADUMP_PAGE_FREE] * 100 <= 40 * made + 25600);
		assert_true((n[FADUMP_PAGE_CACHE] + n[FADUMP_PAGE_CACHE_PRIVATE]) *
			    100 <= 25 * made + 25600);
		assert_true(n[FADUMP_PAGE_CACHE_PRIVATE] > 0);
		assert_true(n[FADUMP_PAGE_ANON] * 100 >= 20 * made - 25600);
		assert_true(n[FADUMP_PAGE_SLAB] > 0 && n[FADUMP_PAGE_KERNEL] > 0);
	}
}

/* 7.1+ with HVO: tails hold a mask to apply to their own address. */
static void test_compound_mask(void **state)
{
	struct kenv *e = *state;
	struct mkkernel_spec s;

	mkkernel_default_spec(&s, false);
	s.compound_mask = true;
	s.page_shift = 12;
	build_spec(e, &s);
	mkkernel_page(&e->k, 8192, MKK_HUGETLB, 9);	/* a 2 MiB folio */
	kenv_open(e);
	check_all(e);
}

static bool image_zero(const struct mkkernel *k, uint64_t pfn)
{
	uint64_t page = 1ULL << k->spec.page_shift;

	for (uint64_t i = 0; i < page; i++)
		if (k->mem[pfn * page + i])
			return false;
	return true;
}

static void test_zero_pages(void **state)
{
	struct kenv *e = *state;
	unsigned char *cls;
	uint64_t total, zeros = 0;

	build(e, false, false, 16, MKK_ERA_7_2);
	kenv_open(e);
	cls = classes(e, 0, UINT64_MAX, FADUMP_PAGE_CHECK_ZERO, &total);
	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++) {
		unsigned int want = e->k.expect[pfn];

		if ((want == FADUMP_PAGE_KERNEL || want == FADUMP_PAGE_CACHE ||
		     want == FADUMP_PAGE_CACHE_PRIVATE || want == FADUMP_PAGE_ANON ||
		     want == FADUMP_PAGE_SLAB || want == FADUMP_PAGE_HUGETLB) &&
		    image_zero(&e->k, pfn))
			want = FADUMP_PAGE_ZERO;
		zeros += want == FADUMP_PAGE_ZERO;
		assert_int_equal(cls[pfn], want);
		if (pfn % 61 == 0 || want == FADUMP_PAGE_ZERO)
			check_pfn(e, pfn, want, FADUMP_PAGE_CHECK_ZERO);
	}
	/* the MKK_ZEROED page and the empty section roots at least */
	assert_true(zeros >= 2);
	free(cls);
}

/* Without a key the classes depend on, every page is unknown: a warning. */
static void test_missing_key(void **state)
{
	struct kenv *e = *state;
	static const char *const keys[] = {
		"NUMBER(PG_lru)=", "OFFSET(page._mapcount)=",
		"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=", "SIZE(page)=",
		"OFFSET(page.compound_info)=", "LENGTH(zone.free_area)=",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		unsigned char *cls;
		uint64_t total;
		char name[64];

		build(e, true, false, 16, MKK_ERA_7_2);
		assert_true(mkkernel_drop_line(&e->k, keys[i]));
		kenv_open(e);
		cls = classes(e, 0, UINT64_MAX, 0, &total);
		assert_int_equal(total, e->k.pages);
		for (uint64_t pfn = 0; pfn < e->k.pages; pfn++)
			assert_int_equal(cls[pfn], FADUMP_PAGE_UNKNOWN);
		free(cls);
		snprintf(name, sizeof(name), "%.*s", (int)strlen(keys[i]) - 1,
			 keys[i]);
		if (!strstr(e->warnings, name))
			print_error("warnings: %s\n", e->warnings);
		assert_non_null(strstr(e->warnings, name));
		assert_non_null(strstr(e->warnings, "every page is unknown"));
		assert_int_equal(e->errors, 0);
	}
}

/* A page-type value whose encoding is unknown is not guessed at. */
static void test_unknown_encoding(void **state)
{
	struct kenv *e = *state;
	unsigned char *cls;
	uint64_t total;

	build(e, false, false, 16, MKK_ERA_7_2);
	assert_true(mkkernel_set_line(&e->k, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=",
				      "12345"));
	kenv_open(e);
	cls = classes(e, 0, UINT64_MAX, 0, &total);
	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++)
		assert_int_equal(cls[pfn], FADUMP_PAGE_UNKNOWN);
	free(cls);
	assert_non_null(strstr(e->warnings, "PAGE_BUDDY_MAPCOUNT_VALUE"));
	assert_int_equal(e->errors, 0);
}

static void section_put(struct kenv *e, uint64_t section, uint64_t v)
{
	mkkernel_put64(&e->k, e->k.section_roots + section * 16, v,
		       e->k.spec.big_endian);
}

/* A section the map says is absent has no struct pages: unknown. */
static void test_section_absent(void **state)
{
	struct kenv *e = *state;
	uint64_t per = (16ULL << 20) >> 16;	/* pages per section */

	build(e, true, false, 16, MKK_ERA_7_2);
	section_put(e, 1, 0);
	memset(e->k.expect + per, FADUMP_PAGE_UNKNOWN, per);
	kenv_open(e);
	check_all(e);
}

/* A section map that cannot be read: vmemmap alone, with a warning. */
static void test_section_map_unreadable(void **state)
{
	struct kenv *e = *state;

	/* the root pointer leads out of the dump */
	build(e, false, false, 12, MKK_ERA_7_2);
	mkkernel_put64(&e->k, e->k.mem_section, LINEAR + (1ULL << 40), false);
	kenv_open(e);
	check_all(e);
	assert_non_null(strstr(e->warnings, "section map"));

	/* a section whose mem_map is not vmemmap: firmware wrote over it */
	build(e, true, false, 16, MKK_ERA_7_2);
	section_put(e, 2, 0x5a5a5a5a5a5a5a5bULL);
	kenv_open(e);
	check_all(e);
	assert_non_null(strstr(e->warnings, "disagrees with vmemmap"));

	/* no section map in VMCOREINFO at all */
	build(e, true, true, 16, MKK_ERA_7_2);
	assert_true(mkkernel_drop_line(&e->k, "SYMBOL(mem_section)="));
	kenv_open(e);
	check_all(e);
	assert_non_null(strstr(e->warnings, "SYMBOL(mem_section)"));
}

/* Descriptors whose memory is not in the dump: those pages unknown. */
static void test_descriptors_not_in_dump(void **state)
{
	struct kenv *e = *state;
	uint64_t hole_lo, hole_hi, first, last;
	unsigned char *cls;
	uint64_t total;

	build(e, false, false, 12, MKK_ERA_7_2);
	/* cut [32 MiB + 256 KiB, 32 MiB + 512 KiB): struct pages of pfns
	 * 4096 .. 8191, and the pages there themselves */
	hole_lo = mkkernel_desc(&e->k, 0) + (256 << 10);
	hole_hi = hole_lo + (256 << 10);
	e->spec.nsegs = 2;
	e->spec.segs[0] = (struct mkvmcore_seg){ 0, hole_lo, hole_lo };
	e->spec.segs[1] = (struct mkvmcore_seg){ hole_hi,
		e->k.spec.mem_size - hole_hi, e->k.spec.mem_size - hole_hi };
	first = (256 << 10) / e->k.desc_size;
	last = (512 << 10) / e->k.desc_size;
	kenv_open(e);
	cls = classes(e, 0, UINT64_MAX, 0, &total);
	assert_int_equal(total, e->k.pages - ((hole_hi - hole_lo) >> 12));
	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++) {
		bool in_hole = pfn >= hole_lo >> 12 && pfn < hole_hi >> 12;
		unsigned int want = in_hole ? UINT8_MAX :
				    pfn >= first && pfn < last ?
				    FADUMP_PAGE_UNKNOWN : e->k.expect[pfn];

		assert_int_equal(cls[pfn], want);
	}
	free(cls);
	check_pfn(e, first, FADUMP_PAGE_UNKNOWN, 0);
	assert_int_equal(e->errors, 0);
	{
		unsigned int c;

		assert_int_equal(fadump_vmcore_page_class(e->vm, hole_lo >> 12, 0,
							  &c), -ENXIO);
		vt_error_has(e->ctx, "not in the dump");
	}
}

/* Descriptors no kernel writes are unknown, never guessed. */
static void test_implausible_descriptors(void **state)
{
	struct kenv *e = *state;
	uint64_t p = 1024 - 64;		/* after the mixed area, 64K pages */
	const struct mkkernel *k = &e->k;

	build(e, true, false, 16, MKK_ERA_7_2);
	/* a free block with an order beyond the free lists */
	mkkernel_page(&e->k, p, MKK_FREE, 0);
	mkkernel_desc_put(&e->k, p, k->off_private, 40, 8);
	e->k.expect[p] = FADUMP_PAGE_UNKNOWN;
	/* a free block not aligned to its order */
	mkkernel_page(&e->k, p + 1, MKK_FREE, 0);
	mkkernel_desc_put(&e->k, p + 1, k->off_private, 1, 8);
	e->k.expect[p + 1] = FADUMP_PAGE_UNKNOWN;
	/* a tail whose head pointer points forward */
	mkkernel_desc_put(&e->k, p + 2, k->off_compound,
			  (k->vmemmap + (p + 5) * k->desc_size) | 1, 8);
	e->k.expect[p + 2] = FADUMP_PAGE_UNKNOWN;
	/* a tail whose head is not a head */
	mkkernel_desc_put(&e->k, p + 3, k->off_compound,
			  (k->vmemmap + (p + 2 - 2) * k->desc_size) | 1, 8);
	e->k.expect[p + 3] = FADUMP_PAGE_UNKNOWN;
	/* a mapping that is no kernel address */
	mkkernel_page(&e->k, p + 4, MKK_CACHE, 0);
	mkkernel_desc_put(&e->k, p + 4, k->off_mapping, 0x1234, 8);
	e->k.expect[p + 4] = FADUMP_PAGE_UNKNOWN;
	/* mapped but not referenced */
	mkkernel_desc_put(&e->k, p + 5, k->off_mapcount, 3, 4);
	mkkernel_desc_put(&e->k, p + 5, k->off_refcount, 0, 4);
	e->k.expect[p + 5] = FADUMP_PAGE_UNKNOWN;
	/* an uninitialised descriptor (PAGE_POISON_PATTERN) */
	mkkernel_desc_put(&e->k, p + 6, k->off_flags, UINT64_MAX, 8);
	e->k.expect[p + 6] = FADUMP_PAGE_UNKNOWN;
	/* all zero, as the struct pages firmware wiped */
	memset(e->k.mem + mkkernel_desc(k, p + 7), 0, k->desc_size);
	e->k.expect[p + 7] = FADUMP_PAGE_UNKNOWN;
	/* a tail whose head would be below pfn 0 (found by fuzz-page-class) */
	mkkernel_desc_put(&e->k, p + 8, k->off_compound,
			  (k->vmemmap - 5 * k->desc_size) | 1, 8);
	e->k.expect[p + 8] = FADUMP_PAGE_UNKNOWN;
	kenv_open(e);
	check_all(e);
}

/* A range that starts inside a free block, and blocks across windows. */
static void test_ranges_and_blocks(void **state)
{
	struct kenv *e = *state;
	unsigned char *cls;
	uint64_t total;

	build(e, false, false, 12, MKK_ERA_7_2);
	mkkernel_page(&e->k, 10240, MKK_FREE, 10);	/* 1024 pages */
	mkkernel_page(&e->k, 11264 + 512, MKK_FREE, 9);
	mkkernel_page(&e->k, 11264 + 7, MKK_ANON, 0);
	kenv_open(e);
	check_all(e);
	cls = classes(e, 10240 + 700, 11264 + 600, 0, &total);
	assert_int_equal(total, 11264 + 600 - (10240 + 700));
	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++)
		assert_int_equal(cls[pfn], pfn >= 10940 && pfn < 11864 ?
				 e->k.expect[pfn] : UINT8_MAX);
	free(cls);
	check_pfn(e, 10240 + 1023, FADUMP_PAGE_FREE, 0);
	check_pfn(e, 11264 + 512 + 300, FADUMP_PAGE_FREE, 0);
}

/*
 * Memory no section covers, claimed by a segment of 4 TiB with nothing
 * in the file: unknown, in a few steps rather than page by page.
 */
static void test_huge_empty_segment(void **state)
{
	struct kenv *e = *state;
	struct fadump_page_iter *it;
	struct fadump_page_run run = { .size = sizeof(run) };
	uint64_t total = 0, unknown = 0, start = (1ULL << 44) >> 16;

	build(e, false, false, 16, MKK_ERA_7_2);
	e->spec.nsegs = 2;
	e->spec.segs[1] = (struct mkvmcore_seg){ 1ULL << 44, 1ULL << 42, 0 };
	kenv_open(e);
	assert_int_equal(fadump_page_iter_new(e->vm, 0, UINT64_MAX, 0, &it), 0);
	while (fadump_page_iter_next(it, &run) == 1) {
		total += run.count;
		if (run.pfn >= start) {
			assert_int_equal(run.page_class, FADUMP_PAGE_UNKNOWN);
			unknown += run.count;
		}
	}
	fadump_page_iter_free(it);
	assert_int_equal(unknown, (1ULL << 42) >> 16);
	assert_int_equal(total, e->k.pages + unknown);
	check_pfn(e, start + 12345, FADUMP_PAGE_UNKNOWN, 0);
}

/*
 * Free pages on the per-CPU lists, where VMCOREINFO says where the lists
 * are (kernel patch 0006). The blocks are placed clear of the mixed area:
 * order 0 and 1 (cpu 0), order 3 (cpu 1), a PMD-sized THP block (cpu 3).
 */
struct pcp_pages {
	uint64_t lo, thp;		/* pfns */
	uint64_t blocks;
};

static void pcp_fill(struct kenv *e, struct pcp_pages *p)
{
	struct mkkernel *k = &e->k;
	unsigned int shift = k->spec.page_shift;

	p->lo = (40ULL << 20) >> shift;
	/* aligned to HPAGE_PMD_ORDER: 16 MiB (64K) or 44 MiB (4K) */
	p->thp = (shift == 16 ? 16ULL << 20 : 44ULL << 20) >> shift;
	mkkernel_pcp_add(k, 0, 0, p->lo);
	mkkernel_pcp_add(k, 0, 1, p->lo + 1);
	mkkernel_pcp_add(k, 0, 2, p->lo + 5);
	mkkernel_pcp_add(k, 0, 0, p->lo + 6);
	mkkernel_pcp_add(k, 0, 4, p->lo + 8);		/* order 1 */
	mkkernel_pcp_add(k, 1, 9, p->lo + 16);		/* order 3 */
	mkkernel_pcp_add(k, 3, MKK_NR_PCP_LISTS - 1, p->thp);
	p->blocks = 7;
}

static void build_pcp(struct kenv *e, const struct mkkernel_spec *base,
		      struct pcp_pages *p)
{
	struct mkkernel_spec s = *base;

	s.pcp = true;
	build_spec(e, &s);
	pcp_fill(e, p);
}

static uint64_t count_class(struct kenv *e, unsigned int cls)
{
	uint64_t total, n = 0;
	unsigned char *c = classes(e, 0, UINT64_MAX, 0, &total);

	for (uint64_t pfn = 0; pfn < e->k.pages; pfn++)
		n += c[pfn] == cls;
	free(c);
	return n;
}

static void test_pcp_lists(void **state)
{
	struct kenv *e = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct era_case *c = &cases[i];
		struct mkkernel_spec s;
		struct pcp_pages p;
		uint64_t want;

		if (c->era != MKK_ERA_7_2)
			continue;
		print_message("pcp %s %s %uK\n", c->big_endian ? "BE" : "LE",
			      c->hash ? "hash" : "radix",
			      1u << (c->page_shift - 10));
		mkkernel_default_spec(&s, c->big_endian);
		s.hash = c->hash;
		s.page_shift = c->page_shift;
		build_pcp(e, &s, &p);
		kenv_open(e);
		check_all(e);
		assert_string_equal(e->warnings, "");
		/* the THP block, and the per-pfn call in the middle of it */
		assert_int_equal(e->k.expect[p.thp + 3], FADUMP_PAGE_FREE);
		check_pfn(e, p.thp + 3, FADUMP_PAGE_FREE, 0);
		check_pfn(e, p.lo + 17, FADUMP_PAGE_FREE, 0);
		check_pfn(e, p.lo + 7, FADUMP_PAGE_KERNEL, 0);
		want = 4 + 2 + 8 + (1ULL << e->k.bits[0]);
		for (uint64_t pfn = 0; pfn < e->k.pages; pfn++)
			want += pfn < (48ULL << 20) >> c->page_shift ? 0 :
				e->k.expect[pfn] == FADUMP_PAGE_FREE;
		assert_int_equal(count_class(e, FADUMP_PAGE_FREE), want);
	}
}

/* The layout from VMCOREINFO (pcp_list elsewhere), and a kernel without NUMA. */
static void test_pcp_layouts(void **state)
{
	struct kenv *e = *state;
	struct mkkernel_spec s;
	struct pcp_pages p;

	mkkernel_default_spec(&s, true);
	s.moved_fields = true;
	build_pcp(e, &s, &p);
	kenv_open(e);
	check_all(e);
	assert_string_equal(e->warnings, "");

	mkkernel_default_spec(&s, false);
	s.pcp_flat = true;
	s.page_shift = 12;
	build_pcp(e, &s, &p);
	kenv_open(e);
	check_all(e);
	assert_string_equal(e->warnings, "");
}

/* Without the patch's VMCOREINFO: kernel pages, and no warning. */
static void test_pcp_without_keys(void **state)
{
	struct kenv *e = *state;
	static const char *const keys[] = {
		"OFFSET(zone.per_cpu_pageset)=", "SYMBOL(__per_cpu_offset)=",
		"LENGTH(per_cpu_pages.lists)=", "NUMBER(MIGRATE_PCPTYPES)=",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct mkkernel_spec s;
		struct pcp_pages p;
		char name[64];

		mkkernel_default_spec(&s, i & 1);
		build_pcp(e, &s, &p);
		assert_true(mkkernel_drop_line(&e->k, keys[i]));
		for (uint64_t pfn = 0; pfn < (48ULL << 20) >> 16; pfn++)
			if (e->k.expect[pfn] == FADUMP_PAGE_FREE)
				e->k.expect[pfn] = FADUMP_PAGE_KERNEL;
		kenv_open(e);
		check_all(e);
		assert_string_equal(e->warnings, "");
		assert_non_null(strstr(e->infos, "per-CPU lists count as kernel"));
		snprintf(name, sizeof(name), "%.*s", (int)strlen(keys[i]) - 1,
			 keys[i]);
		assert_non_null(strstr(e->infos, name));
	}
}

enum pcp_damage {
	PCP_CYCLE, PCP_OUTSIDE, PCP_MISALIGNED, PCP_COUNT_LIE, PCP_NOT_FREE,
	PCP_NEGATIVE_COUNT, PCP_LOOP_TO_SELF, PCP_DAMAGE_COUNT,
};

/*
 * Damaged lists on cpu 1 (four pages on list 0): bounded, warned, and
 * that CPU's pages kernel; cpu 0 and 3 are still read.
 */
static void test_pcp_hostile(void **state)
{
	struct kenv *e = *state;
	static const char *const why[] = {
		[PCP_CYCLE] = "does not link back",
		[PCP_OUTSIDE] = "not a struct page of the dump",
		[PCP_MISALIGNED] = "not a struct page of the dump",
		[PCP_COUNT_LIE] = "more pages than its count",
		[PCP_NOT_FREE] = "not a free page",
		[PCP_NEGATIVE_COUNT] = "implausible count",
		[PCP_LOOP_TO_SELF] = "does not link back",
	};

	for (int d = 0; d < PCP_DAMAGE_COUNT; d++) {
		struct mkkernel *k = &e->k;
		struct mkkernel_spec s;
		struct pcp_pages p;
		uint64_t bad = (36ULL << 20) >> 16, node, node_va, pcp, to;
		bool be = d & 1;

		mkkernel_default_spec(&s, be);
		build_pcp(e, &s, &p);
		pcp = mkkernel_pcp(k, 1, 0);
		for (int i = 3; i >= 0; i--)	/* list order: bad .. bad + 3 */
			mkkernel_pcp_add(k, 1, 0, bad + (uint64_t)i);
		node = mkkernel_desc(k, bad + 1) + k->off_compound;
		node_va = k->vmemmap + (bad + 1) * k->desc_size + k->off_compound;
		switch (d) {
		case PCP_CYCLE:		/* bad + 2 -> bad + 1 */
			mkkernel_put64(k, node + k->desc_size, node_va, be);
			break;
		case PCP_OUTSIDE:	/* bad + 1 -> the linear map, linking back */
			mkkernel_put64(k, node, LINEAR + 0x123400, be);
			mkkernel_put64(k, 0x123408, node_va, be);
			break;
		case PCP_MISALIGNED:	/* bad + 1 -> inside bad + 2's, linking back */
			to = mkkernel_desc(k, bad + 2) + k->off_compound + 8;
			mkkernel_put64(k, node, to - mkkernel_desc(k, 0) +
				       k->vmemmap, be);
			mkkernel_put64(k, to + 8, node_va, be);
			break;
		case PCP_COUNT_LIE:	/* 12 pages on cpu 1's lists, count 2 */
			memset(k->mem + pcp + MKK_PCP_OFF_COUNT, 0, 4);
			k->mem[pcp + MKK_PCP_OFF_COUNT + (be ? 3 : 0)] = 2;
			break;
		case PCP_NOT_FREE:
			mkkernel_desc_put(k, bad + 2, k->off_refcount, 1, 4);
			break;
		case PCP_NEGATIVE_COUNT:
			memset(k->mem + pcp + MKK_PCP_OFF_COUNT, 0xff, 4);
			break;
		case PCP_LOOP_TO_SELF:	/* bad + 1 -> itself, prev too */
			mkkernel_put64(k, node, k->vmemmap + (bad + 1) *
				       k->desc_size + k->off_compound, be);
			mkkernel_put64(k, node + 8, k->vmemmap + (bad + 1) *
				       k->desc_size + k->off_compound, be);
			break;
		}
		/* cpu 1's pages: the order-3 block and the four */
		for (uint64_t i = 0; i < 8; i++)
			k->expect[p.lo + 16 + i] = FADUMP_PAGE_KERNEL;
		for (uint64_t i = 0; i < 4; i++)
			k->expect[bad + i] = FADUMP_PAGE_KERNEL;
		kenv_open(e);
		check_all(e);
		if (!strstr(e->warnings, why[d]) || !strstr(e->warnings, "cpu 1"))
			print_error("damage %d: %s\n", d, e->warnings);
		assert_non_null(strstr(e->warnings, why[d]));
		assert_non_null(strstr(e->warnings, "cpu 1"));
		assert_non_null(strstr(e->warnings, "1 of the per-CPU free lists"));
		assert_int_equal(e->errors, 0);
	}
}

static void test_arguments(void **state)
{
	struct kenv *e = *state;
	struct fadump_page_iter *it = (void *)1;
	struct fadump_page_run run = { .size = 8 };
	unsigned int c;

	assert_string_equal(fadump_page_class_name(FADUMP_PAGE_FREE), "free");
	assert_string_equal(fadump_page_class_name(FADUMP_PAGE_KERNEL), "kernel");
	assert_null(fadump_page_class_name(FADUMP_PAGE_CLASS_COUNT));
	build(e, false, false, 16, MKK_ERA_7_2);
	kenv_open(e);
	assert_int_equal(fadump_page_iter_new(e->vm, 5, 4, 0, &it), -EINVAL);
	assert_null(it);
	assert_int_equal(fadump_page_iter_new(e->vm, 0, 10, 0x80, &it), -EINVAL);
	assert_int_equal(fadump_vmcore_page_class(e->vm, 0, 0, NULL), -EINVAL);
	assert_int_equal(fadump_vmcore_page_class(e->vm, 1 << 20, 0, &c), -ENXIO);
	assert_int_equal(fadump_page_iter_new(e->vm, 0, 10, 0, &it), 0);
	assert_int_equal(fadump_page_iter_next(it, &run), -EINVAL);
	/* the iterator holds the vmcore */
	kenv_close(e);
	run.size = sizeof(run);
	assert_int_equal(fadump_page_iter_next(it, &run), 1);
	assert_int_equal(run.pfn, 0);
	fadump_page_iter_free(it);
	fadump_page_iter_free(NULL);

	/* no PAGESIZE: pages are not even counted */
	assert_true(mkkernel_drop_line(&e->k, "PAGESIZE="));
	mkkernel_vmcore(&e->k, &e->spec);
	kenv_open(e);
	assert_int_equal(fadump_page_iter_new(e->vm, 0, UINT64_MAX, 0, &it),
			 -ENOENT);
	vt_error_has(e->ctx, "PAGESIZE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, kenv_setup, kenv_teardown)
		T(test_every_class),
		T(test_moved_fields),
		T(test_compound_mask),
		T(test_server_machine),
		T(test_zero_pages),
		T(test_missing_key),
		T(test_unknown_encoding),
		T(test_section_absent),
		T(test_section_map_unreadable),
		T(test_descriptors_not_in_dump),
		T(test_implausible_descriptors),
		T(test_ranges_and_blocks),
		T(test_huge_empty_segment),
		T(test_pcp_lists),
		T(test_pcp_layouts),
		T(test_pcp_without_keys),
		T(test_pcp_hostile),
		T(test_arguments),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

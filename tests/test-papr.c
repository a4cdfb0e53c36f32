// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of the ibm,kernel-dump decoder. The structures are the
 * fixture roots' properties (tests/data/roots/mkroots.py, packed from
 * rtas-fadump.h) and tests/data/metadata/papr-qemu-7.2.bin (QEMU's
 * 40 + 40 * n form); the variants are those bytes with one field changed
 * here. Expected numbers are worked out by hand from the layouts and the
 * kernel's arithmetic in rtas_fadump_get_config() (see the README files
 * next to the fixtures), not read back from the decoder.
 */
#include <endian.h>
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

#define KDUMP "sys/firmware/devicetree/base/rtas/ibm,kernel-dump"
#define QEMU_BLOB "metadata/papr-qemu-7.2.bin"

/* Byte offset of field @off of section @i in a 40-byte-header struct. */
#define SEC(i, off) (40 + 40 * (i) + (off))
enum { S_REQ = 0, S_TYPE = 4, S_ERR = 6, S_SRC = 8, S_LEN = 16,
       S_DUMPED = 24, S_DEST = 32 };

static struct fadump_papr_dump *parse_ok(struct fadump_ctx *ctx,
					 const void *buf, size_t len)
{
	struct fadump_papr_dump *pd = NULL;

	assert_int_equal(fadump_papr_dump_parse(ctx, buf, len, &pd), 0);
	assert_non_null(pd);
	return pd;
}

/* Parse must fail with @err and a message containing @what. */
static void parse_fails(struct fadump_ctx *ctx, const void *buf, size_t len,
			int err, const char *what)
{
	struct fadump_papr_dump *pd = (void *)1;

	assert_int_equal(fadump_papr_dump_parse(ctx, buf, len, &pd), err);
	assert_null(pd);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), what));
}

static struct fadump_papr_dump *from_root(struct fadump_ctx **ctxp,
					  const char *root)
{
	struct fadump_papr_dump *pd = NULL;
	struct fadump_devtree *dt;
	char rel[128];

	snprintf(rel, sizeof(rel), "roots/%s", root);
	assert_int_equal(fadump_ctx_new(fixture_path(rel), ctxp), 0);
	fadump_ctx_set_log_fn(*ctxp, NULL, NULL);
	assert_int_equal(fadump_devtree_read(*ctxp, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_int_equal(fadump_papr_dump_from_devtree(*ctxp, dt, &pd), 0);
	fadump_devtree_unref(dt);
	return pd;
}

static void get_section(const struct fadump_papr_dump *pd, unsigned int i,
			struct fadump_papr_section *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	assert_int_equal(fadump_papr_dump_get_section(pd, i, s), 0);
}

static void get_summary(const struct fadump_papr_dump *pd,
			struct fadump_papr_dump_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->size = sizeof(*sum);
	assert_int_equal(fadump_papr_dump_get_summary(pd, sum), 0);
}

static void get_header(const struct fadump_papr_dump *pd,
		       struct fadump_papr_dump_header *h)
{
	memset(h, 0, sizeof(*h));
	h->size = sizeof(*h);
	assert_int_equal(fadump_papr_dump_get_header(pd, h), 0);
}

/* Does any problem line contain @what? */
static bool has_problem(const struct fadump_papr_dump *pd, const char *what)
{
	const char *p;

	for (unsigned int i = 0; (p = fadump_papr_dump_problem(pd, i)); i++)
		if (strstr(p, what))
			return true;
	return false;
}

static void check_section(const struct fadump_papr_dump *pd, unsigned int i,
			  uint16_t type, uint64_t src, uint64_t len,
			  uint64_t dest)
{
	struct fadump_papr_section s;

	get_section(pd, i, &s);
	assert_int_equal(s.type, type);
	assert_int_equal(s.request_flag, FADUMP_PAPR_REQUEST_FLAG);
	assert_int_equal(s.error_flags, 0);
	assert_int_equal(s.source_address, src);
	assert_int_equal(s.source_len, len);
	assert_int_equal(s.bytes_dumped, len);
	assert_int_equal(s.destination_address, dest);
	assert_true(s.complete);
	assert_null(s.problem);
}

/* 3.4 capture (roots/README): 160 bytes, reservation at the top of 4 GiB. */
static void test_root_34(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump_header h;
	struct fadump_papr_dump *pd;
	struct fadump_ctx *ctx;

	(void)state;
	pd = from_root(&ctx, "pseries-3.4-capture");
	get_header(pd, &h);
	assert_int_equal(h.format_version, 1);
	assert_int_equal(h.num_sections, 3);
	/* performed | triggered: what firmware returns (real QEMU capture) */
	assert_int_equal(h.status_flags, FADUMP_PAPR_STATUS_PERFORMED |
					 FADUMP_PAPR_STATUS_TRIGGERED);
	assert_int_equal(h.offset_first_section, 40);
	assert_int_equal(h.form, FADUMP_PAPR_FORM_FIXED);
	assert_int_equal(h.length, 160);
	assert_int_equal(fadump_papr_dump_section_count(pd), 3);
	check_section(pd, 0, FADUMP_PAPR_CPU_STATE, 0, 0x40020, 0xeffb0000);
	check_section(pd, 1, FADUMP_PAPR_HPTE, 0, 0x1000, 0xefff0020);
	check_section(pd, 2, FADUMP_PAPR_BOOT_MEMORY, 0, 0x10000000, 0xefff1020);

	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_COMPLETE);
	assert_int_equal(sum.boot_regions, 1);
	assert_int_equal(sum.boot_memory_size, 0x10000000);
	assert_int_equal(sum.boot_mem_top, 0x10000000);
	assert_true(sum.has_crashinfo_addr);
	/* 3.4 fadump_reserve_mem(): rmr dest + rmr source_len */
	assert_int_equal(sum.crashinfo_addr, 0xefff1020ULL + 0x10000000);
	assert_true(sum.has_cpu_state);
	assert_int_equal(sum.cpu_state_addr, 0xeffb0000);
	assert_int_equal(sum.cpu_state_len, 0x40020);
	assert_false(sum.has_param_area);
	assert_null(fadump_papr_dump_problem(pd, 0));
	fadump_papr_dump_unref(pd);
	fadump_ctx_unref(ctx);
}

static void test_root_510(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	struct fadump_ctx *ctx;

	(void)state;
	pd = from_root(&ctx, "pseries-5.10-capture");
	check_section(pd, 0, FADUMP_PAPR_CPU_STATE, 0, 0x40020, 0x14000000);
	check_section(pd, 2, FADUMP_PAPR_BOOT_MEMORY, 0, 0x14000000, 0x14041020);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_COMPLETE);
	assert_int_equal(sum.boot_mem_top, 0x14000000);
	assert_int_equal(sum.crashinfo_addr, 0x28041020);
	fadump_papr_dump_unref(pd);
	fadump_ctx_unref(ctx);
}

/*
 * 7.2 capture: 4 sections, 40 + 40 * 4 bytes: rtas_fadump_register()
 * registers only the sections in use, and the firmware returns what was
 * registered (a real 7.2 capture under QEMU returned 160 bytes for 3).
 */
static void test_root_72(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump_header h;
	struct fadump_papr_section s;
	struct fadump_papr_dump *pd;
	struct fadump_ctx *ctx;

	(void)state;
	pd = from_root(&ctx, "pseries-7.2-capture");
	get_header(pd, &h);
	assert_int_equal(h.length, 200);
	assert_int_equal(h.num_sections, 4);
	assert_int_equal(h.form, FADUMP_PAPR_FORM_SECTIONS);
	check_section(pd, 0, FADUMP_PAPR_CPU_STATE, 0, 0x40020, 0x40000000);
	check_section(pd, 1, FADUMP_PAPR_HPTE, 0, 0x1000, 0x40040020);
	check_section(pd, 2, FADUMP_PAPR_BOOT_MEMORY, 0, 0x40000000, 0x40050000);
	check_section(pd, 3, FADUMP_PAPR_PARAM_AREA, 0x30000000, 2048, 0x30000000);
	get_section(pd, 3, &s);
	assert_string_equal(s.type_name, "param area");
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_COMPLETE);
	assert_int_equal(sum.boot_mem_top, 0x40000000);
	assert_int_equal(sum.crashinfo_addr, 0x40050000ULL + 0x40000000);
	assert_true(sum.has_param_area);
	assert_int_equal(sum.param_area_addr, 0x30000000);
	assert_int_equal(fadump_papr_dump_get_section(pd, 4, &s), -ERANGE);
	fadump_papr_dump_unref(pd);
	fadump_ctx_unref(ctx);
}

/* The damaged root: boot section with "invalid source address", 0 dumped. */
static void test_root_damaged(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_section s;
	struct fadump_papr_dump *pd;
	struct fadump_ctx *ctx;

	(void)state;
	pd = from_root(&ctx, "pseries-7.2-damaged");
	get_section(pd, 2, &s);
	assert_int_equal(s.error_flags, FADUMP_PAPR_ERR_INVALID_SOURCE);
	assert_int_equal(s.bytes_dumped, 0);
	assert_false(s.complete);
	assert_non_null(s.problem);
	assert_non_null(strstr(s.problem, "invalid source address"));
	assert_non_null(strstr(s.problem, "0x0 of 0x40000000 bytes dumped"));
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "section 2 (boot memory"));
	assert_true(has_problem(pd, "refuses"));
	assert_null(fadump_papr_dump_problem(pd, 1));
	fadump_papr_dump_unref(pd);
	fadump_ctx_unref(ctx);
}

static void test_root_no_dump(void **state)
{
	struct fadump_papr_dump *pd = (void *)1;
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;

	(void)state;
	assert_int_equal(fadump_ctx_new(fixture_path("roots/pseries-7.2-registered"),
					&ctx), 0);
	fadump_ctx_set_log_fn(ctx, NULL, NULL);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_int_equal(fadump_papr_dump_from_devtree(ctx, dt, &pd), -ENOENT);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), "ibm,kernel-dump"));
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

/* QEMU's 40 + 40 * 6 bytes: three boot regions with holes, param area. */
static void test_qemu_form(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump_header h;
	struct fadump_papr_dump *pd;
	const void *raw;
	size_t len, rawlen;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	assert_int_equal(len, 280);
	pd = parse_ok(*state, b, len);
	get_header(pd, &h);
	assert_int_equal(h.num_sections, 6);
	assert_int_equal(h.status_flags, FADUMP_PAPR_STATUS_TRIGGERED |
					 FADUMP_PAPR_STATUS_PERFORMED);
	assert_int_equal(h.form, FADUMP_PAPR_FORM_SECTIONS);
	check_section(pd, 0, FADUMP_PAPR_CPU_STATE, 0, 0xa00, 0x60000000);
	check_section(pd, 1, FADUMP_PAPR_HPTE, 0, 0, 0x60000a00);
	check_section(pd, 2, FADUMP_PAPR_BOOT_MEMORY, 0, 0x20000000, 0x60010000);
	check_section(pd, 3, FADUMP_PAPR_BOOT_MEMORY, 0x30000000, 0x10000000,
		      0x80010000);
	check_section(pd, 4, FADUMP_PAPR_BOOT_MEMORY, 0x50000000, 0x10000000,
		      0x90010000);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_COMPLETE);
	assert_int_equal(sum.boot_regions, 3);
	assert_int_equal(sum.boot_memory_size, 0x40000000);
	/* 1 GiB of regions + 0x10000000 + 0x10000000 of holes */
	assert_int_equal(sum.boot_mem_top, 0x60000000);
	assert_int_equal(sum.crashinfo_addr, 0x60010000ULL + 0x40000000);
	assert_int_equal(sum.cpu_state_len, 0xa00);
	assert_int_equal(fadump_papr_dump_raw(pd, &raw, &rawlen), 0);
	assert_int_equal(rawlen, 280);
	assert_memory_equal(raw, b, 280);
	/* The object keeps its own copy. */
	memset(b, 0xff, len);
	get_summary(pd, &sum);
	assert_int_equal(sum.boot_mem_top, 0x60000000);
	fadump_papr_dump_unref(pd);
	free(b);
}

/*
 * Three sections in a longer property (the whole 440-byte rgn[10] struct,
 * as a firmware handing back its full buffer would give it) are still the
 * 6.10+ form.
 */
static void test_form_sections_3(void **state)
{
	struct fadump_papr_dump_header h;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load("roots/pseries-7.2-capture/" KDUMP, &len);
	unsigned char *full = calloc(1, 440);

	assert_non_null(full);
	assert_int_equal(len, 200);
	memcpy(full, b, len);
	put_be16(full, 4, 3);	/* drop the param area */
	pd = parse_ok(*state, full, 440);
	get_header(pd, &h);
	assert_int_equal(h.form, FADUMP_PAPR_FORM_SECTIONS);
	fadump_papr_dump_unref(pd);
	/* the same three sections in 160 bytes read as the 3.4-6.9 struct */
	pd = parse_ok(*state, full, 160);
	get_header(pd, &h);
	assert_int_equal(h.form, FADUMP_PAPR_FORM_FIXED);
	fadump_papr_dump_unref(pd);
	free(full);
	free(b);
}

static void test_short_header(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	parse_fails(*state, b, 39, -EBADMSG, "ibm,kernel-dump: 39 bytes, shorter than the 40-byte");
	parse_fails(*state, b, 0, -EBADMSG, "ibm,kernel-dump: 0 bytes");
	free(b);
}

static void test_unknown_version(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be32(b, 0, 2);
	parse_fails(*state, b, len, -EPROTONOSUPPORT, "dump_format_version 2");
	free(b);
}

static void test_too_many_sections(void **state)
{
	size_t len;
	unsigned char *b = fixture_load("roots/pseries-7.2-capture/" KDUMP, &len);

	put_be16(b, 4, 11);
	parse_fails(*state, b, len, -EBADMSG, "dump_num_sections 11");
	put_be16(b, 4, 0xffff);
	parse_fails(*state, b, len, -EBADMSG, "dump_num_sections 65535");
	free(b);
}

static void test_sections_past_end(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	/* 6 sections announced, the property cut after 4 */
	parse_fails(*state, b, 200, -EBADMSG,
		    "6 sections from offset 40 need 280 bytes, the property has 200");
	/* the first section offset pushed towards the end */
	put_be32(b, 8, 200);
	parse_fails(*state, b, len, -EBADMSG,
		    "6 sections from offset 200 need 440 bytes");
	put_be32(b, 8, 0xfffffff0);
	parse_fails(*state, b, len, -EBADMSG, "offset 4294967280");
	free(b);
}

static void test_offset_inside_header(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be32(b, 8, 8);
	parse_fails(*state, b, len, -EBADMSG,
		    "offset_first_dump_section 8 points inside the 40-byte header");
	free(b);
}

/* A section table further in is read where the header says it is. */
static void test_offset_honoured(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);
	unsigned char *moved = calloc(1, len + 40);

	assert_non_null(moved);
	memcpy(moved, b, 40);
	memcpy(moved + 80, b + 40, len - 40);
	put_be32(moved, 8, 80);
	pd = parse_ok(*state, moved, len + 40);
	check_section(pd, 2, FADUMP_PAPR_BOOT_MEMORY, 0, 0x20000000, 0x60010000);
	get_summary(pd, &sum);
	assert_int_equal(sum.boot_mem_top, 0x60000000);
	/* but the kernel reads from 40 and would misread them */
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "offset_first_dump_section is 80"));
	fadump_papr_dump_unref(pd);
	free(moved);
	free(b);
}

static void test_boot_regions_out_of_order(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);
	unsigned char tmp[40];

	/* swap sections 3 and 4: 0x50000000 before 0x30000000 */
	memcpy(tmp, b + SEC(3, 0), 40);
	memcpy(b + SEC(3, 0), b + SEC(4, 0), 40);
	memcpy(b + SEC(4, 0), tmp, 40);
	parse_fails(*state, b, len, -EBADMSG,
		    "section 4: boot-memory region at 0x30000000 starts below 0x60000000");
	free(b);
}

static void test_boot_region_overflow(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be64(b, SEC(4, S_SRC), 0xfffffffffffff000ULL);
	put_be64(b, SEC(4, S_LEN), 0x2000);
	parse_fails(*state, b, len, -EBADMSG,
		    "section 4: boot-memory region at 0xfffffffffffff000 of 0x2000 bytes runs past");
	free(b);
}

/* A short param area costs the extra arguments only (7.2 rtas_fadump_process). */
static void test_param_area_short(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_section s;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be64(b, SEC(5, S_DUMPED), 0);
	pd = parse_ok(*state, b, len);
	get_section(pd, 5, &s);
	assert_false(s.complete);
	assert_string_equal(s.problem, "0x0 of 0x800 bytes dumped");
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_INCOMPLETE);
	assert_true(has_problem(pd, "section 5 (param area, type 0x0100)"));
	assert_true(has_problem(pd, "bootargs_append"));
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_cpu_error_flags(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_section s;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be16(b, SEC(0, S_ERR), FADUMP_PAPR_ERR_INVALID_DEST | 0x0004);
	pd = parse_ok(*state, b, len);
	get_section(pd, 0, &s);
	assert_string_equal(s.problem,
			    "firmware error flags 0x1004 (invalid destination address, 0x0004)");
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "section 0 (CPU state"));
	fadump_papr_dump_unref(pd);
	free(b);
}

/* 6.10+ refuses a short HPTE copy; 3.4 - 6.9 did not look at it. */
static void test_hpte_short(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load("roots/pseries-3.4-capture/" KDUMP, &len);

	put_be64(b, SEC(1, S_DUMPED), 0x800);
	pd = parse_ok(*state, b, len);
	get_summary(pd, &sum);
	/* fixed form: judged by both rule sets, 6.10+ refuses */
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "section 1 (HPTE, type 0x0002): 0x800 of 0x1000 bytes dumped"));
	fadump_papr_dump_unref(pd);
	free(b);
}

/* 3.4 - 6.9 compare the whole status word with 0x2000. */
static void test_status_error(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load("roots/pseries-5.10-capture/" KDUMP, &len);
	unsigned char *q = fixture_load(QEMU_BLOB, &len);

	put_be16(b, 6, FADUMP_PAPR_STATUS_ERROR);
	pd = parse_ok(*state, b, 160);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "dump_status_flag 0x2000"));
	fadump_papr_dump_unref(pd);

	/* other bits too: the old equality test passes it */
	put_be16(b, 6, 0xe000);
	pd = parse_ok(*state, b, 160);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_INCOMPLETE);
	fadump_papr_dump_unref(pd);

	/* 6.10+ form: the kernel does not look at the header status */
	put_be16(q, 6, FADUMP_PAPR_STATUS_ERROR);
	pd = parse_ok(*state, q, len);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_INCOMPLETE);
	assert_true(has_problem(pd, "the firmware reports a dump error"));
	fadump_papr_dump_unref(pd);
	free(q);
	free(b);
}

static void test_no_cpu_section(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	/* sections 1..5 only */
	memmove(b + 40, b + 80, len - 80);
	put_be16(b, 4, 5);
	pd = parse_ok(*state, b, len - 40);
	get_summary(pd, &sum);
	assert_false(sum.has_cpu_state);
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "no CPU state section"));
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_cpu_state_empty(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be64(b, SEC(0, S_LEN), 0);
	put_be64(b, SEC(0, S_DUMPED), 0);
	pd = parse_ok(*state, b, len);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "no register save area"));
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_no_boot_region_from_zero(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be64(b, SEC(2, S_SRC), 0x10000);
	put_be64(b, SEC(2, S_LEN), 0x1fff0000);
	pd = parse_ok(*state, b, len);
	get_summary(pd, &sum);
	assert_false(sum.has_crashinfo_addr);
	assert_int_equal(sum.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(has_problem(pd, "no boot-memory section copies address 0"));
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_unknown_type(void **state)
{
	struct fadump_papr_dump_summary sum;
	struct fadump_papr_section s;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be16(b, SEC(5, S_TYPE), 0x0123);
	pd = parse_ok(*state, b, len);
	get_section(pd, 5, &s);
	assert_string_equal(s.type_name, "unknown");
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_COMPLETE);
	assert_false(sum.has_param_area);
	fadump_papr_dump_unref(pd);

	put_be64(b, SEC(5, S_DUMPED), 1);
	pd = parse_ok(*state, b, len);
	get_summary(pd, &sum);
	assert_int_equal(sum.verdict, FADUMP_DUMP_INCOMPLETE);
	assert_true(has_problem(pd, "unknown type, which the kernel skips"));
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_not_requested(void **state)
{
	struct fadump_papr_section s;
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be32(b, SEC(4, S_REQ), 0);
	put_be64(b, SEC(4, S_DUMPED), 0);
	pd = parse_ok(*state, b, len);
	get_section(pd, 4, &s);
	assert_string_equal(s.problem, "0x0 of 0x10000000 bytes dumped (not requested)");
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_struct_sizes(void **state)
{
	struct fadump_papr_dump_summary sum = { .size = 8 };
	struct fadump_papr_dump_header h = { .size = 8 };
	struct fadump_papr_section s = { .size = FADUMP_PAPR_SECTION_SIZE_V1 - 1 };
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	pd = parse_ok(*state, b, len);
	assert_int_equal(fadump_papr_dump_get_section(pd, 0, &s), -EINVAL);
	assert_int_equal(fadump_papr_dump_get_header(pd, &h), -EINVAL);
	assert_int_equal(fadump_papr_dump_get_summary(pd, &sum), -EINVAL);
	/* an older caller's struct is filled up to its size, size kept */
	s.size = FADUMP_PAPR_SECTION_SIZE_V1;
	assert_int_equal(fadump_papr_dump_get_section(pd, 2, &s), 0);
	assert_int_equal(s.size, FADUMP_PAPR_SECTION_SIZE_V1);
	assert_int_equal(s.source_len, 0x20000000);
	fadump_papr_dump_unref(pd);
	free(b);
}

static void test_ref_and_args(void **state)
{
	struct fadump_papr_dump *pd;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	assert_int_equal(fadump_papr_dump_parse(NULL, b, len, &pd), -EINVAL);
	assert_int_equal(fadump_papr_dump_parse(*state, NULL, 40, &pd), -EINVAL);
	assert_int_equal(fadump_papr_dump_parse(*state, b, len, NULL), -EINVAL);
	pd = parse_ok(*state, b, len);
	assert_ptr_equal(fadump_papr_dump_ref(pd), pd);
	assert_null(fadump_papr_dump_unref(pd));
	assert_int_equal(fadump_papr_dump_section_count(pd), 6);
	assert_null(fadump_papr_dump_unref(pd));
	assert_null(fadump_papr_dump_unref(NULL));
	assert_int_equal(fadump_papr_dump_section_count(NULL), 0);
	free(b);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(fadump_papr_section_type_name(0x0001), "CPU state");
	assert_string_equal(fadump_papr_section_type_name(0x0002), "HPTE");
	assert_string_equal(fadump_papr_section_type_name(0x0011), "boot memory");
	assert_string_equal(fadump_papr_section_type_name(0x0100), "param area");
	assert_string_equal(fadump_papr_section_type_name(0x0003), "unknown");
	assert_string_equal(fadump_dump_verdict_name(FADUMP_DUMP_COMPLETE), "complete");
	assert_string_equal(fadump_dump_verdict_name(FADUMP_DUMP_INCOMPLETE), "incomplete");
	assert_string_equal(fadump_dump_verdict_name(FADUMP_DUMP_UNUSABLE), "unusable");
}

/* -version: QEMU's host-endian u16 pair, or the big-endian reading. */
static void test_versions(void **state)
{
	static const unsigned char qemu_le[] = { 1, 0, 1, 0 };
	static const unsigned char be[] = { 0, 1, 0, 2 };
	static const unsigned char zero[] = { 0, 0, 0, 0 };
	struct fadump_papr_versions v = { .size = sizeof(v) };

	assert_int_equal(fadump_papr_versions_parse(*state, qemu_le, 4, &v), 0);
	assert_int_equal(v.byte_order, FADUMP_BYTE_ORDER_LITTLE);
	assert_int_equal(v.min, 1);
	assert_int_equal(v.max, 1);
	assert_int_equal(fadump_papr_versions_parse(*state, be, 4, &v), 0);
	assert_int_equal(v.byte_order, FADUMP_BYTE_ORDER_BIG);
	assert_int_equal(v.min, 1);
	assert_int_equal(v.max, 2);
	assert_int_equal(fadump_papr_versions_parse(*state, zero, 4, &v), 0);
	assert_int_equal(v.byte_order, FADUMP_BYTE_ORDER_AUTO);
	assert_int_equal(fadump_papr_versions_parse(*state, be, 3, &v), -EBADMSG);
	assert_non_null(strstr(fadump_ctx_get_error(*state),
			       "ibm,configure-kernel-dump-version: 3 bytes, expected 4"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_34),
		cmocka_unit_test(test_root_510),
		cmocka_unit_test(test_root_72),
		cmocka_unit_test(test_root_damaged),
		cmocka_unit_test(test_root_no_dump),
		cmocka_unit_test(test_qemu_form),
		cmocka_unit_test(test_form_sections_3),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_unknown_version),
		cmocka_unit_test(test_too_many_sections),
		cmocka_unit_test(test_sections_past_end),
		cmocka_unit_test(test_offset_inside_header),
		cmocka_unit_test(test_offset_honoured),
		cmocka_unit_test(test_boot_regions_out_of_order),
		cmocka_unit_test(test_boot_region_overflow),
		cmocka_unit_test(test_param_area_short),
		cmocka_unit_test(test_cpu_error_flags),
		cmocka_unit_test(test_hpte_short),
		cmocka_unit_test(test_status_error),
		cmocka_unit_test(test_no_cpu_section),
		cmocka_unit_test(test_cpu_state_empty),
		cmocka_unit_test(test_no_boot_region_from_zero),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_not_requested),
		cmocka_unit_test(test_struct_sizes),
		cmocka_unit_test(test_ref_and_args),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, quiet_ctx_setup, quiet_ctx_teardown);
}

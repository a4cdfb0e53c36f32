// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of the powernv decoders: the kernel's OPAL metadata
 * (opal-fdm-{le,be}.bin: the powernv-6.1 root's two boot-memory chunks),
 * the firmware's CPU metadata (opal-cpu-meta.bin) and the HDAT thread
 * register data (hdat-threads.bin). Layouts and values: mkmetadata.py and
 * the README next to it; hostile variants are made here.
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

#define FDM_LE "metadata/opal-fdm-le.bin"
#define FDM_BE "metadata/opal-fdm-be.bin"
#define CPU_META "metadata/opal-cpu-meta.bin"
#define HDAT "metadata/hdat-threads.bin"
#define HDAT_THREAD 688

static void put_le16(unsigned char *b, size_t off, uint16_t v)
{
	v = htole16(v);
	memcpy(b + off, &v, 2);
}

static void put_le64(unsigned char *b, size_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(b + off, &v, 8);
}

static void check_error(struct fadump_ctx *ctx, const char *what)
{
	if (!strstr(fadump_ctx_get_error(ctx), what))
		fail_msg("message \"%s\" lacks \"%s\"",
			 fadump_ctx_get_error(ctx), what);
}

static struct fadump_opal_fdm *fdm_ok(struct fadump_ctx *ctx, const void *b,
				      size_t len, enum fadump_byte_order o)
{
	struct fadump_opal_fdm *fdm = NULL;

	assert_int_equal(fadump_opal_fdm_parse(ctx, b, len, o, &fdm), 0);
	assert_non_null(fdm);
	return fdm;
}

static void fdm_fails(struct fadump_ctx *ctx, const void *b, size_t len,
		      enum fadump_byte_order o, int err, const char *what)
{
	struct fadump_opal_fdm *fdm = (void *)1;

	assert_int_equal(fadump_opal_fdm_parse(ctx, b, len, o, &fdm), err);
	assert_null(fdm);
	check_error(ctx, what);
}

static void fdm_info(const struct fadump_opal_fdm *fdm,
		     struct fadump_opal_fdm_info *in)
{
	memset(in, 0, sizeof(*in));
	in->size = sizeof(*in);
	assert_int_equal(fadump_opal_fdm_get_info(fdm, in), 0);
}

static bool fdm_has_problem(const struct fadump_opal_fdm *fdm, const char *what)
{
	const char *p;

	for (unsigned int i = 0; (p = fadump_opal_fdm_problem(fdm, i)); i++)
		if (strstr(p, what))
			return true;
	return false;
}

/* The powernv-6.1 root's regions: 6 GiB in two chunks copied to 6 GiB up. */
static void check_fdm(const struct fadump_opal_fdm *fdm,
		      enum fadump_byte_order order)
{
	struct fadump_opal_region r = { .size = sizeof(r) };
	struct fadump_opal_fdm_info in;

	fdm_info(fdm, &in);
	assert_int_equal(in.version, 1);
	assert_int_equal(in.byte_order, order);
	assert_int_equal(in.region_cnt, 2);
	assert_int_equal(in.registered_regions, 2);
	assert_int_equal(in.crashinfo_addr, 0x300000000ULL);
	assert_int_equal(in.boot_memory_size, 0x180000000ULL);
	assert_int_equal(in.boot_mem_top, 0x180000000ULL);
	assert_int_equal(in.verdict, FADUMP_DUMP_COMPLETE);
	assert_null(fadump_opal_fdm_problem(fdm, 0));
	assert_int_equal(fadump_opal_fdm_get_region(fdm, 0, &r), 0);
	assert_int_equal(r.source, 0);
	assert_int_equal(r.destination, 0x180000000ULL);
	assert_int_equal(r.length, 0xffff0000ULL);
	assert_true(r.preserved);
	assert_int_equal(fadump_opal_fdm_get_region(fdm, 1, &r), 0);
	assert_int_equal(r.source, 0xffff0000ULL);
	assert_int_equal(r.destination, 0x27fff0000ULL);
	assert_int_equal(r.length, 0x80010000ULL);
	assert_int_equal(fadump_opal_fdm_get_region(fdm, 2, &r), -ERANGE);
}

static void test_fdm_le(void **state)
{
	struct fadump_opal_fdm *fdm;
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	assert_int_equal(len, 3088);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	check_fdm(fdm, FADUMP_BYTE_ORDER_LITTLE);
	fadump_opal_fdm_unref(fdm);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_LITTLE);
	check_fdm(fdm, FADUMP_BYTE_ORDER_LITTLE);
	fadump_opal_fdm_unref(fdm);
	/* only the header and the used regions are needed */
	fdm = fdm_ok(*state, b, 16 + 2 * 24, FADUMP_BYTE_ORDER_AUTO);
	check_fdm(fdm, FADUMP_BYTE_ORDER_LITTLE);
	fadump_opal_fdm_unref(fdm);
	free(b);
}

static void test_fdm_be(void **state)
{
	struct fadump_opal_fdm *fdm;
	size_t len;
	unsigned char *b = fixture_load(FDM_BE, &len);

	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	check_fdm(fdm, FADUMP_BYTE_ORDER_BIG);
	fadump_opal_fdm_unref(fdm);
	free(b);
}

static void test_fdm_wrong_order(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	/* 2 read big-endian is 0x0200 */
	fdm_fails(*state, b, len, FADUMP_BYTE_ORDER_BIG, -EBADMSG,
		  "region_cnt 512 (big-endian), more than the kernel's 128");
	free(b);
}

static void test_fdm_count_both_ways(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	put_le16(b, 4, 0x0101);
	fdm_fails(*state, b, len, FADUMP_BYTE_ORDER_AUTO, -EBADMSG,
		  "region_cnt reads 257 big-endian and 257 little-endian");
	put_le16(b, 4, 129);
	fdm_fails(*state, b, len, FADUMP_BYTE_ORDER_LITTLE, -EBADMSG,
		  "region_cnt 129 (little-endian)");
	free(b);
}

static void test_fdm_version(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	b[0] = 2;
	fdm_fails(*state, b, len, FADUMP_BYTE_ORDER_AUTO, -EPROTONOSUPPORT,
		  "OPAL kernel metadata: version 2, only version 1 is known");
	free(b);
}

static void test_fdm_short(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	fdm_fails(*state, b, 15, FADUMP_BYTE_ORDER_AUTO, -EBADMSG,
		  "15 bytes, shorter than its 16-byte header");
	fdm_fails(*state, b, 40, FADUMP_BYTE_ORDER_AUTO, -EBADMSG,
		  "2 regions need 64 bytes, only 40 given");
	put_le16(b, 4, 128);
	put_le16(b, 6, 128);
	fdm_fails(*state, b, 3000, FADUMP_BYTE_ORDER_AUTO, -EBADMSG,
		  "128 regions need 3088 bytes, only 3000 given");
	free(b);
}

static void test_fdm_registered_above_count(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	put_le16(b, 6, 3);
	fdm_fails(*state, b, len, FADUMP_BYTE_ORDER_AUTO, -EBADMSG,
		  "registered_regions 3 is more than region_cnt 2");
	free(b);
}

static void test_fdm_partly_registered(void **state)
{
	struct fadump_opal_region r = { .size = sizeof(r) };
	struct fadump_opal_fdm_info in;
	struct fadump_opal_fdm *fdm;
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	put_le16(b, 6, 1);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	fdm_info(fdm, &in);
	assert_int_equal(in.verdict, FADUMP_DUMP_INCOMPLETE);
	assert_true(fdm_has_problem(fdm, "regions 1-1 of 2 were not registered"));
	assert_int_equal(fadump_opal_fdm_get_region(fdm, 1, &r), 0);
	assert_false(r.preserved);
	fadump_opal_fdm_unref(fdm);

	put_le16(b, 6, 0);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	fdm_info(fdm, &in);
	assert_int_equal(in.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(fdm_has_problem(fdm, "no region was registered"));
	fadump_opal_fdm_unref(fdm);
	free(b);
}

static void test_fdm_header_addr(void **state)
{
	struct fadump_opal_fdm_info in;
	struct fadump_opal_fdm *fdm;
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	put_le64(b, 8, 0);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	fdm_info(fdm, &in);
	assert_int_equal(in.verdict, FADUMP_DUMP_UNUSABLE);
	assert_true(fdm_has_problem(fdm, "fadumphdr_addr is 0"));
	fadump_opal_fdm_unref(fdm);

	put_le64(b, 8, 0x300010000ULL);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	fdm_info(fdm, &in);
	assert_int_equal(in.verdict, FADUMP_DUMP_INCOMPLETE);
	assert_true(fdm_has_problem(fdm, "fadumphdr_addr 0x300010000 is not region 0's destination plus the boot memory size (0x300000000)"));
	fadump_opal_fdm_unref(fdm);
	free(b);
}

static void test_fdm_regions_out_of_order(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	put_le64(b, 16 + 24, 0x80000000ULL);	/* region 1 src inside region 0 */
	fdm_fails(*state, b, len, FADUMP_BYTE_ORDER_AUTO, -EBADMSG,
		  "OPAL kernel metadata: region 1: boot-memory region at 0x80000000 starts below 0xffff0000");
	free(b);
}

static void test_fdm_no_regions(void **state)
{
	struct fadump_opal_fdm_info in;
	struct fadump_opal_fdm *fdm;
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	put_le16(b, 4, 0);
	put_le16(b, 6, 0);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	fdm_info(fdm, &in);
	/* a zero count reads the same both ways */
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_AUTO);
	assert_int_equal(in.verdict, FADUMP_DUMP_UNUSABLE);
	fadump_opal_fdm_unref(fdm);
	free(b);
}

static void test_fdm_args(void **state)
{
	struct fadump_opal_fdm_info in = { .size = 4 };
	struct fadump_opal_fdm *fdm;
	size_t len;
	unsigned char *b = fixture_load(FDM_LE, &len);

	assert_int_equal(fadump_opal_fdm_parse(*state, b, len, 7, &fdm), -EINVAL);
	assert_int_equal(fadump_opal_fdm_parse(*state, b, len,
					       FADUMP_BYTE_ORDER_AUTO, NULL), -EINVAL);
	fdm = fdm_ok(*state, b, len, FADUMP_BYTE_ORDER_AUTO);
	assert_int_equal(fadump_opal_fdm_get_info(fdm, &in), -EINVAL);
	assert_ptr_equal(fadump_opal_fdm_ref(fdm), fdm);
	fadump_opal_fdm_unref(fdm);
	fadump_opal_fdm_unref(fdm);
	free(b);
}

static void cpu_meta_fails(struct fadump_ctx *ctx, const void *b, size_t len,
			   int err, const char *what)
{
	struct fadump_opal_cpu_meta m = { .size = sizeof(m) };

	assert_int_equal(fadump_opal_cpu_meta_parse(ctx, b, len, &m), err);
	check_error(ctx, what);
}

static void test_cpu_meta(void **state)
{
	struct fadump_opal_cpu_meta m = { .size = sizeof(m) };
	size_t len;
	unsigned char *b = fixture_load(CPU_META, &len);

	assert_int_equal(len, 48);
	assert_int_equal(fadump_opal_cpu_meta_parse(*state, b, len, &m), 0);
	assert_int_equal(m.version, 1);
	assert_int_equal(m.crashing_pir, 0x21);
	assert_int_equal(m.cpu_data_version, 1);
	assert_int_equal(m.cpu_data_size, HDAT_THREAD);
	assert_int_equal(m.region_cnt, 1);
	assert_int_equal(m.cpu_data_addr, 0x2fe00000);
	assert_int_equal(m.cpu_data_len, 4 * HDAT_THREAD);
	free(b);
}

static void test_cpu_meta_bad(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(CPU_META, &len);

	cpu_meta_fails(*state, b, 23, -EBADMSG,
		       "OPAL CPU metadata: 23 bytes, shorter than its 24-byte header");
	b[0] = 0;
	cpu_meta_fails(*state, b, len, -EPROTONOSUPPORT,
		       "OPAL CPU metadata: version 0, only version 1 is known");
	b[0] = 1;
	put_be32(b, 20, 200);
	cpu_meta_fails(*state, b, len, -E2BIG, "region_cnt 200, more than 128");
	put_be32(b, 20, 2);
	cpu_meta_fails(*state, b, len, -EBADMSG, "2 regions need 72 bytes, only 48 given");
	put_be32(b, 20, 0);
	cpu_meta_fails(*state, b, len, -EBADMSG, "region_cnt 0");
	put_be32(b, 20, 1);
	put_be32(b, 16, 0);
	cpu_meta_fails(*state, b, len, -EBADMSG, "0 per thread: the kernel finds it invalid");
	put_be32(b, 16, 4 * HDAT_THREAD + 1);
	cpu_meta_fails(*state, b, len, -EBADMSG, "2753 per thread");
	free(b);
}

static struct fadump_cpuregs *hdat_ok(struct fadump_ctx *ctx, const void *b,
				      size_t len, uint32_t tsize)
{
	struct fadump_cpuregs *rs = NULL;

	assert_int_equal(fadump_cpuregs_parse_hdat(ctx, b, len, tsize, &rs), 0);
	assert_non_null(rs);
	return rs;
}

static void hdat_fails(struct fadump_ctx *ctx, const void *b, size_t len,
		       uint32_t tsize, int err, const char *what)
{
	struct fadump_cpuregs *rs = (void *)1;

	assert_int_equal(fadump_cpuregs_parse_hdat(ctx, b, len, tsize, &rs), err);
	assert_null(rs);
	check_error(ctx, what);
}

/* Values: mkmetadata.py hdat_threads(): GPR n = pir << 32 | n, SPR s = pir << 32 | 0x100000 | s. */
static void test_hdat(void **state)
{
	struct fadump_cpu_state c = { .size = sizeof(c) };
	struct fadump_reg_entry e = { .size = sizeof(e) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	struct fadump_cpuregs *rs;
	size_t len;
	unsigned char *b = fixture_load(HDAT, &len);

	rs = hdat_ok(*state, b, len, HDAT_THREAD);
	assert_int_equal(fadump_cpuregs_format(rs), FADUMP_CPUREGS_HDAT);
	assert_int_equal(fadump_cpuregs_count(rs), 4);
	for (unsigned int i = 0; i < 4; i++) {
		uint64_t pir = 0x20 + i, hi = pir << 32;

		assert_int_equal(fadump_cpuregs_get_cpu(rs, i, &c), 0);
		assert_int_equal(c.id, pir);
		assert_int_equal(c.active, i != 3);
		assert_int_equal(c.core_state, i == 3 ? 0x0f : 0);
		assert_int_equal(c.entries, 41);
		assert_int_equal(c.ignored, 1);
		assert_int_equal(c.offset, i * HDAT_THREAD);
		assert_int_equal(fadump_cpuregs_get_regs(rs, i, &r), 0);
		for (unsigned int n = 0; n < 32; n++)
			assert_int_equal(r.gpr[n], hi | n);
		assert_int_equal(r.ctr, hi | 0x100000 | 9);
		assert_int_equal(r.link, hi | 0x100000 | 8);
		assert_int_equal(r.xer, hi | 0x100000 | 1);
		assert_int_equal(r.dar, hi | 0x100000 | 19);
		assert_int_equal(r.dsisr, hi | 0x100000 | 18);
		assert_int_equal(r.nip, hi | 0x100000 | 0x7d0);
		assert_int_equal(r.msr, hi | 0x100000 | 0x7d1);
		assert_int_equal(r.ccr, hi | 0x100000 | 0x7d2);
		assert_int_equal(r.trap, 0);
	}
	assert_int_equal(fadump_cpuregs_find(rs, 0x22), 2);
	assert_int_equal(fadump_cpuregs_get_entry(rs, 1, 0, &e), 0);
	assert_string_equal(e.name, "GPR0");
	assert_int_equal(e.id, 1ULL << 32);
	assert_true(e.used);
	assert_int_equal(fadump_cpuregs_get_entry(rs, 1, 32, &e), 0);
	assert_string_equal(e.name, "CTR");
	assert_int_equal(fadump_cpuregs_get_entry(rs, 1, 37, &e), 0);
	assert_string_equal(e.name, "NIP");
	assert_int_equal(fadump_cpuregs_get_entry(rs, 1, 40, &e), 0);
	assert_string_equal(e.name, "SPR314");
	assert_false(e.used);
	assert_int_equal(e.value, (0x21ULL << 32) | 0x100000 | 314);
	fadump_cpuregs_unref(rs);

	/* a partial thread at the end is not a thread (len / thread size) */
	rs = hdat_ok(*state, b, len - 1, HDAT_THREAD);
	assert_int_equal(fadump_cpuregs_count(rs), 3);
	fadump_cpuregs_unref(rs);
	free(b);
}

/* The kernel maps by number for every non-GPR type. */
static void test_hdat_other_type(void **state)
{
	struct fadump_reg_entry e = { .size = sizeof(e) };
	struct fadump_ppc64_regs r = { .size = sizeof(r) };
	struct fadump_cpuregs *rs;
	size_t len;
	unsigned char *b = fixture_load(HDAT, &len);

	put_be32(b, 24 + 32 * 16, 3);		/* thread 0, entry 32 (CTR) */
	put_be32(b, 24 + 5 * 16 + 4, 40);		/* GPR 40: no such GPR */
	rs = hdat_ok(*state, b, len, HDAT_THREAD);
	assert_int_equal(fadump_cpuregs_get_regs(rs, 0, &r), 0);
	assert_int_equal(r.ctr, (0x20ULL << 32) | 0x100000 | 9);
	assert_int_equal(r.gpr[5], 0);
	assert_int_equal(fadump_cpuregs_get_entry(rs, 0, 32, &e), 0);
	assert_string_equal(e.name, "type3:9");
	assert_true(e.used);
	assert_int_equal(fadump_cpuregs_get_entry(rs, 0, 5, &e), 0);
	assert_string_equal(e.name, "GPR40");
	assert_false(e.used);
	fadump_cpuregs_unref(rs);
	free(b);
}

static void test_hdat_thread_size(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(HDAT, &len);

	hdat_fails(*state, b, len, 0, -EBADMSG,
		   "0 bytes per thread, less than the 24-byte thread header");
	hdat_fails(*state, b, len, 23, -EBADMSG, "23 bytes per thread");
	hdat_fails(*state, b, len, 4000, -EBADMSG,
		   "4000 bytes per thread, but only 2752 bytes of data");
	hdat_fails(*state, b, 0, HDAT_THREAD, -EBADMSG, "only 0 bytes");
	free(b);
}

static void test_hdat_entries_outside(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(HDAT, &len);

	put_be32(b, 12, 42);
	hdat_fails(*state, b, len, HDAT_THREAD, -EBADMSG,
		   "thread 0 (PIR 0x20): 42 entries of 16 bytes at offset 24 end at 696, past the 688-byte thread");
	put_be32(b, 12, 41);
	put_be32(b, 8, 0xfffffff0);
	hdat_fails(*state, b, len, HDAT_THREAD, -EBADMSG,
		   "at offset 4294967288 end at");
	put_be32(b, 8, 16);
	put_be32(b, 12, 0xffffffff);
	hdat_fails(*state, b, len, HDAT_THREAD, -EBADMSG,
		   "4294967295 entries of 16 bytes");
	put_be32(b, 12, 41);
	put_be32(b, 16, 8);
	hdat_fails(*state, b, len, HDAT_THREAD, -EBADMSG,
		   "entry size 8 is less than the 16-byte register entry");
	free(b);
}

static void test_hdat_too_many_threads(void **state)
{
	size_t len = 24 * 16385;
	unsigned char *b = calloc(1, len);

	assert_non_null(b);
	hdat_fails(*state, b, len, 24, -E2BIG, "16385 threads of 24 bytes");
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fdm_le),
		cmocka_unit_test(test_fdm_be),
		cmocka_unit_test(test_fdm_wrong_order),
		cmocka_unit_test(test_fdm_count_both_ways),
		cmocka_unit_test(test_fdm_version),
		cmocka_unit_test(test_fdm_short),
		cmocka_unit_test(test_fdm_registered_above_count),
		cmocka_unit_test(test_fdm_partly_registered),
		cmocka_unit_test(test_fdm_header_addr),
		cmocka_unit_test(test_fdm_regions_out_of_order),
		cmocka_unit_test(test_fdm_no_regions),
		cmocka_unit_test(test_fdm_args),
		cmocka_unit_test(test_cpu_meta),
		cmocka_unit_test(test_cpu_meta_bad),
		cmocka_unit_test(test_hdat),
		cmocka_unit_test(test_hdat_other_type),
		cmocka_unit_test(test_hdat_thread_size),
		cmocka_unit_test(test_hdat_entries_outside),
		cmocka_unit_test(test_hdat_too_many_threads),
	};

	return cmocka_run_group_tests(tests, quiet_ctx_setup, quiet_ctx_teardown);
}

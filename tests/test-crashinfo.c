// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of the crash-info header decoder: every layout the
 * kernel has written (FADMPINF of 3.4 and 5.10, FADMPSIG version 1 of
 * 6.10+), both byte orders, a future version, and broken headers. The
 * fixtures are tests/data/metadata/crashinfo-*.bin, packed by
 * mkmetadata.py from fadump-internal.h / fadump.h; the numbers here come
 * from that script's constants and the README, not from the decoder.
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

#define SIG_LE "metadata/crashinfo-fadmpsig-le.bin"
#define SIG_BE "metadata/crashinfo-fadmpsig-be.bin"
#define SIG_V2 "metadata/crashinfo-fadmpsig-v2.bin"
#define INF_510 "metadata/crashinfo-fadmpinf-5.10-le.bin"
#define INF_34 "metadata/crashinfo-fadmpinf-3.4-be.bin"

/* fadumphdr_addr of the pseries-5.10 and pseries-3.4 capture roots */
#define INF_510_PHYS 0x28041020ULL
#define INF_34_PHYS 0xffff1020ULL

static void put_le32(unsigned char *b, size_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(b + off, &v, 4);
}

static struct fadump_crashinfo *parse_ok(struct fadump_ctx *ctx, const void *b,
					 size_t len,
					 const struct fadump_crashinfo_hint *hint)
{
	struct fadump_crashinfo *ci = NULL;

	assert_int_equal(fadump_crashinfo_parse(ctx, b, len, hint, &ci), 0);
	assert_non_null(ci);
	return ci;
}

static void parse_fails(struct fadump_ctx *ctx, const void *b, size_t len,
			const struct fadump_crashinfo_hint *hint, int err,
			const char *what)
{
	struct fadump_crashinfo *ci = (void *)1;

	assert_int_equal(fadump_crashinfo_parse(ctx, b, len, hint, &ci), err);
	assert_null(ci);
	if (!strstr(fadump_ctx_get_error(ctx), what))
		fail_msg("message \"%s\" lacks \"%s\"",
			 fadump_ctx_get_error(ctx), what);
}

static void get_info(const struct fadump_crashinfo *ci,
		     struct fadump_crashinfo_info *in)
{
	memset(in, 0xa5, sizeof(*in));
	in->size = sizeof(*in);
	assert_int_equal(fadump_crashinfo_get_info(ci, in), 0);
}

/* mkmetadata.py pt_regs(): GPR n = base + n, then fixed values. */
static void check_regs(const struct fadump_crashinfo *ci, uint64_t base)
{
	struct fadump_ppc64_regs r = { .size = sizeof(r) };

	assert_int_equal(fadump_crashinfo_get_regs(ci, &r), 0);
	for (unsigned int n = 0; n < 32; n++)
		assert_int_equal(r.gpr[n], base + n);
	assert_int_equal(r.nip, 0xc000000000123456ULL);
	assert_int_equal(r.msr, 0x8000000000009033ULL);
	assert_int_equal(r.orig_gpr3, 0x1234);
	assert_int_equal(r.ctr, 0xc000000000c7c000ULL);
	assert_int_equal(r.link, 0xc000000000111000ULL);
	assert_int_equal(r.xer, 0x20000000);
	assert_int_equal(r.ccr, 0x28002482);
	assert_int_equal(r.softe, 1);
	assert_int_equal(r.trap, 0x700);
	assert_int_equal(r.dar, 0xdead0000);
	assert_int_equal(r.dsisr, 0x42000000);
	assert_int_equal(r.result, 0);
}

static void check_sig_v1(struct fadump_ctx *ctx, const char *file,
			 enum fadump_byte_order order)
{
	struct fadump_crashinfo_info in;
	struct fadump_crashinfo *ci;
	const void *raw;
	size_t len, rawlen;
	unsigned char *b = fixture_load(file, &len);

	assert_int_equal(len, 680);
	ci = parse_ok(ctx, b, len, NULL);
	get_info(ci, &in);
	assert_int_equal(in.layout, FADUMP_CRASHINFO_FADMPSIG);
	assert_int_equal(in.version, 1);
	assert_int_equal(in.byte_order, order);
	assert_int_equal(in.crashing_cpu, 3);
	assert_int_equal(in.elfcorehdr_addr, 0);
	assert_int_equal(in.vmcoreinfo_addr, 0x3f1a0000);
	assert_int_equal(in.vmcoreinfo_size, 0x1000);
	assert_int_equal(in.pt_regs_size, 384);
	assert_int_equal(in.cpu_mask_size, 256);
	assert_int_equal(in.header_size, 0x28 + 384 + 256);
	check_regs(ci, 0xc000000001000000ULL);
	for (unsigned int cpu = 0; cpu < 8; cpu++)
		assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, cpu), 1);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 8), 0);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 2047), 0);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 2048), -ERANGE);
	assert_int_equal(fadump_crashinfo_raw(ci, &raw, &rawlen), 0);
	assert_int_equal(rawlen, 680);
	assert_memory_equal(raw, b, 680);
	fadump_crashinfo_unref(ci);
	free(b);
}

static void test_fadmpsig_le(void **state)
{
	check_sig_v1(*state, SIG_LE, FADUMP_BYTE_ORDER_LITTLE);
}

static void test_fadmpsig_be(void **state)
{
	check_sig_v1(*state, SIG_BE, FADUMP_BYTE_ORDER_BIG);
}

/* A longer buffer (a whole page read from memory) decodes the same. */
static void test_fadmpsig_in_page(void **state)
{
	struct fadump_crashinfo_info in;
	struct fadump_crashinfo *ci;
	size_t len, rawlen;
	unsigned char *b = fixture_load(SIG_LE, &len);
	unsigned char *page = calloc(1, 65536);

	assert_non_null(page);
	memcpy(page, b, len);
	ci = parse_ok(*state, page, 65536, NULL);
	get_info(ci, &in);
	assert_int_equal(in.header_size, 680);
	assert_int_equal(fadump_crashinfo_raw(ci, NULL, &rawlen), 0);
	assert_int_equal(rawlen, 680);
	fadump_crashinfo_unref(ci);
	free(page);
	free(b);
}

static void test_fadmpinf_510_no_hint(void **state)
{
	struct fadump_crashinfo_info in;
	struct fadump_crashinfo *ci;
	size_t len, rawlen;
	unsigned char *b = fixture_load(INF_510, &len);

	assert_int_equal(len, 0x18 + 368 + 256);
	ci = parse_ok(*state, b, len, NULL);
	get_info(ci, &in);
	assert_int_equal(in.layout, FADUMP_CRASHINFO_FADMPINF);
	assert_int_equal(in.version, 0);
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_LITTLE);
	assert_int_equal(in.crashing_cpu, 1);
	assert_int_equal(in.elfcorehdr_addr, INF_510_PHYS + 648);
	assert_int_equal(in.vmcoreinfo_addr, 0);
	assert_int_equal(in.pt_regs_size, 0);
	assert_int_equal(in.cpu_mask_size, 0);
	assert_int_equal(in.header_size, 0);
	check_regs(ci, 0xc000000004000000ULL);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 0), -ENODATA);
	assert_int_equal(fadump_crashinfo_raw(ci, NULL, &rawlen), 0);
	assert_int_equal(rawlen, len);
	fadump_crashinfo_unref(ci);
	free(b);
}

/* elfcorehdr_addr - phys = 648 = 0x18 + 368 + 256: only 368 leaves 2^n. */
static void test_fadmpinf_510_phys_hint(void **state)
{
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint),
					      .phys_addr = INF_510_PHYS };
	struct fadump_crashinfo_info in;
	struct fadump_crashinfo *ci;
	size_t len;
	unsigned char *b = fixture_load(INF_510, &len);

	ci = parse_ok(*state, b, len, &hint);
	get_info(ci, &in);
	assert_int_equal(in.pt_regs_size, 368);
	assert_int_equal(in.cpu_mask_size, 256);
	assert_int_equal(in.header_size, 648);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 0), 1);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 1), 1);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 2), 0);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 2048), -ERANGE);
	fadump_crashinfo_unref(ci);

	/* the caller knows sizeof(pt_regs) but not where the header was */
	hint.phys_addr = 0;
	hint.pt_regs_size = 368;
	ci = parse_ok(*state, b, len, &hint);
	get_info(ci, &in);
	assert_int_equal(in.pt_regs_size, 368);
	assert_int_equal(in.cpu_mask_size, 0);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 0), -ENODATA);
	fadump_crashinfo_unref(ci);

	/* a wrong address leaves the split undecided, it is no error */
	hint.phys_addr = INF_510_PHYS + 8;
	hint.pt_regs_size = 0;
	ci = parse_ok(*state, b, len, &hint);
	get_info(ci, &in);
	assert_int_equal(in.header_size, 0);
	fadump_crashinfo_unref(ci);

	/* a hint struct from a caller that knows only its size field */
	hint.size = sizeof(size_t);
	hint.phys_addr = INF_510_PHYS;
	ci = parse_ok(*state, b, len, &hint);
	get_info(ci, &in);
	assert_int_equal(in.header_size, 0);
	fadump_crashinfo_unref(ci);
	free(b);
}

static void test_fadmpinf_34_be(void **state)
{
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint),
					      .phys_addr = INF_34_PHYS };
	struct fadump_crashinfo_info in;
	struct fadump_crashinfo *ci;
	size_t len;
	unsigned char *b = fixture_load(INF_34, &len);

	ci = parse_ok(*state, b, len, &hint);
	get_info(ci, &in);
	assert_int_equal(in.layout, FADUMP_CRASHINFO_FADMPINF);
	assert_int_equal(in.byte_order, FADUMP_BYTE_ORDER_BIG);
	assert_int_equal(in.crashing_cpu, FADUMP_CRASHINFO_CPU_UNKNOWN);
	assert_int_equal(in.elfcorehdr_addr, INF_34_PHYS + 504);
	/* 480 = 352 + 128 (NR_CPUS 1024); 368 and 384 leave 112 and 96 */
	assert_int_equal(in.pt_regs_size, 352);
	assert_int_equal(in.cpu_mask_size, 128);
	assert_int_equal(in.header_size, 504);
	check_regs(ci, 0xc000000004000000ULL);
	for (unsigned int cpu = 0; cpu < 4; cpu++)
		assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, cpu), 1);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 4), 0);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 1023), 0);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(ci, 1024), -ERANGE);
	fadump_crashinfo_unref(ci);
	free(b);
}

static void test_future_version(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(SIG_V2, &len);

	parse_fails(*state, b, len, NULL, -EPROTONOSUPPORT,
		    "FADMPSIG version 2 (little-endian), this library knows version 1 only; 720 bytes given, not decoded");
	put_le32(b, 8, 0);
	parse_fails(*state, b, len, NULL, -EPROTONOSUPPORT, "FADMPSIG version 0");
	free(b);
}

static void test_too_short(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(SIG_LE, &len);
	unsigned char *inf = fixture_load(INF_510, &len);
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint),
					      .phys_addr = INF_510_PHYS };

	parse_fails(*state, b, 7, NULL, -EBADMSG,
		    "crash-info header: 7 bytes, too short for its 8-byte magic");
	parse_fails(*state, b, 10, NULL, -EBADMSG, "too short for its version field");
	parse_fails(*state, b, 0x27, NULL, -EBADMSG,
		    "FADMPSIG version 1 header of 39 bytes, shorter than its 40-byte fixed part");
	parse_fails(*state, b, 679, NULL, -EBADMSG,
		    "pt_regs_sz 384 and cpu_mask_sz 256 is 680 bytes, only 679 given");
	parse_fails(*state, inf, 0x18 + 351, NULL, -EBADMSG,
		    "FADMPINF header of 375 bytes, shorter than the 376 bytes");
	/* the address says 648 bytes, only 400 are there */
	parse_fails(*state, inf, 400, &hint, -EBADMSG,
		    "648 bytes by its sizes, only 400 given");
	free(inf);
	free(b);
}

static void test_bad_magic(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(SIG_LE, &len);

	memcpy(b, "FADMPXXX", 8);
	parse_fails(*state, b, len, NULL, -EBADMSG,
		    "magic bytes 46 41 44 4d 50 58 58 58 are neither \"FADMPINF\" nor \"FADMPSIG\"");
	free(b);
}

static void test_bad_sizes(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(SIG_LE, &len);
	unsigned char *inf = fixture_load(INF_510, &len);
	struct fadump_crashinfo_hint hint = { .size = sizeof(hint),
					      .pt_regs_size = 100 };

	put_le32(b, 32, 100);
	parse_fails(*state, b, 680, NULL, -EBADMSG, "pt_regs_sz 100 is not a multiple of 8 in [352, 4096]");
	put_le32(b, 32, 385);
	parse_fails(*state, b, 680, NULL, -EBADMSG, "pt_regs_sz 385");
	put_le32(b, 32, 0x10000000);
	parse_fails(*state, b, 680, NULL, -EBADMSG, "pt_regs_sz 268435456");
	put_le32(b, 32, 384);
	put_le32(b, 36, 0);
	parse_fails(*state, b, 680, NULL, -EBADMSG, "cpu_mask_sz 0 is not a multiple of 8 in [8, 8192]");
	put_le32(b, 36, 0xffffffff);
	parse_fails(*state, b, 680, NULL, -EBADMSG, "cpu_mask_sz 4294967295");
	parse_fails(*state, inf, len, &hint, -EBADMSG, "hint pt_regs_size 100");
	free(inf);
	free(b);
}

static void test_args(void **state)
{
	struct fadump_crashinfo_info in = { .size = 8 };
	struct fadump_ppc64_regs r = { .size = 8 };
	struct fadump_crashinfo *ci;
	size_t len;
	unsigned char *b = fixture_load(SIG_LE, &len);

	assert_int_equal(fadump_crashinfo_parse(NULL, b, len, NULL, &ci), -EINVAL);
	assert_int_equal(fadump_crashinfo_parse(*state, NULL, 8, NULL, &ci), -EINVAL);
	assert_int_equal(fadump_crashinfo_parse(*state, b, len, NULL, NULL), -EINVAL);
	ci = parse_ok(*state, b, len, NULL);
	assert_int_equal(fadump_crashinfo_get_info(ci, &in), -EINVAL);
	assert_int_equal(fadump_crashinfo_get_regs(ci, &r), -EINVAL);
	assert_ptr_equal(fadump_crashinfo_ref(ci), ci);
	fadump_crashinfo_unref(ci);
	fadump_crashinfo_unref(ci);
	assert_int_equal(fadump_crashinfo_cpu_in_mask(NULL, 0), -EINVAL);
	assert_string_equal(fadump_byte_order_name(FADUMP_BYTE_ORDER_BIG), "big-endian");
	assert_string_equal(fadump_byte_order_name(FADUMP_BYTE_ORDER_LITTLE), "little-endian");
	assert_string_equal(fadump_byte_order_name(FADUMP_BYTE_ORDER_AUTO), "unknown");
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fadmpsig_le),
		cmocka_unit_test(test_fadmpsig_be),
		cmocka_unit_test(test_fadmpsig_in_page),
		cmocka_unit_test(test_fadmpinf_510_no_hint),
		cmocka_unit_test(test_fadmpinf_510_phys_hint),
		cmocka_unit_test(test_fadmpinf_34_be),
		cmocka_unit_test(test_future_version),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_args),
	};

	return cmocka_run_group_tests(tests, quiet_ctx_setup, quiet_ctx_teardown);
}

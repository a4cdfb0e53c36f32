// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of the pseries register save area decoder. Fixtures:
 * tests/data/metadata/regsave-qemu.bin (QEMU's populate_cpu_reg_entries()
 * layout, 2 CPUs) and regsave-papr.bin (CPU count at PAPR's offset 0x1c,
 * 3 CPUs); see mkmetadata.py and the README there for every value. The
 * hostile variants are those bytes with one thing changed here.
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

#define QEMU_BLOB "metadata/regsave-qemu.bin"
#define PAPR_BLOB "metadata/regsave-papr.bin"

/* QEMU layout: 16-byte header, count at 16, entries from 20, 79 per CPU. */
#define QEMU_CPU1 (20 + 79 * 16)
#define QEMU_END (20 + 2 * 79 * 16)

/* fadump_str_to_u64() of the kernel, written out again for the tests. */
static uint64_t id(const char *s)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | (*s ? (unsigned char)*s++ : 0);
	return v;
}

static struct fadump_cpuregs *parse_ok(struct fadump_ctx *ctx, const void *b,
				       size_t len)
{
	struct fadump_cpuregs *rs = NULL;

	assert_int_equal(fadump_cpuregs_parse_rtas(ctx, b, len, &rs), 0);
	assert_non_null(rs);
	return rs;
}

static void parse_fails(struct fadump_ctx *ctx, const void *b, size_t len,
			int err, const char *what)
{
	struct fadump_cpuregs *rs = (void *)1;

	assert_int_equal(fadump_cpuregs_parse_rtas(ctx, b, len, &rs), err);
	assert_null(rs);
	if (!strstr(fadump_ctx_get_error(ctx), what))
		fail_msg("message \"%s\" lacks \"%s\"",
			 fadump_ctx_get_error(ctx), what);
}

static void get_cpu(const struct fadump_cpuregs *rs, unsigned int i,
		    struct fadump_cpu_state *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	assert_int_equal(fadump_cpuregs_get_cpu(rs, i, c), 0);
}

static void get_regs(const struct fadump_cpuregs *rs, unsigned int i,
		     struct fadump_ppc64_regs *r)
{
	memset(r, 0xa5, sizeof(*r));
	r->size = sizeof(*r);
	assert_int_equal(fadump_cpuregs_get_regs(rs, i, r), 0);
}

static void get_entry(const struct fadump_cpuregs *rs, unsigned int i,
		      unsigned int e, struct fadump_reg_entry *out)
{
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	assert_int_equal(fadump_cpuregs_get_entry(rs, i, e, out), 0);
}

/* Values from mkmetadata.py's qemu_value() and GPR formula. */
static void check_qemu_cpu(const struct fadump_cpuregs *rs, unsigned int i)
{
	struct fadump_ppc64_regs r;
	struct fadump_cpu_state c;

	get_cpu(rs, i, &c);
	assert_int_equal(c.id, i);
	assert_true(c.active);
	assert_int_equal(c.entries, 77);
	/* 22 + 23 named registers, of which CR CTR DAR DSISR LR MSR NIA XER map */
	assert_int_equal(c.ignored, 37);
	assert_int_equal(c.offset, i ? QEMU_CPU1 : 20);

	get_regs(rs, i, &r);
	for (unsigned int n = 0; n < 32; n++)
		assert_int_equal(r.gpr[n], 0xc000000002000000ULL + i * 0x100 + n);
	assert_int_equal(r.nip, 0xc000000000abc000ULL + i);
	assert_int_equal(r.msr, 0x8000000000001033ULL + i);
	assert_int_equal(r.ctr, 0xc000000000c7c000ULL + i);
	assert_int_equal(r.link, 0xc000000000111000ULL + i);
	assert_int_equal(r.xer, 0x20000000 + i);
	assert_int_equal(r.ccr, 0x28002482 + i);
	assert_int_equal(r.dar, 0xdead0000 + i);
	assert_int_equal(r.dsisr, 0x42000000 + i);
	/* not in the save area: zero, as rtas_fadump_read_regs() leaves them */
	assert_int_equal(r.orig_gpr3, 0);
	assert_int_equal(r.softe, 0);
	assert_int_equal(r.trap, 0);
	assert_int_equal(r.result, 0);
}

static void test_qemu(void **state)
{
	struct fadump_cpuregs *rs;
	struct fadump_reg_entry e;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	rs = parse_ok(*state, b, len);
	free(b);	/* the object has its own copy */
	assert_int_equal(fadump_cpuregs_format(rs), FADUMP_CPUREGS_RTAS);
	assert_int_equal(fadump_cpuregs_version(rs), 0);
	assert_int_equal(fadump_cpuregs_count(rs), 2);
	check_qemu_cpu(rs, 0);
	check_qemu_cpu(rs, 1);
	assert_int_equal(fadump_cpuregs_find(rs, 1), 1);
	assert_int_equal(fadump_cpuregs_find(rs, 7), -ENOENT);

	get_entry(rs, 0, 0, &e);
	assert_string_equal(e.name, "ACOP");
	assert_int_equal(e.id, id("ACOP"));
	assert_false(e.used);
	get_entry(rs, 0, 5, &e);
	assert_string_equal(e.name, "CR");
	assert_true(e.used);
	assert_int_equal(e.value, 0x28002482);
	get_entry(rs, 1, 22 + 31, &e);
	assert_string_equal(e.name, "GPR31");
	assert_int_equal(e.id, 0x4750523331000000ULL);
	assert_int_equal(e.value, 0xc000000002000000ULL + 0x100 + 31);
	assert_true(e.used);
	get_entry(rs, 1, 76, &e);
	assert_string_equal(e.name, "XER");
	assert_int_equal(fadump_cpuregs_get_entry(rs, 1, 77, &e), -ERANGE);
	assert_int_equal(fadump_cpuregs_get_entry(rs, 2, 0, &e), -ERANGE);
	fadump_cpuregs_unref(rs);
}

static void test_papr_spacing(void **state)
{
	struct fadump_ppc64_regs r;
	struct fadump_cpu_state c;
	struct fadump_cpuregs *rs;
	struct fadump_reg_entry e;
	size_t len;
	unsigned char *b = fixture_load(PAPR_BLOB, &len);
	static const unsigned int ids[] = { 0, 4, 8 };

	rs = parse_ok(*state, b, len);
	assert_int_equal(fadump_cpuregs_version(rs), 1);
	assert_int_equal(fadump_cpuregs_count(rs), 3);
	for (unsigned int i = 0; i < 3; i++) {
		get_cpu(rs, i, &c);
		/* the id is the low word of CPUSTRT's value only */
		assert_int_equal(c.id, ids[i]);
		assert_int_equal(c.entries, 8);
		assert_int_equal(c.ignored, 2);
		assert_int_equal(c.offset, 0x20 + i * 10 * 16);
		get_regs(rs, i, &r);
		assert_int_equal(r.nip, 0xc000000000100000ULL + i);
		assert_int_equal(r.msr, 0x8000000000009033ULL);
		assert_int_equal(r.gpr[0], 0x1000 + i);
		assert_int_equal(r.gpr[1], 0xc000000003fffe00ULL - i * 0x100);
		assert_int_equal(r.gpr[7], 0x7007);	/* "GPR7" */
		assert_int_equal(r.gpr[2], 0x2002);	/* "GPR+2" */
		assert_int_equal(r.gpr[3], 0);
	}
	assert_int_equal(fadump_cpuregs_find(rs, 8), 2);
	get_entry(rs, 2, 4, &e);
	assert_string_equal(e.name, "GPR7");
	assert_true(e.used);
	get_entry(rs, 2, 6, &e);
	assert_string_equal(e.name, "SRR0");
	assert_false(e.used);
	get_entry(rs, 2, 7, &e);
	assert_string_equal(e.name, "GPR32");
	assert_false(e.used);
	fadump_cpuregs_unref(rs);
	free(b);
}

/* One CPU with the given entries, count at 16. */
static unsigned char *one_cpu(const uint64_t (*ent)[2], size_t n, size_t *len)
{
	unsigned char *b;
	size_t p = 20;

	*len = 20 + (n + 2) * 16;
	b = calloc(1, *len);
	assert_non_null(b);
	put_be64(b, 0, id("REGSAVE"));
	put_be32(b, 12, 16);
	put_be32(b, 16, 1);
	put_be64(b, p, id("CPUSTRT"));
	put_be64(b, p + 8, 5);
	p += 16;
	for (size_t i = 0; i < n; i++, p += 16) {
		put_be64(b, p, ent[i][0]);
		put_be64(b, p + 8, ent[i][1]);
	}
	put_be64(b, p, id("CPUEND"));
	return b;
}

/* rtas_fadump_gpr_index(): kstrtoint() on the two bytes after "GPR". */
static void test_gpr_spellings(void **state)
{
	const uint64_t ent[][2] = {
		{ id("GPR-0"), 0xa },		/* kstrtoint("-0") = 0 */
		{ id("GPR-5"), 0xb },		/* -5: not a GPR */
		{ id("GPR5\n"), 0xc },		/* one trailing newline is fine */
		{ id("GPR 5"), 0xd },		/* no leading space */
		{ id("GPRxy"), 0xe },
		{ id("GPR03") | 0x41, 0xf },	/* the low 3 bytes are not looked at */
		{ 0x0102030405060708ULL, 0x10 },
	};
	struct fadump_ppc64_regs r;
	struct fadump_cpu_state c;
	struct fadump_cpuregs *rs;
	struct fadump_reg_entry e;
	size_t len;
	unsigned char *b = one_cpu(ent, 7, &len);

	rs = parse_ok(*state, b, len);
	get_cpu(rs, 0, &c);
	assert_int_equal(c.id, 5);
	assert_int_equal(c.entries, 7);
	assert_int_equal(c.ignored, 4);
	get_regs(rs, 0, &r);
	assert_int_equal(r.gpr[0], 0xa);
	assert_int_equal(r.gpr[5], 0xc);
	assert_int_equal(r.gpr[3], 0xf);
	get_entry(rs, 0, 6, &e);
	assert_string_equal(e.name, "0x0102030405060708");
	get_entry(rs, 0, 5, &e);
	assert_string_equal(e.name, "0x4750523033000041");
	assert_true(e.used);
	fadump_cpuregs_unref(rs);
	free(b);
}

static void test_zero_cpus(void **state)
{
	unsigned char b[20] = { 0 };
	struct fadump_cpuregs *rs;

	put_be64(b, 0, id("REGSAVE"));
	put_be32(b, 12, 16);
	rs = parse_ok(*state, b, sizeof(b));
	assert_int_equal(fadump_cpuregs_count(rs), 0);
	fadump_cpuregs_unref(rs);
}

static void test_short_header(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	parse_fails(*state, b, 15, -EBADMSG,
		    "register save area: 15 bytes, shorter than its 16-byte header");
	free(b);
}

static void test_bad_magic(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	b[0] = 'X';
	parse_fails(*state, b, len, -EBADMSG,
		    "magic 0x5845475341564500 is not \"REGSAVE\"");
	free(b);
}

static void test_swapped_magic(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);
	uint64_t le = htole64(id("REGSAVE"));

	memcpy(b, &le, 8);
	parse_fails(*state, b, len, -EBADMSG, "byte-swapped");
	free(b);
}

static void test_num_cpu_offset_outside(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be32(b, 12, 8);
	parse_fails(*state, b, len, -EBADMSG, "num_cpu_offset 8 is outside the 2560 bytes");
	put_be32(b, 12, (uint32_t)len - 3);
	parse_fails(*state, b, len, -EBADMSG, "num_cpu_offset 2557 is outside");
	put_be32(b, 12, 0xffffffff);
	parse_fails(*state, b, len, -EBADMSG, "num_cpu_offset 4294967295 is outside");
	free(b);
}

static void test_too_many_cpus(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be32(b, 16, 0xffffffff);
	parse_fails(*state, b, len, -E2BIG, "4294967295 CPUs, more than the 16384");
	put_be32(b, 16, 16385);
	parse_fails(*state, b, len, -E2BIG, "16385 CPUs");
	free(b);
}

static void test_count_exceeds_buffer(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be32(b, 16, 100);
	parse_fails(*state, b, len, -EBADMSG,
		    "100 CPUs need at least 3200 bytes of entries after the count at offset 16, only 2540 follow");
	/* room for a third CPU's markers, but no data for it */
	put_be32(b, 16, 3);
	parse_fails(*state, b, len, -EBADMSG,
		    "CPU 2 of 3: the area ends at offset 2548, before its CPUSTRT");
	free(b);
}

static void test_missing_cpuend_at_end(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	/* cut just before CPU 1's CPUEND */
	parse_fails(*state, b, QEMU_END - 16, -EBADMSG,
		    "CPU 1 of 2 (id 1, CPUSTRT at offset 1284): no CPUEND before the end of the area at offset 2532");
	free(b);
}

static void test_missing_cpuend_between(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be64(b, QEMU_CPU1 - 16, id("CPUENX"));
	parse_fails(*state, b, len, -EBADMSG,
		    "CPU 0 of 2 (id 0, CPUSTRT at offset 20): another CPUSTRT at offset 1284 before its CPUEND");
	free(b);
}

static void test_no_cpustrt(void **state)
{
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	put_be64(b, QEMU_CPU1, id("CPUSTRX"));
	parse_fails(*state, b, len, -EBADMSG,
		    "CPU 1 of 2: entry at offset 1284 is CPUSTRX, not CPUSTRT");
	free(b);
}

static void test_args_and_sizes(void **state)
{
	struct fadump_ppc64_regs r = { .size = FADUMP_PPC64_REGS_SIZE_V1 - 1 };
	struct fadump_cpu_state c = { .size = 4 };
	struct fadump_reg_entry e = { .size = 4 };
	struct fadump_cpuregs *rs;
	size_t len;
	unsigned char *b = fixture_load(QEMU_BLOB, &len);

	assert_int_equal(fadump_cpuregs_parse_rtas(NULL, b, len, &rs), -EINVAL);
	assert_int_equal(fadump_cpuregs_parse_rtas(*state, NULL, 16, &rs), -EINVAL);
	assert_int_equal(fadump_cpuregs_parse_rtas(*state, b, len, NULL), -EINVAL);
	rs = parse_ok(*state, b, len);
	assert_int_equal(fadump_cpuregs_get_regs(rs, 0, &r), -EINVAL);
	assert_int_equal(fadump_cpuregs_get_cpu(rs, 0, &c), -EINVAL);
	assert_int_equal(fadump_cpuregs_get_entry(rs, 0, 0, &e), -EINVAL);
	r.size = FADUMP_PPC64_REGS_SIZE_V1;
	assert_int_equal(fadump_cpuregs_get_regs(rs, 5, &r), -ERANGE);
	assert_int_equal(fadump_cpuregs_get_regs(rs, 1, &r), 0);
	assert_int_equal(r.size, FADUMP_PPC64_REGS_SIZE_V1);
	assert_int_equal(r.gpr[31], 0xc000000002000000ULL + 0x100 + 31);
	assert_ptr_equal(fadump_cpuregs_ref(rs), rs);
	fadump_cpuregs_unref(rs);
	assert_int_equal(fadump_cpuregs_count(rs), 2);
	fadump_cpuregs_unref(rs);
	assert_int_equal(fadump_cpuregs_count(NULL), 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu),
		cmocka_unit_test(test_papr_spacing),
		cmocka_unit_test(test_gpr_spellings),
		cmocka_unit_test(test_zero_cpus),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_swapped_magic),
		cmocka_unit_test(test_num_cpu_offset_outside),
		cmocka_unit_test(test_too_many_cpus),
		cmocka_unit_test(test_count_exceeds_buffer),
		cmocka_unit_test(test_missing_cpuend_at_end),
		cmocka_unit_test(test_missing_cpuend_between),
		cmocka_unit_test(test_no_cpustrt),
		cmocka_unit_test(test_args_and_sizes),
	};

	return cmocka_run_group_tests(tests, quiet_ctx_setup, quiet_ctx_teardown);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* White-box tests of the strict number parser every text parser uses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static int parse(const char *s, int base, uint64_t *out)
{
	return fadump_parse_u64(s, strlen(s), base, out);
}

static void test_kernel_formats(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse("0\n", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("335544320\n", 10, &v), 0);
	assert_int_equal(v, 335544320ULL);
	/* %#016llx: "0x" and 14 digits; the kernel prints "0x0" for zero. */
	assert_int_equal(parse("0x0000007ffa1020", 16, &v), 0);
	assert_int_equal(v, 0x7ffa1020ULL);
	assert_int_equal(parse("0x0", 16, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse("0xffffffffffffffff", 16, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("18446744073709551615", 10, &v), 0);
	assert_true(v == UINT64_MAX);
	/* Base 0 picks hex from the prefix, decimal otherwise. */
	assert_int_equal(parse("0x10", 0, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(parse("10", 0, &v), 0);
	assert_int_equal(v, 10);
}

static void test_rejects(void **state)
{
	static const char *bad[] = {
		"", "\n", "0x", "-1", "+1", " 1", "1 ", "1\n\n", "1x", "0x1g",
		"12a", "\xff",
	};
	uint64_t v = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], 10, &v), -EINVAL);
	assert_int_equal(parse("0xg", 16, &v), -EINVAL);
	/* Decimal parse must not accept hex digits. */
	assert_int_equal(parse("ff", 10, &v), -EINVAL);
	/* Untouched on failure. */
	assert_int_equal(v, 42);
}

static void test_overflow(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse("18446744073709551616", 10, &v), -ERANGE);
	assert_int_equal(parse("0x10000000000000000", 16, &v), -ERANGE);
	assert_int_equal(parse("99999999999999999999999", 10, &v), -ERANGE);
}

static void test_not_nul_terminated(void **state)
{
	const char buf[] = { '1', '2', '3', '4' };
	uint64_t v;

	(void)state;
	/* Only the given length is looked at. */
	assert_int_equal(fadump_parse_u64(buf, 2, 10, &v), 0);
	assert_int_equal(v, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_formats),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_not_nul_terminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

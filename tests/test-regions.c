// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of the debugfs region report parser. Every expected
 * number below was worked out by hand from the text the kernel prints
 * (end = start + size - 1, as its seq_printf() calls compute it), not
 * taken from the parser's output.
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

#define REGION_FILE "sys/kernel/debug/powerpc/fadump_region"

struct want {
	enum fadump_region_type type;
	const char *name;
	unsigned int raw_type;
	uint64_t start, end, length, dumped;
	bool has_source;
	uint64_t source;
};

/* Whole fixture file tests/data/regions/<name>, malloc()ed. */
static char *slurp(const char *name, size_t *len)
{
	char rel[128];
	FILE *f;
	char *buf;
	long n;

	snprintf(rel, sizeof(rel), "regions/%s", name);
	f = fopen(fixture_path(rel), "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct fadump_regions *parse_fixture(struct fadump_ctx *ctx,
					    const char *name)
{
	struct fadump_regions *regs = NULL;
	size_t len;
	char *text = slurp(name, &len);

	assert_int_equal(fadump_regions_parse(ctx, text, len, &regs), 0);
	assert_non_null(regs);
	free(text);
	return regs;
}

static struct fadump_regions *parse_str(struct fadump_ctx *ctx,
					const char *text)
{
	struct fadump_regions *regs = NULL;

	assert_int_equal(fadump_regions_parse(ctx, text, strlen(text), &regs), 0);
	assert_non_null(regs);
	return regs;
}

static void check_region(const struct fadump_regions *regs, unsigned int idx,
			 const struct want *w)
{
	struct fadump_region r;

	memset(&r, 0x5a, sizeof(r));
	r.size = sizeof(r);
	assert_int_equal(fadump_regions_get(regs, idx, &r), 0);
	assert_int_equal(r.size, sizeof(r));
	assert_int_equal(r.type, w->type);
	assert_string_equal(r.name, w->name);
	assert_int_equal(r.raw_type, w->raw_type);
	assert_true(r.start == w->start);
	assert_true(r.end == w->end);
	assert_true(r.length == w->length);
	assert_true(r.dumped == w->dumped);
	assert_int_equal(r.has_source, w->has_source);
	if (w->has_source)
		assert_true(r.source == w->source);
}

static void check_regions(const struct fadump_regions *regs,
			  const struct want *w, unsigned int n)
{
	assert_int_equal(fadump_regions_count(regs), n);
	for (unsigned int i = 0; i < n; i++)
		check_region(regs, i, &w[i]);
}

/*
 * Parse must fail with @errnum, hand back nothing, and say which line
 * and quote (part of) it: @snippet must appear in the message.
 */
static void expect_bad_len(struct fadump_ctx *ctx, const char *text,
			   size_t len, int errnum, unsigned int lineno,
			   const char *snippet)
{
	struct fadump_regions *regs = NULL;
	char where[32];
	const char *msg;

	assert_int_equal(fadump_regions_parse(ctx, text, len, &regs), errnum);
	assert_null(regs);
	msg = fadump_ctx_get_error(ctx);
	snprintf(where, sizeof(where), "line %u: ", lineno);
	if (!strstr(msg, where) || (snippet && !strstr(msg, snippet)))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", msg, where,
			 snippet ? snippet : "");
}

static void expect_bad(struct fadump_ctx *ctx, const char *text, int errnum,
		       unsigned int lineno, const char *snippet)
{
	expect_bad_len(ctx, text, strlen(text), errnum, lineno, snippet);
}

/* ---------------------------------------------------------------- */
/* Every generation the kernel has printed                          */
/* ---------------------------------------------------------------- */

static void test_g1_capture(void **state)
{
	/*
	 * 3.4 - 5.4 capture kernel (the reference's illustrative output):
	 * CPU 0x7ff60000 + 0x40020 - 1 = 0x7ffa001f, HPTE 0x7ffa0020 +
	 * 0x1000 - 1 = 0x7ffa101f, DUMP 0x7ffa1020 + 0x10000000 - 1 =
	 * 0x8ffa101f, held [reserve start 0x10000000, CPU dest - 1].
	 */
	static const struct want w[] = {
		{ FADUMP_REGION_CPU, "CPU", 0, 0x7ff60000, 0x7ffa001f,
		  0x40020, 0x40020, false, 0 },
		{ FADUMP_REGION_HPTE, "HPTE", 0, 0x7ffa0020, 0x7ffa101f,
		  0x1000, 0x1000, false, 0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x7ffa1020, 0x8ffa101f,
		  0x10000000, 0x10000000, false, 0 },
		{ FADUMP_REGION_HELD, "", 0, 0x10000000, 0x7ff5ffff,
		  0x6ff60000, 0x6ff60000, false, 0 },
	};
	struct fadump_regions *regs = parse_fixture(*state, "g1-capture.txt");
	uint64_t addr = 42, s = 1, e = 2;

	check_regions(regs, w, 4);
	/* 2011 kernels print neither of these lines. */
	assert_int_equal(fadump_regions_reserved_above(regs, &addr), -ENOENT);
	assert_true(addr == 42);
	assert_null(fadump_regions_cmdline_append(regs, &s, &e));
	fadump_regions_unref(regs);
}

static void test_g3_capture(void **state)
{
	/* DUMP: Dest 0x40050000 + Size 0x40000000 - 1 = 0x8004ffff. */
	static const struct want w[] = {
		{ FADUMP_REGION_CPU, "CPU", 0, 0x40000000, 0x4004001f,
		  0x40020, 0x40020, false, 0 },
		{ FADUMP_REGION_HPTE, "HPTE", 0, 0x40040020, 0x4004101f,
		  0x1000, 0x1000, false, 0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x40050000, 0x8004ffff,
		  0x40000000, 0x40000000, true, 0 },
	};
	struct fadump_regions *regs = parse_fixture(*state, "g3-capture.txt");
	uint64_t addr = 0;

	check_regions(regs, w, 3);
	assert_int_equal(fadump_regions_reserved_above(regs, &addr), 0);
	assert_true(addr == 0x40000000);
	assert_null(fadump_regions_cmdline_append(regs, NULL, NULL));
	fadump_regions_unref(regs);
}

static void test_g4_first_kernel(void **state)
{
	static const struct want w[] = {
		{ FADUMP_REGION_CPU, "CPU", 0, 0x40000000, 0x4004001f,
		  0x40020, 0, false, 0 },
		{ FADUMP_REGION_HPTE, "HPTE", 0, 0x40040020, 0x4004101f,
		  0x1000, 0, false, 0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x40050000, 0x8004ffff,
		  0x40000000, 0, true, 0 },
	};
	struct fadump_regions *regs = parse_fixture(*state, "g4-first.txt");
	uint64_t s = 0, e = 0;
	const char *args;

	check_regions(regs, w, 3);
	/* First kernel: no dump active, so no "Memory above" line. */
	assert_int_equal(fadump_regions_reserved_above(regs, NULL), -ENOENT);
	args = fadump_regions_cmdline_append(regs, &s, &e);
	assert_non_null(args);
	assert_string_equal(args, "nr_cpus=16 numa=off");
	assert_true(s == 0x30000000);
	assert_true(e == 0x300007ff);
	fadump_regions_unref(regs);
}

static void test_g5_seven_boot_regions(void **state)
{
	/* Dest + Size - 1 for each, worked out by hand. */
	static const struct want w[] = {
		{ FADUMP_REGION_CPU, "CPU", 0, 0x100000000, 0x10004001f,
		  0x40020, 0x40020, false, 0 },
		{ FADUMP_REGION_HPTE, "HPTE", 0, 0x100040020, 0x10004101f,
		  0x1000, 0x1000, false, 0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x100050000, 0x11004ffff,
		  0x10000000, 0x10000000, true, 0x0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x110050000, 0x12004ffff,
		  0x10000000, 0x10000000, true, 0x20000000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x120050000, 0x12804ffff,
		  0x8000000, 0x8000000, true, 0x40000000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x128050000, 0x13004ffff,
		  0x8000000, 0x8000000, true, 0x50000000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x130050000, 0x14004ffff,
		  0x10000000, 0x10000000, true, 0x60000000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x140050000, 0x14404ffff,
		  0x4000000, 0x4000000, true, 0x80000000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x144050000, 0x14804ffff,
		  0x4000000, 0x4000000, true, 0x90000000 },
	};
	struct fadump_regions *regs =
		parse_fixture(*state, "g5-capture-7dump.txt");
	uint64_t addr = 0;

	check_regions(regs, w, 9);
	assert_int_equal(fadump_regions_reserved_above(regs, &addr), 0);
	assert_true(addr == 0x94000000);
	assert_string_equal(fadump_regions_cmdline_append(regs, NULL, NULL),
			    "nr_cpus=16 numa=off cgroup_disable=memory");
	fadump_regions_unref(regs);
}

static void test_opal_capture(void **state)
{
	/*
	 * 8 GiB of boot memory in OPAL's 0xffff0000-byte chunks:
	 * 0x200000000 + 0xffff0000 - 1 = 0x2fffeffff,
	 * 0x2ffff0000 + 0xffff0000 - 1 = 0x3fffdffff,
	 * 0x3fffe0000 + 0x20000 - 1 = 0x3ffffffff.
	 */
	static const struct want w[] = {
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x200000000, 0x2fffeffff,
		  0xffff0000, 0xffff0000, true, 0x0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x2ffff0000, 0x3fffdffff,
		  0xffff0000, 0xffff0000, true, 0xffff0000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x3fffe0000, 0x3ffffffff,
		  0x20000, 0x20000, true, 0x1fffe0000 },
	};
	struct fadump_regions *regs = parse_fixture(*state, "opal-capture.txt");
	uint64_t addr = 0;

	check_regions(regs, w, 3);
	assert_int_equal(fadump_regions_reserved_above(regs, &addr), 0);
	assert_true(addr == 0x200000000);
	fadump_regions_unref(regs);
}

static void test_empty(void **state)
{
	struct fadump_regions *regs = parse_fixture(*state, "empty.txt");
	struct fadump_region r = { .size = sizeof(r) };

	/* fadump disabled: the kernel prints nothing, which is no error. */
	assert_int_equal(fadump_regions_count(regs), 0);
	assert_int_equal(fadump_regions_get(regs, 0, &r), -ERANGE);
	assert_int_equal(fadump_regions_reserved_above(regs, NULL), -ENOENT);
	fadump_regions_unref(regs);

	regs = NULL;
	assert_int_equal(fadump_regions_parse(*state, NULL, 0, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 0);
	fadump_regions_unref(regs);

	regs = parse_str(*state, "\n\n");
	assert_int_equal(fadump_regions_count(regs), 0);
	fadump_regions_unref(regs);
}

static void test_unknown_run_on(void **state)
{
	/*
	 * 6.10+: an unknown section type prints "... Dest: %#016llx, " with
	 * no newline, so the next record shares its line; the param area
	 * and "Memory above" start with "\n" and so begin a line; the last
	 * record may leave the file without a final newline.
	 */
	static const char text[] =
		"CPU :[0x00000040000000-0x0000004004001f] 0x40020 bytes, Dumped: 0x0\n"
		"Unknown region type 512 : Src: 0x00000000001000, Dest: 0x00000040060000, "
		"DUMP: Src: 0x00000000000000, Dest: 0x00000040070000, Size: 0x40000000, Dumped: 0x0 bytes\n"
		"Unknown region type 4660 : Src: 0x00000000002000, Dest: 0x00000080070000, "
		"Unknown region type 0 : Src: 0x00000000000000, Dest: 0x00000000000000, \n"
		"[0x00000030000000-0x000000300007ff]: cmdline append: ''\n"
		"Unknown region type 65535 : Src: 0x00000000003000, Dest: 0x00000080080000, ";
	/* No size printed: length 0, so end = start - 1 (empty range). */
	static const struct want w[] = {
		{ FADUMP_REGION_CPU, "CPU", 0, 0x40000000, 0x4004001f,
		  0x40020, 0, false, 0 },
		{ FADUMP_REGION_UNKNOWN, "UNKNOWN", 512, 0x40060000, 0x4005ffff,
		  0, 0, true, 0x1000 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0x40070000, 0x8006ffff,
		  0x40000000, 0, true, 0 },
		{ FADUMP_REGION_UNKNOWN, "UNKNOWN", 4660, 0x80070000, 0x8006ffff,
		  0, 0, true, 0x2000 },
		{ FADUMP_REGION_UNKNOWN, "UNKNOWN", 0, 0, UINT64_MAX,
		  0, 0, true, 0 },
		{ FADUMP_REGION_UNKNOWN, "UNKNOWN", 65535, 0x80080000, 0x8007ffff,
		  0, 0, true, 0x3000 },
	};
	struct fadump_regions *regs = parse_str(*state, text);
	const char *args;

	check_regions(regs, w, 6);
	/* An empty param area is still a param area. */
	args = fadump_regions_cmdline_append(regs, NULL, NULL);
	assert_non_null(args);
	assert_string_equal(args, "");
	fadump_regions_unref(regs);
}

static void test_cmdline_quotes(void **state)
{
	static const struct {
		const char *line;
		const char *args;
	} cases[] = {
		{ "[0x00000030000000-0x000000300007ff]: cmdline append: 'init=/bin/sh  quiet a=\"b c\"'",
		  "init=/bin/sh  quiet a=\"b c\"" },
		/* The string runs to the last quote on the line. */
		{ "[0x00000030000000-0x000000300007ff]: cmdline append: 'x='it' y'",
		  "x='it' y" },
		{ "[0x00000030000000-0x000000300007ff]: cmdline append: 'a''",
		  "a'" },
		{ "[0x00000030000000-0x000000300007ff]: cmdline append: '''",
		  "'" },
	};
	uint64_t s, e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fadump_regions *regs = parse_str(*state, cases[i].line);

		assert_int_equal(fadump_regions_count(regs), 0);
		assert_string_equal(fadump_regions_cmdline_append(regs, &s, &e),
				    cases[i].args);
		assert_true(s == 0x30000000 && e == 0x300007ff);
		fadump_regions_unref(regs);
	}
}

static void test_number_edges(void **state)
{
	/*
	 * QEMU advertises a 0-byte HPTE section: the kernel then prints
	 * end = dest - 1. The kernel prints zero as "0x0", and a range may
	 * end exactly at the top of the 64-bit space.
	 */
	static const char text[] =
		"HPTE:[0x00000040040020-0x0000004004001f] 0x0 bytes, Dumped: 0x0\n"
		"CPU :[0x0-0x0] 0x1 bytes, Dumped: 0x0\n"
		"DUMP: Src: 0x0, Dest: 0xffffffffffff0000, Size: 0x10000, Dumped: 0xffffffffffffffff bytes\n";
	static const struct want w[] = {
		{ FADUMP_REGION_HPTE, "HPTE", 0, 0x40040020, 0x4004001f,
		  0, 0, false, 0 },
		{ FADUMP_REGION_CPU, "CPU", 0, 0, 0, 1, 0, false, 0 },
		{ FADUMP_REGION_DUMP, "DUMP", 0, 0xffffffffffff0000ULL,
		  UINT64_MAX, 0x10000, UINT64_MAX, true, 0 },
	};
	struct fadump_regions *regs = parse_str(*state, text);

	check_regions(regs, w, 3);
	fadump_regions_unref(regs);
}

/* ---------------------------------------------------------------- */
/* Hostile input                                                    */
/* ---------------------------------------------------------------- */

#define CPU_LINE "CPU :[0x00000040000000-0x0000004004001f] 0x40020 bytes, Dumped: 0x0\n"
#define HPTE_LINE "HPTE:[0x00000040040020-0x0000004004101f] 0x1000 bytes, Dumped: 0x0\n"

static void test_bad_truncated(void **state)
{
	expect_bad(*state, CPU_LINE "HPTE:[0x00000040040020-0x0000004004101f] 0x1000 bytes, Dum",
		   -EBADMSG, 2, "HPTE:[0x00000040040020");
	expect_bad(*state, "CPU :[0x1-", -EBADMSG, 1, "\"CPU :[0x1-\"");
	expect_bad(*state, CPU_LINE HPTE_LINE "DUMP: Src: 0x0, Dest: 0x40050000, Size:",
		   -EBADMSG, 3, "expected \", Size: \"");
	expect_bad(*state, "Memory above 0x40000000 is reserved", -EBADMSG, 1,
		   "Memory above");
	expect_bad(*state, "Unknown region type 7 : Src: 0x0, Dest: 0x0", -EBADMSG,
		   1, "expected \", \"");
	/* The unnamed 2011 line cut down to its indentation. */
	expect_bad(*state, "    ", -EBADMSG, 1, "column 1");
}

static void test_bad_numbers(void **state)
{
	/* Not hex: the number stops at 'g', then '-' is missing. */
	expect_bad(*state, "CPU :[0x0000004000000g-0x0000004004001f] 0x40020 bytes, Dumped: 0x0",
		   -EBADMSG, 1, "expected \"-\" at column 22");
	expect_bad(*state, CPU_LINE "DUMP: Src: zz, Dest: 0x0, Size: 0x1, Dumped: 0x0 bytes",
		   -EBADMSG, 2, "hex number at column 12");
	/* Decimal where the kernel prints %#llx. */
	expect_bad(*state, "CPU :[1073741824-0x0000004004001f] 0x40020 bytes, Dumped: 0x0",
		   -EBADMSG, 1, "0x hex number at column 7");
	expect_bad(*state, "CPU :[0x-0x1] 0x1 bytes, Dumped: 0x0", -EBADMSG, 1,
		   "hex digits");
	/* Does not fit in 64 bits. */
	expect_bad(*state, "\nMemory above 0x10000000000000000 is reserved for saving crash dump\n",
		   -EBADMSG, 2, "does not fit in 64 bits");
	/* A section type is a be16. */
	expect_bad(*state, "Unknown region type 65536 : Src: 0x0, Dest: 0x0, ",
		   -EBADMSG, 1, "65536");
	expect_bad(*state, "Unknown region type -1 : Src: 0x0, Dest: 0x0, ",
		   -EBADMSG, 1, "decimal digits");
}

static void test_bad_ranges(void **state)
{
	/* end must be start + size - 1: 0x40000000 + 0x40020 - 1 = 0x4004001f */
	expect_bad(*state, CPU_LINE "CPU :[0x00000040000000-0x00000040040020] 0x40020 bytes, Dumped: 0x0",
		   -EBADMSG, 2, "is not start + size - 1 = 0x4004001f");
	expect_bad(*state, "HPTE: [0x10-0x10] 0x0 bytes, Dumped: 0x0",
		   -EBADMSG, 1, "is not start + size - 1");
	/* Wraps: the modular sum would match, the range is still nonsense. */
	expect_bad(*state, "CPU :[0xfffffffffffffff0-0xf] 0x20 bytes, Dumped: 0x0",
		   -EBADMSG, 1, "wraps");
	expect_bad(*state, "DUMP: Src: 0x0, Dest: 0xffffffffffff0000, Size: 0x10001, Dumped: 0x0 bytes",
		   -EBADMSG, 1, "destination range");
	expect_bad(*state, "DUMP: Src: 0xffffffffffffff00, Dest: 0x0, Size: 0x200, Dumped: 0x0 bytes",
		   -EBADMSG, 1, "source range");
	expect_bad(*state, "[0x00000030000800-0x000000300007ff]: cmdline append: 'x'",
		   -EBADMSG, 1, "below its start");
}

static void test_bad_lines(void **state)
{
	/* Trailing text, a CR line ending, a kind of line no kernel prints. */
	expect_bad(*state, CPU_LINE HPTE_LINE "DUMP: Src: 0x0, Dest: 0x40050000, Size: 0x1, Dumped: 0x0 bytes junk\n",
		   -EBADMSG, 3, "after the record at column 63");
	expect_bad(*state, "CPU :[0x00000040000000-0x0000004004001f] 0x40020 bytes, Dumped: 0x0\r\n",
		   -EBADMSG, 1, "after the record at column 68");
	expect_bad(*state, CPU_LINE HPTE_LINE "RMR : [0x0-0x0] 0x1 bytes, Dumped: 0x0\n",
		   -EBADMSG, 3, "no region record");
	expect_bad(*state, "DUMP:[0x0-0x0] 0x1 bytes, Dumped: 0x0", -EBADMSG, 1,
		   "no region record");
	expect_bad(*state, "   \n", -EBADMSG, 1, "no region record");
	/* "Memory above" and the param area are printed after a newline. */
	expect_bad(*state, "Unknown region type 7 : Src: 0x0, Dest: 0x0, Memory above 0x0 is reserved for saving crash dump",
		   -EBADMSG, 1, "column 46");
	/* Nothing may follow a record that ends its line. */
	expect_bad(*state, "DUMP: Src: 0x0, Dest: 0x1, Size: 0x1, Dumped: 0x0 bytesDUMP: Src: 0x0, Dest: 0x2, Size: 0x1, Dumped: 0x0 bytes",
		   -EBADMSG, 1, "after the record");
	/* The API can report one of each. */
	expect_bad(*state, "\nMemory above 0x40000000 is reserved for saving crash dump\n\nMemory above 0x40000000 is reserved for saving crash dump\n",
		   -EBADMSG, 4, "first on line 2");
	expect_bad(*state, "[0x0-0x7ff]: cmdline append: 'a'\n[0x0-0x7ff]: cmdline append: 'b'\n",
		   -EBADMSG, 2, "first on line 1");
	/* A param area without its closing quote (or with text after it). */
	expect_bad(*state, "[0x0-0x7ff]: cmdline append: 'abc", -EBADMSG, 1,
		   "closing quote");
	expect_bad(*state, "[0x0-0x7ff]: cmdline append: 'abc' x", -EBADMSG, 1,
		   "closing quote");
	expect_bad(*state, "[0x0-0x7ff]: cmdline append: ", -EBADMSG, 1,
		   "expected \"]: cmdline append: '\"");
	/* A newline inside the appended arguments cannot be told apart. */
	expect_bad(*state, "[0x0-0x7ff]: cmdline append: 'a\nb'\n", -EBADMSG, 1,
		   "closing quote");
}

static void test_bad_binary(void **state)
{
	static const char garbage[] = "\x7f" "ELF\x02\x01\x01\xde\xad\xbe\xef\x80\xff";
	static const char nul[] = CPU_LINE "HPTE:[0x00000040040020\0-0x0000004004101f] 0x1000 bytes, Dumped: 0x0\n";

	/* Non-printable bytes are quoted escaped, never copied raw. */
	expect_bad(*state, garbage, -EBADMSG, 1, "\\x7fELF\\x02");
	expect_bad_len(*state, nul, sizeof(nul) - 1, -EBADMSG, 2,
		       "NUL byte at column 23");
	/* A NUL on an otherwise blank line is no blank line. */
	expect_bad_len(*state, CPU_LINE "\0\n", sizeof(CPU_LINE "\0\n") - 1,
		       -EBADMSG, 2, "NUL byte at column 1");
}

static void test_bad_sizes(void **state)
{
	static const char head[] = "[0x00000030000000-0x000000300007ff]: cmdline append: '";
	static char buf[sizeof(head) + 5000 + 2];
	size_t n = 5000, hl = sizeof(head) - 1;
	char *many;
	size_t len = 0, len128 = 0;
	struct fadump_regions *regs = NULL;

	/* The param-area string is < 2048 bytes; a 5000-byte one is not. */
	memcpy(buf, head, hl);
	memset(buf + hl, 'a', n);
	memcpy(buf + hl + n, "'\n", 3);
	expect_bad(*state, buf, -EBADMSG, 1, "longer than 4096 bytes");
	/* A 2047-byte string, the most the kernel keeps, is fine. */
	memcpy(buf + hl + 2047, "'\n", 3);
	regs = parse_str(*state, buf);
	assert_int_equal(strlen(fadump_regions_cmdline_append(regs, NULL, NULL)), 2047);
	regs = fadump_regions_unref(regs);

	/* powernv prints at most 128 regions; the 129th is refused. */
	many = malloc(130 * 128);
	assert_non_null(many);
	for (int i = 0; i < 129; i++) {
		if (i == 128)
			len128 = len;
		/* The kernel's %#016llx; glibc's drops the "0x" for zero. */
		len += (size_t)sprintf(many + len,
			"DUMP: Src: 0x%014llx, Dest: 0x%014llx, Size: 0x10000, Dumped: 0x0 bytes\n",
			(unsigned long long)i << 16,
			0x100000000ULL + ((unsigned long long)i << 16));
	}
	expect_bad_len(*state, many, len, -E2BIG, 129, "more than 128 regions");
	/* Exactly 128 parse; the last one is Dest 0x100000000 + 127 * 0x10000. */
	assert_int_equal(fadump_regions_parse(*state, many, len128, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 128);
	check_region(regs, 127, &(struct want){ FADUMP_REGION_DUMP, "DUMP", 0,
		     0x1007f0000, 0x1007fffff, 0x10000, 0, true, 0x7f0000 });
	regs = fadump_regions_unref(regs);
	free(many);

	/* More text than any kernel writes is refused before parsing. */
	many = calloc(1, 64 * 1024 + 1);
	assert_non_null(many);
	memset(many, '\n', 64 * 1024 + 1);
	assert_int_equal(fadump_regions_parse(*state, many, 64 * 1024 + 1, &regs), -E2BIG);
	assert_null(regs);
	assert_non_null(strstr(fadump_ctx_get_error(*state), "65537 bytes"));
	/* 64 KiB of blank lines is still an empty report. */
	assert_int_equal(fadump_regions_parse(*state, many, 64 * 1024, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 0);
	fadump_regions_unref(regs);
	free(many);
}

static void test_bad_arguments(void **state)
{
	struct fadump_regions *regs = NULL;

	assert_int_equal(fadump_regions_parse(*state, NULL, 5, &regs), -EINVAL);
	assert_null(regs);
	assert_int_equal(fadump_regions_parse(*state, "", 0, NULL), -EINVAL);
	assert_int_equal(fadump_regions_parse(NULL, "", 0, &regs), -EINVAL);
	assert_int_equal(fadump_regions_read(*state, NULL), -EINVAL);
	assert_int_equal(fadump_regions_count(NULL), 0);
	assert_null(fadump_regions_cmdline_append(NULL, NULL, NULL));
	assert_null(fadump_regions_unref(NULL));
}

/* ---------------------------------------------------------------- */
/* Accessors                                                        */
/* ---------------------------------------------------------------- */

static void test_get_sizes(void **state)
{
	struct fadump_regions *regs = parse_fixture(*state, "g3-capture.txt");
	struct fadump_region r;
	struct {
		struct fadump_region r;
		unsigned char newer[16];	/* a later library's fields */
	} big;

	memset(&r, 0, sizeof(r));
	r.size = FADUMP_REGION_SIZE_V1 - 1;
	assert_int_equal(fadump_regions_get(regs, 0, &r), -EINVAL);
	r.size = 0;
	assert_int_equal(fadump_regions_get(regs, 0, &r), -EINVAL);
	assert_int_equal(fadump_regions_get(regs, 0, NULL), -EINVAL);

	r.size = FADUMP_REGION_SIZE_V1;
	assert_int_equal(fadump_regions_get(regs, 3, &r), -ERANGE);
	assert_int_equal(fadump_regions_get(regs, UINT32_MAX, &r), -ERANGE);
	assert_int_equal(fadump_regions_get(regs, 2, &r), 0);
	assert_int_equal(r.size, FADUMP_REGION_SIZE_V1);
	assert_true(r.start == 0x40050000 && r.length == 0x40000000);
	assert_true(r.has_source && r.source == 0);

	/* A caller's struct larger than ours: the tail stays untouched. */
	memset(&big, 0xa5, sizeof(big));
	big.r.size = sizeof(big);
	assert_int_equal(fadump_regions_get(regs, 1, &big.r), 0);
	assert_int_equal(big.r.size, sizeof(big));
	assert_int_equal(big.r.type, FADUMP_REGION_HPTE);
	assert_true(big.r.end == 0x4004101f);
	for (size_t i = 0; i < sizeof(big.newer); i++)
		assert_int_equal(big.newer[i], 0xa5);
	fadump_regions_unref(regs);
}

static void test_ref_unref(void **state)
{
	struct fadump_regions *regs = parse_fixture(*state, "g4-first.txt");
	const char *args = fadump_regions_cmdline_append(regs, NULL, NULL);

	assert_ptr_equal(fadump_regions_ref(regs), regs);
	assert_null(fadump_regions_unref(regs));
	/* Still alive on the second reference, strings included. */
	assert_int_equal(fadump_regions_count(regs), 3);
	assert_string_equal(args, "nr_cpus=16 numa=off");
	assert_null(fadump_regions_unref(regs));
}

/* ---------------------------------------------------------------- */
/* Reading the file under a root                                    */
/* ---------------------------------------------------------------- */

static char *scratch_root(void)
{
	char tmpl[] = "/tmp/fadump-test-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

static struct fadump_ctx *root_ctx(const char *root)
{
	struct fadump_ctx *ctx;

	assert_int_equal(fadump_ctx_new(root, &ctx), 0);
	fadump_ctx_set_log_fn(ctx, NULL, NULL);
	return ctx;
}

static void test_read(void **state)
{
	char *root = scratch_root();
	struct fadump_ctx *ctx = root_ctx(root);
	struct fadump_regions *regs = NULL;
	size_t len;
	char *text = slurp("g5-capture-7dump.txt", &len);
	uint64_t addr = 0;

	(void)state;
	scratch_write(root, REGION_FILE, text, len);
	assert_int_equal(fadump_regions_read(ctx, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 9);
	check_region(regs, 8, &(struct want){ FADUMP_REGION_DUMP, "DUMP", 0,
		     0x144050000, 0x14804ffff, 0x4000000, 0x4000000, true,
		     0x90000000 });
	assert_int_equal(fadump_regions_reserved_above(regs, &addr), 0);
	assert_true(addr == 0x94000000);
	regs = fadump_regions_unref(regs);

	/* fadump disabled: an empty file. */
	scratch_write(root, REGION_FILE, "", 0);
	assert_int_equal(fadump_regions_read(ctx, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 0);
	fadump_regions_unref(regs);

	free(text);
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

static void test_read_errors(void **state)
{
	char *root = scratch_root();
	struct fadump_ctx *ctx = root_ctx(root);
	struct fadump_regions *regs = NULL;
	const char *msg;
	char *huge;

	(void)state;
	/* debugfs not mounted, or no fadump. */
	assert_int_equal(fadump_regions_read(ctx, &regs), -ENOENT);
	assert_null(regs);
	assert_non_null(strstr(fadump_ctx_get_error(ctx),
			       "/sys/kernel/debug/powerpc/fadump_region"));

	/* A parse error names the file and the line. */
	scratch_write(root, REGION_FILE, CPU_LINE "HPTE:[0x1-", strlen(CPU_LINE) + 10);
	assert_int_equal(fadump_regions_read(ctx, &regs), -EBADMSG);
	assert_null(regs);
	msg = fadump_ctx_get_error(ctx);
	if (!strstr(msg, "fadump_region: line 2: ") || !strstr(msg, "HPTE:[0x1-"))
		fail_msg("unexpected message \"%s\"", msg);

	/* Larger than any kernel writes (the cap is 64 KiB). */
	huge = malloc(64 * 1024 + 1);
	assert_non_null(huge);
	memset(huge, '\n', 64 * 1024 + 1);
	scratch_write(root, REGION_FILE, huge, 64 * 1024 + 1);
	assert_int_equal(fadump_regions_read(ctx, &regs), -E2BIG);
	assert_null(regs);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), "fadump_region"));
	/* At the cap it is read. */
	scratch_write(root, REGION_FILE, huge, 64 * 1024);
	assert_int_equal(fadump_regions_read(ctx, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 0);
	fadump_regions_unref(regs);
	free(huge);

	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

/* ---------------------------------------------------------------- */
/* kernel/patches/0005: "Released: %#llx bytes in %u ranges"        */
/* ---------------------------------------------------------------- */

/* The report of the real 7.2 capture boot (qemu-7.2-le-capture root). */
#define REAL_CAPTURE "../roots/qemu-7.2-le-capture/sys/kernel/debug/powerpc/fadump_region"

static char *capture_plus(const char *extra)
{
	size_t len;
	char *text = slurp(REAL_CAPTURE, &len), *out;

	out = malloc(len + strlen(extra) + 1);
	assert_non_null(out);
	memcpy(out, text, len);
	strcpy(out + len, extra);
	free(text);
	return out;
}

static void test_released_line(void **state)
{
	struct fadump_regions *plain, *regs;
	unsigned int ranges = 7;
	uint64_t bytes = 7;
	char *text;

	/* The stock kernel's report has no such line. */
	text = capture_plus("");
	plain = parse_str(*state, text);
	assert_int_equal(fadump_regions_released(plain, &bytes, &ranges), -ENOENT);
	assert_int_equal(bytes, 7);
	free(text);

	/* Nothing released yet: the kernel's %#llx prints 0 as "0x0". */
	text = capture_plus("Released: 0x0 bytes in 0 ranges\n");
	regs = parse_str(*state, text);
	assert_int_equal(fadump_regions_released(regs, &bytes, &ranges), 0);
	assert_int_equal(bytes, 0);
	assert_int_equal(ranges, 0);
	/* The rest of the report is read as without the line. */
	assert_int_equal(fadump_regions_count(regs), fadump_regions_count(plain));
	fadump_regions_unref(regs);
	free(text);

	text = capture_plus("Released: 0x7c000000 bytes in 3 ranges\n");
	regs = parse_str(*state, text);
	assert_int_equal(fadump_regions_released(regs, &bytes, NULL), 0);
	assert_int_equal(bytes, 0x7c000000);
	assert_int_equal(fadump_regions_released(regs, NULL, &ranges), 0);
	assert_int_equal(ranges, 3);
	fadump_regions_unref(regs);
	fadump_regions_unref(plain);
	free(text);

	assert_int_equal(fadump_regions_released(NULL, &bytes, &ranges), -EINVAL);
}

static void test_bad_released_line(void **state)
{
	expect_bad(*state, "Released: 0x10 bytes in 0 ranges\n", -EBADMSG, 1,
		   "impossible");
	expect_bad(*state, "Released: 0x0 bytes in 2 ranges\n", -EBADMSG, 1,
		   "impossible");
	expect_bad(*state, "Released: 16 bytes in 1 ranges\n", -EBADMSG, 1,
		   "0x hex number");
	expect_bad(*state, "Released: 0x10 bytes in 4294967296 ranges\n",
		   -EBADMSG, 1, "does not fit");
	expect_bad(*state, "Released: 0x10 bytes in 1 ranges junk\n", -EBADMSG,
		   1, NULL);
	expect_bad(*state, "Released: 0x10 bytes in 1 range\n", -EBADMSG, 1,
		   "ranges");
	expect_bad(*state, "Released: 0x10 bytes in 1 ranges\n"
		   "Released: 0x10 bytes in 1 ranges\n", -EBADMSG, 2,
		   "second \"Released\" line (first on line 1)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_g1_capture, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_g3_capture, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_g4_first_kernel, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_g5_seven_boot_regions, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_opal_capture, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_empty, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_run_on, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_quotes, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_number_edges, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_truncated, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_numbers, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_ranges, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_lines, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_binary, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_released_line, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_released_line, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_sizes, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_arguments, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_get_sizes, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test_setup_teardown(test_ref_unref, quiet_ctx_setup, quiet_ctx_teardown),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the parsers must answer for the inputs the fuzzers found crashing
 * them (tests/fuzz/regressions/<target>/). replay-<target> only shows
 * they no longer crash; this says what the clean error is.
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

static void *load(const char *rel, size_t *len)
{
	const char *dir = getenv("FADUMP_FUZZ_DIR");
	char path[4096];
	void *buf;
	long n;
	FILE *f;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void set_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* struct fdt_header: version at byte 20 (devicetree specification 5.2). */
#define FDT_VERSION_OFF 20

/*
 * A version 3 blob whose structure libfdt 1.6.1's fdt_check_full() walks
 * into a NULL pointer: refused by version before libfdt sees it.
 */
static void fdt_version_3_crash(void **state)
{
	struct fadump_devtree *dt = NULL;
	struct fadump_ctx *ctx;
	unsigned char *blob;
	size_t len;

	(void)state;
	blob = load("regressions/fdt/fdt-version-3-libfdt-null-deref", &len);
	assert_int_equal(fadump_ctx_new("/", &ctx), 0);
	assert_int_equal(fadump_devtree_from_fdt(ctx, blob, len, &dt), -EBADMSG);
	assert_null(dt);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), "FDT version 3 "));
	fadump_ctx_unref(ctx);
	free(blob);
}

/*
 * A property whose length field is 0xffffffff: libfdt 1.6.1's
 * fdt_check_full() lets it through and fdt_getprop() returns length -1,
 * which was copied as a huge size. Refused, naming the length.
 */
static void fdt_prop_length_minus_1(void **state)
{
	struct fadump_devtree *dt = NULL;
	struct fadump_ctx *ctx;
	unsigned char *blob;
	size_t len;

	(void)state;
	blob = load("regressions/fdt/fdt-prop-length-minus-1-libfdt-passes", &len);
	assert_int_equal(fadump_ctx_new("/", &ctx), 0);
	assert_int_equal(fadump_devtree_from_fdt(ctx, blob, len, &dt), -EBADMSG);
	assert_null(dt);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), "length -1 is impossible"));
	fadump_ctx_unref(ctx);
	free(blob);
}

/*
 * Every version below 16 is refused the same way, and a good version 17
 * tree (a seed made by dtc from a fixture) is still read.
 */
static void fdt_old_versions_refused(void **state)
{
	struct fadump_devtree *dt = NULL;
	struct fadump_ctx *ctx;
	unsigned char *blob;
	size_t len;

	(void)state;
	blob = load("corpus/fdt/devtree-pseries-qemu", &len);
	assert_int_equal(fadump_ctx_new("/", &ctx), 0);
	assert_int_equal(fadump_devtree_from_fdt(ctx, blob, len, &dt), 0);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_PSERIES);
	dt = fadump_devtree_unref(dt);

	for (uint32_t v = 1; v < 16; v++) {
		char want[32];

		set_be32(blob + FDT_VERSION_OFF, v);
		assert_int_equal(fadump_devtree_from_fdt(ctx, blob, len, &dt),
				 -EBADMSG);
		assert_null(dt);
		snprintf(want, sizeof(want), "FDT version %u ", v);
		assert_non_null(strstr(fadump_ctx_get_error(ctx), want));
	}
	fadump_ctx_unref(ctx);
	free(blob);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fdt_version_3_crash),
		cmocka_unit_test(fdt_prop_length_minus_1),
		cmocka_unit_test(fdt_old_versions_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Context lifecycle, root handling, error messages and the log hook. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "fadump.h"
#include "helpers.h"

static void test_version(void **state)
{
	char expect[32];

	(void)state;
	snprintf(expect, sizeof(expect), "%d.%d.%d", FADUMP_VERSION_MAJOR,
		 FADUMP_VERSION_MINOR, FADUMP_VERSION_MICRO);
	/* The library we run against is the one this header describes. */
	assert_string_equal(fadump_version(), expect);
	assert_int_equal(fadump_version_number(), FADUMP_VERSION_NUMBER);
	assert_true(FADUMP_VERSION_ENCODE(0, 1, 0) == 0x000100);
}

static void test_new_live_root(void **state)
{
	struct fadump_ctx *ctx;

	(void)state;
	assert_int_equal(fadump_ctx_new(NULL, &ctx), 0);
	assert_string_equal(fadump_ctx_get_root(ctx), "/");
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	assert_null(fadump_ctx_unref(ctx));

	assert_int_equal(fadump_ctx_new("/", &ctx), 0);
	assert_string_equal(fadump_ctx_get_root(ctx), "/");
	fadump_ctx_unref(ctx);
}

static void test_root_trailing_slashes_trimmed(void **state)
{
	struct fadump_ctx *ctx;
	char root[4096];

	(void)state;
	snprintf(root, sizeof(root), "%s///", fixture_path("roots"));
	assert_int_equal(fadump_ctx_new(root, &ctx), 0);
	assert_string_equal(fadump_ctx_get_root(ctx), fixture_path("roots"));
	fadump_ctx_unref(ctx);
}

static void test_bad_roots(void **state)
{
	struct fadump_ctx *ctx = (struct fadump_ctx *)0x1;

	(void)state;
	assert_int_equal(fadump_ctx_new("relative/dir", &ctx), -EINVAL);
	assert_null(ctx);
	assert_int_equal(fadump_ctx_new("", &ctx), -EINVAL);
	assert_int_equal(fadump_ctx_new("/nonexistent/fadump/root", &ctx), -ENOENT);
	assert_int_equal(fadump_ctx_new("/dev/null", &ctx), -ENOTDIR);
	assert_int_equal(fadump_ctx_new("/", NULL), -EINVAL);
}

static void test_refcount(void **state)
{
	struct fadump_ctx *ctx;

	(void)state;
	assert_int_equal(fadump_ctx_new(NULL, &ctx), 0);
	assert_ptr_equal(fadump_ctx_ref(ctx), ctx);
	/* First unref leaves it usable; ASan/valgrind catch a use after free. */
	assert_null(fadump_ctx_unref(ctx));
	assert_string_equal(fadump_ctx_get_root(ctx), "/");
	assert_null(fadump_ctx_unref(ctx));
	assert_null(fadump_ctx_unref(NULL));
	assert_null(fadump_ctx_ref(NULL));
}

struct captured_log {
	int calls;
	int last_priority;
	char last[512];
	char file[256];
	int line;
	char fn[64];
};

static void capture_log(void *userdata, int priority, const char *file,
			int line, const char *fn, const char *format,
			va_list args)
{
	struct captured_log *log = userdata;

	log->calls++;
	log->last_priority = priority;
	vsnprintf(log->last, sizeof(log->last), format, args);
	snprintf(log->file, sizeof(log->file), "%s", file);
	log->line = line;
	snprintf(log->fn, sizeof(log->fn), "%s", fn);
}

/* Line @line of the library source @name (libfadump/@name), or "". */
static const char *source_line(const char *name, int line)
{
	static char text[512];
	char rel[64];
	FILE *f;
	int n = 0;

	snprintf(rel, sizeof(rel), "../../libfadump/%s", name);
	f = fopen(fixture_path(rel), "r");
	assert_non_null(f);
	text[0] = '\0';
	while (fgets(text, sizeof(text), f) && ++n < line)
		;
	fclose(f);
	return n == line ? text : "";
}

/*
 * A failing call leaves a message naming the file in the context and
 * passes the same message to the log hook at LOG_ERR, with the place in
 * the library where the failure was found: the missing region file is
 * found by fadump_read_file() in path.c, on a line that records it.
 */
static void test_error_message_and_log_hook(void **state)
{
	struct captured_log log = { 0 };
	struct fadump_regions *regs = NULL;
	struct fadump_ctx *ctx;
	char *root = fixture_copy("roots/none");
	const char *base;

	(void)state;
	assert_int_equal(fadump_ctx_new(root, &ctx), 0);
	fadump_ctx_set_log_fn(ctx, capture_log, &log);
	fadump_ctx_set_log_priority(ctx, LOG_ERR);
	assert_int_equal(fadump_ctx_get_log_priority(ctx), LOG_ERR);

	assert_int_equal(fadump_regions_read(ctx, &regs), -ENOENT);
	assert_null(regs);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), "fadump_region"));
	assert_int_equal(log.calls, 1);
	assert_int_equal(log.last_priority, LOG_ERR);
	assert_string_equal(log.last, fadump_ctx_get_error(ctx));
	assert_string_equal(log.fn, "fadump_read_file");
	base = "libfadump/path.c";
	assert_true(strlen(log.file) >= strlen(base));
	assert_string_equal(log.file + strlen(log.file) - strlen(base), base);
	assert_non_null(strstr(source_line("path.c", log.line),
			       "fadump_fail(ctx, ret, \"cannot open"));

	/* Below LOG_ERR nothing is logged, but the message is still kept. */
	fadump_ctx_set_log_priority(ctx, LOG_ERR - 1);
	assert_int_equal(fadump_regions_read(ctx, &regs), -ENOENT);
	assert_int_equal(log.calls, 1);
	assert_non_null(strstr(fadump_ctx_get_error(ctx), "fadump_region"));

	/* A later successful call clears the message. */
	assert_int_equal(fadump_regions_parse(ctx, "", 0, &regs), 0);
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	fadump_regions_unref(regs);

	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

/* Everything resolves under the root: the live system's files are never read. */
static void test_paths_resolve_under_root(void **state)
{
	struct fadump_regions *regs;
	struct fadump_ctx *ctx;
	char *root = fixture_copy("roots/none");
	static const char text[] = "DUMP: Src: 0x0, Dest: 0x1000, Size: 0x1000, Dumped: 0x0 bytes\n";

	(void)state;
	scratch_write(root, "sys/kernel/debug/powerpc/fadump_region", text, strlen(text));
	assert_int_equal(fadump_ctx_new(root, &ctx), 0);
	assert_int_equal(fadump_regions_read(ctx, &regs), 0);
	assert_int_equal(fadump_regions_count(regs), 1);
	fadump_regions_unref(regs);
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_new_live_root),
		cmocka_unit_test(test_root_trailing_slashes_trimmed),
		cmocka_unit_test(test_bad_roots),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_error_message_and_log_hook),
		cmocka_unit_test(test_paths_resolve_under_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

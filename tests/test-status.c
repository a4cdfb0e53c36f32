// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadump_status_read() through the public API only, on every fixture root
 * and on scratch copies made hostile one file at a time.
 *
 * The expected values are what each root was built to represent (see
 * tests/data/README), written here by hand, not read back from the
 * library.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fadump.h"
#include "helpers.h"

struct expect {
	const char *root;
	enum fadump_platform platform;
	bool firmware_support;
	enum fadump_sysfs_layout layout;
	enum fadump_tristate enabled;
	enum fadump_tristate registered;
	bool dump_active;
	enum fadump_tristate hotplug_ready;
	int64_t mem_reserved;
	bool bootargs;
	bool vmcore;
	bool release;
};

#define U FADUMP_UNKNOWN
#define N FADUMP_NO
#define Y FADUMP_YES

/*
 * mem_reserved per root (tests/data/README has the derivations):
 *  5.10 pseries: PAGE_ALIGN(CPU 0x40020 + HPTE 0x1000 + boot 320 MiB +
 *                headers) with 64 KiB pages = 0x14050000;
 *  7.2 pseries:  PAGE_ALIGN(CPU + HPTE) 0x50000 + boot 1 GiB + 680-byte
 *                crash header;
 *  6.1 powernv:  PAGE_ALIGN(boot 6 GiB + headers) + 64 KiB metadata.
 */
static const struct expect roots[] = {
	{ "none", FADUMP_PLATFORM_NONE, false, FADUMP_SYSFS_NONE,
	  U, U, false, U, -1, false, false, false },
	{ "pseries-3.4-registered", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_LEGACY, Y, Y, false, U, -1, false, false, false },
	{ "pseries-3.4-capture", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_LEGACY, Y, N, true, U, -1, false, true, true },
	{ "pseries-5.10-registered", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_DIRECTORY, Y, Y, false, U, 0x14050000, false, false,
	  false },
	{ "pseries-5.10-capture", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_DIRECTORY, Y, N, true, U, 0x14050000, false, true,
	  true },
	{ "pseries-7.2-registered", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_DIRECTORY, Y, Y, false, Y, 0x40050000 + 680, true,
	  false, false },
	{ "pseries-7.2-capture", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_DIRECTORY, Y, N, true, Y, 0x40050000 + 680, true,
	  true, true },
	{ "pseries-7.2-disabled", FADUMP_PLATFORM_PSERIES, true,
	  FADUMP_SYSFS_DIRECTORY, N, N, false, Y, 0, false, false, false },
	{ "powernv-6.1-registered", FADUMP_PLATFORM_POWERNV, true,
	  FADUMP_SYSFS_DIRECTORY, Y, Y, false, U, 0x180020000, false, false,
	  false },
	{ "powernv-6.1-capture", FADUMP_PLATFORM_POWERNV, true,
	  FADUMP_SYSFS_DIRECTORY, Y, N, true, U, 0x180020000, false, true,
	  true },
};

static struct fadump_ctx *ctx_on(const char *dir)
{
	struct fadump_ctx *ctx = NULL;

	assert_int_equal(fadump_ctx_new(dir, &ctx), 0);
	fadump_ctx_set_log_fn(ctx, NULL, NULL);
	return ctx;
}

static const char *rootpath(const char *name)
{
	static char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "roots/%s", name);
	return fixture_path(rel);
}

static const char *scratch_path(const char *dir, const char *rel)
{
	static char path[PATH_MAX];

	assert_true((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) <
		    sizeof(path));
	return path;
}

static void scratch_unlink(const char *dir, const char *rel)
{
	assert_int_equal(unlink(scratch_path(dir, rel)), 0);
}

static void scratch_rmtree(const char *dir, const char *rel)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch_path(dir, rel));
	assert_int_equal(system(cmd), 0);
}

static void assert_msg_has(struct fadump_ctx *ctx, const char *needle)
{
	const char *msg = fadump_ctx_get_error(ctx);

	if (!strstr(msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

static void assert_status(const struct fadump_status *st,
			  const struct expect *e)
{
	assert_int_equal(st->platform, e->platform);
	assert_int_equal(st->firmware_support, e->firmware_support);
	assert_int_equal(st->sysfs_layout, e->layout);
	assert_int_equal(st->kernel_support, e->layout != FADUMP_SYSFS_NONE);
	assert_int_equal(st->enabled, e->enabled);
	assert_int_equal(st->registered, e->registered);
	assert_int_equal(st->dump_active, e->dump_active);
	assert_int_equal(st->hotplug_ready, e->hotplug_ready);
	assert_int_equal(st->mem_reserved, e->mem_reserved);
	assert_int_equal(st->bootargs_append_supported, e->bootargs);
	assert_int_equal(st->vmcore_present, e->vmcore);
	assert_int_equal(st->release_available, e->release);
}

static void test_root(void **state)
{
	const struct expect *e = *state;
	struct fadump_status st = { .size = sizeof(st) };
	struct fadump_ctx *ctx = ctx_on(rootpath(e->root));

	assert_int_equal(fadump_status_read(ctx, &st), 0);
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	assert_int_equal(st.size, sizeof(st));
	assert_status(&st, e);
	fadump_ctx_unref(ctx);
}

static const struct expect *expect_for(const char *root)
{
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (strcmp(roots[i].root, root) == 0)
			return &roots[i];
	fail_msg("no expectation for %s", root);
	return NULL;
}

/* Status of a scratch copy of @root after the test changed it. */
static int read_scratch(const char *dir, struct fadump_status *st,
			struct fadump_ctx **ctxp)
{
	*ctxp = ctx_on(dir);
	*st = (struct fadump_status){ .size = sizeof(*st) };
	return fadump_status_read(*ctxp, st);
}

/* ---- struct size handling ------------------------------------------ */

static void test_size_too_small(void **state)
{
	struct fadump_status st;
	struct fadump_ctx *ctx = ctx_on(rootpath("pseries-7.2-capture"));

	(void)state;
	memset(&st, 0xa5, sizeof(st));
	st.size = FADUMP_STATUS_SIZE_V1 - 1;
	assert_int_equal(fadump_status_read(ctx, &st), -EINVAL);
	assert_msg_has(ctx, "size");
	/* Nothing written on refusal. */
	assert_int_equal(st.platform, (enum fadump_platform)0xa5a5a5a5);

	st.size = 0;
	assert_int_equal(fadump_status_read(ctx, &st), -EINVAL);
	assert_int_equal(fadump_status_read(ctx, NULL), -EINVAL);
	assert_int_equal(fadump_status_read(NULL, &st), -EINVAL);

	/* The next good call clears the message. */
	st.size = sizeof(st);
	assert_int_equal(fadump_status_read(ctx, &st), 0);
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	fadump_ctx_unref(ctx);
}

/* A caller built against 0.1 passes exactly the first version's size. */
static void test_size_v1(void **state)
{
	unsigned char raw[sizeof(struct fadump_status)];
	struct fadump_status *st = (struct fadump_status *)raw;
	struct fadump_ctx *ctx = ctx_on(rootpath("pseries-7.2-capture"));

	(void)state;
	memset(raw, 0xa5, sizeof(raw));
	st->size = FADUMP_STATUS_SIZE_V1;
	assert_int_equal(fadump_status_read(ctx, st), 0);
	assert_int_equal(st->size, FADUMP_STATUS_SIZE_V1);
	assert_status(st, expect_for("pseries-7.2-capture"));
	/* Bytes past what the caller declared are not ours to touch. */
	for (size_t i = FADUMP_STATUS_SIZE_V1; i < sizeof(raw); i++)
		assert_int_equal(raw[i], 0xa5);
	fadump_ctx_unref(ctx);
}

/* A caller built against a later, larger struct keeps its extra fields. */
static void test_size_larger(void **state)
{
	struct {
		struct fadump_status st;
		unsigned char later[64];
	} big;
	struct fadump_ctx *ctx = ctx_on(rootpath("pseries-7.2-registered"));

	(void)state;
	memset(&big, 0xa5, sizeof(big));
	big.st.size = sizeof(big);
	assert_int_equal(fadump_status_read(ctx, &big.st), 0);
	assert_int_equal(big.st.size, sizeof(big));
	assert_status(&big.st, expect_for("pseries-7.2-registered"));
	for (size_t i = 0; i < sizeof(big.later); i++)
		assert_int_equal(big.later[i], 0xa5);
	fadump_ctx_unref(ctx);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fadump_platform_name(FADUMP_PLATFORM_NONE), "none");
	assert_string_equal(fadump_platform_name(FADUMP_PLATFORM_PSERIES), "pseries");
	assert_string_equal(fadump_platform_name(FADUMP_PLATFORM_POWERNV), "powernv");
	assert_string_equal(fadump_platform_name((enum fadump_platform)7), "unknown");
	assert_string_equal(fadump_platform_name((enum fadump_platform)-1), "unknown");
	assert_string_equal(fadump_sysfs_layout_name(FADUMP_SYSFS_NONE), "none");
	assert_string_equal(fadump_sysfs_layout_name(FADUMP_SYSFS_LEGACY), "legacy");
	assert_string_equal(fadump_sysfs_layout_name(FADUMP_SYSFS_DIRECTORY), "directory");
	assert_string_equal(fadump_sysfs_layout_name((enum fadump_sysfs_layout)3), "unknown");
}

/* ---- hostile attribute contents ------------------------------------ */

struct bad_input {
	const char *rel;	/* file under the pseries-7.2-registered copy */
	const char *data;
	size_t len;
	const char *shown;	/* how the message must show the content */
};

#define BAD(rel, lit, shown) { rel, lit, sizeof(lit) - 1, shown }
#define ENABLED "sys/kernel/fadump/enabled"
#define REGISTERED "sys/kernel/fadump/registered"
#define HOTPLUG "sys/kernel/fadump/hotplug_ready"
#define MEMRES "sys/kernel/fadump/mem_reserved"

static const struct bad_input bad_inputs[] = {
	BAD(ENABLED, "", "found \"\""),
	BAD(ENABLED, "\n", "found \"\\n\""),
	BAD(REGISTERED, "2\n", "found \"2\\n\""),
	BAD(REGISTERED, "1 \n", "found \"1 \\n\""),
	BAD(REGISTERED, "1", "found \"1\""),			/* truncated */
	BAD(REGISTERED, "01\n", "found \"01\\n\""),
	BAD(REGISTERED, "yes\n", "found \"yes\\n\""),
	BAD(ENABLED, "\x00\xff\x01", "found \"\\x00\\xff\\x01\""),
	BAD(ENABLED, "1\n\0", "found \"1\\n\\x00\""),
	BAD(HOTPLUG, "2\n", "found \"2\\n\""),
	BAD(MEMRES, "-5\n", "found \"-5\\n\""),
	BAD(MEMRES, "abc", "found \"abc\""),
	BAD(MEMRES, "", "found \"\""),
	BAD(MEMRES, "12", "found \"12\""),			/* no newline */
	BAD(MEMRES, "12\n\n", "found \"12\\n\\n\""),
	BAD(MEMRES, "0x10\n", "found \"0x10\\n\""),
	BAD(MEMRES, "007\n", "found \"007\\n\""),
	BAD(MEMRES, "+7\n", "found \"+7\\n\""),
	BAD(MEMRES, " 7\n", "found \" 7\\n\""),
	BAD(MEMRES, "99999999999999999999999\n",
	    "found \"99999999999999999999999\\n\""),		/* > u64 */
	BAD(MEMRES, "9223372036854775808\n",
	    "found \"9223372036854775808\\n\""),		/* > long */
};

static void test_bad_input(void **state)
{
	const struct bad_input *b = *state;
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	scratch_write(dir, b->rel, b->data, b->len);
	assert_int_equal(read_scratch(dir, &st, &ctx), -EBADMSG);
	assert_msg_has(ctx, b->rel);
	assert_msg_has(ctx, b->shown);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

static void test_mem_reserved_limits(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_write(dir, MEMRES, "9223372036854775807\n", 20);
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.mem_reserved, INT64_MAX);
	fadump_ctx_unref(ctx);

	scratch_write(dir, MEMRES, "0\n", 2);
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.mem_reserved, 0);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* 6.10+ prints a constant 1; a 0 is still reported, not refused. */
static void test_hotplug_ready_zero(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_write(dir, HOTPLUG, "0\n", 2);
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.hotplug_ready, FADUMP_NO);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

static void test_overlong(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;
	char big[5000];

	(void)state;
	for (size_t i = 0; i < sizeof(big); i += 2)
		memcpy(big + i, "1\n", 2);
	scratch_write(dir, REGISTERED, big, sizeof(big));
	assert_int_equal(read_scratch(dir, &st, &ctx), -EBADMSG);
	assert_msg_has(ctx, REGISTERED);
	assert_msg_has(ctx, "more than 32 bytes");
	fadump_ctx_unref(ctx);

	scratch_write(dir, REGISTERED, "1\n", 2);
	memset(big, '7', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	scratch_write(dir, MEMRES, big, sizeof(big));
	assert_int_equal(read_scratch(dir, &st, &ctx), -EBADMSG);
	assert_msg_has(ctx, MEMRES);
	assert_msg_has(ctx, "more than 32 bytes");
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* Tests run as root, so chmod 000 proves nothing; a directory does. */
static void test_directory_for_file(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_unlink(dir, REGISTERED);
	assert_int_equal(mkdir(scratch_path(dir, REGISTERED), 0755), 0);
	assert_int_equal(read_scratch(dir, &st, &ctx), -EISDIR);
	assert_msg_has(ctx, REGISTERED);
	assert_msg_has(ctx, "is a directory");
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* open() of a FIFO without a writer blocks: it must be refused unopened. */
static void test_fifo_for_file(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_unlink(dir, ENABLED);
	assert_int_equal(mkfifo(scratch_path(dir, ENABLED), 0644), 0);
	assert_int_equal(read_scratch(dir, &st, &ctx), -EBADMSG);
	assert_msg_has(ctx, ENABLED);
	assert_msg_has(ctx, "not a regular file");
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* ---- missing pieces: unknown, not errors --------------------------- */

static void test_missing_attributes(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_unlink(dir, MEMRES);
	scratch_unlink(dir, HOTPLUG);
	scratch_unlink(dir, "sys/kernel/fadump/bootargs_append");
	/* The legacy link is left dangling, as if the target vanished. */
	scratch_unlink(dir, ENABLED);
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.sysfs_layout, FADUMP_SYSFS_DIRECTORY);
	assert_int_equal(st.enabled, FADUMP_UNKNOWN);
	assert_int_equal(st.registered, FADUMP_YES);
	assert_int_equal(st.mem_reserved, -1);
	assert_int_equal(st.hotplug_ready, FADUMP_UNKNOWN);
	assert_false(st.bootargs_append_supported);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* No /sys/kernel at all: the device tree still answers. */
static void test_missing_sysfs_dir(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-capture");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_rmtree(dir, "sys/kernel");
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.platform, FADUMP_PLATFORM_PSERIES);
	assert_true(st.firmware_support);
	assert_false(st.kernel_support);
	assert_int_equal(st.sysfs_layout, FADUMP_SYSFS_NONE);
	assert_int_equal(st.enabled, FADUMP_UNKNOWN);
	assert_int_equal(st.registered, FADUMP_UNKNOWN);
	assert_int_equal(st.mem_reserved, -1);
	assert_false(st.release_available);
	assert_true(st.vmcore_present);
	assert_false(st.dump_active);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* A file where the fadump directory should be: a path component is not a directory. */
static void test_file_for_sysfs_dir(void **state)
{
	char *dir = fixture_copy("roots/pseries-5.10-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_rmtree(dir, "sys/kernel/fadump");
	scratch_write(dir, "sys/kernel/fadump", "x", 1);
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.sysfs_layout, FADUMP_SYSFS_NONE);
	assert_int_equal(st.registered, FADUMP_UNKNOWN);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

static void test_missing_device_tree(void **state)
{
	char *dir = fixture_copy("roots/pseries-5.10-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_rmtree(dir, "sys/firmware");
	scratch_rmtree(dir, "proc");
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_int_equal(st.platform, FADUMP_PLATFORM_NONE);
	assert_false(st.firmware_support);
	assert_int_equal(st.sysfs_layout, FADUMP_SYSFS_DIRECTORY);
	assert_int_equal(st.registered, FADUMP_YES);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* A device-tree error is the status' error: nothing is half-reported. */
static void test_bad_device_tree(void **state)
{
	char *dir = fixture_copy("roots/pseries-7.2-registered");
	struct fadump_status st;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_write(dir, "sys/firmware/devicetree/base/rtas/ibm,configure-kernel-dump",
		      "\0\0\0", 3);
	assert_int_equal(read_scratch(dir, &st, &ctx), -EBADMSG);
	assert_msg_has(ctx, "ibm,configure-kernel-dump");
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* ---- what "dump active" means ---------------------------------------- */

struct active_case {
	const char *root;
	const char *remove[3];	/* files removed from the copy */
	const char *add;	/* file added (empty) */
	bool vmcore, release;
};

static const struct active_case active_cases[] = {
	/* Released: /proc/vmcore gone, release_mem and the DT stay. */
	{ "pseries-7.2-capture", { "proc/vmcore" }, NULL, false, true },
	{ "pseries-3.4-capture", { "proc/vmcore" }, NULL, false, true },
	{ "powernv-6.1-capture", { "proc/vmcore" }, NULL, false, true },
	/* The kernel saw no dump at boot: no release_mem. */
	{ "pseries-7.2-capture", { "sys/kernel/fadump/release_mem",
				   "sys/kernel/fadump_release_mem" },
	  NULL, true, false },
	{ "pseries-3.4-capture", { "sys/kernel/fadump_release_mem" },
	  NULL, true, false },
	/* Firmware says no dump: whatever sysfs holds is not a fadump. */
	{ "pseries-7.2-capture",
	  { "sys/firmware/devicetree/base/rtas/ibm,kernel-dump" },
	  NULL, true, true },
	{ "powernv-6.1-capture",
	  { "sys/firmware/devicetree/base/ibm,opal/dump/mpipl-boot" },
	  NULL, true, true },
	/* A kexec-kdump capture kernel: /proc/vmcore but no fadump dump. */
	{ "pseries-7.2-registered", { NULL }, "proc/vmcore", true, false },
};

static void test_dump_active_needs_all(void **state)
{
	const struct active_case *c = *state;
	char rel[PATH_MAX];
	struct fadump_status st;
	struct fadump_ctx *ctx;
	char *dir;

	snprintf(rel, sizeof(rel), "roots/%s", c->root);
	dir = fixture_copy(rel);
	for (size_t i = 0; i < 3 && c->remove[i]; i++)
		scratch_unlink(dir, c->remove[i]);
	if (c->add)
		scratch_write(dir, c->add, "", 0);
	assert_int_equal(read_scratch(dir, &st, &ctx), 0);
	assert_false(st.dump_active);
	assert_int_equal(st.vmcore_present, c->vmcore);
	assert_int_equal(st.release_available, c->release);
	fadump_ctx_unref(ctx);
	scratch_remove(dir);
}

/* The committed roots are exactly what mkroots.py writes. */
static void test_generator_matches(void **state)
{
	char tmpl[] = "/tmp/fadump-test-XXXXXX";
	char cmd[4 * PATH_MAX];
	char script[PATH_MAX], roots_dir[PATH_MAX];
	char *dir;

	(void)state;
	if (system("python3 -c '' 2>/dev/null") != 0)
		skip();
	snprintf(script, sizeof(script), "%s", fixture_path("roots/mkroots.py"));
	snprintf(roots_dir, sizeof(roots_dir), "%s", fixture_path("roots"));
	dir = mkdtemp(tmpl);
	assert_non_null(dir);
	snprintf(cmd, sizeof(cmd), "python3 '%s' '%s'", script, dir);
	assert_int_equal(system(cmd), 0);
	/*
	 * Not generated here: mkroots.py itself, and the qemu-* roots that
	 * capture-roots.py builds from a real kernel's files.
	 */
	snprintf(cmd, sizeof(cmd),
		 "diff -r --no-dereference -x mkroots.py -x capture-roots.py -x 'qemu-*' -x __pycache__ '%s' '%s' >&2",
		 roots_dir, dir);
	assert_int_equal(system(cmd), 0);
	scratch_remove(strdup(dir));
}

int main(void)
{
	const size_t nroots = sizeof(roots) / sizeof(roots[0]);
	const size_t nbad = sizeof(bad_inputs) / sizeof(bad_inputs[0]);
	const size_t nactive = sizeof(active_cases) / sizeof(active_cases[0]);
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_size_too_small),
		cmocka_unit_test(test_size_v1),
		cmocka_unit_test(test_size_larger),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mem_reserved_limits),
		cmocka_unit_test(test_hotplug_ready_zero),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_directory_for_file),
		cmocka_unit_test(test_fifo_for_file),
		cmocka_unit_test(test_missing_attributes),
		cmocka_unit_test(test_missing_sysfs_dir),
		cmocka_unit_test(test_file_for_sysfs_dir),
		cmocka_unit_test(test_missing_device_tree),
		cmocka_unit_test(test_bad_device_tree),
		cmocka_unit_test(test_generator_matches),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests;
	char (*names)[96];
	size_t n = 0;
	int ret;

	tests = calloc(nroots + nbad + nactive + nfixed, sizeof(*tests));
	names = calloc(nroots + nbad + nactive, sizeof(*names));
	assert_non_null(tests);
	assert_non_null(names);
	for (size_t i = 0; i < nroots; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "root %s", roots[i].root);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_root,
			.initial_state = (void *)&roots[i] };
	}
	for (size_t i = 0; i < nbad; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "bad input %zu (%s)", i,
			 bad_inputs[i].rel);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_bad_input,
			.initial_state = (void *)&bad_inputs[i] };
	}
	for (size_t i = 0; i < nactive; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "dump active %zu (%s)", i,
			 active_cases[i].root);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_dump_active_needs_all,
			.initial_state = (void *)&active_cases[i] };
	}
	memcpy(tests + n, fixed, sizeof(fixed));
	n += nfixed;
	ret = _cmocka_run_group_tests("status", tests, n, NULL, NULL);
	free(tests);
	free(names);
	return ret;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device-tree detection through the public API only.
 *
 * Every fixture root under tests/data/devtree/ (tests/data/devtree/README
 * says where each byte comes from) is read four ways: as a directory
 * (explicitly and by AUTO), as /sys/firmware/fdt and as an in-memory blob,
 * the blobs being built here from the same directory with libfdt's
 * sequential writer, so both back ends must give identical answers.
 * Expected values are worked out by hand from QEMU, skiboot and the
 * kernel (see the README), not taken from the library. Hostile variants
 * are made in scratch copies.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>

#include "fadump.h"
#include "helpers.h"

/* The sysfs device-tree directory inside a fixture root. */
#define SYS_DT "sys/firmware/devicetree/base"
#define PROC_DT "proc/device-tree"

/* QEMU pseries, 4 possible CPUs: 16 + 12 + 4 + 4 * 79 * 16 (README). */
#define QEMU_CPU_STATE_BYTES 5088

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static struct fadump_ctx *ctx_at(const char *root)
{
	struct fadump_ctx *ctx;

	assert_int_equal(fadump_ctx_new(root, &ctx), 0);
	return ctx;
}

static struct fadump_ctx *ctx_fixture(const char *name)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "devtree/%s", name);
	return ctx_at(fixture_path(rel));
}

static char *scratch_new(void)
{
	char tmpl[] = "/tmp/fadump-test-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

static char *fixture_scratch(const char *name)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "devtree/%s", name);
	return fixture_copy(rel);
}

static void assert_msg_has(struct fadump_ctx *ctx, const char *needle)
{
	const char *msg = fadump_ctx_get_error(ctx);

	if (!strstr(msg, needle))
		fail_msg("error message \"%s\" does not contain \"%s\"", msg,
			 needle);
}

static char *slurp(const char *path, size_t *lenp)
{
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*lenp = (size_t)st.st_size;
	return buf;
}

static void add_dir_to_fdt(void *fdt, const char *dir)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	assert_true(n >= 0);
	/* The format wants a node's properties before its children. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			const char *name = ents[i]->d_name;
			char path[PATH_MAX];
			struct stat st;

			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			assert_int_equal(stat(path, &st), 0);
			if (pass == 0 && S_ISREG(st.st_mode)) {
				size_t len;
				char *data = slurp(path, &len);

				assert_int_equal(fdt_property(fdt, name, data,
							      (int)len), 0);
				free(data);
			} else if (pass == 1 && S_ISDIR(st.st_mode)) {
				assert_int_equal(fdt_begin_node(fdt, name), 0);
				add_dir_to_fdt(fdt, path);
				assert_int_equal(fdt_end_node(fdt), 0);
			}
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
}

/* The blob of the tree in directory @dir, as /sys/firmware/fdt holds it. */
static void *fdt_from_dir(const char *dir, size_t *lenp)
{
	const int size = 1024 * 1024;
	void *fdt = malloc(size);

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, size), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	add_dir_to_fdt(fdt, dir);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	*lenp = fdt_totalsize(fdt);
	return fdt;
}

static void *fdt_from_root(const char *root, const char *dtrel, size_t *lenp)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/%s", root, dtrel);
	return fdt_from_dir(dir, lenp);
}

/* A new scratch root holding @blob as sys/firmware/fdt and nothing else. */
static char *fdt_root(const void *blob, size_t len)
{
	char *root = scratch_new();

	scratch_write(root, "sys/firmware/fdt", blob, len);
	return root;
}

static uint32_t be32_at(const void *p, size_t off)
{
	const unsigned char *b = (const unsigned char *)p + off;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static uint16_t be16_at(const void *p, size_t off)
{
	const unsigned char *b = (const unsigned char *)p + off;

	return (uint16_t)(b[0] << 8 | b[1]);
}

/* ------------------------------------------------------------------ */
/* The fixtures, four ways                                            */
/* ------------------------------------------------------------------ */

struct size_entry {
	uint16_t type;
	uint64_t bytes;
};

struct expect {
	const char *fixture;
	const char *dtrel;		/* the tree inside the root */
	enum fadump_platform platform;
	bool support;
	bool dump;
	bool has_token;
	uint32_t token;
	unsigned int nsizes;
	struct size_entry sizes[2];
	size_t kernel_dump_len;		/* 0: no ibm,kernel-dump */
	uint16_t kernel_dump_sections;
	bool opal;			/* /ibm,opal/dump with fw-load-area */
	bool mpipl;
};

/* QEMU 11 pseries: token 0x2000 + 0x2D; CPU state for 4 CPUs, HPTE 0. */
#define QEMU_PSERIES_RTAS						\
	.has_token = true, .token = 0x202d, .nsizes = 2,		\
	.sizes = { { 0x0001, QEMU_CPU_STATE_BYTES }, { 0x0002, 0 } }

static const struct expect fixtures[] = {
	{ .fixture = "pseries-qemu", .dtrel = SYS_DT,
	  .platform = FADUMP_PLATFORM_PSERIES, .support = true,
	  QEMU_PSERIES_RTAS },
	/* G1-G3: header + CPU, HPTE, RMR sections = 40 + 3 * 40 */
	{ .fixture = "pseries-capture-160", .dtrel = PROC_DT,
	  .platform = FADUMP_PLATFORM_PSERIES, .support = true, .dump = true,
	  QEMU_PSERIES_RTAS,
	  .kernel_dump_len = 160, .kernel_dump_sections = 3 },
	/* G4+: header + 10 sections, 4 in use */
	{ .fixture = "pseries-capture-440", .dtrel = SYS_DT,
	  .platform = FADUMP_PLATFORM_PSERIES, .support = true, .dump = true,
	  QEMU_PSERIES_RTAS,
	  .kernel_dump_len = 440, .kernel_dump_sections = 4 },
	{ .fixture = "pseries-no-fadump", .dtrel = SYS_DT,
	  .platform = FADUMP_PLATFORM_PSERIES },
	/* skiboot's load areas end at 0x28000000 and exactly 0x30000000 */
	{ .fixture = "powernv", .dtrel = SYS_DT,
	  .platform = FADUMP_PLATFORM_POWERNV, .support = true, .opal = true },
	{ .fixture = "powernv-mpipl", .dtrel = SYS_DT,
	  .platform = FADUMP_PLATFORM_POWERNV, .support = true, .dump = true,
	  .opal = true, .mpipl = true },
	/* second range 0x30000000 + 128 MiB ends above 768 MB */
	{ .fixture = "powernv-fw-above-768m", .dtrel = SYS_DT,
	  .platform = FADUMP_PLATFORM_POWERNV, .opal = true },
};

static void check_expect(const struct fadump_devtree *dt, const struct expect *e)
{
	const void *data;
	uint32_t token = 0;
	uint64_t bytes;
	uint16_t type;
	size_t len;

	assert_int_equal(fadump_devtree_get_platform(dt), e->platform);
	assert_int_equal(fadump_devtree_firmware_support(dt), e->support);
	assert_int_equal(fadump_devtree_dump_present(dt), e->dump);

	if (e->has_token) {
		assert_int_equal(fadump_devtree_rtas_token(dt, &token), 0);
		assert_int_equal(token, e->token);
	} else {
		assert_int_equal(fadump_devtree_rtas_token(dt, &token), -ENOENT);
	}

	assert_int_equal(fadump_devtree_dump_sizes_count(dt), e->nsizes);
	for (unsigned int i = 0; i < e->nsizes; i++) {
		assert_int_equal(fadump_devtree_dump_size(dt, i, &type, &bytes), 0);
		assert_int_equal(type, e->sizes[i].type);
		assert_int_equal(bytes, e->sizes[i].bytes);
	}
	assert_int_equal(fadump_devtree_dump_size(dt, e->nsizes, &type, &bytes),
			 -ERANGE);

	if (e->kernel_dump_len) {
		assert_int_equal(fadump_devtree_get_prop(dt, FADUMP_DT_KERNEL_DUMP,
							 &data, &len), 0);
		assert_int_equal(len, e->kernel_dump_len);
		assert_int_equal(be32_at(data, 0), 1);	/* dump_format_version */
		assert_int_equal(be16_at(data, 4), e->kernel_dump_sections);
		assert_int_equal(be32_at(data, 8), 0x28); /* first section */
	} else {
		assert_int_equal(fadump_devtree_get_prop(dt, FADUMP_DT_KERNEL_DUMP,
							 &data, &len), -ENOENT);
	}

	if (e->opal) {
		assert_int_equal(fadump_devtree_get_prop(dt,
				FADUMP_DT_OPAL_DUMP_COMPATIBLE, &data, &len), 0);
		assert_int_equal(len, sizeof("ibm,opal-dump"));
		assert_memory_equal(data, "ibm,opal-dump", sizeof("ibm,opal-dump"));
		assert_int_equal(fadump_devtree_get_prop(dt,
				FADUMP_DT_OPAL_FW_LOAD_AREA, &data, &len), 0);
		assert_int_equal(len, 32);
		assert_int_equal(be32_at(data, 4), 0x20000000);	/* kernel base */
	} else {
		assert_int_equal(fadump_devtree_get_prop(dt,
				FADUMP_DT_OPAL_DUMP_COMPATIBLE, NULL, &len), -ENOENT);
	}
	if (e->mpipl) {
		assert_int_equal(fadump_devtree_get_prop(dt,
				FADUMP_DT_OPAL_MPIPL_BOOT, &data, &len), 0);
		/* skiboot's u64 1, as a real MPIPL boot shows it */
		assert_int_equal(len, 8);
		assert_int_equal(be32_at(data, 4), 1);
	} else {
		assert_int_equal(fadump_devtree_get_prop(dt,
				FADUMP_DT_OPAL_MPIPL_BOOT, &data, &len), -ENOENT);
	}
	/* QEMU writes -version wherever it writes the token. */
	assert_int_equal(fadump_devtree_get_prop(dt,
			FADUMP_DT_CONFIGURE_KERNEL_DUMP_VERSION, &data, &len),
			 e->has_token ? 0 : -ENOENT);
	if (e->has_token)
		assert_int_equal(len, 4);
}

static void test_fixture_dir(void **state)
{
	const struct expect *e = *state;
	struct fadump_ctx *ctx = ctx_fixture(e->fixture);
	struct fadump_devtree *dt;

	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_DIR);
	check_expect(dt, e);
	fadump_devtree_unref(dt);

	/* AUTO takes the directory when there is one. */
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_DIR);
	check_expect(dt, e);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

static void test_fixture_fdt_file(void **state)
{
	const struct expect *e = *state;
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;
	char rel[PATH_MAX];
	size_t len;
	void *blob;
	char *root;

	snprintf(rel, sizeof(rel), "devtree/%s/%s", e->fixture, e->dtrel);
	blob = fdt_from_dir(fixture_path(rel), &len);
	root = fdt_root(blob, len);
	ctx = ctx_at(root);

	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt), 0);
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_FDT);
	check_expect(dt, e);
	fadump_devtree_unref(dt);

	/* No directory tree in this root: AUTO falls back to the blob. */
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_FDT);
	check_expect(dt, e);
	fadump_devtree_unref(dt);

	fadump_ctx_unref(ctx);
	scratch_remove(root);
	free(blob);
}

static void test_fixture_fdt_blob(void **state)
{
	const struct expect *e = *state;
	struct fadump_ctx *ctx = ctx_fixture(e->fixture);
	struct fadump_devtree *dt;
	char rel[PATH_MAX];
	void *blob, *exact;
	size_t len;

	snprintf(rel, sizeof(rel), "devtree/%s/%s", e->fixture, e->dtrel);
	blob = fdt_from_dir(fixture_path(rel), &len);
	/* Exactly @len bytes, so any read past them trips ASan. */
	exact = malloc(len);
	assert_non_null(exact);
	memcpy(exact, blob, len);
	free(blob);

	assert_int_equal(fadump_devtree_from_fdt(ctx, exact, len, &dt), 0);
	/* The blob was copied: the caller may free it at once. */
	free(exact);
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_FDT);
	check_expect(dt, e);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

/* ------------------------------------------------------------------ */
/* No device tree at all                                              */
/* ------------------------------------------------------------------ */

static void test_x86_auto_is_not_an_error(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("x86");
	struct fadump_devtree *dt;
	const void *data;
	uint32_t token;
	size_t len;

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_non_null(dt);
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_NONE);
	assert_false(fadump_devtree_firmware_support(dt));
	assert_false(fadump_devtree_dump_present(dt));
	/* Neither DIR nor FDT: nothing was read. */
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_AUTO);
	for (int p = 0; p < FADUMP_DT_PROP_COUNT; p++)
		assert_int_equal(fadump_devtree_get_prop(dt, p, &data, &len),
				 -ENOENT);
	assert_int_equal(fadump_devtree_rtas_token(dt, &token), -ENOENT);
	assert_int_equal(fadump_devtree_dump_sizes_count(dt), 0);
	assert_int_equal(fadump_devtree_dump_size(dt, 0, NULL, NULL), -ERANGE);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

static void test_x86_explicit_dir_missing(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("x86");
	struct fadump_devtree *dt = (void *)1;

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt),
			 -ENOENT);
	assert_null(dt);
	assert_msg_has(ctx, "x86/proc/device-tree");
	assert_msg_has(ctx, "x86/sys/firmware/devicetree/base");
	fadump_ctx_unref(ctx);
}

static void test_x86_explicit_fdt_missing(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("x86");
	struct fadump_devtree *dt = (void *)1;

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt),
			 -ENOENT);
	assert_null(dt);
	assert_msg_has(ctx, "x86/sys/firmware/fdt");
	fadump_ctx_unref(ctx);
}

/* ------------------------------------------------------------------ */
/* Choosing the source                                                */
/* ------------------------------------------------------------------ */

static void test_auto_prefers_directory(void **state)
{
	char *root = fixture_scratch("pseries-qemu");
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;
	size_t len;
	char rel[PATH_MAX];
	void *blob;

	(void)state;
	/* A powernv blob beside a pseries directory tells who was read. */
	snprintf(rel, sizeof(rel), "devtree/powernv/%s", SYS_DT);
	blob = fdt_from_dir(fixture_path(rel), &len);
	scratch_write(root, "sys/firmware/fdt", blob, len);
	ctx = ctx_at(root);

	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_DIR);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_PSERIES);
	fadump_devtree_unref(dt);

	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt), 0);
	assert_int_equal(fadump_devtree_source(dt), FADUMP_DT_SOURCE_FDT);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_POWERNV);
	fadump_devtree_unref(dt);

	fadump_ctx_unref(ctx);
	scratch_remove(root);
	free(blob);
}

static void test_proc_device_tree_not_a_directory(void **state)
{
	/* powernv has only the sysfs tree; a stray file at the /proc name. */
	char *root = fixture_scratch("powernv");
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;

	(void)state;
	scratch_write(root, PROC_DT, "x", 1);
	ctx = ctx_at(root);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_POWERNV);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

/* ------------------------------------------------------------------ */
/* Properties of impossible shape, in both back ends                  */
/* ------------------------------------------------------------------ */

/*
 * Put @data at @prop (relative to the tree) in a copy of @fixture, then
 * read it as a directory, as /sys/firmware/fdt and as a blob: each must
 * fail with -EBADMSG and a message holding @needle1 and @needle2.
 */
static void expect_bad_prop(const char *fixture, const char *prop,
			    const void *data, size_t len,
			    const char *needle1, const char *needle2)
{
	char *root = fixture_scratch(fixture);
	struct fadump_devtree *dt = (void *)1;
	struct fadump_ctx *ctx;
	char rel[PATH_MAX];
	char *fdtroot;
	size_t bloblen;
	void *blob;

	snprintf(rel, sizeof(rel), "%s/%s", SYS_DT, prop);
	scratch_write(root, rel, data, len);

	ctx = ctx_at(root);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt),
			 -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, needle1);
	assert_msg_has(ctx, needle2);
	fadump_ctx_unref(ctx);

	blob = fdt_from_root(root, SYS_DT, &bloblen);
	fdtroot = fdt_root(blob, bloblen);
	ctx = ctx_at(fdtroot);
	dt = (void *)1;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt),
			 -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, "sys/firmware/fdt:");
	assert_msg_has(ctx, needle1);
	assert_msg_has(ctx, needle2);

	dt = (void *)1;
	assert_int_equal(fadump_devtree_from_fdt(ctx, blob, bloblen, &dt),
			 -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, "FDT blob:");
	assert_msg_has(ctx, needle1);
	assert_msg_has(ctx, needle2);
	fadump_ctx_unref(ctx);

	scratch_remove(fdtroot);
	scratch_remove(root);
	free(blob);
}

static void test_token_wrong_length(void **state)
{
	(void)state;
	/* One cell, no more and no less. */
	expect_bad_prop("pseries-qemu", "rtas/ibm,configure-kernel-dump",
			"\x00\x20\x2d", 3,
			"rtas/ibm,configure-kernel-dump:", "3 bytes");
	expect_bad_prop("pseries-qemu", "rtas/ibm,configure-kernel-dump",
			"\x00\x00\x20\x2d\x00", 5,
			"rtas/ibm,configure-kernel-dump:", "5 bytes");
	expect_bad_prop("pseries-qemu", "rtas/ibm,configure-kernel-dump",
			"", 0, "rtas/ibm,configure-kernel-dump:", "0 bytes");
}

static void test_sizes_not_triples(void **state)
{
	static const unsigned char sizes13[13] = {
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x13, 0xe0, 0 };

	(void)state;
	expect_bad_prop("pseries-qemu", "rtas/ibm,configure-kernel-dump-sizes",
			sizes13, sizeof(sizes13),
			"ibm,configure-kernel-dump-sizes", "13 bytes");
}

static void test_sizes_type_wider_than_16_bits(void **state)
{
	/* The second entry's type is 0x00010002. */
	static const unsigned char sizes[24] = {
		0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x13, 0xe0,
		0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0 };

	(void)state;
	expect_bad_prop("pseries-qemu", "rtas/ibm,configure-kernel-dump-sizes",
			sizes, sizeof(sizes),
			"ibm,configure-kernel-dump-sizes", "entry 1 has type 0x00010002");
}

static void test_kernel_dump_shorter_than_header(void **state)
{
	unsigned char dump[39] = { 0, 0, 0, 1, 0, 3 };

	(void)state;
	expect_bad_prop("pseries-qemu", "rtas/ibm,kernel-dump", dump,
			sizeof(dump), "rtas/ibm,kernel-dump", "39 bytes");
}

static void test_property_too_large(void **state)
{
	const size_t max = 64 * 1024;
	unsigned char *big = calloc(1, max + 1);

	(void)state;
	assert_non_null(big);
	big[3] = 1;
	expect_bad_prop("pseries-qemu", "rtas/ibm,kernel-dump", big, max + 1,
			"rtas/ibm,kernel-dump", "larger than 65536 bytes");
	free(big);
}

static void test_property_at_size_limit(void **state)
{
	const size_t max = 64 * 1024;
	unsigned char *big = calloc(1, max);
	char *root = fixture_scratch("pseries-qemu");
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;
	const void *data;
	size_t len;

	(void)state;
	assert_non_null(big);
	scratch_write(root, SYS_DT "/rtas/ibm,kernel-dump", big, max);
	ctx = ctx_at(root);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_int_equal(fadump_devtree_get_prop(dt, FADUMP_DT_KERNEL_DUMP,
						 &data, &len), 0);
	assert_int_equal(len, max);
	assert_true(fadump_devtree_dump_present(dt));
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
	scratch_remove(root);
	free(big);
}

static void test_strings_not_terminated(void **state)
{
	(void)state;
	expect_bad_prop("pseries-qemu", "compatible", "qemu,pseries", 12,
			"/compatible: 12 bytes", "NUL-terminated");
	expect_bad_prop("pseries-qemu", "compatible", "", 0,
			"/compatible: 0 bytes", "NUL-terminated");
	expect_bad_prop("pseries-qemu", "device_type", "chrp", 4,
			"device_type", "4 bytes");
	expect_bad_prop("powernv", "ibm,opal/dump/compatible",
			"ibm,opal-dump", 13, "ibm,opal/dump/compatible",
			"13 bytes");
}

static void test_load_area_partial_range(void **state)
{
	unsigned char area[20] = { 0 };

	(void)state;
	expect_bad_prop("powernv", "ibm,opal/dump/fw-load-area", area,
			sizeof(area), "ibm,opal/dump/fw-load-area", "20 bytes");
}

/* ------------------------------------------------------------------ */
/* Things in the directory that are not property files                */
/* ------------------------------------------------------------------ */

static void expect_dir_bad(const char *root, const char *needle1,
			   const char *needle2)
{
	struct fadump_ctx *ctx = ctx_at(root);
	struct fadump_devtree *dt = (void *)1;

	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt),
			 -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, needle1);
	assert_msg_has(ctx, needle2);
	fadump_ctx_unref(ctx);
}

static void test_property_is_a_directory(void **state)
{
	char *root = fixture_scratch("pseries-qemu");
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s/rtas/ibm,kernel-dump", root, SYS_DT);
	assert_int_equal(mkdir(path, 0755), 0);
	expect_dir_bad(root, "rtas/ibm,kernel-dump", "is a node");
	scratch_remove(root);
}

static void test_property_is_a_fifo(void **state)
{
	char *root = fixture_scratch("pseries-qemu");
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s/rtas/ibm,kernel-dump", root, SYS_DT);
	assert_int_equal(mkfifo(path, 0644), 0);
	/* Must fail, not block in open(). */
	expect_dir_bad(root, "rtas/ibm,kernel-dump", "not a regular file");
	scratch_remove(root);
}

static void test_rtas_is_a_file(void **state)
{
	char *root = fixture_scratch("pseries-qemu");
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;
	char path[PATH_MAX];

	(void)state;
	/* A property named "rtas" is not the /rtas node: nothing under it. */
	snprintf(path, sizeof(path), "rm -rf '%s/%s/rtas'", root, SYS_DT);
	assert_int_equal(system(path), 0);
	scratch_write(root, SYS_DT "/rtas", "rtas", 5);
	ctx = ctx_at(root);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_PSERIES);
	assert_false(fadump_devtree_firmware_support(dt));
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

/* ------------------------------------------------------------------ */
/* Broken blobs                                                       */
/* ------------------------------------------------------------------ */

static void *good_blob(size_t *len)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "devtree/pseries-qemu/%s", SYS_DT);
	return fdt_from_dir(fixture_path(rel), len);
}

static void expect_blob_bad(const void *blob, size_t len, const char *needle)
{
	struct fadump_ctx *ctx = ctx_fixture("x86");
	struct fadump_devtree *dt = (void *)1;
	/* Exactly @len bytes, so a read past them trips ASan. */
	void *exact = malloc(len ? len : 1);

	assert_non_null(exact);
	memcpy(exact, blob, len);
	assert_int_equal(fadump_devtree_from_fdt(ctx, exact, len, &dt), -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, "FDT blob");
	assert_msg_has(ctx, needle);
	free(exact);
	fadump_ctx_unref(ctx);
}

static void expect_file_bad(const void *blob, size_t len, const char *needle)
{
	char *root = fdt_root(blob, len);
	struct fadump_ctx *ctx = ctx_at(root);
	struct fadump_devtree *dt = (void *)1;

	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt),
			 -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, "sys/firmware/fdt");
	assert_msg_has(ctx, needle);
	/* AUTO reads the same blob when there is no directory. */
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt),
			 -EBADMSG);
	assert_msg_has(ctx, needle);
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

static void test_blob_truncated(void **state)
{
	size_t len;
	void *blob = good_blob(&len);

	(void)state;
	expect_blob_bad(blob, len - 1, "declares");
	expect_file_bad(blob, len - 1, "truncated");
	expect_blob_bad(blob, 39, "shorter than the 40-byte header");
	expect_file_bad(blob, 39, "truncated");
	expect_blob_bad(blob, 0, "shorter than the 40-byte header");
	expect_file_bad(blob, 0, "truncated");
	free(blob);
}

static void test_blob_totalsize_beyond_len(void **state)
{
	size_t len;
	void *blob = good_blob(&len);

	(void)state;
	put_be32(blob, 4, (uint32_t)len + 8);	/* totalsize */
	expect_blob_bad(blob, len, "declares");
	expect_file_bad(blob, len, "truncated");
	/* A header claiming more than any device tree: no 2 GiB malloc. */
	put_be32(blob, 4, 0x7fffffff);
	expect_file_bad(blob, len, "more than");
	expect_blob_bad(blob, len, "declares");
	/* totalsize smaller than the header itself */
	put_be32(blob, 4, 16);
	expect_blob_bad(blob, len, "less than the header");
	expect_file_bad(blob, len, "less than the header");
	free(blob);
}

static void test_blob_file_longer_than_totalsize(void **state)
{
	size_t len;
	char *blob = good_blob(&len);
	char *longer = malloc(len + 1);
	struct fadump_devtree *dt;
	struct fadump_ctx *ctx;

	(void)state;
	assert_non_null(longer);
	memcpy(longer, blob, len);
	longer[len] = 0;
	/* The kernel's file is exactly totalsize long. */
	expect_file_bad(longer, len + 1, "longer than");
	/* An in-memory buffer may be larger than the tree in it. */
	ctx = ctx_fixture("x86");
	assert_int_equal(fadump_devtree_from_fdt(ctx, longer, len + 1, &dt), 0);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_PSERIES);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
	free(longer);
	free(blob);
}

static void test_blob_garbage(void **state)
{
	unsigned char junk[4096];
	uint32_t seed = 12345;

	(void)state;
	for (int round = 0; round < 64; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			seed = seed * 1103515245 + 12345;
			junk[i] = seed >> 16;
		}
		junk[0] = 0x12;	/* never the FDT magic by chance */
		expect_blob_bad(junk, sizeof(junk), "not a flattened device tree");
		/* Right magic and size, garbage after: libfdt's full check. */
		put_be32(junk, 0, 0xd00dfeed);
		put_be32(junk, 4, sizeof(junk));
		expect_blob_bad(junk, sizeof(junk), "invalid flattened device tree");
	}
	put_be32(junk, 0, 0x12345678);
	expect_file_bad(junk, sizeof(junk), "not a flattened device tree");
}

/*
 * What an accepted tree promises whatever its content: properties of the
 * shapes fadump.h documents, and accessors that stay inside them.
 */
static void check_invariants(const struct fadump_devtree *dt)
{
	const void *data;
	uint64_t bytes;
	uint16_t type;
	uint32_t token;
	size_t len;
	int n;

	for (int p = 0; p < FADUMP_DT_PROP_COUNT; p++) {
		int ret = fadump_devtree_get_prop(dt, p, &data, &len);
		unsigned int sum = 0;

		assert_true(ret == 0 || ret == -ENOENT);
		if (ret == 0)	/* touch every byte: ASan checks the bounds */
			for (size_t i = 0; i < len; i++)
				sum += ((const unsigned char *)data)[i];
		(void)sum;
	}
	if (fadump_devtree_get_prop(dt, FADUMP_DT_CONFIGURE_KERNEL_DUMP,
				    NULL, &len) == 0)
		assert_int_equal(len, 4);
	if (fadump_devtree_get_prop(dt, FADUMP_DT_KERNEL_DUMP, NULL, &len) == 0)
		assert_true(len >= 40);
	if (fadump_devtree_get_prop(dt, FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES,
				    NULL, &len) == 0)
		assert_int_equal(len % 12, 0);
	/* Support without an OPAL dump node can only come from the token. */
	if (fadump_devtree_firmware_support(dt) &&
	    fadump_devtree_get_prop(dt, FADUMP_DT_OPAL_DUMP_COMPATIBLE,
				    NULL, NULL) != 0)
		assert_int_equal(fadump_devtree_rtas_token(dt, &token), 0);
	n = fadump_devtree_dump_sizes_count(dt);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(fadump_devtree_dump_size(dt, i, &type, &bytes), 0);
	assert_int_equal(fadump_devtree_dump_size(dt, n, &type, &bytes), -ERANGE);
}

static void test_blob_mutations(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("x86");
	int accepted = 0, rejected = 0;
	uint32_t seed = 4242;
	unsigned char *good;
	size_t len;

	(void)state;
	/* The capture-boot tree: the most properties to corrupt. */
	{
		char rel[PATH_MAX];

		snprintf(rel, sizeof(rel), "devtree/pseries-capture-440/%s", SYS_DT);
		good = fdt_from_dir(fixture_path(rel), &len);
	}
	for (int round = 0; round < 3000; round++) {
		unsigned char *buf = malloc(len);	/* exact: ASan bounds */
		struct fadump_devtree *dt;
		int ret;

		assert_non_null(buf);
		memcpy(buf, good, len);
		for (int flips = 1 + round % 4; flips > 0; flips--) {
			seed = seed * 1103515245 + 12345;
			buf[(seed >> 8) % len] = seed >> 24;
		}
		ret = fadump_devtree_from_fdt(ctx, buf, len, &dt);
		free(buf);
		if (ret == 0) {
			check_invariants(dt);
			fadump_devtree_unref(dt);
			accepted++;
		} else {
			assert_int_equal(ret, -EBADMSG);
			assert_string_not_equal(fadump_ctx_get_error(ctx), "");
			rejected++;
		}
	}
	/* Both outcomes happen, or the corruption did not reach the parser. */
	assert_true(accepted > 100);
	assert_true(rejected > 100);
	free(good);
	fadump_ctx_unref(ctx);
}

static void test_blob_bad_structure_offset(void **state)
{
	size_t len;
	void *blob = good_blob(&len);

	(void)state;
	/* off_dt_struct near the end: the struct block runs off the blob. */
	put_be32(blob, 8, (uint32_t)len - 4);
	expect_blob_bad(blob, len, "invalid flattened device tree");
	expect_file_bad(blob, len, "invalid flattened device tree");
	free(blob);
}

static void test_blob_unaligned(void **state)
{
	size_t len;
	void *blob = good_blob(&len);
	char *buf = malloc(len + 1);
	struct fadump_ctx *ctx = ctx_fixture("x86");
	struct fadump_devtree *dt;
	uint32_t token;

	(void)state;
	/* libfdt wants 8-byte alignment; callers need not provide it. */
	assert_non_null(buf);
	memcpy(buf + 1, blob, len);
	assert_int_equal(fadump_devtree_from_fdt(ctx, buf + 1, len, &dt), 0);
	assert_int_equal(fadump_devtree_rtas_token(dt, &token), 0);
	assert_int_equal(token, 0x202d);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
	free(buf);
	free(blob);
}

static void test_fdt_file_is_a_fifo(void **state)
{
	char *root = scratch_new();
	struct fadump_ctx *ctx;
	struct fadump_devtree *dt = (void *)1;
	char path[PATH_MAX];

	(void)state;
	scratch_write(root, "sys/firmware/.keep", "", 0);
	snprintf(path, sizeof(path), "%s/sys/firmware/fdt", root);
	assert_int_equal(mkfifo(path, 0644), 0);
	ctx = ctx_at(root);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt),
			 -EBADMSG);
	assert_null(dt);
	assert_msg_has(ctx, "sys/firmware/fdt is not a regular file");
	fadump_ctx_unref(ctx);
	scratch_remove(root);
}

/* ------------------------------------------------------------------ */
/* Platform and support rules, on small scratch trees                 */
/* ------------------------------------------------------------------ */

struct prop_file {
	const char *path;	/* relative to the tree */
	const char *data;
	size_t len;
};

#define PROP(p, lit) { p, lit, sizeof(lit) - 1 }

/* Read a tree made of @props, as a directory and as a blob. */
static struct fadump_devtree *tree_of(const struct prop_file *props,
				      size_t n, struct fadump_ctx **ctxp)
{
	char *root = scratch_new();
	struct fadump_devtree *dt, *fdt_dt;
	struct fadump_ctx *ctx;
	size_t len;
	void *blob;

	for (size_t i = 0; i < n; i++) {
		char rel[PATH_MAX];

		snprintf(rel, sizeof(rel), "%s/%s", SYS_DT, props[i].path);
		scratch_write(root, rel, props[i].data, props[i].len);
	}
	ctx = ctx_at(root);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);

	/* The blob of the same tree must agree on every answer. */
	blob = fdt_from_root(root, SYS_DT, &len);
	assert_int_equal(fadump_devtree_from_fdt(ctx, blob, len, &fdt_dt), 0);
	assert_int_equal(fadump_devtree_get_platform(fdt_dt),
			 fadump_devtree_get_platform(dt));
	assert_int_equal(fadump_devtree_firmware_support(fdt_dt),
			 fadump_devtree_firmware_support(dt));
	assert_int_equal(fadump_devtree_dump_present(fdt_dt),
			 fadump_devtree_dump_present(dt));
	fadump_devtree_unref(fdt_dt);
	free(blob);

	scratch_remove(root);
	if (ctxp)
		*ctxp = ctx;
	else
		fadump_ctx_unref(ctx);
	return dt;
}

static enum fadump_platform platform_of(const struct prop_file *props, size_t n)
{
	struct fadump_devtree *dt = tree_of(props, n, NULL);
	enum fadump_platform p = fadump_devtree_get_platform(dt);

	fadump_devtree_unref(dt);
	return p;
}

static bool support_of(const struct prop_file *props, size_t n)
{
	struct fadump_devtree *dt = tree_of(props, n, NULL);
	bool s = fadump_devtree_firmware_support(dt);

	fadump_devtree_unref(dt);
	return s;
}

static void test_platform_rules(void **state)
{
	/* pSeries_probe(): device_type "chrp" is enough... */
	const struct prop_file chrp_only[] = { PROP("device_type", "chrp\0") };
	/* ...unless the machine is a Cell blade claiming chrp. */
	const struct prop_file cell[] = {
		PROP("device_type", "chrp\0"),
		PROP("compatible", "IBM,CBEA\0"),
	};
	const struct prop_file cell_blade[] = {
		PROP("device_type", "chrp\0"),
		PROP("compatible", "ibm,foo\0IBM,CPBW-1.0\0"),
	};
	/* of_node_is_type() is strcmp(): case matters, first string only. */
	const struct prop_file chrp_upper[] = { PROP("device_type", "CHRP\0") };
	const struct prop_file chrp_list[] = {
		PROP("device_type", "chrp\0other\0"),
	};
	/* pnv_probe(): compatible "ibm,powernv", compared ignoring case. */
	const struct prop_file pnv_upper[] = {
		PROP("compatible", "IBM,PowerNV\0"),
	};
	/* powernv is probed first. */
	const struct prop_file pnv_chrp[] = {
		PROP("device_type", "chrp\0"),
		PROP("compatible", "ibm,powernv\0"),
	};
	/* A prefix is not an entry. */
	const struct prop_file pnv_prefix[] = {
		PROP("compatible", "ibm,powernv9\0ibm,power\0"),
	};
	/* A QEMU pseries compatible without device_type is nothing. */
	const struct prop_file no_type[] = {
		PROP("compatible", "qemu,pseries\0"),
	};

	(void)state;
	assert_int_equal(platform_of(chrp_only, 1), FADUMP_PLATFORM_PSERIES);
	assert_int_equal(platform_of(cell, 2), FADUMP_PLATFORM_NONE);
	assert_int_equal(platform_of(cell_blade, 2), FADUMP_PLATFORM_NONE);
	assert_int_equal(platform_of(chrp_upper, 1), FADUMP_PLATFORM_NONE);
	assert_int_equal(platform_of(chrp_list, 1), FADUMP_PLATFORM_PSERIES);
	assert_int_equal(platform_of(pnv_upper, 1), FADUMP_PLATFORM_POWERNV);
	assert_int_equal(platform_of(pnv_chrp, 2), FADUMP_PLATFORM_POWERNV);
	assert_int_equal(platform_of(pnv_prefix, 1), FADUMP_PLATFORM_NONE);
	assert_int_equal(platform_of(no_type, 1), FADUMP_PLATFORM_NONE);
}

static void test_support_rules(void **state)
{
	/*
	 * The kernel's fadump scan looks at /rtas and /ibm,opal whatever
	 * the machine probe decided: a token is support even with no root
	 * properties at all.
	 */
	const struct prop_file token_only[] = {
		PROP("rtas/ibm,configure-kernel-dump", "\x00\x00\x20\x2d"),
	};
	/* of_flat_dt_is_compatible(): any entry, ignoring case */
	const struct prop_file opal_upper[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/dump/compatible", "foo\0IBM,OPAL-DUMP\0"),
	};
	const struct prop_file opal_other[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/dump/compatible", "ibm,opal-dumpx\0"),
	};
	/* No fw-load-area: nothing to refuse. */
	const struct prop_file opal_no_area[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/dump/compatible", "ibm,opal-dump\0"),
	};
	/* One byte above 768 MB is refused... */
	const struct prop_file opal_one_above[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/dump/compatible", "ibm,opal-dump\0"),
		PROP("ibm,opal/dump/fw-load-area",
		     "\0\0\0\0\x2f\xff\xff\xff" "\0\0\0\0\0\0\0\x02"),
	};
	/* ...and a sum that wraps past 2^64 is accepted, as the kernel does. */
	const struct prop_file opal_wrap[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/dump/compatible", "ibm,opal-dump\0"),
		PROP("ibm,opal/dump/fw-load-area",
		     "\xff\xff\xff\xff\xff\xff\0\0" "\0\0\0\0\0\x02\0\0"),
	};
	/*
	 * The kernel's scan compares node names whole: "rtas@0" is not
	 * "rtas" (and libfdt's own lookup would have matched it).
	 */
	const struct prop_file rtas_unit[] = {
		PROP("device_type", "chrp\0"),
		PROP("rtas@0/ibm,configure-kernel-dump", "\x00\x00\x20\x2d"),
	};
	/* Nor is "rtasx". */
	const struct prop_file rtas_longer[] = {
		PROP("device_type", "chrp\0"),
		PROP("rtasx/ibm,configure-kernel-dump", "\x00\x00\x20\x2d"),
	};
	/* /ibm,opal without a dump node: no OPAL support. */
	const struct prop_file opal_no_dump[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/compatible", "ibm,opal-v3\0"),
	};

	(void)state;
	assert_true(support_of(token_only, 1));
	assert_true(support_of(opal_upper, 2));
	assert_false(support_of(opal_other, 2));
	assert_true(support_of(opal_no_area, 2));
	assert_false(support_of(opal_one_above, 3));
	assert_true(support_of(opal_wrap, 3));
	assert_false(support_of(opal_no_dump, 2));
	assert_false(support_of(rtas_unit, 2));
	assert_false(support_of(rtas_longer, 2));
}

static void test_dump_present_is_the_file_test(void **state)
{
	/*
	 * kdump tooling tests only that mpipl-boot exists; so does the
	 * library, even where the kernel would not offer fadump.
	 */
	const struct prop_file mpipl_only[] = {
		PROP("compatible", "ibm,powernv\0"),
		PROP("ibm,opal/dump/mpipl-boot", ""),
	};
	const struct prop_file kdump_only[] = {
		PROP("device_type", "chrp\0"),
		PROP("rtas/ibm,kernel-dump",
		     "\0\0\0\1\0\3\0\0\0\0\0\x28\0\0\0\0\0\0\0\0"
		     "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
	};
	struct fadump_devtree *dt;

	(void)state;
	dt = tree_of(mpipl_only, 2, NULL);
	assert_true(fadump_devtree_dump_present(dt));
	assert_false(fadump_devtree_firmware_support(dt));
	fadump_devtree_unref(dt);

	dt = tree_of(kdump_only, 2, NULL);
	assert_true(fadump_devtree_dump_present(dt));
	assert_false(fadump_devtree_firmware_support(dt));
	fadump_devtree_unref(dt);
}

struct log_capture {
	char text[4096];
};

static void capture_log(void *userdata, int priority, const char *file,
			int line, const char *fn, const char *format,
			va_list args)
{
	struct log_capture *cap = userdata;
	size_t used = strlen(cap->text);

	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	if (used + 2 < sizeof(cap->text)) {
		vsnprintf(cap->text + used, sizeof(cap->text) - used - 1,
			  format, args);
		strcat(cap->text, "\n");
	}
}

static void test_load_area_refusal_is_logged(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("powernv-fw-above-768m");
	struct log_capture cap = { "" };
	struct fadump_devtree *dt;

	(void)state;
	fadump_ctx_set_log_fn(ctx, capture_log, &cap);
	fadump_ctx_set_log_priority(ctx, LOG_DEBUG);
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_DIR, &dt), 0);
	assert_false(fadump_devtree_firmware_support(dt));
	/* The range and the reason, 0x30000000 + 128 MiB = 0x38000000. */
	if (!strstr(cap.text, "fw-load-area 0x30000000-0x38000000") ||
	    !strstr(cap.text, "768 MB"))
		fail_msg("log does not explain the refusal:\n%s", cap.text);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                          */
/* ------------------------------------------------------------------ */

static void test_dump_size_cells(void **state)
{
	/* {CPU, 0x1, 0x2000} and {HPTE, 0, 0x100000}: hi:lo is 64-bit */
	const struct prop_file props[] = {
		PROP("device_type", "chrp\0"),
		PROP("rtas/ibm,configure-kernel-dump", "\0\0\x20\x2d"),
		PROP("rtas/ibm,configure-kernel-dump-sizes",
		     "\0\0\0\1" "\0\0\0\1" "\0\0\x20\0"
		     "\0\0\0\2" "\0\0\0\0" "\0\x10\0\0"),
	};
	struct fadump_devtree *dt = tree_of(props, 3, NULL);
	uint64_t bytes = 0;
	uint16_t type = 0;

	(void)state;
	assert_int_equal(fadump_devtree_dump_sizes_count(dt), 2);
	assert_int_equal(fadump_devtree_dump_size(dt, 0, &type, &bytes), 0);
	assert_int_equal(type, 1);
	assert_int_equal(bytes, 0x100002000ULL);
	assert_int_equal(fadump_devtree_dump_size(dt, 1, &type, &bytes), 0);
	assert_int_equal(type, 2);
	assert_int_equal(bytes, 0x100000);
	/* Either output may be left out. */
	assert_int_equal(fadump_devtree_dump_size(dt, 1, NULL, &bytes), 0);
	assert_int_equal(fadump_devtree_dump_size(dt, 1, &type, NULL), 0);
	assert_int_equal(fadump_devtree_dump_size(dt, 2, &type, &bytes), -ERANGE);
	assert_int_equal(fadump_devtree_dump_size(dt, UINT32_MAX, &type, &bytes),
			 -ERANGE);
	fadump_devtree_unref(dt);
}

static void test_empty_sizes(void **state)
{
	/* Zero entries is a whole number of triples: no sizes, no error. */
	const struct prop_file props[] = {
		PROP("device_type", "chrp\0"),
		PROP("rtas/ibm,configure-kernel-dump", "\0\0\x20\x2d"),
		PROP("rtas/ibm,configure-kernel-dump-sizes", ""),
	};
	struct fadump_devtree *dt = tree_of(props, 3, NULL);
	size_t len = 99;

	(void)state;
	assert_int_equal(fadump_devtree_dump_sizes_count(dt), 0);
	assert_int_equal(fadump_devtree_get_prop(dt,
			FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES, NULL, &len), 0);
	assert_int_equal(len, 0);
	fadump_devtree_unref(dt);
}

static void test_prop_paths(void **state)
{
	(void)state;
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_CONFIGURE_KERNEL_DUMP),
			    "/rtas/ibm,configure-kernel-dump");
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES),
			    "/rtas/ibm,configure-kernel-dump-sizes");
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_CONFIGURE_KERNEL_DUMP_VERSION),
			    "/rtas/ibm,configure-kernel-dump-version");
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_KERNEL_DUMP),
			    "/rtas/ibm,kernel-dump");
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_OPAL_DUMP_COMPATIBLE),
			    "/ibm,opal/dump/compatible");
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_OPAL_MPIPL_BOOT),
			    "/ibm,opal/dump/mpipl-boot");
	assert_string_equal(fadump_dt_prop_path(FADUMP_DT_OPAL_FW_LOAD_AREA),
			    "/ibm,opal/dump/fw-load-area");
	assert_null(fadump_dt_prop_path(FADUMP_DT_PROP_COUNT));
	assert_null(fadump_dt_prop_path((enum fadump_dt_prop)-1));
}

static void test_get_prop_arguments(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("pseries-qemu");
	struct fadump_devtree *dt;
	const void *data = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_int_equal(fadump_devtree_get_prop(dt,
			FADUMP_DT_CONFIGURE_KERNEL_DUMP, &data, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "\x00\x00\x20\x2d", 4);
	/* Only the length, or only the presence. */
	len = 0;
	assert_int_equal(fadump_devtree_get_prop(dt,
			FADUMP_DT_CONFIGURE_KERNEL_DUMP_SIZES, NULL, &len), 0);
	assert_int_equal(len, 24);
	assert_int_equal(fadump_devtree_get_prop(dt,
			FADUMP_DT_CONFIGURE_KERNEL_DUMP, NULL, NULL), 0);
	assert_int_equal(fadump_devtree_get_prop(dt, FADUMP_DT_PROP_COUNT,
						 &data, &len), -EINVAL);
	assert_int_equal(fadump_devtree_get_prop(dt, (enum fadump_dt_prop)-1,
						 &data, &len), -EINVAL);
	assert_int_equal(fadump_devtree_rtas_token(dt, NULL), -EINVAL);
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

static void test_refcount_and_lifetime(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("powernv-mpipl");
	struct fadump_devtree *dt;

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_ptr_equal(fadump_devtree_ref(dt), dt);
	assert_null(fadump_devtree_unref(dt));
	/* Still held once; and it does not need the context any more. */
	fadump_ctx_unref(ctx);
	assert_int_equal(fadump_devtree_get_platform(dt), FADUMP_PLATFORM_POWERNV);
	assert_true(fadump_devtree_dump_present(dt));
	assert_null(fadump_devtree_unref(dt));	/* freed: ASan checks */
	assert_null(fadump_devtree_unref(NULL));
	assert_null(fadump_devtree_ref(NULL));
}

static void test_bad_arguments(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("pseries-qemu");
	struct fadump_devtree *dt = (void *)1;
	size_t len;
	void *blob = good_blob(&len);

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, NULL),
			 -EINVAL);
	assert_int_equal(fadump_devtree_read(NULL, FADUMP_DT_SOURCE_AUTO, &dt),
			 -EINVAL);
	assert_int_equal(fadump_devtree_read(ctx, (enum fadump_dt_source)7, &dt),
			 -EINVAL);
	assert_null(dt);
	assert_msg_has(ctx, "source 7");
	assert_int_equal(fadump_devtree_from_fdt(ctx, NULL, 100, &dt), -EINVAL);
	assert_int_equal(fadump_devtree_from_fdt(ctx, blob, len, NULL), -EINVAL);
	assert_int_equal(fadump_devtree_from_fdt(NULL, blob, len, &dt), -EINVAL);
	/* NULL objects answer "nothing" rather than crash. */
	assert_int_equal(fadump_devtree_get_platform(NULL), FADUMP_PLATFORM_NONE);
	assert_false(fadump_devtree_firmware_support(NULL));
	assert_false(fadump_devtree_dump_present(NULL));
	assert_int_equal(fadump_devtree_get_prop(NULL, FADUMP_DT_KERNEL_DUMP,
						 NULL, NULL), -EINVAL);
	free(blob);
	fadump_ctx_unref(ctx);
}

static void test_error_cleared_by_success(void **state)
{
	struct fadump_ctx *ctx = ctx_fixture("x86");
	struct fadump_devtree *dt;

	(void)state;
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_FDT, &dt),
			 -ENOENT);
	assert_string_not_equal(fadump_ctx_get_error(ctx), "");
	assert_int_equal(fadump_devtree_read(ctx, FADUMP_DT_SOURCE_AUTO, &dt), 0);
	assert_string_equal(fadump_ctx_get_error(ctx), "");
	fadump_devtree_unref(dt);
	fadump_ctx_unref(ctx);
}

#define FIXTURE_TESTS(i)						\
	cmocka_unit_test_prestate(test_fixture_dir, (void *)&fixtures[i]), \
	cmocka_unit_test_prestate(test_fixture_fdt_file, (void *)&fixtures[i]), \
	cmocka_unit_test_prestate(test_fixture_fdt_blob, (void *)&fixtures[i])

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TESTS(0),
		FIXTURE_TESTS(1),
		FIXTURE_TESTS(2),
		FIXTURE_TESTS(3),
		FIXTURE_TESTS(4),
		FIXTURE_TESTS(5),
		FIXTURE_TESTS(6),
		cmocka_unit_test(test_x86_auto_is_not_an_error),
		cmocka_unit_test(test_x86_explicit_dir_missing),
		cmocka_unit_test(test_x86_explicit_fdt_missing),
		cmocka_unit_test(test_auto_prefers_directory),
		cmocka_unit_test(test_proc_device_tree_not_a_directory),
		cmocka_unit_test(test_token_wrong_length),
		cmocka_unit_test(test_sizes_not_triples),
		cmocka_unit_test(test_sizes_type_wider_than_16_bits),
		cmocka_unit_test(test_kernel_dump_shorter_than_header),
		cmocka_unit_test(test_property_too_large),
		cmocka_unit_test(test_property_at_size_limit),
		cmocka_unit_test(test_strings_not_terminated),
		cmocka_unit_test(test_load_area_partial_range),
		cmocka_unit_test(test_property_is_a_directory),
		cmocka_unit_test(test_property_is_a_fifo),
		cmocka_unit_test(test_rtas_is_a_file),
		cmocka_unit_test(test_blob_truncated),
		cmocka_unit_test(test_blob_totalsize_beyond_len),
		cmocka_unit_test(test_blob_file_longer_than_totalsize),
		cmocka_unit_test(test_blob_garbage),
		cmocka_unit_test(test_blob_mutations),
		cmocka_unit_test(test_blob_bad_structure_offset),
		cmocka_unit_test(test_blob_unaligned),
		cmocka_unit_test(test_fdt_file_is_a_fifo),
		cmocka_unit_test(test_platform_rules),
		cmocka_unit_test(test_support_rules),
		cmocka_unit_test(test_dump_present_is_the_file_test),
		cmocka_unit_test(test_load_area_refusal_is_logged),
		cmocka_unit_test(test_dump_size_cells),
		cmocka_unit_test(test_empty_sizes),
		cmocka_unit_test(test_prop_paths),
		cmocka_unit_test(test_get_prop_arguments),
		cmocka_unit_test(test_refcount_and_lifetime),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_error_cleared_by_success),
	};

	/* One prestate test per fixture and way: keep the list in step. */
	_Static_assert(sizeof(fixtures) / sizeof(fixtures[0]) == 7,
		       "one FIXTURE_TESTS() line per fixture");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

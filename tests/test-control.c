// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Register, unregister, re-register, release and bootargs_append on
 * scratch copies of the fixture roots, with the fake kernel of
 * fake-kernel.h standing in for the sysfs stores: every kernel errno of
 * kernel-interface.md §1.3, the writes the kernel reports as successful
 * although nothing changed, and the 3.4-era refusal to re-register.
 * Each failure is checked for its errno and for a message that names the
 * file and says why.
 */
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
#include <syslog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fadump.h"
#include "fake-kernel.h"
#include "helpers.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define DIR_REG "sys/kernel/fadump/registered"
#define LEGACY_REG "sys/kernel/fadump_registered"
#define DIR_RELEASE "sys/kernel/fadump/release_mem"
#define LEGACY_RELEASE "sys/kernel/fadump_release_mem"
#define BOOTARGS "sys/kernel/fadump/bootargs_append"
#define RANGE_ATTR "sys/kernel/fadump/release_range"

#define MSG_NO_FADUMP "kernel without fadump support (CONFIG_FA_DUMP off or firmware lacks ibm,configure-kernel-dump)"
#define MSG_NOT_ENABLED "fadump not enabled at boot (fadump=on missing or reservation failed)"
#define MSG_DUMP_ACTIVE "a dump is active: save it and release the memory first"

/* One scratch root with the fake kernel attached and a context on it. */
struct scratch {
	char *dir;
	struct fadump_ctx *ctx;
};

static struct scratch *open_root(const char *root, enum fake_kernel_gen gen,
				 bool model)
{
	struct scratch *s = calloc(1, sizeof(*s));
	char rel[PATH_MAX];

	assert_non_null(s);
	snprintf(rel, sizeof(rel), "roots/%s", root);
	s->dir = fixture_copy(rel);
	if (model)
		fake_kernel_start(s->dir, gen);
	assert_int_equal(fadump_ctx_new(s->dir, &s->ctx), 0);
	fadump_ctx_set_log_fn(s->ctx, NULL, NULL);
	return s;
}

static struct scratch *open_modern(const char *root)
{
	return open_root(root, FAKE_KERNEL_MODERN, true);
}

static void close_root(struct scratch *s)
{
	fake_kernel_stop();
	fadump_ctx_unref(s->ctx);
	scratch_remove(s->dir);
	free(s);
}

static const char *spath(struct scratch *s, const char *rel)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	return path;
}

static bool exists(struct scratch *s, const char *rel)
{
	struct stat st;

	return lstat(spath(s, rel), &st) == 0;
}

static void assert_msg_has(struct fadump_ctx *ctx, const char *needle)
{
	const char *msg = fadump_ctx_get_error(ctx);

	if (!strstr(msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", msg, needle);
}

static enum fadump_tristate registered_now(struct scratch *s)
{
	struct fadump_status st = { .size = sizeof(st) };

	assert_int_equal(fadump_status_read(s->ctx, &st), 0);
	return st.registered;
}

/* ---- the normal life cycle on every generation --------------------- */

struct generation {
	const char *registered_root;
	const char *capture_root;
	enum fake_kernel_gen gen;
	const char *reg;	/* the attribute the library must write */
	const char *release;
};

static const struct generation generations[] = {
	{ "pseries-3.4-registered", "pseries-3.4-capture", FAKE_KERNEL_3_4,
	  LEGACY_REG, LEGACY_RELEASE },
	{ "pseries-5.10-registered", "pseries-5.10-capture", FAKE_KERNEL_MODERN,
	  DIR_REG, DIR_RELEASE },
	{ "pseries-7.2-registered", "pseries-7.2-capture", FAKE_KERNEL_MODERN,
	  DIR_REG, DIR_RELEASE },
	{ "powernv-6.1-registered", "powernv-6.1-capture", FAKE_KERNEL_MODERN,
	  DIR_REG, DIR_RELEASE },
};

static void test_cycle(void **state)
{
	const struct generation *g = *state;
	struct scratch *s = open_root(g->registered_root, g->gen, true);
	char want[512];

	/* Already registered: success without touching the attribute. */
	assert_int_equal(fadump_register(s->ctx), 0);
	assert_int_equal(fake_kernel_writes(g->reg), 0);

	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_string_equal(scratch_read(s->dir, g->reg), "0\n");
	assert_int_equal(registered_now(s), FADUMP_NO);

	/* Not registered: success, and no "0" for 3.4 to refuse. */
	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_int_equal(fake_kernel_writes(g->reg), 1);

	assert_int_equal(fadump_register(s->ctx), 0);
	assert_string_equal(scratch_read(s->dir, g->reg), "1\n");
	assert_int_equal(registered_now(s), FADUMP_YES);

	/* In place where the kernel can; 0 then 1 where it refuses (3.4). */
	assert_int_equal(fadump_reregister(s->ctx), 0);
	assert_int_equal(registered_now(s), FADUMP_YES);
	if (g->gen == FAKE_KERNEL_3_4)
		snprintf(want, sizeof(want), "%1$s=0 %1$s=1 %1$s=1 %1$s=0 %1$s=1 ",
			 g->reg);
	else
		snprintf(want, sizeof(want), "%1$s=0 %1$s=1 %1$s=1 ", g->reg);
	assert_string_equal(fake_kernel_log(), want);
	assert_string_equal(fadump_ctx_get_error(s->ctx), "");
	close_root(s);
}

static void test_release_cycle(void **state)
{
	const struct generation *g = *state;
	struct scratch *s = open_root(g->capture_root, g->gen, true);
	struct fadump_status st = { .size = sizeof(st) };
	char want[256];

	assert_int_equal(fadump_status_read(s->ctx, &st), 0);
	assert_true(st.dump_active);

	/* Nothing can be registered while the dump waits. */
	assert_int_equal(fadump_register(s->ctx), -EPERM);
	assert_msg_has(s->ctx, MSG_DUMP_ACTIVE);
	assert_int_equal(fadump_reregister(s->ctx), -EPERM);
	assert_msg_has(s->ctx, MSG_DUMP_ACTIVE);
	/* ...and nothing is registered, so unregistering is already done. */
	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_int_equal(fake_kernel_writes(g->reg), 0);

	assert_int_equal(fadump_release(s->ctx), 0);
	assert_false(exists(s, "proc/vmcore"));
	snprintf(want, sizeof(want), "%s=1 ", g->release);
	assert_string_equal(fake_kernel_log(), want);

	assert_int_equal(fadump_status_read(s->ctx, &st), 0);
	assert_false(st.dump_active);
	assert_true(st.release_available);

	/* Twice: refused before writing, the attribute outlives the dump. */
	assert_int_equal(fadump_release(s->ctx), -EPERM);
	assert_msg_has(s->ctx, "already released");
	assert_int_equal(fake_kernel_writes(g->release), 1);

	/* The memory is back: registering is allowed again. */
	assert_int_equal(fadump_register(s->ctx), 0);
	assert_int_equal(registered_now(s), FADUMP_YES);
	close_root(s);
}

/* No model at all: the attributes are plain files and writes just land. */
static void test_plain_files(void **state)
{
	struct scratch *s = open_root("pseries-5.10-registered",
				      FAKE_KERNEL_MODERN, false);

	(void)state;
	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_string_equal(scratch_read(s->dir, DIR_REG), "0\n");
	/* The legacy link shows the same attribute. */
	assert_string_equal(scratch_read(s->dir, LEGACY_REG), "0\n");
	assert_int_equal(fadump_register(s->ctx), 0);
	assert_string_equal(scratch_read(s->dir, DIR_REG), "1\n");
	close_root(s);
}

/* ---- what a successful operation logs ------------------------------ */

/* Every message at LOG_DEBUG and above, as the log hook sees them. */
struct log_record {
	unsigned int serious;	/* LOG_WARNING or worse */
	char first_serious[640];
	unsigned int writing;	/* "writing ..." debug lines */
};

static void record_log(void *userdata, int priority, const char *file,
		       int line, const char *fn, const char *format,
		       va_list args)
{
	struct log_record *rec = userdata;
	char msg[512];

	(void)file;
	(void)line;
	vsnprintf(msg, sizeof(msg), format, args);
	if (priority <= LOG_WARNING && rec->serious++ == 0)
		snprintf(rec->first_serious, sizeof(rec->first_serious),
			 "%s: %s", fn, msg);
	if (strncmp(msg, "writing ", 8) == 0)
		rec->writing++;
}

/*
 * Success is not an error: register, unregister, re-register, bootargs,
 * release_range and release each succeed with nothing logged at
 * LOG_WARNING or worse, and a "writing" debug line for each write the
 * kernel saw, no more.
 */
static void test_success_logs_no_error(void **state)
{
	struct log_record rec = { 0 };
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	fadump_ctx_set_log_fn(s->ctx, record_log, &rec);
	fadump_ctx_set_log_priority(s->ctx, LOG_DEBUG);
	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_int_equal(fadump_register(s->ctx), 0);
	assert_int_equal(fadump_register(s->ctx), 0);	/* nothing to do */
	assert_int_equal(fadump_reregister(s->ctx), 0);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "nr_cpus=16"), 0);
	assert_int_equal(fake_kernel_writes(DIR_REG), 3);
	assert_int_equal(fake_kernel_writes(BOOTARGS), 1);
	close_root(s);

	s = open_modern("pseries-7.2-capture");
	fadump_ctx_set_log_fn(s->ctx, record_log, &rec);
	fadump_ctx_set_log_priority(s->ctx, LOG_DEBUG);
	scratch_write(s->dir, RANGE_ATTR, "", 0);
	assert_int_equal(fadump_release_range(s->ctx, 0x40000000, 0x10000), 0);
	assert_int_equal(fadump_release(s->ctx), 0);
	assert_int_equal(fake_kernel_writes(RANGE_ATTR), 1);
	assert_int_equal(fake_kernel_writes(DIR_RELEASE), 1);
	close_root(s);

	if (rec.serious)
		fail_msg("%u messages at LOG_WARNING or worse, the first: %s",
			 rec.serious, rec.first_serious);
	/* 3 registration and 1 bootargs writes, then 2 releases. */
	assert_int_equal(rec.writing, 3 + 1 + 2);
}

/* ---- refused before writing ---------------------------------------- */

static void test_no_fadump(void **state)
{
	struct scratch *s = open_modern("none");
	char *args = (char *)"untouched";

	(void)state;
	assert_int_equal(fadump_register(s->ctx), -ENODEV);
	assert_msg_has(s->ctx, MSG_NO_FADUMP);
	assert_int_equal(fadump_unregister(s->ctx), -ENODEV);
	assert_msg_has(s->ctx, MSG_NO_FADUMP);
	assert_int_equal(fadump_reregister(s->ctx), -ENODEV);
	assert_int_equal(fadump_release(s->ctx), -ENODEV);
	assert_msg_has(s->ctx, MSG_NO_FADUMP);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "x"), -ENODEV);
	/* get's contract: no attribute is EOPNOTSUPP, whatever the reason. */
	assert_int_equal(fadump_bootargs_append_get(s->ctx, &args), -EOPNOTSUPP);
	assert_null(args);
	assert_msg_has(s->ctx, "bootargs_append");
	assert_string_equal(fake_kernel_log(), "");
	close_root(s);
}

/* Firmware offers fadump, the kernel shows nothing: CONFIG_FA_DUMP. */
static void test_no_kernel_support(void **state)
{
	struct scratch *s = open_modern("pseries-5.10-registered");
	char cmd[PATH_MAX + 32];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/sys/kernel/fadump*", s->dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(fadump_register(s->ctx), -ENODEV);
	assert_msg_has(s->ctx, "firmware offers fadump");
	assert_msg_has(s->ctx, "CONFIG_FA_DUMP");
	close_root(s);
}

static void test_not_enabled(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-disabled");

	(void)state;
	assert_int_equal(fadump_register(s->ctx), -EPERM);
	assert_msg_has(s->ctx, MSG_NOT_ENABLED);
	assert_int_equal(fadump_reregister(s->ctx), -EPERM);
	assert_msg_has(s->ctx, MSG_NOT_ENABLED);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "nr_cpus=1"), -EPERM);
	assert_msg_has(s->ctx, MSG_NOT_ENABLED);
	/* Nothing registered: the state asked for already holds. */
	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_int_equal(fadump_release(s->ctx), -ENOENT);
	assert_msg_has(s->ctx, "no active dump");
	assert_string_equal(fake_kernel_log(), "");
	close_root(s);
}

static void test_release_not_capture(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	assert_int_equal(fadump_release(s->ctx), -ENOENT);
	assert_msg_has(s->ctx, "no active dump");
	assert_msg_has(s->ctx, "release_mem");
	close_root(s);
}

/* ---- the kernel's errno from registered_store() -------------------- */

struct kernel_error {
	int err;
	const char *says;
};

static const struct kernel_error register_errors[] = {
	{ EINVAL, "parameter error (RTAS status -3" },
	{ EEXIST, "already registered (RTAS status -9)" },
	{ EIO, "firmware registration call failed" },
	{ ETIMEDOUT, "busy for more than 60 seconds" },
	{ ENODEV, "no memory reserved for fadump" },
	{ EPERM, "the kernel refused the write (EPERM)" },
	{ EBUSY, "Device or resource busy" },
};

static void test_register_error(void **state)
{
	const struct kernel_error *e = *state;
	struct scratch *s = open_modern("pseries-7.2-registered");

	scratch_write(s->dir, DIR_REG, "0\n", 2);
	fake_kernel_next_write(DIR_REG, e->err, NULL);
	assert_int_equal(fadump_register(s->ctx), -e->err);
	assert_msg_has(s->ctx, DIR_REG);
	assert_msg_has(s->ctx, e->says);
	assert_int_equal(fake_kernel_writes(DIR_REG), 1);
	close_root(s);
}

/* RTAS -9: the kernel returns EEXIST and marks itself registered. */
static void test_register_eexist_state(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	scratch_write(s->dir, DIR_REG, "0\n", 2);
	fake_kernel_next_write(DIR_REG, EEXIST, "1\n");
	assert_int_equal(fadump_register(s->ctx), -EEXIST);
	assert_msg_has(s->ctx, "registered now reads 1");
	close_root(s);
}

static void test_not_root(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	fake_kernel_fail_open(DIR_REG, EACCES);
	assert_int_equal(fadump_unregister(s->ctx), -EACCES);
	assert_msg_has(s->ctx, DIR_REG);
	assert_msg_has(s->ctx, "needs root");
	assert_int_equal(fake_kernel_writes(DIR_REG), 0);

	fake_kernel_fail_open(BOOTARGS, EACCES);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "nr_cpus=1"), -EACCES);
	assert_msg_has(s->ctx, "needs root");
	close_root(s);

	s = open_modern("pseries-7.2-capture");
	fake_kernel_fail_open(DIR_RELEASE, EACCES);
	assert_int_equal(fadump_release(s->ctx), -EACCES);
	assert_msg_has(s->ctx, DIR_RELEASE);
	assert_msg_has(s->ctx, "needs root");
	assert_true(exists(s, "proc/vmcore"));
	close_root(s);
}

/* ---- writes the kernel reports as done although nothing changed ---- */

static void test_silent_unregister_failure(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	fake_kernel_next_write(DIR_REG, 0, NULL);
	assert_int_equal(fadump_unregister(s->ctx), -EIO);
	assert_msg_has(s->ctx, DIR_REG);
	assert_msg_has(s->ctx, "kernel accepted the write but registered still reads 1");
	assert_msg_has(s->ctx, "firmware unregister");
	close_root(s);
}

/* 3.4: register_fadump() was void; a firmware error left registered at 0. */
static void test_silent_register_failure(void **state)
{
	struct scratch *s = open_root("pseries-3.4-registered",
				      FAKE_KERNEL_3_4, true);

	(void)state;
	scratch_write(s->dir, LEGACY_REG, "0\n", 2);
	fake_kernel_next_write(LEGACY_REG, 0, NULL);
	assert_int_equal(fadump_register(s->ctx), -EIO);
	assert_msg_has(s->ctx, LEGACY_REG);
	assert_msg_has(s->ctx, "kernel accepted the write but registered still reads 0");
	close_root(s);
}

static void test_silent_release_failure(void **state)
{
	struct scratch *s = open_modern("pseries-5.10-capture");

	(void)state;
	fake_kernel_next_write(DIR_RELEASE, 0, NULL);
	assert_int_equal(fadump_release(s->ctx), -EIO);
	assert_msg_has(s->ctx, "kernel accepted the write but /proc/vmcore still exists");
	close_root(s);
}

/* ---- re-registration ------------------------------------------------ */

static void test_reregister_34_fallback(void **state)
{
	struct scratch *s = open_root("pseries-3.4-registered",
				      FAKE_KERNEL_3_4, true);

	(void)state;
	assert_int_equal(fadump_reregister(s->ctx), 0);
	assert_string_equal(fake_kernel_log(),
			    LEGACY_REG "=1 " LEGACY_REG "=0 " LEGACY_REG "=1 ");
	assert_string_equal(scratch_read(s->dir, LEGACY_REG), "1\n");
	close_root(s);
}

/* The fallback's unregister can fail silently too; that is the error. */
static void test_reregister_34_fallback_fails(void **state)
{
	struct scratch *s = open_root("pseries-3.4-registered",
				      FAKE_KERNEL_3_4, true);

	(void)state;
	fake_kernel_next_write(LEGACY_REG, EINVAL, NULL);
	fake_kernel_next_write(LEGACY_REG, 0, NULL);
	assert_int_equal(fadump_reregister(s->ctx), -EIO);
	assert_msg_has(s->ctx, "still reads 1");
	/* Never went on to the "1". */
	assert_int_equal(fake_kernel_writes(LEGACY_REG), 2);
	close_root(s);
}

/* Modern EINVAL: unregistered, then firmware refused; no fallback. */
static void test_reregister_param_error(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	fake_kernel_next_write(DIR_REG, EINVAL, "0\n");
	assert_int_equal(fadump_reregister(s->ctx), -EINVAL);
	assert_msg_has(s->ctx, "parameter error");
	assert_string_equal(fake_kernel_log(), DIR_REG "=1 ");
	close_root(s);
}

static void test_reregister_errors(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");

	(void)state;
	fake_kernel_next_write(DIR_REG, ETIMEDOUT, "0\n");
	assert_int_equal(fadump_reregister(s->ctx), -ETIMEDOUT);
	assert_msg_has(s->ctx, "60 seconds");
	close_root(s);

	/* Not registered: a plain registration. */
	s = open_modern("pseries-7.2-registered");
	scratch_write(s->dir, DIR_REG, "0\n", 2);
	assert_int_equal(fadump_reregister(s->ctx), 0);
	assert_string_equal(fake_kernel_log(), DIR_REG "=1 ");
	close_root(s);
}

/* ---- release_mem ----------------------------------------------------- */

static void test_release_kernel_errors(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-capture");

	(void)state;
	/* The kernel's dump_active went away under us. */
	fake_kernel_next_write(DIR_RELEASE, EPERM, NULL);
	assert_int_equal(fadump_release(s->ctx), -EPERM);
	assert_msg_has(s->ctx, DIR_RELEASE);
	assert_msg_has(s->ctx, "already released");

	fake_kernel_next_write(DIR_RELEASE, EINVAL, NULL);
	assert_int_equal(fadump_release(s->ctx), -EINVAL);
	assert_msg_has(s->ctx, DIR_RELEASE);
	assert_msg_has(s->ctx, "Invalid argument");
	assert_true(exists(s, "proc/vmcore"));
	close_root(s);
}

/* ---- bootargs_append ------------------------------------------------- */

static void test_bootargs_get(void **state)
{
	static const struct {
		const char *root;
		int ret;
		const char *val;
	} cases[] = {
		{ "pseries-7.2-registered", 0, "nr_cpus=16 numa=off" },
		{ "pseries-7.2-capture", 0, "nr_cpus=16 numa=off" },
		{ "pseries-7.2-disabled", -EOPNOTSUPP, NULL },
		{ "pseries-5.10-registered", -EOPNOTSUPP, NULL },
		{ "powernv-6.1-registered", -EOPNOTSUPP, NULL },
		{ "pseries-3.4-registered", -EOPNOTSUPP, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scratch *s = open_modern(cases[i].root);
		char *args = NULL;

		assert_int_equal(fadump_bootargs_append_get(s->ctx, &args),
				 cases[i].ret);
		if (cases[i].val) {
			assert_string_equal(args, cases[i].val);
			free(args);
		} else {
			assert_null(args);
			assert_msg_has(s->ctx, "bootargs_append");
		}
		close_root(s);
	}
}

static void test_bootargs_get_bad(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		int ret;
		const char *says;
	} cases[] = {
		{ "nr_cpus=1", 9, -EBADMSG, "found \"nr_cpus=1\"" },
		{ "", 0, -EBADMSG, "found \"\"" },
		{ "a\0b\n", 4, -EBADMSG, "found \"a\\x00b\\n\"" },
	};
	struct scratch *s = open_modern("pseries-7.2-registered");
	char *args = NULL;
	char big[5000];

	(void)state;
	assert_int_equal(fadump_bootargs_append_get(s->ctx, NULL), -EINVAL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		scratch_write(s->dir, BOOTARGS, cases[i].data, cases[i].len);
		assert_int_equal(fadump_bootargs_append_get(s->ctx, &args),
				 cases[i].ret);
		assert_null(args);
		assert_msg_has(s->ctx, BOOTARGS);
		assert_msg_has(s->ctx, cases[i].says);
	}

	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	scratch_write(s->dir, BOOTARGS, big, sizeof(big));
	assert_int_equal(fadump_bootargs_append_get(s->ctx, &args), -EBADMSG);
	assert_msg_has(s->ctx, "more than 4096 bytes");

	/* Inner newlines are the kernel's to keep: only the last is stripped. */
	scratch_write(s->dir, BOOTARGS, "a\nb\n\n", 5);
	assert_int_equal(fadump_bootargs_append_get(s->ctx, &args), 0);
	assert_string_equal(args, "a\nb\n");
	free(args);

	assert_int_equal(unlink(spath(s, BOOTARGS)), 0);
	assert_int_equal(mkdir(spath(s, BOOTARGS), 0755), 0);
	assert_int_equal(fadump_bootargs_append_get(s->ctx, &args), -EISDIR);
	assert_msg_has(s->ctx, BOOTARGS);
	close_root(s);
}

static void test_bootargs_set(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");
	char *args = NULL;

	(void)state;
	assert_int_equal(fadump_bootargs_append_set(s->ctx,
			 "nr_cpus=1 cma=0 hugetlb_cma=0"), 0);
	assert_string_equal(scratch_read(s->dir, BOOTARGS),
			    "nr_cpus=1 cma=0 hugetlb_cma=0\n");
	assert_int_equal(fadump_bootargs_append_get(s->ctx, &args), 0);
	assert_string_equal(args, "nr_cpus=1 cma=0 hugetlb_cma=0");
	free(args);

	/* Clearing: a 0-byte write never reaches the store, "\n" does. */
	assert_int_equal(fadump_bootargs_append_set(s->ctx, ""), 0);
	assert_string_equal(scratch_read(s->dir, BOOTARGS), "\n");
	assert_string_equal(fake_kernel_log(),
			    BOOTARGS "=nr_cpus=1 cma=0 hugetlb_cma=0 "
			    BOOTARGS "=\\n ");
	close_root(s);
}

static void test_bootargs_set_refused(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");
	char args[2049];

	(void)state;
	assert_int_equal(fadump_bootargs_append_set(s->ctx, NULL), -EINVAL);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a=1\nb=2"), -EINVAL);
	assert_msg_has(s->ctx, "newline at offset 3");
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a=1\n"), -EINVAL);

	memset(args, 'x', sizeof(args));
	args[2048] = '\0';
	assert_int_equal(fadump_bootargs_append_set(s->ctx, args), -EINVAL);
	assert_msg_has(s->ctx, "2048 bytes");
	assert_msg_has(s->ctx, "fewer than 2048");
	assert_int_equal(fake_kernel_writes(BOOTARGS), 0);

	/* One byte less fits, on a kernel with an empty command line. */
	fake_kernel_set_cmdline_len(0);
	args[2047] = '\0';
	assert_int_equal(fadump_bootargs_append_set(s->ctx, args), 0);
	assert_int_equal(fake_kernel_writes(BOOTARGS), 1);
	close_root(s);
}

static void test_bootargs_set_kernel_errors(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");
	char args[101];

	(void)state;
	memset(args, 'y', 100);
	args[100] = '\0';
	fake_kernel_set_cmdline_len(1990);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, args), -ENOSPC);
	assert_msg_has(s->ctx, BOOTARGS);
	assert_msg_has(s->ctx, "kernel command line plus these 100 bytes would exceed 2048 bytes");
	assert_string_equal(scratch_read(s->dir, BOOTARGS), "nr_cpus=16 numa=off\n");

	fake_kernel_next_write(BOOTARGS, EINVAL, NULL);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a"), -EINVAL);
	assert_msg_has(s->ctx, "the kernel refused 1 bytes");

	fake_kernel_next_write(BOOTARGS, EPERM, NULL);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a"), -EPERM);
	assert_msg_has(s->ctx, "refused the write (EPERM)");

	/* Accepted, yet the attribute still shows the old string. */
	fake_kernel_next_write(BOOTARGS, 0, NULL);
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a"), -EIO);
	assert_msg_has(s->ctx, "kernel accepted the write but bootargs_append reads \"nr_cpus=16 numa=off\"");
	close_root(s);
}

static void test_bootargs_set_unsupported(void **state)
{
	struct scratch *s = open_modern("pseries-5.10-registered");

	(void)state;
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a"), -EOPNOTSUPP);
	assert_msg_has(s->ctx, "bootargs_append");
	close_root(s);

	s = open_modern("pseries-7.2-capture");
	assert_int_equal(fadump_bootargs_append_set(s->ctx, "a"), -EPERM);
	assert_msg_has(s->ctx, MSG_DUMP_ACTIVE);
	assert_int_equal(fake_kernel_writes(BOOTARGS), 0);
	close_root(s);
}

static void test_null_ctx(void **state)
{
	char *args;

	(void)state;
	assert_int_equal(fadump_register(NULL), -EINVAL);
	assert_int_equal(fadump_unregister(NULL), -EINVAL);
	assert_int_equal(fadump_reregister(NULL), -EINVAL);
	assert_int_equal(fadump_release(NULL), -EINVAL);
	assert_int_equal(fadump_bootargs_append_get(NULL, &args), -EINVAL);
	assert_int_equal(fadump_bootargs_append_set(NULL, "a"), -EINVAL);
}

/* ---- release_range (kernel/patches/0003) and the control lock ------- */

static void test_release_range(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-capture");
	struct fadump_status st = { .size = sizeof(st) };

	(void)state;
	/* A stock kernel: no attribute, nothing written. */
	assert_int_equal(fadump_status_read(s->ctx, &st), 0);
	assert_false(st.release_range_available);
	assert_int_equal(fadump_release_range(s->ctx, 0x40000000, 0x10000),
			 -EOPNOTSUPP);
	assert_msg_has(s->ctx, "kernel/patches/0003");
	assert_string_equal(fake_kernel_log(), "");

	scratch_write(s->dir, RANGE_ATTR, "", 0);
	assert_int_equal(fadump_status_read(s->ctx, &st), 0);
	assert_true(st.release_range_available);
	assert_true(st.dump_active);

	/* "START SIZE" in hex, one write, under the lock. */
	assert_int_equal(fadump_release_range(s->ctx, 0x40000000, 0x1000000), 0);
	assert_string_equal(fake_kernel_log(), RANGE_ATTR "=0x40000000 0x1000000 ");
	assert_true(exists(s, "run/fadump.lock"));
	/* The dump is still there: release_mem is what ends it. */
	assert_true(exists(s, "proc/vmcore"));

	/* Empty and wrapping ranges never reach the kernel. */
	assert_int_equal(fadump_release_range(s->ctx, 0x40000000, 0), -EINVAL);
	assert_int_equal(fadump_release_range(s->ctx, UINT64_MAX - 0xfff, 0x2000),
			 -EINVAL);
	assert_msg_has(s->ctx, "wraps around");
	assert_int_equal(fake_kernel_writes(RANGE_ATTR), 1);
	close_root(s);
}

static const struct kernel_error release_range_errors[] = {
	{ EPERM, "no dump is active" },
	{ EINVAL, "multiples of its page size" },
	{ ERANGE, "not releasable crash memory (ERANGE)" },
	{ EBUSY, "was released before (EBUSY)" },
	{ EACCES, "needs root" },
	{ ENOMEM, "Cannot allocate memory" },
};

static void test_release_range_kernel_errors(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-capture");

	(void)state;
	scratch_write(s->dir, RANGE_ATTR, "", 0);
	for (size_t i = 0; i < ARRAY_SIZE(release_range_errors); i++) {
		const struct kernel_error *e = &release_range_errors[i];

		fake_kernel_next_write(RANGE_ATTR, e->err, NULL);
		assert_int_equal(fadump_release_range(s->ctx, 0x50000000, 0x20000),
				 -e->err);
		assert_msg_has(s->ctx, e->says);
		assert_msg_has(s->ctx, RANGE_ATTR);
	}
	close_root(s);
}

/* A lock held elsewhere: the operation waits, then gives up by name. */
static void test_lock_held(void **state)
{
	struct scratch *s = open_modern("pseries-7.2-registered");
	int fd;

	(void)state;
	/* A root without run/ gets one, as tmpfiles would make it. */
	assert_false(exists(s, "run"));
	assert_int_equal(fadump_unregister(s->ctx), 0);
	assert_true(exists(s, "run/fadump.lock"));

	fd = open(spath(s, "run/fadump.lock"), O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	assert_int_equal(fadump_register(s->ctx), -EBUSY);
	assert_msg_has(s->ctx, "another fadump operation holds");
	assert_msg_has(s->ctx, "run/fadump.lock");
	/* Refused before anything was written. */
	assert_int_equal(fake_kernel_writes("sys/kernel/fadump/registered"), 1);
	close(fd);
	assert_int_equal(fadump_register(s->ctx), 0);
	assert_int_equal(registered_now(s), FADUMP_YES);
	close_root(s);
}

int main(void)
{
	const size_t ngen = sizeof(generations) / sizeof(generations[0]);
	const size_t nerr = sizeof(register_errors) / sizeof(register_errors[0]);
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_plain_files),
		cmocka_unit_test(test_no_fadump),
		cmocka_unit_test(test_no_kernel_support),
		cmocka_unit_test(test_not_enabled),
		cmocka_unit_test(test_release_not_capture),
		cmocka_unit_test(test_release_range),
		cmocka_unit_test(test_release_range_kernel_errors),
		cmocka_unit_test(test_lock_held),
		cmocka_unit_test(test_register_eexist_state),
		cmocka_unit_test(test_not_root),
		cmocka_unit_test(test_silent_unregister_failure),
		cmocka_unit_test(test_silent_register_failure),
		cmocka_unit_test(test_silent_release_failure),
		cmocka_unit_test(test_reregister_34_fallback),
		cmocka_unit_test(test_reregister_34_fallback_fails),
		cmocka_unit_test(test_reregister_param_error),
		cmocka_unit_test(test_reregister_errors),
		cmocka_unit_test(test_release_kernel_errors),
		cmocka_unit_test(test_bootargs_get),
		cmocka_unit_test(test_bootargs_get_bad),
		cmocka_unit_test(test_bootargs_set),
		cmocka_unit_test(test_bootargs_set_refused),
		cmocka_unit_test(test_bootargs_set_kernel_errors),
		cmocka_unit_test(test_bootargs_set_unsupported),
		cmocka_unit_test(test_null_ctx),
		cmocka_unit_test(test_success_logs_no_error),
	};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct CMUnitTest *tests;
	char (*names)[96];
	size_t n = 0;
	int ret;

	tests = calloc(2 * ngen + nerr + nfixed, sizeof(*tests));
	names = calloc(2 * ngen + nerr, sizeof(*names));
	if (!tests || !names)
		return 1;
	for (size_t i = 0; i < ngen; i++) {
		snprintf(names[n], sizeof(names[n]), "cycle %s",
			 generations[i].registered_root);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_cycle,
			.initial_state = (void *)&generations[i] };
		n++;
		snprintf(names[n], sizeof(names[n]), "release %s",
			 generations[i].capture_root);
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_release_cycle,
			.initial_state = (void *)&generations[i] };
		n++;
	}
	for (size_t i = 0; i < nerr; i++) {
		snprintf(names[n], sizeof(names[n]), "register error %s",
			 strerrorname_np(register_errors[i].err));
		tests[n] = (struct CMUnitTest){ .name = names[n],
			.test_func = test_register_error,
			.initial_state = (void *)&register_errors[i] };
		n++;
	}
	memcpy(tests + n, fixed, sizeof(fixed));
	n += nfixed;
	ret = _cmocka_run_group_tests("control", tests, n, NULL, NULL);
	free(tests);
	free(names);
	return ret;
}

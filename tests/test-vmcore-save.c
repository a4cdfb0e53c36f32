// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Black-box tests of streaming and saving a vmcore: the copy is the
 * source byte for byte, sparse, mode 0600, renamed into place; every
 * failure (bad destination, existing dump, cancellation, a full
 * filesystem, a source that ends early) leaves the directory as it was.
 *
 * The full-filesystem tests mount a small tmpfs, which needs root; they
 * are skipped with a message elsewhere (CI runs them as root).
 */
#include <errno.h>
#include <fcntl.h>
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
#include "vmcore-util.h"

struct env {
	struct fadump_ctx *ctx;
	char *dir;		/* scratch: the source dump lives here */
	char out[512];		/* destination directory, <dir>/out */
	struct mkvmcore_spec spec;
	struct fadump_vmcore *vm;
	char src[512];
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ctx = vt_ctx();
	e->dir = vt_tmpdir();
	snprintf(e->out, sizeof(e->out), "%s/out", e->dir);
	assert_int_equal(mkdir(e->out, 0700), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	fadump_vmcore_unref(e->vm);
	fadump_ctx_unref(e->ctx);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

/* Generate e->spec as <dir>/vmcore and open it. */
static void open_spec(struct env *e)
{
	snprintf(e->src, sizeof(e->src), "%s",
		 vt_make(e->dir, "vmcore", &e->spec, NULL));
	assert_int_equal(fadump_vmcore_open(e->ctx, e->src, &e->vm), 0);
}

static void open_default(struct env *e, bool big_endian)
{
	mkvmcore_default(&e->spec, big_endian);
	open_spec(e);
}

static void assert_out_empty(struct env *e)
{
	char names[256];

	if (vt_dir_entries(e->out, names, sizeof(names)) != 0) {
		print_error("left behind in %s:%s\n", e->out, names);
		fail();
	}
}

/* Non-zero @block-sized blocks of @path, in bytes: what a sparse copy writes. */
static uint64_t data_bytes(const char *path, size_t block)
{
	size_t len, n;
	unsigned char *buf = vt_slurp(path, &len);
	uint64_t bytes = 0;

	for (size_t off = 0; off < len; off += n) {
		n = len - off < block ? len - off : block;
		for (size_t i = 0; i < n; i++)
			if (buf[off + i]) {
				bytes += n;
				break;
			}
	}
	free(buf);
	return bytes;
}

static void assert_same_file(const char *a, const char *b)
{
	size_t la, lb;
	unsigned char *x = vt_slurp(a, &la), *y = vt_slurp(b, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	free(x);
	free(y);
}

static void test_save(bool big_endian, void **state)
{
	struct env *e = *state;
	struct fadump_save_result res;
	struct fadump_vmcore *copy;
	struct fadump_vmcore_info info = { .size = sizeof(info) };
	const char *saved;
	struct stat st;

	open_default(e, big_endian);
	memset(&res, 0x5a, sizeof(res));
	res.size = sizeof(res);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, NULL, &res), 0);

	saved = vt_path(e->out, "vmcore");
	assert_same_file(e->src, saved);
	assert_int_equal(vt_dir_entries(e->out, NULL, 0), 1);
	assert_int_equal(stat(saved, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true((uint64_t)st.st_size == 0x1c0000);
	/* 75% of the pages are zero: most of the file is holes */
	assert_true((uint64_t)st.st_blocks * 512 < 0x1c0000 / 2);

	assert_int_equal(res.size, sizeof(res));
	assert_true(res.bytes_total == 0x1c0000);
	assert_true(res.bytes_written ==
		    data_bytes(e->src, (size_t)st.st_blksize));
	assert_true(res.bytes_written + res.zero_bytes_skipped == res.bytes_total);
	assert_true(res.nanoseconds > 0);

	/* the copy is a dump like the original */
	assert_int_equal(fadump_vmcore_open(e->ctx, saved, &copy), 0);
	assert_int_equal(fadump_vmcore_get_info(copy, &info), 0);
	assert_int_equal(info.segments, 3);
	assert_int_equal(info.cpus, 4);
	fadump_vmcore_unref(copy);
}

static void test_save_be(void **state)
{
	test_save(true, state);
}

static void test_save_le(void **state)
{
	test_save(false, state);
}

static void test_save_not_sparse(void **state)
{
	struct env *e = *state;
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .flags = FADUMP_SAVE_NO_SPARSE,
		.name = "full",
	};
	struct fadump_save_result res = { .size = FADUMP_SAVE_RESULT_SIZE_V1 };
	struct stat st;

	open_default(e, true);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, &res), 0);
	assert_same_file(e->src, vt_path(e->out, "full"));
	assert_int_equal(stat(vt_path(e->out, "full"), &st), 0);
	assert_true((uint64_t)st.st_blocks * 512 >= 0x1c0000);
	assert_true(res.bytes_written == 0x1c0000);
	assert_true(res.zero_bytes_skipped == 0);
}

static void test_save_existing(void **state)
{
	struct env *e = *state;

	open_default(e, false);
	scratch_write(e->out, "vmcore", "old", 3);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, NULL, NULL), -EEXIST);
	vt_error_has(e->ctx, "out/vmcore already exists");
	assert_string_equal(scratch_read(e->out, "vmcore"), "old");
	assert_int_equal(vt_dir_entries(e->out, NULL, 0), 1);

	/* a dangling symlink in the way counts too: nothing is followed */
	assert_int_equal(unlink(vt_path(e->out, "vmcore")), 0);
	assert_int_equal(symlink("/nonexistent", vt_path(e->out, "vmcore")), 0);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, NULL, NULL), -EEXIST);
	assert_int_equal(vt_dir_entries(e->out, NULL, 0), 1);
}

static void test_save_bad_dest(void **state)
{
	struct env *e = *state;
	char link[600];

	open_default(e, true);
	assert_int_equal(fadump_vmcore_save(e->vm, vt_path(e->dir, "nowhere"),
					    NULL, NULL), -ENOENT);
	vt_error_has(e->ctx, "nowhere");
	assert_int_equal(fadump_vmcore_save(e->vm, e->src, NULL, NULL), -ENOTDIR);
	vt_error_has(e->ctx, "vmcore");
	snprintf(link, sizeof(link), "%s/link", e->dir);
	assert_int_equal(symlink(e->out, link), 0);
	assert_int_equal(fadump_vmcore_save(e->vm, link, NULL, NULL), -ELOOP);
	vt_error_has(e->ctx, "symbolic link");
	assert_int_equal(fadump_vmcore_save(e->vm, "", NULL, NULL), -EINVAL);
	assert_int_equal(fadump_vmcore_save(e->vm, NULL, NULL, NULL), -EINVAL);
	assert_out_empty(e);
}

static void test_save_bad_opts(void **state)
{
	static const char *const names[] = { "", "a/b", ".", "..", "/vmcore" };
	struct env *e = *state;
	struct fadump_save_opts opts = { .size = sizeof(opts) };
	struct fadump_save_result res = { .size = FADUMP_SAVE_RESULT_SIZE_V1 - 1 };

	open_default(e, true);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		opts.name = names[i];
		assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, NULL),
				 -EINVAL);
		vt_error_has(e->ctx, "not a file name");
	}
	opts.name = NULL;
	opts.chunk_size = 1000;
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, NULL), -EINVAL);
	vt_error_has(e->ctx, "chunk size 1000");
	opts.chunk_size = 0;
	opts.flags = 0x80;
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, NULL), -EINVAL);
	vt_error_has(e->ctx, "flags 0x80");
	opts.flags = 0;
	opts.size = 8;
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, NULL), -EINVAL);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, NULL, &res), -EINVAL);
	assert_out_empty(e);
}

struct calls {
	unsigned int n;
	unsigned int cancel_at;		/* 0: never */
	uint64_t last_done;
	uint64_t total;
	bool ordered;
};

static int count_progress(void *userdata, uint64_t done, uint64_t total)
{
	struct calls *c = userdata;

	c->n++;
	if (done <= c->last_done || (c->total && total != c->total))
		c->ordered = false;
	c->last_done = done;
	c->total = total;
	return c->cancel_at && c->n == c->cancel_at;
}

static void test_save_progress(void **state)
{
	struct env *e = *state;
	struct calls c = { .ordered = true };
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .chunk_size = 65536,
		.progress = count_progress, .userdata = &c,
	};

	open_default(e, true);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, NULL), 0);
	assert_int_equal(c.n, 0x1c0000 / 65536);	/* one per chunk */
	assert_true(c.ordered);
	assert_true(c.last_done == 0x1c0000);
	assert_true(c.total == 0x1c0000);
}

static void test_save_cancel(void **state)
{
	struct env *e = *state;
	struct calls c = { .ordered = true, .cancel_at = 3 };
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .chunk_size = 65536,
		.progress = count_progress, .userdata = &c,
	};
	char want[700];

	open_default(e, false);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, &opts, NULL),
			 -ECANCELED);
	assert_int_equal(c.n, 3);
	snprintf(want, sizeof(want), "saving to %s cancelled after 196608 of "
		 "1835008 bytes; the partial copy is removed", e->out);
	assert_string_equal(fadump_ctx_get_error(e->ctx), want);
	assert_out_empty(e);
}

static void test_save_source_shrinks(void **state)
{
	struct env *e = *state;

	open_default(e, true);
	assert_int_equal(truncate(e->src, 0x100000), 0);
	assert_int_equal(fadump_vmcore_save(e->vm, e->out, NULL, NULL), -EIO);
	vt_error_has(e->ctx, "file ends at offset 0x100000");
	assert_out_empty(e);
}

/* Mount a tmpfs of @size on e->out, or skip the test. */
static void small_fs(struct env *e, const char *size)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd),
		 "mount -t tmpfs -o size=%s,mode=0700 fadump-test %s 2>/dev/null",
		 size, e->out);
	if (system(cmd) != 0) {
		print_message("cannot mount a tmpfs (not root?): test skipped\n");
		skip();
	}
}

static void unmount(struct env *e)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "umount %s", e->out);
	assert_int_equal(system(cmd), 0);
}

static void test_save_enospc(void **state)
{
	struct env *e = *state;
	const char *msg = fadump_ctx_get_error(e->ctx), *at;
	unsigned long long offset;
	char want[700];
	int ret;

	/* 1.75 MiB of data, no zero page, onto 1 MiB */
	mkvmcore_default(&e->spec, true);
	e->spec.zero_percent = 0;
	open_spec(e);
	small_fs(e, "1M");
	ret = fadump_vmcore_save(e->vm, e->out, NULL, NULL);
	assert_out_empty(e);
	unmount(e);
	assert_int_equal(ret, -ENOSPC);
	/*
	 * The whole message, naming the unnamed O_TMPFILE copy by what it
	 * was for; the offset where the 1 MiB filesystem filled up (about
	 * there: tmpfs counts pages) is the one number the test cannot know
	 * in advance.
	 */
	at = strstr(msg, "write at offset ");
	assert_non_null(at);
	offset = strtoull(at + strlen("write at offset "), NULL, 16);
	assert_true(offset >= 512 * 1024 && offset < 1835008);
	snprintf(want, sizeof(want),
		 "%s/vmcore (not yet linked): write at offset %#llx failed: "
		 "No space left on device (copy stopped at %llu of 1835008 "
		 "bytes); the partial copy is removed", e->out, offset, offset);
	assert_string_equal(msg, want);
}

static void test_save_space_check(void **state)
{
	struct env *e = *state;
	int ret;

	/* 1024 CPU notes: 536 KiB of notes that must be written */
	mkvmcore_default(&e->spec, false);
	e->spec.cpus = 1024;
	open_spec(e);
	small_fs(e, "256k");
	ret = fadump_vmcore_save(e->vm, e->out, NULL, NULL);
	assert_out_empty(e);
	unmount(e);
	assert_int_equal(ret, -ENOSPC);
	vt_error_has(e->ctx, "bytes free, the dump needs at least");
}

/* ------------------------------------------------------------------ */
/* Streaming                                                           */

struct stream_check {
	const unsigned char *file;
	size_t len;
	size_t chunk;
	uint64_t next;
	unsigned int calls;
	int ret_at;			/* call number that returns @ret */
	int ret;
	bool ok;
};

static int check_chunk(void *userdata, const struct fadump_vmcore_chunk *c)
{
	struct stream_check *s = userdata;

	s->calls++;
	if (c->size < sizeof(*c) || c->offset != s->next || c->total != s->len ||
	    (c->len != s->chunk && c->offset + c->len != s->len) ||
	    c->offset + c->len > s->len ||
	    memcmp(c->data, s->file + c->offset, c->len) != 0)
		s->ok = false;
	s->next = c->offset + c->len;
	return (int)s->calls == s->ret_at ? s->ret : 0;
}

static void test_stream(void **state)
{
	struct env *e = *state;
	struct stream_check s = { .ok = true, .chunk = 3 * 4096 };

	open_default(e, false);
	s.file = vt_slurp(e->src, &s.len);
	assert_int_equal(fadump_vmcore_stream(e->vm, s.chunk, check_chunk, &s), 0);
	assert_true(s.ok);
	assert_true(s.next == s.len);
	assert_int_equal(s.calls, (s.len + s.chunk - 1) / s.chunk);

	/* the default chunk: 4 MiB, the whole 1.75 MiB file at once */
	s = (struct stream_check){ .ok = true, .chunk = 4 << 20, .file = s.file,
				   .len = s.len };
	assert_int_equal(fadump_vmcore_stream(e->vm, 0, check_chunk, &s), 0);
	assert_true(s.ok);
	assert_int_equal(s.calls, 1);

	/* stopping: a positive return cancels, a negative errno is passed on */
	s = (struct stream_check){ .ok = true, .chunk = 65536, .file = s.file,
				   .len = s.len, .ret_at = 2, .ret = 1 };
	assert_int_equal(fadump_vmcore_stream(e->vm, s.chunk, check_chunk, &s),
			 -ECANCELED);
	assert_int_equal(s.calls, 2);
	vt_error_has(e->ctx, "stopped at offset 0x20000");
	s = (struct stream_check){ .ok = true, .chunk = 65536, .file = s.file,
				   .len = s.len, .ret_at = 4, .ret = -EPIPE };
	assert_int_equal(fadump_vmcore_stream(e->vm, s.chunk, check_chunk, &s),
			 -EPIPE);
	vt_error_has(e->ctx, "callback failed");

	assert_int_equal(fadump_vmcore_stream(e->vm, 4095, check_chunk, &s), -EINVAL);
	assert_int_equal(fadump_vmcore_stream(e->vm, 128 << 20, check_chunk, &s),
			 -EINVAL);
	assert_int_equal(fadump_vmcore_stream(e->vm, 0, NULL, &s), -EINVAL);
	free((void *)s.file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_save_be, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_le, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_not_sparse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_existing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_bad_dest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_bad_opts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_source_shrinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_space_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

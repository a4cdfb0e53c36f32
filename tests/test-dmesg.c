// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The crashed kernel's log out of a dump: printk ring buffers written by
 * mkvmcore_printk_build() from the kernel's rules (printk_ringbuffer.c),
 * in both byte orders, with the ring wrapped, ids wrapping their mask,
 * fields moved, and damaged.
 *
 * Expected lines are written out by hand in vmcore-dmesg's format
 * "[%5lu.%06lu] text": 3161458000 ns is "[    3.161458]".
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
#include "vmcore-util.h"

#define ID_MASK (~(3ULL << 62))

struct env {
	struct fadump_ctx *ctx;
	char *dir;
	struct mkvmcore_spec spec;
	struct mkvmcore_printk pk;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	e->ctx = vt_ctx();
	e->dir = vt_tmpdir();
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	fadump_ctx_unref(e->ctx);
	scratch_remove(e->dir);
	free(e);
	return 0;
}

static const struct mkvmcore_msg crash_msgs[] = {
	{ 0, 0x80000000, "Linux version 7.2.0-fadump-test" },
	{ 536423000, 1, "Run /init as init process" },
	{ 3161123000ULL, 123, "sysrq: Trigger a crash" },
	{ 3161458000ULL, 123, "Kernel panic - not syncing: sysrq triggered crash" },
};

static const char crash_text[] =
	"[    0.000000] Linux version 7.2.0-fadump-test\n"
	"[    0.536423] Run /init as init process\n"
	"[    3.161123] sysrq: Trigger a crash\n"
	"[    3.161458] Kernel panic - not syncing: sysrq triggered crash\n";

/* Build the ring in e->pk for @big_endian (no file yet). */
static void build(struct env *e, bool big_endian,
		  const struct mkvmcore_msg *msgs, unsigned int n)
{
	mkvmcore_default(&e->spec, big_endian);
	assert_int_equal(mkvmcore_printk_build(&e->pk, msgs, n, &e->spec), 0);
}

static struct fadump_vmcore *open_dump(struct env *e)
{
	struct fadump_vmcore *vm = NULL;
	const char *path = vt_make(e->dir, "vmcore", &e->spec, NULL);

	assert_int_equal(fadump_vmcore_open(e->ctx, path, &vm), 0);
	return vm;
}

/* Put @v (@bytes wide, the dump's order) at @off of the ring image. */
static void poke(struct env *e, size_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		int shift = e->spec.big_endian ? 8 * (bytes - 1 - i) : 8 * i;

		e->pk.image[off + i] = (unsigned char)(v >> shift);
	}
}

/* Replace the first @from in the VMCOREINFO text with @to. */
static void edit_info(struct env *e, const char *from, const char *to)
{
	char *p = strstr(e->pk.vmcoreinfo, from), tail[4096];

	assert_non_null(p);
	snprintf(tail, sizeof(tail), "%s", p + strlen(from));
	snprintf(p, sizeof(e->pk.vmcoreinfo) - (size_t)(p - e->pk.vmcoreinfo),
		 "%s%s", to, tail);
}

static char *dmesg_ok(struct env *e, struct fadump_dmesg_summary *sum)
{
	struct fadump_vmcore *vm = open_dump(e);
	char *text = NULL;
	size_t len = 0;
	int ret;

	sum->size = sizeof(*sum);
	ret = fadump_vmcore_dmesg_text(vm, &text, &len, sum);
	if (ret < 0)
		print_error("dmesg: %s\n", fadump_ctx_get_error(e->ctx));
	assert_int_equal(ret, 0);
	assert_int_equal(len, strlen(text));
	fadump_vmcore_unref(vm);
	return text;
}

static void dmesg_fails(struct env *e, int err, const char *word)
{
	struct fadump_vmcore *vm = open_dump(e);
	char *text = (char *)1;

	assert_int_equal(fadump_vmcore_dmesg_text(vm, &text, NULL, NULL), err);
	assert_null(text);
	vt_error_has(e->ctx, word);
	fadump_vmcore_unref(vm);
}

static void crash_log(void **state, bool big_endian)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	char *text;

	mkvmcore_printk_init(&e->pk);
	build(e, big_endian, crash_msgs, 4);
	text = dmesg_ok(e, &sum);
	assert_string_equal(text, crash_text);
	assert_int_equal(sum.format, FADUMP_DMESG_LOCKLESS);
	assert_int_equal(sum.records, 4);
	assert_int_equal(sum.lost, 0);
	free(text);
}

/*
 * A filtered dump (level 31) leaves out the all-zero pages of the text
 * ring, the part not yet written: they are read as zeros, as makedumpfile
 * and crash read them, and the log comes out whole.
 */
static void test_ring_pages_left_out(void **state)
{
	struct env *e = *state;
	struct fadump_save_opts opts = {
		.size = sizeof(opts), .dump_level = FADUMP_DUMP_LEVEL_MAX,
		.format = FADUMP_SAVE_FORMAT_KDUMP,
		.compression = FADUMP_COMPRESS_NONE, .threads = 1,
		.name = "level31",
	};
	struct fadump_save_result res = { .size = sizeof(res) };
	struct fadump_vmcore *vm = NULL, *filtered = NULL;
	char path[4096], *text = NULL;

	mkvmcore_printk_init(&e->pk);
	e->pk.size_bits = 15;		/* 32 KiB of text ring, 4 short records */
	build(e, false, crash_msgs, 4);
	edit_info(e, "PAGESIZE=65536", "PAGESIZE=4096");
	e->spec.page_size = 4096;
	vm = open_dump(e);
	assert_int_equal(fadump_vmcore_save(vm, e->dir, &opts, &res), 0);
	fadump_vmcore_unref(vm);
	/* the ring's last pages were left out for being zero */
	assert_true(res.class_excluded[FADUMP_PAGE_ZERO] >= 4);

	snprintf(path, sizeof(path), "%s/level31", e->dir);
	assert_int_equal(fadump_vmcore_open(e->ctx, path, &filtered), 0);
	assert_int_equal(fadump_vmcore_read(filtered, MKV_PRB_PADDR + MKV_PRB_DATA +
					    0x7000, path, 16), -ENODATA);
	assert_int_equal(fadump_vmcore_dmesg_text(filtered, &text, NULL, NULL), 0);
	assert_string_equal(text, crash_text);
	free(text);
	fadump_vmcore_unref(filtered);
}

static void test_crash_log_be(void **state) { crash_log(state, true); }
static void test_crash_log_le(void **state) { crash_log(state, false); }

struct collected {
	unsigned int n;
	uint64_t seq[64];
	uint32_t caller[64];
	int stop_with;
};

static int collect(void *userdata, const struct fadump_dmesg_record *rec)
{
	struct collected *c = userdata;

	assert_true(rec->size >= sizeof(*rec));
	if (c->n < 64) {
		c->seq[c->n] = rec->seq;
		c->caller[c->n] = rec->caller_id;
	}
	c->n++;
	return c->stop_with;
}

/* The record fields through the callback: seq and caller_id as written. */
static void test_records(void **state)
{
	struct env *e = *state;
	struct collected c = { 0 };
	struct fadump_vmcore *vm;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	vm = open_dump(e);
	assert_int_equal(fadump_vmcore_dmesg(vm, collect, &c, NULL), 0);
	assert_int_equal(c.n, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(c.seq[i], i);
		assert_int_equal(c.caller[i], crash_msgs[i].caller_id);
	}
	fadump_vmcore_unref(vm);
}

/* A callback's error stops the walk and is returned; 1 is -ECANCELED. */
static void test_callback_stops(void **state)
{
	struct env *e = *state;
	struct collected c = { .stop_with = -EINTR };
	struct fadump_vmcore *vm;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	vm = open_dump(e);
	assert_int_equal(fadump_vmcore_dmesg(vm, collect, &c, NULL), -EINTR);
	assert_int_equal(c.n, 1);
	vt_error_has(e->ctx, "callback stopped");
	c = (struct collected){ .stop_with = 1 };
	assert_int_equal(fadump_vmcore_dmesg(vm, collect, &c, NULL), -ECANCELED);
	assert_int_equal(c.n, 1);
	vt_error_has(e->ctx, "callback stopped");
	assert_int_equal(fadump_vmcore_dmesg(vm, NULL, NULL, NULL), -EINVAL);
	fadump_vmcore_unref(vm);
}

/*
 * 40 messages of 17..36 bytes through 16 descriptors and a 1 KiB text
 * ring, ids starting 5 below the id mask so they wrap to 0: the ring
 * keeps the newest ones, in order, whatever wrapped.
 */
static void wrapped(void **state, bool big_endian)
{
	struct env *e = *state;
	struct mkvmcore_msg msgs[40];
	char texts[40][48], expect[4096] = "", line[96];
	struct fadump_dmesg_summary sum;
	char *text;

	for (unsigned int i = 0; i < 40; i++) {
		snprintf(texts[i], sizeof(texts[i]), "message %02u %.*s", i,
			 (int)(i * 7 % 20), "xxxxxxxxxxxxxxxxxxxxxxxxx");
		msgs[i] = (struct mkvmcore_msg){ 1000000000ULL * i + 1000 * i,
						 i, texts[i] };
	}
	mkvmcore_printk_init(&e->pk);
	e->pk.first_id = ID_MASK - 30;	/* id 0 is message 31 */
	build(e, big_endian, msgs, 40);
	/* the generator kept at most the last 16; the text ring may keep fewer */
	assert_true(e->pk.first_kept >= 24);
	assert_true(e->pk.head_id < e->pk.tail_id);	/* ids wrapped */
	for (unsigned int i = e->pk.first_kept; i < 40; i++) {
		snprintf(line, sizeof(line), "[%5u.%06u] %s\n", i, i, texts[i]);
		strcat(expect, line);
	}
	text = dmesg_ok(e, &sum);
	assert_string_equal(text, expect);
	assert_true(strstr(text, "message 39") != NULL);
	assert_int_equal(sum.records, 40 - e->pk.first_kept);
	free(text);
}

static void test_wrapped_be(void **state) { wrapped(state, true); }
static void test_wrapped_le(void **state) { wrapped(state, false); }

/* Empty lines have no data block (EMPTY_LINE_LPOS); odd bytes are escaped. */
static void test_empty_and_escaped(void **state)
{
	struct env *e = *state;
	static const struct mkvmcore_msg msgs[] = {
		{ 1000, 0, "" },
		{ 2000000, 0, "red \x1b[31mtext\xff\ttab" },
	};
	struct fadump_dmesg_summary sum;
	char *text;

	mkvmcore_printk_init(&e->pk);
	build(e, false, msgs, 2);
	text = dmesg_ok(e, &sum);
	assert_string_equal(text, "[    0.000001] \n"
				  "[    0.002000] red \\x1b[31mtext\\xff\ttab\n");
	free(text);
}

/* Every field moved: the reader follows VMCOREINFO, nothing built in. */
static void test_moved_fields(void **state)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	struct mkvmcore_prb_layout *l = &e->pk.lay;
	char *text;

	mkvmcore_printk_init(&e->pk);
	*l = (struct mkvmcore_prb_layout){
		.rb_size = 120, .rb_desc_ring = 48, .rb_text_ring = 8,
		.dr_count_bits = 40, .dr_descs = 0, .dr_infos = 24,
		.dr_head_id = 8, .dr_tail_id = 16,
		.desc_size = 40, .desc_state_var = 24, .desc_text_blk_lpos = 0,
		.info_size = 64, .info_seq = 40, .info_ts_nsec = 0,
		.info_text_len = 60, .info_caller_id = 16,
		.tr_size_bits = 28, .tr_data = 0, .tr_head_lpos = 8,
		.tr_tail_lpos = 16,
	};
	build(e, true, crash_msgs, 4);
	text = dmesg_ok(e, &sum);
	assert_string_equal(text, crash_text);
	free(text);
}

/* A descriptor still reserved when the kernel died is lost, not read. */
static void test_reserved_lost(void **state)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	uint64_t id;
	char *text;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	id = e->pk.first_id + 2;	/* the sysrq line: state desc_reserved */
	poke(e, MKV_PRB_DESCS + (id % 16) * 24, id, 8);
	text = dmesg_ok(e, &sum);
	assert_null(strstr(text, "sysrq: Trigger"));
	assert_non_null(strstr(text, "Kernel panic"));
	assert_int_equal(sum.records, 3);
	assert_int_equal(sum.lost, 1);
	free(text);
}

/*
 * A reusable descriptor that had data was dropped: lost. The kernel's
 * initial placeholder (reusable, FAILED_LPOS) at tail_id is no record at
 * all: without it the same ring reads the same records.
 */
static void test_reusable(void **state)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	uint64_t id;
	char *text;

	mkvmcore_printk_init(&e->pk);
	e->pk.placeholder = false;
	build(e, true, crash_msgs, 4);
	assert_int_equal(e->pk.tail_id, e->pk.first_id);
	text = dmesg_ok(e, &sum);
	assert_string_equal(text, crash_text);
	assert_int_equal(sum.lost, 0);
	free(text);

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	assert_int_equal(e->pk.tail_id, e->pk.first_id - 1);
	id = e->pk.first_id + 1;
	poke(e, MKV_PRB_DESCS + (id % 16) * 24, (3ULL << 62) | id, 8);
	text = dmesg_ok(e, &sum);
	assert_null(strstr(text, "Run /init"));
	assert_int_equal(sum.records, 3);
	assert_int_equal(sum.lost, 1);
	free(text);
}

/* A block whose lpos lie outside any wrap is lost; its neighbours read. */
static void test_bad_lpos_lost(void **state)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	uint64_t id;
	char *text;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	id = e->pk.first_id + 1;
	/* next three wraps after begin: no block is that long */
	poke(e, MKV_PRB_DESCS + (id % 16) * 24 + 16, 3 * 1024, 8);
	text = dmesg_ok(e, &sum);
	assert_null(strstr(text, "Run /init"));
	assert_non_null(strstr(text, "Linux version"));
	assert_int_equal(sum.lost, 1);
	free(text);
}

/* A text_len beyond its block is cut to the block (no over-read). */
static void test_long_text_len(void **state)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	uint64_t id;
	char *text;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	id = e->pk.first_id;	/* "Linux version ...": 31 bytes, block 40 */
	poke(e, MKV_PRB_INFOS + (id % 16) * 88 + 16, 0xffff, 2);
	text = dmesg_ok(e, &sum);
	/* 32 bytes after the id: the text and one byte of padding (0) */
	assert_non_null(strstr(text, "[    0.000000] Linux version 7.2.0-fadump-test\\x00\n"));
	free(text);
}

/* ---- 3.5 - 5.9: log_buf ---- */

static void logbuf(void **state, bool big_endian, uint32_t start)
{
	struct env *e = *state;
	struct fadump_dmesg_summary sum;
	struct collected c = { 0 };
	struct fadump_vmcore *vm;
	char *text;

	mkvmcore_printk_init(&e->pk);
	e->pk.size_bits = 8;		/* 256 bytes: the log must wrap */
	mkvmcore_default(&e->spec, big_endian);
	assert_int_equal(mkvmcore_logbuf_build(&e->pk, crash_msgs, 4, start,
					       &e->spec), 0);
	text = dmesg_ok(e, &sum);
	assert_string_equal(text, crash_text);
	assert_int_equal(sum.format, FADUMP_DMESG_LOG_BUF);
	assert_int_equal(sum.records, 4);
	free(text);
	vm = open_dump(e);
	assert_int_equal(fadump_vmcore_dmesg(vm, collect, &c, NULL), 0);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(c.seq[i], i);	/* counted: not in the log */
		assert_int_equal(c.caller[i], 0);
	}
	fadump_vmcore_unref(vm);
}

/*
 * Records of 48, 48, 40 and 72 bytes: from 0 they fit; from 136 the
 * third leaves no room for a header after it and wraps to 0.
 */
static void test_logbuf_be(void **state) { logbuf(state, true, 0); }
static void test_logbuf_le_wrapped(void **state) { logbuf(state, false, 136); }

static void logbuf_fails(void **state, size_t off, uint64_t v, int bytes,
			 int err, const char *word)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	e->pk.size_bits = 8;
	mkvmcore_default(&e->spec, true);
	assert_int_equal(mkvmcore_logbuf_build(&e->pk, crash_msgs, 4, 0,
					       &e->spec), 0);
	poke(e, off, v, bytes);
	dmesg_fails(e, err, word);
}

/* log_next_idx past log_buf_len */
static void test_logbuf_bad_next(void **state)
{
	logbuf_fails(state, MKV_LOGBUF_NEXT, 4096, 4, -EBADMSG, "log_next_idx 4096");
}

/* a record's len running past the buffer */
static void test_logbuf_bad_len(void **state)
{
	logbuf_fails(state, MKV_PRB_DATA + 48 + 8, 0x4000, 2, -EBADMSG,
		     "index 48 has length 16384");
}

/* log_next_idx not on a record boundary: never reached, no endless walk */
static void test_logbuf_next_never_reached(void **state)
{
	logbuf_fails(state, MKV_LOGBUF_NEXT, 100, 4, -EBADMSG, "never reached");
}

/* a wrap marker at index 0 would loop forever */
static void test_logbuf_zero_at_start(void **state)
{
	logbuf_fails(state, MKV_PRB_DATA + 8, 0, 2, -EBADMSG, "index 0 has length 0");
}

/* log_buf_len of 16 MiB+: refused before any allocation */
static void test_logbuf_huge(void **state)
{
	logbuf_fails(state, MKV_LOGBUF_LEN, 0x7fffffff, 4, -EBADMSG, "log_buf");
}

static void test_no_vmcoreinfo(void **state)
{
	struct env *e = *state;

	mkvmcore_default(&e->spec, true);
	e->spec.vmcoreinfo = NULL;
	dmesg_fails(e, -ENOENT, "VMCOREINFO");
}

static void test_no_prb(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	edit_info(e, "SYMBOL(prb)", "SYMBOL(prx)");
	dmesg_fails(e, -ENOENT, "SYMBOL(prb)");
}

/* A log_buf layout without its struct: the missing key is named. */
static void test_log_buf_missing_size(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	edit_info(e, "SYMBOL(prb)", "SYMBOL(log_buf)");
	dmesg_fails(e, -ENOENT, "SIZE(printk_log)");
}

static void test_missing_offset(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	edit_info(e, "OFFSET(printk_info.text_len)", "OFFSET(printk_info.txt_len)");
	dmesg_fails(e, -ENOENT, "OFFSET(printk_info.text_len)");
}

static void test_offset_outside_struct(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	edit_info(e, "OFFSET(printk_info.caller_id)=20",
		  "OFFSET(printk_info.caller_id)=86");
	dmesg_fails(e, -EBADMSG, "printk_info");
}

static void test_huge_size(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	edit_info(e, "SIZE(printk_ringbuffer)=88", "SIZE(printk_ringbuffer)=99999999");
	dmesg_fails(e, -EBADMSG, "SIZE(printk_ringbuffer)");
}

static void test_bad_number(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	edit_info(e, "SIZE(prb_desc)=24", "SIZE(prb_desc)=2x4");
	dmesg_fails(e, -EBADMSG, "SIZE(prb_desc)");
}

static void test_count_bits_huge(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	poke(e, MKV_PRB_RB + 0, 40, 4);
	dmesg_fails(e, -EBADMSG, "count_bits");
}

static void test_size_bits_huge(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	poke(e, MKV_PRB_RB + 48, 27, 4);	/* 128 MiB */
	dmesg_fails(e, -EBADMSG, "size_bits");
}

static void test_window_too_wide(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	/* tail_id 16 below head_id: more than the 16 descriptors */
	poke(e, MKV_PRB_RB + 32, (e->pk.head_id - 16) & ID_MASK, 8);
	dmesg_fails(e, -EBADMSG, "tail_id");
}

static void test_pointer_not_linear(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	poke(e, MKV_PRB_RB + 48 + 8, 0xd000000000001000ULL, 8);
	dmesg_fails(e, -ENXIO, "text data ring");
}

static void test_pointer_in_hole(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, true, crash_msgs, 4);
	/* physical 0x20000000: the hole before segment 1 */
	poke(e, MKV_PRB_RB + 8, MKV_LINEAR + 0x20000000, 8);
	dmesg_fails(e, -ENXIO, "descriptor array");
}

/* Not ppc64 and no PT_LOAD maps the address: refused, not guessed. */
static void test_other_machine(void **state)
{
	struct env *e = *state;

	mkvmcore_printk_init(&e->pk);
	build(e, false, crash_msgs, 4);
	e->spec.machine = 62;	/* EM_X86_64: p_vaddr in its direct map */
	dmesg_fails(e, -ENXIO, "prb pointer");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_crash_log_be),
		T(test_crash_log_le),
		T(test_ring_pages_left_out),
		T(test_records),
		T(test_callback_stops),
		T(test_wrapped_be),
		T(test_wrapped_le),
		T(test_empty_and_escaped),
		T(test_moved_fields),
		T(test_reserved_lost),
		T(test_reusable),
		T(test_bad_lpos_lost),
		T(test_long_text_len),
		T(test_no_vmcoreinfo),
		T(test_no_prb),
		T(test_log_buf_missing_size),
		T(test_logbuf_be),
		T(test_logbuf_le_wrapped),
		T(test_logbuf_bad_next),
		T(test_logbuf_bad_len),
		T(test_logbuf_next_never_reached),
		T(test_logbuf_zero_at_start),
		T(test_logbuf_huge),
		T(test_missing_offset),
		T(test_offset_outside_struct),
		T(test_huge_size),
		T(test_bad_number),
		T(test_count_bits_huge),
		T(test_size_bits_huge),
		T(test_window_too_wide),
		T(test_pointer_not_linear),
		T(test_pointer_in_hole),
		T(test_other_machine),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

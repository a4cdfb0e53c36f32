// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The crashed kernel's log, read out of the dump the way kexec-tools'
 * vmcore-dmesg and makedumpfile --dump-dmesg do: every address, size and
 * offset comes from VMCOREINFO, which the kernel fills in
 * log_buf_vmcoreinfo_setup() (kernel/printk/printk.c), so no structure
 * layout is compiled in here.
 *
 * 5.10+ keep the log in the lockless printk ring buffer
 * (kernel/printk/printk_ringbuffer.[ch]):
 *
 *   prb -> struct printk_ringbuffer {
 *     desc_ring:      count_bits, descs[1 << count_bits],
 *                     infos[1 << count_bits], head_id, tail_id
 *     text_data_ring: size_bits, data[1 << size_bits], head_lpos, tail_lpos
 *   }
 *
 * A descriptor's state_var holds its id in the low bits and its state in
 * the top two; the records to read are the ids from tail_id to head_id.
 * A committed or finalized descriptor names a data block by logical
 * positions (lpos) in the text ring; the block starts with the id of its
 * descriptor (an unsigned long), then the text, text_len bytes of it
 * (printk_info.text_len).
 *
 * 3.5 - 5.9 kept a plain byte array instead (dmesg_logbuf() below).
 *
 * Every number read from the dump is distrusted: ring sizes are capped,
 * the id window must fit the ring, and a descriptor whose block does not
 * lie inside the ring is counted as lost, as the kernel's reader
 * (get_data()) would drop it, never read out of bounds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "ppc64-linear-map.h"
#include "vmcore.h"
#include "vtop.h"

/* Larger than any log_buf_len= the kernel accepts in practice (2 GiB is
 * its hard limit, nobody boots with more than a few MiB). */
#define DMESG_MAX_RING		(64u << 20)
#define DMESG_MAX_COUNT_BITS	22	/* 4 Mi descriptors */

/* printk_ringbuffer.h: descriptor states in the top two bits of an id. */
#define DESC_FLAGS_SHIFT	62
#define DESC_ID_MASK		(~(3ULL << DESC_FLAGS_SHIFT))
#define DESC_COMMITTED		1
#define DESC_FINALIZED		2
#define DESC_REUSABLE		3
/* Data-less blocks: lpos with bit 0 set; an empty line is 0x3. */
#define LPOS_DATALESS(lpos)	((lpos) & 1)
#define FAILED_LPOS		1
#define EMPTY_LINE_LPOS		3

struct dmesg_reader {
	struct fadump_vmcore *vm;
	enum fadump_byte_order order;
};

/* KIND(NAME) of VMCOREINFO, which the log reader cannot do without. */
static int info_key(struct fadump_vmcore *vm, const char *kind,
		    const char *name, uint64_t *out)
{
	int ret = vmcore_info_field(vm, kind, name, out);

	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -ENOENT,
			"%s: VMCOREINFO has no %s(%s): cannot find the kernel log",
			vm->path, kind, name);
	return ret;
}

static int info_symbol(struct fadump_vmcore *vm, const char *name,
		       uint64_t *out)
{
	return info_key(vm, "SYMBOL", name, out);
}

static int info_field(struct fadump_vmcore *vm, const char *kind,
		      const char *name, uint64_t *out)
{
	int ret = info_key(vm, kind, name, out);

	/* offsets and sizes inside structs of at most a page: keep sums sane */
	if (ret == 0 && *out > 65536)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: VMCOREINFO %s(%s)=%" PRIu64 " is implausibly large",
			vm->path, kind, name, *out);
	return ret;
}

/* Read @len bytes at kernel virtual address @vaddr, naming @what on error. */
static int read_virt(struct fadump_vmcore *vm, uint64_t vaddr, void *buf,
		     size_t len, const char *what)
{
	int ret;

	fadump_quiet_begin(vm->ctx);
	ret = vmcore_read_virt(vm, vaddr, buf, len);
	fadump_quiet_end(vm->ctx);
	/* 0.2 said -ENXIO for an address it could not translate: keep it */
	if (ret == -EFAULT)
		ret = -ENXIO;
	if (ret < 0)
		return fadump_fail_wrap(vm->ctx, ret, "reading %s (%zu bytes at %#"
					PRIx64 ")", what, len, vaddr);
	return 0;
}

static uint64_t get_long(const struct dmesg_reader *r, const unsigned char *p)
{
	return get_u64(p, r->order);
}

/* The VMCOREINFO layout of the lockless ring, all offsets in bytes. */
struct prb_layout {
	uint64_t prb_sym;
	uint64_t rb_size, rb_desc_ring, rb_text_ring;
	uint64_t dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	uint64_t desc_size, desc_state_var, desc_text_blk_lpos;
	uint64_t lpos_begin, lpos_next;
	uint64_t info_size, info_seq, info_ts_nsec, info_text_len,
		 info_caller_id;
	uint64_t tr_size_bits, tr_data;
	uint64_t counter;	/* atomic_long_t.counter, 0 if not exported */
};

static int prb_layout_read(struct fadump_vmcore *vm, struct prb_layout *l)
{
	static const struct {
		const char *kind, *name;
		size_t off;
	} fields[] = {
#define F(kind, name, member) { kind, name, offsetof(struct prb_layout, member) }
		F("SIZE", "printk_ringbuffer", rb_size),
		F("OFFSET", "printk_ringbuffer.desc_ring", rb_desc_ring),
		F("OFFSET", "printk_ringbuffer.text_data_ring", rb_text_ring),
		F("OFFSET", "prb_desc_ring.count_bits", dr_count_bits),
		F("OFFSET", "prb_desc_ring.descs", dr_descs),
		F("OFFSET", "prb_desc_ring.infos", dr_infos),
		F("OFFSET", "prb_desc_ring.head_id", dr_head_id),
		F("OFFSET", "prb_desc_ring.tail_id", dr_tail_id),
		F("SIZE", "prb_desc", desc_size),
		F("OFFSET", "prb_desc.state_var", desc_state_var),
		F("OFFSET", "prb_desc.text_blk_lpos", desc_text_blk_lpos),
		F("OFFSET", "prb_data_blk_lpos.begin", lpos_begin),
		F("OFFSET", "prb_data_blk_lpos.next", lpos_next),
		F("SIZE", "printk_info", info_size),
		F("OFFSET", "printk_info.seq", info_seq),
		F("OFFSET", "printk_info.ts_nsec", info_ts_nsec),
		F("OFFSET", "printk_info.text_len", info_text_len),
		F("OFFSET", "printk_info.caller_id", info_caller_id),
		F("OFFSET", "prb_data_ring.size_bits", tr_size_bits),
		F("OFFSET", "prb_data_ring.data", tr_data),
#undef F
	};
	const char *value;
	int ret;

	ret = info_symbol(vm, "prb", &l->prb_sym);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		ret = info_field(vm, fields[i].kind, fields[i].name,
				 (uint64_t *)(void *)((char *)l + fields[i].off));
		if (ret < 0)
			return ret;
	}
	l->counter = 0;
	if (vmcore_info_find(vm, "OFFSET(atomic_long_t.counter)",
					    &value) == 0) {
		ret = info_field(vm, "OFFSET", "atomic_long_t.counter",
				 &l->counter);
		if (ret < 0)
			return ret;
	}

	/* Every field read must lie inside the struct that holds it. */
	if (l->rb_desc_ring + l->dr_tail_id + l->counter + 8 > l->rb_size ||
	    l->rb_desc_ring + l->dr_count_bits + 4 > l->rb_size ||
	    l->rb_desc_ring + l->dr_descs + 8 > l->rb_size ||
	    l->rb_desc_ring + l->dr_infos + 8 > l->rb_size ||
	    l->rb_desc_ring + l->dr_head_id + l->counter + 8 > l->rb_size ||
	    l->rb_text_ring + l->tr_size_bits + 4 > l->rb_size ||
	    l->rb_text_ring + l->tr_data + 8 > l->rb_size)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: VMCOREINFO printk_ringbuffer offsets lie outside its SIZE %" PRIu64,
			vm->path, l->rb_size);
	if (l->desc_state_var + l->counter + 8 > l->desc_size ||
	    l->desc_text_blk_lpos + l->lpos_begin + 8 > l->desc_size ||
	    l->desc_text_blk_lpos + l->lpos_next + 8 > l->desc_size)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: VMCOREINFO prb_desc offsets lie outside its SIZE %" PRIu64,
			vm->path, l->desc_size);
	if (l->info_seq + 8 > l->info_size ||
	    l->info_ts_nsec + 8 > l->info_size ||
	    l->info_text_len + 2 > l->info_size ||
	    l->info_caller_id + 4 > l->info_size)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: VMCOREINFO printk_info offsets lie outside its SIZE %" PRIu64,
			vm->path, l->info_size);
	return 0;
}

struct prb_state {
	uint64_t count;		/* descriptors */
	uint64_t data_size;	/* bytes of text ring */
	unsigned char *rb, *descs, *infos, *data;
	uint64_t head_id, tail_id;
};

/*
 * Read a part of the printk ring. The ring is kernel memory, so a
 * filtered dump leaves a page of it out only for being all zeros (dump
 * level bit 1: the part of a ring not yet written through, the usual case
 * after a short uptime). makedumpfile and crash read such pages as
 * zeros, and so does this, 4 KiB (the smallest page) at a time, for the
 * pages the dump says it left out (-ENODATA) and for nothing else: memory
 * missing from the dump is still an error.
 */
static int read_ring(struct fadump_vmcore *vm, uint64_t vaddr, void *buf,
		     size_t len, const char *what)
{
	unsigned char *p = buf;
	size_t left_out = 0;
	int ret;

	fadump_quiet_begin(vm->ctx);
	ret = vmcore_read_virt(vm, vaddr, buf, len);
	fadump_quiet_end(vm->ctx);
	if (ret != -ENODATA)
		return ret < 0 ? read_virt(vm, vaddr, buf, len, what) : 0;

	for (size_t done = 0; done < len;) {
		uint64_t at = vaddr + done;
		size_t n = (size_t)(4096 - (at & 4095));

		if (n > len - done)
			n = len - done;
		fadump_quiet_begin(vm->ctx);
		ret = vmcore_read_virt(vm, at, p + done, n);
		fadump_quiet_end(vm->ctx);
		if (ret == -ENODATA) {
			memset(p + done, 0, n);
			left_out += n;
		} else if (ret < 0) {
			return read_virt(vm, at, p + done, n, what);
		}
		done += n;
	}
	info(vm->ctx, "%s: %zu bytes of the printk %s are pages the dump "
	     "left out (all zeros at its dump level): read as zeros",
	     vm->path, left_out, what);
	return 0;
}

static int read_array(struct fadump_vmcore *vm, uint64_t vaddr,
		      uint64_t count, uint64_t elem, const char *what,
		      unsigned char **out)
{
	uint64_t bytes = count * elem;	/* count <= 2^22, elem <= 65536 */

	if (bytes > DMESG_MAX_RING)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: printk %s is %" PRIu64 " bytes, more than the %u MiB any kernel uses",
			vm->path, what, bytes, DMESG_MAX_RING >> 20);
	*out = malloc(bytes ? bytes : 1);
	if (!*out)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	return read_ring(vm, vaddr, *out, (size_t)bytes, what);
}

static int prb_state_read(struct dmesg_reader *r, const struct prb_layout *l,
			  struct prb_state *st)
{
	struct fadump_vmcore *vm = r->vm;
	unsigned char ptr[8], *rb;
	const unsigned char *dr, *tr;
	uint64_t count_bits, size_bits;
	int ret;

	ret = read_virt(vm, l->prb_sym, ptr, sizeof(ptr), "the prb pointer");
	if (ret < 0)
		return ret;
	/* SIZE(printk_ringbuffer) is at most 64 KiB (info_field()) */
	ret = read_array(vm, get_long(r, ptr), 1, l->rb_size,
			 "struct printk_ringbuffer", &st->rb);
	if (ret < 0)
		return ret;
	rb = st->rb;
	dr = rb + l->rb_desc_ring;
	tr = rb + l->rb_text_ring;

	count_bits = get_u32(dr + l->dr_count_bits, r->order);
	size_bits = get_u32(tr + l->tr_size_bits, r->order);
	if (count_bits > DMESG_MAX_COUNT_BITS)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: printk desc_ring count_bits %" PRIu64 " is beyond %u",
			vm->path, count_bits, DMESG_MAX_COUNT_BITS);
	if (size_bits < 3 || (1ULL << (size_bits > 40 ? 40 : size_bits)) >
			     DMESG_MAX_RING)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: printk text_data_ring size_bits %" PRIu64
			" is not a ring of 8 B .. %u MiB",
			vm->path, size_bits, DMESG_MAX_RING >> 20);
	st->count = 1ULL << count_bits;
	st->data_size = 1ULL << size_bits;
	st->head_id = get_long(r, dr + l->dr_head_id + l->counter) & DESC_ID_MASK;
	st->tail_id = get_long(r, dr + l->dr_tail_id + l->counter) & DESC_ID_MASK;
	/* The window from tail to head is at most the ring. */
	if (((st->head_id - st->tail_id) & DESC_ID_MASK) >= st->count)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: printk desc_ring tail_id %#" PRIx64 " and head_id %#"
			PRIx64 " span more than its %" PRIu64 " descriptors",
			vm->path, st->tail_id, st->head_id, st->count);

	ret = read_array(vm, get_long(r, dr + l->dr_descs), st->count,
			 l->desc_size, "descriptor array (desc_ring.descs)",
			 &st->descs);
	if (ret < 0)
		return ret;
	ret = read_array(vm, get_long(r, dr + l->dr_infos), st->count,
			 l->info_size, "record info array (desc_ring.infos)",
			 &st->infos);
	if (ret < 0)
		return ret;
	return read_array(vm, get_long(r, tr + l->tr_data), st->data_size, 1,
			  "text data ring (text_data_ring.data)", &st->data);
}

/*
 * The text of the block [begin, next) as the kernel's get_data() finds
 * it: in one wrap of the ring (next - 1 in the same wrap as begin: a
 * block may end exactly at the end of the ring, is_blk_wrapped() of
 * 6.x), or, when it would not have fit before the end, at the start of
 * the next wrap. NULL for a block that cannot be.
 */
static const unsigned char *block_text(const struct prb_state *st,
				       uint64_t begin, uint64_t next,
				       size_t *len)
{
	uint64_t mask = st->data_size - 1;
	uint64_t off, size;

	/*
	 * lpos count up from one wrap below 0 (BLK0_LPOS) and wrap around
	 * 2^64: compare distances, not values, or the block that ends the
	 * first wrap exactly at lpos 0 would be lost.
	 */
	if ((begin & ~mask) == ((next - 1) & ~mask) &&
	    next - begin - 1 < st->data_size) {
		off = begin & mask;
		size = next - begin;
	} else if (((begin + st->data_size) & ~mask) == ((next - 1) & ~mask)) {
		off = 0;
		size = next & mask;
	} else {
		return NULL;
	}
	if (size < 8 || off + size > st->data_size)
		return NULL;
	*len = (size_t)(size - 8);	/* the block's id comes first */
	return st->data + off + 8;
}

static int prb_walk(struct dmesg_reader *r, const struct prb_layout *l,
		    const struct prb_state *st, fadump_dmesg_fn fn,
		    void *userdata, struct fadump_dmesg_summary *sum)
{
	uint64_t id = st->tail_id;

	for (;;) {
		uint64_t idx = id & (st->count - 1);
		const unsigned char *d = st->descs + idx * l->desc_size;
		const unsigned char *inf = st->infos + idx * l->info_size;
		uint64_t sv = get_long(r, d + l->desc_state_var + l->counter);
		uint64_t begin = get_long(r, d + l->desc_text_blk_lpos +
					     l->lpos_begin);
		uint64_t next = get_long(r, d + l->desc_text_blk_lpos +
					    l->lpos_next);
		unsigned int state = (unsigned int)(sv >> DESC_FLAGS_SHIFT);
		struct fadump_dmesg_record rec = { .size = sizeof(rec) };
		const unsigned char *text = NULL;
		size_t avail = 0;
		int ret;

		/*
		 * The ring starts with one reusable descriptor without data
		 * at tail_id (DESC0_SV, FAILED_BLK_LPOS in printk_ringbuffer.h)
		 * until the ring is full: that is no record, not a lost one.
		 */
		if ((sv & DESC_ID_MASK) == id && state == DESC_REUSABLE &&
		    begin == FAILED_LPOS && next == FAILED_LPOS)
			goto next;
		if ((sv & DESC_ID_MASK) != id ||
		    (state != DESC_COMMITTED && state != DESC_FINALIZED)) {
			/* reused, or being written when the kernel died */
			sum->lost++;
			goto next;
		}
		if (LPOS_DATALESS(begin) && LPOS_DATALESS(next)) {
			if (begin != EMPTY_LINE_LPOS) {
				sum->lost++;	/* FAILED_LPOS: no room for it */
				goto next;
			}
			text = (const unsigned char *)"";
		} else {
			text = block_text(st, begin, next, &avail);
			if (!text) {
				sum->lost++;
				goto next;
			}
		}
		rec.seq = get_u64(inf + l->info_seq, r->order);
		rec.ts_nsec = get_u64(inf + l->info_ts_nsec, r->order);
		rec.caller_id = get_u32(inf + l->info_caller_id, r->order);
		rec.text = (const char *)text;
		rec.text_len = get_u16(inf + l->info_text_len, r->order);
		/* a record cut short by the writer (or lying) gets what is there */
		if (rec.text_len > avail)
			rec.text_len = avail;
		sum->records++;
		ret = fn(userdata, &rec);
		if (ret) {
			ret = ret < 0 ? ret : -ECANCELED;
			return fadump_fail(r->vm->ctx, ret,
					   "%s: the dmesg callback stopped the walk (%d)",
					   r->vm->path, ret);
		}
next:
		if (id == st->head_id)
			return 0;
		id = (id + 1) & DESC_ID_MASK;
	}
}

static int dmesg_lockless(struct dmesg_reader *r, fadump_dmesg_fn fn,
			  void *userdata, struct fadump_dmesg_summary *sum)
{
	struct prb_layout l;
	struct prb_state st = { 0 };
	int ret;

	ret = prb_layout_read(r->vm, &l);
	if (ret == 0)
		ret = prb_state_read(r, &l, &st);
	if (ret == 0) {
		sum->format = FADUMP_DMESG_LOCKLESS;
		ret = prb_walk(r, &l, &st, fn, userdata, sum);
	}
	free(st.rb);
	free(st.descs);
	free(st.infos);
	free(st.data);
	return ret;
}

/*
 * 3.5 - 5.9: one byte array log_buf of log_buf_len bytes holding struct
 * printk_log records ("struct log" until 3.11) back to back from
 * log_first_idx to log_next_idx, each followed by its text (and dict); a
 * record with len 0 marks the wrap back to index 0 (log_store()). The
 * sequence number is not exported, so records are counted from 0.
 */
struct logbuf_layout {
	const char *name;		/* "printk_log" or "log" */
	uint64_t size, ts_nsec, len, text_len, caller_id;
	bool has_caller_id;
};

static int logbuf_layout_read(struct fadump_vmcore *vm, struct logbuf_layout *l)
{
	char key[64];
	const char *value;
	int ret;

	l->name = "printk_log";
	if (vmcore_info_find(vm, "SIZE(printk_log)", &value) < 0 &&
	    vmcore_info_find(vm, "SIZE(log)", &value) == 0)
		l->name = "log";
	ret = info_field(vm, "SIZE", l->name, &l->size);
#define FIELD(member, var)						\
	do {								\
		snprintf(key, sizeof(key), "%s.%s", l->name, member);	\
		if (ret == 0)						\
			ret = info_field(vm, "OFFSET", key, var);	\
	} while (0)
	FIELD("ts_nsec", &l->ts_nsec);
	FIELD("len", &l->len);
	FIELD("text_len", &l->text_len);
#undef FIELD
	if (ret < 0)
		return ret;
	snprintf(key, sizeof(key), "OFFSET(%s.caller_id)", l->name);
	l->has_caller_id = vmcore_info_find(vm, key, &value) == 0;
	if (l->has_caller_id) {
		snprintf(key, sizeof(key), "%s.caller_id", l->name);
		ret = info_field(vm, "OFFSET", key, &l->caller_id);
		if (ret < 0)
			return ret;
	}
	if (l->ts_nsec + 8 > l->size || l->len + 2 > l->size ||
	    l->text_len + 2 > l->size ||
	    (l->has_caller_id && l->caller_id + 4 > l->size))
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: VMCOREINFO %s offsets lie outside its SIZE %" PRIu64,
			vm->path, l->name, l->size);
	return 0;
}

static int read_u32_sym(struct dmesg_reader *r, const char *name, uint32_t *out)
{
	unsigned char b[4];
	uint64_t addr;
	int ret;

	ret = info_symbol(r->vm, name, &addr);
	if (ret == 0)
		ret = read_virt(r->vm, addr, b, sizeof(b), name);
	if (ret == 0)
		*out = get_u32(b, r->order);
	return ret;
}

static int dmesg_logbuf(struct dmesg_reader *r, fadump_dmesg_fn fn,
			void *userdata, struct fadump_dmesg_summary *sum)
{
	struct fadump_vmcore *vm = r->vm;
	struct logbuf_layout l;
	uint32_t buf_len, first, next, idx;
	unsigned char ptr[8], *buf = NULL;
	uint64_t addr, walked = 0;
	int ret;

	ret = logbuf_layout_read(vm, &l);
	if (ret == 0)
		ret = info_symbol(vm, "log_buf", &addr);
	if (ret == 0)
		ret = read_virt(vm, addr, ptr, sizeof(ptr), "the log_buf pointer");
	if (ret == 0)
		ret = read_u32_sym(r, "log_buf_len", &buf_len);
	if (ret == 0)
		ret = read_u32_sym(r, "log_first_idx", &first);
	if (ret == 0)
		ret = read_u32_sym(r, "log_next_idx", &next);
	if (ret < 0)
		return ret;
	if (buf_len < l.size || first >= buf_len || next >= buf_len)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: log_buf_len %" PRIu32 ", log_first_idx %" PRIu32
			", log_next_idx %" PRIu32 " do not describe a log",
			vm->path, buf_len, first, next);
	ret = read_array(vm, get_long(r, ptr), buf_len, 1, "log_buf", &buf);
	if (ret < 0)
		goto out;
	sum->format = FADUMP_DMESG_LOG_BUF;
	for (idx = first; idx != next;) {
		struct fadump_dmesg_record rec = { .size = sizeof(rec) };
		const unsigned char *msg = buf + idx;
		uint16_t len;

		/* every byte at most twice round: a log that never reaches next */
		if (idx + l.size > buf_len || walked > 2 * (uint64_t)buf_len) {
			ret = fadump_fail(vm->ctx, -EBADMSG,
				"%s: log_buf record at index %" PRIu32
				" runs past the buffer or log_next_idx %" PRIu32
				" is never reached", vm->path, idx, next);
			goto out;
		}
		len = get_u16(msg + l.len, r->order);
		if (len == 0) {		/* wrap marker */
			if (idx == 0) {
				ret = fadump_fail(vm->ctx, -EBADMSG,
					"%s: log_buf record at index 0 has length 0",
					vm->path);
				goto out;
			}
			walked += buf_len - idx;
			idx = 0;
			continue;
		}
		if (len < l.size || len > buf_len - idx) {
			ret = fadump_fail(vm->ctx, -EBADMSG,
				"%s: log_buf record at index %" PRIu32
				" has length %u (header %" PRIu64 ", %" PRIu32
				" bytes left)", vm->path, idx, len, l.size,
				buf_len - idx);
			goto out;
		}
		rec.seq = sum->records;
		rec.ts_nsec = get_u64(msg + l.ts_nsec, r->order);
		if (l.has_caller_id)
			rec.caller_id = get_u32(msg + l.caller_id, r->order);
		rec.text = (const char *)msg + l.size;
		rec.text_len = get_u16(msg + l.text_len, r->order);
		if (rec.text_len > len - l.size)
			rec.text_len = len - l.size;
		sum->records++;
		ret = fn(userdata, &rec);
		if (ret) {
			ret = ret < 0 ? ret : -ECANCELED;
			fadump_fail(vm->ctx, ret,
				    "%s: the dmesg callback stopped the walk (%d)",
				    vm->path, ret);
			goto out;
		}
		walked += len;
		idx += len;
	}
out:
	free(buf);
	return ret;
}

FADUMP_EXPORT int fadump_vmcore_dmesg(struct fadump_vmcore *vm,
				      fadump_dmesg_fn fn, void *userdata,
				      struct fadump_dmesg_summary *sum)
{
	struct fadump_dmesg_summary local = { .size = sizeof(local) };
	struct dmesg_reader r = { .vm = vm };
	const char *value;
	int ret;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	r.order = vm->order;
	if (!fn || (sum && sum->size < FADUMP_DMESG_SUMMARY_SIZE_V1))
		return fadump_fail(vm->ctx, -EINVAL,
				   "fadump_vmcore_dmesg: bad arguments");
	ret = fadump_vmcore_vmcoreinfo_count(vm);
	if (ret < 0)
		return ret;
	if (vmcore_info_find(vm, "SYMBOL(prb)", &value) == 0)
		ret = dmesg_lockless(&r, fn, userdata, &local);
	else if (vmcore_info_find(vm, "SYMBOL(log_buf)",
						 &value) == 0)
		ret = dmesg_logbuf(&r, fn, userdata, &local);
	else
		ret = fadump_fail(vm->ctx, -ENOENT,
			"%s: VMCOREINFO has neither SYMBOL(prb) nor SYMBOL(log_buf): cannot find the kernel log",
			vm->path);
	if (sum) {
		sum->format = local.format;
		sum->records = local.records;
		sum->lost = local.lost;
	}
	return ret;
}

/* --- the text form: what vmcore-dmesg prints ------------------------- */

struct text_buf {
	char *p;
	size_t len, cap;
};

static int text_put(struct text_buf *t, const char *s, size_t n)
{
	if (t->cap - t->len <= n) {
		size_t cap = t->cap ? t->cap : 4096;
		char *p;

		while (cap - t->len <= n) {
			if (cap > SIZE_MAX / 2)
				return -ENOMEM;
			cap *= 2;
		}
		p = realloc(t->p, cap);
		if (!p)
			return -ENOMEM;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
	return 0;
}

/*
 * "[%5lu.%06lu] text\n" as vmcore-dmesg writes it; bytes that are not
 * printable (but a newline, and tab) become \xNN, so a corrupt record
 * cannot send escape sequences to a terminal.
 */
static int text_record(void *userdata, const struct fadump_dmesg_record *rec)
{
	struct text_buf *t = userdata;
	char buf[64];
	int n, ret;

	n = snprintf(buf, sizeof(buf), "[%5" PRIu64 ".%06" PRIu64 "] ",
		     rec->ts_nsec / 1000000000, rec->ts_nsec % 1000000000 / 1000);
	ret = text_put(t, buf, (size_t)n);
	for (size_t i = 0; ret == 0 && i < rec->text_len; i++) {
		unsigned char c = (unsigned char)rec->text[i];

		if ((c >= ' ' && c < 0x7f) || c == '\n' || c == '\t') {
			ret = text_put(t, (const char *)&c, 1);
		} else {
			n = snprintf(buf, sizeof(buf), "\\x%02x", c);
			ret = text_put(t, buf, (size_t)n);
		}
	}
	return ret ? ret : text_put(t, "\n", 1);
}

FADUMP_EXPORT int fadump_vmcore_dmesg_text(struct fadump_vmcore *vm,
					   char **text, size_t *len,
					   struct fadump_dmesg_summary *sum)
{
	struct text_buf t = { 0 };
	int ret;

	if (!vm)
		return -EINVAL;
	if (!text)
		return fadump_fail(vm->ctx, -EINVAL,
				   "fadump_vmcore_dmesg_text: text is NULL");
	*text = NULL;
	ret = fadump_vmcore_dmesg(vm, text_record, &t, sum);
	if (ret == 0 && !t.p)
		ret = text_put(&t, "", 0);
	if (ret < 0) {
		free(t.p);
		if (ret == -ENOMEM)
			fadump_fail(vm->ctx, ret, "out of memory");
		return ret;
	}
	*text = t.p;
	if (len)
		*len = t.len;
	return 0;
}

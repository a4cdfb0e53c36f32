// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A filtered ELF core, as makedumpfile -E writes it: the crashed
 * kernel's notes and one PT_LOAD per run of kept pages, for tools that
 * read only ELF. Runs separated by a gap of at most MERGE_GAP excluded
 * pages are one PT_LOAD, the gap a hole of the file (it reads as zeros,
 * and costs no disk), which keeps the program headers few on a machine
 * whose free pages are scattered; runs never cross a segment of the
 * source, whose virtual addresses they keep. Beyond 65534 program
 * headers e_phnum is PN_XNUM and section header 0 holds the count, as
 * the ELF standard (and the kernel's own vmcore) does.
 *
 * The runs are generated from the 2nd bitmap three times (count, program
 * headers, pages) instead of being kept: no memory per run. Zero pages
 * left out (level bit 1) are found while writing, after the headers:
 * they stay in their PT_LOAD as holes, which read as what they held.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "save-filtered.h"

/* Excluded pages inside one PT_LOAD, at most (a 64 KiB hole of 4 KiB pages). */
#define MERGE_GAP	16
#define PHDR_BUF	1024
/* Pages that follow each other in the file are written together. */
#define DATA_BUF	(1u << 20)

struct load {
	uint64_t paddr, end;		/* physical [paddr, end) */
	uint64_t vaddr;
	uint64_t offset;		/* in the file */
};

/* A walk over the loads, in paddr order. */
struct load_gen {
	const struct dump_filter *f;
	const struct fadump_vmcore *vm;
	uint64_t page;
	uint64_t pos;			/* physical address done up to */
	unsigned int seg;		/* by_paddr index */
	uint64_t next_offset;		/* file offset of the next load */
};

struct elf_writer {
	uint64_t nloads;
	uint64_t load_bytes;		/* of all the loads */
	bool xnum;
	uint64_t phoff, notes_off, data_off;
	unsigned char *notes;
	size_t notes_len;
	struct load_gen gen;		/* in step with the pages */
	struct load cur;
	bool have_cur;
	unsigned char *data;		/* DATA_BUF bytes not yet written */
	size_t data_n;
	uint64_t buf_off;		/* their file offset */
};

static void gen_init(struct load_gen *g, const struct filtered_save *fs,
		     uint64_t data_off)
{
	*g = (struct load_gen){ .f = fs->filter, .vm = fs->vm,
				.page = fs->page, .next_offset = data_off };
}

static bool gen_next(struct load_gen *g, struct load *l)
{
	const struct dump_filter *f = g->f;

	while (g->seg < g->vm->nby_paddr) {
		const struct vmcore_segment *seg = g->vm->by_paddr[g->seg];
		uint64_t seg_end = seg->paddr + seg->filesz;
		uint64_t pfn, end_pfn, start;

		if (g->pos < seg->paddr)
			g->pos = seg->paddr;
		if (g->pos >= seg_end || !seg->filesz) {
			g->seg++;
			continue;
		}
		pfn = bitmap_next(f->kept, g->pos / g->page, f->max_mapnr);
		if (pfn >= f->max_mapnr)
			return false;
		start = pfn * g->page > g->pos ? pfn * g->page : g->pos;
		if (start >= seg_end) {
			g->seg++;
			continue;
		}
		/* extend over kept pages and small gaps, inside the segment */
		end_pfn = pfn + 1;
		while (end_pfn < f->max_mapnr && end_pfn * g->page < seg_end) {
			uint64_t next;

			if (bitmap_test(f->kept, end_pfn)) {
				end_pfn++;
				continue;
			}
			next = bitmap_next(f->kept, end_pfn, f->max_mapnr);
			if (next >= f->max_mapnr || next - end_pfn > MERGE_GAP ||
			    next * g->page >= seg_end)
				break;
			end_pfn = next;
		}
		l->paddr = start;
		l->end = end_pfn * g->page < seg_end ? end_pfn * g->page : seg_end;
		l->vaddr = seg->vaddr ? seg->vaddr + (start - seg->paddr) : 0;
		l->offset = g->next_offset;
		g->next_offset += l->end - l->paddr;
		g->pos = l->end;
		return true;
	}
	return false;
}

static void put_phdr(unsigned char *p, enum fadump_byte_order o, uint32_t type,
		     uint64_t offset, uint64_t vaddr, uint64_t paddr,
		     uint64_t size)
{
	put_u32(p + offsetof(Elf64_Phdr, p_type), type, o);
	put_u32(p + offsetof(Elf64_Phdr, p_flags),
		type == PT_LOAD ? PF_R | PF_W | PF_X : 0, o);
	put_u64(p + offsetof(Elf64_Phdr, p_offset), offset, o);
	put_u64(p + offsetof(Elf64_Phdr, p_vaddr), vaddr, o);
	put_u64(p + offsetof(Elf64_Phdr, p_paddr), paddr, o);
	put_u64(p + offsetof(Elf64_Phdr, p_filesz), size, o);
	put_u64(p + offsetof(Elf64_Phdr, p_memsz), size, o);
	put_u64(p + offsetof(Elf64_Phdr, p_align), 0, o);
}

static int write_phdrs(struct filtered_save *fs, struct elf_writer *ew)
{
	enum fadump_byte_order o = fs->vm->order;
	unsigned char *buf = malloc(PHDR_BUF * sizeof(Elf64_Phdr));
	uint64_t off = ew->phoff;
	unsigned int n = 0;
	struct load_gen g;
	struct load l;
	int ret = 0;

	if (!buf)
		return fadump_fail(fs->vm->ctx, -ENOMEM, "out of memory");
	if (ew->notes_len)
		put_phdr(buf + n++ * sizeof(Elf64_Phdr), o, PT_NOTE,
			 ew->notes_off, 0, 0, ew->notes_len);
	gen_init(&g, fs, ew->data_off);
	while (ret == 0 && gen_next(&g, &l)) {
		put_phdr(buf + n++ * sizeof(Elf64_Phdr), o, PT_LOAD, l.offset,
			 l.vaddr, l.paddr, l.end - l.paddr);
		if (n == PHDR_BUF) {
			ret = fs->sink->write(fs->sink->s, buf,
					      n * sizeof(Elf64_Phdr), off);
			off += n * sizeof(Elf64_Phdr);
			n = 0;
		}
	}
	if (ret == 0 && n)
		ret = fs->sink->write(fs->sink->s, buf, n * sizeof(Elf64_Phdr),
				      off);
	free(buf);
	return ret;
}

static int write_ehdr(struct filtered_save *fs, struct elf_writer *ew);

static int felf_begin(struct filtered_save *fs)
{
	struct elf_writer *ew = calloc(1, sizeof(*ew));
	size_t info_off, info_len;
	uint64_t nphdr;
	struct load_gen g;
	struct load l;
	int ret;

	if (!ew)
		return fadump_fail(fs->vm->ctx, -ENOMEM, "out of memory");
	fs->format_data = ew;
	ew->data = malloc(DATA_BUF);
	if (!ew->data)
		return fadump_fail(fs->vm->ctx, -ENOMEM, "out of memory");
	ret = filtered_notes(fs->vm, &ew->notes, &ew->notes_len, &info_off,
			     &info_len);
	if (ret < 0)
		return ret;
	gen_init(&g, fs, 0);
	while (gen_next(&g, &l))
		ew->nloads++;
	ew->load_bytes = g.next_offset;
	nphdr = ew->nloads + (ew->notes_len ? 1 : 0);
	ew->xnum = nphdr >= PN_XNUM;
	/* what readers take (ours: vmcore-elf.c), far below sh_info's 2^32 */
	if (nphdr > VMCORE_MAX_ELF_PHDRS)
		return fadump_fail(fs->vm->ctx, -E2BIG, "%" PRIu64 " runs of "
				   "kept pages: more program headers than the %u "
				   "an ELF reader takes; save in the kdump format",
				   nphdr, VMCORE_MAX_ELF_PHDRS);
	ew->phoff = sizeof(Elf64_Ehdr) + (ew->xnum ? sizeof(Elf64_Shdr) : 0);
	ew->notes_off = ew->phoff + nphdr * sizeof(Elf64_Phdr);
	ew->data_off = (ew->notes_off + ew->notes_len + fs->page - 1) &
		       ~(uint64_t)(fs->page - 1);
	ret = write_phdrs(fs, ew);
	if (ret == 0)
		ret = write_ehdr(fs, ew);
	if (ret == 0 && ew->notes_len)
		ret = fs->sink->write(fs->sink->s, ew->notes, ew->notes_len,
				      ew->notes_off);
	/*
	 * Extended to the end of its last PT_LOAD, the pages a hole of zeros
	 * until written, the file is an ELF file readers open.
	 */
	fs->laid_out_size = ew->data_off + ew->load_bytes;
	gen_init(&ew->gen, fs, ew->data_off);
	return ret;
}

static int flush_data(struct filtered_save *fs, struct elf_writer *ew)
{
	int ret = 0;

	if (ew->data_n)
		ret = fs->sink->write(fs->sink->s, ew->data, ew->data_n,
				      ew->buf_off);
	ew->data_n = 0;
	return ret;
}

/* @len bytes for file offset @off: appended to the buffer if they follow it. */
static int put_data(struct filtered_save *fs, struct elf_writer *ew,
		    const void *p, size_t len, uint64_t off)
{
	int ret;

	if (ew->data_n && (off != ew->buf_off + ew->data_n ||
			   ew->data_n + len > DATA_BUF)) {
		ret = flush_data(fs, ew);
		if (ret < 0)
			return ret;
	}
	if (!ew->data_n)
		ew->buf_off = off;
	if (len > DATA_BUF)
		return fs->sink->write(fs->sink->s, p, len, off);
	memcpy(ew->data + ew->data_n, p, len);
	ew->data_n += len;
	return 0;
}

static int felf_page(struct filtered_save *fs, uint64_t pfn, const void *data,
		    uint32_t len, uint32_t flags)
{
	struct elf_writer *ew = fs->format_data;
	uint64_t lo = pfn * fs->page, hi = lo + fs->page;
	int ret;

	(void)len;
	(void)flags;
	for (;;) {
		uint64_t a, b;

		while (!ew->have_cur || ew->cur.end <= lo) {
			ew->have_cur = gen_next(&ew->gen, &ew->cur);
			if (!ew->have_cur)
				return fadump_fail(fs->vm->ctx, -EOVERFLOW,
					"pfn %#" PRIx64 " is in no PT_LOAD "
					"written", pfn);
		}
		if (ew->cur.paddr >= hi)
			return 0;
		a = ew->cur.paddr > lo ? ew->cur.paddr : lo;
		b = ew->cur.end < hi ? ew->cur.end : hi;
		if (data) {	/* zero pages stay holes */
			ret = put_data(fs, ew, (const unsigned char *)data +
				       (a - lo), (size_t)(b - a),
				       ew->cur.offset + (a - ew->cur.paddr));
			if (ret < 0)
				return ret;
		}
		if (ew->cur.end >= hi)
			return 0;
		ew->have_cur = false;	/* the page goes on in the next load */
	}
}

static int write_ehdr(struct filtered_save *fs, struct elf_writer *ew)
{
	enum fadump_byte_order o = fs->vm->order;
	unsigned char h[sizeof(Elf64_Ehdr) + sizeof(Elf64_Shdr)] = { 0 };
	uint64_t nphdr = ew->nloads + (ew->notes_len ? 1 : 0);

	memcpy(h, ELFMAG, SELFMAG);
	h[EI_CLASS] = ELFCLASS64;
	h[EI_DATA] = o == FADUMP_BYTE_ORDER_LITTLE ? ELFDATA2LSB : ELFDATA2MSB;
	h[EI_VERSION] = EV_CURRENT;
	h[EI_OSABI] = ELFOSABI_NONE;
	put_u16(h + offsetof(Elf64_Ehdr, e_type), ET_CORE, o);
	put_u16(h + offsetof(Elf64_Ehdr, e_machine), (uint16_t)fs->vm->machine, o);
	put_u32(h + offsetof(Elf64_Ehdr, e_version), EV_CURRENT, o);
	put_u64(h + offsetof(Elf64_Ehdr, e_phoff), ew->phoff, o);
	put_u16(h + offsetof(Elf64_Ehdr, e_ehsize), sizeof(Elf64_Ehdr), o);
	put_u16(h + offsetof(Elf64_Ehdr, e_phentsize), sizeof(Elf64_Phdr), o);
	put_u16(h + offsetof(Elf64_Ehdr, e_phnum),
		ew->xnum ? PN_XNUM : (uint16_t)nphdr, o);
	if (ew->xnum) {
		unsigned char *sh = h + sizeof(Elf64_Ehdr);

		put_u64(h + offsetof(Elf64_Ehdr, e_shoff), sizeof(Elf64_Ehdr), o);
		put_u16(h + offsetof(Elf64_Ehdr, e_shentsize),
			sizeof(Elf64_Shdr), o);
		put_u16(h + offsetof(Elf64_Ehdr, e_shnum), 1, o);
		put_u32(sh + offsetof(Elf64_Shdr, sh_info), (uint32_t)nphdr, o);
	}
	return fs->sink->write(fs->sink->s, h, (size_t)ew->phoff, 0);
}

static int felf_checkpoint(struct filtered_save *fs, uint64_t pfn)
{
	(void)pfn;
	return flush_data(fs, fs->format_data);
}

static int felf_end(struct filtered_save *fs)
{
	struct elf_writer *ew = fs->format_data;

	/* as laid out at the start: zero pages left out since are holes */
	fs->file_size = ew->data_off + ew->load_bytes;
	return flush_data(fs, ew);
}

static void felf_free(struct filtered_save *fs)
{
	struct elf_writer *ew = fs->format_data;

	if (ew) {
		free(ew->notes);
		free(ew->data);
	}
	free(ew);
	fs->format_data = NULL;
}

const struct filtered_format filtered_format_elf = {
	.begin = felf_begin,
	.page = felf_page,
	.checkpoint = felf_checkpoint,
	.end = felf_end,
	.free = felf_free,
};

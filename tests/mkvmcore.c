// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mkvmcore: synthetic vmcores for tests and benchmarks (see mkvmcore.h).
 *
 * Built twice: into the unit tests, and with -DMKVMCORE_MAIN as the
 * mkvmcore command the CLI tests and bench/ use:
 *
 *   mkvmcore [--big|--little] [--machine ppc64|x86_64|aarch64] [--cpus N]
 *            [--page-size N] [--size BYTES[K|M|G]] [--zero-percent P]
 *            [--seed N] [--no-vmcoreinfo] [--prpsinfo] [--no-unknown-note]
 *            [--kernel[=radix|hash] [--era 7.2|6.10|6.6|4.17] [--fill]]
 *            [--describe] OUT
 *
 * --kernel writes a synthetic kernel (mkkernel.h) instead of random
 * memory: page tables, vmemmap, the section map and struct pages of every
 * class (--fill: repeated over all memory), for --size of RAM (64 MiB by
 * default) with --page-size pages (64 KiB by default).
 *
 * --describe prints what was written as JSON on stdout (segments, note
 * offsets, file size; with --kernel, addresses, the pages of each class
 * and, in "expect", the class meant for each pfn as 'a' + the class),
 * so tests can check a reader against the writer.
 */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkvmcore.h"

const char mkvmcore_ppc64_vmcoreinfo[] =
	"OSRELEASE=" MKV_OSRELEASE "\n"
	"BUILD-ID=4c0e4a3f9b1d2e7a8c6b5d4e3f2a1b0c9d8e7f6a\n"
	"PAGESIZE=65536\n"
	"SYMBOL(init_uts_ns)=c000000002b41d28\n"
	"OFFSET(uts_namespace.name)=0\n"
	"SYMBOL(node_online_map)=c000000002a93cd0\n"
	"SYMBOL(swapper_pg_dir)=c000000002b80000\n"
	"SYMBOL(_stext)=c000000000000000\n"
	"SYMBOL(vmap_area_list)=c000000002c6a1a0\n"
	"SYMBOL(mem_section)=c000000003a11c00\n"
	"LENGTH(mem_section)=2048\n"
	"SIZE(mem_section)=32\n"
	"OFFSET(mem_section.section_mem_map)=0\n"
	"NUMBER(SECTION_SIZE_BITS)=24\n"
	"NUMBER(MAX_PHYSMEM_BITS)=51\n"
	"SIZE(page)=64\n"
	"SIZE(pglist_data)=6912\n"
	"SIZE(zone)=1472\n"
	"SIZE(free_area)=88\n"
	"SIZE(list_head)=16\n"
	"SIZE(nodemask_t)=32\n"
	"OFFSET(page.flags)=0\n"
	"OFFSET(page._refcount)=52\n"
	"OFFSET(page.mapping)=24\n"
	"OFFSET(page.lru)=8\n"
	"OFFSET(page._mapcount)=48\n"
	"OFFSET(page.private)=40\n"
	"OFFSET(pglist_data.node_zones)=0\n"
	"OFFSET(pglist_data.nr_zones)=5920\n"
	"OFFSET(pglist_data.node_start_pfn)=5928\n"
	"OFFSET(pglist_data.node_spanned_pages)=5944\n"
	"OFFSET(pglist_data.node_id)=5952\n"
	"OFFSET(zone.free_area)=192\n"
	"OFFSET(zone.vm_stat)=1280\n"
	"OFFSET(zone.spanned_pages)=104\n"
	"OFFSET(free_area.free_list)=0\n"
	"OFFSET(list_head.next)=0\n"
	"OFFSET(list_head.prev)=8\n"
	"LENGTH(zone.free_area)=11\n"
	"SYMBOL(prb)=c000000002a0c4d8\n"
	"SYMBOL(printk_rb_static)=c000000002a0c4e0\n"
	"SYMBOL(clear_seq)=c000000002ee1e38\n"
	"SIZE(printk_ringbuffer)=80\n"
	"OFFSET(printk_ringbuffer.desc_ring)=0\n"
	"OFFSET(printk_ringbuffer.text_data_ring)=48\n"
	"OFFSET(printk_ringbuffer.fail)=72\n"
	"LENGTH(free_area.free_list)=6\n"
	"NUMBER(NR_FREE_PAGES)=0\n"
	"NUMBER(PG_lru)=4\n"
	"NUMBER(PG_private)=12\n"
	"NUMBER(PG_swapcache)=9\n"
	"NUMBER(PG_swapbacked)=18\n"
	"NUMBER(PG_slab)=7\n"
	"NUMBER(PG_hwpoison)=21\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257\n"
	"SYMBOL(node_data)=c000000002a93f00\n"
	"LENGTH(node_data)=256\n"
	"SYMBOL(vmemmap_list)=c000000002c7e7c8\n"
	"SYMBOL(mmu_vmemmap_psize)=c000000002a8b0e4\n"
	"SYMBOL(mmu_psize_defs)=c000000002a8b120\n"
	"SYMBOL(cur_cpu_spec)=c000000002a5c7a8\n"
	"OFFSET(cpu_spec.cpu_features)=8\n"
	"OFFSET(cpu_spec.mmu_features)=28\n"
	"NUMBER(RADIX_MMU)=1\n"
	"KERNELOFFSET=0\n"
	"CRASHTIME=1767225600\n";

const struct mkvmcore_msg mkvmcore_crash_log[MKV_CRASH_LOG_LEN] = {
	{ 0, 0x80000000, "Linux version " MKV_OSRELEASE },
	{ 536423000, 0x1, "Run /init as init process" },
	{ 3161123000ULL, 0x7b, "sysrq: Trigger a crash" },
	{ 3161458000ULL, 0x7b,
	  "Kernel panic - not syncing: sysrq triggered crash" },
};

void mkvmcore_default(struct mkvmcore_spec *spec, bool big_endian)
{
	memset(spec, 0, sizeof(*spec));
	spec->big_endian = big_endian;
	spec->machine = EM_PPC64;
	spec->page_size = 65536;
	spec->cpus = 4;
	/*
	 * Boot memory at 0; a hole where the reserved dump area was; a
	 * segment that starts 0x400 bytes into a page, as ra_end does when
	 * the crash-info header does not end on a page; another hole; a
	 * last segment.
	 */
	spec->nsegs = 3;
	spec->segs[0] = (struct mkvmcore_seg){ 0x0, 0x100000, 0x100000 };
	spec->segs[1] = (struct mkvmcore_seg){ 0x20010400, 0x2fc00, 0x2fc00 };
	spec->segs[2] = (struct mkvmcore_seg){ 0x30000000, 0x80000, 0x80000 };
	spec->vmcoreinfo = mkvmcore_ppc64_vmcoreinfo;
	spec->unknown_note = true;
	spec->zero_percent = 75;
	spec->seed = 1;
}

void mkvmcore_sized(struct mkvmcore_spec *spec, bool big_endian,
		    uint64_t bytes)
{
	uint64_t quarter;

	mkvmcore_default(spec, big_endian);
	quarter = bytes / 4 / spec->page_size * spec->page_size;
	spec->zero_percent = 50;
	spec->cpus = 64;
	/* 1/4 boot memory, a hole, 1/2 starting mid-page, a hole, the rest. */
	spec->segs[0] = (struct mkvmcore_seg){ 0, quarter, quarter };
	spec->segs[1].paddr = 2 * quarter + 0x400;
	spec->segs[1].memsz = 2 * quarter - 0x400;
	spec->segs[1].filesz = spec->segs[1].memsz;
	spec->segs[2].paddr = 8 * quarter;
	spec->segs[2].memsz = bytes - 3 * quarter;
	spec->segs[2].filesz = spec->segs[2].memsz;
}

/* splitmix64: cheap, well-mixed, the same on every host. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

bool mkvmcore_page_is_zero(const struct mkvmcore_spec *spec, uint64_t paddr)
{
	uint64_t page = paddr / spec->page_size;

	return mix(spec->seed ^ 0x5a5a5a5a00000000ULL ^ page) % 100 <
	       spec->zero_percent;
}

static uint64_t mem_word(const struct mkvmcore_spec *spec, uint64_t paddr8)
{
	uint64_t w = mix(spec->seed + (paddr8 >> 3));

	/* Never an all-zero word: a data page must not look like a hole. */
	return w ? w : 1;
}

uint8_t mkvmcore_mem_byte(const struct mkvmcore_spec *spec, uint64_t paddr)
{
	for (unsigned int i = 0; i < spec->npatches; i++) {
		const struct mkvmcore_patch *p = &spec->patches[i];

		if (paddr >= p->paddr && paddr - p->paddr < p->len)
			return ((const uint8_t *)p->data)[paddr - p->paddr];
	}
	if (mkvmcore_page_is_zero(spec, paddr))
		return 0;
	return (uint8_t)(mem_word(spec, paddr & ~7ULL) >> (8 * (paddr & 7)));
}

uint64_t mkvmcore_reg(unsigned int cpu, unsigned int idx)
{
	static const uint64_t special[] = {
		[0] = 0xc000000000100000ULL,	/* nip */
		[1] = 0x8000000000001033ULL,	/* msr */
		[2] = 0,			/* orig_gpr3: + cpu */
		[3] = 0xc000000000200000ULL,	/* ctr */
		[4] = 0xc000000000300000ULL,	/* link */
		[5] = 0x20000000,		/* xer */
		[6] = 0x28002444,		/* ccr */
		[7] = 1,			/* softe */
		[8] = 0x300,			/* trap */
		[9] = 0xdead0000,		/* dar */
		[10] = 0x42000000,		/* dsisr */
		[11] = 0,			/* result */
	};

	if (idx < 32)
		return 0x0123456700000000ULL + ((uint64_t)cpu << 8) + idx;
	if (idx < 44) {
		uint64_t v = special[idx - 32];

		/* cpu-dependent where a real CPU's would differ */
		if (idx == 32 || idx == 34 || idx == 35 || idx == 36 || idx == 41)
			v += cpu * 0x100;
		return v;
	}
	return 0x4400 + idx;	/* ppr, exit_result, amr, iamr */
}

int32_t mkvmcore_pid(unsigned int cpu)
{
	return (int32_t)(100 + cpu);
}

/* ------------------------------------------------------------------ */

struct writer {
	const struct mkvmcore_spec *spec;
	unsigned char *buf;
	size_t cap;
	size_t len;
};

static void put(struct writer *w, uint64_t off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		int shift = w->spec->big_endian ? 8 * (bytes - 1 - i) : 8 * i;

		w->buf[off + i] = (unsigned char)(v >> shift);
	}
}

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ULL;
}

static uint64_t round_down(uint64_t v, uint64_t a)
{
	return v / a * a;
}

static uint64_t round_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

static uint64_t note_bytes(uint64_t namesz, uint64_t descsz)
{
	return 12 + align4(namesz) + align4(descsz);
}

static uint64_t prstatus_size(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64:
		return 336;	/* 112 + 27 * 8 + pr_fpvalid, aligned */
	case EM_AARCH64:
		return 392;	/* 112 + 34 * 8 + pr_fpvalid, aligned */
	default:
		return MKV_PPC64_PRSTATUS_SIZE;
	}
}

/* Append one note at w->len; returns the offset of its descriptor. */
static uint64_t add_note(struct writer *w, const char *name, uint32_t type,
			 const void *desc, uint64_t descsz)
{
	uint64_t namesz = strlen(name) + 1;
	uint64_t off = w->len;

	put(w, off, namesz, 4);
	put(w, off + 4, descsz, 4);
	put(w, off + 8, type, 4);
	memcpy(w->buf + off + 12, name, namesz);
	if (desc)
		memcpy(w->buf + off + 12 + align4(namesz), desc, descsz);
	w->len += note_bytes(namesz, descsz);
	return off + 12 + align4(namesz);
}

static uint64_t linear_map(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64:
		return 0xffff888000000000ULL;
	case EM_AARCH64:
		return 0xffff000000000000ULL;
	default:
		return 0xc000000000000000ULL;
	}
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Memory pages [start, end) as the file holds them, through @buf. */
static int write_memory(int fd, const struct mkvmcore_spec *spec,
			uint64_t start, uint64_t end, unsigned char *buf,
			size_t bufsz)
{
	while (start < end) {
		size_t n = end - start < bufsz ? (size_t)(end - start) : bufsz;

		for (size_t pg = 0; pg < n; pg += spec->page_size) {
			uint64_t paddr = start + pg;
			size_t pn = spec->page_size;

			if (pn > n - pg)
				pn = n - pg;
			if (mkvmcore_page_is_zero(spec, paddr)) {
				memset(buf + pg, 0, pn);
				continue;
			}
			/* start and page sizes are multiples of 8 */
			for (size_t i = 0; i < pn; i += 8) {
				uint64_t v = htole64(mem_word(spec, paddr + i));

				memcpy(buf + pg + i, &v, 8);
			}
		}
		for (unsigned int i = 0; i < spec->npatches; i++) {
			const struct mkvmcore_patch *p = &spec->patches[i];
			uint64_t from = p->paddr > start ? p->paddr : start;
			uint64_t to = p->paddr + p->len < start + n ?
				      p->paddr + p->len : start + n;

			if (from < to)
				memcpy(buf + (from - start),
				       (const uint8_t *)p->data + (from - p->paddr),
				       to - from);
		}
		int ret = write_all(fd, buf, n);

		if (ret < 0)
			return ret;
		start += n;
	}
	return 0;
}

int mkvmcore_write(const char *path, const struct mkvmcore_spec *spec,
		   struct mkvmcore_layout *layout)
{
	struct mkvmcore_layout lay;
	struct writer w = { .spec = spec };
	uint64_t prsz = prstatus_size(spec->machine);
	uint64_t infosz = spec->vmcoreinfo ? strlen(spec->vmcoreinfo) : 0;
	uint64_t notes, hdr_end, off;
	const size_t bufsz = 1 << 20;
	unsigned char *buf;
	int fd, ret = 0;

	if (spec->cpus > MKVMCORE_MAX_CPUS || spec->nsegs > MKVMCORE_MAX_SEGS ||
	    spec->page_size < 4096 || (spec->page_size & (spec->page_size - 1)))
		return -EINVAL;
	memset(&lay, 0, sizeof(lay));
	lay.phoff = 64;
	lay.phnum = 1 + spec->nsegs;
	lay.prstatus_descsz = prsz;
	lay.vmcoreinfo_descsz = infosz;

	notes = spec->cpus * note_bytes(5, prsz);
	if (spec->prpsinfo)
		notes += note_bytes(5, MKV_PRPSINFO_SIZE);
	if (spec->vmcoreinfo)
		notes += note_bytes(11, infosz);
	if (spec->unknown_note)
		notes += note_bytes(11, 12);
	lay.note_offset = lay.phoff + 56 * lay.phnum;
	lay.note_size = notes;
	hdr_end = round_up(lay.note_offset + notes, spec->page_size);

	w.cap = hdr_end;
	w.buf = calloc(1, w.cap);
	if (!w.buf)
		return -ENOMEM;

	/* ELF header */
	memcpy(w.buf, ELFMAG, SELFMAG);
	w.buf[EI_CLASS] = ELFCLASS64;
	w.buf[EI_DATA] = spec->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	w.buf[EI_VERSION] = EV_CURRENT;
	w.buf[EI_OSABI] = ELFOSABI_NONE;
	put(&w, 16, ET_CORE, 2);
	put(&w, 18, spec->machine, 2);
	put(&w, 20, EV_CURRENT, 4);
	put(&w, 32, lay.phoff, 8);			/* e_phoff */
	put(&w, 48, spec->machine == EM_PPC64 ? 2 : 0, 4);	/* e_flags: ELFv2 */
	put(&w, 52, 64, 2);				/* e_ehsize */
	put(&w, 54, 56, 2);				/* e_phentsize */
	put(&w, 56, lay.phnum, 2);

	/* PT_NOTE */
	put(&w, 64, PT_NOTE, 4);
	put(&w, 64 + 8, lay.note_offset, 8);
	put(&w, 64 + 32, notes, 8);
	put(&w, 64 + 40, notes, 8);

	/* PT_LOADs: whole pages around each segment, one after the other. */
	off = hdr_end;
	for (unsigned int i = 0; i < spec->nsegs; i++) {
		const struct mkvmcore_seg *s = &spec->segs[i];
		uint64_t ph = 64 + 56 * (1 + i);
		uint64_t start = round_down(s->paddr, spec->page_size);
		uint64_t end = round_up(s->paddr + s->filesz, spec->page_size);

		lay.seg_offset[i] = off + (s->paddr - start);
		put(&w, ph, PT_LOAD, 4);
		put(&w, ph + 4, PF_R | PF_W | PF_X, 4);
		put(&w, ph + 8, lay.seg_offset[i], 8);
		put(&w, ph + 16, linear_map(spec->machine) + s->paddr, 8);
		put(&w, ph + 24, s->paddr, 8);
		put(&w, ph + 32, s->filesz, 8);
		put(&w, ph + 40, s->memsz, 8);
		off += end - start;
	}
	lay.data_end = off;
	lay.file_size = off;

	/* Notes */
	w.len = lay.note_offset;
	for (unsigned int cpu = 0; cpu < spec->cpus; cpu++) {
		uint64_t d = add_note(&w, "CORE", NT_PRSTATUS, NULL, prsz);
		unsigned int ngreg = (unsigned int)((prsz - 120) / 8);

		lay.prstatus_desc[cpu] = d;
		if (cpu == 0) {
			put(&w, d + 0, 11, 4);	/* pr_info.si_signo: SIGSEGV */
			put(&w, d + 12, 11, 2);	/* pr_cursig */
		}
		put(&w, d + MKV_PRSTATUS_PID, (uint32_t)mkvmcore_pid(cpu), 4);
		put(&w, d + 36, 1, 4);		/* pr_ppid */
		put(&w, d + 40, (uint32_t)mkvmcore_pid(cpu), 4);	/* pr_pgrp */
		put(&w, d + 44, (uint32_t)mkvmcore_pid(cpu), 4);	/* pr_sid */
		for (unsigned int r = 0; r < ngreg; r++)
			put(&w, d + MKV_PRSTATUS_PR_REG + 8 * r,
			    mkvmcore_reg(cpu, r), 8);
		put(&w, d + MKV_PRSTATUS_PR_REG + 8 * ngreg, 1, 4);	/* pr_fpvalid */
	}
	if (spec->prpsinfo) {
		uint64_t d = add_note(&w, "CORE", NT_PRPSINFO, NULL,
				      MKV_PRPSINFO_SIZE);

		lay.prpsinfo_desc = d;
		w.buf[d + 0] = 0;		/* pr_state */
		w.buf[d + 1] = 'R';		/* pr_sname */
		w.buf[d + 3] = (unsigned char)-5;	/* pr_nice */
		put(&w, d + 8, 0x400100, 8);	/* pr_flag */
		put(&w, d + 16, 1000, 4);	/* pr_uid */
		put(&w, d + 20, 100, 4);	/* pr_gid */
		put(&w, d + 24, 1234, 4);	/* pr_pid */
		put(&w, d + 28, 1, 4);		/* pr_ppid */
		put(&w, d + 32, 1234, 4);	/* pr_pgrp */
		put(&w, d + 36, 1200, 4);	/* pr_sid */
		memcpy(w.buf + d + 40, "bash", 4);	/* pr_fname[16] */
		memcpy(w.buf + d + 56, "bash -c echo c > /proc/sysrq-trigger", 36);
	}
	if (spec->vmcoreinfo)
		lay.vmcoreinfo_desc = add_note(&w, "VMCOREINFO", 0,
					       spec->vmcoreinfo, infosz);
	if (spec->unknown_note)
		lay.unknown_desc = add_note(&w, "FADUMPTEST", 0x4242,
					    "hello, dump!", 12);

	buf = malloc(bufsz);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (!buf || fd < 0) {
		ret = buf ? -errno : -ENOMEM;
		goto out;
	}
	ret = write_all(fd, w.buf, hdr_end);
	for (unsigned int i = 0; i < spec->nsegs && ret == 0; i++) {
		const struct mkvmcore_seg *s = &spec->segs[i];

		ret = write_memory(fd, spec,
				   round_down(s->paddr, spec->page_size),
				   round_up(s->paddr + s->filesz, spec->page_size),
				   buf, bufsz);
	}
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	fd = -1;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(w.buf);
	if (ret == 0 && layout)
		*layout = lay;
	return ret;
}

/* ------------------------------------------------------------------ */
/* printk ring buffer                                                  */

void mkvmcore_printk_init(struct mkvmcore_printk *pk)
{
	memset(pk, 0, sizeof(*pk));
	/* the 7.2 kernel's VMCOREINFO (ppc64le QEMU dump of the e2e test) */
	pk->lay = (struct mkvmcore_prb_layout){
		.rb_size = 88, .rb_desc_ring = 0, .rb_text_ring = 48,
		.dr_count_bits = 0, .dr_descs = 8, .dr_infos = 16,
		.dr_head_id = 24, .dr_tail_id = 32,
		.desc_size = 24, .desc_state_var = 0, .desc_text_blk_lpos = 8,
		.info_size = 88, .info_seq = 0, .info_ts_nsec = 8,
		.info_text_len = 16, .info_caller_id = 20,
		.tr_size_bits = 0, .tr_data = 8, .tr_head_lpos = 16,
		.tr_tail_lpos = 24,
	};
	pk->count_bits = 4;
	pk->size_bits = 10;
	pk->first_id = 1;
	pk->placeholder = true;
}

static void put_img(const struct mkvmcore_spec *spec, unsigned char *p,
		    uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		int shift = spec->big_endian ? 8 * (bytes - 1 - i) : 8 * i;

		p[i] = (unsigned char)(v >> shift);
	}
}

#define PRB_ID_MASK	(~(3ULL << 62))
#define PRB_FINALIZED	(2ULL << 62)
#define PRB_EMPTY_LINE	3ULL

int mkvmcore_printk_build(struct mkvmcore_printk *pk,
			  const struct mkvmcore_msg *msgs, unsigned int n,
			  struct mkvmcore_spec *spec)
{
	const struct mkvmcore_prb_layout *l = &pk->lay;
	uint64_t count = 1ULL << pk->count_bits, size = 1ULL << pk->size_bits;
	unsigned char *img = pk->image, *rb = img + MKV_PRB_RB;
	uint64_t head_lpos = -size;	/* BLK0_LPOS: one wrap below 0 */
	uint64_t *begins;
	unsigned int first;
	int len;

	if (pk->count_bits > 6 || pk->size_bits < 6 || pk->size_bits > 15 ||
	    n == 0 || spec->npatches >= MKVMCORE_MAX_PATCHES ||
	    MKV_PRB_DESCS + count * l->desc_size > MKV_PRB_INFOS ||
	    MKV_PRB_INFOS + count * l->info_size > MKV_PRB_DATA)
		return -EINVAL;
	begins = calloc(n, sizeof(*begins));
	if (!begins)
		return -ENOMEM;
	memset(img, 0, sizeof(pk->image));

	for (unsigned int i = 0; i < n; i++) {
		uint64_t id = (pk->first_id + i) & PRB_ID_MASK;
		size_t tl = strlen(msgs[i].text);
		unsigned char *d = img + MKV_PRB_DESCS + (id % count) * l->desc_size;
		unsigned char *inf = img + MKV_PRB_INFOS + (id % count) * l->info_size;
		uint64_t begin = PRB_EMPTY_LINE, next = PRB_EMPTY_LINE;

		if (tl) {
			/* to_blk_size(): the id, the text, aligned to 8 */
			uint64_t blk = (8 + tl + 7) & ~7ULL;

			if (blk > size) {
				free(begins);
				return -EINVAL;
			}
			begin = head_lpos;
			next = begin + blk;
			/* get_next_lpos(): a block never wraps, it moves */
			if ((begin >> pk->size_bits) !=
			    ((next - 1) >> pk->size_bits))
				next = ((next - 1) & ~(size - 1)) + blk;
			head_lpos = next;
			put_img(spec, img + MKV_PRB_DATA + ((next - blk) & (size - 1)),
				id, 8);
			memcpy(img + MKV_PRB_DATA + ((next - blk) & (size - 1)) + 8,
			       msgs[i].text, tl);
		}
		begins[i] = begin;
		put_img(spec, d + l->desc_state_var, PRB_FINALIZED | id, 8);
		put_img(spec, d + l->desc_text_blk_lpos, begin, 8);
		put_img(spec, d + l->desc_text_blk_lpos + 8, next, 8);
		put_img(spec, inf + l->info_seq, i, 8);
		put_img(spec, inf + l->info_ts_nsec, msgs[i].ts_nsec, 8);
		put_img(spec, inf + l->info_text_len, tl, 2);
		put_img(spec, inf + l->info_caller_id, msgs[i].caller_id, 4);
	}
	/* The oldest message whose descriptor and text both survive. */
	first = n > count ? n - (unsigned int)count : 0;
	for (unsigned int i = n; i-- > first;)
		if (begins[i] != PRB_EMPTY_LINE && head_lpos - begins[i] > size) {
			first = i + 1;
			break;
		}
	free(begins);
	pk->first_kept = first;
	pk->tail_id = (pk->first_id + first) & PRB_ID_MASK;
	if (pk->placeholder && first == 0 && n < count) {
		uint64_t id0 = (pk->first_id - 1) & PRB_ID_MASK;
		unsigned char *d = img + MKV_PRB_DESCS + (id0 % count) * l->desc_size;

		put_img(spec, d + l->desc_state_var, (3ULL << 62) | id0, 8);
		put_img(spec, d + l->desc_text_blk_lpos, 1, 8);	/* FAILED_LPOS */
		put_img(spec, d + l->desc_text_blk_lpos + 8, 1, 8);
		pk->tail_id = id0;
	}
	pk->head_id = (pk->first_id + n - 1) & PRB_ID_MASK;

	put_img(spec, img + MKV_PRB_VAR, MKV_LINEAR + MKV_PRB_PADDR + MKV_PRB_RB, 8);
	put_img(spec, rb + l->rb_desc_ring + l->dr_count_bits, pk->count_bits, 4);
	put_img(spec, rb + l->rb_desc_ring + l->dr_descs,
		MKV_LINEAR + MKV_PRB_PADDR + MKV_PRB_DESCS, 8);
	put_img(spec, rb + l->rb_desc_ring + l->dr_infos,
		MKV_LINEAR + MKV_PRB_PADDR + MKV_PRB_INFOS, 8);
	put_img(spec, rb + l->rb_desc_ring + l->dr_head_id, pk->head_id, 8);
	put_img(spec, rb + l->rb_desc_ring + l->dr_tail_id, pk->tail_id, 8);
	put_img(spec, rb + l->rb_text_ring + l->tr_size_bits, pk->size_bits, 4);
	put_img(spec, rb + l->rb_text_ring + l->tr_data,
		MKV_LINEAR + MKV_PRB_PADDR + MKV_PRB_DATA, 8);
	put_img(spec, rb + l->rb_text_ring + l->tr_head_lpos, head_lpos, 8);
	put_img(spec, rb + l->rb_text_ring + l->tr_tail_lpos, head_lpos - size, 8);

	len = snprintf(pk->vmcoreinfo, sizeof(pk->vmcoreinfo),
		"OSRELEASE=" MKV_OSRELEASE "\n"
		"PAGESIZE=65536\n"
		"SYMBOL(prb)=%llx\n"
		"SIZE(printk_ringbuffer)=%u\n"
		"OFFSET(printk_ringbuffer.desc_ring)=%u\n"
		"OFFSET(printk_ringbuffer.text_data_ring)=%u\n"
		"SIZE(prb_desc_ring)=48\n"
		"OFFSET(prb_desc_ring.count_bits)=%u\n"
		"OFFSET(prb_desc_ring.descs)=%u\n"
		"OFFSET(prb_desc_ring.infos)=%u\n"
		"OFFSET(prb_desc_ring.head_id)=%u\n"
		"OFFSET(prb_desc_ring.tail_id)=%u\n"
		"SIZE(prb_desc)=%u\n"
		"OFFSET(prb_desc.state_var)=%u\n"
		"OFFSET(prb_desc.text_blk_lpos)=%u\n"
		"SIZE(prb_data_blk_lpos)=16\n"
		"OFFSET(prb_data_blk_lpos.begin)=0\n"
		"OFFSET(prb_data_blk_lpos.next)=8\n"
		"SIZE(printk_info)=%u\n"
		"OFFSET(printk_info.seq)=%u\n"
		"OFFSET(printk_info.ts_nsec)=%u\n"
		"OFFSET(printk_info.text_len)=%u\n"
		"OFFSET(printk_info.caller_id)=%u\n"
		"SIZE(prb_data_ring)=32\n"
		"OFFSET(prb_data_ring.size_bits)=%u\n"
		"OFFSET(prb_data_ring.data)=%u\n"
		"OFFSET(prb_data_ring.head_lpos)=%u\n"
		"OFFSET(prb_data_ring.tail_lpos)=%u\n"
		"SIZE(atomic_long_t)=8\n"
		"OFFSET(atomic_long_t.counter)=0\n"
		"CRASHTIME=%d\n",
		(unsigned long long)(MKV_LINEAR + MKV_PRB_PADDR + MKV_PRB_VAR),
		l->rb_size, l->rb_desc_ring, l->rb_text_ring,
		l->dr_count_bits, l->dr_descs, l->dr_infos, l->dr_head_id,
		l->dr_tail_id, l->desc_size, l->desc_state_var,
		l->desc_text_blk_lpos, l->info_size, l->info_seq,
		l->info_ts_nsec, l->info_text_len, l->info_caller_id,
		l->tr_size_bits, l->tr_data, l->tr_head_lpos, l->tr_tail_lpos,
		MKV_CRASHTIME);
	if (len < 0 || (size_t)len >= sizeof(pk->vmcoreinfo))
		return -EINVAL;
	spec->vmcoreinfo = pk->vmcoreinfo;
	spec->patches[spec->npatches++] = (struct mkvmcore_patch){
		MKV_PRB_PADDR, pk->image, MKV_PRB_IMAGE };
	return 0;
}

int mkvmcore_logbuf_build(struct mkvmcore_printk *pk,
			  const struct mkvmcore_msg *msgs, unsigned int n,
			  uint32_t start_idx, struct mkvmcore_spec *spec)
{
	uint32_t size = 1u << pk->size_bits, idx = start_idx, used = 0;
	unsigned char *buf = pk->image + MKV_PRB_DATA;
	uint64_t base = MKV_LINEAR + MKV_PRB_PADDR;
	int len;

	if (pk->size_bits < 6 || pk->size_bits > 15 || start_idx % 8 ||
	    start_idx + 16 > size || spec->npatches >= MKVMCORE_MAX_PATCHES)
		return -EINVAL;
	memset(pk->image, 0, sizeof(pk->image));
	for (unsigned int i = 0; i < n; i++) {
		size_t tl = strlen(msgs[i].text);
		uint32_t rec = (uint32_t)((16 + tl + 7) & ~7UL);

		if (idx + rec + 16 > size) {	/* wrap: zeroed header, then 0 */
			used += size - idx;
			idx = 0;
		}
		used += rec;
		if (used + 16 > size)
			return -EINVAL;		/* would overwrite the first */
		put_img(spec, buf + idx, msgs[i].ts_nsec, 8);
		put_img(spec, buf + idx + 8, rec, 2);
		put_img(spec, buf + idx + 10, tl, 2);
		buf[idx + 15] = 6 << 5;		/* level KERN_INFO */
		memcpy(buf + idx + 16, msgs[i].text, tl);
		idx += rec;
	}
	put_img(spec, pk->image + MKV_LOGBUF_PTR, base + MKV_PRB_DATA, 8);
	put_img(spec, pk->image + MKV_LOGBUF_LEN, size, 4);
	put_img(spec, pk->image + MKV_LOGBUF_FIRST, start_idx, 4);
	put_img(spec, pk->image + MKV_LOGBUF_NEXT, idx, 4);
	len = snprintf(pk->vmcoreinfo, sizeof(pk->vmcoreinfo),
		"OSRELEASE=5.4.0-fadump-test\n"
		"PAGESIZE=65536\n"
		"SYMBOL(log_buf)=%llx\n"
		"SYMBOL(log_buf_len)=%llx\n"
		"SYMBOL(log_first_idx)=%llx\n"
		"SYMBOL(clear_idx)=%llx\n"
		"SYMBOL(log_next_idx)=%llx\n"
		"SIZE(printk_log)=16\n"
		"OFFSET(printk_log.ts_nsec)=0\n"
		"OFFSET(printk_log.len)=8\n"
		"OFFSET(printk_log.text_len)=10\n"
		"OFFSET(printk_log.dict_len)=12\n"
		"CRASHTIME=%d\n",
		(unsigned long long)(base + MKV_LOGBUF_PTR),
		(unsigned long long)(base + MKV_LOGBUF_LEN),
		(unsigned long long)(base + MKV_LOGBUF_FIRST),
		(unsigned long long)(base + 0x20),
		(unsigned long long)(base + MKV_LOGBUF_NEXT), MKV_CRASHTIME);
	if (len < 0 || (size_t)len >= sizeof(pk->vmcoreinfo))
		return -EINVAL;
	spec->vmcoreinfo = pk->vmcoreinfo;
	spec->patches[spec->npatches++] = (struct mkvmcore_patch){
		MKV_PRB_PADDR, pk->image, MKV_PRB_IMAGE };
	return 0;
}

#ifdef MKVMCORE_MAIN
#include <getopt.h>
#include <inttypes.h>

#include "mkkernel.h"

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G':
		v <<= 10;
		/* fall through */
	case 'M':
		v <<= 10;
		/* fall through */
	case 'K':
		v <<= 10;
		end++;
		break;
	default:
		break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* The class names of fadump_page_class_name(), written out here. */
static const char *const class_names[] = {
	"unknown", "free", "cache", "cache_private", "anon", "hugetlb",
	"offline", "hwpoison", "slab", "zero", "kernel",
};

static void describe_kernel(const struct mkkernel *k)
{
	uint64_t counts[sizeof(class_names) / sizeof(class_names[0])] = { 0 };

	for (uint64_t pfn = 0; pfn < k->pages; pfn++)
		counts[k->expect[pfn]]++;
	printf("  \"kernel\": {\n");
	printf("    \"page_size\": %llu,\n", 1ULL << k->spec.page_shift);
	printf("    \"hash\": %s,\n", k->spec.hash ? "true" : "false");
	printf("    \"pages\": %" PRIu64 ",\n", k->pages);
	printf("    \"vmalloc_start\": %" PRIu64 ",\n", k->vmalloc_start);
	printf("    \"vmemmap\": %" PRIu64 ",\n", k->vmemmap);
	printf("    \"desc_size\": %" PRIu64 ",\n", k->desc_size);
	printf("    \"init_uts_ns\": %llu,\n",
	       0xc000000000000000ULL + (unsigned long long)k->uts);
	printf("    \"va_page\": [%" PRIu64 ", %" PRIu64 "],\n",
	       k->va_page[0], k->va_page[1]);
	printf("    \"pa_page\": [%" PRIu64 ", %" PRIu64 "],\n",
	       k->pa_page[0], k->pa_page[1]);
	printf("    \"va_pmd_leaf\": %" PRIu64 ",\n", k->va_pmd_leaf);
	printf("    \"pa_pmd_leaf\": %" PRIu64 ",\n", k->pa_pmd_leaf);
	printf("    \"classes\": {");
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		printf("%s\"%s\": %" PRIu64, i ? ", " : "", class_names[i],
		       counts[i]);
	/* the class meant for each pfn: 'a' + enum fadump_page_class */
	printf("},\n    \"expect\": \"");
	for (uint64_t pfn = 0; pfn < k->pages; pfn++)
		putchar('a' + k->expect[pfn]);
	printf("\"\n  },\n");
}

static void describe(const struct mkvmcore_spec *spec,
		     const struct mkvmcore_layout *lay,
		     const struct mkkernel *k)
{
	printf("{\n");
	if (k)
		describe_kernel(k);
	printf("  \"file_size\": %" PRIu64 ",\n", lay->file_size);
	printf("  \"big_endian\": %s,\n", spec->big_endian ? "true" : "false");
	printf("  \"machine\": %u,\n", spec->machine);
	printf("  \"cpus\": %u,\n", spec->cpus);
	printf("  \"note_offset\": %" PRIu64 ",\n", lay->note_offset);
	printf("  \"note_size\": %" PRIu64 ",\n", lay->note_size);
	printf("  \"prstatus_descsz\": %" PRIu64 ",\n", lay->prstatus_descsz);
	printf("  \"vmcoreinfo_desc\": %" PRIu64 ",\n", lay->vmcoreinfo_desc);
	printf("  \"vmcoreinfo_descsz\": %" PRIu64 ",\n", lay->vmcoreinfo_descsz);
	printf("  \"segments\": [");
	for (unsigned int i = 0; i < spec->nsegs; i++)
		printf("%s\n    {\"paddr\": %" PRIu64 ", \"offset\": %" PRIu64
		       ", \"filesz\": %" PRIu64 ", \"memsz\": %" PRIu64 "}",
		       i ? "," : "", spec->segs[i].paddr, lay->seg_offset[i],
		       spec->segs[i].filesz, spec->segs[i].memsz);
	printf("\n  ]\n}\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "big", no_argument, NULL, 'b' },
		{ "little", no_argument, NULL, 'l' },
		{ "machine", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "page-size", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 's' },
		{ "zero-percent", required_argument, NULL, 'z' },
		{ "seed", required_argument, NULL, 'S' },
		{ "no-vmcoreinfo", no_argument, NULL, 'V' },
		{ "prpsinfo", no_argument, NULL, 'P' },
		{ "no-unknown-note", no_argument, NULL, 'U' },
		{ "describe", no_argument, NULL, 'd' },
		{ "printk", no_argument, NULL, 'k' },
		{ "logbuf", no_argument, NULL, 'L' },
		{ "kernel", optional_argument, NULL, 'K' },
		{ "era", required_argument, NULL, 'E' },
		{ "fill", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	static struct mkkernel kern;
	bool kernel = false, hash = false, fill = false;
	enum mkk_era era = MKK_ERA_7_2;
	struct mkvmcore_spec spec;
	struct mkvmcore_layout lay;
	bool big = true, desc = false, no_info = false, prpsinfo = false;
	bool no_unknown = false, printk = false, logbuf = false;
	static struct mkvmcore_printk pk;
	uint64_t size = 0, page = 0, cpus = 0, zero = 101, seed = 1, v;
	uint16_t machine = EM_PPC64;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			big = true;
			break;
		case 'l':
			big = false;
			break;
		case 'm':
			if (strcmp(optarg, "ppc64") == 0)
				machine = EM_PPC64;
			else if (strcmp(optarg, "x86_64") == 0)
				machine = EM_X86_64;
			else if (strcmp(optarg, "aarch64") == 0)
				machine = EM_AARCH64;
			else
				goto usage;
			break;
		case 'c':
		case 'p':
		case 's':
		case 'z':
		case 'S':
			if (parse_size(optarg, &v) < 0)
				goto usage;
			if (opt == 'c')
				cpus = v;
			else if (opt == 'p')
				page = v;
			else if (opt == 's')
				size = v;
			else if (opt == 'z')
				zero = v;
			else
				seed = v;
			break;
		case 'V':
			no_info = true;
			break;
		case 'P':
			prpsinfo = true;
			break;
		case 'U':
			no_unknown = true;
			break;
		case 'd':
			desc = true;
			break;
		case 'k':
			printk = true;
			break;
		case 'L':
			logbuf = true;
			break;
		case 'K':
			kernel = true;
			if (optarg && strcmp(optarg, "hash") == 0)
				hash = true;
			else if (optarg && strcmp(optarg, "radix") != 0)
				goto usage;
			break;
		case 'E':
			if (strcmp(optarg, "7.2") == 0)
				era = MKK_ERA_7_2;
			else if (strcmp(optarg, "6.10") == 0)
				era = MKK_ERA_6_10;
			else if (strcmp(optarg, "6.6") == 0)
				era = MKK_ERA_6_6;
			else if (strcmp(optarg, "4.17") == 0)
				era = MKK_ERA_4_17;
			else
				goto usage;
			break;
		case 'F':
			fill = true;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;

	if (kernel) {
		struct mkkernel_spec ks;

		mkkernel_default_spec(&ks, big);
		ks.hash = hash;
		ks.era = era;
		if (page)
			ks.page_shift = page == 4096 ? 12 : page == 65536 ? 16 : 0;
		if (size)
			ks.mem_size = size;
		if (mkkernel_build(&kern, &ks) < 0)
			goto usage;
		if (fill)
			mkkernel_fill(&kern, 16);
		else
			mkkernel_mix(&kern);
		mkkernel_vmcore(&kern, &spec);
		spec.unknown_note = !no_unknown;
		spec.prpsinfo = prpsinfo;
		if (cpus)
			spec.cpus = (unsigned int)cpus;
		ret = mkvmcore_write(argv[optind], &spec, &lay);
		if (ret < 0) {
			fprintf(stderr, "mkvmcore: %s: %s\n", argv[optind],
				strerror(-ret));
			return 1;
		}
		if (desc)
			describe(&spec, &lay, &kern);
		mkkernel_free(&kern);
		return 0;
	}
	if (size)
		mkvmcore_sized(&spec, big, size);
	else
		mkvmcore_default(&spec, big);
	spec.machine = machine;
	if (page)
		spec.page_size = page;
	if (cpus)
		spec.cpus = (unsigned int)cpus;
	if (zero <= 100)
		spec.zero_percent = (unsigned int)zero;
	spec.seed = seed;
	if (no_info)
		spec.vmcoreinfo = NULL;
	spec.prpsinfo = prpsinfo;
	spec.unknown_note = !no_unknown;
	if (printk) {
		mkvmcore_printk_init(&pk);
		if (mkvmcore_printk_build(&pk, mkvmcore_crash_log, MKV_CRASH_LOG_LEN, &spec) < 0)
			goto usage;
	} else if (logbuf) {
		mkvmcore_printk_init(&pk);
		if (mkvmcore_logbuf_build(&pk, mkvmcore_crash_log, MKV_CRASH_LOG_LEN, 0, &spec) < 0)
			goto usage;
	}

	ret = mkvmcore_write(argv[optind], &spec, &lay);
	if (ret < 0) {
		fprintf(stderr, "mkvmcore: %s: %s\n", argv[optind], strerror(-ret));
		return 1;
	}
	if (desc)
		describe(&spec, &lay, NULL);
	return 0;
usage:
	fprintf(stderr, "usage: mkvmcore [--big|--little] [--machine ppc64|x86_64|aarch64]\n"
		"       [--cpus N] [--page-size N] [--size BYTES[K|M|G]]\n"
		"       [--zero-percent P] [--seed N] [--no-vmcoreinfo] [--prpsinfo]\n"
		"       [--no-unknown-note] [--printk|--logbuf]\n"
		"       [--kernel[=radix|hash] [--era 7.2|6.10|6.6|4.17] [--fill]]\n"
		"       [--describe] OUT\n");
	return 2;
}
#endif

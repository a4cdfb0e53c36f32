/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkvmcore: write synthetic vmcores shaped like the kernel's /proc/vmcore
 * (fs/proc/vmcore.c re-packs the crashed kernel's ELF header that way):
 *
 *   ELF64 header | program headers: one PT_NOTE, then the PT_LOADs in the
 *   order given | the notes | zero padding to a page boundary | for each
 *   PT_LOAD the whole pages around its memory, so p_offset is page
 *   aligned plus (p_paddr modulo the page size), exactly as /proc/vmcore
 *   places a segment that starts mid-page.
 *
 * The notes are what a ppc64 fadump capture kernel exposes: one
 * NT_PRSTATUS "CORE" note per CPU (struct elf_prstatus, 504 bytes on
 * ppc64, pr_reg at offset 112), optionally an NT_PRPSINFO note, the
 * VMCOREINFO note, and optionally a note of a type nobody knows.
 *
 * This is an independent writer for tests and benchmarks: it shares no
 * code with the library, and the layouts are written out here from the
 * kernel headers (include/linux/elfcore.h, arch/powerpc/include/uapi/asm/
 * elf.h and ptrace.h).
 */
#ifndef MKVMCORE_H
#define MKVMCORE_H

#include <stdbool.h>
#include <stdint.h>

#define MKVMCORE_MAX_SEGS 16
#define MKVMCORE_MAX_CPUS 1024

/*
 * struct elf_prstatus on every 64-bit Linux architecture: pr_pid after
 * pr_info (12), pr_cursig (2 + 2), pr_sigpend and pr_sighold (8 each);
 * pr_reg after pid/ppid/pgrp/sid and four 16-byte timevals. On ppc64 the
 * note is 112 + 48 * 8 + pr_fpvalid (4), aligned to 8.
 */
#define MKV_PRSTATUS_PID	32
#define MKV_PRSTATUS_PR_REG	112
#define MKV_PPC64_NGREG		48	/* ELF_NGREG */
#define MKV_PPC64_PRSTATUS_SIZE	504
#define MKV_PRPSINFO_SIZE	136	/* struct elf_prpsinfo, 64-bit */

struct mkvmcore_seg {
	uint64_t paddr;
	uint64_t memsz;
	uint64_t filesz;	/* bytes in the file, normally == memsz */
};

/* @len bytes at @paddr that replace the generated memory contents. */
struct mkvmcore_patch {
	uint64_t paddr;
	const void *data;
	uint64_t len;
};

#define MKVMCORE_MAX_PATCHES 4

struct mkvmcore_spec {
	bool big_endian;
	uint16_t machine;	/* EM_PPC64, EM_X86_64, EM_AARCH64 */
	uint64_t page_size;	/* the capture kernel's: file layout alignment */
	unsigned int cpus;
	unsigned int nsegs;
	struct mkvmcore_seg segs[MKVMCORE_MAX_SEGS];
	const char *vmcoreinfo;	/* the note's text; NULL: no VMCOREINFO note */
	bool prpsinfo;		/* add an NT_PRPSINFO note */
	bool unknown_note;	/* add a "FADUMPTEST" note of type 0x4242 */
	unsigned int zero_percent;	/* share of memory pages that are all zero */
	/* share of the other pages that hold text-like bytes (words and
	 * numbers, compressible as page cache and kernel data are); the
	 * rest is pseudo-random */
	unsigned int text_percent;
	bool sparse;		/* zero pages as holes in the file */
	uint64_t seed;		/* of the pseudo-random memory contents */
	unsigned int npatches;
	struct mkvmcore_patch patches[MKVMCORE_MAX_PATCHES];
};

/* Where things landed in the file, for tests that corrupt or check them. */
struct mkvmcore_layout {
	uint64_t file_size;
	uint64_t phoff;			/* program header table (64) */
	unsigned int phnum;		/* 1 + nsegs */
	uint64_t note_offset;		/* the PT_NOTE segment */
	uint64_t note_size;
	uint64_t prstatus_desc[MKVMCORE_MAX_CPUS];
	uint64_t prstatus_descsz;
	uint64_t prpsinfo_desc;
	uint64_t vmcoreinfo_desc;
	uint64_t vmcoreinfo_descsz;
	uint64_t unknown_desc;
	uint64_t seg_offset[MKVMCORE_MAX_SEGS];	/* p_offset of each PT_LOAD */
	uint64_t data_end;		/* end of the last page written */
};

/* A realistic ppc64 VMCOREINFO text (7.x kernel, radix MMU, 64K pages). */
extern const char mkvmcore_ppc64_vmcoreinfo[];
/* The CRASHTIME in it and the OSRELEASE. */
#define MKV_CRASHTIME 1767225600
#define MKV_OSRELEASE "7.2.0-fadump-test"

/*
 * The default small dump: ppc64 of @big_endian order, 64 KiB pages, 4
 * CPUs, three segments (boot memory at 0, one starting mid-page right
 * after a hole like the one the reserved dump area leaves, one more past
 * another hole), VMCOREINFO and an unknown note, 75% zero pages.
 */
void mkvmcore_default(struct mkvmcore_spec *spec, bool big_endian);

/*
 * A dump of @bytes of memory (a multiple of the page size, at least 16
 * pages) in the same three-segment shape, for benchmarks.
 */
void mkvmcore_sized(struct mkvmcore_spec *spec, bool big_endian,
		    uint64_t bytes);

/* Write the dump to @path. Returns 0 or -errno; fills @layout if non-NULL. */
int mkvmcore_write(const char *path, const struct mkvmcore_spec *spec,
		   struct mkvmcore_layout *layout);

/*
 * The crashed machine's memory as the generator defines it: the byte at
 * physical address @paddr (inside or outside a segment). Zero pages
 * depend on the page number only, so a test can tell which they are.
 */
uint8_t mkvmcore_mem_byte(const struct mkvmcore_spec *spec, uint64_t paddr);
bool mkvmcore_page_is_zero(const struct mkvmcore_spec *spec, uint64_t paddr);

/*
 * pr_reg word @idx (0..47) of CPU @cpu. 44..47 are ppr, exit_result, amr
 * and iamr in 7.x pt_regs: set too, the decoder must ignore them.
 */
uint64_t mkvmcore_reg(unsigned int cpu, unsigned int idx);
/* pr_pid of CPU @cpu (fadump writes 0; the generator a recognisable value). */
int32_t mkvmcore_pid(unsigned int cpu);

/*
 * A printk ring buffer (5.10+, kernel/printk/printk_ringbuffer.[ch]) as
 * the crashed kernel would leave it, written from the kernel's rules:
 * descriptor ids with the state in the top two bits, data blocks that
 * start with their descriptor's id, blocks that do not fit before the end
 * of the ring placed at the start of the next wrap, empty lines as
 * EMPTY_LINE_LPOS (0x3) without data, the oldest records dropped when
 * the descriptors or the text ring run out.
 *
 * The image is MKV_PRB_IMAGE bytes of memory at physical MKV_PRB_PADDR
 * (inside segment 0 of the default dump): the "prb" pointer variable,
 * struct printk_ringbuffer, the descriptor and info arrays and the text
 * ring, at the MKV_PRB_* offsets. The struct layouts are the ones the
 * 7.2 kernel exports (see the VMCOREINFO it writes); @lay can move the
 * fields to check that a reader follows VMCOREINFO and nothing else.
 */
#define MKV_PRB_PADDR	0x10000
#define MKV_PRB_IMAGE	0x10000
#define MKV_PRB_VAR	0x0	/* struct printk_ringbuffer *prb */
#define MKV_PRB_RB	0x100	/* the ring buffer struct */
#define MKV_PRB_DESCS	0x400
#define MKV_PRB_INFOS	0x2000
#define MKV_PRB_DATA	0x8000	/* at most 32 KiB */
#define MKV_LINEAR	0xc000000000000000ULL	/* ppc64 PAGE_OFFSET */

struct mkvmcore_msg {
	uint64_t ts_nsec;
	uint32_t caller_id;
	const char *text;	/* may contain any byte but NUL */
};

struct mkvmcore_prb_layout {
	unsigned int rb_size, rb_desc_ring, rb_text_ring;
	unsigned int dr_count_bits, dr_descs, dr_infos, dr_head_id, dr_tail_id;
	unsigned int desc_size, desc_state_var, desc_text_blk_lpos;
	unsigned int info_size, info_seq, info_ts_nsec, info_text_len,
		     info_caller_id;
	unsigned int tr_size_bits, tr_data, tr_head_lpos, tr_tail_lpos;
};

struct mkvmcore_printk {
	struct mkvmcore_prb_layout lay;
	unsigned int count_bits;	/* descriptors: 1 << count_bits <= 64 */
	unsigned int size_bits;		/* text ring bytes: 6 .. 15 */
	uint64_t first_id;		/* id of the first message */
	/*
	 * Keep the kernel's initial descriptor at first_id - 1 while the
	 * ring has room: reusable, no data (DESC0_SV, FAILED_BLK_LPOS), and
	 * tail_id on it, as in every boot's ring until it fills.
	 */
	bool placeholder;
	/* outputs */
	unsigned char image[MKV_PRB_IMAGE];
	char vmcoreinfo[4096];
	unsigned int first_kept;	/* index of the oldest message kept */
	uint64_t head_id, tail_id;
};

/* The tail of a sysrq crash's log, for the CLI tests (mkvmcore --printk). */
#define MKV_CRASH_LOG_LEN 4
extern const struct mkvmcore_msg mkvmcore_crash_log[MKV_CRASH_LOG_LEN];

/* The 7.2 layout, 16 descriptors, a 1 KiB text ring, ids from 1, with
 * the placeholder. */
void mkvmcore_printk_init(struct mkvmcore_printk *pk);

/*
 * Write @n messages into pk->image in @spec's byte order, set
 * pk->vmcoreinfo and point spec->vmcoreinfo and a patch of @spec at
 * them. Returns 0, or -EINVAL for sizes the image cannot hold.
 */
int mkvmcore_printk_build(struct mkvmcore_printk *pk,
			  const struct mkvmcore_msg *msgs, unsigned int n,
			  struct mkvmcore_spec *spec);

/*
 * The log of 3.5 - 5.9 in the same image (log_store(), kernel/printk/
 * printk.c): a log_buf of (1 << pk->size_bits) bytes at MKV_PRB_DATA
 * holding struct printk_log records of 16 bytes (u64 ts_nsec, u16 len,
 * u16 text_len, u16 dict_len, u8 facility, u8 flags:5 level:3; no
 * caller_id) and their text, each aligned to 8; a record that would not
 * leave room for one more header before the end goes to index 0 after a
 * zeroed header (len 0). Writing starts at @start_idx (log_first_idx);
 * the messages must fit without overwriting. The variables: char
 * *log_buf at MKV_LOGBUF_PTR, u32 log_buf_len, log_first_idx and
 * log_next_idx after it. Returns 0 or -EINVAL.
 */
#define MKV_LOGBUF_PTR		0x0
#define MKV_LOGBUF_LEN		0x8
#define MKV_LOGBUF_FIRST	0xc
#define MKV_LOGBUF_NEXT		0x10
int mkvmcore_logbuf_build(struct mkvmcore_printk *pk,
			  const struct mkvmcore_msg *msgs, unsigned int n,
			  uint32_t start_idx, struct mkvmcore_spec *spec);

#endif

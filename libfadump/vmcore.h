/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private view of an opened vmcore, shared by vmcore*.c.
 *
 * Everything is checked once in fadump_vmcore_open() and converted to
 * host byte order, so the accessors only index arrays: segments (an ELF
 * core's program headers, a kdump file's memory ranges), notes in file
 * order, and the VMCOREINFO lines. Note descriptors stay in the dump's
 * byte order and are decoded on request. Each on-disk format fills them
 * through the interface of vmcore-format.h.
 */
#ifndef FADUMP_VMCORE_H
#define FADUMP_VMCORE_H

#include <gelf.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal.h"
#include "vmcore-format.h"

/*
 * Bounds no real dump comes near, so hostile headers cannot make us
 * allocate without limit. The kernel writes one PT_LOAD per memory range
 * (fadump: at most 128 boot regions plus the memblock ranges), and one
 * NT_PRSTATUS of 536 bytes per possible CPU (NR_CPUS is at most 8192:
 * 4.4 MB); VMCOREINFO is one page at most.
 */
#define VMCORE_MAX_PHDRS	65536
/*
 * An ELF file written at a dump level (makedumpfile -E, a filtered
 * fadump_vmcore_save()) has one PT_LOAD per run of kept pages: far more
 * than a kernel writes. Its program headers must also fit in the file,
 * which bounds what they cost to read; 2^24 of them are 896 MiB.
 */
#define VMCORE_MAX_ELF_PHDRS	(1u << 24)
#define VMCORE_MAX_NOTE_BYTES	(16u << 20)

/* struct elf_prstatus / elf_prpsinfo of 64-bit Linux (linux/elfcore.h). */
#define PRSTATUS_SIGNO		0	/* pr_info.si_signo, int */
#define PRSTATUS_CURSIG		12	/* short, then 2 bytes of padding */
#define PRSTATUS_PID		32	/* after pr_sigpend, pr_sighold (longs) */
#define PRSTATUS_PPID		36
#define PRSTATUS_PGRP		40
#define PRSTATUS_SID		44
#define PRSTATUS_PR_REG		112	/* after 4 struct timeval (2 longs) */
#define PRSTATUS_TAIL		8	/* pr_fpvalid (int) and padding to 8 */
#define PPC64_PRSTATUS_SIZE	504	/* pr_reg: ELF_NGREG 48 doublewords */
#define PPC64_NAMED_REGS	44	/* user_pt_regs: gpr[32] ... result */
#define PRPSINFO_SIZE		136

struct vmcore_segment {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;
	unsigned int phdr;	/* index in the program header table */
};

struct vmcore_note {
	const char *name;	/* NUL-terminated inside the note data */
	uint32_t type;
	const unsigned char *desc;
	size_t descsz;
	uint64_t offset;	/* file offset of desc */
};

struct vmcoreinfo_line {
	const char *key;
	const char *value;
};

struct fadump_vmcore {
	int refcount;
	struct fadump_ctx *ctx;
	char *path;
	int fd;
	Elf *elf;			/* ELF format only */
	/* Filled by the format's open() (vmcore-format.h), from here down. */
	enum fadump_byte_order order;
	unsigned int machine;
	uint64_t file_size;

	struct vmcore_segment *segs;	/* PT_LOADs, program-header order */
	unsigned int nsegs;
	/*
	 * The segments a physical address resolves to, sorted by paddr and
	 * disjoint. A segment lying wholly inside another (x86_64 kdump
	 * lists the kernel image again inside its RAM range) is a second
	 * view of the same memory and is left out; partial overlaps are
	 * refused at open.
	 */
	const struct vmcore_segment **by_paddr;
	unsigned int nby_paddr;
	/* Bytes that are headers or notes: written whatever the contents. */
	uint64_t meta_bytes;

	struct vmcore_note *notes;
	unsigned int nnotes;
	unsigned int notes_cap;
	uint64_t note_bytes;		/* all PT_NOTE segments together */
	unsigned int *cpu_notes;	/* note index of each NT_PRSTATUS */
	unsigned int ncpus;

	/* VMCOREINFO: parsed at open, errors kept for the accessors. */
	int info_err;			/* 0, -ENOENT or -EBADMSG */
	char *info_errmsg;
	char *info_text;		/* private copy, split into lines */
	struct vmcoreinfo_line *info;
	unsigned int ninfo;

	const struct vmcore_format *format;
	void *format_data;		/* the format's own state */
	/* kdump-compressed files say it; -1 for other formats */
	int dump_level;

	/* The file mapped by fadump_vmcore_map(), NULL if not. */
	void *map;
	uint64_t map_len;

	/* What the crashed kernel knew, built on first use. */
	struct vtop *vtop;		/* address translation: vtop.c */
	struct page_map *page_map;	/* page descriptors: page-class.c */
};

/*
 * vmcore-notes.c: count @len more bytes of notes (@where names them for
 * the message), -E2BIG past VMCORE_MAX_NOTE_BYTES in all. Call it before
 * reading them.
 */
int vmcore_reserve_note_bytes(struct fadump_vmcore *vm, uint64_t len,
			      const char *where);
/*
 * The ELF notes in @buf (@len bytes, in the dump's byte
 * order, from file offset @offset; kept by the caller until the vmcore is
 * freed) appended to vm->notes. @where names the place for messages
 * ("program header 3").
 */
int vmcore_parse_notes(struct fadump_vmcore *vm, const unsigned char *buf,
		       size_t len, uint64_t offset, const char *where);
/* After the last notes: list the NT_PRSTATUS notes, one per CPU. */
int vmcore_index_notes(struct fadump_vmcore *vm);
void vmcore_free_notes(struct fadump_vmcore *vm);

/*
 * vmcore-info.c: parse the VMCOREINFO note, or a VMCOREINFO text the
 * format keeps elsewhere (@len bytes, copied). Neither fails the open:
 * an error is kept for the accessors.
 */
int vmcore_parse_vmcoreinfo(struct fadump_vmcore *vm);
int vmcore_parse_vmcoreinfo_text(struct fadump_vmcore *vm,
				 const unsigned char *text, size_t len);

/*
 * vmcore.c: sort vm->segs into vm->by_paddr, leaving out segments that
 * lie wholly inside another; partial overlaps are refused (-EBADMSG).
 */
int vmcore_index_segments(struct fadump_vmcore *vm);
/* e_machine of a "uname -m" name ("ppc64le": EM_PPC64), EM_NONE if unknown. */
unsigned int vmcore_machine_from_uname(const char *machine);
/* The -ENXIO for @paddr, its message naming the hole around it. */
int vmcore_not_in_dump(struct fadump_vmcore *vm, uint64_t paddr);
/* The segment holding @paddr (by_paddr), or NULL. */
const struct vmcore_segment *vmcore_find_segment(const struct fadump_vmcore *vm,
						 uint64_t paddr);
/* The last address of [start, start + len), len > 0; false on overflow. */
static inline bool vmcore_last_addr(uint64_t start, uint64_t len,
				    uint64_t *last)
{
	if (len - 1 > UINT64_MAX - start)
		return false;
	*last = start + (len - 1);
	return true;
}

/*
 * Read exactly @len bytes of the file at @offset, retrying EINTR and
 * short reads. A read error, or the file ending early (it shrank after
 * the open), is recorded with the offset in the message.
 */
int vmcore_pread(struct fadump_vmcore *vm, void *buf, size_t len,
		 uint64_t offset);

/* vmcore-map.c: undo fadump_vmcore_map() (nothing if not mapped). */
void vmcore_unmap(struct fadump_vmcore *vm);

/*
 * Public calls minus fadump_clear_error(), for use inside the library.
 * vmcore_read() is fadump_vmcore_read() for every format.
 */
int vmcore_read(struct fadump_vmcore *vm, uint64_t paddr, void *buf, size_t len);
/* Where the page holding @paddr stands (vmcore-format.h); nothing recorded. */
enum vmcore_page_state vmcore_page_state(const struct fadump_vmcore *vm,
					 uint64_t paddr);
int vmcore_info_find(const struct fadump_vmcore *vm, const char *key,
		     const char **value);

/*
 * VMCOREINFO values as numbers. All return -ENOENT for an absent key
 * without recording anything (the library's readers probe for optional
 * keys), -EBADMSG with a message naming the line for a value that is not
 * a number, or the note's parse error.
 *
 * vmcore_info_u64: @key's value in @base (16, 10, or 0: decimal or "0x"
 * hex). vmcore_info_field: KIND(NAME), hex for SYMBOL ("%lx" without
 * 0x), decimal for SIZE, OFFSET and LENGTH ("%lu"). vmcore_info_number:
 * NUMBER(NAME), printed with "%ld" (negative for the page-type values of
 * 4.18 - 6.11) or, for VMALLOC_START in 7.x, "0x%lx".
 */
int vmcore_info_u64(const struct fadump_vmcore *vm, const char *key, int base,
		    uint64_t *out);
int vmcore_info_field(const struct fadump_vmcore *vm, const char *kind,
		      const char *name, uint64_t *out);
int vmcore_info_number(const struct fadump_vmcore *vm, const char *name,
		       int64_t *out);

/*
 * The crashed kernel's version from OSRELEASE, as KERNEL_VERSION_KV(major,
 * minor): -ENOENT (not recorded) if absent, -EBADMSG if it does not
 * start with MAJOR.MINOR.
 */
#define KERNEL_VERSION_KV(major, minor) (((major) << 16) | ((minor) << 8))
int vmcore_kernel_version(const struct fadump_vmcore *vm, unsigned int *kv);
void vmcore_free_vmcoreinfo(struct fadump_vmcore *vm);

/*
 * vmcore-stream.c: hand the file [0, file_size) to @fn in @chunk-sized
 * pieces. The saver uses it with its own callback; errors are recorded
 * in the context.
 */
int vmcore_stream(struct fadump_vmcore *vm, size_t chunk,
		  fadump_vmcore_chunk_fn fn, void *userdata);
/* The same for file bytes [@lo, @hi); chunks' offsets are the file's. */
int vmcore_stream_range(struct fadump_vmcore *vm, size_t chunk,
			uint64_t lo, uint64_t hi, fadump_vmcore_chunk_fn fn,
			void *userdata);
#define VMCORE_CHUNK_DEFAULT	(4u << 20)
#define VMCORE_CHUNK_MAX	(64u << 20)

/* 0 or -EINVAL with a message for a chunk size the stream refuses. */
int vmcore_check_chunk(struct fadump_vmcore *vm, size_t chunk);

#endif /* FADUMP_VMCORE_H */

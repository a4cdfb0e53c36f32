// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kdump-compressed format: what makedumpfile writes without -E, the
 * format distributions keep their crash dumps in. Layouts from
 * makedumpfile's diskdump_mod.h and write_kdump_header(),
 * write_kdump_pages_and_bitmap_cyclic() (makedumpfile.c); libkdumpfile's
 * diskdump.c reads the same. The file is blocks of block_size bytes, the
 * crashed kernel's page size:
 *
 *   block 0             struct disk_dump_header
 *   block 1 ..          struct kdump_sub_header, then (version 4 and
 *                       later) the crashed kernel's ELF notes, which hold
 *                       the VMCOREINFO text the sub-header also points at;
 *                       sub_hdr_size blocks in all
 *   bitmap_blocks       two bitmaps of equal size, bit N for pfn N, least
 *                       significant bit first: the 1st says which pages
 *                       the machine had, the 2nd which ones the file holds
 *                       (the others were excluded: -d zero, cache, user,
 *                       free pages)
 *   page descriptors    struct page_desc (24 bytes) for each pfn set in
 *                       the 2nd bitmap, in pfn order: file offset, size,
 *                       flags (the compression, or 0), page_flags
 *   page data           one compressed (or plain) page per descriptor;
 *                       with -d 1 all zero pages share one plain block
 *
 * Both headers are written in the crashed machine's byte order and
 * native layout: ints are 32 bits, longs, off_t and pointers 64 bits on
 * the 64-bit machines read here, so struct timeval (two longs) starts at
 * 408, after the 6 x 65 bytes of struct new_utsname padded to 8.
 * Header version 6 has the 64-bit max_mapnr in the sub-header; the
 * header's own is 32 bits.
 *
 * The file is hostile: every offset and size is checked against the
 * file, the bitmaps against max_mapnr, every descriptor against the page
 * size when its page is read, and a page must decompress to exactly one
 * page. What is kept in memory is two bitmaps of max_mapnr bits each
 * (capped, and inside the file) and a count of set bits per 4096 pfns,
 * so that a page's descriptor is found without reading the others.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "decompress.h"
#include "kdump-format.h"
#include "vmcore.h"

#define KDUMP_MAX_HEADER_VERSION 6
/* Linux page sizes run from 4 KiB to 256 KiB; leave room above. */
#define KDUMP_MIN_BLOCK		4096u
#define KDUMP_MAX_BLOCK		(1u << 20)
/*
 * At most 2^34 pfns (64 TiB of 4 KiB pages, 1 PiB of 64 KiB ones): two
 * bitmaps of at most 2 GiB each are read into memory.
 */
#define KDUMP_MAX_PFNS		(1ull << 34)
/* Pfns per entry of the set-bit count of the 2nd bitmap. */
#define RANK_SHIFT		12
#define RANK_WORDS		((1u << RANK_SHIFT) / 64)
/* Pages decompressed recently, direct-mapped by pfn. */
#define PAGE_CACHE_SLOTS	8

struct kdump {
	unsigned int version;
	uint32_t status;
	uint32_t block_size;
	unsigned int page_shift;
	uint64_t max_mapnr;
	uint64_t desc_offset;		/* the page descriptor table */
	uint64_t ndumped;		/* pfns set in the 2nd bitmap */
	bool incomplete;

	/* The bitmaps in host order: bit k of word w is pfn 64 w + k. */
	uint64_t *present;		/* 1st bitmap */
	uint64_t *dumped;		/* 2nd bitmap */
	uint64_t nwords;
	uint64_t *rank;			/* set bits of dumped before word i * RANK_WORDS */

	unsigned char *notes;		/* the note section, vm->notes point into it */

	struct decompressor dec;
	unsigned char *cbuf;		/* one page of compressed data */
	unsigned char *cache;		/* PAGE_CACHE_SLOTS pages */
	uint64_t cache_pfn[PAGE_CACHE_SLOTS];	/* UINT64_MAX: empty */
};

static bool kdump_probe(const unsigned char *head, size_t len)
{
	return (len >= SIG_LEN && (memcmp(head, KDUMP_SIGNATURE, SIG_LEN) == 0 ||
				   memcmp(head, DISKDUMP_SIGNATURE, SIG_LEN) == 0)) ||
	       (len >= sizeof(FLAT_SIGNATURE) - 1 &&
		memcmp(head, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1) == 0);
}

static int check_in_file(struct fadump_vmcore *vm, uint64_t offset,
			 uint64_t len, const char *what)
{
	if (offset > vm->file_size || len > vm->file_size - offset)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump %s at offset %#" PRIx64 " + %#" PRIx64
			" lies past the end of the file (%#" PRIx64 " bytes)",
			vm->path, what, offset, len, vm->file_size);
	return 0;
}

/* Read what lies inside the file into a new buffer of @len + @pad bytes. */
static int read_new(struct fadump_vmcore *vm, uint64_t offset, uint64_t len,
		    size_t pad, const char *what, unsigned char **out)
{
	unsigned char *buf;
	size_t size;
	int ret;

	ret = check_in_file(vm, offset, len, what);
	if (ret < 0)
		return ret;
	size = (size_t)len + pad;	/* len < file size < SIZE_MAX */
	buf = calloc(1, size ? size : 1);
	if (!buf)
		return fadump_fail(vm->ctx, -ENOMEM,
				   "out of memory for the %" PRIu64 "-byte kdump %s",
				   len, what);
	ret = vmcore_pread(vm, buf, (size_t)len, offset);
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	return 0;
}

/* The signatures of what this file does not read, with what to do. */
static int refuse_other(struct fadump_vmcore *vm, const unsigned char *dh)
{
	if (memcmp(dh, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE) - 1) == 0)
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
			"%s: makedumpfile's flattened format (makedumpfile -F): "
			"run 'makedumpfile -R FILE < %s' first to make it a "
			"kdump-compressed file", vm->path, vm->path);
	if (memcmp(dh, DISKDUMP_SIGNATURE, SIG_LEN) == 0)
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
			"%s: an old diskdump file (\"DISKDUMP\" signature): only "
			"makedumpfile's kdump-compressed format is read",
			vm->path);
	return 0;
}

static bool block_size_ok(uint32_t bs)
{
	return bs >= KDUMP_MIN_BLOCK && bs <= KDUMP_MAX_BLOCK && !(bs & (bs - 1));
}

/*
 * The byte order is the crashed machine's: the header version, a small
 * number, tells which. Then the version and the block size.
 */
static int parse_header(struct fadump_vmcore *vm, struct kdump *k,
			const unsigned char *dh)
{
	uint32_t le = get_u32(dh + DH_HEADER_VERSION, FADUMP_BYTE_ORDER_LITTLE);
	uint32_t be = get_u32(dh + DH_HEADER_VERSION, FADUMP_BYTE_ORDER_BIG);
	char machine[UTS_FIELD];
	uint32_t bs;

	if (le == 0)
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
			"%s: kdump header version 0 has no sub-header: not a "
			"file makedumpfile writes", vm->path);
	if (le < 0x10000)
		vm->order = FADUMP_BYTE_ORDER_LITTLE;
	else if (be > 0 && be < 0x10000)
		vm->order = FADUMP_BYTE_ORDER_BIG;
	else
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump header version %#" PRIx32 " is no version in "
			"either byte order", vm->path, le);
	k->version = vm->order == FADUMP_BYTE_ORDER_LITTLE ? le : be;
	if (k->version > KDUMP_MAX_HEADER_VERSION)
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
			"%s: kdump header version %u is newer than the %d this "
			"library reads", vm->path, k->version,
			KDUMP_MAX_HEADER_VERSION);

	bs = get_u32(dh + DH_BLOCK_SIZE, vm->order);
	if (!block_size_ok(bs)) {
		if (block_size_ok(get_u32(dh + DH32_BLOCK_SIZE, vm->order)))
			return fadump_fail(vm->ctx, -EOPNOTSUPP,
				"%s: a 32-bit machine's kdump file: only 64-bit "
				"ones are read", vm->path);
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump block_size %" PRIu32 " is not a page size "
			"(a power of two from %u to %u)", vm->path, bs,
			KDUMP_MIN_BLOCK, KDUMP_MAX_BLOCK);
	}
	k->block_size = bs;
	k->page_shift = (unsigned int)__builtin_ctz(bs);
	k->status = get_u32(dh + DH_STATUS, vm->order);
	k->incomplete = k->status & DUMP_DH_COMPRESSED_INCOMPLETE;

	/* utsname.machine names the architecture; unknown is no error. */
	memcpy(machine, dh + DH_UTSNAME + UTS_MACHINE, sizeof(machine));
	if (memchr(machine, '\0', sizeof(machine)))
		vm->machine = vmcore_machine_from_uname(machine);
	if (!vm->machine)
		dbg(vm->ctx, "%s: kdump header: machine '%.*s' not known",
		    vm->path, UTS_FIELD, machine);
	return 0;
}

/* A VMCOREINFO text or note section the sub-header points at. */
static int sub_area(struct fadump_vmcore *vm, const unsigned char *kh,
		    unsigned int off_field, unsigned int size_field,
		    const char *what, uint64_t *offset, uint64_t *size)
{
	char name[64];
	int ret;

	*offset = get_u64(kh + off_field, vm->order);
	*size = get_u64(kh + size_field, vm->order);
	if (*size == 0)
		return 0;
	snprintf(name, sizeof(name), "sub-header's %s", what);
	ret = vmcore_reserve_note_bytes(vm, *size, name);
	if (ret == 0)
		ret = check_in_file(vm, *offset, *size, name);
	return ret;
}

static int parse_sub_header(struct fadump_vmcore *vm, struct kdump *k,
			    const unsigned char *dh, uint32_t sub_blocks)
{
	static const unsigned int size_of_version[KDUMP_MAX_HEADER_VERSION + 1] = {
		0, 16, 32, 48, 64, 80, KH_SIZE,
	};
	unsigned char kh[KH_SIZE] = { 0 };
	uint64_t max_mapnr = get_u32(dh + DH_MAX_MAPNR, vm->order);
	uint64_t off = 0, size = 0;
	unsigned char *text;
	int level, ret;

	if ((uint64_t)sub_blocks * k->block_size < size_of_version[k->version])
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump sub_hdr_size of %" PRIu32 " blocks cannot hold "
			"the %u-byte sub-header of version %u", vm->path,
			sub_blocks, size_of_version[k->version], k->version);
	ret = check_in_file(vm, k->block_size, size_of_version[k->version],
			    "sub-header");
	if (ret == 0)
		ret = vmcore_pread(vm, kh, size_of_version[k->version],
				   k->block_size);
	if (ret < 0)
		return ret;

	level = (int)get_u32(kh + KH_DUMP_LEVEL, vm->order);
	if (level >= 0 && level <= 31)
		vm->dump_level = level;
	else
		dbg(vm->ctx, "%s: kdump dump_level %d ignored", vm->path, level);

	if (k->version >= 2 && get_u32(kh + KH_SPLIT, vm->order))
		return fadump_fail(vm->ctx, -EOPNOTSUPP,
			"%s: one part of a split dump (makedumpfile --split, "
			"pfns %#" PRIx64 " to %#" PRIx64 "): join the parts "
			"with 'makedumpfile --reassemble' first", vm->path,
			get_u64(kh + KH_START_PFN, vm->order),
			get_u64(kh + KH_END_PFN, vm->order));

	if (k->version >= 6) {
		uint64_t wide = get_u64(kh + KH_MAX_MAPNR_64, vm->order);

		if (max_mapnr != (wide < UINT32_MAX ? wide : UINT32_MAX))
			return fadump_fail(vm->ctx, -EBADMSG,
				"%s: kdump max_mapnr %#" PRIx64 " disagrees with "
				"the sub-header's max_mapnr_64 %#" PRIx64,
				vm->path, max_mapnr, wide);
		max_mapnr = wide;
	}
	if (max_mapnr > KDUMP_MAX_PFNS)
		return fadump_fail(vm->ctx, -E2BIG,
			"%s: kdump max_mapnr %#" PRIx64 ", more pages than the "
			"%#llx this library reads", vm->path, max_mapnr,
			KDUMP_MAX_PFNS);
	k->max_mapnr = max_mapnr;

	if (k->version >= 4) {
		ret = sub_area(vm, kh, KH_OFFSET_NOTE, KH_SIZE_NOTE, "notes",
			       &off, &size);
		if (ret == 0 && size)
			ret = read_new(vm, off, size, 0, "notes", &k->notes);
		if (ret == 0 && size)
			ret = vmcore_parse_notes(vm, k->notes, (size_t)size, off,
						 "kdump notes");
		if (ret == 0)
			ret = vmcore_index_notes(vm);
		if (ret < 0)
			return ret;
	}
	/*
	 * VMCOREINFO: the sub-header's (version 3 on; from version 4 it is
	 * the VMCOREINFO note's text), else the note, else none.
	 */
	size = 0;
	if (k->version >= 3) {
		ret = sub_area(vm, kh, KH_OFFSET_VMCOREINFO, KH_SIZE_VMCOREINFO,
			       "VMCOREINFO", &off, &size);
		if (ret < 0)
			return ret;
	}
	if (!size) {
		vmcore_parse_vmcoreinfo(vm);
		return 0;
	}
	ret = read_new(vm, off, size, 0, "VMCOREINFO", &text);
	if (ret < 0)
		return ret;
	vmcore_parse_vmcoreinfo_text(vm, text, (size_t)size);
	free(text);
	return 0;
}

/* Bits at and above @nbits cleared, the rest swapped to host order. */
static void bitmap_to_host(uint64_t *words, uint64_t nwords, uint64_t nbits)
{
	for (uint64_t i = 0; i < nwords; i++)
		words[i] = le64toh(words[i]);
	if (nbits % 64)
		words[nwords - 1] &= (1ull << (nbits % 64)) - 1;
}

static int read_bitmaps(struct fadump_vmcore *vm, struct kdump *k,
			uint64_t offset, uint32_t blocks)
{
	uint64_t half = (uint64_t)blocks / 2 * k->block_size;
	uint64_t need = (k->max_mapnr + 7) / 8;
	unsigned char *b1, *b2;
	size_t pad;
	int ret;

	if (blocks % 2)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump bitmap_blocks %" PRIu32 " is odd: the two "
			"bitmaps are the same size", vm->path, blocks);
	if (half < need)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump bitmaps of %" PRIu64 " bytes each cannot "
			"hold max_mapnr %#" PRIx64 " pages (%" PRIu64 " bytes)",
			vm->path, half, k->max_mapnr, need);
	ret = check_in_file(vm, offset, 2 * half, "bitmaps");
	if (ret < 0)
		return ret;

	k->nwords = (k->max_mapnr + 63) / 64;
	pad = (size_t)(k->nwords * 8 - need);
	ret = read_new(vm, offset, need, pad, "1st bitmap", &b1);
	if (ret < 0)
		return ret;
	k->present = (uint64_t *)(void *)b1;	/* calloc()ed: aligned */
	ret = read_new(vm, offset + half, need, pad, "2nd bitmap", &b2);
	if (ret < 0)
		return ret;
	k->dumped = (uint64_t *)(void *)b2;
	bitmap_to_host(k->present, k->nwords, k->max_mapnr);
	bitmap_to_host(k->dumped, k->nwords, k->max_mapnr);
	return 0;
}

static uint64_t count_bits(const uint64_t *w, uint64_t from, uint64_t to)
{
	uint64_t n = 0;

	for (uint64_t i = from; i < to; i++)
		n += (uint64_t)__builtin_popcountll(w[i]);
	return n;
}

/* The count of dumped pages per RANK_WORDS words, and their total. */
static int build_rank(struct fadump_vmcore *vm, struct kdump *k)
{
	uint64_t nblocks = (k->nwords + RANK_WORDS - 1) / RANK_WORDS;
	uint64_t total = 0;

	k->rank = calloc((size_t)nblocks + 1, sizeof(*k->rank));
	if (!k->rank)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	for (uint64_t b = 0; b < nblocks; b++) {
		uint64_t end = (b + 1) * RANK_WORDS;

		k->rank[b] = total;
		total += count_bits(k->dumped, b * RANK_WORDS,
				    end < k->nwords ? end : k->nwords);
	}
	k->rank[nblocks] = total;
	k->ndumped = total;
	return 0;
}

/* Pfns below @pfn (at most max_mapnr) set in the 2nd bitmap. */
static uint64_t dumped_before(const struct kdump *k, uint64_t pfn)
{
	uint64_t word = pfn / 64, block = word / RANK_WORDS;
	uint64_t n = k->rank[block] + count_bits(k->dumped, block * RANK_WORDS,
						 word);

	if (pfn % 64)
		n += (uint64_t)__builtin_popcountll(k->dumped[word] &
						    ((1ull << (pfn % 64)) - 1));
	return n;
}

static bool test_bit(const uint64_t *w, uint64_t pfn)
{
	return w[pfn / 64] >> (pfn % 64) & 1;
}

/* The first pfn at or after @pfn whose bit in @w is @set, or max_mapnr. */
static uint64_t next_bit(const struct kdump *k, uint64_t pfn, bool set)
{
	while (pfn < k->max_mapnr) {
		uint64_t bits = k->present[pfn / 64] | k->dumped[pfn / 64];

		bits = (set ? bits : ~bits) >> (pfn % 64);
		if (bits) {
			pfn += (uint64_t)__builtin_ctzll(bits);
			break;
		}
		pfn = (pfn / 64 + 1) * 64;
	}
	return pfn < k->max_mapnr ? pfn : k->max_mapnr;
}

/*
 * The segments: runs of pages the machine had (either bitmap), counted
 * first, so that a hostile bitmap of alternating bits is refused before
 * anything is allocated for it.
 */
static int build_segments(struct fadump_vmcore *vm, struct kdump *k)
{
	unsigned int n = 0;

	for (uint64_t pfn = next_bit(k, 0, true); pfn < k->max_mapnr;
	     pfn = next_bit(k, next_bit(k, pfn, false), true))
		if (++n > VMCORE_MAX_PHDRS)
			return fadump_fail(vm->ctx, -E2BIG,
				"%s: kdump bitmaps hold more than %u memory "
				"ranges", vm->path, VMCORE_MAX_PHDRS);
	vm->segs = calloc(n ? n : 1, sizeof(*vm->segs));
	if (!vm->segs)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	for (uint64_t pfn = next_bit(k, 0, true); pfn < k->max_mapnr;) {
		uint64_t end = next_bit(k, pfn, false);

		/* pfns < 2^34, pages <= 2^20 bytes: no overflow */
		vm->segs[vm->nsegs] = (struct vmcore_segment){
			.paddr = pfn << k->page_shift,
			.memsz = (end - pfn) << k->page_shift,
			.filesz = (dumped_before(k, end) - dumped_before(k, pfn))
				  << k->page_shift,
			.phdr = vm->nsegs,
		};
		vm->nsegs++;
		pfn = next_bit(k, end, true);
	}
	return vmcore_index_segments(vm);
}

static int kdump_open(struct fadump_vmcore *vm)
{
	unsigned char dh[DH_SIZE];
	struct kdump *k;
	uint64_t bitmap_offset;
	uint32_t sub_blocks;
	int ret;

	k = calloc(1, sizeof(*k));
	if (!k)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	vm->format_data = k;
	for (unsigned int i = 0; i < PAGE_CACHE_SLOTS; i++)
		k->cache_pfn[i] = UINT64_MAX;

	memset(dh, 0, sizeof(dh));
	ret = vmcore_pread(vm, dh, vm->file_size < sizeof(dh) ?
			   (size_t)vm->file_size : sizeof(dh), 0);
	if (ret == 0)
		ret = refuse_other(vm, dh);
	if (ret == 0)
		ret = check_in_file(vm, 0, DH_SIZE, "header");
	if (ret == 0)
		ret = parse_header(vm, k, dh);
	if (ret < 0)
		return ret;

	sub_blocks = get_u32(dh + DH_SUB_HDR_SIZE, vm->order);
	if (sub_blocks == 0 || sub_blocks > INT32_MAX)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s: kdump sub_hdr_size %" PRId32 " is no number of "
			"blocks", vm->path, (int32_t)sub_blocks);
	ret = parse_sub_header(vm, k, dh, sub_blocks);
	if (ret < 0)
		return ret;

	/* at most (1 + 2^31 + 2^32) blocks of 2^20 bytes: no overflow */
	bitmap_offset = (1 + (uint64_t)sub_blocks) * k->block_size;
	ret = read_bitmaps(vm, k, bitmap_offset,
			   get_u32(dh + DH_BITMAP_BLOCKS, vm->order));
	if (ret == 0)
		ret = build_rank(vm, k);
	if (ret < 0)
		return ret;
	k->desc_offset = bitmap_offset +
		(uint64_t)get_u32(dh + DH_BITMAP_BLOCKS, vm->order) * k->block_size;
	/* An incomplete file may end inside the table: see read_desc(). */
	if (!k->incomplete) {
		ret = check_in_file(vm, k->desc_offset, k->ndumped * PD_LEN,
				    "page descriptor table");
		if (ret < 0)
			return ret;
	}
	vm->meta_bytes = k->desc_offset + k->ndumped * PD_LEN;
	if (vm->meta_bytes > vm->file_size)
		vm->meta_bytes = vm->file_size;

	ret = build_segments(vm, k);
	if (ret < 0)
		return ret;
	k->cbuf = malloc(k->block_size);
	k->cache = malloc((size_t)k->block_size * PAGE_CACHE_SLOTS);
	if (!k->cbuf || !k->cache)
		return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
	if (k->incomplete)
		info(vm->ctx, "%s: an incomplete kdump file (makedumpfile ran "
		     "out of space): pages it did not write cannot be read",
		     vm->path);
	dbg(vm->ctx, "%s: kdump header version %u, %u-byte pages, max_mapnr "
	    "%#" PRIx64 ", %" PRIu64 " pages dumped, status %#" PRIx32,
	    vm->path, k->version, k->block_size, k->max_mapnr, k->ndumped,
	    k->status);
	return 0;
}

static int excluded(struct fadump_vmcore *vm, const struct kdump *k,
		    uint64_t pfn, const char *why)
{
	char level[40] = "";

	if (vm->dump_level >= 0)
		snprintf(level, sizeof(level), " (makedumpfile -d %d)",
			 vm->dump_level);
	return fadump_fail(vm->ctx, -ENODATA,
		"%s: page at physical address %#" PRIx64 " (pfn %#" PRIx64
		") is excluded from the dump%s", vm->path,
		pfn << k->page_shift, pfn, why ? why : level);
}

static int bad_page(struct fadump_vmcore *vm, const struct kdump *k,
		    uint64_t pfn, int err, const char *why)
{
	return fadump_fail(vm->ctx, err,
		"%s: kdump page at physical address %#" PRIx64 " (pfn %#"
		PRIx64 "): %s", vm->path, pfn << k->page_shift, pfn, why);
}

struct page_desc {
	uint64_t offset;
	uint32_t size;
	uint32_t flags;
};

/* The descriptor of dumped @pfn, checked against the file and page size. */
static int read_desc(struct fadump_vmcore *vm, struct kdump *k, uint64_t pfn,
		     struct page_desc *pd)
{
	uint64_t at = k->desc_offset + dumped_before(k, pfn) * PD_LEN;
	unsigned char raw[PD_LEN];
	char why[160];
	uint32_t compression;
	int ret;

	if (k->incomplete && (at > vm->file_size || PD_LEN > vm->file_size - at))
		return excluded(vm, k, pfn, ": its descriptor was never "
				"written, the file is incomplete");
	ret = vmcore_pread(vm, raw, sizeof(raw), at);
	if (ret < 0)
		return ret;
	pd->offset = get_u64(raw + PD_OFFSET, vm->order);
	pd->size = get_u32(raw + PD_SIZE, vm->order);
	pd->flags = get_u32(raw + PD_FLAGS, vm->order);

	if (k->incomplete && pd->size == 0 && pd->offset == 0)
		return excluded(vm, k, pfn, ": it was never written, the file "
				"is incomplete");
	if (pd->flags & ~(uint32_t)DUMP_DH_COMPRESSED_ANY) {
		snprintf(why, sizeof(why), "descriptor flags %#" PRIx32 " name "
			 "a compression this library does not know", pd->flags);
		return bad_page(vm, k, pfn, -EOPNOTSUPP, why);
	}
	compression = pd->flags & DUMP_DH_COMPRESSED_ANY;
	if (compression & (compression - 1)) {
		snprintf(why, sizeof(why), "descriptor flags %#" PRIx32 " name "
			 "more than one compression", pd->flags);
		return bad_page(vm, k, pfn, -EBADMSG, why);
	}
	if (compression ? pd->size == 0 || pd->size > k->block_size :
			  pd->size != k->block_size) {
		snprintf(why, sizeof(why), "descriptor gives %" PRIu32 " bytes "
			 "of %s data for a %" PRIu32 "-byte page", pd->size,
			 compression ? "compressed" : "uncompressed",
			 k->block_size);
		return bad_page(vm, k, pfn, -EBADMSG, why);
	}
	if (pd->offset < k->desc_offset || pd->offset > vm->file_size ||
	    pd->size > vm->file_size - pd->offset) {
		snprintf(why, sizeof(why), "data at offset %#" PRIx64 " + %#"
			 PRIx32 " lies %s", pd->offset, pd->size,
			 pd->offset < k->desc_offset ? "inside the headers" :
			 "past the end of the file");
		return bad_page(vm, k, pfn, -EBADMSG, why);
	}
	return 0;
}

static int decompress(struct fadump_vmcore *vm, struct kdump *k, uint64_t pfn,
		      const struct page_desc *pd, unsigned char *page)
{
	enum page_compression method;
	char why[160];
	int ret;

	switch (pd->flags & DUMP_DH_COMPRESSED_ANY) {
	case DUMP_DH_COMPRESSED_ZLIB:
		method = PAGE_ZLIB;
		break;
	case DUMP_DH_COMPRESSED_LZO:
		method = PAGE_LZO;
		break;
	case DUMP_DH_COMPRESSED_SNAPPY:
		method = PAGE_SNAPPY;
		break;
	default:
		method = PAGE_ZSTD;
		break;
	}
	ret = vmcore_pread(vm, k->cbuf, pd->size, pd->offset);
	if (ret < 0)
		return ret;
	ret = page_decompress(&k->dec, method, k->cbuf, pd->size, page,
			      k->block_size, why, sizeof(why));
	if (ret < 0)
		return bad_page(vm, k, pfn, ret, why);
	return 0;
}

/* The page holding @paddr, from the cache or the file; errors name it. */
static int get_page(struct fadump_vmcore *vm, struct kdump *k, uint64_t paddr,
		    const unsigned char **out)
{
	uint64_t pfn = paddr >> k->page_shift;
	unsigned int slot = (unsigned int)(pfn % PAGE_CACHE_SLOTS);
	unsigned char *page = k->cache + (size_t)slot * k->block_size;
	struct page_desc pd = { 0 };
	int ret;

	if (k->cache_pfn[slot] == pfn) {
		*out = page;
		return 0;
	}
	if (pfn >= k->max_mapnr || !test_bit(k->dumped, pfn)) {
		if (pfn < k->max_mapnr && test_bit(k->present, pfn))
			return excluded(vm, k, pfn, NULL);
		return vmcore_not_in_dump(vm, paddr);
	}
	k->cache_pfn[slot] = UINT64_MAX;
	ret = read_desc(vm, k, pfn, &pd);
	if (ret < 0)
		return ret;
	if (pd.flags & DUMP_DH_COMPRESSED_ANY)
		ret = decompress(vm, k, pfn, &pd, page);
	else
		ret = vmcore_pread(vm, page, pd.size, pd.offset);
	if (ret < 0)
		return ret;
	k->cache_pfn[slot] = pfn;
	*out = page;
	return 0;
}

static int kdump_read(struct fadump_vmcore *vm, uint64_t paddr, void *buf,
		      size_t len)
{
	struct kdump *k = vm->format_data;
	unsigned char *p = buf;

	while (len) {
		size_t in_page = (size_t)(paddr & (k->block_size - 1));
		size_t n = k->block_size - in_page < len ?
			   k->block_size - in_page : len;
		const unsigned char *page = NULL;
		int ret;

		ret = get_page(vm, k, paddr, &page);
		if (ret < 0)
			return ret;
		memcpy(p, page + in_page, n);
		p += n;
		len -= n;
		paddr += n;	/* cannot wrap: checked by vmcore_read() */
	}
	return 0;
}

static enum vmcore_page_state kdump_page_state(const struct fadump_vmcore *vm,
					       uint64_t paddr)
{
	const struct kdump *k = vm->format_data;
	uint64_t pfn = paddr >> k->page_shift;

	if (pfn >= k->max_mapnr)
		return VMCORE_PAGE_ABSENT;
	if (test_bit(k->dumped, pfn))
		return VMCORE_PAGE_DUMPED;
	return test_bit(k->present, pfn) ? VMCORE_PAGE_EXCLUDED :
					   VMCORE_PAGE_ABSENT;
}

static void kdump_close(struct fadump_vmcore *vm)
{
	struct kdump *k = vm->format_data;

	if (!k)
		return;
	decompressor_free(&k->dec);
	free(k->present);
	free(k->dumped);
	free(k->rank);
	free(k->notes);
	free(k->cbuf);
	free(k->cache);
	free(k);
	vm->format_data = NULL;
}

const struct vmcore_format vmcore_format_kdump = {
	.id = FADUMP_VMCORE_FORMAT_KDUMP,
	.name = "kdump-compressed",
	.probe = kdump_probe,
	.open = kdump_open,
	.read = kdump_read,
	.page_state = kdump_page_state,
	.close = kdump_close,
};

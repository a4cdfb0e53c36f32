// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel virtual to physical addresses, for ppc64 Book3S-64 (POWER
 * servers: pseries, powernv), from the dump alone, on any host.
 *
 * The kernel's address space (arch/powerpc/include/asm/book3s/64/
 * radix.h, hash.h):
 *
 *   0xc000000000000000 .. VMALLOC_START
 *       the linear map: physical = virtual - PAGE_OFFSET
 *   VMALLOC_START .. the end of the page tables' reach
 *       vmalloc, I/O and vmemmap: the kernel page tables, rooted at
 *       swapper_pg_dir (SYMBOL(swapper_pg_dir)); with the hash MMU
 *       (NUMBER(RADIX_MMU)=0) vmemmap is not in the page tables but in
 *       vmemmap_list, a linked list of (virtual, physical) blocks of
 *       1 << mmu_psize_defs[mmu_vmemmap_psize].shift bytes.
 *
 * The page tables have four levels (PGD, PUD, PMD, PTE) whose index
 * widths depend on the MMU and the page size (geometries[] below). Their
 * entries are big-endian whatever the kernel's byte order (since 4.7,
 * "powerpc/mm: Use big endian page table for book3s 64"): pgtable.h's
 * __be64 pte_t, so they are read with get_be64(), never in the host's or
 * the dump's order. An entry with _PAGE_PTE (bit 62) is a leaf, at the
 * PUD and PMD levels a huge one (vmemmap is mapped with 2 MiB PMD
 * leaves under radix); _PAGE_PRESENT (bit 63) says it holds a
 * translation; a leaf's physical address is bits PAGE_SHIFT .. 52
 * (PTE_RPN_MASK, _PAGE_PA_MAX 53); a directory entry's is the entry
 * without PxD_MASKED_BITS (0xc0000000000000ff), the top two flag bits
 * and, under radix, the next level's size in bits 0-4.
 *
 * Everything read is distrusted: the walk is four steps, the list walk
 * stops at a loop (Brent's algorithm) or after VMEMMAP_LIST_MAX entries,
 * and an entry whose reserved bits are set or that points above the
 * 53-bit physical limit is refused as implausible, naming the address,
 * the level and the entry.
 *
 * Hard-coded, because VMCOREINFO does not say them (each with the kernel
 * versions it holds for; older kernels get -EOPNOTSUPP, not a guess):
 *   - PAGE_OFFSET 0xc000000000000000 (vtop.h): all versions;
 *   - the index widths and leaf sizes of geometries[]: radix 4K 9/9/9/13
 *     and 64K 5/9/9/13 since 4.7, hash 4K 9/7/9/9 since 3.7, hash 64K
 *     8/10/10/8 since 4.17; the entry format above since 4.11 (53-bit
 *     RPN). Radix is accepted from 4.11, hash from 5.2, whose kernel
 *     regions all sit in 0xc... (hash.h's H_KERN_VIRT_START);
 *   - the end of the linear map when VMCOREINFO has no
 *     NUMBER(VMALLOC_START) (7.x has it): 0xc008000000000000 (radix,
 *     hash 64K), 0xc0003d0000000000 (hash 4K) since 5.2;
 *   - MMU_FTR_TYPE_RADIX 0x40 (asm/mmu.h, 4.7+), for kernels that do
 *     not write NUMBER(RADIX_MMU): the MMU then comes from
 *     cur_cpu_spec->mmu_features, as makedumpfile does.
 *
 * Dumps of other machines are translated through their PT_LOADs' p_vaddr
 * only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "vtop.h"

#define PAGE_PTE		0x4000000000000000ULL	/* _PAGE_PTE */
#define PAGE_PRESENT		0x8000000000000000ULL	/* _PAGE_PRESENT */
#define PAGE_INVALID		0x2000000000000000ULL	/* _RPAGE_SW0 */
#define PA_MAX_BITS		53			/* _PAGE_PA_MAX */
#define PXD_MASKED_BITS		0xc0000000000000ffULL	/* PMD/PUD/P4D_MASKED_BITS */
#define RADIX_NLS_MASK		0x1fULL			/* next level size */
#define RADIX_PXD_BAD_BITS	0x60000000000000e0ULL	/* RADIX_PMD_BAD_BITS */
#define MMU_FTR_TYPE_RADIX	0x40u

/* The linear map ends where vmalloc starts (hash.h, radix.h; 5.2+). */
#define LINEAR_END_DEFAULT	0xc008000000000000ULL
#define LINEAR_END_HASH_4K	0xc0003d0000000000ULL

/* mmu_psize_defs[MMU_PAGE_COUNT]: 16 in asm/mmu.h of 7.x. */
#define MMU_PAGE_COUNT_MAX	16
/* More vmemmap blocks than 16 TiB of struct pages in 16 MiB blocks. */
#define VMEMMAP_LIST_MAX	(1u << 20)

#define TLB_ENTRIES		16

enum { PTE, PMD, PUD, PGD, LEVELS };
static const char *const level_names[LEVELS] = { "PTE", "PMD", "PUD", "PGD" };

struct pt_geometry {
	const char *name;
	bool radix;
	unsigned int page_shift;
	unsigned int bits[LEVELS];	/* index width of each level */
	unsigned int leaf_shift[LEVELS];/* size of a leaf there, 0: none */
	unsigned int since;		/* first kernel version accepted */
};

static const struct pt_geometry geometries[] = {
	/* radix-4k.h, radix-64k.h: a 2 MiB PMD leaf, a 1 GiB PUD leaf */
	{ "radix MMU, 4 KiB pages", true, 12, { 9, 9, 9, 13 },
	  { 12, 21, 30, 0 }, KERNEL_VERSION_KV(4, 11) },
	{ "radix MMU, 64 KiB pages", true, 16, { 5, 9, 9, 13 },
	  { 16, 21, 30, 0 }, KERNEL_VERSION_KV(4, 11) },
	/* hash-4k.h, hash-64k.h; pgtable.h's pmd_leaf_size(): 16M, 16G */
	{ "hash MMU, 4 KiB pages", false, 12, { 9, 7, 9, 9 },
	  { 12, 24, 34, 0 }, KERNEL_VERSION_KV(5, 2) },
	{ "hash MMU, 64 KiB pages", false, 16, { 8, 10, 10, 8 },
	  { 16, 24, 34, 0 }, KERNEL_VERSION_KV(5, 2) },
};

/* One translation that holds for a whole block: a leaf, a list entry. */
struct vtop_block {
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t size;
};

struct vmemmap_entry {
	uint64_t virt;
	uint64_t phys;
};

struct vtop {
	bool ppc64;
	uint64_t linear_end;		/* VMALLOC_START */

	/* Page tables: usable if pt_err is 0, else pt_why says why not. */
	const struct pt_geometry *geo;
	uint64_t pgd;			/* physical address of swapper_pg_dir */
	uint64_t ea_limit;		/* addresses below PAGE_OFFSET + this */
	int pt_err;
	char pt_why[FADUMP_ERRMSG_MAX];

	/* Hash MMU: vmemmap through vmemmap_list, loaded on first use. */
	uint64_t vmemmap_start, vmemmap_end;	/* 0, 0 without SYMBOL(vmemmap) */
	bool vmemmap_loaded;
	int vmemmap_err;
	char vmemmap_why[FADUMP_ERRMSG_MAX];
	uint64_t vmemmap_block;		/* bytes per entry */
	struct vmemmap_entry *vmemmap;	/* sorted by virt */
	size_t nvmemmap;

	/* The last few translations: struct pages are read in order. */
	struct vtop_block tlb[TLB_ENTRIES];
	unsigned int tlb_next;
};

void vtop_free(struct vtop *vt)
{
	if (!vt)
		return;
	free(vt->vmemmap);
	free(vt);
}

/* Keep why the page tables cannot be walked, for every later attempt. */
static void FADUMP_PRINTF(3, 4)
pt_unusable(struct vtop *vt, int err, const char *format, ...)
{
	va_list args;

	vt->pt_err = err;
	va_start(args, format);
	vsnprintf(vt->pt_why, sizeof(vt->pt_why), format, args);
	va_end(args);
}

/* Read @len bytes of the linear map at @vaddr (setup: no page tables). */
static int read_linear(struct fadump_vmcore *vm, const struct vtop *vt,
		       uint64_t vaddr, void *buf, size_t len, const char *what)
{
	int ret;

	if (vaddr < PPC64_PAGE_OFFSET || vaddr >= vt->linear_end ||
	    len > vt->linear_end - vaddr)
		return fadump_fail(vm->ctx, -EBADMSG,
			"%s at virtual address %#" PRIx64 " is not in the "
			"kernel's linear map", what, vaddr);
	fadump_quiet_begin(vm->ctx);
	ret = vmcore_read(vm, vaddr - PPC64_PAGE_OFFSET, buf, len);
	fadump_quiet_end(vm->ctx);
	if (ret < 0)
		return fadump_fail_wrap(vm->ctx, ret, "reading %s", what);
	return 0;
}

/*
 * NUMBER(RADIX_MMU) (1 radix, 0 hash), or for kernels without it
 * cur_cpu_spec->mmu_features. Returns 1, 0, or a negative errno.
 */
static int radix_mmu(struct fadump_vmcore *vm, const struct vtop *vt)
{
	uint64_t spec_sym, off;
	unsigned char b[8];
	int64_t radix;
	int ret;

	ret = vmcore_info_number(vm, "RADIX_MMU", &radix);
	if (ret == 0 && (radix == 0 || radix == 1))
		return (int)radix;
	if (ret == 0)
		return fadump_fail(vm->ctx, -EBADMSG,
				   "VMCOREINFO NUMBER(RADIX_MMU)=%" PRId64
				   " is neither 0 nor 1", radix);
	if (ret != -ENOENT)
		return ret;
	if (vmcore_info_field(vm, "SYMBOL", "cur_cpu_spec", &spec_sym) < 0 ||
	    vmcore_info_field(vm, "OFFSET", "cpu_spec.mmu_features", &off) < 0 ||
	    off > 4096)
		return fadump_fail(vm->ctx, -ENOENT,
			"VMCOREINFO has neither NUMBER(RADIX_MMU) nor "
			"SYMBOL(cur_cpu_spec) and OFFSET(cpu_spec.mmu_features):"
			" the MMU is unknown");
	ret = read_linear(vm, vt, spec_sym, b, 8, "cur_cpu_spec");
	if (ret == 0)
		ret = read_linear(vm, vt, get_u64(b, vm->order) + off, b, 4,
				  "cur_cpu_spec->mmu_features");
	if (ret < 0)
		return ret;
	return (get_u32(b, vm->order) & MMU_FTR_TYPE_RADIX) != 0;
}

/* The end of the linear map: NUMBER(VMALLOC_START), or 0 if absent. */
static int vmalloc_start(struct fadump_vmcore *vm, uint64_t *out)
{
	int64_t v;
	int ret = vmcore_info_number(vm, "VMALLOC_START", &v);

	*out = 0;
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	/* 52 bits: the widest reach of any geometry (radix.h) */
	if ((uint64_t)v <= PPC64_PAGE_OFFSET ||
	    (uint64_t)v - PPC64_PAGE_OFFSET > 1ULL << 52)
		return fadump_fail(vm->ctx, -EBADMSG, "VMCOREINFO "
				   "NUMBER(VMALLOC_START)=%#" PRIx64 " is not "
				   "a kernel address above PAGE_OFFSET",
				   (uint64_t)v);
	*out = (uint64_t)v;
	return 0;
}

/* The geometry of the kernel's page tables: page size and MMU. */
static int geometry(struct fadump_vmcore *vm, const struct vtop *vt,
		    const struct pt_geometry **gp)
{
	uint64_t page;
	int radix, ret;

	ret = vmcore_info_u64(vm, "PAGESIZE", 10, &page);
	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -ENOENT, "VMCOREINFO has no PAGESIZE");
	if (ret < 0)
		return ret;
	radix = radix_mmu(vm, vt);
	if (radix < 0)
		return radix;
	for (size_t i = 0; i < ARRAY_SIZE(geometries); i++)
		if (geometries[i].radix == radix &&
		    1ULL << geometries[i].page_shift == page) {
			*gp = &geometries[i];
			return 0;
		}
	return fadump_fail(vm->ctx, -EOPNOTSUPP, "%s MMU with PAGESIZE %" PRIu64
			   ": only 4 KiB and 64 KiB pages are known",
			   radix ? "radix" : "hash", page);
}

static int check_version(struct fadump_vmcore *vm, const struct pt_geometry *g)
{
	unsigned int kv;
	int ret = vmcore_kernel_version(vm, &kv);

	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -EOPNOTSUPP, "VMCOREINFO has no "
				   "OSRELEASE: the page-table layout of an "
				   "unknown kernel version cannot be told");
	if (ret < 0)
		return ret;
	if (kv < g->since)
		return fadump_fail(vm->ctx, -EOPNOTSUPP, "Linux %u.%u, %s: the "
				   "page tables of kernels before %u.%u are not "
				   "supported", kv >> 16, (kv >> 8) & 0xff,
				   g->name, g->since >> 16, (g->since >> 8) & 0xff);
	return 0;
}

/*
 * Where vmemmap_list applies (hash MMU only): the largest vmemmap the
 * kernel can have, one struct page per page of MAX_PHYSMEM_BITS.
 */
static void vmemmap_region(struct fadump_vmcore *vm, struct vtop *vt)
{
	uint64_t start, pagesz;
	int64_t bits;
	unsigned int shift = vt->geo->page_shift;

	if (vt->geo->radix ||
	    vmcore_info_field(vm, "SYMBOL", "vmemmap", &start) < 0 ||
	    vmcore_info_number(vm, "MAX_PHYSMEM_BITS", &bits) < 0 ||
	    vmcore_info_field(vm, "SIZE", "page", &pagesz) < 0 ||
	    bits <= shift || bits > PA_MAX_BITS || !pagesz || pagesz > 1024 ||
	    start < vt->linear_end ||
	    start - PPC64_PAGE_OFFSET >= vt->ea_limit)
		return;		/* then the page tables are asked */
	vt->vmemmap_start = start;
	vt->vmemmap_end = PPC64_PAGE_OFFSET + vt->ea_limit;
	if (vt->vmemmap_end - start > (1ULL << (bits - shift)) * pagesz)
		vt->vmemmap_end = start + (1ULL << (bits - shift)) * pagesz;
}

/*
 * Everything the walk needs, or the reason it cannot be done (kept in
 * pt_err and pt_why: the linear map works regardless).
 */
static int setup_page_tables(struct fadump_vmcore *vm, struct vtop *vt)
{
	const struct pt_geometry *g = NULL;
	uint64_t vstart, pgd;
	int ret, vstart_ret;

	vstart_ret = vmalloc_start(vm, &vstart);
	if (vstart_ret == 0 && vstart)
		vt->linear_end = vstart;
	ret = geometry(vm, vt, &g);
	if (ret < 0)
		return ret;
	if (!vt->linear_end)
		vt->linear_end = !g->radix && g->page_shift == 12 ?
				 LINEAR_END_HASH_4K : LINEAR_END_DEFAULT;
	ret = check_version(vm, g);
	if (ret < 0)
		return ret;
	if (vstart_ret < 0)
		return fadump_fail_wrap(vm->ctx, vstart_ret,
					"the end of the linear map");
	ret = vmcore_info_field(vm, "SYMBOL", "swapper_pg_dir", &pgd);
	if (ret == -ENOENT)
		return fadump_fail(vm->ctx, -ENOENT, "VMCOREINFO has no "
				   "SYMBOL(swapper_pg_dir)");
	if (ret < 0)
		return ret;
	if (pgd < PPC64_PAGE_OFFSET || pgd >= vt->linear_end || (pgd & 7))
		return fadump_fail(vm->ctx, -EBADMSG, "SYMBOL(swapper_pg_dir)=%"
				   PRIx64 " is not an aligned address in the "
				   "linear map", pgd);
	vt->geo = g;
	vt->pgd = pgd - PPC64_PAGE_OFFSET;
	vt->ea_limit = 1ULL << (g->page_shift + g->bits[PTE] + g->bits[PMD] +
				g->bits[PUD] + g->bits[PGD]);
	vmemmap_region(vm, vt);
	return 0;
}

static struct vtop *vtop_get(struct fadump_vmcore *vm)
{
	struct vtop *vt = vm->vtop;
	int ret;

	if (vt)
		return vt;
	vt = calloc(1, sizeof(*vt));
	if (!vt) {
		fadump_fail(vm->ctx, -ENOMEM, "out of memory");
		return NULL;
	}
	vt->ppc64 = vm->machine == EM_PPC64;
	if (vt->ppc64) {
		/*
		 * Until the MMU is known, the lowest end any layout has;
		 * failing to set the walk up is not an error of this call,
		 * only of later walks.
		 */
		vt->linear_end = LINEAR_END_HASH_4K;
		fadump_quiet_begin(vm->ctx);
		ret = setup_page_tables(vm, vt);
		fadump_quiet_end(vm->ctx);
		if (ret < 0)
			pt_unusable(vt, ret, "%s", fadump_ctx_get_error(vm->ctx));
		dbg(vm->ctx, "%s: linear map up to %#" PRIx64 ", page tables: %s",
		    vm->path, vt->linear_end,
		    vt->pt_err ? vt->pt_why : vt->geo->name);
	}
	vm->vtop = vt;
	return vt;
}

/* ---- page tables ----------------------------------------------------- */

static int walk_fail(struct fadump_vmcore *vm, int err, uint64_t vaddr,
		     const char *format, ...) FADUMP_PRINTF(4, 5);

static int walk_fail(struct fadump_vmcore *vm, int err, uint64_t vaddr,
		     const char *format, ...)
{
	char why[FADUMP_ERRMSG_MAX];
	va_list args;

	va_start(args, format);
	vsnprintf(why, sizeof(why), format, args);
	va_end(args);
	return fadump_fail(vm->ctx, err, "%s: virtual address %#" PRIx64 ": %s",
			   vm->path, vaddr, why);
}

/* A table of the level below @level must be aligned to its size. */
static uint64_t table_bytes(const struct pt_geometry *g, int level)
{
	return 8ULL << g->bits[level];
}

static int check_directory(struct fadump_vmcore *vm, const struct vtop *vt,
			   uint64_t vaddr, int level, uint64_t at, uint64_t e)
{
	const struct pt_geometry *g = vt->geo;
	uint64_t next = e & ~PXD_MASKED_BITS;
	const char *name = level_names[level];

	if (level == PGD && (e & PAGE_PTE))
		return walk_fail(vm, -EBADMSG, vaddr, "PGD entry %#" PRIx64
				 " at physical %#" PRIx64 " is implausible: a "
				 "leaf at the top level", e, at);
	if (!(e & PAGE_PRESENT))
		return walk_fail(vm, -EFAULT, vaddr, "%s entry %#" PRIx64
				 " at physical %#" PRIx64 " is not present",
				 name, e, at);
	if (next >> PA_MAX_BITS)
		return walk_fail(vm, -EBADMSG, vaddr, "%s entry %#" PRIx64
				 " at physical %#" PRIx64 " is implausible: it "
				 "points above the %u-bit physical limit", name,
				 e, at, PA_MAX_BITS);
	if (g->radix && ((e & RADIX_PXD_BAD_BITS) ||
			 (e & RADIX_NLS_MASK) != g->bits[level - 1]))
		return walk_fail(vm, -EBADMSG, vaddr, "%s entry %#" PRIx64
				 " at physical %#" PRIx64 " is implausible: "
				 "reserved bits set or a next-level size other "
				 "than %u", name, e, at, g->bits[level - 1]);
	if (!g->radix && (e & 0xff))
		return walk_fail(vm, -EBADMSG, vaddr, "%s entry %#" PRIx64
				 " at physical %#" PRIx64 " is implausible: "
				 "low bits set", name, e, at);
	if (next & (table_bytes(g, level - 1) - 1))
		return walk_fail(vm, -EBADMSG, vaddr, "%s entry %#" PRIx64
				 " at physical %#" PRIx64 " is implausible: its "
				 "%s table is not aligned to %" PRIu64 " bytes",
				 name, e, at, level_names[level - 1],
				 table_bytes(g, level - 1));
	return 0;
}

/*
 * The block a leaf maps: its page of leaf_shift bytes, but no more than
 * the entry itself covers (@reach: 1 << the level's shift). They differ
 * for hash 4K, whose 16 MiB PMD leaves span eight 2 MiB entries: each
 * entry only vouches for its own part.
 */
static int leaf_block(struct fadump_vmcore *vm, const struct vtop *vt,
		      uint64_t vaddr, int level, uint64_t reach, uint64_t at,
		      uint64_t e, struct vtop_block *b)
{
	const struct pt_geometry *g = vt->geo;
	const char *name = level_names[level];
	uint64_t size = 1ULL << g->leaf_shift[level];
	uint64_t rpn = e & (((1ULL << PA_MAX_BITS) - 1) &
			    ~((1ULL << g->page_shift) - 1));

	if (!(e & PAGE_PTE))
		return walk_fail(vm, -EBADMSG, vaddr, "PTE %#" PRIx64 " at "
				 "physical %#" PRIx64 " is implausible: no "
				 "_PAGE_PTE bit", e, at);
	/* pte_present(): _PAGE_INVALID marks one being updated */
	if (!(e & PAGE_PRESENT) && !(e & PAGE_INVALID))
		return walk_fail(vm, -EFAULT, vaddr, "%s%s %#" PRIx64 " at "
				 "physical %#" PRIx64 " is not present", name,
				 level == PTE ? "" : " leaf", e, at);
	if (rpn & (size - 1))
		return walk_fail(vm, -EBADMSG, vaddr, "%s leaf %#" PRIx64 " at "
				 "physical %#" PRIx64 " is implausible: not "
				 "aligned to its %" PRIu64 "-byte page", name, e,
				 at, size);
	if (reach > size)
		reach = size;
	b->vaddr = vaddr & ~(reach - 1);
	b->paddr = rpn + (b->vaddr & (size - 1));
	b->size = reach;
	return 0;
}

static int walk(struct fadump_vmcore *vm, const struct vtop *vt,
		uint64_t vaddr, struct vtop_block *b)
{
	const struct pt_geometry *g = vt->geo;
	uint64_t table = vt->pgd;
	unsigned int shift = g->page_shift + g->bits[PTE] + g->bits[PMD] +
			     g->bits[PUD];

	for (int level = PGD; level >= PTE; level--) {
		uint64_t idx = (vaddr >> shift) & ((1ULL << g->bits[level]) - 1);
		uint64_t at = table + idx * 8, e;
		unsigned char raw[8];
		int ret;

		fadump_quiet_begin(vm->ctx);
		ret = vmcore_read(vm, at, raw, sizeof(raw));
		fadump_quiet_end(vm->ctx);
		if (ret < 0)
			return fadump_fail_wrap(vm->ctx, ret, "%s: virtual address "
				"%#" PRIx64 ": %s table at physical %#" PRIx64,
				vm->path, vaddr, level_names[level], table);
		e = get_be64(raw);
		if (!e)
			return walk_fail(vm, -EFAULT, vaddr, "%s entry %" PRIu64
					 " at physical %#" PRIx64 " is empty",
					 level_names[level], idx, at);
		if (level == PTE || ((e & PAGE_PTE) && g->leaf_shift[level]))
			return leaf_block(vm, vt, vaddr, level, 1ULL << shift, at,
					  e, b);
		ret = check_directory(vm, vt, vaddr, level, at, e);
		if (ret < 0)
			return ret;
		table = e & ~PXD_MASKED_BITS;
		shift -= g->bits[level - 1];
	}
	return -EFAULT;		/* not reached: the PTE level returns */
}

/* ---- vmemmap_list (hash MMU) ------------------------------------------- */

struct list_layout {
	uint64_t off_list, off_phys, off_virt;
	size_t read;		/* bytes of an entry to read */
};

static int cmp_vmemmap(const void *a, const void *b)
{
	const struct vmemmap_entry *x = a, *y = b;

	return x->virt < y->virt ? -1 : x->virt > y->virt;
}

/* The block size: 1 << mmu_psize_defs[mmu_vmemmap_psize].shift. */
static int vmemmap_block_size(struct fadump_vmcore *vm, struct vtop *vt,
			      uint64_t *block)
{
	uint64_t psize_sym, defs_sym, def_size, shift_off;
	unsigned char b[4];
	uint32_t psize, shift;
	int ret;

	if (vmcore_info_field(vm, "SYMBOL", "mmu_vmemmap_psize", &psize_sym) < 0 ||
	    vmcore_info_field(vm, "SYMBOL", "mmu_psize_defs", &defs_sym) < 0 ||
	    vmcore_info_field(vm, "SIZE", "mmu_psize_def", &def_size) < 0 ||
	    vmcore_info_field(vm, "OFFSET", "mmu_psize_def.shift", &shift_off) < 0)
		return fadump_fail(vm->ctx, -ENOENT, "VMCOREINFO lacks "
			"SYMBOL(mmu_vmemmap_psize), SYMBOL(mmu_psize_defs), "
			"SIZE(mmu_psize_def) or OFFSET(mmu_psize_def.shift)");
	if (def_size > 4096 || shift_off + 4 > def_size)
		return fadump_fail(vm->ctx, -EBADMSG, "VMCOREINFO "
			"SIZE(mmu_psize_def)=%" PRIu64 " and OFFSET(mmu_psize_def."
			"shift)=%" PRIu64 " are implausible", def_size, shift_off);
	ret = read_linear(vm, vt, psize_sym, b, 4, "mmu_vmemmap_psize");
	if (ret < 0)
		return ret;
	psize = get_u32(b, vm->order);
	if (psize >= MMU_PAGE_COUNT_MAX)
		return fadump_fail(vm->ctx, -EBADMSG, "mmu_vmemmap_psize %" PRIu32
				   " is implausible (at most %u page sizes)",
				   psize, MMU_PAGE_COUNT_MAX);
	ret = read_linear(vm, vt, defs_sym + psize * def_size + shift_off, b, 4,
			  "mmu_psize_defs[mmu_vmemmap_psize].shift");
	if (ret < 0)
		return ret;
	shift = get_u32(b, vm->order);
	if (shift < vt->geo->page_shift || shift > 34)
		return fadump_fail(vm->ctx, -EBADMSG, "the vmemmap page size "
			"(mmu_psize_defs[%" PRIu32 "].shift = %" PRIu32 ") is "
			"implausible", psize, shift);
	*block = 1ULL << shift;
	return 0;
}

static int vmemmap_list_layout(struct fadump_vmcore *vm, struct list_layout *l)
{
	if (vmcore_info_field(vm, "OFFSET", "vmemmap_backing.list", &l->off_list) < 0 ||
	    vmcore_info_field(vm, "OFFSET", "vmemmap_backing.phys", &l->off_phys) < 0 ||
	    vmcore_info_field(vm, "OFFSET", "vmemmap_backing.virt_addr",
			      &l->off_virt) < 0)
		return fadump_fail(vm->ctx, -ENOENT, "VMCOREINFO lacks "
			"OFFSET(vmemmap_backing.list, .phys or .virt_addr)");
	if (l->off_list > 256 || l->off_phys > 256 || l->off_virt > 256)
		return fadump_fail(vm->ctx, -EBADMSG, "VMCOREINFO offsets of "
				   "vmemmap_backing are implausible");
	l->read = 8 + (size_t)(l->off_list > l->off_phys ?
		  (l->off_list > l->off_virt ? l->off_list : l->off_virt) :
		  (l->off_phys > l->off_virt ? l->off_phys : l->off_virt));
	return 0;
}

static int add_vmemmap_entry(struct fadump_vmcore *vm, struct vtop *vt,
			     uint64_t node, uint64_t virt, uint64_t phys,
			     size_t *cap)
{
	uint64_t block = vt->vmemmap_block;

	if (virt < vt->vmemmap_start || virt >= vt->vmemmap_end ||
	    (virt & (block - 1)) || (phys & (block - 1)) ||
	    phys >> PA_MAX_BITS)
		return fadump_fail(vm->ctx, -EBADMSG, "vmemmap_list entry at %#"
			PRIx64 " is implausible: virt_addr %#" PRIx64 ", phys %#"
			PRIx64 " (blocks of %#" PRIx64 " bytes in vmemmap %#"
			PRIx64 "-%#" PRIx64 ")", node, virt, phys, block,
			vt->vmemmap_start, vt->vmemmap_end - 1);
	if (vt->nvmemmap == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct vmemmap_entry *t = realloc(vt->vmemmap, n * sizeof(*t));

		if (!t)
			return fadump_fail(vm->ctx, -ENOMEM, "out of memory");
		vt->vmemmap = t;
		*cap = n;
	}
	vt->vmemmap[vt->nvmemmap++] = (struct vmemmap_entry){ virt, phys };
	return 0;
}

/*
 * Read the whole list into a sorted table. Brent's cycle detection sees
 * a loop within twice its length, without reading anything twice.
 */
static int load_vmemmap_list(struct fadump_vmcore *vm, struct vtop *vt)
{
	struct list_layout l;
	uint64_t head_sym, node, saved = 0;
	unsigned char b[8], e[264];
	size_t cap = 0, power = 1, steps = 0;
	int ret;

	ret = vmcore_info_field(vm, "SYMBOL", "vmemmap_list", &head_sym);
	if (ret == -ENOENT)
		return 0;		/* no list: the page tables map vmemmap */
	if (ret == 0)
		ret = vmemmap_list_layout(vm, &l);
	if (ret == 0)
		ret = read_linear(vm, vt, head_sym, b, 8, "vmemmap_list");
	if (ret < 0)
		return ret;
	node = get_u64(b, vm->order);
	if (!node)
		return 0;		/* empty: the page tables map vmemmap */
	ret = vmemmap_block_size(vm, vt, &vt->vmemmap_block);
	if (ret < 0)
		return ret;

	while (node) {
		if (node == saved)
			return fadump_fail(vm->ctx, -EBADMSG, "vmemmap_list "
					   "loops back to the entry at %#" PRIx64,
					   node);
		if (++steps > VMEMMAP_LIST_MAX)
			return fadump_fail(vm->ctx, -E2BIG, "vmemmap_list has "
					   "more than %u entries", VMEMMAP_LIST_MAX);
		if (steps == power) {
			saved = node;
			power *= 2;
		}
		ret = read_linear(vm, vt, node, e, l.read, "a vmemmap_list entry");
		if (ret == 0)
			ret = add_vmemmap_entry(vm, vt, node,
						get_u64(e + l.off_virt, vm->order),
						get_u64(e + l.off_phys, vm->order),
						&cap);
		if (ret < 0)
			return ret;
		node = get_u64(e + l.off_list, vm->order);
	}
	qsort(vt->vmemmap, vt->nvmemmap, sizeof(*vt->vmemmap), cmp_vmemmap);
	for (size_t i = 1; i < vt->nvmemmap; i++)
		if (vt->vmemmap[i].virt == vt->vmemmap[i - 1].virt)
			return fadump_fail(vm->ctx, -EBADMSG, "vmemmap_list maps "
					   "%#" PRIx64 " twice",
					   vt->vmemmap[i].virt);
	return 0;
}

/*
 * 1 and *b for a vmemmap address the list maps, 0 if the page tables
 * are to be asked (no list), or a negative errno.
 */
static int vmemmap_lookup(struct fadump_vmcore *vm, struct vtop *vt,
			  uint64_t vaddr, struct vtop_block *b)
{
	size_t lo = 0, hi;

	if (!vt->vmemmap_loaded) {
		vt->vmemmap_loaded = true;
		fadump_quiet_begin(vm->ctx);
		vt->vmemmap_err = load_vmemmap_list(vm, vt);
		fadump_quiet_end(vm->ctx);
		if (vt->vmemmap_err < 0) {
			snprintf(vt->vmemmap_why, sizeof(vt->vmemmap_why), "%s",
				 fadump_ctx_get_error(vm->ctx));
			free(vt->vmemmap);
			vt->vmemmap = NULL;
			vt->nvmemmap = 0;
		}
		dbg(vm->ctx, "%s: vmemmap_list: %zu blocks of %#" PRIx64
		    " bytes", vm->path, vt->nvmemmap, vt->vmemmap_block);
	}
	if (vt->vmemmap_err < 0)
		return walk_fail(vm, vt->vmemmap_err, vaddr, "vmemmap: %s",
				 vt->vmemmap_why);
	if (!vt->nvmemmap)
		return 0;
	hi = vt->nvmemmap;
	while (lo < hi) {		/* the last entry at or below vaddr */
		size_t mid = lo + (hi - lo) / 2;

		if (vt->vmemmap[mid].virt <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || vaddr - vt->vmemmap[lo - 1].virt >= vt->vmemmap_block)
		return walk_fail(vm, -EFAULT, vaddr, "no vmemmap_list entry "
				 "maps it (hash MMU vmemmap)");
	b->vaddr = vt->vmemmap[lo - 1].virt;
	b->paddr = vt->vmemmap[lo - 1].phys;
	b->size = vt->vmemmap_block;
	return 1;
}

/* ---- translation ------------------------------------------------------ */

/* Dumps of other machines: the PT_LOADs' p_vaddr, where it is set. */
static int translate_segments(struct fadump_vmcore *vm, uint64_t vaddr,
			      uint64_t *paddr, uint64_t *avail)
{
	for (unsigned int i = 0; i < vm->nsegs; i++) {
		const struct vmcore_segment *s = &vm->segs[i];

		if (s->vaddr == 0 || s->vaddr == UINT64_MAX)
			continue;
		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->memsz) {
			*paddr = s->paddr + (vaddr - s->vaddr);
			*avail = s->memsz - (vaddr - s->vaddr);
			return 0;
		}
	}
	return fadump_fail(vm->ctx, -EFAULT, "%s: virtual address %#" PRIx64
			   " is in no segment's p_vaddr range (only ppc64 "
			   "kernel addresses are translated further)",
			   vm->path, vaddr);
}

static bool tlb_find(const struct vtop *vt, uint64_t vaddr,
		     struct vtop_block *b)
{
	for (unsigned int i = 0; i < TLB_ENTRIES; i++) {
		const struct vtop_block *t = &vt->tlb[i];

		if (t->size && vaddr - t->vaddr < t->size) {
			*b = *t;
			return true;
		}
	}
	return false;
}

static void tlb_add(struct vtop *vt, const struct vtop_block *b)
{
	vt->tlb[vt->tlb_next] = *b;
	vt->tlb_next = (vt->tlb_next + 1) % TLB_ENTRIES;
}

static int translate_mapped(struct fadump_vmcore *vm, struct vtop *vt,
			    uint64_t vaddr, struct vtop_block *b)
{
	int ret;

	/* no geometry reaches beyond 52 bits (radix.h, hash-64k.h) */
	if ((vaddr - PPC64_PAGE_OFFSET) >> 52)
		return walk_fail(vm, -EFAULT, vaddr, "not a kernel address "
				 "(beyond %#llx)", PPC64_PAGE_OFFSET +
				 (1ULL << 52) - 1);
	if (vt->pt_err)
		return walk_fail(vm, vt->pt_err, vaddr, "cannot walk the kernel "
				 "page tables: %s", vt->pt_why);
	if (vaddr - PPC64_PAGE_OFFSET >= vt->ea_limit)
		return walk_fail(vm, -EFAULT, vaddr, "beyond the %s page "
				 "tables' reach (%#" PRIx64 ")", vt->geo->name,
				 (uint64_t)(PPC64_PAGE_OFFSET + vt->ea_limit - 1));
	if (tlb_find(vt, vaddr, b))
		return 0;
	ret = 0;
	if (vaddr >= vt->vmemmap_start && vaddr < vt->vmemmap_end)
		ret = vmemmap_lookup(vm, vt, vaddr, b);
	if (ret == 0)
		ret = walk(vm, vt, vaddr, b);
	if (ret < 0)
		return ret;
	tlb_add(vt, b);
	return 0;
}

int vtop_translate(struct fadump_vmcore *vm, uint64_t vaddr, uint64_t *paddr,
		   uint64_t *avail)
{
	struct vtop *vt = vtop_get(vm);
	struct vtop_block b;
	int ret;

	if (!vt)
		return -ENOMEM;
	if (!vt->ppc64)
		return translate_segments(vm, vaddr, paddr, avail);
	if (vaddr < PPC64_PAGE_OFFSET)
		return fadump_fail(vm->ctx, -EFAULT, "%s: virtual address %#"
				   PRIx64 " is not a kernel address (they start "
				   "at %#llx)", vm->path, vaddr,
				   PPC64_PAGE_OFFSET);
	if (vaddr < vt->linear_end) {
		*paddr = vaddr - PPC64_PAGE_OFFSET;
		*avail = vt->linear_end - vaddr;
		return 0;
	}
	ret = translate_mapped(vm, vt, vaddr, &b);
	if (ret < 0)
		return ret;
	*paddr = b.paddr + (vaddr - b.vaddr);
	*avail = b.size - (vaddr - b.vaddr);
	return 0;
}

int vmcore_read_virt(struct fadump_vmcore *vm, uint64_t vaddr, void *buf,
		     size_t len)
{
	unsigned char *p = buf;

	if (len && len - 1 > UINT64_MAX - vaddr)
		return fadump_fail(vm->ctx, -EFAULT, "%s: virtual range %#"
				   PRIx64 " + %#zx overflows 64 bits", vm->path,
				   vaddr, len);
	while (len) {
		uint64_t paddr, avail;
		size_t n;
		int ret;

		ret = vtop_translate(vm, vaddr, &paddr, &avail);
		if (ret < 0)
			return ret;
		n = avail < len ? (size_t)avail : len;
		fadump_quiet_begin(vm->ctx);
		ret = vmcore_read(vm, paddr, p, n);
		fadump_quiet_end(vm->ctx);
		if (ret < 0)
			return fadump_fail_wrap(vm->ctx, ret, "virtual address %#"
						PRIx64 " (physical %#" PRIx64 ")",
						vaddr, paddr);
		p += n;
		len -= n;
		vaddr += n;
	}
	return 0;
}

FADUMP_EXPORT int fadump_vmcore_virt_to_phys(struct fadump_vmcore *vm,
					     uint64_t vaddr, uint64_t *paddr)
{
	uint64_t avail;

	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!paddr)
		return fadump_fail_null(vm->ctx, "paddr");
	return vtop_translate(vm, vaddr, paddr, &avail);
}

FADUMP_EXPORT int fadump_vmcore_read_virt(struct fadump_vmcore *vm,
					  uint64_t vaddr, void *buf, size_t len)
{
	if (!vm)
		return -EINVAL;
	fadump_clear_error(vm->ctx);
	if (!buf && len)
		return fadump_fail_null(vm->ctx, "buf");
	return vmcore_read_virt(vm, vaddr, buf, len);
}

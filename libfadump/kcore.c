// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Physical memory of the running kernel through /proc/kcore, where the
 * capture boot finds the crash structures that fadump_crashinfo_read()
 * (crashinfo.c) and fadump_cpuregs_read() (regsave.c) decode.
 *
 * In the capture boot the firmware's copy of the crashed kernel's boot
 * memory, the register save area and the crash-info header all sit in
 * the reserved dump area, which /proc/vmcore leaves out (reference §5.3).
 * /proc/kcore is an ELF core of the running kernel's memory
 * (fs/proc/kcore.c): one PT_LOAD per System RAM range with p_vaddr its
 * linear-map address and p_paddr = __pa(p_vaddr); ranges that are not
 * RAM carry p_paddr -1. A physical address is looked up by p_paddr and,
 * should a kernel leave p_paddr out, on ppc64 by its linear-map address
 * 0xc000000000000000 + paddr. Reading it needs CAP_SYS_RAWIO.
 *
 * The file is hostile input like any other: the header and program
 * headers are checked against what kcore writes before use, and their
 * count is capped.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "ppc64-linear-map.h"
#include "internal.h"

#define KCORE_PATH		"/proc/kcore"
#define KCORE_MAX_PHDRS		65536	/* kcore: one per RAM range, vmalloc, text */

struct kcore {
	struct fadump_ctx *ctx;
	const char *path;
	int fd;
	enum fadump_byte_order order;
	uint16_t machine;
	unsigned char *phdrs;
	unsigned int phnum;
};

static int pread_exact(struct kcore *k, void *buf, size_t len, uint64_t off,
		       const char *what)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = pread(k->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fadump_fail(k->ctx, -errno, "%s: reading %s at offset %#"
					   PRIx64 ": %s", k->path, what, off, strerror(errno));
		if (n == 0)
			return fadump_fail(k->ctx, -EIO, "%s: %s at offset %#" PRIx64
					   " is past the end of the file",
					   k->path, what, off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static int kcore_open(struct fadump_ctx *ctx, struct kcore *k, char *path,
		      size_t pathsz)
{
	unsigned char eh[64], sh[64];
	uint64_t phoff;
	uint16_t phentsize;
	int ret;

	memset(k, 0, sizeof(*k));
	k->ctx = ctx;
	k->fd = -1;
	k->path = path;
	ret = fadump_path(ctx, path, pathsz, KCORE_PATH);
	if (ret < 0)
		return ret;
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			return fadump_fail(ctx, ret, "%s: no such file (kernel without CONFIG_PROC_KCORE)",
					   path);
		if (ret == -EACCES || ret == -EPERM)
			return fadump_fail(ctx, ret, "%s: permission denied (reading kernel memory needs root: CAP_SYS_RAWIO)",
					   path);
		return fadump_fail(ctx, ret, "%s: %s", path, strerror(-ret));
	}
	ret = pread_exact(k, eh, sizeof(eh), 0, "the ELF header");
	if (ret < 0)
		return ret;
	if (memcmp(eh, ELFMAG, SELFMAG) != 0)
		return fadump_fail(ctx, -EBADMSG, "%s: not an ELF file", path);
	if (eh[EI_CLASS] != ELFCLASS64)
		return fadump_fail(ctx, -EOPNOTSUPP, "%s: not ELF64 (class %u)",
				   path, eh[EI_CLASS]);
	if (eh[EI_DATA] == ELFDATA2LSB)
		k->order = FADUMP_BYTE_ORDER_LITTLE;
	else if (eh[EI_DATA] == ELFDATA2MSB)
		k->order = FADUMP_BYTE_ORDER_BIG;
	else
		return fadump_fail(ctx, -EBADMSG, "%s: unknown ELF byte order %u",
				   path, eh[EI_DATA]);
	if (get_u16(eh + 16, k->order) != ET_CORE)
		return fadump_fail(ctx, -EBADMSG, "%s: e_type %u is not ET_CORE",
				   path, get_u16(eh + 16, k->order));
	k->machine = get_u16(eh + 18, k->order);
	phoff = get_u64(eh + 32, k->order);
	phentsize = get_u16(eh + 54, k->order);
	k->phnum = get_u16(eh + 56, k->order);
	if (phentsize != sizeof(Elf64_Phdr))
		return fadump_fail(ctx, -EBADMSG, "%s: e_phentsize %u is not %zu",
				   path, phentsize, sizeof(Elf64_Phdr));
	if (k->phnum == PN_XNUM) {
		/* kcore with more than 65534 ranges: the count is section 0's sh_info */
		ret = pread_exact(k, sh, sizeof(sh), get_u64(eh + 40, k->order),
				  "section header 0 (e_phnum is PN_XNUM)");
		if (ret < 0)
			return ret;
		if (get_u32(sh + 44, k->order) > KCORE_MAX_PHDRS)
			return fadump_fail(ctx, -E2BIG, "%s: %u program headers, more than %u",
					   path, get_u32(sh + 44, k->order),
					   KCORE_MAX_PHDRS);
		k->phnum = get_u32(sh + 44, k->order);
	}
	k->phdrs = malloc(k->phnum ? (size_t)k->phnum * sizeof(Elf64_Phdr) : 1);
	if (!k->phdrs)
		return fadump_fail(ctx, -ENOMEM, "out of memory");
	return pread_exact(k, k->phdrs, (size_t)k->phnum * sizeof(Elf64_Phdr),
			   phoff, "the program headers");
}

static void kcore_close(struct kcore *k)
{
	if (k->fd >= 0)
		close(k->fd);
	free(k->phdrs);
}

/*
 * The file offset of @paddr and the bytes readable there from one
 * PT_LOAD; false if no PT_LOAD has it.
 */
static bool kcore_find(const struct kcore *k, uint64_t paddr, uint64_t *off,
		       uint64_t *avail)
{
	for (int pass = 0; pass < 2; pass++) {
		uint64_t want = paddr;

		if (pass == 1) {
			if (k->machine != EM_PPC64 || paddr >= PPC64_PAGE_OFFSET)
				return false;
			want = PPC64_PAGE_OFFSET + paddr;
		}
		for (unsigned int i = 0; i < k->phnum; i++) {
			const unsigned char *ph = k->phdrs + (size_t)i * sizeof(Elf64_Phdr);
			uint64_t base = get_u64(ph + (pass ? 16 : 24), k->order);
			uint64_t filesz = get_u64(ph + 32, k->order);

			if (get_u32(ph, k->order) != PT_LOAD ||
			    (pass == 0 && base == UINT64_MAX))
				continue;
			if (want >= base && want - base < filesz) {
				uint64_t o = get_u64(ph + 8, k->order);

				if (o + (want - base) < o)
					continue;	/* offset overflows */
				*off = o + (want - base);
				*avail = filesz - (want - base);
				return true;
			}
		}
	}
	return false;
}

static int kcore_read(struct kcore *k, uint64_t paddr, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		uint64_t off, avail;
		size_t n;
		int ret;

		if (!kcore_find(k, paddr, &off, &avail))
			return fadump_fail(k->ctx, -ENXIO,
				"%s: physical address %#" PRIx64
				" is in no PT_LOAD (not System RAM of this kernel)",
				k->path, paddr);
		n = avail < len ? (size_t)avail : len;
		ret = pread_exact(k, p, n, off, "memory");
		if (ret < 0)
			return ret;
		p += n;
		len -= n;
		if (len && paddr + n < paddr)
			return fadump_fail(k->ctx, -ENXIO, "%s: physical range wraps",
					   k->path);
		paddr += n;
	}
	return 0;
}

FADUMP_EXPORT int fadump_kcore_read(struct fadump_ctx *ctx, uint64_t paddr,
				    void *buf, size_t len)
{
	char path[4096];
	struct kcore k;
	int ret;

	if (!ctx)
		return -EINVAL;
	fadump_clear_error(ctx);
	if (!buf && len)
		return fadump_fail(ctx, -EINVAL, "fadump_kcore_read: buf is NULL");
	ret = kcore_open(ctx, &k, path, sizeof(path));
	if (ret == 0)
		ret = kcore_read(&k, paddr, buf, len);
	kcore_close(&k);
	return ret;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The crashed kernel's virtual addresses (vtop.c): translated to
 * physical ones through what the kernel left in its memory, and read
 * through vmcore_read(), the one way this library reads the dump's
 * memory, whatever the file format.
 */
#ifndef FADUMP_VTOP_H
#define FADUMP_VTOP_H

#include <stdint.h>

#include "vmcore.h"

/* Translation state of one vmcore, built on first use (vm->vtop). */
struct vtop;

/*
 * Translate kernel virtual address @vaddr. *@paddr receives its physical
 * address and *@avail how many bytes from there on are contiguous in
 * both address spaces (to the end of the page, huge page, vmemmap block
 * or linear map; at least 1).
 *
 * Errors are recorded with the address and the step that failed:
 * -EFAULT the address is not mapped (an empty or not-present entry, no
 * kernel mapping there), -ENXIO a page table or list entry is not in the
 * dump, -EBADMSG an implausible entry or VMCOREINFO value, -ENOENT a
 * VMCOREINFO key the translation needs is missing, -EOPNOTSUPP a page
 * size or kernel version whose layout is not known here, -EIO, -ENOMEM.
 */
int vtop_translate(struct fadump_vmcore *vm, uint64_t vaddr, uint64_t *paddr,
		   uint64_t *avail);

/*
 * Read @len bytes at kernel virtual address @vaddr, across pages. The
 * errors of vtop_translate() and vmcore_read() (whose message is then
 * prefixed with the virtual and physical address).
 */
int vmcore_read_virt(struct fadump_vmcore *vm, uint64_t vaddr, void *buf,
		     size_t len);

void vtop_free(struct vtop *vt);

/*
 * The ppc64 linear map: PAGE_OFFSET of Book3S-64, every kernel version
 * (arch/powerpc/include/asm/page.h, CONFIG_PAGE_OFFSET). VMCOREINFO does
 * not export it.
 */
#define PPC64_PAGE_OFFSET	0xc000000000000000ULL

#endif /* FADUMP_VTOP_H */

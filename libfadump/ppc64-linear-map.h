/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ppc64 kernel's linear map (arch/powerpc/include/asm/page.h:
 * PAGE_OFFSET): physical address p is at kernel virtual address
 * PPC64_PAGE_OFFSET + p, up to the start of vmalloc space
 * (NUMBER(VMALLOC_START) of 7.x), which ends it. Used to read a
 * physical address through /proc/kcore (kcore.c) and to translate the
 * crashed kernel's pointers (vmcore-dmesg.c).
 */
#ifndef FADUMP_PPC64_LINEAR_MAP_H
#define FADUMP_PPC64_LINEAR_MAP_H

#define PPC64_PAGE_OFFSET	0xc000000000000000ULL
#define PPC64_LINEAR_END	0xc008000000000000ULL

#endif /* FADUMP_PPC64_LINEAR_MAP_H */

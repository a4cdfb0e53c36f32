/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A small model of the kernel's fadump sysfs stores, for tests that run
 * the library on a scratch copy of a fixture root.
 *
 * test-control links with -Wl,--wrap=open,--wrap=open64,--wrap=write:
 * every open() and write() of the program comes here first. Until
 * fake_kernel_start() everything passes straight through. After it,
 * writes to the attribute files under the scratch root behave as the
 * kernel's store functions do (kernel-interface.md §1.3), and a test can
 * program the next open or write of one attribute to fail or to succeed
 * without effect.
 *
 * Attributes are named by their path relative to the root, exactly as
 * the library opens them ("sys/kernel/fadump/registered",
 * "sys/kernel/fadump_registered" on a 3.4 root).
 */
#ifndef FADUMP_FAKE_KERNEL_H
#define FADUMP_FAKE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

enum fake_kernel_gen {
	/* 4.x - 7.x: "1" while registered re-registers, "0" unregistered is a no-op. */
	FAKE_KERNEL_MODERN,
	/* 3.4: EINVAL for "1" while registered and "0" while not. */
	FAKE_KERNEL_3_4,
};

/*
 * Model the stores under @root (a scratch directory):
 *  - registered: "0"/"1" replace the file with "0\n"/"1\n" (3.4 rules
 *    above); anything else EINVAL;
 *  - release_mem: the first "1" removes <root>/proc/vmcore, later
 *    writes get EPERM (the kernel's dump_active is gone);
 *  - bootargs_append: EINVAL from 2048 bytes, ENOSPC when the command
 *    line (see fake_kernel_set_cmdline_len) plus the write reaches
 *    2048, else the file becomes the text without one trailing newline,
 *    then "\n".
 * Opens with O_CREAT (the tests' own file set-up) are never modelled.
 */
void fake_kernel_start(const char *root, enum fake_kernel_gen gen);

/* Back to plain pass-through; forgets programmed failures and counters. */
void fake_kernel_stop(void);

/* strlen(saved_command_line) for the bootargs_append ENOSPC rule; default 100. */
void fake_kernel_set_cmdline_len(size_t len);

/* The next open for writing of @rel fails with @err (e.g. EACCES). */
void fake_kernel_fail_open(const char *rel, int err);

/*
 * The next write to @rel returns -1/@err, or its full count if @err is 0,
 * without running the model; then, if @content is not NULL, the file
 * holds @content (the state the kernel left behind).
 */
void fake_kernel_next_write(const char *rel, int err, const char *content);

/* write() calls that reached @rel since fake_kernel_start(). */
unsigned int fake_kernel_writes(const char *rel);

/*
 * Every write since fake_kernel_start() as "<rel>=<data> ", in order,
 * newlines shown as "\n": e.g. "sys/kernel/fadump_registered=1 ".
 */
const char *fake_kernel_log(void);

/*
 * release_range (kernel/patches/0003), page size as sysconf() says:
 * "START SIZE" (kstrtoull base 0, one space, optional newline) is
 * EINVAL when malformed, empty or unaligned, EPERM after release_mem,
 * ERANGE outside [lo, hi) (fake_kernel_range_limits(), default all of
 * memory) or touching a kept range, EBUSY when it overlaps an accepted
 * one; else accepted and @hook (if set) called with it.
 */
typedef void (*fake_range_hook)(void *data, uint64_t start, uint64_t size);
void fake_kernel_range_limits(uint64_t lo, uint64_t hi);
void fake_kernel_range_keep(uint64_t start, uint64_t size);
void fake_kernel_range_hook(fake_range_hook hook, void *data);
/* Ranges accepted so far (and their bytes, if @bytes), writes refused. */
unsigned int fake_kernel_ranges(uint64_t *bytes, unsigned int *refused);

/*
 * release_core (PowerNV, opal-core.c): "1" removes
 * <root>/sys/firmware/opal/mpipl/core (and the 5.4 name
 * sys/firmware/opal/core), calling @hook (if set) first; EPERM once the
 * core is released, EINVAL for anything but 1.
 */
typedef void (*fake_release_hook)(void *data);
void fake_kernel_release_core_hook(fake_release_hook hook, void *data);

#endif

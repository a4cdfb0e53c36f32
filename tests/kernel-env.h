/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fixture of the tests on synthetic kernels (test-vtop.c,
 * test-page-class.c): a scratch directory, a kernel, the dump written
 * from it and opened, and what the library logged.
 */
#ifndef KERNEL_ENV_H
#define KERNEL_ENV_H

#include "fadump.h"
#include "mkkernel.h"

struct kenv {
	struct fadump_ctx *ctx;
	char *dir;
	struct mkkernel k;
	struct mkvmcore_spec spec;
	struct fadump_vmcore *vm;
	/*
	 * LOG_WARNING and LOG_INFO lines, and how many at LOG_ERR or worse,
	 * since open
	 */
	char warnings[4096];
	char infos[4096];
	unsigned int errors;
};

/* cmocka setup and teardown: *state is a struct kenv. */
int kenv_setup(void **state);
int kenv_teardown(void **state);

/* Write e->spec as <dir>/vmcore and open it (closing the last one). */
void kenv_open(struct kenv *e);
void kenv_close(struct kenv *e);

#endif

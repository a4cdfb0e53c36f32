/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The NULL-argument test: valid objects and values for the calls that
 * gen-null-test.py generates, the checks of their results, and the
 * runner (null-fixture.c).
 */
#ifndef NULL_FIXTURE_H
#define NULL_FIXTURE_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "fadump.h"

/* One valid object of each opaque type, named as the type without fadump_. */
struct null_fixture {
	struct fadump_ctx *ctx;
	struct fadump_devtree *devtree;
	struct fadump_regions *regions;
	struct fadump_vmcore *vmcore;
	struct fadump_papr_dump *papr_dump;
	struct fadump_cpuregs *cpuregs;
	struct fadump_opal_fdm *opal_fdm;
	struct fadump_crashinfo *crashinfo;
	struct fadump_page_iter *page_iter;	/* over fx.vmcore's pages */
	const char *root;		/* the context's: a scratch copy of a capture root */
	const char *vmcore_path;	/* a generated dump (fx.vmcore) */
	const char *save_dir;		/* an empty directory of mode 0700 */
};

extern struct null_fixture fx;
/* The buffer handed to functions that take one; 64 zero bytes. */
extern unsigned char fx_buf[64];

/* A callback of each type, doing nothing. */
void fx_log_fn(void *userdata, int priority, const char *file, int line,
	       const char *fn, const char *format, va_list args);
int fx_dmesg_fn(void *userdata, const struct fadump_dmesg_record *rec);
int fx_vmcore_chunk_fn(void *userdata, const struct fadump_vmcore_chunk *chunk);

/*
 * Judge a result. @required: a NULL was passed where the header does not
 * say "may be NULL". Each returns 0 if the result keeps the contract, 1
 * (after saying why on stderr) if not.
 *   null_int:  required: -EINVAL, and a message in @ctx if one was given;
 *              otherwise anything but -EINVAL
 *   null_ptr:  required: NULL
 *   null_zero: required: 0 (false, an enum's 0 value)
 */
int null_int(int ret, bool required, struct fadump_ctx *ctx);
int null_ptr(const void *ret, bool required);
int null_zero(unsigned long long ret, bool required);

/* The generated calls: null-cases.c. */
struct null_case {
	const char *label;
	int (*run)(void);
};

extern const struct null_case null_cases[];
extern const unsigned int null_case_count;

#endif

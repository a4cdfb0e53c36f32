/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared plumbing of the libFuzzer targets: one quiet context per
 * process, a scratch root on tmpfs for the parsers that read files, and
 * a way to cut one input into several pieces.
 *
 * Every target defines LLVMFuzzerTestOneInput() and nothing else; the
 * same objects run under libFuzzer (-Dfuzz=true, clang) and under
 * replay.c, which feeds committed inputs through them in every build.
 */
#ifndef FADUMP_FUZZ_COMMON_H
#define FADUMP_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fadump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The process's context: root "/" (nothing is read through it) or, for
 * fuzz_root_ctx(), the scratch root. Logging is off: the messages are
 * built either way (fadump_fail() records them), printing them would
 * only slow the run down.
 */
struct fadump_ctx *fuzz_ctx(void);
struct fadump_ctx *fuzz_root_ctx(void);

/* The scratch root's path, made on first use and removed at exit. */
const char *fuzz_root(void);

/*
 * Write @len bytes to <scratch root>/@relpath, making the directories on
 * the way; @data NULL removes the file instead. Aborts on failure: a
 * harness that cannot build its input tests nothing.
 */
void fuzz_put_file(const char *relpath, const void *data, size_t len);

/* Remove <scratch root>/@relpath and everything under it, if it exists. */
void fuzz_remove_tree(const char *relpath);

/*
 * A path that opens a file holding exactly @len bytes of @data: a memfd
 * made once per process and rewritten per input, no disk involved.
 */
const char *fuzz_memfile(const void *data, size_t len);

/*
 * Cut @data at each FUZZ_SEPARATOR into at most @max pieces: piece i is
 * @starts[i], @lens[i]. Returns the number of pieces (at least 1). A
 * separator is four bytes no fixture contains, so the fuzzer can learn
 * it from the seeds and move pieces around.
 */
#define FUZZ_SEPARATOR "\xfe\xed\xfa\xce"
#define FUZZ_SEPARATOR_LEN 4
unsigned int fuzz_split(const uint8_t *data, size_t size, unsigned int max,
			const uint8_t **starts, size_t *lens);

/*
 * A well-formed ppc64 ELF core of @big byte order: one VMCOREINFO note
 * holding @info (@info_len bytes, not NUL-terminated) and, if @mem_len,
 * one PT_LOAD of @mem at physical @paddr (virtual: the linear map), so
 * that every execution gets past the container checks. Returns its path
 * (a fuzz_memfile()).
 */
const char *fuzz_ppc64_core(bool big, const void *info, size_t info_len,
			    uint64_t paddr, const void *mem, size_t mem_len);

/*
 * Read every byte of a string the library handed back, so that a
 * dangling or unterminated one is caught by AddressSanitizer here and
 * not in some caller.
 */
size_t fuzz_touch(const char *s);

/* The same for @len bytes of @data. */
void fuzz_touch_bytes(const void *data, size_t len);

#endif /* FADUMP_FUZZ_COMMON_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by test-vmcore.c and test-vmcore-save.c: scratch directories,
 * generated dumps and byte patches at offsets worked out from the ELF
 * layout (ELF header 64 bytes, program header i at 64 + 56 * i).
 */
#ifndef VMCORE_UTIL_H
#define VMCORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fadump.h"
#include "mkvmcore.h"

#define PHDR(i)		(64 + 56 * (uint64_t)(i))
/* Elf64_Phdr member offsets */
#define PH_TYPE		0
#define PH_OFFSET	8
#define PH_VADDR	16
#define PH_PADDR	24
#define PH_FILESZ	32
#define PH_MEMSZ	40

/* A context that logs nothing. */
struct fadump_ctx *vt_ctx(void);

/*
 * cmocka fixtures of the tests that need no more: *state becomes a
 * struct vt_env, a quiet context and a scratch directory removed after.
 */
struct vt_env {
	struct fadump_ctx *ctx;
	char *dir;
};
int vt_env_setup(void **state);
int vt_env_teardown(void **state);

/* Open @path; the test fails (printing the message) unless it opens. */
struct fadump_vmcore *vt_open(struct fadump_ctx *ctx, const char *path);

/* New /tmp/fadump-test-XXXXXX directory (free with scratch_remove()). */
char *vt_tmpdir(void);

/* "<dir>/<name>" in a static buffer (two alternate, for cmp-like calls). */
const char *vt_path(const char *dir, const char *name);

/* Generate @spec into <dir>/<name>; returns the path (static buffer). */
const char *vt_make(const char *dir, const char *name,
		    const struct mkvmcore_spec *spec,
		    struct mkvmcore_layout *layout);

/* Overwrite @bytes bytes at @off with @val in the dump's byte order. */
void vt_patch(const char *path, uint64_t off, uint64_t val, int bytes,
	      bool big_endian);
void vt_patch_raw(const char *path, uint64_t off, const void *data, size_t len);

/* Open @path; the call must fail with @err and a message holding @words. */
void vt_open_fails(struct fadump_ctx *ctx, const char *path, int err,
		   const char *word1, const char *word2);

/* The last error on @ctx contains @word (prints it otherwise). */
void vt_error_has(struct fadump_ctx *ctx, const char *word);

/*
 * Open the live dump (<root>/proc/vmcore of @ctx) and save it into @dest
 * with @opts; @res is reset to its full size first. Returns the save's.
 */
int vt_save_live(struct fadump_ctx *ctx, const char *dest,
		 const struct fadump_save_opts *opts,
		 struct fadump_save_result *res);

/* Whole file into a malloc()ed buffer. */
unsigned char *vt_slurp(const char *path, size_t *len);

/* Number of entries in @dir other than . and .. (and their names joined). */
unsigned int vt_dir_entries(const char *dir, char *names, size_t size);

#endif

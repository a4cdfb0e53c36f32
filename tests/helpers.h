/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the cmocka tests: fixture roots and scratch copies. */
#ifndef FADUMP_TEST_HELPERS_H
#define FADUMP_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

/* Absolute path of tests/data/<rel> (from $FADUMP_TEST_DATA); static buffer. */
const char *fixture_path(const char *rel);

/*
 * Copy the fixture tree tests/data/<rel> into a new temporary directory
 * (symlinks kept as symlinks) and return its malloc()ed path, so tests can
 * write to it. Fails the test on error.
 */
char *fixture_copy(const char *rel);

/* rm -rf @dir and free it. */
void scratch_remove(char *dir);

/* Create @dir/<rel> (parents included) holding exactly @len bytes of @data. */
void scratch_write(const char *dir, const char *rel, const void *data, size_t len);

/* Read @dir/<rel> into a static buffer (NUL-terminated); fails the test if absent. */
const char *scratch_read(const char *dir, const char *rel);

/*
 * Read the fixture file tests/data/<rel> into a malloc()ed buffer (free()
 * it); *@len gets its size. Fails the test if it cannot.
 */
void *fixture_load(const char *rel, size_t *len);

/*
 * cmocka group fixtures for tests that parse buffers: *state becomes a
 * context on the live root with logging off (the tests read the message
 * with fadump_ctx_get_error() instead).
 */
int quiet_ctx_setup(void **state);
int quiet_ctx_teardown(void **state);

/* Store @v big-endian at @b + @off (firmware structures are big-endian). */
void put_be16(void *b, size_t off, uint16_t v);
void put_be32(void *b, size_t off, uint32_t v);
void put_be64(void *b, size_t off, uint64_t v);

#endif

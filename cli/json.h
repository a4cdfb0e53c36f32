/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON output helpers (json-c). Only the command uses json-c; the library
 * never does. Allocation failures end the program with a message (see
 * cli_oom()), so callers build objects without checking every step and a
 * partial object is never printed.
 */
#ifndef FADUMPCTL_JSON_H
#define FADUMPCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "fadump.h"

struct json_object *jobj_new(void);
struct json_object *jarr_new(void);
void jarr_add(struct json_object *arr, struct json_object *val);

/* Add @key to @obj; the value helpers never return NULL. */
void jadd(struct json_object *obj, const char *key, struct json_object *val);
void jadd_null(struct json_object *obj, const char *key);
void jadd_bool(struct json_object *obj, const char *key, bool v);
void jadd_u64(struct json_object *obj, const char *key, uint64_t v);
void jadd_str(struct json_object *obj, const char *key, const char *s);
/* JSON null for FADUMP_UNKNOWN. */
void jadd_tristate(struct json_object *obj, const char *key,
		   enum fadump_tristate t);

struct json_object *jval_u64(uint64_t v);
/* Lower-case hex digits, two per byte, no separators ("" for no bytes). */
struct json_object *jval_hex(const void *data, size_t len);

/*
 * Print @obj pretty, with unescaped slashes and a trailing newline, then
 * release it. Write errors are left to the final check of stdout in main().
 */
void json_print(struct json_object *obj);

#endif /* FADUMPCTL_JSON_H */

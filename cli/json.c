// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * JSON construction for --json output. json-c reports allocation failure
 * by returning NULL, and json_object_object_add() stores a NULL value as
 * JSON null: unchecked, an out-of-memory would print a plausible but
 * wrong document. Every constructor here therefore checks and gives up.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fadumpctl.h"
#include "json.h"

static struct json_object *checked(struct json_object *val)
{
	if (!val)
		cli_oom();
	return val;
}

struct json_object *jobj_new(void)
{
	return checked(json_object_new_object());
}

struct json_object *jarr_new(void)
{
	return checked(json_object_new_array());
}

void jarr_add(struct json_object *arr, struct json_object *val)
{
	if (json_object_array_add(arr, val) < 0) {
		json_object_put(val);
		cli_oom();
	}
}

/* @val may be NULL only through jadd_null(): it is JSON null there. */
static void add(struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		cli_oom();
	}
}

void jadd(struct json_object *obj, const char *key, struct json_object *val)
{
	add(obj, key, checked(val));
}

void jadd_null(struct json_object *obj, const char *key)
{
	add(obj, key, NULL);
}

void jadd_bool(struct json_object *obj, const char *key, bool v)
{
	jadd(obj, key, json_object_new_boolean(v));
}

struct json_object *jval_u64(uint64_t v)
{
	/* Unsigned: addresses may use all 64 bits. */
	return checked(json_object_new_uint64(v));
}

void jadd_u64(struct json_object *obj, const char *key, uint64_t v)
{
	jadd(obj, key, jval_u64(v));
}

void jadd_str(struct json_object *obj, const char *key, const char *s)
{
	jadd(obj, key, json_object_new_string(s));
}

void jadd_tristate(struct json_object *obj, const char *key,
		   enum fadump_tristate t)
{
	if (t == FADUMP_UNKNOWN)
		jadd_null(obj, key);
	else
		jadd_bool(obj, key, t == FADUMP_YES);
}

struct json_object *jval_hex(const void *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	struct json_object *val;
	char *hex;

	/* Device-tree properties are bounded by the library; still, no wrap. */
	if (len > (SIZE_MAX - 1) / 2)
		cli_oom();
	hex = malloc(2 * len + 1);
	if (!hex)
		cli_oom();
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 0xf];
	}
	hex[2 * len] = '\0';
	val = json_object_new_string_len(hex, (int)(2 * len));
	free(hex);
	return checked(val);
}

void json_print(struct json_object *obj)
{
	const char *text;

	text = json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		cli_oom();
	/* A failed write leaves stdout's error flag set; main() reports it. */
	fputs(text, stdout);
	fputc('\n', stdout);
	json_object_put(obj);
}

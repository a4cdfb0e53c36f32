// SPDX-License-Identifier: LGPL-2.1-or-later
/* Strict number parsing for text the kernel prints. */
#include <errno.h>
#include <stdint.h>

#include "internal.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int fadump_parse_u64(const char *s, size_t len, int base, uint64_t *out)
{
	uint64_t val = 0;
	size_t i = 0;

	if (len && s[len - 1] == '\n')
		len--;
	if (base == 0 || base == 16) {
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			i = 2;
			base = 16;
		} else if (base == 0) {
			base = 10;
		}
	}
	if (i >= len)
		return -EINVAL;
	for (; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= base)
			return -EINVAL;
		if (val > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -ERANGE;
		val = val * (uint64_t)base + (uint64_t)d;
	}
	*out = val;
	return 0;
}

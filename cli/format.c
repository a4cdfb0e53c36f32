// SPDX-License-Identifier: LGPL-2.1-or-later
/* Human-readable formatting shared by the commands. */
#include <inttypes.h>
#include <stdio.h>

#include "fadumpctl.h"

const char *format_size(char buf[SIZE_STR_MAX], uint64_t bytes)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;
	uint64_t div = 1;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	/*
	 * Exact multiples print as integers ("320 MiB", the way reservation
	 * sizes are usually given); anything else gets one decimal so that
	 * "256.0 KiB" does not pretend 0x40020 bytes are a round number.
	 */
	if (bytes % div == 0)
		snprintf(buf, SIZE_STR_MAX, "%" PRIu64 " %s", bytes / div,
			 units[u]);
	else
		snprintf(buf, SIZE_STR_MAX, "%.1f %s",
			 (double)bytes / (double)div, units[u]);
	return buf;
}

const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

const char *tristate_word(enum fadump_tristate t)
{
	switch (t) {
	case FADUMP_YES:
		return "yes";
	case FADUMP_NO:
		return "no";
	default:
		return "unknown";
	}
}

void print_hex(FILE *out, const void *data, size_t len, int indent)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		if (i && i % 16 == 0)
			fprintf(out, "\n%*s", indent, "");
		else if (i)
			fputc(' ', out);
		fprintf(out, "%02x", p[i]);
	}
	fputc('\n', out);
}

const char *dump_size_type_name(uint16_t type)
{
	/* The section types of ibm,configure-kernel-dump-sizes Linux reads. */
	switch (type) {
	case 0x0001:
		return "CPU";
	case 0x0002:
		return "HPTE";
	default:
		return NULL;
	}
}

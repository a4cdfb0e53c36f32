// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl regions: the kernel's debugfs region report, parsed by the
 * library.
 *
 * JSON shape. The issue asks for "an array of objects" and also for the
 * "Memory above" and "cmdline append" lines "as separate keys, not as
 * regions"; a bare array has no room for keys, so the document is an
 * object whose "regions" member is that array:
 *
 *   {
 *     "regions": [ { "name", "start", "end", "size", "dumped",
 *                    "source" (only for lines that print Src:),
 *                    "type" (only for name "UNKNOWN": the raw section
 *                            type) } ... ],
 *     "reserved_above": integer | null,
 *     "cmdline_append": string | null,
 *     "cmdline_append_range": [start, end] | null,
 *     "released_bytes": integer | null,   (kernel/patches/0005)
 *     "released_ranges": integer | null
 *   }
 *
 * name is "CPU", "HPTE", "DUMP", "" (the 3.4-5.4 unnamed line for memory
 * held below the dump area) or "UNKNOWN"; start/end are the destination
 * range with end inclusive, as the kernel prints it. These names are a
 * contract for scripts: add keys, never rename.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "fadumpctl.h"
#include "json.h"

static struct json_object *region_json(const struct fadump_region *r)
{
	struct json_object *o = jobj_new();

	jadd_str(o, "name", r->name);
	if (r->type == FADUMP_REGION_UNKNOWN)
		jadd_u64(o, "type", r->raw_type);
	jadd_u64(o, "start", r->start);
	jadd_u64(o, "end", r->end);
	jadd_u64(o, "size", r->length);
	jadd_u64(o, "dumped", r->dumped);
	if (r->has_source)
		jadd_u64(o, "source", r->source);
	return o;
}

static int regions_json(struct cli *cli, const struct fadump_regions *regs)
{
	struct json_object *o = jobj_new(), *arr = jarr_new();
	unsigned int n = fadump_regions_count(regs), nreleased;
	uint64_t above, start, end, released;
	const char *cmdline;

	jadd(o, "regions", arr);
	for (unsigned int i = 0; i < n; i++) {
		struct fadump_region r = { .size = sizeof(r) };
		int ret = fadump_regions_get(regs, i, &r);

		if (ret < 0) {
			json_object_put(o);
			return cli_fail(cli, ret);
		}
		jarr_add(arr, region_json(&r));
	}

	if (fadump_regions_reserved_above(regs, &above) == 0)
		jadd_u64(o, "reserved_above", above);
	else
		jadd_null(o, "reserved_above");

	cmdline = fadump_regions_cmdline_append(regs, &start, &end);
	if (cmdline) {
		struct json_object *range = jarr_new();

		jadd_str(o, "cmdline_append", cmdline);
		jadd(o, "cmdline_append_range", range);
		jarr_add(range, jval_u64(start));
		jarr_add(range, jval_u64(end));
	} else {
		jadd_null(o, "cmdline_append");
		jadd_null(o, "cmdline_append_range");
	}
	if (fadump_regions_released(regs, &released, &nreleased) == 0) {
		jadd_u64(o, "released_bytes", released);
		jadd_u64(o, "released_ranges", nreleased);
	} else {
		jadd_null(o, "released_bytes");
		jadd_null(o, "released_ranges");
	}
	json_print(o);
	return EXIT_OK;
}

static void region_print(const struct fadump_region *r, bool any_source)
{
	char name[16], size[SIZE_STR_MAX], dumped[SIZE_STR_MAX];

	switch (r->type) {
	case FADUMP_REGION_HELD:
		snprintf(name, sizeof(name), "(held)");
		break;
	case FADUMP_REGION_UNKNOWN:
		snprintf(name, sizeof(name), "type %u", r->raw_type);
		break;
	default:
		snprintf(name, sizeof(name), "%s", r->name);
		break;
	}

	/*
	 * The kernel prints no end, size or dumped count for unknown types.
	 * The last column is not padded: no trailing blanks.
	 */
	if (r->type == FADUMP_REGION_UNKNOWN)
		printf("%-8s 0x%016" PRIx64 "  %-18s  %-10s  %-*s", name,
		       r->start, "-", "-", any_source ? 10 : 0, "-");
	else
		printf("%-8s 0x%016" PRIx64 "  0x%016" PRIx64 "  %-10s  %-*s",
		       name, r->start, r->end, format_size(size, r->length),
		       any_source ? 10 : 0, format_size(dumped, r->dumped));
	if (r->has_source)
		printf("  0x%016" PRIx64, r->source);
	else if (any_source)
		printf("  -");
	printf("\n");
}

static int regions_print(struct cli *cli, const struct fadump_regions *regs)
{
	unsigned int n = fadump_regions_count(regs);
	struct fadump_region r = { .size = sizeof(r) };
	bool any_source = false;
	uint64_t above, start, end, released;
	unsigned int nreleased;
	const char *cmdline;
	int ret;

	for (unsigned int i = 0; i < n; i++) {
		ret = fadump_regions_get(regs, i, &r);
		if (ret < 0)
			return cli_fail(cli, ret);
		any_source |= r.has_source;
	}

	cmdline = fadump_regions_cmdline_append(regs, &start, &end);
	if (n == 0 && !cmdline &&
	    fadump_regions_reserved_above(regs, &above) < 0) {
		/* The kernel prints nothing at all when fadump is off. */
		printf("no regions reported (fadump is not enabled)\n");
		return EXIT_OK;
	}

	if (n > 0) {
		printf("%-8s %-18s  %-18s  %-10s  %-*s%s\n", "REGION",
		       "START", "END", "SIZE", any_source ? 10 : 0, "DUMPED",
		       any_source ? "  SOURCE" : "");
		for (unsigned int i = 0; i < n; i++) {
			ret = fadump_regions_get(regs, i, &r);
			if (ret < 0)
				return cli_fail(cli, ret);
			region_print(&r, any_source);
		}
	}
	if (cmdline)
		printf("cmdline append: '%s' (0x%016" PRIx64 "-0x%016" PRIx64 ")\n",
		       cmdline, start, end);
	if (fadump_regions_reserved_above(regs, &above) == 0)
		printf("memory above 0x%016" PRIx64
		       " is reserved for saving the crash dump\n", above);
	if (fadump_regions_released(regs, &released, &nreleased) == 0)
		printf("released early: %#" PRIx64 " bytes in %u ranges\n",
		       released, nreleased);
	return EXIT_OK;
}

int cmd_regions(struct cli *cli, int argc, char **argv)
{
	struct fadump_regions *regs;
	int ret;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);

	ret = fadump_regions_read(cli->ctx, &regs);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (cli->json)
		ret = regions_json(cli, regs);
	else
		ret = regions_print(cli, regs);
	fadump_regions_unref(regs);
	return ret;
}

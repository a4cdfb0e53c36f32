// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl devtree: what the firmware offers, from the device tree.
 *
 * JSON shape (add keys, never rename):
 *   {
 *     "source": "dir" | "fdt",
 *     "platform": "pseries" | "powernv" | "none",
 *     "firmware_support": bool,
 *     "dump_present": bool,
 *     "rtas_token": integer | null,
 *     "dump_sizes": [ { "type": integer, "name": "CPU" | "HPTE" | null,
 *                       "bytes": integer } ... ],
 *     "properties": { "<device-tree path>": { "length": integer,
 *                                             "hex": "00ab..." } | null }
 *   }
 * "properties" lists every property the library knows; null means absent.
 * The hex string always holds every byte (the text output shortens).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "fadumpctl.h"
#include "json.h"

/* Properties up to this long are shown inline without --verbose. */
#define SHORT_PROP_MAX 16

static const char *source_name(enum fadump_dt_source src)
{
	return src == FADUMP_DT_SOURCE_FDT ? "fdt" : "dir";
}

static int devtree_json(struct cli *cli, const struct fadump_devtree *dt)
{
	struct json_object *o = jobj_new(), *sizes, *props;
	int n = fadump_devtree_dump_sizes_count(dt);
	uint32_t token;
	int ret;

	if (n < 0) {
		ret = n;
		goto fail;
	}
	jadd_str(o, "source", source_name(fadump_devtree_source(dt)));
	jadd_str(o, "platform",
		 fadump_platform_name(fadump_devtree_get_platform(dt)));
	jadd_bool(o, "firmware_support", fadump_devtree_firmware_support(dt));
	jadd_bool(o, "dump_present", fadump_devtree_dump_present(dt));
	if (fadump_devtree_rtas_token(dt, &token) == 0)
		jadd_u64(o, "rtas_token", token);
	else
		jadd_null(o, "rtas_token");

	sizes = jarr_new();
	jadd(o, "dump_sizes", sizes);
	for (int i = 0; i < n; i++) {
		const char *name;
		struct json_object *e;
		uint64_t bytes;
		uint16_t type;

		ret = fadump_devtree_dump_size(dt, (unsigned int)i, &type,
					       &bytes);
		if (ret < 0)
			goto fail;
		e = jobj_new();
		jarr_add(sizes, e);
		jadd_u64(e, "type", type);
		name = dump_size_type_name(type);
		if (name)
			jadd_str(e, "name", name);
		else
			jadd_null(e, "name");
		jadd_u64(e, "bytes", bytes);
	}

	props = jobj_new();
	jadd(o, "properties", props);
	for (int p = 0; p < FADUMP_DT_PROP_COUNT; p++) {
		const char *path = fadump_dt_prop_path(p);
		struct json_object *e;
		const void *data;
		size_t len;

		ret = fadump_devtree_get_prop(dt, p, &data, &len);
		if (ret == -ENOENT) {
			jadd_null(props, path);
			continue;
		}
		if (ret < 0)
			goto fail;
		e = jobj_new();
		jadd(props, path, e);
		jadd_u64(e, "length", len);
		jadd(e, "hex", jval_hex(data, len));
	}
	json_print(o);
	return EXIT_OK;

fail:
	json_object_put(o);
	return cli_fail(cli, ret);
}

static int devtree_print(struct cli *cli, const struct fadump_devtree *dt)
{
	int n = fadump_devtree_dump_sizes_count(dt);
	char size[SIZE_STR_MAX], length[32];
	uint32_t token;
	int ret;

	if (n < 0)
		return cli_fail(cli, n);
	printf("source:            %s\n",
	       fadump_devtree_source(dt) == FADUMP_DT_SOURCE_FDT ?
	       "flattened device tree (/sys/firmware/fdt)" :
	       "device-tree directory");
	printf("platform:          %s\n",
	       fadump_platform_name(fadump_devtree_get_platform(dt)));
	printf("firmware support:  %s\n",
	       yes_no(fadump_devtree_firmware_support(dt)));
	printf("dump present:      %s\n",
	       yes_no(fadump_devtree_dump_present(dt)));
	if (fadump_devtree_rtas_token(dt, &token) == 0)
		printf("RTAS token:        0x%08" PRIx32 "\n", token);

	if (n > 0)
		printf("dump sizes (ibm,configure-kernel-dump-sizes):\n");
	for (int i = 0; i < n; i++) {
		const char *name;
		uint64_t bytes;
		uint16_t type;

		ret = fadump_devtree_dump_size(dt, (unsigned int)i, &type,
					       &bytes);
		if (ret < 0)
			return cli_fail(cli, ret);
		name = dump_size_type_name(type);
		printf("  %-8s 0x%04x  0x%" PRIx64 " bytes (%s)\n",
		       name ? name : "unknown", type, bytes,
		       format_size(size, bytes));
	}

	printf("properties:\n");
	for (int p = 0; p < FADUMP_DT_PROP_COUNT; p++) {
		const char *path = fadump_dt_prop_path(p);
		const void *data;
		size_t len;

		ret = fadump_devtree_get_prop(dt, p, &data, &len);
		if (ret == -ENOENT) {
			printf("  %-40s %10s\n", path, "absent");
			continue;
		}
		if (ret < 0)
			return cli_fail(cli, ret);
		snprintf(length, sizeof(length), "%zu bytes", len);
		printf("  %-40s %10s", path, length);
		if (len > 0 && len <= SHORT_PROP_MAX) {
			printf("  ");
			print_hex(stdout, data, len, 55);
		} else if (len > 0 && cli->verbose) {
			printf("\n    ");
			print_hex(stdout, data, len, 4);
		} else {
			printf("\n");
		}
	}
	return EXIT_OK;
}

int cmd_devtree(struct cli *cli, int argc, char **argv)
{
	struct fadump_devtree *dt;
	int ret;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);

	ret = fadump_devtree_read(cli->ctx, cli->dt_source, &dt);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (cli->json)
		ret = devtree_json(cli, dt);
	else
		ret = devtree_print(cli, dt);
	fadump_devtree_unref(dt);
	return ret;
}

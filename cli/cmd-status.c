// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl status: one fadump_status_read() plus the bootargs_append
 * string, as text or as the JSON object whose key names are a contract
 * (see the "status --json" list in the project's issue): never rename a
 * key, only add new ones. The OPAL core's keys (opalcore_present,
 * opalcore_size, opalcore_release_available) are there on PowerNV only.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "fadumpctl.h"
#include "json.h"

static void status_json_fill(struct json_object *o,
			     const struct fadump_status *st,
			     const char *bootargs)
{
	jadd_str(o, "platform", fadump_platform_name(st->platform));
	jadd_bool(o, "firmware_support", st->firmware_support);
	jadd_bool(o, "kernel_support", st->kernel_support);
	jadd_tristate(o, "enabled", st->enabled);
	jadd_tristate(o, "registered", st->registered);
	jadd_bool(o, "dump_active", st->dump_active);
	if (st->mem_reserved < 0)
		jadd_null(o, "mem_reserved");
	else
		jadd_u64(o, "mem_reserved", (uint64_t)st->mem_reserved);
	jadd_tristate(o, "hotplug_ready", st->hotplug_ready);
	if (bootargs)
		jadd_str(o, "bootargs_append", bootargs);
	else
		jadd_null(o, "bootargs_append");
	jadd_str(o, "sysfs_layout", fadump_sysfs_layout_name(st->sysfs_layout));
	/* Additions beyond the contract. */
	jadd_bool(o, "bootargs_append_supported", st->bootargs_append_supported);
	jadd_bool(o, "vmcore_present", st->vmcore_present);
	jadd_bool(o, "release_available", st->release_available);
	jadd_bool(o, "release_range_available", st->release_range_available);
	jadd_bool(o, "crash_info_available", st->crash_info_available);
	/* PowerNV only: no other platform has an OPAL core. */
	if (st->platform != FADUMP_PLATFORM_POWERNV)
		return;
	jadd_bool(o, "opalcore_present", st->opalcore_present);
	if (st->opalcore_size < 0)
		jadd_null(o, "opalcore_size");
	else
		jadd_u64(o, "opalcore_size", (uint64_t)st->opalcore_size);
	jadd_bool(o, "opalcore_release_available",
		  st->opalcore_release_available);
}

static void status_print(const struct fadump_status *st, const char *bootargs)
{
	char size[SIZE_STR_MAX];

	printf("platform:           %s\n", fadump_platform_name(st->platform));
	printf("firmware support:   %s\n", yes_no(st->firmware_support));
	printf("kernel support:     %s\n", yes_no(st->kernel_support));
	printf("sysfs layout:       %s\n",
	       fadump_sysfs_layout_name(st->sysfs_layout));
	printf("enabled:            %s\n", tristate_word(st->enabled));
	printf("registered:         %s\n", tristate_word(st->registered));
	printf("dump active:        %s\n", yes_no(st->dump_active));
	if (st->mem_reserved < 0)
		printf("memory reserved:    unknown\n");
	else
		printf("memory reserved:    %" PRId64 " bytes (%s)\n",
		       st->mem_reserved,
		       format_size(size, (uint64_t)st->mem_reserved));
	printf("hotplug ready:      %s\n", tristate_word(st->hotplug_ready));
	if (bootargs)
		printf("bootargs append:    '%s'\n", bootargs);
	else
		printf("bootargs append:    not supported by this kernel\n");
	printf("vmcore present:     %s\n", yes_no(st->vmcore_present));
	printf("release available:  %s\n", yes_no(st->release_available));
	if (st->release_range_available || st->crash_info_available)
		printf("release_range:      %s\ncrash_info:         %s\n",
		       yes_no(st->release_range_available),
		       yes_no(st->crash_info_available));
	if (st->platform != FADUMP_PLATFORM_POWERNV)
		return;
	if (st->opalcore_present)
		printf("OPAL core:          %" PRId64 " bytes (%s)\n",
		       st->opalcore_size,
		       format_size(size, (uint64_t)st->opalcore_size));
	else
		printf("OPAL core:          %s\n", st->opalcore_release_available ?
		       "released" : "none");
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	struct fadump_status st = { .size = sizeof(st) };
	char *bootargs = NULL;
	int ret;

	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);

	ret = fadump_status_read(cli->ctx, &st);
	if (ret < 0)
		return cli_fail(cli, ret);
	/* No attribute (older kernel, powernv) is "null", not a failure. */
	ret = fadump_bootargs_append_get(cli->ctx, &bootargs);
	if (ret < 0 && ret != -EOPNOTSUPP)
		return cli_fail(cli, ret);

	if (cli->json) {
		struct json_object *o = jobj_new();

		status_json_fill(o, &st, bootargs);
		json_print(o);
	} else {
		status_print(&st, bootargs);
	}
	free(bootargs);
	return EXIT_OK;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl read ADDR LEN [--virt] [VMCORE]: the crashed kernel's memory
 * in hex, as "hexdump -C" prints it: the address, 16 bytes in two groups
 * of eight, the printable ones between bars.
 *
 * ADDR is a number (0x for hex) or a VMCOREINFO symbol, NAME or
 * NAME+OFFSET ("init_uts_ns+130"), which is a kernel virtual address: a
 * symbol implies --virt. Without --virt, ADDR is physical. Without
 * VMCORE, /proc/vmcore under the root.
 *
 * JSON keys (add, never rename):
 *
 *   { "path": string, "address": integer, "virtual": bool,
 *     "physical": integer,       (the first byte's physical address)
 *     "length": integer, "hex": string (two lower-case digits a byte) }
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fadumpctl.h"
#include "json.h"

/* Reads above this are refused: a dump tool, not a copy tool. */
#define READ_MAX	(64u << 20)

static int parse_number(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/* NAME or NAME+OFFSET through VMCOREINFO's SYMBOL(NAME). */
static int symbol_address(struct cli *cli, struct fadump_vmcore *vm,
			  const char *arg, uint64_t *addr)
{
	char name[128], key[160];
	const char *plus = strchr(arg, '+'), *value;
	uint64_t off = 0, base;
	size_t len = plus ? (size_t)(plus - arg) : strlen(arg);
	int ret;

	if (len == 0 || len >= sizeof(name) ||
	    (plus && parse_number(plus + 1, &off) < 0))
		return cli_usage_error(cli, "'%s' is neither an address nor "
				       "SYMBOL[+OFFSET]", arg);
	memcpy(name, arg, len);
	name[len] = '\0';
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	ret = fadump_vmcore_vmcoreinfo_lookup(vm, key, &value);
	if (ret < 0)
		return cli_fail(cli, ret);
	/* "%lx" without 0x, as the kernel prints it */
	errno = 0;
	base = strtoull(value, NULL, 16);
	if (errno) {
		fprintf(stderr, "fadumpctl: read: VMCOREINFO %s=%s is not an "
			"address\n", key, value);
		return EXIT_FAILED;
	}
	*addr = base + off;
	return EXIT_OK;
}

static void print_dump(uint64_t addr, const unsigned char *p, size_t len)
{
	for (size_t line = 0; line < len; line += 16) {
		size_t n = len - line < 16 ? len - line : 16;

		printf("%016" PRIx64 " ", addr + line);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				putchar(' ');
			if (i < n)
				printf(" %02x", p[line + i]);
			else
				printf("   ");
		}
		printf("  |");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = p[line + i];

			putchar(c >= ' ' && c < 0x7f ? c : '.');
		}
		printf("|\n");
	}
}

int cmd_read(struct cli *cli, int argc, char **argv)
{
	struct fadump_vmcore *vm;
	uint64_t addr = 0, len, paddr;
	bool virt = cli->virt;
	unsigned char *buf;
	int ret, status;

	if (argc < 2)
		return cli_usage_error(cli, "ADDR and LEN are needed");
	if (argc > 3)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[3]);
	if (parse_number(argv[1], &len) < 0 || len == 0 || len > READ_MAX)
		return cli_usage_error(cli, "LEN '%s' is not a length of 1 to %u "
				       "bytes", argv[1], READ_MAX);
	ret = fadump_vmcore_open(cli->ctx, argc > 2 ? argv[2] : NULL, &vm);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (parse_number(argv[0], &addr) < 0) {
		status = symbol_address(cli, vm, argv[0], &addr);
		if (status != EXIT_OK)
			goto out;
		virt = true;
	}
	buf = malloc((size_t)len);
	if (!buf)
		cli_oom();
	ret = virt ? fadump_vmcore_read_virt(vm, addr, buf, (size_t)len) :
		     fadump_vmcore_read(vm, addr, buf, (size_t)len);
	if (ret == 0 && virt)
		ret = fadump_vmcore_virt_to_phys(vm, addr, &paddr);
	else
		paddr = addr;
	if (ret < 0) {
		status = cli_fail(cli, ret);
	} else if (cli->json) {
		struct json_object *o = jobj_new();

		jadd_str(o, "path", fadump_vmcore_get_path(vm));
		jadd_u64(o, "address", addr);
		jadd_bool(o, "virtual", virt);
		jadd_u64(o, "physical", paddr);
		jadd_u64(o, "length", len);
		jadd(o, "hex", jval_hex(buf, (size_t)len));
		json_print(o);
		status = EXIT_OK;
	} else {
		if (cli->verbose && virt)
			fprintf(stderr, "fadumpctl: read: virtual %#" PRIx64
				" is physical %#" PRIx64 "\n", addr, paddr);
		print_dump(addr, buf, (size_t)len);
		status = EXIT_OK;
	}
	free(buf);
out:
	fadump_vmcore_unref(vm);
	return status;
}

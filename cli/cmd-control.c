// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl register, unregister, reregister, release and bootargs. The
 * library writes the sysfs attribute and verifies the result by reading it
 * back, so success here means the state really changed; the command only
 * says so (a line of text, or with --json an object with the new state).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fadumpctl.h"
#include "json.h"

static int no_args(struct cli *cli, int argc, char **argv)
{
	if (argc > 0)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[0]);
	return EXIT_OK;
}

static int report(struct cli *cli, const char *key, bool val,
		  const char *text)
{
	if (cli->json) {
		struct json_object *o = jobj_new();

		jadd_bool(o, key, val);
		json_print(o);
	} else {
		printf("%s\n", text);
	}
	return EXIT_OK;
}

int cmd_register(struct cli *cli, int argc, char **argv)
{
	int ret = no_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_register(cli->ctx);
	if (ret < 0)
		return cli_fail(cli, ret);
	return report(cli, "registered", true, "registered with firmware");
}

int cmd_unregister(struct cli *cli, int argc, char **argv)
{
	int ret = no_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_unregister(cli->ctx);
	if (ret < 0)
		return cli_fail(cli, ret);
	return report(cli, "registered", false, "unregistered from firmware");
}

int cmd_reregister(struct cli *cli, int argc, char **argv)
{
	int ret = no_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_reregister(cli->ctx);
	if (ret < 0)
		return cli_fail(cli, ret);
	return report(cli, "registered", true, "registered again with firmware");
}

int cmd_release(struct cli *cli, int argc, char **argv)
{
	int ret = no_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_release(cli->ctx);
	if (ret < 0)
		return cli_fail(cli, ret);
	return report(cli, "released", true,
		      "dump memory released to the system");
}

static void print_bootargs(struct cli *cli, const char *args)
{
	if (cli->json) {
		struct json_object *o = jobj_new();

		jadd_str(o, "bootargs_append", args);
		json_print(o);
	} else {
		/* Bare, so that $(fadumpctl bootargs) is the string itself. */
		printf("%s\n", args);
	}
}

static int bootargs_get(struct cli *cli)
{
	char *args = NULL;
	int ret;

	ret = fadump_bootargs_append_get(cli->ctx, &args);
	if (ret < 0)
		return cli_fail(cli, ret);
	print_bootargs(cli, args);
	free(args);
	return EXIT_OK;
}

/*
 * "bootargs set nr_cpus=16 numa=off" and "bootargs set 'nr_cpus=16
 * numa=off'" mean the same; "bootargs set ''" clears the string. The
 * library checks the length against what the kernel accepts.
 */
static int bootargs_set(struct cli *cli, int argc, char **argv)
{
	size_t len = 0;
	char *args, *p;
	int ret;

	if (argc == 0)
		return cli_usage_error(cli,
			"set needs the arguments ('' to clear them)");
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;	/* separator or NUL */

		if (n > SIZE_MAX - len)
			cli_oom();
		len += n;
	}
	args = malloc(len);
	if (!args)
		cli_oom();
	p = args;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(p, argv[i], n);
		p += n;
		*p++ = i + 1 < argc ? ' ' : '\0';
	}

	ret = fadump_bootargs_append_set(cli->ctx, args);
	if (ret < 0) {
		free(args);
		return cli_fail(cli, ret);
	}
	if (cli->json)
		print_bootargs(cli, args);
	else
		printf("bootargs_append set to '%s'\n", args);
	free(args);
	return EXIT_OK;
}

int cmd_bootargs(struct cli *cli, int argc, char **argv)
{
	if (argc == 0 || strcmp(argv[0], "get") == 0) {
		if (argc > 1)
			return cli_usage_error(cli, "unexpected argument '%s'",
					       argv[1]);
		return bootargs_get(cli);
	}
	if (strcmp(argv[0], "set") == 0)
		return bootargs_set(cli, argc - 1, argv + 1);
	return cli_usage_error(cli, "unknown subcommand '%s' (get or set)",
			       argv[0]);
}

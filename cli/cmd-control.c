// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl register, unregister, reregister, release and bootargs. The
 * library writes the sysfs attribute and verifies the result by reading it
 * back, so success here means the state really changed; the command only
 * says so (a line of text, or with --json an object with the new state).
 *
 * register and reregister also apply the configuration's bootargs_append
 * (fadump.conf under the root, or --config), after the registration: a
 * registration is what makes a crash recoverable at all, so a bad extra
 * argument must not stand in its way. It fails the command afterwards.
 */
#include <errno.h>
#include <inttypes.h>
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

/*
 * Set the configured capture-kernel arguments if they differ from what
 * the kernel holds. EXIT_OK also when the configuration sets none, or
 * the kernel has no bootargs_append (said on stderr: not silent).
 */
static int apply_bootargs(struct cli *cli)
{
	struct cli_config cfg = { 0 };
	char *now = NULL;
	int ret, status;

	status = cli_load_config(cli, &cfg);
	if (status != EXIT_OK || !cfg.bootargs_append)
		goto out;
	ret = fadump_bootargs_append_get(cli->ctx, &now);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "fadumpctl: %s: bootargs_append from the "
			"configuration not applied: %s\n", cli->cmd,
			fadump_ctx_get_error(cli->ctx));
		goto out;
	}
	if (ret == 0 && strcmp(now, cfg.bootargs_append) == 0)
		goto out;
	if (ret == 0)
		ret = fadump_bootargs_append_set(cli->ctx, cfg.bootargs_append);
	if (ret < 0)
		status = cli_fail(cli, ret);
out:
	free(now);
	cli_config_free(&cfg);
	return status;
}

static int registered(struct cli *cli, const char *text)
{
	int status = apply_bootargs(cli);

	if (status != EXIT_OK) {
		fprintf(stderr, "fadumpctl: %s: %s all the same\n", cli->cmd, text);
		return status;
	}
	return report(cli, "registered", true, text);
}

int cmd_register(struct cli *cli, int argc, char **argv)
{
	int ret = no_args(cli, argc, argv);

	if (ret != EXIT_OK)
		return ret;
	ret = fadump_register(cli->ctx);
	if (ret < 0)
		return cli_fail(cli, ret);
	return registered(cli, "registered with firmware");
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
	return registered(cli, "registered again with firmware");
}

/* "0x..." or decimal, the whole string, no sign. */
static int parse_u64_arg(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

/* release --range START SIZE */
static int release_range(struct cli *cli, int argc, char **argv)
{
	uint64_t start, size;
	int ret;

	if (argc != 2)
		return cli_usage_error(cli, "--range takes START SIZE");
	if (parse_u64_arg(argv[0], &start) < 0)
		return cli_usage_error(cli, "START '%s' is not a number", argv[0]);
	if (parse_u64_arg(argv[1], &size) < 0)
		return cli_usage_error(cli, "SIZE '%s' is not a number", argv[1]);
	ret = fadump_release_range(cli->ctx, start, size);
	if (ret < 0)
		return cli_fail(cli, ret);
	if (cli->json) {
		struct json_object *o = jobj_new();

		jadd_u64(o, "start", start);
		jadd_u64(o, "size", size);
		jadd_bool(o, "released", true);
		json_print(o);
	} else {
		printf("released %#" PRIx64 " bytes at %#" PRIx64 "\n", size,
		       start);
	}
	return EXIT_OK;
}

int cmd_release(struct cli *cli, int argc, char **argv)
{
	int ret;

	if (cli->range)
		return release_range(cli, argc, argv);
	ret = no_args(cli, argc, argv);
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

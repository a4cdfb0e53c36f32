// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl: report and control firmware-assisted dump on IBM POWER.
 *
 * This file holds the command table, option parsing and the mapping from
 * library errors to exit status; the commands live in cmd-*.c. Global
 * options may come before or after the command name (ndctl and nvme-cli
 * habits both work); "--" ends option parsing for bootargs strings that
 * start with '-'.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "fadumpctl.h"

static int cmd_help(struct cli *cli, int argc, char **argv);

static const struct cli_command commands[] = {
	{ "status", cmd_status, NULL,
	  "show support, enabled/registered state, reservation", true },
	{ "register", cmd_register, NULL,
	  "register with firmware (no-op if registered)", true },
	{ "unregister", cmd_unregister, NULL,
	  "unregister from firmware (no-op if not registered)", true },
	{ "reregister", cmd_reregister, NULL,
	  "register again, e.g. after memory hotplug", true },
	{ "release", cmd_release, "[--range START SIZE]",
	  "capture boot: give the dump's memory back", true },
	{ "regions", cmd_regions, NULL,
	  "show the kernel's region report (debugfs)", true },
	{ "devtree", cmd_devtree, NULL,
	  "show what the firmware offers (device tree)", true },
	{ "bootargs", cmd_bootargs, "[get|set ARGS]",
	  "show or set extra capture-kernel arguments", true },
	/* vmcore commands */
	{ "info", cmd_info, "[VMCORE]",
	  "what a crash dump is (ELF or kdump; default /proc/vmcore)", true },
	{ "save", cmd_save, "[DEST]",
	  "save the dump to DEST/vmcore (filtered, compressed, durable)", true },
	{ "dmesg", cmd_dmesg, "[VMCORE]",
	  "the crashed kernel's log (default: /proc/vmcore)", true },
	{ "read", cmd_read, "ADDR LEN [VMCORE]",
	  "the crashed kernel's memory in hex (see below)", true },
	/* crash metadata commands */
	{ "metadata", cmd_metadata, NULL,
	  "decode the firmware's dump structures (ibm,kernel-dump)", true },
	{ "check", cmd_check, NULL,
	  "one line: is the waiting dump complete and usable", true },
	{ "crashinfo", cmd_crashinfo, NULL,
	  "crash-info header and register save area (/proc/kcore)", true },
	{ "decode", cmd_decode, "TYPE FILE [ARGS]",
	  "decode a dump structure from a file (see below)", true },
	{ "help", cmd_help, NULL, "show this help", false },
};

static const char *progname = "fadumpctl";

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: %s [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"Report and control Linux firmware-assisted dump (fadump) on IBM POWER.\n"
		"\n"
		"Commands:\n", progname);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char name[48];

		snprintf(name, sizeof(name), "%s%s%s", commands[i].name,
			 commands[i].args ? " " : "",
			 commands[i].args ? commands[i].args : "");
		fprintf(out, "  %-24s %s\n", name, commands[i].help);
	}
	fprintf(out,
		"\n"
		"Options (before or after the command):\n"
		"  -r, --root DIR      resolve every system path under DIR instead of /\n"
		"                      (default: $FADUMP_ROOT if set and not empty, else /)\n"
		"  -j, --json          JSON output for scripts\n"
		"  -v, --verbose       more detail (devtree: all property bytes); twice:\n"
		"                      library debug log on stderr\n"
		"      --source WHERE  devtree: auto, dir (/proc/device-tree) or fdt\n"
		"                      (/sys/firmware/fdt); default auto\n"
		"                      save: the vmcore to copy (default /proc/vmcore\n"
		"                      under the root)\n"
		"      --release[=MODE]  save: give the dump's memory back: auto (the\n"
		"                      default) releases each part once it is on disk\n"
		"                      where the kernel has release_range, else all\n"
		"                      after the copy; ranges: part by part or fail;\n"
		"                      end: all after the copy\n"
		"      --force         save: accept a DEST others can write to\n"
		"      --keep-opalcore save (PowerNV): do not release the OPAL core\n"
		"                      saved as DEST/opalcore, even with --release\n"
		"      --level N       save: leave out what makedumpfile -d N does (bits:\n"
		"                      1 zero, 2 cache, 4 cache with private data,\n"
		"                      8 user, 16 free pages); default 31, 0 keeps all\n"
		"      --format F      save: kdump (makedumpfile's compressed format,\n"
		"                      the default) or elf; --level 0 --format elf is\n"
		"                      the full raw copy\n"
		"      --compress C    save --format kdump: zstd (the default where the\n"
		"                      library has it, else zlib), zlib, lzo or none\n"
		"      --threads N     save: compression threads; 0 or auto (the\n"
		"                      default): one per online CPU\n"
		"      --range         release: START SIZE, one page-aligned range\n"
		"                      (kernel with release_range)\n"
		"  -c, --config FILE   configuration (default: etc/fadump.conf under the\n"
		"                      root): save without DEST, register's bootargs\n"
		"      --registers     info: the CPUs' registers (NT_PRSTATUS notes)\n"
		"      --cpu N         info --registers: CPU number N only (note order)\n"
		"      --pages         info: count the dump's pages by class (free,\n"
		"                      cache, anon, slab, ... from their struct pages)\n"
		"      --zero          info --pages: read the pages, count all-zero ones\n"
		"      --virt          read: ADDR is a kernel virtual address\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the library version\n"
		"\n"
		"decode TYPEs (FILE is read as given, not under --root):\n"
		"  kernel-dump FILE            pseries ibm,kernel-dump bytes\n"
		"  regsave FILE                pseries register save area (CPU state)\n"
		"  hdat FILE THREAD_SIZE       powernv HDAT thread register data\n"
		"  crashinfo FILE [ADDR [PT_REGS_SIZE]]  crash-info header; ADDR: where\n"
		"                              it was read from (finds an old header's\n"
		"                              cpumask)\n"
		"  opal-fdm FILE [be|le]       powernv kernel metadata\n"
		"  opal-cpu FILE               powernv firmware CPU metadata\n"
		"  (check exits 1 unless the dump is complete, or unverifiable on\n"
		"  powernv but published by the kernel)\n"
		"\n"
		"read ADDR LEN [VMCORE]: LEN bytes at physical address ADDR (0x for\n"
		"  hex), or with --virt at a kernel virtual address, as hexdump -C\n"
		"  prints them; ADDR may be a VMCOREINFO symbol, NAME[+OFFSET], which\n"
		"  implies --virt (e.g. read init_uts_ns+130 65)\n"
		"\n"
		"Exit status:\n"
		"  0  success\n"
		"  1  the operation failed (kernel or firmware refused, bad data, I/O)\n"
		"  2  usage error (unknown command or option, bad arguments or root)\n"
		"  3  not supported: no fadump in this kernel or firmware, or the\n"
		"     kernel lacks the feature\n"
		"  4  permission denied (writing needs root)\n"
		"\n"
		"Example without POWER hardware, from the source tree:\n"
		"  %s --root tests/data/roots/pseries-7.2-capture status\n"
		"\n"
		"save without DEST saves to a directory named after the crash time\n"
		"under the configured dest, with the configured level, format,\n"
		"compress and threads, releasing as the configured policy says;\n"
		"options given override the file.\n",
		progname);
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	(void)argc;
	(void)argv;
	print_help(stdout);
	return EXIT_OK;
}

int cli_exit_code(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case -ENODEV:
	case -EOPNOTSUPP:
		return EXIT_UNSUPPORTED;
	case -EACCES:
		return EXIT_ACCESS;
	default:
		return EXIT_FAILED;
	}
}

int cli_fail(const struct cli *cli, int err)
{
	const char *msg = cli->ctx ? fadump_ctx_get_error(cli->ctx) : "";

	/* The library names the file or value at fault; errno is the fallback. */
	if (!*msg)
		msg = strerror(-err);
	fprintf(stderr, "%s: %s: %s\n", progname, cli->cmd, msg);
	return cli_exit_code(err);
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list args;

	fprintf(stderr, "%s: ", progname);
	if (cli && cli->cmd)
		fprintf(stderr, "%s: ", cli->cmd);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, " (see '%s --help')\n", progname);
	return EXIT_USAGE;
}

void cli_oom(void)
{
	fprintf(stderr, "%s: out of memory\n", progname);
	exit(EXIT_FAILED);
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int parse_source(const char *arg, enum fadump_dt_source *src)
{
	if (strcmp(arg, "auto") == 0)
		*src = FADUMP_DT_SOURCE_AUTO;
	else if (strcmp(arg, "dir") == 0)
		*src = FADUMP_DT_SOURCE_DIR;
	else if (strcmp(arg, "fdt") == 0)
		*src = FADUMP_DT_SOURCE_FDT;
	else
		return -EINVAL;
	return 0;
}

/*
 * The library wants an absolute root; people type relative ones
 * ("--root tests/data/roots/..."), so resolve here. An unusable root is
 * a usage error: nothing was attempted yet.
 */
static int open_ctx(struct cli *cli, const char *root)
{
	char abs[PATH_MAX];
	int ret;

	if (root && strcmp(root, "/") != 0) {
		if (!realpath(root, abs)) {
			fprintf(stderr, "%s: cannot use root '%s': %s\n",
				progname, root, strerror(errno));
			return EXIT_USAGE;
		}
		root = abs;
	}
	ret = fadump_ctx_new(root, &cli->ctx);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot use root '%s': %s\n", progname,
			root ? root : "/", strerror(-ret));
		return ret == -ENOMEM ? EXIT_FAILED : EXIT_USAGE;
	}
	/* -v keeps the library quiet unless FADUMP_LOG asked for more; -vv debugs. */
	if (cli->verbose > 1 &&
	    fadump_ctx_get_log_priority(cli->ctx) < LOG_DEBUG)
		fadump_ctx_set_log_priority(cli->ctx, LOG_DEBUG);
	return EXIT_OK;
}

/* Flush stdout and report a failed write (full disk, closed pipe). */
static int finish_output(int status)
{
	int err = 0;

	if (fflush(stdout) == EOF)
		err = errno;
	else if (ferror(stdout))
		err = EIO;
	if (!err)
		return status;
	fprintf(stderr, "%s: writing output: %s\n", progname, strerror(err));
	return status == EXIT_OK ? EXIT_FAILED : status;
}

enum { OPT_SOURCE = 0x100, OPT_RELEASE, OPT_REGISTERS, OPT_CPU, OPT_FORCE,
       OPT_RANGE, OPT_PAGES, OPT_ZERO, OPT_VIRT, OPT_KEEP_OPALCORE,
       /* save's settings, in the order of enum cli_save_setting */
       OPT_LEVEL, OPT_FORMAT, OPT_COMPRESS, OPT_THREADS };

/*
 * One of save's --level, --format, --compress, --threads (@opt, in the
 * order of enum cli_save_setting) into cli->save, with the parsers and
 * words of the configuration file's keys.
 */
static int parse_save_option(struct cli *cli, int opt, const char *arg)
{
	enum cli_save_setting setting = (enum cli_save_setting)(opt - OPT_LEVEL);

	if (cli_save_key_parse(setting, arg, strlen(arg), &cli->save) < 0)
		return cli_usage_error(NULL, "--%s: '%s' is not %s",
				       cli_save_keys[setting].name, arg,
				       cli_save_keys[setting].expected);
	cli->save_given |= 1u << setting;
	return EXIT_OK;
}

static int parse_release(const char *arg, enum cli_release_policy *mode)
{
	if (!arg || strcmp(arg, "auto") == 0)
		*mode = CLI_RELEASE_AUTO;
	else if (strcmp(arg, "ranges") == 0)
		*mode = CLI_RELEASE_RANGES;
	else if (strcmp(arg, "end") == 0)
		*mode = CLI_RELEASE_END;
	else
		return -EINVAL;
	return 0;
}

int cli_load_config(const struct cli *cli, struct cli_config *cfg)
{
	const char *root = fadump_ctx_get_root(cli->ctx);
	char path[PATH_MAX], err[512];
	int ret;

	if (cli->config_path)
		snprintf(path, sizeof(path), "%s", cli->config_path);
	else if ((size_t)snprintf(path, sizeof(path), "%s" CLI_CONFIG_DEFAULT_PATH,
				  strcmp(root, "/") ? root : "") >= sizeof(path))
		return cli_usage_error(cli, "root path too long for the configuration file");
	ret = cli_config_load(path, cli->config_path != NULL, cfg, err,
			      sizeof(err));
	if (ret == 0)
		return EXIT_OK;
	fprintf(stderr, "%s: %s: %s\n", progname, cli->cmd, err);
	if (ret == -EACCES)
		return EXIT_ACCESS;
	/* a compressor this build lacks, as --compress says it */
	return ret == -EOPNOTSUPP ? EXIT_UNSUPPORTED : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "release", optional_argument, NULL, OPT_RELEASE },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "keep-opalcore", no_argument, NULL, OPT_KEEP_OPALCORE },
		{ "range", no_argument, NULL, OPT_RANGE },
		{ "config", required_argument, NULL, 'c' },
		{ "registers", no_argument, NULL, OPT_REGISTERS },
		{ "cpu", required_argument, NULL, OPT_CPU },
		{ "pages", no_argument, NULL, OPT_PAGES },
		{ "zero", no_argument, NULL, OPT_ZERO },
		{ "virt", no_argument, NULL, OPT_VIRT },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "compress", required_argument, NULL, OPT_COMPRESS },
		{ "threads", required_argument, NULL, OPT_THREADS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .dt_source = FADUMP_DT_SOURCE_AUTO, .cpu = -1 };
	char *end;
	const struct cli_command *cmd;
	const char *root, *source = NULL;
	bool show_help = false, show_version = false;
	int opt, status;

	/* Default root: $FADUMP_ROOT lets a whole shell session use a fixture. */
	root = getenv("FADUMP_ROOT");
	if (root && !*root)
		root = NULL;

	opterr = 0;	/* our own one-line messages instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":r:jvhVc:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			root = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'v':
			cli.verbose++;
			break;
		case OPT_SOURCE:
			source = optarg;	/* its meaning depends on the command */
			break;
		case OPT_RELEASE:
			cli.release_given = true;
			if (parse_release(optarg, &cli.release) < 0)
				return cli_usage_error(NULL,
					"--release=%s: not auto, ranges or end", optarg);
			break;
		case OPT_FORCE:
			cli.force = true;
			break;
		case OPT_KEEP_OPALCORE:
			cli.keep_opalcore = true;
			break;
		case OPT_RANGE:
			cli.range = true;
			break;
		case 'c':
			cli.config_path = optarg;
			break;
		case OPT_REGISTERS:
			cli.registers = true;
			break;
		case OPT_CPU:
			errno = 0;
			cli.cpu = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || cli.cpu < 0 ||
			    cli.cpu > 65535)
				return cli_usage_error(NULL,
					"--cpu: '%s' is not a CPU number", optarg);
			break;
		case OPT_PAGES:
			cli.pages = true;
			break;
		case OPT_ZERO:
			cli.zero = true;
			break;
		case OPT_VIRT:
			cli.virt = true;
			break;
		case OPT_LEVEL:
		case OPT_FORMAT:
		case OPT_COMPRESS:
		case OPT_THREADS:
			status = parse_save_option(&cli, opt, optarg);
			if (status != EXIT_OK)
				return status;
			break;
		case 'h':
			show_help = true;
			break;
		case 'V':
			show_version = true;
			break;
		case ':':
			return cli_usage_error(NULL, "option '%s' needs an argument",
					       argv[optind - 1]);
		default:
			if (optopt)
				return cli_usage_error(NULL, "unknown option '-%c'",
						       optopt);
			return cli_usage_error(NULL, "unknown option '%s'",
					       argv[optind - 1]);
		}
	}

	if (show_help) {
		print_help(stdout);
		return finish_output(EXIT_OK);
	}
	if (show_version) {
		printf("%s %s\n", progname, fadump_version());
		return finish_output(EXIT_OK);
	}
	if (optind >= argc)
		return cli_usage_error(NULL, "no command given");

	cmd = find_command(argv[optind]);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", argv[optind]);
	cli.cmd = cmd->name;
	if (source && cmd->fn == cmd_devtree) {
		if (parse_source(source, &cli.dt_source) < 0)
			return cli_usage_error(NULL,
				"--source: '%s' is not auto, dir or fdt", source);
	} else if (source && cmd->fn == cmd_save) {
		cli.vmcore_source = source;
	} else if (source) {
		return cli_usage_error(&cli, "--source applies to devtree and save only");
	}
	if ((cli.release_given || cli.force) && cmd->fn != cmd_save)
		return cli_usage_error(&cli, "--release and --force apply to save only");
	if (cli.keep_opalcore && cmd->fn != cmd_save)
		return cli_usage_error(&cli, "--keep-opalcore applies to save only");
	if (cli.save_given && cmd->fn != cmd_save)
		return cli_usage_error(&cli, "--level, --format, --compress and "
				       "--threads apply to save only");
	if (cli.range && cmd->fn != cmd_release)
		return cli_usage_error(&cli, "--range applies to release only");
	if ((cli.registers || cli.cpu >= 0) && cmd->fn != cmd_info)
		return cli_usage_error(&cli, "--registers and --cpu apply to info only");
	if (cli.cpu >= 0 && !cli.registers)
		return cli_usage_error(&cli, "--cpu needs --registers");
	if ((cli.pages || cli.zero) && cmd->fn != cmd_info)
		return cli_usage_error(&cli, "--pages and --zero apply to info only");
	if (cli.zero && !cli.pages)
		return cli_usage_error(&cli, "--zero needs --pages");
	if (cli.pages && cli.registers)
		return cli_usage_error(&cli, "--pages and --registers exclude each other");
	if (cli.virt && cmd->fn != cmd_read)
		return cli_usage_error(&cli, "--virt applies to read only");

	if (cmd->needs_ctx) {
		status = open_ctx(&cli, root);
		if (status != EXIT_OK)
			return status;
	}
	status = cmd->fn(&cli, argc - optind - 1, argv + optind + 1);
	fadump_ctx_unref(cli.ctx);
	return finish_output(status);
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fadumpctl internals shared by the command files. The command is a thin
 * shell over libfadump: every fact it prints comes from the public API,
 * these files only choose words and layout.
 */
#ifndef FADUMPCTL_H
#define FADUMPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "fadump.h"

/*
 * Exit status, a stable contract for scripts (also listed in --help):
 *   0  success
 *   1  the operation failed: kernel or firmware refused, malformed data,
 *      I/O error, no region report, ...
 *   2  usage error: unknown command or option, wrong arguments, unusable
 *      --root
 *   3  not supported here: the kernel or firmware has no fadump, or lacks
 *      the feature asked for (-ENODEV, -EOPNOTSUPP)
 *   4  permission denied: writing needs root (-EACCES)
 * Scripts can then tell "try again as root" and "this machine cannot do
 * it" apart from a genuine failure without parsing the message.
 */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_UNSUPPORTED = 3,
	EXIT_ACCESS = 4,
};

struct cli {
	const char *cmd;		/* command name, for error messages */
	struct fadump_ctx *ctx;		/* NULL for commands that need none */
	bool json;			/* --json */
	int verbose;			/* number of --verbose */
	enum fadump_dt_source dt_source;/* devtree --source */
	const char *vmcore_source;	/* save --source: NULL for /proc/vmcore */
	bool release_given;		/* save --release[=MODE] */
	enum cli_release_policy release;/* its MODE (auto without one) */
	bool force;			/* save --force */
	bool keep_opalcore;		/* save --keep-opalcore */
	struct cli_save_settings save;	/* save --level, --format, --compress, --threads */
	unsigned int save_given;	/* which of them: enum cli_save_given bits */
	bool range;			/* release --range */
	const char *config_path;	/* --config, NULL: <root>/etc/fadump.conf */
	bool registers;			/* info --registers */
	long cpu;			/* info --cpu N, -1 for every CPU */
	bool pages;			/* info --pages */
	bool zero;			/* info --pages --zero */
	bool virt;			/* read --virt */
};

/* The save settings given on the command line (they override the file). */
enum cli_save_given {
	CLI_GIVEN_LEVEL = 1 << CLI_SAVE_LEVEL,
	CLI_GIVEN_FORMAT = 1 << CLI_SAVE_FORMAT,
	CLI_GIVEN_COMPRESS = 1 << CLI_SAVE_COMPRESS,
	CLI_GIVEN_THREADS = 1 << CLI_SAVE_THREADS,
};

struct cli_command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	const char *args;		/* argument synopsis for --help, or NULL */
	const char *help;		/* one line for --help */
	bool needs_ctx;
};

/* fadumpctl.c: error reporting (each prints exactly one line on stderr) */
int cli_fail(const struct cli *cli, int err);
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_exit_code(int err);
void cli_oom(void) __attribute__((noreturn));

/*
 * fadumpctl.c: load the configuration file (--config, or fadump.conf
 * under the root, where a missing file means the defaults). Prints the
 * error and returns an exit status on failure.
 */
int cli_load_config(const struct cli *cli, struct cli_config *cfg);

/* Commands: argv[0] is the first argument after the command name. */
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_register(struct cli *cli, int argc, char **argv);
int cmd_unregister(struct cli *cli, int argc, char **argv);
int cmd_reregister(struct cli *cli, int argc, char **argv);
int cmd_release(struct cli *cli, int argc, char **argv);
int cmd_bootargs(struct cli *cli, int argc, char **argv);
int cmd_regions(struct cli *cli, int argc, char **argv);
int cmd_devtree(struct cli *cli, int argc, char **argv);
int cmd_info(struct cli *cli, int argc, char **argv);
int cmd_save(struct cli *cli, int argc, char **argv);
int cmd_dmesg(struct cli *cli, int argc, char **argv);
int cmd_read(struct cli *cli, int argc, char **argv);
int cmd_metadata(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_crashinfo(struct cli *cli, int argc, char **argv);
int cmd_decode(struct cli *cli, int argc, char **argv);

/* format.c: human-readable output */

/* Room for "1023.9 KiB" and friends, and for "18446744073709551615 B". */
#define SIZE_STR_MAX 32

/* @bytes in binary units: "0 B", "4 KiB", "320 MiB", "256.0 KiB". */
const char *format_size(char buf[SIZE_STR_MAX], uint64_t bytes);
const char *yes_no(bool v);
const char *tristate_word(enum fadump_tristate t);

/*
 * Hex bytes separated by spaces, 16 per line; continuation lines start
 * with @indent spaces (the first line is assumed to be positioned already).
 */
void print_hex(FILE *out, const void *data, size_t len, int indent);

/* "CPU", "HPTE", or NULL for a -sizes entry type the kernel does not read. */
const char *dump_size_type_name(uint16_t type);

#endif /* FADUMPCTL_H */

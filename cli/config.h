/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fadumpctl's configuration file (/etc/fadump.conf): where the service
 * saves dumps, what it writes (dump level, format, compression, threads),
 * how it gives the memory back, and extra capture-kernel arguments to set
 * before registering. Format and keys: fadump.conf(5),
 * docs/configuration.md. The words of the save settings are the same on
 * fadumpctl's command line, so their parsers are here too.
 */
#ifndef FADUMPCTL_CONFIG_H
#define FADUMPCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "fadump.h"

/* Read when --config is not given; its absence means the defaults. */
#define CLI_CONFIG_DEFAULT_PATH "/etc/fadump.conf"
#define CLI_CONFIG_DEFAULT_DEST "/var/crash/fadump"

/* Limits: anything larger is refused, never truncated. */
#define CLI_CONFIG_MAX_FILE 65536	/* bytes in the file */
#define CLI_CONFIG_MAX_LINE 4096	/* bytes in a line, without the newline */
#define CLI_CONFIG_MAX_BOOTARGS 2047	/* the kernel's param area is 2048 with the NUL */

/*
 * What 'fadumpctl save' writes unless told otherwise: what the
 * distributions' makedumpfile setups write (-d 31, compressed), see
 * docs/saving.md. "--level 0 --format elf" is the full raw copy.
 */
#define CLI_SAVE_DEFAULT_LEVEL FADUMP_DUMP_LEVEL_MAX
#define CLI_SAVE_DEFAULT_FORMAT FADUMP_SAVE_FORMAT_KDUMP
#define CLI_SAVE_DEFAULT_COMPRESSION FADUMP_COMPRESS_DEFAULT
#define CLI_SAVE_DEFAULT_THREADS 0	/* one per online CPU */
/* More compression threads than any capture kernel has CPUs: a typo. */
#define CLI_SAVE_MAX_THREADS 4096

/* What the save writes: fadump_save_opts' dump_level .. threads. */
struct cli_save_settings {
	unsigned int level;		/* makedumpfile -d bits, 0 .. 31 */
	unsigned int format;		/* enum fadump_save_format */
	unsigned int compression;	/* enum fadump_compression */
	unsigned int threads;		/* 0: one per online CPU */
};

#define CLI_SAVE_DEFAULTS ((struct cli_save_settings){			\
	.level = CLI_SAVE_DEFAULT_LEVEL, .format = CLI_SAVE_DEFAULT_FORMAT,	\
	.compression = CLI_SAVE_DEFAULT_COMPRESSION,			\
	.threads = CLI_SAVE_DEFAULT_THREADS })

/*
 * The save settings by name: the file's key, and with "--" in front the
 * option of 'fadumpctl save', both taking the same words.
 */
enum cli_save_setting {
	CLI_SAVE_LEVEL,
	CLI_SAVE_FORMAT,
	CLI_SAVE_COMPRESS,
	CLI_SAVE_THREADS,
	CLI_SAVE_SETTINGS,		/* how many */
};

struct cli_save_key {
	const char *name;		/* "level", "format", "compress", "threads" */
	/*
	 * @s, @len bytes (not NUL-terminated), into *@out: 0, or -EINVAL
	 * for anything but what @expected says. compress names the
	 * compressor only: whether this build has it is
	 * fadump_compression_supported()'s to say.
	 */
	int (*parse)(const char *s, size_t len, unsigned int *out);
	const char *expected;		/* "kdump or elf", for messages */
	size_t offset;			/* of its member of struct cli_save_settings */
};

extern const struct cli_save_key cli_save_keys[CLI_SAVE_SETTINGS];

/* Parse @s into @setting's member of @save; the result of its parse(). */
int cli_save_key_parse(enum cli_save_setting setting, const char *s,
		       size_t len, struct cli_save_settings *save);

/* "kdump" or "elf"; "?" for another value */
const char *cli_format_name(unsigned int format);

enum cli_release_policy {
	CLI_RELEASE_NO,			/* keep the memory until 'fadumpctl release' */
	CLI_RELEASE_AUTO,		/* range-wise if the kernel can, else at the end */
	CLI_RELEASE_RANGES,		/* range-wise or fail */
	CLI_RELEASE_END,		/* release_mem once the copy is durable */
};

struct cli_config {
	char *dest;			/* absolute, no trailing '/' (but "/" itself) */
	enum cli_release_policy release;
	char *bootargs_append;		/* NULL: unset; "" : set, empty */
	struct cli_save_settings save;	/* level, format, compress, threads */
	bool keep_opalcore;		/* opalcore = keep: never release_core */
};

/*
 * Load @path into @cfg, defaults first: dest CLI_CONFIG_DEFAULT_DEST,
 * release auto, bootargs_append unset, save CLI_SAVE_DEFAULTS.
 *
 * @explicit: the user named the file (--config), so a missing file is an
 * error; otherwise a missing file gives the defaults.
 * @err, @errlen: receive a one-line message on failure, without trailing
 * newline, "FILE:LINE: what is wrong" for the contents and "FILE: ..." for
 * the file as a whole. Always NUL-terminated when @errlen > 0.
 *
 * Returns 0; -ENOENT (explicit and missing), -EINVAL for a syntax error or
 * a bad value (compress with format = elf among them), a file that is
 * not a regular file or holds a NUL byte, -EOPNOTSUPP for a compress
 * value this build of libfadump cannot write,
 * -EFBIG for a file over CLI_CONFIG_MAX_FILE bytes, -ENOMEM, or the
 * errno of open()/read(). On failure @cfg holds nothing (all NULL).
 */
int cli_config_load(const char *path, bool explicit, struct cli_config *cfg,
		    char *err, size_t errlen);

/* Free what cli_config_load() allocated; safe on a zeroed or freed @cfg. */
void cli_config_free(struct cli_config *cfg);

/* "no", "auto", "ranges", "end" */
const char *cli_release_policy_name(enum cli_release_policy policy);

#endif /* FADUMPCTL_CONFIG_H */

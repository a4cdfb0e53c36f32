/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fadumpctl's configuration file (/etc/fadump.conf): where the service
 * saves dumps, how it gives the memory back, and extra capture-kernel
 * arguments to set before registering. Format and keys: fadump.conf(5),
 * docs/configuration.md.
 */
#ifndef FADUMPCTL_CONFIG_H
#define FADUMPCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Read when --config is not given; its absence means the defaults. */
#define CLI_CONFIG_DEFAULT_PATH "/etc/fadump.conf"
#define CLI_CONFIG_DEFAULT_DEST "/var/crash/fadump"

/* Limits: anything larger is refused, never truncated. */
#define CLI_CONFIG_MAX_FILE 65536	/* bytes in the file */
#define CLI_CONFIG_MAX_LINE 4096	/* bytes in a line, without the newline */
#define CLI_CONFIG_MAX_BOOTARGS 2047	/* the kernel's param area is 2048 with the NUL */

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
};

/*
 * Load @path into @cfg, defaults first: dest CLI_CONFIG_DEFAULT_DEST,
 * release auto, bootargs_append unset.
 *
 * @explicit: the user named the file (--config), so a missing file is an
 * error; otherwise a missing file gives the defaults.
 * @err, @errlen: receive a one-line message on failure, without trailing
 * newline, "FILE:LINE: what is wrong" for the contents and "FILE: ..." for
 * the file as a whole. Always NUL-terminated when @errlen > 0.
 *
 * Returns 0; -ENOENT (explicit and missing), -EINVAL for a syntax error or
 * a bad value, a file that is not a regular file or holds a NUL byte,
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

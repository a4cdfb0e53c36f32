// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fadumpctl's configuration parser (cli/config.c), directly: defaults,
 * the syntax, every value check and every limit, with the line number
 * each error must name. Files are written to a scratch directory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../cli/config.h"

static char scratch[512];
static char path[sizeof(scratch) + 32];

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(scratch, sizeof(scratch), "%s/fadump-config-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch))
		return -1;
	snprintf(path, sizeof(path), "%s/fadump.conf", scratch);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(scratch);
}

static void write_conf(const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Load @text; on success return 0 with @cfg filled. */
static int load_text(const char *text, struct cli_config *cfg, char *err,
		     size_t errlen)
{
	write_conf(text, strlen(text));
	return cli_config_load(path, true, cfg, err, errlen);
}

/* @text must fail with @errnum and a message "<path>:<line>: ...@what...". */
static void expect_failure(const char *text, int errnum, unsigned int line,
			   const char *what)
{
	struct cli_config cfg;
	char err[1024], prefix[1024];
	int ret;

	ret = load_text(text, &cfg, err, sizeof(err));
	if (ret != errnum || !strstr(err, what))
		fail_msg("for %s: got %d '%s', want %d '%s'", text, ret, err,
			 errnum, what);
	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("message '%s' does not start with '%s'", err, prefix);
	assert_null(strchr(err, '\n'));
	/* Nothing is handed back from a failed load. */
	assert_null(cfg.dest);
	assert_null(cfg.bootargs_append);
	cli_config_free(&cfg);
}

static void expect_error(const char *text, unsigned int line, const char *what)
{
	expect_failure(text, -EINVAL, line, what);
}

/* What fadumpctl save writes with no setting: makedumpfile -d 31 -z. */
static void assert_default_save(const struct cli_config *cfg)
{
	assert_int_equal(cfg->save.level, 31);
	assert_int_equal(cfg->save.format, FADUMP_SAVE_FORMAT_KDUMP);
	assert_int_equal(cfg->save.compression, FADUMP_COMPRESS_DEFAULT);
	assert_int_equal(cfg->save.threads, 0);
}

static void test_missing_default_file(void **state)
{
	struct cli_config cfg;
	char err[256] = "stale";

	(void)state;
	unlink(path);
	assert_int_equal(cli_config_load(path, false, &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_string_equal(cfg.dest, "/var/crash/fadump");
	assert_int_equal(cfg.release, CLI_RELEASE_AUTO);
	assert_null(cfg.bootargs_append);
	assert_default_save(&cfg);
	cli_config_free(&cfg);
	assert_null(cfg.dest);
	cli_config_free(&cfg);	/* twice is fine */
}

static void test_missing_explicit_file(void **state)
{
	struct cli_config cfg;
	char err[1024], want[1024];

	(void)state;
	unlink(path);
	assert_int_equal(cli_config_load(path, true, &cfg, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	assert_null(cfg.dest);
}

static void test_empty_and_comments(void **state)
{
	struct cli_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(load_text("", &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.dest, "/var/crash/fadump");
	assert_int_equal(cfg.release, CLI_RELEASE_AUTO);
	assert_null(cfg.bootargs_append);
	cli_config_free(&cfg);

	assert_int_equal(load_text("# dest = /nowhere\n\n   \t\n  # release = no\n",
				   &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.dest, "/var/crash/fadump");
	assert_int_equal(cfg.release, CLI_RELEASE_AUTO);
	cli_config_free(&cfg);
}

static void test_all_keys(void **state)
{
	struct cli_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(load_text("# comment\n"
				   "  dest\t=  /srv/dumps//  \n"
				   "release=ranges\r\n"
				   "bootargs_append = \"nr_cpus=16 # not a comment\"",
				   &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.dest, "/srv/dumps");
	assert_int_equal(cfg.release, CLI_RELEASE_RANGES);
	assert_string_equal(cfg.bootargs_append, "nr_cpus=16 # not a comment");
	cli_config_free(&cfg);

	assert_int_equal(load_text("release = end\nbootargs_append = numa=off\ndest = /\n",
				   &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.release, CLI_RELEASE_END);
	assert_string_equal(cfg.bootargs_append, "numa=off");
	assert_string_equal(cfg.dest, "/");
	cli_config_free(&cfg);

	assert_int_equal(load_text("release = no\nbootargs_append = \"\"\n",
				   &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.release, CLI_RELEASE_NO);
	assert_string_equal(cfg.bootargs_append, "");
	cli_config_free(&cfg);

	/* Inner quotes of a quoted value are kept as they are. */
	assert_int_equal(load_text("bootargs_append = \"dyndbg=\"file x +p\"\"\n",
				   &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.bootargs_append, "dyndbg=\"file x +p\"");
	cli_config_free(&cfg);

	assert_int_equal(load_text("release = auto\n", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.release, CLI_RELEASE_AUTO);
	assert_false(cfg.keep_opalcore);
	cli_config_free(&cfg);

	/* PowerNV: the saved OPAL core kept, or released with the dump */
	assert_int_equal(load_text("opalcore = keep\n", &cfg, err, sizeof(err)), 0);
	assert_true(cfg.keep_opalcore);
	cli_config_free(&cfg);
	assert_int_equal(load_text("opalcore = release\n", &cfg, err, sizeof(err)), 0);
	assert_false(cfg.keep_opalcore);
	cli_config_free(&cfg);
}

static void test_save_keys(void **state)
{
	struct cli_config cfg;
	char err[256];

	(void)state;
	/* The full raw copy of 0.4 and before. */
	assert_int_equal(load_text("level = 0\nformat = elf\nthreads = 8\n",
				   &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.save.level, 0);
	assert_int_equal(cfg.save.format, FADUMP_SAVE_FORMAT_ELF);
	assert_int_equal(cfg.save.compression, FADUMP_COMPRESS_DEFAULT);
	assert_int_equal(cfg.save.threads, 8);
	cli_config_free(&cfg);

	assert_int_equal(load_text("threads = 4096\ncompress = zlib\n"
				   "format = kdump\nlevel = 17\n",
				   &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.save.level, 17);
	assert_int_equal(cfg.save.format, FADUMP_SAVE_FORMAT_KDUMP);
	assert_int_equal(cfg.save.compression, FADUMP_COMPRESS_ZLIB);
	assert_int_equal(cfg.save.threads, 4096);
	cli_config_free(&cfg);

	assert_int_equal(load_text("compress = \"none\"\nthreads = auto\nlevel = 031\n",
				   &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.save.compression, FADUMP_COMPRESS_NONE);
	assert_int_equal(cfg.save.threads, 0);
	assert_int_equal(cfg.save.level, 31);
	cli_config_free(&cfg);

	/* Each compressor this build has; one it lacks names the line. */
	for (unsigned int c = FADUMP_COMPRESS_NONE; c <= FADUMP_COMPRESS_ZSTD; c++) {
		char text[64];

		snprintf(text, sizeof(text), "\ncompress = %s\n",
			 fadump_compression_name(c));
		if (fadump_compression_supported(c) == 1) {
			assert_int_equal(load_text(text, &cfg, err, sizeof(err)), 0);
			assert_int_equal(cfg.save.compression, c);
			cli_config_free(&cfg);
		} else {
			snprintf(text + 40, sizeof(text) - 40, "cannot write %s",
				 fadump_compression_name(c));
			expect_failure(text, -EOPNOTSUPP, 2, text + 40);
		}
	}
}

static void test_save_bad_values(void **state)
{
	(void)state;
	expect_error("level = 32\n", 1,
		     "level: '32' is not a dump level from 0 to 31");
	expect_error("level = -1\n", 1, "level: '-1' is not");
	expect_error("level = +3\n", 1, "level: '+3' is not");
	expect_error("level = 0x1f\n", 1, "level: '0x1f' is not");
	expect_error("level = 3 1\n", 1, "level: '3 1' is not");
	expect_error("level =\n", 1, "level: '' is not");
	expect_error("level = 99999999999999999999\n", 1, "level: '9999");
	expect_error("format = ELF\n", 1, "format: 'ELF' is not kdump or elf");
	expect_error("format = raw\n", 1, "format: 'raw' is not kdump or elf");
	expect_error("compress = gzip\n", 1,
		     "compress: 'gzip' is not zstd, zlib, lzo or none");
	expect_error("compress = default\n", 1, "compress: 'default' is not");
	expect_error("compress = ZSTD\n", 1, "compress: 'ZSTD' is not");
	expect_error("threads = 4097\n", 1,
		     "threads: '4097' is not auto or a thread count from 0 (auto) to 4096");
	expect_error("threads = -1\n", 1, "threads: '-1' is not");
	expect_error("threads = Auto\n", 1, "threads: 'Auto' is not");
	expect_error("threads = 1e3\n", 1, "threads: '1e3' is not");
	expect_error("level = 31\nlevel = 0\n", 2,
		     "duplicate key 'level' (first set on line 1)");
	/* A compressor for a format without compression, either order. */
	expect_error("format = elf\n# x\ncompress = zlib\n", 3,
		     "compress: applies to format = kdump only (format = elf on line 1)");
	expect_error("compress = none\nformat = elf\n", 2,
		     "compress: applies to format = kdump only (format = elf on line 2)");
}

static void test_syntax_errors(void **state)
{
	(void)state;
	expect_error("dest /var/crash\n", 1, "missing '='");
	expect_error("\n\n= /var/crash\n", 3, "missing key");
	expect_error("# c\ndest = /a\nDest = /b\n", 3, "unknown key 'Dest'");
	expect_error("save_dir = /a\n", 1, "unknown key 'save_dir'");
	expect_error("dest = /a\n\ndest = /b\n", 3, "duplicate key 'dest' (first set on line 1)");
	expect_error("release = end\nrelease = end\n", 2, "duplicate key 'release'");
	expect_error("bootargs_append = \"abc\n", 1, "unterminated quoted value");
	expect_error("bootargs_append = \"\n", 1, "unterminated quoted value");
	expect_error("dest = /var/crash # where\n", 1, "'#' in an unquoted value");
	expect_error("bootargs_append = a=\"b c\"\n", 1, "inside an unquoted value");
	/* Control bytes in a key are quoted back, not printed raw. */
	expect_error("k\x1b[2J = 1\n", 1, "unknown key 'k\\x1b[2J'");
}

static void test_bad_values(void **state)
{
	char text[4096];

	(void)state;
	expect_error("dest = var/crash\n", 1, "dest: 'var/crash' is not an absolute path");
	expect_error("dest =\n", 1, "dest: empty value");
	expect_error("dest = \"\"\n", 1, "dest: empty value");
	expect_error("dest = \"/a\tb\"\n", 1, "dest: control character \\x09");
	expect_error("release = yes\n", 1, "release: 'yes' is not auto, ranges, end or no");
	expect_error("release = AUTO\n", 1, "'AUTO' is not");
	expect_error("release =\n", 1, "release: '' is not");
	expect_error("opalcore = yes\n", 1, "opalcore: 'yes' is not release or keep");
	expect_error("opalcore = keep\nopalcore = keep\n", 2,
		     "duplicate key 'opalcore'");
	expect_error("bootargs_append = \"a\x01\"\n", 1, "control character \\x01");

	/* A long bad value is cut in the message, not copied whole. */
	memset(text, 'x', 3000);
	memcpy(text, "release = ", 10);
	strcpy(text + 3000, "\n");
	expect_error(text, 1, "xxx...' is not");
}

static void test_bootargs_limit(void **state)
{
	struct cli_config cfg;
	char text[2200], err[256];
	size_t n = strlen("bootargs_append = ");

	(void)state;
	memcpy(text, "bootargs_append = ", n);
	memset(text + n, 'a', 2047);
	strcpy(text + n + 2047, "\n");
	assert_int_equal(load_text(text, &cfg, err, sizeof(err)), 0);
	assert_int_equal(strlen(cfg.bootargs_append), 2047);
	cli_config_free(&cfg);

	memset(text + n, 'a', 2048);
	strcpy(text + n + 2048, "\n");
	expect_error(text, 1, "bootargs_append: 2048 bytes, at most 2047");
}

static void test_line_limit(void **state)
{
	struct cli_config cfg;
	char text[4200], err[256];

	(void)state;
	/* A comment of exactly 4096 bytes is a line like any other ... */
	memset(text, ' ', 4096);
	text[0] = '#';
	strcpy(text + 4096, "\nrelease = end\n");
	assert_int_equal(load_text(text, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.release, CLI_RELEASE_END);
	cli_config_free(&cfg);

	/* ... one more byte is refused, even in a comment, and without '\n'. */
	memset(text, ' ', 4097);
	text[0] = '#';
	strcpy(text + 4097, "\n");
	expect_error(text, 1, "line longer than 4096 bytes");
	text[4097] = '\0';
	expect_error(text, 1, "line longer than 4096 bytes");
	memmove(text + 1, text, 4098);
	text[0] = '\n';
	expect_error(text, 2, "line longer than 4096 bytes");
}

static void test_file_limit(void **state)
{
	struct cli_config cfg;
	char *text, err[1024], want[1024];

	(void)state;
	text = malloc(65536 + 2);
	assert_non_null(text);
	/* 65536 bytes of comment lines (64 bytes each) are read ... */
	for (size_t i = 0; i < 65536; i += 64) {
		memset(text + i, '#', 63);
		text[i + 63] = '\n';
	}
	write_conf(text, 65536);
	assert_int_equal(cli_config_load(path, true, &cfg, err, sizeof(err)), 0);
	cli_config_free(&cfg);
	/* ... one byte more is not. */
	text[65536] = '\n';
	write_conf(text, 65537);
	assert_int_equal(cli_config_load(path, true, &cfg, err, sizeof(err)), -EFBIG);
	snprintf(want, sizeof(want), "%s: larger than 65536 bytes", path);
	assert_string_equal(err, want);
	assert_null(cfg.dest);
	free(text);
}

static void test_not_text(void **state)
{
	static const char text[] = "release = end\n\nde\0st = /a\n";
	struct cli_config cfg;
	char err[1024], want[1024];

	(void)state;
	write_conf(text, sizeof(text) - 1);
	assert_int_equal(cli_config_load(path, true, &cfg, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:3: NUL byte (not a text file?)", path);
	assert_string_equal(err, want);

	/* A directory, even as the default file, is an error, not defaults. */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(cli_config_load(path, false, &cfg, err, sizeof(err)), -EISDIR);
	snprintf(want, sizeof(want), "%s: not a regular file", path);
	assert_string_equal(err, want);
	assert_int_equal(rmdir(path), 0);

	/* A FIFO would block a plain read(): refused without reading. */
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(cli_config_load(path, true, &cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, want);
	assert_int_equal(unlink(path), 0);
}

static void test_small_error_buffer(void **state)
{
	struct cli_config cfg;
	char err[8];

	(void)state;
	/* Truncated, NUL-terminated, nothing written past the buffer (ASan). */
	assert_int_equal(load_text("nonsense\n", &cfg, err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(load_text("nonsense\n", &cfg, NULL, 0), -EINVAL);
}

/*
 * The installed data/fadump.conf: as shipped (all commented out) it gives
 * the defaults, and each commented key, uncommented, states the default
 * the parser really has (the example bootargs line parses too).
 */
static void test_shipped_file(void **state)
{
	const char *data = getenv("FADUMP_TEST_DATA");
	bool zstd = fadump_compression_supported(FADUMP_COMPRESS_ZSTD) == 1;
	char shipped[1024], *text, *p;
	struct cli_config cfg;
	char err[1024];
	FILE *f;
	long n;

	(void)state;
	if (!data)
		skip();
	snprintf(shipped, sizeof(shipped), "%s/../../data/fadump.conf", data);
	assert_int_equal(cli_config_load(shipped, true, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.dest, CLI_CONFIG_DEFAULT_DEST);
	assert_int_equal(cfg.release, CLI_RELEASE_AUTO);
	assert_null(cfg.bootargs_append);
	assert_default_save(&cfg);
	cli_config_free(&cfg);

	f = fopen(shipped, "r");
	assert_non_null(f);
	text = calloc(1, 65536);
	assert_non_null(text);
	n = (long)fread(text, 1, 65535, f);
	fclose(f);
	assert_true(n > 0);
	/* "\n#key =" -> "\n key =" for every key */
	for (p = text; (p = strstr(p, "\n#")); p++)
		if (!strncmp(p + 2, "dest =", 6) ||
		    !strncmp(p + 2, "release =", 9) ||
		    !strncmp(p + 2, "level =", 7) ||
		    !strncmp(p + 2, "format =", 8) ||
		    (!strncmp(p + 2, "compress =", 10) && zstd) ||
		    !strncmp(p + 2, "threads =", 9) ||
		    !strncmp(p + 2, "bootargs_append =", 17) ||
		    !strncmp(p + 2, "opalcore =", 10))
			p[1] = ' ';
	write_conf(text, strlen(text));
	free(text);
	assert_int_equal(cli_config_load(path, true, &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.dest, "/var/crash/fadump");
	assert_int_equal(cfg.release, CLI_RELEASE_AUTO);
	assert_non_null(cfg.bootargs_append);
	assert_int_equal(cfg.save.level, 31);
	assert_int_equal(cfg.save.format, FADUMP_SAVE_FORMAT_KDUMP);
	/* the line shows zstd, what the default means where the build has it */
	assert_int_equal(cfg.save.compression,
			 zstd ? FADUMP_COMPRESS_ZSTD : FADUMP_COMPRESS_DEFAULT);
	assert_int_equal(cfg.save.threads, 0);
	assert_false(cfg.keep_opalcore);	/* the line shows the default */
	cli_config_free(&cfg);
}

static void test_policy_names(void **state)
{
	(void)state;
	assert_string_equal(cli_release_policy_name(CLI_RELEASE_NO), "no");
	assert_string_equal(cli_release_policy_name(CLI_RELEASE_AUTO), "auto");
	assert_string_equal(cli_release_policy_name(CLI_RELEASE_RANGES), "ranges");
	assert_string_equal(cli_release_policy_name(CLI_RELEASE_END), "end");
	assert_string_equal(cli_release_policy_name((enum cli_release_policy)42), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_default_file),
		cmocka_unit_test(test_missing_explicit_file),
		cmocka_unit_test(test_empty_and_comments),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_save_keys),
		cmocka_unit_test(test_save_bad_values),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bootargs_limit),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_not_text),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_shipped_file),
		cmocka_unit_test(test_policy_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
